//! Banking (`/accounting/v1/...`): accounts, their transactions, and MT940 statements built
//! from those transactions. Every merchant's accounts and history are derived from its client
//! id (see [`ledger`]), so balances, statements and lists always agree.

pub(crate) mod accounts;
pub(crate) mod ledger;
mod mt940;

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use self::accounts::Account;
use self::ledger::BankTransaction;
use crate::calendar::Day;
use crate::extract::{JsonBody, query_pairs};
use crate::form::{self, Form};
use crate::identity::Merchant;
use crate::paging::{Page, PageRequest};
use crate::problem::Problem;
use crate::state::SandboxState;

/// The most references one `transactions/details` call takes (the sandbox's own limit).
const MAX_REFERENCES: usize = 100;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/accounting/v1/accounts", get(list_accounts))
        // unverified: the paths below are the project's choice; no public source gives them.
        .route("/accounting/v1/accounts/statement", post(statement))
        .route("/accounting/v1/transactions", get(list_transactions))
        .route("/accounting/v1/transactions/details", get(several_details))
        .route(
            "/accounting/v1/transactions/{payment_reference}",
            get(one_detail),
        )
}

async fn list_accounts(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
) -> Json<Page<Account>> {
    let page = state.with(|s| paging.slice(&s.merchant(&merchant.id).accounts));
    Json(page)
}

/// The transaction list's filters, checked together so one 400 names every bad one.
struct Filters {
    account: Option<String>,
    from: Option<Day>,
    to: Option<Day>,
    sign: Option<String>,
    ascending: bool,
}

impl Filters {
    fn read(query: &HashMap<String, String>, accounts: &[Account]) -> Result<Self, Problem> {
        let mut errors = vec![];
        let given = |name: &str| query.get(name).filter(|v| !v.is_empty());
        let mut day = |name: &str| {
            let raw = given(name)?;
            let day = Day::parse(raw);
            if day.is_none() {
                errors.push((
                    name.to_string(),
                    format!("The {name} field must be a date (YYYY-MM-DD)."),
                ));
            }
            day
        };
        let (from, to) = (day("from_date"), day("to_date"));
        if matches!((from, to), (Some(from), Some(to)) if from > to) {
            errors.push((
                "to_date".into(),
                "The to_date must not be before the from_date.".into(),
            ));
        }
        let account = given("account_number").cloned();
        let unknown = |n: &&String| !accounts.iter().any(|a| &a.account_number == *n);
        if let Some(number) = account.as_ref().filter(unknown) {
            errors.push((
                "account_number".into(),
                format!("The account {number} is not one of the merchant's accounts."),
            ));
        }
        let sign = given("sign").cloned();
        if sign.as_deref().is_some_and(|s| s != "C" && s != "D") {
            errors.push((
                "sign".into(),
                "The sign field must be C (credit) or D (debit).".into(),
            ));
        }
        let ascending = match given("order").map(String::as_str) {
            None | Some("1") => false,
            Some("0") => true,
            Some(_) => {
                errors.push((
                    "order".into(),
                    "The order field must be 0 (ascending) or 1 (descending).".into(),
                ));
                false
            }
        };
        form::finish(errors)?;
        Ok(Filters {
            account,
            from,
            to,
            sign,
            ascending,
        })
    }

    fn keep(&self, t: &BankTransaction) -> bool {
        self.account.as_ref().is_none_or(|a| &t.account_number == a)
            && self.from.is_none_or(|from| t.day >= from)
            && self.to.is_none_or(|to| t.day <= to)
            && self.sign.as_deref().is_none_or(|s| t.sign == s)
    }
}

