//! Settings parsers: a client's configuration and call options from a host's plain data, one
//! file per API, and what they share (key casing, durations in the host's unit, TLS).

mod gateway;
mod mobilepay;
mod psd2;

use std::time::Duration;

use heck::ToSnakeCase;
use serde::Deserialize;
use serde_json::Value;

use super::casing::Case;
use crate::error::{Error, Result};
use crate::transport::CallLimits;

pub use gateway::{gateway_config, with_options};
pub use mobilepay::{mobilepay_config, mobilepay_with_options};
pub use psd2::psd2_config;

/// A host's duration: seconds in Python ([`Case::Snake`]), milliseconds in Node; a value that
/// is not one is a `ConfigError` naming `field`.
pub fn duration(value: f64, case: Case, field: &str) -> Result<Duration> {
    let (unit, per_second) = match case {
        Case::Snake => ("seconds", 1.0),
        Case::Camel => ("milliseconds", 1000.0),
    };
    if !value.is_finite() || value <= 0.0 || value / per_second > 86_400.0 {
        return Err(Error::config(
            field,
            format!("must be a positive number of {unit} (at most a day)"),
        ));
    }
    Ok(Duration::from_secs_f64(value / per_second))
}

/// A host's call options, JSON `{timeout?, connect_timeout?, max_retries?}` in its casing and
/// time unit (a null is the same as a missing key): what every client's `with_options` takes.
pub fn call_options(json: &str, case: Case) -> Result<CallLimits> {
    call_limits(settings(json, case, "options")?, case)
}

/// [`call_options`] from options already parsed (keys in snake_case), for a client that takes
/// options of its own besides these and has removed them.
fn call_limits(options: Value, case: Case) -> Result<CallLimits> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
    }
    let spec: Spec = typed(options, "options")?;
    let duration_of =
        |value: Option<f64>, field| value.map(|v| duration(v, case, field)).transpose();
    Ok(CallLimits {
        timeout: duration_of(spec.timeout, "timeout")?,
        max_retries: spec.max_retries,
        connect_timeout: duration_of(spec.connect_timeout, "connect_timeout")?,
    })
}

/// A host's settings object (a config, call options) as `T`: keys made snake_case, and any
/// problem a `ConfigError` naming the field. Settings hold secrets, so no message quotes a
/// value (serde's would: `invalid type: integer 5, expected a string`).
fn settings<T: serde::de::DeserializeOwned>(json: &str, case: Case, root: &str) -> Result<T> {
    let mut value: Value =
        serde_json::from_str(json).map_err(|_| Error::config(root, "is not valid JSON"))?;
    snake_keys(&mut value, case);
    typed(value, root)
}

/// Settings already parsed (keys in snake_case) as `T`, with [`settings`]' errors.
fn typed<T: serde::de::DeserializeOwned>(value: Value, root: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (field, message) = crate::endpoint::locate(e, root);
        let message = match message.split_once(", expected ") {
            Some((problem, expected)) if problem.starts_with("invalid ") => {
                format!("has the wrong type or value: expected {expected}")
            }
            _ => message,
        };
        Error::config(field, message)
    })
}

/// Host keys of a config object → snake_case (its only nested object is `integration`).
fn snake_keys(value: &mut Value, case: Case) {
    if case == Case::Snake {
        return;
    }
    if let Value::Object(map) = value {
        let old = std::mem::take(map);
        for (key, mut member) in old {
            snake_keys(&mut member, case);
            map.insert(key.to_snake_case(), member);
        }
    }
}

/// The `tls` member of a host's configuration: PEM text, or null.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsSpec {
    extra_ca_pem: Option<String>,
    client_cert_pem: Option<String>,
    client_key_pem: Option<String>,
}

impl TlsSpec {
    fn options(self) -> crate::tls::TlsOptions {
        crate::tls::TlsOptions {
            extra_ca_pem: self.extra_ca_pem,
            client_cert_pem: self.client_cert_pem,
            client_key_pem: self.client_key_pem.map(Into::into),
        }
    }
}
