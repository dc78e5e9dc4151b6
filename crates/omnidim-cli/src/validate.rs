//! `omnidim validate`.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::output::{self, Baseline, Case, CaseOutcome, Format, Judge};
use omnidim_validator::record::{ReplayLine, read_line};
use omnidim_validator::{Options, Report, Validator};

use crate::UsageError;

#[derive(clap::Args)]
pub struct Args {
    /// The operationId the response belongs to (e.g. getBulkCall). Required unless --ndjson.
    #[arg(long)]
    operation: Option<String>,
    /// HTTP status of the response.
    #[arg(long, default_value_t = 200)]
    status: u16,
    /// Content-Type of the response (default: the operation's JSON media type).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    /// The body to check; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-", conflicts_with = "ndjson")]
    file: Option<String>,
    /// A stream of recorded responses, one JSON object a line:
    /// {"operation": ..., "status": ..., "body": <json or string>[, "content_type": ...]}.
    /// Read one line at a time; each body is checked from its bytes, without building a DOM.
    #[arg(long, value_name = "FILE")]
    ndjson: Option<String>,
    /// Longest --ndjson line accepted, in bytes: a longer line is an input error (exit 2) and is
    /// never held in memory whole. Memory use follows the longest line read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: u64,
    /// Output format: human, json (one report a line; with --ndjson each carries its input
    /// `line`) or junit (XML for CI test reporters, one test case per response).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Warnings (undocumented or missing fields) count as errors: a report with warnings only
    /// "fails under --strict".
    #[arg(long)]
    strict: bool,
    /// Known findings (a file written by --write-baseline): only findings it does not list fail,
    /// warnings included.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding to FILE as a baseline (the verdict is unchanged).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// The spec to validate against (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Show values in findings (by default they are masked: responses carry phone numbers).
    #[arg(long)]
    show_values: bool,
}

