//! The extract stage on fixture pages written for these tests (invented text in the
//! shapes of real e-paper pages), and on the shared sample corpus when it is present.

mod common;

use chrono::NaiveDate;
use common::extract::{date, find, fixture, run, run_named, titles};
use localfeed::extract::{DecodeError, decode, extract};
use localfeed::model::{Article, Extraction, InputForm, Kind, PageText, SourceHints};

#[test]
fn masthead_page_articles_headlines_and_bylines() {
    let ex = run("masthead_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "以网格化服务提升基层治理效能",
            "凝心聚力共谋发展",
            "田野春耕忙"
        ]
    );
    assert_eq!(ex.publication.name.as_deref(), Some("青山日报"));
    assert_eq!(ex.publication.home.as_deref(), Some("青山县"));
    assert_eq!(ex.publication.date, date(2024, 3, 5));

    let a = find(&ex, "以网格化服务提升基层治理效能");
    assert_eq!(a.kicker.as_deref(), Some("青山县"));
    assert_eq!(a.reporters, vec!["张明远"]);
    assert_eq!(a.contributors, vec!["李晓燕"]);
    assert_eq!(a.date, date(2024, 3, 5));
    assert_eq!(a.kind, Kind::News);
    // broken paragraph rejoined, extractor spaces removed, byline spaces kept
    assert!(
        a.body
            .starts_with("本报青山讯（记者 张明远 通讯员 李 晓燕）近日，青山县召开网格化服务管理")
    );
    assert!(a.body.contains("推动资源力量向基层下沉"));
    assert_eq!(a.body.split("\n\n").count(), 3);

    let b = find(&ex, "凝心聚力共谋发展");
    assert_eq!(
        b.subtitle.as_deref(),
        Some("青山县召开第一季度经济运行分析会议")
    );
    assert_eq!(b.kicker, None);

    let photo = find(&ex, "田野春耕忙");
    assert_eq!(photo.kind, Kind::Photo);
    assert_eq!(photo.reporters, vec!["高远"]);
    assert!(photo.body.starts_with("春耕时节"));

    for a in &ex.articles {
        for bad in ["热线", "http", "总第1234期", "主办"] {
            assert!(!a.body.contains(bad), "{bad} left in {:?}", a.title);
        }
    }
    assert!(ex.boilerplate.iter().any(|b| b.contains("新闻热线")));
}

#[test]
fn other_encodings_read_the_same() {
    let utf8 = run("masthead_page.txt");
    assert_eq!(run("masthead_page.gb18030.txt"), utf8);
    assert_eq!(run("masthead_page.utf16.txt"), utf8);
    let briefs = run("briefs_page.txt");
    assert_eq!(run("briefs_page.utf16be.txt"), briefs);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    assert!(matches!(
        decode(&fixture("binary.bin")),
        Err(DecodeError::Binary { .. })
    ));
    assert_eq!(decode(b"").unwrap_err().to_string(), "empty file");
}

#[test]
fn briefs_boxes_commentary_and_notices() {
    let ex = run("briefs_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "让文明新风吹进千家万户",
            "白水镇：特色产业富了乡亲",
            "青山县举行春季植树活动",
            "青山县开展消防安全检查",
            "坚持守正创新讲好青山故事",
            "关于春季森林防火的通告",
        ]
    );
    // the related-link box and the caption stay with the first article
    let a = find(&ex, "让文明新风吹进千家万户");
    assert_eq!(
        a.kicker.as_deref(),
        Some("青山县新时代文明实践中心正式揭牌运行")
    );
    assert!(a.body.starts_with("本报青山3月3日讯"));
    assert!(
        a.body
            .contains("相关链接\n\n实践中心设六个功能区\n\n据了解")
    );
    assert!(a.body.contains("王县长为实践中心揭牌。"));
    assert!(!a.body.contains("本报记者 郑和平"));
    assert_eq!(a.reporters, vec!["郑和平"]);

    // a pen name under the headline is a contributor; subheads stay in the body
    let b = find(&ex, "白水镇：特色产业富了乡亲");
    assert_eq!(b.contributors, vec!["云帆"]);
    assert!(b.body.starts_with("近日，笔者"));
    assert!(b.body.contains("\n\n抓产业强基础提升镇域实力\n\n"));
    // the repeated paragraph appears once
    assert_eq!(b.body.matches("镇里还请来农技专家驻村指导").count(), 1);

    let brief = find(&ex, "青山县举行春季植树活动");
    assert!(brief.body.starts_with("■本报讯（通讯员 陈路）3日"));
    assert_eq!(brief.contributors, vec!["陈路"]);
    assert_eq!(brief.kind, Kind::News);
    assert_eq!(find(&ex, "青山县开展消防安全检查").reporters, vec!["孙可"]);

    let op = find(&ex, "坚持守正创新讲好青山故事");
    assert_eq!(op.kind, Kind::Opinion);
    assert_eq!(op.contributors, vec!["方立"]);
    assert!(op.body.starts_with("做好新时代宣传思想工作"));
    assert!(!op.body.contains("通告"));

    assert_eq!(find(&ex, "关于春季森林防火的通告").kind, Kind::Notice);
    for a in &ex.articles {
        if a.title.as_deref() != Some("关于春季森林防火的通告") {
            assert_ne!(a.kind, Kind::Notice, "{:?}", a.title);
        }
    }

    let all: String = ex.articles.iter().map(|a| a.body.as_str()).collect();
    for bad in [
        "新闻速览",
        "微信公众号",
        "扫码",
        "详见",
        "责任编辑",
        "第03版",
        "党建与文明建设",
        "融媒矩阵",
    ] {
        assert!(!all.contains(bad), "{bad} leaked");
    }
    assert!(ex.boilerplate.iter().any(|b| b == "党建与文明建设"));
}

#[test]
fn traditional_characters() {
    let ex = run("trad_page.txt");
    assert_eq!(ex.articles.len(), 2);
    let a = &ex.articles[0];
    assert_eq!(a.title.as_deref(), Some("青山縣召開鄉村振興工作會議"));
    assert_eq!(a.reporters, vec!["林芳"]);
    assert_eq!(a.contributors, vec!["何青"]);
    let p = &ex.articles[1];
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.contributors, vec!["丁一", "馬二"]);
    assert!(p.title.as_deref().is_some_and(|t| t.chars().count() <= 24));
    assert!(p.body.starts_with("近年來"));
}

