//! The PSD2 API (Berlin Group NextGenPSD2 XS2A 1.3, `/v1/...`) and the account holder's side
//! of it: an OAuth2 token endpoint (`/oauth/token`), the SCA page where the holder approves
//! consents and payments (`/psd2/sca`), and accounts with balances and transactions.
//!
//! Where the public texts are silent, the decisions are listed in the sandbox README.

mod accounts;
mod consents;
pub(crate) mod control;
mod credentials;
mod errors;
mod execution;
mod funds;
mod ledger;
mod middleware;
pub(crate) mod model;
mod oauth;
mod payments;
mod sca;
mod tokens;

use axum::Router;

use crate::state::SandboxState;

pub use credentials::{CLIENT_ID, CLIENT_SECRET, DEFAULT_PSU, credentials_json};

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
            middleware::request_id,
        ));
    api.merge(oauth::router()).merge(sca::router())
}
