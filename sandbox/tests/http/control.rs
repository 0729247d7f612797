use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, problem};

#[tokio::test]
async fn health_is_ok() {
    let api = Api::start().await;
    let body: Value = api
        .http
        .get(api.url("/_sandbox/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn logs_gateway_requests_without_secrets() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let response = api
        .business(
            Method::GET,
            "/accounting/v1/accounts?page=1&size=2",
            &token,
            &session,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Control calls are not logged.
    api.http
        .get(api.url("/_sandbox/stats"))
        .send()
        .await
        .unwrap();

    let body: Value = api
        .http
        .get(api.url("/_sandbox/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = body["requests"].as_array().unwrap();
    let paths: Vec<_> = requests
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/oauth/token",
            "/api/v1/auth/session",
            "/accounting/v1/accounts"
        ]
    );
    let seqs: Vec<_> = requests
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3]);

    let last = &requests[2];
    assert_eq!(last["method"], "GET");
    assert_eq!(last["query"], "page=1&size=2");
    assert_eq!(last["status"], 200);
    assert_eq!(last["headers"]["authorization"], "<redacted>");
    assert_eq!(last["headers"]["x-session"], "<redacted>");
    assert_eq!(
        last["headers"]["x-partner-id"],
        mypos_sandbox::seed::PARTNER_ID
    );
    let text = body.to_string();
    assert!(
        !text.contains(&token) && !text.contains(&session),
        "no secrets in the log"
    );
    assert_eq!(requests[0]["query"], Value::Null);

    // The same log through the Rust API, and filtered over HTTP.
    assert_eq!(api.sandbox.requests().len(), 3);
    assert_eq!(api.sandbox.count("POST", "/api/v1/oauth/token"), 1);
    assert_eq!(api.sandbox.count("GET", "/accounting/v1/accounts"), 1);
    assert_eq!(
        api.sandbox
            .count("GET", "/accounting/v1/accounts?page=1&size=2"),
        0
    );
    let filtered: Value = api
        .http
        .get(api.url("/_sandbox/requests?method=post&path=/api/v1/auth/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["requests"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn clears_the_log_and_keeps_counting() {
    let api = Api::start().await;
    api.token().await;
    let response = api
        .http
        .delete(api.url("/_sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(api.sandbox.requests().is_empty());
    api.token().await;
    let requests = api.sandbox.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].seq, 2, "sequence numbers survive a clear");
    api.sandbox.clear_requests();
    assert_eq!(api.sandbox.count("POST", "/api/v1/oauth/token"), 0);
}

#[tokio::test]
async fn reports_stats() {
    let api = Api::start().await;
    let token = api.token().await;
    api.session(&token, "a").await;
    api.session(&token, "b").await;
    let stats: Value = api
        .http
        .get(api.url("/_sandbox/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats,
        json!({"oauth_tokens_issued": 1, "sessions_issued": 2, "requests": 3})
    );
}

#[tokio::test]
async fn expires_grants_over_http() {
    let api = Api::start().await;
    let (token, session) = api.login().await;
    let call = || {
        api.business(Method::GET, "/accounting/v1/accounts", &token, &session)
            .send()
    };

    let expire = |body: Value| {
        api.http
            .post(api.url("/_sandbox/expire"))
            .json(&body)
            .send()
    };
    assert_eq!(
        expire(json!({"tokens": false, "sessions": true}))
            .await
            .unwrap()
            .status(),
        204
    );
    let body = problem(call().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The session has expired.");

    assert_eq!(expire(json!({"tokens": true})).await.unwrap().status(), 204);
    let body = problem(call().await.unwrap(), 401).await;
    assert_eq!(body["detail"], "The access token has expired.");
}

#[tokio::test]
async fn sets_lifetimes_over_http() {
    let api = Api::start().await;
    let response = api
        .http
        .put(api.url("/_sandbox/lifetimes"))
        .json(&json!({"token_lifetime_secs": 2, "session_lifetime_secs": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    let token = api.token().await;
    let body: Value = api
        .session_response(
            &token,
            json!({"client_id": "cli_a", "client_secret": "sec_a"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["expires_in"], 0);
    let session = body["session"].as_str().unwrap();
    let response = api
        .business(Method::GET, "/accounting/v1/accounts", &token, session)
        .send()
        .await
        .unwrap();
    let body = problem(response, 401).await;
    assert_eq!(body["detail"], "The session has expired.");
}

#[tokio::test]
async fn control_bodies_are_json() {
    let api = Api::start().await;
    let response = api
        .http
        .post(api.url("/_sandbox/expire"))
        .body("tokens")
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
    let response = api
        .http
        .put(api.url("/_sandbox/lifetimes"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert!(body["errors"]["body"][0].is_string());
}

/// A page in a browser that rebinds its own name to 127.0.0.1 reaches the sandbox with its
/// own `Host`: the control API answers only loopback names, unless the guard is turned off.
#[tokio::test]
async fn the_control_api_answers_only_loopback_host_names() {
    let sandbox = mypos_sandbox::Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let status = |host: &'static str| {
        let request = http
            .get(format!("{}/_sandbox/faults", sandbox.url()))
            .header("Host", host);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status("attacker.example").await, 403);
    assert_eq!(status("attacker.example:8080").await, 403);
    assert_eq!(status("localhost").await, 200);
    assert_eq!(status("127.0.0.1:1234").await, 200);
    assert_eq!(status("[::1]:1234").await, 200);

    let open = mypos_sandbox::Sandbox::start_with(mypos_sandbox::SandboxConfig {
        control_loopback_only: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let answer = http
        .get(format!("{}/_sandbox/faults", open.url()))
        .header("Host", "sandbox.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// The request log keeps the newest `max_logged_requests` entries.
#[tokio::test]
async fn the_request_log_is_bounded() {
    let sandbox = mypos_sandbox::Sandbox::start_with(mypos_sandbox::SandboxConfig {
        max_logged_requests: 3,
        ..Default::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    for i in 0..5 {
        http.get(format!("{}/nowhere/{i}", sandbox.url()))
            .send()
            .await
            .unwrap();
    }
    let paths: Vec<_> = sandbox.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/nowhere/2", "/nowhere/3", "/nowhere/4"]);
}
