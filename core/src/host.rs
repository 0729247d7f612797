//! The bridge the Python and Node packages stand on: every operation callable by name with
//! JSON text, keys in the host's casing. Casing is decided here, from the same JSON Schema the
//! typings are generated from, so map keys (field errors, metadata) keep their spelling.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, PoisonError, RwLock};

use heck::{ToLowerCamelCase, ToSnakeCase};
use std::time::Duration;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::MerchantClient;
use crate::config::{
    Credentials, DEMO_GATEWAY_URL, Environment, GatewayConfig, PRODUCTION_GATEWAY_URL,
};
use crate::endpoint::{Executor, Operation, OperationInfo};
use crate::error::{Error, Result};
use crate::raw::RawRequest;

mod writer;
pub use writer::Answer;

/// How a host spells keys and method names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Python (and Rust): `page_size`, `get_accounts`.
    Snake,
    /// Node: `pageSize`, `getAccounts`.
    Camel,
}

impl Case {
    pub fn apply(self, name: &str) -> String {
        match self {
            Case::Snake => name.to_snake_case(),
            Case::Camel => name.to_lower_camel_case(),
        }
    }

    /// A field path (`items[0].item_price`) with each name in this case.
    pub fn apply_field(self, path: &str) -> String {
        let segments = path.split('.').map(|segment| match segment.find('[') {
            Some(i) => format!("{}{}", self.apply(&segment[..i]), &segment[i..]),
            None => self.apply(segment),
        });
        segments.collect::<Vec<_>>().join(".")
    }

    /// `ecommerce.payment_links.list` → `ecommerce.paymentLinks.list` (one step per segment).
    pub fn apply_path(self, dotted: &str) -> String {
        dotted
            .split('.')
            .map(|s| self.apply(s))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// An operation as a host shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HostOperation {
    /// What to pass to [`Api::call`].
    pub name: &'static str,
    /// Where the method lives on the client, in the host's casing (`banking.getAccounts`).
    pub path: String,
    /// Path parameters, taken positionally, in the host's casing.
    pub positional: Vec<String>,
    pub doc: &'static str,
    /// For a paged list: the method that iterates over every item, fetching pages lazily
    /// (`list` → `list_all`, `get_accounts` → `iter_accounts`), in the host's casing.
    pub iterator: Option<String>,
}

struct Entry<C: 'static> {
    operation: &'static dyn Operation<C>,
    info: OperationInfo,
    request: OnceLock<Value>,
    response: OnceLock<Value>,
    /// Request and response renamers, per [`Case`], compiled on first use.
    renamers: [OnceLock<(Renamer, Renamer)>; 2],
}

impl<C> Entry<C> {
    fn renamers(&self, case: Case) -> &(Renamer, Renamer) {
        self.renamers[case as usize].get_or_init(|| {
            let request = self.request.get_or_init(|| self.operation.request_schema());
            let response = self
                .response
                .get_or_init(|| self.operation.response_schema());
            (Renamer::new(request, case), Renamer::new(response, case))
        })
    }

    /// A typed answer as JSON text in the host's casing.
    fn host_answer(&self, answer: &dyn Answer, case: Case) -> Result<String> {
        answer.host_text(&self.renamers(case).1)
    }
}

/// The operations of one client type.
pub struct Api<C: 'static> {
    entries: HashMap<&'static str, Entry<C>>,
}

