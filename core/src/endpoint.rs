//! Every endpoint is one [`Endpoint`] value: name, method, path template, request and response
//! types. The typed Rust methods, the Python and Node methods (through [`crate::host`]) and
//! their typings are all derived from it.

use std::marker::PhantomData;

use futures::future::BoxFuture;
use futures::{Stream, TryStreamExt};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::answer::Answer;
use crate::error::{Error, Result};
use crate::page::Page;
use crate::retry::Repeat;
use crate::transport::{self, Body, Request, Response};

/// A request type: serializable to the wire, readable from a host's plain data, self-checking.
pub trait ApiRequest: Serialize + DeserializeOwned + JsonSchema + Send + Sync + 'static {
    /// Checks what the API would reject, before anything is sent.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// A copy with what the SDK fills in itself (an ePOS payment's `reference_number`), or
    /// `None` when the request goes as it is.
    fn prepare(&self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// Headers this request sends besides the client's own (PSD2's `Consent-ID`,
    /// `PSU-IP-Address`…). Fields that travel as headers are `#[serde(skip_serializing)]`, so
    /// they stay out of the query and body while hosts still pass them like any field.
    fn headers(&self) -> Result<reqwest::header::HeaderMap> {
        Ok(reqwest::header::HeaderMap::new())
    }

    /// The fields [`ApiRequest::headers`] sends, as (wire field name, header name): what the
    /// conformance tests hold against the API's text.
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = &[];
}

/// A response type: decoded from the API's answer, handed to hosts as plain data.
pub trait ApiResponse: Serialize + DeserializeOwned + JsonSchema + Send + 'static {
    /// True for [`Page`]: the answer is one page of a longer list.
    const PAGED: bool = false;

    fn decode(response: &Response) -> Result<Self> {
        transport::decode_json(response)
    }
}

// Here rather than in `page.rs`: a page is a value, below the endpoint layer that defines
// what a response is.
impl<T: Serialize + DeserializeOwned + JsonSchema + Send + 'static> ApiResponse for Page<T> {
    const PAGED: bool = true;
}

/// Settles a call whose outcome is unknown (the answer was lost after the request may have
/// reached the server): finds what the request did, or says why it cannot, within the call's
/// timeout counted from `began`, when the call started.
pub type Reconcile<Req, Resp, C> =
    for<'a> fn(&'a C, &'a Req, Error, tokio::time::Instant) -> BoxFuture<'a, Result<Resp>>;

/// One endpoint of one API, defined once.
pub struct Endpoint<Req, Resp, C> {
    /// `family.namespace.method`, e.g. `banking.get_accounts`.
    pub name: &'static str,
    pub method: Method,
    /// With `{param}` placeholders, each filled from the request field of that name.
    pub path: &'static str,
    /// Request fields taken positionally after the path parameters, in this order
    /// (`get_multiple_transactions(['REF1', 'REF2'])`), as the API texts call them.
    pub arguments: &'static [&'static str],
    /// The doc comment, carried into the Python and TypeScript typings.
    pub doc: &'static str,
    /// For a request that moves money: how to settle an ambiguous failure instead of
    /// sending the request again.
    pub reconcile: Option<Reconcile<Req, Resp, C>>,
    /// Whether it may be sent again after it may have reached the server, where the
    /// definition says; otherwise [`Repeat::by_method`].
    pub declared_repeat: Option<Repeat>,
    _types: PhantomData<fn(Req, &C) -> Resp>,
}

impl<Req, Resp, C> Endpoint<Req, Resp, C> {
    pub const fn new(
        name: &'static str,
        method: Method,
        path: &'static str,
        arguments: &'static [&'static str],
        doc: &'static str,
        reconcile: Option<Reconcile<Req, Resp, C>>,
        declared_repeat: Option<Repeat>,
    ) -> Self {
        Self {
            name,
            method,
            path,
            arguments,
            doc,
            reconcile,
            declared_repeat,
            _types: PhantomData,
        }
    }

    /// Whether it may be sent again after it may have reached the server.
    pub fn repeat(&self) -> Repeat {
        self.declared_repeat
            .unwrap_or_else(|| Repeat::by_method(&self.method))
    }

    /// The names of the `{param}` placeholders, in order.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }
}

