//! The customer's side, driven by tests: check in at a point of sale, accept or reject the
//! payment on the phone, or let it expire (MobilePay cancels it). Also lets a reserved refund
//! expire.
//!
//! From Rust through [`Sandbox`] / [`SandboxState`] methods (`mobilepay_check_in`,
//! `mobilepay_accept`, …); over HTTP under `/_sandbox/mobilepay/`:
//!
//! - `POST /_sandbox/mobilepay/terminals/{terminal_id}/checkin` (or `/pos/{pos_id}/checkin`)
//! - `POST /_sandbox/mobilepay/payments/{payment_id}/{accept|reject|expire}`, `accept`
//!   optionally with `{"partial_capture_possible": false}` (default true)
//! - `POST /_sandbox/mobilepay/terminals/{terminal_id}/{accept|reject|expire}`: the payment
//!   the terminal's customer deals with (the active one, else the newest reserved one)
//! - `POST /_sandbox/mobilepay/refunds/{refund_id}/expire`
//! - `GET /_sandbox/mobilepay/payments` (optional `?terminal_id=`): every payment, oldest first
//!
//! Each action answers the payment as `payment/details` serves it (camelCase); a check-in
//! answers `{"checkedIn": true, "payment": <payment or null>}`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::model::{Merchant, MobilePayState, RefundStatus, Status};
use crate::Sandbox;
use crate::problem::Problem;
use crate::state::SandboxState;

/// What the customer (or MobilePay) does to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerAction {
    /// The customer accepts and the amount is reserved: `IssuedToUser` → `Reserved`.
    Accept {
        /// Whether less than the reserved amount may be captured (card rules decide).
        partial_capture_possible: bool,
    },
    /// The customer rejects: `IssuedToUser` or `Paired` → `CancelledByUser`.
    Reject,
    /// Time runs out: with the customer → `CancelledByMobilePay`, `Reserved` →
    /// `ExpiredAndCancelled`.
    Expire,
}

impl CustomerAction {
    /// Accept, allowing partial capture.
    pub const ACCEPT: CustomerAction = CustomerAction::Accept {
        partial_capture_possible: true,
    };
}

/// Why the customer's side could not act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerError {
    /// No payment, terminal, point of sale or refund has this id.
    NotFound(String),
    /// Not possible in the current state.
    Conflict(String),
}

