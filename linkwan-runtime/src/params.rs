//! How request values write themselves as RPC params.
//!
//! Every value implements [`RpcParam`]: it is given its wire name and writes zero or more
//! `(key, value)` pairs into [`Params`]:
//!
//! | Rust type | on the wire |
//! |---|---|
//! | `String`, `&str`, `Cow<str>` | the string as is |
//! | `bool` | `true` / `false` |
//! | every integer type | decimal |
//! | `f32`, `f64` | decimal, in full (`Display`: `1`, `0.5`, `1000000000000000000000`); NaN and infinities are refused |
//! | `Option<T>` | nothing when `None` |
//! | `Vec<T>`, `[T]`, `[T; N]` | `Name.1`, `Name.2`, … (1-based) |
//! | a struct deriving [`RpcParam`](macro@crate::RpcParam) | `Name.Key` for each field, so a list of them is `Name.1.Key` |
//! | [`Json<T>`] | the value serialized as a JSON string |
//!
//! ```
//! use linkwan_runtime::{Params, RpcParam};
//!
//! let mut params = Params::new();
//! params.insert("OrderId", "123");
//! params.insert("DevEui", &Some("0011"));
//! params.insert("Missing", &None::<u32>);
//! params.insert("NodeId", &vec![7u64, 8]);
//! assert_eq!(
//!     params.iter().collect::<Vec<_>>(),
//!     [("OrderId", "123"), ("DevEui", "0011"), ("NodeId.1", "7"), ("NodeId.2", "8")]
//! );
//! ```

use std::borrow::Cow;
use std::fmt;

/// An ordered list of `(key, value)` RPC params, as written by a request.
///
/// Order is the order of writing; the signer sorts. A value that cannot be written (a
/// NaN or infinite float, a [`Json`] value that fails to serialize) records an error
/// instead, and the client refuses to send the request
/// ([`Error::InvalidRequest`](crate::Error::InvalidRequest)).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Every key and value, back to back: one buffer, not two `String`s per pair.
    text: String,
    /// Per pair, where its key ends and where its value ends in `text` (a key starts
    /// where the previous value ended).
    ends: Ends,
    error: Option<String>,
}

/// Bytes reserved per pair by [`Params::with_capacity`]: a typical key and value.
const BYTES_PER_PAIR: usize = 32;

/// How many pairs' ends are kept inline, without allocating, before they move to the heap.
const INLINE_PAIRS: usize = 8;

/// The ends of each pair: inline for the usual short request (one allocation fewer per
/// call), on the heap beyond [`INLINE_PAIRS`] (or when more were asked for up front).
#[derive(Clone)]
enum Ends {
    Inline {
        len: usize,
        ends: [(usize, usize); INLINE_PAIRS],
    },
    Heap(Vec<(usize, usize)>),
}

impl Ends {
    fn with_capacity(capacity: usize) -> Self {
        if capacity <= INLINE_PAIRS {
            Ends::default()
        } else {
            Ends::Heap(Vec::with_capacity(capacity))
        }
    }

    fn as_slice(&self) -> &[(usize, usize)] {
        match self {
            Ends::Inline { len, ends } => &ends[..*len],
            Ends::Heap(ends) => ends,
        }
    }

    #[inline]
    fn push(&mut self, end: (usize, usize)) {
        match self {
            Ends::Inline { len, ends } if *len < INLINE_PAIRS => {
                ends[*len] = end;
                *len += 1;
            }
            Ends::Inline { ends, .. } => {
                let mut heap = Vec::with_capacity(2 * INLINE_PAIRS);
                heap.extend_from_slice(ends);
                heap.push(end);
                *self = Ends::Heap(heap);
            }
            Ends::Heap(ends) => ends.push(end),
        }
    }
}

impl Default for Ends {
    fn default() -> Self {
        Ends::Inline {
            len: 0,
            ends: [(0, 0); INLINE_PAIRS],
        }
    }
}

