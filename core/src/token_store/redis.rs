//! The shared store on Redis: one multiplexed connection per process, opened on first use and
//! again after an outage. An outage is logged once; until the server answers again, calls
//! skip the store (a new connection is tried every few seconds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, Script, Value};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use super::{Claim, Store, redacted_url};
use crate::error::{Error, Result};
use crate::fork::PerProcess;

/// A store slower than this is treated as down: a call never waits long for it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long after a failure the store is left alone before a new connection is tried.
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// The stored value and its time to live, or else the lock if free (`SET NX PX`).
static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local v = redis.call('GET', KEYS[1])
          if v then return {v, redis.call('PTTL', KEYS[1])} end
          if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
          return 0",
    )
});

/// Compare-and-delete: a lock released by its owner only, a token dropped only if unchanged.
static DELETE_IF: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
          return 0",
    )
});

pub(crate) struct RedisStore {
    client: Client,
    /// The URL without credentials, for logs.
    shown: String,
    /// Per process: a forked child cannot use its parent's connection (its driver task
    /// stayed in the parent).
    link: PerProcess<Arc<Link>>,
}

#[derive(Default)]
struct Link {
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// No new connection is tried before this instant.
    retry_at: Mutex<Option<Instant>>,
    /// Whether the store is (still) unreachable: one warning per outage.
    down: AtomicBool,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.shown)
            .finish()
    }
}

impl RedisStore {
    pub fn open(url: &SecretString) -> Result<Self> {
        let text = url.expose_secret();
        let scheme = text.split_once("://").map(|(scheme, _)| scheme);
        if !matches!(scheme, Some("redis" | "redis+unix" | "unix")) {
            let hint = if scheme == Some("rediss") {
                "TLS (rediss://) is not supported yet: use redis:// on a private network"
            } else {
                "must be a redis:// URL, e.g. redis://localhost:6379/0"
            };
            return Err(Error::config("token_store.url", hint));
        }
        // The parser's message could quote the URL, and with it a password.
        let client = Client::open(text).map_err(|_| {
            Error::config(
                "token_store.url",
                "is not a valid Redis URL (redis://[user:password@]host[:port][/db])",
            )
        })?;
        Ok(Self {
            client,
            shown: redacted_url(text),
            link: PerProcess::new(Arc::default()),
        })
    }

    /// The connection, or `None` while the store is known to be down.
    async fn connection(&self) -> Option<(Arc<Link>, MultiplexedConnection)> {
        let link = self.link.get(Arc::default);
        let mut slot = link.connection.lock().await;
        if let Some(connection) = &*slot {
            return Some((link.clone(), connection.clone()));
        }
        {
            let retry_at = link.retry_at.lock().unwrap_or_else(|e| e.into_inner());
            if retry_at.is_some_and(|at| Instant::now() < at) {
                return None;
            }
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT));
        match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(connection) => {
                if link.down.swap(false, Ordering::AcqRel) {
                    tracing::info!(store = %self.shown, "the token store is reachable again");
                }
                *slot = Some(connection.clone());
                Some((link.clone(), connection))
            }
            Err(error) => {
                drop(slot);
                self.failed(&link, &error).await;
                None
            }
        }
    }

    /// Forgets the connection and leaves the store alone for a while.
    async fn failed(&self, link: &Link, error: &redis::RedisError) {
        *link.connection.lock().await = None;
        *link.retry_at.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + RETRY_AFTER);
        if !link.down.swap(true, Ordering::AcqRel) {
            // The error's kind only: its text is the server's or the OS's, never needed here.
            tracing::warn!(
                store = %self.shown,
                problem = ?error.kind(),
                timeout = error.is_timeout(),
                "the token store cannot be reached: tokens and sessions are fetched directly \
                 until it answers again"
            );
        }
    }

    async fn run(&self, invocation: redis::ScriptInvocation<'_>) -> Option<Value> {
        let (link, mut connection) = self.connection().await?;
        match invocation.invoke_async(&mut connection).await {
            Ok(value) => Some(value),
            Err(error) => {
                self.failed(&link, &error).await;
                None
            }
        }
    }
}

