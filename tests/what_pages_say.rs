//! What a reader is shown: feeds hold `items_per_feed` items and no article twice across
//! a feed's documents (`all` and archives too); a digest's count of articles it does not
//! list links to their place's feed; a digest names the place when the paper's name is
//! unknown; a photo credit reads 摄影. (What `serve` sends for HEAD and gzip is pinned in
//! `tests/serve.rs`.)

mod common;

use std::collections::BTreeMap;

use common::{Sandbox, stderr};

/// A sandbox whose config reads only `inbox/` (no paper name) and publishes small feeds.
fn inbox_site(pages: usize) -> Sandbox {
    let s = Sandbox::examples();
    let cfg = s
        .read("config.toml")
        .replace("items_per_feed = 50", "items_per_feed = 3")
        .replace("archive_size = 200", "archive_size = 4")
        .replace("max_articles = 40", "max_articles = 2");
    s.write("config.toml", cfg);
    std::fs::create_dir_all(s.path().join("inbox")).unwrap();
    for n in 1..=pages {
        s.write(
            &format!("inbox/p{n:02}.txt"),
            format!(
                "安吉县第{n}个村级文化礼堂启用\n\n本报讯 6月{n}日，安吉县递铺街道第{n}个村级文化礼堂正式启用，村民在礼堂观看演出。\n"
            ),
        );
    }
    s
}

fn items(xml: &str) -> Vec<String> {
    ::rss::Channel::read_from(xml.as_bytes())
        .unwrap()
        .items()
        .iter()
        .map(|i| i.guid().unwrap().value().to_string())
        .collect()
}

#[test]
fn every_feed_holds_items_per_feed_and_no_article_twice() {
    let s = inbox_site(13);
    let o = s.run(&["run", "--inbox", "inbox", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for feed in ["all", "330523"] {
        let dir = s.path().join("site").join(feed);
        let current = items(&std::fs::read_to_string(dir.join("rss.xml")).unwrap());
        assert_eq!(current.len(), 3, "{feed}/rss.xml");
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for id in &current {
            seen.insert(id.clone(), "rss.xml".into());
        }
        let mut archives: Vec<String> = std::fs::read_dir(dir.join("archive"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rss.xml"))
            .collect();
        archives.sort();
        assert_eq!(
            archives,
            ["1.rss.xml", "2.rss.xml", "3-2.rss.xml"],
            "{feed}"
        );
        for a in &archives {
            let list = items(&std::fs::read_to_string(dir.join("archive").join(a)).unwrap());
            assert!(list.len() <= 4, "{feed}/archive/{a}");
            for id in list {
                if let Some(first) = seen.insert(id.clone(), a.clone()) {
                    panic!("{feed}: {id} is in {first} and in {a}");
                }
            }
        }
        assert_eq!(seen.len(), 13, "{feed}: every article in one document");
    }
}

#[test]
fn a_digest_links_the_unlisted_articles_to_their_place_and_names_the_place_for_a_paper_without_a_name()
 {
    let s = inbox_site(5);
    let o = s.run(&["run", "--inbox", "inbox", "--out", "site", "--digests"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = common::emls(&s.path().join("outbox"));
    assert_eq!(eml.len(), 1);
    let raw = std::fs::read(&eml[0]).unwrap();
    let msg = mail_parts(&raw);
    assert!(
        msg.contains("另有 3 篇未列出：\n安吉县 3 篇：https://news.example.org/330523/index.html"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "另有 3 篇未列出：<a href=\"https://news.example.org/330523/index.html\" style="
        ) || msg
            .contains("另有 3 篇未列出：<a href=\"https://news.example.org/330523/index.html\">"),
        "{msg}"
    );
    // the pages print no issue date: 6月5日 of the lead is this year's (first seen 6月10日)
    assert!(
        msg.contains("安吉县第5个村级文化礼堂启用\n2024-06-05 · 递铺街道\n"),
        "{msg}"
    );
    assert!(!msg.contains("inbox"), "the source id shown: {msg}");
}

/// The decoded text of every `text/*` part of a message (base64 bodies).
fn mail_parts(raw: &[u8]) -> String {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    for part in text.split("\r\n\r\n").skip(1) {
        let b64: String = part
            .lines()
            .take_while(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .concat();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
            out.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_photo_credit_reads_as_photography() {
    let s = Sandbox::examples();
    std::fs::create_dir_all(s.path().join("inbox")).unwrap();
    std::fs::copy(
        common::repo().join("tests/fixtures/extract/two_photos_page.txt"),
        s.path().join("inbox/two_photos_page.txt"),
    )
    .unwrap();
    let o = s.run(&["run", "--inbox", "inbox", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages: Vec<String> = std::fs::read_dir(s.path().join("site/articles"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let page = |title: &str| {
        pages
            .iter()
            .find(|p| p.contains(&format!("<title>{title} ·")))
            .unwrap_or_else(|| panic!("no page for {title}"))
            .clone()
    };
    // `（记者 顾 远 摄）` under a photo: the reporter took the photograph
    let photo = page("金桥镇村民在晾晒场翻晒新收的稻谷");
    assert!(photo.contains(" · 摄影 顾远</p>"), "{photo}");
    assert!(!photo.contains("记者 顾远"), "{photo}");
    let photo = page("双河乡的果农在山坡上采摘猕猴桃");
    assert!(photo.contains(" · 摄影 钟晴</p>"), "{photo}");
    // the same people writing
    let story = page("秋收时节稻谷香");
    assert!(story.contains(" · 记者 顾远</p>"), "{story}");
    let story = page("长湖街道新增两处口袋公园");
    assert!(
        story.contains(" · 钟晴</p>") && !story.contains("摄影"),
        "{story}"
    );
}
