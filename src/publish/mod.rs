//! The publish stage: per-locality feeds, article pages, index and OPML files.
//!
//! Owns: turning stored articles into RSS 2.0, Atom 1.0 and JSON Feed documents for every
//! division any article's chain passes through (and `all`), RFC 5005 archive documents,
//! one landing page per article, a page per place (paged), the front page `index.html`
//! with the place list its search reads (`places.json`), OPML subscription lists;
//! writing them atomically and only when their bytes change; and rendering a feed made
//! to order from articles it is handed (for `serve`).
//! Articles may come without their bodies (heads): a document's bodies are asked of the
//! [`Bodies`] it is handed, a batch at a time, only for the documents it renders, so what
//! it holds follows the documents being written, not the store. A body is read once a
//! run: the document that reads it also makes the article's teasers (kept with it, for
//! the place pages and archives) and writes the article's page.
//! Must not touch: the store (bodies come through [`Bodies`]), the clock (every time
//! written comes from the articles), the network, or any other stage. It reads nothing
//! but its output folder (to compare bytes) and the templates it is handed.

mod atom;
mod cache;
mod group;
mod item;
mod json;
mod made_to_order;
mod opml;
mod pages;
mod places;
mod rss;
mod text;
mod write;

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::model::StoredArticle;
use crate::templates::Templates;

use cache::{Frags, Shared};
use group::{Group, Prepared};
use write::{Manifest, Sink};

pub use made_to_order::{Format, Order, SearchView, render_order, render_search};

/// The generator named in every feed.
pub(crate) const GENERATOR: &str = concat!("localfeed ", env!("CARGO_PKG_VERSION"));

/// First line of the manifest; a different line (another version) discards it.
pub(crate) const MANIFEST_HEADER: &str = concat!("localfeed-publish 1 ", env!("CARGO_PKG_VERSION"));

/// Templates of the published files (all registered in [`crate::templates::BUILTIN`]; a
/// change to one renders every page again). `search.html` is rendered on request only.
pub const TEMPLATES: [&str; 4] = ["index.html", "article.html", "place.html", "teasers.html"];

/// Settings of the publish stage (the `[publish]` table of `config.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Absolute http(s) URL the output folder is served at, e.g.
    /// `https://news.example.org/feeds/`. Every link in the output is made absolute from it.
    pub base_url: String,
    /// How many of the newest items a subscription feed holds (at least 1).
    pub items_per_feed: usize,
    /// Also publish an article into the feeds of its `also` places (and their ancestors).
    pub include_also: bool,
    /// Added to each place name in feed titles (`安吉县 · 本地新闻`); also the
    /// site's name on the index page and the feeds' author.
    pub title_suffix: String,
    /// The RSS `ttl`: minutes a reader may cache a feed.
    pub ttl_minutes: u32,
    /// Write RFC 5005 archive documents (`<code>/archive/<n>.atom.xml`, `.rss.xml`) so the
    /// whole history stays reachable; `false` publishes only the newest items.
    pub archives: bool,
    /// Items per archive document (at least 1).
    pub archive_size: usize,
    /// Write a landing page per article (`articles/<id>.html`).
    pub article_pages: bool,
    /// Longest plain-text summary, in characters.
    pub summary_chars: usize,
    /// Worker threads used to render and write (1 = none).
    pub threads: usize,
    /// The subscription page linked from `index.html` (absolute, or relative to
    /// `base_url`); empty: no link.
    pub subscribe_url: String,
    /// The largest share of the published articles, in percent, that one run may take
    /// off the site (a state file or source that vanished would otherwise empty it);
    /// `run --allow-shrink` lifts it once, 100 never refuses.
    pub max_retire_percent: u32,
    /// Articles per page of a place (its `index.html` holds the newest this many, older
    /// ones are on `<code>/page/<n>.html`), and headlines on the front page (at least 1).
    pub page_size: usize,
    /// The article search page linked from every page (absolute, or relative to
    /// `base_url`; `localfeed serve` answers `/search`); empty: no search box.
    pub search_url: String,
    /// The address of feeds made to order (absolute, or relative to `base_url`;
    /// `localfeed serve` answers `/feed.xml?places=…`), offered on every place page;
    /// empty: not offered.
    pub feed_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            base_url: "https://news.example.org/feeds/".into(),
            items_per_feed: 50,
            include_also: true,
            title_suffix: "本地新闻".into(),
            ttl_minutes: 15,
            archives: true,
            archive_size: 200,
            article_pages: true,
            summary_chars: 140,
            threads: 2,
            subscribe_url: String::new(),
            max_retire_percent: 50,
            page_size: 30,
            search_url: String::new(),
            feed_url: String::new(),
        }
    }
}

