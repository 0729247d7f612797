//! Every operation of the published API texts, as the SDK sends it: method, path and parameter
//! names, checked against the facts kept in `tests/conformance/*.json` (one file per API,
//! named after it: `mobilepay.json`, `psd2.json`, `gateway.json`…). A difference fails with
//! the operation and the part that differs; all differences are collected before failing.
//! See `tests/conformance/README.md` for the files' shape.

#[path = "conformance/compare.rs"]
mod compare;
#[path = "conformance/fixture.rs"]
mod fixture;
#[path = "conformance/sdk.rs"]
mod sdk;

use std::collections::{BTreeMap, BTreeSet};

use mypos_sandbox::Sandbox;
use serde_json::{Map, Value};

use fixture::TextOperation;
use sdk::Wire;

/// Fails with every line of `problems`, if any.
fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} difference(s)\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_api_text_has_a_fixture_with_operations() {
    let fixtures = fixture::all();
    let apis: Vec<&str> = fixtures.iter().map(|(api, _)| api.as_str()).collect();
    for expected in ["mobilepay", "psd2"] {
        assert!(apis.contains(&expected), "no {expected}.json in {apis:?}");
    }
    for (api, fixture) in &fixtures {
        assert!(
            !fixture.operations.is_empty(),
            "{api}.json ({}) lists no operations",
            fixture.source
        );
        assert!(
            sdk::table(api).is_some(),
            "{api}.json names no API of the SDK"
        );
        for operation in &fixture.operations {
            assert!(
                operation.beyond_text.is_empty() || operation.note.is_some(),
                "{api}: {}: what is beyond the text needs a note saying why",
                operation.label()
            );
        }
    }
}

#[test]
fn the_sdk_sends_every_operation_as_the_texts_say() {
    let mut problems = Vec::new();
    for (api, fixture) in fixture::all() {
        let Some(table) = sdk::table(&api) else {
            problems.push(format!("{api}.json: the SDK has no API of that name"));
            continue;
        };
        let camel = match fixture.spelling.as_deref() {
            None => false,
            Some("camelCase") => true,
            Some(other) => panic!("{api}.json: unknown spelling {other:?}"),
        };
        let by_name: BTreeMap<&str, Wire> = table
            .iter()
            .map(|shape| {
                let wire = Wire::of(shape);
                (
                    shape.info.name,
                    if camel { wire.camel_cased() } else { wire },
                )
            })
            .collect();
        let mut seen = BTreeSet::new();
        for operation in &fixture.operations {
            let Some(name) = &operation.sdk else { continue };
            let label = format!("{api}: {}", operation.label());
            if !seen.insert(name.clone()) {
                problems.push(format!("{label}: listed as the SDK's form twice"));
            }
            match by_name.get(name.as_str()) {
                None => problems.push(format!("{label}: the SDK has no operation `{name}`")),
                Some(wire) => problems.extend(
                    compare::differences(operation, wire)
                        .into_iter()
                        .map(|difference| format!("{label}: {difference}")),
                ),
            }
        }
    }
    report("the SDK against the API texts", problems);
}

/// The MobilePay text lists 27 operations; each is in the fixture, once, as the SDK's form.
#[test]
fn the_mobilepay_fixture_covers_all_27_operations() {
    let (_, fixture) = fixture::all()
        .into_iter()
        .find(|(api, _)| api == "mobilepay")
        .expect("mobilepay.json");
    assert!(fixture.source.contains("MobilePay"), "{}", fixture.source);
    let chosen: BTreeSet<&str> = fixture
        .operations
        .iter()
        .filter_map(|o| o.sdk.as_deref())
        .collect();
    assert_eq!(chosen.len(), 27, "{chosen:?}");
    // Every form the text lists is in the fixture: 27 operations, 8 of them in two forms.
    assert_eq!(fixture.operations.len(), 35);
    // Where a POST form exists, the SDK sends it (the access token stays out of URLs).
    for operation in &fixture.operations {
        let has_post = fixture
            .operations
            .iter()
            .any(|o| o.path == operation.path && o.method == "POST");
        if operation.sdk.is_some() && has_post {
            assert_eq!(operation.method, "POST", "{}", operation.label());
        }
    }
}

/// What a sandbox answers for a route it does not serve, to tell "no such route" from an
/// operation's own not-found (an id the sandbox does not hold is an answer).
async fn no_route_answer(client: &reqwest::Client, base: &str, method: &str) -> (u16, Value) {
    let url = format!("{base}/conformance/no/such/route");
    let response = client
        .request(method.parse().unwrap(), url)
        .send()
        .await
        .expect("the sandbox answers");
    (response.status().as_u16(), comparable(response).await)
}

/// The answer's body without the parts that change per request.
async fn comparable(response: reqwest::Response) -> Value {
    let mut body: Value = response.json().await.unwrap_or(Value::Null);
    if let Value::Object(map) = &mut body {
        map.remove("traceId");
    }
    body
}

