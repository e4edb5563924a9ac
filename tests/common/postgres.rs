//! A private PostgreSQL server for the tests: a cluster made with `initdb` in a temporary
//! folder, listening on a socket in that folder and on a free port of 127.0.0.1, one per
//! test binary, each test given a database of its own. The server stops and its folder
//! goes when the test binary exits (a watchdog shell waits for it).
//!
//! The binaries are found on `PATH` or in Debian's `/usr/lib/postgresql/NN/bin`. When
//! they are missing, tests skip with a loud note; under CI (`CI` set) they fail.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A running cluster.
pub struct Cluster {
    /// The port it listens on at 127.0.0.1.
    pub port: u16,
    /// The folder holding its data and socket.
    pub dir: PathBuf,
    user: String,
    /// The shell that stops the server when the test binary exits (it outlives the
    /// binary, so it is never waited for).
    _watchdog: std::process::Child,
}

/// The folder of `initdb`, `pg_ctl` and `postgres`: on `PATH`, or Debian's newest.
fn bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if d.join("initdb").is_file() && d.join("postgres").is_file() {
                return Some(d);
            }
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn output(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run a command");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The user the server runs as: this one, or `postgres` (else `nobody`) when this is root
/// (PostgreSQL refuses to run as root).
fn server_user() -> Option<(u32, u32, String)> {
    let uid: u32 = output(Command::new("id").arg("-u")).parse().ok()?;
    if uid != 0 {
        return None;
    }
    for name in ["postgres", "nobody"] {
        let u = output(Command::new("id").args(["-u", name]));
        let g = output(Command::new("id").args(["-g", name]));
        if let (Ok(u), Ok(g)) = (u.parse(), g.parse()) {
            return Some((u, g, name.to_string()));
        }
    }
    panic!("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

fn start() -> Option<Cluster> {
    let Some(bin) = bin_dir() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI is set but PostgreSQL's initdb/postgres are not on PATH nor in \
                 /usr/lib/postgresql/*/bin: install Debian's postgresql package (.ci/run does)"
            );
        }
        eprintln!(
            "\n*** SKIPPED: PostgreSQL is not installed (no initdb/postgres on PATH or in \
             /usr/lib/postgresql/*/bin); the PostgreSQL store tests did NOT run. \
             Install Debian's postgresql package to run them. ***\n"
        );
        return None;
    };
    let dir = tempfile::Builder::new()
        .prefix("localfeed-pg-")
        .tempdir()
        .unwrap()
        .keep();
    let as_user = server_user();
    let wrap = |program: &Path| -> Command {
        match &as_user {
            Some((uid, gid, _)) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .arg("--clear-groups")
                    .arg(program);
                c
            }
            None => Command::new(program),
        }
    };
    if let Some((uid, gid, _)) = &as_user {
        std::os::unix::fs::chown(&dir, Some(*uid), Some(*gid)).unwrap();
    }
    let data = dir.join("data");
    let init = wrap(&bin.join("initdb"))
        .args([
            "-A",
            "trust",
            "-U",
            "localfeed",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
        ])
        .arg(&data)
        .output()
        .expect("run initdb");
    assert!(
        init.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port();
    // The server, and a watchdog that stops it and removes its folder once this test
    // binary (its parent's parent: the shell's parent) has exited.
    let postgres = bin.join("postgres");
    let prefix = match &as_user {
        Some((uid, gid, _)) => format!("setpriv --reuid={uid} --regid={gid} --clear-groups "),
        None => String::new(),
    };
    let script = format!(
        "{prefix}'{pg}' -D '{data}' -k '{dir}' -p {port} -c listen_addresses=127.0.0.1 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c max_connections=100 >'{dir}/log' 2>&1 &
         pg=$!
         while kill -0 {me} 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 0.2; done
         kill -INT $pg 2>/dev/null; wait $pg; rm -rf '{dir}'",
        pg = postgres.display(),
        data = data.display(),
        dir = dir.display(),
        me = std::process::id(),
    );
    let watchdog = Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the PostgreSQL watchdog");
    let cluster = Cluster {
        port,
        dir: dir.clone(),
        user: "localfeed".into(),
        _watchdog: watchdog,
    };
    let start = Instant::now();
    loop {
        if postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls).is_ok() {
            return Some(cluster);
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "PostgreSQL did not start: {}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The cluster of this test binary, started on first use; `None` (after a loud note) when
/// PostgreSQL is not installed and `CI` is not set.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER.get_or_init(start).as_ref()
}

impl Cluster {
    /// The URL of database `db` over TCP.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{}@127.0.0.1:{}/{db}", self.user, self.port)
    }

    /// A new empty database; returns its URL.
    pub fn database(&self, name: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let db = format!(
            "{}_{}",
            name.to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .take(40)
                .collect::<String>(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        self.url(&db)
    }
}

/// A new database on the cluster, or `None` when PostgreSQL is not installed.
pub fn database(name: &str) -> Option<String> {
    cluster().map(|c| c.database(name))
}
