//! The signature V1 signer (`linkwan_runtime::sign`), every public entry point, against a
//! deliberately naive reference written here: sort by key then value bytes, percent-encode
//! byte by byte (RFC 3986 unreserved set, upper-case hex), `METHOD&%2F&` + the encoded
//! canonical query, HMAC-SHA1 from the `hmac`/`sha1` crates, base64 from the `base64`
//! crate.
//!
//! The input is decoded (see [`decode`]) into a method, a secret and a list of params, with
//! ways to reach what the signer's fast paths branch on: values past its 1024-byte buffer
//! (a short fragment repeated), 0..=160 params (past its 16- and 32-param stack arrays),
//! keys sharing long prefixes and ties on their first sixteen bytes (copies of earlier keys,
//! extended, truncated or with one byte changed), duplicates, non-ASCII and invalid UTF-8
//! (decoded lossily), iterators whose `size_hint` is exact, open or wrong, and input that
//! is already sorted or reversed.
//!
//! Invariants: identical bytes for every entry point; the order `sign_v1` and
//! `sign_v1_with_key` write back equals the reference order; `into_query` is the canonical
//! query + `&Signature=` + the percent-encoded signature (also for any signature string).
#![no_main]

use std::fmt::Write as _;

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use linkwan_runtime::sign::{
    canonical_query_v1, percent_encode, sign_string_v1, sign_v1, sign_v1_with_key, signature_v1,
    string_to_sign_v1, Signed, SigningKey,
};

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// The most params one input makes (past `LARGE` = 32 and well into the heap path).
const MAX_PARAMS: usize = 160;
/// The most bytes all keys and values together may hold: sixteen times the signer's
/// buffer, and an input stays fast.
const MAX_TOTAL: usize = 16 * 1024;

/// Key beginnings that matter to the signer: real shared prefixes, lengths around sixteen
/// bytes (the sort prefix), zero bytes (a padding zero ties with a real one), reserved and
/// non-ASCII bytes.
const KEY_STARTS: &[&str] = &[
    "",
    "A",
    "A\0",
    "\0",
    "Action",
    "Signature",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureMethod",
    "Category.",
    "Tag.1.Key",
    "Tag.1.Value",
    "Tag.10.Key",
    "AAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAA",
    "Timestamp",
    "~",
    "é",
    " ",
    "%",
    "a:b",
    "Z",
    "z",
];

/// Value pieces: unreserved, a timestamp (three reserved bytes in a block), escape-heavy.
const VALUE_PIECES: &[&str] = &[
    "",
    "2016-02-23T12:46:24Z",
    "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "HMAC-SHA1",
    "a b",
    "*",
    "~._-",
    "é中",
    "%25",
    "=&",
    "+/=",
];

/// Up to `max` bytes of the input, fewer when it runs out.
fn some_bytes<'a>(u: &mut Unstructured<'a>, max: usize) -> Result<&'a [u8]> {
    let n = u.int_in_range(0..=max)?;
    u.bytes(n.min(u.len()))
}

/// Up to `max` bytes of the input as a string (invalid UTF-8 replaced).
fn some_text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    Ok(String::from_utf8_lossy(some_bytes(u, max)?).into_owned())
}

/// A short fragment repeated: long strings from a few input bytes. `budget` caps the
/// length.
fn repeated(u: &mut Unstructured<'_>, budget: usize) -> Result<String> {
    let fragment = some_text(u, 12)?;
    let times = u.int_in_range(0..=3000usize)?;
    let times = times.min(budget / fragment.len().max(1));
    Ok(fragment.repeat(times))
}

/// `s` cut after `at` bytes (a cut inside a character is replaced).
fn cut(s: &str, at: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[..at.min(s.len())]).into_owned()
}

