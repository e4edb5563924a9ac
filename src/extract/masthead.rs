//! Which publication is this? The paper's name, its home (a printed place: a sponsor
//! credit, the place most datelines print) and the issue date, from the page's lines.

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::line::{Line, Role};
use crate::extract::read::dateline;
use crate::extract::read::labels::is_name_line;
use crate::extract::roles::rules::HEADER_SCORE;
use crate::extract::text::clean;
use crate::extract::text::clean::squeeze;
use crate::extract::text::fold;
use crate::extract::text::shape;
use crate::extract::text::words::{BOX_LABELS, OUTLET_ENDS};
use crate::model::Publication;

/// The year the page is written in, from its lines outside background boxes
/// (`相关链接` … up to the next headline or dateline), leaving out sentences that open with
/// a year and a comma (`2008年，…被列入…`: a past event narrated). A page with neither
/// is read whole, as `dateline::page_year` reads it.
pub(crate) fn page_year(clean: &str, units: &[Line]) -> Option<i32> {
    if !clean::has_year_char(clean) {
        return None;
    }
    let boxed = units.iter().any(box_opener);
    if !boxed && !has_year_comma(clean) {
        return dateline::page_year(clean);
    }
    let mut kept = String::with_capacity(clean.len());
    let mut in_box = false;
    for u in units {
        if box_opener(u) {
            in_box = true;
            continue;
        }
        if in_box {
            if matches!(u.role, Role::Para | Role::Marker) {
                continue;
            }
            in_box = false;
        }
        // only lines with a year count
        if !clean::has_year_char(&u.text) {
            continue;
        }
        for sentence in u.text.split_inclusive(['。', '！', '？']) {
            if !past_opener(sentence.trim_start()) {
                kept.push_str(sentence);
            }
        }
        kept.push('\n');
    }
    dateline::page_year(&kept)
}

fn box_opener(u: &Line) -> bool {
    // a label of at most eight characters: 24 bytes and a few spaces
    let k = u.key();
    if u.role != Role::Head || k.len() > 40 || u.shape.chars() > 8 {
        return false;
    }
    if k.contains(char::is_whitespace) {
        let t = squeeze(k);
        BOX_LABELS
            .iter()
            .any(|&(w, background)| background && t.starts_with(w))
    } else {
        BOX_LABELS
            .iter()
            .any(|&(w, background)| background && k.starts_with(w))
    }
}

/// True when some `年` has four digits before it and a comma after it.
fn has_year_comma(text: &str) -> bool {
    clean::YEAR_CHAR.find_iter(text.as_bytes()).any(|i| {
        let after = text.get(i + '年'.len_utf8()..).unwrap_or("");
        (after.starts_with('，') || after.starts_with(','))
            && i >= 4
            && text
                .as_bytes()
                .get(i - 4..i)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    })
}

/// `2008年，…`: a sentence opened by a year and a comma.
pub(crate) fn past_opener(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b.iter().take(4).all(u8::is_ascii_digit)
        && s.get(4..)
            .is_some_and(|r| r.starts_with("年，") || r.starts_with("年,") || r.starts_with("年, "))
}

static MASTHEAD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^\s]{0,4}\s)?(\p{Han}{2,10}?(?:日报|晚报|时报|商报|早报|周报|报))\s*(?:总第|第\s*\d|\d{4}\s*年|$)")
        .unwrap_or_else(|_| unreachable!())
});

static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:主管|主办)\s*(?:单位)?\s*[:：]\s*(\p{Han}{2,12}?)(党工委|县委|市委|区委|州委|盟委|旗委|省委|党委|工委|人民政府|政府|管委会|宣传部|融媒体中心|新闻中心|日报社|报社|传媒)")
        .unwrap_or_else(|_| unreachable!())
});

/// A sponsor credit with the verb last: `XX县融媒体中心主办`, `中共XX市委机关报`,
/// `XX市XX区融媒体中心出版`. The organisation's place is group 1, its kind group 2.
static SPONSOR_LAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\p{Han}{2,14}?)(党工委|县委|市委|区委|州委|盟委|旗委|省委|人民政府|政府|管委会|宣传部|融媒体中心|新闻中心|日报社|报社|传媒)\s*(?:主管主办|主管|主办|出版|机关报)")
        .unwrap_or_else(|_| unreachable!())
});

