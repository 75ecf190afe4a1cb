//! Runs the main job, `examples/reject_join_permission_auth_order.rs`, end to end: its
//! embedded default, and against a loopback emulator through `--endpoint`.
#![cfg(feature = "emulator")]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use linkwan::emulator::{Emulator, OrderState};
use linkwan::Credentials;
use linkwan_runtime::test_util::MockResponse;

const EXAMPLE: &str = "reject_join_permission_auth_order";

/// `cargo test` builds the examples next to the test binaries: `target/<profile>/examples/`.
fn example_path() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{EXAMPLE}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", EXAMPLE])
            .status()
            .expect("cargo build --example");
        assert!(status.success());
    }
    path
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(example_path());
    cmd.args(args);
    for var in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_REGION_ID",
        "RUST_BACKTRACE",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run the example");
    let run = Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{}",
        run.stderr
    );
    run
}

/// Runs the example against `emulator` with its credentials (or `secret` instead).
async fn run_against(emulator: &Emulator, args: &[&str], secret: Option<&str>) -> Run {
    let creds = emulator.credentials();
    let id = creds.access_key_id().to_owned();
    let secret = secret.unwrap_or(creds.access_key_secret()).to_owned();
    let mut all = vec!["--endpoint".to_owned(), emulator.endpoint()];
    all.extend(args.iter().map(|a| a.to_string()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        run(
            &args,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", &id),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", &secret),
            ],
        )
    })
    .await
    .expect("the example's thread")
}

fn parse_success(stdout: &str) -> serde_json::Value {
    assert_eq!(stdout.lines().count(), 1, "one line of JSON: {stdout:?}");
    let v: serde_json::Value = serde_json::from_str(stdout).expect("stdout is JSON");
    assert_eq!(v["Success"], true, "{stdout}");
    assert!(!v["RequestId"].as_str().expect("RequestId").is_empty());
    assert_eq!(v.as_object().unwrap().len(), 2, "{stdout}");
    v
}

