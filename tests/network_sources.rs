//! Sources beyond a folder, end to end: the real binary fetching feeds and article pages
//! from an upstream the test starts on 127.0.0.1 (`common/upstream.rs`), asserting on
//! what is published and stored, on the requests the upstream saw, and on the run's
//! report and exit status.

mod common;
#[path = "common/upstream.rs"]
mod upstream;

use std::sync::atomic::Ordering;

use common::{Sandbox, snapshot, stderr, stdout};

const FETCH: &str = "[fetch]\nper_host_delay_ms = 10\ntimeout_secs = 3\nconnect_timeout_secs = 2\nmax_response_mb = 1\nretry_backoff_secs = 600\n";

fn sandbox(sources: &str) -> Sandbox {
    let s = Sandbox::empty();
    s.write(
        "config.toml",
        format!("state = \"state/localfeed.db\"\nout = \"feeds\"\n\n{sources}\n{FETCH}"),
    );
    s
}

fn run_at(s: &Sandbox, now: &str) -> std::process::Output {
    s.command(&["run"])
        .env("LOCALFEED_NOW", now)
        .output()
        .unwrap()
}

fn feed_of(s: &Sandbox, code: &str) -> String {
    s.read(&format!("feeds/{code}/rss.xml"))
}

/// "Done when": a feed source and a URL-list source publish every entry placed, and a
/// second run makes only conditional requests and writes nothing.
#[test]
fn a_feed_and_a_url_list_are_published_then_asked_only_conditionally() {
    let server = upstream::start();
    let b = &server.base;
    let s = sandbox(&format!(
        "[[source]]\nid = \"anjidaily\"\nfeed = \"{b}/rsshub.xml\"\n\n[[source]]\nid = \"deqing\"\nurls = \"urls.txt\"\nhome = \"德清县\"\n"
    ));
    s.write(
        "urls.txt",
        format!("# 德清\n{b}/pages/wk-canteen.html\n{b}/pages/xs-river.html\n"),
    );
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    // every entry, placed down to its township
    let dipu = feed_of(&s, "330523001");
    assert!(dipu.contains("递铺街道老旧小区加装电梯全部完工"), "{dipu}");
    assert!(feed_of(&s, "330523105").contains("孝丰镇竹林里办起了乡村音乐会"));
    assert!(feed_of(&s, "330523111").contains("天子湖镇新建三座农村公厕投入使用"));
    assert!(feed_of(&s, "330521001").contains("武康街道开出首家社区食堂"));
    assert!(feed_of(&s, "330521102").contains("新市镇古镇河道完成清淤"));
    // the entry's date and author came with it
    assert!(dipu.contains("10 Jun 2024"), "{dipu}");
    let seen = server.up.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|r| r.user_agent.starts_with("localfeed/")));
    assert!(seen.iter().all(|r| r.if_none_match.is_none()));
    assert_eq!(server.up.max_in_flight.load(Ordering::SeqCst), 1);

    server.up.clear();
    let before = snapshot(&s.path().join("feeds"));
    let o = run_at(&s, "2024-06-10T11:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let seen = server.up.seen();
    assert_eq!(seen.len(), 1, "only the feed is asked again: {seen:?}");
    assert_eq!(seen[0].path, "/rsshub.xml");
    assert_eq!(seen[0].if_none_match.as_deref(), Some("\"rss-v0\""));
    assert_eq!(
        seen[0].if_modified_since.as_deref(),
        Some("Mon, 10 Jun 2024 00:00:00 GMT")
    );
    common::assert_same_files(
        &before,
        &s.path().join("feeds"),
        &snapshot(&s.path().join("feeds")),
        &s.path().join("feeds"),
        true,
    );
    let list = s.run(&["sources", "list"]);
    let out = stdout(&list);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(
        out.contains("anjidaily") && out.contains("not-modified") && out.contains("\"rss-v0\""),
        "{out}"
    );
    // the feed's <ttl> (60 minutes) still holds after a 304
    assert!(out.contains("next 2024-06-10T12:00:00+08:00"), "{out}");
}

