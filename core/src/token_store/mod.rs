//! Where the partner token and the merchant sessions are kept: in this process only (the
//! default), or also in a store the processes of a fleet share, so that the fleet fetches
//! one token and one session per merchant instead of one per process.
//!
//! Each process still keeps its own copy (no round trip to the store while it is fresh). When
//! its copy is missing or due, a process reads the store; on a miss it takes a short lock there
//! (an owner value only it can release), fetches, writes the value with a time to live that
//! ends when the value is due for renewal, and releases the lock. The others wait for that
//! write, for a bounded time, and then fetch for themselves. The store is an optimisation:
//! when it cannot be reached, calls go on with direct fetches.

mod redis;
mod seal;
#[cfg(test)]
mod testing;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use seal::Seal;

/// Where a [`Gateway`](crate::Gateway) keeps its partner token and merchant sessions.
#[derive(Clone, Debug, Default)]
pub enum TokenStore {
    /// In this process only.
    #[default]
    Memory,
    /// Also in Redis, shared by every process configured with the same store and partner.
    Redis(RedisTokenStore),
}

/// A Redis server the processes of a fleet share tokens and sessions through.
#[derive(Clone)]
pub struct RedisTokenStore {
    /// `redis://[user:password@]host[:port][/db]` (or `redis+unix://`). Never shown.
    pub url: SecretString,
    /// 32 bytes as base64 text: tokens and sessions are sealed with it (XChaCha20-Poly1305).
    /// Required unless [`unencrypted`](Self::unencrypted) is set.
    pub encryption_key: Option<SecretString>,
    /// Starts every key the SDK writes (default `mypos`).
    pub key_prefix: String,
    /// Stores tokens and sessions in plain text when no key is given. Anyone who can read
    /// the Redis database can then call the API as the partner and its merchants.
    pub unencrypted: bool,
}

impl RedisTokenStore {
    /// A store at `url`, sealing with `encryption_key` (32 bytes as base64 text).
    pub fn new(url: impl Into<String>, encryption_key: impl Into<String>) -> Self {
        Self {
            url: SecretString::from(url.into()),
            encryption_key: Some(SecretString::from(encryption_key.into())),
            key_prefix: DEFAULT_PREFIX.into(),
            unencrypted: false,
        }
    }
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("url", &redacted_url(self.url.expose_secret()))
            .field("encrypted", &self.encryption_key.is_some())
            .field("key_prefix", &self.key_prefix)
            .finish()
    }
}

/// The key prefix unless configured otherwise.
pub const DEFAULT_PREFIX: &str = "mypos";

/// `url` without its user name and password, for logs and `Debug`.
pub fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("");
                let _ = parsed.set_password(None);
                return parsed.as_str().replacen("://", "://***@", 1);
            }
            parsed.to_string()
        }
        Err(_) => "<unparsable url>".into(),
    }
}

/// What a shared store must do. Values are opaque bytes (already sealed); every method
/// answers even when the store cannot be reached (then as if it held nothing).
pub(crate) trait Store: Send + Sync + fmt::Debug {
    /// The value at `key` with its remaining time to live; if there is none, tries to take
    /// `lock` for `lock_ttl`, marked with `owner`.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        lock: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
    ) -> BoxFuture<'a, Claim>;
    /// Writes `value` at `key` for `ttl`.
    fn put<'a>(&'a self, key: &'a str, value: &'a [u8], ttl: Duration) -> BoxFuture<'a, ()>;
    /// Deletes `key` if (and only if) it still holds `expected`.
    fn delete_if<'a>(&'a self, key: &'a str, expected: &'a [u8]) -> BoxFuture<'a, ()>;
}

/// What [`Store::claim`] found.
#[derive(Debug, PartialEq)]
pub(crate) enum Claim {
    Found {
        value: Vec<u8>,
        ttl: Duration,
    },
    /// Nothing stored, and the lock is ours.
    Locked,
    /// Nothing stored, and another owner holds the lock.
    Busy,
    /// The store cannot be reached.
    Unavailable,
}

/// How long a lock lives if its owner never releases it (a process that died mid-fetch).
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How long a process waits for another's fetch before fetching for itself.
const MAX_WAIT: Duration = Duration::from_secs(5);
/// Waits between looks at the store: short at first (a fetch takes tens of milliseconds),
/// longer later, so many waiting processes do not flood it.
const FIRST_POLL: Duration = Duration::from_millis(10);
const LAST_POLL: Duration = Duration::from_millis(100);

/// A store opened for one gateway: where, how values are sealed, and the gateway's namespace.
#[derive(Debug)]
pub(crate) struct Fleet {
    store: Arc<dyn Store>,
    seal: Seal,
    /// `<prefix>:<hash of the gateway URL, partner, application and integration client id>`.
    namespace: String,
}

