//! One test per rule name (see the table in `src/extract/mod.rs`): `localfeed extract
//! --explain` on a fixture page of our own words gives the named line the role and the
//! rule name expected. A new rule gets its test here, under its name.

mod common;

use common::Sandbox;

/// The lines `--explain` prints for a file: (role, rule, text).
fn explain(s: &Sandbox, file: &str) -> Vec<(String, String, String)> {
    let o = s.run(&["extract", "--explain", file]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let mut lines = Vec::new();
    for l in out.lines().filter(|l| !l.starts_with("== ")) {
        let mut rest = l.trim_start();
        let mut cols = Vec::new();
        for _ in 0..3 {
            let (col, r) = rest.split_once(' ').unwrap_or((rest, ""));
            cols.push(col.to_string());
            rest = r.trim_start();
        }
        lines.push((cols[1].clone(), cols[2].clone(), rest.to_string()));
    }
    lines
}

/// Asserts that `text` in `file` is read as `role` by the rule `rule`.
fn check(file: &str, text: &str, role: &str, rule: &str) {
    let s = Sandbox::empty();
    let path = common::repo().join("tests/fixtures/extract").join(file);
    let lines = explain(&s, &path.display().to_string());
    let found = lines.iter().find(|(_, _, t)| t == text);
    let Some((r, n, _)) = found else {
        panic!("{file}: no line {text:?} in\n{lines:#?}");
    };
    assert_eq!((r.as_str(), n.as_str()), (role, rule), "{file}: {text}");
}

/// Asserts the same of a page given as text.
fn check_text(page: &str, text: &str, role: &str, rule: &str) {
    let s = Sandbox::empty();
    s.write("page.txt", page);
    let lines = explain(&s, "page.txt");
    let found = lines.iter().find(|(_, _, t)| t == text);
    let Some((r, n, _)) = found else {
        panic!("no line {text:?} in\n{lines:#?}");
    };
    assert_eq!((r.as_str(), n.as_str()), (role, rule), "{text}");
}

#[test]
fn dateline() {
    check(
        "briefs_page.txt",
        "本报青山3月3日讯(记者 郑和平) 2日,青山县新时代文明实践站揭牌仪式举行。县委书记出席仪式并讲话。",
        "opens:dateline",
        "dateline",
    );
}

#[test]
fn opening_byline() {
    check(
        "noyear_box_page.txt",
        "本报记者 阿木古 报道 眼下，石桥镇的蔬菜大棚里一片翠绿，新引进的彩椒、樱桃番茄长势喜人，第一批产品将于下月上市。",
        "opens:byline",
        "opening-byline",
    );
}

#[test]
fn compiled_item() {
    check(
        "compiled_items_page.txt",
        "本报综合 据东川电视台报道，今年前八个月，溪南县新能源汽车销量达到四千六百辆，同比增长近五成。县里新建公共充电桩三百余个，实现乡镇充电设施全覆盖。",
        "opens:compiled",
        "compiled-item",
    );
}

#[test]
fn wire_message() {
    check(
        "letter_page.txt",
        "南江网客户端9月19日消息  在东坪县苍岭镇的木器作坊里，工人们正在为一批城市家居卖场的订单赶工，产品从八仙桌扩展到书架和茶台。（总台记者 孟 川）",
        "opens:wire",
        "wire-message",
    );
}

#[test]
fn furniture() {
    check(
        "briefs_page.txt",
        "第03版:综合新闻",
        "furniture",
        "furniture",
    );
}

#[test]
fn photo_credit() {
    check(
        "credit_first_photos_page.txt",
        "通讯员 黄小燕 摄",
        "credit",
        "photo-credit",
    );
}

#[test]
fn byline() {
    check("briefs_page.txt", "本报记者 郑和平", "byline", "byline");
}

#[test]
fn author_line() {
    check(
        "briefs_page.txt",
        "青山县委常委、宣传部部长 方立",
        "author",
        "author-line",
    );
}

#[test]
fn bracketed_names() {
    check(
        "end_byline_page.txt",
        "（宋 岚 魏 东）",
        "para",
        "bracketed-names",
    );
}

#[test]
fn marked_headline() {
    check(
        "column_page.txt",
        "■ 青石镇完成农田灌溉改造",
        "head",
        "marked-headline",
    );
}

#[test]
fn marked_brief() {
    check(
        "marked_photos_page.txt",
        "▲2月15日,城北小学开展“开学第一课”消防安全教育,消防员为学生演示灭火器使用方法。",
        "marker",
        "marked-brief",
    );
}

#[test]
fn headline_shape() {
    check(
        "briefs_page.txt",
        "青山县新时代文明实践中心正式揭牌运行",
        "head",
        "headline-shape",
    );
}

#[test]
fn running_text() {
    check(
        "briefs_page.txt",
        "王县长为实践中心揭牌。",
        "para",
        "running-text",
    );
}

#[test]
fn closing_credit() {
    check(
        "caption_page.txt",
        "(记者 高远 摄)",
        "credit",
        "closing-credit",
    );
}

#[test]
fn furniture_neighbour() {
    check(
        "wide_digit_page.txt",
        "【天气】",
        "furniture",
        "furniture-neighbour",
    );
}

#[test]
fn masthead_name() {
    check(
        "broken_headline_page.txt",
        "南湾日报",
        "furniture",
        "masthead-name",
    );
}

#[test]
fn broken_headline() {
    check(
        "broken_headline_page.txt",
        "石桥镇茶叶加工园区新建智能烘焙车间",
        "head",
        "broken-headline",
    );
}

#[test]
fn page_navigation() {
    check(
        "minguo_page.txt",
        "地方綜合  B2",
        "furniture",
        "page-navigation",
    );
}

#[test]
fn page_navigation_back_link() {
    check_text(
        &web_story("返回 B3:乡镇新闻"),
        "返回 B3:乡镇新闻",
        "furniture",
        "page-navigation",
    );
}

#[test]
fn brief_column_label() {
    check(
        "column_page.txt",
        "新闻速览",
        "furniture",
        "brief-column-label",
    );
}

#[test]
fn notice_salutation() {
    check(
        "column_page.txt",
        "各乡镇、县直各单位:",
        "para",
        "notice-salutation",
    );
}

#[test]
fn author_note() {
    check(
        "noyear_box_page.txt",
        "（作者系南坪县委党校教师）",
        "para",
        "author-note",
    );
}

#[test]
fn pen_name() {
    check("second_front_page.txt", "钟 远", "byline", "pen-name");
}

#[test]
fn interview_subtitle() {
    check(
        "interview_page.txt",
        "——访县住房和城乡建设局局长 林海涛",
        "head",
        "interview-subtitle",
    );
}

#[test]
fn interview_question() {
    check(
        "interview_page.txt",
        "问：今年全县老旧小区改造有哪些新变化？",
        "para",
        "interview-question",
    );
}

#[test]
fn bracketed_page_number() {
    check(
        "compiled_items_page.txt",
        "（第3版）",
        "furniture",
        "bracketed-page-number",
    );
}

#[test]
fn office_credit() {
    check(
        "credit_first_photos_page.txt",
        "东坪镇文化站 谢 丹 摄",
        "credit",
        "office-credit",
    );
}

#[test]
fn service_box_line() {
    check(
        "wide_digit_page.txt",
        "温馨提示：近期早晚温差较大，请注意添衣保暖。",
        "furniture",
        "service-box-line",
    );
}

#[test]
fn letter_salutation() {
    check(
        "letter_page.txt",
        "尊敬的编辑：",
        "opens:salutation",
        "letter-salutation",
    );
}

#[test]
fn letter_column_label() {
    check(
        "letter_page.txt",
        "群众来信",
        "furniture",
        "letter-column-label",
    );
}

#[test]
fn reader_signature() {
    check(
        "letter_page.txt",
        "苍岭镇 读者 韦春林",
        "para",
        "reader-signature",
    );
}

#[test]
fn picture_column_label() {
    check_text(
        "图片新闻\n\n▲春耕时节，石湾村的农民在田里插秧。（记者 方园 摄）\n",
        "图片新闻",
        "furniture",
        "picture-column-label",
    );
}

#[test]
fn table_row() {
    check_text(
        "水库水位一览\n\n本报讯 昨日，县水利局公布各水库水位。\n\n1  青石水库  东镇  正常\n2  白沙水库  西乡  偏低\n3  红岩水库  南镇  正常\n\n县水利局提醒，各地要加强巡查。\n",
        "2  白沙水库  西乡  偏低",
        "para",
        "table-row",
    );
}

/// A page of a web story: its headline, `line` between it and the text, its dateline.
fn web_story(line: &str) -> String {
    format!(
        "西乡修通一条机耕路\n\n{line}\n\n本报讯 5月2日，西乡新修的机耕路通车，村民下地不再绕远。\n"
    )
}

#[test]
fn joined_outlets() {
    check_text(
        "东镇召开春耕会议\n\n青山在线网-青山晚报讯 5月2日，东镇召开春耕会议，部署春耕工作。\n",
        "青山在线网-青山晚报讯 5月2日，东镇召开春耕会议，部署春耕工作。",
        "opens:dateline",
        "joined-outlets",
    );
}

#[test]
fn markup_debris() {
    check(
        "web_furniture_page.txt",
        "-->2025-03-18 柳岸镇 1 1 content_1024.html 1 技能课堂 /contentprop-->",
        "furniture",
        "markup-debris",
    );
}

#[test]
fn figures_only() {
    check_text(
        &format!("{}\n服务热线\n\n0571-88886666\n", web_story("")),
        "0571-88886666",
        "furniture",
        "figures-only",
    );
}

#[test]
fn breadcrumb_trail() {
    check(
        "web_furniture_page.txt",
        "青溪在线 > 乡镇动态 > 正文",
        "furniture",
        "breadcrumb-trail",
    );
}

#[test]
fn label_values() {
    // `当前版:05版` is a page's number first (page-navigation); a label without a page
    check_text(
        &web_story("栏目:乡镇动态 录入:林溪"),
        "栏目:乡镇动态 录入:林溪",
        "furniture",
        "label-values",
    );
}

#[test]
fn time_stamp() {
    check_text(
        &web_story("青山日报 2025年5月2日 08:30 大字 小字"),
        "青山日报 2025年5月2日 08:30 大字 小字",
        "furniture",
        "time-stamp",
    );
}

#[test]
fn weather_box() {
    check(
        "digest_page.txt",
        "天气:今天,阴转小雨,气温16~22℃;明天,多云,气温15~25℃。",
        "furniture",
        "weather-box",
    );
}

#[test]
fn dash_wrapped_label() {
    check(
        "digest_page.txt",
        "—转发—",
        "furniture",
        "dash-wrapped-label",
    );
}

#[test]
fn bracket_label() {
    check(
        "digest_page.txt",
        "【本期提要】",
        "furniture",
        "bracket-label",
    );
}

#[test]
fn digest_list() {
    check(
        "digest_page.txt",
        "★城南菜市场完成提升改造",
        "furniture",
        "digest-list",
    );
}

#[test]
fn teaser_block() {
    check(
        "web_furniture_page.txt",
        "猜你喜欢",
        "furniture",
        "teaser-block",
    );
}

#[test]
fn closing_notice() {
    let notice = "本网站刊载的新闻稿件均为原创，转载请注明出处。版权声明：未经书面许可不得转载、摘编或以其他方式使用本站稿件，投稿邮箱见本站首页，欢迎读者来稿并提出意见和建议，我们将认真听取每一条意见。";
    check_text(
        &format!("{}\n{notice}\n", web_story("")),
        notice,
        "furniture",
        "closing-notice",
    );
}

/// A site's footer under the story: the editor's credit closes the story, then the
/// rights terms (a long paragraph holding one marker), a slogan, the licence line.
fn footer_page() -> String {
    format!(
        "{}西乡的机耕路全长三公里，今年秋收前全部硬化完毕，村民的农机可以直接开到地头。\n\n责任编辑：某某\n\n本网声明：凡本网注明来源：青山在线的文字、图片和音视频稿件，均为本网独家所有。任何媒体和个人使用时须征得书面同意并署名，违者将依法追究其法律责任。\n\n服务百姓、贴近群众、传播正能量。\n\n网站电话：0571-12345678 青ICP备12345678号\n",
        web_story("")
    )
}

#[test]
fn footer_notices() {
    let page = footer_page();
    check_text(
        &page,
        "本网声明：凡本网注明来源：青山在线的文字、图片和音视频稿件，均为本网独家所有。任何媒体和个人使用时须征得书面同意并署名，违者将依法追究其法律责任。",
        "furniture",
        "footer-notices",
    );
    check_text(
        &page,
        "服务百姓、贴近群众、传播正能量。",
        "furniture",
        "footer-notices",
    );
    // the story's own last paragraph stays text
    check_text(
        &page,
        "西乡的机耕路全长三公里，今年秋收前全部硬化完毕，村民的农机可以直接开到地头。",
        "para",
        "running-text",
    );
}

#[test]
fn a_short_closing_paragraph_of_the_story_is_no_footer() {
    // no furniture closes the story above the marked line: nothing is the footer's
    let page = format!(
        "{}活动持续到本月底。\n\n（来源：青山日报）\n",
        web_story("")
    );
    check_text(&page, "活动持续到本月底。", "para", "running-text");
}

#[test]
fn page_title_repeated() {
    let page = "本报讯 5月1日，东镇召开会议。\n\n西乡修通一条机耕路\n\n2025-05-02 08:30\n\n西乡修通一条机耕路\n\n本报讯 5月2日，西乡新修的机耕路通车，村民下地不再绕远。\n";
    let s = Sandbox::empty();
    s.write("page.txt", page);
    let lines = explain(&s, "page.txt");
    let roles: Vec<(&str, &str)> = lines
        .iter()
        .filter(|(_, _, t)| t == "西乡修通一条机耕路")
        .map(|(r, n, _)| (r.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("furniture", "page-title-repeated"),
            ("head", "headline-shape")
        ]
    );
}

#[test]
fn roleless_byline() {
    check(
        "picture_header_page.txt",
        "(韦立新)",
        "byline",
        "roleless-byline",
    );
    // under a headline and its time line, over a story with no dateline
    check_text(
        "首页 > 教育 > 正文\n\n山里来了新老师\n\n2024-05-06 10:20 字号:\n\n(林小溪)\n\n编者按:新学期开学，山里的小学来了三位年轻老师，孩子们围着他们问个不停，村里也热闹了起来。\n",
        "(林小溪)",
        "byline",
        "roleless-byline",
    );
}

#[test]
fn header_score() {
    // a site's welcome line and menu above a story's headline and time line: the model
    // makes the menu furniture and keeps the headline (the welcome line it doubts, and
    // keeps: a doubtful line stays what its shape says)
    let page = "欢迎访问青山县人民政府网站\n\n首页 政务公开 新闻中心 办事服务 互动交流\n\n东湖镇新修三座便民桥\n\n发布时间：2025-05-02 08:30  来源：东湖镇\n\n5月1日，东湖镇新修的三座便民桥同时通行，两岸村民赶集不再绕行十里。这三座桥由镇里统一设计，村民投工投劳，历时半年建成。\n";
    check_text(
        page,
        "首页 政务公开 新闻中心 办事服务 互动交流",
        "furniture",
        "header-score",
    );
    check_text(page, "东湖镇新修三座便民桥", "head", "headline-shape");
    // and `--features` shows what it read of each line, with the score
    let s = Sandbox::empty();
    s.write("page.txt", page);
    let o = s.run(&["extract", "--features", "page.txt"]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = |t: &str| rows.iter().find(|r| r["text"] == t).unwrap().clone();
    let head = row("东湖镇新修三座便民桥");
    let menu = row("首页 政务公开 新闻中心 办事服务 互动交流");
    assert_eq!(head["features"]["nearest-to-text"], 1.0);
    assert_eq!(menu["features"]["spaced-short-words"], 1.0);
    assert!(head["score"].as_f64().unwrap() > menu["score"].as_f64().unwrap());
}

#[test]
fn every_rule_of_the_module_doc_has_a_test_here() {
    let doc = std::fs::read_to_string(common::repo().join("src/extract/mod.rs")).unwrap();
    let me = std::fs::read_to_string(common::repo().join("tests/extract_roles.rs")).unwrap();
    let mut names = 0;
    for part in doc
        .lines()
        .filter(|l| l.starts_with("//!"))
        .flat_map(|l| l.split('`').skip(1).step_by(2))
    {
        let rule_like = !part.starts_with('-')
            && part.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && (part.contains('-') || ["dateline", "furniture", "byline"].contains(&part));
        if rule_like {
            names += 1;
            let f = format!("fn {}()", part.replace('-', "_"));
            assert!(me.contains(&f), "rule `{part}` has no test `{f}` here");
        }
    }
    assert!(names >= 30, "{names} rule names found in the module doc");
}

#[test]
fn text_size_switch() {
    check_text(
        &web_story("放大 缩小 默认"),
        "放大 缩小 默认",
        "furniture",
        "text-size-switch",
    );
}

#[test]
fn neighbour_link() {
    check_text(
        &web_story("后一版 2025年03月18日"),
        "后一版 2025年03月18日",
        "furniture",
        "neighbour-link",
    );
}

#[test]
fn share_widget() {
    check_text(&web_story("分享至"), "分享至", "furniture", "share-widget");
}

#[test]
fn story_pager() {
    check_text(
        &web_story("本文共3页，当前在第1页 1 2 3"),
        "本文共3页，当前在第1页 1 2 3",
        "furniture",
        "story-pager",
    );
}

#[test]
fn image_file_name() {
    check_text(
        &web_story("photo_0318.jpg"),
        "photo_0318.jpg",
        "furniture",
        "image-file-name",
    );
}

#[test]
fn dated_items() {
    // a work log: three dated paragraphs with nothing above them, each an item
    let log = "5月6日，东镇召开春耕生产调度会，部署抢抓农时各项工作。\n\n\
               5月6日，西乡组织志愿者走进敬老院，为老人打扫卫生、理发。\n\n\
               为提升群众安全意识，5月7日，南湖街道开展消防演练进社区活动。\n";
    let s = Sandbox::empty();
    s.write("log.txt", log);
    let lines = explain(&s, "log.txt");
    assert_eq!(lines.len(), 3, "{lines:#?}");
    for (role, rule, text) in &lines {
        assert_eq!(
            (role.as_str(), rule.as_str()),
            ("opens:dated", "dated-items"),
            "{text}"
        );
    }
    let o = s.run(&["extract", "--format", "json", "log.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["articles"].as_array().map(Vec::len), Some(3), "{v:#}");

    // the same paragraphs under a headline are one story's chronology
    let story = format!("东镇这一周\n\n{log}");
    s.write("story.txt", &story);
    assert!(
        explain(&s, "story.txt")
            .iter()
            .all(|(role, _, _)| role != "opens:dated")
    );
    // captions of a picture story repeat one opening: no log
    let captions = "5月6日，在东镇万亩麦田里，农机手驾驶收割机抢收小麦。\n\n".repeat(3);
    s.write("captions.txt", &captions);
    assert!(
        explain(&s, "captions.txt")
            .iter()
            .all(|(role, _, _)| role != "opens:dated")
    );
}

#[test]
fn caption_after_file_name() {
    // a picture's file name glued to its caption is cut off; the caption is text, though
    // it reads as a name and a post
    check(
        "web_story_subheads_page.txt",
        "王某某 东湖镇南岸村蔬菜种植户",
        "para",
        "caption-after-file-name",
    );
    check(
        "web_story_subheads_page.txt",
        "2-王某某.jpg",
        "furniture",
        "image-file-name",
    );
}

#[test]
fn summary_under_headline() {
    let summary = "内容提要：西乡今年新修机耕路十二公里，村民下地不再绕远，田间运输成本降低三成。";
    let page = format!(
        "西乡修通一条机耕路\n\n{summary}\n\n五月的西乡，田野一片新绿。村民老李开着三轮车，沿新修的机耕路直达自家地头。\n\n今年以来，西乡共修机耕路十二公里。\n"
    );
    check_text(&page, summary, "furniture", "summary-under-headline");
    // A speaker's words as a headline under its kicker are shorter after the colon.
    let quote = "老李：机耕路修到地头，下地再也不绕远";
    let page = format!(
        "西乡修通一条机耕路\n\n{quote}\n\n五月的西乡，田野一片新绿。村民老李开着三轮车，沿新修的机耕路直达自家地头。\n"
    );
    check_text(&page, quote, "head", "headline-shape");
}

#[test]
fn labelled_menu() {
    let menu = "乡镇频道: 东镇 西乡 南岭 北山 青溪 柳岸 石桥";
    check_text(&web_story(menu), menu, "furniture", "labelled-menu");
    // A kicker naming places with 、 and words is no menu.
    let kicker = "东镇、西乡、南岭、北山、青溪五地联动";
    check_text(&web_story(kicker), kicker, "head", "headline-shape");
}

#[test]
fn digest_over_dated_items() {
    // a newsletter: the day's headlines, its column's label, then the items, each a dated
    // paragraph without a headline; the last cut short by the copy
    let page = "东镇召开春耕生产调度会\n西乡志愿者走进敬老院\n南湖街道开展“消防演练进社区”\n\n\n\
                政务动态\n\
                5月6日上午，东镇召开春耕生产调度会，部署抢抓农时各项工作。\n\n\
                5月6日下午，西乡组织志愿者走进敬老院，为老人打扫卫生、理发。\n\n\
                5月7日上午，南湖街道开展消防演练进社区活动，居民二百余人参加\n";
    let s = Sandbox::empty();
    s.write("digest.txt", page);
    let lines = explain(&s, "digest.txt");
    let roles: Vec<(&str, &str)> = lines
        .iter()
        .map(|(r, n, _)| (r.as_str(), n.as_str()))
        .collect();
    let mut want = vec![("furniture", "digest-over-dated-items"); 4];
    want.extend([("opens:dated", "dated-items"); 3]);
    assert_eq!(roles, want, "{lines:#?}");
    let o = s.run(&["extract", "--format", "json", "digest.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["articles"].as_array().map(Vec::len), Some(3), "{v:#}");
    // one headline and a short one above the dates: a story's title and subhead
    let story = "东镇这一周\n\n大事记\n\n5月6日上午，东镇召开春耕生产调度会，部署抢抓农时各项工作。\n\n\
                 5月6日下午，西乡组织志愿者走进敬老院，为老人打扫卫生、理发。\n\n\
                 5月7日上午，南湖街道开展消防演练进社区活动，居民二百余人参加。\n";
    s.write("story.txt", story);
    assert!(
        explain(&s, "story.txt")
            .iter()
            .all(|(role, _, _)| role != "opens:dated" && role != "furniture")
    );
}
