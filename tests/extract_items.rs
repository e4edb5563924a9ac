//! The extract stage on fixture pages and files of item shapes (invented text): compiled
//! items and letter-spaced notice titles, a Q&A interview, photo credits set above their
//! captions, a Minguo issue date, a title over a date-and-source line, a bare date by a web
//! page's title, tags and link lines after the text, a page number inside an article, a
//! byline closing the last paragraph, full-width digits, a correspondent line, a service
//! box, a continuation from another page, a dated message dateline, a reader's letter and
//! a WeChat page.

mod common;

use common::extract::{date, find, run, titles};
use localfeed::model::{Article, Kind};

#[test]
fn compiled_items_and_a_spaced_notice_title_are_items_of_their_own() {
    let ex = run("compiled_items_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "梅岭镇：山货搭上直播快车",
            "石桥镇新建三座村级文化广场",
            "溪南县新能源汽车销量创新高",
            "全市秋粮收购工作全面启动",
            "公告"
        ]
    );
    let compiled = find(&ex, "溪南县新能源汽车销量创新高");
    assert!(compiled.body.starts_with("本报综合"), "{}", compiled.body);
    assert!(compiled.reporters.is_empty() && compiled.contributors.is_empty());
    assert!(compiled.body.ends_with("释放农村消费潜力。"));
    let cited = find(&ex, "全市秋粮收购工作全面启动");
    assert!(cited.body.starts_with("据东川晚报报道，连日来"));
    let notice = find(&ex, "公告");
    assert_eq!(notice.kind, Kind::Notice);
    assert!(notice.body.starts_with("因道路改造施工"));
    assert!(!notice.body.contains("交通运输局"));
}

#[test]
fn a_page_number_inside_an_article_goes_and_the_split_word_is_rejoined() {
    let ex = run("compiled_items_page.txt");
    let a = find(&ex, "梅岭镇：山货搭上直播快车");
    assert!(!a.body.contains("第3版"), "{}", a.body);
    assert!(a.body.contains("电商产业链条不断延伸"), "{}", a.body);
    // the closing byline names a contributor and leaves the body
    assert_eq!(a.reporters, vec!["周立新"]);
    assert_eq!(a.contributors, vec!["何静"]);
    assert!(a.body.ends_with("回乡创业。"), "{}", a.body);
    assert!(ex.boilerplate.iter().any(|b| b == "（第3版）"));
}

#[test]
fn a_question_and_answer_interview_is_one_article_with_its_questions() {
    let ex = run("interview_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["让老街区焕发新活力", "青石镇开展防汛应急演练"]
    );
    let a = find(&ex, "让老街区焕发新活力");
    assert!(
        a.subtitle
            .as_deref()
            .is_some_and(|s| s.contains("访县住房和城乡建设局局长")),
        "{:?}",
        a.subtitle
    );
    assert_eq!(a.reporters, vec!["方圆"]);
    assert!(a.contributors.is_empty());
    assert!(a.body.starts_with("老旧小区改造是群众关心的民生实事"));
    for q in [
        "问：今年全县老旧小区改造有哪些新变化？",
        "问：改造过程中如何听取居民意见？",
        "问：下一步有什么打算？",
    ] {
        assert!(a.body.contains(q), "{q} missing from {}", a.body);
    }
    assert!(a.body.ends_with("让小区改得好、管得住、长久美。"));
    assert_eq!(a.body.split("\n\n").count(), 7);
}

#[test]
fn photo_credits_above_their_captions_belong_to_the_caption_below() {
    let ex = run("credit_first_photos_page.txt");
    assert_eq!(ex.articles.len(), 4, "{:?}", titles(&ex));
    let news = ex.articles.first().unwrap();
    assert_eq!(news.title.as_deref(), Some("滨江公园新增健身步道"));
    assert_eq!(news.reporters, vec!["邓佳"]);
    assert!(news.contributors.is_empty());
    assert!(news.body.ends_with("方便市民晚间锻炼。"));
    let photos: Vec<&Article> = ex.articles.iter().skip(1).collect();
    assert!(photos.iter().all(|p| p.kind == Kind::Photo));
    let first = photos.first().unwrap();
    assert!(first.body.starts_with("5月5日，市民在花市街选购盆栽"));
    assert_eq!(first.contributors, vec!["黄小燕"]);
    let second = photos.get(1).unwrap();
    assert!(second.body.starts_with("5月4日，青年志愿者"));
    assert_eq!(second.reporters, vec!["罗斌"]);
    let third = photos.get(2).unwrap();
    assert_eq!(third.body, "近日，东坪镇农民在田间移栽早稻秧苗。");
    assert_eq!(third.contributors, vec!["谢丹"]);
    assert!(
        third.title.as_deref().is_none_or(|t| !t.contains('摄')),
        "{:?}",
        third.title
    );
}

