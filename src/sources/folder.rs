//! Folder sources: listing the files of a source folder (recursively, in a stable order,
//! never following a link out of the folder), choosing them by `include`/`exclude`
//! patterns and by what they hold, and reading their bytes with a size limit.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::{shown, shown_path};

/// One file found in a source folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Source id.
    pub source: String,
    /// Path relative to the source folder, `/`-separated: the file's stable name.
    pub name: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Size in bytes when listed.
    pub size: u64,
    /// Modification time when listed, in nanoseconds since the Unix epoch (when the file
    /// system gives one).
    pub mtime_ns: Option<i64>,
}

/// A file's modification time in nanoseconds since the Unix epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> Option<i64> {
    let t = meta.modified().ok()?;
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).ok(),
        Err(e) => i64::try_from(e.duration().as_nanos()).ok().map(|n| -n),
    }
}

/// Why a source or one of its files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The source folder is missing or unreadable.
    #[error("source folder {path}: {reason}")]
    Folder {
        /// The folder.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A file is larger than the source allows.
    #[error("{size} bytes, larger than the limit of {limit_mb} MB (`max_file_mb`)")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit in megabytes.
        limit_mb: u64,
    },
    /// A file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// Names that are never input: hidden files, editor and temporary files.
fn ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".tmp") || name.ends_with(".swp")
}

/// What identifies a folder on disk however it is reached: its device and inode (on other
/// systems, a hash of its canonical path).
type FolderId = (u64, u64);

#[cfg(unix)]
fn folder_id(meta: &std::fs::Metadata, _real: &Path) -> FolderId {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn folder_id(_meta: &std::fs::Metadata, real: &Path) -> FolderId {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    real.hash(&mut h);
    (0, h.finish())
}

/// A folder still to be listed: where it is, its name under the source folder, and the
/// folders above it (itself included) that a link inside it must not lead back to.
struct Pending {
    dir: PathBuf,
    /// Its real path (no links in it).
    real: PathBuf,
    prefix: String,
    ancestors: Vec<FolderId>,
}

/// The name under the source folder of a folder whose real path is `real`, when the walk
/// reaches it without following a link (no part of the name is hidden or ignored).
fn real_name(real: &Path, canon_root: &Path) -> Option<String> {
    let rel = real.strip_prefix(canon_root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        let part = c.as_os_str().to_str()?;
        if ignored(part) {
            return None;
        }
        parts.push(part);
    }
    Some(parts.join("/"))
}

/// Lists the files of a source folder, sorted by name. Links are followed only when they
/// stay inside the folder. Every folder is listed once however many links lead to it
/// (folders are told apart by device and inode): a link back to a folder above it (a loop)
/// is skipped and reported, and so is a second name for a folder already listed.
/// Unreadable sub-folders are reported in the second value and skipped.
pub fn scan(source: &str, root: &Path) -> Result<(Vec<InputFile>, Vec<String>), SourceError> {
    let folder_error = |reason: String| SourceError::Folder {
        path: shown_path(root),
        reason,
    };
    let canon_root = root
        .canonicalize()
        .map_err(|e| folder_error(e.to_string()))?;
    let root_meta = std::fs::metadata(&canon_root).map_err(|e| folder_error(e.to_string()))?;
    if !root_meta.is_dir() {
        return Err(folder_error("not a folder".into()));
    }
    let root_id = folder_id(&root_meta, &canon_root);
    let mut listed: std::collections::HashMap<FolderId, String> =
        std::collections::HashMap::from([(root_id, String::new())]);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    // Depth first, each folder's entries in name order: the walk (and so which name a
    // folder reached by two names is listed under) is the same on every run.
    let mut stack = vec![Pending {
        dir: root.to_path_buf(),
        real: canon_root.clone(),
        prefix: String::new(),
        ancestors: vec![root_id],
    }];
    while let Some(Pending {
        dir,
        real: dir_real,
        prefix,
        ancestors,
    }) = stack.pop()
    {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{}: cannot list: {e}", shown_path(&dir)));
                continue;
            }
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        let mut subfolders = Vec::new();
        for entry in entries {
            let path = entry.path();
            let Some(fname) = entry.file_name().to_str().map(str::to_string) else {
                problems.push(format!(
                    "{}: file name is not UTF-8, skipped",
                    shown_path(&path)
                ));
                continue;
            };
            if ignored(&fname) {
                continue;
            }
            let name = if prefix.is_empty() {
                fname.clone()
            } else {
                format!("{prefix}/{fname}")
            };
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            // What is not a link is where its folder is (one `stat`, no path walk).
            let plain = (!is_link)
                .then(|| entry.metadata().ok())
                .flatten()
                .map(|m| (dir_real.join(&fname), m));
            // Resolve links and keep only what stays inside the source folder.
            let Some((real, meta)) = plain.or_else(|| {
                let real = path.canonicalize().ok()?;
                let meta = std::fs::metadata(&real).ok();
                Some((real, meta?))
            }) else {
                if is_link {
                    problems.push(format!(
                        "{}: a link that leads nowhere (or round in a circle), skipped",
                        shown_path(&path)
                    ));
                }
                continue;
            };
            if !real.starts_with(&canon_root) {
                problems.push(format!(
                    "{}: points outside the source folder, skipped",
                    shown_path(&path)
                ));
                continue;
            }
            if meta.is_dir() {
                let id = folder_id(&meta, &real);
                if ancestors.contains(&id) {
                    problems.push(format!(
                        "{}: a link back to a folder above it (a loop), skipped",
                        shown_path(&path)
                    ));
                    continue;
                }
                // A link to a folder that the walk lists under its own name anyway.
                let own_name = is_link.then(|| real_name(&real, &canon_root)).flatten();
                if let Some(first) = own_name.or_else(|| listed.get(&id).cloned()) {
                    problems.push(format!(
                        "{}: the same folder as {}, listed once under that name, skipped",
                        shown_path(&path),
                        shown(if first.is_empty() { "." } else { &first })
                    ));
                    continue;
                }
                listed.insert(id, name.clone());
                let mut below = ancestors.clone();
                below.push(id);
                subfolders.push(Pending {
                    dir: path,
                    real,
                    prefix: name,
                    ancestors: below,
                });
            } else if meta.is_file() {
                files.push(InputFile {
                    source: source.to_string(),
                    name,
                    path,
                    size: meta.len(),
                    mtime_ns: mtime_ns(&meta),
                });
            }
        }
        // Popped in name order.
        stack.extend(subfolders.into_iter().rev());
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((files, problems))
}

/// File name endings of what is never text nor a feed: pictures, documents, archives,
/// audio and video. Such files are skipped (one info line a run), not failed.
const NOT_TEXT: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico", ".svg", ".pdf",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z",
    ".rar", ".mp3", ".mp4", ".m4a", ".wav", ".avi", ".mov", ".mkv",
];

