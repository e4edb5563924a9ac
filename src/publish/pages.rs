//! HTML pages: one landing page per article and the front page (newest headlines, the
//! places as a tree, the place and article search), rendered from the `article.html` and
//! `index.html` templates; the pieces the place pages share with them.

use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::model::Level;

use super::Ctx;
use super::group::{Group, Prepared};
use super::item::original_url;
use super::text::{clean, one_line, paragraphs, rfc3339};
use super::write::Sink;

/// A feed link (`<link rel="alternate">` and the links shown on a page).
#[derive(Serialize)]
pub(crate) struct Link {
    pub(crate) title: String,
    pub(crate) r#type: &'static str,
    /// The format's short name (RSS, Atom, JSON).
    pub(crate) format: &'static str,
    pub(crate) href: String,
}

/// The RSS, Atom and JSON Feed links of the feed with folder name `key`, titled by the
/// place's `name`.
pub(crate) fn feed_links(ctx: &Ctx<'_>, key: &str, name: &str) -> Vec<Link> {
    let suffix = one_line(&ctx.settings.title_suffix);
    [
        ("RSS", "application/rss+xml", "rss.xml"),
        ("Atom", "application/atom+xml", "atom.xml"),
        ("JSON", "application/feed+json", "feed.json"),
    ]
    .into_iter()
    .map(|(format, r#type, file)| Link {
        title: format!(
            "{name} · {suffix} ({})",
            if format == "JSON" {
                "JSON Feed"
            } else {
                format
            }
        ),
        r#type,
        format,
        href: u(ctx.urls.feed(key, file)),
    })
    .collect()
}

/// One article as a list of articles shows it: headline, kicker, date, paper, place and
/// its first lines.
#[derive(Serialize)]
pub(crate) struct Teaser {
    url: String,
    title: String,
    kicker: Option<String>,
    date: String,
    published: String,
    publication: Option<String>,
    place: Option<String>,
    place_url: Option<String>,
    summary: String,
}

/// An article as a list shows it (see [`Teaser`]), `summary` its body's opening (see
/// [`super::item::teaser`]).
pub(crate) fn teaser(urls: &super::Urls, p: &Prepared<'_>, summary: &str) -> Teaser {
    let a = &p.art.article;
    let leaf = p.art.placement.primary.leaf();
    let mut title = one_line(&a.display_title());
    if title.is_empty() {
        title = "(无标题)".into();
    }
    Teaser {
        url: u(urls.article(&p.file)),
        title,
        kicker: opt(a.kicker.as_deref()),
        date: p.published.format("%Y-%m-%d").to_string(),
        published: rfc3339(&p.published),
        publication: opt(p.art.publication.as_deref()),
        place: leaf.map(|d| one_line(&d.name)),
        place_url: leaf.map(|d| u(urls.home(&super::text::safe_segment(&d.code)))),
        summary: summary.to_string(),
    }
}

#[derive(Serialize)]
struct PlaceRef {
    code: String,
    name: String,
    level: &'static str,
    home: String,
    rss: String,
    atom: String,
}

#[derive(Serialize)]
struct ArticlePage {
    site: String,
    base_url: String,
    index_url: String,
    id: String,
    uid: String,
    url: String,
    title: String,
    kicker: Option<String>,
    subtitle: Option<String>,
    paragraphs: Vec<String>,
    reporters: Vec<String>,
    contributors: Vec<String>,
    photographers: Vec<String>,
    publication: Option<String>,
    /// The other papers that printed the story.
    printed_by: Vec<String>,
    original_url: Option<String>,
    date: String,
    published: String,
    updated: String,
    kind: &'static str,
    places: Vec<PlaceRef>,
    feeds: Vec<Link>,
}

