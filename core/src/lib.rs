//! The myPOS SDK core: every rule of every myPOS API, once. The Python and Node packages are
//! thin skins over this crate.
//!
//! ```no_run
//! # async fn run() -> mypos::Result<()> {
//! use mypos::{Credentials, Environment, Gateway, GatewayConfig};
//! use mypos::gateway::banking::GetAccountsRequest;
//!
//! let gateway = Gateway::new(GatewayConfig::new(
//!     Environment::Demo,
//!     Credentials::new("client_…", "secret_…"),
//!     "mps-p-…",
//!     "mps-app-…",
//! ))?;
//! let merchant = gateway.create_client(Credentials::new("cli_…", "sec_…"))?;
//! let accounts = merchant.banking().get_accounts(GetAccountsRequest::default()).await?;
//! # Ok(()) }
//! ```

pub mod answer;
mod auth;
pub mod cleanup;
pub mod config;
pub mod endpoint;
mod enums;
mod error;
mod fork;
pub mod gateway;
#[doc(hidden)]
pub mod hooks;
pub mod host;
pub mod mobilepay;
pub mod money;
pub mod page;
pub mod psd2;
pub mod raw;
pub mod retry;
mod shapes;
mod tls;
pub mod token_store;
mod transport;

pub use transport::{CallOptions, DEFAULT_MAX_RESPONSE_BYTES};

pub use config::{
    Credentials, DEFAULT_TIMEOUT, DEMO_GATEWAY_URL, Environment, GatewayConfig,
    MerchantCredentials, PRODUCTION_GATEWAY_URL,
};
pub use error::{ApiError, Error, Result};
/// For the bindings' own per-process state (their runtime); not part of the API.
#[doc(hidden)]
pub use fork::process_id;
pub use gateway::{Gateway, MerchantClient};
pub use money::{Amount, MinorUnits};
pub use page::Page;
pub use tls::TlsOptions;
pub use token_store::{RedisTokenStore, TokenStore};

/// This SDK's version, as sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
