//! The fleet logic on a store kept in memory: several `Shared` handles on one store stand for
//! several processes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::time::Instant;

use super::*;

#[derive(Debug, Default)]
struct MemoryStore {
    values: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
    down: AtomicBool,
}

impl MemoryStore {
    fn live(&self, key: &str) -> Option<(Vec<u8>, Duration)> {
        let values = self.values.lock().unwrap();
        let (value, until) = values.get(key)?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then(|| (value.clone(), left))
    }

    fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let until = Instant::now() + ttl;
        self.values
            .lock()
            .unwrap()
            .insert(key.into(), (value.to_vec(), until));
    }
}

impl Store for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        lock: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
    ) -> BoxFuture<'a, Claim> {
        Box::pin(async move {
            if self.down.load(Ordering::SeqCst) {
                return Claim::Unavailable;
            }
            if let Some((value, ttl)) = self.live(key) {
                return Claim::Found { value, ttl };
            }
            if self.live(lock).is_some() {
                return Claim::Busy;
            }
            self.set(lock, owner.as_bytes(), lock_ttl);
            Claim::Locked
        })
    }

    fn put<'a>(&'a self, key: &'a str, value: &'a [u8], ttl: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if !self.down.load(Ordering::SeqCst) {
                self.set(key, value, ttl);
            }
        })
    }

    fn delete_if<'a>(&'a self, key: &'a str, expected: &'a [u8]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if self.live(key).is_some_and(|(value, _)| value == expected) {
                self.values.lock().unwrap().remove(key);
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Value {
    plain: Vec<u8>,
    valid_for: Duration,
}

impl Shareable for Value {
    fn plain(&self) -> &[u8] {
        &self.plain
    }
    fn valid_for(&self) -> Duration {
        self.valid_for
    }
    fn from_plain(plain: &[u8], valid_for: Duration) -> Option<Self> {
        Some(Value {
            plain: plain.to_vec(),
            valid_for,
        })
    }
}

fn key(byte: u8) -> SecretString {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode([byte; 32])
        .into()
}

/// One process's view of the store's partner token.
fn process(store: &Arc<MemoryStore>, key_byte: u8) -> Shared {
    let seal = Seal::new(Some(&key(key_byte))).unwrap();
    Arc::new(Fleet::new(store.clone(), seal, "t", &["gw", "partner"])).partner_token()
}

/// A fetch that takes 50 ms and counts itself.
async fn fetch(count: &AtomicUsize, valid_for: Duration) -> Result<Value> {
    let n = count.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(Value {
        plain: format!("token-{n}").into_bytes(),
        valid_for,
    })
}

const LIFE: Duration = Duration::from_secs(270);

#[tokio::test(start_paused = true)]
async fn a_fleet_fetches_once_and_every_process_gets_that_value() {
    let store = Arc::new(MemoryStore::default());
    let count = AtomicUsize::new(0);
    let processes: Vec<_> = (0..8).map(|_| process(&store, 1)).collect();
    let got = futures::future::join_all(
        processes
            .iter()
            .map(|p| p.obtain(None, async || fetch(&count, LIFE).await)),
    )
    .await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
    for result in got {
        assert_eq!(result.unwrap().0.plain, b"token-0");
    }
}

#[tokio::test(start_paused = true)]
async fn a_value_is_kept_until_it_is_due_and_read_with_the_time_it_has_left() {
    let store = Arc::new(MemoryStore::default());
    let count = AtomicUsize::new(0);
    let (first, _) = process(&store, 1)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(first.valid_for, LIFE);
    tokio::time::advance(Duration::from_secs(100)).await;
    let (later, _) = process(&store, 1)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(later.plain, first.plain);
    assert_eq!(later.valid_for, LIFE - Duration::from_secs(100));
    // Once due, it is gone from the store: the next process fetches a new one.
    tokio::time::advance(Duration::from_secs(171)).await;
    let (renewed, _) = process(&store, 1)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(renewed.plain, b"token-1");
}

#[tokio::test(start_paused = true)]
async fn a_lock_never_released_is_waited_for_a_bounded_time() {
    let store = Arc::new(MemoryStore::default());
    let shared = process(&store, 1);
    // A process took the lock and died.
    assert_eq!(
        store
            .claim(&shared.key, &shared.lock, "dead", LOCK_TTL)
            .await,
        Claim::Locked
    );
    let count = AtomicUsize::new(0);
    let started = Instant::now();
    let (value, _) = shared
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(value.plain, b"token-0");
    assert!(
        waited >= MAX_WAIT && waited < MAX_WAIT + Duration::from_millis(200),
        "{waited:?}"
    );
    // What it fetched is shared even so.
    assert!(store.live(&shared.key).is_some());
}

#[tokio::test(start_paused = true)]
async fn a_failed_fetch_releases_the_lock_at_once() {
    let store = Arc::new(MemoryStore::default());
    let shared = process(&store, 1);
    let failed = shared
        .obtain(None, async || -> Result<Value> {
            Err(Error::config("x", "refused"))
        })
        .await;
    assert!(failed.is_err());
    let started = Instant::now();
    let count = AtomicUsize::new(0);
    shared
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn a_refused_value_is_dropped_only_if_nobody_replaced_it() {
    let store = Arc::new(MemoryStore::default());
    let count = AtomicUsize::new(0);
    let (a, b) = (process(&store, 1), process(&store, 1));
    let (_, old) = a
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    let old = old.unwrap();
    // Process A was refused with it: dropped, and a new one fetched for the fleet.
    let (new, stamp) = a
        .obtain(Some(&old), async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(new.plain, b"token-1");
    // Process B, refused with the old one too, finds the new one and fetches nothing.
    let (seen, _) = b
        .obtain(Some(&old), async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(seen.plain, b"token-1");
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(store.live(&a.key).unwrap().0, stamp.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_value_sealed_with_another_key_is_absent() {
    let store = Arc::new(MemoryStore::default());
    let count = AtomicUsize::new(0);
    process(&store, 1)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    let (other, _) = process(&store, 2)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(other.plain, b"token-1");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_store_means_a_direct_fetch() {
    let store = Arc::new(MemoryStore::default());
    store.down.store(true, Ordering::SeqCst);
    let count = AtomicUsize::new(0);
    let (value, _) = process(&store, 1)
        .obtain(None, async || fetch(&count, LIFE).await)
        .await
        .unwrap();
    assert_eq!(value.plain, b"token-0");
}

#[test]
fn key_names_show_no_client_id_and_differ_per_partner_and_merchant() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    let fleet = |client: &str| {
        Arc::new(Fleet::new(
            store.clone(),
            Seal::new(None).unwrap(),
            "mypos",
            &["https://gw", "mps-p-1", "mps-app-1", client],
        ))
    };
    let (one, two) = (fleet("client_one"), fleet("client_two"));
    let token = one.partner_token().key;
    let session = one.session("cli_merchant").key;
    assert!(
        token.starts_with("mypos:") && token.ends_with(":token"),
        "{token}"
    );
    assert!(
        session.starts_with("mypos:") && session.contains(":session:"),
        "{session}"
    );
    for name in [&token, &session] {
        assert!(
            !name.contains("client_one") && !name.contains("merchant"),
            "{name}"
        );
    }
    assert_ne!(token, two.partner_token().key);
    assert_ne!(session, one.session("cli_other").key);
    assert_ne!(session, two.session("cli_merchant").key);
}
