//! How an article is kept in its row: compressed with zstd, the body apart from its head
//! (headline lines, bylines and the rest of the article, then its placement, as two lines
//! of JSON), each with a dictionary the store trains from its own articles once it holds
//! [`TRAIN_AT`] of them; the articles stored before that are packed again with it.
//!
//! Owns: the packed form (compressed bytes and the dictionary they need) and the
//! dictionaries table. Must not touch: which articles are stored, or how they are found.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};
use rusqlite::{Connection, OptionalExtension, params};
use zstd::zstd_safe::{self, CCtx, CDict, DCtx, DDict};

use crate::model::{Article, Placement};

/// Articles the store holds when it trains its dictionaries (fewer are not enough to
/// learn from, and cost little stored without one).
pub(crate) const TRAIN_AT: usize = 1000;

/// Articles the dictionaries are trained from: the first ones by id (ids come from
/// content, so these are a sample of no particular paper or day).
pub(crate) const TRAIN_SAMPLE: usize = 4000;

/// Size of the bodies' dictionary.
const BODY_DICT_BYTES: usize = 64 * 1024;

/// Size of the heads' dictionary.
const HEAD_DICT_BYTES: usize = 16 * 1024;

/// The zstd level articles are packed at.
const LEVEL: i32 = 3;

/// One pair of dictionaries (bodies, heads), ready to compress and decompress with.
pub(crate) struct Dictionaries {
    body_c: CDict<'static>,
    body_d: DDict<'static>,
    head_c: CDict<'static>,
    head_d: DDict<'static>,
}

impl std::fmt::Debug for Dictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dictionaries")
    }
}

impl Dictionaries {
    fn new(body: &[u8], head: &[u8]) -> Result<Self> {
        let bad = || anyhow!("a dictionary in the state file cannot be loaded");
        Ok(Self {
            body_c: CDict::try_create(body, LEVEL).ok_or_else(bad)?,
            body_d: DDict::try_create(body).ok_or_else(bad)?,
            head_c: CDict::try_create(head, LEVEL).ok_or_else(bad)?,
            head_d: DDict::try_create(head).ok_or_else(bad)?,
        })
    }

    /// The pair stored under `id`.
    fn load(conn: &Connection, id: i64) -> Result<Self> {
        let (body, head): (Vec<u8>, Vec<u8>) = conn
            .query_row(
                "SELECT body, head FROM store_dictionaries WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .with_context(|| format!("dictionary {id} is missing from the state file"))?;
        Self::new(&body, &head)
    }
}

fn zstd_error(code: usize) -> anyhow::Error {
    anyhow!("zstd: {}", zstd_safe::get_error_name(code))
}

/// An article as its row keeps it.
#[derive(Debug)]
pub(crate) struct Packed {
    /// The head: the article without its body, a newline, the placement (JSON).
    pub head: Vec<u8>,
    /// The body.
    pub body: Vec<u8>,
    /// The dictionaries both were compressed with (`None`: none).
    pub dict: Option<i64>,
}

/// An article's head as it is packed: the article without its body, a newline, its
/// placement (JSON has no newline of its own).
pub(super) fn head_text(article: &Article, placement: &Placement) -> Result<Vec<u8>> {
    let mut head = serde_json::to_vec(&Article {
        body: String::new(),
        ..article.clone()
    })?;
    head.push(b'\n');
    serde_json::to_writer(&mut head, placement)?;
    Ok(head)
}

/// Packs articles with the store's newest dictionaries.
pub(crate) struct Packer {
    cctx: CCtx<'static>,
    dicts: Option<(i64, Arc<Dictionaries>)>,
}

impl std::fmt::Debug for Packer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packer")
            .field("dict", &self.dicts.as_ref().map(|d| d.0))
            .finish()
    }
}

impl Packer {
    /// A packer using the newest dictionaries stored in `conn`, if any.
    pub(crate) fn new(conn: &Connection) -> Result<Self> {
        let newest: Option<i64> =
            conn.query_row("SELECT max(id) FROM store_dictionaries", [], |r| r.get(0))?;
        let dicts = match newest {
            Some(id) => Some((id, Arc::new(Dictionaries::load(conn, id)?))),
            None => None,
        };
        Ok(Self {
            cctx: CCtx::try_create().context("zstd cannot make a compression context")?,
            dicts,
        })
    }

