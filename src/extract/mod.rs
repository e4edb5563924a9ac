//! The `extract` stage: from the decoded text of one input file to articles.
//!
//! Owns: reading e-paper page text (several articles, mastheads, furniture) and
//! single-article files (plain text, Markdown with front matter, HTML) into an
//! [`Extraction`]: each article's headline parts, body, bylines, date and kind, the
//! publication's name, home and issue date, and the furniture left out. Submodules:
//! `decode` (bytes to text), `normalize` (text repair), `segment` (page layout),
//! `headline`, `byline`, `dateline`, `boilerplate`, `single`, and `shape` (second-opinion
//! line roles: page navigation, column labels, inline briefs, opening bylines, salutations,
//! short photo items, the page year outside background boxes), and `forms` (third-round
//! item forms: compiled items, letter-spaced notice titles, Q&A interviews, credit-first
//! photo rows, Minguo years, titles over a date line, single files' bare dates, tags and
//! link lines).
//! Must not touch: files, the clock, the store, the gazetteer (places stay strings;
//! `locate` resolves them), or any other stage.

pub mod boilerplate;
pub mod byline;
pub mod dateline;
mod decode;
mod forms;
mod forms6;
pub mod headline;
pub mod normalize;
#[cfg(test)]
mod sample_lines;
mod segment;
mod shape;
pub mod single;

pub use self::decode::{DecodeError, DecodeWarning, Decoded, decode};

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::model::{Article, Extraction, InputForm, Kind, PageText, Publication};

use self::byline::People;
use self::segment::{Class, Start, Unit};

/// Reads the articles out of one input file. Pure; never panics on any text.
pub fn extract(page: &PageText) -> Extraction {
    let text = normalize::clean_cow(&page.text);
    let mut ex = match page.form {
        InputForm::Markdown => single::markdown(&text),
        InputForm::Html => single::html(&text),
        InputForm::Page | InputForm::Text => {
            let ex = page_of_clean_text(&text);
            if ex.articles.is_empty() {
                single::plain(&text, ex)
            } else {
                ex
            }
        }
    };
    if let Some(p) = page
        .hints
        .publication
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        ex.publication.name = Some(p.trim().to_string());
    }
    if let Some(h) = page.hints.home.as_deref().filter(|h| !h.trim().is_empty()) {
        ex.publication.home = Some(h.trim().to_string());
    }
    ex
}

static MASTHEAD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^\s]{0,4}\s)?(\p{Han}{2,10}?(?:日报|日報|晚报|晚報|时报|時報|商报|商報|早报|早報|周报|週報|报|報))\s*(?:总第|總第|第\s*\d|\d{4}\s*年|$)")
        .unwrap_or_else(|_| unreachable!())
});

static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:主管|主办|主辦)\s*(?:单位|單位)?\s*[:：]\s*(\p{Han}{2,12}?)(党工委|黨工委|县委|縣委|市委|区委|區委|州委|盟委|旗委|省委|党委|黨委|工委|人民政府|政府|管委会|管委會|宣传部|宣傳部|融媒体中心|融媒體中心|新闻中心|新聞中心|日报社|報社|报社|传媒|傳媒)")
        .unwrap_or_else(|_| unreachable!())
});

/// A sponsor credit with the verb last: `XX县融媒体中心主办`, `中共XX市委机关报`,
/// `XX市XX区融媒体中心出版`. The organisation's place is group 1, its kind group 2.
static SPONSOR_LAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\p{Han}{2,14}?)(党工委|黨工委|县委|縣委|市委|区委|區委|州委|盟委|旗委|省委|人民政府|政府|管委会|管委會|宣传部|宣傳部|融媒体中心|融媒體中心|新闻中心|新聞中心|日报社|報社|报社|传媒|傳媒)\s*(?:主管主办|主管主辦|主管|主办|主辦|出版|机关报|機關報)")
        .unwrap_or_else(|_| unreachable!())
});

