//! One page shape for every list, whatever envelope the API wraps it in.

use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::ApiResponse;

/// A page of a list. `page` counts from 1.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    /// When the API says.
    pub total_pages: Option<u32>,
    /// When the API says.
    pub total_count: Option<u64>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

impl<T: Serialize + DeserializeOwned + JsonSchema + Send + 'static> ApiResponse for Page<T> {
    const PAGED: bool = true;
}

/// The API's envelopes: flat (`items`, `page`, `page_size`, …), nested (`pagination: {…}`
/// beside a named list such as `terminals`), or a bare list.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let (list, paging) = match value {
            Value::Array(list) => (list, Map::new()),
            Value::Object(mut map) => {
                let list = take_list(&mut map)
                    .ok_or_else(|| D::Error::custom("no list of items in the answer"))?;
                let paging = match map.remove("pagination") {
                    Some(Value::Object(nested)) => nested,
                    _ => map,
                };
                (list, paging)
            }
            other => {
                return Err(D::Error::custom(format!(
                    "expected a list, got {}",
                    kind(&other)
                )));
            }
        };
        let items: Vec<T> = serde_json::from_value(Value::Array(list)).map_err(D::Error::custom)?;
        let number = |key: &str| paging.get(key).and_then(Value::as_u64);
        let page = number("page").unwrap_or(1).max(1) as u32;
        let page_size = number("page_size")
            .or_else(|| number("size"))
            .unwrap_or(items.len() as u64) as u32;
        let total_count = number("total_count").or_else(|| number("total"));
        let total_pages = number("total_pages").map(|n| n as u32).or_else(|| {
            let (count, size) = (total_count?, u64::from(page_size));
            (size > 0).then(|| count.div_ceil(size) as u32)
        });
        let has_next_page = paging
            .get("has_next_page")
            .and_then(Value::as_bool)
            .unwrap_or_else(|| total_pages.is_some_and(|total| page < total));
        let has_previous_page = paging
            .get("has_previous_page")
            .and_then(Value::as_bool)
            .unwrap_or(page > 1);
        Ok(Page {
            items,
            page,
            page_size,
            total_pages,
            total_count,
            has_next_page,
            has_previous_page,
        })
    }
}

/// `items` if present, else the one array-valued member (`terminals`, `transactions`…).
fn take_list(map: &mut Map<String, Value>) -> Option<Vec<Value>> {
    let key = if map.get("items").is_some_and(Value::is_array) {
        "items".to_string()
    } else {
        let mut arrays = map
            .iter()
            .filter(|(_, v)| v.is_array())
            .map(|(k, _)| k.clone());
        let key = arrays.next()?;
        if arrays.next().is_some() {
            return None;
        }
        key
    };
    match map.remove(&key) {
        Some(Value::Array(list)) => Some(list),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(value: Value) -> Page<u32> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn flat_envelope() {
        let p = page(
            json!({"items": [1, 2], "page": 2, "page_size": 2, "total_pages": 3, "total_count": 6,
                            "has_previous_page": true, "has_next_page": true}),
        );
        assert_eq!(
            (p.items, p.page, p.total_pages, p.has_next_page),
            (vec![1, 2], 2, Some(3), true)
        );
    }

    #[test]
    fn nested_envelope_with_named_list() {
        let p = page(
            json!({"pagination": {"page": 3, "page_size": 2, "total_pages": 3, "total_count": 5},
                            "terminals": [5]}),
        );
        assert_eq!(
            (p.items, p.page, p.has_next_page, p.has_previous_page),
            (vec![5], 3, false, true)
        );
    }

    #[test]
    fn bare_list_and_missing_totals() {
        let p = page(json!([1, 2, 3]));
        assert_eq!(
            (p.page, p.page_size, p.total_pages, p.has_next_page),
            (1, 3, None, false)
        );
    }

    #[test]
    fn malformed_envelopes_are_errors() {
        for bad in [
            json!("x"),
            json!({"a": 1}),
            json!({"a": [1], "b": [2]}),
            json!({"items": ["x"]}),
        ] {
            assert!(serde_json::from_value::<Page<u32>>(bad).is_err());
        }
    }
}
