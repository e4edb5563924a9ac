//! Lists of sources: a file of article URLs (one a line) and OPML outlines of feeds (what
//! RSSHub and every feed reader export), read with quick-xml.

use quick_xml::events::Event;

/// The URLs of a URL-list file: one a line; blank lines and lines starting with `#` are
/// skipped. Lines that are not absolute http(s) URLs come back second, as
/// `line N: reason`.
pub fn parse_url_list(text: &str) -> (Vec<String>, Vec<String>) {
    let mut urls = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        match url::Url::parse(l) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                if !urls.contains(&l.to_string()) {
                    urls.push(l.to_string());
                }
            }
            _ => bad.push(format!(
                "line {}: {:?} is not an absolute http(s) URL",
                n + 1,
                l
            )),
        }
    }
    (urls, bad)
}

/// One feed of an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The outline's `title`, else its `text`.
    pub title: Option<String>,
    /// Its `xmlUrl`: the feed.
    pub xml_url: String,
}

/// The feeds of an OPML file (outlines with an `xmlUrl`, at any depth), in file order,
/// each URL once.
pub fn parse_opml(text: &str) -> Result<Vec<OpmlFeed>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out: Vec<OpmlFeed> = Vec::new();
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("not OPML: {e} (at byte {})", reader.buffer_position()))?;
        match ev {
            Event::Start(el) | Event::Empty(el) if el.local_name().into_inner() == "outline" => {
                let mut title = None;
                let mut text_attr = None;
                let mut xml_url = None;
                for a in el.attributes().flatten() {
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default();
                    if value.is_empty() {
                        continue;
                    }
                    match a.key.local_name().into_inner() {
                        "title" => title = Some(value),
                        "text" => text_attr = Some(value),
                        "xmlUrl" | "xmlurl" => xml_url = Some(value),
                        _ => {}
                    }
                }
                if let Some(u) = xml_url
                    && !out.iter().any(|f| f.xml_url == u)
                {
                    out.push(OpmlFeed {
                        title: title.or(text_attr),
                        xml_url: u,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_lists_skip_comments_and_name_bad_lines() {
        let (urls, bad) = parse_url_list(
            "# 青山\nhttp://a.example/1.html\n\nhttp://a.example/1.html\nfile:///x\n",
        );
        assert_eq!(urls, ["http://a.example/1.html"]);
        assert_eq!(
            bad,
            ["line 5: \"file:///x\" is not an absolute http(s) URL"]
        );
    }

    #[test]
    fn opml_outlines_give_their_feeds() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="县报"><outline type="rss" text="青山日报" xmlUrl="http://r.example/qs?a=1&amp;b=2"/>
<outline text="白河" title="白河新闻" xmlUrl="http://r.example/bh"></outline></outline></body></opml>"#;
        let f = parse_opml(opml).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].xml_url, "http://r.example/qs?a=1&b=2");
        assert_eq!(f[0].title.as_deref(), Some("青山日报"));
        assert_eq!(f[1].title.as_deref(), Some("白河新闻"));
        assert!(parse_opml("<opml><body><outline").is_err());
    }
}
