//! Unit tests of the readers of one string: openers, labels, dates, furniture, text
//! counts and folds, and the first look at a line.

use super::articles::{lead_names_subject, numbered_subhead, opens_with_time};
use super::fields::{drop_closing_byline, split_inline_brief};
use super::line::Role;
use super::masthead::past_opener;
use super::read::byline::office_credit;
use super::read::dateline::role_not_dateline;
use super::read::dates::{bare_date, minguo_date};
use super::read::furniture::page_navigation;
use super::read::labels::*;
use chrono::NaiveDate;

use super::read::furniture::wide_digit_furniture;
use super::read::opener::{cites_report, compiled_dateline, message_dateline, opening_byline};
use super::roles::{first_look, table_cells};
use super::text::clean::chars;
use super::text::fold::{digits_value, key_of};

/// A reader of a text and its key, asked of a text with no traditional character: its
/// own key.
fn on_own_key<T>(read: fn(&str, &str) -> T, text: &str) -> T {
    read(text, text)
}

#[test]
fn page_navigation_lines() {
    for l in [
        "A12 | 大湾区",
        "今日4版  第1版  要闻",
        "01 要闻",
        "第1版",
        "B3｜综合新闻",
    ] {
        assert!(page_navigation(l), "{l}");
    }
    for l in [
        "2 名游客获救",
        "第一书记 带富一方",
        "12个村通上自来水",
        "要闻 综合",
    ] {
        assert!(!page_navigation(l), "{l}");
    }
}

#[test]
fn place_colon_headlines() {
    assert!(place_colon_headline("白水镇：一片茶叶带富一方百姓"));
    assert!(place_colon_headline("青山县: 牧民家门口学技能"));
    assert!(!place_colon_headline("青山县："));
    assert!(!place_colon_headline("他说：“好”"));
    assert!(!place_colon_headline("他说：演练很好"));
    assert!(!place_colon_headline("镇长表示：演练很好"));
    assert!(place_colon_headline("东门街道：老旧小区加装电梯"));
    assert!(place_colon_headline("新疆某某：戈壁滩上建起光伏基地"));
}

#[test]
fn labels() {
    assert!(comment_label("【青山时评】"));
    assert!(comment_label("评论"));
    assert!(comment_label("乡村观察"));
    assert!(!comment_label("青山县召开评论员会议动员部署"));
    assert!(!comment_label("相关链接"));
}

#[test]
fn opening_bylines() {
    let d = on_own_key(
        opening_byline,
        "（记者 石 兰 通讯员 孔 伟）近日，白水镇的改造工程进入收尾阶段。",
    )
    .expect("bracket");
    assert_eq!(d.byline.as_deref(), Some("记者 石 兰 通讯员 孔 伟"));
    let d = on_own_key(
        opening_byline,
        "本报记者 阿木古 报道 眼下，白水乡的滩涂上玉米长势喜人。",
    )
    .expect("报道");
    assert_eq!(d.byline.as_deref(), Some("本报记者 阿木古"));
    assert!(on_own_key(opening_byline, "（下转第2版）").is_none());
    assert!(
        on_own_key(
            opening_byline,
            "（图为记者在现场采访，村民热情介绍情况）群众说好。"
        )
        .is_none()
    );
    assert!(on_own_key(opening_byline, "记者从县里了解到，全县共有报道员三十人。").is_none());
    assert!(
        on_own_key(
            opening_byline,
            "据本报记者 王 五 报道，白水镇近日迎来大批候鸟。"
        )
        .is_none()
    );
    let d = on_own_key(
        opening_byline,
        "本报记者 李 乙 报道：近日，东坪乡通村公路全线通车。",
    )
    .expect("colon");
    assert_eq!(
        &"本报记者 李 乙 报道：近日，东坪乡通村公路全线通车。"[d.len..],
        "近日，东坪乡通村公路全线通车。"
    );
}

