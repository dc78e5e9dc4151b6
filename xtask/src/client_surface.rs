//! What xtask adds to progenitor's output, in the same generated file:
//!
//! - one method per operation on the hand-written `omnidim::Client`, forwarding to progenitor's
//!   method and turning its error into `omnidim::Error` that names the operation;
//! - `OPERATIONS`, the table of operations (spec operationId, Rust name, method, path, tags);
//! - `roundtrip_success_body`, which decodes a body into an operation's generated success type
//!   and encodes it back (what the spec-example tests and `omnidim validate` build on).
//!
//! Everything is derived from progenitor's own method signatures (parsed with `syn`), so the
//! wrappers cannot drift from the methods they forward to.

use heck::ToSnakeCase;
use omnidim_spec::Spec;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

struct Method {
    func: syn::ImplItemFn,
    success: syn::Type,
    operation_id: String,
    http_method: &'static str,
    path: String,
    tags: Vec<String>,
    idempotency_key: bool,
}

pub fn extend(spec: &Spec, file: &mut syn::File) -> Result<(), String> {
    derive_json_schema(file);
    let methods = collect_methods(spec, file)?;
    let wrappers = methods
        .iter()
        .enumerate()
        .map(|(i, m)| wrapper(i, m))
        .collect::<Result<Vec<_>, _>>()?;
    let table = methods.iter().map(|m| {
        let id = &m.operation_id;
        let rust_name = m.func.sig.ident.to_string();
        let method = m.http_method;
        let path = &m.path;
        let tags = &m.tags;
        let idem = m.idempotency_key;
        let signature = signature(m);
        quote! {
            crate::Operation {
                id: #id,
                rust_name: #rust_name,
                method: #method,
                path: #path,
                tags: &[#(#tags),*],
                accepts_idempotency_key: #idem,
                signature: #signature,
            }
        }
    });
    let schema_arms = methods
        .iter()
        .filter(|m| is_json_type(&m.success))
        .map(|m| {
            let id = &m.operation_id;
            let ty = &m.success;
            quote! { #id => Some(schemars::schema_for!(#ty)), }
        });
    let body_arms = methods.iter().filter_map(|m| {
        let id = &m.operation_id;
        let ty = body_type(&m.func)?;
        Some(quote! { #id => Some(schemars::schema_for!(#ty)), })
    });
    let count = methods.len();
    let (invoke_arms, invoke_fns): (Vec<_>, Vec<_>) = methods
        .iter()
        .map(invoke_arm)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let roundtrip_arms = methods.iter().filter(|m| is_json_type(&m.success)).map(|m| {
        let id = &m.operation_id;
        let ty = &m.success;
        quote! {
            #id => Some(serde_json::from_value::<#ty>(body).and_then(|typed| serde_json::to_value(&typed))),
        }
    });
    let extra: syn::File = syn::parse2(quote! {
        /// Decode one argument of `Client::call_operation`.
        fn call_arg<T: serde::de::DeserializeOwned>(
            operation: &'static str,
            args: &serde_json::Map<String, serde_json::Value>,
            name: &str,
        ) -> ::std::result::Result<T, crate::Error> {
            let value = args.get(name).cloned().unwrap_or(serde_json::Value::Null);
            serde_json::from_value(value).map_err(|e| crate::Error::InvalidRequest {
                operation,
                message: format!("argument {name:?}: {e}"),
            })
        }
        /// Encode the typed result of `Client::call_operation`.
        fn call_encode<T: serde::Serialize>(
            operation: &'static str,
            response: ResponseValue<T>,
        ) -> ::std::result::Result<(u16, serde_json::Value), crate::Error> {
            let status = response.status().as_u16();
            serde_json::to_value(response.into_inner())
                .map(|v| (status, v))
                .map_err(|e| crate::Error::InvalidRequest { operation, message: format!("cannot encode the response: {e}") })
        }

        /// Every operation of the spec, in spec order.
        pub static OPERATIONS: [crate::Operation; #count] = [#(#table),*];

        /// Decode `body` into the generated success type of `operation_id` and encode it back.
        ///
        /// `None` when the operation is unknown or has no JSON success body. Tests use this to
        /// prove that every example of the spec fits the generated types.
        pub fn roundtrip_success_body(
            operation_id: &str,
            body: serde_json::Value,
        ) -> Option<Result<serde_json::Value, serde_json::Error>> {
            match operation_id {
                #(#roundtrip_arms)*
                _ => None,
            }
        }

        /// The JSON Schema (schemars) of the generated success type of `operation_id`: what Rust
        /// users get, for comparing with the spec (feature `schemars`).
        #[cfg(feature = "schemars")]
        pub fn success_type_schema(operation_id: &str) -> Option<schemars::Schema> {
            match operation_id {
                #(#schema_arms)*
                _ => None,
            }
        }

        /// The JSON Schema (schemars) of the generated request body type of `operation_id`
        /// (feature `schemars`).
        #[cfg(feature = "schemars")]
        pub fn request_body_type_schema(operation_id: &str) -> Option<schemars::Schema> {
            match operation_id {
                #(#body_arms)*
                _ => None,
            }
        }

        /// One method per operation; each forwards to the generated [`Client`] and returns
        /// [`crate::Error`], which names the operation.
        impl crate::Client {
            #(#wrappers)*

            /// Call an operation by its `operationId`, with its arguments as JSON: path and query
            /// parameters by name (absent optional ones may be left out), the request body under
            /// `"body"`. Returns the status and the typed response encoded back to JSON.
            ///
            /// For generic tooling (the `omnidim` CLI, the end-to-end tests); code that knows the
            /// operation should call its typed method. Arguments that do not decode into the
            /// method's types give [`crate::Error::InvalidRequest`] without sending anything.
            pub async fn call_operation(
                &self,
                operation_id: &str,
                args: &serde_json::Map<String, serde_json::Value>,
            ) -> ::std::result::Result<(u16, serde_json::Value), crate::Error> {
                let call: ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ::std::result::Result<(u16, serde_json::Value), crate::Error>> + Send + '_>> = match operation_id {
                    #(#invoke_arms)*
                    other => {
                        return Err(crate::Error::InvalidRequest {
                            operation: "call_operation",
                            message: format!("unknown operationId {other:?}"),
                        })
                    }
                };
                call.await
            }

            #(#invoke_fns)*
        }
    })
    .map_err(|e| format!("generated surface does not parse: {e}"))?;
    file.items.extend(extra.items);
    Ok(())
}

/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` on every type of `mod types`,
/// so the client surface can be rendered from the Rust types without a default dependency.
fn derive_json_schema(file: &mut syn::File) {
    let attr: syn::Attribute =
        syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        for it in items.iter_mut() {
            match it {
                syn::Item::Struct(s) if s.ident != "ConversionError" => s.attrs.push(attr.clone()),
                syn::Item::Enum(e) => e.attrs.push(attr.clone()),
                _ => {}
            }
        }
    }
}

/// One arm of `Client::call_operation`: decode each argument into the method's parameter type
/// (owned: `&'a str` as `String`, `&'a T` as `T`, `Option<&'a str>` as `Option<String>`), call the
/// typed method, encode the result.
fn invoke_arm(m: &Method) -> Result<(TokenStream, TokenStream), String> {
    let id = &m.operation_id;
    let name = &m.func.sig.ident;
    let mut decls = Vec::new();
    let mut pass = Vec::new();
    for input in &m.func.sig.inputs {
        let syn::FnArg::Typed(t) = input else {
            continue;
        };
        let syn::Pat::Ident(pat) = &*t.pat else {
            return Err(format!("unexpected parameter pattern in `{name}`"));
        };
        let ident = &pat.ident;
        let key = ident.to_string();
        let (owned, call): (TokenStream, TokenStream) = match &*t.ty {
            syn::Type::Reference(r) if is_str(&r.elem) => (quote!(String), quote!(&#ident)),
            syn::Type::Reference(r) => {
                let elem = &r.elem;
                (quote!(#elem), quote!(&#ident))
            }
            ty => match option_of_reference(ty) {
                Some(inner) if is_str(&inner) => {
                    (quote!(Option<String>), quote!(#ident.as_deref()))
                }
                Some(inner) => (quote!(Option<#inner>), quote!(#ident.as_ref())),
                None => (quote!(#ty), quote!(#ident)),
            },
        };
        decls.push(quote! { let #ident: #owned = call_arg(op, args, #key)?; });
        pass.push(call);
    }
    let success = &m.success;
    let encode = if is_json_type(success) {
        quote!(call_encode(op, response))
    } else {
        quote!(Ok((response.status().as_u16(), serde_json::Value::Null)))
    };
    // Each operation gets its own function returning a boxed future: with the futures inline,
    // the debug-build stack frame of `call_operation` held one ~10 KB temporary per operation
    // (over a test thread's 2 MiB stack at 115 operations).
    let helper = format_ident!("__call_{}", name);
    Ok((
        quote! { #id => self.#helper(args), },
        quote! {
            #[allow(non_snake_case, unused_variables)]
            fn #helper<'a>(
                &'a self,
                args: &'a serde_json::Map<String, serde_json::Value>,
            ) -> ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ::std::result::Result<(u16, serde_json::Value), crate::Error>> + Send + 'a>> {
                Box::pin(async move {
                    let op: &'static str = #id;
                    #(#decls)*
                    let response = self.#name(#(#pass),*).await?;
                    #encode
                })
            }
        },
    ))
}

fn is_str(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("str"))
}

/// `T` of `Option<&'a T>`.
fn option_of_reference(ty: &syn::Type) -> Option<syn::Type> {
    let args = last_generic_args(ty, "Option")?;
    match args.first()? {
        syn::GenericArgument::Type(syn::Type::Reference(r)) => Some((*r.elem).clone()),
        _ => None,
    }
}

/// `T` of the `body: &'a T` parameter, if the method takes a body.
fn body_type(func: &syn::ImplItemFn) -> Option<syn::Type> {
    func.sig.inputs.iter().find_map(|i| match i {
        syn::FnArg::Typed(t) => match (&*t.pat, &*t.ty) {
            (syn::Pat::Ident(id), syn::Type::Reference(r)) if id.ident == "body" => {
                Some((*r.elem).clone())
            }
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    })
}

/// `get_bulk_call(bulk_call_id: i64) -> types::GetBulkCallResponse`, for the surface snapshots.
fn signature(m: &Method) -> String {
    let params: Vec<String> = m
        .func
        .sig
        .inputs
        .iter()
        .filter_map(|i| match i {
            syn::FnArg::Typed(t) => Some(format!("{}: {}", tokens(&t.pat), tokens(&t.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    format!(
        "{}({}) -> {}",
        m.func.sig.ident,
        params.join(", "),
        tokens(&m.success)
    )
}

/// Compact text of a type or pattern (`&'a types::Foo`, `Option<i64>`).
fn tokens(t: &impl quote::ToTokens) -> String {
    let text = t.to_token_stream().to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& '", "&'")
        .replace("& ", "&")
        .replace("' a ", "'a ")
}

fn collect_methods(spec: &Spec, file: &syn::File) -> Result<Vec<Method>, String> {
    let operations = spec.operations();
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_path_named(&imp.self_ty, "Client") {
            continue;
        }
        for impl_item in &imp.items {
            let syn::ImplItem::Fn(func) = impl_item else {
                continue;
            };
            if func.sig.asyncness.is_none() {
                continue;
            }
            let name = func.sig.ident.to_string();
            let op = operations
                .iter()
                .find(|o| {
                    o.operation_id
                        .as_deref()
                        .map(|id| id.to_snake_case())
                        .as_deref()
                        == Some(name.as_str())
                })
                .ok_or_else(|| {
                    format!("progenitor method `{name}` matches no operationId of the spec")
                })?;
            let success = success_type(&func.sig.output).ok_or_else(|| {
                format!("cannot read the success type of progenitor method `{name}`")
            })?;
            let op_value = spec
                .document()
                .pointer(&op.pointer)
                .cloned()
                .unwrap_or(Value::Null);
            out.push(Method {
                func: func.clone(),
                success,
                operation_id: op.operation_id.clone().unwrap_or_default(),
                http_method: op.method.as_str(),
                path: op.path.clone(),
                tags: op.tags.clone(),
                idempotency_key: accepts_idempotency_key(spec, &op_value),
            });
        }
    }
    // Keep spec order, whatever order progenitor emitted.
    let order = |m: &Method| {
        operations
            .iter()
            .position(|o| o.operation_id.as_deref() == Some(m.operation_id.as_str()))
    };
    out.sort_by_key(order);
    if out.len() != operations.len() {
        let missing: Vec<_> = operations
            .iter()
            .filter_map(|o| o.operation_id.clone())
            .filter(|id| !out.iter().any(|m| &m.operation_id == id))
            .collect();
        return Err(format!(
            "progenitor generated no method for: {}",
            missing.join(", ")
        ));
    }
    Ok(out)
}

fn accepts_idempotency_key(spec: &Spec, op: &Value) -> bool {
    op.get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|params| {
            params.iter().filter_map(|p| spec.deref(p)).any(|p| {
                p.get("in").and_then(Value::as_str) == Some("header")
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"))
            })
        })
}

fn is_path_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result_args = last_generic_args(ty, "Result")?;
    let syn::GenericArgument::Type(ok) = result_args.first()? else {
        return None;
    };
    let rv_args = last_generic_args(ok, "ResponseValue")?;
    match rv_args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn last_generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::GenericArgument>> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => Some(a.args.iter().cloned().collect()),
        _ => None,
    }
}

/// `()` and `ByteStream` bodies are not JSON.
fn is_json_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Tuple(t) => !t.elems.is_empty(),
        other => !is_path_named(other, "ByteStream"),
    }
}

fn wrapper(index: usize, m: &Method) -> Result<TokenStream, String> {
    let name = &m.func.sig.ident;
    let generics = &m.func.sig.generics;
    let inputs = &m.func.sig.inputs;
    let docs = m.func.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let success = &m.success;
    let mut args = Vec::new();
    for input in inputs {
        match input {
            syn::FnArg::Receiver(_) => {}
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i) => args.push(i.ident.clone()),
                _ => return Err(format!("unexpected parameter pattern in `{name}`")),
            },
        }
    }
    let op_doc = format!(
        "\n\nOperation `{}` (`{} {}`). Errors are [`crate::Error`] naming this operation.",
        m.operation_id, m.http_method, m.path
    );
    let raw = format_ident!("raw");
    Ok(quote! {
        #(#docs)*
        #[doc = #op_doc]
        pub async fn #name #generics (#inputs) -> ::std::result::Result<ResponseValue<#success>, crate::Error> {
            let (result, record) = crate::hooks::record(self.#raw.#name(#(#args),*)).await;
            crate::hooks::finish(&OPERATIONS[#index], result, record).await
        }
    })
}