/// File name endings of what may hold a feed (RSS, Atom or JSON Feed) rather than page
/// text; the content decides.
const FEED_LIKE: &[&str] = &[".xml", ".rss", ".atom", ".json"];

/// Whether a file's name says it may hold a feed (`.xml`, `.rss`, `.atom`, `.json`).
pub fn may_be_feed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    FEED_LIKE.iter().any(|e| lower.ends_with(e))
}

/// The files of a folder source chosen to be read: those its `include` patterns match
/// (all when there are none) and no `exclude` pattern matches, leaving out files whose
/// name says they are not text (pictures, PDFs, archives …), which are returned second.
pub fn select(
    files: Vec<InputFile>,
    include: &[String],
    exclude: &[String],
) -> Result<(Vec<InputFile>, Vec<InputFile>), globset::Error> {
    let set = |pats: &[String]| -> Result<globset::GlobSet, globset::Error> {
        let mut b = globset::GlobSetBuilder::new();
        for p in pats {
            b.add(globset::Glob::new(p)?);
        }
        b.build()
    };
    let (inc, exc) = (set(include)?, set(exclude)?);
    let mut kept = Vec::new();
    let mut not_text = Vec::new();
    for f in files {
        if (!include.is_empty() && !inc.is_match(&f.name)) || exc.is_match(&f.name) {
            continue;
        }
        let lower = f.name.to_ascii_lowercase();
        if NOT_TEXT.iter().any(|e| lower.ends_with(e)) {
            not_text.push(f);
        } else {
            kept.push(f);
        }
    }
    Ok((kept, not_text))
}

/// Reads a file's bytes, refusing files larger than `limit_mb` megabytes.
pub fn read(file: &InputFile, limit_mb: u64) -> Result<Vec<u8>, SourceError> {
    let limit = limit_mb.saturating_mul(1024 * 1024);
    let f = std::fs::File::open(&file.path)?;
    let size = f.metadata()?.len();
    if size > limit {
        return Err(SourceError::TooLarge { size, limit_mb });
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(SourceError::TooLarge {
            size: buf.len() as u64,
            limit_mb,
        });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_lists_files_recursively_in_order_and_skips_hidden() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("b.txt"), "b").unwrap();
        std::fs::write(d.path().join("sub/a.txt"), "a").unwrap();
        std::fs::write(d.path().join(".hidden"), "h").unwrap();
        std::fs::write(d.path().join("x.tmp"), "t").unwrap();
        let (files, problems) = scan("s", d.path()).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b.txt", "sub/a.txt"]);
        assert!(problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_folder_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), d.path().join("link.txt"))
            .unwrap();
        let (files, problems) = scan("s", d.path()).unwrap();
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("points outside the source folder"));
    }

    #[test]
    fn read_refuses_files_over_the_limit() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.txt");
        std::fs::write(&p, vec![b'a'; 1024 * 1024 + 1]).unwrap();
        let f = InputFile {
            source: "s".into(),
            name: "big.txt".into(),
            path: p,
            size: 0,
            mtime_ns: None,
        };
        let e = read(&f, 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "1048577 bytes, larger than the limit of 1 MB (`max_file_mb`)"
        );
    }

    #[test]
    fn select_applies_patterns_and_sets_binaries_aside() {
        let f = |n: &str| InputFile {
            source: "s".into(),
            name: n.into(),
            path: PathBuf::from(n),
            size: 1,
            mtime_ns: None,
        };
        let all = vec![
            f("a.txt"),
            f("b.png"),
            f("draft/c.txt"),
            f("d.pdf"),
            f("e.rss"),
        ];
        let (kept, skipped) = select(all.clone(), &[], &["draft/**".into()]).unwrap();
        let names: Vec<_> = kept.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "e.rss"]);
        let names: Vec<_> = skipped.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b.png", "d.pdf"]);
        let (kept, _) = select(all, &["**/*.txt".into()], &[]).unwrap();
        assert_eq!(kept.len(), 2);
        assert!(may_be_feed("x/Feed.XML") && !may_be_feed("a.txt"));
    }

    #[test]
    fn missing_folder_is_named() {
        let e = scan("s", Path::new("/nonexistent/inbox"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("source folder /nonexistent/inbox:"), "{e}");
    }
}
