//! Payment initiation (`/v1/payments`): SEPA and cross-border credit transfers from the
//! holder's account, approved by the holder at the payment's SCA link.

use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoint::{ApiRequest, ApiResponse};
use crate::error::Result;
use crate::transport::Response;

use super::Psd2Client;
use super::model::{
    self, AccountReference, CONSENT_ID, CurrencyAmount, Headers, Links, PSU_IP_ADDRESS, ScaTarget,
    TPP_REDIRECT_URI, TransactionStatus, decode_normalised,
};

crate::string_enum! {
    /// The kind of credit transfer.
    pub enum PaymentProduct {
        /// A SEPA credit transfer (EUR, within the SEPA area).
        SepaCreditTransfers = "sepa-credit-transfers",
        /// A transfer in any currency or outside SEPA.
        CrossBorderCreditTransfers = "cross-border-credit-transfers",
    }
}

/// The creditor's postal address (cross-border transfers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Address")]
pub struct Address {
    /// ISO 3166 alpha-2.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    /// Fields this SDK does not know yet, sent and kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A new credit transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2InitiatePaymentRequest")]
pub struct InitiatePaymentRequest {
    /// `sepa-credit-transfers` or `cross-border-credit-transfers`.
    pub payment_product: PaymentProduct,
    /// What to pay (a positive decimal string).
    pub instructed_amount: CurrencyAmount,
    pub creditor_account: AccountReference,
    pub creditor_name: String,
    /// The holder's account to pay from; the bank asks the holder if left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<AccountReference>,
    /// The creditor's bank (BIC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_address: Option<Address>,
    /// What the creditor sees (at most 140 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance_information_unstructured: Option<String>,
    /// The TPP's own reference, carried end to end (at most 35 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_identification: Option<String>,
    /// The holder's account-information consent (`Consent-ID`). Optional: the API text
    /// sends none (myPOS's reference pages make it mandatory, the standard optional).
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
    /// The holder's IP address (`PSU-IP-Address`), when they are present now. The API text
    /// requires only `Authorization` and `Content-Type`; the standard requires it.
    #[serde(default, skip_serializing)]
    pub psu_ip_address: Option<String>,
    /// `TPP-Redirect-URI`; the configured `redirect_uri` by default.
    #[serde(default, skip_serializing)]
    pub tpp_redirect_uri: Option<String>,
}

impl InitiatePaymentRequest {
    pub fn new(
        payment_product: PaymentProduct,
        instructed_amount: CurrencyAmount,
        creditor_account: AccountReference,
        creditor_name: impl Into<String>,
        psu_ip_address: impl Into<String>,
    ) -> Self {
        Self {
            payment_product,
            instructed_amount,
            creditor_account,
            creditor_name: creditor_name.into(),
            debtor_account: None,
            creditor_agent: None,
            creditor_address: None,
            remittance_information_unstructured: None,
            end_to_end_identification: None,
            consent_id: None,
            psu_ip_address: Some(psu_ip_address.into()),
            tpp_redirect_uri: None,
        }
    }
}

impl ApiRequest for InitiatePaymentRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = &[
        ("consentId", "Consent-ID"),
        ("psuIpAddress", "PSU-IP-Address"),
        ("tppRedirectUri", "TPP-Redirect-URI"),
    ];

