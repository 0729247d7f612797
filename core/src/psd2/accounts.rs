//! Account information (`/v1/accounts`): the holder's payment accounts, their balances and
//! their transactions, within what the consent named by `consent_id` allows.

use futures::{Stream, TryStreamExt};
use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse, Endpoint};
use crate::error::{Error, Result};
use crate::transport::Response;

use super::Psd2Client;
use super::model::{
    self, AccountReference, AccountStatus, Balance, BookingStatus, CONSENT_ID, CurrencyAmount,
    Headers, Links, PSU_IP_ADDRESS, decode_normalised,
};

/// The holder's accounts under a consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2ListAccountsRequest")]
pub struct ListAccountsRequest {
    /// The consent the call reads under (`Consent-ID`). Optional: the API text's reads send
    /// only the holder's token, which names its consent (the standard requires the header).
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// Include each account's balances (the consent must grant them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_balance: Option<bool>,
    /// The holder's IP address when they asked for this read themselves (`PSU-IP-Address`);
    /// reads without it count against the consent's `frequencyPerDay`.
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
}

impl ListAccountsRequest {
    pub fn new(consent_id: impl Into<String>) -> Self {
        Self {
            consent_id: Some(consent_id.into()),
            with_balance: None,
            psu_ip_address: None,
        }
    }
}

/// The request fields every account-information read sends as headers.
const READ_HEADERS: &[(&str, &str)] = &[
    ("consentId", "Consent-ID"),
    ("psuIpAddress", "PSU-IP-Address"),
];

/// The headers every account-information read sends.
pub(crate) fn read_headers(
    consent_id: Option<&str>,
    psu_ip_address: Option<&str>,
) -> Result<HeaderMap> {
    Headers::default()
        .put(CONSENT_ID, "consent_id", consent_id)?
        .put(PSU_IP_ADDRESS, "psu_ip_address", psu_ip_address)?
        .done()
}

impl ApiRequest for ListAccountsRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = READ_HEADERS;

    fn headers(&self) -> Result<HeaderMap> {
        read_headers(self.consent_id.as_deref(), self.psu_ip_address.as_deref())
    }
}

/// One account under a consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2AccountRequest")]
pub struct AccountRequest {
    /// The account's `resourceId`.
    pub account_id: String,
    /// The consent the call reads under (`Consent-ID`). Optional: the API text's reads send
    /// only the holder's token, which names its consent (the standard requires the header).
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// Include the account's balances (the consent must grant them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_balance: Option<bool>,
    /// The holder's IP address when they asked for this read themselves (`PSU-IP-Address`).
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
}

impl AccountRequest {
    pub fn new(account_id: impl Into<String>, consent_id: impl Into<String>) -> Self {
        Self {
            account_id: account_id.into(),
            consent_id: Some(consent_id.into()),
            with_balance: None,
            psu_ip_address: None,
        }
    }
}

impl ApiRequest for AccountRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = READ_HEADERS;

    fn headers(&self) -> Result<HeaderMap> {
        read_headers(self.consent_id.as_deref(), self.psu_ip_address.as_deref())
    }
}

/// The balances of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2BalancesRequest")]
pub struct BalancesRequest {
    /// The account's `resourceId`.
    pub account_id: String,
    /// The consent the call reads under (`Consent-ID`). Optional: the API text's reads send
    /// only the holder's token, which names its consent (the standard requires the header).
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// The holder's IP address when they asked for this read themselves (`PSU-IP-Address`).
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
}

impl BalancesRequest {
    pub fn new(account_id: impl Into<String>, consent_id: impl Into<String>) -> Self {
        Self {
            account_id: account_id.into(),
            consent_id: Some(consent_id.into()),
            psu_ip_address: None,
        }
    }
}

impl ApiRequest for BalancesRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = READ_HEADERS;

    fn headers(&self) -> Result<HeaderMap> {
        read_headers(self.consent_id.as_deref(), self.psu_ip_address.as_deref())
    }
}

/// One page of an account's transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2TransactionsRequest")]
pub struct TransactionsRequest {
    /// The account's `resourceId`.
    pub account_id: String,
    /// The consent the call reads under (`Consent-ID`). Optional: the API text's reads send
    /// only the holder's token, which names its consent (the standard requires the header).
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// `booked`, `pending` or `both`. Optional: the API text names no query parameters (the
    /// standard requires this one; the sandbox answers `both` without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_status: Option<BookingStatus>,
    /// From this day (`YYYY-MM-DD`), inclusive. The bank may require it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_from: Option<String>,
    /// Up to this day (`YYYY-MM-DD`), inclusive; today by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_to: Option<String>,
    /// Include the account's balances (the consent must grant them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_balance: Option<bool>,
    /// 1-based page number (default 1).
    // unverified: myPOS names a `pagination` (page size, current page, total
    // count) without its query parameters; `page` and `size` are the project's choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Transactions per page, 1 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// The holder's IP address when they asked for this read themselves (`PSU-IP-Address`).
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
}

