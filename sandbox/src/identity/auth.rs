//! The checks on presented credentials: the partner token alone (session endpoint) and the
//! gateway's four headers (every business call).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::grants::Refusal;
use crate::problem::Problem;
use crate::seed;
use crate::state::SandboxState;

/// Proof that the request carried a live partner token.
pub(crate) struct PartnerToken;

impl FromRequestParts<SandboxState> for PartnerToken {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &SandboxState) -> Result<Self, Problem> {
        let token = bearer(&parts.headers)?;
        state
            .with(|s| s.identity.check_token(token))
            .map_err(token_problem)?;
        Ok(PartnerToken)
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, Problem> {
    let value = header_str(headers, header::AUTHORIZATION.as_str())
        .ok_or_else(|| Problem::invalid_token("The Authorization header is missing."))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(Problem::invalid_token(
            "The Authorization header must be 'Bearer <access token>'.",
        )),
    }
}

fn token_problem(refusal: Refusal) -> Problem {
    Problem::invalid_token(match refusal {
        Refusal::Unknown => "The access token is not valid.",
        Refusal::Expired => "The access token has expired.",
    })
}

fn session_problem(refusal: Refusal) -> Problem {
    Problem::unauthorized(match refusal {
        Refusal::Unknown => "The session is not valid.",
        Refusal::Expired => "The session has expired.",
    })
}

/// A header's value, if present, valid text and not blank.
fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then_some(value)
}

/// The merchant a business call acts for. Extracting it performs the gateway's check:
///
/// - `Authorization: Bearer <live partner token>`, else 401;
/// - `X-Session: <live merchant session>`, else 401;
/// - `X-Partner-Id` and `X-Application-Id` equal to the seeded ids: missing → 400, wrong → 403.
///
/// Put it first among a handler's extractors so authentication is reported before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    /// The merchant's client id (`cli_...`), which keys all of its state.
    pub id: String,
}

impl FromRequestParts<SandboxState> for Merchant {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &SandboxState) -> Result<Self, Problem> {
        let headers = &parts.headers;
        let token = bearer(headers)?;
        let session = header_str(headers, "x-session")
            .ok_or_else(|| Problem::unauthorized("The X-Session header is missing."))?;
        let id = state.with(|s| {
            s.identity.check_token(token).map_err(token_problem)?;
            s.identity
                .session_merchant(session)
                .map(str::to_owned)
                .map_err(session_problem)
        })?;
        require_id(headers, "X-Partner-Id", seed::PARTNER_ID)?;
        require_id(headers, "X-Application-Id", seed::APPLICATION_ID)?;
        Ok(Merchant { id })
    }
}

fn require_id(headers: &HeaderMap, name: &str, expected: &str) -> Result<(), Problem> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or_default().trim())
        .filter(|v| !v.is_empty())
        .collect();
    match values.as_slice() {
        [] => Err(
            Problem::validation(name, format!("The {name} header is required."))
                .with_detail(format!("The {name} header is missing.")),
        ),
        [value] if *value == expected => Ok(()),
        // A wrong value, or the header sent twice.
        _ => Err(Problem::forbidden(format!(
            "The {name} header does not match the integration."
        ))),
    }
}
