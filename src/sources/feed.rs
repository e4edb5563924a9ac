//! Feeds: an RSS 0.9x/1.0/2.0, Atom or JSON Feed document (already decoded to text) read
//! with feed-rs into entries, each made one HTML document for `extract`'s single-article
//! path. An entry is known by its guid (RSS), id (Atom, JSON Feed), else its link, else its
//! title: that key names it in the store, so an entry whose content changes is the same
//! input read again.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone as _, Utc};

use crate::model::shanghai;

/// A feed's envelope: what applies to all its entries, and the entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// The feed's title.
    pub title: Option<String>,
    /// The feed's `<ttl>`: minutes it may be cached.
    pub ttl_mins: Option<u32>,
    /// The feed's `<skipHours>`: hours (0–23, GMT) in which it is not to be read.
    pub skip_hours: Vec<u32>,
    /// Its entries in feed order; entries with no key at all are left out (counted in
    /// `keyless`).
    pub entries: Vec<Entry>,
    /// Entries left out because they have no guid, id, link or title.
    pub keyless: usize,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its identity: guid/id, else link, else title.
    pub key: String,
    /// Its title.
    pub title: Option<String>,
    /// Its authors' names.
    pub authors: Vec<String>,
    /// When it was published (else updated), at +08:00.
    pub published: Option<DateTime<FixedOffset>>,
    /// Its link (the article page), when absolute (or resolved against the feed's URL).
    pub link: Option<String>,
    /// Its content as HTML: the full content, else the summary (plain text escaped, a
    /// paragraph a line).
    pub html: String,
}

/// Why a text is not read as a feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// It holds no RSS, Atom or JSON Feed root: something else (page text, HTML).
    #[error("not a feed (no RSS, Atom or JSON Feed root)")]
    NotAFeed,
    /// It looks like a feed but cannot be read.
    #[error("broken feed: {0}")]
    Broken(String),
}

/// Reads a feed. `text` is the decoded document: an encoding its XML declaration names is
/// not applied again. `base` resolves relative links.
pub fn parse_feed(text: &str, base: Option<&str>) -> Result<Feed, FeedError> {
    let text = without_declared_encoding(text);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base)
        .timestamp_parser(timestamp)
        .id_generator(|links, title, _| {
            links
                .first()
                .map(|l| l.href.clone())
                .or_else(|| {
                    title
                        .as_ref()
                        .map(|t| format!("title:{}", t.content.trim()))
                })
                .unwrap_or_default()
        })
        .build();
    let feed = parser.parse(text.as_bytes()).map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(
            feed_rs::parser::ParseErrorKind::NoFeedRoot,
        ) => FeedError::NotAFeed,
        other => FeedError::Broken(other.to_string()),
    })?;
    let mut out = Feed {
        title: feed
            .title
            .map(|t| t.content.trim().to_string())
            .filter(|t| !t.is_empty()),
        ttl_mins: feed.ttl,
        skip_hours: skip_hours(&text),
        entries: Vec::new(),
        keyless: 0,
    };
    for e in feed.entries {
        let key = e.id.trim().to_string();
        if key.is_empty() {
            out.keyless += 1;
            continue;
        }
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.trim().to_string())
            // a relative link with no base to resolve it against leads nowhere
            .filter(|l| url::Url::parse(l).is_ok_and(|u| matches!(u.scheme(), "http" | "https")));
        let content = e
            .content
            .as_ref()
            .and_then(|c| {
                let body = c.body.as_deref()?.trim();
                (!body.is_empty()).then(|| as_html(body, c.content_type.as_ref()))
            })
            .or_else(|| {
                e.summary
                    .as_ref()
                    .filter(|s| !s.content.trim().is_empty())
                    .map(|s| as_html(s.content.trim(), s.content_type.as_ref()))
            })
            .unwrap_or_default();
        out.entries.push(Entry {
            key,
            title: e
                .title
                .map(|t| t.content.trim().to_string())
                .filter(|t| !t.is_empty()),
            authors: e
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref().map(str::trim))
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect(),
            published: e
                .published
                .or(e.updated)
                .map(|d| d.with_timezone(&shanghai())),
            link,
            html: content,
        });
    }
    Ok(out)
}