#[test]
fn dateline_years_come_from_the_page() {
    let ex = run("year_page.txt");
    assert_eq!(ex.publication.date, None);
    let a = &ex.articles[0];
    assert_eq!(
        a.kicker.as_deref(),
        Some("青山县全面启动三年行动，2024年——")
    );
    assert_eq!(a.title.as_deref(), Some("实施五大工程，建设宜居县城"));
    assert_eq!(a.date, date(2024, 5, 6));
    // a marked item between picture gaps, no dateline: a photo without a date
    let p = &ex.articles[1];
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.date, None);
    assert!(p.body.starts_with("※6日"));
    assert_eq!(p.title.as_deref(), Some("青山县召开城市更新推进会议"));

    let none = run("noyear_page.txt");
    assert_eq!(none.articles.len(), 1);
    assert_eq!(none.articles[0].date, None, "no year on the page: no date");
}

#[test]
fn source_hints_win() {
    let hints = SourceHints {
        publication: Some(" 青山晚报 ".into()),
        home: Some("360123".into()),
    };
    // the extract stage reports what the page prints; the hints are applied once, where
    // the page is placed
    let ex = run_named("masthead_page.txt", hints.clone());
    let printed = run("masthead_page.txt");
    assert_eq!(ex.publication, printed.publication);
    assert_ne!(ex.publication.name.as_deref(), Some("青山晚报"));
    let page = PageText {
        source: "test".into(),
        name: "masthead_page.txt".into(),
        text: decode(&fixture("masthead_page.txt")).unwrap().text,
        form: InputForm::Page,
        hints,
        seen: None,
    };
    let placed =
        localfeed::schedule::read_and_place(&page, localfeed::locate::Gazetteer::embedded());
    assert_eq!(placed.publication.as_deref(), Some("青山晚报"));
    let home = placed.home.expect("the configured home");
    assert_eq!(home.leaf().map(|d| d.code.as_str()), Some("360123"));
}

#[test]
fn single_article_files() {
    let md = run("article.md");
    assert_eq!(md.articles.len(), 1);
    let a = &md.articles[0];
    assert_eq!(a.title.as_deref(), Some("青山县开通首条城乡公交线路"));
    assert_eq!(a.date, date(2024, 4, 1));
    assert_eq!(a.contributors, vec!["张明远"]);
    assert_eq!(a.place_hint.as_deref(), Some("青山县白水镇"));
    assert_eq!(a.url.as_deref(), Some("https://news.example.cn/a/1"));
    assert!(a.body.contains("线路全长30公里，沿途设站20个。"));

    let y = run("article_yaml.md");
    let b = &y.articles[0];
    assert_eq!(b.title.as_deref(), Some("白水镇举办农民丰收节"));
    assert_eq!(b.date, date(2024, 9, 22));
    assert_eq!(b.contributors, vec!["孙可", "陈路"]);
    assert_eq!(b.place_hint.as_deref(), Some("白水镇"));
    assert!(b.body.starts_with("9月22日"));

    let h = run("article.html");
    let c = &h.articles[0];
    assert_eq!(c.title.as_deref(), Some("青山县召开春季安全生产会议"));
    assert_eq!(c.date, date(2024, 3, 20));
    assert_eq!(c.reporters, vec!["吴天"]);
    assert_eq!(c.url.as_deref(), Some("https://news.example.cn/b/2"));
    assert!(c.body.starts_with("本报讯（记者 吴天）3月19日"));
    assert!(c.body.contains("要压实安全生产责任"));
    for bad in ["不应出现", "首页", "版权所有"] {
        assert!(!c.body.contains(bad), "{bad}");
    }

    let t = run("article.txt");
    let d = &t.articles[0];
    assert_eq!(d.title.as_deref(), Some("青山县图书馆延长开放时间"));
    assert_eq!(d.reporters, vec!["孙可"]);
    assert_eq!(d.body.split("\n\n").count(), 2);
}

#[test]
fn web_article_text() {
    let ex = run("web_article.txt");
    assert_eq!(ex.articles.len(), 1);
    let a = &ex.articles[0];
    assert_eq!(a.title.as_deref(), Some("青山县召开城市更新推进会"));
    assert_eq!(a.contributors, vec!["林海"]);
    assert_eq!(a.date, date(2024, 6, 12));
    assert!(a.body.starts_with("6月11日，青山县召开城市更新推进会"));
    for bad in ["来源", "字号", "打印", "作者"] {
        assert!(!a.body.contains(bad), "{bad}");
    }
}

#[test]
fn evening_paper_bylines_wires_and_traditional_datelines() {
    let ex = run("evening_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "江城推进城市更新九项行动",
            "東區舉辦長者健康日活動",
            "江城举行全民健身运动会",
            "国务院新闻办公室7日举行新闻发布会",
        ]
    );
    assert_eq!(ex.publication.name.as_deref(), Some("江城晚报"));
    assert_eq!(ex.publication.date, date(2024, 5, 8));
    // a wire dateline's city is not the paper's home; the paper's name is handed on
    assert_eq!(ex.publication.home.as_deref(), Some("江城晚报"));
    let a = &ex.articles[0];
    assert_eq!(a.reporters, vec!["李明"]);
    assert_eq!(a.contributors, vec!["王芳"]);
    assert!(a.body.starts_with("日前，江城市"));
    assert!(!a.body.contains("下转"));
    let hk = &ex.articles[1];
    assert!(hk.body.starts_with("【本報訊】東區區議會"));
    assert!(hk.body.contains("主辦單位表示"));
    let text_and_pictures = &ex.articles[2];
    assert_eq!(text_and_pictures.kind, Kind::News);
    assert_eq!(text_and_pictures.reporters, vec!["赵强"]);
    assert!(text_and_pictures.body.starts_with("5月7日"));
    let wire = &ex.articles[3];
    assert_eq!(wire.reporters, vec!["陈某", "刘某"]);
    assert_eq!(wire.date, date(2024, 5, 7));
}

#[test]
fn inline_photo_credit_and_reported_by_dateline() {
    let ex = run("credit_page.txt");
    assert_eq!(ex.articles.len(), 3);
    assert_eq!(ex.articles[0].reporters, vec!["吴天"]);
    let photo = &ex.articles[1];
    assert_eq!(photo.kind, Kind::Photo);
    assert_eq!(photo.reporters, vec!["高远"]);
    assert_eq!(photo.body, "白水镇的农民在田间播种，一派春耕繁忙景象。");
    let b = &ex.articles[2];
    assert_eq!(b.reporters, vec!["孙可"]);
    assert!(b.body.starts_with("本报讯 记者 孙可 报道：5月6日"));
    assert_eq!(b.date, None);
}

