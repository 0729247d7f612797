//! Card accounts (`/v1/card-accounts`): the holder's card accounts, their balances and
//! transactions, within what the consent named by `consent_id` allows.

use futures::Stream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::ApiResponse;
use crate::error::Result;
use crate::transport::Response;

use super::Psd2Client;
use super::accounts::{
    AccountRequest, Balances, BalancesRequest, ListAccountsRequest, TransactionPage,
    TransactionsRequest, stream, unwrap_single,
};
use super::model::{
    AccountStatus, Balance, BookingStatus, CurrencyAmount, Links, decode_normalised,
};

/// A card account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2CardAccountDetails")]
pub struct CardAccountDetails {
    /// The id the other card-account calls take (`account_id`).
    #[serde(default)]
    pub resource_id: Option<String>,
    /// The card number with most digits hidden.
    #[serde(default)]
    pub masked_pan: Option<String>,
    /// ISO 4217.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub status: Option<AccountStatus>,
    #[serde(default)]
    pub owner_name: Option<String>,
    #[serde(default)]
    pub credit_limit: Option<CurrencyAmount>,
    /// Present when the bank includes them.
    #[serde(default)]
    pub balances: Vec<Balance>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn normalise_card(value: &mut Value) {
    if value.get("resourceId").is_none()
        && let Some(number) = value.get("accountNumber").cloned()
    {
        value["resourceId"] = number;
    }
}

impl ApiResponse for CardAccountDetails {
    fn decode(response: &Response) -> Result<Self> {
        // The standard wraps one card account in `{"cardAccount": {…}}`; myPOS answers it bare.
        decode_normalised(response, |value| {
            unwrap_single(value, "cardAccount");
            normalise_card(value);
        })
    }
}

/// The holder's card accounts under a consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2CardAccountList")]
pub struct CardAccountList {
    /// myPOS calls the list `accounts`, the standard `cardAccounts`.
    #[serde(alias = "accounts")]
    pub card_accounts: Vec<CardAccountDetails>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for CardAccountList {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, |value| {
            for key in ["cardAccounts", "accounts"] {
                if let Some(Value::Array(list)) = value.get_mut(key) {
                    list.iter_mut().for_each(normalise_card);
                }
            }
        })
    }
}

/// One movement on a card account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2CardTransaction")]
pub struct CardTransaction {
    /// `booked` or `pending`: which list of the answer it came from.
    #[serde(default)]
    pub booking_status: Option<BookingStatus>,
    #[serde(default)]
    pub card_transaction_id: Option<String>,
    /// Negative for money out.
    #[serde(default)]
    pub transaction_amount: Option<CurrencyAmount>,
    /// The amount in the currency the card was used in.
    #[serde(default)]
    pub original_amount: Option<CurrencyAmount>,
    #[serde(default)]
    pub transaction_date: Option<String>,
    #[serde(default)]
    pub booking_date: Option<String>,
    #[serde(default)]
    pub card_acceptor_id: Option<String>,
    #[serde(default)]
    pub masked_pan: Option<String>,
    #[serde(default)]
    pub transaction_details: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

crate::operations! {
    /// The holder's card accounts, their balances and transactions.
    pub struct CardAccounts<Psd2Client> as "card_accounts" {
        /// List the card accounts the consent covers.
        list(ListAccountsRequest) -> CardAccountList = GET "/v1/card-accounts";
        /// Read one card account.
        get(AccountRequest) -> CardAccountDetails = GET "/v1/card-accounts/{accountId}";
        /// Read a card account's balances.
        get_balances(BalancesRequest) -> Balances = GET "/v1/card-accounts/{accountId}/balances";
        /// List a card account's transactions by booking status and dates, a page at a time.
        get_transactions(TransactionsRequest) -> TransactionPage<CardTransaction> = GET "/v1/card-accounts/{accountId}/transactions";
    }
}

impl CardAccounts<'_> {
    /// Every card transaction from `request`'s page on, fetching pages as they are consumed.
    pub fn iter_transactions(
        &self,
        request: TransactionsRequest,
    ) -> impl Stream<Item = Result<CardTransaction>> + Send + '_ {
        stream(&endpoints::get_transactions, self.0, request)
    }
}
