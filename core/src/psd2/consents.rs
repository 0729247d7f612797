//! Consents (`/v1/consents`): what the TPP may read, for how long and how often, approved by
//! the account holder at the consent's SCA link.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::Result;
use crate::shapes::Empty;
use crate::transport::Response;

use super::Psd2Client;
use super::model::{
    AccountReference, ConsentStatus, Headers, Links, PSU_IP_ADDRESS, ScaTarget, TPP_REDIRECT_URI,
    consent_status, decode_normalised, optional_consent_status,
};

crate::string_enum! {
    /// Access to every account, without naming them.
    pub enum AccessScope {
        AllAccounts = "allAccounts",
        AllAccountsWithOwnerName = "allAccountsWithOwnerName",
    }
}

/// What a consent grants: per service, the accounts it covers. Empty lists ask the bank to
/// let the holder choose (a bank-offered consent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2AccountAccess")]
pub struct AccountAccess {
    /// Account details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<AccountReference>>,
    /// Balances (implies details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balances: Option<Vec<AccountReference>>,
    /// Transactions (implies details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<Vec<AccountReference>>,
    /// The list of accounts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_accounts: Option<AccessScope>,
    /// The list of accounts with their balances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_accounts_with_balance: Option<AccessScope>,
    /// Details, balances and transactions of every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_psd2: Option<AccessScope>,
    /// Fields this SDK does not know yet (`restrictedTo`, …), sent and kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A new consent for account information: the body of the API text's example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2CreateConsentRequest")]
pub struct CreateConsentRequest {
    pub access: AccountAccess,
    /// Whether the TPP reads repeatedly (true) or once (false).
    pub recurring_indicator: bool,
    /// The last day of validity (`YYYY-MM-DD`; `9999-12-31` for as long as the bank allows).
    /// Optional, as the API text says ("Expiration date (optional)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Reads per day without the holder present (calls without `psu_ip_address`).
    pub frequency_per_day: u32,
    /// Whether a payment is initiated in the same session. Sent only when given: the API
    /// text's body has no such field, though the Berlin Group standard (1.3.8) requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_service_indicator: Option<bool>,
    /// The account holder's IP address (`PSU-IP-Address`), when they are present now. The
    /// API text requires only `Authorization` and `Content-Type`; the standard requires it.
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
    /// Where the bank sends the holder back (`TPP-Redirect-URI`); the configured
    /// `redirect_uri` by default.
    #[serde(default, skip_serializing)]
    pub tpp_redirect_uri: Option<String>,
}

impl CreateConsentRequest {
    pub fn new(
        access: AccountAccess,
        valid_until: impl Into<String>,
        frequency_per_day: u32,
        psu_ip_address: impl Into<String>,
    ) -> Self {
        Self {
            access,
            recurring_indicator: frequency_per_day > 1,
            valid_until: Some(valid_until.into()),
            frequency_per_day,
            combined_service_indicator: None,
            psu_ip_address: Some(psu_ip_address.into()),
            tpp_redirect_uri: None,
        }
    }
}

impl ApiRequest for CreateConsentRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = &[
        ("psuIpAddress", "PSU-IP-Address"),
        ("tppRedirectUri", "TPP-Redirect-URI"),
    ];

    fn headers(&self) -> Result<reqwest::header::HeaderMap> {
        Headers::default()
            .put(
                PSU_IP_ADDRESS,
                "psu_ip_address",
                self.psu_ip_address.as_deref(),
            )?
            .put(
                TPP_REDIRECT_URI,
                "tpp_redirect_uri",
                self.tpp_redirect_uri.as_deref(),
            )?
            .done()
    }
}

/// A consent just created: the holder approves it at its `authorization_url` (the API
/// text's answer is `{consentId, authorizationUrl}`) or its SCA link (`links["scaRedirect"]`
/// or `links["scaOAuth"]`, the standard's); [`Psd2Client::authorization_url`] takes either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2ConsentCreated")]
pub struct ConsentCreated {
    pub consent_id: String,
    /// Where the holder approves the consent, when the answer says so at the top level.
    #[serde(default)]
    pub authorization_url: Option<String>,
    /// `received` on creation; the API text's answer leaves it out, the standard has it.
    #[serde(default, deserialize_with = "optional_consent_status")]
    pub consent_status: Option<ConsentStatus>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    #[serde(default)]
    pub psu_message: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for ConsentCreated {}

impl ScaTarget for ConsentCreated {
    fn sca_href(&self) -> Option<&str> {
        self.authorization_url
            .as_deref()
            .or_else(|| self.links.sca_href())
    }
}

/// One consent, by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2ConsentRequest")]
pub struct ConsentRequest {
    pub consent_id: String,
}

impl ConsentRequest {
    pub fn new(consent_id: impl Into<String>) -> Self {
        Self {
            consent_id: consent_id.into(),
        }
    }
}

impl ApiRequest for ConsentRequest {}

/// A consent as the bank holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Consent")]
pub struct Consent {
    #[serde(default)]
    pub consent_id: Option<String>,
    #[serde(deserialize_with = "consent_status")]
    pub consent_status: ConsentStatus,
    #[serde(default)]
    pub access: AccountAccess,
    #[serde(default)]
    pub recurring_indicator: Option<bool>,
    /// The last day of validity, as the bank adjusted it.
    #[serde(default)]
    pub valid_until: Option<String>,
    #[serde(default)]
    pub frequency_per_day: Option<u32>,
    /// The day the consent was last used.
    #[serde(default)]
    pub last_action_date: Option<String>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Consent {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, |value| {
            // myPOS shows `access.balances` as `{"iban": [...]}`; the standard as a list of
            // account references.
            if let Some(Value::Object(access)) = value.get_mut("access") {
                for list in access.values_mut() {
                    if let Some(Value::Array(ibans)) = list.get("iban").cloned()
                        && list.as_object().is_some_and(|o| o.len() == 1)
                    {
                        *list = Value::Array(
                            ibans
                                .into_iter()
                                .map(|iban| serde_json::json!({ "iban": iban }))
                                .collect(),
                        );
                    }
                }
            }
        })
    }
}

/// A consent's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2ConsentStatusResponse")]
pub struct ConsentStatusResponse {
    #[serde(deserialize_with = "consent_status")]
    pub consent_status: ConsentStatus,
    #[serde(default)]
    pub psu_message: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for ConsentStatusResponse {}

crate::operations! {
    /// Consents: create, read, check and delete.
    pub struct Consents<Psd2Client> as "consents" {
        /// Create a consent for account information; the holder approves it at its
        /// `authorization_url` (or SCA link).
        // The body is the API text's example (access, recurringIndicator, validUntil,
        // frequencyPerDay); myPOS's reference pages say "no request body", the text wins.
        create(CreateConsentRequest) -> ConsentCreated = POST "/v1/consents";
        /// Read a consent: what it grants, until when, and its status.
        get(ConsentRequest) -> Consent = GET "/v1/consents/{consentId}";
        /// Read a consent's status.
        get_status(ConsentRequest) -> ConsentStatusResponse = GET "/v1/consents/{consentId}/status";
        /// Delete (terminate) a consent: it becomes `terminatedByTpp`.
        // unverified: myPOS answers 200, the standard 204; both are accepted.
        delete(ConsentRequest) -> Empty = DELETE "/v1/consents/{consentId}";
    }
}
