//! Page furniture that is not an article.
//!
//! Owns: recognising, by marker words and shape, the lines of a page that belong to no
//! article: mastheads (主管/主办, serial numbers, issue counters, dated masthead lines),
//! running page headers (paper, date, weekday and page number, repeated after a page
//! break), page headers and credits (版, 责编, 值班总编), jump lines and teasers (详见…, 下转第3版,
//! 点击关键词), promotions (微信公众号, 扫码关注, 欢迎关注), hotlines, URLs and copyright
//! lines. Every test reads a line's matching key (`text::fold`): the words are
//! simplified only. Must not touch: article text around them.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::extract::text::clean;
use crate::extract::text::clean::{chars, is_han};
use crate::extract::text::fold::fold_wide_digits;

/// Markers that make a short line furniture wherever they stand in it.
const MARKERS: &[&str] = &[
    // promotion
    "公众号",
    "微信号",
    "微博",
    "抖音",
    "视频号",
    "快手号",
    "客户端",
    "扫码",
    "扫一扫",
    "二维码",
    "欢迎关注",
    "关注我们",
    "融媒矩阵",
    // contact
    "热线",
    "投稿邮箱",
    "电子邮箱",
    "E-mail",
    "Email",
    "邮编",
    "传真",
    "广告许可证",
    "发行电话",
    "订阅",
    // masthead
    "主管:",
    "主管：",
    "主办:",
    "主办：",
    // `主办单位：…` is a masthead label; `主办单位表示，…` is a sentence of an article
    "主管单位:",
    "主管单位：",
    "主办单位:",
    "主办单位：",
    "出版单位",
    "连续出版物号",
    "邮发代号",
    "刊号",
    "总第",
    "农历",
    "社址",
    "地址:",
    "地址：",
    "印刷:",
    "印刷：",
    "定价",
    "零售价",
    "出版日",
    // credits
    "责任编辑",
    "责编",
    "值班总编",
    "值班主任",
    "校对",
    "美编",
    "版式",
    "组版",
    "编辑:",
    "编辑：",
    "审核:",
    "审核：",
    "审签",
    "签发",
    "终审:",
    "终审：",
    "二审:",
    "二审：",
    "一审:",
    "一审：",
    "排版",
    // navigation
    "详见",
    "下转",
    "上接",
    "转第",
    "点击关键词",
    "关键词:",
    "关键词：",
    "本版导读",
    "导读",
    "更多精彩",
    "阅读原文",
    // a site's label for its own stories
    "本网原创",
    "本站原创",
    // web page furniture around a single article
    "来源:",
    "来源：",
    "发布时间",
    "发布日期",
    "浏览次数",
    "阅读量",
    // the font-size switch (`字号：大 中 小`), with its colon: `老字号` is a word of the text
    "字号:",
    "字号：",
    "打印本页",
    "关闭窗口",
    "分享到",
    "【打印】",
    "【关闭】",
    // copyright
    "版权所有",
    "未经许可",
    "不得转载",
    "转载请注明",
    "侵权必究",
    "版权声明",
    // a site's registration and licence numbers, printed in every site's footer
    "ICP备",
    "公网安备",
    "All rights reserved",
    "Copyright",
    "©",
];

/// All markers in one automaton: one pass over a line instead of one search per marker.
/// The automaton steps a character at a time (a third of the steps of a byte-wise one on
/// Chinese text).
static MARKER_AC: LazyLock<Option<daachorse::CharwiseDoubleArrayAhoCorasick<u32>>> =
    LazyLock::new(|| daachorse::CharwiseDoubleArrayAhoCorasick::new(MARKERS).ok());

/// How many furniture markers a line of any length holds (a rights notice holds two);
/// `t` is the line's matching key.
pub(crate) fn marker_count(t: &str) -> usize {
    match MARKER_AC.as_ref() {
        Some(ac) => ac.find_iter(t).count(),
        None => MARKERS.iter().filter(|m| t.contains(*m)).count(),
    }
}

