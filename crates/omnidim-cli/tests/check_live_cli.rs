//! `omnidim check-live` against the built-in mock, and its refusal without a key.

use assert_cmd::Command;

#[test]
fn check_live_against_the_mock_passes_every_read_only_operation() {
    let out = Command::cargo_bin("omnidim")
        .unwrap()
        .env_remove("OMNIDIM_API_KEY")
        .env_remove("OMNIDIM_BASE_URL")
        .args(["check-live", "--mock"])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let gets: Vec<String> = spec
        .operations()
        .into_iter()
        .filter(|o| o.method == omnidim_spec::HttpMethod::Get)
        .filter_map(|o| o.operation_id)
        .collect();
    for id in &gets {
        let line = text
            .lines()
            .find(|l| l.starts_with(id.as_str()))
            .unwrap_or_else(|| panic!("{id} missing:\n{text}"));
        assert!(line.contains(" 200 ") && line.contains("ok"), "{line}");
    }
    assert!(
        text.contains(&format!("{} passed, 0 failed, 0 skipped", gets.len())),
        "{text}"
    );
}

#[test]
fn check_live_without_a_key_says_what_is_missing() {
    let out = Command::cargo_bin("omnidim")
        .unwrap()
        .env_remove("OMNIDIM_API_KEY")
        .args(["check-live"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("OMNIDIM_API_KEY") && err.contains("--mock"),
        "{err}"
    );
}
