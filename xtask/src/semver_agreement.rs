//! `cargo xtask semver-agreement`: does `spec-diff` tell the truth about the generated Rust API?
//!
//! For each spec edit of [`edits`] (the API's normal evolution and its breaking changes: params,
//! body fields, response fields, enum values, operations, nullability, docs), the client is
//! generated from the spec before and after the edit, rustdoc JSON is built for both, and
//! `cargo semver-checks` judges the pair. Its verdict (a semver violation for a minor release, or
//! none) is compared with spec-diff's Rust verdict for the same pair. Every disagreement is
//! listed; the exit status is 1 when there is one.
//!
//! Slow (a rustdoc build of the `omnidim` crate per edit, about 6 s each after the first), so it
//! is a command of its own rather than a test; needs `cargo install --locked cargo-semver-checks`.
//! Work files go to `target/semver-agreement/` (a copy of the workspace and its own target dir).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use omnidim_spec::Spec;
use serde_json::{Value, json};

use crate::regenerate::{XtaskError, generate_unlinted};
use crate::{GENERATED_PATH, SPEC_PATH, workspace_root};

/// One edit of the spec.
pub struct Edit {
    pub name: &'static str,
    /// What the edit does, in words.
    #[allow(dead_code)]
    pub what: &'static str,
    pub apply: fn(&mut Value) -> Result<(), String>,
    /// User code written against the client of the unedited spec that uses what the edit
    /// touches: whether it still compiles after the edit is the ground truth of the Rust view.
    pub probe: &'static str,
}

/// The operation object with this operationId.
fn op<'d>(doc: &'d mut Value, id: &str) -> Result<&'d mut Value, String> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .find(|o| o.get("operationId").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| format!("no operation {id}"))
}

fn at<'d>(doc: &'d mut Value, pointer: &str) -> Result<&'d mut Value, String> {
    doc.pointer_mut(pointer)
        .ok_or_else(|| format!("nothing at {pointer}"))
}

/// The index of the (inline) parameter `name` of an operation.
fn param_index(op: &Value, name: &str) -> Result<usize, String> {
    op.get("parameters")
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .position(|p| p.get("name").and_then(Value::as_str) == Some(name))
        })
        .ok_or_else(|| format!("no inline parameter {name}"))
}

fn body_schema<'d>(doc: &'d mut Value, id: &str) -> Result<&'d mut Value, String> {
    op(doc, id)?
        .pointer_mut("/requestBody/content/application~1json/schema")
        .ok_or_else(|| format!("{id} has no inline JSON body schema"))
}

fn push(v: &mut Value, item: Value) -> Result<(), String> {
    v.as_array_mut().ok_or("not an array")?.push(item);
    Ok(())
}

fn remove_key(v: &mut Value, key: &str) -> Result<(), String> {
    v.as_object_mut()
        .and_then(|o| o.remove(key))
        .map(|_| ())
        .ok_or_else(|| format!("no key {key}"))
}

