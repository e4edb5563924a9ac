//! The subscription pages of `localfeed serve`: subscribe (double opt-in), confirm, manage
//! and one-click unsubscribe, plus the place search behind the subscribe form.
//!
//! Owns: what each page does, its checks (CSRF, honeypot, rate limits, validation) and
//! the answers it gives. The same answer is given whether or not an address is already
//! subscribed, nothing is sent to an address but the confirmation mail until it is
//! confirmed, and a `GET` never changes anything. Must not touch: the files of the output
//! folder, digest composition (the pipeline sends digests), or the clock except through
//! the `Clock` it is given.

use std::net::IpAddr;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde::Serialize;

use super::forms::{self, CSRF_COOKIE, Confirm, Form, Signer};
use super::mail::{self, ConfirmCtx};
use crate::clock::Clock;
use crate::config::ServeSettings as Settings;
use crate::digest::token::Purpose;
use crate::digest::{self, Delivery, Schedule, TokenKey};
use crate::locate::Gazetteer;
use crate::store::{PendingSubscription, Store, SubscriberUpdate};
use crate::templates::Templates;

/// How long a form's CSRF token stays valid.
const CSRF_SECONDS: i64 = 4 * 3600;
/// How long an expired confirmation is kept so that a new link can be sent for it.
const KEEP_EXPIRED_SECONDS: i64 = 14 * 24 * 3600;
/// The longest place search accepted, in characters.
const MAX_QUERY_CHARS: usize = 40;
/// Places returned by one search.
const MAX_SEARCH_RESULTS: usize = 30;

/// Which subscription page a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// The subscribe form.
    Subscribe,
    /// Place search (JSON).
    Places,
    /// Confirmation of a pending subscription.
    Confirm,
    /// One-click unsubscribe, with the token from the link.
    Unsubscribe(String),
    /// The manage page, with the token from the link.
    Manage(String),
}

/// A link shape from the digest settings: `unsubscribe?token={token}` (token in a query
/// parameter) or `unsubscribe/{token}` (token in the path).
#[derive(Debug, Clone, PartialEq, Eq)]
struct LinkShape {
    /// The path, from the site root, with a leading `/`, up to the token or the `?`.
    path: String,
    /// After the token in the path (e.g. `/` or `.html`), when the token is in the path.
    suffix: Option<String>,
    /// The query parameter holding the token, when the token is in the query.
    param: Option<String>,
}

impl LinkShape {
    fn parse(template: &str) -> Option<Self> {
        let t = template.trim().trim_start_matches('/');
        match t.split_once('?') {
            Some((path, query)) => {
                let param = query
                    .split('&')
                    .find_map(|kv| kv.split_once('=').filter(|(_, v)| *v == "{token}"))?
                    .0;
                Some(Self {
                    path: format!("/{path}"),
                    suffix: None,
                    param: Some(param.into()),
                })
            }
            None => {
                let (pre, post) = t.split_once("{token}")?;
                Some(Self {
                    path: format!("/{pre}"),
                    suffix: Some(post.into()),
                    param: None,
                })
            }
        }
    }

    fn token(&self, path: &str, query: Option<&str>) -> Option<String> {
        match (&self.param, &self.suffix) {
            (Some(param), _) if path == self.path => {
                url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                    .find(|(k, _)| k == param.as_str())
                    .map(|(_, v)| v.into_owned())
            }
            (None, Some(suffix)) => {
                let rest = path
                    .strip_prefix(&self.path)?
                    .strip_suffix(suffix.as_str())?;
                (!rest.is_empty() && !rest.contains('/')).then(|| {
                    percent_encoding::percent_decode_str(rest)
                        .decode_utf8_lossy()
                        .into_owned()
                })
            }
            _ => None,
        }
    }
}

/// One request, as the page logic needs it.
#[derive(Debug)]
pub(crate) struct PageRequest {
    /// GET, HEAD or POST.
    pub(crate) method: Method,
    /// The request path.
    pub(crate) path: String,
    /// The CSRF cookie's nonce, if the browser sent one.
    pub(crate) csrf_cookie: Option<String>,
    /// The client's address.
    pub(crate) ip: IpAddr,
    /// The host name the request was sent to, lower-cased, without the port.
    pub(crate) host: String,
    /// The body (forms).
    pub(crate) body: Vec<u8>,
    /// The query string.
    pub(crate) query: Option<String>,
    /// The body's `Content-Type`.
    pub(crate) content_type: Option<String>,
}

