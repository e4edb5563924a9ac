//! Headlines: which line is the kicker (引题), the title (主题) and the subtitle (副题), and
//! a short title for a headline-less photo caption or brief.
//!
//! Owns: choosing among the lines of a headline block by shape (length, a lead-in dash or
//! colon, a subtitle's opening dash), and cutting a short title from a caption. Must not
//! touch: where the headline block starts or ends (that is `segment`'s business).

use crate::extract::read::labels;
use crate::extract::read::web;
use crate::extract::text::clean::squeeze;
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
/// title, unless a line ends in a lead-in dash or colon (it is the kicker), the second
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
            .trim();
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
        [t] => match (split_one_line(t), split_dash_subtitle(t)) {
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
            let a_kicker = if is_lead_in(a) {
                true
            } else if opens_with_dash(b) || is_lead_in(b) {
                false
            } else if (labels::place_colon_headline(b) && !labels::place_colon_headline(a))
                || labels::year_led(a)
            {
                // `某某镇：…` under a line is the main headline, the line its kicker
                true
            } else if la <= 6 && lb > la {
                // `老街“焕颜”` over a longer line: the punchy title over its subtitle
                !web::quoted_short_title(a)
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

/// Verbs that end a kicker set on the same line as its headline (`…大会要求 迅速掀起…`).
const KICKER_ENDS: &[&str] = &[
    "要求", "强调", "強調", "指出", "提出", "部署", "表示", "举措", "舉措", "明确", "明確", "号召",
    "號召",
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
    KICKER_ENDS.iter().any(|w| a.ends_with(w)).then_some((a, b))
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
    let clauses: Vec<&str> = t
        .split(['，', ',', '。', '；', ';', '！', '？', '!', '?', '：', ':'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let pick = clauses.iter().find(|c| {
        let n = c.chars().count();
        let timey = TIME_OPENERS
            .iter()
            .any(|w| c.starts_with(w) && n <= w.chars().count() + 4)
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
