//! The one place that sends HTTP: headers, timeouts, the 401 replay, and turning answers into
//! typed results or [`Error`]s.

use bytes::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::error::{ApiError, Error, Result};
use crate::fork::PerProcess;
use crate::retry::{self, Failure, Repeat};

/// The largest answer body read unless configured otherwise (`max_response_bytes`): far above
/// any page the APIs serve, far below what would hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// How many clients with other connect timeouts one transport keeps (each has its own pool).
const MAX_CONNECT_TIMEOUT_CLIENTS: usize = 8;

/// How much of an error's text an [`ApiError`] keeps (its `detail`, a non-JSON snippet).
const DETAIL_CHARS: usize = 1000;

/// The Content-Type the gateway documentation uses for JSON bodies.
const JSON_CONTENT_TYPE: &str = "application/json; x-api-version=1";

/// One request, ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    /// The path with parameters filled in and percent-encoded.
    pub(crate) path: String,
    /// The path as defined (`/pos/v1/terminals/{terminal_id}`): what logs show.
    pub(crate) template: &'static str,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    /// Headers the request itself contributes (PSD2's `Consent-ID`, …); credentials win.
    pub(crate) headers: HeaderMap,
    /// Whether it may be sent again after it may have reached the server: its operation's.
    pub(crate) repeat: Repeat,
}

/// Bodies carry client secrets (token forms, session requests) and card data: `Debug` shows
/// their field names, never a value.
#[derive(Clone)]
pub(crate) enum Body {
    None,
    Json(Value),
    /// Form fields; values may be secrets, so this body is never logged.
    Form(Vec<(&'static str, String)>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            Body::Json(Value::Object(members)) => f
                .debug_tuple("Json")
                .field(&members.keys().collect::<Vec<_>>())
                .finish(),
            Body::Json(_) => f.write_str("Json(<redacted>)"),
            Body::Form(fields) => f
                .debug_tuple("Form")
                .field(&fields.iter().map(|(name, _)| *name).collect::<Vec<_>>())
                .finish(),
        }
    }
}

/// A complete answer: status, headers and the whole body.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body as received (shared with the HTTP stack, not copied).
    pub(crate) body: Bytes,
}

/// Supplies per-request credentials and forgets them when the API refuses them.
pub(crate) trait Authenticator: Sync {
    type Used: Send;
    /// Whether a refused credential can be replaced by another; if not, a 401 is final and
    /// the request is not replayed with the same credentials.
    const REFRESHES: bool = true;
    /// Headers for one attempt, and a handle on the credentials they came from.
    fn headers(&self) -> impl Future<Output = Result<(HeaderMap, Self::Used)>> + Send;
    /// The API answered 401 (`refusal`) to credentials `used`: drop what it refused so the
    /// next call fetches new ones.
    fn invalidate(&self, used: &Self::Used, refusal: &Response);
}

#[derive(Debug)]
pub(crate) struct Transport {
    /// Rebuilt in a forked child: pooled connections stay with the parent's runtime.
    http: PerProcess<reqwest::Client>,
    /// Clients for calls with another connect timeout (reqwest fixes it per client), made
    /// on first use, one per distinct value.
    other_connect_timeouts: PerProcess<Arc<Mutex<HashMap<Duration, reqwest::Client>>>>,
    settings: ClientSettings,
    base: Url,
    /// The largest answer body read; a longer one is [`Error::ResponseTooLarge`].
    max_response_bytes: u64,
}

/// What the HTTP client is built from.
#[derive(Debug, Clone)]
struct ClientSettings {
    user_agent: String,
    connect_timeout: Duration,
    https_only: bool,
    /// Extra CA and client identity; validated when the client is built.
    tls: crate::tls::TlsOptions,
}

