//! The foundation end to end against the sandbox over loopback HTTP: configuration, the token
//! lifecycle, headers, errors, and the accounts call.

mod common;

use std::time::Duration;

use futures::future::join_all;
use mypos::gateway::banking::GetAccountsRequest;
use mypos::{Credentials, Environment, Error, Gateway, GatewayConfig};

const TOKEN: &str = "/api/v1/oauth/token";
const SESSION: &str = "/api/v1/auth/session";
const ACCOUNTS: &str = "/accounting/v1/accounts";

fn first_page(size: u32) -> GetAccountsRequest {
    GetAccountsRequest {
        page: Some(1),
        size: Some(size),
    }
}

#[tokio::test]
async fn lists_accounts_a_page_at_a_time() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let page = client.banking().get_accounts(first_page(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        (page.page, page.page_size, page.total_count),
        (1, 2, Some(3))
    );
    assert!(page.has_next_page && !page.has_previous_page);
    assert!(
        page.items
            .iter()
            .all(|a| !a.account_number.is_empty() && a.currency.len() == 3)
    );

    let second = client
        .banking()
        .get_accounts(GetAccountsRequest {
            page: Some(2),
            size: Some(2),
        })
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert!(!second.has_next_page);
}

#[tokio::test]
async fn every_business_call_carries_the_gateway_headers() {
    let sandbox = common::sandbox().await;
    common::client(&sandbox)
        .banking()
        .get_accounts(GetAccountsRequest::default())
        .await
        .unwrap();
    let logged = sandbox
        .requests()
        .into_iter()
        .find(|r| r.path == ACCOUNTS)
        .unwrap();
    let header = |name: &str| logged.headers.get(name).cloned().unwrap_or_default();
    assert_eq!(header("authorization"), "<redacted>");
    assert_eq!(header("x-session"), "<redacted>");
    assert_eq!(header("x-partner-id"), mypos_sandbox::seed::PARTNER_ID);
    assert_eq!(
        header("x-application-id"),
        mypos_sandbox::seed::APPLICATION_ID
    );
    assert_eq!(header("accept"), "application/json");
    assert!(
        header("user-agent").starts_with(&format!("mypos-sdk/{} (rust", mypos::VERSION)),
        "{}",
        header("user-agent")
    );
}

#[tokio::test]
async fn a_cold_start_fetches_one_token_and_one_session_per_merchant() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let merchants: Vec<_> = (0..20)
        .map(|i| common::merchant(&gateway, &format!("m{i}")))
        .collect();
    let calls = (0..200).map(|i| {
        let client = merchants[i % 20].clone();
        async move { client.banking().get_accounts(first_page(1)).await }
    });
    for result in join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(sandbox.count("POST", TOKEN), 1);
    assert_eq!(sandbox.count("POST", SESSION), 20);
    assert_eq!(sandbox.count("GET", ACCOUNTS), 200);
}

#[tokio::test]
async fn tokens_and_sessions_are_refreshed_before_they_expire() {
    let sandbox = common::sandbox().await;
    sandbox.set_lifetimes(Duration::from_secs(2), Duration::from_secs(2));
    let client = common::client(&sandbox);
    client.banking().get_accounts(first_page(1)).await.unwrap();
    client.banking().get_accounts(first_page(1)).await.unwrap();
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (1, 1),
        "cached while fresh"
    );

    // Past half of a short lifetime the SDK renews, before the server would refuse.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.banking().get_accounts(first_page(1)).await.unwrap();
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (2, 2)
    );
    assert!(
        sandbox.requests().iter().all(|r| r.status != 401),
        "never refused"
    );
}

#[tokio::test]
async fn a_401_refreshes_both_and_replays_once() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    client.banking().get_accounts(first_page(1)).await.unwrap();
    sandbox.expire_tokens();
    sandbox.expire_sessions();

    let page = client.banking().get_accounts(first_page(1)).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let statuses: Vec<u16> = sandbox
        .requests()
        .iter()
        .filter(|r| r.path == ACCOUNTS)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200, 401, 200]);
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (2, 2)
    );
}

