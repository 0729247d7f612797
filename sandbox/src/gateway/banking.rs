//! Banking (`/accounting/v1/...`): accounts for now.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::identity::Merchant;
use crate::paging::{Page, PageRequest};
use crate::state::SandboxState;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new().route("/accounting/v1/accounts", get(list_accounts))
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

/// The three accounts every merchant starts with, derived from its client id alone so the same
/// merchant gets the same numbers and balances in every sandbox.
pub(crate) fn seed_accounts(merchant_id: &str) -> Vec<Account> {
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
        Account {
            account_number: format!("40{number:08}"),
            iban: bulgarian_iban(&format!("MPOS915510{number:08}")),
            currency: currency.into(),
            name: name.into(),
            balance: Decimal::new(cents as i64, 2),
            status: "active".into(),
        }
    })
    .collect()
}

/// FNV-1a: tiny, and unlike std's hasher guaranteed stable across Rust releases.
fn fnv1a(bytes: &[u8]) -> u64 {
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
}
