//! What xtask makes of progenitor's output, in the same generated file:
//!
//! - [`types`]: forward-compatible string enums and non-exhaustive structs in `mod types`;
//! - [`builders`]: `omnidim::builder`, one request builder per operation, and the
//!   `omnidim::Client` methods that create them;
//! - [`describe`] (before progenitor runs): doc text for the types the spec leaves without a
//!   description, from the words around them;
//! - [`tables`]: `OPERATIONS` (operationId, Rust name, method, path, tags, parameters),
//!   `roundtrip_success_body`, the schemars functions and `Client::call_operation`;
//! - [`limits`]: `REQUEST_LIMITS`, the spec's request limits the client checks before sending.
//!
//! Progenitor's own builders (`mod builder`) stay, renamed `progenitor_builder` and private: the
//! wrappers forward to them.

mod builders;
pub mod describe;
mod limits;
mod progenitor;
mod tables;
mod types;

use heck::ToSnakeCase;
use omnidim_spec::Spec;
use serde_json::Value;

pub use builders::PageStyle;
use progenitor::RawOperation;

/// `x-omnidim-pagination` of one list operation.
pub struct Pagination {
    pub style: PageStyle,
    /// Page-number parameter (style `page`).
    pub page: Option<String>,
    /// Page-size (or `limit`) parameter.
    pub size: String,
    /// Response key of the item list; `None` where it is undocumented (whole pages are streamed).
    pub items: Option<String>,
    /// Response key of the total count, if the API reports one.
    pub total: Option<String>,
    /// Cursor parameter (style `cursor`).
    pub cursor: Option<String>,
    /// Response key of the next cursor (style `cursor`).
    pub next: Option<String>,
    /// Page size of `.stream()` when the caller sets none: the parameter's documented maximum.
    pub default_size: u64,
}

/// One spec parameter, for setter docs and the operation table.
pub struct SpecParam {
    /// As the API spells it, e.g. `Idempotency-Key`.
    pub name: String,
    /// The setter's name, e.g. `idempotency_key`.
    pub rust_name: String,
    pub location: String,
    pub required: bool,
    pub description: Option<String>,
}

/// One operation: what the spec says and what progenitor made of it.
pub struct Operation {
    pub id: String,
    pub http_method: &'static str,
    pub path: String,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub body_description: Option<String>,
    pub params: Vec<SpecParam>,
    pub idempotency_key: bool,
    pub pagination: Option<Pagination>,
    pub raw: RawOperation,
}

pub fn extend(spec: &Spec, file: &mut syn::File) -> Result<(), String> {
    let raw = progenitor::take_apart(file)?;
    types::rewrite(file)?;
    let ops = match_spec(spec, raw)?;
    let type_items: Vec<syn::Item> = file
        .items
        .iter()
        .find_map(|it| match it {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|c| c.1.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let builders::Generated {
        accessors,
        builders,
        streams,
    } = builders::generate(&ops, &type_items)?;
    if let Some(content) = file.items.iter_mut().find_map(|it| match it {
        syn::Item::Mod(m) if m.ident == progenitor::PROGENITOR_BUILDERS => m.content.as_mut(),
        _ => None,
    }) {
        content.1.extend(accessors);
    }
    let builders: syn::File =
        syn::parse2(builders).map_err(|e| format!("the request builders do not parse: {e}"))?;
    file.items.extend(builders.items);
    let tables: syn::File = syn::parse2(tables::generate(&ops, &streams)?)
        .map_err(|e| format!("the operation tables do not parse: {e}"))?;
    file.items.extend(tables.items);
    let limits: syn::File = syn::parse2(limits::generate(spec)?)
        .map_err(|e| format!("the request limits do not parse: {e}"))?;
    file.items.extend(limits.items);
    Ok(())
}

/// Pair each progenitor builder with its spec operation; keep spec order.
fn match_spec(spec: &Spec, raw: Vec<RawOperation>) -> Result<Vec<Operation>, String> {
    let doc = spec.document();
    let mut raw = raw;
    let mut out = Vec::new();
    for op in spec.operations() {
        let id = op
            .operation_id
            .clone()
            .ok_or("an operation has no operationId")?;
        let rust = progenitor::rust_name(&id);
        let pos = raw
            .iter()
            .position(|r| r.method == rust)
            .ok_or_else(|| format!("progenitor generated no builder for {id}"))?;
        let raw_op = raw.swap_remove(pos);
        let value = doc.pointer(&op.pointer).cloned().unwrap_or(Value::Null);
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        let params: Vec<SpecParam> = spec
            .parameters(&op.pointer)
            .into_iter()
            .filter_map(|p| {
                let name = p.value.get("name").and_then(Value::as_str)?.to_string();
                Some(SpecParam {
                    rust_name: sanitize(&name),
                    location: p
                        .value
                        .get("in")
                        .and_then(Value::as_str)
                        .unwrap_or("query")
                        .to_string(),
                    required: p
                        .value
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    description: p
                        .value
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    name,
                })
            })
            .collect();
        let size_maximum = |name: &str| {
            spec.parameters(&op.pointer).into_iter().find_map(|p| {
                (p.value.get("name").and_then(Value::as_str) == Some(name))
                    .then(|| p.value.get("schema").and_then(|s| spec.deref(s)))
                    .flatten()
                    .and_then(|s| s.get("maximum").and_then(Value::as_u64))
            })
        };
        let pagination = builders::pagination_of(&value, &id, size_maximum)?;
        let body_description = value
            .get("requestBody")
            .and_then(|b| spec.deref(b))
            .and_then(|b| b.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string);
        out.push(Operation {
            idempotency_key: params
                .iter()
                .any(|p| p.location == "header" && p.name.eq_ignore_ascii_case("idempotency-key")),
            http_method: op.method.as_str(),
            path: op.path.clone(),
            tags: op.tags.clone(),
            summary: text("summary"),
            description: text("description"),
            body_description,
            params,
            pagination,
            raw: raw_op,
            id,
        });
    }
    if let Some(extra) = raw.first() {
        return Err(format!(
            "progenitor builder `{}` matches no operation of the spec",
            extra.builder
        ));
    }
    Ok(out)
}

/// Spec text as rustdoc reads it: a bare `https://...` becomes `<https://...>`, a link (rustdoc
/// warns on bare URLs, and a reader wants to click them). URLs inside code spans, angle
/// brackets or Markdown links are left alone; trailing punctuation stays outside the link.
pub fn link_bare_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let starts_url = !in_code && (rest.starts_with("https://") || rest.starts_with("http://"));
        let quoted = out.ends_with('<') || out.ends_with("](");
        if starts_url && !quoted {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if c == '`' {
            in_code = !in_code;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The identifier progenitor gives a parameter (`Idempotency-Key` -> `idempotency_key`).
fn sanitize(name: &str) -> String {
    let s = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .to_snake_case();
    match s.as_str() {
        "type" | "ref" | "self" | "match" | "fn" | "mod" | "use" | "impl" | "move" | "loop" => {
            format!("{s}_")
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bare_urls_become_links() {
        use super::link_bare_urls as l;
        assert_eq!(
            l("see https://docs.omnidim.io/x. Then"),
            "see <https://docs.omnidim.io/x>. Then"
        );
        assert_eq!(l("(https://a.io/b)"), "(<https://a.io/b>)");
        assert_eq!(l("[a](https://a.io/b)"), "[a](https://a.io/b)");
        assert_eq!(
            l("`https://a.io` and <https://b.io>"),
            "`https://a.io` and <https://b.io>"
        );
        assert_eq!(l("é http://x.io"), "é <http://x.io>");
    }
}
