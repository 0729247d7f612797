use std::time::Duration;

use mypos_sandbox::seed;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, problem};

const ACCOUNTS: &str = "/accounting/v1/accounts";

#[tokio::test]
async fn lists_the_seeded_accounts() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let response = api
        .business(Method::GET, ACCOUNTS, &token, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["page"], 1);
    assert_eq!(body["page_size"], 20);
    assert_eq!(body["total_count"], 3);
    assert_eq!(body["total_pages"], 1);
    assert_eq!(body["has_previous_page"], false);
    assert_eq!(body["has_next_page"], false);
    let items = body["items"].as_array().unwrap();
    let currencies: Vec<_> = items
        .iter()
        .map(|a| a["currency"].as_str().unwrap())
        .collect();
    assert_eq!(currencies, ["EUR", "GBP", "BGN"]);
    for account in items {
        assert!(account["account_number"].is_string());
        assert!(account["iban"].as_str().unwrap().starts_with("BG"));
        assert!(account["name"].is_string());
        assert!(
            account["balance"].is_f64(),
            "balance is a JSON number: {account}"
        );
        assert_eq!(account["status"], "active");
    }
}

#[tokio::test]
async fn accounts_are_per_merchant_and_deterministic() {
    let api = Api::start().await;
    let token = api.token().await;
    let mut lists = Vec::new();
    for name in ["alice", "bob"] {
        let session = api.session(&token, name).await;
        let response = api
            .business(Method::GET, ACCOUNTS, &token, &session)
            .send()
            .await
            .unwrap();
        lists.push(response.json::<Value>().await.unwrap()["items"].clone());
    }
    assert_ne!(lists[0], lists[1]);

    let other = Api::start().await;
    let token = other.token().await;
    let session = other.session(&token, "alice").await;
    let response = other
        .business(Method::GET, ACCOUNTS, &token, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["items"], lists[0]);
}

#[tokio::test]
async fn pages_through_accounts() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let page = |n: u32| {
        api.business(Method::GET, ACCOUNTS, &token, &session)
            .query(&[("page", n), ("size", 2)])
            .send()
    };
    let first: Value = page(1).await.unwrap().json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        (first["total_pages"].clone(), first["has_next_page"].clone()),
        (json!(2), json!(true))
    );
    let second: Value = page(2).await.unwrap().json().await.unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["has_previous_page"], true);
    assert_eq!(second["has_next_page"], false);
    let beyond: Value = page(3).await.unwrap().json().await.unwrap();
    assert_eq!(beyond["items"], json!([]));
}

#[tokio::test]
async fn rejects_bad_paging() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    for (query, field) in [
        ("size=0", "size"),
        ("size=101", "size"),
        ("size=abc", "size"),
        ("page=0", "page"),
        ("page=-1", "page"),
    ] {
        let response = api
            .business(
                Method::GET,
                &format!("{ACCOUNTS}?{query}"),
                &token,
                &session,
            )
            .send()
            .await
            .unwrap();
        let body = problem(response, 400).await;
        assert!(body["errors"][field][0].is_string(), "{query}: {body}");
    }
    let response = api
        .business(
            Method::GET,
            &format!("{ACCOUNTS}?page=0&size=0"),
            &token,
            &session,
        )
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert_eq!(body["errors"].as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn business_calls_check_all_four_headers() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let url = api.url(ACCOUNTS);
    let get = || api.http.get(&url);

    let body = problem(get().send().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The Authorization header is missing.");

    let no_session = get()
        .bearer_auth(&token)
        .header("X-Partner-Id", seed::PARTNER_ID)
        .header("X-Application-Id", seed::APPLICATION_ID);
    let body = problem(no_session.send().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The X-Session header is missing.");

    let bad_session = api.business(Method::GET, ACCOUNTS, &token, "nope");
    let body = problem(bad_session.send().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The session is not valid.");

    let no_partner = get()
        .bearer_auth(&token)
        .header("X-Session", &session)
        .header("X-Application-Id", seed::APPLICATION_ID);
    let body = problem(no_partner.send().await.unwrap(), 400).await;
    assert!(body["errors"]["X-Partner-Id"][0].is_string(), "{body}");

    let no_app = get()
        .bearer_auth(&token)
        .header("X-Session", &session)
        .header("X-Partner-Id", seed::PARTNER_ID);
    let body = problem(no_app.send().await.unwrap(), 400).await;
    assert!(body["errors"]["X-Application-Id"][0].is_string(), "{body}");

    let wrong_partner = get()
        .bearer_auth(&token)
        .header("X-Session", &session)
        .header("X-Partner-Id", "mps-p-999")
        .header("X-Application-Id", seed::APPLICATION_ID);
    let body = problem(wrong_partner.send().await.unwrap(), 403).await;
    assert!(body["detail"].as_str().unwrap().contains("X-Partner-Id"));

    // Sent twice (the right value and another): refused as well.
    let twice = api
        .business(Method::GET, ACCOUNTS, &token, &session)
        .header("X-Partner-Id", "mps-p-999");
    problem(twice.send().await.unwrap(), 403).await;

    let wrong_app = api
        .business(Method::GET, ACCOUNTS, &token, &session)
        .header("X-Application-Id", "mps-app-999");
    problem(wrong_app.send().await.unwrap(), 403).await;

    // Header names are case-insensitive.
    let lower = get()
        .header("authorization", format!("bearer {token}"))
        .header("x-session", &session)
        .header("x-partner-id", seed::PARTNER_ID)
        .header("x-application-id", seed::APPLICATION_ID);
    assert_eq!(lower.send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn expiry_is_reported_and_fixed_by_new_grants() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let call =
        |token: &str, session: &str| api.business(Method::GET, ACCOUNTS, token, session).send();

    api.sandbox.expire_sessions();
    let body = problem(call(&token, &session).await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The session has expired.");
    let session = api.session(&token, "sandbox").await;
    assert_eq!(call(&token, &session).await.unwrap().status(), 200);

    api.sandbox.expire_tokens();
    let body = problem(call(&token, &session).await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The access token has expired.");
    // A session outlives the token it was opened with.
    let token = api.token().await;
    assert_eq!(call(&token, &session).await.unwrap().status(), 200);
}

#[tokio::test]
async fn short_lifetimes_run_out() {
    let api = Api::start().await;
    api.sandbox
        .set_lifetimes(Duration::ZERO, Duration::from_secs(300));
    let token = api.token().await;
    let credentials = json!({"client_id": "cli_a", "client_secret": "sec_a"});
    let body = problem(api.session_response(&token, credentials).await, 401).await;
    assert_eq!(body["detail"], "The access token has expired.");

    api.sandbox
        .set_lifetimes(Duration::from_secs(60), Duration::from_secs(1));
    let (token, session) = api.login().await;
    let opened = std::time::Instant::now();
    let call = || api.business(Method::GET, ACCOUNTS, &token, &session).send();
    assert_eq!(call().await.unwrap().status(), 200);
    tokio::time::sleep_until((opened + Duration::from_millis(1100)).into()).await;
    let body = problem(call().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The session has expired.");
}

#[tokio::test]
async fn unknown_routes_are_problems() {
    let api = Api::start().await;
    problem(api.http.get(api.url("/nope")).send().await.unwrap(), 404).await;
    problem(
        api.http.delete(api.url(ACCOUNTS)).send().await.unwrap(),
        405,
    )
    .await;
}
