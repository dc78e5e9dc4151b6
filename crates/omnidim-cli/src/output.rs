//! What `validate` and `check-live` share: exit codes, output formats (JUnit XML), and how a
//! report is judged (strict mode, a baseline of known findings).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use omnidim_validator::{Finding, Report, Severity};
use serde::{Deserialize, Serialize};

use crate::UsageError;

/// Exit codes, distinct so that CI can tell a contract problem from an environment problem.
pub mod exit {
    /// Every check passed.
    pub const OK: u8 = 0;
    /// The contract does not hold: a validation error, a new finding (under a baseline or
    /// `--strict`), or an operation that got a status other than a documented success.
    pub const FINDINGS: u8 = 1;
    /// Usage or input error (bad option, unreadable file); nothing was checked.
    pub const USAGE: u8 = 2;
    /// The API refused the key (401 or 403): the run stopped at the first one.
    pub const UNAUTHORIZED: u8 = 3;
    /// The API could not be reached or did not answer (connection failure, timeout, cut body,
    /// 5xx, 429).
    pub const UNREACHABLE: u8 = 4;
}

/// Output format of `validate` and `check-live`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people.
    Human,
    /// JSON (one document; `validate --ndjson`: one object a line).
    Json,
    /// JUnit XML, as CI test reporters read it (one test case per response or operation).
    Junit,
}

/// A baseline file: findings already known, by stable id ([`Finding::id`]). With a baseline a
/// run fails only on findings it does not list.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Known findings, sorted by id.
    pub findings: Vec<BaselineEntry>,
}

/// One known finding. Only `id` is matched; the rest is for people reading the file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaselineEntry {
    /// `operation kind pointer` (array indices written `*`).
    pub id: String,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The finding's message when it was recorded (masked).
    #[serde(default)]
    pub message: String,
}

impl Baseline {
    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Self, UsageError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            UsageError::Message(format!("{}: cannot read the baseline: {e}", path.display()))
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            UsageError::Message(format!(
                "{}: not a baseline file ({{\"version\": 1, \"findings\": [{{\"id\": ...}}]}}): {e}",
                path.display()
            ))
        })?;
        if baseline.version != 1 {
            return Err(UsageError::Message(format!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                baseline.version
            )));
        }
        Ok(baseline)
    }

    /// The baseline of every finding of `reports` (one entry per id).
    pub fn of<'r>(reports: impl IntoIterator<Item = &'r Report>) -> Self {
        let mut by_id: BTreeMap<String, BaselineEntry> = BTreeMap::new();
        for report in reports {
            for f in &report.findings {
                let id = f.id(&report.operation);
                by_id.entry(id.clone()).or_insert_with(|| BaselineEntry {
                    id,
                    severity: f.severity,
                    message: f.message.clone(),
                });
            }
        }
        Baseline {
            version: 1,
            findings: by_id.into_values().collect(),
        }
    }

    /// Write the baseline as pretty JSON (stable order: diffs of it stay readable).
    pub fn write(&self, path: &Path) -> Result<(), UsageError> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| UsageError::Message(format!("cannot encode the baseline: {e}")))?;
        std::fs::write(path, text + "\n").map_err(|e| {
            UsageError::Message(format!(
                "{}: cannot write the baseline: {e}",
                path.display()
            ))
        })
    }
}

/// How reports are judged: errors fail; with `strict`, warnings too; with a baseline, exactly the
/// findings the baseline does not list (errors or warnings), so CI fails only on what is new.
pub struct Judge {
    strict: bool,
    known: Option<BTreeSet<String>>,
    /// Ids of the baseline seen in this run (to tell which entries are gone).
    seen: BTreeSet<String>,
}

impl Judge {
    pub fn new(strict: bool, baseline: Option<&Baseline>) -> Self {
        Self {
            strict,
            known: baseline.map(|b| b.findings.iter().map(|e| e.id.clone()).collect()),
            seen: BTreeSet::new(),
        }
    }

    /// Whether a finding of `operation` is known to the baseline.
    pub fn is_known(&self, operation: &str, finding: &Finding) -> bool {
        self.known
            .as_ref()
            .is_some_and(|k| k.contains(&finding.id(operation)))
    }

