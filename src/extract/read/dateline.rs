//! Datelines and dates.
//!
//! Owns: recognising a dateline (电头) at the start of a paragraph (`本报青山7月23日讯(…)`,
//! `新华社北京3月5日电`, `XX融媒讯`, a bracketed byline standing for one: `（XX日报记者 X）`,
//! `【記者X／某地報導】`), the issue date on a masthead, the year a page is written in,
//! and giving a dateline's month and day a year. A dateline is matched in its line's key
//! (`text::fold`, traditional characters folded, every offset kept), so the words here
//! are simplified only, and what it reads (place, organisation, byline) is cut from the
//! text at the offsets found.
//! Must not touch: bylines inside the dateline (see `byline`), anything but text.

use std::sync::LazyLock;

use crate::extract::read::byline;
use crate::extract::read::dates;
use crate::extract::text::clean;
use crate::extract::text::fold;
use crate::extract::text::words::NEWS_ORG_ENDS;
use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// What the dateline matcher found: byte ranges into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    /// End of the whole dateline (after its parenthesis, if any).
    end: usize,
    /// The place after 本报 or after the organisation.
    place: (usize, usize),
    /// Month and day digits, when a date is printed.
    date: Option<((usize, usize), (usize, usize))>,
    /// The parenthesis, brackets included.
    paren: Option<(usize, usize)>,
}

/// Han characters as the dateline reads them: the basic block, extension A and the
/// compatibility block.
fn han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

fn skip_ws(s: &str, mut i: usize) -> usize {
    while let Some(c) = char_at(s, i).filter(|c| c.is_whitespace()) {
        i += c.len_utf8();
    }
    i
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// One or two digits followed by `unit`: the digits' range and the end after `unit`.
fn number_then(s: &str, i: usize, unit: char) -> Option<((usize, usize), usize)> {
    let mut j = i;
    let mut k = 0;
    while k < 2
        && let Some(c) = char_at(s, j).filter(|&c| is_digit(c))
    {
        j += c.len_utf8();
        k += 1;
    }
    (k > 0 && char_at(s, j) == Some(unit)).then_some(((i, j), j + unit.len_utf8()))
}

/// `\s*(月日)?\s*[讯电]` at `i` (of a key): the end after the keyword and the date, if any.
#[allow(clippy::type_complexity)]
fn tail_at(s: &str, i: usize) -> Option<(usize, Option<((usize, usize), (usize, usize))>)> {
    let keyword = |k: usize| {
        char_at(s, k)
            .filter(|c| matches!(c, '讯' | '电'))
            .map(|c| k + c.len_utf8())
    };
    let j = skip_ws(s, i);
    if let Some((m, after_m)) = number_then(s, j, '月')
        && let Some((d, after_d)) = number_then(s, after_m, '日')
        && let Some(end) = keyword(skip_ws(s, after_d))
    {
        return Some((end, Some((m, d))));
    }
    keyword(j).map(|end| (end, None))
}

/// Up to `max` Han characters from `from`, shortest first: the first count after which
/// the rest of the dateline follows.
#[allow(clippy::type_complexity)]
fn lazy_place(
    s: &str,
    from: usize,
    max: usize,
) -> Option<(
    (usize, usize),
    usize,
    Option<((usize, usize), (usize, usize))>,
)> {
    let mut pos = from;
    for k in 0..=max {
        if let Some((end, date)) = tail_at(s, pos) {
            return Some(((from, pos), end, date));
        }
        if k == max {
            break;
        }
        match char_at(s, pos).filter(|&c| han(c)) {
            Some(c) => pos += c.len_utf8(),
            None => break,
        }
    }
    None
}

/// The dateline at the start of `s`, read the way the pattern above reads it (the same
/// choices in the same order: lazy places, the first organisation ending that fits).
/// Hand-written because the capture search of that pattern cost about 15,000
/// instructions a dateline; this costs a few hundred.
fn match_dateline(s: &str) -> Option<Found> {
    let mut p = 0;
    if let Some(c) = char_at(s, 0).filter(|c| matches!(c, '■' | '▲' | '●' | '◆' | '※' | '□' | '★'))
    {
        p = skip_ws(s, c.len_utf8());
    }
    if let Some(c) = char_at(s, p).filter(|c| matches!(c, '【' | '[' | '〔')) {
        p += c.len_utf8();
    }
    let rest = s.get(p..)?;
    let mut hit = None;
    if rest.starts_with("本报") || rest.starts_with("本刊") {
        hit = lazy_place(s, p + "本报".len(), 8);
    }
    if hit.is_none() {
        // an organisation of one to twelve Han characters, shortest first
        let mut pos = p;
        'org: for _ in 0..12 {
            match char_at(s, pos).filter(|&c| han(c)) {
                Some(c) => pos += c.len_utf8(),
                None => break,
            }
            for end in NEWS_ORG_ENDS {
                if s.get(pos..).is_some_and(|r| r.starts_with(end))
                    && let Some(h) = lazy_place(s, pos + end.len(), 6)
                {
                    hit = Some(h);
                    break 'org;
                }
            }
        }
    }
    if hit.is_none() {
        // a place alone (`某某讯（通讯员 甲乙）`, `某某7月9日讯`): two to four Han
        // characters with the date printed, or a reporter's byline in brackets after
        hit = lazy_place(s, p, 4).filter(|&((a, b), end, date)| {
            let n = s.get(a..b).map_or(0, |t| t.chars().count());
            let byline_after = s.get(skip_ws(s, end)..).is_some_and(|r| {
                let inner = r.trim_start_matches(['(', '（']);
                inner.len() < r.len() && ["通讯员", "记者"].iter().any(|w| inner.starts_with(w))
            });
            (2..=4).contains(&n) && (date.is_some() || byline_after)
        });
    }
    let (place, mut end, date) = hit?;
    if let Some(c) = char_at(s, end).filter(|c| matches!(c, '】' | ']' | '〕')) {
        end += c.len_utf8();
    }
    end = skip_ws(s, end);
    let mut paren = None;
    if let Some(open) = char_at(s, end).filter(|c| matches!(c, '(' | '（')) {
        let mut j = end + open.len_utf8();
        for _ in 0..=60 {
            match char_at(s, j) {
                Some(c @ (')' | '）')) => {
                    paren = Some((end, j + c.len_utf8()));
                    break;
                }
                Some('(' | '（' | '\n') | None => break,
                Some(c) => j += c.len_utf8(),
            }
        }
    }
    if let Some((_, e)) = paren {
        end = e;
    }
    Some(Found {
        end,
        place,
        date,
        paren,
    })
}

