//! The stories stage: which stored articles tell the same story, across every source
//! (a county paper reprinting the prefecture daily's report under its own dateline,
//! byline or headline, or with a few sentences edited), and the one item each story is
//! published as.
//!
//! Owns: the story text of an article (body without dateline, byline and credit lines),
//! shingles and their MinHash signatures, the LSH index that finds candidate pairs, the
//! table of rules that decides a pair, the grouping, and which printing leads a story.
//! Must not touch: the store, files, the clock, rendering, or any other stage; it is
//! handed stored articles and hands back plain values.

mod rules;
mod sketch;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Printing, StoredArticle, fold_for_id};

pub use rules::{Pair, RULES, Rule, Thresholds, decide};
pub use sketch::Sketch;

/// Rows per LSH band: two texts are candidates when they agree on all rows of one band.
/// With 32 bands of 4 rows a pair with Jaccard 0.45 is a candidate with probability 0.79,
/// 0.6 with 0.99, and an unrelated pair (0.02) with 5 in a million.
const ROWS: usize = 4;
const BANDS: usize = sketch::BINS / ROWS;

/// Candidates whose signatures agree on fewer bins than this share are not looked at
/// closely (it sits well under every threshold of the rules).
const CANDIDATE_FLOOR: f64 = 0.15;

/// Candidates whose openings agree on at least this share of bins are looked at closely
/// even when their whole texts agree on little (cut reprints, teasers).
const OPENING_FLOOR: f64 = 0.5;

/// Texts shorter than this (folded characters) are not indexed: the rules never find two
/// such printings one story unless they are identical (see `Thresholds::min_chars`), and
/// a few characters fall into the same buckets by chance.
const MIN_INDEXED: usize = 4;

/// How many printings of each of two stories are checked against each other before the
/// two are joined.
const GROUP_CHECK: usize = 32;

/// Buckets holding more printings than this (a stock caption printed every day) are
/// paired in a chain rather than all with all, so one bucket cannot cost n² checks.
const BUCKET_ALL_PAIRS: usize = 16;

/// The printings that belong to another printing's story: `(printing id, story id)`,
/// the story id being the id of the printing that leads it (see [`find`]).
pub type Members = Vec<(String, String)>;

/// Whether two texts (bodies as stored) are one story, and which rule said so. Dates in
/// days since any fixed day.
pub fn same_story(
    a: (&str, Option<&str>, Option<i64>),
    b: (&str, Option<&str>, Option<i64>),
    t: &Thresholds,
) -> (bool, &'static str) {
    let (ta, tb) = (sketch::story_text(a.0), sketch::story_text(b.0));
    let title = |t: Option<&str>| fold_for_id(t.unwrap_or(""));
    let (ha, hb) = (title(a.1), title(b.1));
    let pair = make_pair(
        (ta.len(), &sketch::shingle_set(&ta), &ha, (a.2, None), None),
        (tb.len(), &sketch::shingle_set(&tb), &hb, (b.2, None), None),
    );
    decide(&pair, t)
}

/// What two printings are compared by: story text's length, shingle set, folded headline, day numbers
/// of its date and of its first sighting, and the division its own text places it in.
type Side<'a> = (
    usize,
    &'a [u32],
    &'a str,
    (Option<i64>, Option<i64>),
    Option<&'a str>,
);

/// What the rules see of two stored printings, and what they decide.
pub fn compare(a: &StoredArticle, b: &StoredArticle, t: &Thresholds) -> (Pair, bool, &'static str) {
    let (ta, tb) = (
        sketch::story_text(&a.article.body),
        sketch::story_text(&b.article.body),
    );
    let (sa, sb) = (sketch::shingle_set(&ta), sketch::shingle_set(&tb));
    let (fa, fb) = (facts(a), facts(b));
    let pair = make_pair(side((ta.len(), &sa), &fa), side((tb.len(), &sb), &fb));
    let (same, rule) = decide(&pair, t);
    (pair, same, rule)
}

/// What is known of a printing besides its text: headline, day numbers, text's place.
type Facts<'a> = (String, (Option<i64>, Option<i64>), Option<&'a str>);

