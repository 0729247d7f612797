//! Banking end to end against the sandbox: transactions (filters, details, auto-paging),
//! MT940 statements, and the errors a user meets.

mod common;

use std::str::FromStr;

use futures::{StreamExt, TryStreamExt};
use mypos::gateway::banking::{
    self, DocumentType, GenerateStatementRequest, GetAccountsRequest,
    GetMultipleTransactionsRequest, GetTransactionRequest, GetTransactionsRequest, SortOrder,
    Transaction, TransactionSign,
};
use mypos::{Error, MerchantClient};
use rust_decimal::Decimal;

const TRANSACTIONS: &str = "/accounting/v1/transactions";

fn api_error(error: Error) -> mypos::ApiError {
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn eur_account(client: &MerchantClient) -> banking::Account {
    let accounts = client
        .banking()
        .get_accounts(GetAccountsRequest::default())
        .await
        .unwrap();
    accounts
        .items
        .into_iter()
        .find(|a| a.currency == "EUR")
        .unwrap()
}

fn day_of(t: &Transaction) -> &str {
    &t.date.as_deref().unwrap()[..10]
}

/// `1520,35` → 1520.35
fn mt940_amount(text: &str) -> Decimal {
    Decimal::from_str(&text.replace(',', ".")).unwrap()
}

/// The balance in a `:60F:` / `:62F:` line: `C250501EUR1520,35`.
fn mt940_balance(statement: &str, tag: &str) -> Decimal {
    let line = statement
        .lines()
        .find_map(|l| l.strip_prefix(tag))
        .unwrap_or_else(|| panic!("no {tag} in {statement}"));
    let value = mt940_amount(&line[10..]);
    if line.starts_with('D') { -value } else { value }
}

#[tokio::test]
async fn filters_narrow_the_transaction_list() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let account = eur_account(&client).await;
    let newest = client
        .banking()
        .get_transactions(GetTransactionsRequest {
            size: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(newest.total_count, Some(300), "a few hundred seeded");
    let to = day_of(&newest.items[0]).to_string();

    let request = GetTransactionsRequest {
        account_number: Some(account.account_number.clone()),
        sign: Some(TransactionSign::Debit),
        order: Some(SortOrder::Ascending),
        from_date: Some("2000-01-01".into()),
        to_date: Some(to.clone()),
        size: Some(100),
        ..Default::default()
    };
    let page = client.banking().get_transactions(request).await.unwrap();
    assert!(!page.items.is_empty());
    assert!(page.items.iter().all(|t| {
        t.sign == Some(TransactionSign::Debit)
            && t.account_number.as_deref() == Some(account.account_number.as_str())
            && t.transaction_currency.as_deref() == Some("EUR")
    }));
    let dates: Vec<_> = page.items.iter().map(|t| t.date.clone().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // Unknown fields are kept: the sandbox adds `id` and `description`.
    assert!(page.items[0].extra.contains_key("description"));
    let logged = sandbox.requests();
    let last = logged
        .iter()
        .rev()
        .find(|r| r.path == TRANSACTIONS)
        .unwrap();
    let query = last.query.clone().unwrap();
    assert!(
        query.contains("sign=D") && query.contains("order=0"),
        "{query}"
    );
}

#[tokio::test]
async fn iterates_every_transaction_a_page_at_a_time() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let request = GetTransactionsRequest {
        size: Some(20),
        ..Default::default()
    };
    let all: Vec<Transaction> = client
        .banking()
        .iter_transactions(request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 300);
    assert_eq!(sandbox.count("GET", TRANSACTIONS), 15);
    let mut references: Vec<_> = all.iter().map(|t| t.payment_reference.clone()).collect();
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 300, "no transaction twice");
    let dates: Vec<_> = all.iter().map(|t| t.date.clone().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
}

#[tokio::test]
async fn an_iterator_fetches_a_page_only_when_its_items_are_wanted() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let request = GetAccountsRequest {
        page: Some(2),
        size: Some(1),
    };
    let first: Vec<_> = client
        .banking()
        .iter_accounts(request)
        .take(1)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    let logged = sandbox.requests();
    let pages: Vec<_> = logged
        .iter()
        .filter(|r| r.path == "/accounting/v1/accounts")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(pages.len(), 1, "{pages:?}");
    assert!(
        pages[0].contains("page=2"),
        "from the request's page: {pages:?}"
    );
}

#[tokio::test]
async fn one_or_several_transactions_by_reference() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let page = client
        .banking()
        .get_transactions(GetTransactionsRequest {
            size: Some(3),
            ..Default::default()
        })
        .await
        .unwrap();
    let references: Vec<String> = page
        .items
        .iter()
        .map(|t| t.payment_reference.clone())
        .collect();

    let one = client
        .banking()
        .get_transaction(GetTransactionRequest::new(&references[0]))
        .await
        .unwrap();
    assert_eq!(one.reference, references[0]);
    assert!(one.details.iter().any(|d| d.title == "Amount"));
    assert!(one.general.unwrap().transaction_type.is_some());

    let several = client
        .banking()
        .get_multiple_transactions(GetMultipleTransactionsRequest {
            payment_references: references.clone(),
        })
        .await
        .unwrap();
    let got: Vec<_> = several.iter().map(|d| d.reference.clone()).collect();
    assert_eq!(got, references);
    let logged = sandbox
        .requests()
        .into_iter()
        .find(|r| r.path == "/accounting/v1/transactions/details")
        .unwrap();
    assert_eq!(
        logged.query.unwrap(),
        format!("payment_references={}", references.join("%2C"))
    );

    let missing = client
        .banking()
        .get_transaction(GetTransactionRequest::new("000000000000"))
        .await
        .unwrap_err();
    assert_eq!(api_error(missing).status, 404);
    let empty = client
        .banking()
        .get_multiple_transactions(GetMultipleTransactionsRequest {
            payment_references: vec![],
        })
        .await
        .unwrap_err();
    // The texts make no rule of it: the server judges an empty list.
    assert!(api_error(empty).errors.contains_key("payment_references"));
}

