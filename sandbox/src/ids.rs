//! Random identifiers: tokens, sessions, trace ids, PSD2 resource ids.

use rand::Rng;
use rand::distr::{Alphanumeric, SampleString};

const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url of `{"alg":"RS256","kid":"sandbox","typ":"at+jwt"}`, so tokens look like the
/// gateway's JWTs to anything that peeks at them. The rest is random: tokens stay opaque.
const JWT_HEADER: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNhbmRib3giLCJ0eXAiOiJhdCtqd3QifQ";

fn base64url(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| BASE64URL[rng.random_range(0..BASE64URL.len())] as char)
        .collect()
}

fn hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A partner access token: three dot-separated base64url segments.
pub fn access_token() -> String {
    format!("{JWT_HEADER}.{}.{}", base64url(120), base64url(86))
}

/// A merchant session id.
pub fn session() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 48)
}

/// A W3C trace-context id, the form ASP.NET puts in `traceId`.
pub fn trace_id() -> String {
    format!("00-{}-{}-00", hex(16), hex(8))
}

/// A random id after `prefix`, for PSD2's consents, payments, codes and tokens.
pub fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 24)
    )
}
