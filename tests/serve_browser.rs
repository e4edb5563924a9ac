//! Browser end-to-end tests (playwright-core driving Debian's headless Chromium against
//! the real binary): the subscription pages (`tests/browser/e2e.mjs`, with
//! `../shared/tools/smtp-sink` as the mail server; screenshots in
//! `target/tmp/serve-browser/`) and the site people read (`tests/browser/site.mjs`:
//! front page, place search, place and article pages, article search, feeds made to
//! order, at desktop and phone widths; screenshots in `target/tmp/site-browser/`). Skips with a message when Chromium, Node, playwright-core
//! or `../shared` is missing, and fails instead when `CI` is set.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn missing(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is missing, and CI is set: the browser test must run");
    }
    eprintln!("SKIPPED: {what} is missing; the browser end-to-end test needs it");
}

fn node_ok() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The Chromium to drive, when it, Node and playwright-core are all there (else `None`,
/// after saying what is missing).
fn browser_ready() -> Option<PathBuf> {
    let repo = common::repo();
    let chromium =
        std::env::var_os("CHROMIUM").map_or(PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.is_file() {
        missing(&format!("Chromium ({})", chromium.display()));
        return None;
    }
    if !node_ok() {
        missing("node");
        return None;
    }
    if !repo
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        missing("playwright-core (npm ci --prefix tests/browser)");
        return None;
    }
    Some(chromium)
}

/// Runs `tests/browser/SCRIPT` with the binary, the repository and `env`, its
/// screenshots into `target/tmp/OUT/`, and asserts that it passed and saved `shots`.
fn run_script(script: &str, out: &str, env: &[(&str, &Path)], chromium: &Path, shots: &[String]) {
    let repo = common::repo();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(out);
    let _ = std::fs::remove_dir_all(&out);
    let mut cmd = Command::new("node");
    cmd.arg(repo.join("tests/browser").join(script))
        .current_dir(repo.join("tests/browser"))
        .env("LOCALFEED_BIN", env!("CARGO_BIN_EXE_localfeed"))
        .env("REPO", &repo)
        .env("OUT_DIR", &out)
        .env("CHROMIUM", chromium);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    println!("{stdout}");
    assert!(
        o.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    for shot in shots {
        assert!(
            out.join(format!("{shot}.png")).is_file(),
            "no screenshot {shot}"
        );
    }
}

#[test]
fn subscribe_confirm_digest_manage_and_unsubscribe_in_chromium() {
    let Some(chromium) = browser_ready() else {
        return;
    };
    let tools = common::repo().join("../shared/tools");
    if !tools.join("smtp-sink").is_file() {
        return missing("../shared/tools/smtp-sink");
    }
    let shots = [
        "01-subscribe",
        "04-confirm",
        "06-manage",
        "08-unsubscribe",
        "09-unsubscribed",
    ]
    .map(String::from);
    run_script(
        "e2e.mjs",
        "serve-browser",
        &[("SHARED_TOOLS", &tools)],
        &chromium,
        &shots,
    );
}

#[test]
fn a_reader_finds_a_township_reads_it_searches_and_follows_places_in_chromium() {
    let Some(chromium) = browser_ready() else {
        return;
    };
    let mut shots = vec!["27-front-nojs".to_string()];
    for width in ["desktop", "phone"] {
        for shot in [
            "20-front",
            "21-place-search",
            "22-township",
            "23-county",
            "24-article",
            "25-search",
            "26-follow",
        ] {
            shots.push(format!("{shot}-{width}"));
        }
    }
    run_script("site.mjs", "site-browser", &[], &chromium, &shots);
}
