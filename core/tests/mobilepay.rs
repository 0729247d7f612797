//! MobilePay point of sale against the sandbox over loopback HTTP: every operation, each
//! rule and its error, both flows with the customer simulated, cancellation and recovery.

use std::time::Duration;

use mypos::host::{self, Case};
use mypos::mobilepay::flows::{PayPreparedRequest, PayRequest, PrepareAndPayRequest};
use mypos::mobilepay::manage::{NoArguments, PosRequest, ResetTokenRequest, StoreRequest};
use mypos::mobilepay::payments::{
    CapturePaymentRequest, ListPaymentsRequest, PaymentRequest, PreparePaymentRequest,
    ReadyPaymentRequest, RecoverIdByPosIdRequest, RecoverIdByStateRequest,
    RecoverIdByTerminalRequest, StartByPosIdRequest, StartPaymentRequest, TerminalRequest,
};
use mypos::mobilepay::refunds::{CreateRefundRequest, ListRefundsRequest, RefundRequest};
use mypos::mobilepay::{
    Currency, MobilePayConfig, MobilePayPos, PaymentStatus, RefundStatus, Rule,
};
use mypos::{Amount, Error};
use mypos_sandbox::Sandbox;
use mypos_sandbox::mobilepay::{ACCESS_TOKEN, BIO_CODE, CustomerAction, NEW_BIO_CODE};
use serde_json::{Value, json};

const TERMINAL: &str = "1001";
const POS_1001: &str = "0b8f3e52-7c41-4d2a-8e61-000000001001";
const POS_2001: &str = "0b8f3e52-7c41-4d2a-8e61-000000002001";

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("the sandbox starts")
}

fn pos(sandbox: &Sandbox) -> MobilePayPos {
    MobilePayPos::new(MobilePayConfig::new(sandbox.url(), BIO_CODE, ACCESS_TOKEN))
        .expect("the seeded credentials are valid")
}

fn amount(text: &str) -> Amount {
    text.parse().unwrap()
}

fn rule_of(error: &Error) -> Option<Rule> {
    Rule::of(error)
}

/// The payments the sandbox holds for a terminal, as `payment/details` serves them.
fn statuses(sandbox: &Sandbox, terminal: &str) -> Vec<String> {
    sandbox
        .mobilepay_payments(Some(terminal))
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_string())
        .collect()
}

