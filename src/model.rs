//! Plain values passed between the stages.
//!
//! Owns: the shapes of pages, articles, places and stored articles, and the pure
//! functions that derive identities from content (article ids, content hashes).
//! Must not touch: files, the network, the clock, the store, or any other module of
//! this crate. Every stage imports this module; it imports none of them.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What kind of input a file is, decided from its name and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputForm {
    /// Text of one e-paper page: several articles, mastheads, furniture.
    Page,
    /// A plain-text file holding one article.
    Text,
    /// A Markdown file with TOML (`+++`) or YAML (`---`) front matter, one article.
    Markdown,
    /// An HTML file holding one article.
    Html,
}

impl InputForm {
    /// Picks the form from a file name: `.md` → Markdown, `.html`/`.htm` → Html, anything
    /// else is read as page text (a single-article `.txt` is told apart by `extract`).
    pub fn from_file_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Self::Markdown
        } else if lower.ends_with(".html") || lower.ends_with(".htm") {
            Self::Html
        } else {
            Self::Page
        }
    }
}

/// What a source's configuration says about the publication behind it. Values set here
/// win over what the page prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceHints {
    /// The publication's name, e.g. `青山日报`.
    pub publication: Option<String>,
    /// The publication's home as a place name or division code, e.g. `安吉县` or `330523`.
    pub home: Option<String>,
}

/// Decoded text of one input file, ready for extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
    /// Id of the configured source the file came from (`[[source]] id`).
    pub source: String,
    /// Path of the file relative to its source folder, with `/` separators.
    pub name: String,
    /// The decoded text (UTF-8, BOM removed, line ends normalised to `\n`).
    pub text: String,
    /// The form of the input.
    pub form: InputForm,
    /// What the source's configuration says about the publication.
    pub hints: SourceHints,
    /// The day (Asia/Shanghai) localfeed first saw the input: the year a dateline's 月日
    /// takes when the page prints neither an issue date nor a year of its own (see
    /// `extract`). `None` leaves such a date unread. A plain value: the clock stays with
    /// the caller.
    pub seen: Option<NaiveDate>,
}

/// The publication a page belongs to, as far as the page (or its source) says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Masthead name, e.g. `青山晚报`.
    pub name: Option<String>,
    /// Home locality as printed or configured (a place name or code; `locate` resolves it).
    pub home: Option<String>,
    /// Issue date printed on the page.
    pub date: Option<NaiveDate>,
}

/// The kind of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A news report.
    News,
    /// A picture with a caption.
    Photo,
    /// A commentary or signed opinion piece.
    Opinion,
    /// A notice or announcement.
    Notice,
}

impl Kind {
    /// The lowercase name used in JSON and feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Photo => "photo",
            Self::Opinion => "opinion",
            Self::Notice => "notice",
        }
    }
}

/// One article as read from a page, before it is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Main headline; `None` for a headline-less photo caption.
    pub title: Option<String>,
    /// Line printed above the headline (引题).
    pub kicker: Option<String>,
    /// Line printed below the headline (副题).
    pub subtitle: Option<String>,
    /// Cleaned text; paragraphs separated by `\n\n`. May begin with the dateline.
    pub body: String,
    /// Staff reporters (记者, 全媒体记者, 见习记者 …).
    pub reporters: Vec<String>,
    /// Correspondents, photographers, signed authors of opinion pieces.
    pub contributors: Vec<String>,
    /// Those of the reporters and contributors credited for the photograph (`记者 X 摄`,
    /// `摄影 X`): pages say 摄影 for them. Left out of the stored form when empty, so
    /// articles stored before it existed keep their bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photographers: Vec<String>,
    /// Dateline date, else the issue date, else `None` (never invented).
    pub date: Option<NaiveDate>,
    /// What kind of item this is.
    pub kind: Kind,
    /// Where the article lives on the web, when the input says (front matter, HTML).
    pub url: Option<String>,
    /// A place the input itself names for the article (front matter `locality`).
    pub place_hint: Option<String>,
    /// The dateline that opens the body, as extraction read it (`本报青山讯` → place
    /// `青山`), so placing never reads it a second time. Left out of the stored form when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opener: Option<Opener>,
}

