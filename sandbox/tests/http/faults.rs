//! Fault injection over real HTTP: each kind as a client sees it, matching, counting, logging.

use std::time::{Duration, Instant};

use mypos_sandbox::{Fault, seed};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::common::{Api, client, problem};

const ACCOUNTS: &str = "/accounting/v1/accounts";
const TOKEN: &str = "/api/v1/oauth/token";

impl Api {
    async fn inject(&self, fault: Value) -> Response {
        self.http
            .post(self.url("/_sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
    }

    async fn inject_ok(&self, fault: Value) -> u64 {
        let response = self.inject(fault).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["id"].as_u64().unwrap()
    }

    async fn pending(&self) -> Vec<Value> {
        let body: Value = self
            .http
            .get(self.url("/_sandbox/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["faults"].as_array().unwrap().clone()
    }

    async fn accounts(&self, token: &str, session: &str) -> reqwest::Result<Response> {
        self.business(Method::GET, ACCOUNTS, token, session)
            .send()
            .await
    }

    async fn token_request(&self) -> reqwest::Result<Response> {
        self.http
            .post(self.url(TOKEN))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", seed::CLIENT_ID),
                ("client_secret", seed::CLIENT_SECRET),
            ])
            .send()
            .await
    }

    fn tokens_issued(&self) -> u64 {
        self.sandbox.stats().oauth_tokens_issued
    }

    /// The statuses logged for this method and path, oldest first.
    fn logged(&self, method: &str, path: &str) -> Vec<u16> {
        self.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .map(|r| r.status)
            .collect()
    }
}

/// The error a connection closed before the answer gives: a transport error ("connection
/// closed before message completed"), not a timeout or an HTTP status.
fn assert_connection_error(error: &reqwest::Error) {
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.status().is_none(), "{error:?}");
    assert!(error.is_request(), "{error:?}");
    assert!(
        format!("{error:?}").contains("IncompleteMessage"),
        "{error:?}"
    );
}

#[tokio::test]
async fn status_fault_answers_problem_details_with_headers_count_times() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let id = api
        .inject_ok(
            json!({"path": ACCOUNTS, "method": "GET", "count": 2, "kind": "status",
                          "status": 503, "headers": {"Retry-After": "2"}}),
        )
        .await;
    assert_eq!(id, 1);

    for _ in 0..2 {
        let response = api.accounts(&token, &session).await.unwrap();
        assert_eq!(response.headers()["retry-after"], "2");
        let body = problem(response, 503).await;
        assert_eq!(body["title"], "Service Unavailable");
        assert!(body["detail"].is_string(), "{body}");
    }
    let response = api.accounts(&token, &session).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(api.pending().await.is_empty());
    assert_eq!(api.logged("GET", ACCOUNTS), [503, 503, 200]);
}

#[tokio::test]
async fn status_fault_serves_a_custom_json_body_without_running_the_handler() {
    let api = Api::start().await;
    api.inject_ok(json!({"path": TOKEN, "kind": "status", "status": 429,
                         "body": {"error": "slow_down"}}))
        .await;
    let response = api.token_request().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"error": "slow_down"}));
    assert_eq!(api.tokens_issued(), 0);
    assert_eq!(api.logged("POST", TOKEN), [429]);
}

#[tokio::test]
async fn method_and_prefix_matching() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    // Wrong method: never applies, stays pending.
    api.inject_ok(json!({"path": ACCOUNTS, "method": "POST", "kind": "status", "status": 500}))
        .await;
    // Exact path that does not match a longer one.
    api.inject_ok(json!({"path": "/accounting/v1", "kind": "status", "status": 500}))
        .await;
    assert_eq!(api.accounts(&token, &session).await.unwrap().status(), 200);

    // A prefix, any method: hits the next request under it, whatever the family.
    api.inject_ok(json!({"path": "/accounting/*", "kind": "status", "status": 502}))
        .await;
    assert_eq!(api.accounts(&token, &session).await.unwrap().status(), 502);
    assert_eq!(api.accounts(&token, &session).await.unwrap().status(), 200);
    // Unknown paths under the prefix are faulted too.
    api.inject_ok(json!({"path": "/accounting/*", "kind": "status", "status": 502}))
        .await;
    let response = api.http.get(api.url("/accounting/v9/nothing")).send().await;
    assert_eq!(response.unwrap().status(), 502);

    let pending = api.pending().await;
    let paths: Vec<_> = pending.iter().map(|f| f["path"].clone()).collect();
    assert_eq!(paths, [json!(ACCOUNTS), json!("/accounting/v1")]);
}