impl<Req: ApiRequest, Resp, C> Endpoint<Req, Resp, C> {
    /// Builds the HTTP request: path parameters from their fields, the other fields as the
    /// query (GET, DELETE) or the JSON body (everything else).
    pub(crate) fn build(&self, request: &Req) -> Result<Request> {
        request.validate()?;
        let headers = request.headers()?;
        let mut fields = match serde_json::to_value(request) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(Error::invalid("request", "must be an object")),
            Err(e) => return Err(Error::invalid("request", e.to_string())),
        };
        check_paging(&fields)?;
        let mut path = String::with_capacity(self.path.len() + 16);
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            let end = rest[start..]
                .find('}')
                .map(|i| start + i)
                .expect("path placeholders are closed");
            let name = &rest[start + 1..end];
            let value = fields
                .remove(name)
                .and_then(|v| scalar_text(&v))
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::invalid(name, "is required"))?;
            if is_dot_segment(&value) {
                // Percent-encoding leaves dots alone and URLs resolve them: `.` would drop
                // the segment, `..` climb a level, sending the request somewhere else.
                return Err(Error::invalid(name, "must not be `.` or `..`"));
            }
            path.push_str(&rest[..start]);
            path.extend(
                url::form_urlencoded::byte_serialize(value.as_bytes())
                    .map(|s| s.replace('+', "%20")),
            );
            rest = &rest[end + 1..];
        }
        path.push_str(rest);
        let (query, body) = if matches!(self.method, Method::GET | Method::DELETE) {
            let query = fields
                .into_iter()
                .filter_map(|(k, v)| scalar_or_list_text(&v).map(|v| (k, v)))
                .collect();
            (query, Body::None)
        } else {
            (vec![], Body::Json(Value::Object(fields)))
        };
        Ok(Request {
            method: self.method.clone(),
            path,
            template: self.path,
            query,
            body,
            headers,
            repeat: self.repeat(),
        })
    }
}

/// `.` and `..`, also percent-encoded (`%2e`), which URLs resolve as moves in the path.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase().replace("%2e", ".");
    lower == "." || lower == ".."
}

/// Pages are 1-based and hold 1 to 100 items on every myPOS list.
fn check_paging(fields: &Map<String, Value>) -> Result<()> {
    if let Some(page) = fields.get("page").and_then(Value::as_i64)
        && page < 1
    {
        return Err(Error::invalid(
            "page",
            "must be 1 or more (pages count from 1)",
        ));
    }
    if let Some(size) = fields.get("size").and_then(Value::as_i64)
        && !(1..=100).contains(&size)
    {
        return Err(Error::invalid("size", "must be between 1 and 100"));
    }
    Ok(())
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Lists travel as one comma-separated query value (`payment_references=a,b,c`).
fn scalar_or_list_text(value: &Value) -> Option<String> {
    match value {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => scalar_text(other),
    }
}

/// The field a deserialization error is about, and what is wrong with it. Serde reports a
/// missing field at its parent, so its name is moved into the path.
pub(crate) fn locate(
    error: serde_path_to_error::Error<serde_json::Error>,
    root: &str,
) -> (String, String) {
    let path = error.path().to_string();
    let message = error.into_inner().to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let parent = if path == "." { String::new() } else { path };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
        .map(str::to_owned);
    match missing {
        Some(name) if parent.is_empty() => (name, "is required".into()),
        Some(name) => (format!("{parent}.{name}"), "is required".into()),
        None if parent.is_empty() => (root.into(), message),
        None => (parent, message),
    }
}

/// A host's arguments (wire-named JSON) as the typed request; an error names the field.
pub(crate) fn request_from<Req: DeserializeOwned>(args: Value) -> Result<Req> {
    serde_path_to_error::deserialize(args).map_err(|e| {
        let (field, message) = locate(e, "request");
        Error::invalid(field, message)
    })
}

fn schema_has_property(schema: &Value, name: &str) -> bool {
    schema.get("properties").and_then(|p| p.get(name)).is_some()
}

/// A request that names a page of a list.
pub trait PagedRequest {
    fn set_page(&mut self, page: u32);
    fn page(&self) -> Option<u32>;
}

impl<Req, T, C> Endpoint<Req, Page<T>, C>
where
    Req: ApiRequest + PagedRequest + Clone,
    T: Serialize + DeserializeOwned + JsonSchema + Send + 'static,
    C: Executor,
{
    /// Every item of the list from `request`'s page on, fetching one page at a time, only
    /// when the items before it have been consumed.
    pub fn stream<'a>(
        &'a self,
        client: &'a C,
        request: Req,
    ) -> impl Stream<Item = Result<T>> + Send + 'a
    where
        Req: Send + 'a,
        T: Send + 'a,
        C: Send,
    {
        let first = request.page().unwrap_or(1);
        futures::stream::try_unfold(Some((request, first)), move |state| async move {
            let Some((mut request, page)) = state else {
                return Ok::<_, Error>(None);
            };
            request.set_page(page);
            let answer = self.call(client, &request).await?;
            let next = answer
                .has_next_page
                .then(|| page.checked_add(1).map(|next| (request, next)))
                .flatten();
            Ok(Some((
                futures::stream::iter(answer.items.into_iter().map(Ok)),
                next,
            )))
        })
        .try_flatten()
    }
}

