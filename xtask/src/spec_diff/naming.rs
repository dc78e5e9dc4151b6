//! The names progenitor 0.15.1 and typify 0.8.0 give the generated Rust items.
//!
//! Rules (mirroring `progenitor_impl::util::sanitize` and `typify_impl::util::sanitize`, both of
//! which are heck's case conversion after replacing characters that cannot be in an identifier
//! by `-`, with a trailing `_` on Rust keywords):
//!
//! | Spec | Rust item |
//! |---|---|
//! | operation `getBulkCall` | `Client::get_bulk_call` |
//! | component schema `Foo` | `types::Foo` |
//! | inline response body of `getBulkCall` (any status) | `types::GetBulkCallResponse` |
//! | inline request body of `createBulkCall` | `types::CreateBulkCallBody` |
//! | inline parameter type (enum) `call_status` of `listCallLogs` | `types::ListCallLogsCallStatus` |
//! | property `failed_reason` of `types::X` | field `types::X::failed_reason` (keywords get `_`: `type_`) |
//! | inline type of property `foo` of `types::X` | `types::XFoo` |
//! | inline item type of an array named `X` | `types::XItem` |
//! | inline value type of a map named `X` | `types::XValue` |
//! | string enum value `no-answer` of `types::E` | variant `types::E::NoAnswer` |
//! | inline schema with a `title` | the title, in Pascal case (components keep their key) |

use heck::{ToSnakeCase, ToUpperCamelCase};

#[derive(Clone, Copy)]
enum Case {
    Pascal,
    Snake,
}

/// Whether typify accepts `ident` as a Rust identifier (not a keyword); `typify::accept_as_ident`.
fn accept_as_ident(ident: &str) -> bool {
    !matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// `unicode_ident::is_xid_continue`, approximated with the standard library.
fn is_xid_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `unicode_ident::is_xid_start`, approximated with the standard library.
fn is_xid_start(c: char) -> bool {
    c.is_alphabetic()
}

fn to_case(s: &str, case: Case) -> String {
    match case {
        Case::Pascal => s.to_upper_camel_case(),
        Case::Snake => s.to_snake_case(),
    }
}

/// typify's `sanitize`: a name that does not start with a letter is prefixed with `x`/`X`.
fn typify_sanitize(input: &str, case: Case) -> String {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
            case,
        ),
    };
    let prefix = to_case("x", case);
    let out = match out.chars().next() {
        None => prefix,
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// progenitor's `sanitize` (used for method names): the prefix is `_` instead of `x`.
fn progenitor_sanitize(input: &str, case: Case) -> String {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
            case,
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x", case),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// A type name as typify writes it (`Foo_bar` -> `FooBar`).
pub fn type_name(raw: &str) -> String {
    typify_sanitize(raw, Case::Pascal)
}

/// A struct field name as typify writes it (`requestId` -> `request_id`, `type` -> `type_`).
pub fn field_name(property: &str) -> String {
    typify_sanitize(property, Case::Snake)
}

/// An enum variant as typify writes it (`no-answer` -> `NoAnswer`).
pub fn variant_name(value: &str) -> String {
    typify_sanitize(value, Case::Pascal)
}

/// `Client::<method>` of an operation.
pub fn method_item(operation_id: &str) -> String {
    format!("Client::{}", progenitor_sanitize(operation_id, Case::Snake))
}

/// `types::<Name>`.
pub fn type_item(type_name: &str) -> String {
    format!("types::{type_name}")
}

/// `types::<Struct>::<field>`.
pub fn field_item(struct_name: &str, property: &str) -> String {
    format!("types::{struct_name}::{}", field_name(property))
}

/// `types::<Enum>::<Variant>`.
pub fn variant_item(enum_name: &str, value: &serde_json::Value) -> String {
    let raw = match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("types::{enum_name}::{}", variant_name(&raw))
}

/// The name progenitor suggests for the inline response schema of an operation.
pub fn response_suggestion(operation_id: &str) -> String {
    format!("{operation_id}-response")
}

/// The name progenitor suggests for the inline request body schema of an operation.
pub fn body_suggestion(operation_id: &str) -> String {
    format!("{operation_id}-body")
}

/// The name progenitor suggests for the inline schema of a parameter.
pub fn parameter_suggestion(operation_id: &str, parameter: &str) -> String {
    format!("{operation_id}-{parameter}")
}

/// The name typify suggests for the inline schema of property `property` of a type named
/// `parent` (`format!("{}_{}", base, prop_name.to_snake_case())` in typify).
pub fn property_suggestion(parent: &str, property: &str) -> String {
    format!("{parent}_{}", property.to_snake_case())
}

/// The name typify suggests for the inline item schema of an array named `array`.
pub fn item_suggestion(array: &str) -> String {
    format!("{array}_item")
}

/// The name typify suggests for the inline value schema of a map named `map`.
pub fn map_value_suggestion(map: &str) -> String {
    format!("{map}Value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_generated_client() {
        assert_eq!(
            method_item("getBulkCallLiveStatus"),
            "Client::get_bulk_call_live_status"
        );
        assert_eq!(
            type_name(&response_suggestion("getBulkCall")),
            "GetBulkCallResponse"
        );
        assert_eq!(
            type_name(&body_suggestion("createBulkCall")),
            "CreateBulkCallBody"
        );
        assert_eq!(
            type_name(&parameter_suggestion("listCallLogs", "call_status")),
            "ListCallLogsCallStatus"
        );
        assert_eq!(
            type_name(&property_suggestion("BulkCallDetail", "failed_reason")),
            "BulkCallDetailFailedReason"
        );
        let array = property_suggestion("CreateBulkCallBody", "contact_list");
        assert_eq!(
            type_name(&item_suggestion(&array)),
            "CreateBulkCallBodyContactListItem"
        );
        assert_eq!(field_name("requestId"), "request_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(variant_name("no-answer"), "NoAnswer");
        assert_eq!(variant_name("true"), "True");
        assert_eq!(type_name("1abc"), "X1abc");
        assert_eq!(method_item("1abc"), "Client::_1abc");
    }
}