fn has_marker(t: &str) -> bool {
    match MARKER_AC.as_ref() {
        Some(ac) => ac.find_iter(t).next().is_some(),
        None => MARKERS.iter().any(|m| t.contains(m)),
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:https?://|www\.)[A-Za-z0-9./%?=&#:_~+-]+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov)(?:/[A-Za-z0-9./%?=&#_~+-]*)?")
        .unwrap_or_else(|_| unreachable!())
});

static PAGE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(第\s*)?[A-Za-z]?\d{1,2}\s*(版)?\s*[:：\s]\s*\p{Han}{2,8}$|^第\s*[A-Za-z]?\d{1,2}\s*版|^\p{Han}{2,6}\s*第\s*\d{1,2}\s*版$|^[A-Za-z]?\d{1,2}\s*版$|^\d{4}[./-]\d{1,2}[./-]\d{1,2}$")
        .unwrap_or_else(|_| unreachable!())
});

/// A masthead's dated line and nothing else: `2024年6月3日 星期一`, `6月3日`,
/// `二〇二四年六月三日`.
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\d〇零一二三四五六七八九]{4}\s*年\s*)?[\d〇零一二三四五六七八九十]{1,3}\s*月\s*[\d〇零一二三四五六七八九十]{1,3}\s*日\s*(?:(?:星期|周|礼拜)\s*[一二三四五六日天].*)?$")
        .unwrap_or_else(|_| unreachable!())
});

/// An issue counter (`总第4021期`, `第4021期`, `今日8版`, `本期12版`, `2024年第63期`).
static ISSUE_COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"总?第\s*\d{2,6}\s*期|(?:今日|本期|共)\s*\d{1,3}\s*(?:版面|版)|\d{4}\s*年")
        .unwrap_or_else(|_| unreachable!())
});

/// One token of a running page header: a date, a weekday, a page number (`第2版`, `A07`,
/// `3`) or a short name (the paper's, the section's).
static HEADER_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<date>(?:\d{4}年)?\d{1,2}月\d{1,2}日)|(?P<day>(?:星期|周|礼拜)[一二三四五六日天])|(?P<page>第?[A-Za-z]?\d{1,3}版?)|(?P<name>\p{Han}{2,8}))$")
        .unwrap_or_else(|_| unreachable!())
});

/// A running page header as printed at the top of a page and repeated after a page
/// break: space-separated tokens that are all dates, weekdays, page numbers or at most
/// two short names, with a date or weekday and a page number among them
/// (`某某日报  2025年9月18日  星期四  3`, `第2版  要闻  5月13日  星期二`).
fn is_running_header(t: &str) -> bool {
    let toks: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '·'))
        .filter(|s| !s.is_empty())
        .collect();
    if !(3..=6).contains(&toks.len()) {
        return false;
    }
    let (mut dated, mut paged, mut names) = (false, false, 0usize);
    for tok in toks {
        let Some(c) = HEADER_TOKEN.captures(tok) else {
            return false;
        };
        if c.name("date").is_some() || c.name("day").is_some() {
            dated = true;
        } else if c.name("page").is_some() {
            paged = true;
        } else {
            names += 1;
        }
    }
    dated && paged && names <= 2
}

/// A sponsor credit with the verb at the end (`某县融媒体中心 主办`).
static SPONSOR_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Han}[\p{Han}()（）]{1,40}(?:中心|部|委|社|局|政府|集团|公司|委员会)\s*(?:主办|主管)(?:\s|$)")
        .unwrap_or_else(|_| unreachable!())
});

/// A temperature range of a weather box (`12℃~20℃`, `12～20℃`).
static TEMPERATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-?\d{1,2}\s*(?:℃|°C)?\s*[~～/至-]\s*-?\d{1,2}\s*(?:℃|°C)")
        .unwrap_or_else(|_| unreachable!())
});

