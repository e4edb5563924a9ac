//! Full-text search of the stored articles, and the article lists of feeds made to order.
//!
//! The index is an FTS5 table (`article_search`: headline lines and body) kept by
//! triggers on `articles`, so every way an article is stored, changed or removed keeps
//! it current. Chinese has no spaces between words, and FTS5's own tokenizers either
//! take a whole run of Chinese as one token (`unicode61`) or cannot look up words of two
//! characters (`trigram`), while most Chinese words have two. So the text is indexed as
//! overlapping pairs of characters (bigrams: 防汛工作 → 防汛 汛工 工作 作, the run's last
//! character alone too, so one character can be looked up as a prefix), other letters
//! and digits as lower-cased words, by the SQL function [`BIGRAMS`] this module gives
//! every connection; a query is split the same way and looked up as a phrase. The table
//! is contentless (the text is in `articles`); `article_search_ids` numbers the articles
//! for it, with a key of its own that `VACUUM` keeps.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use anyhow::Result;

use crate::model::StoredArticle;

use super::{RawArticle, Store, raw_article};

/// The SQL function that turns text into the words the index holds.
pub(crate) const BIGRAMS: &str = "localfeed_bigrams";

/// Gives a connection the [`BIGRAMS`] function (the triggers that keep the index call it).
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        BIGRAMS,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(index_words(text.as_deref().unwrap_or("")))
        },
    )
}

/// True for a Chinese character (the CJK unified ideographs and their extensions).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A stretch of text of one kind: Chinese characters, or other letters and digits.
#[derive(Debug, PartialEq, Eq)]
enum Run {
    Han(Vec<char>),
    Word(String),
}

/// The runs of `text`, in order; everything else (spaces, punctuation) separates them.
fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cur: Option<Run> = None;
    for c in text.chars() {
        let han = is_han(c);
        let word = !han && c.is_alphanumeric();
        cur = match (cur.take(), han, word) {
            (Some(Run::Han(mut v)), true, _) => {
                v.push(c);
                Some(Run::Han(v))
            }
            (Some(Run::Word(mut w)), _, true) => {
                w.extend(c.to_lowercase());
                Some(Run::Word(w))
            }
            (prev, _, _) => {
                out.extend(prev);
                if han {
                    Some(Run::Han(vec![c]))
                } else if word {
                    Some(Run::Word(c.to_lowercase().collect()))
                } else {
                    None
                }
            }
        };
    }
    out.extend(cur);
    out
}

