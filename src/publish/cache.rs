//! Item fragments (an article's RSS `<item>`, Atom `<entry>` and JSON Feed item) rendered
//! once per run and shared by every subscription document that holds the article, kept only
//! until the last such document is done.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, FixedOffset};

use super::Urls;
use super::group::Prepared;
use super::item::ItemView;
use super::{atom, json, rss};

/// One article rendered for every format of a document.
#[derive(Debug)]
pub(crate) struct Frags {
    /// The RSS `<item>`.
    pub(crate) rss: String,
    /// The Atom `<entry>`.
    pub(crate) atom: String,
    /// The JSON Feed item (empty for brief archive entries, which have no JSON document).
    pub(crate) json: Vec<u8>,
    /// The article's last change (a document's own date is its newest item's).
    pub(crate) updated: DateTime<FixedOffset>,
}

impl Frags {
    /// Renders an article with body `body`: `full` for subscription documents (with
    /// content and the JSON item), else the brief entry of an archive document.
    pub(crate) fn new(p: &Prepared<'_>, body: &str, urls: &Urls, full: bool) -> Self {
        Self::of_view(&ItemView::new(p, body, urls, full), urls, full)
    }

    /// The brief entry of an archive document (no JSON item), its teaser made already.
    pub(crate) fn brief(p: &Prepared<'_>, teaser: String, urls: &Urls) -> Self {
        Self::of_view(&ItemView::brief(p, teaser, urls), urls, false)
    }

    fn of_view(v: &ItemView<'_>, urls: &Urls, full: bool) -> Self {
        let size = v.content_xml.len() + v.summary.len() + 1024;
        let mut rss = String::with_capacity(size);
        rss::item(&mut rss, v, urls);
        let mut atom = String::with_capacity(size);
        atom::entry(&mut atom, v, urls);
        Self {
            rss,
            atom,
            json: if full { json::item(v) } else { Vec::new() },
            updated: v.updated,
        }
    }
}

/// The shared fragments of one run: for each article, how many subscription documents
/// still need it, and its fragments once rendered. An article in only one document is
/// never kept.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Documents not yet done that hold the article.
    uses: Vec<AtomicU32>,
    /// Whether the article is in more than one document (and so worth keeping).
    multi: Vec<bool>,
    slots: Vec<Mutex<Option<Arc<Frags>>>>,
}

impl Shared {
    /// Counts the uses of each of `n` articles in the documents' windows (indexes into
    /// the prepared articles).
    pub(crate) fn new<'w>(n: usize, windows: impl Iterator<Item = &'w [u32]>) -> Self {
        let mut count = vec![0u32; n];
        for w in windows {
            for &i in w {
                if let Some(c) = count.get_mut(i as usize) {
                    *c = c.saturating_add(1);
                }
            }
        }
        Self {
            multi: count.iter().map(|&c| c > 1).collect(),
            uses: count.into_iter().map(AtomicU32::new).collect(),
            slots: (0..n).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The fragments of article `i`, rendered by `make` unless another document rendered
    /// them already.
    pub(crate) fn get(&self, i: u32, make: impl FnOnce() -> Frags) -> Arc<Frags> {
        let (Some(true), Some(slot)) = (
            self.multi.get(i as usize).copied(),
            self.slots.get(i as usize),
        ) else {
            return Arc::new(make());
        };
        let mut kept = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = kept.as_ref() {
            return Arc::clone(f);
        }
        let f = Arc::new(make());
        *kept = Some(Arc::clone(&f));
        f
    }

    /// True when the fragments of article `i` are kept (rendered by another document and
    /// still needed): a document need not read its body.
    pub(crate) fn has(&self, i: u32) -> bool {
        self.multi.get(i as usize) == Some(&true)
            && self
                .slots
                .get(i as usize)
                .is_some_and(|s| s.lock().is_ok_and(|k| k.is_some()))
    }

    /// Marks a document's window done (whether it was rendered or reused): fragments no
    /// other document needs are dropped.
    pub(crate) fn done(&self, window: &[u32]) {
        for &i in window {
            if self.multi.get(i as usize) != Some(&true) {
                continue;
            }
            let last = self
                .uses
                .get(i as usize)
                .is_some_and(|u| u.fetch_sub(1, Ordering::AcqRel) == 1);
            if last && let Some(slot) = self.slots.get(i as usize) {
                slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            }
        }
    }

    /// Fragments still kept (0 once every document is done).
    #[cfg(test)]
    pub(crate) fn kept(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.lock().is_ok_and(|k| k.is_some()))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_shared_then_dropped() {
        let arts = crate::publish::tests::fixture();
        let prep: Vec<Prepared<'_>> = arts.iter().map(Prepared::new).collect();
        let urls = Urls::new(&crate::publish::Settings::default()).unwrap();
        let windows: Vec<Vec<u32>> = vec![vec![0, 1, 2], vec![1, 2], vec![2, 3]];
        let shared = Shared::new(prep.len(), windows.iter().map(Vec::as_slice));
        let mut made = 0;
        for w in &windows {
            for &i in w {
                let f = shared.get(i, || {
                    made += 1;
                    let p = &prep[i as usize];
                    Frags::new(p, &p.art.article.body, &urls, true)
                });
                assert!(f.rss.starts_with("<item>") && f.atom.starts_with("<entry>"));
            }
            shared.done(w);
        }
        assert_eq!(made, 4, "each article rendered once");
        assert_eq!(shared.kept(), 0, "nothing kept after the last document");
    }
}
