//! Payment initiation: `RCVD` on creation; at the SCA page the holder approves (`ACTC`, a
//! pending debit, or `RJCT` when the available balance is short) or declines (`RJCT`); an
//! accepted payment is executed (`ACSC`, the debit booked) once the execution delay has
//! passed (none by default); DELETE before execution makes it `CANC`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::state::SandboxState;

use super::consents::{expire, sca_href};
use super::errors::Psd2Error;
use super::ledger::Kind;
use super::model::{Payment, Psd2};
use super::tokens::Subject;
use crate::extract::header;
use crate::ids::new_id;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1/payments/{product}", post(initiate))
        // The API text's paths name the product before the id, as the standard's do.
        .route("/v1/payments/{product}/{id}", get(read).delete(cancel))
        .route("/v1/payments/{product}/{id}/status", get(status))
}

const PRODUCTS: [&str; 2] = ["sepa-credit-transfers", "cross-border-credit-transfers"];

fn amount_of(body: &Value) -> Result<(Decimal, String), Psd2Error> {
    let amount = body
        .get("instructedAmount")
        .filter(|a| a.is_object())
        .ok_or_else(|| Psd2Error::format("instructedAmount", "instructedAmount is required."))?;
    let currency = amount
        .get("currency")
        .and_then(Value::as_str)
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| {
            Psd2Error::format(
                "instructedAmount.currency",
                "currency must be an ISO 4217 code.",
            )
        })?;
    let text = amount
        .get("amount")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Psd2Error::format(
                "instructedAmount.amount",
                "amount must be a decimal string such as \"12.50\".",
            )
        })?;
    let value: Decimal = text
        .parse()
        .ok()
        .filter(|v: &Decimal| *v > Decimal::ZERO && v.scale() <= 2)
        .ok_or_else(|| {
            Psd2Error::format(
                "instructedAmount.amount",
                "amount must be positive with at most 2 decimals.",
            )
        })?;
    Ok((value, currency.to_owned()))
}

