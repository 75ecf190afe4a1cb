//! A 64 MiB answer costs the client a bounded amount of memory: refused on its
//! `Content-Length` before any of it is read, and, when chunked, read only up to the
//! limit.
//!
//! This binary installs a counting global allocator (its own file, so no other test is
//! affected) and holds a single test, so nothing else allocates while it measures.
#![cfg(feature = "test-util")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use linkwan_runtime::test_util::MockResponse;
use linkwan_runtime::Error;

mod support;
use support::{one_attempt_client, reject, serve, REJECT};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its output with the peak of live bytes above those live at the
/// start.
async fn peak_during<T>(f: impl std::future::Future<Output = T>) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f.await;
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const HUGE: u64 = 64 << 20;
/// Far below the 64 MiB answer; the client's default limit is 4 MiB.
const MEMORY_BOUND: usize = 16 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mib_body_is_refused_with_bounded_memory() {
    let server = serve(REJECT, |req| {
        MockResponse::huge(200, HUGE, req.param("OrderId") == Some("declared"))
    })
    .await;
    // The default body limit (4 MiB), no retries: one attempt each.
    let client = one_attempt_client(&server);
    let limit = linkwan_runtime::client::DEFAULT_MAX_RESPONSE_BODY;

    // Declared: refused on the headers.
    let start = Instant::now();
    let (res, peak) = peak_during(client.call(&reject("declared"))).await;
    let err = res.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, content_length: Some(n) } if l == limit && n == HUGE),
        "{err:?}"
    );
    assert!(peak < MEMORY_BOUND, "declared: peak {peak} bytes");
    // Nothing like 64 MiB was read: far less than the chunked case below needs.
    assert!(peak < limit, "declared: peak {peak} bytes");
    let declared_took = start.elapsed();
    eprintln!("declared: peak {peak} bytes");

    // Chunked: read up to the limit, then dropped.
    let (res, peak) = peak_during(client.call(&reject("chunked"))).await;
    let err = res.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, content_length: None } if l == limit),
        "{err:?}"
    );
    assert!(peak < MEMORY_BOUND, "chunked: peak {peak} bytes");
    eprintln!("chunked: peak {peak} bytes");
    assert!(declared_took < Duration::from_secs(5), "{declared_took:?}");
    assert_eq!(server.requests().len(), 2);
}
