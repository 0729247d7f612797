//! Ecommerce (`/ecommerce/v1/...`): payment links and buttons ([`offers`]), payment requests
//! ([`requests`]), and the languages and settlement accounts they draw on. Only
//! `POST /ecommerce/v1/pr` is attested; the other paths are the project's choice (unverified).

mod offers;
mod requests;
mod seed;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use serde_json::{Value, json};

pub(crate) use offers::{Offer, OnlinePayment};
pub(crate) use requests::PayRequest;
pub(crate) use seed::seed;

use crate::gateway::banking::{Account, fnv1a};
use crate::identity::Merchant;
use crate::paging::{Page, PageRequest};
use crate::problem::Problem;
use crate::state::SandboxState;

/// Where the sandbox's payment pages would be: a reserved domain, never a real page.
const PAGES: &str = "https://sandbox.mypos.invalid";

/// The languages payment pages come in: (code, name).
pub(crate) const LANGUAGES: [(&str, &str); 10] = [
    ("EN", "English"),
    ("BG", "Bulgarian"),
    ("DE", "German"),
    ("FR", "French"),
    ("ES", "Spanish"),
    ("IT", "Italian"),
    ("NL", "Dutch"),
    ("PT", "Portuguese"),
    ("RO", "Romanian"),
    ("EL", "Greek"),
];

/// One merchant's links, buttons, requests and the payments made through them.
#[derive(Debug, Clone, Default)]
pub(crate) struct EcommerceState {
    pub links: Vec<Offer>,
    pub buttons: Vec<Offer>,
    pub requests: Vec<PayRequest>,
    pub payments: Vec<OnlinePayment>,
    /// Codes handed out so far, so every new one differs.
    pub codes_issued: u64,
}

impl EcommerceState {
    /// A fresh code: 13 characters, `A–Z0–9`, derived from the merchant and a counter.
    pub fn new_code(&mut self, merchant_id: &str) -> String {
        loop {
            self.codes_issued += 1;
            let mut code = String::with_capacity(13);
            for (part, length) in [(0, 7), (1, 6)] {
                let seed = format!("{merchant_id}#code#{}#{part}", self.codes_issued);
                let mut n = fnv1a(seed.as_bytes());
                for _ in 0..length {
                    code.push(char::from(
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(n % 36) as usize],
                    ));
                    n /= 36;
                }
            }
            let taken = self
                .links
                .iter()
                .chain(&self.buttons)
                .any(|o| o.code == code)
                || self.requests.iter().any(|r| r.code == code);
            if !taken {
                return code;
            }
        }
    }
}

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

/// The legacy list envelope: `items` beside `pagination: {page, page_size, total_pages,
/// total_count}`.
pub(crate) fn nested<T: Serialize>(page: Page<T>) -> Value {
    json!({
        "items": page.items,
        "pagination": {
            "page": page.page,
            "page_size": page.page_size,
            "total_pages": page.total_pages,
            "total_count": page.total_count,
        },
    })
}

/// The settlement account for `currency` (and `account_number`, when given), or the field
/// errors the API would answer.
pub(crate) fn settlement<'a>(
    accounts: &'a [Account],
    currency: Option<&str>,
    account_number: Option<&str>,
    errors: &mut Vec<(String, String)>,
) -> Option<&'a Account> {
    let currency = currency?;
    let Some(by_currency) = accounts.iter().find(|a| a.currency == currency) else {
        let known: Vec<&str> = accounts.iter().map(|a| a.currency.as_str()).collect();
        errors.push((
            "currency".into(),
            format!(
                "The currency {currency} is not one of the merchant's settlement currencies ({}).",
                known.join(", ")
            ),
        ));
        return None;
    };
    match account_number {
        None => Some(by_currency),
        Some(number) => match accounts.iter().find(|a| a.account_number == number) {
            Some(a) if a.currency == currency => Some(a),
            Some(a) => {
                errors.push((
                    "account_number".into(),
                    format!(
                        "The account {number} settles in {}, not {currency}.",
                        a.currency
                    ),
                ));
                None
            }
            None => {
                errors.push((
                    "account_number".into(),
                    format!(
                        "The account {number} is not one of the merchant's settlement accounts."
                    ),
                ));
                None
            }
        },
    }
}

/// A language the payment pages come in, upper-cased; else a field error.
pub(crate) fn language(
    field: &str,
    value: Option<String>,
    errors: &mut Vec<(String, String)>,
) -> Option<String> {
    let code = value?.to_ascii_uppercase();
    if LANGUAGES.iter().any(|(known, _)| *known == code) {
        Some(code)
    } else {
        errors.push((
            field.into(),
            format!("The language {code} is not supported; see GET /ecommerce/v1/languages."),
        ));
        None
    }
}

/// 404 for a code the merchant does not have.
pub(crate) fn not_found(what: &str, code: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND).with_detail(format!("No {what} has the code {code}."))
}
