//! Banking: accounts, transactions and statements (`/accounting/v1/...`).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::MerchantClient;
use crate::endpoint::{ApiRequest, ApiResponse};
use crate::page::Page;

/// Which page of a list, and how many items on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetAccountsRequest {
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for GetAccountsRequest {}

crate::paged_request!(GetAccountsRequest);

/// A merchant account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Account {
    pub account_number: String,
    #[serde(default)]
    pub iban: Option<String>,
    /// ISO 4217 code.
    pub currency: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Decimal amount in major units, as a string (`"1520.35"`).
    #[serde(default)]
    pub balance: Option<Decimal>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Account {}

crate::operations! {
    /// Accounts, transactions and statements.
    pub struct Banking<MerchantClient> as "banking" {
        /// List the merchant's accounts, a page at a time.
        get_accounts(GetAccountsRequest) -> Page<Account> = GET "/accounting/v1/accounts";
    }
}
