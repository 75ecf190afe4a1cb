//! RPC signature V1 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`).
//!
//! Alibaba's docs call this scheme the "V2 signature"; on the wire it is `SignatureVersion=1.0`.
//!
//! 1. Sort the params (without `Signature`) by key, in byte order (`Name.10` before
//!    `Name.2`). Params with the same key are ordered by value, in byte order, so the
//!    result never depends on the order of the input.
//! 2. Percent-encode keys and values per RFC 3986 (unreserved `A-Za-z0-9-_.~` stay,
//!    everything else `%XX` upper-case: space is `%20`, `*` is `%2A`) and join
//!    `k=v` with `&`: the canonical query. Empty values stay as `Key=`.
//! 3. string-to-sign = `METHOD&%2F&` + percent-encode(canonical query).
//! 4. signature = base64(HMAC-SHA1(key = secret + "&", string-to-sign)).
//!
//! ```
//! use linkwan_runtime::sign::signature_v1;
//!
//! // The worked example of Alibaba Cloud's signature documentation.
//! let params = [
//!     ("Action", "DescribeRegions"),
//!     ("Version", "2014-05-26"),
//!     ("AccessKeyId", "testid"),
//!     ("Format", "XML"),
//!     ("SignatureMethod", "HMAC-SHA1"),
//!     ("SignatureVersion", "1.0"),
//!     ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
//!     ("Timestamp", "2016-02-23T12:46:24Z"),
//! ];
//! assert_eq!(signature_v1("GET", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
//! ```
//!
//! # How it is fast
//!
//! The cost to beat is the HMAC itself (SHA-1 over the string-to-sign, with SHA-NI where
//! the CPU has it); everything else is kept to one pass with no allocation per byte or
//! per param:
//!
//! * Params are sorted as borrowed pairs in a stack array, left uninitialised until
//!   written (the heap past 32 params), on the key's first sixteen bytes as one
//!   big-endian integer, falling back to a full comparison only on ties (keys longer
//!   than that sharing their first sixteen bytes).
//!   Input whose prefixes already rise is not sorted again; falling input is reversed;
//!   other input goes through an insertion sort on the prefixes; from 17 to 32 params,
//!   after a stable counting pass on the key's first byte (order-preserving buckets,
//!   scattered into a second stack array), so that the insertion sort only has the few
//!   params sharing a first letter left to order (and passes over the others with one
//!   comparison each).
//! * Encoding goes sixteen bytes at a time: a segment without reserved bytes (classified
//!   at once: SSE2 compares on x86-64, SWAR arithmetic elsewhere) is copied with one
//!   store, one with up to three (a timestamp's `:`) as the runs between them; other
//!   bytes go through a 256-entry table whose entries hold the escape and its length
//!   (`ENCODE` for the canonical query, `ENCODE_TWICE` for the string-to-sign,
//!   which encodes the canonical query a second time: `=` becomes `%3D`, `&` becomes `%26`
//!   and `%XX` becomes `%25XX`). Inputs of a few bytes (short values) skip the
//!   classification and go straight through the table. The table is the authority: the
//!   classification only picks the path, and both are tested against it for every byte.
//! * Encoded bytes go to a stack buffer handed to the MAC when full (the write position
//!   kept in a register across a run of params, not reloaded from memory per write), so
//!   [`signature_v1`] never builds the string-to-sign; [`sign_v1`] writes the canonical
//!   query and feeds the MAC in the same pass (one loop writing both, each segment
//!   classified once). The digest's base64 is written out for its fixed 20 bytes. The
//!   HMAC key `secret + "&"` is assembled on the stack and wiped; a [`SigningKey`] keeps
//!   the keyed state, for callers that sign many requests with one secret
//!   ([`sign_v1_with_key`]).
//!
//! `cargo bench -p linkwan-runtime --bench signer` compares each entry point with that
//! floor on the shared vectors.

use std::mem::MaybeUninit;

use hmac::{KeyInit as _, Mac as _};
use sha1::Digest as _;
use zeroize::Zeroize as _;

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// HMAC-SHA1's block size: keys up to this length are used as they are, longer ones hashed.
const BLOCK: usize = 64;

/// Whether RFC 3986 leaves a byte as it is: `A-Za-z0-9-_.~`. Every other byte (all the
/// reserved and non-printable ASCII, and every byte of a multi-byte UTF-8 character) is
/// written `%XX`.
pub(crate) const UNRESERVED: [bool; 256] = {
    let mut set = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        set[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    set
};

/// One table entry: the encoded bytes, padded, with their count in the last byte. Writing
/// all eight bytes and then advancing by the count keeps the encoding loop branch-free.
type Entry = [u8; 8];

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `ENCODE[b]`: `b` as it appears in the canonical query (`b` itself or `%XX`).
pub(crate) const ENCODE: [Entry; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if UNRESERVED[b] {
            [b as u8, 0, 0, 0, 0, 0, 0, 1]
        } else {
            [b'%', HEX[b >> 4], HEX[b & 15], 0, 0, 0, 0, 3]
        };
        b += 1;
    }
    table
};

/// `ENCODE_TWICE[b]`: `b` as it appears in the string-to-sign (`b` itself or `%25XX`).
pub(crate) const ENCODE_TWICE: [Entry; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if UNRESERVED[b] {
            [b as u8, 0, 0, 0, 0, 0, 0, 1]
        } else {
            [b'%', b'2', b'5', HEX[b >> 4], HEX[b & 15], 0, 0, 5]
        };
        b += 1;
    }
    table
};

/// Percent-encodes `input` per RFC 3986: `A-Za-z0-9-_.~` stay, every other byte of its
/// UTF-8 becomes `%XX` with upper-case hex (space is `%20`, `*` is `%2A`, `é` is `%C3%A9`).
///
/// ```
/// use linkwan_runtime::sign::percent_encode;
///
/// assert_eq!(percent_encode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
/// ```
#[must_use]
pub fn percent_encode(input: &str) -> String {
    let mut encoded = Vec::with_capacity(input.len() * 3);
    let mut out = Encoder::once(&mut encoded);
    out.component(input.as_bytes());
    out.finish();
    ascii_string(encoded)
}

/// The canonical query: params sorted by key (byte order; equal keys by value), each
/// `encode(k)=encode(v)`, joined with `&`.
///
/// ```
/// use linkwan_runtime::sign::canonical_query_v1;
///
/// let q = canonical_query_v1([("Name.2", "b c"), ("Name.10", "a"), ("Empty", "")]);
/// assert_eq!(q, "Empty=&Name.10=a&Name.2=b%20c");
/// ```
#[must_use]
pub fn canonical_query_v1<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    with_sorted(params, |sorted| {
        // The likely size, not the worst (three times the input): escapes grow it.
        let mut query = Vec::with_capacity(likely_len(sorted));
        let mut out = Encoder::once(&mut query);
        write_canonical(sorted, &mut out);
        out.finish();
        ascii_string(query)
    })
}

/// The string-to-sign: `METHOD&%2F&` + percent-encode(canonical query).
///
/// ```
/// use linkwan_runtime::sign::string_to_sign_v1;
///
/// let sts = string_to_sign_v1("GET", [("Timestamp", "2016-02-23T12:46:24Z"), ("Action", "X")]);
/// assert_eq!(sts, "GET&%2F&Action%3DX%26Timestamp%3D2016-02-23T12%253A46%253A24Z");
/// ```
#[must_use]
pub fn string_to_sign_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    with_sorted(params, |sorted| {
        // The likely size (the separators take three bytes each here), not the worst
        // (five times the input): escapes grow it.
        let likely = likely_len(sorted);
        let capacity = likely
            .saturating_add(likely / 4)
            .saturating_add(method.len() + 5);
        let mut sts = Vec::with_capacity(capacity);
        let mut out = Encoder::twice(&mut sts);
        out.raw(method.as_bytes());
        out.raw(b"&%2F&");
        write_canonical(sorted, &mut out);
        // `method` is the only input written unencoded, and it is a `&str`: the bytes are UTF-8.
        out.finish();
        String::from_utf8(sts)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

/// The base64 signature of `params` (without `Signature`) for `method` under
/// `access_key_secret`: the HMAC of [`string_to_sign_v1`], computed without building that
/// string.
///
/// See the [module docs](self) for an example.
#[must_use]
pub fn signature_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    access_key_secret: &str,
) -> String {
    with_sorted(params, |sorted| {
        let mut mac = hmac_sha1(access_key_secret);
        let mut out = Encoder::twice(&mut mac);
        out.raw(method.as_bytes());
        out.raw(b"&%2F&");
        write_canonical(sorted, &mut out);
        out.finish();
        base64_signature(mac)
    })
}

/// base64(HMAC-SHA1(secret + "&", string_to_sign)): the last step, for a string-to-sign
/// built elsewhere.
///
/// ```
/// use linkwan_runtime::sign::sign_string_v1;
///
/// let sts = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
///            %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
///            %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26";
/// assert_eq!(sign_string_v1(sts, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
/// ```
#[must_use]
pub fn sign_string_v1(string_to_sign: &str, access_key_secret: &str) -> String {
    let mut mac = hmac_sha1(access_key_secret);
    mac.update(string_to_sign.as_bytes());
    base64_signature(mac)
}

/// A request's canonical query and its signature, from [`sign_v1`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signed {
    /// The sorted, percent-encoded `k=v&k=v` query, without `Signature`. It is also a
    /// valid `application/x-www-form-urlencoded` body and URL query string.
    pub canonical_query: String,
    /// The base64 signature.
    pub signature: String,
}

/// `&Signature=` and the longest percent-encoded base64 HMAC-SHA1 (28 characters, each at
/// most 3 bytes once encoded): what [`Signed::into_query`] appends.
const SIGNATURE_SUFFIX: usize = "&Signature=".len() + 28 * 3;

