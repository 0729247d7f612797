//! ePOS payments (`/epos/v1/payments...`): the API asks a terminal to take a card payment; the
//! payment stays `InProgress` until the terminal finishes it.

use std::time::Duration;

use futures::future::BoxFuture;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::{Error, Result};
use crate::page::Page;
use crate::{MerchantClient, MinorUnits};

pub use super::status::PaymentStatus;

/// The longest `reference_number` the gateway takes.
pub const MAX_REFERENCE_LENGTH: usize = 50;

/// An amount to charge: whole minor units (2500 = 25.00) and its currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentAmount {
    /// Minor units (cents): 2500 is 25.00.
    pub value: MinorUnits,
    /// ISO 4217 code, e.g. `EUR`; the terminal's currency.
    pub currency_code: String,
    /// Tip in minor units, on top of `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<MinorUnits>,
}

impl PaymentAmount {
    pub fn new(value: u64, currency_code: impl Into<String>) -> Self {
        Self {
            value: MinorUnits(value),
            currency_code: currency_code.into(),
            tip: None,
        }
    }
}

/// Start a card payment on a terminal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentRequest {
    /// The id (TID) of the terminal that takes the card: 8 digits on the terminals seen, but
    /// `mypos-api-gateway` writes `T001234`, so the form is the API's to judge.
    pub terminal_id: String,
    pub amount: PaymentAmount,
    /// Your own reference, at most 50 characters. Set it: it is how a payment whose creation
    /// answer was lost can be found again (`list` filters on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The name of your application, as the terminal shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// The operator (cashier) taking the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_code: Option<String>,
}

impl CreatePaymentRequest {
    pub fn new(terminal_id: impl Into<String>, amount: PaymentAmount) -> Self {
        Self {
            terminal_id: terminal_id.into(),
            amount,
            ..Self::default()
        }
    }
}

impl ApiRequest for CreatePaymentRequest {
    /// A reference is how a payment whose answer was lost is found again: an empty one finds
    /// nothing (or someone else's payment).
    fn validate(&self) -> crate::Result<()> {
        if self
            .reference_number
            .as_deref()
            .is_some_and(|reference| reference.trim().is_empty())
        {
            return Err(crate::Error::invalid(
                "reference_number",
                "must not be empty: it is how a payment whose answer was lost is found again; \
                 leave it out to have one generated",
            ));
        }
        Ok(())
    }

    /// Every payment gets a reference, so one whose answer is lost can be found again.
    fn prepare(&self) -> Option<Self> {
        self.reference_number.is_none().then(|| Self {
            reference_number: Some(new_reference()),
            ..self.clone()
        })
    }
}

/// One payment, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentRequest {
    pub payment_id: String,
}

impl GetPaymentRequest {
    pub fn new(payment_id: impl Into<String>) -> Self {
        Self {
            payment_id: payment_id.into(),
        }
    }
}

impl ApiRequest for GetPaymentRequest {}

/// The payments of one terminal, a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPaymentsRequest {
    /// The terminal whose payments to list (required by the API).
    pub terminal_id: String,
    /// Only the payments created with this reference. Not documented by myPOS (the sandbox
    /// honours it); use it to find a payment whose creation answer was lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<String>,
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ListPaymentsRequest {
    pub fn new(terminal_id: impl Into<String>) -> Self {
        Self {
            terminal_id: terminal_id.into(),
            ..Self::default()
        }
    }
}

impl ApiRequest for ListPaymentsRequest {}

crate::paged_request!(ListPaymentsRequest);

/// Cancel a payment the terminal has not finished yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelPaymentRequest {
    pub payment_id: String,
}

impl CancelPaymentRequest {
    pub fn new(payment_id: impl Into<String>) -> Self {
        Self {
            payment_id: payment_id.into(),
        }
    }
}

impl ApiRequest for CancelPaymentRequest {}

/// Reverse (void) a successful payment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversePaymentRequest {
    pub payment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The terminal of the payment; the API finds it from the payment when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