/// A client that can run endpoints of its API (a merchant client, a MobilePay client…).
pub trait Executor: Sync {
    fn execute_request<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>>;

    /// Every operation of its API: what a raw request to one of their paths may repeat.
    fn operations() -> Vec<&'static dyn Operation<Self>>
    where
        Self: Sized;
}

/// Whether a request by `method` and `path` (filled in) may be repeated: as the operation
/// with that method and path template declares, or by its method when none has them.
pub(crate) fn repeat_of<C>(
    operations: &[&'static dyn Operation<C>],
    method: &Method,
    path: &str,
) -> Repeat {
    operations
        .iter()
        .find(|op| {
            let info = op.info();
            info.method == method.as_str() && template_matches(info.path, path)
        })
        .map_or_else(|| Repeat::by_method(method), |op| op.repeat())
}

/// `/a/{id}/b` matches `/a/42/b`: segment by segment, a placeholder standing for any one.
fn template_matches(template: &str, path: &str) -> bool {
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or(path)
        .trim_end_matches('/');
    let mut wanted = template.trim_end_matches('/').split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w == g || (w.starts_with('{') && !g.is_empty()) => {}
            _ => return false,
        }
    }
}

impl<Req: ApiRequest, Resp: ApiResponse, C: Executor> Endpoint<Req, Resp, C> {
    /// Runs the endpoint for `client`. A failure that leaves the outcome unknown goes to the
    /// endpoint's reconciler, if it has one.
    pub async fn call(&self, client: &C, request: &Req) -> Result<Resp> {
        let began = tokio::time::Instant::now();
        let prepared = request.prepare();
        let request = prepared.as_ref().unwrap_or(request);
        let built = self.build(request)?;
        let result = match client.execute_request(&built).await {
            Ok(response) => Resp::decode(&response),
            Err(error) => Err(error),
        };
        match (result, self.reconcile) {
            (Err(error), Some(reconcile)) if error.outcome_unknown() => {
                tracing::warn!(path = self.path, error = %error, "outcome unknown: reconciling");
                reconcile(client, request, error, began).await
            }
            (result, _) => result,
        }
    }
}

/// What hosts know of an operation.
#[derive(Debug, Clone, Serialize)]
pub struct OperationInfo {
    pub name: &'static str,
    pub method: String,
    pub path: &'static str,
    /// Positional arguments in Python and Node, in this order: the path parameters, then
    /// any other field the definition names.
    pub positional: Vec<&'static str>,
    pub doc: &'static str,
    /// Answers with a [`Page`] and takes a `page` number: iterable.
    pub paged: bool,
}

/// What an operation puts on the wire, for checking it against the API's published text.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct WireShape {
    pub info: OperationInfo,
    /// The request as hosts pass it (its JSON Schema, deserialize contract).
    pub request: Value,
    /// The request as it is serialized for sending: path fields, then the query (GET,
    /// DELETE) or the body; header fields are not in it.
    pub sent: Value,
    /// Request fields that travel as headers: (wire field name, header name).
    pub headers: &'static [(&'static str, &'static str)],
}

/// An endpoint with its types erased, so hosts can call it by name with plain data.
pub trait Operation<C>: Send + Sync {
    fn info(&self) -> OperationInfo;
    /// Whether it may be sent again after it may have reached the server.
    fn repeat(&self) -> Repeat {
        Repeat::Once
    }
    fn request_schema(&self) -> Value;
    fn response_schema(&self) -> Value;
    /// Wire-named JSON in, the typed answer out (hosts write it in their casing).
    fn call_answer<'a>(
        &'a self,
        client: &'a C,
        args: Value,
    ) -> BoxFuture<'a, Result<Box<dyn Answer>>>;

    /// Test hook: what `call_answer` makes of a successful answer with `status` and `body`,
    /// through the same decoder, without a server. `None` for an operation that is not one
    /// endpoint (a flow), which has no single answer to decode, and for a status outside 100–999.
    #[doc(hidden)]
    fn decode_answer(&self, _status: u16, _body: &[u8]) -> Option<Result<Box<dyn Answer>>> {
        None
    }

    /// Test hook: what the operation sends, or `None` for a flow (several requests).
    #[doc(hidden)]
    fn wire_shape(&self) -> Option<WireShape> {
        None
    }
}

