//! What the MobilePay sandbox remembers: merchants (by `bioCode`) with their tokens, stores,
//! terminals, points of sale, payments and refunds, and the state machines they follow.

use std::collections::BTreeMap;

use rand::Rng;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// The seeded merchant's code.
pub const BIO_CODE: &str = "sandbox";
/// The seeded merchant's long-lived access token.
pub const ACCESS_TOKEN: &str = "mpat_sandbox";
/// A second seeded merchant, without an access token yet (for `manage/token`, which creates
/// one only while the merchant has none), stores or terminals.
pub const NEW_BIO_CODE: &str = "sandbox-new";
/// How long clients are told to wait between polls (`pollDelayInMs`); short, so tests that
/// wait for a customer run fast. MobilePay's own example is 1000.
pub const POLL_DELAY_MS: u64 = 100;
/// The seeded terminals: `1001`, `1002` (requires a payment before check-in) and `2001`
/// have points of sale; `2002` has none yet (for `manage/create`).
pub const TERMINAL_IDS: [&str; 4] = ["1001", "1002", "2001", "2002"];

/// Every merchant, by `bioCode`.
pub(crate) struct MobilePayState {
    pub merchants: BTreeMap<String, Merchant>,
}

impl MobilePayState {
    pub fn seeded() -> Self {
        let mut merchants = BTreeMap::new();
        merchants.insert(BIO_CODE.to_string(), Merchant::seeded());
        merchants.insert(NEW_BIO_CODE.to_string(), Merchant::without_token());
        Self { merchants }
    }

    /// The merchant a payment belongs to, with the payment's index.
    pub fn find_payment(&mut self, payment_id: &str) -> Option<(&mut Merchant, usize)> {
        self.merchants.values_mut().find_map(|merchant| {
            let index = merchant.payments.iter().position(|p| p.id == payment_id)?;
            Some((merchant, index))
        })
    }

    /// The merchant a terminal belongs to.
    pub fn find_terminal(&mut self, terminal_id: &str) -> Option<&mut Merchant> {
        self.merchants
            .values_mut()
            .find(|m| m.terminals.contains_key(terminal_id))
    }

    /// The merchant a point of sale belongs to.
    pub fn find_pos(&mut self, pos_id: &str) -> Option<&mut Merchant> {
        self.merchants
            .values_mut()
            .find(|m| m.points_of_sale.contains_key(pos_id))
    }

    pub fn find_refund(&mut self, refund_id: &str) -> Option<(&mut Merchant, usize)> {
        self.merchants.values_mut().find_map(|merchant| {
            let index = merchant.refunds.iter().position(|r| r.id == refund_id)?;
            Some((merchant, index))
        })
    }
}

pub(crate) struct Merchant {
    /// The long-lived access token, once created: one per merchant, as the API text's
    /// `MerchantInformation` holds it.
    pub token: Option<String>,
    pub stores: Vec<Store>,
    /// By Integra terminal id.
    pub terminals: BTreeMap<String, Terminal>,
    /// By MobilePay posId; deleted ones stay, marked.
    pub points_of_sale: BTreeMap<String, PointOfSale>,
    /// Oldest first.
    pub payments: Vec<Payment>,
    /// Oldest first.
    pub refunds: Vec<Refund>,
}

pub(crate) struct Store {
    pub id: String,
    pub name: &'static str,
    pub street: &'static str,
    pub zip_code: &'static str,
    pub city: &'static str,
    pub brand_name: &'static str,
    pub merchant_brand_id: &'static str,
    pub merchant_location_id: &'static str,
}

impl Store {
    pub fn json(&self) -> Value {
        json!({
            "storeId": self.id, "storeName": self.name, "storeStreet": self.street,
            "storeZipCode": self.zip_code, "storeCity": self.city, "brandName": self.brand_name,
            "merchantBrandId": self.merchant_brand_id, "merchantLocationId": self.merchant_location_id,
        })
    }
}

pub(crate) struct Terminal {
    pub store_id: String,
    /// The terminal's point of sale, if it has one.
    pub pos_id: Option<String>,
}

pub(crate) struct PointOfSale {
    pub id: String,
    pub merchant_pos_id: String,
    pub name: String,
    pub store_id: String,
    pub beacon_id: String,
    pub require_payment_before_checkin: bool,
    pub deleted: bool,
    /// A customer is checked in and no payment has taken them yet.
    pub checked_in: bool,
}

impl PointOfSale {
    /// As `terminal/information` serves it: every field a string, as in the API text's sample.
    pub fn json(&self) -> Value {
        json!({
            "beaconId": self.beacon_id,
            "merchantPosId": self.merchant_pos_id,
            "name": self.name,
            "posId": self.id,
            "requirePaymentBeforeCheckin": if self.require_payment_before_checkin { "True" } else { "False" },
            "storeId": self.store_id,
            "supportedBeaconTypes": "QR,NFC",
            "callbackAlias": null,
        })
    }
}

