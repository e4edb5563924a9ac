//! Item forms of the third generality round: shapes the first two rounds misread.
//!
//! Owns, by shape alone (position, length, punctuation, marker words): a compiled item's
//! opening (`本报综合 据某报报道，…`) as its dateline and a lead that cites a report
//! (`据某报报道，`); a notice word set letter-spaced as a title (`讣  告`); the roles of a
//! Q&A interview's lines (a `——访…` subtitle is no author line, an interviewer's question
//! `记者：…？` is text); a bracketed page number (`（第2版）`) as furniture; a photo credit
//! naming an office and a photographer (`某某工作站 X 摄`) and the row of photos whose
//! credits stand above their captions; a title set over a date-and-source line; the
//! Minguo year (`中華民國114年` = 2025); and, in single files, a bare date near the title,
//! a tags line and a label line of links (`相关阅读：[…](…)`) after the text.
//! Each rule is called from one place and sits behind a byte-level test (a marker, a line
//! length), so running text pays almost nothing. The matchers are hand-written rather than
//! regexes or a date or Markdown crate: each reads a few characters at a fixed place (a
//! line's start or end), which costs tens of instructions where a regex search costs
//! thousands (see BENCHMARKS.md), and chrono's formats read no Minguo year.
//! Must not touch: the first-round rules of `segment`, `dateline`, `single` (it is called
//! from them), names inside bylines (`byline` reads them).

use chrono::NaiveDate;

use super::byline::{self, People};
use super::dateline::Dateline;
use super::normalize::{is_han, is_sentence_end};
use super::segment::{Class, NOTICE_WORDS, Piece, Start, Unit, chars};

/// Markers that may open a paragraph before its dateline.
const MARKS: [char; 11] = super::shape::BRIEF_MARKS;

/// How a compiled item opens: the paper's own digest of others' reports.
const COMPILED: [&str; 4] = ["本报综合", "本報綜合", "本刊综合", "本刊綜合"];

/// `本报综合 据某某日报报道，…` (or `本报综合消息`, `本报综合 …`): the paper's digest of
/// another's report, read as a dateline without place, date or byline, so that the
/// paragraph opens an item. The dateline runs through the cited report (`…报道`) when
/// one follows within twenty characters; some text must follow it.
pub(crate) fn compiled_dateline(text: &str) -> Option<Dateline> {
    // most lines fail on their first bytes: 本 is E6 9C AC; the markers and white space
    // that may stand before it start with E2 or are ASCII
    let b = text.as_bytes();
    if !(b.starts_with("本".as_bytes()) || b.first().is_some_and(|&x| x == 0xE2 || x == b' ')) {
        return None;
    }
    let t = text.trim_start().trim_start_matches(MARKS).trim_start();
    if !t.starts_with('本') {
        return None;
    }
    let word = COMPILED.iter().find(|w| t.starts_with(*w))?;
    let lead = text.len() - t.len();
    let mut len = lead + word.len();
    let mut rest = t.get(word.len()..)?;
    if let Some(r) = rest.strip_prefix("消息") {
        len += "消息".len();
        rest = r;
    }
    let after = rest.trim_start();
    if let Some(end) = cited_report_end(after) {
        len += rest.len() - after.len() + end;
    }
    let follows = text
        .get(len..)?
        .trim_start_matches(['，', ',', ' ', '：', ':']);
    if chars(follows) < 10 {
        return None;
    }
    Some(Dateline {
        len,
        place: None,
        month_day: None,
        byline: None,
        org: None,
    })
}