/// The dateline at the start of an article's body (`本报青山7月23日讯（记者 甲乙）`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opener {
    /// Byte length of the dateline at the start of the body, with its bracketed byline:
    /// the article's own text starts there.
    pub len: usize,
    /// The place printed in it (`青山`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The outlet named instead of 本报 (`某某晚报` of `某某晚报讯`, `新华社`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
}

impl Article {
    /// The headline to show: the title, else a short title made from the body.
    pub fn display_title(&self) -> String {
        if let Some(t) = self.title.as_deref().filter(|t| !t.trim().is_empty()) {
            return t.to_string();
        }
        let first: String = self
            .body
            .split("\n\n")
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| !matches!(c, '。' | '!' | '?' | '！' | '？' | '\n'))
            .take(24)
            .collect();
        if first.is_empty() {
            "(无标题)".to_string()
        } else {
            first
        }
    }
}

/// Everything `extract` reads out of one input file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// The publication, as far as the page says.
    pub publication: Publication,
    /// The articles, in page order.
    pub articles: Vec<Article>,
    /// Exact substrings of the page that belong to no article.
    pub boilerplate: Vec<String>,
}

/// The level of a division in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 省级: province, autonomous region, municipality.
    Province,
    /// 地级: prefecture-level city, prefecture, league.
    Prefecture,
    /// 县级: county, district, county-level city, development zone with its own code.
    County,
    /// 乡级: town, township, street (街道).
    Township,
}

/// One division of the national statistical division codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Division {
    /// The division code: 2 digits (province), 4, 6 or 9 digits.
    pub code: String,
    /// The official name, e.g. `长春净月高新技术产业开发区`.
    pub name: String,
    /// Its level.
    pub level: Level,
}

/// A chain from a province down to the most specific division, pseudo levels left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Chain(pub Vec<Division>);

impl Chain {
    /// The most specific division, if any.
    pub fn leaf(&self) -> Option<&Division> {
        self.0.last()
    }
    /// Official names from the province down.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|d| d.name.clone()).collect()
    }
    /// True when the chain names no place.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One mention that decided (or was weighed in) a placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The text matched, e.g. `递铺街道` or `净月高新区`.
    pub text: String,
    /// Where it was found: `title`, `kicker`, `subtitle`, `body`, `dateline`, `home`, `hint`.
    pub field: String,
    /// The division code it was taken for.
    pub code: String,
    /// Why it counted (or did not), for a person reading `localfeed locate`.
    pub note: String,
}

/// Where an article is placed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The primary chain: the most specific place the text supports.
    pub primary: Chain,
    /// Other places the article substantively covers.
    pub also: Vec<Chain>,
    /// The mentions that decided.
    pub evidence: Vec<Evidence>,
}

impl Placement {
    /// Every division code this placement publishes into: the primary chain and, when
    /// `with_also`, the `also` chains, each with all its ancestors. Sorted, no repeats.
    pub fn feed_codes(&self, with_also: bool) -> Vec<String> {
        let mut codes: Vec<String> = self.primary.0.iter().map(|d| d.code.clone()).collect();
        if with_also {
            for c in &self.also {
                codes.extend(c.0.iter().map(|d| d.code.clone()));
            }
        }
        codes.sort();
        codes.dedup();
        codes
    }
}

