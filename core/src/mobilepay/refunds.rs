//! Refunds of captured payments: create one (`Initiated`), wait until MobilePay has reserved
//! it (`Reserved`), then capture it (`Captured`) or cancel it. A payment may have several
//! refunds; together they may not exceed what was captured.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::MobilePayPos;
use super::envelope::payload;
use super::payments::{Currency, Message};
use crate::endpoint::ApiRequest;
use crate::money::Amount;

crate::string_enum! {
    /// Where a MobilePay refund is in its life.
    pub enum MobilePayRefundStatus {
        /// Created; MobilePay has not reserved it yet.
        Initiated = "Initiated",
        /// Reserved: capture it (or cancel).
        Reserved = "Reserved",
        /// Paid back to the customer.
        Captured = "Captured",
        /// The point of sale cancelled it.
        CancelledByClient = "CancelledByClient",
        /// MobilePay cancelled it.
        CancelledByMobilePay = "CancelledByMobilePay",
        /// Reserved and not captured in time: MobilePay captured it.
        ExpiredAndCaptured = "ExpiredAndCaptured",
        /// Reserved and not captured in time: cancelled (MobilePay's 2020 documentation).
        ExpiredAndCancelled = "ExpiredAndCancelled",
    }
}

/// Where a MobilePay refund is in its life (`MobilePayRefundStatus` in the typings).
pub type RefundStatus = MobilePayRefundStatus;

impl MobilePayRefundStatus {
    /// Nothing more happens to it.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Captured
                | Self::CancelledByClient
                | Self::CancelledByMobilePay
                | Self::ExpiredAndCaptured
                | Self::ExpiredAndCancelled
        )
    }
}

/// A refund of (part of) a captured payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayCreateRefundRequest")]
pub struct CreateRefundRequest {
    /// The captured payment.
    pub payment_id: String,
    /// Your id of the refund.
    pub refund_order_id: String,
    /// In major units; with the payment's other refunds at most what was captured.
    pub amount: Amount,
    /// The payment's currency; `DKK` when left out (sent explicitly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl CreateRefundRequest {
    pub fn new(
        payment_id: impl Into<String>,
        refund_order_id: impl Into<String>,
        amount: Amount,
    ) -> Self {
        Self {
            payment_id: payment_id.into(),
            refund_order_id: refund_order_id.into(),
            amount,
            currency_code: None,
        }
    }
}

impl ApiRequest for CreateRefundRequest {
    fn prepare(&self) -> Option<Self> {
        super::payments::with_default_currency(self, |r| &mut r.currency_code)
    }
}

/// One refund, by its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayRefundRequest")]
pub struct RefundRequest {
    pub refund_id: String,
}

impl RefundRequest {
    pub fn new(refund_id: impl Into<String>) -> Self {
        Self {
            refund_id: refund_id.into(),
        }
    }
}

impl ApiRequest for RefundRequest {}

/// The refunds of one payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayListRefundsRequest")]
pub struct ListRefundsRequest {
    pub payment_id: String,
}

impl ApiRequest for ListRefundsRequest {}

/// The id of a refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayRefundId")]
pub struct RefundId {
    pub refund_id: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A refund as MobilePay knows it.
// unverified: the text names no answer fields; they are MobilePay v10's
// (GetRefundResponse), read flat or from one wrapping object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayRefundDetails")]
pub struct RefundDetails {
    pub refund_id: String,
    #[serde(default)]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub refund_order_id: Option<String>,
    /// In major units.
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub currency_code: Option<Currency>,
    pub status: RefundStatus,
    /// Wait at least this long before asking again.
    #[serde(default)]
    pub poll_delay_in_ms: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The ids of a payment's refunds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayRefundIds")]
pub struct RefundIds {
    /// Oldest first. Required: an answer without the list is a decoding error.
    // unverified: the text names no answer field; `refundsIds` follows the payments list's
    // `paymentsIds`, and `refundIds` is read too.
    #[serde(alias = "refundIds")]
    pub refunds_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload!(RefundId, RefundDetails = "refundDetails", RefundIds);

crate::operations! {
    /// Refunds of captured MobilePay payments.
    pub struct Refunds<MobilePayPos> as "refunds" {
        /// Refunds (part of) a captured payment. The refund starts `Initiated`; capture it
        /// once it is `Reserved`.
        create(CreateRefundRequest) -> RefundId = POST "/api/pos/refund/create";
        /// Everything MobilePay knows of a refund.
        details(RefundRequest) -> RefundDetails = GET "/api/pos/refund/details";
        /// The ids of a payment's refunds.
        list(ListRefundsRequest) -> RefundIds = GET "/api/pos/refunds";
        /// Pays a `Reserved` refund back to the customer.
        capture(RefundRequest) -> Message = GET once "/api/pos/refund/capture";
        /// Cancels a refund that is not captured.
        cancel(RefundRequest) -> Message = GET once "/api/pos/refund/cancel";
    }
}
