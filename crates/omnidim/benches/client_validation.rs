//! The client path with response validation on vs off: `get_bulk_call` against the local mock
//! (loopback HTTP, the spec's 2.2 KB example), bytes to typed result. The validation goal is
//! at most 1.1x the cost of the plain client path (issue #13).

use criterion::{Criterion, criterion_group, criterion_main};
use omnidim::{Client, ResponseValidation};

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = rt
        .block_on(omnidim_mock::MockServer::start())
        .expect("mock");
    let plain = Client::builder()
        .api_key("bench-key-0123456789")
        .base_url(mock.base_url())
        .build()
        .expect("client");
    let validating = Client::builder()
        .api_key("bench-key-0123456789")
        .base_url(mock.base_url())
        .validate_responses(ResponseValidation::embedded().expect("validator"))
        .build()
        .expect("client");
    let mut group = c.benchmark_group("client_get_bulk_call");
    group.bench_function("plain", |b| {
        b.iter(|| {
            rt.block_on(plain.get_bulk_call().bulk_call_id(314).send())
                .map(|r| r.status())
        })
    });
    group.bench_function("validating", |b| {
        b.iter(|| {
            rt.block_on(validating.get_bulk_call().bulk_call_id(314).send())
                .map(|r| r.status())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
