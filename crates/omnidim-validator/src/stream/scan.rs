//! The fast path of [`Validator::validate`](crate::Validator::validate): a JSON scanner that
//! checks the body against its compiled schema in one walk over the bytes.
//!
//! Why not only serde_json: driving the checker through serde's visitor interface costs a UTF-8
//! check per string, a second pass for `\u` escapes, a hash or scan per object key and the
//! generic plumbing per token; together that was half the time of a validation. This scanner
//! walks the bytes directly, finds string ends eight bytes at a time, matches a key against the
//! property the schema lists next before looking it up, and passes over values whose schema asks
//! nothing of them without decoding them.
//!
//! It is an accelerator, not a second parser with its own opinions: it accepts only what
//! serde_json accepts (and stops, [`Bail`], on anything unusual: a syntax error, a lone
//! surrogate, a nesting deeper than [`MAX_DEPTH`], a number it would have to round), and the
//! caller then runs the serde_json path, whose report is the reference. The object and array
//! rules and the scalar checks are the checker's own ([`CheckVisitor`]), shared through
//! [`Entries`] and [`Elements`]; subtrees the checker buffers (`oneOf` over objects, fallback
//! schemas, values quoted in a finding) are handed to serde_json as their exact byte span.

use std::borrow::Cow;

use serde::de::DeserializeSeed;
use serde_json::Value;

use super::{CheckVisitor, Ctx, Elements, Entries, NodeSeed, Path};
use crate::compile::{Checks, NodeId, NodeKind, TypeSet};
use crate::mask::Scalar;

/// The scanner met something it leaves to serde_json (see the module docs): not a verdict.
#[derive(Debug)]
pub(crate) struct Bail;

/// Nesting the scanner handles; deeper bodies go to serde_json (whose limit is 128), so the
/// recursion limit and its message stay serde_json's.
pub(crate) const MAX_DEPTH: u32 = 100;

/// Integers of at most this many digits are read here; longer ones (and every number with a
/// fraction or an exponent) are read by serde_json, so that values and overflow agree with it.
const FAST_DIGITS: usize = 18;

pub(crate) struct Scanner<'de> {
    text: &'de str,
    bytes: &'de [u8],
    pos: usize,
    depth: u32,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` that is `"`, `\` or a control character (< 0x20); the lowest
/// flagged byte is always a real one (borrows only run upwards from a real match).
#[inline]
fn special_bytes(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | control)
        & HIGH
}

