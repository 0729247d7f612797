//! Account information: `/v1/accounts…` and `/v1/card-accounts…`, each read checked against
//! the consent in `Consent-ID`, or the one the holder's token was granted through (see
//! [`under_consent`]).

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::calendar::Day;
use crate::extract::query_pairs;
use crate::state::SandboxState;

use super::consents::{Need, under_consent};
use super::errors::Psd2Error;
use super::ledger::{Account, Kind};
use super::model::Grant;

pub(crate) fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1/accounts", get(|s, h, q| list(s, h, q, Kind::Payment)))
        .route(
            "/v1/accounts/{id}",
            get(|s, h, p, q| details(s, h, p, q, Kind::Payment)),
        )
        .route(
            "/v1/accounts/{id}/balances",
            get(|s, h, p| balances(s, h, p, Kind::Payment)),
        )
        .route(
            "/v1/accounts/{id}/transactions",
            get(|s, h, p, q| transactions(s, h, p, q, Kind::Payment)),
        )
        .route(
            "/v1/card-accounts",
            get(|s, h, q| list(s, h, q, Kind::Card)),
        )
        .route(
            "/v1/card-accounts/{id}",
            get(|s, h, p, q| details(s, h, p, q, Kind::Card)),
        )
        .route(
            "/v1/card-accounts/{id}/balances",
            get(|s, h, p| balances(s, h, p, Kind::Card)),
        )
        .route(
            "/v1/card-accounts/{id}/transactions",
            get(|s, h, p, q| transactions(s, h, p, q, Kind::Card)),
        )
}

fn with_balance(query: &Option<String>) -> Result<bool, Psd2Error> {
    match query_pairs(query.as_deref())
        .get("withBalance")
        .map(String::as_str)
    {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(Psd2Error::format(
            "withBalance",
            "withBalance must be true or false.",
        )),
    }
}

fn links(account: &Account, grant: Grant) -> Value {
    let mut links = serde_json::Map::new();
    if grant.balances {
        links.insert(
            "balances".into(),
            json!({ "href": format!("{}/balances", account.path()) }),
        );
    }
    if grant.transactions {
        links.insert(
            "transactions".into(),
            json!({ "href": format!("{}/transactions", account.path()) }),
        );
    }
    Value::Object(links)
}

fn unknown() -> Psd2Error {
    Psd2Error::new(
        StatusCode::NOT_FOUND,
        "RESOURCE_UNKNOWN",
        "The account is not known.",
    )
}

/// The resource ids the consent covers of one kind, in the holder's order.
fn covered(state: &SandboxState, headers: &HeaderMap, kind: Kind) -> Vec<String> {
    state.with(|s| {
        let Ok(psu) = s.psd2.oauth.holder(headers) else {
            return Vec::new();
        };
        let consent = super::consents::consent_of(&s.psd2, headers)
            .ok()
            .and_then(|id| s.psd2.consents.get(&id));
        let grants = consent.map(|c| c.grants.clone()).unwrap_or_default();
        s.psd2
            .holder(&psu)
            .accounts
            .iter()
            .filter(|a| a.kind == kind && grants.get(&a.resource_id).is_some_and(|g| g.details))
            .map(|a| a.resource_id.clone())
            .collect()
    })
}

async fn list(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    kind: Kind,
) -> Result<Json<Value>, Psd2Error> {
    let with_balance = with_balance(&query)?;
    let need = if with_balance {
        Need::Balances
    } else {
        Need::Details
    };
    let ids = covered(&state, &headers, kind);
    let needs: Vec<(String, Need)> = ids.iter().map(|id| (id.clone(), need)).collect();
    state.with(|s| {
        let today = s.psd2.today();
        under_consent(&mut s.psd2, &headers, &needs, |holder, grants| {
            let accounts: Vec<Value> = holder
                .accounts
                .iter()
                .filter(|a| a.kind == kind && grants.get(&a.resource_id).is_some_and(|g| g.details))
                .map(|a| {
                    let grant = grants[&a.resource_id];
                    a.details(with_balance.then(|| a.balances(today)), links(a, grant))
                })
                .collect();
            let key = match kind {
                Kind::Payment => "accounts",
                Kind::Card => "cardAccounts",
            };
            Ok(Json(json!({ key: accounts })))
        })
    })
}

fn account_of<'a>(
    holder: &'a super::ledger::Holder,
    id: &str,
    kind: Kind,
) -> Result<&'a Account, Psd2Error> {
    holder
        .account(id)
        .filter(|a| a.kind == kind)
        .ok_or_else(unknown)
}

async fn details(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    kind: Kind,
) -> Result<Json<Value>, Psd2Error> {
    let with_balance = with_balance(&query)?;
    let need = if with_balance {
        Need::Balances
    } else {
        Need::Details
    };
    state.with(|s| {
        let today = s.psd2.today();
        under_consent(
            &mut s.psd2,
            &headers,
            &[(id.clone(), need)],
            |holder, grants| {
                let account = account_of(holder, &id, kind)?;
                let grant = grants.get(&id).copied().unwrap_or_default();
                let details = account.details(
                    with_balance.then(|| account.balances(today)),
                    links(account, grant),
                );
                let key = match kind {
                    Kind::Payment => "account",
                    Kind::Card => "cardAccount",
                };
                Ok(Json(json!({ key: details })))
            },
        )
    })
}

