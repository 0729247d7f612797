//! The myPOS API Gateway: Banking, Ecommerce and ePOS, for one merchant at a time.

pub mod banking;
pub mod ecommerce;
pub mod epos;

pub use banking::Banking;
pub use ecommerce::Ecommerce;
pub use epos::Epos;

use crate::MerchantClient;
use crate::endpoint::Operation;

/// Every Gateway endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [
        banking::endpoints::all(),
        ecommerce::operations(),
        epos::operations(),
    ]
    .concat()
}
