//! Check every response against the spec (cargo feature `validation`): findings are reported,
//! and in strict mode a success response that breaks the spec becomes an error.
//!
//! ```sh
//! cargo run -p omnidim --example response_validation --features validation
//! ```
//!
//! Runs against the in-process mock unless `OMNIDIM_BASE_URL` is set (see `common/mod.rs`).

mod common;

use std::sync::{Arc, Mutex};

use omnidim::{Client, Error, ResponseValidation, Severity, Validator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = common::connect().await?;
    run(&client).await
}

async fn run(plain: &Client) -> Result<(), Box<dyn std::error::Error>> {
    // 1. Report mode: results are unchanged; each report with findings goes to the callback
    //    (and to `tracing`: errors at warn, drift warnings at info).
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let validation = ResponseValidation::embedded()? // `?`: converts into omnidim::Error too
        .on_report(move |report| {
            if let Ok(mut r) = seen.lock() {
                r.push(report.to_string());
            }
        });
    let client = rebuild(plain, validation)?;
    let campaign = client.get_bulk_call().bulk_call_id(314).send().await?;
    println!("1. getBulkCall: HTTP {}", campaign.status());
    let reports = reports.lock().map(|r| r.clone()).unwrap_or_default();
    if reports.is_empty() {
        println!("   no findings: the answer matches the spec");
    }
    for r in reports {
        print!("   report: {r}");
    }

    // 2. Strict mode: a success body that breaks the spec is an error, not a value. A truncated
    //    JSON body (the mock's `truncate` fault) is one.
    let strict = rebuild(plain, ResponseValidation::embedded()?.strict(true))?;
    if common::is_local(plain) {
        match strict
            .get_bulk_call()
            .bulk_call_id(314)
            .header("X-Mock-Fault", "truncate")
            .send()
            .await
        {
            Err(e @ (Error::ResponseRejected { .. } | Error::InvalidResponse { .. })) => {
                println!("2. rejected: {e}")
            }
            other => println!("2. unexpected: {other:?}"),
        }
    }

    // 3. The validator on its own, e.g. for recorded bodies: every mismatch with its place in the
    //    body and in the spec (values masked: responses carry phone numbers).
    let validator = Validator::embedded()?;
    let body = br#"{"status": "success", "details": {"id": "314", "total_calls": -1.5}}"#;
    let report = validator.validate("getBulkCall", 200, Some("application/json"), body)?;
    println!(
        "3. {} error(s), {} warning(s); first error: {:?}",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.first_error().map(|f| (&f.instance, &f.message))
    );
    Ok(())
}

/// A client like `base`, with response validation.
fn rebuild(base: &Client, validation: ResponseValidation) -> Result<Client, omnidim::ConfigError> {
    // The key of `base` is not readable (by design); the examples' key is reused.
    let key = std::env::var(omnidim::ENV_API_KEY)
        .ok()
        .filter(|_| std::env::var_os(omnidim::ENV_BASE_URL).is_some())
        .unwrap_or_else(|| "sk-example-0123456789".into());
    Client::builder()
        .api_key(key)
        .base_url(base.base_url())
        .validate_responses(validation)
        .build()
}

/// `cargo test` runs the example against a new in-process mock (`test = true` in Cargo.toml).
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_against_the_mock() {
        let (client, _mock) = super::common::mock().await.unwrap();
        super::run(&client).await.unwrap();
    }
}
