//! The site's answers that need the store: feeds made to order (`/feed.xml?places=…`)
//! and article search (`/search?q=…`, a page or a feed).
//!
//! Owns: reading and checking their query parameters (anything invalid or too large is a
//! `400` that says what and why), asking the store, validators (`ETag`, `304`). Must not
//! touch: how a feed or page looks (publish renders them) or the static files.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::config::Config;
use crate::locate::Gazetteer;
use crate::publish::{self, Format, Order, SearchView};
use crate::store::Store;
use crate::templates::Templates;

/// Most places in one feed made to order.
const MAX_PLACES: usize = 50;
/// Most words to include, and to exclude.
const MAX_WORDS: usize = 10;
/// Longest word, in characters.
const MAX_WORD_CHARS: usize = 50;
/// Most items of a feed made to order, and its default.
const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 20;
/// Longest query string accepted, in bytes.
const MAX_QUERY_BYTES: usize = 2048;
/// Longest search, in characters.
const MAX_SEARCH_CHARS: usize = 100;
/// Search results a page.
const SEARCH_PAGE: usize = 20;
/// Furthest search page.
const MAX_SEARCH_PAGE: usize = 50;

/// What answers the site's dynamic addresses.
#[derive(Debug)]
pub(crate) struct Site {
    store: Mutex<Store>,
    publish: publish::Settings,
    templates: Templates,
    /// The publish base URL, ending in `/`.
    base: String,
    /// `Cache-Control` of the answers.
    cache_control: HeaderValue,
}

/// Which of the site's addresses a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/feed.xml`: a feed made to order.
    Feed,
    /// `/search`: article search.
    Search,
}

/// A request refused, with the reason shown to the client.
#[derive(Debug)]
struct BadRequest(String);

fn bad(msg: impl Into<String>) -> BadRequest {
    BadRequest(msg.into())
}

