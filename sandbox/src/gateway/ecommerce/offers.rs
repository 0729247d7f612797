//! Payment links (`/ecommerce/v1/links`) and payment buttons (`/ecommerce/v1/buttons`): the
//! same resource with a few extra fields on buttons, so one set of handlers serves both
//! (`BUTTON` picks which). Paths unverified: the project's choice.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use super::answers::{nested, not_found};
use super::fields::{language, settlement};
use super::model::{ButtonFields, EcommerceState, Offer, OnlinePayment, PAGES};
use crate::calendar::{self, Day};
use crate::extract::{JsonBody, query_pairs};
use crate::form::{self, Form};
use crate::identity::Merchant;
use crate::paging::PageRequest;
use crate::problem::Problem;
use crate::state::SandboxState;

pub(crate) fn router() -> Router<SandboxState> {
    // unverified: every path here is the project's choice; no public source gives them.
    Router::new()
        .route(
            "/ecommerce/v1/links",
            post(create::<false>).get(list::<false>),
        )
        .route("/ecommerce/v1/links/transactions", get(payments::<false>))
        .route(
            "/ecommerce/v1/links/{code}",
            get(one::<false>)
                .patch(update::<false>)
                .delete(delete::<false>),
        )
        .route(
            "/ecommerce/v1/buttons",
            post(create::<true>).get(list::<true>),
        )
        .route("/ecommerce/v1/buttons/transactions", get(payments::<true>))
        .route(
            "/ecommerce/v1/buttons/{code}",
            get(one::<true>)
                .patch(update::<true>)
                .delete(delete::<true>),
        )
}

impl Offer {
    /// The status as of today.
    fn refreshed(&self) -> Self {
        let expired = self
            .expired_date
            .as_deref()
            .and_then(Day::parse)
            .is_some_and(|last| last < Day::today());
        let status = match (self.enable, expired) {
            (false, _) => "Disabled",
            (true, true) => "Expired",
            (true, false) => "Active",
        };
        Self {
            status,
            ..self.clone()
        }
    }
}

fn noun(button: bool) -> &'static str {
    if button {
        "payment button"
    } else {
        "payment link"
    }
}

fn offers(state: &mut EcommerceState, button: bool) -> &mut Vec<Offer> {
    if button {
        &mut state.buttons
    } else {
        &mut state.links
    }
}

/// The yes/no settings of links and buttons, in the order [`Offer`] lists them.
const FLAGS: [&str; 8] = [
    "send_sms",
    "send_email",
    "ask_for_customer_name",
    "ask_for_shipping_address",
    "ask_for_customer_email",
    "ask_for_customer_phone_number",
    "ask_for_customer_id",
    "hide_quantity",
];

/// An expiry day must not be in the past.
fn not_past(form: &mut Form, name: &str, day: Option<Day>) -> Option<String> {
    let day = day?;
    if day < Day::today() {
        form.error(name, format!("The {name} must not be in the past."));
        return None;
    }
    Some(day.to_string())
}

/// `POST`: validates like the API (every bad field in one 400) and answers 201 `{code, url}`.
async fn create<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let mut form = Form::of(&body)?;
    let item_name = form.text("item_name", true);
    let item_price = form.amount("item_price");
    let currency = form.text("currency", true);
    let account_number = form.digits("account_number", false);
    // Not required: `mypos-api-gateway`'s samples never send it; the offer is then named
    // after its item.
    let custom_name = form.text("custom_name", false);
    let quantity = form.whole("quantity", true, 1);
    let pref_language = form.text("pref_language", false);
    let website = form.text("website", false);
    let flags = FLAGS.map(|name| form.flag(name).unwrap_or(false));
    let expired_date = form.day("expired_date", false);
    let expired_date = not_past(&mut form, "expired_date", expired_date);
    let button = BUTTON.then(|| button_fields(&mut form, &ButtonFields::default()));
    state.with(|s| {
        let merchant_state = s.merchant(&merchant.id);
        let mut errors = vec![];
        let account = settlement(
            &merchant_state.accounts,
            currency.as_deref(),
            account_number.as_deref(),
            &mut errors,
        )
        .cloned();
        let pref_language = language("pref_language", pref_language, &mut errors);
        form.finish()?;
        form::finish(errors)?;
        let (Some(item_name), Some(item_price), Some(quantity), Some(account)) =
            (item_name, item_price, quantity, account)
        else {
            unreachable!("a valid form has every required field");
        };
        let custom_name = custom_name.unwrap_or_else(|| item_name.clone());
        let ecommerce = &mut merchant_state.ecommerce;
        let code = ecommerce.new_code(&merchant.id);
        let kind = if BUTTON { "button" } else { "link" };
        let offer = Offer {
            url: format!("{PAGES}/{kind}/{code}"),
            code,
            custom_name,
            item_name,
            item_price,
            currency: account.currency.clone(),
            account_number: account.account_number.clone(),
            quantity,
            pref_language: pref_language.unwrap_or_else(|| "EN".into()),
            website,
            send_sms: flags[0],
            send_email: flags[1],
            ask_for_customer_name: flags[2],
            ask_for_shipping_address: flags[3],
            ask_for_customer_email: flags[4],
            ask_for_customer_phone_number: flags[5],
            ask_for_customer_id: flags[6],
            hide_quantity: flags[7],
            expired_date,
            enable: true,
            status: "Active",
            created_at: calendar::now(),
            button,
        };
        let answer = serde_json::json!({"code": offer.code, "url": offer.url});
        offers(ecommerce, BUTTON).push(offer);
        Ok((StatusCode::CREATED, Json(answer)))
    })
}