/// Waits (briefly) until the terminal has a payment in `status`; answers its id.
async fn payment_in(sandbox: &Sandbox, terminal: &str, status: &str) -> String {
    for _ in 0..200 {
        if let Some(payment) = sandbox
            .mobilepay_payments(Some(terminal))
            .into_iter()
            .rev()
            .find(|p| p["status"] == status)
        {
            return payment["paymentId"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "no payment became {status} on {terminal}: {:?}",
        statuses(sandbox, terminal)
    )
}

/// Starts a payment on `terminal` and brings it to `Reserved` as the customer would.
async fn reserved(
    sandbox: &Sandbox,
    pos: &MobilePayPos,
    terminal: &str,
    order: &str,
    value: &str,
    partial: bool,
) -> String {
    let started = pos
        .payments()
        .start(StartPaymentRequest::new(terminal, order, amount(value)))
        .await
        .unwrap();
    sandbox.mobilepay_check_in(terminal).unwrap();
    sandbox
        .state()
        .mobilepay_act(
            &started.payment_id,
            CustomerAction::Accept {
                partial_capture_possible: partial,
            },
        )
        .unwrap();
    started.payment_id
}

#[tokio::test]
async fn the_payment_operations_follow_the_direct_flow() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let payments = pos.payments();

    let qr = payments
        .qr_code(TerminalRequest::new(TERMINAL))
        .await
        .unwrap();
    assert!(qr.qrcode_imagelink.ends_with("100000000001001.png"));

    let started = payments
        .start(StartPaymentRequest::new(
            TERMINAL,
            "order-1",
            amount("27.06"),
        ))
        .await
        .unwrap();
    let id = started.payment_id;
    let state = payments.status(PaymentRequest::new(&id)).await.unwrap();
    assert_eq!(state.status, PaymentStatus::Initiated);
    assert_eq!(
        state.poll_delay_in_ms,
        Some(mypos_sandbox::mobilepay::POLL_DELAY_MS)
    );

    let active = payments
        .list(ListPaymentsRequest::active(TERMINAL))
        .await
        .unwrap();
    assert_eq!(active.payments_ids, std::slice::from_ref(&id));

    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    let state = payments.status(PaymentRequest::new(&id)).await.unwrap();
    assert_eq!(state.status, PaymentStatus::IssuedToUser);
    sandbox.mobilepay_accept(&id).unwrap();

    let details = payments.details(PaymentRequest::new(&id)).await.unwrap();
    assert_eq!(details.status, PaymentStatus::Reserved);
    assert_eq!(details.amount, Some(amount("27.06")));
    assert_eq!(details.currency_code, Some(Currency::Dkk));
    assert_eq!(details.pos_id.as_deref(), Some(POS_1001));
    assert_eq!(details.partial_capture_possible, Some(true));

    payments
        .capture(CapturePaymentRequest::new(&id, amount("27.06")))
        .await
        .unwrap();
    let details = payments.details(PaymentRequest::new(&id)).await.unwrap();
    assert_eq!(details.status, PaymentStatus::Captured);

    let mut captured = ListPaymentsRequest::active(TERMINAL);
    captured.state = Some(PaymentStatus::Captured);
    assert_eq!(
        payments.list(captured).await.unwrap().payments_ids,
        std::slice::from_ref(&id)
    );
    assert!(
        payments
            .list(ListPaymentsRequest::active(TERMINAL))
            .await
            .unwrap()
            .payments_ids
            .is_empty()
    );

    // The three ways back to a lost payment id.
    let by_state = payments
        .recover_id_by_state(RecoverIdByStateRequest {
            order_id: "order-1".into(),
            state: PaymentStatus::Captured,
        })
        .await
        .unwrap();
    let by_terminal = payments
        .recover_id_by_terminal(RecoverIdByTerminalRequest {
            order_id: "order-1".into(),
            terminal_id: TERMINAL.into(),
            payment_state: None,
        })
        .await
        .unwrap();
    let by_pos = payments
        .recover_id_by_pos_id(RecoverIdByPosIdRequest {
            order_id: "order-1".into(),
            pos_id: POS_1001.into(),
            payment_state: Some(PaymentStatus::Captured),
        })
        .await
        .unwrap();
    for found in [by_state, by_terminal, by_pos] {
        assert_eq!(found.payment_id, id);
    }
}

#[tokio::test]
async fn start_by_pos_id_prepare_ready_and_cancel() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let payments = pos.payments();

    let started = payments
        .start_by_pos_id(StartByPosIdRequest {
            order_id: "order-2".into(),
            amount: amount("10"),
            pos_id: POS_2001.into(),
            currency_code: Some(Currency::Eur),
        })
        .await
        .unwrap();
    let details = payments
        .details(PaymentRequest::new(&started.payment_id))
        .await
        .unwrap();
    assert_eq!(details.terminal_id.as_deref(), Some("2001"));
    assert_eq!(details.currency_code, Some(Currency::Eur));
    payments
        .cancel(PaymentRequest::new(&started.payment_id))
        .await
        .unwrap();
    assert_eq!(statuses(&sandbox, "2001"), ["CancelledByClient"]);

    // Prepared flow by hand: prepared, the customer checks in (Paired), ready, accepted.
    let prepared = payments
        .prepare(PreparePaymentRequest::new(TERMINAL, "order-3"))
        .await
        .unwrap();
    let id = prepared.payment_id;
    let status = |id: String| {
        let payments = pos.payments();
        async move {
            payments
                .status(PaymentRequest::new(id))
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(status(id.clone()).await, PaymentStatus::Prepared);
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    assert_eq!(status(id.clone()).await, PaymentStatus::Paired);
    payments
        .ready(ReadyPaymentRequest {
            payment_id: id.clone(),
            order_id: "order-3".into(),
            amount: amount("99.50"),
            terminal_id: TERMINAL.into(),
            currency_code: None,
        })
        .await
        .unwrap();
    assert_eq!(status(id.clone()).await, PaymentStatus::IssuedToUser);
    let details = payments.details(PaymentRequest::new(&id)).await.unwrap();
    assert_eq!(details.amount, Some(amount("99.5")));
}

#[tokio::test]
async fn refunds_are_created_reserved_captured_and_cancelled() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let id = reserved(&sandbox, &pos, TERMINAL, "order-4", "100", true).await;
    pos.payments()
        .capture(CapturePaymentRequest::new(&id, amount("100")))
        .await
        .unwrap();
    let refunds = pos.refunds();

    let first = refunds
        .create(CreateRefundRequest::new(&id, "refund-1", amount("30")))
        .await
        .unwrap()
        .refund_id;
    // Captured straight away: not reserved yet.
    let error = refunds
        .capture(RefundRequest::new(&first))
        .await
        .unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::RefundCaptureRequiresReserved),
        "{error}"
    );
    // Polled: Initiated, then Reserved.
    let details = refunds.details(RefundRequest::new(&first)).await.unwrap();
    assert_eq!(details.status, RefundStatus::Initiated);
    assert_eq!(details.amount, Some(amount("30")));
    let details = refunds.details(RefundRequest::new(&first)).await.unwrap();
    assert_eq!(details.status, RefundStatus::Reserved);
    refunds.capture(RefundRequest::new(&first)).await.unwrap();
    assert_eq!(
        refunds
            .details(RefundRequest::new(&first))
            .await
            .unwrap()
            .status,
        RefundStatus::Captured
    );
    let error = refunds
        .cancel(RefundRequest::new(&first))
        .await
        .unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::RefundCancelNotAllowed),
        "{error}"
    );

    let second = refunds
        .create(CreateRefundRequest::new(&id, "refund-2", amount("70")))
        .await
        .unwrap()
        .refund_id;
    // Nothing is left to refund while the second one holds the rest.
    let error = refunds
        .create(CreateRefundRequest::new(&id, "refund-3", amount("0.01")))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::RefundAboveCaptured), "{error}");
    refunds.cancel(RefundRequest::new(&second)).await.unwrap();
    assert_eq!(
        refunds
            .details(RefundRequest::new(&second))
            .await
            .unwrap()
            .status,
        RefundStatus::CancelledByClient
    );

    let listed = refunds
        .list(ListRefundsRequest {
            payment_id: id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(listed.refunds_ids, [first, second]);

    // Above what was captured, once the cancelled one freed its share.
    let error = refunds
        .create(CreateRefundRequest::new(&id, "refund-4", amount("70.01")))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::RefundAboveCaptured), "{error}");
    let mut wrong_currency = CreateRefundRequest::new(&id, "refund-5", amount("1"));
    wrong_currency.currency_code = Some(Currency::Eur);
    let error = refunds.create(wrong_currency).await.unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::RefundCurrencyMismatch),
        "{error}"
    );
}