#[test]
fn inline_briefs() {
    let (h, b) = split_inline_brief("▲白水镇开展消防演练  13日上午，白水镇组织渔民开展演练。")
        .expect("split");
    assert_eq!(h, "白水镇开展消防演练");
    assert!(b.starts_with("13日上午"));
    let (h, _) =
        split_inline_brief("◆东坪乡修路\u{3000}日前，东坪乡新修道路三公里。").expect("ideographic");
    assert_eq!(h, "东坪乡修路");
    assert!(split_inline_brief("▲日前，白水镇开展演练。  群众参与。").is_none());
    assert!(split_inline_brief("白水镇开展消防演练  13日上午，白水镇组织演练。").is_none());
    let (h, _) = split_inline_brief("▶东坪乡修路 日前，东坪乡新修道路三公里。").expect("narrowed");
    assert_eq!(h, "东坪乡修路");
    assert!(split_inline_brief("▲青山县白水镇 开展消防演练，提升群众自救能力。").is_none());
    let (h, _) = split_inline_brief("●白水镇：渔船消防演练  13日上午，白水镇组织演练。")
        .expect("place colon");
    assert_eq!(h, "白水镇：渔船消防演练");
    assert!(split_inline_brief("●他说：演练很好  大家都说好，演练很成功。").is_none());
}

#[test]
fn past_openers() {
    assert!(past_opener("2008年，某技艺被列入名录。"));
    assert!(!past_opener("2024年冬季培训——"));
    assert!(!past_opener("今年以来，"));
}

#[test]
fn compiled_items_open_with_their_source() {
    let d = on_own_key(
        compiled_dateline,
        "本报综合 据东江晚报报道，今年上半年，全市新增绿道120公里。",
    )
    .expect("compiled");
    assert_eq!(
        "本报综合 据东江晚报报道，今年".get(..d.len),
        Some("本报综合 据东江晚报报道")
    );
    assert!(
        on_own_key(
            compiled_dateline,
            "本报综合消息 近日，某县举办了首届农民丰收节活动。"
        )
        .is_some()
    );
    assert!(on_own_key(compiled_dateline, "本报综合").is_none());
    assert!(
        on_own_key(
            compiled_dateline,
            "本报记者从县农业农村局获悉，今年全县粮食丰收。"
        )
        .is_none()
    );
    assert!(cites_report("据南岭电视台报道，上周末全县迎来降雨。"));
    assert!(!cites_report("据介绍，今年全县完成造林五千亩。"));
    assert!(!cites_report(
        "据了解，目前已有三十多家企业报道了用工需求，情况良好。"
    ));
}

#[test]
fn letter_spaced_notice_words() {
    assert!(spaced_notice("讣  告"));
    assert!(spaced_notice("公 告"));
    assert!(spaced_notice("声　明"));
    assert!(!spaced_notice("讣告"));
    assert!(!spaced_notice("春 耕"));
    assert!(!spaced_notice("关于 停水的 通知"));
}

#[test]
fn questions_page_numbers_and_office_credits() {
    assert!(question_turn("记者：今年的重点工作有哪些？"));
    assert!(question_turn("问:怎么申请?"));
    assert!(question_turn("本报记者：明年还有哪些新打算？"));
    assert!(!question_turn("记者：王 明"));
    assert!(!question_turn("村里的路修好了吗？"));
    assert!(bracketed_page_number("（第2版）"));
    assert!(bracketed_page_number("(A5版)"));
    assert!(!bracketed_page_number("（下转第2版）"));
    assert!(!bracketed_page_number("（2版面）"));
    let p = office_credit("东湖镇融媒体工作站 许 宁 摄").expect("credit");
    assert_eq!(p.contributors, vec!["许宁".to_string()]);
    assert!(office_credit("游客在湖边 摄").is_none());
    assert!(office_credit("记者 王英 摄").is_none());
}

#[test]
fn minguo_and_bare_dates() {
    assert_eq!(
        minguo_date(&key_of("中華民國114年3月8日 星期六")),
        NaiveDate::from_ymd_opt(2025, 3, 8)
    );
    assert_eq!(
        minguo_date("民国 113 年 12 月 1 日"),
        NaiveDate::from_ymd_opt(2024, 12, 1)
    );
    assert_eq!(minguo_date(&key_of("民國時期的老街")), None);
    assert_eq!(
        bare_date("2025-09-24 10:18"),
        NaiveDate::from_ymd_opt(2025, 9, 24)
    );
    assert_eq!(bare_date("2024/3/5"), NaiveDate::from_ymd_opt(2024, 3, 5));
    assert_eq!(
        bare_date("2024年3月5日 08:00"),
        NaiveDate::from_ymd_opt(2024, 3, 5)
    );
    assert_eq!(bare_date("2024-03-05 来源：某某网"), None);
    assert_eq!(bare_date("12345"), None);
}

