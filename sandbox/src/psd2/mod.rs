//! The PSD2 API (Berlin Group NextGenPSD2 XS2A 1.3, `/v1/...`) and the account holder's side
//! of it: an OAuth2 token endpoint (`/oauth/token`), the SCA page where the holder approves
//! consents and payments (`/psd2/sca`), and accounts with balances and transactions.
//!
//! Where the public texts are silent, the decisions are listed in the sandbox README.

mod accounts;
mod consents;
pub(crate) mod control;
mod errors;
mod funds;
mod ledger;
mod oauth;
mod payments;
mod sca;

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;

use crate::gateway::banking::calendar::Day;
use crate::state::SandboxState;

use ledger::Holder;

/// The TPP the sandbox knows: its OAuth client id…
pub const CLIENT_ID: &str = "tpp_sandbox";
/// …and secret.
pub const CLIENT_SECRET: &str = "tpp_secret_sandbox";
/// The account holder the SCA page proposes. Any other id is a holder too, with accounts
/// seeded from its name.
pub const DEFAULT_PSU: &str = "psu_sandbox";

/// The seeded PSD2 credentials as host-neutral JSON, for the Python and Node test helpers.
pub fn credentials_json() -> String {
    serde_json::json!({
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "psu_id": DEFAULT_PSU,
    })
    .to_string()
}

/// Everything the PSD2 part remembers.
pub(crate) struct Psd2 {
    /// Days added to the real date (`POST /_sandbox/psd2/clock`), to reach `validUntil`.
    pub day_offset: i64,
    /// Where SCA links point: the plain listener, also when the API is reached over mTLS (the
    /// holder's browser has no client certificate).
    pub sca_base: Option<String>,
    pub access_token_lifetime: Duration,
    /// From approval (`ACTC`) to execution (`ACSC`).
    pub execution_delay: Duration,
    /// Answer errors as RFC 7807 problems instead of `tppMessages`.
    pub problem_errors: bool,
    pub holders: HashMap<String, Holder>,
    pub consents: HashMap<String, consents::Consent>,
    pub payments: HashMap<String, payments::Payment>,
    pub oauth: oauth::Grants,
}

impl Default for Psd2 {
    fn default() -> Self {
        Self {
            day_offset: 0,
            sca_base: None,
            access_token_lifetime: Duration::from_secs(3600),
            execution_delay: Duration::ZERO,
            problem_errors: false,
            holders: HashMap::new(),
            consents: HashMap::new(),
            payments: HashMap::new(),
            oauth: oauth::Grants::default(),
        }
    }
}

impl Psd2 {
    /// The sandbox's date: the real one plus the offset.
    pub fn today(&self) -> Day {
        Day(Day::today().0 + self.day_offset)
    }

    /// The holder's accounts, seeded on first use.
    pub fn holder(&mut self, psu: &str) -> &mut Holder {
        self.holders
            .entry(psu.to_owned())
            .or_insert_with(|| ledger::seed(psu, Day::today()))
    }
}

/// The PSD2 routes: the API (every call needs an `X-Request-ID`, echoed back), the token
/// endpoint and the SCA page.
pub(crate) fn router(state: SandboxState) -> Router<SandboxState> {
    let api = Router::new()
        .merge(consents::router())
        .merge(accounts::router())
        .merge(payments::router())
        .merge(funds::router())
        .layer(axum::middleware::from_fn_with_state(
            state,
            errors::request_id,
        ));
    api.merge(oauth::router()).merge(sca::router())
}

/// A header's value, if present, valid text and not blank.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then_some(value)
}

/// A random id for consents, payments, codes and tokens.
pub(crate) fn new_id(prefix: &str) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 24)
    )
}