/// A line of at most this many bytes (40 Chinese characters) is tested for a few
/// characters by one walk over its characters; a longer one by the vectorised substring
/// search per character.
const SHORT_LINE: usize = 120;

/// Whether [`MASTHEAD_NAME`] can match a line's key: its name ends in `报` (a search
/// before the pattern, which most furniture lines fail).
fn may_hold_paper_name(text: &str) -> bool {
    // a short line: one walk over the characters (`str::contains` with a character outside
    // ASCII runs the substring search, whose setup costs more than the walk); a long one:
    // the vectorised searches
    if text.len() <= SHORT_LINE {
        text.chars().any(|c| c == '报')
    } else {
        text.contains('报')
    }
}

/// Whether a line can print an issue date: a date needs digits, ASCII or full-width, or
/// the zero of a year written in characters (`二〇二五年`, `二零二五年`).
fn may_hold_date(u: &Line) -> bool {
    u.shape.has(shape::DIGIT)
        || u.shape.has(shape::WIDE_DIGIT)
        || u.shape.has(shape::HAN_ZERO)
        || u.key().contains('零')
}

/// Whether [`SPONSOR`] or [`SPONSOR_LAST`] can match a line's key: both need `主管`,
/// `主办`, `出版` or `机关报` (a dateline's `本报` is none of them).
fn may_hold_sponsor(text: &str) -> bool {
    // a short line: one walk over the characters, each pair in a row looked at, instead
    // of four substring searches
    if text.len() <= SHORT_LINE {
        let mut prev = '\0';
        text.chars().any(|c| {
            let verb = matches!((prev, c), ('主', '管' | '办') | ('出', '版') | ('关', '报'));
            prev = c;
            verb
        })
    } else {
        SPONSOR_VERBS.iter().any(|w| text.contains(w))
    }
}

/// The verbs of a sponsor credit: one of them stands in every line [`SPONSOR`] or
/// [`SPONSOR_LAST`] matches.
const SPONSOR_VERBS: [&str; 4] = ["主管", "主办", "出版", "机关报"];

/// Endings of city papers (evening, metropolitan, business, morning), published by a
/// prefecture's press group: their whole name is handed on, so that the place lookup
/// reads the stem at the prefecture level.
const CITY_PAPER_ENDS: &[&str] = &["都市报", "晚报", "商报", "早报"];

/// First characters of two-character paper words (日报, 时讯, 潮报, 侨报 …): a name ending in
/// one of them and `报`/`讯`/`刊` drops both; another name drops `报` alone (a county's
/// paper named `<four-character place>报`).
const PAPER_WORD_FIRST: &str = "日时晚晨新商早潮周导快侨法农工青科教经";

