//! Payment buttons: a button for a website that opens a payment page for one item.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::links_and_buttons::{Created, LinkStatus, OnlineTransaction};
use crate::endpoint::{ApiRequest, ApiResponse};
use crate::page::Page;
use crate::shapes::Empty;
use crate::{Amount, MerchantClient};

crate::code_enum! {
    /// How big the button is drawn.
    pub enum ButtonSize {
        Small = 0 as "small",
        Big = 1 as "big",
    }
}

fn one() -> u32 {
    1
}

fn small() -> ButtonSize {
    ButtonSize::Small
}

/// A new payment button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentButtonRequest {
    pub item_name: String,
    /// Price of one item, in major units (`"19.90"`).
    pub item_price: Amount,
    /// ISO 4217 code of one of the merchant's settlement accounts.
    pub currency: String,
    /// The button's name in the merchant's account (the API names it after the item when left
    /// out; `mypos-api-gateway`'s samples never send it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    /// Items bought per payment, at least 1 (default 1).
    #[serde(default = "one")]
    pub quantity: u32,
    /// `small` or `big` (sent as 0 / 1); default small.
    #[serde(default = "small")]
    pub button_size: ButtonSize,
    /// The settlement account paid into (default: the one in `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// Language of the payment page (`EN`), from `get_languages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_sms: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_name: Option<bool>,
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
    /// Where the customer goes after cancelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Where the customer goes after paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
}

impl CreatePaymentButtonRequest {
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
            button_size: ButtonSize::Small,
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
            cancel_url: None,
            return_url: None,
        }
    }
}

impl ApiRequest for CreatePaymentButtonRequest {}

/// A page of the merchant's payment buttons.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPaymentButtonsRequest {
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for ListPaymentButtonsRequest {}

/// One payment button, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentButtonRequest {
    pub code: String,
}

impl GetPaymentButtonRequest {
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: code.into() }
    }
}

impl ApiRequest for GetPaymentButtonRequest {}

/// Changes to a payment button; fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePaymentButtonRequest {
    pub code: String,
    /// Language of the payment page (`EN`). Named `pref_lang` here, unlike on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref_lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_size: Option<ButtonSize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_sms: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_for_customer_name: Option<bool>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// `false` disables the button: it can no longer be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_quantity: Option<bool>,
}

impl UpdatePaymentButtonRequest {
    /// No changes yet; set the fields to change.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            ..Self::default()
        }
    }
}

impl ApiRequest for UpdatePaymentButtonRequest {}

/// Deletes a payment button, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletePaymentButtonRequest {
    pub code: String,
}

impl DeletePaymentButtonRequest {
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: code.into() }
    }
}

impl ApiRequest for DeletePaymentButtonRequest {}

/// Payments made through payment buttons, a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentButtonTransactionsRequest {
    /// Only this button's payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// First day, `YYYY-MM-DD` (named as on payment links' transactions).
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

impl ApiRequest for GetPaymentButtonTransactionsRequest {}

crate::paged_request!(
    ListPaymentButtonsRequest,
    GetPaymentButtonTransactionsRequest
);

/// A payment button and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentButton {
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
    pub button_size: Option<ButtonSize>,
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
    pub cancel_url: Option<String>,
    #[serde(default)]
    pub return_url: Option<String>,
    /// `false` once disabled.
    #[serde(default)]
    pub enable: Option<bool>,
    #[serde(default)]
    pub status: Option<LinkStatus>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentButton {}

crate::operations! {
    /// Buttons for a website, to a payment page for one item.
    pub struct PaymentButtons<MerchantClient> as "ecommerce.payment_buttons" {
        /// Create a payment button; answers its code and URL. Path unverified.
        // unverified: path is the project's choice; body from the legacy API, except that the
        // `mypos-api-gateway` samples (followed here) write `ask_for_customer_phone_number`
        // where the legacy page wrote `ask_for_customer_phone`, and add `ask_for_customer_id`.
        create(CreatePaymentButtonRequest) -> Created = POST "/ecommerce/v1/buttons";
        /// List the merchant's payment buttons, a page at a time. Path unverified.
        // unverified: path is the project's choice.
        list(ListPaymentButtonsRequest) -> Page<PaymentButton> = GET "/ecommerce/v1/buttons", iterated by list_all;
        /// One payment button, by code. Path unverified.
        // unverified: path is the project's choice.
        get(GetPaymentButtonRequest) -> PaymentButton = GET "/ecommerce/v1/buttons/{code}";
        /// Change a payment button (`enable: false` disables it); answers the button. Path unverified.
        // unverified: path is the project's choice; body modelled on the legacy link edit.
        update(UpdatePaymentButtonRequest) -> PaymentButton = PATCH "/ecommerce/v1/buttons/{code}";
        /// Delete a payment button. Path unverified.
        // unverified: path is the project's choice; no source documents deleting buttons.
        delete(DeletePaymentButtonRequest) -> Empty = DELETE "/ecommerce/v1/buttons/{code}";
        /// Payments made through payment buttons, a page at a time. Path unverified.
        // unverified: path is the project's choice; no source documents it.
        get_transactions(GetPaymentButtonTransactionsRequest) -> Page<OnlineTransaction> = GET "/ecommerce/v1/buttons/transactions", iterated by iter_transactions;
    }
}
