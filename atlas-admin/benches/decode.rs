//! Typed decoding beside `serde_json::Value` on the same bytes, on two large pages:
//! * 500 clusters (`listClusters`, 2024-08-05) of three real shapes (single-region replica
//!   set, multi-cloud, three-zone sharded), with the properties real Atlas sends beyond the
//!   spec (`clusters.json`);
//! * 500 organization users (`listOrgUsers`, 2025-02-19), ACTIVE and PENDING, assembled from
//!   the spec's property examples (`org_users.json`).
//!
//! `cargo bench -p atlas-admin --bench decode` (criterion; `cargo xtask bench` runs it and
//! reads the medians). Typed and `Value` decoding are timed interleaved (see
//! [`interleaved`]); each time includes dropping what was decoded. Also re-encoding of the
//! cluster page.

use std::hint::black_box;
use std::time::{Duration, Instant};

use atlas_admin::Validate;
use atlas_admin::models::{PaginatedClusterDescription20240805, PaginatedOrgUserView};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::DeserializeOwned;
use serde_json::Value;

const ITEMS: usize = 500;

/// The page's `results` repeated to `ITEMS`, each with a distinct `field` value.
fn page_of(page: &str, field: &str) -> String {
    let page: Value = serde_json::from_str(page).expect("a fixture is JSON");
    let shapes = page["results"].as_array().expect("results is an array").clone();
    let results: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = shapes[i % shapes.len()].clone();
            item[field] = Value::String(format!("{}-{i}", item[field].as_str().unwrap_or("item")));
            item
        })
        .collect();
    serde_json::json!({"links": [], "results": results, "totalCount": ITEMS}).to_string()
}

/// Runs `timed` and `other` in turn `iters` times and reports the time of `timed` alone. Both
/// sides of a comparison run this way, so each is measured while the other runs between its
/// samples: a phase of the machine (its speed here moves by up to 2x from minute to minute)
/// then weighs on both alike, where one side after the other would see different phases.
fn interleaved(iters: u64, timed: impl Fn(), other: impl Fn()) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        timed();
        total += start.elapsed();
        other();
    }
    total
}

fn compare<T: DeserializeOwned>(c: &mut Criterion, group: &str, json: &str) {
    serde_json::from_str::<T>(json).expect("the page decodes");
    let typed = || drop(black_box(serde_json::from_slice::<T>(black_box(json.as_bytes())).expect("decodes")));
    let value = || drop(black_box(serde_json::from_slice::<Value>(black_box(json.as_bytes())).expect("decodes")));
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("typed", |b| b.iter_custom(|iters| interleaved(iters, typed, value)));
    group.bench_function("value", |b| b.iter_custom(|iters| interleaved(iters, value, typed)));
    group.finish();
}

fn decode(c: &mut Criterion) {
    let clusters = page_of(include_str!("clusters.json"), "name");
    compare::<PaginatedClusterDescription20240805>(c, "clusters_500", &clusters);
    compare::<PaginatedOrgUserView>(c, "org_users_500", &page_of(include_str!("org_users.json"), "username"));
    let decoded: PaginatedClusterDescription20240805 = serde_json::from_str(&clusters).expect("decodes");
    let mut group = c.benchmark_group("clusters_500");
    group.throughput(Throughput::Bytes(clusters.len() as u64));
    group.bench_function("encode", |b| b.iter(|| serde_json::to_string(black_box(&decoded)).expect("encodes")));
    group.bench_function("validate", |b| b.iter(|| black_box(&decoded).validate()));
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
