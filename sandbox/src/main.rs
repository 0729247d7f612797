//! `mypos-sandbox [--port N]`: serves the sandbox on 127.0.0.1 until Ctrl-C (or SIGTERM).

use std::process::ExitCode;

use mypos_sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "\
Usage: mypos-sandbox [--port N]

A local, stateful stand-in for the myPOS API Gateway, on 127.0.0.1.

Options:
  -p, --port N     port to listen on (default 0: any free port)
  -h, --help       print this help
  -V, --version    print the version";

/// The port from the arguments, or the text to print and the exit code.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<u16, (String, ExitCode)> {
    let mut port = 0;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Err((USAGE.into(), ExitCode::SUCCESS)),
            "-V" | "--version" => {
                let version = format!("mypos-sandbox {}", env!("CARGO_PKG_VERSION"));
                return Err((version, ExitCode::SUCCESS));
            }
            "-p" | "--port" => args.next(),
            other => match other.strip_prefix("--port=") {
                Some(value) => Some(value.to_owned()),
                None => {
                    return Err((
                        format!("unknown argument '{other}'\n\n{USAGE}"),
                        ExitCode::from(2),
                    ));
                }
            },
        };
        port = value.and_then(|v| v.parse().ok()).ok_or_else(|| {
            (
                format!("--port needs a number 0-65535\n\n{USAGE}"),
                ExitCode::from(2),
            )
        })?;
    }
    Ok(port)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(port) => port,
        Err((text, code)) => {
            if code == ExitCode::SUCCESS {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
            return code;
        }
    };
    let config = SandboxConfig {
        port,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("mypos-sandbox: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line (Rust's stdout is line-buffered, also into a pipe).
    println!("mypos sandbox listening on {}", sandbox.url());

    shutdown_signal().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}
