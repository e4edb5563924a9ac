//! The division table embedded in the binary, its name forms and the automaton over them.
//!
//! Owns: parsing `data/gazetteer/*.tsv` (compiled in), the parent of each row, pseudo
//! rows, short forms, development-zone aliases, historical names, traditional-character
//! folding, and look-ups by code and name. Must not touch: files, the clock, articles.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

use crate::model::{Chain, Division, Level};

const TABLE: &str = include_str!("../../data/gazetteer/nbs-2023.tsv");
const HISTORY: &str = include_str!("../../data/gazetteer/history.tsv");
const ALIASES: &str = include_str!("../../data/gazetteer/aliases.tsv");
const T2S: &str = include_str!("../../data/gazetteer/t2s.tsv");

/// Index of a row of the table.
pub(crate) type NodeId = u32;

/// How a pattern names a division; decides how much the resolver trusts a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Form {
    /// The official name.
    Full,
    /// The official name with one suffix stripped (安吉 for 安吉县).
    Short,
    /// A development zone named by prefecture and zone type (净月高新区).
    Zone,
    /// A zone type alone (高新区): one of many zones, only the context can tell which.
    ZoneBare,
    /// A hand-written alias (`aliases.tsv`).
    Alias,
    /// A name the same code had in the 2020–2022 editions.
    History,
    /// The official name of an ethnic division without its ethnic group names, its level
    /// word kept (互助县 for 互助土族自治县, 延边州, 民乐乡 for 民乐朝鲜族乡): how the news
    /// usually writes them, and as specific as the full name.
    Plain,
}

impl Form {
    /// A short word for evidence notes.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Form::Full => "official name",
            Form::Short => "short form",
            Form::Zone => "zone short form",
            Form::ZoneBare => "zone type alone",
            Form::Alias => "alias",
            Form::History => "former name",
            Form::Plain => "name without its ethnic group",
        }
    }
}

/// One division a pattern may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Cand {
    /// The division.
    pub(crate) node: NodeId,
    /// How the pattern names it.
    pub(crate) form: Form,
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct Node {
    /// Division code (2, 4, 6 or 9 digits).
    pub(crate) code: &'static str,
    /// Official name.
    pub(crate) name: &'static str,
    /// Level from the code length.
    pub(crate) level: Level,
    /// Nearest ancestor that is not a pseudo row.
    pub(crate) parent: Option<NodeId>,
    /// A placeholder row (市辖区, 省直辖县级行政区划 …, or a county row repeating its city).
    pub(crate) pseudo: bool,
}

