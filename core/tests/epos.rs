//! ePOS payments and terminals end to end against the sandbox, with its simulated terminal.

mod common;

use futures::TryStreamExt;
use mypos::gateway::epos::payments::{
    CancelPaymentRequest, CreatePaymentRequest, GetPaymentRequest, ListPaymentsRequest,
    PaymentAmount, RefundPaymentRequest, ReversePaymentRequest,
};
use mypos::gateway::epos::terminals::{
    ActivateTerminalRequest, DeactivateTerminalRequest, GetModelsRequest, GetOutletsRequest,
    GetReceiptRequest, GetTerminalRequest, GetTerminalTransactionsRequest, GetTransactionsRequest,
    ListTerminalsRequest, RefundTerminalRequest,
};
use mypos::gateway::epos::{PaymentStatus, TerminalStatus, payments, terminals};
use mypos::host::{self, Case};
use mypos::{Amount, Error, MerchantClient, MinorUnits};
use mypos_sandbox::{Sandbox, TerminalError};

const PAYMENTS: &str = "/epos/v1/payments";

/// The ids of the merchant's seeded terminals: two take EUR, the third GBP.
async fn terminal_ids(client: &MerchantClient) -> Vec<String> {
    let page = client
        .epos()
        .terminals()
        .list(ListTerminalsRequest::default())
        .await
        .unwrap();
    page.items.into_iter().map(|t| t.terminal_id).collect()
}

async fn sell(client: &MerchantClient, terminal_id: &str, cents: u64, reference: &str) -> String {
    let mut request = CreatePaymentRequest::new(terminal_id, PaymentAmount::new(cents, "EUR"));
    request.reference_number = Some(reference.into());
    let payment = client.epos().payments().create(request).await.unwrap();
    payment.payment_id
}

async fn status_of(client: &MerchantClient, payment_id: &str) -> PaymentStatus {
    let payment = client
        .epos()
        .payments()
        .get(GetPaymentRequest::new(payment_id))
        .await
        .unwrap();
    payment.status.unwrap()
}

fn api_error(error: Error) -> mypos::ApiError {
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn sell_approve_fetch_the_receipt_and_reverse() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = &terminal_ids(&client).await[0];

    let mut request = CreatePaymentRequest::new(terminal, PaymentAmount::new(2500, "EUR"));
    request.reference_number = Some("order-1001".into());
    request.description = Some("Two coffees".into());
    request.amount.tip = Some(MinorUnits(200));
    let created = client.epos().payments().create(request).await.unwrap();
    assert_eq!(created.status, Some(PaymentStatus::InProgress));
    assert_eq!(created.reference_number.as_deref(), Some("order-1001"));
    let id = created.payment_id;
    assert_eq!(id.len(), 24);

    sandbox.approve_payment(&id).unwrap();
    let paid = client
        .epos()
        .payments()
        .get(GetPaymentRequest::new(&id))
        .await
        .unwrap();
    assert!(paid.status.as_ref().unwrap().is_success());
    assert_eq!(paid.response_code.as_deref(), Some("00"));
    assert_eq!(paid.status_message.as_deref(), Some("TRANSACTION_SUCCESS"));
    assert_eq!(paid.card_qualifier.as_deref(), Some("VISA"));
    assert!(paid.pan.as_deref().unwrap().starts_with("****"));
    for field in [
        &paid.stan,
        &paid.auth_code,
        &paid.rrn,
        &paid.transaction_date_local,
    ] {
        assert!(field.as_deref().is_some_and(|v| !v.is_empty()));
    }

    let reference = paid.payment_reference.clone().unwrap();
    let receipt = client
        .epos()
        .terminals()
        .get_receipt(GetReceiptRequest::new(&reference))
        .await
        .unwrap();
    assert_eq!(receipt.is_declined, Some(0));
    assert_eq!(receipt.amount.as_deref(), Some("25.00"));
    assert_eq!(receipt.amount_total.as_deref(), Some("27.00"));
    assert_eq!(receipt.stan, paid.stan);
    assert_eq!(receipt.terminal_id.as_deref(), Some(terminal.as_str()));
    assert!(
        receipt.extra.is_empty(),
        "every receipt field is typed: {:?}",
        receipt.extra.keys()
    );

    let mut reversal = ReversePaymentRequest::new(&id);
    reversal.description = Some("Customer changed their mind".into());
    let reversed = client.epos().payments().reverse(reversal).await.unwrap();
    assert_eq!(reversed.status, Some(PaymentStatus::Reversed));
    assert_eq!(status_of(&client, &id).await, PaymentStatus::Reversed);
    let transactions = client
        .epos()
        .terminals()
        .get_terminal_transactions(GetTerminalTransactionsRequest::new(terminal))
        .await
        .unwrap();
    assert_eq!(transactions.items.len(), 1);
    assert_eq!(
        transactions.items[0].payment_status.as_deref(),
        Some("Reversed")
    );
}

