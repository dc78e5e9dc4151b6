//! Latency the validating proxy adds: getBulkCall through the proxy vs directly against the
//! mock, for the spec's example (S, about 3 KB) and a large campaign (L, about 1 MB: the
//! example's number pool repeated). Besides criterion's statistics, prints p50/p99 of each
//! configuration and the proxy's added p50/p99.
//!
//! `cargo bench -p omnidim-proxy --bench overhead`

use std::cell::RefCell;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use omnidim_mock::{MockOptions, MockServer, RecordedAnswer};
use omnidim_proxy::{Proxy, ProxyOptions};
use serde_json::Value;

fn example() -> Value {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let p = "/paths/~1calls~1bulk_call~1{bulk_call_id}/get/responses/200/content/application~1json/example";
    spec.document().pointer(p).unwrap().clone()
}

fn large() -> Value {
    let mut body = example();
    let item = body["details"]["number_pool"][0].clone();
    body["details"]["number_pool"] = Value::Array(vec![item; 5000]);
    body
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut results: Vec<(String, Duration, Duration)> = Vec::new();
    let mut group = c.benchmark_group("getBulkCall");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (size, body) in [("S", example()), ("L", large())] {
        let bytes = serde_json::to_vec(&body).unwrap();
        eprintln!("{size} body: {} bytes", bytes.len());
        let (mock, proxy, forward_only) = rt.block_on(async {
            let mut options = MockOptions::default();
            options.answers.insert(
                "getBulkCall".into(),
                RecordedAnswer {
                    status: 200,
                    content_type: "application/json".into(),
                    body: bytes.into(),
                },
            );
            let mock = MockServer::start_with(
                omnidim_spec::Spec::embedded().unwrap(),
                options,
                ([127, 0, 0, 1], 0).into(),
            )
            .await
            .unwrap();
            let proxy = Proxy::start(
                omnidim_spec::Spec::embedded().unwrap(),
                &mock.base_url(),
                ProxyOptions::default(),
                ([127, 0, 0, 1], 0).into(),
            )
            .await
            .unwrap();
            // Diagnostic: the same proxy with validation off (no copy, no check), to tell the
            // cost of the extra hop from that of validating on a machine with two cores.
            let forward_only = Proxy::start(
                omnidim_spec::Spec::embedded().unwrap(),
                &mock.base_url(),
                ProxyOptions {
                    max_validated_bytes: 0,
                    ..ProxyOptions::default()
                },
                ([127, 0, 0, 1], 0).into(),
            )
            .await
            .unwrap();
            (mock, proxy, forward_only)
        });
        for (route, base) in [
            ("direct", mock.base_url()),
            ("proxy", proxy.base_url()),
            ("forward", forward_only.base_url()),
        ] {
            let client = omnidim::Client::builder()
                .api_key("bench-key-0123456789")
                .base_url(&base)
                .build()
                .unwrap();
            let samples = RefCell::new(Vec::new());
            group.bench_function(format!("{size}/{route}"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let t = Instant::now();
                            let body = client
                                .request(reqwest::Method::GET, "/calls/bulk_call/314")
                                .send()
                                .await
                                .unwrap()
                                .bytes()
                                .await
                                .unwrap();
                            let d = t.elapsed();
                            assert!(body.len() > 100);
                            samples.borrow_mut().push(d);
                            total += d;
                        }
                        total
                    })
                })
            });
            let mut s = samples.into_inner();
            s.sort();
            results.push((
                format!("{size}/{route}"),
                percentile(&s, 0.50),
                percentile(&s, 0.99),
            ));
        }
        drop(proxy);
        drop(forward_only);
        drop(mock);
    }
    group.finish();
    eprintln!("\nlatency per request (client sends, reads the whole body):");
    for (name, p50, p99) in &results {
        eprintln!(
            "  {name:<10} p50 {:>9.1} us  p99 {:>9.1} us",
            us(*p50),
            us(*p99)
        );
    }
    for size in ["S", "L"] {
        let get = |route: &str| {
            results
                .iter()
                .find(|(n, _, _)| *n == format!("{size}/{route}"))
                .map(|(_, a, b)| (*a, *b))
                .unwrap()
        };
        let (d50, d99) = get("direct");
        for route in ["proxy", "forward"] {
            let (p50, p99) = get(route);
            eprintln!(
                "  {size}: {route} adds p50 {:.1} us, p99 {:.1} us",
                us(p50) - us(d50),
                us(p99) - us(d99)
            );
        }
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

criterion_group!(benches, bench);
criterion_main!(benches);