/// How a publish of `articles` would change what the output folder holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shrink {
    /// Articles the folder publishes now (as the last finished run left it).
    pub published: usize,
    /// Of those, the articles the new site would no longer hold.
    pub retired: usize,
}

/// What publishing `articles` into `out` would take off the site, without writing: read
/// from the article pages the last run's manifest names (`articles/<id>.html`), or,
/// without article pages, from the item count of the `all` feed's documents.
pub fn shrink(articles: &[StoredArticle], settings: &Settings, out: &Path) -> Shrink {
    let names = write::published_names(out);
    let pages: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("articles/")?.strip_suffix(".html"))
        .collect();
    if !pages.is_empty() {
        let now: std::collections::HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        return Shrink {
            published: pages.len(),
            retired: pages.iter().filter(|id| !now.contains(**id)).count(),
        };
    }
    let published: usize = names
        .iter()
        .filter(|n| {
            *n == "all/rss.xml" || (n.starts_with("all/archive/") && n.ends_with(".rss.xml"))
        })
        .filter_map(|n| std::fs::read_to_string(out.join(n)).ok())
        .map(|text| text.matches("<item>").count())
        .sum();
    let mut now = unique(articles).len();
    if !settings.archives {
        now = now.min(settings.items_per_feed);
    }
    Shrink {
        published,
        retired: published.saturating_sub(now),
    }
}

/// What a publish run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files whose bytes were written, sorted.
    pub written: Vec<PathBuf>,
    /// Files rendered and found byte-identical on disk (left untouched).
    pub unchanged: usize,
    /// Files not even rendered: their inputs are the same as at the last run and the file
    /// is still there (left untouched).
    pub reused: usize,
    /// Feeds published (places plus `all`); each has RSS, Atom and JSON Feed documents.
    pub feeds: usize,
    /// Archive documents in total (each in RSS and Atom).
    pub archives: usize,
    /// Articles published.
    pub articles: usize,
    /// Files the last run published and this one no longer does (a place that lost its
    /// articles, an article that is gone), removed; sorted.
    pub removed: Vec<PathBuf>,
}

/// Absolute URLs of everything published, made from the base URL.
#[derive(Debug)]
pub(crate) struct Urls {
    base: String,
    /// RSS `ttl`.
    pub(crate) ttl: u32,
    /// Summary length.
    pub(crate) summary_chars: usize,
}

impl Urls {
    fn new(settings: &Settings) -> anyhow::Result<Self> {
        let mut base = url::Url::parse(settings.base_url.trim())
            .with_context(|| format!("publish.base_url {:?} is not a URL", settings.base_url))?;
        anyhow::ensure!(
            matches!(base.scheme(), "http" | "https") && base.host().is_some(),
            "publish.base_url {:?} must be an absolute http(s) URL",
            settings.base_url
        );
        base.set_query(None);
        base.set_fragment(None);
        let mut base = base.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self {
            base,
            ttl: settings.ttl_minutes,
            summary_chars: settings.summary_chars,
        })
    }
    /// The base URL, ending in `/`.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }
    /// The folder of one feed (`<base><code>/`).
    pub(crate) fn folder(&self, code: &str) -> String {
        self.join(&[&text::segment(code), "/"])
    }
    /// One document of a feed.
    pub(crate) fn feed(&self, code: &str, file: &str) -> String {
        self.join(&[&text::segment(code), "/", file])
    }
    /// An article's landing page.
    pub(crate) fn article(&self, file: &str) -> String {
        self.join(&["articles/", file, ".html"])
    }
    /// The base URL followed by `parts` (without the formatting machinery: these are made
    /// for every item of every feed).
    fn join(&self, parts: &[&str]) -> String {
        let mut s =
            String::with_capacity(self.base.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        s.push_str(&self.base);
        for p in parts {
            s.push_str(p);
        }
        s
    }
    /// The page of a feed's place (`<base><key>/index.html`), the feeds' home link.
    pub(crate) fn home(&self, key: &str) -> String {
        self.join(&[&text::segment(key), "/index.html"])
    }
    /// An older page of a place (`<base><key>/page/<n>.html`).
    pub(crate) fn place_page(&self, key: &str, n: usize) -> String {
        self.join(&[&text::segment(key), "/page/", &n.to_string(), ".html"])
    }
    /// A page name from the settings (absolute, or relative to the base URL); empty
    /// stays empty.
    pub(crate) fn configured(&self, configured: &str) -> String {
        let c = configured.trim();
        if c.is_empty() {
            String::new()
        } else if c.starts_with("https://") || c.starts_with("http://") {
            c.to_string()
        } else {
            format!("{}{}", self.base, c.trim_start_matches('/'))
        }
    }
}

