//! Answer shapes the APIs share: no content at all ([`Empty`]), and a list the documentation
//! shows in several shapes ([`decode_list`]).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::endpoint::ApiResponse;
use crate::error::{Error, Result};
use crate::transport::{self, Response};

/// The answer of a call that answers with no content (HTTP 204): whatever the body holds, if
/// anything, is ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Empty)
    }
}

impl JsonSchema for Empty {
    fn schema_name() -> Cow<'static, str> {
        "Empty".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "null" })
    }
}

impl ApiResponse for Empty {}

/// Decodes a list the documentation shows in several shapes: a bare array, an object with one
/// array member (`{"models": [...]}`), or a single object (read as a list of one).
pub(crate) fn decode_list<T: DeserializeOwned>(response: &Response) -> Result<Vec<T>> {
    let value: Value = transport::decode_json(response)?;
    let list = match value {
        Value::Null => Value::Array(vec![]),
        Value::Array(_) => value,
        Value::Object(mut map) => {
            let arrays: Vec<String> = map
                .iter()
                .filter(|(_, v)| v.is_array())
                .map(|(k, _)| k.clone())
                .collect();
            match arrays.as_slice() {
                [key] => map.remove(key).unwrap_or_default(),
                _ => Value::Array(vec![Value::Object(map)]),
            }
        }
        other => other,
    };
    serde_json::from_value(list).map_err(|e| Error::Decode {
        status: response.status.as_u16(),
        message: e.to_string(),
    })
}
