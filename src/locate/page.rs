//! The page's own evidence of where its publication is at home, when nothing printed as a
//! masthead or sponsor line names it: the names of outlets in the page's furniture (a news
//! site, a media centre, a government site in a header, footer or navigation line), and,
//! for pages that speak as a county (我县, 我区), the one county the page names.
//!
//! Owns: the shapes of outlet names (`<place>新闻网`, `<place>融媒体中心`,
//! `<place>人民政府` …), and the page-wide reading of self-references. Must not touch:
//! files, the clock, other stages.

use crate::model::{Article, Chain, Level};

use super::gazetteer::{Form, Gazetteer, NodeId};

/// Words that end an outlet's name whose stem is its place, longest first within a
/// shared ending: a news site, a media centre, a broadcaster, a government site, an
/// online edition.
pub(crate) const OUTLET_WORDS: &[&str] = &[
    "新闻传媒中心",
    "新聞傳媒中心",
    "融媒体中心",
    "融媒體中心",
    "传媒中心",
    "傳媒中心",
    "新闻中心",
    "新聞中心",
    "广播电视台",
    "廣播電視台",
    "电视台",
    "電視台",
    "人民政府",
    "政府网",
    "政府網",
    "新闻网",
    "新聞網",
    "在线",
    "在線",
    "新闻",
    "新聞",
    "发布",
    "發布",
    "网",
    "網",
];

/// The longest stem (in characters) read as an outlet's place.
const STEM_MAX: usize = 8;

/// An outlet's place from one token (`<stem><outlet word>`, the stem wholly a place
/// name): the stem and the outlet word. `None` for other shapes.
pub(crate) fn outlet_stem(token: &str) -> Option<(&str, &'static str)> {
    let word = OUTLET_WORDS.iter().find(|w| token.ends_with(*w))?;
    let stem = token.strip_suffix(word)?;
    let n = stem.chars().count();
    ((2..=STEM_MAX).contains(&n) && stem.chars().all(is_han)).then_some((stem, *word))
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// The one division above the township level a whole stem names (an official name, a
/// short form, names in a row: `建德市`, `建德`, `某市某县`), or `None`.
pub(crate) fn stem_node(stem: &str, gaz: &Gazetteer) -> Option<NodeId> {
    let upper = |n: NodeId| gaz.node(n).is_some_and(|d| d.level != Level::Township);
    let mut cands: Vec<NodeId> = gaz
        .exact(stem)
        .into_iter()
        .filter(|c| c.form != Form::ZoneBare)
        .map(|c| c.node)
        .filter(|&n| upper(n))
        .collect();
    cands.sort_unstable();
    cands.dedup();
    match cands.as_slice() {
        [one] => Some(*one),
        [] => super::resolve_str(gaz, stem).filter(|&n| upper(n)),
        _ => None,
    }
}

/// How the page's home was found, for a person reading the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHome {
    /// The home.
    pub chain: Chain,
    /// The text that gave it (`建德新闻网`, `我县 … 长子`).
    pub text: String,
    /// Which rule read it.
    pub note: &'static str,
}

/// The home a page's furniture lines (header, footer, navigation, sponsor lines: what
/// `extract` leaves out of every article) name by the outlets they print; else, when an
/// article speaks as a county or city (我县, 我区, 我旗, 我市), the one division of that kind
/// the page's articles name. `None` when neither decides.
pub fn page_home(furniture: &[String], articles: &[Article], gaz: &Gazetteer) -> Option<PageHome> {
    outlet_home(furniture, gaz).or_else(|| self_home(furniture, articles, gaz))
}

/// Splits a line into tokens at white space, punctuation and navigation marks.
fn tokens(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !(is_han(c) || c.is_ascii_alphanumeric()))
        .filter(|t| !t.is_empty())
}

/// The home the outlets named in furniture lines share: the deepest place on one chain,
/// else the prefecture (or deeper) all of them lie in.
fn outlet_home(furniture: &[String], gaz: &Gazetteer) -> Option<PageHome> {
    let mut found: Vec<(NodeId, &str)> = Vec::new();
    for line in furniture {
        // An outlet's name stands in a short line (a header, a footer, a menu entry).
        if line.chars().count() > 60 {
            continue;
        }
        for t in tokens(line) {
            if let Some((stem, _)) = outlet_stem(t)
                && let Some(n) = stem_node(stem, gaz)
                && !found.iter().any(|(m, _)| *m == n)
            {
                found.push((n, t));
            }
        }
    }
    let deepest = found
        .iter()
        .copied()
        .max_by_key(|&(n, _)| (gaz.depth(n), std::cmp::Reverse(n)))?;
    let on_one_chain = found
        .iter()
        .all(|&(n, _)| gaz.is_ancestor_or_self(n, deepest.0));
    let (node, text) = if on_one_chain {
        deepest
    } else {
        let ids: Vec<NodeId> = found.iter().map(|&(n, _)| n).collect();
        let shared = gaz.common_ancestor(&ids)?;
        if gaz.depth(shared) < 2 {
            return None;
        }
        (shared, deepest.1)
    };
    Some(PageHome {
        chain: gaz.chain_of(node),
        text: text.to_string(),
        note: "an outlet named in the page's header, footer or navigation",
    })
}

