//! Full-text search in PostgreSQL, giving the same articles in the same order as SQLite's
//! (`../search.rs`): the index is an array of each article's terms (what FTS5 keeps)
//! under a GIN index, a phrase's candidates are the articles whose array holds all its
//! terms, and each candidate's text decides and ranks exactly as the SQLite store does,
//! with the same functions.

use std::collections::{BTreeSet, HashSet};

use anyhow::Result;

use super::super::search::{
    HEAD_WEIGHT, SearchPage, Words, bm25, idf, index_words, occurrences_in, phrases,
    stories_matching,
};
use super::{ARTICLE_COLUMNS, PgStore, raw, unpack_head, unzstd};
use crate::model::StoredArticle;

/// The articles a reader is not shown: a reprint of another story, or hidden by an editor.
const NOT_SHOWN: &str = "SELECT article_id FROM article_stories
    UNION SELECT article_id FROM overrides WHERE (override::jsonb ->> 'hide')::boolean";

impl PgStore {
    /// Articles matching every word of `q`, ranked as the SQLite store ranks them.
    pub fn search(&self, q: &str, limit: usize, offset: usize) -> Result<SearchPage> {
        let phrases = phrases(q);
        if phrases.is_empty() {
            return Ok(SearchPage::default());
        }
        let mut candidates: Vec<Vec<i64>> = Vec::with_capacity(phrases.len());
        for p in &phrases {
            let terms: Vec<String> = p
                .candidates()
                .split(" AND ")
                .map(|t| t.trim_matches('"').to_string())
                .collect();
            candidates.push(
                self.rows(
                    "SELECT n FROM articles WHERE terms @> $1::text[] ORDER BY n",
                    &[&terms],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect(),
            );
        }
        let mut look: BTreeSet<i64> = BTreeSet::new();
        for (p, c) in phrases.iter().zip(&candidates) {
            if !p.exact() {
                look.extend(c);
            }
        }
        let (first, rest) = candidates.split_first().unwrap_or((&candidates[0], &[]));
        look.extend(
            first
                .iter()
                .filter(|n| rest.iter().all(|c| c.binary_search(n).is_ok())),
        );
        let mut hits: Vec<i64> = phrases
            .iter()
            .zip(&candidates)
            .map(|(p, c)| if p.exact() { c.len() as i64 } else { 0 })
            .collect();
        let mut matching: Vec<(i64, String, String, Vec<f64>, f64)> = Vec::new();
        let look: Vec<i64> = look.into_iter().collect();
        let rows = self.rows(
            "SELECT n, id, head, body, published, tokens FROM articles WHERE n = ANY($1) ORDER BY n",
            &[&look],
        )?;
        for r in &rows {
            let n: i64 = r.get(0);
            let id: String = r.get(1);
            let (a, _) = unpack_head(r.get::<_, &[u8]>(2))?;
            let body = unzstd(r.get::<_, &[u8]>(3))?;
            let head = [a.kicker, a.title, a.subtitle]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let mut words: Option<Words> = None;
            let mut freq = Vec::with_capacity(phrases.len());
            for (i, p) in phrases.iter().enumerate() {
                let (h, b) = if candidates[i].binary_search(&n).is_err() {
                    (0, 0)
                } else if let Some(han) = p.chinese() {
                    (occurrences_in(&head, &han), occurrences_in(&body, &han))
                } else {
                    let w = words.get_or_insert_with(|| Words {
                        head: index_words(&head),
                        body: index_words(&body),
                    });
                    let hw: Vec<&str> = w.head.split(' ').filter(|x| !x.is_empty()).collect();
                    let bw: Vec<&str> = w.body.split(' ').filter(|x| !x.is_empty()).collect();
                    (p.occurrences(&hw), p.occurrences(&bw))
                };
                if h + b > 0 && !p.exact() {
                    hits[i] += 1;
                }
                freq.push(HEAD_WEIGHT * h as f64 + b as f64);
            }
            if freq.iter().all(|f| *f > 0.0) {
                let tokens: i64 = r.get(5);
                matching.push((n, id, r.get(4), freq, tokens as f64));
            }
        }
        let totals = self
            .row("SELECT rows, tokens FROM search_totals WHERE id = 1", &[])?
            .ok_or_else(|| anyhow::anyhow!("the search totals are missing"))?;
        let (rows, tokens): (i64, i64) = (totals.get(0), totals.get(1));
        let avg = tokens as f64 / rows as f64;
        let idf: Vec<f64> = hits.iter().map(|h| idf(rows, *h)).collect();
        let not_shown: HashSet<String> = self
            .rows(NOT_SHOWN, &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut found: Vec<(f64, String, String, i64)> = matching
            .into_iter()
            .filter(|m| !not_shown.contains(&m.1))
            .map(|(n, id, published, freq, len)| (bm25(&freq, &idf, len, avg), published, id, n))
            .collect();
        found.sort_by(|a, b| {
            a.0.partial_cmp(&b.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        let total = found.len();
        let mut articles = Vec::new();
        for f in found.iter().skip(offset).take(limit) {
            let r = self
                .row(
                    &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE n = $1"),
                    &[&f.3],
                )?
                .ok_or_else(|| anyhow::anyhow!("article {} went while searching", f.2))?;
            articles.push(self.unpack(raw(&r))?);
        }
        Ok(SearchPage { total, articles })
    }

    /// The newest `limit` stories published into any of `codes` that mention every word
    /// of `include` and none of `exclude` (see the SQLite store).
    pub fn articles_matching(
        &self,
        codes: &[String],
        include: &[String],
        exclude: &[String],
        limit: usize,
    ) -> Result<Vec<StoredArticle>> {
        stories_matching(
            codes,
            include,
            exclude,
            limit,
            || {
                Ok(self
                    .rows("SELECT article_id FROM article_stories", &[])?
                    .iter()
                    .map(|r| r.get(0))
                    .collect())
            },
            || self.articles(),
            |codes| self.articles_in(codes, None),
            |id| self.printings(id),
        )
    }
}