/// A request of `operation`'s form with a placeholder for every parameter.
fn probe(
    client: &reqwest::Client,
    base: &str,
    operation: &TextOperation,
) -> reqwest::RequestBuilder {
    let mut path = String::new();
    let mut inside = false;
    for c in operation.path.chars() {
        match c {
            '{' => {
                inside = true;
                path.push_str("conformance-probe");
            }
            '}' => inside = false,
            _ if !inside => path.push(c),
            _ => {}
        }
    }
    let query: Vec<(&str, &str)> = operation
        .query
        .iter()
        .map(|name| (name.as_str(), "conformance-probe"))
        .collect();
    let mut request = client
        .request(operation.method.parse().unwrap(), format!("{base}{path}"))
        .query(&query);
    if !matches!(operation.method.as_str(), "GET" | "DELETE") {
        let body: Map<String, Value> = operation
            .body
            .iter()
            .map(|name| {
                (
                    name.split('.').next().unwrap_or(name).to_string(),
                    Value::from("conformance-probe"),
                )
            })
            .collect();
        request = request.json(&body);
    }
    request
}

#[tokio::test]
async fn the_sandbox_serves_every_form_the_texts_list() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let base = sandbox.url();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let mut no_route = BTreeMap::new();
    let mut problems = Vec::new();
    let mut probed = 0;
    for (api, fixture) in fixture::all() {
        for operation in &fixture.operations {
            let method = operation.method.to_ascii_uppercase();
            if !no_route.contains_key(&method) {
                let answer = no_route_answer(&client, &base, &method).await;
                no_route.insert(method.clone(), answer);
            }
            let response = probe(&client, &base, operation)
                .send()
                .await
                .expect("the sandbox answers");
            let status = response.status().as_u16();
            let body = comparable(response).await;
            probed += 1;
            if status == 405 {
                problems.push(format!(
                    "{api}: {}: 405, the sandbox does not serve this method",
                    operation.label()
                ));
            } else if (status, &body) == (no_route[&method].0, &no_route[&method].1) {
                problems.push(format!(
                    "{api}: {}: {status}, the sandbox has no such route",
                    operation.label()
                ));
            }
        }
    }
    assert!(probed > 0);
    report("the sandbox against the API texts", problems);
    sandbox.stop().await;
}

/// The fixtures cover the SDK: every Gateway and MobilePay operation is listed in its text's
/// fixture, so an operation added to the core without its text's facts fails here. (The PSD2
/// text lists a subset of the Berlin Group services the SDK implements; the rest follow the
/// standard.)
#[test]
fn every_sdk_operation_is_in_its_texts_fixture() {
    let mut problems = Vec::new();
    for (api, fixture) in fixture::all() {
        if api == "psd2" {
            continue;
        }
        let Some(table) = sdk::table(&api) else {
            continue;
        };
        let listed: BTreeSet<&str> = fixture
            .operations
            .iter()
            .filter_map(|operation| operation.sdk.as_deref())
            .collect();
        for shape in &table {
            if !listed.contains(shape.info.name) {
                problems.push(format!("{api}: `{}` is not in {api}.json", shape.info.name));
            }
        }
    }
    report("SDK operations missing from the fixtures", problems);
}

/// Core and sandbox agree: every operation of the core's tables (Gateway, MobilePay, PSD2),
/// by the method and path its one definition declares, is a route the sandbox serves. The
/// paths are written twice (`operations!` in core, the sandbox's routers); this holds them
/// together. (MobilePay's flows are made of these operations and send nothing of their own.)
#[tokio::test]
async fn the_sandbox_serves_every_operation_of_the_sdk() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let base = sandbox.url();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let mut no_route = BTreeMap::new();
    let mut problems = Vec::new();
    let mut probed = BTreeMap::new();
    for api in ["gateway", "mobilepay", "psd2"] {
        let table = sdk::table(api).expect("an API of the SDK");
        for shape in &table {
            let method = shape.info.method.clone();
            if !no_route.contains_key(&method) {
                let answer = no_route_answer(&client, &base, &method).await;
                no_route.insert(method.clone(), answer);
            }
            // A request of the operation's form, every parameter a placeholder.
            let operation: TextOperation = serde_json::from_value(
                serde_json::json!({"method": method, "path": shape.info.path}),
            )
            .expect("a probe");
            let response = probe(&client, &base, &operation)
                .send()
                .await
                .expect("the sandbox answers");
            let status = response.status().as_u16();
            let body = comparable(response).await;
            *probed.entry(api).or_insert(0) += 1;
            let at = format!(
                "{api}: `{}` ({method} {})",
                shape.info.name, shape.info.path
            );
            if status == 405 {
                problems.push(format!("{at}: 405, the sandbox does not serve this method"));
            } else if (status, &body) == (no_route[&method].0, &no_route[&method].1) {
                problems.push(format!("{at}: {status}, the sandbox has no such route"));
            }
        }
    }
    // Every table was walked, each whole.
    for api in ["gateway", "mobilepay", "psd2"] {
        assert_eq!(
            probed.get(api).copied().unwrap_or(0),
            sdk::table(api).unwrap().len(),
            "{api}"
        );
        assert!(probed[api] > 0, "{api} has operations");
    }
    report("the sandbox against the SDK's operation tables", problems);
    sandbox.stop().await;
}
