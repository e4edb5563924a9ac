//! Single-article files: plain text, Markdown with front matter, HTML.
//!
//! Owns: reading front matter (TOML between `+++` lines or YAML between `---` lines:
//! title, date, author, locality, url), taking an HTML article's text with a real HTML
//! parser (the `<article>` or main content, not navigation, scripts or footers), and
//! reading a plain-text file as one article (first short line as headline). Must not touch:
//! files or the network.

use chrono::NaiveDate;
use scraper::{ElementRef, Html, Node, Selector};

use crate::extract::fields;
use crate::extract::fields::headline;
use crate::extract::read::byline;
use crate::extract::read::dateline;
use crate::extract::read::dates;
use crate::extract::read::furniture;
use crate::extract::read::labels;
use crate::extract::text::clean;
use crate::extract::text::fold;
use crate::model::{Article, Extraction, Kind};

/// Front matter fields the program reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Front {
    title: Option<String>,
    date: Option<NaiveDate>,
    author: Vec<String>,
    locality: Option<String>,
    url: Option<String>,
    publication: Option<String>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_matches(['"', '\'']);
    let head: String = s.chars().take(10).collect();
    if let Ok(d) = NaiveDate::parse_from_str(&head, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(&head, "%Y/%m/%d") {
        return Some(d);
    }
    let re = regex::Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").ok()?;
    let c = re.captures(s)?;
    NaiveDate::from_ymd_opt(
        c.get(1)?.as_str().parse().ok()?,
        c.get(2)?.as_str().parse().ok()?,
        c.get(3)?.as_str().parse().ok()?,
    )
}

fn toml_front(src: &str) -> Front {
    let mut f = Front::default();
    let Ok(v) = src.parse::<toml::Table>() else {
        return f;
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    f.title = s("title");
    f.date = match v.get("date") {
        Some(toml::Value::Datetime(d)) => parse_date(&d.to_string()),
        Some(toml::Value::String(d)) => parse_date(d),
        _ => None,
    };
    f.author = match v.get("author").or_else(|| v.get("authors")) {
        Some(toml::Value::String(a)) => vec![a.clone()],
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    };
    f.locality = s("locality").or_else(|| s("place"));
    f.url = s("url").or_else(|| s("link"));
    f.publication = s("publication").or_else(|| s("source"));
    f
}

/// A small reader for the flat YAML front matter articles use (`key: value`, lists of
/// `- item`); nested structures are skipped.
fn yaml_front(src: &str) -> Front {
    let mut f = Front::default();
    let mut list_key: Option<String> = None;
    for line in src.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let t = line.trim();
        if let (true, Some(item)) = (indented || t.starts_with('-'), t.strip_prefix('-')) {
            if list_key
                .as_deref()
                .is_some_and(|k| k == "author" || k == "authors")
            {
                f.author.push(unquote(item));
            }
            continue;
        }
        if indented {
            continue;
        }
        let Some((k, v)) = t.split_once(':') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        list_key = v.is_empty().then(|| k.clone());
        if v.is_empty() {
            continue;
        }
        let val = unquote(v);
        match k.as_str() {
            "title" => f.title = Some(val),
            "date" => f.date = parse_date(&val),
            "author" | "authors" => {
                let inner = val.trim_start_matches('[').trim_end_matches(']');
                f.author
                    .extend(inner.split(',').map(unquote).filter(|a| !a.is_empty()));
            }
            "locality" | "place" => f.locality = Some(val),
            "url" | "link" => f.url = Some(val),
            "publication" | "source" => f.publication = Some(val),
            _ => {}
        }
    }
    f
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches(['"', '\'']).trim().to_string()
}

fn split_front(text: &str) -> (Option<Front>, &str) {
    let t = text.trim_start_matches('\u{FEFF}');
    for (fence, toml) in [("+++", true), ("---", false)] {
        if let Some(rest) = t.strip_prefix(fence)
            && rest.starts_with('\n')
        {
            let rest = rest.get(1..).unwrap_or("");
            let close = format!("\n{fence}");
            let (front, body) = if let Some(stripped) = rest.strip_prefix(fence) {
                ("", stripped)
            } else {
                match rest.find(&close) {
                    Some(pos) => (
                        rest.get(..pos).unwrap_or(""),
                        rest.get(pos + close.len()..).unwrap_or(""),
                    ),
                    None => continue,
                }
            };
            let f = if toml {
                toml_front(front)
            } else {
                yaml_front(front)
            };
            return (Some(f), body);
        }
    }
    (None, t)
}