/// The edits the harness judges (at least 12: the floor).
pub fn edits() -> Vec<Edit> {
    vec![
        Edit {
            name: "query-param-added-optional",
            what: "getBulkCall gains an optional query parameter",
            probe: "async fn p(c: &Client) { let _ = c.get_bulk_call().bulk_call_id(1).send().await; }",
            apply: |d| {
                let o = op(d, "getBulkCall")?;
                push(
                    o.get_mut("parameters").ok_or("no parameters")?,
                    json!({"name": "include_lines", "in": "query", "required": false, "schema": {"type": "boolean"}}),
                )
            },
        },
        Edit {
            name: "query-param-added-required",
            what: "getBulkCall gains a required query parameter",
            probe: "async fn p(c: &Client) { let _ = c.get_bulk_call().bulk_call_id(1).send().await; }",
            apply: |d| {
                let o = op(d, "getBulkCall")?;
                push(
                    o.get_mut("parameters").ok_or("no parameters")?,
                    json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}}),
                )
            },
        },
        Edit {
            name: "query-param-removed",
            what: "listCallLogs loses its agentid parameter",
            probe: "async fn p(c: &Client) { let _ = c.list_call_logs().agentid(1).send().await; }",
            apply: |d| {
                let o = op(d, "listCallLogs")?;
                let i = param_index(o, "agentid")?;
                o.get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .ok_or("no parameters")?
                    .remove(i);
                Ok(())
            },
        },
        Edit {
            name: "query-param-retyped",
            what: "listCallLogs pagesize: integer -> string",
            probe: "async fn p(c: &Client) { let _ = c.list_call_logs().pagesize(10).send().await; }",
            apply: |d| {
                let o = op(d, "listCallLogs")?;
                let i = param_index(o, "pagesize")?;
                *at(o, &format!("/parameters/{i}/schema"))? = json!({"type": "string"});
                Ok(())
            },
        },
        Edit {
            name: "query-param-became-required",
            what: "listCallLogs pagesize becomes required",
            probe: "async fn p(c: &Client) { let _ = c.list_call_logs().pagesize(10).send().await; }",
            apply: |d| {
                let o = op(d, "listCallLogs")?;
                let i = param_index(o, "pagesize")?;
                at(o, &format!("/parameters/{i}"))?
                    .as_object_mut()
                    .ok_or("parameter")?
                    .insert("required".into(), json!(true));
                Ok(())
            },
        },
        Edit {
            name: "body-field-added-optional",
            what: "dispatchCall's body gains an optional field",
            probe: "async fn p(c: &Client) { let _ = c.dispatch_call().body_map(|b| b.agent_id(1).to_number(\"+15551234567\")).send().await; } fn r(b: &types::DispatchCallBody) -> i64 { b.agent_id }",
            apply: |d| {
                let s = body_schema(d, "dispatchCall")?;
                at(s, "/properties")?
                    .as_object_mut()
                    .ok_or("properties")?
                    .insert("caller_name".into(), json!({"type": "string"}));
                Ok(())
            },
        },
        Edit {
            name: "body-field-added-required",
            what: "dispatchCall's body gains a required field",
            probe: "async fn p(c: &Client) { let _ = c.dispatch_call().body_map(|b| b.agent_id(1).to_number(\"+15551234567\")).send().await; } fn r(b: &types::DispatchCallBody) -> i64 { b.agent_id }",
            apply: |d| {
                let s = body_schema(d, "dispatchCall")?;
                at(s, "/properties")?
                    .as_object_mut()
                    .ok_or("properties")?
                    .insert("caller_name".into(), json!({"type": "string"}));
                push(at(s, "/required")?, json!("caller_name"))
            },
        },
        Edit {
            name: "body-field-removed",
            what: "dispatchCall's body loses from_number_id",
            probe: "async fn p(c: &Client) { let _ = c.dispatch_call().body_map(|b| b.agent_id(1).to_number(\"+15551234567\").from_number_id(2)).send().await; }",
            apply: |d| {
                remove_key(
                    at(body_schema(d, "dispatchCall")?, "/properties")?,
                    "from_number_id",
                )
            },
        },
        Edit {
            name: "response-field-added",
            what: "BulkCallSummary gains call_cost",
            probe: "fn r(s: &types::BulkCallSummary) -> Option<&str> { s.name.as_deref() } fn b() -> types::builder::BulkCallSummary { types::BulkCallSummary::builder() }",
            apply: |d| {
                at(d, "/components/schemas/BulkCallSummary/properties")?
                    .as_object_mut()
                    .ok_or("properties")?
                    .insert("call_cost".into(), json!({"type": "number"}));
                Ok(())
            },
        },
        Edit {
            name: "response-field-removed",
            what: "BulkCallSummary loses name",
            probe: "fn r(s: &types::BulkCallSummary) -> Option<&str> { s.name.as_deref() }",
            apply: |d| {
                remove_key(
                    at(d, "/components/schemas/BulkCallSummary/properties")?,
                    "name",
                )
            },
        },
        Edit {
            name: "response-field-retyped",
            what: "BulkCallSummary name: string -> integer",
            probe: "fn r(s: &types::BulkCallSummary) -> Option<&str> { s.name.as_deref() }",
            apply: |d| {
                *at(d, "/components/schemas/BulkCallSummary/properties/name")? =
                    json!({"type": "integer"});
                Ok(())
            },
        },
        Edit {
            name: "response-field-became-nullable",
            what: "BulkCallSummary name: string -> string or null",
            probe: "fn r(s: &types::BulkCallSummary) -> Option<&str> { s.name.as_deref() }",
            apply: |d| {
                *at(
                    d,
                    "/components/schemas/BulkCallSummary/properties/name/type",
                )? = json!(["string", "null"]);
                Ok(())
            },
        },
        Edit {
            name: "response-field-became-required",
            what: "BulkCallSummary id becomes required",
            probe: "fn r(s: &types::BulkCallSummary) -> Option<i64> { s.id }",
            apply: |d| {
                at(d, "/components/schemas/BulkCallSummary")?
                    .as_object_mut()
                    .ok_or("schema")?
                    .insert("required".into(), json!(["id"]));
                Ok(())
            },
        },
        Edit {
            name: "response-enum-value-added",
            what: "CallStatus gains voicemail",
            probe: "fn r(s: &types::CallStatus) -> &str { match s { types::CallStatus::Busy => \"busy\", other => other.as_str() } }",
            apply: |d| {
                push(
                    at(d, "/components/schemas/CallStatus/enum")?,
                    json!("voicemail"),
                )
            },
        },
        Edit {
            name: "response-enum-value-removed",
            what: "CallStatus loses busy",
            probe: "fn r(s: &types::CallStatus) -> &str { match s { types::CallStatus::Busy => \"busy\", other => other.as_str() } }",
            apply: |d| {
                let e = at(d, "/components/schemas/CallStatus/enum")?
                    .as_array_mut()
                    .ok_or("enum")?;
                e.retain(|v| v != "busy");
                Ok(())
            },
        },
        Edit {
            name: "request-enum-value-added",
            what: "listCallLogs call_status filter gains voicemail",
            probe: "async fn p(c: &Client) { let _ = c.list_call_logs().call_status(types::ListCallLogsCallStatus::Completed).send().await; }",
            apply: |d| {
                let o = op(d, "listCallLogs")?;
                let i = param_index(o, "call_status")?;
                push(
                    at(o, &format!("/parameters/{i}/schema/enum"))?,
                    json!("voicemail"),
                )
            },
        },
        Edit {
            name: "operation-added",
            what: "a new operation archiveBulkCall",
            probe: "async fn p(c: &Client) { let _ = c.get_bulk_call().bulk_call_id(1).send().await; }",
            apply: |d| {
                at(d, "/paths")?
                    .as_object_mut()
                    .ok_or("paths")?
                    .insert(
                        "/calls/bulk_call/{bulk_call_id}/archive".into(),
                        json!({"post": {
                            "operationId": "archiveBulkCall",
                            "tags": ["Bulk calls"],
                            "parameters": [{"name": "bulk_call_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
                        }}),
                    );
                Ok(())
            },
        },
        Edit {
            name: "operation-removed",
            what: "getBulkCallLiveStatus is removed",
            probe: "async fn p(c: &Client) { let _ = c.get_bulk_call_live_status().bulk_call_id(1).send().await; }",
            apply: |d| remove_key(at(d, "/paths")?, "/bulk-call/{bulk_call_id}/live-status"),
        },
        Edit {
            name: "query-param-minimum-added",
            what: "listCallLogs pageno gains minimum: 1 (typify: i64 -> NonZeroU64)",
            probe: "async fn p(c: &Client) { let page: i64 = 2; let _ = c.list_call_logs().pageno(page).send().await; }",
            apply: |d| {
                let o = op(d, "listCallLogs")?;
                let i = param_index(o, "pageno")?;
                at(o, &format!("/parameters/{i}/schema"))?
                    .as_object_mut()
                    .ok_or("schema")?
                    .insert("minimum".into(), json!(1));
                Ok(())
            },
        },
        Edit {
            name: "description-changed",
            what: "getBulkCall's summary is reworded",
            probe: "async fn p(c: &Client) { let _ = c.get_bulk_call().bulk_call_id(1).send().await; }",
            apply: |d| {
                *at(op(d, "getBulkCall")?, "/summary")? = json!("Get one campaign");
                Ok(())
            },
        },
    ]
}