fn side<'a>((len, set): (usize, &'a [u32]), f: &'a Facts<'a>) -> Side<'a> {
    (len, set, &f.0, f.1, f.2)
}

fn facts(a: &StoredArticle) -> Facts<'_> {
    (
        fold_for_id(a.article.title.as_deref().unwrap_or("")),
        day_number(a),
        text_place(a),
    )
}

fn make_pair(a: Side<'_>, b: Side<'_>) -> Pair {
    let (jaccard, containment) = sketch::overlap(a.1, b.1);
    let (days_apart, places_apart) = time_and_place((a.3, a.4), (b.3, b.4));
    Pair {
        shorter: a.0.min(b.0),
        longer: a.0.max(b.0),
        jaccard,
        containment,
        days_apart,
        same_title: !a.2.is_empty() && a.2 == b.2,
        places_apart,
    }
}

/// Days between two dates, not counting whole years: a page that prints no year has it
/// guessed (README, "Dates"), and a guess can be a year or two out, while the same text
/// about the same place a year later is a reprint far more often than a new story.
fn year_misread(days: i64) -> i64 {
    // in quarter days, a year being 1,461 of them
    let years = (days * 4 + 730) / 1461;
    (days * 4 - years * 1461).abs() / 4
}

/// Days apart and whether their texts place them apart (see [`Pair`]).
type When<'a> = ((Option<i64>, Option<i64>), Option<&'a str>);

fn time_and_place(a: When<'_>, b: When<'_>) -> (Option<i64>, bool) {
    let days = days_between(a.0, b.0);
    let apart = match (a.1, b.1) {
        (Some(x), Some(y)) => !x.starts_with(y) && !y.starts_with(x),
        _ => false,
    };
    (days, apart)
}

/// Days between two printings by their dates and first sightings (see [`Pair`]).
fn days_between(
    (date_a, seen_a): (Option<i64>, Option<i64>),
    (date_b, seen_b): (Option<i64>, Option<i64>),
) -> Option<i64> {
    // a date misread on one page is not enough to part two printings seen days apart
    let dates = date_a.zip(date_b).map(|(x, y)| year_misread((x - y).abs()));
    let seen = seen_a.zip(seen_b).map(|(x, y)| (x - y).abs());
    // (printings seen on the same day, as when an archive is read at once, are parted by
    // their dates alone; a printing whose text gives no date is placed in time by the day
    // it was first seen: an undated page first seen in 2024 is no reprint of a story
    // printed in 2020)
    match (dates, seen) {
        (Some(d), Some(s)) if s > 0 => Some(d.min(s)),
        (None, Some(s)) => Some(s),
        (d, _) => d,
    }
}

/// The division an article's own text places it in: `None` when its place came from its
/// paper's home, a hint or an editor, or it has none.
fn text_place(a: &StoredArticle) -> Option<&str> {
    let by_text = a.placement.evidence.iter().any(|e| {
        matches!(
            e.field.as_str(),
            "title" | "kicker" | "subtitle" | "body" | "dateline"
        )
    });
    by_text.then(|| a.placement.primary.leaf().map(|d| d.code.as_str()))?
}

/// Day numbers of an article's date and of the day it was first seen (Beijing time).
fn day_number(a: &StoredArticle) -> (Option<i64>, Option<i64>) {
    use chrono::Datelike;
    let seen = a
        .first_seen
        .with_timezone(&crate::model::shanghai())
        .date_naive();
    (
        a.article.date.map(|d| i64::from(d.num_days_from_ce())),
        Some(i64::from(seen.num_days_from_ce())),
    )
}

