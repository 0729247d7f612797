//! The Rust SDK under the same loads: typed calls, calls through the host bridge the Python and
//! Node skins use (JSON text in and out, keys renamed), the cold start and the memory held by
//! many merchant clients.

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use mypos::gateway::banking::GetAccountsRequest;
use mypos::gateway::ecommerce::GetLanguagesRequest;
use mypos::gateway::epos::payments::GetPaymentRequest;
use mypos::host::{self, Case};
use mypos::{Credentials, Environment, Gateway, GatewayConfig, MerchantClient};
use serde_json::{Value, json};

use crate::Setup;
use crate::cell::{Call, rss_bytes};

pub fn gateway(url: &str) -> Result<Gateway, String> {
    let config = GatewayConfig::new(
        Environment::Custom(url.to_string()),
        Credentials::new("client_sandbox", "secret_sandbox"),
        crate::PARTNER_ID,
        crate::APPLICATION_ID,
    );
    Gateway::new(config).map_err(|e| e.to_string())
}

fn merchant(gateway: &Gateway, id: &str) -> Result<MerchantClient, String> {
    let secret = id.replacen("cli_", "sec_", 1);
    gateway
        .create_client(Credentials::new(id, secret))
        .map_err(|e| e.to_string())
}

/// Typed calls: what a Rust user writes.
pub fn call(setup: &Setup, operation: &str) -> Result<Call, String> {
    let client = merchant(&gateway(&setup.url)?, &setup.merchant)?;
    let payment_id = setup.payment_id.clone();
    Ok(match operation {
        "banking.get_accounts" => Arc::new(move || {
            let client = client.clone();
            Box::pin(async move {
                let request = GetAccountsRequest::default();
                client
                    .banking()
                    .get_accounts(request)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
        "epos.payments.get" => Arc::new(move || {
            let client = client.clone();
            let request = GetPaymentRequest::new(payment_id.clone());
            Box::pin(async move {
                client
                    .epos()
                    .payments()
                    .get(request)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
        other => return Err(format!("unknown operation {other}")),
    })
}

/// Calls by name through `mypos::host`, JSON text both ways, keys in Python's casing: the
/// Python and Node SDKs' path minus their runtimes, to tell the two costs apart.
pub fn host_call(setup: &Setup, operation: &str) -> Result<Call, String> {
    let client = merchant(&gateway(&setup.url)?, &setup.merchant)?;
    let args: Arc<str> = match operation {
        "banking.get_accounts" => "{}".into(),
        "epos.payments.get" => json!({ "payment_id": setup.payment_id }).to_string().into(),
        other => return Err(format!("unknown operation {other}")),
    };
    let name: Arc<str> = operation.into();
    Ok(Arc::new(move || {
        let (client, name, args) = (client.clone(), name.clone(), args.clone());
        Box::pin(async move {
            host::gateway()
                .call(&client, &name, &args, Case::Snake)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    }))
}

/// A fresh gateway, `clients` merchants never used before, `calls` concurrent calls spread
/// evenly over them. The token and session requests are counted by the caller (the sandbox's
/// stats), so this only reports time and failures.
pub async fn cold_start(
    url: &str,
    clients: usize,
    calls: usize,
    prefix: &str,
) -> Result<Value, String> {
    let gateway = gateway(url)?;
    let merchants: Vec<MerchantClient> = (0..clients)
        .map(|i| merchant(&gateway, &format!("cli_{prefix}_{i:04}")))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    let handles: Vec<_> = (0..calls)
        .map(|i| {
            let client = merchants[i % clients].clone();
            tokio::spawn(async move {
                client
                    .banking()
                    .get_accounts(GetAccountsRequest::default())
                    .await
            })
        })
        .collect();
    let mut errors = 0;
    for handle in handles {
        if !matches!(handle.await, Ok(Ok(_))) {
            errors += 1;
        }
    }
    Ok(json!({
        "wall_ms": started.elapsed().as_secs_f64() * 1e3,
        "errors": errors,
    }))
}

/// Resident memory growth for `count` merchant clients, first just made, then each holding a
/// live session (opened by one call each, 64 at a time). The gateway, its token and a warm
/// connection pool are in the baseline.
pub async fn memory(url: &str, count: usize, prefix: &str) -> Result<Value, String> {
    let gateway = gateway(url)?;
    let languages = |client: MerchantClient| async move {
        client
            .ecommerce()
            .get_languages(GetLanguagesRequest::default())
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    };
    // Warm up: the token, 64 pooled connections, the runtime's buffers.
    let warm: Vec<MerchantClient> = (0..64)
        .map(|i| merchant(&gateway, &format!("cli_{prefix}_warm_{i:02}")))
        .collect::<Result<_, _>>()?;
    for _ in 0..3 {
        let results: Vec<_> = futures::stream::iter(warm.iter().cloned().map(languages))
            .buffer_unordered(64)
            .collect()
            .await;
        results.into_iter().collect::<Result<Vec<()>, String>>()?;
    }
    drop(warm);

    let baseline = rss_bytes();
    let clients: Vec<MerchantClient> = (0..count)
        .map(|i| merchant(&gateway, &format!("cli_{prefix}_{i:05}")))
        .collect::<Result<_, _>>()?;
    let created = rss_bytes();
    let results: Vec<_> = futures::stream::iter(clients.iter().cloned().map(languages))
        .buffer_unordered(64)
        .collect()
        .await;
    let errors = results.iter().filter(|r| r.is_err()).count();
    let with_sessions = rss_bytes();
    let per_client = |bytes: u64| bytes.saturating_sub(baseline) as f64 / count as f64;
    let answer = json!({
        "clients": count,
        "baseline_bytes": baseline,
        "created_bytes_per_client": per_client(created),
        "bytes_per_client": per_client(with_sessions),
        "errors": errors,
    });
    drop(clients);
    Ok(answer)
}
