//! `omnidim check-live`: call every read-only operation, validate each response against the spec,
//! report per operation. Against the real API with `OMNIDIM_API_KEY`, against any server with
//! `--base-url`, or against the built-in mock with `--mock` (no key needed).
//!
//! An operation passes only on a documented *success* status (2xx) whose body validates: a
//! documented 401 or 404 body that matches its error schema checks nothing about the API. 401 and
//! 403 stop the run at once (the key is wrong or revoked: every other call would say the same),
//! so do connection failures (unreachable); 5xx, 429, timeouts and cut bodies fail their
//! operation as "unavailable".
//! Exit codes: see [`crate::output::exit`].

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use omnidim_spec::{HttpMethod, Spec};
use omnidim_validator::record::Recorded;
use omnidim_validator::{Options, Report, Severity, Validator};
use serde_json::{Value, json};

use crate::UsageError;
use crate::output::{self, Baseline, Case, CaseOutcome, Format, Judge, exit};

#[derive(clap::Args)]
pub struct Args {
    /// The API to check (default: OMNIDIM_BASE_URL, else the production API).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Check against the built-in mock on loopback (no API key needed).
    #[arg(long, conflicts_with = "base_url")]
    mock: bool,
    /// The spec to check against (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// A value for a path or query parameter, e.g. `--id bulk_call_id=314` (otherwise ids are
    /// taken from the list operations' first records).
    #[arg(long = "id", value_name = "NAME=VALUE")]
    ids: Vec<String>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Warnings (undocumented or missing fields) count as failures.
    #[arg(long)]
    strict: bool,
    /// Print every finding, warnings included (by default only failing reports are shown).
    #[arg(long)]
    details: bool,
    /// Output format: human, json (one document) or junit (XML for CI test reporters).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Known findings (a file written by --write-baseline): only findings it does not list fail
    /// the run, warnings included.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding of this run to FILE as a baseline (the run's verdict is unchanged).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Write each response (operation, status, headers that matter, masked body) to FILE, one
    /// JSON object a line: `omnidim validate --ndjson FILE` replays it, `omnidim mock
    /// --examples-from FILE` serves it. Credentials are never written.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Show values in findings and recordings (by default numbers, strings and personal keys
    /// are masked: responses carry phone numbers). Credentials stay redacted.
    #[arg(long)]
    show_values: bool,
}

/// Where an id parameter comes from when it is not given: (parameter, path prefix of the
/// operations that use it, list operation, pointer into its response). The key names are those
/// of the published examples; a `voice_id` under `/providers/` is a catalogue voice, under
/// `/voices/` an account's cloned voice (whose list shape is undocumented: pass `--id`).
const ID_SOURCES: &[(&str, &str, &str, &str)] = &[
    ("bulk_call_id", "/", "fetchBulkCalls", "/records/0/id"),
    ("campaign_id", "/", "fetchBulkCalls", "/records/0/id"),
    ("call_log_id", "/", "listCallLogs", "/call_log_data/0/id"),
    ("agent_id", "/", "listAgents", "/bots/0/id"),
    ("simulation_id", "/", "listSimulations", "/records/0/id"),
    ("voice_id", "/providers/", "listVoices", "/voices/0/id"),
];

/// The placeholder key used with `--mock`, and with a loopback `--base-url` when no key is set.
/// Never sent anywhere else: a real server would log it as a failed login.
const PLACEHOLDER_KEY: &str = "mock-key-not-a-secret";

struct Row {
    operation: String,
    status: Option<u16>,
    elapsed: Option<Duration>,
    report: Option<Report>,
    outcome: Outcome,
}

enum Outcome {
    Passed,
    /// The contract does not hold (findings, a status that is not a documented success).
    Failed(String),
    /// No usable answer (transport failure, 5xx): the API is unreachable or unavailable.
    Unavailable(String),
    Skipped(String),
}