/// An entry whose text changes upstream updates the same article; an entry the feed no
/// longer holds keeps its article; the feed's `<ttl>` and `<skipHours>` keep it from being
/// asked sooner.
#[test]
fn an_edited_entry_is_updated_in_place_and_a_dropped_one_is_kept() {
    let server = upstream::start();
    let b = &server.base;
    let s = sandbox(&format!(
        "[[source]]\nid = \"anjidaily\"\nfeed = \"{b}/rsshub.xml\"\n"
    ));
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let first = s.read("feeds/all/feed.json");
    server.up.rss_version.store(2, Ordering::SeqCst);
    // within the feed's ttl (60 minutes): not asked at all
    server.up.clear();
    let o = run_at(&s, "2024-06-10T09:30:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(server.up.seen().is_empty(), "{:?}", server.up.seen());
    // after the ttl, but 10:30 in Beijing is 02:30 GMT, an hour the feed's <skipHours> skips
    let o = run_at(&s, "2024-06-10T10:30:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(server.up.seen().is_empty(), "{:?}", server.up.seen());
    let o = run_at(&s, "2024-06-10T11:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(server.up.paths(), ["/rsshub.xml"]);
    let second = s.read("feeds/all/feed.json");
    let ids = |json: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut ids: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&first), ids(&second), "same articles, same ids");
    assert_eq!(ids(&first).len(), 3);
    assert!(first.contains("四百多户居民") && !second.contains("四百多户居民"));
    assert!(second.contains("四百二十户居民"));
    assert!(second.contains("天子湖镇新建三座农村公厕投入使用"));
    // in the store: three articles, the edited one updated (first seen kept), each entry
    // an input of its own, the feed's validators of its last answer
    let db = rusqlite::Connection::open(s.path().join("state/localfeed.db")).unwrap();
    let one = |sql: &str| -> String { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) || '' FROM articles"), "3");
    // (the articles are kept compressed: the store reads the edited one back)
    let edited: Vec<String> = localfeed::store::Store::open(&s.path().join("state/localfeed.db"))
        .unwrap()
        .articles()
        .unwrap()
        .into_iter()
        .filter(|a| a.article.body.contains("四百二十户"))
        .map(|a| format!("{} {}", a.first_seen.to_rfc3339(), a.updated.to_rfc3339()))
        .collect();
    assert_eq!(
        edited,
        ["2024-06-10T09:00:00+08:00 2024-06-10T11:00:00+08:00"]
    );
    assert_eq!(
        one("SELECT group_concat(name, ' ') FROM (SELECT name FROM inputs ORDER BY name)"),
        "anjidaily-2024-06-10-a1 anjidaily-2024-06-10-a2 anjidaily-2024-06-10-a3"
    );
    assert_eq!(
        one("SELECT etag || ' ' || status || ' ' || ttl_mins || ' ' || skip_hours FROM fetches"),
        "\"rss-v2\" ok 60 2"
    );
}

/// Atom with summaries (full text fetched from the linked pages, once), JSON Feed, a
/// GBK-declared RSS and RSS 1.0/RDF.
#[test]
fn every_feed_shape_is_read() {
    let server = upstream::start();
    let b = &server.base;
    // a second host: requests to the two may overlap, never two to one host
    let other = upstream::start();
    let b2 = &other.base;
    let s = sandbox(&format!(
        "[[source]]\nid = \"deqing\"\nfeed = \"{b}/atom.xml\"\n\n[[source]]\nid = \"changxing\"\nfeed = \"{b2}/feed.json\"\n\n[[source]]\nid = \"huzhou\"\nfeed = \"{b}/gbk.xml\"\n\n[[source]]\nid = \"longquan\"\nfeed = \"{b}/rdf.xml\"\nfulltext = false\n"
    ));
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let wk = feed_of(&s, "330521001");
    assert!(wk.contains("武康街道开出首家社区食堂"), "{wk}");
    // the full text, not the summary
    assert!(wk.contains("老年人凭卡就餐可享受八折优惠"), "{wk}");
    assert!(feed_of(&s, "330521102").contains("共清出淤泥一万多立方米"));
    let zc = feed_of(&s, "330522001");
    assert!(zc.contains("雉城街道新开两条社区公交线路"), "{zc}");
    assert!(zc.contains("长兴县雉城街道举办夏季招聘会"), "GBK: {zc}");
    assert!(zc.contains("六十多家企业"), "{zc}");
    assert!(feed_of(&s, "330523105").contains("安吉县孝丰镇茶农喜获丰收"));
    let mut paths = server.up.paths();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/articles/wk-canteen.html",
            "/articles/xs-river.html",
            "/atom.xml",
            "/gbk.xml",
            "/rdf.xml"
        ]
    );
    assert_eq!(other.up.paths(), ["/feed.json"]);
    assert_eq!(server.up.max_in_flight.load(Ordering::SeqCst), 1);
    assert_eq!(other.up.max_in_flight.load(Ordering::SeqCst), 1);
    // next time, only the feeds, each with its ETag; the pages are not fetched again
    server.up.clear();
    other.up.clear();
    let o = run_at(&s, "2024-06-11T09:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut seen = server.up.seen();
    seen.extend(other.up.seen());
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen.iter().all(|r| r.if_none_match.is_some()), "{seen:?}");
}

