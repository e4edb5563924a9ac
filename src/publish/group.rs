//! Which articles go into which feed, in which order, and how a feed's history is cut
//! into stable archive documents.
//!
//! A feed's items are in the order they arrived in the store ([`StoredArticle::arrival`]),
//! not in date order: an article that arrives late, whatever its date, enters the tail of
//! each feed it belongs to (its subscription documents and open archive), so a complete
//! archive document, and a full older page of a place, never change their items (RFC
//! 5005: an archive document's contents do not change once published). A story's leading
//! article enters the feeds of a place only a later printing is placed in when that
//! printing arrived. Within one document the items are shown newest date first
//! ([`newest_first`]).

use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, FixedOffset};

use crate::model::{Division, StoredArticle, shanghai};

use super::text::safe_segment;

/// An article with what every document needs computed once.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    /// The stored article.
    pub(crate) art: &'a StoredArticle,
    /// Publication time, +08:00.
    pub(crate) published: DateTime<FixedOffset>,
    /// Last change, +08:00, never earlier than `published`.
    pub(crate) updated: DateTime<FixedOffset>,
    /// The article's file name stem (its id when that is a safe path segment).
    pub(crate) file: String,
    /// A fingerprint of everything about the article a document shows.
    pub(crate) fp: u64,
    /// The article's `urn:uuid:` id, made on first use (a run that renders nothing never
    /// needs it; one that does needs it in several documents).
    uid: std::sync::OnceLock<String>,
    /// The article's teasers, made from its body by the first document that reads it
    /// (see [`super::item::Teasers`]).
    teasers: std::sync::OnceLock<super::item::Teasers>,
    /// Whether a worker took the article's page (to write it, or to find it unchanged).
    page: std::sync::atomic::AtomicBool,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(art: &'a StoredArticle) -> Self {
        let tz = shanghai();
        let published = art.published().with_timezone(&tz);
        let updated = art.updated.with_timezone(&tz).max(published);
        Self {
            art,
            published,
            updated,
            file: safe_segment(&art.id),
            fp: fingerprint(art),
            uid: std::sync::OnceLock::new(),
            teasers: std::sync::OnceLock::new(),
            page: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The article's permanent id, `urn:uuid:` derived from its stored id.
    pub(crate) fn uid(&self) -> &str {
        self.uid
            .get_or_init(|| super::text::urn_uuid(super::item::ARTICLE_NS, &self.art.id))
    }

    /// True for the one caller that takes the article's page (it is written, or found
    /// unchanged, once a run, by whichever worker reads the body first).
    pub(crate) fn take_page(&self) -> bool {
        !self.page.swap(true, std::sync::atomic::Ordering::AcqRel)
    }

    /// The article's teasers, when a document has read its body already.
    pub(crate) fn teasers(&self) -> Option<&super::item::Teasers> {
        self.teasers.get()
    }

    /// The article's teasers, made from `body` (its body) unless they were made already.
    pub(crate) fn teasers_from(&self, body: &str, summary_chars: usize) -> &super::item::Teasers {
        self.teasers
            .get_or_init(|| super::item::Teasers::of(body, summary_chars))
    }
}

/// Prepares the articles, on `threads` workers.
pub(crate) fn prepare<'a>(arts: &[&'a StoredArticle], threads: usize) -> Vec<Prepared<'a>> {
    if threads <= 1 || arts.len() < 4096 {
        return arts.iter().map(|a| Prepared::new(a)).collect();
    }
    let chunk = arts.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = arts
            .chunks(chunk)
            .map(|c| scope.spawn(move || c.iter().map(|a| Prepared::new(a)).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(arts.len());
        // A worker that panicked leaves its chunk out; the caller checks the count.
        for h in handles {
            if let Ok(v) = h.join() {
                out.extend(v);
            }
        }
        out
    })
}