#[test]
fn colon_kicker_and_captions_inside_an_article() {
    let ex = run("caption_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["三夏麦收进度过半", "白水镇开展防溺水宣传"]
    );
    let a = &ex.articles[0];
    assert_eq!(a.kicker.as_deref(), Some("青山县："));
    // a short caption with its credit stays with the article; the photographer is kept
    assert!(a.body.ends_with("会议现场。"));
    assert_eq!(a.reporters, vec!["吴天", "高远"]);
    assert_eq!(ex.articles[1].contributors, vec!["陈路"]);
}

fn run_text(text: &str) -> Extraction {
    extract(&PageText {
        source: "test".into(),
        name: "inline.txt".into(),
        text: text.into(),
        form: InputForm::Page,
        hints: SourceHints::default(),
        seen: None,
    })
}

#[test]
fn kinds_by_signature_and_headline_shape() {
    let ex = run_text(
        "\n\n让实干成为鲜明导向\n\n本报评论员\n\n实干是最好的答卷。各级干部要把心思用在干事创业上，把功夫下在抓落实上，以实绩论英雄。\n\n\n\n青山县下发通知部署防汛工作\n\n本报讯(记者 吴天)近日,青山县下发通知,部署今年防汛工作。\n",
    );
    assert_eq!(
        titles(&ex),
        vec!["让实干成为鲜明导向", "青山县下发通知部署防汛工作"]
    );
    assert_eq!(ex.articles[0].kind, Kind::Opinion);
    assert_eq!(ex.articles[1].kind, Kind::News);
}

#[test]
fn masthead_name_alone_and_party_sponsor() {
    let ex = run_text(
        "青山晚报\n\n主办：中共青山县委\n\n青山县召开防汛工作会议\n\n本报讯(记者 吴天)7日,青山县召开防汛工作会议,部署主汛期防汛工作。\n",
    );
    assert_eq!(ex.publication.name.as_deref(), Some("青山晚报"));
    assert_eq!(ex.publication.home.as_deref(), Some("青山县"));
    assert_eq!(titles(&ex), vec!["青山县召开防汛工作会议"]);
}

#[test]
fn hong_kong_dateline_with_reported_by() {
    let ex = run_text(
        "\n\n港島東區舉辦長者健康日\n\n【青山報訊】記者林芳報道：東區區議會昨日舉辦長者健康日，為區內逾三百名長者提供免費身體檢查。\n",
    );
    assert_eq!(ex.publication.name.as_deref(), Some("青山報"));
    let a = &ex.articles[0];
    assert_eq!(a.reporters, vec!["林芳"]);
    assert!(
        a.body.starts_with("【青山報訊】記者林芳報道：東區"),
        "{}",
        a.body
    );
}

#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet: Vec<char> = "本报讯记者通讯员摄(（)）■※ \n\n\n,，。、:：相关链接1234567890年月日星期abc—\u{0}\u{b}\u{c}"
        .chars()
        .collect();
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        for form in [InputForm::Page, InputForm::Markdown, InputForm::Html] {
            let ex = extract(&PageText {
                source: "s".into(),
                name: "x".into(),
                text: s.clone(),
                form,
                hints: SourceHints::default(),
                seen: None,
            });
            for a in ex.articles {
                assert!(!a.body.contains('\u{0}'));
            }
        }
    }
}

/// The five real pages of the shared corpus: every gold article found, with its title.
#[test]
fn shared_corpus_pages() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
    let Ok(entries) = std::fs::read_dir(format!("{dir}/pages")) else {
        if std::env::var_os("CI").is_some() {
            panic!("../shared/corpus is missing and CI is set");
        }
        eprintln!("skipping shared_corpus_pages: {dir} is absent");
        return;
    };
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !c.is_ascii_punctuation()
                    && !"，。、；：？！“”‘’（）《》—…·".contains(*c)
            })
            .collect()
    };
    let mut found = 0;
    let mut total = 0;
    for e in entries.flatten() {
        let path = e.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let gold_path = format!("{dir}/gold/{}", name.replace(".txt", ".json"));
        let Ok(gold) = std::fs::read_to_string(&gold_path) else {
            continue;
        };
        let gold: serde_json::Value = serde_json::from_str(&gold).unwrap();
        let text = decode(&std::fs::read(&path).unwrap()).unwrap().text;
        let ex = extract(&PageText {
            source: "corpus".into(),
            name: name.clone(),
            text,
            form: InputForm::Page,
            hints: SourceHints::default(),
            seen: None,
        });
        let got: Vec<String> = ex
            .articles
            .iter()
            .map(|a| {
                fold(&format!(
                    "{}{}",
                    a.kicker.as_deref().unwrap_or(""),
                    a.title.as_deref().unwrap_or("")
                ))
            })
            .collect();
        for g in gold["articles"].as_array().unwrap() {
            total += 1;
            let Some(t) = g["title"].as_str() else {
                found += 1;
                continue;
            };
            if got.iter().any(|x| x.ends_with(&fold(t))) {
                found += 1;
            } else {
                eprintln!("{name}: missed {t}");
            }
        }
        assert_eq!(
            ex.articles.len(),
            gold["articles"].as_array().unwrap().len(),
            "{name}"
        );
    }
    assert_eq!(found, total);
}

#[test]
fn masthead_lines_on_a_tightly_set_page_are_furniture() {
    let ex = run("tight_page.txt");
    // the name line over the masthead, the bare date line, the issue counter, a sponsor
    // credit with its verb at the end and the weather box are furniture, not headlines
    assert_eq!(ex.publication.name.as_deref(), Some("南溪晚报"));
    assert_eq!(ex.publication.date, date(2025, 4, 8));
    for line in [
        "南溪晚报",
        "2025年4月8日 星期二",
        "第2345期 今日8版",
        "南溪县融媒体中心 主办",
        "晴 10℃~22℃",
    ] {
        assert!(
            ex.boilerplate.iter().any(|b| b == line),
            "{line} not furniture"
        );
    }
    assert_eq!(ex.articles.len(), 4, "{:?}", titles(&ex));
    // a short place line above the headline is its kicker, not an article of its own
    let a = find(&ex, "油菜花海引来八方游客");
    assert_eq!(a.kicker.as_deref(), Some("石门镇"));
    assert_eq!(a.reporters, vec!["林若溪"]);
    assert_eq!(a.contributors, vec!["卢明远"]);
    assert!(a.body.starts_with("本报讯（记者 林若溪"));
}