impl Site {
    /// Opens the store and loads the templates of `cfg`.
    pub(crate) fn new(cfg: &Config, cache_control: HeaderValue) -> anyhow::Result<Self> {
        let templates = Templates::load(cfg.templates_dir().as_deref())?;
        let store = Store::open(&cfg.state_path())?;
        let mut base = cfg.publish.base_url.trim().to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self {
            store: Mutex::new(store),
            publish: cfg.publish.clone(),
            templates,
            base,
            cache_control,
        })
    }

    /// The dynamic address a request path is for, if any.
    pub(crate) fn route(path: &str) -> Option<Route> {
        match path {
            "/feed.xml" => Some(Route::Feed),
            "/search" => Some(Route::Search),
            _ => None,
        }
    }

    /// Answers a `GET` or `HEAD` of `route` with query `query` (run off the async
    /// threads: it reads the store).
    pub(crate) fn answer(
        self: &Arc<Self>,
        route: Route,
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Response {
        let result = match route {
            Route::Feed => self.feed(query.unwrap_or("")),
            Route::Search => self.search(query.unwrap_or("")),
        };
        match result {
            Ok(Ok((ctype, body))) => self.validated(ctype, body, headers),
            Ok(Err(BadRequest(msg))) => (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{msg}\n"),
            )
                .into_response(),
            Err(e) => {
                tracing::error!("{route:?} {}: {e:#}", query.unwrap_or(""));
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
            }
        }
    }

    /// The answer with its entity tag, or `304` when the client has it already.
    fn validated(&self, ctype: &'static str, body: Vec<u8>, headers: &HeaderMap) -> Response {
        let tag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
        let gzip = super::gzip::applies(headers, ctype, body.len() as u64);
        // The compression layer gzips the body on its way out; that body has a tag of its
        // own, as the static files' have.
        let mut plain = headers.clone();
        if gzip {
            super::gzip::plain_validators(&mut plain);
        }
        let matches = plain
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == tag);
        let mut resp = if matches {
            (StatusCode::NOT_MODIFIED, Body::empty()).into_response()
        } else {
            let mut r = Body::from(body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
            r
        };
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            h.insert(header::ETAG, v);
        }
        h.insert(header::CACHE_CONTROL, self.cache_control.clone());
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if gzip {
            super::gzip::mark(h, false);
        }
        resp
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A feed made to order.
    fn feed(&self, query: &str) -> anyhow::Result<Result<(&'static str, Vec<u8>), BadRequest>> {
        let req = match FeedRequest::parse(query) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let gaz = Gazetteer::embedded();
        let mut names = Vec::new();
        let mut codes = Vec::new();
        for p in &req.places {
            if p == "all" {
                names.push("全部".to_string());
                continue;
            }
            let Some(chain) = gaz.chain(p) else {
                return Ok(Err(bad(format!(
                    "places: no place has the code {p} (codes are the national division codes, e.g. 410328)"
                ))));
            };
            names.push(chain.leaf().map(|d| d.name.clone()).unwrap_or_default());
            codes.push(p.clone());
        }
        // `all` takes in every place.
        if req.places.iter().any(|p| p == "all") {
            codes.clear();
        }
        let articles =
            self.store()
                .articles_matching(&codes, &req.include, &req.exclude, req.limit)?;
        let mut title = format!("{} · {}", names.join("、"), self.publish.title_suffix);
        if !req.include.is_empty() {
            title.push_str(&format!("（含“{}”）", req.include.join("”“")));
        }
        let mut description = format!("{}的新闻，每篇一次", names.join("、"));
        if !req.exclude.is_empty() {
            description.push_str(&format!("，不含“{}”", req.exclude.join("”“")));
        }
        let home = match codes.first() {
            Some(c) => format!("{}{c}/index.html", self.base),
            None => format!("{}index.html", self.base),
        };
        let order = Order {
            title,
            description,
            self_url: format!("{}?{}", self.feed_address(), req.canonical()),
            home,
            format: req.format,
        };
        let body = publish::render_order(&articles, &self.publish, &order)?;
        Ok(Ok((req.format.content_type(), body)))
    }

    /// Where feeds made to order are answered (the configured address, else
    /// `<base>feed.xml`).
    fn feed_address(&self) -> String {
        self.configured(&self.publish.feed_url, "feed.xml")
    }

    fn configured(&self, value: &str, default: &str) -> String {
        let v = value.trim();
        let v = if v.is_empty() { default } else { v };
        if v.starts_with("https://") || v.starts_with("http://") {
            v.to_string()
        } else {
            format!("{}{}", self.base, v.trim_start_matches('/'))
        }
    }

    /// Article search: a page of results, or the first results as a feed.
    fn search(&self, query: &str) -> anyhow::Result<Result<(&'static str, Vec<u8>), BadRequest>> {
        let action = self.configured(&self.publish.search_url, "search");
        let req = match SearchRequest::parse(query) {
            Ok(r) => r,
            Err(BadRequest(msg)) => {
                // A page for people (the form again, with what was wrong); a feed reader
                // gets the 400.
                if query.contains("format=") {
                    return Ok(Err(BadRequest(msg)));
                }
                let view = SearchView {
                    action,
                    error: Some(msg),
                    ..SearchView::default()
                };
                let html = publish::render_search(&[], &self.publish, &self.templates, &view)?;
                return Ok(Ok(("text/html; charset=utf-8", html.into_bytes())));
            }
        };
        let found = if req.q.is_empty() {
            crate::store::SearchPage::default()
        } else {
            self.store()
                .search(&req.q, SEARCH_PAGE, (req.page - 1) * SEARCH_PAGE)?
        };
        let q = url::form_urlencoded::byte_serialize(req.q.as_bytes()).collect::<String>();
        if let Some(format) = req.format {
            let order = Order {
                title: format!("搜索“{}” · {}", req.q, self.publish.title_suffix),
                description: format!("与“{}”有关的文章", req.q),
                self_url: format!("{action}?q={q}&format={}", format.name()),
                home: format!("{action}?q={q}"),
                format,
            };
            let body = publish::render_order(&found.articles, &self.publish, &order)?;
            return Ok(Ok((format.content_type(), body)));
        }
        let pages = found.total.div_ceil(SEARCH_PAGE).min(MAX_SEARCH_PAGE);
        let page_url = |n: usize| format!("{action}?q={q}&page={n}");
        let view = SearchView {
            q: req.q.clone(),
            total: found.total,
            page: req.page,
            pages,
            prev: (req.page > 1).then(|| page_url(req.page - 1)),
            next: (req.page < pages).then(|| page_url(req.page + 1)),
            feeds: if req.q.is_empty() {
                Vec::new()
            } else {
                [Format::Rss, Format::Atom, Format::Json]
                    .into_iter()
                    .map(|f| (f, format!("{action}?q={q}&format={}", f.name())))
                    .collect()
            },
            action,
            error: None,
        };
        let html = publish::render_search(&found.articles, &self.publish, &self.templates, &view)?;
        Ok(Ok(("text/html; charset=utf-8", html.into_bytes())))
    }
}

