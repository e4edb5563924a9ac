//! Tests of the whole stage on invented articles.

use std::path::Path;

use chrono::{DateTime, NaiveDate};

use super::*;
use crate::model::{Article, Chain, Division, Kind, Level, Placement, StoredArticle, article_id};

fn div(code: &str, name: &str, level: Level) -> Division {
    Division {
        code: code.into(),
        name: name.into(),
        level,
    }
}

/// An invented four-level chain: province, city, county, township.
fn chain4(town: &str, town_name: &str) -> Chain {
    Chain(vec![
        div("81", "东海省", Level::Province),
        div("8102", "青禾市", Level::Prefecture),
        div("810203", "青禾市新区", Level::County),
        div(town, town_name, Level::Township),
    ])
}

fn other_chain() -> Chain {
    Chain(vec![
        div("81", "东海省", Level::Province),
        div("8105", "白石市", Level::Prefecture),
        div("810501", "白石市城关区", Level::County),
    ])
}

pub(super) fn stored(
    title: &str,
    body: &str,
    date: Option<(i32, u32, u32)>,
    primary: Chain,
    also: Vec<Chain>,
) -> StoredArticle {
    let article = Article {
        title: Some(title.into()),
        kicker: Some("引题：共建美丽家园".into()),
        subtitle: None,
        body: body.into(),
        reporters: vec!["林小禾".into(), "周一帆".into()],
        contributors: vec!["通讯员 陈晓".into()],
        photographers: vec![],
        date: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        kind: Kind::News,
        url: Some("https://epaper.example.cn/新闻/1.html".into()),
        place_hint: None,
        opener: None,
    };
    let seen = DateTime::parse_from_rfc3339("2024-03-05T09:30:00+08:00").unwrap();
    StoredArticle {
        id: article_id("qinghe-daily", &article),
        source: "qinghe-daily".into(),
        input: "2024-03-05/01.txt".into(),
        publication: Some("青禾日报".into()),
        article,
        placement: Placement {
            primary,
            also,
            evidence: vec![],
        },
        first_seen: seen,
        updated: seen,
        printings: vec![],
        body_digest: None,
        arrival: 0,
    }
}

/// Eight invented articles: a hostile one, an undated one, one with an `also` chain.
pub(super) fn fixture() -> Vec<StoredArticle> {
    let mut v = Vec::new();
    for i in 0..5u32 {
        v.push(stored(
            &format!("柳岸街道第{i}期便民服务集市开市"),
            &format!(
                "本报讯（记者 林小禾）3月{}日上午，柳岸街道在文化广场举办便民服务集市。\n\n集市设置理发、义诊、家电维修等摊位{}个，吸引居民近千人。",
                i + 1,
                i + 10
            ),
            Some((2024, 3, i + 1)),
            chain4("810203001", "柳岸街道"),
            vec![],
        ));
    }
    v.push(stored(
        "控制字符\u{1}与<script>alert(\"x\")</script>标题 & \u{FFFE}测试",
        "正文含有\u{B}垂直制表符\u{C}和换页符、<b>标签</b>与 & 符号，以及\u{FFFF}非字符。\n\n<img src=x onerror=alert(1)>第二段。",
        Some((2024, 3, 6)),
        chain4("810203002", "石桥镇"),
        vec![],
    ));
    v.push(stored(
        "石桥镇春耕备耕有序推进",
        "连日来，石桥镇组织农技人员深入田间地头，指导农户做好春耕准备。",
        None,
        chain4("810203002", "石桥镇"),
        vec![other_chain()],
    ));
    v.push(stored(
        "白石市城关区开展消防演练",
        "本报讯 日前，城关区多部门联合开展高层建筑消防演练。",
        Some((2024, 3, 4)),
        other_chain(),
        vec![],
    ));
    v
}

pub(super) fn settings() -> Settings {
    Settings {
        base_url: "https://news.example.org/feeds/".into(),
        items_per_feed: 3,
        archive_size: 2,
        threads: 1,
        ..Settings::default()
    }
}

