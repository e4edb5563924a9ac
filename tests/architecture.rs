//! The module boundaries, checked: a stage never imports another stage, and only the
//! orchestrators (`schedule`, `serve`) and `cli` bring stages together, each only the
//! ones listed for it below. See the table in README.md.

use std::path::Path;

const STAGES: &[&str] = &[
    "sources", "extract", "locate", "store", "stories", "publish", "digest",
];
/// What any stage may use besides itself.
const SHARED: &[&str] = &["model", "clock", "templates", "config"];
/// The modules that bring stages together, and the only modules of the crate each may
/// use besides the shared ones. `serve` runs the pipeline through `schedule`, answers
/// the subscription pages with the store, digest tokens and the gazetteer, and renders
/// feeds made to order and search results with `publish` from what the store returns; it
/// never reads sources, extracts or writes the site itself. Nothing imports `cli`, and only `cli` imports
/// `serve`.
const ORCHESTRATORS: &[(&str, &[&str])] = &[
    (
        "schedule",
        &[
            "sources", "extract", "locate", "store", "stories", "publish", "digest",
        ],
    ),
    (
        "serve",
        &["schedule", "store", "digest", "locate", "publish"],
    ),
];

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

/// Whether a line of source uses the crate's module `other`.
fn uses(line: &str, other: &str) -> bool {
    ["::", ";", "}", " "]
        .iter()
        .any(|end| line.contains(&format!("crate::{other}{end}")))
}

/// Every line of module `me` (its `src/me.rs` or `src/me/` files) that uses one of
/// `others`, as `file:line: me uses other`.
fn crossings(src: &Path, me: &str, others: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src.join(me), &mut files);
    let file = src.join(format!("{me}.rs"));
    if file.is_file() {
        files.push(file);
    }
    assert!(!files.is_empty(), "no source for {me}");
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for other in others.iter().filter(|o| uses(line, o)) {
                out.push(format!("{}:{}: {me} uses {other}", f.display(), n + 1));
            }
        }
    }
    out
}

#[test]
fn stages_do_not_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offences = Vec::new();
    for stage in STAGES {
        let others: Vec<&str> = STAGES
            .iter()
            .copied()
            .chain(["schedule", "serve", "cli"])
            .filter(|o| o != stage)
            .collect();
        offences.extend(crossings(&src, stage, &others));
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
        for stage in STAGES.iter().chain(["schedule", "serve", "cli"].iter()) {
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

/// Every module of the crate (a `src/NAME.rs` file or a `src/NAME/` folder).
fn modules(src: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(src)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs").map(str::to_string)
            }
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn orchestrators_use_only_what_they_list() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = modules(&src);
    let mut offences = Vec::new();
    for (me, allowed) in ORCHESTRATORS {
        let others: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|o| o != me && !SHARED.contains(o) && !allowed.contains(o))
            .collect();
        offences.extend(crossings(&src, me, &others));
    }
    assert!(
        offences.is_empty(),
        "orchestrators use modules they do not list:\n{}",
        offences.join("\n")
    );
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