/// The key of one band of a signature.
fn band_key(s: &[u32; sketch::BINS], band: usize) -> u64 {
    let mut h = band as u64;
    for v in &s[band * ROWS..(band + 1) * ROWS] {
        h = h.rotate_left(29) ^ u64::from(*v);
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h
}

/// The LSH buckets a few printings fall into (both signatures, every band): what a pass
/// that looks at only these printings needs of every other one is whether it shares one
/// of these buckets ([`Buckets::meets`]); a printing that shares none is in no bucket
/// [`find_since`] draws a pair from, so it need not be handed to it.
#[derive(Debug, Default)]
pub struct Buckets {
    /// One set of band keys for each band of each signature (whole text, opening).
    keys: Vec<std::collections::HashSet<u64>>,
}

impl Buckets {
    /// The buckets of `sketches` (the printings looked at in this pass); a text too
    /// short to be indexed falls into none.
    pub fn of<'a>(sketches: impl IntoIterator<Item = &'a Sketch>) -> Self {
        let mut keys = vec![std::collections::HashSet::new(); 2 * BANDS];
        for s in sketches
            .into_iter()
            .filter(|s| s.len as usize >= MIN_INDEXED)
        {
            for band in 0..BANDS {
                keys[band].insert(band_key(&s.whole, band));
                keys[BANDS + band].insert(band_key(&s.opening, band));
            }
        }
        Self { keys }
    }

    /// Whether the printing sketched `s` shares a bucket with one of them.
    pub fn meets(&self, s: &Sketch) -> bool {
        if (s.len as usize) < MIN_INDEXED || self.keys.is_empty() {
            return false;
        }
        (0..BANDS).any(|band| {
            self.keys[band].contains(&band_key(&s.whole, band))
                || self.keys[BANDS + band].contains(&band_key(&s.opening, band))
        })
    }
}

/// What candidate pairs are drawn from: one signature of every printing (the whole text's
/// or the opening's), the division each printing's own text places it in, and whether
/// the first rules part two printings whatever their texts share.
struct Index<'a, P: Fn(usize, usize) -> bool> {
    sketches: &'a [Sketch],
    /// Which of a sketch's signatures this index reads.
    sig: fn(&Sketch) -> &[u32; sketch::BINS],
    /// Each printing's place, numbered (see [`Places`]).
    places: &'a Places,
    /// The printings looked at in this pass: a pair of two others is never drawn (what
    /// an earlier pass decided of it stands).
    fresh: &'a [bool],
    parted: P,
}

/// The divisions the printings' own texts name, numbered: 0 for none, then each code in
/// order; for each, the numbers of the named divisions holding it (its county, city,
/// province: the codes it starts with).
struct Places {
    of: Vec<u32>,
    holders: Vec<Vec<u32>>,
}

impl Places {
    fn new(places: &[Option<&str>]) -> Self {
        let mut codes: Vec<&str> = places.iter().flatten().copied().collect();
        codes.sort_unstable();
        codes.dedup();
        let number = |c: &str| codes.binary_search(&c).map_or(0, |k| k as u32 + 1);
        let of = places.iter().map(|p| p.map_or(0, number)).collect();
        let holders = std::iter::once(Vec::new())
            .chain(codes.iter().map(|c| {
                (1..c.len())
                    .filter_map(|k| c.get(..k))
                    .map(number)
                    .filter(|&h| h != 0)
                    .collect()
            }))
            .collect();
        Self { of, holders }
    }

    /// Whether two printings' texts place them apart (as [`time_and_place`] says).
    fn apart(&self, x: usize, y: usize) -> bool {
        let (p, q) = (self.of[x], self.of[y]);
        p != 0
            && q != 0
            && p != q
            && !self.holders[p as usize].contains(&q)
            && !self.holders[q as usize].contains(&p)
    }
}