static REPORTED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:本报)?[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}]{0,6}?(?:记者|通讯员)[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\s·]{2,30}?)\s*(?:报道|报导)\s*[:：]?\s*")
        .unwrap_or_else(|_| unreachable!())
});

static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
        .unwrap_or_else(|_| unreachable!())
});

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
        .unwrap_or_else(|_| unreachable!())
});

/// A clock time right after a date, white space between: `08:30`, `08:30:15`.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\d{1,2}:\d{2}(?::\d{2})?").unwrap_or_else(|_| unreachable!())
});

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").unwrap_or_else(|_| unreachable!()));

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dateline {
    /// Byte length of the dateline (through its closing parenthesis, if any).
    pub(crate) len: usize,
    /// The place printed in it (`青山` of `本报青山讯`), if any.
    pub(crate) place: Option<String>,
    /// The month and day printed in it.
    pub(crate) month_day: Option<(u32, u32)>,
    /// The text inside its parenthesis (the byline), if any.
    pub(crate) byline: Option<String>,
    /// The organisation named instead of `本报` (`青山晚报` of `青山晚报讯`).
    pub(crate) org: Option<String>,
}

impl Dateline {
    /// What an article carries of its dateline: its length, place and outlet.
    /// A place of one character after an outlet is the rest of the outlet's name
    /// (`某某新闻网讯` is read as 某某新闻 at 网): the outlet is given whole.
    pub(crate) fn opener(&self) -> crate::model::Opener {
        let (place, outlet) = match (&self.place, &self.org) {
            (Some(p), Some(o)) if p.chars().count() == 1 => (None, Some(format!("{o}{p}"))),
            _ => (self.place.clone(), self.org.clone()),
        };
        crate::model::Opener {
            len: self.len,
            place,
            outlet,
        }
    }
}

