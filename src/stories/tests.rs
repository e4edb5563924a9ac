use chrono::{DateTime, FixedOffset, NaiveDate};

use super::*;
use crate::model::{Article, Chain, Division, Kind, Level, Placement, article_id};

const REPORT: &str = "7月23日，安吉县递铺街道在文化礼堂举办“共富工坊”现场推进会，来自全县15个乡镇（街道）的负责人参加会议。会上，递铺街道介绍了工坊建设的经验做法：依托村级组织，引入竹制品加工企业，把来料加工送到农户家门口，带动800余名留守妇女和老人在家门口就业，人均月增收2000元以上。\n\n与会人员还实地参观了鲁家村、南北庄村等地的共富工坊，详细了解工坊运营、订单对接和收益分配情况。县委有关负责人表示，下一步将总结推广递铺经验，力争年底前实现共富工坊行政村全覆盖。";

fn at(h: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-07-23T{h:02}:00:00+08:00")).unwrap()
}

fn chain(code: &str, name: &str) -> Chain {
    Chain(vec![Division {
        code: code.into(),
        name: name.into(),
        level: Level::County,
    }])
}

fn stored(source: &str, publication: &str, title: &str, body: &str, seen: u32) -> StoredArticle {
    let article = Article {
        title: Some(title.into()),
        kicker: None,
        subtitle: None,
        body: body.into(),
        reporters: vec![],
        contributors: vec![],
        photographers: vec![],
        date: NaiveDate::from_ymd_opt(2026, 7, 23),
        kind: Kind::News,
        url: None,
        place_hint: None,
        opener: None,
    };
    StoredArticle {
        id: article_id(source, &article),
        source: source.into(),
        input: "p.txt".into(),
        publication: Some(publication.into()),
        article,
        placement: Placement {
            primary: chain(if source == "anji" { "330523" } else { "3305" }, source),
            also: vec![],
            evidence: vec![],
        },
        first_seen: at(seen),
        updated: at(seen),
        printings: vec![],
        body_digest: None,
        arrival: 0,
    }
}

#[test]
fn a_reprint_with_another_dateline_byline_and_headline_is_one_story() {
    let original = stored(
        "huzhou",
        "湖州日报",
        "递铺街道推广共富工坊",
        &format!("本报讯（记者 王英）{REPORT}"),
        9,
    );
    let edited = REPORT.replace("人均月增收2000元以上", "人均月收入增加两千元");
    let reprint = stored(
        "anji",
        "安吉新闻",
        "家门口就业 月增收两千元",
        &format!("湖州日报讯（记者 王英 通讯员 李明）{edited}\n\n（编辑 赵六）"),
        9,
    );
    let other = stored(
        "huzhou",
        "湖州日报",
        "青山镇丰收节开幕",
        "本报讯 9月23日，青山镇第五届农民丰收节开幕，200余种特色农产品集中展销，吸引周边群众三万余人次前来参观选购。活动持续三天，设有农事体验、文艺演出等环节。",
        9,
    );
    let all = vec![reprint.clone(), other.clone(), original.clone()];
    let members = find(&all, &Thresholds::default());
    // first seen together and dated alike: the printing that credits no other leads
    assert_eq!(members, vec![(reprint.id.clone(), original.id.clone())]);
    let out = collapse(all, &members);
    assert_eq!(out.len(), 2);
    let story = out.iter().find(|a| a.id == original.id).unwrap();
    assert_eq!(story.publication.as_deref(), Some("湖州日报"));
    assert_eq!(story.printings.len(), 1);
    assert_eq!(story.printings[0].publication.as_deref(), Some("安吉新闻"));
    assert_eq!(story.placement.also, vec![chain("330523", "anji")]);
}

#[test]
fn the_printing_seen_first_leads_whatever_the_order() {
    let a = stored("huzhou", "湖州日报", "甲", &format!("本报讯{REPORT}"), 10);
    let b = stored("anji", "安吉新闻", "乙", &format!("本报讯{REPORT}"), 9);
    let m1 = find(&[a.clone(), b.clone()], &Thresholds::default());
    let m2 = find(&[b.clone(), a.clone()], &Thresholds::default());
    assert_eq!(m1, vec![(a.id.clone(), b.id.clone())]);
    assert_eq!(m1, m2);
}

#[test]
fn two_briefs_from_one_template_stay_apart() {
    let a = stored(
        "x",
        "甲报",
        "简讯",
        "本报讯 7月23日，递铺街道开展消防安全宣传活动，发放宣传资料300余份。",
        9,
    );
    let b = stored(
        "y",
        "乙报",
        "简讯",
        "本报讯 7月23日，孝丰镇开展消防安全宣传活动，发放宣传资料500余份。",
        9,
    );
    assert!(find(&[a, b], &Thresholds::default()).is_empty());
}

#[test]
fn a_cut_reprint_is_the_same_story() {
    let first = REPORT.split("\n\n").next().unwrap();
    let a = stored("huzhou", "湖州日报", "甲", &format!("本报讯{REPORT}"), 9);
    let b = stored("anji", "安吉新闻", "乙", first, 9);
    let (same, rule) = same_story(
        (&a.article.body, None, None),
        (&b.article.body, None, None),
        &Thresholds::default(),
    );
    assert!(same, "{rule}");
}

