//! MobilePay's settings: a [`MobilePayConfig`](crate::mobilepay::MobilePayConfig).

use serde::Deserialize;

use super::{duration, settings};
use crate::error::Result;
use crate::host::casing::Case;
use crate::mobilepay::MobilePayPos;

/// A [`MobilePayConfig`](crate::mobilepay::MobilePayConfig) from a host's plain data:
/// `base_url`, `bio_code`, `access_token` (may be left out to create the first one),
/// `timeout`, `connect_timeout`, `max_retries`, `host` — keys in `case`, the timeouts in
/// seconds for Python ([`Case::Snake`]) and milliseconds for Node ([`Case::Camel`]). Errors
/// name a field, never a value.
pub fn mobilepay_config(json: &str, case: Case) -> Result<crate::mobilepay::MobilePayConfig> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        base_url: String,
        bio_code: String,
        access_token: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        max_response_bytes: Option<u64>,
        host: Option<String>,
    }
    let spec: Spec = settings(json, case, "config")?;
    let mut config = crate::mobilepay::MobilePayConfig::without_token(spec.base_url, spec.bio_code);
    config.access_token = spec.access_token.map(Into::into);
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

/// The same MobilePay client with other call limits: JSON `{timeout?, connect_timeout?,
/// max_retries?}` in the host's casing and time unit, as a merchant client takes them.
pub fn mobilepay_with_options(
    client: &MobilePayPos,
    json: &str,
    case: Case,
) -> Result<MobilePayPos> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
    }
    let spec: Spec = settings(json, case, "options")?;
    let timeout = spec
        .timeout
        .map(|t| duration(t, case, "timeout"))
        .transpose()?;
    let client = client.with_options(timeout, spec.max_retries)?;
    match spec.connect_timeout {
        Some(t) => client.with_connect_timeout(duration(t, case, "connect_timeout")?),
        None => Ok(client),
    }
}
