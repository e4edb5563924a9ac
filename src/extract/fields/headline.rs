//! Headlines: which line is the kicker (引题), the title (主题) and the subtitle (副题), and
//! a short title for a headline-less photo caption or brief.
//!
//! Owns: choosing among the lines of a headline block by shape (length, a lead-in dash or
//! colon, a subtitle's opening dash), and cutting a short title from a caption. Must not
//! touch: where the headline block starts or ends (that is `segment`'s business).

use crate::extract::read::labels;
use crate::extract::read::web;
use crate::extract::text::clean::squeeze;
use crate::extract::text::fold;
use crate::extract::text::words;
use crate::extract::text::words::TIME_OPENERS;

/// A headline block read into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Headline {
    /// The line above the main headline.
    pub(crate) kicker: Option<String>,
    /// The main headline.
    pub(crate) title: Option<String>,
    /// The line below the main headline.
    pub(crate) subtitle: Option<String>,
}

fn len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn is_lead_in(s: &str) -> bool {
    let t = s.trim_end();
    t.ends_with("——")
        || t.ends_with('—')
        || t.ends_with('：')
        || t.ends_with(':')
        || t.ends_with("——")
}

fn opens_with_dash(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('—') || t.starts_with("--") || t.starts_with('－')
}

/// Splits the lines of a headline block (page order, at most three are used: the last
/// three) into kicker, title and subtitle. With two lines the shorter, punchier one is the
/// title (two long lines must differ by two characters: of about one length, they keep the
/// page's order, title first), unless a line ends in a lead-in dash or colon (it is the kicker), the second
/// opens with a dash (the subtitle), or the first is a short label such as a place
/// name (the kicker). Spaces inside headlines are removed.
pub(crate) fn split(lines: &[String]) -> Headline {
    let lines: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
    let lines = if lines.len() > 3 {
        lines.get(lines.len() - 3..).unwrap_or_default().to_vec()
    } else {
        lines
    };
    let clean = |s: &str| {
        let t = squeeze(s);
        let kept = t
            .trim_start_matches(['—', '－', '-'])
            .trim_start_matches(words::BRIEF_MARKS)
            .trim_start_matches(LIST_BULLETS)
            .trim();
        let kept = post_title(kept);
        // a part of the squeezed line as long as the line is the line: no second copy
        let t = if kept.len() == t.len() {
            t
        } else {
            kept.to_string()
        };
        Some(t).filter(|t| !t.is_empty())
    };
    match lines.as_slice() {
        [] => Headline::default(),
        [t] => match (
            split_column_label(t).or_else(|| split_one_line(t)),
            split_dash_subtitle(t),
        ) {
            (None, None) if without_site_name(t).len() < t.len() => Headline {
                kicker: None,
                title: clean(without_site_name(t)),
                subtitle: None,
            },
            (Some((k, title)), _) => Headline {
                kicker: clean(k),
                title: clean(title),
                subtitle: None,
            },
            (None, Some((title, sub))) => Headline {
                kicker: None,
                title: clean(title),
                subtitle: clean(sub),
            },
            (None, None) => Headline {
                kicker: None,
                title: clean(t),
                subtitle: None,
            },
        },
        [a, b] => {
            let (la, lb) = (len(a), len(b));
            let a_kicker = if is_lead_in(a) || bracketed_label(a) {
                // `【好日子天天过】` over a headline: a label in black brackets leads in
                true
            } else if opens_with_dash(b) || is_lead_in(b) {
                false
            } else if (labels::place_colon_headline(&fold::key_of(b))
                && !labels::place_colon_headline(&fold::key_of(a)))
                || labels::year_led(a)
            {
                // `某某镇：…` under a line is the main headline, the line its kicker
                true
            } else if la <= 6 && lb > la {
                // `老街“焕颜”` over a longer line: the punchy title over its subtitle
                !web::quoted_short_title(a)
            } else if lb <= 6 && la >= 10 {
                // a line of six characters or fewer under a line of ten or more is no
                // title under its kicker (a place and a name glued, a label): the long
                // line is the title
                false
            } else if la >= 12 && lb >= 12 {
                // two long lines of about one length: the headline over its subtitle
                lb + 2 <= la
            } else {
                lb <= la
            };
            if a_kicker {
                Headline {
                    kicker: clean(a),
                    title: clean(b),
                    subtitle: None,
                }
            } else {
                Headline {
                    kicker: None,
                    title: clean(a),
                    subtitle: clean(b),
                }
            }
        }
        [a, b, c, ..] => Headline {
            kicker: clean(a),
            title: clean(b),
            subtitle: clean(c),
        },
    }
}

