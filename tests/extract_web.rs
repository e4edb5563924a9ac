//! The extract stage on pages in the shapes news sites print (invented text of our own):
//! the furniture around a web story, the headline block, digest lists, datelines of
//! joined outlets, photo columns and run-on numbered lists. One fixture per group of
//! rules of `src/extract` (the news-site passes of `roles::rules`, `articles::web_header`,
//! the `joined-outlets` opener, `articles::photos::titled_caption_run`, `read::run_on`),
//! and the real binary on all of them at the end.

mod common;

use common::extract::{find, run, titles};
use localfeed::model::{Extraction, Kind};

/// No article body holds any of these words.
fn clean_bodies(ex: &Extraction, words: &[&str]) {
    for a in &ex.articles {
        for w in words {
            assert!(!a.body.contains(w), "{w:?} left in {:?}", a.title);
        }
    }
}

#[test]
fn web_furniture_around_a_story() {
    let ex = run("web_furniture_page.txt");
    assert_eq!(titles(&ex), vec!["柳岸镇办起“家门口”技能课堂"]);
    let a = find(&ex, "柳岸镇办起“家门口”技能课堂");
    assert!(a.body.starts_with("青溪在线讯"), "{}", a.body);
    assert!(a.body.contains("帮助村民就近就业"));
    // markup, a strip of figures, the teaser block and the rights notice
    clean_bodies(
        &ex,
        &[
            "-->",
            "2041|",
            "东坡村",
            "路面宽四米",
            "常回来看看",
            "版权",
            "猜你喜欢",
        ],
    );
    for f in ["青溪在线 > 乡镇动态 > 正文", "大字 中字 小字", "猜你喜欢"] {
        assert!(
            ex.boilerplate.iter().any(|b| b.contains(f)),
            "{f} not in {:?}",
            ex.boilerplate
        );
    }
}

#[test]
fn a_headline_printed_twice_over_its_byline() {
    let ex = run("web_header_page.txt");
    assert_eq!(titles(&ex), vec!["稻田里的开镰节"]);
    let a = find(&ex, "稻田里的开镰节");
    assert_eq!(a.reporters, vec!["方远", "许晴"]);
    assert!(a.body.starts_with("9月19日"), "{}", a.body);
    clean_bodies(&ex, &["【配图】", "来源"]);
}

#[test]
fn a_picture_and_a_name_line_between_headline_and_dateline() {
    let ex = run("picture_header_page.txt");
    assert_eq!(titles(&ex), vec!["老街“焕颜”"]);
    let a = find(&ex, "老街“焕颜”");
    assert_eq!(a.subtitle.as_deref(), Some("东门街道整修百年石板路"));
    assert!(a.body.starts_with("本报讯"), "{}", a.body);
    assert!(a.contributors.iter().any(|c| c == "韦立新"));
}

#[test]
fn a_digest_list_over_its_stories() {
    let ex = run("digest_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["北环路跨河桥月底合龙", "市图书馆夜间开放延至十点"]
    );
    assert!(find(&ex, "北环路跨河桥月底合龙").body.starts_with("5月7日"));
    clean_bodies(
        &ex,
        &["城南菜市场", "雨季来临", "气温", "转发", "【城建新闻】"],
    );
}

#[test]
fn datelines_of_a_site_joined_to_its_paper() {
    let ex = run("joined_outlets_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["石桥镇召开春耕生产推进会", "竹林村修缮村史馆"]
    );
    let b = find(&ex, "竹林村修缮村史馆");
    assert!(b.body.starts_with("云川在线-云川晚报讯"), "{}", b.body);
    clean_bodies(&ex, &["责任编辑"]);
}

#[test]
fn a_photo_column_item_with_a_caption_of_two_paragraphs() {
    let ex = run("photo_column_page.txt");
    assert_eq!(titles(&ex), vec!["杏花开满坡"]);
    let a = find(&ex, "杏花开满坡");
    assert_eq!(a.kind, Kind::Photo);
    assert_eq!(a.contributors, vec!["郑晓岚"]);
    assert!(a.body.contains("旅游饭"));
}

#[test]
fn a_numbered_list_printed_as_one_line() {
    let ex = run("run_on_list_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "云川县新建三座农村公路桥梁",
            "县政府召开防汛工作会议",
            "“云川红茶”获评省级区域公用品牌"
        ]
    );
    assert_eq!(
        find(&ex, "云川县新建三座农村公路桥梁").reporters,
        vec!["马骁"]
    );
    assert!(
        find(&ex, "县政府召开防汛工作会议")
            .body
            .starts_with("5月9日")
    );
}

#[test]
fn label_value_lines_are_furniture() {
    let ex = run("label_value_page.txt");
    assert_eq!(titles(&ex), vec!["云水镇夏粮颗粒归仓"]);
    let ex = run("metadata_column_page.txt");
    assert_eq!(titles(&ex), vec!["乡村新貌"]);
    let a = find(&ex, "乡村新貌");
    assert!(a.body.starts_with("东湖村"), "{}", a.body);
    assert!(a.body.contains("北岭乡"));
    clean_bodies(&ex, &["阅读次数", "刊发日期"]);
}

/// The real binary on every page of this file: one JSON object per page, and the same
/// bytes on a second run.
#[test]
fn the_binary_reads_every_web_fixture_the_same_twice() {
    let sb = common::Sandbox::empty();
    let pages = [
        "web_furniture_page.txt",
        "web_header_page.txt",
        "picture_header_page.txt",
        "digest_page.txt",
        "joined_outlets_page.txt",
        "photo_column_page.txt",
        "run_on_list_page.txt",
        "label_value_page.txt",
        "metadata_column_page.txt",
    ];
    for p in pages {
        sb.write(p, common::extract::fixture(p));
    }
    let mut args = vec!["extract", "--format", "json"];
    args.extend(pages);
    let first = sb.run(&args);
    assert!(first.status.success(), "{}", common::stderr(&first));
    let second = sb.run(&args);
    assert_eq!(first.stdout, second.stdout);
    let out = common::stdout(&first);
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(objects.len(), pages.len());
    let articles: usize = objects
        .iter()
        .map(|o| o["articles"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(articles, 13);
}
