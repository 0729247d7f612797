//! A sandbox and clients on it, for the integration tests.
#![allow(dead_code)]

use mypos::{Credentials, Environment, Gateway, GatewayConfig, MerchantClient};
use mypos_sandbox::{Sandbox, seed};

pub async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("the sandbox starts")
}

pub fn config(sandbox: &Sandbox) -> GatewayConfig {
    GatewayConfig::new(
        Environment::Custom(sandbox.url()),
        Credentials::new(seed::CLIENT_ID, seed::CLIENT_SECRET),
        seed::PARTNER_ID,
        seed::APPLICATION_ID,
    )
}

pub fn gateway(sandbox: &Sandbox) -> Gateway {
    Gateway::new(config(sandbox)).expect("the sandbox config is valid")
}

/// The client of merchant `cli_<name>` (the sandbox accepts secret `sec_<name>`).
pub fn merchant(gateway: &Gateway, name: &str) -> MerchantClient {
    gateway
        .client(Credentials::new(
            format!("cli_{name}"),
            format!("sec_{name}"),
        ))
        .expect("valid credentials")
}

pub fn client(sandbox: &Sandbox) -> MerchantClient {
    merchant(&gateway(sandbox), "sandbox")
}
