//! The module boundaries, checked: a stage never imports another stage, and only
//! `schedule` and `cli` bring stages together. See the table in README.md.

use std::path::Path;

const STAGES: &[&str] = &["sources", "extract", "locate", "store", "publish", "digest"];
/// What any stage may use besides itself.
const SHARED: &[&str] = &["model", "clock", "templates", "config"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn stages_do_not_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offences = Vec::new();
    for stage in STAGES {
        let mut files = Vec::new();
        let dir = src.join(stage);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = src.join(format!("{stage}.rs"));
        if file.is_file() {
            files.push(file);
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                for other in STAGES.iter().chain(["schedule", "cli"].iter()) {
                    if other == stage {
                        continue;
                    }
                    if line.contains(&format!("crate::{other}::"))
                        || line.contains(&format!("crate::{other};"))
                        || line.contains(&format!("crate::{other}}}"))
                    {
                        offences.push(format!("{}:{}: {stage} uses {other}", f.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "stage boundaries crossed:\n{}",
        offences.join("\n")
    );
    // The shared modules import no stage at all.
    for shared in SHARED {
        let f = src.join(format!("{shared}.rs"));
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for stage in STAGES {
            if *shared == "config" && (*stage == "publish" || *stage == "digest") {
                continue; // config embeds the settings tables those stages declare
            }
            assert!(
                !text.contains(&format!("crate::{stage}")),
                "{} imports {stage}",
                f.display()
            );
        }
    }
}

#[test]
fn model_imports_nothing_of_the_crate() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model.rs"))
        .unwrap();
    let uses: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("crate::") && !l.trim_start().starts_with("//"))
        .collect();
    assert!(uses.is_empty(), "model.rs uses other modules: {uses:?}");
}
