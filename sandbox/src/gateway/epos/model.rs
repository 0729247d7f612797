//! What the sandbox keeps per merchant for ePOS: terminals, outlets, payments, terminal
//! transactions and receipts. Each type serializes as the gateway's JSON for it.

use std::collections::HashMap;

use rand::Rng;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use super::clock::Stamp;

/// Payment statuses the sandbox emits.
pub(crate) mod status {
    pub const IN_PROGRESS: &str = "InProgress";
    pub const SUCCESS: &str = "Success";
    pub const FAILED: &str = "Failed";
    pub const REJECTED: &str = "Rejected";
    pub const CANCELED: &str = "Canceled";
    pub const REVERSED: &str = "Reversed";
}

pub(crate) const ACTIVE: &str = "Active";
pub(crate) const INACTIVE: &str = "Inactive";

/// Terminal models: `code` is also the `product_code` activation takes.
pub(crate) const MODELS: [(&str, &str); 5] = [
    ("GO2", "myPOS Go 2"),
    ("SIGMA", "myPOS Sigma"),
    ("PRO", "myPOS Pro"),
    ("CARBON", "myPOS Carbon"),
    ("SLIM", "myPOS Slim"),
];

/// Currencies terminals take; all have two decimal places, so minor units are cents.
pub(crate) const CURRENCIES: [&str; 12] = [
    "EUR", "GBP", "BGN", "USD", "RON", "CHF", "PLN", "CZK", "HUF", "DKK", "SEK", "NOK",
];

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Outlet {
    pub outlet_id: i64,
    pub name: String,
}

/// A terminal as `GET /pos/v1/terminals/{terminal_id}` serves it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Terminal {
    pub terminal_id: String,
    pub serial_number: String,
    pub model: String,
    pub terminal_name: String,
    pub outlet_id: i64,
    pub outlet_name: String,
    pub device_currency: String,
    pub status: String,
    pub last_transaction_date: Option<String>,
    pub transactions_count: u64,
    pub settlement_account_number: String,
    pub settlement_account_name: String,
    pub settlement_account_currency: String,
    pub billing_descriptor: String,
    pub receipt_footer_row_1: String,
    pub receipt_footer_row_2: String,
    pub forbidden_preauthorization: bool,
    pub forbidden_moto: bool,
    pub forbidden_reversal: bool,
    pub forbidden_refund: bool,
    pub forbidden_topup: bool,
    pub card_topup_enabled: bool,
    /// The code `activation` answered for it; `deactivation` names the terminal by it.
    #[serde(skip)]
    pub activation_code: Option<String>,
}

