//! `cargo xtask published-diff TYPES_TS...`: compare `openapi/omnidim.yaml` with the published
//! API description, as captured in the official TypeScript SDK's generated types
//! (`Omnidim/omnidim-typescript-sdk`, `src/generated/types.ts`, openapi-typescript output), and
//! count the differences our spec does not explain.
//!
//! Every operation of the types is matched with ours by operationId. Compared: path and method;
//! query and path parameters (names, required-ness, primitive types); the `application/json`
//! request body (presence, required-ness, property names, required-ness and primitive types,
//! recursively through objects and arrays); the `application/json` body of the 200 response
//! (property names and primitive types, recursively). Primitive types are sets of `string`,
//! `number`, `boolean`, `null`, `object`, `array`: TypeScript `number` matches `number` and
//! `integer`, a string literal union is `string`, `Record<...>` and index signatures are `object`,
//! and a published `unknown` matches anything. Enum values, formats, bounds and descriptions are
//! not compared.
//!
//! A difference is *explained* when our spec says why, in an `x-omnidim-*` extension:
//!
//! - anywhere: a node at or above it within the operation is marked
//!   `x-omnidim-source: python-sdk-0.6.0` (the schema follows what the Python SDK sends);
//! - type: an extension of the property itself (its schema, the `$ref` targets and `oneOf`
//!   branches, the parameter object, or the array property around items) names every published
//!   type (`x-omnidim-published-type: string | null`, or a note saying `number`);
//! - required-ness: `x-omnidim-published-required` agrees with the published types (a list on
//!   the enclosing object, a boolean on the property or parameter), or an extension of the
//!   property says `required`, or one of the enclosing object (or the operation) names the
//!   property and says `required`;
//! - a published property or parameter we lack: an extension of the enclosing object, the
//!   operation, its request body or response names it;
//! - a property or parameter we have that is not published: its own `x-omnidim-source` says it
//!   comes from somewhere other than the published spec (`docs`, `python-sdk-0.6.0`), or one of
//!   its extensions mentions `published`, or one of the enclosing object (or operation) names it;
//! - path or method: an extension of the operation states the published path or method.
//!
//! With several captures (oldest first), each operation is compared in the newest capture that
//! has it; the operations whose published form differs between captures are listed.

mod compare;
mod ts;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use compare::{Difference, PublishedOperation};
use serde::Serialize;
use ts::{Module, Ty};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A capture: a parsed `types.ts` and the name it was given on the command line.
pub struct Capture {
    pub origin: String,
    pub module: Module,
}

/// The published operations of one capture, by operationId.
fn operations(module: &Module) -> BTreeMap<String, PublishedOperation<'_>> {
    let mut out = BTreeMap::new();
    let Some(Ty::Object(paths)) = module.decls.get("paths") else {
        return out;
    };
    for path in &paths.props {
        let Ty::Object(item) = &path.ty else {
            continue;
        };
        for method in METHODS {
            let Some(Ty::Indexed(name, keys)) = item.get(method).map(|p| &p.ty) else {
                continue;
            };
            let Some(Ty::Object(ty)) = module.lookup(name, keys) else {
                continue;
            };
            let Some(id) = keys.last() else {
                continue;
            };
            out.insert(
                id.clone(),
                PublishedOperation {
                    id: id.clone(),
                    path: path.name.clone(),
                    method: method.to_string(),
                    ty,
                },
            );
        }
    }
    out
}

/// A type with every `components[...]` reference replaced by its target (for comparing
/// captures).
fn resolved(module: &Module, ty: &Ty, depth: usize) -> Ty {
    if depth > 32 {
        return ty.clone();
    }
    let r = |t: &Ty| resolved(module, t, depth + 1);
    match ty {
        Ty::Indexed(name, keys) => match module.lookup(name, keys) {
            Some(t) => r(t),
            None => ty.clone(),
        },
        Ty::Object(o) => Ty::Object(ts::Object {
            props: o
                .props
                .iter()
                .map(|p| ts::Prop {
                    name: p.name.clone(),
                    optional: p.optional,
                    ty: r(&p.ty),
                })
                .collect(),
            index: o.index.as_ref().map(|i| Box::new(r(i))),
        }),
        Ty::Array(t) => Ty::Array(Box::new(r(t))),
        Ty::Union(m) => Ty::Union(m.iter().map(r).collect()),
        Ty::Intersection(m) => Ty::Intersection(m.iter().map(r).collect()),
        Ty::Generic(n, a) => Ty::Generic(n.clone(), a.iter().map(r).collect()),
        other => other.clone(),
    }
}

