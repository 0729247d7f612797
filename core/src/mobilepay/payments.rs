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
use super::check;
use super::envelope::payload;
use crate::endpoint::ApiRequest;
use crate::error::{Error, Result};
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
    /// Counts against "one active payment per point of sale": not yet reserved nor ended.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Prepared | Self::Initiated | Self::Paired | Self::IssuedToUser
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

impl ApiRequest for TerminalRequest {
    fn validate(&self) -> Result<()> {
        check::required("terminalId", &self.terminal_id)
    }
}

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

/// A new payment on a terminal (direct flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayStartPaymentRequest")]
pub struct StartPaymentRequest {
    /// Your order's id, at most 36 characters; it finds the payment again if its id is lost.
    pub order_id: String,
    /// In major units (`"27.06"`).
    pub amount: Amount,
    /// The terminal's id at Integra.
    pub terminal_id: String,
    /// `DKK` when left out.
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
    fn validate(&self) -> Result<()> {
        check::order_id("orderId", &self.order_id)?;
        check::positive("amount", &self.amount)?;
        check::required("terminalId", &self.terminal_id)
    }
}

/// A new payment on a point of sale named by MobilePay's posId (direct flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayStartByPosIdRequest")]
pub struct StartByPosIdRequest {
    /// Your order's id, at most 36 characters.
    pub order_id: String,
    /// In major units (`"27.06"`).
    pub amount: Amount,
    /// MobilePay's id of the point of sale (not the terminal id).
    pub pos_id: String,
    /// `DKK` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl ApiRequest for StartByPosIdRequest {
    fn validate(&self) -> Result<()> {
        check::order_id("orderId", &self.order_id)?;
        check::positive("amount", &self.amount)?;
        check::required("posId", &self.pos_id)
    }
}

/// A payment prepared before its amount is known (prepared flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPreparePaymentRequest")]
pub struct PreparePaymentRequest {
    /// Your order's id, at most 36 characters.
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

impl ApiRequest for PreparePaymentRequest {
    fn validate(&self) -> Result<()> {
        check::order_id("orderId", &self.order_id)?;
        check::required("terminalId", &self.terminal_id)
    }
}

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
    /// `DKK` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl ApiRequest for ReadyPaymentRequest {
    fn validate(&self) -> Result<()> {
        check::required("paymentId", &self.payment_id)?;
        check::order_id("orderId", &self.order_id)?;
        check::positive("amount", &self.amount)?;
        check::required("terminalId", &self.terminal_id)
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

impl ApiRequest for PaymentRequest {
    fn validate(&self) -> Result<()> {
        check::required("paymentId", &self.payment_id)
    }
}

/// Takes the money of a `Reserved` payment: all of it, or less when the payment allows
/// partial capture (the rest is released).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayCapturePaymentRequest")]
pub struct CapturePaymentRequest {
    pub payment_id: String,
    /// At most the reserved amount, in major units.
    // unverified: the capture page is not in the record; MobilePay v10 requires the amount.
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

impl ApiRequest for CapturePaymentRequest {
    fn validate(&self) -> Result<()> {
        check::required("paymentId", &self.payment_id)?;
        check::positive("amount", &self.amount)
    }
}

/// A terminal's payments: the active ones (also `Reserved`), or the captured ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayListPaymentsRequest")]
pub struct ListPaymentsRequest {
    /// The terminal's id at Integra.
    pub terminal_id: String,
    /// Left out: the active payments (not captured, rejected or cancelled). `Captured`: the
    /// captured ones, the only other filter the API takes.
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

impl ApiRequest for ListPaymentsRequest {
    fn validate(&self) -> Result<()> {
        check::required("terminalId", &self.terminal_id)?;
        match &self.state {
            None | Some(PaymentStatus::Captured) => Ok(()),
            Some(other) => Err(Error::invalid(
                "state",
                format!("must be left out (active payments) or `Captured`, got `{other}`"),
            )),
        }
    }
}

/// Finds a lost payment id by order and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayRecoverIdByStateRequest")]
pub struct RecoverIdByStateRequest {
    pub order_id: String,
    /// The API answers this search only for `Captured`.
    pub state: PaymentStatus,
}

impl ApiRequest for RecoverIdByStateRequest {
    fn validate(&self) -> Result<()> {
        check::required("orderId", &self.order_id)
    }
}

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

impl ApiRequest for RecoverIdByTerminalRequest {
    fn validate(&self) -> Result<()> {
        check::required("orderId", &self.order_id)?;
        check::required("terminalId", &self.terminal_id)
    }
}

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

impl ApiRequest for RecoverIdByPosIdRequest {
    fn validate(&self) -> Result<()> {
        check::required("orderId", &self.order_id)?;
        check::required("posId", &self.pos_id)
    }
}

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
    // unverified: the status page is not in the record; its field is taken to be `status`
    // (`paymentStatus` is read too).
    #[serde(alias = "paymentStatus")]
    pub status: PaymentStatus,
    /// Wait at least this long before asking again (MobilePay's `pollDelayInMs`).
    #[serde(default)]
    pub poll_delay_in_ms: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A payment as MobilePay knows it.
// unverified: the details page is not in the record; the fields are MobilePay v10's
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
    /// Oldest first.
    #[serde(default, alias = "paymentIds")]
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
        start_by_pos_id(StartByPosIdRequest) -> PaymentId = GET once "/api/pos/payment/start/byPosId";
        /// Prepares a payment before its amount is known (prepared flow); the customer may
        /// check in meanwhile. Follow it with `ready`.
        prepare(PreparePaymentRequest) -> PaymentId = POST "/api/pos/payment/prepare";
        /// Gives a prepared payment its amount and sends it to the customer.
        ready(ReadyPaymentRequest) -> Message = GET once "/api/pos/payment/ready";
        /// Where a payment is, and how long to wait before asking again.
        // unverified: path from the index page; its parameters and answer are not in the record.
        status(PaymentRequest) -> PaymentState = GET "/api/pos/payment/status";
        /// Everything MobilePay knows of a payment.
        // unverified: path from the index page; its parameters and answer are not in the record.
        details(PaymentRequest) -> PaymentDetails = GET "/api/pos/payment/details";
        /// A terminal's active payments (`Reserved` included), or its captured ones.
        list(ListPaymentsRequest) -> PaymentIds = GET "/api/pos/payments";
        /// Takes the money of a `Reserved` payment: all of it, or part of it when the payment
        /// allows partial capture.
        // unverified: path from the index page; its parameters are MobilePay v10's.
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
    fn requests_say_what_is_wrong() {
        let field = |result: Result<()>| match result.unwrap_err() {
            Error::InvalidRequest { field, .. } => field,
            other => panic!("{other:?}"),
        };
        let amount: Amount = "27.06".parse().unwrap();
        assert!(
            StartPaymentRequest::new("1001", "o1", amount)
                .validate()
                .is_ok()
        );
        assert_eq!(
            field(StartPaymentRequest::new("1001", "o1", Amount::default()).validate()),
            "amount"
        );
        assert_eq!(
            field(StartPaymentRequest::new("1001", "x".repeat(37), amount).validate()),
            "orderId"
        );
        assert_eq!(
            field(StartPaymentRequest::new(" ", "o", amount).validate()),
            "terminalId"
        );
        let mut list = ListPaymentsRequest::active("1001");
        list.state = Some(PaymentStatus::Reserved);
        assert_eq!(field(list.validate()), "state");
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
