//! Payments: the terminal's QR code; start (by terminal id or by MobilePay posId), prepare and
//! make ready; status and details; list; capture and cancel; and recovering a lost payment id.
//!
//! The direct flow is start → poll the status → capture when `Reserved`; the prepared flow
//! is prepare → (the amount becomes known) → ready → the same. [`super::flows`] runs each as
//! one call. Only one payment may be active on a point of sale at a time.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::MobilePayPos;
use super::envelope::payload;
use crate::endpoint::ApiRequest;
use crate::money::Amount;

crate::string_enum! {
    /// Where a MobilePay payment is in its life.
    pub enum MobilePayPaymentStatus {
        /// Prepared (prepared flow): waiting for the customer to check in, or for `ready`.
        Prepared = "Prepared",
        /// Started: waiting for the customer to check in.
        Initiated = "Initiated",
        /// Prepared and the customer checked in: waiting for `ready` with the amount.
        Paired = "Paired",
        /// On the customer's phone, waiting for them to accept.
        IssuedToUser = "IssuedToUser",
        /// The customer accepted and the amount is reserved: capture it (or cancel).
        Reserved = "Reserved",
        /// The customer rejected it.
        CancelledByUser = "CancelledByUser",
        /// The point of sale cancelled it.
        CancelledByClient = "CancelledByClient",
        /// MobilePay cancelled it (the customer was inactive for too long, or an error).
        CancelledByMobilePay = "CancelledByMobilePay",
        /// Reserved but neither captured nor cancelled in time.
        ExpiredAndCancelled = "ExpiredAndCancelled",
        /// The money is taken; only refunds follow.
        Captured = "Captured",
        /// Refused because of the customer's age (listed by Integra; gone from MobilePay 10.2.6).
        RejectedByMobilePayDueToAgeRestrictions = "RejectedByMobilePayDueToAgeRestrictions",
    }
}

/// Where a MobilePay payment is in its life (the name the typings know it by is
/// `MobilePayPaymentStatus`).
pub type PaymentStatus = MobilePayPaymentStatus;

impl MobilePayPaymentStatus {
    /// Counts against "one active payment per point of sale": neither captured nor ended.
    /// `Reserved` is active: the text's list of active payments is "neither captured,
    /// rejected, cancelled, or reversed" (MobilePay v10's newer pages leave it out).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Prepared | Self::Initiated | Self::Paired | Self::IssuedToUser | Self::Reserved
        )
    }

    /// Nothing more happens to it (except refunds after `Captured`).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Captured
                | Self::CancelledByUser
                | Self::CancelledByClient
                | Self::CancelledByMobilePay
                | Self::ExpiredAndCancelled
                | Self::RejectedByMobilePayDueToAgeRestrictions
        )
    }
}

crate::string_enum! {
    /// A currency MobilePay takes.
    pub enum MobilePayCurrency {
        /// Danish krone, the default.
        Dkk = "DKK",
        Eur = "EUR",
    }
}

/// A currency MobilePay takes (`MobilePayCurrency` in the typings).
pub type Currency = MobilePayCurrency;

/// A terminal, by its id at Integra.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayTerminalRequest")]
pub struct TerminalRequest {
    /// The terminal's id at Integra (not MobilePay's posId).
    pub terminal_id: String,
}

impl TerminalRequest {
    pub fn new(terminal_id: impl Into<String>) -> Self {
        Self {
            terminal_id: terminal_id.into(),
        }
    }
}

impl ApiRequest for TerminalRequest {}

