//! The MobilePay rules a refusal can name. A refusal (`success: false`) becomes
//! [`Error::Api`]; when its message is a breach of one of these rules, the error's
//! `error_type` is the rule's id (`mobilepay:one_active_payment`) and its `status_message` the
//! rule in words, so callers can tell which rule without parsing text.

use std::collections::BTreeMap;

use crate::error::{ApiError, Error};

/// Prefix of the `error_type` of a rule breach.
const PREFIX: &str = "mobilepay:";

/// A MobilePay point-of-sale rule (MobilePay PoS v10, whose error codes identify them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Only one payment may be active (neither captured nor ended: `Reserved` included) on a
    /// point of sale at a time; capture or cancel it before starting another (1301).
    OneActivePayment,
    /// `ready` needs a payment that is `Prepared` or `Paired` (1303).
    ReadyRequiresPrepared,
    /// Only a `Reserved` payment can be captured (1304).
    CaptureRequiresReserved,
    /// A capture may not exceed the reserved amount (1305).
    CaptureAboveReserved,
    /// A captured payment cannot be captured again with another amount (1307).
    CaptureAmountDiffers,
    /// Less than the reserved amount can be captured only when the payment allows partial
    /// capture (1308).
    PartialCaptureNotAllowed,
    /// A payment that is captured, cancelled or expired cannot be cancelled (1300).
    CancelNotAllowed,
    /// Only a captured payment can be refunded (1354).
    RefundRequiresCaptured,
    /// A refund is in the payment's currency (1365).
    RefundCurrencyMismatch,
    /// The refunds of a payment may not exceed what was captured (1367).
    RefundAboveCaptured,
    /// Only a `Reserved` refund can be captured (1351).
    RefundCaptureRequiresReserved,
    /// A refund that is captured, cancelled or expired cannot be cancelled (1352).
    RefundCancelNotAllowed,
}

/// Each rule: MobilePay's error code, its id, the rule in words, and phrases of MobilePay's
/// own messages for it.
// unverified: Integra's texts for these refusals are not in the public texts; MobilePay's v10
// codes and messages are, and a wrapper is likely to pass them on. A message is matched by
// its code first, then by these phrases.
const RULES: &[(Rule, &str, &str, &str, &[&str])] = &[
    (
        Rule::OneActivePayment,
        "1301",
        "one_active_payment",
        "Only one payment may be active on a point of sale",
        &["already active", "already an active payment"],
    ),
    (
        Rule::ReadyRequiresPrepared,
        "1303",
        "ready_requires_prepared",
        "Only a prepared payment can be made ready",
        &["not in a prepared state", "not prepared"],
    ),
    (
        Rule::CaptureRequiresReserved,
        "1304",
        "capture_requires_reserved",
        "Only a reserved payment can be captured",
        &["payment is not reserved", "not in a reserved state"],
    ),
    (
        Rule::CaptureAboveReserved,
        "1305",
        "capture_above_reserved",
        "A capture may not exceed the reserved amount",
        &["higher than the reserved", "exceeds the reserved"],
    ),
    (
        Rule::CaptureAmountDiffers,
        "1307",
        "capture_amount_differs",
        "A captured payment cannot be captured with another amount",
        &["already captured with a different amount"],
    ),
    (
        Rule::PartialCaptureNotAllowed,
        "1308",
        "partial_capture_not_allowed",
        "This payment allows no partial capture",
        &["partial capture is not possible", "partial capture not"],
    ),
    (
        Rule::CancelNotAllowed,
        "1300",
        "cancel_not_allowed",
        "A captured, cancelled or expired payment cannot be cancelled",
        &["cannot cancel payment", "cannot be cancelled"],
    ),
    (
        Rule::RefundRequiresCaptured,
        "1354",
        "refund_requires_captured",
        "Only a captured payment can be refunded",
        &["payment is not captured"],
    ),
    (
        Rule::RefundCurrencyMismatch,
        "1365",
        "refund_currency_mismatch",
        "A refund must be in the payment's currency",
        &["currency does not match"],
    ),
    (
        Rule::RefundAboveCaptured,
        "1367",
        "refund_above_captured",
        "Refunds may not exceed the captured amount",
        &["refund amount is too high", "exceeds the captured"],
    ),
    (
        Rule::RefundCaptureRequiresReserved,
        "1351",
        "refund_capture_requires_reserved",
        "Only a reserved refund can be captured",
        &["refund is not reserved"],
    ),
    (
        Rule::RefundCancelNotAllowed,
        "1352",
        "refund_cancel_not_allowed",
        "A captured, cancelled or expired refund cannot be cancelled",
        &["cannot cancel refund", "refund cannot be cancelled"],
    ),
];

