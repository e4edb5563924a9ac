//! Writing output files: only when their bytes differ from the file on disk, atomically
//! (a temporary file in the same folder, then a rename), and a manifest of fingerprints
//! so that a document whose inputs did not change is not even rendered again. Into a
//! folder that was empty when the run began, files are written in place (nothing older
//! can be seen there).
//!
//! What a run leaves behind must let the next one finish its work whatever the moment it
//! was killed at. Two files do that, and neither is ever moved aside:
//! - the manifest (`.localfeed-publish`), replaced atomically at the end of a finished
//!   run, lists every file that run published with the fingerprint of its inputs;
//! - the journal (`.localfeed-publish.run`) exists only while a run changes the folder:
//!   it is created before the first file is written, names every file about to be made
//!   that the manifest does not list yet, and is removed once the new manifest is in
//!   place. Its presence says the last run did not finish.
//!
//! The files a run may have left are therefore always the manifest's plus the journal's
//! (all files of the folder, when the journal says the folder was empty at its start).
//! The next run removes those it does not publish itself, so the folder converges to
//! what one uninterrupted run writes; after an unfinished run no fingerprint is trusted
//! (every document is rendered and compared byte for byte).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use anyhow::Context as _;

/// Name of the manifest file inside the output folder.
pub(crate) const MANIFEST: &str = ".localfeed-publish";
/// Name of the journal of a run in progress (see the module documentation).
pub(crate) const JOURNAL: &str = ".localfeed-publish.run";
/// First line of a journal.
const JOURNAL_HEADER: &str = "localfeed-publish-run 1";
/// The line of a journal that says the folder was empty when its run began: every file
/// found in it is then one of ours.
const JOURNAL_FRESH: &str = "*";
/// Where versions before 0.9 parked the manifest during a run. Read once, as the files a
/// killed run of such a version may have left, and removed when a run finishes.
const MANIFEST_PARKED: &str = ".localfeed-publish.prev";

/// The manifest's size, modification time (ns) and inode, when it is there and no
/// unfinished run's journal is (see [`super::stamp`]).
pub(crate) fn stamp(out: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    if [JOURNAL, MANIFEST_PARKED]
        .iter()
        .any(|n| std::fs::symlink_metadata(out.join(n)).is_ok())
    {
        return None;
    }
    let m = std::fs::metadata(out.join(MANIFEST)).ok()?;
    Some(format!(
        "{} {}.{:09} {}",
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
        m.ino()
    ))
}

/// What the last runs left in the output folder, and the journal of this one.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    /// Fingerprints that vouch for files (relative path → (fingerprint of the inputs,
    /// size in bytes)): the last finished run's, for files still there; none when a run
    /// did not finish since.
    entries: HashMap<String, (u64, u64)>,
    /// Every file a run may have published and not removed: the manifest's, the
    /// journal's. This run removes those it does not publish.
    owned: HashSet<String>,
    /// The output folder was empty when the run began: every file is new, so it is
    /// written in place (see [`write_new`]) with no look at the disk first.
    fresh: bool,
    /// This run's journal.
    journal: Journal,
}