/// Head of one feed document.
#[derive(Debug)]
pub(crate) struct DocMeta<'a> {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) home: String,
    pub(crate) self_url: String,
    pub(crate) current_url: String,
    pub(crate) prev_archive: Option<String>,
    pub(crate) next_archive: Option<String>,
    pub(crate) archive: bool,
    pub(crate) feed_id: String,
    pub(crate) updated: DateTime<FixedOffset>,
    pub(crate) author: &'a str,
}

/// Where publishing finds the bodies of the articles it is handed without them (heads,
/// see [`StoredArticle::is_head`]): it asks for the bodies of one document's articles at
/// a time, and only for documents it renders, so a run holds the bodies of the documents
/// being written, not every body of the store.
pub trait Bodies: Sync {
    /// The bodies of the articles `ids`, in that order.
    fn bodies(&self, ids: &[&str]) -> anyhow::Result<Vec<String>>;
}

/// No bodies beyond the articles' own: every article handed to [`publish`] has its body.
struct Held;

impl Bodies for Held {
    fn bodies(&self, ids: &[&str]) -> anyhow::Result<Vec<String>> {
        anyhow::bail!(
            "the body of article {} was not handed to publish",
            ids.first().copied().unwrap_or_default()
        )
    }
}

/// Publishes every article into `out`: feeds for every place and `all`, archives, article
/// pages, a page per place, `index.html`, `places.json` and OPML lists. Files whose bytes would not change are
/// not touched. `articles` is every stored article, each with its body; order does not
/// matter.
pub fn publish(
    articles: &[StoredArticle],
    settings: &Settings,
    templates: &Templates,
    out: &Path,
) -> anyhow::Result<Report> {
    publish_with(articles, &Held, settings, templates, out)
}

