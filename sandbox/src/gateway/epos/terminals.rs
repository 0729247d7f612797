//! `/pos/v1/terminals...`: list, details, transactions, models, outlets, activation,
//! receipts and referenced refunds.

use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use super::answers::{conflict, terminal_not_found};
use super::clock::Stamp;
use super::fields::MAX_REFERENCE;
use super::model::{
    ACTIVE, Amount, CURRENCIES, INACTIVE, Kind, MODELS, Transaction, digits, status,
};
use super::seed::new_terminal;
use crate::extract::{JsonBody, query_pairs};
use crate::form::Form;
use crate::identity::Merchant;
use crate::paging::PageRequest;
use crate::problem::Problem;
use crate::state::SandboxState;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/pos/v1/terminals", get(list))
        .route("/pos/v1/terminals/transactions", get(all_transactions))
        .route("/pos/v1/terminals/models", get(models))
        .route("/pos/v1/terminals/outlets", get(outlets))
        .route("/pos/v1/terminals/activation", post(activate))
        .route("/pos/v1/terminals/deactivation", post(deactivate))
        .route(
            "/pos/v1/terminals/receipt/{payment_reference}",
            get(receipt),
        )
        .route("/pos/v1/terminals/{terminal_id}", get(details))
        .route(
            "/pos/v1/terminals/{terminal_id}/transactions",
            get(terminal_transactions),
        )
        .route("/pos/v1/terminals/{terminal_id}/refund", post(refund))
}

/// The terminals' envelope: `{"pagination": {...}, "<name>": [...]}`.
fn nested<T: Clone + Serialize>(paging: PageRequest, all: &[T], name: &str) -> Value {
    let page = paging.slice(all);
    json!({
        "pagination": {
            "page": page.page,
            "page_size": page.page_size,
            "total_pages": page.total_pages,
            "total_count": page.total_count,
        },
        name: page.items,
    })
}