impl ClientSettings {
    fn build(&self) -> Result<reqwest::Client> {
        crate::tls::install_default_provider();
        let mut default_headers = HeaderMap::new();
        default_headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let builder = reqwest::Client::builder()
            .user_agent(&self.user_agent)
            .default_headers(default_headers)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            // A redirect would carry the session, partner and PSD2 headers (and the query's
            // access token, as a Referer) to whatever host it names, and a 307/308 would
            // replay a payment or a client secret there: none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .https_only(self.https_only);
        let builder = self.tls.apply(builder, "tls")?;
        builder
            .build()
            .map_err(|e| Error::config("tls", format!("could not build the HTTP client: {e}")))
    }
}

/// The limits of one call: all its attempts within `timeout`, at most `max_retries` retries,
/// each connection opened within `connect_timeout` (`None`: the client's own).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallOptions {
    pub timeout: Duration,
    pub max_retries: u32,
    pub connect_timeout: Option<Duration>,
}

impl CallOptions {
    /// These options with each limit `limits` gives replaced: what every client's
    /// `with_options` and `with_connect_timeout` make. A zero duration is a `ConfigError`.
    pub(crate) fn overridden(mut self, limits: CallLimits) -> Result<Self> {
        for (field, value) in [
            ("timeout", limits.timeout),
            ("connect_timeout", limits.connect_timeout),
        ] {
            if value.is_some_and(|t| t.is_zero()) {
                return Err(Error::config(field, "must be greater than zero"));
            }
        }
        self.timeout = limits.timeout.unwrap_or(self.timeout);
        self.max_retries = limits.max_retries.unwrap_or(self.max_retries);
        self.connect_timeout = limits.connect_timeout.or(self.connect_timeout);
        Ok(self)
    }
}

/// The limits a caller changes on a client, each `None` keeping the client's: what
/// `with_options` takes in Rust and (parsed by `host::settings::call_options`) in the hosts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallLimits {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub connect_timeout: Option<Duration>,
}

/// A client whose calls run under [`CallOptions`]: the one definition of "the same client
/// with other limits" that the Gateway, MobilePay and PSD2 clients share.
pub(crate) trait WithCallOptions: Clone {
    fn call_options_mut(&mut self) -> &mut CallOptions;

    /// A copy of this client (same session, pool and tokens) with `limits` applied.
    fn with_limits(&self, limits: CallLimits) -> Result<Self> {
        let mut client = self.clone();
        let options = client.call_options_mut();
        *options = options.overridden(limits)?;
        Ok(client)
    }
}

impl Transport {
    pub fn new(base: Url, connect_timeout: Duration, user_agent: &str) -> Result<Self> {
        Self::with_tls(
            base,
            connect_timeout,
            user_agent,
            &crate::tls::TlsOptions::default(),
        )
    }

    /// Like [`Transport::new`], trusting an extra CA and presenting a client certificate as
    /// `tls` says. A malformed option is a [`Error::Config`] naming `tls.<field>`.
    pub fn with_tls(
        base: Url,
        connect_timeout: Duration,
        user_agent: &str,
        tls: &crate::tls::TlsOptions,
    ) -> Result<Self> {
        let settings = ClientSettings {
            user_agent: user_agent.to_string(),
            connect_timeout,
            https_only: base.scheme() == "https",
            tls: tls.clone(),
        };
        let http = PerProcess::new(settings.build()?);
        Ok(Self {
            http,
            other_connect_timeouts: PerProcess::new(Arc::default()),
            settings,
            base,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        })
    }

    /// Reads answers of at most `max` bytes (at least 1).
    pub fn with_max_response_bytes(mut self, max: u64) -> Self {
        self.max_response_bytes = max.max(1);
        self
    }

    /// Closes pooled connections; the next call opens new ones.
    pub fn close_connections(&self) {
        if let Ok(client) = self.settings.build() {
            self.http.set(client);
        }
    }

