use mypos_sandbox::{Sandbox, seed};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;

pub fn client() -> Client {
    // The workspace reqwest brings no TLS provider of its own; plain http needs none, but the
    // client builder still wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

/// A running sandbox plus an HTTP client aimed at it.
pub struct Api {
    pub sandbox: Sandbox,
    pub http: Client,
}

impl Api {
    pub async fn start() -> Api {
        Api {
            sandbox: Sandbox::start().await.expect("sandbox starts"),
            http: client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    pub async fn token_response(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("/api/v1/oauth/token"))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self) -> String {
        let response = self
            .token_response(&[
                ("grant_type", "client_credentials"),
                ("client_id", seed::CLIENT_ID),
                ("client_secret", seed::CLIENT_SECRET),
            ])
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn session_response(&self, token: &str, body: Value) -> Response {
        self.http
            .post(self.url("/api/v1/auth/session"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A session for merchant `cli_<name>`.
    pub async fn session(&self, token: &str, name: &str) -> String {
        let credentials = serde_json::json!({
            "client_id": format!("cli_{name}"),
            "client_secret": format!("sec_{name}"),
        });
        let response = self.session_response(token, credentials).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["session"].as_str().unwrap().to_owned()
    }

    /// A business request with all four headers.
    pub fn business(
        &self,
        method: Method,
        path: &str,
        token: &str,
        session: &str,
    ) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(token)
            .header("X-Session", session)
            .header("X-Partner-Id", seed::PARTNER_ID)
            .header("X-Application-Id", seed::APPLICATION_ID)
    }

    /// Token + session for `cli_sandbox`.
    pub async fn login(&self) -> (String, String) {
        let token = self.token().await;
        let session = self.session(&token, "sandbox").await;
        (token, session)
    }
}

/// Asserts a problem-details response and returns its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "{body}"
    );
    body
}
