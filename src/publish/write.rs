//! Writing output files: only when their bytes differ from the file on disk, atomically
//! (a temporary file in the same folder, then a rename), and a manifest of fingerprints
//! so that a document whose inputs did not change is not even rendered again. Into a
//! folder that was empty when the run began, files are written in place (nothing older
//! can be seen there, and a killed run leaves no manifest that would vouch for them).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Name of the manifest file inside the output folder.
pub(crate) const MANIFEST: &str = ".localfeed-publish";
/// Where the previous manifest waits during a run: never read as a manifest, so a run that
/// stops half way leaves nothing that vouches for files it changed; put back unchanged
/// (same bytes, same modification time) when the run ends with the same fingerprints.
const MANIFEST_PARKED: &str = ".localfeed-publish.prev";

/// Fingerprints of the files written by the last complete run: relative path →
/// (fingerprint of the inputs, size in bytes).
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    entries: HashMap<String, (u64, u64)>,
    /// The output folder was empty when the run began: every file is new, so it is
    /// written in place (see [`write_new`]) with no look at the disk first.
    fresh: bool,
}

impl Manifest {
    /// Reads the manifest and parks it under another name, so that a run that stops half
    /// way leaves no manifest that could vouch for files it changed. A missing or damaged
    /// manifest is an empty one: every document is then rendered and compared byte for byte.
    pub(crate) fn take(out: &Path) -> Self {
        if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none()) {
            return Self {
                entries: HashMap::default(),
                fresh: true,
            };
        }
        let path = out.join(MANIFEST);
        let parked = out.join(MANIFEST_PARKED);
        let _ = std::fs::remove_file(&parked);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Self::default();
        };
        if std::fs::rename(&path, &parked).is_err() {
            let _ = std::fs::remove_file(&path);
        }
        let mut entries = HashMap::with_capacity_and_hasher(text.len() / 40, Default::default());
        let mut lines = text.lines();
        if lines.next() != Some(super::MANIFEST_HEADER) {
            return Self::default();
        }
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let (Some(fp), Some(size), Some(rel)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let (Ok(fp), Ok(size)) = (u64::from_str_radix(fp, 16), size.parse::<u64>()) {
                entries.insert(rel.to_string(), (fp, size));
            }
        }
        keep_present(out, &mut entries);
        Self {
            entries,
            fresh: false,
        }
    }

    fn get(&self, rel: &str) -> Option<(u64, u64)> {
        self.entries.get(rel).copied()
    }
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
    /// Files whose bytes were written.
    pub(crate) written: Vec<PathBuf>,
    /// Files rendered and found byte-identical on disk.
    pub(crate) unchanged: usize,
    /// Files not rendered: inputs unchanged since the last run and the file still there.
    pub(crate) reused: usize,
    /// Manifest entries for the next run.
    pub(crate) entries: Vec<(String, u64, u64)>,
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
                self.entries.push((rel.to_string(), fp, size));
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
        let written = if old.fresh && write_new(&path, pieces)? {
            true
        } else if let [one] = pieces {
            write_if_changed(&path, one)?
        } else {
            write_if_changed(&path, &pieces.concat())?
        };
        if written {
            self.written.push(path);
        } else {
            self.unchanged += 1;
        }
        if let Some(fp) = fp {
            self.entries.push((rel.to_string(), fp, len as u64));
        }
        Ok(())
    }

    /// Adds another worker's results.
    pub(crate) fn merge(&mut self, other: Sink) {
        self.written.extend(other.written);
        self.unchanged += other.unchanged;
        self.reused += other.reused;
        self.entries.extend(other.entries);
    }

    /// Writes the manifest for the next run.
    pub(crate) fn save_manifest(&mut self, out: &Path) -> anyhow::Result<()> {
        // Paths are unique, so an unstable sort gives the same order.
        self.entries.sort_unstable();
        let mut text = String::with_capacity(self.entries.len() * 48 + 32);
        text.push_str(super::MANIFEST_HEADER);
        text.push('\n');
        for (rel, fp, size) in &self.entries {
            use std::fmt::Write as _;
            let _ = writeln!(text, "{fp:016x} {size} {rel}");
        }
        // An unchanged manifest goes back as it was, so a run that changed nothing leaves
        // every file of the output folder untouched, mtimes included.
        let parked = out.join(MANIFEST_PARKED);
        if std::fs::read(&parked).is_ok_and(|old| old == text.as_bytes())
            && std::fs::rename(&parked, out.join(MANIFEST)).is_ok()
        {
            return Ok(());
        }
        write_if_changed(&out.join(MANIFEST), text.as_bytes())?;
        let _ = std::fs::remove_file(&parked);
        Ok(())
    }
}

impl Sink {
    /// Removes what the last complete run published and this one no longer does: the
    /// feeds of a place that has lost all its articles, the page of an article that is
    /// gone. Only files the last run's manifest lists are touched (nothing else in the
    /// output folder is ours to remove), then the folders they leave empty. Returns the
    /// paths removed, sorted.
    pub(crate) fn retire(&self, out: &Path, old: &Manifest) -> Vec<PathBuf> {
        let now: HashSet<&str> = self
            .entries
            .iter()
            .map(|(rel, _, _)| rel.as_str())
            .collect();
        let mut gone: Vec<&str> = old
            .entries
            .keys()
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
pub(crate) fn sweep_stale_temps(out: &Path) {
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() && e.file_name().to_str().is_some_and(is_temp_name) {
                let _ = std::fs::remove_file(e.path());
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
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() == bytes.len() as u64
        && let Ok(old) = std::fs::read(path)
        && old == bytes
    {
        return Ok(false);
    }
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