impl Signed {
    /// The full query (or form body): the canonical query plus `&Signature=…`, the
    /// signature percent-encoded. [`sign_v1`] reserves room for the suffix, so this does
    /// not reallocate.
    ///
    /// ```
    /// use linkwan_runtime::sign::sign_v1;
    ///
    /// let mut params = [("Version", "2014-05-26"), ("Action", "DescribeRegions")];
    /// let query = sign_v1("GET", &mut params, "testsecret").into_query();
    /// assert!(query.starts_with("Action=DescribeRegions&Version=2014-05-26&Signature="));
    /// ```
    #[must_use]
    pub fn into_query(self) -> String {
        // Appended to the `String` as it is: no UTF-8 check of the whole query again.
        let mut q = self.canonical_query;
        q.reserve(SIGNATURE_SUFFIX);
        q.push_str("&Signature=");
        // Base64 leaves only `+`, `/` and `=` to escape: sixteen bytes are classified at
        // once, and the runs between the reserved ones copied whole. (Any other reserved
        // byte, which base64 does not produce, is escaped too.)
        let sig = self.signature.as_str();
        let mut start = 0;
        for (at, block) in sig.as_bytes().chunks(16).enumerate() {
            let words = load16(block);
            let (lo, hi) = (words as u64, (words >> 64) as u64);
            // Zero padding is reserved: only the block's own bytes count.
            let mut reserved = reserved_mask(lo, hi) & (u32::MAX >> (32 - block.len()));
            while reserved != 0 {
                let i = 16 * at + reserved.trailing_zeros() as usize;
                // Between two reserved bytes, only unreserved ASCII: both ends are char
                // boundaries whenever the run is not empty.
                q.push_str(sig.get(start..i).unwrap_or_default());
                let b = usize::from(block[i % 16]);
                q.push('%');
                q.push(char::from(HEX[b >> 4]));
                q.push(char::from(HEX[b & 15]));
                start = i + 1;
                reserved &= reserved - 1;
            }
        }
        q.push_str(sig.get(start..).unwrap_or_default());
        q
    }
}

/// Canonicalizes and signs in one go: sorts `params` in place (by key, then value, in
/// byte order) and returns the canonical query (reusable as the body or query string)
/// and the signature. The canonical query is written once; its string-to-sign goes to the
/// MAC as it is produced and is never stored.
///
/// ```
/// use linkwan_runtime::sign::{sign_v1, signature_v1};
///
/// let mut params = [("Version", "2014-05-26"), ("Action", "DescribeRegions")];
/// let signed = sign_v1("POST", &mut params, "testsecret");
/// assert_eq!(params[0], ("Action", "DescribeRegions"));
/// assert_eq!(signed.canonical_query, "Action=DescribeRegions&Version=2014-05-26");
/// assert_eq!(signed.signature, signature_v1("POST", params, "testsecret"));
/// ```
#[must_use]
pub fn sign_v1(method: &str, params: &mut [(&str, &str)], access_key_secret: &str) -> Signed {
    sign_with_mac(method, params, || hmac_sha1(access_key_secret))
}

/// The HMAC-SHA1 key of V1 signatures (`secret + "&"`), set up once: a client that signs
/// many requests with the same AccessKey builds it once and hands it to
/// [`sign_v1_with_key`], which starts each signature from a copy of the keyed state
/// instead of hashing the key pads again (two SHA-1 blocks per call).
///
/// The keyed state is derived from the secret (as any HMAC key schedule is), so treat it
/// like the secret: its `Debug` output is redacted.
///
/// ```
/// use linkwan_runtime::sign::{sign_v1, sign_v1_with_key, SigningKey};
///
/// let key = SigningKey::new("testsecret");
/// let mut a = [("Version", "2014-05-26"), ("Action", "DescribeRegions")];
/// let mut b = a;
/// assert_eq!(sign_v1_with_key("GET", &mut a, &key), sign_v1("GET", &mut b, "testsecret"));
/// assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
/// ```
#[derive(Clone)]
pub struct SigningKey {
    mac: HmacSha1,
}

impl SigningKey {
    /// Keys HMAC-SHA1 with `access_key_secret + "&"` (the key assembled on the stack and
    /// wiped, as in [`sign_v1`]).
    pub fn new(access_key_secret: &str) -> Self {
        SigningKey {
            mac: hmac_sha1(access_key_secret),
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// [`sign_v1`] with a key set up beforehand: the same canonical query and signature, and
/// `params` sorted in place alike, without keying the HMAC again.
///
/// See [`SigningKey`] for an example.
#[must_use]
pub fn sign_v1_with_key(method: &str, params: &mut [(&str, &str)], key: &SigningKey) -> Signed {
    sign_with_mac(method, params, || key.mac.clone())
}

/// [`sign_v1`] with the keyed MAC from `mac` (called once the params are sorted).
#[inline(always)]
fn sign_with_mac(
    method: &str,
    params: &mut [(&str, &str)],
    mac: impl FnOnce() -> HmacSha1,
) -> Signed {
    sign_then(method, params, mac, |query, mac| Signed {
        canonical_query: ascii_string(query),
        signature: base64_signature(mac),
    })
}

/// [`sign_v1_with_key`] and [`Signed::into_query`] in one: the query with `&Signature=`
/// appended, the signature written straight into it (no `String` of its own).
pub(crate) fn signed_query_v1_with_key(
    method: &str,
    params: &mut [(&str, &str)],
    key: &SigningKey,
) -> String {
    sign_then(
        method,
        params,
        || key.mac.clone(),
        |mut query, mac| {
            query.extend_from_slice(b"&Signature=");
            for &b in &base64_bytes(&mac.finalize().into_bytes().into()) {
                let entry = &ENCODE[usize::from(b)];
                query.extend_from_slice(&entry[..usize::from(entry[7])]);
            }
            ascii_string(query)
        },
    )
}

/// Sorts `params` in place, then writes the canonical query (into a `Vec` with room for
/// the signature after it) and feeds the MAC from `mac` its encoding, and hands both to
/// `finish`.
#[inline(always)]
fn sign_then<R>(
    method: &str,
    params: &mut [(&str, &str)],
    mac: impl FnOnce() -> HmacSha1,
    finish: impl FnOnce(Vec<u8>, HmacSha1) -> R,
) -> R {
    let mut heap = Vec::new();
    if params.len() <= SMALL {
        let mut stack = Slots::<SMALL>::new();
        let sorted = sorted(params.iter().copied(), &mut stack, &mut heap);
        sign_sorted(method, params, sorted, mac(), finish)
    } else {
        let (mut stack, mut out) = (Slots::<LARGE>::new(), Slots::<LARGE>::new());
        let sorted = sorted_bucketed(params.iter().copied(), &mut stack, &mut out, &mut heap);
        sign_sorted(method, params, sorted, mac(), finish)
    }
}

/// [`sign_then`] once the params are sorted: writes the order back, then signs.
#[inline(always)]
fn sign_sorted<'k, 'v, R>(
    method: &str,
    params: &mut [(&'k str, &'v str)],
    sorted: &[Param<'k, 'v>],
    mut mac: HmacSha1,
    finish: impl FnOnce(Vec<u8>, HmacSha1) -> R,
) -> R {
    for (slot, p) in params.iter_mut().zip(sorted) {
        *slot = (p.key, p.value);
    }
    // The query is kept (it becomes the request), so it gets a likely size rather than the
    // worst case, which is three times larger and, for a usual request, past the sizes the
    // allocator serves from its fast per-thread cache; escape-heavy values grow it once.
    let capacity = likely_len(sorted).wrapping_add(SIGNATURE_SUFFIX);
    let mut query = Vec::with_capacity(capacity);
    let mut both = Both {
        once: Encoder::once(&mut query),
        twice: Encoder::twice(&mut mac),
    };
    both.twice.raw(method.as_bytes());
    both.twice.raw(b"&%2F&");
    write_canonical(sorted, &mut both);
    both.once.finish();
    both.twice.finish();
    finish(query, mac)
}

/// A param with its sort key's fast part: the key's first sixteen bytes as a big-endian
/// number (zero-padded), so most comparisons are one integer comparison, even between
/// keys that share a long prefix (`Signature…`, `Category.1…`, `Tag.1.…`).
#[derive(Debug, Clone, Copy)]
struct Param<'k, 'v> {
    prefix: u128,
    key: &'k str,
    value: &'v str,
}

impl<'k, 'v> Param<'k, 'v> {
    #[inline]
    fn new((key, value): (&'k str, &'v str)) -> Self {
        Param {
            prefix: load16(key.as_bytes()).swap_bytes(),
            key,
            value,
        }
    }
}

/// Stack room for sorting params: a usual request fits the small array, list-heavy ones
/// the large one (chosen by the number of params, so the usual case does not pay for
/// initializing the large one); past that, the heap. (A still larger array measured
/// slower than the allocation it saves.)
const SMALL: usize = 16;
const LARGE: usize = 32;

/// Sorts `params` on the stack (or the heap when there are too many) and hands the
/// sorted slice to `f`.
#[inline(always)]
fn with_sorted<'k, 'v, R>(
    params: impl IntoIterator<Item = (&'k str, &'v str)>,
    f: impl FnOnce(&[Param<'k, 'v>]) -> R,
) -> R {
    let params = params.into_iter();
    let mut heap = Vec::new();
    if params.size_hint().1.is_some_and(|n| n <= SMALL) {
        f(sorted(params, &mut Slots::<SMALL>::new(), &mut heap))
    } else {
        let mut out = Slots::<LARGE>::new();
        f(sorted_bucketed(
            params,
            &mut Slots::<LARGE>::new(),
            &mut out,
            &mut heap,
        ))
    }
}

/// Room for `N` params on the stack, left uninitialised until written: filling 1.5–3 KB
/// of placeholders first cost about a tenth of the floor's time, at every call. Only
/// what was written is read back: [`collect`] fills the slots from the front, and
/// [`scatter_by_bucket`] writes every slot of the prefix it returns.
struct Slots<'k, 'v, const N: usize>([MaybeUninit<Param<'k, 'v>>; N]);

impl<'k, 'v, const N: usize> Slots<'k, 'v, N> {
    #[inline(always)]
    fn new() -> Self {
        Slots([const { MaybeUninit::uninit() }; N])
    }

    /// The first `n` slots as params.
    ///
    /// # Safety
    ///
    /// Each of the first `n` slots has been written.
    #[inline(always)]
    unsafe fn filled(&mut self, n: usize) -> &mut [Param<'k, 'v>] {
        let slots = self.0.get_mut(..n).unwrap_or_default();
        // SAFETY: the caller wrote these slots, and `MaybeUninit<T>` has `T`'s layout.
        unsafe { &mut *(std::ptr::from_mut(slots) as *mut [Param<'k, 'v>]) }
    }
}

/// Collects borrowed params into `stack`; past `N` of them, they all go to `heap`, which
/// is then sorted, and the result is `None`. Otherwise, the params collected and whether
/// their keys already rise.
#[inline(always)]
fn collect<'s, 'k, 'v, const N: usize>(
    params: impl IntoIterator<Item = (&'k str, &'v str)>,
    stack: &'s mut Slots<'k, 'v, N>,
    heap: &mut Vec<Param<'k, 'v>>,
) -> Option<(&'s mut [Param<'k, 'v>], bool)> {
    let mut params = params.into_iter();
    let mut n = 0;
    let mut in_order = true;
    let mut last = 0;
    for p in params.by_ref() {
        let p = Param::new(p);
        let Some(slot) = stack.0.get_mut(n) else {
            heap.reserve(2 * N + params.size_hint().0);
            // SAFETY: the loop has written every slot, in order, to get here.
            heap.extend_from_slice(unsafe { stack.filled(N) });
            heap.push(p);
            heap.extend(params.map(Param::new));
            sort(heap);
            return None;
        };
        // Strictly rising prefixes are rising keys: the input is already in order.
        in_order &= n == 0 || last < p.prefix;
        last = p.prefix;
        slot.write(p);
        n += 1;
    }
    // SAFETY: the loop wrote slots `0..n`, in order.
    Some((unsafe { stack.filled(n) }, in_order))
}

/// Collects and sorts borrowed params, in `stack` when they fit, else in `heap`, and
/// returns the sorted slice.
#[inline(always)]
fn sorted<'s, 'k, 'v, const N: usize>(
    params: impl IntoIterator<Item = (&'k str, &'v str)>,
    stack: &'s mut Slots<'k, 'v, N>,
    heap: &'s mut Vec<Param<'k, 'v>>,
) -> &'s [Param<'k, 'v>] {
    let Some((sorted, in_order)) = collect(params, stack, heap) else {
        return heap;
    };
    if !in_order {
        sort(sorted);
    }
    sorted
}

