//! Quick start: one campaign, the first page of agents, and every campaign through a stream.
//!
//! ```sh
//! cargo run -p omnidim --example quick_start
//! ```
//!
//! Runs against the in-process mock unless `OMNIDIM_BASE_URL` is set (see `common/mod.rs`).

mod common;

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = common::connect().await?;
    run(&client).await
}

async fn run(client: &omnidim::Client) -> Result<(), Box<dyn std::error::Error>> {
    // One request: parameters by name, then `send`. `into_inner` drops status and headers.
    let campaign = client
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await?
        .into_inner();
    if let Some(d) = &campaign.details {
        println!(
            "campaign {:?} {:?}: {:?}, {:?} of {:?} calls made",
            d.id, d.name, d.status, d.total_calls_made, d.total_calls
        );
    }

    // One page of a list.
    let agents = client.list_agents().pageno(1).pagesize(10).send().await?;
    println!("agents on page 1: {}", agents.bots.len());

    // Every item of a list, fetched page by page as the stream is read.
    let mut campaigns = client.fetch_bulk_calls().pagesize(50).stream();
    let mut count = 0;
    while let Some(c) = campaigns.try_next().await? {
        count += 1;
        println!("  {:?} {:?} {:?}", c.id, c.name, c.status);
    }
    println!("{count} campaign(s) in all");
    Ok(())
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