#[tokio::test]
async fn control_paths_are_never_faulted() {
    let api = Api::start().await;
    api.inject_ok(json!({"path": "/*", "count": 5, "kind": "drop_before_headers"}))
        .await;
    let health = api.http.get(api.url("/_sandbox/health")).send().await;
    assert_eq!(health.unwrap().status(), 200);
    assert_eq!(api.pending().await[0]["count"], 5);

    let response = api
        .inject(json!({"path": "/_sandbox/health", "kind": "status", "status": 500}))
        .await;
    let body = problem(response, 400).await;
    assert!(body["errors"]["path"].is_array(), "{body}");
}

#[tokio::test]
async fn invalid_faults_are_refused() {
    let api = Api::start().await;
    for (fault, field) in [
        (
            json!({"path": ACCOUNTS, "kind": "status", "status": 42}),
            "status",
        ),
        (
            json!({"path": ACCOUNTS, "count": 0, "kind": "delay", "delay_ms": 1}),
            "count",
        ),
        (json!({"path": "accounts", "kind": "html"}), "path"),
        (json!({"path": ACCOUNTS, "kind": "teapot"}), "body"),
        (json!({"path": ACCOUNTS, "kind": "delay"}), "body"),
    ] {
        let body = problem(api.inject(fault.clone()).await, 400).await;
        assert!(body["errors"][field].is_array(), "{fault} -> {body}");
    }
    assert!(api.pending().await.is_empty());
}

#[tokio::test]
async fn list_and_clear() {
    let api = Api::start().await;
    let first = api
        .inject_ok(json!({"path": ACCOUNTS, "count": 3, "kind": "malformed_json"}))
        .await;
    let second = api
        .inject_ok(
            json!({"path": TOKEN, "method": "POST", "kind": "drop_before_headers",
                          "after_handler": true}),
        )
        .await;
    assert_eq!((first, second), (1, 2));
    assert_eq!(
        api.pending().await,
        [
            json!({"id": 1, "path": ACCOUNTS, "count": 3, "kind": "malformed_json"}),
            json!({"id": 2, "path": TOKEN, "method": "POST", "count": 1,
                   "kind": "drop_before_headers", "after_handler": true}),
        ]
    );

    let response = api
        .http
        .delete(api.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(api.pending().await.is_empty());
    assert_eq!(api.token_request().await.unwrap().status(), 200);
    // Ids keep counting.
    let third = api
        .inject_ok(json!({"path": ACCOUNTS, "kind": "truncated_body"}))
        .await;
    assert_eq!(third, 3);
}

#[tokio::test]
async fn delay_runs_the_handler_then_answers_late() {
    let api = Api::start().await;
    api.inject_ok(json!({"path": TOKEN, "kind": "delay", "delay_ms": 400}))
        .await;
    let started = Instant::now();
    let error = api
        .http
        .post(api.url(TOKEN))
        .timeout(Duration::from_millis(100))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(400));
    // The client gave up, but the token was issued and the request logged at once.
    assert_eq!(api.tokens_issued(), 1);
    assert_eq!(api.logged("POST", TOKEN), [200]);

    // A patient client gets the real answer.
    api.inject_ok(json!({"path": TOKEN, "kind": "delay", "delay_ms": 300}))
        .await;
    let started = Instant::now();
    let response = api.token_request().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].is_string());
    assert_eq!(api.tokens_issued(), 2);
}

#[tokio::test]
async fn drop_before_headers_closes_the_connection_without_running_the_handler() {
    let api = Api::start().await;
    api.inject_ok(json!({"path": TOKEN, "kind": "drop_before_headers"}))
        .await;
    let error = api.token_request().await.unwrap_err();
    assert_connection_error(&error);
    assert_eq!(api.tokens_issued(), 0);
    assert_eq!(api.logged("POST", TOKEN), [0]);
    // The next request is served normally.
    assert_eq!(api.token_request().await.unwrap().status(), 200);
    assert_eq!(api.logged("POST", TOKEN), [0, 200]);
}

#[tokio::test]
async fn drop_before_headers_after_handler_loses_a_done_answer() {
    let api = Api::start().await;
    api.inject_ok(json!({"path": TOKEN, "kind": "drop_before_headers", "after_handler": true}))
        .await;
    let error = api.token_request().await.unwrap_err();
    assert_connection_error(&error);
    // The token was issued; the client never heard of it.
    assert_eq!(api.tokens_issued(), 1);
    assert_eq!(api.logged("POST", TOKEN), [0]);
}