impl<P: Fn(usize, usize) -> bool> Index<'_, P> {
    /// Adds `(a, b)` (`a < b`) unless the first rules part them: printings placed apart or
    /// far apart in time are never one story, so they are never a candidate.
    fn push(&self, a: u32, b: u32, pairs: &mut Vec<(u32, u32)>) {
        let (x, y) = (a as usize, b as usize);
        if (self.fresh[x] || self.fresh[y]) && !(self.parted)(x, y) {
            pairs.push((a.min(b), a.max(b)));
        }
    }

    /// The candidate pairs of one bucket: all pairs of a small bucket; a bucket too big
    /// (a stock text printed many times, or many stories written from one template) is
    /// first parted by the places the printings' texts name (printings about two
    /// townships are never one story, so only a place and the places holding it are
    /// paired), then split by the next band, so the printings that agree on more of their
    /// signature still meet without n² pairs; what is still too big after every band is
    /// paired in a chain. A bucket holding no printing looked at in this pass gives none.
    fn bucket_pairs(
        &self,
        ids: &[u32],
        band: usize,
        depth: usize,
        by_place: bool,
        pairs: &mut Vec<(u32, u32)>,
    ) {
        if !ids.iter().any(|&i| self.fresh[i as usize]) {
            return;
        }
        if ids.len() <= BUCKET_ALL_PAIRS {
            for (x, &a) in ids.iter().enumerate() {
                for &b in &ids[x + 1..] {
                    self.push(a, b, pairs);
                }
            }
            return;
        }
        if by_place && self.place_pairs(ids, band, depth, pairs) {
            return;
        }
        if depth >= BANDS {
            for w in ids.windows(2) {
                self.push(w[0], w[1], pairs);
            }
            return;
        }
        let next = (band + depth) % BANDS;
        let mut keyed: Vec<(u64, u32)> = ids
            .iter()
            .map(|&i| (band_key((self.sig)(&self.sketches[i as usize]), next), i))
            .collect();
        keyed.sort_unstable();
        let mut sub: Vec<u32> = Vec::new();
        for run in keyed.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
            sub.clear();
            sub.extend(run.iter().map(|k| k.1));
            self.bucket_pairs(&sub, band, depth + 1, true, pairs);
        }
    }

    /// The pairs of a big bucket whose printings name several places: each place's
    /// printings among themselves, and with the printings of a place holding it (its
    /// county, city, province) or of none. False (nothing done) when they all name one.
    fn place_pairs(
        &self,
        ids: &[u32],
        band: usize,
        depth: usize,
        pairs: &mut Vec<(u32, u32)>,
    ) -> bool {
        let mut by: Vec<(u32, u32)> = ids
            .iter()
            .map(|&i| (self.places.of[i as usize], i))
            .collect();
        by.sort_unstable();
        let classes: Vec<&[(u32, u32)]> = by.chunk_by(|x, y| x.0 == y.0).collect();
        if classes.len() < 2 {
            return false;
        }
        let class = |p: u32| {
            classes
                .binary_search_by_key(&p, |c| c[0].0)
                .ok()
                .map(|k| classes[k])
        };
        let mut members: Vec<u32> = Vec::new();
        for c in &classes {
            let p = c[0].0;
            members.clear();
            members.extend(c.iter().map(|x| x.1));
            if members.len() > 1 {
                self.bucket_pairs(&members, band, depth, false, pairs);
            }
            if p == 0 {
                continue;
            }
            let holders = self.places.holders[p as usize].iter().copied().chain([0]);
            for other in holders.filter_map(class) {
                if members.len() * other.len() <= BUCKET_ALL_PAIRS * BUCKET_ALL_PAIRS {
                    for &a in &members {
                        for &(_, b) in other {
                            self.push(a, b, pairs);
                        }
                    }
                } else {
                    // only pairs with a fresh printing are wanted: a side with none
                    // brings only what can pair with the other side's fresh ones
                    let fresh = |i: &u32| self.fresh[*i as usize];
                    let (mine, theirs) =
                        (members.iter().any(fresh), other.iter().any(|x| fresh(&x.1)));
                    if !mine && !theirs {
                        continue;
                    }
                    let mut both: Vec<u32> = members
                        .iter()
                        .copied()
                        .filter(|i| theirs || fresh(i))
                        .collect();
                    both.extend(other.iter().map(|x| x.1).filter(|i| mine || fresh(i)));
                    both.sort_unstable();
                    self.bucket_pairs(&both, band, depth + 1, false, pairs);
                }
            }
        }
        true
    }
}

fn find_root(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let p = parent[i as usize];
        parent[i as usize] = parent[p as usize];
        i = p;
    }
    i
}