#[tokio::test]
async fn statements_come_in_three_flavours() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let account = eur_account(&client).await;
    let newest = client
        .banking()
        .get_transactions(GetTransactionsRequest {
            account_number: Some(account.account_number.clone()),
            size: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    let day = day_of(&newest.items[0]).to_string();
    for (flavour, starts) in [
        (DocumentType::MultiCash, ":20:"),
        (DocumentType::Swift, "{1:F01"),
        (DocumentType::Structured, ":20:"),
    ] {
        let request = GenerateStatementRequest::new(&account.account_number, flavour, &day);
        let statement = client.banking().generate_statement(request).await.unwrap();
        let text = &statement.content;
        assert!(text.starts_with(starts), "{flavour}: {text}");
        for tag in [":25:", ":28C:", ":60F:", ":61:", ":86:", ":62F:"] {
            assert!(text.contains(tag), "{flavour} lacks {tag}");
        }
        // Nothing was booked after the newest transaction's day: it closes on the balance.
        assert_eq!(mt940_balance(text, ":62F:"), account.balance.unwrap());
    }
    let logged = sandbox.requests();
    let bodies = logged
        .iter()
        .filter(|r| r.path == "/accounting/v1/accounts/statement")
        .count();
    assert_eq!(bodies, 3);
}

/// A user's month end: list last month's transactions, then get the statement of its last
/// busy day and check it against the list.
#[tokio::test]
async fn a_month_of_transactions_and_its_statement() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    let account = eur_account(&client).await;
    let newest = client
        .banking()
        .get_transactions(GetTransactionsRequest {
            size: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    let (from, to) = previous_month(day_of(&newest.items[0]));

    let month = GetTransactionsRequest {
        account_number: Some(account.account_number.clone()),
        from_date: Some(from.clone()),
        to_date: Some(to.clone()),
        order: Some(SortOrder::Ascending),
        size: Some(50),
        ..Default::default()
    };
    let transactions: Vec<Transaction> = banking::endpoints::get_transactions
        .stream(&client, month)
        .try_collect()
        .await
        .unwrap();
    assert!(transactions.len() > 20, "a busy month");
    assert!(
        transactions
            .iter()
            .all(|t| (from.as_str()..=to.as_str()).contains(&day_of(t)))
    );

    let last_day = day_of(transactions.last().unwrap()).to_string();
    let that_day: Vec<&Transaction> = transactions
        .iter()
        .filter(|t| day_of(t) == last_day)
        .collect();
    let statement = client
        .banking()
        .generate_statement(GenerateStatementRequest::new(
            &account.account_number,
            DocumentType::MultiCash,
            &last_day,
        ))
        .await
        .unwrap()
        .content;
    let lines: Vec<&str> = statement.split("\r\n").collect();
    let entries: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with(":61:"))
        .copied()
        .collect();
    assert_eq!(entries.len(), that_day.len());
    for (line, t) in entries.iter().zip(&that_day) {
        assert!(
            line.ends_with(&format!("//{}", t.payment_reference)),
            "{line}"
        );
    }
    let net: Decimal = that_day
        .iter()
        .map(|t| {
            let amount = t.transaction_amount.unwrap();
            if t.sign == Some(TransactionSign::Credit) {
                amount
            } else {
                -amount
            }
        })
        .sum();
    let opening = mt940_balance(&statement, ":60F:");
    assert_eq!(mt940_balance(&statement, ":62F:"), opening + net);
}

/// The calendar month before the one `day` (`YYYY-MM-DD`) is in, as first and last day.
fn previous_month(day: &str) -> (String, String) {
    let (year, month): (i32, u32) = (day[..4].parse().unwrap(), day[5..7].parse().unwrap());
    let (year, month) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (
        format!("{year:04}-{month:02}-01"),
        format!("{year:04}-{month:02}-{last:02}"),
    )
}

#[tokio::test]
async fn the_api_refuses_what_only_it_can_check() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    // Well formed, but not this merchant's account, and a day that has not happened yet.
    let request = GenerateStatementRequest::new("4099999999", DocumentType::Swift, "2999-01-01");
    let error = api_error(
        client
            .banking()
            .generate_statement(request)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.status, 400);
    assert!(error.errors.contains_key("account_number"), "{error}");
    assert!(error.errors.contains_key("date"), "{error}");

    let request = GetTransactionsRequest {
        account_number: Some("4099999999".into()),
        ..Default::default()
    };
    let error = api_error(
        client
            .banking()
            .get_transactions(request)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.status, 400);
    assert_eq!(error.errors.keys().collect::<Vec<_>>(), ["account_number"]);
}

