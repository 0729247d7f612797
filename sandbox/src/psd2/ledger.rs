//! The account holder's accounts: seeded from the holder's name (two payment accounts and a
//! card account), with booked transactions over the last ten weeks, a few pending ones, and
//! the balances they add up to. Approved payments appear as pending debits and are booked
//! when executed.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::calendar::Day;
use crate::hash::fnv1a;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Payment,
    Card,
}

/// One movement; `amount` is negative for money out.
#[derive(Debug, Clone)]
pub(crate) struct Tx {
    pub id: String,
    pub amount: Decimal,
    /// `None` while pending.
    pub booking_date: Option<Day>,
    pub value_date: Day,
    pub counterparty: String,
    pub remittance: String,
    /// The payment that made it, for PIS debits.
    pub payment_id: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub resource_id: String,
    pub kind: Kind,
    pub iban: Option<String>,
    pub masked_pan: Option<String>,
    pub currency: String,
    pub name: String,
    pub product: String,
    /// The balance before the first seeded transaction.
    pub opening: Decimal,
    pub credit_limit: Option<Decimal>,
    /// Newest first.
    pub booked: Vec<Tx>,
    pub pending: Vec<Tx>,
}

#[derive(Debug, Clone)]
pub(crate) struct Holder {
    pub psu: String,
    pub accounts: Vec<Account>,
}

fn money(amount: Decimal) -> String {
    format!("{amount:.2}")
}

impl Account {
    pub fn booked_balance(&self) -> Decimal {
        self.opening + self.booked.iter().map(|t| t.amount).sum::<Decimal>()
    }

    /// Booked plus pending: what can be spent now.
    pub fn available(&self) -> Decimal {
        self.booked_balance() + self.pending.iter().map(|t| t.amount).sum::<Decimal>()
    }

    /// `{"iban": …, "currency": …}` or `{"maskedPan": …, "currency": …}`.
    pub fn reference(&self) -> Value {
        match self.kind {
            Kind::Payment => json!({ "iban": self.iban, "currency": self.currency }),
            Kind::Card => json!({ "maskedPan": self.masked_pan, "currency": self.currency }),
        }
    }

    /// Whether `reference` (an account reference from a request) names this account.
    pub fn matches(&self, reference: &Value) -> bool {
        let text = |key: &str| reference.get(key).and_then(Value::as_str);
        match self.kind {
            Kind::Payment => text("iban").is_some_and(|iban| Some(iban) == self.iban.as_deref()),
            Kind::Card => {
                text("maskedPan").is_some_and(|p| Some(p) == self.masked_pan.as_deref())
                    || text("pan").is_some_and(|pan| {
                        self.masked_pan.as_deref().is_some_and(|masked| {
                            pan.len() == masked.len()
                                && pan[..6] == masked[..6]
                                && pan[12..] == masked[12..]
                        })
                    })
            }
        }
    }

    pub fn balances(&self, today: Day) -> Value {
        json!([
            {
                "balanceAmount": { "currency": self.currency, "amount": money(self.booked_balance()) },
                "balanceType": "closingBooked",
                "referenceDate": today.minus(1).to_string(),
            },
            {
                "balanceAmount": { "currency": self.currency, "amount": money(self.available()) },
                "balanceType": "interimAvailable",
                "lastChangeDateTime": format!("{today}T00:00:00Z"),
                "creditLimitIncluded": self.credit_limit.is_some(),
            },
        ])
    }

    pub fn path(&self) -> String {
        match self.kind {
            Kind::Payment => format!("/v1/accounts/{}", self.resource_id),
            Kind::Card => format!("/v1/card-accounts/{}", self.resource_id),
        }
    }

