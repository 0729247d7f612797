//! The Gateway's settings: a [`GatewayConfig`] and a merchant client's call options.

use serde::Deserialize;

use super::{TlsSpec, call_options, duration, settings};
use crate::MerchantClient;
use crate::config::{
    Credentials, DEMO_GATEWAY_URL, Environment, GatewayConfig, PRODUCTION_GATEWAY_URL,
};
use crate::error::Result;
use crate::host::casing::Case;
use crate::transport::WithCallOptions;

/// A [`GatewayConfig`] from a host's plain data: `gateway_url`, `integration` (`client_id`,
/// `client_secret`), `partner_id`, `application_id`, `timeout` — keys in `case`, the timeout
/// in seconds for Python ([`Case::Snake`]) and milliseconds for Node ([`Case::Camel`]).
pub fn gateway_config(json: &str, case: Case) -> Result<GatewayConfig> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        gateway_url: Option<String>,
        integration: IntegrationSpec,
        partner_id: String,
        application_id: String,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
        tls: Option<TlsSpec>,
        token_store: Option<TokenStoreSpec>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IntegrationSpec {
        client_id: String,
        client_secret: String,
    }
    let spec: Spec = settings(json, case, "config")?;
    let environment = match spec.gateway_url {
        None => Environment::Demo,
        Some(url) if url.trim_end_matches('/') == DEMO_GATEWAY_URL => Environment::Demo,
        Some(url) if url.trim_end_matches('/') == PRODUCTION_GATEWAY_URL => Environment::Production,
        Some(url) => Environment::Custom(url),
    };
    let mut config = GatewayConfig::new(
        environment,
        Credentials::new(spec.integration.client_id, spec.integration.client_secret),
        spec.partner_id,
        spec.application_id,
    );
    if let Some(timeout) = spec.timeout {
        config.timeout = duration(timeout, case, "timeout")?;
    }
    if let Some(timeout) = spec.connect_timeout {
        config.connect_timeout = duration(timeout, case, "connect_timeout")?;
    }
    if let Some(max_retries) = spec.max_retries {
        config.max_retries = max_retries;
    }
    if let Some(max) = spec.max_response_bytes {
        config.max_response_bytes = max;
    }
    config.host = spec.host;
    config.tls = spec.tls.map(TlsSpec::options).unwrap_or_default();
    config.token_store = spec
        .token_store
        .map(TokenStoreSpec::store)
        .unwrap_or_default();
    Ok(config)
}

/// The `token_store` member of a host's configuration (the fields of the host's
/// `RedisTokenStore`), or null for the in-memory store. The key is base64 text here: the
/// host packages encode raw bytes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenStoreSpec {
    url: String,
    encryption_key: Option<String>,
    key_prefix: Option<String>,
    #[serde(default)]
    unencrypted: bool,
}

impl TokenStoreSpec {
    fn store(self) -> crate::TokenStore {
        crate::TokenStore::Redis(crate::RedisTokenStore {
            url: self.url.into(),
            encryption_key: self.encryption_key.map(Into::into),
            key_prefix: self
                .key_prefix
                .unwrap_or_else(|| crate::token_store::DEFAULT_PREFIX.into()),
            unencrypted: self.unencrypted,
        })
    }
}

/// The same client with other call limits: JSON `{timeout?, connect_timeout?, max_retries?}`.
pub fn with_options(client: &MerchantClient, json: &str, case: Case) -> Result<MerchantClient> {
    client.with_limits(call_options(json, case)?)
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn settings_errors_name_the_field_and_never_quote_a_value() {
        let json = r#"{"integration": {"client_id": "client_x", "client_secret": 12345678}, "partner_id": "mps-p-1", "application_id": "mps-app-1"}"#;
        let error = gateway_config(json, Case::Snake).unwrap_err();
        let text = error.to_string();
        assert!(
            matches!(&error, Error::Config { field, .. } if field == "integration.client_secret"),
            "{error:?}"
        );
        assert!(!text.contains("12345678"), "{text}");
        assert!(text.contains("expected a string"), "{text}");
    }
}