#[test]
fn a_credit_after_a_whole_sentence_caption_closes_a_photo_item() {
    let ex = run("tight_page.txt");
    // the credit is not added to the article above
    let b = find(&ex, "南溪县新建三座应急避难场所");
    assert_eq!(b.reporters, vec!["顾清扬"]);
    assert!(!b.body.contains("明前茶"));
    // untitled photo: caption is the body, 记者 under reporters
    let photo = ex
        .articles
        .iter()
        .find(|a| a.body.contains("明前茶"))
        .expect("photo item");
    assert_eq!(photo.kind, Kind::Photo);
    assert_eq!(photo.reporters, vec!["林一舟"]);
    assert!(photo.contributors.is_empty());
    assert!(photo.body.starts_with("春雨过后"));
    assert!(!photo.body.contains('摄'));
    // titled photo: the short headline above the caption, 通讯员 under contributors
    let titled = find(&ex, "江口村文化礼堂启用");
    assert_eq!(titled.kind, Kind::Photo);
    assert_eq!(titled.contributors, vec!["杜若"]);
    assert!(titled.reporters.is_empty());
    assert!(titled.body.starts_with("江口村新建的文化礼堂"));
}

#[test]
fn commentary_signed_by_an_organisation_line() {
    let ex = run("column_page.txt");
    let c = find(&ex, "让群众办事少跑腿");
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.contributors, vec!["宋清和"]);
    assert!(c.reporters.is_empty());
    assert!(c.body.starts_with("办事难不难"), "{}", c.body);
    assert!(!c.body.contains("市场监管局"));
}

#[test]
fn marked_brief_headlines_and_their_column_label() {
    let ex = run("column_page.txt");
    let a = find(&ex, "青石镇完成农田灌溉改造");
    assert_eq!(a.contributors, vec!["方远"]);
    assert!(
        a.body.starts_with("本报讯（通讯员 方 远）近日"),
        "{}",
        a.body
    );
    let b = find(&ex, "白鹭湾湿地迎来候鸟");
    assert_eq!(b.contributors, vec!["岑小雨"]);
    assert!(b.body.starts_with("本报讯"));
    // the column label is neither a kicker nor text of the commentary above it
    assert_eq!(a.kicker, None);
    assert!(ex.boilerplate.iter().any(|x| x == "新闻速览"));
    assert!(!find(&ex, "让群众办事少跑腿").body.contains("新闻速览"));
}

#[test]
fn notices_start_at_their_title() {
    let ex = run("column_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "让群众办事少跑腿",
            "青石镇完成农田灌溉改造",
            "白鹭湾湿地迎来候鸟",
            "关于南溪大桥夜间限行的通告",
            "关于做好汛期安全工作的通知",
        ]
    );
    let n = find(&ex, "关于南溪大桥夜间限行的通告");
    assert_eq!(n.kind, Kind::Notice);
    assert!(n.body.starts_with("因南溪大桥桥面维修施工需要"));
    assert!(n.body.contains("特此通告"));
    // a notice opening with a short salutation
    let m = find(&ex, "关于做好汛期安全工作的通知");
    assert_eq!(m.kind, Kind::Notice);
    assert!(m.body.starts_with("各乡镇、县直各单位"));
    assert!(m.body.contains("山洪地质灾害"));
    assert!(!m.body.contains("责任编辑"));
}

#[test]
fn traditional_photo_credit_and_commentary() {
    let ex = run_text(
        "白水報\n\n2025年6月2日 星期一\n\n守住安全底線\n\n■ 白水縣應急管理局 蘇 文和\n\n安全無小事。各單位要把隱患排查做細做實,不留死角。\n\n責任落實到人,隱患才能清零。\n\n雨後的白水河畔,市民沿著綠道散步。\n\n■記者 高 遠 攝\n\n責任編輯:文 清\n",
    );
    assert_eq!(ex.publication.name.as_deref(), Some("白水報"));
    assert_eq!(ex.articles.len(), 2, "{:?}", titles(&ex));
    let c = find(&ex, "守住安全底線");
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.contributors, vec!["蘇文和"]);
    assert!(c.body.starts_with("安全無小事"));
    let p = ex.articles.get(1).expect("photo");
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.reporters, vec!["高遠"]);
    assert!(p.body.starts_with("雨後的白水河畔"));
}

#[test]
fn a_credit_under_a_long_closing_paragraph_stays_with_its_article() {
    let ex = run_text(
        "青山县举办农民运动会\n\n本报讯(记者 吴天)9月23日,青山县第五届农民运动会在县体育场开幕,来自各乡镇的八百余名农民运动员参加比赛。\n\n运动会设置了插秧接力、挑担竞走、拔河等十二个项目。赛场上,运动员们你追我赶,观众加油声此起彼伏。大家表示,比赛既锻炼了身体,又增进了乡邻感情,希望以后每年都能举办。\n\n记者 周 朗 摄\n\n责任编辑:文 清\n",
    );
    assert_eq!(titles(&ex), vec!["青山县举办农民运动会"]);
    let a = &ex.articles[0];
    assert_eq!(a.reporters, vec!["吴天", "周朗"]);
    assert!(a.body.contains("希望以后每年都能举办"));
}

#[test]
fn a_marked_name_alone_signs_a_commentary() {
    let ex = run_text(
        "青山报\n\n2025年6月2日 星期一\n\n少一些形式 多一些实效\n\n■ 柳 青\n\n基层减负,关键在于少开会、开短会,把时间留给群众。\n\n各级都要带头转变作风,让干部把精力用在办实事上。\n",
    );
    assert_eq!(ex.articles.len(), 1, "{:?}", titles(&ex));
    let c = &ex.articles[0];
    assert_eq!(c.title.as_deref(), Some("少一些形式多一些实效"));
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.contributors, vec!["柳青"]);
    assert!(c.body.starts_with("基层减负"));
}

#[test]
fn page_spacing_is_read_relative_to_the_page() {
    // the same pages set with no blank lines, or with three between paragraphs, read the
    // same as with one
    for name in ["tight_page.txt", "column_page.txt"] {
        let base = run(name);
        let text = String::from_utf8(fixture(name)).unwrap();
        for variant in [text.replace("\n\n", "\n"), text.replace('\n', "\n\n")] {
            let ex = run_text(&variant);
            assert_eq!(titles(&ex), titles(&base), "{name}");
            for (a, b) in ex.articles.iter().zip(&base.articles) {
                assert_eq!(a.kind, b.kind);
                assert_eq!(a.reporters, b.reporters);
                assert_eq!(a.contributors, b.contributors);
                assert_eq!(a.body, b.body);
            }
        }
    }
}

