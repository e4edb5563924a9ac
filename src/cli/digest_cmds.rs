//! The `subscribers` and `digest` subcommands.
//!
//! Owns: their arguments (clap) and handlers: `subscribers add|remove|list|import FILE.csv`,
//! `digest preview EMAIL` (writes `.eml` and `.html`, marks nothing), `digest send
//! [--dry-run]`. Output goes to the writer passed in. Must not touch: the clock (callers
//! pass `now`), SQL, rendering details (it calls `digest` and `schedule::digests`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset};
use clap::Subcommand;

use crate::digest::compose::Composer;
use crate::digest::{self, SubscriberConfig};
use crate::model::{Chain, shown_path};
use crate::schedule::digests::{
    DigestReport, Planned, new_articles, render_for, resolve_localities, run_digests,
    subscriber_update,
};
use crate::store::{OutboxStatus, Store, Subscriber};
use crate::templates::Templates;

/// `localfeed subscribers …`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum SubscribersCmd {
    /// Add a subscriber, or change one (an earlier unsubscription is lifted).
    Add {
        /// The address.
        email: String,
        /// A place to follow, as a code or name; repeat for several.
        #[arg(long = "locality", short = 'l', required = true)]
        localities: Vec<String>,
        /// `immediate`, `daily 07:30` or `weekly mon 07:30`.
        #[arg(long, default_value = "daily 07:30")]
        schedule: String,
        /// IANA time zone of the schedule (default: `[digest] default_timezone`).
        #[arg(long, default_value = "")]
        timezone: String,
        /// Send only a plain-text part.
        #[arg(long)]
        plain_text_only: bool,
    },
    /// Remove a subscriber and their unsent digests.
    Remove {
        /// The address.
        email: String,
    },
    /// List subscribers with their places, schedules and last digest, and the
    /// subscriptions waiting for their confirmation link to be followed.
    List,
    /// Honour an unsubscribe request by its token (from a one-click link or the subject
    /// of an unsubscribe mail): no more digests for that subscriber.
    Unsubscribe {
        /// The token (`u1.…`), or the whole link or mail subject holding it.
        token: String,
    },
    /// Add or update subscribers from a CSV file with the columns
    /// `email,localities,schedule,timezone,plain_text_only` (localities separated by `;`).
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