    /// Whether the store has dictionaries.
    pub(crate) fn has_dictionaries(&self) -> bool {
        self.dicts.is_some()
    }

    fn compress(&mut self, src: &[u8], body: bool) -> Result<Vec<u8>> {
        let mut dst = Vec::with_capacity(zstd_safe::compress_bound(src.len()));
        match &self.dicts {
            Some((_, d)) => {
                let dict = if body { &d.body_c } else { &d.head_c };
                self.cctx.compress_using_cdict(&mut dst, src, dict)
            }
            None => self.cctx.compress(&mut dst, src, LEVEL),
        }
        .map_err(zstd_error)?;
        dst.shrink_to_fit();
        Ok(dst)
    }

    /// The packed form of an article and its placement.
    pub(crate) fn pack(&mut self, article: &Article, placement: &Placement) -> Result<Packed> {
        let head = head_text(article, placement)?;
        Ok(Packed {
            head: self.compress(&head, false)?,
            body: self.compress(article.body.as_bytes(), true)?,
            dict: self.dicts.as_ref().map(|d| d.0),
        })
    }
}

/// Unpacks articles, whatever dictionaries they were packed with (loaded from the store
/// the first time one is needed).
pub(crate) struct Unpacker {
    dctx: DCtx<'static>,
    dicts: HashMap<i64, Arc<Dictionaries>>,
}

impl std::fmt::Debug for Unpacker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unpacker")
            .field("dicts", &self.dicts.len())
            .finish()
    }
}

impl Unpacker {
    pub(crate) fn new() -> Result<Self> {
        Ok(Self {
            dctx: DCtx::try_create().context("zstd cannot make a decompression context")?,
            dicts: HashMap::new(),
        })
    }

    fn decompress(
        &mut self,
        conn: &Connection,
        src: &[u8],
        dict: Option<i64>,
        body: bool,
    ) -> Result<String> {
        let size = zstd_safe::get_frame_content_size(src)
            .ok()
            .flatten()
            .context("a packed article in the state file is damaged")?;
        let mut dst = Vec::with_capacity(usize::try_from(size)?);
        match dict {
            Some(id) => {
                let d = match self.dicts.get(&id) {
                    Some(d) => d.clone(),
                    None => {
                        let d = Arc::new(Dictionaries::load(conn, id)?);
                        self.dicts.insert(id, d.clone());
                        d
                    }
                };
                let dict = if body { &d.body_d } else { &d.head_d };
                self.dctx.decompress_using_ddict(&mut dst, src, dict)
            }
            None => self.dctx.decompress(&mut dst, src),
        }
        .map_err(zstd_error)?;
        String::from_utf8(dst).context("a packed article in the state file is not UTF-8")
    }

    /// The body of a packed article.
    pub(crate) fn body(
        &mut self,
        conn: &Connection,
        body: &[u8],
        dict: Option<i64>,
    ) -> Result<String> {
        self.decompress(conn, body, dict, true)
    }

    /// The article (without its body) and placement of a packed head.
    pub(crate) fn head(
        &mut self,
        conn: &Connection,
        head: &[u8],
        dict: Option<i64>,
    ) -> Result<(Article, Placement)> {
        let text = self.decompress(conn, head, dict, false)?;
        let (article, placement) = text
            .split_once('\n')
            .context("a packed article head in the state file is damaged")?;
        Ok((
            serde_json::from_str(article)?,
            serde_json::from_str(placement)?,
        ))
    }

    /// The headline lines of a packed head: kicker, title, subtitle (what the search
    /// index takes from it), without reading the rest.
    pub(crate) fn headline_lines(
        &mut self,
        conn: &Connection,
        head: &[u8],
        dict: Option<i64>,
    ) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Lines {
            kicker: Option<String>,
            title: Option<String>,
            subtitle: Option<String>,
        }
        let text = self.decompress(conn, head, dict, false)?;
        let article = text.split('\n').next().unwrap_or_default();
        let l: Lines = serde_json::from_str(article)?;
        Ok([l.kicker, l.title, l.subtitle]
            .into_iter()
            .flatten()
            .collect())
    }

    /// The whole article and placement.
    pub(crate) fn article(
        &mut self,
        conn: &Connection,
        head: &[u8],
        body: &[u8],
        dict: Option<i64>,
    ) -> Result<(Article, Placement)> {
        let (mut article, placement) = self.head(conn, head, dict)?;
        article.body = self.body(conn, body, dict)?;
        Ok((article, placement))
    }
}