/// A cheap test before the dateline pattern: every dateline reaches its 讯 or 电 within a
/// few dozen characters, through nothing but markers, brackets, white space, Han
/// characters and the digits of a date. Running text has a comma, a quote or a full stop
/// before any 电 it holds (`近日，…`, `记者从…获悉，`), and is turned away at it.
fn may_open_with_dateline(head: &str) -> bool {
    for (k, c) in head.chars().enumerate() {
        if k > 48 {
            return false;
        }
        match c {
            '讯' | '电' => return true,
            c if c.is_ascii_digit() || c.is_whitespace() => {}
            '[' => {}
            c if c.is_ascii() => return false,
            '，' | '。' | '、' | '：' | '；' | '！' | '？' | '“' | '”' | '‘' | '’' | '（'
            | '）' | '《' | '》' | '…' | '—' | '·' => return false,
            _ => {}
        }
    }
    false
}

/// A byline in brackets opening a paragraph, standing for its dateline: a reporter's
/// (`（某某日报记者 甲乙）近日…`), or a filing with its place (`【記者甲乙／某地報導】…`,
/// `〔記者…／…報導〕…`). The brackets hold at most 40 characters, name a reporter (记者)
/// and no clause, and text follows them. Its place is a filing place far from home as
/// often as not, so none is given. `key` is `head`'s matching key.
fn bracketed_byline(head: &str, key: &str) -> Option<Dateline> {
    let t = head.trim_start_matches(['■', '▲', '●', '◆', '※', '□', '★', ' ']);
    let lead = head.len() - t.len();
    let open = t.chars().next()?;
    let close = match open {
        '（' => '）',
        '(' => ')',
        '【' => '】',
        '〔' => '〕',
        '[' => ']',
        _ => return None,
    };
    let inner_start = open.len_utf8();
    let inner_len = t.get(inner_start..)?.find(close)?;
    let inner = t.get(inner_start..inner_start + inner_len)?;
    let after = inner_start + inner_len + close.len_utf8();
    let n = inner.chars().count();
    let inner_key = key
        .get(lead + inner_start..lead + inner_start + inner_len)
        .unwrap_or(inner);
    let reporter = inner_key.contains("记者");
    let clause = inner.contains(['，', ',', '。', '；', '：', '(', '（', '【']);
    let text_follows = t
        .get(after..)
        .and_then(|r| r.trim_start().chars().next())
        .is_some_and(|c| !matches!(c, ')' | '）' | '】' | '〕'));
    if !(2..=40).contains(&n) || !reporter || clause || !text_follows {
        return None;
    }
    // names, not a column label (`【记者手记】`, `【记者观察】`)
    byline::parse(inner)?;
    Some(Dateline {
        len: lead + after,
        place: None,
        month_day: None,
        byline: Some(inner.trim().to_string()),
        org: None,
    })
}

/// Recognises a dateline at the start of `text`, a text made outside a page's lines (it is
/// folded here); a line's dateline is read by [`parse_keyed`].
pub(crate) fn parse(text: &str) -> Option<Dateline> {
    parse_keyed(text, &fold::key_of(text))
}