/// 256 MiB: room for the largest bodies seen in practice, a bound on memory for broken input.
const DEFAULT_MAX_LINE_BYTES: u64 = 256 * 1024 * 1024;

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = match &args.spec {
        Some(p) => {
            omnidim_spec::Spec::from_path(p).map_err(|e| UsageError::Message(e.to_string()))?
        }
        None => omnidim_spec::Spec::embedded().map_err(|e| UsageError::Message(e.to_string()))?,
    };
    let options = Options {
        show_values: args.show_values,
        ..Options::default()
    };
    let validator = Validator::with_options(&spec, options)?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut judge = Judge::new(args.strict, baseline.as_ref());
    let mut out = std::io::stdout().lock();
    let started = std::time::Instant::now();
    // Reports are kept only when a whole-run output needs them (JUnit, a baseline to write).
    let keep = args.format == Format::Junit || args.write_baseline.is_some();
    let mut kept: Vec<(Option<usize>, Report, Option<String>)> = Vec::new();

    let failed = if let Some(path) = &args.ndjson {
        let mut reader = open(path)?;
        let (mut total, mut failed) = (0usize, 0usize);
        let mut line = Vec::new();
        let mut n = 0usize;
        while read_line(&mut reader, &mut line, args.max_line_bytes)
            .map_err(|e| UsageError::Message(format!("{path}:{}: {e}", n + 1)))?
        {
            n += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let rec = ReplayLine::parse(&line)
                .map_err(|e| UsageError::Message(format!("{path}:{n}: {e}")))?;
            let body = rec
                .body_bytes()
                .map_err(|e| UsageError::Message(format!("{path}:{n}: {e}")))?;
            let report = validator
                .validate(
                    &rec.operation,
                    rec.status,
                    rec.content_type.as_deref(),
                    &body,
                )
                .map_err(|e| UsageError::Message(format!("{path}:{n}: {e}")))?;
            total += 1;
            let why = judge.judge(&report);
            if why.is_some() {
                failed += 1;
            }
            emit(
                &mut out,
                &report,
                args.format,
                Some(n),
                args.strict,
                why.as_deref(),
            )?;
            if keep {
                kept.push((Some(n), report, why));
            }
        }
        if args.format == Format::Human {
            let _ = writeln!(
                out,
                "{total} response(s): {} passed, {failed} failed",
                total - failed
            );
        }
        failed
    } else {
        let Some(operation) = &args.operation else {
            return Err(UsageError::Message(
                "--operation is required (or use --ndjson)".into(),
            ));
        };
        let source = args.file.as_deref().unwrap_or("-");
        let mut body = Vec::new();
        open(source)?
            .read_to_end(&mut body)
            .map_err(|e| UsageError::Message(format!("{source}: cannot read: {e}")))?;
        let report =
            validator.validate(operation, args.status, args.content_type.as_deref(), &body)?;
        let why = judge.judge(&report);
        emit(
            &mut out,
            &report,
            args.format,
            None,
            args.strict,
            why.as_deref(),
        )?;
        let failed = usize::from(why.is_some());
        if keep {
            kept.push((None, report, why));
        }
        failed
    };
    if args.format == Format::Human && judge.has_baseline() {
        let unseen = judge.unseen();
        if !unseen.is_empty() {
            let _ = writeln!(
                out,
                "{} baseline finding(s) no longer seen: {}",
                unseen.len(),
                unseen.join("; ")
            );
        }
    }
    if args.format == Format::Junit {
        let cases: Vec<Case> = kept
            .iter()
            .map(|(line, report, why)| Case {
                name: match line {
                    Some(n) => format!("line {n}: {} {}", report.operation, report.status),
                    None => format!("{} {}", report.operation, report.status),
                },
                classname: "omnidim.validate".into(),
                time: None,
                outcome: match why {
                    Some(m) => CaseOutcome::Failed {
                        kind: "contract".into(),
                        message: m.clone(),
                    },
                    None => CaseOutcome::Passed,
                },
                details: if report.findings.is_empty() {
                    String::new()
                } else {
                    report.display(args.strict).to_string()
                },
            })
            .collect();
        output::print(&output::junit(
            "omnidim validate",
            &cases,
            started.elapsed(),
            "",
        ))?;
    }
    if let Some(path) = &args.write_baseline {
        Baseline::of(kept.iter().map(|(_, r, _)| r)).write(path)?;
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn open(path: &str) -> Result<Box<dyn BufRead>, UsageError> {
    if path == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| UsageError::Message(format!("{path}: cannot open: {e}")))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

fn emit(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    line: Option<usize>,
    strict: bool,
    why: Option<&str>,
) -> Result<(), UsageError> {
    let written = match format {
        Format::Human => {
            let shown = report.display(strict);
            let tail = match why {
                // With a baseline the verdict line says why the report fails (new findings).
                Some(w) if !report.verdict(strict).fails() => format!("  fails: {w}\n"),
                _ => String::new(),
            };
            match line {
                Some(n) => write!(out, "line {n}: {shown}{tail}"),
                None => write!(out, "{shown}{tail}"),
            }
        }
        Format::Json => {
            // The report, its input line (NDJSON) and the verdict that decides the exit code.
            let mut v =
                serde_json::to_value(report).map_err(|e| UsageError::Message(e.to_string()))?;
            if let serde_json::Value::Object(m) = &mut v {
                if let Some(n) = line {
                    m.insert("line".into(), n.into());
                }
                m.insert("passed".into(), why.is_none().into());
                m.insert(
                    "verdict".into(),
                    report.verdict(strict).as_str().to_ascii_lowercase().into(),
                );
                if let Some(serde_json::Value::Array(findings)) = m.get_mut("findings") {
                    for (f, value) in report.findings.iter().zip(findings.iter_mut()) {
                        if let serde_json::Value::Object(fm) = value {
                            fm.insert("id".into(), f.id(&report.operation).into());
                        }
                    }
                }
            }
            let json = serde_json::to_string(&v).map_err(|e| UsageError::Message(e.to_string()))?;
            writeln!(out, "{json}")
        }
        // Written once at the end.
        Format::Junit => Ok(()),
    };
    // A closed pipe (e.g. `| head`) is not an error worth a message.
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(UsageError::Message(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
