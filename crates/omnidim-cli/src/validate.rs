//! `omnidim validate`.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use omnidim_validator::{Options, Report, Validator};
use serde::Deserialize;

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
    #[arg(long, value_name = "FILE")]
    ndjson: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Warnings (undocumented or missing fields) count as errors.
    #[arg(long)]
    strict: bool,
    /// The spec to validate against (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Show values in findings (by default they are masked: responses carry phone numbers).
    #[arg(long)]
    show_values: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Deserialize)]
struct Recorded {
    operation: String,
    #[serde(default = "default_status")]
    status: u16,
    #[serde(default)]
    content_type: Option<String>,
    body: serde_json::Value,
}

fn default_status() -> u16 {
    200
}

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
    let fails = |r: &Report| {
        if args.strict {
            !r.is_clean()
        } else {
            !r.is_valid()
        }
    };
    let mut out = std::io::stdout().lock();

    if let Some(path) = &args.ndjson {
        let reader = open(path)?;
        let (mut total, mut failed) = (0usize, 0usize);
        for (n, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| {
                UsageError::Message(format!("{path}: cannot read line {}: {e}", n + 1))
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let rec: Recorded = serde_json::from_str(&line).map_err(|e| {
                UsageError::Message(format!("{path}:{}: not a recorded response ({{\"operation\", \"status\", \"body\"}}): {e}", n + 1))
            })?;
            let report = match &rec.body {
                // A string body is the raw text that was received (an HTML page, a cut body).
                serde_json::Value::String(text) => validator.validate(
                    &rec.operation,
                    rec.status,
                    rec.content_type.as_deref(),
                    text.as_bytes(),
                ),
                json => validator.validate_value(
                    &rec.operation,
                    rec.status,
                    rec.content_type.as_deref(),
                    json,
                ),
            }
            .map_err(|e| UsageError::Message(format!("{path}:{}: {e}", n + 1)))?;
            total += 1;
            if fails(&report) {
                failed += 1;
            }
            emit(&mut out, &report, args.format, Some(n + 1))?;
        }
        if args.format == Format::Human {
            let _ = writeln!(
                out,
                "{total} response(s): {} passed, {failed} failed",
                total - failed
            );
        }
        return Ok(if failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }

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
    let report = validator.validate(operation, args.status, args.content_type.as_deref(), &body)?;
    emit(&mut out, &report, args.format, None)?;
    Ok(if fails(&report) {
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
) -> Result<(), UsageError> {
    let written = match format {
        Format::Human => match line {
            Some(n) => write!(out, "line {n}: {report}"),
            None => write!(out, "{report}"),
        },
        Format::Json => {
            let json =
                serde_json::to_string(report).map_err(|e| UsageError::Message(e.to_string()))?;
            writeln!(out, "{json}")
        }
    };
    // A closed pipe (e.g. `| head`) is not an error worth a message.
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(UsageError::Message(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
