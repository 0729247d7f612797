//! ePOS: card payments started from the API and completed on a myPOS terminal
//! (`/epos/v1/...`), and the terminals themselves (`/pos/v1/terminals...`).
//!
//! ```no_run
//! # async fn run(merchant: mypos::MerchantClient) -> mypos::Result<()> {
//! use mypos::gateway::epos::payments::{CreatePaymentRequest, PaymentAmount};
//!
//! let payment = merchant
//!     .epos()
//!     .payments()
//!     .create(CreatePaymentRequest::new("12345678", PaymentAmount::new(2500, "EUR")))
//!     .await?;
//! # Ok(()) }
//! ```

pub mod payments;
mod status;
pub mod terminals;

pub use payments::Payments;
pub use status::{PaymentStatus, TerminalStatus};
pub use terminals::Terminals;

// Its first home; every API shares it now, from `crate::shapes`.
pub use crate::shapes::Empty;

use crate::MerchantClient;
use crate::endpoint::Operation;

/// Payments on terminals, and the terminals.
#[derive(Clone, Copy)]
pub struct Epos<'a>(pub(crate) &'a MerchantClient);

impl<'a> Epos<'a> {
    /// Start, follow, cancel, reverse and refund card payments on a terminal.
    pub fn payments(&self) -> Payments<'a> {
        Payments(self.0)
    }

    /// The merchant's terminals, their transactions and receipts.
    pub fn terminals(&self) -> Terminals<'a> {
        Terminals(self.0)
    }
}

/// Every ePOS endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [payments::endpoints::all(), terminals::endpoints::all()].concat()
}
