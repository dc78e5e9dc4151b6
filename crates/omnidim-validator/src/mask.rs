//! Short descriptions of response values for findings. Masked by default: responses carry phone
//! numbers and names, and findings end up in logs, CI reports and recordings.
//!
//! What is masked: strings (two characters and the length are kept), numbers (only the digit count
//! is kept: a phone number sent as a JSON number is as personal as one sent as a string), and
//! object keys that look like data rather than a field name (an e-mail address, a phone number:
//! see [`key_looks_personal`]), wherever a key shows (pointers, messages).

use serde_json::Value;

/// A scalar as the streaming checker sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(&'a str),
}

impl Scalar<'_> {
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Scalar::I64(v) => Some(v as f64),
            Scalar::U64(v) => Some(v as f64),
            Scalar::F64(v) => Some(v),
            _ => None,
        }
    }

    pub fn to_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::I64(v) => Value::from(v),
            Scalar::U64(v) => Value::from(v),
            Scalar::F64(v) => serde_json::Number::from_f64(v)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Scalar::Str(s) => Value::String(s.to_string()),
        }
    }

    /// JSON equality with numbers compared by value (`1 == 1.0`), as JSON Schema's `enum` does.
    pub fn equals(&self, v: &Value) -> bool {
        match (self, v) {
            (Scalar::Null, Value::Null) => true,
            (Scalar::Bool(a), Value::Bool(b)) => a == b,
            (Scalar::Str(a), Value::String(b)) => *a == b,
            (s, Value::Number(n)) => match (s, n.as_i64(), n.as_u64()) {
                (Scalar::I64(a), Some(b), _) => *a == b,
                (Scalar::U64(a), _, Some(b)) => *a == b,
                _ => s.as_f64().is_some_and(|a| n.as_f64() == Some(a)),
            },
            _ => false,
        }
    }
}

/// `string "+1…" (12 chars)`, `integer (11 digits)`, `null`, ...; strings and numbers in full
/// when `show` is set.
pub(crate) fn describe_scalar(s: Scalar<'_>, show: bool) -> String {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Bool(b) => format!("boolean {b}"),
        Scalar::I64(v) if show => format!("integer {v}"),
        Scalar::U64(v) if show => format!("integer {v}"),
        Scalar::F64(v) if show && v.fract() == 0.0 && v.is_finite() => format!("number {v:.1}"),
        Scalar::F64(v) if show => format!("number {v}"),
        Scalar::I64(v) => masked_integer(v < 0, v.unsigned_abs()),
        Scalar::U64(v) => masked_integer(false, v),
        Scalar::F64(v) => masked_number("number", &v.to_string()),
        Scalar::Str(text) => describe_string(text, show),
    }
}

/// Append `n` in decimal (findings are built per error: no formatting machinery).
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut rest = n;
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// [`masked_number`] of an integer, without printing it first.
fn masked_integer(negative: bool, magnitude: u64) -> String {
    let digits = magnitude.checked_ilog10().map_or(1, |d| d + 1);
    let mut out = String::with_capacity(32);
    out.push_str(if negative {
        "integer (negative, "
    } else {
        "integer ("
    });
    push_decimal(&mut out, u64::from(digits));
    out.push_str(if digits == 1 { " digit)" } else { " digits)" });
    out
}

/// `integer (11 digits)`, `number (negative, 3 digits)`: the size of a number without its digits.
fn masked_number(kind: &str, text: &str) -> String {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let sign = if text.starts_with('-') {
        "negative, "
    } else {
        ""
    };
    let mut out = String::with_capacity(32);
    out.push_str(kind);
    out.push_str(" (");
    out.push_str(sign);
    push_decimal(&mut out, digits as u64);
    out.push_str(if digits == 1 { " digit)" } else { " digits)" });
    out
}

/// Whether an object key looks like data (an e-mail address, a phone number, a long number) rather
/// than a field name: such keys occur in maps keyed by contact (`custom_variables`, undocumented
/// per-number tallies) and are masked like values.
pub fn key_looks_personal(key: &str) -> bool {
    key.contains('@') || key.starts_with('+') || key.bytes().filter(u8::is_ascii_digit).count() >= 5
}

/// A key as findings show it: itself, or `<masked key, 12 chars>` when it looks personal and
/// values are masked.
pub fn show_key(key: &str, show: bool) -> String {
    if show || !key_looks_personal(key) {
        key.to_string()
    } else {
        format!("<masked key, {} chars>", key.chars().count())
    }
}