impl ReversePaymentRequest {
    pub fn new(payment_id: impl Into<String>) -> Self {
        Self {
            payment_id: payment_id.into(),
            ..Self::default()
        }
    }
}

impl ApiRequest for ReversePaymentRequest {}

/// Refund to a card presented on the terminal, without reference to an earlier payment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundPaymentRequest {
    /// The id (TID) of the terminal that takes the card.
    pub terminal_id: String,
    /// The amount, with an optional `tip` as `mypos-api-gateway` sends it (`tip: 0`).
    pub amount: PaymentAmount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

impl RefundPaymentRequest {
    pub fn new(terminal_id: impl Into<String>, amount: PaymentAmount) -> Self {
        Self {
            terminal_id: terminal_id.into(),
            amount,
            ..Self::default()
        }
    }
}

impl ApiRequest for RefundPaymentRequest {}

/// The amount of a payment as the API reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentAmountDetails {
    /// Minor units (cents).
    #[serde(default)]
    pub value: MinorUnits,
    #[serde(default)]
    pub currency_code: String,
    /// Tip in minor units.
    #[serde(default)]
    pub tip: Option<MinorUnits>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An ePOS payment. Card fields are filled once the terminal has finished it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Payment {
    /// 24 hex characters. Empty only if the API named it `request_id` instead (one source's
    /// list items do; it is then kept in `extra`): [`Payment::id`] reads either.
    #[serde(default)]
    pub payment_id: String,
    #[serde(default)]
    pub status: Option<PaymentStatus>,
    #[serde(default)]
    pub amount: PaymentAmountDetails,
    #[serde(default)]
    pub reference_number: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Date-times without zone, as the API writes them (`2025-10-27T09:56:24`).
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Until when the terminal waits for a card.
    #[serde(default)]
    pub expire_at: Option<String>,
    /// The terminal the payment runs on (the sandbox sends it; the gateway's examples do not).
    #[serde(default)]
    pub terminal_id: Option<String>,
    /// The reference of the card transaction, for `terminals.get_receipt` (the sandbox sends
    /// it; the gateway's examples do not).
    #[serde(default)]
    pub payment_reference: Option<String>,
    /// `TRANSACTION_SUCCESS` when approved.
    #[serde(default)]
    pub status_message: Option<String>,
    /// ISO 8583 response code, `00` when approved.
    #[serde(default)]
    pub response_code: Option<String>,
    #[serde(default)]
    pub stan: Option<String>,
    #[serde(default)]
    pub auth_code: Option<String>,
    #[serde(default)]
    pub rrn: Option<String>,
    /// EMV application id of the card.
    #[serde(default)]
    pub aid: Option<String>,
    /// Masked card number (`****6693`).
    #[serde(default)]
    pub pan: Option<String>,
    /// The card scheme (`VISA`, `MASTERCARD`…).
    #[serde(default)]
    pub card_qualifier: Option<String>,
    /// Terminal-local date-time as `yyMMddHHmmss`.
    #[serde(default)]
    pub transaction_date_local: Option<String>,
    #[serde(default)]
    pub reference_type: Option<String>,
    #[serde(default)]
    pub dcc_available: Option<bool>,
    #[serde(default)]
    pub dcc_amount: Option<Decimal>,
    #[serde(default)]
    pub dcc_card_exchange_rate: Option<Decimal>,
    #[serde(default)]
    pub signature_required: Option<bool>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Payment {
    /// The payment's id, whichever name the API gave it (`payment_id` or `request_id`).
    pub fn id(&self) -> Option<&str> {
        Some(self.payment_id.as_str())
            .filter(|id| !id.is_empty())
            .or_else(|| self.extra.get("request_id").and_then(Value::as_str))
    }
}

impl ApiResponse for Payment {}

/// The answer to a cancellation (HTTP 202); `None` when the API sends no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CancelledPayment {
    /// The cancelled payment's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Option<CancelledPayment> {}

crate::operations! {
    /// Card payments taken on a terminal.
    pub struct Payments<MerchantClient> as "epos.payments" {
        /// Ask a terminal to take a card payment. Answers `InProgress`; follow it with `get`.
        /// Never sent twice: when its answer is lost, the payment is looked up by its
        /// `reference_number` (generated when not given) and returned if it exists; otherwise
        /// the error carries the reference, to look it up again later.
        create(CreatePaymentRequest) -> Payment = POST "/epos/v1/payments",
            reconciled by crate::gateway::epos::payments::reconcile_create;
        /// One payment, with its card details once the terminal has finished it.
        get(GetPaymentRequest) -> Payment = GET "/epos/v1/payments/{payment_id}";
        /// The payments of one terminal, a page at a time.
        list(ListPaymentsRequest) -> Page<Payment> = GET "/epos/v1/payments";
        /// Cancel a payment the terminal has not finished yet (HTTP 202).
        cancel(CancelPaymentRequest) -> Option<CancelledPayment> = DELETE "/epos/v1/payments/{payment_id}";
        /// Reverse (void) a successful payment.
        reverse(ReversePaymentRequest) -> Payment = POST "/epos/v1/payments/{payment_id}/reversal";
        /// Refund to a card presented on the terminal; answers a refund payment `InProgress`.
        refund(RefundPaymentRequest) -> Payment = POST "/epos/v1/payments/refund";
    }
}

// A card payment whose creation answer was lost is looked up by its reference, never sent
// again: sending it twice could charge the card twice. (Here, beside `create`, as the
// reconciler is part of that endpoint's one definition.)
//
// A payment counts as the one created only when its reference, amount, currency and terminal
// are the request's, so a reused reference cannot confirm someone else's payment. The lookup
// is repeated for a few seconds (a slow create may land after the first look), within the
// call's own timeout and never past it.

/// How many pages of the terminal's payments to search. The filter by reference is not
/// documented by myPOS, so matches are also checked here, in case the API ignores it.
const PAGES_SEARCHED: u32 = 3;

/// The wait before looking again, doubling up to [`MAX_LOOK_DELAY`].
const FIRST_LOOK_DELAY: Duration = Duration::from_millis(250);
const MAX_LOOK_DELAY: Duration = Duration::from_secs(2);
/// How long after the failure to keep looking, when the call's timeout is longer: a create
/// that has not shown by then is left to the caller, with its reference.
const LOOK_WINDOW: Duration = Duration::from_secs(5);

/// A reference for a payment created without one: `mypos-` and 32 random hex digits.
fn new_reference() -> String {
    format!("mypos-{}", uuid::Uuid::new_v4().simple())
}

/// What one look found.
enum Found {
    /// The payment this request created.
    Ours(Box<Payment>),
    /// Only payments with this reference that differ in amount, currency or terminal.
    Others,
    Nothing,
}

/// Settles an ePOS create whose outcome is unknown, within the call's timeout from `began`.
fn reconcile_create<'a>(
    client: &'a MerchantClient,
    request: &'a CreatePaymentRequest,
    error: Error,
    began: Instant,
) -> BoxFuture<'a, Result<Payment>> {
    Box::pin(async move {
        let reference = request.reference_number.clone().unwrap_or_default();
        let deadline = (began + client.options().timeout).min(Instant::now() + LOOK_WINDOW);
        let mut seen = "the call's timeout left no time to look it up".to_string();
        let mut delay = FIRST_LOOK_DELAY;
        while let Some(remaining) = deadline.checked_duration_since(Instant::now()) {
            if remaining.is_zero() {
                break;
            }
            let lookup = async {
                let looking = client.with_options(Some(remaining), None)?;
                find(&looking, request, &reference).await
            };
            match tokio::time::timeout_at(deadline, lookup).await {
                Ok(Ok(Found::Ours(payment))) => {
                    tracing::warn!(reference = %reference, "the payment exists: returning it instead of creating another");
                    return Ok(*payment);
                }
                Ok(Ok(Found::Others)) => {
                    seen = "payments with this reference exist, but not with this amount, currency and terminal".into()
                }
                Ok(Ok(Found::Nothing)) => {
                    seen = "no payment with this reference was found yet".into()
                }
                Ok(Err(lookup)) => seen = format!("looking it up failed: {lookup}"),
                Err(_) => break,
            }
            if Instant::now() + delay >= deadline {
                break;
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(MAX_LOOK_DELAY);
        }
        Err(Error::PaymentUnconfirmed {
            reference_number: reference,
            cause: format!("{error}; {seen}"),
        })
    })
}

