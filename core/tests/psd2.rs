//! PSD2 end to end against the sandbox over loopback HTTP: the journey a TPP makes, token
//! refresh and the persistence hook, every consent error, payments and funds confirmation.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use futures::future::join_all;
use mypos::psd2::accounts::{
    AccountRequest, BalancesRequest, ListAccountsRequest, TransactionsRequest,
};
use mypos::psd2::consents::{AccessScope, AccountAccess, ConsentRequest, CreateConsentRequest};
use mypos::psd2::funds::ConfirmFundsRequest;
use mypos::psd2::payments::{InitiatePaymentRequest, PaymentProduct, PaymentRequest};
use mypos::psd2::{
    AccountReference, BalanceType, BookingStatus, ConsentStatus, CurrencyAmount, Psd2Client,
    Psd2Config, TokenSet, TransactionStatus,
};
use mypos::{ApiError, Error};
use mypos_sandbox::Sandbox;
use rust_decimal::Decimal;
use secrecy::ExposeSecret;

const REDIRECT: &str = "https://tpp.example/psd2/callback";
const IP: &str = "203.0.113.7";

type Rotations = Arc<Mutex<Vec<(String, TokenSet)>>>;

fn config(url: &str) -> (Psd2Config, Rotations) {
    let rotations: Rotations = Arc::default();
    let seen = rotations.clone();
    let mut config = Psd2Config::new(
        url,
        mypos_sandbox::psd2::CLIENT_ID,
        mypos_sandbox::psd2::CLIENT_SECRET,
    );
    config.redirect_uri = Some(REDIRECT.into());
    config.token_listener = Some(Arc::new(move |holder: &str, tokens: &TokenSet| {
        seen.lock()
            .unwrap()
            .push((holder.to_string(), tokens.clone()));
    }));
    (config, rotations)
}

async fn setup() -> (Sandbox, Psd2Client, Rotations) {
    let sandbox = Sandbox::start().await.unwrap();
    let (config, rotations) = config(&sandbox.url());
    let tpp = Psd2Client::new(config).unwrap();
    (sandbox, tpp, rotations)
}

fn all_accounts(frequency: u32) -> CreateConsentRequest {
    let access = AccountAccess {
        all_psd2: Some(AccessScope::AllAccounts),
        ..Default::default()
    };
    CreateConsentRequest::new(access, "2099-12-31", frequency, IP)
}

