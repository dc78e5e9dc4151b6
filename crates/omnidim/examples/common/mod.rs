//! What every example shares: where its client points.

use omnidim::Client;
use omnidim_mock::MockServer;

/// The example's client, and the in-process mock it talks to (dropped when the example ends).
///
/// Without `OMNIDIM_BASE_URL`, the example starts the mock of the `omnidim-mock` crate on a free
/// loopback port: it runs anywhere, needs no key and rings no phone. With `OMNIDIM_BASE_URL`
/// set, the client comes from the environment (`Client::from_env`: `OMNIDIM_API_KEY` too), e.g.
/// `omnidim mock --addr 127.0.0.1:8080` in another terminal. Pointing an example at the real API
/// is your choice and your bill: the campaign example refuses to unless you also set
/// `OMNIDIM_EXAMPLES_MAY_DIAL=yes`, since it creates a campaign that places calls.
pub async fn connect() -> Result<(Client, Option<MockServer>), Box<dyn std::error::Error>> {
    if std::env::var_os(omnidim::ENV_BASE_URL).is_some() {
        let client = Client::from_env()?;
        println!(
            "using {} (from {})",
            client.base_url(),
            omnidim::ENV_BASE_URL
        );
        return Ok((client, None));
    }
    let (client, mock) = mock().await?;
    println!("using the in-process mock at {}", client.base_url());
    Ok((client, Some(mock)))
}

/// A client of a new in-process mock (what the examples' tests use, whatever the environment).
pub async fn mock() -> Result<(Client, MockServer), Box<dyn std::error::Error>> {
    let mock = MockServer::start().await?;
    let client = Client::builder()
        // Any key of 8 characters or more: the mock checks that one is sent, not which.
        .api_key("sk-example-0123456789")
        .base_url(mock.base_url())
        .build()?;
    Ok((client, mock))
}

/// Whether the client talks to a server on this machine (the mock), not to the API.
#[allow(dead_code)] // not every example needs it
pub fn is_local(client: &Client) -> bool {
    let url = client.base_url();
    ["http://127.", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.starts_with(p))
}