/// The link to a terminal's QR code, which customers scan to check in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayQrCode")]
pub struct QrCode {
    /// The image's URL.
    pub qrcode_imagelink: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A copy of `request` with the currency set to `DKK` when it is left out: the text's
/// templates always carry `currencyCode`, so the SDK sends the default explicitly.
pub(crate) fn with_default_currency<T: Clone>(
    request: &T,
    field: impl Fn(&mut T) -> &mut Option<Currency>,
) -> Option<T> {
    let mut copy = request.clone();
    let currency = field(&mut copy);
    if currency.is_some() {
        return None;
    }
    *currency = Some(Currency::Dkk);
    Some(copy)
}

/// A new payment on a terminal (direct flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayStartPaymentRequest")]
pub struct StartPaymentRequest {
    /// Your order's id; it finds the payment again if its id is lost.
    pub order_id: String,
    /// In major units (`"27.06"`).
    pub amount: Amount,
    /// The terminal's id at Integra.
    pub terminal_id: String,
    /// `DKK` when left out (sent explicitly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl StartPaymentRequest {
    pub fn new(
        terminal_id: impl Into<String>,
        order_id: impl Into<String>,
        amount: Amount,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            amount,
            terminal_id: terminal_id.into(),
            currency_code: None,
        }
    }
}

impl ApiRequest for StartPaymentRequest {
    fn prepare(&self) -> Option<Self> {
        with_default_currency(self, |r| &mut r.currency_code)
    }
}

/// A new payment on a point of sale named by MobilePay's posId (direct flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayStartByPosIdRequest")]
pub struct StartByPosIdRequest {
    /// Your order's id.
    pub order_id: String,
    /// In major units (`"27.06"`).
    pub amount: Amount,
    /// MobilePay's id of the point of sale (not the terminal id).
    pub pos_id: String,
    /// `DKK` when left out (sent explicitly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl ApiRequest for StartByPosIdRequest {
    fn prepare(&self) -> Option<Self> {
        with_default_currency(self, |r| &mut r.currency_code)
    }
}

/// A payment prepared before its amount is known (prepared flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPreparePaymentRequest")]
pub struct PreparePaymentRequest {
    /// Your order's id.
    pub order_id: String,
    /// The terminal's id at Integra.
    pub terminal_id: String,
}

impl PreparePaymentRequest {
    pub fn new(terminal_id: impl Into<String>, order_id: impl Into<String>) -> Self {
        Self {
            order_id: order_id.into(),
            terminal_id: terminal_id.into(),
        }
    }
}

impl ApiRequest for PreparePaymentRequest {}

/// The amount of a prepared payment, now that it is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayReadyPaymentRequest")]
pub struct ReadyPaymentRequest {
    /// The prepared payment.
    pub payment_id: String,
    /// The order it was prepared for.
    pub order_id: String,
    /// In major units (`"27.06"`).
    pub amount: Amount,
    /// The terminal it was prepared on.
    pub terminal_id: String,
    /// `DKK` when left out (sent explicitly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl ApiRequest for ReadyPaymentRequest {
    fn prepare(&self) -> Option<Self> {
        with_default_currency(self, |r| &mut r.currency_code)
    }
}

/// One payment, by its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPaymentRequest")]
pub struct PaymentRequest {
    pub payment_id: String,
}

impl PaymentRequest {
    pub fn new(payment_id: impl Into<String>) -> Self {
        Self {
            payment_id: payment_id.into(),
        }
    }
}

impl ApiRequest for PaymentRequest {}

/// Takes the money of a `Reserved` payment: all of it, or less when the payment allows
/// partial capture (the rest is released).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayCapturePaymentRequest")]
pub struct CapturePaymentRequest {
    pub payment_id: String,
    /// At most the reserved amount, in major units.
    pub amount: Amount,
}

impl CapturePaymentRequest {
    pub fn new(payment_id: impl Into<String>, amount: Amount) -> Self {
        Self {
            payment_id: payment_id.into(),
            amount,
        }
    }
}

impl ApiRequest for CapturePaymentRequest {}

