//! `/_sandbox/psd2/...`: what a test drives on the account holder's and the bank's side.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::JsonBody;
use crate::state::SandboxState;

/// Routes relative to `/_sandbox/psd2`.
pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/", get(summary))
        .route("/settings", put(settings))
        .route("/clock", post(clock))
        .route("/consents/{id}/revoke", post(revoke))
        .route("/tokens/expire", post(expire_tokens))
        .route("/tokens/revoke", post(revoke_tokens))
}

async fn summary(State(state): State<SandboxState>) -> Json<Value> {
    state.with(|s| {
        Json(json!({
            "client_id": super::credentials::CLIENT_ID,
            "psu_id": super::credentials::DEFAULT_PSU,
            "today": s.psd2.today().to_string(),
            "consents": s.psd2.consents.len(),
            "payments": s.psd2.payments.len(),
        }))
    })
}

/// Any field may be left out to keep that setting.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    access_token_lifetime_secs: Option<u64>,
    execution_delay_ms: Option<u64>,
    /// `tpp_messages` (default) or `problem`.
    error_style: Option<String>,
}

async fn settings(
    State(state): State<SandboxState>,
    JsonBody(body): JsonBody<Settings>,
) -> StatusCode {
    state.with(|s| {
        if let Some(secs) = body.access_token_lifetime_secs {
            s.psd2.access_token_lifetime = Duration::from_secs(secs);
        }
        if let Some(ms) = body.execution_delay_ms {
            s.psd2.execution_delay = Duration::from_millis(ms);
        }
        match body.error_style.as_deref() {
            Some("problem") => s.psd2.problem_errors = true,
            Some(_) => s.psd2.problem_errors = false,
            None => {}
        }
    });
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Clock {
    advance_days: i64,
}

/// Moves the sandbox's date forward (consents expire after `validUntil`).
async fn clock(State(state): State<SandboxState>, JsonBody(body): JsonBody<Clock>) -> Json<Value> {
    state.with(|s| {
        s.psd2.day_offset += body.advance_days;
        Json(json!({ "today": s.psd2.today().to_string() }))
    })
}

/// The holder revokes a consent at the bank: `revokedByPsu`, its refresh tokens revoked.
async fn revoke(State(state): State<SandboxState>, Path(id): Path<String>) -> StatusCode {
    if state.with(|s| super::consents::revoke(&mut s.psd2, &id)) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn expire_tokens(State(state): State<SandboxState>) -> StatusCode {
    state.with(|s| s.psd2.oauth.expire_access_tokens());
    StatusCode::NO_CONTENT
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Revoke {
    psu_id: Option<String>,
}

/// Revokes refresh tokens: of one holder, or all.
async fn revoke_tokens(State(state): State<SandboxState>, body: axum::body::Bytes) -> Json<Value> {
    let psu = serde_json::from_slice::<Revoke>(&body)
        .unwrap_or_default()
        .psu_id;
    let revoked = state.with(|s| s.psd2.oauth.revoke_refresh_tokens(psu.as_deref()));
    Json(json!({ "revoked": revoked }))
}
