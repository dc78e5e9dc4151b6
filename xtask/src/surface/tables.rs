//! The data tables of the generated client: `OPERATIONS`, `roundtrip_success_body`, the schemars
//! functions, and `Client::call_operation` (any operation by its operationId, with JSON args).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Operation;
use super::progenitor::{Kind, type_text};

pub fn generate(ops: &[Operation], streams: &[Option<String>]) -> Result<TokenStream, String> {
    let table = ops.iter().zip(streams).map(|(op, stream)| {
        let id = &op.id;
        let rust_name = op.raw.method.to_string();
        let method = op.http_method;
        let path = &op.path;
        let tags = &op.tags;
        let idem = op.idempotency_key;
        let mut signature = signature(op);
        if let Some(stream) = stream {
            signature.push_str(&format!("; {stream}"));
        }
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
    let json_ops: Vec<&Operation> = ops
        .iter()
        .filter(|o| is_json_type(&o.raw.success))
        .collect();
    let schema_arms = json_ops.iter().map(|op| {
        let id = &op.id;
        let ty = &op.raw.success;
        quote! { #id => Some(schemars::schema_for!(#ty)), }
    });
    let body_arms = ops.iter().filter_map(|op| {
        let id = &op.id;
        let body = op
            .raw
            .params
            .iter()
            .find(|p| matches!(p.kind, Kind::Body { .. }))?;
        let ty = &body.ty;
        Some(quote! { #id => Some(schemars::schema_for!(#ty)), })
    });
    let roundtrip_arms = json_ops.iter().map(|op| {
        let id = &op.id;
        let ty = &op.raw.success;
        quote! {
            #id => Some(serde_json::from_value::<#ty>(body).and_then(|typed| serde_json::to_value(&typed))),
        }
    });
    let (invoke_arms, invoke_fns): (Vec<_>, Vec<_>) = ops.iter().map(invoke).unzip();
    Ok(quote! {
        /// Decode one argument of `Client::call_operation` (`None` when absent or null).
        fn call_arg<T: serde::de::DeserializeOwned>(
            operation: &'static str,
            args: &serde_json::Map<String, serde_json::Value>,
            name: &str,
        ) -> ::std::result::Result<Option<T>, crate::Error> {
            match args.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(value) => serde_json::from_value(value.clone()).map(Some).map_err(|e| crate::Error::InvalidRequest {
                    operation,
                    message: format!("argument {name:?}: {e}"),
                }),
            }
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
        pub static OPERATIONS: &[crate::Operation] = &[#(#table),*];

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

        impl crate::Client {
            /// Call an operation by its `operationId`, with its arguments as JSON: path, query
            /// and header parameters by name (absent optional ones may be left out), the request
            /// body under `"body"`. Returns the status and the typed response encoded back to
            /// JSON.
            ///
            /// For generic tooling (the `omnidim` CLI, the end-to-end tests); code that knows the
            /// operation should use its builder. Arguments that do not decode into the builder's
            /// types give [`crate::Error::InvalidRequest`] without sending anything.
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
}

/// One arm of `call_operation` and its function: each operation gets its own function returning
/// a boxed future (inline, the debug-build stack frame of `call_operation` held one ~10 KB
/// temporary per operation, over a test thread's 2 MiB stack at 115 operations).
fn invoke(op: &Operation) -> (TokenStream, TokenStream) {
    let id = &op.id;
    let method = &op.raw.method;
    let helper = format_ident!("__call_{}", method);
    let sets = op.raw.params.iter().map(|p| {
        let ident = &p.ident;
        let ty = &p.ty;
        let key = match p.kind {
            Kind::Body { .. } => "body".to_string(),
            _ => op
                .params
                .iter()
                .find(|s| *ident == s.rust_name)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| ident.to_string()),
        };
        quote! {
            if let Some(v) = call_arg::<#ty>(op, args, #key)? {
                request = request.#ident(v);
            }
        }
    });
    let encode = if is_json_type(&op.raw.success) {
        quote!(call_encode(op, response))
    } else {
        quote!(Ok((response.status().as_u16(), serde_json::Value::Null)))
    };
    (
        quote! { #id => self.#helper(args), },
        quote! {
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn #helper<'a>(
                &'a self,
                args: &'a serde_json::Map<String, serde_json::Value>,
            ) -> ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ::std::result::Result<(u16, serde_json::Value), crate::Error>> + Send + 'a>> {
                Box::pin(async move {
                    let op: &'static str = #id;
                    let mut request = self.#method();
                    #(#sets)*
                    let response = request.send().await?;
                    #encode
                })
            }
        },
    )
}

/// `list_call_logs()[.agentid(i64)][.pagesize(i64)].send() -> types::CallLogList`, for the
/// surface snapshots: required setters plain, optional ones in brackets (the stream method, if
/// any, is appended by the caller).
fn signature(op: &Operation) -> String {
    let mut s = format!("{}()", op.raw.method);
    for p in &op.raw.params {
        let ty = type_text(&p.ty);
        match p.kind {
            Kind::Required => s.push_str(&format!(".{}({ty})", p.ident)),
            Kind::Optional => s.push_str(&format!("[.{}({ty})]", p.ident)),
            Kind::Body { .. } => s.push_str(&format!(".body({ty})")),
        }
    }
    format!("{s}.send() -> {}", type_text(&op.raw.success))
}

/// `()` and `ByteStream` bodies are not JSON.
fn is_json_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Tuple(t) => !t.elems.is_empty(),
        other => !super::progenitor::is_path_named(other, "ByteStream"),
    }
}
