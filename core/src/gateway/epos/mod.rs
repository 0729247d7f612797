//! ePOS: card payments started from the API and completed on a myPOS terminal
//! (`/epos/v1/...`), and the terminals themselves (`/pos/v1/terminals...`).
//!
//! ```no_run
//! # async fn run(merchant: mypos::MerchantClient) -> mypos::Result<()> {
//! use mypos::gateway::epos::payments::{CreatePaymentRequest, PaymentAmount};
//!
//! let payment = merchant
//!     .epos()
//!     .payments()
//!     .create(CreatePaymentRequest::new("12345678", PaymentAmount::new(2500, "EUR")))
//!     .await?;
//! # Ok(()) }
//! ```

pub mod payments;
mod reconcile;
mod status;
pub mod terminals;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;

pub use payments::Payments;
pub use status::{PaymentStatus, TerminalStatus};
pub use terminals::Terminals;

use crate::MerchantClient;
use crate::endpoint::Operation;
use crate::error::{Error, Result};
use crate::transport::{self, Response};

/// Payments on terminals, and the terminals.
#[derive(Clone, Copy)]
pub struct Epos<'a>(pub(crate) &'a MerchantClient);

impl<'a> Epos<'a> {
    /// Start, follow, cancel, reverse and refund card payments on a terminal.
    pub fn payments(&self) -> Payments<'a> {
        Payments(self.0)
    }

    /// The merchant's terminals, their transactions and receipts.
    pub fn terminals(&self) -> Terminals<'a> {
        Terminals(self.0)
    }
}

/// Every ePOS endpoint, for hosts and typings.
pub fn operations() -> Vec<&'static dyn Operation<MerchantClient>> {
    [payments::endpoints::all(), terminals::endpoints::all()].concat()
}

/// The answer of a call that answers with no content (HTTP 204): whatever the body holds, if
/// anything, is ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Empty)
    }
}

impl JsonSchema for Empty {
    fn schema_name() -> Cow<'static, str> {
        "Empty".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "null" })
    }
}

impl crate::endpoint::ApiResponse for Empty {}

// No request here checks formats of its own: the API texts state none, so the server judges.

/// Decodes a list the documentation shows in several shapes: a bare array, an object with one
/// array member (`{"models": [...]}`), or a single object (read as a list of one).
pub(crate) fn decode_list<T: DeserializeOwned>(response: &Response) -> Result<Vec<T>> {
    let value: Value = transport::decode_json(response)?;
    let list = match value {
        Value::Null => Value::Array(vec![]),
        Value::Array(_) => value,
        Value::Object(mut map) => {
            let arrays: Vec<String> = map
                .iter()
                .filter(|(_, v)| v.is_array())
                .map(|(k, _)| k.clone())
                .collect();
            match arrays.as_slice() {
                [key] => map.remove(key).unwrap_or_default(),
                _ => Value::Array(vec![Value::Object(map)]),
            }
        }
        other => other,
    };
    serde_json::from_value(list).map_err(|e| Error::Decode {
        status: response.status.as_u16(),
        message: e.to_string(),
    })
}
