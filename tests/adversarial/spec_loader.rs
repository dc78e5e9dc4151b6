//! The spec loader under hostile documents: alias bombs, `$ref` cycles, external and file
//! `$ref`s, deep nesting, bytes that are not UTF-8, a 50 MB spec, arbitrary text.

use std::time::Duration;

use omnidim_spec::{Spec, SpecError};
use omnidim_validator::{Validator, ValidatorError};
use proptest::prelude::*;

use crate::support::{self, MIB};

/// Hang detector only: each of these takes well under a second.
const LIMIT: Duration = Duration::from_secs(30);

fn load(text: String) -> Result<Spec, SpecError> {
    support::within(LIMIT, "Spec::from_yaml_str", move || {
        Spec::from_yaml_str(&text, "hostile.yaml")
    })
}

/// Nine levels of ten aliases each ("billion laughs": 10^9 strings once expanded).
fn billion_laughs(indent: &str) -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let mut text = format!("{indent}a: &a [{}]\n", ["\"lol\""; 10].join(","));
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 10].join(",");
        text.push_str(&format!("{indent}{}: &{} [{refs}]\n", w[1], w[1]));
    }
    text
}

/// The parser stops expanding aliases past 100 × the document's own events: a typed YAML error,
/// at once, with memory of the document's size.
#[test]
fn a_billion_laughs_alias_bomb_is_a_typed_error_in_bounded_time() {
    let err = load(billion_laughs("")).unwrap_err();
    assert!(
        matches!(&err, SpecError::Yaml { message, .. } if message.contains("repetition limit exceeded")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("hostile.yaml:"), "{err}");
}

/// The same bomb where a spec's content goes (under `components`), after a valid head.
#[test]
fn an_alias_bomb_inside_paths_is_refused_the_same_way() {
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: bomb, version: '1'}}\npaths: {{}}\ncomponents:\n  x-bomb:\n{}",
        billion_laughs("    ")
    );
    let err = load(text).unwrap_err();
    assert!(
        err.to_string().contains("repetition limit exceeded"),
        "{err}"
    );
}

/// An alias inside its own anchor's node: a typed error with its line (no infinite structure).
#[test]
fn an_alias_to_its_own_unfinished_anchor_is_a_typed_error() {
    let err = load("a: &a [1, *a]\n".into()).unwrap_err();
    assert!(
        matches!(&err, SpecError::Yaml { line: Some(1), message, .. } if message.contains("recursion limit exceeded")),
        "{err:?}"
    );
}

const CYCLES: &str = r##"openapi: 3.1.0
info: {title: cycles, version: '1'}
paths:
  /self:
    get:
      operationId: getSelf
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Self'}
  /ping:
    get:
      operationId: getPing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ping'}
  /tree:
    get:
      operationId: getTree
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tree'}
components:
  schemas:
    Self: {$ref: '#/components/schemas/Self'}
    Ping: {$ref: '#/components/schemas/Pong'}
    Pong: {allOf: [{$ref: '#/components/schemas/Ping'}]}
    Tree: {type: object, properties: {next: {$ref: '#/components/schemas/Tree'}}}
"##;

