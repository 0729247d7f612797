//! The ceiling: plain reqwest fetching a token and a session once, then sending the same GET with
//! the same fixed headers over and over, reading the body and nothing more.

use std::sync::Arc;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use serde_json::{Value, json};

use crate::Setup;
use crate::cell::Call;

/// A call of `path` with the headers of one live token and session.
pub async fn call(setup: &Setup, path: &str) -> Result<Call, String> {
    let http = reqwest::Client::new();
    let token = post_json(
        http.post(format!("{}/api/v1/oauth/token", setup.url))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "client_sandbox"),
                ("client_secret", "secret_sandbox"),
            ]),
    )
    .await?["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_string();
    let session = post_json(
        http.post(format!("{}/api/v1/auth/session", setup.url))
            .bearer_auth(&token)
            .json(&json!({ "client_id": setup.merchant, "client_secret": setup.secret })),
    )
    .await?["session"]
        .as_str()
        .ok_or("no session")?
        .to_string();

    let mut headers = HeaderMap::new();
    let value = |s: &str| HeaderValue::from_str(s).map_err(|e| e.to_string());
    headers.insert(AUTHORIZATION, value(&format!("Bearer {token}"))?);
    headers.insert("x-session", value(&session)?);
    headers.insert("x-partner-id", value(crate::PARTNER_ID)?);
    headers.insert("x-application-id", value(crate::APPLICATION_ID)?);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static("mypos-bench/raw"));
    let url = reqwest::Url::parse(&format!("{}{path}", setup.url)).map_err(|e| e.to_string())?;

    let headers = Arc::new(headers);
    Ok(Arc::new(move || {
        let request = http.get(url.clone()).headers((*headers).clone());
        Box::pin(async move {
            let response = request.send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("HTTP {}", response.status()));
            }
            response.bytes().await.map_err(|e| e.to_string())?;
            Ok(())
        })
    }))
}

async fn post_json(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {body}"));
    }
    Ok(body)
}
