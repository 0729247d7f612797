//! What the SDK's operation tables say each operation sends, read from the same definitions
//! the typed methods and the Python and Node methods are built from.

use std::collections::{BTreeMap, BTreeSet};

use mypos::endpoint::WireShape;
use mypos::host;
use serde_json::Value;

/// The operation table of the API a fixture file is named after.
pub fn table(api: &str) -> Option<Vec<WireShape>> {
    match api {
        "gateway" => Some(host::gateway().wire_shapes()),
        "mobilepay" => Some(host::mobilepay().wire_shapes()),
        "psd2" => Some(host::psd2().wire_shapes()),
        _ => None,
    }
}

/// One operation's wire: where each parameter goes, by wire name.
#[derive(Debug)]
pub struct Wire {
    pub method: String,
    pub path: String,
    pub path_params: Vec<String>,
    /// Query (GET, DELETE) or body (other methods) leaves, nested ones dotted; `true` when
    /// the caller must give it.
    pub query: BTreeMap<String, bool>,
    pub body: BTreeMap<String, bool>,
    /// Header names, with whether the caller must give the field.
    pub headers: BTreeMap<String, bool>,
    /// Request fields that are neither sent as query/body nor declared as headers.
    pub undeclared: Vec<String>,
}

impl Wire {
    pub fn of(shape: &WireShape) -> Wire {
        // The `{placeholders}` of the path; positional arguments beyond them are still sent
        // in the query or body.
        let path_params: Vec<String> = shape
            .info
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        let required = leaves(&shape.request);
        let sent: BTreeMap<String, bool> = leaves(&shape.sent)
            .into_keys()
            .filter(|name| !path_params.contains(name))
            .map(|name| {
                let needed = required.get(&name).copied().unwrap_or(false);
                (name, needed)
            })
            .collect();
        let sent_top: BTreeSet<&str> = sent.keys().map(|k| top(k)).collect();
        let mut headers = BTreeMap::new();
        let mut undeclared = Vec::new();
        let host_top: BTreeSet<&str> = required.keys().map(|k| top(k)).collect();
        for field in host_top {
            if sent_top.contains(field) || path_params.iter().any(|p| p == field) {
                continue;
            }
            match shape.headers.iter().find(|(f, _)| *f == field) {
                Some((_, header)) => {
                    let needed = required.get(field).copied().unwrap_or(false);
                    headers.insert(header.to_string(), needed);
                }
                None => undeclared.push(field.to_string()),
            }
        }
        let (query, body) = if matches!(shape.info.method.as_str(), "GET" | "DELETE") {
            (sent, BTreeMap::new())
        } else {
            (BTreeMap::new(), sent)
        };
        Wire {
            method: shape.info.method.clone(),
            path: shape.info.path.to_string(),
            path_params,
            query,
            body,
            headers,
            undeclared,
        }
    }
}

fn top(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// The leaf members of a request schema, nested objects dotted (`instructedAmount.amount`);
/// lists, maps and scalars are leaves. `true` when required all the way down.
pub fn leaves(root: &Value) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    walk(root, root, "", true, &mut out, 0);
    out
}

fn walk(
    root: &Value,
    node: &Value,
    prefix: &str,
    required: bool,
    out: &mut BTreeMap<String, bool>,
    depth: usize,
) {
    let mut properties: Vec<(String, Value)> = Vec::new();
    let mut needed: BTreeSet<String> = BTreeSet::new();
    collect(root, node, &mut properties, &mut needed, 0);
    if properties.is_empty() || depth > 8 {
        if !prefix.is_empty() {
            out.insert(prefix.to_string(), required);
        }
        return;
    }
    for (name, member) in properties {
        let dotted = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let child_required = required && needed.contains(&name);
        walk(root, &member, &dotted, child_required, out, depth + 1);
    }
}

/// An object's properties and required names, through `$ref`s and `anyOf`/`oneOf`/`allOf`
/// (an `Option` is `anyOf [T, null]`).
fn collect(
    root: &Value,
    node: &Value,
    properties: &mut Vec<(String, Value)>,
    needed: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let node = resolve(root, node);
    if node.get("type").and_then(Value::as_str) == Some("array") {
        return;
    }
    if let Some(Value::Object(members)) = node.get("properties") {
        for (name, member) in members {
            if !properties.iter().any(|(n, _)| n == name) {
                properties.push((name.clone(), member.clone()));
            }
        }
    }
    if let Some(Value::Array(names)) = node.get("required") {
        needed.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = node.get(combinator) {
            for branch in branches {
                collect(root, branch, properties, needed, depth + 1);
            }
        }
    }
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => match root.pointer(reference.trim_start_matches('#')) {
                Some(target) => node = target,
                None => break,
            },
            None => break,
        }
    }
    node
}

impl Wire {
    /// The same wire with query and body names in lowerCamelCase, segment by segment.
    pub fn camel_cased(&self) -> Wire {
        let camel = |names: &BTreeMap<String, bool>| -> BTreeMap<String, bool> {
            names
                .iter()
                .map(|(name, required)| {
                    let spelled: Vec<String> = name.split('.').map(lower_camel).collect();
                    (spelled.join("."), *required)
                })
                .collect()
        };
        Wire {
            method: self.method.clone(),
            path: self.path.clone(),
            path_params: self.path_params.clone(),
            query: camel(&self.query),
            body: camel(&self.body),
            headers: self.headers.clone(),
            undeclared: self.undeclared.clone(),
        }
    }
}

/// `item_price` → `itemPrice`.
fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
