//! Configured numbers and URLs that pass `check` must not make `run` fail or panic: every
//! numeric key has a documented range that `check` enforces (exit 2, naming the line, the
//! column, the key and the range), and a seeded generator of random configs drives the
//! real binary's `check` and `run` without ever seeing a panic (exit 101).

mod common;

use common::{Sandbox, stderr};

/// Where a key is set in the bundled config (`[table]` and key), the value the audit
/// found passing `check` and failing `run`, and the range `check` must now name.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "digest",
        "first_digest_lookback_hours",
        "4294967295",
        "between 0 and 8760",
    ),
    (
        "digest",
        "send_rate",
        "1e-300",
        "0, or between 0.01 and 1000",
    ),
    (
        "digest",
        "retry_backoff_secs",
        "10000000000000",
        "between 1 and 86400",
    ),
    (
        "source",
        "max_file_mb",
        "17592186044416",
        "between 1 and 4096",
    ),
    ("publish", "items_per_feed", "0", "between 1 and 10000"),
    ("publish", "archive_size", "0", "between 1 and 10000"),
    ("publish", "max_retire_percent", "101", "between 0 and 100"),
    (
        "publish",
        "base_url",
        "\"javascript:alert(1)//\"",
        "absolute http(s) URL",
    ),
    ("digest", "base_url", "\"javascript:alert(1)//\"", "https"),
];

/// The bundled config with `key` in `[table]` (or the first `[[source]]`) set to `value`,
/// and the 1-based line it is on.
fn with_value(table: &str, key: &str, value: &str) -> (String, usize) {
    let text = std::fs::read_to_string(common::repo().join("config.toml")).unwrap();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut line_no = 0;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            current = t.trim_matches(|c| c == '[' || c == ']').to_string();
        }
        if line_no == 0 && current == table && t.starts_with(&format!("{key} =")) {
            out.push(format!("{key} = {value}"));
            line_no = out.len();
        } else {
            out.push(line.to_string());
        }
    }
    assert!(line_no > 0, "no {key} in [{table}] of config.toml");
    (out.join("\n") + "\n", line_no)
}

#[test]
fn values_that_would_break_a_run_are_refused_by_check_with_their_range() {
    for &(table, key, value, range) in CASES {
        let s = Sandbox::examples();
        let (cfg, line) = with_value(table, key, value);
        s.write("config.toml", &cfg);
        for cmd in ["check", "run"] {
            let o = s.run(&[cmd]);
            let err = stderr(&o);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{cmd} with {key} = {value} must exit 2: {err}"
            );
            assert!(
                err.contains(&format!("config.toml: line {line}, column 1: ")),
                "{cmd}: {key} = {value}: no line {line}: {err}"
            );
            assert!(err.contains(key) && err.contains(range), "{cmd}: {err}");
        }
    }
}

#[test]
fn config_toml_documents_every_range() {
    let text = std::fs::read_to_string(common::repo().join("config.toml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for r in localfeed::config::RANGES {
        // The key in its own table, and the comment right above it.
        let mut table = "";
        let at = lines
            .iter()
            .position(|l| {
                if l.starts_with('[') {
                    table = l.trim_matches(|c| c == '[' || c == ']');
                }
                table == r.table && l.starts_with(&format!("{} =", r.key))
            })
            .unwrap_or_else(|| panic!("config.toml lists no {} in [{}]", r.key, r.table));
        let comment: String = lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.starts_with('#'))
            .copied()
            .collect();
        let range = format!("{} to {}", r.min, r.max);
        let stated = if r.zero_too {
            format!("Range: 0, or {range}")
        } else {
            format!("Range: {range}")
        };
        assert!(
            comment.contains(&stated),
            "config.toml does not state the range of [{}] {} ({stated}): {comment}",
            r.table,
            r.key
        );
    }
}

/// A small deterministic generator (xorshift64*): the same seed gives the same configs,
/// so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Integers at and around every boundary that matters: zero, one, the edges of u32, the
/// overflow points of the arithmetic done on them, the largest TOML integer, negatives.
const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "7",
    "60",
    "1024",
    "65536",
    "86400",
    "4294967295",
    "4294967296",
    "17592186044416",
    "10000000000000",
    "9223372036854775807",
    "-1",
    "-9223372036854775808",
];
const FLOATS: &[&str] = &[
    "0.0", "1e-300", "0.001", "0.5", "10.0", "1e300", "-1.0", "inf", "nan", "5e-324",
];
const URLS: &[&str] = &[
    "\"https://news.example.org/\"",
    "\"http://127.0.0.1:8080/feeds/\"",
    "\"javascript:alert(1)//\"",
    "\"data:text/html,x\"",
    "\"//news.example.org/\"",
    "\"https://\"",
    "\"\"",
    "\"file:///etc/\"",
];

const SOURCE_INTS: &[&str] = &["max_file_mb"];
const PUBLISH_INTS: &[&str] = &[
    "items_per_feed",
    "ttl_minutes",
    "archive_size",
    "summary_chars",
    "threads",
    "max_retire_percent",
    "page_size",
];
const SERVE_INTS: &[&str] = &[
    "confirm_hours",
    "per_ip_per_hour",
    "per_address_per_day",
    "max_form_bytes",
    "max_localities",
    "header_timeout_secs",
    "idle_timeout_secs",
    "max_connections",
];
const DIGEST_INTS: &[&str] = &[
    "timeout_secs",
    "retry_backoff_secs",
    "retry_backoff_max_secs",
    "max_attempts",
    "suspend_after",
    "max_articles",
    "summary_chars",
    "first_digest_lookback_hours",
];