/// A line of at most this many bytes (40 Chinese characters) is tested for a few
/// characters by one walk over its characters; a longer one by the vectorised substring
/// search per character.
const SHORT_LINE: usize = 120;

/// Whether [`MASTHEAD_NAME`] can match: its name ends in `报` or `報` (a byte search
/// before the pattern, which most furniture lines fail).
fn may_hold_paper_name(text: &str) -> bool {
    // a short line: one walk over the characters (`str::contains` with a character outside
    // ASCII runs the substring search, whose setup costs more than the walk); a long one:
    // the vectorised searches
    if text.len() <= SHORT_LINE {
        text.chars().any(|c| matches!(c, '报' | '報'))
    } else {
        text.contains('报') || text.contains('報')
    }
}

/// Whether [`SPONSOR`] or [`SPONSOR_LAST`] can match: both need `主管`, `主办`, `主辦`,
/// `出版`, `机关报` or `機關報`, so one of `主`, `版`, `报`, `報`.
fn may_hold_sponsor(text: &str) -> bool {
    // a short line: one walk over the characters instead of four substring searches
    if text.len() <= SHORT_LINE {
        text.chars().any(|c| matches!(c, '主' | '版' | '报' | '報'))
    } else {
        text.contains('主') || text.contains('版') || may_hold_paper_name(text)
    }
}

/// Reads a page of text into articles (no source hints applied).
pub fn extract_page(text: &str) -> Extraction {
    page_of_clean_text(&normalize::clean_cow(text))
}

/// [`extract_page`] on text `normalize::clean_chars` has already cleaned.
fn page_of_clean_text(clean: &str) -> Extraction {
    let units = segment::units(clean);
    let pieces = segment::pieces(&units);

    let mut publication = Publication::default();
    let mut boiler: Vec<String> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if publication.date.is_none() && (u.class == Class::Furniture || i < 12) {
            publication.date = dateline::issue_date(&u.text);
        }
        if u.class == Class::Furniture {
            // the page's first line, a short name over the masthead furniture
            if publication.name.is_none() && i == 0 && segment::is_name_line(&u.text) {
                publication.name = Some(u.text.clone());
            }
            if publication.name.is_none()
                && may_hold_paper_name(&u.text)
                && let Some(c) = MASTHEAD_NAME.captures(u.text.trim())
                && let Some(m) = c.get(1)
            {
                publication.name = Some(m.as_str().to_string());
            }
        }
    }
    // The sponsor credit: on a furniture line, or among the first lines of the page.
    for (i, u) in units.iter().enumerate() {
        if publication.home.is_some() {
            break;
        }
        if u.class != Class::Furniture && i >= 12 {
            continue;
        }
        if publication.home.is_none()
            && may_hold_sponsor(&u.text)
            && let Some(c) = SPONSOR
                .captures(&u.text)
                .or_else(|| SPONSOR_LAST.captures(&u.text))
            && let Some(m) = c.get(1)
        {
            // `青山县委`: the place is `青山县`
            let org = c.get(2).map_or("", |o| o.as_str());
            let mut home = m.as_str().trim_start_matches("中共").to_string();
            if org.chars().count() == 2
                && org.ends_with('委')
                && let Some(first) = org.chars().next()
                && first != '党'
                && first != '黨'
                && first != '工'
            {
                home.push(first);
            }
            publication.home = Some(home);
        }
    }
    let page_year = shape::page_year(clean, &units);

    let mut claimed = vec![false; units.len()];
    let mut seen: HashSet<u64> = HashSet::new();
    let mut articles = Vec::with_capacity(pieces.len());
    let mut dateline_places: Vec<String> = Vec::new();
    for p in &pieces {
        for &k in p
            .headline
            .iter()
            .chain(&p.body)
            .chain(&p.captions)
            .chain(&p.bylines)
            .chain(std::iter::once(&p.anchor))
        {
            if let Some(c) = claimed.get_mut(k) {
                *c = true;
            }
        }
        if let Some(a) = build(
            &units,
            p,
            publication.date,
            page_year,
            &mut seen,
            &mut publication,
            &mut dateline_places,
        ) {
            articles.push(a);
        }
    }
    if publication.home.is_none() {
        publication.home = most_common(&dateline_places);
    }
    // a masthead name standing alone near the top (`青山日报`), in no article
    if publication.name.is_none() {
        publication.name = units
            .iter()
            .enumerate()
            .take(8)
            .filter(|(i, _)| !claimed.get(*i).copied().unwrap_or(true))
            .filter(|(_, u)| may_hold_paper_name(&u.text))
            .find_map(|(_, u)| {
                MASTHEAD_NAME
                    .captures(u.text.trim())
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().to_string())
                    .filter(|n| n.chars().count() <= 8 && u.text.trim().chars().count() <= 12)
            });
    }
    // nothing printed names the home: the paper's name may (`某某潮报`, `今日某某`)
    if publication.home.is_none() {
        publication.home = publication.name.as_deref().and_then(home_from_name);
    }
    for (i, u) in units.iter().enumerate() {
        if !claimed.get(i).copied().unwrap_or(false) || u.class == Class::Furniture {
            boiler.push(u.text.clone());
        }
    }
    Extraction {
        publication,
        articles,
        boilerplate: boiler,
    }
}

