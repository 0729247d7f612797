//! The simulated card terminal. An ePOS payment waits `InProgress` until a test decides what
//! the cardholder and the issuer do: approve, decline (`Failed`), reject (`Rejected`) or let
//! the terminal time out (`Failed`). An approval books a terminal transaction and a receipt.
//!
//! Driven from Rust through [`Sandbox`](crate::Sandbox) / [`SandboxState`] methods, and over
//! HTTP (for the Python and Node helpers) under `/_sandbox/`:
//!
//! - `POST /_sandbox/epos/payments/{payment_id}/{approve|decline|timeout}`
//! - `POST /_sandbox/terminals/{terminal_id}/{approve|decline|timeout}`: the payment the
//!   terminal is busy with.
//!
//! The optional JSON body: `{"status": "Failed" | "Rejected"}` for decline, `{"card_scheme":
//! "VISA" | "MASTERCARD" | "MAESTRO"}` for approve. Each answers the payment as `GET` would.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::gateway::epos::clock::Stamp;
use crate::gateway::epos::model::{
    Amount, CardResult, EposState, Kind, Payment, Transaction, auth_code, date_in_days, digits,
    fee, status,
};
use crate::problem::Problem;
use crate::state::SandboxState;

/// What happens on the terminal to a payment in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalAction {
    /// The card is read and the issuer approves: `Success`.
    Approve,
    /// The issuer declines: `Failed`.
    Decline,
    /// The terminal or the cardholder refuses: `Rejected`.
    Reject,
    /// No card is presented before the terminal gives up: `Failed`.
    TimeOut,
}

/// Why the terminal could not act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalError {
    /// No payment has this id.
    UnknownPayment(String),
    /// No terminal has this id.
    UnknownTerminal(String),
    /// The terminal has no payment in progress.
    Idle(String),
    /// The payment is already finished.
    Finished { payment_id: String, status: String },
    /// The card scheme is not one the sandbox simulates.
    UnknownScheme(String),
}

impl std::fmt::Display for TerminalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownPayment(id) => write!(f, "Payment {id} was not found."),
            Self::UnknownTerminal(id) => write!(f, "Terminal {id} was not found."),
            Self::Idle(id) => write!(f, "Terminal {id} has no payment in progress."),
            Self::Finished { payment_id, status } => write!(
                f,
                "Payment {payment_id} is {status}; the terminal only acts on a payment in progress."
            ),
            Self::UnknownScheme(scheme) => write!(
                f,
                "The card scheme '{scheme}' is not simulated; use VISA, MASTERCARD or MAESTRO."
            ),
        }
    }
}

impl std::error::Error for TerminalError {}

impl From<TerminalError> for Problem {
    fn from(error: TerminalError) -> Self {
        let status = match error {
            TerminalError::UnknownPayment(_) | TerminalError::UnknownTerminal(_) => {
                StatusCode::NOT_FOUND
            }
            TerminalError::Idle(_) | TerminalError::Finished { .. } => StatusCode::CONFLICT,
            TerminalError::UnknownScheme(_) => {
                return Problem::validation("card_scheme", error.to_string());
            }
        };
        Problem::new(status).with_detail(error.to_string())
    }
}

/// Schemes the terminal can read: (scheme, AID, application name).
const SCHEMES: [(&str, &str, &str); 3] = [
    ("VISA", "A0000000031010", "VISA CREDIT"),
    ("MASTERCARD", "A0000000041010", "MASTERCARD"),
    ("MAESTRO", "A0000000043060", "MAESTRO"),
];

impl SandboxState {
    /// Finishes payment `payment_id` (of any merchant) as `action` says; answers the payment
    /// as `GET /epos/v1/payments/{id}` would serve it.
    pub fn drive_payment(
        &self,
        payment_id: &str,
        action: TerminalAction,
    ) -> Result<Value, TerminalError> {
        self.drive(Target::Payment(payment_id), action, None)
    }

    /// Finishes the payment terminal `terminal_id` is busy with.
    pub fn drive_terminal(
        &self,
        terminal_id: &str,
        action: TerminalAction,
    ) -> Result<Value, TerminalError> {
        self.drive(Target::Terminal(terminal_id), action, None)
    }

