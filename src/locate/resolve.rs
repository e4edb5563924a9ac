//! Placing a text: finding the mentions of places, trusting or rejecting each one, and
//! choosing the primary chain, the other localities covered, and the evidence.
//!
//! Owns: the mention rules (admin-role words, left boundary, words that turn a place name
//! into the name of a thing), context (home, dateline, anchors), tie handling and the
//! descent from province to township. Must not touch: files, the clock, other stages.

use std::borrow::Cow;

use crate::model::{Chain, Evidence, Level, Placement};

use super::gazetteer::{Cand, Form, Gazetteer, NodeId, short_form, unit_stem};

/// Weight of a mention in a headline line (title, kicker, subtitle).
const W_HEADLINE: f32 = 4.0;
/// Weight of a mention in the first sentence after the dateline, or in the sentence a
/// photo caption opens with 图为 (the place shown).
const W_LEAD: f32 = 2.0;
/// Weight of any other mention in the body.
const W_BODY: f32 = 1.0;
/// Weight of the publication's home and of the dateline place: a prior, not a topic.
const W_PRIOR: f32 = 1.0;

/// Words right after a name that make a short or two-character name trustworthy: the
/// name is the subject of an administrative body.
const ROLE_WORDS: &[&str] = &[
    "县委",
    "县政府",
    "区委",
    "区政府",
    "市委",
    "市政府",
    "州委",
    "旗委",
    "镇党委",
    "镇政府",
    "乡党委",
    "乡政府",
    "街道党工委",
    "街道办",
    "党工委",
    "管委会",
    "党委",
    "人民政府",
    "县长",
    "区长",
    "市长",
    "镇长",
    "乡长",
];

/// Words right after a short name that make it the name of a thing, not of the place:
/// 文昌公园, 合作社, 南沙河.
const THING_WORDS: &[&str] = &[
    "社", "路", "街", "大道", "小区", "社区", "村", "河", "湖", "江", "山", "公园", "广场", "桥",
    "站", "港", "机场", "中学", "小学", "大学", "学院", "医院", "宾馆", "饭店", "酒店", "银行",
    "公司", "集团", "厂", "号", "牌", "杯", "队", "场", "门", "楼", "湾", "岛", "园", "馆",
];

/// The first characters of [`THING_WORDS`], to skip the list for most matches.
const THING_FIRST: &str =
    "社路街大小村河湖江山公广桥站港机中学医宾饭酒银集厂号牌杯队场门楼湾岛园馆";

/// Characters that may stand right before a short name: function words and the last
/// character of a place type (when a parent name precedes).
pub(super) const LEFT_OK: &str =
    "在到于和与及赴来去至往从对向由是为了让把被将的同跟驻全原省市州盟县区旗镇乡";

/// Verbs of going to or looking at a place that end in a character [`LEFT_OK`] lacks
/// (走进, 聚焦): a name right after one stands at a word boundary.
const PLACE_VERBS: &[&str] = &[
    "走进", "走入", "深入", "进入", "聚焦", "探访", "落户", "扎根",
];

/// Verbs of shipping and selling right before a name: the place is where goods go, not
/// where the story happens (运往北京、天津, 销往全国各地).
pub(super) const DESTINATION_VERBS: &[&str] = &[
    "运往",
    "运到",
    "运抵",
    "销往",
    "销到",
    "卖到",
    "卖往",
    "发往",
    "寄往",
    "送往",
    "远销",
    "出口到",
    "出口至",
    "直供",
    "供往",
];

/// Words right after a place name that make it the name of an outlet (a news site, a
/// paper, a media centre, a broadcaster, a government account): the outlet's home, which
/// is context for the page, not the place a story is about.
const OUTLET_AFTER: &[&str] = &[
    "新闻网",
    "新闻传媒中心",
    "融媒体中心",
    "传媒中心",
    "新闻中心",
    "广播电视台",
    "电视台",
    "日报",
    "晚报",
    "时报",
    "晨报",
    "商报",
    "早报",
    "都市报",
    "在线",
    "政府网",
    "发布",
];

/// The first characters of [`OUTLET_AFTER`].
const OUTLET_FIRST: &str = "新融传广电日晚时晨商早都在政发";

/// Weight of an outlet's place (see [`OUTLET_AFTER`]): context, and a trace of weight so
/// that a text naming nothing else still has a place.
const W_OUTLET: f32 = 0.25;

/// Weight of a destination of goods (see [`DESTINATION_VERBS`]): a fraction of a mention.
const W_DESTINATION: f32 = 0.25;

/// Whether the match at `start` is a destination of goods: right after one of
/// [`DESTINATION_VERBS`], or after a destination and a list separator (北京、天津).
fn is_destination(text: &str, start: usize, prev: Option<&Raw>, prev_dest: bool) -> bool {
    let before = text.get(..start).unwrap_or("");
    // Every verb ends in one of these: most matches are turned away by one character.
    let verb_end = before
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '往' | '到' | '抵' | '销' | '供' | '至'));
    if verb_end && DESTINATION_VERBS.iter().any(|v| before.ends_with(v)) {
        return true;
    }
    prev_dest
        && prev.is_some_and(|p| {
            ["、", "和", "及", "与", "以及"]
                .iter()
                .any(|sep| p.end + sep.len() == start && before.ends_with(sep))
        })
}

/// A small set of nodes (a context holds a few dozen at most): a vector beats hashing.
#[derive(Default)]
struct NodeSet(Vec<NodeId>);

impl NodeSet {
    fn contains(&self, id: &NodeId) -> bool {
        self.0.contains(id)
    }
    fn insert(&mut self, id: NodeId) -> bool {
        if self.0.contains(&id) {
            false
        } else {
            self.0.push(id);
            true
        }
    }
}

/// Weights per node, for the few nodes an article names.
#[derive(Default)]
struct Tally(Vec<(NodeId, f32)>);

impl Tally {
    fn get(&self, id: &NodeId) -> Option<&f32> {
        self.0.iter().find(|(n, _)| n == id).map(|(_, w)| w)
    }
    fn add(&mut self, id: NodeId, w: f32) {
        match self.0.iter_mut().find(|(n, _)| *n == id) {
            Some((_, t)) => *t += w,
            None => self.0.push((id, w)),
        }
    }
    fn keys(&self) -> impl Iterator<Item = &NodeId> {
        self.0.iter().map(|(n, _)| n)
    }
}

/// Where a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Title,
    Kicker,
    Subtitle,
    Body,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Kicker => "kicker",
            Field::Subtitle => "subtitle",
            Field::Body => "body",
        }
    }
    fn headline(self) -> bool {
        !matches!(self, Field::Body)
    }
}