/// [`publish`] where `articles` may be heads: the bodies they were handed without are
/// read from `bodies`, a document's worth at a time. The output is byte for byte
/// [`publish`]'s with every body at hand.
pub fn publish_with(
    articles: &[StoredArticle],
    bodies: &dyn Bodies,
    settings: &Settings,
    templates: &Templates,
    out: &Path,
) -> anyhow::Result<Report> {
    anyhow::ensure!(
        settings.items_per_feed >= 1,
        "publish.items_per_feed must be at least 1"
    );
    anyhow::ensure!(
        settings.archive_size >= 1,
        "publish.archive_size must be at least 1"
    );
    anyhow::ensure!(
        settings.page_size >= 1,
        "publish.page_size must be at least 1"
    );
    let urls = Urls::new(settings)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    anyhow::ensure!(
        u32::try_from(articles.len()).is_ok(),
        "too many articles for one run"
    );
    let threads = settings.threads.clamp(1, 16);
    // Reading the last run's manifest (and listing the folders it names) does not depend
    // on the articles: it runs on a thread of its own while they are prepared and grouped.
    let (old, (unique, prep, order, groups)) = beside(
        threads,
        || Manifest::take(out),
        || {
            let unique = unique(articles);
            let prep: Vec<Prepared<'_>> = group::prepare(&unique, threads);
            let order = group::order(&prep);
            let groups = group::groups(&prep, &order, settings.include_also);
            (unique, prep, order, groups)
        },
    );
    let old = old?;
    anyhow::ensure!(prep.len() == unique.len(), "a publish worker failed");
    let global = global_fingerprint(settings, templates);
    // Fragments are shared among the places below the provinces, which are done first
    // (see `feed_tasks`): one kept for a province's or `all`'s window would be held from
    // there to the end. The few items of those windows are rendered for each.
    let shared = Shared::new(
        prep.len(),
        groups
            .iter()
            .filter(|g| g.chain.len() >= 2)
            .map(|g| current(settings, g).1),
    );
    let tree = places::Tree::new(&groups);
    let ctx = Ctx {
        tree: &tree,
        groups: &groups,
        prep: &prep,
        settings,
        urls: &urls,
        templates,
        out,
        old: &old,
        global,
        shared: &shared,
        bodies,
    };

    let mut sink = Sink::default();
    let [below_provinces, provinces] = feed_tasks(&groups);
    // The index, the place list and the OPML lists depend on the groups only: they are
    // written on a thread of their own while the workers write the feeds and the pages
    // of their places.
    let (side, feeds) = beside(
        threads,
        || {
            let mut s = Sink::default();
            pages::index(&ctx, &groups, &mut s)?;
            places::list(&ctx, &groups, &mut s)?;
            opml::write_all(&ctx, &groups, &mut s)?;
            Ok(s)
        },
        || {
            let feeds = |task: &Vec<&Group>, s: &mut Sink| {
                task.iter().try_for_each(|g| {
                    ctx.feed(g, s)?;
                    places::pages(&ctx, g, s)
                })
            };
            // The places below the provinces first: the bodies their windows read give
            // every article's teasers and page (see `Ctx::took_body`), so the provinces
            // and `all`, which hold every article again, read almost none.
            let mut s = parallel(&below_provinces, threads, feeds)?;
            s.merge(parallel(&provinces, threads, feeds)?);
            anyhow::Ok(s)
        },
    );
    sink.merge(feeds?);
    sink.merge(side?);
    // The pages of the articles no document read the body of.
    if settings.article_pages {
        let arts: Vec<&Prepared<'_>> = order.iter().filter_map(|&i| prep.get(i as usize)).collect();
        let chunks: Vec<&[&Prepared<'_>]> = arts.chunks(BODY_BATCH).collect();
        sink.merge(parallel(&chunks, threads, |c, s| {
            pages::articles(&ctx, c, s)
        })?);
    }
    let archives = groups
        .iter()
        .map(|g| {
            let c = current(settings, g).0;
            c.archives + usize::from(c.open > 0)
        })
        .sum();
    let removed = sink.retire(out, &old);
    sink.save_manifest(out, &old)?;
    let written = sink.written(out);
    Ok(Report {
        written,
        unchanged: sink.unchanged,
        reused: sink.reused,
        feeds: groups.len(),
        archives,
        articles: prep.len(),
        removed,
    })
}

/// The articles with one per id (the most recently updated one), so no feed can carry
/// two items with one id.
fn unique(articles: &[StoredArticle]) -> Vec<&StoredArticle> {
    let mut by_id: rustc_hash::FxHashMap<&str, &StoredArticle> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(articles.len(), Default::default());
    let mut dup = false;
    for a in articles {
        match by_id.entry(a.id.as_str()) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(a);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                dup = true;
                if (a.updated, &a.input) > (o.get().updated, &o.get().input) {
                    o.insert(a);
                }
            }
        }
    }
    if !dup {
        return articles.iter().collect();
    }
    let mut v: Vec<&StoredArticle> = by_id.into_values().collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// Runs `side` on a thread of its own while `main` runs on this one (one after the other
/// when `threads` is 1), and returns both results.
fn beside<A: Send, B>(
    threads: usize,
    side: impl FnOnce() -> anyhow::Result<A> + Send,
    main: impl FnOnce() -> B,
) -> (anyhow::Result<A>, B) {
    if threads <= 1 {
        let a = side();
        return (a, main());
    }
    std::thread::scope(|scope| {
        let handle = scope.spawn(side);
        let b = main();
        let a = handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("a publish worker panicked")));
        (a, b)
    })
}

/// The feeds in tasks for the workers, in two lists to be done one after the other: one
/// task per prefecture-level subtree (its townships, counties and itself), then one per
/// feed of the rest (provinces, `all`, shorter chains); the biggest tasks first in each.
/// An article's fragments are rendered once for all the subscription documents that hold
/// it ([`Shared`]) and dropped after the last one, so going through a task in post-order
/// keeps the fragments alive at any time to about `items_per_feed` for each open county
/// and prefecture, whatever the number of feeds (the windows of the provinces and `all`
/// render their own).
fn feed_tasks(groups: &[Group]) -> [Vec<Vec<&Group>>; 2] {
    let mut by_top: std::collections::BTreeMap<&str, Vec<&Group>> = Default::default();
    for g in groups {
        let top = match g.chain.get(1) {
            Some(d) if g.chain.len() >= 2 => d.code.as_str(),
            _ => "",
        };
        by_top.entry(top).or_default().push(g);
    }
    let rest = by_top.remove("").unwrap_or_default();
    let mut tasks: Vec<Vec<&Group>> = by_top.into_values().collect();
    // Post-order: each place after everything below it (a county right after its
    // townships), so a shared fragment lives only while its places are open.
    for t in &mut tasks {
        t.sort_by(|a, b| {
            let (x, y) = (&a.chain, &b.chain);
            x.iter()
                .zip(y.iter())
                .map(|(p, q)| p.code.cmp(&q.code))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| y.len().cmp(&x.len()))
                .then_with(|| a.key.cmp(&b.key))
        });
    }
    let size = |t: &Vec<&Group>| std::cmp::Reverse(t.iter().map(|g| g.items.len()).sum::<usize>());
    tasks.sort_by_key(size);
    let mut rest: Vec<Vec<&Group>> = rest.into_iter().map(|g| vec![g]).collect();
    rest.sort_by_key(size);
    [tasks, rest]
}

