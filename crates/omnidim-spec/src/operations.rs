use serde_json::Value;

use crate::{Spec, pointer};

/// The HTTP methods an OpenAPI path item can hold, in the order OpenAPI lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The lower-case key used in a path item (`get`, `post`, ...).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The upper-case name used on the wire (`GET`, `POST`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// One operation of the spec, with enough detail to route, validate and report on it.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The `operationId`, or `None` when the spec lacks one (a lint error).
    pub operation_id: Option<String>,
    pub method: HttpMethod,
    /// The path template as written, e.g. `/calls/bulk_call/{bulk_call_id}`.
    pub path: String,
    pub tags: Vec<String>,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The documented responses, in document order.
    pub responses: Vec<OperationResponse>,
}

/// A parameter of an operation, as [`Spec::parameters`] lists it.
#[derive(Clone, Debug)]
pub struct Parameter<'s> {
    /// JSON pointer of the entry in the `parameters` list (where it is used).
    pub at: String,
    /// JSON pointer of the parameter object (the `$ref` target for a referenced one).
    pub pointer: String,
    /// The parameter object.
    pub value: &'s Value,
}

/// One documented response of an operation (status key as written: `200`, `4XX`, `default`).
#[derive(Clone, Debug)]
pub struct OperationResponse {
    pub status: String,
    /// JSON pointer of the response object (after following a `$ref` to `components/responses`).
    pub pointer: String,
    /// Media types with the JSON pointer of their schema, if they have one.
    pub content: Vec<(String, Option<String>)>,
}

impl Spec {
    /// Every operation, in document order of paths then of methods.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        let Some(paths) = self.document().get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let item_pointer = pointer::push("/paths", path);
            for method in HttpMethod::ALL {
                let Some(op) = item.get(method.key()) else {
                    continue;
                };
                let op_pointer = pointer::push(&item_pointer, method.key());
                out.push(Operation {
                    operation_id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    method,
                    path: path.clone(),
                    tags: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|t| {
                            t.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    responses: self.responses_of(op, &op_pointer),
                    pointer: op_pointer,
                });
            }
        }
        out
    }

    /// The parameters of the operation at `op_pointer`, path-level ones first. A `$ref`
    /// parameter is followed; a dangling one is left out (lint reports it). An operation-level
    /// parameter overriding a path-level one appears after it.
    pub fn parameters(&self, op_pointer: &str) -> Vec<Parameter<'_>> {
        let doc = self.document();
        let item_pointer = op_pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let mut out = Vec::new();
        for holder in [item_pointer, op_pointer.to_string()] {
            let Some(params) = doc
                .pointer(&holder)
                .and_then(|h| h.get("parameters"))
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, p) in params.iter().enumerate() {
                let at = pointer::push(&pointer::push(&holder, "parameters"), &i.to_string());
                let (pointer, value) = match p.get("$ref").and_then(Value::as_str) {
                    Some(r) => (r.trim_start_matches('#').to_string(), self.deref(p)),
                    None => (at.clone(), Some(p)),
                };
                if let Some(value) = value {
                    out.push(Parameter { at, pointer, value });
                }
            }
        }
        out
    }

    /// Find one operation by its `operationId`.
    pub fn operation(&self, operation_id: &str) -> Option<Operation> {
        self.operations()
            .into_iter()
            .find(|o| o.operation_id.as_deref() == Some(operation_id))
    }

    fn responses_of(&self, op: &Value, op_pointer: &str) -> Vec<OperationResponse> {
        let mut out = Vec::new();
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return out;
        };
        let responses_pointer = pointer::push(op_pointer, "responses");
        for (status, response) in responses {
            let mut response_pointer = pointer::push(&responses_pointer, status);
            let mut response = response;
            if let Some(r) = response.get("$ref").and_then(Value::as_str)
                && let Some(target) = self.resolve_ref(r)
            {
                response = target;
                response_pointer = r.trim_start_matches('#').to_string();
            }
            let content = response
                .get("content")
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(media, m)| {
                            let media_pointer =
                                pointer::push(&pointer::push(&response_pointer, "content"), media);
                            let schema = m
                                .get("schema")
                                .map(|_| pointer::push(&media_pointer, "schema"));
                            (media.clone(), schema)
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(OperationResponse {
                status: status.clone(),
                pointer: response_pointer,
                content,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.1.0
paths:
  /a/{id}:
    get:
      operationId: getA
      tags: [A]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
        '401': {$ref: '#/components/responses/Unauthorized'}
    delete:
      operationId: deleteA
      responses: {}
components:
  responses:
    Unauthorized:
      description: no
      content:
        application/json:
          schema: {type: object}
"##;

    #[test]
    fn lists_operations_in_document_order() {
        let spec = Spec::from_yaml_str(DOC, "t").unwrap();
        let ops = spec.operations();
        let ids: Vec<_> = ops
            .iter()
            .map(|o| o.operation_id.clone().unwrap())
            .collect();
        assert_eq!(ids, ["getA", "deleteA"]);
        assert_eq!(ops[0].pointer, "/paths/~1a~1{id}/get");
        assert_eq!(ops[0].tags, ["A"]);
        let r401 = &ops[0].responses[1];
        assert_eq!(r401.pointer, "/components/responses/Unauthorized");
        assert_eq!(
            r401.content[0].1.as_deref(),
            Some("/components/responses/Unauthorized/content/application~1json/schema")
        );
        assert!(spec.operation("deleteA").is_some());
        assert!(spec.operation("nope").is_none());
    }
}
