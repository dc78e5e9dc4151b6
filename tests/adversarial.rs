//! Hostile input, measured (issue #13, item 2): the adversarial suite of omnidim-rs.
//!
//! Fixed cases and property tests (proptest) for the spec loader, the validator, the `--ndjson`
//! line reader and the mock, each asserting the documented outcome (a typed error naming what was
//! wrong, a bounded answer, a 413, a close after a timeout), never merely "no panic" where the
//! outcome is knowable. Memory bounds are measured in a child process (this binary run again in
//! worker mode, see [`support::peak_rss_of`]) from its own peak RSS (`VmHWM`, Linux only).
//!
//! Each test's name says what it tries. Items of the issue already covered elsewhere are not
//! repeated here; this table says where each item is tried:
//!
//! | Item | Test |
//! |---|---|
//! | spec: YAML alias bomb | `spec_loader::a_billion_laughs_alias_bomb_is_a_typed_error_in_bounded_time`, `spec_loader::an_alias_bomb_inside_paths_is_refused_the_same_way` |
//! | spec: self-referencing alias | `spec_loader::an_alias_to_its_own_unfinished_anchor_is_a_typed_error` |
//! | spec: `$ref` cycles | `spec_loader::ref_cycles_compile_validate_lint_sample_and_convert_in_bounded_time`; `Spec::deref` hop limit: `omnidim-spec` unit test `load::tests::deref_stops_on_cycles` |
//! | spec: external or file `$ref`s | `spec_loader::external_and_file_refs_are_never_fetched` |
//! | spec: deep nesting (flow) | `omnidim-spec` unit test `load::tests::deep_flow_nesting_is_rejected_before_parsing` |
//! | spec: deep nesting (block, mixed) | `spec_loader::deep_block_nesting_is_a_typed_error_naming_the_limit`, `spec_loader::flow_nesting_at_the_limit_loads_and_one_past_it_does_not` |
//! | spec: non-UTF-8 | `spec_loader::a_non_utf8_spec_file_is_an_io_error_naming_the_file`, `spec_loader::control_characters_are_a_yaml_error_with_a_line`, `spec_loader::a_nul_byte_in_a_plain_scalar_is_a_typed_error_not_a_hang` |
//! | spec: a 50 MB spec | `spec_loader::a_50_mb_spec_loads_with_bounded_peak_rss` |
//! | spec: arbitrary input | `spec_loader::prop_*` (3 properties) |
//! | validator: 100k-deep nesting | `validator::nesting_100k_deep_is_invalid_json_naming_the_recursion_limit` |
//! | validator: 1e400 and 300-digit numbers | `validator::numbers_out_of_f64_range_are_invalid_json`, `validator::a_300_digit_integer_is_judged_like_the_client_judges_it` |
//! | validator: invalid UTF-8 | `validator::invalid_utf8_is_invalid_json_naming_the_byte` |
//! | validator: raw control characters | `validator::a_raw_control_character_in_a_key_is_invalid_json_as_for_the_client` |
//! | validator: lone surrogates | `omnidim-validator/tests/decode.rs`: `a_lone_surrogate_in_a_key_is_rejected_by_all`, `a_lone_surrogate_in_a_value_is_rejected_like_serde_json_value` |
//! | validator: duplicate keys | `omnidim-validator/tests/decode.rs`: `a_repeated_documented_field_is_an_error_as_in_the_client`, `other_repeated_keys_are_warnings_and_decode_for_all` |
//! | validator: findings flood | `omnidim-validator/tests/cap.rs` (findings cap) |
//! | validator: a 200 MB body, peak RSS bounded | `validator::a_200_mb_body_validates_with_peak_rss_under_body_plus_64_mib` |
//! | validator: arbitrary input | `validator::prop_*` (3 properties) |
//! | `--ndjson`: broken lines | `ndjson::broken_lines_are_typed_errors`, `omnidim-cli/tests/validate_cli.rs`: `an_ndjson_stream` (exit 2 naming the line) |
//! | `--ndjson`: gigantic lines | `ndjson::a_300_mb_line_is_refused_after_reading_at_most_the_limit`, `ndjson::a_line_of_exactly_the_limit_is_read_and_one_more_byte_is_not`, `omnidim-cli/tests/validate_cli.rs`: `an_ndjson_line_past_the_limit_exits_2_naming_it` |
//! | `--ndjson`: arbitrary input | `ndjson::prop_*` (2 properties) |
//! | mock: malformed HTTP (request lines) | `mock::malformed_request_lines_get_400_and_a_close` |
//! | mock: malformed HTTP (chunked bodies) | `omnidim-mock/tests/hardening.rs`: `a_malformed_chunked_body_gets_400` |
//! | mock: huge headers | `mock::a_1_mb_header_gets_431_and_a_close`, `mock::ten_thousand_small_headers_get_431` |
//! | mock: bodies over the cap answered 413 | `omnidim-mock/tests/hardening.rs`: `a_body_over_the_cap_gets_413`, `the_default_body_cap_is_10_mib`; `mock::a_200_mb_chunked_body_gets_413_with_peak_rss_bounded_by_the_cap` |
//! | mock: slow clients holding connections | `omnidim-mock/tests/hardening.rs`: `half_a_request_line_is_closed_after_the_header_read_timeout`, `a_stalled_body_is_closed_after_the_idle_timeout`, `connections_over_the_cap_wait_for_a_free_slot`; `mock::a_slow_loris_trickling_headers_is_closed_at_the_header_read_timeout` |
//! | mock: `%2e%2e` and non-UTF-8 paths | `omnidim-mock/tests/hardening.rs`: `odd_paths_get_400_or_404_and_never_a_panic`; `mock::prop_arbitrary_path_bytes_always_get_an_answer` |
//! | mock: 2,000 requests over 50 connections | `mock::two_thousand_requests_over_50_keep_alive_connections_none_dropped` |
//! | mock: arbitrary input | `mock::prop_*` (4 properties) |
//!
//! Limits these tests hold the code to, and where each is documented:
//!
//! - spec loader: [`omnidim_spec::Spec::from_yaml_str`] (flow depth 128 before parsing, block
//!   depth 128 and the alias expansion limit in the parser, no `$ref` ever fetched).
//! - validator: [`omnidim_validator::Validator::validate`] (JSON depth 128, numbers within
//!   `f64`, memory: the body plus a bounded working set), [`omnidim_validator::Options`]
//!   (`max_findings`).
//! - `--ndjson`: [`omnidim_validator::record::read_line`] (`--max-line-bytes`, default 256 MiB).
//! - mock: [`omnidim_mock::Limits`] (timeouts, connections, `max_body_bytes`: 413) and the
//!   request-head limits documented beside it (hyper's: 431 for a head over ~400 KiB or over 100
//!   headers, 400 for one it cannot parse).
//!
//! Size: 26 fixed cases and 12 properties (2,200 generated cases: 256 each, but 24 for the
//! mutated embedded spec and 96 for each of the 4 mock properties). Measured in a debug build on
//! two cores: ~55 s for the whole target (the 200 MB body and the 50 MB spec, in child processes,
//! ~33 s each, run in parallel with the rest).

