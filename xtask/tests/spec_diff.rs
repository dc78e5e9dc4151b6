//! Tests of `cargo xtask spec-diff`: one fixture pair per kind of change under
//! `tests/fixtures/spec_diff/<case>/{old,new}.yaml`, classified and named as the table below says,
//! with the human output snapshotted; the Rust items named are checked against what progenitor
//! generates from the fixtures; errors, exit codes and hostile documents.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use omnidim_spec::Spec;
use spec_diff::{
    Bump, ChangeKind as K, Classification as C, FailOn, Format, Report, SpecDiffError,
};

/// One expected change: the verdict (Rust), the HTTP view, kind, location, Rust items.
type Expected = (C, C, K, &'static str, &'static [&'static str]);

/// Every fixture case, what `diff` must report for it (in report order) and the bump.
const CASES: &[(&str, &[Expected], Bump)] = &[
    (
        "description_only",
        &[
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "",
                &["Client::get_bulk_call"],
            ),
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "200",
                &["Client::get_bulk_call"],
            ),
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "200 /details/id",
                &["types::BulkCallDetail::id"],
            ),
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "200 /details/id",
                &["types::BulkCallDetail::id"],
            ),
        ],
        Bump::Patch,
    ),
    (
        "extension_only",
        &[
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "",
                &["Client::get_bulk_call"],
            ),
            (
                C::Documentation,
                C::Documentation,
                K::Documentation,
                "200 /details/failed_reason",
                &["types::BulkCallDetail::failed_reason"],
            ),
        ],
        Bump::Patch,
    ),
    (
        "inline_nested_retyped",
        &[
            (
                C::Breaking,
                C::Breaking,
                K::ResponseTypeChanged,
                "200 /summary/busy",
                &["types::GetBulkCallLiveStatusResponseSummary::busy"],
            ),
            (
                C::Breaking,
                C::Breaking,
                K::ResponseTypeChanged,
                "200 /summary/type",
                &["types::GetBulkCallLiveStatusResponseSummary::type_"],
            ),
        ],
        Bump::Major,
    ),
    (
        // An inline object moved into a component: same JSON, but the Rust type is renamed.
        "inline_type_extracted",
        &[
            (
                C::Breaking,
                C::Breaking,
                K::TypeRenamed,
                "200 /details",
                &[
                    "types::GetBulkCallResponseDetails",
                    "types::CampaignDetails",
                ],
            ),
            (
                C::NonBreaking,
                C::NonBreaking,
                K::SchemaAdded,
                "#/components/schemas/CampaignDetails",
                &["types::CampaignDetails"],
            ),
        ],
        Bump::Major,
    ),
    (
        "method_changed",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::MethodChanged,
            "",
            &["Client::bulk_call_actions"],
        )],
        Bump::Minor,
    ),
    ("nullable_spelling_only", &[], Bump::None),
    (
        "operation_added",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::OperationAdded,
            "",
            &["Client::get_call_log"],
        )],
        Bump::Minor,
    ),
    (
        "operation_id_changed",
        &[(
            C::Breaking,
            C::Breaking,
            K::OperationIdChanged,
            "",
            &["Client::get_bulk_call", "Client::get_bulk_call_details"],
        )],
        Bump::Major,
    ),
    (
        "operation_removed",
        &[(
            C::Breaking,
            C::Breaking,
            K::OperationRemoved,
            "",
            &["Client::cancel_bulk_call", "types::CancelBulkCallResponse"],
        )],
        Bump::Major,
    ),
    (
        "optional_field_added",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::RequestFieldAdded,
            "body /from_number_id",
            &["types::DispatchCallBody::from_number_id"],
        )],
        Bump::Minor,
    ),
    (
        "optional_param_added",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::RequestParameterAdded,
            "query agentid",
            &["Client::list_call_logs"],
        )],
        Bump::Minor,
    ),
    (
        "param_became_required",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::RequestParameterBecameRequired,
            "query agentid",
            &["Client::list_call_logs"],
        )],
        Bump::Minor,
    ),
    (
        "parameter_enum_value_removed",
        &[(
            C::Breaking,
            C::Breaking,
            K::RequestEnumValueRemoved,
            "query call_status",
            &["types::ListCallLogsCallStatus::NoAnswer"],
        )],
        Bump::Major,
    ),
    (
        "path_changed",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::PathChanged,
            "",
            &["Client::get_bulk_call_live_status"],
        )],
        Bump::Minor,
    ),
    (
        "request_enum_value_added",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::RequestEnumValueAdded,
            "body /action",
            &["types::BulkCallActionsBodyAction::Reschedule"],
        )],
        Bump::Minor,
    ),
    (
        "request_enum_value_removed",
        &[(
            C::Breaking,
            C::Breaking,
            K::RequestEnumValueRemoved,
            "body /action",
            &["types::BulkCallActionsBodyAction::Reschedule"],
        )],
        Bump::Major,
    ),
    (
        "request_field_became_optional",
        &[(
            C::Breaking,
            C::NonBreaking,
            K::RequestFieldBecameOptional,
            "body /new_scheduled_datetime",
            &["types::BulkCallActionsBody::new_scheduled_datetime"],
        )],
        Bump::Major,
    ),
    (
        "required_body_added",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::RequestBodyAdded,
            "body",
            &["Client::start_bulk_call", "types::StartBulkCallBody"],
        )],
        Bump::Minor,
    ),
    (
        "required_body_field_added",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::RequestFieldAdded,
            "body /from_number_id",
            &["types::DispatchCallBody::from_number_id"],
        )],
        Bump::Minor,
    ),
    (
        "required_param_added",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::RequestParameterAdded,
            "query agentid",
            &["Client::list_call_logs"],
        )],
        Bump::Minor,
    ),
    (
        "response_became_non_nullable",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::ResponseBecameNonNullable,
            "200 /details/scheduled_datetime",
            &["types::BulkCallDetail::scheduled_datetime"],
        )],
        Bump::Minor,
    ),
    (
        "response_enum_value_added",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::ResponseEnumValueAdded,
            "200 /status",
            &["types::FetchBulkCallsResponseStatus::Partial"],
        )],
        Bump::Minor,
    ),
    (
        "response_enum_value_removed",
        &[(
            C::Breaking,
            C::NonBreaking,
            K::ResponseEnumValueRemoved,
            "200 /status",
            &["types::FetchBulkCallsResponseStatus::Partial"],
        )],
        Bump::Major,
    ),
    (
        "response_field_added",
        &[(
            C::NonBreaking,
            C::NonBreaking,
            K::ResponseFieldAdded,
            "200 /details/rotation_strategy",
            &["types::BulkCallDetail::rotation_strategy"],
        )],
        Bump::Minor,
    ),
    (
        "response_field_removed",
        &[(
            C::Breaking,
            C::Breaking,
            K::ResponseFieldRemoved,
            "200 /details/twilio_number",
            &["types::BulkCallDetail::twilio_number"],
        )],
        Bump::Major,
    ),
    (
        "response_field_retyped",
        &[(
            C::Breaking,
            C::Breaking,
            K::ResponseTypeChanged,
            "200 /details/failed_reason",
            &["types::BulkCallDetail::failed_reason"],
        )],
        Bump::Major,
    ),
    (
        "response_nullable_keyword",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::ResponseBecameNullable,
            "200 /records[]/recording_file_name",
            &["types::BulkCallSummary::recording_file_name"],
        )],
        Bump::Minor,
    ),
    (
        "response_nullable_one_of",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::ResponseBecameNullable,
            "200 /details/scheduled_datetime",
            &["types::BulkCallDetail::scheduled_datetime"],
        )],
        Bump::Minor,
    ),
    (
        "response_nullable_type_array",
        &[(
            C::NonBreaking,
            C::Breaking,
            K::ResponseBecameNullable,
            "200 /campaign_status",
            &["types::GetBulkCallLiveStatusResponse::campaign_status"],
        )],
        Bump::Minor,
    ),
    (
        // One component used by a request body (addBulkCallContact) and a response
        // (getBulkCall): the same new required field breaks the request and extends the
        // response. `Error`, reached from 401 and 404 of getBulkCall, is one line per operation.
        "shared_component_change",
        &[
            (
                C::Breaking,
                C::Breaking,
                K::ResponseFieldRemoved,
                "401 /error_description",
                &["types::Error::error_description"],
            ),
            (
                C::Breaking,
                C::Breaking,
                K::ResponseFieldRemoved,
                "401,404 /error_description",
                &["types::Error::error_description"],
            ),
            (
                C::NonBreaking,
                C::Breaking,
                K::RequestFieldAdded,
                "body /name",
                &["types::Contact::name"],
            ),
            (
                C::NonBreaking,
                C::NonBreaking,
                K::ResponseFieldAdded,
                "200 /contact_list[]/name",
                &["types::Contact::name"],
            ),
        ],
        Bump::Major,
    ),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec_diff")
}

