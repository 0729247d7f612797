//! The SDK against the API texts it implements: every operation listed in
//! `tests/conformance/*.json` (facts taken from the texts: method, path, parameter names) must
//! exist in the core's operation tables, send that method and path, and accept exactly those
//! parameter names on the wire. Every mismatch is collected and reported with the operation and
//! the part that differs.
//!
//! A fixture name matches a wire name when it is spelled the same or is its lowerCamelCase form
//! (the texts write `itemPrice` for the wire's `item_price`); nested fields are dotted
//! (`amount.currencyCode`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::ToLowerCamelCase;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    source: String,
    operations: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    sdk: String,
    method: String,
    path: String,
    #[serde(default)]
    path_params: Vec<String>,
    #[serde(default)]
    query: Vec<String>,
    #[serde(default)]
    body: Vec<String>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// What the core says of one operation.
struct Actual {
    method: String,
    path: String,
    request_schema: Value,
}

fn core_operations() -> BTreeMap<String, Actual> {
    fn add<C>(
        table: &mut BTreeMap<String, Actual>,
        operations: Vec<&'static dyn mypos::endpoint::Operation<C>>,
    ) {
        for operation in operations {
            let info = operation.info();
            table.insert(
                info.name.to_string(),
                Actual {
                    method: info.method.clone(),
                    path: info.path.to_string(),
                    request_schema: operation.request_schema(),
                },
            );
        }
    }
    let mut table = BTreeMap::new();
    add(&mut table, mypos::gateway::operations());
    add(&mut table, mypos::mobilepay::operations());
    add(&mut table, mypos::psd2::operations());
    table
}

fn fixtures() -> Vec<(PathBuf, Fixture)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let fixture = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a conformance fixture: {e}", path.display()));
            (path, fixture)
        })
        .collect()
}

/// The schema node `node` stands for, with `$ref`s followed.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        match root.pointer(reference.trim_start_matches('#')) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The object members of `node` (a struct, or the struct branch of an `Option`), if any.
fn members<'a>(root: &'a Value, node: &'a Value) -> Option<&'a serde_json::Map<String, Value>> {
    let node = resolve(root, node);
    if let Some(Value::Object(properties)) = node.get("properties") {
        return Some(properties);
    }
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|branch| members(root, branch))
}