/// Endings of city papers (evening, metropolitan, business, morning), published by a
/// prefecture's press group: their whole name is handed on, so that the place lookup
/// reads the stem at the prefecture level.
const CITY_PAPER_ENDS: &[&str] = &[
    "都市报",
    "都市報",
    "晚报",
    "晚報",
    "商报",
    "商報",
    "早报",
    "早報",
];

/// First characters of two-character paper words (日报, 时讯, 潮报, 侨报 …): a name ending in
/// one of them and `报`/`讯`/`刊` drops both; another name drops `报` alone (a county's
/// paper named `<four-character place>报`).
const PAPER_WORD_FIRST: &str = "日時时晚晨新商早潮周週导導快侨僑法农農工青科教经經";

/// The home a paper's name gives, as a string for the place lookup (`locate` decides
/// whether it names a place; the extract stage has no gazetteer): the place part of
/// `<place><paper word>` (`某某日报`, `某某潮报`, `某某时讯`, `某某某某报`; see
/// [`PAPER_WORD_FIRST`]) or of `今日<place>`, and the whole name of a city paper. `None`
/// for a name of another shape.
fn home_from_name(name: &str) -> Option<String> {
    let name = name.trim();
    let n = name.chars().count();
    if !(3..=8).contains(&n) || !name.chars().all(normalize::is_han) {
        return None;
    }
    if CITY_PAPER_ENDS.iter().any(|e| name.ends_with(e)) {
        return Some(name.to_string());
    }
    let stem: String = if let Some(rest) = name.strip_prefix("今日") {
        rest.to_string()
    } else if name.ends_with(['报', '報', '讯', '訊', '刊']) {
        let two = n >= 4
            && name
                .chars()
                .nth(n - 2)
                .is_some_and(|c| PAPER_WORD_FIRST.contains(c));
        name.chars().take(n - if two { 2 } else { 1 }).collect()
    } else {
        return None;
    };
    (stem.chars().count() >= 2).then_some(stem)
}

/// The item met most often; of equally frequent ones, the one met first. One hash-map
/// pass (an item is compared with the items of its bucket only, not with every other).
fn most_common<T: std::hash::Hash + Eq + Clone>(items: &[T]) -> Option<T> {
    // item -> (count, first index)
    let mut counts: rustc_hash::FxHashMap<&T, (usize, usize)> = Default::default();
    for (i, it) in items.iter().enumerate() {
        counts.entry(it).or_insert((0, i)).0 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(_, (n, first))| (n, std::cmp::Reverse(first)))
        .map(|(s, _)| s.clone())
}

