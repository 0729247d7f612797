//! `POST /oauth/token` (form-encoded): `client_credentials` for the TPP's own token,
//! `authorization_code` after the holder approved at the SCA page, and `refresh_token`, which
//! rotates the refresh token (the old one stops working). Errors are RFC 6749 §5.2 bodies.

use std::collections::HashMap;
use std::time::{Duration, Instant};

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

use super::errors::Psd2Error;
use super::{CLIENT_ID, CLIENT_SECRET, header, new_id};

/// How long an authorization code can be exchanged.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Who an access token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The TPP itself (client credentials).
    Tpp,
    /// An account holder, by PSU id.
    Holder(String),
}

struct AccessToken {
    subject: Subject,
    /// The consent or payment a holder's grant came from.
    origin: Option<String>,
    expires: Instant,
}

struct RefreshToken {
    psu: String,
    /// The consent or payment the grant came from; revoked with a revoked consent.
    origin: String,
    revoked: bool,
}

/// A code the SCA page handed out.
pub(crate) struct Code {
    pub psu: String,
    pub origin: String,
    /// Where the holder was sent with it: the exchange must name the same.
    pub redirect_uri: String,
    pub expires: Instant,
}

#[derive(Default)]
pub(crate) struct Grants {
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    codes: HashMap<String, Code>,
}

impl Grants {
    pub fn issue_code(&mut self, code: Code) -> String {
        let id = new_id("code-");
        self.codes.insert(id.clone(), code);
        id
    }

    /// Makes every access token issued so far expired.
    pub fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        for token in self.access.values_mut() {
            token.expires = now;
        }
    }

    /// Revokes the refresh tokens of `psu` (all holders when `None`).
    pub fn revoke_refresh_tokens(&mut self, psu: Option<&str>) -> usize {
        let mut count = 0;
        for token in self.refresh.values_mut() {
            if psu.is_none_or(|p| p == token.psu) && !token.revoked {
                token.revoked = true;
                count += 1;
            }
        }
        count
    }

    /// Revokes the refresh tokens granted through `origin` (a consent the holder revoked).
    pub fn revoke_origin(&mut self, origin: &str) {
        for token in self.refresh.values_mut() {
            if token.origin == origin {
                token.revoked = true;
            }
        }
    }

    /// Who the bearer token of a request acts for, or the 401 the API answers.
    pub fn subject(&self, headers: &HeaderMap) -> Result<Subject, Psd2Error> {
        let value = header(headers, "authorization").ok_or_else(|| {
            Psd2Error::token("TOKEN_INVALID", "The Authorization header is missing.")
        })?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(Psd2Error::token(
                    "TOKEN_INVALID",
                    "The Authorization header must be 'Bearer <access token>'.",
                ));
            }
        };
        let known = self
            .access
            .get(token)
            .ok_or_else(|| Psd2Error::token("TOKEN_UNKNOWN", "The access token is not known."))?;
        if Instant::now() >= known.expires {
            return Err(Psd2Error::token(
                "TOKEN_EXPIRED",
                "The access token has expired.",
            ));
        }
        Ok(known.subject.clone())
    }

    /// The consent or payment the request's holder token was granted through, if any: the
    /// consent a read without `Consent-ID` is made under.
    pub fn origin(&self, headers: &HeaderMap) -> Option<String> {
        let value = header(headers, "authorization")?;
        let (_, token) = value.split_once(' ')?;
        self.access.get(token.trim())?.origin.clone()
    }

    /// The holder a token acts for; a TPP token cannot read accounts or initiate payments.
    pub fn holder(&self, headers: &HeaderMap) -> Result<String, Psd2Error> {
        match self.subject(headers)? {
            Subject::Holder(psu) => Ok(psu),
            Subject::Tpp => Err(Psd2Error::token(
                "TOKEN_INVALID",
                "This call needs the account holder's access token (from the authorization code), not the TPP's own.",
            )),
        }
    }

    fn issue(&mut self, subject: Subject, origin: Option<&str>, lifetime: Duration) -> String {
        let token = new_id("at-");
        self.access.insert(
            token.clone(),
            AccessToken {
                subject,
                origin: origin.map(str::to_owned),
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    fn issue_refresh(&mut self, psu: &str, origin: &str) -> String {
        let token = new_id("rt-");
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                psu: psu.to_owned(),
                origin: origin.to_owned(),
                revoked: false,
            },
        );
        token
    }
}

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
                let Some(code) = grants.codes.remove(field("code")) else {
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
                let (psu, origin) = match grants.refresh.get_mut(presented) {
                    Some(token) if !token.revoked => {
                        // Rotation: the presented token is spent.
                        token.revoked = true;
                        (token.psu.clone(), token.origin.clone())
                    }
                    Some(_) => return Err(("invalid_grant", "The refresh token has been revoked.")),
                    None => return Err(("invalid_grant", "The refresh token is not known.")),
                };
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