/// Self-references of a county-level or city government's own paper, with the last
/// character of the official names they point at: 我县 (our county), and 全县/全旗 (the
/// whole county), which only the county's own paper says of it without naming it.
const SELF_WORDS: &[(&str, char)] = &[
    ("我县", '县'),
    ("我縣", '县'),
    ("我区", '区'),
    ("我區", '区'),
    ("我旗", '旗'),
    ("我市", '市'),
    ("全县", '县'),
    ("全縣", '县'),
    ("全旗", '旗'),
];

/// A division a self-speaking page names, and how it was written.
#[derive(Clone)]
struct Named {
    /// The division.
    node: NodeId,
    /// The name as first written.
    shown: String,
    /// How often it was written.
    count: usize,
    /// Whether it stood as a word every time.
    always_a_word: bool,
    /// Whether it stood as a word at least once.
    once_a_word: bool,
    /// Whether it was written in full at least once (沿河土家族自治县, not only 沿河).
    in_full: bool,
}

/// A page that speaks as a county (我县 …): the division of that kind it names (by its
/// official name, or a short form that only one division of that kind bears), the
/// deepest when those it names lie on one chain (a county-level city and the prefecture
/// above it) or the chain named twice as often as any other; else the one county the
/// townships it names lie in; else what its short names inside longer words say
/// (自然资源 holds a county's short name: it is the last evidence, not the first).
fn self_home(furniture: &[String], articles: &[Article], gaz: &Gazetteer) -> Option<PageHome> {
    let texts = || {
        articles.iter().flat_map(|a| {
            [
                a.title.as_deref(),
                a.kicker.as_deref(),
                a.subtitle.as_deref(),
            ]
            .into_iter()
            .flatten()
            .chain(std::iter::once(a.body.as_str()))
        })
    };
    let (word, suffix) = SELF_WORDS
        .iter()
        .find(|(w, _)| texts().any(|t| t.contains(w)))?;
    let of_kind = |n: NodeId| {
        gaz.node(n).is_some_and(|d| {
            matches!(d.level, Level::County | Level::Prefecture)
                && !d.pseudo
                && d.name.ends_with(*suffix)
        })
    };
    let (named, towns) = names_in(texts(), &of_kind, gaz);
    let home = |(node, shown): (NodeId, String)| PageHome {
        chain: gaz.chain_of(node),
        text: format!("{word} … {shown}"),
        note: "the page speaks as a county or city (我县) and names this one (self-home)",
    };
    // A short form written once stands for the county only with support: its full name
    // or a second mention, or a place above it named too; else it is as likely an
    // ordinary word (沿河, along the river) or another outlet's name in a dateline.
    let supported = |n: &Named| {
        n.in_full
            || n.count >= 2
            || named
                .iter()
                .any(|m| m.node != n.node && gaz.is_ancestor_or_self(m.node, n.node))
    };
    let standing: Vec<Named> = named
        .iter()
        .filter(|n| n.always_a_word && supported(n))
        .cloned()
        .collect();
    if let Some(h) = named_home(&standing, gaz) {
        return Some(home(h));
    }
    // the page's header or footer names its county twice or more, once at least as a word
    // (a newsletter named for its county, its greeting): the county it speaks as
    let short_lines = furniture
        .iter()
        .map(String::as_str)
        .filter(|l| l.chars().count() <= 60);
    let (in_furniture, _) = names_in(short_lines, &of_kind, gaz);
    let repeated: Vec<&Named> = in_furniture
        .iter()
        .filter(|n| n.count >= 2 && n.once_a_word)
        .collect();
    if let [Named { node, shown, .. }] = repeated.as_slice() {
        return Some(PageHome {
            chain: gaz.chain_of(*node),
            text: format!("{word} … {shown}"),
            note: "the page speaks as a county (我县) and its header or footer names this one twice or more (self-home-furniture)",
        });
    }
    // the divisions the articles name disagree
    if !standing.is_empty() {
        return None;
    }
    if let Some(h) = township_home(&towns) {
        return Some(PageHome {
            chain: gaz.chain_of(h.0),
            text: format!("{word} … {}", h.1),
            note: "the page speaks as a county (我县) and the townships it names lie in this one (self-home-townships)",
        });
    }
    // a short name inside a longer word (资源 in 人力资源) is evidence only on a page that
    // says 我县 of itself: 全县 is said of any county, and with such a name alone a page of
    // a county we do not know would be placed in one we do
    if !word.starts_with(['我']) {
        return None;
    }
    named_home(&named, gaz).map(home)
}

