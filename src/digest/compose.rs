//! Rendering a digest and building its MIME message.
//!
//! Owns: the template context (articles grouped by followed locality, newest first, each
//! once), the subject, the HTML part with its CSS inlined, the plain-text part, and the
//! message with every header a list message needs (From, To, Date, Message-ID, List-Id,
//! List-Unsubscribe, List-Unsubscribe-Post). Must not touch: the store, the network, the
//! clock (the caller passes the time), the schedule.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use serde::Serialize;
use url::Url;

use super::dkim::DkimSigner;
use super::token::{Purpose, TokenKey};
use super::{Settings, parse_mailbox};
use crate::model::{StoredArticle, clean_text};
use crate::templates::Templates;

/// Template names a digest uses.
pub const TEMPLATE_HTML: &str = "digest.html";
/// The plain-text part's template.
pub const TEMPLATE_TEXT: &str = "digest.txt";
/// The subject line's template.
pub const TEMPLATE_SUBJECT: &str = "digest-subject.txt";

/// A place a subscriber follows, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Locality {
    /// Division code.
    pub code: String,
    /// Name to show.
    pub name: String,
}

/// What one digest is made of.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// The recipient's address.
    pub email: &'a str,
    /// The places followed, in the subscriber's order.
    pub localities: &'a [Locality],
    /// The new articles (any order; repeats are dropped).
    pub articles: &'a [StoredArticle],
    /// Send only the plain-text part.
    pub plain_text_only: bool,
    /// The subscriber's time zone, for dates.
    pub tz: Tz,
    /// The time the digest is composed.
    pub now: DateTime<FixedOffset>,
}

/// A rendered digest, before it becomes a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedDigest {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part with CSS inlined; `None` for plain-text-only subscribers.
    pub html: Option<String>,
    /// Ids of the articles included, each once.
    pub article_ids: Vec<String>,
}

#[derive(Serialize)]
struct ArticleCtx {
    id: String,
    title: String,
    date: String,
    source: String,
    place: String,
    summary: String,
    url: String,
    /// The other papers that printed the story, `、`-separated (empty for none).
    also: String,
}

/// The other papers that printed an article's story, `、`-separated.
fn also_printed_by(a: &StoredArticle) -> String {
    a.other_papers(clean_text).join("、")
}

/// Articles of one followed place that the digest counts but does not list.
#[derive(Serialize)]
struct MoreCtx {
    name: String,
    /// The place's page on the site (its newest articles; its feeds).
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct GroupCtx {
    code: String,
    name: String,
    feed_url: String,
    count: usize,
    articles: Vec<ArticleCtx>,
}

#[derive(Serialize)]
struct DigestCtx<'a> {
    list_name: &'a str,
    heading: String,
    date_label: String,
    date_iso: String,
    count: usize,
    shown: usize,
    more: usize,
    groups: Vec<GroupCtx>,
    /// Where the `more` articles not listed are, place by place.
    more_places: Vec<MoreCtx>,
    unsubscribe_url: String,
    manage_url: String,
    site_url: &'a str,
}

/// Renders digests and builds messages; made once per pass from the settings.
pub struct Composer<'a> {
    settings: &'a Settings,
    templates: &'a Templates,
    key: TokenKey,
    base: Url,
    from: Mailbox,
    inliner: css_inline::CSSInliner<'static>,
    /// The HTML template with its CSS inlined once, when that gives the same result as
    /// inlining every rendered digest (checked when the composer is made).
    preinlined: Option<minijinja::Environment<'static>>,
    dkim: Option<DkimSigner>,
}

