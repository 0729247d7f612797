//! Confirmation of funds (`/v1/funds-confirmation`, as the API text spells it): whether an
//! amount is available on an account the consent covers, without reading its balance.

use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::Result;

use super::Psd2Client;
use super::model::{AccountReference, CONSENT_ID, CurrencyAmount, Headers, TPP_REDIRECT_URI};

/// Is `instructed_amount` available on `account`?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2ConfirmFundsRequest")]
pub struct ConfirmFundsRequest {
    /// By IBAN, or by masked PAN for a card account. The API text gives no body: the fields
    /// are the standard's, none required before sending (the bank judges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_amount: Option<CurrencyAmount>,
    /// The card used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    /// Who is to be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<String>,
    /// The consent covering the account (`Consent-ID`); the holder's token names it when
    /// left out.
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// `TPP-Redirect-URI`; the configured `redirect_uri` by default.
    #[serde(default, skip_serializing)]
    pub tpp_redirect_uri: Option<String>,
}

impl ConfirmFundsRequest {
    pub fn new(
        account: AccountReference,
        instructed_amount: CurrencyAmount,
        consent_id: impl Into<String>,
    ) -> Self {
        Self {
            account: Some(account),
            instructed_amount: Some(instructed_amount),
            card_number: None,
            payee: None,
            consent_id: Some(consent_id.into()),
            tpp_redirect_uri: None,
        }
    }
}

impl ApiRequest for ConfirmFundsRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = &[
        ("consentId", "Consent-ID"),
        ("tppRedirectUri", "TPP-Redirect-URI"),
    ];

    fn headers(&self) -> Result<HeaderMap> {
        Headers::default()
            .put(CONSENT_ID, "consent_id", self.consent_id.as_deref())?
            .put(
                TPP_REDIRECT_URI,
                "tpp_redirect_uri",
                self.tpp_redirect_uri.as_deref(),
            )?
            .done()
    }
}

/// The answer: whether the amount is available.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2FundsConfirmation")]
pub struct FundsConfirmation {
    pub funds_available: bool,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for FundsConfirmation {}

crate::operations! {
    /// Whether an amount is available on an account.
    pub struct Funds<Psd2Client> as "funds" {
        /// Ask whether an amount is available on an account the consent covers.
        // The API text's services table: `/v1/funds-confirmation`. The Berlin Group standard
        // and myPOS's reference pages say `/v1/funds-confirmations`; the text wins.
        confirm(ConfirmFundsRequest) -> FundsConfirmation = POST "/v1/funds-confirmation";
    }
}