/// Every way a source fails is reported with its URL and reason, recorded, backed off,
/// and never stops the other sources; the run exits 1.
#[test]
fn failing_sources_are_reported_recorded_and_backed_off() {
    let server = upstream::start();
    let b = &server.base;
    let slow = upstream::start_slow();
    // a port nothing listens on
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/feed.xml", l.local_addr().unwrap())
    };
    let bad = [
        ("e500", format!("{b}/500"), "HTTP 500"),
        ("e429", format!("{b}/429"), "HTTP 429"),
        ("eloop", format!("{b}/loop"), "too many redirects"),
        ("ebig", format!("{b}/big.xml"), "larger than 1 MB"),
        ("ebroken", format!("{b}/broken.xml"), "broken feed"),
        ("eslow", slow.clone(), "timed out"),
        ("erefused", refused.clone(), "cannot connect"),
    ];
    let mut cfg = format!("[[source]]\nid = \"good\"\nfeed = \"{b}/feed.json\"\n");
    for (id, url, _) in &bad {
        cfg.push_str(&format!("\n[[source]]\nid = \"{id}\"\nfeed = \"{url}\"\n"));
    }
    let s = sandbox(&cfg);
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (_, url, why) in &bad {
        assert!(
            err.lines()
                .any(|l| l.contains(url.as_str()) && l.contains(why)),
            "{url}: {why} not reported:\n{err}"
        );
    }
    assert!(feed_of(&s, "330522001").contains("雉城街道新开两条社区公交线路"));
    let list = stdout(&s.run(&["sources", "list"]));
    for (id, _, _) in &bad {
        assert!(
            list.lines()
                .any(|l| l.starts_with(id) && (l.contains("failed") || l.contains("later"))),
            "{id}:\n{list}"
        );
    }
    let status = stdout(&s.run(&["status"]));
    assert!(
        status.contains("failing source") && status.contains("e500"),
        "{status}"
    );
    // within the backoff nothing failing is asked again; the good feed is, conditionally
    server.up.clear();
    let o = run_at(&s, "2024-06-10T09:05:00+08:00");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let paths = server.up.paths();
    assert_eq!(paths, ["/feed.json"], "{paths:?}");
    // after it (the 429 asked for two hours), they are tried again
    server.up.clear();
    let o = run_at(&s, "2024-06-10T09:20:00+08:00");
    assert_eq!(o.status.code(), Some(1));
    let paths = server.up.paths();
    assert!(
        paths.contains(&"/500".to_string()) && !paths.contains(&"/429".to_string()),
        "{paths:?}"
    );
}

/// A feed dropped into a folder is read as a feed (not as four articles of its tags);
/// pictures are skipped with one info line, not failed; include/exclude choose files.
#[test]
fn a_feed_file_in_a_folder_is_read_as_a_feed_and_pictures_are_skipped() {
    let s = sandbox("[[source]]\nid = \"inbox\"\npath = \"inbox\"\nexclude = [\"drafts/**\"]\n");
    s.write(
        "inbox/anji.rss",
        std::fs::read(common::repo().join("tests/fixtures/net/rsshub.xml")).unwrap(),
    );
    s.write("inbox/photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    s.write("inbox/x\nERROR forged.jpg", b"\xff\xd8\xff\xe0");
    s.write("inbox/report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    s.write(
        "inbox/drafts/draft.txt",
        "天子湖镇草稿\n\n本报讯 这是一篇还没写完的草稿，不应发布。\n",
    );
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("skipped, neither text nor a feed"))
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("photo.png") && err.contains("report.pdf"),
        "{err}"
    );
    let all = s.read("feeds/all/feed.json");
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    let titles: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(
        titles.contains(&"递铺街道老旧小区加装电梯全部完工"),
        "{titles:?}"
    );
    assert!(!all.contains("<ttl>") && !all.contains("草稿"), "{all}");
    // a second run reads nothing again
    let o = run_at(&s, "2024-06-10T10:00:00+08:00");
    assert!(stderr(&o).contains("0 new or changed"), "{}", stderr(&o));
}

