//! Feeds made to order: one RSS, Atom or JSON Feed document of the articles a caller
//! chose (`serve` picks them from the store by places and words), rendered with the same
//! item fragments as the published feeds, so an item reads the same in both.

use chrono::{DateTime, FixedOffset};

use crate::model::StoredArticle;

use super::cache::Frags;
use super::group::Prepared;
use super::{DocMeta, Settings, Urls, document, newest, text};

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
    let frags: Vec<Frags> = prep.iter().map(|p| Frags::new(p, &urls, true)).collect();
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
