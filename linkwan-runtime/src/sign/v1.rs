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
//! Every function here is a single pass over the sorted params; nothing allocates per
//! byte or per param. Encoding is a lookup in a 256-entry table whose entries hold the
//! escaped bytes and their length ([`ENCODE`] for the canonical query, [`ENCODE_TWICE`] for
//! the string-to-sign, which encodes the canonical query a second time: `=` becomes `%3D`,
//! `&` becomes `%26` and `%XX` becomes `%25XX`). Encoded bytes go to a stack buffer that is
//! handed to the MAC (or appended to the output) when full, so [`signature_v1`] never
//! builds the string-to-sign at all. The HMAC key `secret + "&"` is assembled on the stack.

use base64::Engine as _;
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
pub fn percent_encode(input: &str) -> String {
    let mut out = Encoder::once(Vec::with_capacity(input.len() * 3));
    out.component(input.as_bytes());
    ascii_string(out.finish())
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
pub fn canonical_query_v1<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let (mut stack, mut heap) = ([Param::EMPTY; STACK], Vec::new());
    let sorted = sorted(params, &mut stack, &mut heap);
    let mut out = Encoder::once(Vec::with_capacity(encoded_bound(sorted)));
    write_canonical(sorted, &mut out);
    ascii_string(out.finish())
}

/// The string-to-sign: `METHOD&%2F&` + percent-encode(canonical query).
///
/// ```
/// use linkwan_runtime::sign::string_to_sign_v1;
///
/// let sts = string_to_sign_v1("GET", [("Timestamp", "2016-02-23T12:46:24Z"), ("Action", "X")]);
/// assert_eq!(sts, "GET&%2F&Action%3DX%26Timestamp%3D2016-02-23T12%253A46%253A24Z");
/// ```
pub fn string_to_sign_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let (mut stack, mut heap) = ([Param::EMPTY; STACK], Vec::new());
    let sorted = sorted(params, &mut stack, &mut heap);
    let capacity = method.len() + 5 + 5 * encoded_bound(sorted) / 3;
    let mut out = Encoder::twice(Vec::with_capacity(capacity));
    out.raw(method.as_bytes());
    out.raw(b"&%2F&");
    write_canonical(sorted, &mut out);
    // `method` is the only input written unencoded, and it is a `&str`: the bytes are UTF-8.
    String::from_utf8(out.finish())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The base64 signature of `params` (without `Signature`) for `method` under