impl Manifest {
    /// Reads the manifest and the journal a run that did not finish left. A missing or
    /// damaged manifest is an empty one: every document is then rendered and compared
    /// byte for byte. Temporary files of a killed run are removed.
    pub(crate) fn take(out: &Path) -> anyhow::Result<Self> {
        if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none()) {
            let journal = Journal::new(out);
            // Written before any file: a kill from here on leaves a journal that says
            // every file of the folder is ours.
            journal.open(true)?;
            return Ok(Self {
                fresh: true,
                journal,
                ..Self::default()
            });
        }
        let manifest = read_manifest(&out.join(MANIFEST));
        let parked = read_manifest(&out.join(MANIFEST_PARKED));
        let journal = std::fs::read_to_string(out.join(JOURNAL)).ok();
        let unfinished = journal.is_some() || parked.is_some();
        if unfinished || manifest.is_none() {
            sweep_stale_temps(out);
        }
        let mut owned: HashSet<String> = HashSet::default();
        for (_, _, names) in [&manifest, &parked].into_iter().flatten() {
            owned.extend(names.iter().cloned());
        }
        if let Some(text) = &journal {
            let mut lines = text.lines();
            if lines.next() == Some(JOURNAL_HEADER) {
                for line in lines {
                    if line == JOURNAL_FRESH {
                        owned.extend(all_files(out));
                    } else if is_plain_relative(line) {
                        owned.insert(line.to_string());
                    }
                }
            }
            // A journal without its header was cut short while it was being created,
            // before its run wrote anything.
        }
        let mut entries = match manifest {
            Some((true, entries, _)) if !unfinished => entries,
            _ => HashMap::default(),
        };
        keep_present(out, &mut entries);
        Ok(Self {
            entries,
            owned,
            fresh: false,
            journal: Journal::new(out),
        })
    }

    fn get(&self, rel: &str) -> Option<(u64, u64)> {
        self.entries.get(rel).copied()
    }

    /// Called before `rel` is written: the journal is opened (the folder is about to
    /// change) and names `rel` unless a run's record already does.
    fn before_write(&self, rel: &str) -> anyhow::Result<()> {
        if self.fresh {
            return Ok(());
        }
        let file = self.journal.open(false)?;
        if !self.owned.contains(rel) {
            let mut file = file;
            file.write_all(format!("{rel}\n").as_bytes())
                .with_context(|| format!("cannot write {}", self.journal.path.display()))?;
        }
        Ok(())
    }

    /// Ends the run: the new manifest is in place, so the journal (and a manifest parked
    /// by an older version) goes.
    fn finish(&self) {
        self.journal.remove();
        if let Some(dir) = self.journal.path.parent() {
            let _ = std::fs::remove_file(dir.join(MANIFEST_PARKED));
        }
    }
}

/// The journal of one run, opened when the run first changes the folder.
#[derive(Debug, Default)]
struct Journal {
    path: PathBuf,
    file: Mutex<Option<std::fs::File>>,
}

impl Journal {
    fn new(out: &Path) -> Self {
        Self {
            path: out.join(JOURNAL),
            file: Mutex::new(None),
        }
    }

    /// The open journal: appended to when an earlier unfinished run left one (its names
    /// stay until a run finishes), else created with its header (and, for a folder that
    /// was empty, the line that claims every file).
    fn open(&self, fresh: bool) -> anyhow::Result<JournalFile<'_>> {
        let mut slot = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            let existed = self.path.exists();
            let mut f = std::fs::File::options()
                .create(true)
                .append(true)
                .open(&self.path)
                .with_context(|| format!("cannot open {}", self.path.display()))?;
            let mut head = String::new();
            if !existed {
                head.push_str(JOURNAL_HEADER);
                head.push('\n');
            }
            if fresh {
                head.push_str(JOURNAL_FRESH);
                head.push('\n');
            }
            f.write_all(head.as_bytes())
                .with_context(|| format!("cannot write {}", self.path.display()))?;
            *slot = Some(f);
        }
        Ok(JournalFile(slot))
    }

    fn remove(&self) {
        let mut slot = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        *slot = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The open journal, locked while a line is written.
struct JournalFile<'a>(std::sync::MutexGuard<'a, Option<std::fs::File>>);

impl JournalFile<'_> {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self.0.as_mut() {
            Some(f) => f.write_all(bytes),
            None => Err(ErrorKind::NotFound.into()),
        }
    }
}

/// The files the last finished run published, as its manifest names them (none without
/// a manifest).
pub(crate) fn published_names(out: &Path) -> Vec<String> {
    read_manifest(&out.join(MANIFEST)).map_or_else(Vec::new, |m| m.2)
}

/// What a manifest file says: whether this version wrote it (another version's
/// fingerprints vouch for nothing, but its names still say which files are ours), the
/// fingerprinted entries, and every file it names. `None` when there is none.
type ManifestFile = (bool, HashMap<String, (u64, u64)>, Vec<String>);

