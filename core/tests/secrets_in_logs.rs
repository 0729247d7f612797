//! With every log on at the most verbose level — this SDK's, reqwest's, hyper's, rustls's —
//! token flows, successes and failures never write a secret, a token or a session.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use mypos::gateway::banking::GetAccountsRequest;
use mypos::{Credentials, Gateway};
use mypos_sandbox::Fault;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The sandbox's tokens start with this JWT header; its sessions are 48 letters and digits.
const TOKEN_PREFIX: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNhbmRib3gi";

fn longest_alphanumeric_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn no_secret_reaches_the_logs_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox);
    let client = gateway
        .client(Credentials::new("cli_LOGS1", "sec_LOGS1"))
        .unwrap();
    let request = || GetAccountsRequest {
        page: Some(1),
        size: Some(2),
    };
    client.banking().get_accounts(request()).await.unwrap();
    sandbox.expire_tokens();
    sandbox.expire_sessions();
    client.banking().get_accounts(request()).await.unwrap(); // 401, refresh, replay
    sandbox.inject(Fault::status("/accounting/v1/accounts", 503));
    client.banking().get_accounts(request()).await.unwrap(); // retried
    sandbox.inject(Fault::status("/accounting/v1/accounts", 400));
    client.banking().get_accounts(request()).await.unwrap_err();
    let wrong = gateway
        .client(Credentials::new("cli_LOGS2", "sec_WRONG2"))
        .unwrap();
    wrong.banking().get_accounts(request()).await.unwrap_err();
    let mut config = common::config(&sandbox);
    config.integration = Credentials::new("client_sandbox", "secret_WRONG3");
    let wrong_partner = Gateway::new(config)
        .unwrap()
        .client(Credentials::new("cli_x", "sec_x"))
        .unwrap();
    wrong_partner
        .banking()
        .get_accounts(request())
        .await
        .unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [
        "secret_sandbox",
        "sec_LOGS1",
        "sec_WRONG2",
        "secret_WRONG3",
        "client_secret=",
        TOKEN_PREFIX,
    ] {
        assert!(!logs.contains(secret), "{secret} is in the logs");
    }
    assert!(
        longest_alphanumeric_run(&logs) < 48,
        "something session-like is in the logs"
    );
    // …and the logs are worth reading.
    assert!(
        logs.contains("hyper") || logs.contains("reqwest"),
        "the HTTP stack logs are captured too"
    );
    for useful in [
        "/accounting/v1/accounts",
        "status=200",
        "status=401",
        "retrying myPOS call",
        "opened a merchant session",
    ] {
        assert!(logs.contains(useful), "the logs lack {useful}");
    }
}
