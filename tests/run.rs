//! `localfeed run` end to end: the real binary on temporary copies of fixture folders.

mod common;

use common::{Sandbox, snapshot, stderr, stdout};

fn feed_dirs(s: &Sandbox) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(s.path().join("feeds"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("rss.xml").is_file() && e.path().join("atom.xml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn examples_publish_a_feed_per_locality_at_every_level() {
    let s = Sandbox::examples();
    let o = s.run(&["run"]);
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    assert!(s.path().join("feeds/index.html").is_file());
    let dirs = feed_dirs(&s);
    // Provinces, prefectures and counties of the example pages, and the `all` feed.
    for code in [
        "all", "33", "3305", "330523", "51", "5107", "510703", "510704", "41", "4103", "410324",
        "34", "3410", "341003",
    ] {
        assert!(
            dirs.iter().any(|d| d == code),
            "no feed for {code}; feeds: {dirs:?}"
        );
    }
    // At least one township feed (9-digit code) under 安吉县.
    assert!(
        dirs.iter().any(|d| d.len() == 9 && d.starts_with("330523")),
        "no township feed: {dirs:?}"
    );
    let index = s.read("feeds/index.html");
    assert!(
        index.contains("<link rel=\"alternate\""),
        "no autodiscovery links in index.html"
    );
    assert!(
        index.contains("<a href=\"http://127.0.0.1:8080/subscribe\">"),
        "index.html does not link the subscription page"
    );
    let all = s.read("feeds/all/rss.xml");
    assert!(
        all.contains("千亩茶园迎来采摘高峰"),
        "an article title is missing from the all feed"
    );
    assert!(
        all.contains("春耕备耕忙"),
        "the GB18030 page was not decoded and published"
    );
}

#[test]
fn second_run_changes_no_file() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let before = snapshot(&s.path().join("feeds"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let feeds = s.path().join("feeds");
    common::assert_same_files(&before, &feeds, &snapshot(&feeds), &feeds, true);
    assert!(stderr(&o).contains("0 new or changed"), "{}", stderr(&o));
}

#[test]
fn same_store_gives_byte_identical_feeds_in_a_fresh_output_folder() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    assert!(s.run(&["run", "--out", "feeds2"]).status.success());
    let a: Vec<_> = snapshot(&s.path().join("feeds"))
        .into_iter()
        .map(|(p, b, _)| {
            (
                p.strip_prefix(s.path().join("feeds"))
                    .unwrap()
                    .to_path_buf(),
                b,
            )
        })
        .collect();
    let b: Vec<_> = snapshot(&s.path().join("feeds2"))
        .into_iter()
        .map(|(p, b, _)| {
            (
                p.strip_prefix(s.path().join("feeds2"))
                    .unwrap()
                    .to_path_buf(),
                b,
            )
        })
        .collect();
    assert_eq!(a, b);
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_published() {
    let s = Sandbox::examples();
    s.write(
        "examples/pages/binary.txt",
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0],
    );
    s.write("examples/pages/empty.txt", b"");
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("2 input(s) failed"), "{err}");
    let (bin, empty) = ("examples/pages/binary.txt", "examples/pages/empty.txt");
    assert!(
        err.lines()
            .any(|l| l.starts_with(&format!("  {bin}: binary file"))),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with(&format!("  {empty}: empty file"))),
        "{err}"
    );
    // The good pages were published all the same.
    assert!(
        s.read("feeds/all/atom.xml")
            .contains("游仙区举办夏季招聘会")
    );
    // The failures are recorded, shown by `status`, and retried on the next run.
    let st = stdout(&s.run(&["status"]));
    assert!(st.contains("2 failed"), "{st}");
    assert!(st.contains("pages/binary.txt (1 attempt(s))"), "{st}");
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&s.run(&["status"])).contains("pages/binary.txt (2 attempt(s))"));
    // Fixing the file clears the failure.
    s.write(
        "examples/pages/binary.txt",
        "修复后的稿件\n\n本报讯(记者 李明)这是一篇修复后的稿件。\n",
    );
    std::fs::remove_file(s.path().join("examples/pages/empty.txt")).unwrap();
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let st = stdout(&s.run(&["status"]));
    assert!(
        st.contains("inputs: 6 read, 0 failed"),
        "a fixed or deleted file is no longer a failure: {st}"
    );
    assert!(
        s.read("feeds/all/atom.xml")
            .contains("这是一篇修复后的稿件")
    );
}

