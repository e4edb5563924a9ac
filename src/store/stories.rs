//! What the store keeps of stories and of the editor's hand: which articles are
//! printings of another article's story, each article's sketch (so a run signs only new
//! text), and the overrides set with `localfeed fix`.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};

use crate::model::{Override, StoredArticle};

use super::{SqliteStore as Store, parse_ts, ts};

/// One override as `localfeed fix --list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideRecord {
    /// The article it applies to.
    pub article_id: String,
    /// What it sets.
    pub fix: Override,
    /// The division codes a place override publishes into.
    pub codes: Option<Vec<String>>,
    /// When it was last set.
    pub set_at: DateTime<FixedOffset>,
}

impl Store {
    /// Replaces what the store knows of stories with `members`: `(printing id, story id)`
    /// for every article that is a printing of another article's story. One transaction.
    pub fn set_stories(&mut self, members: &[(String, String)]) -> Result<()> {
        self.write_pairs(
            Some("DELETE FROM article_stories"),
            "INSERT OR REPLACE INTO article_stories (article_id, story_id) VALUES (?1, ?2)",
            members.iter().map(|(m, s)| (m.as_str(), s.as_str())),
        )
    }

    /// Every printing the store lists as part of another article's story: `(printing id,
    /// story id)`, sorted by printing id (what [`Store::set_stories`] or
    /// [`Store::record_stories`] last wrote).
    pub fn story_members(&self) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT article_id, story_id FROM article_stories ORDER BY article_id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What one pass of the `stories` stage found, in one transaction, so that a run
    /// killed half way leaves either all of it or none: the sketches of the articles it
    /// signed (`signed` their ids, `sketch(k)` the bytes of the sketch of `signed[k]`,
    /// asked for one at a time), and the change from `before` (what
    /// [`Store::story_members`] gave) to `after` (both sorted by printing id) — only the
    /// rows that differ are written. An
    /// article whose sketch is kept has been looked at by a pass whose stories are kept
    /// with it.
    pub fn record_stories(
        &mut self,
        signed: &[&str],
        sketch: impl Fn(usize) -> Vec<u8>,
        before: &[(String, String)],
        after: &[(String, String)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            // in the order of the articles' numbers, so that the sketches of new articles
            // fill the table's last pages
            let mut number = tx.prepare_cached("SELECT n FROM articles WHERE id = ?1")?;
            let mut rows: Vec<(i64, usize)> = Vec::with_capacity(signed.len());
            for (k, id) in signed.iter().enumerate() {
                if let Some(n) = number.query_row(params![id], |r| r.get(0)).optional()? {
                    rows.push((n, k));
                }
            }
            rows.sort_unstable();
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO article_sketches (n, sketch) VALUES (?1, ?2)",
            )?;
            for (n, k) in rows {
                ins.execute(params![n, sketch(k)])?;
            }
            let mut del = tx.prepare_cached("DELETE FROM article_stories WHERE article_id = ?1")?;
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO article_stories (article_id, story_id) VALUES (?1, ?2)",
            )?;
            let (mut i, mut j) = (0, 0);
            while i < before.len() || j < after.len() {
                let order = match (before.get(i), after.get(j)) {
                    (Some(x), Some(y)) => x.0.cmp(&y.0),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    _ => std::cmp::Ordering::Greater,
                };
                match order {
                    std::cmp::Ordering::Less => {
                        del.execute(params![before[i].0])?;
                        i += 1;
                    }
                    std::cmp::Ordering::Greater => {
                        put.execute(params![after[j].0, after[j].1])?;
                        j += 1;
                    }
                    std::cmp::Ordering::Equal => {
                        if before[i].1 != after[j].1 {
                            put.execute(params![after[j].0, after[j].1])?;
                        }
                        i += 1;
                        j += 1;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets every story and every kept sketch (stories switched off with `[stories]
    /// merge = false`): the next pass with stories on looks at every article again.
    pub fn forget_stories(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch("DELETE FROM article_stories; DELETE FROM article_sketches;")?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `clear` (if any), then `insert` once for each pair, in one transaction.
    fn write_pairs<A: rusqlite::ToSql, B: rusqlite::ToSql>(
        &mut self,
        clear: Option<&str>,
        insert: &str,
        rows: impl IntoIterator<Item = (A, B)>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        if let Some(clear) = clear {
            tx.execute(clear, [])?;
        }
        {
            let mut ins = tx.prepare_cached(insert)?;
            for (a, b) in rows {
                ins.execute(params![a, b])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Hands each sketch kept for a stored article (see [`Store::record_stories`]) to
    /// `each`, with its article's id, in the order of article ids, as the bytes it was
    /// kept as (borrowed: nothing is copied that `each` does not keep).
    pub fn each_sketch(&self, mut each: impl FnMut(&str, &[u8])) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, s.sketch FROM article_sketches s JOIN articles a ON a.n = s.n
             ORDER BY a.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            each(r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_blob()?);
        }
        Ok(())
    }

    /// The ids of the stored articles that have no sketch kept (see
    /// [`Store::record_stories`]), or one whose first byte is not `version` (kept by
    /// another version of the sketch), sorted: the articles a pass of the `stories` stage
    /// signs. One pass over the articles' numbers, no article read.
    pub fn unsigned_articles(&self, version: u8) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id FROM articles a LEFT JOIN article_sketches s ON s.n = a.n
             WHERE s.n IS NULL OR substr(s.sketch, 1, 1) IS NOT ?1 ORDER BY a.id",
        )?;
        let rows = st.query_map(params![vec![version]], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The sketches kept for the articles `ids` (those that have one): `(id, bytes)`,
    /// sorted by id.
    pub fn sketches_of(&self, ids: &[&str]) -> Result<Vec<(String, Vec<u8>)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, s.sketch FROM articles a JOIN article_sketches s ON s.n = a.n
             WHERE a.id IN (SELECT value FROM json_each(?1)) ORDER BY a.id",
        )?;
        let rows = st.query_map(params![serde_json::to_string(ids)?], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The story an article is a printing of, when it is not its own.
    pub fn story_of(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT story_id FROM article_stories WHERE article_id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The printings of the story `id` leads (ids, sorted).
    pub fn printings_of(&self, id: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT article_id FROM article_stories WHERE story_id = ?1 ORDER BY article_id",
        )?;
        let rows = st.query_map(params![id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The other printings of the story article `id` leads, in the order they were first
    /// seen (as the `stories` stage lists them for the static feeds).
    pub(crate) fn printings(&self, id: &str) -> Result<Vec<crate::model::Printing>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.source, a.publication, a.first_seen
             FROM article_stories s JOIN articles a ON a.id = s.article_id
             WHERE s.story_id = ?1",
        )?;
        let rows = st.query_map(params![id], text_row)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, source, publication, first) = row?;
            out.push(crate::model::Printing {
                id,
                source,
                publication,
                first_seen: super::parse_ts(&first)?,
                arrival: 0,
                entered: None,
            });
        }
        out.sort_by(|x, y| (x.first_seen, &x.id).cmp(&(y.first_seen, &y.id)));
        Ok(out)
    }

    /// Every article id that stands for the same story as one of `ids` (the ids
    /// themselves, their story's id and that story's other printings).
    pub(crate) fn story_ids(&self, id: &str) -> Result<Vec<String>> {
        let story = self.story_of(id)?.unwrap_or_else(|| id.to_string());
        let mut out = self.printings_of(&story)?;
        out.push(story);
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Sets (or replaces) the override of article `id`. Fails when no such article is
    /// stored. `codes` are the division codes a place override publishes into.
    pub fn set_override(
        &mut self,
        id: &str,
        fix: &Override,
        codes: Option<&[String]>,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        let exists: bool = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?
            .exists(params![id])?;
        anyhow::ensure!(exists, "no stored article has the id {id:?}");
        let mut fix = fix.clone();
        fix.set = Some(*now);
        let codes = codes.map(serde_json::to_string).transpose()?;
        self.conn.execute(
            "INSERT INTO overrides (article_id, override, codes, set_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (article_id) DO UPDATE SET override = ?2, codes = ?3, set_at = ?4",
            params![id, serde_json::to_string(&fix)?, codes, ts(now)],
        )?;
        Ok(())
    }

    /// Removes the override of article `id`; false when it had none.
    pub fn remove_override(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM overrides WHERE article_id = ?1", params![id])?
            > 0)
    }

    /// The override of article `id`, if any.
    pub fn override_of(&self, id: &str) -> Result<Option<OverrideRecord>> {
        Ok(self.overrides()?.remove(id))
    }

    /// Every override, by article id.
    pub fn overrides(&self) -> Result<HashMap<String, OverrideRecord>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT article_id, override, codes, set_at FROM overrides")?;
        let rows = st.query_map([], text_row)?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, fix, codes, set_at) = row?;
            let fix: Override = serde_json::from_str(&fix)
                .with_context(|| format!("override of article {id} in the store"))?;
            let codes: Option<Vec<String>> = codes
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .with_context(|| format!("override codes of article {id} in the store"))?;
            out.insert(
                id.clone(),
                OverrideRecord {
                    article_id: id,
                    fix,
                    codes,
                    set_at: parse_ts(&set_at)?,
                },
            );
        }
        Ok(out)
    }
}

/// The articles as the editor wants them: overrides applied, hidden ones left out.
pub(crate) fn apply_overrides(
    articles: Vec<StoredArticle>,
    overrides: &HashMap<String, OverrideRecord>,
) -> Vec<StoredArticle> {
    if overrides.is_empty() {
        return articles;
    }
    articles
        .into_iter()
        .filter_map(|mut a| {
            if let Some(o) = overrides.get(&a.id) {
                if o.fix.hide {
                    return None;
                }
                o.fix.apply(&mut a);
            }
            Some(a)
        })
        .collect()
}

/// Four text columns of a row, the third one nullable: the shape of a printing's
/// (id, source, publication, first seen) and of an override's (id, override, codes, set).
fn text_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, Option<String>, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}
