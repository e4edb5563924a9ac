//! The `locate` stage: places each article in the division hierarchy
//! (province → prefecture → county-level unit → township/street).
//!
//! Owns: the embedded gazetteer (NBS 统计用区划代码 2023, see `data/gazetteer/` and
//! `NOTICE`), name look-ups for configuration and the CLI (`resolve`, `search`,
//! `resolve_home`), and the placement of article text (`locate`, `locate_text`).
//! Must not touch: files, the network, the clock, the store, or any other stage; it reads
//! only `crate::model` values and its own embedded data.
//!
//! How a text is placed: every name form of every division (official names, one-suffix
//! short forms above the township level, development-zone short forms, former names,
//! hand-written aliases) is matched in one pass of an Aho–Corasick automaton over the
//! headline lines and the body, after white space is dropped and traditional characters
//! are folded. Each match is then
//! trusted or rejected by its shape: official names of three characters or more stand on
//! their own; short and two-character names need an admin-role word after them (县委,
//! 党工委 …), their parent named right before them, or their parent in the context (the
//! publication's home, the dateline place, unambiguous names elsewhere in the text), and
//! no word after them that makes them the name of a thing (小区, 社, 路 …). A name that
//! several divisions bear goes to the one the context supports; when the context cannot
//! tell, it stops at the deepest level the candidates share, or counts for nothing.
//! Headline mentions weigh more than body mentions; the primary chain descends from the
//! province while one child carries the text, and when weights tie above the county the
//! child holding the lead's address (某市某县某镇, in the first sentence that names a
//! place) carries it. A township under a county on the page may be written with another
//! type word (某某乡 for today's 某某镇, 某某街 for 某某街道); a township named like a
//! common noun (小城镇, 乡村) needs its county, city or province on the page. A page that
//! speaks as a county (我县, 全旗) with no other home is at home in the county it names
//! most along one chain, else where its townships lie (`page`).

mod gazetteer;
mod page;
mod resolve;

pub use gazetteer::Gazetteer;
pub use page::{PageHome, page_home};

use crate::model::{Article, Chain, Level, Opener, Placement};

use gazetteer::{Cand, Form, NodeId};
use resolve::{Field, Input, Priors};

/// What `locate` knows about an article besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The publication's home, resolved (see [`resolve_home`]).
    pub home: Option<&'a Chain>,
    /// The publication's name (e.g. `烟台日报`); used as a home when `home` is `None`
    /// and the name holds a place name.
    pub publication: Option<&'a str>,
}

impl Gazetteer {
    /// A configuration, subscriber or home string → its chain: a division code (also
    /// zero-padded), an official name, short form or alias that names one division, or
    /// names written one after another (`浙江省安吉县递铺街道`, `长春净月高新区新湖镇`).
    /// `None` when the string names no division or several.
    pub fn resolve(&self, name_or_code: &str) -> Option<Chain> {
        resolve_str(self, name_or_code).map(|id| self.chain_of(id))
    }
}

/// Why a place a person named could not be taken: it names none, or several with no
/// best one among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceNameError {
    /// No division bears the name (nor is it a code or names in a row).
    Unknown(String),
    /// Several divisions bear the name and no rule of [`BEST_MATCH`] picks one: the
    /// candidates, shallowest first.
    Ambiguous(String, Vec<Chain>),
}

/// How many candidates an ambiguity message lists before saying how many more there are.
const LISTED_CANDIDATES: usize = 8;

impl std::fmt::Display for PlaceNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlaceNameError::Unknown(s) => write!(
                f,
                "unknown locality {s:?} (`localfeed places {s}` lists names and codes)"
            ),
            PlaceNameError::Ambiguous(s, chains) => {
                let listed: Vec<String> = chains
                    .iter()
                    .take(LISTED_CANDIDATES)
                    .map(|c| {
                        let code = c.leaf().map(|d| d.code.as_str()).unwrap_or("");
                        format!("{code} {}", c.names().join(" "))
                    })
                    .collect();
                let more = chains.len().saturating_sub(LISTED_CANDIDATES);
                write!(f, "{s}: {} places — {}", chains.len(), listed.join(", "))?;
                if more > 0 {
                    write!(f, " and {more} more (`localfeed places {s}`)")?;
                }
                write!(f, "; use a code")
            }
        }
    }
}

impl std::error::Error for PlaceNameError {}

/// One rule that picks the place a person meant among the divisions bearing a name.
pub struct BestMatchRule {
    /// The rule's name, for tests and documentation.
    pub name: &'static str,
    pick: fn(&Gazetteer, &[Cand]) -> Option<NodeId>,
}

