//! The report: changes, their classification, the suggested version bump, and its renderings.

use std::fmt::Write as _;

use serde::Serialize;

/// How a change affects a user of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Code or behaviour that worked against the old spec can fail against the new one.
    Breaking,
    /// An addition or a relaxation: what worked keeps working.
    NonBreaking,
    /// Only descriptions, summaries, examples, titles or `x-*` extensions changed.
    Documentation,
}

impl Classification {
    /// The label of human output.
    pub fn label(self) -> &'static str {
        match self {
            Classification::Breaking => "BREAKING",
            Classification::NonBreaking => "NON-BREAKING",
            Classification::Documentation => "DOCUMENTATION",
        }
    }
}

/// What changed. Names are `snake_case` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    OperationRemoved,
    OperationAdded,
    OperationIdChanged,
    PathChanged,
    MethodChanged,
    RequestParameterAdded,
    RequestParameterRemoved,
    RequestParameterBecameRequired,
    RequestParameterBecameOptional,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyBecameRequired,
    RequestBodyBecameOptional,
    RequestMediaTypeAdded,
    RequestMediaTypeRemoved,
    RequestFieldAdded,
    RequestFieldRemoved,
    RequestFieldBecameRequired,
    RequestFieldBecameOptional,
    RequestTypeChanged,
    RequestBecameNullable,
    RequestBecameNonNullable,
    RequestEnumValueAdded,
    RequestEnumValueRemoved,
    RequestConstraintTightened,
    RequestConstraintRelaxed,
    ResponseStatusAdded,
    ResponseStatusRemoved,
    ResponseMediaTypeAdded,
    ResponseMediaTypeRemoved,
    ResponseFieldAdded,
    ResponseFieldRemoved,
    ResponseFieldBecameRequired,
    ResponseFieldBecameOptional,
    ResponseTypeChanged,
    ResponseBecameNullable,
    ResponseBecameNonNullable,
    ResponseEnumValueAdded,
    ResponseEnumValueRemoved,
    ResponseConstraintTightened,
    ResponseConstraintRelaxed,
    AdditionalPropertiesChanged,
    DefaultChanged,
    TypeRenamed,
    SchemaAdded,
    SchemaRemoved,
    ApiVersionChanged,
    Documentation,
}

