//! The `api/pos/...` operations, each a function of the caller's merchant and the call's
//! parameters that answers the payload's members or a refusal's message. Refusals of a
//! MobilePay rule carry its v10 error code, e.g. `(1301)`.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::model::POLL_DELAY_MS;
use super::model::{Merchant, Payment, PointOfSale, Refund, RefundStatus, Status, guid};

/// The payload's members, or why the call is refused.
pub(crate) type Answer = Result<Map<String, Value>, String>;

/// An operation of the API.
pub(crate) type Action = fn(&mut Merchant, &Params) -> Answer;

/// A call's parameters: the query's and the JSON body's, names matched without regard to
/// case (as ASP.NET binds them).
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("{name} is required."))
    }

    fn amount(&self, name: &str) -> Result<Decimal, String> {
        let text = self.required(name)?;
        match Decimal::from_str(text.trim()) {
            Ok(amount) if amount > Decimal::ZERO && amount.normalize().scale() <= 2 => Ok(amount),
            _ => Err(format!(
                "{name} must be an amount above 0 with at most 2 decimals, e.g. 27.06."
            )),
        }
    }

    fn currency(&self) -> Result<String, String> {
        match self.get("currencyCode") {
            None => Ok("DKK".into()),
            Some(code @ ("DKK" | "EUR")) => Ok(code.into()),
            Some(_) => Err("currencyCode must be DKK or EUR.".into()),
        }
    }

    fn order_id(&self, name: &str) -> Result<String, String> {
        let order = self.required(name)?;
        if order.chars().count() > 36 {
            return Err(format!("{name} must be at most 36 characters. (1113)"));
        }
        Ok(order.into())
    }
}

fn members(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn ok(value: Value) -> Answer {
    Ok(members(value))
}

// ---- payments ------------------------------------------------------------------------------

/// The live point of sale of a terminal.
fn terminal_pos<'m>(merchant: &'m Merchant, terminal_id: &str) -> Result<&'m PointOfSale, String> {
    let terminal = merchant
        .terminals
        .get(terminal_id)
        .ok_or_else(|| format!("Terminal {terminal_id} was not found."))?;
    terminal
        .pos_id
        .as_ref()
        .and_then(|id| merchant.points_of_sale.get(id))
        .filter(|pos| !pos.deleted)
        .ok_or_else(|| {
            format!("Point of sale not found: terminal {terminal_id} has no MobilePay point of sale. (1000)")
        })
}

fn live_pos<'m>(merchant: &'m Merchant, pos_id: &str) -> Result<&'m PointOfSale, String> {
    merchant
        .points_of_sale
        .get(pos_id)
        .filter(|pos| !pos.deleted)
        .ok_or_else(|| format!("Point of sale {pos_id} was not found. (1000)"))
}

/// The terminal whose point of sale this is, if any.
fn terminal_of(merchant: &Merchant, pos_id: &str) -> Option<String> {
    merchant
        .terminals
        .iter()
        .find(|(_, t)| t.pos_id.as_deref() == Some(pos_id))
        .map(|(id, _)| id.clone())
}

fn one_active(merchant: &Merchant, pos_id: &str) -> Result<(), String> {
    match merchant.active_on(pos_id) {
        Some(active) => Err(format!(
            "A payment is already active on this point of sale ({}, {}). Cancel it before starting a new one. (1301)",
            active.id,
            active.status.as_str()
        )),
        None => Ok(()),
    }
}

/// Adds a payment on `pos_id`: issued to a customer already checked in, else waiting.
fn new_payment(
    merchant: &mut Merchant,
    pos_id: &str,
    order_id: String,
    amount: Option<Decimal>,
    currency: String,
) -> Answer {
    one_active(merchant, pos_id)?;
    let checked_in = merchant
        .points_of_sale
        .get(pos_id)
        .is_some_and(|p| p.checked_in);
    let status = match (amount.is_some(), checked_in) {
        (true, true) => Status::IssuedToUser,
        (true, false) => Status::Initiated,
        (false, true) => Status::Paired,
        (false, false) => Status::Prepared,
    };
    let payment = Payment {
        id: guid(),
        pos_id: pos_id.into(),
        terminal_id: terminal_of(merchant, pos_id),
        order_id,
        amount,
        currency,
        status,
        partial_capture_possible: None,
        captured_amount: None,
        expires_at: expiry(),
    };
    let id = payment.id.clone();
    merchant.payments.push(payment);
    ok(json!({ "paymentId": id }))
}

