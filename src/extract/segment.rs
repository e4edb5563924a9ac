//! Splitting a page into articles.
//!
//! Owns: cutting page text into lines with the blank-line gaps around them, read
//! relative to the page's usual paragraph spacing (an extractor leaves wider gaps where
//! pictures stood), telling each line's role by its shape (furniture, dateline, byline,
//! photo credit, author line, brief marker, headline-like line, paragraph), finding where
//! articles begin (a dateline, a byline or author line under a headline, a photo credit
//! closing its caption, a brief's marker, a notice's title, a headline over an item
//! closed by its bracketed byline, a headline block after a wide gap, a headline over a
//! lead opening with its event's time) and which lines before that are its headline and
//! which are picture captions (a row of captions, each closed by its credit, is a row of
//! photo items); a headline the extractor broke over two lines is joined; names alone in
//! brackets sign the item above; a table's rows are text.
//! Must not touch: the text of the lines (that is `normalize`'s), the reading of names
//! and dates.

use super::boilerplate::{furniture_and_count, is_list_item};
use super::byline::{self, People};
use super::dateline::{self, Dateline};
use super::normalize::{is_sentence_end, squeeze};

/// What a line of a page is, judged by its shape alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Masthead, page header, promotion, hotline, URL, navigation, credits.
    Furniture,
    /// A paragraph opening with a dateline.
    Dateline,
    /// A standalone byline (`本报记者 X`, `记者 X 通讯员 Y`).
    Byline,
    /// A photo credit (`X 摄`, `■记者 X 摄`, `文/图 X`).
    Credit,
    /// A commentary author line (`X县委常委、宣传部部长 Y`).
    Author,
    /// A brief opening with a marker (`■`, `▲`, `●`, `※`).
    Marker,
    /// A short line without sentence punctuation: headline, subhead, caption, label.
    Head,
    /// Running text.
    Para,
}

/// One non-blank line of a page.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The line, trimmed (spaces inside kept).
    pub text: String,
    /// Blank lines before it (0: same block as the line before; large at the page top).
    pub gap: usize,
    /// Its role.
    pub class: Class,
    /// Its dateline, for `Class::Dateline`.
    pub dateline: Option<Dateline>,
}

/// How an article was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// By its dateline.
    Dateline,
    /// By a byline or pen name under its headline.
    Byline,
    /// By a commentary author line under its headline.
    Author,
    /// By a photo credit after its caption.
    Credit,
    /// By a brief's marker.
    Marker,
    /// By a headline block standing after a wide gap, with text under it.
    Bare,
    /// Text at the top of a page before any recognised article.
    Orphan,
}

/// An article's lines, by index into the page's units.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// How it was recognised.
    pub start: Start,
    /// Headline lines, page order.
    pub headline: Vec<usize>,
    /// Lines of the body, page order (dateline paragraph included).
    pub body: Vec<usize>,
    /// Picture captions that stand between headline and body, or a photo's caption.
    pub captions: Vec<usize>,
    /// Byline lines (standalone) that belong to it.
    pub bylines: Vec<usize>,
    /// The index of the unit that anchored it.
    pub anchor: usize,
}

/// Brief markers: the arrows (`▶`) too, see [`super::shape::BRIEF_MARKS`].
const MARKS: [char; 11] = super::shape::BRIEF_MARKS;

/// Words that make a short line a picture caption rather than a headline.
const CAPTION_WORDS: &[&str] = &[
    "现场",
    "現場",
    "一角",
    "合影",
    "掠影",
    "剪影",
    "图为",
    "圖為",
    "资料图",
    "資料圖",
    "图片",
    "圖片",
];

/// Labels of boxes that belong to the article before them.
const BOX_LABELS: &[&str] = &[
    "相关链接",
    "相關鏈接",
    "延伸阅读",
    "延伸閱讀",
    "背景资料",
    "背景資料",
    "记者手记",
    "記者手記",
    "编者按",
    "編者按",
    "链接",
    "鏈接",
    "小贴士",
    "小貼士",
    "名词解释",
    "名詞解釋",
    "记者观察",
    "記者觀察",
];

/// Words that end the title of a notice (公告, 通知 …).
pub(crate) const NOTICE_WORDS: &[&str] = &[
    "公告", "通告", "启事", "啟事", "声明", "聲明", "公示", "招标", "招標", "讣告", "訃告", "通知",
];

/// A notice's title: a headline-shaped line ending in a notice word (`关于…的通知`).
fn is_notice_title(text: &str) -> bool {
    // the last two characters that are not white space or an exclamation mark, read
    // from the end without copying the line (`关于…的通 知` counts as `通知`)
    let mut tail = text
        .chars()
        .rev()
        .filter(|c| !c.is_whitespace())
        .skip_while(|c| matches!(c, '！' | '!'));
    let (Some(b), Some(a)) = (tail.next(), tail.next()) else {
        return false;
    };
    let mut word = [0u8; 8];
    let mut n = 0;
    for c in [a, b] {
        let l = c.len_utf8();
        if let Some(dst) = word.get_mut(n..n + l) {
            c.encode_utf8(dst);
        }
        n += l;
    }
    let word = word.get(..n).unwrap_or_default();
    NOTICE_WORDS.iter().any(|w| w.as_bytes() == word)
        && (tail.count() >= 2 || super::forms::spaced_notice(text))
}

/// The number of characters of `s` that are not white space. A byte loop: a character is
/// counted at its first byte, and the few non-ASCII white space characters (U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) are told by
/// their bytes, so the text is not decoded.
pub(crate) fn chars(s: &str) -> usize {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut n = 0usize;
    for (i, &x) in b.iter().enumerate() {
        let counted = match x {
            0x80..=0xBF => false,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => false,
            0xC2 => !matches!(at(i + 1), 0x85 | 0xA0),
            0xE1 => !(at(i + 1) == 0x9A && at(i + 2) == 0x80),
            0xE2 => match at(i + 1) {
                0x80 => !matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
                0x81 => at(i + 2) != 0x9F,
                _ => true,
            },
            0xE3 => !(at(i + 1) == 0x80 && at(i + 2) == 0x80),
            _ => true,
        };
        n += usize::from(counted);
    }
    n
}

/// [`chars`] of `s`, or `cap` when that is less: the text is counted a block of about
/// 96 bytes at a time (each block ends on a character boundary), and no further than the
/// cap, so a test such as `at least 40 characters` does not read a long paragraph to its
/// end.
pub(crate) fn chars_upto(s: &str, cap: usize) -> usize {
    let mut n = 0usize;
    let mut rest = s;
    while !rest.is_empty() && n < cap {
        let mut cut = rest.len().min(96);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let Some((block, tail)) = rest.split_at_checked(cut) else {
            break;
        };
        n += chars(block);
        rest = tail;
    }
    n.min(cap)
}

