//! The refusals the payment and terminal routes share.

use axum::http::StatusCode;

use crate::problem::Problem;

pub(crate) fn terminal_not_found(terminal_id: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND)
        .with_detail(format!("Terminal {terminal_id} was not found."))
}

pub(crate) fn payment_not_found(payment_id: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND).with_detail(format!("Payment {payment_id} was not found."))
}

/// A request that the current state does not allow (see the README's state machine).
pub(crate) fn conflict(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::CONFLICT).with_detail(detail)
}