#[tokio::test]
async fn management_operations() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let manage = pos.manage();

    // A merchant without a token can only create one, and only while it has none.
    let fresh =
        MobilePayPos::new(MobilePayConfig::without_token(sandbox.url(), NEW_BIO_CODE)).unwrap();
    let error = fresh
        .payments()
        .status(PaymentRequest::new("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config { field, .. } if field == "access_token"),
        "{error}"
    );
    let created = fresh
        .manage()
        .create_token(NoArguments::default())
        .await
        .unwrap();
    let again = fresh
        .manage()
        .create_token(NoArguments::default())
        .await
        .unwrap_err();
    assert!(
        again.to_string().contains("already has an accessToken"),
        "{again}"
    );
    let fresh = fresh.with_access_token(created.message.expose()).unwrap();
    let none = fresh
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap();
    assert!(none.store_ids.is_empty());

    // Resetting replaces the client's token (sent as `previousAccessToken`, in a GET).
    sandbox.clear_requests();
    let reset = fresh
        .manage()
        .reset_token(ResetTokenRequest::default())
        .await
        .unwrap();
    assert_ne!(reset.message.expose(), created.message.expose());
    let logged = sandbox.requests();
    assert_eq!(logged[0].method, "GET");
    assert_eq!(logged[0].path, "/api/pos/manage/token/reset");
    let query = logged[0].query.clone().unwrap_or_default();
    assert!(query.contains("previousAccessToken=<redacted>"), "{query}");
    assert!(!query.contains("accessToken="), "{query}");
    let error = fresh
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("accessToken"), "{error}");
    let renewed = fresh.with_access_token(reset.message.expose()).unwrap();
    renewed
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap();
    // A token given explicitly is the one replaced, whatever the client holds.
    let explicit = MobilePayPos::new(MobilePayConfig::without_token(sandbox.url(), NEW_BIO_CODE))
        .unwrap()
        .manage()
        .reset_token(ResetTokenRequest {
            previous_access_token: Some(reset.message.expose().to_string()),
        })
        .await
        .unwrap();
    assert_ne!(explicit.message.expose(), reset.message.expose());

    // A point of sale for the terminal that has none, its information, and its deletion.
    let created = manage
        .create_pos(TerminalRequest::new("2002"))
        .await
        .unwrap();
    let pos_id = created.message.unwrap();
    let info = manage
        .terminal_information(TerminalRequest::new("2002"))
        .await
        .unwrap();
    assert_eq!(info.pos_id.as_deref(), Some(pos_id.as_str()));
    assert_eq!(info.supported_beacon_types, ["QR", "NFC"]);
    assert_eq!(info.require_payment_before_checkin, Some(false));
    let again = manage
        .create_pos(TerminalRequest::new("2002"))
        .await
        .unwrap_err();
    assert!(
        again.to_string().contains("already has a point of sale"),
        "{again}"
    );
    sandbox.clear_requests();
    manage
        .delete_pos(TerminalRequest::new("2002"))
        .await
        .unwrap();
    assert_eq!(sandbox.count("DELETE", "/api/pos/manage/delete"), 1);
    let error = pos
        .payments()
        .start(StartPaymentRequest::new("2002", "o", amount("1")))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("(1000)"), "{error}");

    let stores = manage.store_ids(NoArguments::default()).await.unwrap();
    assert_eq!(stores.store_ids.len(), 2);
    let store = manage
        .store(StoreRequest {
            store_id: stores.store_ids[0].clone(),
        })
        .await
        .unwrap();
    assert_eq!(store.store_city.as_deref(), Some("København K"));

    let by_pos = || {
        manage.check_in_by_pos_id(PosRequest {
            pos_id: POS_1001.into(),
        })
    };
    assert!(!by_pos().await.unwrap().is_user_checked_in);
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    assert!(by_pos().await.unwrap().is_user_checked_in);
    let by_terminal = manage
        .check_in_by_terminal(TerminalRequest::new(TERMINAL))
        .await
        .unwrap();
    assert!(by_terminal.is_user_checked_in);
    assert_eq!(
        by_terminal.poll_delay_in_ms,
        Some(mypos_sandbox::mobilepay::POLL_DELAY_MS)
    );
}

