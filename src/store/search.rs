//! Full-text search of the stored articles, and the article lists of feeds made to order.
//!
//! Chinese has no spaces between words, and FTS5's own tokenizers either take a whole
//! run of Chinese as one token (`unicode61`) or cannot look up words of two characters
//! (`trigram`), while most Chinese words have two. So a text is read as overlapping pairs
//! of characters (bigrams: 防汛工作 → 防汛 汛工 工作 作, the run's last character alone
//! too, so one character can be looked up alone), other letters and digits as lower-cased
//! words ([`index_words`]); a query is split the same way and each of its words looked up
//! as the phrase of its pairs, in a row.
//!
//! The index is an FTS5 table (`article_search`: headline lines and body), contentless
//! (the text is in `articles`) and without positions (`detail = none`): it keeps, for
//! each article (its row is the article's number `n`), each Chinese character and each
//! other word once ([`Words::index_head`]), written by the store as it stores or changes
//! an article and removed by a trigger with it. A phrase's candidates are the articles
//! holding all its characters; each is unpacked and its text decides whether the phrase
//! is there and how often, and the ranking is FTS5's BM25 done over again ([`bm25`]) with
//! the totals the store keeps (`search_totals`), so that results are those an index with
//! positions gave. The SQL function [`BIGRAMS`] every connection is given is what the
//! migrations before the lean store's call.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use anyhow::Result;

use crate::model::StoredArticle;

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;

use crate::model::Article;

use super::{ARTICLE_COLUMNS, SqliteStore as Store, raw_article};

/// The SQL function that turns text into its words ([`index_words`]).
pub(crate) const BIGRAMS: &str = "localfeed_bigrams";

/// Gives a connection the [`BIGRAMS`] function (the migration that made the first index
/// calls it).
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

/// The words an article gives the index: its headline lines (kicker, title, subtitle)
/// and its body, each as [`index_words`] makes them.
#[derive(Debug)]
pub(crate) struct Words {
    /// The headline lines' words.
    pub head: String,
    /// The body's words.
    pub body: String,
}

impl Words {
    /// The words of `a`.
    pub(crate) fn of(a: &Article) -> Self {
        let lines: Vec<&str> = [&a.kicker, &a.title, &a.subtitle]
            .into_iter()
            .filter_map(|l| l.as_deref())
            .collect();
        Self {
            head: index_words(&lines.join(" ")),
            body: index_words(&a.body),
        }
    }

    /// What the index keeps of the headline lines: each Chinese character once, each
    /// other word once (see [`terms`]).
    pub(crate) fn index_head(&self) -> String {
        terms(&self.head)
    }

    /// What the index keeps of the body (see [`terms`]).
    pub(crate) fn index_body(&self) -> String {
        terms(&self.body)
    }

    /// How many words in all (what ranking counts as the article's length).
    pub(crate) fn count(&self) -> i64 {
        let n = |t: &str| t.split(' ').filter(|w| !w.is_empty()).count();
        i64::try_from(n(&self.head) + n(&self.body)).unwrap_or(i64::MAX)
    }
}

/// The terms the index keeps of a text's words: every Chinese character once (the first
/// of each pair holds them all, the run's last character standing alone), every other
/// word once. A phrase's candidates are the articles holding all its terms; its words
/// in a row, which the index cannot tell, are then checked against the text.
fn terms(words: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::with_capacity(words.len() / 2);
    for w in words.split(' ') {
        let term = match w.chars().next() {
            Some(c) if is_han(c) => &w[..c.len_utf8()],
            Some(_) => w,
            None => continue,
        };
        if seen.insert(term) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(term);
        }
    }
    out
}

/// One phrase of a query: its words in a row, or (`prefix`) one word that any word the
/// index holds may begin with (a Chinese character looked up alone).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Phrase {
    words: Vec<String>,
    prefix: bool,
}

