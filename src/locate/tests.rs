//! Rules of the gazetteer and the resolver, on texts written for these tests.

use super::gazetteer::{plain_form, short_form};
use super::*;
use crate::model::{Article, Kind};

fn gaz() -> &'static Gazetteer {
    Gazetteer::embedded()
}

fn codes(c: &Chain) -> Vec<String> {
    c.0.iter().map(|d| d.code.clone()).collect()
}

fn place(text: &str, home: Option<&str>) -> Placement {
    place_text(text, None, home)
}

/// Places `text`, opened by `opener` as extraction read it, under `home` if given.
fn place_text(text: &str, opener: Option<&crate::model::Opener>, home: Option<&str>) -> Placement {
    let home = home.map(|h| gaz().resolve(h).expect("home resolves"));
    let ctx = Context {
        home: home.as_ref(),
        publication: None,
    };
    locate_text(text, opener, &ctx, gaz())
}

/// Places `dateline` + `rest` as extraction hands over an article whose body opens with
/// that dateline, reading `place` and `outlet` in it.
fn place_opened(
    dateline: &str,
    place: Option<&str>,
    outlet: Option<&str>,
    rest: &str,
    home: Option<&str>,
) -> Placement {
    let opener = crate::model::Opener {
        len: dateline.len(),
        place: place.map(str::to_string),
        outlet: outlet.map(str::to_string),
    };
    place_text(&format!("{dateline}{rest}"), Some(&opener), home)
}

/// [`place_opened`] for `本报讯 `, a dateline naming no place.
fn place_dated(rest: &str, home: Option<&str>) -> Placement {
    place_opened("本报讯 ", None, None, rest, home)
}

fn leaf(p: &Placement) -> Option<String> {
    p.primary.leaf().map(|d| d.code.clone())
}

fn article(title: &str, kicker: Option<&str>, body: &str) -> Article {
    Article {
        title: Some(title.into()),
        kicker: kicker.map(str::to_string),
        subtitle: None,
        body: body.into(),
        reporters: vec![],
        contributors: vec![],
        photographers: vec![],
        date: None,
        kind: Kind::News,
        url: None,
        place_hint: None,
        opener: None,
    }
}

// ---- gazetteer ----

#[test]
fn table_matches_its_header_and_every_parent_exists() {
    let g = gaz();
    assert_eq!(g.len(), 31 + 342 + 2978 + 41352);
    let header = include_str!("../../data/gazetteer/nbs-2023.tsv")
        .lines()
        .find(|l| l.starts_with("# rows "))
        .expect("row-count header");
    assert!(header.contains(&format!("rows {}", g.len())), "{header}");
    // Every row's chain ends at that row (or its real ancestor for a pseudo row) and
    // begins at a province.
    for line in include_str!("../../data/gazetteer/nbs-2023.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        let (code, name) = line.split_once('\t').expect("two columns");
        let chain = g
            .chain(code)
            .unwrap_or_else(|| panic!("{code} has no chain"));
        assert_eq!(chain.0[0].level, Level::Province, "{code}");
        assert!(chain.0.iter().all(|d| code.starts_with(&d.code)), "{code}");
        let is_pseudo = [
            "市辖区",
            "县",
            "省直辖县级行政区划",
            "自治区直辖县级行政区划",
        ]
        .contains(&name)
            || (code.len() == 6
                && chain.leaf().map(|d| d.name.as_str()) == Some(name)
                && chain.leaf().unwrap().code.len() == 4);
        if !is_pseudo {
            assert_eq!(chain.leaf().map(|d| d.name.as_str()), Some(name), "{code}");
        }
    }
}

#[test]
fn pseudo_rows_never_appear_in_a_chain() {
    let g = gaz();
    assert_eq!(g.chain("110105").unwrap().names(), ["北京市", "朝阳区"]);
    assert_eq!(
        g.chain("441900121").unwrap().names(),
        ["广东省", "东莞市", "虎门镇"]
    );
    assert_eq!(g.chain("429004").unwrap().names(), ["湖北省", "仙桃市"]);
    assert_eq!(g.chain("500229").unwrap().names(), ["重庆市", "城口县"]);
    // A pseudo row's own code gives its nearest real ancestor.
    assert_eq!(g.chain("1101").unwrap().names(), ["北京市"]);
    assert_eq!(g.chain("441900").unwrap().names(), ["广东省", "东莞市"]);
    // Pseudo names are never matched in text.
    let p = place("市辖区和县的工作人员参加。", None);
    assert!(p.primary.is_empty(), "{:?}", p.primary);
}

#[test]
fn codes_are_resolved_padded_or_not() {
    let g = gaz();
    let zone = ["河北省", "保定市", "保定高新技术产业开发区"];
    assert_eq!(g.resolve("130671").unwrap().names(), zone);
    assert_eq!(g.chain("130671000000").unwrap().names(), zone);
    assert_eq!(g.resolve("3706").unwrap().names(), ["山东省", "烟台市"]);
    assert_eq!(g.resolve("370600").unwrap().names(), ["山东省", "烟台市"]);
    assert_eq!(g.resolve("370000").unwrap().names(), ["山东省"]);
    assert!(g.resolve("999999").is_none());
    assert!(g.resolve("12ab").is_none());
}

#[test]
fn resolve_names_short_names_and_rows_of_names() {
    let g = gaz();
    assert_eq!(
        g.resolve("涿州市").map(|c| codes(&c)),
        Some(vec!["13".into(), "1306".into(), "130681".into()])
    );
    assert_eq!(
        g.resolve("涿州").unwrap().names(),
        ["河北省", "保定市", "涿州市"]
    );
    assert_eq!(
        g.resolve("烟台高新区").unwrap().leaf().unwrap().code,
        "370671"
    );
    assert_eq!(
        g.resolve("北京市朝阳区").unwrap().names(),
        ["北京市", "朝阳区"]
    );
    assert_eq!(
        g.resolve("河北省石家庄市赞皇县赞皇镇")
            .unwrap()
            .leaf()
            .unwrap()
            .code,
        "130129100"
    );
    // Ambiguous or unknown: None.
    assert!(g.resolve("朝阳区").is_none());
    assert!(g.resolve("城关镇").is_none());
    assert!(g.resolve("高新区").is_none());
    assert!(g.resolve("不存在的地方").is_none());
    assert!(g.resolve("").is_none());
}

