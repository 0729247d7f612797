//! The schema-guided key renamers: object keys between wire names and a host's casing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::casing::Case;
use crate::answer::KeyTable;
use crate::error::{Error, Result};

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

/// What the one-pass writer ([`crate::answer::write`]) asks while it writes an answer.
impl KeyTable for Renamer {
    fn key<'k>(&'k self, node: usize, key: &'k str) -> (Cow<'k, str>, Option<usize>) {
        let node = &self.nodes[node];
        if node.properties.is_empty() {
            // A map: its keys are data, not names.
            return (Cow::Borrowed(key), node.additional);
        }
        match node.by_wire.get(key) {
            Some(&i) => {
                let property = &node.properties[i];
                (Cow::Borrowed(property.host.as_str()), Some(property.node))
            }
            None => {
                let host = self.unknown_host(key);
                (host.map_or(Cow::Borrowed(key), Cow::Owned), node.additional)
            }
        }
    }

    fn items(&self, node: usize) -> Option<usize> {
        self.nodes[node].items
    }
}

/// Only objects and lists hold keys to rename.
fn nested(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

impl Renamer {
    pub(super) fn new(schema: &Value, case: Case) -> Self {
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
    pub(super) fn to_wire(&self, value: &mut Value) -> Result<()> {
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
    /// Wire keys → host keys in a value: what [`crate::answer::write`] does while writing, kept as
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

/// The one-pass writer ([`crate::answer::write`]) renames as [`Renamer::to_host`] does.
#[cfg(test)]
mod writer_tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::tests::schema;
    use super::*;
    use crate::answer::write;

    fn written(renamer: &Renamer, value: &impl serde::Serialize) -> Value {
        serde_json::from_str(&write(value, renamer).unwrap()).unwrap()
    }

    #[test]
    fn renames_struct_keys_keeps_map_keys_and_escapes_what_it_writes() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let answer = json!({
            "page_size": 2,
            "errors": {"it\"em\n": [{"error_code": "x", "new_field": "a\"b\n"}]},
            "items": [{"account_number": "1", "odd key": 1}, null],
        });
        assert_eq!(
            written(&renamer, &answer),
            json!({
                "pageSize": 2,
                "errors": {"it\"em\n": [{"errorCode": "x", "newField": "a\"b\n"}]},
                "items": [{"accountNumber": "1", "oddKey": 1}, null],
            })
        );
    }

    #[test]
    fn numeric_map_keys_stay_text() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let errors: BTreeMap<u32, Vec<Value>> = [(7, vec![json!({"error_code": "x"})])].into();
        let answer = json!({"errors": errors});
        assert_eq!(
            written(&renamer, &answer),
            json!({"errors": {"7": [{"errorCode": "x"}]}})
        );
    }

    /// JSON values whose keys are drawn from the schema's names and a few it does not know.
    fn values() -> impl Strategy<Value = Value> {
        let key = prop::sample::select(vec![
            "page_size",
            "errors",
            "items",
            "account_number",
            "error_code",
            "new_field",
            "_links",
            "camelKey",
            "with space",
            "quo\"te",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\ ]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..5).prop_map(
                    |map| Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                ),
            ]
        })
    }

    proptest! {
        #[test]
        fn writes_what_renaming_the_value_gives(value in values()) {
            for case in [Case::Snake, Case::Camel] {
                let renamer = Renamer::new(&schema(), case);
                let mut expected = value.clone();
                renamer.to_host(&mut expected);
                prop_assert_eq!(written(&renamer, &value), expected);
            }
        }
    }
}
