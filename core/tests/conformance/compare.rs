//! One text operation against the SDK's: every difference, named.

use std::collections::{BTreeMap, BTreeSet};

use super::fixture::TextOperation;
use super::sdk::Wire;

/// Headers every client sends by itself: the credential (`Authorization`) and the transport's
/// own. A text names them on every call; they are not parameters of an operation.
const CLIENT_HEADERS: [&str; 4] = ["authorization", "content-type", "accept", "x-request-id"];

/// `{paymentId}` and `{payment-product}` are both `{}`: the placeholder's name is no wire fact.
pub fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                shape.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => shape.push(c),
            _ => {}
        }
    }
    shape
}

/// `payment-product`, `paymentProduct` and `payment_product` name the same path parameter.
fn param_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `name` is `covering` or nested under it.
fn under(name: &str, covering: &str) -> bool {
    name == covering
        || name
            .strip_prefix(covering)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Every difference between what the text says and what the SDK sends.
pub fn differences(text: &TextOperation, sdk: &Wire) -> Vec<String> {
    let mut found = Vec::new();
    if !text.method.eq_ignore_ascii_case(&sdk.method) {
        found.push(format!(
            "method: the text has {}, the SDK sends {}",
            text.method, sdk.method
        ));
    }
    if path_shape(&text.path) != path_shape(&sdk.path) {
        found.push(format!(
            "path: the text has {}, the SDK sends {}",
            text.path, sdk.path
        ));
    }
    let text_params: Vec<String> = text.path_params.iter().map(|p| param_key(p)).collect();
    let sdk_params: Vec<String> = sdk.path_params.iter().map(|p| param_key(p)).collect();
    if text_params != sdk_params {
        found.push(format!(
            "path parameters: the text has {:?}, the SDK takes {:?}",
            text.path_params, sdk.path_params
        ));
    }
    for (part, text_names, sdk_names) in [
        ("query", &text.query, &sdk.query),
        ("body", &text.body, &sdk.body),
    ] {
        found.extend(names(part, text_names, sdk_names, &text.beyond_text, false));
    }
    let text_headers: Vec<String> = text
        .headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .filter(|h| !CLIENT_HEADERS.contains(&h.as_str()))
        .collect();
    let sdk_headers: BTreeMap<String, bool> = sdk
        .headers
        .iter()
        .map(|(h, required)| (h.to_ascii_lowercase(), *required))
        .collect();
    let beyond: Vec<String> = text
        .beyond_text
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    found.extend(names("headers", &text_headers, &sdk_headers, &beyond, true));
    for field in &sdk.undeclared {
        found.push(format!(
            "request field `{field}` is neither sent in the query or body nor declared as a header"
        ));
    }
    found
}

/// Names the text lists that the SDK does not take there, and names the SDK takes there
/// that the text does not list (unless declared beyond the text, and then only optional).
fn names(
    part: &str,
    text: &[String],
    sdk: &BTreeMap<String, bool>,
    beyond: &[String],
    flat: bool,
) -> Vec<String> {
    let mut found = Vec::new();
    let covered = |name: &str, list: &[String]| {
        list.iter()
            .any(|c| if flat { c == name } else { under(name, c) })
    };
    for name in text {
        // `access.accounts` is taken by a leaf `access.accounts`, by an opaque `access`, or
        // by the fields under it.
        let taken = sdk.keys().any(|s| under(name, s) || under(s, name));
        if !taken {
            found.push(format!(
                "{part}: the text has `{name}`, the SDK does not send it"
            ));
        }
    }
    let text_set: BTreeSet<&str> = text.iter().map(String::as_str).collect();
    for (name, required) in sdk {
        if text_set.contains(name.as_str()) || covered(name, text) {
            continue;
        }
        if covered(name, beyond) {
            if *required {
                found.push(format!(
                    "{part}: `{name}` is beyond the text and must be optional, the SDK requires it"
                ));
            }
            continue;
        }
        found.push(format!(
            "{part}: the SDK sends `{name}`{}, the text does not have it",
            if *required { " (required)" } else { "" }
        ));
    }
    found
}