/// True when a line holds issue counters and nothing else of weight.
fn only_counters(t: &str) -> bool {
    if !ISSUE_COUNTER.is_match(t) {
        return false;
    }
    let rest = ISSUE_COUNTER.replace_all(t, "");
    rest.chars().filter(|c| !c.is_whitespace()).count() <= 2
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(电话|热线|tel|Tel|TEL)\s*[:：]?\s*[\d-]{7,}").unwrap_or_else(|_| unreachable!())
});

/// Whether a line of any length gives a phone number (`电话：0571-…`, `热线 12345678`).
pub(crate) fn holds_phone(t: &str) -> bool {
    PHONE.is_match(t)
}

/// Cheap test before the URL pattern runs: text with no `http`, `www.` or dotted
/// domain ending cannot hold a URL.
/// (The dotted words are looked for at each dot, `http` at each `h` or `H` once a dot is
/// found, instead of nine searches over the text.)
fn has_url_hint(t: &str) -> bool {
    let b = t.as_bytes();
    let mut dotted = false;
    for d in memchr::memchr_iter(b'.', b) {
        dotted = true;
        let after = b.get(d + 1..).unwrap_or_default();
        let before = b.get(d.saturating_sub(3)..d).unwrap_or_default();
        if [&b"com"[..], b"cn", b"net", b"org", b"gov"]
            .iter()
            .any(|w| after.starts_with(w))
            || before == b"www"
            || before == b"WWW"
        {
            return true;
        }
    }
    dotted
        && memchr::memchr2_iter(b'h', b'H', b).any(|i| {
            let at = b.get(i..).unwrap_or_default();
            at.starts_with(b"http") || at.starts_with(b"HTTP")
        })
}

/// What one pass over a short line finds, for the furniture tests after the marker
/// search: each bit stands for a `contains` test of the rules, which would otherwise scan
/// (and decode) the line once each. Hand-written: a dozen character tests in one loop, no
/// crate does this.
#[derive(Clone, Copy, Default)]
struct LineSigns {
    bits: u16,
    /// Characters.
    chars: usize,
    /// White space characters.
    spaces: usize,
    /// Byte offset of the first `。`, `usize::MAX` when there is none.
    first_stop: usize,
}

/// Two characters in a row that open a marker (or `©`): the marker search is run only
/// then.
const MARKER_SIGN: u16 = 1 << 8;

/// The character pairs that open a marker, as bits of a 65,536-bit table indexed by
/// [`pair_slot`]: a line without one of them holds no marker. Other pairs share slots now
/// and then, which only costs a search.
static MARKER_PAIRS: LazyLock<Box<[u64; 1024]>> = LazyLock::new(|| {
    let mut t = Box::new([0u64; 1024]);
    for m in MARKERS {
        let mut cs = m.chars();
        if let (Some(a), Some(b)) = (cs.next(), cs.next()) {
            let k = pair_slot(a, b);
            if let Some(w) = t.get_mut(k / 64) {
                *w |= 1 << (k % 64);
            }
        }
    }
    t
});

/// The slot of a character pair in [`MARKER_PAIRS`].
fn pair_slot(a: char, b: char) -> usize {
    ((a as usize).wrapping_mul(31) ^ (b as usize)) & 0xFFFF
}

/// `话`, `线`, or `el` / `EL` (`tel`): the phone pattern's words.
const PHONE_SIGN: u16 = 1;
/// `，`, `,`, `；`, `;`, `。`: a clause.
const CLAUSE_SIGN: u16 = 1 << 1;
/// `月`
const MONTH_SIGN: u16 = 1 << 2;
/// `期` or `版`: an issue counter's words.
const COUNTER_SIGN: u16 = 1 << 3;
/// `℃` or `°C`
const DEGREE_SIGN: u16 = 1 << 4;
/// `主办`, `主管`
const SPONSOR_SIGN: u16 = 1 << 5;
/// White space, `|`, `｜`, `·`: tokens set apart.
const SEPARATED_SIGN: u16 = 1 << 6;
/// An ASCII digit.
const DIGIT_SIGN: u16 = 1 << 7;
/// `周` or `拜`: a weekday's words (`星期` holds `期`, a counter's sign).
const DAY_SIGN: u16 = 1 << 9;