/// Recognises a dateline at the start of `text`, whose matching key is `key`: matched in
/// the key, read from the text.
pub(crate) fn parse_keyed(text: &str, key: &str) -> Option<Dateline> {
    // the first 90 characters or so (a byte cut moved back to a character boundary)
    let mut cut = text.len().min(300);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head: &str = text.get(..cut).unwrap_or(text);
    let hk: &str = key.get(..cut).unwrap_or(head);
    if !may_open_with_dateline(hk) {
        return bracketed_byline(head, hk);
    }
    let f = match_dateline(hk)?;
    // `本报通讯员 X`: the 讯 of a role word
    if role_not_dateline(hk, f.place.0) {
        return None;
    }
    let span = |(a, b): (usize, usize)| head.get(a..b).unwrap_or("");
    let place = Some(span(f.place).to_string()).filter(|p| !p.is_empty());
    let month_day = match f.date {
        Some((m, d)) => {
            let m: u32 = fold::digits_value(span(m))?;
            let d: u32 = fold::digits_value(span(d))?;
            ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
        }
        None => None,
    };
    let byline = f.paren.map(|p| {
        span(p)
            .trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）'])
            .to_string()
    });
    // `本报讯 记者 张三 李四 报道：…`: a byline without brackets
    let mut len = f.end;
    let mut byline = byline;
    if byline.is_none()
        && let Some(after) = head.get(f.end..)
        && let Some(b) = hk.get(f.end..).and_then(|r| REPORTED_BY.captures(r))
        && let (Some(all), Some(names)) = (b.get(0), b.get(1))
        && let (Some(all_t), Some(names_t)) = (after.get(all.range()), after.get(names.range()))
    {
        // `记者 X 某地报道`: a place glued to the verb goes to the byline reader with the
        // verb, which tells it from a name
        let after_names = all_t.get(names.end() - all.start()..).unwrap_or("");
        let glued = !after_names.starts_with(char::is_whitespace)
            && names_t.trim().contains(char::is_whitespace);
        let verb_end = all_t.trim_end_matches([':', '：', ' ', '\u{3000}']).len();
        byline = Some(if glued {
            all_t.get(..verb_end).unwrap_or(names_t).trim().to_string()
        } else {
            names_t.trim().to_string()
        });
        len = f.end + all.end();
    }
    let matched = head.get(..f.end).unwrap_or("");
    let matched_key = hk.get(..f.end).unwrap_or(matched);
    let org = if matched_key.contains("本报") || matched_key.contains("本刊") {
        None
    } else {
        let start =
            matched.trim_start_matches(['■', '▲', '●', '◆', '※', '□', '★', ' ', '【', '[', '〔']);
        let start_key = matched_key
            .get(matched.len() - start.len()..)
            .unwrap_or(start);
        let end = start_key
            .find(['讯', '电', '(', '（', '】', ']', '〕'])
            .unwrap_or(start.len());
        let org = start.get(..end).unwrap_or("");
        let org = match f.date {
            Some((m, d)) => org.replace(head.get(m.0..d.1 + "日".len()).unwrap_or(""), ""),
            None => org.to_string(),
        };
        let org = match &place {
            Some(p) if org.ends_with(p.as_str()) => {
                org.get(..org.len() - p.len()).unwrap_or("").to_string()
            }
            _ => org,
        };
        Some(org.trim().to_string()).filter(|o| !o.is_empty())
    };
    // `国网电力…`: an organisation's name glued to 电 with no date is running text.
    if org.is_some() && month_day.is_none() && byline.is_none() {
        let kw = matched_key.trim_end().chars().last();
        let next = head.get(f.end..).and_then(|r| r.chars().next());
        if kw == Some('电') && next.is_some_and(clean::is_han) {
            return None;
        }
    }
    Some(Dateline {
        len,
        place,
        month_day,
        byline,
        org,
    })
}

/// The issue date printed on a masthead line (its matching key): a full date on a short line that also
/// carries a weekday, a lunar date or an issue counter, or stands alone.
pub(crate) fn issue_date(line: &str) -> Option<NaiveDate> {
    // a short line: one walk over the characters first (most lines hold neither)
    if (line.len() > 120 || line.chars().any(|c| matches!(c, '〇' | '零')))
        && (line.contains('〇') || (line.contains('零') && line.contains("二零")))
    {
        let converted = hanzi_date_to_digits(line);
        if converted != line {
            return issue_date(&converted);
        }
    }
    // both patterns need an ASCII year, and a line over 240 bytes has over 60 characters
    if line.len() > 240 || !clean::has_ascii_digit(line) {
        // `２０２５年６月２６日`: the full-width digits read as ASCII ones
        return fold::fold_wide_digits(line).and_then(|l| issue_date(&l));
    }
    // the long form needs its `年`, the ISO form its separators: each pattern is run only
    // on a line that holds what it needs
    let long_form = clean::has_year_char(line);
    let iso_form = memchr::memchr3(b'-', b'.', b'/', line.as_bytes()).is_some();
    if !long_form && !iso_form {
        return None;
    }
    let c = long_form
        .then(|| FULL_DATE.captures(line))
        .flatten()
        .or_else(|| iso_form.then(|| ISO_DATE.captures(line)).flatten());
    // no western year: a Minguo one (`中華民國114年…`)
    let Some(c) = c else {
        return dates::minguo_date(line);
    };
    // a masthead line has at most sixty characters: a longer one is not read further
    if line.chars().count() > 60 {
        return None;
    }
    let whole = c.get(0)?;
    // a clock time right after the date (`2025-01-02 08:30`) makes the line a story's
    // time stamp: the source's name may follow it
    let before = line.get(..whole.start()).unwrap_or("");
    let after = line.get(whole.end()..).unwrap_or("");
    let clock = CLOCK.find(after).map_or(0, |m| m.end());
    let clocked = clock > 0;
    let rest: String = before
        .chars()
        .chain(after.get(clock..).unwrap_or("").chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let marked = [
        "星期", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "礼拜", "农历", "第", "期",
        "版", "来源", "发布", "时间",
    ]
    .iter()
    .any(|k| rest.contains(k));
    if !(marked || rest.chars().count() <= 2 || (clocked && rest.chars().count() <= 12)) {
        return None;
    }
    let y: i32 = c.name("y")?.as_str().parse().ok()?;
    let m: u32 = c.name("m")?.as_str().parse().ok()?;
    let d: u32 = c.name("d")?.as_str().parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

static HANZI_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
        .unwrap_or_else(|_| unreachable!())
});