/// MobilePay PoS v10 payment statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Prepared,
    Initiated,
    Paired,
    IssuedToUser,
    Reserved,
    CancelledByUser,
    CancelledByClient,
    CancelledByMobilePay,
    ExpiredAndCancelled,
    Captured,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Prepared => "Prepared",
            Status::Initiated => "Initiated",
            Status::Paired => "Paired",
            Status::IssuedToUser => "IssuedToUser",
            Status::Reserved => "Reserved",
            Status::CancelledByUser => "CancelledByUser",
            Status::CancelledByClient => "CancelledByClient",
            Status::CancelledByMobilePay => "CancelledByMobilePay",
            Status::ExpiredAndCancelled => "ExpiredAndCancelled",
            Status::Captured => "Captured",
        }
    }

    /// With the customer: prepared, started, or on their phone, not yet accepted.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Status::Prepared | Status::Initiated | Status::Paired | Status::IssuedToUser
        )
    }

    /// Neither captured nor ended (`Reserved` included): what `payments` lists without a
    /// state, and what counts against the one active payment of a point of sale. The API
    /// text's "active" is "neither captured, rejected, cancelled, or reversed"; MobilePay
    /// v10's newer pages leave `Reserved` out, the text is followed.
    pub fn is_active(self) -> bool {
        self.is_pending() || self == Status::Reserved
    }
}

pub(crate) struct Payment {
    pub id: String,
    pub pos_id: String,
    pub terminal_id: Option<String>,
    pub order_id: String,
    /// Unknown until a prepared payment is ready.
    pub amount: Option<Decimal>,
    pub currency: String,
    pub status: Status,
    /// Set when the customer accepts.
    pub partial_capture_possible: Option<bool>,
    pub captured_amount: Option<Decimal>,
    pub expires_at: String,
}

impl Payment {
    /// As `payment/details` serves it (MobilePay v10's fields, flat in the envelope).
    pub fn json(&self) -> Value {
        json!({
            "paymentId": self.id,
            "posId": self.pos_id,
            "terminalId": self.terminal_id,
            "orderId": self.order_id,
            "amount": self.amount.map(number),
            "currencyCode": self.currency,
            "status": self.status.as_str(),
            "partialCapturePossible": self.partial_capture_possible,
            "capturedAmount": self.captured_amount.map(number),
            "paymentExpiresAt": self.expires_at,
            "customerToken": null,
            "customerReceiptToken": null,
            "loyaltyIds": null,
            "pollDelayInMs": POLL_DELAY_MS,
        })
    }
}

/// MobilePay PoS v10 refund statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefundStatus {
    Initiated,
    Reserved,
    Captured,
    CancelledByClient,
    CancelledByMobilePay,
    ExpiredAndCaptured,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Initiated => "Initiated",
            RefundStatus::Reserved => "Reserved",
            RefundStatus::Captured => "Captured",
            RefundStatus::CancelledByClient => "CancelledByClient",
            RefundStatus::CancelledByMobilePay => "CancelledByMobilePay",
            RefundStatus::ExpiredAndCaptured => "ExpiredAndCaptured",
        }
    }

    /// Counts against what is left to refund of a payment.
    pub fn holds_money(self) -> bool {
        matches!(
            self,
            RefundStatus::Initiated
                | RefundStatus::Reserved
                | RefundStatus::Captured
                | RefundStatus::ExpiredAndCaptured
        )
    }
}

pub(crate) struct Refund {
    pub id: String,
    pub payment_id: String,
    pub refund_order_id: String,
    pub amount: Decimal,
    pub currency: String,
    pub status: RefundStatus,
}

impl Refund {
    pub fn json(&self) -> Value {
        json!({
            "refundId": self.id,
            "paymentId": self.payment_id,
            "refundOrderId": self.refund_order_id,
            "amount": number(self.amount),
            "currencyCode": self.currency,
            "status": self.status.as_str(),
            "pollDelayInMs": POLL_DELAY_MS,
        })
    }
}

/// A decimal amount as a JSON number (`27.06`), as a .NET service writes one.
pub(crate) fn number(amount: Decimal) -> Value {
    amount
        .normalize()
        .to_string()
        .parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A random id in the GUID form MobilePay uses.
pub(crate) fn guid() -> String {
    let mut rng = rand::rng();
    let hex = |n: usize, rng: &mut rand::rngs::ThreadRng| {
        (0..n)
            .map(|_| format!("{:x}", rng.random_range(0..16u8)))
            .collect::<String>()
    };
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(8, &mut rng),
        hex(4, &mut rng),
        hex(3, &mut rng),
        hex(3, &mut rng),
        hex(12, &mut rng)
    )
}