/// The byte end of `据某某报道` opening `text`, through the verb (`报道`, `報導`, `消息`),
/// when the verb comes within twenty characters and a comma right after it; the words
/// between are the source, without clause punctuation.
fn cited_report_end(text: &str) -> Option<usize> {
    let src = text
        .strip_prefix('据')
        .or_else(|| text.strip_prefix('據'))?;
    let start = text.len() - src.len();
    for (k, (i, c)) in src.char_indices().enumerate() {
        if k > 20 {
            return None;
        }
        if matches!(c, '，' | ',' | '。' | '、' | '：' | '；' | '“' | '”') {
            return None;
        }
        let here = src.get(i..).unwrap_or("");
        for verb in ["报道", "報導", "報道", "消息"] {
            if let Some(after) = here.strip_prefix(verb)
                && after.starts_with(['，', ','])
                && k >= 2
            {
                return Some(start + i + verb.len());
            }
        }
    }
    None
}

/// A lead that opens by citing another's report (`据某某日报报道，…`): a compiled story's
/// lead, as a new item's lead opens with its event's time.
pub(crate) fn cites_report(lead: &str) -> bool {
    let t = lead.trim_start();
    (t.starts_with('据') || t.starts_with('據')) && cited_report_end(t).is_some()
}

/// A notice word alone, letter-spaced as a designed title is (`讣  告`, `公 告`): two Han
/// characters with white space between them, together a notice word.
pub(crate) fn spaced_notice(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 24 || !t.contains(char::is_whitespace) {
        return false;
    }
    let mut word = [0u8; 8];
    let mut n = 0;
    for c in t.chars().filter(|c| !c.is_whitespace()) {
        let l = c.len_utf8();
        match word.get_mut(n..n + l) {
            Some(dst) if is_han(c) => {
                c.encode_utf8(dst);
                n += l;
            }
            _ => return false,
        }
    }
    let word = word.get(..n).unwrap_or_default();
    NOTICE_WORDS.iter().any(|w| w.as_bytes() == word)
}

/// Whose turn opens an interview's question (`记者：`, `问：`, `主持人：`).
const ASKERS: [&str; 8] = [
    "记者",
    "記者",
    "本报记者",
    "本報記者",
    "问",
    "問",
    "主持人",
    "主持人问",
];

/// An interviewer's question: a line opened by the asker and a colon, with a question of
/// four characters or more after it, ending in a question mark. It is the text of a Q&A
/// interview, never a headline.
fn question_turn(text: &str) -> bool {
    let t = text.trim();
    if !t.ends_with(['？', '?']) {
        return false;
    }
    ASKERS.iter().any(|a| {
        t.strip_prefix(a)
            .and_then(|r| r.strip_prefix(['：', ':']))
            .is_some_and(|q| chars(q) >= 4)
    })
}

