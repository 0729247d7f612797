//! One page shape for every list, whatever envelope the API wraps it in.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

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

/// The API's envelopes: flat (`items`, `page`, `page_size`, …), nested (`pagination: {…}`
/// beside a named list such as `terminals`), or a bare list.
///
/// Read in one pass: `items` straight into `Vec<T>`, the paging numbers as they come. Going
/// through a `serde_json::Value` of the whole answer first cost as much as the HTTP exchange
/// itself (see BENCHMARKS.md); only a list under another name is still read as a `Value`,
/// because which member is the list is known only once all of them have been seen.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list, or an object holding a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Page<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Page::assemble(items, &Paging::default()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut items: Option<Vec<T>> = None;
        // Array-valued members other than `items`: the list, when it goes by another name.
        let mut lists: Vec<Vec<Value>> = Vec::new();
        let mut beside = Paging::default();
        let mut nested: Option<Paging> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Items => {
                    if let Some(list) = map.next_value_seed(ListSeed(PhantomData))? {
                        items = Some(list);
                    }
                }
                Key::Pagination => match map.next_value::<Value>()? {
                    Value::Object(fields) => nested = Some(Paging::from_map(&fields)),
                    Value::Array(list) => lists.push(list),
                    _ => {}
                },
                Key::Other(name) => match map.next_value::<Value>()? {
                    Value::Array(list) => lists.push(list),
                    value => beside.set(&name, &value),
                },
            }
        }
        let items = match (items, lists.len()) {
            (Some(items), _) => items,
            (None, 1) => {
                let list = lists.pop().expect("one list");
                serde_json::from_value(Value::Array(list)).map_err(A::Error::custom)?
            }
            (None, _) => return Err(A::Error::custom("no list of items in the answer")),
        };
        Ok(Page::assemble(items, nested.as_ref().unwrap_or(&beside)))
    }
}

impl<T> Page<T> {
    fn assemble(items: Vec<T>, paging: &Paging) -> Self {
        // Numbers past u32 saturate: cast, 2^32 would read as page 0.
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let page = small(paging.page.unwrap_or(1).max(1));
        let page_size = small(
            paging
                .page_size
                .or(paging.size)
                .unwrap_or(items.len() as u64),
        );
        let total_count = paging.total_count.or(paging.total);
        let total_pages = paging.total_pages.map(small).or_else(|| {
            let (count, size) = (total_count?, u64::from(page_size));
            (size > 0).then(|| small(count.div_ceil(size)))
        });
        // A next page announced after an empty one, or past the last page number, would keep
        // an iterator asking forever: the list ends there.
        let has_next_page = paging
            .has_next_page
            .unwrap_or_else(|| total_pages.is_some_and(|total| page < total))
            && !items.is_empty()
            && page < u32::MAX;
        let has_previous_page = paging.has_previous_page.unwrap_or(page > 1);
        Page {
            items,
            page,
            page_size,
            total_pages,
            total_count,
            has_next_page,
            has_previous_page,
        }
    }
}

/// The paging members an envelope may carry; anything not a whole number (or a boolean for
/// the two flags) counts as absent.
#[derive(Default)]
struct Paging {
    page: Option<u64>,
    page_size: Option<u64>,
    size: Option<u64>,
    total_pages: Option<u64>,
    total_count: Option<u64>,
    total: Option<u64>,
    has_next_page: Option<bool>,
    has_previous_page: Option<bool>,
}

impl Paging {
    fn from_map(fields: &Map<String, Value>) -> Self {
        let mut paging = Paging::default();
        for (name, value) in fields {
            paging.set(name, value);
        }
        paging
    }

    fn set(&mut self, name: &str, value: &Value) {
        let slot = match name {
            "page" => &mut self.page,
            "page_size" => &mut self.page_size,
            "size" => &mut self.size,
            "total_pages" => &mut self.total_pages,
            "total_count" => &mut self.total_count,
            "total" => &mut self.total,
            "has_next_page" => return self.has_next_page = value.as_bool(),
            "has_previous_page" => return self.has_previous_page = value.as_bool(),
            _ => return,
        };
        *slot = value.as_u64();
    }
}

/// A member name of an envelope, read without allocating for the common ones.
enum Key {
    Items,
    Pagination,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(match name {
                    "items" => Key::Items,
                    "pagination" => Key::Pagination,
                    other => Key::Other(other.to_owned()),
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `items` as `Vec<T>` when it is a list; `None` (its value skipped) when it is anything else,
/// which leaves the list to be found under another name.
struct ListSeed<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ListSeed<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Some(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
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
    fn text_reads_as_its_value_does() {
        let text =
            r#"{"page": 2, "items": [1, 2], "total_count": 7, "page_size": 2, "extra": [9]}"#;
        let from_text: Page<u32> = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(from_text, page(value));
        assert_eq!(
            (
                from_text.items,
                from_text.total_pages,
                from_text.has_next_page
            ),
            (vec![1, 2], Some(4), true)
        );
    }

    #[test]
    fn items_that_are_not_a_list_leave_the_named_one() {
        let p = page(
            json!({"items": {"x": [1]}, "transactions": [4, 5], "pagination": null, "page": 2}),
        );
        assert_eq!(
            (p.items, p.page, p.has_previous_page),
            (vec![4, 5], 2, true)
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