#[test]
fn short_forms_strip_one_suffix_and_keep_two_character_names() {
    assert_eq!(short_form("涿州市", Level::County), Some("涿州"));
    assert_eq!(short_form("单县", Level::County), None);
    assert_eq!(short_form("曹县", Level::County), None);
    assert_eq!(short_form("通道侗族自治县", Level::County), Some("通道"));
    assert_eq!(
        short_form("延边朝鲜族自治州", Level::Prefecture),
        Some("延边")
    );
    assert_eq!(short_form("乌镇镇", Level::Township), Some("乌镇"));
    assert_eq!(short_form("广西壮族自治区", Level::Province), Some("广西"));
    assert_eq!(short_form("三里屯街道", Level::Township), Some("三里屯"));
}

#[test]
fn ethnic_divisions_are_also_named_without_their_ethnic_group() {
    assert_eq!(
        plain_form("互助土族自治县", Level::County).as_deref(),
        Some("互助县")
    );
    assert_eq!(
        plain_form("延边朝鲜族自治州", Level::Prefecture).as_deref(),
        Some("延边州")
    );
    assert_eq!(
        plain_form("莫力达瓦达斡尔族自治旗", Level::County).as_deref(),
        Some("莫力达瓦旗")
    );
    assert_eq!(
        plain_form("民乐朝鲜族乡", Level::Township).as_deref(),
        Some("民乐乡")
    );
    assert_eq!(plain_form("涿州市", Level::County), None);
    assert_eq!(plain_form("民乐乡", Level::Township), None);
    assert_eq!(plain_form("广西壮族自治区", Level::Province), None);
}

#[test]
fn an_ethnic_township_written_without_its_group_is_found_through_the_context() {
    // 民乐乡 is also the official name of a township in another province: with no context
    // the official name wins; a home above the ethnic township decides for it.
    let text = "民乐乡千亩稻田开镰，收割机在田间来回穿梭。";
    assert_eq!(leaf(&place(text, None)).as_deref(), Some("620121202"));
    assert_eq!(
        leaf(&place(text, Some("230184"))).as_deref(),
        Some("230184211")
    );
    assert_eq!(
        leaf(&place(text, Some("620121"))).as_deref(),
        Some("620121202")
    );
    let p = place("互助县威远镇举办农民运动会。", None);
    assert_eq!(leaf(&p).as_deref(), Some("630223100"));
}

#[test]
fn search_finds_by_code_name_short_name_and_part() {
    let g = gaz();
    let by_code = g.search("130681");
    assert_eq!(by_code[0].leaf().unwrap().name, "涿州市");
    let under = g.search("1306");
    assert!(
        under.len() > 10
            && under
                .iter()
                .all(|c| c.leaf().unwrap().code.starts_with("1306"))
    );
    let short = g.search("涿州");
    assert_eq!(short[0].leaf().unwrap().code, "130681");
    let many = g.search("城关镇");
    assert!(many.len() >= 88, "{}", many.len());
    let part = g.search("净月");
    assert!(part.iter().any(|c| c.leaf().unwrap().code == "220172"));
    assert!(g.search("  ").is_empty());
    assert!(
        g.search("市辖区")
            .iter()
            .all(|c| c.leaf().unwrap().name != "市辖区")
    );
}

#[test]
fn development_zone_short_forms_match_on_prefecture_and_type() {
    let g = gaz();
    // The plain zone of a prefecture gets the city's short forms, whatever its long name.
    assert_eq!(
        g.resolve("长春高新区").unwrap().leaf().unwrap().code,
        "220173"
    );
    assert_eq!(
        g.resolve("长春净月高新区").unwrap().leaf().unwrap().code,
        "220172"
    );
    assert_eq!(
        g.resolve("净月高新区").unwrap().leaf().unwrap().code,
        "220172"
    );
    // 威海火炬高技术产业开发区 is 威海's only high-tech zone.
    assert_eq!(
        g.resolve("威海高新区").unwrap().leaf().unwrap().code,
        "371071"
    );
    // 蚌埠市高新技术开发区: the long form differs, the type matches.
    assert_eq!(
        g.resolve("蚌埠高新区").unwrap().leaf().unwrap().code,
        "340371"
    );
    assert_eq!(
        g.resolve("蚌埠高新技术产业开发区")
            .unwrap()
            .leaf()
            .unwrap()
            .code,
        "340371"
    );
    assert_eq!(
        g.resolve("烟台经开区").unwrap().leaf().unwrap().code,
        "370676"
    );
    let p = place("本报讯 近日，烟台高新区召开会议，部署全年工作。", None);
    assert_eq!(leaf(&p).as_deref(), Some("370671"));
}

#[test]
fn a_bare_zone_type_is_the_home_prefectures_zone_or_nothing() {
    let text = "本报讯 日前，高新区召开安全生产工作会议。高新区管委会主任出席。";
    let local = place(text, Some("烟台市"));
    assert_eq!(
        leaf(&local).as_deref(),
        Some("370671"),
        "{:?}",
        local.evidence
    );
    let national = place(text, None);
    assert!(national.primary.is_empty(), "{:?}", national.primary);
}

#[test]
fn historical_names_resolve_to_todays_code() {
    let g = gaz();
    // 2020 name of 110106013.
    assert_eq!(
        g.resolve("方庄地区").unwrap().leaf().unwrap().code,
        "110106013"
    );
    // 2020 name of 371471.
    assert_eq!(
        g.resolve("德州经济技术开发区")
            .unwrap()
            .leaf()
            .unwrap()
            .code,
        "371471"
    );
    let p = place("本报讯 北京市丰台区方庄地区开展垃圾分类宣传。", None);
    assert_eq!(leaf(&p).as_deref(), Some("110106013"));
}

// ---- false friends ----