impl<'de> Scanner<'de> {
    /// `text` is the whole body (already known to be UTF-8: string slices between quotes are
    /// then `str`s without another check).
    pub fn new(text: &'de str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    /// Check the body (one JSON value, whitespace around it) against `node`.
    pub fn document(&mut self, ctx: &mut Ctx<'_>, node: NodeId) -> Result<(), Bail> {
        self.value(ctx, node, &Path::ROOT)?;
        self.ws();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.bytes.get(self.pos) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Step into an object or array (the byte at `pos` is its `{` or `[`).
    #[inline]
    fn enter(&mut self) -> Result<(), Bail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Result<(), Bail> {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Check the value at `pos` against `node`.
    fn value(&mut self, ctx: &mut Ctx<'_>, node: NodeId, path: &Path<'_>) -> Result<(), Bail> {
        let arena = ctx.arena;
        let id = arena.resolve(node);
        self.ws();
        let checks: &Checks = match &arena.node(id).kind {
            NodeKind::Any | NodeKind::Alias(_) => return self.skip(),
            NodeKind::Never | NodeKind::Fallback(_) => return self.buffered(ctx, id, path),
            NodeKind::Checks(checks) => checks,
        };
        let first = self.peek().ok_or(Bail)?;
        match first {
            b'{' if checks.streams_object => {
                self.enter()?;
                let visitor = CheckVisitor {
                    ctx,
                    id,
                    checks,
                    path,
                    skip_composition: false,
                };
                visitor.object(ScanMap {
                    scanner: self,
                    first: true,
                })?;
                self.depth -= 1;
                Ok(())
            }
            b'[' if checks.streams_array => {
                self.enter()?;
                let visitor = CheckVisitor {
                    ctx,
                    id,
                    checks,
                    path,
                    skip_composition: false,
                };
                visitor.array(ScanSeq {
                    scanner: self,
                    first: true,
                })?;
                self.depth -= 1;
                Ok(())
            }
            // A composite value of the wrong type, or under oneOf/anyOf: as serde_json's path
            // does, buffered and checked as a value.
            b'{' | b'[' => self.buffered(ctx, id, path),
            _ => {
                let kind = match first {
                    b'"' => TypeSet::STRING,
                    b't' | b'f' => TypeSet::BOOLEAN,
                    b'n' => TypeSet::NULL,
                    _ => TypeSet::NUMBER,
                };
                if checks.fast_scalars & kind != 0 {
                    if kind == TypeSet::STRING {
                        let (end, _) = self.string_end(self.pos + 1)?;
                        self.pos = end + 1;
                        return Ok(());
                    }
                    return self.skip();
                }
                let mut visitor = CheckVisitor {
                    ctx,
                    id,
                    checks,
                    path,
                    skip_composition: false,
                };
                self.scalar(|s| visitor.scalar(s))
            }
        }
    }

    /// Read the scalar at `pos` and hand it to `check`.
    fn scalar(&mut self, check: impl FnOnce(Scalar<'_>)) -> Result<(), Bail> {
        match self.peek().ok_or(Bail)? {
            b'"' => {
                let start = self.pos + 1;
                let (end, escaped) = self.string_end(start)?;
                self.pos = end + 1;
                if escaped {
                    let decoded = self.decode(start - 1, end + 1)?;
                    check(Scalar::Str(&decoded));
                } else {
                    check(Scalar::Str(self.text.get(start..end).ok_or(Bail)?));
                }
            }
            b't' => {
                self.literal(b"true")?;
                check(Scalar::Bool(true));
            }
            b'f' => {
                self.literal(b"false")?;
                check(Scalar::Bool(false));
            }
            b'n' => {
                self.literal(b"null")?;
                check(Scalar::Null);
            }
            _ => check(self.number()?),
        }
        Ok(())
    }

    /// A string with escapes, decoded by serde_json (which also rejects what it rejects).
    fn decode(&self, open_quote: usize, after_close: usize) -> Result<String, Bail> {
        let span = self.text.get(open_quote..after_close).ok_or(Bail)?;
        serde_json::from_str(span).map_err(|_| Bail)
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Bail> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// The number at `pos`, as serde_json's `deserialize_any` would hand it over.
    fn number(&mut self) -> Result<Scalar<'de>, Bail> {
        self.number_as(true)?.ok_or(Bail)
    }

    /// Pass over the number at `pos`: its syntax, and that serde_json can read it (only a
    /// number with an exponent, or of more than 300 digits, can overflow an `f64`).
    fn skip_number(&mut self) -> Result<(), Bail> {
        self.number_as(false).map(drop)
    }

    /// The number at `pos`; its value only when `value` is asked for (else `None`).
    #[inline]
    fn number_as(&mut self, value: bool) -> Result<Option<Scalar<'de>>, Bail> {
        let b = self.bytes;
        let start = self.pos;
        let mut i = start;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let digits_start = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                i += 1;
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(Bail),
        }
        let digits_end = i;
        let mut integer = true;
        let mut exponent = false;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let from = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == from {
                return Err(Bail);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integer = false;
            exponent = true;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let from = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == from {
                return Err(Bail);
            }
        }
        self.pos = i;
        if !value && !exponent && i - start <= 300 {
            return Ok(None);
        }
        if integer && digits_end - digits_start <= FAST_DIGITS {
            let mut v: u64 = 0;
            for &d in b.get(digits_start..digits_end).ok_or(Bail)? {
                v = v * 10 + u64::from(d - b'0');
            }
            if !negative {
                return Ok(Some(Scalar::U64(v)));
            }
            if v != 0 {
                // At most 18 digits: fits in i64.
                return Ok(Some(Scalar::I64(-(v as i64))));
            }
            // "-0": serde_json makes it the float -0.0; let it say so below.
        }
        let span = self.text.get(start..i).ok_or(Bail)?;
        let n: serde_json::Number = serde_json::from_str(span).map_err(|_| Bail)?;
        if let Some(u) = n.as_u64() {
            Ok(Some(Scalar::U64(u)))
        } else if let Some(v) = n.as_i64() {
            Ok(Some(Scalar::I64(v)))
        } else {
            n.as_f64().map(|f| Some(Scalar::F64(f))).ok_or(Bail)
        }
    }

    /// The index of the closing quote of the string whose contents start at `from`, and whether
    /// it has escapes (each checked, surrogates paired).
    #[inline]
    fn string_end(&self, from: usize) -> Result<(usize, bool), Bail> {
        let b = self.bytes;
        let mut i = from;
        let mut escaped = false;
        loop {
            while let Some(chunk) = b.get(i..i + 8) {
                let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).map_err(|_| Bail)?);
                let special = special_bytes(word);
                if special != 0 {
                    i += (special.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            match b.get(i) {
                None => return Err(Bail),
                Some(b'"') => return Ok((i, escaped)),
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                Some(&c) if c < 0x20 => return Err(Bail),
                Some(_) => i += 1,
            }
        }
    }

    /// Check the escape at `i` (a backslash); the index after it.
    fn escape(&self, i: usize) -> Result<usize, Bail> {
        match self.bytes.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => match self.hex4(i + 2)? {
                0xD800..=0xDBFF => {
                    if self.bytes.get(i + 6..i + 8) == Some(b"\\u")
                        && (0xDC00..=0xDFFF).contains(&self.hex4(i + 8)?)
                    {
                        Ok(i + 12)
                    } else {
                        Err(Bail)
                    }
                }
                0xDC00..=0xDFFF => Err(Bail),
                _ => Ok(i + 6),
            },
            _ => Err(Bail),
        }
    }

    fn hex4(&self, at: usize) -> Result<u16, Bail> {
        let digits = self.bytes.get(at..at + 4).ok_or(Bail)?;
        let mut v: u16 = 0;
        for &d in digits {
            let x = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(Bail),
            };
            v = v << 4 | u16::from(x);
        }
        Ok(v)
    }

    /// Pass over the value at `pos` (checking its syntax).
    fn skip(&mut self) -> Result<(), Bail> {
        self.ws();
        match self.peek().ok_or(Bail)? {
            b'"' => {
                let (end, _) = self.string_end(self.pos + 1)?;
                self.pos = end + 1;
                Ok(())
            }
            b'{' => {
                self.enter()?;
                let mut first = true;
                while self.more(first, b'}')? {
                    first = false;
                    if self.peek() != Some(b'"') {
                        return Err(Bail);
                    }
                    let (end, _) = self.string_end(self.pos + 1)?;
                    self.pos = end + 1;
                    self.expect(b':')?;
                    self.skip()?;
                }
                self.depth -= 1;
                Ok(())
            }
            b'[' => {
                self.enter()?;
                let mut first = true;
                while self.more(first, b']')? {
                    first = false;
                    self.skip()?;
                }
                self.depth -= 1;
                Ok(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.skip_number(),
        }
    }

    /// Inside an object or array (`close` is its `}` or `]`), before its first entry (`first`)
    /// or after one: whether another entry follows (its `,` consumed, at its first byte), or the
    /// container ends (`close` consumed). One place for the separators of every container.
    #[inline]
    fn more(&mut self, first: bool, close: u8) -> Result<bool, Bail> {
        self.ws();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.ws();
                Ok(true)
            }
            Some(_) if first => Ok(true),
            _ => Err(Bail),
        }
    }

    /// The value at `pos` parsed by serde_json from its exact span.
    fn parse_span(&mut self) -> Result<Value, Bail> {
        self.ws();
        let start = self.pos;
        self.skip()?;
        let span = self.text.get(start..self.pos).ok_or(Bail)?;
        serde_json::from_str(span).map_err(|_| Bail)
    }

    /// Check the value at `pos` the way the serde path checks a buffered value.
    fn buffered(&mut self, ctx: &mut Ctx<'_>, id: NodeId, path: &Path<'_>) -> Result<(), Bail> {
        let value = self.parse_span()?;
        NodeSeed {
            ctx,
            node: id,
            path,
        }
        .deserialize(&value)
        .map_err(|_| Bail)
    }
}

/// `a == b` for two slices of the same length, short ones (keys) without a call to `memcmp`.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some(x), Some(y)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        if x != y {
            return false;
        }
        a = a.get(8..).unwrap_or_default();
        b = b.get(8..).unwrap_or_default();
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The entries of an object, read by the scanner.
struct ScanMap<'s, 'de> {
    scanner: &'s mut Scanner<'de>,
    first: bool,
}