/// `$ref` cycles (a schema that is its own `$ref`, a two-schema cycle through `allOf`, a
/// recursive object): everything that follows references terminates. The validator compiles
/// them (a pure cycle constrains nothing, so any body passes; the recursive object is checked at
/// every depth), `Spec::deref` gives up after 32 hops, samples are bounded, the 3.0 conversion
/// goes through.
#[test]
fn ref_cycles_compile_validate_lint_sample_and_convert_in_bounded_time() {
    let (spec, validator, deep) = support::within(LIMIT, "ref cycles", || {
        let spec = Spec::from_yaml_str(CYCLES, "cycles.yaml").unwrap();
        let validator = Validator::from_spec(&spec).unwrap();
        let mut deep = String::new();
        for _ in 0..100 {
            deep.push_str("{\"next\":");
        }
        deep.push('1');
        deep.push_str(&"}".repeat(100));
        (spec, validator, deep)
    });
    let self_schema = spec.document().pointer("/components/schemas/Self").unwrap();
    assert!(spec.deref(self_schema).is_none(), "a cycle has no end");
    for op in ["getSelf", "getPing"] {
        let report = validator.validate(op, 200, None, deep.as_bytes()).unwrap();
        assert!(report.is_valid(), "{op}: {report}");
    }
    let report = validator
        .validate("getTree", 200, None, deep.as_bytes())
        .unwrap();
    let first = report
        .first_error()
        .expect("the innermost `next` is not an object");
    assert_eq!(first.instance, "/next".repeat(100));
    let _ = omnidim_spec::lint::lint(&spec);
    for r in ["Self", "Ping", "Tree"] {
        let schema = serde_json::json!({"$ref": format!("#/components/schemas/{r}")});
        let sample = omnidim_spec::sample::sample(&spec, &schema);
        assert!(sample.to_string().len() <= omnidim_spec::sample::MAX_SAMPLE_BYTES);
    }
    omnidim_spec::convert::to_openapiv3(&spec).unwrap();
}

