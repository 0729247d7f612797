//! Ecommerce (`/ecommerce/v1/...`): payment links and buttons ([`offers`]), payment requests
//! ([`requests`]), and the languages and settlement accounts they draw on. Only
//! `POST /ecommerce/v1/pr` is attested; the other paths are the project's choice (unverified).

mod answers;
mod fields;
pub(crate) mod model;
mod offers;
mod requests;
pub(crate) mod seed;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use self::answers::nested;
use self::fields::LANGUAGES;
use crate::identity::Merchant;
use crate::paging::PageRequest;
use crate::state::SandboxState;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        // unverified: the project's choice of paths; no public source gives them.
        .route("/ecommerce/v1/languages", get(languages))
        .route("/ecommerce/v1/settlement-data", get(settlement_data))
        .merge(offers::router())
        .merge(requests::router())
}

/// `{"items": [{"code": "EN", "name": "English"}, ...], "pagination": {...}}`, a page at a time
/// (`getLanguages({ page, size })` in `mypos-api-gateway`).
async fn languages(_: Merchant, paging: PageRequest) -> Json<Value> {
    let items: Vec<Value> = LANGUAGES
        .iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    Json(nested(paging.slice(&items)))
}

/// `{"items": [{"account_number", "currency", "name", "iban"}, ...], "pagination": {...}}`: the
/// merchant's accounts, a page at a time.
async fn settlement_data(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
) -> Json<Value> {
    let items: Vec<Value> = state.with(|s| {
        s.merchant(&merchant.id)
            .accounts
            .iter()
            .map(|a| {
                json!({"account_number": a.account_number, "currency": a.currency,
                       "name": a.name, "iban": a.iban})
            })
            .collect()
    });
    Json(nested(paging.slice(&items)))
}