fn templates() -> Templates {
    Templates::load(None).unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn all_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn publishes_every_level_and_parses_with_strict_readers() {
    let dir = tempfile::tempdir().unwrap();
    let arts = fixture();
    let r = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    // all + 81 + 8102 + 810203 + two townships + 8105 + 810501
    assert_eq!(r.feeds, 8);
    for key in [
        "all",
        "81",
        "8102",
        "810203",
        "810203001",
        "810203002",
        "8105",
        "810501",
    ] {
        let d = dir.path().join(key);
        let ch = ::rss::Channel::read_from(read(&d.join("rss.xml")).as_bytes())
            .unwrap_or_else(|e| panic!("{key} rss: {e}"));
        assert!(!ch.items().is_empty());
        assert!(ch.items().len() <= 3 + 2, "{key}");
        let feed = atom_syndication::Feed::read_from(read(&d.join("atom.xml")).as_bytes())
            .unwrap_or_else(|e| panic!("{key} atom: {e}"));
        assert_eq!(feed.entries().len(), ch.items().len());
        let json: serde_json::Value = serde_json::from_str(&read(&d.join("feed.json"))).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["items"].as_array().unwrap().len(), ch.items().len());
    }
    // the also chain publishes into the other county
    let county = read(&dir.path().join("810501/rss.xml"));
    assert!(county.contains("石桥镇春耕备耕有序推进"));
    // titles and channel metadata
    let town = read(&dir.path().join("810203001/rss.xml"));
    assert!(town.contains("<title>柳岸街道 · 本地新闻</title>"));
    assert!(town.contains("<language>zh-CN</language>"));
    assert!(town.contains("<dc:creator>林小禾</dc:creator>"));
    assert!(town.contains("<dc:creator>通讯员 陈晓</dc:creator>"));
    assert!(town.contains("<pubDate>Tue, 05 Mar 2024 12:00:00 +0800</pubDate>"));
    assert!(town.contains("<lastBuildDate>Tue, 05 Mar 2024 12:00:00 +0800</lastBuildDate>"));
    assert!(town.contains(
        "<category domain=\"https://news.example.org/feeds/810203001/\">柳岸街道</category>"
    ));
    assert!(town.contains("href=\"https://news.example.org/feeds/810203001/rss.xml\""));
    let atom = read(&dir.path().join("810203001/atom.xml"));
    assert!(atom.contains("<published>2024-03-05T12:00:00+08:00</published>"));
    assert!(atom.contains("<category term=\"810203001\" scheme=\"https://news.example.org/feeds/\" label=\"柳岸街道\"/>"));
    assert!(atom.contains("rel=\"alternate\" type=\"text/html\""));
    // undated article: its first-seen time
    let all = read(&dir.path().join("all/rss.xml"));
    assert!(all.contains("Tue, 05 Mar 2024 09:30:00 +0800"));
    // landing pages exist for every article
    for a in &arts {
        assert!(dir.path().join(format!("articles/{}.html", a.id)).is_file());
    }
    assert!(!town.contains("xml-stylesheet"), "no page depends on XSLT");
    assert!(town.contains("<link>https://news.example.org/feeds/810203001/index.html</link>"));
    assert!(dir.path().join("810203001/index.html").is_file());
    assert!(dir.path().join("places.json").is_file());
    assert!(dir.path().join("feeds.opml").is_file());
    assert!(dir.path().join("81/feeds.opml").is_file());
}

#[test]
fn hostile_text_never_reaches_a_file() {
    let dir = tempfile::tempdir().unwrap();
    publish(&fixture(), &settings(), &templates(), dir.path()).unwrap();
    for f in all_files(dir.path()) {
        let text = read(&f);
        for c in ['\u{1}', '\u{B}', '\u{C}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(
                !text.contains(c),
                "{} holds U+{:04X}",
                f.display(),
                c as u32
            );
        }
        if f.extension().is_some_and(|e| e == "html") {
            // The front page's own place search is its only script.
            let own = usize::from(f == dir.path().join("index.html"));
            assert_eq!(text.matches("<script").count(), own, "{}", f.display());
            assert!(!text.contains("<img"), "{}", f.display());
        }
    }
    let rss = read(&dir.path().join("810203002/rss.xml"));
    // the title is escaped once, the HTML content twice
    assert!(rss.contains(
        "<title>控制字符与&lt;script&gt;alert(\"x\")&lt;/script&gt;标题 &amp; 测试</title>"
    ));
    assert!(rss.contains("&lt;p&gt;&amp;lt;img src=x onerror=alert(1)&amp;gt;第二段。&lt;/p&gt;"));
    let ch = ::rss::Channel::read_from(rss.as_bytes()).unwrap();
    let item = ch
        .items()
        .iter()
        .find(|i| i.title().is_some_and(|t| t.contains("控制")))
        .unwrap();
    let html = item.content().unwrap();
    assert_eq!(ammonia::clean(html), html, "content is already sanitized");
}

#[test]
fn rerun_is_byte_identical_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let arts = fixture();
    let r1 = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    assert!(!r1.written.is_empty());
    let before: Vec<_> = all_files(dir.path())
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p.clone(), std::fs::read(&p).unwrap(), m)
        })
        .collect();
    // Order of the input does not matter.
    let mut reversed = arts.clone();
    reversed.reverse();
    let r2 = publish(&reversed, &settings(), &templates(), dir.path()).unwrap();
    assert!(r2.written.is_empty(), "re-run wrote {:?}", r2.written);
    assert!(r2.reused > 0);
    // Without the manifest every file is rendered again, and still nothing is written.
    std::fs::remove_file(dir.path().join(write::MANIFEST)).unwrap();
    let r3 = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    assert!(
        r3.written.iter().all(|p| p.ends_with(write::MANIFEST)),
        "{:?}",
        r3.written
    );
    assert_eq!(r3.reused, 0);
    for (p, bytes, m) in before {
        assert_eq!(std::fs::read(&p).unwrap(), bytes, "{}", p.display());
        if !p.ends_with(write::MANIFEST) {
            assert_eq!(
                std::fs::metadata(&p).unwrap().modified().unwrap(),
                m,
                "{}",
                p.display()
            );
        }
    }
}

