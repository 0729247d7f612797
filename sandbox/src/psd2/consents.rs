//! Consents: `received` on creation, `valid` once the holder approves at the SCA page (or
//! `rejected`), `expired` after `validUntil`, `revokedByPsu` when the holder withdraws it
//! (control API), `terminatedByTpp` on DELETE. Reads under a consent are checked in the
//! reference implementation's order (see [`under_consent`]).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::calendar::Day;
use crate::state::SandboxState;

use super::errors::Psd2Error;
use super::ledger::Holder;
use super::model::{Consent, Grant, Psd2};
use crate::extract::header;
use crate::ids::new_id;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1/consents", axum::routing::post(create))
        .route("/v1/consents/{id}", get(read).delete(delete))
        .route("/v1/consents/{id}/status", get(status))
}

/// The absolute URL of the SCA page for `query` (`open_bank_consent_id=…`).
pub(crate) fn sca_href(psd2: &Psd2, headers: &HeaderMap, query: &str) -> String {
    let base = psd2
        .sca_base
        .clone()
        .unwrap_or_else(|| format!("http://{}", header(headers, "host").unwrap_or("127.0.0.1")));
    format!("{base}/psd2/sca?{query}")
}

fn body_json(body: &Bytes) -> Result<Value, Psd2Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Psd2Error::format("body", "A JSON body is required."));
    }
    serde_json::from_slice(body)
        .map_err(|e| Psd2Error::format("body", format!("The body is not valid JSON: {e}")))
}

/// `PSU-IP-Address`, when sent, is an IP address. The API text requires only
/// `Authorization` and `Content-Type`, so it may be left out (the standard requires it).
pub(crate) fn check_ip(headers: &HeaderMap) -> Result<(), Psd2Error> {
    match header(headers, "psu-ip-address") {
        None => Ok(()),
        Some(ip) if ip.parse::<std::net::IpAddr>().is_err() => Err(Psd2Error::format(
            "PSU-IP-Address",
            "PSU-IP-Address must be an IP address.",
        )),
        Some(_) => Ok(()),
    }
}