async fn list(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Json<Value> {
    let query = query_pairs(query.as_deref());
    let wanted = |key: &str, value: &str| query.get(key).is_none_or(|q| q.is_empty() || q == value);
    let terminals: Vec<Value> = state.with(|s| {
        s.merchant(&merchant.id)
            .epos
            .terminals
            .iter()
            .filter(|t| {
                wanted("terminal_id", &t.terminal_id)
                    && wanted("serial_number", &t.serial_number)
                    && wanted("model", &t.model)
            })
            .map(|t| t.summary())
            .collect()
    });
    Json(nested(paging, &terminals, "terminals"))
}

async fn details(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(terminal_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    state.with(|s| {
        let terminal = s
            .merchant(&merchant.id)
            .epos
            .terminal(&terminal_id)
            .ok_or_else(|| terminal_not_found(&terminal_id))?;
        Ok(Json(json!(terminal)))
    })
}

/// The transaction filters both lists share; dates default to today, as documented.
struct Filters {
    query: HashMap<String, String>,
    from_date: String,
    to_date: String,
    amount_from: Option<Decimal>,
    amount_to: Option<Decimal>,
}

impl Filters {
    fn read(query: Option<&str>) -> Result<Self, Problem> {
        let query = query_pairs(query);
        let today = Stamp::now().date();
        let mut errors = vec![];
        let mut date = |key: &str| match query.get(key).filter(|v| !v.is_empty()) {
            None => today.clone(),
            Some(v) if is_date(v) => v.clone(),
            Some(_) => {
                errors.push((
                    key.to_owned(),
                    format!("The field {key} must be a date as YYYY-MM-DD."),
                ));
                today.clone()
            }
        };
        // `from_date`/`to_date`, as `mypos-api-gateway` names them (`fromDate`); the POS API's
        // page spells them `date_from`/`date_to`.
        let (from_date, to_date) = (date("from_date"), date("to_date"));
        let mut amount = |key: &str| match query.get(key).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => match Decimal::from_str(v) {
                Ok(n) if !n.is_sign_negative() => Some(n),
                _ => {
                    errors.push((
                        key.to_owned(),
                        format!("The field {key} must be a decimal amount of 0 or more."),
                    ));
                    None
                }
            },
        };
        let (amount_from, amount_to) = (amount("amount_from"), amount("amount_to"));
        if errors.is_empty() && from_date > to_date {
            errors.push((
                "from_date".into(),
                "The field from_date must not be after to_date.".into(),
            ));
        }
        if let Some((field, message)) = errors.first() {
            let problem = Problem::validation(field, message);
            return Err(errors
                .iter()
                .skip(1)
                .fold(problem, |p, (f, m)| p.with_error(f, m)));
        }
        Ok(Self {
            query,
            from_date,
            to_date,
            amount_from,
            amount_to,
        })
    }

    fn matches(&self, t: &Transaction, keys: &[&str]) -> bool {
        let equal = |key: &str, value: Option<&str>| {
            !keys.contains(&key)
                || self
                    .query
                    .get(key)
                    .is_none_or(|q| q.is_empty() || Some(q.as_str()) == value)
        };
        t.day >= self.from_date
            && t.day <= self.to_date
            && self.amount_from.is_none_or(|a| t.amount >= a)
            && self.amount_to.is_none_or(|a| t.amount <= a)
            && equal("terminal_id", Some(&t.terminal_id))
            && equal("terminal_name", Some(&t.terminal_name))
            && equal("stan", Some(&t.stan))
            && equal("reference_number", t.reference_number.as_deref())
    }
}

fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Every terminal's transactions, newest first, in the nested envelope.
async fn all_transactions(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let filters = Filters::read(query.as_deref())?;
    let matching: Vec<Transaction> = state.with(|s| {
        let epos = &s.merchant(&merchant.id).epos;
        let keys = ["terminal_id", "terminal_name"];
        epos.transactions
            .iter()
            .rev()
            .filter(|t| filters.matches(t, &keys))
            .cloned()
            .collect()
    });
    Ok(Json(nested(paging, &matching, "transactions")))
}

/// One terminal's transactions, newest first. The gateway's example shows no `pagination`
/// block here; the sandbox adds it (see the README).
async fn terminal_transactions(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(terminal_id): Path<String>,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let filters = Filters::read(query.as_deref())?;
    let matching: Vec<Transaction> = state.with(|s| {
        let epos = &s.merchant(&merchant.id).epos;
        if epos.terminal(&terminal_id).is_none() {
            return Err(terminal_not_found(&terminal_id));
        }
        let keys = ["stan", "reference_number"];
        Ok(epos
            .transactions
            .iter()
            .rev()
            .filter(|t| t.terminal_id == terminal_id && filters.matches(t, &keys))
            .cloned()
            .collect())
    })?;
    Ok(Json(nested(paging, &matching, "transactions")))
}

async fn models(_merchant: Merchant) -> Json<Value> {
    let models: Vec<Value> = MODELS
        .iter()
        .map(|(code, description)| json!({ "code": code, "description": description }))
        .collect();
    Json(Value::Array(models))
}

async fn outlets(State(state): State<SandboxState>, merchant: Merchant) -> Json<Value> {
    Json(state.with(|s| json!(s.merchant(&merchant.id).epos.outlets)))
}

/// Provisions a new terminal, active at once (the code counts as entered on the device). An
/// empty body (`activate()` in `mypos-api-gateway`) provisions the first model in EUR.
async fn activate(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, Problem> {
    let mut fields = Form::of(&body)?;
    let product = fields.text_within("product_code", false, 32);
    let unknown_model = |code: &&String| !MODELS.iter().any(|(known, _)| known == *code);
    if let Some(code) = product.as_ref().filter(unknown_model) {
        fields.error(
            "product_code",
            format!("The product code '{code}' is not known."),
        );
    }
    let currency = fields
        .text_within("currency", false, 3)
        .unwrap_or_else(|| "EUR".into());
    if !CURRENCIES.contains(&currency.as_str()) {
        fields.error(
            "currency",
            format!("The currency code '{currency}' is not supported."),
        );
    }
    let account = fields.text_within("account_number", false, 34);
    let descriptor = fields.text_within("billing_descriptor", false, 22);
    let accounts = crate::gateway::banking::accounts::seed_accounts(&merchant.id);
    let foreign = |number: &&String| !accounts.iter().any(|a| &a.account_number == *number);
    if let Some(number) = account.as_ref().filter(foreign) {
        fields.error(
            "account_number",
            format!("The account {number} is not one of the merchant's accounts."),
        );
    }
    fields.finish()?;
    let product = product.unwrap_or_else(|| MODELS[0].0.to_owned());
    let code = digits(6);
    let terminal_id = state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let mut terminal = new_terminal(epos, &product, &currency, account.as_deref(), 0);
        if let Some(descriptor) = descriptor {
            terminal.billing_descriptor = descriptor;
        }
        terminal.activation_code = Some(code.clone());
        let id = terminal.terminal_id.clone();
        epos.terminals.push(terminal);
        id
    });
    Ok(Json(json!({ "code": code, "terminal_id": terminal_id })))
}

