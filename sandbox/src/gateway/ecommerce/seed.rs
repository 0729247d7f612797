//! What every merchant starts with: three links (one disabled), two buttons, three payment
//! requests and a few dozen payments through the links and buttons, derived from the client
//! id alone (dates relative to today).

use rust_decimal::Decimal;

use super::model::{ButtonFields, EcommerceState, Offer, OnlinePayment, PAGES, PayRequest};
use crate::calendar::{Day, date_time};
use crate::gateway::banking::accounts::Account;
use crate::hash::fnv1a;

/// Payments seeded through links and through buttons.
const PAYMENTS: (usize, usize) = (24, 12);

const ITEMS: [(&str, i64); 5] = [
    ("Yoga class", 1500),
    ("T-shirt", 1990),
    ("Gift card", 5000),
    ("Coffee beans 1 kg", 2450),
    ("Consultation", 8000),
];

const CUSTOMERS: [&str; 6] = [
    "Maria Ivanova",
    "John Smith",
    "Anna Müller",
    "Luca Rossi",
    "Sofia Georgieva",
    "Pierre Martin",
];

pub(crate) fn seed(merchant_id: &str, accounts: &[Account]) -> EcommerceState {
    let mut state = EcommerceState::default();
    let today = Day::today();
    let number = |i: usize, salt: &str| fnv1a(format!("{merchant_id}#{salt}#{i}").as_bytes());
    let eur = &accounts[0];
    for (i, (item, cents)) in ITEMS.into_iter().enumerate() {
        let button = i >= 3;
        let code = state.new_code(merchant_id);
        let kind = if button { "button" } else { "link" };
        let offer = Offer {
            url: format!("{PAGES}/{kind}/{code}"),
            code,
            custom_name: format!("{item} ({kind})"),
            item_name: item.into(),
            item_price: Decimal::new(cents, 2),
            currency: eur.currency.clone(),
            account_number: eur.account_number.clone(),
            quantity: 1,
            pref_language: "EN".into(),
            website: Some("https://shop.example".into()),
            send_sms: false,
            send_email: true,
            ask_for_customer_name: true,
            ask_for_shipping_address: false,
            ask_for_customer_email: button,
            ask_for_customer_phone_number: false,
            ask_for_customer_id: false,
            hide_quantity: false,
            expired_date: None,
            enable: i != 2,
            status: if i == 2 { "Disabled" } else { "Active" },
            created_at: date_time(today.minus(60 - i as i64), 9 * 3600),
            button: button.then(|| ButtonFields {
                button_size: (i % 2) as i64,
                ..ButtonFields::default()
            }),
        };
        if button {
            state.buttons.push(offer);
        } else {
            state.links.push(offer);
        }
    }
    let prefix = number(0, "online") % 1_000_000;
    for i in 0..PAYMENTS.0 + PAYMENTS.1 {
        let button = i >= PAYMENTS.0;
        let offers = if button { &state.buttons } else { &state.links };
        let offer = &offers[i % offers.len()];
        let quantity = (number(i, "qty") % 3 + 1) as i64;
        let customer = CUSTOMERS[(number(i, "who") % CUSTOMERS.len() as u64) as usize];
        let days_ago = 55 - (i as i64 * 55 / (PAYMENTS.0 + PAYMENTS.1) as i64);
        state.payments.push(OnlinePayment {
            payment_reference: format!("{prefix:06}9{i:05}"),
            code: offer.code.clone(),
            amount: offer.item_price * Decimal::from(quantity),
            currency: offer.currency.clone(),
            quantity,
            date: date_time(
                today.minus(days_ago),
                8 * 3600 + (number(i, "at") % 36_000) as u32,
            ),
            customer_name: customer.into(),
            customer_email: format!(
                "{}@example.com",
                customer.to_lowercase().replace(' ', ".").replace('ü', "ue")
            ),
            button,
        });
    }
    for (i, (status, cents)) in [("Paid", 12_000), ("Seen", 4_500), ("Pending", 9_900)]
        .into_iter()
        .enumerate()
    {
        let code = state.new_code(merchant_id);
        state.requests.push(PayRequest {
            payment_request_url: format!("{PAGES}/pr/{code}"),
            code,
            status,
            amount: Decimal::new(cents, 2),
            currency: eur.currency.clone(),
            qr_generated: false,
            client_name: Some(CUSTOMERS[i].into()),
            payment_request_lang: "EN".into(),
            reason: Some(format!("Invoice {}", 1000 + i)),
            booking_text: None,
            dba: None,
            expiry_date: Some(today.minus(-30).to_string()),
            notify_gsm: None,
            notify_email: Some("customer@example.com".into()),
            created_at: date_time(today.minus(20 - i as i64 * 5), 10 * 3600),
            reminders_sent: 0,
            last_reminder_at: None,
        });
    }
    state
}
