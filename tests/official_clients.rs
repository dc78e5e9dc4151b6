//! What the official clients send, as raw HTTP against the mock, without Python: the forms the
//! Python SDK sends (also played by `official_sdk.rs` where the SDK is installed) and those of the
//! official TypeScript SDK and MCP server, which `official_sdk.rs` cannot play (issue #10).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use omnidim_mock::MockServer;
use serde_json::{Value, json};

/// A plain HTTP client (loopback only; the TLS provider is needed to build one at all).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn send(
    mock: &MockServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http()
        .request(method, format!("{}{path}", mock.base_url()))
        .bearer_auth("sk-official-clients");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(mock: &MockServer, path: &str, body: Value) -> (u16, Value) {
    send(mock, reqwest::Method::POST, path, Some(body)).await
}

#[tokio::test]
async fn create_bulk_call_takes_the_phone_number_id_as_integer_or_numeric_string() {
    let mock = MockServer::start().await.unwrap();
    let contacts = json!([{"phone_number": "+15551234567"}]);
    // Python SDK: an integer. Published spec, TypeScript SDK, MCP server: a string.
    for id in [json!(321), json!("321")] {
        let (status, body) = post(
            &mock,
            "/calls/bulk_call/create",
            json!({"name": "c", "phone_number_id": id, "contact_list": contacts}),
        )
        .await;
        assert_eq!(status, 200, "{id}: {body}");
    }
    for id in [json!("32a"), json!(-1), json!(""), json!(1.5)] {
        let (status, body) = post(
            &mock,
            "/calls/bulk_call/create",
            json!({"name": "c", "phone_number_id": id, "contact_list": contacts}),
        )
        .await;
        assert_eq!(status, 400, "{id}: {body}");
    }
}

#[tokio::test]
async fn agent_configs_with_every_officially_listed_value_are_accepted() {
    let mock = MockServer::start().await.unwrap();
    let context = json!([{"title": "Purpose", "body": "Help."}]);
    // No welcome_message: optional in the Python SDK.
    let (status, body) = post(
        &mock,
        "/agents/create",
        json!({"name": "a", "context_breakdown": context}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Values only the SDK docstring, an older published capture or a published example lists.
    for (field, value) in [
        ("voice", json!({"provider": "deepgram"})),
        ("voice", json!({"provider": "rime"})),
        ("voice", json!({"provider": "openAI"})),
        ("transcriber", json!({"provider": "whisper"})),
        ("transcriber", json!({"provider": "Cartesia"})),
        ("model", json!({"model": "claude-3-5-sonnet-latest"})),
        ("model", json!({"model": "gpt-5.1"})),
        ("background_track", json!({"name": "office_ambience"})),
    ] {
        let (status, body) = post(
            &mock,
            "/agents/create",
            json!({"name": "a", "context_breakdown": context, field: value}),
        )
        .await;
        assert_eq!(status, 200, "{field} {value}: {body}");
    }
    let (status, _) = post(
        &mock,
        "/agents/create",
        json!({"name": "a", "context_breakdown": context, "voice": {"provider": "nobody"}}),
    )
    .await;
    assert_eq!(status, 400, "values no source lists are still refused");
}

#[tokio::test]
async fn simulations_keep_play_ht_and_start_without_a_body() {
    let mock = MockServer::start().await.unwrap();
    for provider in ["play_ht", "inworld", "eleven_labs"] {
        let (status, body) = post(
            &mock,
            "/simulations",
            json!({"name": "s", "agent_id": 1, "scenarios": [{
                "name": "n", "description": "d", "expected_result": "r",
                "selected_voices": [{"id": "v", "provider": provider}]}]}),
        )
        .await;
        assert_eq!(status, 200, "{provider}: {body}");
    }
    let (status, body) = send(&mock, reqwest::Method::POST, "/simulations/4/start", None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_kyc_document_uploads_as_multipart_form_data() {
    let mock = MockServer::start().await.unwrap();
    let form = |with_document: bool| {
        let mut form = reqwest::multipart::Form::new()
            .text("user_id", "456")
            .text("region", "IN")
            .text("carrier", "carrier-2-new");
        if with_document {
            form = form.part(
                "document",
                reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("pan-card.pdf"),
            );
        }
        form
    };
    let url = format!("{}/reseller/kyc/steps/upload-pan", mock.base_url());
    let response = http()
        .post(&url)
        .bearer_auth("sk-official-clients")
        .multipart(form(true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("next_step").is_some(), "{body}");
    let response = http()
        .post(&url)
        .bearer_auth("sk-official-clients")
        .multipart(form(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("document"),
        "{body}"
    );
}

#[tokio::test]
async fn sdk_only_reads_get_every_documented_key() {
    let mock = MockServer::start().await.unwrap();
    let (status, wallet) = send(&mock, reqwest::Method::GET, "/account/balance", None).await;
    assert_eq!(status, 200);
    // The README's reads, with the types it uses them as.
    assert!(wallet["balance"]["amount"].is_number(), "{wallet}");
    assert!(wallet["balance"]["currency"].is_string(), "{wallet}");
    assert!(
        wallet.get("estimated_minutes_remaining").is_some(),
        "{wallet}"
    );
    assert!(wallet["concurrency"]["available"].is_i64(), "{wallet}");
    assert!(wallet["plan"]["is_usage_based"].is_boolean(), "{wallet}");
    assert!(
        wallet["auto_recharge"]["amount_usd"].is_number(),
        "{wallet}"
    );
    assert!(
        wallet["auto_recharge"]["threshold_usd"].is_number(),
        "{wallet}"
    );
    let (_, lines) = send(
        &mock,
        reqwest::Method::GET,
        "/calls/bulk_call/1/lines",
        None,
    )
    .await;
    assert!(lines["next_cursor"].is_string(), "{lines}");
    let (_, identity) = send(&mock, reqwest::Method::GET, "/reseller/identity", None).await;
    for key in ["has_identity", "identity", "smtp"] {
        assert!(identity.get(key).is_some(), "{key}: {identity}");
    }
    let (_, workflow) = send(&mock, reqwest::Method::GET, "/workflows/5", None).await;
    assert!(workflow["revision"].is_string(), "{workflow}");
}
