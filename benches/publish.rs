//! Timed benchmark of the publish stage (not criterion: one full run takes seconds).
//!
//! `cargo bench --bench publish -- [--articles N] [--localities M] [--out DIR] [--feeds-only]
//! [--full-only] [--skip-raw] [--rounds K]`
//!
//! Builds N articles over M townships (township i → county i/10 → city i/100 → province
//! i/1000, as the feedgen peer in `../shared/bench/peer-feeds/` does), then measures:
//! a full publish into an empty folder, a re-run with nothing changed, an incremental run
//! with 100 more articles, and the time to merely write the same bytes to the same number
//! of files. Article text is taken from the corpus pages when `../shared` is there (read by
//! path at run time), else invented.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use localfeed::model::{Article, Chain, Division, Kind, Level, Placement, StoredArticle};
use localfeed::publish::{Settings, publish};
use localfeed::templates::Templates;

fn paragraphs() -> Vec<String> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/pages"
    ));
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                out.extend(
                    t.split("\n\n")
                        .map(str::trim)
                        .filter(|p| p.chars().count() > 40)
                        .map(String::from),
                );
            }
        }
    }
    if out.is_empty() {
        eprintln!("note: corpus not found, using invented paragraphs");
        for i in 0..200 {
            out.push(format!(
                "本报讯 第{i}届社区文化节近日开幕，来自各街道的文艺队伍带来舞蹈、合唱、戏曲等节目，现场观众络绎不绝，活动将持续至月底，期间还将举办书画展和非遗展示。"
            ));
        }
    }
    out
}

/// A place's page under `out`: `<code>/index.html` or `<code>/page/<n>.html`.
fn is_place_page(out: &Path, p: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(out) else {
        return false;
    };
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    match parts.as_slice() {
        [dir, "index.html"] => *dir != "articles",
        [_, "page", file] => file.ends_with(".html"),
        _ => false,
    }
}

fn chain(t: usize) -> Chain {
    let (p, c, k) = (t / 1000, t / 100, t / 10);
    Chain(vec![
        Division {
            code: format!("{}", 11 + p),
            name: format!("第{p}省"),
            level: Level::Province,
        },
        Division {
            code: format!("{}{:02}", 11 + p, c % 100),
            name: format!("第{c}市"),
            level: Level::Prefecture,
        },
        Division {
            code: format!("{}{:02}{:02}", 11 + p, c % 100, k % 100),
            name: format!("第{k}县"),
            level: Level::County,
        },
        Division {
            code: format!("{}{:02}{:02}{:03}", 11 + p, c % 100, k % 100, t % 1000),
            name: format!("第{t}镇"),
            level: Level::Township,
        },
    ])
}

