//! The Berlin Group shapes the PSD2 services share: account references, amounts, balances,
//! links, statuses, and the header fields requests carry.
//!
//! Answers are read tolerantly: myPOS's pages describe a dialect of the
//! standard, so each answer is normalised into the standard's shape before it is typed.

use std::collections::BTreeMap;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::transport::{self, Response};

/// A reference to an account: by IBAN for payment accounts, by masked PAN for card accounts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2AccountReference")]
pub struct AccountReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pan: Option<String>,
    /// A card number with most digits hidden (`525412******3241`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_pan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msisdn: Option<String>,
    /// ISO 4217, for multi-currency accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccountReference {
    /// A reference by IBAN.
    pub fn iban(iban: impl Into<String>) -> Self {
        Self {
            iban: Some(iban.into()),
            ..Self::default()
        }
    }

    /// A reference by masked PAN (card accounts).
    pub fn masked_pan(masked_pan: impl Into<String>) -> Self {
        Self {
            masked_pan: Some(masked_pan.into()),
            ..Self::default()
        }
    }
}

/// An amount of money: a decimal string and its currency. Signed in transactions (a debit is
/// negative), positive in what a request instructs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2CurrencyAmount")]
pub struct CurrencyAmount {
    /// ISO 4217 (`EUR`).
    pub currency: String,
    /// A decimal in major units, written as a string (`"12.50"`, `"-100.03"`).
    pub amount: Decimal,
}

impl CurrencyAmount {
    pub fn new(currency: impl Into<String>, amount: Decimal) -> Self {
        Self {
            currency: currency.into(),
            amount,
        }
    }
}

/// A link of an answer's `_links`: `{"href": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Psd2Link")]
pub struct Link {
    pub href: String,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An answer's `_links`, keyed by relation as the API names them (`scaRedirect`, `scaOAuth`,
/// `self`, `status`, `next`…). The names are data, so hosts see them unchanged:
/// `consent["links"]["scaOAuth"]["href"]` in Python, `consent.links.scaOAuth.href` in Node.
pub type Links = BTreeMap<String, Link>;

/// The link the account holder approves at: the standard's `scaRedirect`, or myPOS's
/// `scaOAuth`.
pub fn sca_link(links: &Links) -> Option<&str> {
    ["scaRedirect", "scaOAuth"]
        .iter()
        .find_map(|name| links.get(*name))
        .map(|link| link.href.as_str())
}

/// An answer the account holder approves at an address: a created consent or payment, or
/// the links of one.
pub trait ScaTarget {
    /// The address: the answer's `authorizationUrl` (as the API text shows its answers),
    /// else its `scaRedirect` or `scaOAuth` link.
    fn sca_href(&self) -> Option<&str>;
}

/// An SCA link given as text.
impl ScaTarget for str {
    fn sca_href(&self) -> Option<&str> {
        Some(self)
    }
}

impl ScaTarget for String {
    fn sca_href(&self) -> Option<&str> {
        Some(self)
    }
}

impl ScaTarget for Links {
    fn sca_href(&self) -> Option<&str> {
        sca_link(self)
    }
}

crate::string_enum! {
    /// Where a consent stands.
    pub enum ConsentStatus {
        /// Created; the account holder has not approved it yet.
        Received = "received",
        /// The account holder declined, or strong customer authentication failed.
        Rejected = "rejected",
        /// Approved: account information may be read within its limits.
        Valid = "valid",
        /// Withdrawn by the account holder at the bank.
        RevokedByPsu = "revokedByPsu",
        /// Its `validUntil` date has passed.
        Expired = "expired",
        /// Deleted by the TPP.
        TerminatedByTpp = "terminatedByTpp",
        /// Several approvals are needed and not all are done (Berlin Group only).
        PartiallyAuthorised = "partiallyAuthorised",
    }
}

impl ConsentStatus {
    /// Any letter case: myPOS's examples write `"Valid"` where its table says `valid`.
    pub fn from_any_case(value: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|known| known.eq_ignore_ascii_case(value))
            .map_or_else(|| Self::from(value), |known| Self::from(*known))
    }
}

/// Deserializes a consent status in any letter case, when the answer has one.
pub(crate) fn optional_consent_status<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<ConsentStatus>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.as_deref().map(ConsentStatus::from_any_case))
}

/// Deserializes a consent status in any letter case.
pub(crate) fn consent_status<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<ConsentStatus, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(ConsentStatus::from_any_case(&text))
}

crate::string_enum! {
    /// Where a payment stands (ISO 20022 codes).
    pub enum TransactionStatus {
        /// Received; waiting for the account holder's approval.
        Received = "RCVD",
        /// Accepted after technical validation (the holder approved).
        AcceptedTechnicalValidation = "ACTC",
        AcceptedCustomerProfile = "ACCP",
        AcceptedFundsChecked = "ACFC",
        AcceptedSettlementInProcess = "ACSP",
        /// Executed: the debtor's account was debited.
        AcceptedSettlementCompleted = "ACSC",
        /// Settled on the creditor's side.
        AcceptedCreditSettlementCompleted = "ACCC",
        AcceptedWithChange = "ACWC",
        AcceptedWithoutPosting = "ACWP",
        Pending = "PDNG",
        /// Refused: declined by the holder, insufficient funds, or a failed check.
        Rejected = "RJCT",
        /// Cancelled before execution.
        Cancelled = "CANC",
        PartiallyAcceptedTechnical = "PATC",
        PartiallyAccepted = "PART",
    }
}

