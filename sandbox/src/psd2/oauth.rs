//! `POST /oauth/token` (form-encoded): `client_credentials` for the TPP's own token,
//! `authorization_code` after the holder approved at the SCA page, and `refresh_token`, which
//! rotates the refresh token (the old one stops working). Errors are RFC 6749 §5.2 bodies.

use std::collections::HashMap;
use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use crate::extract::{form_pairs, media_type};
use crate::state::SandboxState;

use super::credentials::{CLIENT_ID, CLIENT_SECRET};
use super::tokens::Subject;
use crate::extract::header;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new().route("/oauth/token", post(token))
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (status, Json(body)).into_response()
}

/// The client's id and secret: HTTP Basic or the form body.
fn client(headers: &HeaderMap, form: &HashMap<String, String>) -> Option<(String, String)> {
    use base64_decode::decode;
    if let Some(basic) = header(headers, "authorization").and_then(|v| v.strip_prefix("Basic ")) {
        let text = String::from_utf8(decode(basic.trim())?).ok()?;
        let (id, secret) = text.split_once(':')?;
        let unescape = |s: &str| {
            form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        return Some((unescape(id)?, unescape(secret)?));
    }
    Some((
        form.get("client_id")?.clone(),
        form.get("client_secret")?.clone(),
    ))
}

async fn token(State(state): State<SandboxState>, headers: HeaderMap, body: Bytes) -> Response {
    if media_type(&headers).as_deref() != Some("application/x-www-form-urlencoded") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The token request must be form-encoded (application/x-www-form-urlencoded).",
        );
    }
    let form = form_pairs(&body);
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    match client(&headers, &form) {
        Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => {}
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: unknown client_id or wrong client_secret.",
            );
        }
    }
    let answer = state.with(|s| {
        let lifetime = s.psd2.access_token_lifetime;
        let grants = &mut s.psd2.oauth;
        match field("grant_type") {
            "client_credentials" => {
                let token = grants.issue(Subject::Tpp, None, lifetime);
                Ok(json!({ "access_token": token, "token_type": "Bearer", "expires_in": lifetime.as_secs(), "scope": "psd2" }))
            }
            "authorization_code" => {
                let Some(code) = grants.take_code(field("code")) else {
                    return Err(("invalid_grant", "The authorization code is unknown, expired or already used."));
                };
                if Instant::now() >= code.expires {
                    return Err(("invalid_grant", "The authorization code is unknown, expired or already used."));
                }
                if field("redirect_uri") != code.redirect_uri {
                    // The code is spent all the same, as RFC 6749 §10.5 advises.
                    return Err(("invalid_grant", "The redirect_uri does not match the one the account holder was sent back to."));
                }
                let access = grants.issue(Subject::Holder(code.psu.clone()), Some(&code.origin), lifetime);
                let refresh = grants.issue_refresh(&code.psu, &code.origin);
                Ok(json!({
                    "access_token": access, "token_type": "Bearer", "expires_in": lifetime.as_secs(),
                    "refresh_token": refresh, "scope": format!("psd2 {}", code.origin),
                }))
            }
            "refresh_token" => {
                let presented = field("refresh_token");
                let (psu, origin) =
                    grants.spend_refresh(presented).map_err(|why| ("invalid_grant", why))?;
                let access = grants.issue(Subject::Holder(psu.clone()), Some(&origin), lifetime);
                let refresh = grants.issue_refresh(&psu, &origin);
                Ok(json!({
                    "access_token": access, "token_type": "Bearer", "expires_in": lifetime.as_secs(),
                    "refresh_token": refresh, "scope": format!("psd2 {origin}"),
                }))
            }
            "" => Err(("invalid_request", "The grant_type parameter is missing.")),
            _ => Err(("unsupported_grant_type", "Supported: client_credentials, authorization_code, refresh_token.")),
        }
    });
    match answer {
        Ok(body) => {
            let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
            (no_store, Json(body)).into_response()
        }
        Err((error, description)) => oauth_error(StatusCode::BAD_REQUEST, error, description),
    }
}

/// A small base64 decoder for HTTP Basic credentials (the sandbox has no base64 crate).
mod base64_decode {
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let value = |c: u8| -> Option<u32> {
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            } as u32)
        };
        let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').collect();
        let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
        for chunk in bytes.chunks(4) {
            let mut acc = 0u32;
            for (i, &c) in chunk.iter().enumerate() {
                acc |= value(c)? << (18 - 6 * i);
            }
            let n = chunk.len();
            if n < 2 {
                return None;
            }
            out.push((acc >> 16) as u8);
            if n > 2 {
                out.push((acc >> 8) as u8);
            }
            if n > 3 {
                out.push(acc as u8);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_basic_credentials() {
        assert_eq!(
            super::base64_decode::decode("dHBwOnNlY3JldA==").unwrap(),
            b"tpp:secret"
        );
        assert_eq!(super::base64_decode::decode("YQ").unwrap(), b"a");
    }
}
