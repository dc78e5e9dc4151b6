//! Short descriptions of response values for findings. Masked by default: responses carry phone
//! numbers and names, and findings end up in logs.

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

/// `string "+1…" (12 chars)`, `integer 314`, `null`, ...; strings in full when `show` is set.
pub(crate) fn describe_scalar(s: Scalar<'_>, show: bool) -> String {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Bool(b) => format!("boolean {b}"),
        Scalar::I64(v) => format!("integer {v}"),
        Scalar::U64(v) => format!("integer {v}"),
        Scalar::F64(v) if v.fract() == 0.0 && v.is_finite() => format!("number {v:.1}"),
        Scalar::F64(v) => format!("number {v}"),
        Scalar::Str(text) => describe_string(text, show),
    }
}

fn describe_string(text: &str, show: bool) -> String {
    let chars = text.chars().count();
    if show {
        let shown: String = text.chars().take(80).collect();
        let more = if chars > 80 { "…" } else { "" };
        return format!("string {:?}{more}", shown);
    }
    if chars <= 2 {
        return format!("string ({chars} chars)");
    }
    let head: String = text.chars().take(2).collect();
    format!("string {head:?}… ({chars} chars)")
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(describe_scalar(Scalar::F64(3.0), false), "number 3.0");
    }

    #[test]
    fn enum_equality_is_numeric() {
        assert!(Scalar::F64(1.0).equals(&serde_json::json!(1)));
        assert!(Scalar::U64(1).equals(&serde_json::json!(1.0)));
        assert!(!Scalar::Str("1").equals(&serde_json::json!(1)));
    }
}
