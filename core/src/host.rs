//! The bridge the Python and Node packages stand on: every operation callable by name with
//! JSON text, keys in the host's casing. Casing is decided here, from the same JSON Schema the
//! typings are generated from, so map keys (field errors, metadata) keep their spelling.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use heck::{ToLowerCamelCase, ToSnakeCase};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::MerchantClient;
use crate::config::{
    Credentials, DEMO_GATEWAY_URL, Environment, GatewayConfig, PRODUCTION_GATEWAY_URL,
};
use crate::endpoint::{Executor, Operation, OperationInfo};
use crate::error::{Error, Result};
use crate::raw::RawRequest;

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
        let request_schema = entry
            .request
            .get_or_init(|| entry.operation.request_schema());
        Renamer {
            root: request_schema,
            case,
        }
        .to_wire(&mut args, request_schema, "")?;
        let mut answer = entry.operation.call_value(client, args).await?;
        let response_schema = entry
            .response
            .get_or_init(|| entry.operation.response_schema());
        Renamer {
            root: response_schema,
            case,
        }
        .to_host(&mut answer, response_schema);
        Ok(answer.to_string())
    }

    /// A raw request (`method`, `path`, optional `query` and `json`), JSON text in and out.
    /// Bodies are passed through as the API spells them; no keys are renamed.
    pub async fn raw(&self, client: &C, spec: &str) -> Result<String> {
        let request: RawRequest = serde_json::from_str::<Value>(spec)
            .map_err(|e| Error::invalid("request", format!("is not valid JSON: {e}")))
            .and_then(|v| {
                serde_path_to_error::deserialize(v).map_err(|e| {
                    let (field, message) = crate::endpoint::locate(e, "request");
                    Error::invalid(field, message)
                })
            })?;
        Ok(request.send(client).await?.to_string())
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
        host: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IntegrationSpec {
        client_id: String,
        client_secret: String,
    }
    let mut value: Value = serde_json::from_str(json)
        .map_err(|e| Error::config("config", format!("is not valid JSON: {e}")))?;
    snake_keys(&mut value, case);
    let spec: Spec = serde_path_to_error::deserialize(value).map_err(|e| {
        let (field, message) = crate::endpoint::locate(e, "config");
        Error::config(field, message)
    })?;
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
    config.host = spec.host;
    Ok(config)
}

/// A host's duration: seconds in Python ([`Case::Snake`]), milliseconds in Node.
fn duration(value: f64, case: Case, field: &str) -> Result<Duration> {
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

/// The same client with other call limits: JSON `{timeout?, max_retries?}` in the host's
/// casing and time unit.
pub fn with_options(client: &MerchantClient, json: &str, case: Case) -> Result<MerchantClient> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        timeout: Option<f64>,
        max_retries: Option<u32>,
    }
    let mut value: Value = serde_json::from_str(json)
        .map_err(|e| Error::config("options", format!("is not valid JSON: {e}")))?;
    snake_keys(&mut value, case);
    let spec: Spec = serde_path_to_error::deserialize(value).map_err(|e| {
        let (field, message) = crate::endpoint::locate(e, "options");
        Error::config(field, message)
    })?;
    let timeout = spec
        .timeout
        .map(|t| duration(t, case, "timeout"))
        .transpose()?;
    client.with_options(timeout, spec.max_retries)
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

/// Renames object keys between wire names and a host's casing, guided by a JSON Schema.
struct Renamer<'a> {
    root: &'a Value,
    case: Case,
}

/// What a schema node says about an object's keys.
#[derive(Default)]
struct Shape<'a> {
    /// Known members (a struct).
    properties: Vec<(&'a str, &'a Value)>,
    /// The schema of other members' values: a map, or a struct that keeps unknown fields.
    additional: Option<&'a Value>,
    /// The schema of list items.
    items: Option<&'a Value>,
}

impl<'a> Renamer<'a> {
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