fn hanzi_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .or_else(|| (c == '零').then_some(0))
        .and_then(|p| u32::try_from(p).ok())
}

/// `十`, `十二`, `二十二`, `三十一` as a number.
fn hanzi_number(s: &str) -> Option<u32> {
    match s.split_once('十') {
        None => s.chars().next().and_then(hanzi_digit),
        Some((tens, ones)) => {
            let t = if tens.is_empty() {
                1
            } else {
                tens.chars().next().and_then(hanzi_digit)?
            };
            let o = if ones.is_empty() {
                0
            } else {
                ones.chars().next().and_then(hanzi_digit)?
            };
            Some(t * 10 + o)
        }
    }
}

/// Rewrites a date in Chinese numerals (`二〇二四年三月五日`) with digits.
fn hanzi_date_to_digits(line: &str) -> String {
    HANZI_DATE
        .replace(line, |c: &regex::Captures<'_>| {
            let y: Option<String> = c.get(1).map(|y| {
                y.as_str()
                    .chars()
                    .filter_map(hanzi_digit)
                    .map(|d| d.to_string())
                    .collect()
            });
            let m = c.get(2).and_then(|m| hanzi_number(m.as_str()));
            let d = c.get(3).and_then(|d| hanzi_number(d.as_str()));
            match (y, m, d) {
                (Some(y), Some(m), Some(d)) if y.len() == 4 => format!("{y}年{m}月{d}日"),
                _ => c.get(0).map_or(String::new(), |x| x.as_str().to_string()),
            }
        })
        .into_owned()
}