#[tokio::test]
async fn declines_rejections_and_timeouts_end_the_payment() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = &terminal_ids(&client).await[0];

    let id = sell(&client, terminal, 100, "a").await;
    sandbox.decline_payment(&id).unwrap();
    let failed = client
        .epos()
        .payments()
        .get(GetPaymentRequest::new(&id))
        .await
        .unwrap();
    assert_eq!(failed.status, Some(PaymentStatus::Failed));
    assert_eq!(failed.response_code.as_deref(), Some("05"));
    assert_eq!(
        failed.payment_reference, None,
        "no receipt for a declined payment"
    );

    let id = sell(&client, terminal, 100, "b").await;
    sandbox.reject_payment(&id).unwrap();
    assert_eq!(status_of(&client, &id).await, PaymentStatus::Rejected);

    let id = sell(&client, terminal, 100, "c").await;
    sandbox.time_out_payment(&id).unwrap();
    assert_eq!(status_of(&client, &id).await, PaymentStatus::Failed);

    // A finished payment cannot be driven again.
    assert!(matches!(
        sandbox.approve_payment(&id),
        Err(TerminalError::Finished { .. })
    ));
    let transactions = client
        .epos()
        .terminals()
        .get_transactions(GetTransactionsRequest::default())
        .await
        .unwrap();
    assert!(
        transactions.items.is_empty(),
        "only approvals are transactions"
    );
}

#[tokio::test]
async fn a_payment_in_progress_can_be_cancelled_once() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = &terminal_ids(&client).await[0];
    let id = sell(&client, terminal, 990, "to-cancel").await;

    let cancelled = client
        .epos()
        .payments()
        .cancel(CancelPaymentRequest::new(&id))
        .await
        .unwrap();
    assert_eq!(cancelled.unwrap().id.as_deref(), Some(id.as_str()));
    assert_eq!(sandbox.requests().last().unwrap().status, 202);
    assert_eq!(status_of(&client, &id).await, PaymentStatus::Canceled);

    let again = api_error(
        client
            .epos()
            .payments()
            .cancel(CancelPaymentRequest::new(&id))
            .await
            .unwrap_err(),
    );
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn wrong_state_transitions_are_conflicts() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = &terminal_ids(&client).await[0];
    let id = sell(&client, terminal, 500, "r-1").await;

    // Reversing a payment still in progress.
    let error = client
        .epos()
        .payments()
        .reverse(ReversePaymentRequest::new(&id))
        .await
        .unwrap_err();
    assert_eq!(error.class_name(), "ConflictError");
    assert!(api_error(error).detail.unwrap().contains("InProgress"));

    // A second payment on a busy terminal.
    let busy = client
        .epos()
        .payments()
        .create(CreatePaymentRequest::new(
            terminal,
            PaymentAmount::new(100, "EUR"),
        ))
        .await
        .unwrap_err();
    assert_eq!(api_error(busy).status, 409);

    // Cancelling a successful payment.
    sandbox.approve_payment(&id).unwrap();
    let error = client
        .epos()
        .payments()
        .cancel(CancelPaymentRequest::new(&id))
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status, 409);

    // Reversing twice.
    client
        .epos()
        .payments()
        .reverse(ReversePaymentRequest::new(&id))
        .await
        .unwrap();
    let error = client
        .epos()
        .payments()
        .reverse(ReversePaymentRequest::new(&id))
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status, 409);
}

#[tokio::test]
async fn what_the_core_accepts_and_the_api_refuses_is_a_400_with_field_errors() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminals = terminal_ids(&client).await;

    let zero = CreatePaymentRequest::new(&terminals[0], PaymentAmount::new(0, "EUR"));
    let error = client.epos().payments().create(zero).await.unwrap_err();
    assert_eq!(error.class_name(), "BadRequestError");
    let error = api_error(error);
    assert_eq!(error.status, 400);
    assert!(error.errors.contains_key("amount.value"), "{error}");

    // EUR on the GBP terminal, and a currency no terminal takes.
    for (terminal, currency) in [(&terminals[2], "EUR"), (&terminals[0], "XYZ")] {
        let request = CreatePaymentRequest::new(terminal, PaymentAmount::new(100, currency));
        let error = api_error(client.epos().payments().create(request).await.unwrap_err());
        assert_eq!(
            error.errors.keys().collect::<Vec<_>>(),
            ["amount.currency_code"],
            "{error}"
        );
    }
}