/// The rules that pick one place among several bearing a name a person typed, in order;
/// the first that picks one decides. None picks when the name is ambiguous at the level
/// a person would mean it (鼓楼区 is four districts, 五里乡 the official name of one
/// township and the name without its ethnic group of another): then the person is shown
/// the candidates and uses a code, as a wrong place is worse than a question.
pub const BEST_MATCH: &[BestMatchRule] = &[
    // 河南 is 河南省 (and a county's and towns' short form), 黄山 is 黄山市 (and 黄山区's):
    // a province's or prefecture city's short name means that province or city, as
    // `places` lists it first.
    BestMatchRule {
        name: "the-one-province-or-city",
        pick: |gaz, cands| {
            // Only a division's own current name counts (not a former name or a zone
            // type).
            let own: Vec<Cand> = cands
                .iter()
                .filter(|c| matches!(c.form, Form::Full | Form::Short | Form::Plain))
                .copied()
                .collect();
            let ids = real_nodes(gaz, &own);
            let top = ids.iter().map(|&i| gaz.depth(i)).min()?;
            let shallowest: Vec<NodeId> =
                ids.into_iter().filter(|&i| gaz.depth(i) == top).collect();
            let level = gaz.node(*shallowest.first()?)?.level;
            if matches!(level, Level::Province | Level::Prefecture) {
                unique_node(gaz, &shallowest)
            } else {
                None
            }
        },
    },
];

/// The divisions of a candidate list, pseudo rows left out, shallowest first (by code
/// within a level), each once.
fn real_nodes(gaz: &Gazetteer, cands: &[Cand]) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = cands
        .iter()
        .map(|c| c.node)
        .filter(|&i| gaz.node(i).is_some_and(|n| !n.pseudo))
        .collect();
    ids.sort_by_key(|&id| (gaz.depth(id), gaz.node(id).map(|n| n.code)));
    ids.dedup();
    ids
}

impl Gazetteer {
    /// A place a person named (a subscriber's locality, a command's argument): what
    /// [`Gazetteer::resolve`] finds, else the one place the rules of [`BEST_MATCH`] pick
    /// among those bearing the name; the error lists the candidates when none picks.
    pub fn lookup(&self, name_or_code: &str) -> Result<Chain, PlaceNameError> {
        let s = name_or_code.trim();
        if let Some(c) = self.resolve(s) {
            return Ok(c);
        }
        let cands = self.exact(s);
        let ids = real_nodes(self, &cands);
        if ids.is_empty() {
            return Err(PlaceNameError::Unknown(s.to_string()));
        }
        if let Some(id) = BEST_MATCH.iter().find_map(|r| (r.pick)(self, &cands)) {
            return Ok(self.chain_of(id));
        }
        Err(PlaceNameError::Ambiguous(
            s.to_string(),
            ids.into_iter().map(|id| self.chain_of(id)).collect(),
        ))
    }
}

/// Resolves a string that is only a place: code, single name, or names in a row.
pub(crate) fn resolve_str(gaz: &Gazetteer, s: &str) -> Option<NodeId> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return gaz
            .chain(s)
            .and_then(|c| c.leaf().and_then(|d| gaz.id_of(&d.code)));
    }
    let exact = gaz.exact(s);
    if !exact.is_empty() {
        return unique_node(gaz, &exact.iter().map(|c| c.node).collect::<Vec<_>>());
    }
    // Names in a row, each under the one before it, covering the whole string.
    let mut norm = String::new();
    gaz.normalize_into(s, &mut norm);
    let mut at = 0;
    let mut cur: Option<NodeId> = None;
    for m in gaz.automaton().leftmost_find_iter(&norm) {
        if m.start() != at {
            return None;
        }
        at = m.end();
        let (_, cands) = gaz.pattern(m.value())?;
        let under: Vec<NodeId> = cands
            .iter()
            .map(|c| c.node)
            .filter(|&n| cur.is_none_or(|p| p != n && gaz.is_ancestor_or_self(p, n)))
            .collect();
        cur = Some(unique_node(gaz, &under)?);
    }
    if at != norm.len() {
        return None;
    }
    cur
}