/// The words of `text` as the index holds them, separated by spaces: each run of Chinese
/// as its pairs of characters then its last character alone, other runs lower-cased.
pub(crate) fn index_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for run in runs(text) {
        match run {
            Run::Han(chars) => {
                for pair in chars.windows(2) {
                    out.extend(pair);
                    out.push(' ');
                }
                if let Some(last) = chars.last() {
                    out.push(*last);
                    out.push(' ');
                }
            }
            Run::Word(w) => {
                out.push_str(&w);
                out.push(' ');
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The FTS5 query for the words of `q` (separated by spaces): every word must occur,
/// each looked up as the phrase of its pairs of characters (one Chinese character alone
/// as a prefix). `None` when `q` has nothing to look up.
pub(crate) fn match_query(q: &str) -> Option<String> {
    let mut terms = Vec::new();
    for word in q.split_whitespace() {
        let mut tokens: Vec<String> = Vec::new();
        let mut prefix = false;
        let rs = runs(word);
        let single = rs.len() == 1;
        for run in rs {
            match run {
                Run::Han(chars) if chars.len() == 1 => {
                    tokens.extend(chars.iter().map(char::to_string));
                    prefix = single;
                }
                Run::Han(chars) => tokens.extend(chars.windows(2).map(|p| p.iter().collect())),
                Run::Word(w) => tokens.push(w),
            }
        }
        if tokens.is_empty() {
            continue;
        }
        // The tokens hold letters and digits only, so quoting them is all the escaping
        // the query syntax needs.
        let phrase = format!("\"{}\"", tokens.join(" "));
        terms.push(if prefix {
            format!("{phrase} *")
        } else {
            phrase
        });
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// Whether the article's headline lines or body hold `word` (letters compared without
/// case).
pub fn mentions(a: &StoredArticle, word: &str) -> bool {
    let word = word.to_lowercase();
    let x = &a.article;
    [
        x.title.as_deref(),
        x.kicker.as_deref(),
        x.subtitle.as_deref(),
        Some(x.body.as_str()),
    ]
    .into_iter()
    .flatten()
    .any(|t| t.to_lowercase().contains(&word))
}

/// One page of search results.
#[derive(Debug, Default)]
pub struct SearchPage {
    /// Articles matching, in all.
    pub total: usize,
    /// The page's articles, best first.
    pub articles: Vec<StoredArticle>,
}

const COLUMNS: &str =
    "a.id, a.source, a.input, a.publication, a.article, a.placement, a.first_seen, a.updated";

/// The articles a reader is shown (`s.id`): not a reprint of another article's story (the
/// story's leading printing stands for it) and not hidden by an editor (`localfeed fix
/// --hide`).
const SHOWN: &str = "s.id NOT IN (SELECT article_id FROM article_stories)
    AND s.id NOT IN (SELECT article_id FROM overrides WHERE override ->> '$.hide' = 1)";

impl Store {
    /// Articles matching every word of `q` (words of Chinese looked up as the phrase of
    /// their pairs of characters; see the module documentation), ranked (BM25, a match
    /// in the headline lines weighing four times one in the body; then the newest),
    /// `limit` of them after the first `offset`.
    pub fn search(&self, q: &str, limit: usize, offset: usize) -> Result<SearchPage> {
        let Some(m) = match_query(q) else {
            return Ok(SearchPage::default());
        };
        let total: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM article_search
                 JOIN article_search_ids s ON s.n = article_search.rowid
                 WHERE article_search MATCH ?1 AND {SHOWN}"
            ),
            [&m],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM article_search
             JOIN article_search_ids s ON s.n = article_search.rowid
             JOIN articles a ON a.id = s.id
             WHERE article_search MATCH ?1 AND {SHOWN}
             ORDER BY bm25(article_search, 4.0, 1.0), a.published DESC, a.id
             LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st.query_map(
            rusqlite::params![m, limit as i64, offset as i64],
            raw_article,
        )?;
        let articles = rows
            .map(|r| {
                r.map_err(anyhow::Error::from)
                    .and_then(RawArticle::into_stored)
            })
            .collect::<Result<_>>()?;
        Ok(SearchPage {
            total: usize::try_from(total).unwrap_or(0),
            articles,
        })
    }

    /// The newest `limit` stories published into any of `codes` (a code covers the
    /// places below it; no codes: every place) that mention every word of `include` and
    /// none of `exclude` in their headline lines or body. Each story comes once, as the
    /// printing that leads it, and the editor's overrides apply (a place set by hand
    /// decides the codes, hidden articles are left out), as in the static feeds.
    pub fn articles_matching(
        &self,
        codes: &[String],
        include: &[String],
        exclude: &[String],
        limit: usize,
    ) -> Result<Vec<StoredArticle>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let stories = if codes.is_empty() {
            let printings: std::collections::HashSet<String> = self
                .conn
                .prepare_cached("SELECT article_id FROM article_stories")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<std::result::Result<_, _>>()?;
            let mut all: Vec<StoredArticle> = self
                .articles()?
                .into_iter()
                .filter(|a| !printings.contains(&a.id))
                .collect();
            all.sort_by(|a, b| {
                b.published()
                    .cmp(&a.published())
                    .then_with(|| a.id.cmp(&b.id))
            });
            all
        } else {
            self.articles_in(codes, None)?
        };
        // the words decide: every word in, none out
        let mut out: Vec<StoredArticle> = stories
            .into_iter()
            .filter(|a| {
                include.iter().all(|w| mentions(a, w)) && !exclude.iter().any(|w| mentions(a, w))
            })
            .take(limit)
            .collect();
        if codes.is_empty() {
            // the papers that reprinted each story, as `articles_in` lists them
            for a in &mut out {
                a.printings = self.printings(&a.id)?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_in_pairs_and_other_words_whole() {
        assert_eq!(
            index_words("防汛工作，G20峰会！"),
            "防汛 汛工 工作 作 g20 峰会 会"
        );
        assert_eq!(index_words("县"), "县");
        assert_eq!(match_query("防汛工作"), Some("\"防汛 汛工 工作\"".into()));
        assert_eq!(match_query("汛"), Some("\"汛\" *".into()));
        assert_eq!(
            match_query("防汛  \"a OR b\" NEAR"),
            Some("\"防汛\" AND \"a\" AND \"or\" AND \"b\" AND \"near\"".into())
        );
        assert_eq!(match_query(" ，。*\" "), None);
    }

    fn article(id: &str, title: &str, body: &str, codes: &[&str]) -> super::super::NewArticle {
        let mut a = super::super::tests::new_article(id, body);
        a.article.title = Some(title.into());
        a.codes = codes.iter().map(|c| c.to_string()).collect();
        a
    }

    #[test]
    fn the_index_follows_every_change_and_ranks_headlines_first() {
        let t = |h: u32| {
            chrono::DateTime::parse_from_rfc3339(&format!("2026-01-02T{h:02}:00:00+08:00")).unwrap()
        };
        let mut s = Store::open_in_memory().unwrap();
        s.ingest(
            "src",
            "a.txt",
            "h1",
            1,
            &[
                article("a", "防汛演练", "全县开展演练。", &["41", "4103", "410328"]),
                article(
                    "b",
                    "春耕",
                    "各乡镇做好防汛准备，也有广告。",
                    &["41", "4103"],
                ),
                article("c", "集市", "赶集的人很多。", &["41", "4103", "410328"]),
            ],
            &t(1),
        )
        .unwrap();
        let ids = |p: SearchPage| p.articles.into_iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(s.search("防汛", 10, 0).unwrap()), ["a", "b"]);
        assert_eq!(s.search("防汛", 10, 0).unwrap().total, 2);
        assert_eq!(ids(s.search("防汛", 1, 1).unwrap()), ["b"]);
        assert_eq!(ids(s.search("集", 10, 0).unwrap()), ["c"]);
        assert_eq!(ids(s.search("演练 全县", 10, 0).unwrap()), ["a"]);
        assert!(s.search("洪水", 10, 0).unwrap().articles.is_empty());
        // Nested places give each article once; words include and exclude.
        let codes = ["410328".to_string(), "4103".to_string()];
        let got_in = |s: &Store, inc: &[&str], exc: &[&str]| {
            let w = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            let v = s.articles_matching(&codes, &w(inc), &w(exc), 20).unwrap();
            let mut v: Vec<String> = v.into_iter().map(|a| a.id).collect();
            v.sort();
            v
        };
        assert_eq!(got_in(&s, &[], &[]), ["a", "b", "c"]);
        assert_eq!(got_in(&s, &["防汛"], &[]), ["a", "b"]);
        assert_eq!(got_in(&s, &["防汛"], &["广告"]), ["a"]);
        // A reprint comes once, as the story that leads it, for places and for `all`.
        s.set_stories(&[("c".to_string(), "a".to_string())])
            .unwrap();
        assert_eq!(got_in(&s, &[], &[]), ["a", "b"]);
        let all: Vec<String> = s
            .articles_matching(&[], &[], &[], 20)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(!all.contains(&"c".to_string()));
        // search shows the story once, and nothing an editor hid
        assert_eq!(ids(s.search("集", 10, 0).unwrap()), Vec::<String>::new());
        s.set_stories(&[]).unwrap();
        let hide = crate::model::Override {
            hide: true,
            ..Default::default()
        };
        s.set_override("b", &hide, None, &t(1)).unwrap();
        assert_eq!(ids(s.search("防汛", 10, 0).unwrap()), ["a"]);
        assert_eq!(s.search("防汛", 10, 0).unwrap().total, 1);
        s.remove_override("b").unwrap();
        // A changed file: the index forgets what the article no longer says.
        s.ingest(
            "src",
            "a.txt",
            "h2",
            1,
            &[article("a", "演练", "全县开展演练。", &["41"])],
            &t(2),
        )
        .unwrap();
        assert!(s.search("防汛", 10, 0).unwrap().articles.is_empty());
        assert_eq!(ids(s.search("演练", 10, 0).unwrap()), ["a"]);
    }
}