#[tokio::test]
async fn unknown_payments_terminals_and_receipts_are_404() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let missing = client
        .epos()
        .payments()
        .get(GetPaymentRequest::new("0123456789abcdef01234567"))
        .await;
    assert_eq!(missing.unwrap_err().class_name(), "NotFoundError");
    let missing = client
        .epos()
        .terminals()
        .get(GetTerminalRequest::new("00000001"))
        .await;
    assert_eq!(api_error(missing.unwrap_err()).status, 404);
    let missing = client
        .epos()
        .terminals()
        .get_receipt(GetReceiptRequest::new("404404404404"))
        .await;
    assert_eq!(api_error(missing.unwrap_err()).status, 404);
    let sale = CreatePaymentRequest::new("00000001", PaymentAmount::new(100, "EUR"));
    assert_eq!(
        api_error(client.epos().payments().create(sale).await.unwrap_err()).status,
        404
    );
}

#[tokio::test]
async fn malformed_requests_are_refused_before_anything_is_sent() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = terminal_ids(&client).await.remove(0);
    sandbox.clear_requests();

    // Through the host bridge (what Python and Node call): negative and fractional amounts.
    for (amount, says) in [("-5", "negative"), ("12.5", "whole number")] {
        let args = format!(
            r#"{{"terminal_id": "{terminal}", "amount": {{"value": {amount}, "currency_code": "EUR"}}}}"#
        );
        let error = host::gateway()
            .call(&client, "epos.payments.create", &args, Case::Snake)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == "amount.value"),
            "{error}"
        );
        assert!(error.to_string().contains(says), "{error}");
    }
    assert!(
        sandbox.requests().is_empty(),
        "nothing was sent: {:?}",
        sandbox.requests()
    );
}

/// Forms the API texts do not state (an 8-digit terminal id, an upper-case currency, a short
/// reference, a day as YYYY-MM-DD) are the server's to judge: the request is sent and the
/// sandbox answers.
#[tokio::test]
async fn forms_the_texts_do_not_state_are_judged_by_the_server() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = terminal_ids(&client).await.remove(0);
    sandbox.clear_requests();
    let text_terminal = CreatePaymentRequest::new("T001234", PaymentAmount::new(100, "EUR"));
    let mut long_reference = CreatePaymentRequest::new(&terminal, PaymentAmount::new(100, "EUR"));
    long_reference.reference_number = Some("x".repeat(51));
    let lower = CreatePaymentRequest::new(&terminal, PaymentAmount::new(100, "eur"));
    for (request, status, field) in [
        (text_terminal, 404, None),
        (long_reference, 400, Some("reference_number")),
        (lower, 400, Some("amount.currency_code")),
    ] {
        let error = api_error(client.epos().payments().create(request).await.unwrap_err());
        assert_eq!(error.status, status, "{error}");
        if let Some(field) = field {
            assert!(error.errors.contains_key(field), "{error}");
        }
    }
    let dates = GetTransactionsRequest {
        from_date: Some("27.10.2025".into()),
        ..Default::default()
    };
    let error = client
        .epos()
        .terminals()
        .get_transactions(dates)
        .await
        .unwrap_err();
    assert!(api_error(error).errors.contains_key("from_date"));
    let sent = sandbox.requests();
    let business = sent.iter().filter(|r| !r.path.starts_with("/api/")).count();
    assert_eq!(business, 4, "every request was sent: {sent:?}");
}

