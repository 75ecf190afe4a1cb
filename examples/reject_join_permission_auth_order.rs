//! Rejects a LinkWAN join-permission authorisation order.
//!
//! ```text
//! cargo run --example reject_join_permission_auth_order -- [--endpoint URL] [--order-id ID] [--timeout SECS]
//! ```
//!
//! Without credentials in the environment and without `--endpoint`, it starts the embedded
//! LinkWAN emulator on loopback (throwaway credentials, pending order `123`) and calls that.
//! Run with `--help` for everything else.

use std::process::ExitCode;
use std::time::Duration;

use linkwan::emulator::Emulator;
use linkwan::{Client, Credentials, Error, RejectJoinPermissionAuthOrder};

const HELP: &str = "\
Rejects a LinkWAN join-permission authorisation order (RejectJoinPermissionAuthOrder).

USAGE:
    cargo run --example reject_join_permission_auth_order -- [OPTIONS]

OPTIONS:
    --endpoint URL     Call this endpoint (any http:// or https:// URL, with a path if
                       the API is served under one; no query) instead of
                       https://linkwan.{region}.aliyuncs.com. Needs credentials.
    --order-id ID      The order to reject, sent exactly as given (UTF-8, spaces and
                       symbols are fine). Default: 123.
    --timeout SECS     A deadline for the whole call, retries included (e.g. 10 or 2.5).
                       Default: none beyond the client's per-attempt timeouts.
    -h, --help         Print this help.

CREDENTIALS AND REGION:
    ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
                       The AccessKey pair; with them the example calls the real regional
                       endpoint (or --endpoint).
    ALIBABA_CLOUD_SECURITY_TOKEN
                       Optional STS token.
    ALIBABA_CLOUD_REGION_ID
                       The region, default cn-shanghai.
    With no credentials and no --endpoint, the example starts the embedded LinkWAN
    emulator on 127.0.0.1 (throwaway credentials, pending order 123), says so on stderr,
    and calls it.