/// Why the run stopped before the last operation.
enum Abort {
    Unauthorized(String),
    Unreachable(String),
}

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = crate::load_spec(args.spec.as_deref())?;
    let validator = Validator::with_options(
        &spec,
        Options {
            show_values: args.show_values,
            ..Options::default()
        },
    )?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let env_key = std::env::var(omnidim::ENV_API_KEY)
        .ok()
        .filter(|k| !k.trim().is_empty());
    let env_url = std::env::var(omnidim::ENV_BASE_URL)
        .ok()
        .filter(|u| !u.trim().is_empty());
    if !args.mock && env_key.is_none() && args.base_url.is_none() {
        return Err(UsageError::Message(format!(
            "{} is not set: set it to check the live API, pass --base-url URL for another server, or --mock for the built-in mock",
            omnidim::ENV_API_KEY
        )));
    }
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    for id in &args.ids {
        let (k, v) = id
            .split_once('=')
            .ok_or_else(|| UsageError::Message(format!("--id {id:?}: expected NAME=VALUE")))?;
        given.insert(k.to_string(), v.to_string());
    }
    let mut recorder = match &args.record {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| {
                UsageError::Message(format!("{}: cannot create: {e}", path.display()))
            })?,
        )),
        None => None,
    };
    let runtime = crate::runtime()?;
    let started = Instant::now();
    let (base_url, rows, abort) = runtime.block_on(async {
        let mock = if args.mock {
            Some(
                omnidim_mock::MockServer::start_with(
                    spec.clone(),
                    Default::default(),
                    ([127, 0, 0, 1], 0).into(),
                )
                .await
                .map_err(|e| UsageError::Message(e.to_string()))?,
            )
        } else {
            None
        };
        let base_url = match &mock {
            Some(m) => m.base_url(),
            None => args
                .base_url
                .clone()
                .or(env_url)
                .unwrap_or_else(|| omnidim::DEFAULT_BASE_URL.to_string()),
        };
        let key = match (&mock, env_key) {
            (Some(_), _) => PLACEHOLDER_KEY.to_string(),
            (None, Some(key)) => key,
            (None, None) if is_loopback_url(&base_url) => PLACEHOLDER_KEY.to_string(),
            (None, None) => {
                return Err(UsageError::Message(format!(
                    "{} is not set: without a key, only a loopback --base-url is checked (with a placeholder key); {} is not loopback",
                    omnidim::ENV_API_KEY,
                    redact_url(&base_url)
                )));
            }
        };
        let client = omnidim::Client::builder()
            .api_key(key)
            .base_url(&base_url)
            .timeout(Duration::from_secs(args.timeout))
            .user_agent("omnidim-check-live")
            .build()
            .map_err(|e| UsageError::Message(e.to_string()))?;
        if args.format == Format::Human {
            println!("checking {} against {}", spec.origin(), redact_url(&base_url));
        }
        let mut ctx = Checker {
            spec: &spec,
            validator: &validator,
            client: &client,
            given: &given,
            sample_missing: mock.is_some(),
            recorder: recorder.as_mut(),
            show_values: args.show_values,
        };
        let (rows, abort) = ctx.check_all().await;
        Ok::<_, UsageError>((base_url, rows, abort))
    })?;
    if let Some(mut w) = recorder {
        w.flush()
            .map_err(|e| UsageError::Message(format!("cannot write the recording: {e}")))?;
    }
    let mut judge = Judge::new(args.strict, baseline.as_ref());
    let rows: Vec<Row> = rows.into_iter().map(|r| judged(r, &mut judge)).collect();
    if let Some(path) = &args.write_baseline {
        Baseline::of(rows.iter().filter_map(|r| r.report.as_ref())).write(path)?;
    }
    let code = match &abort {
        Some(Abort::Unauthorized(_)) => exit::UNAUTHORIZED,
        Some(Abort::Unreachable(_)) => exit::UNREACHABLE,
        None if rows
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Unavailable(_))) =>
        {
            exit::UNREACHABLE
        }
        None if rows.iter().any(|r| matches!(r.outcome, Outcome::Failed(_))) => exit::FINDINGS,
        None => exit::OK,
    };
    let abort_text = abort.as_ref().map(|a| match a {
        Abort::Unauthorized(m) => format!("unauthorized: {m}"),
        Abort::Unreachable(m) => format!("unreachable: {m}"),
    });
    let text = match args.format {
        Format::Human => human(&rows, &judge, args.details || args.strict, &args),
        Format::Json => json_document(&spec, &base_url, &rows, &judge, abort_text.as_deref(), code),
        Format::Junit => junit(&base_url, &rows, started.elapsed(), abort_text.as_deref()),
    };
    output::print(&text)?;
    if let Some(m) = &abort_text {
        eprintln!("omnidim: {m}");
    }
    Ok(ExitCode::from(code))
}