#[tokio::test]
async fn lists_page_and_iterate_across_pages() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let first = client
        .epos()
        .terminals()
        .list(ListTerminalsRequest {
            size: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (first.items.len(), first.total_count, first.total_pages),
        (2, Some(3), Some(2))
    );
    assert!(first.has_next_page);

    sandbox.clear_requests();
    let one_per_page = ListTerminalsRequest {
        size: Some(1),
        ..Default::default()
    };
    let all: Vec<_> = terminals::endpoints::list
        .stream(&client, one_per_page)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        sandbox.count("GET", "/pos/v1/terminals"),
        3,
        "one request per page"
    );

    // Five payments on one terminal, newest first, two per page.
    let terminal = &all[0].terminal_id;
    let mut ids = vec![];
    for n in 0..5 {
        let id = sell(&client, terminal, 100 + n, &format!("page-{n}")).await;
        sandbox.approve_payment(&id).unwrap();
        ids.push(id);
    }
    let request = ListPaymentsRequest {
        size: Some(2),
        ..ListPaymentsRequest::new(terminal)
    };
    let listed: Vec<_> = payments::endpoints::list
        .stream(&client, request)
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<String> = listed.iter().map(|p| p.id().unwrap().to_owned()).collect();
    ids.reverse();
    assert_eq!(listed, ids);

    let transactions = GetTransactionsRequest {
        size: Some(2),
        ..Default::default()
    };
    let all: Vec<_> = terminals::endpoints::get_transactions
        .stream(&client, transactions)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn a_payment_is_found_again_by_its_reference_number() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = &terminal_ids(&client).await[1];
    let first = sell(&client, terminal, 100, "order-7").await;
    sandbox.approve_payment(&first).unwrap();
    let second = sell(&client, terminal, 200, "order-8").await;

    let mut lookup = ListPaymentsRequest::new(terminal);
    lookup.reference_number = Some("order-8".into());
    let page = client.epos().payments().list(lookup).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id(), Some(second.as_str()));
    assert_eq!(page.items[0].status, Some(PaymentStatus::InProgress));
    let query = sandbox.requests().last().unwrap().query.clone().unwrap();
    assert!(query.contains("reference_number=order-8"), "{query}");
}

#[tokio::test]
async fn terminals_models_outlets_and_transactions() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let ids = terminal_ids(&client).await;
    assert_eq!(
        ids,
        terminal_ids(&common::client(&common::sandbox().await)).await,
        "seeded from the merchant id"
    );

    let terminal = client
        .epos()
        .terminals()
        .get(GetTerminalRequest::new(&ids[2]))
        .await
        .unwrap();
    assert_eq!(terminal.status, Some(TerminalStatus::Active));
    assert_eq!(terminal.device_currency.as_deref(), Some("GBP"));
    assert!(terminal.terminal_name.unwrap().starts_with("myPOS "));

    let models = client
        .epos()
        .terminals()
        .get_models(GetModelsRequest {})
        .await
        .unwrap();
    assert!(
        models
            .iter()
            .any(|m| Some(&m.code) == terminal.model.as_ref())
    );
    let outlets = client
        .epos()
        .terminals()
        .get_outlets(GetOutletsRequest {})
        .await
        .unwrap();
    assert!(
        outlets
            .iter()
            .any(|o| Some(o.outlet_id) == terminal.outlet_id)
    );

    let sale = CreatePaymentRequest::new(&ids[2], PaymentAmount::new(1234, "GBP"));
    let id = client
        .epos()
        .payments()
        .create(sale)
        .await
        .unwrap()
        .payment_id;
    sandbox.approve_payment(&id).unwrap();
    let small = sell(&client, &ids[0], 99, "small").await;
    sandbox.approve_payment(&small).unwrap();

    let filter = GetTransactionsRequest {
        amount_from: Some("10".parse::<Amount>().unwrap()),
        ..Default::default()
    };
    let page = client
        .epos()
        .terminals()
        .get_transactions(filter)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let transaction = &page.items[0];
    assert_eq!(
        transaction.amount,
        Some("12.34".parse().unwrap()),
        "decimal major units"
    );
    assert_eq!(transaction.currency.as_deref(), Some("GBP"));
    assert_eq!(transaction.terminal_id.as_deref(), Some(ids[2].as_str()));

    let mut by_reference = GetTerminalTransactionsRequest::new(&ids[0]);
    by_reference.reference_number = Some("small".into());
    let page = client
        .epos()
        .terminals()
        .get_terminal_transactions(by_reference)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let details = client
        .epos()
        .terminals()
        .get(GetTerminalRequest::new(&ids[0]))
        .await
        .unwrap();
    assert_eq!(details.transactions_count, Some(1));
}