/// [`sorted`] for up to [`LARGE`] params, with the bucket pass: from 17 params up, an
/// unsorted input is scattered by the first byte of its keys into `out` (stable, so the
/// order within a bucket is the input's), where the insertion sort only has the params
/// sharing a first letter left to order. For usual keys, whose first letters differ,
/// that leaves a handful of inversions instead of the hundred or so a
/// common-params-first input has.
#[inline(always)]
fn sorted_bucketed<'s, 'k, 'v>(
    params: impl IntoIterator<Item = (&'k str, &'v str)>,
    stack: &'s mut Slots<'k, 'v, LARGE>,
    out: &'s mut Slots<'k, 'v, LARGE>,
    heap: &'s mut Vec<Param<'k, 'v>>,
) -> &'s [Param<'k, 'v>] {
    let Some((input, in_order)) = collect(params, stack, heap) else {
        return heap;
    };
    if in_order {
        return input;
    }
    if input.len() <= BUCKETED {
        sort(input);
        return input;
    }
    let sorted = scatter_by_bucket(input, out);
    if !insertion_sort_by_prefix::<true>(sorted) {
        sort_fully(sorted);
    }
    sorted
}

/// Sorts by key, then value, both in byte order. Params that compare equal are identical,
/// so an unstable sort gives the same result as a stable one, whatever the input order.
///
/// Up to [`LARGE`] params go through an insertion sort on the prefixes alone (inline
/// integer compares, no comparator calls: for a couple of dozen params, several times
/// fewer instructions than the general sort); should two prefixes tie, or past
/// [`LARGE`], the params are sorted with the full comparison. Differing prefixes order
/// the keys as their bytes do (a padding zero only ties with a real zero).
fn sort(params: &mut [Param<'_, '_>]) {
    if params.windows(2).all(|w| w[0].prefix > w[1].prefix) {
        // Strictly falling prefixes: the input in reverse order (insertion sort's worst).
        params.reverse();
        return;
    }
    if params.len() <= LARGE && insertion_sort_by_prefix::<false>(params) {
        return;
    }
    sort_fully(params);
}

/// The general sort, with the full comparison: keys, then values.
fn sort_fully(params: &mut [Param<'_, '_>]) {
    params.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| cmp_bytes(a.key.as_bytes(), b.key.as_bytes()))
            .then_with(|| cmp_bytes(a.value.as_bytes(), b.value.as_bytes()))
    });
}

/// Up to this many params, the insertion sort alone is cheaper than the bucket pass
/// (measured: at 16 params, half of them out of place, the pass's setup still costs more
/// than the moves it saves; at 24 it pays).
const BUCKETED: usize = 16;

/// How many buckets [`bucket`] spreads the params over.
const BUCKETS: usize = 64;

/// The bucket of a key's first byte: `@`…`DEL` one each (every letter, `_`, `~`), all the
/// lower bytes in the first, all the higher ones in the last. Order-preserving (a key in
/// a lower bucket sorts first), so after the bucket pass only keys sharing a bucket can
/// be out of order.
#[inline(always)]
fn bucket(prefix: u128) -> usize {
    usize::from(
        ((prefix >> 120) as u8)
            .saturating_sub(0x40)
            .min(BUCKETS as u8 - 1),
    )
}

/// The bucket pass: a stable counting sort of `input` on the first byte into `out`;
/// returns the sorted params (the first `input.len()` slots of `out`, at most
/// [`LARGE`]).
#[inline(always)]
fn scatter_by_bucket<'s, 'k, 'v>(
    input: &[Param<'k, 'v>],
    out: &'s mut Slots<'k, 'v, LARGE>,
) -> &'s mut [Param<'k, 'v>] {
    // Counts fit a byte, and so do the offsets below.
    const { assert!(LARGE < 256) };
    let input = input.get(..LARGE).unwrap_or(input);
    let mut buckets = [0u8; LARGE];
    let mut counts = [0u8; BUCKETS];
    for (b, p) in buckets.iter_mut().zip(input) {
        *b = bucket(p.prefix) as u8;
        counts[usize::from(*b) % BUCKETS] += 1;
    }
    // Exclusive prefix sums, eight buckets per word: multiplying by 0x0101… adds every
    // byte into all the higher ones (no carries: the total is at most `LARGE` < 256).
    let mut offsets = [0u8; BUCKETS];
    let mut carry = 0u64;
    for (counts, offsets) in counts.chunks_exact(8).zip(offsets.chunks_exact_mut(8)) {
        let word = u64::from_le_bytes(counts.try_into().unwrap_or_default());
        let exclusive = (word << 8)
            .wrapping_mul(splat(1))
            .wrapping_add(carry * splat(1));
        offsets.copy_from_slice(&exclusive.to_le_bytes());
        carry += word.wrapping_mul(splat(1)) >> 56;
    }
    for (&b, p) in buckets.iter().zip(input) {
        let slot = &mut offsets[usize::from(b) % BUCKETS];
        if let Some(out) = out.0.get_mut(usize::from(*slot)) {
            out.write(*p);
        }
        *slot = slot.wrapping_add(1);
    }
    // SAFETY: a counting sort writes every slot it returns. Bucket `b`'s params took the
    // slots from the sum of the counts of the buckets before it, one each, and there are
    // `counts[b]` of them: together, slots `0..input.len()`, each written once.
    unsafe { out.filled(input.len()) }
}

/// Insertion sort on the prefixes; stops and returns `false` at the first tie (leaving a
/// permutation of the input for the full sort). With `SKIP`, a param already after its
/// predecessor is passed over with one comparison: the usual case after the bucket pass,
/// while on raw input (about half the params out of place) the extra comparison measured
/// more costly than the copies it saves.
#[inline(always)]
fn insertion_sort_by_prefix<const SKIP: bool>(params: &mut [Param<'_, '_>]) -> bool {
    for i in 1..params.len() {
        if SKIP {
            let (before, prefix) = (params[i - 1].prefix, params[i].prefix);
            if before < prefix {
                continue;
            }
            if before == prefix {
                return false;
            }
        }
        let p = params[i];
        let mut j = i;
        while j > 0 && params[j - 1].prefix > p.prefix {
            params[j] = params[j - 1];
            j -= 1;
        }
        params[j] = p;
        if j > 0 && params[j - 1].prefix == p.prefix {
            return false;
        }
    }
    true
}

/// Byte-order comparison, eight bytes at a time (keys often share a prefix such as
/// `Signature` or `Category.`), without a `memcmp` call. The last word of each side is
/// zero-padded; when the padded words tie, the shorter side is the prefix and sorts first.
#[inline]
fn cmp_bytes(mut a: &[u8], mut b: &[u8]) -> std::cmp::Ordering {
    loop {
        let (wa, ta) = load_word(a);
        let (wb, tb) = load_word(b);
        if wa != wb {
            // Big-endian: the first byte is the most significant.
            return wa.swap_bytes().cmp(&wb.swap_bytes());
        }
        if ta < 8 || tb < 8 {
            return a.len().cmp(&b.len());
        }
        a = &a[8..];
        b = &b[8..];
    }
}

/// A likely length of the canonical query: the params as written plus an eighth for
/// escapes (values are mostly unreserved characters). Only a capacity hint, so it wraps
/// rather than panicking should the same long value, borrowed many times, add up past
/// `usize` (on a 32-bit target); the buffer then grows as it needs. (Saturating cost
/// the client's signer 3 instructions a param.)
fn likely_len(params: &[Param<'_, '_>]) -> usize {
    let plain = params
        .iter()
        .map(|p| p.key.len() + p.value.len() + 2)
        .fold(0, usize::wrapping_add);
    plain.wrapping_add(plain / 8)
}

/// Writes `k=v&k=v` (the canonical query, or its encoding, depending on the sink).
#[inline]
fn write_canonical(sorted: &[Param<'_, '_>], out: &mut impl Sink) {
    out.pairs(sorted);
}

/// Where the canonical query goes, encoded once or twice.
trait Sink {
    /// A key or a value, percent-encoded by the sink.
    fn component(&mut self, bytes: &[u8]);
    /// The `=` between a key and its value.
    fn equals(&mut self);
    /// The `&` between two params.
    fn amp(&mut self);

    /// All the params, `&`-separated: runs of params that fit the buffers on a fast path,
    /// the others through [`pair`](Sink::pair).
    fn pairs(&mut self, sorted: &[Param<'_, '_>]);

    /// One param, `&`-separated from the previous one unless `first`, part by part (each
    /// flushing as needed): the general path, for a param that does not fit the room left.
    #[inline(always)]
    fn pair(&mut self, first: bool, key: &[u8], value: &[u8]) {
        if !first {
            self.amp();
        }
        self.component(key);
        self.equals();
        self.component(value);
    }
}

/// The room `len` input bytes need in an encoder's buffer: five bytes each at worst, plus
/// the slack of the last store (saturating: an absurd length just does not fit).
#[inline(always)]
fn need(len: usize) -> usize {
    len.saturating_mul(5).saturating_add(SLACK)
}