#[test]
fn workers_do_not_change_a_byte() {
    // Enough articles over enough places for several feed tasks and shared fragments.
    let mut arts = fixture();
    for i in 0..120u32 {
        let town = format!("8102030{:02}", i % 7);
        arts.push(stored(
            &format!("第{i}条消息"),
            &format!("正文第{i}段，内容“引号”与<标记>。\n\n第二段 {i}。"),
            Some((2024, 3, 1 + i % 28)),
            chain4(&town, &format!("第{}镇", i % 7)),
            vec![],
        ));
    }
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    publish(&arts, &settings(), &templates(), one.path()).unwrap();
    let mut s2 = settings();
    s2.threads = 2;
    publish(&arts, &s2, &templates(), two.path()).unwrap();
    let (a, b) = (all_files(one.path()), all_files(two.path()));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.strip_prefix(one.path()), y.strip_prefix(two.path()));
        // The manifest also holds the settings' fingerprint, which differs.
        if !x.ends_with(write::MANIFEST) {
            assert_eq!(read(x), read(y), "{}", x.display());
        }
    }
}

#[test]
fn a_deleted_file_is_published_again() {
    let dir = tempfile::tempdir().unwrap();
    let arts = fixture();
    publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    let gone = [
        dir.path().join("all/atom.xml"),
        dir.path().join("81/feed.json"),
    ];
    let bytes: Vec<Vec<u8>> = gone.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for p in &gone {
        std::fs::remove_file(p).unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("810501")).unwrap();
    let r = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    for (p, b) in gone.iter().zip(&bytes) {
        assert!(r.written.contains(p), "{} not written again", p.display());
        assert_eq!(&std::fs::read(p).unwrap(), b);
    }
    assert!(dir.path().join("810501/rss.xml").exists());
    // Everything else was reused from the manifest without rendering.
    assert!(r.reused > 0);
}

#[test]
fn what_is_no_longer_published_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let arts = fixture();
    publish(&arts, &settings(), &templates(), out).unwrap();
    // A file of our own in the output folder is never touched.
    std::fs::write(out.join("810203002/README.txt"), "mine").unwrap();
    std::fs::write(out.join("robots.txt"), "User-agent: *").unwrap();
    // The township 石桥镇 loses both its articles (its page was edited).
    let gone_ids: Vec<String> = arts
        .iter()
        .filter(|a| {
            a.placement
                .primary
                .leaf()
                .is_some_and(|d| d.code == "810203002")
        })
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(gone_ids.len(), 2);
    let kept: Vec<StoredArticle> = arts
        .into_iter()
        .filter(|a| !gone_ids.contains(&a.id))
        .collect();
    let r = publish(&kept, &settings(), &templates(), out).unwrap();
    let mut want: Vec<std::path::PathBuf> = ["rss.xml", "atom.xml", "feed.json"]
        .iter()
        .map(|f| out.join("810203002").join(f))
        .chain(
            gone_ids
                .iter()
                .map(|id| out.join("articles").join(format!("{id}.html"))),
        )
        .collect();
    want.sort();
    for p in &want {
        assert!(
            r.removed.contains(p),
            "{} not removed: {:?}",
            p.display(),
            r.removed
        );
        assert!(!p.exists(), "{}", p.display());
    }
    assert!(
        r.removed.iter().all(|p| !p.ends_with("README.txt")),
        "{:?}",
        r.removed
    );
    assert_eq!(read(&out.join("810203002/README.txt")), "mine");
    assert_eq!(read(&out.join("robots.txt")), "User-agent: *");
    assert!(!read(&out.join("index.html")).contains("810203002/rss.xml"));
    assert!(out.join("810203001/rss.xml").exists());
    // A folder left empty goes too; a second run removes nothing more.
    std::fs::remove_file(out.join("810203002/README.txt")).unwrap();
    let mut fewer = kept.clone();
    fewer.retain(|a| {
        a.placement
            .primary
            .leaf()
            .is_none_or(|d| d.code != "810501")
    });
    let r = publish(&fewer, &settings(), &templates(), out).unwrap();
    assert!(!out.join("810501").exists(), "{:?}", r.removed);
    let r = publish(&fewer, &settings(), &templates(), out).unwrap();
    assert!(r.removed.is_empty() && r.written.is_empty(), "{r:?}");
}

#[test]
fn ids_survive_reextraction_with_other_spacing() {
    let a = stored(
        "柳岸街道 便民服务集市开市",
        "本报讯（记者 林小禾）3月1日上午，柳岸街道举办集市。",
        Some((2024, 3, 1)),
        chain4("810203001", "柳岸街道"),
        vec![],
    );
    let b = stored(
        "柳岸街道便民服务集市开市",
        "本报讯(记者 林小禾)3月1日上午,柳岸街道  举办集市。",
        Some((2024, 3, 1)),
        chain4("810203001", "柳岸街道"),
        vec![],
    );
    assert_eq!(a.id, b.id);
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    publish(&[a], &settings(), &templates(), d1.path()).unwrap();
    publish(&[b], &settings(), &templates(), d2.path()).unwrap();
    let guid = |d: &Path| {
        let ch = ::rss::Channel::read_from(read(&d.join("all/rss.xml")).as_bytes()).unwrap();
        let i = ch.items().first().unwrap().clone();
        (
            i.guid().unwrap().value().to_string(),
            i.link().unwrap().to_string(),
        )
    };
    let (g1, l1) = guid(d1.path());
    assert_eq!((g1.clone(), l1), guid(d2.path()));
    assert!(g1.starts_with("urn:uuid:"));
    let atom = read(&d1.path().join("all/atom.xml"));
    assert!(atom.contains(&format!("<id>{g1}</id>")));
}

