//! What is each line of a page? The page is cut into [`Line`]s (a headline glued to its
//! dateline split off, a credit closing a caption split off, gaps read relative to the
//! page's usual spacing, a numbered list printed as one line cut into its items); each
//! line gets a role from a first look at its text alone
//! ([`first_look`]), then from its block (furniture neighbours, the masthead name, table
//! rows, a headline broken over two lines joined), then from the ordered table of named
//! rules in [`rules`]. Every role carries the name of the rule that decided it.

pub(crate) mod header;
pub(crate) mod rules;
pub(crate) mod web;

use crate::extract::line::{Line, Opener, Role};
use crate::extract::read::byline;
use crate::extract::read::dateline;
use crate::extract::read::dateline::Dateline;
use crate::extract::read::furniture::{furniture_and_count, is_list_item};
use crate::extract::read::labels::{
    bracketed_names, is_box_label, is_caption_like, is_name_line, is_notice_title, pen_name_line,
};
use crate::extract::read::opener;
use crate::extract::read::run_on;
use crate::extract::text::clean;
use crate::extract::text::clean::{chars, chars_upto};
use crate::extract::text::fold;
use crate::extract::text::words::BRIEF_MARKS;

/// A reader of the opening of a paragraph: the line and its matching key.
type ReadOpener = fn(&str, &str) -> Option<Dateline>;