/// Apply the judge to a checked row: a documented success whose report fails becomes a failure.
fn judged(mut row: Row, judge: &mut Judge) -> Row {
    if matches!(row.outcome, Outcome::Passed)
        && let Some(report) = &row.report
        && let Some(why) = judge.judge(report)
    {
        row.outcome = Outcome::Failed(why);
    } else if let (Outcome::Failed(_), Some(report)) = (&row.outcome, &row.report) {
        // Count which baseline entries this run still shows.
        let _ = judge.judge(report);
    }
    row
}

struct Checker<'a, W: Write> {
    spec: &'a Spec,
    validator: &'a Validator,
    client: &'a omnidim::Client,
    given: &'a BTreeMap<String, String>,
    sample_missing: bool,
    recorder: Option<&'a mut W>,
    show_values: bool,
}

impl<W: Write> Checker<'_, W> {
    async fn check_all(&mut self) -> (Vec<Row>, Option<Abort>) {
        let spec = self.spec;
        let mut ops: Vec<_> = spec
            .operations()
            .into_iter()
            .filter(|o| o.method == HttpMethod::Get)
            .collect();
        // List operations (no path parameters) first: their records give the ids of the others.
        ops.sort_by_key(|o| o.path.contains('{'));
        let progress = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(ops.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Some(bar)
        } else {
            None
        };
        let mut bodies: BTreeMap<String, Value> = BTreeMap::new();
        let mut rows = Vec::new();
        let mut abort = None;
        for op in &ops {
            let id = op.operation_id.clone().unwrap_or_default();
            if let Some(bar) = &progress {
                bar.set_message(id.clone());
            }
            let mut path = op.path.clone();
            let mut query = Vec::new();
            let mut missing = None;
            for (name, location, required, schema) in parameters(spec, &op.pointer) {
                let value = self
                    .given
                    .get(&name)
                    .cloned()
                    .or_else(|| discovered(&name, &op.path, &bodies))
                    // The mock accepts any value that fits the schema.
                    .or_else(|| {
                        (self.sample_missing && required)
                            .then(|| text(&omnidim_spec::sample::sample(spec, &schema)))
                    });
                match (location.as_str(), value) {
                    ("path", Some(v)) => path = path.replace(&format!("{{{name}}}"), &encode(&v)),
                    ("query", Some(v)) => query.push((name, v)),
                    (_, None) if required => {
                        missing = Some(name);
                        break;
                    }
                    _ => {}
                }
            }
            let row = match missing {
                Some(name) => Row {
                    operation: id.clone(),
                    status: None,
                    elapsed: None,
                    report: None,
                    outcome: Outcome::Skipped(format!(
                        "no value for {name} (pass --id {name}=VALUE)"
                    )),
                },
                None => match self.call(&id, &path, &query, &mut bodies).await {
                    Ok(row) => row,
                    Err(a) => {
                        abort = Some(a);
                        break;
                    }
                },
            };
            rows.push(row);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        (rows, abort)
    }

    async fn call(
        &mut self,
        id: &str,
        path: &str,
        query: &[(String, String)],
        bodies: &mut BTreeMap<String, Value>,
    ) -> Result<Row, Abort> {
        let started = Instant::now();
        let row = |status, outcome, report| Row {
            operation: id.to_string(),
            status,
            elapsed: Some(started.elapsed()),
            report,
            outcome,
        };
        // The configured client of `omnidim` (auth, TLS, timeouts), without its typed decoding:
        // the point is to see the raw body.
        let result = self
            .client
            .request(reqwest::Method::GET, path)
            .query(query)
            .header("accept", "application/json")
            .send()
            .await;
        let response = match result {
            Ok(r) => r,
            Err(e) if e.is_connect() => {
                return Err(Abort::Unreachable(format!(
                    "cannot connect to {} ({id}): {}",
                    redact_url(self.client.base_url()),
                    root_cause(&e)
                )));
            }
            Err(e) => {
                let what = if e.is_timeout() {
                    "timed out"
                } else {
                    "request failed"
                };
                return Ok(row(
                    None,
                    Outcome::Unavailable(format!("{what}: {}", root_cause(&e))),
                    None,
                ));
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, Vec<u8>)> = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Ok(row(
                    Some(status),
                    Outcome::Unavailable(format!("cannot read the body: {}", root_cause(&e))),
                    None,
                ));
            }
        };
        if let Some(w) = self.recorder.as_deref_mut() {
            let rec = Recorded::new(
                id,
                status,
                headers.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                &bytes,
                self.show_values,
            );
            // A recording that cannot be written is reported at the end (flush).
            let _ = writeln!(w, "{}", rec.to_line());
        }
        if status == 401 || status == 403 {
            let said = error_text(&bytes)
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            return Err(Abort::Unauthorized(format!(
                "{id} got HTTP {status}{said}: the API key was refused (wrong, revoked, or without access to this API); check {}. Stopped at the first refusal.",
                omnidim::ENV_API_KEY
            )));
        }
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            bodies.insert(id.to_string(), v);
        }
        let report = match self
            .validator
            .validate(id, status, content_type.as_deref(), &bytes)
        {
            Ok(report) => report,
            Err(e) => return Ok(row(Some(status), Outcome::Failed(e.to_string()), None)),
        };
        let outcome = if status >= 500 || status == 429 {
            // The API is down or will not serve us now: an environment problem, not drift.
            let said = error_text(&bytes)
                .map(|t| format!(": {t}"))
                .unwrap_or_default();
            let what = if status == 429 {
                "rate limited"
            } else {
                "server error"
            };
            Outcome::Unavailable(format!("{what} HTTP {status}{said}"))
        } else if !(200..300).contains(&status) || report.matched_response.is_none() {
            let documented = report
                .matched_response
                .as_deref()
                .map(|k| format!("documented as response {k}, "))
                .unwrap_or_default();
            Outcome::Failed(format!(
                "HTTP {status} ({documented}not a documented success status)"
            ))
        } else {
            Outcome::Passed
        };
        Ok(row(Some(status), outcome, Some(report)))
    }
}

