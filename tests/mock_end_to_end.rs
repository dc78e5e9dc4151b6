//! Every operation of the spec through the typed client against the mock, every response
//! validated: zero error findings. Table-driven over the spec: a new operation is covered by
//! `cargo xtask regenerate` alone.

use std::sync::{Arc, Mutex};

use omnidim::{Client, ResponseValidation, Severity};
use omnidim_mock::MockServer;
use omnidim_tests::arguments;
use serde_json::{Map, Value};

#[tokio::test]
async fn every_operation_through_the_typed_client_validates_against_the_spec() {
    let spec = omnidim_tests::spec();
    let mock = MockServer::start().await.unwrap();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    let client = Client::builder()
        .api_key("mock-key-0123456789")
        .base_url(mock.base_url())
        .validate_responses(
            ResponseValidation::embedded()
                .unwrap()
                .on_report(move |r| sink.lock().unwrap().push(r.clone())),
        )
        .build()
        .unwrap();
    let mut failures = Vec::new();
    for op in omnidim::OPERATIONS.iter() {
        let args = arguments(&spec, op.id);
        match client.call_operation(op.id, &args).await {
            Ok((status, _)) if (200..300).contains(&status) => {}
            Ok((status, body)) => failures.push(format!("{}: status {status}: {body}", op.id)),
            Err(e) => failures.push(format!(
                "{}: {e} (args {})",
                op.id,
                Value::Object(args.clone())
            )),
        }
        if mock.received(op.id) != 1 {
            failures.push(format!(
                "{}: the mock received {} requests",
                op.id,
                mock.received(op.id)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let errors: Vec<String> = reports
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.count(Severity::Error) > 0)
        .map(|r| r.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "responses with error findings:\n{}",
        errors.join("\n")
    );
    // The same client must really be validating: a success response that breaks the spec (an
    // HTML page with status 200) is reported. Without this, zero findings above could mean that
    // nothing was checked.
    let broken = client
        .get_bulk_call()
        .bulk_call_id(314)
        .header("X-Mock-Fault", "html")
        .send()
        .await;
    assert!(broken.is_err());
    let seen = reports
        .lock()
        .unwrap()
        .iter()
        .any(|r| r.operation == "getBulkCall" && r.count(Severity::Error) > 0);
    assert!(seen, "response validation did not run in this client");
    println!(
        "{} operations called through the typed client and validated",
        omnidim::OPERATIONS.len()
    );
}

#[tokio::test]
async fn arguments_that_do_not_fit_the_types_are_refused_before_sending() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .api_key("mock-key-0123456789")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let mut args = Map::new();
    args.insert("bulk_call_id".into(), Value::String("not a number".into()));
    let err = client
        .call_operation("getBulkCall", &args)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            omnidim::Error::InvalidRequest {
                operation: "getBulkCall",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(mock.received("getBulkCall"), 0);
    assert!(
        client
            .call_operation("noSuchOperation", &Map::new())
            .await
            .is_err()
    );
}

#[test]
fn call_operation_fits_a_small_stack_in_debug_builds() {
    // With 115 operations inline, `call_operation` once needed over 1 MiB of stack in debug
    // builds and overflowed test threads; each operation now has its own boxed future.
    let ok = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let client = Client::builder()
                    .api_key("mock-key-0123456789")
                    .base_url("http://127.0.0.1:1")
                    .build()
                    .unwrap();
                let mut args = Map::new();
                args.insert("bulk_call_id".into(), Value::String("x".into()));
                client.call_operation("getBulkCall", &args).await.is_err()
            })
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(ok);
}
