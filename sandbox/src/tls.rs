//! The sandbox over TLS that requires a client certificate (PSD2's mTLS), and a throwaway PKI
//! to run it with: a CA, a server certificate for `localhost`/`127.0.0.1`, and a client
//! certificate, all generated in memory.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mypos_sandbox::{Sandbox, tls::{TestPki, TlsFront}};
//!
//! let sandbox = Sandbox::start().await?;
//! let pki = TestPki::generate();
//! let front = TlsFront::start(sandbox.state().clone(), &pki).await?;
//! // https://127.0.0.1:<port>: the same sandbox, for clients that present pki.client_cert_pem
//! println!("{}", front.url());
//! # Ok(()) }
//! ```

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::state::SandboxState;

/// A CA and the certificates it signed, as PEM text.
#[derive(Clone)]
pub struct TestPki {
    /// The CA clients and the server trust.
    pub ca_pem: String,
    /// The server's certificate (SANs `localhost` and `127.0.0.1`) and key.
    pub server_cert_pem: String,
    pub server_key_pem: String,
    /// A client certificate signed by the CA, and its key: what a TPP presents.
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

impl TestPki {
    /// A fresh CA with a server and a client certificate (ECDSA P-256).
    pub fn generate() -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let fail = "generating a test certificate cannot fail";
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect(fail);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "myPOS sandbox test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().expect(fail);
        let ca_cert = ca_params.self_signed(&ca_key).expect(fail);
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf = |names: Vec<String>, common_name: &str, purpose: ExtendedKeyUsagePurpose| {
            let mut params = CertificateParams::new(names).expect(fail);
            params
                .distinguished_name
                .push(DnType::CommonName, common_name);
            params.use_authority_key_identifier_extension = true;
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![purpose];
            let key = KeyPair::generate().expect(fail);
            let cert = params.signed_by(&key, &issuer).expect(fail);
            (cert.pem(), key.serialize_pem())
        };
        let (server_cert_pem, server_key_pem) = leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            "localhost",
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert_pem, client_key_pem) = leaf(
            vec![],
            "Sandbox TPP (test QWAC)",
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        Self {
            ca_pem: ca_cert.pem(),
            server_cert_pem,
            server_key_pem,
            client_cert_pem,
            client_key_pem,
        }
    }

    /// As host-neutral JSON (`ca_pem`, `client_cert_pem`, `client_key_pem`, …) for the
    /// Python and Node test helpers.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "ca_pem": self.ca_pem,
            "server_cert_pem": self.server_cert_pem,
            "server_key_pem": self.server_key_pem,
            "client_cert_pem": self.client_cert_pem,
            "client_key_pem": self.client_key_pem,
        })
        .to_string()
    }
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestPki(<certificates>)")
    }
}

/// The server side of `pki`: its certificate, and client certificates required and checked
/// against its CA.
fn server_config(pki: &TestPki) -> io::Result<rustls::ServerConfig> {
    let invalid =
        |e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(pki.ca_pem.as_bytes()) {
        roots
            .add(ca.map_err(|e| invalid(&e))?)
            .map_err(|e| invalid(&e))?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| invalid(&e))?;
    let chain = CertificateDer::pem_slice_iter(pki.server_cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(&e))?;
    let key =
        PrivateKeyDer::from_pem_slice(pki.server_key_pem.as_bytes()).map_err(|e| invalid(&e))?;
    // TLS 1.2: a missing or refused client certificate then fails the handshake itself, so a
    // client sees the alert every time (under TLS 1.3 the refusal comes after the handshake
    // and may surface as a closed connection).
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .map_err(|e| invalid(&e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| invalid(&e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Completed TLS connections, handshaken concurrently so one slow or refused client does
/// not hold up the others.
struct TlsListener {
    connections: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
    acceptor_task: JoinHandle<()>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accept loop ended: no more connections will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor_task.abort();
    }
}

/// The sandbox served over mTLS on its own loopback port, sharing the plain sandbox's state
/// (its control API stays on the plain URL). A client without a certificate signed by the
/// PKI's CA is refused during the handshake.
pub struct TlsFront {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl TlsFront {
    /// Serves `state` (the whole router) over TLS with `pki`'s server certificate, requiring
    /// client certificates from `pki`'s CA.
    pub async fn start(state: SandboxState, pki: &TestPki) -> io::Result<TlsFront> {
        Self::start_on(state, pki, IpAddr::V4(Ipv4Addr::LOCALHOST)).await
    }

    /// As [`TlsFront::start`], on a free port of `host`.
    pub async fn start_on(
        state: SandboxState,
        pki: &TestPki,
        host: IpAddr,
    ) -> io::Result<TlsFront> {
        let acceptor = TlsAcceptor::from(Arc::new(server_config(pki)?));
        let tcp = TcpListener::bind((host, 0)).await?;
        let addr = tcp.local_addr()?;
        let (sender, connections) = mpsc::channel(64);
        let acceptor_task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = tcp.accept().await else {
                    continue;
                };
                let (acceptor, sender) = (acceptor.clone(), sender.clone());
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls) => {
                            let _ = sender.send((tls, peer)).await;
                        }
                        Err(error) => {
                            tracing::debug!(%peer, %error, "sandbox refused a TLS client")
                        }
                    }
                });
            }
        });
        let listener = TlsListener {
            connections,
            addr,
            acceptor_task,
        };
        let app = crate::router(state);
        let (shutdown, signal) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = signal.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "sandbox TLS server stopped with an error");
            }
        });
        Ok(TlsFront {
            addr,
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// `https://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the server.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::fmt::Debug for TlsFront {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFront")
            .field("url", &self.url())
            .finish()
    }
}
