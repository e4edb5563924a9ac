//! What a run holds in memory follows the work, not the store, counted in bytes and
//! bodies (never timed): publishing works from article heads and reads the bodies of the
//! documents it writes a batch at a time, so a publish of a store whose bodies take
//! several megabytes holds a fraction of them at once.
//!
//! One test in this file, alone in its binary: the heap of the whole process is counted
//! (the `cap` allocator), so no other test may run beside it.

mod common;

use std::alloc::System;

use cap::Cap;
use common::Sandbox;
use localfeed::clock::FixedClock;
use localfeed::config::Config;
use localfeed::schedule::{RunOptions, run_once};

#[global_allocator]
static HEAP: Cap<System> = Cap::new(System, usize::MAX);

/// Articles in the inbox, one single-article file each.
const ARTICLES: usize = 400;
/// Characters of each body (three bytes each in UTF-8).
const CHARS: usize = 10_000;

/// The peak heap of a publish of the whole store (every document rendered again, nothing
/// read from the inbox), measured when the bound was made: 400 bodies of 30 KB
/// (12.6 MB), items_per_feed 5, archive_size 10, page_size 5 (4.4–4.8 MB measured). A
/// change that more than
/// doubles it fails.
const PEAK_BYTES: usize = 4_500_000;
/// Bodies read from the state file by the first run (sketches, then every document):
/// ten or so an article, measured when the bound was made.
const BODIES_READ: usize = 3_800;

/// A body of `CHARS` characters that no other article's resembles: pseudo-random CJK
/// characters from a seed, with punctuation and paragraphs.
fn body(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut s = String::with_capacity(CHARS * 3 + CHARS / 50);
    for n in 1..=CHARS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let c = char::from_u32(0x4E00 + (x % 0x4FA0) as u32).unwrap_or('文');
        s.push(c);
        if n % 23 == 0 {
            s.push('，');
        }
        if n % 200 == 0 {
            s.push_str("。\n\n");
        }
    }
    s.push('。');
    s
}

fn config(suffix: &str) -> String {
    format!(
        "[[source]]\nid = \"wire\"\npath = \"inbox\"\n\n[publish]\n\
         base_url = \"https://news.example.org/feeds/\"\ntitle_suffix = \"{suffix}\"\n\
         items_per_feed = 5\narchive_size = 10\npage_size = 5\n"
    )
}

/// `(bodies read, most at once)` as a run with `-v` reports them.
fn bodies_read(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.contains("article bod(y/ies) read from the state file"))
        .unwrap_or_else(|| panic!("no count of bodies read in:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(numbers.len() >= 2, "{line}");
    (numbers[numbers.len() - 2], numbers[numbers.len() - 1])
}

#[test]
fn a_publish_holds_the_bodies_of_a_batch_not_of_the_store() {
    let s = Sandbox::empty();
    let places = ["安吉县", "黄山区", "栾川县", "洛宁县", "绵阳市"];
    let mut total = 0;
    for i in 0..ARTICLES {
        let text = body(i as u64 + 1);
        total += text.len();
        s.write(
            &format!("inbox/a{i:04}.md"),
            format!(
                "+++\ntitle = \"第{i}号新闻\"\ndate = \"2024-05-{:02}\"\nlocality = \"{}\"\n+++\n\n{text}\n",
                i % 28 + 1,
                places[i % places.len()]
            ),
        );
    }
    assert!(total > 11_000_000, "{total} bytes of bodies");

    // The first run (the real binary, another process) reads, stores and publishes.
    s.write("config.toml", config("本地新闻"));
    let o = s.run(&["-v", "run"]);
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    let (read, at_once) = bodies_read(&err);
    eprintln!("{read} bodies read, at most {at_once} at once");
    assert!(
        (ARTICLES..=2 * BODIES_READ).contains(&read),
        "{read} bodies read (about {BODIES_READ} expected)\n{err}"
    );
    assert!(at_once <= 64, "{at_once} bodies read at once");
    assert!(
        std::fs::read_dir(s.path().join("feeds/articles"))
            .unwrap()
            .count()
            == ARTICLES,
        "every article has its page"
    );

    // Another title renders every document again; nothing new is read. This run is in
    // this process, with its heap counted.
    s.write("config.toml", config("地方新闻"));
    let cfg = Config::load(&s.path().join("config.toml")).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2024-06-10T10:00:00+08:00").unwrap();
    let before = HEAP.allocated();
    let report = run_once(&cfg, &FixedClock(now), RunOptions::default()).unwrap();
    let peak = HEAP.max_allocated().saturating_sub(before);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert!(
        report.totals.feeds_written > ARTICLES,
        "{:?}",
        report.totals
    );
    let page = s.read(&format!(
        "feeds/articles/{}",
        std::fs::read_dir(s.path().join("feeds/articles"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name()
            .to_string_lossy()
    ));
    assert!(page.contains("地方新闻"), "the pages were written again");
    assert!(
        peak < total / 2,
        "a publish held {peak} bytes at its peak: the store's bodies are {total} bytes, \
         and a publish should hold a batch of them, not all"
    );
    assert!(
        peak <= 2 * PEAK_BYTES,
        "a publish held {peak} bytes at its peak, more than twice the {PEAK_BYTES} measured \
         when the bound was made"
    );
    eprintln!("peak heap of the publish: {peak} bytes; bodies in the store: {total} bytes");
}
