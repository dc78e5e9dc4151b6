//! What a validation found: a list of findings in a stable order, as JSON or as text.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The response violates the spec.
    Error,
    /// The spec allows it, but the API has drifted from what the spec documents.
    Warning,
}

/// What kind of mismatch a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The value has a JSON type the schema does not allow.
    Type,
    /// The value is not one of the schema's `enum`/`const` values.
    Enum,
    /// A number is outside `minimum`/`maximum`/`exclusive*`.
    Range,
    /// A string is shorter or longer than `minLength`/`maxLength`.
    Length,
    /// An array or object has too few or too many items/properties.
    Size,
    /// A `required` property is missing.
    Required,
    /// A property that `additionalProperties: false` forbids.
    AdditionalProperty,
    /// No `oneOf`/`anyOf` branch matches, or several `oneOf` branches do.
    Composition,
    /// The schema is `false`: no value is allowed.
    Never,
    /// Another JSON Schema keyword (checked by the `jsonschema` crate).
    Keyword,
    /// A property the response has but the spec does not document (warning).
    UndocumentedField,
    /// A property the spec documents but the response lacks (warning).
    MissingField,
    /// The operation documents no response for this status.
    UndocumentedStatus,
    /// The response declares no such content type.
    UndocumentedContentType,
    /// The body is not JSON (an HTML error page, a truncated body).
    InvalidJson,
    /// A JSON body was expected and the body is empty.
    EmptyBody,
    /// An object has the same key twice. An error when the key is a documented property (the
    /// client's generated types fail on a repeated field); a warning otherwise (readers disagree
    /// on which value counts: `serde_json::Value` and maps keep the last, others the first).
    DuplicateKey,
}

impl FindingKind {
    /// The snake_case name, as in JSON reports and finding ids.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Type => "type",
            FindingKind::Enum => "enum",
            FindingKind::Range => "range",
            FindingKind::Length => "length",
            FindingKind::Size => "size",
            FindingKind::Required => "required",
            FindingKind::AdditionalProperty => "additional_property",
            FindingKind::Composition => "composition",
            FindingKind::Never => "never",
            FindingKind::Keyword => "keyword",
            FindingKind::UndocumentedField => "undocumented_field",
            FindingKind::MissingField => "missing_field",
            FindingKind::UndocumentedStatus => "undocumented_status",
            FindingKind::UndocumentedContentType => "undocumented_content_type",
            FindingKind::InvalidJson => "invalid_json",
            FindingKind::EmptyBody => "empty_body",
            FindingKind::DuplicateKey => "duplicate_key",
        }
    }
}

/// One mismatch between a response and the spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of mismatch.
    pub kind: FindingKind,
    /// Error or warning.
    pub severity: Severity,
    /// RFC 6901 pointer into the response body (`""` is the whole body).
    pub instance: String,
    /// Pointer into the spec document, as a URI fragment (`#/components/schemas/...`).
    pub schema: String,
    /// What the spec expects.
    pub expected: String,
    /// What the response has (masked unless values are shown).
    pub actual: String,
    /// A sentence for humans.
    pub message: String,
}

/// Everything one validation found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The operationId validated against.
    pub operation: String,
    /// The status of the response.
    pub status: u16,
    /// The response key of the spec that applied (`200`, `2XX`, `default`), if any.
    pub matched_response: Option<String>,
    /// Findings, sorted by instance pointer, then kind (stable across runs).
    ///
    /// At most [`crate::Options::max_findings`] of them; errors are kept before warnings, so a
    /// report that has any error keeps at least one (unless the cap is 0).
    pub findings: Vec<Finding>,
    /// Findings left out after [`crate::Options::max_findings`] (errors and warnings).
    pub omitted: usize,
    /// How many of the [`Report::omitted`] findings are errors. The verdict counts them: the cap
    /// bounds the size of a report, never what it concludes.
    #[serde(default)]
    pub omitted_errors: usize,
}