/// A page number alone in brackets (`（第2版）`, `(A5版)`), left where a story continues:
/// page furniture, never text.
fn bracketed_page_number(text: &str) -> bool {
    let t = text.trim();
    let Some(inner) = t
        .strip_prefix(['（', '('])
        .and_then(|r| r.strip_suffix(['）', ')']))
    else {
        return false;
    };
    let inner = inner.trim();
    let inner = inner.strip_prefix('第').unwrap_or(inner).trim();
    let Some(num) = inner.strip_suffix('版').map(str::trim) else {
        return false;
    };
    let digits = num
        .strip_prefix(|c: char| c.is_ascii_uppercase())
        .unwrap_or(num);
    (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A photo credit that names an office before the photographer and no staff role
/// (`某镇融媒体工作站 甲 乙 摄`): the photographer, a contributor. The office is one token
/// ending in an organisation word; the name after it is two to four Han characters, maybe
/// spaced out.
pub(crate) fn office_credit(text: &str) -> Option<People> {
    let t = text
        .trim()
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim_end();
    let body = t.strip_suffix('摄').or_else(|| t.strip_suffix('攝'))?;
    if chars(body) > 30 {
        return None;
    }
    let mut toks = body.split_whitespace();
    let office = toks.next()?;
    let name: String = toks.collect();
    let office_word = [
        "站", "中心", "社", "台", "部", "办", "辦", "局", "所", "队", "隊",
    ]
    .iter()
    .any(|w| office.ends_with(w));
    if !office_word || chars(office) < 4 || !byline::is_name(&name) {
        return None;
    }
    Some(People {
        contributors: vec![name],
        photo: true,
        ..People::default()
    })
}

/// Second-opinion roles for the lines of a page, after the first two rounds (see the
/// module's doc). Each test sits behind a byte-level one, and only short lines are read.
pub(crate) fn refine(mut units: Vec<Unit>) -> Vec<Unit> {
    for u in &mut units {
        if u.text.len() > 240 {
            continue;
        }
        let b = u.text.as_bytes();
        let class = match u.class {
            // `——访某局局长 X`: the interview's subtitle, not a commentary's author line
            // (an em dash is E2 80 94)
            Class::Author | Class::Byline if b.starts_with(&[0xE2, 0x80, 0x94]) => {
                Some(Class::Head)
            }
            // a question ends in a full-width (EF BC 9F) or ASCII question mark
            Class::Head
                if (b.ends_with(&[0xEF, 0xBC, 0x9F]) || b.ends_with(b"?"))
                    && question_turn(&u.text) =>
            {
                Some(Class::Para)
            }
            // `（第2版）`: a full-width bracket is EF BC 88
            Class::Head | Class::Para
                if b.len() <= 24
                    && (b.starts_with(&[0xEF, 0xBC, 0x88]) || b.starts_with(b"("))
                    && bracketed_page_number(&u.text) =>
            {
                Some(Class::Furniture)
            }
            // `某镇融媒体工作站 X 摄`: 摄 is E6 91 84, 攝 is E6 94 9D
            Class::Head
                if (b.ends_with(&[0xE6, 0x91, 0x84]) || b.ends_with(&[0xE6, 0x94, 0x9D]))
                    && office_credit(&u.text).is_some() =>
            {
                Some(Class::Credit)
            }
            _ => None,
        };
        if let Some(c) = class {
            u.class = c;
        }
    }
    units
}

/// A photo caption as a strip prints it: one or two sentences, at most 120 characters.
fn caption_shape(text: &str) -> bool {
    let t = text.trim();
    t.len() <= 480
        && t.chars().last().is_some_and(is_sentence_end)
        && chars(t) <= 120
        && (1..=2).contains(&t.matches(['。', '！', '？']).count())
}

/// A row of photos whose credits stand above their captions (`通讯员 X 摄` / caption /
/// `记者 Y 摄` / caption …): two or more credit-and-caption pairs in a row, the first credit
/// closing no caption of its own (a label, a headline or a long paragraph stands above
/// it), and no more text after the last caption. Each pair is a photo item, its credit the
/// anchor. Read before credits are taken as closing the caption above them. The credits,
/// the captions and a short column label right above the row (`镜头`, `光影`) are marked
/// taken; the label belongs to no item.
pub(crate) fn credit_first_strip(units: &[Unit], claimed: &mut [bool]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let taken: &[bool] = claimed;
    let free = |k: usize| !taken.get(k).copied().unwrap_or(true);
    let class = |k: usize| units.get(k).map(|u| u.class);
    let mut i = 0;
    while i < units.len() {
        if class(i) != Some(Class::Credit) || !free(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut pairs = Vec::new();
        while class(j) == Some(Class::Credit)
            && free(j)
            && class(j + 1) == Some(Class::Para)
            && free(j + 1)
            && units.get(j + 1).is_some_and(|u| caption_shape(&u.text))
        {
            pairs.push((j, j + 1));
            j += 2;
        }
        // read only for a row: no text after it, and the line above closes no caption
        let row = pairs.len() >= 2
            && units
                .get(j)
                .is_none_or(|u| !matches!(u.class, Class::Para | Class::Marker) || !free(j))
            && i.checked_sub(1)
                .and_then(|k| units.get(k))
                .is_none_or(|u| match u.class {
                    Class::Para | Class::Marker | Class::Dateline => !caption_shape(&u.text),
                    Class::Credit => false,
                    _ => true,
                });
        if row {
            if let Some(k) = i.checked_sub(1)
                && class(k) == Some(Class::Head)
                && free(k)
                && units.get(k).is_some_and(|u| {
                    (2..=8).contains(&chars(&u.text)) && u.text.chars().all(is_han)
                })
            {
                labels.push(k);
            }
            for (credit, caption) in pairs {
                out.push(Piece {
                    start: Start::Credit,
                    headline: vec![],
                    body: vec![],
                    captions: vec![caption],
                    bylines: vec![],
                    anchor: credit,
                });
            }
            i = j;
        } else {
            i += 1;
        }
    }
    for k in out
        .iter()
        .flat_map(|p| p.captions.iter().chain(std::iter::once(&p.anchor)))
        .chain(&labels)
    {
        if let Some(c) = claimed.get_mut(*k) {
            *c = true;
        }
    }
    out
}

/// Words of a line that gives a file's date and source under its title.
const META_WORDS: [&str; 6] = ["来源", "來源", "发布", "發佈", "时间", "時間"];

/// A title line over a date-and-source line (`标题` / `2025年8月6日  来源：某某中心` /
/// dateline…), as a text file or a web page prints it: the headline-like line right above
/// that furniture line, itself at the top of the text or under furniture. Its index.
pub(crate) fn title_over_meta(units: &[Unit], anchor: usize, claimed: &[bool]) -> Option<usize> {
    let meta = anchor.checked_sub(1)?;
    let title = meta.checked_sub(1)?;
    let m = units.get(meta)?;
    let t = units.get(title)?;
    let is_meta = m.class == Class::Furniture
        && m.text.len() <= 240
        && m.text.bytes().any(|b| b.is_ascii_digit())
        && META_WORDS.iter().any(|w| m.text.contains(w));
    let top = title
        .checked_sub(1)
        .and_then(|k| units.get(k))
        .is_none_or(|u| u.class == Class::Furniture);
    (is_meta
        && top
        && t.class == Class::Head
        && !claimed.get(title).copied().unwrap_or(true)
        && (4..=40).contains(&chars(&t.text)))
    .then_some(title)
}

/// An issue date in the Minguo calendar (`中華民國114年3月8日`, `民國114年3月8日`, `民国…`):
/// year + 1911. Only a line that names the era is read.
pub(crate) fn minguo_date(line: &str) -> Option<NaiveDate> {
    // a masthead line, not running text; a char search is a fast byte search
    if line.len() > 180 || !line.contains('民') {
        return None;
    }
    let era = ["民國", "民国"]
        .iter()
        .filter_map(|w| line.find(w).map(|p| p + w.len()))
        .min()?;
    let rest = line.get(era..)?;
    let mut nums = [0u32; 3];
    let mut pos = 0;
    for (slot, unit) in nums.iter_mut().zip(['年', '月', '日']) {
        let r = rest.get(pos..)?;
        let lead = r.len() - r.trim_start().len();
        let r = r.trim_start();
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=3).contains(&digits) {
            return None;
        }
        *slot = r.get(..digits)?.parse().ok()?;
        let after = r.get(digits..)?.trim_start();
        let skipped = r.len() - digits - after.len();
        if !after.starts_with(unit) {
            return None;
        }
        pos += lead + digits + skipped + unit.len_utf8();
    }
    let [y, m, d] = nums;
    let year = i32::try_from(y).ok()? + 1911;
    NaiveDate::from_ymd_opt(year, m, d)
}

/// A date alone, maybe with a time (`2025-09-24 10:18`, `2025/9/24`, `2025年9月24日 10:18`):
/// what a web page prints in an unlabelled element by its title.
pub(crate) fn bare_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if !(8..=40).contains(&t.len()) || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut parts = t.split(['-', '/', '.', '年', '月', '日']);
    let y: i32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let rest = parts.next()?.trim_start();
    let day_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let d: u32 = rest.get(..day_digits)?.parse().ok()?;
    // what may follow the day: the rest of a 日, a time, white space
    let tail = rest.get(day_digits..)?;
    let time_only = tail
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, ':' | '：' | '日'));
    let rest_parts: Vec<&str> = parts.collect();
    if !time_only
        || !rest_parts
            .iter()
            .all(|p| p.trim().chars().all(|c| c.is_ascii_digit() || c == ':'))
        || !(1990..=2100).contains(&y)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Labels of a tags or keywords line (`标签：甲 乙`), set under a web article.
