//! `mypos-sandbox`: the sandbox as a program of its own, for a dev server, docker-compose, or
//! the Python and Node test helpers (which start it with `--json --stop-on-eof`).

use std::io::{IsTerminal, Read, Write};
use std::net::IpAddr;

use clap::{Parser, Subcommand};
use mypos_sandbox::tls::{TestPki, TlsFront};
use mypos_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// A local, stateful stand-in for the myPOS API Gateway, MobilePay and PSD2 APIs.
///
/// It accepts the seeded credentials it prints (and any merchant `cli_<X>` / `sec_<X>`), keeps
/// state in memory, and serves its control API under `/_sandbox/`. Stop it with Ctrl-C.
#[derive(Parser)]
#[command(name = "mypos-sandbox", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Subcommand)]
enum Command {
    /// Print the seeded credentials (Gateway, MobilePay, PSD2) as JSON and exit.
    Seed,
}

#[derive(clap::Args)]
struct Serve {
    /// Address to listen on. Anything but loopback lets other machines use the sandbox (and
    /// its control API), so it is only taken when given explicitly.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Also serve the API over mutual TLS on a second port, with a throwaway PKI.
    #[arg(long)]
    tls: bool,
    /// Print one JSON line (`url`, `tls_url`, `pki`) when ready instead of a greeting.
    #[arg(long)]
    json: bool,
    /// Stop when standard input closes: a parent process that dies cannot leave it running.
    #[arg(long)]
    stop_on_eof: bool,
}

fn seed() -> Value {
    let parse = |text: String| serde_json::from_str::<Value>(&text).expect("seeds are JSON");
    json!({
        "gateway": parse(mypos_sandbox::seed::credentials_json()),
        "mobilepay": parse(mypos_sandbox::mobilepay::seed_json()),
        "psd2": parse(mypos_sandbox::psd2::credentials_json()),
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let done = match cli.command {
        // A closed pipe (`mypos-sandbox seed | head`) is an error to report, not a panic.
        Some(Command::Seed) => writeln!(std::io::stdout(), "{}", seed()),
        None => serve(cli.serve).await,
    };
    match done {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mypos-sandbox: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(options: Serve) -> std::io::Result<()> {
    if !options.host.is_loopback() {
        eprintln!(
            "mypos-sandbox: warning: listening on {}: anyone who can reach it can use the \
             sandbox's credentials and its control API",
            options.host
        );
    }
    let config = SandboxConfig {
        host: options.host,
        port: options.port,
        // Asked for another address: its control API answers whatever Host it is reached by.
        control_loopback_only: options.host.is_loopback(),
        ..SandboxConfig::default()
    };
    let stopped = stop_signal(options.stop_on_eof)?;
    let sandbox = Sandbox::start_with(config).await?;
    let tls = if options.tls {
        let pki = TestPki::generate();
        let front = TlsFront::start_on(sandbox.state().clone(), &pki, options.host).await?;
        Some((front, pki))
    } else {
        None
    };

    let ready = match &tls {
        Some((front, pki)) => {
            json!({ "url": sandbox.url(), "tls_url": front.url(), "pki": serde_json::from_str::<Value>(&pki.to_json())? })
        }
        None => json!({ "url": sandbox.url(), "tls_url": null, "pki": null }),
    };
    // Whoever started us may stop reading after the first line: a closed stdout is no reason
    // to stop serving.
    let _ = announce(&ready, options.json);

    stopped.await;
    if let Some((front, _)) = tls {
        front.stop().await;
    }
    sandbox.stop().await;
    Ok(())
}

/// Tells the world the sandbox is up: one JSON line, or a greeting for people.
fn announce(ready: &Value, as_json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if as_json {
        writeln!(out, "{ready}")?;
    } else {
        // Scripts wait for this exact first line.
        writeln!(
            out,
            "mypos sandbox listening on {}",
            ready["url"].as_str().unwrap_or_default()
        )?;
        if let Some(tls_url) = ready["tls_url"].as_str() {
            writeln!(out, "  mTLS API on {tls_url}")?;
        }
        writeln!(
            out,
            "seeded credentials:\n{}",
            serde_json::to_string_pretty(&seed())?
        )?;
        if std::io::stdout().is_terminal() {
            writeln!(out, "Ctrl-C to stop")?;
        }
    }
    out.flush()
}

/// Resolves on Ctrl-C, SIGTERM, or (with `stop_on_eof`) when standard input closes. The signal
/// handlers are in place when this returns, before anyone is told the sandbox is up.
fn stop_signal(stop_on_eof: bool) -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    Ok(async move {
        let eof = async {
            if !stop_on_eof {
                return std::future::pending().await;
            }
            // Reading stdin blocks a thread; it ends when the parent closes the pipe or exits.
            let _ = tokio::task::spawn_blocking(|| {
                let mut sink = [0u8; 256];
                let mut stdin = std::io::stdin();
                while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            })
            .await;
        };
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
            _ = eof => {}
        }
        #[cfg(not(unix))]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = eof => {}
        }
    })
}
