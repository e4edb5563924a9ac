//! What is in one article? Its headline parts, people, date, kind and body, read from
//! the lines an article is made of.

pub(crate) mod headline;

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::extract::articles;
use crate::extract::articles::Start;
use crate::extract::line::{Line, Opener, Role};
use crate::extract::read::byline;
use crate::extract::read::byline::People;
use crate::extract::read::dateline;
use crate::extract::read::dateline::Dateline;
use crate::extract::read::furniture;
use crate::extract::read::labels;
use crate::extract::read::labels::place_colon_headline;
use crate::extract::roles;
use crate::extract::text::clean;
use crate::extract::text::clean::{chars, chars_upto, squeeze};
use crate::extract::text::fold;
use crate::extract::text::shape;
use crate::extract::text::words;
use crate::extract::text::words::{BRIEF_MARKS, TIME_OPENERS};
use crate::model::{Article, Kind};

/// A brief whose headline and text share one line, set apart by two or more spaces or an
/// ideographic space (`▲某镇开展演练␣␣13日上午，…`): the headline without its marker, and
/// the text. The headline is at most thirty characters without sentence punctuation.
pub(crate) fn split_inline_brief(para: &str) -> Option<(String, String)> {
    let t = para.trim().trim_start_matches(BRIEF_MARKS).trim_start();
    if t.len() == para.trim().len() {
        return None;
    }
    let wide = t
        .find("  ")
        .map(|p| (p, 2))
        .into_iter()
        .chain(t.find('\u{3000}').map(|p| (p, '\u{3000}'.len_utf8())))
        .min_by_key(|(p, _)| *p);
    // page cleaning may have narrowed the gap to one space: then the text after it must
    // open as a brief's text does, with a date or a time word (`5日上午，`, `日前，`)
    let (pos, gap_len) = match wide {
        Some(w) => w,
        None => {
            let p = t.find(' ')?;
            let after = t.get(p + 1..)?.trim_start();
            // both tests read no further than the first comma within forty bytes
            let after = fold::key_of_opening(after, 64);
            let timed = after.starts_with(|c: char| c.is_ascii_digit())
                || TIME_OPENERS.iter().any(|w| after.starts_with(w))
                || labels::opens_with_time_clause(&after);
            if !timed {
                return None;
            }
            (p, 1)
        }
    };
    let head = t.get(..pos)?.trim();
    let body = t.get(pos + gap_len..)?.trim();
    let hn = chars(head);
    // a colon only as a place's (`白水镇：…`)
    let colon_ok = !head.contains(['：', ':']) || place_colon_headline(&fold::key_of(head));
    if !(4..=30).contains(&hn)
        || head.contains(['。', '，', ',', '；', ';', '！', '？'])
        || !colon_ok
        || chars_upto(body, 10) < 10
    {
        return None;
    }
    Some((squeeze(head), body.to_string()))
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

const OPINION_WORDS: &[&str] = &[
    "评论员",
    "短评",
    "时评",
    "社论",
    "述评",
    "随笔",
    "杂谈",
    "观察家",
    "编后",
];

/// A title (its matching key) holding one of [`OPINION_WORDS`]: the words are tried only where a character
/// that opens one stands (one pass over the title instead of a search per word).
fn opinion_title(title: &str) -> bool {
    title.char_indices().any(|(i, c)| {
        matches!(
            c,
            '评' | '短' | '时' | '社' | '述' | '随' | '杂' | '观' | '编'
        ) && title
            .get(i..)
            .is_some_and(|rest| OPINION_WORDS.iter().any(|w| rest.starts_with(w)))
    })
}

/// What reading the pieces of a page finds besides their articles, in reading order:
/// the newspapers their openers and people name (`某某日报讯`, `某某日报记者`: the first
/// one names the page's paper when its masthead does not) and the places their datelines
/// name (the page's home when most agree).
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Newspaper names, in the order read.
    pub(crate) papers: Vec<String>,
    /// Dateline places of datelines that name no outlet.
    pub(crate) places: Vec<String>,
}

