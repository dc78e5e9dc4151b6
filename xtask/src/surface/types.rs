//! Rewrites of typify's `mod types` that make the generated types survive the API's normal
//! evolution (the aws-sdk-rust rules):
//!
//! - **String enums keep unknown values.** typify makes `enum E { A, B }` that fails to decode
//!   any other string, so one new value from the server fails a whole response (a `listCallLogs`
//!   page, and the stream with it). Each one becomes `#[non_exhaustive] enum E { A, B,
//!   Unknown(UnknownValue) }` with hand-rolled serde that maps unknown strings to `Unknown` and
//!   writes them back unchanged. `Copy` goes (a `String` is inside), `Display`, `FromStr`
//!   (infallible now), `From<&str>`, `AsRef<str>` and `as_str` come.
//! - **Structs with named fields are `#[non_exhaustive]`.** Adding a field to a struct that users
//!   can write as a literal breaks them; non-exhaustive structs are built with their builders
//!   (`types::X::builder()`) or come from responses, so a new field breaks nobody.
//! - **Structs do not implement `Default`.** typify derives it when no field is required, so the
//!   first required field would remove it (a break `cargo semver-checks` does not even see).
//!   Builders (`types::X::builder()`) are the way to make a value; they keep their `Default`.
//! - `schemars::JsonSchema` is derived (or, for the enums, implemented) on every type under the
//!   `schemars` feature, for the client-surface snapshots.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

struct StringEnum {
    ident: syn::Ident,
    docs: Vec<syn::Attribute>,
    /// (variant, wire value, variant docs)
    variants: Vec<(syn::Ident, String, Vec<syn::Attribute>)>,
}

pub fn rewrite(file: &mut syn::File) -> Result<usize, String> {
    let module = file
        .items
        .iter_mut()
        .find_map(|it| match it {
            syn::Item::Mod(m) if m.ident == "types" => Some(m),
            _ => None,
        })
        .ok_or("progenitor's output has no `mod types`")?;
    let items = &mut module.content.as_mut().ok_or("`mod types` is empty")?.1;

    document_from_uses(items);
    document_the_rest(items);
    let enums: Vec<StringEnum> = items
        .iter()
        .filter_map(|it| match it {
            syn::Item::Enum(e) => string_enum(e),
            _ => None,
        })
        .collect();
    let names: Vec<String> = enums.iter().map(|e| e.ident.to_string()).collect();
    let structs: Vec<String> = items
        .iter()
        .filter_map(|it| match it {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    // Drop typify's enum, the impls the rewrite replaces, and `Default` of structs.
    items.retain(|it| match it {
        syn::Item::Enum(e) => !names.contains(&e.ident.to_string()),
        syn::Item::Impl(i) => {
            let trait_is = |names: &[&str]| {
                i.trait_.as_ref().is_some_and(|(_, path, _)| {
                    path.segments
                        .last()
                        .is_some_and(|s| names.contains(&s.ident.to_string().as_str()))
                })
            };
            let for_any = |types: &[String]| {
                types
                    .iter()
                    .any(|n| super::progenitor::is_path_named(&i.self_ty, n))
            };
            !(trait_is(&["Display", "FromStr", "TryFrom"]) && for_any(&names)
                || trait_is(&["Default"]) && for_any(&structs))
        }
        _ => true,
    });
    let schemars: syn::Attribute =
        syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
    for it in items.iter_mut() {
        match it {
            syn::Item::Struct(s) if s.ident != "ConversionError" => {
                s.attrs.push(schemars.clone());
                if matches!(s.fields, syn::Fields::Named(_)) {
                    s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                    remove_derive(&mut s.attrs, "Default");
                }
            }
            syn::Item::Enum(e) => e.attrs.push(schemars.clone()),
            _ => {}
        }
    }
    for e in &enums {
        let file: syn::File = syn::parse2(forward_compatible(e))
            .map_err(|err| format!("rewritten enum {} does not parse: {err}", e.ident))?;
        items.extend(file.items);
    }
    Ok(enums.len())
}

/// An enum whose variants are all unit variants: a string enum of the spec.
fn string_enum(e: &syn::ItemEnum) -> Option<StringEnum> {
    if e.variants.is_empty() {
        return None;
    }
    let mut variants = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            return None;
        }
        let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
        let docs = v
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        variants.push((v.ident.clone(), wire, docs));
    }
    Some(StringEnum {
        ident: e.ident.clone(),
        docs: e
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect(),
        variants,
    })
}

/// `x` of `#[serde(rename = "x")]`.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                out = Some(lit.value());
            }
            Ok(())
        });
    }
    out
}

