//! The control API under `/_sandbox/`: what the Python and Node test helpers use over HTTP.
//! These requests are not logged and need no credentials.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::JsonBody;
use crate::faults;
use crate::state::{SandboxState, Stats};

/// Middleware on the control routes: refuses a `Host` that is not a loopback name (unless the
/// sandbox was configured to allow it), so a web page whose name was rebound to the sandbox's
/// address cannot drive it from a browser.
pub(crate) async fn loopback_host_only(
    State(state): State<SandboxState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let guarded = state.with(|s| s.control_loopback_only);
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if guarded && !is_loopback_host(host) {
        return crate::problem::Problem::new(StatusCode::FORBIDDEN)
            .with_detail("The control API answers only requests to localhost, 127.0.0.1 or [::1].")
            .into_response();
    }
    next.run(request).await
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Routes relative to `/_sandbox`.
pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/health", get(health))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/stats", get(stats))
        .route("/expire", post(expire))
        .route("/lifetimes", put(lifetimes))
        .route(
            "/faults",
            get(faults::list).post(faults::create).delete(faults::clear),
        )
        .merge(crate::terminal::control_router())
        .merge(crate::mobilepay::control_router())
        .nest("/psd2", crate::psd2::control::router())
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Optional filters for `GET /_sandbox/requests`, matched like [`crate::Sandbox::count`].
#[derive(Deserialize)]
struct RequestFilter {
    method: Option<String>,
    path: Option<String>,
}

async fn requests(
    State(state): State<SandboxState>,
    Query(filter): Query<RequestFilter>,
) -> Json<Value> {
    let mut requests = state.requests();
    requests.retain(|r| {
        filter
            .method
            .as_deref()
            .is_none_or(|m| r.method.eq_ignore_ascii_case(m))
            && filter.path.as_deref().is_none_or(|p| r.path == p)
    });
    Json(json!({ "requests": requests }))
}

async fn clear_requests(State(state): State<SandboxState>) -> StatusCode {
    state.clear_requests();
    StatusCode::NO_CONTENT
}

async fn stats(State(state): State<SandboxState>) -> Json<Stats> {
    Json(state.stats())
}

#[derive(Deserialize)]
struct Expire {
    #[serde(default)]
    tokens: bool,
    #[serde(default)]
    sessions: bool,
}

async fn expire(State(state): State<SandboxState>, JsonBody(body): JsonBody<Expire>) -> StatusCode {
    if body.tokens {
        state.expire_tokens();
    }
    if body.sessions {
        state.expire_sessions();
    }
    StatusCode::NO_CONTENT
}

/// Either field may be left out to keep that lifetime.
#[derive(Deserialize)]
struct Lifetimes {
    token_lifetime_secs: Option<u64>,
    session_lifetime_secs: Option<u64>,
}

async fn lifetimes(
    State(state): State<SandboxState>,
    JsonBody(body): JsonBody<Lifetimes>,
) -> StatusCode {
    state.with(|s| {
        if let Some(secs) = body.token_lifetime_secs {
            s.identity.set_token_lifetime(Duration::from_secs(secs));
        }
        if let Some(secs) = body.session_lifetime_secs {
            s.identity.set_session_lifetime(Duration::from_secs(secs));
        }
    });
    StatusCode::NO_CONTENT
}
