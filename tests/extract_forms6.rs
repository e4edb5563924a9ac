//! The extract stage on fixture pages and files in the shapes the sixth held-out set
//! showed (invented text): full-width digits in a page header and datelines, a
//! correspondent's byline line (`本报通讯员 X`), a marked brief opening with a time clause
//! before a service box, a page-top continuation, a dated `消息` dateline closed by a
//! `总台记者` byline, a reader's letter, and a WeChat-like page's author span and account.

mod common;

use common::extract::{date, find, run, titles};

#[test]
fn full_width_digits_a_correspondent_line_and_a_brief_before_a_service_box() {
    let ex = run("wide_digit_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "石门乡山核桃林里建起“共享烘房”",
            "柳湾镇新增两条城乡公交线路",
            "杏花村春茶开园",
            "青石镇油茶林抚育进度过半",
        ]
    );
    assert!(
        ex.boilerplate.iter().any(|b| b == "第３版  乡镇视点"),
        "{:?}",
        ex.boilerplate
    );
    let shared = find(&ex, "石门乡山核桃林里建起“共享烘房”");
    assert_eq!(shared.contributors, vec!["罗晓岚"]);
    assert!(shared.body.starts_with("开春以来"), "{}", shared.body);
    let bus = find(&ex, "柳湾镇新增两条城乡公交线路");
    assert_eq!(bus.reporters, vec!["万思远"]);
    assert_eq!(bus.date, date(2024, 3, 4));
    assert!(!bus.body.contains("杏花村"), "{}", bus.body);
    let brief = find(&ex, "青石镇油茶林抚育进度过半");
    assert_eq!(brief.reporters, vec!["万思远"]);
    assert!(brief.body.starts_with("入春以来"), "{}", brief.body);
    assert!(!brief.body.contains("温馨提示"), "{}", brief.body);
    assert!(
        ex.boilerplate.iter().any(|b| b.starts_with("温馨提示")),
        "{:?}",
        ex.boilerplate
    );
}

#[test]
fn a_continuation_a_message_dateline_and_a_readers_letter_are_items() {
    let ex = run("letter_page.txt");
    assert_eq!(ex.articles.len(), 4, "{:?}", titles(&ex));
    let continued = ex.articles.first().expect("continuation");
    // no headline of its own: a title from its first words (the scorer's call: a feed
    // item needs one), not the jump line
    assert!(
        continued
            .title
            .as_deref()
            .is_some_and(|t| !t.contains("上接"))
    );
    assert!(continued.body.starts_with("截至目前"), "{}", continued.body);
    assert!(!continued.body.contains("上接"), "{}", continued.body);
    let wire = find(&ex, "东坪木器“走”进城市家居卖场");
    assert_eq!(wire.date, date(2024, 9, 19));
    assert_eq!(wire.reporters, vec!["孟川"]);
    assert!(wire.contributors.is_empty(), "{:?}", wire.contributors);
    let hall = find(&ex, "苍岭镇老粮站变身村史馆");
    assert!(!hall.body.contains("南江网"), "{}", hall.body);
    let letter = find(&ex, "小区门口的积水点修好了");
    assert!(letter.body.starts_with("尊敬的编辑："), "{}", letter.body);
    // the signature stays with the text: it names the writer's place
    assert!(
        letter.body.replace(' ', "").ends_with("苍岭镇读者韦春林"),
        "{}",
        letter.body
    );
    assert!(!hall.body.contains("群众来信") && !letter.body.contains("群众来信"));
}

#[test]
fn a_wechat_page_author_span_and_account_name() {
    let ex = run("wechat_author_article.html");
    let a = ex.articles.first().expect("article");
    assert_eq!(a.reporters, vec!["田野青"]);
    assert_eq!(a.contributors, vec!["孔令舟"]);
    assert_eq!(ex.publication.name.as_deref(), Some("白河发布"));
    assert_eq!(ex.publication.home.as_deref(), Some("白河"));
}
