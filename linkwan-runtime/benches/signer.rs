//! Signature V1 against its floor: HMAC-SHA1 + base64 of the already-built string-to-sign.
//!
//! `cargo bench -p linkwan-runtime --bench signer` measures, for every case of the shared
//! vector file, the floor, `signature_v1`, `sign_v1` (+ `into_query`), `sign_v1_with_key`
//! (the HMAC keyed beforehand, as the client does), and a naive
//! implementation (sort, `format!` per byte, `join`) kept here as a reference, and prints
//! medians and their ratio to the floor.
//!
//! Environment: `BENCH_SAMPLES=n` (samples per function, default 301), `BENCH_CASE=name`
//! (only the cases whose name contains it), `BENCH_PROFILE=label` (just run the matching
//! functions for a profiler, `BENCH_CALLS=n` times or for a second each),
//! `BENCH_ORDER=sorted|reversed|interleaved|shuffled` (feed the params in another order than
//! the vector file's own, which is the default: the common params first, as the official SDKs
//! list them, then the request's, i.e. unsorted).

mod common;

use std::hint::black_box;

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use linkwan_runtime::sign::{
    sign_v1, sign_v1_with_key, signature_v1, string_to_sign_v1, SigningKey,
};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// The floor: what any signer must at least do once the string-to-sign exists.
fn floor(key: &[u8], string_to_sign: &str) -> String {
    let mut mac = HmacSha1::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The straightforward implementation the optimized one replaced.
mod naive {
    use super::*;

    pub fn percent_encode(input: &str) -> String {
        let mut out = String::with_capacity(input.len());
        for &b in input.as_bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    pub fn signature_v1(method: &str, params: &[(&str, &str)], secret: &str) -> String {
        let mut sorted = params.to_vec();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let query = sorted
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let sts = format!("{}&%2F&{}", method, percent_encode(&query));
        floor(format!("{secret}&").as_bytes(), &sts)
    }
}

/// The vector file, with each case's params in the order the file lists them (a
/// `serde_json::Value` would hand them over sorted by key, which is not what callers pass).
#[derive(Deserialize)]
struct Doc {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    method: String,
    secret: String,
    params: InFileOrder,
    signature: String,
}

struct InFileOrder(Vec<(String, String)>);

impl<'de> Deserialize<'de> for InFileOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = InFileOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of string params")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InFileOrder, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(InFileOrder(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// The params in the order `BENCH_ORDER` asks for (default: the file's).
fn reorder<T: Ord>(mut params: Vec<T>) -> Vec<T> {
    match std::env::var("BENCH_ORDER").as_deref() {
        Ok("sorted") => params.sort(),
        Ok("reversed") => params.reverse(),
        Ok("shuffled") => {
            // Fisher-Yates with a fixed linear congruential generator: the same order
            // every run.
            let mut state: u64 = 0x2545_f491_4f6c_dd1d;
            for i in (1..params.len()).rev() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                params.swap(i, (state >> 33) as usize % (i + 1));
            }
        }
        Ok("interleaved") => {
            // Every other param, then the rest: unsorted, but not simply reversed.
            let (even, odd): (Vec<_>, Vec<_>) = params
                .into_iter()
                .enumerate()
                .partition(|(i, _)| i % 2 == 0);
            params = even.into_iter().chain(odd).map(|(_, p)| p).collect();
        }
        _ => {}
    }
    params
}

fn main() {
    let bench = common::Bench::from_args();
    let doc: Doc = serde_json::from_str(include_str!("../tests/data/signature_v1.json"))
        .expect("the vector file is JSON");
    let cases = &doc.cases;
    // `BENCH_CASE=name` measures only the cases whose name contains `name`.
    let only = std::env::var("BENCH_CASE").unwrap_or_default();
    let mut summary = Vec::new();
    for case in cases {
        let name = case.name.as_str();
        if !name.contains(&only) {
            continue;
        }
        let method = case.method.as_str();
        let secret = case.secret.as_str();
        let params: Vec<(&str, &str)> = case
            .params
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let params = reorder(params);
        let sts = string_to_sign_v1(method, params.iter().copied());
        let key = format!("{secret}&").into_bytes();
        let expected = case.signature.as_str();
        // Everything measured must be right first.
        assert_eq!(floor(&key, &sts), expected, "{name}");
        assert_eq!(
            signature_v1(method, params.iter().copied(), secret),
            expected
        );
        assert_eq!(
            sign_v1(method, &mut params.clone(), secret).signature,
            expected
        );
        assert_eq!(naive::signature_v1(method, &params, secret), expected);

        let signing_key = SigningKey::new(secret);
        assert_eq!(
            sign_v1_with_key(method, &mut params.clone(), &signing_key).signature,
            expected
        );

        // What sorting costs: the same params handed over already sorted.
        let mut presorted = params.clone();
        presorted.sort();
        // `sign_v1` sorts in place: restore the input order before every call.
        let mut scratch3 = Vec::with_capacity(params.len());
        let mut scratch = Vec::with_capacity(params.len());
        let mut scratch2 = Vec::with_capacity(params.len());
        let results = bench.run(&mut [
            ("floor", &mut || {
                black_box(floor(black_box(&key), black_box(&sts)));
            }),
            ("signature_v1", &mut || {
                black_box(signature_v1(
                    black_box(method),
                    black_box(&params).iter().copied(),
                    black_box(secret),
                ));
            }),
            ("signature_v1, sorted input", &mut || {
                black_box(signature_v1(
                    black_box(method),
                    black_box(&presorted).iter().copied(),
                    black_box(secret),
                ));
            }),
            ("sign_v1", &mut || {
                scratch.clear();
                scratch.extend_from_slice(black_box(&params));
                black_box(sign_v1(black_box(method), &mut scratch, black_box(secret)));
            }),
            ("sign_v1 + into_query", &mut || {
                scratch2.clear();
                scratch2.extend_from_slice(black_box(&params));
                let signed = sign_v1(black_box(method), &mut scratch2, black_box(secret));
                black_box(signed.into_query());
            }),
            ("sign_v1_with_key", &mut || {
                scratch3.clear();
                scratch3.extend_from_slice(black_box(&params));
                black_box(sign_v1_with_key(
                    black_box(method),
                    &mut scratch3,
                    black_box(&signing_key),
                ));
            }),
            ("naive", &mut || {
                black_box(naive::signature_v1(
                    black_box(method),
                    black_box(&params),
                    black_box(secret),
                ));
            }),
        ]);
        common::report(
            &format!(
                "{name}: {} params, {}-byte string-to-sign",
                params.len(),
                sts.len()
            ),
            &results,
            0,
        );
        summary.push((name, results));
    }
    let worst = |ratio: fn(&[common::Measured]) -> f64| {
        summary
            .iter()
            .map(|(name, r)| (ratio(r), *name))
            .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a })
    };
    let (median, median_case) = worst(|r| r[1].median_ns / r[0].median_ns);
    let (min, min_case) = worst(|r| r[1].min_ns / r[0].min_ns);
    let (paired, paired_case) = worst(|r| r[1].paired_ratio(&r[0]));
    println!(
        "worst signature_v1 / floor: median {median:.2}x ({median_case}), min {min:.2}x ({min_case}), paired {paired:.2}x ({paired_case}){}",
        if bench.full { "" } else { " [smoke run: pass --bench for figures]" }
    );
}
