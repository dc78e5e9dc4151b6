//! Just enough `multipart/form-data` (RFC 7578) to check an upload against the spec: the official
//! Python SDK sends a KYC document this way (`upload_kyc_document`: form fields `user_id`,
//! `region`, `carrier` beside a file part `document`), and a mock that only read JSON answered
//! that normal call with 400.
//!
//! A form becomes a JSON object: a text field is its text, a file part is a string naming the
//! file (its content is not checked; the spec says `format: binary`). The mock then coerces the
//! texts to the types the spec's form schema gives (`user_id` is an integer) and validates the
//! object as it validates a JSON body. Malformed input is an error message, never a panic.

use serde_json::{Map, Value};

/// The `boundary` parameter of a `multipart/form-data` Content-Type, if that is the type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

/// The fields of a form: name to text (a file part: `"<file NAME, N bytes>"`). A repeated name
/// keeps its first value.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Map<String, Value>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut fields = Map::new();
    let mut rest = match find(body, delimiter) {
        Some(at) => body.get(at + delimiter.len()..).unwrap_or_default(),
        None => return Err("the multipart body has no boundary line".into()),
    };
    loop {
        if rest.starts_with(b"--") {
            return Ok(fields);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart boundary line does not end with CRLF")?;
        let head_end = find(rest, b"\r\n\r\n").ok_or("a multipart part has no header end")?;
        let head = String::from_utf8_lossy(rest.get(..head_end).unwrap_or_default()).into_owned();
        let after_head = rest.get(head_end + 4..).unwrap_or_default();
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(delimiter);
        let content_end = find(after_head, &closing).ok_or("a multipart part is not closed")?;
        let content = after_head.get(..content_end).unwrap_or_default();
        rest = after_head
            .get(content_end + closing.len()..)
            .unwrap_or_default();
        let (name, filename) = disposition(&head).ok_or(
            "a multipart part has no Content-Disposition: form-data with a name".to_string(),
        )?;
        let value = match filename {
            Some(file) => Value::String(format!("<file {file}, {} bytes>", content.len())),
            None => Value::String(String::from_utf8_lossy(content).into_owned()),
        };
        fields.entry(name).or_insert(value);
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(v)
    })?;
    let mut params = line.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    let (mut name, mut filename) = (None, None);
    for p in params {
        if let Some((k, v)) = p.trim().split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "name" => name = Some(v),
                "filename" => filename = Some(v),
                _ => {}
            }
        }
    }
    Some((name?, filename))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body `requests` writes for the SDK's `upload_kyc_document`.
    #[test]
    fn the_sdk_upload_parses() {
        let body = b"--b0\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\n456\r\n--b0\r\nContent-Disposition: form-data; name=\"region\"\r\n\r\nIN\r\n--b0\r\nContent-Disposition: form-data; name=\"document\"; filename=\"pan.pdf\"\r\n\r\n%PDF\r\n--b0--\r\n";
        let fields = parse(body, "b0").unwrap();
        assert_eq!(fields["user_id"], "456");
        assert_eq!(fields["region"], "IN");
        assert_eq!(fields["document"], "<file pan.pdf, 4 bytes>");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"b0\"").as_deref(),
            Some("b0")
        );
        assert_eq!(boundary("application/json"), None);
    }

    #[test]
    fn malformed_forms_are_errors() {
        for body in [
            &b"no boundary here"[..],
            b"--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunclosed",
            b"--b0\r\nX: y\r\n\r\nv\r\n--b0--",
            b"--b0garbage",
        ] {
            assert!(
                parse(body, "b0").is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