#[test]
fn tags_and_link_lines() {
    assert!(tags_line("标签：东湖镇 茶叶"));
    assert!(tags_line("关键词: 春耕"));
    assert!(!tags_line("标签：这是一句很长的话，不是标签。"));
    assert!(link_label_line(
        "> 相关阅读：[春茶开采 茶农喜迎丰收](https://example.cn/a.html)"
    ));
    assert!(link_label_line("延伸阅读: [甲](u1) [乙](u2)"));
    assert!(!link_label_line("详情见[这里](https://example.cn)。"));
    assert!(!link_label_line("> 相关阅读：县里还有[更多](u)活动安排"));
}

#[test]
fn closing_bylines_leave_the_body() {
    let last = "全镇完成春播三万亩。（通讯员 李 文）";
    let mut b = format!("第一段。\n\n{last}");
    drop_closing_byline(&mut b, last, "（通讯员 李 文）");
    assert_eq!(b, "第一段。\n\n全镇完成春播三万亩。");
    let mut only = "（通讯员 李文）".to_string();
    drop_closing_byline(&mut only, "（通讯员 李文）", "（通讯员 李文）");
    assert_eq!(only, "（通讯员 李文）");
    let last = "全镇完成春播三万亩。（王 英 李 明）";
    let mut names = last.to_string();
    drop_closing_byline(&mut names, last, "（王 英 李 明）");
    assert_eq!(names, last);
}

#[test]
fn wide_digits_read_as_ascii() {
    assert_eq!(digits_value("０７"), Some(7));
    assert_eq!(digits_value("12"), Some(12));
    assert_eq!(digits_value("1２"), Some(12));
    assert_eq!(digits_value(""), None);
    assert_eq!(digits_value("1a"), None);
    assert!(wide_digit_furniture("第３版  地方新闻"));
    assert!(wide_digit_furniture("新闻热线：０５５１－１２３４５６７"));
    assert!(
        !wide_digit_furniture("第3版  地方新闻"),
        "ASCII lines are tested elsewhere"
    );
    assert!(!wide_digit_furniture(
        "全镇新建大棚１２０座，带动农户增收。"
    ));
}

#[test]
fn accounts_named_after_their_place() {
    assert_eq!(account_home("青山发布").as_deref(), Some("青山"));
    assert_eq!(account_home("白水融媒").as_deref(), Some("白水"));
    assert_eq!(account_home("青山日报"), None);
    assert_eq!(account_home("发布"), None);
}

#[test]
fn brief_openings_boxes_and_letters() {
    assert!(opens_with_time_clause("入春以来，全镇新修水渠三条。"));
    assert!(opens_with_time_clause("秋收期间，农机手忙个不停。"));
    assert!(!opens_with_time_clause("开展消防演练，提升群众自救能力。"));
    assert!(
        !opens_with_time_clause("自从去年秋天村里修路以来，"),
        "too long"
    );
    assert!(box_line("温馨提示：近期降温，请注意保暖。"));
    assert!(!box_line("镇长说：我们要抓紧时间，争取早日完成。"));
    assert!(!box_line("今天：晴"));
    assert!(letter_salutation("编辑同志："));
    assert!(letter_salutation("尊敬的编辑："));
    assert!(!letter_salutation("各位村民："));
    assert!(!letter_salutation("编辑同志"));
    assert!(letter_label("群众来信"));
    assert!(!letter_label("来信收到后我们很重视"));
    assert_eq!(reader_signature("白水乡 读者 韦春林"), Some("韦春林"));
    assert_eq!(reader_signature("读者 韦春林"), Some("韦春林"));
    assert_eq!(reader_signature("本版编辑 周 岩"), None);
    assert_eq!(reader_signature("欢迎广大读者 来信"), None);
}

#[test]
fn a_correspondent_is_no_dateline() {
    assert!(role_not_dateline("本报通讯员 甲乙", "本报".len()));
    assert!(role_not_dateline(&key_of("本報通訊員 甲乙"), "本報".len()));
    assert!(!role_not_dateline("本报通州讯 近日", "本报".len()));
}