async fn find(
    client: &MerchantClient,
    request: &CreatePaymentRequest,
    reference: &str,
) -> Result<Found> {
    let mut found = Found::Nothing;
    for page in 1..=PAGES_SEARCHED {
        let list = ListPaymentsRequest {
            terminal_id: request.terminal_id.clone(),
            reference_number: Some(reference.to_string()),
            page: Some(page),
            size: Some(100),
        };
        let answer = endpoints::list.call(client, &list).await?;
        for payment in answer.items {
            if payment.reference_number.as_deref() != Some(reference) {
                continue;
            }
            if is_created_by(&payment, request) {
                return Ok(Found::Ours(Box::new(payment)));
            }
            found = Found::Others;
        }
        if !answer.has_next_page {
            break;
        }
    }
    Ok(found)
}

/// Whether `payment` is what `request` asked for. A terminal the answer leaves out is the one
/// listed; an amount or currency it leaves out is not a match.
fn is_created_by(payment: &Payment, request: &CreatePaymentRequest) -> bool {
    payment.amount.value == request.amount.value
        && payment
            .amount
            .currency_code
            .eq_ignore_ascii_case(&request.amount.currency_code)
        && payment
            .terminal_id
            .as_deref()
            .is_none_or(|terminal| terminal == request.terminal_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_finished_payment_and_keeps_unknown_fields() {
        let payment: Payment = serde_json::from_value(json!({
            "payment_id": "68ff25a853659f6448da0eba", "status": "Success",
            "amount": {"value": 2500, "currency_code": "EUR", "tip": 0},
            "created_at": "2025-10-27T09:56:24", "stan": "000408", "response_code": "00",
            "dcc_amount": 27.3, "brand_new": {"x": 1}
        }))
        .unwrap();
        assert_eq!(payment.status, Some(PaymentStatus::Success));
        assert_eq!(payment.amount.value, MinorUnits(2500));
        assert_eq!(payment.dcc_amount, Some(Decimal::new(273, 1)));
        assert_eq!(payment.extra["brand_new"], json!({"x": 1}));
    }

    #[test]
    fn list_items_may_name_the_id_request_id() {
        let payment: Payment =
            serde_json::from_value(json!({"request_id": "abc", "status": "InProgress"})).unwrap();
        assert_eq!(payment.id(), Some("abc"));
    }

    #[test]
    fn only_the_same_amount_currency_and_terminal_match() {
        let request = CreatePaymentRequest::new("T1", PaymentAmount::new(2500, "EUR"));
        let payment = |value: Value| serde_json::from_value::<Payment>(value).unwrap();
        let same = json!({"amount": {"value": 2500, "currency_code": "eur"}, "terminal_id": "T1"});
        assert!(is_created_by(&payment(same), &request));
        let unnamed = json!({"amount": {"value": 2500, "currency_code": "EUR"}});
        assert!(is_created_by(&payment(unnamed), &request));
        for other in [
            json!({"amount": {"value": 2400, "currency_code": "EUR"}, "terminal_id": "T1"}),
            json!({"amount": {"value": 2500, "currency_code": "BGN"}, "terminal_id": "T1"}),
            json!({"amount": {"value": 2500, "currency_code": "EUR"}, "terminal_id": "T2"}),
            json!({"amount": {"value": 2500}}),
        ] {
            assert!(!is_created_by(&payment(other.clone()), &request), "{other}");
        }
    }
}
