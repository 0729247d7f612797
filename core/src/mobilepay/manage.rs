//! Point-of-sale management: the merchant's long-lived access token, the MobilePay point of
//! sale of a terminal, stores, and whether a customer is checked in.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::MobilePayPos;
use super::envelope::payload;
use super::payments::{Message, TerminalRequest};
use crate::endpoint::ApiRequest;

/// Nothing but the merchant's credentials, which the client adds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MobilePayNoArguments")]
pub struct NoArguments {}

impl ApiRequest for NoArguments {}

/// An access token: shown to the program that asked for it, never in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    /// The token's text, to store and to make a client with.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl JsonSchema for Token {
    fn schema_name() -> Cow<'static, str> {
        "MobilePayToken".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "description": "An access token; keep it secret." })
    }
}

/// A new long-lived access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MobilePayAccessToken")]
pub struct AccessToken {
    /// The token. Make a client with it (`with_access_token`) and keep it secret.
    // unverified: the API text names no field for the token; the answer's one field is
    // `message`, and `accessToken` is read too.
    #[serde(alias = "accessToken")]
    pub message: Token,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What MobilePay knows of a terminal's point of sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayPosInformation")]
pub struct PosInformation {
    /// MobilePay's id of the point of sale (not the terminal id).
    #[serde(default)]
    pub pos_id: Option<String>,
    /// The merchant's own id of the point of sale.
    #[serde(default)]
    pub merchant_pos_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
    /// The beacon customers check in with (15 digits or a GUID).
    #[serde(default)]
    pub beacon_id: Option<String>,
    /// `QR`, `NFC`, `Bluetooth`…
    // The API text's sample shows one string, MobilePay v10 a list: both are read.
    #[serde(default, deserialize_with = "list_or_text")]
    pub supported_beacon_types: Vec<String>,
    /// Whether a customer may check in only once a payment is waiting.
    // The API text's sample shows a string, MobilePay v10 a boolean: both are read.
    #[serde(default, deserialize_with = "bool_or_text")]
    pub require_payment_before_checkin: Option<bool>,
    #[serde(default)]
    pub callback_alias: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The token `manage.reset_token` replaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayResetTokenRequest")]
pub struct ResetTokenRequest {
    /// The token to replace; the client's own when left out. It stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_access_token: Option<String>,
}

impl ApiRequest for ResetTokenRequest {}

/// The ids of stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayStoreIds")]
pub struct StoreIds {
    /// Required: an answer without it is a decoding error, never an empty list.
    pub store_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One store, by its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayStoreRequest")]
pub struct StoreRequest {
    pub store_id: String,
}

impl ApiRequest for StoreRequest {}

/// A store (MobilePay v10's fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayStore")]
pub struct Store {
    pub store_id: String,
    #[serde(default)]
    pub store_name: Option<String>,
    #[serde(default)]
    pub store_street: Option<String>,
    #[serde(default)]
    pub store_zip_code: Option<String>,
    #[serde(default)]
    pub store_city: Option<String>,
    #[serde(default)]
    pub brand_name: Option<String>,
    #[serde(default)]
    pub merchant_brand_id: Option<String>,
    #[serde(default)]
    pub merchant_location_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A point of sale, by MobilePay's posId.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPosIdRequest")]
pub struct PosRequest {
    /// MobilePay's id of the point of sale (not the terminal id).
    pub pos_id: String,
}

impl ApiRequest for PosRequest {}

/// Whether a customer is checked in on a point of sale (MobilePay v10's fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayCheckIn")]
pub struct CheckIn {
    pub is_user_checked_in: bool,
    #[serde(default)]
    pub loyalty_ids: Option<Vec<String>>,
    #[serde(default)]
    pub customer_token: Option<String>,
    #[serde(default)]
    pub customer_receipt_token: Option<String>,
    /// Wait at least this long before asking again.
    #[serde(default)]
    pub poll_delay_in_ms: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload!(
    AccessToken,
    PosInformation = "posInformation",
    StoreIds,
    Store = "storeInformation",
    CheckIn = "checkinInformation",
);

crate::operations! {
    /// MobilePay point-of-sale management.
    pub struct Manage<MobilePayPos> as "manage" {
        /// Creates a long-lived access token for the merchant (the one call that needs none);
        /// the API creates one only while the merchant has none.
        create_token(NoArguments) -> AccessToken = POST "/api/pos/manage/token";
        /// Replaces an access token (the client's own unless `previous_access_token` is
        /// given) with a new one; the old one stops working. The text lists a GET form only.
        reset_token(ResetTokenRequest) -> AccessToken = GET once "/api/pos/manage/token/reset";
        /// Creates the MobilePay point of sale of a terminal; allowed only while the terminal
        /// has none. The message is the new posId.
        // unverified: that the message is the posId.
        create_pos(TerminalRequest) -> Message = POST "/api/pos/manage/create";
        /// Deletes a terminal's point of sale: no new payments; reserved ones can still be
        /// captured or cancelled.
        // The text lists GET and DELETE and no POST form; DELETE says what the call does.
        delete_pos(TerminalRequest) -> Message = DELETE once "/api/pos/manage/delete";
        /// What MobilePay knows of a terminal's point of sale.
        terminal_information(TerminalRequest) -> PosInformation = GET "/api/pos/manage/terminal/information";
        /// The ids of the merchant's stores.
        store_ids(NoArguments) -> StoreIds = GET "/api/pos/manage/stores";
        /// One store.
        store(StoreRequest) -> Store = GET "/api/pos/manage/store";
        /// Who is checked in on a point of sale, by MobilePay's posId.
        // unverified: the answer's fields are MobilePay v10's.
        check_in_by_pos_id(PosRequest) -> CheckIn = GET "/api/pos/manage/checkInStatus/byposId";
        /// Who is checked in at a terminal.
        // unverified: the answer's fields are MobilePay v10's.
        check_in_by_terminal(TerminalRequest) -> CheckIn = GET "/api/pos/manage/checkInStatus/byterminalId";
    }
}

/// A list, or one string of comma-separated values.
fn list_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => vec![],
        Some(Value::String(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        Some(other) => vec![other.to_string()],
    })
}

/// A boolean, or its text (`"true"`, `"False"`).
fn bool_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pos_information_reads_the_samples_shapes() {
        let sample: PosInformation = serde_json::from_value(json!({
            "posId": "p", "supportedBeaconTypes": "QR, NFC", "requirePaymentBeforeCheckin": "True"
        }))
        .unwrap();
        assert_eq!(sample.supported_beacon_types, ["QR", "NFC"]);
        assert_eq!(sample.require_payment_before_checkin, Some(true));
        let v10: PosInformation = serde_json::from_value(json!({
            "supportedBeaconTypes": ["QR"], "requirePaymentBeforeCheckin": false
        }))
        .unwrap();
        assert_eq!(v10.supported_beacon_types, ["QR"]);
        assert_eq!(v10.require_payment_before_checkin, Some(false));
    }

    #[test]
    fn tokens_do_not_show_in_debug() {
        let answer: AccessToken = serde_json::from_value(json!({"message": "SECRET"})).unwrap();
        assert!(!format!("{answer:?}").contains("SECRET"));
        assert_eq!(answer.message.expose(), "SECRET");
        assert_eq!(
            serde_json::to_value(&answer).unwrap(),
            json!({"message": "SECRET"})
        );
    }
}
