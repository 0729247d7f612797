//! ePOS: payments on terminals (`/epos/v1/payments...`) and the terminals themselves
//! (`/pos/v1/terminals...`). A payment starts `InProgress`; the simulated terminal
//! ([`crate::terminal`]) finishes it when a test says so through the control API.

use axum::Router;

use crate::state::SandboxState;

mod answers;
pub(crate) mod clock;
mod fields;
pub(crate) mod model;
mod payments;
pub(crate) mod seed;
mod terminals;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .merge(payments::router())
        .merge(terminals::router())
}