/// The outcome of one edit.
pub struct Judged {
    pub edit: &'static str,
    /// spec-diff: breaking for Rust users.
    pub spec_diff_rust_breaking: bool,
    /// spec-diff: breaking on the wire.
    pub spec_diff_http_breaking: bool,
    /// cargo semver-checks: the lints that fail a minor release.
    pub semver_checks_failures: Vec<String>,
    /// The edit's probe (user code of the old client) still compiles.
    pub probe_compiles: bool,
}

impl Judged {
    /// spec-diff and cargo semver-checks say the same.
    pub fn agrees(&self) -> bool {
        self.spec_diff_rust_breaking != self.semver_checks_failures.is_empty()
    }

    /// spec-diff says what the compiler says of the probe.
    pub fn true_to_the_compiler(&self) -> bool {
        self.spec_diff_rust_breaking != self.probe_compiles
    }
}

/// The probe example: each probe in its own module.
fn probe_source(probes: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "//! Written by `cargo xtask semver-agreement`: user code of the unedited client.\n\
         #![allow(dead_code, unused, clippy::all)]\n\
         use omnidim::{Client, types};\n\
         fn main() {}\n",
    );
    for (name, probe) in probes {
        out.push_str(&format!(
            "mod {} {{ use super::*; {probe} }}\n",
            name.replace('-', "_")
        ));
    }
    out
}