/// The result of a comparison.
#[derive(Serialize)]
pub struct Report {
    pub spec: String,
    /// Per capture: its name and how many operations it publishes.
    pub captures: Vec<(String, usize)>,
    /// Operations whose published form differs between captures, with the captures that have
    /// them.
    pub captures_differ: Vec<(String, Vec<String>)>,
    /// Per operation: the capture it was compared with.
    pub compared_with: BTreeMap<String, String>,
    pub differences: Vec<Difference>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.differences.len()
    }

    pub fn unexplained(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.explained_by.is_none())
            .count()
    }

    pub fn to_human(&self, unexplained_only: bool) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "published-diff: {} against {} published operation(s)\n",
            self.spec,
            self.compared_with.len()
        ));
        for (origin, n) in &self.captures {
            s.push_str(&format!("  capture {origin}: {n} operation(s)\n"));
        }
        for (op, captures) in &self.captures_differ {
            s.push_str(&format!(
                "  published form of {op} differs between captures (in {}); compared with {}\n",
                captures.join(", "),
                self.compared_with.get(op).map_or("?", String::as_str)
            ));
        }
        s.push('\n');
        for d in &self.differences {
            if unexplained_only && d.explained_by.is_some() {
                continue;
            }
            let location = if d.location.is_empty() {
                String::new()
            } else {
                format!(" {}", d.location)
            };
            s.push_str(&format!(
                "{}{}: {}: ours {}, published {}\n    {}\n",
                d.operation,
                location,
                d.kind.as_str(),
                d.ours,
                d.published,
                match &d.explained_by {
                    Some(why) => format!("explained: {why}"),
                    None => "UNEXPLAINED".to_string(),
                }
            ));
        }
        s.push_str(&format!(
            "\n{} difference(s): {} explained, {} unexplained\n",
            self.total(),
            self.total() - self.unexplained(),
            self.unexplained()
        ));
        s
    }
}

/// Compare `spec` with the captures (oldest first).
pub fn diff(spec: &omnidim_spec::Spec, captures: &[Capture]) -> Report {
    let mut newest: BTreeMap<String, (&Capture, PublishedOperation<'_>)> = BTreeMap::new();
    let mut forms: BTreeMap<String, Vec<(String, Ty)>> = BTreeMap::new();
    let mut counts = Vec::new();
    for capture in captures {
        let ops = operations(&capture.module);
        counts.push((capture.origin.clone(), ops.len()));
        for (id, op) in ops {
            let form = Ty::Union(vec![
                Ty::StringLit(op.path.clone()),
                Ty::StringLit(op.method.clone()),
                resolved(&capture.module, &Ty::Object(op.ty.clone()), 0),
            ]);
            forms
                .entry(id.clone())
                .or_default()
                .push((capture.origin.clone(), form));
            newest.insert(id, (capture, op));
        }
    }
    let captures_differ = forms
        .into_iter()
        .filter(|(_, f)| {
            f.len() != captures.len()
                || f.windows(2)
                    .any(|w| w.first().map(|a| &a.1) != w.get(1).map(|b| &b.1))
        })
        .map(|(id, f)| (id, f.into_iter().map(|x| x.0).collect()))
        .collect();
    let mut differences = Vec::new();
    let mut compared_with = BTreeMap::new();
    for (id, (capture, op)) in &newest {
        compared_with.insert(id.clone(), capture.origin.clone());
        differences.extend(compare::operation(spec, &capture.module, op));
    }
    Report {
        spec: spec.origin().to_string(),
        captures: counts,
        captures_differ,
        compared_with,
        differences,
    }
}

/// Read and parse a capture.
pub fn load_capture(root: &Path, arg: &str) -> Result<Capture, String> {
    let text = spec_diff::read_source(root, arg).map_err(|e| e.one_line())?;
    let module = ts::parse(&text, arg).map_err(|e| e.to_string())?;
    if !matches!(module.decls.get("paths"), Some(Ty::Object(_)))
        || !matches!(module.decls.get("operations"), Some(Ty::Object(_)))
    {
        return Err(format!(
            "{arg}: no `paths` and `operations` interfaces (not openapi-typescript output?)"
        ));
    }
    Ok(Capture {
        origin: arg.to_string(),
        module,
    })
}

/// `cargo xtask published-diff`: exit 0; 1 when `fail_on_unexplained` and there is an
/// unexplained difference; 2 on errors.
pub fn run(
    root: &Path,
    spec: &str,
    types: &[String],
    format: Format,
    unexplained_only: bool,
    fail_on_unexplained: bool,
) -> ExitCode {
    let result = (|| -> Result<Report, String> {
        let spec = spec_diff::load(root, spec).map_err(|e| e.one_line())?;
        let captures = types
            .iter()
            .map(|t| load_capture(root, t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(diff(&spec, &captures))
    })();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match format {
        Format::Human => report.to_human(unexplained_only),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::from(u8::from(fail_on_unexplained && report.unexplained() > 0))
}