/// An article as kept in the store and handed to `publish` and `digest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredArticle {
    /// Stable id derived from source and content (see [`article_id`]).
    pub id: String,
    /// Source id.
    pub source: String,
    /// Input file (relative to the source folder) the article came from.
    pub input: String,
    /// Publication name, if known.
    pub publication: Option<String>,
    /// The article.
    pub article: Article,
    /// Where it is placed.
    pub placement: Placement,
    /// When the article's page was first seen (used when the article has no date).
    pub first_seen: DateTime<FixedOffset>,
    /// When the stored content last changed.
    pub updated: DateTime<FixedOffset>,
    /// The other printings of the same story (reprints in other papers or on other pages),
    /// as the `stories` stage found them, earliest first; empty when the story was
    /// printed once. The store never fills it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub printings: Vec<Printing>,
    /// `Some` when the body was left in the store (a head, see
    /// `Store::article_heads`): `article.body` is then empty, and this is the body's
    /// digest ([`body_digest`]), which stands for it wherever a change of the body must
    /// show. `None`: the body is here.
    #[serde(skip)]
    pub body_digest: Option<u64>,
    /// The store's arrival number (`articles.n`): articles are numbered in the order the
    /// store received them, and a correction keeps its number. Feeds, their archives and
    /// the places' pages are cut in this order (a late article enters the tail), so a
    /// complete archive document never changes. 0 for an article not read from a store
    /// (those are ordered by date among themselves).
    #[serde(skip)]
    pub arrival: u64,
}

/// The digest of an article body that stands for it in a head (xxh3, 64 bits).
pub fn body_digest(body: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(body.as_bytes())
}

/// One more printing of a story published under another article's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printing {
    /// The printing's own stored id.
    pub id: String,
    /// Its source id.
    pub source: String,
    /// The publication that printed it, if known.
    pub publication: Option<String>,
    /// When localfeed first saw it.
    pub first_seen: DateTime<FixedOffset>,
    /// Its arrival number in the store (see [`StoredArticle::arrival`]); 0 when unknown.
    #[serde(skip)]
    pub arrival: u64,
    /// The chain this printing added to the places of the story's leading article (its
    /// primary chain, when the leader was not placed there already): the leader enters
    /// those feeds when this printing arrived, not when the leader did.
    #[serde(skip)]
    pub entered: Option<Chain>,
}

/// An editor's correction of one stored article (`localfeed fix`), kept in the store
/// apart from what was extracted and applied over it whenever the article is read, so it
/// survives re-reading the page and undoing it restores the extracted values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The headline to show instead of the extracted one.
    pub title: Option<String>,
    /// The date to publish under instead of the extracted one.
    pub date: Option<NaiveDate>,
    /// The place instead of the extracted placement: the chain of the division code given.
    pub place: Option<Chain>,
    /// Kept out of every feed, page and digest.
    pub hide: bool,
    /// When the override was last set; the article counts as updated then.
    pub set: Option<DateTime<FixedOffset>>,
}

impl Override {
    /// True when the override changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.date.is_none() && self.place.is_none() && !self.hide
    }

    /// The article as the editor wants it shown: title, date and place replaced where the
    /// override sets them (the place's evidence says it was set by hand), and `updated`
    /// moved to the time the override was set when that is later.
    pub fn apply(&self, a: &mut StoredArticle) {
        if let Some(t) = &self.title {
            a.article.title = Some(t.clone());
        }
        if let Some(d) = self.date {
            a.article.date = Some(d);
        }
        if let Some(chain) = &self.place {
            let code = chain.leaf().map(|d| d.code.clone()).unwrap_or_default();
            a.placement = Placement {
                primary: chain.clone(),
                also: Vec::new(),
                evidence: vec![Evidence {
                    text: chain.names().join(" "),
                    field: "override".into(),
                    code,
                    note: "set by an editor (localfeed fix)".into(),
                }],
            };
        }
        if let Some(t) = self.set {
            a.updated = a.updated.max(t);
        }
    }
}

impl StoredArticle {
    /// The digest of the body ([`body_digest`]), whether the body is here or was left in
    /// the store.
    pub fn digest_of_body(&self) -> u64 {
        self.body_digest
            .unwrap_or_else(|| body_digest(&self.article.body))
    }

    /// True when the body was left in the store (a head: `article.body` is empty).
    pub fn is_head(&self) -> bool {
        self.body_digest.is_some()
    }

