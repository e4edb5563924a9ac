//! Digest rendering and sending speed.
//!
//! `cargo bench --bench digest` renders 100,000 personalized digests of 10 articles each
//! (subject, plain-text part, HTML part with CSS inlined) on one thread and prints the
//! time and the peak resident memory; then builds the full messages for 10,000 of them;
//! then, when `../shared/tools/smtp-sink` can run, sends 500 messages to it over one
//! connection. A criterion group measures one digest. The articles are invented.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, FixedOffset};
use criterion::{Criterion, criterion_group};
use localfeed::digest::compose::Composer;
use localfeed::digest::send::Delivery;
use localfeed::digest::{DigestInput, Locality, Settings, TokenKey};
use localfeed::model::{Article, Chain, Division, Kind, Level, Placement, StoredArticle};
use localfeed::templates::Templates;

const DIGESTS: usize = 100_000;
const PER_DIGEST: usize = 10;

fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-08-22T07:30:00+08:00").unwrap()
}

fn settings() -> Settings {
    Settings {
        from: "本地新闻摘要 <digest@news.example.org>".into(),
        list_id: "digest.news.example.org".into(),
        base_url: "https://news.example.org/feeds/".into(),
        unsubscribe_mailto: "unsubscribe@news.example.org".into(),
        ..Settings::default()
    }
}

/// 20 county-level places under one city, 50 articles in each.
fn fixture() -> (Vec<Locality>, Vec<StoredArticle>) {
    let prov = Division {
        code: "42".into(),
        name: "江汉省".into(),
        level: Level::Province,
    };
    let city = Division {
        code: "4203".into(),
        name: "云梦市".into(),
        level: Level::Prefecture,
    };
    let mut places = Vec::new();
    let mut articles = Vec::new();
    for p in 0..20 {
        let county = Division {
            code: format!("4203{:02}", p + 1),
            name: format!("第{}区", p + 1),
            level: Level::County,
        };
        places.push(Locality {
            code: county.code.clone(),
            name: county.name.clone(),
        });
        for n in 0..50 {
            let date = t0() - Duration::hours(n);
            let article = Article {
                title: Some(format!(
                    "{}第{n}期：老旧小区改造工程进入收尾阶段",
                    county.name
                )),
                kicker: None,
                subtitle: None,
                body: format!(
                    "本报讯（记者 方远）近日，{}老旧小区改造工程进入收尾阶段，{n}个楼栋完成外墙保温和管网更新，居民反映出行和用水条件明显改善。\n\n下一步，将加快推进绿化和停车位建设。",
                    county.name
                ),
                reporters: vec!["方远".into()],
                contributors: vec![],
                photographers: vec![],
                date: Some(date.date_naive()),
                kind: Kind::News,
                url: None,
                place_hint: None,
                opener: None,
            };
            articles.push(StoredArticle {
                id: localfeed::model::article_id("bench", &article),
                source: "bench".into(),
                input: format!("p{p}.txt"),
                publication: Some("云梦日报".into()),
                article,
                placement: Placement {
                    primary: Chain(vec![prov.clone(), city.clone(), county.clone()]),
                    also: vec![],
                    evidence: vec![],
                },
                first_seen: date,
                updated: date,
                printings: vec![],
                body_digest: None,
                arrival: 0,
            });
        }
    }
    (places, articles)
}