/// The holder's side: posts the SCA page's form as a browser would; returns the redirect.
async fn decide(url: &str, decision: &str) -> url::Url {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser
        .post(url)
        .form(&[("decision", decision), ("psu_id", "psu_sandbox")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    url::Url::parse(&location).unwrap()
}

fn query(url: &url::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Creates a consent, has the holder approve it, exchanges the code: the holder's client.
async fn approved(
    tpp: &Psd2Client,
    request: CreateConsentRequest,
    holder: &str,
) -> (Psd2Client, String) {
    let consent = tpp.consents().create(request).await.unwrap();
    let url = tpp
        .authorization_url(&consent.links, Some("xyz"), None)
        .unwrap();
    let back = decide(&url, "approve").await;
    assert_eq!(query(&back, "state").as_deref(), Some("xyz"));
    let code = query(&back, "code").expect("a code");
    let client = tpp.exchange_code(holder, &code, None).await.unwrap();
    (client, consent.consent_id)
}

fn api(error: Error) -> ApiError {
    match error {
        Error::Api(e) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn transactions(account: &str, consent: &str, status: BookingStatus) -> TransactionsRequest {
    let mut request = TransactionsRequest::new(account, consent, status);
    request.date_from = Some("2000-01-01".into());
    request
}

fn available(balances: &mypos::psd2::accounts::Balances) -> Decimal {
    balances
        .balances
        .iter()
        .find(|b| b.balance_type == BalanceType::InterimAvailable)
        .unwrap()
        .balance_amount
        .amount
}

#[tokio::test]
async fn the_whole_journey_of_a_tpp() {
    let (sandbox, tpp, rotations) = setup().await;
    let consent = tpp.consents().create(all_accounts(10)).await.unwrap();
    assert_eq!(consent.consent_status, Some(ConsentStatus::Received));
    let url = tpp
        .authorization_url(&consent.links, Some("s1"), None)
        .unwrap();
    assert!(
        url.contains("response_type=code") && url.contains("client_id=tpp_sandbox"),
        "{url}"
    );

    // The holder sees what is asked, then approves.
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("read your account information") && page.contains("Approve"),
        "{page}"
    );
    let back = decide(&url, "approve").await;
    assert!(back.as_str().starts_with(REDIRECT));
    let code = query(&back, "code").unwrap();

    let holder = tpp.exchange_code("user-42", &code, None).await.unwrap();
    assert_eq!(holder.holder_id(), Some("user-42"));
    assert_eq!(rotations.lock().unwrap().len(), 1);
    let status = tpp
        .consents()
        .get_status(ConsentRequest::new(&consent.consent_id))
        .await
        .unwrap();
    assert_eq!(status.consent_status, ConsentStatus::Valid);

    let mut list = ListAccountsRequest::new(&consent.consent_id);
    list.with_balance = Some(true);
    let accounts = holder.accounts().list(list).await.unwrap();
    assert_eq!(accounts.accounts.len(), 2);
    assert!(accounts.accounts.iter().all(|a| a.balances.len() == 2));
    let eur = accounts
        .accounts
        .iter()
        .find(|a| a.currency.as_deref() == Some("EUR"))
        .unwrap();
    let eur_id = eur.resource_id.clone().unwrap();
    assert!(eur.links.contains_key("transactions"));

    let details = holder
        .accounts()
        .get(AccountRequest::new(&eur_id, &consent.consent_id))
        .await
        .unwrap();
    assert_eq!(details.iban, eur.iban);

    // Every transaction, booked and pending, three pages of ten fetched as consumed.
    sandbox.clear_requests();
    let all: Vec<_> = holder
        .accounts()
        .iter_transactions(transactions(
            &eur_id,
            &consent.consent_id,
            BookingStatus::Both,
        ))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 26);
    assert_eq!(
        all.iter()
            .filter(|t| t.booking_status == Some(BookingStatus::Pending))
            .count(),
        2
    );
    assert!(
        all.iter()
            .filter(|t| t.booking_status == Some(BookingStatus::Booked))
            .all(|t| t.booking_date.is_some())
    );
    let path = format!("/v1/accounts/{eur_id}/transactions");
    assert_eq!(sandbox.count("GET", &path), 3);

    // Transactions within dates: only the booked ones of that window.
    let today = all
        .iter()
        .filter_map(|t| t.booking_date.clone())
        .max()
        .unwrap();
    let mut recent = transactions(&eur_id, &consent.consent_id, BookingStatus::Booked);
    recent.date_from = Some(today.clone());
    let page = holder.accounts().get_transactions(recent).await.unwrap();
    assert!(!page.items.is_empty() && page.items.len() < 24);
    assert!(
        page.items
            .iter()
            .all(|t| t.booking_date.as_deref() == Some(today.as_str()))
    );

    let before = available(
        &holder
            .accounts()
            .get_balances(BalancesRequest::new(&eur_id, &consent.consent_id))
            .await
            .unwrap(),
    );

    // A payment: initiated, approved by the holder, executed.
    let mut payment = InitiatePaymentRequest::new(
        PaymentProduct::SepaCreditTransfers,
        CurrencyAmount::new("EUR", "12.50".parse().unwrap()),
        AccountReference::iban("DE89370400440532013000"),
        "Sofia Coffee Roasters",
        IP,
    );
    payment.consent_id = Some(consent.consent_id.clone());
    payment.debtor_account = Some(AccountReference::iban(eur.iban.clone().unwrap()));
    let initiated = holder.payments().initiate(payment).await.unwrap();
    assert_eq!(
        initiated.transaction_status,
        Some(TransactionStatus::Received)
    );
    let url = tpp
        .authorization_url(&initiated.links, Some("p1"), None)
        .unwrap();
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("12.50 EUR"), "{page}");
    let back = decide(&url, "approve").await;
    assert!(query(&back, "code").is_some());
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::SepaCreditTransfers,
            &initiated.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        TransactionStatus::AcceptedSettlementCompleted
    );

    let after = available(
        &holder
            .accounts()
            .get_balances(BalancesRequest::new(&eur_id, &consent.consent_id))
            .await
            .unwrap(),
    );
    assert_eq!(before - after, "12.50".parse::<Decimal>().unwrap());
    let read = holder
        .payments()
        .get(PaymentRequest::new(
            PaymentProduct::SepaCreditTransfers,
            &initiated.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(
        read.instructed_amount.unwrap().amount,
        "12.50".parse::<Decimal>().unwrap()
    );
    assert_eq!(read.creditor_name.as_deref(), Some("Sofia Coffee Roasters"));
}

#[tokio::test]
async fn each_call_carries_its_headers() {
    let sandbox = Sandbox::start().await.unwrap();
    let (mut config, _) = config(&sandbox.url());
    config.api_key = Some("consumer-key-1".to_string().into());
    let tpp = Psd2Client::new(config).unwrap();
    let (holder, consent) = approved(&tpp, all_accounts(10), "u").await;
    sandbox.clear_requests();
    holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    tpp.consents().create(all_accounts(1)).await.unwrap();
    let logged = sandbox.requests();
    let ids: Vec<&String> = logged
        .iter()
        .filter_map(|r| r.headers.get("x-request-id"))
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()));
    assert!(ids[0] != ids[1], "a fresh X-Request-ID per call");
    let list = &logged[0];
    assert_eq!(list.headers.get("consent-id"), Some(&consent));
    assert_eq!(
        list.headers.get("api-key").map(String::as_str),
        Some("consumer-key-1")
    );
    assert!(!list.headers.contains_key("psu-ip-address"));
    assert!(
        list.query.is_none(),
        "header fields stay out of the query: {:?}",
        list.query
    );
    let create = logged
        .iter()
        .find(|r| r.method == "POST" && r.path == "/v1/consents")
        .unwrap();
    assert_eq!(
        create.headers.get("psu-ip-address").map(String::as_str),
        Some(IP)
    );
    assert_eq!(
        create.headers.get("tpp-redirect-uri").map(String::as_str),
        Some(REDIRECT)
    );
    assert_eq!(
        create.headers.get("authorization").map(String::as_str),
        Some("<redacted>")
    );
}

#[tokio::test]
async fn tokens_refresh_before_expiry_once_and_reach_the_hook() {
    let (sandbox, tpp, rotations) = setup().await;
    sandbox.state(); // the control API is exercised by the other languages
    let control = reqwest::Client::new();
    control
        .put(format!("{}/_sandbox/psd2/settings", sandbox.url()))
        .json(&serde_json::json!({ "access_token_lifetime_secs": 2 }))
        .send()
        .await
        .unwrap();
    let (holder, consent) = approved(&tpp, all_accounts(100), "user-7").await;
    tokio::time::sleep(Duration::from_millis(1100)).await; // past half the lifetime
    sandbox.clear_requests();
    let accounts = holder.accounts();
    let calls = (0..6).map(|_| accounts.list(ListAccountsRequest::new(&consent)));
    for result in join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        sandbox.count("POST", "/oauth/token"),
        1,
        "one refresh for six callers"
    );
    let seen = rotations.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|(holder, _)| holder == "user-7"));
    let (first, second) = (&seen[0].1, &seen[1].1);
    assert_ne!(
        first.refresh_token.as_ref().unwrap().expose_secret(),
        second.refresh_token.as_ref().unwrap().expose_secret(),
        "the refresh token rotated"
    );
    assert_eq!(
        holder.tokens().unwrap().access_token.expose_secret(),
        second.access_token.expose_secret()
    );

    // A holder restored from storage in another process works, and refreshes on a 401.
    let other = Psd2Client::new(config(&sandbox.url()).0).unwrap();
    let restored = other.account_holder("user-7", second.clone()).unwrap();
    control
        .post(format!("{}/_sandbox/psd2/tokens/expire", sandbox.url()))
        .send()
        .await
        .unwrap();
    restored
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    assert_eq!(sandbox.count("POST", "/oauth/token"), 2);
}