/// The innermost cause of an error (`Connection refused (os error 111)`), after the outer text
/// when they differ: reqwest's own text only says "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = e;
    for _ in 0..32 {
        match root.source() {
            Some(next) => root = next,
            None => break,
        }
    }
    let (outer, inner) = (e.to_string(), root.to_string());
    if std::ptr::addr_eq(root, e) || outer.ends_with(&inner) {
        outer
    } else {
        format!("{outer}: {inner}")
    }
}

/// The `error`/`message` text of an error body (bounded), if it is one.
fn error_text(bytes: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let text = ["error_description", "error", "message"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str))?;
    Some(text.chars().take(200).collect())
}

/// Whether a URL's host is loopback (localhost, 127.0.0.0/8, ::1).
fn is_loopback_url(raw: &str) -> bool {
    let Ok(url) = url::Url::parse(raw.trim()) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A URL as output shows it: any `user:password@` part removed.
fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        _ => raw.to_string(),
    }
}

/// (name, location, required, schema) of an operation's path and query parameters.
fn parameters(spec: &Spec, op_pointer: &str) -> Vec<(String, String, bool, Value)> {
    spec.parameters(op_pointer)
        .into_iter()
        .filter_map(|param| {
            let p = param.value;
            let name = p.get("name").and_then(Value::as_str)?;
            let location = p.get("in").and_then(Value::as_str)?;
            if location != "path" && location != "query" {
                return None;
            }
            let required = p
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(location == "path");
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            Some((name.to_string(), location.to_string(), required, schema))
        })
        .collect()
}

