//! Ecommerce: payment links, payment buttons, payment requests, and the settlement accounts and
//! languages they use (`/ecommerce/v1/...`).
//!
//! Only `POST /ecommerce/v1/pr` is attested; every other path is this project's choice where
//! the public record is silent, marked `unverified` at its definition. The
//! bodies follow the legacy v1.1 API, whose structures the gateway says it kept.
//!
//! ```no_run
//! # async fn run(merchant: mypos::MerchantClient) -> mypos::Result<()> {
//! use mypos::gateway::ecommerce::payment_links::{CreatePaymentLinkRequest, UpdatePaymentLinkRequest};
//!
//! let links = merchant.ecommerce().payment_links();
//! let link = links
//!     .create(CreatePaymentLinkRequest::new("T-shirt", "19.90".parse().unwrap(), "EUR"))
//!     .await?;
//! let code = link.code.clone().unwrap_or_default();
//! links.update(UpdatePaymentLinkRequest { enable: Some(false), ..UpdatePaymentLinkRequest::new(&code) }).await?;
//! # Ok(()) }
//! ```

mod links_and_buttons;
pub mod payment_buttons;
pub mod payment_links;
pub mod payment_requests;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use links_and_buttons::{Created, LinkStatus, OnlineTransaction};
pub use payment_buttons::PaymentButtons;
pub use payment_links::PaymentLinks;
pub use payment_requests::PaymentRequests;

use crate::MerchantClient;
use crate::endpoint::{ApiRequest, ApiResponse, Operation};
use crate::error::Result;
use crate::shapes::decode_list;
use crate::transport::Response;

/// The languages a payment page can be shown in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetLanguagesRequest {
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for GetLanguagesRequest {}

/// A language of payment pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Language {
    /// Two letters (`EN`): the value of `pref_language` and `payment_request_lang`.
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Vec<Language> {
    /// A bare list, or a list inside an envelope (`{"items": [...]}`).
    fn decode(response: &Response) -> Result<Self> {
        decode_list(response)
    }
}

/// The accounts online payments can settle into.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetSettlementDataRequest {
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for GetSettlementDataRequest {}

/// An account online payments can settle into: the `account_number` and `currency` links,
/// buttons and requests name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SettlementAccount {
    pub account_number: String,
    /// ISO 4217 code.
    pub currency: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Vec<SettlementAccount> {
    /// A bare list, or a list inside an envelope (`{"items": [...]}`).
    fn decode(response: &Response) -> Result<Self> {
        decode_list(response)
    }
}

crate::operations! {
    /// Payment links, buttons and requests.
    pub struct Ecommerce<MerchantClient> as "ecommerce" {
        /// The languages payment pages can be shown in. Path unverified.
        // unverified: path is the project's choice; not in any public source.
        get_languages(GetLanguagesRequest) -> Vec<Language> = GET "/ecommerce/v1/languages";
        /// The accounts and currencies online payments can settle into. Path unverified.
        // unverified: path is the project's choice; not in any public source.
        get_settlement_data(GetSettlementDataRequest) -> Vec<SettlementAccount> = GET "/ecommerce/v1/settlement-data";
    }
}

impl<'a> Ecommerce<'a> {
    /// Links to a payment page for one item.
    pub fn payment_links(&self) -> PaymentLinks<'a> {
        PaymentLinks(self.0)
    }

    /// Buttons for a website, to a payment page for one item.
    pub fn payment_buttons(&self) -> PaymentButtons<'a> {
        PaymentButtons(self.0)
    }

    /// Requests to pay an amount, sent to a customer.
    pub fn payment_requests(&self) -> PaymentRequests<'a> {
        PaymentRequests(self.0)
    }
}

/// Every Ecommerce endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [
        endpoints::all(),
        payment_links::endpoints::all(),
        payment_buttons::endpoints::all(),
        payment_requests::endpoints::all(),
    ]
    .concat()
}
