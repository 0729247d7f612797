//! Consents (`/v1/consents`): what the TPP may read, for how long and how often, approved by
//! the account holder at the consent's SCA link.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::{Error, Result};
use crate::gateway::epos::Empty;
use crate::transport::Response;

use super::Psd2Client;
use super::model::{
    AccountReference, ConsentStatus, Headers, Links, PSU_IP_ADDRESS, TPP_REDIRECT_URI, check_date,
    check_id, check_ip, consent_status, decode_normalised,
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

/// A new consent for account information.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2CreateConsentRequest")]
pub struct CreateConsentRequest {
    pub access: AccountAccess,
    /// Whether the TPP reads repeatedly (true) or once (false).
    pub recurring_indicator: bool,
    /// The last day of validity (`YYYY-MM-DD`; `9999-12-31` for as long as the bank allows).
    pub valid_until: String,
    /// Reads per day without the holder present (calls without `psu_ip_address`).
    pub frequency_per_day: u32,
    /// Whether a payment is initiated in the same session (the standard requires the field).
    #[serde(default)]
    pub combined_service_indicator: bool,
    /// The account holder's IP address (`PSU-IP-Address`): they are present now.
    #[serde(skip_serializing)]
    pub psu_ip_address: String,
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
            valid_until: valid_until.into(),
            frequency_per_day,
            combined_service_indicator: false,
            psu_ip_address: psu_ip_address.into(),
            tpp_redirect_uri: None,
        }
    }
}

impl ApiRequest for CreateConsentRequest {
    fn validate(&self) -> Result<()> {
        check_date("valid_until", &self.valid_until)?;
        if self.frequency_per_day == 0 {
            return Err(Error::invalid("frequency_per_day", "must be 1 or more"));
        }
        check_ip("psu_ip_address", &self.psu_ip_address)?;
        let lists = [
            ("accounts", &self.access.accounts),
            ("balances", &self.access.balances),
            ("transactions", &self.access.transactions),
        ];
        for (name, list) in lists {
            for (i, reference) in list.iter().flatten().enumerate() {
                reference.check(&format!("access.{name}[{i}]"))?;
            }
        }
        Ok(())
    }

    fn headers(&self) -> Result<reqwest::header::HeaderMap> {
        Headers::default()
            .put(PSU_IP_ADDRESS, "psu_ip_address", Some(&self.psu_ip_address))?
            .put(
                TPP_REDIRECT_URI,
                "tpp_redirect_uri",
                self.tpp_redirect_uri.as_deref(),
            )?
            .done()
    }
}

/// A consent just created: approve it at its SCA link (`links["scaRedirect"]` or
/// `links["scaOAuth"]`; [`Psd2Client::authorization_url`] builds the address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2ConsentCreated")]
pub struct ConsentCreated {
    pub consent_id: String,
    #[serde(deserialize_with = "consent_status")]
    pub consent_status: ConsentStatus,
    #[serde(rename = "_links", default)]
    pub links: Links,
    #[serde(default)]
    pub psu_message: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for ConsentCreated {}

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

impl ApiRequest for ConsentRequest {
    fn validate(&self) -> Result<()> {
        check_id("consent_id", &self.consent_id)
    }
}

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
        /// Create a consent for account information; the holder approves it at its SCA link.
        // unverified: psd2.md 1.1 [X]: myPOS documents "no request body"; the project sends the
        // Berlin Group body (access, recurringIndicator, validUntil, frequencyPerDay).
        create(CreateConsentRequest) -> ConsentCreated = POST "/v1/consents";
        /// Read a consent: what it grants, until when, and its status.
        get(ConsentRequest) -> Consent = GET "/v1/consents/{consentId}";
        /// Read a consent's status.
        get_status(ConsentRequest) -> ConsentStatusResponse = GET "/v1/consents/{consentId}/status";
        /// Delete (terminate) a consent: it becomes `terminatedByTpp`.
        // unverified: psd2.md 1.1 [X]: myPOS answers 200, the standard 204; both are accepted.
        delete(ConsentRequest) -> Empty = DELETE "/v1/consents/{consentId}";
    }
}