/// How a feed is cut (see [`group::cut`]), and the window of its subscription documents:
/// the indexes of their items, oldest first.
fn current<'g>(s: &Settings, g: &'g Group) -> (group::Cut, &'g [u32]) {
    let size = if s.archives { s.archive_size } else { 0 };
    let c = group::cut(g.items.len(), s.items_per_feed, size);
    (c, g.items.get(c.first..).unwrap_or_default())
}

/// Runs `f` over `items` on `threads` workers, each taking the next item not yet taken.
fn parallel<T: Sync>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T, &mut Sink) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<Sink> {
    if threads <= 1 || items.len() < 2 {
        let mut s = Sink::default();
        for it in items {
            f(it, &mut s)?;
        }
        return Ok(s);
    }
    let f = &f;
    let next = &std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<anyhow::Result<Sink>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut s = Sink::default();
                    while let Some(it) =
                        items.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        f(it, &mut s)?;
                    }
                    Ok(s)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a publish worker panicked")))
            })
            .collect()
    });
    let mut all = Sink::default();
    for r in results {
        all.merge(r?);
    }
    Ok(all)
}

/// Fingerprint of everything besides the articles that shapes the output: this version,
/// the settings and the text of every template used. A run whose articles, fingerprint
/// and output folder ([`stamp`]) are those of the last publish need not publish.
pub fn fingerprint(settings: &Settings, templates: &Templates) -> u64 {
    global_fingerprint(settings, templates)
}

/// What identifies the output folder as the last finished publish left it: its
/// manifest's size, modification time and inode. `None` when there is no manifest or a
/// publish did not finish (its journal is there).
pub fn stamp(out: &Path) -> Option<String> {
    write::stamp(out)
}

fn global_fingerprint(settings: &Settings, templates: &Templates) -> u64 {
    let mut h = text::fingerprinter();
    MANIFEST_HEADER.hash(&mut h);
    serde_json::to_string(settings)
        .unwrap_or_default()
        .hash(&mut h);
    for name in TEMPLATES {
        let user = templates
            .dir()
            .map(|d| d.join(name))
            .and_then(|p| std::fs::read(p).ok());
        match user {
            Some(bytes) => bytes.hash(&mut h),
            None => crate::templates::BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| *t)
                .hash(&mut h),
        }
    }
    h.finish()
}

/// The most bodies of heads read from [`Bodies`] at once: a document of more articles
/// reads them in turns, each turn's dropped when its articles are rendered.
pub(crate) const BODY_BATCH: usize = 32;

/// Everything the workers share.
pub(crate) struct Ctx<'a> {
    /// Which place is below which.
    pub(crate) tree: &'a places::Tree,
    /// Every feed's group (`tree` indexes into it).
    pub(crate) groups: &'a [Group],
    pub(crate) prep: &'a [Prepared<'a>],
    pub(crate) settings: &'a Settings,
    pub(crate) urls: &'a Urls,
    pub(crate) templates: &'a Templates,
    pub(crate) out: &'a Path,
    pub(crate) old: &'a Manifest,
    pub(crate) global: u64,
    /// Item fragments shared by the subscription documents.
    pub(crate) shared: &'a Shared,
    /// Where the bodies of heads are read.
    pub(crate) bodies: &'a dyn Bodies,
}