#[tokio::test]
async fn refunds_standalone_and_referenced() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let terminal = terminal_ids(&client).await.remove(0);

    // Standalone: the card is presented on the terminal, like a sale.
    let refund = client
        .epos()
        .payments()
        .refund(RefundPaymentRequest::new(
            &terminal,
            PaymentAmount::new(700, "EUR"),
        ))
        .await
        .unwrap();
    assert_eq!(refund.status, Some(PaymentStatus::InProgress));
    sandbox
        .drive_terminal(&terminal, mypos_sandbox::TerminalAction::Approve)
        .unwrap();
    assert_eq!(
        status_of(&client, refund.id().unwrap()).await,
        PaymentStatus::Success
    );

    // Referenced: part of an earlier sale, found by its reference number.
    let sale = sell(&client, &terminal, 3000, "sale-42").await;
    sandbox.approve_payment(&sale).unwrap();
    let part = RefundTerminalRequest {
        terminal_id: terminal.clone(),
        reference_number: "sale-42".into(),
        amount: MinorUnits(1000),
    };
    client
        .epos()
        .terminals()
        .refund(part.clone())
        .await
        .unwrap();
    assert_eq!(sandbox.requests().last().unwrap().status, 204);
    let too_much = RefundTerminalRequest {
        amount: MinorUnits(2001),
        ..part.clone()
    };
    let error = api_error(
        client
            .epos()
            .terminals()
            .refund(too_much)
            .await
            .unwrap_err(),
    );
    assert!(error.errors.contains_key("amount"), "{error}");
    let unknown = RefundTerminalRequest {
        reference_number: "nope".into(),
        ..part
    };
    assert_eq!(
        api_error(client.epos().terminals().refund(unknown).await.unwrap_err()).status,
        404
    );

    let page = client
        .epos()
        .terminals()
        .get_terminal_transactions(GetTerminalTransactionsRequest::new(&terminal))
        .await
        .unwrap();
    let kinds: Vec<_> = page
        .items
        .iter()
        .map(|t| t.extra["tran_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Refund", "Purchase", "Refund"], "newest first");
    let refund_reference = page.items[0].payment_reference.clone().unwrap();
    let receipt = client
        .epos()
        .terminals()
        .get_receipt(GetReceiptRequest::new(refund_reference))
        .await
        .unwrap();
    assert_eq!(receipt.tran_type.as_deref(), Some("REFUND"));
    assert_eq!(receipt.amount.as_deref(), Some("10.00"));
    // A partly refunded sale can no longer be voided.
    let error = client
        .epos()
        .payments()
        .reverse(ReversePaymentRequest::new(&sale))
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status, 409);
}

#[tokio::test]
async fn activation_adds_a_terminal_and_deactivation_retires_it() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let activation = ActivateTerminalRequest {
        product_code: Some("SIGMA".into()),
        currency: Some("EUR".into()),
        ..Default::default()
    };
    let code = client
        .epos()
        .terminals()
        .activate(activation)
        .await
        .unwrap();
    assert_eq!(code.code.len(), 6);
    let new_id = code.extra["terminal_id"].as_str().unwrap().to_owned();
    assert_eq!(terminal_ids(&client).await.len(), 4);

    let unknown = ActivateTerminalRequest {
        product_code: Some("TOASTER".into()),
        ..Default::default()
    };
    let error = api_error(
        client
            .epos()
            .terminals()
            .activate(unknown)
            .await
            .unwrap_err(),
    );
    assert!(error.errors.contains_key("product_code"));

    let deactivation = DeactivateTerminalRequest {
        code: Some(code.code.clone()),
    };
    client
        .epos()
        .terminals()
        .deactivate(deactivation.clone())
        .await
        .unwrap();
    let terminal = client
        .epos()
        .terminals()
        .get(GetTerminalRequest::new(&new_id))
        .await
        .unwrap();
    assert_eq!(terminal.status, Some(TerminalStatus::Inactive));
    let sale = CreatePaymentRequest::new(&new_id, PaymentAmount::new(100, "EUR"));
    assert_eq!(
        api_error(client.epos().payments().create(sale).await.unwrap_err()).status,
        409
    );
    assert_eq!(
        api_error(
            client
                .epos()
                .terminals()
                .deactivate(deactivation)
                .await
                .unwrap_err()
        )
        .status,
        409
    );
}

#[tokio::test]
async fn merchants_do_not_see_each_others_payments() {
    let sandbox: Sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let (alice, bob) = (
        common::merchant(&gateway, "alice"),
        common::merchant(&gateway, "bob"),
    );
    let terminal = terminal_ids(&alice).await.remove(0);
    let id = sell(&alice, &terminal, 100, "mine").await;
    let error = bob
        .epos()
        .payments()
        .get(GetPaymentRequest::new(&id))
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status, 404);
    assert_eq!(sandbox.count("POST", PAYMENTS), 1);
}