fn fixture_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

fn load_case(case: &str) -> (Spec, Spec) {
    let dir = fixtures_dir().join(case);
    let load = |name: &str| {
        let path = dir.join(name);
        spec_diff::load(&workspace_root(), path.to_str().unwrap())
            .unwrap_or_else(|e| panic!("{case}/{name}: {e}"))
    };
    (load("old.yaml"), load("new.yaml"))
}

fn expected(case: &str) -> (&'static [Expected], Bump) {
    CASES
        .iter()
        .find(|(name, _, _)| *name == case)
        .map(|(_, e, b)| (*e, *b))
        .unwrap_or_else(|| panic!("fixture {case} has no row in CASES"))
}

#[test]
fn every_fixture_is_classified_named_and_snapshotted() {
    let cases = fixture_cases();
    assert!(cases.len() >= 15, "only {} fixture cases", cases.len());
    for (name, _, _) in CASES {
        assert!(
            cases.iter().any(|c| c == name),
            "CASES lists {name}, which has no fixture directory"
        );
    }
    for case in &cases {
        let (old, new) = load_case(case);
        let report = spec_diff::diff(&old, &new);
        let (want, bump) = expected(case);
        let got: Vec<(C, C, K, String, Vec<String>)> = report
            .changes
            .iter()
            .map(|c| {
                (
                    c.classification,
                    c.http,
                    c.kind,
                    c.location.clone(),
                    c.rust_items.clone(),
                )
            })
            .collect();
        let want: Vec<(C, C, K, String, Vec<String>)> = want
            .iter()
            .map(|(c, h, k, l, items)| {
                (
                    *c,
                    *h,
                    *k,
                    l.to_string(),
                    items.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(got, want, "{case}:\n{}", report.to_human());
        assert_eq!(report.suggested_bump, bump, "{case}");
        assert!(report.warnings.is_empty(), "{case}: {:?}", report.warnings);
        insta::assert_snapshot!(case.as_str(), report.to_human());
    }
}

#[test]
fn the_example_line_of_the_brief() {
    let (old, new) = load_case("response_field_retyped");
    let report = spec_diff::diff(&old, &new);
    let c = &report.changes[0];
    assert_eq!(
        c.human_line(),
        "BREAKING  getBulkCall 200 /details/failed_reason: type changed from string|boolean to string  -> types::BulkCallDetail::failed_reason"
    );
    assert_eq!(c.from.as_deref(), Some("string|boolean"));
    assert_eq!(c.to.as_deref(), Some("string"));
}

#[test]
fn reversing_a_diff_reverses_the_classification_of_nullability() {
    for case in [
        "response_nullable_keyword",
        "response_nullable_one_of",
        "response_nullable_type_array",
    ] {
        let (old, new) = load_case(case);
        let back = spec_diff::diff(&new, &old);
        let kinds: Vec<_> = back
            .changes
            .iter()
            .map(|c| (c.classification, c.kind))
            .collect();
        assert_eq!(
            kinds,
            [(C::NonBreaking, K::ResponseBecameNonNullable)],
            "{case}"
        );
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let (old, new) = load_case("shared_component_change");
    let report = spec_diff::diff(&old, &new);
    let json = spec_diff::render(&report, Format::Json).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["suggested_bump"], "major");
    let first = &value["changes"][0];
    for key in [
        "kind",
        "classification",
        "http",
        "operation",
        "location",
        "from",
        "to",
        "message",
        "rust_items",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["kind"], "response_field_removed");
    assert_eq!(first["classification"], "breaking");
    insta::assert_snapshot!("shared_component_change_json", json);
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let root = workspace_root();
    let spec = spec_diff::load(&root, root.join("openapi/omnidim.yaml").to_str().unwrap()).unwrap();
    let report = spec_diff::diff(&spec, &spec);
    assert!(report.changes.is_empty(), "{}", report.to_human());
    assert_eq!(report.suggested_bump, Bump::None);
}

// ------------------------------------------------------------------------------------------
// The Rust items named exist in what progenitor generates from the fixtures.

/// `Client::<method>`, `types::<Type>`, `types::<Struct>::<field>`, `types::<Enum>::<Variant>`
/// of the client progenitor generates from `spec` (the settings of `cargo xtask regenerate`
/// that matter for names: positional interface, merged tags).
fn generated_items(spec: &Spec) -> BTreeSet<String> {
    let openapi = omnidim_spec::convert::to_openapiv3(spec).unwrap();
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged);
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&openapi)
        .unwrap();
    let file: syn::File = syn::parse2(tokens).unwrap();
    let mut out = BTreeSet::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) => {
                            out.insert(format!("types::{}", s.ident));
                            for f in &s.fields {
                                if let Some(ident) = &f.ident {
                                    out.insert(format!("types::{}::{ident}", s.ident));
                                }
                            }
                        }
                        syn::Item::Enum(e) => {
                            out.insert(format!("types::{}", e.ident));
                            for v in &e.variants {
                                out.insert(format!("types::{}::{}", e.ident, v.ident));
                            }
                        }
                        syn::Item::Type(t) => {
                            out.insert(format!("types::{}", t.ident));
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(p) = &*imp.self_ty else {
                    continue;
                };
                if !p.path.is_ident("Client") {
                    continue;
                }
                for i in &imp.items {
                    if let syn::ImplItem::Fn(f) = i {
                        out.insert(format!("Client::{}", f.sig.ident));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn named_rust_items_exist_in_the_generated_code() {
    for case in fixture_cases() {
        let (old, new) = load_case(&case);
        let report = spec_diff::diff(&old, &new);
        let old_items = generated_items(&old);
        let new_items = generated_items(&new);
        for change in &report.changes {
            for (i, item) in change.rust_items.iter().enumerate() {
                let removed = matches!(
                    change.kind,
                    K::OperationRemoved
                        | K::ResponseFieldRemoved
                        | K::RequestFieldRemoved
                        | K::RequestEnumValueRemoved
                        | K::ResponseEnumValueRemoved
                        | K::SchemaRemoved
                        | K::RequestParameterRemoved
                ) || (matches!(change.kind, K::OperationIdChanged | K::TypeRenamed)
                    && i == 0);
                let (side, items) = if removed {
                    ("old", &old_items)
                } else {
                    ("new", &new_items)
                };
                assert!(
                    items.contains(item),
                    "{case}: {item} is not in the client generated from {side}.yaml\n{}\ngenerated: {items:#?}",
                    change.human_line()
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Sources, errors and exit codes.

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spec-diff-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn in_git_checkout() -> bool {
    Command::new("git")
        .args(["rev-parse", "--verify", "HEAD"])
        .current_dir(workspace_root())
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn sources_are_files_or_git_revisions() {
    let root = workspace_root();
    assert!(matches!(
        spec_diff::load(&root, "no/such/file.yaml"),
        Err(SpecDiffError::NotFound { .. })
    ));
    assert!(matches!(
        spec_diff::load(&root, "--output=x:openapi/omnidim.yaml"),
        Err(SpecDiffError::BadRevision { .. })
    ));
    let bad_yaml = scratch("bad.yaml", "openapi: 3.1.0\npaths:\n  a: [1,\n");
    let err = spec_diff::load(&root, bad_yaml.to_str().unwrap()).unwrap_err();
    assert!(matches!(err, SpecDiffError::Spec(_)), "{err}");
    assert!(!err.one_line().contains('\n'));
    let not_openapi = scratch("list.yaml", "swagger: '2.0'\n");
    assert!(matches!(
        spec_diff::load(&root, not_openapi.to_str().unwrap()),
        Err(SpecDiffError::NotOpenApi { .. })
    ));
    if in_git_checkout() {
        let spec = spec_diff::load(&root, "HEAD:openapi/omnidim.yaml").unwrap();
        assert_eq!(spec.origin(), "HEAD:openapi/omnidim.yaml");
        assert!(spec_diff::diff(&spec, &spec).changes.is_empty());
        let err = spec_diff::load(&root, "no-such-revision-xyz:openapi/omnidim.yaml").unwrap_err();
        assert!(matches!(err, SpecDiffError::Git { .. }), "{err}");
        let err = spec_diff::load(&root, "HEAD:no/such/spec.yaml").unwrap_err();
        assert!(matches!(err, SpecDiffError::Git { .. }), "{err}");
    }
}

#[test]
fn exit_status_follows_fail_on() {
    let report_of = |case: &str| {
        let (old, new) = load_case(case);
        spec_diff::diff(&old, &new)
    };
    let breaking = report_of("response_field_removed");
    let docs = report_of("description_only");
    let none = report_of("nullable_spelling_only");
    let status = |r: &Report, f| spec_diff::exit_status(r, f);
    assert_eq!(status(&breaking, None), 0);
    assert_eq!(status(&breaking, Some(FailOn::Breaking)), 1);
    assert_eq!(status(&breaking, Some(FailOn::Any)), 1);
    assert_eq!(status(&docs, Some(FailOn::Breaking)), 0);
    assert_eq!(status(&docs, Some(FailOn::Any)), 1);
    assert_eq!(status(&none, Some(FailOn::Any)), 0);
}

/// The `cargo xtask spec-diff` binary end to end.
#[test]
fn command_line() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("spec-diff")
            .args(args)
            .current_dir(fixtures_dir())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let removed = [
        "response_field_removed/old.yaml",
        "response_field_removed/new.yaml",
    ];
    let (code, stdout, _) = run(&removed);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("BREAKING  getBulkCall 200 /details/twilio_number"),
        "{stdout}"
    );
    assert!(stdout.contains("suggested bump: major"), "{stdout}");

    let (code, _, _) = run(&[removed[0], removed[1], "--fail-on", "breaking"]);
    assert_eq!(code, Some(1));

    let docs = ["description_only/old.yaml", "description_only/new.yaml"];
    assert_eq!(run(&[docs[0], docs[1], "--fail-on", "breaking"]).0, Some(0));
    assert_eq!(run(&[docs[0], docs[1], "--fail-on", "any"]).0, Some(1));

    let (code, stdout, _) = run(&[removed[0], removed[1], "--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["changes"][0]["kind"], "response_field_removed");

    let (code, stdout, stderr) = run(&["missing.yaml", removed[1]]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: missing.yaml"), "{stderr}");
}

// ------------------------------------------------------------------------------------------
// Hostile documents: no panics, no hangs.

#[test]
fn cyclic_and_malformed_documents_do_not_panic() {
    let docs = [
        // Self-referencing components, through every spelling.
        r##"
openapi: 3.1.0
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      properties:
        next: {oneOf: [{$ref: '#/components/schemas/Node'}, {type: 'null'}]}
        kids: {type: array, items: {$ref: '#/components/schemas/Node'}}
        loop: {$ref: '#/components/schemas/Loop'}
    Loop: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop'}
"##,
        // Wrong shapes everywhere.
        r##"
openapi: 3.1.0
paths:
  /a:
    parameters: 7
    get:
      operationId: [1]
      parameters: [1, {name: 2}, {$ref: '#/nowhere'}]
      requestBody: {content: {application/json: {schema: {type: 5, enum: x, properties: [1], required: {a: 1}, oneOf: 3, allOf: [true, 1]}}}}
      responses:
        '200': 5
        '201': {$ref: 'other.yaml#/x'}
        '202': {content: 3}
  /b: [1]
components: 3
"##,
        "openapi: 3.1.0\n",
        "openapi: 3.1.0\npaths: {}\ncomponents: {schemas: {A: false, B: true}}\n",
    ];
    let specs: Vec<Spec> = docs
        .iter()
        .map(|d| Spec::from_yaml_str(d, "hostile").unwrap())
        .collect();
    for a in &specs {
        for b in &specs {
            let report = spec_diff::diff(a, b);
            let _ = report.to_human();
            let _ = report.to_json().unwrap();
        }
    }
    // The cyclic document against a variant with a changed leaf terminates with that change.
    let changed = docs[0].replace("kids: {type: array", "kids: {type: array, maxItems: 3");
    let b = Spec::from_yaml_str(&changed, "changed").unwrap();
    let report = spec_diff::diff(&specs[0], &b);
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.kind == K::ResponseConstraintTightened && c.location == "200 /kids"),
        "{}",
        report.to_human()
    );
}

#[test]
fn exponentially_shared_schemas_stop_at_the_work_bound() {
    // S0 -> two references to S1 -> ... -> S40: 2^40 paths, with a change at the bottom.
    let build = |leaf: &str| {
        let mut doc = String::from(
            "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n",
        );
        for i in 0..40 {
            doc.push_str(&format!(
                "    S{i}: {{type: object, properties: {{a: {{$ref: '#/components/schemas/S{n}'}}, b: {{$ref: '#/components/schemas/S{n}'}}}}}}\n",
                n = i + 1
            ));
        }
        doc.push_str(&format!("    S40: {{type: {leaf}}}\n"));
        Spec::from_yaml_str(&doc, "wide").unwrap()
    };
    let (old, new) = (build("string"), build("integer"));
    let started = Instant::now();
    let report = spec_diff::diff(&old, &new);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert!(!report.warnings.is_empty());
    assert!(report.has_breaking());
    assert!(report.to_human().contains("warning: "));
}
