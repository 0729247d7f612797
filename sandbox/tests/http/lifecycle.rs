use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mypos_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use crate::common::client;

fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err()
}

async fn health(url: &str) -> Value {
    let response = client()
        .get(format!("{url}/_sandbox/health"))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

#[test]
fn sandbox_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sandbox>();
}

#[tokio::test]
async fn url_has_no_trailing_slash_and_starts_are_cheap() {
    let sandboxes: Vec<Sandbox> = futures::future::join_all((0..50).map(|_| Sandbox::start()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let urls: std::collections::BTreeSet<String> = sandboxes.iter().map(Sandbox::url).collect();
    assert_eq!(urls.len(), 50);
    assert!(
        urls.iter()
            .all(|u| u.starts_with("http://127.0.0.1:") && !u.ends_with('/'))
    );
}

#[tokio::test]
async fn stop_releases_the_port() {
    let sandbox = Sandbox::start().await.unwrap();
    let addr = sandbox.addr();
    // A client that keeps its idle keep-alive connection must not hold up the stop.
    let http = client();
    let response = http
        .get(format!("{}/_sandbox/health", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sandbox.stop().await;
    assert!(refuses_connections(addr));
    drop(http);
}

#[tokio::test]
async fn drop_releases_the_port() {
    let sandbox = Sandbox::start().await.unwrap();
    let addr = sandbox.addr();
    assert_eq!(health(&sandbox.url()).await["status"], "ok");
    drop(sandbox);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !refuses_connections(addr) {
        assert!(Instant::now() < deadline, "still listening after drop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn listens_on_a_chosen_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let config = SandboxConfig {
        port,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start_with(config).await.unwrap();
    assert_eq!(sandbox.url(), format!("http://127.0.0.1:{port}"));
    // The port is taken now.
    let again = Sandbox::start_with(SandboxConfig {
        port,
        ..SandboxConfig::default()
    })
    .await;
    assert!(again.is_err());
}

/// The Python and Node bindings own the runtime the sandbox runs on; callers may be elsewhere.
#[test]
fn runs_on_a_foreign_runtime() {
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = server_runtime.block_on(Sandbox::start()).unwrap();
    let url = sandbox.url();

    let caller = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = caller.block_on(health(&url));
    assert_eq!(body["status"], "ok");

    // Dropped outside any runtime: must neither panic nor leave the port open.
    let addr = sandbox.addr();
    drop(sandbox);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !refuses_connections(addr) {
        assert!(Instant::now() < deadline, "still listening after drop");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(server_runtime);
}

#[tokio::test]
async fn binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mypos-sandbox"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("mypos sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    let served = health(&url).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(served["status"], "ok");
}

#[test]
fn binary_rejects_bad_arguments() {
    let bin = env!("CARGO_BIN_EXE_mypos-sandbox");
    let status = Command::new(bin)
        .args(["--port", "x"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let output = Command::new(bin).arg("--help").output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("--port"));
}
