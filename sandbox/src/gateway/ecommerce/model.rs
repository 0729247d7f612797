//! What the ecommerce API remembers for one merchant: its payment links and buttons, payment
//! requests, and the payments made through them.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::hash::fnv1a;

/// Where the sandbox's payment pages would be: a reserved domain, never a real page.
pub(crate) const PAGES: &str = "https://sandbox.mypos.invalid";

/// One merchant's links, buttons, requests and the payments made through them.
#[derive(Debug, Clone, Default)]
pub(crate) struct EcommerceState {
    pub links: Vec<Offer>,
    pub buttons: Vec<Offer>,
    pub requests: Vec<PayRequest>,
    pub payments: Vec<OnlinePayment>,
    /// Codes handed out so far, so every new one differs.
    pub codes_issued: u64,
}

impl EcommerceState {
    /// A fresh code: 13 characters, `A–Z0–9`, derived from the merchant and a counter.
    pub fn new_code(&mut self, merchant_id: &str) -> String {
        loop {
            self.codes_issued += 1;
            let mut code = String::with_capacity(13);
            for (part, length) in [(0, 7), (1, 6)] {
                let seed = format!("{merchant_id}#code#{}#{part}", self.codes_issued);
                let mut n = fnv1a(seed.as_bytes());
                for _ in 0..length {
                    code.push(char::from(
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(n % 36) as usize],
                    ));
                    n /= 36;
                }
            }
            let taken = self
                .links
                .iter()
                .chain(&self.buttons)
                .any(|o| o.code == code)
                || self.requests.iter().any(|r| r.code == code);
            if !taken {
                return code;
            }
        }
    }
}

/// A payment link or button, as served (legacy field names; amounts as text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Offer {
    pub code: String,
    pub url: String,
    pub custom_name: String,
    pub item_name: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub item_price: Decimal,
    pub currency: String,
    pub account_number: String,
    pub quantity: i64,
    pub pref_language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub send_sms: bool,
    pub send_email: bool,
    pub ask_for_customer_name: bool,
    pub ask_for_shipping_address: bool,
    pub ask_for_customer_email: bool,
    /// `ask_for_customer_phone_number`, as `mypos-api-gateway` names it for links and buttons
    /// (the legacy button page wrote `ask_for_customer_phone`).
    pub ask_for_customer_phone_number: bool,
    pub ask_for_customer_id: bool,
    pub hide_quantity: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_date: Option<String>,
    pub enable: bool,
    /// `Active`, `Disabled` (by `enable: false`) or `Expired` (past `expired_date`).
    pub status: &'static str,
    pub created_at: String,
    #[serde(flatten)]
    pub button: Option<ButtonFields>,
}

/// What only buttons have.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct ButtonFields {
    /// 0 small, 1 big.
    pub button_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
}

/// A payment made through a link or button.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct OnlinePayment {
    pub payment_reference: String,
    pub code: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: String,
    pub quantity: i64,
    pub date: String,
    pub customer_name: String,
    pub customer_email: String,
    #[serde(skip)]
    pub button: bool,
}

/// A payment request as served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PayRequest {
    pub code: String,
    pub status: &'static str,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: String,
    pub payment_request_url: String,
    pub qr_generated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    pub payment_request_lang: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dba: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_gsm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_email: Option<String>,
    pub created_at: String,
    /// Sandbox addition: reminders sent so far, and when the last one went.
    pub reminders_sent: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reminder_at: Option<String>,
}
