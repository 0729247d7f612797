//! `mypos-bench`: the Rust side of `scripts/bench`. Each task prints its results as JSON, one
//! object per line, for `bench/run.py` to gather into the one table.
//!
//! ```text
//! mypos-bench throughput --url URL --payment ID --impl raw|sdk|host [--ops a,b] [--concurrency 1,64]
//!                        [--seconds 2] [--rounds 3] [--warmup 0.5] [--merchant cli_bench]
//! mypos-bench coldstart  --url URL [--clients 100] [--calls 1000] [--prefix cold_rust]
//! mypos-bench memory     --url URL [--clients 10000] [--prefix mem]
//! mypos-bench profile    --url URL --payment ID --impl raw|sdk|host --op NAME [--calls 1000]
//! mypos-bench handoff    [--calls 20000]
//! ```
//!
//! `profile` makes exactly `--calls` calls one after another and prints nothing: run it under
//! `valgrind --tool=callgrind` with two call counts, and the difference of the totals divided by
//! the difference of the counts is the instructions one call costs, free of start-up and noise.

mod cell;
mod raw;
mod sdk;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use cell::Plan;

pub const PARTNER_ID: &str = "mps-p-100000";
pub const APPLICATION_ID: &str = "mps-app-200000";

/// Where the calls go, as whom, and the payment `epos.payments.get` reads.
pub struct Setup {
    pub url: String,
    pub merchant: String,
    pub secret: String,
    pub payment_id: String,
}

#[derive(Clone)]
struct Args(HashMap<String, String>);

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut map = HashMap::new();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let name = arg
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {arg:?}"))?;
            let value = args
                .next()
                .ok_or_else(|| format!("--{name} needs a value"))?;
            map.insert(name.to_string(), value);
        }
        Ok(Self(map))
    }

    fn text(&self, name: &str, default: Option<&str>) -> Result<String, String> {
        self.0
            .get(name)
            .map(String::as_str)
            .or(default)
            .map(str::to_owned)
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.0.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("--{name} must be a number")),
        }
    }

    fn list(&self, name: &str, default: &str) -> Vec<String> {
        self.text(name, Some(default))
            .unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect()
    }
}

fn emit(value: Value) {
    println!("{value}");
}

/// Empties the sandbox's request log, so it does not grow across cells.
async fn clear_log(url: &str) {
    let _ = reqwest::Client::new()
        .delete(format!("{url}/_sandbox/requests"))
        .send()
        .await;
}

fn setup(args: &Args) -> Result<Setup, String> {
    let merchant = args.text("merchant", Some("cli_bench"))?;
    Ok(Setup {
        secret: merchant.replacen("cli_", "sec_", 1),
        merchant,
        payment_id: args.text("payment", None)?,
        url: args.text("url", None)?,
    })
}

/// The call under test for `--impl` and `operation`.
async fn target(
    setup: &Setup,
    implementation: &str,
    operation: &str,
) -> Result<cell::Call, String> {
    let path = match operation {
        "banking.get_accounts" => "/accounting/v1/accounts".to_string(),
        "epos.payments.get" => format!("/epos/v1/payments/{}", setup.payment_id),
        other => return Err(format!("unknown operation {other}")),
    };
    match implementation {
        "raw" => raw::call(setup, &path).await,
        "sdk" => sdk::call(setup, operation),
        "host" => sdk::host_call(setup, operation),
        other => Err(format!("unknown --impl {other}")),
    }
}

async fn profile(args: &Args) -> Result<(), String> {
    let setup = setup(args)?;
    let call = target(&setup, &args.text("impl", None)?, &args.text("op", None)?).await?;
    for _ in 0..args.number("calls", 1000)? {
        call().await?;
    }
    Ok(())
}

async fn throughput(args: &Args) -> Result<(), String> {
    let setup = setup(args)?;
    let implementation = args.text("impl", None)?;
    let plan = Plan {
        warmup: Duration::from_secs_f64(args.number("warmup", 0.5)?),
        round: Duration::from_secs_f64(args.number("seconds", 2.0)?),
        rounds: args.number("rounds", 3)?,
    };
    for operation in args.list("ops", "banking.get_accounts,epos.payments.get") {
        let call = target(&setup, &implementation, &operation).await?;
        for concurrency in args.list("concurrency", "1,64") {
            let concurrency: usize = concurrency
                .parse()
                .map_err(|_| "--concurrency takes numbers".to_string())?;
            clear_log(&setup.url).await;
            let mut result = cell::measure(&call, concurrency, plan).await;
            result["task"] = json!("throughput");
            result["impl"] = json!(format!("rust-{implementation}"));
            result["op"] = json!(operation);
            result["concurrency"] = json!(concurrency);
            emit(result);
        }
    }
    Ok(())
}

/// The floor under every host SDK's added cost: a thread that is not the runtime's (an event
/// loop) hands a task that does nothing to a runtime like the bindings' and sleeps until the
/// answer wakes it. Two cross-thread wake-ups, no HTTP.
fn handoff(args: &Args) -> Result<(), String> {
    let calls: u32 = args.number("calls", 20_000)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let started = Instant::now();
    for _ in 0..calls {
        let tx = tx.clone();
        runtime.spawn(async move {
            let _ = tx.send(());
        });
        rx.recv().map_err(|e| e.to_string())?;
    }
    let us = started.elapsed().as_secs_f64() * 1e6 / f64::from(calls);
    emit(json!({ "task": "handoff", "impl": "rust-handoff", "us_per_round_trip": us }));
    Ok(())
}

async fn run(task: &str, args: &Args) -> Result<(), String> {
    match task {
        "handoff" => {
            let args = args.clone();
            tokio::task::spawn_blocking(move || handoff(&args))
                .await
                .map_err(|e| e.to_string())?
        }
        "throughput" => throughput(args).await,
        "profile" => profile(args).await,
        "coldstart" => {
            let url = args.text("url", None)?;
            let clients = args.number("clients", 100)?;
            let calls = args.number("calls", 1000)?;
            let prefix = args.text("prefix", Some("cold_rust"))?;
            let mut result = sdk::cold_start(&url, clients, calls, &prefix).await?;
            result["task"] = json!("coldstart");
            result["impl"] = json!("rust-sdk");
            result["clients"] = json!(clients);
            result["calls"] = json!(calls);
            emit(result);
            Ok(())
        }
        "memory" => {
            let url = args.text("url", None)?;
            let clients = args.number("clients", 10_000)?;
            let prefix = args.text("prefix", Some("mem"))?;
            let mut result = sdk::memory(&url, clients, &prefix).await?;
            result["task"] = json!("memory");
            result["impl"] = json!("rust-sdk");
            emit(result);
            Ok(())
        }
        other => Err(format!(
            "unknown task {other:?}; see the top of bench/src/main.rs"
        )),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Plain-HTTP reqwest clients built here still want a TLS provider chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut argv = std::env::args().skip(1);
    let task = argv.next().unwrap_or_default();
    let outcome = match Args::parse(argv) {
        Ok(args) => run(&task, &args).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mypos-bench: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
