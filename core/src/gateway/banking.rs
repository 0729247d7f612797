//! Banking: accounts, transactions and MT940 statements (`/accounting/v1/...`).
//!
//! Only the accounts and transactions-list paths are attested; the others are this project's
//! choice where the public record is silent, each marked `unverified`.
//!
//! ```no_run
//! # async fn run(merchant: mypos::MerchantClient) -> mypos::Result<()> {
//! use futures::TryStreamExt;
//! use mypos::gateway::banking::{self, DocumentType, GenerateStatementRequest, GetTransactionsRequest};
//!
//! let may = GetTransactionsRequest {
//!     from_date: Some("2025-05-01".into()),
//!     to_date: Some("2025-05-31".into()),
//!     ..Default::default()
//! };
//! let all: Vec<_> = banking::endpoints::get_transactions.stream(&merchant, may).try_collect().await?;
//! let statement = merchant
//!     .banking()
//!     .generate_statement(GenerateStatementRequest::new("4012345678", DocumentType::Swift, "2025-05-31"))
//!     .await?;
//! println!("{} transactions; MT940:\n{}", all.len(), statement.content);
//! # Ok(()) }
//! ```

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::MerchantClient;
use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::{Error, Result};
use crate::page::Page;
use crate::shapes::decode_list;
use crate::transport::{self, Response};

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

crate::paged_request!(GetAccountsRequest, GetTransactionsRequest);

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

crate::string_enum! {
    /// Money in or out of the account. The API's values are `C` and `D`; the names `Credit`
    /// and `Debit` (any case), as the `mypos-api-gateway` SDK writes them, are read as those.
    pub enum TransactionSign {
        /// Money in.
        Credit = "C" | "credit",
        /// Money out.
        Debit = "D" | "debit",
    }
}

crate::code_enum! {
    /// The order of a transaction list, by date (the API's default is newest first).
    pub enum SortOrder {
        /// Oldest first.
        Ascending = 0 as "ascending",
        /// Newest first.
        Descending = 1 as "descending",
    }
}

crate::code_enum! {
    /// The flavour of an MT940 statement.
    pub enum DocumentType {
        /// MT940 MultiCash export (non-SWIFT).
        MultiCash = 0 as "MT940MultiCash",
        /// MT940 in a SWIFT message envelope.
        Swift = 1 as "MT940SWIFT",
        /// MT940 with structured `:86:` subfields.
        Structured = 2 as "MT940Structured",
    }
}

/// Filters for the transaction list, and which page of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTransactionsRequest {
    /// Only this account's transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// From this day on (`YYYY-MM-DD`), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<String>,
    /// Up to this day (`YYYY-MM-DD`), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<String>,
    /// Only money in (`C`) or out (`D`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<TransactionSign>,
    /// `ascending` or `descending` (sent as 0 / 1); newest first by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<SortOrder>,
    /// 1-based page number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

impl ApiRequest for GetTransactionsRequest {}

/// One movement on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transaction {
    /// The transaction's unique reference: the key of `get_transaction`.
    pub payment_reference: String,
    /// The type code (`001` fee, `002` cash withdrawal, `003` outgoing bank transfer, …).
    #[serde(default)]
    pub transaction_type: Option<String>,
    /// The amount booked on the account, in its currency (major units).
    #[serde(default)]
    pub transaction_amount: Option<Decimal>,
    #[serde(default)]
    pub transaction_currency: Option<String>,
    /// The amount the transaction was made for, before any conversion.
    #[serde(default)]
    pub original_amount: Option<Decimal>,
    #[serde(default)]
    pub original_currency: Option<String>,
    /// `C` (money in) or `D` (money out).
    #[serde(default)]
    pub sign: Option<TransactionSign>,
    /// When it was booked (`2025-05-01T10:15:00`).
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub operation_type: Option<String>,
    /// The merchant's own reference, for POS transactions.
    #[serde(default)]
    pub reference_number: Option<String>,
    #[serde(default)]
    pub terminal_id: Option<String>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub account_number: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One transaction, by its payment reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTransactionRequest {
    pub payment_reference: String,
}

impl GetTransactionRequest {
    pub fn new(payment_reference: impl Into<String>) -> Self {
        Self {
            payment_reference: payment_reference.into(),
        }
    }
}