/// A line wholly in black brackets (`【…】`), as a label or lead-in is set.
fn bracketed_label(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('【') && t.ends_with('】') && t.matches('【').count() == 1
}

/// Bullets a site's list style leaves before a headline (`•某某村规民约…`).
const LIST_BULLETS: [char; 2] = ['•', '·'];

/// Bars that set a column's name before a headline on one line (`栏目名丨标题`).
const COLUMN_BARS: [char; 3] = ['丨', '｜', '|'];

/// The words that say a headline was printed elsewhere first (`原标题：`): a label, not
/// part of the headline.
const ORIGINAL_TITLE: &str = "原标题";

/// A one-line headline led by its column's name and a bar (`某某在行动丨某地：某事`,
/// `原标题：某某游|某地…`): the name, two to ten Han characters and nothing else, is the
/// kicker; what follows the bar, at least six characters, is the title. A leading
/// `原标题：` goes.
fn split_column_label(t: &str) -> Option<(&str, &str)> {
    let mut t = t.trim();
    // the label is looked for in the headline's matching key (`text::fold`), and cut
    // from the headline at the same offset
    if let Some(rest) = fold::key_of(t)
        .starts_with(ORIGINAL_TITLE)
        .then(|| t.get(ORIGINAL_TITLE.len()..))
        .flatten()
        .and_then(|r| r.trim_start().strip_prefix([':', '：']))
    {
        t = rest.trim_start();
    }
    let (label, title) = t.split_once(COLUMN_BARS)?;
    let (label, title) = (label.trim(), title.trim());
    let n = label.chars().count();
    ((2..=10).contains(&n)
        && label.chars().all(crate::extract::text::clean::is_han)
        && len(title) >= 6
        && !title.contains(COLUMN_BARS)
        && !site_name(title))
    .then_some((label, title))
}

/// The words a site's or outlet's name ends with, after a page title's bar
/// (`某镇春耕忙|某某县人民政府网站`).
const SITE_ENDS: [&str; 8] = [
    "网站",
    "门户",
    "政府",
    "频道",
    "新闻",
    "在线",
    "客户端",
    "网",
];

/// A site's or outlet's name: at most sixteen characters ending in a site's word or an
/// outlet's character (`报`, `台`, `网` …).
fn site_name(t: &str) -> bool {
    let t = t.trim();
    crate::extract::text::clean::chars_upto(t, 17) <= 16 && {
        let t = fold::key_of(t);
        SITE_ENDS.iter().any(|w| t.ends_with(w)) || t.ends_with(words::OUTLET_ENDS)
    }
}

/// A page's title: the headline, a bar and the site's name (`某镇春耕忙|某某新闻网`); the
/// headline alone.
fn without_site_name(t: &str) -> &str {
    match t.rsplit_once(COLUMN_BARS) {
        Some((head, site)) if site_name(site) && len(head) >= 4 => head.trim(),
        _ => t,
    }
}

/// A social post's headline: topic tags (`#某某头条#`) and the title in black brackets
/// (`【某地谋划旅游轨道交通】`); the bracketed words when the line holds nothing else.
fn post_title(t: &str) -> &str {
    let mut rest = t.trim();
    while let Some(r) = rest.strip_prefix('#') {
        match r.split_once('#') {
            Some((tag, after)) if (1..=20).contains(&tag.chars().count()) => {
                rest = after.trim_start();
            }
            _ => return t,
        }
    }
    match rest.strip_prefix('【').and_then(|r| r.strip_suffix('】')) {
        Some(inner) if !inner.contains(['【', '】']) && len(inner) >= 4 => inner.trim(),
        _ => t,
    }
}

