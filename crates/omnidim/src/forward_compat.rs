//! What the generated string enums share (see `xtask/src/surface/types.rs`): every enum of the
//! spec decodes any string, keeping values it does not know in `Unknown(UnknownValue)`, so one
//! new value from the server never fails a whole response.

use std::fmt;

/// A value of a string enum that this version of the client does not know.
///
/// Opaque on purpose (as in aws-sdk-rust): match the known variants and treat the rest as
/// unknown; compare with [`UnknownValue::as_str`] if you must. When a later version of the client
/// learns the value, it becomes a variant of its own and code matching on this string would
/// silently stop matching.
#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    pub(crate) fn new(value: &str) -> Self {
        Self(value.into())
    }

    pub(crate) fn from_string(value: String) -> Self {
        Self(value.into_boxed_str())
    }

    /// The value as the API sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserialize a string enum from any string, borrowing when the input allows (known values then
/// cost no allocation).
pub(crate) fn deserialize_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<'de, T> serde::de::Visitor<'de> for Visitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

/// The JSON Schema of a forward-compatible string enum: the listed values (feature `schemars`).
#[cfg(feature = "schemars")]
pub(crate) fn string_enum_schema(values: &[&str]) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": values })
}
