//! The myPOS API Gateway: Banking, Ecommerce and ePOS, for one merchant at a time.

pub mod banking;

pub use banking::Banking;

use crate::MerchantClient;
use crate::endpoint::Operation;

/// Every Gateway endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [banking::endpoints::all()].concat()
}