fn key(u: &mut Unstructured<'_>, earlier: &[(String, String)], budget: usize) -> Result<String> {
    let pick = |u: &mut Unstructured<'_>| -> Result<Option<String>> {
        if earlier.is_empty() {
            return Ok(None);
        }
        let i = u.int_in_range(0..=earlier.len() - 1)?;
        Ok(Some(earlier[i].0.clone()))
    };
    Ok(match u.int_in_range(0..=6u8)? {
        0 => format!("{}{}", u.choose(KEY_STARTS)?, some_text(u, 8)?),
        // The same key again: ties everywhere, ordered by value.
        1 => match pick(u)? {
            Some(k) => k,
            None => some_text(u, 20)?,
        },
        // An earlier key, longer: a shared prefix (a tie on sixteen bytes if it had them).
        2 => match pick(u)? {
            Some(k) => format!("{k}{}", some_text(u, 6)?),
            None => some_text(u, 20)?,
        },
        // An earlier key, cut.
        3 => match pick(u)? {
            Some(k) => {
                let at = u.int_in_range(0..=k.len())?;
                cut(&k, at)
            }
            None => some_text(u, 20)?,
        },
        // An earlier key with one byte changed (same length, same prefix up to there).
        4 => match pick(u)? {
            Some(k) if !k.is_empty() => {
                let mut bytes = k.into_bytes();
                let at = u.int_in_range(0..=bytes.len() - 1)?;
                bytes[at] = u.arbitrary()?;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => some_text(u, 20)?,
        },
        // Long keys.
        5 => format!("{}{}", u.choose(KEY_STARTS)?, repeated(u, budget)?),
        _ => some_text(u, 40)?,
    })
}

fn value(u: &mut Unstructured<'_>, earlier: &[(String, String)], budget: usize) -> Result<String> {
    Ok(match u.int_in_range(0..=5u8)? {
        0 => some_text(u, 40)?,
        1 => format!("{}{}", u.choose(VALUE_PIECES)?, some_text(u, 20)?),
        2 => repeated(u, budget)?,
        3 if !earlier.is_empty() => {
            let i = u.int_in_range(0..=earlier.len() - 1)?;
            earlier[i].1.clone()
        }
        4 => {
            let times = u.int_in_range(1..=40usize)?;
            u.choose(VALUE_PIECES)?.repeat(times)
        }
        _ => String::new(),
    })
}

/// How the params are handed over as an iterator.
#[derive(Clone, Copy, Debug)]
enum Hint {
    /// A slice's: exact.
    Exact,
    /// No upper bound (as a `filter`).
    Open,
    /// An upper bound too low (`min(len, 16)`): a wrong hint must not matter.
    TooLow,
}

struct Hinted<I> {
    inner: I,
    hint: Hint,
}

impl<I: ExactSizeIterator> Iterator for Hinted<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inner.len();
        match self.hint {
            Hint::Exact => (n, Some(n)),
            Hint::Open => (0, None),
            Hint::TooLow => (0, Some(n.min(16))),
        }
    }
}

fn hinted<'p, 'a>(
    params: &'p [(&'a str, &'a str)],
    hint: Hint,
) -> Hinted<impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'p> {
    Hinted {
        inner: params.iter().copied(),
        hint,
    }
}

/// How the params are handed to `sign_v1_with_key`.
#[derive(Clone, Copy, Debug)]
enum Order {
    /// As decoded (as `sign_v1` always gets them).
    Input,
    /// Already sorted (the signer's in-order path).
    Sorted,
    /// Sorted in reverse (its falling-prefix path).
    Reversed,
}

struct Input {
    /// The `size_hint` of the iterators given to `string_to_sign_v1` and `signature_v1`
    /// (`canonical_query_v1` gets all three).
    hint: Hint,
    order: Order,
    method: String,
    secret: String,
    params: Vec<(String, String)>,
    /// Any string, as a `Signed`'s signature for `into_query`.
    other_signature: String,
}