impl std::fmt::Debug for Composer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("base", &self.base.as_str())
            .field("dkim", &self.dkim.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> Composer<'a> {
    /// Checks the settings and prepares the inliner and the DKIM key.
    pub fn new(
        settings: &'a Settings,
        templates: &'a Templates,
        key: TokenKey,
    ) -> anyhow::Result<Self> {
        settings.validate()?;
        let base = Url::parse(settings.base_url.trim())?;
        let from = settings.from_mailbox()?;
        let inliner = css_inline::CSSInliner::options()
            .load_remote_stylesheets(false)
            .keep_style_tags(false)
            .keep_at_rules(true)
            .build();
        let dkim = DkimSigner::from_settings(settings)?;
        let mut composer = Self {
            settings,
            templates,
            key,
            base,
            from,
            inliner,
            preinlined: None,
            dkim,
        };
        composer.preinlined = composer.preinline();
        Ok(composer)
    }

    /// True when the HTML template's CSS was inlined once for all digests.
    pub fn preinlined(&self) -> bool {
        self.preinlined.is_some()
    }

    /// Inlines the HTML template's CSS once: template tags are swapped for inert markers,
    /// the template is inlined like a document, the tags are put back. Used only when a
    /// sample digest renders to the same document both ways, so a template whose tags
    /// sit where an HTML parser would move them (inside tables, before `<head>` …)
    /// keeps the per-digest inlining.
    fn preinline(&self) -> Option<minijinja::Environment<'static>> {
        let source = self.html_source()?;
        let (protected, tags) = protect_tags(&source);
        let inlined = self.inliner.inline(&protected).ok()?;
        let restored = restore_tags(&inlined, &tags)?;
        let mut env = template_env();
        env.add_template_owned(TEMPLATE_HTML, restored).ok()?;
        let sample = minijinja::Value::from(minijinja::value::Serde(self.sample_context()));
        let fast = env
            .get_template(TEMPLATE_HTML)
            .ok()?
            .render(sample.clone())
            .ok()?;
        let slow = self
            .inliner
            .inline(&self.templates.render(TEMPLATE_HTML, &sample).ok()?)
            .ok()?;
        let normalise = css_inline::CSSInliner::options()
            .inline_style_tags(false)
            .keep_style_tags(true)
            .load_remote_stylesheets(false)
            .build();
        (normalise.inline(&fast).ok()? == normalise.inline(&slow).ok()?).then_some(env)
    }

    /// The HTML template's text: the user's copy when there is one, else the built-in.
    fn html_source(&self) -> Option<String> {
        if let Some(p) = self
            .templates
            .dir()
            .map(|d| d.join(TEMPLATE_HTML))
            .filter(|p| p.is_file())
        {
            return std::fs::read_to_string(p).ok();
        }
        crate::templates::BUILTIN
            .iter()
            .find(|(n, _)| *n == TEMPLATE_HTML)
            .map(|(_, t)| (*t).to_string())
    }

    /// A digest that exercises the template's branches, for the pre-inlining check.
    fn sample_context(&self) -> DigestCtx<'_> {
        let art = |n: usize, place: &str, summary: &str| ArticleCtx {
            id: format!("sample{n}"),
            title: format!("示例标题{n} <b>&</b> \"引号\""),
            date: "2026-01-02".into(),
            source: "示例报".into(),
            place: place.into(),
            summary: summary.into(),
            url: format!("https://example.org/a/{n}.html?x=1&y=2"),
            also: if n == 1 {
                "另一报、第三报".into()
            } else {
                String::new()
            },
        };
        let group = |code: &str, name: &str, articles: Vec<ArticleCtx>| GroupCtx {
            code: code.into(),
            name: name.into(),
            feed_url: format!("https://example.org/{code}/atom.xml"),
            count: articles.len(),
            articles,
        };
        DigestCtx {
            list_name: &self.settings.list_name,
            heading: "甲地、乙地本地新闻".into(),
            date_label: "1月2日".into(),
            date_iso: "2026-01-02".into(),
            count: 4,
            shown: 3,
            more: 1,
            more_places: vec![MoreCtx {
                name: "甲地".into(),
                url: "https://example.org/11/atom.xml".into(),
                count: 1,
            }],
            groups: vec![
                group(
                    "11",
                    "甲地",
                    vec![art(1, "甲地", "摘要一"), art(2, "甲地某镇", "")],
                ),
                group("12", "乙地", vec![art(3, "", "摘要 <三>")]),
            ],
            unsubscribe_url: "https://example.org/u?token=u1.a.b".into(),
            manage_url: "https://example.org/m?token=m1.a.b".into(),
            site_url: "https://example.org/",
        }
    }

    /// True when messages are DKIM-signed.
    pub fn signs(&self) -> bool {
        self.dkim.is_some()
    }

    /// The token key.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    fn link(&self, path: &str) -> String {
        self.base
            .join(path.trim_start_matches('/'))
            .map(String::from)
            .unwrap_or_else(|_| format!("{}{}", self.base, path.trim_start_matches('/')))
    }

    /// The one-click unsubscribe link of a subscriber.
    pub fn unsubscribe_url(&self, email: &str) -> String {
        let token = self.key.token(email, Purpose::Unsubscribe);
        self.link(&self.settings.unsubscribe_path.replace("{token}", &token))
    }

    /// The page where a subscriber manages the subscription.
    pub fn manage_url(&self, email: &str) -> String {
        let token = self.key.token(email, Purpose::Manage);
        self.link(&self.settings.manage_path.replace("{token}", &token))
    }

    /// The link of a place's page on the site (`<code>/index.html`: its newest articles
    /// and its feeds), where a reader of the digest finds what it did not list.
    fn feed_url(&self, code: &str) -> String {
        self.link(&format!("{code}/index.html"))
    }

    /// The link of an article's page.
    pub fn article_url(&self, id: &str) -> String {
        self.link(&self.settings.article_path.replace("{id}", id))
    }

    /// Renders one digest. `None` when there is no article: nothing new, no email.
    pub fn compose(&self, input: &DigestInput<'_>) -> anyhow::Result<Option<ComposedDigest>> {
        let ctx = match self.context(input) {
            Some(c) => c,
            None => return Ok(None),
        };
        let article_ids = ctx
            .groups
            .iter()
            .flat_map(|g| g.articles.iter().map(|a| a.id.clone()))
            .collect();
        // One conversion of the context serves all three templates.
        let ctx = minijinja::Value::from(minijinja::value::Serde(&ctx));
        let subject_raw = self.templates.render(TEMPLATE_SUBJECT, &ctx)?;
        let subject = subject_raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = self.templates.render(TEMPLATE_TEXT, &ctx)?;
        let html = if input.plain_text_only {
            None
        } else {
            match self
                .preinlined
                .as_ref()
                .and_then(|env| env.get_template(TEMPLATE_HTML).ok())
            {
                // The HTML escaper writes `/` as `&#x2f;`; a slash never needs escaping,
                // and plain links read better in source views and link scanners (the
                // per-digest path re-serialises them the same way).
                Some(t) => Some(
                    t.render(ctx.clone())
                        .map_err(|e| anyhow::anyhow!("template {TEMPLATE_HTML}: {e:#}"))?
                        .replace("&#x2f;", "/"),
                ),
                None => {
                    let raw = self.templates.render(TEMPLATE_HTML, &ctx)?;
                    Some(self.inliner.inline(&raw).map_err(|e| {
                        anyhow::anyhow!("cannot inline the CSS of {TEMPLATE_HTML}: {e}")
                    })?)
                }
            }
        };
        Ok(Some(ComposedDigest {
            subject,
            text,
            html,
            article_ids,
        }))
    }

    fn context(&self, input: &DigestInput<'_>) -> Option<DigestCtx<'_>> {
        // Each article once, newest first.
        let mut articles: Vec<&StoredArticle> = Vec::with_capacity(input.articles.len());
        let mut seen = std::collections::HashSet::new();
        for a in input.articles {
            if seen.insert(a.id.as_str()) {
                articles.push(a);
            }
        }
        if articles.is_empty() {
            return None;
        }
        articles.sort_by(|a, b| {
            b.published()
                .cmp(&a.published())
                .then_with(|| b.first_seen.cmp(&a.first_seen))
                .then_with(|| a.id.cmp(&b.id))
        });
        let total = articles.len();
        let limit = self.settings.max_articles.max(1);
        // Group by the most specific followed locality that holds the article; the ones
        // past the limit are counted by place, with a link to that place's feed.
        let mut groups: BTreeMap<usize, Vec<&StoredArticle>> = BTreeMap::new();
        let mut unlisted: BTreeMap<usize, usize> = BTreeMap::new();
        for (n, a) in articles.iter().enumerate() {
            let codes = a.placement.feed_codes(true);
            let best = input
                .localities
                .iter()
                .enumerate()
                .filter(|(_, l)| codes.contains(&l.code))
                .max_by_key(|(i, l)| (l.code.len(), usize::MAX - i))
                .map_or(0, |(i, _)| i);
            if n < limit {
                groups.entry(best).or_default().push(a);
            } else {
                *unlisted.entry(best).or_default() += 1;
            }
        }
        let place = |i: usize| {
            input
                .localities
                .get(i)
                .map(|l| (l.code.clone(), l.name.clone()))
                .unwrap_or_default()
        };
        let groups: Vec<GroupCtx> = groups
            .into_iter()
            .map(|(i, list)| {
                let (code, name) = place(i);
                GroupCtx {
                    feed_url: self.feed_url(&code),
                    count: list.len(),
                    articles: list.iter().map(|a| self.article_ctx(a, input.tz)).collect(),
                    code,
                    name,
                }
            })
            .collect();
        let more_places: Vec<MoreCtx> = unlisted
            .into_iter()
            .map(|(i, count)| {
                let (code, name) = place(i);
                MoreCtx {
                    url: self.feed_url(&code),
                    name,
                    count,
                }
            })
            .collect();
        let local_now = input.now.with_timezone(&input.tz);
        let names: Vec<&str> = input.localities.iter().map(|l| l.name.as_str()).collect();
        let heading = match names.as_slice() {
            [] => self.settings.list_name.clone(),
            [one] => format!("{one}本地新闻"),
            [a, b] => format!("{a}、{b}本地新闻"),
            [a, b, ..] => format!("{a}、{b}等地本地新闻"),
        };
        let shown = total.min(limit);
        Some(DigestCtx {
            list_name: &self.settings.list_name,
            heading,
            date_label: local_now.format("%-m月%-d日").to_string(),
            date_iso: local_now.format("%Y-%m-%d").to_string(),
            count: total,
            shown,
            more: total - shown,
            groups,
            more_places,
            unsubscribe_url: self.unsubscribe_url(input.email),
            manage_url: self.manage_url(input.email),
            site_url: self.base.as_str(),
        })
    }

    /// What a digest shows of an article, its text cleaned as the feeds clean it (no
    /// control, zero-width or bidi characters: an unclosed U+202E would turn the rest
    /// of the message around).
    fn article_ctx(&self, a: &StoredArticle, tz: Tz) -> ArticleCtx {
        let place = a.placement.primary.leaf().map(|d| d.name.clone());
        ArticleCtx {
            id: a.id.clone(),
            title: clean_text(&a.article.display_title()),
            date: a
                .published()
                .with_timezone(&tz)
                .format("%Y-%m-%d")
                .to_string(),
            // The paper's name, else the place (a source id such as `inbox` means nothing
            // to a reader).
            source: a
                .publication
                .as_deref()
                .or(place.as_deref())
                .map(clean_text)
                .unwrap_or_default(),
            place: place.map(|p| clean_text(&p)).unwrap_or_default(),
            summary: summary(&clean_text(&a.article.body), self.settings.summary_chars),
            url: self.article_url(&a.id),
            also: also_printed_by(a),
        }
    }

    /// Builds the message for a composed digest: headers, `multipart/alternative` with
    /// base64 UTF-8 parts (or one text part), DKIM-signed when configured. Returns the
    /// bytes as they go on the wire.
    pub fn message(
        &self,
        to: &str,
        digest: &ComposedDigest,
        message_id: &str,
        date: DateTime<FixedOffset>,
    ) -> anyhow::Result<Vec<u8>> {
        let to_box = parse_mailbox(to)?;
        let unsubscribe = self.unsubscribe_url(to);
        let mut list_unsub = format!("<{unsubscribe}>");
        let mailto = self
            .settings
            .unsubscribe_mailto
            .trim()
            .trim_start_matches("mailto:");
        if !mailto.is_empty() {
            let token = self.key.token(to, Purpose::Unsubscribe);
            list_unsub.push_str(&format!(", <mailto:{mailto}?subject=unsubscribe-{token}>"));
        }
        let list_id = format!(
            "{} <{}>",
            self.settings.list_name.trim(),
            self.settings.effective_list_id()
        );
        let text_part = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(base64_body(&digest.text));
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to_box)
            .subject(digest.subject.clone())
            .date(std::time::SystemTime::from(date))
            .message_id(Some(message_id.to_string()));
        // The MIME part's own headers (Content-Type, Content-Transfer-Encoding) become
        // message headers before signing, so DKIM can cover Content-Type.
        let part = match &digest.html {
            Some(html) => MultiPart::alternative()
                .singlepart(text_part)
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(base64_body(html)),
                )
                .formatted(),
            None => text_part.formatted(),
        };
        let mut msg = with_part(builder, &part)?;
        let headers = msg.headers_mut();
        let date_s = date.to_rfc2822();
        headers.insert_raw(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Date"),
            date_s.clone(),
            date_s,
        ));
        for (name, value) in [
            ("List-Id", list_id),
            ("List-Unsubscribe", list_unsub),
            (
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_string(),
            ),
            ("Auto-Submitted", "auto-generated".to_string()),
        ] {
            let name = HeaderName::new_from_ascii(name.to_string())
                .map_err(|_| anyhow::anyhow!("bad header name {name}"))?;
            headers.insert_raw(HeaderValue::new(name, value));
        }
        if let Some(signer) = &self.dkim {
            signer.sign(&mut msg);
        }
        Ok(msg.formatted())
    }

    /// A Message-ID for a digest: unique per recipient, slot and article set, with the
    /// sender's domain on the right.
    pub fn message_id(
        &self,
        email: &str,
        article_ids: &[String],
        now: DateTime<FixedOffset>,
    ) -> String {
        // One subscriber is one normalised address (the local part keeps its case).
        let mut parts = vec![super::normalize_address(email), now.to_rfc3339()];
        parts.extend(article_ids.iter().cloned());
        let h = crate::model::content_hash(parts.join("\u{0}").as_bytes());
        format!(
            "<digest.{}.{}@{}>",
            now.format("%Y%m%d%H%M%S"),
            h.get(..20).unwrap_or(&h),
            self.settings.message_id_domain()
        )
    }
}