impl Fleet {
    /// Opens `config` for one gateway (nothing is sent until the first fetch); `None` for the
    /// in-memory store.
    pub fn open(
        config: &TokenStore,
        base_url: &str,
        partner_id: &str,
        application_id: &str,
        client_id: &str,
    ) -> Result<Option<Arc<Fleet>>> {
        let TokenStore::Redis(redis) = config else {
            return Ok(None);
        };
        if redis.encryption_key.is_none() && !redis.unencrypted {
            return Err(Error::config(
                "token_store.encryption_key",
                "is required: tokens and sessions are encrypted in Redis with it \
                 (32 bytes or their base64 text); opt out with `unencrypted`",
            ));
        }
        let prefix = redis.key_prefix.trim();
        if prefix.is_empty() || prefix.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::config(
                "token_store.key_prefix",
                "must be a non-empty name without spaces",
            ));
        }
        let seal = Seal::new(redis.encryption_key.as_ref())?;
        let store = redis::RedisStore::open(&redis.url)?;
        Ok(Some(Arc::new(Fleet::new(
            Arc::new(store),
            seal,
            prefix,
            &[base_url, partner_id, application_id, client_id],
        ))))
    }

    fn new(store: Arc<dyn Store>, seal: Seal, prefix: &str, scope: &[&str]) -> Self {
        Fleet {
            store,
            seal,
            namespace: format!("{prefix}:{}", digest(scope)),
        }
    }

    /// Where the partner token is shared.
    pub fn partner_token(self: &Arc<Self>) -> Shared {
        self.shared(format!("{}:token", self.namespace))
    }

    /// Where one merchant's session is shared (the client id is hashed too: key names show
    /// no merchant).
    pub fn session(self: &Arc<Self>, client_id: &str) -> Shared {
        let merchant = digest(&[&self.namespace, client_id]);
        self.shared(format!("{}:session:{merchant}", self.namespace))
    }

    fn shared(self: &Arc<Self>, key: String) -> Shared {
        Shared {
            fleet: self.clone(),
            lock: format!("{key}:lock"),
            key,
        }
    }
}

/// 128 bits of SHA-256 over the parts, in hex.
fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A value kept in a shared store: its plain bytes, and how long it may still be used.
pub(crate) trait Shareable: Sized {
    fn plain(&self) -> &[u8];
    fn valid_for(&self) -> Duration;
    fn from_plain(plain: &[u8], valid_for: Duration) -> Option<Self>;
}

/// One value's place in the shared store.
#[derive(Debug)]
pub(crate) struct Shared {
    fleet: Arc<Fleet>,
    key: String,
    lock: String,
}

/// A value as the store holds it (sealed): what a process compares before deleting it.
pub(crate) type Stamp = Vec<u8>;

impl Shared {
    /// The shared value, or a fetched one (then written for the others). `dropped` is the
    /// stored form of a value this process found refused: it is deleted (if nobody replaced
    /// it yet) and never taken again.
    pub async fn obtain<T: Shareable>(
        &self,
        dropped: Option<&[u8]>,
        fetch: impl AsyncFnOnce() -> Result<T>,
    ) -> Result<(T, Option<Stamp>)> {
        let Fleet { store, seal, .. } = &*self.fleet;
        if let Some(dropped) = dropped {
            store.delete_if(&self.key, dropped).await;
        }
        let owner = uuid::Uuid::new_v4().to_string();
        let started = tokio::time::Instant::now();
        let mut poll = FIRST_POLL;
        loop {
            match store.claim(&self.key, &self.lock, &owner, LOCK_TTL).await {
                Claim::Found { value, ttl } => {
                    if dropped == Some(&value[..]) {
                        // Our delete did not reach the store: the refused value is still there.
                        return Ok((fetch().await?, None));
                    }
                    match seal
                        .open(&self.key, &value)
                        .and_then(|plain| T::from_plain(&plain, ttl))
                    {
                        Some(found) => return Ok((found, Some(value))),
                        None => {
                            tracing::warn!(
                                "a shared token could not be decrypted (another encryption key?): \
                                 fetching a new one"
                            );
                            let fetched = fetch().await?;
                            let stamp = self.put(&fetched).await;
                            return Ok((fetched, Some(stamp)));
                        }
                    }
                }
                Claim::Locked => {
                    let fetched = fetch().await;
                    let stamp = match &fetched {
                        Ok(value) => Some(self.put(value).await),
                        Err(_) => None,
                    };
                    store.delete_if(&self.lock, owner.as_bytes()).await;
                    return fetched.map(|value| (value, stamp));
                }
                Claim::Busy if started.elapsed() < MAX_WAIT => {
                    tokio::time::sleep(poll).await;
                    poll = (poll * 3 / 2).min(LAST_POLL);
                }
                Claim::Busy | Claim::Unavailable => {
                    let fetched = fetch().await?;
                    let stamp = self.put(&fetched).await;
                    return Ok((fetched, Some(stamp)));
                }
            }
        }
    }

    /// Writes `value` until it is due for renewal; returns its stored form.
    async fn put<T: Shareable>(&self, value: &T) -> Stamp {
        let stamp = self.fleet.seal.seal(&self.key, value.plain());
        let ttl = value.valid_for();
        // Under a millisecond it would be gone before anyone read it.
        if ttl >= Duration::from_millis(1) {
            self.fleet.store.put(&self.key, &stamp, ttl).await;
        }
        stamp
    }
}

#[cfg(test)]
mod tests;
