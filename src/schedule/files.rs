//! The files of one folder source: which need reading, read on every core, stored in
//! the order of the files.
//!
//! Owns: the choice of what to open (a file whose size and modification time are the ones
//! recorded when it was last read is not opened: its bytes are vouched for), the reader
//! threads (each reads, decodes, extracts and places one file at a time, within the
//! source's time budget, on a [`Placer`] of its own), and the one writer that stores what
//! they give, file after file in name order, in batched transactions where each file is a
//! savepoint of its own (a batch is committed at 64 files, and whenever the writer has to
//! wait for a reader, so that other writers of the state file are never kept waiting for
//! a slow page). The articles stored, their ids and every output byte are those of
//! reading the files one after the other on one thread.
//! Must not touch: what extracting or placing means (`place_page`), SQL (the store), the
//! output folder.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::Duration;

use anyhow::Result;

use super::budget::Placer;
use super::{Failure, Ingested, RunReport, ingest_file, record_failure, store_placed};
use crate::clock::Clock;
use crate::config::{Config, Source};
use crate::extract;
use crate::locate::Gazetteer;
use crate::model::{InputForm, PageText, SourceHints, content_hash, shown_path};
use crate::sources::{self, InputFile};
use crate::store::{KnownInput, NewArticle, Store};

/// Input files stored per transaction.
const BATCH_FILES: usize = 64;

/// How many files the readers may run ahead of the writer, per reader: what waits to be
/// stored is bounded whatever one slow file holds the writer up.
const AHEAD_PER_READER: usize = 16;

/// A modification time this close to the start of the run (by the file system's clock,
/// see [`super::RunLock`]), or later, does not vouch for the file's bytes: it may be
/// written again within the same tick of that clock, keeping its size and time. Such a
/// file is read again (and its bytes hashed) on the next run.
const RACY_NS: i64 = 2_000_000_000;

/// What a reader made of one file.
enum Read {
    /// Its bytes are the ones stored (it is not stored again); `stamp` is its
    /// modification time when that vouches for them.
    Unchanged { stamp: Option<i64> },
    /// It could not be read, decoded or placed.
    Failed { hash: String, reason: String },
    /// Its articles, placed and ready to store.
    Placed {
        hash: String,
        size: u64,
        stamp: Option<i64>,
        articles: Vec<NewArticle>,
    },
    /// A file that may hold a feed: its entries are inputs of their own, read and stored by
    /// the writer.
    Serial,
}

/// Everything a reader needs besides the file.
struct Reading<'a> {
    cfg: &'a Config,
    source: &'a Source,
    hints: &'a SourceHints,
    clock: &'a dyn Clock,
    /// The file system's time when the run began (see [`RACY_NS`]).
    started_ns: Option<i64>,
}

