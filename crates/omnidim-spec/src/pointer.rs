//! RFC 6901 JSON pointers, as used in every message of this crate.

/// Escape one reference token (`~` -> `~0`, `/` -> `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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
