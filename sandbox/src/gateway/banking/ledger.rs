//! The seeded account history: a few hundred transactions over the last 90 days, derived from
//! the merchant id alone, so the same merchant sees the same movements (relative to today) in
//! every sandbox, and each account's balance is exactly its history's sum.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::{Day, date_time};
use crate::hash::fnv1a;

/// How far back the history goes.
pub(crate) const HISTORY_DAYS: i64 = 90;
/// Transactions per account: EUR, GBP, BGN.
const COUNTS: [usize; 3] = [180, 60, 60];

/// A kind of movement: type code, what the statement calls it, sign, SWIFT transaction type
/// and the range of its amount in cents. Codes 001–003 are the legacy API's; the credit codes
/// and all the names are the sandbox's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub code: &'static str,
    pub name: &'static str,
    pub credit: bool,
    pub swift: &'static str,
    cents: (u64, u64),
    weight: u64,
}

const KINDS: [Kind; 6] = [
    kind("008", "POS payment", true, "NMSC", (500, 30_000), 40),
    kind("013", "Online payment", true, "NMSC", (1_000, 50_000), 15),
    kind(
        "020",
        "Incoming bank transfer",
        true,
        "NTRF",
        (10_000, 200_000),
        8,
    ),
    kind("001", "Fee", false, "NCHG", (10, 500), 20),
    kind("002", "Cash withdrawal", false, "NMSC", (2_000, 40_000), 7),
    kind(
        "003",
        "Outgoing bank transfer",
        false,
        "NTRF",
        (5_000, 150_000),
        10,
    ),
];

const fn kind(
    code: &'static str,
    name: &'static str,
    credit: bool,
    swift: &'static str,
    cents: (u64, u64),
    weight: u64,
) -> Kind {
    Kind {
        code,
        name,
        credit,
        swift,
        cents,
        weight,
    }
}

/// One account movement, served as the legacy "Transaction" model (amounts as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct BankTransaction {
    pub id: u64,
    pub payment_reference: String,
    pub transaction_type: &'static str,
    #[serde(with = "rust_decimal::serde::str")]
    pub transaction_amount: Decimal,
    pub transaction_currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub original_amount: Decimal,
    pub original_currency: String,
    /// `C` or `D`.
    pub sign: &'static str,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    pub account_number: String,
    /// Not in the legacy model: what the statement's `:86:` line says.
    pub description: String,
    #[serde(skip)]
    pub day: Day,
    #[serde(skip)]
    pub second: u32,
    #[serde(skip)]
    pub kind: Kind,
}

impl BankTransaction {
    /// The amount with its sign: what it does to the balance.
    pub fn signed(&self) -> Decimal {
        if self.kind.credit {
            self.transaction_amount
        } else {
            -self.transaction_amount
        }
    }
}

/// SplitMix64: a tiny generator whose sequence never changes between releases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn pick(&mut self) -> Kind {
        let total: u64 = KINDS.iter().map(|k| k.weight).sum();
        let mut ticket = self.next() % total;
        for kind in KINDS {
            if ticket < kind.weight {
                return kind;
            }
            ticket -= kind.weight;
        }
        KINDS[0]
    }
}

/// One account's movements, oldest first, as (days ago, second of day, kind, cents), and the
/// balance after them. Debits never take the balance below zero: one that would becomes an
/// incoming transfer.
fn history(
    merchant_id: &str,
    index: usize,
    opening_cents: u64,
) -> (Vec<(i64, u32, Kind, u64)>, u64) {
    let mut rng = Rng(fnv1a(format!("{merchant_id}#ledger#{index}").as_bytes()));
    let mut moves: Vec<_> = (0..COUNTS[index % COUNTS.len()])
        .map(|_| {
            let kind = rng.pick();
            let days_ago = rng.between(1, HISTORY_DAYS as u64) as i64;
            let second = rng.between(7 * 3600, 21 * 3600) as u32;
            (
                days_ago,
                second,
                kind,
                rng.between(kind.cents.0, kind.cents.1),
            )
        })
        .collect();
    moves.sort_by_key(|&(days_ago, second, _, _)| (-days_ago, second));
    let mut balance = opening_cents;
    for (_, _, kind, cents) in &mut moves {
        if !kind.credit && *cents > balance {
            *kind = KINDS[2];
        }
        balance = if kind.credit {
            balance + *cents
        } else {
            balance - *cents
        };
    }
    (moves, balance)
}

