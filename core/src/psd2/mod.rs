//! PSD2: account information and payment initiation on behalf of a myPOS account holder, the
//! Berlin Group NextGenPSD2 XS2A 1.3 API (`/v1/...`).
//!
//! A TPP creates a consent, sends the holder to its SCA link to approve it, exchanges the
//! `code` the holder comes back with for the holder's tokens, and reads accounts and initiates
//! payments with them. Facts the public texts leave unsure are kept in the
//! one definition of the endpoint, each with an `unverified:` comment.
//!
//! ```no_run
//! # async fn run(tpp: mypos::psd2::Psd2Client, code: &str) -> mypos::Result<()> {
//! use futures::TryStreamExt;
//! use mypos::psd2::accounts::{ListAccountsRequest, TransactionsRequest};
//! use mypos::psd2::consents::{AccountAccess, AccessScope, CreateConsentRequest};
//! use mypos::psd2::{BookingStatus, ExchangeCode};
//!
//! let access = AccountAccess { all_psd2: Some(AccessScope::AllAccounts), ..Default::default() };
//! let consent = tpp
//!     .consents()
//!     .create(CreateConsentRequest::new(access, "2030-12-31", 4, "203.0.113.7"))
//!     .await?;
//! let approve_at = tpp.authorization_url(&consent.links, Some("csrf-token"), None)?;
//! // … the holder approves at `approve_at` and comes back with `code` …
//! let holder = tpp.exchange_code(ExchangeCode::new(code, "user-42")).await?;
//! let accounts = holder.accounts().list(ListAccountsRequest::new(&consent.consent_id)).await?;
//! let account_id = accounts.accounts[0].resource_id.clone().unwrap_or_default();
//! let mut request = TransactionsRequest::new(account_id, &consent.consent_id, BookingStatus::Both);
//! request.date_from = Some("2025-01-01".into());
//! let all: Vec<_> = holder.accounts().iter_transactions(request).try_collect().await?;
//! # Ok(()) }
//! ```

pub mod accounts;
pub mod card_accounts;
mod client;
pub mod config;
pub mod consents;
pub mod funds;
mod model;
mod oauth;
pub mod payments;

pub use accounts::Accounts;
pub use card_accounts::CardAccounts;
pub use client::Psd2Client;
/// For the error-parser test hook (`crate::hooks`).
pub(crate) use client::api_error;
pub use config::{ClientAuth, DEFAULT_PSD2_URL, Psd2Config};
pub use consents::Consents;
pub use funds::Funds;
pub use model::{
    AccountReference, AccountStatus, Balance, BalanceType, BookingStatus, ConsentStatus,
    CurrencyAmount, Link, Links, ScaTarget, TransactionStatus, sca_link,
};
pub use oauth::{ExchangeCode, TokenListener, TokenSet};
pub use payments::Payments;

use futures::future::BoxFuture;

use crate::endpoint::{Executor, Operation};
use crate::error::Result;
use crate::transport::{Request, Response};

// The namespaces of the client are here, not in `client.rs`, so that the client is below its
// namespaces: they hold it, it does not know them.
impl Psd2Client {
    /// Consents: create, read, check and delete.
    pub fn consents(&self) -> Consents<'_> {
        Consents(self)
    }

    /// The holder's payment accounts, their balances and transactions.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts(self)
    }

    /// The holder's card accounts, their balances and transactions.
    pub fn card_accounts(&self) -> CardAccounts<'_> {
        CardAccounts(self)
    }

    /// Credit transfers from the holder's account.
    pub fn payments(&self) -> Payments<'_> {
        Payments(self)
    }

    /// Whether an amount is available on an account.
    pub fn funds(&self) -> Funds<'_> {
        Funds(self)
    }
}

impl Executor for Psd2Client {
    fn operations() -> Vec<&'static dyn Operation<Self>> {
        operations()
    }

    fn execute_request<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>> {
        self.execute(request)
    }
}

/// Every PSD2 endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<Psd2Client>> {
    [
        consents::endpoints::all(),
        accounts::endpoints::all(),
        card_accounts::endpoints::all(),
        payments::endpoints::all(),
        funds::endpoints::all(),
    ]
    .concat()
}