#[test]
fn an_item_closed_by_its_bracketed_byline_starts_at_its_headline() {
    let ex = run("feature_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "木鱼镇：竹笋加工带富一方",
            "东河口村：小院变景区",
            "县人民医院开展义诊进社区活动",
            "荷花盛开引客来",
        ]
    );
    let a = find(&ex, "木鱼镇：竹笋加工带富一方");
    assert_eq!(a.kicker.as_deref(), Some("聚焦乡村振兴"));
    assert_eq!(a.subtitle.as_deref(), Some("木鱼镇发展竹产业见闻"));
    let b = find(&ex, "东河口村：小院变景区");
    assert_eq!(b.reporters, vec!["李然"]);
    assert!(!b.body.contains("义诊"));
    // the short item without a dateline, signed at its end
    let c = find(&ex, "县人民医院开展义诊进社区活动");
    assert_eq!(c.contributors, vec!["王丽"]);
    assert!(c.body.starts_with("6月28日"));
    let p = find(&ex, "荷花盛开引客来");
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.reporters, vec!["何文"]);
    assert!(ex.boilerplate.iter().any(|x| x.starts_with("本版编辑")));
}

#[test]
fn marked_captions_with_their_credit_are_photo_items() {
    let ex = run("marked_photos_page.txt");
    assert_eq!(ex.articles.len(), 5, "{:?}", titles(&ex));
    let a = find(&ex, "社区食堂开进老小区");
    assert_eq!(a.kind, Kind::News);
    assert_eq!(a.reporters, vec!["邓林"]);
    assert!(
        a.body.contains("截至去年底"),
        "a related-link box stays with its article"
    );
    let photos: Vec<&Article> = ex
        .articles
        .iter()
        .filter(|a| a.kind == Kind::Photo)
        .collect();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0].reporters, vec!["邓林"]);
    assert_eq!(photos[1].contributors, vec!["孙悦"]);
    for p in photos {
        assert!(!p.body.contains('摄'), "credit left in {:?}", p.body);
    }
    assert_eq!(
        find(&ex, "别让“指尖上的形式主义”卷土重来").kind,
        Kind::Opinion
    );
    assert_eq!(
        find(&ex, "县人力资源和社会保障局2025年公开招聘公告").kind,
        Kind::Notice
    );
}

#[test]
fn traditional_column_page() {
    let ex = run("trad_column_page.txt");
    assert_eq!(ex.publication.name.as_deref(), Some("雲溪報"));
    assert_eq!(ex.publication.date, date(2024, 12, 3));
    assert_eq!(ex.articles.len(), 5, "{:?}", titles(&ex));
    assert_eq!(
        find(&ex, "橘香鎮：冬修水利正當時").contributors,
        vec!["黃曉"]
    );
    let photo = &ex.articles[3];
    assert_eq!(photo.kind, Kind::Photo);
    assert_eq!(photo.reporters, vec!["陳思遠"]);
    let c = find(&ex, "以作風之變促發展之進");
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.contributors, vec!["鄭和"]);
    for line in ["雲溪縣融媒體中心 主辦", "第1888期 今日4版"] {
        assert!(ex.boilerplate.iter().any(|b| b == line), "{line}");
    }
}

#[test]
fn a_sponsor_credit_with_the_verb_last_gives_the_home() {
    for (line, home) in [
        ("青山县融媒体中心主办", "青山县"),
        ("中共青山县委主管主办", "青山县"),
        ("中共白水市委机关报", "白水市"),
        ("北江市南岸区融媒体中心出版", "北江市南岸区"),
    ] {
        let page = format!(
            "青山新闻\n\n{line}\n\n2025年3月4日 星期二\n\n乡村道路全面硬化\n\n本报讯(记者 吴明)今年以来,全县新修乡村道路一百二十公里,实现村村通硬化路。\n"
        );
        let ex = localfeed::extract::extract_page(&page);
        assert_eq!(ex.publication.home.as_deref(), Some(home), "{line}");
        assert_eq!(ex.articles.len(), 1, "{line}");
    }
}

#[test]
fn a_headline_broken_over_two_lines_is_one_title() {
    let ex = run("broken_headline_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "石桥镇茶叶加工园区新建智能烘焙车间",
            "进入关键期",
            "村里新开了一家便民超市",
            "白沙社区老年食堂开餐",
        ]
    );
    let a = find(&ex, "石桥镇茶叶加工园区新建智能烘焙车间");
    assert_eq!(a.kicker, None);
    assert_eq!(a.reporters, vec!["程远帆".to_string()]);
    assert!(a.body.starts_with("走进石桥镇"), "{}", a.body);
    // a short first line did not run to the column's width: kicker and title
    assert_eq!(
        find(&ex, "进入关键期").kicker.as_deref(),
        Some("春季护林防火")
    );
    // lines set apart by the page's spacing are a designed kicker and title
    assert_eq!(
        find(&ex, "村里新开了一家便民超市").kicker.as_deref(),
        Some("河湾村")
    );
    // a subtitle opening with a dash on the title's line
    assert_eq!(
        find(&ex, "白沙社区老年食堂开餐").subtitle.as_deref(),
        Some("六十岁以上老人每餐只需五元")
    );
}

#[test]
fn a_run_of_short_lines_is_not_a_broken_headline() {
    // a keyword box under a long line: three short lines in one block stay apart
    let ex = run_text(
        "青山县召开全县重点工作推进会议部署任务\n安全生产\n乡村振兴\n营商环境\n\n本报讯（记者 吴天）近日，青山县召开全县重点工作推进会议，部署安全生产、乡村振兴和营商环境等重点任务。\n",
    );
    let t = titles(&ex);
    assert!(
        !t.iter()
            .any(|x| x.contains("安全生产") && x.contains("会议")),
        "{t:?}"
    );
}