/// The seeded stores, terminals and points of sale (documented in the README).
pub(crate) const STORE_IDS: [&str; 2] = [
    "5e1f6a0c-3b1d-4c7e-9f00-00000000a001",
    "5e1f6a0c-3b1d-4c7e-9f00-00000000a002",
];

/// (terminal id, store index, posId, beacon id, requires a payment before check-in).
pub(crate) const TERMINALS: [(&str, usize, Option<&str>, &str, bool); 4] = [
    (
        "1001",
        0,
        Some("0b8f3e52-7c41-4d2a-8e61-000000001001"),
        "100000000001001",
        false,
    ),
    (
        "1002",
        0,
        Some("0b8f3e52-7c41-4d2a-8e61-000000001002"),
        "100000000001002",
        true,
    ),
    (
        "2001",
        1,
        Some("0b8f3e52-7c41-4d2a-8e61-000000002001"),
        "100000000002001",
        false,
    ),
    ("2002", 1, None, "100000000002002", false),
];

impl Merchant {
    fn seeded() -> Self {
        let stores = vec![
            Store {
                id: STORE_IDS[0].into(),
                name: "Sandbox Bio Nørreport",
                street: "Frederiksborggade 1",
                zip_code: "1360",
                city: "København K",
                brand_name: "Sandbox Bio",
                merchant_brand_id: "SANDBOXBIO",
                merchant_location_id: "0001",
            },
            Store {
                id: STORE_IDS[1].into(),
                name: "Sandbox Bio Aarhus",
                street: "Søndergade 2",
                zip_code: "8000",
                city: "Aarhus C",
                brand_name: "Sandbox Bio",
                merchant_brand_id: "SANDBOXBIO",
                merchant_location_id: "0002",
            },
        ];
        let mut terminals = BTreeMap::new();
        let mut points_of_sale = BTreeMap::new();
        for (terminal_id, store, pos_id, beacon_id, require_payment) in TERMINALS {
            let store_id = STORE_IDS[store].to_string();
            if let Some(pos_id) = pos_id {
                points_of_sale.insert(
                    pos_id.to_string(),
                    PointOfSale {
                        id: pos_id.into(),
                        merchant_pos_id: format!("kiosk-{terminal_id}"),
                        name: format!("Kiosk {terminal_id}"),
                        store_id: store_id.clone(),
                        beacon_id: beacon_id.into(),
                        require_payment_before_checkin: require_payment,
                        deleted: false,
                        checked_in: false,
                    },
                );
            }
            terminals.insert(
                terminal_id.to_string(),
                Terminal {
                    store_id,
                    pos_id: pos_id.map(str::to_owned),
                },
            );
        }
        Self {
            token: Some(ACCESS_TOKEN.to_string()),
            stores,
            terminals,
            points_of_sale,
            payments: Vec::new(),
            refunds: Vec::new(),
        }
    }

    /// A merchant that has nothing yet, not even an access token.
    fn without_token() -> Self {
        Self {
            token: None,
            stores: Vec::new(),
            terminals: BTreeMap::new(),
            points_of_sale: BTreeMap::new(),
            payments: Vec::new(),
            refunds: Vec::new(),
        }
    }

    /// The beacon id a new point of sale gets: 15 digits.
    pub fn next_beacon_id(&self) -> String {
        format!("2{:014}", self.points_of_sale.len() + 1)
    }

    /// The payment that counts as active on a point of sale.
    pub fn active_on(&self, pos_id: &str) -> Option<&Payment> {
        self.payments
            .iter()
            .find(|p| p.pos_id == pos_id && p.status.is_active())
    }

    /// The payment a customer at a point of sale deals with: the active one, else the
    /// newest reserved one.
    pub fn current_on(&self, pos_id: &str) -> Option<usize> {
        let newest = |f: &dyn Fn(&Payment) -> bool| {
            self.payments
                .iter()
                .rposition(|p| p.pos_id == pos_id && f(p))
        };
        newest(&|p| p.status.is_pending()).or_else(|| newest(&|p| p.status == Status::Reserved))
    }

    /// Moves payment `index` to `status`; a payment that leaves the customer's hands ends
    /// the check-in.
    pub fn set_status(&mut self, index: usize, status: Status) {
        let payment = &mut self.payments[index];
        payment.status = status;
        if !status.is_pending() {
            let pos_id = payment.pos_id.clone();
            if let Some(pos) = self.points_of_sale.get_mut(&pos_id) {
                pos.checked_in = false;
            }
        }
    }

    /// What is left to refund of a captured payment.
    pub fn refundable(&self, payment: &Payment) -> Decimal {
        let refunded: Decimal = self
            .refunds
            .iter()
            .filter(|r| r.payment_id == payment.id && r.status.holds_money())
            .map(|r| r.amount)
            .sum();
        payment.captured_amount.unwrap_or_default() - refunded
    }
}
