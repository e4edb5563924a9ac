//! Extraction throughput: the fixture pages (and the shared corpus pages when present),
//! replicated to at least 20 MB, each page extracted on its own as the program does.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use localfeed::extract::{decode::decode, extract};
use localfeed::model::{InputForm, PageText, SourceHints};

const TARGET_BYTES: usize = 20 * 1024 * 1024;

fn pages() -> Vec<PageText> {
    let mut out = Vec::new();
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pages"),
    ];
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("bench: {dir} is absent, skipped");
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let wanted =
                name.ends_with("page.txt") || (dir.ends_with("pages") && name.ends_with(".txt"));
            if !wanted {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(text) = decode(&bytes) else { continue };
            out.push(PageText {
                source: "bench".into(),
                name,
                text,
                form: InputForm::Page,
                hints: SourceHints::default(),
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let distinct = pages();
    let one_round: usize = distinct.iter().map(|p| p.text.len()).sum();
    assert!(one_round > 0, "no pages to measure");
    let rounds = TARGET_BYTES.div_ceil(one_round);
    let total = one_round * rounds;
    eprintln!(
        "bench: {} distinct pages, {} bytes, {} rounds = {:.1} MB",
        distinct.len(),
        one_round,
        rounds,
        total as f64 / 1e6
    );
    let mut g = c.benchmark_group("extract");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("pages_20MB", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for _ in 0..rounds {
                for p in &distinct {
                    n += extract(black_box(p)).articles.len();
                }
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