impl Ctx<'_> {
    /// The bodies of `items`, in their order: an article's own when it has it, else read
    /// from [`Ctx::bodies`] (one request for all the heads among them).
    pub(crate) fn bodies_of<'p>(
        &self,
        items: &[&'p Prepared<'_>],
    ) -> anyhow::Result<Vec<std::borrow::Cow<'p, str>>> {
        let heads: Vec<&str> = items
            .iter()
            .filter(|p| p.art.is_head())
            .map(|p| p.art.id.as_str())
            .collect();
        let read = if heads.is_empty() {
            Vec::new()
        } else {
            self.bodies.bodies(&heads)?
        };
        let mut read = read.into_iter();
        items
            .iter()
            .map(|p| {
                if p.art.is_head() {
                    read.next()
                        .map(std::borrow::Cow::Owned)
                        .with_context(|| format!("no body was read for article {}", p.art.id))
                } else {
                    Ok(std::borrow::Cow::Borrowed(p.art.article.body.as_str()))
                }
            })
            .collect()
    }

    /// Does with the body of `p`, just read, all else that needs it, so that it is read once
    /// a run: the article's teasers (kept with it) and its page (unless another worker took
    /// it; written into `sink`).
    fn took_body(&self, p: &Prepared<'_>, body: &str, sink: &mut Sink) -> anyhow::Result<()> {
        p.teasers_from(body, self.urls.summary_chars);
        if self.settings.article_pages && p.take_page() {
            pages::article(self, p, body, sink)?;
        }
        Ok(())
    }

    /// The teasers of `items`, in their order: made from the bodies of those no document
    /// has read yet, read [`BODY_BATCH`] at a time (see [`Ctx::bodies_of`]), and kept with
    /// the articles (see [`Ctx::took_body`]).
    pub(crate) fn teasers_of<'p>(
        &self,
        items: &[&'p Prepared<'_>],
        sink: &mut Sink,
    ) -> anyhow::Result<Vec<&'p item::Teasers>> {
        let missing: Vec<&Prepared<'_>> = items
            .iter()
            .copied()
            .filter(|p| p.teasers().is_none())
            .collect();
        for chunk in missing.chunks(BODY_BATCH) {
            let bodies = self.bodies_of(chunk)?;
            for (p, body) in chunk.iter().zip(&bodies) {
                self.took_body(p, body, sink)?;
            }
        }
        items
            .iter()
            .map(|p| {
                p.teasers()
                    .with_context(|| format!("no teaser was made for article {}", p.art.id))
            })
            .collect()
    }

    /// The prepared articles of a group at the given positions (in arrival order), as a
    /// document shows them: newest date first (see [`group::newest_first`]).
    fn items(&self, g: &Group, range: std::ops::Range<usize>) -> Vec<&Prepared<'_>> {
        group::newest_first(self.prep, g.items.get(range).unwrap_or_default())
            .into_iter()
            .filter_map(|i| self.prep.get(i as usize))
            .collect()
    }

    fn doc_fp(&self, kind: &str, g: &Group, items: &[&Prepared<'_>], extra: usize) -> u64 {
        let mut h = text::fingerprinter();
        self.global.hash(&mut h);
        kind.hash(&mut h);
        g.key.hash(&mut h);
        g.chain.hash(&mut h);
        extra.hash(&mut h);
        for p in items {
            p.fp.hash(&mut h);
        }
        h.finish()
    }

    /// The shared fragments of a subscription document's window (indexes into the
    /// prepared articles, in arrival order), newest date first: the bodies of the articles
    /// no other document rendered yet are read in one request.
    fn window_frags(
        &self,
        window: &[u32],
        sink: &mut Sink,
    ) -> anyhow::Result<Vec<std::sync::Arc<Frags>>> {
        let mut out = Vec::with_capacity(window.len());
        let newest_first = group::newest_first(self.prep, window);
        for chunk in newest_first.chunks(BODY_BATCH) {
            self.chunk_frags(chunk, sink, &mut out)?;
        }
        Ok(out)
    }

    /// [`Ctx::window_frags`] of at most [`BODY_BATCH`] articles, added to `out`.
    fn chunk_frags(
        &self,
        chunk: &[u32],
        sink: &mut Sink,
        out: &mut Vec<std::sync::Arc<Frags>>,
    ) -> anyhow::Result<()> {
        let missing: Vec<&Prepared<'_>> = chunk
            .iter()
            .filter(|&&i| !self.shared.has(i))
            .filter_map(|&i| self.prep.get(i as usize))
            .collect();
        let bodies = self.bodies_of(&missing)?;
        for (p, body) in missing.iter().zip(&bodies) {
            self.took_body(p, body, sink)?;
        }
        let body_of: rustc_hash::FxHashMap<&str, &str> = missing
            .iter()
            .zip(&bodies)
            .map(|(p, b)| (p.art.id.as_str(), b.as_ref()))
            .collect();
        for (i, p) in chunk
            .iter()
            .filter_map(|&i| self.prep.get(i as usize).map(|p| (i, p)))
        {
            let mut failed = None;
            let f = self.shared.get(i, || {
                let body = match body_of.get(p.art.id.as_str()) {
                    Some(b) => std::borrow::Cow::Borrowed(*b),
                    // rendered by another document since, or dropped: read again
                    None => match self.bodies_of(&[p]) {
                        Ok(mut b) => b.pop().unwrap_or_default(),
                        Err(e) => {
                            failed = Some(e);
                            std::borrow::Cow::Borrowed("")
                        }
                    },
                };
                Frags::new(p, &body, self.urls, true)
            });
            if let Some(e) = failed {
                return Err(e);
            }
            out.push(f);
        }
        Ok(())
    }

    /// Title and description of a group's feed.
    fn titles(&self, g: &Group) -> (String, String) {
        let suffix = text::one_line(&self.settings.title_suffix);
        match g.division() {
            Some(d) => {
                let name = text::one_line(&d.name);
                let path: Vec<String> = g.chain.iter().map(|d| text::one_line(&d.name)).collect();
                (
                    format!("{name} · {suffix}"),
                    format!("{}（{}）的{suffix}", path.join(" "), d.code),
                )
            }
            None => (format!("全部 · {suffix}"), format!("所有地方的{suffix}")),
        }
    }

    /// Writes the three subscription documents of a group and its archives.
    fn feed(&self, g: &Group, sink: &mut Sink) -> anyhow::Result<()> {
        let s = self.settings;
        let (cut, window) = current(s, g);
        // Archive documents oldest first: `(number, items, file stem)`; the open one (not
        // yet full) is named by its count as well, so its address changes when it grows.
        let size = s.archive_size;
        let mut docs: Vec<(usize, std::ops::Range<usize>, String)> = (1..=cut.archives)
            .map(|n| (n, (n - 1) * size..n * size, n.to_string()))
            .collect();
        if cut.open > 0 {
            let n = cut.archives + 1;
            docs.push((
                n,
                cut.archives * size..cut.first,
                format!("{n}-{}", cut.open),
            ));
        }
        let current: Vec<&Prepared<'_>> = group::newest_first(self.prep, window)
            .into_iter()
            .filter_map(|i| self.prep.get(i as usize))
            .collect();
        let (title, description) = self.titles(g);
        let key = &g.key;
        let feed_id = text::urn_uuid("localfeed-feed", &format!("{}{key}", self.urls.base()));
        let author = text::one_line(&s.title_suffix);
        let archive_url =
            |stem: &str, fmt: &str| self.urls.feed(key, &format!("archive/{stem}.{fmt}.xml"));
        let newest_archive = docs.last().map(|d| d.2.clone());
        let fp = self.doc_fp(
            &format!("current {}", newest_archive.as_deref().unwrap_or("")),
            g,
            &current,
            docs.len(),
        );
        let mut frags: Option<Vec<std::sync::Arc<Frags>>> = None;
        let result = (|| {
            for (file, fmt) in [
                ("rss.xml", "rss"),
                ("atom.xml", "atom"),
                ("feed.json", "json"),
            ] {
                let rel = format!("{key}/{file}");
                if sink.reuse(self.old, &rel, fp) {
                    continue;
                }
                if frags.is_none() {
                    frags = Some(self.window_frags(window, sink)?);
                }
                let frags = frags.as_deref().unwrap_or_default();
                let meta = DocMeta {
                    title: title.clone(),
                    description: description.clone(),
                    home: self.urls.home(key),
                    self_url: self.urls.feed(key, file),
                    current_url: self.urls.feed(key, file),
                    prev_archive: newest_archive
                        .as_deref()
                        .filter(|_| fmt != "json")
                        .map(|stem| archive_url(stem, fmt)),
                    next_archive: None,
                    archive: false,
                    feed_id: feed_id.clone(),
                    updated: newest(frags),
                    author: &author,
                };
                put(sink, self, &rel, fp, fmt, &meta, frags)?;
            }
            anyhow::Ok(())
        })();
        // Done with the window whether it was rendered, reused or failed.
        drop(frags);
        self.shared.done(window);
        result?;
        for (i, (n, range, stem)) in docs.iter().enumerate() {
            let n = *n;
            let items = self.items(g, range.clone());
            let next = docs.get(i + 1).map(|d| d.2.as_str());
            let fp = self.doc_fp(&format!("archive {}", next.unwrap_or("")), g, &items, n);
            let mut frags: Option<Vec<Frags>> = None;
            for fmt in ["rss", "atom"] {
                let rel = format!("{key}/archive/{stem}.{fmt}.xml");
                if sink.reuse(self.old, &rel, fp) {
                    continue;
                }
                if frags.is_none() {
                    let teasers = self.teasers_of(&items, sink)?;
                    frags = Some(
                        items
                            .iter()
                            .zip(teasers)
                            .map(|(p, t)| Frags::brief(p, t.brief(), self.urls))
                            .collect(),
                    );
                }
                let frags = frags.as_deref().unwrap_or_default();
                let current_file = if fmt == "rss" { "rss.xml" } else { "atom.xml" };
                let meta = DocMeta {
                    title: format!("{title}（存档 {n}）"),
                    description: description.clone(),
                    home: self.urls.home(key),
                    self_url: archive_url(stem, fmt),
                    current_url: self.urls.feed(key, current_file),
                    prev_archive: i
                        .checked_sub(1)
                        .and_then(|p| docs.get(p))
                        .map(|d| archive_url(&d.2, fmt)),
                    next_archive: next.map(|stem| archive_url(stem, fmt)),
                    archive: true,
                    feed_id: feed_id.clone(),
                    updated: newest(frags),
                    author: &author,
                };
                put(sink, self, &rel, fp, fmt, &meta, frags)?;
            }
        }
        Ok(())
    }
}