/// When an unfinished payment expires (MobilePay's reservation lifetime is 7 days); the
/// sandbox lets it expire only when a test says so.
fn expiry() -> String {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(7 * 86_400);
    format!(
        "{}Z",
        crate::gateway::epos::clock::Stamp::at(at).date_time()
    )
}

pub(crate) fn qr_code(merchant: &mut Merchant, params: &Params) -> Answer {
    let pos = terminal_pos(merchant, params.required("terminalId")?)?;
    ok(json!({
        "qrcodeImagelink": format!("https://sandbox.mobilepay.invalid/qr/{}.png", pos.beacon_id)
    }))
}

pub(crate) fn start(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.order_id("orderId")?;
    let amount = params.amount("amount")?;
    let currency = params.currency()?;
    let pos_id = terminal_pos(merchant, params.required("terminalId")?)?
        .id
        .clone();
    new_payment(merchant, &pos_id, order_id, Some(amount), currency)
}

pub(crate) fn start_by_pos_id(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.order_id("orderId")?;
    let amount = params.amount("amount")?;
    let currency = params.currency()?;
    let pos_id = live_pos(merchant, params.required("posId")?)?.id.clone();
    new_payment(merchant, &pos_id, order_id, Some(amount), currency)
}

pub(crate) fn prepare(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.order_id("orderId")?;
    let pos_id = terminal_pos(merchant, params.required("terminalId")?)?
        .id
        .clone();
    new_payment(merchant, &pos_id, order_id, None, "DKK".into())
}

fn payment_index(merchant: &Merchant, params: &Params) -> Result<usize, String> {
    let id = params.required("paymentId")?;
    merchant
        .payments
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| format!("Payment {id} was not found."))
}

pub(crate) fn ready(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = payment_index(merchant, params)?;
    let order_id = params.required("orderId")?;
    let terminal_id = params.required("terminalId")?;
    let amount = params.amount("amount")?;
    let currency = params.currency()?;
    let payment = &merchant.payments[index];
    if payment.order_id != order_id || payment.terminal_id.as_deref() != Some(terminal_id) {
        return Err(format!(
            "Payment {} was prepared for order {} on terminal {}.",
            payment.id,
            payment.order_id,
            payment.terminal_id.as_deref().unwrap_or("-")
        ));
    }
    let next = match payment.status {
        Status::Prepared => Status::Initiated,
        Status::Paired => Status::IssuedToUser,
        other => {
            return Err(format!(
                "Payment {} is {}, not in a prepared state; only a prepared payment can be made ready. (1303)",
                payment.id,
                other.as_str()
            ));
        }
    };
    let payment = &mut merchant.payments[index];
    payment.amount = Some(amount);
    payment.currency = currency;
    merchant.set_status(index, next);
    ok(json!({ "message": "The payment is ready." }))
}

pub(crate) fn status(merchant: &mut Merchant, params: &Params) -> Answer {
    let payment = &merchant.payments[payment_index(merchant, params)?];
    ok(json!({ "status": payment.status.as_str(), "pollDelayInMs": POLL_DELAY_MS }))
}

pub(crate) fn details(merchant: &mut Merchant, params: &Params) -> Answer {
    ok(merchant.payments[payment_index(merchant, params)?].json())
}