/// Equal when the pairs' ends are, wherever they are kept.
impl PartialEq for Ends {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Ends {}

impl Params {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty list with room for `capacity` pairs.
    pub fn with_capacity(capacity: usize) -> Self {
        Params {
            text: String::with_capacity(capacity.saturating_mul(BYTES_PER_PAIR)),
            ends: Ends::with_capacity(capacity),
            error: None,
        }
    }

    /// Appends one raw `(key, value)` pair.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.push_str(&key.into(), &value.into());
    }

    /// Appends one pair without allocating (beyond growing the buffers).
    pub(crate) fn push_str(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        let key_end = self.text.len();
        self.text.push_str(value);
        self.ends.push((key_end, self.text.len()));
    }

    /// Appends a pair whose value is `value`'s `Display` output, written in place.
    fn push_display(&mut self, key: &str, value: &dyn fmt::Display) {
        use fmt::Write as _;
        self.text.push_str(key);
        let key_end = self.text.len();
        // Writing to a `String` only fails if `Display` itself does; keep what it wrote.
        let _ = write!(self.text, "{value}");
        self.ends.push((key_end, self.text.len()));
    }

    /// Writes `value` under the wire name `name` (see [`RpcParam`]).
    pub fn insert<P: RpcParam + ?Sized>(&mut self, name: &str, value: &P) {
        value.write_param(name, self);
    }

    /// Records that the param `name` could not be written; the first error is kept (with
    /// `name` clipped, should it be long).
    pub fn record_error(&mut self, name: &str, error: impl fmt::Display) {
        if self.error.is_none() {
            let name = crate::error::Clip(name, crate::error::MAX_SHOWN_NAME);
            self.error = Some(format!("param `{name}`: {error}"));
        }
    }

    /// The first error recorded while writing, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The pairs in writing order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        let text = self.text.as_str();
        let mut start = 0;
        self.ends
            .as_slice()
            .iter()
            .map(move |&(key_end, value_end)| {
                let pair = (&text[start..key_end], &text[key_end..value_end]);
                start = value_end;
                pair
            })
    }

    /// The value of the first pair with key `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.ends.as_slice().len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.ends.as_slice().is_empty()
    }

    /// The pairs, by value.
    #[must_use]
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Raw `(key, value)` pairs, in order, as [`Params::push`] appends them (C-COLLECT):
///
/// ```
/// use linkwan_runtime::Params;
///
/// let mut params: Params = [("OrderId", "123")].into_iter().collect();
/// params.extend([("Tag.1", String::from("a"))]);
/// assert_eq!(params.iter().collect::<Vec<_>>(), [("OrderId", "123"), ("Tag.1", "a")]);
/// ```
impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut params = Params::new();
        params.extend(iter);
        params
    }
}

/// Appends raw `(key, value)` pairs, as [`Params::push`] does.
impl<K: AsRef<str>, V: AsRef<str>> Extend<(K, V)> for Params {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.push_str(key.as_ref(), value.as_ref());
        }
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn ExactSizeIterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A value that writes itself as one or more RPC params under a wire name.
///
/// Implemented for strings, `bool`, every integer type, floats, `Option<T>`, lists, and
/// (by `#[derive(RpcParam)]`) nested structs. Implement it for your own types to send them
/// as params:
///
/// ```
/// use linkwan_runtime::{Params, RpcParam};
///
/// enum Band { Cn470, Eu868 }
///
/// impl RpcParam for Band {
///     fn write_param(&self, name: &str, out: &mut Params) {
///         out.push(name, match self { Band::Cn470 => "CN470", Band::Eu868 => "EU868" });
///     }
/// }
///
/// let mut params = Params::new();
/// params.insert("FreqBand", &Band::Cn470);
/// assert_eq!(params.get("FreqBand"), Some("CN470"));
/// # let _ = Band::Eu868;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an RPC param: it does not implement `RpcParam`",
    label = "not an RPC param",
    note = "params are strings, `bool`, integers, floats, `Option<T>`, `Vec<T>`, structs with `#[derive(RpcParam)]`, or any type implementing `RpcParam`; send a `serde::Serialize` type as a JSON string with `#[rpc(json)]`"
)]
pub trait RpcParam {
    /// Writes `self` under the wire name `name` (`OrderId`, `Tag.1`, …) into `out`.
    fn write_param(&self, name: &str, out: &mut Params);
}

