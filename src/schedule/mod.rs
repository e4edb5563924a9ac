//! One run of the pipeline, in order: the run lock, new or changed input files, extract,
//! locate, store, publish, digests, and the run's exit status.
//!
//! Owns: the order of the stages, what needs doing at all (files whose size and time
//! vouch for them are not read, see `files`; a site whose articles, corrections,
//! settings and templates did not change since it was published is not published again),
//! the per-file error policy (report, record, carry on, fail the run at the end), and the
//! lock that keeps two runs apart. Must not touch:
//! parsing or rendering (the stages do that), or sleeping (the timer owns time).

mod budget;
pub mod digests;
mod files;
mod network;

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::clock::Clock;
use crate::config::{Config, Origin};
use crate::extract;
use crate::locate::{self, Gazetteer};
use crate::model::{
    Article, Chain, InputForm, PageText, Placement, SourceHints, StoredArticle, article_id,
    content_hash, shown_path,
};
use crate::publish;
use crate::sources::{self, InputFile};
use crate::store::{BodyReader, NewArticle, RunTotals, Store};
use crate::stories;
use crate::templates::Templates;

use self::budget::Placer;

/// One input (or source) that could not be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file or folder.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct RunReport {
    /// Counts.
    pub totals: RunTotals,
    /// Inputs that failed; the run's exit status is 1 when there are any.
    pub failures: Vec<Failure>,
}

/// Why a run did not happen at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another run holds the lock.
    #[error("another run is in progress (lock {0} is held); try again later")]
    Locked(String),
    /// Anything else that stops the whole run (state file unusable, output folder unwritable).
    #[error(transparent)]
    Fatal(#[from] anyhow::Error),
}

/// How a run reports progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Send the digests that are due (with a `[digest]` table). A trial run over a folder
    /// (`run --inbox`) leaves them off unless asked, so trying localfeed mails nobody.
    pub digests: bool,
    /// Publish even when the run would take more than `[publish] max_retire_percent` of
    /// the published articles off the site (`run --allow-shrink`).
    pub allow_shrink: bool,
}

/// The run lock: a file next to the state file, locked for the life of the value.
#[derive(Debug)]
pub struct RunLock {
    _file: Option<File>,
    /// The lock a PostgreSQL store holds instead of a file's.
    _database: Option<crate::store::DatabaseRunLock>,
    /// The file system's time when the lock was taken (the lock file's modification time,
    /// in ns since the Unix epoch, after the holder's process id was written to it): an
    /// input file modified near it or later is not vouched for by its time (see
    /// `files::vouched`).
    taken_ns: Option<i64>,
}

/// Takes the run lock for a state file, or says who holds it.
pub fn lock(state: &Path) -> Result<RunLock, RunError> {
    if crate::store::is_database_url(state) {
        let url = state.to_str().unwrap_or_default();
        return match crate::store::database_run_lock(url)? {
            Some(held) => Ok(RunLock {
                _file: None,
                _database: Some(held),
                taken_ns: file_system_now(),
            }),
            None => Err(RunError::Locked(crate::store::shown_state(state))),
        };
    }
    let path = lock_path(state);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the state folder {}", shown_path(dir)))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", shown_path(&path)))?;
    match file.try_lock() {
        Ok(()) => {
            // The holder's process id, which also gives the file the file system's time.
            let mut f = &file;
            let taken_ns = (f.set_len(0).is_ok()
                && std::io::Write::write_all(
                    &mut f,
                    format!("{}\n", std::process::id()).as_bytes(),
                )
                .is_ok())
            .then(|| {
                file.metadata()
                    .ok()
                    .and_then(|m| crate::sources::mtime_ns(&m))
            })
            .flatten();
            Ok(RunLock {
                _file: Some(file),
                _database: None,
                taken_ns,
            })
        }
        Err(TryLockError::WouldBlock) => Err(RunError::Locked(shown_path(&path))),
        Err(TryLockError::Error(e)) => {
            Err(anyhow::anyhow!("cannot lock {}: {e}", shown_path(&path)).into())
        }
    }
}

/// The file system's time now, for a store that has no lock file to give it: the
/// modification time of a file written for the purpose in the temporary folder (and
/// removed). `None` when that cannot be done: then no input file is vouched for by its
/// time, and every one is read again.
fn file_system_now() -> Option<i64> {
    let path = std::env::temp_dir().join(format!(".localfeed-run-{}", std::process::id()));
    std::fs::write(&path, b"run\n").ok()?;
    let t = std::fs::metadata(&path)
        .ok()
        .and_then(|m| crate::sources::mtime_ns(&m));
    let _ = std::fs::remove_file(&path);
    t
}

