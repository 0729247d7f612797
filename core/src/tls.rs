//! TLS is rustls with the ring provider: no OpenSSL, no C toolchain beyond ring's own.

use std::sync::Once;

/// reqwest is built without a provider of its own, so the process needs a default one.
/// If the host application installed another first, that one is kept.
pub(crate) fn install_default_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