/// A URL escaped for an HTML attribute. minijinja's own escaping also turns `/` into
/// `&#x2f;`, which naive autodiscovery code does not decode, so templates print these
/// pre-escaped values with `|safe`.
pub(crate) fn u(url: String) -> String {
    // Usually plain printable ASCII with nothing to escape: kept as it is.
    if url
        .bytes()
        .all(|b| matches!(b, 0x21..=0x7E) && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return url;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if super::text::keep_char(c) && !c.is_control() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The Chinese name of a level.
pub(crate) fn level_name(level: Level) -> &'static str {
    match level {
        Level::Province => "省级",
        Level::Prefecture => "地级",
        Level::County => "县级",
        Level::Township => "乡级",
    }
}

fn opt(s: Option<&str>) -> Option<String> {
    s.map(one_line).filter(|x| !x.is_empty())
}

fn names(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in list.iter().map(|n| one_line(n)) {
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// The file and fingerprint of an article's page.
fn article_file(ctx: &Ctx<'_>, p: &Prepared<'_>) -> (String, u64) {
    let rel = format!("articles/{}.html", p.file);
    let mut h = super::text::fingerprinter();
    ctx.global.hash(&mut h);
    "article".hash(&mut h);
    p.fp.hash(&mut h);
    (rel, h.finish())
}

/// Writes the pages of `arts` (see [`article`]) that no other document took when it read
/// their bodies: the bodies of those that are not reused are read in one request.
pub(crate) fn articles(
    ctx: &Ctx<'_>,
    arts: &[&Prepared<'_>],
    sink: &mut Sink,
) -> anyhow::Result<()> {
    let todo: Vec<&Prepared<'_>> = arts
        .iter()
        .copied()
        .filter(|p| p.take_page())
        .filter(|p| {
            let (rel, fp) = article_file(ctx, p);
            !sink.reuse(ctx.old, &rel, fp)
        })
        .collect();
    let bodies = ctx.bodies_of(&todo)?;
    for (p, body) in todo.iter().zip(&bodies) {
        article(ctx, p, body, sink)?;
    }
    Ok(())
}

/// Writes `articles/<id>.html` of the article with body `body`.
pub(crate) fn article(
    ctx: &Ctx<'_>,
    p: &Prepared<'_>,
    body: &str,
    sink: &mut Sink,
) -> anyhow::Result<()> {
    let (rel, fp) = article_file(ctx, p);
    sink.emit(ctx.out, ctx.old, &rel, Some(fp), || {
        let urls = ctx.urls;
        let s = p.art;
        let a = &s.article;
        let mut places: Vec<PlaceRef> = Vec::new();
        for chain in std::iter::once(&s.placement.primary).chain(s.placement.also.iter()) {
            for d in &chain.0 {
                if !places.iter().any(|x| x.code == d.code) {
                    let key = super::text::safe_segment(&d.code);
                    places.push(PlaceRef {
                        code: clean(&d.code),
                        name: one_line(&d.name),
                        level: level_name(d.level),
                        home: u(urls.home(&key)),
                        rss: u(urls.feed(&d.code, "rss.xml")),
                        atom: u(urls.feed(&d.code, "atom.xml")),
                    });
                }
            }
        }
        let suffix = one_line(&ctx.settings.title_suffix);
        let mut feeds = Vec::new();
        if let Some(leaf) = s.placement.primary.leaf() {
            let name = one_line(&leaf.name);
            feeds.push(Link {
                title: format!("{name} · {suffix} (RSS)"),
                r#type: "application/rss+xml",
                format: "RSS",
                href: u(urls.feed(&leaf.code, "rss.xml")),
            });
            feeds.push(Link {
                title: format!("{name} · {suffix} (Atom)"),
                r#type: "application/atom+xml",
                format: "Atom",
                href: u(urls.feed(&leaf.code, "atom.xml")),
            });
        }
        feeds.push(Link {
            title: format!("全部 · {suffix} (RSS)"),
            r#type: "application/rss+xml",
            format: "RSS",
            href: u(urls.feed("all", "rss.xml")),
        });
        // A name credited for the photograph is shown once, as 摄影, not as 记者.
        let photographers = names(&a.photographers);
        let reporters: Vec<String> = names(&a.reporters)
            .into_iter()
            .filter(|r| !photographers.contains(r))
            .collect();
        let contributors: Vec<String> = names(&a.contributors)
            .into_iter()
            .filter(|c| !reporters.contains(c) && !photographers.contains(c))
            .collect();
        let page = ArticlePage {
            site: suffix,
            base_url: u(urls.base().to_string()),
            index_url: u(format!("{}index.html", urls.base())),
            id: clean(&s.id),
            uid: p.uid().to_string(),
            url: u(urls.article(&p.file)),
            title: one_line(&a.display_title()),
            kicker: opt(a.kicker.as_deref()),
            subtitle: opt(a.subtitle.as_deref()),
            paragraphs: paragraphs(body),
            reporters,
            contributors,
            photographers,
            publication: opt(s.publication.as_deref()),
            printed_by: super::item::printed_by(s),
            original_url: original_url(a.url.as_deref()).map(u),
            date: p.published.format("%Y-%m-%d").to_string(),
            published: rfc3339(&p.published),
            updated: rfc3339(&p.updated),
            kind: a.kind.as_str(),
            places,
            feeds,
        };
        Ok(ctx.templates.render("article.html", &page)?.into_bytes())
    })
}

#[derive(Serialize)]
struct Node {
    key: String,
    code: String,
    name: String,
    level: &'static str,
    count: usize,
    newest: String,
    /// The place's page.
    url: String,
    rss: String,
    atom: String,
    json: String,
    opml: Option<String>,
    children: Vec<Node>,
}

#[derive(Serialize)]
struct IndexPage {
    site: String,
    base_url: String,
    opml: String,
    articles: usize,
    feeds: usize,
    newest: String,
    all: Option<Node>,
    /// Provinces, their cities and their counties (townships are on the county pages).
    places: Vec<Node>,
    /// The newest articles of all places.
    headlines: Vec<Teaser>,
    /// The page of every article, newest first, past the headlines.
    more: Option<String>,
    /// The place list the search box reads.
    places_json: String,
    autodiscovery: Vec<Link>,
    subscribe_url: String,
    search_url: String,
    feed_url: String,
}

fn node(ctx: &Ctx<'_>, g: &Group) -> Node {
    let urls = ctx.urls;
    // the newest date among the items of its subscription documents (the newest to
    // arrive; an article dated later that arrived earlier is in an archive)
    let newest = super::current(ctx.settings, g)
        .1
        .iter()
        .filter_map(|&i| ctx.prep.get(i as usize))
        .map(|p| p.published)
        .max()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let (code, name, level) = match g.division() {
        Some(d) => (clean(&d.code), one_line(&d.name), level_name(d.level)),
        None => (String::new(), "全部".to_string(), ""),
    };
    Node {
        key: g.key.clone(),
        code,
        name,
        level,
        count: g.items.len(),
        newest,
        url: u(urls.home(&g.key)),
        rss: u(urls.feed(&g.key, "rss.xml")),
        atom: u(urls.feed(&g.key, "atom.xml")),
        json: u(urls.feed(&g.key, "feed.json")),
        opml: (g.chain.len() == 1).then(|| u(urls.feed(&g.key, "feeds.opml"))),
        children: Vec::new(),
    }
}

/// The places down to the counties as a tree (province → city → county), each level in
/// code order (the tree's order). Returns the roots and the `all` node.
fn tree(ctx: &Ctx<'_>, groups: &[Group]) -> (Vec<Node>, Option<Node>) {
    fn grow(ctx: &Ctx<'_>, groups: &[Group], g: &Group) -> Node {
        let mut n = node(ctx, g);
        if g.division().is_some_and(|d| d.level < Level::County) {
            n.children = ctx
                .tree
                .below(&g.key)
                .iter()
                .filter_map(|&i| groups.get(i))
                .map(|c| grow(ctx, groups, c))
                .collect();
        }
        n
    }
    let all = groups.iter().find(|g| g.division().is_none());
    let roots = ctx
        .tree
        .below("all")
        .iter()
        .filter_map(|&i| groups.get(i))
        .map(|g| grow(ctx, groups, g))
        .collect();
    (roots, all.map(|g| node(ctx, g)))
}

/// Writes `index.html`, the front page.
pub(crate) fn index(ctx: &Ctx<'_>, groups: &[Group], sink: &mut Sink) -> anyhow::Result<()> {
    let urls = ctx.urls;
    let (places, all) = tree(ctx, groups);
    let suffix = one_line(&ctx.settings.title_suffix);
    let mut autodiscovery = feed_links(ctx, "all", "全部");
    for p in &places {
        autodiscovery.push(Link {
            title: format!("{} · {suffix} (RSS)", p.name),
            r#type: "application/rss+xml",
            format: "RSS",
            href: p.rss.clone(),
        });
    }
    let newest_group = groups.iter().find(|g| g.division().is_none());
    let size = ctx.settings.page_size.max(1);
    let newest: Vec<&Prepared<'_>> = newest_group
        .map(|g| ctx.items(g, g.items.len().saturating_sub(size)..g.items.len()))
        .unwrap_or_default();
    let headlines: Vec<Teaser> = newest
        .iter()
        .zip(ctx.teasers_of(&newest, sink)?)
        .map(|(p, t)| teaser(urls, p, t.list()))
        .collect();
    let more = newest_group
        .filter(|g| g.items.len() > size)
        .map(|g| u(urls.home(&g.key)));
    let page = IndexPage {
        site: suffix,
        base_url: u(urls.base().to_string()),
        opml: u(format!("{}feeds.opml", urls.base())),
        articles: ctx.prep.len(),
        feeds: groups.len(),
        newest: all.as_ref().map(|a| a.newest.clone()).unwrap_or_default(),
        all,
        places,
        headlines,
        more,
        places_json: u(format!("{}places.json", urls.base())),
        autodiscovery,
        subscribe_url: u(urls.configured(&ctx.settings.subscribe_url)),
        search_url: u(urls.configured(&ctx.settings.search_url)),
        feed_url: u(urls.configured(&ctx.settings.feed_url)),
    };
    sink.emit(ctx.out, ctx.old, "index.html", None, || {
        Ok(ctx.templates.render("index.html", &page)?.into_bytes())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn url_escaping_keeps_plain_urls_and_escapes_the_rest() {
        let plain = "https://news.example.org/feeds/130600/rss.xml?a=1;b=2#x";
        assert_eq!(super::u(plain.to_string()), plain);
        assert_eq!(
            super::u("https://h/a?x=1&y='2' \"<>\u{1}\u{200B}/路".to_string()),
            "https://h/a?x=1&amp;y=&#39;2&#39; &quot;&lt;&gt;/路"
        );
    }
}