#[tokio::test]
async fn each_rule_breach_names_its_rule() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let payments = pos.payments();
    let start = |terminal: &str, order: &str, value: &str| {
        payments.start(StartPaymentRequest::new(terminal, order, amount(value)))
    };

    // One active payment per point of sale.
    let first = start(TERMINAL, "o-1", "50").await.unwrap().payment_id;
    let error = start(TERMINAL, "o-2", "50").await.unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::OneActivePayment), "{error}");
    assert_eq!(error.class_name(), "APIError");
    assert!(
        error.to_string().contains("Only one payment may be active"),
        "{error}"
    );
    let error = payments
        .prepare(PreparePaymentRequest::new(TERMINAL, "o-3"))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::OneActivePayment));

    // Capture only when reserved.
    let error = payments
        .capture(CapturePaymentRequest::new(&first, amount("50")))
        .await
        .unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::CaptureRequiresReserved),
        "{error}"
    );
    // Ready only when prepared.
    let error = payments
        .ready(ReadyPaymentRequest {
            payment_id: first.clone(),
            order_id: "o-1".into(),
            amount: amount("50"),
            terminal_id: TERMINAL.into(),
            currency_code: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::ReadyRequiresPrepared),
        "{error}"
    );

    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    sandbox
        .state()
        .mobilepay_act(
            &first,
            CustomerAction::Accept {
                partial_capture_possible: false,
            },
        )
        .unwrap();
    // A reserved payment is still active (the text: "neither captured, rejected, cancelled,
    // or reversed"): no other may start until it is captured or cancelled.
    let error = start(TERMINAL, "o-4", "1").await.unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::OneActivePayment), "{error}");

    let capture = |value: &str| payments.capture(CapturePaymentRequest::new(&first, amount(value)));
    let error = capture("50.01").await.unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::CaptureAboveReserved), "{error}");
    let error = capture("20").await.unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::PartialCaptureNotAllowed),
        "{error}"
    );
    capture("50").await.unwrap();
    capture("50")
        .await
        .expect("repeating a capture with the same amount is harmless");
    let error = capture("40").await.unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::CaptureAmountDiffers), "{error}");

    // No cancel after capture.
    let error = payments
        .cancel(PaymentRequest::new(&first))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::CancelNotAllowed), "{error}");

    // Refunds only of captured payments (the terminal is free again once `first` is captured).
    let second = start(TERMINAL, "o-4", "1").await.unwrap().payment_id;
    payments.cancel(PaymentRequest::new(&second)).await.unwrap();
    let error = pos
        .refunds()
        .create(CreateRefundRequest::new(&second, "r-1", amount("1")))
        .await
        .unwrap_err();
    assert_eq!(
        rule_of(&error),
        Some(Rule::RefundRequiresCaptured),
        "{error}"
    );

    // Partial capture where the payment allows it.
    let partial = reserved(&sandbox, &pos, TERMINAL, "o-5", "80", true).await;
    payments
        .capture(CapturePaymentRequest::new(&partial, amount("30")))
        .await
        .unwrap();
    let details = payments
        .details(PaymentRequest::new(&partial))
        .await
        .unwrap();
    assert_eq!(details.status, PaymentStatus::Captured);
    assert_eq!(details.extra["capturedAmount"], json!(30));
}

#[tokio::test]
async fn success_false_is_the_api_error_with_the_servers_errors() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let error = pos
        .payments()
        .details(PaymentRequest::new("no-such-payment"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        api.errors["request"],
        ["Payment no-such-payment was not found."]
    );
    assert_eq!(api.error_type, None);
    assert_eq!(rule_of(&error), None);

    let wrong =
        MobilePayPos::new(MobilePayConfig::new(sandbox.url(), BIO_CODE, "wrong-token")).unwrap();
    let error = wrong
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("accessToken is missing or not valid"),
        "{error}"
    );
    assert!(!error.to_string().contains("wrong-token"));
}

#[tokio::test]
async fn the_direct_flow_end_to_end() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let began = std::time::Instant::now();
    let flow = tokio::spawn({
        let pos = pos.clone();
        async move {
            pos.flows()
                .pay(PayRequest::on_terminal(TERMINAL, "flow-1", amount("42.50")))
                .await
        }
    });
    let id = payment_in(&sandbox, TERMINAL, "Initiated").await;
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    // The flow keeps polling while the payment is with the customer.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(!flow.is_finished());
    sandbox.mobilepay_accept(&id).unwrap();
    let payment = flow.await.unwrap().unwrap();
    assert_eq!(payment.payment_id, id);
    assert_eq!(payment.status, PaymentStatus::Captured);
    assert_eq!(payment.extra["capturedAmount"], json!(42.5));
    // It polled, and no faster than asked: at most one status call per poll delay.
    let polls = sandbox.count("GET", "/api/pos/payment/status") as u128;
    let allowed = began.elapsed().as_millis() / mypos_sandbox::mobilepay::POLL_DELAY_MS as u128 + 1;
    assert!(
        (2..=allowed).contains(&polls),
        "{polls} polls, at most {allowed}"
    );
}