impl Store for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        lock: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
    ) -> BoxFuture<'a, Claim> {
        Box::pin(async move {
            let mut invocation = CLAIM.key(key);
            invocation
                .key(lock)
                .arg(owner)
                .arg(lock_ttl.as_millis().max(1) as u64);
            match self.run(invocation).await {
                None => Claim::Unavailable,
                Some(Value::Int(1)) => Claim::Locked,
                Some(Value::Array(found)) => match &found[..] {
                    // A value without a time to live (-1) was not written by this SDK.
                    [Value::BulkString(value), Value::Int(ttl)] if *ttl > 0 => Claim::Found {
                        value: value.clone(),
                        ttl: Duration::from_millis(*ttl as u64),
                    },
                    // Expired between the two reads, or not ours: as good as nothing, and
                    // the lock is not ours either.
                    _ => Claim::Busy,
                },
                Some(_) => Claim::Busy,
            }
        })
    }

    fn put<'a>(&'a self, key: &'a str, value: &'a [u8], ttl: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some((link, mut connection)) = self.connection().await else {
                return;
            };
            let result: redis::RedisResult<()> = redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query_async(&mut connection)
                .await;
            if let Err(error) = result {
                self.failed(&link, &error).await;
            }
        })
    }

    fn delete_if<'a>(&'a self, key: &'a str, expected: &'a [u8]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut invocation = DELETE_IF.key(key);
            invocation.arg(expected);
            self.run(invocation).await;
        })
    }
}

#[cfg(test)]
mod tests {
    //! Against a real `redis-server` (Debian's package), started on a free loopback port.

    use super::*;
    use crate::token_store::testing::RedisServer;

    fn store(server: &RedisServer) -> RedisStore {
        RedisStore::open(&server.url().into()).unwrap()
    }

    #[tokio::test]
    async fn the_lock_is_taken_once_and_released_by_its_owner_only() {
        let server = RedisServer::start();
        let store = store(&server);
        let ttl = Duration::from_secs(10);
        assert_eq!(store.claim("k", "k:lock", "a", ttl).await, Claim::Locked);
        assert_eq!(store.claim("k", "k:lock", "b", ttl).await, Claim::Busy);
        store.delete_if("k:lock", b"b").await;
        assert_eq!(store.claim("k", "k:lock", "b", ttl).await, Claim::Busy);
        store.delete_if("k:lock", b"a").await;
        assert_eq!(store.claim("k", "k:lock", "b", ttl).await, Claim::Locked);
    }

    #[tokio::test]
    async fn a_lock_expires_when_its_owner_never_releases_it() {
        let server = RedisServer::start();
        let store = store(&server);
        let ttl = Duration::from_millis(50);
        assert_eq!(store.claim("k", "k:lock", "a", ttl).await, Claim::Locked);
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(store.claim("k", "k:lock", "b", ttl).await, Claim::Locked);
    }

    #[tokio::test]
    async fn values_live_for_their_ttl_and_are_dropped_only_if_unchanged() {
        let server = RedisServer::start();
        let store = store(&server);
        store.put("k", b"one", Duration::from_secs(30)).await;
        let Claim::Found { value, ttl } = store
            .claim("k", "k:lock", "a", Duration::from_secs(1))
            .await
        else {
            panic!("the value was not found");
        };
        assert_eq!(value, b"one");
        assert!(
            ttl > Duration::from_secs(29) && ttl <= Duration::from_secs(30),
            "{ttl:?}"
        );
        store.delete_if("k", b"two").await;
        assert!(matches!(
            store.claim("k", "l", "a", ttl).await,
            Claim::Found { .. }
        ));
        store.delete_if("k", b"one").await;
        assert_eq!(store.claim("k", "l", "a", ttl).await, Claim::Locked);

        store.put("short", b"x", Duration::from_millis(40)).await;
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(
            store.claim("short", "short:lock", "a", ttl).await,
            Claim::Locked
        );
    }

    #[tokio::test]
    async fn a_stopped_server_is_unavailable_and_found_again_when_back() {
        let mut server = RedisServer::start();
        let store = store(&server);
        store.put("k", b"v", Duration::from_secs(30)).await;
        server.stop();
        let started = std::time::Instant::now();
        assert_eq!(
            store.claim("k", "l", "a", Duration::from_secs(1)).await,
            Claim::Unavailable
        );
        // While it is down, the store is skipped without waiting.
        assert_eq!(
            store.claim("k", "l", "a", Duration::from_secs(1)).await,
            Claim::Unavailable
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        server.restart();
        std::thread::sleep(RETRY_AFTER);
        assert_eq!(
            store.claim("k", "l", "a", Duration::from_secs(1)).await,
            Claim::Locked
        );
    }

    #[test]
    fn urls_other_than_redis_are_refused_without_being_quoted() {
        for url in ["http://x:TOPSECRET@h", "rediss://:TOPSECRET@h", "TOPSECRET"] {
            let err = RedisStore::open(&url.into()).unwrap_err();
            assert!(!format!("{err} {err:?}").contains("TOPSECRET"));
        }
        let store = RedisStore::open(&"redis://user:TOPSECRET@h:6379/0".into()).unwrap();
        assert_eq!(
            format!("{store:?}"),
            r#"RedisStore { url: "redis://***@h:6379/0" }"#
        );
    }
}
