//! The one hash the seeded data is derived from, so a merchant or holder gets the same
//! accounts, terminals and codes in every sandbox and on every Rust release.

/// FNV-1a: tiny, and unlike std's hasher guaranteed stable across Rust releases.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
