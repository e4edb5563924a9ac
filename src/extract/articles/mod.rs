//! Which lines go together? From the lines and their roles to articles: where each
//! begins (an opener, a byline or author line under a headline, a photo credit closing its
//! caption, a brief's marker, a notice's title, a headline block after a wide gap, a
//! headline over a lead opening with its event's time), which lines before that are its
//! headline and which are picture captions, and which lines are its body; on a web
//! story, which lines of its headline block meet its text (`web_header`).

pub(crate) mod photos;
pub(crate) mod web_header;

use crate::extract::line::{Line, Role};
use crate::extract::read::byline;
use crate::extract::read::byline::People;
use crate::extract::read::furniture::is_list_item;
use crate::extract::read::labels::{
    closing_byline, is_box_label, is_caption_like, is_notice_title, pen_name_line,
};
use crate::extract::read::opener;
use crate::extract::roles::rules::IMAGE_FILE_NAME;
use crate::extract::text::clean;
use crate::extract::text::clean::{chars_upto, is_han, is_sentence_end};
use crate::extract::text::words::{BRIEF_MARKS, META_WORDS};

/// A title line over a date-and-source line (`标题` / `2025年8月6日  来源：某某中心` /
/// dateline…), as a text file or a web page prints it: the headline-like line right above
/// that furniture line, itself at the top of the text or under furniture. Between the
/// date-and-source line and the dateline there may stand furniture without a word (the
/// debris of a share widget or of markup: `\`, `|`, `--`). Its index.
pub(crate) fn title_over_meta(units: &[Line], anchor: usize, claimed: &[bool]) -> Option<usize> {
    let wordless = |k: usize| {
        units
            .get(k)
            .is_some_and(|u| u.role == Role::Furniture && !u.key().chars().any(is_han))
    };
    let mut meta = anchor.checked_sub(1)?;
    while wordless(meta) {
        meta = meta.checked_sub(1)?;
    }
    let title = meta.checked_sub(1)?;
    let m = units.get(meta)?;
    let t = units.get(title)?;
    let is_meta = m.role == Role::Furniture
        && m.key().len() <= 240
        && m.key().bytes().any(|b| b.is_ascii_digit())
        && META_WORDS.iter().any(|w| m.key().contains(w));
    let top = title
        .checked_sub(1)
        .and_then(|k| units.get(k))
        .is_none_or(|u| u.role == Role::Furniture);
    (is_meta
        && top
        && t.role == Role::Head
        && !claimed.get(title).copied().unwrap_or(true)
        && (4..=40).contains(&t.shape.chars()))
    .then_some(title)
}

/// True when a jump line (`（上接第1版）`, `上接一版`) stands among the furniture above the
/// first article: the text under it is the rest of an article begun on another page, an
/// article of this page however short.
pub(crate) fn continued_above(units: &[Line], first_start: usize) -> bool {
    units.iter().take(first_start).any(|u| {
        u.role == Role::Furniture
            && u.key().len() <= 60
            && memchr::memmem::find(u.key().as_bytes(), "上接".as_bytes()).is_some()
    })
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
    pub(crate) start: Start,
    /// Headline lines, page order.
    pub(crate) headline: Vec<usize>,
    /// Lines of the body, page order (dateline paragraph included).
    pub(crate) body: Vec<usize>,
    /// Picture captions that stand between headline and body, or a photo's caption.
    pub(crate) captions: Vec<usize>,
    /// Byline lines (standalone) that belong to it.
    pub(crate) bylines: Vec<usize>,
    /// The index of the unit that anchored it.
    pub(crate) anchor: usize,
}

/// A paragraph that closes an article: `（完）`, or a closing byline in brackets.
fn ends_article(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with("（完）")
        || t.ends_with("(完)")
        || t.ends_with("【完】")
        || closing_byline(t).is_some()
}

