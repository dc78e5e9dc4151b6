//! What goes wrong, and what the client does about it: API errors with the API's message,
//! requests refused before sending, transport failures, timeouts, and retries (only for requests
//! that cannot ring anyone twice).
//!
//! ```sh
//! cargo run -p omnidim --example error_handling
//! ```
//!
//! The in-process mock injects the faults (`X-Mock-Fault` per request, or queued on the server),
//! so this example always runs against it, whatever `OMNIDIM_BASE_URL` says.

use std::time::Duration;

use omnidim::{Client, ConfigError, Error, RetryPolicy};
use omnidim_mock::{Fault, MockServer};

const KEY: &str = "sk-example-0123456789";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start().await?;
    run(&mock).await
}

async fn run(mock: &MockServer) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .build()?;

    // 1. The API answers with an error status: `Error::Api`, whose `Display` carries the API's
    //    own words, and whose body is there to read.
    let err = client
        .get_bulk_call()
        .bulk_call_id(999)
        .header("X-Mock-Fault", "404")
        .send()
        .await
        .expect_err("the mock answers 404");
    println!("1. {err}");
    if let Error::Api { status, .. } = &err {
        let message = err.api_error().and_then(|b| b.message.as_deref());
        println!("   status {status}, message {message:?}");
    }

    // 2. A read is retried on 502/503/504/429 and connection failures, with backoff.
    mock.push_faults([Fault::Status(503)]);
    let before = mock.received("getBulkCall");
    let campaign = client.get_bulk_call().bulk_call_id(314).send().await?;
    println!(
        "2. getBulkCall answered {} after {} attempts (the first got 503)",
        campaign.status(),
        mock.received("getBulkCall") - before
    );

    // 3. A request that creates or dials is never retried: a retried dispatchCall can ring a
    //    person twice. The 503 comes back to you, to decide.
    mock.push_faults([Fault::Status(503)]);
    let before = mock.received("dispatchCall");
    let err = client
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("+15551234567"))
        .send()
        .await
        .expect_err("the mock answers 503");
    println!(
        "3. {err} (sent {} time)",
        mock.received("dispatchCall") - before
    );

    // 4. What the API documents is checked before sending: nothing reaches the network.
    let err = client
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("5551234567")) // no leading +
        .send()
        .await
        .expect_err("not E.164");
    assert!(matches!(err, Error::InvalidRequest { .. }));
    println!("4. {err}");

    // 5. No answer at all: `Error::Transport`, naming the root cause.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let nowhere = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{closed_port}"))
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = nowhere
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .expect_err("nothing listens there");
    println!("5. {err}");

    // 6. A timeout (per attempt) is a transport error too; `is_timeout` tells it apart.
    let impatient = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = impatient
        .get_bulk_call()
        .bulk_call_id(314)
        .header("X-Mock-Fault", "delay=1000")
        .send()
        .await
        .expect_err("the mock waits a second");
    println!("6. timeout: {} ({err})", err.is_timeout());

    // 7. A misconfigured client fails when it is built, before any request: here a key shorter
    //    than 8 characters (never printed).
    match Client::builder().api_key("sk-123").build() {
        Err(e @ ConfigError::InvalidApiKey(_)) => println!("7. {e}"),
        other => println!("7. unexpected: {other:?}"),
    }

    // 8. Retries have a budget (attempts, and time since the first); once it is spent, the last
    //    answer is yours. `Retry-After` is honoured within the budget.
    let quick = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
            max_elapsed: Duration::from_secs(5),
        })
        .build()?;
    let before = mock.received("getBulkCall");
    match quick
        .get_bulk_call()
        .bulk_call_id(314)
        .header("X-Mock-Fault", "429;retry-after=1") // every attempt carries the header
        .send()
        .await
    {
        Err(Error::Api {
            status: 429,
            retry_after,
            ..
        }) => println!(
            "8. still rate limited after {} attempts; the server asks to wait {retry_after:?}",
            mock.received("getBulkCall") - before
        ),
        Err(e) if e.status().is_some_and(|s| s >= 500) => println!("8. server trouble: {e}"),
        other => println!("8. unexpected: {other:?}"),
    }
    Ok(())
}

/// `cargo test` runs the example (`test = true` in Cargo.toml).
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_against_the_mock() {
        let mock = super::MockServer::start().await.unwrap();
        super::run(&mock).await.unwrap();
    }
}