impl std::fmt::Display for CustomerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(message) | Self::Conflict(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CustomerError {}

impl From<CustomerError> for Problem {
    fn from(error: CustomerError) -> Self {
        let status = match error {
            CustomerError::NotFound(_) => StatusCode::NOT_FOUND,
            CustomerError::Conflict(_) => StatusCode::CONFLICT,
        };
        Problem::new(status).with_detail(error.to_string())
    }
}

type Outcome = Result<Value, CustomerError>;

impl SandboxState {
    /// A customer checks in at terminal `terminal_id`: a waiting payment goes to them
    /// (`Initiated` → `IssuedToUser`, `Prepared` → `Paired`); with none, the next payment
    /// does. Answers `{"checkedIn": true, "payment": <payment or null>}`.
    pub fn mobilepay_check_in(&self, terminal_id: &str) -> Outcome {
        self.with(|s| {
            let merchant = s
                .mobilepay
                .find_terminal(terminal_id)
                .ok_or_else(|| not_found("Terminal", terminal_id))?;
            let pos_id = merchant.terminals[terminal_id]
                .pos_id
                .clone()
                .ok_or_else(|| {
                    CustomerError::Conflict(format!(
                        "Terminal {terminal_id} has no MobilePay point of sale to check in at."
                    ))
                })?;
            check_in(merchant, &pos_id)
        })
    }

    /// A customer checks in at point of sale `pos_id` (MobilePay's id).
    pub fn mobilepay_check_in_at_pos(&self, pos_id: &str) -> Outcome {
        self.with(|s| {
            let merchant = s
                .mobilepay
                .find_pos(pos_id)
                .ok_or_else(|| not_found("Point of sale", pos_id))?;
            check_in(merchant, pos_id)
        })
    }

    /// The customer (or MobilePay) acts on payment `payment_id`; answers the payment.
    pub fn mobilepay_act(&self, payment_id: &str, action: CustomerAction) -> Outcome {
        self.with(|s| {
            let (merchant, index) = s
                .mobilepay
                .find_payment(payment_id)
                .ok_or_else(|| not_found("Payment", payment_id))?;
            act(merchant, index, action)
        })
    }

    /// The same, on the payment terminal `terminal_id`'s customer deals with.
    pub fn mobilepay_act_on_terminal(&self, terminal_id: &str, action: CustomerAction) -> Outcome {
        self.with(|s| {
            let merchant = s
                .mobilepay
                .find_terminal(terminal_id)
                .ok_or_else(|| not_found("Terminal", terminal_id))?;
            let index = merchant.terminals[terminal_id]
                .pos_id
                .clone()
                .and_then(|pos_id| merchant.current_on(&pos_id))
                .ok_or_else(|| {
                    CustomerError::Conflict(format!(
                        "Terminal {terminal_id} has no payment in progress."
                    ))
                })?;
            act(merchant, index, action)
        })
    }

    /// A reserved refund is not captured in time (MobilePay captures it, `ExpiredAndCaptured`);
    /// an initiated one fails (`CancelledByMobilePay`). Answers the refund.
    pub fn mobilepay_expire_refund(&self, refund_id: &str) -> Outcome {
        self.with(|s| {
            let (merchant, index) = s
                .mobilepay
                .find_refund(refund_id)
                .ok_or_else(|| not_found("Refund", refund_id))?;
            let refund = &mut merchant.refunds[index];
            refund.status = match refund.status {
                RefundStatus::Reserved => RefundStatus::ExpiredAndCaptured,
                RefundStatus::Initiated => RefundStatus::CancelledByMobilePay,
                other => {
                    return Err(CustomerError::Conflict(format!(
                        "Refund {refund_id} is {}; only an initiated or reserved refund can expire.",
                        other.as_str()
                    )));
                }
            };
            Ok(refund.json())
        })
    }

    /// Every MobilePay payment (of every merchant), optionally only a terminal's, oldest
    /// first, as `payment/details` serves them.
    pub fn mobilepay_payments(&self, terminal_id: Option<&str>) -> Vec<Value> {
        self.with(|s| payments(&s.mobilepay, terminal_id))
    }
}

fn payments(state: &MobilePayState, terminal_id: Option<&str>) -> Vec<Value> {
    state
        .merchants
        .values()
        .flat_map(|m| m.payments.iter())
        .filter(|p| terminal_id.is_none_or(|t| p.terminal_id.as_deref() == Some(t)))
        .map(|p| p.json())
        .collect()
}

fn not_found(what: &str, id: &str) -> CustomerError {
    CustomerError::NotFound(format!("{what} {id} was not found."))
}

fn check_in(merchant: &mut Merchant, pos_id: &str) -> Outcome {
    let pos = &merchant.points_of_sale[pos_id];
    if pos.deleted {
        return Err(CustomerError::Conflict(format!(
            "Point of sale {pos_id} is deleted."
        )));
    }
    let waiting = merchant
        .payments
        .iter()
        .rposition(|p| p.pos_id == pos_id && p.status.is_pending());
    let Some(index) = waiting else {
        if pos.require_payment_before_checkin {
            return Err(CustomerError::Conflict(format!(
                "Point of sale {pos_id} requires a payment before check-in."
            )));
        }
        if let Some(pos) = merchant.points_of_sale.get_mut(pos_id) {
            pos.checked_in = true;
        }
        return Ok(json!({ "checkedIn": true, "payment": null }));
    };
    match merchant.payments[index].status {
        Status::Initiated => merchant.set_status(index, Status::IssuedToUser),
        Status::Prepared => merchant.set_status(index, Status::Paired),
        // Already with the customer.
        _ => {}
    }
    Ok(json!({ "checkedIn": true, "payment": merchant.payments[index].json() }))
}

fn act(merchant: &mut Merchant, index: usize, action: CustomerAction) -> Outcome {
    let payment = &merchant.payments[index];
    let refuse = |what: &str| {
        Err(CustomerError::Conflict(format!(
            "Payment {} is {}; the customer cannot {what} it.",
            payment.id,
            payment.status.as_str()
        )))
    };
    let next = match (action, payment.status) {
        (CustomerAction::Accept { .. }, Status::IssuedToUser) => Status::Reserved,
        (CustomerAction::Accept { .. }, _) => return refuse("accept"),
        (CustomerAction::Reject, Status::IssuedToUser | Status::Paired) => Status::CancelledByUser,
        (CustomerAction::Reject, _) => return refuse("reject"),
        (CustomerAction::Expire, status) if status.is_pending() => Status::CancelledByMobilePay,
        (CustomerAction::Expire, Status::Reserved) => Status::ExpiredAndCancelled,
        (CustomerAction::Expire, _) => return refuse("let expire"),
    };
    if let CustomerAction::Accept {
        partial_capture_possible,
    } = action
    {
        merchant.payments[index].partial_capture_possible = Some(partial_capture_possible);
    }
    merchant.set_status(index, next);
    Ok(merchant.payments[index].json())
}

impl Sandbox {
    /// A customer checks in at terminal `terminal_id` (see [`SandboxState::mobilepay_check_in`]).
    pub fn mobilepay_check_in(&self, terminal_id: &str) -> Outcome {
        self.state().mobilepay_check_in(terminal_id)
    }

    /// The customer accepts payment `payment_id` (partial capture allowed): `Reserved`.
    pub fn mobilepay_accept(&self, payment_id: &str) -> Outcome {
        self.state()
            .mobilepay_act(payment_id, CustomerAction::ACCEPT)
    }

    /// The customer rejects payment `payment_id`: `CancelledByUser`.
    pub fn mobilepay_reject(&self, payment_id: &str) -> Outcome {
        self.state()
            .mobilepay_act(payment_id, CustomerAction::Reject)
    }

    /// Payment `payment_id` runs out of time: `CancelledByMobilePay` or `ExpiredAndCancelled`.
    pub fn mobilepay_expire(&self, payment_id: &str) -> Outcome {
        self.state()
            .mobilepay_act(payment_id, CustomerAction::Expire)
    }

    /// The customer at terminal `terminal_id` acts on the payment they deal with.
    pub fn mobilepay_act_on_terminal(&self, terminal_id: &str, action: CustomerAction) -> Outcome {
        self.state().mobilepay_act_on_terminal(terminal_id, action)
    }

    /// Every MobilePay payment, optionally only a terminal's (see
    /// [`SandboxState::mobilepay_payments`]).
    pub fn mobilepay_payments(&self, terminal_id: Option<&str>) -> Vec<Value> {
        self.state().mobilepay_payments(terminal_id)
    }
}

// ---- over HTTP -----------------------------------------------------------------------------

/// Routes relative to `/_sandbox`.
pub(crate) fn control_router() -> Router<SandboxState> {
    Router::new()
        .route("/mobilepay/payments", get(list))
        .route(
            "/mobilepay/terminals/{terminal_id}/checkin",
            post(check_in_terminal),
        )
        .route("/mobilepay/pos/{pos_id}/checkin", post(check_in_pos))
        .route(
            "/mobilepay/payments/{payment_id}/{action}",
            post(on_payment),
        )
        .route(
            "/mobilepay/terminals/{terminal_id}/{action}",
            post(on_terminal),
        )
        .route("/mobilepay/refunds/{refund_id}/expire", post(expire_refund))
}

#[derive(Deserialize)]
struct ListFilter {
    terminal_id: Option<String>,
}

async fn list(State(state): State<SandboxState>, Query(filter): Query<ListFilter>) -> Json<Value> {
    Json(json!({ "payments": state.mobilepay_payments(filter.terminal_id.as_deref()) }))
}

async fn check_in_terminal(
    State(state): State<SandboxState>,
    Path(terminal_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(state.mobilepay_check_in(&terminal_id)?))
}

async fn check_in_pos(
    State(state): State<SandboxState>,
    Path(pos_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(state.mobilepay_check_in_at_pos(&pos_id)?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    partial_capture_possible: Option<bool>,
}

/// `accept`, `reject` or `expire`, with the optional JSON body.
fn action(name: &str, body: &Bytes) -> Result<CustomerAction, Problem> {
    let body: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(body).map_err(|e| Problem::validation("body", e.to_string()))?
    };
    match name {
        "accept" => Ok(CustomerAction::Accept {
            partial_capture_possible: body.partial_capture_possible.unwrap_or(true),
        }),
        "reject" => Ok(CustomerAction::Reject),
        "expire" => Ok(CustomerAction::Expire),
        other => Err(Problem::new(StatusCode::NOT_FOUND).with_detail(format!(
            "Unknown customer action '{other}'; use checkin, accept, reject or expire."
        ))),
    }
}

async fn on_payment(
    State(state): State<SandboxState>,
    Path((payment_id, name)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let action = action(&name, &body)?;
    Ok(Json(state.mobilepay_act(&payment_id, action)?))
}

async fn on_terminal(
    State(state): State<SandboxState>,
    Path((terminal_id, name)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let action = action(&name, &body)?;
    Ok(Json(state.mobilepay_act_on_terminal(&terminal_id, action)?))
}

async fn expire_refund(
    State(state): State<SandboxState>,
    Path(refund_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(state.mobilepay_expire_refund(&refund_id)?))
}