#[tokio::test]
async fn a_second_401_is_an_auth_error() {
    let sandbox = common::sandbox().await;
    // Sessions expire the moment they are issued, so the replay is refused too.
    sandbox.set_lifetimes(Duration::from_secs(3600), Duration::ZERO);
    let err = common::client(&sandbox)
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sandbox.count("GET", ACCOUNTS), 2, "one replay, no more");
}

#[tokio::test]
async fn wrong_credentials_are_auth_errors_with_status_and_message() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let wrong_merchant = gateway.client(Credentials::new("cli_a", "sec_b")).unwrap();
    match wrong_merchant
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err()
    {
        Error::Auth { status, message } => {
            assert_eq!(status, Some(400));
            assert!(message.contains("merchant session"), "{message}");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }

    let mut config = common::config(&sandbox);
    config.integration = Credentials::new("client_sandbox", "secret_wrong");
    let wrong_partner = Gateway::new(config).unwrap();
    let err = common::merchant(&wrong_partner, "x")
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        sandbox.count("GET", ACCOUNTS),
        0,
        "no business call without credentials"
    );
}

#[tokio::test]
async fn malformed_configuration_is_refused_before_any_request() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    for (id, secret, field) in [
        ("client_x", "sec_x", "client_id"),
        ("cli_x", "secret_x", "client_secret"),
        ("", "sec_x", "client_id"),
    ] {
        match gateway.client(Credentials::new(id, secret)).unwrap_err() {
            Error::Config { field: got, .. } => assert_eq!(got, field),
            other => panic!("expected a config error, got {other:?}"),
        }
    }
    let mut config = common::config(&sandbox);
    config.environment = Environment::Custom("http://10.0.0.1".into());
    assert!(
        matches!(Gateway::new(config).unwrap_err(), Error::Config { field, .. } if field == "gateway_url")
    );
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn paging_arguments_are_checked_before_any_request() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    for (request, field) in [
        (
            GetAccountsRequest {
                page: Some(0),
                size: None,
            },
            "page",
        ),
        (
            GetAccountsRequest {
                page: None,
                size: Some(101),
            },
            "size",
        ),
    ] {
        match client.banking().get_accounts(request).await.unwrap_err() {
            Error::InvalidRequest { field: got, .. } => assert_eq!(got, field),
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn secrets_never_show_in_debug_output_or_errors() {
    let sandbox = common::sandbox().await;
    let config = GatewayConfig::new(
        Environment::Custom(sandbox.url()),
        Credentials::new("client_sandbox", "secret_sandbox"),
        "mps-p-100000",
        "mps-app-200000",
    );
    let gateway = Gateway::new(config.clone()).unwrap();
    let client = gateway
        .client(Credentials::new("cli_sandbox", "sec_sandbox"))
        .unwrap();
    client.banking().get_accounts(first_page(1)).await.unwrap();
    let wrong = gateway
        .client(Credentials::new("cli_sandbox", "sec_WRONGSECRET"))
        .unwrap();
    let err = wrong
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err();

    let shown = format!("{config:?} {gateway:?} {client:?} {wrong:?} {err:?} {err}");
    for secret in ["secret_sandbox", "sec_sandbox", "sec_WRONGSECRET"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("<redacted>"));
}

#[tokio::test]
async fn raw_requests_share_tokens_and_errors() {
    use mypos::raw::RawRequest;
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let mut query = serde_json::Map::new();
    query.insert("size".into(), 1.into());
    let raw = RawRequest {
        method: "GET".into(),
        path: ACCOUNTS.into(),
        query,
        json: None,
    };
    let answer = client.request(raw).await.unwrap();
    assert_eq!(answer["items"].as_array().unwrap().len(), 1);
    assert!(
        answer["items"][0]["account_number"].is_string(),
        "wire names, not renamed"
    );

    let missing = RawRequest {
        method: "GET".into(),
        path: "/accounting/v1/nowhere".into(),
        ..Default::default()
    };
    match client.request(missing).await.unwrap_err() {
        Error::Api(e) => assert_eq!(e.status, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
    let elsewhere = RawRequest {
        method: "GET".into(),
        path: "https://example.com/x".into(),
        ..Default::default()
    };
    assert!(
        matches!(client.request(elsewhere).await.unwrap_err(), Error::InvalidRequest { field, .. } if field == "path")
    );
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (1, 1)
    );
}

#[tokio::test]
async fn paged_lists_stream_every_item_a_page_at_a_time() {
    use futures::TryStreamExt;
    use mypos::gateway::banking::endpoints::get_accounts;
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let request = GetAccountsRequest {
        page: None,
        size: Some(1),
    };
    let mut stream = std::pin::pin!(get_accounts.stream(&client, request));
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(
        sandbox.count("GET", ACCOUNTS),
        1,
        "one page fetched for the first item"
    );
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(1 + rest.len(), 3);
    assert_ne!(first.account_number, rest[0].account_number);
    assert_eq!(sandbox.count("GET", ACCOUNTS), 3);
}

#[tokio::test]
async fn a_closed_gateway_refuses_calls() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let client = common::merchant(&gateway, "sandbox");
    client.banking().get_accounts(first_page(1)).await.unwrap();
    gateway.close();
    assert!(gateway.is_closed());
    let error = client
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Config { ref field, .. } if field == "gateway"),
        "{error:?}"
    );
    assert_eq!(sandbox.count("GET", ACCOUNTS), 1);
}