fn articles(
    n: usize,
    m: usize,
    paras: &[String],
    base: DateTime<FixedOffset>,
) -> Vec<StoredArticle> {
    let chains: Vec<Chain> = (0..m).map(chain).collect();
    (0..n)
        .map(|i| {
            let a = &paras[i % paras.len()];
            let b = &paras[(i * 7 + 3) % paras.len()];
            let when = base + Duration::minutes(i as i64);
            StoredArticle {
                id: format!("{:020x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                source: "bench".into(),
                input: format!("{i}.txt"),
                publication: Some("基准日报".into()),
                article: Article {
                    title: Some(a.chars().take(30).collect()),
                    kicker: None,
                    subtitle: None,
                    body: format!("{b}\n\n{a}"),
                    reporters: vec!["记者甲".into()],
                    contributors: vec![],
                    photographers: vec![],
                    date: None,
                    kind: Kind::News,
                    url: None,
                    place_hint: None,
                    opener: None,
                },
                placement: Placement {
                    primary: chains[i % m].clone(),
                    also: vec![],
                    evidence: vec![],
                },
                first_seen: when,
                updated: when,
                printings: vec![],
                body_digest: None,
                arrival: 0,
            }
        })
        .collect()
}

fn peak_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Writes the bytes of every file under `src` to the same relative path under `dst` with
/// plain `fs::write` (folders made first), timing only the writes.
fn raw_write(src: &Path, dst: &Path) -> (f64, usize, u64) {
    let list = files(src);
    let mut dirs: Vec<PathBuf> = list
        .iter()
        .filter_map(|p| p.strip_prefix(src).ok()?.parent().map(|d| dst.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut total = 0.0;
    let mut bytes = 0u64;
    let t = Instant::now();
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    total += t.elapsed().as_secs_f64();
    for p in &list {
        let data = std::fs::read(p).unwrap();
        bytes += data.len() as u64;
        let to = dst.join(p.strip_prefix(src).unwrap());
        let t = Instant::now();
        std::fs::write(&to, &data).unwrap();
        total += t.elapsed().as_secs_f64();
    }
    (total, list.len(), bytes)
}

/// CPU time (user + system) this process has used, in seconds: robust to other
/// processes competing for the cores, unlike wall time.
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = s.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // fields 14 and 15 of the file (utime, stime), counted after the ")" at 12 and 13
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn sync() {
    let _ = std::process::Command::new("sync").status();
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut n, mut m, mut out, mut feeds_only) = (100_000usize, 5_000usize, None, false);
    let (mut full_only, mut skip_raw, mut rounds) = (false, false, 1usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--articles" => n = args.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--localities" => m = args.next().and_then(|v| v.parse().ok()).unwrap_or(m),
            "--out" => out = args.next().map(PathBuf::from),
            "--feeds-only" => feeds_only = true,
            // One full publish and nothing else: for profilers.
            "--full-only" => full_only = true,
            // The full publish, the re-run and the incremental run only: for profilers.
            "--skip-raw" => skip_raw = true,
            // Raw write and full publish alternated this many times (ratio per pair).
            "--rounds" => rounds = args.next().and_then(|v| v.parse().ok()).unwrap_or(1),
            _ => {}
        }
    }
    // Scratch folders go beside --out, so every phase writes to the same file system.
    let tmp = match out.as_deref().and_then(Path::parent) {
        Some(parent) => {
            std::fs::create_dir_all(parent).unwrap();
            tempfile::tempdir_in(parent).unwrap()
        }
        None => tempfile::tempdir().unwrap(),
    };
    let out = out.unwrap_or_else(|| tmp.path().join("out"));
    let paras = paragraphs();
    let base = DateTime::parse_from_rfc3339("2023-01-01T00:00:00+08:00").unwrap();
    let mut arts = articles(n + 100, m, &paras, base);
    let extra: Vec<StoredArticle> = arts.split_off(n);
    let templates = Templates::load(None).unwrap();
    let mut settings = Settings::default();
    if feeds_only {
        settings.archives = false;
        settings.article_pages = false;
    }
    println!(
        "publish bench: {n} articles over {m} townships, {} items per feed, archives {}, article pages {}, {} threads",
        settings.items_per_feed, settings.archives, settings.article_pages, settings.threads
    );
    println!("input built: RSS {:.0} MiB", rss_mib());

    let (t, c) = (Instant::now(), cpu());
    let r = publish(&arts, &settings, &templates, &out).unwrap();
    let full = t.elapsed().as_secs_f64();
    println!(
        "full publish:        {full:7.3} s  cpu {:6.2} s  {} files written ({} place pages), {} feeds, {} archives, peak RSS {:.0} MiB",
        cpu() - c,
        r.written.len(),
        r.written.iter().filter(|p| is_place_page(&out, p)).count(),
        r.feeds,
        r.archives,
        peak_mib()
    );
    if full_only {
        return;
    }

    let (t, c) = (Instant::now(), cpu());
    let r = publish(&arts, &settings, &templates, &out).unwrap();
    println!(
        "re-run, no change:   {:7.3} s  cpu {:6.2} s  {} written, {} reused, {} compared",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        r.written.len(),
        r.reused,
        r.unchanged
    );

    arts.extend(extra);
    let (t, c) = (Instant::now(), cpu());
    let r = publish(&arts, &settings, &templates, &out).unwrap();
    println!(
        "incremental +100:    {:7.3} s  cpu {:6.2} s  {} written ({} place pages), {} reused, {} compared",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        r.written.len(),
        r.written.iter().filter(|p| is_place_page(&out, p)).count(),
        r.reused,
        r.unchanged
    );

    if skip_raw {
        return;
    }
    // Fair comparison: both start with dirty pages flushed and write into an empty folder.
    let raw_dir = tmp.path().join("raw");
    sync();
    let c = cpu();
    let (raw, count, bytes) = raw_write(&out, &raw_dir);
    println!(
        "raw write baseline:  {raw:7.3} s  cpu {:6.2} s (incl. reading back)  same bytes to the same files: {count} files, {:.0} MiB",
        cpu() - c,
        bytes as f64 / 1048576.0,
    );
    let again = tmp.path().join("again");
    sync();
    let (t, c) = (Instant::now(), cpu());
    let r = publish(&arts, &settings, &templates, &again).unwrap();
    let full2 = t.elapsed().as_secs_f64();
    println!(
        "full publish again:  {full2:7.3} s  cpu {:6.2} s  {} files written (full publish / raw write = {:.2})",
        cpu() - c,
        r.written.len(),
        full2 / raw
    );
    let _ = full;
    if rounds > 1 {
        // The machine is shared: alternate the two, each into an empty folder after
        // `sync`, and report the ratio of each pair and their median.
        let mut ratios = vec![full2 / raw];
        let _ = std::fs::remove_dir_all(&raw_dir);
        let _ = std::fs::remove_dir_all(&again);
        for r in 2..=rounds {
            let raw_dir = tmp.path().join(format!("raw{r}"));
            sync();
            let (raw, _, _) = raw_write(&out, &raw_dir);
            let again = tmp.path().join(format!("again{r}"));
            sync();
            let (t, c) = (Instant::now(), cpu());
            publish(&arts, &settings, &templates, &again).unwrap();
            let full = t.elapsed().as_secs_f64();
            println!(
                "round {r}: raw write {raw:6.3} s, full publish {full:6.3} s (cpu {:5.2} s), ratio {:.2}",
                cpu() - c,
                full / raw
            );
            ratios.push(full / raw);
            let _ = std::fs::remove_dir_all(&raw_dir);
            let _ = std::fs::remove_dir_all(&again);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "full publish / raw write over {rounds} pairs: median {:.2}, best {:.2}, worst {:.2}",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
    println!("peak RSS of the process: {:.0} MiB", peak_mib());
}
