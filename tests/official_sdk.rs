//! The official Python SDK (`omnidimension==0.6.0`) against the mock: every public method, called
//! as the SDK's README and docstrings show it (`official_sdk/play_official_sdk.py`), must be
//! accepted and must get back every key those documents promise. The mock is only worth testing
//! against when it accepts what real clients send; this is the test a new user would run.
//!
//! The SDK is not a dependency of the build: CI installs it in a virtualenv and names that
//! interpreter in `OMNIDIM_SDK_PYTHON` (see `.ci/run`). Without that variable the test looks for
//! a `python3` that can import the SDK and, when there is none, skips with a message saying how to
//! run it. When the variable is set, a missing or wrong SDK fails the test: CI must not pass by
//! skipping. Nothing here uses the network beyond loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use omnidim_mock::MockServer;
use serde_json::Value;

/// The SDK release the script is written against.
const SDK_VERSION: &str = "0.6.0";

/// The interpreter to run the script with, or why there is none (the test then skips).
fn interpreter() -> Result<PathBuf, String> {
    let explicit = std::env::var_os("OMNIDIM_SDK_PYTHON").map(PathBuf::from);
    let python = explicit.clone().unwrap_or_else(|| PathBuf::from("python3"));
    let probe = Command::new(&python)
        .args([
            "-c",
            "from importlib.metadata import version; print(version('omnidimension'))",
        ])
        .output();
    let found = match probe {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => {
            let why = format!(
                "{} cannot import omnidimension: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or_default()
            );
            return if explicit.is_some() {
                panic!("OMNIDIM_SDK_PYTHON is set but {why}")
            } else {
                Err(why)
            };
        }
        Err(e) => {
            let why = format!("no {} to run ({e})", python.display());
            return if explicit.is_some() {
                panic!("OMNIDIM_SDK_PYTHON is set but {why}")
            } else {
                Err(why)
            };
        }
    };
    if found != SDK_VERSION {
        let why = format!(
            "{} has omnidimension {found}, the script is written for {SDK_VERSION}",
            python.display()
        );
        if explicit.is_some() {
            panic!("OMNIDIM_SDK_PYTHON is set but {why}");
        }
        return Err(why);
    }
    Ok(python)
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("official_sdk/play_official_sdk.py")
}

/// Run the script against `base_url`: its exit status, its output, and its summary line.
fn play(python: &PathBuf, base_url: &str) -> (bool, String, Value) {
    let out = Command::new(python)
        .arg(script())
        .arg(base_url)
        // No proxy for loopback, whatever the environment says.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .output()
        .expect("run the SDK script");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY "))
        .map(|s| serde_json::from_str(s).expect("summary is JSON"))
        .unwrap_or_else(|| {
            panic!(
                "no summary from the script:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    (out.status.success(), stdout, summary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_method_of_the_official_python_sdk_is_accepted_and_served() {
    let python = match interpreter() {
        Ok(p) => p,
        Err(why) => {
            eprintln!(
                "SKIPPED every_public_method_of_the_official_python_sdk_is_accepted_and_served: \
                 {why}. To run it: python3 -m venv /tmp/sdk && /tmp/sdk/bin/pip install \
                 omnidimension=={SDK_VERSION}, then OMNIDIM_SDK_PYTHON=/tmp/sdk/bin/python"
            );
            return;
        }
    };
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url().to_string();
    let (ok, output, summary) = tokio::task::spawn_blocking(move || play(&python, &base))
        .await
        .unwrap();
    println!("{output}");
    let failures: Vec<&str> = output
        .lines()
        .filter(|l| !l.starts_with("ok ") && !l.starts_with("SUMMARY "))
        .filter(|l| !l.starts_with("SDK-REFUSED "))
        .collect();
    assert!(ok && failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(summary["rejected"], 0, "{summary}");
    assert_eq!(summary["documented_keys_missing"], 0, "{summary}");
    // Every public method was called (117 methods, several uses of some), and every call but the
    // one the SDK refuses itself (its own scenario check rejects `play_ht`, which its docstring
    // example uses) reached the mock.
    assert!(summary["calls"].as_u64().unwrap() >= 117, "{summary}");
    assert_eq!(summary["sdk_refused"], 1, "{summary}");
    assert_eq!(summary["accepted"], summary["sent"], "{summary}");
}
