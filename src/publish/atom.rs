//! Atom 1.0 documents (RFC 4287, with RFC 5005 archive links).

use super::item::ItemView;
use super::text::{push_attr, push_clean, push_clean_in, push_xml, rfc3339};
use super::{DocMeta, Urls};

/// What closes an Atom document after its entries.
pub(crate) const TAIL: &str = "</feed>\n";

/// Writes what comes before the entries of an Atom document.
pub(crate) fn head(meta: &DocMeta<'_>, out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:fh=\"http://purl.org/syndication/history/1.0\" xml:lang=\"zh-CN\">\n<id>");
    out.push_str(&meta.feed_id);
    out.push_str("</id>\n<title type=\"text\">");
    push_xml(out, &meta.title);
    out.push_str("</title>\n<subtitle type=\"text\">");
    push_xml(out, &meta.description);
    out.push_str("</subtitle>\n<updated>");
    out.push_str(&rfc3339(&meta.updated));
    out.push_str("</updated>\n<author><name>");
    push_xml(out, meta.author);
    out.push_str("</name></author>\n<generator version=\"");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str("\">localfeed</generator>\n");
    link(out, "self", &meta.self_url, "application/atom+xml");
    link(out, "alternate", &meta.home, "text/html");
    if meta.archive {
        out.push_str("<fh:archive/>\n");
        link(out, "current", &meta.current_url, "application/atom+xml");
    }
    if let Some(u) = &meta.prev_archive {
        link(out, "prev-archive", u, "application/atom+xml");
    }
    if let Some(u) = &meta.next_archive {
        link(out, "next-archive", u, "application/atom+xml");
    }
}

fn link(out: &mut String, rel: &str, href: &str, ty: &str) {
    out.push_str("<link rel=\"");
    out.push_str(rel);
    out.push_str("\" type=\"");
    out.push_str(ty);
    out.push_str("\" href=\"");
    push_attr(out, href);
    out.push_str("\"/>\n");
}

/// Writes one `<entry>`.
pub(crate) fn entry(out: &mut String, it: &ItemView<'_>, urls: &Urls) {
    out.push_str("<entry>\n<id>");
    out.push_str(&it.uid);
    out.push_str("</id>\n<title type=\"text\">");
    push_clean(out, &it.title);
    out.push_str("</title>\n");
    link(out, "alternate", &it.link, "text/html");
    out.push_str("<published>");
    out.push_str(&it.published_3339);
    out.push_str("</published>\n<updated>");
    out.push_str(&it.updated_3339);
    out.push_str("</updated>\n<summary type=\"text\">");
    push_clean(out, &it.summary);
    out.push_str("</summary>\n");
    if it.content_html.is_none() {
        // archive entry: brief
        out.push_str("</entry>\n");
        return;
    }
    out.push_str("<content type=\"html\">");
    out.push_str(&it.content_xml);
    out.push_str("</content>\n");
    for a in &it.reporters {
        push_clean_in(out, "<author><name>", a, "</name></author>\n");
    }
    for a in &it.contributors {
        push_clean_in(out, "<contributor><name>", a, "</name></contributor>\n");
    }
    // the other papers that printed the story
    for paper in &it.printed_by {
        push_clean_in(out, "<contributor><name>", paper, "</name></contributor>\n");
    }
    for d in &it.places {
        out.push_str("<category term=\"");
        push_attr(out, &d.code);
        out.push_str("\" scheme=\"");
        push_attr(out, urls.base());
        out.push_str("\" label=\"");
        push_attr(out, &d.name);
        out.push_str("\"/>\n");
    }
    if let Some(p) = &it.publication {
        push_clean_in(
            out,
            "<source><title type=\"text\">",
            p,
            "</title></source>\n",
        );
    }
    out.push_str("</entry>\n");
}
