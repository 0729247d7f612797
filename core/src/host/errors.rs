//! Error serialisation: what a host needs to raise its native exception.

use serde_json::{Map, Value};

use super::casing::Case;
use crate::error::Error;

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
