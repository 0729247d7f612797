//! Payment requests: ask a customer to pay an amount, by SMS, email or QR code.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::page::Page;
use crate::{Amount, MerchantClient};

crate::string_enum! {
    /// Where a payment request is.
    pub enum PaymentRequestStatus {
        /// Sent, not opened yet.
        Pending = "Pending",
        /// Opened by the customer.
        Seen = "Seen",
        Paid = "Paid",
        /// The customer tried to pay and the payment failed.
        Failed = "Failed",
        Cancelled = "Cancelled",
        /// Past its expiry date, unpaid.
        Expired = "Expired",
    }
}

/// A new payment request. With `qr_generated` only `amount` and `currency` are needed;
/// otherwise `client_name` and `payment_request_lang` too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentRequestRequest {
    /// In major units (`"25.00"`).
    pub amount: Amount,
    /// ISO 4217 code of one of the merchant's settlement accounts.
    pub currency: String,
    /// `true`: the request is paid by scanning a QR code, not sent to a customer.
    #[serde(default)]
    pub qr_generated: bool,
    /// Who is asked to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Language of the request (`EN`), from `get_languages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_lang: Option<String>,
    /// Shown to the customer: what the payment is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The request's name in the merchant's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_text: Option<String>,
    /// "Doing business as": the name on the customer's statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dba: Option<String>,
    /// Last day the request can be paid (`YYYY-MM-DD`). The legacy API called it
    /// `expired_date`; the one gateway client seen uses this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    /// Phone number to send the request to by SMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_gsm: Option<String>,
    /// Email address to send the request to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_email: Option<String>,
}

impl CreatePaymentRequestRequest {
    /// A request to send to `client_name`, in language `lang` (`EN`).
    pub fn new(
        amount: Amount,
        currency: impl Into<String>,
        client_name: impl Into<String>,
        lang: impl Into<String>,
    ) -> Self {
        Self {
            qr_generated: false,
            client_name: Some(client_name.into()),
            payment_request_lang: Some(lang.into()),
            ..Self::qr(amount, currency)
        }
    }

    /// A request paid by scanning its QR code.
    pub fn qr(amount: Amount, currency: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
            qr_generated: true,
            client_name: None,
            payment_request_lang: None,
            reason: None,
            booking_text: None,
            dba: None,
            expiry_date: None,
            notify_gsm: None,
            notify_email: None,
        }
    }
}

impl ApiRequest for CreatePaymentRequestRequest {}

/// What creating a payment request answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedPaymentRequest {
    /// The page the customer pays on.
    pub payment_request_url: String,
    /// The key of `get` and `send_reminder`.
    #[serde(default)]
    pub code: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for CreatedPaymentRequest {}

/// A page of the merchant's payment requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPaymentRequestsRequest {
    /// Only requests in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PaymentRequestStatus>,
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for ListPaymentRequestsRequest {}

crate::paged_request!(ListPaymentRequestsRequest);

/// One payment request, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentRequestRequest {
    pub code: String,
}

impl GetPaymentRequestRequest {
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: code.into() }
    }
}

impl ApiRequest for GetPaymentRequestRequest {}

/// Reminds the customer of a payment request; `gsm` and `email` say where to, else the API
/// uses the request's own contacts (`mypos-api-gateway` sends just the code).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendReminderRequest {
    pub code: String,
    /// Phone number to send the reminder to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsm: Option<String>,
    /// Email address to send the reminder to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ApiRequest for SendReminderRequest {}

/// A payment request and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentRequest {
    pub code: String,
    #[serde(default)]
    pub status: Option<PaymentRequestStatus>,
    /// In major units.
    #[serde(default)]
    pub amount: Option<Decimal>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payment_request_url: Option<String>,
    #[serde(default)]
    pub qr_generated: Option<bool>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub payment_request_lang: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub booking_text: Option<String>,
    #[serde(default)]
    pub dba: Option<String>,
    #[serde(default)]
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub notify_gsm: Option<String>,
    #[serde(default)]
    pub notify_email: Option<String>,
    /// When it was created (`2025-05-01T10:15:00`).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentRequest {}

crate::operations! {
    /// Requests to pay an amount, sent to a customer.
    pub struct PaymentRequests<MerchantClient> as "ecommerce.payment_requests" {
        /// Create a payment request; answers its code and payment page URL.
        create(CreatePaymentRequestRequest) -> CreatedPaymentRequest = POST "/ecommerce/v1/pr";
        /// List the merchant's payment requests, a page at a time. Path unverified.
        // unverified: path is the project's choice.
        list(ListPaymentRequestsRequest) -> Page<PaymentRequest> = GET "/ecommerce/v1/pr", iterated by list_all;
        /// One payment request, by code. Path unverified.
        // unverified: path is the project's choice.
        get(GetPaymentRequestRequest) -> PaymentRequest = GET "/ecommerce/v1/pr/{code}";
        /// Remind the customer of a payment request; answers the request. Path unverified.
        // unverified: path is the project's choice; body from the legacy API.
        send_reminder(SendReminderRequest) -> PaymentRequest = PATCH "/ecommerce/v1/pr/{code}/reminder";
    }
}