pub(crate) fn list(merchant: &mut Merchant, params: &Params) -> Answer {
    let terminal_id = params.required("terminalId")?;
    if !merchant.terminals.contains_key(terminal_id) {
        return Err(format!("Terminal {terminal_id} was not found."));
    }
    let state = params.get("state");
    let order_id = params.get("orderId");
    let ids: Vec<&str> = merchant
        .payments
        .iter()
        .filter(|p| p.terminal_id.as_deref() == Some(terminal_id))
        .filter(|p| order_id.is_none_or(|o| p.order_id == o))
        .filter(|p| match state {
            None => p.status.is_active(),
            Some(state) => p.status.as_str().eq_ignore_ascii_case(state),
        })
        .map(|p| p.id.as_str())
        .collect();
    ok(json!({ "paymentsIds": ids }))
}

pub(crate) fn capture(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = payment_index(merchant, params)?;
    let amount = params.amount("amount")?;
    let payment = &merchant.payments[index];
    match payment.status {
        Status::Reserved => {}
        // Repeating a capture with the same amount is harmless.
        Status::Captured if payment.captured_amount == Some(amount) => {
            return ok(json!({ "message": "The payment is captured." }));
        }
        Status::Captured => {
            return Err(format!(
                "The payment is already captured with a different amount ({}). (1307)",
                payment.captured_amount.unwrap_or_default()
            ));
        }
        other => {
            return Err(format!(
                "The payment is not reserved (it is {}); only a reserved payment can be captured. (1304)",
                other.as_str()
            ));
        }
    }
    let reserved = payment.amount.unwrap_or_default();
    if amount > reserved {
        return Err(format!(
            "The capture amount {amount} is higher than the reserved amount {reserved}. (1305)"
        ));
    }
    if amount < reserved && payment.partial_capture_possible != Some(true) {
        return Err(format!(
            "Partial capture is not possible for this payment; capture {reserved} or cancel it. (1308)"
        ));
    }
    merchant.payments[index].captured_amount = Some(amount);
    merchant.set_status(index, Status::Captured);
    ok(json!({ "message": "The payment is captured." }))
}

pub(crate) fn cancel(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = payment_index(merchant, params)?;
    let payment = &merchant.payments[index];
    if !payment.status.is_active() {
        return Err(format!(
            "Cannot cancel payment {}: it is {}. (1300)",
            payment.id,
            payment.status.as_str()
        ));
    }
    merchant.set_status(index, Status::CancelledByClient);
    ok(json!({ "message": "The payment is cancelled." }))
}

/// The newest payment of `order_id` that `place` accepts, in state `state` if given.
fn recover(
    merchant: &Merchant,
    order_id: &str,
    state: Option<&str>,
    place: impl Fn(&Payment) -> bool,
) -> Answer {
    let found = merchant.payments.iter().rev().find(|p| {
        p.order_id == order_id && place(p) && state.is_none_or(|s| p.status.as_str() == s)
    });
    match found {
        Some(payment) => ok(json!({ "paymentId": payment.id })),
        None => Err(format!(
            "No payment was found for order {order_id}{}.",
            state.map(|s| format!(" in state {s}")).unwrap_or_default()
        )),
    }
}

pub(crate) fn recover_by_state(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.required("orderId")?;
    let state = params.required("state")?;
    if state != "Captured" {
        return Err(format!(
            "Retrieving a payment id by state works only for Captured, not {state}."
        ));
    }
    recover(merchant, order_id, Some(state), |_| true)
}

pub(crate) fn recover_by_terminal(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.required("orderId")?;
    let terminal_id = params.required("terminalId")?;
    let state = params.get("paymentState");
    recover(merchant, order_id, state, |p| {
        p.terminal_id.as_deref() == Some(terminal_id)
    })
}

pub(crate) fn recover_by_pos_id(merchant: &mut Merchant, params: &Params) -> Answer {
    let order_id = params.required("orderId")?;
    let pos_id = params.required("posId")?;
    let state = params.get("paymentState");
    recover(merchant, order_id, state, |p| p.pos_id == pos_id)
}

// ---- refunds -------------------------------------------------------------------------------