impl<'de> Entries<'de> for ScanMap<'_, 'de> {
    type Error = Bail;

    fn next_key(
        &mut self,
        checks: &Checks,
        hint: usize,
    ) -> Result<Option<(Cow<'de, [u8]>, Option<usize>)>, Bail> {
        let sc = &mut *self.scanner;
        if !sc.more(self.first, b'}')? {
            return Ok(None);
        }
        self.first = false;
        if sc.peek() != Some(b'"') {
            return Err(Bail);
        }
        let bytes: &'de [u8] = sc.bytes;
        let start = sc.pos + 1;
        // The likely key first: its name, then the closing quote, straight from the input.
        if let Some(p) = checks.properties.get(hint)
            && p.plain
        {
            let name = p.name.as_bytes();
            let end = start + name.len();
            if bytes.get(end) == Some(&b'"') && bytes.get(start..end).is_some_and(|k| same(k, name))
            {
                sc.pos = end + 1;
                sc.expect(b':')?;
                let key = bytes.get(start..end).ok_or(Bail)?;
                return Ok(Some((Cow::Borrowed(key), Some(hint))));
            }
        }
        let (end, escaped) = sc.string_end(start)?;
        let key: Cow<'de, [u8]> = if escaped {
            Cow::Owned(sc.decode(start - 1, end + 1)?.into_bytes())
        } else {
            Cow::Borrowed(bytes.get(start..end).ok_or(Bail)?)
        };
        sc.pos = end + 1;
        sc.expect(b':')?;
        let index = checks.property(&key).map(|(i, _)| i);
        Ok(Some((key, index)))
    }

    fn check_value(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<(), Bail> {
        self.scanner.value(ctx, node, path)
    }

    fn buffer_value(&mut self) -> Result<Value, Bail> {
        self.scanner.parse_span()
    }

    fn skip_value(&mut self) -> Result<(), Bail> {
        self.scanner.skip()
    }
}

