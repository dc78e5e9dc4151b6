//! Create a bulk-call campaign, watch it until it ends, then read every call it made through a
//! stream.
//!
//! ```sh
//! cargo run -p omnidim --example bulk_call_campaign
//! ```
//!
//! Runs against the in-process mock unless `OMNIDIM_BASE_URL` is set (see `common/mod.rs`).
//! Against the real API this campaign would dial the numbers in it, so the example refuses unless
//! `OMNIDIM_EXAMPLES_MAY_DIAL=yes` is set too.

mod common;

use std::time::Duration;

use futures_util::TryStreamExt;
use omnidim::types::{self, BulkCallStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = common::connect().await?;
    if !common::is_local(&client)
        && std::env::var("OMNIDIM_EXAMPLES_MAY_DIAL").as_deref() != Ok("yes")
    {
        return Err("this example creates a campaign that places real calls; \
             set OMNIDIM_EXAMPLES_MAY_DIAL=yes to run it against a non-local server"
            .into());
    }
    run(&client).await
}

async fn run(client: &omnidim::Client) -> Result<(), Box<dyn std::error::Error>> {
    let local = common::is_local(client);

    // The contacts: each row needs a number in E.164 form (checked before anything is sent).
    let contacts = ["+15551230001", "+15551230002"]
        .into_iter()
        .map(|n| types::CreateBulkCallBodyContactListItem::builder().phone_number(n))
        .map(TryInto::try_into)
        .collect::<Result<Vec<types::CreateBulkCallBodyContactListItem>, _>>()?;

    // Create it. A POST is never retried automatically: a retry could dial everyone twice.
    let created = client
        .create_bulk_call()
        .body_map(|b| {
            b.name("Spring follow-up")
                .phone_number_id(177) // the number the campaign calls from
                .contact_list(contacts)
                .is_scheduled(false) // start now
        })
        .send()
        .await?
        .into_inner();
    let id = created
        .id
        .ok_or("the answer to createBulkCall has no campaign id")?;
    println!("created campaign {id}: {:?}", created.message);

    // Watch it: poll the live status until the campaign is over (or we stop waiting).
    let interval = if local {
        Duration::from_millis(100)
    } else {
        Duration::from_secs(10)
    };
    for poll in 1..=30 {
        let live = client
            .get_bulk_call_live_status()
            .bulk_call_id(id)
            .send()
            .await?
            .into_inner();
        let status = live.campaign_status.clone();
        if let Some(s) = &live.summary {
            println!(
                "poll {poll}: {} | {:?} of {:?} contacts completed, {:?} queued, {:?} no answer",
                status.as_ref().map_or("?", |s| s.as_str()),
                s.completed,
                s.total_contacts,
                s.queued,
                s.no_answer
            );
        }
        match status {
            Some(
                BulkCallStatus::Completed | BulkCallStatus::Failed | BulkCallStatus::Cancelled,
            ) => {
                break;
            }
            // A status this client does not know yet decodes as `Unknown`, not as an error.
            Some(other) if !other.is_known() => println!("new status: {}", other.as_str()),
            _ => {}
        }
        tokio::time::sleep(interval).await;
    }

    // Every call of the campaign: pages are fetched as the stream is read.
    let mut calls = client
        .list_call_logs()
        .bulk_call_id(id)
        .pagesize(100)
        .stream();
    let mut n = 0;
    while let Some(call) = calls.try_next().await? {
        n += 1;
        println!(
            "  call {:?} to {:?}: {:?}, {:?}",
            call.id, call.to_number, call.call_status, call.call_duration
        );
    }
    println!("{n} call(s) in campaign {id}");
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
