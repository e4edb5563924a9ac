//! The view of one article that every feed format renders: cleaned title, links, ids,
//! authors, places, summary and the body as escaped HTML paragraphs.

use chrono::{DateTime, FixedOffset};

use crate::model::Division;

use super::Urls;
use super::group::Prepared;
use super::text::{one_line, paragraphs, push_attr, push_clean, rfc822, rfc3339, summary};

/// Namespace for article ids (`urn:uuid:`), so ids do not depend on the site's address.
pub(crate) const ARTICLE_NS: &str = "localfeed-article";

/// Longest summary in archive documents, whose entries are brief (title, link, dates, a
/// short teaser): the landing page has the rest, and archives stay small.
const ARCHIVE_SUMMARY: usize = 60;

/// One article, ready to be written into any feed format.
#[derive(Debug)]
pub(crate) struct ItemView<'a> {
    /// Permanent id: `urn:uuid:` derived from the article id.
    pub(crate) uid: String,
    /// Plain one-line title.
    pub(crate) title: String,
    /// The landing page URL.
    pub(crate) link: String,
    /// Plain teaser.
    pub(crate) summary: String,
    /// Full content as HTML (paragraphs), `None` in archive documents.
    pub(crate) content_html: Option<String>,
    /// `content_html` escaped once for XML character data, shared by the RSS and Atom
    /// documents (empty in archive documents).
    pub(crate) content_xml: String,
    /// Reporters, cleaned, no repeats.
    pub(crate) reporters: Vec<String>,
    /// Contributors, cleaned, no repeats, none that is also a reporter.
    pub(crate) contributors: Vec<String>,
    /// Primary chain and (all) also chains: every division, no repeats.
    pub(crate) places: Vec<&'a Division>,
    /// Publication name.
    pub(crate) publication: Option<String>,
    /// The other papers that printed the story (see [`printed_by`]).
    pub(crate) printed_by: Vec<String>,
    /// Last change.
    pub(crate) updated: DateTime<FixedOffset>,
    /// `published` as RFC 822.
    pub(crate) published_822: String,
    /// `published` as RFC 3339.
    pub(crate) published_3339: String,
    /// `updated` as RFC 3339.
    pub(crate) updated_3339: String,
    /// The article's kind (`news`, `photo` …).
    pub(crate) kind: &'static str,
}