/// Strips Markdown inline syntax a reader does not want in a feed's text.
fn markdown_text(body: &str) -> (Option<String>, Vec<String>) {
    let mut title = None;
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, paras: &mut Vec<String>| {
        if !cur.trim().is_empty() {
            paras.push(cur.trim().to_string());
        }
        cur.clear();
    };
    let mut in_code = false;
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            flush(&mut cur, &mut paras);
            continue;
        }
        if t.is_empty() {
            flush(&mut cur, &mut paras);
            continue;
        }
        if let Some(h) = t.strip_prefix('#') {
            flush(&mut cur, &mut paras);
            let h = h.trim_start_matches('#').trim().to_string();
            if title.is_none() && paras.is_empty() {
                title = Some(h);
            } else {
                paras.push(h);
            }
            continue;
        }
        if labels::link_label_line(t) {
            continue;
        }
        let t = t.trim_start_matches(['>', '*', '-', '+']).trim();
        let t = strip_inline(t);
        if t.starts_with("![") {
            continue;
        }
        if !cur.is_empty() && !in_code {
            let last_latin = cur
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            if last_latin {
                cur.push(' ');
            }
        }
        cur.push_str(&t);
    }
    flush(&mut cur, &mut paras);
    (title, paras)
}

fn strip_inline(t: &str) -> String {
    // [text](url) -> text; **x**, __x__, `x` -> x
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let after = after.get(1..).unwrap_or("");
        match (after.find("]("), after.find(')')) {
            (Some(mid), Some(close)) if mid < close => {
                out.push_str(after.get(..mid).unwrap_or(""));
                rest = after.get(close + 1..).unwrap_or("");
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}

fn finish(
    title: Option<String>,
    paras: Vec<String>,
    front: Front,
    mut people: byline::People,
) -> Extraction {
    let paras: Vec<String> = clean::join_broken(paras)
        .iter()
        .map(|p| fields::repair_para(p))
        .filter(|p| !p.is_empty())
        .collect();
    let mut ex = Extraction::default();
    if paras.is_empty() && title.is_none() {
        return ex;
    }
    let mut date = front.date;
    let mut opener = None;
    if let Some(first) = paras.first()
        && let Some(d) = dateline::parse(first)
    {
        opener = Some(d.opener());
        if let Some(b) = d.byline.as_deref().and_then(byline::parse) {
            people.merge(b);
        }
        if date.is_none() {
            date = d
                .month_day
                .and_then(|md| dateline::dateline_date(md, None, dateline::page_year(first)));
        }
    }
    for a in &front.author {
        match byline::parse(a) {
            Some(p) if byline::has_role(a) => people.merge(p),
            _ => people.merge(byline::People {
                contributors: vec![clean::squeeze(a)],
                ..Default::default()
            }),
        }
    }
    let title = title
        .map(|t| clean::squeeze(&t))
        .filter(|t| !t.is_empty())
        .or_else(|| paras.first().and_then(|p| headline::title_from_text(p)));
    ex.publication.name = front.publication.clone();
    ex.publication.date = front.date;
    ex.articles.push(Article {
        title,
        kicker: None,
        subtitle: None,
        body: paras.join("\n\n"),
        reporters: people.reporters,
        contributors: people.contributors,
        photographers: people.photographers,
        date,
        kind: Kind::News,
        url: front.url,
        place_hint: front.locality,
        opener,
    });
    ex
}

/// Reads a Markdown file with optional TOML (`+++`) or YAML (`---`) front matter.
pub(crate) fn markdown(text: &str) -> Extraction {
    let (front, body) = split_front(text);
    let front = front.unwrap_or_default();
    let (h1, paras) = markdown_text(body);
    let title = front.title.clone().or(h1);
    finish(title, paras, front, byline::People::default())
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "iframe",
    "svg", "template", "select", "figure",
];
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "br",
    "figcaption",
    "main",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
];

fn collect_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(&t.replace(['\n', '\r', '\t'], " ")),
            Node::Element(e) => {
                let name = e.name();
                // a picture inside the article: its caption belongs to the body
                if name == "figure" {
                    if let Some(c) = ElementRef::wrap(child) {
                        figure_captions(c, out);
                    }
                    continue;
                }
                if SKIP_TAGS.contains(&name) {
                    continue;
                }
                let block = BLOCK_TAGS.contains(&name);
                if block {
                    out.push('\n');
                }
                if let Some(c) = ElementRef::wrap(child) {
                    collect_text(c, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// The `<figcaption>` text of a `<figure>`, each caption a paragraph of its own.
fn figure_captions(figure: ElementRef<'_>, out: &mut String) {
    for d in figure.descendants() {
        if let Some(e) = ElementRef::wrap(d)
            && e.value().name() == "figcaption"
        {
            out.push('\n');
            collect_text(e, out);
            out.push('\n');
        }
    }
}

/// A page `<title>` without the site's and the section's names that content systems add
/// (`标题_栏目_网站`, `标题 - 网站`, `标题 | 网站`): the first part, when the title has one of
/// these separators and that part is long enough to be a headline.
fn without_site_name(title: &str, site: Option<&str>) -> String {
    let mut t = title.trim();
    if let Some(site) = site.map(str::trim).filter(|s| !s.is_empty())
        && let Some(head) = t.strip_suffix(site)
    {
        t = head.trim_end_matches(['_', '|', '-', '－', '—', ' ']);
    }
    let cut = ["_", " | ", "|", " - ", " — ", "－", "——"]
        .iter()
        .filter_map(|sep| t.find(sep))
        .min();
    match cut.map(|i| t[..i].trim()) {
        Some(head) if head.chars().count() >= 6 => head.to_string(),
        _ => t.to_string(),
    }
}

/// The date a page prints beside a label near its top (`发布时间：2024-09-12 16:05`,
/// `发布日期：2024年9月12日`), for pages whose head carries none.
fn labelled_date(text: &str) -> Option<NaiveDate> {
    static LABELLED: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = LABELLED
        .get_or_init(|| {
            regex::Regex::new(
                r"(?:发布时间|发布日期|发表时间|发表日期|发稿时间|日期)\s*[:：]\s*(\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2})",
            )
            .ok()
        })
        .as_ref()?;
    let c = re.captures(text)?;
    let raw = c.get(1)?.as_str();
    let digits: Vec<&str> = raw
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    match digits.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

/// Reads an HTML file holding one article, with an HTML parser: the title from
/// `<h1>`, `og:title` or `<title>`, the text from `<article>`, `<main>` or the element
/// holding the most paragraph text; navigation, scripts and footers are left out.
pub(crate) fn html(text: &str) -> Extraction {
    let doc = Html::parse_document(text);
    // Meta names are matched without regard to case: content systems write `PubDate`,
    // `pubdate` and `publishdate` for the same thing.
    let metas: Vec<(String, String)> = sel("meta")
        .map(|s| {
            doc.select(&s)
                .filter_map(|m| {
                    let v = m.value();
                    let key = v.attr("property").or_else(|| v.attr("name"))?;
                    let content = v.attr("content")?.trim();
                    (!content.is_empty()).then(|| (key.to_ascii_lowercase(), content.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let meta = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|name| {
            metas
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    };
    let text_of = |css: &str| -> Option<String> {
        let s = sel(css)?;
        doc.select(&s)
            .next()
            .map(|e| e.text().collect::<String>().trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let site = meta(&["og:site_name", "sitename", "site_name", "application-name"]);
    let mut front = Front {
        title: text_of("article h1")
            .or_else(|| text_of("h1"))
            .or_else(|| meta(&["og:title", "articletitle", "title"]))
            .or_else(|| text_of("title").map(|t| without_site_name(&t, site.as_deref()))),
        date: meta(&[
            "article:published_time",
            "pubdate",
            "publishdate",
            "publish_date",
            "publishtime",
            "og:release_date",
            "dc.date",
            "date",
        ])
        .and_then(|d| parse_date(&d))
        .or_else(|| text_of("time").and_then(|d| parse_date(&d)))
        .or_else(|| labelled_date(&doc.root_element().text().collect::<String>()))
        .or_else(|| date_by_title(&doc)),
        author: meta(&["author"]).into_iter().collect(),
        locality: None,
        url: meta(&["og:url"]).or_else(|| {
            sel("link[rel=\"canonical\"]").and_then(|s| {
                doc.select(&s)
                    .next()
                    .and_then(|l| l.value().attr("href").map(str::to_string))
            })
        }),
        publication: meta(&["og:site_name"]),
    };
    // a WeChat-like page: the author span (`记者 X 通讯员 Y`) and the account's name
    if front.author.is_empty()
        && let Some(a) = text_of("#js_author_name")
    {
        front.author.push(a);
    }
    if front.publication.is_none() {
        front.publication = text_of("#js_name");
    }
    // the container: <article>, <main>, else the element with the most <p> text
    let container = [
        "article",
        "main",
        "[role=main]",
        "#content",
        ".content",
        "body",
    ]
    .iter()
    .filter_map(|c| sel(c))
    .find_map(|s| doc.select(&s).next());
    let mut raw = String::new();
    if let Some(c) = container {
        let p_sel = sel("p");
        // prefer the parent of the most paragraphs when the container is the whole body
        let best = match (&p_sel, c.value().name()) {
            (Some(ps), "body") => {
                let mut best: Option<(ElementRef<'_>, usize)> = None;
                for p in c.select(ps) {
                    if let Some(parent) = p.parent().and_then(ElementRef::wrap) {
                        let len: usize = parent
                            .select(ps)
                            .map(|x| x.text().map(str::len).sum::<usize>())
                            .sum();
                        if best.is_none_or(|(_, b)| len > b) {
                            best = Some((parent, len));
                        }
                    }
                }
                best.map(|(e, _)| e).unwrap_or(c)
            }
            _ => c,
        };
        collect_text(best, &mut raw);
    }
    let title = front.title.take();
    let title_fold = title.as_deref().map(clean::squeeze);
    let paras: Vec<String> = raw
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .filter(|l| Some(clean::squeeze(l)) != title_fold)
        .filter(|l| !furniture::is_furniture(&fold::key_of(l)))
        .filter(|l| !labels::tags_line(&fold::key_of(l)))
        .collect();
    let mut ex = finish(title, paras, front, byline::People::default());
    if ex.publication.home.is_none() {
        ex.publication.home = ex
            .publication
            .name
            .as_deref()
            .and_then(labels::account_home);
    }
    ex
}

/// A date alone in an element near the title (`<span>2025-09-24 10:18</span>`): the first
/// of the twelve text pieces after the `<h1>` (or the page's first twelve) that is only a
/// date and a time.
fn date_by_title(doc: &Html) -> Option<NaiveDate> {
    let h1 = sel("h1").and_then(|s| doc.select(&s).next());
    let mut after_title = h1.is_none();
    let mut seen = 0;
    for node in doc.root_element().descendants() {
        if !after_title {
            after_title = h1.is_some_and(|h| h.id() == node.id());
            continue;
        }
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(d) = dates::bare_date(t) {
            return Some(d);
        }
        seen += 1;
        if seen >= 12 {
            break;
        }
    }
    None
}

/// Reads a plain-text file as one article: a first short line without sentence punctuation
/// is its headline; furniture lines are left out. `prior` carries what the page reader
/// found (publication, furniture).
pub(crate) fn plain(text: &str, prior: Extraction) -> Extraction {
    let clean = clean::clean_chars(text);
    let mut paras: Vec<String> = clean
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !furniture::is_furniture(&fold::key_of(l)))
        .map(str::to_string)
        .collect();
    let mut title = None;
    if let Some(first) = paras.first() {
        let n = first.chars().count();
        if n <= 40 && !first.contains('。') && dateline::parse(first).is_none() && paras.len() > 1
        {
            title = Some(first.clone());
            paras.remove(0);
        }
    }
    let mut people = byline::People::default();
    if let Some(first) = paras.first()
        && first.chars().count() <= 40
        && byline::has_role(first)
        && let Some(p) = byline::parse(first)
    {
        people = p;
        paras.remove(0);
    }
    let mut ex = finish(title, paras, Front::default(), people);
    ex.publication.name = ex.publication.name.or(prior.publication.name);
    ex.publication.home = prior.publication.home;
    ex.publication.date = ex.publication.date.or(prior.publication.date);
    if let Some(a) = ex.articles.first_mut()
        && a.date.is_none()
    {
        a.date = ex.publication.date;
    }
    ex.boilerplate = prior.boilerplate;
    ex
}