impl TransactionsRequest {
    pub fn new(
        account_id: impl Into<String>,
        consent_id: impl Into<String>,
        booking_status: BookingStatus,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            consent_id: Some(consent_id.into()),
            booking_status: Some(booking_status),
            date_from: None,
            date_to: None,
            with_balance: None,
            page: None,
            size: None,
            psu_ip_address: None,
        }
    }
}

impl ApiRequest for TransactionsRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = READ_HEADERS;

    fn headers(&self) -> Result<HeaderMap> {
        read_headers(self.consent_id.as_deref(), self.psu_ip_address.as_deref())
    }
}

crate::paged_request!(TransactionsRequest);

/// A payment account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2AccountDetails")]
pub struct AccountDetails {
    /// The id the other account calls take (`account_id`).
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub bban: Option<String>,
    /// ISO 4217.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    /// ISO 20022 cash account type (myPOS: e-money accounts).
    #[serde(default)]
    pub cash_account_type: Option<String>,
    #[serde(default)]
    pub status: Option<AccountStatus>,
    #[serde(default)]
    pub bic: Option<String>,
    #[serde(default)]
    pub owner_name: Option<String>,
    /// Present when asked for with `with_balance`.
    #[serde(default)]
    pub balances: Vec<Balance>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// myPOS names an account by `accountNumber`; the standard by `resourceId`.
fn normalise_account(value: &mut Value) {
    if value.get("resourceId").is_none()
        && let Some(number) = value.get("accountNumber").cloned()
    {
        value["resourceId"] = number;
    }
}

impl ApiResponse for AccountDetails {
    fn decode(response: &Response) -> Result<Self> {
        // The standard wraps one account in `{"account": {…}}`; myPOS answers it bare.
        decode_normalised(response, |value| {
            unwrap_single(value, "account");
            normalise_account(value);
        })
    }
}

/// `{"<key>": {…}}` with nothing else → the inner object.
pub(crate) fn unwrap_single(value: &mut Value, key: &str) {
    if let Value::Object(map) = value
        && map.len() == 1
        && map.get(key).is_some_and(Value::is_object)
    {
        *value = map.remove(key).unwrap_or_default();
    }
}

/// The holder's accounts under a consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2AccountList")]
pub struct AccountList {
    pub accounts: Vec<AccountDetails>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for AccountList {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, |value| {
            if let Some(Value::Array(accounts)) = value.get_mut("accounts") {
                accounts.iter_mut().for_each(normalise_account);
            }
        })
    }
}

