//! MobilePay at the point of sale (`api/pos/...`): a second API family beside the Gateway,
//! with its own credentials (the merchant's `bioCode` and a long-lived `accessToken`) and its
//! own answer envelope (`{success, errors, <payload>}`).
//!
//! The API is the one documented at Integra's MobilePay PoS help pages, a wrapper of
//! MobilePay PoS v10. Facts the public texts leave
//! unsure are kept in the one definition of the endpoint, each with an `unverified:` comment.
//!
//! ```no_run
//! # async fn run() -> mypos::Result<()> {
//! use mypos::mobilepay::{MobilePayConfig, MobilePayPos, flows::PayRequest};
//!
//! let pos = MobilePayPos::new(MobilePayConfig::new(
//!     "https://mobilepay-pos.example.com",
//!     "1234",
//!     "the-long-lived-access-token",
//! ))?;
//! // Start, wait for the customer, capture: one call.
//! let payment = pos
//!     .flows()
//!     .pay(PayRequest::on_terminal("1001", "order-17", "27.06".parse().unwrap()))
//!     .await?;
//! assert_eq!(payment.status, mypos::mobilepay::PaymentStatus::Captured);
//! # Ok(()) }
//! ```

mod client;
mod envelope;
pub mod flows;
pub mod manage;
pub mod payments;
pub mod refunds;
mod rules;

use futures::future::BoxFuture;

use crate::endpoint::{Executor, Operation};
use crate::error::Result;
use crate::transport::{Request, Response};

pub use client::{DEFAULT_FLOW_MAX_WAIT, MobilePayConfig, MobilePayPos};
pub use flows::Flows;
pub use manage::Manage;
pub use payments::{Currency, PaymentDetails, PaymentStatus, Payments};
pub use refunds::{RefundDetails, RefundStatus, Refunds};
pub use rules::Rule;

// The namespaces of the client are here, not in `client.rs`, so that the client is below its
// namespaces: they hold it, it does not know them.
impl MobilePayPos {
    /// The terminal QR code, start, prepare, ready, status, details, list, capture and
    /// cancel a payment, and recover a lost payment id.
    pub fn payments(&self) -> Payments<'_> {
        Payments(self)
    }

    /// Create, follow, capture and cancel refunds of captured payments.
    pub fn refunds(&self) -> Refunds<'_> {
        Refunds(self)
    }

    /// The access token, points of sale, terminals, stores and check-ins.
    pub fn manage(&self) -> Manage<'_> {
        Manage(self)
    }

    /// The payment flows as one call each, and the recovery after a restart.
    pub fn flows(&self) -> Flows<'_> {
        Flows(self)
    }
}

impl Executor for MobilePayPos {
    fn operations() -> Vec<&'static dyn Operation<Self>> {
        operations()
    }

    fn execute_request<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>> {
        self.execute(request)
    }
}

/// Every MobilePay operation: the endpoints and the flows, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MobilePayPos>> {
    [
        payments::endpoints::all(),
        refunds::endpoints::all(),
        manage::endpoints::all(),
        flows::operations(),
    ]
    .concat()
}