#[test]
fn second_front_kickers_bylines_photos_commentary_briefs_and_notices() {
    let ex = run("second_front_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "白石镇：外出务工人员家门口签约",
            "绿水湾乡冬春修路忙",
            "山前村迎来赏花客",
            "让“小窗口”办成“大事情”",
            "东岭镇开展消防演练",
            "南坡乡举办技能培训",
            "关于做好春季森林防火工作的通告",
        ]
    );
    // a page-navigation line is furniture, never a kicker; a place-colon headline is
    // the title under its kicker
    let a = &ex.articles[0];
    assert_eq!(a.kicker.as_deref(), Some("“送岗上门”在行动"));
    assert!(ex.boilerplate.iter().any(|b| b == "B6 | 乡镇新闻"));
    // a dateline that is only a bracketed byline names the people
    let b = &ex.articles[1];
    assert_eq!(b.reporters, vec!["巴图"]);
    assert_eq!(b.contributors, vec!["何平"]);
    // a short-titled photo keeps its credit, the article above does not get it
    let p = &ex.articles[2];
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.reporters, vec!["罗文"]);
    assert!(!b.reporters.contains(&"罗文".to_string()));
    // commentary under a column label, signed by a bare name
    let c = &ex.articles[3];
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.kicker, None);
    assert_eq!(c.contributors, vec!["钟远"]);
    assert!(c.body.starts_with("办事窗口"));
    // inline briefs: the headline is cut at the gap, the marker and the column label go
    let d = &ex.articles[4];
    assert!(d.body.starts_with("5日上午"));
    assert_eq!(d.contributors, vec!["柳青"]);
    assert!(ex.articles[5].body.starts_with("日前"));
    assert!(!c.body.contains("简"));
    // a notice's salutation opens its body
    let n = &ex.articles[6];
    assert_eq!(n.kind, Kind::Notice);
    assert_eq!(n.subtitle, None);
    assert!(n.body.starts_with("各村（社区）、镇属各单位："));
}

#[test]
fn no_year_page_with_a_box_reported_by_opening_and_signed_commentary() {
    let ex = run("noyear_box_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "石桥镇三千亩大棚种上新品种",
            "龙口乡的护林员在山梁上巡查火情",
            "乡村振兴要把人才留下来",
        ]
    );
    let a = &ex.articles[0];
    assert_eq!(a.kicker.as_deref(), Some("加快建设现代农业示范区——"));
    assert_eq!(a.reporters, vec!["阿木古"]);
    assert!(a.body.contains("相关链接"));
    // the year inside the background box is not the page's: no year, no date
    assert_eq!(a.date, None);
    assert!(ex.boilerplate.iter().any(|b| b == "今日8版  第3版  要闻"));
    // a two-sentence caption without a headline, with its own credit
    let p = &ex.articles[1];
    assert_eq!(p.kind, Kind::Photo);
    assert_eq!(p.reporters, vec!["石磊"]);
    assert!(a.reporters.iter().all(|r| r != "石磊"));
    // signed 文/X with an author's note: an opinion, the note in its body
    let c = &ex.articles[2];
    assert_eq!(c.kind, Kind::Opinion);
    assert_eq!(c.contributors, vec!["梅清"]);
    assert!(c.body.ends_with("（作者系南坪县委党校教师）"));
}

#[test]
fn a_figure_caption_inside_an_html_article_is_body_text() {
    let ex = run("figure_article.html");
    assert_eq!(ex.articles.len(), 1);
    let a = &ex.articles[0];
    assert!(a.body.contains("茶农在茶园里采摘春茶"), "{}", a.body);
    assert!(a.body.starts_with("本报讯"));
    assert!(!a.body.contains("版权所有"));
}

#[test]
fn a_cms_page_gives_its_title_without_the_site_name_and_its_date_from_any_meta_case() {
    let ex = run("cms_article.html");
    assert_eq!(ex.articles.len(), 1);
    let a = &ex.articles[0];
    assert_eq!(
        a.title.as_deref(),
        Some("柳岸街道老旧小区加装电梯惠及百余户")
    );
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2025, 3, 18));
    assert!(
        a.body.starts_with("本网讯（通讯员 蔡雨晴）3月17日"),
        "{}",
        a.body
    );
    for noise in ["不要读进正文", "版权所有", "打印", "街道动态"] {
        assert!(!a.body.contains(noise), "{noise} in {}", a.body);
    }
}

#[test]
fn a_page_without_date_metadata_gives_the_date_beside_its_label() {
    let ex = run("labelled_date_article.html");
    assert_eq!(ex.articles.len(), 1);
    let a = &ex.articles[0];
    assert_eq!(a.title.as_deref(), Some("西山县开通首条城乡公交环线"));
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2025, 4, 2));
    assert!(!a.body.contains("版权所有"), "{}", a.body);
}

#[test]
fn the_paper_name_gives_the_home_when_nothing_else_does() {
    let page = |name: &str| {
        format!(
            "{name}\n\n2025年4月9日 星期三\n\n镇里新开便民超市\n\n本报讯（通讯员 方晓梅）近日，镇里便民超市开门营业，村民在家门口就能买到米面粮油和日用品，超市收益用于村里公益事业。\n"
        )
    };
    let home = |name: &str| run_text(&page(name)).publication.home;
    assert_eq!(home("石湖潮报").as_deref(), Some("石湖"));
    assert_eq!(home("石湖时讯").as_deref(), Some("石湖"));
    assert_eq!(home("今日石湖").as_deref(), Some("石湖"));
    assert_eq!(home("石湖报").as_deref(), Some("石湖"));
    assert_eq!(home("石湖日报").as_deref(), Some("石湖"));
    // a four-character place and 报 alone: nothing but 报 is the paper word
    assert_eq!(home("东山石湖报").as_deref(), Some("东山石湖"));
    // a city paper: the whole name, read at the prefecture level by the place lookup
    assert_eq!(home("石湖晚报").as_deref(), Some("石湖晚报"));
    // a printed home wins over the name
    let sponsored = page("石湖潮报").replace("\n\n2025年", "\n\n主办：白沙县融媒体中心\n\n2025年");
    assert_eq!(
        run_text(&sponsored).publication.home.as_deref(),
        Some("白沙县")
    );
}

#[test]
fn a_place_then_a_paper_word_places_the_paper_end_to_end() {
    // through the whole reading, with the embedded gazetteer: `<place>潮报`
    use localfeed::locate::Gazetteer;
    let text = "德清潮报\n\n2025年4月9日 星期三\n\n镇里新开便民超市\n\n本报讯（通讯员 方晓梅）近日，镇里便民超市开门营业，村民在家门口就能买到米面粮油和日用品，超市收益用于村里公益事业。\n";
    let page = PageText {
        source: "test".into(),
        name: "p.txt".into(),
        text: text.into(),
        form: InputForm::Page,
        hints: SourceHints::default(),
        seen: None,
    };
    let placed = localfeed::schedule::read_and_place(&page, Gazetteer::embedded());
    let home = placed.home.map(|c| c.names()).unwrap_or_default();
    assert_eq!(home.last().map(String::as_str), Some("德清县"), "{home:?}");
    // a township's dateline names no home the lookup knows: the paper's name still does
    let text = "赞皇新闻\n\n2025年4月9日 星期三\n\n山村开出第一趟城乡公交\n\n本报嶂石岩4月8日讯（记者 方晓梅）8日一早，从县城开往山里的第一趟城乡公交准时发车，沿线六个村的村民出行不再绕远路。\n";
    let page = PageText {
        text: text.into(),
        ..page
    };
    let placed = localfeed::schedule::read_and_place(&page, Gazetteer::embedded());
    let home = placed.home.map(|c| c.names()).unwrap_or_default();
    assert_eq!(home.last().map(String::as_str), Some("赞皇县"), "{home:?}");
}

