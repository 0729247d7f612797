//! Ecommerce end to end against the sandbox: payment links, buttons and requests, languages
//! and settlement accounts, auto-paging, and the errors a user meets.

mod common;

use futures::TryStreamExt;
use mypos::gateway::ecommerce::payment_buttons::{
    ButtonSize, CreatePaymentButtonRequest, DeletePaymentButtonRequest, GetPaymentButtonRequest,
    GetPaymentButtonTransactionsRequest, ListPaymentButtonsRequest, UpdatePaymentButtonRequest,
};
use mypos::gateway::ecommerce::payment_links::{
    self, CreatePaymentLinkRequest, DeletePaymentLinkRequest, GetPaymentLinkRequest,
    GetPaymentLinkTransactionsRequest, ListPaymentLinksRequest, UpdatePaymentLinkRequest,
};
use mypos::gateway::ecommerce::payment_requests::{
    CreatePaymentRequestRequest, GetPaymentRequestRequest, ListPaymentRequestsRequest,
    PaymentRequestStatus, SendReminderRequest,
};
use mypos::gateway::ecommerce::{GetLanguagesRequest, GetSettlementDataRequest, LinkStatus};
use mypos::host::{self, Case};
use mypos::{Amount, Error};

fn api_error(error: Error) -> mypos::ApiError {
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn price(text: &str) -> Amount {
    text.parse().unwrap()
}

#[tokio::test]
async fn languages_and_settlement_accounts() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let ecommerce = client.ecommerce();
    let languages = ecommerce
        .get_languages(GetLanguagesRequest::default())
        .await
        .unwrap();
    assert!(languages.iter().any(|l| l.code == "EN"));
    assert!(
        languages
            .iter()
            .all(|l| l.code.len() == 2 && l.name.is_some())
    );
    let accounts = ecommerce
        .get_settlement_data(GetSettlementDataRequest::default())
        .await
        .unwrap();
    let currencies: Vec<_> = accounts.iter().map(|a| a.currency.as_str()).collect();
    assert_eq!(currencies, ["EUR", "GBP", "BGN"]);
}

/// A user's payment link, from creation to deletion.
#[tokio::test]
async fn create_a_payment_link_list_it_disable_it_delete_it() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let links = client.ecommerce().payment_links();

    let mut request = CreatePaymentLinkRequest::new("Yoga mat", price("34.90"), "EUR");
    request.custom_name = Some("Spring yoga".into());
    request.pref_language = Some("DE".into());
    request.expired_date = Some("2999-12-31".into());
    let created = links.create(request).await.unwrap();
    let code = created.code.clone().unwrap();
    assert!(created.url.ends_with(&code));

    let page = links
        .list(ListPaymentLinksRequest::default())
        .await
        .unwrap();
    let listed = page.items.iter().find(|l| l.code == code).unwrap();
    assert_eq!(listed.item_price.unwrap().to_string(), "34.90");
    assert_eq!(listed.status, Some(LinkStatus::Active));
    assert_eq!(listed.pref_language.as_deref(), Some("DE"));

    let disabled = links
        .update(UpdatePaymentLinkRequest {
            enable: Some(false),
            custom_name: Some("Spring yoga (closed)".into()),
            ..UpdatePaymentLinkRequest::new(&code)
        })
        .await
        .unwrap();
    assert_eq!(
        (disabled.enable, disabled.status.clone()),
        (Some(false), Some(LinkStatus::Disabled))
    );
    let fetched = links.get(GetPaymentLinkRequest::new(&code)).await.unwrap();
    assert_eq!(fetched.enable, Some(false));
    assert_eq!(fetched.custom_name.as_deref(), Some("Spring yoga (closed)"));
    let page = links
        .list(ListPaymentLinksRequest::default())
        .await
        .unwrap();
    let listed = page.items.iter().find(|l| l.code == code).unwrap();
    assert_eq!(listed.status, Some(LinkStatus::Disabled));

    links
        .delete(DeletePaymentLinkRequest::new(&code))
        .await
        .unwrap();
    let gone = links
        .get(GetPaymentLinkRequest::new(&code))
        .await
        .unwrap_err();
    assert_eq!(api_error(gone).status, 404);
    let page = links
        .list(ListPaymentLinksRequest::default())
        .await
        .unwrap();
    assert!(page.items.iter().all(|l| l.code != code));
}

