//! Source folders built to hurt: symlink loops and file names that carry control
//! characters. The real binary runs on them; the assertions are on what it read, what it
//! logged and that it finished.

mod common;

use std::process::{Command, Output, Stdio};

use common::{Sandbox, stderr, stdout};

const PAGE_A: &str = "城关镇新闻\n\n本报讯(记者 周强)城关镇今天举行运动会，三百多名居民参加。\n";
const PAGE_B: &str = "乡村振兴\n\n本报讯(记者 李明)递铺街道的茶农今天开始采摘夏茶。\n";

/// A sandbox whose config reads the folder `in` (source id `in`).
fn sandbox() -> Sandbox {
    let s = Sandbox::empty();
    s.write(
        "config.toml",
        "[[source]]\nid = \"in\"\npath = \"in\"\n\n[publish]\nbase_url = \"http://127.0.0.1:8080/\"\n",
    );
    s
}

/// Runs `localfeed run` in the sandbox and waits at most `limit` for it: a run that never
/// ends is killed and reported as such (not a timing assertion: a run over a handful of
/// files that is still going after minutes is a hang).
fn run_inbox(s: &Sandbox, limit: std::time::Duration) -> Output {
    let mut cmd: Command = s.command(&["run"]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while waiting, so a chatty run never blocks on a full pipe.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let err = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!(
                "the run never finished (killed after {limit:?}); its log began:\n{}",
                err.chars().take(2000).collect::<String>()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The number in the run's summary line "N file(s) read".
fn files_read(err: &str) -> usize {
    let line = err
        .lines()
        .find(|l| l.contains(" file(s) read,"))
        .unwrap_or_else(|| panic!("no summary line in:\n{err}"));
    let before = line.split(" file(s) read,").next().unwrap();
    before
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{line}"))
}

/// Runs over `a.txt` and `file` (both pages) with the links `(link, target)` in the
/// folder `in`: the run must finish, succeed and read each page once. Returns its log.
#[cfg(unix)]
fn run_with_links(file: &str, links: &[(&str, &str)]) -> String {
    let s = sandbox();
    s.write("in/a.txt", PAGE_A);
    s.write(&format!("in/{file}"), PAGE_B);
    for (link, target) in links {
        std::os::unix::fs::symlink(target, s.path().join("in").join(link)).unwrap();
    }
    let o = run_inbox(&s, std::time::Duration::from_secs(120));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(files_read(&err), 2, "each file is read once:\n{err}");
    err
}

#[cfg(unix)]
#[test]
fn a_link_back_to_the_folder_is_skipped_and_reported_once() {
    let err = run_with_links("sub/b.txt", &[("loop", "."), ("sub/up", "..")]);
    for link in ["loop", "sub/up"] {
        let n = err
            .lines()
            .filter(|l| l.contains(&format!("in/{link}:")) && l.contains("loop"))
            .count();
        assert_eq!(n, 1, "the loop at {link} is reported once:\n{err}");
    }
}

#[cfg(unix)]
#[test]
fn two_links_back_to_the_folder_finish() {
    // Two links to the folder itself, one from deep below, and a second name for a
    // folder inside the source (whose files are listed once, under their own name).
    let err = run_with_links(
        "deep/er/b.txt",
        &[
            ("one", "."),
            ("two", "."),
            ("deep/er/top", "../.."),
            ("zz-alias", "deep/er"),
        ],
    );
    assert!(
        err.contains("zz-alias: the same folder as deep/er"),
        "{err}"
    );
}

/// A file name that holds a newline and a forged log line, a carriage return, an ANSI
/// escape and a right-to-left override: every message that names the file shows it
/// escaped on one line.
#[cfg(unix)]
#[test]
fn control_characters_in_file_names_do_not_forge_log_lines() {
    let s = sandbox();
    s.write("in/good.txt", PAGE_A);
    let forged = "bad.txt\nERROR localfeed: forged line\r\u{1b}[2K\u{202e}txt.exe";
    s.write(
        &format!("in/{forged}"),
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13],
    );
    let o = run_inbox(&s, std::time::Duration::from_secs(120));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let status = stdout(&s.run(&["status"]));
    for (what, text) in [("log", &err), ("status", &status)] {
        assert!(
            !text
                .lines()
                .any(|l| l.trim_start().starts_with("ERROR localfeed: forged")),
            "{what} carries a forged line:\n{text}"
        );
        for c in ['\r', '\u{1b}', '\u{202e}'] {
            assert!(!text.contains(c), "{what} carries {c:?} raw:\n{text}");
        }
    }
    assert!(
        err.lines()
            .any(|l| l
                .contains("bad.txt\\nERROR localfeed: forged line\\r\\u{1b}[2K\\u{202e}txt.exe")),
        "the name is shown escaped:\n{err}"
    );
}