    /// The account as the details and list calls show it.
    pub fn details(&self, balances: Option<Value>, links: Value) -> Value {
        let mut details = match self.kind {
            Kind::Payment => json!({
                "resourceId": self.resource_id,
                "iban": self.iban,
                "currency": self.currency,
                "name": self.name,
                "product": self.product,
                "cashAccountType": "CACC",
                "status": "enabled",
                "bic": "MPOSBGSF",
                "ownerName": owner(&self.name),
            }),
            Kind::Card => json!({
                "resourceId": self.resource_id,
                "maskedPan": self.masked_pan,
                "currency": self.currency,
                "name": self.name,
                "product": self.product,
                "status": "enabled",
                "creditLimit": self.credit_limit.map(|l| json!({ "currency": self.currency, "amount": money(l) })),
            }),
        };
        if let Some(balances) = balances {
            details["balances"] = balances;
        }
        details["_links"] = links;
        details
    }

    pub fn transaction(&self, tx: &Tx) -> Value {
        let amount = json!({ "currency": self.currency, "amount": money(tx.amount) });
        let mut item = match self.kind {
            Kind::Payment => {
                let (name_key, account_key) = if tx.amount < Decimal::ZERO {
                    ("creditorName", "creditorAccount")
                } else {
                    ("debtorName", "debtorAccount")
                };
                json!({
                    "transactionId": tx.id,
                    "entryReference": tx.id,
                    "transactionAmount": amount,
                    "valueDate": tx.value_date.to_string(),
                    name_key: tx.counterparty,
                    account_key: { "iban": counterparty_iban(&tx.counterparty) },
                    "remittanceInformationUnstructured": tx.remittance,
                })
            }
            Kind::Card => json!({
                "cardTransactionId": tx.id,
                "transactionAmount": amount,
                "transactionDate": tx.value_date.to_string(),
                "cardAcceptorId": tx.counterparty,
                "maskedPan": self.masked_pan,
                "transactionDetails": tx.remittance,
            }),
        };
        if let Some(day) = tx.booking_date {
            item["bookingDate"] = json!(day.to_string());
        }
        if let Some(payment) = &tx.payment_id {
            item["endToEndId"] = json!(payment);
        }
        item
    }
}

fn owner(name: &str) -> String {
    name.split(" – ").next().unwrap_or(name).to_string()
}

fn counterparty_iban(name: &str) -> String {
    format!("DE89370400440{:09}", fnv1a(name.as_bytes()) % 1_000_000_000)
}

/// FNV-1a: stable across runs, so a holder's accounts are the same in every sandbox.
const MERCHANTS: [&str; 8] = [
    "Sofia Coffee Roasters",
    "Metro Cash & Carry",
    "Vivacom",
    "Lidl",
    "Shell",
    "Ikea",
    "Bolt",
    "Emag",
];