fn single_error_line(run: &Run) -> &str {
    assert_eq!(
        run.code, 1,
        "stdout {:?} stderr {:?}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let line = run.stderr.trim_end_matches('\n');
    assert_eq!(
        line.lines().count(),
        1,
        "one line on stderr: {:?}",
        run.stderr
    );
    line
}

#[test]
fn embedded_default_rejects_order_123() {
    let run = run(&[], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_success(&run.stdout);
    assert!(
        run.stderr.contains("embedded LinkWAN emulator"),
        "{}",
        run.stderr
    );
}

#[test]
fn embedded_default_unknown_order_is_non_existent() {
    let run = run(&["--order-id", "999"], &[]);
    assert_eq!(run.code, 1);
    let last = run.stderr.lines().last().unwrap();
    assert!(last.starts_with("error: NonExistent: "), "{last}");
    assert!(last.contains("RequestId: "), "{last}");
}

#[test]
fn help_usage_and_missing_credentials() {
    let help = run(&["--help"], &[]);
    assert_eq!(help.code, 0);
    for word in [
        "--endpoint",
        "--order-id",
        "--timeout",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "emulator",
    ] {
        assert!(help.stdout.contains(word), "--help mentions {word}");
    }
    // Bad arguments: exit 2 and one line naming what is wrong.
    for (args, named) in [
        (&["--bogus"][..], "--bogus"),
        (&["--timeout", "soon"], "soon"),
        (&["--timeout", "0"], "--timeout"),
        (&["--timeout", "-3"], "--timeout"),
        (&["--order-id"], "--order-id"),
    ] {
        let bad = run(args, &[]);
        assert_eq!(bad.code, 2, "{args:?}");
        assert!(bad.stdout.is_empty(), "{args:?}");
        assert_eq!(bad.stderr.lines().count(), 1, "{args:?}: {}", bad.stderr);
        assert!(bad.stderr.contains(named), "{args:?}: {}", bad.stderr);
    }
    // Words are not seconds, and are not called numbers out of range: `f64` reads
    // "inf" and "NaN", which are no more "0 or less" than they are seconds.
    for word in ["inf", "infinity", "NaN", "-inf"] {
        let bad = run(&["--timeout", word], &[]);
        assert_eq!(bad.code, 2, "{word}");
        assert!(
            bad.stderr
                .contains(&format!("--timeout takes seconds, not {word:?}")),
            "{word}: {}",
            bad.stderr
        );
    }
    // Any deadline, however long, is a deadline (no upper bound, no panic), also one
    // past what an `f64` holds.
    for long in ["86401", "1e300", "1e400"] {
        let ok = run(&["--timeout", long], &[]);
        assert_eq!(ok.code, 0, "{long}: {}", ok.stderr);
        parse_success(&ok.stdout);
    }
    // And however short: under a nanosecond is the shortest deadline there is (the
    // client refuses a zero one as a configuration error), so the call times out.
    let short = run(&["--timeout", "1e-12"], &[]);
    assert_eq!(short.code, 1, "{}", short.stderr);
    assert!(
        short.stderr.contains("error: the call timed out after 1ns"),
        "{}",
        short.stderr
    );
    let no_creds = run(&["--endpoint", "http://127.0.0.1:9"], &[]);
    let line = single_error_line(&no_creds);
    assert!(line.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_emulator_success_then_illegal_transition() {
    let emulator = Emulator::start().await.unwrap();
    let ok = run_against(&emulator, &[], None).await;
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    parse_success(&ok.stdout);
    assert!(
        ok.stderr.is_empty(),
        "no emulator note with --endpoint: {}",
        ok.stderr
    );
    assert_eq!(emulator.order_state("123"), Some(OrderState::Rejected));

    let again = run_against(&emulator, &["--order-id", "123"], None).await;
    let line = single_error_line(&again);
    assert!(
        line.starts_with("error: IllegalOrderStateTransition: "),
        "{line}"
    );
    assert!(line.contains("RequestId: "), "{line}");
}

#[test]
fn a_closed_stdout_is_reported_not_a_panic() {
    // The reader of stdout is gone before the answer is printed (`… | head -c0`):
    // `println!` would panic; the example says what happened instead.
    let mut child = Command::new(example_path())
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the example");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the example's exit");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: the call succeeded, but its response could not be written"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_with_a_path() {
    // A gateway serving the API under a prefix: the request goes to that path.
    let emulator = Emulator::start().await.unwrap();
    let endpoint = format!("{}/linkwan/", emulator.endpoint());
    let run = run_against(&emulator, &["--endpoint", &endpoint], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_success(&run.stdout);
    let sent = emulator.server().requests();
    assert_eq!(sent.last().unwrap().path, "/linkwan/");
    assert_eq!(emulator.order_state("123"), Some(OrderState::Rejected));
    // A query is refused, clearly: its params would not be signed.
    let with_query = format!("{}/?Action=Other", emulator.endpoint());
    let run = run_against(&emulator, &["--endpoint", &with_query], None).await;
    let line = single_error_line(&run);
    assert!(line.contains("query"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_emulator_non_existent() {
    let emulator = Emulator::start().await.unwrap();
    let run = run_against(&emulator, &["--order-id", "404"], None).await;
    let line = single_error_line(&run);
    assert!(
        line.starts_with("error: NonExistent: The specified resource does not exist."),
        "{line}"
    );
    assert_eq!(emulator.order_state("123"), Some(OrderState::Pending));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_emulator_wrong_secret() {
    let emulator = Emulator::start().await.unwrap();
    let run = run_against(&emulator, &[], Some("wrong-secret")).await;
    let line = single_error_line(&run);
    assert!(line.contains("SignatureDoesNotMatch"), "{line}");
    assert!(!line.contains("wrong-secret"), "{line}");
    assert!(!line.contains(emulator.credentials().access_key_secret()));
    assert_eq!(emulator.order_state("123"), Some(OrderState::Pending));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_id_with_reserved_and_non_ascii_characters_is_sent_exactly() {
    let id = "a b*c~d/e+f=g&h%i?#[]!'();:@$,\"<>\\^`{|} 网关-Ünïcødé-🚀";
    let emulator = Emulator::builder()
        .order(id, OrderState::Pending)
        .start()
        .await
        .unwrap();
    let run = run_against(&emulator, &["--order-id", id], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_success(&run.stdout);
    assert_eq!(emulator.order_state(id), Some(OrderState::Rejected));
    let sent = emulator.server().requests();
    assert_eq!(sent.last().unwrap().param("OrderId"), Some(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_bounds_a_stalled_server() {
    let creds = Credentials::new("stall-id", "stall-secret");
    let emulator = Emulator::builder()
        .credentials(creds)
        .configure(|server| {
            server.handler("RejectJoinPermissionAuthOrder", |_| MockResponse::stall())
        })
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let run = run_against(&emulator, &["--timeout", "1.5"], None).await;
    let elapsed = started.elapsed();
    let line = single_error_line(&run);
    // The whole-call deadline given, not some other timeout.
    assert!(line.contains("timed out after 1.5s"), "{line}");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// Runs the example with `args` and exactly the environment `env`, off the runtime.
async fn run_with_env(args: Vec<String>, env: Vec<(&'static str, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(&args, &env)
    })
    .await
    .expect("the example's thread")
}

/// The optional `ALIBABA_CLOUD_SECURITY_TOKEN` and `ALIBABA_CLOUD_REGION_ID` are read: an
/// emulator holding STS credentials takes the call only with the token, and the region
/// goes out as `RegionId` (`cn-shanghai` when unset).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_token_and_region_from_the_environment() {
    const TOKEN: &str = "CAIS/sts+token=";
    let creds = Credentials::new("sts-id", "sts-secret").with_security_token(TOKEN);
    let emulator = Emulator::builder()
        .credentials(creds)
        .order("7", OrderState::Pending)
        .start()
        .await
        .unwrap();
    let args = vec![
        "--endpoint".to_owned(),
        emulator.endpoint(),
        "--order-id".to_owned(),
        "7".to_owned(),
    ];
    let keys = vec![
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "sts-id".to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sts-secret".to_owned()),
    ];

    // Without the token: the emulator refuses the key, and nothing changes.
    let run = run_with_env(args.clone(), keys.clone()).await;
    let line = single_error_line(&run);
    assert!(
        line.contains("InvalidSecurityToken.MismatchWithAccessKey"),
        "{line}"
    );
    assert_eq!(emulator.order_state("7"), Some(OrderState::Pending));
    let sent = emulator.server().requests();
    let first = sent.last().expect("a request was sent");
    assert_eq!(first.param("SecurityToken"), None);
    assert_eq!(first.param("RegionId"), Some("cn-shanghai"));

    // With the token and a region: accepted, both sent.
    let mut env = keys;
    env.push(("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN.to_owned()));
    env.push(("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou".to_owned()));
    let run = run_with_env(args, env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_success(&run.stdout);
    assert_eq!(emulator.order_state("7"), Some(OrderState::Rejected));
    let sent = emulator.server().requests();
    let last = sent.last().unwrap();
    assert!(last.verified.is_ok(), "{:?}", last.verified);
    assert_eq!(last.param("SecurityToken"), Some(TOKEN));
    assert_eq!(last.param("RegionId"), Some("cn-hangzhou"));
}

/// A region that is not a region ID, with no `--endpoint` to stand in for the host it
/// would make, is named as the region it is (exit 1, nothing sent).
#[test]
fn a_region_that_is_no_region_id_is_named() {
    for region in ["cn shanghai", "cn-shanghai/x", "cn_shanghai?"] {
        let run = run(
            &[],
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret"),
                ("ALIBABA_CLOUD_REGION_ID", region),
            ],
        );
        let line = single_error_line(&run);
        assert!(
            line.starts_with("error: ALIBABA_CLOUD_REGION_ID is not a region ID")
                && line.contains(&format!("{region:?}")),
            "{line}"
        );
    }
}

/// An `--endpoint` the client refuses (not `http(s)://`, or with a query) is a failure
/// like any other the client reports (exit 1, one line naming it), as `--help` says;
/// nothing is sent.
#[test]
fn an_endpoint_the_client_refuses_is_named() {
    let creds = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret"),
    ];
    for (endpoint, named) in [
        (
            "ftp://127.0.0.1:9",
            "the scheme must be https:// or http://",
        ),
        ("http://127.0.0.1:9/?a=b", "it must not have a query"),
        ("127.0.0.1:9", "invalid endpoint"),
    ] {
        let run = run(&["--endpoint", endpoint], &creds);
        let line = single_error_line(&run);
        assert!(
            line.starts_with("error: configuration error: invalid endpoint")
                && line.contains(named),
            "{endpoint}: {line}"
        );
    }
}
