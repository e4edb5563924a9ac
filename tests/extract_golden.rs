//! Every fixture page against its golden output: `localfeed extract --format json` of each
//! file of `tests/fixtures/extract` and of every `tests/fixtures/heldout*/pages` folder is
//! compared byte for byte with `tests/expected/<set>/<file>.expected.json`.
//! `UPDATE_EXPECT=1 cargo test --release --test extract_golden` rewrites the golden files;
//! review the change in `git diff` before committing it.

mod common;

use std::path::{Path, PathBuf};

/// The fixture sets: the folder of pages and the name of its golden folder.
fn sets() -> Vec<(PathBuf, String)> {
    let fixtures = common::repo().join("tests/fixtures");
    let mut out = vec![(fixtures.join("extract"), "extract".to_string())];
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("heldout"))
        .collect();
    names.sort();
    for n in names {
        out.push((fixtures.join(&n).join("pages"), n));
    }
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_page_gives_its_golden_output() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let s = common::Sandbox::empty();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (dir, set) in sets() {
        let golden_dir = common::repo().join("tests/expected").join(&set);
        for f in files(&dir) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let o = s.run(&["extract", "--format", "json", &f.display().to_string()]);
            let mut got = String::from_utf8_lossy(&o.stdout).into_owned();
            // a file that cannot be read keeps its exit status and message as its output
            if !o.status.success() {
                got.push_str(&format!(
                    "exit {:?}: {}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stderr).replace(&f.display().to_string(), &name)
                ));
            }
            let golden = golden_dir.join(format!("{name}.expected.json"));
            if update {
                std::fs::create_dir_all(&golden_dir).unwrap();
                std::fs::write(&golden, &got).unwrap();
            } else {
                match std::fs::read_to_string(&golden) {
                    Ok(want) if want == got => {}
                    Ok(_) => wrong.push(format!("{set}/{name}: differs from {}", golden.display())),
                    Err(e) => wrong.push(format!("{set}/{name}: {}: {e}", golden.display())),
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} fixture files");
    assert!(
        wrong.is_empty(),
        "{} of {checked} files differ from their golden output (UPDATE_EXPECT=1 rewrites them; review the diff):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