/// Two payment accounts (EUR, GBP) and a EUR card account for `psu`, with transactions up to
/// `today`.
pub(crate) fn seed(psu: &str, today: Day) -> Holder {
    let h = fnv1a(psu.as_bytes());
    let tag = format!("{:08x}", h as u32);
    let owner = if psu.is_empty() {
        "Account Holder".to_string()
    } else {
        psu.replace('_', " ")
    };
    let digits = |salt: u64| (h.wrapping_add(salt)) % 100_000_000_000_000;
    let mut eur = Account {
        resource_id: format!("acc-{tag}-eur"),
        kind: Kind::Payment,
        iban: Some(format!("BG{:02}MPOS{:014}", 10 + h % 89, digits(1))),
        masked_pan: None,
        currency: "EUR".into(),
        name: format!("{owner} – EUR"),
        product: "myPOS Account".into(),
        opening: Decimal::new(250_000, 2),
        credit_limit: None,
        booked: Vec::new(),
        pending: Vec::new(),
    };
    // 24 booked over ten weeks, every third day: mostly spending, a payout every fourth.
    for i in 0..24u64 {
        let day = today.minus((i * 3 + 1) as i64);
        let merchant = MERCHANTS[((h >> (i % 32)) as usize + i as usize) % MERCHANTS.len()];
        let (amount, counterparty, remittance) = if i % 4 == 0 {
            (
                Decimal::new(((h + i * 7919) % 90_000 + 25_000) as i64, 2),
                "myPOS Payouts".to_string(),
                format!("Settlement {}", day),
            )
        } else {
            (
                -Decimal::new(((h + i * 104_729) % 17_000 + 240) as i64, 2),
                merchant.to_string(),
                format!("Card payment at {merchant}"),
            )
        };
        eur.booked.push(Tx {
            id: format!("tx-{tag}-e{i:02}"),
            amount,
            booking_date: Some(day),
            value_date: day,
            counterparty,
            remittance,
            payment_id: None,
        });
    }
    for (i, cents) in [2390i64, 500].into_iter().enumerate() {
        eur.pending.push(Tx {
            id: format!("tx-{tag}-p{i}"),
            amount: -Decimal::new(cents, 2),
            booking_date: None,
            value_date: today,
            counterparty: MERCHANTS[i].into(),
            remittance: format!("Card payment at {}", MERCHANTS[i]),
            payment_id: None,
        });
    }
    let mut gbp = Account {
        resource_id: format!("acc-{tag}-gbp"),
        kind: Kind::Payment,
        iban: Some(format!("BG{:02}MPOS{:014}", 10 + (h >> 8) % 89, digits(2))),
        currency: "GBP".into(),
        name: format!("{owner} – GBP"),
        opening: Decimal::new(80_000, 2),
        booked: Vec::new(),
        pending: Vec::new(),
        ..eur.clone()
    };
    for i in 0..6u64 {
        let day = today.minus((i * 11 + 2) as i64);
        gbp.booked.push(Tx {
            id: format!("tx-{tag}-g{i:02}"),
            amount: -Decimal::new(((h + i * 31) % 6_000 + 500) as i64, 2),
            booking_date: Some(day),
            value_date: day,
            counterparty: "London Supplies Ltd".into(),
            remittance: format!("Invoice {}", 1000 + i),
            payment_id: None,
        });
    }
    let mut card = Account {
        resource_id: format!("card-{tag}"),
        kind: Kind::Card,
        iban: None,
        masked_pan: Some(format!("525412******{:04}", h % 10_000)),
        currency: "EUR".into(),
        name: format!("{owner} – myPOS Card"),
        product: "myPOS Business Card".into(),
        opening: Decimal::new(30_000, 2),
        credit_limit: Some(Decimal::new(100_000, 2)),
        booked: Vec::new(),
        pending: Vec::new(),
    };
    for i in 0..8u64 {
        let day = today.minus((i * 5 + 1) as i64);
        let merchant = MERCHANTS[(i as usize + 3) % MERCHANTS.len()];
        card.booked.push(Tx {
            id: format!("ctx-{tag}-{i:02}"),
            amount: -Decimal::new(((h + i * 13) % 4_000 + 199) as i64, 2),
            booking_date: Some(day),
            value_date: day,
            counterparty: format!("ACQ{:06}", fnv1a(merchant.as_bytes()) % 1_000_000),
            remittance: merchant.into(),
            payment_id: None,
        });
    }
    card.pending.push(Tx {
        id: format!("ctx-{tag}-p0"),
        amount: -Decimal::new(1_250, 2),
        booking_date: None,
        value_date: today,
        counterparty: "ACQ000042".into(),
        remittance: "Bolt".into(),
        payment_id: None,
    });
    Holder {
        psu: psu.to_owned(),
        accounts: vec![eur, gbp, card],
    }
}

impl Holder {
    pub fn account(&self, resource_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.resource_id == resource_id)
    }

    pub fn account_mut(&mut self, resource_id: &str) -> Option<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.resource_id == resource_id)
    }

    /// The account a reference from a request names.
    pub fn find(&self, reference: &Value) -> Option<&Account> {
        self.accounts.iter().find(|a| a.matches(reference))
    }
}
