//! The public request builders: one per operation, in `omnidim::builder`, created by a method of
//! `omnidim::Client` (`client.get_bulk_call().bulk_call_id(314).send().await`).
//!
//! Each wraps progenitor's builder (which builds the URL, query, headers and body and decodes the
//! response) and adds what users of an evolving API need: setters that stay source compatible
//! when the spec gains an optional parameter, `header(..)` for one request, `send()` returning
//! `omnidim::Error` through one hand-written call path (`omnidim::call`), and `stream()` on list
//! operations whose pagination the spec describes (`x-omnidim-pagination`).

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::progenitor::{Kind, first_generic, is_path_named};
use super::{Operation, Pagination};

/// The `pub mod builder` of wrappers, the `impl Client` that creates them, and the page-size
/// accessors added to progenitor's builders (as `(progenitor module items, file items)`).
/// What [`generate`] makes.
pub struct Generated {
    /// Page-size accessors to add to progenitor's builder module.
    pub accessors: Vec<syn::Item>,
    /// `pub mod builder` and the `impl Client` creating its builders.
    pub builders: TokenStream,
    /// Per operation, its stream method and item type (`.stream() -> types::Call`).
    pub streams: Vec<Option<String>>,
}

pub fn generate(ops: &[Operation], types: &[syn::Item]) -> Result<Generated, String> {
    let mut streams = Vec::new();
    let mut wrappers = Vec::new();
    let mut methods = Vec::new();
    let mut accessors = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let (tokens, stream) = wrapper(index, op, types)?;
        wrappers.push(tokens);
        streams.push(stream);
        methods.push(client_method(op));
        if let Some(p) = &op.pagination {
            accessors.push(page_size_accessor(op, p)?);
        }
    }
    let accessors: syn::File =
        syn::parse2(quote!(#(#accessors)*)).map_err(|e| format!("page-size accessors: {e}"))?;
    Ok(Generated {
        accessors: accessors.items,
        builders: quote! {
            /// Request builders, one per operation: created by the methods of
            /// [`crate::Client`], sent with `.send()` (and, for lists, consumed with `.stream()`).
            ///
            /// Setters take anything that converts into the parameter's type; a conversion that
            /// fails, or a required parameter left unset, is reported by `send` as
            /// [`crate::Error::InvalidRequest`] before anything is sent. Builders are cheap to
            /// clone, so one can serve as a template for many requests.
            pub mod builder {
                #[allow(unused_imports)]
                use super::{types, ResponseValue, OPERATIONS};
                use super::progenitor_builder as raw;
                #(#wrappers)*
            }
            impl crate::Client {
                #(#methods)*
            }
        },
        streams,
    })
}

fn client_method(op: &Operation) -> TokenStream {
    let method = &op.raw.method;
    let builder = &op.raw.builder;
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(&super::link_bare_urls(description.trim_end()));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`). Set the parameters on the returned [`builder::{builder}`], then \
         call [`send`](builder::{builder}::send){}.",
        op.http_method,
        op.path,
        op.id,
        match op.pagination.as_ref().map(|p| p.items.is_some()) {
            Some(true) =>
                format!(" for one page or [`stream`](builder::{builder}::stream) for every item"),
            Some(false) =>
                format!(" for one page or [`pages`](builder::{builder}::pages) for every page"),
            None => String::new(),
        }
    ));
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> builder::#builder<'_> {
            builder::#builder::new(self)
        }
    }
}

fn wrapper(
    index: usize,
    op: &Operation,
    types: &[syn::Item],
) -> Result<(TokenStream, Option<String>), String> {
    let raw = &op.raw;
    let builder = &raw.builder;
    let method = &raw.method;
    let success = &raw.success;
    let struct_doc = format!(
        "Request builder of [`Client::{method}`](crate::Client::{method}): `{} {}` (operation `{}`).",
        op.http_method, op.path, op.id
    );
    // Bodies that are an empty JSON object are sent as `{}` without the caller saying so.
    let seed_body = raw.params.iter().find_map(|p| match p.kind {
        Kind::Body { builder: false } if is_empty_object(&p.ty, types) => {
            let ty = &p.ty;
            Some(quote!(.body(#ty(::serde_json::Map::new()))))
        }
        _ => None,
    });
    let setters = raw
        .setters
        .iter()
        .map(|f| setter(op, f))
        .collect::<Result<Vec<_>, _>>()?;
    let (stream, stream_signature) = match &op.pagination {
        Some(p) => {
            let (tokens, signature) = stream_method(index, op, p, types)?;
            (tokens, Some(signature))
        }
        None => (quote!(), None),
    };
    let tokens = quote! {
        #[doc = #struct_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request builder sends nothing until `.send()`"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            inner: raw::#builder<'a>,
            headers: crate::call::ExtraHeaders,
        }
        impl<'a> #builder<'a> {
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self {
                    client,
                    inner: raw::#builder::new(&client.raw) #seed_body,
                    headers: ::std::default::Default::default(),
                }
            }
            #(#setters)*
            /// Send one more header with this request, e.g. `Prefer: code=404` to a mock. A name
            /// or value that is not valid HTTP, or a header the client manages itself
            /// (`Authorization`, `Content-Type`, `Content-Length`, `Host`), makes `send` fail
            /// with [`crate::Error::InvalidRequest`].
            pub fn header<K, V>(mut self, name: K, value: V) -> Self
            where
                K: ::std::convert::TryInto<::reqwest::header::HeaderName>,
                V: ::std::convert::TryInto<::reqwest::header::HeaderValue>,
            {
                self.headers.insert(name, value);
                self
            }
            /// Send the request. Read-only requests are retried under the client's
            /// [`RetryPolicy`](crate::RetryPolicy); others never are (see [`crate::retry`]).
            pub async fn send(self) -> ::std::result::Result<ResponseValue<#success>, crate::Error> {
                let Self { inner, headers, .. } = self;
                crate::call::send(&OPERATIONS[#index], headers, inner.send()).await
            }
            /// [`send`](Self::send), and the response body as received: fields the spec does not
            /// document (dropped from the typed value) can be read from it.
            pub async fn send_with_body(self) -> ::std::result::Result<(ResponseValue<#success>, ::bytes::Bytes), crate::Error> {
                let Self { inner, headers, .. } = self;
                crate::call::send_with_body(&OPERATIONS[#index], headers, inner.send()).await
            }
            #stream
        }
    };
    Ok((tokens, stream_signature))
}

/// A forwarding setter with progenitor's signature and the spec's words as its doc.
fn setter(op: &Operation, f: &syn::ImplItemFn) -> Result<TokenStream, String> {
    let name = &f.sig.ident;
    let generics = &f.sig.generics;
    let where_clause = &f.sig.generics.where_clause;
    let arg = f
        .sig
        .inputs
        .iter()
        .find_map(|i| match i {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(p) => Some((p.ident.clone(), t.ty.clone())),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .ok_or_else(|| format!("setter `{name}` of `{}` has no argument", op.raw.builder))?;
    let (arg, ty) = arg;
    let doc = setter_doc(op, &name.to_string());
    Ok(quote! {
        #[doc = #doc]
        pub fn #name #generics (mut self, #arg: #ty) -> Self #where_clause {
            self.inner = self.inner.#name(#arg);
            self
        }
    })
}

fn setter_doc(op: &Operation, setter: &str) -> String {
    if setter == "body" {
        let mut doc = op
            .body_description
            .as_deref()
            .map(super::link_bare_urls)
            .unwrap_or_else(|| "The request body.".into());
        doc.push_str("\n\nReplaces the whole body.");
        return doc;
    }
    if setter == "body_map" {
        return "Change the request body through its builder, e.g. `.body_map(|b| b.name(\"x\"))`. \
                Fields never set keep their defaults; a required field left unset makes `send` \
                fail with [`crate::Error::InvalidRequest`]."
            .into();
    }
    let Some(p) = op.params.iter().find(|p| p.rust_name == setter) else {
        return format!("Sets `{setter}`.");
    };
    let mut doc = super::link_bare_urls(p.description.as_deref().unwrap_or_default());
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "{} parameter `{}`{}.",
        match p.location.as_str() {
            "path" => "Path",
            "query" => "Query",
            "header" => "Header",
            other => other,
        },
        p.name,
        if p.required {
            ", required"
        } else {
            ", optional"
        }
    ));
    doc
}

