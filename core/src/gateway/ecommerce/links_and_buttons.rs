//! What payment links and payment buttons share: their status, what creating one answers, and
//! the payments made through them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::ApiResponse;

crate::string_enum! {
    /// Whether a payment link or button can be paid.
    pub enum LinkStatus {
        Active = "Active",
        /// Switched off with `enable: false`.
        Disabled = "Disabled",
        /// Past its `expired_date`.
        Expired = "Expired",
    }
}

/// What a create call answers: the new code and the address to share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Created {
    /// The page customers pay on.
    pub url: String,
    /// The key of `get`, `update` and `delete`.
    #[serde(default)]
    pub code: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Created {}

/// A payment made through a link or button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OnlineTransaction {
    pub payment_reference: String,
    /// The code of the link or button paid through.
    #[serde(default)]
    pub code: Option<String>,
    /// In major units.
    #[serde(default)]
    pub amount: Option<rust_decimal::Decimal>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub quantity: Option<u32>,
    /// When it was paid (`2025-05-01T10:15:00`).
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
