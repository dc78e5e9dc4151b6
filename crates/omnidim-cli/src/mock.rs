//! `omnidim mock`: the spec-driven mock as a process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use omnidim_mock::{MockOptions, MockServer};

use crate::UsageError;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The spec to serve (default: the one built in).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let spec = crate::load_spec(args.spec.as_deref())?;
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let mock = MockServer::start_with(spec, MockOptions::default(), args.addr)
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