impl Terminal {
    /// The list's item: only the three attested fields.
    pub fn summary(&self) -> Value {
        json!({
            "terminal_id": self.terminal_id,
            "serial_number": self.serial_number,
            "model": self.model,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Amount {
    pub value: u64,
    pub currency_code: String,
    pub tip: u64,
}

impl Amount {
    /// Value plus tip, in major units.
    pub fn total(&self) -> Decimal {
        Decimal::new((self.value + self.tip) as i64, 2)
    }
}

/// What the card and the terminal add when a payment goes through.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CardResult {
    pub stan: String,
    pub auth_code: String,
    pub rrn: String,
    pub aid: String,
    pub pan: String,
    pub card_qualifier: String,
    pub transaction_date_local: String,
    pub reference_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Purchase,
    /// A standalone refund (`POST /epos/v1/payments/refund`): money goes to the card.
    Refund,
}

/// An ePOS payment as `GET /epos/v1/payments/{id}` serves it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Payment {
    pub payment_id: String,
    pub status: &'static str,
    pub amount: Amount,
    pub reference_number: Option<String>,
    pub description: Option<String>,
    pub terminal_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub expire_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_code: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardResult>,
    pub dcc_available: bool,
    pub signature_required: bool,
    #[serde(skip)]
    pub kind: Kind,
    #[serde(skip)]
    pub operator_code: Option<String>,
    /// Minor units already refunded through `POST /pos/v1/terminals/{id}/refund`.
    #[serde(skip)]
    pub refunded: u64,
}

/// How long a terminal waits for a card. Informational: the sandbox never expires a payment
/// on its own; a test times it out through the control API.
pub(crate) const WAIT_FOR_CARD_SECS: u64 = 120;

/// A card transaction as the terminal transaction lists serve it. Amounts are major units.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Transaction {
    pub terminal_id: String,
    pub date: String,
    pub terminal_name: String,
    pub outlet_name: String,
    /// `Purchase` or `Refund` (a sandbox addition; see the README).
    pub tran_type: &'static str,
    pub tran_status: &'static str,
    pub payment_status: &'static str,
    #[serde(with = "rust_decimal::serde::float")]
    pub amount: Decimal,
    pub currency: String,
    pub rrn: String,
    pub stan: String,
    pub settlement_date: String,
    #[serde(with = "rust_decimal::serde::float")]
    pub settlement_amount: Decimal,
    pub settlement_currency: String,
    #[serde(with = "rust_decimal::serde::float")]
    pub fee: Decimal,
    pub pan: String,
    pub card_scheme: String,
    pub payment_reference: String,
    pub billing_descriptor: String,
    pub reference_number: Option<String>,
    /// The ePOS payment behind it, if any: a reversal updates this transaction.
    #[serde(skip)]
    pub payment_id: Option<String>,
    /// The day, for the date filters.
    #[serde(skip)]
    pub day: String,
}

/// One merchant's ePOS world.
#[derive(Debug, Clone, Default)]
pub(crate) struct EposState {
    pub merchant_id: String,
    pub terminals: Vec<Terminal>,
    pub outlets: Vec<Outlet>,
    /// Oldest first.
    pub payments: Vec<Payment>,
    /// Oldest first.
    pub transactions: Vec<Transaction>,
    /// By payment reference.
    pub receipts: HashMap<String, Value>,
    /// The last STAN handed out (system trace audit number, 6 digits, wraps).
    pub stan: u32,
    /// Terminals created so far, seeded or activated; numbers the next one.
    pub terminals_created: u64,
}

impl EposState {
    pub fn terminal(&self, terminal_id: &str) -> Option<&Terminal> {
        self.terminals.iter().find(|t| t.terminal_id == terminal_id)
    }

    pub fn terminal_mut(&mut self, terminal_id: &str) -> Option<&mut Terminal> {
        self.terminals
            .iter_mut()
            .find(|t| t.terminal_id == terminal_id)
    }

    pub fn payment(&self, payment_id: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.payment_id == payment_id)
    }

    pub fn payment_mut(&mut self, payment_id: &str) -> Option<&mut Payment> {
        self.payments
            .iter_mut()
            .find(|p| p.payment_id == payment_id)
    }

    /// The payment the terminal is busy with, if any: one at a time per terminal.
    pub fn busy_with(&self, terminal_id: &str) -> Option<&Payment> {
        self.payments
            .iter()
            .find(|p| p.terminal_id == terminal_id && p.status == status::IN_PROGRESS)
    }

    pub fn next_stan(&mut self) -> String {
        self.stan = self.stan % 999_999 + 1;
        format!("{:06}", self.stan)
    }
}

/// Random digits, for references the gateway makes up (rrn, payment reference).
pub(crate) fn digits(count: usize) -> String {
    let mut rng = rand::rng();
    (0..count)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// A 24-hex payment id, like the gateway's (MongoDB ObjectId-like).
pub(crate) fn payment_id() -> String {
    let mut rng = rand::rng();
    (0..12)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// An auth code: six upper-case letters and digits.
pub(crate) fn auth_code() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..6)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// The fee the sandbox charges on a card transaction: 1.69 %, rounded to the cent.
pub(crate) fn fee(amount: Decimal) -> Decimal {
    (amount * Decimal::new(169, 4)).round_dp(2)
}

/// `now + days`, as a date.
pub(crate) fn date_in_days(days: u64) -> String {
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(days * 86_400);
    Stamp::at(later).date()
}
