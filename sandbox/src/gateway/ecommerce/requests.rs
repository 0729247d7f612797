//! Payment requests (`/ecommerce/v1/pr`): create (attested path), list, get and remind
//! (paths unverified: the project's choice). A new request is `Pending`; one past its
//! `expiry_date` reads as `Expired`.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::answers::{nested, not_found};
use super::fields::{language, settlement};
use super::model::{PAGES, PayRequest};
use crate::calendar::{self, Day};
use crate::extract::{JsonBody, query_pairs};
use crate::form::{self, Form};
use crate::identity::Merchant;
use crate::paging::PageRequest;
use crate::problem::Problem;
use crate::state::SandboxState;

/// The statuses the sandbox uses (the merchant UI's, in one word each).
pub(crate) const STATUSES: [&str; 6] =
    ["Pending", "Seen", "Paid", "Failed", "Cancelled", "Expired"];

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        // POST is attested (one source); unverified: GET (list), and the two routes below.
        .route("/ecommerce/v1/pr", post(create).get(list))
        .route("/ecommerce/v1/pr/{code}", get(one))
        .route("/ecommerce/v1/pr/{code}/reminder", patch(remind))
}

impl PayRequest {
    /// The status as of today: an open request past its expiry date has expired.
    fn refreshed(&self) -> Self {
        let open = matches!(self.status, "Pending" | "Seen");
        let past = self
            .expiry_date
            .as_deref()
            .and_then(Day::parse)
            .is_some_and(|last| last < Day::today());
        let status = if open && past { "Expired" } else { self.status };
        Self {
            status,
            ..self.clone()
        }
    }
}

fn phone(form: &mut Form, name: &str) -> Option<String> {
    let value = form.text(name, false)?;
    let digits = value.strip_prefix('+').unwrap_or(&value);
    if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(value)
    } else {
        form.error(
            name,
            format!("The field {name} must be a phone number such as +359888123456."),
        );
        None
    }
}

fn email(form: &mut Form, name: &str) -> Option<String> {
    let value = form.text(name, false)?;
    let shaped = value
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.ends_with('.'));
    if shaped {
        Some(value)
    } else {
        form.error(name, format!("The field {name} must be an email address."));
        None
    }
}

/// `POST /ecommerce/v1/pr` → 201 `{payment_request_url, code}`. Without `qr_generated`,
/// `client_name` and `payment_request_lang` are required (legacy rule). The legacy
/// `expired_date` is read too, as a synonym of `expiry_date`.
async fn create(
    State(state): State<SandboxState>,
    merchant: Merchant,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let mut form = Form::of(&body)?;
    let amount = form.amount("amount");
    let currency = form.text("currency", true);
    let qr_generated = form.flag("qr_generated").unwrap_or(false);
    let client_name = form.text("client_name", !qr_generated);
    let lang = form.text("payment_request_lang", !qr_generated);
    let reason = form.text("reason", false);
    let booking_text = form.text("booking_text", false);
    let dba = form.text("dba", false);
    let date_field = if body.get("expiry_date").is_some() {
        "expiry_date"
    } else {
        "expired_date"
    };
    let expiry = form.day(date_field, false);
    if expiry.is_some_and(|day| day < Day::today()) {
        form.error(
            date_field,
            format!("The {date_field} must not be in the past."),
        );
    }
    let notify_gsm = phone(&mut form, "notify_gsm");
    let notify_email = email(&mut form, "notify_email");
    state.with(|s| {
        let merchant_state = s.merchant(&merchant.id);
        let mut errors = vec![];
        let account = settlement(
            &merchant_state.accounts,
            currency.as_deref(),
            None,
            &mut errors,
        )
        .cloned();
        let lang = language("payment_request_lang", lang, &mut errors);
        form.finish()?;
        form::finish(errors)?;
        let (Some(amount), Some(account)) = (amount, account) else {
            unreachable!("a valid form has an amount and a currency");
        };
        let ecommerce = &mut merchant_state.ecommerce;
        let code = ecommerce.new_code(&merchant.id);
        let request = PayRequest {
            payment_request_url: format!("{PAGES}/pr/{code}"),
            code,
            status: "Pending",
            amount,
            currency: account.currency,
            qr_generated,
            client_name,
            payment_request_lang: lang.unwrap_or_else(|| "EN".into()),
            reason,
            booking_text,
            dba,
            expiry_date: expiry.map(|d| d.to_string()),
            notify_gsm,
            notify_email,
            created_at: calendar::now(),
            reminders_sent: 0,
            last_reminder_at: None,
        };
        let answer =
            json!({"payment_request_url": request.payment_request_url, "code": request.code});
        ecommerce.requests.push(request);
        Ok((StatusCode::CREATED, Json(answer)))
    })
}

/// `GET /ecommerce/v1/pr?status=`: the nested envelope, newest first.
async fn list(
    State(state): State<SandboxState>,
    merchant: Merchant,
    paging: PageRequest,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let query = query_pairs(query.as_deref());
    let status = query.get("status").filter(|s| !s.is_empty());
    if status.is_some_and(|s| !STATUSES.contains(&s.as_str())) {
        return Err(Problem::validation(
            "status",
            format!("The status must be one of {}.", STATUSES.join(", ")),
        ));
    }
    state.with(|s| {
        let all: Vec<PayRequest> = s
            .merchant(&merchant.id)
            .ecommerce
            .requests
            .iter()
            .rev()
            .map(PayRequest::refreshed)
            .filter(|r| status.is_none_or(|s| r.status == s))
            .collect();
        Ok(Json(nested(paging.slice(&all))))
    })
}

async fn one(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(code): Path<String>,
) -> Result<Json<PayRequest>, Problem> {
    state.with(|s| {
        s.merchant(&merchant.id)
            .ecommerce
            .requests
            .iter()
            .find(|r| r.code == code)
            .map(|r| Json(r.refreshed()))
            .ok_or_else(|| not_found("payment request", &code))
    })
}

/// `PATCH …/{code}/reminder` `{gsm?, email?}`: answers the request. Without either (as
/// `mypos-api-gateway` sends it) the reminder goes to the request's own `notify_gsm` /
/// `notify_email`; a request with neither is a 400. Only an open request (`Pending`, `Seen`)
/// can be reminded of; otherwise 409.
async fn remind(
    State(state): State<SandboxState>,
    merchant: Merchant,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<PayRequest>, Problem> {
    let mut form = Form::of(&body)?;
    let gsm = phone(&mut form, "gsm");
    let mail = email(&mut form, "email");
    let given = |name: &str| body.get(name).is_some_and(|v| !v.is_null());
    let addressed = given("gsm") || given("email");
    state.with(|s| {
        let requests = &mut s.merchant(&merchant.id).ecommerce.requests;
        let request = requests
            .iter_mut()
            .find(|r| r.code == code)
            .ok_or_else(|| not_found("payment request", &code))?;
        if !addressed && request.notify_gsm.is_none() && request.notify_email.is_none() {
            form.error(
                "gsm",
                "The payment request has no phone number or email to remind; give a gsm or an email.",
            );
        }
        form.finish()?;
        let current = request.refreshed();
        if !matches!(current.status, "Pending" | "Seen") {
            return Err(Problem::new(StatusCode::CONFLICT).with_detail(format!(
                "The payment request {code} is {}; only a pending one can be reminded of.",
                current.status
            )));
        }
        request.reminders_sent += 1;
        request.last_reminder_at = Some(calendar::now());
        if gsm.is_some() {
            request.notify_gsm = gsm;
        }
        if mail.is_some() {
            request.notify_email = mail;
        }
        Ok(Json(request.refreshed()))
    })
}