#[test]
fn archives_are_linked_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    let mut arts = fixture();
    publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    // all: 8 items, 3 current, archives of 2: two complete archives and an open one of 1.
    let c = group::cut(8, 3, 2);
    assert_eq!((c.archives, c.open, c.first), (2, 1, 5));
    let all = dir.path().join("all");
    let rss = read(&all.join("rss.xml"));
    assert!(rss.contains("<atom:link rel=\"prev-archive\" href=\"https://news.example.org/feeds/all/archive/3-1.rss.xml\""));
    let atom = read(&all.join("atom.xml"));
    assert!(atom.contains("<link rel=\"prev-archive\" type=\"application/atom+xml\" href=\"https://news.example.org/feeds/all/archive/3-1.atom.xml\"/>"));
    let a1 = read(&all.join("archive/1.atom.xml"));
    assert!(a1.contains("<fh:archive/>"));
    assert!(a1.contains("rel=\"current\" type=\"application/atom+xml\" href=\"https://news.example.org/feeds/all/atom.xml\""));
    assert!(a1.contains("rel=\"next-archive\""));
    assert!(!a1.contains("rel=\"prev-archive\""));
    let a2 = read(&all.join("archive/2.rss.xml"));
    assert!(a2.contains(
        "rel=\"next-archive\" href=\"https://news.example.org/feeds/all/archive/3-1.rss.xml\""
    ));
    let a3 = read(&all.join("archive/3-1.rss.xml"));
    assert!(a3.contains(
        "rel=\"prev-archive\" href=\"https://news.example.org/feeds/all/archive/2.rss.xml\""
    ));
    assert!(!a3.contains("rel=\"next-archive\""));
    atom_syndication::Feed::read_from(a1.as_bytes()).unwrap();
    ::rss::Channel::read_from(a3.as_bytes()).unwrap();
    // every article is in exactly one document, and the current one holds items_per_feed
    let mut seen = Vec::new();
    for (f, n) in [
        ("rss.xml", 3),
        ("archive/1.rss.xml", 2),
        ("archive/2.rss.xml", 2),
        ("archive/3-1.rss.xml", 1),
    ] {
        let ch = ::rss::Channel::read_from(read(&all.join(f)).as_bytes()).unwrap();
        assert_eq!(ch.items().len(), n, "{f}");
        for i in ch.items() {
            seen.push(i.guid().unwrap().value().to_string());
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), arts.len());
    // a newer article leaves the complete archives' items alone; the open one becomes
    // complete under its own number and the old address goes
    let a1_before = std::fs::read(all.join("archive/1.atom.xml")).unwrap();
    arts.push(stored(
        "青禾市新区举办春季招聘会",
        "本报讯 3月9日，新区人社部门举办春季招聘会。",
        Some((2024, 3, 9)),
        chain4("810203001", "柳岸街道"),
        vec![],
    ));
    let r = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    assert_eq!(
        std::fs::read(all.join("archive/1.atom.xml")).unwrap(),
        a1_before
    );
    assert!(!r.written.contains(&all.join("archive/1.atom.xml")));
    assert!(all.join("archive/3.rss.xml").is_file());
    assert!(!all.join("archive/3-1.rss.xml").exists());
    let rss = read(&all.join("rss.xml"));
    assert_eq!(
        ::rss::Channel::read_from(rss.as_bytes())
            .unwrap()
            .items()
            .len(),
        3
    );
}

#[test]
fn index_has_autodiscovery_tree_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    publish(&fixture(), &settings(), &templates(), dir.path()).unwrap();
    let html = read(&dir.path().join("index.html"));
    assert!(html.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"全部 · 本地新闻 (RSS)\" href=\"https://news.example.org/feeds/all/rss.xml\">"), "{html}");
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    assert!(html.contains("<link rel=\"alternate\" type=\"application/feed+json\""));
    // nesting: province before city before county, with counts; townships are on the
    // county's page
    let p = html.find("id=\"f-81\"").unwrap();
    let c = html.find("id=\"f-8102\"").unwrap();
    let k = html.find("id=\"f-810203\"").unwrap();
    assert!(p < c && c < k);
    assert!(!html.contains("id=\"f-810203001\""));
    assert!(html.contains("<span class=\"n\">7 篇</span>"), "{html}");
    let county = read(&dir.path().join("810203/index.html"));
    assert!(county.contains("<span class=\"n\">5 篇</span>"), "{county}");
    assert!(
        county.contains(
            "<a href=\"https://news.example.org/feeds/810203001/index.html\">柳岸街道</a>"
        ),
        "{county}"
    );
    let page = read(
        &dir.path()
            .join(format!("articles/{}.html", fixture()[0].id)),
    );
    assert!(page.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"柳岸街道 · 本地新闻 (RSS)\" href=\"https://news.example.org/feeds/810203001/rss.xml\">"));
    assert!(page.contains("<p>集市设置理发"));
    let opml = read(&dir.path().join("feeds.opml"));
    assert!(opml.contains("xmlUrl=\"https://news.example.org/feeds/810203001/rss.xml\""));
    let prov = read(&dir.path().join("81/feeds.opml"));
    assert!(prov.contains("柳岸街道") && !prov.contains("全部"));
}

