//! `cargo xtask regenerate [--check]`.
//!
//! spec (3.1) -> omnidim-spec's conversion (3.0) -> descriptions for undescribed types
//! (`surface::describe`) -> progenitor tokens -> client surface additions
//! (typed-error wrappers, operation table) -> prettyplease -> header with the spec's SHA-256.
//! prettyplease formats without reading any rustfmt.toml or toolchain, so two runs on two machines
//! give the same bytes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use omnidim_spec::Spec;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::{GENERATED_PATH, SPEC_PATH, surface, workspace_root};

/// The progenitor version this generator pins (keep in step with Cargo.toml).
pub const PROGENITOR_VERSION: &str = "0.15.1";

#[derive(Debug, thiserror::Error)]
pub enum XtaskError {
    #[error(transparent)]
    Spec(#[from] omnidim_spec::SpecError),
    #[error("the spec has {count} lint finding(s); run `cargo xtask lint` to see them")]
    Lint { count: usize },
    #[error("progenitor could not generate a client from {origin}: {message}")]
    Progenitor { origin: String, message: String },
    #[error("progenitor's output for {origin} is not valid Rust: {message}")]
    Syntax { origin: String, message: String },
    #[error("cannot build the client surface: {0}")]
    Surface(String),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Load the spec; the second value is the path as written into the generated header.
pub fn load_spec(path: Option<PathBuf>) -> Result<(Spec, String), XtaskError> {
    let root = workspace_root();
    match path {
        Some(p) => {
            let shown = p.display().to_string();
            Ok((Spec::from_path(&p)?, shown))
        }
        None => {
            let full = root.join(SPEC_PATH);
            let text = std::fs::read_to_string(&full).map_err(|source| XtaskError::Io {
                action: "read",
                path: full.clone(),
                source,
            })?;
            Ok((
                Spec::from_yaml_str(&text, SPEC_PATH)?,
                SPEC_PATH.to_string(),
            ))
        }
    }
}

/// What progenitor (typify) is not given of the converted spec, because the client handles it
/// elsewhere or typify cannot:
///
/// - `pattern`: checked before sending from the generated `REQUEST_LIMITS` table
///   (`request_checks.rs`), the one place the client reads request limits from; typify would make
///   each patterned string a regex-checked newtype (another type per field and a regex engine in
///   every user's build) for the same check.
/// - enum values that typify would give the same variant name as an earlier value of the same
///   enum (`cartesia` and `Cartesia`, both listed by official sources): typify refuses such an
///   enum. The first spelling gets the variant; the others are still sent and received unchanged
///   as the enum's `Unknown` value (`From<&str>`).
/// - request media types other than JSON where an operation also takes JSON (submitKycStep's
///   multipart upload): progenitor makes one body type per operation and refuses two; the other
///   form is a hand-written method of `omnidim::Client`.
fn for_the_generator(value: &mut serde_json::Value) {
    if let Some(paths) = value
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for item in paths
            .values_mut()
            .filter_map(serde_json::Value::as_object_mut)
        {
            for op in item.values_mut() {
                if let Some(content) = op
                    .pointer_mut("/requestBody/content")
                    .and_then(serde_json::Value::as_object_mut)
                    && content.contains_key("application/json")
                {
                    content.retain(|media, _| media == "application/json");
                }
            }
        }
    }
    strip_for_typify(value);
}

fn strip_for_typify(value: &mut serde_json::Value) {
    use heck::ToUpperCamelCase;
    match value {
        serde_json::Value::Object(map) => {
            if map.get("pattern").is_some_and(serde_json::Value::is_string) {
                map.remove("pattern");
            }
            if let Some(serde_json::Value::Array(values)) = map.get_mut("enum") {
                let mut seen = std::collections::HashSet::new();
                values.retain(|v| match v.as_str() {
                    Some(s) => seen.insert(s.to_upper_camel_case().to_lowercase()),
                    None => true,
                });
            }
            for child in map.values_mut() {
                strip_for_typify(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_for_typify),
        _ => {}
    }
}

/// Generate the whole text of `generated.rs` for a spec.
pub fn generate(spec: &Spec, spec_label: &str) -> Result<String, XtaskError> {
    let findings = omnidim_spec::lint::lint(spec);
    if !findings.is_empty() {
        for f in &findings {
            eprintln!("{}: {f}", spec.origin());
        }
        return Err(XtaskError::Lint {
            count: findings.len(),
        });
    }
    generate_unlinted(spec, spec_label)
}

/// [`generate`] without the spec lints (for deliberately edited specs whose examples no longer
/// fit, as in `cargo xtask semver-agreement`).
pub fn generate_unlinted(spec: &Spec, spec_label: &str) -> Result<String, XtaskError> {
    let mut document = omnidim_spec::convert::to_openapi_30(spec)?;
    for_the_generator(&mut document);
    surface::describe::fill(&mut document);
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(document).map_err(|e| XtaskError::Progenitor {
            origin: spec.origin().to_string(),
            message: format!("the converted spec is not OpenAPI 3.0: {e}"),
        })?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::client::Inner));
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .map_err(|e| XtaskError::Progenitor {
            origin: spec.origin().to_string(),
            message: e.to_string(),
        })?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| XtaskError::Syntax {
        origin: spec.origin().to_string(),
        message: e.to_string(),
    })?;
    surface::extend(spec, &mut file).map_err(XtaskError::Surface)?;

    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// @generated by `cargo xtask regenerate` from {spec_label}. DO NOT EDIT.\n\
         // Edit the spec and run `cargo xtask regenerate`; CI runs `cargo xtask regenerate --check`.\n\
         // spec-sha256: {sha}\n\
         // generator: progenitor {PROGENITOR_VERSION}, prettyplease\n\
         \n{body}",
        sha = spec.sha256(),
    ))
}