/// `localfeed digest …`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DigestCmd {
    /// Write the digest a subscriber would get now as `.eml` and `.html`, marking nothing.
    Preview {
        /// The subscriber's address.
        email: String,
        /// Folder to write into.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Send the digests that are due (and retry earlier failures).
    Send {
        /// List what would be sent, send nothing and mark nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Send the digests already in the outbox that are due, composing none. On a
    /// PostgreSQL state several of these may run at once, on several machines: each
    /// claims its own digests, none is sent twice.
    Deliver,
}

/// `subscribers add`: validates the address, resolves the places and stores the subscriber.
pub fn subscribers_add(
    store: &mut Store,
    settings: &digest::Settings,
    entry: &SubscriberConfig,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let key = settings.token_key()?;
    let u = subscriber_update(entry, settings, &key, resolve, "cli")?;
    let initial = settings.first_digest_since(now);
    let new = store.upsert_subscriber(&u, &initial, true, &now)?;
    // Each place as typed and what it was taken to be, so a short name's reading shows.
    let places: Vec<String> = u
        .localities
        .iter()
        .map(|l| match resolve(l) {
            Ok(c) => match c.leaf() {
                Some(d) if d.code == *l || d.name == *l => format!("{} {}", d.code, d.name),
                Some(d) => format!("{l} = {} {}", d.code, c.names().join(" ")),
                None => l.clone(),
            },
            Err(_) => l.clone(),
        })
        .collect();
    writeln!(
        out,
        "{} {} ({}; {})",
        if new { "added" } else { "updated" },
        u.email,
        places.join(", "),
        u.schedule
    )?;
    Ok(())
}

/// `subscribers remove`.
pub fn subscribers_remove(
    store: &mut Store,
    _settings: &digest::Settings,
    email: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let email = digest::normalize_address(email);
    if !store.remove_subscriber(&email)? {
        anyhow::bail!("no subscriber {email}");
    }
    writeln!(out, "removed {email}")?;
    Ok(())
}

/// `subscribers list`: one line per subscriber, then one per subscription asked for on
/// the web and not confirmed yet (marked `pending confirmation`, with when its link
/// expires).
pub fn subscribers_list(
    store: &mut Store,
    _settings: &digest::Settings,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let subs = store.subscribers()?;
    let pending = store.pending_subscriptions(now.timestamp())?;
    if subs.is_empty() && pending.is_empty() {
        writeln!(out, "no subscribers")?;
    }
    for s in subs {
        writeln!(
            out,
            "{}\t{}\t{} {}\t{}{}\tlast digest up to {}",
            s.email,
            s.localities.join(";"),
            s.schedule,
            s.timezone,
            s.origin,
            match (&s.unsubscribed, &s.suspended, s.plain_text_only) {
                (Some(t), _, _) => format!(", unsubscribed {}", t.to_rfc3339()),
                (None, Some((t, why)), _) => format!(
                    ", suspended {} ({why}); `subscribers add` resumes",
                    t.to_rfc3339()
                ),
                (None, None, true) => ", plain text".to_string(),
                (None, None, false) => String::new(),
            },
            s.digested_until.to_rfc3339()
        )?;
    }
    for p in pending {
        let at = |secs: i64| {
            DateTime::from_timestamp(secs, 0).map_or_else(
                || secs.to_string(),
                |t| super::when(&t.with_timezone(&now.timezone()), &now),
            )
        };
        writeln!(
            out,
            "{}\t{}\t{} {}\tpending confirmation: asked {}, link expires {}",
            p.email,
            p.localities.join(";"),
            p.schedule,
            p.timezone,
            at(p.created),
            at(p.expires)
        )?;
    }
    Ok(())
}

/// Finds the token in a link, a mail subject (`unsubscribe-u1.…`) or the bare token.
fn token_in(text: &str) -> &str {
    let start = text.find("u1.").unwrap_or(0);
    let rest = text.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

/// `subscribers unsubscribe TOKEN`: verifies the signed token and records the
/// unsubscription. A forged or unknown token changes nothing and is an error.
pub fn subscribers_unsubscribe(
    store: &mut Store,
    settings: &digest::Settings,
    token: &str,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let key = settings.token_key()?;
    let id = key
        .verify(token_in(token), digest::token::Purpose::Unsubscribe)
        .ok_or_else(|| anyhow::anyhow!("not a valid unsubscribe token"))?;
    let sub = store
        .subscriber_by_token(&id)?
        .ok_or_else(|| anyhow::anyhow!("no subscriber holds this token (already removed?)"))?;
    store.unsubscribe(&sub.email, &now)?;
    writeln!(out, "unsubscribed {}", sub.email)?;
    Ok(())
}

/// Reads subscriber entries from CSV text (RFC 4180, read by the `csv` crate). A first row
/// whose first field is `email` is a header; blank rows and rows starting with `#` are
/// skipped. Every bad row is reported with its line number and address.
pub fn parse_subscribers_csv(text: &str) -> Result<Vec<SubscriberConfig>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut first = true;
    for record in reader.records() {
        let f = match record {
            Ok(f) => f,
            Err(e) => {
                let n = e.position().map_or(0, |p| p.line());
                errors.push(format!("line {n}: {}", csv_error(&e)));
                continue;
            }
        };
        let n = f.position().map_or(0, |p| p.line());
        let get = |i: usize| f.get(i).unwrap_or("");
        if std::mem::take(&mut first) && get(0).eq_ignore_ascii_case("email") {
            continue;
        }
        if f.iter().all(str::is_empty) {
            continue;
        }
        let plain = match get(4).to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "0" => false,
            "true" | "yes" | "1" => true,
            other => {
                errors.push(format!(
                    "line {n}: subscriber {}: plain_text_only {other:?} is not true/false",
                    get(0)
                ));
                continue;
            }
        };
        let entry = SubscriberConfig {
            email: get(0).to_string(),
            localities: get(1)
                .split([';', '|', '、'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            schedule: if get(2).is_empty() {
                SubscriberConfig::default().schedule
            } else {
                get(2).to_string()
            },
            timezone: get(3).to_string(),
            plain_text_only: plain,
        };
        match entry.validate() {
            Ok(()) => out.push(entry),
            Err(e) => errors.push(format!("line {n}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What a CSV reading error says, without the position (the caller names the line).
fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

/// `subscribers import FILE.csv`: all rows or none. Rows with a bad address, an unknown
/// place or a bad schedule are listed and nothing is imported.
pub fn subscribers_import(
    store: &mut Store,
    settings: &digest::Settings,
    file: &Path,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {}", shown_path(file)))?;
    let entries = parse_subscribers_csv(&text).map_err(|errs| {
        anyhow::anyhow!(
            "{}: nothing imported:\n  {}",
            shown_path(file),
            errs.join("\n  ")
        )
    })?;
    let key = settings.token_key()?;
    let mut updates = Vec::new();
    let mut errors = Vec::new();
    for e in &entries {
        match subscriber_update(e, settings, &key, resolve, "cli") {
            Ok(u) => updates.push(u),
            Err(err) => errors.push(format!("{err:#}")),
        }
    }
    if !errors.is_empty() {
        anyhow::bail!(
            "{}: nothing imported:\n  {}",
            shown_path(file),
            errors.join("\n  ")
        );
    }
    let initial = settings.first_digest_since(now);
    let (mut added, mut updated) = (0, 0);
    for u in &updates {
        if store.upsert_subscriber(u, &initial, true, &now)? {
            added += 1;
        } else {
            updated += 1;
        }
    }
    writeln!(
        out,
        "imported {}: {added} added, {updated} updated",
        shown_path(file)
    )?;
    Ok(())
}

/// Dispatches `subscribers …`.
pub fn run_subscribers(
    store: &mut Store,
    settings: &digest::Settings,
    cmd: &SubscribersCmd,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match cmd {
        SubscribersCmd::Add {
            email,
            localities,
            schedule,
            timezone,
            plain_text_only,
        } => {
            let entry = SubscriberConfig {
                email: email.clone(),
                localities: localities.clone(),
                schedule: schedule.clone(),
                timezone: timezone.clone(),
                plain_text_only: *plain_text_only,
            };
            subscribers_add(store, settings, &entry, resolve, now, out)
        }
        SubscribersCmd::Remove { email } => subscribers_remove(store, settings, email, out),
        SubscribersCmd::List => subscribers_list(store, settings, now, out),
        SubscribersCmd::Unsubscribe { token } => {
            subscribers_unsubscribe(store, settings, token, now, out)
        }
        SubscribersCmd::Import { file } => {
            subscribers_import(store, settings, file, resolve, now, out)
        }
    }
}

fn file_stem_for(email: &str) -> String {
    email
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `digest preview EMAIL`: writes `EMAIL.eml` and `EMAIL.html` (the HTML part, or the text
/// part for plain-text subscribers) into `dir`, without recording or marking anything.
/// With nothing new, the preview shows the latest articles of their places instead.
#[allow(clippy::too_many_arguments)]
pub fn digest_preview(
    store: &mut Store,
    settings: &digest::Settings,
    subscribers: &[SubscriberConfig],
    email: &str,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    templates: &Templates,
    now: DateTime<FixedOffset>,
    dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let key = settings.token_key()?;
    let email = digest::normalize_address(email);
    let sub = match store.subscriber(&email)? {
        Some(s) => s,
        None => {
            let entry = subscribers
                .iter()
                .find(|s| digest::normalize_address(&s.email) == email)
                .ok_or_else(|| anyhow::anyhow!("no subscriber {email}"))?;
            let u = subscriber_update(entry, settings, &key, resolve, "config")?;
            Subscriber {
                chosen: u,
                unsubscribed: None,
                created: now,
                digested_until: settings.first_digest_since(now),
                last_slot: None,
                suspended: None,
            }
        }
    };
    let composer = Composer::new(settings, templates, key)?;
    let places = resolve_localities(&sub.localities, resolve).unwrap_or_else(|_| {
        sub.codes
            .iter()
            .map(|c| digest::Locality {
                code: c.clone(),
                name: c.clone(),
            })
            .collect()
    });
    let mut articles = new_articles(store, &sub, now)?;
    let mut note = "";
    if articles.is_empty() {
        articles = store.articles_in(&sub.codes, None)?;
        articles.truncate(settings.max_articles.max(1));
        note = " (nothing new: showing the latest articles of their places)";
    }
    let Some((composed, _id, bytes)) =
        render_for(&composer, settings, &sub, &places, &articles, now)?
    else {
        writeln!(out, "no articles in the places {email} follows yet")?;
        return Ok(());
    };
    let stem = file_stem_for(&email);
    let eml = dir.join(format!("{stem}.eml"));
    let html = dir.join(format!("{stem}.html"));
    digest::send::write_atomic(&eml, &bytes)?;
    let page = composed.html.clone().unwrap_or_else(|| {
        format!(
            "<!DOCTYPE html><meta charset=\"utf-8\"><pre>{}</pre>",
            ammonia::clean_text(&composed.text)
        )
    });
    digest::send::write_atomic(&html, page.as_bytes())?;
    writeln!(
        out,
        "{}: {} articles{note}\nwrote {} and {}",
        composed.subject,
        composed.article_ids.len(),
        shown_path(&eml),
        shown_path(&html)
    )?;
    Ok(())
}

/// `digest send --dry-run`: prints what the pass would have done: the outbox entries it
/// would retry and the digests it would send, one line each.
pub fn print_plan(report: &DigestReport, out: &mut dyn Write) -> anyhow::Result<()> {
    for r in &report.rejected {
        writeln!(out, "rejected: {r}")?;
    }
    let mut n = 0;
    for p in &report.plan {
        match p {
            Planned::Retry {
                email,
                subject,
                articles,
                attempts,
                last_error,
            } => {
                let error = last_error
                    .as_ref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "retry\t{email}\t{subject}\t{articles} articles\t{attempts} earlier attempts{error}"
                )?;
                n += 1;
            }
            Planned::Send {
                email,
                subject,
                articles,
                bytes,
            } => {
                writeln!(
                    out,
                    "send\t{email}\t{subject}\t{articles} articles\t{bytes} bytes"
                )?;
                n += 1;
            }
            Planned::Skip { email } => writeln!(out, "skip\t{email}\tnothing new")?,
        }
    }
    writeln!(
        out,
        "{n} digests would be sent (dry run: nothing sent or marked)"
    )?;
    Ok(())
}

/// Prints a pass's report.
pub fn print_report(report: &DigestReport, out: &mut dyn Write) -> anyhow::Result<()> {
    for r in &report.rejected {
        writeln!(out, "rejected: {r}")?;
    }
    writeln!(
        out,
        "digests via {}: {} subscribers, {} due, {} composed, {} nothing new, {} sent, {} deferred, {} failed",
        report.delivery,
        report.subscribers,
        report.due,
        report.composed,
        report.nothing_new,
        report.sent,
        report.deferred,
        report.failed
    )?;
    for f in &report.failures {
        writeln!(
            out,
            "  {} {}: {}",
            if f.permanent { "failed" } else { "will retry" },
            f.email,
            f.error
        )?;
    }
    for email in &report.suspended {
        writeln!(
            out,
            "  suspended {email}: its digests keep failing permanently; `subscribers add` resumes"
        )?;
    }
    Ok(())
}

/// Lines for `localfeed status`: outbox counts and the digests that failed for good.
pub fn status_lines(store: &Store, now: &DateTime<FixedOffset>) -> anyhow::Result<Vec<String>> {
    let (pending, sent, failed) = store.outbox_counts()?;
    let mut lines = vec![format!(
        "digests: {sent} sent, {pending} pending, {failed} failed"
    )];
    for e in store.outbox(Some(OutboxStatus::Failed))? {
        lines.push(format!(
            "  failed {} {} ({}): {}",
            e.email,
            e.message_id,
            e.finished.map(|t| super::when(&t, now)).unwrap_or_default(),
            e.last_error.unwrap_or_default()
        ));
    }
    for sub in store.subscribers()? {
        if let (None, Some((at, why))) = (&sub.unsubscribed, &sub.suspended) {
            lines.push(format!(
                "  suspended {} since {} after repeated permanent failures: {why}",
                sub.email,
                super::when(at, now)
            ));
        }
    }
    for e in store.outbox(Some(OutboxStatus::Pending))? {
        if e.attempts > 0 {
            lines.push(format!(
                "  retrying {} after {} attempts, next {}: {}",
                e.email,
                e.attempts,
                super::when(&e.next_attempt, now),
                e.last_error.unwrap_or_default()
            ));
        }
    }
    Ok(lines)
}

/// Dispatches `digest …`.
#[allow(clippy::too_many_arguments)]
pub fn run_digest(
    store: &mut Store,
    settings: &digest::Settings,
    cmd: &DigestCmd,
    subscribers: &[SubscriberConfig],
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    templates: &Templates,
    now: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match cmd {
        DigestCmd::Preview { email, out: dir } => digest_preview(
            store,
            settings,
            subscribers,
            email,
            resolve,
            templates,
            now,
            dir,
            out,
        ),
        DigestCmd::Deliver => {
            let delivery = crate::digest::Delivery::from_settings(settings, Path::new("."))?;
            let mut report = DigestReport {
                delivery: delivery.describe(),
                ..DigestReport::default()
            };
            crate::schedule::digests::deliver(store, settings, &delivery, now, &mut report)?;
            print_report(&report, out)
        }
        DigestCmd::Send { dry_run } => {
            let report = run_digests(
                store,
                settings,
                subscribers,
                resolve,
                templates,
                now,
                *dry_run,
            )?;
            if *dry_run {
                print_plan(&report, out)
            } else {
                print_report(&report, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Division, Kind, Level, Placement};
    use crate::store::NewArticle;

    fn chain(code: &str) -> Result<Chain, String> {
        let p = Division {
            code: "43".into(),
            name: "南岭省".into(),
            level: Level::Province,
        };
        let c = Division {
            code: "4305".into(),
            name: "松原市".into(),
            level: Level::Prefecture,
        };
        let d = Division {
            code: "430502".into(),
            name: "江北区".into(),
            level: Level::County,
        };
        match code {
            "4305" | "松原市" => Ok(Chain(vec![p, c])),
            "430502" | "江北区" => Ok(Chain(vec![p, c, d])),
            _ => Err(format!("unknown locality {code:?}")),
        }
    }

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn setup() -> (tempfile::TempDir, Store, digest::Settings, Templates) {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "cli-test-key-0123456789").unwrap();
        let settings = digest::Settings {
            from: "摘要 <d@news.example.org>".into(),
            list_id: "digest.news.example.org".into(),
            base_url: "https://news.example.org/".into(),
            signing_key_env: String::new(),
            signing_key_file: Some(key),
            outbox_dir: dir.path().join("outbox"),
            ..digest::Settings::default()
        };
        let mut store = Store::open_in_memory().unwrap();
        let article = Article {
            title: Some("江北区新建口袋公园开放".into()),
            kicker: None,
            subtitle: None,
            body: "本报讯（记者 田野）周末，江北区三座口袋公园向市民开放。".into(),
            reporters: vec![],
            contributors: vec![],
            photographers: vec![],
            date: Some(t("2026-08-21T00:00:00+08:00").date_naive()),
            kind: Kind::News,
            url: None,
            place_hint: None,
            opener: None,
        };
        let placement = Placement {
            primary: chain("430502").unwrap(),
            also: vec![],
            evidence: vec![],
        };
        let new = NewArticle {
            id: crate::model::article_id("s", &article),
            publication: Some("松原日报".into()),
            codes: placement.feed_codes(true),
            article,
            placement,
        };
        store
            .ingest(
                "s",
                "p.txt",
                "h",
                1,
                &[new],
                &t("2026-08-21T20:00:00+08:00"),
            )
            .unwrap();
        (dir, store, settings, Templates::load(None).unwrap())
    }

    #[test]
    fn add_list_remove_and_import() {
        let (dir, mut store, settings, _) = setup();
        let now = t("2026-08-22T09:00:00+08:00");
        let mut out = Vec::new();
        let cmd = SubscribersCmd::Add {
            email: "x@example.net".into(),
            localities: vec!["江北区".into()],
            schedule: "weekly fri 18:00".into(),
            timezone: String::new(),
            plain_text_only: false,
        };
        run_subscribers(&mut store, &settings, &cmd, &chain, now, &mut out).unwrap();
        let bad = SubscribersCmd::Add {
            email: "not an address".into(),
            localities: vec!["江北区".into()],
            schedule: "daily 07:30".into(),
            timezone: String::new(),
            plain_text_only: false,
        };
        let e = run_subscribers(&mut store, &settings, &bad, &chain, now, &mut out).unwrap_err();
        assert!(e.to_string().contains("not an address"), "{e}");
        let unknown = SubscribersCmd::Add {
            email: "y@example.net".into(),
            localities: vec!["无此地".into()],
            schedule: "daily 07:30".into(),
            timezone: String::new(),
            plain_text_only: false,
        };
        let e =
            run_subscribers(&mut store, &settings, &unknown, &chain, now, &mut out).unwrap_err();
        assert!(e.to_string().contains("无此地") && e.to_string().contains("y@example.net"));
        let csv = dir.path().join("s.csv");
        std::fs::write(
            &csv,
            "email,localities\nb@example.net,4305\nc@example.net,江北区;4305\n",
        )
        .unwrap();
        run_subscribers(
            &mut store,
            &settings,
            &SubscribersCmd::Import { file: csv.clone() },
            &chain,
            now,
            &mut out,
        )
        .unwrap();
        std::fs::write(&csv, "d@example.net,4305\ne@example.net,火星\n").unwrap();
        let e = run_subscribers(
            &mut store,
            &settings,
            &SubscribersCmd::Import { file: csv },
            &chain,
            now,
            &mut out,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("e@example.net") && e.to_string().contains("nothing imported")
        );
        assert!(store.subscriber("d@example.net").unwrap().is_none());
        run_subscribers(
            &mut store,
            &settings,
            &SubscribersCmd::Remove {
                email: "b@example.net".into(),
            },
            &chain,
            now,
            &mut out,
        )
        .unwrap();
        let mut listing = Vec::new();
        run_subscribers(
            &mut store,
            &settings,
            &SubscribersCmd::List,
            &chain,
            now,
            &mut listing,
        )
        .unwrap();
        let listing = String::from_utf8(listing).unwrap();
        assert!(
            listing.contains("x@example.net\t江北区\tweekly fri 18:00 Asia/Shanghai"),
            "{listing}"
        );
        assert!(listing.contains("c@example.net") && !listing.contains("b@example.net"));
    }

    #[test]
    fn preview_and_dry_run_mark_nothing() {
        let (dir, mut store, settings, templates) = setup();
        let now = t("2026-08-22T09:00:00+08:00");
        let subs = vec![SubscriberConfig {
            email: "p@example.net".into(),
            localities: vec!["松原市".into()],
            schedule: "immediate".into(),
            ..SubscriberConfig::default()
        }];
        let mut out = Vec::new();
        let preview = DigestCmd::Preview {
            email: "p@example.net".into(),
            out: dir.path().join("preview"),
        };
        run_digest(
            &mut store, &settings, &preview, &subs, &chain, &templates, now, &mut out,
        )
        .unwrap();
        let html = std::fs::read_to_string(dir.path().join("preview/p_example.net.html")).unwrap();
        assert!(
            html.contains("江北区新建口袋公园开放") && html.contains("style=\""),
            "CSS inlined"
        );
        assert!(
            html.contains("href=\"https://news.example.org/unsubscribe?token=u1."),
            "{html}"
        );
        let eml = std::fs::read(dir.path().join("preview/p_example.net.eml")).unwrap();
        assert!(eml.is_ascii() && eml.windows(20).any(|w| w == b"List-Unsubscribe-Pos"));
        let mut listing = Vec::new();
        let dry = DigestCmd::Send { dry_run: true };
        run_digest(
            &mut store,
            &settings,
            &dry,
            &subs,
            &chain,
            &templates,
            now,
            &mut listing,
        )
        .unwrap();
        let listing = String::from_utf8(listing).unwrap();
        assert!(
            listing.contains("send\tp@example.net\t松原市本地新闻 · 8月22日 · 1篇"),
            "{listing}"
        );
        // Nothing recorded or sent by either.
        assert_eq!(store.outbox_counts().unwrap(), (0, 0, 0));
        assert!(!settings.outbox_dir.exists());
        // The real pass sends it once; a second pass finds nothing new.
        let mut report = Vec::new();
        run_digest(
            &mut store,
            &settings,
            &DigestCmd::Send { dry_run: false },
            &subs,
            &chain,
            &templates,
            now,
            &mut report,
        )
        .unwrap();
        let report = String::from_utf8(report).unwrap();
        assert!(
            report.contains("1 composed") && report.contains("1 sent"),
            "{report}"
        );
        assert_eq!(std::fs::read_dir(&settings.outbox_dir).unwrap().count(), 1);
        let mut again = Vec::new();
        run_digest(
            &mut store,
            &settings,
            &DigestCmd::Send { dry_run: false },
            &subs,
            &chain,
            &templates,
            now,
            &mut again,
        )
        .unwrap();
        assert!(
            String::from_utf8(again)
                .unwrap()
                .contains("0 composed, 1 nothing new, 0 sent")
        );
        assert!(
            status_lines(&store, &t("2024-06-10T09:00:00+08:00")).unwrap()[0]
                .contains("1 sent, 0 pending, 0 failed")
        );
        // The link's token unsubscribes; a forged one does not.
        let key = settings.token_key().unwrap();
        let link = format!(
            "https://news.example.org/unsubscribe?token={}",
            key.token("p@example.net", digest::token::Purpose::Unsubscribe)
        );
        let forged = link.replace("u1.", "u1.0");
        let mut again = Vec::new();
        let cmd = SubscribersCmd::Unsubscribe { token: forged };
        assert!(run_subscribers(&mut store, &settings, &cmd, &chain, now, &mut again).is_err());
        let cmd = SubscribersCmd::Unsubscribe { token: link };
        run_subscribers(&mut store, &settings, &cmd, &chain, now, &mut again).unwrap();
        assert!(
            store
                .subscriber("p@example.net")
                .unwrap()
                .unwrap()
                .unsubscribed
                .is_some()
        );
    }

    #[test]
    fn csv_rows_are_parsed_and_bad_ones_named() {
        let ok = "email,localities,schedule,timezone,plain_text_only\n\
                  a@example.net,370871;371102,daily 07:30,,\n\
                  \"b@example.net\",\"高新区|某某镇\",immediate,Asia/Shanghai,true\n";
        let v = parse_subscribers_csv(ok).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].localities, vec!["370871", "371102"]);
        assert_eq!(v[1].localities, vec!["高新区", "某某镇"]);
        assert!(v[1].plain_text_only);
        let bad = "not-an-address,370871\nc@example.net,,daily 07:30\nd@example.net,1,hourly\n";
        let errs = parse_subscribers_csv(bad).unwrap_err();
        assert_eq!(errs.len(), 3);
        assert!(errs[0].contains("line 1") && errs[0].contains("not-an-address"));
        assert!(errs[1].contains("c@example.net"));
        assert!(errs[2].contains("line 3") && errs[2].contains("hourly"));
    }

    #[test]
    fn csv_quotes_commas_and_quoted_line_breaks() {
        let text = "email,localities\n\
                    \"a@example.net\",\"370871, 371102\"\n\
                    # a comment row\n\
                    \n\
                    b@example.net,\"高新区|\n某某镇\",\"daily 07:30\"\n";
        let v = parse_subscribers_csv(text).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].email, "a@example.net");
        assert_eq!(v[0].localities, vec!["370871, 371102"]);
        assert_eq!(v[1].localities, vec!["高新区", "某某镇"]);
        assert_eq!(v[1].schedule, "daily 07:30");
        let errs = parse_subscribers_csv("ok@example.net,370871\n\"open,370871\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("line 2"), "{errs:?}");
    }
}