impl LineSigns {
    fn of(t: &str) -> Self {
        let mut bits = 0u16;
        let mut first_stop = usize::MAX;
        let mut spaces = 0usize;
        let mut chars = 0usize;
        let mut prev = '\0';
        let pairs: &[u64; 1024] = &MARKER_PAIRS;
        for (i, c) in t.char_indices() {
            let k = pair_slot(prev, c);
            if pairs.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0) || c == '©' {
                bits |= MARKER_SIGN;
            }
            bits |= match c {
                '话' | '线' => PHONE_SIGN,
                'l' if prev == 'e' => PHONE_SIGN,
                'L' if prev == 'E' => PHONE_SIGN,
                '。' => {
                    if first_stop == usize::MAX {
                        first_stop = i;
                    }
                    CLAUSE_SIGN
                }
                '，' | ',' | '；' | ';' => CLAUSE_SIGN,
                '月' => MONTH_SIGN,
                '期' | '版' => COUNTER_SIGN,
                '周' | '拜' => DAY_SIGN,
                '℃' => DEGREE_SIGN,
                'C' if prev == '°' => DEGREE_SIGN,
                '办' | '管' if prev == '主' => SPONSOR_SIGN,
                '|' | '｜' | '·' => SEPARATED_SIGN,
                '0'..='9' => DIGIT_SIGN,
                // `char::is_whitespace`, spelled out: the library looks the characters
                // above U+007F up in a table, and most characters here are Han
                '\t'..='\r'
                | ' '
                | '\u{85}'
                | '\u{A0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}' => {
                    spaces += 1;
                    SEPARATED_SIGN
                }
                _ => 0,
            };
            prev = c;
            chars += 1;
        }
        LineSigns {
            bits,
            chars,
            spaces,
            first_stop,
        }
    }

    fn has(self, sign: u16) -> bool {
        self.bits & sign != 0
    }
}

/// True when a line (of at most 60 characters, or any line made mostly of a URL) is page
/// furniture rather than article text; `line` is the line's matching key (`text::fold`).
pub(crate) fn is_furniture(line: &str) -> bool {
    furniture_and_count(line).0
}

/// [`is_furniture`], and the number of characters of the line that are not white space
/// when the test has counted them on the way (lines of at most 60 characters that are no
/// URL), so that the page reader need not count them again.
pub(crate) fn furniture_and_count(line: &str) -> (bool, Option<usize>) {
    let t = clean::trim(line);
    if t.is_empty() {
        return (false, Some(0));
    }
    let mut signs = LineSigns::default();
    let yes = furniture_of(t, &mut signs) || wide_digit_furniture(t);
    let counted = (signs.bits != NOT_SCANNED).then(|| signs.chars - signs.spaces);
    (yes, counted)
}

/// A value of [`LineSigns::bits`] no scan gives (its top bit is no sign): the line was
/// not scanned.
const NOT_SCANNED: u16 = 1 << 15;