#[tokio::test]
async fn the_direct_flow_by_pos_id_and_a_rejection() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    sandbox.mobilepay_check_in("2001").unwrap();
    let flow = tokio::spawn({
        let pos = pos.clone();
        async move {
            pos.flows()
                .pay(PayRequest::on_pos(POS_2001, "flow-2", amount("5")))
                .await
        }
    });
    // Checked in beforehand: the payment goes straight to the customer, who rejects it.
    let id = payment_in(&sandbox, "2001", "IssuedToUser").await;
    sandbox.mobilepay_reject(&id).unwrap();
    let error = flow.await.unwrap().unwrap_err();
    assert_eq!(error.class_name(), "PaymentNotCompletedError");
    assert!(
        matches!(&error, Error::PaymentNotCompleted { payment_id, payment_status }
            if *payment_id == id && payment_status == "CancelledByUser"),
        "{error:?}"
    );
    assert_eq!(statuses(&sandbox, "2001"), ["CancelledByUser"]);
}

#[tokio::test]
async fn the_prepared_flow_end_to_end() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let (tell_amount, amount_known) = tokio::sync::oneshot::channel::<Amount>();
    let flow = tokio::spawn({
        let pos = pos.clone();
        async move {
            pos.flows()
                .prepare_and_pay(
                    PrepareAndPayRequest {
                        terminal_id: TERMINAL.into(),
                        order_id: "flow-3".into(),
                        currency_code: None,
                    },
                    async move { Ok(amount_known.await.expect("the amount is told")) },
                )
                .await
        }
    });
    let id = payment_in(&sandbox, TERMINAL, "Prepared").await;
    // The customer checks in while the cashier is still ringing up the order.
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    assert_eq!(statuses(&sandbox, TERMINAL), ["Paired"]);
    tell_amount.send(amount("12.34")).unwrap();
    payment_in(&sandbox, TERMINAL, "IssuedToUser").await;
    sandbox.mobilepay_accept(&id).unwrap();
    let payment = flow.await.unwrap().unwrap();
    assert_eq!(
        (payment.payment_id.as_str(), payment.status),
        (id.as_str(), PaymentStatus::Captured)
    );
    assert_eq!(payment.amount, Some(amount("12.34")));

    // The hosts' form: prepare, then pay_prepared once the amount is known.
    let prepared = pos
        .payments()
        .prepare(PreparePaymentRequest::new(TERMINAL, "flow-4"))
        .await
        .unwrap();
    let flow = tokio::spawn({
        let pos = pos.clone();
        let payment_id = prepared.payment_id.clone();
        async move {
            pos.flows()
                .pay_prepared(PayPreparedRequest {
                    payment_id,
                    order_id: "flow-4".into(),
                    terminal_id: TERMINAL.into(),
                    amount: amount("3"),
                    currency_code: None,
                })
                .await
        }
    });
    payment_in(&sandbox, TERMINAL, "Initiated").await;
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    sandbox.mobilepay_accept(&prepared.payment_id).unwrap();
    assert_eq!(flow.await.unwrap().unwrap().status, PaymentStatus::Captured);
}

