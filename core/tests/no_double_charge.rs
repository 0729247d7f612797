//! A card payment is never created twice, whatever happens to its request: after every fault
//! on `POST /epos/v1/payments` the terminal holds at most one payment per reference, and the
//! caller gets either that payment or an error carrying the reference.

mod common;

use std::time::Duration;

use mypos::gateway::epos::payments::{
    CreatePaymentRequest, ListPaymentsRequest, Payment, PaymentAmount,
};
use mypos::gateway::epos::terminals::ListTerminalsRequest;
use mypos::{Error, MerchantClient};
use mypos_sandbox::{Fault, Sandbox};

const PAYMENTS: &str = "/epos/v1/payments";

struct Till {
    sandbox: Sandbox,
    client: MerchantClient,
    terminal: String,
}

impl Till {
    async fn open() -> Self {
        let sandbox = common::sandbox().await;
        let client = common::client(&sandbox);
        let terminals = client
            .epos()
            .terminals()
            .list(ListTerminalsRequest::default())
            .await
            .unwrap();
        let terminal = terminals.items[0].terminal_id.clone();
        Till {
            sandbox,
            client,
            terminal,
        }
    }

    fn sale(&self, reference: Option<&str>) -> CreatePaymentRequest {
        let mut request =
            CreatePaymentRequest::new(&self.terminal, PaymentAmount::new(2500, "EUR"));
        request.reference_number = reference.map(str::to_owned);
        request
    }

    async fn sell(&self, reference: Option<&str>) -> mypos::Result<Payment> {
        self.client
            .epos()
            .payments()
            .create(self.sale(reference))
            .await
    }

    /// Payments on the terminal with this reference, counted by listing everything.
    async fn payments_with(&self, reference: &str) -> usize {
        let request = ListPaymentsRequest {
            terminal_id: self.terminal.clone(),
            size: Some(100),
            ..Default::default()
        };
        let page = self.client.epos().payments().list(request).await.unwrap();
        page.items
            .iter()
            .filter(|p| p.reference_number.as_deref() == Some(reference))
            .count()
    }

    fn creates_sent(&self) -> usize {
        self.sandbox.count("POST", PAYMENTS)
    }
}

fn unconfirmed_reference(error: Error) -> String {
    match error {
        Error::PaymentUnconfirmed {
            reference_number, ..
        } => reference_number,
        other => panic!("expected PaymentUnconfirmed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_payment_created_but_whose_answer_was_lost_is_returned() {
    let till = Till::open().await;
    till.sandbox.inject(
        Fault::drop_before_headers(PAYMENTS)
            .method("POST")
            .after_handler(),
    );
    let payment = till.sell(Some("order-1")).await.unwrap();
    assert_eq!(payment.reference_number.as_deref(), Some("order-1"));
    assert_eq!(till.creates_sent(), 1, "never sent again");
    assert_eq!(till.payments_with("order-1").await, 1);
}

#[tokio::test]
async fn a_reference_is_generated_when_the_caller_gives_none() {
    let till = Till::open().await;
    till.sandbox
        .inject(Fault::drop_after_headers(PAYMENTS).method("POST"));
    let payment = till.sell(None).await.unwrap();
    let reference = payment.reference_number.expect("a generated reference");
    assert!(
        reference.starts_with("mypos-") && reference.len() <= 50,
        "{reference}"
    );
    assert_eq!(till.creates_sent(), 1);
    assert_eq!(till.payments_with(&reference).await, 1);
}

#[tokio::test]
async fn a_slow_answer_past_the_timeout_is_unconfirmed_by_the_timeout() {
    let till = Till::open().await;
    // The payment is created, its answer comes after the caller's timeout, and a lookup
    // would be slow too: nothing more is sent once the caller's time is up.
    till.sandbox
        .inject(Fault::delay(PAYMENTS, Duration::from_secs(3)).method("POST"));
    till.sandbox
        .inject(Fault::delay(PAYMENTS, Duration::from_secs(3)).method("GET"));
    let hurried = till
        .client
        .with_options(Some(Duration::from_millis(500)), None)
        .unwrap();
    let began = std::time::Instant::now();
    let error = hurried
        .epos()
        .payments()
        .create(till.sale(Some("order-2")))
        .await
        .unwrap_err();
    let took = began.elapsed();
    assert_eq!(unconfirmed_reference(error), "order-2");
    assert!(took < Duration::from_millis(900), "took {took:?}");
    assert_eq!(
        till.sandbox.count("GET", PAYMENTS),
        0,
        "no lookup past the timeout"
    );
    assert_eq!(till.creates_sent(), 1);
    till.sandbox.clear_faults();
    assert_eq!(till.payments_with("order-2").await, 1);
}

#[tokio::test]
async fn a_lost_answer_is_looked_for_again_while_the_timeout_lasts() {
    let till = Till::open().await;
    let once = till.client.with_options(None, Some(0)).unwrap();
    till.sandbox.inject(
        Fault::drop_before_headers(PAYMENTS)
            .method("POST")
            .after_handler(),
    );
    // The first lookup fails; the next one finds it.
    till.sandbox
        .inject(Fault::status(PAYMENTS, 503).method("GET"));
    let payment = once
        .epos()
        .payments()
        .create(till.sale(Some("order-12")))
        .await
        .unwrap();
    assert_eq!(payment.reference_number.as_deref(), Some("order-12"));
    assert_eq!(till.sandbox.count("GET", PAYMENTS), 2);
    assert_eq!(till.creates_sent(), 1);
}

#[tokio::test]
async fn a_reused_reference_never_confirms_another_payment() {
    let till = Till::open().await;
    // An earlier payment of another amount holds the reference.
    let earlier = till
        .client
        .epos()
        .payments()
        .create(CreatePaymentRequest {
            reference_number: Some("order-11".into()),
            ..CreatePaymentRequest::new(&till.terminal, PaymentAmount::new(1000, "EUR"))
        })
        .await
        .unwrap();
    till.sandbox.approve_payment(&earlier.payment_id).unwrap();
    till.sandbox
        .inject(Fault::drop_before_headers(PAYMENTS).method("POST"));
    let hurried = till
        .client
        .with_options(Some(Duration::from_secs(1)), None)
        .unwrap();
    let error = hurried
        .epos()
        .payments()
        .create(till.sale(Some("order-11")))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not with this amount"),
        "{error}"
    );
    assert_eq!(unconfirmed_reference(error), "order-11");
}

#[tokio::test]
async fn an_empty_reference_is_refused_before_sending() {
    let till = Till::open().await;
    for reference in ["", "   "] {
        let error = till.sell(Some(reference)).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == "reference_number"),
            "{error:?}"
        );
    }
    assert_eq!(till.creates_sent(), 0);
}