/// The newest `updated` of the items (the feed's own date; never the clock). A feed
/// without items (which is never written) gets the Unix epoch.
fn newest<F: std::borrow::Borrow<Frags>>(frags: &[F]) -> DateTime<FixedOffset> {
    frags
        .iter()
        .map(|f| f.borrow().updated)
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.with_timezone(&crate::model::shanghai()))
}

/// Writes one subscription or archive document of format `fmt` (`rss`, `atom`, `json`):
/// its head, then its items' shared fragments as they are, then its tail.
fn put<F: std::borrow::Borrow<Frags>>(
    sink: &mut Sink,
    ctx: &Ctx<'_>,
    rel: &str,
    fp: u64,
    fmt: &str,
    meta: &DocMeta<'_>,
    frags: &[F],
) -> anyhow::Result<()> {
    document(fmt, meta, ctx.urls, frags, |pieces| {
        sink.put(ctx.out, ctx.old, rel, Some(fp), pieces)
    })
}

/// Hands `then` the pieces of one document of format `fmt` (`rss`, `atom`, `json`): its
/// head, its items' fragments as they are, its tail; none when the head could not be
/// written (an empty document, which the writers refuse).
fn document<F: std::borrow::Borrow<Frags>, R>(
    fmt: &str,
    meta: &DocMeta<'_>,
    urls: &Urls,
    frags: &[F],
    then: impl FnOnce(&[&[u8]]) -> R,
) -> R {
    fn rss_item(f: &Frags) -> &[u8] {
        f.rss.as_bytes()
    }
    fn atom_entry(f: &Frags) -> &[u8] {
        f.atom.as_bytes()
    }
    fn json_item(f: &Frags) -> &[u8] {
        &f.json
    }
    let mut text = String::new();
    let mut bytes = Vec::new();
    type Item = fn(&Frags) -> &[u8];
    let (head, sep, tail, item): (&[u8], &[u8], &[u8], Item) = match fmt {
        "rss" => {
            rss::head(meta, urls, &mut text);
            (text.as_bytes(), b"", rss::TAIL.as_bytes(), rss_item)
        }
        "atom" => {
            atom::head(meta, &mut text);
            (text.as_bytes(), b"", atom::TAIL.as_bytes(), atom_entry)
        }
        _ => {
            json::head(meta, &mut bytes);
            (&bytes, json::SEPARATOR, json::TAIL, json_item)
        }
    };
    if head.is_empty() {
        return then(&[]);
    }
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(2 * frags.len() + 2);
    pieces.push(head);
    for (n, f) in frags.iter().enumerate() {
        if n > 0 && !sep.is_empty() {
            pieces.push(sep);
        }
        pieces.push(item(f.borrow()));
    }
    pieces.push(tail);
    then(&pieces)
}

#[cfg(test)]
mod tests;