/// Trains the store's dictionaries from the articles in `source` (the first
/// [`TRAIN_SAMPLE`] by id, each given as its article and placement by `sample`), stores
/// them and returns their id; `None` when zstd could not learn a dictionary from them
/// (too few or too alike), which leaves the articles packed without one.
pub(crate) fn train(conn: &Connection, samples: &[(Article, Placement)]) -> Result<Option<i64>> {
    let mut heads = Vec::with_capacity(samples.len());
    let mut bodies = Vec::with_capacity(samples.len());
    for (a, p) in samples.iter().take(TRAIN_SAMPLE) {
        heads.push(head_text(a, p)?);
        bodies.push(a.body.as_bytes());
    }
    let (Ok(body), Ok(head)) = (
        zstd::dict::from_samples(&bodies, BODY_DICT_BYTES),
        zstd::dict::from_samples(&heads, HEAD_DICT_BYTES),
    ) else {
        return Ok(None);
    };
    conn.execute(
        "INSERT INTO store_dictionaries (body, head) VALUES (?1, ?2)",
        params![body, head],
    )?;
    Ok(Some(conn.last_insert_rowid()))
}

/// Trains the store's dictionaries when it has none and holds [`TRAIN_AT`] articles or
/// more, and packs every article again with them. Returns whether it did.
pub(crate) fn train_when_due(conn: &Connection) -> Result<bool> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM store_dictionaries)",
        [],
        |r| r.get(0),
    )?;
    let count: i64 = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    if has || usize::try_from(count).unwrap_or(0) < TRAIN_AT {
        return Ok(false);
    }
    let mut unpacker = Unpacker::new()?;
    let samples = {
        let mut st = conn.prepare("SELECT head, body, dict FROM articles ORDER BY id LIMIT ?1")?;
        let mut rows = st.query(params![TRAIN_SAMPLE as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(unpacker.article(
                conn,
                r.get_ref(0)?.as_blob()?,
                r.get_ref(1)?.as_blob()?,
                r.get(2)?,
            )?);
        }
        out
    };
    if train(conn, &samples)?.is_none() {
        return Ok(false);
    }
    drop(samples);
    // Each article packed without a dictionary is packed again and moved to the end of
    // the table (a number above every other), so that the pages it leaves are freed
    // whole rather than left a quarter full (`Store::end_batch` hands them back); what
    // refers to it by number follows (its places by a cascade).
    let mut packer = Packer::new(conn)?;
    let plain: Vec<i64> = conn
        .prepare("SELECT n FROM articles WHERE dict IS NULL ORDER BY n")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut next: i64 = conn.query_row("SELECT max(n) FROM articles", [], |r| r.get(0))?;
    let mut read = conn.prepare("SELECT head, body FROM articles WHERE n = ?1")?;
    let mut write =
        conn.prepare("UPDATE articles SET n = ?2, head = ?3, body = ?4, dict = ?5 WHERE n = ?1")?;
    let mut follow = conn.prepare("UPDATE article_sketches SET n = ?2 WHERE n = ?1")?;
    let mut unindex = conn.prepare("DELETE FROM article_search WHERE rowid = ?1")?;
    let mut index =
        conn.prepare("INSERT INTO article_search (rowid, head, body) VALUES (?1, ?2, ?3)")?;
    for n in plain {
        let (article, placement) = read.query_row(params![n], |r| {
            Ok(unpacker.article(
                conn,
                r.get_ref(0)?.as_blob()?,
                r.get_ref(1)?.as_blob()?,
                None,
            ))
        })??;
        let p = packer.pack(&article, &placement)?;
        next += 1;
        write.execute(params![n, next, p.head, p.body, p.dict])?;
        follow.execute(params![n, next])?;
        unindex.execute(params![n])?;
        let words = super::search::Words::of(&article);
        index.execute(params![next, words.index_head(), words.index_body()])?;
    }
    Ok(true)
}
