//! JSON Feed 1.1 documents.

use serde::Serialize;

use super::DocMeta;
use super::item::ItemView;

/// The feed object without its `items`, which come last and are spliced in as they were
/// serialised one by one ([`item`]): the bytes are those of serialising the whole feed.
#[derive(Serialize)]
struct Head<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    language: &'static str,
    authors: [Author<'a>; 1],
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

/// Writes one JSON Feed document around its items, each already serialised by [`item`]
/// (strings are already clean: every text field of an [`ItemView`] went through the same
/// character filter as the XML formats).
pub(crate) fn render<'f>(
    meta: &DocMeta<'_>,
    items: impl Iterator<Item = &'f [u8]>,
    out: &mut Vec<u8>,
) {
    let head = Head {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home,
        feed_url: &meta.self_url,
        description: &meta.description,
        language: "zh-CN",
        authors: [Author { name: meta.author }],
    };
    // Serialising plain structs of strings cannot fail; an error would leave `out` empty
    // and the caller refuses to write an empty document.
    if serde_json::to_writer(&mut *out, &head).is_err() || out.pop() != Some(b'}') {
        out.clear();
        return;
    }
    out.extend_from_slice(b",\"items\":[");
    for (n, it) in items.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(it);
    }
    out.extend_from_slice(b"]}\n");
}

fn view_item<'a>(it: &'a ItemView<'_>) -> Item<'a> {
    Item {
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
    }
}

/// One item serialised (compact), ready for [`render`]; empty if serialising failed (the
/// document then fails to parse in the tests rather than silently losing the item).
pub(crate) fn item(it: &ItemView<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(it.content_html.as_ref().map_or(512, |h| h.len() + 1024));
    if serde_json::to_writer(&mut out, &view_item(it)).is_err() {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole feed as one serde structure: what [`render`] splices together.
    #[derive(Serialize)]
    struct Whole<'a> {
        #[serde(flatten)]
        head: Head<'a>,
        items: Vec<Item<'a>>,
    }

    #[test]
    fn spliced_items_equal_the_whole_feed_serialised() {
        let arts = crate::publish::tests::fixture();
        let prep: Vec<crate::publish::group::Prepared<'_>> = arts
            .iter()
            .map(crate::publish::group::Prepared::new)
            .collect();
        let urls = crate::publish::Urls::new(&crate::publish::Settings::default()).unwrap();
        for full in [true, false] {
            let views: Vec<ItemView<'_>> =
                prep.iter().map(|p| ItemView::new(p, &urls, full)).collect();
            let meta = crate::publish::DocMeta {
                title: "标题 \"引号\" \\ <b>".into(),
                description: "说明\u{2028}".into(),
                home: urls.home("all"),
                self_url: urls.feed("all", "feed.json"),
                current_url: urls.feed("all", "feed.json"),
                prev_archive: None,
                next_archive: None,
                archive: false,
                feed_id: "urn:x".into(),
                updated: views[0].updated,
                author: "作者",
            };
            let frags: Vec<Vec<u8>> = views.iter().map(item).collect();
            let mut spliced = Vec::new();
            render(&meta, frags.iter().map(Vec::as_slice), &mut spliced);
            let whole = Whole {
                head: Head {
                    version: "https://jsonfeed.org/version/1.1",
                    title: &meta.title,
                    home_page_url: &meta.home,
                    feed_url: &meta.self_url,
                    description: &meta.description,
                    language: "zh-CN",
                    authors: [Author { name: meta.author }],
                },
                items: views.iter().map(view_item).collect(),
            };
            let mut expected = serde_json::to_vec(&whole).unwrap();
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8(spliced).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}