fn forward_compatible(e: &StringEnum) -> TokenStream {
    let ident = &e.ident;
    let docs = &e.docs;
    let idents: Vec<_> = e.variants.iter().map(|(i, _, _)| i).collect();
    let wires: Vec<_> = e.variants.iter().map(|(_, w, _)| w).collect();
    let variant_docs: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|(_, w, d)| {
            if d.is_empty() {
                let text = format!("`{w}`");
                quote!(#[doc = #text])
            } else {
                quote!(#(#d)*)
            }
        })
        .collect();
    let unknown = format_ident!("Unknown");
    quote! {
        #(#docs)*
        ///
        /// Forward compatible: a value this version of the client does not know decodes as
        /// [`Self::Unknown`] and is sent back unchanged; read it with [`Self::as_str`].
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        pub enum #ident {
            #( #variant_docs #idents, )*
            /// A value the spec did not list when this client was generated.
            #unknown(crate::UnknownValue),
        }
        impl #ident {
            /// Every value the spec lists, in spec order.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #wires, )*
                    Self::#unknown(v) => v.as_str(),
                }
            }
            /// Whether this is a value the spec lists (not [`Self::Unknown`]).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#idents, )*
                    other => Self::#unknown(crate::UnknownValue::new(other)),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #wires => Self::#idents, )*
                    _ => Self::#unknown(crate::UnknownValue::from_string(value)),
                }
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::forward_compat::deserialize_str(deserializer)
            }
        }
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!(#ident).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                crate::forward_compat::string_enum_schema(Self::VALUES)
            }
        }
    }
}

/// The text of the `#[doc = ".."]` attributes, lines joined with `\n`.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The type idents a type mentions (`Option<Vec<X>>` -> `Option`, `Vec`, `X`).
fn mentioned(ty: &syn::Type, out: &mut Vec<String>) {
    if let syn::Type::Path(p) = ty {
        for seg in &p.path.segments {
            out.push(seg.ident.to_string());
            if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(t) = arg {
                        mentioned(t, out);
                    }
                }
            }
        }
    }
}