#[tokio::test]
async fn token_errors_say_what_went_wrong() {
    let (sandbox, tpp, _) = setup().await;
    let auth = |e: Error| match e {
        Error::Auth { message, .. } => message,
        other => panic!("expected an auth error, got {other:?}"),
    };
    let message = auth(
        tpp.exchange_code("u", "no-such-code", None)
            .await
            .unwrap_err(),
    );
    assert!(
        message.contains("invalid_grant") && message.contains("unknown, expired or already used"),
        "{message}"
    );

    let consent = tpp.consents().create(all_accounts(4)).await.unwrap();
    let url = tpp.authorization_url(&consent.links, None, None).unwrap();
    let code = query(&decide(&url, "approve").await, "code").unwrap();
    let message = auth(
        tpp.exchange_code("u", &code, Some("https://elsewhere.example/cb"))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("redirect_uri does not match"), "{message}");

    let (holder, consent) = approved(&tpp, all_accounts(4), "u2").await;
    let control = reqwest::Client::new();
    control
        .post(format!("{}/_sandbox/psd2/tokens/revoke", sandbox.url()))
        .send()
        .await
        .unwrap();
    control
        .post(format!("{}/_sandbox/psd2/tokens/expire", sandbox.url()))
        .send()
        .await
        .unwrap();
    let message = auth(
        holder
            .accounts()
            .list(ListAccountsRequest::new(&consent))
            .await
            .unwrap_err(),
    );
    assert!(
        message.contains("revoked") && message.contains("approve a new consent"),
        "{message}"
    );

    let mut bad = config(&sandbox.url()).0;
    bad.client.client_secret = "wrong".to_string().into();
    let message = auth(
        Psd2Client::new(bad)
            .unwrap()
            .consents()
            .create(all_accounts(1))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("invalid_client"), "{message}");
}

