//! `Client::call` against a bare hyper client, both talking to the same loopback server.
//!
//! `cargo bench -p linkwan-runtime --bench client` measures calls per second, sequential
//! (one call at a time) and with 32 calls in flight, for three sides:
//!
//! * **bare hyper, HttpConnector**: a `hyper_util` legacy pooled client (keep-alive)
//!   sending a pre-built POST with the same headers and a pre-signed body of the same
//!   size as the client's, and reading the whole answer;
//! * **bare hyper, client's connector**: the same over the connector type `Client` uses
//!   (hyper-rustls wrapping `HttpConnector`, plain `http` here);
//! * **Client::call**: the runtime's client, which for every call also writes the params,
//!   signs them (fresh nonce and timestamp), builds the request, and decodes the JSON
//!   answer into the response type.
//!
//! The server is a minimal hyper HTTP/1.1 server on its own single-threaded runtime on its
//! own thread, reading each request body and answering a fixed
//! `{"RequestId":"…","Success":true}`; all clients run on one single-threaded runtime on
//! the main thread (the machine this was written for has 2 cores: one each). Rounds of
//! the three sides are interleaved (which goes first rotates), and the median of the
//! per-round ratios is reported with the medians of each side.
//!
//! A counting global allocator counts the allocations made on the client thread (the
//! server's thread is not counted) per call, for every side. Before all that, the
//! client's own work (params, signing, decoding) is timed without the network.
//!
//! Environment: `BENCH_ROUNDS` (default 41), `BENCH_CALLS` (calls per round and side,
//! default 2000), `BENCH_PROFILE=plain|tls|ours` (only that side, 32 in flight, for
//! `BENCH_ROUNDS × BENCH_CALLS` calls: for a profiler; `BENCH_IN_FLIGHT=1` makes it
//! sequential, where the allocator's fast path is taken alike on every call, so
//! instruction counts compare variants without the noise of its slow paths). Without
//! `--bench` (as under `cargo test --all-targets`) it runs a quick smoke pass.

#[path = "common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use linkwan_runtime::sign::sign_v1;
use linkwan_runtime::{aliyun_rpc, Client, Credentials, RetryPolicy};

// ---------------------------------------------------------------- allocation counting

/// Counts allocations (and reallocations) made by the thread that enabled counting.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: the thread-locals may already be gone while a thread shuts down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
            let _ = BYTES.try_with(|b| b.set(b.get() + size as u64));
        }
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping only touches
// const-initialized thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with this thread's allocations counted; returns (allocations, bytes).
fn count_allocs<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    ALLOCS.with(|a| a.set(0));
    BYTES.with(|b| b.set(0));
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    (out, ALLOCS.with(Cell::get), BYTES.with(Cell::get))
}

// ---------------------------------------------------------------- the request

/// The shared answer type.
#[derive(Debug, serde::Deserialize)]
struct Answer {
    #[serde(rename = "RequestId")]
    request_id: String,
    #[serde(rename = "Success")]
    success: bool,
}

/// A typical request: four params, one of them a two-item list.
#[aliyun_rpc(
    action = "SubmitJoinPermissionAuthOrder",
    version = "2018-12-30",
    response = Answer
)]
struct Submit {
    join_eui: String,
    name: Option<String>,
    rx_delay: u32,
    tag: Vec<String>,
}

fn request() -> Submit {
    Submit {
        join_eui: "0011223344556677".into(),
        name: Some("north gateways".into()),
        rx_delay: 1,
        tag: vec!["site-a".into(), "rack 7".into()],
    }
}

const BODY: &str = r#"{"RequestId":"89EF6CAA-958F-F32C-BE45-FE003C6DE097","Success":true}"#;
const ID: &str = "LTAI4Fexampleexampleexa";
const SECRET: &str = "examplesecretexamplesecret0123";

// ---------------------------------------------------------------- the server

/// Starts the server on its own thread and single-threaded runtime.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a loopback port");
            tx.send(listener.local_addr().expect("an address"))
                .expect("the bench is waiting");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        |req: http::Request<hyper::body::Incoming>| async move {
                            let _ = req.into_body().collect().await;
                            let mut resp =
                                http::Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
                            resp.headers_mut().insert(
                                CONTENT_TYPE,
                                HeaderValue::from_static("application/json;charset=utf-8"),
                            );
                            Ok::<_, Infallible>(resp)
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("the server started")
}

// ---------------------------------------------------------------- the clients

