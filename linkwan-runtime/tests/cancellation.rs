//! A call dropped at any of its await points (connecting, sending, waiting for the
//! answer, reading its body, sleeping between attempts), or the task running it aborted,
//! leaves the client as it was: nothing panics, no task is left behind, and the next
//! call on the same client succeeds. Nor does any setting make the client's background
//! tasks panic.
//!
//! Panics in a task are swallowed by the runtime, so this binary (its own file, for that
//! reason) records every panic with a hook, by thread: each test runs its runtimes on
//! threads named after it (a current-thread runtime runs on the test's own thread, which
//! the test harness names after the test), and fails if any of them panicked.
#![cfg(feature = "test-util")]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, Once};
use std::task::{Context, Poll};
use std::time::Duration;

use linkwan_runtime::test_util::{MockResponse, MockServer};
use linkwan_runtime::{Client, RetryPolicy};
use tokio::runtime::{Builder, Handle, Runtime};

mod support;
use support::{builder, count, creds, mock, ok_count, ok_reject, reject, COUNT, REJECT};

/// The names of the threads that panicked (a panic is still printed).
static PANICKED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records every panic from now on, and returns the calling test's name, which the
/// names of its runtimes' threads start with.
fn record_panics() -> String {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().unwrap_or("").to_owned();
            PANICKED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(name);
            previous(info)
        }));
    });
    let test = std::thread::current().name().unwrap_or("").to_owned();
    assert!(
        !test.is_empty() && test != "main",
        "run by the test harness, one thread a test"
    );
    test
}

/// No thread of the test `test` panicked.
#[track_caller]
fn assert_no_panics(test: &str) {
    // Copied out: the lock must not be held when the assertion panics (the hook takes it).
    let panicked = PANICKED.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let ours: Vec<_> = panicked.iter().filter(|t| t.starts_with(test)).collect();
    assert!(ours.is_empty(), "panics (printed above) on {ours:?}");
}

/// Polls a future until it has been pending `left` times, then drops it; `true` if it
/// finished first.
struct DropAfter<F> {
    future: Pin<Box<F>>,
    left: usize,
}

impl<F: Future> Future for DropAfter<F> {
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        if self.future.as_mut().poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        if self.left == 0 {
            return Poll::Ready(false);
        }
        self.left -= 1;
        Poll::Pending
    }
}

