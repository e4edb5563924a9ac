//! JSON Feed 1.1 documents.

use serde::Serialize;

use super::item::ItemView;
use super::{DocMeta, Urls};

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    language: &'static str,
    authors: [Author<'a>; 1],
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    summary: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(rename = "_localfeed")]
    ext: Ext<'a>,
}

#[derive(Serialize)]
struct Ext<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publication: Option<&'a str>,
    places: Vec<Place<'a>>,
}

#[derive(Serialize)]
struct Place<'a> {
    code: &'a str,
    name: &'a str,
    level: crate::model::Level,
}

/// Writes one JSON Feed document (strings are already clean: every text field of an
/// [`ItemView`] went through the same character filter as the XML formats).
pub(crate) fn render(meta: &DocMeta<'_>, items: &[ItemView<'_>], _urls: &Urls, out: &mut Vec<u8>) {
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home,
        feed_url: &meta.self_url,
        description: &meta.description,
        language: "zh-CN",
        authors: [Author { name: meta.author }],
        items: items
            .iter()
            .map(|it| Item {
                id: &it.uid,
                url: &it.link,
                title: &it.title,
                content_html: it.content_html.as_deref(),
                content_text: it.content_html.is_none().then_some(it.summary.as_str()),
                summary: &it.summary,
                date_published: &it.published_3339,
                date_modified: &it.updated_3339,
                authors: it.authors().map(|a| Author { name: a }).collect(),
                tags: it.places.iter().map(|d| d.name.as_str()).collect(),
                ext: Ext {
                    kind: it.kind,
                    publication: it.publication.as_deref(),
                    places: it
                        .places
                        .iter()
                        .map(|d| Place {
                            code: &d.code,
                            name: &d.name,
                            level: d.level,
                        })
                        .collect(),
                },
            })
            .collect(),
    };
    // Serialising plain structs of strings cannot fail; an error would leave `out` empty
    // and the caller refuses to write an empty document.
    if serde_json::to_writer(&mut *out, &feed).is_err() {
        out.clear();
    } else {
        out.push(b'\n');
    }
}