/// The closing balance, in cents, of account `index` that opened with `opening_cents`.
pub(crate) fn closing_cents(merchant_id: &str, index: usize, opening_cents: u64) -> u64 {
    history(merchant_id, index, opening_cents).1
}

/// Every movement of the merchant's accounts, `(account_number, currency, opening cents)`,
/// dated back from `today`, oldest first; ids and references follow that order.
pub(crate) fn seed(
    merchant_id: &str,
    accounts: &[(String, String, u64)],
    today: Day,
) -> Vec<BankTransaction> {
    let prefix = fnv1a(format!("{merchant_id}#references").as_bytes()) % 1_000_000;
    let mut all: Vec<BankTransaction> = accounts
        .iter()
        .enumerate()
        .flat_map(|(index, (number, currency, opening))| {
            let (moves, _) = history(merchant_id, index, *opening);
            moves
                .into_iter()
                .map(move |(days_ago, second, kind, cents)| {
                    let amount = Decimal::new(cents as i64, 2);
                    let day = today.minus(days_ago);
                    let terminal = (kind.code == "008")
                        .then(|| format!("{}", 10_000_000 + fnv1a(number.as_bytes()) % 90_000_000));
                    BankTransaction {
                        id: 0,
                        payment_reference: String::new(),
                        transaction_type: kind.code,
                        transaction_amount: amount,
                        transaction_currency: currency.clone(),
                        original_amount: amount,
                        original_currency: currency.clone(),
                        sign: if kind.credit { "C" } else { "D" },
                        date: date_time(day, second),
                        reference_number: terminal
                            .as_ref()
                            .map(|_| format!("INV-{:05}", cents % 100_000)),
                        description: match &terminal {
                            Some(tid) => format!("{} on terminal {tid}", kind.name),
                            None => kind.name.to_string(),
                        },
                        terminal_id: terminal,
                        account_number: number.clone(),
                        day,
                        second,
                        kind,
                    }
                })
        })
        .collect();
    all.sort_by_key(|t| (t.day, t.second));
    for (i, transaction) in all.iter_mut().enumerate() {
        transaction.id = i as u64 + 1;
        transaction.payment_reference = format!("{prefix:06}{:06}", i + 1);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<(String, String, u64)> {
        vec![
            ("4000000001".into(), "EUR".into(), 10_000),
            ("4000000002".into(), "GBP".into(), 500_000),
        ]
    }

    #[test]
    fn history_is_deterministic_and_adds_up() {
        let today = Day::parse("2025-06-30").unwrap();
        let a = seed("cli_x", &accounts(), today);
        assert_eq!(a, seed("cli_x", &accounts(), today));
        assert_ne!(a, seed("cli_y", &accounts(), today));
        assert_eq!(a.len(), 240);
        assert!(
            a.iter()
                .all(|t| t.day < today && t.day >= today.minus(HISTORY_DAYS))
        );
        assert!(a.iter().any(|t| t.sign == "C") && a.iter().any(|t| t.sign == "D"));
        for (index, (number, _, opening)) in accounts().iter().enumerate() {
            let mut balance = Decimal::new(*opening as i64, 2);
            for t in a.iter().filter(|t| &t.account_number == number) {
                balance += t.signed();
                assert!(!balance.is_sign_negative(), "never overdrawn");
            }
            let closing = closing_cents("cli_x", index, *opening);
            assert_eq!(balance, Decimal::new(closing as i64, 2));
        }
        let references: std::collections::BTreeSet<_> =
            a.iter().map(|t| &t.payment_reference).collect();
        assert_eq!(references.len(), a.len());
    }
}