    /// The papers other than the article's own that printed its story (each printing's
    /// publication, else its source id), in the order they were first seen, `clean`ed
    /// (the publisher's and the reader's cleaning differ), without the article's own
    /// paper, empty names or repeats.
    pub fn other_papers(&self, clean: impl Fn(&str) -> String) -> Vec<String> {
        let own = self.publication.as_deref().map(&clean);
        let mut out: Vec<String> = Vec::new();
        for p in &self.printings {
            let name = clean(p.publication.as_deref().unwrap_or(&p.source));
            if !name.is_empty() && Some(&name) != own.as_ref() && !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// The time the article is published at: its date at 12:00 Asia/Shanghai, or the time
    /// its page was first seen when it has no date. Noon, not midnight: 00:00 +08:00 is the
    /// day before in every zone west of UTC+8 (a reader in Europe showed 7月22日 for a
    /// 7月23日 story); 12:00 +08:00 is the same day from UTC−4 to UTC+14.
    pub fn published(&self) -> DateTime<FixedOffset> {
        match self.article.date {
            Some(d) => {
                let tz = shanghai();
                let naive = d.and_hms_opt(12, 0, 0).unwrap_or_default();
                naive
                    .and_local_timezone(tz)
                    .single()
                    .unwrap_or(self.first_seen)
            }
            None => self.first_seen,
        }
    }
}

/// The fixed +08:00 offset of Asia/Shanghai (no DST since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap())
}

/// Folds text for identity: drops white space and punctuation, folds full-width ASCII.
/// Two extractions of the same article that differ only in spacing or punctuation width
/// fold to the same string.
pub fn fold_for_id(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !is_cjk_punct(*c))
        .collect()
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{2010}'..='\u{2027}' | '\u{FE30}'..='\u{FE4F}' | '·' | '■' | '□' | '●' | '◆' | '▲' | '※' | '★')
}

/// The stable id of an article: a hash of its source, its folded headline and the folded
/// first 48 characters of its body (enough to tell apart items with a generic headline such
/// as 简讯, short enough that a correction further down keeps the id). Never depends on the
/// run, the file path or the order of insertion, so re-extraction and whitespace changes
/// keep it.
pub fn article_id(source: &str, article: &Article) -> String {
    let title = fold_for_id(article.title.as_deref().unwrap_or(""));
    let body = fold_for_id(&article.body);
    let lead: String = body.chars().take(48).collect();
    short_hash(&[source, &title, &lead])
}

/// The id of an article whose content-derived id ([`article_id`]) another page's article
/// already holds: derived from that id and the article's own page, so it is the same on
/// every run and after every edit of the page, and differs from page to page.
pub fn twin_id(base: &str, source: &str, input: &str) -> String {
    short_hash(&["twin", base, source, input])
}

/// The stable id of an article read from a feed entry: a hash of its source and the
/// entry's key (guid/id, else link), so an entry whose title or text is edited upstream
/// keeps its id and is updated in place. `part` tells apart the articles of one entry
/// (0 for the first, the only one nearly always).
pub fn entry_article_id(source: &str, key: &str, part: usize) -> String {
    if part == 0 {
        short_hash(&["entry", source, key])
    } else {
        short_hash(&["entry", source, key, &part.to_string()])
    }
}

/// The first 10 bytes of the SHA-256 of `parts` joined by NUL bytes, as hex.
fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for (n, p) in parts.iter().enumerate() {
        if n > 0 {
            h.update([0]);
        }
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..10])
}

/// True for a character that may reach a published file or a message. Drops what XML
/// 1.0 forbids (C0 controls other than tab/newline/return, U+FFFE, U+FFFF), C1 controls,
/// zero-width and bidi controls, stray byte order marks, and U+FFFD (a sign that text was
/// already lost). The feeds and the digests both clean their text by it.
pub fn keep_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => false,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' => false,
        '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFFD}' | '\u{FFFE}' | '\u{FFFF}' => false,
        _ => true,
    }
}

/// Known traces of text decoded with the wrong charset upstream; they carry no meaning.
pub const GARBAGE: &[&str] = &["锟斤拷", "烫烫烫", "屯屯屯"];

/// The text without the characters [`keep_char`] refuses and without [`GARBAGE`]: what
/// the feeds publish of it (they do the same, faster, in `publish`).
pub fn clean_text(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| keep_char(*c)).collect();
    for g in GARBAGE {
        if out.contains(g) {
            out = out.replace(g, "");
        }
    }
    out
}