#[path = "adversarial/mock.rs"]
mod mock;
#[path = "adversarial/ndjson.rs"]
mod ndjson;
#[path = "adversarial/spec_loader.rs"]
mod spec_loader;
#[path = "adversarial/validator.rs"]
mod validator;

pub(crate) mod support {
    use std::process::Command;
    use std::time::{Duration, Instant};

    /// Set in a child process run by [`peak_rss_of`]: the test does its work and prints its peak
    /// RSS instead of checking it.
    pub const WORKER_ENV: &str = "OMNIDIM_ADVERSARIAL_WORKER";
    const MARK: &str = "OMNIDIM_ADVERSARIAL_PEAK_RSS_KIB=";

    /// Whether this process is the worker for `test` (its path in this binary).
    pub fn is_worker(test: &str) -> bool {
        std::env::var(WORKER_ENV).is_ok_and(|t| t == test)
    }

    /// A `/proc/self/status` field in KiB (`VmHWM`: peak RSS; `VmRSS`: current).
    pub fn proc_status_kib(field: &str) -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// In the worker: report the peak RSS on stdout for the parent to read.
    pub fn report_peak_rss() {
        if let Some(kib) = proc_status_kib("VmHWM") {
            println!("\n{MARK}{kib}");
        }
    }

    /// Run `test` alone in a child process (this binary, in worker mode) and return its peak RSS
    /// in bytes, with the child's output for messages. `None` where `/proc` is not there (not
    /// Linux): the caller skips with a message.
    pub fn peak_rss_of(test: &str) -> Option<(u64, String)> {
        if !cfg!(target_os = "linux") || proc_status_kib("VmHWM").is_none() {
            return None;
        }
        let started = Instant::now();
        let out = Command::new(std::env::current_exe().expect("the test binary"))
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(WORKER_ENV, test)
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("the test binary runs again");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let text = format!("{stdout}\n{stderr}");
        assert!(
            out.status.success(),
            "the worker for {test} failed:\n{text}"
        );
        let kib: u64 = stdout
            .lines()
            .find_map(|l| l.split_once(MARK))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("the worker for {test} printed no peak RSS:\n{text}"));
        eprintln!(
            "{test}: child peak RSS {:.1} MiB in {:.1} s",
            kib as f64 / 1024.0,
            started.elapsed().as_secs_f64()
        );
        Some((kib * 1024, text))
    }

    /// Run `f` on its own thread; fail the test if it takes longer than `limit` (a hang detector,
    /// not a timing assertion: the limits are many times the time it takes).
    pub fn within<T: Send + 'static>(
        limit: Duration,
        what: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        match rx.recv_timeout(limit) {
            Ok(v) => v,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("{what}: no result after {limit:?} (hang)")
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                panic!("{what}: panicked (see above)")
            }
        }
    }

    pub const MIB: u64 = 1024 * 1024;
}