async fn create(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Psd2Error> {
    state.with(|s| s.psd2.oauth.subject(&headers))?;
    check_ip(&headers)?;
    let body = body_json(&body)?;
    let access = body
        .get("access")
        .filter(|a| a.is_object())
        .cloned()
        .ok_or_else(|| Psd2Error::format("access", "access is required (an object)."))?;
    let recurring = body
        .get("recurringIndicator")
        .and_then(Value::as_bool)
        .ok_or_else(|| {
            Psd2Error::format(
                "recurringIndicator",
                "recurringIndicator is required (true or false).",
            )
        })?;
    // "Expiration date (optional)": left out, the consent lasts as long as the bank allows.
    let valid_until = match body.get("validUntil") {
        None | Some(Value::Null) => Day::parse("9999-12-31").expect("a valid date"),
        Some(value) => value
            .as_str()
            .and_then(Day::parse)
            .ok_or_else(|| Psd2Error::format("validUntil", "validUntil must be YYYY-MM-DD."))?,
    };
    let frequency = body
        .get("frequencyPerDay")
        .and_then(Value::as_u64)
        .filter(|f| *f >= 1)
        .ok_or_else(|| {
            Psd2Error::format("frequencyPerDay", "frequencyPerDay is required, 1 or more.")
        })?;
    // The API text's own example pairs recurringIndicator false with frequencyPerDay 4; the
    // standard asks for 1 on a one-off consent. The text is followed: both are accepted.
    let redirect_uri = header(&headers, "tpp-redirect-uri").map(str::to_owned);
    let id = new_id("consent-");
    let answer = state.with(|s| {
        let today = s.psd2.today();
        if valid_until < today {
            return Err(Psd2Error::format(
                "validUntil",
                "validUntil must not be in the past.",
            ));
        }
        s.psd2.consents.insert(
            id.clone(),
            Consent {
                id: id.clone(),
                status: "received",
                access,
                recurring,
                valid_until,
                frequency_per_day: frequency as u32,
                usage: (today, 0),
                last_action: today,
                redirect_uri,
                psu: None,
                grants: BTreeMap::new(),
            },
        );
        let approve_at = sca_href(&s.psd2, &headers, &format!("open_bank_consent_id={id}"));
        // The API text's answer ({consentId, authorizationUrl}) and the standard's.
        Ok(json!({
            "consentStatus": "received",
            "consentId": id,
            "authorizationUrl": approve_at,
            "_links": {
                "scaOAuth": { "href": approve_at },
                "self": { "href": format!("/v1/consents/{id}") },
                "status": { "href": format!("/v1/consents/{id}/status") },
            },
        }))
    })?;
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    response
        .headers_mut()
        .insert("aspsp-sca-approach", HeaderValue::from_static("REDIRECT"));
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/consents/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `valid`/`received` consents past their `validUntil` become `expired` (valid through that
/// day, expired from the next).
pub(crate) fn expire(psd2: &mut Psd2) {
    let today = psd2.today();
    for consent in psd2.consents.values_mut() {
        if matches!(consent.status, "valid" | "received") && today > consent.valid_until {
            consent.status = "expired";
        }
    }
}

/// The consent `id`, if the request's token may see it: the TPP's own token, or the token of
/// the holder who approved it.
fn visible<'a>(
    psd2: &'a mut Psd2,
    headers: &HeaderMap,
    id: &str,
) -> Result<&'a mut Consent, Psd2Error> {
    let subject = psd2.oauth.subject(headers)?;
    expire(psd2);
    let consent = psd2.consents.get_mut(id).ok_or_else(|| {
        Psd2Error::new(
            StatusCode::FORBIDDEN,
            "CONSENT_UNKNOWN",
            "The consent is not known.",
        )
    })?;
    match subject {
        super::tokens::Subject::Holder(psu) if consent.psu.as_deref() != Some(&psu) => {
            Err(Psd2Error::new(
                StatusCode::FORBIDDEN,
                "CONSENT_UNKNOWN",
                "The consent is not known.",
            ))
        }
        _ => Ok(consent),
    }
}

async fn read(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Psd2Error> {
    state.with(|s| {
        let consent = visible(&mut s.psd2, &headers, &id)?;
        Ok(Json(json!({
            "consentId": consent.id,
            "access": consent.access,
            "recurringIndicator": consent.recurring,
            "validUntil": consent.valid_until.to_string(),
            "frequencyPerDay": consent.frequency_per_day,
            "lastActionDate": consent.last_action.to_string(),
            "consentStatus": consent.status,
            "_links": { "account": { "href": "/v1/accounts" }, "card-account": { "href": "/v1/card-accounts" } },
        })))
    })
}

async fn status(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Psd2Error> {
    state.with(|s| {
        let consent = visible(&mut s.psd2, &headers, &id)?;
        Ok(Json(json!({ "consentStatus": consent.status })))
    })
}

async fn delete(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Psd2Error> {
    state.with(|s| {
        let consent = visible(&mut s.psd2, &headers, &id)?;
        if matches!(consent.status, "terminatedByTpp") {
            return Err(Psd2Error::new(
                StatusCode::CONFLICT,
                "STATUS_INVALID",
                "The consent was already deleted.",
            ));
        }
        consent.status = "terminatedByTpp";
        Ok(StatusCode::NO_CONTENT)
    })
}

/// Resolves what a consent grants on the holder's accounts when they approve it; an account
/// the holder does not have makes the approval fail.
pub(crate) fn resolve(access: &Value, holder: &Holder) -> Result<BTreeMap<String, Grant>, String> {
    let mut grants: BTreeMap<String, Grant> = BTreeMap::new();
    let everything = |grants: &mut BTreeMap<String, Grant>, grant: Grant| {
        for account in &holder.accounts {
            let entry = grants.entry(account.resource_id.clone()).or_default();
            entry.details |= grant.details;
            entry.balances |= grant.balances;
            entry.transactions |= grant.transactions;
        }
    };
    if access.get("allPsd2").is_some() {
        everything(
            &mut grants,
            Grant {
                details: true,
                balances: true,
                transactions: true,
            },
        );
    }
    if access.get("availableAccountsWithBalance").is_some() {
        everything(
            &mut grants,
            Grant {
                details: true,
                balances: true,
                transactions: false,
            },
        );
    }
    if access.get("availableAccounts").is_some() {
        everything(
            &mut grants,
            Grant {
                details: true,
                balances: false,
                transactions: false,
            },
        );
    }
    let lists = [("accounts", 0), ("balances", 1), ("transactions", 2)];
    let bank_offered = lists.iter().any(|(k, _)| access.get(*k).is_some())
        && lists.iter().all(|(k, _)| {
            access
                .get(*k)
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
        });
    for (key, service) in lists {
        let Some(references) = access.get(key).and_then(Value::as_array) else {
            continue;
        };
        let grant = Grant {
            details: true,
            balances: service == 1,
            transactions: service == 2,
        };
        if bank_offered {
            // Empty lists: the holder chooses at the bank; the sandbox's holder chooses all.
            everything(&mut grants, grant);
            continue;
        }
        for reference in references {
            let account = holder.find(reference).ok_or_else(|| {
                format!(
                    "The consent names an account ({reference}) that is not {}'s.",
                    holder.psu
                )
            })?;
            let entry = grants.entry(account.resource_id.clone()).or_default();
            entry.details = true;
            entry.balances |= grant.balances;
            entry.transactions |= grant.transactions;
        }
    }
    Ok(grants)
}

/// The consent a call is made under: `Consent-ID`, else the consent the holder's token was
/// granted through (the API text's calls send only the token).
pub(crate) fn consent_of(psd2: &Psd2, headers: &HeaderMap) -> Result<String, Psd2Error> {
    header(headers, "consent-id")
        .map(str::to_owned)
        .or_else(|| {
            psd2.oauth
                .origin(headers)
                .filter(|origin| psd2.consents.contains_key(origin))
        })
        .ok_or_else(|| {
            Psd2Error::format(
                "Consent-ID",
                "Name the consent in Consent-ID, or use a token granted through one.",
            )
        })
}

/// What a read needs of the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Details,
    Balances,
    Transactions,
    /// Any grant on the account (funds confirmation); not counted against the frequency.
    Any,
}

/// The checks on a read under a consent, in the reference implementation's order: the
/// holder's token; the consent (`Consent-ID`, else the token's) known to this holder
/// (`CONSENT_UNKNOWN`); the
/// grant the read needs (`CONSENT_INVALID`); `validUntil` (`CONSENT_EXPIRED`); the status
/// (`CONSENT_INVALID`, or `CONSENT_EXPIRED` once expired); then the day's unattended reads
/// (`ACCESS_EXCEEDED`, 429). `read` answers from the holder's accounts; an unattended read
/// (no `PSU-IP-Address`) that succeeds counts against `frequencyPerDay`.
pub(crate) fn under_consent<T>(
    psd2: &mut Psd2,
    headers: &HeaderMap,
    accounts: &[(String, Need)],
    read: impl FnOnce(&Holder, &BTreeMap<String, Grant>) -> Result<T, Psd2Error>,
) -> Result<T, Psd2Error> {
    let psu = psd2.oauth.holder(headers)?;
    let consent_id = consent_of(psd2, headers)?;
    expire(psd2);
    super::execution::settle(psd2);
    let today = psd2.today();
    let holder = psd2.holder(&psu).clone();
    let consent = psd2
        .consents
        .get_mut(&consent_id)
        .filter(|c| c.psu.as_deref() == Some(psu.as_str()) || c.psu.is_none())
        .ok_or_else(|| {
            Psd2Error::new(
                StatusCode::FORBIDDEN,
                "CONSENT_UNKNOWN",
                "The consent is not known to this account holder.",
            )
        })?;
    if consent.psu.is_none() && consent.status != "received" {
        return Err(Psd2Error::new(
            StatusCode::FORBIDDEN,
            "CONSENT_UNKNOWN",
            "The consent is not known to this account holder.",
        ));
    }
    for (account, need) in accounts {
        let grant = consent.grants.get(account).copied().unwrap_or_default();
        let granted = match need {
            Need::Details => grant.details,
            Need::Balances => grant.balances,
            Need::Transactions => grant.transactions,
            Need::Any => grant.details || grant.balances || grant.transactions,
        };
        if consent.status == "valid" && !granted && holder.account(account).is_some() {
            let service = match need {
                Need::Details | Need::Any => "this account",
                Need::Balances => "this account's balances",
                Need::Transactions => "this account's transactions",
            };
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                format!("The consent does not cover {service}."),
            ));
        }
    }
    match consent.status {
        "valid" => {}
        "expired" => {
            return Err(Psd2Error::token(
                "CONSENT_EXPIRED",
                "The consent has expired: its validUntil date has passed.",
            ));
        }
        "received" => {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                "The consent has not been approved by the account holder yet.",
            ));
        }
        "rejected" => {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                "The account holder rejected the consent.",
            ));
        }
        "revokedByPsu" => {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                "The account holder revoked the consent.",
            ));
        }
        "terminatedByTpp" => {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                "The consent was deleted by the TPP.",
            ));
        }
        other => {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                format!("The consent is {other}."),
            ));
        }
    }
    let unattended = header(headers, "psu-ip-address").is_none()
        && accounts.iter().all(|(_, need)| *need != Need::Any);
    if consent.usage.0 != today {
        consent.usage = (today, 0);
    }
    if unattended && consent.usage.1 >= consent.frequency_per_day {
        let mut error = Psd2Error::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ACCESS_EXCEEDED",
            format!(
                "The consent allows {} reads a day without the account holder present; try again tomorrow.",
                consent.frequency_per_day
            ),
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        error.retry_after = Some(86_400 - now % 86_400);
        return Err(error);
    }
    let answer = read(&holder, &consent.grants)?;
    if unattended {
        consent.usage.1 += 1;
    }
    consent.last_action = today;
    Ok(answer)
}

/// Revoked by the holder at the bank: the consent stops working, and so do the refresh
/// tokens it granted.
pub(crate) fn revoke(psd2: &mut Psd2, id: &str) -> bool {
    let Some(consent) = psd2.consents.get_mut(id) else {
        return false;
    };
    consent.status = "revokedByPsu";
    psd2.oauth.revoke_origin(id);
    true
}
