use mypos_sandbox::seed;
use serde_json::{Value, json};

use crate::common::{Api, problem};

const GOOD: [(&str, &str); 3] = [
    ("grant_type", "client_credentials"),
    ("client_id", seed::CLIENT_ID),
    ("client_secret", seed::CLIENT_SECRET),
];

#[tokio::test]
async fn issues_a_bearer_token() {
    let api = Api::start().await;
    let response = api.token_response(&GOOD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], seed::DEFAULT_SCOPE);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "looks like a JWT: {token}");
    assert_ne!(token, api.token().await, "tokens are random");
}

#[tokio::test]
async fn echoes_a_requested_scope() {
    let api = Api::start().await;
    let mut form = GOOD.to_vec();
    form.push(("scope", "banking epos"));
    let body: Value = api.token_response(&form).await.json().await.unwrap();
    assert_eq!(body["scope"], "banking epos");
}

/// A token form with the given fields; `None` leaves the field out.
fn form<'a>(grant: Option<&'a str>, id: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("client_id", id), ("client_secret", secret)];
    form.extend(grant.map(|g| ("grant_type", g)));
    form
}

#[tokio::test]
async fn token_errors_speak_oauth() {
    let api = Api::start().await;
    let (id, secret, grant) = (
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        Some("client_credentials"),
    );
    let cases = [
        (form(grant, id, "nope"), 401, "invalid_client"),
        (form(grant, "client_other", secret), 401, "invalid_client"),
        (form(grant, "", ""), 401, "invalid_client"),
        (form(None, id, secret), 400, "invalid_request"),
        (
            form(Some("password"), id, secret),
            400,
            "unsupported_grant_type",
        ),
    ];
    for (form, status, error) in cases {
        let response = api.token_response(&form).await;
        assert_eq!(response.status(), status, "{form:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], error);
        assert!(body["error_description"].is_string());
    }
    assert_eq!(api.sandbox.stats().oauth_tokens_issued, 0);
}

#[tokio::test]
async fn token_needs_a_form_body() {
    let api = Api::start().await;
    let response = api
        .http
        .post(api.url("/api/v1/oauth/token"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
}

#[tokio::test]
async fn opens_a_session_for_any_cli_sec_pair() {
    let api = Api::start().await;
    let token = api.token().await;
    for name in ["sandbox", "alice", "bench_0042"] {
        let credentials =
            json!({"client_id": format!("cli_{name}"), "client_secret": format!("sec_{name}")});
        let response = api.session_response(&token, credentials).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert!(!body["session"].as_str().unwrap().is_empty());
        assert_eq!(body["expires_in"], 300);
    }
    assert_eq!(api.sandbox.stats().sessions_issued, 3);
}

#[tokio::test]
async fn session_rejects_wrong_merchant_credentials() {
    let api = Api::start().await;
    let token = api.token().await;
    for (id, secret) in [
        ("cli_alice", "sec_bob"),
        ("cli_sandbox", "secret_sandbox"),
        ("merchant", "sec_merchant"),
    ] {
        let response = api
            .session_response(&token, json!({"client_id": id, "client_secret": secret}))
            .await;
        let body = problem(response, 400).await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("merchant credentials are not valid")
        );
    }
}

#[tokio::test]
async fn session_lists_missing_fields() {
    let api = Api::start().await;
    let token = api.token().await;
    let response = api
        .session_response(&token, json!({"client_secret": "sec_x"}))
        .await;
    let body = problem(response, 400).await;
    assert_eq!(
        body["errors"],
        json!({"client_id": ["The client_id field is required."]})
    );

    let response = api.session_response(&token, json!({})).await;
    let body = problem(response, 400).await;
    assert_eq!(body["errors"].as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn session_needs_a_live_bearer_token() {
    let api = Api::start().await;
    let credentials = json!({"client_id": seed::MERCHANT_CLIENT_ID, "client_secret": seed::MERCHANT_CLIENT_SECRET});

    let response = api
        .http
        .post(api.url("/api/v1/auth/session"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    problem(response, 401).await;

    let response = api
        .session_response("not-a-token", credentials.clone())
        .await;
    let body = problem(response, 401).await;
    assert_eq!(body["detail"], "The access token is not valid.");

    let token = api.token().await;
    api.sandbox.expire_tokens();
    let response = api.session_response(&token, credentials).await;
    let body = problem(response, 401).await;
    assert_eq!(body["detail"], "The access token has expired.");
}

#[tokio::test]
async fn session_needs_a_json_body() {
    let api = Api::start().await;
    let token = api.token().await;
    let response = api
        .http
        .post(api.url("/api/v1/auth/session"))
        .bearer_auth(&token)
        .form(&[("client_id", "cli_a"), ("client_secret", "sec_a")])
        .send()
        .await
        .unwrap();
    problem(response, 415).await;

    // The gateway's own content type, with its version parameter, is JSON too.
    let response = api
        .http
        .post(api.url("/api/v1/auth/session"))
        .bearer_auth(&token)
        .header("content-type", "application/json; x-api-version=1")
        .body(r#"{"client_id":"cli_a","client_secret":"sec_a"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
