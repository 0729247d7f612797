//! Confirmation of funds: `{"fundsAvailable": true}` when the account's available balance
//! covers the amount in its own currency (an amount in another currency is not available:
//! the sandbox converts nothing).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::state::SandboxState;

use super::consents::{Need, under_consent};
use super::errors::Psd2Error;

pub(crate) fn router() -> Router<SandboxState> {
    // The API text's path, and the standard's (`-confirmations`) for clients that follow it.
    Router::new()
        .route("/v1/funds-confirmation", post(confirm))
        .route("/v1/funds-confirmations", post(confirm))
}

async fn confirm(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Psd2Error> {
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| Psd2Error::format("body", "A JSON body is required."))?;
    let reference = body
        .get("account")
        .filter(|a| a.is_object())
        .cloned()
        .ok_or_else(|| Psd2Error::format("account", "account is required (iban or maskedPan)."))?;
    let amount = body
        .get("instructedAmount")
        .ok_or_else(|| Psd2Error::format("instructedAmount", "instructedAmount is required."))?;
    let currency = amount
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let value: Decimal = amount
        .get("amount")
        .and_then(Value::as_str)
        .and_then(|a| a.parse().ok())
        .filter(|v: &Decimal| *v > Decimal::ZERO)
        .ok_or_else(|| {
            Psd2Error::format(
                "instructedAmount.amount",
                "amount must be a positive decimal string.",
            )
        })?;
    state.with(|s| {
        let psu = s.psd2.oauth.holder(&headers)?;
        let account = s
            .psd2
            .holder(&psu)
            .find(&reference)
            .map(|a| a.resource_id.clone())
            .ok_or_else(|| {
                Psd2Error::token(
                    "CONSENT_INVALID",
                    "The consent does not cover this account.",
                )
            })?;
        under_consent(
            &mut s.psd2,
            &headers,
            &[(account.clone(), Need::Any)],
            |holder, _| {
                let account = holder.account(&account).expect("found above");
                let available = account.currency == currency && account.available() >= value;
                Ok(Json(json!({ "fundsAvailable": available })))
            },
        )
    })
}