impl RpcParam for str {
    fn write_param(&self, name: &str, out: &mut Params) {
        out.push_str(name, self);
    }
}

impl RpcParam for String {
    fn write_param(&self, name: &str, out: &mut Params) {
        out.push_str(name, self);
    }
}

impl RpcParam for Cow<'_, str> {
    fn write_param(&self, name: &str, out: &mut Params) {
        out.push_str(name, self);
    }
}

impl RpcParam for bool {
    fn write_param(&self, name: &str, out: &mut Params) {
        out.push_str(name, if *self { "true" } else { "false" });
    }
}

macro_rules! display_param {
    ($($t:ty)*) => {$(
        impl RpcParam for $t {
            fn write_param(&self, name: &str, out: &mut Params) {
                out.push_display(name, self);
            }
        }
    )*};
}
display_param!(char);

// Floats in full (`Display`: no exponent, the shortest text that reads back the same).
// NaN and infinities are no number an API takes: refused, so the request is not sent.
macro_rules! float_param {
    ($($t:ty)*) => {$(
        impl RpcParam for $t {
            fn write_param(&self, name: &str, out: &mut Params) {
                if self.is_finite() {
                    out.push_display(name, self);
                } else {
                    out.record_error(name, format_args!("{self} is not a finite number"));
                }
            }
        }
    )*};
}
float_param!(f32 f64);

// Integers are the common case: written digit by digit, without `fmt`'s machinery.
macro_rules! unsigned_param {
    ($($t:ty)*) => {$(
        impl RpcParam for $t {
            fn write_param(&self, name: &str, out: &mut Params) {
                out.push_str(name, decimal(false, *self as u128, &mut [0; 40]));
            }
        }
    )*};
}
unsigned_param!(u8 u16 u32 u64 u128 usize);

macro_rules! signed_param {
    ($($t:ty)*) => {$(
        impl RpcParam for $t {
            fn write_param(&self, name: &str, out: &mut Params) {
                let n = *self as i128;
                out.push_str(name, decimal(n < 0, n.unsigned_abs(), &mut [0; 40]));
            }
        }
    )*};
}
signed_param!(i8 i16 i32 i64 i128 isize);

/// `n` (negated when `negative`) in decimal, written at the end of `buf`.
fn decimal(negative: bool, n: u128, buf: &mut [u8; 40]) -> &str {
    let mut i = buf.len();
    match u64::try_from(n) {
        // The usual case, without 128-bit division.
        Ok(mut n) => loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        },
        Err(_) => {
            let mut n = n;
            loop {
                i -= 1;
                buf[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    // Only ASCII digits and `-` were written.
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

impl<T: RpcParam + ?Sized> RpcParam for &T {
    fn write_param(&self, name: &str, out: &mut Params) {
        (**self).write_param(name, out)
    }
}

impl<T: RpcParam + ?Sized> RpcParam for &mut T {
    fn write_param(&self, name: &str, out: &mut Params) {
        (**self).write_param(name, out)
    }
}

impl<T: RpcParam + ?Sized> RpcParam for Box<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        (**self).write_param(name, out)
    }
}

impl<T: RpcParam + ?Sized> RpcParam for std::sync::Arc<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        (**self).write_param(name, out)
    }
}

impl<T: RpcParam + ?Sized> RpcParam for std::rc::Rc<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        (**self).write_param(name, out)
    }
}

