//! Tokens and sessions at rest: sealed with XChaCha20-Poly1305 under the application's key,
//! bound to the store key they are written under (a value copied to another merchant's key
//! does not open).

use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// The first byte of a stored value: how the rest is to be read.
const SEALED: u8 = 1;
const PLAIN: u8 = 0;
const NONCE_LEN: usize = 24;

/// Seals values with the application's key, or (opted out) keeps them plain.
#[derive(Clone)]
pub(crate) struct Seal {
    cipher: Option<XChaCha20Poly1305>,
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.cipher.is_some() {
            "Seal(XChaCha20-Poly1305)"
        } else {
            "Seal(none)"
        })
    }
}

impl Seal {
    /// `key`: 32 bytes as base64 text (standard or URL-safe alphabet, padded or not).
    pub fn new(key: Option<&SecretString>) -> Result<Self> {
        let Some(key) = key else {
            return Ok(Seal { cipher: None });
        };
        let text = key.expose_secret().trim();
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let bytes = engines
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(|| {
                Error::config(
                    "token_store.encryption_key",
                    "must be 32 bytes, or their base64 text (e.g. from `openssl rand -base64 32`)",
                )
            })?;
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| Error::config("token_store.encryption_key", "must be 32 bytes"))?;
        Ok(Seal {
            cipher: Some(cipher),
        })
    }

    pub fn seal(&self, name: &str, plain: &[u8]) -> Vec<u8> {
        let Some(cipher) = &self.cipher else {
            return [&[PLAIN], plain].concat();
        };
        let nonce = XNonce::generate();
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: name.as_bytes(),
                },
            )
            .expect("a token is far below the cipher's length limit");
        [&[SEALED], nonce.as_slice(), &sealed].concat()
    }

    /// The plain value, or `None` for one sealed with another key, for another name, or kept
    /// in the other form (sealed where this store keeps plain values, or the reverse).
    pub fn open(&self, name: &str, stored: &[u8]) -> Option<Vec<u8>> {
        let (&form, rest) = stored.split_first()?;
        match (&self.cipher, form) {
            (None, PLAIN) => Some(rest.to_vec()),
            (Some(cipher), SEALED) if rest.len() > NONCE_LEN => {
                let (nonce, sealed) = rest.split_at(NONCE_LEN);
                let nonce = XNonce::try_from(nonce).ok()?;
                cipher
                    .decrypt(
                        &nonce,
                        Payload {
                            msg: sealed,
                            aad: name.as_bytes(),
                        },
                    )
                    .ok()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretString {
        base64::engine::general_purpose::STANDARD
            .encode([byte; 32])
            .into()
    }

    #[test]
    fn opens_what_it_sealed_under_the_same_name_only() {
        let seal = Seal::new(Some(&key(7))).unwrap();
        let stored = seal.seal("p:token", b"Bearer abc");
        assert!(!stored.windows(3).any(|w| w == b"abc"));
        assert_eq!(seal.open("p:token", &stored).unwrap(), b"Bearer abc");
        assert_eq!(seal.open("p:other", &stored), None);
        // Two seals of one value differ (a fresh nonce each time).
        assert_ne!(stored, seal.seal("p:token", b"Bearer abc"));
    }

    #[test]
    fn another_key_or_form_reads_as_absent() {
        let stored = Seal::new(Some(&key(7))).unwrap().seal("k", b"s");
        assert_eq!(Seal::new(Some(&key(8))).unwrap().open("k", &stored), None);
        assert_eq!(Seal::new(None).unwrap().open("k", &stored), None);
        let plain = Seal::new(None).unwrap().seal("k", b"s");
        assert_eq!(Seal::new(None).unwrap().open("k", &plain).unwrap(), b"s");
        assert_eq!(Seal::new(Some(&key(7))).unwrap().open("k", &plain), None);
        assert_eq!(Seal::new(Some(&key(7))).unwrap().open("k", b""), None);
    }

    #[test]
    fn keys_are_32_bytes_of_base64_and_never_quoted() {
        let url_safe: SecretString = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode([0xfb; 32])
            .into();
        assert!(Seal::new(Some(&url_safe)).is_ok());
        for bad in ["", "c2hvcnQ=", "not base64 at all!!", "TOPSECRET"] {
            let err = Seal::new(Some(&SecretString::from(bad))).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(text.contains("token_store.encryption_key"), "{text}");
            assert!(!text.contains("TOPSECRET"));
        }
    }
}