impl ApiRequest for GetTransactionRequest {}

/// Several transactions at once, by their payment references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetMultipleTransactionsRequest {
    /// Sent as one comma-separated value.
    pub payment_references: Vec<String>,
}

impl ApiRequest for GetMultipleTransactionsRequest {
    fn validate(&self) -> Result<()> {
        // Not a rule of the API: the list travels comma-joined, so a comma would split a
        // reference in two and ask for transactions nobody named.
        for (i, reference) in self.payment_references.iter().enumerate() {
            if reference.contains(',') {
                return Err(Error::invalid(
                    format!("payment_references[{i}]"),
                    format!(
                        "cannot contain a comma (the list is sent comma-joined), got {reference:?}"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A transaction's details: a summary and titled lines, as the myPOS account shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TransactionDetails {
    /// The transaction's payment reference.
    pub reference: String,
    #[serde(default)]
    pub general: Option<TransactionSummary>,
    /// Titled values; a line with an empty value titles the section that follows.
    #[serde(default)]
    pub details: Vec<TransactionDetail>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for TransactionDetails {}

impl ApiResponse for Vec<TransactionDetails> {
    /// A bare list, or a list inside an envelope (`{"items": [...]}`).
    fn decode(response: &Response) -> Result<Self> {
        decode_list(response)
    }
}

/// What kind of transaction it is. The API spells these keys in camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TransactionSummary {
    #[serde(default, rename = "canRequestReversal")]
    pub can_request_reversal: Option<bool>,
    #[serde(default, rename = "isFee")]
    pub is_fee: Option<bool>,
    #[serde(default, rename = "isReversal")]
    pub is_reversal: Option<bool>,
    #[serde(default, rename = "transactionType")]
    pub transaction_type: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One titled value of a transaction's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TransactionDetail {
    pub title: String,
    #[serde(default)]
    pub value: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An MT940 statement of one account for one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateStatementRequest {
    pub account_number: String,
    /// `MT940MultiCash`, `MT940SWIFT` or `MT940Structured` (sent as 0, 1 or 2).
    pub document_type: DocumentType,
    /// The day (`YYYY-MM-DD`).
    pub date: String,
}

impl GenerateStatementRequest {
    pub fn new(
        account_number: impl Into<String>,
        document_type: DocumentType,
        date: impl Into<String>,
    ) -> Self {
        Self {
            account_number: account_number.into(),
            document_type,
            date: date.into(),
        }
    }
}

impl ApiRequest for GenerateStatementRequest {}

/// An MT940 statement: the file's text, lines separated by CRLF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    pub content: String,
}

impl ApiResponse for Statement {
    /// The API answers with the statement text itself, not a JSON object.
    fn decode(response: &Response) -> Result<Self> {
        transport::decode_text(response).map(|content| Statement { content })
    }
}

crate::operations! {
    /// Accounts, transactions and statements.
    pub struct Banking<MerchantClient> as "banking" {
        /// List the merchant's accounts, a page at a time.
        get_accounts(GetAccountsRequest) -> Page<Account> = GET "/accounting/v1/accounts", iterated by iter_accounts;
        /// List account transactions, newest first unless `order` says otherwise, a page at a time.
        get_transactions(GetTransactionsRequest) -> Page<Transaction> = GET "/accounting/v1/transactions", iterated by iter_transactions;
        /// One transaction's details, by payment reference. Path unverified.
        // unverified: path is the project's choice; not in any public source.
        get_transaction(GetTransactionRequest) -> TransactionDetails = GET "/accounting/v1/transactions/{payment_reference}";
        /// Several transactions' details at once, by payment reference. Path unverified.
        // unverified: path is the project's choice; not in any public source.
        /// Takes the references positionally, as `getMultipleTransactions(['REF1', 'REF2'])`.
        get_multiple_transactions(GetMultipleTransactionsRequest, payment_references) -> Vec<TransactionDetails> = GET "/accounting/v1/transactions/details";
        /// An account's MT940 statement for one day, as text. Path unverified.
        // unverified: path is the project's choice (body from the legacy API); not in any public source.
        generate_statement(GenerateStatementRequest) -> Statement = POST "/accounting/v1/accounts/statement";
    }
}