/// Whether a whole param fits an encoder's buffer holding `len` bytes: both parts at
/// worst (five bytes each, see [`need`]), two separator entries and the slack of the last
/// store. (Two slices of bytes hold at most `usize::MAX` bytes together, and the sum is
/// bounded before it is multiplied, so nothing overflows.)
#[inline(always)]
fn pair_fits(len: usize, key: &[u8], value: &[u8]) -> bool {
    let both = key.len() + value.len();
    both < BUF && len + 5 * both + SLACK + 2 * 8 <= BUF
}

/// Both encodings at once, for [`sign_v1`]: the canonical query, and the MAC of its
/// encoding. Each word is classified once for the two.
struct Both<A: Output, B: Output> {
    once: Encoder<A>,
    twice: Encoder<B>,
}

impl<A: Output, B: Output> Both<A, B> {
    /// Encodes `bytes` into both buffers; the caller has checked the room.
    #[inline(always)]
    fn encode(&mut self, bytes: &[u8]) {
        (self.once.len, self.twice.len) = encode_both(
            bytes,
            &mut self.once.buf,
            self.once.len,
            &mut self.twice.buf,
            self.twice.len,
        );
    }

    #[inline(always)]
    fn fits(&self, need: usize) -> bool {
        self.once.len + need <= BUF && self.twice.len + need <= BUF
    }

    /// [`Sink::pair`] out of line, so that the hot loop of [`Sink::pairs`] stays small.
    #[cold]
    #[inline(never)]
    fn pair_slow(&mut self, first: bool, key: &[u8], value: &[u8]) {
        self.pair(first, key, value);
    }
}

impl<A: Output, B: Output> Sink for Both<A, B> {
    #[inline(always)]
    fn component(&mut self, bytes: &[u8]) {
        if self.fits(need(bytes.len())) {
            self.encode(bytes);
        } else {
            // A buffer is full (or the input long): each encoder flushes on its own.
            self.once.component(bytes);
            self.twice.component(bytes);
        }
    }

    #[inline(always)]
    fn equals(&mut self) {
        self.once.equals();
        self.twice.equals();
    }

    #[inline(always)]
    fn amp(&mut self) {
        self.once.amp();
        self.twice.amp();
    }

    /// As [`Encoder`]'s: runs of params that fit both buffers are written with both
    /// lengths in locals, and keys of up to sixteen bytes taken from their sort prefix.
    #[inline(always)]
    fn pairs(&mut self, sorted: &[Param<'_, '_>]) {
        let (once_amp, once_equals) = (self.once.amp, self.once.equals);
        let (twice_amp, twice_equals) = (self.twice.amp, self.twice.equals);
        let mut i = 0;
        while let Some(p) = sorted.get(i) {
            let (once, twice) = (&mut self.once.buf, &mut self.twice.buf);
            let (mut a, mut b) = (self.once.len, self.twice.len);
            let mut next = p;
            loop {
                let (key, value) = (next.key.as_bytes(), next.value.as_bytes());
                if !pair_fits(a, key, value) || !pair_fits(b, key, value) {
                    break;
                }
                if i != 0 {
                    put(once, &mut a, once_amp);
                    put(twice, &mut b, twice_amp);
                }
                (a, b) = encode_key_both(next, once, a, twice, b);
                put(once, &mut a, once_equals);
                put(twice, &mut b, twice_equals);
                (a, b) = encode_both(value, once, a, twice, b);
                i += 1;
                match sorted.get(i) {
                    Some(p) => next = p,
                    None => break,
                }
            }
            self.once.len = a;
            self.twice.len = b;
            if i < sorted.len() {
                // A buffer is full (or the param long): the general path flushes.
                self.pair_slow(i == 0, next.key.as_bytes(), next.value.as_bytes());
                i += 1;
            }
        }
    }
}

/// [`encode`] into both buffers at once (`ENCODE` into `once` from `a`, `ENCODE_TWICE`
/// into `twice` from `b`), each segment classified once; returns both new lengths.
#[inline(always)]
fn encode_both(
    src: &[u8],
    once: &mut [u8; BUF],
    mut a: usize,
    twice: &mut [u8; BUF],
    mut b: usize,
) -> (usize, usize) {
    let mut rest = src;
    while let Some(block) = rest.first_chunk::<16>() {
        let (lo, hi) = split16(block);
        let reserved = reserved_mask(lo, hi);
        if reserved == 0 {
            store16(once, a, lo, hi);
            store16(twice, b, lo, hi);
            a += 16;
            b += 16;
        } else {
            a = encode_block(&ENCODE, block, reserved, once, a);
            b = encode_block(&ENCODE_TWICE, block, reserved, twice, b);
        }
        rest = &rest[16..];
    }
    match clean_tail(rest) {
        Some((lo, hi)) => {
            store16(once, a, lo, hi);
            store16(twice, b, lo, hi);
            (a + rest.len(), b + rest.len())
        }
        None => (
            encode_bytes(&ENCODE, rest, once, a),
            encode_bytes(&ENCODE_TWICE, rest, twice, b),
        ),
    }
}

/// [`encode_key`] into both buffers, as [`encode_both`].
#[inline(always)]
fn encode_key_both(
    p: &Param<'_, '_>,
    once: &mut [u8; BUF],
    a: usize,
    twice: &mut [u8; BUF],
    b: usize,
) -> (usize, usize) {
    let key = p.key.as_bytes();
    let n = key.len();
    if n <= SHORT || n > 16 {
        return encode_both(key, once, a, twice, b);
    }
    let words = p.prefix.swap_bytes();
    let (lo, hi) = (words as u64, (words >> 64) as u64);
    // Zero padding is reserved: only the first `n` flags count.
    if clean_prefix(reserved_mask(lo, hi), n) {
        store16(once, a, lo, hi);
        store16(twice, b, lo, hi);
        (a + n, b + n)
    } else {
        (
            encode_bytes(&ENCODE, key, once, a),
            encode_bytes(&ENCODE_TWICE, key, twice, b),
        )
    }
}

/// Where an [`Encoder`] empties its buffer.
trait Output {
    fn write(&mut self, bytes: &[u8]);
}

impl<O: Output> Output for &mut O {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        (**self).write(bytes);
    }
}

impl Output for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Output for HmacSha1 {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// Stack buffer size of an [`Encoder`]; a typical request's string-to-sign fits whole.
const BUF: usize = 1024;
/// The longest input encoded in one go: five output bytes per input byte, plus the
/// [`SLACK`] of the last store.
const CHUNK: usize = (BUF - SLACK) / 5;

/// Percent-encodes through `table` into a stack buffer and hands full buffers to `out`.
struct Encoder<O: Output> {
    table: &'static [Entry; 256],
    /// The separators as this encoder writes them (`=`/`&`, or `%3D`/`%26`).
    equals: Entry,
    amp: Entry,
    buf: [u8; BUF],
    len: usize,
    out: O,
}

impl<O: Output> Encoder<O> {
    /// [`Sink::pair`] out of line, so that the hot loop of [`Sink::pairs`] stays small.
    #[cold]
    #[inline(never)]
    fn pair_slow(&mut self, first: bool, key: &[u8], value: &[u8]) {
        self.pair(first, key, value);
    }

    /// Encodes once: the canonical query.
    #[inline]
    fn once(out: O) -> Self {
        Self::new(&ENCODE, *b"=\0\0\0\0\0\0\x01", *b"&\0\0\0\0\0\0\x01", out)
    }

    /// Encodes twice: the string-to-sign's encoding of the canonical query.
    #[inline]
    fn twice(out: O) -> Self {
        Self::new(
            &ENCODE_TWICE,
            ENCODE[usize::from(b'=')],
            ENCODE[usize::from(b'&')],
            out,
        )
    }

    #[inline]
    fn new(table: &'static [Entry; 256], equals: Entry, amp: Entry, out: O) -> Self {
        Encoder {
            table,
            equals,
            amp,
            buf: [0; BUF],
            len: 0,
            out,
        }
    }

