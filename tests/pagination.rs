//! `.stream()` / `.pages()` of the list builders against local servers: pages fetched lazily, in
//! order, with the builder's other parameters, until the end; and never forever.

use futures_util::{StreamExt, TryStreamExt};
use omnidim::Client;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(uri: &str) -> Client {
    Client::builder()
        .api_key("sk-test-0123456789")
        .base_url(uri)
        .build()
        .unwrap()
}

fn campaign(id: i64) -> serde_json::Value {
    json!({"id": id, "name": format!("c{id}"), "status": "completed"})
}

#[tokio::test]
async fn page_numbers_pageno_pagesize_with_the_builders_filters() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", vec![1, 2]), ("2", vec![3, 4]), ("3", vec![5])] {
        Mock::given(method("GET"))
            .and(path("/calls/bulk_call"))
            .and(query_param("pageno", page))
            .and(query_param("pagesize", "2"))
            .and(query_param("status", "completed"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "success",
                "records": ids.iter().map(|&i| campaign(i)).collect::<Vec<_>>()
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server.uri());
    let ids: Vec<i64> = client
        .fetch_bulk_calls()
        .status("completed")
        .pagesize(2)
        .stream()
        .map_ok(|c| c.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/agents"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"bots": [{"id": 1}, {"id": 2}], "total_records": 9})),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let first: Vec<_> = client
        .list_agents()
        .pagesize(2)
        .stream()
        .take(2)
        .collect()
        .await;
    assert_eq!(first.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn page_numbers_page_page_size_stop_at_the_total() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", [1, 2]), ("2", [3, 4])] {
        Mock::given(method("GET"))
            .and(path("/providers/voices"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "voices": [{"id": ids[0]}, {"id": ids[1]}], "total": 4, "page": 1, "page_size": 2
            })))
            .mount(&server)
            .await;
    }
    let client = client(&server.uri());
    let voices: Vec<_> = client
        .list_voices()
        .page_size(2u64)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(voices.len(), 4);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn without_a_page_size_the_documented_maximum_is_asked_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/logs"))
        .and(query_param("pagesize", "150"))
        .and(query_param("pageno", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"call_log_data": [{"id": 1}], "total_records": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let logs: Vec<_> = client(&server.uri())
        .list_call_logs()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(logs.len(), 1);
}

#[tokio::test]
async fn cursors_pagesize_cursor_yield_whole_pages_where_items_are_undocumented() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/7/lines"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"lines": [1, 2], "next_cursor": "abc"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/7/lines"))
        .and(query_param("cursor", "abc"))
        .and(query_param("pagesize", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"lines": [3], "next_cursor": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let pages: Vec<_> = client
        .list_bulk_call_lines()
        .bulk_call_id(7)
        .pagesize(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    // The page type has the documented key (`next_cursor`); the undocumented `lines` is in the
    // body `send_with_body` returns.
    assert_eq!(pages[0].next_cursor.as_deref(), Some("abc"));
    assert_eq!(pages[1].next_cursor, None);
}

#[tokio::test]
async fn cursors_limit_cursor_yield_items() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/voices"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"voices": [{"id": 1}], "next_cursor": "n2"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/voices"))
        .and(query_param("cursor", "n2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"voices": [{"id": 2}]})))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let voices: Vec<_> = client
        .list_cloned_voices()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(voices, [json!({"id": 1}), json!({"id": 2})]);
}

#[tokio::test]
async fn a_bad_page_size_is_an_error_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let r: Result<Vec<_>, _> = client
        .fetch_bulk_calls()
        .pagesize(151)
        .stream()
        .try_collect()
        .await;
    assert!(
        matches!(
            r,
            Err(omnidim::Error::InvalidRequest {
                operation: "fetchBulkCalls",
                ..
            })
        ),
        "{r:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The built-in mock answers every page with the same example: the stream must end (issue #14:
/// 5,694 requests in 3 s before), either at a short page or with a pagination error, in a few
/// requests.
#[tokio::test]
async fn every_stream_ends_against_the_built_in_mock() {
    let mock = omnidim_mock::MockServer::start().await.unwrap();
    let client = client(&mock.base_url());
    // Page sizes as small as the examples, so no page is short and only the repeat check stops it.
    let campaigns: Vec<_> = client
        .fetch_bulk_calls()
        .pagesize(1)
        .stream()
        .collect()
        .await;
    let logs: Vec<_> = client.list_call_logs().pagesize(1).stream().collect().await;
    let agents: Vec<_> = client.list_agents().pagesize(1).stream().collect().await;
    let voices: Vec<_> = client
        .list_voices()
        .page_size(1u64)
        .stream()
        .collect()
        .await;
    for (name, n) in [
        ("fetchBulkCalls", campaigns.len()),
        ("listCallLogs", logs.len()),
        ("listAgents", agents.len()),
        ("listVoices", voices.len()),
    ] {
        assert!(n <= 10, "{name}: {n} items");
        assert!(
            mock.received(name) <= 3,
            "{name}: {} requests",
            mock.received(name)
        );
    }
    let ended_with = campaigns.last().unwrap();
    assert!(
        matches!(ended_with, Err(omnidim::Error::Pagination { .. })) || ended_with.is_ok(),
        "{ended_with:?}"
    );
}
