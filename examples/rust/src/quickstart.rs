//! Lists a merchant's accounts. Runs against a local sandbox unless the `MYPOS_*` variables
//! name a real gateway (see the README).

use std::env::var;

use mypos::gateway::banking::GetAccountsRequest;
use mypos::{Credentials, Environment, Gateway, GatewayConfig};
use mypos_sandbox::{Sandbox, seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of main when used.
    let mut sandbox = None;
    let (config, merchant) = match var("MYPOS_CLIENT_ID") {
        Ok(client_id) => (
            GatewayConfig::new(
                var("MYPOS_GATEWAY_URL")
                    .map(Environment::Custom)
                    .unwrap_or(Environment::Demo),
                Credentials::new(client_id, var("MYPOS_CLIENT_SECRET")?),
                var("MYPOS_PARTNER_ID")?,
                var("MYPOS_APPLICATION_ID")?,
            ),
            Credentials::new(
                var("MYPOS_MERCHANT_CLIENT_ID")?,
                var("MYPOS_MERCHANT_CLIENT_SECRET")?,
            ),
        ),
        Err(_) => {
            let running = sandbox.insert(Sandbox::start().await?);
            println!("Using a local sandbox at {}", running.url());
            (
                GatewayConfig::new(
                    Environment::Custom(running.url()),
                    Credentials::new(seed::CLIENT_ID, seed::CLIENT_SECRET),
                    seed::PARTNER_ID,
                    seed::APPLICATION_ID,
                ),
                Credentials::new(seed::MERCHANT_CLIENT_ID, seed::MERCHANT_CLIENT_SECRET),
            )
        }
    };

    let gateway = Gateway::new(config)?;
    let client = gateway.create_client(merchant)?;
    let page = client
        .banking()
        .get_accounts(GetAccountsRequest {
            page: Some(1),
            size: Some(20),
        })
        .await?;
    println!("Rust: {} account(s)", page.items.len());
    for account in &page.items {
        let balance = account.balance.map(|b| b.to_string()).unwrap_or_default();
        println!(
            "  {}  {}  {} {}",
            account.account_number,
            account.name.as_deref().unwrap_or("-"),
            balance,
            account.currency
        );
    }
    drop(sandbox);
    Ok(())
}
