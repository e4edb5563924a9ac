//! Throughput of `locate` on article text, and the time to build the gazetteer.
//!
//! Input: the sample corpus pages (`../shared/corpus/pages`, read by path) split into
//! paragraphs, when present; else invented article text. Throughput is reported in
//! characters (criterion's "elements"). The resident memory of the process after the
//! gazetteer is built is printed from /proc/self/status.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use localfeed::extract::opener;
use localfeed::locate::{Context, Gazetteer, locate, locate_text};
use localfeed::model::{Article, Kind};

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pages");

/// Invented text in the shape of a local news article, for when the corpus is absent.
const INVENTED: &str = "本报烟台5月3日讯(记者 张明 通讯员 李华) 近日，烟台高新区召开安全生产工作会议，\
总结上半年工作，部署下一阶段任务。会议指出，要压实各级责任，推动隐患排查整治。\n\n\
会上，马山街道、初家街道作了表态发言。区领导出席会议，对下一步工作提出要求。\n\n\
会议要求，各街道、各部门要提高政治站位，深化专项整治，确保全区安全形势持续稳定。";

fn texts() -> Vec<String> {
    let dir = Path::new(PAGES);
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut files: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            if f.extension().is_some_and(|x| x == "txt")
                && let Ok(t) = std::fs::read_to_string(&f)
            {
                out.extend(
                    t.split("\n\n")
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_string),
                );
            }
        }
    }
    if out.is_empty() {
        eprintln!("SKIP corpus: {PAGES} is absent; benchmarking invented text");
        out = INVENTED.split("\n\n").map(str::to_string).collect();
    }
    out
}

fn rss_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn bench(c: &mut Criterion) {
    let before = rss_kib();
    let gaz = Gazetteer::embedded();
    if let (Some((b, _)), Some((a, hwm))) = (before, rss_kib()) {
        eprintln!(
            "gazetteer: {} rows, {} patterns, automaton {} KiB; RSS {b} KiB before, {a} KiB after build (peak {hwm} KiB)",
            gaz.len(),
            gaz.pattern_count(),
            gaz.automaton_bytes() / 1024
        );
    }

    c.bench_function("gazetteer_build", |b| {
        b.iter(|| black_box(Gazetteer::build()))
    });

    let paragraphs = texts();
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    let ctx = Context::default();
    let mut g = c.benchmark_group("locate");
    g.throughput(Throughput::Elements(chars as u64));
    g.bench_function("paragraphs", |b| {
        b.iter(|| {
            for p in &paragraphs {
                black_box(locate_text(black_box(p), opener(p).as_ref(), &ctx, gaz));
            }
        })
    });
    let whole = paragraphs.join("\n\n");
    let whole_opener = opener(&whole);
    let article = Article {
        title: Some("让新时代文明之花扎根基层".into()),
        kicker: None,
        subtitle: None,
        body: whole,
        reporters: vec![],
        contributors: vec![],
        photographers: vec![],
        date: None,
        kind: Kind::News,
        url: None,
        place_hint: None,
        opener: whole_opener,
    };
    g.bench_function("one_long_article", |b| {
        b.iter(|| black_box(locate(black_box(&article), &ctx, gaz)))
    });
    g.finish();
    cpu_time_throughput(&paragraphs, chars, &article, gaz);
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`), so a
/// figure per core can be read on a machine shared with other work.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Characters per CPU-second of this thread: wall-clock figures on a loaded machine
/// include the time other processes held the core.
fn cpu_time_throughput(paragraphs: &[String], chars: usize, article: &Article, gaz: &Gazetteer) {
    let ctx = Context::default();
    let passes = 1000;
    // Warm the caches and the allocator first, as criterion does.
    for _ in 0..50 {
        for p in paragraphs {
            black_box(locate_text(black_box(p), opener(p).as_ref(), &ctx, gaz));
        }
    }
    let Some(t0) = cpu_ns() else {
        eprintln!("SKIP cpu-time figure: /proc/thread-self/schedstat is unreadable");
        return;
    };
    for _ in 0..passes {
        for p in paragraphs {
            black_box(locate_text(black_box(p), opener(p).as_ref(), &ctx, gaz));
        }
    }
    let t1 = cpu_ns().unwrap_or(t0);
    for _ in 0..passes {
        black_box(locate(black_box(article), &ctx, gaz));
    }
    let t2 = cpu_ns().unwrap_or(t1);
    let long_chars = article.body.chars().count() + 11;
    let rate = |n: usize, ns: u64| (n * passes) as f64 / (ns.max(1) as f64 / 1e9) / 1e6;
    eprintln!(
        "cpu time: paragraphs {:.1} M chars per CPU-second, one long article {:.1} M chars per CPU-second ({passes} passes each)",
        rate(chars, t1.saturating_sub(t0)),
        rate(long_chars, t2.saturating_sub(t1))
    );
    let t3 = cpu_ns().unwrap_or(t2);
    let builds = 10;
    for _ in 0..builds {
        black_box(Gazetteer::build());
    }
    let t4 = cpu_ns().unwrap_or(t3);
    eprintln!(
        "cpu time: gazetteer build {:.1} ms per build ({builds} builds)",
        t4.saturating_sub(t3) as f64 / 1e6 / builds as f64
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