impl ChangeKind {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        use ChangeKind::*;
        match self {
            OperationRemoved => "operation_removed",
            OperationAdded => "operation_added",
            OperationIdChanged => "operation_id_changed",
            PathChanged => "path_changed",
            MethodChanged => "method_changed",
            RequestParameterAdded => "request_parameter_added",
            RequestParameterRemoved => "request_parameter_removed",
            RequestParameterBecameRequired => "request_parameter_became_required",
            RequestParameterBecameOptional => "request_parameter_became_optional",
            RequestBodyAdded => "request_body_added",
            RequestBodyRemoved => "request_body_removed",
            RequestBodyBecameRequired => "request_body_became_required",
            RequestBodyBecameOptional => "request_body_became_optional",
            RequestMediaTypeAdded => "request_media_type_added",
            RequestMediaTypeRemoved => "request_media_type_removed",
            RequestFieldAdded => "request_field_added",
            RequestFieldRemoved => "request_field_removed",
            RequestFieldBecameRequired => "request_field_became_required",
            RequestFieldBecameOptional => "request_field_became_optional",
            RequestTypeChanged => "request_type_changed",
            RequestBecameNullable => "request_became_nullable",
            RequestBecameNonNullable => "request_became_non_nullable",
            RequestEnumValueAdded => "request_enum_value_added",
            RequestEnumValueRemoved => "request_enum_value_removed",
            RequestConstraintTightened => "request_constraint_tightened",
            RequestConstraintRelaxed => "request_constraint_relaxed",
            ResponseStatusAdded => "response_status_added",
            ResponseStatusRemoved => "response_status_removed",
            ResponseMediaTypeAdded => "response_media_type_added",
            ResponseMediaTypeRemoved => "response_media_type_removed",
            ResponseFieldAdded => "response_field_added",
            ResponseFieldRemoved => "response_field_removed",
            ResponseFieldBecameRequired => "response_field_became_required",
            ResponseFieldBecameOptional => "response_field_became_optional",
            ResponseTypeChanged => "response_type_changed",
            ResponseBecameNullable => "response_became_nullable",
            ResponseBecameNonNullable => "response_became_non_nullable",
            ResponseEnumValueAdded => "response_enum_value_added",
            ResponseEnumValueRemoved => "response_enum_value_removed",
            ResponseConstraintTightened => "response_constraint_tightened",
            ResponseConstraintRelaxed => "response_constraint_relaxed",
            AdditionalPropertiesChanged => "additional_properties_changed",
            DefaultChanged => "default_changed",
            TypeRenamed => "type_renamed",
            SchemaAdded => "schema_added",
            SchemaRemoved => "schema_removed",
            ApiVersionChanged => "api_version_changed",
            Documentation => "documentation",
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The verdict, for users of the generated Rust client: does code written against the
    /// previously generated client stop compiling (what `cargo semver-checks` judges, and what
    /// `cargo xtask semver-agreement` checks)? See `rust_view` in this module.
    pub classification: Classification,
    /// For HTTP: can a request or response that worked before fail now (a client of any
    /// language, or code that compiles but sends what the server now refuses)?
    pub http: Classification,
    /// The operationId (or `METHOD /path` when it has none); `None` for component-level changes.
    pub operation: Option<String>,
    /// Where in the operation: `200 /details/failed_reason`, `body /name`, `query pagesize`,
    /// `401,404 /message` (a shared response reached from several statuses), or empty for the
    /// operation itself. Object members are `/name`, array items `[]`, map values `/*`.
    pub location: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// What changed, without the operation and location (`type changed from X to Y`).
    pub message: String,
    /// Generated Rust items touched (`Client::get_bulk_call`, `types::BulkCallDetail::id`).
    pub rust_items: Vec<String>,
}

impl Change {
    /// The line of human output.
    pub fn human_line(&self) -> String {
        let mut line = format!("{}  ", self.classification.label());
        match (&self.operation, self.location.is_empty()) {
            (Some(op), true) => line.push_str(op),
            (Some(op), false) => {
                let _ = write!(line, "{op} {}", self.location);
            }
            (None, _) => line.push_str(&self.location),
        }
        let _ = write!(line, ": {}", self.message);
        if self.http != self.classification {
            let _ = write!(line, " (HTTP: {})", self.http.label().to_lowercase());
        }
        if !self.rust_items.is_empty() {
            let _ = write!(line, "  -> {}", self.rust_items.join(", "));
        }
        line
    }

    fn sort_key(&self) -> impl Ord + '_ {
        (
            self.classification,
            self.operation.as_deref().unwrap_or(""),
            self.location.as_str(),
            self.kind,
            self.from.as_deref(),
            self.to.as_deref(),
            self.message.as_str(),
        )
    }
}