/// Reads a manifest file: a header line, then `FINGERPRINT SIZE PATH` per file, the
/// fingerprint `-` for a file that is rendered on every run.
fn read_manifest(path: &Path) -> Option<ManifestFile> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut entries = HashMap::with_capacity_and_hasher(text.len() / 40, Default::default());
    let mut names = Vec::with_capacity(text.len() / 40);
    let mut lines = text.lines();
    let head = lines.next()?;
    let same = head == super::MANIFEST_HEADER;
    if !same && !head.starts_with("localfeed-publish 1 ") {
        return None;
    }
    for line in lines {
        let mut parts = line.splitn(3, ' ');
        let (Some(fp), Some(size), Some(rel)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        names.push(rel.to_string());
        if let (Ok(fp), Ok(size)) = (u64::from_str_radix(fp, 16), size.parse::<u64>()) {
            entries.insert(rel.to_string(), (fp, size));
        }
    }
    Some((same, entries, names))
}

/// Drops the entries whose file is no longer in the output folder, so that their documents
/// are made again. One directory listing per folder rather than a `stat` per file: a run
/// with nothing to do otherwise stats every file it publishes (120,000 with article pages),
/// which was most of its time.
fn keep_present(out: &Path, entries: &mut HashMap<String, (u64, u64)>) {
    let mut folders: HashMap<String, HashSet<std::ffi::OsString>> = HashMap::default();
    for rel in entries.keys() {
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        if !folders.contains_key(dir) {
            let names = std::fs::read_dir(out.join(dir))
                .map(|rd| {
                    rd.flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                        .map(|e| e.file_name())
                        .collect()
                })
                .unwrap_or_default();
            folders.insert(dir.to_string(), names);
        }
    }
    entries.retain(|rel, _| {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
        folders
            .get(dir)
            .is_some_and(|names| names.contains(std::ffi::OsStr::new(name)))
    });
}

/// What one worker wrote.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    /// How many of [`Sink::entries`] were written (the others were found unchanged or
    /// reused); their paths are made once the run is done ([`Sink::written`]), not held
    /// beside the entries.
    written: usize,
    /// Files rendered and found byte-identical on disk.
    pub(crate) unchanged: usize,
    /// Files not rendered: inputs unchanged since the last run and the file still there.
    pub(crate) reused: usize,
    /// Manifest entries for the next run: every file published, with the fingerprint of
    /// its inputs when it has one, its size, and whether this run wrote it.
    pub(crate) entries: Vec<(String, Option<u64>, u64, bool)>,
}