#[tokio::test]
async fn a_merchants_401_leaves_the_shared_partner_token_alone() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let good = common::merchant(&gateway, "good");
    good.banking().get_accounts(first_page(1)).await.unwrap();
    // A 401 that does not blame the partner token (here the session's, as a merchant whose
    // session was revoked gets): only that merchant's session is opened again.
    sandbox.inject(mypos_sandbox::Fault::status(ACCOUNTS, 401).times(3));
    for _ in 0..3 {
        let _ = good.banking().get_accounts(first_page(1)).await;
    }
    assert_eq!(sandbox.count("POST", TOKEN), 1, "the partner token is kept");
    // A refusal that names the token (an expired one) drops it.
    sandbox.expire_tokens();
    good.banking().get_accounts(first_page(1)).await.unwrap();
    assert_eq!(sandbox.count("POST", TOKEN), 2);
}

#[tokio::test]
async fn a_refused_merchant_is_answered_from_memory_briefly() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let revoked = gateway
        .client(Credentials::new("cli_revoked", "sec_not_the_secret"))
        .unwrap();
    let calls = (0..5).map(|_| async { revoked.banking().get_accounts(first_page(1)).await });
    for result in join_all(calls).await {
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                Error::Auth {
                    status: Some(400),
                    ..
                }
            ),
            "{error:?}"
        );
    }
    for _ in 0..5 {
        revoked
            .banking()
            .get_accounts(first_page(1))
            .await
            .unwrap_err();
    }
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (1, 1),
        "one refusal, shared with the waiters and remembered"
    );
    // Another merchant of the gateway is not affected.
    common::merchant(&gateway, "good")
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_next_page_announced_after_an_empty_one_ends_the_list() {
    use futures::TryStreamExt;
    use mypos::gateway::banking::endpoints::get_accounts;
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    // A server that keeps saying there is more, with nothing on the page.
    let empty = serde_json::json!({"items": [], "pagination": {"page": 1, "has_next_page": true}});
    sandbox.inject(
        mypos_sandbox::Fault::status(ACCOUNTS, 200)
            .body(empty)
            .times(1000),
    );
    let page = client.banking().get_accounts(first_page(5)).await.unwrap();
    assert!(!page.has_next_page, "an empty page is the last");
    let request = GetAccountsRequest {
        page: None,
        size: Some(5),
    };
    let items: Vec<_> = tokio::time::timeout(
        Duration::from_secs(5),
        get_accounts
            .stream(&client, request)
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("the iterator ends")
    .unwrap();
    assert!(items.is_empty());
    assert_eq!(sandbox.count("GET", ACCOUNTS), 2);
}

#[tokio::test]
async fn identity_errors_never_echo_the_secrets_sent() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let echo = serde_json::json!({"title": "Bad Request", "detail": "client_secret sec_sandbox is not valid"});
    sandbox.inject(mypos_sandbox::Fault::status(SESSION, 400).body(echo));
    let error = client
        .banking()
        .get_accounts(first_page(1))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("client_secret <redacted> is not valid"),
        "{message}"
    );
    assert!(!message.contains("sec_sandbox"), "{message}");
}