#[tokio::test]
async fn each_consent_error_has_its_code() {
    let (sandbox, tpp, _) = setup().await;
    let control = reqwest::Client::new();
    let (holder, consent) = approved(&tpp, all_accounts(1), "u").await;

    // Unknown consent.
    let e = api(holder
        .accounts()
        .list(ListAccountsRequest::new("consent-nope"))
        .await
        .unwrap_err());
    assert_eq!(
        (e.status, e.codes.clone()),
        (403, vec!["CONSENT_UNKNOWN".to_string()])
    );
    assert!(e.request_id.is_some());

    // Frequency: one unattended read a day; reads with the holder present do not count.
    let mut attended = ListAccountsRequest::new(&consent);
    attended.psu_ip_address = Some(IP.into());
    holder.accounts().list(attended.clone()).await.unwrap();
    holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    sandbox.clear_requests();
    let e = api(holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap_err());
    assert_eq!(
        (e.status, e.codes.clone()),
        (429, vec!["ACCESS_EXCEEDED".to_string()])
    );
    assert!(e.retry_after.unwrap() > Duration::from_secs(0));
    assert_eq!(
        sandbox.count("GET", "/v1/accounts"),
        1,
        "not retried: the limit is daily"
    );
    holder.accounts().list(attended).await.unwrap();

    // Not approved yet.
    let received = tpp.consents().create(all_accounts(4)).await.unwrap();
    let e = api(holder
        .accounts()
        .list(ListAccountsRequest::new(&received.consent_id))
        .await
        .unwrap_err());
    assert_eq!((e.status, e.codes[0].as_str()), (401, "CONSENT_INVALID"));

    // Limited to one account, and to its details.
    let (holder2, consent2) = {
        let accounts = holder
            .accounts()
            .list({
                let mut r = ListAccountsRequest::new(&consent);
                r.psu_ip_address = Some(IP.into());
                r
            })
            .await
            .unwrap();
        let iban = accounts.accounts[0].iban.clone().unwrap();
        let access = AccountAccess {
            accounts: Some(vec![AccountReference::iban(iban)]),
            ..Default::default()
        };
        approved(
            &tpp,
            CreateConsentRequest::new(access, "2099-12-31", 4, IP),
            "u",
        )
        .await
    };
    let listed = holder2
        .accounts()
        .list(ListAccountsRequest::new(&consent2))
        .await
        .unwrap();
    assert_eq!(listed.accounts.len(), 1);
    let only = listed.accounts[0].resource_id.clone().unwrap();
    let e = api(holder2
        .accounts()
        .get_balances(BalancesRequest::new(&only, &consent2))
        .await
        .unwrap_err());
    assert_eq!((e.status, e.codes[0].as_str()), (401, "CONSENT_INVALID"));
    let mut with_balance = ListAccountsRequest::new(&consent2);
    with_balance.with_balance = Some(true);
    assert_eq!(
        api(holder2.accounts().list(with_balance).await.unwrap_err()).codes[0],
        "CONSENT_INVALID"
    );

    // Deleted by the TPP.
    tpp.consents()
        .delete(ConsentRequest::new(&consent2))
        .await
        .unwrap();
    let status = tpp
        .consents()
        .get_status(ConsentRequest::new(&consent2))
        .await
        .unwrap();
    assert_eq!(status.consent_status, ConsentStatus::TerminatedByTpp);
    let e = api(holder2
        .accounts()
        .list(ListAccountsRequest::new(&consent2))
        .await
        .unwrap_err());
    assert_eq!(e.codes[0], "CONSENT_INVALID");

    // Revoked by the holder.
    let (holder3, consent3) = approved(&tpp, all_accounts(4), "u3").await;
    control
        .post(format!(
            "{}/_sandbox/psd2/consents/{consent3}/revoke",
            sandbox.url()
        ))
        .send()
        .await
        .unwrap();
    let e = api(holder3
        .accounts()
        .list(ListAccountsRequest::new(&consent3))
        .await
        .unwrap_err());
    assert!(e.detail.unwrap().contains("revoked"));
    let status = tpp
        .consents()
        .get(ConsentRequest::new(&consent3))
        .await
        .unwrap();
    assert_eq!(status.consent_status, ConsentStatus::RevokedByPsu);

    // Expired after validUntil.
    let soon = CreateConsentRequest::new(
        AccountAccess {
            all_psd2: Some(AccessScope::AllAccounts),
            ..Default::default()
        },
        mypos_sandbox_today(&sandbox).await,
        4,
        IP,
    );
    let (holder4, consent4) = approved(&tpp, soon, "u4").await;
    holder4
        .accounts()
        .list(ListAccountsRequest::new(&consent4))
        .await
        .unwrap();
    control
        .post(format!("{}/_sandbox/psd2/clock", sandbox.url()))
        .json(&serde_json::json!({ "advance_days": 1 }))
        .send()
        .await
        .unwrap();
    let e = api(holder4
        .accounts()
        .list(ListAccountsRequest::new(&consent4))
        .await
        .unwrap_err());
    assert_eq!((e.status, e.codes[0].as_str()), (401, "CONSENT_EXPIRED"));
    let status = tpp
        .consents()
        .get_status(ConsentRequest::new(&consent4))
        .await
        .unwrap();
    assert_eq!(status.consent_status, ConsentStatus::Expired);

    // A declined consent is rejected, and the holder comes back with an error.
    let consent5 = tpp.consents().create(all_accounts(4)).await.unwrap();
    let back = decide(
        &tpp.authorization_url(&consent5.links, None, None).unwrap(),
        "deny",
    )
    .await;
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    let status = tpp
        .consents()
        .get_status(ConsentRequest::new(&consent5.consent_id))
        .await
        .unwrap();
    assert_eq!(status.consent_status, ConsentStatus::Rejected);
}