/// Values inside every range (but `max_form_bytes`, which is never drawn from them).
const TAME: &[&str] = &["1", "2", "7", "60"];

/// A config. Two in five are tame (in-range numbers, good URLs), so that `run` is
/// exercised beyond `check`; two in five are tame but for one key drawn from the wild
/// values (one bad value is how a config goes wrong in practice); one in five is wild.
fn random_config(rng: &mut Rng, smtp_port: u16) -> String {
    let roll = rng.next() % 5;
    let tame = roll < 4;
    let all: Vec<&str> = [SOURCE_INTS, PUBLISH_INTS, SERVE_INTS, DIGEST_INTS].concat();
    let wild_one = (2..4).contains(&roll).then(|| rng.pick(&all));
    let mut c = String::new();
    let ints = |rng: &mut Rng, keys: &[&str], c: &mut String| {
        for k in keys {
            if wild_one == Some(*k) {
                c.push_str(&format!("{k} = {}\n", rng.pick(INTS)));
            } else if rng.chance(40) && !(tame && *k == "max_form_bytes") {
                let v = if tame { rng.pick(TAME) } else { rng.pick(INTS) };
                c.push_str(&format!("{k} = {v}\n"));
            }
        }
    };
    c.push_str("[[source]]\nid = \"anji\"\npath = \"examples/anji\"\nhome = \"安吉县\"\n");
    ints(rng, SOURCE_INTS, &mut c);
    c.push_str("[[source]]\nid = \"pages\"\npath = \"examples/pages\"\n");
    ints(rng, SOURCE_INTS, &mut c);
    c.push_str("\n[publish]\n");
    let base = if tame || rng.chance(50) {
        URLS[0]
    } else {
        rng.pick(URLS)
    };
    c.push_str(&format!("base_url = {base}\n"));
    ints(rng, PUBLISH_INTS, &mut c);
    c.push_str("\n[serve]\n");
    ints(rng, SERVE_INTS, &mut c);
    c.push_str(
        "\n[digest]\nfrom = \"digest@news.example.org\"\nlist_id = \"digest.news.example.org\"\n",
    );
    let base = if tame || rng.chance(50) {
        URLS[0]
    } else {
        rng.pick(URLS)
    };
    c.push_str(&format!("base_url = {base}\n"));
    if rng.chance(50) {
        // Nothing listens there: every send is a transient failure, retried with backoff.
        c.push_str(&format!("smtp_url = \"smtp://127.0.0.1:{smtp_port}\"\n"));
    }
    if rng.chance(50) {
        let rate = if tame && !rng.chance(20) {
            rng.pick(&["0.0", "0.5", "10.0"])
        } else {
            rng.pick(FLOATS)
        };
        c.push_str(&format!("send_rate = {rate}\n"));
    }
    ints(rng, DIGEST_INTS, &mut c);
    c.push_str(
        "\n[[subscriber]]\nemail = \"reader@example.net\"\nlocalities = [\"安吉县\", \"510703\"]\nschedule = \"immediate\"\n",
    );
    c
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn random_configs_never_panic_check_or_run() {
    let seed: u64 = std::env::var("LOCALFEED_CONFIG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x10CA_1FEE_D5EE_D001);
    let cases: usize = std::env::var("LOCALFEED_CONFIG_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut rng = Rng(seed);
    let port = closed_port();
    let mut passed_check = 0;
    for case in 0..cases {
        let cfg = random_config(&mut rng, port);
        let s = Sandbox::examples();
        s.write("config.toml", &cfg);
        let check = s.run(&["check"]);
        let run = s.run(&["run"]);
        // Run twice: the second run retries what the first deferred.
        let again = s.run(&["run"]);
        for (what, o) in [("check", &check), ("run", &run), ("second run", &again)] {
            let err = stderr(o);
            assert!(
                o.status.code() != Some(101) && !err.contains("panicked"),
                "seed {seed:#x} case {case}: {what} panicked:\n{err}\nconfig:\n{cfg}"
            );
        }
        match check.status.code() {
            Some(0) => {
                passed_check += 1;
                for (what, o) in [("run", &run), ("second run", &again)] {
                    assert!(
                        matches!(o.status.code(), Some(0 | 1)),
                        "seed {seed:#x} case {case}: check passed but {what} exited {:?}:\n{}\nconfig:\n{cfg}",
                        o.status.code(),
                        stderr(o)
                    );
                }
            }
            Some(2) => {
                let err = stderr(&check);
                assert!(
                    err.starts_with("localfeed: invalid configuration config.toml: "),
                    "seed {seed:#x} case {case}: {err}"
                );
                assert_eq!(
                    run.status.code(),
                    Some(2),
                    "seed {seed:#x} case {case}: check refused the config but run did not:\n{}",
                    stderr(&run)
                );
            }
            other => panic!(
                "seed {seed:#x} case {case}: check exited {other:?}:\n{}",
                stderr(&check)
            ),
        }
    }
    // The generator must also produce configs that pass, or `run` is never exercised.
    assert!(
        passed_check * 4 >= cases,
        "only {passed_check} of {cases} random configs passed check"
    );
}
