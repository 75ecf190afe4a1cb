//! TLS handshakes that cannot succeed: a certificate no root vouches for, and a server
//! that refuses the handshake with an alert. Neither changes from one attempt to the
//! next, so a call makes one attempt, and says why it failed.
//!
//! The servers are a few lines of `tokio-rustls` (a dev-dependency that adds nothing to
//! the build: hyper-rustls already depends on it) and of TCP. The certificate and its
//! key in `tests/data/tls/` are a self-signed pair made for this test only (P-256, for
//! `127.0.0.1` and `localhost`, valid until 2126):
//!
//! ```text
//! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//!   -subj "/CN=linkwan self-signed test" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
//!   -addext "basicConstraints=critical,CA:FALSE" \
//!   -keyout key.pem -out cert.pem
//! openssl x509 -in cert.pem -outform DER -out self-signed.cert.der
//! openssl pkcs8 -topk8 -nocrypt -in key.pem -outform DER -out self-signed.key.der
//! ```
#![cfg(feature = "test-util")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use linkwan_runtime::{Client, Error, RetryPolicy};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

mod support;
use support::{count, creds, reject};

/// A loopback server whose every connection is handed to `serve`; counts connections.
async fn server<F, Fut>(serve: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream));
        }
    });
    (addr, connections)
}

/// A client for `https://addr` with the default retry policy (three attempts), its
/// back-offs shortened.
fn client(addr: SocketAddr) -> Client {
    Client::builder()
        .endpoint(format!("https://{addr}"))
        .credentials(creds())
        .retry_policy(
            RetryPolicy::default()
                .with_base_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

/// A connection failure, and its text.
fn connect_failure(err: &Error) -> String {
    match err {
        Error::Transport(t) if t.is_connect() => err.to_string(),
        other => panic!("not a connection failure: {other:?}"),
    }
}

#[tokio::test]
async fn a_certificate_no_root_vouches_for_gets_one_attempt() {
    let cert = CertificateDer::from(include_bytes!("data/tls/self-signed.cert.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("data/tls/self-signed.key.der").to_vec(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (addr, connections) = server(move |stream| {
        let acceptor = acceptor.clone();
        async move {
            // The client gives up inside the handshake.
            let _ = acceptor.accept(stream).await;
        }
    })
    .await;

    let err = client(addr).call(&reject("1")).await.unwrap_err();
    let text = connect_failure(&err);
    assert!(text.contains("certificate"), "{text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{text}");
}

#[tokio::test]
async fn a_handshake_the_server_refuses_gets_one_attempt() {
    let (addr, connections) = server(|mut stream| async move {
        // Read the ClientHello, answer a fatal handshake_failure alert (TLS 1.2 record).
        let mut hello = [0u8; 4096];
        let _ = stream.read(&mut hello).await;
        let _ = stream
            .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
            .await;
        let _ = stream.shutdown().await;
    })
    .await;

    let err = client(addr).call(&reject("1")).await.unwrap_err();
    let text = connect_failure(&err);
    assert!(text.contains("HandshakeFailure"), "{text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{text}");
    // Nor for an idempotent action.
    let err = client(addr).call(&count()).await.unwrap_err();
    connect_failure(&err);
    assert_eq!(connections.load(Ordering::SeqCst), 2, "{err}");
}

#[tokio::test]
async fn a_connection_closed_during_the_handshake_is_still_retried() {
    // Not a refusal, just a failure: as any other connection failure, retried.
    let (addr, connections) = server(|mut stream| async move {
        let mut hello = [0u8; 4096];
        let _ = stream.read(&mut hello).await;
    })
    .await;

    let err = client(addr).call(&reject("1")).await.unwrap_err();
    let text = connect_failure(&err);
    assert_eq!(connections.load(Ordering::SeqCst), 3, "{text}");
}