fn lock_path(state: &Path) -> PathBuf {
    let mut s = state.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Runs the whole pipeline once.
pub fn run_once(cfg: &Config, clock: &dyn Clock, opts: RunOptions) -> Result<RunReport, RunError> {
    let run_lock = lock(&cfg.state_path())?;
    let templates = Templates::load(cfg.templates_dir().as_deref())?;
    let mut store = Store::open(&cfg.state_path())?;
    let run_id = store.start_run(&clock.now())?;
    let mut report = RunReport::default();
    let mut placer = Placer::new(Gazetteer::embedded);
    // A source folder that is not there is a configuration error (or a mount that failed):
    // nothing is read, and the published site is left as it is rather than emptied.
    for source in &cfg.sources {
        let Origin::Folder(path) = source.origin() else {
            continue;
        };
        let root = cfg.resolve(path);
        if !root.is_dir() {
            // recorded as a failed run, so that `status` shows it
            store.finish_run(run_id, &report.totals, false, &clock.now())?;
            return Err(RunError::Fatal(anyhow::anyhow!(
                "source {:?}: folder {} does not exist or is not a folder; nothing was read or published",
                source.id,
                root.display()
            )));
        }
    }

    for source in &cfg.sources {
        let Origin::Folder(path) = source.origin() else {
            continue;
        };
        let root = cfg.resolve(path);
        let (files, problems) = match sources::scan(&source.id, &root) {
            Ok(x) => x,
            Err(e) => {
                tracing::error!("{e}");
                report.failures.push(Failure {
                    path: shown_path(&root),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        for p in problems {
            tracing::warn!("{p}");
        }
        let (files, not_text) = match sources::select(files, &source.include, &source.exclude) {
            Ok(x) => x,
            Err(e) => {
                report.failures.push(Failure {
                    path: format!("source {:?}", source.id),
                    reason: format!("include/exclude pattern: {e}"),
                });
                continue;
            }
        };
        if !not_text.is_empty() {
            let names: Vec<String> = not_text
                .iter()
                .map(|f| crate::model::shown(&f.name).into_owned())
                .collect();
            tracing::info!(
                "source {:?}: {} file(s) skipped, neither text nor a feed: {}",
                source.id,
                names.len(),
                names.join(", ")
            );
        }
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        store.forget_missing_failures(&source.id, &names)?;
        let hints = SourceHints {
            publication: source.publication.clone(),
            home: source.home.clone(),
        };
        let bar = progress_bar(opts.progress, files.len() as u64, &source.id);
        files::ingest_files(
            &mut store,
            cfg,
            &mut placer,
            source,
            &files,
            &hints,
            (clock, run_lock.taken_ns),
            &bar,
            &mut report,
        )?;
        bar.finish_and_clear();
    }
    network::run(&mut store, cfg, &mut placer, clock, &mut report)?;

    let out = cfg.out_dir();
    // Nothing that shapes the site changed since it was last published (no article, no
    // correction, no setting or template; the folder as that publish left it): the
    // stored articles are not even read.
    let out_key = std::path::absolute(&out).unwrap_or_else(|_| out.clone());
    let out_key = out_key.to_string_lossy();
    let fingerprint = publish::fingerprint(&cfg.publish, &templates);
    let mark_now = |store: &Store| -> Result<Option<String>> {
        let changes = store.changes()?;
        Ok(publish::stamp(&out)
            .map(|stamp| format!("{changes} {fingerprint:016x} {:?} {stamp}", cfg.stories)))
    };
    let mark = mark_now(&store)?;
    if mark.is_some() && mark == store.publish_mark(&out_key)? {
        tracing::info!(
            "{} file(s) read, {} new or changed, {} failed; {} article(s) changed; 0 output file(s) written: no article, correction or setting changed since {} was last published",
            report.totals.files_read,
            report.totals.files_new,
            report.totals.files_failed,
            report.totals.articles_changed,
            shown_path(&out)
        );
    } else {
        publish_all(&mut store, cfg, &templates, opts, &mut report)
            .map_err(|e| e.with_run(&mut store, run_id, &report.totals, clock))?;
        store.set_publish_mark(&out_key, mark_now(&store)?.as_deref())?;
    }
    tracing::debug!(
        "{} stored article(s) read from the state file",
        store.articles_decoded()
    );
    if cfg.digest.is_some() && opts.digests {
        match digest_settings(cfg) {
            Ok(settings) => {
                let gaz = Gazetteer::embedded();
                let resolve = |s: &str| gaz.lookup(s).map_err(|e| e.to_string());
                match digests::run_digests(
                    &mut store,
                    &settings,
                    &cfg.subscribers,
                    &resolve,
                    &templates,
                    clock.now(),
                    false,
                ) {
                    Ok(d) => {
                        report.totals.digests_sent = d.sent;
                        tracing::info!(
                            "digests: {} due, {} with nothing new, {} sent ({}), {} deferred, {} failed",
                            d.due,
                            d.nothing_new,
                            d.sent,
                            d.delivery,
                            d.deferred,
                            d.failed
                        );
                        for r in d.rejected {
                            report.failures.push(Failure {
                                path: "[[subscriber]]".into(),
                                reason: r,
                            });
                        }
                        for f in d.failures {
                            let what = if f.permanent {
                                "refused for good"
                            } else {
                                "will be retried"
                            };
                            report.failures.push(Failure {
                                path: format!("digest to {}", f.email),
                                reason: format!("{} ({what}; {})", f.error, f.message_id),
                            });
                        }
                    }
                    Err(e) => report.failures.push(Failure {
                        path: "digests".into(),
                        reason: format!("{e:#}"),
                    }),
                }
            }
            Err(e) => report.failures.push(Failure {
                path: "digests".into(),
                reason: format!("{e:#}"),
            }),
        }
    }
    store.finish_run(
        run_id,
        &report.totals,
        report.failures.is_empty(),
        &clock.now(),
    )?;
    Ok(report)
}

/// Why publishing stopped a run.
enum PublishError {
    /// It would take too much off the site: the run is recorded as failed first.
    Shrink(anyhow::Error),
    /// Anything else.
    Other(anyhow::Error),
}

impl PublishError {
    /// The run's error; a refused shrink is recorded as a failed run first.
    fn with_run(
        self,
        store: &mut Store,
        run_id: i64,
        totals: &RunTotals,
        clock: &dyn Clock,
    ) -> RunError {
        match self {
            PublishError::Shrink(e) => {
                match store.finish_run(run_id, totals, false, &clock.now()) {
                    Ok(()) => RunError::Fatal(e),
                    Err(f) => RunError::Fatal(f),
                }
            }
            PublishError::Other(e) => RunError::Fatal(e),
        }
    }
}

impl From<anyhow::Error> for PublishError {
    fn from(e: anyhow::Error) -> Self {
        PublishError::Other(e)
    }
}

/// Finds the stories, then publishes every stored article into the output folder, unless
/// that would take too much off the site.
fn publish_all(
    store: &mut Store,
    cfg: &Config,
    templates: &Templates,
    opts: RunOptions,
    report: &mut RunReport,
) -> Result<(), PublishError> {
    // Heads: the bodies stay in the store and are read back a batch at a time, for the
    // articles signed, compared or rendered (memory in proportion to the work).
    let bodies = store.body_reader()?;
    let articles = one_item_per_story(store, cfg, &bodies)?;
    let out = cfg.out_dir();
    // A site is never replaced by a much smaller one without being asked: a state file or
    // a source that vanished (a mount that failed) looks like articles withdrawn.
    let shrink = publish::shrink(&articles, &cfg.publish, &out);
    let limit = u64::from(cfg.publish.max_retire_percent);
    if !opts.allow_shrink && shrink.retired as u64 * 100 > shrink.published as u64 * limit {
        return Err(PublishError::Shrink(anyhow::anyhow!(
            "this run would take {} of the {} published articles off {} ({}%, more than \
             [publish] max_retire_percent = {limit}); nothing was published or sent and the \
             site is left as it is. If the articles are really gone, run again with \
             --allow-shrink",
            shrink.retired,
            shrink.published,
            shown_path(&out),
            shrink.retired * 100 / shrink.published.max(1),
        )));
    }
    let published = publish::publish_with(&articles, &bodies, &cfg.publish, templates, &out)
        .with_context(|| format!("cannot publish into {}", shown_path(&out)))?;
    tracing::debug!(
        "{} article bod(y/ies) read from the state file, at most {} at once",
        bodies.bodies_read(),
        bodies.largest_batch()
    );
    report.totals.feeds_written = published.written.len();
    tracing::info!(
        "{} file(s) read, {} new or changed, {} failed; {} article(s) changed; {} output file(s) written, {} unchanged, {} removed",
        report.totals.files_read,
        report.totals.files_new,
        report.totals.files_failed,
        report.totals.articles_changed,
        published.written.len(),
        published.unchanged,
        published.removed.len()
    );
    Ok(())
}

/// The stored articles with each story once (`[stories] merge`): the printings of one
/// story are found across every source, recorded in the store (digests read it there)
/// and folded into the printing that leads the story. With `merge = false` every
/// printing is its own story.
fn one_item_per_story(
    store: &mut Store,
    cfg: &Config,
    bodies: &BodyReader,
) -> Result<Vec<StoredArticle>> {
    let articles = store.article_heads()?;
    if !cfg.stories.merge {
        store.forget_stories()?;
        return Ok(articles);
    }
    let earlier = store.story_members()?;
    let unsigned = store.unsigned_articles(stories::Sketch::VERSION)?;
    // A pass where most articles are new signs them all and looks at every pair anyway;
    // otherwise only the new articles, the stories they break up and the printings
    // sharing a bucket with them are held (memory in proportion to what is new).
    let members = match (unsigned.len() * 2 < articles.len())
        .then(|| stories_of_the_new(store, &articles, &unsigned, &earlier, bodies))
        .transpose()?
        .flatten()
    {
        Some(m) => m,
        None => stories_of_all(store, &articles, &earlier, bodies)?,
    };
    if !members.is_empty() {
        let leaders: std::collections::BTreeSet<&str> =
            members.iter().map(|(_, s)| s.as_str()).collect();
        tracing::info!(
            "{} printing(s) published as part of {} other stor(y/ies) (reprints)",
            members.len(),
            leaders.len()
        );
    }
    Ok(stories::collapse(articles, &members))
}

/// The stories of every article, each signed once (the sketches of earlier runs come
/// from the store), every sketch held at once: recorded in the store and returned.
fn stories_of_all(
    store: &mut Store,
    articles: &[StoredArticle],
    earlier: &[(String, String)],
    bodies: &BodyReader,
) -> Result<stories::Members> {
    let (sketches, made) = sketches(store, articles, bodies)?;
    tracing::debug!(
        "stories: {} article(s) looked at, {} signed",
        articles.len(),
        made.len()
    );
    let mut fresh = vec![false; articles.len()];
    for &i in &made {
        fresh[i] = true;
    }
    // the bodies of the few printings compared closely, read when asked
    let failed = std::cell::RefCell::new(None);
    let members = stories::find_since(
        articles,
        &sketches,
        &fresh,
        earlier,
        &stories::Thresholds::default(),
        &|a| body_of(a, bodies, &failed),
    );
    if let Some(e) = failed.into_inner() {
        return Err(e.context("cannot read an article's body to compare it"));
    }
    let signed: Vec<&str> = made.iter().map(|&i| articles[i].id.as_str()).collect();
    store.record_stories(&signed, |k| sketches[made[k]].to_bytes(), earlier, &members)?;
    Ok(members)
}

/// The stories when few articles are new (`unsigned`, the ids of the articles without
/// a kept sketch, sorted): what [`stories_of_all`] finds, holding only the sketches of
/// the articles it looks at. Those are the new articles and the printings of the
/// earlier stories they break up (a story that held a changed or vanished printing is
/// looked at again whole), the printings sharing an LSH bucket with one of them (found
/// by streaming the kept sketches, one at a time) and the other printings of those
/// printings' stories; every other earlier story stands as it was. `find_since` draws
/// pairs only from buckets holding a new printing, and every printing of such a bucket is
/// handed to it, so the stories are the same. `None` when a kept sketch cannot be read
/// (the caller signs everything again).
fn stories_of_the_new(
    store: &mut Store,
    articles: &[StoredArticle],
    unsigned: &[String],
    earlier: &[(String, String)],
    bodies: &BodyReader,
) -> Result<Option<stories::Members>> {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    /// Bodies read (and articles signed) at once.
    const BATCH: usize = 64;
    // heads are sorted by id (see `Store::article_heads`)
    let find = |id: &str| articles.binary_search_by(|a| a.id.as_str().cmp(id)).ok();
    let given: BTreeSet<usize> = unsigned.iter().filter_map(|id| find(id)).collect();
    // the earlier stories: standing, or broken up (their printings looked at again)
    let mut by_story: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (m, s) in earlier {
        by_story.entry(s.as_str()).or_default().push(m.as_str());
    }
    let mut fresh = given.clone();
    // the story's lead and every printing's index, of each standing story
    let mut standing: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut story_at: HashMap<usize, usize> = HashMap::new();
    for (lead, printings) in &by_story {
        let ids = || std::iter::once(*lead).chain(printings.iter().copied());
        let found: Option<Vec<usize>> = ids().map(find).collect();
        match found {
            Some(story) if story.iter().all(|i| !given.contains(i)) => {
                for &i in &story {
                    story_at.insert(i, standing.len());
                }
                standing.push((lead, story));
            }
            _ => fresh.extend(ids().filter_map(find)),
        }
    }
    // the sketches of the articles looked at: made for the new, kept for the others
    let mut sketched: BTreeMap<usize, stories::Sketch> = BTreeMap::new();
    let new: Vec<usize> = given.iter().copied().collect();
    for batch in new.chunks(BATCH) {
        let ids: Vec<&str> = batch.iter().map(|&i| articles[i].id.as_str()).collect();
        for (&i, body) in batch.iter().zip(bodies.bodies(&ids)?) {
            sketched.insert(i, stories::Sketch::of(&body));
        }
    }
    let kept: Vec<&str> = fresh
        .difference(&given)
        .map(|&i| articles[i].id.as_str())
        .collect();
    let kept = store.sketches_of(&kept)?;
    if kept.len() != fresh.len() - given.len() {
        return Ok(None);
    }
    for (id, bytes) in kept {
        let (Some(i), Some(s)) = (find(&id), stories::Sketch::from_bytes(&bytes)) else {
            return Ok(None);
        };
        sketched.insert(i, s);
    }
    // the printings sharing a bucket with one looked at, streamed from the kept sketches
    let buckets = stories::Buckets::of(fresh.iter().filter_map(|i| sketched.get(i)));
    let mut unreadable = false;
    // (nothing new: no bucket to share, nothing to stream)
    if !fresh.is_empty() {
        store.each_sketch(|id, bytes| {
            let Some(i) = find(id).filter(|i| !fresh.contains(i)) else {
                return;
            };
            match stories::Sketch::from_bytes(bytes) {
                Some(s) if buckets.meets(&s) => {
                    sketched.insert(i, s);
                }
                Some(_) => {}
                None => unreadable = true,
            }
        })?;
    }
    if unreadable {
        return Ok(None);
    }
    // with the other printings of their stories (their sketches stand for no bucket:
    // they share none, or they would have been found)
    let mut looked: BTreeSet<usize> = sketched.keys().copied().collect();
    let mut stood: BTreeSet<usize> = BTreeSet::new();
    for i in sketched.keys() {
        if let Some(&k) = story_at.get(i) {
            stood.insert(k);
            looked.extend(standing[k].1.iter().copied());
        }
    }
    let index: Vec<usize> = looked.into_iter().collect();
    tracing::debug!(
        "stories: {} article(s) looked at, {} signed, of {}",
        index.len(),
        given.len(),
        articles.len()
    );
    let part: Vec<StoredArticle> = index.iter().map(|&i| articles[i].clone()).collect();
    let part_sketches: Vec<stories::Sketch> = index
        .iter()
        .map(|i| {
            sketched
                .remove(i)
                .unwrap_or_else(|| stories::Sketch::of(""))
        })
        .collect();
    let part_fresh: Vec<bool> = index.iter().map(|i| fresh.contains(i)).collect();
    let part_earlier: Vec<(String, String)> = stood
        .iter()
        .flat_map(|&k| {
            let (lead, story) = &standing[k];
            story
                .iter()
                .filter(move |&&i| articles[i].id != *lead)
                .map(move |&i| (articles[i].id.clone(), (*lead).to_string()))
        })
        .collect();
    let failed = std::cell::RefCell::new(None);
    let found = stories::find_since(
        &part,
        &part_sketches,
        &part_fresh,
        &part_earlier,
        &stories::Thresholds::default(),
        &|a| body_of(a, bodies, &failed),
    );
    if let Some(e) = failed.into_inner() {
        return Err(e.context("cannot read an article's body to compare it"));
    }
    // the stories looked at, and every other earlier story as it stood
    let untouched: BTreeSet<&str> = standing
        .iter()
        .enumerate()
        .filter(|(k, _)| !stood.contains(k))
        .map(|(_, (lead, _))| *lead)
        .collect();
    let mut members: stories::Members = found;
    members.extend(
        earlier
            .iter()
            .filter(|(_, s)| untouched.contains(s.as_str()))
            .cloned(),
    );
    members.sort();
    let signed: Vec<&str> = new.iter().map(|&i| articles[i].id.as_str()).collect();
    let position: HashMap<usize, usize> = index.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    store.record_stories(
        &signed,
        |k| part_sketches[position[&new[k]]].to_bytes(),
        earlier,
        &members,
    )?;
    Ok(Some(members))
}

/// The body of an article, read from the store when it is a head; a read that fails
/// gives an empty body and leaves its error in `failed`.
fn body_of<'a>(
    a: &'a StoredArticle,
    bodies: &BodyReader,
    failed: &std::cell::RefCell<Option<anyhow::Error>>,
) -> std::borrow::Cow<'a, str> {
    if !a.is_head() {
        return std::borrow::Cow::Borrowed(a.article.body.as_str());
    }
    match bodies.bodies(&[a.id.as_str()]) {
        Ok(mut b) => std::borrow::Cow::Owned(b.pop().unwrap_or_default()),
        Err(e) => {
            failed.borrow_mut().get_or_insert(e);
            std::borrow::Cow::Borrowed("")
        }
    }
}

/// The sketch of every article, in their order (`articles` are heads in id order, as
/// [`Store::article_heads`] gives them), with the indices of the articles signed now:
/// each article is signed once, the sketches of earlier runs come from the store
/// (matched to the heads as both are read in id order) and the others are made from
/// bodies read a batch at a time (the caller keeps them with the stories they gave).
fn sketches(
    store: &Store,
    articles: &[StoredArticle],
    bodies: &BodyReader,
) -> Result<(Vec<stories::Sketch>, Vec<usize>)> {
    /// Bodies read (and articles signed) at once.
    const BATCH: usize = 64;
    // one vector of sketches, filled in place (a sketch is about 1 KB)
    let mut all = vec![stories::Sketch::of(""); articles.len()];
    let mut found = vec![false; articles.len()];
    let mut at = 0;
    store.each_sketch(|id, bytes| {
        while articles.get(at).is_some_and(|a| a.id.as_str() < id) {
            at += 1;
        }
        if articles.get(at).is_some_and(|a| a.id == id)
            && let Some(s) = stories::Sketch::from_bytes(bytes)
        {
            all[at] = s;
            found[at] = true;
        }
    })?;
    let made: Vec<usize> = (0..articles.len()).filter(|&i| !found[i]).collect();
    drop(found);
    for batch in made.chunks(BATCH) {
        let heads: Vec<&StoredArticle> = batch
            .iter()
            .map(|&i| &articles[i])
            .filter(|a| a.is_head())
            .collect();
        let ids: Vec<&str> = heads.iter().map(|a| a.id.as_str()).collect();
        let mut read = bodies.bodies(&ids)?.into_iter();
        for &i in batch {
            let a = &articles[i];
            all[i] = if a.is_head() {
                stories::Sketch::of(&read.next().unwrap_or_default())
            } else {
                stories::Sketch::of(&a.article.body)
            };
        }
    }
    Ok((all, made))
}

/// Publishing reads the bodies of heads from the store.
impl publish::Bodies for BodyReader {
    fn bodies(&self, ids: &[&str]) -> Result<Vec<String>> {
        BodyReader::bodies(self, ids)
    }
}

/// The `[digest]` settings with their paths resolved against the config's folder. When no
/// signing key is configured (neither the environment variable nor a file), the key file
/// defaults to `signing.key` next to the state file; `TokenKey::load_or_create` makes it
/// (random, owner-only) on first use, so links stay valid from run to run without a
/// secret in the config.
pub fn digest_settings(cfg: &Config) -> Result<crate::digest::Settings> {
    let mut s = cfg.digest.clone().unwrap_or_default();
    s.outbox_dir = cfg.resolve(&s.outbox_dir);
    s.password_file = s.password_file.map(|p| cfg.resolve(&p));
    s.dkim_key_file = s.dkim_key_file.map(|p| cfg.resolve(&p));
    s.signing_key_file = s.signing_key_file.map(|p| cfg.resolve(&p));
    s.tls_ca_file = s.tls_ca_file.map(|p| cfg.resolve(&p));
    let env_set = !s.signing_key_env.trim().is_empty()
        && std::env::var_os(s.signing_key_env.trim()).is_some_and(|v| !v.is_empty());
    if !env_set && s.signing_key_file.is_none() {
        // beside the state file; beside the config when the state is a database
        let state = if crate::store::is_database_url(&cfg.state) {
            cfg.resolve(Path::new("state/localfeed.db"))
        } else {
            cfg.state_path()
        };
        s.signing_key_file = Some(state.parent().unwrap_or(Path::new(".")).join("signing.key"));
    }
    Ok(s)
}

enum Ingested {
    Unchanged,
    Stored(usize),
}

/// Records in the store that `file` (with content hash `hash`, empty when unread) failed,
/// so that it is tried again next run; returns the reason, saying so when even that failed.
fn record_failure(
    store: &mut Store,
    file: &InputFile,
    hash: &str,
    reason: String,
    clock: &dyn Clock,
) -> String {
    match store.record_failure(
        &file.source,
        &file.name,
        hash,
        file.size,
        &reason,
        &clock.now(),
    ) {
        Ok(()) => reason,
        Err(e) => format!("{reason} (and the failure could not be recorded: {e:#})"),
    }
}

/// Reads, extracts, places and stores one file. A failure is recorded in the store (so
/// the file is tried again next run) and returned as the reason.
fn ingest_file(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    file: &InputFile,
    (limit_mb, max_secs): (u64, f64),
    hints: &SourceHints,
    clock: &dyn Clock,
) -> Result<Ingested, String> {
    let fail = |store: &mut Store, hash: &str, reason: String| -> String {
        record_failure(store, file, hash, reason, clock)
    };
    let bytes = match sources::read(file, limit_mb) {
        Ok(b) => b,
        Err(e) => return Err(fail(store, "", e.to_string())),
    };
    let hash = content_hash(&bytes);
    match store.input(&file.source, &file.name) {
        Ok(Some(rec)) if rec.hash == hash && rec.status == "ok" => return Ok(Ingested::Unchanged),
        Ok(_) => {}
        Err(e) => return Err(format!("cannot read the state: {e:#}")),
    }
    let text = match extract::decode(&bytes) {
        Ok(d) => {
            // repaired, not failed: the page's articles are kept and the repair is logged
            for w in &d.warnings {
                tracing::warn!("{}: {w}", file.path.display());
            }
            d.text
        }
        Err(e) => return Err(fail(store, &hash, e.to_string())),
    };
    let budget = Duration::from_secs_f64(max_secs);
    if sources::may_be_feed(&file.name) {
        match sources::parse_feed(&text, None) {
            Ok(feed) => {
                let mut changed = 0;
                for entry in &feed.entries {
                    let name = format!("{}#{}", file.name, entry.key);
                    let doc = entry.document(feed.title.as_deref());
                    let got = network::store_entry(
                        store,
                        cfg,
                        placer,
                        (&file.source, &name),
                        (&doc, &content_hash(doc.as_bytes())),
                        (entry, None),
                        (hints, budget),
                        clock,
                    );
                    match got {
                        Ok(n) => changed += n,
                        Err(reason) => {
                            return Err(fail(store, &hash, format!("entry {name:?}: {reason}")));
                        }
                    }
                }
                // the file itself holds no article: its entries are inputs of their own
                return match store.ingest(
                    &file.source,
                    &file.name,
                    &hash,
                    bytes.len() as u64,
                    &[],
                    &clock.now(),
                ) {
                    Ok(_) => Ok(Ingested::Stored(changed)),
                    Err(e) => Err(fail(store, &hash, format!("cannot store: {e:#}"))),
                };
            }
            Err(sources::FeedError::Broken(why)) if sources::claims_to_be_feed(&text) => {
                return Err(fail(store, &hash, format!("broken feed: {why}")));
            }
            Err(_) => {} // page text after all
        }
    }
    let page = PageText {
        source: file.source.clone(),
        name: file.name.clone(),
        text,
        form: InputForm::from_file_name(&file.name),
        hints: hints.clone(),
        seen: None,
    };
    match store_page(
        store,
        cfg,
        placer,
        (&file.source, &file.name, &hash, bytes.len() as u64),
        page,
        budget,
        clock,
        |_| {},
    ) {
        Ok(n) => Ok(Ingested::Stored(n)),
        Err(reason) => Err(fail(store, &hash, reason)),
    }
}

/// Places a page's articles and stores them as the articles of input `(source, name)`
/// with content hash `hash`, after `adjust` has had its say on them (ids, fields). The
/// number of articles added, updated or removed, or the reason it failed (not recorded:
/// the caller records it against its input).
#[allow(clippy::too_many_arguments)]
pub(crate) fn store_page(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    (source, name, hash, size): (&str, &str, &str, u64),
    page: PageText,
    budget: Duration,
    clock: &dyn Clock,
    adjust: impl FnOnce(&mut Vec<NewArticle>),
) -> Result<usize, String> {
    let mut page = page;
    if page.seen.is_none() {
        // the day the input was first seen: an earlier run's, else today
        let first = store
            .input_first_seen(source, name)
            .map_err(|e| format!("cannot read the store: {e:#}"))?
            .unwrap_or_else(|| clock.now());
        page.seen = Some(first.with_timezone(&crate::model::shanghai()).date_naive());
    }
    let mut articles = placer
        .place(page, cfg.publish.include_also, budget)
        .map_err(|e| e.to_string())?;
    adjust(&mut articles);
    store_placed(store, (source, name, hash, size), articles, clock)
}

/// Stores the placed articles of input `(source, name)` with content hash `hash`: the
/// number of articles added, updated or removed, or the reason it failed (not recorded).
pub(crate) fn store_placed(
    store: &mut Store,
    (source, name, hash, size): (&str, &str, &str, u64),
    mut articles: Vec<NewArticle>,
    clock: &dyn Clock,
) -> Result<usize, String> {
    keep_ids_through_corrections(store, (source, name), &mut articles)
        .map_err(|e| format!("cannot read the store: {e:#}"))?;
    let o = store
        .ingest(source, name, hash, size, &articles, &clock.now())
        .map_err(|e| format!("cannot store: {e:#}"))?;
    for t in &o.twins {
        tracing::warn!(
            "{:?}: article {:?} has the headline and opening of an article of {:?}: stored as an article of its own ({})",
            name,
            t.title,
            t.other_input,
            t.id
        );
    }
    Ok(o.added + o.updated + o.removed)
}

/// Gives an article of a page read again the id of the article it replaces on that page
/// when only its headline or a few sentences changed (a correction): its content-derived
/// id would be new, and readers and subscribers would get it twice. An article of the new
/// version whose id the page held before keeps it; each other one takes the id of the
/// first article the page held before, no longer holds, and [`stories::same_story`] finds
/// to be the same story. The store then updates that article in place (same id and first
/// sighting, new `updated`).
fn keep_ids_through_corrections(
    store: &Store,
    (source, name): (&str, &str),
    articles: &mut [NewArticle],
) -> Result<()> {
    let old = store.articles_of_input(source, name)?;
    if old.is_empty() {
        return Ok(());
    }
    // the ids a new article may be stored under: its own, or its twin id on this page
    let stored_as = |id: &str| [id.to_string(), crate::model::twin_id(id, source, name)];
    let held: std::collections::HashSet<String> =
        articles.iter().flat_map(|a| stored_as(&a.id)).collect();
    let mut gone: Vec<&StoredArticle> = old.iter().filter(|o| !held.contains(&o.id)).collect();
    if gone.is_empty() {
        return Ok(());
    }
    let old_ids: std::collections::HashSet<&str> = old.iter().map(|o| o.id.as_str()).collect();
    let day = |d: Option<chrono::NaiveDate>| {
        use chrono::Datelike;
        d.map(|d| i64::from(d.num_days_from_ce()))
    };
    let t = stories::Thresholds::default();
    for a in articles.iter_mut() {
        if stored_as(&a.id)
            .iter()
            .any(|i| old_ids.contains(i.as_str()))
        {
            continue;
        }
        let me = (
            a.article.body.as_str(),
            a.article.title.as_deref(),
            day(a.article.date),
        );
        let found = gone.iter().position(|o| {
            let them = (
                o.article.body.as_str(),
                o.article.title.as_deref(),
                day(o.article.date),
            );
            stories::same_story(me, them, &t).0
        });
        if let Some(i) = found {
            a.id = gone.remove(i).id.clone();
        }
    }
    Ok(())
}

/// A page read and placed: what `extract` found, with each article's placement.
#[derive(Debug, Clone)]
pub struct PlacedPage {
    /// The publication's name: the source's configured name, else the page's.
    pub publication: Option<String>,
    /// The publication's home, resolved (the configured home wins).
    pub home: Option<Chain>,
    /// When the home was read from the page's furniture or self-references (nothing
    /// configured or printed as a masthead named it): what gave it, and by which rule.
    pub home_found: Option<locate::PageHome>,
    /// The issue date printed on the page.
    pub date: Option<chrono::NaiveDate>,
    /// The articles in page order, each with where it is placed.
    pub articles: Vec<(Article, Placement)>,
    /// Exact substrings of the page that belong to no article.
    pub boilerplate: Vec<String>,
}

/// Extracts the articles of a page and places each one: pure, no I/O.
pub fn read_and_place(page: &PageText, gaz: &Gazetteer) -> PlacedPage {
    let extraction = extract::extract(page);
    // the source's configured publication and home (its hints) come before what the
    // page prints; they are applied here only
    let hint = |h: &Option<String>| {
        h.as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_string)
    };
    let publication = hint(&page.hints.publication).or(extraction.publication.name);
    // A printed home that names no division (a township's dateline, 本报某镇讯) leaves the
    // paper's own name to say where it is at home (琼海报, 某某新闻).
    let home = home_chain(
        hint(&page.hints.home).as_deref(),
        extraction.publication.home.as_deref(),
        gaz,
    )
    .or_else(|| {
        publication
            .as_deref()
            .and_then(|n| locate::resolve_home(n, gaz))
    });
    // Nothing named a home: the outlets the page's furniture names, or the one county a
    // page that speaks as a county (我县) names.
    let home_found = if home.is_none() {
        locate::page_home(&extraction.boilerplate, &extraction.articles, gaz)
    } else {
        None
    };
    let home = home.or_else(|| home_found.as_ref().map(|h| h.chain.clone()));
    let ctx = locate::Context {
        home: home.as_ref(),
        publication: publication.as_deref(),
    };
    let articles = extraction
        .articles
        .into_iter()
        .map(|article| {
            let placement = locate::locate(&article, &ctx, gaz);
            (article, placement)
        })
        .collect();
    PlacedPage {
        publication,
        home,
        home_found,
        date: extraction.publication.date,
        articles,
        boilerplate: extraction.boilerplate,
    }
}

/// The articles of a page, placed and ready to store.
pub fn place_page(page: &PageText, gaz: &Gazetteer, include_also: bool) -> Vec<NewArticle> {
    let placed = read_and_place(page, gaz);
    placed
        .articles
        .into_iter()
        .map(|(article, placement)| NewArticle {
            id: article_id(&page.source, &article),
            publication: placed.publication.clone(),
            codes: placement.feed_codes(include_also),
            placement,
            article,
        })
        .collect()
}

/// The publication's home: the source's configured home wins over what the page prints.
pub fn home_chain(
    configured: Option<&str>,
    printed: Option<&str>,
    gaz: &Gazetteer,
) -> Option<Chain> {
    configured
        .and_then(|h| gaz.resolve(h).or_else(|| locate::resolve_home(h, gaz)))
        .or_else(|| printed.and_then(|h| locate::resolve_home(h, gaz)))
}

fn progress_bar(enabled: bool, len: u64, source: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() || len < 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {eta}")
    {
        bar.set_style(style);
    }
    bar.set_prefix(source.to_string());
    bar
}