fn discovered(name: &str, path: &str, bodies: &BTreeMap<String, Value>) -> Option<String> {
    ID_SOURCES
        .iter()
        .filter(|(param, prefix, _, _)| *param == name && path.starts_with(prefix))
        .find_map(|(_, _, op, pointer)| bodies.get(*op).and_then(|b| b.pointer(pointer)).map(text))
}

/// A JSON value as a path or query parameter.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn counts(rows: &[Row]) -> (usize, usize, usize) {
    let passed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed))
        .count();
    let skipped = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Skipped(_)))
        .count();
    (passed, rows.len() - passed - skipped, skipped)
}

fn human(rows: &[Row], judge: &Judge, details: bool, args: &Args) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let width = rows
        .iter()
        .map(|r| r.operation.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>8}  RESULT",
        "OPERATION", "STATUS", "TIME"
    );
    for r in rows {
        let status = r
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        let time = r
            .elapsed
            .map(|d| format!("{:.0} ms", d.as_secs_f64() * 1000.0))
            .unwrap_or_else(|| "-".into());
        let counts = r
            .report
            .as_ref()
            .map(|rep| (rep.count(Severity::Error), rep.count(Severity::Warning)));
        let result = match (&r.outcome, counts) {
            (Outcome::Passed, Some((0, 0)) | None) => "ok".to_string(),
            (Outcome::Passed, Some((e, w))) => {
                format!("ok, {e} known error(s), {w} warning(s)").replace("0 known error(s), ", "")
            }
            (Outcome::Failed(m), _) => format!("FAIL: {m}"),
            (Outcome::Unavailable(m), _) => format!("FAIL: {m}"),
            (Outcome::Skipped(m), _) => format!("skipped: {m}"),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {status:>6}  {time:>8}  {result}",
            r.operation
        );
    }
    for r in rows {
        if let Some(report) = &r.report {
            let failed = matches!(r.outcome, Outcome::Failed(_));
            if (failed && !report.findings.is_empty()) || (details && !report.findings.is_empty()) {
                let _ = write!(out, "\n{}", report.display(args.strict));
                if judge.has_baseline() {
                    for f in &report.findings {
                        let mark = if judge.is_known(&report.operation, f) {
                            "known"
                        } else {
                            "NEW"
                        };
                        let _ = writeln!(out, "  {mark:<5} {}", f.id(&report.operation));
                    }
                }
            }
        }
    }
    let (passed, failed, skipped) = counts(rows);
    let _ = writeln!(out, "\n{passed} passed, {failed} failed, {skipped} skipped");
    let unseen = judge.unseen();
    if !unseen.is_empty() {
        let _ = writeln!(
            out,
            "{} baseline finding(s) no longer seen (fixed? remove them from the baseline): {}",
            unseen.len(),
            unseen.join("; ")
        );
    }
    let warned = rows.iter().any(|r| {
        matches!(r.outcome, Outcome::Passed)
            && r.report
                .as_ref()
                .is_some_and(|rep| !rep.findings.is_empty())
    });
    if !details && warned {
        let _ = writeln!(
            out,
            "(warnings are drift the spec allows: an undocumented or a missing field; --details shows them)"
        );
    }
    out
}

