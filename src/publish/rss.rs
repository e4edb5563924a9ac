//! RSS 2.0 documents (with the Atom, content, Dublin Core and RFC 5005 extensions).

use super::item::ItemView;
use super::text::{push_attr, push_clean, push_clean_in, push_text_as_html, push_xml, rfc822};
use super::{DocMeta, Urls};

/// What closes an RSS document after its items.
pub(crate) const TAIL: &str = "</channel>\n</rss>\n";

/// Writes what comes before the items of an RSS document.
pub(crate) fn head(meta: &DocMeta<'_>, urls: &Urls, out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:fh=\"http://purl.org/syndication/history/1.0\">\n<channel>\n<title>");
    push_xml(out, &meta.title);
    out.push_str("</title>\n<link>");
    push_xml(out, &meta.home);
    out.push_str("</link>\n<description>");
    push_xml(out, &meta.description);
    out.push_str("</description>\n<language>zh-CN</language>\n<generator>");
    push_xml(out, super::GENERATOR);
    out.push_str("</generator>\n<lastBuildDate>");
    out.push_str(&rfc822(&meta.updated));
    out.push_str("</lastBuildDate>\n<ttl>");
    out.push_str(&urls.ttl.to_string());
    out.push_str("</ttl>\n");
    link(out, "self", &meta.self_url, Some("application/rss+xml"));
    if meta.archive {
        out.push_str("<fh:archive/>\n");
        link(
            out,
            "current",
            &meta.current_url,
            Some("application/rss+xml"),
        );
    }
    if let Some(u) = &meta.prev_archive {
        link(out, "prev-archive", u, Some("application/rss+xml"));
    }
    if let Some(u) = &meta.next_archive {
        link(out, "next-archive", u, Some("application/rss+xml"));
    }
}

fn link(out: &mut String, rel: &str, href: &str, ty: Option<&str>) {
    out.push_str("<atom:link rel=\"");
    out.push_str(rel);
    out.push_str("\" href=\"");
    push_attr(out, href);
    if let Some(t) = ty {
        out.push_str("\" type=\"");
        out.push_str(t);
    }
    out.push_str("\"/>\n");
}

/// Writes one `<item>`.
pub(crate) fn item(out: &mut String, it: &ItemView<'_>, urls: &Urls) {
    out.push_str("<item>\n<title>");
    push_clean(out, &it.title);
    out.push_str("</title>\n<link>");
    push_clean(out, &it.link);
    out.push_str("</link>\n<guid isPermaLink=\"false\">");
    out.push_str(&it.uid);
    out.push_str("</guid>\n<pubDate>");
    out.push_str(&it.published_822);
    out.push_str("</pubDate>\n<description>");
    // Readers render an item's description as HTML: the plain summary is escaped for
    // HTML first (the title stays plain text, escaped once, as RSS titles are read).
    push_text_as_html(out, &it.summary);
    out.push_str("</description>\n");
    if it.content_html.is_none() {
        // archive entry: brief
        out.push_str("</item>\n");
        return;
    }
    out.push_str("<content:encoded>");
    out.push_str(&it.content_xml);
    out.push_str("</content:encoded>\n");
    for a in it.authors() {
        push_clean_in(out, "<dc:creator>", a, "</dc:creator>\n");
    }
    if let Some(p) = &it.publication {
        push_clean_in(out, "<dc:publisher>", p, "</dc:publisher>\n");
    }
    // the other papers that printed the story
    for paper in &it.printed_by {
        push_clean_in(out, "<dc:contributor>", paper, "</dc:contributor>\n");
    }
    for d in &it.places {
        out.push_str("<category domain=\"");
        push_attr(out, &urls.folder(&d.code));
        out.push_str("\">");
        push_xml(out, &d.name);
        out.push_str("</category>\n");
    }
    out.push_str("</item>\n");
}