/// The query pairs of a request, refused when too long or not UTF-8.
fn pairs(query: &str) -> Result<Vec<(String, String)>, BadRequest> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(bad(format!(
            "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
            query.len()
        )));
    }
    if percent_encoding::percent_decode_str(&query.replace('+', " "))
        .decode_utf8()
        .is_err()
    {
        return Err(bad("the query is not UTF-8"));
    }
    Ok(url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// Words of a parameter: separated by commas or spaces (either width).
fn words(name: &str, values: &[String]) -> Result<Vec<String>, BadRequest> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        for w in v.split(|c: char| c == ',' || c == '，' || c.is_whitespace()) {
            if w.is_empty() || out.iter().any(|x| x == w) {
                continue;
            }
            if w.chars().any(char::is_control) {
                return Err(bad(format!("{name}: a word holds a control character")));
            }
            if w.chars().count() > MAX_WORD_CHARS {
                return Err(bad(format!(
                    "{name}: the word {:?} is longer than {MAX_WORD_CHARS} characters",
                    w.chars().take(20).collect::<String>()
                )));
            }
            out.push(w.to_string());
        }
    }
    if out.len() > MAX_WORDS {
        return Err(bad(format!(
            "{name}: {} words; at most {MAX_WORDS} are accepted",
            out.len()
        )));
    }
    Ok(out)
}

/// What a feed made to order asks for.
#[derive(Debug, PartialEq, Eq)]
struct FeedRequest {
    places: Vec<String>,
    format: Format,
    include: Vec<String>,
    exclude: Vec<String>,
    limit: usize,
}

impl FeedRequest {
    /// Reads `places` (codes, comma-separated or repeated; `all`), `format`
    /// (`rss`, `atom`, `json`), `q` and `not` (words, comma- or space-separated) and
    /// `limit` (1 to 100).
    fn parse(query: &str) -> Result<Self, BadRequest> {
        let mut places: Vec<String> = Vec::new();
        let (mut q, mut not) = (Vec::new(), Vec::new());
        let mut format = None;
        let mut limit = None;
        for (k, v) in pairs(query)? {
            match k.as_str() {
                "places" | "place" => {
                    for p in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let ok = p == "all"
                            || (p.len() >= 2
                                && p.len() <= 12
                                && p.bytes().all(|b| b.is_ascii_digit()));
                        if !ok {
                            return Err(bad(format!(
                                "places: {:?} is not a division code (2 to 12 digits, e.g. 410328) or all",
                                p.chars().take(20).collect::<String>()
                            )));
                        }
                        if !places.iter().any(|x| x == p) {
                            places.push(p.to_string());
                        }
                    }
                }
                "format" => {
                    format = Some(Format::parse(&v).ok_or_else(|| {
                        bad(format!(
                            "format: {:?} is not a feed format (rss, atom or json)",
                            v.chars().take(20).collect::<String>()
                        ))
                    })?);
                }
                "q" => q.push(v),
                "not" => not.push(v),
                "limit" => {
                    let n: usize = v.trim().parse().map_err(|_| {
                        bad(format!(
                            "limit: {v:?} is not a whole number (1 to {MAX_LIMIT})"
                        ))
                    })?;
                    if !(1..=MAX_LIMIT).contains(&n) {
                        return Err(bad(format!("limit: {n} is not between 1 and {MAX_LIMIT}")));
                    }
                    limit = Some(n);
                }
                other => {
                    return Err(bad(format!(
                        "unknown parameter {:?} (known: places, format, q, not, limit)",
                        other.chars().take(20).collect::<String>()
                    )));
                }
            }
        }
        if places.is_empty() {
            return Err(bad(
                "places: name at least one place by its code, e.g. /feed.xml?places=410328,4103",
            ));
        }
        if places.len() > MAX_PLACES {
            return Err(bad(format!(
                "places: {} places; at most {MAX_PLACES} are accepted",
                places.len()
            )));
        }
        Ok(Self {
            places,
            format: format.unwrap_or(Format::Rss),
            include: words("q", &q)?,
            exclude: words("not", &not)?,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
        })
    }

    /// The request in one spelling (the feed's own address).
    fn canonical(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("places", &self.places.join(","));
        s.append_pair("format", self.format.name());
        if !self.include.is_empty() {
            s.append_pair("q", &self.include.join(" "));
        }
        if !self.exclude.is_empty() {
            s.append_pair("not", &self.exclude.join(" "));
        }
        s.append_pair("limit", &self.limit.to_string());
        s.finish()
    }
}

