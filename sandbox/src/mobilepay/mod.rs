//! MobilePay at the point of sale: the whole `api/pos/...` surface with MobilePay PoS v10's
//! state machines, for the seeded merchant [`BIO_CODE`] / [`ACCESS_TOKEN`].
//!
//! Every answer is the API's envelope: `200 {"success": true, "errors": [], <payload>}`, or
//! `200 {"success": false, "errors": ["<why>"]}` for a refusal (the real API's failure statuses
//! are not known; the envelope is what clients read). A refusal of a MobilePay rule ends with
//! its v10 error code, e.g. `… Cancel it before starting a new one. (1301)`.
//!
//! Each route takes GET with query parameters or POST with a JSON body (the API documents
//! both forms for some operations; the SDK uses POST where it can), parameter names matched
//! without regard to case. Every call needs `bioCode` and a valid `accessToken`, except
//! `manage/token`, which needs only `bioCode`.
//!
//! The customer's side (check in, accept, reject, expire) is driven from tests: see
//! [`customer`] and the README.

mod api;
mod customer;
mod model;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::{Map, Value, json};

pub(crate) use customer::control_router;
pub use customer::{CustomerAction, CustomerError};
pub(crate) use model::MobilePayState;

use crate::state::SandboxState;
use api::{Action, Params};

/// The seeded merchant's code.
pub const BIO_CODE: &str = "sandbox";
/// The seeded merchant's long-lived access token.
pub const ACCESS_TOKEN: &str = "mpat_sandbox";
/// How long clients are told to wait between polls (`pollDelayInMs`); short, so tests that
/// wait for a customer run fast. MobilePay's own example is 1000.
pub const POLL_DELAY_MS: u64 = 100;
/// The seeded terminals: `1001`, `1002` (requires a payment before check-in) and `2001`
/// have points of sale; `2002` has none yet (for `manage/create`).
pub const TERMINAL_IDS: [&str; 4] = ["1001", "1002", "2001", "2002"];

/// The seed as host-neutral JSON (snake_case), for the Python and Node test helpers.
pub fn seed_json() -> String {
    let terminals: Vec<Value> = model::TERMINALS
        .iter()
        .map(|(id, store, pos_id, beacon_id, require_payment)| {
            json!({
                "terminal_id": id, "store_id": model::STORE_IDS[*store], "pos_id": pos_id,
                "beacon_id": beacon_id, "require_payment_before_checkin": require_payment,
            })
        })
        .collect();
    json!({
        "bio_code": BIO_CODE,
        "access_token": ACCESS_TOKEN,
        "poll_delay_ms": POLL_DELAY_MS,
        "store_ids": model::STORE_IDS,
        "terminals": terminals,
    })
    .to_string()
}

/// The `api/pos/...` routes.
pub(crate) fn router() -> Router<SandboxState> {
    let routes: [(&str, Action); 31] = [
        ("/api/pos/terminal/qrcode", api::qr_code),
        ("/api/pos/payment/start", api::start),
        ("/api/pos/payment/start/byPosId", api::start_by_pos_id),
        ("/api/pos/payment/prepare", api::prepare),
        ("/api/pos/payment/ready", api::ready),
        ("/api/pos/payment/status", api::status),
        ("/api/pos/payment/details", api::details),
        ("/api/pos/payments", api::list),
        ("/api/pos/payment/capture", api::capture),
        ("/api/pos/payment/cancel", api::cancel),
        (
            "/api/pos/payment/id/retrieve/bystate",
            api::recover_by_state,
        ),
        (
            "/api/pos/payment/id/retrieve/byterminal",
            api::recover_by_terminal,
        ),
        (
            "/api/pos/payment/id/retrieve/byposId",
            api::recover_by_pos_id,
        ),
        ("/api/pos/refund/create", api::create_refund),
        ("/api/pos/refund/details", api::refund_details),
        ("/api/pos/refunds", api::list_refunds),
        ("/api/pos/refund/capture", api::capture_refund),
        ("/api/pos/refund/cancel", api::cancel_refund),
        ("/api/pos/manage/token", api::create_token),
        ("/api/pos/manage/token/reset", api::reset_token),
        ("/api/pos/manage/create", api::create_pos),
        ("/api/pos/manage/delete", api::delete_pos),
        (
            "/api/pos/manage/terminal/information",
            api::terminal_information,
        ),
        ("/api/pos/manage/stores", api::store_ids),
        ("/api/pos/manage/store", api::store),
        ("/api/pos/manage/checkin/byPosId", api::check_in_by_pos_id),
        (
            "/api/pos/manage/checkin/byTerminal",
            api::check_in_by_terminal,
        ),
        // Lower-case spellings of the mixed-case paths: IIS matches paths without case.
        ("/api/pos/payment/start/byposid", api::start_by_pos_id),
        (
            "/api/pos/payment/id/retrieve/byposid",
            api::recover_by_pos_id,
        ),
        ("/api/pos/manage/checkin/byposid", api::check_in_by_pos_id),
        (
            "/api/pos/manage/checkin/byterminal",
            api::check_in_by_terminal,
        ),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, action)| {
            // Creating the first token is the one call made without one.
            let needs_token = path != "/api/pos/manage/token";
            router.route(path, serve(action, needs_token))
        })
}

/// GET and POST of one operation.
fn serve(action: Action, needs_token: bool) -> MethodRouter<SandboxState> {
    let handler = move |State(state): State<SandboxState>, uri: Uri, body: Bytes| async move {
        answer(call(&state, &uri, &body, action, needs_token))
    };
    MethodRouter::new().on(MethodFilter::GET.or(MethodFilter::POST), handler)
}

/// Runs `action` for the merchant the call's credentials name.
fn call(
    state: &SandboxState,
    uri: &Uri,
    body: &[u8],
    action: Action,
    needs_token: bool,
) -> api::Answer {
    let mut pairs: Vec<(String, String)> = crate::extract::query_pairs(uri.query())
        .into_iter()
        .collect();
    if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => {
                pairs.extend(members.into_iter().filter_map(|(key, value)| match value {
                    Value::String(s) => Some((key, s)),
                    Value::Null => None,
                    other => Some((key, other.to_string())),
                }))
            }
            _ => return Err("The request body must be a JSON object.".into()),
        }
    }
    let params = Params::new(pairs);
    let bio_code = params
        .get("bioCode")
        .ok_or("bioCode is required.")?
        .to_string();
    state.with(|s| {
        let merchant = s
            .mobilepay
            .merchants
            .get_mut(&bio_code)
            .ok_or_else(|| format!("The bioCode {bio_code} is not known."))?;
        if needs_token {
            let valid = params
                .get("accessToken")
                .is_some_and(|token| merchant.tokens.contains(token));
            if !valid {
                return Err("The accessToken is missing or not valid for this bioCode.".to_string());
            }
        }
        action(merchant, &params)
    })
}

/// The envelope around an answer.
fn answer(result: api::Answer) -> Response {
    let body = match result {
        Ok(payload) => {
            let mut envelope = Map::new();
            envelope.insert("success".into(), Value::Bool(true));
            envelope.insert("errors".into(), json!([]));
            envelope.extend(payload);
            Value::Object(envelope)
        }
        Err(message) => json!({ "success": false, "errors": [message] }),
    };
    axum::Json(body).into_response()
}
