//! The page of each place, and the list of places the front page's search reads.
//!
//! `<key>/index.html` shows a place's name and chain, the places below it with their
//! counts, its newest articles, its feeds and the form that makes a feed of it and the
//! places below it; `<key>/page/<n>.html` hold its older articles, cut as the feed
//! archives are ([`super::group::cut`]), in the order they arrived in the store: page 1
//! holds the first to arrive, a full page never changes its articles, so a new article,
//! whatever its date, rewrites the place's first page and at most its two newest older
//! pages; each page lists its articles newest date first. `places.json` lists every
//! place for the search box.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::Ctx;
use super::group::{Group, Prepared, cut};
use super::pages::{Link, Teaser, feed_links, level_name, teaser, u};
use super::text::{clean, one_line, safe_segment};
use super::write::Sink;

/// Which place is below which: the groups below each group, by index, in code order.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    children: HashMap<String, Vec<usize>>,
}

impl Tree {
    /// Links each place to the one above it in its chain (a province to `all`).
    pub(crate) fn new(groups: &[Group]) -> Self {
        let mut children: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, g) in groups.iter().enumerate() {
            let parent = match g.chain.len() {
                0 => continue,
                1 => "all".to_string(),
                n => g
                    .chain
                    .get(n - 2)
                    .map(|d| safe_segment(&d.code))
                    .unwrap_or_default(),
            };
            children.entry(parent).or_default().push(i);
        }
        Self { children }
    }

    /// The places right below the place with folder name `key`.
    pub(crate) fn below(&self, key: &str) -> &[usize] {
        self.children.get(key).map_or(&[], Vec::as_slice)
    }
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct Child {
    code: String,
    name: String,
    level: &'static str,
    count: usize,
    url: String,
}

/// The form that makes a feed of this place and of the places below it.
#[derive(Serialize)]
struct Follow {
    action: String,
    /// This place's own made-to-order feed.
    url: String,
}

#[derive(Serialize)]
struct PlacePage {
    site: String,
    base_url: String,
    index_url: String,
    url: String,
    key: String,
    code: String,
    name: String,
    level: &'static str,
    count: usize,
    crumbs: Vec<Crumb>,
    children: Vec<Child>,
    articles: Vec<Teaser>,
    /// 0 on the place's first page, else the number of this older page.
    page: usize,
    /// How many older pages there are. Like `count`, true of the place now: an older
    /// page's fingerprint covers neither, so the built-in template shows them on the
    /// first page only.
    pages: usize,
    newer: Option<String>,
    older: Option<String>,
    first: String,
    feeds: Vec<Link>,
    opml: Option<String>,
    follow: Option<Follow>,
    search_url: String,
    subscribe_url: String,
}

/// The place's name, code and level (`全部` for `all`).
fn naming(g: &Group) -> (String, String, &'static str) {
    match g.division() {
        Some(d) => (one_line(&d.name), clean(&d.code), level_name(d.level)),
        None => ("全部".to_string(), String::new(), ""),
    }
}

/// Writes the pages of one place: its first page and its older pages.
pub(crate) fn pages(ctx: &Ctx<'_>, g: &Group, sink: &mut Sink) -> anyhow::Result<()> {
    let size = ctx.settings.page_size.max(1);
    let c = cut(g.items.len(), size, size);
    let older = c.archives + usize::from(c.open > 0);
    // Everything on a page besides its articles that can change: the places below (for
    // the first page) and how many pages there are.
    let below = ctx.tree.below(&g.key);
    let mut h = super::text::fingerprinter();
    for &i in below {
        if let Some(b) = ctx.groups.get(i) {
            b.key.hash(&mut h);
            b.chain.hash(&mut h);
            b.items.len().hash(&mut h);
        }
    }
    older.hash(&mut h);
    g.items.len().hash(&mut h);
    let first: Vec<&Prepared<'_>> = ctx.items(g, c.first..g.items.len());
    let fp = ctx.doc_fp("place", g, &first, h.finish() as usize);
    let rel = format!("{}/index.html", g.key);
    emit(ctx, sink, &rel, fp, g, &first, 0, older, below)?;
    for n in 1..=older {
        let range = (n - 1) * size..(n * size).min(c.first);
        let items = ctx.items(g, range);
        // The last older page links the first page as its newer one, the others the page
        // after them: a page's links change only when a page is added after it.
        let fp = ctx.doc_fp("place-page", g, &items, n * 2 + usize::from(n == older));
        let rel = format!("{}/page/{n}.html", g.key);
        emit(ctx, sink, &rel, fp, g, &items, n, older, &[])?;
    }
    Ok(())
}