/// A text to place, one field at a time.
pub(crate) struct Input<'a> {
    pub(crate) fields: Vec<(Field, &'a str)>,
    pub(crate) hint: Option<&'a str>,
}

/// One match of a pattern in a folded field.
struct Raw {
    field: Field,
    start: usize,
    end: usize,
    pattern: u32,
    weight: f32,
    role_after: bool,
    thing_after: bool,
    left_ok: bool,
    /// A township's name ending in 乡 read on into 镇 (`某乡镇`) or into 村 (`某乡村`): the
    /// common noun for townships (各苏木乡镇) or the countryside (八方乡村), not the place.
    townships_word: bool,
    /// Followed by an outlet's word (see [`OUTLET_AFTER`]).
    outlet: bool,
    /// Index of the match that ends where this one starts, in the same field.
    adjacent_prev: Option<usize>,
    /// A township of a county named on the page, written with another type word than
    /// its official one (see [`add_renamed_towns`]): that township.
    renamed: Option<NodeId>,
    /// In the sentence that stands for the lead when the first sentence names no place
    /// (see [`lead_at_first_place`]).
    late_lead: bool,
}

impl Raw {
    /// A match found after the scan (a unit's stem, a renamed township): weighed by where
    /// it stands, with nothing read around it.
    fn added(field: Field, start: usize, end: usize, pattern: u32, lead_end: usize) -> Raw {
        let weight = match field {
            Field::Body if start < lead_end => W_LEAD,
            Field::Body => W_BODY,
            _ => W_HEADLINE,
        };
        Raw {
            field,
            start,
            end,
            pattern,
            weight,
            role_after: false,
            thing_after: false,
            left_ok: true,
            townships_word: false,
            outlet: false,
            adjacent_prev: None,
            renamed: None,
            late_lead: false,
        }
    }
}

