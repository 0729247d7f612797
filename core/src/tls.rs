//! TLS is rustls with the ring provider: no OpenSSL, no C toolchain beyond ring's own.
//!
//! [`TlsOptions`] adds what some deployments need on top of the platform's trust store: an
//! extra CA (a corporate proxy, a test PKI) and a client certificate for mutual TLS (PSD2
//! requires one: a QWAC). There is deliberately no option that turns verification off.

use std::fmt;
use std::sync::Once;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// reqwest is built without a provider of its own, so the process needs a default one.
/// If the host application installed another first, that one is kept.
pub(crate) fn install_default_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Extra trust and a client identity for the HTTPS connections of one client.
///
/// Every value is PEM text (`-----BEGIN CERTIFICATE-----…`). The private key never shows in
/// `Debug` or errors.
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// One or more CA certificates trusted in addition to the platform's roots.
    pub extra_ca_pem: Option<String>,
    /// The client certificate presented to the server (mTLS), optionally followed by its chain.
    pub client_cert_pem: Option<String>,
    /// The private key of `client_cert_pem` (PKCS#8, PKCS#1 or SEC1).
    pub client_key_pem: Option<SecretString>,
}

impl TlsOptions {
    /// Whether any option is set.
    pub fn is_empty(&self) -> bool {
        self.extra_ca_pem.is_none()
            && self.client_cert_pem.is_none()
            && self.client_key_pem.is_none()
    }

    /// Checks every PEM value, naming the first bad one as `{prefix}.{field}`.
    pub(crate) fn validate(&self, prefix: &str) -> Result<()> {
        let field = |name: &str| format!("{prefix}.{name}");
        if let Some(pem) = &self.extra_ca_pem {
            let mut roots = rustls::RootCertStore::empty();
            for ca in certificates(pem).map_err(|m| Error::config(field("extra_ca_pem"), m))? {
                roots.add(ca).map_err(|_| {
                    Error::config(
                        field("extra_ca_pem"),
                        "holds a certificate that cannot be read",
                    )
                })?;
            }
        }
        match (&self.client_cert_pem, &self.client_key_pem) {
            (None, None) => Ok(()),
            (Some(_), None) => Err(Error::config(
                field("client_key_pem"),
                "is required with client_cert_pem (the certificate's private key)",
            )),
            (None, Some(_)) => Err(Error::config(
                field("client_cert_pem"),
                "is required with client_key_pem (the key's certificate)",
            )),
            (Some(cert), Some(key)) => {
                let chain =
                    certificates(cert).map_err(|m| Error::config(field("client_cert_pem"), m))?;
                let key = PrivateKeyDer::from_pem_slice(key.expose_secret().as_bytes()).map_err(
                    |_| {
                        Error::config(
                            field("client_key_pem"),
                            "is not a PEM private key (-----BEGIN PRIVATE KEY-----)",
                        )
                    },
                )?;
                let signer =
                    rustls::crypto::ring::sign::any_supported_type(&key).map_err(|_| {
                        Error::config(field("client_key_pem"), "is a key type TLS cannot use")
                    })?;
                rustls::sign::CertifiedKey::new(chain, signer)
                    .keys_match()
                    .map_err(|_| {
                        Error::config(
                            field("client_key_pem"),
                            "does not belong to the certificate in client_cert_pem",
                        )
                    })
            }
        }
    }

    /// Applies the options to an HTTP client being built. Call [`Self::validate`] first.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
        prefix: &str,
    ) -> Result<reqwest::ClientBuilder> {
        self.validate(prefix)?;
        if let Some(pem) = &self.extra_ca_pem {
            let roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| {
                Error::config(
                    format!("{prefix}.extra_ca_pem"),
                    format!("is not usable: {e}"),
                )
            })?;
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        }
        if let (Some(cert), Some(key)) = (&self.client_cert_pem, &self.client_key_pem) {
            // reqwest reads the identity from one PEM text: key and certificates together.
            let mut pem = String::with_capacity(cert.len() + key.expose_secret().len() + 1);
            pem.push_str(key.expose_secret());
            pem.push('\n');
            pem.push_str(cert);
            let identity = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| {
                Error::config(
                    format!("{prefix}.client_cert_pem"),
                    format!("is not usable: {e}"),
                )
            })?;
            builder = builder.identity(identity);
        }
        Ok(builder)
    }
}

/// What to do about a TLS failure somewhere in `error`'s causes, if it is one: the alerts
/// and verification errors behind "connection closed" are cryptic on their own.
pub(crate) fn hint(error: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    use rustls::{AlertDescription as Alert, CertificateError, Error as Tls};
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(mut current) = cause {
        // An `io::Error` hides the error it wraps from `source()`; look inside (they nest).
        while let Some(inner) = current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            current = inner;
        }
        if let Some(tls) = current.downcast_ref::<Tls>() {
            return match tls {
                Tls::AlertReceived(Alert::CertificateRequired) => Some(
                    "the server requires a client certificate (mTLS): set tls.client_cert_pem and tls.client_key_pem",
                ),
                Tls::AlertReceived(
                    Alert::BadCertificate
                    | Alert::UnknownCA
                    | Alert::CertificateUnknown
                    | Alert::CertificateExpired
                    | Alert::CertificateRevoked
                    | Alert::AccessDenied,
                ) => Some("the server refused the client certificate in tls.client_cert_pem"),
                Tls::InvalidCertificate(CertificateError::UnknownIssuer) => Some(
                    "the server's certificate is not signed by a trusted CA: add its CA as tls.extra_ca_pem",
                ),
                Tls::InvalidCertificate(_) => {
                    Some("the server's certificate is not valid for this address")
                }
                _ => None,
            };
        }
        cause = current.source();
    }
    None
}

/// The certificates in `pem`; at least one.
fn certificates(pem: &str) -> std::result::Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| "is not valid PEM".to_string())?;
    if certs.is_empty() {
        return Err("holds no certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(|_| "<set>"))
            .field(
                "client_cert_pem",
                &self.client_cert_pem.as_ref().map(|_| "<set>"),
            )
            .field(
                "client_key_pem",
                &self.client_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<()>) -> String {
        match result {
            Err(Error::Config { field, .. }) => field,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn bad_pem_names_the_field_and_never_the_key() {
        let bad_ca = TlsOptions {
            extra_ca_pem: Some("not a certificate".into()),
            ..Default::default()
        };
        assert_eq!(field(bad_ca.validate("tls")), "tls.extra_ca_pem");
        let half = TlsOptions {
            client_key_pem: Some(
                "-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----".into(),
            ),
            ..Default::default()
        };
        assert_eq!(field(half.validate("tls")), "tls.client_cert_pem");
        assert!(!format!("{half:?}").contains("SECRETKEY"));
        assert!(TlsOptions::default().validate("tls").is_ok());
    }
}
