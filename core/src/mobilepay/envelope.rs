//! The answer envelope: every answer is `{success, errors[], <payload>}`. The SDK returns the
//! payload and turns `success: false` into the API error carrying `errors`.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::transport::{self, Response};

/// Decodes an envelope's payload: its members other than `success` and `errors`, or, for a
/// payload that is one object (`posInformation`), that object.
///
/// `wrapper` names the member that holds an object payload. When the answer has no member of
/// that name but exactly one object member, that one is taken: the API text does not name the
/// wrapper of every answer, and a flat answer is read as it is.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response, wrapper: Option<&str>) -> Result<T> {
    let status = response.status.as_u16();
    let decode_error = |message: String| Error::Decode { status, message };
    let value: Value = transport::decode_json(response)?;
    let Value::Object(mut members) = value else {
        return Err(decode_error(
            "expected the MobilePay envelope {success, errors, ...}".into(),
        ));
    };
    // unverified: the API text shows `success` and `errors` in camelCase; ASP.NET may be
    // configured for PascalCase, which is accepted too.
    let success = take(&mut members, "success");
    let errors = take(&mut members, "errors");
    match success {
        Some(Value::Bool(true)) => {}
        // An answer without `success` that still has a payload is taken as it is.
        None if errors.as_ref().is_none_or(is_empty_list) => {}
        Some(Value::Bool(false)) | None => {
            return Err(super::rules::refusal(status, messages(errors)));
        }
        Some(other) => {
            return Err(decode_error(format!(
                "`success` must be true or false, got {other}"
            )));
        }
    }
    let payload = match wrapper {
        Some(key) => match take(&mut members, key) {
            Some(inner @ Value::Object(_)) => inner,
            Some(Value::Null) | None => only_object(members),
            Some(other) => other,
        },
        None => Value::Object(members),
    };
    serde_json::from_value(payload).map_err(|e| decode_error(e.to_string()))
}

/// Removes `key`, or its PascalCase spelling.
fn take(members: &mut Map<String, Value>, key: &str) -> Option<Value> {
    if let Some(value) = members.remove(key) {
        return Some(value);
    }
    let mut pascal = key.to_string();
    pascal[..1].make_ascii_uppercase();
    members.remove(&pascal)
}

fn is_empty_list(value: &Value) -> bool {
    matches!(value, Value::Null) || value.as_array().is_some_and(Vec::is_empty)
}

/// The single object member of a flat answer, or the answer itself.
fn only_object(members: Map<String, Value>) -> Value {
    let objects: Vec<&String> = members
        .iter()
        .filter(|(_, v)| v.is_object())
        .map(|(k, _)| k)
        .collect();
    if members.len() == 1 && objects.len() == 1 {
        members
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default()
    } else {
        Value::Object(members)
    }
}

/// `errors` as a list of messages, whatever its shape.
fn messages(errors: Option<Value>) -> Vec<String> {
    let text = |value: Value| match value {
        Value::String(s) => s,
        other => other.to_string(),
    };
    match errors {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items.into_iter().map(text).collect(),
        Some(Value::Object(map)) => map
            .into_iter()
            .flat_map(|(_, v)| match v {
                Value::Array(items) => items.into_iter().map(text).collect(),
                other => vec![text(other)],
            })
            .collect(),
        Some(other) => vec![text(other)],
    }
}

/// Makes payload types [`ApiResponse`](crate::endpoint::ApiResponse)s read from the envelope:
/// `payload!(PaymentId, PosInformation = "posInformation")`: the wrapper's name after `=`.
macro_rules! payload {
    ($($ty:ty $(= $wrapper:literal)?),* $(,)?) => {$(
        impl $crate::endpoint::ApiResponse for $ty {
            fn decode(response: &$crate::transport::Response) -> $crate::Result<Self> {
                #[allow(unused_mut, unused_assignments)]
                let mut wrapper: Option<&str> = None;
                $( wrapper = Some($wrapper); )?
                $crate::mobilepay::envelope::decode(response, wrapper)
            }
        }
    )*};
}
pub(crate) use payload;

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;
    use serde_json::json;

    fn response(body: Value) -> Response {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.to_string().into_bytes().into(),
        }
    }

    #[test]
    fn payloads_flat_or_wrapped() {
        let flat: Value = decode(
            &response(json!({"success": true, "errors": [], "paymentId": "p1"})),
            None,
        )
        .unwrap();
        assert_eq!(flat, json!({"paymentId": "p1"}));
        let wrapped: Value = decode(
            &response(json!({"success": true, "errors": null, "posInformation": {"posId": "x"}})),
            Some("posInformation"),
        )
        .unwrap();
        assert_eq!(wrapped, json!({"posId": "x"}));
        let other_wrapper: Value = decode(
            &response(json!({"Success": true, "paymentDetails": {"status": "Reserved"}})),
            Some("payment"),
        )
        .unwrap();
        assert_eq!(other_wrapper, json!({"status": "Reserved"}));
        let flat_object: Value = decode(
            &response(json!({"success": true, "status": "Reserved", "amount": 1})),
            Some("payment"),
        )
        .unwrap();
        assert_eq!(flat_object, json!({"status": "Reserved", "amount": 1}));
    }

    #[test]
    fn success_false_is_the_api_error_with_the_errors() {
        let error = decode::<Value>(
            &response(json!({"success": false, "errors": ["A", "B"], "paymentId": null})),
            None,
        )
        .unwrap_err();
        let Error::Api(api) = error else { panic!() };
        assert_eq!(
            api.errors["request"],
            vec!["A".to_string(), "B".to_string()]
        );
        assert_eq!(api.detail.as_deref(), Some("A B"));
        let error = decode::<Value>(&response(json!({"errors": ["nope"]})), None).unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        let error = decode::<Value>(&response(json!([1])), None).unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}
