//! `REQUEST_LIMITS`: the request limits of the spec, as a table the client checks before sending
//! (`crates/omnidim/src/request_checks.rs`).
//!
//! The spec is the one source of request limits: the mock validates requests against it, and the
//! client reads them from this table, generated from the same schemas. Collected: `minimum` and
//! `maximum` of query parameters; in JSON request bodies, `minimum`/`maximum` of numbers,
//! `minItems`/`maxItems` of arrays and `pattern` of strings, at their place in the body (`*` for
//! every element of an array). Branches of `oneOf`/`anyOf` are not collected: which branch a
//! value takes is the type's business (e.g. createBulkCall's `phone_number_id`), and the mock
//! checks the rest. Conditional rules (`is_scheduled` needs `scheduled_datetime`) are not limits
//! of one value; they stay hand-written in `request_checks.rs`.

use omnidim_spec::Spec;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// One limit, as data.
enum Limit {
    Query {
        name: String,
        min: Option<f64>,
        max: Option<f64>,
    },
    Range {
        at: String,
        min: Option<f64>,
        max: Option<f64>,
    },
    Items {
        at: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Pattern {
        at: String,
        pattern: String,
        name: Option<String>,
    },
}

/// Deeper than any request body of the spec; stops a self-referencing schema.
const MAX_DEPTH: usize = 24;

pub fn generate(spec: &Spec) -> Result<TokenStream, String> {
    let doc = spec.document();
    let mut rows = Vec::new();
    for op in spec.operations() {
        let id = op
            .operation_id
            .clone()
            .ok_or("an operation has no operationId")?;
        let mut limits = Vec::new();
        for p in spec.parameters(&op.pointer) {
            if p.value.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let (Some(name), Some(schema)) = (
                p.value.get("name").and_then(Value::as_str),
                p.value.get("schema").and_then(|s| spec.deref(s)),
            ) else {
                continue;
            };
            let (min, max) = (
                schema.get("minimum").and_then(Value::as_f64),
                schema.get("maximum").and_then(Value::as_f64),
            );
            if min.is_some() || max.is_some() {
                limits.push(Limit::Query {
                    name: name.to_string(),
                    min,
                    max,
                });
            }
        }
        let value = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        if let Some(schema) = value
            .get("requestBody")
            .and_then(|b| spec.deref(b))
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|m| m.get("schema"))
        {
            walk(spec, schema, String::new(), 0, &mut limits);
        }
        if !limits.is_empty() {
            rows.push((id, limits));
        }
    }
    let rows = rows.iter().map(|(id, limits)| {
        let limits = limits.iter().map(tokens);
        quote! { (#id, &[#(#limits),*]) }
    });
    Ok(quote! {
        /// The request limits of the spec, by operationId (generated from its schemas: query
        /// `minimum`/`maximum`, and in JSON bodies number ranges, array sizes and string
        /// patterns). The client checks them before sending (`request_checks.rs`); the mock
        /// validates the same schemas.
        pub(crate) static REQUEST_LIMITS: &[(&str, &[crate::request_checks::Limit])] = &[#(#rows),*];
    })
}

fn walk(spec: &Spec, schema: &Value, at: String, depth: usize, out: &mut Vec<Limit>) {
    let Some(schema) = spec.deref(schema) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(spec, part, at.clone(), depth + 1, out);
    }
    let (min, max) = (
        schema.get("minimum").and_then(Value::as_f64),
        schema.get("maximum").and_then(Value::as_f64),
    );
    if min.is_some() || max.is_some() {
        out.push(Limit::Range {
            at: at.clone(),
            min,
            max,
        });
    }
    let (min_items, max_items) = (
        schema.get("minItems").and_then(Value::as_u64),
        schema.get("maxItems").and_then(Value::as_u64),
    );
    if min_items.is_some() || max_items.is_some() {
        out.push(Limit::Items {
            at: at.clone(),
            min: min_items,
            max: max_items,
        });
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        out.push(Limit::Pattern {
            at: at.clone(),
            pattern: pattern.to_string(),
            name: schema
                .get("x-omnidim-pattern-name")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    if let Some(items) = schema.get("items") {
        walk(spec, items, format!("{at}/*"), depth + 1, out);
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            walk(
                spec,
                sub,
                omnidim_spec::pointer::push(&at, name),
                depth + 1,
                out,
            );
        }
    }
}

fn tokens(limit: &Limit) -> TokenStream {
    let opt_f = |v: &Option<f64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let opt_u = |v: &Option<u64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    match limit {
        Limit::Query { name, min, max } => {
            let (min, max) = (opt_f(min), opt_f(max));
            quote!(crate::request_checks::Limit::Query { name: #name, min: #min, max: #max })
        }
        Limit::Range { at, min, max } => {
            let (min, max) = (opt_f(min), opt_f(max));
            quote!(crate::request_checks::Limit::Range { at: #at, min: #min, max: #max })
        }
        Limit::Items { at, min, max } => {
            let (min, max) = (opt_u(min), opt_u(max));
            quote!(crate::request_checks::Limit::Items { at: #at, min: #min, max: #max })
        }
        Limit::Pattern { at, pattern, name } => {
            let name = match name {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            quote!(crate::request_checks::Limit::Pattern { at: #at, pattern: #pattern, name: #name })
        }
    }
}