    /// Writes `bytes` as they are.
    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > BUF {
            self.flush();
            if bytes.len() > BUF {
                self.out.write(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Writes a separator entry (one eight-byte store).
    #[inline(always)]
    fn separator(&mut self, entry: Entry) {
        if self.len + 8 > BUF {
            self.flush();
        }
        self.put(entry);
    }

    /// Writes an entry; the caller has checked the room.
    #[inline(always)]
    fn put(&mut self, entry: Entry) {
        self.buf[self.len..self.len + 8].copy_from_slice(&entry);
        self.len += usize::from(entry[7]);
    }

    #[inline]
    fn flush(&mut self) {
        self.out.write(&self.buf[..self.len]);
        self.len = 0;
    }

    /// Flushes what is left in the buffer.
    #[inline]
    fn finish(&mut self) {
        self.flush();
    }
}

impl<O: Output> Sink for Encoder<O> {
    #[inline(always)]
    fn component(&mut self, bytes: &[u8]) {
        if self.len + need(bytes.len()) > BUF {
            self.flush();
            if need(bytes.len()) > BUF {
                // Longer than the buffer holds once encoded: in pieces.
                for chunk in bytes.chunks(CHUNK) {
                    self.flush();
                    self.len = encode(self.table, chunk, &mut self.buf, self.len);
                }
                return;
            }
        }
        self.len = encode(self.table, bytes, &mut self.buf, self.len);
    }

    #[inline(always)]
    fn equals(&mut self) {
        self.separator(self.equals);
    }

    #[inline(always)]
    fn amp(&mut self) {
        self.separator(self.amp);
    }

    /// Runs of params that fit the buffer are written with the length in a local (a
    /// register, rather than a field stored and reloaded around every write).
    #[inline(always)]
    fn pairs(&mut self, sorted: &[Param<'_, '_>]) {
        let (table, amp, equals) = (self.table, self.amp, self.equals);
        let mut i = 0;
        while let Some(p) = sorted.get(i) {
            let (buf, mut len) = (&mut self.buf, self.len);
            let mut next = p;
            loop {
                let (key, value) = (next.key.as_bytes(), next.value.as_bytes());
                if !pair_fits(len, key, value) {
                    break;
                }
                if i != 0 {
                    put(buf, &mut len, amp);
                }
                len = encode_key(table, next, buf, len);
                put(buf, &mut len, equals);
                len = encode(table, value, buf, len);
                i += 1;
                match sorted.get(i) {
                    Some(p) => next = p,
                    None => break,
                }
            }
            self.len = len;
            if i < sorted.len() {
                // The buffer is full (or the param long): the general path flushes.
                self.pair_slow(i == 0, next.key.as_bytes(), next.value.as_bytes());
                i += 1;
            }
        }
    }
}

/// [`encode`] for a param's key: a key of up to sixteen bytes is already in its sort
/// prefix (byte-swapped), so its words need not be gathered again.
#[inline(always)]
fn encode_key(table: &[Entry; 256], p: &Param<'_, '_>, buf: &mut [u8; BUF], len: usize) -> usize {
    let key = p.key.as_bytes();
    let n = key.len();
    if n <= SHORT || n > 16 {
        return encode(table, key, buf, len);
    }
    let words = p.prefix.swap_bytes();
    let (lo, hi) = (words as u64, (words >> 64) as u64);
    // Zero padding is reserved: only the first `n` flags count.
    if clean_prefix(reserved_mask(lo, hi), n) {
        store16(buf, len, lo, hi);
        len + n
    } else {
        encode_bytes(table, key, buf, len)
    }
}

/// Writes a table entry at `*len` (the caller has checked the room) and advances.
#[inline(always)]
fn put(buf: &mut [u8; BUF], len: &mut usize, entry: Entry) {
    buf[*len..*len + 8].copy_from_slice(&entry);
    *len += usize::from(entry[7]);
}

/// Encodes `src` through `table` into `buf` from `len`, and returns the new length.
/// `buf` must have room for five bytes per input byte plus [`SLACK`].
#[inline(always)]
fn encode(table: &[Entry; 256], src: &[u8], buf: &mut [u8; BUF], mut len: usize) -> usize {
    let mut rest = src;
    while let Some(block) = rest.first_chunk::<16>() {
        let (lo, hi) = split16(block);
        let reserved = reserved_mask(lo, hi);
        if reserved == 0 {
            store16(buf, len, lo, hi);
            len += 16;
        } else {
            len = encode_block(table, block, reserved, buf, len);
        }
        rest = &rest[16..];
    }
    match clean_tail(rest) {
        Some((lo, hi)) => {
            store16(buf, len, lo, hi);
            len + rest.len()
        }
        None => encode_bytes(table, rest, buf, len),
    }
}

/// Whether at most three bits of `mask` are set (clearing the lowest three leaves none;
/// `count_ones` is not one instruction on baseline x86-64).
#[inline(always)]
fn at_most_three(mask: u32) -> bool {
    let m = mask & mask.wrapping_sub(1);
    let m = m & m.wrapping_sub(1);
    m & m.wrapping_sub(1) == 0
}

/// A 16-byte block with reserved bytes (bit `i` of `reserved` for byte `i`). With at most
/// three of them (a timestamp's `:`, a space or two), the runs between them are written
/// with one store each and only the reserved bytes go through the table; a denser block
/// goes through the table byte by byte. The caller has checked the room for the block.
#[inline(always)]
fn encode_block(
    table: &[Entry; 256],
    block: &[u8; 16],
    reserved: u32,
    buf: &mut [u8; BUF],
    mut len: usize,
) -> usize {
    if !at_most_three(reserved) {
        return encode_bytes(table, block, buf, len);
    }
    let word = u128::from_le_bytes(*block);
    let mut start = 0;
    let mut rest = reserved;
    while rest != 0 {
        let at = rest.trailing_zeros() as usize % 16;
        // The clean run `start..at` (possibly empty) is the low bytes of `word >> start`;
        // `start` is at most 15 here, as a reserved byte follows.
        let run = word >> (8 * start);
        store16(buf, len, run as u64, (run >> 64) as u64);
        len += at - start;
        put(buf, &mut len, table[usize::from(block[at])]);
        start = at + 1;
        rest &= rest - 1;
    }
    if start < 16 {
        let run = word >> (8 * start);
        store16(buf, len, run as u64, (run >> 64) as u64);
        len += 16 - start;
    }
    len
}

/// Stores two little-endian words at `at` (which leaves room for them).
#[inline(always)]
fn store16(buf: &mut [u8; BUF], at: usize, lo: u64, hi: u64) {
    let block = u128::from(lo) | u128::from(hi) << 64;
    buf[at..at + 16].copy_from_slice(&block.to_le_bytes());
}

/// Room an encoder keeps beyond the encoded bytes: its stores are 16 bytes wide.
const SLACK: usize = 16;

/// Inputs (or ends of inputs) up to this long skip the classification and go through the
/// table byte by byte.
const SHORT: usize = 4;

/// The last, shorter-than-16 bytes of an input as two little-endian words (zero-padded)
/// when none of them is reserved; `None` when some is, or when there are so few that
/// the table is cheaper than gathering and classifying them.
#[inline(always)]
fn clean_tail(rest: &[u8]) -> Option<(u64, u64)> {
    let n = rest.len();
    if n <= SHORT {
        return None;
    }
    let (lo, hi) = match (rest.first_chunk::<8>(), rest.last_chunk::<8>()) {
        // 8..=15 bytes: the first eight, and the last eight shifted into place.
        (Some(lo), Some(hi)) => (
            u64::from_le_bytes(*lo),
            (u64::from_le_bytes(*hi) >> (8 * (15 - n))) >> 8,
        ),
        _ => (load_word(rest).0, 0),
    };
    // Zero padding is reserved: only the first `n` flags count.
    clean_prefix(reserved_mask(lo, hi), n).then_some((lo, hi))
}

/// Whether none of the first `n` (at most 16) bytes of a block is reserved, given its
/// mask: whether the lowest set bit is at `n` or above (bit 16 stands in for a block with
/// none, so the count needs no zero case).
#[inline(always)]
fn clean_prefix(reserved: u32, n: usize) -> bool {
    (reserved | 1 << 16).trailing_zeros() as usize >= n
}

/// A 16-byte block as two little-endian words.
#[inline(always)]
fn split16(block: &[u8; 16]) -> (u64, u64) {
    let (lo, hi) = block.split_at(8);
    (
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    )
}

/// Which of 16 bytes (two little-endian words) are reserved: bit `i` for byte `i`. SSE2
/// compares on x86-64 (part of its baseline, so always there); SWAR elsewhere.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unused_unsafe)] // the intrinsics are safe functions on newer compilers
fn reserved_mask(lo: u64, hi: u64) -> u32 {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    // SAFETY: SSE2 is enabled on every x86-64 target, and these intrinsics only compute
    // on values in registers (no memory access).
    unsafe {
        let x = _mm_set_epi64x(hi as i64, lo as i64);
        // Outside `lo..=hi`: adding `0x80 - lo` (wrapping) moves that range to the bottom
        // of the signed bytes, `-128..=-128 + hi - lo`, and every other byte above it, so
        // one signed compare tells them apart (bytes from 0x80 up included).
        let outside = |v, lo: u8, hi: u8| {
            _mm_cmpgt_epi8(
                _mm_add_epi8(v, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8)),
                _mm_set1_epi8((0x80 + (hi - lo)) as i8),
            )
        };
        // `| 0x20` folds upper-case letters onto lower-case ones; no other byte lands
        // in `a..=z` that way.
        let reserved = _mm_and_si128(
            _mm_and_si128(
                outside(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z'),
                outside(x, b'0', b'9'),
            ),
            outside(x, b'-', b'.'),
        );
        let reserved = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8)), reserved);
        let reserved = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'~' as i8)), reserved);
        _mm_movemask_epi8(reserved) as u32
    }
}

/// Which of 16 bytes (two little-endian words) are reserved: bit `i` for byte `i`.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn reserved_mask(lo: u64, hi: u64) -> u32 {
    reserved_mask_swar(lo, hi)
}

/// [`reserved_mask`] in portable arithmetic (SWAR); compiled and tested everywhere.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn reserved_mask_swar(lo: u64, hi: u64) -> u32 {
    // Gathers the flag of each byte (its bit 7) into the top byte.
    let gather = |flags: u64| ((flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    gather(reserved_bytes(lo)) | gather(reserved_bytes(hi)) << 8
}

/// Byte by byte: each byte's table entry is stored whole (eight bytes) and the length
/// advances by its count, so there is no branch per byte.
#[inline(always)]
fn encode_bytes(table: &[Entry; 256], src: &[u8], buf: &mut [u8; BUF], mut len: usize) -> usize {
    for &b in src {
        let entry = &table[usize::from(b)];
        buf[len..len + 8].copy_from_slice(entry);
        len += usize::from(entry[7]);
    }
    len
}

/// The first sixteen bytes of `bytes` as a little-endian number, or all of them when
/// fewer, zero-padded (overlapping loads, as in [`load_word`]).
#[inline(always)]
fn load16(bytes: &[u8]) -> u128 {
    if let Some(block) = bytes.first_chunk::<16>() {
        return u128::from_le_bytes(*block);
    }
    let (lo, hi) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        // 8..=15 bytes: the first eight, and the last eight shifted into place.
        (Some(lo), Some(hi)) => (
            u64::from_le_bytes(*lo),
            (u64::from_le_bytes(*hi) >> (8 * (15 - bytes.len()))) >> 8,
        ),
        _ => (load_word(bytes).0, 0),
    };
    u128::from(lo) | u128::from(hi) << 64
}

/// The first eight bytes of `bytes` as a little-endian word, or all of them when fewer,
/// zero-padded; and how many were taken. Short inputs are read with two overlapping
/// loads instead of a byte loop or a `memcpy` call.
#[inline(always)]
fn load_word(bytes: &[u8]) -> (u64, usize) {
    let n = bytes.len();
    if let Some(word) = bytes.first_chunk::<8>() {
        return (u64::from_le_bytes(*word), 8);
    }
    let word = if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // 4..=7 bytes: the first four, and the last four shifted into place.
        u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*hi)) << (8 * (n - 4))
    } else if n > 0 {
        // 1..=3 bytes: the first, the middle and the last (some may coincide).
        u64::from(bytes[0])
            | u64::from(bytes[n / 2]) << (8 * (n / 2))
            | u64::from(bytes[n - 1]) << (8 * (n - 1))
    } else {
        0
    };
    (word, n)
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The reserved bytes of a word, eight at a time (SWAR): bit 7 of each byte of the result
/// is set when that byte of `x` is not in [`UNRESERVED`]. Agrees with the table for every
/// byte (tested); the encoders only use it to choose between copying a word and going
/// through the table.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn reserved_bytes(x: u64) -> u64 {
    const HIGH: u64 = splat(0x80);
    // Work on the low seven bits, so adding at most 0x80 never carries into the next
    // byte; bytes with bit 7 set (non-ASCII) are reserved whatever their low bits.
    let low = x & !HIGH;
    // Bit 7 set where lo <= byte <= hi.
    let in_range =
        |lo: u8, hi: u8| low.wrapping_add(splat(0x80 - lo)) & !low.wrapping_add(splat(0x7F - hi));
    // Bit 7 set where byte == c.
    let is = |c: u8| !(low ^ splat(c)).wrapping_add(splat(0x7F));
    // Setting bit 5 folds upper-case letters onto lower-case ones (and `@[\\]^_` onto
    // `` `{|}~ ``, outside the letter range).
    let letter = {
        let folded = low | splat(0x20);
        folded.wrapping_add(splat(0x80 - b'a')) & !folded.wrapping_add(splat(0x7F - b'z'))
    };
    let unreserved = letter | in_range(b'0', b'9') | in_range(b'-', b'.') | is(b'_') | is(b'~');
    (!unreserved | x) & HIGH
}