impl<Req: ApiRequest, Resp: ApiResponse, C: Executor + Send + Sync> Operation<C>
    for Endpoint<Req, Resp, C>
{
    fn info(&self) -> OperationInfo {
        OperationInfo {
            name: self.name,
            method: self.method.to_string(),
            path: self.path,
            positional: [self.path_params(), self.arguments.to_vec()].concat(),
            doc: self.doc,
            paged: Resp::PAGED && schema_has_property(&self.request_schema(), "page"),
        }
    }

    fn repeat(&self) -> Repeat {
        Endpoint::repeat(self)
    }

    fn request_schema(&self) -> Value {
        schemars::schema_for!(Req).to_value()
    }

    fn response_schema(&self) -> Value {
        schemars::schema_for!(Resp).to_value()
    }

    fn call_answer<'a>(
        &'a self,
        client: &'a C,
        args: Value,
    ) -> BoxFuture<'a, Result<Box<dyn Answer>>> {
        Box::pin(async move {
            let request: Req = request_from(args)?;
            let response = self.call(client, &request).await?;
            Ok(Box::new(response) as Box<dyn Answer>)
        })
    }

    fn decode_answer(&self, status: u16, body: &[u8]) -> Option<Result<Box<dyn Answer>>> {
        let status = reqwest::StatusCode::from_u16(status).ok()?;
        let response = Response {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: bytes::Bytes::copy_from_slice(body),
        };
        Some(Resp::decode(&response).map(|decoded| Box::new(decoded) as Box<dyn Answer>))
    }

    fn wire_shape(&self) -> Option<WireShape> {
        let sent = schemars::generate::SchemaSettings::default()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<Req>();
        Some(WireShape {
            info: self.info(),
            request: self.request_schema(),
            sent: sent.to_value(),
            headers: Req::HEADER_FIELDS,
        })
    }
}

/// Declares one namespace of endpoints: a typed method each on a small handle struct, and
/// the `endpoints` module that lists them for hosts.
///
/// ```ignore
/// operations! {
///     /// Accounts, transactions and statements.
///     pub struct Banking<MerchantClient> as "banking" {
///         /// List the merchant's accounts.
///         get_accounts(GetAccountsRequest) -> Page<Account> = GET "/accounting/v1/accounts";
///         /// Fields named after the request type are taken positionally, after the path's.
///         get_multiple_transactions(GetMultipleTransactionsRequest, payment_references)
///             -> Vec<TransactionDetails> = GET "/accounting/v1/transactions/details";
///         /// Takes the money (a GET that changes state: never repeated).
///         capture(CaptureRequest) -> Message = GET once "/api/pos/payment/capture";
///     }
/// }
/// ```
///
/// Repeat safety: after the method, `once` (sent again only when it certainly never reached
/// the server) or `repeatable` (safe to send twice) overrides the method's default,
/// [`Repeat::by_method`]: GET, HEAD, PUT, DELETE and OPTIONS repeatable, the rest once.
#[macro_export]
#[doc(hidden)]
macro_rules! operations {
    (
        $(#[$meta:meta])*
        pub struct $ns:ident<$client:ty> as $prefix:literal {
            $(
                $(#[doc = $doc:literal])*
                $op:ident($req:ty $(, $arg:ident)*) -> $resp:ty = $method:ident $($repeat:ident)? $path:literal
                    $(, reconciled by $reconcile:path)?;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        pub struct $ns<'a>(pub(crate) &'a $client);

        impl $ns<'_> {
            $(
                $(#[doc = $doc])*
                pub async fn $op(&self, request: $req) -> $crate::Result<$resp> {
                    endpoints::$op.call(self.0, &request).await
                }
            )*
        }

        /// The endpoint definitions of this namespace.
        pub mod endpoints {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[allow(non_upper_case_globals)]
                $(#[doc = $doc])*
                pub static $op: $crate::endpoint::Endpoint<$req, $resp, $client> =
                    $crate::endpoint::Endpoint::new(
                        concat!($prefix, ".", stringify!($op)),
                        ::reqwest::Method::$method,
                        $path,
                        &[$(stringify!($arg)),*],
                        concat!($($doc, "\n",)*),
                        $crate::__optional!($($reconcile)?),
                        $crate::__repeat!($($repeat)?),
                    );
            )*

            /// Every endpoint above, types erased.
            pub fn all() -> Vec<&'static dyn $crate::endpoint::Operation<$client>> {
                vec![$(&$op),*]
            }
        }
    };
}

/// Implements [`PagedRequest`] for request structs with a `page: Option<u32>` field.
#[macro_export]
#[doc(hidden)]
macro_rules! paged_request {
    ($($request:ty),* $(,)?) => {$(
        impl $crate::endpoint::PagedRequest for $request {
            fn set_page(&mut self, page: u32) {
                self.page = Some(page);
            }
            fn page(&self) -> Option<u32> {
                self.page
            }
        }
    )*};
}

/// An operation line's repeat-safety token, if it has one.
#[macro_export]
#[doc(hidden)]
macro_rules! __repeat {
    () => {
        None
    };
    (once) => {
        Some($crate::retry::Repeat::Once)
    };
    (repeatable) => {
        Some($crate::retry::Repeat::Safe)
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __optional {
    () => {
        None
    };
    ($value:path) => {
        Some($value)
    };
}