/// An article of 柳岸街道 newer than every article of the fixture.
fn newest_town_article() -> StoredArticle {
    stored(
        "柳岸街道启动垃圾分类宣传周",
        "本报讯 3月8日，柳岸街道启动垃圾分类宣传周活动。",
        Some((2024, 3, 8)),
        chain4("810203001", "柳岸街道"),
        vec![],
    )
}

#[test]
fn one_new_article_touches_only_its_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut arts = fixture();
    let mut s = settings();
    s.items_per_feed = 50;
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let new = newest_town_article();
    let id = new.id.clone();
    arts.push(new);
    let r = publish(&arts, &s, &templates(), dir.path()).unwrap();
    let rel: Vec<String> = r
        .written
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut expected: Vec<String> = Vec::new();
    for key in ["all", "81", "8102", "810203", "810203001"] {
        for f in ["atom.xml", "feed.json", "index.html", "rss.xml"] {
            expected.push(format!("{key}/{f}"));
        }
    }
    expected.push(format!("articles/{id}.html"));
    expected.push("index.html".into());
    expected.push("places.json".into());
    expected.sort();
    assert_eq!(rel, expected);
}

#[test]
fn settings_table_reads_from_toml() {
    let s: Settings =
        toml::from_str("base_url = \"https://x.example/f\"\nitems_per_feed = 20\n").unwrap();
    assert_eq!(s.items_per_feed, 20);
    assert!(s.include_also);
    assert!(toml::from_str::<Settings>("nope = 1").is_err());
    let dir = tempfile::tempdir().unwrap();
    let bad = Settings {
        base_url: "feeds/".into(),
        ..Settings::default()
    };
    assert!(publish(&fixture(), &bad, &templates(), dir.path()).is_err());
    // a base URL without the trailing slash still yields folder URLs
    let r = publish(&fixture(), &s, &templates(), dir.path()).unwrap();
    assert!(r.feeds > 0);
    assert!(read(&dir.path().join("all/rss.xml")).contains("https://x.example/f/all/rss.xml"));
}

/// Runs the project's feed checkers on the output, when they are there.
#[test]
fn real_checkers_accept_the_output() {
    let tools = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tools"));
    if !tools.join("check-feed").is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/tools is missing under CI"
        );
        eprintln!("skipped: {} not found", tools.display());
        return;
    }
    let have_reader = std::process::Command::new("newsboat")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_reader {
        assert!(
            std::env::var_os("CI").is_none(),
            "newsboat is missing under CI"
        );
        eprintln!("skipped: newsboat not installed (see ../shared/tools/INSTALL.md)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    publish(&fixture(), &settings(), &templates(), dir.path()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/check-feeds.sh");
    let out = std::process::Command::new("sh")
        .arg(script)
        .arg(dir.path())
        .output()
        .unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "check-feeds failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn duplicate_ids_and_unplaced_articles() {
    let dir = tempfile::tempdir().unwrap();
    let mut arts = fixture();
    let mut copy = arts[4].clone();
    copy.updated = DateTime::parse_from_rfc3339("2024-03-07T10:00:00+08:00").unwrap();
    arts.push(copy);
    let mut lone = stored(
        "无处安放的一则简讯",
        "这是一则没有地点的简讯。",
        Some((2024, 3, 2)),
        Chain::default(),
        vec![],
    );
    lone.placement = Placement::default();
    arts.push(lone);
    let r = publish(&arts, &settings(), &templates(), dir.path()).unwrap();
    assert_eq!(r.articles, 9);
    assert_eq!(r.feeds, 8);
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("810203001/feed.json"))).unwrap();
    let ids: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    // the newer copy won
    assert!(read(&dir.path().join("810203001/atom.xml")).contains("2024-03-07T10:00:00+08:00"));
}

#[test]
fn shrink_counts_published_articles_by_page_or_by_the_all_feed() {
    let arts = fixture();
    for pages in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings();
        s.article_pages = pages;
        assert_eq!(
            shrink(&arts, &s, dir.path()),
            Shrink::default(),
            "nothing published yet"
        );
        publish(&arts, &s, &templates(), dir.path()).unwrap();
        let same = shrink(&arts, &s, dir.path());
        assert_eq!(
            (same.published, same.retired),
            (arts.len(), 0),
            "pages: {pages}"
        );
        let gone = shrink(&arts[..2], &s, dir.path());
        assert_eq!(gone.retired, arts.len() - 2, "pages: {pages}");
        assert_eq!(shrink(&[], &s, dir.path()).retired, arts.len());
    }
}

