//! The pagination streams against a local server: pages fetched lazily, in order, until the end.

use futures_util::{StreamExt, TryStreamExt};
use omnidim::Client;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk-test-0123456789")
        .base_url(server.uri())
        .build()
        .unwrap()
}

fn campaign(id: i64) -> serde_json::Value {
    json!({"id": id, "name": format!("c{id}"), "status": "completed"})
}

#[tokio::test]
async fn page_numbers_pageno_pagesize() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", vec![1, 2]), ("2", vec![3, 4]), ("3", vec![5])] {
        Mock::given(method("GET"))
            .and(path("/calls/bulk_call"))
            .and(query_param("pageno", page))
            .and(query_param("pagesize", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "success",
                "records": ids.iter().map(|&i| campaign(i)).collect::<Vec<_>>()
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let ids: Vec<i64> = client
        .fetch_bulk_calls_stream(None, 2)
        .map_ok(|c| c.id.unwrap_or_default() as i64)
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
    let client = client(&server);
    let first: Vec<_> = client.list_agents_stream(2).take(2).collect().await;
    assert_eq!(first.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn page_numbers_page_page_size_stop_at_the_total() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/providers/voices"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "voices": [{"id": 1}, {"id": 2}], "total": 4, "page": 1, "page_size": 2
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    let voices: Vec<_> = client
        .list_voices_stream(None, 2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(voices.len(), 4);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1].url.query().unwrap().contains("page=2"),
        "{:?}",
        requests[1].url
    );
}

#[tokio::test]
async fn cursors_pagesize_cursor_follow_next_cursor() {
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
    let client = client(&server);
    let pages: Vec<_> = client
        .list_bulk_call_lines_pages(7, 2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1]["lines"], json!([3]));
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
    let client = client(&server);
    let voices: Vec<_> = client
        .list_cloned_voices_stream(1)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(voices, [json!({"id": 1}), json!({"id": 2})]);
}

#[tokio::test]
async fn a_bad_page_size_is_an_error_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let r: Result<Vec<_>, _> = client
        .fetch_bulk_calls_stream(None, 151)
        .try_collect()
        .await;
    assert!(matches!(
        r,
        Err(omnidim::Error::InvalidRequest {
            operation: "fetchBulkCalls",
            ..
        })
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