/// `access_key_secret`: the HMAC of [`string_to_sign_v1`], computed without building that
/// string.
///
/// See the [module docs](self) for an example.
pub fn signature_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    access_key_secret: &str,
) -> String {
    let (mut stack, mut heap) = ([Param::EMPTY; STACK], Vec::new());
    let sorted = sorted(params, &mut stack, &mut heap);
    let mut mac = Encoder::twice(hmac_sha1(access_key_secret));
    mac.raw(method.as_bytes());
    mac.raw(b"&%2F&");
    write_canonical(sorted, &mut mac);
    base64_signature(mac.finish())
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
pub fn sign_string_v1(string_to_sign: &str, access_key_secret: &str) -> String {
    let mut mac = hmac_sha1(access_key_secret);
    mac.update(string_to_sign.as_bytes());
    base64_signature(mac)
}

/// A request's canonical query and its signature, from [`sign_v1`].
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub fn into_query(self) -> String {
        let mut q = self.canonical_query;
        q.reserve(SIGNATURE_SUFFIX);
        q.push_str("&Signature=");
        for c in self.signature.chars() {
            match c {
                '+' => q.push_str("%2B"),
                '/' => q.push_str("%2F"),
                '=' => q.push_str("%3D"),
                c if c.is_ascii() && UNRESERVED[c as usize] => q.push(c),
                // Not produced by base64; encoded like any other byte for completeness.
                c => q.push_str(&percent_encode(c.encode_utf8(&mut [0; 4]))),
            }
        }
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
pub fn sign_v1(method: &str, params: &mut [(&str, &str)], access_key_secret: &str) -> Signed {
    let (mut stack, mut heap) = ([Param::EMPTY; STACK], Vec::new());
    let sorted = sorted(params.iter().copied(), &mut stack, &mut heap);
    for (slot, p) in params.iter_mut().zip(sorted) {
        *slot = (p.key, p.value);
    }
    let params = sorted;
    let capacity = encoded_bound(params) + SIGNATURE_SUFFIX;
    let query = Encoder::once(Vec::with_capacity(capacity));
    let mut mac = Encoder::twice(hmac_sha1(access_key_secret));
    mac.raw(method.as_bytes());
    mac.raw(b"&%2F&");
    let mut both = Both {
        once: query,
        twice: mac,
    };
    write_canonical(params, &mut both);
    Signed {
        canonical_query: ascii_string(both.once.finish()),
        signature: base64_signature(both.twice.finish()),
    }
}

/// A param with its sort key's fast part: the key's first eight bytes as a big-endian
/// number (zero-padded), so most comparisons are one integer comparison.
#[derive(Debug, Clone, Copy)]
struct Param<'k, 'v> {
    prefix: u64,
    key: &'k str,
    value: &'v str,
}

impl<'k, 'v> Param<'k, 'v> {
    /// A placeholder for the stack array.
    const EMPTY: Self = Param {
        prefix: 0,
        key: "",
        value: "",
    };

    #[inline]
    fn new((key, value): (&'k str, &'v str)) -> Self {
        Param {
            prefix: load_word(key.as_bytes()).0.swap_bytes(),
            key,
            value,
        }
    }
}

/// How many params are sorted on the stack; more go to the heap.
const STACK: usize = 16;

/// Collects and sorts borrowed params, in `stack` when they fit (the usual request), else
/// in `heap`, and returns the sorted slice.
#[inline]
fn sorted<'s, 'k, 'v>(
    params: impl IntoIterator<Item = (&'k str, &'v str)>,
    stack: &'s mut [Param<'k, 'v>; STACK],
    heap: &'s mut Vec<Param<'k, 'v>>,
) -> &'s [Param<'k, 'v>] {
    let mut params = params.into_iter();
    let mut n = 0;
    for p in params.by_ref() {
        if n == STACK {
            heap.reserve(2 * STACK + params.size_hint().0);
            heap.extend_from_slice(&stack[..]);
            heap.push(Param::new(p));
            heap.extend(params.map(Param::new));
            sort(heap);
            return heap;
        }
        stack[n] = Param::new(p);
        n += 1;
    }
    let sorted = &mut stack[..n];
    sort(sorted);
    sorted
}

/// Sorts by key, then value, both in byte order. Params that compare equal are identical,
/// so an unstable sort gives the same result as a stable one, whatever the input order.
///
/// Differing prefixes order the keys as their bytes do (a padding zero only ties with a
/// real zero, and ties fall through to the full comparison).
fn sort(params: &mut [Param<'_, '_>]) {
    params.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| cmp_bytes(a.key.as_bytes(), b.key.as_bytes()))
            .then_with(|| cmp_bytes(a.value.as_bytes(), b.value.as_bytes()))
    });
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

/// An upper bound of the canonical query's length: every byte encoded as `%XX`.
fn encoded_bound(params: &[Param<'_, '_>]) -> usize {
    params
        .iter()
        .map(|p| 3 * (p.key.len() + p.value.len()) + 2)
        .sum()
}

/// Writes `k=v&k=v` (the canonical query, or its encoding, depending on the sink).
#[inline]
fn write_canonical(sorted: &[Param<'_, '_>], out: &mut impl Sink) {
    for (i, p) in sorted.iter().enumerate() {
        if i > 0 {
            out.amp();
        }
        out.component(p.key.as_bytes());
        out.equals();
        out.component(p.value.as_bytes());
    }
}

/// Where the canonical query goes, encoded once or twice.
trait Sink {
    /// A key or a value, percent-encoded by the sink.
    fn component(&mut self, bytes: &[u8]);
    /// The `=` between a key and its value.
    fn equals(&mut self);
    /// The `&` between two params.
    fn amp(&mut self);
}

/// Both encodings at once, for [`sign_v1`]: the canonical query, and the MAC of its
/// encoding. Each word is classified once for the two.
struct Both<A: Output, B: Output> {
    once: Encoder<A>,
    twice: Encoder<B>,
}

