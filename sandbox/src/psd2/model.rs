//! Everything the PSD2 part remembers: the holders' accounts, consents, payments and tokens,
//! and the sandbox's date.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde_json::Value;

use super::ledger::Holder;
use super::tokens::Grants;
use crate::calendar::Day;

/// Everything the PSD2 part remembers.
pub(crate) struct Psd2 {
    /// Days added to the real date (`POST /_sandbox/psd2/clock`), to reach `validUntil`.
    pub day_offset: i64,
    /// Where SCA links point: the plain listener, also when the API is reached over mTLS (the
    /// holder's browser has no client certificate).
    pub sca_base: Option<String>,
    pub access_token_lifetime: Duration,
    /// From approval (`ACTC`) to execution (`ACSC`).
    pub execution_delay: Duration,
    /// Answer errors as RFC 7807 problems instead of `tppMessages`.
    pub problem_errors: bool,
    pub holders: HashMap<String, Holder>,
    pub consents: HashMap<String, Consent>,
    pub payments: HashMap<String, Payment>,
    pub oauth: Grants,
}

impl Default for Psd2 {
    fn default() -> Self {
        Self {
            day_offset: 0,
            sca_base: None,
            access_token_lifetime: Duration::from_secs(3600),
            execution_delay: Duration::ZERO,
            problem_errors: false,
            holders: HashMap::new(),
            consents: HashMap::new(),
            payments: HashMap::new(),
            oauth: Grants::default(),
        }
    }
}

impl Psd2 {
    /// The sandbox's date: the real one plus the offset.
    pub fn today(&self) -> Day {
        Day(Day::today().0 + self.day_offset)
    }

    /// The holder's accounts, seeded on first use.
    pub fn holder(&mut self, psu: &str) -> &mut Holder {
        self.holders
            .entry(psu.to_owned())
            .or_insert_with(|| super::ledger::seed(psu, Day::today()))
    }
}

/// What a valid consent lets the TPP read of one account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Grant {
    pub details: bool,
    pub balances: bool,
    pub transactions: bool,
}

/// A consent the TPP asked for, and what the holder made of it.
pub(crate) struct Consent {
    pub id: String,
    pub status: &'static str,
    pub access: Value,
    pub recurring: bool,
    pub valid_until: Day,
    pub frequency_per_day: u32,
    /// The day and the count of unattended reads on it.
    pub usage: (Day, u32),
    pub last_action: Day,
    /// `TPP-Redirect-URI` as given on creation.
    pub redirect_uri: Option<String>,
    /// Set when the holder approves.
    pub psu: Option<String>,
    /// By account resource id, set when the holder approves.
    pub grants: BTreeMap<String, Grant>,
}

/// A payment the TPP initiated, and where the holder's approval took it.
pub(crate) struct Payment {
    pub id: String,
    /// `sepa-credit-transfers` or `cross-border-credit-transfers`: part of its path.
    pub product: String,
    pub psu: String,
    /// The body as the TPP sent it, for GET.
    pub body: Value,
    pub amount: Decimal,
    pub currency: String,
    /// The holder's account it is paid from.
    pub debtor: String,
    pub creditor_name: String,
    pub remittance: String,
    pub status: &'static str,
    pub accepted_at: Option<Instant>,
    pub redirect_uri: Option<String>,
}