/// A terminal's payments: the active ones (also `Reserved`), or the captured ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayListPaymentsRequest")]
pub struct ListPaymentsRequest {
    /// The terminal's id at Integra.
    pub terminal_id: String,
    /// Left out: the active payments (neither captured, rejected nor cancelled; `Reserved`
    /// included). `Captured`: the captured ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PaymentStatus>,
    /// Only this order's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

impl ListPaymentsRequest {
    /// The active payments of a terminal.
    pub fn active(terminal_id: impl Into<String>) -> Self {
        Self {
            terminal_id: terminal_id.into(),
            state: None,
            order_id: None,
        }
    }
}

impl ApiRequest for ListPaymentsRequest {}

/// Finds a lost payment id by order and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayRecoverIdByStateRequest")]
pub struct RecoverIdByStateRequest {
    pub order_id: String,
    /// The API answers this search only for `Captured`.
    pub state: PaymentStatus,
}

impl ApiRequest for RecoverIdByStateRequest {}

/// Finds a lost payment id by order and terminal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayRecoverIdByTerminalRequest")]
pub struct RecoverIdByTerminalRequest {
    pub order_id: String,
    /// The terminal's id at Integra.
    pub terminal_id: String,
    /// Only a payment in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_state: Option<PaymentStatus>,
}

impl ApiRequest for RecoverIdByTerminalRequest {}

/// Finds a lost payment id by order and MobilePay posId.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayRecoverIdByPosIdRequest")]
pub struct RecoverIdByPosIdRequest {
    pub order_id: String,
    /// MobilePay's id of the point of sale.
    pub pos_id: String,
    /// Only a payment in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_state: Option<PaymentStatus>,
}

impl ApiRequest for RecoverIdByPosIdRequest {}

/// The id of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayPaymentId")]
pub struct PaymentId {
    pub payment_id: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of an action (ready, capture, cancel…): the API's message, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MobilePayMessage")]
pub struct Message {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where a payment is, and how long to wait before asking again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayPaymentState")]
pub struct PaymentState {
    // unverified: the text names no answer field; `status` is MobilePay v10's, and
    // `paymentStatus` is read too.
    #[serde(alias = "paymentStatus")]
    pub status: PaymentStatus,
    /// Wait at least this long before asking again (MobilePay's `pollDelayInMs`).
    #[serde(default)]
    pub poll_delay_in_ms: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A payment as MobilePay knows it.
// unverified: the text names no answer fields; they are MobilePay v10's
// (QueryPaymentResponse), read flat or from one wrapping object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayPaymentDetails")]
pub struct PaymentDetails {
    pub payment_id: String,
    #[serde(default)]
    pub pos_id: Option<String>,
    #[serde(default)]
    pub order_id: Option<String>,
    /// The terminal's id at Integra, when the answer names it.
    #[serde(default)]
    pub terminal_id: Option<String>,
    /// In major units; unknown while a prepared payment is not ready.
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub currency_code: Option<Currency>,
    /// Read from `status`, or from `paymentStatus` as `payments.status` does.
    #[serde(alias = "paymentStatus")]
    pub status: PaymentStatus,
    /// Whether less than the reserved amount may be captured; known once `Reserved`.
    #[serde(default)]
    pub partial_capture_possible: Option<bool>,
    /// When an unfinished payment expires (ISO 8601).
    #[serde(default)]
    pub payment_expires_at: Option<String>,
    #[serde(default)]
    pub customer_token: Option<String>,
    #[serde(default)]
    pub customer_receipt_token: Option<String>,
    #[serde(default)]
    pub loyalty_ids: Option<Vec<String>>,
    /// Wait at least this long before asking again.
    #[serde(default)]
    pub poll_delay_in_ms: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The ids of a terminal's payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayPaymentIds")]
pub struct PaymentIds {
    /// Oldest first. Required: an answer without the list is a decoding error.
    #[serde(alias = "paymentIds")]
    pub payments_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload!(
    QrCode,
    PaymentId,
    Message,
    PaymentState,
    PaymentDetails = "paymentDetails",
    PaymentIds,
);

crate::operations! {
    /// MobilePay payments at a point of sale.
    pub struct Payments<MobilePayPos> as "payments" {
        /// The link to the QR code of a terminal's point of sale, which customers scan to
        /// check in.
        qr_code(TerminalRequest) -> QrCode = GET "/api/pos/terminal/qrcode";
        /// Starts a payment on a terminal (direct flow). Refused while another payment is
        /// active on its point of sale. Then poll `status` and `capture` when `Reserved`.
        start(StartPaymentRequest) -> PaymentId = POST "/api/pos/payment/start";
        /// Starts a payment on a point of sale named by MobilePay's posId (direct flow).
        start_by_pos_id(StartByPosIdRequest) -> PaymentId = POST "/api/pos/payment/start/byPosId";
        /// Prepares a payment before its amount is known (prepared flow); the customer may
        /// check in meanwhile. Follow it with `ready`.
        prepare(PreparePaymentRequest) -> PaymentId = POST "/api/pos/payment/prepare";
        /// Gives a prepared payment its amount and sends it to the customer.
        ready(ReadyPaymentRequest) -> Message = POST "/api/pos/payment/ready";
        /// Where a payment is, and how long to wait before asking again.
        status(PaymentRequest) -> PaymentState = GET "/api/pos/payment/status";
        /// Everything MobilePay knows of a payment.
        details(PaymentRequest) -> PaymentDetails = GET "/api/pos/payment/details";
        /// A terminal's active payments (`Reserved` included), or its captured ones.
        list(ListPaymentsRequest) -> PaymentIds = GET "/api/pos/payments";
        /// Takes the money of a `Reserved` payment: all of it, or part of it when the payment
        /// allows partial capture.
        capture(CapturePaymentRequest) -> Message = GET once "/api/pos/payment/capture";
        /// Cancels a payment that is not captured; after capture only a refund is possible.
        cancel(PaymentRequest) -> Message = GET once "/api/pos/payment/cancel";
        /// Finds a lost payment id by order id and state (`Captured` only).
        recover_id_by_state(RecoverIdByStateRequest) -> PaymentId = GET "/api/pos/payment/id/retrieve/bystate";
        /// Finds a lost payment id by order id and terminal.
        recover_id_by_terminal(RecoverIdByTerminalRequest) -> PaymentId = GET "/api/pos/payment/id/retrieve/byterminal";
        /// Finds a lost payment id by order id and MobilePay posId.
        recover_id_by_pos_id(RecoverIdByPosIdRequest) -> PaymentId = GET "/api/pos/payment/id/retrieve/byposId";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_currency_is_sent_even_when_left_out() {
        let request = StartPaymentRequest::new("1001", "o1", "27.06".parse().unwrap());
        let sent = request.prepare().expect("DKK filled in");
        assert_eq!(sent.currency_code, Some(Currency::Dkk));
        let mut euro = request;
        euro.currency_code = Some(Currency::Eur);
        assert!(euro.prepare().is_none());
    }

    #[test]
    fn reserved_counts_as_active() {
        assert!(PaymentStatus::Reserved.is_active());
        assert!(!PaymentStatus::Captured.is_active());
    }

    #[test]
    fn details_read_the_status_under_either_name() {
        let details: PaymentDetails =
            serde_json::from_value(json!({"paymentId": "p", "paymentStatus": "Reserved"})).unwrap();
        assert_eq!(details.status, PaymentStatus::Reserved);
    }

    #[test]
    fn wire_names_are_camel_case_and_amounts_text() {
        let mut request = StartPaymentRequest::new("1001", "o1", "27.06".parse().unwrap());
        request.currency_code = Some(Currency::Eur);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"orderId": "o1", "amount": "27.06", "terminalId": "1001", "currencyCode": "EUR"})
        );
        let details: PaymentDetails = serde_json::from_value(json!({
            "paymentId": "p", "status": "SomethingNew", "amount": 27.06, "pollDelayInMs": 1000
        }))
        .unwrap();
        assert_eq!(details.status, PaymentStatus::Other("SomethingNew".into()));
        assert_eq!(details.amount.unwrap().to_string(), "27.06");
    }
}
