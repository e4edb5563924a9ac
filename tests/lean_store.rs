//! The state file is no bigger than the inbox it was made from, counted in bytes (never
//! timed): articles are kept packed (zstd, with dictionaries the store trains from its
//! own articles), the full-text index keeps which characters and words each article
//! holds and no positions, and sketches keep their opening as characters (issue 18).

mod common;

use std::path::Path;

use common::Sandbox;

/// Pages of the generated inbox (seed 1, a tenth of the files in GB18030, as in
/// BENCHMARKS.md, "A lean store"): 6.4 MB and about 3,200 articles, enough that the
/// dictionaries are trained (at 1,000 articles) and that SQLite's pages for each table
/// and index (about 250 KB in all) weigh little.
const PAGES: &str = "600";

/// The most the state file may weigh, over the inbox's bytes: the goal of issue 18. It
/// was 0.97 when the bound was made (0.95 at 1,000 pages, 0.91 at 10,000; main's store
/// weighed 4.7 times its inbox).
const MOST: f64 = 1.0;

fn bytes_below(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                bytes_below(&e.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

/// The state file and its write-ahead log, if one is left.
fn state_bytes(s: &Sandbox) -> u64 {
    ["state.db", "state.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(s.path().join(f)).ok())
        .map(|m| m.len())
        .sum()
}

#[test]
fn the_state_file_weighs_no_more_than_its_inbox() {
    // the generator reads the gazetteer and the corpus templates of ../shared
    if common::shared().is_none() {
        return;
    }
    let s = Sandbox::empty();
    let made = std::process::Command::new("python3")
        .arg(common::repo().join("benches/stories/make_pages.py"))
        .args([
            "--pages",
            PAGES,
            "--seed",
            "1",
            "--gb18030-share",
            "0.1",
            "--out",
        ])
        .arg(s.path().join("inbox"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", common::stderr(&made));
    let input = bytes_below(&s.path().join("inbox"));
    s.write(
        "config.toml",
        "state = \"state.db\"\nout = \"feeds\"\n\n[[source]]\nid = \"gen\"\npath = \"inbox\"\n\n\
         [publish]\nbase_url = \"https://news.example.org/feeds/\"\n",
    );
    for run in ["first", "again, nothing new"] {
        let o = s.run(&["-q", "run"]);
        assert!(o.status.success(), "{run}: {}", common::stderr(&o));
        let state = state_bytes(&s);
        let ratio = state as f64 / input as f64;
        eprintln!("{run}: state {state} bytes, inbox {input} bytes: {ratio:.3}");
        assert!(
            ratio <= MOST,
            "{run}: the state file ({state} bytes) weighs {ratio:.2} times the inbox ({input} bytes)"
        );
    }
}
