//! What a [`Gateway`](crate::Gateway) needs to know, checked before any request is sent.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};

/// The myPOS demo (test) gateway.
pub const DEMO_GATEWAY_URL: &str = "https://demo-api-gateway.mypos.com";
/// The myPOS production gateway.
pub const PRODUCTION_GATEWAY_URL: &str = "https://api-gateway.mypos.com";
/// Total time a call may take unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to open a connection unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the gateway lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Demo,
    Production,
    /// Any other base URL: the sandbox, a proxy. Must be https unless it is a loopback address.
    Custom(String),
}

impl Environment {
    pub fn url(&self) -> &str {
        match self {
            Environment::Demo => DEMO_GATEWAY_URL,
            Environment::Production => PRODUCTION_GATEWAY_URL,
            Environment::Custom(url) => url,
        }
    }
}

/// A client id paired with its secret. The secret never shows in `Debug` or errors.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

impl Credentials {
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// A merchant's credentials, from Partner Portal → Merchants (`cli_…` / `sec_…`).
pub type MerchantCredentials = Credentials;

/// Everything a [`Gateway`](crate::Gateway) is built from.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub environment: Environment,
    /// The partner integration's credentials (`client_…` / `secret_…`).
    pub integration: Credentials,
    /// `mps-p-…`
    pub partner_id: String,
    /// `mps-app-…`
    pub application_id: String,
    /// Total time one call may take: every attempt, token requests and waits between retries.
    pub timeout: Duration,
    /// Time to open one connection.
    pub connect_timeout: Duration,
    /// Retries after a failed first attempt (0 disables). Only what is safe is retried.
    pub max_retries: u32,
    /// The largest answer body read (default 16 MiB); a longer one is refused with
    /// [`Error::ResponseTooLarge`].
    pub max_response_bytes: u64,
    /// Names the host language in the `User-Agent` (set by the Python and Node packages).
    pub host: Option<String>,
    /// An extra CA to trust and a client certificate to present (a TLS-inspecting proxy).
    pub tls: crate::tls::TlsOptions,
    /// Where the partner token and merchant sessions are kept: this process only (default),
    /// or also a store the processes of a fleet share ([`TokenStore::Redis`]).
    ///
    /// [`TokenStore::Redis`]: crate::TokenStore::Redis
    pub token_store: crate::TokenStore,
}

impl GatewayConfig {
    pub fn new(
        environment: Environment,
        integration: Credentials,
        partner_id: impl Into<String>,
        application_id: impl Into<String>,
    ) -> Self {
        Self {
            environment,
            integration,
            partner_id: partner_id.into(),
            application_id: application_id.into(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            max_response_bytes: crate::transport::DEFAULT_MAX_RESPONSE_BYTES,
            host: None,
            tls: crate::tls::TlsOptions::default(),
            token_store: crate::TokenStore::Memory,
        }
    }

    /// Checks every field, returning the first problem as [`Error::Config`].
    pub(crate) fn validate(&self) -> Result<Url> {
        let url = validate_base_url("gateway_url", self.environment.url())?;
        validate_credentials(
            "integration.client_id",
            "integration.client_secret",
            &self.integration,
            "client_",
            "secret_",
        )?;
        check_prefix("partner_id", &self.partner_id, "mps-p-")?;
        check_prefix("application_id", &self.application_id, "mps-app-")?;
        for (field, value) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::config(
                    field,
                    "must be greater than zero (seconds in Python, milliseconds in Node)",
                ));
            }
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes", "must be at least 1"));
        }
        Ok(url)
    }
}

pub(crate) fn validate_merchant(credentials: &MerchantCredentials) -> Result<()> {
    validate_credentials("client_id", "client_secret", credentials, "cli_", "sec_")
}