/// The year the page itself is written in, when the page names one clearly: the most
/// frequent `YYYY年` that is not a past review (`2017年度`), the end of a range
/// (`2018—2020年`) or a target (`力争2025年`, `到2030年`). `None` when the page names
/// no year or the candidates tie.
pub(crate) fn page_year(text: &str) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    if !clean::has_year_char(text) {
        return None;
    }
    for m in YEAR.find_iter(text) {
        let after = text.get(m.end()..).unwrap_or("");
        if after.starts_with('度') || after.starts_with("前") || after.starts_with("以前") {
            continue;
        }
        let mut from = m.start().saturating_sub(9);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let before = text.get(from..m.start()).unwrap_or("");
        if before.ends_with(['—', '-', '~', '～', '至', '到'])
            || before.ends_with("力争")
            || before.ends_with("争取")
            || before.ends_with("预计")
            || before.ends_with("截至")
        {
            continue;
        }
        let Some(y) = m.as_str().get(..4).and_then(|y| y.parse::<i32>().ok()) else {
            continue;
        };
        match counts.iter_mut().find(|(yy, _)| *yy == y) {
            Some((_, n)) => *n += 1,
            None => counts.push((y, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    match counts.as_slice() {
        [] => None,
        [(y, _)] => Some(*y),
        [(y, n), (_, n2), ..] if n > n2 => Some(*y),
        _ => None,
    }
}

/// Gives a dateline's month and day a year: the issue date's year (the year before when
/// the month lies after the issue month, as for a December dateline in a January issue),
/// else the page's own year, else nothing.
pub(crate) fn dateline_date(
    month_day: (u32, u32),
    issue: Option<NaiveDate>,
    page_year: Option<i32>,
) -> Option<NaiveDate> {
    let (m, d) = month_day;
    let year = match issue {
        Some(i) if m > i.month() + 1 => i.year() - 1,
        Some(i) => i.year(),
        None => page_year?,
    };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// Gives a dateline's month and day the year that puts it on or before `seen` (the day
/// the input was first seen): `7月23日` seen on 2026-01-05 is 2025-07-23, seen on
/// 2026-08-01 it is 2026-07-23. For a page with no issue date and no year of its own.
pub(crate) fn seen_date((m, d): (u32, u32), seen: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(seen.year(), m, d)
        .filter(|date| *date <= seen)
        .or_else(|| NaiveDate::from_ymd_opt(seen.year() - 1, m, d))
}

/// True when the key from `at` (where a `本报` dateline's place would start) is a
/// correspondent's role word (`本报通讯员 X`): its `讯` is that of `通讯员`, no dateline.
pub(crate) fn role_not_dateline(head: &str, at: usize) -> bool {
    head.get(at..).is_some_and(|r| r.starts_with("通讯员"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_bylines_stand_for_datelines() {
        let a = parse("（清河日报记者 丁小雨）暑假开始后，社区开办托管班。").unwrap();
        assert_eq!(a.byline.as_deref(), Some("清河日报记者 丁小雨"));
        assert_eq!(a.len, "（清河日报记者 丁小雨）".len());
        assert_eq!(a.place, None);
        let b = parse("【記者林芳／基隆報導】港口物流園區擴建工程日前完工。").unwrap();
        assert_eq!(b.byline.as_deref(), Some("記者林芳／基隆報導"));
        let c = parse("〔記者陳大明／台南報導〕市區夜市攤商自本月起推行減塑措施。").unwrap();
        assert_eq!(c.byline.as_deref(), Some("記者陳大明／台南報導"));
        // a credit alone, an aside and a jump line are not datelines
        assert!(parse("（记者 王某 摄）").is_none());
        assert!(parse("（上接第1版）全县上下").is_none());
        assert!(parse("（据记者了解，今年已有三百户受益）全县").is_none());
        assert!(parse("【记者手记】在育苗池边，记者看到不少年轻面孔。").is_none());
        assert!(parse("〔記者觀察〕市區夜市攤商推行減塑。").is_none());
        let d = parse("本報訊 記者 吳美玲 報導：社區昨日舉辦聯歡會").unwrap();
        assert_eq!(d.byline.as_deref(), Some("記者 吳美玲"));
    }

    #[test]
    fn recognises_datelines() {
        let d = parse("本报临川3月9日讯(记者 甲乙 通讯员 丙丁)近日，全市召开会议").unwrap();
        assert_eq!(d.place.as_deref(), Some("临川"));
        assert_eq!(d.month_day, Some((3, 9)));
        assert_eq!(d.byline.as_deref(), Some("记者 甲乙 通讯员 丙丁"));
        assert!(parse("本报讯（記者 甲乙）今天").is_some());
        // a website's own dateline, as 本报 is a paper's
        assert!(parse("本站讯 12月19日，东湖镇新修的三座便民桥通行").is_some());
        assert!(parse("本報訊 近日，").is_some());
        let hk = parse("【本報訊】近日，").unwrap();
        assert_eq!(hk.len, "【本報訊】".len());
        let site = parse("青田新闻网讯1月9日，北山镇召开座谈会。").map(|d| d.opener());
        assert_eq!(
            site.map(|o| (o.len, o.place, o.outlet)),
            Some(("青田新闻网讯".len(), None, Some("青田新闻网".to_string())))
        );
        let bare = parse("青田讯（通讯员 甲乙）7月9日，山上的茶园开采了。").unwrap();
        assert_eq!(bare.place.as_deref(), Some("青田"));
        assert_eq!(bare.org, None);
        assert_eq!(bare.len, "青田讯（通讯员 甲乙）".len());
        assert!(parse("青田7月9日讯 山上的茶园开采了。").is_some());
        // a call (来电) or a role word in running text is no dateline
        assert!(parse("市民来电反映，路灯坏了。").is_none());
        assert!(parse("本县通讯员 甲乙 报道").is_none());
        let x = parse("新华社南昌5月2日电 (记者 某某)近日").unwrap();
        assert_eq!(x.org.as_deref(), Some("新华社"));
        assert_eq!(x.place.as_deref(), Some("南昌"));
        let y = parse("青山融媒讯 近日").unwrap();
        assert_eq!(y.org.as_deref(), Some("青山融媒"));
        assert!(parse("近日，全县召开通讯工作会议").is_none());
        assert!(parse("记者从会上获悉，").is_none());
        assert!(parse("国网电力公司近日").is_none());
        let z = parse("本报讯 记者 王甲 李乙 报道：近日，全县").unwrap();
        assert_eq!(z.byline.as_deref(), Some("记者 王甲 李乙"));
        // a filing place glued to the verb stays with it, for the byline reader to drop
        let f = parse("【某某商报讯】记者 王甲 东莞报道：近日，全市").unwrap();
        assert_eq!(f.byline.as_deref(), Some("记者 王甲 东莞报道"));
        let people =
            crate::extract::read::byline::parse(f.byline.as_deref().unwrap_or("")).unwrap();
        assert_eq!(people.reporters, vec!["王甲".to_string()]);
    }

    #[test]
    fn issue_dates_only_from_mastheads() {
        assert_eq!(
            issue_date("2024年3月5日 星期二 农历甲辰年正月廿五"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(
            issue_date("2024年3月5日"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(issue_date("2024年3月5日，全县召开大会，部署工作。"), None);
        // a story's time stamp: a clock time after the date, the source's name after it
        assert_eq!(
            issue_date("2024-03-05 08:30    青山日报"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(
            issue_date("青山新闻网 2024-03-05 08:30:15"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        // without the clock, a date and words are no stamp; a long rest is a sentence
        assert_eq!(issue_date("2024-03-05 青山日报"), None);
        assert_eq!(
            issue_date("2024-03-05 08:30 全县召开春耕生产大会部署各项工作"),
            None
        );
        assert_eq!(
            issue_date("2024-03-05 星期二"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(
            issue_date("二〇二四年三月二十五日 星期一"),
            NaiveDate::from_ymd_opt(2024, 3, 25)
        );
        assert_eq!(
            issue_date("二〇二四年十月十日 星期四"),
            NaiveDate::from_ymd_opt(2024, 10, 10)
        );
        assert_eq!(
            issue_date("来源：青山日报 发布时间：2024-03-05"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
    }

    #[test]
    fn page_year_skips_reviews_ranges_and_targets() {
        assert_eq!(
            page_year("表彰2017年度先进。实施意见(2018—2020年)。2019年，全区将"),
            Some(2019)
        );
        assert_eq!(page_year("力争2030年建成"), None);
        assert_eq!(page_year("没有年份"), None);
        assert_eq!(page_year("2020年和2021年"), None);
    }

    #[test]
    fn dateline_year() {
        let issue = NaiveDate::from_ymd_opt(2024, 1, 2);
        assert_eq!(
            dateline_date((12, 31), issue, None),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
        assert_eq!(
            dateline_date((1, 1), issue, None),
            NaiveDate::from_ymd_opt(2024, 1, 1)
        );
        assert_eq!(
            dateline_date((4, 26), None, Some(2018)),
            NaiveDate::from_ymd_opt(2018, 4, 26)
        );
        assert_eq!(dateline_date((4, 26), None, None), None);
    }

    #[test]
    fn a_month_and_day_seen_later_take_the_year_before_the_day_seen() {
        let seen = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            seen_date((7, 23), seen(2026, 1, 5)),
            Some(seen(2025, 7, 23))
        );
        assert_eq!(
            seen_date((7, 23), seen(2026, 8, 1)),
            Some(seen(2026, 7, 23))
        );
        assert_eq!(
            seen_date((7, 23), seen(2026, 7, 23)),
            Some(seen(2026, 7, 23))
        );
        // 2月29日 seen in 2026: the last year that had one is not looked for
        assert_eq!(seen_date((2, 29), seen(2026, 3, 1)), None);
        assert_eq!(
            seen_date((2, 29), seen(2025, 3, 1)),
            Some(seen(2024, 2, 29))
        );
    }
}
