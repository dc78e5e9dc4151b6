//! Which operation a request is for: method and path matched against the spec's path templates,
//! literal segments before parameters (so `/calls/bulk_call/create` is not `{bulk_call_id}`).
//! Shared by the mock (to answer) and the validating proxy (to know what to check).

use serde_json::Value;

use crate::{HttpMethod, Spec};

/// One operation as a route.
#[derive(Debug)]
pub struct Route {
    /// The operationId.
    pub operation_id: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, split at `/`.
    pub segments: Vec<Segment>,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

/// A segment of a path template.
#[derive(Debug, PartialEq, Eq)]
pub enum Segment {
    /// A fixed segment.
    Literal(String),
    /// `{name}`.
    Param(String),
}

/// The routes of every operation with an operationId.
pub fn routes(spec: &Spec) -> Vec<Route> {
    spec.operations()
        .into_iter()
        .filter_map(|op| {
            Some(Route {
                operation_id: op.operation_id?,
                method: op.method,
                segments: op
                    .path
                    .trim_matches('/')
                    .split('/')
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Param(name.to_string()),
                            None => Segment::Literal(s.to_string()),
                        },
                    )
                    .collect(),
                pointer: op.pointer,
            })
        })
        .collect()
}

/// Path parameters by name, as they appear in the request path (percent-decoded).
pub type PathParams = Vec<(String, String)>;

/// The best route for `method` + `path` (relative to the base path), with its path parameters.
/// `Err(true)` when the path exists under another method (405), `Err(false)` when not (404).
pub fn find<'r>(
    routes: &'r [Route],
    method: &str,
    path: &str,
) -> Result<(&'r Route, PathParams), bool> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(&Route, usize)> = None;
    let mut path_exists = false;
    for route in routes {
        if route.segments.len() != parts.len() {
            continue;
        }
        let mut literals = 0;
        let matches = route
            .segments
            .iter()
            .zip(&parts)
            .all(|(seg, part)| match seg {
                Segment::Literal(l) => {
                    literals += 1;
                    l == part
                }
                Segment::Param(_) => !part.is_empty(),
            });
        if !matches {
            continue;
        }
        path_exists = true;
        if !route.method.as_str().eq_ignore_ascii_case(method) {
            continue;
        }
        if best.is_none_or(|(_, n)| literals > n) {
            best = Some((route, literals));
        }
    }
    let Some((route, _)) = best else {
        return Err(path_exists);
    };
    let params = route
        .segments
        .iter()
        .zip(&parts)
        .filter_map(|(seg, part)| match seg {
            Segment::Param(name) => Some((name.clone(), percent_decode(part))),
            Segment::Literal(_) => None,
        })
        .collect();
    Ok((route, params))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes.get(i), bytes.get(i + 1..i + 3)) {
            (Some(b'%'), Some(hex)) if hex.iter().all(u8::is_ascii_hexdigit) => {
                let h = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(b) => out.push(b),
                    None => out.extend_from_slice(b"%"),
                }
                i += 3;
            }
            (Some(b), _) => {
                out.push(*b);
                i += 1;
            }
            (None, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The operation object of a route.
pub fn operation<'s>(spec: &'s Spec, route: &Route) -> &'s Value {
    spec.document()
        .pointer(&route.pointer)
        .unwrap_or(&Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_win_over_parameters() {
        let spec = Spec::embedded().unwrap();
        let routes = routes(&spec);
        let (r, params) = find(&routes, "POST", "/calls/bulk_call/create").unwrap();
        assert_eq!(r.operation_id, "createBulkCall");
        assert!(params.is_empty());
        let (r, params) = find(&routes, "GET", "/calls/bulk_call/314").unwrap();
        assert_eq!(r.operation_id, "getBulkCall");
        assert_eq!(params, [("bulk_call_id".to_string(), "314".to_string())]);
        let (r, _) = find(&routes, "POST", "/calls/bulk_call/9/add_contact").unwrap();
        assert_eq!(r.operation_id, "addBulkCallContact");
        assert!(
            find(&routes, "PATCH", "/calls/bulk_call/314").unwrap_err(),
            "405: the path exists"
        );
        assert!(
            !find(&routes, "GET", "/nope").unwrap_err(),
            "404: no such path"
        );
        assert_eq!(percent_decode("a%20b%zz"), "a b%zz");
    }
}