/// A type that typify could only document with its own name (its schema has no description
/// that reaches the type: progenitor moves a nullable union's description to the `Option`
/// around it) takes the doc of the first field that holds it: ``The `x` field of [`Agent`]:
/// <the field's doc>``. `surface::describe` gives most types words before progenitor runs;
/// this catches what it cannot reach. Returns how many types it documented.
fn document_from_uses(items: &mut [syn::Item]) -> usize {
    let name_only = |ident: &syn::Ident, attrs: &[syn::Attribute]| {
        let text = doc_text(attrs);
        text.is_empty() || text == format!("`{ident}`")
    };
    let mut bare: Vec<String> = items
        .iter()
        .filter_map(|it| match it {
            syn::Item::Struct(s) if name_only(&s.ident, &s.attrs) => Some(s.ident.to_string()),
            syn::Item::Enum(e) if name_only(&e.ident, &e.attrs) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut docs: Vec<(String, String)> = Vec::new();
    for it in items.iter() {
        let syn::Item::Struct(s) = it else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        for f in &fields.named {
            let (Some(field), text) = (&f.ident, doc_text(&f.attrs)) else {
                continue;
            };
            let mut names = Vec::new();
            mentioned(&f.ty, &mut names);
            for n in names {
                if let Some(pos) = bare.iter().position(|b| *b == n) {
                    let field = field.to_string();
                    let field = field.strip_prefix("r#").unwrap_or(&field);
                    let doc = if text.trim().is_empty() {
                        format!(
                            "The `{field}` field of [`{0}`](crate::types::{0}).",
                            s.ident
                        )
                    } else {
                        format!(
                            "The `{field}` field of [`{0}`](crate::types::{0}): {1}",
                            s.ident,
                            text.trim()
                        )
                    };
                    docs.push((bare.swap_remove(pos), doc));
                }
            }
        }
    }
    for it in items.iter_mut() {
        let (ident, attrs) = match it {
            syn::Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
            syn::Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
            _ => continue,
        };
        if let Some((_, doc)) = docs.iter().find(|(n, _)| *n == ident) {
            attrs.retain(|a| !a.path().is_ident("doc"));
            attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
    }
    docs.len()
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn push_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    attrs.insert(0, syn::parse_quote!(#[doc = #text]));
}

/// Docs for what typify leaves bare, so that `#![deny(missing_docs)]` covers the generated code
/// too: fields the spec says nothing about, `builder()`, the variants of untagged unions, and
/// typify's builders (`types::builder`) with their setters, which repeat the field's doc.
fn document_the_rest(items: &mut [syn::Item]) {
    // Type -> the first paragraph of its doc, for fields that hold it.
    let type_docs: Vec<(String, String)> = items
        .iter()
        .filter_map(|it| match it {
            syn::Item::Struct(s) => Some((s.ident.to_string(), doc_text(&s.attrs))),
            syn::Item::Enum(e) => Some((e.ident.to_string(), doc_text(&e.attrs))),
            _ => None,
        })
        .filter_map(|(ident, doc)| {
            let first = doc
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            (!first.is_empty()).then_some((ident, first))
        })
        .collect();
    // (type, field) -> the field's doc, for the setters.
    let mut field_docs: Vec<(String, String, String)> = Vec::new();
    for it in items.iter_mut() {
        match it {
            syn::Item::Struct(s) => {
                let ty = s.ident.to_string();
                let tuple = matches!(s.fields, syn::Fields::Unnamed(_));
                for f in s.fields.iter_mut() {
                    if tuple && !has_doc(&f.attrs) {
                        push_doc(&mut f.attrs, "The value itself.");
                    }
                    if !has_doc(&f.attrs) {
                        // A field the spec says nothing about may hold a type it does describe.
                        let mut names = Vec::new();
                        mentioned(&f.ty, &mut names);
                        let text = names
                            .iter()
                            .find_map(|n| type_docs.iter().find(|(t, _)| t == n))
                            .map(|(t, d)| format!("[`{t}`](crate::types::{t}): {d}"))
                            .unwrap_or_else(|| "Not described by the spec.".to_string());
                        push_doc(&mut f.attrs, &text);
                    }
                    if let Some(ident) = &f.ident {
                        field_docs.push((ty.clone(), ident.to_string(), doc_text(&f.attrs)));
                    }
                }
            }
            syn::Item::Enum(e) => {
                // Unit variants are string enum values: `forward_compatible` documents them
                // with their wire value.
                for v in e
                    .variants
                    .iter_mut()
                    .filter(|v| !has_doc(&v.attrs) && !matches!(v.fields, syn::Fields::Unit))
                {
                    let text = match v.ident.to_string().as_str() {
                        "Boolean" => "The value as a JSON boolean.".to_string(),
                        "String" => "The value as a JSON string.".to_string(),
                        "Integer" => "The value as a JSON integer.".to_string(),
                        "Number" => "The value as a JSON number.".to_string(),
                        "Object" => "The value as a JSON object.".to_string(),
                        "Array" => "The value as a JSON array.".to_string(),
                        other => format!("The `{other}` form of the value."),
                    };
                    push_doc(&mut v.attrs, &text);
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let ty = i.self_ty.to_token_stream().to_string();
                for f in i.items.iter_mut() {
                    if let syn::ImplItem::Fn(f) = f
                        && f.sig.ident == "builder"
                        && !has_doc(&f.attrs)
                    {
                        let text = format!(
                            "A builder of [`{ty}`]: set the fields by name, then convert it with \
                             `try_into()` (a required field left unset is an error, not a panic)."
                        );
                        push_doc(&mut f.attrs, &text);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(builders) = items.iter_mut().find_map(|it| match it {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|c| &mut c.1),
        _ => None,
    }) else {
        return;
    };
    for it in builders.iter_mut() {
        match it {
            syn::Item::Struct(s) if !has_doc(&s.attrs) => {
                let text = format!(
                    "Builder of [`super::{0}`] (from [`super::{0}::builder`]); `try_into()` makes \
                     the value.",
                    s.ident
                );
                push_doc(&mut s.attrs, &text);
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let ty = i.self_ty.to_token_stream().to_string();
                for f in i.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = f else { continue };
                    if has_doc(&f.attrs) {
                        continue;
                    }
                    let name = f.sig.ident.to_string();
                    let doc = field_docs
                        .iter()
                        .find(|(t, n, _)| *t == ty && *n == name)
                        .map(|(_, _, d)| d.trim().to_string())
                        .unwrap_or_default();
                    let shown = name.strip_prefix("r#").unwrap_or(&name);
                    let text = if doc.is_empty() {
                        format!("Sets [`{shown}`](super::{ty}::{shown}).")
                    } else {
                        format!("Sets [`{shown}`](super::{ty}::{shown}): {doc}")
                    };
                    push_doc(&mut f.attrs, &text);
                }
            }
            _ => {}
        }
    }
}

/// Remove one trait from the `#[derive(..)]` attributes.
fn remove_derive(attrs: &mut [syn::Attribute], name: &str) {
    for a in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        *a = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
