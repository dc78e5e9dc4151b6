//! `omnidim mock`: its limits are options whose help states the library's defaults.

use assert_cmd::Command;

#[test]
fn mock_help_states_each_limit_and_its_default() {
    let out = Command::cargo_bin("omnidim")
        .unwrap()
        .args(["mock", "--help"])
        .assert()
        .code(0);
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let defaults = omnidim_mock::Limits::default();
    for (option, default) in [
        (
            "--header-read-timeout",
            defaults.header_read_timeout.as_secs().to_string(),
        ),
        (
            "--idle-timeout",
            defaults.idle_timeout.as_secs().to_string(),
        ),
        ("--max-connections", defaults.max_connections.to_string()),
        ("--max-body-bytes", defaults.max_body_bytes.to_string()),
    ] {
        let at = help
            .find(option)
            .unwrap_or_else(|| panic!("{option} missing:\n{help}"));
        let entry = &help[at..];
        let end = entry[2..].find("\n  -").map_or(entry.len(), |e| e + 2);
        assert!(
            entry[..end].contains(&format!("[default: {default}]")),
            "{option}: {}",
            &entry[..end]
        );
    }
}

#[test]
fn mock_refuses_zero_connections() {
    Command::cargo_bin("omnidim")
        .unwrap()
        .args(["mock", "--max-connections", "0"])
        .assert()
        .code(2);
}