/// The newspaper an organisation's name names (`…报`, or its site `…报网`), as opposed to
/// a station or a site of its own.
fn paper_named(org: &str) -> Option<&str> {
    // the endings are read in the name's matching key, the paper cut from the name
    let key = fold::key_of(org);
    let key = key.strip_suffix('网').unwrap_or(&key);
    let paper = org.get(..key.len())?;
    key.ends_with('报').then_some(paper)
}

/// One piece's article: headline, people, date, kind and body, read from its lines; what
/// else it says about the page goes to `found`. `None` when no text is left.
pub(crate) fn build(
    units: &[Line],
    p: &articles::Piece,
    issue: Option<NaiveDate>,
    page_year: Option<i32>,
    seen: &mut rustc_hash::FxHashSet<u64>,
    found: &mut Found,
) -> Option<Article> {
    let text_of = |k: usize| units.get(k).map(|u| u.text.as_str()).unwrap_or("");
    let mut people: People = articles::people_of(units, &p.bylines);
    if matches!(p.start, Start::Byline | Start::Author | Start::Credit) {
        people.merge(articles::people_of(units, &[p.anchor]));
    }
    let mut date: Option<NaiveDate> = None;
    let mut has_dateline = false;
    let mut credited_photo = false;
    // the first dateline read and its line, so the paragraph need not be read again
    let mut first_dateline: Option<(&str, Option<&Dateline>)> = None;

    // body paragraphs, raw
    let mut paras: Vec<String> = Vec::new();
    let mut body_idx: Vec<usize> = Vec::new();
    if p.start == Start::Credit {
        body_idx.extend(&p.captions);
    }
    body_idx.extend(&p.body);
    for &k in &body_idx {
        let Some(u) = units.get(k) else { continue };
        match u.role {
            Role::Furniture => {}
            Role::Byline | Role::Credit | Role::Author => {
                let x = articles::people_of(units, &[k]);
                // `▲…参加。(记者 X 摄)`: a marked caption with its credit
                credited_photo |= u.role == Role::Credit
                    && x.photo
                    && body_idx.first() == Some(&p.anchor)
                    && k == p.anchor + 1;
                people.merge(x);
            }
            Role::Opens(opener) => {
                // what the opener reads; a salutation opens a letter and a dated item its
                // text, and neither reads anything
                let reading = match (&u.dateline, opener) {
                    (Some(d), _) => Some(Some(d)),
                    (None, Opener::Salutation | Opener::Dated) => Some(None),
                    (None, _) => None,
                };
                if let Some(reading) = reading
                    && (k == p.anchor || !has_dateline)
                {
                    if !has_dateline {
                        first_dateline = Some((u.text.as_str(), reading));
                    }
                    has_dateline = true;
                    if let Some(d) = reading {
                        if let Some(b) = &d.byline
                            && let Some(x) = byline::parse(b)
                        {
                            people.merge(x);
                        }
                        if date.is_none() {
                            date = d
                                .month_day
                                .and_then(|md| dateline::dateline_date(md, issue, page_year));
                        }
                        if let Some(pl) = d.place.as_ref().filter(|_| d.org.is_none()) {
                            found.places.push(pl.clone());
                        }
                        if let Some(o) = d.org.as_deref().and_then(paper_named) {
                            found.papers.push(o.to_string());
                        }
                    }
                }
                paras.push(u.text.clone());
            }
            // `（甲 乙 丙 丁）` on its own line: the item's signature, read as its people
            Role::Para if labels::bracketed_names(&u.text).is_some() => {
                if let Some(x) = byline::parse(&u.text) {
                    people.merge(x);
                }
            }
            _ => {
                let no_urls = furniture::strip_urls_cow(&u.text);
                // the furniture stripped inside a paragraph is set in brackets: a line
                // without an opening one keeps all its text
                if u.shape.lacks(shape::OPEN_BRACKET) {
                    paras.push(no_urls.into_owned());
                    continue;
                }
                // a URL cut out moves the offsets: the rest gets a key of its own
                let key = match &no_urls {
                    Cow::Borrowed(_) => Cow::Borrowed(u.key()),
                    Cow::Owned(t) => fold::key_of(t),
                };
                paras.push(furniture::strip_inline_cow(&no_urls, &key).into_owned());
            }
        }
    }
    if p.start != Start::Credit {
        for &k in &p.captions {
            paras.push(text_of(k).to_string());
        }
    }
    // `▲标题␣␣正文`: a brief's headline set on the line of its text
    let mut inline_title: Option<String> = None;
    if p.start == Start::Marker
        && p.headline.is_empty()
        && let Some(first) = paras.first_mut()
        && let Some((head, rest)) = split_inline_brief(first)
    {
        inline_title = Some(head);
        *first = rest;
    }
    // drop keyword boxes: three or more list-like lines in a row
    let paras = drop_list_runs(paras);
    let paras = clean::join_broken(paras);
    let paras = clean::dedup_paragraphs(paras, seen);
    // only the first paragraph can open with the dateline
    let paras: Vec<String> = paras
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 && has_dateline {
                // the reading depends on the first 300 bytes only: it holds for the
                // paragraph when the line is that paragraph or its first 300 bytes
                let known = first_dateline.and_then(|(line, d)| {
                    (s.starts_with(line) && (s.len() == line.len() || line.len() >= 300))
                        .then_some(d)
                });
                match known {
                    Some(d) => repair_para_with(&s, d),
                    None => repair_para(&s),
                }
            } else {
                clean::repair_owned(s)
            }
        })
        .filter(|s| !s.is_empty())
        .collect();
    if paras.is_empty() {
        return None;
    }
    let opener = if has_dateline {
        paras
            .first()
            .and_then(|f| dateline::parse(f))
            .map(|d| d.opener())
    } else {
        None
    };
    let mut body = paras.join("\n\n");
    // a byline closing the last paragraph names the item's people too
    if let Some(last) = paras.last()
        && let Some(b) = labels::closing_byline(last)
        && let Some(x) = byline::parse(b)
    {
        people.merge(x);
        drop_closing_byline(&mut body, last, b);
    }

    if let Some(o) = people.org.as_deref().and_then(paper_named) {
        found.papers.push(o.to_string());
    }

    let lines: Vec<String> = p.headline.iter().map(|&k| text_of(k).to_string()).collect();
    // on a news site the lines under the story's time line are its subtitle
    let under_meta = p
        .headline
        .iter()
        .position(|&k| units.get(k).is_some_and(|u| u.under_meta))
        .filter(|&at| at > 0);
    let mut h = match under_meta {
        Some(at) => headline::split_under_meta(&lines, at),
        None => headline::split(&lines),
    };
    if h.title.is_none() {
        h.title = inline_title;
    }
    // a commentary column's label over the headline is no kicker, and marks an opinion
    let comment_column = h
        .kicker
        .as_deref()
        .is_some_and(|k| labels::comment_label(&fold::key_of(k)));
    if comment_column {
        h.kicker = None;
    }
    if h.title.is_none() {
        h.title = paras
            .first()
            .and_then(|f| headline::title_from_text(strip_dateline(f)));
    }
    let title_text = [&h.kicker, &h.title, &h.subtitle]
        .map(|part| part.as_deref().unwrap_or(""))
        .concat();
    // the kind is decided on the matching keys of the title and the paragraphs; the
    // title's key is cut from the whole title's, folded once
    let title_text = fold::key_of(&title_text);
    let kicker_len = h.kicker.as_deref().map_or(0, str::len);
    let title_key = h
        .title
        .as_deref()
        .and_then(|t| title_text.get(kicker_len..kicker_len + t.len()));
    let kind = if p.start == Start::Credit
        || (p.start == Start::Marker && !has_dateline && credited_photo)
        || (p.start == Start::Marker
            && !has_dateline
            && isolated(units, p.anchor)
            && p.headline.is_empty())
    {
        Kind::Photo
    } else if p.start == Start::Author
        || comment_column
        || (p.start == Start::Byline
            && units
                .get(p.anchor)
                .is_some_and(|u| labels::signed_text_only(u.key())))
        || opinion_title(&title_text)
        || paras
            .iter()
            .any(|l| l.chars().take(13).count() <= 12 && fold::key_of(l).contains("评论员"))
        || paras.last().is_some_and(|l| {
            // `作者系…` (`作者係…` folds to it, a character read in place of the whole
            // paragraph's key)
            let t = l.trim_start_matches(['(', '（']);
            let after = t.strip_prefix("作者").and_then(|r| r.chars().next());
            after.is_some_and(|c| fold::simplified(c).unwrap_or(c) == '系')
                || t.starts_with("(作者")
        })
    {
        Kind::Opinion
    } else if title_key.is_some_and(|t| {
        words::NOTICE_WORDS
            .iter()
            .any(|w| t.trim_end_matches(['！', '!']).ends_with(w))
    }) {
        Kind::Notice
    } else {
        Kind::News
    };
    if date.is_none() {
        date = issue;
    }
    Some(Article {
        title: h.title,
        kicker: h.kicker,
        subtitle: h.subtitle,
        body,
        reporters: people.reporters,
        contributors: people.contributors,
        photographers: people.photographers,
        date,
        kind,
        url: None,
        place_hint: None,
        opener,
    })
}