/// An HMAC-SHA1 keyed with `secret + "&"`, the key assembled on the stack (and wiped).
fn hmac_sha1(secret: &str) -> HmacSha1 {
    let secret = secret.as_bytes();
    // Built in place in the type `new` takes (no copy left behind), and only the bytes
    // written are wiped afterwards: the rest is zero padding.
    let mut key = hmac::digest::Key::<HmacSha1>::default();
    let used = if secret.len() < BLOCK {
        key[..secret.len()].copy_from_slice(secret);
        key[secret.len()] = b'&';
        secret.len() + 1
    } else {
        // A key longer than the block is replaced by its hash (RFC 2104); zero padding to
        // the block size is what HMAC does to every shorter key anyway.
        let mut digest = sha1::Sha1::new()
            .chain_update(secret)
            .chain_update(b"&")
            .finalize();
        key[..digest.len()].copy_from_slice(&digest);
        digest.zeroize();
        digest.len()
    };
    let mac = HmacSha1::new(&key);
    key[..used].zeroize();
    mac
}

/// The signature: the MAC's base64.
fn base64_signature(mac: HmacSha1) -> String {
    base64_digest(&mac.finalize().into_bytes().into())
}

/// The standard base64 alphabet (RFC 4648, section 4).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard, padded base64 of a 20-byte SHA-1 digest: always 28 characters, the last one
/// `=`. Written out for this one size (six groups of three bytes, then two bytes): a
/// general encoder's length and tail handling cost several times the encoding itself
/// here, about a tenth of a whole signature. Tested against the `base64` crate.
#[inline]
fn base64_digest(digest: &[u8; 20]) -> String {
    // Every byte comes from the alphabet or is `=`: ASCII.
    let bytes = base64_bytes(digest);
    debug_assert!(bytes.is_ascii());
    // SAFETY: every byte is from `BASE64` or `=`: ASCII, so UTF-8.
    unsafe { String::from_utf8_unchecked(bytes.to_vec()) }
}

/// [`base64_digest`]'s characters.
#[inline]
fn base64_bytes(digest: &[u8; 20]) -> [u8; 28] {
    let mut out = [b'='; 28];
    for (chars, bytes) in out.chunks_exact_mut(4).zip(digest.chunks(3)) {
        // The group as a 24-bit number; a missing third byte counts as zero.
        let group =
            bytes.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - bytes.len()));
        // Four sextets, or three (and the `=` already there) for the two-byte group.
        for (i, c) in chars.iter_mut().take(bytes.len() + 1).enumerate() {
            *c = BASE64[(group >> (18 - 6 * i)) as usize & 63];
        }
    }
    out
}

