//! The credentials the PSD2 sandbox knows, and the holder it proposes.

/// The TPP the sandbox knows: its OAuth client id…
pub const CLIENT_ID: &str = "tpp_sandbox";
/// …and secret.
pub const CLIENT_SECRET: &str = "tpp_secret_sandbox";
/// The account holder the SCA page proposes. Any other id is a holder too, with accounts
/// seeded from its name.
pub const DEFAULT_PSU: &str = "psu_sandbox";

/// The seeded PSD2 credentials as host-neutral JSON, for the Python and Node test helpers.
pub fn credentials_json() -> String {
    serde_json::json!({
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "psu_id": DEFAULT_PSU,
    })
    .to_string()
}
