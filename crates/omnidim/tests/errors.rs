//! What an error tells the person reading it (issue #12, item 3): `Display` of an API error
//! carries the API's message, a transport error names its root cause, and the validator's error
//! converts with `?`. Against the in-process mock and a closed loopback port only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use omnidim::{Client, ConfigError, Error, RetryPolicy, TransportKind};
use omnidim_mock::MockServer;

const KEY: &str = "sk-errors-0123456789";

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The case: a 404 printed `getBulkCall: HTTP 404: mock_fault` while the body also said
/// `fault injected: 404`.
#[tokio::test]
async fn an_api_error_displays_the_code_and_the_message() {
    let mock = MockServer::start().await.unwrap();
    let err = client(&mock.base_url())
        .get_bulk_call()
        .bulk_call_id(314)
        .header("X-Mock-Fault", "404")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    let body = err.api_error().expect("the mock sends a JSON error body");
    assert_eq!(body.message.as_deref(), Some("fault injected: 404"));
    assert_eq!(
        err.to_string(),
        "getBulkCall: HTTP 404: mock_fault: fault injected: 404"
    );
}

#[tokio::test]
async fn a_transport_error_names_its_root_cause() {
    // A port that was free a moment ago: nothing listens, the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}"))
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    // reqwest's own text is `error sending request for url (...)`; the reason is its root source.
    assert!(text.contains("error sending request"), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

#[test]
fn a_short_key_is_refused_with_the_rule_it_breaks() {
    let err = Client::new("k9x2q7").unwrap_err();
    assert!(matches!(err, ConfigError::InvalidApiKey(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid API key: shorter than 8 characters"
    );
    // Whitespace around the key is trimmed before the rules apply.
    assert!(Client::new("  sk-0123456789\n").is_ok());
}

#[cfg(feature = "validation")]
mod validation {
    use super::*;

    fn build_with_validation() -> Result<Client, Error> {
        // `?` on the validator's error in a function returning `omnidim::Error`.
        let validator = omnidim::Validator::from_path("/nonexistent/omnidim.yaml")?;
        let validation = omnidim::ResponseValidation::with_validator(validator);
        Ok(Client::builder()
            .api_key(KEY)
            .validate_responses(validation)
            .build()?)
    }

    #[test]
    fn the_validators_error_converts_into_the_clients_errors() {
        let err = build_with_validation().unwrap_err();
        assert!(
            matches!(&err, Error::Config(ConfigError::Validator(_))),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("cannot set up response validation: "),
            "{err}"
        );
        let config: ConfigError = omnidim::ValidatorError::UnknownOperation("x".into()).into();
        assert!(matches!(config, ConfigError::Validator(_)));
        assert!(omnidim::ResponseValidation::embedded().is_ok());
    }
}
