//! The site people read, with the real binary: a page per place and the front page (from
//! `localfeed run` on the examples), and over HTTP from `localfeed serve` on 127.0.0.1:
//! feeds made to order (each article once, ETag/304, 400 for bad parameters, checked by
//! `../shared/tools/check-feed` and `reader-check`) and article search.

mod common;

use std::collections::BTreeSet;

use common::Sandbox;
use common::http::{Response, Server, send};

fn get(srv: &Server, path: &str, headers: &[(&str, &str)]) -> Response {
    send(srv.port, "GET", path, headers, b"")
}

fn text(r: &Response) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

/// The guids of an RSS document, in order.
fn guids(rss: &str) -> Vec<String> {
    rss.split("<guid isPermaLink=\"false\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect()
}

const BASE: &str = "http://127.0.0.1:8080/";

#[test]
fn every_place_has_a_page_the_feeds_link_and_the_front_page_finds() {
    let s = common::published_examples();
    let county = s.read("feeds/330523/index.html");
    for needle in [
        "<html lang=\"zh-CN\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<h1>安吉县</h1>",
        // the chain as breadcrumbs, the places below with counts
        "› <a href=\"http://127.0.0.1:8080/33/index.html\">浙江省</a> › <a href=\"http://127.0.0.1:8080/3305/index.html\">湖州市</a>",
        "<a href=\"http://127.0.0.1:8080/330523001/index.html\">递铺街道</a> <span class=\"n\">",
        // the newest articles with their paper and first lines
        "递铺街道推行“社区议事厅”</a></h3>",
        " · 安吉新闻 · ",
        "<p class=\"lead\">本报讯（记者 王一帆）",
        // auto-discovery of the three formats, and the links people click
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"安吉县 · 本地新闻 (RSS)\" href=\"http://127.0.0.1:8080/330523/rss.xml\">",
        "<link rel=\"alternate\" type=\"application/atom+xml\"",
        "<link rel=\"alternate\" type=\"application/feed+json\"",
        // follow this place and the places below it, made to order
        "<a id=\"follow-link\" href=\"http://127.0.0.1:8080/feed.xml?places=330523\">",
        "<input type=\"checkbox\" name=\"places\" value=\"330523001\">",
        "<form action=\"http://127.0.0.1:8080/search\" method=\"get\" role=\"search\">",
        "<a href=\"http://127.0.0.1:8080/subscribe\">邮件订阅",
    ] {
        assert!(county.contains(needle), "no {needle:?} in\n{county}");
    }
    // Feeds lead people to the place page, and no page depends on XSLT.
    let rss = s.read("feeds/330523/rss.xml");
    assert!(rss.contains("<link>http://127.0.0.1:8080/330523/index.html</link>"));
    assert!(!rss.contains("xml-stylesheet"));
    let atom = s.read("feeds/330523/atom.xml");
    assert!(atom.contains(
        "<link rel=\"alternate\" type=\"text/html\" href=\"http://127.0.0.1:8080/330523/index.html\"/>"
    ));
    assert!(!s.path().join("feeds/feed.xsl").exists());
    // The front page: newest headlines, the tree in <details>, the place search's data.
    let index = s.read("feeds/index.html");
    assert!(index.contains("<h2>最新消息</h2>"));
    assert!(index.contains("<details"));
    assert!(index.contains("data-src=\"http://127.0.0.1:8080/places.json\""));
    assert!(index.contains(
        "<li id=\"f-330523\"><a href=\"http://127.0.0.1:8080/330523/index.html\">安吉县</a>"
    ));
    let places: serde_json::Value = serde_json::from_str(&s.read("feeds/places.json")).unwrap();
    let town = places
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["n"] == "递铺街道")
        .expect("递铺街道 in places.json");
    assert_eq!(town["p"], "浙江省 湖州市 安吉县");
    assert_eq!(town["u"], "http://127.0.0.1:8080/330523001/index.html");
    // Nothing on any page is fetched from elsewhere: no scripts, styles or images by URL.
    for rel in [
        "feeds/index.html",
        "feeds/330523/index.html",
        "feeds/all/index.html",
    ] {
        let html = s.read(rel);
        for bad in [" src=\"http", " src=\"//", "rel=\"stylesheet\"", "@import"] {
            assert!(!html.contains(bad), "{rel} holds {bad:?}");
        }
    }
    // A second run rewrites nothing.
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains(" 0 output file(s) written"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn a_feed_of_nested_places_holds_each_article_once_and_answers_304() {
    let s = common::published_examples();
    let srv = Server::spawn(s.command(&["serve", "--listen", "127.0.0.1:0"]));
    let path = "/feed.xml?places=330523,33,330523001&limit=100";
    let r = get(&srv, path, &[]);
    assert_eq!(r.status, 200, "{}", text(&r));
    assert_eq!(
        r.header("content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
    let body = text(&r);
    let got = guids(&body);
    let unique: BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "an article twice:\n{body}");
    // Exactly the province's articles (the county and the town are inside it).
    let province: BTreeSet<String> = guids(&s.read("feeds/33/rss.xml")).into_iter().collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        province
    );
    assert!(body.contains(&format!(
        "<atom:link rel=\"self\" href=\"{BASE}feed.xml?places=330523%2C33%2C330523001&amp;format=rss&amp;limit=100\""
    )));
    assert!(body.contains(&format!("<link>{BASE}330523/index.html</link>")));
    // The same URL again, with the tag: 304 and no body.
    let tag = r.header("etag").unwrap().to_string();
    let again = get(&srv, path, &[("If-None-Match", &tag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    // gzipped, the body has a tag of its own, and that tag is honoured too.
    let gz = get(&srv, path, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let gz_tag = gz.header("etag").unwrap().to_string();
    assert_ne!(gz_tag, tag);
    let gz_again = get(
        &srv,
        path,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_tag)],
    );
    assert_eq!(gz_again.status, 304);

    // Words in, words out.
    let with = text(&get(&srv, "/feed.xml?places=33&q=%E8%A1%97%E9%81%93", &[]));
    assert!(!guids(&with).is_empty());
    for item in with.split("<item>").skip(1) {
        assert!(item.contains("街道"), "{item}");
    }
    let without = text(&get(
        &srv,
        "/feed.xml?places=33&not=%E8%A1%97%E9%81%93",
        &[],
    ));
    assert_eq!(
        guids(&with).len() + guids(&without).len(),
        province.len(),
        "q and not split the articles"
    );
    for item in without.split("<item>").skip(1) {
        assert!(!item.contains("街道"), "{item}");
    }

    // Every format passes the checkers and real readers.
    let dir = tempfile::tempdir().unwrap();
    for (format, file, ctype) in [
        ("rss", "rss.xml", "application/rss+xml; charset=utf-8"),
        ("atom", "atom.xml", "application/atom+xml; charset=utf-8"),
        ("json", "feed.json", "application/feed+json; charset=utf-8"),
    ] {
        let r = get(
            &srv,
            &format!("/feed.xml?places=330523,4103&format={format}&limit=10"),
            &[],
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some(ctype));
        std::fs::create_dir_all(dir.path().join("made")).unwrap();
        std::fs::write(dir.path().join("made").join(file), &r.body).unwrap();
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("made/feed.json")).unwrap()).unwrap();
    assert_eq!(json["title"], "安吉县、洛阳市 · 本地新闻");
    let Some(_) = common::shared() else {
        return;
    };
    let o = std::process::Command::new("sh")
        .arg(common::repo().join("scripts/check-feeds.sh"))
        .arg(dir.path().join("made"))
        .output()
        .unwrap();
    assert!(
        o.status.success() && common::stdout(&o).contains("all 3 feed documents passed"),
        "check-feed / reader-check on feeds made to order:\n{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
}

#[test]
fn bad_parameters_are_refused_with_a_reason_never_a_500() {
    let s = common::published_examples();
    let srv = Server::spawn(s.command(&["serve", "--listen", "127.0.0.1:0"]));
    let long = format!("/feed.xml?places={}", "33,".repeat(1000));
    let many: Vec<String> = (100..160).map(|n| n.to_string()).collect();
    let many = format!("/feed.xml?places={}", many.join(","));
    for (path, says) in [
        ("/feed.xml", "name at least one place"),
        ("/feed.xml?places=", "name at least one place"),
        ("/feed.xml?places=abc", "not a division code"),
        ("/feed.xml?places=99", "no place has the code 99"),
        ("/feed.xml?places=33&format=html", "not a feed format"),
        ("/feed.xml?places=33&limit=0", "between 1 and 100"),
        ("/feed.xml?places=33&limit=-5", "not a whole number"),
        ("/feed.xml?places=33&utm_source=x", "unknown parameter"),
        ("/feed.xml?places=33&q=%FF%FE", "not UTF-8"),
        (long.as_str(), "bytes long"),
        (many.as_str(), "at most 50"),
        ("/search?q=x&format=pdf", "not html, rss, atom or json"),
    ] {
        let r = get(&srv, path, &[]);
        assert_eq!(r.status, 400, "{path}: {}", text(&r));
        assert!(text(&r).contains(says), "{path}: {}", text(&r));
    }
    // People get the search form back with what was wrong.
    let r = get(&srv, "/search?q=x&page=99", &[]);
    assert_eq!(r.status, 200);
    assert!(text(&r).contains("<p class=\"error\" id=\"error\">page: "));
    let r = send(srv.port, "POST", "/feed.xml?places=33", &[], b"");
    assert_eq!(r.status, 405);
}

#[test]
fn article_search_finds_chinese_words_ranked_as_a_page_and_a_feed() {
    let s = Sandbox::examples();
    assert!(s.run(&["run"]).status.success());
    let srv = Server::spawn(s.command(&["serve", "--listen", "127.0.0.1:0"]));
    // Two characters, a word of the body: found, with the words around it marked.
    let r = get(&srv, "/search?q=%E8%AE%AE%E4%BA%8B", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let html = text(&r);
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("找到 1 篇与“议事”有关的文章"), "{html}");
    assert!(html.contains("递铺街道推行“社区议事厅”"));
    assert!(html.contains("<mark>议事</mark>"));
    assert!(html.contains("value=\"议事\""));
    // Nothing found, and a word the text holds only apart.
    let none = text(&get(&srv, "/search?q=%E8%AE%AE%E8%A1%97", &[]));
    assert!(none.contains("找到 0 篇"), "{none}");
    // The same search as a feed.
    let r = get(&srv, "/search?q=%E8%AE%AE%E4%BA%8B&format=rss", &[]);
    assert_eq!(
        r.header("content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
    assert_eq!(guids(&text(&r)).len(), 1);
    // An empty search shows the form.
    let r = get(&srv, "/search", &[]);
    assert_eq!(r.status, 200);
    assert!(text(&r).contains("name=\"q\""));
    // Searching escapes what it shows.
    let r = get(&srv, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &[]);
    assert!(!text(&r).contains("<script>alert"), "{}", text(&r));
}
