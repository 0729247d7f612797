//! Banking (`/accounting/v1/...`): accounts, their transactions, and MT940 statements built
//! from those transactions. Every merchant's accounts and history are derived from its client
//! id (see [`ledger`]), so balances, statements and lists always agree.

pub(crate) mod calendar;
pub(crate) mod form;
pub(crate) mod ledger;
mod mt940;

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use self::calendar::Day;
use self::form::Form;
use self::ledger::BankTransaction;
use crate::extract::{JsonBody, query_pairs};
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

/// A merchant account as listed by `GET /accounting/v1/accounts` (snake_case on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Account {
    pub account_number: String,
    pub iban: String,
    pub currency: String,
    pub name: String,
    /// Served as a JSON number (`1520.35`); kept as a decimal so later postings stay exact.
    #[serde(with = "rust_decimal::serde::float")]
    pub balance: Decimal,
    pub status: String,
}

async fn list_accounts(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
) -> Json<Page<Account>> {
    let page = state.with(|s| paging.slice(&s.merchant(&merchant.id).accounts));
    Json(page)
}

/// The three accounts every merchant has, with the balance their seeded history ends on.
pub(crate) fn seed_accounts(merchant_id: &str) -> Vec<Account> {
    opening_accounts(merchant_id)
        .into_iter()
        .enumerate()
        .map(|(index, (mut account, opening))| {
            let closing = ledger::closing_cents(merchant_id, index, opening);
            account.balance = Decimal::new(closing as i64, 2);
            account
        })
        .collect()
}

/// The seeded history of those accounts, dated back from `today`.
pub(crate) fn seed_transactions(merchant_id: &str, today: Day) -> Vec<BankTransaction> {
    let accounts: Vec<_> = opening_accounts(merchant_id)
        .into_iter()
        .map(|(a, opening)| (a.account_number, a.currency, opening))
        .collect();
    ledger::seed(merchant_id, &accounts, today)
}

/// The accounts as they were before their history, and their opening balance in cents:
/// derived from the client id alone, so the same merchant gets the same numbers everywhere.
fn opening_accounts(merchant_id: &str) -> Vec<(Account, u64)> {
    [
        ("EUR", "Current account EUR"),
        ("GBP", "Account GBP"),
        ("BGN", "Account BGN"),
    ]
    .into_iter()
    .enumerate()
    .map(|(index, (currency, name))| {
        let hash = fnv1a(format!("{merchant_id}#{index}").as_bytes());
        let number = hash % 100_000_000;
        let cents = (hash >> 32) % 5_000_000 + 10_000; // 100.00 ..= 50 099.99
        let account = Account {
            account_number: format!("40{number:08}"),
            iban: bulgarian_iban(&format!("MPOS915510{number:08}")),
            currency: currency.into(),
            name: name.into(),
            balance: Decimal::new(cents as i64, 2),
            status: "active".into(),
        };
        (account, cents)
    })
    .collect()
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

/// FNV-1a: tiny, and unlike std's hasher guaranteed stable across Rust releases.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `BG` + ISO 13616 check digits + `bban`, so IBAN validators accept it.
fn bulgarian_iban(bban: &str) -> String {
    let rearranged = format!("{bban}BG00");
    let remainder = rearranged.chars().fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    });
    format!("BG{:02}{bban}", 98 - remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iban_is_valid(iban: &str) -> bool {
        let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
        let digits: String = rearranged
            .chars()
            .map(|c| c.to_digit(36).unwrap().to_string())
            .collect();
        digits
            .bytes()
            .fold(0u32, |acc, d| (acc * 10 + u32::from(d - b'0')) % 97)
            == 1
    }

    #[test]
    fn seeding_is_deterministic_and_valid() {
        let a = seed_accounts("cli_sandbox");
        assert_eq!(a, seed_accounts("cli_sandbox"));
        assert_ne!(a, seed_accounts("cli_other"));
        assert_eq!(a.len(), 3);
        for account in &a {
            assert_eq!(account.iban.len(), 22);
            assert!(iban_is_valid(&account.iban), "{}", account.iban);
        }
        // A known-good IBAN from the Bulgarian registry example.
        assert!(iban_is_valid("BG80BNBG96611020345678"));
        assert_eq!(
            bulgarian_iban("BNBG96611020345678"),
            "BG80BNBG96611020345678"
        );
    }

    #[test]
    fn balances_are_the_sum_of_the_history() {
        let today = Day::parse("2025-06-30").unwrap();
        let history = seed_transactions("cli_sum", today);
        assert_eq!(history.len(), 300);
        for ((account, _), closing) in opening_accounts("cli_sum")
            .iter()
            .zip(seed_accounts("cli_sum"))
        {
            let net: Decimal = history
                .iter()
                .filter(|t| t.account_number == account.account_number)
                .map(|t| t.signed())
                .sum();
            assert_eq!(account.balance + net, closing.balance);
        }
    }
}
