//! A card payment whose creation answer was lost is looked up by its reference, never sent
//! again: sending it twice could charge the card twice.
//!
//! A payment counts as the one created only when its reference, amount, currency and terminal
//! are the request's, so a reused reference cannot confirm someone else's payment. The lookup
//! is repeated for a few seconds (a slow create may land after the first look), within the
//! call's own timeout and never past it.

use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::payments::{CreatePaymentRequest, ListPaymentsRequest, Payment, endpoints};
use crate::MerchantClient;
use crate::error::{Error, Result};

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
pub(super) fn new_reference() -> String {
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
pub(super) fn create<'a>(
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
    use crate::gateway::epos::payments::PaymentAmount;
    use serde_json::{Value, json};

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