impl<C: Executor + 'static> Api<C> {
    fn new(operations: Vec<&'static dyn Operation<C>>) -> Self {
        let entries = operations
            .into_iter()
            .map(|operation| {
                let info = operation.info();
                (
                    info.name,
                    Entry {
                        operation,
                        info,
                        request: OnceLock::new(),
                        response: OnceLock::new(),
                        renamers: Default::default(),
                    },
                )
            })
            .collect();
        Self { entries }
    }

    /// Every operation, sorted by name, as `case` spells it.
    pub fn operations(&self, case: Case) -> Vec<HostOperation> {
        let mut list: Vec<_> = self
            .entries
            .values()
            .map(|e| HostOperation {
                name: e.info.name,
                path: case.apply_path(e.info.name),
                positional: e.info.positional.iter().map(|p| case.apply(p)).collect(),
                doc: e.info.doc,
                iterator: e
                    .info
                    .paged
                    .then(|| case.apply_path(&iterator_name(e.info.name))),
            })
            .collect();
        list.sort_by_key(|op| op.name);
        list
    }

    /// Calls operation `name` with `args` (a JSON object in the host's casing) and returns the
    /// answer as JSON text in the host's casing.
    pub async fn call(&self, client: &C, name: &str, args: &str, case: Case) -> Result<String> {
        let entry = self.entries.get(name).ok_or_else(|| {
            Error::invalid(
                "operation",
                format!("`{name}` is not an operation of this client"),
            )
        })?;
        let mut args: Value = if args.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(args)
                .map_err(|e| Error::invalid("request", format!("is not valid JSON: {e}")))?
        };
        if args.is_null() {
            args = Value::Object(Map::new());
        }
        entry.renamers(case).0.to_wire(&mut args)?;
        let answer = entry.operation.call_answer(client, args).await?;
        entry.host_answer(&*answer, case)
    }

    /// Test hook: what [`Api::call`] returns for operation `name` when the API answers `status`
    /// with `body`: the operation's decoder, then the renaming. `None` for an unknown name and
    /// for a flow (see [`Operation::decode_answer`]).
    #[doc(hidden)]
    pub fn decode_answer(
        &self,
        name: &str,
        status: u16,
        body: &[u8],
        case: Case,
    ) -> Option<Result<String>> {
        let entry = self.entries.get(name)?;
        let answer = entry.operation.decode_answer(status, body)?;
        Some(answer.and_then(|answer| entry.host_answer(&*answer, case)))
    }

    /// A raw request (`method`, `path`, optional `query` and `json`), JSON text in and out.
    /// Bodies are passed through as the API spells them; no keys are renamed.
    pub async fn raw(&self, client: &C, spec: &str) -> Result<String> {
        let request: RawRequest = serde_json::from_str::<Value>(spec)
            .map_err(|e| Error::invalid("request", format!("is not valid JSON: {e}")))
            .and_then(crate::endpoint::request_from)?;
        Ok(request.send(client).await?.to_string())
    }

    /// Test hook: what each operation sends, sorted by name (flows, which send several
    /// requests, are left out).
    #[doc(hidden)]
    pub fn wire_shapes(&self) -> Vec<crate::endpoint::WireShape> {
        let mut shapes: Vec<_> = self
            .entries
            .values()
            .filter_map(|e| e.operation.wire_shape())
            .collect();
        shapes.sort_by_key(|shape| shape.info.name);
        shapes
    }

    /// The JSON Schemas of operation `name`: request and response.
    pub fn schemas(&self, name: &str) -> Option<(Value, Value)> {
        let entry = self.entries.get(name)?;
        Some((
            entry.operation.request_schema(),
            entry.operation.response_schema(),
        ))
    }
}

/// Everything a host needs to raise its native error, as JSON text: `class`, `code`,
/// `message` and `fields` (keys in `case`; field-error maps keep the API's keys).
pub fn error_json(error: &Error, case: Case) -> String {
    let mut fields: Map<String, Value> = error
        .fields()
        .into_iter()
        .map(|(k, v)| (case.apply(&k), v))
        .collect();
    if case == Case::Camel {
        // Durations follow the host's unit: milliseconds in Node, as its `timeout` option.
        for key in ["timeout", "retryAfter"] {
            if let Some(seconds) = fields.get(key).and_then(Value::as_f64) {
                fields.insert(
                    key.into(),
                    serde_json::json!((seconds * 1000.0).round() as u64),
                );
            }
        }
    }
    let mut message = error.to_string();
    if let Some(field) = fields
        .get("field")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        // Name the field as the caller spelled it (`gatewayUrl` in Node).
        let spelled = case.apply_field(&field);
        message = message.replacen(&format!("`{field}`"), &format!("`{spelled}`"), 1);
        fields.insert("field".into(), Value::String(spelled));
    }
    serde_json::json!({
        "class": error.class_name(),
        "code": error.code(),
        "message": message,
        "fields": fields,
    })
    .to_string()
}