/// The first look at a line, by its text alone (`key` is its matching key,
/// `text::fold::key`): the role, the name of the rule that decided it (see the module
/// doc) and what an opener reads.
pub(crate) fn first_look(text: &str, key: &str) -> (Role, &'static str, Option<Dateline>) {
    let openers: [(Opener, &str, ReadOpener); 5] = [
        (Opener::Dateline, "dateline", dateline::parse_keyed),
        (Opener::Byline, "opening-byline", opener::opening_byline),
        (Opener::Compiled, "compiled-item", opener::compiled_dateline),
        (Opener::Wire, "wire-message", opener::message_dateline),
        (Opener::Dateline, "joined-outlets", opener::joined_outlets),
    ];
    for (opener, name, read) in openers {
        if let Some(d) = read(text, key) {
            return (Role::Opens(opener), name, Some(d));
        }
    }
    let (furniture, counted) = furniture_and_count(key);
    if furniture {
        return (Role::Furniture, "furniture", None);
    }
    // a line longer than 240 bytes has more than 40 characters, spaces or not; the
    // furniture test has counted the others' characters, most of the time (the rules
    // below ask of `n` no more than whether it is over 40: a count stops at 41)
    let n = if text.len() > 240 {
        999
    } else {
        counted.unwrap_or_else(|| chars_upto(text, 41))
    };
    // the rules below only decide: they read the key
    let t = clean::trim(key);
    if n <= 40 && !t.contains(['。', '，', ',', '；', '！', '？']) {
        let core = t.trim_end_matches([')', '）', ' ']);
        let slash = memchr::memchr(b'/', core.as_bytes()).is_some();
        let credit_shape = core.ends_with('摄')
            || core.ends_with("摄影")
            || slash && (core.contains("文/图") || core.contains("图/"))
            || core.starts_with("摄影");
        let role = byline::key_names_role(t);
        if let Some(p) = role.then(|| byline::parse(t)).flatten() {
            return if p.photo || credit_shape {
                (Role::Credit, "photo-credit", None)
            } else {
                (Role::Byline, "byline", None)
            };
        }
        // `图片新闻`, `摄影作品`: a picture column's label names no one; it heads the row
        // of pictures under it, which is no part of the text above
        let photo_word = || ["图片", "摄影"].iter().any(|w| t.contains(w));
        if role && n <= 6 && photo_word() {
            return (Role::Furniture, "picture-column-label", None);
        }
        // `本报评论员`, `本报特约评论员 X`: the signature of a commentary
        let commentator = n <= 14 && t.contains("评论员");
        if commentator || byline::author_line(t).is_some() {
            return (Role::Author, "author-line", None);
        }
    }
    // `（甲 乙 丙 丁）`: the signature closing the text above, never a headline
    if n <= 20 && bracketed_names(t).is_some() {
        return (Role::Para, "bracketed-names", None);
    }
    if t.starts_with(BRIEF_MARKS) {
        // `■ 某镇整治人居环境`: a marked headline of a brief, not its text
        let rest = t.trim_start_matches(BRIEF_MARKS).trim();
        if chars_upto(rest, 31) <= 30 && is_head_shape(rest) && !rest.contains(['，', ',']) {
            return (Role::Head, "marked-headline", None);
        }
        if n >= 8 {
            return (Role::Marker, "marked-brief", None);
        }
    }
    // `t` is `text` trimmed: the same count, when the line is short enough to have one
    let head = if text.len() <= 240 {
        is_head_shape_of(t, n)
    } else {
        is_head_shape(t)
    };
    if head {
        return (Role::Head, "headline-shape", None);
    }
    (Role::Para, "running-text", None)
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
            .map(|r| r.chars().filter(|&c| clean::is_han(c)).count())
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
pub(crate) fn units(text: &str) -> Vec<Line> {
    units_before(text, None)
}

/// [`units`] with the rule table applied up to the block pass named `stop`.
pub(crate) fn units_before(text: &str, stop: Option<&str>) -> Vec<Line> {
    // one unit a line at most, but for the few split lines: room made once
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    let mut out: Vec<Line> = Vec::with_capacity(lines + 8);
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
        let t = clean::trim(line);
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
        // the line's matching key, computed once (`text::fold`); its pieces' keys are cut
        // from it at their own offsets
        let line_key = fold::key(t);
        let tk = line_key.as_deref().unwrap_or(t);
        // a numbered list a site printed as one line: its items' headlines and texts
        let listed = run_on::split(t).unwrap_or_default();
        let (first_piece, second) = if listed.is_empty() {
            split_glued(t, tk)
        } else {
            ("", None)
        };
        let pieces = listed
            .iter()
            .copied()
            .chain(std::iter::once(first_piece).filter(|p| !p.is_empty()))
            .chain(second);
        for (k, piece) in pieces.enumerate() {
            let pk = line_key.as_ref().map(|_| key_of_piece(t, tk, piece));
            let piece = piece.to_string();
            let (role, because, dl) = first_look(&piece, pk.as_deref().unwrap_or(&piece));
            // the text a picture's file name was glued to is the picture's caption, not
            // a byline or a headline, even when it reads as a name and a post
            let (role, because) = if k == 1
                && out
                    .last()
                    .is_some_and(|u: &Line| crate::extract::read::web::image_file_name(u.key()))
                && dl.is_none()
            {
                (Role::Para, "caption-after-file-name")
            } else {
                (role, because)
            };
            // `…群众在广场观看演出。(记者 X 摄)`: the credit closes the caption
            let (piece, credit) = match role {
                Role::Para | Role::Marker => split_credit(piece, pk.as_deref()),
                _ => (piece, None),
            };
            // a credit split off: the caption's key is the front of the piece's
            let pk = pk.map(|mut k| {
                k.truncate(piece.len());
                k
            });
            let (role, because) = if credit.is_some() {
                let (r, b, _) = first_look(&piece, pk.as_deref().unwrap_or(&piece));
                (r, b)
            } else {
                (role, because)
            };
            let folded = pk.filter(|k| *k != piece);
            out.push(Line::new(
                piece,
                folded,
                if k == 0 { gap } else { 1 },
                (role, because),
                dl,
            ));
            if let Some(c) = credit {
                let folded = fold::key(&c);
                out.push(Line::new(
                    c,
                    folded,
                    0,
                    (Role::Credit, "closing-credit"),
                    None,
                ));
            }
        }
    }
    // the spacing the page uses between paragraphs counts as one blank line: a page set
    // without blank lines, or with two between every paragraph, reads like one with one
    let usual = usual_gap(&raw_gaps);
    if usual != 1 {
        for (i, u) in out.iter_mut().enumerate() {
            // the first line, split-off credits and split-glued headlines keep theirs
            if i == 0 || u.role == Role::Credit && u.gap == 0 || u.gap == 99 {
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
    let mut out = join_broken_headlines(out);
    rules::apply_before(&mut out, stop);
    out
}

/// A searcher for U+3000 (a `contains` on it stops at every 0x80 byte, which ends many
/// characters).
static IDEOGRAPHIC_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}"));

/// The cells of a table row as an extractor prints it: text runs set apart by two or more
/// spaces (or a tab); 0 for a line that is no such row.
pub(crate) fn table_cells(text: &str) -> usize {
    let t = clean::trim(text);
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
fn mark_table_rows(units: &mut [Line]) {
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
                if matches!(u.role, Role::Head | Role::Para | Role::Author) {
                    u.set(Role::Para, "table-row");
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
fn join_broken_headlines(units: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(units.len());
    let mut it = units.into_iter().peekable();
    while let Some(u) = it.next() {
        let next = it.peek();
        let next_is_short_head = next.is_some_and(|c| c.role == Role::Head && c.gap == 0);
        let next_is_head = next.is_some_and(|c| c.role == Role::Head);
        if let Some(prev) = out.last_mut()
            && !next_is_short_head
            && continues_headline(prev, &u, next_is_head)
        {
            let glue = prev.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                && u.text.starts_with(|c: char| c.is_ascii_alphanumeric());
            prev.append(glue, &u);
            prev.because = "broken-headline";
            continue;
        }
        out.push(u);
    }
    out
}

/// The key of `piece`, a slice of the line `t` whose key is `key`: the key's bytes at the
/// piece's offsets (folding keeps every offset); a piece that is no slice of `t` is
/// folded on its own.
fn key_of_piece(t: &str, key: &str, piece: &str) -> String {
    let at = (piece.as_ptr() as usize).wrapping_sub(t.as_ptr() as usize);
    match key.get(at..at.wrapping_add(piece.len())) {
        Some(k) if at <= t.len() => k.to_string(),
        _ => fold::key_of(piece).into_owned(),
    }
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
fn continues_headline(prev: &Line, u: &Line, next_is_head: bool) -> bool {
    if prev.role != Role::Head || u.role != Role::Head || prev.gap == 0 || u.gap > 1 {
        return false;
    }
    let (a, b) = (prev.key().trim(), u.key().trim());
    let (la, lb) = (prev.shape.chars(), u.shape.chars());
    let is_word = |c: char| clean::is_han(c) || c.is_ascii_alphanumeric();
    let Some(last) = a.chars().last() else {
        return false;
    };
    let starts_on_word = b
        .chars()
        .next()
        .is_some_and(|c| is_word(c) || OPENERS.contains(&c));
    if !starts_on_word
        || a.starts_with(BRIEF_MARKS)
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

/// The first line of a page, a short run of Han characters right above masthead
/// furniture (`某某晚报` over the date line or the sponsor), is the paper's name.
fn mark_masthead_name(units: &mut [Line]) {
    let next_is_furniture = units.get(1).is_some_and(|u| u.role == Role::Furniture);
    if let Some(first) = units.first_mut()
        && next_is_furniture
        && first.role == Role::Head
        && is_name_line(&first.text)
    {
        first.set(Role::Furniture, "masthead-name");
    }
}

/// A photo credit in brackets at the end of a paragraph, split off. The line is handed
/// back as it came when there is none (most lines), without a copy. `key` is the line's
/// matching key when it differs from the line.
fn split_credit(line: String, key: Option<&str>) -> (String, Option<String>) {
    let t = line.as_str();
    let k = key.unwrap_or(t);
    let trimmed = t.trim_end();
    if !(trimmed.ends_with('）') || trimmed.ends_with(')')) {
        return (line, None);
    }
    let Some(open) = trimmed.rfind(['（', '(']) else {
        return (line, None);
    };
    let (before, inner) = trimmed.split_at(open);
    let inner_key = k.get(open..trimmed.len()).unwrap_or(inner);
    let core = inner_key.trim_end_matches([')', '）']).trim_end();
    let is_credit = core.ends_with('摄')
        && chars_upto(inner, 31) <= 30
        && byline::parse(inner_key).is_some_and(|p| p.photo);
    if is_credit && chars_upto(before, 4) >= 4 {
        (before.trim_end().to_string(), Some(inner.to_string()))
    } else {
        (line, None)
    }
}

/// Searchers for ` 本报` and `　本报`, in that order, built once.
static GLUED_KEYS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
    std::sync::LazyLock::new(|| [" 本报", "　本报"].map(memchr::memmem::Finder::new));

/// `标题 本报讯(记者 X)…` on one line: the headline and the dateline paragraph.
/// `key` is the line's matching key.
fn split_glued<'a>(t: &'a str, key: &str) -> (&'a str, Option<&'a str>) {
    // `3-某某.jpg某某 某村文化活动室管理员`: a picture's file name glued to its caption
    if t.contains('.')
        && let Some(end) = crate::extract::read::web::leading_image_file_name(t)
        && let (Some(name), Some(rest)) = (t.get(..end), t.get(end..))
    {
        return (name, Some(rest.trim_start()));
    }
    // the space first (a byte search), then the two searches for whole characters
    let spaced = memchr::memchr(b' ', t.as_bytes()).is_some()
        || IDEOGRAPHIC_SPACE.find(t.as_bytes()).is_some();
    if !spaced || !t.contains('本') {
        return (t, None);
    }
    for finder in GLUED_KEYS.iter() {
        if let Some(pos) = finder.find(key.as_bytes()) {
            let (head, rest) = t.split_at(pos);
            let rest = rest.trim_start();
            let rest_key = key.get(key.len() - rest.len()..).unwrap_or(rest);
            if chars_upto(head, 41) <= 40
                && is_head_shape(head)
                && dateline::parse(rest_key).is_some()
            {
                return (head.trim(), Some(rest));
            }
        }
    }
    (t, None)
}

/// Lines set in the same box as furniture (no blank line between), and short, are
/// furniture too (`青山电视` above `欢迎关注`, `看…重点工作` under `点击关键词`).
fn mark_furniture_neighbours(units: &mut [Line]) {
    for _ in 0..2 {
        for i in 0..units.len() {
            let is_f = units.get(i).is_some_and(|u| u.role == Role::Furniture);
            if !is_f {
                continue;
            }
            let this_gap = units.get(i).map_or(99, |u| u.gap);
            if this_gap == 0
                && let Some(p) = i.checked_sub(1).and_then(|j| units.get_mut(j))
                && p.role == Role::Head
                && is_list_item(&p.text)
            {
                p.set(Role::Furniture, "furniture-neighbour");
            }
            if let Some(nx) = units.get_mut(i + 1)
                && nx.gap == 0
                && nx.role == Role::Head
                && is_list_item(&nx.text)
            {
                nx.set(Role::Furniture, "furniture-neighbour");
            }
        }
    }
}