/// Everything the pages share, made once at start.
pub(crate) struct Subs {
    settings: Settings,
    digest: digest::Settings,
    base_dir: std::path::PathBuf,
    key: TokenKey,
    signer: Signer,
    templates: Templates,
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    unsubscribe: LinkShape,
    manage: LinkShape,
    /// The host of an https `base_url`: requests for it came through TLS (a proxy), so
    /// the cookie is `Secure`; requests for any other host (a test on 127.0.0.1, a plain
    /// HTTP address on a LAN) get a cookie that plain HTTP can carry.
    https_host: Option<String>,
}

impl std::fmt::Debug for Subs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subs")
            .field("unsubscribe", &self.unsubscribe)
            .finish_non_exhaustive()
    }
}

/// A place as the pages and the search show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Place {
    /// Division code.
    code: String,
    /// Its name.
    name: String,
    /// Its chain of names from the province down.
    path: String,
}

#[derive(Debug, Serialize)]
struct ScheduleChoice {
    value: String,
    label: String,
    selected: bool,
}

/// What `subscribe.html` sees. `page` says which part to show.
#[derive(Debug, Serialize, Default)]
struct PageCtx {
    page: &'static str,
    #[serde(skip)]
    cookie: String,
    list_name: String,
    root: String,
    csrf: String,
    csp_nonce: String,
    error: String,
    email: String,
    places: Vec<Place>,
    schedules: Vec<ScheduleChoice>,
    schedule_label: String,
    token: String,
    manage_url: String,
    subscribe_url: String,
    unsubscribed: bool,
    hours: u32,
}

/// A finished answer.
struct Reply {
    status: StatusCode,
    ctx: Option<PageCtx>,
    json: Option<String>,
}

impl Reply {
    fn page(status: StatusCode, ctx: PageCtx) -> Self {
        Self {
            status,
            ctx: Some(ctx),
            json: None,
        }
    }
    fn empty(status: StatusCode) -> Self {
        Self {
            status,
            ctx: None,
            json: None,
        }
    }
}

/// The label of a schedule in the pages and the confirmation mail.
fn schedule_label(s: &str) -> String {
    let mut words = s.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("immediate"), None, None) => "有新闻就发送".into(),
        (Some("daily"), Some(t), None) => format!("每天 {t}"),
        (Some("weekly"), Some(d), Some(t)) => {
            let day = match d {
                "mon" => "一",
                "tue" => "二",
                "wed" => "三",
                "thu" => "四",
                "fri" => "五",
                "sat" => "六",
                "sun" => "日",
                other => other,
            };
            format!("每周{day} {t}")
        }
        _ => s.to_string(),
    }
}

