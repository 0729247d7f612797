//! MobilePay's settings: a [`MobilePayConfig`](crate::mobilepay::MobilePayConfig).

use serde::Deserialize;
use serde_json::Value;

use super::{call_limits, duration, settings, typed};
use crate::error::Result;
use crate::host::casing::Case;
use crate::mobilepay::MobilePayPos;
use crate::transport::WithCallOptions;

/// A [`MobilePayConfig`](crate::mobilepay::MobilePayConfig) from a host's plain data:
/// `base_url`, `bio_code`, `access_token` (may be left out to create the first one),
/// `timeout`, `connect_timeout`, `max_retries`, `max_response_bytes`, `flow_max_wait`, `host`
/// — keys in `case`, the durations in
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
        flow_max_wait: Option<f64>,
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
    if let Some(wait) = spec.flow_max_wait {
        config.flow_max_wait = duration(wait, case, "flow_max_wait")?;
    }
    config.host = spec.host;
    Ok(config)
}

/// The same MobilePay client with other call limits: the call options every client takes
/// (`timeout`, `connect_timeout`, `max_retries`) and `flow_max_wait`, how long its flows wait
/// for their payment.
pub fn mobilepay_with_options(
    client: &MobilePayPos,
    json: &str,
    case: Case,
) -> Result<MobilePayPos> {
    let mut options: Value = settings(json, case, "options")?;
    let flow_max_wait = options
        .as_object_mut()
        .and_then(|o| o.remove("flow_max_wait"))
        .filter(|wait| !wait.is_null());
    let mut client = client.with_limits(call_limits(options, case)?)?;
    if let Some(wait) = flow_max_wait {
        let wait: f64 = typed(wait, "options.flow_max_wait")?;
        client = client.with_flow_max_wait(duration(wait, case, "flow_max_wait")?)?;
    }
    Ok(client)
}