/// Whether `types::X` is a transparent newtype over a JSON object (the spec's empty body).
fn is_empty_object(ty: &syn::Type, types: &[syn::Item]) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    types.iter().any(|it| match it {
        syn::Item::Struct(s) if s.ident == last.ident => {
            matches!(&s.fields, syn::Fields::Unnamed(u) if u.unnamed.len() == 1
                && u.unnamed.iter().all(|f| is_path_named(&f.ty, "Map")))
        }
        _ => false,
    })
}

/// `impl raw::X { pub(super) fn current_page_size(&self) -> Option<T> }` in progenitor's module, where
/// the builder's fields are visible.
fn page_size_accessor(op: &Operation, p: &Pagination) -> Result<TokenStream, String> {
    let builder = &op.raw.builder;
    let size = format_ident!("{}", p.size.to_snake_case());
    let param = op
        .raw
        .param(&size.to_string())
        .ok_or_else(|| format!("{}: page-size parameter `{}` not found", op.id, p.size))?;
    let ty = &param.ty;
    let value = match param.kind {
        Kind::Optional => quote!(self.#size.as_ref().ok().cloned().flatten()),
        _ => quote!(self.#size.as_ref().ok().cloned()),
    };
    Ok(quote! {
        impl<'a> #builder<'a> {
            pub(super) fn current_page_size(&self) -> ::std::option::Option<#ty> {
                #value
            }
        }
    })
}

fn stream_method(
    index: usize,
    op: &Operation,
    p: &Pagination,
    types: &[syn::Item],
) -> Result<(TokenStream, String), String> {
    let size = format_ident!("{}", p.size.to_snake_case());
    let default_size = p.default_size;
    let success = &op.raw.success;
    let strukt = response_struct(success, types);
    let (item_ty, items_expr) = match (&p.items, strukt) {
        // Items undocumented: whole pages.
        (None, _) => (quote!(#success), quote!(vec![r])),
        (Some(key), Some(s)) => {
            let field = field_named(s, key).ok_or_else(|| {
                format!(
                    "{}: response has no field `{key}` (x-omnidim-pagination.items)",
                    op.id
                )
            })?;
            let ident = field.ident.clone();
            match first_generic(&field.ty, "Option")
                .and_then(|t| first_generic(&t, "Vec"))
                .or_else(|| first_generic(&field.ty, "Vec"))
            {
                Some(item) => {
                    let item = in_types(item);
                    (
                        quote!(#item),
                        quote!(::std::iter::IntoIterator::into_iter(r.#ident).collect()),
                    )
                }
                // A field typed only as JSON: its array items, as JSON.
                None => (
                    quote!(::serde_json::Value),
                    quote!(crate::paginate::json_array(r.#ident)),
                ),
            }
        }
        // An open response object: items as the JSON the API sends.
        (Some(key), None) => (
            quote!(::serde_json::Value),
            quote!(crate::paginate::json_array(r.get(#key).cloned())),
        ),
    };
    let total_expr = match (&p.total, strukt) {
        (Some(t), Some(s)) => {
            let f = field_named(s, t)
                .ok_or_else(|| format!("{}: response has no field `{t}`", op.id))?;
            let fi = &f.ident;
            quote!(crate::paginate::Count::count(&r.#fi))
        }
        (Some(t), None) => quote!(crate::paginate::Count::count(&r.get(#t).cloned())),
        (None, _) => quote!(None),
    };
    let next_cursor = match (&p.next, strukt) {
        (Some(key), Some(s)) => {
            let f = field_named(s, key)
                .ok_or_else(|| format!("{}: response has no field `{key}`", op.id))?;
            let fi = &f.ident;
            quote!(crate::paginate::cursor_of(&r.#fi))
        }
        (Some(key), None) => quote!(crate::paginate::cursor_of(&r.get(#key).cloned())),
        (None, _) => quote!(None),
    };
    let page_body = quote! {
        let r = request.send().await?.into_inner();
        let next_cursor = #next_cursor;
        let total = #total_expr;
        Ok(crate::paginate::Page { items: #items_expr, total, next_cursor })
    };
    let (engine, fetch) = match p.style {
        PageStyle::Number => {
            let page = format_ident!("{}", p.page.as_deref().unwrap_or("page").to_snake_case());
            let page_ty = &op
                .raw
                .param(&page.to_string())
                .ok_or_else(|| format!("{}: page parameter `{page}` not found", op.id))?
                .ty;
            (
                quote!(crate::paginate::by_page_number),
                quote! {
                    move |page: u64, size| {
                        let request = match <#page_ty as crate::paginate::PageNumber>::from_u64(page) {
                            Some(page) => Ok(this.clone().#page(page).#size(size)),
                            None => Err(page),
                        };
                        async move {
                            let request = request.map_err(|page| crate::paginate::bad_page(op, page))?;
                            #page_body
                        }
                    }
                },
            )
        }
        PageStyle::Cursor => {
            let cursor = format_ident!(
                "{}",
                p.cursor.as_deref().unwrap_or("cursor").to_snake_case()
            );
            (
                quote!(crate::paginate::by_cursor),
                quote! {
                    move |cursor: ::std::option::Option<::std::string::String>, size| {
                        let request = match cursor {
                            Some(c) => this.clone().#cursor(c).#size(size),
                            None => this.clone().#size(size),
                        };
                        async move {
                            #page_body
                        }
                    }
                },
            )
        }
    };
    let ends = match (&p.total, &p.next) {
        (Some(t), _) => format!(", when `{t}` items have been seen"),
        (None, Some(n)) => format!(", or when `{n}` is missing"),
        _ => String::new(),
    };
    let (name, what) = match &p.items {
        Some(items) => (
            format_ident!("stream"),
            format!("Every item of every page (`{items}` of each response)"),
        ),
        None => (
            format_ident!("pages"),
            "Every page, as a whole response (the item key is undocumented)".to_string(),
        ),
    };
    let doc = format!(
        "{what}, fetched lazily: the next page is requested when this one is used up. The other \
         parameters set on this builder apply to every page. Page size: `{}` if set, else \
         {default_size}.\n\n\
         The stream ends after a short or empty page{ends}; it fails with \
         [`crate::Error::Pagination`] if a page repeats the previous one (the server ignores the \
         page parameter) or the client's page budget ([`crate::ClientBuilder::max_pages`]) is \
         spent.",
        p.size,
    );
    let signature = format!(".{name}() -> {}", super::progenitor::type_text(&item_ty));
    let tokens = quote! {
        #[doc = #doc]
        pub fn #name(self) -> crate::paginate::ItemStream<'a, #item_ty> {
            let op = &OPERATIONS[#index];
            let size = self.inner.current_page_size()
                .or_else(|| crate::paginate::PageNumber::from_u64(#default_size));
            let Some(size) = size else {
                return crate::paginate::failed(crate::paginate::bad_page(op, #default_size));
            };
            let budget = self.client.max_pages();
            let this = self;
            #engine(op, budget, size, #fetch)
        }
    };
    Ok((tokens, signature))
}

/// A type as written inside `mod types` (`Agent`), as seen from `mod builder` (`types::Agent`).
fn in_types(ty: syn::Type) -> syn::Type {
    match &ty {
        syn::Type::Path(p)
            if p.qself.is_none()
                && p.path.segments.len() == 1
                && p.path.leading_colon.is_none() =>
        {
            let name = p.path.segments[0].ident.to_string();
            let builtin = [
                "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
                "String",
            ];
            if builtin.contains(&name.as_str()) {
                ty
            } else {
                syn::parse_quote!(types::#p)
            }
        }
        _ => ty,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    Number,
    Cursor,
}

fn response_struct<'t>(success: &syn::Type, types: &'t [syn::Item]) -> Option<&'t syn::ItemStruct> {
    let syn::Type::Path(p) = success else {
        return None;
    };
    let last = p.path.segments.last()?;
    types.iter().find_map(|it| match it {
        syn::Item::Struct(s)
            if s.ident == last.ident && matches!(s.fields, syn::Fields::Named(_)) =>
        {
            Some(s)
        }
        _ => None,
    })
}

fn field_named<'s>(s: &'s syn::ItemStruct, key: &str) -> Option<&'s syn::Field> {
    s.fields.iter().find(|f| {
        f.ident.as_ref().is_some_and(|i| {
            let i = i.to_string();
            i == key || i.trim_end_matches('_') == key || serde_rename_of(f).as_deref() == Some(key)
        })
    })
}

fn serde_rename_of(f: &syn::Field) -> Option<String> {
    let mut out = None;
    for a in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                out = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    out
}

/// Read `x-omnidim-pagination` of an operation (see the spec's info.description).
pub fn pagination_of(
    op: &Value,
    id: &str,
    size_maximum: impl Fn(&str) -> Option<u64>,
) -> Result<Option<Pagination>, String> {
    let Some(p) = op.get("x-omnidim-pagination") else {
        return Ok(None);
    };
    let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
    let style = match s("style").as_deref() {
        Some("page") => PageStyle::Number,
        Some("cursor") => PageStyle::Cursor,
        other => {
            return Err(format!(
                "{id}: x-omnidim-pagination.style {other:?} is not page or cursor"
            ));
        }
    };
    let size = s("size").ok_or_else(|| format!("{id}: x-omnidim-pagination.size missing"))?;
    let items = s("items");
    let default_size = p
        .get("default_size")
        .and_then(Value::as_u64)
        .or_else(|| size_maximum(&size))
        .unwrap_or(50);
    let pagination = Pagination {
        style,
        page: s("page"),
        size,
        items,
        total: s("total"),
        cursor: s("cursor"),
        next: s("next"),
        default_size,
    };
    match style {
        PageStyle::Number if pagination.page.is_none() || pagination.items.is_none() => Err(
            format!("{id}: x-omnidim-pagination.page and .items are required for style page"),
        ),
        PageStyle::Cursor if pagination.cursor.is_none() || pagination.next.is_none() => {
            Err(format!("{id}: x-omnidim-pagination.cursor/next missing"))
        }
        _ => Ok(Some(pagination)),
    }
}