/// The hours of an RSS channel's `<skipHours>` (feed-rs does not read them), read with
/// quick-xml; none when the text is not XML or has none.
fn skip_hours(text: &str) -> Vec<u32> {
    use quick_xml::events::Event;
    if !text.contains("skipHours") {
        return Vec::new();
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut in_skip, mut in_hour) = (false, false);
    let mut hours = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "skipHours" => in_skip = true,
                "hour" if in_skip => in_hour = true,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "skipHours" => in_skip = false,
                "hour" => in_hour = false,
                _ => {}
            },
            Ok(Event::Text(t)) if in_hour => {
                if let Some(h) = t
                    .xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|h| *h < 24)
                {
                    hours.push(h);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    hours.sort_unstable();
    hours.dedup();
    hours
}

/// The first whole-hour step from `t` (itself included) whose GMT hour is not in `skip`
/// (`t` itself when `skip` is empty or names every hour).
pub fn first_unskipped(t: DateTime<FixedOffset>, skip: &[u32]) -> DateTime<FixedOffset> {
    use chrono::Timelike as _;
    if skip.is_empty() || skip.len() >= 24 {
        return t;
    }
    let mut at = t;
    for _ in 0..24 {
        if !skip.contains(&at.with_timezone(&Utc).hour()) {
            return at;
        }
        // to the start of the next hour
        let next = at + chrono::Duration::hours(1);
        at = next
            .with_minute(0)
            .and_then(|x| x.with_second(0))
            .and_then(|x| x.with_nanosecond(0))
            .unwrap_or(next);
    }
    t
}

/// Whether a text that is not read as a feed still says it meant to be one (an RSS, Atom
/// or RDF root, a JSON Feed version): then it is a broken feed, not page text.
pub fn claims_to_be_feed(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect();
    ["<rss", "<feed", "<rdf:RDF", "jsonfeed.org/version"]
        .iter()
        .any(|m| head.contains(m))
}

impl Entry {
    /// The entry as one HTML document for the single-article path: its title as the page
    /// title and `<h1>`, author, date, link and the feed's title in `<meta>`/`<link>`, and
    /// its content inside `<article>`. Everything but the content (HTML already) is
    /// escaped.
    pub fn document(&self, feed_title: Option<&str>) -> String {
        let mut d = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n");
        if let Some(t) = &self.title {
            d.push_str(&format!("<title>{}</title>\n", esc(t)));
        }
        if !self.authors.is_empty() {
            d.push_str(&format!(
                "<meta name=\"author\" content=\"{}\">\n",
                esc(&self.authors.join(" "))
            ));
        }
        if let Some(p) = &self.published {
            d.push_str(&format!(
                "<meta property=\"article:published_time\" content=\"{}\">\n",
                p.to_rfc3339()
            ));
        }
        if let Some(f) = feed_title {
            d.push_str(&format!(
                "<meta property=\"og:site_name\" content=\"{}\">\n",
                esc(f)
            ));
        }
        if let Some(l) = &self.link {
            d.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", esc(l)));
        }
        d.push_str("</head><body><article>\n");
        if let Some(t) = &self.title {
            d.push_str(&format!("<h1>{}</h1>\n", esc(t)));
        }
        d.push_str(&self.html);
        d.push_str("\n</article></body></html>\n");
        d
    }
}

/// Content as HTML: HTML as it is, plain text escaped with a paragraph a line.
fn as_html(body: &str, content_type: &str) -> String {
    let plain = content_type.contains("plain") && !(body.contains('<') && body.contains('>'));
    if !plain {
        return body.to_string();
    }
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", esc(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text escaped for HTML text and attribute values (ammonia's `clean_text`, which
/// escapes every character that could end either).
fn esc(s: &str) -> String {
    ammonia::clean_text(s)
}

/// The text with the encoding its XML declaration names taken out (it is decoded
/// already), so the XML reader reads it as the UTF-8 it now is.
fn without_declared_encoding(text: &str) -> std::borrow::Cow<'_, str> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if rest.starts_with("<?xml")
        && let Some(end) = rest.find("?>")
        && rest[..end].contains("encoding")
    {
        return format!("<?xml version=\"1.0\"?>{}", &rest[end + 2..]).into();
    }
    text.into()
}