#[tokio::test]
async fn a_request_that_never_reached_the_terminal_is_reported_with_its_reference() {
    let till = Till::open().await;
    till.sandbox
        .inject(Fault::drop_before_headers(PAYMENTS).method("POST"));
    let error = till.sell(Some("order-3")).await.unwrap_err();
    assert_eq!(error.class_name(), "PaymentUnconfirmedError");
    assert!(error.to_string().contains("order-3"), "{error}");
    assert_eq!(unconfirmed_reference(error), "order-3");
    assert_eq!(till.creates_sent(), 1);
    assert_eq!(till.payments_with("order-3").await, 0);
}

#[tokio::test]
async fn server_errors_and_unreadable_answers_are_never_retried_blindly() {
    let till = Till::open().await;
    let hurried = till
        .client
        .with_options(Some(Duration::from_secs(1)), None)
        .unwrap();
    for (fault, reference) in [
        (Fault::status(PAYMENTS, 503).method("POST"), "order-4"),
        (Fault::status(PAYMENTS, 500).method("POST"), "order-5"),
        (Fault::malformed_json(PAYMENTS).method("POST"), "order-6"),
        (Fault::truncated_body(PAYMENTS).method("POST"), "order-7"),
        (Fault::html(PAYMENTS, 502).method("POST"), "order-8"),
    ] {
        let before = till.creates_sent();
        till.sandbox.inject(fault);
        let error = hurried
            .epos()
            .payments()
            .create(till.sale(Some(reference)))
            .await
            .unwrap_err();
        assert_eq!(unconfirmed_reference(error), reference);
        assert_eq!(till.creates_sent(), before + 1, "{reference}: sent once");
        assert_eq!(till.payments_with(reference).await, 0);
    }
}

#[tokio::test]
async fn a_session_expiring_mid_flight_is_replayed_because_the_401_did_nothing() {
    let till = Till::open().await;
    till.sandbox
        .inject(Fault::expire_session(PAYMENTS).method("POST"));
    till.sell(Some("order-9")).await.unwrap();
    let statuses: Vec<u16> = till
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == PAYMENTS)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [401, 201]);
    assert_eq!(till.payments_with("order-9").await, 1);
}

#[tokio::test]
async fn a_refused_payment_is_an_ordinary_error() {
    let till = Till::open().await;
    till.sandbox
        .inject(Fault::status(PAYMENTS, 400).method("POST"));
    let error = till.sell(Some("order-10")).await.unwrap_err();
    assert_eq!(
        error.class_name(),
        "BadRequestError",
        "the API said no: nothing to reconcile"
    );
    assert_eq!(till.creates_sent(), 1);
}