const TAG_LABELS: [&str; 7] = [
    "标签",
    "標籤",
    "关键词",
    "關鍵詞",
    "关键字",
    "關鍵字",
    "Tags",
];

/// A tags line after a web article's text: a label, a colon and at most thirty characters
/// of words, without sentence punctuation.
pub(crate) fn tags_line(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 160 {
        return false;
    }
    TAG_LABELS.iter().any(|l| {
        t.strip_prefix(l)
            .and_then(|r| r.trim_start().strip_prefix(['：', ':']))
            .is_some_and(|r| chars(r) <= 30 && !r.contains(['。', '，', '；', '！', '？']))
    })
}

/// A Markdown line that is a short label and links only (`> 相关阅读：[标题](url)`,
/// `延伸阅读: [甲](u1) [乙](u2)`): navigation after the text, never part of it.
pub(crate) fn link_label_line(line: &str) -> bool {
    let t = line.trim().trim_start_matches(['>', '*', '-', '+']).trim();
    if !t.contains("](") {
        return false;
    }
    let Some((label, links)) = t.split_once(['：', ':']) else {
        return false;
    };
    let label = label.trim().trim_matches(['*', '_']);
    if !(2..=6).contains(&label.chars().count()) || !label.chars().all(is_han) {
        return false;
    }
    // the rest is links (`[text](url)`) and the separators between them
    let mut rest = links.trim();
    let mut n = 0;
    while !rest.is_empty() {
        let Some(r) = rest.strip_prefix('[') else {
            return false;
        };
        let Some(mid) = r.find("](") else {
            return false;
        };
        let Some(close) = r.get(mid..).and_then(|x| x.find(')')) else {
            return false;
        };
        rest = r
            .get(mid + close + 1..)
            .unwrap_or("")
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '、' | '，' | ',' | '|' | '；')
            });
        n += 1;
    }
    n >= 1
}