/// `GET /accounting/v1/transactions`: the flat envelope, newest first unless `order=0`.
async fn list_transactions(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Page<BankTransaction>>, Problem> {
    let query = query_pairs(query.as_deref());
    state.with(|s| {
        let merchant = s.merchant(&merchant.id);
        let filters = Filters::read(&query, &merchant.accounts)?;
        let mut matching: Vec<_> = merchant
            .transactions
            .iter()
            .filter(|t| filters.keep(t))
            .cloned()
            .collect();
        if !filters.ascending {
            matching.reverse(); // stored oldest first
        }
        Ok(Json(paging.slice(&matching)))
    })
}

/// The legacy "Transaction Details" shape: a summary and titled lines. The full transaction
/// rides along under `transaction`, a sandbox addition.
fn details(t: &BankTransaction) -> Value {
    let amount = format!("{} {}", t.transaction_amount, t.transaction_currency);
    json!({
        "reference": t.payment_reference,
        "general": {
            "canRequestReversal": false,
            "isFee": t.transaction_type == "001",
            "isReversal": false,
            "transactionType": t.transaction_type,
        },
        "details": [
            {"title": "Transaction", "value": ""},
            {"title": "Type", "value": t.kind.name},
            {"title": "Amount", "value": if t.sign == "C" { amount } else { format!("-{amount}") }},
            {"title": "Date", "value": t.date},
            {"title": "Account", "value": t.account_number},
            {"title": "Description", "value": t.description},
        ],
        "transaction": t,
    })
}

async fn one_detail(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(reference): Path<String>,
) -> Result<Json<Value>, Problem> {
    state.with(|s| {
        let merchant = s.merchant(&merchant.id);
        let found = merchant
            .transactions
            .iter()
            .find(|t| t.payment_reference == reference);
        found.map(|t| Json(details(t))).ok_or_else(|| {
            Problem::new(StatusCode::NOT_FOUND).with_detail(format!(
                "No transaction has the payment reference {reference}."
            ))
        })
    })
}

/// `GET /accounting/v1/transactions/details?payment_references=a,b`: `{"items": [...]}` in the
/// order asked; any unknown reference makes the whole call a 404 that names them.
async fn several_details(
    State(state): State<SandboxState>,
    merchant: Merchant,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let query = query_pairs(query.as_deref());
    let references: Vec<&str> = query
        .get("payment_references")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if references.is_empty() {
        return Err(Problem::validation(
            "payment_references",
            "The payment_references field is required.",
        ));
    }
    if references.len() > MAX_REFERENCES {
        return Err(Problem::validation(
            "payment_references",
            format!("At most {MAX_REFERENCES} payment references can be asked for at once."),
        ));
    }
    state.with(|s| {
        let merchant = s.merchant(&merchant.id);
        let find = |r: &str| {
            merchant
                .transactions
                .iter()
                .find(|t| t.payment_reference == r)
        };
        let missing: Vec<&str> = references
            .iter()
            .copied()
            .filter(|r| find(r).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Problem::new(StatusCode::NOT_FOUND).with_detail(format!(
                "No transaction has the payment reference(s) {}.",
                missing.join(", ")
            )));
        }
        let items: Vec<Value> = references
            .iter()
            .filter_map(|r| find(r))
            .map(details)
            .collect();
        Ok(Json(json!({ "items": items })))
    })
}

/// `POST /accounting/v1/accounts/statement` `{account_number, document_type, date}` → the
/// MT940 text of that account on that day, as `text/plain`.
async fn statement(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<impl IntoResponse, Problem> {
    let mut form = Form::of(&body)?;
    let number = form.digits("account_number", true);
    let flavour = form.whole("document_type", true, 0).and_then(|code| {
        let flavour = mt940::Flavour::from_code(code);
        if flavour.is_none() {
            form.error(
                "document_type",
                "The document_type must be 0 (MultiCash), 1 (SWIFT) or 2 (Structured).",
            );
        }
        flavour
    });
    let day = form.day("date", true);
    if day.is_some_and(|day| day > Day::today()) {
        form.error("date", "The date must not be in the future.");
    }
    let text = state.with(|s| {
        let merchant = s.merchant(&merchant.id);
        let account = number
            .as_ref()
            .and_then(|n| merchant.accounts.iter().find(|a| &a.account_number == n));
        if let (Some(number), None) = (&number, account) {
            form.error(
                "account_number",
                format!("The account {number} is not one of the merchant's accounts."),
            );
        }
        let (Some(account), Some(flavour), Some(day)) = (account, flavour, day) else {
            return None;
        };
        let mine: Vec<&BankTransaction> = merchant
            .transactions
            .iter()
            .filter(|t| t.account_number == account.account_number)
            .collect();
        let later: Decimal = mine
            .iter()
            .filter(|t| t.day >= day)
            .map(|t| t.signed())
            .sum();
        let on_day: Vec<&BankTransaction> = mine.iter().copied().filter(|t| t.day == day).collect();
        Some(mt940::render(
            flavour,
            account,
            day,
            account.balance - later,
            &on_day,
        ))
    });
    form.finish()?;
    let text = text.expect("a valid form names an account, a flavour and a day");
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text))
}