pub(crate) fn create_refund(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = payment_index(merchant, params)?;
    let refund_order_id = params.order_id("refundOrderId")?;
    let amount = params.amount("amount")?;
    let currency = params.currency()?;
    let payment = &merchant.payments[index];
    if payment.status != Status::Captured {
        return Err(format!(
            "The payment is not captured (it is {}); only a captured payment can be refunded. (1354)",
            payment.status.as_str()
        ));
    }
    if payment.currency != currency {
        return Err(format!(
            "The refund currency {currency} does not match the payment's currency {}. (1365)",
            payment.currency
        ));
    }
    let left = merchant.refundable(payment);
    if amount > left {
        return Err(format!(
            "The refund amount is too high: {left} of the captured {} is left to refund. (1367)",
            payment.captured_amount.unwrap_or_default()
        ));
    }
    let refund = Refund {
        id: guid(),
        payment_id: payment.id.clone(),
        refund_order_id,
        amount,
        currency,
        status: RefundStatus::Initiated,
    };
    let id = refund.id.clone();
    merchant.refunds.push(refund);
    ok(json!({ "refundId": id }))
}

fn refund_index(merchant: &Merchant, params: &Params) -> Result<usize, String> {
    let id = params.required("refundId")?;
    merchant
        .refunds
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| format!("Refund {id} was not found."))
}

/// Answers the refund as it is; MobilePay has reserved an `Initiated` one by the time it is
/// asked about again (so a client that polls sees `Initiated`, then `Reserved`).
pub(crate) fn refund_details(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = refund_index(merchant, params)?;
    let refund = &mut merchant.refunds[index];
    let answer = refund.json();
    if refund.status == RefundStatus::Initiated {
        refund.status = RefundStatus::Reserved;
    }
    ok(answer)
}

pub(crate) fn list_refunds(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = payment_index(merchant, params)?;
    let payment_id = &merchant.payments[index].id;
    let ids: Vec<&str> = merchant
        .refunds
        .iter()
        .filter(|r| &r.payment_id == payment_id)
        .map(|r| r.id.as_str())
        .collect();
    ok(json!({ "refundsIds": ids }))
}

pub(crate) fn capture_refund(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = refund_index(merchant, params)?;
    let refund = &mut merchant.refunds[index];
    if refund.status != RefundStatus::Reserved {
        return Err(format!(
            "The refund is not reserved (it is {}); only a reserved refund can be captured. (1351)",
            refund.status.as_str()
        ));
    }
    refund.status = RefundStatus::Captured;
    ok(json!({ "message": "The refund is captured." }))
}

pub(crate) fn cancel_refund(merchant: &mut Merchant, params: &Params) -> Answer {
    let index = refund_index(merchant, params)?;
    let refund = &mut merchant.refunds[index];
    if !matches!(
        refund.status,
        RefundStatus::Initiated | RefundStatus::Reserved
    ) {
        return Err(format!(
            "Cannot cancel refund {}: it is {}. (1352)",
            refund.id,
            refund.status.as_str()
        ));
    }
    refund.status = RefundStatus::CancelledByClient;
    ok(json!({ "message": "The refund is cancelled." }))
}

// ---- management ----------------------------------------------------------------------------

fn new_token(merchant: &mut Merchant) -> Answer {
    let token = format!("mpat_{}", guid().replace('-', ""));
    merchant.token = Some(token.clone());
    ok(json!({ "message": token }))
}

/// The merchant's long-lived token, created only while it has none (as the API text says).
pub(crate) fn create_token(merchant: &mut Merchant, _: &Params) -> Answer {
    if merchant.token.is_some() {
        return Err(
            "The merchant already has an accessToken; reset it with manage/token/reset.".into(),
        );
    }
    new_token(merchant)
}

/// Replaces the token named as `previousAccessToken` (checked before this runs).
pub(crate) fn reset_token(merchant: &mut Merchant, _: &Params) -> Answer {
    new_token(merchant)
}