#[tokio::test]
async fn a_flow_cancelled_midway_leaves_no_active_payment() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    // The caller's deadline passes while the customer has not accepted.
    let outcome = tokio::time::timeout(
        Duration::from_millis(300),
        pos.flows()
            .pay(PayRequest::on_terminal(TERMINAL, "flow-5", amount("9"))),
    )
    .await;
    assert!(
        outcome.is_err(),
        "the flow should still be waiting: {outcome:?}"
    );
    let id = payment_in(&sandbox, TERMINAL, "CancelledByClient").await;
    assert_eq!(statuses(&sandbox, TERMINAL), ["CancelledByClient"]);

    // Also when the task running it is aborted.
    let flow = tokio::spawn({
        let pos = pos.clone();
        async move {
            pos.flows()
                .pay(PayRequest::on_terminal(TERMINAL, "flow-6", amount("9")))
                .await
        }
    });
    let second = payment_in(&sandbox, TERMINAL, "Initiated").await;
    assert_ne!(second, id);
    flow.abort();
    let _ = flow.await;
    payment_in(&sandbox, TERMINAL, "CancelledByClient").await;
    for _ in 0..100 {
        if statuses(&sandbox, TERMINAL) == ["CancelledByClient", "CancelledByClient"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        statuses(&sandbox, TERMINAL),
        ["CancelledByClient", "CancelledByClient"]
    );
    // The point of sale is free again.
    pos.payments()
        .start(StartPaymentRequest::new(TERMINAL, "flow-7", amount("1")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_flow_that_fails_cancels_its_payment_before_returning() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    // Every status poll fails (a server error, no retries for this client): the flow gives
    // up and cancels the payment it started.
    sandbox.inject(mypos_sandbox::Fault::status("/api/pos/payment/status", 503).times(100));
    let pos = pos.with_options(None, Some(0)).unwrap();
    let error = pos
        .flows()
        .pay(PayRequest::on_terminal(TERMINAL, "flow-8", amount("1")))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(statuses(&sandbox, TERMINAL), ["CancelledByClient"]);
    // The error names the payment, and is otherwise the server's error.
    let cancelled = sandbox.mobilepay_payments(Some(TERMINAL))[0]["paymentId"].clone();
    assert_eq!(error.payment_id(), cancelled.as_str(), "{error:?}");
    assert_eq!(error.class_name(), "ServerError");
    assert_eq!(error.fields()["payment_id"], cancelled);

    // The cancel itself is tried again while it meets the server's trouble.
    sandbox.inject(mypos_sandbox::Fault::status("/api/pos/payment/cancel", 502));
    let error = pos
        .flows()
        .pay(PayRequest::on_terminal(TERMINAL, "flow-9", amount("1")))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(sandbox.count("GET", "/api/pos/payment/cancel"), 3);
    assert_eq!(
        statuses(&sandbox, TERMINAL),
        ["CancelledByClient", "CancelledByClient"]
    );
}

#[tokio::test]
async fn a_flow_waits_at_most_its_max_wait_then_cancels_its_payment() {
    let sandbox = sandbox().await;
    // The customer never answers: the payment stays with MobilePay, polled, until the flow's
    // max wait passes; the flow then cancels it and fails naming it.
    let pos = pos(&sandbox)
        .with_flow_max_wait(Duration::from_millis(400))
        .unwrap();
    let began = std::time::Instant::now();
    let error = pos
        .flows()
        .pay(PayRequest::on_terminal(
            TERMINAL,
            "flow-max-wait",
            amount("3"),
        ))
        .await
        .unwrap_err();
    assert!(began.elapsed() >= Duration::from_millis(400));
    assert!(
        matches!(error.cause(), Error::FlowTimedOut { .. }),
        "{error:?}"
    );
    assert_eq!(error.class_name(), "APITimeoutError");
    assert_eq!(error.code(), "MYPOS_TIMEOUT");
    let payment = sandbox.mobilepay_payments(Some(TERMINAL))[0]["paymentId"].clone();
    assert_eq!(error.payment_id(), payment.as_str(), "{error:?}");
    assert_eq!(error.fields()["payment_id"], payment);
    assert_eq!(error.fields()["timeout"], json!(0.4));
    assert_eq!(statuses(&sandbox, TERMINAL), ["CancelledByClient"]);

    // The prepared flow too, and from a host's settings (milliseconds for Node).
    let pos = host::mobilepay_with_options(&pos, r#"{"flowMaxWait": 300}"#, Case::Camel).unwrap();
    let prepared = pos
        .payments()
        .prepare(PreparePaymentRequest::new(TERMINAL, "flow-max-wait-2"))
        .await
        .unwrap();
    let error = pos
        .flows()
        .pay_prepared(PayPreparedRequest {
            payment_id: prepared.payment_id.clone(),
            order_id: "flow-max-wait-2".into(),
            terminal_id: TERMINAL.into(),
            amount: amount("3"),
            currency_code: None,
        })
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "APITimeoutError", "{error:?}");
    assert_eq!(error.payment_id(), Some(prepared.payment_id.as_str()));
    assert_eq!(
        statuses(&sandbox, TERMINAL),
        ["CancelledByClient", "CancelledByClient"]
    );

    // A zero wait is refused where it is set.
    let refused = pos.with_flow_max_wait(Duration::ZERO).unwrap_err();
    assert_eq!(refused.class_name(), "ConfigError");
    let refused =
        host::mobilepay_with_options(&pos, r#"{"flow_max_wait": 0}"#, Case::Snake).unwrap_err();
    assert!(refused.to_string().contains("flow_max_wait"), "{refused}");
}

#[tokio::test]
async fn a_capture_whose_answer_was_lost_is_answered_as_captured() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox).with_options(None, Some(0)).unwrap();
    // The capture takes the money but its answer is lost, and the look at the payment after
    // it fails too: the flow's cancel is refused (cancel_not_allowed), which means captured.
    sandbox.inject(
        mypos_sandbox::Fault::drop_before_headers("/api/pos/payment/capture").after_handler(),
    );
    sandbox.inject(mypos_sandbox::Fault::status(
        "/api/pos/payment/details",
        503,
    ));
    let flow = tokio::spawn({
        let pos = pos.clone();
        async move {
            pos.flows()
                .pay(PayRequest::on_terminal(TERMINAL, "flow-lost", amount("8")))
                .await
        }
    });
    let id = payment_in(&sandbox, TERMINAL, "Initiated").await;
    sandbox.mobilepay_check_in(TERMINAL).unwrap();
    sandbox.mobilepay_accept(&id).unwrap();
    let payment = flow
        .await
        .unwrap()
        .expect("the money was taken: the payment is answered");
    assert_eq!(
        (payment.payment_id.as_str(), payment.status),
        (id.as_str(), PaymentStatus::Captured)
    );
    assert_eq!(sandbox.count("GET", "/api/pos/payment/cancel"), 1);
    assert_eq!(statuses(&sandbox, TERMINAL), ["Captured"]);
}

#[tokio::test]
async fn recovery_after_a_restart_frees_the_point_of_sale() {
    let sandbox = sandbox().await;
    // Before the "crash": a payment started, then the register went away.
    let before = pos(&sandbox);
    let lost = before
        .payments()
        .start(StartPaymentRequest::new(TERMINAL, "crash-1", amount("15")))
        .await
        .unwrap()
        .payment_id;
    let reserved_id = reserved(&sandbox, &before, "2001", "crash-2", "7", true).await;
    drop(before);

    let after = pos(&sandbox);
    let error = after
        .payments()
        .start(StartPaymentRequest::new(TERMINAL, "new-1", amount("15")))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&error), Some(Rule::OneActivePayment));
    let recovered = after
        .flows()
        .recover(TerminalRequest::new(TERMINAL))
        .await
        .unwrap();
    assert_eq!(recovered.cancelled_payment_ids, [lost]);
    let recovered = after
        .flows()
        .recover(TerminalRequest::new("2001"))
        .await
        .unwrap();
    assert_eq!(recovered.cancelled_payment_ids, [reserved_id]);
    assert!(
        after
            .flows()
            .recover(TerminalRequest::new(TERMINAL))
            .await
            .unwrap()
            .cancelled_payment_ids
            .is_empty()
    );
    after
        .payments()
        .start(StartPaymentRequest::new(TERMINAL, "new-1", amount("15")))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_token_stays_out_of_urls_and_logs() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    pos.payments()
        .start(StartPaymentRequest::new(TERMINAL, "o", amount("1")))
        .await
        .unwrap();
    pos.manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap();
    let requests = sandbox.requests();
    let start = requests
        .iter()
        .find(|r| r.path == "/api/pos/payment/start")
        .unwrap();
    assert_eq!(
        (start.method.as_str(), start.query.as_deref()),
        ("POST", None)
    );
    let stores = requests
        .iter()
        .find(|r| r.path == "/api/pos/manage/stores")
        .unwrap();
    let query = stores.query.as_deref().unwrap();
    assert!(query.contains("bioCode=sandbox"), "{query}");
    assert!(query.contains("accessToken=<redacted>"), "{query}");
    assert!(!format!("{requests:?}").contains(ACCESS_TOKEN));
    assert!(!format!("{pos:?}").contains(ACCESS_TOKEN));
}

