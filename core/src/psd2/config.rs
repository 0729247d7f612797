//! What a [`Psd2Client`](super::Psd2Client) is built from, checked before anything is sent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::config::{Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, validate_base_url};
use crate::error::{Error, Result};
use crate::tls::TlsOptions;

// Defined beside the token endpoint that reads it; `psd2::config::ClientAuth` still names it.
pub use super::oauth::ClientAuth;
use super::oauth::TokenListener;

/// The PSD2 API's base URL. The services live under `/v1/...`.
// unverified: the overview's example uses api.mypos.com, every curl example
// uses mp-psd2-api.mypos.com. The project's decision is api.mypos.com, configurable.
pub const DEFAULT_PSD2_URL: &str = "https://api.mypos.com";

/// Everything a [`Psd2Client`](super::Psd2Client) needs.
#[derive(Clone)]
pub struct Psd2Config {
    /// Default [`DEFAULT_PSD2_URL`]; the sandbox's URL in tests.
    pub base_url: String,
    /// The OAuth2 token endpoint; by default `{base_url}/oauth/token`.
    // unverified: myPOS's general REST APIs use auth-api.mypos.com/oauth/token;
    // the PSD2 pages do not say. The project's decision is `POST /oauth/token`, configurable.
    pub token_url: Option<String>,
    /// The TPP's OAuth client.
    pub client: Credentials,
    pub client_auth: ClientAuth,
    /// Where the bank sends the account holder back after approving (`TPP-Redirect-URI`, the
    /// OAuth `redirect_uri`), unless a call names another.
    pub redirect_uri: Option<String>,
    /// Sent as `API-Key` on every call when set (the developer portal's consumer key).
    pub api_key: Option<SecretString>,
    /// Extra CA and the TPP's client certificate (the bank requires mTLS with a QWAC).
    pub tls: TlsOptions,
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
    /// Told about every new or rotated token set, so the application can persist it.
    pub token_listener: Option<Arc<dyn TokenListener>>,
}

impl Psd2Config {
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            token_url: None,
            client: Credentials::new(client_id, client_secret),
            client_auth: ClientAuth::Body,
            redirect_uri: None,
            api_key: None,
            tls: TlsOptions::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            max_response_bytes: crate::transport::DEFAULT_MAX_RESPONSE_BYTES,
            host: None,
            token_listener: None,
        }
    }

    /// Checks every field; returns the API base and the token endpoint.
    pub(crate) fn validate(&self) -> Result<(Url, Url)> {
        let base = validate_base_url("base_url", &self.base_url)?;
        let token_url = match &self.token_url {
            Some(url) => validate_base_url("token_url", url)?,
            None => {
                let mut url = base.clone();
                let path = format!("{}/oauth/token", base.path().trim_end_matches('/'));
                url.set_path(&path);
                url
            }
        };
        if self.client.client_id.trim().is_empty() {
            return Err(Error::config("client_id", "must not be empty"));
        }
        if self.client.client_secret.expose_secret().trim().is_empty() {
            return Err(Error::config("client_secret", "must not be empty"));
        }
        if let Some(uri) = &self.redirect_uri {
            check_redirect_uri("redirect_uri", uri)
                .map_err(|m| Error::config("redirect_uri", m))?;
        }
        if let Some(key) = &self.api_key {
            let key = key.expose_secret();
            if key.trim().is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::config(
                    "api_key",
                    "must be printable ASCII without spaces",
                ));
            }
        }
        for (field, value) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::config(field, "must be greater than zero"));
            }
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes", "must be at least 1"));
        }
        self.tls.validate("tls")?;
        Ok((base, token_url))
    }
}

/// An absolute URL without a fragment (RFC 6749 §3.1.2).
pub(crate) fn check_redirect_uri(_field: &str, uri: &str) -> std::result::Result<(), String> {
    let url = Url::parse(uri).map_err(|e| format!("must be an absolute URL ({e})"))?;
    if url.fragment().is_some() {
        return Err("must not carry a fragment".into());
    }
    Ok(())
}

impl fmt::Debug for Psd2Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Psd2Config")
            .field("base_url", &self.base_url)
            .field("token_url", &self.token_url)
            .field("client", &self.client)
            .field("client_auth", &self.client_auth)
            .field("redirect_uri", &self.redirect_uri)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("tls", &self.tls)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("token_listener", &self.token_listener.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(config: &Psd2Config) -> String {
        match config.validate() {
            Err(Error::Config { field, .. }) => field,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn the_token_endpoint_defaults_beside_the_api() {
        let config = Psd2Config::new("http://127.0.0.1:9/base", "tpp", "secret");
        let (base, token) = config.validate().unwrap();
        assert_eq!(base.as_str(), "http://127.0.0.1:9/base");
        assert_eq!(token.as_str(), "http://127.0.0.1:9/base/oauth/token");
    }

    #[test]
    fn bad_fields_are_named_and_secrets_hidden() {
        let mut config = Psd2Config::new(DEFAULT_PSD2_URL, "tpp", "TOPSECRET");
        config.api_key = Some("KEY SECRET".to_string().into());
        assert_eq!(field(&config), "api_key");
        assert!(!format!("{config:?}").contains("TOPSECRET"));
        assert!(!format!("{config:?}").contains("KEY SECRET"));
        config.api_key = None;
        config.redirect_uri = Some("/callback".into());
        assert_eq!(field(&config), "redirect_uri");
        config.redirect_uri = None;
        config.base_url = "http://example.com".into();
        assert_eq!(field(&config), "base_url");
        config.base_url = DEFAULT_PSD2_URL.into();
        config.client.client_secret = "".to_string().into();
        assert_eq!(field(&config), "client_secret");
    }
}
