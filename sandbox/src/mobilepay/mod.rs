//! MobilePay at the point of sale: the whole `api/pos/...` surface with MobilePay PoS v10's
//! state machines, for the seeded merchant [`BIO_CODE`] / [`ACCESS_TOKEN`].
//!
//! Every answer is the API's envelope: `200 {"success": true, "errors": [], <payload>}`, or
//! `200 {"success": false, "errors": ["<why>"]}` for a refusal (the real API's failure statuses
//! are not known; the envelope is what clients read). A refusal of a MobilePay rule ends with
//! its v10 error code, e.g. `… Cancel it before starting a new one. (1301)`.
//!
//! Each route takes the methods the API text lists for it: GET with query parameters, the POST
//! form with a JSON body where the text lists one (the SDK uses it), DELETE for
//! `manage/delete`; parameter names matched without regard to case. Every call needs
//! `bioCode` and the merchant's valid `accessToken`, except `manage/token`, which needs only
//! `bioCode`, and `manage/token/reset`, which takes the token as `previousAccessToken`.
//!
//! The customer's side (check in, accept, reject, expire) is driven from tests: see
//! [`CustomerAction`] and the README.

mod api;
mod customer;
pub(crate) mod model;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::{Map, Value, json};

pub(crate) use customer::control_router;
pub use customer::{CustomerAction, CustomerError};
pub use model::{ACCESS_TOKEN, BIO_CODE, NEW_BIO_CODE, POLL_DELAY_MS, TERMINAL_IDS};

use crate::state::SandboxState;
use api::{Action, Params};

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
        "new_bio_code": NEW_BIO_CODE,
        "poll_delay_ms": POLL_DELAY_MS,
        "store_ids": model::STORE_IDS,
        "terminals": terminals,
    })
    .to_string()
}

/// How a route takes the merchant's credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credentials {
    /// `bioCode` and a valid `accessToken`.
    Token,
    /// `bioCode` only: creating the first token.
    BioCode,
    /// `bioCode` and the token being replaced as `previousAccessToken`.
    PreviousToken,
}

/// The `api/pos/...` routes, each with the methods the API text lists for it (so a client
/// that sends another method gets 405, as from the real API).
pub(crate) fn router() -> Router<SandboxState> {
    use Credentials::{BioCode, PreviousToken, Token};
    let get = MethodFilter::GET;
    let get_post = MethodFilter::GET.or(MethodFilter::POST);
    let get_delete = MethodFilter::GET.or(MethodFilter::DELETE);
    let routes: [(&str, MethodFilter, Credentials, Action); 27] = [
        (
            "/api/pos/refund/create",
            get_post,
            Token,
            api::create_refund,
        ),
        ("/api/pos/refund/details", get, Token, api::refund_details),
        ("/api/pos/refunds", get, Token, api::list_refunds),
        ("/api/pos/refund/capture", get, Token, api::capture_refund),
        ("/api/pos/refund/cancel", get, Token, api::cancel_refund),
        ("/api/pos/terminal/qrcode", get, Token, api::qr_code),
        ("/api/pos/payment/start", get_post, Token, api::start),
        (
            "/api/pos/payment/start/byPosId",
            get_post,
            Token,
            api::start_by_pos_id,
        ),
        ("/api/pos/payment/prepare", get_post, Token, api::prepare),
        ("/api/pos/payment/ready", get_post, Token, api::ready),
        ("/api/pos/payment/details", get, Token, api::details),
        ("/api/pos/payments", get, Token, api::list),
        ("/api/pos/payment/status", get, Token, api::status),
        ("/api/pos/payment/capture", get, Token, api::capture),
        ("/api/pos/payment/cancel", get, Token, api::cancel),
        (
            "/api/pos/payment/id/retrieve/bystate",
            get,
            Token,
            api::recover_by_state,
        ),
        (
            "/api/pos/payment/id/retrieve/byterminal",
            get,
            Token,
            api::recover_by_terminal,
        ),
        (
            "/api/pos/payment/id/retrieve/byposId",
            get,
            Token,
            api::recover_by_pos_id,
        ),
        (
            "/api/pos/manage/token",
            get_post,
            BioCode,
            api::create_token,
        ),
        (
            "/api/pos/manage/token/reset",
            get,
            PreviousToken,
            api::reset_token,
        ),
        ("/api/pos/manage/create", get_post, Token, api::create_pos),
        ("/api/pos/manage/delete", get_delete, Token, api::delete_pos),
        (
            "/api/pos/manage/terminal/information",
            get,
            Token,
            api::terminal_information,
        ),
        ("/api/pos/manage/stores", get, Token, api::store_ids),
        ("/api/pos/manage/store", get, Token, api::store),
        (
            "/api/pos/manage/checkInStatus/byposId",
            get,
            Token,
            api::check_in_by_pos_id,
        ),
        (
            "/api/pos/manage/checkInStatus/byterminalId",
            get,
            Token,
            api::check_in_by_terminal,
        ),
    ];
    routes.into_iter().fold(
        Router::new(),
        |router, (path, methods, credentials, action)| {
            let router = router.route(path, serve(methods, action, credentials));
            // IIS matches paths without regard to case: the lower-case spelling too.
            let lower = path.to_ascii_lowercase();
            if lower == path {
                router
            } else {
                router.route(&lower, serve(methods, action, credentials))
            }
        },
    )
}

/// The listed methods of one operation.
fn serve(
    methods: MethodFilter,
    action: Action,
    credentials: Credentials,
) -> MethodRouter<SandboxState> {
    let handler = move |State(state): State<SandboxState>, uri: Uri, body: Bytes| async move {
        answer(call(&state, &uri, &body, action, credentials))
    };
    MethodRouter::new().on(methods, handler)
}

/// Runs `action` for the merchant the call's credentials name.
fn call(
    state: &SandboxState,
    uri: &Uri,
    body: &[u8],
    action: Action,
    credentials: Credentials,
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
        let (name, needed) = match credentials {
            Credentials::Token => ("accessToken", true),
            Credentials::PreviousToken => ("previousAccessToken", true),
            Credentials::BioCode => ("accessToken", false),
        };
        let valid = params
            .get(name)
            .is_some_and(|token| merchant.token.as_deref() == Some(token));
        if needed && !valid {
            return Err(format!(
                "The {name} is missing or not valid for this bioCode."
            ));
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