/// Writes one page of a place (see [`render`]) as `rel`, unless the manifest vouches for
/// it with the fingerprint `fp`; the teasers of its articles are made first (the bodies
/// read for them serve their other documents too).
#[allow(clippy::too_many_arguments)]
fn emit(
    ctx: &Ctx<'_>,
    sink: &mut Sink,
    rel: &str,
    fp: u64,
    g: &Group,
    items: &[&Prepared<'_>],
    page: usize,
    older: usize,
    below: &[usize],
) -> anyhow::Result<()> {
    if sink.reuse(ctx.old, rel, fp) {
        return Ok(());
    }
    let teasers: Vec<Teaser> = items
        .iter()
        .zip(ctx.teasers_of(items, sink)?)
        .map(|(p, t)| teaser(ctx.urls, p, t.list()))
        .collect();
    let bytes = render(ctx, g, teasers, page, older, below)?;
    sink.put(ctx.out, ctx.old, rel, Some(fp), &[&bytes])
}

/// Renders one page of a place: `page` 0 is its first page, `older` the number of older
/// pages, `below` the places below it (shown on the first page).
fn render(
    ctx: &Ctx<'_>,
    g: &Group,
    articles: Vec<Teaser>,
    page: usize,
    older: usize,
    below: &[usize],
) -> anyhow::Result<Vec<u8>> {
    let urls = ctx.urls;
    let s = ctx.settings;
    let (name, code, level) = naming(g);
    let key = &g.key;
    let crumbs = g
        .chain
        .iter()
        .take(g.chain.len().saturating_sub(1))
        .map(|d| Crumb {
            name: one_line(&d.name),
            url: u(urls.home(&safe_segment(&d.code))),
        })
        .collect();
    let children: Vec<Child> = below
        .iter()
        .filter_map(|&i| ctx.groups.get(i))
        .map(|b| {
            let (name, code, level) = naming(b);
            Child {
                code,
                name,
                level,
                count: b.items.len(),
                url: u(urls.home(&b.key)),
            }
        })
        .collect();
    let newer = match page {
        0 => None,
        n if n >= older => Some(u(urls.home(key))),
        n => Some(u(urls.place_page(key, n + 1))),
    };
    let older_link = match page {
        0 if older > 0 => Some(u(urls.place_page(key, older))),
        0 | 1 => None,
        n => Some(u(urls.place_page(key, n - 1))),
    };
    let feed_url = urls.configured(&s.feed_url);
    let follow = (!feed_url.is_empty()).then(|| Follow {
        url: u(format!(
            "{feed_url}?places={}",
            if code.is_empty() { "all" } else { &code }
        )),
        action: u(feed_url.clone()),
    });
    let page_doc = PlacePage {
        site: one_line(&s.title_suffix),
        base_url: u(urls.base().to_string()),
        index_url: u(format!("{}index.html", urls.base())),
        url: u(if page == 0 {
            urls.home(key)
        } else {
            urls.place_page(key, page)
        }),
        key: key.clone(),
        code,
        name: name.clone(),
        level,
        count: g.items.len(),
        crumbs,
        children,
        articles,
        page,
        pages: older,
        newer,
        older: older_link,
        first: u(urls.home(key)),
        feeds: feed_links(ctx, key, &name),
        opml: (g.chain.len() == 1).then(|| u(urls.feed(key, "feeds.opml"))),
        follow,
        search_url: u(urls.configured(&s.search_url)),
        subscribe_url: u(urls.configured(&s.subscribe_url)),
    };
    Ok(ctx.templates.render("place.html", &page_doc)?.into_bytes())
}

/// One entry of `places.json`.
#[derive(Serialize)]
struct Entry {
    /// Code.
    c: String,
    /// Name.
    n: String,
    /// The names of the places above it, from the province down.
    p: String,
    /// Articles.
    k: usize,
    /// The place's page.
    u: String,
}

/// Writes `places.json`: every place with its chain, count and page, in code order, for
/// the front page's place search (a few dozen bytes a place).
pub(crate) fn list(ctx: &Ctx<'_>, groups: &[Group], sink: &mut Sink) -> anyhow::Result<()> {
    let entries: Vec<Entry> = groups
        .iter()
        .filter_map(|g| {
            let d = g.division()?;
            let above: Vec<String> = g
                .chain
                .iter()
                .take(g.chain.len().saturating_sub(1))
                .map(|d| one_line(&d.name))
                .collect();
            Some(Entry {
                c: clean(&d.code),
                n: one_line(&d.name),
                p: above.join(" "),
                k: g.items.len(),
                u: ctx.urls.home(&g.key),
            })
        })
        .collect();
    let mut bytes = serde_json::to_vec(&entries)?;
    bytes.push(b'\n');
    sink.emit(ctx.out, ctx.old, "places.json", None, || Ok(bytes))
}