fn names(list: &[String], skip: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in list {
        let n = one_line(n);
        if !n.is_empty() && !out.contains(&n) && !skip.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// The first paragraphs of a body, enough for a teaser of `max` characters.
fn opening(body: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut n = 0;
    for raw in super::text::blocks(body) {
        // Cut long paragraphs before folding them: twice `max` characters is plenty.
        let cut = raw
            .char_indices()
            .nth(max * 2 + 1)
            .map_or(raw, |(i, _)| raw.get(..i).unwrap_or(raw));
        let p = one_line(cut);
        if p.is_empty() {
            continue;
        }
        n += p.chars().count() + 1;
        out.push(p);
        if n > max {
            break;
        }
    }
    out
}

/// The opening of a body as a plain teaser of at most `max` characters (the first lines
/// a page shows under a headline).
pub(crate) fn teaser(body: &str, max: usize) -> String {
    summary(&opening(body, max), max)
}

/// The teaser of an archive document's brief entry (see [`ARCHIVE_SUMMARY`]), for a
/// summary length of `summary_chars`; empty when the body has no text.
pub(crate) fn brief_teaser(body: &str, summary_chars: usize) -> String {
    teaser(body, summary_chars.min(ARCHIVE_SUMMARY))
}

/// The two teasers of an article (a page's list, an archive's brief entry), made once a
/// run from its body and kept with the article: small, so neither the body nor the
/// paragraphs need be read again for each page and archive the article is in. The brief
/// one is most often the list's opening and `…`, and is then kept as its length.
#[derive(Debug)]
pub(crate) struct Teasers {
    /// The list teaser, followed by the brief one when that is [`Brief::After`] it.
    text: Box<str>,
    brief: Brief,
}

/// Where the brief teaser is.
#[derive(Debug, Clone, Copy)]
enum Brief {
    /// The list teaser itself.
    Same,
    /// The first bytes of the list teaser, then `…`.
    Cut(u32),
    /// In the text after the list teaser, which ends at this byte.
    After(u32),
}

impl Teasers {
    /// The teasers of the article with body `body`.
    pub(crate) fn of(body: &str, summary_chars: usize) -> Self {
        let list = teaser(body, summary_chars);
        let brief = brief_teaser(body, summary_chars);
        let cut = brief
            .strip_suffix('…')
            .filter(|head| list.starts_with(head))
            .and_then(|head| u32::try_from(head.len()).ok());
        let (text, brief) = if brief == list {
            (list, Brief::Same)
        } else if let Some(n) = cut {
            (list, Brief::Cut(n))
        } else {
            let n = u32::try_from(list.len()).unwrap_or(u32::MAX);
            (list + &brief, Brief::After(n))
        };
        Self {
            text: text.into_boxed_str(),
            brief,
        }
    }

    /// [`teaser`] at the configured summary length.
    pub(crate) fn list(&self) -> &str {
        match self.brief {
            Brief::After(n) => self.text.get(..n as usize).unwrap_or_default(),
            _ => &self.text,
        }
    }

    /// [`brief_teaser`].
    pub(crate) fn brief(&self) -> String {
        match self.brief {
            Brief::Same => self.text.to_string(),
            Brief::Cut(n) => {
                let mut s = self.text.get(..n as usize).unwrap_or_default().to_string();
                s.push('…');
                s
            }
            Brief::After(n) => self.text.get(n as usize..).unwrap_or_default().to_string(),
        }
    }
}

/// The papers other than the article's own that printed its story (the publications of
/// its other printings, else their source ids), cleaned, in the order they were first
/// seen, no repeats.
pub(crate) fn printed_by(s: &crate::model::StoredArticle) -> Vec<String> {
    s.other_papers(one_line)
}

/// The original web address of an article, when it is an absolute http(s) URL.
pub(crate) fn original_url(raw: Option<&str>) -> Option<String> {
    let u = url::Url::parse(raw?.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

impl<'a> ItemView<'a> {
    /// Builds the view of the article with body `body`; `full` adds the HTML content.
    pub(crate) fn new(p: &Prepared<'a>, body: &str, urls: &Urls, full: bool) -> Self {
        if full {
            let paras = paragraphs(body);
            let summary = summary(&paras, urls.summary_chars);
            Self::with(p, urls, Some(&paras), summary)
        } else {
            Self::brief(p, brief_teaser(body, urls.summary_chars), urls)
        }
    }

    /// The brief view of an archive document (no content), its teaser made already by
    /// [`brief_teaser`] (so the body need not be read again).
    pub(crate) fn brief(p: &Prepared<'a>, teaser: String, urls: &Urls) -> Self {
        Self::with(p, urls, None, teaser)
    }

    /// The view with the body's paragraphs `paras` as its content (none in a brief view)
    /// and `summary` as its teaser (the title when it is empty).
    fn with(p: &Prepared<'a>, urls: &Urls, paras: Option<&[String]>, mut summary: String) -> Self {
        let s = p.art;
        let a = &s.article;
        let reporters = names(&a.reporters, &[]);
        let contributors = names(&a.contributors, &reporters);
        let mut places: Vec<&Division> = Vec::new();
        for chain in std::iter::once(&s.placement.primary).chain(s.placement.also.iter()) {
            for d in &chain.0 {
                if !places.iter().any(|x| x.code == d.code) {
                    places.push(d);
                }
            }
        }
        let publication = s
            .publication
            .as_deref()
            .map(one_line)
            .filter(|x| !x.is_empty());
        let mut title = one_line(&a.display_title());
        if title.is_empty() {
            title = "(无标题)".into();
        }
        let content_html = paras.map(|paras| {
            content_html(
                a.kicker.as_deref(),
                a.subtitle.as_deref(),
                paras,
                publication.as_deref(),
                original_url(a.url.as_deref()).as_deref(),
            )
        });
        let content_xml = content_html.as_deref().map_or_else(String::new, |h| {
            let mut x = String::with_capacity(h.len() + h.len() / 4);
            push_clean(&mut x, h);
            x
        });
        if summary.is_empty() {
            summary = title.clone();
        }
        Self {
            uid: p.uid().to_string(),
            title,
            link: urls.article(&p.file),
            summary,
            content_html,
            content_xml,
            reporters,
            contributors,
            places,
            printed_by: printed_by(s),
            publication,
            updated: p.updated,
            published_822: rfc822(&p.published),
            published_3339: rfc3339(&p.published),
            updated_3339: rfc3339(&p.updated),
            kind: a.kind.as_str(),
        }
    }

    /// Reporters then contributors.
    pub(crate) fn authors(&self) -> impl Iterator<Item = &String> {
        self.reporters.iter().chain(self.contributors.iter())
    }
}

/// The article body as HTML: kicker and subtitle, one `<p>` per paragraph, and a source
/// line. Every piece of text is escaped, so the result carries no markup from the input.
/// The pieces are clean already (from [`one_line`] and [`paragraphs`]; the link is a URL
/// as the `url` crate writes it).
pub(crate) fn content_html(
    kicker: Option<&str>,
    subtitle: Option<&str>,
    paras: &[String],
    publication: Option<&str>,
    original: Option<&str>,
) -> String {
    let mut h = String::with_capacity(paras.iter().map(|p| p.len() + 8).sum::<usize>() + 64);
    if let Some(k) = kicker.map(one_line).filter(|k| !k.is_empty()) {
        h.push_str("<p><em>");
        push_clean(&mut h, &k);
        h.push_str("</em></p>");
    }
    if let Some(k) = subtitle.map(one_line).filter(|k| !k.is_empty()) {
        h.push_str("<p><strong>");
        push_clean(&mut h, &k);
        h.push_str("</strong></p>");
    }
    for p in paras {
        h.push_str("<p>");
        push_clean(&mut h, p);
        h.push_str("</p>");
    }
    if publication.is_some() || original.is_some() {
        h.push_str("<p>来源：");
        match (publication, original) {
            (Some(p), Some(u)) => {
                h.push_str("<a href=\"");
                push_attr(&mut h, u);
                h.push_str("\" rel=\"noopener noreferrer\">");
                push_clean(&mut h, p);
                h.push_str("</a>");
            }
            (Some(p), None) => push_clean(&mut h, p),
            (None, Some(u)) => {
                h.push_str("<a href=\"");
                push_attr(&mut h, u);
                h.push_str("\" rel=\"noopener noreferrer\">原文</a>");
            }
            (None, None) => {}
        }
        h.push_str("</p>");
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_teaser_matches_the_full_one() {
        let body = "第一段文字，内容较长较长较长较长较长较长较长较长较长较长较长较长。\n\n第二段。\n\n第三段。";
        for max in [3usize, 10, 40, 60, 200] {
            assert_eq!(
                summary(&opening(body, max), max),
                summary(&paragraphs(body), max)
            );
        }
    }

    #[test]
    fn kept_teasers_are_the_ones_made_from_the_body() {
        let long = "第一段文字，内容较长较长较长较长较长较长较长较长较长较长较长较长。".repeat(9);
        let bodies = [
            String::new(),
            "短。".to_string(),
            long.clone(),
            format!("{long}\n\n第二段。"),
            // a paragraph that ends where the brief teaser ends: no `…` there
            format!("{}\n\n{long}", "字".repeat(ARCHIVE_SUMMARY)),
            format!("{}\n\n{long}", "字".repeat(ARCHIVE_SUMMARY - 1)),
        ];
        for body in &bodies {
            for chars in [10, ARCHIVE_SUMMARY, 140, 400] {
                let t = Teasers::of(body, chars);
                assert_eq!(t.list(), teaser(body, chars), "{body:?} {chars}");
                assert_eq!(t.brief(), brief_teaser(body, chars), "{body:?} {chars}");
            }
        }
    }

    #[test]
    fn content_is_escaped_and_already_clean_for_ammonia() {
        let paras = vec![
            "<script>alert(1)</script> 比分 3<5 & \"引号\"".to_string(),
            "<img src=x onerror=alert(1)>".to_string(),
        ];
        let h = content_html(
            Some("<b>引题</b>"),
            None,
            &paras,
            Some("晚报"),
            original_url(Some("javascript:alert(1)")).as_deref(),
        );
        assert!(!h.contains("<script"));
        assert!(!h.contains("<img"));
        assert!(h.contains("3&lt;5 &amp;"));
        assert_eq!(original_url(Some("javascript:alert(1)")), None);
        let cleaned = ammonia::clean(&h);
        assert_eq!(cleaned, h, "ammonia would change it");
    }
}
