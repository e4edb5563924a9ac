//! Test support: the lines of every text fixture (and of the shared sample pages when they
//! are present), with pieces of them, for comparing a fast line test with the reference
//! form it replaced. Owns nothing outside the tests; must not touch the rules themselves.

use std::path::Path;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let Ok(super::decode::Decoded { text, .. }) = super::decode::decode(&bytes) else {
            continue;
        };
        for line in super::normalize::clean_chars(&text).split('\n') {
            out.push(line.to_string());
        }
    }
}

/// Every line of the fixture files and sample pages, cleaned as the page reader cleans
/// them, trimmed and untrimmed; and every line's prefixes and suffixes of up to 64
/// characters, so that short shapes (labels, headers, credits) are tried in many forms.
pub(crate) fn sample_lines() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines = Vec::new();
    collect(&root.join("tests/fixtures"), &mut lines);
    collect(&root.join("../shared/corpus/pages"), &mut lines);
    assert!(lines.len() > 1000, "the fixture lines are missing");
    let mut out = Vec::with_capacity(lines.len() * 8);
    for l in &lines {
        let cs: Vec<(usize, char)> = l.char_indices().collect();
        for k in (1..cs.len().min(64)).step_by(3) {
            if let Some(&(at, _)) = cs.get(k) {
                out.push(l.get(..at).unwrap_or("").to_string());
            }
            if let Some(&(at, _)) = cs.get(cs.len() - k) {
                out.push(l.get(at..).unwrap_or("").to_string());
            }
        }
        out.push(l.trim().to_string());
        out.push(l.clone());
    }
    out
}