fn classify(text: &str) -> (Class, Option<Dateline>) {
    if let Some(d) = dateline::parse(text)
        .or_else(|| super::shape::opening_byline(text))
        .or_else(|| super::forms::compiled_dateline(text))
        .or_else(|| super::forms6::message_dateline(text))
    {
        return (Class::Dateline, Some(d));
    }
    let (furniture, counted) = furniture_and_count(text);
    if furniture {
        return (Class::Furniture, None);
    }
    // a line longer than 240 bytes has more than 40 characters, spaces or not; the
    // furniture test has counted the others' characters, most of the time
    let n = if text.len() > 240 {
        999
    } else {
        counted.unwrap_or_else(|| chars(text))
    };
    let t = super::normalize::trim(text);
    if n <= 40 && !t.contains(['。', '，', ',', '；', '！', '？']) {
        let core = t.trim_end_matches([')', '）', ' ']);
        let slash = memchr::memchr(b'/', core.as_bytes()).is_some();
        let credit_shape = core.ends_with('摄')
            || core.ends_with('攝')
            || core.ends_with("摄影")
            || slash && (core.contains("文/图") || core.contains("图/") || core.contains("圖/"))
            || core.starts_with("摄影")
            || core.starts_with("攝影");
        let role = byline::has_role(t);
        if let Some(p) = role.then(|| byline::parse(t)).flatten() {
            return if p.photo || credit_shape {
                (Class::Credit, None)
            } else {
                (Class::Byline, None)
            };
        }
        // `图片新闻`, `摄影作品`: a picture column's label names no one; it heads the row
        // of pictures under it, which is no part of the text above
        let photo_word = || {
            ["图片", "圖片", "摄影", "攝影"]
                .iter()
                .any(|w| t.contains(w))
        };
        if role && n <= 6 && photo_word() {
            return (Class::Furniture, None);
        }
        // `本报评论员`, `本报特约评论员 X`: the signature of a commentary
        let commentator = n <= 14 && (t.contains("评论员") || t.contains("評論員"));
        if commentator || byline::author_line(t).is_some() {
            return (Class::Author, None);
        }
    }
    // `（甲 乙 丙 丁）`: the signature closing the text above, never a headline
    if n <= 20 && bracketed_names(t).is_some() {
        return (Class::Para, None);
    }
    if t.starts_with(MARKS) {
        // `■ 某镇整治人居环境`: a marked headline of a brief, not its text
        let rest = t.trim_start_matches(MARKS).trim();
        if chars(rest) <= 30 && is_head_shape(rest) && !rest.contains(['，', ',']) {
            return (Class::Head, None);
        }
        if n >= 8 {
            return (Class::Marker, None);
        }
    }
    // `t` is `text` trimmed: the same count, when the line is short enough to have one
    let head = if text.len() <= 240 {
        is_head_shape_of(t, n)
    } else {
        is_head_shape(t)
    };
    if head {
        return (Class::Head, None);
    }
    (Class::Para, None)
}

/// A headline-like line: short, no full stop or semicolon inside, not ending in clause
/// punctuation.
fn is_head_shape(t: &str) -> bool {
    if t.len() > 240 {
        return false;
    }
    is_head_shape_of(t, chars(t))
}

/// [`is_head_shape`] of a line of at most 240 bytes whose characters are counted: `n`.
fn is_head_shape_of(t: &str, n: usize) -> bool {
    if !(2..=40).contains(&n) {
        return false;
    }
    if t.contains(['。', '；', ';']) {
        return false;
    }
    // a quoted remark (`他说：“…”`) is running text; a quoted term inside a headline after
    // its colon (`某镇：“某某”一田多收`) is closed with words after it
    // (no quote mark, no such colon: a byte search for the quote marks first)
    let quoted = memchr::memchr(b'"', t.as_bytes()).is_some() || t.contains('“');
    if let Some(pos) = quoted
        .then(|| ["：“", ":“", ":\"", "：\""].iter().find_map(|w| t.find(w)))
        .flatten()
    {
        let after = t.get(pos..).unwrap_or("");
        let rest_after_quote = after
            .char_indices()
            .skip(2)
            .find(|&(_, c)| c == '”' || c == '"')
            .and_then(|(k, c)| after.get(k + c.len_utf8()..))
            .map(|r| r.chars().filter(|&c| super::normalize::is_han(c)).count())
            .unwrap_or(0);
        if rest_after_quote < 2 {
            return false;
        }
    }
    let end = t.trim_end().chars().last().unwrap_or(' ');
    // a short label ending in a colon is a kicker (`青山县：`); a long one opens a list
    if matches!(end, '：' | ':') {
        return n <= 12 && !t.contains(['，', ',', '、']);
    }
    !matches!(end, '，' | ',' | '、' | '（' | '(')
}

/// Cuts page text into units, splitting a headline glued to its dateline.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    // one unit a line at most, but for the few split lines: room made once
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    let mut out: Vec<Unit> = Vec::with_capacity(lines + 8);
    let mut blank = 0usize;
    let mut first = true;
    let mut raw_gaps: Vec<usize> = Vec::with_capacity(lines);
    // the lines as `text.split('\n')` gives them, cut at the line feeds the vectorised
    // byte search finds
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = text.get(from..end).unwrap_or("");
        from = end + 1;
        let t = super::normalize::trim(line);
        if t.is_empty() {
            blank += 1;
            continue;
        }
        let gap = if first { 99 } else { blank };
        if !first {
            raw_gaps.push(blank);
        }
        first = false;
        blank = 0;
        let (first_piece, second) = split_glued(t);
        for (k, piece) in std::iter::once(first_piece).chain(second).enumerate() {
            let piece = piece.to_string();
            let (class, dl) = classify(&piece);
            // `…群众在广场观看演出。(记者 X 摄)`: the credit closes the caption
            let (piece, credit) = match class {
                Class::Para | Class::Marker => split_credit(piece),
                _ => (piece, None),
            };
            let class = if credit.is_some() {
                classify(&piece).0
            } else {
                class
            };
            out.push(Unit {
                text: piece,
                gap: if k == 0 { gap } else { 1 },
                class,
                dateline: dl,
            });
            if let Some(c) = credit {
                out.push(Unit {
                    text: c,
                    gap: 0,
                    class: Class::Credit,
                    dateline: None,
                });
            }
        }
    }
    // the spacing the page uses between paragraphs counts as one blank line: a page set
    // without blank lines, or with two between every paragraph, reads like one with one
    let usual = usual_gap(&raw_gaps);
    if usual != 1 {
        for (i, u) in out.iter_mut().enumerate() {
            // the first line, split-off credits and split-glued headlines keep theirs
            if i == 0 || u.class == Class::Credit && u.gap == 0 || u.gap == 99 {
                continue;
            }
            u.gap = if usual == 0 {
                u.gap + 1
            } else {
                u.gap.saturating_sub(usual - 1)
            };
        }
    }
    mark_furniture_neighbours(&mut out);
    mark_masthead_name(&mut out);
    mark_table_rows(&mut out);
    super::forms6::refine(super::forms::refine(super::shape::refine(
        join_broken_headlines(out),
    )))
}