#[test]
fn false_friends_are_rejected_even_with_the_place_in_context() {
    // Each text names the parent of the false friend, so only the shape rules reject it.
    let cases = [
        ("本报讯 甘南州各县的农民专业合作社发展迅速。", "623001"),
        ("本报讯 濮阳市开展全国文明城市示范县创建工作。", "410926"),
        ("本报讯 怀化市打造西部陆海新通道重要节点。", "431230"),
        ("本报讯 海南省海口市文昌公园完成改造。", "469005"),
        ("本报讯 肇庆市各村落实一约四会制度。", "441284"),
        ("本报讯 山西省晋城市推进中心城区更新。", "140502"),
        ("本报讯 邢台市开展南沙河综合治理。", "130582"),
    ];
    for (text, wrong) in cases {
        let p = place(text, None);
        let all = p.feed_codes(true);
        assert!(
            !all.iter().any(|c| c == wrong),
            "{text}: placed in {wrong}: {:?}",
            p.evidence
        );
    }
}

#[test]
fn false_friends_without_context_name_no_place() {
    for text in [
        "合作社带动农户增收。",
        "创建示范县。",
        "打通新通道。",
        "文昌公园举办游园会。",
        "推行一约四会。",
        "中心城区交通改善。",
        "南沙河水位上涨。",
    ] {
        let p = place(text, None);
        assert!(p.primary.is_empty(), "{text}: {:?}", p.primary.names());
    }
}

#[test]
fn short_forms_are_trusted_with_an_admin_role_word_or_their_parent() {
    // Parent named right before.
    let p = place_dated("河北保定涿州召开文化节。", None);
    assert_eq!(leaf(&p).as_deref(), Some("130681"));
    // Admin-role word.
    let p = place_dated("日前，单县县委召开全体会议，研究部署下半年工作。", None);
    assert_eq!(leaf(&p).as_deref(), Some("371722"));
    // Parent in the context (home).
    let p = place_dated("涿州文化节开幕，游客纷至沓来。", Some("保定市"));
    assert_eq!(leaf(&p).as_deref(), Some("130681"));
    // Nothing vouches for it.
    let p = place("本报讯 涿州文化节开幕，游客纷至沓来。", None);
    assert!(p.primary.is_empty(), "{:?}", p.primary.names());
}

// ---- duplicated names and ties ----