fn validate_credentials(
    id_field: &str,
    secret_field: &str,
    credentials: &Credentials,
    id_prefix: &str,
    secret_prefix: &str,
) -> Result<()> {
    check_prefix(id_field, &credentials.client_id, id_prefix)?;
    let secret = credentials.client_secret.expose_secret();
    if secret.trim().is_empty() {
        return Err(Error::config(secret_field, "must not be empty"));
    }
    if !secret.starts_with(secret_prefix) || secret.len() == secret_prefix.len() {
        // The message names the expected shape, never the value.
        return Err(Error::config(
            secret_field,
            format!("must look like `{secret_prefix}…`"),
        ));
    }
    Ok(())
}

fn check_prefix(field: &str, value: &str, prefix: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::config(field, "must not be empty"));
    }
    let rest = value.strip_prefix(prefix).unwrap_or_default();
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        // The value is not echoed: a secret pasted into an id field must not reach a log.
        return Err(Error::config(field, format!("must look like `{prefix}…`")));
    }
    Ok(())
}

/// A base URL must be https; plain http is allowed only on loopback (the sandbox).
pub(crate) fn validate_base_url(field: &str, raw: &str) -> Result<Url> {
    if raw.trim().is_empty() {
        return Err(Error::config(field, "must not be empty"));
    }
    let url = Url::parse(raw).map_err(|e| {
        Error::config(
            field,
            format!("must be an absolute URL like {DEMO_GATEWAY_URL} ({e})"),
        )
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::config(
                field,
                "must use https (plain http is allowed only for loopback addresses such as the sandbox)",
            ));
        }
        other => {
            return Err(Error::config(
                field,
                format!("must be an https URL, not {other}:"),
            ));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(field, "must not carry a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(field, "must not embed credentials"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> GatewayConfig {
        GatewayConfig::new(
            Environment::Demo,
            Credentials::new("client_abc", "secret_abc"),
            "mps-p-1",
            "mps-app-2",
        )
    }

    fn field_of(result: Result<Url>) -> String {
        match result {
            Err(Error::Config { field, .. }) => field,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_well_formed_config() {
        assert_eq!(
            config().validate().unwrap().as_str(),
            "https://demo-api-gateway.mypos.com/"
        );
    }

    /// Spoils one field of a good config.
    type Spoil = Box<dyn Fn(&mut GatewayConfig)>;

    #[test]
    fn names_each_bad_field() {
        let cases: Vec<(&str, Spoil)> = vec![
            (
                "integration.client_id",
                Box::new(|c| c.integration.client_id = "cli_x".into()),
            ),
            (
                "integration.client_id",
                Box::new(|c| c.integration.client_id = "".into()),
            ),
            (
                "integration.client_secret",
                Box::new(|c| c.integration.client_secret = "sec_x".into()),
            ),
            (
                "integration.client_secret",
                Box::new(|c| c.integration.client_secret = "".into()),
            ),
            ("partner_id", Box::new(|c| c.partner_id = "12345".into())),
            (
                "application_id",
                Box::new(|c| c.application_id = "mps-app-".into()),
            ),
            ("timeout", Box::new(|c| c.timeout = Duration::ZERO)),
            (
                "gateway_url",
                Box::new(|c| c.environment = Environment::Custom("http://example.com".into())),
            ),
            (
                "gateway_url",
                Box::new(|c| c.environment = Environment::Custom("ftp://127.0.0.1".into())),
            ),
            (
                "gateway_url",
                Box::new(|c| c.environment = Environment::Custom("not a url".into())),
            ),
        ];
        for (field, breaks) in cases {
            let mut c = config();
            breaks(&mut c);
            assert_eq!(field_of(c.validate()), field);
        }
    }

    #[test]
    fn loopback_http_is_allowed() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            let mut c = config();
            c.environment = Environment::Custom(url.into());
            assert!(c.validate().is_ok(), "{url}");
        }
    }

    #[test]
    fn secrets_never_show() {
        let mut c = config();
        c.integration.client_secret = "secret_TOPSECRET".into();
        assert!(!format!("{c:?}").contains("TOPSECRET"));
        c.integration.client_secret = "oops_TOPSECRET".into();
        let err = c.validate().unwrap_err();
        assert!(!err.to_string().contains("TOPSECRET"));
        assert!(!format!("{err:?}").contains("TOPSECRET"));
    }
}