/// Subscriber `i`: two places, five new articles from each.
fn personal<'a>(
    i: usize,
    places: &'a [Locality],
    articles: &'a [StoredArticle],
) -> (String, [Locality; 2], Vec<StoredArticle>) {
    let a = i % places.len();
    let b = (a + 1 + (i / places.len()) % (places.len() - 1)) % places.len();
    let mut mine = Vec::with_capacity(PER_DIGEST);
    for (k, p) in [a, b].iter().enumerate() {
        let start = p * 50 + (i + k) % 45;
        mine.extend_from_slice(&articles[start..start + PER_DIGEST / 2]);
    }
    (
        format!("reader{i}@example.net"),
        [places[a].clone(), places[b].clone()],
        mine,
    )
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn render_all(composer: &Composer<'_>, places: &[Locality], articles: &[StoredArticle]) {
    let tz = chrono_tz::Asia::Shanghai;
    let rss_before = peak_rss_kib();
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let mut bytes = 0usize;
    for i in 0..DIGESTS {
        let (email, locs, mine) = personal(i, places, articles);
        let input = DigestInput {
            email: &email,
            localities: &locs,
            articles: &mine,
            plain_text_only: false,
            tz,
            now: t0(),
        };
        let d = composer.compose(&input).unwrap().unwrap();
        assert_eq!(d.article_ids.len(), PER_DIGEST);
        bytes += d.text.len() + d.html.as_ref().map_or(0, String::len) + d.subject.len();
    }
    let took = start.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    println!(
        "render {DIGESTS} digests x {PER_DIGEST} articles on one thread: {:.2} s CPU, {:.2} s wall ({:.1} µs each, {:.0} per s), {} MB rendered, peak RSS {} MiB (before {} MiB)",
        cpu,
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / DIGESTS as f64,
        DIGESTS as f64 / took.as_secs_f64(),
        bytes / 1_000_000,
        peak_rss_kib() / 1024,
        rss_before / 1024
    );

    let n = DIGESTS / 10;
    let start = Instant::now();
    let mut size = 0usize;
    for i in 0..n {
        let (email, locs, mine) = personal(i, places, articles);
        let input = DigestInput {
            email: &email,
            localities: &locs,
            articles: &mine,
            plain_text_only: false,
            tz,
            now: t0(),
        };
        let d = composer.compose(&input).unwrap().unwrap();
        let id = composer.message_id(&email, &d.article_ids, t0());
        size += composer.message(&email, &d, &id, t0()).unwrap().len();
    }
    let took = start.elapsed();
    println!(
        "render + build {n} MIME messages: {:.2} s ({:.1} µs each), mean message {} bytes",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / n as f64,
        size / n
    );
}

fn send_to_sink(
    composer: &Composer<'_>,
    settings: &Settings,
    places: &[Locality],
    articles: &[StoredArticle],
) {
    let tools = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tools"));
    if !tools.join("smtp-sink").is_file() {
        eprintln!("SKIPPED send benchmark: {} not found", tools.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let mut sink = Command::new(tools.join("smtp-sink"))
        .arg("--dir")
        .arg(dir.path().join("mail"))
        .arg("--ready-file")
        .arg(&ready)
        .args(["--timeout", "600"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let port = loop {
        if let Some(p) = std::fs::read_to_string(&ready).ok().and_then(|t| {
            t.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u16>().ok())
        }) {
            break Some(p);
        }
        if start.elapsed() > StdDuration::from_secs(20) {
            break None;
        }
        std::thread::sleep(StdDuration::from_millis(50));
    };
    let Some(port) = port else {
        eprintln!("SKIPPED send benchmark: smtp-sink did not start (aiosmtpd installed?)");
        let _ = sink.kill();
        let _ = sink.wait();
        return;
    };
    let s = Settings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        send_rate: 0.0,
        ..settings.clone()
    };
    let delivery = Delivery::from_settings(&s, std::path::Path::new(".")).unwrap();
    let n = 500;
    let msgs: Vec<(String, String, Vec<u8>)> = (0..n)
        .map(|i| {
            let (email, locs, mine) = personal(i, places, articles);
            let input = DigestInput {
                email: &email,
                localities: &locs,
                articles: &mine,
                plain_text_only: false,
                tz: chrono_tz::Asia::Shanghai,
                now: t0(),
            };
            let d = composer.compose(&input).unwrap().unwrap();
            let id = composer.message_id(&email, &d.article_ids, t0());
            let bytes = composer.message(&email, &d, &id, t0()).unwrap();
            (email, id, bytes)
        })
        .collect();
    // Three rounds each, alternating with the peer (Python's smtplib over one connection,
    // `benches/smtplib_send.py`), with the sink's own CPU time: when the sink is busy for
    // most of the wall time, the server is the limit.
    let peer_dir = dir.path().join("peer");
    std::fs::create_dir_all(&peer_dir).unwrap();
    for (i, (_, _, bytes)) in msgs.iter().enumerate() {
        std::fs::write(peer_dir.join(format!("r{i:05}.eml")), bytes).unwrap();
    }
    let sink_pid = sink.id();
    for round in 1..=3 {
        let sink_before = pid_cpu_seconds(sink_pid);
        let cpu_before = cpu_seconds();
        let start = Instant::now();
        for (email, id, bytes) in &msgs {
            delivery.send(email, id, bytes).unwrap();
        }
        let took = start.elapsed();
        let cpu = cpu_seconds() - cpu_before;
        let sink_cpu = pid_cpu_seconds(sink_pid) - sink_before;
        println!(
            "send {n} messages to smtp-sink over one connection (round {round}): {:.2} s ({:.0} per s); localfeed CPU {:.2} s ({:.0}% of the wall time), smtp-sink CPU {:.2} s ({:.0}%)",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64(),
            cpu,
            100.0 * cpu / took.as_secs_f64(),
            sink_cpu,
            100.0 * sink_cpu / took.as_secs_f64()
        );
        let sink_before = pid_cpu_seconds(sink_pid);
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/benches/smtplib_send.py"
            ))
            .arg(port.to_string())
            .arg(&peer_dir)
            .output();
        let sink_cpu = pid_cpu_seconds(sink_pid) - sink_before;
        match out.ok().filter(|o| o.status.success()).and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        }) {
            Some(secs) => println!(
                "peer: Python smtplib, the same {n} messages (round {round}): {secs:.2} s ({:.0} per s), smtp-sink CPU {sink_cpu:.2} s",
                n as f64 / secs
            ),
            None => eprintln!("SKIPPED peer: benches/smtplib_send.py failed"),
        }
    }
    let _ = sink.kill();
    let _ = sink.wait();
}

