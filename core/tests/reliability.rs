//! Faults from the sandbox, and what the SDK makes of them: a retry where it is safe, a typed
//! error with a useful message otherwise, never a hang past the timeout.

mod common;

use std::time::{Duration, Instant};

use mypos::gateway::banking::GetAccountsRequest;
use mypos::{Error, MerchantClient};
use mypos_sandbox::{Fault, Sandbox};
use serde_json::json;

const ACCOUNTS: &str = "/accounting/v1/accounts";

async fn accounts(client: &MerchantClient) -> mypos::Result<usize> {
    Ok(client
        .banking()
        .get_accounts(GetAccountsRequest::default())
        .await?
        .items
        .len())
}

fn statuses(sandbox: &Sandbox) -> Vec<u16> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.path == ACCOUNTS)
        .map(|r| r.status)
        .collect()
}

fn api_error(error: Error) -> mypos::ApiError {
    match error {
        Error::Api(e) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_until_success() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::status(ACCOUNTS, 503).times(2));
    assert_eq!(accounts(&common::client(&sandbox)).await.unwrap(), 3);
    assert_eq!(statuses(&sandbox), [503, 503, 200]);
}

#[tokio::test]
async fn retries_stop_at_max_retries_with_the_last_error() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::status(ACCOUNTS, 500).times(10));
    let error = accounts(&common::client(&sandbox)).await.unwrap_err();
    assert_eq!(error.class_name(), "ServerError");
    assert_eq!(
        statuses(&sandbox),
        [500, 500, 500],
        "the first attempt and two retries"
    );

    let no_retries = common::client(&sandbox)
        .with_options(None, Some(0))
        .unwrap();
    accounts(&no_retries).await.unwrap_err();
    assert_eq!(statuses(&sandbox).len(), 4, "max_retries 0 sends once");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::status(ACCOUNTS, 429).header("Retry-After", "1"));
    let started = Instant::now();
    assert_eq!(accounts(&common::client(&sandbox)).await.unwrap(), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as told"
    );
    assert_eq!(statuses(&sandbox), [429, 200]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_to_the_caller() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::status(ACCOUNTS, 429).header("Retry-After", "3600"));
    let error = api_error(accounts(&common::client(&sandbox)).await.unwrap_err());
    assert_eq!(
        (error.status, error.retry_after),
        (429, Some(Duration::from_secs(3600)))
    );
    assert_eq!(statuses(&sandbox), [429]);
}

#[tokio::test]
async fn problem_details_become_structured_errors() {
    let sandbox = common::sandbox().await;
    let problem = json!({
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "detail": "See errors.",
        "traceId": "00-abc-01",
        "errors": { "item_price": ["The price must be positive."], "currency": ["Unknown currency."] }
    });
    sandbox.inject(Fault::status(ACCOUNTS, 400).body(problem));
    let error = accounts(&common::client(&sandbox)).await.unwrap_err();
    assert_eq!(error.class_name(), "BadRequestError");
    let message = error.to_string();
    let error = api_error(error);
    assert_eq!(
        error.status_message,
        "One or more validation errors occurred."
    );
    assert_eq!(error.detail.as_deref(), Some("See errors."));
    assert_eq!(error.request_id.as_deref(), Some("00-abc-01"));
    assert_eq!(error.errors["item_price"], ["The price must be positive."]);
    assert!(
        message.contains("item_price: The price must be positive."),
        "{message}"
    );

    sandbox.inject(Fault::status(ACCOUNTS, 404));
    assert_eq!(
        accounts(&common::client(&sandbox))
            .await
            .unwrap_err()
            .class_name(),
        "NotFoundError"
    );
}

#[tokio::test]
async fn an_html_error_page_is_a_server_error_that_says_so() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::html(ACCOUNTS, 502).times(3));
    let error = api_error(accounts(&common::client(&sandbox)).await.unwrap_err());
    assert_eq!(error.status, 502);
    assert!(error.detail.unwrap().contains("non-JSON body (text/html"));
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_decode_errors() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    sandbox.inject(Fault::malformed_json(ACCOUNTS));
    assert!(matches!(
        accounts(&client).await.unwrap_err(),
        Error::Decode { status: 200, .. }
    ));
    sandbox.inject(Fault::truncated_body(ACCOUNTS));
    assert!(matches!(
        accounts(&client).await.unwrap_err(),
        Error::Decode { status: 200, .. }
    ));
    assert_eq!(
        accounts(&client).await.unwrap(),
        3,
        "the client is fine afterwards"
    );
}

#[tokio::test]
async fn dropped_connections_on_reads_are_retried() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::drop_before_headers(ACCOUNTS));
    sandbox.inject(Fault::drop_after_headers(ACCOUNTS));
    assert_eq!(accounts(&common::client(&sandbox)).await.unwrap(), 3);
    assert_eq!(statuses(&sandbox).len(), 3);
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_not_a_hang() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::delay(ACCOUNTS, Duration::from_secs(5)).times(5));
    let client = common::client(&sandbox)
        .with_options(Some(Duration::from_millis(400)), None)
        .unwrap();
    let started = Instant::now();
    let error = accounts(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after } if after == Duration::from_millis(400)),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "returned at the deadline, not after the delay"
    );
}

