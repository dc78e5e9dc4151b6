//! The `--ndjson` line reader and line parser of `omnidim validate`
//! ([`omnidim_validator::record::read_line`], [`ReplayLine`]) under broken and gigantic lines.

use std::io::{BufRead, BufReader, Read};

use omnidim_validator::record::{LineError, ReplayLine, read_line};
use proptest::prelude::*;

use crate::support::MIB;

/// An endless line of `x` that counts what was read from it: a 300 MB line that is never made.
struct Endless {
    left: u64,
    read: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(b'x');
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

/// A 300 MB line against a 1 MiB limit: `TooLong` naming the limit, after reading at most the
/// limit plus one buffer; the line buffer never grows past the limit + 2.
#[test]
fn a_300_mb_line_is_refused_after_reading_at_most_the_limit() {
    let max = MIB;
    let mut reader = BufReader::with_capacity(
        64 * 1024,
        Endless {
            left: 300 * 1000 * 1000,
            read: 0,
        },
    );
    let mut line = Vec::new();
    let err = read_line(&mut reader, &mut line, max).unwrap_err();
    assert!(
        matches!(err, LineError::TooLong { max: m } if m == max),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("line longer than {max} bytes (--max-line-bytes); not read further")
    );
    assert!(line.len() as u64 <= max + 2, "{}", line.len());
    let read = reader.get_ref().read;
    assert!(read <= max + 2 + 64 * 1024, "read {read} bytes");
}

/// A line of exactly the limit is read, whether it ends with `\n`, `\r\n` or the input; one
/// byte more is refused. (Found by this suite: a line of exactly the limit ended by `\r\n` was
/// refused, its `\r` counted.)
#[test]
fn a_line_of_exactly_the_limit_is_read_and_one_more_byte_is_not() {
    let mut line = Vec::new();
    let mut last = &b"abcd"[..];
    assert!(read_line(&mut last, &mut line, 4).unwrap());
    assert_eq!(line, b"abcd");
    let mut over = &b"abcd\r"[..];
    assert!(matches!(
        read_line(&mut over, &mut line, 4),
        Err(LineError::TooLong { max: 4 })
    ));
    let mut exact = &b"abcd\r\nefgh\nabcde\n"[..];
    assert!(read_line(&mut exact, &mut line, 4).unwrap());
    assert_eq!(line, b"abcd");
    assert!(read_line(&mut exact, &mut line, 4).unwrap());
    assert_eq!(line, b"efgh");
    assert!(matches!(
        read_line(&mut exact, &mut line, 4),
        Err(LineError::TooLong { max: 4 })
    ));
}

/// Broken lines, each a typed error saying what is wrong: not JSON, not UTF-8, truncated, a
/// field missing or of the wrong type, a status out of range, a body string with a lone
/// surrogate. A JSON body is borrowed from the line as it is (no copy).
#[test]
fn broken_lines_are_typed_errors() {
    let not_recorded: [&[u8]; 9] = [
        b"not json",
        b"{\"operation\": \"getBulkCall\"",
        b"{\"operation\": \"getBulkCall\", \"status\": 200}",
        b"{\"status\": 200, \"body\": {}}",
        b"{\"operation\": 1, \"status\": 200, \"body\": {}}",
        b"{\"operation\": \"getBulkCall\", \"status\": 70000, \"body\": {}}",
        b"{\"operation\": \"getBulkCall\", \"status\": -1, \"body\": {}}",
        b"{\"operation\": \"get\xffBulkCall\", \"status\": 200, \"body\": {}}",
        b"[\"getBulkCall\", 200, {}] trailing",
    ];
    for line in not_recorded {
        let err = ReplayLine::parse(line).unwrap_err();
        assert!(
            matches!(err, LineError::NotRecorded(_)),
            "{:?}: {err:?}",
            String::from_utf8_lossy(line)
        );
        assert!(
            err.to_string().starts_with("not a recorded response"),
            "{err}"
        );
    }
    let lone = br#"{"operation": "getBulkCall", "status": 200, "body": "<html>\ud800</html>"}"#;
    let rec = ReplayLine::parse(lone).unwrap();
    assert!(matches!(rec.body_bytes(), Err(LineError::BodyString(_))));

    let ok = br#"{"operation": "getBulkCall", "status": 404, "body": {"error": "x"}}"#;
    let rec = ReplayLine::parse(ok).unwrap();
    assert_eq!(rec.operation, "getBulkCall");
    assert_eq!(rec.status, 404);
    assert!(
        matches!(rec.body_bytes().unwrap(), std::borrow::Cow::Borrowed(b) if b == br#"{"error": "x"}"#)
    );
}

/// A stream of arbitrary bytes with a small limit: every line is read or refused, never more than
/// the limit + 1 bytes held, and reading ends (no loop on the same bytes).
fn read_all(bytes: &[u8], max: u64) -> Result<usize, LineError> {
    let mut reader: &[u8] = bytes;
    let mut line = Vec::new();
    let mut lines = 0;
    while read_line(&mut reader, &mut line, max)? {
        assert!(line.len() as u64 <= max, "{} > {max}", line.len());
        lines += 1;
        assert!(lines <= bytes.len() + 1);
        if let Ok(rec) = ReplayLine::parse(&line) {
            let _ = rec.body_bytes();
        }
    }
    assert!(reader.fill_buf().map(|b| b.is_empty()).unwrap_or(true));
    Ok(lines)
}

fn recordish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"{\"operation\":\"getBulkCall\",\"status\":200,\"body\":"[..]),
        Just(&b"{\"error\":\"x\"}"[..]),
        Just(&b"\"<html>\""[..]),
        Just(&b"\"\\ud800\""[..]),
        Just(&b"}"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\xff"[..]),
        Just(&b"1e400"[..]),
        Just(&b"[[[["[..]),
        Just(&b"\"content_type\":\"text/html\","[..]),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes: lines read or `TooLong`, parsed or typed errors; never a panic.
    #[test]
    fn prop_arbitrary_bytes_read_as_lines_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..1024), max in 0u64..64) {
        match read_all(&bytes, max) {
            Ok(_) => {}
            Err(LineError::TooLong { max: m }) => prop_assert_eq!(m, max),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }

    /// Record-like fragments in any order: the same, with a limit that lets most lines through.
    #[test]
    fn prop_recordish_fragments_read_as_lines_or_refused(bytes in recordish(), max in 16u64..512) {
        match read_all(&bytes, max) {
            Ok(_) | Err(LineError::TooLong { .. }) => {}
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }
}