/// A [`GatewayConfig`] from a host's plain data: `gateway_url`, `integration` (`client_id`,
/// `client_secret`), `partner_id`, `application_id`, `timeout` — keys in `case`, the timeout
/// in seconds for Python ([`Case::Snake`]) and milliseconds for Node ([`Case::Camel`]).
pub fn gateway_config(json: &str, case: Case) -> Result<GatewayConfig> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        gateway_url: Option<String>,
        integration: IntegrationSpec,
        partner_id: String,
        application_id: String,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
        tls: Option<TlsSpec>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IntegrationSpec {
        client_id: String,
        client_secret: String,
    }
    let spec: Spec = settings(json, case, "config")?;
    let environment = match spec.gateway_url {
        None => Environment::Demo,
        Some(url) if url.trim_end_matches('/') == DEMO_GATEWAY_URL => Environment::Demo,
        Some(url) if url.trim_end_matches('/') == PRODUCTION_GATEWAY_URL => Environment::Production,
        Some(url) => Environment::Custom(url),
    };
    let mut config = GatewayConfig::new(
        environment,
        Credentials::new(spec.integration.client_id, spec.integration.client_secret),
        spec.partner_id,
        spec.application_id,
    );
    if let Some(timeout) = spec.timeout {
        config.timeout = duration(timeout, case, "timeout")?;
    }
    if let Some(timeout) = spec.connect_timeout {
        config.connect_timeout = duration(timeout, case, "connect_timeout")?;
    }
    if let Some(max_retries) = spec.max_retries {
        config.max_retries = max_retries;
    }
    if let Some(max) = spec.max_response_bytes {
        config.max_response_bytes = max;
    }
    config.host = spec.host;
    config.tls = spec.tls.map(TlsSpec::options).unwrap_or_default();
    Ok(config)
}

/// The `tls` member of a host's configuration: PEM text, or null.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsSpec {
    extra_ca_pem: Option<String>,
    client_cert_pem: Option<String>,
    client_key_pem: Option<String>,
}

impl TlsSpec {
    fn options(self) -> crate::tls::TlsOptions {
        crate::tls::TlsOptions {
            extra_ca_pem: self.extra_ca_pem,
            client_cert_pem: self.client_cert_pem,
            client_key_pem: self.client_key_pem.map(Into::into),
        }
    }
}

/// The PSD2 operations of a [`Psd2Client`](crate::psd2::Psd2Client).
pub fn psd2() -> &'static Api<crate::psd2::Psd2Client> {
    static API: LazyLock<Api<crate::psd2::Psd2Client>> =
        LazyLock::new(|| Api::new(crate::psd2::operations()));
    &API
}

/// A [`Psd2Config`](crate::psd2::Psd2Config) from a host's plain data: `base_url`,
/// `token_url`, `client_id`, `client_secret`, `client_auth` (`body` | `basic`),
/// `redirect_uri`, `api_key`, `tls` (`extra_ca_pem`, `client_cert_pem`, `client_key_pem`),
/// `timeout`, `connect_timeout`, `max_retries`, `host` — keys in `case`, durations in seconds
/// for Python and milliseconds for Node. The token listener is the binding's to set.
pub fn psd2_config(json: &str, case: Case) -> Result<crate::psd2::Psd2Config> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        base_url: Option<String>,
        token_url: Option<String>,
        client_id: String,
        client_secret: String,
        client_auth: Option<String>,
        redirect_uri: Option<String>,
        api_key: Option<String>,
        tls: Option<TlsSpec>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
    }
    let spec: Spec = settings(json, case, "config")?;
    let base_url = spec
        .base_url
        .unwrap_or_else(|| crate::psd2::DEFAULT_PSD2_URL.to_string());
    let mut config = crate::psd2::Psd2Config::new(base_url, spec.client_id, spec.client_secret);
    config.token_url = spec.token_url;
    config.client_auth = match spec.client_auth.as_deref() {
        None | Some("body") => crate::psd2::ClientAuth::Body,
        Some("basic") => crate::psd2::ClientAuth::Basic,
        Some(_) => {
            return Err(Error::config(
                "client_auth",
                "must be \"body\" or \"basic\"",
            ));
        }
    };
    config.redirect_uri = spec.redirect_uri;
    config.api_key = spec.api_key.map(Into::into);
    config.tls = spec.tls.map(TlsSpec::options).unwrap_or_default();
    if let Some(timeout) = spec.timeout {
        config.timeout = duration(timeout, case, "timeout")?;
    }
    if let Some(timeout) = spec.connect_timeout {
        config.connect_timeout = duration(timeout, case, "connect_timeout")?;
    }
    if let Some(max_retries) = spec.max_retries {
        config.max_retries = max_retries;
    }
    if let Some(max) = spec.max_response_bytes {
        config.max_response_bytes = max;
    }
    config.host = spec.host;
    Ok(config)
}

