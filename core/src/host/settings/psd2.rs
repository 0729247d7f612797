//! PSD2's settings: a [`Psd2Config`](crate::psd2::Psd2Config).

use serde::Deserialize;

use super::{TlsSpec, duration, settings};
use crate::error::{Error, Result};
use crate::host::casing::Case;

/// A [`Psd2Config`](crate::psd2::Psd2Config) from a host's plain data: `base_url`,
/// `token_url`, `client_id`, `client_secret`, `client_auth` (`body` | `basic`),
/// `redirect_uri`, `api_key`, `tls` (`extra_ca_pem`, `client_cert_pem`, `client_key_pem`),
/// `timeout`, `connect_timeout`, `max_retries`, `host` — keys in `case`, durations in seconds
/// for Python and milliseconds for Node. The token listener is the binding's to set.
pub fn psd2_config(json: &str, case: Case) -> Result<crate::psd2::Psd2Config> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        base_url: Option<String>,
        token_url: Option<String>,
        client_id: String,
        client_secret: String,
        client_auth: Option<String>,
        redirect_uri: Option<String>,
        api_key: Option<String>,
        tls: Option<TlsSpec>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
    }
    let spec: Spec = settings(json, case, "config")?;
    let base_url = spec
        .base_url
        .unwrap_or_else(|| crate::psd2::DEFAULT_PSD2_URL.to_string());
    let mut config = crate::psd2::Psd2Config::new(base_url, spec.client_id, spec.client_secret);
    config.token_url = spec.token_url;
    config.client_auth = match spec.client_auth.as_deref() {
        None | Some("body") => crate::psd2::ClientAuth::Body,
        Some("basic") => crate::psd2::ClientAuth::Basic,
        Some(_) => {
            return Err(Error::config(
                "client_auth",
                "must be \"body\" or \"basic\"",
            ));
        }
    };
    config.redirect_uri = spec.redirect_uri;
    config.api_key = spec.api_key.map(Into::into);
    config.tls = spec.tls.map(TlsSpec::options).unwrap_or_default();
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
    Ok(config)
}
