//! How long one input file may take: reading a page and placing its articles runs on a
//! worker thread, and the run waits for it at most the source's `max_file_secs`.
//!
//! Owns: the worker thread and the deadline. A file over its budget is reported as failed
//! and the run goes on; the worker busy with it is left to finish on its own (its result is
//! dropped) and a fresh worker takes the next file. A panic in a stage is caught on the
//! worker and reported the same way, with another reason.
//! Must not touch: the store, the files, what placing means (`place_page` does that).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use crate::locate::Gazetteer;
use crate::model::PageText;
use crate::store::NewArticle;

/// Why placing a page gave no articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PlaceError {
    /// The page took longer than its budget.
    OverBudget(Duration),
    /// A stage panicked (a bug).
    Panicked,
}

impl std::fmt::Display for PlaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlaceError::OverBudget(d) => write!(
                f,
                "reading and placing took longer than {} s (max_file_secs); skipped, tried again when the file changes",
                d.as_secs_f64()
            ),
            PlaceError::Panicked => f.write_str(
                "internal error while extracting (a bug: please report it with this file)",
            ),
        }
    }
}

type Job = (PageText, bool);
type Outcome = Result<Vec<NewArticle>, PlaceError>;

/// A worker thread that places one page at a time.
struct Worker {
    jobs: Sender<Job>,
    results: Receiver<Outcome>,
}

impl Worker {
    fn start(gaz: &'static Gazetteer) -> std::io::Result<Worker> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (result_tx, results) = mpsc::channel::<Outcome>();
        thread::Builder::new()
            .name("localfeed-place".into())
            .spawn(move || {
                for (page, include_also) in job_rx {
                    let out = catch_unwind(AssertUnwindSafe(|| {
                        super::place_page(&page, gaz, include_also)
                    }))
                    .map_err(|_| PlaceError::Panicked);
                    if result_tx.send(out).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Worker { jobs, results })
    }
}

/// Places pages on a worker thread, each within a time budget.
pub(crate) struct Placer {
    /// The gazetteer, built on first use (a run with nothing to place never builds it).
    gaz: fn() -> &'static Gazetteer,
    worker: Option<Worker>,
    /// Workers left behind busy with a page over its budget (counted for the report).
    pub(crate) abandoned: usize,
}

impl Placer {
    /// A placer over the gazetteer `gaz` gives; the worker starts with the first page.
    pub(crate) fn new(gaz: fn() -> &'static Gazetteer) -> Placer {
        Placer {
            gaz,
            worker: None,
            abandoned: 0,
        }
    }

    /// The articles of `page`, or why there are none, waiting at most `budget`.
    pub(crate) fn place(
        &mut self,
        page: PageText,
        include_also: bool,
        budget: Duration,
    ) -> Result<Vec<NewArticle>, PlaceError> {
        // built here, before the clock of the page's budget starts
        let gaz = (self.gaz)();
        let worker = match self.worker.take() {
            Some(w) => w,
            // A worker that cannot be started (no threads left): place here, unbounded.
            None => match Worker::start(gaz) {
                Ok(w) => w,
                Err(_) => {
                    return catch_unwind(AssertUnwindSafe(|| {
                        super::place_page(&page, gaz, include_also)
                    }))
                    .map_err(|_| PlaceError::Panicked);
                }
            },
        };
        if worker.jobs.send((page, include_also)).is_err() {
            // The worker is gone (it cannot be, short of a bug): the next call starts another.
            return Err(PlaceError::Panicked);
        }
        match worker.results.recv_timeout(budget) {
            Ok(out) => {
                self.worker = Some(worker);
                out
            }
            Err(RecvTimeoutError::Timeout) => {
                // Dropping the channels lets the worker end after the page it is busy with.
                self.abandoned += 1;
                Err(PlaceError::OverBudget(budget))
            }
            Err(RecvTimeoutError::Disconnected) => Err(PlaceError::Panicked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InputForm, SourceHints};

    fn page(text: String) -> PageText {
        PageText {
            source: "t".into(),
            name: "p.txt".into(),
            text,
            form: InputForm::Page,
            hints: SourceHints::default(),
            seen: None,
        }
    }

    #[test]
    fn a_page_over_its_budget_is_reported_and_the_next_one_is_placed() {
        let mut placer = Placer::new(Gazetteer::embedded);
        let one = "某县召开会议\n本报讯 近日，某县召开会议，部署全年工作。\n".to_string();
        // Warm the gazetteer and the worker first: the budget below is for the page alone.
        assert!(
            placer
                .place(page(one.clone()), false, Duration::from_secs(600))
                .is_ok()
        );
        let big = one.repeat(20_000);
        let r = placer.place(page(big), false, Duration::from_nanos(1));
        assert_eq!(
            r.unwrap_err(),
            PlaceError::OverBudget(Duration::from_nanos(1))
        );
        assert_eq!(placer.abandoned, 1);
        let next = placer.place(page(one), false, Duration::from_secs(600));
        assert_eq!(next.unwrap().len(), 1);
    }
}
