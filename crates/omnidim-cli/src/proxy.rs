//! `omnidim proxy`: the validating proxy (`omnidim-proxy`) as a process, until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use omnidim_proxy::{Exchange, Proxy, ProxyOptions};

use crate::UsageError;

#[derive(clap::Args)]
pub struct Args {
    /// The API to forward to (default: OMNIDIM_BASE_URL, else the production API).
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Address to listen on (port 0 picks a free port). Clients use
    /// http://ADDR/api/v1 (the upstream's base path) as their base URL.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The spec to validate against (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// How each exchange is logged: human (a line and its findings) or ndjson (one JSON object
    /// a line).
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
    /// Where the log goes (default: standard error).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Also write each response as a recorded line (replay with `validate --ndjson`, serve
    /// with `mock --examples-from`).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Show values in findings, logs and recordings (credentials stay redacted; the
    /// Authorization header is never logged).
    #[arg(long)]
    show_values: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Human,
    Ndjson,
}

fn create(path: &PathBuf) -> Result<std::fs::File, UsageError> {
    std::fs::File::create(path)
        .map_err(|e| UsageError::Message(format!("{}: cannot create: {e}", path.display())))
}

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = crate::load_spec(args.spec.as_deref())?;
    let upstream = args
        .upstream
        .clone()
        .or_else(|| {
            std::env::var(omnidim::ENV_BASE_URL)
                .ok()
                .filter(|u| !u.trim().is_empty())
        })
        .unwrap_or_else(|| omnidim::DEFAULT_BASE_URL.to_string());
    let log: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(match &args.log {
        Some(path) => Box::new(create(path)?),
        None => Box::new(std::io::stderr()),
    }));
    let record: Option<Arc<Mutex<dyn Write + Send>>> = match &args.record {
        Some(path) => Some(Arc::new(Mutex::new(create(path)?))),
        None => None,
    };
    let format = args.log_format;
    let sink = move |e: &Exchange| {
        let line = match format {
            LogFormat::Human => omnidim_proxy::human_line(e),
            LogFormat::Ndjson => serde_json::to_string(e).unwrap_or_default(),
        };
        if let Ok(mut w) = log.lock() {
            let _ = writeln!(w, "{line}");
            let _ = w.flush();
        }
    };
    let options = ProxyOptions {
        show_values: args.show_values,
        on_exchange: Some(Arc::new(sink)),
        record,
        ..ProxyOptions::default()
    };
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let proxy = Proxy::start(spec, &upstream, options, args.addr)
            .await
            .map_err(|e| UsageError::Message(e.to_string()))?;
        println!(
            "omnidim proxy listening on {} -> {}",
            proxy.base_url(),
            upstream
        );
        let _ = std::io::stdout().flush();
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| UsageError::Message(format!("cannot wait for Ctrl-C: {e}")))?;
        drop(proxy);
        eprintln!("omnidim proxy stopped");
        Ok(ExitCode::SUCCESS)
    })
}