fn decode(data: &[u8]) -> Result<Input> {
    let mut u = Unstructured::new(data);
    let hint = *u.choose(&[Hint::Exact, Hint::Open, Hint::TooLow])?;
    let order = *u.choose(&[Order::Input, Order::Sorted, Order::Reversed])?;
    let method = match u.int_in_range(0..=3u8)? {
        0 => "GET".to_owned(),
        1 => "POST".to_owned(),
        _ => some_text(&mut u, 10)?,
    };
    let secret = match u.int_in_range(0..=2u8)? {
        // Around HMAC-SHA1's 64-byte block, where the key `secret&` switches to hashed.
        0 => "s".repeat(u.int_in_range(60..=66usize)?),
        1 => repeated(&mut u, 300)?,
        _ => some_text(&mut u, 40)?,
    };
    let other_signature = some_text(&mut u, 40)?;
    let count = u.int_in_range(0..=MAX_PARAMS)?;
    let mut params: Vec<(String, String)> = Vec::with_capacity(count);
    let mut total = 0;
    for _ in 0..count {
        // Copies of earlier keys and values are cut to the budget too.
        let budget = MAX_TOTAL.saturating_sub(total);
        let k = cut(&key(&mut u, &params, budget)?, budget);
        let budget = budget.saturating_sub(k.len());
        let v = cut(&value(&mut u, &params, budget)?, budget);
        total += k.len() + v.len();
        params.push((k, v));
    }
    Ok(Input {
        hint,
        order,
        method,
        secret,
        params,
        other_signature,
    })
}

// ---- The naive reference. ----

fn ref_encode(s: &str) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~' {
            out.push(char::from(b));
        } else {
            // (`write!` into the `String`: no allocation per byte.)
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn ref_sorted<'a>(params: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut sorted = params.to_vec();
    sorted.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    sorted
}

fn ref_canonical(sorted: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", ref_encode(k), ref_encode(v)))
        .collect();
    pairs.join("&")
}

fn ref_string_to_sign(method: &str, canonical: &str) -> String {
    format!("{method}&%2F&{}", ref_encode(canonical))
}

fn ref_sign(string_to_sign: &str, secret: &str) -> String {
    let mut mac = HmacSha1::new_from_slice(format!("{secret}&").as_bytes()).expect("any key");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = decode(data) else {
        return;
    };
    let method = input.method.as_str();
    let secret = input.secret.as_str();
    let params: Vec<(&str, &str)> = input
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let sorted = ref_sorted(&params);
    let canonical = ref_canonical(&sorted);
    let sts = ref_string_to_sign(method, &canonical);
    let signature = ref_sign(&sts, secret);

    for s in [method, secret, input.other_signature.as_str()]
        .into_iter()
        .chain(params.iter().flat_map(|&(k, v)| [k, v]))
    {
        assert_eq!(percent_encode(s), ref_encode(s), "percent_encode({s:?})");
    }

    for hint in [Hint::Exact, Hint::Open, Hint::TooLow] {
        assert_eq!(
            canonical_query_v1(hinted(&params, hint)),
            canonical,
            "canonical_query_v1, {hint:?}"
        );
    }
    let hint = input.hint;
    assert_eq!(
        string_to_sign_v1(method, hinted(&params, hint)),
        sts,
        "string_to_sign_v1, {hint:?}"
    );
    assert_eq!(
        signature_v1(method, hinted(&params, hint), secret),
        signature,
        "signature_v1, {hint:?}"
    );
    assert_eq!(sign_string_v1(&sts, secret), signature, "sign_string_v1");

    let expected = Signed {
        canonical_query: canonical.clone(),
        signature: signature.clone(),
    };
    let query = format!("{canonical}&Signature={}", ref_encode(&signature));

    let mut in_place = params.clone();
    let signed = sign_v1(method, &mut in_place, secret);
    assert_eq!(in_place, sorted, "sign_v1's order");
    assert_eq!(signed, expected, "sign_v1");
    assert_eq!(signed.into_query(), query, "into_query");

    let order = input.order;
    let mut in_place = match order {
        Order::Input => params.clone(),
        Order::Sorted => sorted.clone(),
        Order::Reversed => sorted.iter().rev().copied().collect(),
    };
    let signed = sign_v1_with_key(method, &mut in_place, &SigningKey::new(secret));
    assert_eq!(in_place, sorted, "sign_v1_with_key's order, {order:?}");
    assert_eq!(signed, expected, "sign_v1_with_key, {order:?}");

    // `into_query` of any signature string (the fields are public).
    let any = Signed {
        canonical_query: canonical.clone(),
        signature: input.other_signature.clone(),
    };
    assert_eq!(
        any.into_query(),
        format!(
            "{canonical}&Signature={}",
            ref_encode(&input.other_signature)
        ),
        "into_query of {:?}",
        input.other_signature
    );
});
