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

// The Gateway's requests make no format checks of their own (the API texts state none; the
// server judges). PSD2's requests, whose standard does state these forms, share them.

/// Checks the form of an ISO 4217 code; whether the terminal takes it is the API's call.
pub(crate) fn check_currency(field: &str, value: &str) -> Result<()> {
    if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a 3-letter ISO 4217 code such as \"EUR\", got {value:?}"),
        ))
    }
}

/// Checks a `YYYY-MM-DD` date.
pub(crate) fn check_date(field: &str, value: &str) -> Result<()> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if shaped && digits(0..4) && digits(5..7) && digits(8..10) {
        let month: u32 = value[5..7].parse().unwrap_or(0);
        let day: u32 = value[8..10].parse().unwrap_or(0);
        if (1..=12).contains(&month) && (1..=31).contains(&day) {
            return Ok(());
        }
    }
    Err(Error::invalid(
        field,
        format!("must be a date as YYYY-MM-DD, got {value:?}"),
    ))
}

/// Checks a free-text field's length in characters.
pub(crate) fn check_length(field: &str, value: &str, max: usize) -> Result<()> {
    let length = value.chars().count();
    if length <= max {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be at most {max} characters, got {length}"),
        ))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked() {
        assert!(check_currency("c", "EUR").is_ok());
        for bad in ["eur", "EU", "EURO", "E1R"] {
            assert!(check_currency("c", bad).is_err(), "{bad}");
        }
        assert!(check_date("d", "2025-10-27").is_ok());
        for bad in [
            "2025-13-01",
            "2025-1-01",
            "27.10.2025",
            "2025-10-27T00:00:00",
        ] {
            assert!(check_date("d", bad).is_err(), "{bad}");
        }
        assert!(check_length("r", &"é".repeat(50), 50).is_ok());
        assert!(check_length("r", &"x".repeat(51), 50).is_err());
    }
}