async fn initiate(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(product): Path<String>,
    body: Bytes,
) -> Result<Response, Psd2Error> {
    if !PRODUCTS.contains(&product.as_str()) {
        return Err(Psd2Error::new(
            StatusCode::NOT_FOUND,
            "PRODUCT_UNKNOWN",
            format!(
                "The payment product {product} is not offered: sepa-credit-transfers or cross-border-credit-transfers."
            ),
        ));
    }
    let psu = state.with(|s| s.psd2.oauth.holder(&headers))?;
    super::consents::check_ip(&headers)?;
    // The holder's account-information consent: `Consent-ID`, else the token's.
    let consent_id = state.with(|s| super::consents::consent_of(&s.psd2, &headers))?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| Psd2Error::format("body", "A JSON body is required."))?;
    let (amount, currency) = amount_of(&body)?;
    if product == "sepa-credit-transfers" && currency != "EUR" {
        return Err(Psd2Error::new(
            StatusCode::BAD_REQUEST,
            "PARAMETER_NOT_CONSISTENT",
            "A SEPA credit transfer is in EUR.",
        ));
    }
    body.get("creditorAccount")
        .and_then(|a| a.get("iban"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Psd2Error::format("creditorAccount.iban", "creditorAccount.iban is required.")
        })?;
    let creditor_name = body
        .get("creditorName")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Psd2Error::format("creditorName", "creditorName is required."))?
        .to_owned();
    let redirect_uri = header(&headers, "tpp-redirect-uri").map(str::to_owned);
    let id = new_id("pay-");
    let answer = state.with(|s| {
        expire(&mut s.psd2);
        let consent = s
            .psd2
            .consents
            .get(&consent_id)
            .filter(|c| c.psu.as_deref() == Some(psu.as_str()))
            .ok_or_else(|| {
                Psd2Error::new(
                    StatusCode::FORBIDDEN,
                    "CONSENT_UNKNOWN",
                    "The consent is not known to this account holder.",
                )
            })?;
        if consent.status != "valid" {
            return Err(Psd2Error::token(
                "CONSENT_INVALID",
                format!("The consent is {}, not valid.", consent.status),
            ));
        }
        let holder = s.psd2.holder(&psu);
        let debtor = match body.get("debtorAccount") {
            Some(reference) => holder
                .find(reference)
                .filter(|a| a.kind == Kind::Payment)
                .ok_or_else(|| {
                    Psd2Error::new(
                        StatusCode::BAD_REQUEST,
                        "PARAMETER_NOT_CONSISTENT",
                        "debtorAccount is not an account of the holder.",
                    )
                })?,
            None => holder
                .accounts
                .iter()
                .find(|a| a.kind == Kind::Payment && a.currency == currency)
                .ok_or_else(|| {
                    Psd2Error::new(
                        StatusCode::BAD_REQUEST,
                        "PARAMETER_NOT_CONSISTENT",
                        format!("The holder has no {currency} account to pay from."),
                    )
                })?,
        };
        let debtor = debtor.resource_id.clone();
        s.psd2.payments.insert(
            id.clone(),
            Payment {
                id: id.clone(),
                product: product.clone(),
                psu: psu.clone(),
                remittance: body
                    .get("remittanceInformationUnstructured")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                body,
                amount,
                currency,
                debtor,
                creditor_name,
                status: "RCVD",
                accepted_at: None,
                redirect_uri,
            },
        );
        let approve_at = sca_href(&s.psd2, &headers, &format!("open_bank_payment_id={id}"));
        // The API text's answer ({paymentId, authorizationUrl}) and the standard's.
        Ok(json!({
            "transactionStatus": "RCVD",
            "paymentId": id,
            "authorizationUrl": approve_at,
            "_links": {
                "scaOAuth": { "href": approve_at },
                "self": { "href": format!("/v1/payments/{product}/{id}") },
                "status": { "href": format!("/v1/payments/{product}/{id}/status") },
            },
        }))
    })?;
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    response
        .headers_mut()
        .insert("aspsp-sca-approach", HeaderValue::from_static("REDIRECT"));
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/payments/{product}/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The payment `id` of `product`, if the request's token may see it: the TPP's own, or its
/// holder's.
fn visible<'a>(
    psd2: &'a mut Psd2,
    headers: &HeaderMap,
    product: &str,
    id: &str,
) -> Result<&'a mut Payment, Psd2Error> {
    let subject = psd2.oauth.subject(headers)?;
    super::execution::settle(psd2);
    let payment = psd2.payments.get_mut(id).ok_or_else(|| {
        Psd2Error::new(
            StatusCode::NOT_FOUND,
            "RESOURCE_UNKNOWN",
            "The payment is not known.",
        )
    })?;
    match subject {
        _ if payment.product != product => Err(Psd2Error::new(
            StatusCode::NOT_FOUND,
            "RESOURCE_UNKNOWN",
            format!("The payment is not a {product} payment."),
        )),
        Subject::Holder(psu) if psu != payment.psu => Err(Psd2Error::new(
            StatusCode::NOT_FOUND,
            "RESOURCE_UNKNOWN",
            "The payment is not known.",
        )),
        _ => Ok(payment),
    }
}

async fn read(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path((product, id)): Path<(String, String)>,
) -> Result<Json<Value>, Psd2Error> {
    state.with(|s| {
        let payment = visible(&mut s.psd2, &headers, &product, &id)?;
        let mut answer = payment.body.clone();
        answer["paymentId"] = json!(payment.id);
        answer["transactionStatus"] = json!(payment.status);
        answer["_links"] =
            json!({ "status": { "href": format!("/v1/payments/{product}/{}/status", payment.id) } });
        Ok(Json(answer))
    })
}

async fn status(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path((product, id)): Path<(String, String)>,
) -> Result<Json<Value>, Psd2Error> {
    state.with(|s| {
        let payment = visible(&mut s.psd2, &headers, &product, &id)?;
        let mut answer = json!({ "transactionStatus": payment.status });
        if payment.status != "RCVD" && payment.status != "CANC" {
            answer["fundsAvailable"] = json!(payment.status != "RJCT");
        }
        Ok(Json(answer))
    })
}

async fn cancel(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path((product, id)): Path<(String, String)>,
) -> Result<StatusCode, Psd2Error> {
    state.with(|s| {
        let payment = visible(&mut s.psd2, &headers, &product, &id)?;
        if !matches!(payment.status, "RCVD" | "ACTC") {
            return Err(Psd2Error::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "CANCELLATION_INVALID",
                format!(
                    "The payment is {} and can no longer be cancelled.",
                    payment.status
                ),
            ));
        }
        payment.status = "CANC";
        let (psu, debtor) = (payment.psu.clone(), payment.debtor.clone());
        if let Some(account) = s.psd2.holder(&psu).account_mut(&debtor) {
            account
                .pending
                .retain(|t| t.payment_id.as_deref() != Some(id.as_str()));
        }
        Ok(StatusCode::NO_CONTENT)
    })
}
