//! End-to-end validation speed, bytes to verdict, on the peer benchmark inputs of
//! `../shared/bench/data` (getBulkCall responses: S 2.2 KB, M 75 KB, L 3.4 MB).
//!
//! `streaming` is this crate (`Validator::validate` on the raw bytes: parse + check + report).
//! `dom_jsonschema` is the plain design for comparison: `serde_json::Value` then
//! `jsonschema::is_valid`. Compare with `node bench_node.js bench` run in the same minute.
//!
//! Set `OMNIDIM_BENCH_DATA` to another directory with S.json, M.json, L.json to use other inputs.

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use omnidim_validator::Validator;

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OMNIDIM_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/data")
        });
    dir.join("S.json").exists().then_some(dir)
}

fn bench(c: &mut Criterion) {
    let Some(dir) = data_dir() else {
        eprintln!("skipping: no bench data (../shared/bench/data or OMNIDIM_BENCH_DATA)");
        return;
    };
    let validator = Validator::embedded().expect("spec compiles");
    let spec = omnidim_spec::Spec::embedded().expect("spec");
    let schema_pointer = "/components/schemas/GetBulkCallResponse";
    let dom = omnidim_spec::lint::compile_schema(spec.document(), schema_pointer).expect("schema");

    let mut group = c.benchmark_group("getBulkCall");
    for size in ["S", "M", "L"] {
        let bytes = std::fs::read(dir.join(format!("{size}.json"))).expect("read bench data");
        let report = validator
            .validate("getBulkCall", 200, Some("application/json"), &bytes)
            .expect("known op");
        assert!(report.is_valid(), "{size} must be valid: {report}");
        if size == "L" {
            group.sample_size(20);
        }
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("streaming", size), &bytes, |b, bytes| {
            b.iter(|| {
                validator
                    .validate("getBulkCall", 200, Some("application/json"), bytes)
                    .map(|r| r.is_valid())
            })
        });
        group.bench_with_input(
            BenchmarkId::new("dom_jsonschema", size),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    serde_json::from_slice::<serde_json::Value>(bytes).map(|v| dom.is_valid(&v))
                })
            },
        );
    }
    let invalid_path = dir.join("S_invalid.json");
    if let Ok(bytes) = std::fs::read(invalid_path) {
        group.bench_with_input(
            BenchmarkId::new("streaming", "S_invalid"),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    validator
                        .validate("getBulkCall", 200, None, bytes)
                        .map(|r| r.findings.len())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