/// The elements of an array, read by the scanner.
struct ScanSeq<'s, 'de> {
    scanner: &'s mut Scanner<'de>,
    first: bool,
}

impl ScanSeq<'_, '_> {
    /// Whether another element follows (its separator consumed).
    fn more(&mut self) -> Result<bool, Bail> {
        let more = self.scanner.more(self.first, b']')?;
        self.first = false;
        Ok(more)
    }
}

impl<'de> Elements<'de> for ScanSeq<'_, 'de> {
    type Error = Bail;

    fn next_checked(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<bool, Bail> {
        if !self.more()? {
            return Ok(false);
        }
        self.scanner.value(ctx, node, path)?;
        Ok(true)
    }

    fn next_skipped(&mut self) -> Result<bool, Bail> {
        if !self.more()? {
            return Ok(false);
        }
        self.scanner.skip()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_finds_the_first_quote_backslash_or_control() {
        let find = |s: &[u8; 8]| {
            let m = special_bytes(u64::from_le_bytes(*s));
            (m != 0).then(|| (m.trailing_zeros() / 8) as usize)
        };
        assert_eq!(find(b"abcdefgh"), None);
        assert_eq!(find(b"abc\"efgh"), Some(3));
        assert_eq!(find(b"\\bcdefgh"), Some(0));
        assert_eq!(find(b"abcdefg\n"), Some(7));
        assert_eq!(find(b"ab\x1fd\"fgh"), Some(2));
        // Non-ASCII bytes are not special (UTF-8 was checked for the whole body).
        assert_eq!(
            find("ab\u{e9}\u{e9}ef".as_bytes().try_into().unwrap()),
            None
        );
        assert_eq!(find(b" !#$%&'("), None);
    }

    fn scan_number(text: &str) -> Option<String> {
        let mut sc = Scanner::new(text);
        let n = sc.number().ok()?;
        (sc.pos == text.len()).then(|| format!("{n:?}"))
    }

    /// What the scanner reads is what serde_json's `deserialize_any` hands over.
    #[test]
    fn numbers_agree_with_serde_json() {
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "123456789012345678",
            "-123456789012345678",
            "1234567890123456789",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "1.0",
            "-2.50e3",
            "1E400",
            "1e-400",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "1e+",
        ] {
            let expected = serde_json::from_str::<Value>(text).ok().map(|v| match v {
                Value::Number(n) => {
                    if let Some(u) = n.as_u64() {
                        format!("{:?}", Scalar::U64(u))
                    } else if let Some(i) = n.as_i64() {
                        format!("{:?}", Scalar::I64(i))
                    } else {
                        format!("{:?}", Scalar::F64(n.as_f64().unwrap()))
                    }
                }
                other => panic!("{other}"),
            });
            assert_eq!(scan_number(text), expected, "{text}");
        }
    }

    #[test]
    fn escapes_are_checked_and_surrogates_paired() {
        let end = |s: &str| Scanner::new(s).string_end(1).ok();
        assert_eq!(end(r#""abc""#), Some((4, false)));
        assert_eq!(end(r#""a\"b""#), Some((5, true)));
        assert_eq!(end(r#""\u00e9\n""#), Some((9, true)));
        assert_eq!(end(r#""\ud83d\ude00""#), Some((13, true)));
        assert_eq!(end(r#""\ud83d""#), None, "lone leading surrogate");
        assert_eq!(end(r#""\ude00""#), None, "lone trailing surrogate");
        assert_eq!(
            end(r#""\ud83d\u0041""#),
            None,
            "leading surrogate, no trailing one"
        );
        assert_eq!(end(r#""\x""#), None);
        assert_eq!(end(r#""\u12g4""#), None);
        assert_eq!(end("\"a\tb\""), None, "raw control character");
        assert_eq!(end(r#""abc"#), None, "unterminated");
        assert_eq!(end("\"0123456789abcdef0123\""), Some((21, false)));
    }

    #[test]
    fn skipping_accepts_json_and_stops_on_anything_else() {
        let skip = |s: &str| {
            let mut sc = Scanner::new(s);
            sc.skip().is_ok() && {
                sc.ws();
                sc.pos == s.len()
            }
        };
        for ok in [
            r#"{"a": [1, -2.5e3, true, false, null, "x\"y"], "b": {}}"#,
            "[]",
            " [ [ ] , { } ] ",
        ] {
            assert!(skip(ok), "{ok}");
        }
        for bad in [
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "[1 2]",
            "tru",
            "nul",
            "[",
            "{",
            "\"",
            "01",
            "[01]",
            "1e400",
        ] {
            assert!(!skip(bad), "{bad}");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH as usize + 1), "]".repeat(101));
        assert!(!skip(&deep), "nesting past MAX_DEPTH is left to serde_json");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH as usize), "]".repeat(100));
        assert!(skip(&fine));
    }
}