#[tokio::test]
async fn hosts_call_operations_by_name_in_their_casing() {
    let sandbox = sandbox().await;
    let config = json!({"baseUrl": sandbox.url(), "bioCode": BIO_CODE, "accessToken": ACCESS_TOKEN, "timeout": 5000});
    let pos = MobilePayPos::new(host::mobilepay_config(&config.to_string(), Case::Camel).unwrap())
        .unwrap();
    let api = host::mobilepay();
    let answer = api
        .call(
            &pos,
            "payments.start",
            &json!({"terminalId": TERMINAL, "orderId": "h-1", "amount": 27.06}).to_string(),
            Case::Camel,
        )
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&answer).unwrap();
    let id = answer["paymentId"].as_str().unwrap();
    let details = api
        .call(
            &pos,
            "payments.details",
            &json!({"payment_id": id}).to_string(),
            Case::Snake,
        )
        .await
        .unwrap();
    let details: Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["amount"], "27.06");
    assert_eq!(details["poll_delay_in_ms"], 100);
    let names: Vec<_> = api
        .operations(Case::Camel)
        .into_iter()
        .map(|o| o.path)
        .collect();
    for name in [
        "payments.startByPosId",
        "flows.payPrepared",
        "manage.checkInByTerminal",
        "refunds.create",
    ] {
        assert!(names.contains(&name.to_string()), "{name}");
    }
    let error = host::mobilepay_config(
        &json!({"base_url": "http://127.0.0.1:1", "bio_code": "b", "access_token": 12345678})
            .to_string(),
        Case::Snake,
    )
    .unwrap_err();
    assert!(matches!(&error, Error::Config { field, .. } if field == "access_token"));
    assert!(!error.to_string().contains("12345678"), "{error}");
}

#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_access_token_reaches_the_logs_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    // For the whole process: the other tests of this file, running meanwhile, log here too
    // (and must not write a token either). A per-thread subscriber would miss events whose
    // callsite another thread saw first.
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let created = pos
        .manage()
        .reset_token(ResetTokenRequest::default())
        .await
        .unwrap();
    let fresh = pos.with_access_token(created.message.expose()).unwrap();
    fresh
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap();
    fresh
        .payments()
        .status(PaymentRequest::new("nope"))
        .await
        .unwrap_err();
    let flows = fresh.flows();
    let flow = flows.pay(PayRequest::on_terminal(TERMINAL, "log-1", amount("1")));
    let _ = tokio::time::timeout(Duration::from_millis(150), flow).await;
    payment_in(&sandbox, TERMINAL, "CancelledByClient").await;
    sandbox.inject(mypos_sandbox::Fault::status("/api/pos/manage/stores", 503));
    fresh
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap(); // retried
    let wrong = pos.with_access_token("mpat_WRONG").unwrap();
    wrong
        .manage()
        .store_ids(NoArguments::default())
        .await
        .unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.contains("mpat_"), "an access token is in the logs");
    assert!(
        !logs.contains("accessToken"),
        "a query or body with the token is in the logs"
    );
    for useful in [
        "/api/pos/manage/stores",
        "/api/pos/payment/start",
        "status=200",
        "retrying myPOS call",
        "cancelled the MobilePay payment of an unfinished flow",
    ] {
        assert!(logs.contains(useful), "the logs lack {useful}");
    }
}

