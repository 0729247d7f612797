//! `/epos/v1/payments...`: start, read, list, cancel, reverse, refund.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::answers::{conflict, payment_not_found, terminal_not_found};
use super::clock::Stamp;
use super::fields::{MAX_DESCRIPTION, MAX_REFERENCE};
use super::model::{ACTIVE, Amount, EposState, Kind, Payment, WAIT_FOR_CARD_SECS, status};
use crate::extract::{JsonBody, query_pairs};
use crate::form::Form;
use crate::identity::Merchant;
use crate::paging::{Page, PageRequest};
use crate::problem::Problem;
use crate::state::SandboxState;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/epos/v1/payments", post(create).get(list))
        .route("/epos/v1/payments/refund", post(refund))
        .route(
            "/epos/v1/payments/{payment_id}",
            get(get_one).delete(cancel),
        )
        .route("/epos/v1/payments/{payment_id}/reversal", post(reverse))
}

/// The free-text fields every ePOS body may carry; read so a wrong type is reported.
fn app_fields(fields: &mut Form<'_>) -> Option<String> {
    fields.text_within("app_name", false, 100);
    fields.text_within("app_version", false, 100);
    fields.text_within("operator_code", false, 100)
}

async fn create(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Payment>), Problem> {
    let mut fields = Form::of(&body)?;
    let terminal_id = fields.terminal_id(true);
    let amount = fields.minor_amount();
    let reference_number = fields.text_within("reference_number", false, MAX_REFERENCE);
    let description = fields.text_within("description", false, MAX_DESCRIPTION);
    let operator_code = app_fields(&mut fields);
    fields.finish()?;
    let (Some(terminal_id), Some(amount)) = (terminal_id, amount) else {
        unreachable!("a missing required field is a validation error")
    };
    let payment = state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let mut payment = start(epos, &terminal_id, amount, Kind::Purchase)?;
        payment.reference_number = reference_number;
        payment.description = description;
        payment.operator_code = operator_code;
        epos.payments.push(payment.clone());
        Ok::<_, Problem>(payment)
    })?;
    Ok((StatusCode::CREATED, Json(payment)))
}

async fn refund(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Payment>, Problem> {
    let mut fields = Form::of(&body)?;
    let terminal_id = fields.terminal_id(true);
    let amount = fields.minor_amount();
    let description = fields.text_within("description", false, MAX_DESCRIPTION);
    app_fields(&mut fields);
    fields.finish()?;
    let (Some(terminal_id), Some(amount)) = (terminal_id, amount) else {
        unreachable!("a missing required field is a validation error")
    };
    let payment = state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let mut payment = start(epos, &terminal_id, amount, Kind::Refund)?;
        payment.description = description;
        epos.payments.push(payment.clone());
        Ok::<_, Problem>(payment)
    })?;
    Ok(Json(payment))
}

/// A new payment `InProgress` on `terminal_id`, once the terminal can take it: it exists
/// (404), is active and idle (409), and takes this currency (400).
fn start(
    epos: &EposState,
    terminal_id: &str,
    amount: Amount,
    kind: Kind,
) -> Result<Payment, Problem> {
    let terminal = epos
        .terminal(terminal_id)
        .ok_or_else(|| terminal_not_found(terminal_id))?;
    if terminal.status != ACTIVE {
        return Err(conflict(format!(
            "Terminal {terminal_id} is {} and cannot take payments.",
            terminal.status
        )));
    }
    if amount.currency_code != terminal.device_currency {
        return Err(Problem::validation(
            "amount.currency_code",
            format!(
                "Terminal {terminal_id} takes {} only.",
                terminal.device_currency
            ),
        ));
    }
    if let Some(busy) = epos.busy_with(terminal_id) {
        return Err(conflict(format!(
            "Terminal {terminal_id} is busy with payment {}.",
            busy.payment_id
        )));
    }
    let now = std::time::SystemTime::now();
    let created = Stamp::at(now).date_time();
    let expires = now + std::time::Duration::from_secs(WAIT_FOR_CARD_SECS);
    Ok(Payment {
        payment_id: super::model::payment_id(),
        status: status::IN_PROGRESS,
        amount,
        reference_number: None,
        description: None,
        terminal_id: terminal_id.to_owned(),
        updated_at: created.clone(),
        created_at: created,
        expire_at: Stamp::at(expires).date_time(),
        payment_reference: None,
        status_message: None,
        response_code: None,
        card: None,
        dcc_available: false,
        signature_required: false,
        kind,
        operator_code: None,
        refunded: 0,
    })
}