/// A host's duration: seconds in Python ([`Case::Snake`]), milliseconds in Node; a value that
/// is not one is a `ConfigError` naming `field`.
pub fn duration(value: f64, case: Case, field: &str) -> Result<Duration> {
    let (unit, per_second) = match case {
        Case::Snake => ("seconds", 1.0),
        Case::Camel => ("milliseconds", 1000.0),
    };
    if !value.is_finite() || value <= 0.0 || value / per_second > 86_400.0 {
        return Err(Error::config(
            field,
            format!("must be a positive number of {unit} (at most a day)"),
        ));
    }
    Ok(Duration::from_secs_f64(value / per_second))
}

/// The same client with other call limits: JSON `{timeout?, connect_timeout?, max_retries?}`
/// in the host's casing and time unit.
pub fn with_options(client: &MerchantClient, json: &str, case: Case) -> Result<MerchantClient> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
    }
    let spec: Spec = settings(json, case, "options")?;
    let timeout = spec
        .timeout
        .map(|t| duration(t, case, "timeout"))
        .transpose()?;
    let client = client.with_options(timeout, spec.max_retries)?;
    match spec.connect_timeout {
        Some(t) => client.with_connect_timeout(duration(t, case, "connect_timeout")?),
        None => Ok(client),
    }
}

/// A host's settings object (a config, call options) as `T`: keys made snake_case, and any
/// problem a `ConfigError` naming the field. Settings hold secrets, so no message quotes a
/// value (serde's would: `invalid type: integer 5, expected a string`).
fn settings<T: serde::de::DeserializeOwned>(json: &str, case: Case, root: &str) -> Result<T> {
    let mut value: Value =
        serde_json::from_str(json).map_err(|_| Error::config(root, "is not valid JSON"))?;
    snake_keys(&mut value, case);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (field, message) = crate::endpoint::locate(e, root);
        let message = match message.split_once(", expected ") {
            Some((problem, expected)) if problem.starts_with("invalid ") => {
                format!("has the wrong type or value: expected {expected}")
            }
            _ => message,
        };
        Error::config(field, message)
    })
}

/// Host keys of a config object → snake_case (its only nested object is `integration`).
fn snake_keys(value: &mut Value, case: Case) {
    if case == Case::Snake {
        return;
    }
    if let Value::Object(map) = value {
        let old = std::mem::take(map);
        for (key, mut member) in old {
            snake_keys(&mut member, case);
            map.insert(key.to_snake_case(), member);
        }
    }
}

/// The Gateway operations of a [`MerchantClient`].
pub fn gateway() -> &'static Api<MerchantClient> {
    static API: LazyLock<Api<MerchantClient>> =
        LazyLock::new(|| Api::new(crate::gateway::operations()));
    &API
}

/// The MobilePay point-of-sale operations of a [`MobilePayPos`](crate::mobilepay::MobilePayPos):
/// its endpoints and its flows.
pub fn mobilepay() -> &'static Api<crate::mobilepay::MobilePayPos> {
    static API: LazyLock<Api<crate::mobilepay::MobilePayPos>> =
        LazyLock::new(|| Api::new(crate::mobilepay::operations()));
    &API
}

/// A [`MobilePayConfig`](crate::mobilepay::MobilePayConfig) from a host's plain data:
/// `base_url`, `bio_code`, `access_token` (may be left out to create the first one),
/// `timeout`, `connect_timeout`, `max_retries`, `host` — keys in `case`, the timeouts in
/// seconds for Python ([`Case::Snake`]) and milliseconds for Node ([`Case::Camel`]). Errors
/// name a field, never a value.
pub fn mobilepay_config(json: &str, case: Case) -> Result<crate::mobilepay::MobilePayConfig> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        base_url: String,
        bio_code: String,
        access_token: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
    }
    let spec: Spec = settings(json, case, "config")?;
    let mut config = crate::mobilepay::MobilePayConfig::without_token(spec.base_url, spec.bio_code);
    config.access_token = spec.access_token.map(Into::into);
    if let Some(timeout) = spec.timeout {
        config.timeout = duration(timeout, case, "timeout")?;
    }
    if let Some(timeout) = spec.connect_timeout {
        config.connect_timeout = duration(timeout, case, "connect_timeout")?;
    }
    if let Some(max_retries) = spec.max_retries {
        config.max_retries = max_retries;
    }
    if let Some(max) = spec.max_response_bytes {
        config.max_response_bytes = max;
    }
    config.host = spec.host;
    Ok(config)
}