/// Turns a formatted MIME part (headers, blank line, body) into the message's body and
/// top-level headers.
fn with_part(builder: lettre::message::MessageBuilder, part: &[u8]) -> anyhow::Result<Message> {
    let text = std::str::from_utf8(part)?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("a MIME part without a body"))?;
    if !body.is_ascii() || body.split("\r\n").any(|l| l.len() > 998) {
        anyhow::bail!("a MIME body that is not 7-bit");
    }
    // Taken verbatim; the Content-Transfer-Encoding header is set below from the part
    // (base64 for a single part, 7bit for a multipart of base64 parts).
    let body = Body::new_with_encoding(body.to_string(), ContentTransferEncoding::Binary)
        .map_err(|_| anyhow::anyhow!("a MIME body lettre refuses"))?;
    let mut msg = builder
        .header(lettre::message::header::MIME_VERSION_1_0)
        .body(body)?;
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.1.push_str("\r\n");
                last.1.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.trim_start().to_string()));
        }
    }
    if !fields
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Content-Transfer-Encoding"))
    {
        fields.push(("Content-Transfer-Encoding".into(), "7bit".into()));
    }
    for (name, value) in fields {
        let hname = HeaderName::new_from_ascii(name.clone())
            .map_err(|_| anyhow::anyhow!("bad MIME header name {name:?}"))?;
        let raw = value.replace("\r\n", "");
        msg.headers_mut()
            .insert_raw(HeaderValue::dangerous_new_pre_encoded(hname, raw, value));
    }
    Ok(msg)
}