OUTPUT:
    Success: exit 0; the response on stdout as JSON with the API's wire names, e.g.
        {\"RequestId\": \"89EF6CAA-958F-F32C-BE45-FE003C6DE097\", \"Success\": true}
    Failure: exit 1; one line on stderr (after the emulator's note, when it runs)
    naming the error code, message and RequestId (for a service error) or what went
    wrong (transport, timeout, bad response, a setting the client refuses such as an
    --endpoint that is not an http(s):// URL, or missing credentials).
    Arguments that cannot be parsed (an unknown option, a missing value, a --timeout
    that is not a number of seconds above 0): exit 2 and one line on stderr saying
    what is wrong.
";

#[derive(Debug, Default)]
struct Args {
    endpoint: Option<String>,
    order_id: Option<String>,
    timeout: Option<Duration>,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = std::ffi::OsString>) -> Result<Parsed, String> {
    let mut out = Args::default();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument {a:?} is not valid UTF-8"))?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args
                    .next()
                    .ok_or_else(|| format!("{name} needs a value"))?
                    .into_string()
                    .map_err(|a| format!("the value of {name}, {a:?}, is not valid UTF-8")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--endpoint" => out.endpoint = Some(value("--endpoint")?),
            "--order-id" => out.order_id = Some(value("--order-id")?),
            "--timeout" => {
                let raw = value("--timeout")?;
                // `f64` also reads the words "inf" and "NaN": those are not seconds. A
                // numeral past what an `f64` holds ("1e400") reads as infinity, and is
                // a (very long) number of seconds all the same.
                let secs: f64 = raw
                    .trim()
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() || (s.is_infinite() && has_digit(&raw)))
                    .ok_or_else(|| format!("--timeout takes seconds, not {raw:?}"))?;
                if secs <= 0.0 {
                    return Err(format!(
                        "--timeout takes a number of seconds more than 0, not {raw:?}"
                    ));
                }
                // Longer than a `Duration` holds (about 584 billion years): no deadline
                // that could ever be reached, so the longest there is; under a
                // nanosecond, the shortest there is (a zero limit is a config error).
                out.timeout = Some(
                    Duration::try_from_secs_f64(secs)
                        .unwrap_or(Duration::MAX)
                        .max(Duration::from_nanos(1)),
                );
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Parsed::Run(out))
}

/// Whether `text` holds an ASCII digit: a numeral, not one of the words `f64` reads.
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// Where the call goes: the embedded emulator, or a real (or given) endpoint.
enum Target {
    Emulator,
    Remote {
        endpoint: String,
        credentials: Credentials,
        region: String,
    },
}

fn choose_target(args: &Args) -> Result<Target, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let has_any_credential = env("ALIBABA_CLOUD_ACCESS_KEY_ID").is_some()
        || env("ALIBABA_CLOUD_ACCESS_KEY_SECRET").is_some();
    if !has_any_credential && args.endpoint.is_none() {
        return Ok(Target::Emulator);
    }
    let credentials = Credentials::from_env().map_err(|e| match args.endpoint {
        Some(_) => format!(
            "--endpoint needs credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET ({e})"
        ),
        None => e.to_string(),
    })?;
    let region = linkwan::region_from_env();
    let endpoint = match &args.endpoint {
        Some(endpoint) => endpoint.clone(),
        // The host is made from the region: a bad one is named as such, not as the
        // endpoint it makes.
        None if !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            return Err(format!(
                "ALIBABA_CLOUD_REGION_ID is not a region ID (ASCII letters, digits and '-', e.g. cn-shanghai): {region:?}"
            ));
        }
        None => linkwan::endpoint(&region),
    };
    Ok(Target::Remote {
        endpoint,
        credentials,
        region,
    })
}

/// Prints a flat JSON object on one line: `{"RequestId": "…", "Success": true}`.
fn one_line_json(value: &serde_json::Value) -> String {
    match value.as_object() {
        Some(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", serde_json::Value::from(k.as_str()), v))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        None => value.to_string(),
    }
}

/// One line, whatever the server put in its message.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(args: Args) -> Result<String, String> {
    let order_id = args.order_id.clone().unwrap_or_else(|| "123".to_owned());
    let mut _emulator = None;
    let mut builder = match choose_target(&args)? {
        Target::Emulator => {
            let emulator = Emulator::start()
                .await
                .map_err(|e| format!("cannot start the embedded LinkWAN emulator: {e}"))?;
            to_stderr(&format!(
                "note: no credentials in the environment and no --endpoint: using the embedded LinkWAN emulator at {} (throwaway credentials, pending order 123)",
                emulator.endpoint()
            ));
            let builder = emulator.client_builder();
            _emulator = Some(emulator);
            builder
        }
        Target::Remote {
            endpoint,
            credentials,
            region,
        } => Client::builder()
            .endpoint(endpoint)
            .credentials(credentials)
            .region_id(region),
    };
    if let Some(timeout) = args.timeout {
        builder = builder.timeout(timeout);
    }
    let client = builder.build().map_err(|e| describe(&e))?;
    let resp = client
        .call(&RejectJoinPermissionAuthOrder { order_id })
        .await
        .map_err(|e| describe(&e))?;
    let json =
        serde_json::to_value(&resp).map_err(|e| format!("cannot print the response: {e}"))?;
    Ok(one_line_json(&json))
}

fn describe(error: &Error) -> String {
    one_line(&error.to_string())
}

/// Writes `line` and a newline, and flushes. Unlike `println!`, which panics when stdout
/// is a pipe whose reader has gone (`… | head -c0`), a failure is returned.
fn say(out: &mut impl std::io::Write, line: &str) -> std::io::Result<()> {
    writeln!(out, "{line}")?;
    out.flush()
}

/// A line on stderr; should stderr itself be gone, there is no one left to tell.
fn to_stderr(line: &str) {
    let _ = say(&mut std::io::stderr(), line);
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Parsed::Help) => {
            return match say(&mut std::io::stdout(), HELP.trim_end()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    to_stderr(&format!("error: cannot print the help: {e}"));
                    ExitCode::FAILURE
                }
            };
        }
        Ok(Parsed::Run(args)) => args,
        Err(msg) => {
            to_stderr(&format!("error: {msg} (run with --help for usage)"));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            to_stderr(&format!("error: cannot start the Tokio runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(json) => match say(&mut std::io::stdout(), &json) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // The call succeeded, but its answer could not be delivered.
                to_stderr(&format!(
                    "error: the call succeeded, but its response could not be written to stdout: {e}"
                ));
                ExitCode::FAILURE
            }
        },
        Err(msg) => {
            to_stderr(&format!("error: {msg}"));
            ExitCode::FAILURE
        }
    }
}