/// OPML import appends feed sources to the config (checked, ids from the routes, feeds
/// already there skipped), or writes them to a file.
#[test]
fn opml_import_adds_feed_sources() {
    let s = sandbox(
        "[[source]]\nid = \"hunan-epaper\"\nfeed = \"http://127.0.0.1:1200/hunan/epaper\"\n",
    );
    s.write(
        "export.opml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>RSSHub</title></head><body>
<outline text="县报">
<outline type="rss" text="湖南日报" xmlUrl="http://127.0.0.1:1200/hunan/epaper"/>
<outline type="rss" text="厦门日报" xmlUrl="http://127.0.0.1:1200/xmnn/epaper/xmrb"/>
<outline type="rss" text="嘉兴日报" xmlUrl="http://127.0.0.1:1200/cnjxol/jxrb"/>
</outline></body></opml>"#,
    );
    let o = s.run(&["sources", "import", "export.opml", "--to", "new.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let new = s.read("new.toml");
    assert!(
        new.contains("id = \"xmnn-epaper-xmrb\"") && new.contains("publication = \"嘉兴日报\""),
        "{new}"
    );
    assert!(!new.contains("hunan"), "{new}");
    let o = s.run(&["sources", "import", "export.opml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 feed source(s) added"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&s.run(&["sources", "list"]));
    assert_eq!(
        list.lines().filter(|l| l.contains("never fetched")).count(),
        3,
        "{list}"
    );
    // importing again adds nothing
    let o = s.run(&["sources", "import", "export.opml"]);
    assert!(
        stderr(&o).contains("0 feed source(s) added"),
        "{}",
        stderr(&o)
    );
    // a URL list that is not there is named by `check`
    let s = sandbox("[[source]]\nid = \"pages\"\nurls = \"missing.txt\"\n");
    let o = s.run(&["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("URL list") && err.contains("missing.txt"),
        "{err}"
    );
}

/// An entry whose page cannot be had is stored from its summary, and its page is fetched
/// on a later run (the feed read in full again, not hidden behind a 304); then the
/// article is updated in place with the full text.
#[test]
fn a_full_text_page_that_failed_is_fetched_on_a_later_run() {
    let server = upstream::start();
    let b = &server.base;
    let s = sandbox(&format!(
        "[[source]]\nid = \"deqing\"\nfeed = \"{b}/atom.xml\"\n"
    ));
    server.up.pages_down.store(true, Ordering::SeqCst);
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{b}/articles/xs-river.html: HTTP 500")),
        "{err}"
    );
    let first = s.read("feeds/330521102/feed.json");
    assert!(
        first.contains("新市镇河道清淤完成") && !first.contains("一万多立方米"),
        "{first}"
    );
    server.up.pages_down.store(false, Ordering::SeqCst);
    server.up.clear();
    let o = run_at(&s, "2024-06-10T11:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let seen = server.up.seen();
    let feed_ask = seen.iter().find(|r| r.path == "/atom.xml").unwrap();
    assert!(feed_ask.if_none_match.is_none(), "{seen:?}");
    let second = s.read("feeds/330521102/feed.json");
    assert!(second.contains("一万多立方米"), "{second}");
    let id = |json: &str| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["items"][0]["id"].as_str().unwrap().to_string()
    };
    assert_eq!(id(&first), id(&second));
    server.up.clear();
    let o = run_at(&s, "2024-06-10T13:00:00+08:00");
    assert!(o.status.success(), "{}", stderr(&o));
    let seen = server.up.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].if_none_match.is_some(), "{seen:?}");
}

/// A GBK page declared GBK only by its server, and the same page labelled UTF-8 by a
/// server that is wrong about it, are both read as the Chinese they hold (and so found to
/// be one story).
#[test]
fn pages_are_read_in_the_declared_charset_or_by_their_content() {
    let server = upstream::start();
    let b = &server.base;
    let s = sandbox(&format!(
        "[[source]]\nid = \"gbk\"\nurls = [\"{b}/pages/gbk-declared.html\"]\n\n[[source]]\nid = \"mislabelled\"\nurls = [\"{b}/pages/gbk-mislabelled.html\"]\n"
    ));
    let o = run_at(&s, "2024-06-10T09:00:00+08:00");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("gbk-mislabelled.html: declared charset \"utf-8\" does not fit"),
        "{err}"
    );
    // Both pages read as the same Chinese text are one story (issue 17): one item, the
    // other page listed as a printing of it. Mojibake would have made two stories.
    let v: serde_json::Value = serde_json::from_str(&s.read("feeds/330521102/feed.json")).unwrap();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let i = &items[0];
    assert_eq!(i["title"].as_str(), Some("新市镇古镇河道完成清淤"));
    assert!(i["content_html"].as_str().unwrap().contains("一万多立方米"));
    assert_eq!(
        i["_localfeed"]["printed_by"],
        serde_json::json!(["mislabelled"]),
        "{i}"
    );
}