/// `../` enough times to reach the site root from `path`.
fn root_of(path: &str) -> String {
    let depth = path.trim_start_matches('/').matches('/').count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

impl Subs {
    /// Prepares the pages: the signing key (as digests use it), the templates, the store.
    pub(crate) fn new(
        settings: Settings,
        digest: digest::Settings,
        base_dir: std::path::PathBuf,
        templates: Templates,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        settings.validate()?;
        let key = digest.token_key()?;
        let unsubscribe = LinkShape::parse(&digest.unsubscribe_path).with_context(|| {
            format!(
                "[digest] unsubscribe_path {:?} has no {{token}}",
                digest.unsubscribe_path
            )
        })?;
        let manage = LinkShape::parse(&digest.manage_path).with_context(|| {
            format!(
                "[digest] manage_path {:?} has no {{token}}",
                digest.manage_path
            )
        })?;
        let https_host = url::Url::parse(digest.base_url.trim())
            .ok()
            .filter(|u| u.scheme() == "https")
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        Ok(Self {
            https_host,
            signer: Signer::from_key(&key),
            settings,
            digest,
            base_dir,
            key,
            templates,
            store: Mutex::new(store),
            clock,
            unsubscribe,
            manage,
        })
    }

    /// The largest form body accepted.
    pub(crate) fn max_form_bytes(&self) -> usize {
        self.settings.max_form_bytes
    }

    /// The subscription page a request path is for, if any.
    pub(crate) fn route(&self, path: &str, query: Option<&str>) -> Option<Route> {
        match path {
            "/subscribe" => return Some(Route::Subscribe),
            "/api/places" => return Some(Route::Places),
            "/confirm" => return Some(Route::Confirm),
            _ => {}
        }
        if let Some(t) = self.unsubscribe.token(path, query) {
            return Some(Route::Unsubscribe(t));
        }
        if let Some(t) = self.manage.token(path, query) {
            return Some(Route::Manage(t));
        }
        // The path of a query-style link without its token is still that page.
        if path == self.unsubscribe.path && self.unsubscribe.param.is_some() {
            return Some(Route::Unsubscribe(String::new()));
        }
        if path == self.manage.path && self.manage.param.is_some() {
            return Some(Route::Manage(String::new()));
        }
        None
    }

    /// Answers one request for a subscription page. Runs blocking work (store, mail).
    pub(crate) fn handle(&self, route: Route, req: &PageRequest) -> Response {
        let head = req.method == Method::HEAD;
        let allowed = match route {
            Route::Places => req.method == Method::GET || head,
            _ => matches!(req.method, Method::GET | Method::HEAD | Method::POST),
        };
        if !allowed {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "GET, HEAD, POST")],
                "method not allowed\n",
            )
                .into_response();
        }
        if req.body.len() > self.settings.max_form_bytes {
            return (StatusCode::PAYLOAD_TOO_LARGE, "form too large\n").into_response();
        }
        let reply = match self.dispatch(route, req) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("subscription page {}: {e:#}", req.path);
                let mut ctx = self.ctx("error", req);
                ctx.error = "服务器暂时无法处理，请稍后再试。".into();
                Reply::page(StatusCode::SERVICE_UNAVAILABLE, ctx)
            }
        };
        self.respond(reply, req, head)
    }

    fn dispatch(&self, route: Route, req: &PageRequest) -> anyhow::Result<Reply> {
        let post = req.method == Method::POST;
        match route {
            Route::Places => Ok(self.places(req)),
            Route::Subscribe if post => self.subscribe_post(req),
            Route::Subscribe => Ok(self.subscribe_form(req, StatusCode::OK, "")),
            Route::Confirm if post => self.confirm_post(req),
            Route::Confirm => self.confirm_get(req),
            Route::Unsubscribe(t) if post => self.unsubscribe_post(req, &t),
            Route::Unsubscribe(t) => self.unsubscribe_get(req, &t),
            Route::Manage(t) if post => self.manage_post(req, &t),
            Route::Manage(t) => self.manage_get(req, &t),
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// The CSRF cookie nonce for this answer: the browser's when well formed, else new.
    fn cookie_nonce(req: &PageRequest) -> String {
        match &req.csrf_cookie {
            Some(c) if forms::is_nonce(c) => c.clone(),
            _ => forms::nonce().unwrap_or_default(),
        }
    }

    fn ctx(&self, page: &'static str, req: &PageRequest) -> PageCtx {
        let cookie = Self::cookie_nonce(req);
        let root = root_of(&req.path);
        PageCtx {
            page,
            cookie: cookie.clone(),
            list_name: self.digest.list_name.trim().to_string(),
            csrf: self.signer.csrf_token(&cookie, self.now() + CSRF_SECONDS),
            csp_nonce: forms::nonce().unwrap_or_default(),
            subscribe_url: format!("{root}subscribe"),
            root,
            hours: self.settings.confirm_hours,
            ..PageCtx::default()
        }
    }

    fn schedules(&self, selected: &str) -> Vec<ScheduleChoice> {
        let mut out: Vec<ScheduleChoice> = self
            .settings
            .schedules
            .iter()
            .map(|s| ScheduleChoice {
                value: s.clone(),
                label: schedule_label(s),
                selected: s == selected,
            })
            .collect();
        if !selected.is_empty() && !out.iter().any(|c| c.selected) {
            out.push(ScheduleChoice {
                value: selected.to_string(),
                label: schedule_label(selected),
                selected: true,
            });
        }
        out
    }

    /// A place by division code, when the gazetteer knows it.
    fn place(code: &str) -> Option<Place> {
        if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let chain = Gazetteer::embedded().resolve(code)?;
        let leaf = chain.leaf()?;
        Some(Place {
            code: leaf.code.clone(),
            name: leaf.name.clone(),
            path: chain.names().join(" / "),
        })
    }

    fn places(&self, req: &PageRequest) -> Reply {
        let q: String = url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.chars().take(MAX_QUERY_CHARS).collect())
            .unwrap_or_default();
        let found: Vec<Place> = Gazetteer::embedded()
            .search(q.trim())
            .into_iter()
            .filter_map(|c| {
                let leaf = c.leaf()?;
                Some(Place {
                    code: leaf.code.clone(),
                    name: leaf.name.clone(),
                    path: c.names().join(" / "),
                })
            })
            .take(MAX_SEARCH_RESULTS)
            .collect();
        let json = serde_json::to_string(&found).unwrap_or_else(|_| "[]".into());
        Reply {
            status: StatusCode::OK,
            ctx: None,
            json: Some(json),
        }
    }

    fn subscribe_form(&self, req: &PageRequest, status: StatusCode, error: &str) -> Reply {
        let form = Form::parse(&req.body);
        let mut ctx = self.ctx("subscribe", req);
        ctx.error = error.to_string();
        if req.method == Method::POST {
            ctx.email = form.get("email").unwrap_or("").chars().take(254).collect();
            ctx.places = form
                .all("place")
                .into_iter()
                .take(self.settings.max_localities)
                .filter_map(Self::place)
                .collect();
        }
        let chosen = form.get("schedule").unwrap_or("");
        let default = self
            .settings
            .schedules
            .first()
            .map(String::as_str)
            .unwrap_or("");
        ctx.schedules = self.schedules(if chosen.is_empty() { default } else { chosen });
        Reply::page(status, ctx)
    }

    fn csrf_ok(&self, req: &PageRequest, form: &Form) -> bool {
        self.signer
            .verify_csrf(req.csrf_cookie.as_deref(), form.get("csrf"), self.now())
    }

    /// Checks the places and schedule of a form; returns the codes and the schedule.
    fn read_choices(&self, form: &Form) -> Result<(Vec<String>, String), String> {
        let raw = form.all("place");
        if raw.len() > self.settings.max_localities {
            return Err(format!(
                "最多选择 {} 个地方。",
                self.settings.max_localities
            ));
        }
        let mut codes: Vec<String> = Vec::new();
        for r in raw {
            let p = Self::place(r.trim()).ok_or_else(|| "所选地方无法识别。".to_string())?;
            if !codes.contains(&p.code) {
                codes.push(p.code);
            }
        }
        if codes.is_empty() {
            return Err("请至少选择一个地方。".into());
        }
        let schedule = form.get("schedule").unwrap_or("").trim();
        let parsed = Schedule::from_str(schedule).map_err(|_| "请选择发送时间。".to_string())?;
        Ok((codes, parsed.to_string()))
    }

    /// The time zone a form names (the browser's, filled in by the page's script), else
    /// `fallback`.
    fn timezone_or(form: &Form, fallback: &str) -> String {
        match form.get("timezone").map(str::trim) {
            Some(tz) if tz.len() <= 64 && digest::schedule::parse_tz(tz).is_ok() => tz.to_string(),
            _ => fallback.trim().to_string(),
        }
    }

    fn timezone(&self, form: &Form) -> String {
        Self::timezone_or(form, &self.digest.default_timezone)
    }

    fn client_key(&self, ip: IpAddr) -> String {
        match ip {
            IpAddr::V4(v4) => format!("ip:{v4}"),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("ip6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }

    fn lock(&self) -> anyhow::Result<std::sync::MutexGuard<'_, Store>> {
        self.store
            .lock()
            .map_err(|_| anyhow::anyhow!("the store lock is poisoned"))
    }

    fn subscribe_post(&self, req: &PageRequest) -> anyhow::Result<Reply> {
        let form = Form::parse(&req.body);
        if !self.csrf_ok(req, &form) {
            return Ok(self.subscribe_form(
                req,
                StatusCode::FORBIDDEN,
                "表单已过期或来源不明，请重新提交。",
            ));
        }
        let check_email = |email: &str| {
            let mut ctx = self.ctx("check_email", req);
            ctx.email = email.to_string();
            Reply::page(StatusCode::OK, ctx)
        };
        let email_raw = form.get("email").unwrap_or("").trim();
        // A filled honeypot is a robot: answer as if all went well, do nothing.
        if !form.get("website").unwrap_or("").is_empty() {
            tracing::info!("subscribe: honeypot filled from {}", req.ip);
            return Ok(check_email(email_raw));
        }
        if digest::validate_address(email_raw).is_err() {
            return Ok(self.subscribe_form(req, StatusCode::BAD_REQUEST, "请填写有效的邮箱地址。"));
        }
        let email = digest::normalize_address(email_raw);
        let (codes, schedule) = match self.read_choices(&form) {
            Ok(c) => c,
            Err(msg) => return Ok(self.subscribe_form(req, StatusCode::BAD_REQUEST, &msg)),
        };
        let now = self.now();
        {
            let mut store = self.lock()?;
            store.prune_subscriptions(now - KEEP_EXPIRED_SECONDS, now - 2 * 86_400)?;
            let ip_key = self.client_key(req.ip);
            if !store.count_attempt(&ip_key, now - 3600, self.settings.per_ip_per_hour, now)? {
                let ctx = self.ctx("limited", req);
                return Ok(Reply::page(StatusCode::TOO_MANY_REQUESTS, ctx));
            }
            let addr_key = format!("email:{}", email.to_lowercase());
            if !store.count_attempt(
                &addr_key,
                now - 86_400,
                self.settings.per_address_per_day,
                now,
            )? {
                // The same answer as a success: nothing tells whether mail was sent.
                tracing::info!("subscribe: address limit reached, no mail sent");
                return Ok(check_email(&email));
            }
        }
        let pending = PendingSubscription {
            nonce: forms::nonce()?,
            email: email.clone(),
            localities: codes,
            schedule,
            timezone: self.timezone(&form),
            created: now,
            expires: now + i64::from(self.settings.confirm_hours) * 3600,
        };
        self.send_confirmation(&pending)?;
        Ok(check_email(&email))
    }

    /// Records a pending subscription and mails its confirmation link.
    fn send_confirmation(&self, p: &PendingSubscription) -> anyhow::Result<()> {
        let token = self.signer.confirm_token(&p.nonce, p.expires);
        let url = self.link(&format!("confirm?token={token}"));
        let names: Vec<String> = p
            .localities
            .iter()
            .filter_map(|c| Self::place(c))
            .map(|pl| pl.path)
            .collect();
        let label = schedule_label(&p.schedule);
        let ctx = ConfirmCtx {
            list_name: self.digest.list_name.trim(),
            email: &p.email,
            places: &names,
            schedule: &label,
            confirm_url: &url,
            hours: self.settings.confirm_hours,
            site_url: self.digest.base_url.trim(),
        };
        let (message_id, bytes) = mail::confirmation(
            &self.digest,
            &self.templates,
            &ctx,
            &p.nonce,
            self.clock.now(),
        )?;
        self.lock()?.add_pending_subscription(p)?;
        let delivery = Delivery::from_settings(&self.digest, &self.base_dir)?;
        delivery
            .send(&p.email, &message_id, &bytes)
            .map_err(|e| anyhow::anyhow!("cannot send the confirmation mail: {e}"))?;
        Ok(())
    }

    /// An absolute link under the digest's `base_url`.
    fn link(&self, rel: &str) -> String {
        let base = self.digest.base_url.trim();
        match url::Url::parse(base).and_then(|b| b.join(rel)) {
            Ok(u) => u.to_string(),
            Err(_) => format!("{}/{rel}", base.trim_end_matches('/')),
        }
    }

    fn confirm_token_of(req: &PageRequest, form: &Form) -> String {
        form.get("token").map(str::to_string).unwrap_or_else(|| {
            url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
    }

    fn invalid_link(&self, req: &PageRequest) -> Reply {
        Reply::page(StatusCode::BAD_REQUEST, self.ctx("invalid", req))
    }

    fn confirm_get(&self, req: &PageRequest) -> anyhow::Result<Reply> {
        let token = Self::confirm_token_of(req, &Form::default());
        match self.signer.verify_confirm(&token, self.now()) {
            Confirm::Invalid => Ok(self.invalid_link(req)),
            Confirm::Expired(_) => {
                let mut ctx = self.ctx("expired", req);
                ctx.token = token;
                Ok(Reply::page(StatusCode::GONE, ctx))
            }
            Confirm::Valid(nonce) => {
                let Some(p) = self.lock()?.pending_subscription(&nonce)? else {
                    return Ok(Reply::page(StatusCode::NOT_FOUND, self.ctx("used", req)));
                };
                let mut ctx = self.ctx("confirm", req);
                ctx.token = token;
                ctx.email = p.email;
                ctx.places = p.localities.iter().filter_map(|c| Self::place(c)).collect();
                ctx.schedule_label = schedule_label(&p.schedule);
                Ok(Reply::page(StatusCode::OK, ctx))
            }
        }
    }

    fn confirm_post(&self, req: &PageRequest) -> anyhow::Result<Reply> {
        let form = Form::parse(&req.body);
        let token = Self::confirm_token_of(req, &form);
        let verdict = self.signer.verify_confirm(&token, self.now());
        if verdict == Confirm::Invalid {
            return Ok(self.invalid_link(req));
        }
        if !self.csrf_ok(req, &form) {
            let mut ctx = self.ctx("stale", req);
            ctx.token = token;
            return Ok(Reply::page(StatusCode::FORBIDDEN, ctx));
        }
        let now = self.now();
        match verdict {
            Confirm::Invalid => Ok(self.invalid_link(req)),
            Confirm::Expired(nonce) => {
                let old = self.lock()?.pending_subscription(&nonce)?;
                let Some(old) = old else {
                    return Ok(Reply::page(StatusCode::GONE, self.ctx("used", req)));
                };
                let mut ctx = self.ctx("check_email", req);
                ctx.email = old.email.clone();
                {
                    let mut store = self.lock()?;
                    let ip_key = self.client_key(req.ip);
                    if !store.count_attempt(
                        &ip_key,
                        now - 3600,
                        self.settings.per_ip_per_hour,
                        now,
                    )? {
                        return Ok(Reply::page(
                            StatusCode::TOO_MANY_REQUESTS,
                            self.ctx("limited", req),
                        ));
                    }
                    let addr_key = format!("email:{}", old.email.to_lowercase());
                    if !store.count_attempt(
                        &addr_key,
                        now - 86_400,
                        self.settings.per_address_per_day,
                        now,
                    )? {
                        return Ok(Reply::page(StatusCode::OK, ctx));
                    }
                    store.remove_pending_subscription(&nonce)?;
                }
                let fresh = PendingSubscription {
                    nonce: forms::nonce()?,
                    created: now,
                    expires: now + i64::from(self.settings.confirm_hours) * 3600,
                    ..old
                };
                self.send_confirmation(&fresh)?;
                Ok(Reply::page(StatusCode::OK, ctx))
            }
            Confirm::Valid(nonce) => {
                let mut store = self.lock()?;
                let Some(p) = store.pending_subscription(&nonce)? else {
                    return Ok(Reply::page(StatusCode::NOT_FOUND, self.ctx("used", req)));
                };
                let existing = store.subscriber(&p.email)?;
                let update = SubscriberUpdate {
                    token_id: self.key.subscriber_id(&p.email),
                    email: p.email.clone(),
                    localities: p.localities.clone(),
                    codes: p.localities.clone(),
                    schedule: p.schedule.clone(),
                    timezone: p.timezone.clone(),
                    plain_text_only: existing.as_ref().is_some_and(|s| s.plain_text_only),
                    origin: existing
                        .as_ref()
                        .map_or_else(|| "web".into(), |s| s.origin.clone()),
                };
                let now_t = self.clock.now();
                let mark = self.digest.first_digest_since(now_t);
                store.upsert_subscriber(&update, &mark, true, &now_t)?;
                store.remove_pending_subscription(&nonce)?;
                drop(store);
                let mut ctx = self.ctx("confirmed", req);
                ctx.email = p.email.clone();
                ctx.manage_url = self.manage_link(&ctx.root, &p.email);
                ctx.places = p.localities.iter().filter_map(|c| Self::place(c)).collect();
                ctx.schedule_label = schedule_label(&p.schedule);
                Ok(Reply::page(StatusCode::OK, ctx))
            }
        }
    }

    /// The manage page's link, relative to the site root `root`.
    fn manage_link(&self, root: &str, email: &str) -> String {
        let token = self.key.token(email, Purpose::Manage);
        let rel = self.digest.manage_path.trim().trim_start_matches('/');
        format!("{root}{}", rel.replace("{token}", &token))
    }

    fn unsubscribe_get(&self, req: &PageRequest, token: &str) -> anyhow::Result<Reply> {
        if self.key.verify(token, Purpose::Unsubscribe).is_none() {
            return Ok(self.invalid_link(req));
        }
        // A GET only shows the button: mail scanners follow links.
        Ok(Reply::page(StatusCode::OK, self.ctx("unsubscribe", req)))
    }

    fn unsubscribe_post(&self, req: &PageRequest, token: &str) -> anyhow::Result<Reply> {
        let form = Form::parse_typed(req.content_type.as_deref(), &req.body);
        let Some(id) = self.key.verify(token, Purpose::Unsubscribe) else {
            return Ok(if form.get("show").is_some() {
                self.invalid_link(req)
            } else {
                Reply::empty(StatusCode::BAD_REQUEST)
            });
        };
        if form.get("List-Unsubscribe") != Some("One-Click") {
            return Ok(Reply::empty(StatusCode::BAD_REQUEST));
        }
        let mut store = self.lock()?;
        if let Some(s) = store.subscriber_by_token(&id)? {
            store.unsubscribe(&s.email, &self.clock.now())?;
            tracing::info!("unsubscribed by one-click link");
        }
        drop(store);
        if form.get("show").is_some() {
            return Ok(Reply::page(StatusCode::OK, self.ctx("unsubscribed", req)));
        }
        Ok(Reply::empty(StatusCode::OK))
    }

    fn manage_ctx(&self, req: &PageRequest, sub: &crate::store::Subscriber) -> PageCtx {
        let mut ctx = self.ctx("manage", req);
        ctx.email = sub.email.clone();
        ctx.places = sub.codes.iter().filter_map(|c| Self::place(c)).collect();
        ctx.schedules = self.schedules(&sub.schedule);
        ctx.schedule_label = schedule_label(&sub.schedule);
        ctx.unsubscribed = sub.unsubscribed.is_some();
        ctx
    }

    fn manage_get(&self, req: &PageRequest, token: &str) -> anyhow::Result<Reply> {
        let Some(id) = self.key.verify(token, Purpose::Manage) else {
            return Ok(self.invalid_link(req));
        };
        let Some(sub) = self.lock()?.subscriber_by_token(&id)? else {
            return Ok(Reply::page(StatusCode::NOT_FOUND, self.ctx("gone", req)));
        };
        Ok(Reply::page(StatusCode::OK, self.manage_ctx(req, &sub)))
    }

    fn manage_post(&self, req: &PageRequest, token: &str) -> anyhow::Result<Reply> {
        let Some(id) = self.key.verify(token, Purpose::Manage) else {
            return Ok(self.invalid_link(req));
        };
        let form = Form::parse(&req.body);
        let mut store = self.lock()?;
        let Some(sub) = store.subscriber_by_token(&id)? else {
            return Ok(Reply::page(StatusCode::NOT_FOUND, self.ctx("gone", req)));
        };
        if !self.csrf_ok(req, &form) {
            let mut ctx = self.manage_ctx(req, &sub);
            ctx.error = "表单已过期或来源不明，请重新提交。".into();
            return Ok(Reply::page(StatusCode::FORBIDDEN, ctx));
        }
        let now = self.clock.now();
        if form.get("action") == Some("unsubscribe") {
            store.unsubscribe(&sub.email, &now)?;
            return Ok(Reply::page(StatusCode::OK, self.ctx("unsubscribed", req)));
        }
        let (codes, schedule) = match self.read_choices(&form) {
            Ok(c) => c,
            Err(msg) => {
                let mut ctx = self.manage_ctx(req, &sub);
                ctx.error = msg;
                return Ok(Reply::page(StatusCode::BAD_REQUEST, ctx));
            }
        };
        let update = SubscriberUpdate {
            email: sub.email.clone(),
            token_id: sub.token_id.clone(),
            localities: codes.clone(),
            codes,
            schedule,
            timezone: Self::timezone_or(&form, &sub.timezone),
            plain_text_only: sub.plain_text_only,
            origin: sub.origin.clone(),
        };
        store.upsert_subscriber(&update, &now, true, &now)?;
        let Some(sub) = store.subscriber(&sub.email)? else {
            return Ok(Reply::page(StatusCode::NOT_FOUND, self.ctx("gone", req)));
        };
        let mut ctx = self.manage_ctx(req, &sub);
        ctx.page = "saved";
        Ok(Reply::page(StatusCode::OK, ctx))
    }

    fn respond(&self, reply: Reply, req: &PageRequest, head: bool) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        let body = if let Some(json) = reply.json {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            json
        } else if let Some(ctx) = reply.ctx {
            let secure = self.https_host.as_deref() == Some(req.host.as_str());
            let cookie = ctx_cookie(&ctx, secure);
            let csp = format!(
                "default-src 'none'; script-src 'nonce-{}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                ctx.csp_nonce
            );
            if let Ok(v) = HeaderValue::from_str(&csp) {
                headers.insert(header::CONTENT_SECURITY_POLICY, v);
            }
            if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
                headers.insert(header::SET_COOKIE, c);
            }
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            match self.templates.render("subscribe.html", &ctx) {
                Ok(html) => html,
                Err(e) => {
                    tracing::error!("{e:#}");
                    return (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "cannot render the page\n",
                    )
                        .into_response();
                }
            }
        } else {
            String::new()
        };
        let mut resp = Response::new(if head {
            Body::empty()
        } else {
            Body::from(body)
        });
        *resp.status_mut() = reply.status;
        resp.headers_mut().extend(headers);
        resp
    }
}

/// The `Set-Cookie` of a page whose CSRF token was made for a new cookie nonce.
fn ctx_cookie(ctx: &PageCtx, secure: bool) -> Option<String> {
    let nonce = &ctx.cookie;
    if nonce.is_empty() {
        return None;
    }
    let secure = if secure { "; Secure" } else { "" };
    Some(format!(
        "{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400{secure}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_shapes_find_the_token_in_the_query_or_the_path() {
        let q = LinkShape::parse("unsubscribe?token={token}").unwrap();
        assert_eq!(
            q.token("/unsubscribe", Some("token=u1.a.b")),
            Some("u1.a.b".into())
        );
        assert_eq!(
            q.token("/unsubscribe", Some("x=1&token=u1.a.b")),
            Some("u1.a.b".into())
        );
        assert_eq!(q.token("/unsubscribe", None), None);
        assert_eq!(q.token("/other", Some("token=u1.a.b")), None);
        let p = LinkShape::parse("/mail/u/{token}.html").unwrap();
        assert_eq!(p.token("/mail/u/u1.a.b.html", None), Some("u1.a.b".into()));
        assert_eq!(p.token("/mail/u/x/y.html", None), None);
        assert_eq!(p.token("/mail/u/.html", None), None);
        assert!(LinkShape::parse("unsubscribe").is_none());
    }

    #[test]
    fn schedules_read_in_words_and_roots_climb_to_the_site() {
        assert_eq!(schedule_label("daily 07:30"), "每天 07:30");
        assert_eq!(schedule_label("weekly mon 07:30"), "每周一 07:30");
        assert_eq!(schedule_label("immediate"), "有新闻就发送");
        assert_eq!(root_of("/subscribe"), "./");
        assert_eq!(root_of("/mail/u/x"), "../../");
    }
}