/// The byline in brackets `b` closing an item's last paragraph `last`
/// (`…三百余份。（通讯员 X）`), cut from the body once its names are read; a paragraph that
/// is only the byline stays, and so do names without a role.
pub(crate) fn drop_closing_byline(body: &mut String, last: &str, b: &str) {
    if b.len() >= last.trim().len() || !body.ends_with(b) || !byline::has_role(b) {
        return;
    }
    let keep = body.len() - b.len();
    if body.is_char_boundary(keep) {
        body.truncate(keep);
        let end = body.trim_end().len();
        body.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_items_open_with_their_source() {
        let d = compiled_dateline("本报综合 据东江晚报报道，今年上半年，全市新增绿道120公里。")
            .expect("compiled");
        assert_eq!(
            "本报综合 据东江晚报报道，今年".get(..d.len),
            Some("本报综合 据东江晚报报道")
        );
        assert!(compiled_dateline("本报综合消息 近日，某县举办了首届农民丰收节活动。").is_some());
        assert!(compiled_dateline("本报综合").is_none());
        assert!(compiled_dateline("本报记者从县农业农村局获悉，今年全县粮食丰收。").is_none());
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
            minguo_date("中華民國114年3月8日 星期六"),
            NaiveDate::from_ymd_opt(2025, 3, 8)
        );
        assert_eq!(
            minguo_date("民国 113 年 12 月 1 日"),
            NaiveDate::from_ymd_opt(2024, 12, 1)
        );
        assert_eq!(minguo_date("民國時期的老街"), None);
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
}