#[test]
fn wire_bracketed_and_taiwan_style_datelines() {
    let ex = run("wire_styles_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "多地启动夏季防汛应急响应",
            "南岸社区开办暑期托管班",
            "港口物流園區擴建完工",
            "夜市攤商推行減塑措施",
            "社區長者共度中秋",
        ]
    );
    let people: Vec<Vec<String>> = ex.articles.iter().map(|a| a.reporters.clone()).collect();
    assert_eq!(
        people,
        vec![
            vec!["甲乙丙".to_string()],
            vec!["丁小雨".to_string()],
            vec!["林芳".to_string()],
            vec!["陳大明".to_string()],
            vec!["吳美玲".to_string()],
        ]
    );
    assert_eq!(ex.articles[0].date, date(2025, 8, 3));
    assert!(
        ex.articles[1]
            .body
            .starts_with("（清河日报记者 丁小雨）暑假")
    );
    assert!(ex.articles[2].body.contains("園區管理單位表示"));
    // a filing place far from home is not the paper's home
    assert_ne!(ex.publication.home.as_deref(), Some("基隆"));
}

#[test]
fn stories_without_dateline_or_byline_are_told_apart_from_subheads() {
    let ex = run("nodateline_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "柳溪镇举办首届插秧节",
            "城北社区改造口袋公园",
            "南门菜市场完成提升改造",
            "全县推进农村人居环境整治",
        ]
    );
    // a lead that names the headline's subject at once, without a time
    assert!(
        find(&ex, "南门菜市场完成提升改造")
            .body
            .starts_with("南门菜市场提升改造完成后")
    );
    let last = find(&ex, "全县推进农村人居环境整治");
    // numbered subheads, and a plain one over text that does not open with a time,
    // stay inside their article
    assert!(last.body.contains("一、垃圾分类全覆盖"), "{}", last.body);
    assert!(last.body.contains("厕所革命稳步推进"), "{}", last.body);
    // a plain subhead over text opening with a period (`今年以来，`), not an event's time
    assert!(last.body.contains("村庄绿化美化添新景"), "{}", last.body);
    assert!(
        find(&ex, "城北社区改造口袋公园")
            .body
            .starts_with("近日，城北社区")
    );
}

#[test]
fn a_brief_column_label_over_unmarked_briefs_is_furniture() {
    let ex = run_text(
        "青山报\n\n2025年6月2日 星期一\n\n白水镇启动夏季防汛演练\n\n本报讯（记者 吴 天）6月1日，白水镇在河堤开展防汛应急演练，200余名干部群众参加。\n\n演练模拟河水漫堤险情，检验了人员转移和物资调运能力。\n\n简讯\n\n东坪乡举办农技培训\n\n5月30日，东坪乡邀请农技专家为种植户讲解水稻病虫害防治技术，80余人参加培训。\n\n●石桥镇：山塘清淤完工  日前，石桥镇完成12座山塘清淤，新增蓄水能力3万立方米。\n",
    );
    assert_eq!(
        titles(&ex),
        vec![
            "白水镇启动夏季防汛演练",
            "东坪乡举办农技培训",
            "石桥镇：山塘清淤完工"
        ]
    );
    assert!(ex.articles[0].body.ends_with("人员转移和物资调运能力。"));
    assert_eq!(ex.articles[1].kicker, None);
    assert!(ex.articles[2].body.starts_with("日前"));
}

#[test]
fn taiwan_style_bylines_on_their_own_line() {
    let ex = run_text(
        "港口物流園區擴建完工\n\n【記者林芳／基隆報導】\n\n港口物流園區擴建工程日前完工，新增倉儲面積兩萬平方公尺，可望紓解旺季貨物積壓問題，業者對此表示歡迎。\n\n夜市攤商推行減塑措施\n\n〔記者陳大明／台南報導〕\n\n市區夜市攤商自本月起推行減塑措施，鼓勵民眾自備餐具，響應的攤位可獲得清潔補助，首週已有百餘攤參加。\n",
    );
    assert_eq!(
        titles(&ex),
        vec!["港口物流園區擴建完工", "夜市攤商推行減塑措施"]
    );
    assert_eq!(ex.articles[0].reporters, vec!["林芳".to_string()]);
    assert_eq!(ex.articles[1].reporters, vec!["陳大明".to_string()]);
}

#[test]
fn wrapped_headlines_across_gaps_quotes_and_colons_are_one_title() {
    let ex = run("wrapped_headline_page.txt");
    assert_eq!(ex.articles.len(), 9, "{:?}", titles(&ex));
    for t in [
        // broken across a blank line: the first half names a subject, the rest its verb
        "柳河镇高标准农田建设项目通过省级验收",
        // the first half ends on a closing quote
        "长林乡“共享农机”开进田间地头",
        // broken after its colon
        "石岭街道：老街改造让居民住得更舒心",
        // across a blank line, the rest opening on a quote
        "城南新区：湿地公园里建起“城市绿肺”",
        // the rest a little longer than the first half, by its quotes
        "山前村竹编手艺产业从“卖材料”到“卖作品”",
    ] {
        let a = find(&ex, t);
        assert_eq!(
            (a.kicker.as_deref(), a.subtitle.as_deref()),
            (None, None),
            "{t}"
        );
    }
    // designed two-line headlines stay two lines: a short phrase over a longer title, a
    // line over a place-colon headline, a pair too long to be one headline
    for (first, second) in [
        ("护农惠农在行动", "白杨镇发放种粮补贴两千余万元"),
        ("瓜果飘香迎丰收", "青塘村千亩果园产值突破三千万元"),
        ("全力推进乡村振兴落地见效", "北坪镇建成三个现代农业示范园"),
        ("绿色发展看基层", "南岗乡：荒山变成了花果山"),
    ] {
        let a = ex
            .articles
            .iter()
            .find(|a| a.title.as_deref() == Some(first) || a.title.as_deref() == Some(second))
            .unwrap_or_else(|| panic!("no article {first:?} in {:?}", titles(&ex)));
        let parts = [
            a.kicker.as_deref(),
            a.title.as_deref(),
            a.subtitle.as_deref(),
        ];
        assert!(
            parts.contains(&Some(first)) && parts.contains(&Some(second)),
            "{parts:?}"
        );
    }
    // the dated page header line is furniture, not a kicker
    assert!(
        ex.articles
            .iter()
            .all(|a| a.kicker.as_deref().is_none_or(|k| !k.contains("星期二")))
    );
}