    /// This process's HTTP client. In a forked child it is built again from the same
    /// settings; should that fail, the call fails with the reason, never falling back to a
    /// client without the configured certificate, CA or https-only rule.
    fn http(&self) -> Result<reqwest::Client> {
        self.http.try_get(|| self.settings.build())
    }

    /// The client whose connections open within `connect_timeout`. At most
    /// [`MAX_CONNECT_TIMEOUT_CLIENTS`] are kept; past that the cache starts over.
    fn http_for(&self, connect_timeout: Option<Duration>) -> Result<reqwest::Client> {
        match connect_timeout {
            Some(wanted) if wanted != self.settings.connect_timeout => {
                let clients = self.other_connect_timeouts.get(Arc::default);
                let mut clients = clients.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(client) = clients.get(&wanted) {
                    return Ok(client.clone());
                }
                let client = ClientSettings {
                    connect_timeout: wanted,
                    ..self.settings.clone()
                }
                .build()?;
                if clients.len() >= MAX_CONNECT_TIMEOUT_CLIENTS {
                    clients.clear();
                }
                clients.insert(wanted, client.clone());
                Ok(client)
            }
            _ => self.http(),
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Sends with `auth`'s headers, within `options`: retries what is safe to retry (see
    /// [`crate::retry`]), and the whole call, waits and token requests included, ends by the
    /// timeout.
    pub async fn call<A: Authenticator>(
        &self,
        auth: &A,
        request: &Request,
        options: CallOptions,
    ) -> Result<Response> {
        let deadline = Instant::now() + options.timeout;
        let attempts = retry::run(
            options.max_retries,
            request.repeat,
            deadline,
            request.template,
            || self.attempt(auth, request, options.connect_timeout),
        );
        tokio::time::timeout_at(deadline, attempts)
            .await
            .map_err(|_| Error::Timeout {
                after: options.timeout,
            })?
    }

    /// One attempt: on 401 drops the credentials used, fetches new ones and replays once
    /// (a 401 means the request was refused before it did anything).
    async fn attempt<A: Authenticator>(
        &self,
        auth: &A,
        request: &Request,
        connect_timeout: Option<Duration>,
    ) -> Result<Response, Failure> {
        let (headers, used) = auth.headers().await.map_err(Failure::before_sending)?;
        let mut response = self.send_with(request, headers, connect_timeout).await?;
        if response.status == StatusCode::UNAUTHORIZED && !A::REFRESHES {
            let api = api_error(&response);
            return Err(Failure::after_sending(Error::Auth {
                status: Some(401),
                message: format!("the API refused the credentials: {api}"),
            }));
        }
        if response.status == StatusCode::UNAUTHORIZED {
            tracing::debug!(
                path = request.template,
                "401: refreshing credentials and replaying once"
            );
            auth.invalidate(&used, &response);
            let (headers, used) = auth.headers().await.map_err(Failure::before_sending)?;
            response = self.send_with(request, headers, connect_timeout).await?;
            if response.status == StatusCode::UNAUTHORIZED {
                auth.invalidate(&used, &response);
                let api = api_error(&response);
                return Err(Failure::after_sending(Error::Auth {
                    status: Some(401),
                    message: format!("the API refused fresh credentials: {api}"),
                }));
            }
        }
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(Failure::after_sending(api_error(&response).into()))
        }
    }

    /// One HTTP exchange, body read in full. No auth, no replay, no retry.
    pub async fn send(&self, request: &Request, headers: HeaderMap) -> Result<Response, Failure> {
        self.send_with(request, headers, None).await
    }

    /// [`Transport::send`], connecting within `connect_timeout` (`None`: the client's own).
    pub async fn send_with(
        &self,
        request: &Request,
        headers: HeaderMap,
        connect_timeout: Option<Duration>,
    ) -> Result<Response, Failure> {
        let url = self.url(request);
        let started = Instant::now();
        let http = self
            .http_for(connect_timeout)
            .map_err(Failure::before_sending)?;
        let mut builder = http.request(request.method.clone(), url);
        builder = match &request.body {
            Body::None => builder,
            Body::Json(value) => builder
                .header(header::CONTENT_TYPE, JSON_CONTENT_TYPE)
                .body(serde_json::to_vec(value).expect("a JSON value always serializes")),
            Body::Form(fields) => builder.form(fields),
        };
        let result: Result<Response, Failure> = async {
            let mut outgoing = builder.build().map_err(|e| self.send_error(e))?;
            // The headers move in whole rather than being copied in one by one (a builder's
            // `headers` rehashes every entry, on every call); the body's Content-Type joins them.
            let body_headers =
                std::mem::replace(outgoing.headers_mut(), merged(&request.headers, headers));
            outgoing.headers_mut().extend(body_headers);
            let mut response = http
                .execute(outgoing)
                .await
                .map_err(|e| self.send_error(e))?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = read_body(response, status, self.max_response_bytes).await?;
            Ok(Response {
                status,
                headers,
                body,
            })
        }
        .await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
        match &result {
            Ok(r) => tracing::debug!(
                method = %request.method, path = request.template, status = r.status.as_u16(),
                elapsed_ms, request_id = request_id(&r.headers).as_deref(), "myPOS call"
            ),
            Err(f) => tracing::debug!(
                method = %request.method, path = request.template, elapsed_ms, error = %f.error, "myPOS call failed"
            ),
        }
        result
    }

    fn url(&self, request: &Request) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), request.path);
        url.set_path(&joined);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        url
    }

    /// A failed exchange; only a connection that was never made certainly did not send.
    fn send_error(&self, e: reqwest::Error) -> Failure {
        classify(e, &host_of(&self.base))
    }
}