/// Reads, extracts, places and stores the `files` of folder source `source` (listed in
/// name order), counting and reporting each into `report`. Fails only when the store
/// cannot be written at all.
#[allow(clippy::too_many_arguments)]
pub(super) fn ingest_files(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    source: &Source,
    files: &[InputFile],
    hints: &SourceHints,
    (clock, started_ns): (&dyn Clock, Option<i64>),
    bar: &indicatif::ProgressBar,
    report: &mut RunReport,
) -> Result<()> {
    report.totals.files_read += files.len();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let known = store.known_inputs(&source.id, &names)?;
    let todo: Vec<usize> = (0..files.len())
        .filter(|&i| !vouched(&files[i], known[i].as_ref()))
        .collect();
    bar.inc((files.len() - todo.len()) as u64);
    tracing::debug!(
        "source {:?}: {} file(s) listed, {} opened (the size and time of the others vouch for what was read before)",
        source.id,
        files.len(),
        todo.len()
    );
    if todo.is_empty() {
        return Ok(());
    }
    let threads = match cfg.fetch.read_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, todo.len());
    let ahead = AHEAD_PER_READER * threads;
    let reading = Reading {
        cfg,
        source,
        hints,
        clock,
        started_ns,
    };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // How many of `todo` the writer is done with; readers wait on it to stay `ahead`.
    let written = (Mutex::new(0usize), Condvar::new());
    let fatal = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Read)>(threads * 2);
        for _ in 0..threads {
            let tx = tx.clone();
            let (todo, known, reading) = (&todo, &known, &reading);
            let (next, stop, written) = (&next, &stop, &written);
            scope.spawn(move || {
                let mut placer = Placer::new(Gazetteer::embedded);
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(j) else { break };
                    {
                        let (lock, cv) = written;
                        let mut done = lock.lock().unwrap_or_else(PoisonError::into_inner);
                        while j >= *done + ahead && !stop.load(Ordering::Relaxed) {
                            done = cv.wait(done).unwrap_or_else(PoisonError::into_inner);
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let file = &files[i];
                    let got = catch_unwind(AssertUnwindSafe(|| {
                        read_one(reading, &mut placer, file, known[i].as_ref())
                    }))
                    .unwrap_or_else(|_| Read::Failed {
                        hash: String::new(),
                        reason:
                            "internal error while reading (a bug: please report it with this file)"
                                .into(),
                    });
                    if tx.send((j, got)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // The writer: results in the order of the files, whatever order they come in.
        let mut waiting: BTreeMap<usize, Read> = BTreeMap::new();
        let mut at = 0;
        let mut fatal = None;
        'recv: loop {
            let (j, got) = match rx.try_recv() {
                Ok(x) => x,
                Err(mpsc::TryRecvError::Empty) => {
                    // About to wait for a reader (a slow page may take its whole budget):
                    // commit first, so other writers of the state file are not kept out.
                    if let Err(e) = store.end_batch() {
                        fatal = Some(e);
                        break 'recv;
                    }
                    match rx.recv() {
                        Ok(x) => x,
                        Err(_) => break 'recv,
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => break 'recv,
            };
            if let Err(e) = store.begin_batch() {
                fatal = Some(e);
                break 'recv;
            }
            waiting.insert(j, got);
            while let Some(got) = waiting.remove(&at) {
                let i = todo[at];
                bar.inc(1);
                write_one(
                    store,
                    cfg,
                    placer,
                    (source, hints),
                    &files[i],
                    known[i].as_ref(),
                    got,
                    clock,
                    report,
                );
                at += 1;
                {
                    let (lock, cv) = &written;
                    *lock.lock().unwrap_or_else(PoisonError::into_inner) = at;
                    cv.notify_all();
                }
                if let Err(e) = store.commit_batch_if_full(BATCH_FILES) {
                    fatal = Some(e);
                    break 'recv;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        written.1.notify_all();
        fatal
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    store.end_batch()
}

/// Whether what the store knows of `file` vouches for its bytes without reading them: it
/// was read successfully at this size and modification time.
fn vouched(file: &InputFile, known: Option<&KnownInput>) -> bool {
    known.is_some_and(|k| {
        k.ok && k.size == file.size && k.mtime_ns.is_some() && k.mtime_ns == file.mtime_ns
    })
}

/// Reads, decodes, extracts and places one file: no store, no writes.
fn read_one(
    r: &Reading<'_>,
    placer: &mut Placer,
    file: &InputFile,
    known: Option<&KnownInput>,
) -> Read {
    if sources::may_be_feed(&file.name) {
        return Read::Serial;
    }
    let bytes = match sources::read(file, r.source.max_file_mb) {
        Ok(b) => b,
        Err(e) => {
            return Read::Failed {
                hash: String::new(),
                reason: e.to_string(),
            };
        }
    };
    let hash = content_hash(&bytes);
    let stamp = file.mtime_ns.filter(|m| {
        r.started_ns
            .is_some_and(|t| t.saturating_sub(*m) >= RACY_NS)
    });
    if known.is_some_and(|k| k.ok && k.hash == hash) {
        return Read::Unchanged { stamp };
    }
    let text = match extract::decode(&bytes) {
        Ok(d) => {
            // repaired, not failed: the page's articles are kept and the repair is logged
            for w in &d.warnings {
                tracing::warn!("{}: {w}", file.path.display());
            }
            d.text
        }
        Err(e) => {
            return Read::Failed {
                hash,
                reason: e.to_string(),
            };
        }
    };
    // the day the input was first seen: an earlier run's, else today
    let first = known.map_or_else(|| r.clock.now(), |k| k.first_seen);
    let page = PageText {
        source: file.source.clone(),
        name: file.name.clone(),
        text,
        form: InputForm::from_file_name(&file.name),
        hints: r.hints.clone(),
        seen: Some(first.with_timezone(&crate::model::shanghai()).date_naive()),
    };
    let budget = Duration::from_secs_f64(r.source.max_file_secs);
    match placer.place(page, r.cfg.publish.include_also, budget) {
        Ok(articles) => Read::Placed {
            hash,
            size: bytes.len() as u64,
            stamp,
            articles,
        },
        Err(e) => Read::Failed {
            hash,
            reason: e.to_string(),
        },
    }
}

/// Stores what a reader made of one file (or reads it here, for a file that may hold a
/// feed), counting and reporting it.
#[allow(clippy::too_many_arguments)]
fn write_one(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    (source, hints): (&Source, &SourceHints),
    file: &InputFile,
    known: Option<&KnownInput>,
    got: Read,
    clock: &dyn Clock,
    report: &mut RunReport,
) {
    let record = |store: &mut Store, hash: &str, reason: String| -> String {
        record_failure(store, file, hash, reason, clock)
    };
    let stamp = |store: &mut Store, stamp: Option<i64>| -> Result<(), String> {
        if stamp == known.and_then(|k| k.mtime_ns) {
            return Ok(());
        }
        store
            .stamp_input(&file.source, &file.name, stamp)
            .map_err(|e| format!("cannot store: {e:#}"))
    };
    let outcome = match got {
        Read::Unchanged { stamp: s } => stamp(store, s).map(|()| Ingested::Unchanged),
        Read::Failed { hash, reason } => Err(record(store, &hash, reason)),
        Read::Placed {
            hash,
            size,
            stamp: s,
            articles,
        } => match store_placed(
            store,
            (&file.source, &file.name, &hash, size),
            articles,
            clock,
        )
        .and_then(|n| {
            // the row was just written: its time is unknown until stamped
            match s {
                Some(_) => store
                    .stamp_input(&file.source, &file.name, s)
                    .map_err(|e| format!("cannot store: {e:#}"))
                    .map(|()| n),
                None => Ok(n),
            }
        }) {
            Ok(n) => Ok(Ingested::Stored(n)),
            Err(reason) => Err(record(store, &hash, reason)),
        },
        Read::Serial => ingest_file(
            store,
            cfg,
            placer,
            file,
            (source.max_file_mb, source.max_file_secs),
            hints,
            clock,
        ),
    };
    match outcome {
        Ok(Ingested::Unchanged) => {}
        Ok(Ingested::Stored(changed)) => {
            report.totals.files_new += 1;
            report.totals.articles_changed += changed;
        }
        Err(reason) => {
            let path = shown_path(&file.path);
            tracing::error!("{path}: {reason}");
            report.totals.files_failed += 1;
            report.failures.push(Failure { path, reason });
        }
    }
}
