use std::fmt;

/// An OmniDimension API key.
///
/// Its `Debug` and `Display` print `ApiKey(<redacted>)`, so a key can sit in a config struct
/// that gets logged without leaking. The key is only ever read to build the `Authorization`
/// header, which is marked sensitive.
///
/// Any string converts; the rules are checked when the client is built
/// ([`crate::ClientBuilder::build`]): at least 8 characters after trimming, no whitespace
/// inside, only characters an HTTP header can carry.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key. Leading and trailing whitespace (a common copy-paste accident) is removed.
    pub fn new(key: impl Into<String>) -> Self {
        let key: String = key.into();
        Self(key.trim().to_string())
    }

    /// The key itself. Use it only to authenticate; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for ApiKey {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for ApiKey {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let k = ApiKey::new(" sk-secret-123 ");
        assert_eq!(format!("{k:?}"), "ApiKey(<redacted>)");
        assert_eq!(k.to_string(), "<redacted>");
        assert_eq!(k.expose(), "sk-secret-123");
    }
}