impl Finding {
    /// A stable id for this finding of `operation`: `operation kind pointer`, with array indices
    /// in the pointer written `*` (`getAgent undocumented_field /post_call_config_ids/*/webhook_url`).
    ///
    /// Stable across runs and across the order or number of items a list returns, so that a
    /// baseline of known findings keeps matching; the same drift in every row of a page is one id.
    pub fn id(&self, operation: &str) -> String {
        let pointer: Vec<&str> = self
            .instance
            .split('/')
            .map(|seg| {
                if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                    "*"
                } else {
                    seg
                }
            })
            .collect();
        format!("{operation} {} {}", self.kind.as_str(), pointer.join("/"))
    }
}

/// How a report is judged: by errors only, or (strict) by any finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No finding, or warnings only outside strict mode.
    Valid,
    /// At least one error.
    Invalid,
    /// Valid, but it has warnings and warnings count (`--strict`).
    FailsUnderStrict,
}

impl Verdict {
    /// Whether the verdict fails a check.
    pub fn fails(self) -> bool {
        self != Verdict::Valid
    }

    /// `valid`, `INVALID`, `fails under --strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "INVALID",
            Verdict::FailsUnderStrict => "fails under --strict",
        }
    }
}

impl Report {
    /// The verdict, with warnings counting when `strict` is set. A report with warnings only is
    /// never called "valid" under strict mode: it fails there.
    pub fn verdict(&self, strict: bool) -> Verdict {
        if !self.is_valid() {
            Verdict::Invalid
        } else if strict && !self.is_clean() {
            Verdict::FailsUnderStrict
        } else {
            Verdict::Valid
        }
    }

    /// The text form with the verdict of `strict` mode (the plain `Display` is non-strict).
    pub fn display(&self, strict: bool) -> impl fmt::Display + '_ {
        struct Shown<'r>(&'r Report, bool);
        impl fmt::Display for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.render(f, self.1)
            }
        }
        Shown(self, strict)
    }

    /// Whether there is no error finding (warnings allowed), kept or omitted.
    pub fn is_valid(&self) -> bool {
        self.omitted_errors == 0 && !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The first error finding in report order (instance pointer, then kind), if any. Not simply
    /// the first finding: that is often a warning sorted before the error that matters.
    pub fn first_error(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.severity == Severity::Error)
    }

    /// Whether there is no finding at all (strict mode: warnings count).
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.omitted == 0
    }

    /// Number of findings with this severity, omitted ones included.
    pub fn count(&self, severity: Severity) -> usize {
        let kept = self
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        let omitted = match severity {
            Severity::Error => self.omitted_errors,
            Severity::Warning => self.omitted.saturating_sub(self.omitted_errors),
        };
        kept + omitted
    }

    pub(crate) fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.instance, a.kind, a.severity, &a.schema, &a.message).cmp(&(
                &b.instance,
                b.kind,
                b.severity,
                &b.schema,
                &b.message,
            ))
        });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f, false)
    }
}

impl Report {
    fn render(&self, f: &mut fmt::Formatter<'_>, strict: bool) -> fmt::Result {
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        let verdict = self.verdict(strict).as_str();
        write!(f, "{} {}: {verdict}", self.operation, self.status)?;
        if let Some(r) = &self.matched_response {
            write!(f, " (response {r})")?;
        }
        writeln!(f, ", {errors} error(s), {warnings} warning(s)")?;
        for finding in &self.findings {
            let at = if finding.instance.is_empty() {
                "(body)"
            } else {
                &finding.instance
            };
            writeln!(
                f,
                "  {:<7} {at}: {}",
                format!("{:?}", finding.severity).to_lowercase(),
                finding.message
            )?;
            writeln!(
                f,
                "          expected {}, found {}",
                finding.expected, finding.actual
            )?;
            if !finding.schema.is_empty() {
                writeln!(f, "          spec {}", finding.schema)?;
            }
        }
        if self.omitted > 0 {
            writeln!(
                f,
                "  ... {} more finding(s) omitted ({} error(s), {} warning(s))",
                self.omitted,
                self.omitted_errors,
                self.omitted.saturating_sub(self.omitted_errors)
            )?;
        }
        Ok(())
    }
}