/// Every leaf field of a request, dotted (`amount.currency_code`), as the wire names it.
fn wire_fields(schema: &Value) -> BTreeSet<String> {
    fn walk(root: &Value, node: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        let Some(properties) = members(root, node) else {
            return;
        };
        for (name, member) in properties {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            if members(root, member).is_some() {
                walk(root, member, &path, out);
            } else {
                out.insert(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, schema, "", &mut out);
    out
}

/// A text's name for a wire name: the same, or its lowerCamelCase form, segment by segment.
fn same_name(text: &str, wire: &str) -> bool {
    let (t, w): (Vec<_>, Vec<_>) = (text.split('.').collect(), wire.split('.').collect());
    t.len() == w.len()
        && t.iter()
            .zip(&w)
            .all(|(t, w)| t == w || *t == w.to_lower_camel_case())
}

/// A header name and a request field carrying it (`Consent-ID` ~ `consent_id`).
fn same_header(header: &str, field: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    squash(header) == squash(field)
}

/// The placeholders of a path template, in order.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Compares the text's names with the SDK's wire names; describes any difference.
fn differ(part: &str, text: &[String], wire: &BTreeSet<String>) -> Option<String> {
    let missing: Vec<&String> = text
        .iter()
        .filter(|t| !wire.iter().any(|w| same_name(t, w)))
        .collect();
    let extra: Vec<&String> = wire
        .iter()
        .filter(|w| !text.iter().any(|t| same_name(t, w)))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut says = vec![];
    if !missing.is_empty() {
        says.push(format!(
            "the text has {missing:?}, the SDK does not accept them"
        ));
    }
    if !extra.is_empty() {
        says.push(format!(
            "the SDK sends {extra:?}, the text does not list them"
        ));
    }
    Some(format!("{part}: {}", says.join("; ")))
}

fn check(expected: &Expected, actual: &Actual) -> Vec<String> {
    let mut problems = vec![];
    if !expected.method.eq_ignore_ascii_case(&actual.method) {
        problems.push(format!(
            "method: the text has {}, the SDK sends {}",
            expected.method, actual.method
        ));
    }
    let bare = |p: &str| p.trim_start_matches('/').to_string();
    if bare(&expected.path) != bare(&actual.path) {
        problems.push(format!(
            "path: the text has {}, the SDK sends {}",
            expected.path, actual.path
        ));
    }
    let mut fields = wire_fields(&actual.request_schema);
    let path_params: BTreeSet<String> = placeholders(&actual.path).into_iter().collect();
    fields.retain(|f| !path_params.contains(f));
    let headers: BTreeSet<String> = fields
        .iter()
        .filter(|f| expected.headers.iter().any(|h| same_header(h, f)))
        .cloned()
        .collect();
    fields.retain(|f| !headers.contains(f));
    let unmatched_headers: Vec<&String> = expected
        .headers
        .iter()
        .filter(|h| !headers.iter().any(|f| same_header(h, f)))
        .collect();
    if !unmatched_headers.is_empty() {
        problems.push(format!(
            "headers: the text has {unmatched_headers:?}, the SDK takes no such field"
        ));
    }
    let sends_query = matches!(actual.method.as_str(), "GET" | "DELETE");
    let (query, body) = if sends_query {
        (fields, BTreeSet::new())
    } else {
        (BTreeSet::new(), fields)
    };
    problems.extend(differ(
        "path parameters",
        &expected.path_params,
        &path_params,
    ));
    problems.extend(differ("query", &expected.query, &query));
    problems.extend(differ("body", &expected.body, &body));
    problems
}

#[test]
fn every_operation_of_the_texts_is_the_sdks() {
    let table = core_operations();
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixtures in tests/conformance");
    let mut mismatches = vec![];
    let mut checked = 0;
    for (path, fixture) in &fixtures {
        let file = path.file_name().unwrap().to_string_lossy();
        assert!(!fixture.operations.is_empty(), "{file}: no operations");
        let mut seen = BTreeSet::new();
        for expected in &fixture.operations {
            assert!(
                seen.insert(&expected.sdk),
                "{file}: {} is listed twice",
                expected.sdk
            );
            checked += 1;
            let Some(actual) = table.get(&expected.sdk) else {
                mismatches.push(format!(
                    "{file} ({}): {}: the SDK has no such operation",
                    fixture.source, expected.sdk
                ));
                continue;
            };
            for problem in check(expected, actual) {
                mismatches.push(format!(
                    "{file} ({}): {}: {problem}",
                    fixture.source, expected.sdk
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) over {checked} operations:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Every Gateway operation of the core is in the Gateway fixture: a new one is added to the
/// texts' table (or found missing from them) on purpose, not by accident.
#[test]
fn the_gateway_fixture_covers_every_gateway_operation() {
    let fixtures = fixtures();
    let listed: BTreeSet<&str> = fixtures
        .iter()
        .filter(|(path, _)| path.ends_with("gateway.json"))
        .flat_map(|(_, f)| f.operations.iter().map(|o| o.sdk.as_str()))
        .collect();
    let unlisted: Vec<&str> = mypos::gateway::operations()
        .iter()
        .map(|o| o.info().name)
        .filter(|name| !listed.contains(name))
        .collect();
    assert!(unlisted.is_empty(), "not in gateway.json: {unlisted:?}");
}

/// The checker itself: a fixture that differs from the core in each part is reported in each.
#[test]
fn a_mismatch_names_the_operation_and_the_part() {
    let table = core_operations();
    let actual = &table["epos.terminals.refund"];
    let wrong = Expected {
        sdk: "epos.terminals.refund".into(),
        method: "PUT".into(),
        path: "/pos/v1/terminals/{terminal_id}/refunds".into(),
        path_params: vec!["terminalId".into()],
        query: vec![],
        body: vec!["referenceNumber".into(), "amount.value".into()],
        headers: vec![],
        note: None,
    };
    let problems = check(&wrong, actual);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("method: the text has PUT"),
        "{problems:?}"
    );
    assert!(problems[1].starts_with("path: "), "{problems:?}");
    assert!(
        problems[2].contains("\"amount.value\"") && problems[2].contains("[\"amount\"]"),
        "{problems:?}"
    );
    assert!(same_name("amount.currencyCode", "amount.currency_code"));
    assert!(!same_name(
        "askForCustomerPhone",
        "ask_for_customer_phone_number"
    ));
}