#[tokio::test]
async fn a_session_expiring_mid_flight_is_renewed_and_the_call_replayed() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    accounts(&client).await.unwrap();
    sandbox.inject(Fault::expire_session(ACCOUNTS));
    assert_eq!(accounts(&client).await.unwrap(), 3);
    assert_eq!(statuses(&sandbox), [200, 401, 200]);
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_connection_error() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    sandbox.stop().await;
    let error = accounts(&client).await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("could not connect to 127.0.0.1:"),
        "{error}"
    );
}

#[tokio::test]
async fn the_connect_timeout_is_set_per_call_too() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let quick = client
        .with_connect_timeout(Duration::from_millis(250))
        .unwrap();
    assert_eq!(
        quick.options().connect_timeout,
        Some(Duration::from_millis(250))
    );
    assert_eq!(
        client.options().connect_timeout,
        None,
        "the original is unchanged"
    );
    assert_eq!(
        accounts(&quick).await.unwrap(),
        3,
        "calls go through a client of its own"
    );
    assert_eq!(accounts(&client).await.unwrap(), 3);
    assert!(
        matches!(client.with_connect_timeout(Duration::ZERO), Err(Error::Config { field, .. }) if field == "connect_timeout")
    );
}

/// A redirect is never followed: following one would carry the session, partner and PSD2
/// headers to whatever host `Location` names, and replay a payment body on 307/308.
#[tokio::test]
async fn redirects_are_not_followed() {
    let sandbox = common::sandbox().await;
    let elsewhere = format!("http://localhost:{}{ACCOUNTS}", sandbox.addr().port());
    sandbox.inject(Fault::status(ACCOUNTS, 307).header("Location", elsewhere));
    let error = api_error(accounts(&common::client(&sandbox)).await.unwrap_err());
    assert_eq!(error.status, 307);
    let message = error.to_string();
    assert!(
        message.contains("redirect") && message.contains("localhost"),
        "{message}"
    );
    assert_eq!(statuses(&sandbox), [307], "the Location was not requested");
}

/// A token answer claiming a lifetime past what a clock can hold is clamped, not a panic.
#[tokio::test]
async fn a_huge_expires_in_is_no_panic() {
    let sandbox = common::sandbox().await;
    sandbox.inject(Fault::status("/api/v1/oauth/token", 200).body(
        json!({"access_token": "short-lived", "token_type": "Bearer", "expires_in": u64::MAX}),
    ));
    let client = common::client(&sandbox);
    assert_eq!(accounts(&client).await.unwrap(), 3, "the call goes on");
}

/// A merchant client on a gateway that reads answers of at most `limit` bytes.
fn limited(sandbox: &Sandbox, limit: u64) -> MerchantClient {
    let mut config = common::config(sandbox);
    config.max_response_bytes = limit;
    let gateway = mypos::Gateway::new(config).unwrap();
    common::merchant(&gateway, "merchant")
}

#[tokio::test]
async fn an_answer_past_the_size_limit_is_refused_naming_the_limit() {
    let sandbox = common::sandbox().await;
    let client = limited(&sandbox, 64 * 1024)
        .with_options(None, Some(0))
        .unwrap();
    accounts(&client).await.expect("a small answer is read");
    for announce_length in [true, false] {
        // Announced: refused by its Content-Length. Streamed without one: refused once the
        // count passes the limit, without reading the rest (50 MiB here).
        sandbox.inject(Fault::oversized(
            ACCOUNTS,
            50 * 1024 * 1024,
            announce_length,
        ));
        let began = Instant::now();
        let error = accounts(&client).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::ResponseTooLarge {
                    status: 200,
                    limit: 65536
                }
            ),
            "{error:?}"
        );
        assert_eq!(error.class_name(), "APIDecodeError");
        assert!(
            error
                .to_string()
                .contains("max_response_bytes (65536 bytes)"),
            "{error}"
        );
        assert!(
            began.elapsed() < Duration::from_secs(2),
            "{:?}",
            began.elapsed()
        );
    }
    // Just under the limit is read.
    sandbox.inject(Fault::oversized(ACCOUNTS, 60 * 1024, false));
    let error = accounts(&client).await.unwrap_err();
    assert_eq!(
        error.class_name(),
        "APIDecodeError",
        "read, then not a page: {error}"
    );
    assert!(!matches!(error, Error::ResponseTooLarge { .. }));
}

#[tokio::test]
async fn the_default_limit_is_16_mib() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox)
        .with_options(None, Some(0))
        .unwrap();
    sandbox.inject(Fault::oversized(ACCOUNTS, 16 * 1024 * 1024 + 1, true));
    let error = accounts(&client).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: 16_777_216,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn error_details_keep_only_the_start_of_a_long_body() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox)
        .with_options(None, Some(0))
        .unwrap();
    let detail = "d".repeat(100_000);
    sandbox.inject(Fault::status(ACCOUNTS, 400).body(json!({ "title": "Bad", "detail": detail })));
    let error = api_error(accounts(&client).await.unwrap_err());
    let kept = error.detail.unwrap();
    assert!(kept.chars().count() <= 1001, "{}", kept.len());
}

#[tokio::test]
async fn a_max_response_bytes_of_zero_is_a_config_error() {
    let sandbox = common::sandbox().await;
    let mut config = common::config(&sandbox);
    config.max_response_bytes = 0;
    let error = mypos::Gateway::new(config).err().unwrap();
    assert!(
        matches!(&error, Error::Config { field, .. } if field == "max_response_bytes"),
        "{error:?}"
    );
}