/// Issue 14.5: one invalid byte, a character cut short at the end, or UTF-16 without a
/// byte order mark used to fail the whole file.
#[test]
fn a_bad_byte_or_utf16_without_bom_keeps_the_page() {
    let s = Sandbox::examples();
    let page = "县城新闻\n\n本报讯(记者 周强)城关镇今天举行运动会,全镇居民踊跃参加。\n";
    let mut stray = page.as_bytes().to_vec();
    let at = page.find("城关镇").unwrap();
    stray.insert(at, 0xFF);
    s.write("in/stray.txt", &stray);
    let mut cut = "乡村消息\n\n本报讯(记者 吴兰)花园乡今天举行丰收节,乡亲们载歌载舞。\n"
        .as_bytes()
        .to_vec();
    cut.extend_from_slice(&"节".as_bytes()[..2]);
    s.write("in/cut.txt", &cut);
    let wide: Vec<u8> = "校园新闻\n\n本报讯(记者 郑红)实验小学今天举行开学典礼,新生入校。\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    s.write("in/wide.txt", &wide);
    let o = s.run(&[
        "run", "--inbox", "in", "--out", "public", "--state", "db/x.db",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.contains("stray.txt") && l.contains(&format!("byte offset {at}"))),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains("wide.txt") && l.contains("utf-16 le without a byte order mark")),
        "{err}"
    );
    let feed = s.read("public/all/atom.xml");
    for kept in [
        "城关镇今天举行运动会",
        "花园乡今天举行丰收节",
        "实验小学今天举行开学典礼",
    ] {
        assert!(feed.contains(kept), "{kept} is missing: {feed}");
    }
    // `extract` reads them too, with the warning on stderr and the articles on stdout
    let o = s.run(&["extract", "--format", "json", "in/stray.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("byte offset {at}")),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("城关镇今天举行运动会"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn oversized_file_is_reported_not_read() {
    let s = Sandbox::examples();
    let cfg = s
        .read("config.toml")
        .replace("max_file_mb = 64", "max_file_mb = 1");
    s.write("config.toml", cfg);
    s.write("examples/anji/huge.txt", "新闻".repeat(300_000));
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("huge.txt: 1800000 bytes, larger than the limit of 1 MB (`max_file_mb`)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_file_over_its_time_budget_is_reported_and_the_run_goes_on() {
    let s = Sandbox::examples();
    let cfg = s
        .read("config.toml")
        .replace("max_file_secs = 60", "max_file_secs = 0.001");
    s.write("config.toml", cfg);
    let page = s.read("examples/anji/anji-daily-2024-05-14.txt");
    s.write("examples/anji/slow.txt", page.repeat(400));
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("slow.txt: reading and placing took longer than 0.001 s (max_file_secs)"),
        "{}",
        stderr(&o)
    );
    // the run went on to publish what it read
    assert!(s.path().join("feeds/all/rss.xml").is_file());
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cfg = s
        .read("config.toml")
        .replace("max_file_secs = 0.001", "max_file_secs = 0");
    s.write("config.toml", cfg);
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "`max_file_secs = 0` in [[source]] #1 is out of range: it must be between 0.001 and 3600"
        ),
        "{}",
        stderr(&o)
    );
}

/// The `.eml` files a run wrote into the bundled config's outbox.
fn outbox_files(s: &Sandbox) -> usize {
    std::fs::read_dir(s.path().join("outbox"))
        .map(|rd| rd.flatten().count())
        .unwrap_or(0)
}