#[test]
fn place_pages_are_paged_and_a_new_article_rewrites_only_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let mut arts = fixture();
    let mut s = settings();
    s.page_size = 2;
    s.feed_url = "feed.xml".into();
    s.search_url = "https://search.example.org/?from=feeds".into();
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let all = dir.path().join("all");
    // 8 articles, 2 a page: the first page and three full older pages, 1 the oldest.
    let first = read(&all.join("index.html"));
    assert!(first.contains("href=\"https://news.example.org/feeds/all/page/3.html\" rel=\"next\""));
    assert_eq!(first.matches("<h3>").count(), 2);
    assert!(!all.join("page/4.html").exists());
    let oldest = read(&all.join("page/1.html"));
    assert!(
        oldest.contains("href=\"https://news.example.org/feeds/all/page/2.html\" rel=\"prev\"")
    );
    assert!(!oldest.contains("rel=\"next\""));
    let third = read(&all.join("page/3.html"));
    assert!(third.contains("href=\"https://news.example.org/feeds/all/index.html\" rel=\"prev\""));
    // The search box and the made-to-order feed of a place and the places below it.
    assert!(first.contains("action=\"https://search.example.org/?from=feeds\""));
    let county = read(&dir.path().join("810203/index.html"));
    assert!(county.contains("href=\"https://news.example.org/feeds/feed.xml?places=810203\""));
    assert!(county.contains("<input type=\"checkbox\" name=\"places\" value=\"810203001\">"));
    assert!(county.contains("<a href=\"https://news.example.org/feeds/81/index.html\">东海省</a> › <a href=\"https://news.example.org/feeds/8102/index.html\">青禾市</a>"), "{county}");
    let before = |n: usize| std::fs::read(all.join(format!("page/{n}.html"))).unwrap();
    let (one, two) = (before(1), before(2));

    arts.push(newest_town_article());
    let r = publish(&arts, &s, &templates(), dir.path()).unwrap();
    let mut pages: Vec<String> = r
        .written
        .iter()
        .filter_map(|p| p.strip_prefix(&all).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".html"))
        .collect();
    pages.sort();
    // The first page, the page that got a newer one, and the new open page.
    assert_eq!(pages, ["index.html", "page/3.html", "page/4.html"]);
    assert_eq!((before(1), before(2)), (one, two));
    let newest = read(&all.join("page/4.html"));
    assert_eq!(newest.matches("<h3>").count(), 1);
    assert!(read(&all.join("index.html")).contains("柳岸街道启动垃圾分类宣传周"));
}

/// Bodies handed out from full articles, counting what is asked.
struct Counted<'a> {
    full: &'a [StoredArticle],
    asked: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

impl super::Bodies for Counted<'_> {
    fn bodies(&self, ids: &[&str]) -> anyhow::Result<Vec<String>> {
        use std::sync::atomic::Ordering::Relaxed;
        self.asked.fetch_add(ids.len(), Relaxed);
        self.most.fetch_max(ids.len(), Relaxed);
        ids.iter()
            .map(|id| {
                self.full
                    .iter()
                    .find(|a| a.id == *id)
                    .map(|a| a.article.body.clone())
                    .ok_or_else(|| anyhow::anyhow!("no article {id}"))
            })
            .collect()
    }
}

#[test]
fn heads_with_bodies_on_demand_publish_the_same_bytes() {
    let mut arts = fixture();
    for i in 0..150u32 {
        arts.push(stored(
            &format!("第{i}条消息"),
            &format!("正文第{i}段。\n\n第二段 {i}。"),
            Some((2024, 3, 1 + i % 28)),
            chain4(&format!("8102030{:02}", i % 5), &format!("第{}镇", i % 5)),
            vec![],
        ));
    }
    let heads: Vec<StoredArticle> = arts
        .iter()
        .cloned()
        .map(|mut a| {
            a.body_digest = Some(crate::model::body_digest(&a.article.body));
            a.article.body = String::new();
            a
        })
        .collect();
    let bodies = Counted {
        full: &arts,
        asked: Default::default(),
        most: Default::default(),
    };
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut s = settings();
    s.threads = 2;
    publish(&arts, &s, &templates(), one.path()).unwrap();
    let r = super::publish_with(&heads, &bodies, &s, &templates(), two.path()).unwrap();
    let (a, b) = (all_files(one.path()), all_files(two.path()));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.strip_prefix(one.path()), y.strip_prefix(two.path()));
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
    use std::sync::atomic::Ordering::Relaxed;
    let most = bodies.most.load(Relaxed);
    assert!(most <= super::BODY_BATCH, "{most} bodies asked at once");
    assert!(bodies.asked.load(Relaxed) >= arts.len());
    // a publish with nothing new asks only for the front page's headlines (always
    // rendered), not for the documents it reuses
    bodies.asked.store(0, Relaxed);
    let again = super::publish_with(&heads, &bodies, &s, &templates(), two.path()).unwrap();
    assert!(again.written.is_empty() && again.reused > 0 && r.reused == 0);
    assert!(bodies.asked.load(Relaxed) <= s.page_size.min(arts.len()));
    // without bodies to ask, heads cannot be published
    let three = tempfile::tempdir().unwrap();
    assert!(publish(&heads, &s, &templates(), three.path()).is_err());
}

/// The chain of township `t` (of 8) of county `c` (of 3) of prefecture `p` (of 2).
fn township(p: u32, c: u32, t: u32) -> Chain {
    Chain(vec![
        div("81", "东海省", Level::Province),
        div(&format!("810{p}"), &format!("第{p}市"), Level::Prefecture),
        div(
            &format!("810{p}0{c}"),
            &format!("第{p}市{c}县"),
            Level::County,
        ),
        div(
            &format!("810{p}0{c}00{t}"),
            &format!("第{p}市{c}县{t}镇"),
            Level::Township,
        ),
    ])
}

