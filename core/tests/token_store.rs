//! The Redis token store through the Rust API: gateways that share nothing but a Redis (as
//! processes of a fleet do) fetch one token and one session per merchant between them.
//! Against Debian's `redis-server`, started on a free loopback port.

mod common;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{config, merchant, sandbox};
use mypos::gateway::banking::GetAccountsRequest;
use mypos::{Gateway, RedisTokenStore, TokenStore};

const TOKEN: &str = "/api/v1/oauth/token";
const SESSION: &str = "/api/v1/auth/session";
const KEY: &str = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=";

struct Redis(Child, u16);

impl Redis {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server runs (apt-get install redis-server)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Redis(child, port)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.1)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn shared_gateway(sandbox: &mypos_sandbox::Sandbox, store: RedisTokenStore) -> Gateway {
    let mut config = config(sandbox);
    config.token_store = TokenStore::Redis(store);
    Gateway::new(config).unwrap()
}

#[tokio::test]
async fn gateways_sharing_a_redis_fetch_one_token_and_one_session_per_merchant() {
    let (sandbox, redis) = (sandbox().await, Redis::start());
    let gateways: Vec<_> = (0..4)
        .map(|_| shared_gateway(&sandbox, RedisTokenStore::new(redis.url(), KEY)))
        .collect();
    let calls = gateways.iter().flat_map(|g| {
        (0..5).map(move |m| async move {
            merchant(g, &format!("m{m}"))
                .banking()
                .get_accounts(GetAccountsRequest::default())
                .await
        })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)),
        (1, 5)
    );
}

#[tokio::test]
async fn plain_text_only_when_opted_out_and_nothing_secret_in_debug() {
    let (sandbox, redis) = (sandbox().await, Redis::start());
    let mut store = RedisTokenStore::new(redis.url(), KEY);
    store.encryption_key = None;
    let mut config = config(&sandbox);
    config.token_store = TokenStore::Redis(store.clone());
    let err = Gateway::new(config.clone()).unwrap_err();
    assert!(
        err.to_string().contains("token_store.encryption_key"),
        "{err}"
    );

    store.unencrypted = true;
    store.url = format!("redis://:TOPSECRET@127.0.0.1:{}/0", redis.1).into();
    let gateway = shared_gateway(&sandbox, store);
    let client = merchant(&gateway, "plain");
    // The server has no password: the store is unreachable, and calls go on without it.
    client
        .banking()
        .get_accounts(GetAccountsRequest::default())
        .await
        .unwrap();
    let shown = format!("{gateway:?} {client:?}");
    assert!(!shown.contains("TOPSECRET"), "{shown}");
    assert!(!shown.contains("Bearer"), "{shown}");
}