#[test]
fn a_trial_run_with_inbox_mails_nobody_unless_asked() {
    let s = Sandbox::examples();
    let trial = [
        "run",
        "--inbox",
        "examples/anji",
        "--out",
        "try/feeds",
        "--state",
        "try/s.db",
    ];
    let o = s.run(&trial);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("digests are not sent in this run (a trial run with --inbox: add --digests to send them)"),
        "{}",
        stderr(&o)
    );
    assert!(s.path().join("try/feeds/all/rss.xml").is_file());
    assert_eq!(outbox_files(&s), 0, "a trial run composed a digest");
    let o = s.run(&[&trial[..], &["--digests"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        outbox_files(&s) > 0,
        "--digests sent nothing: {}",
        stderr(&o)
    );
    // --no-digests on a configured run: nothing more is composed, and it says why
    let o = s.run(&["run", "--no-digests"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("(--no-digests)"), "{}", stderr(&o));
}

#[test]
fn check_loads_the_dkim_key_as_a_run_would() {
    let s = Sandbox::examples();
    let key = s.path().join("dkim.pem");
    let ok = std::process::Command::new("openssl")
        .args(["genrsa", "-out"])
        .arg(&key)
        .arg("2048")
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl genrsa");
    assert!(ok.success());
    assert!(
        s.read("dkim.pem").contains("BEGIN PRIVATE KEY"),
        "OpenSSL 3 writes PKCS#8"
    );
    let cfg = s
        .read("config.toml")
        .replace("dkim_selector = \"\"", "dkim_selector = \"sel\"")
        .replace("dkim_domain = \"\"", "dkim_domain = \"news.example.org\"")
        .replace(
            "# dkim_key_file = \"/etc/localfeed/dkim.pem\"",
            "dkim_key_file = \"dkim.pem\"",
        );
    s.write("config.toml", &cfg);
    let o = s.run(&["check"]);
    assert!(
        o.status.success(),
        "a PKCS#8 key is accepted: {}",
        stderr(&o)
    );
    s.write(
        "dkim.pem",
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
    );
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("dkim.pem"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("bm90IGEga2V5"),
        "key bytes printed: {}",
        stderr(&o)
    );
}

#[test]
fn extract_with_source_reads_as_the_run_does() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let page = "examples/anji/anji-daily-2024-05-14.txt";
    let o = s.run(&["extract", "--source", "anji", page]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["publication"]["name"], "安吉新闻",
        "the source's publication applies"
    );
    let ids: Vec<&str> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(
            s.path().join(format!("feeds/articles/{id}.html")).is_file(),
            "{id} is not an id the run published"
        );
    }
    let o = s.run(&["extract", "--source", "nope", page]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--source \"nope\": no such source"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_missing_source_folder_is_a_configuration_error_and_the_site_stays() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let before = common::snapshot(&s.path().join("feeds"));
    let o = s.run(&["run", "--inbox", "no-such-folder", "--out", "feeds"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("source \"inbox\": folder")
            && stderr(&o).contains("no-such-folder does not exist"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        before,
        common::snapshot(&s.path().join("feeds")),
        "the site was changed"
    );
    // the refused run is recorded as finished and failed, not left open
    let st = s.run(&["status"]);
    let out = String::from_utf8_lossy(&st.stdout);
    let last = out
        .lines()
        .find(|l| l.starts_with("last run:"))
        .unwrap_or("");
    assert!(last.contains("failed started"), "{out}");
    assert!(!last.contains("finished -"), "{out}");
}

#[test]
fn check_accepts_http_on_loopback_for_the_digest_links_with_a_warning() {
    let s = Sandbox::examples();
    let cfg = s.read("config.toml");
    let https = "base_url = \"https://news.example.org/\"";
    assert!(cfg.contains(https));
    s.write(
        "config.toml",
        cfg.replace(https, "base_url = \"http://127.0.0.1:8081/\""),
    );
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("one-click unsubscribe needs https in production"),
        "{}",
        stderr(&o)
    );
    s.write(
        "config.toml",
        cfg.replace(https, "base_url = \"http://news.example.org/\""),
    );
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("must be an absolute https URL"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_run_that_would_take_most_of_the_site_off_is_refused_unless_allow_shrink() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let before = common::snapshot(&s.path().join("feeds"));
    std::fs::create_dir_all(s.path().join("empty")).unwrap();
    // A fresh state file over an empty folder: the state or the mount was lost.
    let args = [
        "run", "--inbox", "empty", "--state", "lost.db", "--out", "feeds",
    ];
    let o = s.run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("localfeed: this run would take 10 of the 10 published articles off ")
            && stderr(&o).contains(
                "feeds (100%, more than [publish] max_retire_percent = 50); nothing was \
                 published or sent and the site is left as it is. If the articles are really \
                 gone, run again with --allow-shrink"
            ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        before,
        common::snapshot(&s.path().join("feeds")),
        "the site was changed"
    );
    let st = common::stdout(&s.run(&["status", "--state", "lost.db"]));
    assert!(st.contains("last run: #1 failed"), "{st}");
    // The share is configurable, and --allow-shrink lets one run through.
    s.write(
        "config.toml",
        s.read("config.toml")
            .replace("max_retire_percent = 50", "max_retire_percent = 100"),
    );
    let o = s.run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!s.path().join("feeds/all/rss.xml").exists());
    assert!(s.run(&["run"]).status.success());
    s.write(
        "config.toml",
        s.read("config.toml")
            .replace("max_retire_percent = 100", "max_retire_percent = 50"),
    );
    let mut allowed = args.to_vec();
    allowed.push("--allow-shrink");
    let o = s.run(&allowed);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!s.path().join("feeds/all/rss.xml").exists());
}

#[test]
fn fifty_megabyte_page_is_processed() {
    let s = Sandbox::empty();
    let page = std::fs::read_to_string(common::repo().join("examples/pages/luanchuan-weekly.txt"))
        .unwrap();
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&page.replace("旅游旺季", &format!("旅游旺季第{i}期")));
        i += 1;
    }
    s.write("in/big.txt", big);
    let o = s.run(&[
        "run",
        "--config",
        &common::repo().join("config.toml").display().to_string(),
        "--inbox",
        "in",
        "--out",
        "out",
        "--state",
        "st/db",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(s.path().join("out/all/rss.xml").is_file());
}

#[test]
fn overrides_point_the_run_at_any_folder() {
    let s = Sandbox::examples();
    s.write(
        "elsewhere/page.txt",
        "县城新闻\n\n本报讯(记者 周强)城关镇今天举行运动会。\n",
    );
    let o = s.run(&[
        "run",
        "--inbox",
        "elsewhere",
        "--out",
        "public",
        "--state",
        "db/x.db",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(s.path().join("public/all/atom.xml").is_file());
    assert!(s.path().join("db/x.db").is_file());
    assert!(
        !s.path().join("feeds").exists(),
        "the configured output folder was written"
    );
    assert!(
        s.read("public/all/atom.xml")
            .contains("城关镇今天举行运动会")
    );
}

#[test]
fn changed_page_updates_articles_in_place_with_the_same_ids() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let before = s.read("feeds/all/atom.xml");
    let page = "examples/pages/luanchuan-weekly.txt";
    let text = s
        .read(page)
        .replace("同比增长百分之十八", "同比增长百分之十九");
    s.write(page, text);
    let o = s.run(&["run"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("1 new or changed"), "{}", stderr(&o));
    let after = s.read("feeds/all/atom.xml");
    assert!(after.contains("同比增长百分之十九"));
    let ids = |x: &str| -> Vec<String> {
        x.split("<id>")
            .skip(2)
            .map(|p| p.split("</id>").next().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(
        ids(&before),
        ids(&after),
        "article ids changed when a page was edited"
    );
}

#[test]
fn a_second_concurrent_run_exits_at_once() {
    let s = Sandbox::examples();
    std::fs::create_dir_all(s.path().join("state")).unwrap();
    let lock = std::fs::File::create(s.path().join("state/localfeed.db.lock")).unwrap();
    lock.try_lock().unwrap();
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).starts_with("localfeed: another run is in progress (lock "),
        "{}",
        stderr(&o)
    );
    drop(lock);
    assert!(s.run(&["run"]).status.success());
}

#[test]
fn killed_runs_lose_nothing() {
    // A larger inbox so that a kill lands in the middle of the work.
    let s = Sandbox::examples();
    let src = s.read("examples/pages/mianyang-evening-2024-06-03.txt");
    for i in 0..150 {
        s.write(
            &format!("examples/pages/gen/p{i:03}.txt"),
            src.replace("老旧小区改造", &format!("第{i}批老旧小区改造")),
        );
    }
    let reference = Sandbox::examples();
    common::copy_dir(
        &s.path().join("examples"),
        &reference.path().join("examples"),
    );
    assert!(reference.run(&["run"]).status.success());

    for ms in [30u64, 120, 400] {
        let mut child = s.command(&["run", "-q"]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (s.path().join("feeds"), reference.path().join("feeds"));
    common::assert_same_files(&snapshot(&a), &a, &snapshot(&b), &b, false);
}

#[test]
fn config_errors_name_the_key_and_line_and_exit_2() {
    let s = Sandbox::examples();
    let cfg = s
        .read("config.toml")
        .replace("ttl_minutes = 15", "ttl_minutes = 15\ncolour = \"blue\"");
    s.write("config.toml", &cfg);
    let line = cfg.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    for cmd in ["run", "check"] {
        let o = s.run(&[cmd]);
        assert_eq!(o.status.code(), Some(2));
        let expected = format!(
            "localfeed: invalid configuration config.toml: line {line}, column 1: unknown field `colour`"
        );
        assert!(
            stderr(&o).starts_with(&expected),
            "{}\nexpected: {expected}",
            stderr(&o)
        );
    }
    s.write("config.toml", "[[source]]\nid = \"a\"\npath = 5\n");
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 3, column 8: invalid type: integer `5`, expected"),
        "{}",
        stderr(&o)
    );
    s.write("config.toml", "[[source]]\nid = \"a\"\n");
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("source #1 (\"a\"): needs exactly one of `path` (a folder), `feed`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_accepts_the_bundled_config() {
    let s = Sandbox::examples();
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "config.toml: configuration and templates are valid\n"
    );
}

#[test]
fn check_reports_a_broken_user_template() {
    let s = Sandbox::examples();
    s.write(
        "config.toml",
        s.read("config.toml")
            .replace("# templates = \"templates\"", "templates = \"mytemplates\""),
    );
    s.write("mytemplates/index.html", "<html>{% for x in %}</html>\n");
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("mytemplates/index.html"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("syntax error"), "{}", stderr(&o));
    assert!(stderr(&o).contains("index.html:1"), "{}", stderr(&o));
}

#[test]
fn status_shows_counts_and_the_last_run() {
    let s = Sandbox::examples();
    assert!(stdout(&s.run(&["status"])).contains("no run so far"));
    assert!(s.run(&["run"]).status.success());
    let st = stdout(&s.run(&["status"]));
    assert!(st.contains("source anji:"), "{st}");
    assert!(st.contains("inputs: 5 read, 0 failed"), "{st}");
    assert!(
        st.contains("last run: #1 ok started 2024-06-10 09:00:00 +08:00 (0 s ago)"),
        "{st}"
    );
}

#[test]
fn encodings_are_decoded_and_invalid_bytes_reported() {
    let s = Sandbox::examples();
    let page = "县城简讯\n\n本报讯(记者 周强)城关镇今天举行全民健身运动会,三千余名群众参加。\n";
    // UTF-16 little-endian with a byte order mark, and UTF-8 with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in page.replace("运动会", "运动会一").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    s.write("examples/pages/utf16.txt", utf16);
    s.write(
        "examples/pages/bom.txt",
        format!("\u{FEFF}{}", page.replace("运动会", "运动会二")),
    );
    // Valid UTF-8 with two stray bytes in the middle: neither UTF-8 nor GB18030.
    let mut bad = "坏文件\n\n本报讯(记者 李四)今天".as_bytes().to_vec();
    bad.extend_from_slice(&[0xFF, 0xFE]);
    bad.extend_from_slice("后面还有文字。\n".as_bytes());
    s.write("examples/pages/invalid.txt", bad);
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("  examples/pages/invalid.txt: undecodable bytes at offset ")),
        "{err}"
    );
    let all = s.read("feeds/all/atom.xml");
    assert!(
        all.contains("运动会一"),
        "the UTF-16 page was not published"
    );
    assert!(
        all.contains("运动会二"),
        "the UTF-8 page with a BOM was not published"
    );
    assert!(
        all.contains("春耕备耕忙"),
        "the GB18030 page was not published"
    );
    assert!(
        !all.contains('\u{FFFD}'),
        "a replacement character reached a feed"
    );
}

#[test]
fn check_rejects_a_subscriber_place_that_does_not_resolve() {
    let s = Sandbox::examples();
    s.write(
        "config.toml",
        s.read("config.toml").replace(
            "localities = [\"安吉县\", \"510703\"]",
            "localities = [\"安吉县\", \"不存在的地方\"]",
        ),
    );
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "localfeed: subscriber reader@example.net: unknown locality \"不存在的地方\""
        ),
        "{}",
        stderr(&o)
    );
}