/// The classification of a change for users of the generated Rust client: does code written
/// against the client generated from the old spec still compile against the new one? This
/// follows the generated surface (xtask `surface`): request builders with one setter per
/// parameter, `#[non_exhaustive]` structs without `Default`, string enums that are
/// `#[non_exhaustive]` and keep unknown values. Rules that need more than the kind (nullability
/// of an optional property) are set where the change is found.
pub fn rust_view(kind: ChangeKind, http: Classification) -> Classification {
    use ChangeKind::*;
    use Classification::{Breaking, NonBreaking};
    match kind {
        ChangeKind::Documentation => Classification::Documentation,
        // A builder method, setter, field, variant or type disappears or is renamed.
        OperationRemoved
        | OperationIdChanged
        | RequestParameterRemoved
        | RequestBodyRemoved
        | RequestMediaTypeRemoved
        | RequestFieldRemoved
        | ResponseFieldRemoved
        | RequestEnumValueRemoved
        | ResponseEnumValueRemoved
        | TypeRenamed
        | SchemaRemoved => Breaking,
        // A type changes: a setter's bound, a field's type (`T` <-> `Option<T>` included).
        RequestTypeChanged
        | ResponseTypeChanged
        | RequestFieldBecameRequired
        | RequestFieldBecameOptional
        | ResponseFieldBecameRequired
        | ResponseFieldBecameOptional
        | RequestBecameNullable
        | RequestBecameNonNullable
        | ResponseBecameNullable
        | ResponseBecameNonNullable
        | AdditionalPropertiesChanged => Breaking,
        // Something is added: a method, a setter, a field of a non-exhaustive struct, a variant
        // of a non-exhaustive enum. A new *required* parameter or field compiles (its setter is
        // new) and is reported by `send` when unset: breaking on the wire, not for the compiler.
        OperationAdded
        | RequestParameterAdded
        | RequestBodyAdded
        | RequestMediaTypeAdded
        | RequestFieldAdded
        | ResponseFieldAdded
        | RequestEnumValueAdded
        | ResponseEnumValueAdded
        | SchemaAdded => NonBreaking,
        // Same setters and types; the wire or the server's checks changed.
        PathChanged
        | MethodChanged
        | RequestParameterBecameRequired
        | RequestParameterBecameOptional
        | RequestBodyBecameRequired
        | RequestBodyBecameOptional
        | RequestConstraintTightened
        | RequestConstraintRelaxed
        | ResponseConstraintTightened
        | ResponseConstraintRelaxed
        | DefaultChanged
        | ApiVersionChanged
        | ResponseStatusAdded
        | ResponseMediaTypeAdded => NonBreaking,
        // A success status or media type removed can change the generated success type.
        ResponseStatusRemoved | ResponseMediaTypeRemoved => http,
    }
}

/// The version bump a change set calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The explanation printed after the bump.
    pub fn reason(self) -> &'static str {
        match self {
            Bump::Major => {
                "breaking changes; while omnidim is 0.x that means the minor version: 0.y.z -> 0.(y+1).0"
            }
            Bump::Minor => "non-breaking changes only",
            Bump::Patch => "documentation only",
            Bump::None => "no changes",
        }
    }
}