/// An account's balances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Balances")]
pub struct Balances {
    /// The payment account, for `accounts.get_balances`.
    #[serde(default)]
    pub account: Option<AccountReference>,
    /// The card account, for `card_accounts.get_balances`.
    #[serde(default)]
    pub card_account: Option<AccountReference>,
    pub balances: Vec<Balance>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Balances {}

/// One movement on a payment account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Transaction")]
pub struct Transaction {
    /// `booked` or `pending`: which list of the answer it came from.
    #[serde(default)]
    pub booking_status: Option<BookingStatus>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub entry_reference: Option<String>,
    #[serde(default)]
    pub end_to_end_id: Option<String>,
    /// Negative for money out.
    #[serde(default)]
    pub transaction_amount: Option<CurrencyAmount>,
    /// `YYYY-MM-DD`; pending transactions have none.
    #[serde(default)]
    pub booking_date: Option<String>,
    #[serde(default)]
    pub value_date: Option<String>,
    #[serde(default)]
    pub creditor_name: Option<String>,
    #[serde(default)]
    pub creditor_account: Option<AccountReference>,
    #[serde(default)]
    pub debtor_name: Option<String>,
    #[serde(default)]
    pub debtor_account: Option<AccountReference>,
    #[serde(default)]
    pub remittance_information_unstructured: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of a transaction list: the standard's `booked` and `pending` lists (or myPOS's
/// flat list) as one list of items, each tagged with its `booking_status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "{T}Page")]
pub struct TransactionPage<T> {
    /// The payment account (account transactions).
    #[serde(default)]
    pub account: Option<AccountReference>,
    /// The card account (card transactions).
    #[serde(default)]
    pub card_account: Option<AccountReference>,
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    /// When the API says.
    #[serde(default)]
    pub total_pages: Option<u32>,
    /// When the API says.
    #[serde(default)]
    pub total_count: Option<u64>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// Present when asked for with `with_balance`.
    #[serde(default)]
    pub balances: Vec<Balance>,
    /// The report's links (`next`, `previous`, `account`…).
    #[serde(rename = "_links", default)]
    pub links: Links,
}

impl<T> ApiResponse for TransactionPage<T>
where
    T: Serialize + DeserializeOwned + JsonSchema + Send + 'static,
{
    const PAGED: bool = true;

    fn decode(response: &Response) -> Result<Self> {
        let mut value: Value = crate::transport::decode_json(response)?;
        let page = transaction_page(&mut value);
        serde_json::from_value(page).map_err(|e| Error::Decode {
            status: response.status.as_u16(),
            message: e.to_string(),
        })
    }
}

/// The answer's report (`transactions` or `cardTransactions`, split by booking status or
/// flat) and paging (`pagination`, or the report's `_links.next`) as a page.
fn transaction_page(value: &mut Value) -> Value {
    let take = |value: &mut Value, key: &str| value.as_object_mut().and_then(|m| m.remove(key));
    let report = take(value, "transactions")
        .or_else(|| take(value, "cardTransactions"))
        .unwrap_or(Value::Array(vec![]));
    let mut items = Vec::new();
    let mut links = Value::Object(Map::new());
    let mut tag = |list: Vec<Value>, status: Option<&str>| {
        for mut item in list {
            if let (Value::Object(map), Some(status)) = (&mut item, status) {
                map.entry("bookingStatus").or_insert(Value::from(status));
            }
            // myPOS: `transactionAmount` a number with `transactionCurrency` and `sign`.
            model::amount_object(
                &mut item,
                "transactionAmount",
                "transactionCurrency",
                Some("sign"),
            );
            items.push(item);
        }
    };
    match report {
        Value::Array(list) => tag(list, None),
        Value::Object(mut split) => {
            for status in ["booked", "pending", "information"] {
                if let Some(Value::Array(list)) = split.remove(status) {
                    tag(list, Some(status));
                }
            }
            if let Some(found) = split.remove("_links") {
                links = found;
            }
        }
        _ => {}
    }
    let paging = take(value, "pagination").unwrap_or(Value::Object(Map::new()));
    let number = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| paging.get(*k).and_then(Value::as_u64))
    };
    let page = number(&["page", "currentPage"]).unwrap_or(1).max(1);
    let page_size = number(&["pageSize", "size"]).unwrap_or(items.len() as u64);
    let total_count = number(&["totalCount", "total"]);
    let total_pages = number(&["totalPages"]).or_else(|| {
        let (count, size) = (total_count?, page_size);
        (size > 0).then(|| count.div_ceil(size))
    });
    let has_next = links.get("next").is_some() || total_pages.is_some_and(|total| page < total);
    let has_previous = links.get("previous").is_some() || page > 1;
    if links.as_object().is_some_and(Map::is_empty)
        && let Some(found) = take(value, "_links")
    {
        links = found;
    }
    serde_json::json!({
        "account": value.get("account"),
        "cardAccount": value.get("cardAccount"),
        "items": items,
        "page": page,
        "pageSize": page_size,
        "totalPages": total_pages,
        "totalCount": total_count,
        "hasNextPage": has_next,
        "hasPreviousPage": has_previous,
        "balances": value.get("balances").cloned().unwrap_or(Value::Array(vec![])),
        "_links": links,
    })
}

/// Every item of a transaction list from `request`'s page on, fetching one page at a time,
/// only when the items before it have been consumed.
pub(crate) fn stream<'a, Req, T>(
    endpoint: &'a Endpoint<Req, TransactionPage<T>, Psd2Client>,
    client: &'a Psd2Client,
    request: Req,
) -> impl Stream<Item = Result<T>> + Send + 'a
where
    Req: ApiRequest + crate::endpoint::PagedRequest + Send + 'a,
    T: Serialize + DeserializeOwned + JsonSchema + Send + 'static,
{
    let first = request.page().unwrap_or(1);
    futures::stream::try_unfold(Some((request, first)), move |state| async move {
        let Some((mut request, page)) = state else {
            return Ok::<_, Error>(None);
        };
        request.set_page(page);
        let answer = endpoint.call(client, &request).await?;
        // A next page announced after an empty one would keep the iterator asking forever:
        // the list ends there.
        let next = (answer.has_next_page && !answer.items.is_empty())
            .then(|| page.checked_add(1).map(|next| (request, next)))
            .flatten();
        Ok(Some((
            futures::stream::iter(answer.items.into_iter().map(Ok)),
            next,
        )))
    })
    .try_flatten()
}

crate::operations! {
    /// The holder's payment accounts, their balances and transactions.
    pub struct Accounts<Psd2Client> as "accounts" {
        /// List the accounts the consent covers, with their balances if `with_balance`.
        list(ListAccountsRequest) -> AccountList = GET "/v1/accounts";
        /// Read one account.
        get(AccountRequest) -> AccountDetails = GET "/v1/accounts/{accountId}";
        /// Read an account's balances.
        get_balances(BalancesRequest) -> Balances = GET "/v1/accounts/{accountId}/balances";
        /// List an account's transactions by booking status and dates, a page at a time.
        get_transactions(TransactionsRequest) -> TransactionPage<Transaction> = GET "/v1/accounts/{accountId}/transactions";
    }
}

impl Accounts<'_> {
    /// Every transaction from `request`'s page on, fetching pages as they are consumed.
    pub fn iter_transactions(
        &self,
        request: TransactionsRequest,
    ) -> impl Stream<Item = Result<Transaction>> + Send + '_ {
        stream(&endpoints::get_transactions, self.0, request)
    }
}
