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

/// The reference shape of an item, for the tests of [`item`].
#[cfg(test)]
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

/// The reference shape of an item, for the tests of [`item`].
#[cfg(test)]
#[derive(Serialize)]
struct Ext<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publication: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    printed_by: &'a [String],
    places: Vec<Place<'a>>,
}

/// The reference shape of an item, for the tests of [`item`].
#[cfg(test)]
#[derive(Serialize)]
struct Place<'a> {
    code: &'a str,
    name: &'a str,
    level: crate::model::Level,
}

/// Writes one JSON Feed document around its items, each already serialised by [`item`]
/// (strings are already clean: every text field of an [`ItemView`] went through the same
/// character filter as the XML formats).
#[cfg(test)]
pub(crate) fn render<'f>(
    meta: &DocMeta<'_>,
    items: impl Iterator<Item = &'f [u8]>,
    out: &mut Vec<u8>,
) {
    head(meta, out);
    if out.is_empty() {
        return;
    }
    for (n, it) in items.enumerate() {
        if n > 0 {
            out.extend_from_slice(SEPARATOR);
        }
        out.extend_from_slice(it);
    }
    out.extend_from_slice(TAIL);
}

/// What stands between two items of a JSON Feed document.
pub(crate) const SEPARATOR: &[u8] = b",";
/// What closes a JSON Feed document after its items.
pub(crate) const TAIL: &[u8] = b"]}\n";

/// Writes what comes before the items of a JSON Feed document (up to the opening of its
/// item array); nothing when the head cannot be written.
pub(crate) fn head(meta: &DocMeta<'_>, out: &mut Vec<u8>) {
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
}

#[cfg(test)]
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
            printed_by: &it.printed_by,
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

/// One item serialised (compact), ready to splice between a head from [`head`] and
/// [`TAIL`]: the same bytes as `serde_json` gives for the test module's `Item` shape,
/// written field by field. Hand-written because `serde_json`'s string
/// escaping (a table look per byte) was the largest user-space cost of a feeds-only publish
/// after the XML escaper (about 5 %, perf at 30,000 articles), and the item's text fields
/// are clean already: only `"` and `\\` can need escaping there, found with `memchr2`.
/// Fields that are not cleaned (place names and codes) go through `serde_json` itself.
pub(crate) fn item(it: &ItemView<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(it.content_html.as_ref().map_or(512, |h| h.len() + 1024));
    if write_item(&mut out, it).is_err() {
        out.clear();
    }
    out
}

fn write_item(out: &mut Vec<u8>, it: &ItemView<'_>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    raw(out, &it.uid)?;
    out.extend_from_slice(b",\"url\":");
    raw(out, &it.link)?;
    out.extend_from_slice(b",\"title\":");
    clean(out, &it.title)?;
    match &it.content_html {
        Some(h) => {
            out.extend_from_slice(b",\"content_html\":");
            clean(out, h)?;
        }
        None => {
            out.extend_from_slice(b",\"content_text\":");
            clean(out, &it.summary)?;
        }
    }
    out.extend_from_slice(b",\"summary\":");
    clean(out, &it.summary)?;
    out.extend_from_slice(b",\"date_published\":");
    raw(out, &it.published_3339)?;
    out.extend_from_slice(b",\"date_modified\":");
    raw(out, &it.updated_3339)?;
    for (n, a) in it.authors().enumerate() {
        out.extend_from_slice(if n == 0 { b",\"authors\":[" } else { b"," });
        out.extend_from_slice(b"{\"name\":");
        clean(out, a)?;
        out.push(b'}');
    }
    if it.authors().next().is_some() {
        out.push(b']');
    }
    for (n, d) in it.places.iter().enumerate() {
        out.extend_from_slice(if n == 0 { b",\"tags\":[" } else { b"," });
        raw(out, &d.name)?;
    }
    if !it.places.is_empty() {
        out.push(b']');
    }
    out.extend_from_slice(b",\"_localfeed\":{\"kind\":");
    raw(out, it.kind)?;
    if let Some(p) = &it.publication {
        out.extend_from_slice(b",\"publication\":");
        clean(out, p)?;
    }
    for (n, paper) in it.printed_by.iter().enumerate() {
        out.extend_from_slice(if n == 0 { b",\"printed_by\":[" } else { b"," });
        clean(out, paper)?;
    }
    if !it.printed_by.is_empty() {
        out.push(b']');
    }
    out.extend_from_slice(b",\"places\":[");
    for (n, d) in it.places.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        raw(out, &d.code)?;
        out.extend_from_slice(b",\"name\":");
        raw(out, &d.name)?;
        out.extend_from_slice(b",\"level\":");
        serde_json::to_writer(&mut *out, &d.level)?;
        out.push(b'}');
    }
    out.extend_from_slice(b"]}}");
    Ok(())
}

/// Any string, as `serde_json` writes it.
fn raw(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    serde_json::to_writer(out, s)
}

/// A clean string (no control characters, see [`super::text::one_line`]): quoted, with `"`
/// and `\\` escaped as `serde_json` does.
fn clean(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    // A whole-string fold (no early exit) compiles to a vector loop.
    if s.bytes().fold(false, |any, b| any | (b < 0x20)) {
        return raw(out, s);
    }
    out.push(b'"');
    let b = s.as_bytes();
    let mut start = 0;
    for i in memchr::memchr2_iter(b'"', b'\\', b) {
        out.extend_from_slice(b.get(start..i).unwrap_or_default());
        out.push(b'\\');
        start = i;
    }
    out.extend_from_slice(b.get(start..).unwrap_or_default());
    out.push(b'"');
    Ok(())
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
            let mut views: Vec<ItemView<'_>> = prep
                .iter()
                .map(|p| ItemView::new(p, &p.art.article.body, &urls, full))
                .collect();
            views[0].title = "引号\"与\\反斜杠\"".into();
            views[0].summary = "\\\"".into();
            views[0].reporters.push("名\"字".into());
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
            for (v, f) in views.iter().zip(&frags) {
                assert_eq!(f, &serde_json::to_vec(&view_item(v)).unwrap());
            }
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