    /// Judge a report: `None` when it passes, else why it fails. Records which baseline entries
    /// were seen.
    pub fn judge(&mut self, report: &Report) -> Option<String> {
        match &self.known {
            Some(known) => {
                let mut new = 0;
                for f in &report.findings {
                    let id = f.id(&report.operation);
                    if known.contains(&id) {
                        self.seen.insert(id);
                    } else {
                        new += 1;
                    }
                }
                // Findings past the cap have no id to match: an omitted error is new.
                let unknown_errors = report.omitted_errors;
                match (new, unknown_errors) {
                    (0, 0) => None,
                    (n, 0) => Some(format!("{n} new finding(s) not in the baseline")),
                    (n, e) => Some(format!(
                        "{n} new finding(s) not in the baseline, {e} error(s) past the findings cap"
                    )),
                }
            }
            None => {
                let verdict = report.verdict(self.strict);
                verdict.fails().then(|| {
                    let errors = report.count(Severity::Error);
                    let warnings = report.count(Severity::Warning);
                    if errors > 0 {
                        format!("{errors} error(s), {warnings} warning(s)")
                    } else {
                        format!("{warnings} warning(s): fails under --strict")
                    }
                })
            }
        }
    }

    /// Whether a baseline is in use.
    pub fn has_baseline(&self) -> bool {
        self.known.is_some()
    }

    /// Baseline entries no finding of this run matched (fixed drift: they can be removed).
    pub fn unseen(&self) -> Vec<&str> {
        self.known
            .iter()
            .flatten()
            .filter(|id| !self.seen.contains(*id))
            .map(String::as_str)
            .collect()
    }
}

/// One test case of a JUnit report.
pub struct Case {
    pub name: String,
    pub classname: String,
    pub time: Option<Duration>,
    pub outcome: CaseOutcome,
    /// Details (a report's text), written to the case's `system-out` or inside its failure.
    pub details: String,
}

pub enum CaseOutcome {
    Passed,
    /// The contract does not hold (JUnit `failure`).
    Failed {
        kind: String,
        message: String,
    },
    /// The check could not be made: transport failure, server error (JUnit `error`).
    Error {
        kind: String,
        message: String,
    },
    Skipped {
        message: String,
    },
}

/// A JUnit XML document (the `testsuites` / `testsuite` / `testcase` layout of the junit-10 XSD
/// that Jenkins, GitLab and GitHub test reporters read): one suite, one case per entry.
pub fn junit(suite: &str, cases: &[Case], total: Duration, system_err: &str) -> String {
    let count = |f: fn(&CaseOutcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
    let failures = count(|o| matches!(o, CaseOutcome::Failed { .. }));
    let errors = count(|o| matches!(o, CaseOutcome::Error { .. }));
    let skipped = count(|o| matches!(o, CaseOutcome::Skipped { .. }));
    let secs = |d: Duration| format!("{:.3}", d.as_secs_f64());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">\n",
        xml(suite),
        cases.len(),
        secs(total)
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">\n",
        xml(suite),
        cases.len(),
        secs(total)
    ));
    for c in cases {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            xml(&c.name),
            xml(&c.classname)
        ));
        if let Some(t) = c.time {
            out.push_str(&format!(" time=\"{}\"", secs(t)));
        }
        let body = match &c.outcome {
            CaseOutcome::Passed => String::new(),
            CaseOutcome::Failed { kind, message } => format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                xml(message),
                xml(kind),
                xml(&c.details)
            ),
            CaseOutcome::Error { kind, message } => format!(
                "      <error message=\"{}\" type=\"{}\">{}</error>\n",
                xml(message),
                xml(kind),
                xml(&c.details)
            ),
            CaseOutcome::Skipped { message } => {
                format!("      <skipped message=\"{}\"/>\n", xml(message))
            }
        };
        let system_out = if matches!(c.outcome, CaseOutcome::Passed) && !c.details.is_empty() {
            format!("      <system-out>{}</system-out>\n", xml(&c.details))
        } else {
            String::new()
        };
        if body.is_empty() && system_out.is_empty() {
            out.push_str("/>\n");
        } else {
            out.push_str(">\n");
            out.push_str(&body);
            out.push_str(&system_out);
            out.push_str("    </testcase>\n");
        }
    }
    if !system_err.is_empty() {
        out.push_str(&format!(
            "    <system-err>{}</system-err>\n",
            xml(system_err)
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text as XML character data or an attribute value: the five entities escaped, and characters
/// XML 1.0 cannot carry (most control characters, lone surrogates cannot occur in a `str`)
/// replaced by U+FFFD, so a hostile response body cannot break the document.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Write `text` to standard output; a closed pipe (`| head`) is not an error worth a message.
pub fn print(text: &str) -> Result<(), UsageError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(UsageError::Message(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_control_characters_replaced() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(xml("x\u{0}y\u{1b}z\n"), "x\u{FFFD}y\u{FFFD}z\n");
    }
}
