//! The files of `src/extract` import each other without a loop: every `use super::…`,
//! `use crate::extract::…` and path written out in full in code (`crate::extract::a::b`,
//! `super::a::b`) outside test modules is an edge from its file to the file that defines
//! the module it names; the test fails on any cycle and names the files round it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under `src/extract`: `read/mod.rs` is `["read"]`,
/// `read/byline.rs` is `["read", "byline"]`, `mod.rs` is `[]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The paths a line of code names, as module paths inside `extract`, resolved against the
/// module `here` (a file that is not a `mod.rs` is its own module; `super` is its parent).
fn named_paths(line: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (start, prefix) in [("crate::extract::", 0usize), ("super::", 1)] {
        let mut from = 0;
        while let Some(k) = line.get(from..).and_then(|r| r.find(start)) {
            let at = from + k;
            from = at + start.len();
            // `super::super::x` is read once, from its first `super`
            if prefix == 1 && line.get(..at).is_some_and(|b| b.ends_with("super::")) {
                continue;
            }
            let rest = line.get(at..).unwrap_or("");
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            let mut base: Vec<String> = if prefix == 0 { vec![] } else { here.to_vec() };
            let mut segs = if prefix == 0 {
                segs.get(2..).unwrap_or_default().to_vec()
            } else {
                segs
            };
            while segs.first() == Some(&"super") {
                base.pop();
                segs.remove(0);
            }
            base.extend(segs.iter().map(|s| s.to_string()));
            out.push(base);
        }
    }
    out
}

#[test]
fn extract_files_import_each_other_without_a_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/extract");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    // module path -> file
    let mut modules: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        modules.insert(module_of(rel), rel.display().to_string());
    }
    assert!(
        modules.len() > 10,
        "src/extract holds {} files",
        modules.len()
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        let name = rel.display().to_string();
        let here = module_of(rel);
        let text = std::fs::read_to_string(f).unwrap();
        // code outside test modules
        let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or("");
        for line in code.lines() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            for path in named_paths(l, &here) {
                // the longest module prefix that is a file
                let target = (0..=path.len())
                    .rev()
                    .find_map(|k| modules.get(path.get(..k).unwrap_or_default()));
                if let Some(t) = target
                    && *t != name
                {
                    edges.entry(name.clone()).or_default().insert(t.clone());
                }
            }
        }
    }
    assert!(
        !edges.is_empty(),
        "no import found: the parser reads nothing"
    );
    // depth-first search for a cycle
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let k = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle = stack.get(k..).unwrap_or_default().to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, &edges, &mut state, &mut Vec::new()) {
            panic!("import loop inside src/extract: {}", c.join(" -> "));
        }
    }
}

/// The parser finds the paths a line names, so the test above can fail.
#[test]
fn the_path_reader_resolves_super_and_crate_paths() {
    let here = vec!["read".to_string(), "labels".to_string()];
    assert_eq!(
        named_paths("use super::byline::{self, People};", &here),
        vec![vec!["read".to_string(), "byline".to_string()]]
    );
    assert_eq!(
        named_paths("let x = crate::extract::text::clean::trim(t);", &here),
        vec![vec![
            "text".to_string(),
            "clean".to_string(),
            "trim".to_string()
        ]]
    );
    assert_eq!(
        named_paths("use super::super::line::Role;", &here),
        vec![vec!["line".to_string(), "Role".to_string()]]
    );
}