/// What an article search asks for.
#[derive(Debug, PartialEq, Eq)]
struct SearchRequest {
    q: String,
    page: usize,
    format: Option<Format>,
}

impl SearchRequest {
    /// Reads `q` (the words), `page` (1 to 50) and `format` (`html`, or a feed format).
    fn parse(query: &str) -> Result<Self, BadRequest> {
        let mut q = String::new();
        let mut page = 1;
        let mut format = None;
        for (k, v) in pairs(query)? {
            match k.as_str() {
                "q" => q = v.split_whitespace().collect::<Vec<_>>().join(" "),
                "page" => {
                    page = v
                        .trim()
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_SEARCH_PAGE).contains(n))
                        .ok_or_else(|| {
                            bad(format!(
                                "page: {v:?} is not between 1 and {MAX_SEARCH_PAGE}"
                            ))
                        })?;
                }
                "format" if v == "html" => format = None,
                "format" => {
                    format =
                        Some(Format::parse(&v).ok_or_else(|| {
                            bad("format: not html, rss, atom or json".to_string())
                        })?);
                }
                other => {
                    return Err(bad(format!(
                        "unknown parameter {:?} (known: q, page, format)",
                        other.chars().take(20).collect::<String>()
                    )));
                }
            }
        }
        if q.chars().count() > MAX_SEARCH_CHARS {
            return Err(bad(format!(
                "q: the search is longer than {MAX_SEARCH_CHARS} characters"
            )));
        }
        if q.chars().any(char::is_control) {
            return Err(bad("q: the search holds a control character"));
        }
        Ok(Self { q, page, format })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_requests_are_read_and_refused_with_reasons() {
        let r = FeedRequest::parse(
            "places=410328,4103&places=4103&format=ATOM&q=防汛+抗旱&not=广告&limit=5",
        )
        .unwrap();
        assert_eq!(r.places, ["410328", "4103"]);
        assert_eq!(r.format, Format::Atom);
        assert_eq!(r.include, ["防汛", "抗旱"]);
        assert_eq!(r.exclude, ["广告"]);
        assert_eq!(r.limit, 5);
        assert_eq!(
            r.canonical(),
            "places=410328%2C4103&format=atom&q=%E9%98%B2%E6%B1%9B+%E6%8A%97%E6%97%B1&not=%E5%B9%BF%E5%91%8A&limit=5"
        );
        let refused = |q: &str| FeedRequest::parse(q).unwrap_err().0;
        assert!(refused("").contains("name at least one place"));
        assert!(refused("places=41x").contains("not a division code"));
        assert!(refused("places=41&format=xml").contains("not a feed format"));
        assert!(refused("places=41&limit=0").contains("between 1 and 100"));
        assert!(refused("places=41&limit=abc").contains("not a whole number"));
        assert!(refused("places=41&limit=99999999999999999999999").contains("not a whole number"));
        assert!(refused("places=41&foo=1").contains("unknown parameter"));
        assert!(refused("places=41&q=a,b,c,d,e,f,g,h,i,j,k").contains("at most 10"));
        assert!(refused(&format!("places=41&q={}", "字".repeat(51))).contains("longer than 50"));
        assert!(refused(&format!("places={}", "41,".repeat(1000))).contains("bytes long"));
        let many: Vec<String> = (10..70).map(|n| n.to_string()).collect();
        assert!(refused(&format!("places={}", many.join(","))).contains("at most 50"));
        assert!(refused("places=41&q=%FF").contains("not UTF-8"));
        assert!(refused("places=41&q=a%01b").contains("control character"));
    }

    #[test]
    fn search_requests_are_read_and_refused_with_reasons() {
        let r = SearchRequest::parse("q=+防汛++演练+&page=2&format=json").unwrap();
        assert_eq!(r.q, "防汛 演练");
        assert_eq!((r.page, r.format), (2, Some(Format::Json)));
        assert!(
            SearchRequest::parse("q=x&page=0")
                .unwrap_err()
                .0
                .contains("page")
        );
        assert!(
            SearchRequest::parse("q=x&page=51")
                .unwrap_err()
                .0
                .contains("page")
        );
        assert!(
            SearchRequest::parse(&format!("q={}", "字".repeat(101)))
                .unwrap_err()
                .0
                .contains("longer than 100")
        );
    }
}
