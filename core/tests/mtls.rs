//! Mutual TLS: the sandbox served over TLS that requires a client certificate from a
//! throwaway CA. Without the certificate the connection is refused with a clear error; with
//! it the call works. The Gateway takes the same TLS options.

use mypos::psd2::consents::{AccessScope, AccountAccess, CreateConsentRequest};
use mypos::psd2::{ConsentStatus, Psd2Client, Psd2Config};
use mypos::{Error, TlsOptions};
use mypos_sandbox::Sandbox;
use mypos_sandbox::tls::{TestPki, TlsFront};

fn consent() -> CreateConsentRequest {
    let access = AccountAccess {
        all_psd2: Some(AccessScope::AllAccounts),
        ..Default::default()
    };
    CreateConsentRequest::new(access, "2099-12-31", 4, "203.0.113.7")
}

fn psd2(url: &str, tls: TlsOptions) -> Psd2Client {
    let mut config = Psd2Config::new(
        url,
        mypos_sandbox::psd2::CLIENT_ID,
        mypos_sandbox::psd2::CLIENT_SECRET,
    );
    config.redirect_uri = Some("https://tpp.example/cb".into());
    config.tls = tls;
    config.max_retries = 0;
    Psd2Client::new(config).unwrap()
}

async fn front() -> (Sandbox, TlsFront, TestPki) {
    let sandbox = Sandbox::start().await.unwrap();
    let pki = TestPki::generate();
    let front = TlsFront::start(sandbox.state().clone(), &pki)
        .await
        .unwrap();
    (sandbox, front, pki)
}

#[tokio::test]
async fn a_client_certificate_is_required_and_accepted() {
    let (sandbox, front, pki) = front().await;
    let trusted = TlsOptions {
        extra_ca_pem: Some(pki.ca_pem.clone()),
        ..Default::default()
    };

    // Without the certificate: refused during the TLS handshake, before any HTTP.
    let error = psd2(&front.url(), trusted.clone())
        .consents()
        .create(consent())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(
        message.contains("requires a client certificate")
            && message.contains("tls.client_cert_pem"),
        "{message}"
    );
    assert_eq!(sandbox.count("POST", "/oauth/token"), 0);

    // With it: the same call works.
    let with_cert = TlsOptions {
        client_cert_pem: Some(pki.client_cert_pem.clone()),
        client_key_pem: Some(pki.client_key_pem.clone().into()),
        ..trusted
    };
    let created = psd2(&front.url(), with_cert)
        .consents()
        .create(consent())
        .await
        .unwrap();
    assert_eq!(created.consent_status, Some(ConsentStatus::Received));
    assert_eq!(sandbox.count("POST", "/v1/consents"), 1);
}

#[tokio::test]
async fn the_server_must_be_trusted_too() {
    let (_sandbox, front, pki) = front().await;
    let untrusted = TlsOptions {
        client_cert_pem: Some(pki.client_cert_pem.clone()),
        client_key_pem: Some(pki.client_key_pem.clone().into()),
        ..Default::default()
    };
    let error = psd2(&front.url(), untrusted)
        .consents()
        .create(consent())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(error.to_string().contains("tls.extra_ca_pem"), "{error}");
}

#[tokio::test]
async fn bad_pem_is_a_config_error_naming_the_field() {
    let pki = TestPki::generate();
    let other = TestPki::generate();
    let cases = [
        (
            TlsOptions {
                extra_ca_pem: Some(
                    "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n".into(),
                ),
                ..Default::default()
            },
            "tls.extra_ca_pem",
        ),
        (
            TlsOptions {
                client_cert_pem: Some(pki.client_cert_pem.clone()),
                ..Default::default()
            },
            "tls.client_key_pem",
        ),
        (
            TlsOptions {
                client_cert_pem: Some(pki.client_cert_pem.clone()),
                client_key_pem: Some(other.client_key_pem.clone().into()),
                ..Default::default()
            },
            "tls.client_key_pem",
        ),
    ];
    for (tls, field) in cases {
        let mut config = Psd2Config::new("https://127.0.0.1:1", "tpp", "secret");
        config.tls = tls;
        match Psd2Client::new(config).unwrap_err() {
            Error::Config {
                field: got,
                message,
            } => {
                assert_eq!(got, field);
                assert!(!message.contains("PRIVATE KEY"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn the_gateway_takes_the_same_options() {
    let (_sandbox, front, pki) = front().await;
    let mut config = mypos::GatewayConfig::new(
        mypos::Environment::Custom(front.url()),
        mypos::Credentials::new(
            mypos_sandbox::seed::CLIENT_ID,
            mypos_sandbox::seed::CLIENT_SECRET,
        ),
        mypos_sandbox::seed::PARTNER_ID,
        mypos_sandbox::seed::APPLICATION_ID,
    );
    config.tls = TlsOptions {
        extra_ca_pem: Some(pki.ca_pem.clone()),
        client_cert_pem: Some(pki.client_cert_pem.clone()),
        client_key_pem: Some(pki.client_key_pem.clone().into()),
    };
    let gateway = mypos::Gateway::new(config).unwrap();
    let merchant = gateway
        .client(mypos::Credentials::new("cli_sandbox", "sec_sandbox"))
        .unwrap();
    let page = merchant
        .banking()
        .get_accounts(mypos::gateway::banking::GetAccountsRequest::default())
        .await
        .unwrap();
    assert!(!page.items.is_empty());
}