/// The answer's body, refused past `limit` bytes: by its `Content-Length` before reading, or
/// while streaming it when it announces none (or announces less than it sends).
async fn read_body(
    mut response: reqwest::Response,
    status: StatusCode,
    limit: u64,
) -> Result<Bytes, Failure> {
    let too_large = || {
        Failure::after_sending(Error::ResponseTooLarge {
            status: status.as_u16(),
            limit,
        })
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large());
    }
    let broke = |e: reqwest::Error| {
        Failure::after_sending(Error::connection(format!(
            "the connection broke while reading the answer (HTTP {status}): {}",
            describe(&e)
        )))
    };
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut read: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(broke)? {
        read += chunk.len() as u64;
        if read > limit {
            return Err(too_large());
        }
        chunks.push(chunk);
    }
    // One chunk (the usual small answer) is handed on as it is, without a copy.
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().unwrap_or_default(),
        _ => chunks.concat().into(),
    })
}

/// `text` with every one of `secrets` in it replaced by `<redacted>`: a server's error detail
/// may quote what it was sent (a client secret, a refresh token).
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|secret| secret.len() >= 4)
        .fold(text.to_string(), |text, secret| {
            text.replace(secret, "<redacted>")
        })
}

/// At most `max` characters of `text`.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The request's own headers with the credentials' over them (a name in both keeps only the
/// credentials' values).
fn merged(own: &HeaderMap, credentials: HeaderMap) -> HeaderMap {
    if own.is_empty() {
        return credentials;
    }
    let mut all = own.clone();
    let mut last = None;
    for (name, value) in credentials {
        match name {
            Some(name) => {
                all.insert(&name, value);
                last = Some(name);
            }
            None => {
                if let Some(name) = &last {
                    all.append(name, value);
                }
            }
        }
    }
    all
}