#[test]
fn an_end_byline_closes_the_article_above_it() {
    let ex = run("end_byline_page.txt");
    assert_eq!(
        titles(&ex),
        vec![
            "东坪镇启用智慧停车系统",
            "洪山街道为独居老人装上“一键呼”",
            "白溪乡举办农民丰收节",
            "北河村建起光伏车棚",
        ]
    );
    // names alone in brackets sign the item above: its contributors, not a kicker below
    let a = find(&ex, "洪山街道为独居老人装上“一键呼”");
    assert_eq!(a.contributors, vec!["宋岚", "魏东"]);
    assert!(a.body.ends_with("定期上门探访。"), "{}", a.body);
    // a bracketed byline with a role on its own line closes the item above too
    let b = find(&ex, "白溪乡举办农民丰收节");
    assert_eq!(b.reporters, vec!["戴文"]);
    assert!(ex.articles.iter().all(|a| a.kicker.is_none()));
    assert!(find(&ex, "北河村建起光伏车棚").reporters.is_empty());
}

#[test]
fn two_captions_in_a_row_are_two_photo_items() {
    let ex = run("two_photos_page.txt");
    assert_eq!(ex.articles.len(), 4, "{:?}", titles(&ex));
    let story = find(&ex, "秋收时节稻谷香");
    assert!(story.body.ends_with("增加五十公斤。"), "{}", story.body);
    let photos: Vec<&Article> = ex
        .articles
        .iter()
        .filter(|a| a.kind == Kind::Photo)
        .collect();
    assert_eq!(photos.len(), 2, "{:?}", titles(&ex));
    // each caption with its own credit: the second credit is the second picture's
    assert!(
        photos[0].body.starts_with("9月1日，金桥镇"),
        "{}",
        photos[0].body
    );
    assert_eq!(photos[0].reporters, vec!["顾远"]);
    assert!(photos[0].contributors.is_empty());
    assert!(
        photos[1].body.starts_with("8月31日，双河乡"),
        "{}",
        photos[1].body
    );
    assert_eq!(photos[1].contributors, vec!["钟晴"]);
    assert!(photos[1].reporters.is_empty());
}

#[test]
fn a_running_header_repeated_mid_article_is_dropped_and_the_sentence_joined() {
    let ex = run("running_header_page.txt");
    assert_eq!(
        titles(&ex),
        vec!["白鹭湾湿地迎来首批越冬候鸟", "岔口镇完成农村危房改造"]
    );
    let a = &ex.articles[0];
    assert!(!a.body.contains("清河日报"), "{}", a.body);
    assert!(!a.body.contains("A5"), "{}", a.body);
    // the paragraph broken by the page break reads on across the header
    assert!(
        a.body.contains("这与湿地生态持续改善密切相关。"),
        "{}",
        a.body
    );
    assert_eq!(a.body.split("\n\n").count(), 3, "{}", a.body);
    assert!(a.body.ends_with("放鞭炮等行为。"), "{}", a.body);
}

#[test]
fn a_title_over_a_caption_that_says_picture_is_the_photo_title() {
    let page = "南川日报\n\n2025年9月2日  星期二\n\n老街夜市开市\n\n本报讯（记者 顾 远）9月1日晚，南川老街夜市正式开市，六十多个摊位售卖小吃和手工艺品。\n\n夜市每晚六点至十一点营业，将持续到国庆假期结束。\n\n古渡口赛龙舟\n\n农历八月初一前后，一年一度的龙舟赛在古渡口举行。图为昨日比赛现场，两岸挤满了观看的群众。\n\n（记者 顾 远 摄）\n";
    let ex = run_text(page);
    assert_eq!(titles(&ex), vec!["老街夜市开市", "古渡口赛龙舟"]);
    assert!(
        ex.articles[0].body.ends_with("国庆假期结束。"),
        "{}",
        ex.articles[0].body
    );
    assert_eq!(ex.articles[1].kind, Kind::Photo);
    assert_eq!(ex.articles[1].reporters, vec!["顾远"]);
}

#[test]
fn table_rows_in_a_notice_are_no_headlines() {
    let page = "清河日报\n\n2025年10月14日  星期二\n\n清河区2025年第二批星级农家乐拟评定名单公示\n\n根据星级农家乐评定办法，经镇街推荐、区级评审，拟评定以下农家乐为星级农家乐，现予以公示。\n\n序号  名称  所在镇街  星级\n1  柳荫农家院  北塘镇  四星\n2  竹林人家  西山街道  三星\n3  荷塘小院  南渡镇  三星\n4  半山农庄  北塘镇  四星\n\n公示期为2025年10月14日至10月20日。如有异议，请在公示期内向区文化旅游委反映。\n\n清河区文化旅游委员会\n";
    let ex = run_text(page);
    assert_eq!(
        titles(&ex),
        vec!["清河区2025年第二批星级农家乐拟评定名单公示"],
        "{:?}",
        ex.articles
    );
    let a = &ex.articles[0];
    assert!(
        a.body.contains("柳荫农家院") && a.body.contains("半山农庄"),
        "{}",
        a.body
    );
    assert!(a.kicker.is_none() && a.subtitle.is_none());
}

#[test]
fn a_quoted_term_after_a_headline_colon_keeps_the_headline() {
    let page = "清河日报\n\n2025年10月14日  星期二\n\n北塘镇：“共享菜园”让邻里更亲近\n\n本报讯（记者 杜 宁）10月13日，北塘镇一处闲置空地改成的共享菜园迎来收获，二十多户居民在菜地里采摘青菜。\n\n社区主任说：“大家一起种菜，邻里之间走动多了。”\n";
    let ex = run_text(page);
    assert_eq!(titles(&ex), vec!["北塘镇：“共享菜园”让邻里更亲近"]);
    // a quoted remark after a colon is still running text of the body
    assert!(
        ex.articles[0].body.ends_with("走动多了。”"),
        "{}",
        ex.articles[0].body
    );
}