/// User + system CPU time of this process, from /proc.
fn cpu_seconds() -> f64 {
    stat_cpu_seconds("/proc/self/stat")
}

/// User + system CPU time of another process, from /proc.
fn pid_cpu_seconds(pid: u32) -> f64 {
    stat_cpu_seconds(&format!("/proc/{pid}/stat"))
}

fn stat_cpu_seconds(path: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn one_digest(c: &mut Criterion) {
    let settings = settings();
    let templates = Templates::load(None).unwrap();
    let key = TokenKey::new(b"bench-key-0123456789abcdef").unwrap();
    let composer = Composer::new(&settings, &templates, key).unwrap();
    let (places, articles) = fixture();
    let (email, locs, mine) = personal(7, &places, &articles);
    let input = DigestInput {
        email: &email,
        localities: &locs,
        articles: &mine,
        plain_text_only: false,
        tz: chrono_tz::Asia::Shanghai,
        now: t0(),
    };
    c.bench_function("compose one digest of 10 articles", |b| {
        b.iter(|| composer.compose(&input).unwrap())
    });
    let d = composer.compose(&input).unwrap().unwrap();
    c.bench_function("build one MIME message", |b| {
        b.iter(|| {
            composer
                .message(&email, &d, "<id@news.example.org>", t0())
                .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(StdDuration::from_secs(3));
    targets = one_digest
}

fn profile(composer: &Composer<'_>, places: &[Locality], articles: &[StoredArticle]) {
    if std::env::var_os("DIGEST_BENCH_PROFILE").is_none() {
        return;
    }
    let (email, locs, mine) = personal(3, places, articles);
    let input = DigestInput {
        email: &email,
        localities: &locs,
        articles: &mine,
        plain_text_only: false,
        tz: chrono_tz::Asia::Shanghai,
        now: t0(),
    };
    let d = composer.compose(&input).unwrap().unwrap();
    let html = d.html.unwrap();
    let inliner = css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_at_rules(true)
        .build();
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/digest.html"
    ))
    .unwrap();
    let style = &src[src.find("<style>").unwrap()..src.find("</style>").unwrap() + 8];
    let with_style = html.replacen("<head>", &format!("<head>{style}"), 1);
    let n = 5000;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(inliner.inline(&with_style).unwrap());
    }
    println!(
        "css-inline alone: {:.1} µs",
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            composer
                .compose(&DigestInput {
                    plain_text_only: true,
                    ..input
                })
                .unwrap(),
        );
    }
    println!(
        "compose without HTML part: {:.1} µs",
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    std::process::exit(0);
}

fn main() {
    let settings = settings();
    let templates = Templates::load(None).unwrap();
    let key = TokenKey::new(b"bench-key-0123456789abcdef").unwrap();
    let composer = Composer::new(&settings, &templates, key).unwrap();
    let (places, articles) = fixture();
    profile(&composer, &places, &articles);
    render_all(&composer, &places, &articles);
    send_to_sink(&composer, &settings, &places, &articles);
    benches();
    Criterion::default().configure_from_args().final_summary();
}