/// An RFC 6901 pointer with every segment that looks personal masked (see [`show_key`]).
pub fn mask_pointer(pointer: &str, show: bool) -> String {
    if show || pointer.is_empty() {
        return pointer.to_string();
    }
    pointer
        .split('/')
        .enumerate()
        .map(|(i, seg)| {
            if i == 0 {
                seg.to_string()
            } else {
                let raw = seg.replace("~1", "/").replace("~0", "~");
                if key_looks_personal(&raw) {
                    show_key(&raw, false)
                } else {
                    seg.to_string()
                }
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn describe_string(text: &str, show: bool) -> String {
    let chars = text.chars().count();
    if show {
        let shown: String = text.chars().take(80).collect();
        let more = if chars > 80 { "…" } else { "" };
        return format!("string {:?}{more}", shown);
    }
    let mut out = String::with_capacity(32);
    if chars <= 2 {
        out.push_str("string (");
    } else {
        let head = text
            .char_indices()
            .nth(2)
            .and_then(|(at, _)| text.get(..at))
            .unwrap_or(text);
        // `{head:?}`, written directly when Debug would print it as is.
        if head
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ')
        {
            out.push_str("string \"");
            out.push_str(head);
            out.push_str("\"… (");
        } else {
            out.push_str(&format!("string {head:?}… ("));
        }
    }
    push_decimal(&mut out, chars as u64);
    out.push_str(" chars)");
    out
}

/// Describe any JSON value (composites by kind and size).
pub(crate) fn describe_value(v: &Value, show: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => describe_scalar(Scalar::Bool(*b), show),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => describe_scalar(Scalar::I64(i), show),
            (_, Some(u), _) => describe_scalar(Scalar::U64(u), show),
            (_, _, Some(f)) => describe_scalar(Scalar::F64(f), show),
            _ => "number".into(),
        },
        Value::String(s) => describe_string(s, show),
        Value::Array(a) => format!("array ({} items)", a.len()),
        Value::Object(o) => format!("object ({} keys)", o.len()),
    }
}

/// Keys whose value is a credential: always redacted in recordings and logs, whatever the
/// masking options (`secret_key`, `widget_config`, an iframe URL that embeds a secret, API keys,
/// passwords, tokens).
pub fn key_is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("secret")
        || k.contains("password")
        || k.contains("api_key")
        || k.contains("apikey")
        || k.contains("authorization")
        || k.contains("private_key")
        || k == "token"
        || k.ends_with("_token")
        || k == "widget_config"
}

/// Keys whose value is about a person (phone numbers, e-mail addresses, names, what was said):
/// masked in recordings and logs unless values are shown.
fn key_is_personal(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("phone")
        || k.contains("email")
        || k.ends_with("_number")
        || k == "number"
        || k == "name"
        || k.ends_with("user_name")
        || k.ends_with("first_name")
        || k.ends_with("last_name")
        || k.ends_with("full_name")
        || k.ends_with("customer_name")
        || k.ends_with("contact_name")
        || k.contains("address")
        || k.contains("transcript")
        || k.contains("conversation")
        || k.contains("recording_url")
}

/// Whether a string value looks like an e-mail address or a phone number wherever it occurs.
fn text_looks_personal(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let phone_like = digits >= 7
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-().".contains(&b));
    let email_like = text.contains('@') && text.contains('.') && !text.contains(' ');
    phone_like || email_like
}

/// A string with all but its first two characters replaced by `*` (same length in characters, so
/// a masked body still meets the schema's length bounds).
pub fn mask_text(text: &str) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| if i < 2 { c } else { '*' })
        .collect()
}