impl Sink {
    /// Emits the file `rel` under `out`. With a fingerprint, a file whose fingerprint matches
    /// the manifest (whose files were checked to be there) is left alone without
    /// rendering; otherwise
    /// `render` makes the bytes and they are written if they differ from the disk.
    pub(crate) fn emit(
        &mut self,
        out: &Path,
        old: &Manifest,
        rel: &str,
        fp: Option<u64>,
        render: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<()> {
        if let Some(fp) = fp
            && self.reuse(old, rel, fp)
        {
            return Ok(());
        }
        let bytes = render()?;
        self.put(out, old, rel, fp, &[&bytes])
    }

    /// True (and the file counted as reused) when the manifest vouches for `rel` with the
    /// fingerprint `fp`: its file is there and its inputs did not change, so the document
    /// need not be rendered.
    pub(crate) fn reuse(&mut self, old: &Manifest, rel: &str, fp: u64) -> bool {
        match old.get(rel) {
            Some((old_fp, size)) if old_fp == fp => {
                self.reused += 1;
                self.entries.push((rel.to_string(), Some(fp), size, false));
                true
            }
            _ => false,
        }
    }

    /// Writes a document made of `pieces` (see [`Sink::emit`]): into a fresh folder with
    /// one vectored write, so that item fragments shared by several documents are not
    /// copied into each one's buffer first; elsewhere joined and compared with the disk.
    pub(crate) fn put(
        &mut self,
        out: &Path,
        old: &Manifest,
        rel: &str,
        fp: Option<u64>,
        pieces: &[&[u8]],
    ) -> anyhow::Result<()> {
        let len: usize = pieces.iter().map(|p| p.len()).sum();
        anyhow::ensure!(len > 0, "refusing to write an empty {rel}");
        let path = out.join(rel);
        let before = || old.before_write(rel);
        let written = if old.fresh && write_new(&path, pieces)? {
            true
        } else if let [one] = pieces {
            write_if_changed_then(&path, one, before)?
        } else {
            write_if_changed_then(&path, &pieces.concat(), before)?
        };
        if written {
            self.written += 1;
        } else {
            self.unchanged += 1;
        }
        self.entries
            .push((rel.to_string(), fp, len as u64, written));
        Ok(())
    }

    /// The files this run wrote, under `out`, sorted; the entries are used up.
    pub(crate) fn written(&mut self, out: &Path) -> Vec<PathBuf> {
        let mut written = Vec::with_capacity(self.written);
        for (rel, _, _, w) in std::mem::take(&mut self.entries) {
            if w {
                written.push(out.join(rel));
            }
        }
        written.sort();
        written
    }

    /// Adds another worker's results.
    pub(crate) fn merge(&mut self, other: Sink) {
        self.written += other.written;
        self.unchanged += other.unchanged;
        self.reused += other.reused;
        self.entries.extend(other.entries);
    }

    /// Writes the manifest for the next run (atomically; an unchanged one is left as it
    /// was, modification time included), then ends the journal: the run is finished.
    pub(crate) fn save_manifest(&mut self, out: &Path, old: &Manifest) -> anyhow::Result<()> {
        // Paths are unique, so an unstable sort gives the same order.
        self.entries.sort_unstable();
        let mut text = String::with_capacity(self.entries.len() * 48 + 32);
        text.push_str(super::MANIFEST_HEADER);
        text.push('\n');
        for (rel, fp, size, _) in &self.entries {
            use std::fmt::Write as _;
            let _ = match fp {
                Some(fp) => writeln!(text, "{fp:016x} {size} {rel}"),
                None => writeln!(text, "- {size} {rel}"),
            };
        }
        write_if_changed(&out.join(MANIFEST), text.as_bytes())?;
        old.finish();
        Ok(())
    }
}

impl Sink {
    /// Removes what earlier runs published and this one no longer does: the feeds of a
    /// place that has lost all its articles, the page of an article that is gone. Only
    /// files the last finished run's manifest or an unfinished run's journal names are
    /// touched (nothing else in the output folder is ours to remove), then the folders
    /// they leave empty. A kill half way changes nothing of those records, so the next
    /// run removes the rest. Returns the paths removed, sorted.
    pub(crate) fn retire(&self, out: &Path, old: &Manifest) -> Vec<PathBuf> {
        let now: HashSet<&str> = self
            .entries
            .iter()
            .map(|(rel, _, _, _)| rel.as_str())
            .collect();
        let mut gone: Vec<&str> = old
            .owned
            .iter()
            .map(String::as_str)
            .filter(|rel| !now.contains(rel) && is_plain_relative(rel))
            .collect();
        gone.sort_unstable();
        let mut removed = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        for rel in gone {
            let path = out.join(rel);
            if std::fs::remove_file(&path).is_ok() {
                if let Some(dir) = path.parent().filter(|d| *d != out) {
                    dirs.push(dir.to_path_buf());
                }
                removed.push(path);
            }
        }
        // Deepest first; `remove_dir` fails on a folder that still holds anything.
        dirs.sort_unstable_by(|a, b| {
            b.components()
                .count()
                .cmp(&a.components().count())
                .then(b.cmp(a))
        });
        dirs.dedup();
        for dir in dirs {
            let mut cur = Some(dir.as_path());
            while let Some(d) = cur.filter(|d| *d != out && d.starts_with(out)) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                cur = d.parent();
            }
        }
        removed
    }
}

/// A manifest path that stays inside the output folder: relative, no `..`, no root.
fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// True for the name of a temporary file made by [`write_if_changed`]: `.NAME.tmpPID`.
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(".tmp")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes the temporary files a killed run left anywhere under `out`. Called only when
/// the previous run did not finish, so a normal run does not walk the folder.
fn sweep_stale_temps(out: &Path) {
    walk(out, &mut |path, name| {
        if is_temp_name(name) {
            let _ = std::fs::remove_file(path);
        }
    });
}

