//! The gateway's business APIs, one module per family. Every handler takes
//! [`Merchant`](crate::identity::Merchant) first, so the four-header check always runs.

use axum::Router;

use crate::state::SandboxState;

pub(crate) mod banking;
pub(crate) mod ecommerce;
pub(crate) mod epos;

/// All business routes, merged in one place.
pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .merge(banking::router())
        .merge(ecommerce::router())
        .merge(epos::router())
}