/// A number with every digit after the first one replaced by `0`: same type, sign and digit
/// count, so a masked body validates as the original did (bounds aside).
fn mask_number(n: &serde_json::Number) -> Value {
    if let Some(i) = n.as_i64() {
        let text = i.unsigned_abs().to_string();
        let masked: String = text
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c } else { '0' })
            .collect();
        let v = masked.parse::<i64>().unwrap_or(0);
        return Value::from(if i < 0 { -v } else { v });
    }
    if let Some(u) = n.as_u64() {
        let text = u.to_string();
        let masked: String = text
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c } else { '0' })
            .collect();
        return Value::from(masked.parse::<u64>().unwrap_or(0));
    }
    // A fraction under a personal key: no digit of it is kept.
    serde_json::Number::from_f64(0.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A copy of a JSON body safe to write to a recording or a log: credentials redacted always
/// ([`key_is_secret`]); unless `show` is set, values under personal keys (`phone`, `email`, `name`, ...)
/// masked (strings keep two characters and their length, numbers their digit count), strings and
/// long numbers that look personal anywhere masked, and keys that look like data renamed
/// `<masked key #n, N chars>`. Shapes, types, enum values and field names are kept, so a
/// recording replays through the validator with the same findings.
pub fn mask_json(value: &Value, show: bool) -> Value {
    mask_in(value, show, false)
}

fn mask_in(value: &Value, show: bool, personal: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (n, (k, v)) in map.iter().enumerate() {
                let key = if !show && key_looks_personal(k) {
                    format!("<masked key #{n}, {} chars>", k.chars().count())
                } else {
                    k.clone()
                };
                let masked = if key_is_secret(k) && !matches!(v, Value::Null | Value::Bool(_)) {
                    Value::String("<redacted>".into())
                } else {
                    mask_in(v, show, !show && key_is_personal(k))
                };
                out.insert(key, masked);
            }
            Value::Object(out)
        }
        // A personal key reaches the scalars of its value (`to_number: "+1…"`, `phone: [..]`),
        // not whole objects under it: `phone_numbers: [{number_provider: "sip"}]` keeps its
        // enum values, and its `number` is masked by its own key.
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| mask_in(v, show, personal && !v.is_object()))
                .collect(),
        ),
        Value::String(text) if !show && (personal || text_looks_personal(text)) => {
            Value::String(mask_text(text))
        }
        Value::Number(n)
            if !show
                && (personal
                    || n.as_u64()
                        .or(n.as_i64().map(i64::unsigned_abs))
                        .is_some_and(|v| v >= 1_000_000)) =>
        {
            mask_number(n)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_described_as_debug_prints_their_head() {
        for text in [
            "",
            "a",
            "ab",
            "abc",
            "+15551234567",
            "a\"bc",
            "\\xyz",
            "a'b",
            "\u{e9}t\u{e9}",
            "\n\tz",
            "a bc",
            " ab",
            "\u{301}ab",
        ] {
            let chars = text.chars().count();
            let head: String = text.chars().take(2).collect();
            let expected = if chars <= 2 {
                format!("string ({chars} chars)")
            } else {
                format!("string {head:?}… ({chars} chars)")
            };
            assert_eq!(describe_string(text, false), expected, "{text:?}");
        }
    }

    #[test]
    fn integers_are_masked_as_their_printed_digits() {
        for v in [
            0i64,
            7,
            9,
            10,
            99,
            100,
            -1,
            -10,
            15551234567,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(
                masked_integer(v < 0, v.unsigned_abs()),
                masked_number("integer", &v.to_string()),
                "{v}"
            );
        }
        assert_eq!(
            masked_integer(false, u64::MAX),
            masked_number("integer", &u64::MAX.to_string())
        );
    }

    #[test]
    fn strings_are_masked_unless_shown() {
        assert_eq!(
            describe_scalar(Scalar::Str("+15551234567"), false),
            "string \"+1\"… (12 chars)"
        );
        assert_eq!(
            describe_scalar(Scalar::Str("+15551234567"), true),
            "string \"+15551234567\""
        );
        assert_eq!(
            describe_scalar(Scalar::Str("ab"), false),
            "string (2 chars)"
        );
        assert_eq!(describe_scalar(Scalar::F64(3.0), true), "number 3.0");
    }

    #[test]
    fn numbers_are_masked_unless_shown() {
        assert_eq!(
            describe_scalar(Scalar::U64(15551234567), false),
            "integer (11 digits)"
        );
        assert_eq!(
            describe_scalar(Scalar::I64(-5), false),
            "integer (negative, 1 digit)"
        );
        assert_eq!(
            describe_scalar(Scalar::F64(1.5), false),
            "number (2 digits)"
        );
        assert_eq!(
            describe_scalar(Scalar::U64(15551234567), true),
            "integer 15551234567"
        );
    }

    #[test]
    fn bodies_are_masked_keeping_their_shape() {
        let body = serde_json::json!({
            "status": "completed",
            "to_number": "+15551234567",
            "from_number": 15551234567u64,
            "secret_key": "sk-live-abc",
            "users": [{"name": "Ann Smith", "email": "ann@example.com", "id": 7}],
            "custom_variables": {"+15559876543": "x"},
            "note": "call me at +1 555 987 6543",
            "total_tokens": 12,
            "phone_numbers": [{"number_provider": "sip", "number": "+15550001111"}],
        });
        let masked = mask_json(&body, false);
        let text = masked.to_string();
        for secret in [
            "5551234567",
            "sk-live",
            "Ann Smith",
            "ann@example",
            "5559876543",
        ] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert_eq!(masked["status"], "completed");
        assert_eq!(masked["to_number"], "+1**********");
        assert_eq!(masked["from_number"], 10000000000u64);
        assert_eq!(masked["secret_key"], "<redacted>");
        assert_eq!(masked["users"][0]["id"], 7);
        assert_eq!(masked["total_tokens"], 12);
        assert_eq!(masked["phone_numbers"][0]["number_provider"], "sip");
        assert_eq!(masked["phone_numbers"][0]["number"], "+1**********");
        // Shown values keep everything but credentials.
        let shown = mask_json(&body, true);
        assert_eq!(shown["to_number"], "+15551234567");
        assert_eq!(shown["secret_key"], "<redacted>");
    }

    #[test]
    fn keys_that_look_like_data_are_masked_in_pointers() {
        assert_eq!(
            mask_pointer("/custom_variables/+15551234567/x", false),
            "/custom_variables/<masked key, 12 chars>/x"
        );
        assert_eq!(
            mask_pointer("/a~1b/ann@example.com", false),
            "/a~1b/<masked key, 15 chars>"
        );
        assert_eq!(mask_pointer("/bots/0/voice", false), "/bots/0/voice");
        assert_eq!(mask_pointer("/x/+15551234567", true), "/x/+15551234567");
    }

    #[test]
    fn enum_equality_is_numeric() {
        assert!(Scalar::F64(1.0).equals(&serde_json::json!(1)));
        assert!(Scalar::U64(1).equals(&serde_json::json!(1.0)));
        assert!(!Scalar::Str("1").equals(&serde_json::json!(1)));
    }
}