async fn mypos_sandbox_today(sandbox: &Sandbox) -> String {
    let summary: serde_json::Value = reqwest::get(format!("{}/_sandbox/psd2", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    summary["today"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn payments_are_cancelled_rejected_and_refused_as_the_standard_says() {
    let (sandbox, tpp, _) = setup().await;
    let (holder, consent) = approved(&tpp, all_accounts(50), "payer").await;
    let pay = |amount: &str| {
        let mut request = InitiatePaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            CurrencyAmount::new("EUR", amount.parse().unwrap()),
            AccountReference::iban("GB29NWBK60161331926819"),
            "London Supplies Ltd",
            IP,
        );
        request.consent_id = Some(consent.clone());
        request
    };
    // Cancelled before approval.
    let first = holder.payments().initiate(pay("5.00")).await.unwrap();
    holder
        .payments()
        .cancel(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &first.payment_id,
        ))
        .await
        .unwrap();
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &first.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Cancelled);

    // Insufficient funds: rejected once approved.
    let big = holder.payments().initiate(pay("1000000.00")).await.unwrap();
    decide(
        &tpp.authorization_url(&big.links, None, None).unwrap(),
        "approve",
    )
    .await;
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &big.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Rejected);
    assert_eq!(status.funds_available, Some(false));

    // Accepted, and cancelled before execution.
    reqwest::Client::new()
        .put(format!("{}/_sandbox/psd2/settings", sandbox.url()))
        .json(&serde_json::json!({ "execution_delay_ms": 60_000 }))
        .send()
        .await
        .unwrap();
    let later = holder.payments().initiate(pay("7.00")).await.unwrap();
    decide(
        &tpp.authorization_url(&later.links, None, None).unwrap(),
        "approve",
    )
    .await;
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &later.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        TransactionStatus::AcceptedTechnicalValidation
    );
    holder
        .payments()
        .cancel(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &later.payment_id,
        ))
        .await
        .unwrap();
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &later.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Cancelled);
    let e = api(holder
        .payments()
        .cancel(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &later.payment_id,
        ))
        .await
        .unwrap_err());
    assert_eq!(
        (e.status, e.codes[0].as_str()),
        (405, "CANCELLATION_INVALID")
    );

    // SEPA is EUR: the bank refuses (the API text makes no check the SDK could make first).
    let mut gbp = pay("1.00");
    gbp.payment_product = PaymentProduct::SepaCreditTransfers;
    gbp.instructed_amount.currency = "GBP".into();
    let e = api(holder.payments().initiate(gbp).await.unwrap_err());
    assert_eq!(
        (e.status, e.codes[0].as_str()),
        (400, "PARAMETER_NOT_CONSISTENT")
    );
}