/// Every file under `out` a run may have written (relative, `/`-separated): all but the
/// manifest, the journal and temporary files.
fn all_files(out: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(out, &mut |path, name| {
        if is_temp_name(name) || [MANIFEST, JOURNAL, MANIFEST_PARKED].contains(&name) {
            return;
        }
        let rel = path.strip_prefix(out).ok().and_then(|r| {
            r.components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<&str>>>()
        });
        if let Some(parts) = rel {
            files.push(parts.join("/"));
        }
    });
    files
}

/// Calls `f` with the path and name of every regular file under `dir` (symbolic links
/// are neither followed nor reported).
fn walk(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file()
                && let Some(name) = e.file_name().to_str()
            {
                f(&e.path(), name);
            }
        }
    }
}

/// Writes a new file in place, with one `write` call: no temporary file and no rename.
/// Used only in a folder that was empty when the run began, where no reader can have
/// seen an older version. A run killed half way leaves no manifest, so the next run
/// trusts none of these files: it renders every document and compares bytes, replacing a
/// half-written one atomically. Returns `false` when the file already exists (the caller
/// then falls back to [`write_if_changed`]).
fn write_new(path: &Path, pieces: &[&[u8]]) -> anyhow::Result<bool> {
    let open = || {
        std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut f = match open() {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(false),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let parent = path
                .parent()
                .with_context(|| format!("{} has no parent folder", path.display()))?;
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            open().with_context(|| format!("cannot write {}", path.display()))?
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    write_all_vectored(&mut f, pieces)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

/// Writes every piece, in order, with as few `writev` calls as the kernel allows (the
/// standard library's `write_all_vectored` is not stable yet).
fn write_all_vectored(f: &mut std::fs::File, pieces: &[&[u8]]) -> std::io::Result<()> {
    use std::io::{IoSlice, Write as _};
    // At most 1024 slices a call (Linux's IOV_MAX).
    for chunk in pieces.chunks(1024) {
        let mut slices: Vec<IoSlice<'_>> = chunk.iter().map(|p| IoSlice::new(p)).collect();
        let mut rest: &mut [IoSlice<'_>] = &mut slices;
        // Drops leading empty pieces, so nothing is written for a chunk of them.
        IoSlice::advance_slices(&mut rest, 0);
        while !rest.is_empty() {
            match f.write_vectored(rest) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` unless the file already holds exactly them. Returns whether it
/// wrote. The write goes to a temporary file in the same folder, renamed over the target,
/// so a reader never sees half a file.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> anyhow::Result<bool> {
    write_if_changed_then(path, bytes, || Ok(()))
}

/// [`write_if_changed`], calling `before` once it is known that the file will be written
/// and before anything is.
fn write_if_changed_then(
    path: &Path,
    bytes: &[u8],
    before: impl FnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() == bytes.len() as u64
        && let Ok(old) = std::fs::read(path)
        && old == bytes
    {
        return Ok(false);
    }
    before()?;
    let parent = path
        .parent()
        .with_context(|| format!("{} has no parent folder", path.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no file name", path.display()))?;
    let tmp = parent.join(format!(".{name}.tmp{}", std::process::id()));
    match std::fs::write(&tmp, bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            std::fs::write(&tmp, bytes)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", tmp.display())),
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot replace {}", path.display()));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_in_many_pieces_is_written_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let words: Vec<String> = (0..3000).map(|i| format!("<p>第{i}段</p>")).collect();
        let mut pieces: Vec<&[u8]> = vec![b"", b"<head>"];
        for w in &words {
            pieces.push(w.as_bytes());
            pieces.push(b"");
        }
        pieces.push(b"</doc>");
        let path = dir.path().join("a/b.xml");
        assert!(write_new(&path, &pieces).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), pieces.concat());
        // A file that is already there is left to the comparing writer.
        assert!(!write_new(&path, &[b"x"]).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), pieces.concat());
    }

    #[test]
    fn writes_only_changed_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.xml");
        assert!(is_temp_name(".atom.xml.tmp12173"));
        assert!(!is_temp_name("atom.xml") && !is_temp_name(".localfeed-publish.prev"));
        assert!(write_if_changed(&p, b"one").unwrap());
        assert!(!write_if_changed(&p, b"one").unwrap());
        assert!(write_if_changed(&p, b"two").unwrap());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }
}