impl<T: RpcParam> RpcParam for Option<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        if let Some(value) = self {
            value.write_param(name, out);
        }
    }
}

impl<T: RpcParam> RpcParam for [T] {
    fn write_param(&self, name: &str, out: &mut Params) {
        // `Name.N` is built in a stack buffer when it fits (the usual case).
        let len = name.len() + 1 + 20;
        let mut stack = [0u8; 64];
        let mut heap = Vec::new();
        let buf: &mut [u8] = if len <= stack.len() {
            &mut stack[..len]
        } else {
            heap.resize(len, 0);
            &mut heap
        };
        buf[..name.len()].copy_from_slice(name.as_bytes());
        buf[name.len()] = b'.';
        let digits_at = name.len() + 1;
        for (i, item) in self.iter().enumerate() {
            let key_len = digits_at + write_decimal(i + 1, &mut buf[digits_at..]);
            // `name` is a `str` followed by ASCII: always UTF-8.
            if let Ok(key) = std::str::from_utf8(&buf[..key_len]) {
                item.write_param(key, out);
            }
        }
    }
}

impl<T: RpcParam> RpcParam for Vec<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        self.as_slice().write_param(name, out)
    }
}

impl<T: RpcParam, const N: usize> RpcParam for [T; N] {
    fn write_param(&self, name: &str, out: &mut Params) {
        self.as_slice().write_param(name, out)
    }
}

/// Writes `n` in decimal at the start of `out` (at least 20 bytes); returns its length.
fn write_decimal(mut n: usize, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    out[..len].copy_from_slice(&digits[i..]);
    len
}

/// Sends the wrapped value as a JSON string (for params the API takes as JSON).
///
/// `#[rpc(json)]` on a field wraps it in this. A value that fails to serialize, or that
/// holds a NaN or infinite float (which serde_json would write as `null`; Go's
/// `encoding/json` refuses it too), records an error in [`Params`] and the request is
/// not sent.
///
/// ```
/// use linkwan_runtime::{params::Json, Params};
///
/// let mut params = Params::new();
/// params.insert("Config", &Json(&vec![1, 2]));
/// assert_eq!(params.get("Config"), Some("[1,2]"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> RpcParam for Json<T> {
    fn write_param(&self, name: &str, out: &mut Params) {
        let json = serde_json::to_string(&self.0).and_then(|json| {
            // serde_json writes a NaN or infinite float as `null`; refuse it instead, as
            // Go's encoding/json does. Only text with a `null` can hold one.
            if json.contains("null") {
                self.0.serialize(finite::Floats)?;
            }
            Ok(json)
        });
        match json {
            Ok(json) => out.push_str(name, &json),
            Err(e) => out.record_error(name, format_args!("cannot serialize as JSON: {e}")),
        }
    }
}

/// A serializer that writes nothing and fails on the first NaN or infinite float.
mod finite {
    use serde::ser::{self, Serialize};

    type Result = std::result::Result<(), serde_json::Error>;

    pub(super) struct Floats;

    fn check(finite: bool, value: &dyn std::fmt::Display) -> Result {
        match finite {
            true => Ok(()),
            false => Err(ser::Error::custom(format_args!(
                "{value} is not a finite number"
            ))),
        }
    }

    macro_rules! accept {
        ($($method:ident($t:ty)),*) => {$(
            fn $method(self, _: $t) -> Result {
                Ok(())
            }
        )*};
    }

    impl ser::Serializer for Floats {
        type Ok = ();
        type Error = serde_json::Error;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Self;
        type SerializeMap = Self;
        type SerializeStruct = Self;
        type SerializeStructVariant = Self;

        accept!(
            serialize_bool(bool),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8]),
            serialize_unit_struct(&'static str),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_i128(i128),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_u128(u128)
        );