/// What became of a match.
#[derive(Clone)]
enum Outcome {
    Placed {
        node: NodeId,
        note: Cow<'static, str>,
    },
    Rejected(Cow<'static, str>),
}

/// Priors from outside the text.
#[derive(Default)]
pub(crate) struct Priors {
    pub(crate) home: Option<NodeId>,
    pub(crate) dateline: Option<(String, NodeId)>,
}

/// Whether the text after a name ending in 乡 reads on into 乡村, the countryside: 村 not
/// followed by what makes it the township's villages or villagers (村民, 村委, 村干部,
/// 村党支部, 村两委, 村级, 村庄).
fn countryside_word(after: &str) -> bool {
    let mut cs = after.chars();
    cs.next() == Some('村')
        && !matches!(
            cs.next(),
            Some('民' | '委' | '干' | '党' | '两' | '级' | '庄')
        )
}

/// Scans folded text for matches.
fn scan(gaz: &Gazetteer, field: Field, text: &str, lead_end: usize, out: &mut Vec<Raw>) {
    let first = out.len();
    // Most texts show no photo caption: look for its marker once, not per match.
    let has_photo = text.contains("图为");
    let mut last_dest = false;
    for m in gaz.automaton().leftmost_find_iter(text) {
        let (start, end, pattern) = (m.start(), m.end(), m.value());
        let after = text.get(end..).unwrap_or("");
        let prev_char = text.get(..start).and_then(|s| s.chars().next_back());
        let left_ok = match prev_char {
            None => true,
            Some(c) => {
                !is_han(c)
                    || LEFT_OK.contains(c)
                    || (matches!(c, '进' | '入' | '焦' | '访' | '户' | '根')
                        && text
                            .get(..start)
                            .is_some_and(|b| PLACE_VERBS.iter().any(|v| b.ends_with(v))))
            }
        };
        let adjacent_prev = out
            .len()
            .checked_sub(1)
            .filter(|&i| i >= first)
            .filter(|&i| out.get(i).is_some_and(|r| r.end == start));
        // The words around a name matter only for names that are not trusted alone.
        let weak = gaz.pattern_is_weak(pattern);
        let outlet = after
            .chars()
            .next()
            .is_some_and(|c| OUTLET_FIRST.contains(c))
            && OUTLET_AFTER.iter().any(|w| after.starts_with(w));
        let role_after = weak && (outlet || ROLE_WORDS.iter().any(|w| after.starts_with(w)));
        let thing_after = weak
            && after
                .chars()
                .next()
                .is_some_and(|c| THING_FIRST.contains(c))
            && THING_WORDS.iter().any(|w| after.starts_with(w));
        let townships_word = text.get(..end).is_some_and(|t| t.ends_with('乡'))
            && (after.starts_with('镇') || countryside_word(after));
        let prev = out.last().filter(|_| out.len() > first);
        let dest = is_destination(text, start, prev, last_dest);
        last_dest = dest;
        let weight = match field {
            _ if outlet => W_OUTLET,
            _ if dest => W_DESTINATION,
            Field::Body => {
                if start < lead_end || (has_photo && in_photo_sentence(text, start)) {
                    W_LEAD
                } else {
                    W_BODY
                }
            }
            _ => W_HEADLINE,
        };
        out.push(Raw {
            field,
            start,
            end,
            pattern,
            weight,
            role_after,
            thing_after,
            left_ok,
            townships_word,
            outlet,
            adjacent_prev,
            renamed: None,
            late_lead: false,
        });
    }
    // a name right before another name (`崇明港西镇`: a county, then its township) is not
    // made a thing's name by the word after it: that word opens the next place's name
    for i in first..out.len().saturating_sub(1) {
        let next_start = out.get(i + 1).map(|r| r.start);
        if let Some(r) = out.get_mut(i)
            && r.thing_after
            && next_start == Some(r.end)
        {
            r.thing_after = false;
        }
    }
}

/// Township-level units that are not towns (旅游度假区, 开发区, 农场, 林场 …) go by the
/// stem of their name once the text has named them in full (枣林湾旅游度假区 … 枣林湾):
/// each later bare stem is one more mention of the unit. The stem alone is never a place:
/// without the full name in the same text nothing is added.
fn add_unit_stems(gaz: &Gazetteer, folded: &[(Field, Cow<'_, str>)], raws: &mut Vec<Raw>) {
    let mut units: Vec<(u32, &str, &str)> = Vec::new();
    for r in raws.iter() {
        if let Some((name, cands)) = gaz.pattern(r.pattern)
            && let [c] = cands
            && c.form == Form::Full
            && let Some(stem) = gaz.node(c.node).and_then(|n| unit_stem(n.name, n.level))
            && !units.iter().any(|u| u.0 == r.pattern)
        {
            units.push((r.pattern, name, stem));
        }
    }
    for (pattern, name, stem) in units {
        let suffix = name.get(stem.len()..).unwrap_or("");
        for (field, text) in folded {
            let lead_end = if *field == Field::Body {
                first_sentence_end(text)
            } else {
                0
            };
            for (start, _) in text.match_indices(stem) {
                let end = start + stem.len();
                let full_here = text.get(end..).is_some_and(|t| t.starts_with(suffix));
                // Inside another match (a longer name holding the stem) it is not ours.
                let covered = raws
                    .iter()
                    .any(|r| r.field == *field && r.start < end && start < r.end);
                if full_here || covered {
                    continue;
                }
                raws.push(Raw::added(*field, start, end, pattern, lead_end));
            }
        }
    }
}

/// Type words a text may write after a township's stem in place of its official one, and
/// the official endings each may stand for: a township renamed from 乡 to 镇 or from 镇 to
/// 街道 after the text was written (or before the table was), a street written 街 or 街办,
/// a street named after its road (`某某路街道` for 某某街道). Longest first.
const RENAMED_TYPES: &[(&str, &[&str])] = &[
    ("路街道", &["街道"]),
    ("街道", &["镇", "乡"]),
    ("街办", &["街道"]),
    ("镇", &["乡", "街道", "民族乡", "苏木"]),
    ("乡", &["镇", "街道", "苏木"]),
    ("街", &["街道"]),
];

/// The longest stem (in characters) read before a renamed type word.
const RENAMED_STEM_MAX: usize = 6;

/// Townships of the counties the page names (or is at home in), written with another type
/// word than their official one (`某某县某某乡` for today's 某某镇, `某某街` for 某某街道):
/// each such name is a mention of that township. A full name of a township elsewhere
/// matched at the same place (another county's 某某乡) gives way to it.
fn add_renamed_towns(
    gaz: &Gazetteer,
    folded: &[(Field, Cow<'_, str>)],
    counties: &[NodeId],
    raws: &mut Vec<Raw>,
) {
    if counties.is_empty() {
        return;
    }
    // (stem, official ending, township)
    let mut stems: Vec<(&str, &str, NodeId)> = Vec::new();
    for &k in counties {
        for t in gaz.townships_of(k) {
            if let Some(n) = gaz.node(t)
                && let Some(stem) = short_form(n.name, Level::Township)
                && let Some(ending) = n.name.get(stem.len()..)
                && n.name.starts_with(stem)
            {
                stems.push((stem, ending, t));
            }
        }
    }
    if stems.is_empty() {
        return;
    }
    for (field, text) in folded {
        let lead_end = if *field == Field::Body {
            first_sentence_end(text)
        } else {
            0
        };
        for (i, c) in text.char_indices() {
            if !matches!(c, '镇' | '乡' | '街' | '路') {
                continue;
            }
            let after = text.get(i..).unwrap_or("");
            let Some(&(word, endings)) = RENAMED_TYPES.iter().find(|(w, _)| after.starts_with(w))
            else {
                continue;
            };
            // 乡镇 and 乡村 are the common nouns (the townships, the countryside).
            let next = after.get(word.len()..).and_then(|s| s.chars().next());
            if word == "乡" && matches!(next, Some('镇' | '村')) {
                continue;
            }
            let end = i + word.len();
            let before = text.get(..i).unwrap_or("");
            // stems of two characters and more, longest first
            let mut starts: Vec<usize> = before
                .char_indices()
                .rev()
                .map(|(j, _)| j)
                .skip(1)
                .take(RENAMED_STEM_MAX - 1)
                .collect();
            starts.reverse();
            for j in starts {
                let stem = text.get(j..i).unwrap_or("");
                let found: Vec<&(&str, &str, NodeId)> = stems
                    .iter()
                    .filter(|(s, e, _)| *s == stem && endings.contains(e))
                    .collect();
                let &[&(_, _, town)] = found.as_slice() else {
                    continue;
                };
                // The official name itself is matched by the automaton.
                if stems.iter().any(|(s, e, _)| *s == stem && *e == word) {
                    break;
                }
                let Some(pattern) = gaz.node(town).and_then(|n| gaz.pattern_id(n.name)) else {
                    break;
                };
                let same_field = |r: &Raw| r.field == *field;
                // A longer match over this one (a name holding it) wins.
                if raws.iter().any(|r| {
                    same_field(r) && r.start < end && j < r.end && (r.start < j || r.end > end)
                }) {
                    break;
                }
                // A match inside it (another place's full name 某某乡, a county's short
                // name 某某) becomes it; two or more inside it leave it alone.
                let inside: Vec<usize> = raws
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| same_field(r) && j <= r.start && r.end <= end)
                    .map(|(k, _)| k)
                    .collect();
                match inside.as_slice() {
                    [] => {}
                    [k] => {
                        let before = raws.iter().position(|r| same_field(r) && r.end == j);
                        if let Some(r) = raws.get_mut(*k) {
                            r.adjacent_prev = r.adjacent_prev.filter(|_| r.start == j).or(before);
                            r.start = j;
                            r.end = end;
                            r.pattern = pattern;
                            r.renamed = Some(town);
                        }
                        break;
                    }
                    _ => break,
                }
                let adjacent_prev = raws.iter().position(|r| same_field(r) && r.end == j);
                let left_ok = text
                    .get(..j)
                    .and_then(|s| s.chars().next_back())
                    .is_none_or(|p| !is_han(p) || LEFT_OK.contains(p));
                if !left_ok && adjacent_prev.is_none() {
                    break;
                }
                raws.push(Raw {
                    left_ok,
                    adjacent_prev,
                    renamed: Some(town),
                    ..Raw::added(*field, j, end, pattern, lead_end)
                });
                break;
            }
        }
    }
}

/// A short name the text uses for a county elsewhere that is also the stem of a township
/// the text names in full inside the page's own county (曲江镇 … 曲江早菜, where 曲江 is
/// also a district in another province) names that township: the match is pointed at the
/// township's full name, and the context decides among the townships that bear it. When
/// the page names that county itself, its short name stays the county's.
fn repoint_town_stems(gaz: &Gazetteer, ctx: &NodeSet, raws: &mut [Raw]) {
    let counties: Vec<NodeId> = ctx
        .0
        .iter()
        .copied()
        .filter(|&n| gaz.node(n).is_some_and(|d| d.level == Level::County))
        .collect();
    if counties.is_empty() {
        return;
    }
    let mut towns: Vec<(u32, NodeId, &str)> = Vec::new();
    for r in raws.iter() {
        let Some((_, cands)) = gaz.pattern(r.pattern) else {
            continue;
        };
        for c in cands {
            if c.form == Form::Full
                && let Some(n) = gaz.node(c.node)
                && n.level == Level::Township
                && counties.iter().any(|&k| gaz.is_ancestor_or_self(k, c.node))
                && let Some(stem) = short_form(n.name, n.level)
                && !towns.iter().any(|t| t.0 == r.pattern)
            {
                towns.push((r.pattern, c.node, stem));
            }
        }
    }
    for (pattern, town, stem) in towns {
        for q in raws.iter_mut() {
            if let Some((p, cands)) = gaz.pattern(q.pattern)
                && p == stem
                && !cands.is_empty()
                && cands
                    .iter()
                    .all(|c| c.form == Form::Short && !gaz.is_ancestor_or_self(c.node, town))
                // a county the page names itself keeps its short name
                && !cands.iter().any(|c| ctx.contains(&c.node))
            {
                q.pattern = pattern;
            }
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// True when the sentence holding `pos` opens with 图为 (a caption naming the place shown).
fn in_photo_sentence(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("");
    let sentence_start = before
        .rfind(['。', '！', '？', '\n'])
        .map_or(0, |i| i + '。'.len_utf8());
    let sentence = before.get(sentence_start..).unwrap_or("");
    sentence.contains("图为")
}

/// A body whose first sentence names no place (a date and the weather, a scene) has its
/// lead in the first sentence that does: a place named there right after its parent is
/// the lead's address of the story (lead-first-place); the weights stay. Only matches
/// that could stand as places count (an outlet's name or a short name inside a word does
/// not).
fn lead_at_first_place(gaz: &Gazetteer, folded: &[(Field, Cow<'_, str>)], raws: &mut [Raw]) {
    let Some((_, text)) = folded.iter().find(|(f, _)| *f == Field::Body) else {
        return;
    };
    let could_stand = |r: &Raw| {
        r.field == Field::Body
            && !r.outlet
            && (r.renamed.is_some()
                || r.role_after
                || gaz
                    .pattern(r.pattern)
                    .is_some_and(|(p, cands)| cands.iter().any(|c| strong(gaz, p, c))))
    };
    let lead_end = first_sentence_end(text);
    if raws.iter().any(|r| could_stand(r) && r.start < lead_end) {
        return;
    }
    let Some(first) = raws
        .iter()
        .filter(|r| could_stand(r))
        .map(|r| r.start)
        .min()
    else {
        return;
    };
    let from = text
        .get(..first)
        .and_then(|b| b.rfind(['。', '！', '？', '；', '\n']))
        .map_or(0, |i| {
            i + text
                .get(i..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8)
        });
    let to = text
        .get(first..)
        .and_then(|t| t.find(['。', '！', '？', '；']))
        .map_or(text.len(), |i| first + i + '。'.len_utf8());
    for r in raws.iter_mut() {
        if r.field == Field::Body && (from..to).contains(&r.start) {
            r.late_lead = true;
        }
    }
}

/// End of the first sentence of a folded body.
fn first_sentence_end(text: &str) -> usize {
    text.find(['。', '！', '？', '；'])
        .map_or(text.len(), |i| i + '。'.len_utf8())
}

/// What a page says of where it is: the places above the township it names in full, and
/// its priors (home, dateline, outlets).
struct Support {
    named: NodeSet,
    /// The page has priors: without them a township's name is not asked for support.
    from_priors: bool,
}

/// Common nouns for towns that township names end in after one character (小城镇, 分乡镇).
const TOWN_NOUNS: &[&str] = &["城镇", "乡镇", "村镇", "集镇"];

/// A township whose name is one character and a common noun for towns.
fn common_noun_town(gaz: &Gazetteer, id: NodeId) -> bool {
    gaz.node(id).is_some_and(|n| {
        n.level == Level::Township
            && n.name.chars().count() == 3
            && TOWN_NOUNS.iter().any(|w| n.name.ends_with(w))
    })
}

/// Is a (weak) candidate's parent in the context?
fn parent_in(gaz: &Gazetteer, c: &Cand, ctx: &NodeSet) -> bool {
    gaz.parent(c.node).is_some_and(|p| ctx.contains(&p))
}

/// The province of a node (depth 1).
fn province_of(gaz: &Gazetteer, id: NodeId) -> NodeId {
    let mut cur = id;
    while let Some(p) = gaz.parent(cur) {
        cur = p;
    }
    cur
}

/// A county-level short name whose province is in the context and which no other county
/// or prefecture of that province bears (赞皇 in a text about 河北).
fn only_one_in_province(gaz: &Gazetteer, c: &Cand, cands: &[Cand], ctx: &NodeSet) -> bool {
    let upper = |n: NodeId| {
        gaz.node(n)
            .is_some_and(|d| matches!(d.level, Level::County | Level::Prefecture))
    };
    if !upper(c.node) {
        return false;
    }
    let prov = province_of(gaz, c.node);
    ctx.contains(&prov)
        && cands
            .iter()
            .filter(|o| upper(o.node) && province_of(gaz, o.node) == prov)
            .count()
            == 1
}

/// A prefecture-level short name that no county or other prefecture bears (济南, 宁波):
/// the usual way the news names a city.
fn unique_prefecture(gaz: &Gazetteer, c: &Cand, cands: &[Cand]) -> bool {
    gaz.node(c.node)
        .is_some_and(|n| n.level == Level::Prefecture)
        && cands.iter().all(|o| o.node == c.node)
}

/// Forms the resolver trusts on their own.
pub(crate) fn strong(gaz: &Gazetteer, pattern: &str, c: &Cand) -> bool {
    match c.form {
        Form::Full | Form::History => {
            pattern.chars().count() >= 3
                || gaz.node(c.node).is_some_and(|n| n.level == Level::Province)
        }
        Form::Zone | Form::Alias | Form::Plain => true,
        Form::Short => gaz.node(c.node).is_some_and(|n| n.level == Level::Province),
        Form::ZoneBare => false,
    }
}

/// Deepest context node that is an ancestor-or-self of `id` (its depth; 0 for none).
fn affinity(gaz: &Gazetteer, id: NodeId, ctx: &NodeSet) -> usize {
    let mut cur = Some(id);
    while let Some(c) = cur {
        if ctx.contains(&c) {
            return gaz.depth(c);
        }
        cur = gaz.parent(c);
    }
    0
}

/// Adds a node and its ancestors to a context set.
fn add_chain(gaz: &Gazetteer, id: NodeId, ctx: &mut NodeSet) {
    let mut cur = Some(id);
    while let Some(c) = cur {
        ctx.insert(c);
        cur = gaz.parent(c);
    }
}

/// Resolves one match given the context and the match right before it.
fn resolve_one(
    gaz: &Gazetteer,
    raw: &Raw,
    prev: Option<NodeId>,
    next: Option<&[Cand]>,
    ctx: &NodeSet,
    support: &Support,
) -> Outcome {
    let Some((pattern, cands)) = gaz.pattern(raw.pattern) else {
        return Outcome::Rejected("unknown pattern".into());
    };
    if raw.townships_word {
        return Outcome::Rejected(
            "read on into 镇 or 村: the common noun for townships (乡镇) or the countryside (乡村)"
                .into(),
        );
    }
    if let Some(town) = raw.renamed {
        return Outcome::Placed {
            node: town,
            note: "a township of a county on the page, written with another type word (renamed-township)"
                .into(),
        };
    }
    // A parent named right before narrows the candidates and vouches for them.
    if let Some(p) = prev {
        let under: Vec<NodeId> = cands
            .iter()
            .filter(|c| c.node != p && gaz.is_ancestor_or_self(p, c.node))
            .map(|c| c.node)
            .collect();
        if !under.is_empty() {
            return decide(gaz, &under, ctx, |_| "under the place named before it");
        }
    }
    let mut admissible: Vec<&Cand> = Vec::new();
    let mut why_not = "";
    for c in cands {
        let level = gaz.node(c.node).map(|n| n.level);
        let ok = if raw.thing_after && !strong(gaz, pattern, c) {
            why_not = "followed by a word that makes it the name of a thing";
            false
        } else if c.form == Form::History && !raw.left_ok {
            // Former names include generic ones (城区社区, 城关镇): inside a longer word
            // (旧城区社区) they are that word, not the place.
            why_not = "a former name inside a longer word";
            false
        } else if strong(gaz, pattern, c)
            || (raw.role_after && raw.left_ok)
            || next.is_some_and(|n| {
                n.iter()
                    .any(|d| d.node != c.node && gaz.is_ancestor_or_self(c.node, d.node))
            })
        {
            // Trusted alone, before an admin-role word, or right before a place inside it
            // (福州鼓楼区).
            true
        } else if !raw.left_ok {
            why_not = "inside a longer word";
            false
        } else if c.form == Form::ZoneBare {
            // A bare zone type is its context's zone, or nothing.
            let ok = gaz.parent(c.node).is_some_and(|p| ctx.contains(&p)) || ctx.contains(&c.node);
            if !ok {
                why_not = "zone type alone, and no zone of that type in the context";
            }
            ok
        } else if level == Some(Level::Township) {
            why_not = "short township name without its county or an admin-role word";
            false
        } else {
            let ok = parent_in(gaz, c, ctx)
                || only_one_in_province(gaz, c, cands, ctx)
                || unique_prefecture(gaz, c, cands);
            if !ok {
                why_not = "short name without its parent in the context or an admin-role word";
            }
            ok
        };
        if ok {
            admissible.push(c);
        }
    }
    if admissible.is_empty() {
        return Outcome::Rejected(Cow::Borrowed(why_not));
    }
    // A township's name is often an ordinary word too (a forestry bureau, small towns):
    // on a page that says where it is at home, it needs its county, city or province on
    // the page before it can carry a story.
    let unsupported = |c: &&Cand| {
        gaz.node(c.node).is_some_and(|d| d.level == Level::Township)
            && affinity(gaz, c.node, &support.named) == 0
    };
    if support.from_priors && !raw.role_after && admissible.iter().all(unsupported) {
        return Outcome::Rejected(
            "a township's name with neither its county, city nor province on the page nor at the outlet's home"
                .into(),
        );
    }
    // A township named by one character and a common noun for towns (小城镇, 某乡镇,
    // 某村镇) is that noun unless its county, city or province is on the page.
    if !raw.role_after
        && admissible
            .iter()
            .all(|c| unsupported(c) && common_noun_town(gaz, c.node))
    {
        return Outcome::Rejected(
            "one character and a common noun for towns (城镇, 乡镇), with neither its county, city nor province on the page (common-noun-town)"
                .into(),
        );
    }
    // An official name that fits the context at least as well as an ethnic division written
    // without its ethnic group (民乐乡 is a township's official name and also 民乐朝鲜族乡
    // shortened) wins: the shortening is a habit, the official name a fact.
    let fit = |plain: bool| {
        admissible
            .iter()
            .filter(|c| (c.form == Form::Plain) == plain)
            .map(|c| affinity(gaz, c.node, ctx))
            .max()
    };
    if let (Some(official), Some(plain)) = (fit(false), fit(true))
        && official >= plain
    {
        admissible.retain(|c| c.form != Form::Plain);
    }
    // A short name a prefecture shares with its own district (a city and the district
    // named after it) is the city: that is how the news names a city.
    let city_of_its_district = |c: &&Cand| {
        c.form == Form::Short
            && admissible.iter().any(|o| {
                o.node != c.node
                    && o.form == Form::Short
                    && gaz.parent(c.node) == Some(o.node)
                    && gaz
                        .node(o.node)
                        .is_some_and(|d| d.level == Level::Prefecture)
            })
    };
    let districts: Vec<NodeId> = admissible
        .iter()
        .filter(|c| city_of_its_district(c))
        .map(|c| c.node)
        .collect();
    if !districts.is_empty() {
        admissible.retain(|c| !districts.contains(&c.node));
    }
    let ids: Vec<NodeId> = admissible.iter().map(|c| c.node).collect();
    let label = |id: NodeId| {
        admissible
            .iter()
            .find(|c| c.node == id)
            .map_or("name", |c| c.form.label())
    };
    decide(gaz, &ids, ctx, label)
}

/// Picks among candidates by context; a tie stops at the deepest shared level.
fn decide(
    gaz: &Gazetteer,
    ids: &[NodeId],
    ctx: &NodeSet,
    how: impl Fn(NodeId) -> &'static str,
) -> Outcome {
    if let [one] = ids {
        return Outcome::Placed {
            node: *one,
            note: Cow::Borrowed(how(*one)),
        };
    }
    let best = ids
        .iter()
        .map(|&id| affinity(gaz, id, ctx))
        .max()
        .unwrap_or(0);
    let winners: Vec<NodeId> = ids
        .iter()
        .copied()
        .filter(|&id| affinity(gaz, id, ctx) == best)
        .collect();
    if let [one] = winners.as_slice() {
        let by = gaz
            .node(*one)
            .and_then(|_| {
                let mut cur = Some(*one);
                while let Some(c) = cur {
                    if ctx.contains(&c) {
                        return gaz.node(c).map(|n| n.name.to_string());
                    }
                    cur = gaz.parent(c);
                }
                None
            })
            .unwrap_or_default();
        return Outcome::Placed {
            node: *one,
            note: format!(
                "{}; {} places bear it, {by} in the context decides",
                how(*one),
                ids.len()
            )
            .into(),
        };
    }
    match gaz.common_ancestor(&winners) {
        // The shared level is already known from the context: the name adds nothing.
        Some(a) if ctx.contains(&a) => Outcome::Rejected(
            format!(
                "{} places bear it, none of them under the context's deepest place",
                winners.len()
            )
            .into(),
        ),
        Some(a) => Outcome::Placed {
            node: a,
            note: format!(
                "{}; {} places bear it and nothing decides: stopped at the level they share",
                winners.first().map_or("name", |&w| how(w)),
                winners.len()
            )
            .into(),
        },
        None => Outcome::Rejected(
            format!(
                "{} places bear it in different provinces and nothing decides",
                winners.len()
            )
            .into(),
        ),
    }
}

/// A resolved mention.
struct Placed {
    raw_index: usize,
    node: NodeId,
    weight: f32,
}

/// Places a text.
pub(crate) fn place(gaz: &Gazetteer, input: &Input<'_>, priors: &Priors) -> Placement {
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut folded: Vec<(Field, Cow<'_, str>)> = Vec::with_capacity(input.fields.len());
    let mut raws: Vec<Raw> = Vec::new();
    for &(field, text) in &input.fields {
        let s = gaz.normalize(text);
        let lead_end = if field == Field::Body {
            first_sentence_end(&s)
        } else {
            0
        };
        scan(gaz, field, &s, lead_end, &mut raws);
        folded.push((field, s));
    }
    add_unit_stems(gaz, &folded, &mut raws);
    let text_of = |r: &Raw| -> String {
        folded
            .iter()
            .find(|(f, _)| *f == r.field)
            .and_then(|(_, s)| s.get(r.start..r.end))
            .unwrap_or("")
            .to_string()
    };

    // Nothing named and nothing known: no place (the common case for a short paragraph).
    if raws.is_empty() && priors.home.is_none() && priors.dateline.is_none() && input.hint.is_none()
    {
        return Placement::default();
    }

    // Context: priors, then anchors (strong mentions with one candidate).
    let mut ctx: NodeSet = NodeSet::default();
    if let Some(h) = priors.home {
        add_chain(gaz, h, &mut ctx);
    }
    if let Some((_, d)) = &priors.dateline {
        add_chain(gaz, *d, &mut ctx);
    }
    // Places the page's outlets are named after: where the page is at home.
    for r in raws.iter().filter(|r| r.outlet) {
        if let Some((_, cands)) = gaz.pattern(r.pattern) {
            let upper: Vec<NodeId> = cands
                .iter()
                .filter(|c| c.form != Form::ZoneBare)
                .map(|c| c.node)
                .filter(|&n| gaz.node(n).is_some_and(|d| d.level != Level::Township))
                .collect();
            if let [one] = upper.as_slice() {
                add_chain(gaz, *one, &mut ctx);
            }
        }
    }
    // What the page says of itself, before its stories name places: the home, the
    // dateline, the outlets, and places above the township named in full.
    let mut support: NodeSet = NodeSet::default();
    for &n in ctx.0.iter() {
        support.insert(n);
    }
    let from_priors = !support.0.is_empty();
    for r in &raws {
        if let Some((p, cands)) = gaz.pattern(r.pattern)
            && let [c] = cands
            && strong(gaz, p, c)
        {
            add_chain(gaz, c.node, &mut ctx);
            if gaz.node(c.node).is_some_and(|d| d.level != Level::Township) {
                add_chain(gaz, c.node, &mut support);
            }
        }
    }
    let support = Support {
        named: support,
        from_priors,
    };
    // Counties the page is at home in or names itself (not those only implied by a
    // township's name): their townships may be written with another type word.
    let counties: Vec<NodeId> = ctx
        .0
        .iter()
        .copied()
        .filter(|&n| gaz.node(n).is_some_and(|d| d.level == Level::County))
        .filter(|&n| {
            [priors.home, priors.dateline.as_ref().map(|d| d.1)]
                .into_iter()
                .flatten()
                .any(|p| gaz.is_ancestor_or_self(n, p))
                || raws.iter().any(|r| {
                    gaz.pattern(r.pattern)
                        .is_some_and(|(_, cands)| cands.iter().any(|c| c.node == n))
                })
        })
        .collect();
    add_renamed_towns(gaz, &folded, &counties, &mut raws);
    repoint_town_stems(gaz, &ctx, &mut raws);
    lead_at_first_place(gaz, &folded, &mut raws);

    // The hint from front matter decides when it names a place.
    if let Some(h) = input.hint.and_then(|h| super::resolve_str(gaz, h)) {
        evidence.push(Evidence {
            text: input.hint.unwrap_or("").to_string(),
            field: "hint".into(),
            code: gaz.node(h).map(|n| n.code.to_string()).unwrap_or_default(),
            note: "the input names its locality".into(),
        });
        let (_, also, ev) = weigh(gaz, &raws, &ctx, &support, priors, &text_of, Some(h));
        evidence.extend(ev);
        return Placement {
            primary: gaz.chain_of(h),
            also,
            evidence,
        };
    }

    let (primary, also, ev) = weigh(gaz, &raws, &ctx, &support, priors, &text_of, None);
    evidence.extend(ev);
    Placement {
        primary: primary.map(|p| gaz.chain_of(p)).unwrap_or_default(),
        also,
        evidence,
    }
}

/// Resolves every match, tallies weights and chooses the primary place and the others.
fn weigh(
    gaz: &Gazetteer,
    raws: &[Raw],
    ctx: &NodeSet,
    support: &Support,
    priors: &Priors,
    text_of: &dyn Fn(&Raw) -> String,
    fixed: Option<NodeId>,
) -> (Option<NodeId>, Vec<Chain>, Vec<Evidence>) {
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(raws.len());
    for (i, r) in raws.iter().enumerate() {
        let prev = r.adjacent_prev.and_then(|p| match outcomes.get(p) {
            Some(Outcome::Placed { node, .. }) => Some(*node),
            _ => None,
        });
        let next = raws
            .get(i + 1)
            .filter(|n| n.field == r.field && n.start == r.end)
            .and_then(|n| gaz.pattern(n.pattern))
            .map(|(_, c)| c);
        let o = resolve_one(gaz, r, prev, next, ctx, support);
        debug_assert!(outcomes.len() == i);
        outcomes.push(o);
    }
    // A name followed at once by a place inside it (浙江省安吉县递铺街道) counts once, for
    // the deepest.
    let mut placed: Vec<Placed> = Vec::new();
    let mut merged: Vec<bool> = vec![false; raws.len()];
    for (i, r) in raws.iter().enumerate() {
        if let (Some(p), Some(Outcome::Placed { node, .. })) = (r.adjacent_prev, outcomes.get(i))
            && let Some(Outcome::Placed { node: pn, .. }) = outcomes.get(p)
            && *pn != *node
            && gaz.is_ancestor_or_self(*pn, *node)
            && let Some(m) = merged.get_mut(p)
        {
            *m = true;
        }
    }
    for (i, (r, o)) in raws.iter().zip(&outcomes).enumerate() {
        if let Outcome::Placed { node, .. } = o
            && !merged.get(i).copied().unwrap_or(false)
        {
            placed.push(Placed {
                raw_index: i,
                node: *node,
                weight: r.weight,
            });
        }
    }

    // Tallies: own weight per node, total per node with its descendants.
    let mut total = Tally::default();
    let mut headline: NodeSet = NodeSet::default();
    let mut add_weight = |id: NodeId, w: f32, head: bool, total: &mut Tally| {
        let mut cur = Some(id);
        while let Some(c) = cur {
            total.add(c, w);
            if head {
                headline.insert(c);
            }
            cur = gaz.parent(c);
        }
    };
    // Places a headline line names themselves (not through a place under them).
    let mut headline_named = NodeSet::default();
    for p in &placed {
        // An outlet's name in a headline line (a site name over the story) is no headline
        // mention of a place.
        let head = raws
            .get(p.raw_index)
            .is_some_and(|r| r.field.headline() && !r.outlet);
        if head {
            headline_named.insert(p.node);
        }
        add_weight(p.node, p.weight, head, &mut total);
    }
    let mentioned = !placed.is_empty();
    if let Some(h) = priors.home {
        add_weight(h, W_PRIOR, false, &mut total);
    }
    // A dateline on the home's own chain says nothing the home did not: one prior.
    if let Some((_, d)) = &priors.dateline
        && priors
            .home
            .is_none_or(|h| !gaz.is_ancestor_or_self(h, *d) && !gaz.is_ancestor_or_self(*d, h))
    {
        add_weight(*d, W_PRIOR, false, &mut total);
    }

    // A level the lead's address decided (see `descend`), for the evidence.
    let mut by_lead: Option<NodeId> = None;
    let primary = match fixed {
        Some(f) => Some(f),
        None if !mentioned => priors.home.or(priors.dateline.as_ref().map(|d| d.1)),
        None => {
            // Townships the lead names with their county before them (某县某镇某村): the
            // lead's own statement of where the story is, unless the body goes on to name
            // the county by itself (a county-wide story that opens at one place).
            let mut chained = NodeSet::default();
            let mut body_nodes = NodeSet::default();
            for q in &placed {
                if raws
                    .get(q.raw_index)
                    .is_some_and(|r| r.field == Field::Body)
                {
                    body_nodes.insert(q.node);
                }
            }
            let in_body = |node: NodeId| body_nodes.contains(&node);
            // Any place the lead names right after its parent (某市某县, 某县某镇).
            let mut lead_named = NodeSet::default();
            for p in &placed {
                if let Some(r) = raws.get(p.raw_index)
                    && r.field == Field::Body
                    && (r.weight == W_LEAD || r.late_lead)
                    && r.adjacent_prev
                        .is_some_and(|i| merged.get(i).copied().unwrap_or(false))
                {
                    lead_named.insert(p.node);
                    if gaz.node(p.node).is_some_and(|n| n.level == Level::Township)
                        && gaz.parent(p.node).is_some_and(|c| !in_body(c))
                    {
                        chained.insert(p.node);
                    }
                }
            }
            descend(
                gaz,
                &total,
                &headline,
                &Lead {
                    chained: &chained,
                    named: &lead_named,
                    headline_named: &headline_named,
                },
                &mut by_lead,
            )
        }
    };

    // Other places: named in a headline, or weighty in the body, outside the primary's
    // own chain and subtree.
    let mut also_ids: Vec<NodeId> = Vec::new();
    if let Some(pr) = primary {
        let pr_total = total.get(&pr).copied().unwrap_or(0.0);
        let mut seen: NodeSet = NodeSet::default();
        for p in &placed {
            let n = p.node;
            if gaz.is_ancestor_or_self(n, pr) || gaz.is_ancestor_or_self(pr, n) || !seen.insert(n) {
                continue;
            }
            let t = total.get(&n).copied().unwrap_or(0.0);
            if headline.contains(&n) || (t >= 3.0 && t >= 0.3 * pr_total) {
                also_ids.push(n);
            }
        }
        let snapshot = also_ids.clone();
        also_ids.retain(|&a| {
            !snapshot
                .iter()
                .any(|&b| b != a && gaz.is_ancestor_or_self(a, b))
        });
    }
    let also: Vec<Chain> = also_ids.iter().map(|&a| gaz.chain_of(a)).collect();

    // Evidence: priors, then each distinct mention with what became of it.
    let mut evidence = Vec::new();
    if let Some(h) = priors.home.and_then(|h| gaz.node(h)) {
        evidence.push(Evidence {
            text: h.name.to_string(),
            field: "home".into(),
            code: h.code.to_string(),
            note: "the publication's home: context, and a small prior".into(),
        });
    }
    if let Some((t, d)) = &priors.dateline
        && let Some(n) = gaz.node(*d)
    {
        evidence.push(Evidence {
            text: t.clone(),
            field: "dateline".into(),
            code: n.code.to_string(),
            note: "the dateline place: context, and a small prior".into(),
        });
    }
    if let Some(n) = by_lead.and_then(|k| gaz.node(k)) {
        evidence.push(Evidence {
            text: n.name.to_string(),
            field: "lead".into(),
            code: n.code.to_string(),
            note: "weights tie among its siblings; the lead names a place in it right after its parent (lead-address)".into(),
        });
    }
    // One line per distinct (pattern, field, outcome); repeats raise its count.
    let mut seen: Vec<(EvidenceKey, usize)> = Vec::new();
    for (i, (r, o)) in raws.iter().zip(&outcomes).enumerate() {
        let node = match o {
            Outcome::Placed { node, .. } => Some(*node),
            Outcome::Rejected(_) => None,
        };
        let key = (r.pattern, r.field.name(), node);
        if let Some(&(_, at)) = seen.iter().find(|(k, _)| *k == key) {
            if let Some(e) = evidence.get_mut(at) {
                e.note = bump_count(&e.note);
            }
            continue;
        }
        let (code, note) = match o {
            Outcome::Placed { node, note } => {
                let code = gaz
                    .node(*node)
                    .map(|n| n.code.to_string())
                    .unwrap_or_default();
                let note = if merged.get(i).copied().unwrap_or(false) {
                    format!("{note}; part of a longer place name")
                } else {
                    format!("{note}; weight {}", r.weight)
                };
                (code, note)
            }
            Outcome::Rejected(why) => {
                if !worth_reporting(gaz, r) {
                    continue;
                }
                (String::new(), format!("ignored: {why}"))
            }
        };
        seen.push((key, evidence.len()));
        evidence.push(Evidence {
            text: text_of(r),
            field: r.field.name().into(),
            code,
            note,
        });
    }
    (primary, also, evidence)
}

/// A rejected match is reported when it could have been taken for a county or more, or
/// for an official name: short township names inside ordinary words are noise.
fn worth_reporting(gaz: &Gazetteer, r: &Raw) -> bool {
    gaz.pattern(r.pattern).is_some_and(|(_, cands)| {
        cands.iter().any(|c| {
            c.form != Form::Short || gaz.node(c.node).is_some_and(|n| n.level != Level::Township)
        })
    })
}

/// What makes an evidence line distinct: pattern, field, the division it was taken for.
type EvidenceKey = (u32, &'static str, Option<NodeId>);

/// Adds one to the `×N` count at the end of a note.
fn bump_count(note: &str) -> String {
    if let Some((head, n)) = note.rsplit_once(" ×")
        && let Ok(k) = n.parse::<u32>()
    {
        return format!("{head} ×{}", k + 1);
    }
    format!("{note} ×2")
}

/// What the lead says of where a story is, for [`descend`].
struct Lead<'a> {
    /// Townships the lead names after their county, the county not named alone in the body.
    chained: &'a NodeSet,
    /// Places the lead (or the first sentence naming a place) names right after their parent.
    named: &'a NodeSet,
    /// Places a headline line names themselves.
    headline_named: &'a NodeSet,
}

/// From the top down, follows the child that carries the text: a child named in a
/// headline when no sibling is, else the heaviest child when it holds at least half of its
/// parent's weight and no sibling weighs as much. Ties stop the descent.
fn descend(
    gaz: &Gazetteer,
    total: &Tally,
    headline: &NodeSet,
    lead: &Lead<'_>,
    by_lead: &mut Option<NodeId>,
) -> Option<NodeId> {
    let (lead_chained, lead_named, headline_named) =
        (lead.chained, lead.named, lead.headline_named);
    // A text names a few dozen places at most: a linear pass beats building a map.
    let kids_of = |p: Option<NodeId>| -> Vec<NodeId> {
        total
            .keys()
            .copied()
            .filter(|&n| gaz.parent(n) == p)
            .collect()
    };
    let root_total: f32 = kids_of(None)
        .iter()
        .map(|c| total.get(c).copied().unwrap_or(0.0))
        .sum();
    let mut cur: Option<NodeId> = None;
    loop {
        let kids = kids_of(cur);
        if kids.is_empty() {
            return cur;
        }
        let parent_total = match cur {
            Some(c) => total.get(&c).copied().unwrap_or(0.0),
            None => root_total,
        };
        let mut ranked: Vec<(NodeId, f32)> = kids
            .iter()
            .map(|&k| (k, total.get(&k).copied().unwrap_or(0.0)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let head_kids: Vec<NodeId> = kids
            .iter()
            .copied()
            .filter(|k| headline.contains(k))
            .collect();
        let next = if let [only] = head_kids.as_slice() {
            Some(*only)
        } else {
            // Above the county level, the parent's own mentions are mostly framing (全省,
            // the province named in passing): a lone child named more than once is enough.
            let framing = cur
                .and_then(|c| gaz.node(c))
                .is_none_or(|n| matches!(n.level, Level::Province | Level::Prefecture));
            // At the county level, a county's or zone's own mentions are often its bodies
            // (党工委, 党群工作部, 相关负责人) framing the story: a lone township named in
            // the lead, or again and again, carries it.
            // So does a lone township the lead names after its county, however often the
            // county itself is named.
            let lone_township = |k: NodeId, w: f32| {
                w >= 2.0
                    && (w * 3.0 >= parent_total || lead_chained.contains(&k))
                    && gaz.node(k).is_some_and(|n| n.level == Level::Township)
            };
            let by_weight = match ranked.as_slice() {
                [] => None,
                [(k, w)] => (*w >= 0.5 * parent_total
                    || (framing && *w >= 2.0 && *w >= 0.25 * parent_total)
                    || lone_township(*k, *w))
                .then_some(*k),
                // Above the county level, a child that outweighs all its siblings
                // together twice over carries the text even under much framing.
                [(k, w), rest @ ..] => {
                    let others: f32 = rest.iter().map(|(_, x)| x).sum();
                    let w2 = rest.first().map_or(0.0, |(_, x)| *x);
                    ((*w >= 0.5 * parent_total && *w > w2)
                        || (framing && *w >= 2.0 && *w >= 2.0 * others && *w >= 0.4 * parent_total))
                        .then_some(*k)
                }
            };
            // Above the county level, when weight alone cannot tell, the one child holding
            // a place the lead names after its parent (某市某县某镇: the lead's own address
            // of the story) carries it, if no sibling weighs more (lead-address).
            by_weight.or_else(|| {
                let top = ranked.first().map_or(0.0, |(_, w)| *w);
                let holding: Vec<(NodeId, f32)> = ranked
                    .iter()
                    .copied()
                    .filter(|&(k, _)| lead_named.0.iter().any(|&n| gaz.is_ancestor_or_self(k, n)))
                    .collect();
                // A headline naming the parent itself says the story is about it.
                let parent_in_headline = cur.is_some_and(|c| headline_named.contains(&c));
                match holding.as_slice() {
                    [(k, w)] if framing && !parent_in_headline && *w >= 2.0 && *w >= top => {
                        *by_lead = Some(*k);
                        Some(*k)
                    }
                    _ => None,
                }
            })
        };
        match next {
            Some(n) => cur = Some(n),
            None => return cur,
        }
    }
}

#[cfg(test)]
mod shortcut_tests {
    use super::{OUTLET_AFTER, OUTLET_FIRST, THING_FIRST, THING_WORDS};

    /// Asserts that every word starts with one of the shortcut's characters.
    fn covered(words: &[&str], firsts: &str) {
        for w in words {
            let first = w.chars().next().unwrap();
            assert!(
                firsts.contains(first),
                "{w} starts with a character {firsts} lacks"
            );
        }
    }

    #[test]
    fn the_first_character_shortcut_covers_every_outlet_word() {
        covered(OUTLET_AFTER, OUTLET_FIRST);
    }

    #[test]
    fn every_place_verb_ends_in_a_checked_character() {
        for v in super::PLACE_VERBS {
            let last = v.chars().next_back().unwrap();
            assert!(
                matches!(last, '进' | '入' | '焦' | '访' | '户' | '根'),
                "{v} ends in a character the scan does not check"
            );
        }
    }

    #[test]
    fn the_first_character_shortcut_covers_every_thing_word() {
        covered(THING_WORDS, THING_FIRST);
    }
}
