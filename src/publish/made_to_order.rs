//! Documents made on request for `serve`: feeds made to order (one RSS, Atom or JSON Feed
//! document of the articles it picked from the store by places and words, rendered with
//! the same item fragments as the published feeds, so an item reads the same in both)
//! and the page of article search results (the `search.html` template).

use chrono::{DateTime, FixedOffset};

use crate::model::StoredArticle;

use serde::Serialize;

use super::cache::Frags;
use super::group::Prepared;
use super::pages::{Teaser, teaser, u};
use super::{DocMeta, Settings, Urls, document, newest, text};
use crate::templates::Templates;

/// The format of a feed made to order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl Format {
    /// The format named `name` (`rss`, `atom`, `json`; any case).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "rss" => Some(Self::Rss),
            "atom" => Some(Self::Atom),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// Its name in a query (`rss`, `atom`, `json`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rss => "rss",
            Self::Atom => "atom",
            Self::Json => "json",
        }
    }

    /// The content type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// What a feed made to order says about itself.
#[derive(Debug, Clone)]
pub struct Order {
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its own address (the query that makes it), absolute.
    pub self_url: String,
    /// The page people land on from it, absolute.
    pub home: String,
    /// Its format.
    pub format: Format,
}

/// Renders `articles` as one feed document, newest first (by publication time, then id,
/// as the published feeds order them). The feed's id derives from its own address; its
/// date is its newest item's. Fails only when `settings.base_url` is not a URL.
pub fn render_order(
    articles: &[StoredArticle],
    settings: &Settings,
    order: &Order,
) -> anyhow::Result<Vec<u8>> {
    let urls = Urls::new(settings)?;
    let mut prep: Vec<Prepared<'_>> = articles.iter().map(Prepared::new).collect();
    prep.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| b.art.id.cmp(&a.art.id))
    });
    prep.dedup_by(|a, b| a.art.id == b.art.id);
    let frags: Vec<Frags> = prep
        .iter()
        .map(|p| Frags::new(p, &p.art.article.body, &urls, true))
        .collect();
    let updated: DateTime<FixedOffset> = newest(&frags);
    let author = text::one_line(&settings.title_suffix);
    let meta = DocMeta {
        title: text::one_line(&order.title),
        description: text::one_line(&order.description),
        home: order.home.clone(),
        self_url: order.self_url.clone(),
        current_url: order.self_url.clone(),
        prev_archive: None,
        next_archive: None,
        archive: false,
        feed_id: text::urn_uuid("localfeed-feed", &order.self_url),
        updated,
        author: &author,
    };
    let bytes = document(order.format.name(), &meta, &urls, &frags, |pieces| {
        pieces.concat()
    });
    anyhow::ensure!(!bytes.is_empty(), "the feed's head could not be written");
    Ok(bytes)
}

/// What a page of search results shows besides its articles.
#[derive(Debug, Clone, Default)]
pub struct SearchView {
    /// The words searched for, as typed.
    pub q: String,
    /// Articles matching, in all.
    pub total: usize,
    /// This page's number (from 1).
    pub page: usize,
    /// Pages in all.
    pub pages: usize,
    /// The page before and the page after, absolute.
    pub prev: Option<String>,
    /// See `prev`.
    pub next: Option<String>,
    /// The results as feeds: `(format, address)`.
    pub feeds: Vec<(Format, String)>,
    /// The search page's own address (its form's action), absolute.
    pub action: String,
    /// What was wrong with the request, shown instead of results.
    pub error: Option<String>,
}

#[derive(Serialize)]
struct Hit {
    #[serde(flatten)]
    teaser: Teaser,
    /// The text around the first word found in the body: before it, it, after it.
    excerpt: Option<[String; 3]>,
}

#[derive(Serialize)]
struct FeedLink {
    format: &'static str,
    r#type: &'static str,
    href: String,
}

#[derive(Serialize)]
struct SearchPage {
    site: String,
    base_url: String,
    index_url: String,
    action: String,
    q: String,
    total: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    feeds: Vec<FeedLink>,
    results: Vec<Hit>,
    error: Option<String>,
}

/// The text around the first of `words` the body holds: up to 30 characters before it,
/// it, up to 80 after it (on one line, `…` where cut).
fn excerpt(body: &str, words: &[&str]) -> Option<[String; 3]> {
    let flat = text::one_line(body);
    let lower = flat.to_lowercase();
    // Lower-casing can change lengths outside ASCII: look only when it did not.
    if lower.len() != flat.len() {
        return None;
    }
    let (at, word) = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| lower.find(&w.to_lowercase()).map(|i| (i, w.len())))
        .min()?;
    let before = flat.get(..at)?;
    let hit = flat.get(at..at + word)?;
    let after = flat.get(at + word..)?;
    let lead: String = {
        let n = before.chars().count();
        let kept: String = before.chars().skip(n.saturating_sub(30)).collect();
        if n > 30 { format!("…{kept}") } else { kept }
    };
    let tail: String = {
        let kept: String = after.chars().take(80).collect();
        if after.chars().count() > 80 {
            format!("{kept}…")
        } else {
            kept
        }
    };
    Some([lead, hit.to_string(), tail])
}

/// Renders the page of search results with the `search.html` template: `articles` in
/// the order given (best first), each with the text around the words found.
pub fn render_search(
    articles: &[StoredArticle],
    settings: &Settings,
    templates: &Templates,
    view: &SearchView,
) -> anyhow::Result<String> {
    let urls = Urls::new(settings)?;
    let words: Vec<&str> = view.q.split_whitespace().collect();
    let results = articles
        .iter()
        .map(|a| {
            let p = Prepared::new(a);
            Hit {
                teaser: teaser(
                    &urls,
                    &p,
                    &super::item::teaser(&a.article.body, urls.summary_chars),
                ),
                excerpt: excerpt(&a.article.body, &words),
            }
        })
        .collect();
    let page = SearchPage {
        site: text::one_line(&settings.title_suffix),
        base_url: u(urls.base().to_string()),
        index_url: u(format!("{}index.html", urls.base())),
        action: u(view.action.clone()),
        q: text::one_line(&view.q),
        total: view.total,
        page: view.page,
        pages: view.pages,
        prev: view.prev.clone().map(u),
        next: view.next.clone().map(u),
        feeds: view
            .feeds
            .iter()
            .map(|(f, href)| FeedLink {
                format: match f {
                    Format::Rss => "RSS",
                    Format::Atom => "Atom",
                    Format::Json => "JSON",
                },
                r#type: f.content_type().split(';').next().unwrap_or_default(),
                href: u(href.clone()),
            })
            .collect(),
        results,
        error: view.error.clone(),
    };
    templates.render("search.html", &page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_excerpt_is_around_the_first_word_found() {
        let body = "一二三四五六七八九十".repeat(5) + "防汛工作开始了。";
        let [a, b, c] = super::excerpt(&body, &["工作", "防汛"]).unwrap();
        assert_eq!(b, "防汛");
        assert!(a.starts_with('…') && a.chars().count() == 31);
        assert_eq!(c, "工作开始了。");
        assert_eq!(super::excerpt("正文", &["洪水"]), None);
    }
}