/// Hashes every field of the article that a feed, page or index shows.
fn fingerprint(s: &StoredArticle) -> u64 {
    let mut h = super::text::fingerprinter();
    s.id.hash(&mut h);
    s.source.hash(&mut h);
    s.publication.hash(&mut h);
    let a = &s.article;
    a.title.hash(&mut h);
    a.kicker.hash(&mut h);
    a.subtitle.hash(&mut h);
    // The body, by far the longest field, by its digest (made in one call, or kept by a
    // head whose body was left in the store): the streaming hasher copies what it is
    // given through a small buffer.
    s.digest_of_body().hash(&mut h);
    a.reporters.hash(&mut h);
    a.contributors.hash(&mut h);
    a.date.hash(&mut h);
    a.kind.hash(&mut h);
    a.url.hash(&mut h);
    s.placement.primary.hash(&mut h);
    s.placement.also.hash(&mut h);
    s.first_seen.hash(&mut h);
    s.updated.hash(&mut h);
    for p in &s.printings {
        (&p.id, &p.source, &p.publication).hash(&mut h);
    }
    h.finish()
}

/// One feed: a division (or `all`) and its articles, oldest first.
#[derive(Debug)]
pub(crate) struct Group {
    /// Folder name under the output folder: the division code, or `all`.
    pub(crate) key: String,
    /// The division's chain from the province down to it; empty for `all`.
    pub(crate) chain: Vec<Division>,
    /// Indexes into the prepared articles in the order they entered this feed (by arrival,
    /// see [`order`]).
    pub(crate) items: Vec<u32>,
}

impl Group {
    /// The division this feed is for (`None` for `all`).
    pub(crate) fn division(&self) -> Option<&Division> {
        self.chain.last()
    }
}

/// The order the prepared articles arrived in: by the store's arrival number, then (for
/// articles of one number, such as those not read from a store) oldest first, ties by id.
pub(crate) fn order(prep: &[Prepared<'_>]) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..prep.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    idx.sort_by(|&x, &y| {
        let (a, b) = (&prep[x as usize], &prep[y as usize]);
        a.art
            .arrival
            .cmp(&b.art.arrival)
            .then_with(|| a.published.cmp(&b.published))
            .then_with(|| a.art.id.cmp(&b.art.id))
    });
    idx
}