/// Every file under `dir` by its path relative to `dir`, with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// What a publish of a few more articles needs at the least, from the files it changed
/// (`before` against `dir` now): the files whose bytes differ or are new, and the
/// articles shown in them (each document that changed shows its items from their
/// bodies; an article's page shows its own), found by the links to their pages.
fn needed(
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    dir: &Path,
) -> (usize, std::collections::BTreeSet<String>) {
    let mut files = 0;
    let mut arts = std::collections::BTreeSet::new();
    for (rel, bytes) in snapshot(dir) {
        if rel.starts_with('.') || before.get(&rel) == Some(&bytes) {
            continue;
        }
        files += 1;
        if let Some(id) = rel
            .strip_prefix("articles/")
            .and_then(|r| r.strip_suffix(".html"))
        {
            arts.insert(id.to_string());
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (at, _) in text.match_indices("/feeds/articles/") {
            let rest = &text[at + "/feeds/articles/".len()..];
            if let Some(end) = rest.find(".html") {
                arts.insert(rest[..end].to_string());
            }
        }
    }
    (files, arts)
}

/// A run with a few new articles on a larger site reads the bodies and renders the files
/// of the documents they change, within twice what those need (counted, not timed): at
/// the end of every feed they enter when they are the newest, from where they fall in
/// when they are older (every later archive and page of those feeds shifts). And the
/// folder is byte for byte what a publish into an empty folder makes of the same
/// articles. (Publishing is handed every head: what the store reads is not counted here.)
#[test]
fn a_few_new_articles_cost_in_proportion_to_the_documents_they_change() {
    let mut arts = Vec::new();
    for i in 0..1500u32 {
        let day =
            NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Days::new(u64::from(i / 5));
        use chrono::Datelike as _;
        arts.push(stored(
            &format!("第{i}条消息"),
            &format!("正文第{i}段，内容若干。\n\n第二段 {i}。"),
            Some((day.year(), day.month(), day.day())),
            township(i % 2, i % 3, i % 8),
            vec![],
        ));
        // numbered as a store numbers them: in the order they arrived
        arts.last_mut().unwrap().arrival = u64::from(i) + 1;
    }
    let mut s = settings();
    s.items_per_feed = 10;
    s.archive_size = 20;
    s.page_size = 10;
    s.threads = 2;
    let dir = tempfile::tempdir().unwrap();
    let heads = |arts: &[StoredArticle]| -> Vec<StoredArticle> {
        arts.iter()
            .cloned()
            .map(|mut a| {
                a.body_digest = Some(crate::model::body_digest(&a.article.body));
                a.article.body = String::new();
                a
            })
            .collect()
    };
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let total = all_files(dir.path()).len();
    // the newest five, in two townships; then one dated before every other, arriving
    // last: it enters the tails of its feeds like a new one (arrival order)
    let newest = (0..5u32).map(|i| {
        let mut a = stored(
            &format!("新消息{i}"),
            &format!("新正文{i}。"),
            Some((2025, 1, 1 + i)),
            township(1, 2, i % 2),
            vec![],
        );
        a.arrival = 1501 + u64::from(i);
        a
    });
    let mut oldest = stored(
        "旧消息",
        "旧正文。",
        Some((2022, 6, 1)),
        township(0, 1, 3),
        vec![],
    );
    oldest.arrival = 1506;
    // what each costs at most: files written, bodies read, bytes written (2x what was
    // measured: 62 files, 125-128 bodies and 456,446 bytes for the five newest; 47, 89 and
    // 343,964 for the one back-dated, which in date order changed 823 files and read
    // 1,528 bodies)
    for (what, new, most_files, most_bodies, most_bytes) in [
        ("the newest", newest.collect::<Vec<_>>(), 124, 256, 912_000),
        ("a back-dated", vec![oldest], 94, 178, 688_000),
    ] {
        let before = snapshot(dir.path());
        arts.extend(new);
        let bodies = Counted {
            full: &arts,
            asked: Default::default(),
            most: Default::default(),
        };
        let r = super::publish_with(&heads(&arts), &bodies, &s, &templates(), dir.path()).unwrap();
        let (files, shown) = needed(&before, dir.path());
        let read = bodies.asked.load(std::sync::atomic::Ordering::Relaxed);
        let rendered = r.written.len() + r.unchanged;
        eprintln!(
            "{what}: {read} bodies read for {} shown in the {files} changed files; \
             {rendered} rendered, {} written, of {total}",
            shown.len(),
            r.written.len()
        );
        assert!(
            read <= 2 * shown.len(),
            "{what}: {read} bodies read, {} needed",
            shown.len()
        );
        assert!(
            rendered <= 2 * files,
            "{what}: {rendered} files rendered, {files} changed"
        );
        assert_eq!(
            r.written.len(),
            files,
            "{what}: only changed bytes are written"
        );
        assert!(
            files * 10 < total,
            "{what}: {files} of {total} files changed"
        );
        assert!(
            r.written.len() <= most_files,
            "{what}: {} files written, at most {most_files} expected",
            r.written.len()
        );
        assert!(
            read <= most_bodies,
            "{what}: {read} bodies read, at most {most_bodies} expected"
        );
        let bytes: u64 = r
            .written
            .iter()
            .map(|f| std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len()))
            .sum();
        eprintln!("{what}: {bytes} bytes written");
        assert!(
            bytes <= most_bytes,
            "{what}: {bytes} bytes written, at most {most_bytes} expected"
        );
        // a complete archive document never changes (RFC 5005): only the newest
        // complete one of a feed may, as its next-archive link names the open one
        let after = snapshot(dir.path());
        for (rel, bytes) in &before {
            let Some((feed, file)) = rel.split_once("/archive/") else {
                continue;
            };
            let Some(n) = file
                .strip_suffix(".rss.xml")
                .or(file.strip_suffix(".atom.xml"))
            else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else {
                continue; // the open archive, named by its count
            };
            let newest_complete = before
                .keys()
                .filter_map(|k| k.strip_prefix(&format!("{feed}/archive/")))
                .filter_map(|f| f.split('.').next()?.parse::<usize>().ok())
                .max()
                .unwrap_or(0);
            if n < newest_complete {
                assert_eq!(
                    after.get(rel),
                    Some(bytes),
                    "{what}: the complete archive {rel} changed"
                );
            }
        }
        let fresh = tempfile::tempdir().unwrap();
        publish(&arts, &s, &templates(), fresh.path()).unwrap();
        let (a, b) = (snapshot(fresh.path()), snapshot(dir.path()));
        let differ: Vec<&String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "{what}: differ from a fresh publish: {differ:?}"
        );
    }
}