pub fn run(
    check: bool,
    spec_path: Option<PathBuf>,
    output: Option<PathBuf>,
) -> Result<ExitCode, XtaskError> {
    let started = std::time::Instant::now();
    let (spec, label) = load_spec(spec_path)?;
    let generated = generate(&spec, &label)?;
    let target = output.unwrap_or_else(|| workspace_root().join(GENERATED_PATH));
    let current = match std::fs::read_to_string(&target) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(XtaskError::Io {
                action: "read",
                path: target,
                source,
            });
        }
    };
    if check {
        return Ok(report_check(&spec, current.as_deref(), &generated));
    }
    if current.as_deref() == Some(generated.as_str()) {
        println!(
            "{} is up to date ({:.2?})",
            target.display(),
            started.elapsed()
        );
        return Ok(ExitCode::SUCCESS);
    }
    write_atomically(&target, &generated)?;
    println!(
        "wrote {} from {label} (sha256 {}, {} operations, {} lines) in {:.2?}",
        target.display(),
        &spec.sha256()[..12],
        spec.operations().len(),
        generated.lines().count(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn report_check(spec: &Spec, current: Option<&str>, generated: &str) -> ExitCode {
    let Some(current) = current else {
        eprintln!("{GENERATED_PATH} is missing; run `cargo xtask regenerate`");
        return ExitCode::FAILURE;
    };
    if current == generated {
        println!(
            "{GENERATED_PATH} is up to date with {} (sha256 {})",
            spec.origin(),
            &spec.sha256()[..12]
        );
        return ExitCode::SUCCESS;
    }
    let recorded = current
        .lines()
        .find_map(|l| l.strip_prefix("// spec-sha256: "))
        .unwrap_or("(none)");
    eprintln!("{GENERATED_PATH} is stale; run `cargo xtask regenerate` and commit the result.");
    if recorded != spec.sha256() {
        eprintln!("  spec-sha256 in the file: {recorded}");
        eprintln!("  spec-sha256 of the spec: {}", spec.sha256());
    }
    eprint!("{}", short_diff(current, generated, 60));
    ExitCode::FAILURE
}

/// A unified diff, cut after `max_lines` lines so CI logs stay readable.
pub fn short_diff(old: &str, new: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{GENERATED_PATH} (checked in)"),
            &format!("{GENERATED_PATH} (from spec)"),
        )
        .to_string();
    let total = text.lines().count();
    let mut out: String = text
        .lines()
        .take(max_lines)
        .map(|l| format!("{l}\n"))
        .collect();
    if total > max_lines {
        out.push_str(&format!("... ({} more diff lines)\n", total - max_lines));
    }
    out
}

fn write_atomically(target: &Path, contents: &str) -> Result<(), XtaskError> {
    let tmp = target.with_extension("rs.tmp");
    std::fs::write(&tmp, contents).map_err(|source| XtaskError::Io {
        action: "write",
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, target).map_err(|source| XtaskError::Io {
        action: "replace",
        path: target.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use quote::ToTokens;

    fn workspace_spec_text() -> String {
        std::fs::read_to_string(workspace_root().join(SPEC_PATH)).unwrap()
    }

    #[test]
    fn generation_is_deterministic() {
        let spec = Spec::from_yaml_str(&workspace_spec_text(), SPEC_PATH).unwrap();
        let a = generate(&spec, SPEC_PATH).unwrap();
        let b = generate(&spec, SPEC_PATH).unwrap();
        assert!(a == b, "two runs differ:\n{}", short_diff(&a, &b, 40));
    }

    #[test]
    fn checked_in_code_matches_the_spec() {
        let spec = Spec::from_yaml_str(&workspace_spec_text(), SPEC_PATH).unwrap();
        let generated = generate(&spec, SPEC_PATH).unwrap();
        let current = std::fs::read_to_string(workspace_root().join(GENERATED_PATH)).unwrap();
        assert!(
            current == generated,
            "{GENERATED_PATH} is stale; run `cargo xtask regenerate`\n{}",
            short_diff(&current, &generated, 40)
        );
        assert_eq!(
            report_check(&spec, Some(&current), &generated),
            ExitCode::SUCCESS
        );
    }

    #[test]
    fn a_description_edit_makes_the_check_fail() {
        let text = workspace_spec_text();
        let edited = text.replacen(
            "Get detailed information about a bulk-call campaign.",
            "Get one campaign.",
            1,
        );
        assert_ne!(
            text, edited,
            "the description to edit is gone from the spec"
        );
        let spec = Spec::from_yaml_str(&edited, SPEC_PATH).unwrap();
        let fresh = generate(&spec, SPEC_PATH).unwrap();
        let current = std::fs::read_to_string(workspace_root().join(GENERATED_PATH)).unwrap();
        assert_ne!(fresh, current);
        assert!(fresh.contains("Get one campaign."));
        assert_eq!(
            report_check(&spec, Some(&current), &fresh),
            ExitCode::FAILURE
        );
        let diff = short_diff(&current, &fresh, 60);
        assert!(
            diff.contains("-// spec-sha256:") && diff.contains("+Get one campaign."),
            "{diff}"
        );
    }

    /// Issue #12: 127 types said only their own name (typify's doc when a schema has no
    /// description). Every type now carries words from the spec.
    #[test]
    fn no_type_is_documented_by_its_name_alone() {
        let spec = Spec::from_yaml_str(&workspace_spec_text(), SPEC_PATH).unwrap();
        let generated = generate(&spec, SPEC_PATH).unwrap();
        let file = syn::parse_file(&generated).unwrap();
        let types = file
            .items
            .iter()
            .find_map(|it| match it {
                syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
                _ => None,
            })
            .unwrap();
        let mut bare = Vec::new();
        let mut checked = 0;
        for item in &types.1 {
            let (ident, attrs) = match item {
                syn::Item::Struct(s) => (&s.ident, &s.attrs),
                syn::Item::Enum(e) => (&e.ident, &e.attrs),
                _ => continue,
            };
            checked += 1;
            let first_doc = attrs.iter().find_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => {
                    Some(nv.value.to_token_stream().to_string())
                }
                _ => None,
            });
            match first_doc {
                Some(d) if d != format!("\"`{ident}`\"") => {}
                _ => bare.push(ident.to_string()),
            }
        }
        assert!(checked > 200, "{checked}");
        assert!(bare.is_empty(), "documented by their name only: {bare:?}");
        assert!(generated.contains(
            "///Request body of `createBulkCall` (`Client::create_bulk_call`): Create a bulk-call campaign."
        ));
    }

    #[test]
    fn a_spec_with_lint_findings_is_not_generated() {
        let text = workspace_spec_text().replacen(
            "operationId: getCallLog",
            "operationId: getBulkCall",
            1,
        );
        let spec = Spec::from_yaml_str(&text, SPEC_PATH).unwrap();
        assert!(matches!(
            generate(&spec, SPEC_PATH),
            Err(XtaskError::Lint { .. })
        ));
    }

    #[test]
    fn the_header_names_the_spec_and_its_hash() {
        let spec = Spec::from_yaml_str(&workspace_spec_text(), SPEC_PATH).unwrap();
        let generated = generate(&spec, SPEC_PATH).unwrap();
        let header: Vec<&str> = generated.lines().take(4).collect();
        assert!(header[0].contains(SPEC_PATH) && header[0].contains("DO NOT EDIT"));
        assert_eq!(header[2], format!("// spec-sha256: {}", spec.sha256()));
        assert!(header[3].contains(PROGENITOR_VERSION));
    }
}