#[test]
fn dates_a_whole_number_of_years_apart_count_as_a_misread_year() {
    assert_eq!(year_misread(3), 3);
    assert_eq!(year_misread(365), 0);
    assert_eq!(year_misread(367), 1);
    assert_eq!(year_misread(731), 0);
    assert_eq!(year_misread(1460), 1);
    assert_eq!(year_misread(180), 180);
    assert_eq!(year_misread(200), 165);
}

#[test]
fn an_undated_printing_counts_by_the_day_it_was_first_seen() {
    let a = stored("huzhou", "湖州日报", "甲", &format!("本报讯{REPORT}"), 9);
    let mut b = stored("anji", "安吉新闻", "乙", &format!("本报讯{REPORT}"), 9);
    b.article.date = None;
    // read together (an archive read at once): nothing parts them
    assert_eq!(
        find(&[a.clone(), b.clone()], &Thresholds::default()).len(),
        1
    );
    // first seen 40 days later, with no date of its own: another story
    b.first_seen += chrono::Duration::days(40);
    assert!(find(&[a.clone(), b.clone()], &Thresholds::default()).is_empty());
    // seen 3 days later: a reprint
    b.first_seen = a.first_seen + chrono::Duration::days(3);
    assert_eq!(find(&[a, b], &Thresholds::default()).len(), 1);
}

#[test]
fn printings_placed_apart_are_no_candidates_even_in_a_big_bucket() {
    // one text written for 40 townships of two counties, and printed twice for one of
    // them: only that pair is one story
    let mut all = Vec::new();
    for k in 0..40 {
        let mut a = stored("x", "甲报", "甲", &format!("本报讯{REPORT}"), 9);
        a.id = format!("t{k:02}");
        a.placement.primary = chain(&format!("3305{:02}{k:03}", 23 + k % 2), "town");
        a.placement.evidence = vec![crate::model::Evidence {
            text: "镇".into(),
            field: "body".into(),
            code: a.placement.primary.leaf().unwrap().code.clone(),
            note: String::new(),
        }];
        all.push(a);
    }
    let mut twin = all[7].clone();
    twin.id = "u07".into();
    all.push(twin);
    assert_eq!(
        find(&all, &Thresholds::default()),
        vec![("u07".to_string(), "t07".to_string())]
    );
}

/// [`find_since`] with the shipped thresholds, on articles that carry their bodies.
fn since(
    arts: &[StoredArticle],
    sk: &[Sketch],
    fresh: &[bool],
    earlier: &[(String, String)],
) -> Members {
    find_since(arts, sk, fresh, earlier, &Thresholds::default(), &|a| {
        std::borrow::Cow::Borrowed(a.article.body.as_str())
    })
}

/// The sketches of `arts`, in order.
fn sketched(arts: &[StoredArticle]) -> Vec<Sketch> {
    sketches(arts, &[]).0
}

#[test]
fn a_pass_draws_only_pairs_with_a_fresh_printing_and_earlier_stories_stand() {
    let t = Thresholds::default();
    let a = stored("huzhou", "湖州日报", "甲", &format!("本报讯{REPORT}"), 9);
    let b = stored("anji", "安吉新闻", "乙", &format!("湖州日报讯{REPORT}"), 10);
    let arts = vec![a.clone(), b.clone()];
    let sk = sketched(&arts);
    let joined = vec![(b.id.clone(), a.id.clone())];
    // every printing fresh: the whole answer
    assert_eq!(since(&arts, &sk, &[true, true], &[]), joined);
    assert_eq!(find_sketched(&arts, &sk, &t), joined);
    // neither fresh: an earlier pass that left them apart is not second-guessed, and one
    // that joined them stands
    assert!(since(&arts, &sk, &[false, false], &[]).is_empty());
    assert_eq!(since(&arts, &sk, &[false, false], &joined), joined);
    // the reprint fresh: it joins the story of the printing it matches
    assert_eq!(since(&arts, &sk, &[false, true], &[]), joined);
}

#[test]
fn a_story_with_a_changed_or_vanished_printing_is_looked_at_again() {
    let a = stored("huzhou", "湖州日报", "甲", &format!("本报讯{REPORT}"), 9);
    let b = stored(
        "anji",
        "安吉新闻",
        "乙",
        "本报讯 6月8日，孝丰镇在西溪河畔开展防汛应急演练，镇村两级120余名队员参加，模拟强降雨引发河道水位暴涨、山体滑坡等险情。",
        10,
    );
    let c = stored(
        "changxing",
        "长兴新闻",
        "丙",
        &format!("湖州日报讯{REPORT}"),
        11,
    );
    // an earlier pass joined a and b; b's text has changed since (it is fresh): the
    // story is taken apart and b, no reprint now, stands alone
    let arts = vec![a.clone(), b.clone()];
    let earlier = vec![(b.id.clone(), a.id.clone())];
    let sk = sketched(&arts);
    assert!(since(&arts, &sk, &[false, true], &earlier).is_empty());
    // an earlier story whose leader is gone from the store: its other printings are
    // looked at again (here c joins nobody's story but leads none either)
    let arts = vec![b.clone(), c.clone()];
    let earlier = vec![(c.id.clone(), a.id.clone())];
    let sk = sketched(&arts);
    assert!(since(&arts, &sk, &[false, false], &earlier).is_empty());
}