#[test]
fn dated_message_datelines() {
    let d = on_own_key(
        message_dateline,
        "东江新闻客户端3月9日消息  在白水县青石镇，农户正忙着春耕备播。",
    )
    .expect("app");
    assert_eq!(d.month_day, Some((3, 9)));
    assert_eq!(d.org.as_deref(), Some("东江新闻客户端"));
    assert_eq!(d.place, None);
    let d = on_own_key(
        message_dateline,
        "据南山通讯社青州１１月２日消息，当地新建的物流园正式投入运营。",
    )
    .expect("cited");
    assert_eq!(d.month_day, Some((11, 2)));
    assert_eq!(d.org.as_deref(), Some("南山通讯社"));
    assert_eq!(d.place.as_deref(), Some("青州"));
    assert!(
        on_own_key(
            message_dateline,
            "记者3月9日从县里获悉消息，全县新建公路二十公里。"
        )
        .is_none()
    );
    assert!(
        on_own_key(
            message_dateline,
            "据了解，这一消息传开后，村民们纷纷前来报名参加。"
        )
        .is_none()
    );
    assert!(
        on_own_key(message_dateline, "东江新闻客户端3月9日消息").is_none(),
        "no text follows"
    );
    assert!(
        on_own_key(
            message_dateline,
            "东江新闻客户端13月9日消息 在白水县青石镇，农户正忙着春耕。"
        )
        .is_none()
    );
}

#[test]
fn a_picture_column_label_is_furniture() {
    assert_eq!(first_look("图片新闻", "图片新闻").0, Role::Furniture);
    let credit = "（记者 王英 摄）";
    assert_eq!(first_look(credit, credit).0, Role::Credit);
}

#[test]
fn table_rows_by_their_cells() {
    assert_eq!(table_cells("1  青山农场  东镇  蔬菜"), 4);
    assert_eq!(table_cells("序号\t名称\t星级"), 3);
    assert_eq!(table_cells("抢抓农时 稳产保供"), 0);
    assert_eq!(table_cells("东川日报  2025年6月3日"), 0);
}

#[test]
fn names_alone_in_brackets() {
    assert_eq!(bracketed_names("（王 英 李 明）"), Some("（王 英 李 明）"));
    assert_eq!(bracketed_names("(张海燕)"), Some("(张海燕)"));
    for t in [
        "（完）",
        "（上）",
        "（图）",
        "（记者 王英）",
        "（下转第2版）",
        "（2024年）",
    ] {
        assert!(bracketed_names(t).is_none(), "{t}");
    }
}

#[test]
fn byte_count_agrees_with_chars() {
    for s in [
        "",
        " 甲 乙\t",
        "a\u{85}b\u{A0}c\u{1680}d",
        "\u{2000}\u{200A}\u{2028}\u{2029}",
        "\u{202F}x\u{205F}\u{3000}“引”—…、。",
        "é\u{2010}\u{2030}\u{3001}",
        "𠀀 𠀁",
    ] {
        let want = s.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(chars(s), want, "{s:?}");
    }
}

#[test]
fn time_leads_and_numbered_subheads() {
    assert!(opens_with_time("5月18日，柳溪镇举办插秧节。"));
    assert!(opens_with_time("16日上午，会议召开。"));
    assert!(opens_with_time("近日，社区公园开放。"));
    assert!(!opens_with_time("改厕工作坚持群众自愿，因地制宜。"));
    assert!(!opens_with_time("今年以来，全县坚持产业强基。"));
    assert!(!opens_with_time("3月以来，各乡镇配备保洁员。"));
    assert!(!opens_with_time(
        "全县上下认真贯彻落实上级部署要求不断推进，工作"
    ));
    assert!(numbered_subhead("一、垃圾分类全覆盖"));
    assert!(numbered_subhead("（二）污水治理"));
    assert!(numbered_subhead("3.厕所革命"));
    assert!(numbered_subhead("【链接】"));
    assert!(!numbered_subhead("厕所革命稳步推进"));
    assert!(!numbered_subhead("2025年春耕全面铺开"));
}

#[test]
fn a_lead_that_names_the_headline_subject() {
    assert!(lead_names_subject(
        "城北社区改造口袋公园",
        "城北社区利用闲置空地改造的口袋公园正式开放，居民多了休闲去处。"
    ));
    assert!(!lead_names_subject(
        "厕所革命稳步推进",
        "改厕工作坚持群众自愿，因地制宜选择改厕模式。"
    ));
    assert!(!lead_names_subject(
        "柳溪镇：插秧节带火乡村游",
        "柳溪镇今年举办首届插秧节，吸引游客。"
    ));
}

#[test]
fn notice_titles_by_their_last_word() {
    assert!(is_notice_title("关于做好春季防火工作的通 知"));
    assert!(is_notice_title("招聘启事！"));
    assert!(!is_notice_title("公告"));
    assert!(!is_notice_title("某公告!"));
    assert!(is_notice_title("某某公告!"));
    assert!(!is_notice_title("全县召开安全生产会议"));
}