async fn balances(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    kind: Kind,
) -> Result<Json<Value>, Psd2Error> {
    state.with(|s| {
        let today = s.psd2.today();
        under_consent(
            &mut s.psd2,
            &headers,
            &[(id.clone(), Need::Balances)],
            |holder, _| {
                let account = account_of(holder, &id, kind)?;
                let key = match kind {
                    Kind::Payment => "account",
                    Kind::Card => "cardAccount",
                };
                Ok(Json(
                    json!({ key: account.reference(), "balances": account.balances(today) }),
                ))
            },
        )
    })
}

/// The page size when the request names none.
const DEFAULT_SIZE: usize = 10;

async fn transactions(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    kind: Kind,
) -> Result<Json<Value>, Psd2Error> {
    let params = query_pairs(query.as_deref());
    let with_balance = with_balance(&query)?;
    let status = params.get("bookingStatus").map(String::as_str);
    // The API text names no query parameters: without bookingStatus (which the standard
    // requires), both lists.
    let (booked, pending) = match status {
        Some("booked") => (true, false),
        Some("pending") => (false, true),
        None | Some("both") => (true, true),
        Some("information") => {
            return Err(Psd2Error::new(
                StatusCode::BAD_REQUEST,
                "PARAMETER_NOT_SUPPORTED",
                "bookingStatus=information (standing orders) is not supported.",
            ));
        }
        Some(_) => {
            return Err(Psd2Error::format(
                "bookingStatus",
                "bookingStatus must be booked, pending or both.",
            ));
        }
    };
    let date = |name: &str| -> Result<Option<Day>, Psd2Error> {
        match params.get(name) {
            None => Ok(None),
            Some(text) => Day::parse(text)
                .filter(|_| text.len() == 10)
                .map(Some)
                .ok_or_else(|| {
                    Psd2Error::format(name, format!("{name} must be a date as YYYY-MM-DD."))
                }),
        }
    };
    // The API text names no query parameters: without dateFrom (which myPOS's reference
    // pages require for booked transactions), the whole history.
    let (from, to) = (date("dateFrom")?, date("dateTo")?);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Psd2Error::new(
            StatusCode::BAD_REQUEST,
            "PERIOD_INVALID",
            "dateTo is before dateFrom.",
        ));
    }
    let number = |name: &str, default: usize, max: usize| -> Result<usize, Psd2Error> {
        match params.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Psd2Error::format(name, format!("{name} must be a number from 1 to {max}."))
                }),
        }
    };
    let page = number("page", 1, usize::MAX)?;
    let size = number("size", DEFAULT_SIZE, 100)?;
    let need = if with_balance {
        vec![
            (id.clone(), Need::Transactions),
            (id.clone(), Need::Balances),
        ]
    } else {
        vec![(id.clone(), Need::Transactions)]
    };
    state.with(|s| {
        let today = s.psd2.today();
        under_consent(&mut s.psd2, &headers, &need, |holder, _| {
            let account = account_of(holder, &id, kind)?;
            let to = to.unwrap_or(today);
            let mut items: Vec<(bool, Value)> = Vec::new();
            if booked {
                let from = from.unwrap_or(Day(i64::MIN / 2));
                items.extend(account.booked.iter()
                    .filter(|t| t.booking_date.is_some_and(|d| d >= from && d <= to))
                    .map(|t| (true, account.transaction(t))));
            }
            if pending {
                items.extend(account.pending.iter().map(|t| (false, account.transaction(t))));
            }
            let total = items.len();
            let total_pages = total.div_ceil(size).max(1);
            let slice: Vec<(bool, Value)> = items.into_iter().skip((page - 1) * size).take(size).collect();
            let mut split: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
            if booked {
                split.insert("booked", Vec::new());
            }
            if pending {
                split.insert("pending", Vec::new());
            }
            for (is_booked, item) in slice {
                split.entry(if is_booked { "booked" } else { "pending" }).or_default().push(item);
            }
            let base = format!("{}/transactions", account.path());
            let at = |n: usize| {
                let mut href = format!("{base}?bookingStatus={}&page={n}&size={size}", status.unwrap_or("both"));
                if let Some(from) = params.get("dateFrom") { href += &format!("&dateFrom={from}"); }
                if let Some(to) = params.get("dateTo") { href += &format!("&dateTo={to}"); }
                json!({ "href": href })
            };
            let mut report_links = json!({ "account": { "href": account.path() }, "first": at(1), "last": at(total_pages) });
            if page < total_pages {
                report_links["next"] = at(page + 1);
            }
            if page > 1 {
                report_links["previous"] = at(page - 1);
            }
            let mut report = json!(split);
            report["_links"] = report_links;
            let (account_key, report_key) = match kind {
                Kind::Payment => ("account", "transactions"),
                Kind::Card => ("cardAccount", "cardTransactions"),
            };
            let mut answer = json!({
                account_key: account.reference(),
                report_key: report,
                "pagination": { "page": page, "pageSize": size, "totalPages": total_pages, "totalCount": total },
            });
            if with_balance {
                answer["balances"] = account.balances(today);
            }
            Ok(Json(answer))
        })
    })
}
