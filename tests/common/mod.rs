//! Helpers shared by the integration tests: a temporary copy of a fixture folder and a
//! way to run the real `localfeed` binary in it.

#![allow(dead_code, unreachable_pub)]

pub mod extract;
pub mod http;
pub mod postgres;

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` next to the repository, or `None` with a visible message. Under CI (the
/// `CI` variable set) a missing `../shared` fails the test instead.
pub fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("corpus").is_dir() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared is missing next to the repository, and CI is set: it must be there");
    }
    eprintln!("SKIPPED: ../shared is not next to the repository; this test needs it");
    None
}

/// A temporary working folder holding a copy of the repository's `config.toml` and
/// `examples/`, or of any other fixture.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// A sandbox with the bundled config and example pages.
    pub fn examples() -> Self {
        let s = Self::empty();
        std::fs::copy(repo().join("config.toml"), s.path().join("config.toml")).unwrap();
        copy_dir(&repo().join("examples"), &s.path().join("examples"));
        s
    }

    /// An empty sandbox.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `localfeed ARGS` in the sandbox with a fixed clock.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The command, for tests that need to tweak it.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        self.command_via(&[], args)
    }

    /// The command started through `wrapper` (such as `nice -n 19`).
    pub fn command_via(&self, wrapper: &[&str], args: &[&str]) -> std::process::Command {
        let bin = env!("CARGO_BIN_EXE_localfeed");
        let mut c = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = std::process::Command::new(program);
                c.args(rest).arg(bin);
                c
            }
            None => std::process::Command::new(bin),
        };
        c.args(args)
            .current_dir(self.path())
            .env("LOCALFEED_NOW", "2024-06-10T09:00:00+08:00")
            .env_remove("LOCALFEED_CONFIG")
            .env_remove("LOCALFEED_LOG");
        c
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// A sandbox with the bundled config and examples after one `localfeed run`.
pub fn published_examples() -> Sandbox {
    let s = Sandbox::examples();
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes and modification time, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let m = e.metadata().unwrap().modified().unwrap();
                out.push((e.path(), std::fs::read(e.path()).unwrap(), m));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Asserts that two snapshots hold the same files with the same bytes (and, with
/// `mtimes`, the same modification times), naming the files that differ.
pub fn assert_same_files(
    a: &[(PathBuf, Vec<u8>, std::time::SystemTime)],
    a_root: &Path,
    b: &[(PathBuf, Vec<u8>, std::time::SystemTime)],
    b_root: &Path,
    mtimes: bool,
) {
    let key = |v: &[(PathBuf, Vec<u8>, std::time::SystemTime)], root: &Path| {
        v.iter()
            .map(|(p, bytes, t)| {
                (
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    (bytes.clone(), *t),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (ka, kb) = (key(a, a_root), key(b, b_root));
    let mut diffs = Vec::new();
    for (p, (bytes, t)) in &ka {
        match kb.get(p) {
            None => diffs.push(format!("only in the first: {}", p.display())),
            Some((b2, _)) if b2 != bytes => diffs.push(format!("bytes differ: {}", p.display())),
            Some((_, t2)) if mtimes && t2 != t => {
                diffs.push(format!("mtime differs: {}", p.display()))
            }
            _ => {}
        }
    }
    for p in kb.keys().filter(|p| !ka.contains_key(*p)) {
        diffs.push(format!("only in the second: {}", p.display()));
    }
    assert!(diffs.is_empty(), "files differ:\n{}", diffs.join("\n"));
}

/// A running `../shared/tools/smtp-sink`, stopped when dropped.
pub struct SmtpSink(std::process::Child);

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts smtp-sink on a free port of 127.0.0.1, saving messages in `dir/mail`.
pub fn start_smtp_sink(tools: &Path, dir: &Path) -> (SmtpSink, u16) {
    use std::time::{Duration, Instant};
    let ready = dir.join("sink.port");
    let child = std::process::Command::new(tools.join("smtp-sink"))
        .arg("--dir")
        .arg(dir.join("mail"))
        .args(["--port", "0", "--ready-file"])
        .arg(&ready)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cannot start smtp-sink");
    let sink = SmtpSink(child);
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(&ready)
            && let Some(Ok(port)) = s.split_whitespace().nth(1).map(str::parse)
        {
            return (sink, port);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "smtp-sink did not become ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The `.eml` files in a folder, sorted.
pub fn emls(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Base64 as MIME and RFC 2047 carry it (line breaks allowed), decoded.
pub fn unb64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .expect("base64")
}

/// The decoded text/plain part of a message.
pub fn text_part(eml: &[u8]) -> String {
    let s = String::from_utf8_lossy(eml);
    let at = s.find("Content-Type: text/plain").expect("text part");
    let rest = &s[at..];
    let body_start = rest.find("\r\n\r\n").expect("part body") + 4;
    let body = &rest[body_start..];
    let end = body.find("\r\n--").unwrap_or(body.len());
    String::from_utf8(unb64(&body[..end])).expect("utf-8 text part")
}
