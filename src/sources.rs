//! Where input comes from: the configured source folders.
//!
//! Owns: listing the files of a source folder (recursively, in a stable order, never
//! following a link out of the folder) and reading their bytes with a size limit. Must
//! not touch: decoding or splitting text (extract), the store, or the clock.

use std::io::Read;
use std::path::{Path, PathBuf};

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

/// Lists the files of a source folder, sorted by name. Links are followed only when they
/// stay inside the folder. Unreadable sub-folders are reported in the second value and
/// skipped.
pub fn scan(source: &str, root: &Path) -> Result<(Vec<InputFile>, Vec<String>), SourceError> {
    let canon_root = root.canonicalize().map_err(|e| SourceError::Folder {
        path: root.display().to_string(),
        reason: e.to_string(),
    })?;
    if !canon_root.is_dir() {
        return Err(SourceError::Folder {
            path: root.display().to_string(),
            reason: "not a folder".into(),
        });
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{}: cannot list: {e}", dir.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let Some(fname) = entry.file_name().to_str().map(str::to_string) else {
                problems.push(format!(
                    "{}: file name is not UTF-8, skipped",
                    entry.path().display()
                ));
                continue;
            };
            if ignored(&fname) {
                continue;
            }
            let path = entry.path();
            let name = if prefix.is_empty() {
                fname.clone()
            } else {
                format!("{prefix}/{fname}")
            };
            // Resolve links and keep only what stays inside the source folder.
            let Ok(real) = path.canonicalize() else {
                continue;
            };
            if !real.starts_with(&canon_root) {
                problems.push(format!(
                    "{}: points outside the source folder, skipped",
                    path.display()
                ));
                continue;
            }
            let Ok(meta) = std::fs::metadata(&real) else {
                continue;
            };
            if meta.is_dir() {
                stack.push((path, name));
            } else if meta.is_file() {
                files.push(InputFile {
                    source: source.to_string(),
                    name,
                    path,
                    size: meta.len(),
                });
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((files, problems))
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
    f.take(limit + 1).read_to_end(&mut buf)?;
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
        };
        let e = read(&f, 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "1048577 bytes, larger than the limit of 1 MB (`max_file_mb`)"
        );
    }

    #[test]
    fn missing_folder_is_named() {
        let e = scan("s", Path::new("/nonexistent/inbox"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("source folder /nonexistent/inbox:"), "{e}");
    }
}