impl Rule {
    fn entry(
        self,
    ) -> &'static (
        Rule,
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    ) {
        RULES
            .iter()
            .find(|entry| entry.0 == self)
            .expect("every rule is in the table")
    }

    /// MobilePay's error code for a breach (`"1301"`).
    pub fn code(self) -> &'static str {
        self.entry().1
    }

    /// The rule's id (`"one_active_payment"`).
    pub fn id(self) -> &'static str {
        self.entry().2
    }

    /// The rule in words.
    pub fn describe(self) -> &'static str {
        self.entry().3
    }

    /// What an [`ApiError`]'s `error_type` is for a breach: `mobilepay:one_active_payment`.
    pub fn error_type(self) -> String {
        format!("{PREFIX}{}", self.id())
    }

    /// The rule an error reports a breach of, if any.
    pub fn of(error: &Error) -> Option<Rule> {
        let api = error.api()?;
        let id = api.error_type.as_deref()?.strip_prefix(PREFIX)?;
        RULES
            .iter()
            .find(|entry| entry.2 == id)
            .map(|entry| entry.0)
    }

    /// The rule a refusal's message names: by MobilePay's code, else by its wording.
    fn recognise(message: &str) -> Option<Rule> {
        // A code counts only where it reads as one, not inside an amount or an order id.
        let lower = message.to_lowercase();
        let names_code = |code: &str| {
            [
                format!("({code})"),
                format!("[{code}]"),
                format!("error {code}"),
                format!("code {code}"),
            ]
            .iter()
            .any(|form| lower.contains(form.as_str()))
                || lower
                    .strip_prefix(code)
                    .is_some_and(|rest| rest.starts_with([':', ' ', '-']))
        };
        if let Some(entry) = RULES.iter().find(|entry| names_code(entry.1)) {
            return Some(entry.0);
        }
        RULES
            .iter()
            .find(|entry| entry.4.iter().any(|phrase| lower.contains(phrase)))
            .map(|entry| entry.0)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// A refusal (`success: false`) as the API error: the server's `errors` under the key
/// `request` (they are about the request as a whole), joined as the detail, and the rule
/// they name, if any.
pub(crate) fn refusal(status: u16, messages: Vec<String>) -> Error {
    let rule = messages.iter().find_map(|m| Rule::recognise(m));
    let detail = if messages.is_empty() {
        "the API answered success: false without a reason".to_string()
    } else {
        messages.join(" ")
    };
    let mut errors = BTreeMap::new();
    if !messages.is_empty() {
        errors.insert("request".to_string(), messages);
    }
    ApiError {
        status,
        status_message: match rule {
            Some(rule) => format!("MobilePay rule broken: {}", rule.describe()),
            None => "MobilePay refused the request".to_string(),
        },
        detail: Some(detail),
        errors,
        error_type: rule.map(Rule::error_type),
        ..ApiError::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_recognised_by_code_or_wording() {
        let rule = |text: &str| Rule::of(&refusal(200, vec![text.into()]));
        assert_eq!(
            rule("A payment is already active. Cancel it before starting a new one"),
            Some(Rule::OneActivePayment)
        );
        assert_eq!(
            rule("Refused (MobilePay error 1305)"),
            Some(Rule::CaptureAboveReserved)
        );
        assert_eq!(rule("Something else 12345"), None);
        assert_eq!(rule("Order 1301 costs 1305.00"), None);
        assert_eq!(rule("1308: no"), Some(Rule::PartialCaptureNotAllowed));
        assert_eq!(Rule::of(&refusal(200, vec![])), None);
        for entry in RULES {
            assert_eq!(Rule::recognise(&format!("x ({})", entry.1)), Some(entry.0));
            assert_eq!(
                Rule::of(&refusal(200, vec![entry.4[0].to_uppercase()])),
                Some(entry.0)
            );
        }
    }

    #[test]
    fn a_refusal_keeps_the_servers_errors() {
        let error = refusal(200, vec!["Payment not found".into()]);
        let Error::Api(api) = &error else { panic!() };
        assert_eq!(api.errors["request"], vec!["Payment not found".to_string()]);
        assert_eq!(api.error_type, None);
        assert_eq!(error.class_name(), "APIError");
        assert!(error.to_string().contains("Payment not found"));
    }
}
