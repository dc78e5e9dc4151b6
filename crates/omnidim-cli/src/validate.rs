//! `omnidim validate`.

use std::borrow::Cow;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use omnidim_validator::{Options, Report, Validator};
use serde::Deserialize;
use serde_json::value::RawValue;

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

/// 256 MiB: room for the largest bodies seen in practice, a bound on memory for broken input.
const DEFAULT_MAX_LINE_BYTES: u64 = 256 * 1024 * 1024;

/// One NDJSON line, borrowed from the line's bytes: the body stays raw JSON text (no DOM, no
/// copy) and goes to the validator's streaming entry point as it is.
#[derive(Deserialize)]
struct Recorded<'a> {
    #[serde(borrow)]
    operation: Cow<'a, str>,
    #[serde(default = "default_status")]
    status: u16,
    #[serde(default, borrow)]
    content_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    body: &'a RawValue,
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
            let rec: Recorded<'_> = serde_json::from_slice(&line).map_err(|e| {
                UsageError::Message(format!("{path}:{n}: not a recorded response ({{\"operation\", \"status\", \"body\"}}): {e}"))
            })?;
            let raw = rec.body.get();
            // A string body is the raw text that was received (an HTML page, a cut body).
            let text: Option<String> =
                if raw.starts_with('"') {
                    Some(serde_json::from_str(raw).map_err(|e| {
                        UsageError::Message(format!("{path}:{n}: body string: {e}"))
                    })?)
                } else {
                    None
                };
            let body = text.as_deref().unwrap_or(raw).as_bytes();
            let report = validator
                .validate(
                    &rec.operation,
                    rec.status,
                    rec.content_type.as_deref(),
                    body,
                )
                .map_err(|e| UsageError::Message(format!("{path}:{n}: {e}")))?;
            total += 1;
            if fails(&report) {
                failed += 1;
            }
            emit(&mut out, &report, args.format, Some(n))?;
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

/// Read the next line (without its `\n` or `\r\n`) into `line`; `false` at the end of input.
/// Never holds more than `max` bytes of a line: a longer one is an error.
fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>, max: u64) -> Result<bool, String> {
    line.clear();
    let read = reader
        .take(max.saturating_add(1))
        .read_until(b'\n', line)
        .map_err(|e| format!("cannot read: {e}"))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    } else if read as u64 > max {
        return Err(format!(
            "line longer than {max} bytes (--max-line-bytes); not read further"
        ));
    }
    Ok(true)
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