/// A web story's headline block whose lines from `at` on stood under its time line: the
/// lines above are read as a block of their own ([`split`]); the first line below, unless
/// it is a label in black brackets (a column's name), is the subtitle.
pub(crate) fn split_under_meta(lines: &[String], at: usize) -> Headline {
    let (top, below) = lines.split_at(at.min(lines.len()));
    let mut h = split(top);
    if h.title.is_none() {
        return split(lines);
    }
    if h.subtitle.is_none() {
        h.subtitle = below
            .iter()
            .find(|l| !l.trim().is_empty() && !bracketed_label(l))
            .map(|l| squeeze(l))
            .filter(|t| !t.is_empty());
    }
    h
}

/// Verbs that end a kicker set on the same line as its headline (`…大会要求 迅速掀起…`).
const KICKER_ENDS: &[&str] = &[
    "要求", "强调", "指出", "提出", "部署", "表示", "举措", "明确", "号召",
];

/// A one-line headline whose first part, before a space, is a kicker: it ends in a verb
/// of saying or deciding and both parts are long enough to be phrases.
fn split_one_line(t: &str) -> Option<(&str, &str)> {
    let t = t.trim();
    let (a, b) = t.split_once(char::is_whitespace)?;
    let (a, b) = (a.trim(), b.trim());
    if b.contains(char::is_whitespace) || len(a) < 6 || len(b) < 6 {
        return None;
    }
    let key = fold::key_of(a);
    KICKER_ENDS
        .iter()
        .any(|w| key.ends_with(w))
        .then_some((a, b))
}

/// A title and its subtitle set on one line, the subtitle opening with a dash after a
/// space (`…专网投用 ——12家企业…`): both parts at least four characters. A dash closing
/// the first part (`…2018年—— 实施…`) is a kicker's lead-in instead, and is left alone.
fn split_dash_subtitle(t: &str) -> Option<(&str, &str)> {
    let t = t.trim();
    let pos = t.find([' ', '\u{3000}'])?;
    let (a, b) = (t.get(..pos)?.trim_end(), t.get(pos..)?.trim_start());
    let opens = b.starts_with('—') || b.starts_with("--") || b.starts_with('－');
    let rest = b.trim_start_matches(['—', '-', '－', ' ']);
    (opens && !is_lead_in(a) && len(a) >= 4 && len(rest) >= 4).then_some((a, b))
}