/// Archives and older pages are cut in arrival order: an article dated before every other
/// that arrives last enters the current documents of its feeds, and the complete archive
/// documents and full older pages keep their bytes (RFC 5005).
#[test]
fn a_complete_archive_keeps_its_bytes_when_a_back_dated_article_arrives() {
    let mut arts = Vec::new();
    for i in 0..60u32 {
        let mut a = stored(
            &format!("第{i}条消息"),
            &format!("正文第{i}段。"),
            Some((2024, 1 + i / 28, 1 + i % 28)),
            township(0, 0, 0),
            vec![],
        );
        a.arrival = u64::from(i) + 1;
        arts.push(a);
    }
    let mut s = settings();
    s.items_per_feed = 5;
    s.archive_size = 10;
    s.page_size = 10;
    let dir = tempfile::tempdir().unwrap();
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let before = snapshot(dir.path());
    let stable = [
        "all/archive/1.rss.xml",
        "all/archive/1.atom.xml",
        "all/archive/3.rss.xml",
        "810000/archive/2.atom.xml",
        "810000/page/1.html",
        "810000/page/3.html",
    ];
    for f in stable {
        assert!(
            before.contains_key(f),
            "{f} not published: {:?}",
            before.keys()
        );
    }
    let mut old = stored(
        "迟到的旧消息",
        "旧正文。",
        Some((2019, 5, 1)),
        township(0, 0, 0),
        vec![],
    );
    old.arrival = 61;
    arts.push(old.clone());
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let after = snapshot(dir.path());
    for f in stable {
        assert_eq!(before.get(f), after.get(f), "{f} changed");
    }
    // it is in the current documents, listed by date within them (last: the oldest)
    let rss = String::from_utf8(after["all/rss.xml"].clone()).unwrap();
    let titles: Vec<&str> = rss
        .split("<item>")
        .skip(1)
        .filter_map(|i| i.split("<title>").nth(1)?.split("</title>").next())
        .collect();
    assert_eq!(titles.len(), 5, "{rss}");
    assert_eq!(titles.last(), Some(&"迟到的旧消息"), "{titles:?}");
    let page = String::from_utf8(after["810000/index.html"].clone()).unwrap();
    assert!(page.contains("迟到的旧消息"));
}

/// A story's leading article enters the feed of a place that only a later printing is
/// placed in when that printing arrived: at the tail of that feed, not in an archive at
/// the leader's own number; its own feeds keep it where it arrived.
#[test]
fn a_story_enters_a_new_place_when_its_printing_arrives_there() {
    let mut arts = Vec::new();
    for i in 0..30u32 {
        let mut a = stored(
            &format!("第{i}条消息"),
            &format!("正文第{i}段。"),
            Some((2024, 2, 1 + i % 28)),
            township(i % 2, 0, 0),
            vec![],
        );
        a.arrival = u64::from(i) + 2;
        arts.push(a);
    }
    // the leader arrived first, in 第0市; a printing of it in 第1市 arrived last
    let mut lead = stored(
        "两地同登的消息",
        "正文。",
        Some((2024, 1, 1)),
        township(0, 0, 0),
        vec![],
    );
    lead.arrival = 1;
    let there = township(1, 0, 0);
    lead.placement.also.push(there.clone());
    lead.printings.push(crate::model::Printing {
        id: "printing".into(),
        source: "other-daily".into(),
        publication: None,
        first_seen: lead.first_seen,
        arrival: 40,
        entered: Some(there),
    });
    arts.push(lead);
    let mut s = settings();
    s.items_per_feed = 3;
    s.archive_size = 5;
    let dir = tempfile::tempdir().unwrap();
    publish(&arts, &s, &templates(), dir.path()).unwrap();
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    // in 第1市's feed it is among the last arrivals, though dated before every other
    assert!(read("8101/rss.xml").contains("两地同登的消息"));
    assert!(read("810100/rss.xml").contains("两地同登的消息"));
    // in 第0市's it arrived first: in its first archive
    assert!(!read("8100/rss.xml").contains("两地同登的消息"));
    assert!(read("8100/archive/1.rss.xml").contains("两地同登的消息"));
    // `all` holds it where the leader arrived
    assert!(read("all/archive/1.rss.xml").contains("两地同登的消息"));
}