impl<A: Output, B: Output> Sink for Both<A, B> {
    #[inline(always)]
    fn component(&mut self, bytes: &[u8]) {
        let need = 5 * bytes.len() + 8;
        if self.once.len + need > BUF || self.twice.len + need > BUF {
            // A buffer is full (or the input long): each encoder flushes on its own.
            self.once.component(bytes);
            self.twice.component(bytes);
            return;
        }
        let (mut a, mut b) = (self.once.len, self.twice.len);
        let (once, twice) = (&mut self.once.buf, &mut self.twice.buf);
        let words = bytes.chunks_exact(8);
        let tail = words.remainder();
        for word in words {
            if reserved_bytes(u64::from_le_bytes(word.try_into().unwrap_or_default())) == 0 {
                once[a..a + 8].copy_from_slice(word);
                twice[b..b + 8].copy_from_slice(word);
                a += 8;
                b += 8;
            } else {
                a = encode_bytes(&ENCODE, word, once, a);
                b = encode_bytes(&ENCODE_TWICE, word, twice, b);
            }
        }
        if !tail.is_empty() {
            let (word, n) = load_word(tail);
            if reserved_bytes(word) & ((1u64 << (8 * n)) - 1) == 0 {
                once[a..a + 8].copy_from_slice(&word.to_le_bytes());
                twice[b..b + 8].copy_from_slice(&word.to_le_bytes());
                a += n;
                b += n;
            } else {
                a = encode_bytes(&ENCODE, tail, once, a);
                b = encode_bytes(&ENCODE_TWICE, tail, twice, b);
            }
        }
        self.once.len = a;
        self.twice.len = b;
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
}

/// Where an [`Encoder`] empties its buffer.
trait Output {
    fn write(&mut self, bytes: &[u8]);
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
const BUF: usize = 512;
/// The longest input encoded in one go: five output bytes per input byte, plus the eight
/// bytes the last table entry writes.
const CHUNK: usize = (BUF - 8) / 5;

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
        self.buf[self.len..self.len + 8].copy_from_slice(&entry);
        self.len += usize::from(entry[7]);
    }

    #[inline]
    fn flush(&mut self) {
        self.out.write(&self.buf[..self.len]);
        self.len = 0;
    }

    /// Flushes and returns the output.
    #[inline]
    fn finish(mut self) -> O {
        self.flush();
        self.out
    }
}

impl<O: Output> Sink for Encoder<O> {
    #[inline(always)]
    fn component(&mut self, bytes: &[u8]) {
        if self.len + 5 * bytes.len() + 8 > BUF {
            self.flush();
            if 5 * bytes.len() + 8 > BUF {
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
}

/// Encodes `src` through `table` into `buf` from `len`, and returns the new length.
/// `buf` must have room for five bytes per input byte plus eight.
///
/// Eight bytes at a time: a word without reserved bytes (the common case; checked at once,
/// SWAR) is copied with one store; a word with some, and the last few bytes, go through
/// the table byte by byte. (Splitting a word around its reserved bytes instead measured
/// slower: more, and less predictable, branches.)
#[inline(always)]
fn encode(table: &[Entry; 256], src: &[u8], buf: &mut [u8; BUF], mut len: usize) -> usize {
    let words = src.chunks_exact(8);
    let tail = words.remainder();
    for word in words {
        if reserved_bytes(u64::from_le_bytes(word.try_into().unwrap_or_default())) == 0 {
            buf[len..len + 8].copy_from_slice(word);
            len += 8;
        } else {
            len = encode_bytes(table, word, buf, len);
        }
    }
    if tail.is_empty() {
        return len;
    }
    // The last 1..=7 bytes, zero-padded (zeros are reserved: masked out).
    let (word, n) = load_word(tail);
    if reserved_bytes(word) & ((1u64 << (8 * n)) - 1) == 0 {
        buf[len..len + 8].copy_from_slice(&word.to_le_bytes());
        len + n
    } else {
        encode_bytes(table, tail, buf, len)
    }
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
/// byte (tested).
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
    let mut key = [0u8; BLOCK];
    if secret.len() < BLOCK {
        key[..secret.len()].copy_from_slice(secret);
        key[secret.len()] = b'&';
    } else {
        // A key longer than the block is replaced by its hash (RFC 2104); zero padding to
        // the block size is what HMAC does to every shorter key anyway.
        let digest = sha1::Sha1::new()
            .chain_update(secret)
            .chain_update(b"&")
            .finalize();
        key[..digest.len()].copy_from_slice(&digest);
    }
    let mac = HmacSha1::new(&key.into());
    key.zeroize();
    mac
}

fn base64_signature(mac: HmacSha1) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
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
        // Keys that share their first eight bytes go past the fast path.
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