fn outcome_json(o: &Outcome) -> (&'static str, Value) {
    match o {
        Outcome::Passed => ("passed", Value::Null),
        Outcome::Failed(m) => ("failed", json!({"class": "contract", "message": m})),
        Outcome::Unavailable(m) => ("failed", json!({"class": "unavailable", "message": m})),
        Outcome::Skipped(m) => ("skipped", json!({"class": "skipped", "message": m})),
    }
}

fn json_document(
    spec: &Spec,
    base_url: &str,
    rows: &[Row],
    judge: &Judge,
    abort: Option<&str>,
    code: u8,
) -> String {
    let (passed, failed, skipped) = counts(rows);
    let operations: Vec<Value> = rows
        .iter()
        .map(|r| {
            let (result, failure) = outcome_json(&r.outcome);
            let findings: Vec<Value> = r
                .report
                .iter()
                .flat_map(|rep| {
                    rep.findings.iter().map(move |f| {
                        let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                        if let Value::Object(m) = &mut v {
                            m.insert("id".into(), Value::String(f.id(&rep.operation)));
                            if judge.has_baseline() {
                                m.insert(
                                    "new".into(),
                                    Value::Bool(!judge.is_known(&rep.operation, f)),
                                );
                            }
                        }
                        v
                    })
                })
                .collect();
            json!({
                "operation": r.operation,
                "status": r.status,
                "time_ms": r.elapsed.map(|d| (d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0),
                "result": result,
                "failure": failure,
                "matched_response": r.report.as_ref().and_then(|rep| rep.matched_response.clone()),
                "findings": findings,
                "omitted": r.report.as_ref().map(|rep| rep.omitted).unwrap_or(0),
            })
        })
        .collect();
    let doc = json!({
        "tool": "omnidim check-live",
        "spec": spec.origin(),
        "base_url": redact_url(base_url),
        "exit_code": code,
        "aborted": abort,
        "summary": {"passed": passed, "failed": failed, "skipped": skipped},
        "baseline_unseen": judge.unseen(),
        "operations": operations,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn junit(base_url: &str, rows: &[Row], total: Duration, abort: Option<&str>) -> String {
    let mut cases: Vec<Case> = rows
        .iter()
        .map(|r| {
            let details = r
                .report
                .as_ref()
                .filter(|rep| !rep.findings.is_empty())
                .map(|rep| rep.to_string())
                .unwrap_or_default();
            let outcome = match &r.outcome {
                Outcome::Passed => CaseOutcome::Passed,
                Outcome::Failed(m) => CaseOutcome::Failed {
                    kind: "contract".into(),
                    message: m.clone(),
                },
                Outcome::Unavailable(m) => CaseOutcome::Error {
                    kind: "unavailable".into(),
                    message: m.clone(),
                },
                Outcome::Skipped(m) => CaseOutcome::Skipped { message: m.clone() },
            };
            Case {
                name: r.operation.clone(),
                classname: "omnidim.check-live".into(),
                time: r.elapsed,
                outcome,
                details,
            }
        })
        .collect();
    if let Some(m) = abort {
        let kind = m.split(':').next().unwrap_or("aborted").to_string();
        cases.push(Case {
            name: "run".into(),
            classname: "omnidim.check-live".into(),
            time: None,
            outcome: CaseOutcome::Error {
                kind,
                message: m.to_string(),
            },
            details: String::new(),
        });
    }
    output::junit(
        &format!("omnidim check-live {}", redact_url(base_url)),
        &cases,
        total,
        abort.unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_get_the_placeholder_key() {
        assert!(is_loopback_url("http://127.0.0.1:9/api/v1"));
        assert!(is_loopback_url("http://localhost:9"));
        assert!(is_loopback_url("http://[::1]:9"));
        assert!(!is_loopback_url("https://backend.omnidim.io/api/v1"));
        assert!(!is_loopback_url("http://127.0.0.1.example.com/"));
        assert!(!is_loopback_url("not a url"));
    }

    #[test]
    fn root_causes_are_appended_once() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(root_cause(&inner), "refused");
    }
}