/// Takes an idle, active terminal out of service, named by the `code` its activation answered
/// (`deactivate({ code })` in `mypos-api-gateway`).
async fn deactivate(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, Problem> {
    let mut fields = Form::of(&body)?;
    let code = fields.text_within("code", true, 64);
    fields.finish()?;
    let code = code.expect("a missing required field is a validation error");
    state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let terminal_id = epos
            .terminals
            .iter()
            .find(|t| t.activation_code.as_deref() == Some(code.as_str()))
            .map(|t| t.terminal_id.clone())
            .ok_or_else(|| {
                Problem::new(StatusCode::NOT_FOUND)
                    .with_detail(format!("No terminal was activated with the code {code}."))
            })?;
        if let Some(busy) = epos.busy_with(&terminal_id) {
            return Err(conflict(format!(
                "Terminal {terminal_id} is busy with payment {}.",
                busy.payment_id
            )));
        }
        let terminal = epos
            .terminal_mut(&terminal_id)
            .ok_or_else(|| terminal_not_found(&terminal_id))?;
        if terminal.status != ACTIVE {
            return Err(conflict(format!(
                "Terminal {terminal_id} is already {}.",
                terminal.status
            )));
        }
        terminal.status = INACTIVE.into();
        Ok(Json(json!({ "code": digits(6) })))
    })
}

async fn receipt(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(reference): Path<String>,
) -> Result<Json<Value>, Problem> {
    state.with(|s| {
        s.merchant(&merchant.id)
            .epos
            .receipts
            .get(&reference)
            .cloned()
            .map(Json)
            .ok_or_else(|| {
                Problem::new(StatusCode::NOT_FOUND)
                    .with_detail(format!("No receipt for payment reference {reference}."))
            })
    })
}

/// Refunds part or all of a successful payment, found by its `reference_number` on this
/// terminal. Books a refund transaction and its receipt; answers 204.
async fn refund(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(terminal_id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<StatusCode, Problem> {
    let mut fields = Form::of(&body)?;
    let reference = fields.text_within("reference_number", true, MAX_REFERENCE);
    // Minor units as a bare number (`amount: 1500`, as `mypos-api-gateway` sends it), in the
    // payment's currency; the POS API page's `{value, currency_code}` is read too.
    let amount = match body.get("amount") {
        Some(Value::Number(n)) => match n.as_u64().filter(|v| *v > 0) {
            Some(value) => Some((value, None)),
            None => {
                fields.error(
                    "amount",
                    "The field amount must be a whole number of minor units greater than 0.",
                );
                None
            }
        },
        _ => fields
            .minor_amount()
            .map(|a| (a.value, Some(a.currency_code))),
    };
    fields.finish()?;
    let (Some(reference), Some((value, currency))) = (reference, amount) else {
        unreachable!("a missing required field is a validation error")
    };
    state.with(|s| {
        let epos = &mut s.merchant(&merchant.id).epos;
        let terminal = epos
            .terminal(&terminal_id)
            .ok_or_else(|| terminal_not_found(&terminal_id))?;
        if terminal.status != ACTIVE {
            return Err(conflict(format!(
                "Terminal {terminal_id} is {} and cannot refund.",
                terminal.status
            )));
        }
        let original = epos
            .payments
            .iter()
            .rev()
            .find(|p| {
                p.terminal_id == terminal_id
                    && p.kind == Kind::Purchase
                    && p.reference_number.as_deref() == Some(reference.as_str())
            })
            .ok_or_else(|| {
                Problem::new(StatusCode::NOT_FOUND).with_detail(format!(
                    "No payment with reference number {reference} on terminal {terminal_id}."
                ))
            })?;
        if original.status != status::SUCCESS {
            return Err(conflict(format!(
                "Payment {} is {}; only a successful payment can be refunded.",
                original.payment_id, original.status
            )));
        }
        let currency_code = original.amount.currency_code.clone();
        if currency.is_some_and(|c| c != currency_code) {
            return Err(Problem::validation(
                "amount.currency_code",
                format!("The payment was in {currency_code}."),
            ));
        }
        let amount = Amount {
            value,
            currency_code,
            tip: 0,
        };
        let left = original.amount.value + original.amount.tip - original.refunded;
        if amount.value > left {
            return Err(Problem::validation(
                "amount",
                format!("At most {left} minor units of this payment are left to refund."),
            ));
        }
        let payment_id = original.payment_id.clone();
        let card = original.card.clone();
        crate::terminal::book_refund(epos, &terminal_id, &payment_id, &reference, &amount, card);
        Ok(StatusCode::NO_CONTENT)
    })
}