/// Whether a failed exchange may have reached the server. Only a connection that was never
/// made (a refused connection, a connect timeout, a refused TLS handshake) certainly sent
/// nothing; every other failure, a timeout included (an OS `TimedOut` from TCP keepalive
/// giving up during a partition comes after the request was written), may follow a request
/// the server received and acted on.
fn classify(e: reqwest::Error, host: &str) -> Failure {
    if let Some(hint) = crate::tls::hint(&e) {
        // A refused handshake sent nothing: say what to configure, not just the alert.
        return Failure::before_sending(Error::connection(format!(
            "the TLS handshake with {host} failed ({}): {hint}",
            describe(&e)
        )));
    }
    if e.is_connect() {
        Failure::before_sending(Error::connection(format!(
            "could not connect to {host}: {}",
            describe(&e)
        )))
    } else if e.is_timeout() {
        Failure::after_sending(Error::connection(format!(
            "the connection to {host} timed out after the request was sent, so it may have \
             taken effect: {}",
            describe(&e)
        )))
    } else {
        Failure::after_sending(Error::connection(format!(
            "the request to {host} failed: {}",
            describe(&e)
        )))
    }
}

fn host_of(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("?")),
        None => url.host_str().unwrap_or("?").to_string(),
    }
}

/// The innermost cause: reqwest's own message repeats the URL, which may carry query values.
fn describe(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// Decodes a successful JSON answer.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T> {
    let body: &[u8] = if response.body.is_empty() {
        b"null"
    } else {
        &response.body
    };
    // Text checked once as a whole reads faster than bytes checked string by string; a body
    // that is not UTF-8 goes the byte way, for the same error as before.
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    decoded.map_err(|e| Error::Decode {
        status: response.status.as_u16(),
        message: e.to_string(),
    })
}

/// Decodes a successful text answer (an MT940 statement): the body as UTF-8, or the string
/// inside it when the API wraps the text in JSON (`"..."`).
pub(crate) fn decode_text(response: &Response) -> Result<String> {
    if let Ok(Value::String(text)) = serde_json::from_slice::<Value>(&response.body) {
        return Ok(text);
    }
    String::from_utf8(response.body.to_vec()).map_err(|e| Error::Decode {
        status: response.status.as_u16(),
        message: format!("the answer is not UTF-8 text: {e}"),
    })
}

/// Problem details (RFC 7807), OAuth errors, or anything else, as one [`ApiError`].
pub(crate) fn api_error(response: &Response) -> ApiError {
    #[derive(Deserialize, Default)]
    struct Problem {
        #[serde(rename = "type")]
        error_type: Option<String>,
        title: Option<String>,
        detail: Option<String>,
        error: Option<String>,
        error_description: Option<String>,
        message: Option<String>,
        errors: Option<Value>,
        #[serde(alias = "traceId", alias = "trace_id", alias = "requestId")]
        request_id: Option<String>,
    }
    let status = response.status;
    let reason = status.canonical_reason().unwrap_or("Error").to_string();
    let parsed: Option<Problem> = serde_json::from_slice(&response.body).ok();
    let mut error = ApiError {
        status: status.as_u16(),
        status_message: reason.clone(),
        retry_after: retry_after(&response.headers),
        ..ApiError::default()
    };
    if status.is_redirection() {
        error.detail = Some(redirect_detail(&response.headers));
        return error;
    }
    match parsed {
        Some(p) => {
            error.status_message = p.title.or(p.error).unwrap_or(reason);
            error.detail = p
                .detail
                .or(p.error_description)
                .or(p.message)
                .map(|detail| cut(&detail, DETAIL_CHARS));
            error.errors = p.errors.map(field_errors).unwrap_or_default();
            error.error_type = p.error_type;
            error.request_id = request_id(&response.headers).or(p.request_id);
        }
        None => {
            error.request_id = request_id(&response.headers);
            if !response.body.is_empty() {
                error.detail = Some(non_json_detail(response));
            }
        }
    }
    error
}

/// What a redirect the SDK did not follow pointed at: the host only (its path and query may
/// carry values not meant for logs).
fn redirect_detail(headers: &HeaderMap) -> String {
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|location| match Url::parse(location) {
            Ok(url) => format!("to host {}", host_of(&url)),
            Err(_) => "to another path on the same host".to_string(),
        })
        .unwrap_or_else(|| "without a Location".to_string());
    format!("the API answered with a redirect {location}, which the SDK does not follow")
}