/// The divisions of the kind `of_kind` accepts that `texts` name, and the townships they
/// name with the divisions of that kind each may lie in.
fn names_in<'a>(
    texts: impl Iterator<Item = &'a str>,
    of_kind: &dyn Fn(NodeId) -> bool,
    gaz: &Gazetteer,
) -> (Vec<Named>, Vec<(String, Vec<NodeId>)>) {
    let mut named: Vec<Named> = Vec::new();
    // (township name, the counties of that kind it may lie in)
    let mut towns: Vec<(String, Vec<NodeId>)> = Vec::new();
    for t in texts {
        let norm = gaz.normalize(t);
        let norm = norm.as_ref();
        for m in gaz.automaton().leftmost_find_iter(norm) {
            let Some((p, cands)) = gaz.pattern(m.value()) else {
                continue;
            };
            if cands.iter().any(|c| c.form == Form::ZoneBare) {
                continue;
            }
            let official = cands.iter().any(|c| c.form == Form::Full);
            let stands = official
                || norm
                    .get(..m.start())
                    .and_then(|b| b.chars().next_back())
                    .is_none_or(|c| !is_han(c) || super::resolve::LEFT_OK.contains(c));
            let mut ids: Vec<NodeId> = cands
                .iter()
                .map(|c| c.node)
                .filter(|&n| of_kind(n))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if let [one] = ids.as_slice() {
                match named.iter_mut().find(|n| n.node == *one) {
                    Some(n) => {
                        n.count += 1;
                        n.always_a_word &= stands;
                        n.once_a_word |= stands;
                        n.in_full |= official;
                    }
                    None => named.push(Named {
                        node: *one,
                        shown: p.to_string(),
                        count: 1,
                        always_a_word: stands,
                        once_a_word: stands,
                        in_full: official,
                    }),
                }
                continue;
            }
            if cands.iter().all(|c| {
                c.form == Form::Full && gaz.node(c.node).is_some_and(|d| d.level == Level::Township)
            }) && !towns.iter().any(|(n, _)| n == p)
            {
                let mut up: Vec<NodeId> = cands
                    .iter()
                    .filter_map(|c| gaz.parent(c.node))
                    .filter(|&k| of_kind(k))
                    .collect();
                up.sort_unstable();
                up.dedup();
                towns.push((p.to_string(), up));
            }
        }
    }
    (named, towns)
}

/// The division a self-speaking page names: each named division scores its mentions and
/// those of the named places above it; the best must score at least twice what any place
/// off its chain does (a city the county's delegation went to).
fn named_home(named: &[Named], gaz: &Gazetteer) -> Option<(NodeId, String)> {
    let score = |d: NodeId| -> usize {
        named
            .iter()
            .filter(|m| gaz.is_ancestor_or_self(m.node, d))
            .map(|m| m.count)
            .sum()
    };
    let best_named = named
        .iter()
        .max_by_key(|n| (score(n.node), gaz.depth(n.node), std::cmp::Reverse(n.node)))?;
    let deepest = best_named.node;
    let best = score(deepest);
    let off_chain = named
        .iter()
        .filter(|n| {
            !gaz.is_ancestor_or_self(n.node, deepest) && !gaz.is_ancestor_or_self(deepest, n.node)
        })
        .map(|n| score(n.node))
        .max()
        .unwrap_or(0);
    (off_chain == 0 || best >= 2 * off_chain).then(|| (deepest, best_named.shown.clone()))
}

/// The county that more than half of the townships a page names (at least two) may lie
/// in, and no other as many; with the names that gave it.
fn township_home(towns: &[(String, Vec<NodeId>)]) -> Option<(NodeId, String)> {
    let mut counts: Vec<(NodeId, usize)> = Vec::new();
    for (_, ks) in towns {
        for &k in ks {
            match counts.iter_mut().find(|(n, _)| *n == k) {
                Some((_, c)) => *c += 1,
                None => counts.push((k, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match counts.as_slice() {
        [(k, c), rest @ ..]
            if *c >= 2 && *c * 2 > towns.len() && rest.first().is_none_or(|(_, d)| d < c) =>
        {
            let shown: Vec<&str> = towns
                .iter()
                .filter(|(_, ks)| ks.contains(k))
                .map(|(n, _)| n.as_str())
                .collect();
            Some((*k, shown.join("、")))
        }
        _ => None,
    }
}