/// An environment configured like [`Templates`] (strict undefined, trimmed blocks).
fn template_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

const MARK_OPEN: &str = "lfTPLmark";
const MARK_CLOSE: &str = "z";

/// Replaces every template tag (`{{ … }}`, `{% … %}`, `{# … #}`) with an inert marker.
fn protect_tags(src: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(src.len());
    let mut tags = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find('{') {
        let close = match rest.get(start + 1..start + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                out.push_str(rest.get(..=start).unwrap_or(""));
                rest = rest.get(start + 1..).unwrap_or("");
                continue;
            }
        };
        let Some(len) = rest.get(start + 2..).and_then(|r| r.find(close)) else {
            break;
        };
        let end = start + 2 + len + close.len();
        out.push_str(rest.get(..start).unwrap_or(""));
        out.push_str(&format!("{MARK_OPEN}{}{MARK_CLOSE}", tags.len()));
        tags.push(rest.get(start..end).unwrap_or("").to_string());
        rest = rest.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    (out, tags)
}

/// Puts the tags back; `None` when a marker went missing or was split.
fn restore_tags(text: &str, tags: &[String]) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    let mut seen = 0;
    while let Some(at) = rest.find(MARK_OPEN) {
        out.push_str(rest.get(..at)?);
        let after = rest.get(at + MARK_OPEN.len()..)?;
        let digits = after.find(|c: char| !c.is_ascii_digit())?;
        let n: usize = after.get(..digits)?.parse().ok()?;
        if after.get(digits..digits + MARK_CLOSE.len())? != MARK_CLOSE {
            return None;
        }
        out.push_str(tags.get(n)?);
        seen += 1;
        rest = after.get(digits + MARK_CLOSE.len()..)?;
    }
    out.push_str(rest);
    (seen == tags.len()).then_some(out)
}

