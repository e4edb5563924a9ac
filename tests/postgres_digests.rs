//! Two digest workers, each with its own connection to one PostgreSQL store, send one
//! outbox at the same time to a real SMTP server (`../shared/tools/smtp-sink`): every
//! digest arrives exactly once (0 repeated, 0 lost), and the rows a worker claimed and
//! never finished (it died) go out once its lease ran out. Skips with a loud note when
//! PostgreSQL or the shared tools are missing; fails under CI.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Barrier;

use chrono::{DateTime, FixedOffset};
use localfeed::digest::Settings;
use localfeed::digest::send::Delivery;
use localfeed::schedule::digests::{DigestReport, deliver};
use localfeed::store::{Store, SubscriberUpdate};

fn t(m: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-04T08:{m:02}:00+08:00")).unwrap()
}

fn message(n: usize) -> (String, String, Vec<u8>) {
    let email = format!("reader{n:03}@example.net");
    let id = format!("<digest-{n:03}@news.example.org>");
    let raw = format!(
        "From: digest@news.example.org\r\nTo: {email}\r\nSubject: digest {n}\r\n\
         Message-ID: {id}\r\nDate: Wed, 04 Mar 2026 08:00:00 +0800\r\n\r\nbody {n}\r\n"
    );
    (email, id, raw.into_bytes())
}

fn fill(store: &mut Store, from: usize, to: usize) {
    for n in from..to {
        let (email, id, raw) = message(n);
        store
            .upsert_subscriber(
                &SubscriberUpdate {
                    email: email.clone(),
                    token_id: format!("tok{n}"),
                    localities: vec![],
                    codes: vec![],
                    schedule: "daily 07:30".into(),
                    timezone: "Asia/Shanghai".into(),
                    plain_text_only: true,
                    origin: "cli".into(),
                },
                &t(0),
                true,
                &t(0),
            )
            .unwrap();
        store
            .enqueue_digest(&email, &id, "digest", &raw, &[], &t(0), &t(0), &t(0))
            .unwrap();
    }
}

/// Message-IDs received by the sink, with how many times each came.
fn received(dir: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in common::emls(&dir.join("mail")) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap_or_else(|| panic!("no Message-ID in {}", f.display()))
            .trim()
            .to_string();
        *out.entry(id).or_insert(0) += 1;
    }
    out
}

#[test]
fn two_workers_send_one_outbox_with_no_repeat_and_no_loss() {
    let Some(shared) = common::shared() else {
        return;
    };
    let tools = shared.join("tools");
    let Some(cluster) = common::postgres::cluster() else {
        return;
    };
    let url = cluster.database("workers");
    let dir = tempfile::tempdir().unwrap();
    let (_sink, port) = common::start_smtp_sink(&tools, dir.path());
    let settings = Settings {
        from: "Digest <digest@news.example.org>".into(),
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        // a polite rate, so that neither worker can take the whole outbox before the
        // other one starts
        send_rate: 400.0,
        timeout_secs: 10,
        ..Settings::default()
    };
    let delivery = Delivery::from_settings(&settings, dir.path()).unwrap();
    const N: usize = 300;
    let mut store = Store::open(Path::new(&url)).unwrap();
    fill(&mut store, 0, N);

    let start = Barrier::new(2);
    let reports: Vec<DigestReport> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut own = Store::open(Path::new(&url)).unwrap();
                    let mut report = DigestReport::default();
                    start.wait();
                    deliver(&mut own, &settings, &delivery, t(1), &mut report).unwrap();
                    report
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let got = received(dir.path());
    let repeated: Vec<_> = got.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "sent more than once: {repeated:?}");
    assert_eq!(got.len(), N, "every digest arrives");
    assert_eq!(reports[0].sent + reports[1].sent, N);
    assert!(
        reports.iter().all(|r| r.sent > 0 && r.failures.is_empty()),
        "both workers sent: {} and {}",
        reports[0].sent,
        reports[1].sent
    );
    assert_eq!(store.outbox_counts().unwrap(), (0, N as i64, 0));

    // A worker that claimed a batch and died: its rows wait for the lease, then go once.
    fill(&mut store, N, N + 30);
    let mut dead = Store::open(Path::new(&url)).unwrap();
    let held = dead.outbox_claim(&t(2)).unwrap();
    assert!(!held.is_empty());
    drop(dead);
    let mut report = DigestReport::default();
    deliver(&mut store, &settings, &delivery, t(3), &mut report).unwrap();
    assert_eq!(report.sent, 30 - held.len(), "the held rows wait");
    let mut report = DigestReport::default();
    deliver(&mut store, &settings, &delivery, t(20), &mut report).unwrap();
    assert_eq!(report.sent, held.len(), "then go, once the lease ran out");
    let got = received(dir.path());
    assert_eq!(got.len(), N + 30);
    assert!(got.values().all(|n| *n == 1), "nothing sent twice");
    assert_eq!(store.outbox_counts().unwrap(), (0, (N + 30) as i64, 0));
}