/// Renames object keys between wire names and a host's casing, guided by a JSON Schema.
///
/// The schema is compiled once per operation and casing into a table of nodes, each with its
/// members' names in both spellings, so a call only looks keys up. Walking the schema and
/// re-casing every name on every call cost more than the HTTP exchange (see BENCHMARKS.md).
/// Renames keys between the wire and a host's casing, guided by one JSON Schema.
pub struct Renamer {
    case: Case,
    /// Node 0 is the schema's root.
    nodes: Vec<Node>,
    /// Host names of keys the schema does not know (fields newer than the SDK, map keys),
    /// as case conversion costs more than the rest of renaming an answer.
    /// `None`: the key is already in the host's casing.
    unknown: RwLock<HashMap<String, Option<String>>>,
}

/// Enough for every field name an API answers with; map keys beyond it are converted anew.
const UNKNOWN_NAMES_KEPT: usize = 4096;

/// What a schema node says about an object's keys.
#[derive(Default)]
struct Node {
    /// Known members (a struct), in schema order.
    properties: Vec<Property>,
    /// Wire name → the first property of that name. (Fx hashing: the names are the schema's,
    /// fixed before any answer is looked up in them, so no input can crowd the table.)
    by_wire: FxHashMap<String, usize>,
    /// Host or wire name → the first property answering to either.
    by_host: FxHashMap<String, usize>,
    /// The node of other members' values: a map, or a struct that keeps unknown fields.
    additional: Option<usize>,
    /// The node of list items.
    items: Option<usize>,
}

struct Property {
    wire: String,
    host: String,
    node: usize,
}

/// A schema node's members, merged over `$ref`s and `anyOf` / `oneOf` / `allOf` branches.
#[derive(Default)]
struct Shape<'a> {
    properties: Vec<(&'a str, &'a Value)>,
    additional: Option<&'a Value>,
    items: Option<&'a Value>,
}

/// Builds a [`Renamer`]'s nodes; a schema node reached again (a recursive type) reuses its id.
struct Compiler<'a> {
    root: &'a Value,
    case: Case,
    nodes: Vec<Node>,
    seen: HashMap<*const Value, usize>,
}

impl<'a> Compiler<'a> {
    fn node(&mut self, schema: &'a Value) -> usize {
        if let Some(&id) = self.seen.get(&(schema as *const Value)) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.seen.insert(schema, id);
        let mut shape = Shape::default();
        self.collect(schema, &mut shape, 0);
        let mut node = Node::default();
        for (wire, member) in shape.properties {
            let host = self.case.apply(wire);
            let index = node.properties.len();
            node.by_wire.entry(wire.to_string()).or_insert(index);
            node.by_host.entry(host.clone()).or_insert(index);
            node.by_host.entry(wire.to_string()).or_insert(index);
            let child = self.node(member);
            node.properties.push(Property {
                wire: wire.to_string(),
                host,
                node: child,
            });
        }
        node.additional = shape.additional.map(|s| self.node(s));
        node.items = shape.items.map(|s| self.node(s));
        self.nodes[id] = node;
        id
    }

    fn resolve(&self, node: &'a Value) -> &'a Value {
        let mut node = node;
        for _ in 0..32 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let pointer = reference.trim_start_matches('#');
                    match self.root.pointer(pointer) {
                        Some(target) => node = target,
                        None => break,
                    }
                }
                None => break,
            }
        }
        node
    }

    fn collect(&self, node: &'a Value, shape: &mut Shape<'a>, depth: usize) {
        if depth > 16 {
            return;
        }
        let node = self.resolve(node);
        if let Some(Value::Object(properties)) = node.get("properties") {
            shape
                .properties
                .extend(properties.iter().map(|(k, v)| (k.as_str(), v)));
        }
        match node.get("additionalProperties") {
            Some(Value::Bool(false)) | None => {}
            Some(other) => shape.additional = shape.additional.or(Some(other)),
        }
        if let Some(items) = node.get("items") {
            shape.items = shape.items.or(Some(items));
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(branches)) = node.get(combinator) {
                for branch in branches {
                    self.collect(branch, shape, depth + 1);
                }
            }
        }
    }
}

