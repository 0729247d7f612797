//! A merchant's three accounts, derived from its client id alone, with the balances their
//! seeded history (see [`ledger`]) ends on.

use rust_decimal::Decimal;
use serde::Serialize;

use super::ledger::{self, BankTransaction};
use crate::calendar::Day;
use crate::hash::fnv1a;

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