#[test]
fn a_duplicated_township_is_resolved_by_its_parent_nearby() {
    let p = place(
        "本报讯 日前，内蒙古自治区和林格尔县召开秋收工作会议。会后，城关镇组织农机手开展抢收。",
        None,
    );
    assert_eq!(
        leaf(&p).as_deref(),
        Some("150123"),
        "county-wide: {:?}",
        p.evidence
    );
    let p = place(
        "本报讯 日前，清水河县城关镇召开秋收工作会议。城关镇党委书记出席并讲话，城关镇各村负责人参加。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("150124100"), "{:?}", p.evidence);
}

#[test]
fn a_duplicated_township_alone_names_no_township() {
    let p = place("本报讯 城关镇召开秋收工作会议，城关镇党委书记出席。", None);
    assert!(
        p.primary.0.iter().all(|d| d.level != Level::Township),
        "{:?}",
        p.primary.names()
    );
}

#[test]
fn a_tie_stops_at_the_deepest_shared_level() {
    // 北正乡 is in two counties of 石家庄市.
    let p = place(
        "本报讯 北正乡召开乡村振兴推进会，北正乡党委书记出席。",
        None,
    );
    assert_eq!(
        p.primary.names(),
        ["河北省", "石家庄市"],
        "{:?}",
        p.evidence
    );
    // 朝阳区 is in 北京市 and 长春市: nothing shared.
    let p = place("本报讯 朝阳区人民政府召开常务会议。", None);
    assert!(p.primary.is_empty(), "{:?}", p.primary.names());
    // The context breaks the tie.
    let p = place("本报讯 朝阳区人民政府召开常务会议。", Some("长春市"));
    assert_eq!(leaf(&p).as_deref(), Some("220104"));
}

// ---- weighing ----

#[test]
fn a_county_wide_article_stops_at_the_county() {
    let a = article(
        "涿州市：文旅融合结硕果",
        None,
        "本报讯 近日，笔者来到河北省涿州市松林店镇的一处研学基地。涿州市坚持文旅融合发展，涿州市各镇街积极参与，全市文旅产业持续壮大。",
    );
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(
        p.primary.names(),
        ["河北省", "保定市", "涿州市"],
        "{:?}",
        p.evidence
    );
}

#[test]
fn a_lone_township_named_again_and_again_carries_a_zone_story() {
    // The zone's bodies frame the story; the one township it happens in is named thrice.
    let a = article(
        "送学上门，助力暑期托管",
        None,
        "本报讯 近日，烟台高新区党群工作部联合区团委开展暑期志愿服务。\n\
         志愿者来到马山街道一处社区，为孩子们辅导作业。高新区党群工作部负责人介绍，\
         活动将持续两周。烟台高新区社会事务管理部也派员参加。\n\
         马山街道还组织了亲子阅读，马山街道多个社区参与。",
    );
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(
        p.primary.leaf().map(|d| d.name.as_str()),
        Some("马山街道"),
        "{:?}",
        p.evidence
    );
    // Named once, the township does not outweigh the zone.
    let b = article(
        "送学上门，助力暑期托管",
        None,
        "本报讯 近日，烟台高新区党群工作部联合区团委开展暑期志愿服务。\n\
         志愿者来到马山街道一处社区，为孩子们辅导作业。高新区党群工作部负责人介绍，\
         活动将持续两周。烟台高新区社会事务管理部也派员参加。",
    );
    let q = locate(&b, &Context::default(), gaz());
    assert_eq!(
        q.primary.leaf().map(|d| d.code.as_str()),
        Some("370671"),
        "{:?}",
        q.evidence
    );
}

#[test]
fn a_township_in_the_headline_deepens_the_chain() {
    let a = article(
        "松林店镇：多措并举推进人居环境整治",
        None,
        "本报讯 为改善农村人居环境，近日，涿州市松林店镇开展集中整治行动。松林店镇组织党员志愿者清理垃圾。涿州市有关部门到场指导。",
    );
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(
        p.primary.leaf().unwrap().name,
        "松林店镇",
        "{:?}",
        p.evidence
    );
}

#[test]
fn a_photo_caption_places_the_picture() {
    let p = place(
        "近年来，河北省赞皇县大力发展乡村旅游，游客数量逐年增长。图为5月1日，赞皇县嶂石岩镇游客参观学习。",
        None,
    );
    assert_eq!(
        p.primary.leaf().unwrap().name,
        "嶂石岩镇",
        "{:?}",
        p.evidence
    );
}

#[test]
fn another_county_in_the_headline_is_also_covered() {
    let a = article(
        "定兴县考察团来高新区参观",
        None,
        "本报讯 近日，定兴县委常委一行到保定高新区考察项目建设。考察团对高新区的发展给予高度评价，保定高新区有关负责人陪同。",
    );
    let home = gaz().resolve("保定市").unwrap();
    let ctx = Context {
        home: Some(&home),
        publication: None,
    };
    let p = locate(&a, &ctx, gaz());
    assert_eq!(p.primary.leaf().unwrap().code, "130671", "{:?}", p.evidence);
    assert_eq!(p.also.len(), 1);
    assert_eq!(p.also[0].leaf().unwrap().name, "定兴县");
    let codes = p.feed_codes(true);
    assert!(codes.contains(&"130626".to_string()) && codes.contains(&"13".to_string()));
    assert!(!p.feed_codes(false).contains(&"130626".to_string()));
}

#[test]
fn an_article_without_a_place_takes_the_home() {
    let p = place(
        "本报讯 近日，区关工委召开工作会议，研究部署下半年工作。",
        Some("烟台市"),
    );
    assert_eq!(leaf(&p).as_deref(), Some("3706"));
    assert!(p.evidence.iter().any(|e| e.field == "home"));
}

#[test]
fn the_dateline_place_is_context() {
    let p = place_opened(
        "本报烟台5月3日讯(记者 张明 通讯员 李华) ",
        Some("烟台"),
        None,
        "近日，高新区举办人才招聘会。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("370671"), "{:?}", p.evidence);
    assert!(
        p.evidence
            .iter()
            .any(|e| e.field == "dateline" && e.code == "3706")
    );
}

#[test]
fn the_hint_decides_when_it_names_a_place() {
    let mut a = article("秋收正忙", None, "本报讯 农民抢收玉米。");
    a.place_hint = Some("涿州市".into());
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(p.primary.leaf().unwrap().code, "130681");
}

#[test]
fn traditional_characters_are_folded() {
    let p = place(
        "本報訊 近日，廣東省東莞市虎門鎮舉辦龍舟賽，吸引眾多市民觀看。",
        None,
    );
    assert_eq!(
        p.primary.names(),
        ["广东省", "东莞市", "虎门镇"],
        "{:?}",
        p.evidence
    );
}

#[test]
fn spaces_inside_names_are_ignored() {
    let p = place("本报讯 近日，涿 州市召开会议。", None);
    assert_eq!(leaf(&p).as_deref(), Some("130681"));
}

// ---- homes ----

#[test]
fn homes_resolve_from_mastheads_datelines_and_names() {
    let g = gaz();
    let h = |s: &str| resolve_home(s, g).map(|c| c.leaf().unwrap().code.clone());
    assert_eq!(h("烟台").as_deref(), Some("3706"));
    assert_eq!(h("中共烟台市委机关报").as_deref(), Some("3706"));
    assert_eq!(
        h("主管:长春净月高新区党工委(新闻中心)").as_deref(),
        Some("220172")
    );
    assert_eq!(h("北京市朝阳区融媒体中心").as_deref(), Some("110105"));
    assert_eq!(h("130681").as_deref(), Some("130681"));
    assert_eq!(h("经开区报"), None);
    assert_eq!(h("人民日报"), None);
}

#[test]
fn a_papers_name_is_read_from_its_whole_stem() {
    let g = gaz();
    let h = |s: &str| resolve_home(s, g).map(|c| c.leaf().unwrap().code.clone());
    // A district's name on an evening paper: the city's press group publishes it.
    assert_eq!(h("雁塔晚报").as_deref(), Some("6101"));
    assert_eq!(h("海棠晚报").as_deref(), Some("4602"));
    // A county or district paper keeps its county.
    assert_eq!(h("雁塔报").as_deref(), Some("610113"));
    assert_eq!(h("辛集日报").as_deref(), Some("130181"));
    // A prefecture's name wins over a shorter place inside it.
    assert_eq!(h("三门峡晚报").as_deref(), Some("4112"));
    assert_eq!(h("烟台日报").as_deref(), Some("3706"));
    // A landmark or object word that merely contains a place name gives no home.
    assert_eq!(h("青羊宫晚报"), None);
    assert_eq!(h("白云山日报"), None);
    assert_eq!(h("人民日报"), None);
    // Names in a row still do.
    assert_eq!(h("保定高新区新闻").as_deref(), Some("130671"));
}

#[test]
fn a_publication_name_can_stand_for_the_home() {
    let ctx = Context {
        home: None,
        publication: Some("烟台日报"),
    };
    let text = "本报讯 高新区召开人才工作会议。";
    let opener = crate::model::Opener {
        len: "本报讯 ".len(),
        place: None,
        outlet: None,
    };
    let p = locate_text(text, Some(&opener), &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("370671"), "{:?}", p.evidence);
}

#[test]
fn evidence_names_the_deciding_mentions() {
    let p = place("本报讯 清水河县城关镇召开会议。", None);
    let e = p
        .evidence
        .iter()
        .find(|e| e.code == "150124100")
        .expect("evidence for the township");
    assert_eq!(e.text, "城关镇");
    assert_eq!(e.field, "body");
    assert!(!e.note.is_empty());
}

#[test]
fn a_short_city_name_right_before_its_district_settles_a_duplicated_district() {
    // 鼓楼区 is in four cities; 福州 alone would need context.
    let p = place("本报讯 近日，福州鼓楼区举办社区运动会。", None);
    assert_eq!(
        p.primary.names(),
        ["福建省", "福州市", "鼓楼区"],
        "{:?}",
        p.evidence
    );
    let p = place("本报讯 近日，鼓楼区举办社区运动会。", None);
    assert!(p.primary.is_empty(), "{:?}", p.primary.names());
}

#[test]
fn a_city_short_name_that_only_one_city_bears_is_trusted() {
    let p = place("本报讯 日前，全省乡村振兴工作会议在济南召开。", None);
    assert_eq!(leaf(&p).as_deref(), Some("3701"), "{:?}", p.evidence);
    // 吉安 is a city and a county: it needs context.
    let p = place("本报讯 日前，工作会议在吉安召开。", None);
    assert!(p.primary.is_empty(), "{:?}", p.primary.names());
}

#[test]
fn a_duplicated_name_that_the_home_cannot_settle_adds_nothing() {
    // 陇西县 has no 城关镇; the twenty of 甘肃省 must not pull the article up to the province.
    let p = place(
        "本报讯 日前，城关镇召开会议。城关镇党委书记出席。",
        Some("陇西县"),
    );
    assert_eq!(leaf(&p).as_deref(), Some("621122"), "{:?}", p.evidence);
}

#[test]
fn a_lone_township_in_the_lead_carries_a_story_framed_by_its_county() {
    // The county is named twice, as the source and as the officials quoted; the one
    // township, named in the first sentence, is where the story happens.
    let framed = "记者从玛纳斯县了解到，位于北五岔镇北部戈壁的光伏项目日前并网发电。\n\n\
                  该项目占地约2.6万亩，板下种草养羊。\n\n\
                  玛纳斯县相关负责人表示，当地将继续建设新能源基地。";
    assert_eq!(leaf(&place(framed, None)).as_deref(), Some("652324104"));
    // A township named once in passing, late in a county-wide story, does not.
    let passing = "玛纳斯县召开全县秋季农业生产推进会，部署秋收秋种工作。\n\n\
                   会议要求各乡镇抓住晴好天气抢收抢种。玛纳斯县农业农村局介绍了全县进度。\n\n\
                   会后，与会人员还观摩了北五岔镇的一处示范田。";
    assert_eq!(leaf(&place(passing, None)).as_deref(), Some("652324"));
}

#[test]
fn a_former_name_inside_a_longer_word_is_that_word() {
    // 城区社区 is the former name of a township; 旧城区社区 is an old town's community.
    let p = place("位于老街旧城区社区的长者食堂昨日正式启用。", None);
    assert!(p.primary.0.is_empty(), "{:?}", p.primary);
    assert!(
        p.evidence
            .iter()
            .any(|e| e.note.contains("a former name inside a longer word")),
        "{:?}",
        p.evidence
    );
}

#[test]
fn a_unit_named_in_full_is_then_named_by_its_stem() {
    let ctx = Context {
        home: None,
        publication: None,
    };
    // The headline and the lead use the stem; the body names the unit in full once.
    let a = article(
        "双山岛打造江心生态游",
        None,
        "本报讯 近日，张家港市双山岛推出骑行和观鸟线路。据介绍，双山岛旅游度假区今年新修环岛步道十余公里，岛上民宿全部完成提档。",
    );
    let p = locate(&a, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("320582407"), "{:?}", p.evidence);
    // Without the full name, the stem is no place: the story stays at the county.
    let b = article(
        "双山岛芦苇荡迎来观鸟季",
        None,
        "本报讯 近日，张家港市双山岛的芦苇荡迎来观鸟季，不少市民前来拍摄。",
    );
    let p = locate(&b, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("320582"), "{:?}", p.evidence);
}

#[test]
fn unit_stems_are_only_for_units_that_are_not_towns() {
    use super::gazetteer::unit_stem;
    assert_eq!(
        unit_stem("双山岛旅游度假区", Level::Township),
        Some("双山岛")
    );
    assert_eq!(unit_stem("安基山林场", Level::Township), Some("安基山"));
    assert_eq!(unit_stem("城关镇", Level::Township), None);
    assert_eq!(unit_stem("东湖新区", Level::County), None);
    assert_eq!(unit_stem("江新区", Level::Township), None);
}

#[test]
fn where_goods_are_shipped_is_not_where_the_story_happens() {
    let p = place(
        "赞皇县嶂石岩镇的冷库里，工人们正把苹果装箱，这批苹果将运往北京、天津和上海的超市。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("130129103"), "{:?}", p.evidence);
    assert!(p.also.is_empty(), "{:?}", p.also);
    let beijing = p.evidence.iter().find(|e| e.text == "北京").unwrap();
    assert!(beijing.note.ends_with("weight 0.25"), "{}", beijing.note);
    // The same names as the subject weigh as usual.
    let p = place("北京、天津两地的客商来到赞皇县洽谈苹果收购。", None);
    for name in ["北京", "天津"] {
        let e = p.evidence.iter().find(|e| e.text == name).unwrap();
        assert!(e.note.ends_with("weight 2"), "{}", e.note);
    }
}

#[test]
fn the_lead_naming_a_township_after_its_county_places_the_story_there() {
    let ctx = Context {
        home: None,
        publication: None,
    };
    // The county is named in the headline; the lead says where.
    let a = article(
        "赞皇苹果搭上直播快车",
        None,
        "在河北省赞皇县嶂石岩镇的果园里，果农们对着手机镜头介绍刚摘下的苹果。今年以来，当地培训电商主播两百多人，果园的苹果卖到了全国各地。",
    );
    let p = locate(&a, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("130129103"), "{:?}", p.evidence);
    // Named alone later in the body, the same township does not outweigh its county.
    let b = article(
        "赞皇苹果搭上直播快车",
        None,
        "今年以来，赞皇县培训电商主播两百多人，赞皇苹果卖到了全国各地。赞皇县电商中心负责人说，嶂石岩镇的果农也开始自己直播。",
    );
    let p = locate(&b, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("130129"), "{:?}", p.evidence);
}

#[test]
fn a_county_name_that_is_the_stem_of_a_home_township_names_the_township() {
    let a = article(
        "凤凰早市人气旺",
        None,
        "本报讯 近日，凤凰镇的早市迎来客流高峰，周边村民赶来选购新鲜蔬菜和手工点心。",
    );
    // 凤凰 is also a county in Hunan; the paper's county holds a 凤凰镇.
    let home = gaz().resolve("宁晋县").unwrap();
    let ctx = Context {
        home: Some(&home),
        publication: None,
    };
    let p = locate(&a, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("130528100"), "{:?}", p.evidence);
    // Without a county to hold the township, 凤凰 keeps its meaning as a county.
    let p = locate(&a, &Context::default(), gaz());
    assert_ne!(leaf(&p).as_deref(), Some("130528100"), "{:?}", p.evidence);
}

#[test]
fn every_destination_verb_ends_in_a_checked_character() {
    for v in super::resolve::DESTINATION_VERBS {
        let last = v.chars().next_back().unwrap();
        assert!("往到抵销供至".contains(last), "{v}");
    }
}

// ---- the page's own evidence of home (issue 13) ----

/// Asserts that some evidence line of a placement passes a test.
fn shows(p: &Placement, test: impl Fn(&crate::model::Evidence) -> bool) {
    assert!(p.evidence.iter().any(test), "{:?}", p.evidence);
}

/// Asserts that every evidence line of a placement passes a test.
fn shows_only(p: &Placement, test: impl Fn(&crate::model::Evidence) -> bool) {
    assert!(p.evidence.iter().all(test), "{:?}", p.evidence);
}

fn brief(body: &str) -> Article {
    Article {
        title: None,
        ..article("", None, body)
    }
}

#[test]
fn an_outlet_named_in_the_furniture_is_the_pages_home() {
    let furniture = vec![
        "北山镇 青田新闻网".to_string(),
        "您的位置：首页 > 乡镇动态".to_string(),
    ];
    let h = page_home(&furniture, &[], gaz()).expect("a home");
    assert_eq!(codes(&h.chain).last().map(String::as_str), Some("331121"));
    assert_eq!(h.text, "青田新闻网");
    // A media centre or a government site says the same; a headline list does not.
    for line in ["青田县融媒体中心 主办", "版权所有：青田县人民政府"] {
        let h = page_home(&[line.to_string()], &[], gaz()).expect(line);
        assert_eq!(codes(&h.chain).last().map(String::as_str), Some("331121"));
    }
    assert!(page_home(&["国内新闻 图片新闻 专题".to_string()], &[], gaz()).is_none());
}

#[test]
fn outlets_of_two_counties_in_one_menu_give_their_shared_city() {
    let menu = vec!["青田新闻 缙云新闻 丽水网".to_string()];
    let h = page_home(&menu, &[], gaz()).expect("a home");
    assert_eq!(codes(&h.chain).last().map(String::as_str), Some("3311"));
}

#[test]
fn with_the_outlets_home_an_ambiguous_township_is_the_homes() {
    // 北山镇 is a town in five counties; the site's county holds one of them.
    let a = article(
        "北山镇：干部进村走访",
        None,
        "5月3日，北山镇干部分组走访各村，听取群众意见。",
    );
    let home = page_home(&["北山镇 青田新闻网".to_string()], &[], gaz()).unwrap();
    let ctx = Context {
        home: Some(&home.chain),
        publication: None,
    };
    let p = locate(&a, &ctx, gaz());
    assert_eq!(leaf(&p).as_deref(), Some("331121107"), "{:?}", p.evidence);
}

#[test]
fn a_page_that_speaks_as_a_county_and_names_one_is_at_home_there() {
    let items = vec![
        brief("5月6日，我县召开防汛工作部署会，副县长出席。"),
        brief("5月7日，县政协组织委员走访企业，感受文成发展新貌。"),
    ];
    let h = page_home(&[], &items, gaz()).expect("a home");
    assert_eq!(codes(&h.chain).last().map(String::as_str), Some("330328"));
    // Two counties named: the page does not say which is its own.
    let two = vec![
        brief("5月6日，我县召开防汛工作部署会。"),
        brief("考察团赴文成、庆元两地学习。"),
    ];
    assert!(page_home(&[], &two, gaz()).is_none());
    // No self-reference: a county named in passing is no home.
    assert!(page_home(&[], &[brief("感受文成发展新貌。")], gaz()).is_none());
}

#[test]
fn an_outlet_in_the_dateline_is_a_home_not_a_topic() {
    // The site's place is context: the ambiguous town resolves under it.
    let p = place_opened(
        "青田新闻网讯 ",
        None,
        Some("青田新闻网"),
        "5月3日，北山镇召开村级换届工作会议。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("331121107"), "{:?}", p.evidence);
    shows(&p, |e| e.field == "dateline" && e.text == "青田");
    // An outlet followed by a place: the place is the dateline's.
    let p = place_opened(
        "某某在线温州5月3日讯 ",
        Some("温州"),
        Some("某某在线"),
        "文成县举行招商推介会。",
        None,
    );
    shows(&p, |e| e.field == "dateline" && e.text == "温州");
}

#[test]
fn a_townships_name_read_on_into_zhen_is_the_common_noun() {
    // 平安乡 is a township's name; 平安乡镇 (safe townships) is a campaign's word.
    let p = place("全县开展平安乡镇创建活动，文成县各部门参加。", None);
    shows_only(&p, |e| e.text != "平安乡" || e.note.starts_with("ignored"));
    assert_eq!(leaf(&p).as_deref(), Some("330328"), "{:?}", p.evidence);
}

#[test]
fn a_township_name_with_no_support_on_a_page_with_a_home_is_an_ordinary_word() {
    let text = "本报讯 5月3日，记者走进一家奶牛场，场里的工人正忙着挤奶。";
    let p = place(text, Some("文成县"));
    assert_eq!(leaf(&p).as_deref(), Some("330328"), "{:?}", p.evidence);
    shows(&p, |e| {
        e.text == "奶牛场" && e.note.contains("neither its county")
    });
    // With no home the page cannot tell, and the township's name stands as it did.
    let p = place(text, None);
    assert_eq!(leaf(&p).as_deref(), Some("231102580"), "{:?}", p.evidence);
}

#[test]
fn an_outlets_name_in_the_text_is_context_not_a_topic() {
    // A site name printed over the story: its place is the home that decides the town.
    let a = Article {
        subtitle: Some("青田新闻网 2024-05-03 08:00".into()),
        ..article(
            "北山镇：干部进村走访",
            None,
            "5月3日，北山镇干部分组走访各村，听取群众意见。",
        )
    };
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(leaf(&p).as_deref(), Some("331121107"), "{:?}", p.evidence);
    shows(&p, |e| {
        e.text == "青田" && e.field == "subtitle" && e.note.ends_with("weight 0.25")
    });
}

#[test]
fn a_short_name_a_city_shares_with_its_own_district_is_the_city() {
    // 白银 is 白银市 and also 白银区, a district of that city: the news means the city.
    let p = place("白银市召开新材料产业推进会。白银的企业订单增长明显。", None);
    assert_eq!(leaf(&p).as_deref(), Some("6204"), "{:?}", p.evidence);
    shows(&p, |e| e.text == "白银" && e.code == "6204");
}

#[test]
fn a_dateline_on_the_homes_chain_counts_once() {
    // The paper's home and its dateline say the same thing: one prior, so the one town
    // the story names, in its second sentence, still carries it.
    let p = place_opened(
        "丽水日报讯 （通讯员 某某）",
        None,
        Some("丽水日报"),
        "“路修好了，出门方便多了。”青田县北山镇一位老人高兴地说。",
        Some("丽水市"),
    );
    assert_eq!(leaf(&p).as_deref(), Some("331121107"), "{:?}", p.evidence);
}

#[test]
fn a_city_that_outweighs_its_siblings_twice_over_carries_a_province_framed_text() {
    let text = "甘肃省召开现场会。会议指出，甘肃要抓好产业，甘肃各地要比学赶超，全省上下齐努力。\
                白银市介绍了经验。白银市的企业代表发言。白银市还展示了新产品，白银市的做法受到肯定。兰州市代表参加。";
    let p = place(text, None);
    assert_eq!(leaf(&p).as_deref(), Some("6204"), "{:?}", p.evidence);
}

#[test]
fn best_match_the_one_province_or_city() {
    let g = gaz();
    let rule = BEST_MATCH
        .iter()
        .find(|r| r.name == "the-one-province-or-city")
        .unwrap();
    let pick = |s: &str| (rule.pick)(g, &g.exact(s)).map(|id| g.chain_of(id).names());
    // 河南: 河南省 and 河南蒙古族自治县; 黄山: 黄山市 and 黄山区; 吉林: the province and the city.
    assert_eq!(pick("河南"), Some(vec!["河南省".to_string()]));
    assert_eq!(
        pick("黄山"),
        Some(vec!["安徽省".to_string(), "黄山市".to_string()])
    );
    assert_eq!(pick("吉林"), Some(vec!["吉林省".to_string()]));
    // Four districts at one level: no pick.
    assert_eq!(pick("鼓楼区"), None);
    assert_eq!(pick("朝阳区"), None);
}

#[test]
fn lookup_takes_what_resolve_takes_then_the_best_match_then_lists_the_candidates() {
    let g = gaz();
    assert_eq!(g.lookup("安吉县").unwrap(), g.resolve("安吉县").unwrap());
    assert_eq!(
        g.lookup(" 410204 ").unwrap().names(),
        ["河南省", "开封市", "鼓楼区"]
    );
    assert_eq!(g.lookup("河南").unwrap().names(), ["河南省"]);
    match g.lookup("鼓楼区") {
        Err(e @ PlaceNameError::Ambiguous(..)) => assert_eq!(
            e.to_string(),
            "鼓楼区: 4 places — 320106 江苏省 南京市 鼓楼区, 320302 江苏省 徐州市 鼓楼区, \
             350102 福建省 福州市 鼓楼区, 410204 河南省 开封市 鼓楼区; use a code"
        ),
        other => panic!("{other:?}"),
    }
    let many = g.lookup("城关镇").unwrap_err().to_string();
    assert!(
        many.starts_with("城关镇: ")
            && many.contains(" more (`localfeed places 城关镇`); use a code"),
        "{many}"
    );
    assert!(matches!(
        g.lookup("不存在的地方"),
        Err(PlaceNameError::Unknown(_))
    ));
    assert!(matches!(
        g.lookup("五里乡"),
        Err(PlaceNameError::Ambiguous(..))
    ));
}

#[test]
fn a_county_right_before_its_township_is_no_things_name() {
    // `安吉山川乡`: 山 opens the township's name, not a mountain's after 安吉
    let p = place("安吉山川乡举办竹林运动会，三百多名村民参加。", None);
    let county = p.evidence.iter().find(|e| e.text == "安吉");
    assert!(
        county.is_some_and(|e| e.code == "330523"),
        "{:#?}",
        p.evidence
    );
    assert_eq!(leaf(&p).as_deref(), Some("330523206"));
}

// ---- placement on real pages (issue 13, "Place them"); texts written for these tests ----

#[test]
fn a_township_written_with_another_type_word_is_its_countys_township() {
    // 珊溪镇 was a 乡 once; a street may be written 街 (renamed-township).
    let p = place("文成县珊溪乡举行揭牌仪式，珊溪乡干部群众参加。", None);
    assert_eq!(leaf(&p).as_deref(), Some("330328105"), "{:?}", p.evidence);
    shows(&p, |e| {
        e.text == "珊溪乡" && e.note.contains("renamed-township")
    });
    let p = place(
        "记者走进青田县鹤城街的一个社区。鹤城街居民正在排练节目。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("331121001"), "{:?}", p.evidence);
    // Without its county on the page the other type word names nothing.
    let p = place("记者走进鹤城街的一个社区。", None);
    assert!(
        p.evidence
            .iter()
            .all(|e| !e.note.contains("renamed-township")),
        "{:?}",
        p.evidence
    );
}

#[test]
fn a_county_named_on_the_page_keeps_its_short_name() {
    // 潞城街道 is a street in another province; 潞城 here is the district named in full.
    let p = place(
        "潞城区召开防汛会议。潞城街道干部参加。潞城的企业代表发言。",
        None,
    );
    assert_eq!(leaf(&p).as_deref(), Some("140406"), "{:?}", p.evidence);
    shows(&p, |e| e.text == "潞城" && e.code == "140406");
}

#[test]
fn a_township_name_read_on_into_the_countryside_is_the_common_noun() {
    let p = place("青田县建设和美乡村，打造平和乡村新貌。", None);
    assert_eq!(leaf(&p).as_deref(), Some("331121"), "{:?}", p.evidence);
    shows(&p, |e| e.text == "平和乡" && e.note.starts_with("ignored"));
    // Its villagers are the township's.
    let p = place("文成县平和乡村民种茶增收。", None);
    assert_eq!(leaf(&p).as_deref(), Some("330328227"), "{:?}", p.evidence);
}

#[test]
fn a_township_named_like_a_common_noun_for_towns_needs_its_county() {
    let p = place("各地加快小城镇建设。", None);
    assert!(p.primary.is_empty(), "{:?}", p.evidence);
    shows(&p, |e| e.note.contains("common-noun-town"));
    let p = place("全市部分乡镇开展检查，文成县参加。", None);
    assert_eq!(leaf(&p).as_deref(), Some("330328"), "{:?}", p.evidence);
}

#[test]
fn a_papers_name_in_the_text_is_an_outlet() {
    let p = place("龙泉时报记者走访青田县北山镇。", None);
    assert_eq!(leaf(&p).as_deref(), Some("331121107"), "{:?}", p.evidence);
    shows(&p, |e| e.text == "龙泉" && e.note.ends_with("weight 0.25"));
}

#[test]
fn a_place_right_after_a_verb_of_going_stands_as_a_word() {
    let p = place("采访团走进丽水，记者一行参观了农业园区。", None);
    assert_eq!(leaf(&p).as_deref(), Some("3311"), "{:?}", p.evidence);
}

#[test]
fn the_leads_address_settles_a_tie_among_provinces() {
    // The first sentence names no place; the next one gives the story's address. Three
    // provinces take part and none outweighs the others (lead-first-place, lead-address).
    let text = "四月的一天，春风和暖。文成县珊溪镇的广场上，三省群众齐聚一堂。\
                福建省福鼎市点头镇的茶农带来新茶，江西省的艺人表演节目。\
                珊溪镇的村民唱起山歌，点头镇的茶农献上茶艺。江西省的客人说，珊溪镇让人难忘。";
    let p = place(text, None);
    assert_eq!(leaf(&p).as_deref(), Some("330328105"), "{:?}", p.evidence);
    shows(&p, |e| e.field == "lead" && e.note.contains("lead-address"));
    // Two cities of one province tie; a headline naming the province itself keeps the
    // story there.
    let text = "四月的一天，春风和暖。文成县珊溪镇的广场上，群众齐聚一堂。\
                青田县北山镇的艺人表演节目。北山镇的村民唱起山歌，珊溪镇的村民跳起舞蹈。";
    let p = place(text, None);
    assert_eq!(leaf(&p).as_deref(), Some("330328105"), "{:?}", p.evidence);
    let a = article("大美浙江", None, text);
    let p = locate(&a, &Context::default(), gaz());
    assert_eq!(leaf(&p).as_deref(), Some("33"), "{:?}", p.evidence);
}

/// The code a page's articles give as its home (no furniture), and the rule's note.
fn home_of(items: &[Article]) -> (String, &'static str) {
    let h = page_home(&[], items, gaz()).expect("a home");
    let code = codes(&h.chain).last().cloned().unwrap_or_default();
    (code, h.note)
}

#[test]
fn a_page_that_speaks_as_a_city_names_its_parent_too() {
    // 我市 page naming its prefecture and, more often, the county-level city under it; the
    // fair's city is named once (self-home).
    let items = vec![
        brief("我市完成丽水市下达的全年任务。"),
        brief("“龙泉宝剑”亮相博览会，我市企业参展，龙泉青瓷也受到关注。"),
        brief("博览会在杭州举行。"),
    ];
    let (code, note) = home_of(&items);
    assert_eq!(code, "331181");
    assert!(note.contains("self-home"), "{note}");
}

#[test]
fn a_page_that_speaks_as_a_county_is_at_home_where_its_townships_are() {
    // No county named, save a short name inside an ordinary word (自然资源 holds 资源, a
    // county's short name): the townships say which county (self-home-townships).
    let items = vec![
        brief("我县召开自然资源工作会议。"),
        brief("黄坦镇、巨屿镇、峃口镇负责人参加。"),
    ];
    let (code, note) = home_of(&items);
    assert_eq!(code, "330328");
    assert!(note.contains("self-home-townships"), "{note}");
    // 全旗 speaks as a banner as 我旗 does.
    let (code, _) = home_of(&[brief("全旗开展草原防火检查，陈巴尔虎旗各苏木参加。")]);
    assert_eq!(code, "150725");
}

#[test]
fn a_short_name_written_once_needs_support_to_be_a_county_pages_home() {
    // 全县 and a county's short name written once, as another outlet's name in a dateline
    // or as an ordinary word: no home.
    let once = vec![
        brief("全县已建成养殖小区四十余个。"),
        brief("文成网客户端9月19日消息 在东坪县的作坊里，工人们正在赶工。"),
    ];
    assert!(page_home(&[], &once, gaz()).is_none());
    // Written in full once, or short twice: the page's county.
    let full = vec![
        brief("全县已建成养殖小区四十余个。"),
        brief("文成县畜牧部门表示，将继续推广种养结合模式。"),
    ];
    assert_eq!(home_of(&full).0, "330328");
    let twice = vec![
        brief("全县已建成养殖小区四十余个，文成茶叶远销省外。"),
        brief("文成畜牧部门表示，将继续推广种养结合模式。"),
    ];
    assert_eq!(home_of(&twice).0, "330328");
}

#[test]
fn a_county_page_is_at_home_where_its_header_names_it_twice() {
    let furniture: Vec<String> = ["早安，文成！", "微看文成 2024-05-06", "今日文成"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let items = vec![brief("5月6日上午，我县召开防汛工作部署会。")];
    let h = page_home(&furniture, &items, gaz()).expect("a home");
    assert_eq!(codes(&h.chain).last().map(String::as_str), Some("330328"));
    assert!(h.note.contains("self-home-furniture"), "{}", h.note);
    // Named once, or only inside other words (自然资源 holds a county's short name): no home.
    assert!(page_home(&furniture[..1], &items, gaz()).is_none());
    let menu: Vec<String> = ["人力资源 自然资源", "自然资源局"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(page_home(&menu, &items, gaz()).is_none());
}