/// The API texts state no form for dates or limits for the list; the server judges them (the
/// page size is the one check the SDK keeps, for every myPOS list).
#[tokio::test]
async fn malformed_filters_are_judged_by_the_server() {
    let sandbox = common::sandbox().await;
    let client = common::client(&sandbox);
    for (request, field) in [
        (
            GetTransactionsRequest {
                from_date: Some("2025-13-01".into()),
                ..Default::default()
            },
            "from_date",
        ),
        (
            GetTransactionsRequest {
                from_date: Some("2025-05-02".into()),
                to_date: Some("2025-05-01".into()),
                ..Default::default()
            },
            "to_date",
        ),
    ] {
        let error = client
            .banking()
            .get_transactions(request)
            .await
            .unwrap_err();
        let error = api_error(error);
        assert_eq!(error.status, 400);
        assert!(error.errors.contains_key(field), "{error}");
    }
    let statement = GenerateStatementRequest::new("4012345678", DocumentType::Swift, "31.05.2025");
    let error = client
        .banking()
        .generate_statement(statement)
        .await
        .unwrap_err();
    assert_eq!(api_error(error).status / 100, 4);
    let sent = sandbox.requests();
    let business = sent
        .iter()
        .filter(|r| r.path.starts_with("/accounting/"))
        .count();
    assert_eq!(business, 3, "every request was sent: {sent:?}");
    let oversized = GetTransactionsRequest {
        size: Some(101),
        ..Default::default()
    };
    let error = client
        .banking()
        .get_transactions(oversized)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest { field, .. } if field == "size"),
        "{error}"
    );
}

#[test]
fn document_types_are_numbers_on_the_wire_and_names_for_people() {
    let request: GenerateStatementRequest = serde_json::from_value(serde_json::json!({
        "account_number": "4012345678", "document_type": "MT940SWIFT", "date": "2025-05-31"
    }))
    .unwrap();
    assert_eq!(request.document_type, DocumentType::Swift);
    assert_eq!(serde_json::to_value(&request).unwrap()["document_type"], 1);
    assert_eq!(DocumentType::Structured.to_string(), "MT940Structured");
}