/// The encoders' output as a `String`. It is ASCII by construction (table entries and
/// separators); should that ever break, the bytes are kept, lossily, rather than panicking.
fn ascii_string(bytes: Vec<u8>) -> String {
    debug_assert!(bytes.is_ascii());
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    /// The encode set, written out: exactly the 66 unreserved characters.
    #[test]
    fn unreserved_set_is_rfc3986() {
        let expected: Vec<u8> =
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~".to_vec();
        let actual: Vec<u8> = (0..=255u8)
            .filter(|&b| UNRESERVED[usize::from(b)])
            .collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn tables_agree_with_format() {
        for b in 0..=255u8 {
            let (once, twice) = if UNRESERVED[usize::from(b)] {
                (vec![b], vec![b])
            } else {
                (
                    format!("%{b:02X}").into_bytes(),
                    format!("%25{b:02X}").into_bytes(),
                )
            };
            let e = ENCODE[usize::from(b)];
            assert_eq!(&e[..usize::from(e[7])], &once[..], "byte {b:#04x}");
            let e = ENCODE_TWICE[usize::from(b)];
            assert_eq!(&e[..usize::from(e[7])], &twice[..], "byte {b:#04x}");
        }
    }

    #[test]
    fn swar_classification_agrees_with_the_table() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                // `b` among unreserved and among reserved neighbours.
                for fill in [b'a', b'%', 0xFF, 0x00] {
                    let mut word = [fill; 8];
                    word[pos] = b;
                    let flags = reserved_bytes(u64::from_le_bytes(word)).to_le_bytes();
                    for (i, &byte) in word.iter().enumerate() {
                        let reserved = !UNRESERVED[usize::from(byte)];
                        assert_eq!(flags[i] == 0x80, reserved, "byte {byte:#04x} at {i}");
                        assert!(
                            flags[i] == 0x80 || flags[i] == 0,
                            "flag byte {:#04x}",
                            flags[i]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn clean_prefix_agrees_with_masking_the_first_bytes() {
        for mask in 0..1u32 << 16 {
            for n in 0..=16 {
                let expected = mask & ((1u32 << n) - 1) == 0;
                assert_eq!(clean_prefix(mask, n), expected, "{mask:#06x}, {n}");
            }
        }
    }

    #[test]
    fn block_classification_agrees_with_the_table() {
        for b in 0..=255u8 {
            for pos in 0..16 {
                for fill in [b'a', b'%', 0xFF, 0x00, b'Z'] {
                    let mut block = [fill; 16];
                    block[pos] = b;
                    let (lo, hi) = split16(&block);
                    let mask = reserved_mask(lo, hi);
                    assert_eq!(reserved_mask_swar(lo, hi), mask, "{block:?}");
                    for (i, &byte) in block.iter().enumerate() {
                        let reserved = !UNRESERVED[usize::from(byte)];
                        assert_eq!(mask >> i & 1 == 1, reserved, "byte {byte:#04x} at {i}");
                    }
                    assert!(mask < 1 << 16);
                }
            }
        }
    }

    #[test]
    fn every_reserved_ascii_char_is_escaped() {
        let reserved = " !\"#$%&'()*+,/:;<=>?@[\\]^`{|}";
        let expected = "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D";
        assert_eq!(percent_encode(reserved), expected);
        assert_eq!(percent_encode("\0\t\n\x7f"), "%00%09%0A%7F");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn utf8_is_encoded_byte_by_byte() {
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("网"), "%E7%BD%91");
        // A 4-byte character (outside the BMP).
        assert_eq!(percent_encode("🚀"), "%F0%9F%9A%80");
        assert_eq!(percent_encode("a🚀b"), "a%F0%9F%9A%80b");
    }

    #[test]
    fn long_inputs_cross_the_buffer() {
        // Longer than the stack buffer and than one chunk, escaped and not.
        let plain = "a".repeat(3 * BUF + 7);
        assert_eq!(percent_encode(&plain), plain);
        let spaces = " ".repeat(BUF + 1);
        assert_eq!(percent_encode(&spaces), "%20".repeat(BUF + 1));
        let sts = string_to_sign_v1("POST", [("K", spaces.as_str())]);
        assert_eq!(sts, format!("POST&%2F&K%3D{}", "%2520".repeat(BUF + 1)));
    }

    #[test]
    fn debugging_strings_reserve_what_they_likely_need_not_the_worst() {
        // A 4 MB plain value: the query and the string-to-sign reserved three and five
        // times the input up front (12 and 20 MB); now about what they hold.
        let value = "v".repeat(4 << 20);
        let query = canonical_query_v1([("K", value.as_str())]);
        assert_eq!(query.len(), value.len() + 2);
        assert!(
            query.capacity() < value.len() * 5 / 4,
            "{}",
            query.capacity()
        );
        let sts = string_to_sign_v1("POST", [("K", value.as_str())]);
        assert_eq!(sts.len(), value.len() + 13);
        assert!(sts.capacity() < value.len() * 3 / 2, "{}", sts.capacity());
        // Escapes still fit (the vector grows).
        let spaces = " ".repeat(1 << 16);
        let sts = string_to_sign_v1("POST", [("K", spaces.as_str())]);
        assert_eq!(sts.len(), 5 * spaces.len() + 13);
    }

    #[test]
    fn params_longer_than_the_buffers_sign_like_the_reference() {
        // Params that do not fit the room left (or the buffers at all) take the general
        // path, part by part, between params that take the fast one.
        let reference = |s: &str| -> String {
            s.bytes()
                .map(|b| match UNRESERVED[usize::from(b)] {
                    true => char::from(b).to_string(),
                    false => format!("%{b:02X}"),
                })
                .collect()
        };
        let long_escaped = format!("{}é", " ".repeat(BUF + 1));
        let long_plain = "a".repeat(3 * BUF + 7);
        let mid = "x:y ".repeat(BUF / 8);
        let params = [
            ("Z", "=&"),
            ("Long", long_escaped.as_str()),
            ("A", "x"),
            ("Mid", mid.as_str()),
            ("Plain", long_plain.as_str()),
            ("B", "short"),
        ];
        let mut sorted = params;
        sorted.sort();
        let query = sorted
            .iter()
            .map(|(k, v)| format!("{}={}", reference(k), reference(v)))
            .collect::<Vec<_>>()
            .join("&");
        let sts = format!("POST&%2F&{}", reference(&query));
        let expected = sign_string_v1(&sts, "s");
        let mut in_place = params;
        let signed = sign_v1("POST", &mut in_place, "s");
        assert_eq!(in_place, sorted);
        assert_eq!(signed.canonical_query, query);
        assert_eq!(signed.signature, expected);
        assert_eq!(signature_v1("POST", params, "s"), expected);
        assert_eq!(string_to_sign_v1("POST", params), sts);
        let mut again = params;
        assert_eq!(
            signed_query_v1_with_key("POST", &mut again, &SigningKey::new("s")),
            signed.into_query()
        );
    }

    #[test]
    fn every_length_and_position_of_a_reserved_byte() {
        // Around the short-input cutoff, the 8- and 16-byte words, and the block loop.
        for n in 0..40 {
            let plain = "a".repeat(n);
            assert_eq!(percent_encode(&plain), plain);
            for pos in 0..n {
                for reserved in [" ", "=", "é"] {
                    let mut input = plain.clone();
                    input.replace_range(pos..pos + 1, reserved);
                    let expected: String = input
                        .bytes()
                        .map(|b| {
                            if UNRESERVED[usize::from(b)] {
                                char::from(b).to_string()
                            } else {
                                format!("%{b:02X}")
                            }
                        })
                        .collect();
                    assert_eq!(percent_encode(&input), expected, "{input:?}");
                    let sts = string_to_sign_v1("GET", [("K", input.as_str())]);
                    assert_eq!(sts, format!("GET&%2F&K%3D{}", percent_encode(&expected)));
                    let mut params = [("K", input.as_str())];
                    let signed = sign_v1("GET", &mut params, "s");
                    assert_eq!(signed.canonical_query, format!("K={expected}"));
                    assert_eq!(signed.signature, sign_string_v1(&sts, "s"));
                    // As a key, too (keys take their words from the sort prefix).
                    let query = format!("{expected}=v");
                    assert_eq!(canonical_query_v1([(input.as_str(), "v")]), query);
                    let sts = format!("GET&%2F&{}", percent_encode(&query));
                    assert_eq!(string_to_sign_v1("GET", [(input.as_str(), "v")]), sts);
                    assert_eq!(
                        signature_v1("GET", [(input.as_str(), "v")], "s"),
                        sign_string_v1(&sts, "s")
                    );
                }
            }
        }
    }

    #[test]
    fn load16_zero_pads() {
        let bytes: Vec<u8> = (1..=20).collect();
        for n in 0..=20 {
            let mut padded = [0; 16];
            let take = n.min(16);
            padded[..take].copy_from_slice(&bytes[..take]);
            assert_eq!(load16(&bytes[..n]), u128::from_le_bytes(padded), "{n}");
        }
    }

    #[test]
    fn empty_values_and_keys_are_kept() {
        assert_eq!(canonical_query_v1([("B", ""), ("A", "x")]), "A=x&B=");
        assert_eq!(canonical_query_v1([("", "v"), ("A", "")]), "=v&A=");
        assert_eq!(canonical_query_v1([]), "");
        assert_eq!(string_to_sign_v1("GET", []), "GET&%2F&");
    }

    #[test]
    fn keys_sort_in_byte_order() {
        let q = canonical_query_v1([
            ("Name.2", "b"),
            ("Name.10", "a"),
            ("Name.1", "c"),
            ("name", "lower"),
            ("Name", "upper"),
        ]);
        assert_eq!(q, "Name=upper&Name.1=c&Name.10=a&Name.2=b&name=lower");
        // Sorting is on the raw bytes, before encoding: space (0x20) first, `~` (0x7E)
        // after `z`, and `é` (0xC3 0xA9) after every ASCII key.
        let q = canonical_query_v1([("é", "1"), ("~", "2"), ("z", "3"), (" ", "4")]);
        assert_eq!(q, "%20=4&z=3&~=2&%C3%A9=1");
    }

    #[test]
    fn long_common_prefixes_sort_correctly() {
        // Keys sharing their first eight bytes, one of them a prefix of the others (ties on
        // sixteen bytes, which go past the fast path, are tested below).
        let q = canonical_query_v1([
            ("SignatureVersion", "1.0"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("Signatur", "x"),
            ("SignatureNonce", "n"),
        ]);
        assert_eq!(
            q,
            "Signatur=x&SignatureMethod=HMAC-SHA1&SignatureNonce=n&SignatureVersion=1.0"
        );
    }

    #[test]
    fn byte_comparison_agrees_with_slices() {
        let words: [&[u8]; 14] = [
            b"",
            b"\0",
            b"\0\0",
            b"A",
            b"A\0",
            b"AB",
            b"Category",
            b"Category.",
            b"Category.1",
            b"Category.10",
            b"Category.2",
            b"Category\0\x01",
            b"\xff",
            b"\xff\0",
        ];
        for a in words {
            for b in words {
                assert_eq!(cmp_bytes(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn many_params_spill_from_the_stack_arrays() {
        // Around the stack arrays, with exact and unknown size hints.
        for n in [0, 1, SMALL, SMALL + 1, LARGE, LARGE + 1, 3 * LARGE] {
            let owned: Vec<(String, String)> = (0..n)
                .map(|i| {
                    (
                        format!("Tag.{}.Key", (i * 7919) % (n + 1)),
                        format!("v {i}"),
                    )
                })
                .collect();
            let pairs: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let mut expected = pairs.clone();
            expected.sort();
            let expected_query = expected
                .iter()
                .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            assert_eq!(
                canonical_query_v1(pairs.iter().copied()),
                expected_query,
                "{n}"
            );
            let mut it = pairs.iter().copied();
            let unknown_hint = std::iter::from_fn(move || it.next());
            assert_eq!(canonical_query_v1(unknown_hint), expected_query, "{n}");
            let mut in_place = pairs.clone();
            let signed = sign_v1("POST", &mut in_place, "s");
            assert_eq!(in_place, expected, "{n}");
            assert_eq!(signed.canonical_query, expected_query, "{n}");
            let sts = format!("POST&%2F&{}", percent_encode(&expected_query));
            assert_eq!(string_to_sign_v1("POST", pairs.iter().copied()), sts, "{n}");
            assert_eq!(signed.signature, sign_string_v1(&sts, "s"), "{n}");
            assert_eq!(
                signature_v1("POST", pairs.iter().copied(), "s"),
                signed.signature
            );
        }
    }

    #[test]
    fn every_input_order_sorts_alike() {
        // Prefix ties (sixteen shared bytes, `A` against `A\0`, repeated keys) and not.
        let params = [
            ("SignatureVersionB", "1"),
            ("SignatureVersion", "2"),
            ("SignatureVersionA", "3"),
            ("SignatureVersio", "4"),
            ("SignatureVersionA", "0"),
            ("A\0", "5"),
            ("A", "6"),
            ("Z", "7"),
            ("Category.10", "8"),
            ("Category.2", "9"),
        ];
        let mut expected = params;
        expected.sort();
        let distinct: Vec<_> = params.iter().copied().skip(5).collect();
        let mut expected_distinct = distinct.clone();
        expected_distinct.sort();
        for rotation in 0..params.len() {
            for reverse in [false, true] {
                let mut input = params;
                input.rotate_left(rotation);
                if reverse {
                    input.reverse();
                }
                let mut sorted = input;
                let _ = sign_v1("GET", &mut sorted, "s"); // for its sorting in place
                assert_eq!(sorted, expected, "{input:?}");
                let mut input: Vec<_> = distinct.clone();
                input.rotate_left(rotation % distinct.len());
                if reverse {
                    input.reverse();
                }
                let mut sorted = input.clone();
                let _ = sign_v1("GET", &mut sorted, "s");
                assert_eq!(sorted, expected_distinct, "{input:?}");
            }
        }
    }

    #[test]
    fn duplicate_keys_sort_by_value_whatever_the_input_order() {
        let a = [("K", "2"), ("A", "x"), ("K", "10"), ("K", "1")];
        let b = [("K", "1"), ("K", "10"), ("A", "x"), ("K", "2")];
        assert_eq!(canonical_query_v1(a), "A=x&K=1&K=10&K=2");
        assert_eq!(canonical_query_v1(b), "A=x&K=1&K=10&K=2");
        assert_eq!(signature_v1("GET", a, "s"), signature_v1("GET", b, "s"));
        let (mut a, mut b) = (a, b);
        assert_eq!(sign_v1("GET", &mut a, "s"), sign_v1("GET", &mut b, "s"));
        assert_eq!(a, b);
    }

    #[test]
    fn base64_digest_agrees_with_the_base64_crate() {
        let engine = base64::engine::general_purpose::STANDARD;
        // Every byte value in every position, and pseudo-random digests.
        let mut digests: Vec<[u8; 20]> = (0..=255u8)
            .flat_map(|b| {
                (0..20).map(move |at| {
                    let mut d = [0u8; 20];
                    d[at] = b;
                    d
                })
            })
            .collect();
        digests.push([0xFF; 20]);
        let mut state = 7;
        for _ in 0..2000 {
            let mut d = [0u8; 20];
            d.iter_mut().for_each(|b| *b = lcg(&mut state) as u8);
            digests.push(d);
        }
        for d in digests {
            let ours = base64_digest(&d);
            assert_eq!(ours, engine.encode(d), "{d:?}");
            assert_eq!(ours.len(), 28);
        }
    }

    #[test]
    fn blocks_with_a_few_reserved_bytes_encode_like_the_table() {
        // Up to four reserved bytes (sparse and dense paths) at every position of a
        // 16-byte block, with and without a tail, once and twice encoded.
        let reference = |input: &[u8], twice: bool| -> Vec<u8> {
            let once: Vec<u8> = input
                .iter()
                .flat_map(|&b| match UNRESERVED[usize::from(b)] {
                    true => vec![b],
                    false => format!("%{b:02X}").into_bytes(),
                })
                .collect();
            if !twice {
                return once;
            }
            once.iter()
                .flat_map(|&b| match b {
                    b'%' => b"%25".to_vec(),
                    b => vec![b],
                })
                .collect()
        };
        let mut checked = 0;
        for k in 1..=4usize {
            for first in 0..16 {
                for step in 1..=5 {
                    let mut block = *b"AbCdEfGhIjKlMnOp";
                    let at: Vec<usize> = (0..k).map(|j| (first + j * step) % 16).collect();
                    for (j, &i) in at.iter().enumerate() {
                        block[i] = [b':', b' ', 0xC3, b'%'][j % 4];
                    }
                    let reserved = at.iter().fold(0u32, |m, &i| m | 1 << i);
                    let (lo, hi) = split16(&block);
                    assert_eq!(reserved_mask(lo, hi), reserved, "{block:?}");
                    for (table, twice) in [(&ENCODE, false), (&ENCODE_TWICE, true)] {
                        let mut buf = [0u8; BUF];
                        let len = encode_block(table, &block, reserved, &mut buf, 3);
                        assert_eq!(&buf[3..len], &reference(&block, twice)[..], "{block:?}");
                        for tail in [&b""[..], b"xyz", b"x y:z~"] {
                            let mut input = block.to_vec();
                            input.extend_from_slice(tail);
                            let mut buf = [0u8; BUF];
                            let len = encode(table, &input, &mut buf, 0);
                            assert_eq!(&buf[..len], &reference(&input, twice)[..]);
                            let (mut once, mut two) = ([0u8; BUF], [0u8; BUF]);
                            let (a, b) = encode_both(&input, &mut once, 0, &mut two, 5);
                            assert_eq!(&once[..a], &reference(&input, false)[..]);
                            assert_eq!(&two[5..b], &reference(&input, true)[..]);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn secrets_of_every_length_match_the_plain_hmac() {
        // Around the block size, where the key switches from padded to hashed.
        for len in [0, 1, 62, 63, 64, 65, 200] {
            let secret = "s".repeat(len);
            let mut mac = HmacSha1::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
            mac.update(b"GET&%2F&A%3Db");
            let expected =
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            assert_eq!(
                sign_string_v1("GET&%2F&A%3Db", &secret),
                expected,
                "len {len}"
            );
            assert_eq!(
                signature_v1("GET", [("A", "b")], &secret),
                expected,
                "len {len}"
            );
        }
    }

    /// A fixed pseudo-random sequence (a linear congruential generator), for shuffles.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 33
    }

    #[test]
    fn every_shuffle_of_up_to_forty_params_sorts_like_the_reference() {
        // Keys in one bucket and in many, prefix ties (sixteen shared bytes, `A` against
        // `A\0`), repeated keys with different values, empty and non-ASCII keys.
        let pool: Vec<(String, String)> = (0..40)
            .map(|i| {
                let key = match i % 8 {
                    0 => format!("Category.{i}"),
                    1 => format!("SignatureVersion{}", i % 3),
                    2 => "Dup".to_owned(),
                    3 => ["", "A", "A\0", "~", "é", "@", " "][i % 7].to_owned(),
                    4 => format!("Tag.{}.Key", i % 5),
                    5 => format!("{}x", char::from(b'A' + (i % 26) as u8)),
                    6 => format!("{}", char::from(b'a' + (i % 26) as u8)),
                    _ => format!("Z{i}"),
                };
                (key, format!("v{}", (i * 7) % 11))
            })
            .collect();
        let mut state = 1;
        for n in 0..=40 {
            for round in 0..20 {
                // A random subset of `n` (with repeats: duplicates of whole params).
                let mut input: Vec<(&str, &str)> = (0..n)
                    .map(|_| {
                        let (k, v) = &pool[lcg(&mut state) as usize % pool.len()];
                        (k.as_str(), v.as_str())
                    })
                    .collect();
                if round == 1 {
                    input.sort();
                } else if round == 2 {
                    input.sort();
                    input.reverse();
                }
                let mut expected = input.clone();
                expected.sort();
                let mut sorted = input.clone();
                let signed = sign_v1("GET", &mut sorted, "s");
                assert_eq!(sorted, expected, "{input:?}");
                assert_eq!(
                    signed.canonical_query,
                    canonical_query_v1(expected.iter().copied()),
                    "{input:?}"
                );
                assert_eq!(
                    signature_v1("GET", input.iter().copied(), "s"),
                    signed.signature,
                    "{input:?}"
                );
            }
        }
    }

    #[test]
    fn bucket_is_order_preserving() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let (pa, pb) = (u128::from(a) << 120, u128::from(b) << 120);
                if a < b {
                    assert!(bucket(pa) <= bucket(pb), "{a} {b}");
                }
            }
            assert!(bucket(u128::from(a) << 120) < BUCKETS);
        }
    }

    #[test]
    fn bucket_pass_sorts_within_and_across_buckets() {
        // Every key in one bucket, every key in its own, and a mix; distinct prefixes, so
        // the fast path runs to the end (and ties, to the fallback).
        let same: Vec<String> = (0..32).map(|i| format!("K{:02}", (i * 13) % 32)).collect();
        let own: Vec<String> = (0..32)
            .map(|i| format!("{}", char::from(b'A' + ((i * 7) % 32) as u8)))
            .collect();
        let ties: Vec<String> = (0..32)
            .map(|i| format!("SignatureVersion.{}", i % 4))
            .collect();
        for keys in [&same, &own, &ties] {
            for n in 0..=LARGE {
                let params: Vec<Param<'_, '_>> = keys[..n]
                    .iter()
                    .map(|k| Param::new((k.as_str(), "v")))
                    .collect();
                let mut expected: Vec<&str> = keys[..n].iter().map(String::as_str).collect();
                expected.sort();
                let mut sorted = params.clone();
                sort(&mut sorted);
                let got: Vec<&str> = sorted.iter().map(|p| p.key).collect();
                assert_eq!(got, expected, "{n}");
                // Collected with the bucket counts, whatever the threshold and the size hint.
                let pairs: Vec<(&str, &str)> = params.iter().map(|p| (p.key, p.value)).collect();
                let (mut stack, mut out) = (Slots::new(), Slots::new());
                let mut heap = Vec::new();
                let bucketed =
                    sorted_bucketed(pairs.iter().copied(), &mut stack, &mut out, &mut heap);
                let got: Vec<&str> = bucketed.iter().map(|p| p.key).collect();
                assert_eq!(got, expected, "{n}");
                // The bucket pass on its own: a stable scatter by first byte, then the
                // insertion sort sorts, or stops at a tie with a permutation left.
                let mut out = Slots::new();
                let scattered = scatter_by_bucket(&params, &mut out);
                assert_eq!(scattered.len(), n);
                let firsts: Vec<usize> = scattered.iter().map(|p| bucket(p.prefix)).collect();
                assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{n}");
                for b in 0..BUCKETS {
                    let in_bucket = |p: &&Param<'_, '_>| bucket(p.prefix) == b;
                    assert!(
                        scattered
                            .iter()
                            .filter(in_bucket)
                            .map(|p| p.key)
                            .eq(params.iter().filter(in_bucket).map(|p| p.key)),
                        "{n}: stable"
                    );
                }
                let done = insertion_sort_by_prefix::<true>(scattered);
                let mut got: Vec<&str> = scattered.iter().map(|p| p.key).collect();
                if done {
                    assert_eq!(got, expected, "{n}");
                } else {
                    assert!(got.windows(2).any(|w| w[0][..16] == w[1][..16]), "{n}");
                    got.sort();
                    assert_eq!(got, expected, "{n}");
                }
            }
        }
    }

    #[test]
    fn signed_query_is_sign_v1_with_key_into_query() {
        let owned: Vec<(String, String)> = (0..40)
            .map(|i| (format!("K{}.{}", (i * 7) % 40, i % 3), format!("v {i}+/=é")))
            .collect();
        for n in [0, 1, 2, SMALL, SMALL + 1, LARGE, LARGE + 1, 40] {
            for secret in ["", "testsecret", "x/+="] {
                let key = SigningKey::new(secret);
                let pairs: Vec<(&str, &str)> = owned[..n]
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                for method in ["GET", "POST"] {
                    let (mut a, mut b) = (pairs.clone(), pairs.clone());
                    assert_eq!(
                        signed_query_v1_with_key(method, &mut a, &key),
                        sign_v1_with_key(method, &mut b, &key).into_query(),
                        "{n} {secret:?} {method}"
                    );
                    assert_eq!(a, b);
                }
            }
        }
    }

    #[test]
    fn signing_key_signs_like_the_secret() {
        for secret in ["", "testsecret", "ExampleSecret/+=", &"s".repeat(100)] {
            let key = SigningKey::new(secret);
            let params = [
                ("Version", "2014-05-26"),
                ("Action", "DescribeRegions"),
                ("Name", "a b*c~é"),
                ("Action", "Again"),
            ];
            for method in ["GET", "POST"] {
                let (mut a, mut b) = (params, params);
                let with_key = sign_v1_with_key(method, &mut a, &key);
                assert_eq!(with_key, sign_v1(method, &mut b, secret), "{secret:?}");
                assert_eq!(a, b);
                assert_eq!(
                    with_key.signature,
                    sign_string_v1(&string_to_sign_v1(method, params), secret)
                );
                // The key is not consumed: a second signature is the same.
                let mut c = params;
                assert_eq!(sign_v1_with_key(method, &mut c, &key), with_key);
            }
        }
        let key = SigningKey::new("testsecret");
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
        assert!(!format!("{:?}", key.clone()).contains("testsecret"));
    }

    #[test]
    fn into_query_agrees_with_percent_encode_at_every_length_and_position() {
        for n in 0..40 {
            let plain = "Ab0".repeat(14)[..n].to_owned();
            for pos in 0..n.max(1) {
                for reserved in ["+", "/", "=", " ", "é"] {
                    let mut signature = plain.clone();
                    if n > 0 {
                        signature.replace_range(pos..pos + 1, reserved);
                    }
                    let signed = Signed {
                        canonical_query: "A=b".to_owned(),
                        signature: signature.clone(),
                    };
                    let expected = format!("A=b&Signature={}", percent_encode(&signature));
                    assert_eq!(signed.into_query(), expected, "{signature:?}");
                }
            }
        }
    }

    #[test]
    fn into_query_escapes_whatever_the_signature_holds() {
        let signed = Signed {
            canonical_query: "A=b".to_owned(),
            signature: "é+x y".to_owned(),
        };
        assert_eq!(signed.into_query(), "A=b&Signature=%C3%A9%2Bx%20y");
        let signed = Signed {
            canonical_query: String::new(),
            signature: String::new(),
        };
        assert_eq!(signed.into_query(), "&Signature=");
    }

    #[test]
    fn into_query_encodes_the_signature() {
        let signed = Signed {
            canonical_query: "A=b".to_owned(),
            signature: "ab+/cd==".to_owned(),
        };
        assert_eq!(signed.into_query(), "A=b&Signature=ab%2B%2Fcd%3D%3D");
    }

    #[test]
    fn sign_v1_agrees_with_the_separate_steps() {
        let params = [
            ("Timestamp", "2026-11-27T12:00:00Z"),
            ("OrderId", "a b*c~d/e+f=g&h%i 网🚀"),
            ("Action", "RejectJoinPermissionAuthOrder"),
            ("", ""),
        ];
        let mut sorted = params;
        let signed = sign_v1("POST", &mut sorted, "secret");
        assert_eq!(signed.canonical_query, canonical_query_v1(params));
        assert_eq!(signed.signature, signature_v1("POST", params, "secret"));
        let sts = string_to_sign_v1("POST", params);
        assert_eq!(
            sts,
            format!("POST&%2F&{}", percent_encode(&signed.canonical_query))
        );
        assert_eq!(signed.signature, sign_string_v1(&sts, "secret"));
        assert_eq!(sorted[0], ("", ""));
        assert_eq!(sorted[3].0, "Timestamp");
    }
}