/// A feed's time stamp, read leniently: RFC 2822 (a weekday that does not match the date
/// is ignored) and RFC 3339, `CST` and `GMT+8` read as China Standard Time, and times
/// with no zone (`2026-03-05 07:30:00`, `2026年03月05日`) read as Beijing time.
fn timestamp(raw: &str) -> Option<DateTime<Utc>> {
    let mut s = raw.trim().to_string();
    for zone in [
        " CST",
        " GMT+8",
        " GMT+08:00",
        " GMT+0800",
        " UTC+8",
        " Beijing",
    ] {
        if let Some(head) = s.strip_suffix(zone) {
            s = format!("{head} +0800");
            break;
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(&s) {
        return Some(d.with_timezone(&Utc));
    }
    let no_weekday = s.split_once(", ").map_or(s.as_str(), |(w, rest)| {
        if w.len() <= 9 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            rest
        } else {
            s.as_str()
        }
    });
    for fmt in [
        "%d %b %Y %H:%M:%S %z",
        "%d %b %Y %H:%M %z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(no_weekday, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let local = |n: NaiveDateTime| shanghai().from_local_datetime(&n).single();
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y年%m月%d日 %H:%M:%S",
        "%Y年%m月%d日 %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&s, fmt) {
            return local(n).map(|d| d.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(&s, fmt) {
            return local(d.and_hms_opt(0, 0, 0)?).map(|d| d.with_timezone(&Utc));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_time_stamps_are_beijing_time() {
        let at = |s: &str| timestamp(s).map(|d| d.with_timezone(&shanghai()).to_rfc3339());
        let want = Some("2026-03-05T07:30:00+08:00".to_string());
        assert_eq!(at("Thu, 05 Mar 2026 07:30:00 CST"), want);
        assert_eq!(at("Mon, 05 Mar 2026 07:30:00 +0800"), want);
        assert_eq!(at("2026-03-05 07:30:00"), want);
        assert_eq!(at("2026-03-05T07:30:00+08:00"), want);
        assert_eq!(at("2026年03月05日 07:30"), want);
        assert_eq!(at("soon"), None);
    }

    #[test]
    fn entries_are_keyed_by_guid_else_link() {
        let rss = r#"<?xml version="1.0" encoding="GBK"?>
<rss version="2.0"><channel><title>青山日报</title><ttl>90</ttl>
<skipHours><hour>16</hour><hour>17</hour><hour>99</hour></skipHours>
<item><title>甲</title><guid isPermaLink="false">g-1</guid><link>http://x.example/1</link><description>&lt;p&gt;一&lt;/p&gt;</description></item>
<item><title>乙</title><link>http://x.example/2</link><description>二</description></item>
<item><description>无</description></item>
</channel></rss>"#;
        let f = parse_feed(rss, None).unwrap();
        assert_eq!(f.ttl_mins, Some(90));
        assert_eq!(f.skip_hours, [16, 17]);
        // 00:30 in Beijing is 16:30 GMT: skipped until 18:00 GMT, 02:00 in Beijing
        let t = DateTime::parse_from_rfc3339("2024-06-11T00:30:00+08:00").unwrap();
        assert_eq!(
            first_unskipped(t, &f.skip_hours).to_rfc3339(),
            "2024-06-11T02:00:00+08:00"
        );
        assert_eq!(first_unskipped(t, &[3]), t);
        assert_eq!(f.title.as_deref(), Some("青山日报"));
        let keys: Vec<_> = f.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["g-1", "http://x.example/2"]);
        assert_eq!(f.keyless, 1);
        assert!(f.entries[0].html.contains("<p>一</p>"));
        let doc = f.entries[1].document(Some("青山\"日报"));
        assert!(
            doc.contains("<h1>乙</h1>") && doc.contains("青山&quot;日报"),
            "{doc}"
        );
    }

    #[test]
    fn page_text_is_not_a_feed_and_broken_xml_says_so() {
        assert_eq!(
            parse_feed("第一版 要闻\n青山县…", None),
            Err(FeedError::NotAFeed)
        );
        assert!(matches!(
            parse_feed(
                "<rss version=\"2.0\"><channel><item><title>x</title></channel>",
                None
            ),
            Err(FeedError::Broken(_))
        ));
    }
}