/// [`is_furniture`] of a trimmed line that is not empty; `signs` is the line's scan, or
/// left at [`NOT_SCANNED`] when the test ends before it.
fn furniture_of(t: &str, signs_out: &mut LineSigns) -> bool {
    signs_out.bits = NOT_SCANNED;
    // a line of more than 240 bytes has more than 60 characters: only a URL can make it
    // furniture, and its characters are counted only then
    let long = t.len() > 240;
    let n = if long { 0 } else { t.chars().count() };
    if let Some(m) = has_url_hint(t).then(|| URL.find(t)).flatten() {
        let n = if long { t.chars().count() } else { n };
        let rest = n - m.as_str().chars().count();
        if rest <= 30 || n <= 60 {
            return true;
        }
    }
    if long || n > 60 {
        return false;
    }
    let signs = LineSigns::of(t);
    *signs_out = signs;
    // a sentence with a full stop in the middle is text, however short: a `。` before the
    // run of `。` and `.` that ends the line
    let sentence = signs.first_stop < t.trim_end_matches(['。', '.']).len();
    if !sentence && signs.has(MARKER_SIGN) && has_marker(t) {
        return true;
    }
    // the phone pattern needs 电话, 热线 or `tel`: a cheap test first
    if signs.has(PHONE_SIGN) && PHONE.is_match(t) {
        return true;
    }
    let clause = signs.has(CLAUSE_SIGN);
    if n <= 30
        && !clause
        && ((signs.has(MONTH_SIGN) && DATE_LINE.is_match(t))
            || (signs.has(COUNTER_SIGN) && only_counters(t)))
    {
        return true;
    }
    // a weather box in the masthead (`多云 18℃~26℃`)
    if n <= 30 && !clause && signs.has(DEGREE_SIGN) && TEMPERATURE.is_match(t) {
        return true;
    }
    if n <= 50 && !clause && signs.has(SPONSOR_SIGN) && SPONSOR_AFTER.is_match(t) {
        return true;
    }
    // a running header holds a date (`月`) or a weekday (`星期`, `周`, `礼拜`)
    let dated = signs.has(MONTH_SIGN) || signs.has(COUNTER_SIGN) || signs.has(DAY_SIGN);
    if n <= 40 && !clause && signs.has(SEPARATED_SIGN) && dated && is_running_header(t) {
        return true;
    }
    // every page header form holds a page number
    n <= 16 && signs.has(DIGIT_SIGN) && PAGE_HEADER.is_match(t)
}

/// True for a line of a keyword box or section list: short, no punctuation that text
/// has, no digits beyond a page number.
pub(crate) fn is_list_item(line: &str) -> bool {
    let t = clean::trim(line);
    if t.len() > 80 {
        return false;
    }
    let n = t.chars().filter(|c| !c.is_whitespace()).count();
    (2..=12).contains(&n)
        && !t.chars().any(|c| {
            matches!(
                c,
                '。' | '，' | ',' | '、' | '：' | ':' | '；' | '“' | '”' | '"' | '！' | '？'
            )
        })
}

/// Words that make a bracketed aside page furniture.
const INLINE_WORDS: &[&str] = &[
    "责编",
    "责任编辑",
    "编辑",
    "校对",
    "审核",
    "美编",
    "详见",
    "下转",
    "上接",
    "转第",
    "转自",
];

/// The words of [`INLINE_WORDS`] as one alternation of literals, which the regex crate
/// searches with its vectorised multi-literal searcher (the whole stripping took about a
/// third of the instructions of the byte-wise automaton it replaced, in the bench).
static INLINE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let alts: Vec<String> = INLINE_WORDS.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&alts.join("|")).ok()
});

/// Removes page furniture set in brackets inside a paragraph: editor credits
/// (`（责任编辑：X）`) and jump lines (`（下转第3版）`, `（详见第2版）`).
#[cfg(test)]
pub(crate) fn strip_inline_furniture(text: &str) -> String {
    let key = crate::extract::text::fold::key(text);
    strip_inline_cow(text, key.as_deref().unwrap_or(text)).into_owned()
}