/// The sketch of every article: taken from `known` (`(article id, sketch)` sorted by id,
/// as the store keeps them) when there, else made. Returns them in the articles' order
/// with the indices of the articles whose sketch was made.
pub fn sketches(
    articles: &[StoredArticle],
    known: &[(String, Sketch)],
) -> (Vec<Sketch>, Vec<usize>) {
    let mut made = Vec::new();
    let all = articles
        .iter()
        .enumerate()
        .map(
            |(i, a)| match known.binary_search_by(|k| k.0.as_str().cmp(a.id.as_str())) {
                Ok(k) => known[k].1.clone(),
                Err(_) => {
                    made.push(i);
                    Sketch::of(&a.article.body)
                }
            },
        )
        .collect();
    (all, made)
}

/// Which articles tell the same story ([`find_sketched`], signing every article).
pub fn find(articles: &[StoredArticle], t: &Thresholds) -> Members {
    let (sketches, _) = sketches(articles, &[]);
    find_sketched(articles, &sketches, t)
}

/// Which articles tell the same story, given the sketch of each one (see [`sketches`]).
/// Each story is led by the printing localfeed saw
/// first; among printings first seen together, by the earliest dated, then by one no
/// other printing credits (a text naming another printing's paper, `据湖州日报`, is the
/// reprint), then by id. Returns the other printings with the id of their story's
/// leader, sorted by printing id. The same articles give the same answer on every run,
/// whatever their order.
pub fn find_sketched(articles: &[StoredArticle], sketches: &[Sketch], t: &Thresholds) -> Members {
    find_since(
        articles,
        sketches,
        &vec![true; articles.len()],
        &[],
        t,
        &|a| Cow::Borrowed(a.article.body.as_str()),
    )
}