fn base64_body(s: &str) -> Body {
    // Base64 holds any bytes, so this cannot fail; fall back to automatic choice anyway.
    Body::new_with_encoding(s.to_string(), ContentTransferEncoding::Base64)
        .unwrap_or_else(Body::new)
}

/// A short summary of an article body: the text without a leading dateline
/// (`本报讯（记者 …）` and the like), white space collapsed, cut at `max` characters with
/// an ellipsis.
pub fn summary(body: &str, max: usize) -> String {
    let mut text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    // A dateline is a short opening bracketed group naming a reporter or a news agency.
    if let Some(close) = text
        .char_indices()
        .take(48)
        .find(|(_, c)| matches!(c, '）' | ')' | '】' | ']'))
    {
        let head = text.get(..close.0).unwrap_or("");
        if head.contains('讯')
            || head.contains("记者")
            || head.contains("通讯员")
            || head.contains("电")
        {
            let rest = text.get(close.0 + close.1.len_utf8()..).unwrap_or("");
            text = rest
                .trim_start_matches([' ', '，', ',', '：', ':'])
                .to_string();
        }
    }
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max).collect();
    cut = cut
        .trim_end_matches(['，', '、', ',', ' ', '；'])
        .to_string();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Article, Chain, Division, Kind, Level, Placement};

    fn stored(n: usize, code: &str, name: &str, hour: u32) -> StoredArticle {
        let at =
            DateTime::parse_from_rfc3339(&format!("2026-08-22T{hour:02}:00:00+08:00")).unwrap();
        StoredArticle {
            id: format!("id{n}"),
            source: "src".into(),
            input: "p.txt".into(),
            publication: None,
            article: Article {
                title: Some(format!("标题{n}")),
                kicker: None,
                subtitle: None,
                body: "正文<b>不是标签</b>。".into(),
                reporters: vec![],
                contributors: vec![],
                photographers: vec![],
                date: None,
                kind: Kind::News,
                url: None,
                place_hint: None,
                opener: None,
            },
            placement: Placement {
                primary: Chain(vec![
                    Division {
                        code: "44".into(),
                        name: "省".into(),
                        level: Level::Province,
                    },
                    Division {
                        code: code.into(),
                        name: name.into(),
                        level: Level::Prefecture,
                    },
                ]),
                also: vec![],
                evidence: vec![],
            },
            first_seen: at,
            updated: at,
            printings: vec![],
            body_digest: None,
            arrival: 0,
        }
    }

    #[test]
    fn composes_grouped_newest_first_with_list_headers() {
        let settings = Settings {
            from: "摘要 <d@news.example.org>".into(),
            list_id: "digest.news.example.org".into(),
            base_url: "https://news.example.org/f/".into(),
            ..Settings::default()
        };
        let templates = Templates::load(None).unwrap();
        let key = TokenKey::new(b"compose-test-key-123").unwrap();
        let c = Composer::new(&settings, &templates, key).unwrap();
        let places = [
            Locality {
                code: "4401".into(),
                name: "甲市".into(),
            },
            Locality {
                code: "4402".into(),
                name: "乙市".into(),
            },
        ];
        let arts = [
            stored(1, "4402", "乙市", 8),
            stored(2, "4401", "甲市", 9),
            stored(3, "4402", "乙市", 10),
            stored(3, "4402", "乙市", 10),
        ];
        let now = DateTime::parse_from_rfc3339("2026-08-22T12:00:00+08:00").unwrap();
        let input = DigestInput {
            email: "r@example.net",
            localities: &places,
            articles: &arts,
            plain_text_only: false,
            tz: chrono_tz::Asia::Shanghai,
            now,
        };
        let d = c.compose(&input).unwrap().unwrap();
        assert_eq!(d.subject, "甲市、乙市本地新闻 · 8月22日 · 3篇");
        assert_eq!(d.article_ids, vec!["id2", "id3", "id1"]);
        let html = d.html.as_deref().unwrap();
        assert!(html.contains("正文&lt;b&gt;"), "text is escaped");
        assert!(!html.contains("<style>.item"), "CSS inlined");
        assert!(d.text.find("标题3").unwrap() < d.text.find("标题1").unwrap());
        let msg = c
            .message("r@example.net", &d, "<x@news.example.org>", now)
            .unwrap();
        let s = String::from_utf8(msg).unwrap();
        assert!(s.is_ascii());
        for h in [
            "Date: Sat, 22 Aug 2026 12:00:00 +0800\r\n",
            "Message-ID: <x@news.example.org>\r\n",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            "List-Unsubscribe: <https://news.example.org/f/unsubscribe?token=u1.",
            "Content-Type: multipart/alternative;",
            "MIME-Version: 1.0\r\n",
        ] {
            assert!(s.contains(h), "{h} missing in\n{s}");
        }
        let no_new = DigestInput {
            articles: &[],
            ..input
        };
        assert!(c.compose(&no_new).unwrap().is_none());
    }

    #[test]
    fn template_tags_survive_protection() {
        let src = "<p class=\"a\">{{ x }}</p>{% for i in y %}<a href=\"{{ i }}\">{# c #}</a>{% endfor %} { not a tag";
        let (p, tags) = protect_tags(src);
        assert_eq!(tags.len(), 5);
        assert!(!p.contains("{{") && p.contains("{ not a tag"));
        assert_eq!(restore_tags(&p, &tags).unwrap(), src);
        assert!(restore_tags(&p.replace("lfTPLmark2z", ""), &tags).is_none());
    }

    #[test]
    fn css_is_inlined_once_when_that_is_safe_and_per_digest_otherwise() {
        let settings = Settings {
            from: "d@news.example.org".into(),
            base_url: "https://news.example.org/".into(),
            ..Settings::default()
        };
        let key = || TokenKey::new(b"inline-test-key-123456").unwrap();
        let builtin = Templates::load(None).unwrap();
        assert!(
            Composer::new(&settings, &builtin, key())
                .unwrap()
                .preinlined()
        );
        // Template tags between table rows would be moved by an HTML parser: the
        // composer notices and inlines each digest instead, with the same result.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("digest.html"),
            "<html><head><style>td { color: red; }</style></head><body><table>{% for g in groups %}{% for a in g.articles %}<tr><td>{{ a.title }}</td></tr>{% endfor %}{% endfor %}</table><a href=\"{{ unsubscribe_url }}\">退订</a></body></html>",
        )
        .unwrap();
        let user = Templates::load(Some(dir.path())).unwrap();
        let c = Composer::new(&settings, &user, key()).unwrap();
        assert!(!c.preinlined());
        let places = [Locality {
            code: "4401".into(),
            name: "甲市".into(),
        }];
        let arts = [stored(1, "4401", "甲市", 8), stored(2, "4401", "甲市", 9)];
        let input = DigestInput {
            email: "r@example.net",
            localities: &places,
            articles: &arts,
            plain_text_only: false,
            tz: chrono_tz::Asia::Shanghai,
            now: DateTime::parse_from_rfc3339("2026-08-22T12:00:00+08:00").unwrap(),
        };
        let html = c.compose(&input).unwrap().unwrap().html.unwrap();
        assert_eq!(
            html.matches("<td style=\"color: red;\">").count(),
            2,
            "{html}"
        );
    }

    #[test]
    fn summaries_drop_the_dateline_and_are_cut() {
        let s = summary(
            "本报讯（记者 王某 通讯员 李某）5日上午，全区召开大会，部署工作。\n\n第二段。",
            12,
        );
        assert_eq!(s, "5日上午，全区召开大会…");
        assert_eq!(summary("短文。", 10), "短文。");
        // A bracket that is not a dateline stays.
        assert_eq!(summary("（图）群众观看演出", 20), "（图）群众观看演出");
    }
}
