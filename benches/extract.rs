//! Extraction throughput: the fixture pages (and the shared corpus pages when present),
//! replicated to at least 20 MB, each page extracted on its own as the program does.
//!
//! With `EXTRACT_BENCH_MB=N` set, criterion is skipped: the pages are extracted once,
//! untimed (the patterns compiled once a process), then over and over until N MB have been
//! read, on one thread, and the CPU time, wall time and throughput of those rounds are
//! printed (for `valgrind --tool=callgrind` and `/usr/bin/time`).
//! `EXTRACT_BENCH_DIR=folder` measures that folder's `.txt` pages instead, and
//! `EXTRACT_BENCH_ONLY=part` only the pages whose file name holds `part`.

/// The program's allocator (`src/main.rs`), so the bench measures what a run does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use localfeed::extract::{decode, extract};
use localfeed::model::{InputForm, PageText, SourceHints};

const TARGET_BYTES: usize = 20 * 1024 * 1024;

fn pages() -> Vec<PageText> {
    let mut out = Vec::new();
    // EXTRACT_BENCH_DIR=folder: its `.txt` pages instead (e.g. an inbox made by
    // `../shared/bench/e2e/make_pages.py`: realistic pages, some in GB18030).
    let own = std::env::var("EXTRACT_BENCH_DIR").ok();
    let dirs: Vec<&str> = match own.as_deref() {
        Some(d) => vec![d],
        None => vec![
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pages"),
        ],
    };
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
            let wanted = name.ends_with("page.txt")
                || ((dir.ends_with("pages") || own.is_some()) && name.ends_with(".txt"));
            // EXTRACT_BENCH_ONLY=part: only the pages whose file name holds it (to profile
            // one page's shape).
            let only = std::env::var("EXTRACT_BENCH_ONLY").unwrap_or_default();
            if !wanted || !name.contains(only.as_str()) {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(decoded) = decode(&bytes) else {
                continue;
            };
            let text = decoded.text;
            out.push(PageText {
                source: "bench".into(),
                name,
                text,
                form: InputForm::Page,
                hints: SourceHints::default(),
                seen: None,
            });
        }
    }
    out
}

/// CPU time of this process (user + system), from `/proc/self/stat`.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The plain timed run of `EXTRACT_BENCH_MB`.
fn plain_run(mb: usize) {
    let distinct = pages();
    let one_round: usize = distinct.iter().map(|p| p.text.len()).sum();
    assert!(one_round > 0, "no pages to measure");
    let rounds = (mb * 1_000_000).div_ceil(one_round);
    let total = one_round * rounds;
    // one round first, untimed: what a process does once (compiling the patterns, reading
    // the header model) is not throughput
    for p in &distinct {
        black_box(extract(black_box(p)));
    }
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let t0 = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for p in &distinct {
            n += extract(black_box(p)).articles.len();
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    println!(
        "{} pages x {rounds} rounds = {:.1} MB, {n} articles: wall {wall:.2} s ({:.1} MB/s), cpu {cpu:.2} s ({:.1} MB/s per CPU second)",
        distinct.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / wall,
        total as f64 / 1e6 / cpu.max(1e-9),
    );
}

fn bench(c: &mut Criterion) {
    if let Some(mb) = std::env::var("EXTRACT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        plain_run(mb);
        return;
    }
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