/// The embedded division table with every name form and a multi-pattern automaton.
pub struct Gazetteer {
    nodes: Vec<Node>,
    pma: CharwiseDoubleArrayAhoCorasick<u32>,
    /// Distinct patterns, sorted; `spans[i]` is the range of `cands` pattern `i` stands for.
    patterns: Vec<Cow<'static, str>>,
    spans: Vec<(u32, u32)>,
    cands: Vec<Cand>,
    /// One bit per pattern: set when some division it names is not trusted on its own
    /// (see `resolve::strong`), so the words around a match must be read.
    weak: Vec<u64>,
    t2s_bmp: Vec<char>,
    t2s_flags: Vec<u64>,
    t2s_other: HashMap<char, char>,
    /// The smallest key of `t2s_other` (`u32::MAX` when it is empty).
    t2s_other_min: u32,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("divisions", &self.nodes.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

const T2S_BASE: u32 = 0x3400;
const T2S_END: u32 = 0xA000;

/// Placeholder names of prefecture-level rows.
const PSEUDO_CITY: &[&str] = &[
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

/// Ethnic group names that precede 自治州/自治县/自治旗/民族乡 in official names.
const ETHNIC: &[&str] = &[
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "各族",
];

/// Suffixes stripped (one only) to make a short form, by level, longest first.
const PROVINCE_SUFFIXES: &[&str] = &["特别行政区", "自治区", "省", "市"];
const PREFECTURE_SUFFIXES: &[&str] = &["自治州", "地区", "市", "盟"];
const COUNTY_SUFFIXES: &[&str] = &[
    "自治县",
    "自治旗",
    "林区",
    "特区",
    "新区",
    "县",
    "区",
    "市",
    "旗",
];
const TOWNSHIP_SUFFIXES: &[&str] = &["民族乡", "街道", "苏木", "镇", "乡"];

/// Kinds of development zone that the news names by prefecture + type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ZoneType {
    /// 高新技术产业开发区 and its variants.
    HighTech,
    /// 经济技术开发区.
    Economic,
}

impl ZoneType {
    /// The ways the news writes the type, the short one first.
    fn variants(self) -> &'static [&'static str] {
        match self {
            ZoneType::HighTech => &[
                "高新区",
                "高新技术产业开发区",
                "高新技术开发区",
                "高新技术产业园区",
                "高新技术产业园",
                "高新开发区",
            ],
            ZoneType::Economic => &["经开区", "经济技术开发区"],
        }
    }

    /// Where the type starts in an official zone name, if it is of this type.
    fn find(name: &str) -> Option<(ZoneType, usize)> {
        for (marker, t) in [
            ("高新", ZoneType::HighTech),
            ("高技术", ZoneType::HighTech),
            ("经济技术开发区", ZoneType::Economic),
        ] {
            if let Some(i) = name.find(marker) {
                return Some((t, i));
            }
        }
        None
    }
}

/// Level of a code by its length.
fn level_of(code: &str) -> Option<Level> {
    match code.len() {
        2 => Some(Level::Province),
        4 => Some(Level::Prefecture),
        6 => Some(Level::County),
        9 => Some(Level::Township),
        _ => None,
    }
}

/// The data lines of an embedded table (comments and blank lines dropped).
fn data_lines(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

/// Strips trailing ethnic group names (延边朝鲜族 → 延边).
fn strip_ethnic(mut stem: &str) -> &str {
    loop {
        let before = stem;
        for e in ETHNIC {
            if let Some(s) = stem.strip_suffix(e) {
                stem = s;
                break;
            }
        }
        if stem == before {
            return stem;
        }
    }
}

/// The short form of an official name: one suffix stripped; names of two characters keep
/// theirs. `None` when no shorter name of at least two characters results.
pub(crate) fn short_form(name: &str, level: Level) -> Option<&str> {
    if name.chars().count() <= 2 {
        return None;
    }
    let suffixes = match level {
        Level::Province => PROVINCE_SUFFIXES,
        Level::Prefecture => PREFECTURE_SUFFIXES,
        Level::County => COUNTY_SUFFIXES,
        Level::Township => TOWNSHIP_SUFFIXES,
    };
    let stem = suffixes.iter().find_map(|s| name.strip_suffix(s))?;
    let stem = strip_ethnic(stem);
    (stem.chars().count() >= 2).then_some(stem)
}

/// Type words of township-level units that are not towns, longest first.
const UNIT_SUFFIXES: &[&str] = &[
    "旅游度假区",
    "经济开发区",
    "工业园区",
    "开发区",
    "度假区",
    "管理区",
    "示范区",
    "经济区",
    "园区",
    "新区",
    "农场",
    "林场",
    "牧场",
];

/// The stem of a township-level unit that is not a town (枣林湾 for 枣林湾旅游度假区, 红旗
/// for 红旗农场): how a text names it again after naming it in full. `None` for towns,
/// townships and streets, and when fewer than two characters would remain.
pub(crate) fn unit_stem(name: &str, level: Level) -> Option<&str> {
    if level != Level::Township {
        return None;
    }
    let stem = UNIT_SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
    (stem.chars().count() >= 2).then_some(stem)
}

/// An ethnic division's name without its ethnic group names, with its level word
/// (互助土族自治县 → 互助县, 延边朝鲜族自治州 → 延边州, 民乐朝鲜族乡 → 民乐乡).
/// `None` for other names, and when less than two characters would precede the level word.
pub(crate) fn plain_form(name: &str, level: Level) -> Option<String> {
    let pairs: &[(&str, &str)] = match level {
        Level::Province => return None,
        Level::Prefecture => &[("自治州", "州")],
        Level::County => &[("自治县", "县"), ("自治旗", "旗")],
        Level::Township => &[
            ("民族乡", "乡"),
            ("民族镇", "镇"),
            ("族乡", "乡"),
            ("族镇", "镇"),
        ],
    };
    let (stem, word) = pairs
        .iter()
        .find_map(|(suffix, word)| name.strip_suffix(suffix).map(|s| (s, *word)))?;
    // 族乡/族镇: put the 族 back so that the ethnic name is whole again (朝鲜族).
    let stem = if name.ends_with("民族乡") || name.ends_with("民族镇") || level != Level::Township
    {
        stem.to_string()
    } else {
        format!("{stem}族")
    };
    let plain = strip_ethnic(&stem);
    (plain != stem && plain.chars().count() >= 2).then(|| format!("{plain}{word}"))
}

/// Adds a pattern → candidate pair.
fn add(
    map: &mut Vec<(Cow<'static, str>, Cand)>,
    pattern: Cow<'static, str>,
    node: NodeId,
    form: Form,
) {
    if pattern.chars().nth(1).is_none() {
        return;
    }
    map.push((pattern, Cand { node, form }));
}

/// The row of a code in a table sorted by code.
fn find_code(nodes: &[Node], code: &str) -> Option<NodeId> {
    nodes
        .binary_search_by(|n| n.code.cmp(code))
        .ok()
        .map(|i| i as NodeId)
}

impl Gazetteer {
    /// The gazetteer compiled into the binary, built on first use and shared afterwards.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::build)
    }

    /// Builds the gazetteer from the embedded tables. Malformed lines are skipped (the
    /// tests check that none are).
    pub fn build() -> Gazetteer {
        let mut nodes: Vec<Node> = Vec::with_capacity(45_000);
        for cols in data_lines(TABLE) {
            let (Some(code), Some(name)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let Some(level) = level_of(code) else {
                continue;
            };
            nodes.push(Node {
                code,
                name,
                level,
                parent: None,
                pseudo: false,
            });
        }
        // The script writes the table sorted by code; look-ups rely on it.
        nodes.sort_unstable_by(|a, b| a.code.cmp(b.code));
        // Pseudo rows: placeholder prefectures, and county rows repeating their city.
        for i in 0..nodes.len() {
            let pseudo = match nodes[i].level {
                Level::Prefecture => PSEUDO_CITY.contains(&nodes[i].name),
                Level::County => nodes[i]
                    .code
                    .get(..4)
                    .and_then(|p| find_code(&nodes, p))
                    .is_some_and(|p| nodes[p as usize].name == nodes[i].name),
                _ => false,
            };
            nodes[i].pseudo = pseudo;
        }
        // Parents: the nearest real ancestor by code prefix.
        for i in 0..nodes.len() {
            let code = nodes[i].code;
            let mut parent = None;
            for len in [6usize, 4, 2] {
                if len >= code.len() {
                    continue;
                }
                if let Some(p) = code.get(..len).and_then(|c| find_code(&nodes, c))
                    && !nodes[p as usize].pseudo
                {
                    parent = Some(p);
                    break;
                }
            }
            nodes[i].parent = parent;
        }

        let mut map: Vec<(Cow<'static, str>, Cand)> = Vec::with_capacity(60_000);
        for (i, n) in nodes.iter().enumerate() {
            if n.pseudo {
                continue;
            }
            let id = i as NodeId;
            add(&mut map, Cow::Borrowed(n.name), id, Form::Full);
            // Townships are matched by their full name only: their short forms are
            // ordinary words far more often than places (文明, 中心, 建设).
            if n.level != Level::Township
                && let Some(s) = short_form(n.name, n.level)
            {
                add(&mut map, Cow::Borrowed(s), id, Form::Short);
            }
            if let Some(p) = plain_form(n.name, n.level) {
                add(&mut map, Cow::Owned(p), id, Form::Plain);
            }
        }
        add_zone_aliases(&nodes, &mut map);
        for cols in data_lines(HISTORY) {
            if let (Some(name), Some(code)) = (cols.first(), cols.get(1))
                && let Some(id) = find_code(&nodes, code)
            {
                add(&mut map, Cow::Borrowed(name), id, Form::History);
            }
        }
        for cols in data_lines(ALIASES) {
            if let (Some(name), Some(code)) = (cols.first(), cols.get(1))
                && let Some(id) = find_code(&nodes, code)
            {
                add(&mut map, Cow::Borrowed(name), id, Form::Alias);
            }
        }

        map.sort_unstable();
        let mut patterns: Vec<Cow<'static, str>> = Vec::with_capacity(map.len());
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(map.len());
        let mut cands: Vec<Cand> = Vec::with_capacity(map.len());
        for (pat, cand) in map {
            let same = patterns.last().is_some_and(|p| *p == pat);
            if !same {
                patterns.push(pat);
                spans.push((cands.len() as u32, cands.len() as u32));
            }
            // Sorted by (pattern, node, form): keep the first form per node.
            if same && cands.last().is_some_and(|c| c.node == cand.node) {
                continue;
            }
            cands.push(cand);
            if let Some(last) = spans.last_mut() {
                last.1 = cands.len() as u32;
            }
        }
        let pma = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(
                patterns
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.as_ref(), i as u32)),
            )
            .unwrap_or_else(|e| panic!("gazetteer automaton: {e}"));

        let mut t2s_bmp: Vec<char> = (T2S_BASE..T2S_END)
            .map(|u| char::from_u32(u).unwrap_or('\0'))
            .collect();
        let mut t2s_flags = vec![0u64; ((T2S_END - T2S_BASE) as usize).div_ceil(64)];
        let mut t2s_other = HashMap::new();
        for cols in data_lines(T2S) {
            let (Some(t), Some(s)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let (Some(t), Some(s)) = (t.chars().next(), s.chars().next()) else {
                continue;
            };
            let u = t as u32;
            if (T2S_BASE..T2S_END).contains(&u) {
                let k = (u - T2S_BASE) as usize;
                if let Some(slot) = t2s_bmp.get_mut(k) {
                    *slot = s;
                }
                if let Some(w) = t2s_flags.get_mut(k / 64) {
                    *w |= 1u64 << (k % 64);
                }
            } else {
                t2s_other.insert(t, s);
            }
        }

        let mut gaz = Gazetteer {
            nodes,
            pma,
            patterns,
            spans,
            cands,
            weak: Vec::new(),
            t2s_bmp,
            t2s_flags,
            t2s_other_min: t2s_other
                .keys()
                .map(|&c| c as u32)
                .min()
                .unwrap_or(u32::MAX),
            t2s_other,
        };
        let mut weak = vec![0u64; gaz.patterns.len().div_ceil(64)];
        for i in 0..gaz.patterns.len() {
            let is_weak = gaz.pattern(i as u32).is_some_and(|(p, cands)| {
                cands.iter().any(|c| !super::resolve::strong(&gaz, p, c))
            });
            if is_weak && let Some(w) = weak.get_mut(i / 64) {
                *w |= 1u64 << (i % 64);
            }
        }
        gaz.weak = weak;
        gaz
    }

    /// True when some division pattern `id` names is not trusted on its own.
    pub(crate) fn pattern_is_weak(&self, id: u32) -> bool {
        let i = id as usize;
        self.weak
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Number of rows in the table, pseudo rows included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the table is empty (never for the embedded one).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Number of distinct name patterns (names, short forms, aliases) the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Bytes of heap the automaton uses.
    pub fn automaton_bytes(&self) -> usize {
        self.pma.heap_bytes()
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    pub(crate) fn id_of(&self, code: &str) -> Option<NodeId> {
        find_code(&self.nodes, code)
    }

    pub(crate) fn pattern(&self, id: u32) -> Option<(&str, &[Cand])> {
        let p = self.patterns.get(id as usize)?;
        let &(a, b) = self.spans.get(id as usize)?;
        Some((p.as_ref(), self.cands.get(a as usize..b as usize)?))
    }

    pub(crate) fn pattern_id(&self, text: &str) -> Option<u32> {
        self.patterns
            .binary_search_by(|p| p.as_ref().cmp(text))
            .ok()
            .map(|i| i as u32)
    }

    pub(crate) fn automaton(&self) -> &CharwiseDoubleArrayAhoCorasick<u32> {
        &self.pma
    }

    /// The parent of a node in the chain (pseudo rows skipped).
    pub(crate) fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).and_then(|n| n.parent)
    }

    /// The township-level units right under a county-level unit (rows are sorted by
    /// code, so they follow it).
    pub(crate) fn townships_of(&self, county: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let code = self.node(county).map_or("", |n| n.code);
        let is_county = self.node(county).is_some_and(|n| n.level == Level::County);
        self.nodes
            .get(county as usize + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |n| is_county && n.code.starts_with(code))
            .enumerate()
            .filter(|(_, n)| n.level == Level::Township && !n.pseudo)
            .map(move |(i, _)| county + 1 + i as NodeId)
    }

    /// True when `anc` is `id` or one of its ancestors.
    pub(crate) fn is_ancestor_or_self(&self, anc: NodeId, id: NodeId) -> bool {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if c == anc {
                return true;
            }
            cur = self.parent(c);
        }
        false
    }

    /// Depth in the chain: 1 for a province.
    pub(crate) fn depth(&self, id: NodeId) -> usize {
        let mut d = 0;
        let mut cur = Some(id);
        while let Some(c) = cur {
            d += 1;
            cur = self.parent(c);
        }
        d
    }

    /// The deepest division that is an ancestor-or-self of every node given.
    pub(crate) fn common_ancestor(&self, ids: &[NodeId]) -> Option<NodeId> {
        let (first, rest) = ids.split_first()?;
        let mut cur = Some(*first);
        while let Some(c) = cur {
            if rest.iter().all(|&o| self.is_ancestor_or_self(c, o)) {
                return Some(c);
            }
            cur = self.parent(c);
        }
        None
    }

    /// The chain of a node, province first, pseudo rows left out.
    pub(crate) fn chain_of(&self, id: NodeId) -> Chain {
        let mut out = Vec::with_capacity(4);
        let mut cur = self
            .node(id)
            .map(|n| if n.pseudo { n.parent } else { Some(id) });
        while let Some(Some(c)) = cur {
            if let Some(n) = self.node(c) {
                out.push(Division {
                    code: n.code.to_string(),
                    name: n.name.to_string(),
                    level: n.level,
                });
                cur = Some(n.parent);
            } else {
                break;
            }
        }
        out.reverse();
        Chain(out)
    }

    /// The official chain of a division code (pseudo rows left out; the chain of a pseudo
    /// row is that of its nearest real ancestor). Codes padded with zeros to 6 or 12
    /// digits (`370800`, `370871002000`) are accepted.
    pub fn chain(&self, code: &str) -> Option<Chain> {
        let id = self.id_of(&unpad_code(code.trim()))?;
        let chain = self.chain_of(id);
        (!chain.is_empty()).then_some(chain)
    }

    /// Folds a text for matching: white space dropped, traditional characters of place
    /// names mapped to simplified ones. Borrows the text when nothing changes.
    pub(crate) fn normalize<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out: Option<String> = None;
        let mut run = 0;
        for (i, c) in text.char_indices() {
            // No white space lies at or above the CJK blocks, and no traditional
            // character below them: one test per character either way.
            let replacement = if (c as u32) >= T2S_BASE {
                self.t2s(c).map(Some)
            } else if c.is_whitespace() {
                Some(None)
            } else {
                None
            };
            if let Some(r) = replacement {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(text.get(run..i).unwrap_or(""));
                if let Some(m) = r {
                    o.push(m);
                }
                run = i + c.len_utf8();
            }
        }
        match out {
            None => Cow::Borrowed(text),
            Some(mut o) => {
                o.push_str(text.get(run..).unwrap_or(""));
                Cow::Owned(o)
            }
        }
    }

    /// The simplified form of a traditional character of a place name, if it has one.
    fn t2s(&self, c: char) -> Option<char> {
        let u = c as u32;
        if u < T2S_BASE {
            return None;
        }
        if u < T2S_END {
            let k = (u - T2S_BASE) as usize;
            let flagged = self
                .t2s_flags
                .get(k / 64)
                .is_some_and(|w| w & (1u64 << (k % 64)) != 0);
            return if flagged {
                self.t2s_bmp.get(k).copied()
            } else {
                None
            };
        }
        // Full-width punctuation and the like lie between the blocks: no hashing for them.
        if u < self.t2s_other_min {
            return None;
        }
        self.t2s_other.get(&c).copied()
    }

    /// [`Gazetteer::normalize`] appended to a buffer.
    pub(crate) fn normalize_into(&self, text: &str, out: &mut String) {
        out.push_str(&self.normalize(text));
    }

    /// Divisions found by code (exact or prefix), name, short form, alias or part of a
    /// name; exact hits first, at most 200 chains.
    pub fn search(&self, query: &str) -> Vec<Chain> {
        const LIMIT: usize = 200;
        let q = query.trim();
        let mut ids: Vec<NodeId> = Vec::new();
        if q.is_empty() {
            return Vec::new();
        }
        if q.bytes().all(|b| b.is_ascii_digit()) {
            let unpadded = unpad_code(q);
            if let Some(id) = self.id_of(&unpadded) {
                ids.push(id);
            }
            for (i, n) in self.nodes.iter().enumerate() {
                if ids.len() >= LIMIT {
                    break;
                }
                if n.code.starts_with(q) && *n.code != *unpadded && !n.pseudo {
                    ids.push(i as NodeId);
                }
            }
        } else {
            let mut norm = String::new();
            self.normalize_into(q, &mut norm);
            let mut seen = HashSet::new();
            if let Some((_, cands)) = self.pattern_id(&norm).and_then(|p| self.pattern(p)) {
                let mut exact: Vec<NodeId> = cands.iter().map(|c| c.node).collect();
                exact.sort_by_key(|&id| (self.depth(id), id));
                for id in exact {
                    if seen.insert(id) {
                        ids.push(id);
                    }
                }
            }
            for (i, n) in self.nodes.iter().enumerate() {
                if ids.len() >= LIMIT {
                    break;
                }
                if !n.pseudo && n.name.contains(norm.as_str()) && seen.insert(i as NodeId) {
                    ids.push(i as NodeId);
                }
            }
        }
        ids.into_iter()
            .map(|id| self.chain_of(id))
            .filter(|c| !c.is_empty())
            .collect()
    }

    /// Candidates named exactly by a string (after folding), deduplicated.
    pub(crate) fn exact(&self, text: &str) -> Vec<Cand> {
        let mut norm = String::new();
        self.normalize_into(text, &mut norm);
        self.pattern_id(&norm)
            .and_then(|p| self.pattern(p))
            .map(|(_, c)| c.to_vec())
            .unwrap_or_default()
    }
}

/// Strips the zero padding of 6- and 12-digit codes: `370800` → `3708`,
/// `370871002000` → `370871002`, `370000` → `37`.
fn unpad_code(code: &str) -> String {
    let mut c = code;
    if c.len() == 12 {
        c = c.strip_suffix("000").unwrap_or(c);
    }
    if c.len() == 9 && c.ends_with("000") {
        c = &c[..6];
    }
    if c.len() == 6 && c.ends_with("00") {
        c = &c[..4];
    }
    if c.len() == 4 && c.ends_with("00") {
        c = &c[..2];
    }
    c.to_string()
}

/// Development-zone short forms, matched on prefecture + zone type rather than by
/// expanding strings: `{prefecture short}{type variant}` goes to the zone of that type
/// without a name of its own (净月高新区 → 长春净月高新技术产业开发区), else to the only zone
/// of that type in the prefecture; zones with a name of their own (长春净月…) also get
/// `{name}{type variant}`; every type variant alone (高新区) goes to every zone of the type.
fn add_zone_aliases(nodes: &[Node], map: &mut Vec<(Cow<'static, str>, Cand)>) {
    struct Zone {
        id: NodeId,
        pref: NodeId,
        ty: Option<ZoneType>,
        stem: String,
        rest: String,
    }
    let mut zones: Vec<Zone> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.level != Level::County || n.pseudo || n.code.get(4..5).is_none_or(|d| d != "7") {
            continue;
        }
        let Some(pref) = n.parent else { continue };
        let Some(pnode) = nodes.get(pref as usize) else {
            continue;
        };
        if pnode.level != Level::Prefecture {
            continue;
        }
        let prov_short = pnode
            .parent
            .and_then(|p| nodes.get(p as usize))
            .and_then(|p| short_form(p.name, Level::Province));
        let pref_short = short_form(pnode.name, Level::Prefecture).unwrap_or(pnode.name);
        // The name without a leading province and prefecture.
        let mut rest: &str = n.name;
        if let Some(ps) = prov_short {
            rest = rest.strip_prefix(ps).unwrap_or(rest);
        }
        rest = rest
            .strip_prefix(pnode.name)
            .or_else(|| rest.strip_prefix(pref_short))
            .unwrap_or(rest);
        let (ty, stem) = match ZoneType::find(rest) {
            Some((t, at)) => (Some(t), rest.get(..at).unwrap_or("").to_string()),
            None => (None, String::new()),
        };
        zones.push(Zone {
            id: i as NodeId,
            pref,
            ty,
            stem,
            rest: rest.to_string(),
        });
    }
    for z in &zones {
        let Some(pnode) = nodes.get(z.pref as usize) else {
            continue;
        };
        let pref_short = short_form(pnode.name, Level::Prefecture).unwrap_or(pnode.name);
        let prefixes = [pref_short, pnode.name];
        match z.ty {
            Some(ty) => {
                let same: Vec<&Zone> = zones
                    .iter()
                    .filter(|o| o.pref == z.pref && o.ty == Some(ty))
                    .collect();
                let plain_exists = same.iter().any(|o| o.stem.is_empty());
                let takes_city_form = z.stem.is_empty() || (!plain_exists && same.len() == 1);
                for v in ty.variants() {
                    if takes_city_form || !plain_exists {
                        for p in prefixes {
                            add(map, Cow::Owned(format!("{p}{v}")), z.id, Form::Zone);
                        }
                    }
                    if !z.stem.is_empty() {
                        add(map, Cow::Owned(format!("{}{v}", z.stem)), z.id, Form::Zone);
                        for p in prefixes {
                            add(
                                map,
                                Cow::Owned(format!("{p}{}{v}", z.stem)),
                                z.id,
                                Form::Zone,
                            );
                        }
                    }
                }
                for v in ty.variants() {
                    add(map, Cow::Borrowed(v), z.id, Form::ZoneBare);
                }
            }
            None => {
                let official = nodes.get(z.id as usize).map(|n| n.name);
                if z.rest.chars().count() >= 4 && official != Some(z.rest.as_str()) {
                    // A remainder that other zones share (经济开发区) names a zone only
                    // through the context, like a bare zone type.
                    let shared = zones.iter().filter(|o| o.rest == z.rest).count() > 1;
                    let form = if shared { Form::ZoneBare } else { Form::Zone };
                    add(map, Cow::Owned(z.rest.clone()), z.id, form);
                    for p in prefixes {
                        let full = format!("{p}{}", z.rest);
                        if official != Some(full.as_str()) {
                            add(map, Cow::Owned(full), z.id, Form::Zone);
                        }
                    }
                }
            }
        }
    }
}