#[test]
fn a_minguo_year_is_read_as_the_issue_year() {
    let ex = run("minguo_page.txt");
    assert_eq!(ex.publication.date, date(2024, 11, 2));
    assert_eq!(ex.articles.len(), 1);
    assert!(ex.articles.iter().all(|a| a.date == date(2024, 11, 2)));
}

#[test]
fn a_text_file_title_over_its_date_and_source_line_is_the_title() {
    let ex = run("title_over_date_article.utf16le.txt");
    assert_eq!(titles(&ex), vec!["石桥镇：秋茶采摘正当时"]);
    let a = find(&ex, "石桥镇：秋茶采摘正当时");
    assert_eq!(a.reporters, vec!["叶青"]);
    assert_eq!(a.contributors, vec!["陈亮"]);
    assert_eq!(a.date, date(2024, 10, 9));
    assert!(
        a.body
            .starts_with("本报讯（记者 叶 青 通讯员 陈 亮）10月8日")
    );
}

#[test]
fn a_web_page_bare_date_by_its_title_and_no_tags_line_in_the_body() {
    let ex = run("portal_article.html");
    assert_eq!(titles(&ex), vec!["梅岭镇建成首个村级养老服务站"]);
    let a = find(&ex, "梅岭镇建成首个村级养老服务站");
    assert_eq!(a.date, date(2024, 10, 9));
    assert_eq!(ex.publication.date, date(2024, 10, 9));
    assert!(!a.body.contains("标签"), "{}", a.body);
    assert!(a.body.ends_with("可同时容纳30位老人。"), "{}", a.body);
}

#[test]
fn a_markdown_link_line_after_the_text_is_no_part_of_it() {
    let ex = run("related_links_article.md");
    let a = find(&ex, "溪南县举办农民丰收节");
    assert!(!a.body.contains("延伸阅读"), "{}", a.body);
    assert!(!a.body.contains("秋粮喜获丰收"), "{}", a.body);
    assert!(a.body.ends_with("乡村美食评比等活动。"), "{}", a.body);
}

#[test]
fn a_short_label_over_a_credit_first_row_belongs_to_no_item() {
    let ex = run("labelled_photo_row_page.txt");
    assert_eq!(ex.articles.len(), 3, "{:?}", titles(&ex));
    let news = find(&ex, "城南片区老旧管网改造完工");
    assert!(news.body.ends_with("新建加压泵站3座。"), "{}", news.body);
    assert!(!news.body.contains("光影"));
    assert!(news.contributors.is_empty());
    assert!(ex.boilerplate.iter().any(|b| b == "光影"));
    let photos: Vec<&Article> = ex.articles.iter().skip(1).collect();
    assert!(photos.iter().all(|p| p.kind == Kind::Photo));
    assert_eq!(photos.first().unwrap().reporters, vec!["王静"]);
    assert!(photos.first().unwrap().body.starts_with("7月2日，游客"));
    assert_eq!(photos.get(1).unwrap().contributors, vec!["刘洋"]);
}

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

#[test]
fn a_web_story_with_a_dateline_keeps_its_subheads_and_captions() {
    // one anchor opens the page's first text under its headline: the runs of
    // headline-like lines further down (a subhead and a picture's caption) are the story's
    let ex = run("web_story_subheads_page.txt");
    assert_eq!(titles(&ex), vec!["东湖镇：大棚蔬菜鼓起农民钱袋子"]);
    let a = find(&ex, "东湖镇：大棚蔬菜鼓起农民钱袋子");
    assert!(a.body.contains("建大棚"), "{}", a.body);
    assert!(a.body.ends_with("让更多农民吃上“产业饭”。"), "{}", a.body);
    // a picture's file name glued to its caption leaves; the caption stays in the story
    assert!(
        ex.boilerplate.iter().any(|b| b == "2-王某某.jpg"),
        "{:?}",
        ex.boilerplate
    );
    assert!(a.body.contains("蔬菜种植户"), "{}", a.body);
    assert!(!a.body.contains(".jpg"), "{}", a.body);
}

#[test]
fn a_photo_story_keeps_a_caption_and_subhead_but_a_labelled_profile_is_an_item() {
    // a page nothing anchors: a caption over a subhead between paragraphs stays in the
    // story; a column's short label over a name and post heads an item of its own
    let ex = run("photo_story_runs_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["青山秋色入画来", "李某某青山县东湖镇卫生院院长"]
    );
    let a = find(&ex, "青山秋色入画来");
    assert!(a.body.contains("颗粒归仓"), "{}", a.body);
    assert!(!a.body.contains("扎根乡村卫生院"), "{}", a.body);
}
