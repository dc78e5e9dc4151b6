//! Tests of `cargo xtask published-diff`.
//!
//! - The published types of the official TypeScript SDK (openapi-typescript output,
//!   `src/generated/types.ts` of Omnidim/omnidim-typescript-sdk) against `openapi/omnidim.yaml`:
//!   no unexplained difference. The captures are not vendored in this repository; the test reads
//!   the files named by `OMNIDIM_PUBLISHED_TYPES` (oldest first, separated like `PATH`), else the
//!   `*.ts` files of `shared/reference/published-types/` beside the checkout (in name order), and
//!   says so and checks nothing more when there are none.
//! - A small fixture pair (`tests/fixtures/published_diff/{spec.yaml,types.ts}`, written for
//!   these tests) with one difference of each kind, each explained by one annotation: every
//!   annotation removed in turn must surface exactly its difference as unexplained (and fail
//!   `--fail-on-unexplained`); type, name and operation changes without an annotation too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/published_diff")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("published-diff")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run xtask")
}

/// The unexplained differences of a JSON report, as `operation location kind`.
fn unexplained(report: &Value) -> Vec<String> {
    report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["explained_by"].is_null())
        .map(|d| {
            format!(
                "{} {} {}",
                d["operation"].as_str().unwrap(),
                d["location"].as_str().unwrap(),
                d["kind"].as_str().unwrap()
            )
        })
        .collect()
}

/// Run on `spec_text` (written to a temporary file) and the fixture types; the JSON report and
/// the exit status with `--fail-on-unexplained`.
fn run_fixture(spec_text: &str, case: &str) -> (Value, i32) {
    let dir = std::env::temp_dir().join(format!(
        "omnidim-published-diff-{}-{case}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    let out = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on-unexplained",
        fixture("types.ts").to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{case}: not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap())
}

fn fixture_spec() -> String {
    std::fs::read_to_string(fixture("spec.yaml")).unwrap()
}

/// `text` with `line` (which must occur exactly once) replaced.
fn replace_once(text: &str, line: &str, with: &str) -> String {
    assert_eq!(text.matches(line).count(), 1, "not exactly once: {line}");
    text.replacen(line, with, 1)
}

#[test]
fn fixture_differences_are_all_explained() {
    let (report, status) = run_fixture(&fixture_spec(), "baseline");
    assert_eq!(unexplained(&report), Vec::<String>::new());
    assert_eq!(status, 0);
    // One of each kind, each found (the annotations below explain them).
    let found: Vec<String> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["operation"].as_str().unwrap(),
                d["location"].as_str().unwrap(),
                d["kind"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "createThing body.name required",
            "createThing body.count type",
            "createThing body.rows[].volume required",
            "createThing body.tags[] type",
            "createThing body.sdk_only extra",
            "getThing query.size missing",
            "getThing query.user_id extra",
            "getThing 200.flag type",
            "getThing 200.legacy missing",
            "getThing 200.created_at extra",
            "stopThing path path",
            "stopThing path.thing_id missing",
            "stopThing path.id extra",
        ]
    );
}

/// Each annotation of the fixture spec, and what is unexplained without it.
const ANNOTATIONS: &[(&str, &[&str])] = &[
    (
        "                  x-omnidim-note: 'Published optional; required here, as the SDK always sends it.'\n",
        &["createThing body.name required"],
    ),
    (
        "                  x-omnidim-published-type: string\n",
        &["createThing body.count type"],
    ),
    (
        "          x-omnidim-note: Not required; the published types require it only because it has a default.\n",
        &["createThing body.rows[].volume required"],
    ),
    (
        "                  x-omnidim-published-type: array of string\n",
        &["createThing body.tags[] type"],
    ),
    (
        "                  type: boolean\n                  x-omnidim-source: python-sdk-0.6.0\n",
        &["createThing body.sdk_only extra"],
    ),
    (
        "      x-omnidim-note: The published `size` parameter is not sent by the SDK, so it is left out.\n",
        &["getThing query.size missing"],
    ),
    (
        "          in: query\n          x-omnidim-source: python-sdk-0.6.0\n",
        &["getThing query.user_id extra"],
    ),
    (
        "            - type: boolean\n          x-omnidim-published-type: string\n",
        &["getThing 200.flag type"],
    ),
    (
        "      x-omnidim-note: The published legacy field is never returned.\n",
        &["getThing 200.legacy missing"],
    ),
    (
        "          x-omnidim-source: docs\n",
        &["getThing 200.created_at extra"],
    ),
    (
        "      x-omnidim-note: Published path /things/{thing_id}/stop; the SDK path differs.\n",
        &["stopThing path path", "stopThing path.thing_id missing"],
    ),
    (
        "          x-omnidim-note: Named differently in the published path.\n",
        &["stopThing path.id extra"],
    ),
];

