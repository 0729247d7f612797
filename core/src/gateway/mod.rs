//! The myPOS API Gateway: Banking, Ecommerce and ePOS, for one merchant at a time.

pub mod banking;
mod client;
pub mod ecommerce;
pub mod epos;

pub use banking::Banking;
pub use client::{Gateway, MerchantClient};
pub use ecommerce::Ecommerce;
pub use epos::Epos;

use futures::future::BoxFuture;

use crate::endpoint::{Executor, Operation};
use crate::error::Result;
use crate::transport::{Request, Response};

// The namespaces of a merchant client are here, not in `client.rs`, so that the client is
// below its namespaces: they hold it, it does not know them.
impl MerchantClient {
    /// Accounts, transactions and statements.
    pub fn banking(&self) -> Banking<'_> {
        Banking(self)
    }

    /// Payment links, buttons and requests.
    pub fn ecommerce(&self) -> Ecommerce<'_> {
        Ecommerce(self)
    }

    /// Card payments on terminals, and the terminals.
    pub fn epos(&self) -> Epos<'_> {
        Epos(self)
    }
}

impl Executor for MerchantClient {
    fn operations() -> Vec<&'static dyn Operation<Self>> {
        operations()
    }

    fn execute_request<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>> {
        self.execute(request)
    }
}

/// Every Gateway endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [
        banking::endpoints::all(),
        ecommerce::operations(),
        epos::operations(),
    ]
    .concat()
}