/// SHA-256 of some bytes, as lowercase hex.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file name or path as it may be shown in a message or a log line. A name is shown as
/// it is unless it holds something that could change how the line reads: a control
/// character (a newline would start a forged log line, an escape sequence would repaint
/// the terminal), an invisible format character (a right-to-left override reverses what
/// follows), a quote or a backslash, or white space at either end. Such a name is shown
/// quoted, with those characters escaped (`"bad\nname.txt"`), so one message is always one
/// line and says exactly which file it means. Every message that names an input file, a
/// folder or a served path goes through this function.
pub fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    let risky = |c: char| {
        c.is_control()
            || matches!(c, '"' | '\\')
            || (c != '\'' && c.escape_debug().nth(1).is_some())
    };
    let padded = name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace);
    if name.chars().any(risky) || padded {
        std::borrow::Cow::Owned(format!("{name:?}"))
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// [`shown`] for a path (a name that is not UTF-8 is shown with its bytes escaped). A
/// state that is a database URL is shown without its password ([`without_password`]).
pub fn shown_path(path: &std::path::Path) -> String {
    match path.to_str() {
        Some(s) => shown(&without_password(s)).into_owned(),
        None => format!("{:?}", path.as_os_str()),
    }
}

/// `s` with the password of a URL in it replaced by `***` (`postgres://user:pw@host/db`
/// → `postgres://user:***@host/db`), so that no message shows it; anything else as it is.
pub fn without_password(s: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme) = s.find("://") else {
        return std::borrow::Cow::Borrowed(s);
    };
    let from = scheme + 3;
    let rest = &s[from..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority
        .rfind('@')
        .map(|at| (at, authority[..at].find(':')))
    {
        Some((at, Some(colon))) => {
            std::borrow::Cow::Owned(format!("{}:***{}", &s[..from + colon], &s[from + at..]))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            without_password("postgres://lf:p@ss:w@db.example:5432/news?sslmode=require"),
            "postgres://lf:***@db.example:5432/news?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://lf@db.example/news"),
            "postgres://lf@db.example/news"
        );
        assert_eq!(without_password("state/localfeed.db"), "state/localfeed.db");
        assert_eq!(
            shown_path(std::path::Path::new("postgresql://a:b@h/d")),
            "postgresql://a:***@h/d"
        );
    }

    #[test]
    fn names_that_could_forge_a_line_are_shown_escaped() {
        assert_eq!(shown("pages/安吉 日报.txt"), "pages/安吉 日报.txt");
        assert_eq!(shown("a.txt\nERROR forged"), "\"a.txt\\nERROR forged\"");
        assert_eq!(shown("x\u{202e}txt.exe"), "\"x\\u{202e}txt.exe\"");
        assert_eq!(shown("x\u{1b}[2K"), "\"x\\u{1b}[2K\"");
        assert_eq!(shown(" lead"), "\" lead\"");
        assert_eq!(shown("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert!(!shown("a\rb").contains('\r'));
    }

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: Some(title.into()),
            kicker: None,
            subtitle: None,
            body: body.into(),
            reporters: vec![],
            contributors: vec![],
            photographers: vec![],
            date: None,
            kind: Kind::News,
            url: None,
            place_hint: None,
            opener: None,
        }
    }

    #[test]
    fn article_id_ignores_spacing_and_punctuation_width() {
        let a = article("大手牵小手 爱心助学行", "本报讯(记者 甲)今天,天气好。");
        let b = article("大手牵小手爱心助学行", "本报讯（记者 甲）今天，天气 好。");
        assert_eq!(article_id("s", &a), article_id("s", &b));
        assert_ne!(article_id("s", &a), article_id("t", &a));
        assert_ne!(
            article_id("s", &a),
            article_id("s", &article("另一个标题", &a.body))
        );
    }

    #[test]
    fn display_title_falls_back_to_caption() {
        let mut a = article("", "群众在广场观看演出。第二句");
        a.title = None;
        assert_eq!(a.display_title(), "群众在广场观看演出");
    }
}