/// Only objects and lists hold keys to rename.
fn nested(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

impl Renamer {
    fn new(schema: &Value, case: Case) -> Self {
        let mut compiler = Compiler {
            root: schema,
            case,
            nodes: Vec::new(),
            seen: HashMap::new(),
        };
        compiler.node(schema);
        Renamer {
            case,
            nodes: compiler.nodes,
            unknown: RwLock::default(),
        }
    }

    /// `key`, which the schema does not know, in the host's casing; `None` when it already is.
    fn unknown_host(&self, key: &str) -> Option<String> {
        let kept = self.unknown.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(host) = kept.get(key) {
            return host.clone();
        }
        drop(kept);
        let host = Some(self.case.apply(key)).filter(|host| host != key);
        let mut kept = self.unknown.write().unwrap_or_else(PoisonError::into_inner);
        if kept.len() < UNKNOWN_NAMES_KEPT {
            kept.insert(key.to_string(), host.clone());
        }
        host
    }

    /// Host keys → wire keys. Unknown keys on a struct are an error that names what is known.
    fn to_wire(&self, value: &mut Value) -> Result<()> {
        self.to_wire_at(value, 0, "")
    }

    fn to_wire_at(&self, value: &mut Value, id: usize, at: &str) -> Result<()> {
        let node = &self.nodes[id];
        match value {
            Value::Object(map) if !node.properties.is_empty() => {
                let mut renamed = false;
                for (key, member) in map.iter_mut() {
                    match node.by_host.get(key) {
                        Some(&i) => {
                            let property = &node.properties[i];
                            if nested(member) {
                                self.to_wire_at(member, property.node, &join(at, key))?;
                            }
                            renamed |= property.wire != *key;
                        }
                        None if node.additional.is_some() => {}
                        None => {
                            let expected: Vec<&str> =
                                node.properties.iter().map(|p| p.host.as_str()).collect();
                            return Err(Error::invalid(
                                join(at, key),
                                format!(
                                    "is not a known field; expected one of: {}",
                                    expected.join(", ")
                                ),
                            ));
                        }
                    }
                }
                if renamed {
                    // Rebuilt in order rather than renamed in place, as the keys change.
                    for (key, member) in std::mem::take(map) {
                        match node.by_host.get(&key) {
                            Some(&i) => map.insert(node.properties[i].wire.clone(), member),
                            None => map.insert(key, member),
                        };
                    }
                }
            }
            Value::Object(map) => {
                if let Some(child) = node.additional {
                    for (key, member) in map.iter_mut() {
                        if nested(member) {
                            self.to_wire_at(member, child, &join(at, key))?;
                        }
                    }
                }
            }
            Value::Array(list) => {
                if let Some(child) = node.items {
                    for (i, item) in list.iter_mut().enumerate() {
                        if nested(item) {
                            self.to_wire_at(item, child, &format!("{at}[{i}]"))?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Wire keys → host keys. Struct members are renamed, map keys are kept.
    /// Wire keys → host keys in a value: what [`Renamer::write`] does while writing, kept as
    /// the plain statement of the rules the tests hold the writer to.
    #[cfg(test)]
    fn to_host(&self, value: &mut Value) {
        self.to_host_at(value, 0)
    }

    #[cfg(test)]
    fn to_host_at(&self, value: &mut Value, id: usize) {
        let node = &self.nodes[id];
        match value {
            Value::Object(map) if !node.properties.is_empty() => {
                let mut renamed = false;
                for (key, member) in map.iter_mut() {
                    let child = match node.by_wire.get(key) {
                        Some(&i) => {
                            renamed |= node.properties[i].host != *key;
                            Some(node.properties[i].node)
                        }
                        None => {
                            renamed |= self.unknown_host(key).is_some();
                            node.additional
                        }
                    };
                    if let Some(child) = child.filter(|_| nested(member)) {
                        self.to_host_at(member, child);
                    }
                }
                if renamed {
                    // Rebuilt in order rather than renamed in place, as the keys change.
                    for (key, member) in std::mem::take(map) {
                        let host = match node.by_wire.get(&key) {
                            Some(&i) => node.properties[i].host.clone(),
                            None => self.unknown_host(&key).unwrap_or(key),
                        };
                        map.insert(host, member);
                    }
                }
            }
            Value::Object(map) => {
                if let Some(child) = node.additional {
                    for member in map.values_mut().filter(|m| nested(m)) {
                        self.to_host_at(member, child);
                    }
                }
            }
            Value::Array(list) => {
                if let Some(child) = node.items {
                    for item in list.iter_mut().filter(|i| nested(i)) {
                        self.to_host_at(item, child);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `x.list` → `x.list_all`; `x.get_accounts` → `x.iter_accounts`.
pub fn iterator_name(name: &str) -> String {
    let (namespace, method) = name.rsplit_once('.').unwrap_or(("", name));
    let iterator = match method.strip_prefix("get_") {
        Some(noun) => format!("iter_{noun}"),
        None => format!("{method}_all"),
    };
    if namespace.is_empty() {
        iterator
    } else {
        format!("{namespace}.{iterator}")
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "page_size": {"type": "integer"},
                "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/Msg"}}},
                "items": {"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/Item"}, {"type": "null"}]}}
            },
            "$defs": {
                "Item": {"type": "object", "properties": {"account_number": {"type": "string"}}, "additionalProperties": true},
                "Msg": {"type": "object", "properties": {"error_code": {"type": "string"}}}
            }
        })
    }

    #[test]
    fn renames_struct_keys_and_keeps_map_keys() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let mut value = json!({
            "page_size": 2,
            "errors": {"item_price": [{"error_code": "x"}]},
            "items": [{"account_number": "1", "new_field": 1}, null]
        });
        renamer.to_host(&mut value);
        assert_eq!(
            value,
            json!({
                "pageSize": 2,
                "errors": {"item_price": [{"errorCode": "x"}]},
                "items": [{"accountNumber": "1", "newField": 1}, null]
            })
        );
        renamer.to_wire(&mut value).unwrap();
        assert_eq!(value["page_size"], 2);
        assert_eq!(value["items"][0]["account_number"], "1");
        assert_eq!(value["errors"]["item_price"][0]["error_code"], "x");
    }

    #[test]
    fn unknown_keys_are_renamed_the_same_once_their_names_are_kept() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let answer = json!({"items": [{"new_field": 1, "already": 2}, {"new_field": 3}]});
        let renamed: Vec<Value> = (0..2)
            .map(|_| {
                let mut value = answer.clone();
                renamer.to_host(&mut value);
                value
            })
            .collect();
        let expected = json!({"items": [{"newField": 1, "already": 2}, {"newField": 3}]});
        assert_eq!(renamed, [expected.clone(), expected]);
        let kept = renamer.unknown.read().unwrap();
        assert_eq!(kept.get("new_field"), Some(&Some("newField".to_string())));
        assert_eq!(kept.get("already"), Some(&None));
    }

    #[test]
    fn recursive_schemas_compile_to_a_few_nodes() {
        let schema = json!({
            "$ref": "#/$defs/Node",
            "$defs": {"Node": {"type": "object", "properties": {
                "node_name": {"type": "string"},
                "child_node": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}
            }}}
        });
        let renamer = Renamer::new(&schema, Case::Camel);
        assert!(renamer.nodes.len() < 8, "{} nodes", renamer.nodes.len());
        let mut value =
            json!({"node_name": "a", "child_node": {"node_name": "b", "child_node": null}});
        renamer.to_host(&mut value);
        assert_eq!(
            value,
            json!({"nodeName": "a", "childNode": {"nodeName": "b", "childNode": null}})
        );
        Renamer::new(&schema, Case::Snake)
            .to_wire(&mut value)
            .unwrap_err();
        Renamer::new(&schema, Case::Camel)
            .to_wire(&mut value)
            .unwrap();
        assert_eq!(value["child_node"]["node_name"], "b");
    }

    #[test]
    fn unknown_request_keys_name_the_known_ones() {
        let schema = json!({"type": "object", "properties": {"page_size": {"type": "integer"}}});
        let renamer = Renamer::new(&schema, Case::Camel);
        let err = renamer.to_wire(&mut json!({"pagesize": 1})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: `pagesize` is not a known field; expected one of: pageSize"
        );
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn settings_errors_name_the_field_and_never_quote_a_value() {
        let json = r#"{"integration": {"client_id": "client_x", "client_secret": 12345678}, "partner_id": "mps-p-1", "application_id": "mps-app-1"}"#;
        let error = gateway_config(json, Case::Snake).unwrap_err();
        let text = error.to_string();
        assert!(
            matches!(&error, Error::Config { field, .. } if field == "integration.client_secret"),
            "{error:?}"
        );
        assert!(!text.contains("12345678"), "{text}");
        assert!(text.contains("expected a string"), "{text}");
    }
}
