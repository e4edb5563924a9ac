//! Which date a reader sees: a dateline's 月日 without a year takes the year that does not
//! put it after the day localfeed first saw the file, and a date-only item is published at
//! 12:00 +08:00 in every feed and page (the real binary, `LOCALFEED_NOW` as the clock).

mod common;

use common::{Sandbox, stderr};

const UNDATED: &str = "安吉县召开乡村振兴推进会\n\n本报讯（记者 王英）7月23日，安吉县召开乡村振兴推进会，部署下半年工作。会议要求各乡镇抓好落实。\n";
const DATED_DATELINE: &str =
    "递铺街道举行邻里节\n\n本报安吉6月2日讯（记者 李青）递铺街道举行邻里节，居民参加活动。\n";

fn run_at(s: &Sandbox, now: &str) {
    let o = s
        .command(&["run", "--inbox", "inbox"])
        .env("LOCALFEED_NOW", now)
        .output()
        .unwrap();
    assert!(o.status.success(), "run failed: {}", stderr(&o));
}

/// The `date_published` of the item titled `title` in the `all` JSON feed.
fn published(s: &Sandbox, title: &str) -> String {
    let feed: serde_json::Value = serde_json::from_str(&s.read("feeds/all/feed.json")).unwrap();
    let items = feed["items"].as_array().unwrap();
    let item = items
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("no item {title:?} in {items:?}"));
    item["date_published"].as_str().unwrap().to_string()
}

#[test]
fn a_month_and_day_take_the_year_that_is_not_in_the_future_of_the_first_sighting() {
    let s = Sandbox::examples();
    s.write("inbox/undated.txt", UNDATED);
    s.write("inbox/june.txt", DATED_DATELINE);
    // first seen on 2024-06-10: 7月23日 is last year's, 6月2日 this year's
    run_at(&s, "2024-06-10T09:00:00+08:00");
    assert_eq!(
        published(&s, "安吉县召开乡村振兴推进会"),
        "2023-07-23T12:00:00+08:00"
    );
    assert_eq!(
        published(&s, "递铺街道举行邻里节"),
        "2024-06-02T12:00:00+08:00"
    );
    // edited and read again in August: the day first seen stays the reference
    s.write(
        "inbox/undated.txt",
        format!("{UNDATED}会议还通报了上半年情况。\n"),
    );
    run_at(&s, "2024-08-01T09:00:00+08:00");
    assert_eq!(
        published(&s, "安吉县召开乡村振兴推进会"),
        "2023-07-23T12:00:00+08:00"
    );
    // a file first seen in August: the same day is this year's
    s.write("inbox/later.txt", UNDATED.replace("推进会", "调度会"));
    run_at(&s, "2024-08-01T09:00:00+08:00");
    assert_eq!(
        published(&s, "安吉县召开乡村振兴调度会"),
        "2024-07-23T12:00:00+08:00"
    );
}

#[test]
fn a_story_that_names_no_day_keeps_the_time_it_was_first_seen() {
    let s = Sandbox::examples();
    s.write(
        "inbox/nodate.txt",
        "安吉县开展垃圾分类宣传\n\n本报讯（记者 王英）近日，安吉县开展垃圾分类宣传活动。\n",
    );
    run_at(&s, "2024-06-10T09:30:00+08:00");
    assert_eq!(
        published(&s, "安吉县开展垃圾分类宣传"),
        "2024-06-10T09:30:00+08:00"
    );
}

#[test]
fn a_date_only_item_is_published_at_noon_beijing_time_everywhere() {
    let s = Sandbox::examples();
    s.write("inbox/june.txt", DATED_DATELINE);
    run_at(&s, "2024-06-10T09:00:00+08:00");
    let rss = s.read("feeds/all/rss.xml");
    assert!(
        rss.contains("<pubDate>Sun, 02 Jun 2024 12:00:00 +0800</pubDate>"),
        "{rss}"
    );
    let atom = s.read("feeds/all/atom.xml");
    assert!(
        atom.contains("<published>2024-06-02T12:00:00+08:00</published>"),
        "{atom}"
    );
    assert_eq!(
        published(&s, "递铺街道举行邻里节"),
        "2024-06-02T12:00:00+08:00"
    );
    let pages: Vec<String> = std::fs::read_dir(s.path().join("feeds/articles"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(
        pages
            .iter()
            .any(|p| p.contains("<time datetime=\"2024-06-02T12:00:00+08:00\">2024-06-02</time>")),
        "no article page shows the noon time"
    );
    assert!(!rss.contains("00:00:00 +0800"), "{rss}");
}
