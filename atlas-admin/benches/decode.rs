//! Decode and re-encode cost of a large, real-shaped cluster list (`listClusters`,
//! 2024-08-05): 300 clusters of three real shapes (single-region replica set, multi-cloud,
//! three-zone sharded), with the properties real Atlas sends beyond the spec.
//!
//! `cargo bench -p atlas-admin --bench decode`

use std::hint::black_box;

use atlas_admin::models::PaginatedClusterDescription20240805;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;

const CLUSTERS: usize = 300;

/// The page of three clusters in `clusters.json`, repeated to `CLUSTERS` with distinct names.
fn cluster_list() -> String {
    let page: Value = serde_json::from_str(include_str!("clusters.json")).expect("clusters.json is JSON");
    let shapes = page["results"].as_array().expect("results is an array").clone();
    let results: Vec<Value> = (0..CLUSTERS)
        .map(|i| {
            let mut cluster = shapes[i % shapes.len()].clone();
            cluster["name"] = Value::String(format!("cluster-{i}"));
            cluster
        })
        .collect();
    serde_json::json!({"links": [], "results": results, "totalCount": CLUSTERS}).to_string()
}

fn decode(c: &mut Criterion) {
    let json = cluster_list();
    let decoded: PaginatedClusterDescription20240805 = serde_json::from_str(&json).expect("the list decodes");
    let mut group = c.benchmark_group("cluster_list");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("decode", |b| {
        b.iter(|| serde_json::from_str::<PaginatedClusterDescription20240805>(black_box(&json)).expect("decodes"))
    });
    group.bench_function("encode", |b| b.iter(|| serde_json::to_string(black_box(&decoded)).expect("encodes")));
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
