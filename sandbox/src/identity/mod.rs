//! Identity: partner OAuth tokens and merchant sessions (`/api/v1/...`), and the [`Merchant`]
//! extractor through which every business call is authenticated.

mod auth;
pub(crate) mod grants;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub(crate) use auth::Merchant;

use crate::extract::{JsonBody, form_pairs, media_type};
use crate::problem::Problem;
use crate::seed;
use crate::state::SandboxState;
use auth::PartnerToken;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/api/v1/oauth/token", post(issue_token))
        .route("/api/v1/auth/session", post(open_session))
}

/// An RFC 6749 §5.2 error: the token endpoint speaks OAuth, not problem details.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (status, Json(body)).into_response()
}

async fn issue_token(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if media_type(&headers).as_deref() != Some("application/x-www-form-urlencoded") {
        return Problem::unsupported_media_type(
            "The token request must be form-encoded (application/x-www-form-urlencoded).",
        )
        .into_response();
    }
    let form = form_pairs(&body);
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();

    match field("grant_type") {
        "client_credentials" => {}
        "" => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The grant_type parameter is missing.",
            );
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only the client_credentials grant is supported.",
            );
        }
    }
    if !seed::is_partner(field("client_id"), field("client_secret")) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed: unknown client_id or wrong client_secret.",
        );
    }
    let scope = match field("scope") {
        "" => seed::DEFAULT_SCOPE,
        requested => requested,
    };

    let (token, lifetime) = state.with(|s| s.identity.issue_token());
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": scope,
    });
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
    (no_store, Json(body)).into_response()
}

#[derive(Deserialize)]
struct SessionRequest {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

async fn open_session(
    State(state): State<SandboxState>,
    _token: PartnerToken,
    JsonBody(request): JsonBody<SessionRequest>,
) -> Result<Json<serde_json::Value>, Problem> {
    let client_id = request.client_id.unwrap_or_default();
    let client_secret = request.client_secret.unwrap_or_default();

    let missing: Vec<_> = [("client_id", &client_id), ("client_secret", &client_secret)]
        .into_iter()
        .filter(|(_, value)| value.is_empty())
        .collect();
    if !missing.is_empty() {
        let problem = missing
            .into_iter()
            .fold(Problem::new(StatusCode::BAD_REQUEST), |p, (field, _)| {
                p.with_error(field, format!("The {field} field is required."))
            });
        return Err(problem);
    }
    if !seed::is_merchant(&client_id, &client_secret) {
        return Err(Problem::bad_request(
            "The merchant credentials are not valid (client_id / client_secret).",
        ));
    }

    let (session, lifetime) = state.with(|s| s.identity.open_session(&client_id));
    Ok(Json(json!({
        "session": session,
        "expires_in": lifetime.as_secs(),
    })))
}