const OPINION_WORDS: &[&str] = &[
    "评论员",
    "評論員",
    "短评",
    "短評",
    "时评",
    "時評",
    "社论",
    "社論",
    "述评",
    "述評",
    "随笔",
    "隨筆",
    "杂谈",
    "雜談",
    "观察家",
    "编后",
    "編後",
];

/// A title holding one of [`OPINION_WORDS`]: the words are tried only where a character
/// that opens one stands (one pass over the title instead of a search per word).
fn opinion_title(title: &str) -> bool {
    title.char_indices().any(|(i, c)| {
        matches!(
            c,
            '评' | '評'
                | '短'
                | '时'
                | '時'
                | '社'
                | '述'
                | '随'
                | '隨'
                | '杂'
                | '雜'
                | '观'
                | '编'
                | '編'
        ) && title
            .get(i..)
            .is_some_and(|rest| OPINION_WORDS.iter().any(|w| rest.starts_with(w)))
    })
}

#[allow(clippy::too_many_arguments)]
fn build(
    units: &[Unit],
    p: &segment::Piece,
    issue: Option<NaiveDate>,
    page_year: Option<i32>,
    seen: &mut HashSet<u64>,
    publication: &mut Publication,
    places: &mut Vec<String>,
) -> Option<Article> {
    let text_of = |k: usize| units.get(k).map(|u| u.text.as_str()).unwrap_or("");
    let mut people: People = segment::people_of(units, &p.bylines);
    if matches!(p.start, Start::Byline | Start::Author | Start::Credit) {
        people.merge(segment::people_of(units, &[p.anchor]));
    }
    let mut date: Option<NaiveDate> = None;
    let mut has_dateline = false;
    let mut credited_photo = false;
    // the first dateline read and its line, so the paragraph need not be read again
    let mut first_dateline: Option<(&str, &dateline::Dateline)> = None;

    // body paragraphs, raw
    let mut paras: Vec<String> = Vec::new();
    let mut body_idx: Vec<usize> = Vec::new();
    if p.start == Start::Credit {
        body_idx.extend(&p.captions);
    }
    body_idx.extend(&p.body);
    for &k in &body_idx {
        let Some(u) = units.get(k) else { continue };
        match u.class {
            Class::Furniture => {}
            Class::Byline | Class::Credit | Class::Author => {
                let x = segment::people_of(units, &[k]);
                // `▲…参加。(记者 X 摄)`: a marked caption with its credit
                credited_photo |= u.class == Class::Credit
                    && x.photo
                    && body_idx.first() == Some(&p.anchor)
                    && k == p.anchor + 1;
                people.merge(x);
            }
            Class::Dateline => {
                if let Some(d) = &u.dateline
                    && (k == p.anchor || !has_dateline)
                {
                    if !has_dateline {
                        first_dateline = Some((u.text.as_str(), d));
                    }
                    has_dateline = true;
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
                        places.push(pl.clone());
                    }
                    if publication.name.is_none()
                        && let Some(o) = &d.org
                        && (o.ends_with('报') || o.ends_with('報'))
                    {
                        publication.name = Some(o.clone());
                    }
                }
                paras.push(u.text.clone());
            }
            // `（甲 乙 丙 丁）` on its own line: the item's signature, read as its people
            Class::Para if segment::bracketed_names(&u.text).is_some() => {
                if let Some(x) = byline::parse(&u.text) {
                    people.merge(x);
                }
            }
            _ => {
                let no_urls = boilerplate::strip_urls_cow(&u.text);
                paras.push(boilerplate::strip_inline_cow(&no_urls).into_owned());
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
        && let Some((head, rest)) = shape::split_inline_brief(first)
    {
        inline_title = Some(head);
        *first = rest;
    }
    // drop keyword boxes: three or more list-like lines in a row
    let paras = drop_list_runs(paras);
    let paras = normalize::join_broken(paras);
    let paras = normalize::dedup_paragraphs(paras, seen);
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
                    Some(d) => repair_para_with(&s, Some(d)),
                    None => repair_para(&s),
                }
            } else {
                normalize::repair_owned(s)
            }
        })
        .filter(|s| !s.is_empty())
        .collect();
    if paras.is_empty() {
        return None;
    }
    let mut body = paras.join("\n\n");
    // a byline closing the last paragraph names the item's people too
    if let Some(last) = paras.last()
        && let Some(b) = segment::closing_byline(last)
        && let Some(x) = byline::parse(b)
    {
        people.merge(x);
        forms::drop_closing_byline(&mut body, last, b);
    }

    if let Some(o) = &people.org
        && publication.name.is_none()
        && (o.ends_with('报') || o.ends_with('報'))
    {
        publication.name = Some(o.clone());
    }

    let lines: Vec<String> = p.headline.iter().map(|&k| text_of(k).to_string()).collect();
    let mut h = headline::split(&lines);
    if h.title.is_none() {
        h.title = inline_title;
    }
    // a commentary column's label over the headline is no kicker, and marks an opinion
    let comment_column = h.kicker.as_deref().is_some_and(shape::comment_label);
    if comment_column {
        h.kicker = None;
    }
    if h.title.is_none() {
        h.title = paras
            .first()
            .and_then(|f| headline::title_from_text(strip_dateline(f)));
    }
    let title_text = format!(
        "{}{}{}",
        h.kicker.as_deref().unwrap_or(""),
        h.title.as_deref().unwrap_or(""),
        h.subtitle.as_deref().unwrap_or("")
    );
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
        || (p.start == Start::Byline && shape::signed_text_only(text_of(p.anchor)))
        || opinion_title(&title_text)
        || paras.iter().any(|l| {
            l.chars().take(13).count() <= 12 && (l.contains("评论员") || l.contains("評論員"))
        })
        || paras.last().is_some_and(|l| {
            let t = l.trim_start_matches(['(', '（']);
            t.starts_with("作者系") || t.starts_with("作者係") || t.starts_with("(作者")
        })
    {
        Kind::Opinion
    } else if h.title.as_deref().is_some_and(|t| {
        segment::NOTICE_WORDS
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
        date,
        kind,
        url: None,
        place_hint: None,
    })
}

