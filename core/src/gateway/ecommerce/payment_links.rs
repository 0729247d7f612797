//! Payment links: a page to pay for one item, shared as a URL.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::links_and_buttons::{Created, LinkStatus, OnlineTransaction};
use crate::endpoint::{ApiRequest, ApiResponse};
use crate::page::Page;
use crate::shapes::Empty;
use crate::{Amount, MerchantClient};

fn one() -> u32 {
    1
}

/// A new payment link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentLinkRequest {
    pub item_name: String,
    /// Price of one item, in major units (`"19.90"`).
    pub item_price: Amount,
    /// ISO 4217 code of one of the merchant's settlement accounts.
    pub currency: String,
    /// The link's name in the merchant's account (the API names it after the item when left
    /// out; `mypos-api-gateway`'s samples never send it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    /// Items bought per payment, at least 1 (default 1).
    #[serde(default = "one")]
    pub quantity: u32,
    /// The settlement account paid into (default: the one in `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// Language of the payment page (`EN`), from `get_languages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Tell the merchant by SMS when someone pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_sms: Option<bool>,
    /// Tell the merchant by email when someone pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_name: Option<bool>,
    /// Ask the customer for a shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_shipping_address: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_phone_number: Option<bool>,
    /// Ask the customer for an identity document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_id: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_quantity: Option<bool>,
    /// Last day the link can be paid (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_date: Option<String>,
}

impl CreatePaymentLinkRequest {
    pub fn new(
        item_name: impl Into<String>,
        item_price: Amount,
        currency: impl Into<String>,
    ) -> Self {
        Self {
            item_name: item_name.into(),
            item_price,
            currency: currency.into(),
            custom_name: None,
            quantity: 1,
            account_number: None,
            pref_language: None,
            website: None,
            send_sms: None,
            send_email: None,
            ask_for_customer_name: None,
            ask_for_shipping_address: None,
            ask_for_customer_email: None,
            ask_for_customer_phone_number: None,
            ask_for_customer_id: None,
            hide_quantity: None,
            expired_date: None,
        }
    }
}

impl ApiRequest for CreatePaymentLinkRequest {}

/// A page of the merchant's payment links.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPaymentLinksRequest {
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for ListPaymentLinksRequest {}

/// One payment link, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentLinkRequest {
    pub code: String,
}

impl GetPaymentLinkRequest {
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: code.into() }
    }
}

impl ApiRequest for GetPaymentLinkRequest {}

/// Changes to a payment link; fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePaymentLinkRequest {
    pub code: String,
    /// Language of the payment page (`EN`). Named `pref_lang` here, unlike on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref_lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_sms: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_name: Option<bool>,
    /// Ask the customer for a shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_shipping_address: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_phone_number: Option<bool>,
    /// Ask the customer for an identity document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_id: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// `false` disables the link: it can no longer be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_quantity: Option<bool>,
    /// Last day the link can be paid (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_date: Option<String>,
}

impl UpdatePaymentLinkRequest {
    /// No changes yet; set the fields to change.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            ..Self::default()
        }
    }
}

impl ApiRequest for UpdatePaymentLinkRequest {}

/// Deletes a payment link, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletePaymentLinkRequest {
    pub code: String,
}

impl DeletePaymentLinkRequest {
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: code.into() }
    }
}

impl ApiRequest for DeletePaymentLinkRequest {}

/// Payments made through payment links, a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentLinkTransactionsRequest {
    /// Only this link's payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// First day, `YYYY-MM-DD`. `date_from`/`date_to` as `mypos-api-gateway` writes them here
    /// (`dateFrom`), unlike the terminal lists' `from_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_to: Option<String>,
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for GetPaymentLinkTransactionsRequest {}

crate::paged_request!(ListPaymentLinksRequest, GetPaymentLinkTransactionsRequest);

/// A payment link and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentLink {
    pub code: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub custom_name: Option<String>,
    #[serde(default)]
    pub item_name: Option<String>,
    /// In major units.
    #[serde(default)]
    pub item_price: Option<Decimal>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub account_number: Option<String>,
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub pref_language: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub send_sms: Option<bool>,
    #[serde(default)]
    pub send_email: Option<bool>,
    #[serde(default)]
    pub ask_for_customer_name: Option<bool>,
    #[serde(default)]
    pub ask_for_shipping_address: Option<bool>,
    #[serde(default)]
    pub ask_for_customer_email: Option<bool>,
    #[serde(default)]
    pub ask_for_customer_phone_number: Option<bool>,
    #[serde(default)]
    pub ask_for_customer_id: Option<bool>,
    #[serde(default)]
    pub hide_quantity: Option<bool>,
    #[serde(default)]
    pub expired_date: Option<String>,
    /// `false` once disabled.
    #[serde(default)]
    pub enable: Option<bool>,
    #[serde(default)]
    pub status: Option<LinkStatus>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentLink {}

crate::operations! {
    /// Links to a payment page for one item.
    pub struct PaymentLinks<MerchantClient> as "ecommerce.payment_links" {
        /// Create a payment link; answers its code and URL. Path unverified.
        // unverified: path is the project's choice; body from the legacy API and the
        // `mypos-api-gateway` samples (the four `ask_for_…` flags beyond the customer's name).
        create(CreatePaymentLinkRequest) -> Created = POST "/ecommerce/v1/links";
        /// List the merchant's payment links, a page at a time. Path unverified.
        // unverified: path is the project's choice.
        list(ListPaymentLinksRequest) -> Page<PaymentLink> = GET "/ecommerce/v1/links", iterated by list_all;
        /// One payment link, by code. Path unverified.
        // unverified: path is the project's choice.
        get(GetPaymentLinkRequest) -> PaymentLink = GET "/ecommerce/v1/links/{code}";
        /// Change a payment link (`enable: false` disables it); answers the link. Path unverified.
        // unverified: path is the project's choice; body from the legacy API.
        update(UpdatePaymentLinkRequest) -> PaymentLink = PATCH "/ecommerce/v1/links/{code}";
        /// Delete a payment link. Path unverified.
        // unverified: path is the project's choice; no source documents deleting links.
        delete(DeletePaymentLinkRequest) -> Empty = DELETE "/ecommerce/v1/links/{code}";
        /// Payments made through payment links, a page at a time. Path unverified.
        // unverified: path is the project's choice; no source documents it.
        get_transactions(GetPaymentLinkTransactionsRequest) -> Page<OnlineTransaction> = GET "/ecommerce/v1/links/transactions", iterated by iter_transactions;
    }
}