#[tokio::test]
async fn link_payments_page_by_page() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let request = GetPaymentLinkTransactionsRequest {
        size: Some(5),
        ..Default::default()
    };
    let payments: Vec<_> = payment_links::endpoints::get_transactions
        .stream(&client, request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(payments.len(), 24);
    assert_eq!(sandbox.count("GET", "/ecommerce/v1/links/transactions"), 5);
    let code = payments[0].code.clone().unwrap();
    let only = client
        .ecommerce()
        .payment_links()
        .get_transactions(GetPaymentLinkTransactionsRequest {
            code: Some(code.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!only.items.is_empty());
    assert!(
        only.items
            .iter()
            .all(|p| p.code.as_deref() == Some(code.as_str()))
    );
}

#[tokio::test]
async fn payment_buttons_from_creation_to_deletion() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let buttons = client.ecommerce().payment_buttons();

    let mut request = CreatePaymentButtonRequest::new("Gift card", price("50"), "GBP");
    request.button_size = ButtonSize::Big;
    request.return_url = Some("https://shop.example/thanks".into());
    let code = buttons.create(request).await.unwrap().code.unwrap();

    let button = buttons
        .get(GetPaymentButtonRequest::new(&code))
        .await
        .unwrap();
    assert_eq!(button.button_size, Some(ButtonSize::Big));
    assert_eq!(button.currency.as_deref(), Some("GBP"));
    let page = buttons
        .list(ListPaymentButtonsRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items[0].code, code, "newest first");
    assert_eq!(page.total_count, Some(3), "two seeded and the new one");

    let updated = buttons
        .update(UpdatePaymentButtonRequest {
            button_size: Some(ButtonSize::Small),
            enable: Some(false),
            ..UpdatePaymentButtonRequest::new(&code)
        })
        .await
        .unwrap();
    assert_eq!(updated.button_size, Some(ButtonSize::Small));
    assert_eq!(updated.status, Some(LinkStatus::Disabled));

    let seeded = &page.items[1].code;
    let payments = buttons
        .get_transactions(GetPaymentButtonTransactionsRequest {
            code: Some(seeded.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!payments.items.is_empty());

    buttons
        .delete(DeletePaymentButtonRequest::new(&code))
        .await
        .unwrap();
    let again = buttons
        .delete(DeletePaymentButtonRequest::new(&code))
        .await
        .unwrap_err();
    assert_eq!(api_error(again).status, 404);
}

#[tokio::test]
async fn payment_requests_and_reminders() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let requests = client.ecommerce().payment_requests();

    let mut request = CreatePaymentRequestRequest::new(price("120.00"), "EUR", "Ana Petrova", "BG");
    request.reason = Some("Invoice 2001".into());
    request.notify_email = Some("ana@example.com".into());
    let created = requests.create(request).await.unwrap();
    let code = created.code.unwrap();
    assert!(created.payment_request_url.ends_with(&code));
    let qr = requests
        .create(CreatePaymentRequestRequest::qr(price("9.99"), "EUR"))
        .await
        .unwrap();
    assert!(qr.code.is_some());

    let pending = requests
        .list(ListPaymentRequestsRequest {
            status: Some(PaymentRequestStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(pending.items.iter().any(|r| r.code == code));
    assert!(
        pending
            .items
            .iter()
            .all(|r| r.status == Some(PaymentRequestStatus::Pending))
    );

    let fetched = requests
        .get(GetPaymentRequestRequest::new(&code))
        .await
        .unwrap();
    assert_eq!(fetched.client_name.as_deref(), Some("Ana Petrova"));
    assert_eq!(fetched.amount.unwrap().to_string(), "120.00");

    let reminded = requests
        .send_reminder(SendReminderRequest {
            code: code.clone(),
            gsm: Some("+359888123456".into()),
            email: None,
        })
        .await
        .unwrap();
    assert_eq!(reminded.extra["reminders_sent"], 1);
    assert_eq!(reminded.notify_gsm.as_deref(), Some("+359888123456"));

    // A paid request cannot be reminded of.
    let paid = requests
        .list(ListPaymentRequestsRequest {
            status: Some(PaymentRequestStatus::Paid),
            ..Default::default()
        })
        .await
        .unwrap();
    let paid_code = paid.items[0].code.clone();
    let refused = requests
        .send_reminder(SendReminderRequest {
            code: paid_code,
            email: Some("ana@example.com".into()),
            gsm: None,
        })
        .await
        .unwrap_err();
    assert_eq!(api_error(refused).status, 409);

    let unknown = requests
        .get(GetPaymentRequestRequest::new("NOSUCHCODE000"))
        .await
        .unwrap_err();
    assert_eq!(api_error(unknown).status, 404);
}

#[tokio::test]
async fn the_api_refuses_what_only_it_can_check() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    // Well formed, but the merchant settles no USD, has no such account, and no XX pages.
    let mut request = CreatePaymentLinkRequest::new("Mug", price("8.50"), "USD");
    request.pref_language = Some("XX".into());
    let error = api_error(
        client
            .ecommerce()
            .payment_links()
            .create(request)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.status, 400);
    assert_eq!(
        error.errors.keys().collect::<Vec<_>>(),
        ["currency", "pref_language"]
    );
    let mut request = CreatePaymentLinkRequest::new("Mug", price("8.50"), "EUR");
    request.account_number = Some("4099999999".into());
    let error = api_error(
        client
            .ecommerce()
            .payment_links()
            .create(request)
            .await
            .unwrap_err(),
    );
    assert!(error.errors.contains_key("account_number"), "{error}");
    // An email address only the API judges.
    let mut request = CreatePaymentRequestRequest::new(price("20"), "EUR", "Ana Petrova", "EN");
    request.notify_email = Some("not-an-address".into());
    let error = client
        .ecommerce()
        .payment_requests()
        .create(request)
        .await
        .unwrap_err();
    let error = api_error(error);
    assert_eq!(error.status, 400);
    assert_eq!(error.errors.keys().collect::<Vec<_>>(), ["notify_email"]);
}

#[tokio::test]
async fn prices_that_are_no_amount_fail_before_any_request() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    // As Python and Node pass them: negative, not a number, too precise.
    for (price, says) in [
        (serde_json::json!(-5), "negative"),
        (serde_json::json!("NaN"), "decimal amount"),
        (serde_json::json!("12.345"), "2 decimal places"),
    ] {
        let args = serde_json::json!({
            "item_name": "Mug", "item_price": price, "currency": "EUR", "custom_name": "Mugs"
        });
        let error = host::gateway()
            .call(
                &client,
                "ecommerce.payment_links.create",
                &args.to_string(),
                Case::Snake,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == "item_price"),
            "{error}"
        );
        assert!(error.to_string().contains(says), "{error}");
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

/// What the API texts do not require (a price above zero, a customer on a payment request, an
/// address for a reminder) is the server's to judge: the request goes, the sandbox answers.
#[tokio::test]
async fn rules_the_texts_do_not_state_are_the_servers() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let zero = CreatePaymentLinkRequest::new("Mug", price("0.00"), "EUR");
    let error = client
        .ecommerce()
        .payment_links()
        .create(zero)
        .await
        .unwrap_err();
    assert!(api_error(error).errors.contains_key("item_price"));
    let mut nobody = CreatePaymentRequestRequest::qr(price("5"), "EUR");
    nobody.qr_generated = false;
    let error = client
        .ecommerce()
        .payment_requests()
        .create(nobody)
        .await
        .unwrap_err();
    assert!(api_error(error).errors.contains_key("client_name"));
    let silent = SendReminderRequest {
        code: "X".into(),
        ..Default::default()
    };
    let error = client
        .ecommerce()
        .payment_requests()
        .send_reminder(silent)
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status, 404);
    let sent = sandbox.requests();
    let business = sent
        .iter()
        .filter(|r| r.path.starts_with("/ecommerce/"))
        .count();
    assert_eq!(business, 3, "every request was sent: {sent:?}");
}

#[tokio::test]
async fn unknown_codes_are_not_found() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let ecommerce = client.ecommerce();
    let link = ecommerce
        .payment_links()
        .update(UpdatePaymentLinkRequest {
            enable: Some(false),
            ..UpdatePaymentLinkRequest::new("NOSUCHCODE000")
        })
        .await
        .unwrap_err();
    let button = ecommerce
        .payment_buttons()
        .get(GetPaymentButtonRequest::new("NOSUCHCODE000"))
        .await
        .unwrap_err();
    for error in [link, button] {
        let error = api_error(error);
        assert_eq!(error.status, 404);
        assert!(error.detail.unwrap().contains("NOSUCHCODE000"));
    }
}

/// A path id of `.` or `..` would be resolved as a dot segment (`DELETE …/links/.` becomes
/// `DELETE …/links/`, `..` climbs a level): it is refused before anything is sent, in typed
/// calls and raw requests alike.
#[tokio::test]
async fn dot_segment_ids_are_refused() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let links = client.ecommerce().payment_links();
    for code in [".", ".."] {
        let error = links
            .delete(DeletePaymentLinkRequest::new(code))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == "code"),
            "{error:?}"
        );
    }
    let raw = mypos::raw::RawRequest {
        method: "GET".into(),
        path: "/accounting/v1/accounts/../../x".into(),
        ..Default::default()
    };
    let error = client.request(raw).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest { field, .. } if field == "path"),
        "{error:?}"
    );
    assert!(
        sandbox.requests().iter().all(|r| r.method != "DELETE"),
        "nothing was deleted"
    );
    assert!(sandbox.requests().iter().all(|r| r.path != "/x"));
}