/// A short item under the headline-like line at `i`: one to three paragraphs, the last
/// closed by its byline in brackets (`…现场发放手册三百份。(通讯员 X)`).
fn signed_item_follows(units: &[Line], i: usize) -> bool {
    for d in 1..=3 {
        let Some(u) = units.get(i + d) else {
            return false;
        };
        if u.role != Role::Para {
            return false;
        }
        if ends_article(u.key()) {
            return true;
        }
    }
    false
}

/// Words that open a news story's lead with the time of its event (`近日，`, `昨日，`).
/// Words of a period (`今年以来`, `近年来`, `目前`) are left out: they open the text under a
/// subhead as often as a new story.
const TIME_LEADS: &[&str] = &[
    "近日", "日前", "昨日", "昨天", "今天", "今日", "当天", "前日",
];

/// True when `text` opens with the time of an event: a date (`3月16日`, `16日上午`) or a
/// time word, closed by a comma within twelve characters.
pub(crate) fn opens_with_time(text: &str) -> bool {
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
pub(crate) fn numbered_subhead(text: &str) -> bool {
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
fn new_story_follows(units: &[Line], i: usize) -> bool {
    let Some(u) = units.get(i) else {
        return false;
    };
    let n = u.shape.chars();
    let prev_closes = i > 0
        && units
            .get(i - 1)
            .is_some_and(|p| p.role == Role::Para && ends_sentence(p.key()));
    prev_closes
        && (8..=30).contains(&n)
        && !numbered_subhead(u.key())
        && !u.key().trim_end().ends_with(['：', ':'])
        && units.get(i + 1).is_some_and(|x| {
            x.role == Role::Para
                && x.gap <= 1
                && x.shape.chars().min(40) >= 40
                && (opens_with_time(x.key())
                    || lead_names_subject(u.key(), x.key())
                    || opener::cites_report(x.key()))
        })
}

/// A news lead names its story's subject again at once: the headline's first three
/// characters (Han, the place or body the story is about) stand among the lead's first
/// twenty. A headline with a colon inside (`某镇：…`) heads a section of a roundup, and is
/// not read this way.
pub(crate) fn lead_names_subject(head: &str, lead: &str) -> bool {
    let h = head.trim();
    if h.contains(['：', ':']) {
        return false;
    }
    let subject: String = h.chars().take(3).collect();
    if subject.chars().count() < 3 || !subject.chars().all(clean::is_han) {
        return false;
    }
    let opening: String = lead
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(20)
        .collect();
    opening.contains(&subject)
}

fn class_of(units: &[Line], i: usize) -> Option<Role> {
    units.get(i).map(|u| u.role)
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(is_sentence_end)
}

/// What the passes have found so far: the pieces, and which lines they hold.
pub(crate) struct Claims {
    /// The pieces found, in the order the passes left them.
    pieces: Vec<Piece>,
    /// Per line: held by a piece.
    held: Vec<bool>,
}

impl Claims {
    fn new(n: usize) -> Claims {
        Claims {
            pieces: Vec::new(),
            held: vec![false; n],
        }
    }

    /// True when a piece holds line `k` (and for a line past the page's end).
    fn held(&self, k: usize) -> bool {
        self.held.get(k).copied().unwrap_or(true)
    }

    /// The lines are held from now on.
    fn hold(&mut self, lines: impl IntoIterator<Item = usize>) {
        for k in lines {
            if let Some(c) = self.held.get_mut(k) {
                *c = true;
            }
        }
    }

    /// The first line of each piece: its headline's, caption's or byline's, else its
    /// anchor.
    fn starts(&self) -> Vec<usize> {
        self.pieces
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
            .collect()
    }
}

/// A pass over a page's lines: finds pieces or fills the ones found, and holds the lines
/// it gives them, so that no later pass gives them again.
type Pass = fn(&[Line], &mut Claims);

/// The passes, in order. What opens an article is read first and is certain (anchors);
/// pictures come next, so that a credit closes its own item before a headline block can
/// take its caption; then the headline blocks over the anchors, then headline blocks
/// with text under them and no anchor; then the bodies (every line still free, up to the
/// next piece) and last the text above the first article, which belongs to none unless
/// it is long enough to be one.
const PASSES: [(&str, Pass); 7] = [
    ("anchors", anchors),
    ("credit-first photo strips", credit_first_strips),
    ("photo items", photo_items),
    ("headlines over anchors", headlines_over_anchors),
    ("bare headline blocks", bare_headline_blocks),
    ("bodies", bodies),
    ("text above the first article", text_above_first),
];

/// Finds the articles of a page: [`PASSES`] in order over one [`Claims`].
pub(crate) fn pieces(units: &[Line]) -> Vec<Piece> {
    let mut claims = Claims::new(units.len());
    for (_, pass) in PASSES {
        pass(units, &mut claims);
    }
    claims.pieces
}

/// A piece of `start` anchored at `anchor`, with no lines yet.
fn piece(start: Start, anchor: usize) -> Piece {
    Piece {
        start,
        headline: vec![],
        body: vec![],
        captions: vec![],
        bylines: vec![],
        anchor,
    }
}

/// The lines that open an article: an opener (dateline and its kin), a brief's marker, a
/// byline or author line between a headline and its text (a pen name too), a `文/图`
/// credit in that place.
fn anchors(units: &[Line], claims: &mut Claims) {
    for (i, u) in units.iter().enumerate() {
        let prev_head = class_of(units, i.wrapping_sub(1)) == Some(Role::Head);
        let start = match u.role {
            Role::Opens(_) => Some(Start::Dateline),
            Role::Marker => Some(Start::Marker),
            // `本报记者 X 文/图` under a headline signs the text, not a picture
            Role::Credit if u.key().contains('文') || u.key().contains("报道") => {
                let next_para = units
                    .get(i + 1)
                    .is_some_and(|x| x.role == Role::Para && x.gap <= 1);
                (prev_head && next_para).then_some(Start::Byline)
            }
            Role::Byline | Role::Author => {
                let next_para = matches!(class_of(units, i + 1), Some(Role::Para | Role::Head));
                (prev_head && next_para).then_some(if u.role == Role::Author {
                    Start::Author
                } else {
                    Start::Byline
                })
            }
            Role::Head => {
                let next_para = class_of(units, i + 1) == Some(Role::Para);
                (prev_head && next_para && pen_name_line(u.key())).then_some(Start::Byline)
            }
            _ => None,
        };
        if let Some(s) = start {
            claims.pieces.push(piece(s, i));
            claims.hold([i]);
        }
    }
}

/// A row of photos whose credits stand above their captions.
fn credit_first_strips(units: &[Line], claims: &mut Claims) {
    let strips = photos::credit_first_strip(units, &mut claims.held);
    claims.pieces.extend(strips);
}

/// Photo credits that close a picture item of their own; the pieces are then put in page
/// order.
fn photo_items(units: &[Line], claims: &mut Claims) {
    for i in 0..units.len() {
        if class_of(units, i) != Some(Role::Credit) || claims.held(i) {
            continue;
        }
        if let Some(p) = photo_piece(units, i, &claims.held)
            .or_else(|| photos::titled_caption_run(units, i, &claims.held))
            .or_else(|| photos::short_photo(units, i, &claims.held))
        {
            claims.hold(p.headline.iter().chain(&p.captions).copied());
            claims.hold([i]);
            claims.pieces.push(p);
        }
    }
    claims.pieces.sort_by_key(|p| p.anchor);
}

/// The headline block above each dateline, byline and author anchor: its headline,
/// captions and standalone bylines. A brief's marker line takes no headline: the lines
/// above it label the column.
fn headlines_over_anchors(units: &[Line], claims: &mut Claims) {
    for idx in 0..claims.pieces.len() {
        let Some(p) = claims.pieces.get(idx) else {
            continue;
        };
        if !matches!(p.start, Start::Dateline | Start::Byline | Start::Author) {
            continue;
        }
        let anchor = p.anchor;
        let (mut headline, captions, bylines) = headline_block(units, anchor, &claims.held);
        // a title over the file's date-and-source line
        if headline.is_empty()
            && bylines.is_empty()
            && let Some(t) = title_over_meta(units, anchor, &claims.held)
        {
            headline.push(t);
        }
        // `■ 某镇整治人居环境` right above: the brief's own headline; the short lines
        // above it label the column (`本版速读`) and belong to no article
        if let Some(&last) = headline.last()
            && headline.len() > 1
            && units
                .get(last)
                .is_some_and(|u| u.key().starts_with(BRIEF_MARKS))
        {
            claims.hold(headline.iter().copied().filter(|&k| k != last));
            headline = vec![last];
        }
        // a brief (`■本报讯…`) has no headline above it: a line there labels the column
        let brief = units
            .get(anchor)
            .is_some_and(|u| u.role.opens() && u.key().starts_with(BRIEF_MARKS));
        if brief {
            claims.hold(headline.drain(..));
            if let Some(p) = claims.pieces.get_mut(idx) {
                p.start = Start::Marker;
            }
        }
        claims.hold(headline.iter().chain(&captions).chain(&bylines).copied());
        if let Some(p) = claims.pieces.get_mut(idx) {
            p.headline = headline;
            p.captions = captions;
            p.bylines = bylines;
        }
    }
}

/// Headline blocks (up to three headline lines) at a boundary (a wide gap, the page's
/// top, furniture or a closed article above, a notice's title, a signed item or a new
/// story's lead below) with text right under them and no anchor; the pieces are then put
/// in page order.
fn bare_headline_blocks(units: &[Line], claims: &mut Claims) {
    let n = units.len();
    // a page whose text nothing anchors (no dateline, byline or marker anywhere) and
    // whose first text stands under a headline is one story: a web page's. Its later
    // headline-like lines alone between its paragraphs are the story's subheads, unless
    // the text under one opens as a new story does (`new_story_follows`), is signed as
    // an item of its own, or the line is a notice's title.
    // the page's first text (a paragraph or an opener): lines above it stand before any
    let first_text_at = units
        .iter()
        .position(|x| x.role == Role::Para || x.role.opens())
        .unwrap_or(n);
    let anchored = !claims.pieces.is_empty();
    // so is a page whose only anchor opens its first text under a headline: a web story
    // with a dateline or byline. A new story on such a page would open as this one does;
    // its later runs of headline-like lines between paragraphs (a subhead with a
    // picture's label and caption) are the story's own. On a page nothing anchors, a run
    // of two such lines may head an item of its own.
    let anchored_story = match claims.pieces.as_slice() {
        [only] => only.anchor <= first_text_at && !only.headline.is_empty(),
        _ => false,
    };
    let mut one_story = anchored_story;
    let mut i = 0;
    while i < n {
        let Some(u) = units.get(i) else { break };
        let free = !claims.held(i);
        // the text above the line, past a picture's file name left where it stood (looked
        // for only under a headline-like line of a one-story page)
        let above = || {
            (0..i).rev().find(|&k| {
                units
                    .get(k)
                    .is_none_or(|x| !(x.role == Role::Furniture && x.because == IMAGE_FILE_NAME))
            })
        };
        if one_story
            && u.role == Role::Head
            && let Some(above) = above()
            && (class_of(units, above) == Some(Role::Para)
                || (anchored_story && class_of(units, above).is_some_and(Role::opens)))
            && !units.get(above).is_some_and(|x| ends_article(x.key()))
        {
            // the run of headline-like lines (a subhead, a picture's label and caption)
            // and the paragraph under it
            let end = (i..n.min(i + 4))
                .find(|&k| class_of(units, k) != Some(Role::Head))
                .unwrap_or(n);
            // on a page nothing anchors, a column's label over a line (`今日讲述` over a
            // name and a post) heads an item of its own
            let labelled = !anchored_story && end > i + 1 && u.shape.chars().min(6) <= 5;
            let last = end.saturating_sub(1);
            if class_of(units, end) == Some(Role::Para)
                && !labelled
                && !new_story_follows(units, last)
                && !signed_item_follows(units, last)
                && !(i..end).any(|k| units.get(k).is_some_and(|x| is_notice_title(x.key())))
            {
                i = end;
                continue;
            }
        }
        // only a free headline-like line can open a block: the other tests wait for one
        let boundary = || {
            let two_heads = class_of(units, i + 1) == Some(Role::Head)
                && units
                    .get(i + 1)
                    .is_some_and(|x| x.gap <= 1 && !is_list_item(x.key()))
                && !is_list_item(u.key());
            u.gap >= 2
                || i == 0
                || two_heads
                || matches!(
                    class_of(units, i.wrapping_sub(1)),
                    Some(Role::Furniture | Role::Byline | Role::Credit)
                )
                || units
                    .get(i.wrapping_sub(1))
                    .is_some_and(|x| x.role == Role::Para && ends_article(x.key()))
                || is_notice_title(u.key())
                || signed_item_follows(units, i)
                || new_story_follows(units, i)
        };
        if free
            && u.role == Role::Head
            && boundary()
            && !is_caption_like(u.key())
            && !is_box_label(u.key())
        {
            let mut j = i;
            let mut heads = vec![];
            while j < n
                && heads.len() < 3
                && class_of(units, j) == Some(Role::Head)
                && !claims.held(j)
                && (j == i || units.get(j).is_some_and(|x| x.gap <= 1))
            {
                heads.push(j);
                j += 1;
            }
            // a notice may open with a short salutation (`各有关单位:`)
            let min_len = if heads
                .iter()
                .any(|&h| units.get(h).is_some_and(|x| is_notice_title(x.key())))
            {
                1
            } else {
                40
            };
            // the page's first text may stand any gap from its headline: a web story sets
            // its title apart from paragraphs set close (a blank line, or the rows of a
            // widget copied as blank lines); only text further down must stand close
            let first_text = i <= first_text_at;
            let widest = if first_text { usize::MAX } else { 1 };
            // the page's first text may open with a short sentence of its own (`又是一年
            // 秋来到，又是一年丰收时。`) when more text follows it
            let short_opening = |x: &Line| {
                first_text
                    && ends_sentence(x.key())
                    && x.shape.chars().min(10) >= 10
                    && matches!(class_of(units, j + 1), Some(Role::Para | Role::Opens(_)))
            };
            let body_follows = units.get(j).is_some_and(|x| {
                x.role == Role::Para
                    && x.gap <= widest
                    && (x.shape.chars().min(min_len) >= min_len || short_opening(x))
            }) && !claims.held(j);
            let list_run = heads.len() >= 2
                && heads.iter().all(|&h| {
                    units
                        .get(h)
                        .is_some_and(|x| is_list_item(x.key()) && x.shape.chars().min(7) <= 6)
                });
            if body_follows && !list_run {
                one_story = !anchored && first_text;
                claims.hold(heads.iter().copied());
                let mut p = piece(Start::Bare, j.saturating_sub(1));
                p.headline = heads;
                claims.pieces.push(p);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    claims.pieces.sort_by_key(|p| {
        p.headline
            .first()
            .copied()
            .unwrap_or(p.anchor)
            .min(p.anchor)
    });
}

/// Each piece's body: every free line from its anchor to the next piece's first line,
/// but the headline-like lines after the page's last text (its footer).
fn bodies(units: &[Line], claims: &mut Claims) {
    let n = units.len();
    let starts = claims.starts();
    let last_para = (0..n).rev().find(|&k| {
        matches!(
            class_of(units, k),
            Some(Role::Para | Role::Opens(_) | Role::Marker)
        )
    });
    let held = &claims.held;
    let free = |k: usize| !held.get(k).copied().unwrap_or(true);
    for (pi, p) in claims.pieces.iter_mut().enumerate() {
        let end = starts.get(pi + 1).copied().unwrap_or(n);
        let opens_body = matches!(p.start, Start::Dateline | Start::Marker);
        if opens_body {
            p.body.push(p.anchor);
        }
        for k in (p.anchor + 1)..end {
            if !free(k) {
                continue;
            }
            // trailing headline-like lines at the very end of the page are its footer
            if last_para.is_some_and(|lp| k > lp) && class_of(units, k) == Some(Role::Head) {
                continue;
            }
            p.body.push(k);
        }
    }
}

/// Text above the first article that is long enough to be one (100 characters, or 20
/// when it continues a story from an earlier page) is a piece of its own.
fn text_above_first(units: &[Line], claims: &mut Claims) {
    let first_start = claims.starts().first().copied().unwrap_or(units.len());
    let orphan: Vec<usize> = (0..first_start)
        .filter(|&k| !claims.held(k) && class_of(units, k) == Some(Role::Para))
        .collect();
    // counted up to 100 only: reached or not is all that matters
    let mut orphan_len = 0usize;
    for u in orphan.iter().filter_map(|&k| units.get(k)) {
        if orphan_len >= 100 {
            break;
        }
        orphan_len += u.shape.chars().min(100 - orphan_len);
    }
    if orphan_len >= 100 || orphan_len >= 20 && continued_above(units, first_start) {
        let mut p = piece(Start::Orphan, orphan.first().copied().unwrap_or(0));
        p.body = orphan;
        claims.pieces.insert(0, p);
    }
}

/// The headline lines, caption lines and byline lines above an anchor.
fn headline_block(
    units: &[Line],
    anchor: usize,
    claimed: &[bool],
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut bylines = vec![];
    let mut j = anchor;
    // standalone bylines right above a dateline
    while j > 0
        && class_of(units, j - 1) == Some(Role::Byline)
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
        let take = match u.role {
            Role::Head => true,
            // a caption sentence set off by a picture gap, with a headline above it
            // or a long subtitle without a full stop under a headline
            Role::Para => {
                // set off from the headline above by a picture gap
                let isolated = u.gap >= 2;
                let subtitle = u.shape.chars().min(61) <= 60 && !u.key().contains('。');
                (isolated && u.shape.chars().min(121) <= 120 || subtitle)
                    && class_of(units, k.wrapping_sub(1)) == Some(Role::Head)
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
                u.gap <= 1 && u.key().contains(['，', ',', '、']) && !is_caption_like(u.key())
            })
            && units.get(first - 1).is_some_and(|p| {
                matches!(p.role, Role::Para | Role::Opens(_)) && !ends_sentence(p.key())
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
            .filter(|&k| class_of(units, k) == Some(Role::Head))
            .collect();
        if heads.is_empty() {
            captions.extend(g);
            continue;
        }
        // a caption word line at the top belongs to the article before
        let kept: Vec<usize> = g
            .iter()
            .copied()
            .skip_while(|&k| units.get(k).is_some_and(|u| is_caption_like(u.key())) && g.len() > 1)
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
            .is_some_and(|u| u.role == Role::Para && ends_sentence(u.key()))
    {
        headline.pop();
        captions.insert(0, last);
    }
    bylines.reverse();
    (headline, captions, bylines)
}

/// A photo item closed by the credit at `i`: the caption (and a title line right above the
/// credit or above the caption). `None` when the credit belongs to the article around it.
fn photo_piece(units: &[Line], i: usize, claimed: &[bool]) -> Option<Piece> {
    let free = |k: usize| !claimed.get(k).copied().unwrap_or(true);
    let mut j = i;
    let mut headline = vec![];
    if j > 0 && class_of(units, j - 1) == Some(Role::Head) && free(j - 1) {
        // a title right above the credit, when a caption stands above it
        if matches!(
            class_of(units, j.wrapping_sub(2)),
            Some(Role::Para | Role::Head)
        ) {
            j -= 1;
            headline.push(j);
        }
    }
    // the caption: one paragraph, with the pieces a column break split from it
    if j == 0 || !free(j - 1) || !matches!(class_of(units, j - 1), Some(Role::Para | Role::Marker))
    {
        return None;
    }
    let mut k = j - 1;
    while k > 0
        && free(k - 1)
        && units.get(k - 1).is_some_and(|u| {
            // a broken-off piece of the caption, not a headline line above it
            u.role == Role::Para || (u.role == Role::Head && u.key().contains(['，', ',', '、']))
        })
        && units.get(k - 1).is_some_and(|u| !ends_sentence(u.key()))
        && units.get(k).is_some_and(|u| u.gap <= 1)
    {
        k -= 1;
    }
    let caption: Vec<usize> = (k..j).collect();
    let first = units.get(k)?;
    let text: String = caption
        .iter()
        .filter_map(|&c| units.get(c))
        .map(|u| u.key())
        .collect();
    let own_title = !headline.is_empty();
    let picture_gap = first.gap >= 2;
    let says_picture = text.contains("图为");
    // a title line above the caption
    // a one-sentence caption whose credit ends the run of text (furniture, a headline or
    // the page end follows) is a picture item of its own; a longer paragraph there is the
    // end of the article above, and the credit is that article's
    // (or another such caption closed by its own credit follows: a row of pictures)
    let one_caption = |t: &str| {
        ends_sentence(t) && chars_upto(t, 91) <= 90 && t.matches(['。', '！', '？']).count() <= 1
    };
    let next_captioned = units.get(i + 1).is_some_and(|u| {
        u.role == Role::Para && one_caption(u.key()) && class_of(units, i + 2) == Some(Role::Credit)
    });
    let closes = one_caption(&text)
        && (next_captioned
            || units.get(i + 1).is_none_or(|u| {
                !matches!(u.role, Role::Para) || claimed.get(i + 1).copied().unwrap_or(false)
            }));
    let title_above = !own_title
        && k > 0
        && free(k - 1)
        && class_of(units, k - 1) == Some(Role::Head)
        && first.gap <= 1
        && chars_upto(&text, 201) <= 200
        && !matches!(class_of(units, k.wrapping_sub(2)), Some(Role::Head))
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
pub(crate) fn people_of(units: &[Line], idx: &[usize]) -> People {
    let mut p = People::default();
    for &k in idx {
        let Some(u) = units.get(k) else { continue };
        match u.role {
            Role::Byline | Role::Credit => {
                if let Some(x) = byline::parse(&u.text)
                    .or_else(|| byline::office_credit(&u.text).filter(|_| u.role == Role::Credit))
                {
                    p.merge(x);
                }
            }
            Role::Author => {
                if let Some(name) = byline::author_line(&u.text) {
                    p.merge(People {
                        contributors: vec![name],
                        ..People::default()
                    });
                }
            }
            Role::Head => {
                if pen_name_line(u.key())
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
    use crate::extract::extract_page;

    /// A web story set as its site sets it: the headline, a blank line, then paragraphs
    /// with no blank line between them, and a subhead alone between two of them.
    const WEB_STORY: &str = "某某网首页 > 乡村 > 正文\n\n老街换新颜，游客回来了\n\n老街的青石板路去年重新铺过，两旁的木门也刷了新漆，周末来拍照的游客一拨接一拨，街口的茶馆又坐满了人。\n镇里请来老匠人修缮了十二间老铺面，租给本地年轻人开店，卖竹编、米酒和手工糕点。\n2019年，老街还是一条没人愿意走的背街小巷，路面坑洼，墙皮脱落。\n\n夜市也开起来了\n\n傍晚六点，街灯亮起，小吃摊沿着河岸排开，一直热闹到夜里十点。\n摊主大多是附近村里的村民，一个晚上能卖出两三百份凉粉。\n";

    #[test]
    fn a_web_story_under_its_headline_is_one_article_with_its_subheads() {
        let ex = extract_page(WEB_STORY);
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
        let a = ex.articles.first().expect("one article");
        assert_eq!(a.title.as_deref(), Some("老街换新颜，游客回来了"));
        assert!(a.body.starts_with("老街的青石板路"), "{}", a.body);
        assert!(a.body.contains("夜市也开起来了"), "{}", a.body);
        assert!(a.body.contains("摊主大多是"), "{}", a.body);
    }

    /// A photo story opening with a short sentence of its own under its headline.
    #[test]
    fn a_first_text_may_open_with_a_short_sentence() {
        let page = "某某网本网原创\n\n梯田里的秋天到了\n\n2025-09-21 16:54 来源：某某网\n\n又是一年稻谷黄，又到一年丰收时。\n\n山坡上的梯田一层层铺开，\n\n村民们弯着腰割稻，\n\n打谷机的声音从早响到晚。\n\n今年全村的稻谷亩产比去年多了五十斤，合作社已经收下了三成。\n";
        let ex = extract_page(page);
        let a = ex.articles.first().expect("one article");
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
        assert_eq!(a.title.as_deref(), Some("梯田里的秋天到了"));
        assert!(a.body.starts_with("又是一年稻谷黄，"), "{}", a.body);
        assert!(!a.body.contains("本网原创"), "{}", a.body);
    }

    /// A web story whose first text stands a wide gap under its headline (the rows of
    /// a widget copied as blank lines and a line of spaces between them) is still the
    /// headline's story; the trail and the time line above stay furniture.
    #[test]
    fn a_first_text_may_stand_a_wide_gap_under_its_headline() {
        let page = "当前位置：首页 > 资讯 > 内容\n2024-10-16 11:44:21 来源：某某市融媒体中心\n秋收节在河湾镇开幕\n\n \n\n   一头连着田野，一头连着市场，河湾镇的秋收节今年已经第三次举办，吸引了上万名游客前来。\n活动现场，村民们把刚收获的稻谷和红薯摆上展台，游客们边看边买。\n";
        let ex = extract_page(page);
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
        let a = ex.articles.first().expect("one article");
        assert_eq!(a.title.as_deref(), Some("秋收节在河湾镇开幕"));
        assert!(a.body.starts_with("一头连着田野"), "{}", a.body);
        assert!(a.body.contains("游客们边看边买"), "{}", a.body);
        // further down, a headline-like line over a wide gap opens no story of its own
        let later = format!(
            "{page}\n秋收节还将持续三天\n\n\n\n明天起，河湾镇还将举办农民丰收趣味运动会，欢迎游客报名参加。\n"
        );
        let ex = extract_page(&later);
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
    }

    /// A title over its story's time line, with a share widget's wordless debris between
    /// the time line and the dateline (more furniture than a headline block holds): the
    /// title is still the story's, not a clause cut from its text.
    #[test]
    fn a_title_over_its_time_line_reaches_over_wordless_debris() {
        let page = "首页 > 乡村 > 正文\n\n河湾镇新建便民服务中心投入使用\n发布时间：2024-12-28 09:05 来源：某某网\n\n\\\n\n\\\n\n|\n\n\\\n\n本站讯 12月19日，河湾镇新建的便民服务中心正式投入使用，二十多个事项可以在一个窗口办理。\n中心设在镇政府东侧，群众办事不用再来回跑。\n";
        let ex = extract_page(page);
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
        let a = ex.articles.first().expect("one article");
        assert_eq!(a.title.as_deref(), Some("河湾镇新建便民服务中心投入使用"));
        assert!(a.body.starts_with("本站讯"), "{}", a.body);
    }

    /// The same lines with a dateline under the second headline: two stories.
    #[test]
    fn an_anchored_story_below_is_a_story_of_its_own() {
        let page = WEB_STORY.replace("傍晚六点，", "本报讯 傍晚六点，");
        let ex = extract_page(&page);
        let titles: Vec<_> = ex.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(
            titles,
            vec![Some("老街换新颜，游客回来了"), Some("夜市也开起来了")]
        );
    }
}
