//! The credentials every sandbox knows.
//!
//! One partner integration is seeded. Merchants are open-ended: any client id `cli_<X>` is a
//! known merchant whose secret is exactly `sec_<X>`, so a test can invent as many merchants as
//! it needs (`cli_alice`/`sec_alice`, `cli_bench_0042`/`sec_bench_0042`, ...).

/// Partner integration client id, for `POST /api/v1/oauth/token`.
pub const CLIENT_ID: &str = "client_sandbox";
/// Partner integration client secret.
pub const CLIENT_SECRET: &str = "secret_sandbox";
/// Value every business call must send as `X-Partner-Id`.
pub const PARTNER_ID: &str = "mps-p-100000";
/// Value every business call must send as `X-Application-Id`.
pub const APPLICATION_ID: &str = "mps-app-200000";
/// The ready-made merchant's client id, for `POST /api/v1/auth/session`.
pub const MERCHANT_CLIENT_ID: &str = "cli_sandbox";
/// The ready-made merchant's client secret.
pub const MERCHANT_CLIENT_SECRET: &str = "sec_sandbox";
/// The scope a token gets when none is requested.
pub const DEFAULT_SCOPE: &str = "gateway";

/// Whether this is the seeded partner integration.
pub fn is_partner(client_id: &str, client_secret: &str) -> bool {
    client_id == CLIENT_ID && client_secret == CLIENT_SECRET
}

/// Whether `cli_<X>` / `sec_<X>` name a merchant (X non-empty, identical in both).
pub fn is_merchant(client_id: &str, client_secret: &str) -> bool {
    match (
        client_id.strip_prefix("cli_"),
        client_secret.strip_prefix("sec_"),
    ) {
        (Some(id), Some(secret)) => !id.is_empty() && id == secret,
        _ => false,
    }
}

/// The seeded credentials as host-neutral JSON, for the Python and Node test helpers.
pub fn credentials_json() -> String {
    serde_json::json!({
        "integration": { "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET },
        "partner_id": PARTNER_ID,
        "application_id": APPLICATION_ID,
        "merchant": { "client_id": MERCHANT_CLIENT_ID, "client_secret": MERCHANT_CLIENT_SECRET },
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchants_follow_the_naming_rule() {
        assert!(is_merchant(MERCHANT_CLIENT_ID, MERCHANT_CLIENT_SECRET));
        assert!(is_merchant("cli_bench_7", "sec_bench_7"));
        assert!(!is_merchant("cli_a", "sec_b"));
        assert!(!is_merchant("cli_", "sec_"));
        assert!(!is_merchant("client_a", "sec_a"));
        assert!(!is_partner(CLIENT_ID, "nope"));
    }
}