#[tokio::test]
async fn funds_confirmation_and_card_accounts() {
    let (_sandbox, tpp, _) = setup().await;
    let (holder, consent) = approved(&tpp, all_accounts(50), "carder").await;
    let cards = holder
        .card_accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    assert_eq!(cards.card_accounts.len(), 1);
    let card = &cards.card_accounts[0];
    let card_id = card.resource_id.clone().unwrap();
    assert!(card.masked_pan.as_deref().unwrap().contains("******"));
    let read = holder
        .card_accounts()
        .get(AccountRequest::new(&card_id, &consent))
        .await
        .unwrap();
    assert_eq!(read.masked_pan, card.masked_pan);
    let balances = holder
        .card_accounts()
        .get_balances(BalancesRequest::new(&card_id, &consent))
        .await
        .unwrap();
    assert!(balances.card_account.is_some() && balances.balances.len() == 2);
    let all: Vec<_> = holder
        .card_accounts()
        .iter_transactions(transactions(&card_id, &consent, BookingStatus::Both))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 9);
    assert!(
        all.iter()
            .all(|t| t.transaction_amount.as_ref().unwrap().amount < Decimal::ZERO)
    );

    let accounts = holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    let iban = accounts.accounts[0].iban.clone().unwrap();
    let confirm = |amount: &str| {
        ConfirmFundsRequest::new(
            AccountReference::iban(&iban),
            CurrencyAmount::new("EUR", amount.parse().unwrap()),
            &consent,
        )
    };
    assert!(
        holder
            .funds()
            .confirm(confirm("10.00"))
            .await
            .unwrap()
            .funds_available
    );
    assert!(
        !holder
            .funds()
            .confirm(confirm("999999.00"))
            .await
            .unwrap()
            .funds_available
    );
}

#[tokio::test]
async fn both_error_bodies_become_the_api_error() {
    let (sandbox, tpp, _) = setup().await;
    let (holder, consent) = approved(&tpp, all_accounts(50), "u").await;
    let accounts = holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    let id = accounts.accounts[0].resource_id.clone().unwrap();
    let mut bad = TransactionsRequest::new(&id, &consent, BookingStatus::Information);
    bad.date_from = Some("2024-01-01".into());
    let e = api(holder
        .accounts()
        .get_transactions(bad.clone())
        .await
        .unwrap_err());
    assert_eq!(
        (e.status, e.codes.clone()),
        (400, vec!["PARAMETER_NOT_SUPPORTED".to_string()])
    );
    assert!(
        e.detail
            .as_deref()
            .unwrap()
            .starts_with("PARAMETER_NOT_SUPPORTED: ")
    );

    reqwest::Client::new()
        .put(format!("{}/_sandbox/psd2/settings", sandbox.url()))
        .json(&serde_json::json!({ "error_style": "problem" }))
        .send()
        .await
        .unwrap();
    let e = api(holder.accounts().get_transactions(bad).await.unwrap_err());
    assert_eq!(
        (e.status, e.codes.clone()),
        (400, vec!["PARAMETER_NOT_SUPPORTED".to_string()])
    );
    assert!(e.error_type.unwrap().contains("parameter_not_supported"));
    // Not a date: the SDK sends it as given, and the bank says what is wrong.
    let mut malformed = TransactionsRequest::new(&id, &consent, BookingStatus::Booked);
    malformed.date_from = Some("2025-13-01".into());
    let e = api(holder
        .accounts()
        .get_transactions(malformed)
        .await
        .unwrap_err());
    assert_eq!(e.codes, vec!["FORMAT_ERROR".to_string()]);
}