/// A paragraph set off by picture gaps on both sides.
fn isolated(units: &[Unit], k: usize) -> bool {
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
        let mut out = normalize::repair_line(before);
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
        out.push_str(&normalize::repair_line(rest));
        return out;
    }
    normalize::repair_line(text)
}

fn drop_list_runs(paras: Vec<String>) -> Vec<String> {
    // a table's rows (cells set apart by wide spaces) are text, however short
    let listy: Vec<bool> = paras
        .iter()
        .map(|p| boilerplate::is_list_item(p) && segment::table_cells(p) == 0)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A place that counts how often it is compared with another.
    #[derive(Clone)]
    struct Counted<'a>(String, &'a std::cell::Cell<usize>);

    impl PartialEq for Counted<'_> {
        fn eq(&self, other: &Self) -> bool {
            self.1.set(self.1.get() + 1);
            self.0 == other.0
        }
    }

    impl Eq for Counted<'_> {}

    impl std::hash::Hash for Counted<'_> {
        fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
            self.0.hash(h);
        }
    }

    /// Issue 14.6: the most common dateline place compared every place with every other
    /// (20,000 datelines: 400 million comparisons).
    #[test]
    fn the_most_common_place_takes_a_comparison_or_two_per_item() {
        let cell = std::cell::Cell::new(0);
        let n = 20_000;
        let items: Vec<Counted> = (0..n)
            .map(|i| Counted(format!("第{}城", i % 97), &cell))
            .collect();
        // 20,000 = 97 × 206 + 18: the first 18 places are met 207 times
        let best = most_common(&items).map(|c| c.0);
        assert_eq!(best.as_deref(), Some("第0城"));
        assert!(cell.get() <= 2 * n, "{} comparisons for {n} items", cell.get());
        // ties go to the place met first
        let tie: Vec<String> = ["乙", "甲", "甲", "乙"].map(String::from).to_vec();
        assert_eq!(most_common(&tie).as_deref(), Some("乙"));
        assert_eq!(most_common::<String>(&[]), None);
    }

    /// Issue 14.6: a page of 100,000 dateline lines is read in one pass (it took 200 s);
    /// every line is an article and the home is the place most datelines print.
    #[test]
    fn a_page_of_a_hundred_thousand_datelines_is_read() {
        let places = ["青山", "白河", "石门", "青山", "东湖"];
        let mut page = String::from("青山日报\n\n");
        for i in 0..100_000 {
            let place = places[i % places.len()];
            page.push_str(&format!(
                "本报{place}{}月{}日讯 第{i}号工地今天完工,工人们陆续撤场。\n",
                i % 12 + 1,
                i % 28 + 1
            ));
        }
        let ex = extract_page(&page);
        assert_eq!(ex.articles.len(), 100_000);
        assert_eq!(ex.publication.home.as_deref(), Some("青山"));
    }

    #[test]
    fn the_opinion_prefilter_agrees_with_the_word_search() {
        let mut lines = sample_lines::sample_lines();
        lines.extend(OPINION_WORDS.iter().map(|w| format!("某某{w}")));
        let mut found = 0;
        for l in lines {
            let fast = opinion_title(&l);
            assert_eq!(fast, OPINION_WORDS.iter().any(|w| l.contains(w)), "{l}");
            found += usize::from(fast);
        }
        assert!(found >= OPINION_WORDS.len());
    }

    /// [`repair_para_with`] as it was before it built its string in one pass: the
    /// specification.
    fn repair_para_reference(text: &str) -> String {
        let d = dateline::parse(text);
        if let Some(d) = d.as_ref()
            && d.byline.is_some()
            && let (Some(head), Some(rest)) = (text.get(..d.len), text.get(d.len..))
        {
            let bracket = head.find(['(', '（']);
            let open = bracket
                .or_else(|| head.find(char::is_whitespace))
                .unwrap_or(head.len());
            let (before, paren) = head.split_at(open);
            let mut paren: String = paren
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('(', "（")
                .replace(')', "）")
                .replace(':', "：");
            if bracket.is_none() && !paren.is_empty() {
                paren.insert(0, ' ');
            }
            let rest = normalize::repair_line(rest);
            return format!("{}{}{}", normalize::repair_line(before), paren, rest);
        }
        normalize::repair_line(text)
    }

    #[test]
    fn the_one_pass_paragraph_repair_agrees_with_the_reference() {
        let mut lines = sample_lines::sample_lines();
        for l in [
            "本报讯 (记者 张三  李四) 5月1日，某地开展活动。",
            "本报讯（记者　张三:李四）5月1日,某地开展活动。",
            "本报讯 记者 张三 李四 报道:5月1日,某地开展活动。",
            "某地讯 记者 张三 报道 5月1日,某地开展活动。",
        ] {
            lines.push(l.to_string());
        }
        let mut bylines = 0;
        for l in lines {
            let d = dateline::parse(&l);
            bylines += usize::from(d.as_ref().is_some_and(|d| d.byline.is_some()));
            assert_eq!(
                repair_para_with(&l, d.as_ref()),
                repair_para_reference(&l),
                "{l}"
            );
        }
        assert!(bylines > 100, "{bylines}");
    }

    #[test]
    fn the_one_walk_character_tests_agree_with_contains() {
        let mut lines = sample_lines::sample_lines();
        lines.extend(["主", "版", "报", "報", "某某日報", ""].map(String::from));
        let mut hits = 0;
        for l in &lines {
            let paper = l.contains('报') || l.contains('報');
            assert_eq!(may_hold_paper_name(l), paper, "{l}");
            let sponsor = l.contains('主') || l.contains('版') || paper;
            assert_eq!(may_hold_sponsor(l), sponsor, "{l}");
            hits += usize::from(sponsor);
        }
        assert!(hits > 100, "{hits}");
    }
}