/// `strip_inline_furniture` that borrows the text when nothing is removed; the words
/// are looked for in `key`, the text's matching key (`text::fold`).
pub(crate) fn strip_inline_cow<'a>(text: &'a str, key: &str) -> Cow<'a, str> {
    // nothing to strip without one of the words: one automaton pass instead of a walk
    // over every bracket
    let has_word = match INLINE_RE.as_ref() {
        Some(re) => re.is_match(key),
        None => true,
    };
    if !has_word {
        return Cow::Borrowed(text);
    }
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(rel) = text
        .get(from..)
        .and_then(|r| r.find(['（', '(', '【', '〔']))
    {
        let open = from + rel;
        let open_len = text
            .get(open..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
        let inner_start = open + open_len;
        let rest = text.get(inner_start..).unwrap_or("");
        let mut next_from = inner_start;
        if let Some(close) = rest.find([')', '）', '】', '〕', '(', '（', '【', '〔'])
            && close <= 200
            && let Some(inner) = key.get(inner_start..inner_start + close)
            && let Some(closer) = rest.get(close..).and_then(|r| r.chars().next())
            && matches!(closer, ')' | '）' | '】' | '〕')
            && INLINE_WORDS.iter().any(|w| inner.contains(w))
        {
            let end = inner_start + close + closer.len_utf8();
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(text.get(copied..open).unwrap_or(""));
            copied = end;
            next_from = end;
        }
        from = next_from;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(o.trim().to_string())
        }
    }
}

/// Removes URLs from inside a paragraph of text.
#[cfg(test)]
pub(crate) fn strip_urls(text: &str) -> String {
    strip_urls_cow(text).into_owned()
}

/// `strip_urls` that borrows the text when it holds no URL.
pub(crate) fn strip_urls_cow(text: &str) -> Cow<'_, str> {
    if !has_url_hint(text) {
        return Cow::Borrowed(text);
    }
    URL.replace_all(text, "")
}

/// Furniture printed with full-width digits (`第２版  综合新闻`, `０２  要闻`): the line
/// with its digits read as ASCII ones is furniture. Only short lines (page headers,
/// hotlines, mastheads) are read again, and only when they hold such a digit.
pub(crate) fn wide_digit_furniture(t: &str) -> bool {
    fold_wide_digits(t).is_some_and(|f| is_furniture(&f))
}

/// A page-navigation line: page numbers (`第1版`, `A12`, `01`, `今日4版`), separators
/// (`|`, `·`, `/`, a colon after the page: `A2:综合新闻`) and at most two short words
/// (`要闻`, `大湾区`, `返回`), nothing else. Every token is checked, so a headline that
/// opens with a number (`2 名游客…`) is not one.
pub(crate) fn page_navigation(line: &str) -> bool {
    let t = line.trim();
    let n = chars(t);
    if !(2..=24).contains(&n) {
        return false;
    }
    let separated = t.contains(['|', '｜', '·', '•', '/', '／']);
    let mut pages = 0;
    let mut names = 0;
    for tok in t
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '|' | '｜' | '·' | '•' | '/' | '／' | ':' | '：')
        })
        .filter(|s| !s.is_empty())
    {
        if page_token(tok, separated) {
            pages += 1;
        } else if (2..=6).contains(&tok.chars().count()) && tok.chars().all(is_han) {
            names += 1;
        } else {
            return false;
        }
    }
    pages >= 1 && names <= 2
}