/// A paragraph set off by picture gaps on both sides.
fn isolated(units: &[Line], k: usize) -> bool {
    let before = units.get(k).is_some_and(|u| u.gap >= 2);
    let after = units.get(k + 1).is_none_or(|u| u.gap >= 2);
    before && after
}

fn strip_dateline(text: &str) -> &str {
    match dateline::parse(text) {
        Some(d) => text.get(d.len..).unwrap_or(text),
        None => text,
    }
}

/// Repairs one paragraph; a dateline's parenthesis keeps the spaces between names.
pub(crate) fn repair_para(text: &str) -> String {
    repair_para_with(text, dateline::parse(text).as_ref())
}

/// [`repair_para`] with the paragraph's dateline already read.
fn repair_para_with(text: &str, d: Option<&dateline::Dateline>) -> String {
    if let Some(d) = d
        && d.byline.is_some()
        && let (Some(head), Some(rest)) = (text.get(..d.len), text.get(d.len..))
    {
        let bracket = head.find(['(', '（']);
        let open = bracket
            .or_else(|| head.find(char::is_whitespace))
            .unwrap_or(head.len());
        let (before, paren) = head.split_at(open);
        // one string built in one pass: the repaired text before the bracket, the
        // bracket's words one space apart with full-width brackets and colons, then the
        // repaired rest (no word list, no copy per replaced character)
        let mut out = clean::repair_line(before);
        out.reserve(paren.len() + rest.len() + 8);
        for (i, w) in paren.split_whitespace().enumerate() {
            if i > 0 || bracket.is_none() {
                out.push(' ');
            }
            for c in w.chars() {
                out.push(match c {
                    '(' => '（',
                    ')' => '）',
                    ':' => '：',
                    c => c,
                });
            }
        }
        out.push_str(&clean::repair_line(rest));
        return out;
    }
    clean::repair_line(text)
}

fn drop_list_runs(paras: Vec<String>) -> Vec<String> {
    // a table's rows (cells set apart by wide spaces) are text, however short
    let listy: Vec<bool> = paras
        .iter()
        .map(|p| furniture::is_list_item(p) && roles::table_cells(p) == 0)
        .collect();
    let mut keep = vec![true; paras.len()];
    let mut i = 0;
    while i < paras.len() {
        if listy.get(i).copied().unwrap_or(false) {
            let mut j = i;
            while listy.get(j).copied().unwrap_or(false) {
                j += 1;
            }
            if j - i >= 3 {
                for k in keep.iter_mut().take(j).skip(i) {
                    *k = false;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    paras
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}
