//! A card payment whose creation answer was lost is looked up by its reference, never sent
//! again: sending it twice could charge the card twice.

use futures::future::BoxFuture;

use super::payments::{CreatePaymentRequest, ListPaymentsRequest, Payment, endpoints};
use crate::MerchantClient;
use crate::error::{Error, Result};

/// How many pages of the terminal's payments to search. The filter by reference is not
/// documented by myPOS, so matches are also checked here, in case the API ignores it.
const PAGES_SEARCHED: u32 = 3;

/// A reference for a payment created without one: `mypos-` and 32 random hex digits.
pub(super) fn new_reference() -> String {
    format!("mypos-{}", uuid::Uuid::new_v4().simple())
}

/// Settles an ePOS create whose outcome is unknown.
pub(super) fn create<'a>(
    client: &'a MerchantClient,
    request: &'a CreatePaymentRequest,
    error: Error,
) -> BoxFuture<'a, Result<Payment>> {
    Box::pin(async move {
        let reference = request.reference_number.clone().unwrap_or_default();
        let unconfirmed = |cause: String| Error::PaymentUnconfirmed {
            reference_number: reference.clone(),
            cause,
        };
        match find(client, &request.terminal_id, &reference).await {
            Ok(Some(payment)) => {
                tracing::warn!(reference = %reference, "the payment exists: returning it instead of creating another");
                Ok(payment)
            }
            Ok(None) => Err(unconfirmed(format!(
                "{error}; no payment with this reference was found yet"
            ))),
            Err(lookup) => Err(unconfirmed(format!(
                "{error}; looking it up failed too: {lookup}"
            ))),
        }
    })
}

async fn find(
    client: &MerchantClient,
    terminal_id: &str,
    reference: &str,
) -> Result<Option<Payment>> {
    for page in 1..=PAGES_SEARCHED {
        let request = ListPaymentsRequest {
            terminal_id: terminal_id.to_string(),
            reference_number: Some(reference.to_string()),
            page: Some(page),
            size: Some(100),
        };
        let answer = endpoints::list.call(client, &request).await?;
        let found = answer
            .items
            .into_iter()
            .find(|p| p.reference_number.as_deref() == Some(reference));
        if found.is_some() || !answer.has_next_page {
            return Ok(found);
        }
    }
    Ok(None)
}