/// Which articles tell the same story, when an earlier pass found `earlier` (its answer,
/// as [`find_sketched`] gives it) and `fresh[i]` says article `i` was not there then or
/// its text changed since: the earlier stories stand, and only pairs with a fresh
/// printing are drawn, so a run's work follows what it brought rather than the size of
/// the store. A fresh printing joins the story of any printing it matches (joining two
/// stories when it matches both, the earlier leader leading); a story that held a
/// printing whose text changed or that is gone is looked at again whole. With every
/// article fresh this is [`find_sketched`]. Which stories a store ends with may then
/// depend on the runs its articles came in (a bucket too big to pair all with all is
/// paired differently), never on their order within a run. The articles may be heads
/// (their bodies left in the store, see [`StoredArticle::is_head`]): `body` gives an
/// article's body, asked only for the few printings looked at closely.
pub fn find_since<'a>(
    articles: &'a [StoredArticle],
    sketches: &[Sketch],
    fresh: &[bool],
    earlier: &[(String, String)],
    t: &Thresholds,
    body: &dyn Fn(&'a StoredArticle) -> Cow<'a, str>,
) -> Members {
    let n = articles.len();
    let index_of: HashMap<&str, u32> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i as u32))
        .collect();
    // the earlier stories that stand, each as its printings' indices; a story with a
    // fresh or a vanished printing is taken apart and its printings looked at again
    let given = fresh;
    let mut fresh = given.to_vec();
    let mut by_story: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (m, s) in earlier {
        by_story.entry(s.as_str()).or_default().push(m.as_str());
    }
    // (the earlier leader, the printings sorted)
    let mut standing: Vec<(u32, Vec<u32>)> = Vec::new();
    for (lead, printings) in by_story {
        let ids = || std::iter::once(lead).chain(printings.iter().copied());
        let found: Option<Vec<u32>> = ids().map(|id| index_of.get(id).copied()).collect();
        match found {
            Some(mut story) if story.iter().all(|&i| !given[i as usize]) => {
                let lead = story[0];
                story.sort_unstable();
                standing.push((lead, story));
            }
            _ => {
                for i in ids().filter_map(|id| index_of.get(id)) {
                    fresh[*i as usize] = true;
                }
            }
        }
    }
    drop(index_of);
    let all_fresh = fresh.iter().all(|&f| f);
    let any_fresh = fresh.contains(&true);
    // The signatures of the whole text and of its opening, and the text's length; the
    // text itself is made again for the few printings that are looked at closely. The
    // openings get an index of their own: a reprint cut to its first paragraphs, or a
    // teaser, shares little of the whole text (a low Jaccard similarity that the bands
    // of the whole text rarely catch) but nearly all of its opening.
    let whole: fn(&Sketch) -> &[u32; sketch::BINS] = |s| &s.whole;
    let opening: fn(&Sketch) -> &[u32; sketch::BINS] = |s| &s.opening;
    let lens: Vec<usize> = sketches.iter().map(|s| s.len as usize).collect();
    let facts: Vec<Facts<'_>> = articles.iter().map(facts).collect();
    let places = Places::new(&facts.iter().map(|f| f.2).collect::<Vec<_>>());
    let parted_pair = |x: usize, y: usize| {
        places.apart(x, y) || rules::parted(days_between(facts[x].1, facts[y].1), false, t)
    };
    // LSH: for each band, the printings sorted by the band's key; a run of equal keys is
    // a bucket.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n);
    let mut ids: Vec<u32> = Vec::new();
    let mut wanted: std::collections::HashSet<u64> = Default::default();
    for sig in [whole, opening].into_iter().filter(|_| any_fresh) {
        let ix = Index {
            sketches,
            sig,
            places: &places,
            fresh: &fresh,
            parted: &parted_pair,
        };
        for band in 0..BANDS {
            keys.clear();
            keys.extend(
                (0..n)
                    .filter(|&i| lens[i] >= MIN_INDEXED)
                    .map(|i| (band_key(sig(&sketches[i]), band), i as u32)),
            );
            if !all_fresh {
                // only the buckets a fresh printing falls into
                wanted.clear();
                wanted.extend(keys.iter().filter(|k| fresh[k.1 as usize]).map(|k| k.0));
                keys.retain(|k| wanted.contains(&k.0));
            }
            keys.sort_unstable();
            for run in keys.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
                ids.clear();
                ids.extend(run.iter().map(|k| k.1));
                ix.bucket_pairs(&ids, band, 1, true, &mut pairs);
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut sets: Vec<Option<Vec<u32>>> = vec![None; n];
    // A printing's shingle set is kept from the first pair that needs it to the last
    // pair it is in, then dropped: the sets alive at once are those of the printings
    // still to be compared, not of every printing compared so far.
    let mut last_pair = vec![0usize; n];
    for (k, &(a, b)) in pairs.iter().enumerate() {
        last_pair[a as usize] = k;
        last_pair[b as usize] = k;
    }
    let mut done: Option<(usize, usize, usize)> = None;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut members_of: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    // a story that nothing joins keeps its earlier leader: by root, the leader and size
    let mut kept_lead: HashMap<u32, (u32, usize)> = HashMap::new();
    for (lead, story) in standing {
        let root = story[0];
        for &i in &story[1..] {
            parent[i as usize] = root;
            members_of[i as usize].clear();
        }
        kept_lead.insert(root, (lead, story.len()));
        members_of[root as usize] = story;
    }
    for (k, (a, b)) in pairs.into_iter().enumerate() {
        if let Some((k, x, y)) = done.take() {
            for i in [x, y] {
                if last_pair[i] == k {
                    sets[i] = None;
                }
            }
        }
        let (ai, bi) = (a as usize, b as usize);
        done = Some((k, ai, bi));
        let (ra, rb) = (find_root(&mut parent, a), find_root(&mut parent, b));
        if ra == rb
            || (sketch::estimate(&sketches[ai].whole, &sketches[bi].whole) < CANDIDATE_FLOOR
                && sketch::estimate(&sketches[ai].opening, &sketches[bi].opening) < OPENING_FLOOR)
        {
            continue;
        }
        // no story may hold two printings the rules part, even through a third one (each
        // story's first printings are checked: a story grown from many near copies of a
        // stock text would otherwise cost the product of the sizes at every merge); asked
        // before the texts are compared, which costs more
        let (ga, gb) = (&members_of[ra as usize], &members_of[rb as usize]);
        if ga.iter().take(GROUP_CHECK).any(|&x| {
            gb.iter()
                .take(GROUP_CHECK)
                .any(|&y| parted_pair(x as usize, y as usize))
        }) {
            continue;
        }
        for i in [ai, bi] {
            if sets[i].is_none() {
                sets[i] = Some(sketch::shingle_set(&sketch::story_text(&body(
                    &articles[i],
                ))));
            }
        }
        let (Some(sa), Some(sb)) = (&sets[ai], &sets[bi]) else {
            continue;
        };
        let pair = make_pair(
            side((lens[ai], sa), &facts[ai]),
            side((lens[bi], sb), &facts[bi]),
        );
        if !decide(&pair, t).0 {
            continue;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        parent[gone as usize] = keep;
        let moved = std::mem::take(&mut members_of[gone as usize]);
        members_of[keep as usize].extend(moved);
    }
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find_root(&mut parent, i as u32);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Members = Vec::new();
    for (root, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let lead = match kept_lead.get(root) {
            Some(&(lead, size)) if size == members.len() => lead as usize,
            _ => leader(articles, members, body),
        };
        for &m in members {
            if m != lead {
                out.push((articles[m].id.clone(), articles[lead].id.clone()));
            }
        }
    }
    out.sort();
    out
}

/// The printing that leads a story (see [`find`]).
fn leader<'a>(
    articles: &'a [StoredArticle],
    members: &[usize],
    body: &dyn Fn(&'a StoredArticle) -> Cow<'a, str>,
) -> usize {
    let credits_other = |i: usize| {
        let a = &articles[i];
        let head: String = body(a).chars().take(60).collect();
        members.iter().any(|&o| {
            let other = &articles[o];
            o != i
                && other.publication != a.publication
                && other
                    .publication
                    .as_deref()
                    .is_some_and(|p| !p.is_empty() && head.contains(p))
        })
    };
    let key = |i: usize| {
        let a = &articles[i];
        (
            a.first_seen,
            a.article.date.unwrap_or(chrono::NaiveDate::MAX),
            credits_other(i),
            a.id.clone(),
        )
    };
    members
        .iter()
        .copied()
        .min_by_key(|&i| key(i))
        .unwrap_or(members[0])
}

/// The articles with each story once: every printing that [`find`] put in another
/// printing's story is left out, and the leader lists them in `printings` (earliest
/// first) and is also placed where they are (their primary places join its `also`
/// places), so a county that reprinted a prefecture's story still finds it in its feed.
/// The leader keeps its id, its publication and its text.
pub fn collapse(articles: Vec<StoredArticle>, members: &Members) -> Vec<StoredArticle> {
    if members.is_empty() {
        return articles;
    }
    let story_of: HashMap<&str, &str> = members
        .iter()
        .map(|(m, s)| (m.as_str(), s.as_str()))
        .collect();
    // The printings folded into another are taken out of the vector in place: a second
    // vector of every article (hundreds of bytes each, before their fields' heap) would
    // be held beside the first while the articles moved across.
    let mut out = articles;
    let mut extra: HashMap<String, Vec<StoredArticle>> = HashMap::new();
    for a in out.extract_if(.., |a| story_of.contains_key(a.id.as_str())) {
        if let Some(s) = story_of.get(a.id.as_str()) {
            extra.entry((*s).to_string()).or_default().push(a);
        }
    }
    for a in &mut out {
        let Some(mut others) = extra.remove(&a.id) else {
            continue;
        };
        others.sort_by(|x, y| (x.first_seen, &x.id).cmp(&(y.first_seen, &y.id)));
        for o in others {
            let p = &o.placement.primary;
            let entered =
                (!p.is_empty() && *p != a.placement.primary && !a.placement.also.contains(p))
                    .then(|| p.clone());
            if let Some(p) = &entered {
                a.placement.also.push(p.clone());
            }
            a.printings.push(Printing {
                id: o.id,
                source: o.source,
                publication: o.publication,
                first_seen: o.first_seen,
                arrival: o.arrival,
                entered,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