/// A searcher for U+3000 (a `contains` on it stops at every 0x80 byte, which ends many
/// characters).
static IDEOGRAPHIC_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}"));

/// The cells of a table row as an extractor prints it: text runs set apart by two or more
/// spaces (or a tab); 0 for a line that is no such row.
pub(crate) fn table_cells(text: &str) -> usize {
    let t = super::normalize::trim(text);
    // a cell break is a tab, an ideographic space or two spaces: a line without a space or
    // a tab (most lines of text), and without an ideographic space, is one cell
    if t.len() > 240
        || (memchr::memchr2(b' ', b'\t', t.as_bytes()).is_none()
            && IDEOGRAPHIC_SPACE.find(t.as_bytes()).is_none())
    {
        return 0;
    }
    if t.contains(['。', '；', '！', '？']) {
        return 0;
    }
    let mut cells = 1;
    let mut spaces = 0usize;
    for c in t.chars() {
        if c == '\t' || c == '\u{3000}' {
            spaces += 2;
        } else if c == ' ' {
            spaces += 1;
        } else {
            if spaces >= 2 {
                cells += 1;
            }
            spaces = 0;
        }
    }
    if cells >= 3 { cells } else { 0 }
}

/// A table (a list of names in a notice, results, a timetable): three or more lines in a
/// row, set tight, each of the same three or more cells. Its rows are text of the item
/// around them, never headlines of items of their own.
fn mark_table_rows(units: &mut [Unit]) {
    // each line's cells, counted once, and only for a line in a chain of three or more
    // tight lines (each after the first set without a gap): a row of a run is in one, and
    // a line in none can neither open a run nor extend one
    let tight = |k: usize| units.get(k).is_some_and(|u| u.gap == 0);
    let cells_of: Vec<usize> = (0..units.len())
        .map(|k| {
            let chained = (tight(k + 1) && tight(k + 2))
                || (tight(k) && (tight(k + 1) || (k > 0 && tight(k - 1))));
            if chained {
                units.get(k).map_or(0, |u| table_cells(&u.text))
            } else {
                0
            }
        })
        .collect();
    let mut i = 0;
    while i < units.len() {
        let cells = cells_of.get(i).copied().unwrap_or(0);
        let mut j = i + 1;
        while cells > 0
            && units.get(j).is_some_and(|u| u.gap == 0)
            && cells_of.get(j) == Some(&cells)
        {
            j += 1;
        }
        if j - i >= 3 {
            for u in units.iter_mut().take(j).skip(i) {
                if matches!(u.class, Class::Head | Class::Para | Class::Author) {
                    u.class = Class::Para;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

/// A headline the extractor broke over two lines (`…基地用上智能` / `控温系统`) is joined
/// into one line; see [`continues_headline`] for when two headline-like lines are one
/// headline. A short line followed by more tight short lines (a list) is never joined.
fn join_broken_headlines(units: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    let mut it = units.into_iter().peekable();
    while let Some(u) = it.next() {
        let next = it.peek();
        let next_is_short_head = next.is_some_and(|c| c.class == Class::Head && c.gap == 0);
        let next_is_head = next.is_some_and(|c| c.class == Class::Head);
        if let Some(prev) = out.last_mut()
            && !next_is_short_head
            && continues_headline(prev, &u, next_is_head)
        {
            let glue = prev.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                && u.text.starts_with(|c: char| c.is_ascii_alphanumeric());
            if glue {
                prev.text.push(' ');
            }
            prev.text.push_str(&u.text);
            continue;
        }
        out.push(u);
    }
    out
}

/// Closing quotes and title marks: a headline half may end on a quoted phrase
/// (`…“订单蔬菜”`) and still run on.
const CLOSERS: [char; 5] = ['”', '」', '』', '’', '》'];
/// Opening quotes and title marks: a headline half may start on a quoted phrase.
const OPENERS: [char; 5] = ['“', '「', '『', '‘', '《'];

/// Whether `u` is the rest of the headline `prev` (both headline-like lines). Three
/// shapes, from the most to the least certain; designed two-line headlines (a bare line
/// over its title, a punchy title over a factual line) fail each of them:
/// - a tight line (no blank line where the page uses them) under a line that ran to the
///   column's width (10–36 characters, ending on a character or a closing quote), and
///   shorter than it, or a tight line up to a little longer than a first half of 8 or
///   more characters when the two make a headline's length (at most 26);
/// - a tight line of 8 or more characters under a short line ending in a colon (a
///   headline broken after its `某镇：`); a colon line set apart by the page's spacing is
///   a kicker;
/// - a line at the page's usual spacing that closes the headline block (what follows is
///   no headline), under a first half of 8 or more characters, no longer than it, and
///   the two within a headline's length (at most 26): a kicker is a short label or a
///   phrase over a longer title, a subtitle is longer than its title.
///
/// In every shape neither line holds a space (designed kickers pair phrases with one:
/// `抢抓农时 稳产保供`), the second holds no colon of its own (`某乡：title` under a
/// kicker is a headline by itself) and opens on a character or an opening quote (not a
/// dash: a subtitle), and it is no caption, box label, pen name or marked brief.
fn continues_headline(prev: &Unit, u: &Unit, next_is_head: bool) -> bool {
    if prev.class != Class::Head || u.class != Class::Head || prev.gap == 0 || u.gap > 1 {
        return false;
    }
    let (a, b) = (prev.text.trim(), u.text.trim());
    let (la, lb) = (chars(a), chars(b));
    let is_word = |c: char| super::normalize::is_han(c) || c.is_ascii_alphanumeric();
    let Some(last) = a.chars().last() else {
        return false;
    };
    let starts_on_word = b
        .chars()
        .next()
        .is_some_and(|c| is_word(c) || OPENERS.contains(&c));
    if !starts_on_word
        || a.starts_with(MARKS)
        || a.contains(char::is_whitespace)
        || b.contains(char::is_whitespace)
        || b.contains(['：', ':'])
        || is_caption_like(b)
        || is_box_label(b)
        || is_notice_title(a)
        || pen_name_line(b)
    {
        return false;
    }
    let open_end = is_word(last) || CLOSERS.contains(&last);
    let headline_length = la + lb <= 26;
    // lengths compared in characters of words: quotes do not make a half longer
    let (wa, wb) = (
        a.chars().filter(|&c| is_word(c)).count(),
        b.chars().filter(|&c| is_word(c)).count(),
    );
    if u.gap == 0 {
        if matches!(last, '：' | ':') {
            return (4..=12).contains(&la) && (8..=24).contains(&lb);
        }
        let ran_to_width = (10..=36).contains(&la) && (2..=12).contains(&lb) && lb < la;
        let short_pair = la >= 8 && (4..=wa + 3).contains(&wb) && headline_length;
        return open_end && (ran_to_width || short_pair);
    }
    open_end && !next_is_head && la >= 8 && (4..=wa).contains(&wb) && headline_length
}

/// The most common number of blank lines between two lines of a page (the smaller one
/// on a tie); 1 when the page has too few lines to tell.
fn usual_gap(gaps: &[usize]) -> usize {
    if gaps.len() < 4 {
        return 1;
    }
    let mut hist = [0usize; 5];
    for &g in gaps {
        if let Some(h) = hist.get_mut(g.min(4)) {
            *h += 1;
        }
    }
    let mut best = 1;
    for (g, &c) in hist.iter().enumerate().take(4) {
        if c > hist.get(best).copied().unwrap_or(0)
            || (c == hist.get(best).copied().unwrap_or(0) && g < best)
        {
            best = g;
        }
    }
    best
}

/// True for a short line of Han characters only that can be a paper's name.
pub(crate) fn is_name_line(text: &str) -> bool {
    let n = text.chars().count();
    (3..=8).contains(&n) && text.chars().all(super::normalize::is_han)
}

/// The first line of a page, a short run of Han characters right above masthead
/// furniture (`某某晚报` over the date line or the sponsor), is the paper's name.
fn mark_masthead_name(units: &mut [Unit]) {
    let next_is_furniture = units.get(1).is_some_and(|u| u.class == Class::Furniture);
    if let Some(first) = units.first_mut()
        && next_is_furniture
        && first.class == Class::Head
        && is_name_line(&first.text)
    {
        first.class = Class::Furniture;
    }
}

/// A photo credit in brackets at the end of a paragraph, split off. The line is handed
/// back as it came when there is none (most lines), without a copy.
fn split_credit(line: String) -> (String, Option<String>) {
    let t = line.as_str();
    let trimmed = t.trim_end();
    if !(trimmed.ends_with('）') || trimmed.ends_with(')')) {
        return (line, None);
    }
    let Some(open) = trimmed.rfind(['（', '(']) else {
        return (line, None);
    };
    let (before, inner) = trimmed.split_at(open);
    let core = inner.trim_end_matches([')', '）']).trim_end();
    let is_credit = (core.ends_with('摄') || core.ends_with('攝'))
        && chars(inner) <= 30
        && byline::parse(inner).is_some_and(|p| p.photo);
    if is_credit && chars(before) >= 4 {
        (before.trim_end().to_string(), Some(inner.to_string()))
    } else {
        (line, None)
    }
}

/// Searchers for ` 本报`, ` 本報` and `　本报`, in that order, built once.
static GLUED_KEYS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
    std::sync::LazyLock::new(|| [" 本报", " 本報", "　本报"].map(memchr::memmem::Finder::new));

/// `标题 本报讯(记者 X)…` on one line: the headline and the dateline paragraph.
fn split_glued(t: &str) -> (&str, Option<&str>) {
    // the space first (a byte search), then the two searches for whole characters
    let spaced = memchr::memchr(b' ', t.as_bytes()).is_some()
        || IDEOGRAPHIC_SPACE.find(t.as_bytes()).is_some();
    if !spaced || !t.contains('本') {
        return (t, None);
    }
    for key in GLUED_KEYS.iter() {
        if let Some(pos) = key.find(t.as_bytes()) {
            let (head, rest) = t.split_at(pos);
            let rest = rest.trim_start();
            if chars(head) <= 40 && is_head_shape(head) && dateline::parse(rest).is_some() {
                return (head.trim(), Some(rest));
            }
        }
    }
    (t, None)
}

/// Lines set in the same box as furniture (no blank line between), and short, are
/// furniture too (`青山电视` above `欢迎关注`, `看…重点工作` under `点击关键词`).
fn mark_furniture_neighbours(units: &mut [Unit]) {
    for _ in 0..2 {
        for i in 0..units.len() {
            let is_f = units.get(i).is_some_and(|u| u.class == Class::Furniture);
            if !is_f {
                continue;
            }
            let this_gap = units.get(i).map_or(99, |u| u.gap);
            if this_gap == 0
                && let Some(p) = i.checked_sub(1).and_then(|j| units.get_mut(j))
                && p.class == Class::Head
                && is_list_item(&p.text)
            {
                p.class = Class::Furniture;
            }
            if let Some(nx) = units.get_mut(i + 1)
                && nx.gap == 0
                && nx.class == Class::Head
                && is_list_item(&nx.text)
            {
                nx.class = Class::Furniture;
            }
        }
    }
}

fn is_caption_like(text: &str) -> bool {
    // every caption word holds one of these characters: a line without them is no caption,
    // and is not squeezed to find that out
    if !text.contains(['场', '場', '角', '影', '图', '圖']) {
        return false;
    }
    let t = squeeze(text);
    let t = t.trim_end_matches(['。', '.', '！']);
    CAPTION_WORDS
        .iter()
        .any(|w| t.ends_with(w) || t.starts_with(w))
        && chars(t) <= 20
}

fn is_box_label(text: &str) -> bool {
    // squeezing keeps the count of characters that are not white space
    if chars(text) > 8 {
        return false;
    }
    let t = squeeze(text);
    BOX_LABELS.iter().any(|w| t.starts_with(w)) && chars(&t) <= 8
}

fn pen_name_line(text: &str) -> bool {
    let toks: Vec<&str> = text.split_whitespace().collect();
    !toks.is_empty()
        && toks.len() <= 3
        && toks
            .iter()
            .all(|t| (2..=3).contains(&t.chars().count()) && byline::is_name(t))
}

/// A paragraph that closes an article: `（完）`, or a closing byline in brackets.
fn ends_article(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with("（完）")
        || t.ends_with("(完)")
        || t.ends_with("【完】")
        || closing_byline(t).is_some()
}

/// The byline in brackets that closes a paragraph (`…三百余份。(通讯员 王丽)`), brackets
/// included; or a line that is only names in brackets (`（甲 乙 丙 丁）`).
pub(crate) fn closing_byline(text: &str) -> Option<&str> {
    let t = text.trim_end();
    if let Some(b) = bracketed_names(t) {
        return Some(b);
    }
    let inner = t.strip_suffix(['）', ')'])?;
    let open = inner.rfind(['（', '('])?;
    let b = t.get(open..)?;
    (byline::has_role(b) && byline::parse(b).is_some()).then_some(b)
}

/// A line that is only people's names in brackets, without roles (`（甲 乙 丙 丁）`): the
/// signature closing an item, as papers print it for contributors. Each name is a token of
/// two or three characters, or two one-character tokens (`曾 琳`: a spaced name), read by
/// [`byline::parse`]; at most four names.
pub(crate) fn bracketed_names(text: &str) -> Option<&str> {
    let t = super::normalize::trim(text);
    let inner = t
        .strip_prefix(['（', '('])?
        .strip_suffix(['）', ')'])?
        .trim();
    if inner.contains(['（', '(', '）', ')']) || byline::has_role(inner) {
        return None;
    }
    let toks: Vec<&str> = inner
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ','))
        .filter(|s| !s.is_empty())
        .collect();
    let all_han = toks
        .iter()
        .all(|s| s.chars().all(super::normalize::is_han) && (1..=3).contains(&s.chars().count()));
    let letters: usize = toks.iter().map(|s| s.chars().count()).sum();
    if toks.is_empty() || !all_han || !(2..=12).contains(&letters) {
        return None;
    }
    let people = byline::parse(inner)?;
    let names = people.reporters.len() + people.contributors.len();
    ((1..=4).contains(&names) && people.org.is_none()).then_some(t)
}

/// A short item under the headline-like line at `i`: one to three paragraphs, the last
/// closed by its byline in brackets (`…现场发放手册三百份。(通讯员 X)`).
fn signed_item_follows(units: &[Unit], i: usize) -> bool {
    for d in 1..=3 {
        let Some(u) = units.get(i + d) else {
            return false;
        };
        if u.class != Class::Para {
            return false;
        }
        if ends_article(&u.text) {
            return true;
        }
    }
    false
}

/// Words that open a news story's lead with the time of its event (`近日，`, `昨日，`).
/// Words of a period (`今年以来`, `近年来`, `目前`) are left out: they open the text under a
/// subhead as often as a new story.
const TIME_LEADS: &[&str] = &[
    "近日", "日前", "昨日", "昨天", "今天", "今日", "当天", "當天", "前日",
];

/// True when `text` opens with the time of an event: a date (`3月16日`, `16日上午`) or a
/// time word, closed by a comma within twelve characters.
fn opens_with_time(text: &str) -> bool {
    let Some(comma) = text.find(['，', ',']) else {
        return false;
    };
    let clause = text.get(..comma).unwrap_or("").trim();
    let n = clause.chars().count();
    if n == 0 || n > 12 {
        return false;
    }
    let dated = clause.chars().next().is_some_and(|c| c.is_ascii_digit()) && clause.contains('日');
    dated || TIME_LEADS.iter().any(|w| clause.starts_with(w))
}

/// Numbering or brackets that mark a subhead inside an article (`一、`, `（二）`, `3.`,
/// `第一`, `【…】`).
fn numbered_subhead(text: &str) -> bool {
    let t = text.trim_start();
    let mut cs = t.chars();
    let first = cs.next();
    let second = cs.next();
    matches!(first, Some('【' | '〔' | '[' | '（' | '(' | '第'))
        || (first.is_some_and(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
            && matches!(second, Some('、' | '.' | '．' | '是')))
}

/// A headline of a story with neither dateline nor byline, set at the page's usual
/// spacing: the line before closes a sentence, the line is of headline length and not
/// numbered like a subhead, and a lead follows that opens with the story's time
/// (`3月16日，…`, `近日，…`), as a new story does and a subhead's text seldom does.
fn new_story_follows(units: &[Unit], i: usize) -> bool {
    let Some(u) = units.get(i) else {
        return false;
    };
    let n = chars(&u.text);
    let prev_closes = i > 0
        && units
            .get(i - 1)
            .is_some_and(|p| p.class == Class::Para && ends_sentence(&p.text));
    prev_closes
        && (8..=30).contains(&n)
        && !numbered_subhead(&u.text)
        && !u.text.trim_end().ends_with(['：', ':'])
        && units.get(i + 1).is_some_and(|x| {
            x.class == Class::Para
                && x.gap <= 1
                && chars_upto(&x.text, 40) >= 40
                && (opens_with_time(&x.text)
                    || lead_names_subject(&u.text, &x.text)
                    || super::forms::cites_report(&x.text))
        })
}

/// A news lead names its story's subject again at once: the headline's first three
/// characters (Han, the place or body the story is about) stand among the lead's first
/// twenty. A headline with a colon inside (`某镇：…`) heads a section of a roundup, and is
/// not read this way.
fn lead_names_subject(head: &str, lead: &str) -> bool {
    let h = head.trim();
    if h.contains(['：', ':']) {
        return false;
    }
    let subject: String = h.chars().take(3).collect();
    if subject.chars().count() < 3 || !subject.chars().all(super::normalize::is_han) {
        return false;
    }
    let opening: String = lead
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(20)
        .collect();
    opening.contains(&subject)
}

fn class_of(units: &[Unit], i: usize) -> Option<Class> {
    units.get(i).map(|u| u.class)
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(is_sentence_end)
}

/// Finds the articles of a page.
pub(crate) fn pieces(units: &[Unit]) -> Vec<Piece> {
    let n = units.len();
    // who owns each unit: None, or the index of the piece
    let mut claimed: Vec<bool> = vec![false; n];
    let mut found: Vec<Piece> = Vec::new();

    // 1. anchors
    for i in 0..n {
        let Some(u) = units.get(i) else { continue };
        let start = match u.class {
            Class::Dateline => Some(Start::Dateline),
            Class::Marker => Some(Start::Marker),
            // `本报记者 X 文/图` under a headline signs the text, not a picture
            Class::Credit
                if u.text.contains('文') || u.text.contains("報道") || u.text.contains("报道") =>
            {
                let prev_head = class_of(units, i.wrapping_sub(1)) == Some(Class::Head);
                let next_para = units
                    .get(i + 1)
                    .is_some_and(|x| x.class == Class::Para && x.gap <= 1);
                (prev_head && next_para).then_some(Start::Byline)
            }
            Class::Byline | Class::Author => {
                let prev_head = class_of(units, i.wrapping_sub(1)) == Some(Class::Head);
                let next_para = matches!(class_of(units, i + 1), Some(Class::Para | Class::Head));
                if prev_head && next_para {
                    Some(if u.class == Class::Author {
                        Start::Author
                    } else {
                        Start::Byline
                    })
                } else {
                    None
                }
            }
            Class::Head => {
                let prev_head = class_of(units, i.wrapping_sub(1)) == Some(Class::Head);
                let next_para = class_of(units, i + 1) == Some(Class::Para);
                (prev_head && next_para && pen_name_line(&u.text)).then_some(Start::Byline)
            }
            Class::Credit => None,
            _ => None,
        };
        if let Some(s) = start {
            found.push(Piece {
                start: s,
                headline: vec![],
                body: vec![],
                captions: vec![],
                bylines: vec![],
                anchor: i,
            });
            if let Some(c) = claimed.get_mut(i) {
                *c = true;
            }
        }
    }

    // 1b. a row of photos whose credits stand above their captions
    found.extend(super::forms::credit_first_strip(units, &mut claimed));

    // 2. photo credits that close a picture item of their own
    for i in 0..n {
        if class_of(units, i) != Some(Class::Credit) || claimed.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(p) = photo_piece(units, i, &claimed)
            .or_else(|| super::shape::short_photo(units, i, &claimed))
        {
            for &k in p.headline.iter().chain(&p.captions) {
                if let Some(c) = claimed.get_mut(k) {
                    *c = true;
                }
            }
            if let Some(c) = claimed.get_mut(i) {
                *c = true;
            }
            found.push(p);
        }
    }
    found.sort_by_key(|p| p.anchor);

    // 3. headline blocks above dateline, byline and author anchors
    for idx in 0..found.len() {
        let Some(p) = found.get(idx) else { continue };
        if !matches!(p.start, Start::Dateline | Start::Byline | Start::Author) {
            continue;
        }
        let anchor = p.anchor;
        let (mut headline, captions, bylines) = headline_block(units, anchor, &claimed);
        // a title over the file's date-and-source line
        if headline.is_empty()
            && bylines.is_empty()
            && let Some(t) = super::forms::title_over_meta(units, anchor, &claimed)
        {
            headline.push(t);
        }
        // `■ 某镇整治人居环境` right above: the brief's own headline; the short lines
        // above it label the column (`本版速读`) and belong to no article
        if let Some(&last) = headline.last()
            && headline.len() > 1
            && units.get(last).is_some_and(|u| u.text.starts_with(MARKS))
        {
            for &k in &headline {
                if k != last
                    && let Some(c) = claimed.get_mut(k)
                {
                    *c = true;
                }
            }
            headline = vec![last];
        }
        // a brief (`■本报讯…`) has no headline above it: a line there labels the column
        let brief = units
            .get(anchor)
            .is_some_and(|u| u.class == Class::Dateline && u.text.starts_with(MARKS));
        if brief {
            for &k in &headline {
                if let Some(c) = claimed.get_mut(k) {
                    *c = true;
                }
            }
            headline.clear();
            if let Some(p) = found.get_mut(idx) {
                p.start = Start::Marker;
            }
        }
        for &k in headline.iter().chain(&captions).chain(&bylines) {
            if let Some(c) = claimed.get_mut(k) {
                *c = true;
            }
        }
        if let Some(p) = found.get_mut(idx) {
            p.headline = headline;
            p.captions = captions;
            p.bylines = bylines;
        }
    }

    // 4. headline blocks after a wide gap with text under them and no dateline
    let mut i = 0;
    while i < n {
        let Some(u) = units.get(i) else { break };
        let free = !claimed.get(i).copied().unwrap_or(true);
        // only a free headline-like line can open a block: the other tests wait for one
        let boundary = || {
            let two_heads = class_of(units, i + 1) == Some(Class::Head)
                && units
                    .get(i + 1)
                    .is_some_and(|x| x.gap <= 1 && !is_list_item(&x.text))
                && !is_list_item(&u.text);
            u.gap >= 2
                || i == 0
                || two_heads
                || matches!(
                    class_of(units, i.wrapping_sub(1)),
                    Some(Class::Furniture | Class::Byline | Class::Credit)
                )
                || units
                    .get(i.wrapping_sub(1))
                    .is_some_and(|x| x.class == Class::Para && ends_article(&x.text))
                || is_notice_title(&u.text)
                || signed_item_follows(units, i)
                || new_story_follows(units, i)
        };
        if free
            && u.class == Class::Head
            && boundary()
            && !is_caption_like(&u.text)
            && !is_box_label(&u.text)
        {
            let mut j = i;
            let mut heads = vec![];
            while j < n
                && heads.len() < 3
                && class_of(units, j) == Some(Class::Head)
                && !claimed.get(j).copied().unwrap_or(true)
                && (j == i || units.get(j).is_some_and(|x| x.gap <= 1))
            {
                heads.push(j);
                j += 1;
            }
            // a notice may open with a short salutation (`各有关单位:`)
            let min_len = if heads
                .iter()
                .any(|&h| units.get(h).is_some_and(|x| is_notice_title(&x.text)))
            {
                1
            } else {
                40
            };
            let body_follows = units.get(j).is_some_and(|x| {
                x.class == Class::Para && x.gap <= 1 && chars_upto(&x.text, min_len) >= min_len
            }) && !claimed.get(j).copied().unwrap_or(true);
            let list_run = heads.len() >= 2
                && heads.iter().all(|&h| {
                    units
                        .get(h)
                        .is_some_and(|x| is_list_item(&x.text) && chars(&x.text) <= 6)
                });
            if body_follows && !list_run {
                for &h in &heads {
                    if let Some(c) = claimed.get_mut(h) {
                        *c = true;
                    }
                }
                found.push(Piece {
                    start: Start::Bare,
                    headline: heads,
                    body: vec![],
                    captions: vec![],
                    bylines: vec![],
                    anchor: j.saturating_sub(1),
                });
                i = j;
                continue;
            }
        }
        i += 1;
    }
    found.sort_by_key(|p| {
        p.headline
            .first()
            .copied()
            .unwrap_or(p.anchor)
            .min(p.anchor)
    });

    // 5. bodies: everything unclaimed from the anchor to the next piece's first line
    let starts: Vec<usize> = found
        .iter()
        .map(|p| {
            p.headline
                .iter()
                .chain(&p.captions)
                .chain(&p.bylines)
                .copied()
                .chain(std::iter::once(p.anchor))
                .min()
                .unwrap_or(p.anchor)
        })
        .collect();
    let first_start = starts.first().copied().unwrap_or(n);
    let last_para = (0..n).rev().find(|&k| {
        matches!(
            class_of(units, k),
            Some(Class::Para | Class::Dateline | Class::Marker)
        )
    });
    for (pi, p) in found.iter_mut().enumerate() {
        let end = starts.get(pi + 1).copied().unwrap_or(n);
        let from = match p.start {
            Start::Bare => p.anchor + 1,
            Start::Credit => p.anchor + 1,
            Start::Byline | Start::Author => p.anchor + 1,
            _ => p.anchor,
        };
        if matches!(p.start, Start::Dateline | Start::Marker) {
            p.body.push(p.anchor);
        }
        for k in from.max(if matches!(p.start, Start::Dateline | Start::Marker) {
            p.anchor + 1
        } else {
            0
        })..end
        {
            if claimed.get(k).copied().unwrap_or(true) {
                continue;
            }
            // trailing headline-like lines at the very end of the page are its footer
            if last_para.is_some_and(|lp| k > lp) && class_of(units, k) == Some(Class::Head) {
                continue;
            }
            p.body.push(k);
        }
    }
    // text above the first article that is long enough to be one
    let orphan: Vec<usize> = (0..first_start)
        .filter(|&k| {
            !claimed.get(k).copied().unwrap_or(true) && class_of(units, k) == Some(Class::Para)
        })
        .collect();
    // counted up to 100 only: reached or not is all that matters
    let mut orphan_len = 0usize;
    for u in orphan.iter().filter_map(|&k| units.get(k)) {
        if orphan_len >= 100 {
            break;
        }
        orphan_len += chars_upto(&u.text, 100 - orphan_len);
    }
    if orphan_len >= 100 || orphan_len >= 20 && super::forms6::continued_above(units, first_start) {
        found.insert(
            0,
            Piece {
                start: Start::Orphan,
                headline: vec![],
                body: orphan.clone(),
                captions: vec![],
                bylines: vec![],
                anchor: orphan.first().copied().unwrap_or(0),
            },
        );
    }
    found
}

/// The headline lines, caption lines and byline lines above an anchor.
fn headline_block(
    units: &[Unit],
    anchor: usize,
    claimed: &[bool],
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut bylines = vec![];
    let mut j = anchor;
    // standalone bylines right above a dateline
    while j > 0
        && class_of(units, j - 1) == Some(Class::Byline)
        && !claimed.get(j - 1).copied().unwrap_or(true)
    {
        j -= 1;
        bylines.push(j);
    }
    let mut block: Vec<usize> = vec![];
    while j > 0 && block.len() < 6 {
        let k = j - 1;
        if claimed.get(k).copied().unwrap_or(true) {
            break;
        }
        let Some(u) = units.get(k) else { break };
        let take = match u.class {
            Class::Head => true,
            // a caption sentence set off by a picture gap, with a headline above it
            // or a long subtitle without a full stop under a headline
            Class::Para => {
                // set off from the headline above by a picture gap
                let isolated = u.gap >= 2;
                let subtitle = chars_upto(&u.text, 61) <= 60 && !u.text.contains('。');
                (isolated && chars_upto(&u.text, 121) <= 120 || subtitle)
                    && class_of(units, k.wrapping_sub(1)) == Some(Class::Head)
            }
            _ => false,
        };
        if !take {
            break;
        }
        block.push(k);
        j = k;
    }
    block.reverse();
    // a line continuing the paragraph above it (broken at a column end) is not a headline
    while let Some(&first) = block.first() {
        let continues = first > 0
            && units.get(first).is_some_and(|u| {
                u.gap <= 1 && u.text.contains(['，', ',', '、']) && !is_caption_like(&u.text)
            })
            && units.get(first - 1).is_some_and(|p| {
                matches!(p.class, Class::Para | Class::Dateline) && !ends_sentence(&p.text)
            });
        if !continues || block.len() <= 1 {
            break;
        }
        block.remove(0);
    }
    // split at picture gaps; the first group holding a headline-like line is the headline
    let mut groups: Vec<Vec<usize>> = vec![];
    for &k in &block {
        let gap = units.get(k).map_or(0, |u| u.gap);
        match groups.last_mut() {
            Some(g) if gap <= 1 => g.push(k),
            _ => groups.push(vec![k]),
        }
    }
    let mut headline = vec![];
    let mut captions = vec![];
    let mut gi = groups.into_iter();
    for g in gi.by_ref() {
        let heads: Vec<usize> = g
            .iter()
            .copied()
            .filter(|&k| class_of(units, k) == Some(Class::Head))
            .collect();
        if heads.is_empty() {
            captions.extend(g);
            continue;
        }
        // a caption word line at the top belongs to the article before
        let kept: Vec<usize> = g
            .iter()
            .copied()
            .skip_while(|&k| units.get(k).is_some_and(|u| is_caption_like(&u.text)) && g.len() > 1)
            .collect();
        headline = kept;
        break;
    }
    for g in gi {
        captions.extend(g);
    }
    // more than three lines: the list above the headline is not part of it
    if headline.len() > 3 {
        let cut = headline.len() - 2;
        headline = headline.split_off(cut);
    }
    // a headline line ending in a sentence (a caption) when it is the last line
    if headline.len() > 1
        && let Some(&last) = headline.last()
        && units
            .get(last)
            .is_some_and(|u| u.class == Class::Para && ends_sentence(&u.text))
    {
        headline.pop();
        captions.insert(0, last);
    }
    bylines.reverse();
    (headline, captions, bylines)
}

/// A photo item closed by the credit at `i`: the caption (and a title line right above the
/// credit or above the caption). `None` when the credit belongs to the article around it.
fn photo_piece(units: &[Unit], i: usize, claimed: &[bool]) -> Option<Piece> {
    let free = |k: usize| !claimed.get(k).copied().unwrap_or(true);
    let mut j = i;
    let mut headline = vec![];
    if j > 0 && class_of(units, j - 1) == Some(Class::Head) && free(j - 1) {
        // a title right above the credit, when a caption stands above it
        if matches!(
            class_of(units, j.wrapping_sub(2)),
            Some(Class::Para | Class::Head)
        ) {
            j -= 1;
            headline.push(j);
        }
    }
    // the caption: one paragraph, with the pieces a column break split from it
    if j == 0
        || !free(j - 1)
        || !matches!(class_of(units, j - 1), Some(Class::Para | Class::Marker))
    {
        return None;
    }
    let mut k = j - 1;
    while k > 0
        && free(k - 1)
        && units.get(k - 1).is_some_and(|u| {
            // a broken-off piece of the caption, not a headline line above it
            u.class == Class::Para || (u.class == Class::Head && u.text.contains(['，', ',', '、']))
        })
        && units.get(k - 1).is_some_and(|u| !ends_sentence(&u.text))
        && units.get(k).is_some_and(|u| u.gap <= 1)
    {
        k -= 1;
    }
    let caption: Vec<usize> = (k..j).collect();
    let first = units.get(k)?;
    let text: String = caption
        .iter()
        .filter_map(|&c| units.get(c))
        .map(|u| u.text.as_str())
        .collect();
    let own_title = !headline.is_empty();
    let picture_gap = first.gap >= 2;
    let says_picture = text.contains("图为") || text.contains("圖為");
    // a title line above the caption
    // a one-sentence caption whose credit ends the run of text (furniture, a headline or
    // the page end follows) is a picture item of its own; a longer paragraph there is the
    // end of the article above, and the credit is that article's
    // (or another such caption closed by its own credit follows: a row of pictures)
    let one_caption =
        |t: &str| ends_sentence(t) && chars(t) <= 90 && t.matches(['。', '！', '？']).count() <= 1;
    let next_captioned = units.get(i + 1).is_some_and(|u| {
        u.class == Class::Para
            && one_caption(&u.text)
            && class_of(units, i + 2) == Some(Class::Credit)
    });
    let closes = one_caption(&text)
        && (next_captioned
            || units.get(i + 1).is_none_or(|u| {
                !matches!(u.class, Class::Para) || claimed.get(i + 1).copied().unwrap_or(false)
            }));
    let title_above = !own_title
        && k > 0
        && free(k - 1)
        && class_of(units, k - 1) == Some(Class::Head)
        && first.gap <= 1
        && chars(&text) <= 200
        && !matches!(class_of(units, k.wrapping_sub(2)), Some(Class::Head))
        && units
            .get(k - 1)
            .is_some_and(|u| u.gap >= 2 || closes || says_picture);
    // `会议现场` with a credit is a picture inside the article around it
    if !own_title && !title_above && is_caption_like(&text) {
        return None;
    }
    if !(own_title || picture_gap || says_picture || title_above || closes) {
        return None;
    }
    if title_above {
        headline.push(k - 1);
    }
    Some(Piece {
        start: Start::Credit,
        headline,
        body: vec![],
        captions: caption,
        bylines: vec![],
        anchor: i,
    })
}

/// People named by the standalone byline, credit or author lines among `idx`.
pub(crate) fn people_of(units: &[Unit], idx: &[usize]) -> People {
    let mut p = People::default();
    for &k in idx {
        let Some(u) = units.get(k) else { continue };
        match u.class {
            Class::Byline | Class::Credit => {
                if let Some(x) = byline::parse(&u.text).or_else(|| {
                    super::forms::office_credit(&u.text).filter(|_| u.class == Class::Credit)
                }) {
                    p.merge(x);
                }
            }
            Class::Author => {
                if let Some(name) = byline::author_line(&u.text) {
                    p.merge(People {
                        contributors: vec![name],
                        ..People::default()
                    });
                }
            }
            Class::Head => {
                if pen_name_line(&u.text)
                    && let Some(x) = byline::parse(&u.text)
                {
                    p.merge(x);
                }
            }
            _ => {}
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line tests as they were before their prefilters: the specifications.
    fn is_caption_like_reference(text: &str) -> bool {
        let t = squeeze(text);
        let t = t.trim_end_matches(['。', '.', '！']);
        CAPTION_WORDS
            .iter()
            .any(|w| t.ends_with(w) || t.starts_with(w))
            && chars(t) <= 20
    }

    fn is_box_label_reference(text: &str) -> bool {
        let t = squeeze(text);
        BOX_LABELS.iter().any(|w| t.starts_with(w)) && chars(&t) <= 8
    }

    fn table_cells_reference(text: &str) -> usize {
        let t = text.trim();
        if t.len() > 240 || t.contains(['。', '；', '！', '？']) {
            return 0;
        }
        let mut cells = 1;
        let mut spaces = 0usize;
        for c in t.chars() {
            if c == '\t' || c == '\u{3000}' {
                spaces += 2;
            } else if c == ' ' {
                spaces += 1;
            } else {
                if spaces >= 2 {
                    cells += 1;
                }
                spaces = 0;
            }
        }
        if cells >= 3 { cells } else { 0 }
    }

    #[test]
    fn capped_counts_are_counts() {
        let mut lines = crate::extract::sample_lines::sample_lines();
        lines.push("甲 ".repeat(200));
        lines.push("\u{3000}乙".repeat(100));
        for l in &lines {
            let n = chars(l);
            for cap in [0, 1, 6, 40, 61, 100, 121, 500] {
                assert_eq!(chars_upto(l, cap), n.min(cap), "{l:?} {cap}");
            }
        }
    }

    #[test]
    fn prefiltered_line_tests_agree_with_their_references() {
        let mut lines = crate::extract::sample_lines::sample_lines();
        lines.extend(
            [
                "活动现场",
                "  图为 村民 在 收割 ",
                "相关 链接",
                "A  B\tC",
                "甲\u{3000}乙\u{3000}丙",
                "序号  姓名  单位",
                "资料图。",
                "现场!",
            ]
            .map(String::from),
        );
        let (mut captions, mut labels, mut rows) = (0, 0, 0);
        for l in &lines {
            let c = is_caption_like(l);
            assert_eq!(c, is_caption_like_reference(l), "{l}");
            let b = is_box_label(l);
            assert_eq!(b, is_box_label_reference(l), "{l}");
            let r = table_cells(l);
            assert_eq!(r, table_cells_reference(l), "{l}");
            captions += usize::from(c);
            labels += usize::from(b);
            rows += usize::from(r > 0);
        }
        assert!(
            captions > 5 && labels > 2 && rows > 2,
            "{captions} {labels} {rows}"
        );
    }

    #[test]
    fn a_picture_column_label_is_furniture() {
        assert_eq!(classify("图片新闻").0, Class::Furniture);
        assert_eq!(classify("（记者 王英 摄）").0, Class::Credit);
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
}