#[test]
fn each_removed_annotation_leaves_its_difference_unexplained() {
    let spec = fixture_spec();
    for (i, (line, expected)) in ANNOTATIONS.iter().enumerate() {
        // Keep the rest of the matched text (the two-line patterns keep their first line).
        let keep = match line.matches('\n').count() {
            1 => String::new(),
            _ => line.split_inclusive('\n').next().unwrap().to_string(),
        };
        let planted = replace_once(&spec, line, &keep);
        let (report, status) = run_fixture(&planted, &format!("plant{i}"));
        assert_eq!(&unexplained(&report), expected, "without {line:?}");
        assert_eq!(status, 1, "without {line:?}: --fail-on-unexplained");
    }
}

#[test]
fn unannotated_changes_are_unexplained() {
    let spec = fixture_spec();
    let cases: &[(&str, &str, &str, &[&str])] = &[
        // A published response field retyped.
        (
            "retyped",
            "        id:\n          type: integer\n        name:\n",
            "        id:\n          type: string\n        name:\n",
            &["getThing 200.id type"],
        ),
        // A published field dropped, and one added that nothing documents.
        (
            "renamed",
            "              weight:\n",
            "              heft:\n",
            &[
                "getThing 200.parts[].weight missing",
                "getThing 200.parts[].heft extra",
            ],
        ),
        // A published parameter made required.
        (
            "required",
            "        - name: page\n          in: query\n",
            "        - name: page\n          in: query\n          required: true\n",
            &["getThing query.page required"],
        ),
        // An operationId changed: the published operation is missing.
        (
            "operation",
            "      operationId: listGone\n",
            "      operationId: listGoneAgain\n",
            &["listGone  operation"],
        ),
        // A method changed.
        (
            "method",
            "  /things/{id}/stop:\n    post:\n",
            "  /things/{id}/stop:\n    put:\n",
            &["stopThing method method"],
        ),
    ];
    for (case, from, to, expected) in cases {
        let planted = replace_once(&spec, from, to);
        let (report, status) = run_fixture(&planted, case);
        assert_eq!(&unexplained(&report), expected, "{case}");
        assert_eq!(status, 1, "{case}");
    }
}

#[test]
fn unreadable_types_are_an_error() {
    let dir =
        std::env::temp_dir().join(format!("omnidim-published-diff-{}-bad", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("types.ts");
    for text in [
        "export interface paths { \"/x\": { get: operations[\"x\"] } }\nexport const x = 1;\n",
        "export interface nothing { a: string; }\n",
    ] {
        std::fs::write(&bad, text).unwrap();
        let out = run(&[bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
    let out = run(&["no/such/types.ts"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// The captures of the published types to compare the spec with (see the module docs).
fn published_captures() -> Option<Vec<PathBuf>> {
    if let Some(list) = std::env::var_os("OMNIDIM_PUBLISHED_TYPES") {
        let files: Vec<PathBuf> = std::env::split_paths(&list).collect();
        for f in &files {
            assert!(
                f.is_file(),
                "OMNIDIM_PUBLISHED_TYPES names {}, which is not a file",
                f.display()
            );
        }
        return Some(files);
    }
    let shared = root().join("../shared/reference/published-types");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&shared)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ts"))
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

#[test]
fn published_types_leave_no_unexplained_difference() {
    let Some(captures) = published_captures() else {
        println!(
            "note: no published types (set OMNIDIM_PUBLISHED_TYPES, or put the captures of \
             src/generated/types.ts in shared/reference/published-types/): the spec was not \
             compared with them"
        );
        return;
    };
    let mut args = vec![
        "--unexplained".to_string(),
        "--fail-on-unexplained".to_string(),
    ];
    args.extend(captures.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "unexplained differences between openapi/omnidim.yaml and the published types: correct \
         the spec or record the reason in an x-omnidim-* extension there\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = text.lines().last().unwrap_or_default();
    assert!(last.ends_with(", 0 unexplained"), "{last}");
    println!("{last}");
}
