//! The real binary with `state = "postgres://…"` on a private PostgreSQL server started by
//! the test (`common/postgres.rs`): `run` on the examples writes the same files and the
//! same digest as with a SQLite state file, a second run changes nothing, `serve` answers searches and feeds
//! made to order as it does over SQLite, `status` and errors never show the URL's
//! password, and two runs cannot hold the run lock at once. Skips with a loud note when
//! PostgreSQL is not installed; fails under CI.

mod common;

use common::Sandbox;
use common::http::{Server, send};

/// The examples' config with `state` set to `state`.
fn with_state(s: &Sandbox, state: &str) {
    let cfg = std::fs::read_to_string(s.path().join("config.toml")).unwrap();
    let mut out = String::new();
    let mut done = false;
    for line in cfg.lines() {
        if !done && line.starts_with("state = ") {
            out.push_str(&format!("state = \"{state}\"\n"));
            done = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !done {
        out = format!("state = \"{state}\"\n{cfg}");
    }
    std::fs::write(s.path().join("config.toml"), out).unwrap();
}

#[test]
fn run_and_serve_on_postgres_give_what_they_give_on_sqlite() {
    let Some(cluster) = common::postgres::cluster() else {
        return;
    };
    let url = cluster.database("e2e");
    let lite = Sandbox::examples();
    let pg = Sandbox::examples();
    with_state(&pg, &url);
    // the examples' subscriber gets a digest (written to the outbox folder), signed with
    // one key for both
    let run = |s: &Sandbox| {
        s.command(&["run"])
            .env("LOCALFEED_DIGEST_KEY", "0123456789abcdef0123456789abcdef")
            .output()
            .unwrap()
    };
    let o = run(&lite);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = run(&pg);
    assert!(o.status.success(), "{}", common::stderr(&o));
    // the same messages, but for the MIME boundaries (random by design)
    let mail = |s: &Sandbox| -> Vec<(String, String)> {
        common::snapshot(&s.path().join("outbox"))
            .into_iter()
            .map(|(p, bytes, _)| {
                let text = String::from_utf8(bytes).unwrap();
                let boundary = text
                    .split("boundary=\"")
                    .nth(1)
                    .and_then(|b| b.split('"').next())
                    .unwrap_or("\u{0}")
                    .to_string();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, text.replace(&boundary, "BOUNDARY"))
            })
            .collect()
    };
    let mail_b = mail(&pg);
    assert!(!mail_b.is_empty(), "a digest was written");
    assert_eq!(mail(&lite), mail_b);
    assert!(
        !pg.path().join("state/localfeed.db").exists(),
        "no state file next to the config"
    );
    let a = common::snapshot(&lite.path().join("feeds"));
    let b = common::snapshot(&pg.path().join("feeds"));
    assert!(a.len() > 20, "{} files", a.len());
    common::assert_same_files(
        &a,
        &lite.path().join("feeds"),
        &b,
        &pg.path().join("feeds"),
        false,
    );
    // A second run finds nothing new, rewrites nothing and sends nothing again.
    let o = run(&pg);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let again = common::snapshot(&pg.path().join("feeds"));
    common::assert_same_files(
        &b,
        &pg.path().join("feeds"),
        &again,
        &pg.path().join("feeds"),
        true,
    );
    // status reads the database
    let o = pg.run(&["status"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains(&format!("state: {url}")), "{out}");
    let lite_counts = common::stdout(&lite.run(&["status"]));
    let line = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("articles:"))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(line(&out), line(&lite_counts));
    assert_eq!(
        common::snapshot(&pg.path().join("outbox")).len(),
        mail_b.len()
    );
    assert!(
        out.contains("digests: 1 sent, 0 pending, 0 failed"),
        "{out}"
    );
    // serve answers the same over both stores
    let srv_lite = Server::spawn(lite.command(&["serve", "--listen", "127.0.0.1:0"]));
    let srv_pg = Server::spawn(pg.command(&["serve", "--listen", "127.0.0.1:0"]));
    for path in [
        "/search?q=%E8%AE%AE%E4%BA%8B",
        "/search?q=%E8%AE%AE%E4%BA%8B&format=rss",
        "/search?q=%E5%AE%89%E5%90%89&format=rss",
        "/search?q=%E8%A1%97%E9%81%93&format=json",
        "/search?q=%E5%8E%BF",
        "/feed.xml?places=330523",
        "/feed.xml?places=33&format=json",
    ] {
        let x = send(srv_lite.port, "GET", path, &[], b"");
        let y = send(srv_pg.port, "GET", path, &[], b"");
        assert_eq!(x.status, 200, "{path}");
        assert_eq!(y.status, 200, "{path}");
        assert_eq!(
            String::from_utf8_lossy(&x.body),
            String::from_utf8_lossy(&y.body),
            "{path}"
        );
    }
    let page = send(srv_pg.port, "GET", "/subscribe", &[], b"");
    assert_eq!(page.status, 200, "the subscription page reads the database");
    let found = send(srv_pg.port, "GET", "/search?q=%E8%AE%AE%E4%BA%8B", &[], b"");
    assert!(
        String::from_utf8_lossy(&found.body).contains("找到 1 篇与“议事”有关的文章"),
        "search over PostgreSQL finds the article"
    );
}

#[test]
fn a_password_in_the_url_is_never_shown() {
    let Some(cluster) = common::postgres::cluster() else {
        return;
    };
    let s = Sandbox::examples();
    // a role with a password, refused: the message names the server, not the password
    let url = format!(
        "postgres://nobody:s3cret-pw@127.0.0.1:{}/nowhere",
        cluster.port
    );
    with_state(&s, &url);
    let o = s.run(&["run"]);
    assert!(!o.status.success());
    let all = format!("{}{}", common::stdout(&o), common::stderr(&o));
    assert!(!all.contains("s3cret-pw"), "{all}");
    assert!(all.contains("nobody:***@127.0.0.1"), "{all}");
    let o = s.run(&["status"]);
    let all = format!("{}{}", common::stdout(&o), common::stderr(&o));
    assert!(!all.contains("s3cret-pw"), "{all}");
}

#[test]
fn two_runs_cannot_hold_the_run_lock_at_once() {
    let Some(cluster) = common::postgres::cluster() else {
        return;
    };
    let url = cluster.database("lock");
    let held = localfeed::store::database_run_lock(&url).unwrap();
    assert!(held.is_some());
    let s = Sandbox::examples();
    with_state(&s, &url);
    let o = s.run(&["run"]);
    assert!(!o.status.success());
    let err = common::stderr(&o);
    assert!(err.contains("lock") || err.contains("another"), "{err}");
    // a digest worker delivering from the shared outbox needs no run lock
    let o = s.run(&["digest", "deliver"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    drop(held);
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
}
