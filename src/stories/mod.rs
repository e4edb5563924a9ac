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

use std::collections::HashMap;

use crate::model::{Printing, StoredArticle, fold_for_id};

pub use rules::{Pair, RULES, Rule, Thresholds, decide};

/// Rows per LSH band: two texts are candidates when they agree on all rows of one band.
/// With 32 bands of 4 rows a pair with Jaccard 0.45 is a candidate with probability 0.79,
/// 0.6 with 0.99, and an unrelated pair (0.02) with 5 in a million.
const ROWS: usize = 4;
const BANDS: usize = sketch::BINS / ROWS;

/// Candidates whose signatures agree on fewer bins than this share are not looked at
/// closely (it sits well under every threshold of the rules).
const CANDIDATE_FLOOR: f64 = 0.15;

/// Buckets holding more printings than this (a stock caption printed every day) are
/// paired in a chain rather than all with all, so one bucket cannot cost n² checks.
const BUCKET_ALL_PAIRS: usize = 64;

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
    let pair = make_pair(
        (&ta, &sketch::shingle_set(&ta), a.1, a.2),
        (&tb, &sketch::shingle_set(&tb), b.1, b.2),
    );
    decide(&pair, t)
}

fn make_pair(
    a: (&[char], &[u64], Option<&str>, Option<i64>),
    b: (&[char], &[u64], Option<&str>, Option<i64>),
) -> Pair {
    let (jaccard, containment) = sketch::overlap(a.1, b.1);
    let title = |t: Option<&str>| fold_for_id(t.unwrap_or(""));
    let (ta, tb) = (title(a.2), title(b.2));
    Pair {
        shorter: a.0.len().min(b.0.len()),
        longer: a.0.len().max(b.0.len()),
        jaccard,
        containment,
        days_apart: a.3.zip(b.3).map(|(x, y)| (x - y).abs()),
        same_title: !ta.is_empty() && ta == tb,
    }
}

fn day_number(a: &StoredArticle) -> Option<i64> {
    use chrono::Datelike;
    a.article.date.map(|d| i64::from(d.num_days_from_ce()))
}

fn find_root(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let p = parent[i as usize];
        parent[i as usize] = parent[p as usize];
        i = p;
    }
    i
}

/// Which articles tell the same story. Each story is led by the printing localfeed saw
/// first; among printings first seen together, by the earliest dated, then by one no
/// other printing credits (a text naming another printing's paper, `据湖州日报`, is the
/// reprint), then by id. Returns the other printings with the id of their story's
/// leader, sorted by printing id. The same articles give the same answer on every run,
/// whatever their order.
pub fn find(articles: &[StoredArticle], t: &Thresholds) -> Members {
    let n = articles.len();
    let texts: Vec<Vec<char>> = articles
        .iter()
        .map(|a| sketch::story_text(&a.article.body))
        .collect();
    let sigs: Vec<[u32; sketch::BINS]> = texts.iter().map(|x| sketch::signature(x)).collect();
    // LSH: one bucket map per band, keyed by the band's values.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut bucket: HashMap<u64, Vec<u32>> = HashMap::with_capacity(n);
    for band in 0..BANDS {
        bucket.clear();
        for (i, s) in sigs.iter().enumerate() {
            if texts[i].is_empty() {
                continue;
            }
            let mut h = band as u64;
            for v in &s[band * ROWS..(band + 1) * ROWS] {
                h = h.rotate_left(29) ^ u64::from(*v);
                h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            }
            bucket.entry(h).or_default().push(i as u32);
        }
        for ids in bucket.values().filter(|v| v.len() > 1) {
            if ids.len() <= BUCKET_ALL_PAIRS {
                for (x, &a) in ids.iter().enumerate() {
                    for &b in &ids[x + 1..] {
                        pairs.push((a, b));
                    }
                }
            } else {
                for w in ids.windows(2) {
                    pairs.push((w[0], w[1]));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut sets: Vec<Option<Vec<u64>>> = vec![None; n];
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for (a, b) in pairs {
        let (ai, bi) = (a as usize, b as usize);
        if sketch::estimate(&sigs[ai], &sigs[bi]) < CANDIDATE_FLOOR {
            continue;
        }
        if find_root(&mut parent, a) == find_root(&mut parent, b) {
            continue;
        }
        for i in [ai, bi] {
            if sets[i].is_none() {
                sets[i] = Some(sketch::shingle_set(&texts[i]));
            }
        }
        let (Some(sa), Some(sb)) = (&sets[ai], &sets[bi]) else {
            continue;
        };
        let (x, y) = (&articles[ai], &articles[bi]);
        let pair = make_pair(
            (&texts[ai], sa, x.article.title.as_deref(), day_number(x)),
            (&texts[bi], sb, y.article.title.as_deref(), day_number(y)),
        );
        if decide(&pair, t).0 {
            let (ra, rb) = (find_root(&mut parent, a), find_root(&mut parent, b));
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find_root(&mut parent, i as u32);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Members = Vec::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let lead = leader(articles, members);
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
fn leader(articles: &[StoredArticle], members: &[usize]) -> usize {
    let credits_other = |i: usize| {
        let a = &articles[i];
        let head: String = a.article.body.chars().take(60).collect();
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
    let mut extra: HashMap<String, Vec<StoredArticle>> = HashMap::new();
    let mut out = Vec::with_capacity(articles.len());
    for a in articles {
        match story_of.get(a.id.as_str()) {
            Some(s) => extra.entry((*s).to_string()).or_default().push(a),
            None => out.push(a),
        }
    }
    for a in &mut out {
        let Some(mut others) = extra.remove(&a.id) else {
            continue;
        };
        others.sort_by(|x, y| (x.first_seen, &x.id).cmp(&(y.first_seen, &y.id)));
        for o in others {
            let p = &o.placement.primary;
            if !p.is_empty() && *p != a.placement.primary && !a.placement.also.contains(p) {
                a.placement.also.push(p.clone());
            }
            a.printings.push(Printing {
                id: o.id,
                source: o.source,
                publication: o.publication,
                first_seen: o.first_seen,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
