//! `omnidim mock`: the spec-driven mock as a process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use std::collections::HashMap;

use omnidim_mock::{Limits, MockOptions, MockServer, RecordedAnswer};
use omnidim_validator::record::Recorded;

use crate::UsageError;

/// The limits keep one client (broken or hostile) from holding the mock's connections or
/// memory; their defaults are those of the library (`omnidim_mock::Limits::default()`).
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The spec to serve (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Seconds to wait for a complete request head, on a new connection and between requests on
    /// a kept-alive one; then the connection is closed without an answer.
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().header_read_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,
    /// Seconds a connection may go without a byte received or sent while a request body is read
    /// or an answer written; then it is closed. Time spent on a `delay` fault does not count.
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().idle_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Most connections served at once; more wait, unaccepted, until one closes (not refused).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections,
          value_parser = connections)]
    max_connections: usize,
    /// Largest request body in bytes; a larger one gets 413.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Serve recorded responses (a file written by `check-live --record` or `proxy --record`)
    /// instead of the spec's examples, for the operations it has: per operation the first
    /// recorded success, else the first recording.
    #[arg(long, value_name = "FILE")]
    examples_from: Option<PathBuf>,
}

/// The answers of a recording, by operation (see `--examples-from`).
fn recorded_answers(
    path: &std::path::Path,
    spec: &omnidim_spec::Spec,
) -> Result<HashMap<String, RecordedAnswer>, UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::Message(format!("{}: cannot read: {e}", path.display())))?;
    let known: std::collections::HashSet<String> = spec
        .operations()
        .into_iter()
        .filter_map(|o| o.operation_id)
        .collect();
    let mut answers: HashMap<String, RecordedAnswer> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: Recorded = serde_json::from_str(line).map_err(|e| {
            UsageError::Message(format!(
                "{}:{}: not a recorded response: {e}",
                path.display(),
                i + 1
            ))
        })?;
        if !known.contains(&rec.operation) {
            return Err(UsageError::Message(format!(
                "{}:{}: unknown operation {:?}",
                path.display(),
                i + 1,
                rec.operation
            )));
        }
        let success = (200..300).contains(&rec.status);
        let replace = match answers.get(&rec.operation) {
            None => true,
            Some(a) => success && !(200..300).contains(&a.status),
        };
        if replace {
            let answer = RecordedAnswer {
                status: rec.status,
                content_type: rec
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "application/json".into()),
                body: rec.body_bytes().into(),
            };
            answers.insert(rec.operation.clone(), answer);
        }
    }
    Ok(answers)
}

/// `--max-connections`: a count of at least 1 (0 would never serve anything).
fn connections(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = crate::load_spec(args.spec.as_deref())?;
    let answers = match &args.examples_from {
        Some(path) => recorded_answers(path, &spec)?,
        None => HashMap::new(),
    };
    let runtime = crate::runtime()?;
    let options = MockOptions {
        answers,
        limits: Limits {
            header_read_timeout: Duration::from_secs(args.header_read_timeout),
            idle_timeout: Duration::from_secs(args.idle_timeout),
            max_connections: args.max_connections,
            max_body_bytes: args.max_body_bytes,
        },
        ..MockOptions::default()
    };
    runtime.block_on(async {
        let mock = MockServer::start_with(spec, options, args.addr)
            .await
            .map_err(|e| UsageError::Message(e.to_string()))?;
        println!("omnidim mock listening on {}", mock.base_url());
        println!(
            "try: curl -H 'Authorization: Bearer any-key' {}/calls/bulk_call/314",
            mock.base_url()
        );
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| UsageError::Message(format!("cannot wait for Ctrl-C: {e}")))?;
        drop(mock);
        eprintln!("omnidim mock stopped");
        Ok(ExitCode::SUCCESS)
    })
}