#[tokio::test]
async fn the_cancel_a_dropped_flow_leaves_behind_can_be_waited_for() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    // The first cancel meets a broken connection and is tried again 200 ms later: only a
    // caller that waits for the clean-up knows when the point of sale is free.
    sandbox.inject(mypos_sandbox::Fault::drop_before_headers(
        "/api/pos/payment/cancel",
    ));
    let cleanups = mypos::cleanup::Cleanups::new();
    let flows = pos.flows();
    let pay = flows.pay(PayRequest::on_terminal(TERMINAL, "drop-1", amount("9")));
    let outcome = tokio::time::timeout(Duration::from_millis(300), cleanups.scope(pay)).await;
    assert!(outcome.is_err(), "the flow should still be waiting");
    assert_eq!(statuses(&sandbox, TERMINAL), ["Initiated"]);
    cleanups.finished().await;
    assert_eq!(statuses(&sandbox, TERMINAL), ["CancelledByClient"]);
    assert_eq!(sandbox.count("GET", "/api/pos/payment/cancel"), 2);
    // Nothing left to wait for.
    tokio::time::timeout(Duration::from_millis(50), cleanups.finished())
        .await
        .unwrap();
}

/// A flow dropped while its start is on the way (the payment exists on the server, its answer
/// has not come back yet) still cancels it once the answer comes: otherwise the point of sale
/// stays blocked by a payment nobody waits for.
#[tokio::test]
async fn a_flow_dropped_while_its_payment_starts_cancels_it() {
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    sandbox.inject(mypos_sandbox::Fault::delay(
        "/api/pos/payment/start",
        Duration::from_millis(400),
    ));
    let cleanups = mypos::cleanup::Cleanups::new();
    let flows = pos.flows();
    let pay = cleanups.scope(flows.pay(PayRequest::on_terminal(TERMINAL, "start-1", amount("9"))));
    let watch = async {
        payment_in(&sandbox, TERMINAL, "Initiated").await;
    };
    tokio::select! {
        outcome = pay => panic!("the start's answer should still be on the way: {outcome:?}"),
        () = watch => {}
    }
    cleanups.finished().await;
    assert_eq!(statuses(&sandbox, TERMINAL), ["CancelledByClient"]);
    assert_eq!(sandbox.count("GET", "/api/pos/payment/cancel"), 1);

    // The same for the prepared flow's first step.
    sandbox.inject(mypos_sandbox::Fault::delay(
        "/api/pos/payment/prepare",
        Duration::from_millis(400),
    ));
    let prepare = cleanups.scope(flows.prepare_and_pay(
        PrepareAndPayRequest {
            terminal_id: TERMINAL.into(),
            order_id: "start-2".into(),
            currency_code: None,
        },
        std::future::pending::<mypos::Result<Amount>>(),
    ));
    let watch = async {
        for _ in 0..300 {
            if statuses(&sandbox, TERMINAL).len() == 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no second payment: {:?}", statuses(&sandbox, TERMINAL));
    };
    tokio::select! {
        outcome = prepare => panic!("the prepare's answer should still be on the way: {outcome:?}"),
        () = watch => {}
    }
    cleanups.finished().await;
    assert_eq!(
        statuses(&sandbox, TERMINAL),
        ["CancelledByClient", "CancelledByClient"]
    );
}

/// Repeat safety is the operation's, however it is sent: a state-changing GET (`capture`)
/// is not repeated after a server error, neither typed nor as a raw request by its path, and a
/// 401 is not replayed with the same access token.
#[tokio::test]
async fn state_changing_gets_are_never_repeated_whichever_way_they_are_sent() {
    use mypos_sandbox::Fault;
    const CAPTURE: &str = "/api/pos/payment/capture";
    let sandbox = sandbox().await;
    let pos = pos(&sandbox);
    let sent = || sandbox.count("GET", CAPTURE);

    sandbox.inject(Fault::status(CAPTURE, 503).times(3));
    let error = pos
        .payments()
        .capture(CapturePaymentRequest::new("p-1", amount("1")))
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "ServerError");
    assert_eq!(sent(), 1, "the typed call is sent once");

    let raw =
        json!({"method": "GET", "path": CAPTURE, "query": {"paymentId": "p-1", "amount": "1"}});
    let error = host::mobilepay()
        .raw(&pos, &raw.to_string())
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "ServerError");
    assert_eq!(sent(), 2, "the raw request by the same path is sent once");
    sandbox.clear_faults();

    sandbox.inject(Fault::status(CAPTURE, 401));
    let error = pos
        .payments()
        .capture(CapturePaymentRequest::new("p-1", amount("1")))
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "AuthError", "{error:?}");
    assert_eq!(sent(), 3, "no replay with the same access token");
}
