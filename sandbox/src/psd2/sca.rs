//! The account holder's side: the SCA page a consent's or payment's `scaOAuth` link points
//! at. `GET` shows what is asked and a form; `POST` (`decision=approve|deny`, `psu_id`)
//! decides and redirects (303) to the `redirect_uri` of the link (or the `TPP-Redirect-URI`
//! given on creation) with `code` and `state`, or `error=access_denied`.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use url_escape::{attr, query};

use crate::extract::{form_pairs, query_pairs};
use crate::state::SandboxState;

use super::consents::resolve;
use super::credentials::{CLIENT_ID, DEFAULT_PSU};
use super::model::Psd2;
use super::tokens::Code;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new().route("/psd2/sca", get(page).post(decide))
}

/// What a link asks the holder to approve.
enum Subject {
    Consent(String),
    Payment(String),
}

fn subject(params: &HashMap<String, String>) -> Option<Subject> {
    params
        .get("open_bank_consent_id")
        .map(|id| Subject::Consent(id.clone()))
        .or_else(|| {
            params
                .get("open_bank_payment_id")
                .map(|id| Subject::Payment(id.clone()))
        })
}

fn refusal(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>myPOS sandbox</title></head>\
         <body><h1>Cannot continue</h1><p class=\"error\">{}</p></body></html>",
        attr(text)
    );
    (status, Html(body)).into_response()
}

/// A summary of the consent or payment, or why the page cannot be used.
fn describe(psd2: &mut Psd2, subject: &Subject) -> Result<(String, Option<String>), String> {
    super::consents::expire(psd2);
    match subject {
        Subject::Consent(id) => {
            let consent = psd2.consents.get(id).ok_or("This consent is not known.")?;
            if consent.status != "received" {
                return Err(format!(
                    "This consent is {} and cannot be decided again.",
                    consent.status
                ));
            }
            Ok((
                format!(
                    "A third party asks to read your account information until {} ({} times a day), access: {}.",
                    consent.valid_until, consent.frequency_per_day, consent.access
                ),
                None,
            ))
        }
        Subject::Payment(id) => {
            let payment = psd2.payments.get(id).ok_or("This payment is not known.")?;
            if payment.status != "RCVD" {
                return Err(format!(
                    "This payment is {} and cannot be decided again.",
                    payment.status
                ));
            }
            Ok((
                format!(
                    "A third party asks you to pay {:.2} {} to {}.",
                    payment.amount, payment.currency, payment.creditor_name
                ),
                Some(payment.psu.clone()),
            ))
        }
    }
}

async fn page(State(state): State<SandboxState>, RawQuery(raw): RawQuery) -> Response {
    let params = query_pairs(raw.as_deref());
    let Some(subject) = subject(&params) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "The link names no consent or payment.",
        );
    };
    let described = state.with(|s| describe(&mut s.psd2, &subject));
    let (summary, psu) = match described {
        Ok(found) => found,
        Err(text) => return refusal(StatusCode::CONFLICT, &text),
    };
    let psu = psu.unwrap_or_else(|| DEFAULT_PSU.to_owned());
    let action = format!("/psd2/sca?{}", raw.unwrap_or_default());
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>myPOS sandbox: approve</title></head><body>\
         <h1>myPOS sandbox</h1><p class=\"summary\">{}</p>\
         <form method=\"post\" action=\"{}\">\
         <label>Account holder <input name=\"psu_id\" value=\"{}\"></label>\
         <button name=\"decision\" value=\"approve\">Approve</button>\
         <button name=\"decision\" value=\"deny\">Deny</button>\
         </form></body></html>",
        attr(&summary),
        attr(&action),
        attr(&psu)
    );
    let mut response = Html(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn decide(
    State(state): State<SandboxState>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = query_pairs(raw.as_deref());
    let form = form_pairs(&body);
    let Some(subject) = subject(&params) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "The link names no consent or payment.",
        );
    };
    if params.get("client_id").is_some_and(|id| id != CLIENT_ID) {
        return refusal(StatusCode::BAD_REQUEST, "The client_id is not the TPP's.");
    }
    let approve = match form.get("decision").map(String::as_str) {
        Some("approve") => true,
        Some("deny") => false,
        _ => return refusal(StatusCode::BAD_REQUEST, "Choose approve or deny."),
    };
    let state_param = params.get("state").cloned();
    let outcome = state.with(|s| -> Result<(String, Result<String, String>), String> {
        let (_, payment_psu) = describe(&mut s.psd2, &subject)?;
        let psu = payment_psu
            .or_else(|| form.get("psu_id").filter(|p| !p.trim().is_empty()).cloned())
            .unwrap_or_else(|| DEFAULT_PSU.to_owned());
        let (origin, stored_redirect) = match &subject {
            Subject::Consent(id) => (id.clone(), s.psd2.consents[id].redirect_uri.clone()),
            Subject::Payment(id) => (id.clone(), s.psd2.payments[id].redirect_uri.clone()),
        };
        let redirect = params.get("redirect_uri").cloned().or(stored_redirect)
            .ok_or("There is nowhere to send you back to: the link has no redirect_uri and the TPP gave no TPP-Redirect-URI.")?;
        if !redirect.split_once("://").is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty()) {
            return Err("The redirect_uri is not an absolute URL.".into());
        }
        let decided = match (&subject, approve) {
            (Subject::Consent(id), true) => {
                let access = s.psd2.consents[id].access.clone();
                match resolve(&access, s.psd2.holder(&psu)) {
                    Ok(grants) => {
                        let consent = s.psd2.consents.get_mut(id).expect("described above");
                        consent.status = "valid";
                        consent.psu = Some(psu.clone());
                        consent.grants = grants;
                        Ok(())
                    }
                    Err(why) => {
                        s.psd2.consents.get_mut(id).expect("described above").status = "rejected";
                        Err(why)
                    }
                }
            }
            (Subject::Consent(id), false) => {
                s.psd2.consents.get_mut(id).expect("described above").status = "rejected";
                Err("The account holder declined.".into())
            }
            (Subject::Payment(id), true) => {
                // Approved by the holder; a short balance makes it RJCT, which the TPP reads
                // from the payment's status.
                super::execution::accept(&mut s.psd2, id);
                Ok(())
            }
            (Subject::Payment(id), false) => {
                s.psd2.payments.get_mut(id).expect("described above").status = "RJCT";
                Err("The account holder declined.".into())
            }
        };
        let code = decided.map(|()| {
            s.psd2.oauth.issue_code(Code {
                psu,
                origin,
                redirect_uri: redirect.clone(),
                expires: Instant::now() + super::tokens::CODE_LIFETIME,
            })
        });
        Ok((redirect, code))
    });
    let (redirect, code) = match outcome {
        Ok(found) => found,
        Err(text) => return refusal(StatusCode::CONFLICT, &text),
    };
    let mut location = redirect;
    location.push(if location.contains('?') { '&' } else { '?' });
    match code {
        Ok(code) => location += &format!("code={}", query(&code)),
        Err(why) => location += &format!("error=access_denied&error_description={}", query(&why)),
    }
    if let Some(state_param) = state_param {
        location += &format!("&state={}", query(&state_param));
    }
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => refusal(StatusCode::BAD_REQUEST, "The redirect_uri cannot be used."),
    }
}

/// Escaping for the page and the redirect.
mod url_escape {
    /// Text safe inside HTML text and attribute values.
    pub fn attr(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    }

    /// A query-string value.
    pub fn query(text: &str) -> String {
        form_urlencoded::byte_serialize(text.as_bytes()).collect()
    }
}