/// The mock server, on a runtime of its own so that the client's runtime counts only the
/// client's tasks. `OrderId=slow` is answered after 5 ms, `throttled` is throttled (the
/// client sleeps before its next attempt), `stalled` sends the head of its body and
/// stalls.
fn server(test: &str) -> (Runtime, MockServer) {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(format!("{test}-server"))
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(
        mock(creds())
            .handler(REJECT, move |req| match req.param("OrderId") {
                Some("slow") => ok_reject().with_delay(Duration::from_millis(5)),
                Some("throttled") => {
                    MockResponse::error(400, "Throttling.User", "Request was denied.")
                }
                Some("stalled") => {
                    MockResponse::stall_body(200, "application/json", r#"{"RequestId":"#)
                }
                _ => ok_reject(),
            })
            .handler(COUNT, |_| ok_count())
            .start(),
    );
    (rt, server.expect("mock server"))
}

/// A runtime for the client of the test `test`: on two threads named after it, or on the
/// test's own thread.
fn client_runtime(test: &str, multi_thread: bool) -> Runtime {
    let mut rt = if multi_thread {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(2).thread_name(format!("{test}-client"));
        b
    } else {
        Builder::new_current_thread()
    };
    rt.enable_all().build().unwrap()
}

/// A client making two attempts a call, with a back-off (20 ms) long enough to be
/// dropped in; unless `pooled`, it keeps no idle connection, so that every call connects
/// (and is dropped while connecting too).
fn client(server: &MockServer, pooled: bool) -> Client {
    builder(server.endpoint(), creds())
        .pool_max_idle_per_host(if pooled { usize::MAX } else { 0 })
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_base_backoff(Duration::from_millis(20))
                .with_throttling_base_backoff(Duration::from_millis(20))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

/// Both actions succeed on `client`.
async fn still_works(client: &Client, after: &str) {
    let r = client.call(&reject("1")).await;
    assert!(r.is_ok(), "POST after {after}: {r:?}");
    let r = client.call(&count()).await;
    assert!(r.is_ok(), "GET after {after}: {r:?}");
}

/// Waits (up to 2 s) for the runtime's tasks to be back to at most `most`.
async fn tasks_settle_to(most: usize) -> usize {
    let mut alive = 0;
    for _ in 0..200 {
        alive = Handle::current().metrics().num_alive_tasks();
        if alive <= most {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    alive
}

/// Slack over the tasks alive after a first call (a pooled connection's task): a spare
/// connection or the pool's idle sweep. Leaking a task per dropped call would leave
/// dozens.
const TASK_SLACK: usize = 3;

fn drop_at_every_await_point(multi_thread: bool) {
    let test = record_panics();
    let (_server_rt, server) = server(&test);
    client_runtime(&test, multi_thread).block_on(async {
        for pooled in [true, false] {
            dropped_calls(&client(&server, pooled)).await;
        }
    });
    assert_no_panics(&test);
}

/// Calls on `client` dropped after every number of polls until they finish (waiting for
/// the answer, or throttled and sleeping before the second attempt), and with a stalled
/// body, each followed by calls that must succeed; then no task is left behind.
async fn dropped_calls(client: &Client) {
    still_works(client, "nothing").await;
    let base = Handle::current().metrics().num_alive_tasks();
    for order_id in ["slow", "throttled"] {
        let mut finished_after = None;
        for polls in 0..12 {
            let future = Box::pin(client.call(&reject(order_id)));
            let finished = DropAfter {
                future,
                left: polls,
            }
            .await;
            if finished && finished_after.is_none() {
                finished_after = Some(polls);
            }
            still_works(client, &format!("{order_id} dropped after {polls} polls")).await;
        }
        // The drops covered the whole call, up to where it finishes.
        let finished_after = finished_after.expect("a call finishes within 12 polls");
        if order_id == "throttled" {
            // Two attempts and the back-off between them: at least three points.
            assert!(finished_after >= 3, "{order_id}: {finished_after} polls");
        }
    }
    // Mid-body: the head of the body read, the rest never coming.
    for ms in [1, 3, 10, 30] {
        let cut =
            tokio::time::timeout(Duration::from_millis(ms), client.call(&reject("stalled"))).await;
        assert!(cut.is_err(), "a stalled body cannot finish");
        still_works(client, &format!("a stalled body dropped after {ms} ms")).await;
    }
    let alive = tasks_settle_to(base + TASK_SLACK).await;
    assert!(alive <= base + TASK_SLACK, "{alive} tasks, {base} before");
}

#[test]
fn calls_dropped_at_every_await_point_on_one_thread() {
    drop_at_every_await_point(false);
}

#[test]
fn calls_dropped_at_every_await_point_on_two_threads() {
    drop_at_every_await_point(true);
}

#[test]
fn aborted_call_tasks_leave_the_client_working() {
    let test = record_panics();
    let (_server_rt, server) = server(&test);
    client_runtime(&test, true).block_on(async {
        let client = client(&server, true);
        still_works(&client, "nothing").await;
        let base = Handle::current().metrics().num_alive_tasks();
        for i in 0..30u64 {
            let (c, order_id) = (
                client.clone(),
                ["slow", "throttled", "stalled"][i as usize % 3],
            );
            let task = tokio::spawn(async move { c.call(&reject(order_id)).await.map(|_| ()) });
            tokio::time::sleep(Duration::from_micros(i * 800)).await;
            task.abort();
            let _ = task.await;
            still_works(&client, &format!("{order_id} aborted after {} µs", i * 800)).await;
        }
        let alive = tasks_settle_to(base + TASK_SLACK).await;
        assert!(alive <= base + TASK_SLACK, "{alive} tasks, {base} before");
    });
    assert_no_panics(&test);
}

/// "Keep idle connections forever": hyper-util's idle sweep, started once a connection
/// goes back to the pool, adds the timeout to `Instant::now()` unchecked, so
/// `Duration::MAX` panicked in that task ("overflow when adding duration to instant"),
/// which aborts a program built with `panic = "abort"`.
#[test]
fn an_endless_pool_idle_timeout_does_not_panic() {
    let test = record_panics();
    let (_server_rt, server) = server(&test);
    client_runtime(&test, false).block_on(async {
        let client = builder(server.endpoint(), creds())
            .pool_idle_timeout(Duration::MAX)
            .build()
            .unwrap();
        still_works(&client, "a first call").await;
        // The sweep runs once the connection is idle.
        tokio::time::sleep(Duration::from_millis(50)).await;
        still_works(&client, "a pause").await;
        assert_eq!(server.connections(), 1, "the idle connection is reused");
    });
    assert_no_panics(&test);
}