/// A short title made from a caption or brief: its first clause that says something
/// (a leading date or time clause such as `26日,` or `近日,` is skipped), at most 24
/// characters, without markers.
pub(crate) fn title_from_text(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_start_matches(words::BRIEF_MARKS)
        .trim_start();
    // the clauses are cut one at a time, up to the first that can be a title
    let mut clauses = t
        .split(['，', ',', '。', '；', ';', '！', '？', '!', '?', '：', ':'])
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let pick = clauses.find(|c| {
        let n = c.chars().count();
        let key = fold::key_of(c);
        let timey = TIME_OPENERS
            .iter()
            .any(|w| key.starts_with(w) && n <= w.chars().count() + 4)
            || (n <= 10
                && (c.ends_with('日')
                    || c.ends_with("上午")
                    || c.ends_with("下午")
                    || c.ends_with('时'))
                && c.chars().next().is_some_and(|x| x.is_ascii_digit()));
        n >= 4 && !timey
    })?;
    let s = squeeze(pick);
    let s = s.trim_start_matches("图为").to_string();
    let out: String = s.chars().take(24).collect();
    Some(out).filter(|o| o.chars().count() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(lines: &[&str]) -> Headline {
        split(&lines.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn two_lines_shorter_is_title() {
        let x = h(&["青山县新时代文明实践中心正式揭牌运行", "让文明新风吹进万家"]);
        assert_eq!(
            x.kicker.as_deref(),
            Some("青山县新时代文明实践中心正式揭牌运行")
        );
        assert_eq!(x.title.as_deref(), Some("让文明新风吹进万家"));
        let y = h(&["凝心聚力 共谋发展", "青山县召开第三季度经济运行分析会议"]);
        assert_eq!(y.title.as_deref(), Some("凝心聚力共谋发展"));
        assert_eq!(
            y.subtitle.as_deref(),
            Some("青山县召开第三季度经济运行分析会议")
        );
    }

    #[test]
    fn a_line_of_six_characters_under_a_long_one_is_not_the_title() {
        // a place and a name glued under the headline (`青山李文`)
        let x = h(&[
            "河湾街道：坚持因地制宜打造亮点 大力弘扬时代新风",
            "青山李文",
        ]);
        assert_eq!(
            x.title.as_deref(),
            Some("河湾街道：坚持因地制宜打造亮点大力弘扬时代新风")
        );
        assert_eq!(x.kicker, None);
        // two short lines keep their order: kicker over title
        let y = h(&["春季护林防火", "进入关键期"]);
        assert_eq!(y.kicker.as_deref(), Some("春季护林防火"));
        assert_eq!(y.title.as_deref(), Some("进入关键期"));
        // two long lines of about one length: the headline over its subtitle
        let z = h(&[
            "西乡新建的三座桥梁今天正式通车",
            "沿河五村群众出行不再绕道渡口",
        ]);
        assert_eq!(z.kicker, None);
        assert_eq!(z.title.as_deref(), Some("西乡新建的三座桥梁今天正式通车"));
        // a long line over one clearly shorter: kicker over title
        let w = h(&["西乡新建的三座桥梁今天正式通车", "沿河五村出行不再绕道"]);
        assert_eq!(w.title.as_deref(), Some("沿河五村出行不再绕道"));
    }

    #[test]
    fn one_line_kicker_split_only_after_a_verb() {
        let x = h(&["全县安全生产大会要求 守牢安全发展底线"]);
        assert_eq!(x.kicker.as_deref(), Some("全县安全生产大会要求"));
        assert_eq!(x.title.as_deref(), Some("守牢安全发展底线"));
        let y = h(&["立足本地资源培育特色 用心办好民生实事"]);
        assert_eq!(y.kicker, None);
        assert_eq!(
            y.title.as_deref(),
            Some("立足本地资源培育特色用心办好民生实事")
        );
    }

    #[test]
    fn lead_in_and_labels() {
        let x = h(&["青山县启动三年行动计划,2024年——", "实施五大工程"]);
        assert_eq!(
            x.kicker.as_deref(),
            Some("青山县启动三年行动计划，2024年——")
        );
        assert_eq!(x.title.as_deref(), Some("实施五大工程"));
        let y = h(&["青山县", "以网格化推进基层治理"]);
        assert_eq!(y.kicker.as_deref(), Some("青山县"));
        let z = h(&["稳住基本盘", "——全县一季度经济运行综述"]);
        assert_eq!(z.title.as_deref(), Some("稳住基本盘"));
        assert_eq!(z.subtitle.as_deref(), Some("全县一季度经济运行综述"));
        let v = h(&["某镇产业园区5G专网投用 ——8家企业生产数据实时“上云”"]);
        assert_eq!(v.title.as_deref(), Some("某镇产业园区5G专网投用"));
        assert_eq!(v.subtitle.as_deref(), Some("8家企业生产数据实时“上云”"));
        let u = h(&["全面启动创城工作—— 实施五大工程"]);
        assert_eq!(u.subtitle, None);
        let w = h(&["引题一行", "主标题", "副标题一行说明"]);
        let k = h(&["“民生实事”在基层", "白水镇：老人家门口吃上热乎饭"]);
        assert_eq!(k.kicker.as_deref(), Some("“民生实事”在基层"));
        assert_eq!(k.title.as_deref(), Some("白水镇：老人家门口吃上热乎饭"));
        let y = h(&["2025年春季“文明乡风”评选", "十户人家获评最美家庭"]);
        assert_eq!(y.kicker.as_deref(), Some("2025年春季“文明乡风”评选"));
        assert_eq!(y.title.as_deref(), Some("十户人家获评最美家庭"));
        let p = h(&["稻香里的好日子", "东坪乡十万亩水稻开镰"]);
        assert_eq!(p.title.as_deref(), Some("稻香里的好日子"));
        assert_eq!(p.subtitle.as_deref(), Some("东坪乡十万亩水稻开镰"));
        assert_eq!(w.title.as_deref(), Some("主标题"));
    }

    #[test]
    fn a_line_under_the_time_line_is_the_subtitle() {
        let lines: Vec<String> = ["某镇：老街焕新迎客来", "修缮十二间老铺面"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let h = split_under_meta(&lines, 1);
        assert_eq!(h.title.as_deref(), Some("某镇：老街焕新迎客来"));
        assert_eq!(h.subtitle.as_deref(), Some("修缮十二间老铺面"));
        let labelled: Vec<String> = ["某市：人民城市人民建", "【文明城市创建】"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let l = split_under_meta(&labelled, 1);
        assert_eq!(l.title.as_deref(), Some("某市：人民城市人民建"));
        assert_eq!(l.subtitle, None);
        assert_eq!(l.kicker, None);
    }

    #[test]
    fn column_name_before_a_bar_is_the_kicker() {
        let x = h(&["田间课堂丨某县：合作社教出新农人"]);
        assert_eq!(x.kicker.as_deref(), Some("田间课堂"));
        assert_eq!(x.title.as_deref(), Some("某县：合作社教出新农人"));
        let y = h(&["原标题：走读乡村|某镇：一条老街的新生意"]);
        assert_eq!(y.kicker.as_deref(), Some("走读乡村"));
        assert_eq!(y.title.as_deref(), Some("某镇：一条老街的新生意"));
        // a bar inside a sentence-like first part, or a short tail, is no column
        let z = h(&["某镇举办技能大赛，三百人参赛丨现场直击"]);
        assert_eq!(z.kicker, None);
        let w = h(&["某某丨短讯"]);
        assert_eq!(w.kicker, None);
        // the site's name after a page title's bar is neither kicker nor title
        let s = h(&["春耕正当时|青山县人民政府网站"]);
        assert_eq!(s.kicker, None);
        assert_eq!(s.title.as_deref(), Some("春耕正当时"));
        let n = h(&["某镇召开防汛会议丨青山新闻网"]);
        assert_eq!(n.title.as_deref(), Some("某镇召开防汛会议"));
        let l = h(&["【好日子唱出来】", "某乡村村通上硬化路 村民笑开颜"]);
        assert_eq!(l.kicker.as_deref(), Some("好日子唱出来"));
        assert_eq!(l.title.as_deref(), Some("某乡村村通上硬化路村民笑开颜"));
        let p = h(&["#某市头条#【某地谋划旅游轨道交通】"]);
        assert_eq!(p.title.as_deref(), Some("某地谋划旅游轨道交通"));
        let q = h(&["【导读】某镇新闻"]);
        assert_eq!(q.title.as_deref(), Some("【导读】某镇新闻"));
        let b = h(&["•某村修订村规民约“管”住陈规陋习"]);
        assert_eq!(b.title.as_deref(), Some("某村修订村规民约“管”住陈规陋习"));
    }

    #[test]
    fn caption_titles() {
        assert_eq!(
            title_from_text("※15日,青山县举行农民丰收节庆祝活动,群众载歌载舞。").as_deref(),
            Some("青山县举行农民丰收节庆祝活动")
        );
        assert_eq!(
            title_from_text("近年来,白水镇大力发展特色种植,农民增收。").as_deref(),
            Some("白水镇大力发展特色种植")
        );
    }
}