#[tokio::test]
async fn a_retried_call_keeps_its_request_id() {
    let (sandbox, tpp, _) = setup().await;
    let (holder, consent) = approved(&tpp, all_accounts(10), "u").await;
    sandbox.clear_requests();
    sandbox.inject(mypos_sandbox::Fault::status("/v1/accounts", 503));
    holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap();
    let logged = sandbox.requests();
    let ids: Vec<&String> = logged
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .map(|r| &r.headers["x-request-id"])
        .collect();
    assert_eq!(ids.len(), 2, "one retry after the 503");
    assert_eq!(ids[0], ids[1], "one logical call, one X-Request-ID");
}

/// The API text's own forms: its answers (`{consentId, authorizationUrl}`,
/// `{paymentId, authorizationUrl}`) decode and their `authorizationUrl` is where the holder
/// goes; its calls send only the bearer token (no `Consent-ID`, no `PSU-IP-Address`), the
/// payment status path names the product, funds confirmation is `/v1/funds-confirmation`.
#[tokio::test]
async fn the_texts_answers_and_calls_work_as_written() {
    use mypos::host::{self, Case};
    use mypos::psd2::consents::ConsentCreated;
    use mypos::psd2::payments::PaymentInitiated;
    use serde_json::Value;

    let consent = host::psd2()
        .decode_answer(
            "consents.create",
            201,
            br#"{"consentId": "1234-5678-90ab-cdef", "authorizationUrl": "https://mypos.com/oauth/authorize?client_id=tpp_sandbox"}"#,
            Case::Camel,
        )
        .unwrap()
        .unwrap();
    let consent: Value = serde_json::from_str(&consent).unwrap();
    assert_eq!(consent["consentId"], "1234-5678-90ab-cdef");
    assert_eq!(
        consent["authorizationUrl"],
        "https://mypos.com/oauth/authorize?client_id=tpp_sandbox"
    );
    let payment = host::psd2()
        .decode_answer(
            "payments.initiate",
            201,
            br#"{"paymentId": "payment-xyz-789", "authorizationUrl": "https://mypos.com/oauth/authorize?a=1"}"#,
            Case::Snake,
        )
        .unwrap()
        .unwrap();
    assert!(
        payment.contains(r#""payment_id":"payment-xyz-789""#),
        "{payment}"
    );

    let (sandbox, tpp, _) = setup().await;
    // The top-level authorizationUrl wins, and parameters it already has are not repeated.
    let text_consent: ConsentCreated = serde_json::from_str(
        r#"{"consentId": "c", "authorizationUrl": "https://mypos.com/oauth/authorize?client_id=tpp_sandbox", "_links": {"scaOAuth": {"href": "https://elsewhere.example/"}}}"#,
    )
    .unwrap();
    let url = tpp
        .authorization_url(&text_consent, Some("s1"), None)
        .unwrap();
    assert!(
        url.starts_with("https://mypos.com/oauth/authorize?client_id=tpp_sandbox&"),
        "{url}"
    );
    assert_eq!(url.matches("client_id=").count(), 1, "{url}");
    assert!(
        url.contains("state=s1") && url.contains("response_type=code"),
        "{url}"
    );
    let text_payment: PaymentInitiated =
        serde_json::from_str(r#"{"paymentId": "p", "authorizationUrl": "https://mypos.com/a"}"#)
            .unwrap();
    assert_eq!(text_payment.transaction_status, None);

    // A consent as the text creates it: its body only, no PSU-IP-Address, no validUntil.
    let mut request = all_accounts(4);
    request.psu_ip_address = None;
    request.valid_until = None;
    let created = tpp.consents().create(request).await.unwrap();
    let approve_at = created.authorization_url.clone().expect("the text's field");
    assert_eq!(
        tpp.authorization_url(&created, None, None).unwrap(),
        tpp.authorization_url_for(&approve_at, None, None).unwrap()
    );
    // The link's text goes to the same method, as in Python and Node.
    assert_eq!(
        tpp.authorization_url(approve_at.as_str(), None, None)
            .unwrap(),
        tpp.authorization_url(&created, None, None).unwrap()
    );
    let back = decide(
        &tpp.authorization_url(&created, None, None).unwrap(),
        "approve",
    )
    .await;
    let holder = tpp
        .exchange_code("texts", &query(&back, "code").unwrap(), None)
        .await
        .unwrap();

    // Reads with the holder's token alone: the token names its consent.
    let mut list = ListAccountsRequest::new("unused");
    list.consent_id = None;
    list.with_balance = Some(true);
    let accounts = holder.accounts().list(list).await.unwrap();
    let eur = accounts
        .accounts
        .iter()
        .find(|a| a.currency.as_deref() == Some("EUR"))
        .unwrap();
    let mut history = TransactionsRequest::new(
        eur.resource_id.clone().unwrap(),
        "unused",
        BookingStatus::Both,
    );
    history.consent_id = None;
    history.booking_status = None;
    let page = holder.accounts().get_transactions(history).await.unwrap();
    assert!(!page.items.is_empty());
    let logged = sandbox.requests();
    let read = logged
        .iter()
        .rfind(|r| r.path.ends_with("/transactions"))
        .unwrap();
    assert!(!read.headers.contains_key("consent-id"), "{read:?}");
    assert!(
        !read
            .query
            .clone()
            .unwrap_or_default()
            .contains("bookingStatus"),
        "{read:?}"
    );

    // A payment as the text initiates it, and its status at the text's path.
    let mut payment = InitiatePaymentRequest::new(
        PaymentProduct::SepaCreditTransfers,
        CurrencyAmount::new("EUR", "1.00".parse().unwrap()),
        AccountReference::iban("DE89370400440532013000"),
        "Recipient Name",
        IP,
    );
    payment.psu_ip_address = None;
    let initiated = holder.payments().initiate(payment).await.unwrap();
    assert!(initiated.authorization_url.is_some());
    let status = holder
        .payments()
        .get_status(PaymentRequest::new(
            PaymentProduct::SepaCreditTransfers,
            &initiated.payment_id,
        ))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Received);
    let path = format!(
        "/v1/payments/sepa-credit-transfers/{}/status",
        initiated.payment_id
    );
    assert_eq!(sandbox.count("GET", &path), 1);
    // The product is part of the address: another product's path does not find it.
    let e = api(holder
        .payments()
        .get(PaymentRequest::new(
            PaymentProduct::CrossBorderCreditTransfers,
            &initiated.payment_id,
        ))
        .await
        .unwrap_err());
    assert_eq!(e.status, 404);

    // Funds confirmation at the text's path, under the token's consent.
    let mut funds = ConfirmFundsRequest::new(
        AccountReference::iban(eur.iban.clone().unwrap()),
        CurrencyAmount::new("EUR", "1.00".parse().unwrap()),
        "unused",
    );
    funds.consent_id = None;
    assert!(holder.funds().confirm(funds).await.unwrap().funds_available);
    assert_eq!(sandbox.count("POST", "/v1/funds-confirmation"), 1);
}

#[tokio::test]
async fn a_refresh_outlives_the_call_that_started_it() {
    let (sandbox, tpp, rotations) = setup().await;
    let (holder, consent) = approved(&tpp, all_accounts(100), "user-9").await;
    let token_requests = sandbox.count("POST", "/oauth/token");
    reqwest::Client::new()
        .post(format!("{}/_sandbox/psd2/tokens/expire", sandbox.url()))
        .send()
        .await
        .unwrap();
    // The token endpoint rotates the refresh token but answers after the caller gave up.
    sandbox.inject(mypos_sandbox::Fault::delay(
        "/oauth/token",
        Duration::from_millis(600),
    ));
    let hurried = holder
        .with_options(Some(Duration::from_millis(200)), None)
        .unwrap();
    let error = hurried
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "APITimeoutError", "{error}");
    // The refresh finishes on its own: the rotated pair is stored and reaches the listener.
    for _ in 0..100 {
        if rotations.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = rotations.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        2,
        "the exchange and the refresh reach the listener"
    );
    assert_eq!(
        holder.tokens().unwrap().access_token.expose_secret(),
        seen[1].1.access_token.expose_secret()
    );
    holder
        .accounts()
        .list(ListAccountsRequest::new(&consent))
        .await
        .expect("the stored pair works: the holder need not approve again");
    assert_eq!(sandbox.count("POST", "/oauth/token"), token_requests + 1);
}