/// The home a paper's name gives, as a string for the place lookup (`locate` decides
/// whether it names a place; the extract stage has no gazetteer): the place part of
/// `<place><paper word>` (`某某日报`, `某某潮报`, `某某时讯`, `某某某某报`; see
/// [`PAPER_WORD_FIRST`]) or of `今日<place>`, and the whole name of a city paper. `None`
/// for a name of another shape.
fn home_from_name(name: &str) -> Option<String> {
    let name = name.trim();
    let n = name.chars().count();
    if !(3..=8).contains(&n) || !name.chars().all(clean::is_han) {
        return None;
    }
    // the words are read in the name's matching key; the stem is cut from the name
    let key = fold::key_of(name);
    if CITY_PAPER_ENDS.iter().any(|e| key.ends_with(e)) {
        return Some(name.to_string());
    }
    let stem: String =
        if let Some(rest) = name.get("今日".len()..).filter(|_| key.starts_with("今日")) {
            rest.to_string()
        } else if key.ends_with(['报', '讯', '刊']) {
            let two = n >= 4
                && key
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

/// A name that ends as a news outlet's does (`某某报`, `某某新闻`, `某某网`).
fn outlet_like(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(OUTLET_ENDS) || t.ends_with("新闻")
}

/// What the page prints about itself, read before its articles: the issue date (on
/// furniture or among the first twelve lines), the paper's name on a furniture line, and
/// the sponsor credit's place as the home.
pub(crate) fn printed(units: &[Line]) -> Publication {
    let mut publication = Publication::default();
    for (i, u) in units.iter().enumerate() {
        if publication.date.is_none() && (u.role == Role::Furniture || i < 12) && may_hold_date(u) {
            publication.date = dateline::issue_date(u.key());
        }
        if u.role == Role::Furniture {
            // the page's first line, a short name over the masthead furniture
            // (a line the header model made furniture names a paper only by an outlet's
            // ending: a column's label stands there as often)
            if publication.name.is_none()
                && i == 0
                && is_name_line(&u.text)
                && (u.because != HEADER_SCORE || outlet_like(u.key()))
            {
                publication.name = Some(u.text.clone());
            }
            // the pattern reads the key; the name is cut from the text at its offsets
            if publication.name.is_none()
                && may_hold_paper_name(u.key())
                && let Some(c) = MASTHEAD_NAME.captures(u.key().trim())
                && let Some(m) = c.get(1)
                && let Some(name) = u.text.trim().get(m.range())
            {
                publication.name = Some(name.to_string());
            }
        }
    }
    // The sponsor credit: on a furniture line, or among the first lines of the page.
    for (i, u) in units.iter().enumerate() {
        if publication.home.is_some() {
            break;
        }
        if u.role != Role::Furniture && i >= 12 {
            continue;
        }
        // the patterns read the key; the place is cut from the text at its offsets
        if publication.home.is_none()
            && may_hold_sponsor(u.key())
            && let Some(c) = SPONSOR
                .captures(u.key())
                .or_else(|| SPONSOR_LAST.captures(u.key()))
            && let Some(m) = c.get(1)
            && let Some(place) = u.text.get(m.range())
        {
            // `青山县委`: the place is `青山县`
            let org = c.get(2).map_or("", |o| o.as_str());
            let org_text = c.get(2).and_then(|o| u.text.get(o.range())).unwrap_or("");
            let mut home = place.trim_start_matches("中共").to_string();
            if org.chars().count() == 2
                && org.ends_with('委')
                && let Some(first) = org.chars().next()
                && first != '党'
                && first != '工'
                && let Some(printed) = org_text.chars().next()
            {
                home.push(printed);
            }
            publication.home = Some(home);
        }
    }
    publication
}

/// What the articles add to the publication: the place most datelines print as the home,
/// a masthead name standing alone near the top in no article, and the place part of the
/// paper's name when nothing printed names a home.
pub(crate) fn complete(
    publication: &mut Publication,
    units: &[Line],
    claimed: &[bool],
    dateline_places: &[String],
) {
    if publication.home.is_none() {
        publication.home = most_common(dateline_places);
    }
    // a masthead name standing alone near the top (`青山日报`), in no article
    if publication.name.is_none() {
        publication.name = units
            .iter()
            .enumerate()
            .take(8)
            .filter(|(i, _)| !claimed.get(*i).copied().unwrap_or(true))
            .filter(|(_, u)| may_hold_paper_name(u.key()))
            .find_map(|(_, u)| {
                MASTHEAD_NAME
                    .captures(u.key().trim())
                    .and_then(|c| c.get(1))
                    .and_then(|m| u.text.trim().get(m.range()))
                    .map(str::to_string)
                    .filter(|n| n.chars().count() <= 8 && u.text.trim().chars().count() <= 12)
            });
    }
    // nothing printed names the home: the paper's name may (`某某潮报`, `今日某某`)
    if publication.home.is_none() {
        publication.home = publication.name.as_deref().and_then(home_from_name);
    }
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
        assert!(
            cell.get() <= 2 * n,
            "{} comparisons for {n} items",
            cell.get()
        );
        // ties go to the place met first
        let tie: Vec<String> = ["乙", "甲", "甲", "乙"].map(String::from).to_vec();
        assert_eq!(most_common(&tie).as_deref(), Some("乙"));
        assert_eq!(most_common::<String>(&[]), None);
    }
}