/// `cargo check` the probe example in the copy: whether it compiles.
fn probe_compiles(ws: &Path, target: &Path) -> Result<bool, XtaskError> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "-q", "-p", "omnidim", "--example", "semver_probe"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(ws)
        .output()
        .map_err(io("run cargo check in", ws))?;
    Ok(output.status.success())
}

fn io<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> XtaskError + 'p {
    move |source| XtaskError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Copy the workspace sources (no `target`, no `.git`) so that rustdoc builds of edited
/// generated code never touch the real tree.
fn copy_tree(from: &Path, to: &Path) -> Result<(), XtaskError> {
    std::fs::create_dir_all(to).map_err(io("create", to))?;
    for entry in std::fs::read_dir(from).map_err(io("read", from))? {
        let entry = entry.map_err(io("read", from))?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().map_err(io("stat", &src))?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(io("copy", &src))?;
        }
    }
    Ok(())
}

/// Build rustdoc JSON of `omnidim` in the copy and return a copy of it at `out`.
fn rustdoc_json(ws: &Path, target: &Path, out: &Path) -> Result<(), XtaskError> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["rustdoc", "-q", "-p", "omnidim", "--lib", "--"])
        .args([
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
            "-A",
            "warnings",
        ])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target)
        .current_dir(ws)
        .status()
        .map_err(io("run cargo rustdoc in", ws))?;
    if !status.success() {
        return Err(XtaskError::Surface(format!(
            "cargo rustdoc failed in {}",
            ws.display()
        )));
    }
    let built = target.join("doc/omnidim.json");
    std::fs::copy(&built, out).map_err(io("copy", &built))?;
    Ok(())
}

/// `cargo semver-checks` on two rustdoc JSON files, as a minor release: the failing lints.
fn semver_checks(baseline: &Path, current: &Path) -> Result<Vec<String>, XtaskError> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "semver-checks",
            "check-release",
            "--release-type",
            "minor",
            "--color",
            "never",
        ])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .map_err(io("run cargo semver-checks on", current))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if text.contains("no such command") || text.contains("no such subcommand") {
        return Err(XtaskError::Surface(
            "cargo-semver-checks is not installed: cargo install --locked cargo-semver-checks"
                .into(),
        ));
    }
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    if !output.status.success() && lints.is_empty() {
        return Err(XtaskError::Surface(format!(
            "cargo semver-checks failed without a verdict:\n{text}"
        )));
    }
    Ok(lints)
}