pub(crate) fn create_pos(merchant: &mut Merchant, params: &Params) -> Answer {
    let terminal_id = params.required("terminalId")?;
    let next_beacon = merchant.next_beacon_id();
    let terminal = merchant
        .terminals
        .get(terminal_id)
        .ok_or_else(|| format!("Terminal {terminal_id} was not found."))?;
    if let Some(pos_id) = &terminal.pos_id {
        return Err(format!(
            "Terminal {terminal_id} already has a point of sale ({pos_id}); one can be created only when it has none."
        ));
    }
    let pos = PointOfSale {
        id: guid(),
        merchant_pos_id: format!("kiosk-{terminal_id}"),
        name: format!("Kiosk {terminal_id}"),
        store_id: terminal.store_id.clone(),
        beacon_id: next_beacon,
        require_payment_before_checkin: false,
        deleted: false,
        checked_in: false,
    };
    let pos_id = pos.id.clone();
    merchant.points_of_sale.insert(pos_id.clone(), pos);
    if let Some(terminal) = merchant.terminals.get_mut(terminal_id) {
        terminal.pos_id = Some(pos_id.clone());
    }
    ok(json!({ "message": pos_id }))
}

/// Deletes a terminal's point of sale (GET or DELETE): no new payments on it; reserved ones
/// can still be captured or cancelled.
pub(crate) fn delete_pos(merchant: &mut Merchant, params: &Params) -> Answer {
    let terminal_id = params.required("terminalId")?;
    let pos_id = terminal_pos(merchant, terminal_id)?.id.clone();
    let pending = merchant
        .payments
        .iter()
        .find(|p| p.pos_id == pos_id && p.status.is_pending());
    if let Some(active) = pending {
        return Err(format!(
            "Payment {} is active on this point of sale; cancel it before deleting the point of sale.",
            active.id
        ));
    }
    if let Some(pos) = merchant.points_of_sale.get_mut(&pos_id) {
        pos.deleted = true;
    }
    if let Some(terminal) = merchant.terminals.get_mut(terminal_id) {
        terminal.pos_id = None;
    }
    ok(json!({ "message": format!("Point of sale {pos_id} is deleted.") }))
}

pub(crate) fn terminal_information(merchant: &mut Merchant, params: &Params) -> Answer {
    let pos = terminal_pos(merchant, params.required("terminalId")?)?;
    ok(json!({ "posInformation": pos.json() }))
}

pub(crate) fn store_ids(merchant: &mut Merchant, _: &Params) -> Answer {
    let ids: Vec<&str> = merchant.stores.iter().map(|s| s.id.as_str()).collect();
    ok(json!({ "storeIds": ids }))
}

pub(crate) fn store(merchant: &mut Merchant, params: &Params) -> Answer {
    let id = params.required("storeId")?;
    let store = merchant
        .stores
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| format!("Store {id} was not found."))?;
    ok(json!({ "storeInformation": store.json() }))
}

fn check_in_answer(pos: &PointOfSale) -> Answer {
    ok(json!({ "checkinInformation": {
        "isUserCheckedIn": pos.checked_in,
        "loyaltyIds": [],
        "customerToken": null,
        "customerReceiptToken": null,
        "pollDelayInMs": POLL_DELAY_MS,
    }}))
}

pub(crate) fn check_in_by_pos_id(merchant: &mut Merchant, params: &Params) -> Answer {
    check_in_answer(live_pos(merchant, params.required("posId")?)?)
}

pub(crate) fn check_in_by_terminal(merchant: &mut Merchant, params: &Params) -> Answer {
    check_in_answer(terminal_pos(merchant, params.required("terminalId")?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_checked() {
        let params = |amount: &str| Params::new([("Amount".to_string(), amount.to_string())]);
        assert_eq!(
            params("27.06").amount("amount").unwrap(),
            Decimal::new(2706, 2)
        );
        for bad in ["0", "-1", "1.234", "x"] {
            assert!(params(bad).amount("amount").is_err(), "{bad}");
        }
    }
}