/// The one node of a candidate list, or `None` when there are none or several.
fn unique_node(gaz: &Gazetteer, ids: &[NodeId]) -> Option<NodeId> {
    let mut v: Vec<NodeId> = ids
        .iter()
        .copied()
        .filter(|&i| gaz.node(i).is_some_and(|n| !n.pseudo))
        .collect();
    v.sort_unstable();
    v.dedup();
    match v.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// A page's printed home → chain: a dateline city (`绵阳`), a masthead or publisher line
/// (`主管:青山高新区党工委宣传部`, `中共海城市委机关报`), a paper's name (`烟台日报`; read
/// from its whole stem only, and a city paper such as `XX晚报` lives in a prefecture), a
/// code or a name. Otherwise takes the first
/// place the string names that only one division bears (extended by the places named
/// right after it inside it); `None` when it names none.
pub fn resolve_home(home: &str, gaz: &Gazetteer) -> Option<Chain> {
    home_node(home, gaz).map(|id| gaz.chain_of(id))
}

/// Endings of a newspaper's name, longest first, and whether the paper is a city paper
/// (evening, metropolitan, business and morning papers are published by a prefecture
/// city's press group, so their home is a prefecture even when the name is a district's).
const PAPER_ENDINGS: &[(&str, bool)] = &[
    ("都市报", true),
    ("都市報", true),
    ("晚报", true),
    ("晚報", true),
    ("商报", true),
    ("商報", true),
    ("早报", true),
    ("早報", true),
    ("日报", false),
    ("日報", false),
    ("时报", false),
    ("時報", false),
    ("新报", false),
    ("新報", false),
    ("报", false),
    ("報", false),
];

/// The longest a paper's name stem can be and still be read as one place name.
const PAPER_STEM_MAX: usize = 6;

/// A paper's name (`XX日报`, `XX晚报`, `XX报` …) → its home, read from the whole stem only:
/// a prefecture, else a county (its prefecture for a city paper), else a province. A
/// stem that is not wholly a place name (a flower, a landmark, a region's old name) gives
/// no home at all, so a place name inside an ordinary word never wins. `None` when the
/// string does not have the shape of a paper's name; `Some(None)` when it does but the
/// stem names no single division.
fn paper_home(name: &str, gaz: &Gazetteer) -> Option<Option<NodeId>> {
    let (stem, city_paper) = PAPER_ENDINGS
        .iter()
        .find_map(|(end, city)| name.strip_suffix(end).map(|s| (s, *city)))?;
    let len = stem.chars().count();
    if !(2..=PAPER_STEM_MAX).contains(&len)
        || !stem.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        || stem.contains(['委', '机', '機', '共'])
    {
        return None;
    }
    let cands: Vec<Cand> = gaz
        .exact(stem)
        .into_iter()
        .filter(|c| c.form != Form::ZoneBare)
        .collect();
    let at = |level: Level| -> Vec<NodeId> {
        cands
            .iter()
            .map(|c| c.node)
            .filter(|&n| gaz.node(n).is_some_and(|d| d.level == level))
            .collect()
    };
    if let Some(p) = unique_node(gaz, &at(Level::Prefecture)) {
        return Some(Some(p));
    }
    if let Some(c) = unique_node(gaz, &at(Level::County)) {
        let up = gaz.parent(c).filter(|&p| {
            city_paper
                && gaz
                    .node(p)
                    .is_some_and(|d| d.level == Level::Prefecture && !d.pseudo)
        });
        return Some(Some(up.unwrap_or(c)));
    }
    if let Some(p) = unique_node(gaz, &at(Level::Province)) {
        return Some(Some(p));
    }
    // Names in a row (`长春净月日报`, `浙江安吉日报`) still make a home.
    Some(
        resolve_str(gaz, stem).filter(|&n| gaz.node(n).is_some_and(|d| d.level != Level::Township)),
    )
}

fn home_node(home: &str, gaz: &Gazetteer) -> Option<NodeId> {
    if let Some(id) = resolve_str(gaz, home) {
        return Some(id);
    }
    if let Some(found) = paper_home(home.trim(), gaz) {
        return found;
    }
    let mut norm = String::new();
    gaz.normalize_into(home, &mut norm);
    let mut found: Option<(NodeId, usize)> = None;
    for m in gaz.automaton().leftmost_find_iter(&norm) {
        let Some((_, cands)) = gaz.pattern(m.value()) else {
            continue;
        };
        let usable: Vec<NodeId> = cands
            .iter()
            .filter(|c| c.form != Form::ZoneBare)
            .map(|c| c.node)
            .collect();
        match found {
            Some((prev, end)) if end == m.start() => {
                let under: Vec<NodeId> = usable
                    .iter()
                    .copied()
                    .filter(|&n| n != prev && gaz.is_ancestor_or_self(prev, n))
                    .collect();
                match unique_node(gaz, &under) {
                    Some(n) => found = Some((n, m.end())),
                    None => break,
                }
            }
            Some(_) => break,
            None => {
                // Alone, a township name is too weak to be a home.
                let upper: Vec<NodeId> = usable
                    .iter()
                    .copied()
                    .filter(|&n| gaz.node(n).is_some_and(|d| d.level != Level::Township))
                    .collect();
                if let Some(n) = unique_node(gaz, &upper) {
                    found = Some((n, m.end()));
                }
            }
        }
    }
    found.map(|(n, _)| n)
}

/// Places an article: headline lines and body, with the dateline and the publication's
/// home as context, and the article's own `place_hint` deciding when it names a place.
pub fn locate(article: &Article, ctx: &Context<'_>, gaz: &Gazetteer) -> Placement {
    let mut fields: Vec<(Field, &str)> = Vec::with_capacity(4);
    if let Some(t) = article.title.as_deref() {
        fields.push((Field::Title, t));
    }
    if let Some(k) = article.kicker.as_deref() {
        fields.push((Field::Kicker, k));
    }
    if let Some(s) = article.subtitle.as_deref() {
        fields.push((Field::Subtitle, s));
    }
    place_with(
        gaz,
        fields,
        &article.body,
        article.opener.as_ref(),
        article.place_hint.as_deref(),
        ctx,
    )
}

/// Places any text as if it were the body of an article (`localfeed locate "TEXT"`), with
/// the dateline that opens it as the caller read it.
pub fn locate_text(
    text: &str,
    opener: Option<&Opener>,
    ctx: &Context<'_>,
    gaz: &Gazetteer,
) -> Placement {
    place_with(gaz, Vec::new(), text, opener, None, ctx)
}

fn place_with<'a>(
    gaz: &Gazetteer,
    mut fields: Vec<(Field, &'a str)>,
    body: &'a str,
    opener: Option<&Opener>,
    hint: Option<&'a str>,
    ctx: &Context<'_>,
) -> Placement {
    let mut priors = Priors {
        home: ctx
            .home
            .and_then(|c| c.leaf())
            .and_then(|d| gaz.id_of(&d.code)),
        dateline: None,
    };
    if priors.home.is_none() {
        priors.home = ctx.publication.and_then(|p| home_node(p, gaz));
    }
    let mut rest = body;
    if let Some(o) = opener {
        rest = body.get(o.len..).unwrap_or("");
        // the place printed, else the outlet's own (`青山晚报讯` → 青山)
        if let Some(p) = o
            .place
            .as_deref()
            .or(o.outlet.as_deref())
            .filter(|p| p.chars().count() >= 2)
            .map(dateline_place)
            && let Some(id) = dateline_node(&p, gaz, priors.home)
        {
            priors.dateline = Some((p, id));
        }
    }
    fields.push((Field::Body, rest));
    resolve::place(gaz, &Input { fields, hint }, &priors)
}

/// The place a dateline's text names once an outlet's name is read: what follows the
/// outlet (`某某在线广州` → `广州`), else the outlet's own place (`某某新闻网`, `某某日报` →
/// `某某`); the text itself otherwise.
fn dateline_place(place: &str) -> String {
    let ends = page::OUTLET_WORDS
        .iter()
        .copied()
        .chain(PAPER_ENDINGS.iter().map(|(e, _)| *e));
    let mut cut: Option<(usize, usize)> = None;
    for w in ends {
        if let Some(i) = place.rfind(w)
            && cut.is_none_or(|(j, l)| i + w.len() > j + l)
        {
            cut = Some((i, w.len()));
        }
    }
    let Some((i, len)) = cut else {
        return place.to_string();
    };
    let after = place.get(i + len..).unwrap_or("");
    if after.chars().count() >= 2 {
        return after.to_string();
    }
    let stem = place.get(..i).unwrap_or("");
    if stem.chars().count() >= 2 {
        stem.to_string()
    } else {
        place.to_string()
    }
}

/// The place of a dateline: the one division (township level excluded) of that name, or
/// the one under the home when several bear it.
fn dateline_node(place: &str, gaz: &Gazetteer, home: Option<NodeId>) -> Option<NodeId> {
    let cands: Vec<NodeId> = gaz
        .exact(place)
        .iter()
        .filter(|c| c.form != Form::ZoneBare)
        .map(|c| c.node)
        .filter(|&n| gaz.node(n).is_some_and(|d| d.level != Level::Township))
        .collect();
    if let Some(one) = unique_node(gaz, &cands) {
        return Some(one);
    }
    let home = home?;
    let near: Vec<NodeId> = cands
        .into_iter()
        .filter(|&n| {
            gaz.is_ancestor_or_self(n, home)
                || gaz
                    .parent(n)
                    .is_some_and(|p| gaz.is_ancestor_or_self(p, home))
        })
        .collect();
    unique_node(gaz, &near)
}

#[cfg(test)]
mod tests;