/// `{"field": ["msg"]}` or `{"field": "msg"}`.
fn field_errors(value: Value) -> BTreeMap<String, Vec<String>> {
    let Value::Object(map) = value else {
        return BTreeMap::new();
    };
    map.into_iter()
        .map(|(field, messages)| {
            let messages = match messages {
                Value::Array(items) => items
                    .into_iter()
                    .map(|m| match m {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
                Value::String(s) => vec![s],
                other => vec![other.to_string()],
            };
            (field, messages)
        })
        .collect()
}

fn non_json_detail(response: &Response) -> String {
    let content_type = response
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type");
    // Only the start of the body is looked at: it may be megabytes.
    let start = &response.body[..response.body.len().min(4 * DETAIL_CHARS)];
    let text = String::from_utf8_lossy(start);
    let snippet: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(160)
        .collect();
    format!("the API answered with a non-JSON body ({content_type}): {snippet}")
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    [
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "traceparent",
    ]
    .iter()
    .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// `Retry-After` in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = raw.parse::<f64>() {
        // A wait past what a Duration holds (1e20 s) is as good as forever, not a panic.
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let when = httpdate::parse_http_date(raw).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mypos_sandbox::{Fault, Sandbox};

    #[tokio::test]
    async fn clients_per_connect_timeout_are_bounded() {
        let transport = Transport::new(
            "http://127.0.0.1:9".parse().unwrap(),
            Duration::from_secs(10),
            "test",
        )
        .unwrap();
        for ms in 1..=50 {
            transport.http_for(Some(Duration::from_millis(ms))).unwrap();
        }
        let cached = transport.other_connect_timeouts.get(Arc::default);
        let cached = cached.lock().unwrap().len();
        assert!(
            (1..=MAX_CONNECT_TIMEOUT_CLIENTS).contains(&cached),
            "{cached}"
        );
    }

    #[test]
    fn a_request_debugs_without_its_body_values() {
        let request = Request {
            method: Method::POST,
            path: "/api/v1/oauth/token".into(),
            template: "/api/v1/oauth/token",
            query: vec![],
            body: Body::Form(vec![("client_secret", "secret_top".into())]),
            headers: HeaderMap::new(),
            repeat: Repeat::Once,
        };
        let json = Body::Json(serde_json::json!({"client_secret": "sec_top", "n": [1]}));
        let shown = format!("{request:?} {json:?}");
        assert!(shown.contains("client_secret"), "{shown}");
        assert!(!shown.contains("_top"), "{shown}");
    }

    /// A timeout raised after the request was written (here reqwest's own read deadline; in
    /// production an OS `TimedOut` from TCP keepalive) may follow a request that took effect:
    /// it must never count as "not sent", which would let a POST be sent again.
    #[tokio::test]
    async fn a_timeout_after_sending_counts_as_sent() {
        let sandbox = Sandbox::start().await.unwrap();
        let path = "/epos/v1/payments";
        sandbox.inject(Fault::delay(path, Duration::from_secs(2)));
        let url = format!("{}{path}", sandbox.url().trim_end_matches('/'));
        crate::tls::install_default_provider();
        let error = reqwest::Client::new()
            .post(url)
            .timeout(Duration::from_millis(200))
            .send()
            .await
            .unwrap_err();
        assert!(error.is_timeout() && !error.is_connect(), "{error:?}");

        let failure = classify(error, "sandbox");
        assert!(failure.reached_server, "{:?}", failure.error);
        assert_eq!(failure.error.class_name(), "APIConnectionError");
        let message = failure.error.to_string();
        assert!(message.contains("after the request was sent"), "{message}");
        assert_eq!(
            sandbox.requests().len(),
            1,
            "the request reached the server"
        );
    }
}