async fn get_one(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(payment_id): Path<String>,
) -> Result<Json<Payment>, Problem> {
    state.with(|s| {
        s.merchant(&merchant.id)
            .epos
            .payment(&payment_id)
            .cloned()
            .map(Json)
            .ok_or_else(|| payment_not_found(&payment_id))
    })
}

/// `terminal_id` (required) and the sandbox's `reference_number` filter; newest first.
async fn list(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Page<Payment>>, Problem> {
    let query = query_pairs(query.as_deref());
    let terminal_id = match query.get("terminal_id").map(String::as_str) {
        None | Some("") => {
            return Err(Problem::validation(
                "terminal_id",
                "The terminal_id field is required.",
            ));
        }
        Some(id) => id,
    };
    let reference = query.get("reference_number").filter(|r| !r.is_empty());
    state.with(|s| {
        let epos = &s.merchant(&merchant.id).epos;
        if epos.terminal(terminal_id).is_none() {
            return Err(terminal_not_found(terminal_id));
        }
        let matching: Vec<Payment> = epos
            .payments
            .iter()
            .rev()
            .filter(|p| p.terminal_id == terminal_id)
            .filter(|p| reference.is_none_or(|r| p.reference_number.as_ref() == Some(r)))
            .cloned()
            .collect();
        Ok(Json(paging.slice(&matching)))
    })
}

/// Only a payment still in progress can be cancelled: 202 `{"id"}`, else 409.
async fn cancel(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(payment_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    state.with(|s| {
        let payment = s
            .merchant(&merchant.id)
            .epos
            .payment_mut(&payment_id)
            .ok_or_else(|| payment_not_found(&payment_id))?;
        if payment.status != status::IN_PROGRESS {
            return Err(conflict(format!(
                "Payment {payment_id} is {}; only a payment in progress can be cancelled.",
                payment.status
            )));
        }
        payment.status = status::CANCELED;
        payment.updated_at = Stamp::now().date_time();
        Ok((StatusCode::ACCEPTED, Json(json!({ "id": payment_id }))))
    })
}

/// Only a successful purchase can be reversed (voided); its terminal transaction follows.
async fn reverse(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(payment_id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Payment>, Problem> {
    let mut fields = Form::of(&body)?;
    let terminal_id = fields.terminal_id(false);
    let description = fields.text_within("description", false, MAX_DESCRIPTION);
    app_fields(&mut fields);
    fields.finish()?;
    state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let payment = epos
            .payment_mut(&payment_id)
            .ok_or_else(|| payment_not_found(&payment_id))?;
        if terminal_id
            .as_ref()
            .is_some_and(|t| *t != payment.terminal_id)
        {
            return Err(Problem::validation(
                "terminal_id",
                format!("Payment {payment_id} was not taken on this terminal."),
            ));
        }
        if payment.status != status::SUCCESS || payment.kind != Kind::Purchase {
            return Err(conflict(format!(
                "Payment {payment_id} is {}; only a successful payment can be reversed.",
                payment.status
            )));
        }
        if payment.refunded > 0 {
            return Err(conflict(format!(
                "Payment {payment_id} is partly refunded and can no longer be reversed."
            )));
        }
        payment.status = status::REVERSED;
        payment.updated_at = Stamp::now().date_time();
        if description.is_some() {
            payment.description = description;
        }
        let payment = payment.clone();
        for transaction in &mut epos.transactions {
            if transaction.payment_id.as_deref() == Some(payment_id.as_str()) {
                transaction.payment_status = "Reversed";
            }
        }
        Ok(Json(payment))
    })
}