/// `第1版`, `4版`, `今日4版`, `本期12版`, `A12`, `B3`, a zero-padded `01`; a bare number
/// only when the line has separators (`12 | 要闻`).
fn page_token(tok: &str, separated: bool) -> bool {
    let t = tok
        .strip_prefix("今日")
        .or_else(|| tok.strip_prefix("本期"))
        .or_else(|| tok.strip_prefix('共'))
        .unwrap_or(tok);
    let (t, ban) = match t.strip_suffix('版') {
        Some(r) => (r.strip_prefix('第').unwrap_or(r), true),
        None => (t, false),
    };
    let (letter, digits) = match t.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => (true, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let nd = digits.len();
    if !(1..=3).contains(&nd) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    ban || (letter && nd <= 2) || (nd == 2 && digits.starts_with('0')) || (separated && nd <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The furniture test as it was before its one-pass scan: the specification the
    /// fast test is compared with.
    // True when a line (of at most 60 characters, or any line made mostly of a URL) is page
    // furniture rather than article text.

    #[test]
    fn every_marker_is_opened_by_a_pair_or_is_the_copyright_sign() {
        for m in MARKERS {
            assert!(m.chars().count() >= 2 || *m == "©", "{m}");
            assert!(LineSigns::of(m).has(MARKER_SIGN), "{m}");
        }
    }

    #[test]
    fn white_space_spelled_out_is_the_librarys() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let signs = LineSigns::of(c.encode_utf8(&mut buf));
            assert_eq!(signs.spaces == 1, c.is_whitespace(), "{:X}", c as u32);
        }
    }

    #[test]
    fn running_headers_and_words_that_look_like_markers() {
        for line in [
            "东川日报  2025年6月3日  星期二  3",
            "第3版  乡镇  6月3日  星期二",
            "A05 | 要闻 | 2024年1月2日",
            "东川日报·第3版·2025年6月3日",
            "3  东川日报  2025年6月3日  星期二",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "抢抓农时 稳产保供",
            "6月3日 全县 第一场雨",
            "百年老字号“某某酥饼”走上直播间",
            "东川日报 2025年6月3日",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }

    #[test]
    fn furniture_lines() {
        for l in [
            "主办:青山县委宣传部",
            "新闻热线:0791-1234567",
            "《青山声音》微信公众号",
            "扫码关注青山发布",
            "欢迎关注青山融媒矩阵",
            "http://www.example.gov.cn/",
            "责任编辑 王五 校对 赵六",
            "详见02/03 要闻",
            "点击关键词",
            "第03版:综合新闻",
            "A3 综合新闻",
            "青山日报总第1234期",
            "版权所有 未经许可不得转载",
            "值班总编:李四",
            "来源：青山日报 2024-03-05 字号：大 中 小",
            "2025年3月4日 星期二",
            "2025年3月4日",
            "3月4日",
            "二〇二五年三月四日 星期二",
            "2025年3月4日 星期二 第03版",
            "多云 12℃~20℃",
            "第1234期 今日12版",
            "本期16版",
            "青山县融媒体中心 主办",
            "中共青山县委宣传部主办 国内统一连续出版物号 CN00-0000",
        ] {
            assert!(is_furniture(l), "{l}");
        }
        for l in [
            "全县召开安全生产工作会议",
            "本报讯(记者 张三)近日,全县召开会议,部署关注民生工作。",
            "9月下旬投入运营 设有三个服务区",
            "抓项目强产业 提升镇域实力",
            "第三期培训班开班",
            "2025年3月4日全县春耕生产全面铺开",
            "第12期青年干部培训班开班",
            "县志正式出版",
            "夜间气温将降至5℃",
            "全国青少年围棋赛由青山县主办",
            "县里主办的比赛今天开幕",
        ] {
            assert!(!is_furniture(l), "{l}");
        }
    }

    #[test]
    fn inline_credits_and_jump_lines() {
        assert_eq!(
            strip_inline_furniture("会议要求，抓好落实。（责任编辑：王五）"),
            "会议要求，抓好落实。"
        );
        assert_eq!(strip_inline_furniture("（上接第1版）全县上下"), "全县上下");
        assert_eq!(strip_inline_furniture("（编者按）保留"), "（编者按）保留");
        assert_eq!(
            strip_inline_furniture("县长（主持人）讲话"),
            "县长（主持人）讲话"
        );
    }

    #[test]
    fn list_items_and_urls() {
        assert!(is_list_item("安全生产"));
        assert!(!is_list_item("近日，全县召开会议"));
        assert_eq!(
            strip_urls("详情见 https://a.example.cn/x 网站。"),
            "详情见  网站。"
        );
    }
}