/// `$ref`s to files, relative documents, `file://` and `http://` URLs are never fetched: the
/// validator refuses to compile the schema (a typed error naming operation, status and the
/// reference), lint names each as `ref-external`. The file referred to exists and would change
/// the verdict if it were read.
#[test]
fn external_and_file_refs_are_never_fetched() {
    let dir = std::env::temp_dir().join(format!("omnidim-adversarial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ext.json"), r#"{"type": "string"}"#).unwrap();
    let refs = [
        format!("file://{}/ext.json", dir.display()),
        format!("{}/ext.json", dir.display()),
        "ext.json".to_string(),
        "ext.json#/definitions/x".to_string(),
        "http://127.0.0.1:9/schema.json".to_string(),
        "/etc/passwd".to_string(),
    ];
    for r in refs {
        let text = CYCLES.replace("'#/components/schemas/Self'", &format!("'{r}'"));
        let spec = Spec::from_yaml_str(&text, "external.yaml").unwrap();
        match Validator::from_spec(&spec) {
            Err(ValidatorError::Schema {
                operation, message, ..
            }) => {
                assert_eq!(operation, "getSelf");
                assert!(message.contains(&r), "{r}: {message}");
            }
            other => panic!("{r}: {other:?}"),
        }
        let external: Vec<_> = omnidim_spec::lint::lint(&spec)
            .into_iter()
            .filter(|f| f.rule == "ref-external")
            .collect();
        assert_eq!(external.len(), 2, "{r}: {external:?}");
        assert!(
            external.iter().all(|f| f.message.contains(&r)),
            "{external:?}"
        );
        let schema = serde_json::json!({"$ref": r});
        assert_eq!(
            omnidim_spec::sample::sample(&spec, &schema),
            serde_json::Value::Null
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Block collections (indentation) nested past the parser's limit of 128: a typed error at the
/// line and column of the 129th level, for mappings and sequences, 5,000 levels (12 MB) deep.
#[test]
fn deep_block_nesting_is_a_typed_error_naming_the_limit() {
    for depth in [129usize, 5000] {
        let mut map = String::new();
        let mut seq = String::from("a:\n");
        for i in 0..depth {
            map.push_str(&" ".repeat(i));
            map.push_str("a:\n");
            seq.push_str(&" ".repeat(i));
            seq.push_str("-\n");
        }
        map.push_str(&" ".repeat(depth));
        map.push_str("1\n");
        seq.push_str(&" ".repeat(depth));
        seq.push_str("1\n");
        for (text, column) in [(map, 129), (seq, 128)] {
            let err = load(text).unwrap_err();
            match &err {
                SpecError::Yaml {
                    line: Some(129),
                    column: Some(c),
                    message,
                    ..
                } if *c == column && message.contains("recursion limit exceeded") => {}
                _ => panic!("depth {depth}: {err:?}"),
            }
        }
    }
}

/// The flow-depth pre-scan and the parser agree at the edge: 127 levels (plus the document's
/// mapping) load; one more is refused, as flow and as flow inside a block sequence.
#[test]
fn flow_nesting_at_the_limit_loads_and_one_past_it_does_not() {
    let ok = format!("a: {}1{}\n", "[".repeat(127), "]".repeat(127));
    load(ok).unwrap();
    for text in [
        format!("a: {}1{}\n", "[".repeat(128), "]".repeat(128)),
        format!("a:\n  - {}1{}\n", "[".repeat(127), "]".repeat(127)),
    ] {
        let err = load(text).unwrap_err();
        assert!(
            matches!(&err, SpecError::Yaml { line: Some(_), message, .. } if message.contains("recursion limit exceeded")),
            "{err:?}"
        );
    }
}

/// A spec file that is not UTF-8: an I/O error of kind `InvalidData` naming the file.
#[test]
fn a_non_utf8_spec_file_is_an_io_error_naming_the_file() {
    let path =
        std::env::temp_dir().join(format!("omnidim-adversarial-{}.yaml", std::process::id()));
    for bytes in [
        b"openapi: 3.1.0\ninfo: \xff\xfe\n".as_slice(),
        b"\xfe\xff\x00o\x00p\x00e\x00n".as_slice(), // UTF-16
        b"openapi: '3.1.0\xc3\x28'\n".as_slice(),
    ] {
        std::fs::write(&path, bytes).unwrap();
        let err = Spec::from_path(&path).unwrap_err();
        match &err {
            SpecError::Io { path: p, source } => {
                assert_eq!(p, &path);
                assert_eq!(source.kind(), std::io::ErrorKind::InvalidData);
            }
            _ => panic!("{err:?}"),
        }
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
    std::fs::remove_file(&path).ok();
}

/// A NUL byte inside a plain scalar: a typed YAML error at once. (Found by
/// `prop_arbitrary_text_loads_or_is_a_typed_error`: the flow-depth pre-scan took a NUL for the end
/// of the text and looped for good; fixed in `omnidim-spec`'s `yaml_depth.rs`.)
#[test]
fn a_nul_byte_in_a_plain_scalar_is_a_typed_error_not_a_hang() {
    for text in [
        "a\0b",
        "openapi: 3.1.0\ninfo: x\0y\n",
        "<\u{fffd}M\u{19}a\u{1b}4\0r",
    ] {
        let err = load(text.into()).unwrap_err();
        assert!(
            matches!(&err, SpecError::Yaml { message, .. } if message.contains("control characters are not allowed")),
            "{err:?}"
        );
    }
}

/// Control characters (NUL, BEL) that UTF-8 allows and YAML does not: a typed YAML error.
#[test]
fn control_characters_are_a_yaml_error_with_a_line() {
    for text in ["a: 1\nb: \"x\0y\"\n", "a: 1\nb: x\x07y\n"] {
        let err = load(text.into()).unwrap_err();
        assert!(
            matches!(&err, SpecError::Yaml { line: Some(_), message, .. } if message.contains("control characters are not allowed")),
            "{err:?}"
        );
    }
}

const BIG_SPEC_WORKER: &str = "spec_loader::a_50_mb_spec_loads_with_bounded_peak_rss";

/// A 50 MB spec (25,000 paths and schemas, block style): it loads, and the loading process's
/// peak RSS stays under 16 × the text (the parser holds the document's events, then the value is
/// built). The spec loader has no size limit of its own; this is its memory per byte, measured.
///
/// Measured (debug build, 2 cores): 50,000,213 bytes of text, peak RSS 468 MiB (~9.8 × the
/// text; bound 800 MiB), 16 s alone, ~34 s beside the rest of the suite.
#[test]
fn a_50_mb_spec_loads_with_bounded_peak_rss() {
    if support::is_worker(BIG_SPEC_WORKER) {
        let text = big_spec(50 * 1000 * 1000);
        eprintln!("spec text: {} bytes", text.len());
        let spec = Spec::from_yaml_str(&text, "big.yaml").unwrap();
        let paths = spec.document()["paths"].as_object().unwrap().len();
        assert!(paths > 10_000, "{paths}");
        drop(spec);
        support::report_peak_rss();
        return;
    }
    let Some((peak, out)) = support::peak_rss_of(BIG_SPEC_WORKER) else {
        eprintln!("skipped: peak RSS is read from /proc/self/status (Linux only)");
        return;
    };
    let bound = 16 * 50 * MIB;
    assert!(
        peak <= bound,
        "peak RSS {} MiB over {} MiB\n{out}",
        peak / MIB,
        bound / MIB
    );
}

/// A spec of at least `bytes` bytes: paths and schemas with long descriptions.
fn big_spec(bytes: usize) -> String {
    let mut paths = String::with_capacity(bytes / 2 + 1024);
    let mut schemas = String::with_capacity(bytes / 2 + 1024);
    let filler = "lorem ipsum dolor sit amet ".repeat(30);
    let mut i = 0;
    while paths.len() + schemas.len() < bytes {
        paths.push_str(&format!(
            "  /p{i}:\n    get:\n      operationId: op{i}\n      description: {filler}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/S{i}'}}\n"
        ));
        schemas.push_str(&format!(
            "    S{i}:\n      type: object\n      description: {filler}\n      properties:\n        id: {{type: integer}}\n        name: {{type: string, maxLength: 64}}\n"
        ));
        i += 1;
    }
    format!(
        "openapi: 3.1.0\ninfo: {{title: big, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
    )
}

/// YAML-ish tokens, so that generated text reaches the parser's corners (anchors, aliases, flow
/// and block collections, quotes, block scalars, tags, merge keys, documents).
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("["),
        Just("]"),
        Just("{"),
        Just("}"),
        Just(", "),
        Just(": "),
        Just("- "),
        Just("\n"),
        Just("\n  "),
        Just("\n    "),
        Just("&a "),
        Just("*a"),
        Just("&b "),
        Just("*b"),
        Just("'"),
        Just("\""),
        Just("|\n  "),
        Just(">-\n  "),
        Just("# c\n"),
        Just("!!str "),
        Just("!!binary "),
        Just("<<: "),
        Just("---\n"),
        Just("...\n"),
        Just("? "),
        Just("%YAML 1.2\n"),
        Just("$ref: '#/a'"),
        Just("1e400"),
        Just(".nan"),
        Just("~"),
        Just("key"),
        Just("\t"),
        Just("\u{feff}"),
        Just("\\u0000"),
        Just("é"),
    ];
    proptest::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes (as text, lossily): a spec or a typed error, never a panic; a loaded
    /// document is a mapping.
    #[test]
    fn prop_arbitrary_text_loads_or_is_a_typed_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match Spec::from_yaml_str(&text, "arbitrary.yaml") {
            Ok(spec) => prop_assert!(spec.document().is_object()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// YAML-ish token soup: the same.
    #[test]
    fn prop_yaml_token_soup_loads_or_is_a_typed_error(text in yamlish()) {
        match Spec::from_yaml_str(&text, "soup.yaml") {
            Ok(spec) => prop_assert!(spec.document().is_object()),
            Err(SpecError::Yaml { .. } | SpecError::Shape { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error kind: {e:?}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// The embedded spec with a few bytes changed, removed or inserted: it loads or is a typed
    /// error, and when it loads, the validator compiles it or says which schema it cannot.
    #[test]
    fn prop_mutated_spec_loads_and_compiles_or_is_a_typed_error(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..4)
    ) {
        let mut bytes = omnidim_spec::EMBEDDED_YAML.as_bytes().to_vec();
        for (at, op, byte) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Ok(spec) = Spec::from_yaml_str(&text, "mutated.yaml") {
            match Validator::from_spec(&spec) {
                Ok(_) | Err(ValidatorError::Schema { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error kind: {e:?}"),
            }
        }
    }
}