/// The client's connector: rustls over `HttpConnector`, plain `http` allowed.
type TlsConnector = hyper_rustls::HttpsConnector<HttpConnector>;

/// A baseline: a pooled hyper client and the pre-built parts of the request.
#[derive(Clone)]
struct Baseline<C> {
    http: hyper_util::client::legacy::Client<C, Full<Bytes>>,
    uri: http::Uri,
    user_agent: HeaderValue,
    body: Bytes,
}

fn plain_connector() -> HttpConnector {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector
}

/// Built as `Client` builds its own.
fn tls_connector() -> TlsConnector {
    let mut http = plain_connector();
    http.enforce_http(false);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .expect("the ring provider")
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

impl<C> Baseline<C>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    fn new(addr: SocketAddr, connector: C) -> Self {
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .build(connector);
        // The body the client sends for `request()`: same params, a fixed nonce and
        // timestamp, signed once.
        let mut pairs = vec![
            ("Action", "SubmitJoinPermissionAuthOrder"),
            ("Version", "2018-12-30"),
            ("Format", "JSON"),
            ("AccessKeyId", ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
            ("Timestamp", "2026-11-27T21:00:00Z"),
            ("JoinEui", "0011223344556677"),
            ("Name", "north gateways"),
            ("RxDelay", "1"),
            ("Tag.1", "site-a"),
            ("Tag.2", "rack 7"),
        ];
        let body = sign_v1("POST", &mut pairs, SECRET).into_query();
        Baseline {
            http,
            uri: format!("http://{addr}/").parse().expect("a URI"),
            user_agent: HeaderValue::from_static(concat!(
                "linkwan-runtime/",
                env!("CARGO_PKG_VERSION"),
                " (rust)"
            )),
            body: Bytes::from(body),
        }
    }

    async fn call(&self) -> Bytes {
        let req = http::Request::post(self.uri.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(Full::new(self.body.clone()))
            .expect("a valid request");
        let resp = self.http.request(req).await.expect("the server answers");
        resp.into_body()
            .collect()
            .await
            .expect("a whole body")
            .to_bytes()
    }
}

fn client(addr: SocketAddr) -> Client {
    Client::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client")
}

/// The three sides, cheap to clone into tasks.
#[derive(Clone)]
struct Sides {
    plain: Baseline<HttpConnector>,
    tls: Baseline<TlsConnector>,
    ours: Client,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Side {
    /// Bare hyper, plain `HttpConnector`.
    Plain,
    /// Bare hyper, the client's connector type.
    Tls,
    /// `Client::call`.
    Ours,
}

const SIDES: [Side; 3] = [Side::Plain, Side::Tls, Side::Ours];

impl Sides {
    async fn call(&self, side: Side, req: &Submit) {
        match side {
            Side::Plain => {
                black_box(self.plain.call().await);
            }
            Side::Tls => {
                black_box(self.tls.call().await);
            }
            Side::Ours => {
                let answer = self.ours.call(req).await.expect("the call succeeds");
                assert!(answer.success);
                black_box(answer.request_id);
            }
        }
    }
}

// ---------------------------------------------------------------- measurement

/// Runs `calls` calls with `in_flight` of them concurrent (each of `in_flight` tasks
/// makes its share sequentially); returns calls per second.
async fn round(sides: &Sides, side: Side, calls: usize, in_flight: usize) -> f64 {
    let start = Instant::now();
    if in_flight == 1 {
        let req = request();
        for _ in 0..calls {
            sides.call(side, &req).await;
        }
    } else {
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..in_flight {
            let share = calls / in_flight + usize::from(t < calls % in_flight);
            let sides = sides.clone();
            tasks.spawn(async move {
                let req = request();
                for _ in 0..share {
                    sides.call(side, &req).await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a bench task finished");
        }
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The client's own work per call, without the network: write the params, sign them
/// (with the common params), and decode the answer; each timed alone.
fn breakdown() {
    let bench = common::Bench::from_args();
    let req = request();
    let headers = http::HeaderMap::new();
    let params = |req: &Submit| {
        let mut p = linkwan_runtime::Params::with_capacity(8);
        linkwan_runtime::RpcRequest::write_params(req, &mut p);
        p
    };
    let sign = |p: &linkwan_runtime::Params| {
        // The common params in the order `Client::call` gathers them (sorted).
        let mut pairs = vec![
            ("AccessKeyId", ID),
            ("Action", "SubmitJoinPermissionAuthOrder"),
            ("Format", "JSON"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2026-11-27T21:00:00Z"),
            ("Version", "2018-12-30"),
        ];
        pairs.extend(p.iter());
        Bytes::from(sign_v1("POST", &mut pairs, SECRET).into_query())
    };
    let results = bench.run(&mut [
        ("write_params", &mut || {
            black_box(params(black_box(&req)));
        }),
        ("write_params + sign_v1", &mut || {
            black_box(sign(&params(black_box(&req))));
        }),
        ("decode the answer", &mut || {
            black_box(
                linkwan_runtime::response::decode::<Answer>(
                    http::StatusCode::OK,
                    &headers,
                    black_box(BODY.as_bytes()),
                )
                .expect("the answer decodes"),
            );
        }),
    ]);
    println!("the client's own work per call, no network (ratios: to write_params)");
    common::report("", &results, 0);
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if std::env::var_os("BENCH_PROFILE").is_none() {
        breakdown();
    }
    let rounds = env_usize("BENCH_ROUNDS", if full { 41 } else { 1 }).max(1);
    let calls = env_usize("BENCH_CALLS", if full { 2000 } else { 64 }).max(32);

    let addr = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a client runtime");
    let sides = Sides {
        plain: Baseline::new(addr, plain_connector()),
        tls: Baseline::new(addr, tls_connector()),
        ours: client(addr),
    };

    // `BENCH_PROFILE=plain|tls|ours`: only that side, 32 in flight (or
    // `BENCH_IN_FLIGHT`), for a profiler.
    if let Ok(only) = std::env::var("BENCH_PROFILE") {
        let side = match only.as_str() {
            "plain" => Side::Plain,
            "tls" => Side::Tls,
            _ => Side::Ours,
        };
        let in_flight = env_usize("BENCH_IN_FLIGHT", 32).max(1);
        let rate = rt.block_on(round(&sides, side, calls * rounds, in_flight));
        eprintln!("profiled {side:?}: {rate:.0} calls/s");
        return;
    }

    rt.block_on(async {
        println!(
            "client bench: {rounds} rounds x {calls} calls per side; server 1 thread, clients 1 thread; \
             body {} bytes",
            sides.plain.body.len(),
        );

        // Warm-up: open the connections (32 of them) on every side.
        for side in SIDES {
            round(&sides, side, calls.min(2000), 32).await;
        }

        for in_flight in [1usize, 32] {
            // rates[side][round]
            let mut rates = [Vec::new(), Vec::new(), Vec::new()];
            for r in 0..rounds {
                // Rotate which side goes first.
                for k in 0..SIDES.len() {
                    let i = (r + k) % SIDES.len();
                    rates[i].push(round(&sides, SIDES[i], calls, in_flight).await);
                }
            }
            println!(
                "{}:",
                if in_flight == 1 {
                    "sequential (1 in flight)".to_string()
                } else {
                    format!("{in_flight} in flight")
                }
            );
            let names = [
                "bare hyper, HttpConnector",
                "bare hyper, client's connector",
                "Client::call",
            ];
            for (name, r) in names.iter().zip(&rates) {
                let m = median(r.clone());
                println!("  {name:<31} median {m:>9.0} calls/s  ({:.2} us/call)", 1e6 / m);
            }
            for (b, name) in [(0, names[0]), (1, names[1])] {
                let mut ratios: Vec<f64> =
                    rates[2].iter().zip(&rates[b]).map(|(o, b)| o / b).collect();
                ratios.sort_by(f64::total_cmp);
                println!(
                    "  ratio Client::call / {name:<31} median of per-round ratios {:.3} (quartiles {:.3}..{:.3})",
                    ratios[ratios.len() / 2],
                    ratios[ratios.len() / 4],
                    ratios[ratios.len() * 3 / 4],
                );
            }
        }
    });

    // Allocations per call, sequential, on the client thread (connections already open).
    let n = if full { 1000 } else { 16 };
    let req = request();
    let names = [
        "bare hyper, HttpConnector",
        "bare hyper, client's connector",
        "Client::call",
    ];
    println!("allocations per call (client thread, sequential, {n} calls):");
    for (side, name) in SIDES.into_iter().zip(names) {
        let ((), allocs, bytes) = count_allocs(|| {
            rt.block_on(async {
                for _ in 0..n {
                    sides.call(side, &req).await;
                }
            })
        });
        println!(
            "  {name:<31} {:>6.1} allocs {:>8.0} bytes",
            allocs as f64 / n as f64,
            bytes as f64 / n as f64
        );
    }
}