        fn serialize_f32(self, v: f32) -> Result {
            check(v.is_finite(), &v)
        }
        fn serialize_f64(self, v: f64) -> Result {
            check(v.is_finite(), &v)
        }
        fn serialize_none(self) -> Result {
            Ok(())
        }
        fn serialize_unit(self) -> Result {
            Ok(())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
            v.serialize(self)
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result {
            Ok(())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            v: &T,
        ) -> Result {
            v.serialize(self)
        }
        fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_tuple(self, _: usize) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self, Self::Error> {
            Ok(self)
        }
    }

    macro_rules! compound {
        ($($trait:ident :: $method:ident($($key:ty)?)),*) => {$(
            impl ser::$trait for Floats {
                type Ok = ();
                type Error = serde_json::Error;
                fn $method<T: ?Sized + Serialize>(&mut self, $(_: $key,)? v: &T) -> Result {
                    v.serialize(Floats)
                }
                fn end(self) -> Result {
                    Ok(())
                }
            }
        )*};
    }
    compound!(
        SerializeSeq::serialize_element(),
        SerializeTuple::serialize_element(),
        SerializeTupleStruct::serialize_field(),
        SerializeTupleVariant::serialize_field(),
        SerializeStruct::serialize_field(&'static str),
        SerializeStructVariant::serialize_field(&'static str)
    );

    impl ser::SerializeMap for Floats {
        type Ok = ();
        type Error = serde_json::Error;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
            key.serialize(Floats)
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
            value.serialize(Floats)
        }
        fn end(self) -> Result {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_and_extends_like_push() {
        let pairs: Vec<(String, String)> = (0..20)
            .map(|i| (format!("K{i}"), format!("v{i}")))
            .collect();
        let mut pushed = Params::new();
        for (k, v) in &pairs {
            pushed.push(k.as_str(), v.as_str());
        }
        let collected: Params = pairs.iter().cloned().collect();
        assert_eq!(collected, pushed);
        assert_eq!(collected.len(), 20);
        // Extending past the inline pairs, from borrowed pairs and from another list.
        let mut extended: Params = pairs[..3]
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        extended.extend(pairs[3..10].iter().map(|(k, v)| (k, v)));
        let rest: Params = pairs[10..].iter().cloned().collect();
        extended.extend(&rest);
        assert_eq!(extended, pushed);
        assert_eq!(extended.into_vec(), pairs);
        assert!(Params::from_iter(Vec::<(&str, &str)>::new()).is_empty());
    }

    #[test]
    fn lists_are_one_based_and_nest() {
        let mut p = Params::new();
        p.insert("Tag", &vec![vec!["a", "b"], vec![]]);
        p.insert("N", &[10u8; 11]);
        assert_eq!(p.get("Tag.1.1"), Some("a"));
        assert_eq!(p.get("Tag.1.2"), Some("b"));
        assert_eq!(p.get("N.11"), Some("10"));
        assert_eq!(p.len(), 13);
    }

    #[test]
    fn long_list_names_and_pairs_by_value() {
        let long = "N".repeat(100);
        let mut p = Params::with_capacity(1);
        p.insert(&long, &vec![7u8, 12]);
        p.push('K', String::from("v"));
        p.insert("Empty", "");
        assert_eq!(p.len(), 4);
        assert_eq!(p.get(&format!("{long}.2")), Some("12"));
        let mut same = Params::new();
        same.push(format!("{long}.1"), "7");
        same.push(format!("{long}.2"), "12");
        same.push("K", "v");
        same.push("Empty", "");
        assert_eq!(p, same);
        assert_eq!(
            p.into_vec(),
            [
                (format!("{long}.1"), "7".to_owned()),
                (format!("{long}.2"), "12".to_owned()),
                ("K".to_owned(), "v".to_owned()),
                ("Empty".to_owned(), String::new()),
            ]
        );
        // The same text split differently is a different list.
        let (mut a, mut b) = (Params::new(), Params::new());
        a.push("ab", "c");
        b.push("a", "bc");
        assert_ne!(a, b);
    }

    #[test]
    fn integers_match_display() {
        let mut p = Params::new();
        let mut expect = Vec::new();
        macro_rules! check {
            ($($v:expr),*) => {$(
                p.insert("N", &$v);
                expect.push($v.to_string());
            )*};
        }
        check!(
            0u8,
            u8::MAX,
            0i8,
            i8::MIN,
            i8::MAX,
            u16::MAX,
            i16::MIN,
            u32::MAX,
            i32::MIN
        );
        check!(
            -1i32,
            10u32,
            u64::MAX,
            i64::MIN,
            i64::MAX,
            u64::MAX as u128 + 1
        );
        check!(
            u128::MAX,
            i128::MIN,
            i128::MAX,
            -(u64::MAX as i128) - 1,
            usize::MAX,
            isize::MIN
        );
        let got: Vec<&str> = p.iter().map(|(_, v)| v).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn scalars() {
        let mut p = Params::new();
        p.insert("T", &true);
        p.insert("F", &false);
        p.insert("I", &-42i64);
        p.insert("U", &u128::MAX);
        p.insert("X", &1.5f64);
        p.insert("E", "");
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            [
                ("T", "true"),
                ("F", "false"),
                ("I", "-42"),
                ("U", "340282366920938463463374607431768211455"),
                ("X", "1.5"),
                ("E", ""),
            ]
        );
    }

    #[test]
    fn pairs_spill_past_the_inline_ends() {
        // Written one by one into an inline list, and into one that starts on the heap:
        // the same pairs, equal lists, at every length around the inline capacity.
        let pair = |i: usize| match i % 4 {
            0 => (format!("K{i}"), format!("v{i}")),
            1 => (String::new(), format!("é{i}✓")),
            2 => (format!("Ключ{i}"), String::new()),
            _ => (String::new(), String::new()),
        };
        for n in 0..=3 * INLINE_PAIRS + 1 {
            let mut inline = Params::new();
            let mut heap = Params::with_capacity(INLINE_PAIRS + 1);
            let mut expect = Vec::new();
            for i in 0..n {
                let (k, v) = pair(i);
                inline.push(k.as_str(), v.as_str());
                heap.insert(&k, &v);
                expect.push((k, v));
            }
            assert_eq!(inline.len(), n);
            assert_eq!(inline.is_empty(), n == 0);
            assert_eq!(inline, heap, "{n} pairs");
            assert_eq!(inline.clone(), heap, "{n} pairs");
            let got: Vec<(&str, &str)> = inline.iter().collect();
            let want: Vec<(&str, &str)> = expect
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, want, "{n} pairs");
            assert_eq!(heap.clone().into_vec(), expect, "{n} pairs");
            assert_eq!((&heap).into_iter().len(), n);
            if n > 0 {
                // Keys are unique but for the empty one, whose first value is found.
                let (k, v) = pair(n - 1);
                let first = expect.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
                assert_eq!(inline.get(&k), first.map(String::as_str));
                assert_eq!(heap.get(&k), first.map(String::as_str));
                if !k.is_empty() {
                    assert_eq!(inline.get(&k), Some(v.as_str()));
                }
            }
        }
        // Lists that differ only past the inline ends, or only in where a pair splits.
        let (mut a, mut b) = (Params::new(), Params::new());
        for i in 0..INLINE_PAIRS + 2 {
            a.push(format!("K{i}"), "v");
            b.push(
                format!("K{i}"),
                if i == INLINE_PAIRS + 1 { "w" } else { "v" },
            );
        }
        assert_ne!(a, b);
        let (mut a, mut b) = (Params::new(), Params::new());
        a.push("", "ab");
        b.push("a", "b");
        assert_ne!(a, b);
        assert_eq!(a.get(""), Some("ab"));
    }

    #[test]
    fn non_finite_floats_are_refused_not_sent() {
        for (value, shown) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            let mut p = Params::new();
            p.insert("F", &value);
            p.insert("G", &(value as f32));
            assert!(p.is_empty(), "{shown}");
            let error = p.error().unwrap();
            assert!(error.starts_with("param `F`: "), "{error}");
            assert!(error.contains(shown), "{error}");
            let mut p = Params::new();
            p.insert("G", &vec![1.0, value as f32]);
            assert_eq!(p.iter().collect::<Vec<_>>(), [("G.1", "1")]);
            assert!(p.error().unwrap().starts_with("param `G.2`: "));
        }
        // Finite ones, written in full (no exponent) and round-tripping.
        let mut p = Params::new();
        for value in [1.0, -0.0, 1e21, 1e-7, 0.1, f64::MAX, f64::MIN_POSITIVE] {
            p.insert("F", &value);
        }
        p.insert("F", &0.1f32);
        let got: Vec<&str> = p.iter().map(|(_, v)| v).collect();
        assert_eq!(
            &got[..5],
            ["1", "-0", "1000000000000000000000", "0.0000001", "0.1"]
        );
        assert_eq!(got[7], "0.1");
        for v in &got {
            assert!(!v.contains(['e', 'E']), "{v}");
        }
        assert_eq!(got[5].parse::<f64>(), Ok(f64::MAX));
        assert_eq!(got[6].parse::<f64>(), Ok(f64::MIN_POSITIVE));
        assert_eq!(p.error(), None);
    }

    #[test]
    fn json_refuses_non_finite_floats_serde_json_would_write_as_null() {
        #[derive(serde::Serialize)]
        struct Point {
            x: f64,
            y: Option<f32>,
            tags: Vec<(String, f64)>,
        }
        let point = |x, y, t| Point {
            x,
            y,
            tags: vec![("a".into(), t)],
        };
        let mut p = Params::new();
        p.insert("P", &Json(point(1.5, None, 2.0)));
        p.insert("N", &Json(None::<f64>));
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            [
                ("P", r#"{"x":1.5,"y":null,"tags":[["a",2.0]]}"#),
                ("N", "null")
            ]
        );
        assert_eq!(p.error(), None);
        for bad in [
            point(f64::NAN, None, 0.0),
            point(0.0, Some(f32::INFINITY), 0.0),
            point(0.0, None, f64::NEG_INFINITY),
        ] {
            let mut p = Params::new();
            p.insert("P", &Json(&bad));
            assert!(p.is_empty());
            let error = p.error().unwrap();
            assert!(
                error.starts_with("param `P`: cannot serialize as JSON: "),
                "{error}"
            );
            assert!(error.contains("not a finite number"), "{error}");
        }
        // In a map key and behind every kind of wrapper.
        let mut keys = std::collections::BTreeMap::new();
        keys.insert(OrderedNan, 1);
        let mut p = Params::new();
        p.insert("K", &Json(&keys));
        assert!(p.error().is_some());
        #[derive(serde::Serialize)]
        enum E {
            New(f64),
            Tuple(u8, f64),
            Struct { f: f64 },
        }
        #[derive(serde::Serialize)]
        struct Wrapped(E);
        for e in [
            E::New(f64::NAN),
            E::Tuple(1, f64::NAN),
            E::Struct { f: f64::NAN },
        ] {
            let mut p = Params::new();
            p.insert("E", &Json(Wrapped(e)));
            assert!(p.is_empty() && p.error().is_some());
        }
    }

    /// A map key that serializes as NaN.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct OrderedNan;

    impl serde::Serialize for OrderedNan {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_f64(f64::NAN)
        }
    }

    #[test]
    fn json_error_is_recorded_not_panicked() {
        use std::collections::HashMap;
        let mut bad = HashMap::new();
        bad.insert(vec![1u8], 1);
        let mut p = Params::new();
        p.insert("Bad", &Json(&bad));
        assert!(p.is_empty());
        assert!(p.error().unwrap().contains("Bad"));
    }
}
