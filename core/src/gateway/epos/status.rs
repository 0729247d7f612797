//! The ePOS status vocabularies. The public record disagrees on them, so
//! each enum names the values seen anywhere and keeps any other value as text instead of
//! failing to read the payment.

crate::string_enum! {
    /// Where an ePOS payment is. `InProgress` until the terminal finishes it.
    pub enum PaymentStatus {
        /// Waiting for the terminal.
        InProgress = "InProgress",
        /// Approved.
        Success = "Success",
        /// Declined (by the card issuer, or the terminal gave up).
        Failed = "Failed",
        /// Refused (by the terminal or the cardholder).
        Rejected = "Rejected",
        /// Cancelled before the terminal finished it.
        Canceled = "Canceled",
        /// Reversed (voided) after success.
        Reversed = "Reversed",
        /// Approved: the spelling one source documents.
        Completed = "Completed",
        /// Cancelled: the spelling one source documents.
        Cancelled = "Cancelled",
    }
}

impl PaymentStatus {
    /// Still waiting for the terminal.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::InProgress)
    }

    /// Approved (`Success` or `Completed`).
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success | Self::Completed)
    }
}

crate::string_enum! {
    /// Whether a terminal can take payments.
    pub enum TerminalStatus {
        Active = "Active",
        Inactive = "Inactive",
        /// The legacy API's spelling of inactive.
        Deactive = "Deactive",
        Reset = "Reset",
        Initial = "Initial",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_and_unknown_values_round_trip() {
        for text in ["InProgress", "Completed", "Cancelled", "PendingSignature"] {
            let status: PaymentStatus = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&status).unwrap(), json!(text));
        }
        assert_eq!(PaymentStatus::from("Reversed"), PaymentStatus::Reversed);
        assert_eq!(
            PaymentStatus::from("APPROVED"),
            PaymentStatus::Other("APPROVED".into())
        );
        assert!(PaymentStatus::Completed.is_success() && !PaymentStatus::Failed.is_success());
    }
}
