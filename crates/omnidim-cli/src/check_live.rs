//! `omnidim check-live`: call every read-only operation, validate each response against the spec,
//! print a table. Against the real API with `OMNIDIM_API_KEY`, against any server with
//! `--base-url`, or against the built-in mock with `--mock` (no key needed).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use omnidim_spec::{HttpMethod, Spec};
use omnidim_validator::{Report, Severity, Validator};
use serde_json::Value;

use crate::UsageError;

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
    /// Print every finding, warnings included (by default only reports with errors are shown).
    #[arg(long)]
    details: bool,
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

/// The placeholder key used with `--mock` (the mock accepts any bearer token).
const MOCK_KEY: &str = "mock-key-not-a-secret";

struct Row {
    operation: String,
    status: Option<u16>,
    elapsed: Option<Duration>,
    outcome: Outcome,
}

enum Outcome {
    Checked(Report),
    Failed(String),
    Skipped(String),
}

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = crate::load_spec(args.spec.as_deref())?;
    let validator = Validator::from_spec(&spec)?;
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
    let runtime = crate::runtime()?;
    runtime.block_on(async {
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
        let key = if mock.is_some() {
            MOCK_KEY.to_string()
        } else {
            env_key.unwrap_or_else(|| MOCK_KEY.to_string())
        };
        let client = omnidim::Client::builder()
            .api_key(key)
            .base_url(&base_url)
            .timeout(Duration::from_secs(args.timeout))
            .user_agent("omnidim-check-live")
            .build()
            .map_err(|e| UsageError::Message(e.to_string()))?;
        let mut given: BTreeMap<String, String> = BTreeMap::new();
        for id in &args.ids {
            let (k, v) = id
                .split_once('=')
                .ok_or_else(|| UsageError::Message(format!("--id {id:?}: expected NAME=VALUE")))?;
            given.insert(k.to_string(), v.to_string());
        }
        println!("checking {} against {}", spec.origin(), base_url);
        let rows = check_all(&spec, &validator, &client, &given, mock.is_some()).await;
        print_table(&rows, args.details || args.strict);
        let failed = rows.iter().any(|r| match &r.outcome {
            Outcome::Checked(report) => !report.is_valid() || (args.strict && !report.is_clean()),
            Outcome::Failed(_) => true,
            Outcome::Skipped(_) => false,
        });
        Ok(if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    })
}

async fn check_all(
    spec: &Spec,
    validator: &Validator,
    client: &omnidim::Client,
    given: &BTreeMap<String, String>,
    sample_missing: bool,
) -> Vec<Row> {
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
    for op in &ops {
        let id = op.operation_id.clone().unwrap_or_default();
        if let Some(bar) = &progress {
            bar.set_message(id.clone());
        }
        let params = parameters(spec, &op.pointer);
        let mut path = op.path.clone();
        let mut query = Vec::new();
        let mut missing = None;
        for (name, location, required, schema) in params {
            let value = given
                .get(&name)
                .cloned()
                .or_else(|| discovered(&name, &op.path, &bodies))
                // The mock accepts any value that fits the schema.
                .or_else(|| {
                    (sample_missing && required)
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
                outcome: Outcome::Skipped(format!("no value for {name} (pass --id {name}=VALUE)")),
            },
            None => call(client, validator, &id, &path, &query, &mut bodies).await,
        };
        rows.push(row);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    rows
}

async fn call(
    client: &omnidim::Client,
    validator: &Validator,
    id: &str,
    path: &str,
    query: &[(String, String)],
    bodies: &mut BTreeMap<String, Value>,
) -> Row {
    let started = Instant::now();
    // The configured client of `omnidim` (auth, TLS, timeouts), without its typed decoding: the
    // point is to see the raw body.
    let result = client
        .request(reqwest::Method::GET, path)
        .query(query)
        .header("accept", "application/json")
        .send()
        .await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            return Row {
                operation: id.to_string(),
                status: None,
                elapsed: Some(started.elapsed()),
                outcome: Outcome::Failed(format!("request failed: {e}")),
            };
        }
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = match response.bytes().await {
        Ok(b) => b,
        Err(e) => {
            return Row {
                operation: id.to_string(),
                status: Some(status),
                elapsed: Some(started.elapsed()),
                outcome: Outcome::Failed(format!("cannot read the body: {e}")),
            };
        }
    };
    let elapsed = started.elapsed();
    if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
        bodies.insert(id.to_string(), v);
    }
    let outcome = match validator.validate(id, status, content_type.as_deref(), &bytes) {
        Ok(report) => Outcome::Checked(report),
        Err(e) => Outcome::Failed(e.to_string()),
    };
    Row {
        operation: id.to_string(),
        status: Some(status),
        elapsed: Some(elapsed),
        outcome,
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

fn print_table(rows: &[Row], details: bool) {
    let width = rows
        .iter()
        .map(|r| r.operation.len())
        .max()
        .unwrap_or(9)
        .max(9);
    println!(
        "{:<width$}  {:>6}  {:>8}  RESULT",
        "OPERATION", "STATUS", "TIME"
    );
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for r in rows {
        let status = r
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        let time = r
            .elapsed
            .map(|d| format!("{:.0} ms", d.as_secs_f64() * 1000.0))
            .unwrap_or_else(|| "-".into());
        let result = match &r.outcome {
            Outcome::Checked(report) => {
                let (e, w) = (
                    report.count(Severity::Error),
                    report.count(Severity::Warning),
                );
                if e == 0 {
                    passed += 1;
                } else {
                    failed += 1;
                }
                match (e, w) {
                    (0, 0) => "ok".to_string(),
                    (0, w) => format!("ok, {w} warning(s)"),
                    (e, w) => format!("FAIL: {e} error(s), {w} warning(s)"),
                }
            }
            Outcome::Failed(m) => {
                failed += 1;
                format!("FAIL: {m}")
            }
            Outcome::Skipped(m) => {
                skipped += 1;
                format!("skipped: {m}")
            }
        };
        println!("{:<width$}  {status:>6}  {time:>8}  {result}", r.operation);
    }
    for r in rows {
        if let Outcome::Checked(report) = &r.outcome
            && (!report.is_valid() || (details && !report.findings.is_empty()))
        {
            print!("\n{report}");
        }
    }
    println!("\n{passed} passed, {failed} failed, {skipped} skipped");
    if !details && rows.iter().any(|r| matches!(&r.outcome, Outcome::Checked(rep) if rep.is_valid() && !rep.findings.is_empty())) {
        println!("(warnings are drift the spec allows: an undocumented or a missing field; --details shows them)");
    }
}