    fn drive(
        &self,
        target: Target<'_>,
        action: TerminalAction,
        scheme: Option<&str>,
    ) -> Result<Value, TerminalError> {
        let scheme = match scheme {
            None => SCHEMES[0],
            Some(name) => *SCHEMES
                .iter()
                .find(|(known, _, _)| known.eq_ignore_ascii_case(name))
                .ok_or_else(|| TerminalError::UnknownScheme(name.to_owned()))?,
        };
        self.with(|s| {
            for merchant in s.merchants_mut() {
                let epos = &mut merchant.epos;
                let payment_id = match target {
                    Target::Payment(id) if epos.payment(id).is_some() => id.to_owned(),
                    Target::Terminal(id) if epos.terminal(id).is_some() => epos
                        .busy_with(id)
                        .map(|p| p.payment_id.clone())
                        .ok_or_else(|| TerminalError::Idle(id.to_owned()))?,
                    _ => continue,
                };
                return finish(epos, &payment_id, action, scheme).map(|p| json!(p));
            }
            Err(match target {
                Target::Payment(id) => TerminalError::UnknownPayment(id.to_owned()),
                Target::Terminal(id) => TerminalError::UnknownTerminal(id.to_owned()),
            })
        })
    }
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Payment(&'a str),
    Terminal(&'a str),
}

impl crate::Sandbox {
    /// The terminal approves payment `payment_id`: `Success`, with card details, a terminal
    /// transaction and a receipt. Answers the payment as the API serves it.
    pub fn approve_payment(&self, payment_id: &str) -> Result<Value, TerminalError> {
        self.state()
            .drive_payment(payment_id, TerminalAction::Approve)
    }

    /// The issuer declines payment `payment_id`: `Failed`.
    pub fn decline_payment(&self, payment_id: &str) -> Result<Value, TerminalError> {
        self.state()
            .drive_payment(payment_id, TerminalAction::Decline)
    }

    /// The terminal or cardholder refuses payment `payment_id`: `Rejected`.
    pub fn reject_payment(&self, payment_id: &str) -> Result<Value, TerminalError> {
        self.state()
            .drive_payment(payment_id, TerminalAction::Reject)
    }

    /// No card is presented for payment `payment_id` before the terminal gives up: `Failed`.
    pub fn time_out_payment(&self, payment_id: &str) -> Result<Value, TerminalError> {
        self.state()
            .drive_payment(payment_id, TerminalAction::TimeOut)
    }

    /// Finishes the payment terminal `terminal_id` is busy with.
    pub fn drive_terminal(
        &self,
        terminal_id: &str,
        action: TerminalAction,
    ) -> Result<Value, TerminalError> {
        self.state().drive_terminal(terminal_id, action)
    }
}

/// Applies `action` to a payment in progress.
fn finish(
    epos: &mut EposState,
    payment_id: &str,
    action: TerminalAction,
    scheme: (&str, &str, &str),
) -> Result<Payment, TerminalError> {
    let stan = epos.next_stan();
    let payment = epos
        .payment_mut(payment_id)
        .ok_or_else(|| TerminalError::UnknownPayment(payment_id.to_owned()))?;
    if payment.status != status::IN_PROGRESS {
        return Err(TerminalError::Finished {
            payment_id: payment_id.to_owned(),
            status: payment.status.to_owned(),
        });
    }
    let now = Stamp::now();
    payment.updated_at = now.date_time();
    let (status, code, message) = match action {
        TerminalAction::Approve => (status::SUCCESS, Some("00"), "TRANSACTION_SUCCESS"),
        TerminalAction::Decline => (status::FAILED, Some("05"), "TRANSACTION_DECLINED"),
        TerminalAction::Reject => (status::REJECTED, Some("57"), "TRANSACTION_REJECTED"),
        TerminalAction::TimeOut => (status::FAILED, None, "TRANSACTION_TIMEOUT"),
    };
    payment.status = status;
    payment.response_code = code.map(str::to_owned);
    payment.status_message = Some(message.to_owned());
    if action != TerminalAction::Approve {
        return Ok(payment.clone());
    }
    let (name, aid, _) = scheme;
    payment.card = Some(CardResult {
        stan,
        auth_code: auth_code(),
        rrn: digits(12),
        aid: aid.to_owned(),
        pan: format!("****{}", digits(4)),
        card_qualifier: name.to_owned(),
        transaction_date_local: now.terminal_local(),
        reference_type: "OFF".to_owned(),
    });
    let reference = digits(12);
    payment.payment_reference = Some(reference.clone());
    let payment = payment.clone();
    book(epos, &payment, &reference);
    Ok(payment)
}

/// Books a finished card operation: a terminal transaction, a receipt, the terminal's counters.
fn book(epos: &mut EposState, payment: &Payment, reference: &str) {
    let Some(card) = payment.card.as_ref() else {
        return;
    };
    let Some(terminal) = epos.terminal_mut(&payment.terminal_id) else {
        return;
    };
    let now = Stamp::now();
    terminal.last_transaction_date = Some(now.date());
    terminal.transactions_count += 1;
    let terminal = terminal.clone();
    let amount = payment.amount.total();
    let charged = fee(amount);
    let tran_type = match payment.kind {
        Kind::Purchase => "Purchase",
        Kind::Refund => "Refund",
    };
    epos.transactions.push(Transaction {
        terminal_id: terminal.terminal_id.clone(),
        date: now.date_time(),
        terminal_name: terminal.terminal_name.clone(),
        outlet_name: terminal.outlet_name.clone(),
        tran_type,
        tran_status: "Approved",
        payment_status: "Completed",
        amount,
        currency: payment.amount.currency_code.clone(),
        rrn: card.rrn.clone(),
        stan: card.stan.clone(),
        settlement_date: date_in_days(1),
        settlement_amount: amount - charged,
        settlement_currency: terminal.settlement_account_currency.clone(),
        fee: charged,
        pan: card.pan.clone(),
        card_scheme: card.card_qualifier.clone(),
        payment_reference: reference.to_owned(),
        billing_descriptor: terminal.billing_descriptor.clone(),
        reference_number: payment.reference_number.clone(),
        // Refunds are not reversed with their payment.
        payment_id: (payment.kind == Kind::Purchase).then(|| payment.payment_id.clone()),
        day: now.date(),
    });
    let application = SCHEMES
        .iter()
        .find(|(scheme, _, _)| *scheme == card.card_qualifier)
        .map_or("", |(_, _, name)| name);
    let major = |minor: u64| Decimal::new(minor as i64, 2).to_string();
    let mut receipt = json!({
        "is_declined": 0,
        "receipt_layout_version": 1,
        "date": now.date(),
        "time": now.time(),
        "stan": card.stan,
        "terminal_id": terminal.terminal_id,
        "merchant_id": format!("{:010}", seed_number(&epos.merchant_id)),
        "merchant_name": format!("Sandbox merchant {}", epos.merchant_id.trim_start_matches("cli_")),
        "address_line_1": terminal.outlet_name,
        "address_line_2": "Sofia, Bulgaria",
        "resp_code": "00",
        "reference_number": payment.reference_number.clone().unwrap_or_default(),
        "application_preferred_name": application,
        "card_scheme": card.card_qualifier,
        "pan": card.pan,
        "amount": major(payment.amount.value),
        "currency": payment.amount.currency_code,
        "auth_code": card.auth_code,
        "rrn": card.rrn,
        "aid": card.aid,
        "amount_tip": major(payment.amount.tip),
        "amount_total": amount.to_string(),
        "operator_code": payment.operator_code.clone().unwrap_or_default(),
        "tran_type": tran_type.to_uppercase(),
        "tran_status": "APPROVED",
        "receipt_footer_row_1": terminal.receipt_footer_row_1,
        "receipt_footer_row_2": terminal.receipt_footer_row_2,
    });
    // What a plain card purchase leaves blank on the printed receipt.
    for blank in [
        "pl_card_balance",
        "pl_card_balance_currency",
        "installment_type",
        "installment_number",
        "installment_interest_rate",
        "installment_first_amount",
        "installment_subseq_amount",
        "installment_annual_perc_rate",
        "installment_fee_rate",
        "installment_total_amount",
        "transaction_preauth_code",
        "emboss_name",
        "dcc_amount",
        "dcc_currency",
        "exchange_rate",
        "exchange_rate_translation",
        "sign_row_1",
        "sign_row_2",
        "sign_row_3",
    ] {
        receipt[blank] = json!("");
    }
    epos.receipts.insert(reference.to_owned(), receipt);
}

/// The merchant's number on receipts, from its id.
fn seed_number(merchant_id: &str) -> u64 {
    merchant_id
        .bytes()
        .fold(0u64, |n, b| n.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000_000_000
}

/// A referenced refund of `payment_id` on its terminal (`POST /pos/v1/terminals/{id}/refund`):
/// the same card, a new STAN, a refund transaction and receipt. The payment keeps its status.
pub(crate) fn book_refund(
    epos: &mut EposState,
    terminal_id: &str,
    payment_id: &str,
    reference_number: &str,
    amount: &Amount,
    card: Option<CardResult>,
) {
    let stan = epos.next_stan();
    let now = Stamp::now();
    let Some(original) = epos.payment_mut(payment_id) else {
        return;
    };
    original.refunded += amount.value;
    let card = card.map(|card| CardResult {
        stan,
        auth_code: auth_code(),
        rrn: digits(12),
        transaction_date_local: now.terminal_local(),
        ..card
    });
    let refund = Payment {
        payment_id: original.payment_id.clone(),
        status: status::SUCCESS,
        amount: Amount {
            tip: 0,
            ..amount.clone()
        },
        reference_number: Some(reference_number.to_owned()),
        terminal_id: terminal_id.to_owned(),
        card,
        kind: Kind::Refund,
        ..original.clone()
    };
    book(epos, &refund, &digits(12));
}

/// Control routes, relative to `/_sandbox`.
pub(crate) fn control_router() -> Router<SandboxState> {
    Router::new()
        .route("/epos/payments/{payment_id}/{action}", post(drive_payment))
        .route("/terminals/{terminal_id}/{action}", post(drive_terminal))
}

/// The optional body of a control call.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Drive {
    /// For `decline`: `Failed` (default) or `Rejected`.
    status: Option<String>,
    /// For `approve`: the card's scheme (default VISA).
    card_scheme: Option<String>,
}

fn parse(action: &str, body: &Bytes) -> Result<(TerminalAction, Option<String>), Problem> {
    let drive: Drive = if body.iter().all(u8::is_ascii_whitespace) {
        Drive::default()
    } else {
        serde_json::from_slice(body).map_err(|e| Problem::validation("body", e.to_string()))?
    };
    let action = match (action, drive.status.as_deref()) {
        ("approve", _) => TerminalAction::Approve,
        ("decline", None | Some("Failed")) => TerminalAction::Decline,
        ("decline", Some("Rejected")) => TerminalAction::Reject,
        ("decline", Some(other)) => {
            return Err(Problem::validation(
                "status",
                format!("A decline ends Failed or Rejected, not '{other}'."),
            ));
        }
        ("timeout", _) => TerminalAction::TimeOut,
        _ => {
            return Err(Problem::new(StatusCode::NOT_FOUND).with_detail(format!(
                "Unknown terminal action '{action}'; use approve, decline or timeout."
            )));
        }
    };
    Ok((action, drive.card_scheme))
}

async fn drive_payment(
    State(state): State<SandboxState>,
    Path((payment_id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let (action, scheme) = parse(&action, &body)?;
    let payment = state.drive(Target::Payment(&payment_id), action, scheme.as_deref())?;
    Ok(Json(payment))
}

async fn drive_terminal(
    State(state): State<SandboxState>,
    Path((terminal_id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let (action, scheme) = parse(&action, &body)?;
    let payment = state.drive(Target::Terminal(&terminal_id), action, scheme.as_deref())?;
    Ok(Json(payment))
}