/// The items `items` (indexes into `prep`) as one document shows them: newest date
/// first, ties by id (the newest arrival first for equal dates and ids).
pub(crate) fn newest_first(prep: &[Prepared<'_>], items: &[u32]) -> Vec<u32> {
    let mut v: Vec<u32> = items.iter().rev().copied().collect();
    v.sort_by(
        |&x, &y| match (prep.get(x as usize), prep.get(y as usize)) {
            (Some(a), Some(b)) => (b.published, &b.art.id).cmp(&(a.published, &a.art.id)),
            _ => std::cmp::Ordering::Equal,
        },
    );
    v
}

/// When the story of `p` entered the feed of division `code`: the leader's arrival when
/// it is placed there itself, else the earliest printing that brought the place in
/// (see [`crate::model::Printing::entered`]).
fn entered(p: &Prepared<'_>, code: &str) -> u64 {
    let a = p.art;
    let entered_by =
        |c: &crate::model::Chain| a.printings.iter().any(|q| q.entered.as_ref() == Some(c));
    let own = std::iter::once(&a.placement.primary)
        .chain(a.placement.also.iter())
        .filter(|c| !entered_by(c))
        .any(|c| c.0.iter().any(|d| d.code == code));
    if own {
        return a.arrival;
    }
    a.printings
        .iter()
        .filter(|q| {
            q.entered
                .as_ref()
                .is_some_and(|c| c.0.iter().any(|d| d.code == code))
        })
        .map(|q| q.arrival)
        .min()
        .unwrap_or(a.arrival)
}

/// Groups the articles into feeds: `all` first, then one per division code in code order.
pub(crate) fn groups(prep: &[Prepared<'_>], order: &[u32], include_also: bool) -> Vec<Group> {
    // Divisions are looked up by their code as stored (no allocation per article); a code
    // seen for the first time finds its group by folder name, so codes with one folder
    // name share a feed.
    let mut by_code: HashMap<&str, usize> = HashMap::default();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    let mut list: Vec<Group> = Vec::new();
    let mut all = Vec::with_capacity(order.len());
    let mut seen: Vec<usize> = Vec::new();
    // groups an article entered later than it arrived (through a later printing of its
    // story): their items are sorted again by when they entered
    let mut later: rustc_hash::FxHashSet<usize> = Default::default();
    for &i in order {
        let Some(p) = prep.get(i as usize) else {
            continue;
        };
        all.push(i);
        let pl = &p.art.placement;
        let also: &[crate::model::Chain] = if include_also { &pl.also } else { &[] };
        seen.clear();
        for chain in std::iter::once(&pl.primary).chain(also.iter()) {
            let by_printing = p
                .art
                .printings
                .iter()
                .any(|q| q.entered.as_ref() == Some(chain));
            for (depth, d) in chain.0.iter().enumerate() {
                let g = match by_code.get(d.code.as_str()) {
                    Some(&g) => g,
                    None => {
                        let key = safe_segment(&d.code);
                        let g = match by_key.get(&key) {
                            Some(&g) => g,
                            None if key == "all" => usize::MAX,
                            None => {
                                list.push(Group {
                                    key: key.clone(),
                                    chain: chain
                                        .0
                                        .get(..=depth)
                                        .map(<[Division]>::to_vec)
                                        .unwrap_or_default(),
                                    items: Vec::new(),
                                });
                                by_key.insert(key, list.len() - 1);
                                list.len() - 1
                            }
                        };
                        by_code.insert(&d.code, g);
                        g
                    }
                };
                if seen.contains(&g) {
                    continue;
                }
                seen.push(g);
                if by_printing && g != usize::MAX && entered(p, &d.code) != p.art.arrival {
                    later.insert(g);
                }
                if let Some(group) = list.get_mut(g) {
                    group.items.push(i);
                }
            }
        }
    }
    if !later.is_empty() {
        let mut rank = vec![0u32; prep.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(x) = rank.get_mut(i as usize) {
                *x = u32::try_from(r).unwrap_or(u32::MAX);
            }
        }
        for &g in &later {
            let Some(group) = list.get_mut(g) else {
                continue;
            };
            let code = group
                .chain
                .last()
                .map(|d| d.code.clone())
                .unwrap_or_default();
            group.items.sort_by_cached_key(|&i| {
                let e = prep.get(i as usize).map_or(0, |p| entered(p, &code));
                (e, rank.get(i as usize).copied().unwrap_or_default())
            });
        }
    }
    list.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out = Vec::with_capacity(list.len() + 1);
    if !all.is_empty() {
        out.push(Group {
            key: "all".into(),
            chain: Vec::new(),
            items: all,
        });
    }
    out.extend(list);
    out
}

/// How a feed is cut into its subscription document and its RFC 5005 archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cut {
    /// Complete archives: archive `k` (1-based) holds items `[(k-1)*size, k*size)`; once
    /// written, its items never change.
    pub(crate) archives: usize,
    /// Items of the open archive after them, `[archives*size, first)` (fewer than `size`;
    /// 0: none). Its file is named by its count (`archive/4-37.rss.xml`), so a document at
    /// one address never changes its items: when it grows, it gets a new address.
    pub(crate) open: usize,
    /// The first item of the subscription document, which holds `[first, total)`: the
    /// newest `current` items, never more, and none of them in an archive.
    pub(crate) first: usize,
}

/// How a feed of `total` items (oldest first) is cut into `current` items for its
/// subscription document and archives of `size` items for everything older (see
/// [`Cut`]); with `size == 0` (no archives) the older items are in no document.
pub(crate) fn cut(total: usize, current: usize, size: usize) -> Cut {
    let first = total.saturating_sub(current);
    if size == 0 {
        return Cut {
            archives: 0,
            open: 0,
            first,
        };
    }
    Cut {
        archives: first / size,
        open: first % size,
        first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_cover_everything_older_than_the_current_page_once() {
        for size in [1usize, 3, 50, 200] {
            for current in [1usize, 5, 50] {
                for total in 0..700usize {
                    let c = cut(total, current, size);
                    // the subscription document holds the newest `current`, never more
                    assert_eq!(total - c.first, total.min(current));
                    // complete archives, then the open one, then the current items:
                    // every item in exactly one document
                    assert_eq!(
                        c.archives * size + c.open,
                        c.first,
                        "{total} {current} {size}"
                    );
                    assert!(c.open < size);
                }
            }
        }
        let c = |t, n, s| {
            let c = cut(t, n, s);
            (c.archives, c.open, c.first)
        };
        assert_eq!(c(120, 50, 50), (1, 20, 70));
        assert_eq!(c(100, 50, 50), (1, 0, 50));
        assert_eq!(c(40, 50, 50), (0, 0, 0));
        assert_eq!(c(140, 5, 50), (2, 35, 135));
        assert_eq!(c(102, 50, 200), (0, 52, 52));
        assert_eq!(c(102, 50, 0), (0, 0, 52));
    }
}