impl Phrase {
    /// The full-text query for the articles that hold every term of the phrase (see
    /// [`terms`]): the candidates, which the text then decides on.
    pub(super) fn candidates(&self) -> String {
        let mut terms: Vec<String> = Vec::new();
        for w in &self.words {
            if w.chars().next().is_some_and(is_han) {
                terms.extend(w.chars().map(String::from));
            } else {
                terms.push(w.clone());
            }
        }
        terms.sort_unstable();
        terms.dedup();
        // The terms hold letters and digits only, so quoting them is all the escaping the
        // query syntax needs.
        terms
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Whether every candidate holds the phrase: a Chinese character looked up alone, or
    /// one word of other letters.
    pub(super) fn exact(&self) -> bool {
        self.prefix || (self.words.len() == 1 && !self.words[0].chars().next().is_some_and(is_han))
    }

    /// The phrase as the Chinese characters it stands for, when it is all Chinese: one
    /// character looked up alone, or the pairs of one run of characters (`防汛 汛工 工作`
    /// → `防汛工作`). Such a phrase occurs in a text wherever those characters stand in a
    /// row (every Chinese character is in a run, and a run's pairs are all its pairs),
    /// so the text need not be cut into words to count it.
    pub(super) fn chinese(&self) -> Option<String> {
        let han = |w: &str| w.chars().all(is_han);
        if self.prefix {
            return Some(self.words[0].clone());
        }
        let pairs: Vec<Vec<char>> = self.words.iter().map(|w| w.chars().collect()).collect();
        let chained = pairs.iter().all(|p| p.len() == 2)
            && self.words.iter().all(|w| han(w))
            && pairs.windows(2).all(|w| w[0][1] == w[1][0]);
        chained.then(|| {
            let mut out: String = pairs[0].iter().collect();
            out.extend(pairs[1..].iter().map(|p| p[1]));
            out
        })
    }

    /// How many times the phrase occurs in `words` (the words of one column, in order).
    pub(super) fn occurrences(&self, words: &[&str]) -> usize {
        if self.prefix {
            let p = self.words[0].as_str();
            return words.iter().filter(|w| w.starts_with(p)).count();
        }
        words
            .windows(self.words.len())
            .filter(|run| run.iter().zip(&self.words).all(|(a, b)| *a == b.as_str()))
            .count()
    }
}

/// How many times `needle` stands in `text`, overlaps counted (as an index counts the
/// places a phrase starts at).
pub(super) fn occurrences_in(text: &str, needle: &str) -> usize {
    let step = needle.chars().next().map_or(1, char::len_utf8);
    let mut n = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find(needle) {
        n += 1;
        from += at + step;
    }
    n
}

/// The phrases of `q` (words separated by spaces): every one must occur, each looked up
/// as the phrase of its pairs of characters (one Chinese character alone as a prefix).
/// Empty when `q` has nothing to look up.
pub(super) fn phrases(q: &str) -> Vec<Phrase> {
    let mut out = Vec::new();
    for word in q.split_whitespace() {
        let mut words: Vec<String> = Vec::new();
        let mut prefix = false;
        let rs = runs(word);
        let single = rs.len() == 1;
        for run in rs {
            match run {
                Run::Han(chars) if chars.len() == 1 => {
                    words.extend(chars.iter().map(char::to_string));
                    prefix = single;
                }
                Run::Han(chars) => words.extend(chars.windows(2).map(|p| p.iter().collect())),
                Run::Word(w) => words.push(w),
            }
        }
        if !words.is_empty() {
            out.push(Phrase { words, prefix });
        }
    }
    out
}

/// The query an index with positions took for `q` (the lean store's migration test
/// compares against it).
#[cfg(test)]
pub(crate) fn positional_query(q: &str) -> Option<String> {
    let ps = phrases(q);
    (!ps.is_empty()).then(|| {
        ps.iter()
            .map(|p| {
                let phrase = format!("\"{}\"", p.words.join(" "));
                if p.prefix {
                    format!("{phrase} *")
                } else {
                    phrase
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}

/// BM25 as SQLite's FTS5 computes it (`bm25()`, k1 = 1.2, b = 0.75), operation for
/// operation so that the same articles rank in the same order: `freq` holds each
/// phrase's occurrences in the article, weighted by column; `idf` each phrase's inverse
/// document frequency; `len` the article's words; `avg` the average over the index. The
/// smaller, the better.
pub(super) fn bm25(freq: &[f64], idf: &[f64], len: f64, avg: f64) -> f64 {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let mut score = 0.0;
    for (f, idf) in freq.iter().zip(idf) {
        score += idf * ((f * (K1 + 1.0)) / (f + K1 * (1.0 - B + B * len / avg)));
    }
    -score
}

/// A phrase's inverse document frequency as FTS5 computes it: `rows` articles in the
/// index, `hits` of them holding the phrase.
pub(super) fn idf(rows: i64, hits: i64) -> f64 {
    let idf = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
    if idf <= 0.0 { 1e-6 } else { idf }
}

/// How much more an occurrence in the headline lines weighs than one in the body.
pub(super) const HEAD_WEIGHT: f64 = 4.0;

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

/// The articles a reader is not shown: a reprint of another article's story (the
/// story's leading printing stands for it), or hidden by an editor (`localfeed fix
/// --hide`).
const NOT_SHOWN: &str = "SELECT article_id FROM article_stories
    UNION SELECT article_id FROM overrides WHERE override ->> '$.hide' = 1";

/// An article a search found, as it ranks.
struct Found {
    rank: f64,
    published: String,
    id: String,
    n: i64,
}

impl Store {
    /// Articles matching every word of `q` (words of Chinese looked up as the phrase of
    /// their pairs of characters; see the module documentation), ranked (BM25, a match
    /// in the headline lines weighing four times one in the body; then the newest),
    /// `limit` of them after the first `offset`.
    ///
    /// The index tells which articles hold every word of a phrase; each of those is
    /// unpacked and its words counted, which decides whether it holds the phrase and how
    /// it ranks, exactly as a full-text index with positions would.
    pub fn search(&self, q: &str, limit: usize, offset: usize) -> Result<SearchPage> {
        let phrases = phrases(q);
        if phrases.is_empty() {
            return Ok(SearchPage::default());
        }
        let mut candidates: Vec<Vec<i64>> = Vec::with_capacity(phrases.len());
        {
            let mut st = self.conn.prepare_cached(
                "SELECT rowid FROM article_search WHERE article_search MATCH ?1 ORDER BY rowid",
            )?;
            for p in &phrases {
                let rows = st.query_map([p.candidates()], |r| r.get::<_, i64>(0))?;
                candidates.push(rows.collect::<Result<_, _>>()?);
            }
        }
        // An article is looked at when it may hold every phrase, or when it may hold a
        // phrase the index cannot vouch for (how many articles hold each phrase weighs in
        // the ranking; for the others, the index knows).
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
        {
            let mut get = self.conn.prepare_cached(
                "SELECT id, head, body, dict, published, tokens FROM articles WHERE n = ?1",
            )?;
            let mut unpacker = self.unpacker.borrow_mut();
            for &n in &look {
                let Some((id, published, len, text)) = get
                    .query_row([n], |r| {
                        let dict = r.get(3)?;
                        let text = unpacker
                            .headline_lines(&self.conn, r.get_ref(1)?.as_blob()?, dict)
                            .and_then(|lines| {
                                let body =
                                    unpacker.body(&self.conn, r.get_ref(2)?.as_blob()?, dict)?;
                                Ok((lines, body))
                            });
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, i64>(5)?,
                            text,
                        ))
                    })
                    .optional()?
                else {
                    continue;
                };
                let (lines, body) = text?;
                let head = lines.join(" ");
                // the words in order, made only for a phrase that is not all Chinese
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
                    matching.push((n, id, published, freq, len as f64));
                }
            }
        }
        let (rows, tokens): (i64, i64) = self.conn.query_row(
            "SELECT rows, tokens FROM search_totals WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let avg = tokens as f64 / rows as f64;
        let idf: Vec<f64> = hits.iter().map(|h| idf(rows, *h)).collect();
        let not_shown: std::collections::HashSet<String> = self
            .conn
            .prepare_cached(NOT_SHOWN)?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let mut found: Vec<Found> = matching
            .into_iter()
            .filter(|m| !not_shown.contains(&m.1))
            .map(|(n, id, published, freq, len)| Found {
                rank: bm25(&freq, &idf, len, avg),
                published,
                id,
                n,
            })
            .collect();
        found.sort_by(|a, b| {
            a.rank
                .partial_cmp(&b.rank)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| b.published.cmp(&a.published))
                .then_with(|| a.id.cmp(&b.id))
        });
        let total = found.len();
        let mut get = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE n = ?1"
        ))?;
        let mut articles = Vec::new();
        for f in found.iter().skip(offset).take(limit) {
            let raw = get.query_row([f.n], raw_article)?;
            articles.push(self.unpack(raw)?);
        }
        Ok(SearchPage { total, articles })
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
        stories_matching(
            codes,
            include,
            exclude,
            limit,
            || {
                Ok(self
                    .conn
                    .prepare_cached("SELECT article_id FROM article_stories")?
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<std::result::Result<_, _>>()?)
            },
            || self.articles(),
            |codes| self.articles_in(codes, None),
            |id| self.printings(id),
        )
    }
}

/// [`Store::articles_matching`] from what an engine answers: the printings that belong
/// to another article's story (`printings`), every article (`articles`), the articles of
/// some places (`articles_in`) and the printings of a story (`printings_of`). Both
/// engines answer through it, so they choose and order alike.
#[allow(clippy::too_many_arguments)]
pub(super) fn stories_matching(
    codes: &[String],
    include: &[String],
    exclude: &[String],
    limit: usize,
    printings: impl FnOnce() -> Result<std::collections::HashSet<String>>,
    articles: impl FnOnce() -> Result<Vec<StoredArticle>>,
    articles_in: impl FnOnce(&[String]) -> Result<Vec<StoredArticle>>,
    mut printings_of: impl FnMut(&str) -> Result<Vec<crate::model::Printing>>,
) -> Result<Vec<StoredArticle>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let stories = if codes.is_empty() {
        let printings = printings()?;
        let mut all: Vec<StoredArticle> = articles()?
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
        articles_in(codes)?
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
            a.printings = printings_of(&a.id)?;
        }
    }
    Ok(out)
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
        let q = |s: &str| {
            phrases(s)
                .into_iter()
                .map(|p| (p.words.join(" "), p.prefix))
                .collect::<Vec<_>>()
        };
        assert_eq!(q("防汛工作"), [("防汛 汛工 工作".to_string(), false)]);
        assert_eq!(q("汛"), [("汛".to_string(), true)]);
        assert_eq!(
            q("防汛  \"a OR b\" NEAR"),
            ["防汛", "a", "or", "b", "near"].map(|w| (w.to_string(), false))
        );
        assert!(q(" ，。*\" ").is_empty());
        // candidates: every word of the phrase, once; the text decides on the order
        assert_eq!(phrases("汛")[0].candidates(), "\"汛\"");
        assert_eq!(phrases("哈哈哈")[0].candidates(), "\"哈\"");
        assert_eq!(phrases("g20 工作")[1].candidates(), "\"作\" AND \"工\"");
        assert_eq!(
            terms("防汛 汛工 工作 作 g20 峰会 会"),
            "防 汛 工 作 g20 峰 会"
        );
        let p = &phrases("哈哈哈")[0];
        assert_eq!(p.occurrences(&["哈哈", "哈哈", "哈哈", "哈"]), 2);
        assert_eq!(
            phrases("汛")[0].occurrences(&["防汛", "汛工", "汛", "g20"]),
            2
        );
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
