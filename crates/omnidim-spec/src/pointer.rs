//! RFC 6901 JSON pointers, as used in every message of this crate.

/// Escape one reference token (`~` -> `~0`, `/` -> `~1`).
pub fn escape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    escape_into(&mut out, token);
    out
}

/// Append `token`, escaped, to `out` (no allocation of its own: the validator builds a pointer
/// per finding, and most tokens need no escape).
pub fn escape_into(out: &mut String, token: &str) {
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Append one token to a pointer.
pub fn push(pointer: &str, token: &str) -> String {
    let mut p = String::with_capacity(pointer.len() + token.len() + 1);
    p.push_str(pointer);
    p.push('/');
    p.push_str(&escape(token));
    p
}

/// The pointer as a URI fragment, e.g. `#/components/schemas/Error`.
pub fn fragment(pointer: &str) -> String {
    format!("#{pointer}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slash_and_tilde() {
        assert_eq!(push("/paths", "/calls/{id}"), "/paths/~1calls~1{id}");
        assert_eq!(push("", "a~b"), "/a~0b");
        assert_eq!(fragment("/components"), "#/components");
    }
}