impl TransactionStatus {
    /// Whether the payment can no longer change.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::AcceptedSettlementCompleted
                | Self::AcceptedCreditSettlementCompleted
                | Self::Rejected
                | Self::Cancelled
        )
    }
}

crate::string_enum! {
    /// Which transactions a list holds.
    pub enum BookingStatus {
        /// Booked on the account.
        Booked = "booked",
        /// Not booked yet.
        Pending = "pending",
        /// Booked and pending.
        Both = "both",
        /// Standing orders (Berlin Group; myPOS does not list it).
        Information = "information",
    }
}

crate::string_enum! {
    /// What a balance measures.
    pub enum BalanceType {
        ClosingBooked = "closingBooked",
        Expected = "expected",
        OpeningBooked = "openingBooked",
        /// What can be spent now.
        InterimAvailable = "interimAvailable",
        InterimBooked = "interimBooked",
        ForwardAvailable = "forwardAvailable",
        NonInvoiced = "nonInvoiced",
    }
}

crate::string_enum! {
    /// Whether an account can be used.
    pub enum AccountStatus {
        Enabled = "enabled",
        /// Closed by the account holder.
        Deleted = "deleted",
        /// Blocked by the bank.
        Blocked = "blocked",
    }
}

/// One balance of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Balance")]
pub struct Balance {
    pub balance_amount: CurrencyAmount,
    pub balance_type: BalanceType,
    #[serde(default)]
    pub credit_limit_included: Option<bool>,
    /// ISO date-time of the last change.
    #[serde(default)]
    pub last_change_date_time: Option<String>,
    /// ISO date the balance refers to.
    #[serde(default)]
    pub reference_date: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Collects the header fields of a request.
#[derive(Default)]
pub(crate) struct Headers(HeaderMap);

impl Headers {
    /// Adds `name: value`; `field` names the request field in errors.
    pub fn put(mut self, name: &'static str, field: &str, value: Option<&str>) -> Result<Self> {
        if let Some(value) = value {
            let value = HeaderValue::from_str(value.trim())
                .map_err(|_| Error::invalid(field, "must be printable ASCII"))?;
            self.0.insert(HeaderName::from_static(name), value);
        }
        Ok(self)
    }

    pub fn done(self) -> Result<HeaderMap> {
        Ok(self.0)
    }
}

pub(crate) const CONSENT_ID: &str = "consent-id";
pub(crate) const PSU_IP_ADDRESS: &str = "psu-ip-address";
pub(crate) const TPP_REDIRECT_URI: &str = "tpp-redirect-uri";

/// Decodes an answer after `normalise` has turned myPOS's dialect into the standard's shape.
pub(crate) fn decode_normalised<T: DeserializeOwned>(
    response: &Response,
    normalise: impl FnOnce(&mut Value),
) -> Result<T> {
    let mut value: Value = transport::decode_json(response)?;
    if value.is_null() {
        value = Value::Object(Map::new());
    }
    normalise(&mut value);
    serde_json::from_value(value).map_err(|e| Error::Decode {
        status: response.status.as_u16(),
        message: e.to_string(),
    })
}

/// Moves `from` to `to` in an object unless `to` is already there.
pub(crate) fn alias(value: &mut Value, from: &str, to: &str) {
    if let Value::Object(map) = value
        && !map.contains_key(to)
        && let Some(v) = map.remove(from)
    {
        map.insert(to.into(), v);
    }
}

/// myPOS writes a payment's or transaction's amount as a number beside its currency
/// (`"instructedAmount": 12.5, "instructedCurrency": "EUR"`); the standard as an object.
pub(crate) fn amount_object(value: &mut Value, amount: &str, currency: &str, sign: Option<&str>) {
    let Value::Object(map) = value else { return };
    let number = match map.get(amount) {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => return,
    };
    let negative = map.get(sign.unwrap_or("")).and_then(Value::as_str) == Some("D");
    let text = if negative && !number.starts_with('-') {
        format!("-{number}")
    } else {
        number
    };
    let currency = map.remove(currency).unwrap_or(Value::Null);
    map.insert(
        amount.into(),
        serde_json::json!({ "currency": currency, "amount": text }),
    );
}

/// myPOS writes an account as its IBAN alone; the standard as `{"iban": …}`.
pub(crate) fn reference_object(value: &mut Value, key: &str) {
    if let Some(Value::String(iban)) = value.get(key).cloned() {
        value[key] = serde_json::json!({ "iban": iban });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consent_status_reads_any_case() {
        assert_eq!(ConsentStatus::from_any_case("Valid"), ConsentStatus::Valid);
        assert_eq!(
            ConsentStatus::from_any_case("REVOKEDBYPSU"),
            ConsentStatus::RevokedByPsu
        );
        assert_eq!(
            ConsentStatus::from_any_case("somethingNew"),
            ConsentStatus::Other("somethingNew".into())
        );
    }

    #[test]
    fn mypos_amounts_become_objects() {
        let mut v = json!({"transactionAmount": 12.5, "transactionCurrency": "EUR", "sign": "D"});
        amount_object(
            &mut v,
            "transactionAmount",
            "transactionCurrency",
            Some("sign"),
        );
        assert_eq!(
            v["transactionAmount"],
            json!({"currency": "EUR", "amount": "-12.5"})
        );
    }
}