#[tokio::test]
async fn drop_after_headers_sends_the_head_and_breaks_the_body() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    api.inject_ok(json!({"path": ACCOUNTS, "kind": "drop_after_headers"}))
        .await;
    let response = api.accounts(&token, &session).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let announced = response.content_length().unwrap();
    assert!(announced > 0);
    // hyper notices the connection closed before the announced length arrived.
    let error = response.bytes().await.unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
    assert!(format!("{error:?}").contains("IncompleteBody"), "{error:?}");
    assert_eq!(api.logged("GET", ACCOUNTS), [200]);

    // The handler ran: a token request broken this way still issued the token.
    api.inject_ok(json!({"path": TOKEN, "kind": "drop_after_headers"}))
        .await;
    let response = api.token_request().await.unwrap();
    assert!(response.json::<Value>().await.is_err());
    assert_eq!(api.tokens_issued(), 2);
}

#[tokio::test]
async fn malformed_json_is_not_json() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    api.inject_ok(json!({"path": ACCOUNTS, "kind": "malformed_json"}))
        .await;
    let response = api.accounts(&token, &session).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(api.logged("GET", ACCOUNTS), [200]);
}

#[tokio::test]
async fn html_is_a_proxy_error_page() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    api.inject_ok(json!({"path": ACCOUNTS, "kind": "html"}))
        .await;
    api.inject_ok(json!({"path": ACCOUNTS, "kind": "html", "status": 504}))
        .await;
    for status in [502, 504] {
        let response = api.accounts(&token, &session).await.unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(response.headers()["content-type"], "text/html");
        let text = response.text().await.unwrap();
        assert!(text.starts_with("<html>"), "{text}");
        assert!(text.contains(&status.to_string()), "{text}");
    }
    assert_eq!(api.logged("GET", ACCOUNTS), [502, 504]);
}

#[tokio::test]
async fn truncated_body_is_cut_json_with_a_matching_length() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    api.inject_ok(json!({"path": ACCOUNTS, "kind": "truncated_body"}))
        .await;
    let response = api.accounts(&token, &session).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let announced = response.content_length().unwrap();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, announced);
    assert!(bytes.starts_with(b"{\"items\": [{"));
    let error = serde_json::from_slice::<Value>(&bytes).unwrap_err();
    assert!(error.is_eof(), "{error}");
}

#[tokio::test]
async fn expire_session_makes_the_client_refresh() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    api.inject_ok(json!({"path": ACCOUNTS, "method": "GET", "kind": "expire_session"}))
        .await;
    problem(api.accounts(&token, &session).await.unwrap(), 401).await;
    // The old session stays expired; a new one works.
    problem(api.accounts(&token, &session).await.unwrap(), 401).await;
    let session = api.session(&token, "sandbox").await;
    assert_eq!(api.accounts(&token, &session).await.unwrap().status(), 200);
    assert_eq!(api.logged("GET", ACCOUNTS), [401, 401, 200]);
}

#[tokio::test]
async fn rust_api_injects_lists_and_clears() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let id = api.sandbox.inject(
        Fault::status(ACCOUNTS, 503)
            .times(2)
            .header("Retry-After", "1"),
    );
    let lost = api.sandbox.inject(
        Fault::drop_before_headers(TOKEN)
            .method("POST")
            .after_handler(),
    );
    assert_eq!((id, lost), (1, 2));
    assert_eq!(api.sandbox.faults().len(), 2);
    assert_eq!(api.sandbox.state().faults()[0].fault.count, 2);

    let response = api.accounts(&token, &session).await.unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    problem(response, 503).await;
    assert_eq!(api.sandbox.faults()[0].fault.count, 1);

    api.sandbox.clear_faults();
    assert!(api.sandbox.faults().is_empty());
    assert_eq!(api.accounts(&token, &session).await.unwrap().status(), 200);
    assert_eq!(api.token_request().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_fresh_client_recovers_after_a_drop() {
    // A dropped connection must not poison the next request on a new client either.
    let api = Api::start().await;
    api.sandbox.inject(Fault::drop_before_headers("/api/*"));
    assert!(api.token_request().await.is_err());
    let other = client();
    let response = other
        .post(api.url(TOKEN))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", seed::CLIENT_ID),
            ("client_secret", seed::CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