    fn shape(&self, node: &'a Value) -> Shape<'a> {
        let mut shape = Shape::default();
        self.collect(node, &mut shape, 0);
        shape
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

    /// Host keys → wire keys. Unknown keys on a struct are an error that names what is known.
    fn to_wire(&self, value: &mut Value, node: &'a Value, at: &str) -> Result<()> {
        let shape = self.shape(node);
        match value {
            Value::Object(map) if !shape.properties.is_empty() => {
                let old = std::mem::take(map);
                for (key, mut member) in old {
                    let known = shape
                        .properties
                        .iter()
                        .find(|(wire, _)| self.case.apply(wire) == key || *wire == key);
                    match (known, shape.additional) {
                        (Some((wire, schema)), _) => {
                            self.to_wire(&mut member, schema, &join(at, &key))?;
                            map.insert((*wire).to_string(), member);
                        }
                        (None, Some(_)) => {
                            map.insert(key, member);
                        }
                        (None, None) => {
                            let expected: Vec<String> = shape
                                .properties
                                .iter()
                                .map(|(wire, _)| self.case.apply(wire))
                                .collect();
                            return Err(Error::invalid(
                                join(at, &key),
                                format!(
                                    "is not a known field; expected one of: {}",
                                    expected.join(", ")
                                ),
                            ));
                        }
                    }
                }
            }
            Value::Object(map) => {
                if let Some(schema) = shape.additional {
                    for (key, member) in map.iter_mut() {
                        self.to_wire(member, schema, &join(at, key))?;
                    }
                }
            }
            Value::Array(list) => {
                if let Some(schema) = shape.items {
                    for (i, item) in list.iter_mut().enumerate() {
                        self.to_wire(item, schema, &format!("{at}[{i}]"))?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Wire keys → host keys. Struct members are renamed, map keys are kept.
    fn to_host(&self, value: &mut Value, node: &'a Value) {
        let shape = self.shape(node);
        match value {
            Value::Object(map) if !shape.properties.is_empty() => {
                let old = std::mem::take(map);
                for (key, mut member) in old {
                    let schema = shape
                        .properties
                        .iter()
                        .find(|(wire, _)| *wire == key)
                        .map(|(_, s)| *s);
                    if let Some(schema) = schema.or(shape.additional) {
                        self.to_host(&mut member, schema);
                    }
                    map.insert(self.case.apply(&key), member);
                }
            }
            Value::Object(map) => {
                if let Some(schema) = shape.additional {
                    for member in map.values_mut() {
                        self.to_host(member, schema);
                    }
                }
            }
            Value::Array(list) => {
                if let Some(schema) = shape.items {
                    for item in list {
                        self.to_host(item, schema);
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

    fn schema() -> Value {
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
        let schema = schema();
        let renamer = Renamer {
            root: &schema,
            case: Case::Camel,
        };
        let mut value = json!({
            "page_size": 2,
            "errors": {"item_price": [{"error_code": "x"}]},
            "items": [{"account_number": "1", "new_field": 1}, null]
        });
        renamer.to_host(&mut value, &schema);
        assert_eq!(
            value,
            json!({
                "pageSize": 2,
                "errors": {"item_price": [{"errorCode": "x"}]},
                "items": [{"accountNumber": "1", "newField": 1}, null]
            })
        );
        renamer.to_wire(&mut value, &schema, "").unwrap();
        assert_eq!(value["page_size"], 2);
        assert_eq!(value["items"][0]["account_number"], "1");
        assert_eq!(value["errors"]["item_price"][0]["error_code"], "x");
    }

    #[test]
    fn unknown_request_keys_name_the_known_ones() {
        let schema = json!({"type": "object", "properties": {"page_size": {"type": "integer"}}});
        let renamer = Renamer {
            root: &schema,
            case: Case::Camel,
        };
        let err = renamer
            .to_wire(&mut json!({"pagesize": 1}), &schema, "")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: `pagesize` is not a known field; expected one of: pageSize"
        );
    }
}