pub fn run(only: Option<String>) -> Result<ExitCode, XtaskError> {
    let root = workspace_root();
    let work = root.join("target/semver-agreement");
    let ws = work.join("ws");
    let target = work.join("target");
    let _ = std::fs::remove_dir_all(&ws);
    copy_tree(&root, &ws)?;
    let spec_path = root.join(SPEC_PATH);
    let text = std::fs::read_to_string(&spec_path).map_err(io("read", &spec_path))?;
    let base = Spec::from_yaml_str(&text, SPEC_PATH)?;
    let generated = ws.join(GENERATED_PATH);

    let write = |code: String| std::fs::write(&generated, code).map_err(io("write", &generated));
    write(generate_unlinted(&base, SPEC_PATH)?)?;
    let baseline = work.join("baseline.json");
    eprintln!("building the baseline rustdoc JSON ...");
    rustdoc_json(&ws, &target, &baseline)?;
    let examples = ws.join("crates/omnidim/examples");
    std::fs::create_dir_all(&examples).map_err(io("create", &examples))?;
    let probe_file = examples.join("semver_probe.rs");
    let write_probe = |probes: &[(&str, &str)]| {
        std::fs::write(&probe_file, probe_source(probes)).map_err(io("write", &probe_file))
    };
    let all: Vec<(&str, &str)> = edits().iter().map(|e| (e.name, e.probe)).collect();
    write_probe(&all)?;
    if !probe_compiles(&ws, &target)? {
        return Err(XtaskError::Surface(format!(
            "the probes do not compile against the unedited client: see {}",
            probe_file.display()
        )));
    }

    let mut judged = Vec::new();
    for edit in edits() {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|o| edit.name.contains(o)))
        {
            continue;
        }
        let mut doc = base.document().clone();
        (edit.apply)(&mut doc)
            .map_err(|e| XtaskError::Surface(format!("edit {}: {e}", edit.name)))?;
        let edited_text = serde_json::to_string(&doc)
            .map_err(|e| XtaskError::Surface(format!("edit {}: {e}", edit.name)))?;
        let edited = Spec::from_yaml_str(&edited_text, edit.name)?;
        let report = spec_diff::diff(&base, &edited);
        write(generate_unlinted(&edited, SPEC_PATH)?)?;
        let current: PathBuf = work.join(format!("{}.json", edit.name));
        eprintln!("{}: building rustdoc JSON ...", edit.name);
        rustdoc_json(&ws, &target, &current)?;
        write_probe(&[(edit.name, edit.probe)])?;
        judged.push(Judged {
            edit: edit.name,
            probe_compiles: probe_compiles(&ws, &target)?,
            spec_diff_rust_breaking: report.has_rust_breaking(),
            spec_diff_http_breaking: report.has_http_breaking(),
            semver_checks_failures: semver_checks(&baseline, &current)?,
        });
    }
    println!(
        "{:<31} {:<9} {:<9} {:<9} {:<6} {:<9} semver-checks failures",
        "EDIT", "HTTP", "RUST", "PROBE", "TRUE", "AGREE"
    );
    let label = |b: bool| if b { "breaking" } else { "ok" };
    for j in &judged {
        println!(
            "{:<31} {:<9} {:<9} {:<9} {:<6} {:<9} {}",
            j.edit,
            label(j.spec_diff_http_breaking),
            label(j.spec_diff_rust_breaking),
            if j.probe_compiles {
                "compiles"
            } else {
                "fails"
            },
            if j.true_to_the_compiler() {
                "yes"
            } else {
                "NO"
            },
            if j.agrees() { "yes" } else { "NO" },
            if j.semver_checks_failures.is_empty() {
                "-".to_string()
            } else {
                j.semver_checks_failures.join(", ")
            }
        );
    }
    let n = judged.len();
    let agree = judged.iter().filter(|j| j.agrees()).count();
    let truthful = judged.iter().filter(|j| j.true_to_the_compiler()).count();
    let checks_true = judged
        .iter()
        .filter(|j| j.semver_checks_failures.is_empty() == j.probe_compiles)
        .count();
    println!(
        "\nspec-diff's Rust verdict vs cargo semver-checks: {agree}/{n} agree\n\
         spec-diff's Rust verdict vs the compiler (probe):  {truthful}/{n} agree\n\
         cargo semver-checks vs the compiler (probe):      {checks_true}/{n} agree"
    );
    for j in judged
        .iter()
        .filter(|j| !j.agrees() && j.true_to_the_compiler())
    {
        println!(
            "  {}: cargo semver-checks sees no violation, but the probe {}: a change of type, \
             which cargo-semver-checks does not compare (it has no lint for field or parameter types)",
            j.edit,
            if j.probe_compiles {
                "compiles"
            } else {
                "fails to compile"
            }
        );
    }
    // spec-diff must be true to the compiler; a disagreement with semver-checks is accepted only
    // where the compiler sides with spec-diff.
    Ok(if truthful == n {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