/// Everything `diff` found, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
    pub suggested_bump: Bump,
    /// Parts of the documents that were not compared (e.g. the work bound was reached).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Report {
    /// Sort, de-duplicate and derive the bump.
    pub fn new(mut changes: Vec<Change>, warnings: Vec<String>) -> Self {
        changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        changes.dedup();
        let suggested_bump = changes
            .iter()
            .map(|c| match c.classification {
                Classification::Breaking => Bump::Major,
                Classification::NonBreaking => Bump::Minor,
                Classification::Documentation => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None);
        Report {
            changes,
            suggested_bump,
            warnings,
        }
    }

    /// Whether a change breaks code written against the generated client.
    pub fn has_rust_breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.classification == Classification::Breaking)
    }

    /// Whether a change breaks code or the wire (what `--fail-on breaking` fails on).
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| {
            c.classification == Classification::Breaking || c.http == Classification::Breaking
        })
    }

    /// Whether a change breaks the wire.
    pub fn has_http_breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.http == Classification::Breaking)
    }

    pub fn count(&self, classification: Classification) -> usize {
        self.changes
            .iter()
            .filter(|c| c.classification == classification)
            .count()
    }

    /// Human output: the changes grouped by classification (breaking first), one line each,
    /// then a summary and the suggested bump.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let mut previous = None;
        for c in &self.changes {
            if previous.is_some() && previous != Some(c.classification) {
                out.push('\n');
            }
            previous = Some(c.classification);
            out.push_str(&c.human_line());
            out.push('\n');
        }
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        if !self.changes.is_empty() || !self.warnings.is_empty() {
            out.push('\n');
        }
        if self.changes.is_empty() {
            out.push_str("no changes\n");
        } else {
            let _ = writeln!(
                out,
                "{} breaking, {} non-breaking, {} documentation (for Rust code using the client)",
                self.count(Classification::Breaking),
                self.count(Classification::NonBreaking),
                self.count(Classification::Documentation)
            );
            let http = self
                .changes
                .iter()
                .filter(|c| c.http == Classification::Breaking)
                .count();
            if http > 0 {
                let _ = writeln!(
                    out,
                    "{http} breaking on the wire (HTTP): requests or responses that worked before can fail"
                );
            }
        }
        let _ = writeln!(
            out,
            "suggested bump: {} ({})",
            self.suggested_bump.as_str(),
            self.suggested_bump.reason()
        );
        out
    }

    /// Markdown for CHANGELOG.md (`--format changelog`): what changed in the API for users of
    /// the client, the bump it implies, and the Rust items each change touches. Documentation
    /// changes are counted, not listed: they change no code.
    pub fn to_changelog(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Bump: {} ({}).",
            self.suggested_bump.as_str(),
            self.suggested_bump.reason()
        );
        if self.changes.is_empty() {
            out.push_str("\nNo API changes.\n");
        }
        for (class, title) in [
            (Classification::Breaking, "Breaking"),
            (Classification::NonBreaking, "Added and relaxed"),
        ] {
            let changes: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.classification == class)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n#### {title}\n");
            for c in changes {
                let place = match (&c.operation, c.location.is_empty()) {
                    (Some(op), true) => format!("`{op}`"),
                    (Some(op), false) => format!("`{op}` `{}`", c.location),
                    (None, _) => format!("`{}`", c.location),
                };
                let _ = write!(out, "- {place}: {}", c.message);
                if c.http != c.classification {
                    let _ = write!(out, " (HTTP: {})", c.http.label().to_lowercase());
                }
                if !c.rust_items.is_empty() {
                    let items: Vec<String> =
                        c.rust_items.iter().map(|i| format!("`{i}`")).collect();
                    let _ = write!(out, "; {}", items.join(", "));
                }
                out.push('\n');
            }
        }
        let docs = self.count(Classification::Documentation);
        if docs > 0 {
            let _ = writeln!(
                out,
                "\n#### Documentation\n\n- {docs} change(s) to descriptions, examples or notes (`cargo xtask spec-diff` lists them)."
            );
        }
        for w in &self.warnings {
            let _ = writeln!(out, "\nWarning: {w}");
        }
        out
    }

    /// JSON output (pretty-printed, with a final newline).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self).map(|mut s| {
            s.push('\n');
            s
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(classification: Classification, http: Classification, message: &str) -> Change {
        Change {
            kind: ChangeKind::ResponseFieldRemoved,
            classification,
            http,
            operation: Some("getBulkCall".into()),
            location: "200 /details/name".into(),
            from: None,
            to: None,
            message: message.into(),
            rust_items: vec!["types::BulkCallDetail::name".into()],
        }
    }

    #[test]
    fn the_changelog_section_states_the_bump_and_groups_the_changes() {
        let report = Report::new(
            vec![
                change(
                    Classification::Breaking,
                    Classification::Breaking,
                    "field removed",
                ),
                change(
                    Classification::NonBreaking,
                    Classification::Breaking,
                    "field added",
                ),
                change(
                    Classification::Documentation,
                    Classification::Documentation,
                    "description changed",
                ),
            ],
            vec![],
        );
        let md = report.to_changelog();
        assert!(md.starts_with("Bump: major ("), "{md}");
        assert!(
            md.contains("#### Breaking\n\n- `getBulkCall` `200 /details/name`: field removed; `types::BulkCallDetail::name`\n"),
            "{md}"
        );
        assert!(
            md.contains("#### Added and relaxed\n\n- `getBulkCall` `200 /details/name`: field added (HTTP: breaking)"),
            "{md}"
        );
        assert!(md.contains("- 1 change(s) to descriptions"), "{md}");
        let none = Report::new(vec![], vec![]).to_changelog();
        assert_eq!(none, "Bump: none (no changes).\n\nNo API changes.\n");
    }
}