    fn headers(&self) -> Result<HeaderMap> {
        Headers::default()
            .put(CONSENT_ID, "consent_id", self.consent_id.as_deref())?
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

/// myPOS calls it `paymentStatus`, the standard `transactionStatus`.
fn normalise_status(value: &mut Value) {
    model::alias(value, "paymentStatus", "transactionStatus");
}

/// A payment just initiated: the holder approves it at its `authorization_url` (the API
/// text's answer is `{paymentId, authorizationUrl}`) or its SCA link (`links["scaRedirect"]`
/// or `links["scaOAuth"]`, the standard's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2PaymentInitiated")]
pub struct PaymentInitiated {
    pub payment_id: String,
    /// Where the holder approves the payment, when the answer says so at the top level.
    #[serde(default)]
    pub authorization_url: Option<String>,
    /// `RCVD` on creation; the API text's answer leaves it out, the standard has it.
    #[serde(default)]
    pub transaction_status: Option<TransactionStatus>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    #[serde(default)]
    pub psu_message: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentInitiated {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, normalise_status)
    }
}

impl ScaTarget for PaymentInitiated {
    fn sca_href(&self) -> Option<&str> {
        self.authorization_url
            .as_deref()
            .or_else(|| self.links.sca_href())
    }
}

/// One payment, by its product and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Psd2PaymentRequest")]
pub struct PaymentRequest {
    /// The product it was initiated as (`sepa-credit-transfers`…).
    pub payment_product: PaymentProduct,
    pub payment_id: String,
    /// The related consent (`Consent-ID`), when the bank asks for it.
    #[serde(default, skip_serializing)]
    pub consent_id: Option<String>,
}

impl PaymentRequest {
    pub fn new(payment_product: PaymentProduct, payment_id: impl Into<String>) -> Self {
        Self {
            payment_product,
            payment_id: payment_id.into(),
            consent_id: None,
        }
    }
}

impl ApiRequest for PaymentRequest {
    const HEADER_FIELDS: &'static [(&'static str, &'static str)] = &[("consentId", "Consent-ID")];

    fn headers(&self) -> Result<HeaderMap> {
        Headers::default()
            .put(CONSENT_ID, "consent_id", self.consent_id.as_deref())?
            .done()
    }
}

/// A payment as the bank holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2Payment")]
pub struct Payment {
    #[serde(default)]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub transaction_status: Option<TransactionStatus>,
    #[serde(default)]
    pub instructed_amount: Option<CurrencyAmount>,
    #[serde(default)]
    pub creditor_account: Option<AccountReference>,
    #[serde(default)]
    pub creditor_name: Option<String>,
    #[serde(default)]
    pub debtor_account: Option<AccountReference>,
    #[serde(default)]
    pub remittance_information_unstructured: Option<String>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for Payment {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, |value| {
            normalise_status(value);
            // myPOS: `instructedAmount` a number beside `instructedCurrency`; accounts as IBANs.
            model::amount_object(value, "instructedAmount", "instructedCurrency", None);
            model::reference_object(value, "creditorAccount");
            model::reference_object(value, "debtorAccount");
        })
    }
}

/// A payment's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2PaymentStatusResponse")]
pub struct PaymentStatusResponse {
    pub transaction_status: TransactionStatus,
    /// Whether the amount was available when the bank checked.
    #[serde(default)]
    pub funds_available: Option<bool>,
    #[serde(default)]
    pub psu_message: Option<String>,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentStatusResponse {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, normalise_status)
    }
}

/// The answer to a cancellation: empty when it is done (`CANC`), or a status and links when
/// the holder must approve it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Psd2PaymentCancellation")]
pub struct PaymentCancellation {
    #[serde(default)]
    pub transaction_status: Option<TransactionStatus>,
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// Fields this SDK does not know yet, kept as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiResponse for PaymentCancellation {
    fn decode(response: &Response) -> Result<Self> {
        decode_normalised(response, normalise_status)
    }
}

crate::operations! {
    /// Credit transfers from the holder's account.
    pub struct Payments<Psd2Client> as "payments" {
        /// Initiate a SEPA or cross-border credit transfer; the holder approves it at its
        /// `authorization_url` (or SCA link).
        initiate(InitiatePaymentRequest) -> PaymentInitiated = POST "/v1/payments/{paymentProduct}";
        /// Read a payment.
        // The API text's example path (`/payments/sepa-credit-transfers/{paymentId}`) has the
        // product segment, as the standard; myPOS's reference pages leave it out.
        get(PaymentRequest) -> Payment = GET "/v1/payments/{paymentProduct}/{paymentId}";
        /// Read a payment's status.
        // The API text: `GET /v1/payments/sepa-credit-transfers/{paymentId}/status`, the
        // product segment included; myPOS's reference pages leave it out.
        get_status(PaymentRequest) -> PaymentStatusResponse = GET "/v1/payments/{paymentProduct}/{paymentId}/status";
        /// Cancel a payment before it is executed: it becomes `CANC`.
        // unverified: not in the API text; the standard's path, with the product segment.
        cancel(PaymentRequest) -> PaymentCancellation = DELETE "/v1/payments/{paymentProduct}/{paymentId}";
    }
}