/// Reads the button-only fields over `current`, for create (defaults) and update.
fn button_fields(form: &mut Form, current: &ButtonFields) -> ButtonFields {
    let button_size = match form.whole("button_size", false, 0) {
        Some(size @ (0 | 1)) => size,
        Some(_) => {
            form.error(
                "button_size",
                "The button_size must be 0 (small) or 1 (big).",
            );
            current.button_size
        }
        None => current.button_size,
    };
    ButtonFields {
        button_size,
        cancel_url: form
            .text("cancel_url", false)
            .or(current.cancel_url.clone()),
        return_url: form
            .text("return_url", false)
            .or(current.return_url.clone()),
    }
}

/// `GET` list: the nested envelope, newest first.
async fn list<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
) -> Json<Value> {
    state.with(|s| {
        let all: Vec<Offer> = offers(&mut s.merchant(&merchant.id).ecommerce, BUTTON)
            .iter()
            .rev()
            .map(Offer::refreshed)
            .collect();
        Json(nested(paging.slice(&all)))
    })
}

async fn one<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(code): Path<String>,
) -> Result<Json<Offer>, Problem> {
    state.with(|s| {
        offers(&mut s.merchant(&merchant.id).ecommerce, BUTTON)
            .iter()
            .find(|o| o.code == code)
            .map(|o| Json(o.refreshed()))
            .ok_or_else(|| not_found(noun(BUTTON), &code))
    })
}

/// `PATCH`: the legacy edit fields (`pref_lang`, not `pref_language`); answers the result.
async fn update<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Offer>, Problem> {
    let mut form = Form::of(&body)?;
    state.with(|s| {
        let list = offers(&mut s.merchant(&merchant.id).ecommerce, BUTTON);
        let offer = list
            .iter_mut()
            .find(|o| o.code == code)
            .ok_or_else(|| not_found(noun(BUTTON), &code))?;
        let mut errors = vec![];
        let pref_lang = language("pref_lang", form.text("pref_lang", false), &mut errors);
        let custom_name = match body.get("custom_name") {
            Some(_) => form.text("custom_name", true),
            None => None,
        };
        let website = form.text("website", false);
        let flags = FLAGS.map(|name| form.flag(name));
        let enable = form.flag("enable");
        let flag = |i: usize, current: bool| flags[i].unwrap_or(current);
        let expired_date = form.day("expired_date", false);
        let expired_date = not_past(&mut form, "expired_date", expired_date);
        let button = offer
            .button
            .as_ref()
            .map(|current| button_fields(&mut form, current));
        form.finish()?;
        form::finish(errors)?;
        let updated = Offer {
            pref_language: pref_lang.unwrap_or(offer.pref_language.clone()),
            custom_name: custom_name.unwrap_or(offer.custom_name.clone()),
            website: website.or(offer.website.clone()),
            send_sms: flag(0, offer.send_sms),
            send_email: flag(1, offer.send_email),
            ask_for_customer_name: flag(2, offer.ask_for_customer_name),
            ask_for_shipping_address: flag(3, offer.ask_for_shipping_address),
            ask_for_customer_email: flag(4, offer.ask_for_customer_email),
            ask_for_customer_phone_number: flag(5, offer.ask_for_customer_phone_number),
            ask_for_customer_id: flag(6, offer.ask_for_customer_id),
            hide_quantity: flag(7, offer.hide_quantity),
            enable: enable.unwrap_or(offer.enable),
            expired_date: expired_date.or(offer.expired_date.clone()),
            button,
            ..offer.clone()
        }
        .refreshed();
        *offer = updated.clone();
        Ok(Json(updated))
    })
}

/// `DELETE`: 204; its payments stay in the transaction list.
async fn delete<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(code): Path<String>,
) -> Result<StatusCode, Problem> {
    state.with(|s| {
        let list = offers(&mut s.merchant(&merchant.id).ecommerce, BUTTON);
        let index = list
            .iter()
            .position(|o| o.code == code)
            .ok_or_else(|| not_found(noun(BUTTON), &code))?;
        list.remove(index);
        Ok(StatusCode::NO_CONTENT)
    })
}

/// `GET …/transactions?code=&date_from=&date_to=`: payments through links (or buttons), newest
/// first, within the days given; an unknown `code` is a 404, a malformed day a 400.
async fn payments<const BUTTON: bool>(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let query = query_pairs(query.as_deref());
    let code = query.get("code").filter(|c| !c.is_empty());
    let mut errors = vec![];
    let mut day = |key: &str| {
        let value = query.get(key).filter(|v| !v.is_empty())?;
        let day = Day::parse(value);
        if day.is_none() {
            errors.push((
                key.to_owned(),
                format!("The field {key} must be a date (YYYY-MM-DD)."),
            ));
        }
        day
    };
    let (from, to) = (day("date_from"), day("date_to"));
    form::finish(errors)?;
    let within = |p: &OnlinePayment| {
        let paid = p.date.get(..10).and_then(Day::parse);
        from.is_none_or(|from| paid.is_some_and(|d| d >= from))
            && to.is_none_or(|to| paid.is_some_and(|d| d <= to))
    };
    state.with(|s| {
        let ecommerce = &mut s.merchant(&merchant.id).ecommerce;
        if let Some(code) = code {
            let known = offers(ecommerce, BUTTON).iter().any(|o| &o.code == code)
                || ecommerce.payments.iter().any(|p| &p.code == code);
            if !known {
                return Err(not_found(noun(BUTTON), code));
            }
        }
        let matching: Vec<OnlinePayment> = ecommerce
            .payments
            .iter()
            .rev()
            .filter(|p| p.button == BUTTON && code.is_none_or(|c| &p.code == c) && within(p))
            .cloned()
            .collect();
        Ok(Json(nested(paging.slice(&matching))))
    })
}
