//! Reading progenitor's builder-style output: one request builder per operation (`mod builder`,
//! renamed here to `progenitor_builder` and kept private), and the `impl Client` methods that
//! create them (removed: the public entry points are the wrappers of `builders.rs`).
//!
//! Everything the wrappers need is read from progenitor's own items (field types, setter
//! signatures, the success type of `send`), so they cannot drift from what they forward to.

use heck::ToSnakeCase;
use quote::ToTokens;

/// The private name given to progenitor's `mod builder`.
pub const PROGENITOR_BUILDERS: &str = "progenitor_builder";

/// One parameter (or the body) of an operation, as progenitor's builder stores it.
pub struct Param {
    /// The setter's name, e.g. `bulk_call_id` or `body`.
    pub ident: syn::Ident,
    /// The value type `T` of `Result<T, String>` / `Result<Option<T>, String>`; for a body with a
    /// typify builder, the body type itself (`types::X`), not the builder.
    pub ty: syn::Type,
    pub kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A path parameter, or a required query/header parameter.
    Required,
    /// An optional query or header parameter.
    Optional,
    /// The request body. `builder`: progenitor offers `body_map` over typify's builder.
    Body { builder: bool },
}

/// One operation as progenitor generated it.
pub struct RawOperation {
    /// Progenitor's builder struct (and the wrapper's name), e.g. `GetBulkCall`.
    pub builder: syn::Ident,
    /// The client method, e.g. `get_bulk_call`.
    pub method: syn::Ident,
    pub params: Vec<Param>,
    /// The setters of progenitor's builder (`bulk_call_id`, `body`, `body_map`, ...), in order.
    pub setters: Vec<syn::ImplItemFn>,
    /// `T` of `send() -> Result<ResponseValue<T>, Error<E>>`.
    pub success: syn::Type,
}

impl RawOperation {
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.ident == name)
    }
}

/// Take progenitor's builders apart: rename and hide `mod builder`, drop the `impl Client`
/// methods that return its builders, and describe each operation.
pub fn take_apart(file: &mut syn::File) -> Result<Vec<RawOperation>, String> {
    // Client methods returning `builder::X<'_>`: the method name of each builder.
    let mut methods = Vec::new();
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_path_named(&imp.self_ty, "Client") {
            continue;
        }
        imp.items.retain(|it| {
            let syn::ImplItem::Fn(f) = it else {
                return true;
            };
            match builder_returned(&f.sig.output) {
                Some(builder) => {
                    methods.push((builder, f.sig.ident.clone()));
                    false
                }
                None => true,
            }
        });
    }
    // `prelude` re-exports the raw client, which is not public any more.
    file.items
        .retain(|it| !matches!(it, syn::Item::Mod(m) if m.ident == "prelude"));
    let module = file
        .items
        .iter_mut()
        .find_map(|it| match it {
            syn::Item::Mod(m) if m.ident == "builder" => Some(m),
            _ => None,
        })
        .ok_or("progenitor's output has no `mod builder` (InterfaceStyle::Builder expected)")?;
    module.ident = syn::Ident::new(PROGENITOR_BUILDERS, module.ident.span());
    module.vis = syn::Visibility::Inherited;
    // Its doc links point at `Client::x`, which no longer exists on the raw client.
    let items = &mut module.content.as_mut().ok_or("`mod builder` is empty")?.1;
    for it in items.iter_mut() {
        if let syn::Item::Struct(s) = it {
            s.attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }

    let mut out = Vec::new();
    for (builder, method) in methods {
        let strukt = items
            .iter()
            .find_map(|it| match it {
                syn::Item::Struct(s) if s.ident == builder => Some(s),
                _ => None,
            })
            .ok_or_else(|| format!("no progenitor builder struct `{builder}`"))?;
        let imp = items
            .iter()
            .find_map(|it| match it {
                syn::Item::Impl(i)
                    if i.trait_.is_none() && is_path_named(&i.self_ty, &builder.to_string()) =>
                {
                    Some(i)
                }
                _ => None,
            })
            .ok_or_else(|| format!("no impl of progenitor builder `{builder}`"))?;
        let mut params = Vec::new();
        for field in &strukt.fields {
            let Some(ident) = field.ident.clone() else {
                return Err(format!("`{builder}` has an unnamed field"));
            };
            if ident == "client" {
                continue;
            }
            let stored = first_generic(&field.ty, "Result")
                .ok_or_else(|| format!("`{builder}::{ident}` is not a Result"))?;
            let (ty, kind) = if let Some(inner) = first_generic(&stored, "Option") {
                (inner, Kind::Optional)
            } else if ident == "body" {
                match typify_builder_target(&stored) {
                    Some(target) => (target, Kind::Body { builder: true }),
                    None => (stored, Kind::Body { builder: false }),
                }
            } else {
                (stored, Kind::Required)
            };
            params.push(Param { ident, ty, kind });
        }
        let mut setters = Vec::new();
        let mut success = None;
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.ident == "new" {
                continue;
            }
            if f.sig.ident == "send" {
                success = success_type(&f.sig.output);
                continue;
            }
            setters.push(f.clone());
        }
        let success =
            success.ok_or_else(|| format!("cannot read the success type of `{builder}::send`"))?;
        out.push(RawOperation {
            builder,
            method,
            params,
            setters,
            success,
        });
    }
    Ok(out)
}

/// `X` of a return type `builder::X<'_>`.
fn builder_returned(output: &syn::ReturnType) -> Option<syn::Ident> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(p) = &**ty else {
        return None;
    };
    let segs: Vec<_> = p.path.segments.iter().collect();
    match segs.as_slice() {
        [m, s] if m.ident == "builder" => Some(s.ident.clone()),
        _ => None,
    }
}

/// `types::X` for `types::builder::X`.
fn typify_builder_target(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match names.as_slice() {
        [t, b, x] if t == "types" && b == "builder" => syn::parse_str(&format!("types::{x}")).ok(),
        _ => None,
    }
}

pub fn is_path_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// The first type argument of `Name<T, ..>` (the last path segment named `name`).
pub fn first_generic(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    first_generic(&first_generic(ty, "Result")?, "ResponseValue")
}

/// Compact text of a type (`types::Foo`, `Option<i64>`), for the surface table.
pub fn type_text(t: &impl ToTokens) -> String {
    let text = t.to_token_stream().to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("::std::string::String", "String")
        .replace("::std::num::", "")
        .replace("::std::vec::Vec", "Vec")
        .replace("::std::option::Option", "Option")
        .replace("::serde_json::", "serde_json::")
}

/// The snake-case Rust name of an operationId (what progenitor names the method).
pub fn rust_name(operation_id: &str) -> String {
    operation_id.to_snake_case()
}
