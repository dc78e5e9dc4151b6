//! What keeping undocumented response fields would cost: decoding getBulkCall bodies (the shared
//! bench data, 2.2 KB to 3.4 MB) into the generated types as they are (undocumented fields
//! dropped) vs. with a `#[serde(flatten)]` map of extra fields on the response, its `details`
//! and every contact row (what "kept and reachable" would generate). The flatten variant
//! buffers every object into serde's `Content` before filling the struct; this bench measures
//! that buffering. The decision it informs is recorded in the crate docs (`omnidim::types`).

use criterion::{Criterion, criterion_group, criterion_main};
use omnidim::types;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
#[allow(dead_code)]
struct Kept<T> {
    #[serde(flatten)]
    known: T,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct KeptResponse {
    #[serde(default)]
    contact_list: Vec<Kept<types::BulkCallContact>>,
    details: Option<Kept<types::BulkCallDetail>>,
    status: Option<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/data");
    let mut group = c.benchmark_group("decode_get_bulk_call");
    for size in ["S", "M", "L"] {
        let Ok(body) = std::fs::read(dir.join(format!("{size}.json"))) else {
            eprintln!("skipped: {} not found", dir.display());
            return;
        };
        group.bench_function(format!("{size}/dropped"), |b| {
            b.iter(|| serde_json::from_slice::<types::GetBulkCallResponse>(&body).map(|_| ()))
        });
        group.bench_function(format!("{size}/kept_flatten"), |b| {
            b.iter(|| serde_json::from_slice::<KeptResponse>(&body).map(|_| ()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
