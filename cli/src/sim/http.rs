//! The wallets' HTTP/1.1 server (hyper): one counterpart behind a lock, the faults applied
//! to its answers.
//!
//! `drop` holds the answer back forever (the connection stays open), `close` ends the
//! connection without an answer, `delay=S` answers after S seconds, `dup` writes the whole
//! answer twice on the connection (a second, unasked-for response: an HTTP client must not
//! take it for the answer to its next request), `badmac` lets the counterpart sign the answer
//! with a wrong key. Money is recorded by the counterpart when it processes the request,
//! before any of that.
//!
//! With `--tls-certificate`/`--tls-key` it speaks HTTPS (rustls); with `--client-ca` it asks
//! for a client certificate, verifies one signed by that CA, and tells the counterpart whether
//! the connection carries one (WeChat Pay's `/secapi/` endpoints refuse a request without).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::{Faults, Kind, Limit, accept_loop};
use crate::{Failure, Outcome};

/// The server's TLS configuration: its certificate chain and key (PEM) and, optionally, the
/// CA whose client certificates it accepts (clients without one are let in, unverified).
pub(super) fn tls_config(
    certificate: &std::path::Path,
    key: &std::path::Path,
    client_ca: Option<&std::path::Path>,
) -> Result<Arc<rustls::ServerConfig>, Failure> {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let usage = |path: &std::path::Path, e: &dyn std::fmt::Display| {
        Failure::Usage(format!("{}: {e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(certificate)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| usage(certificate, &e))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| usage(key, &e))?;
    let builder = rustls::ServerConfig::builder();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for ca in CertificateDer::pem_file_iter(path).map_err(|e| usage(path, &e))? {
                roots
                    .add(ca.map_err(|e| usage(path, &e))?)
                    .map_err(|e| usage(path, &e))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
                .allow_unauthenticated()
                .build()
                .map_err(|e| usage(path, &e))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| usage(certificate, &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The largest request body read (no wallet request comes near it).
const MAX_BODY: usize = 1 << 20;

/// A request as a counterpart sees it.
pub(super) struct Request {
    pub(super) method: String,
    /// The path with its query string, as sent.
    pub(super) path: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    /// The connection is TLS and the client presented a certificate the `--client-ca`
    /// verified (WeChat Pay's `/secapi/` endpoints require one).
    pub(super) client_certificate: bool,
}

impl Request {
    /// The first header of that name (case-insensitive).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Answer {
    pub(super) fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }
}

/// One wallet's side.
pub(super) trait Counterpart: Send + 'static {
    /// The name used in logs (`wechat`, `alipay`).
    const NAME: &'static str;
    /// The fault operation a request is (`None`: not one the wallet knows).
    fn operation(&self, request: &Request) -> Option<&'static str>;
    /// Processes the request and answers it; `forge`: sign the answer with a wrong key.
    fn answer(&mut self, request: &Request, forge: bool) -> Answer;
}

/// Shared by the connections.
struct Shared<C> {
    counterpart: C,
    faults: Faults,
}

/// Serves `counterpart` on `listen` (HTTPS with `tls`) until the `--requests` limit (if any)
/// is reached.
pub(super) async fn serve<C: Counterpart>(
    listen: &str,
    counterpart: C,
    faults: Faults,
    requests: Option<u64>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Outcome {
    let shared = Arc::new(Mutex::new(Shared {
        counterpart,
        faults,
    }));
    accept_loop(listen, C::NAME, requests, |socket, limit| {
        let shared = shared.clone();
        match tls.clone() {
            None => {
                tokio::spawn(connection(socket, false, shared, limit));
            }
            Some(config) => {
                tokio::spawn(async move {
                    let acceptor = tokio_rustls::TlsAcceptor::from(config);
                    match acceptor.accept(socket).await {
                        Ok(stream) => {
                            let verified = stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .is_some_and(|c| !c.is_empty());
                            connection(stream, verified, shared, limit).await;
                        }
                        Err(e) => eprintln!("sim {}: TLS: {e}", C::NAME),
                    }
                });
            }
        }
    })
    .await
}

async fn connection<C: Counterpart, S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    socket: S,
    client_certificate: bool,
    shared: Arc<Mutex<Shared<C>>>,
    limit: Arc<Limit>,
) {
    let dup = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Tee::new(socket, dup.clone()));
    let service = service_fn(move |request| {
        let (shared, limit, dup) = (shared.clone(), limit.clone(), dup.clone());
        async move { handle(request, client_certificate, &shared, &limit, &dup).await }
    });
    if let Err(e) = http1::Builder::new().serve_connection(io, service).await {
        eprintln!("sim {}: connection: {e}", C::NAME);
    }
}

/// Why the server closes a connection without answering (`close`).
#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed without an answer (fault)")
    }
}

impl std::error::Error for Closed {}

async fn handle<C: Counterpart>(
    request: hyper::Request<Incoming>,
    client_certificate: bool,
    shared: &Mutex<Shared<C>>,
    limit: &Limit,
    dup: &AtomicBool,
) -> Result<hyper::Response<Full<Bytes>>, Closed> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Ok(plain(413, "request body too large or unreadable")),
    };
    let request = Request {
        method: parts.method.as_str().to_owned(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        headers: parts
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect(),
        body,
        client_certificate,
    };
    let (answer, fault) = {
        let Ok(mut shared) = shared.lock() else {
            return Ok(plain(500, "internal error"));
        };
        let operation = shared.counterpart.operation(&request);
        let fault = operation.and_then(|op| shared.faults.next(op));
        eprintln!(
            "sim {}: {} {} ({})",
            C::NAME,
            request.method,
            request.path,
            operation.unwrap_or("unknown")
        );
        let answer = shared
            .counterpart
            .answer(&request, fault == Some(Kind::BadMac));
        (answer, fault)
    };
    limit.count();
    match fault {
        Some(Kind::Drop) => std::future::pending().await,
        Some(Kind::Close) => return Err(Closed),
        Some(Kind::Delay(seconds)) => tokio::time::sleep(Duration::from_secs(seconds)).await,
        Some(Kind::Dup) => dup.store(true, Ordering::SeqCst),
        Some(Kind::BadMac) | None => {}
    }
    Ok(response(answer))
}

fn plain(status: u16, text: &str) -> hyper::Response<Full<Bytes>> {
    response(Answer::new(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    ))
}

fn response(answer: Answer) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder()
        .status(answer.status)
        .header("Content-Type", answer.content_type);
    for (name, value) in &answer.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(answer.body)))
        .unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(Full::new(Bytes::new()));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}

/// The connection, able to write one whole response twice (`dup`): while `dup` is set,
/// what hyper writes is kept; when hyper flushes, the copy is written again.
struct Tee<S> {
    inner: S,
    dup: Arc<AtomicBool>,
    copy: Vec<u8>,
    /// How much of `copy` has been written again.
    replayed: usize,
}

impl<S> Tee<S> {
    const fn new(inner: S, dup: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            dup,
            copy: Vec::new(),
            replayed: 0,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tee<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tee<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        if this.dup.load(Ordering::SeqCst) {
            this.copy
                .extend_from_slice(buf.get(..written).unwrap_or_default());
        }
        Poll::Ready(Ok(written))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        while let Some(rest) = this.copy.get(this.replayed..).filter(|r| !r.is_empty()) {
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, rest))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            this.replayed = this.replayed.saturating_add(n);
        }
        if !this.copy.is_empty() {
            this.copy.clear();
            this.replayed = 0;
            this.dup.store(false, Ordering::SeqCst);
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
