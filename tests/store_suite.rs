//! One store test suite, run against both engines: every test below runs once on a SQLite
//! file (`sqlite::…`) and once on a PostgreSQL database of a private server started by
//! the test binary (`postgres::…`, see `common/postgres.rs`). The PostgreSQL half skips
//! with a loud note when PostgreSQL is not installed, and fails under CI.
//!
//! Then what only several connections show: two digest workers claiming from one outbox
//! never take the same row, and search gives the same articles in the same order on both
//! engines.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use localfeed::model::{Article, Kind, Override, Placement};
use localfeed::store::{
    FetchRecord, NewArticle, OutboxStatus, PendingSubscription, RunTotals, SearchPage, Store,
    SubscriberUpdate,
};

/// Where a test's store lives; each [`Backend::open`] is a new connection to it.
struct Backend {
    state: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    fn open(&self) -> Store {
        Store::open(&self.state).unwrap()
    }

    fn is_postgres(&self) -> bool {
        localfeed::store::is_database_url(&self.state)
    }
}

fn sqlite(_name: &str) -> Option<Backend> {
    let dir = tempfile::tempdir().unwrap();
    Some(Backend {
        state: dir.path().join("state.db"),
        _dir: Some(dir),
    })
}

fn postgres(name: &str) -> Option<Backend> {
    common::postgres::database(name).map(|url| Backend {
        state: PathBuf::from(url),
        _dir: None,
    })
}

/// Each test function, once per engine.
macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(&super::sqlite(stringify!($name)).unwrap());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(b) = super::postgres(stringify!($name)) {
                    super::$name(&b);
                }
            })*
        }
    };
}

suite!(
    reingest_keeps_first_seen_and_removes_dropped_articles,
    failures_are_recorded_counted_and_forgotten,
    known_inputs_stamps_changes_and_marks,
    a_batch_commits_its_files_together,
    heads_leave_bodies_in_the_store_and_the_reader_brings_them_back,
    places_are_read_in_arrival_order_and_counted,
    an_article_of_another_page_with_the_same_id_gets_one_of_its_own,
    subscribers_are_upserted_pruned_and_unsubscribed,
    outbox_records_before_sending_and_marks_after,
    an_address_that_keeps_bouncing_is_suspended,
    fetch_records_and_pages_round_trip,
    pending_subscriptions_round_trip_and_expire,
    attempts_are_limited_per_key_and_window,
    the_index_follows_every_change_and_ranks_headlines_first,
    stories_sketches_and_overrides_are_kept,
    runs_are_recorded,
    claims_hand_each_due_entry_to_one_worker,
);

fn t(h: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-01-02T{h:02}:00:00+08:00")).unwrap()
}

fn new_article(id: &str, title: &str, body: &str, codes: &[&str]) -> NewArticle {
    NewArticle {
        id: id.into(),
        publication: None,
        article: Article {
            title: Some(title.into()),
            kicker: None,
            subtitle: None,
            body: body.into(),
            reporters: vec![],
            contributors: vec![],
            photographers: vec![],
            date: None,
            kind: Kind::News,
            url: None,
            place_hint: None,
            opener: None,
        },
        placement: Placement::default(),
        codes: codes.iter().map(|c| c.to_string()).collect(),
    }
}

fn ids(v: &[localfeed::model::StoredArticle]) -> Vec<String> {
    v.iter().map(|a| a.id.clone()).collect()
}

fn reingest_keeps_first_seen_and_removes_dropped_articles(b: &Backend) {
    let mut s = b.open();
    let o = s
        .ingest(
            "src",
            "a.txt",
            "h1",
            10,
            &[
                new_article("x", "标题", "正文", &["37", "3708"]),
                new_article("y", "标题", "二", &["37", "3708"]),
            ],
            &t(1),
        )
        .unwrap();
    assert_eq!((o.added, o.updated, o.removed), (2, 0, 0));
    let o = s
        .ingest(
            "src",
            "a.txt",
            "h1",
            10,
            &[
                new_article("x", "标题", "正文", &["37", "3708"]),
                new_article("y", "标题", "二", &["37", "3708"]),
            ],
            &t(1),
        )
        .unwrap();
    assert_eq!((o.unchanged, o.changed()), (2, false));
    let o = s
        .ingest(
            "src",
            "a.txt",
            "h2",
            10,
            &[new_article("x", "标题", "正文改", &["37", "3708"])],
            &t(2),
        )
        .unwrap();
    assert_eq!((o.added, o.updated, o.removed), (0, 1, 1));
    let all = s.articles().unwrap();
    assert_eq!(ids(&all), ["x"]);
    assert_eq!(all[0].first_seen, t(1));
    assert_eq!(all[0].updated, t(2));
    assert_eq!(all[0].article.body, "正文改");
    assert_eq!(s.articles_in(&["3708".into()], None).unwrap().len(), 1);
    assert_eq!(
        s.articles_in(&["3708".into()], Some(&t(0))).unwrap().len(),
        1
    );
    assert!(
        s.articles_in(&["3708".into()], Some(&t(1)))
            .unwrap()
            .is_empty()
    );
    assert!(s.articles_in(&["44".into()], None).unwrap().is_empty());
    assert_eq!(s.article("x").unwrap().unwrap().article.body, "正文改");
    assert!(s.article("y").unwrap().is_none());
    assert_eq!(ids(&s.articles_of_input("src", "a.txt").unwrap()), ["x"]);
    let c = s.counts().unwrap();
    assert_eq!((c.articles, c.places, c.inputs_ok), (1, 2, 1));
    assert!(s.articles_decoded() > 0);
    // a second connection sees what the first one stored
    assert_eq!(ids(&b.open().articles().unwrap()), ["x"]);
}

fn failures_are_recorded_counted_and_forgotten(b: &Backend) {
    let mut s = b.open();
    s.record_failure("src", "bad.bin", "h", 3, "binary file", &t(1))
        .unwrap();
    s.record_failure("src", "bad.bin", "h", 3, "binary file", &t(2))
        .unwrap();
    s.record_failure("src", "gone.bin", "h", 3, "binary file", &t(2))
        .unwrap();
    s.ingest("src", "ok.txt", "h", 1, &[], &t(2)).unwrap();
    let rec = s.input("src", "bad.bin").unwrap().unwrap();
    assert_eq!((rec.status.as_str(), rec.attempts), ("failed", 2));
    assert_eq!(rec.error.as_deref(), Some("binary file"));
    assert_eq!(s.counts().unwrap().inputs_failed, 2);
    assert_eq!(s.input_first_seen("src", "bad.bin").unwrap(), Some(t(1)));
    assert_eq!(s.input_first_seen("src", "none").unwrap(), None);
    let names: Vec<String> = s.inputs().unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(
        names,
        ["ok.txt", "bad.bin", "gone.bin"],
        "failed ones first"
    );
    assert_eq!(
        s.forget_missing_failures("src", &["bad.bin".into(), "ok.txt".into()])
            .unwrap(),
        1
    );
    assert!(s.input("src", "gone.bin").unwrap().is_none());
    assert!(s.input("src", "ok.txt").unwrap().is_some());
}

fn known_inputs_stamps_changes_and_marks(b: &Backend) {
    let mut s = b.open();
    let before = s.changes().unwrap();
    s.ingest(
        "src",
        "b.txt",
        "hb",
        7,
        &[new_article("x", "标题", "正文", &["37"])],
        &t(1),
    )
    .unwrap();
    s.ingest("src", "a.txt", "ha", 5, &[], &t(1)).unwrap();
    assert!(s.changes().unwrap() > before, "storing an article moves it");
    s.stamp_input("src", "b.txt", Some(42)).unwrap();
    let known = s.known_inputs("src", &["a.txt", "b.txt", "c.txt"]).unwrap();
    assert_eq!(known[0].as_ref().unwrap().hash, "ha");
    let kb = known[1].as_ref().unwrap();
    assert_eq!((kb.size, kb.mtime_ns, kb.ok), (7, Some(42), true));
    assert_eq!(kb.first_seen, t(1));
    assert!(known[2].is_none());
    let unsorted = s.known_inputs("src", &["b.txt", "a.txt"]).unwrap();
    assert_eq!(unsorted[0].as_ref().unwrap().hash, "hb");
    let now = s.changes().unwrap();
    s.set_override(
        "x",
        &Override {
            hide: true,
            ..Default::default()
        },
        None,
        &t(2),
    )
    .unwrap();
    assert!(s.changes().unwrap() > now, "an override moves it");
    assert_eq!(s.publish_mark("out").unwrap(), None);
    s.set_publish_mark("out", Some("m1")).unwrap();
    s.set_publish_mark("out", Some("m2")).unwrap();
    assert_eq!(s.publish_mark("out").unwrap().as_deref(), Some("m2"));
    s.set_publish_mark("out", None).unwrap();
    assert_eq!(s.publish_mark("out").unwrap(), None);
}

fn a_batch_commits_its_files_together(b: &Backend) {
    let mut s = b.open();
    let other = b.open();
    s.begin_batch().unwrap();
    s.ingest(
        "src",
        "1.txt",
        "h",
        1,
        &[new_article("a", "一", "正文一", &["37"])],
        &t(1),
    )
    .unwrap();
    s.record_failure("src", "2.bin", "h", 1, "bad", &t(1))
        .unwrap();
    s.commit_batch_if_full(5).unwrap();
    assert!(
        other.articles().unwrap().is_empty(),
        "another connection sees nothing before the batch commits"
    );
    s.ingest(
        "src",
        "3.txt",
        "h",
        1,
        &[new_article("c", "三", "正文三", &["37"])],
        &t(1),
    )
    .unwrap();
    s.commit_batch_if_full(2).unwrap();
    assert_eq!(ids(&other.articles().unwrap()), ["a", "c"]);
    s.ingest(
        "src",
        "4.txt",
        "h",
        1,
        &[new_article("d", "四", "正文四", &["37"])],
        &t(1),
    )
    .unwrap();
    s.end_batch().unwrap();
    assert_eq!(ids(&other.articles().unwrap()), ["a", "c", "d"]);
    assert_eq!(other.counts().unwrap().inputs_failed, 1);
    // an ingest that fails inside a batch leaves the files before it
    s.begin_batch().unwrap();
    s.ingest(
        "src",
        "5.txt",
        "h",
        1,
        &[new_article("e", "五", "正文五", &["37"])],
        &t(2),
    )
    .unwrap();
    s.end_batch().unwrap();
    assert_eq!(other.counts().unwrap().articles, 4);
}

fn heads_leave_bodies_in_the_store_and_the_reader_brings_them_back(b: &Backend) {
    let mut s = b.open();
    s.ingest(
        "src",
        "a.txt",
        "h",
        1,
        &[
            new_article("x", "标题", "正文一", &["37"]),
            new_article("y", "标题", "正文二", &["37"]),
        ],
        &t(1),
    )
    .unwrap();
    let full = s.articles().unwrap();
    let heads = s.article_heads().unwrap();
    assert_eq!(heads.len(), 2);
    for (h, f) in heads.iter().zip(&full) {
        assert!(h.is_head() && h.article.body.is_empty());
        assert_eq!(h.digest_of_body(), f.digest_of_body());
        assert_eq!(h.article.title, f.article.title);
    }
    let r = s.body_reader().unwrap();
    assert_eq!(
        r.bodies(&["y", "x", "y"]).unwrap(),
        ["正文二", "正文一", "正文二"]
    );
    let r2 = &r;
    std::thread::scope(|sc| {
        sc.spawn(move || assert_eq!(r2.bodies(&["x"]).unwrap(), ["正文一"]));
    });
    assert_eq!((r.bodies_read(), r.largest_batch()), (4, 3));
    assert!(r.bodies(&["gone"]).is_err());
}

fn an_article_of_another_page_with_the_same_id_gets_one_of_its_own(b: &Backend) {
    let mut s = b.open();
    s.ingest(
        "src",
        "a.txt",
        "h",
        1,
        &[new_article("x", "标题", "正文", &["37"])],
        &t(1),
    )
    .unwrap();
    let o = s
        .ingest(
            "src",
            "b.txt",
            "h",
            1,
            &[new_article("x", "标题", "正文", &["37"])],
            &t(2),
        )
        .unwrap();
    assert_eq!(o.added, 1);
    assert_eq!(o.twins.len(), 1);
    assert_eq!(o.twins[0].other_input, "a.txt");
    assert_ne!(o.twins[0].id, "x");
    assert_eq!(s.counts().unwrap().articles, 2);
    // stored again: the twin keeps its id
    let o = s
        .ingest(
            "src",
            "b.txt",
            "h",
            1,
            &[new_article("x", "标题", "正文", &["37"])],
            &t(3),
        )
        .unwrap();
    assert_eq!((o.unchanged, o.twins.len()), (1, 0));
}

fn sub(email: &str, origin: &str) -> SubscriberUpdate {
    SubscriberUpdate {
        email: email.into(),
        token_id: format!("tok-{email}"),
        localities: vec!["高新区".into()],
        codes: vec!["370871".into()],
        schedule: "daily 07:30".into(),
        timezone: "Asia/Shanghai".into(),
        plain_text_only: false,
        origin: origin.into(),
    }
}

fn subscribers_are_upserted_pruned_and_unsubscribed(b: &Backend) {
    let mut s = b.open();
    assert!(
        s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(1))
            .unwrap()
    );
    assert!(
        s.upsert_subscriber(&sub("b@x.cn", "cli"), &t(0), true, &t(1))
            .unwrap()
    );
    let mut changed = sub("a@x.cn", "config");
    changed.schedule = "immediate".into();
    assert!(!s.upsert_subscriber(&changed, &t(5), false, &t(2)).unwrap());
    let a = s.subscriber("a@x.cn").unwrap().unwrap();
    assert_eq!(
        (a.schedule.as_str(), a.created, a.digested_until),
        ("immediate", t(1), t(0))
    );
    assert_eq!(
        s.subscriber_by_token("tok-b@x.cn").unwrap().unwrap().email,
        "b@x.cn"
    );
    assert_eq!(s.renew_token_ids(&|e: &str| format!("new-{e}")).unwrap(), 2);
    assert_eq!(
        s.subscriber_by_token("tok-b@x.cn").unwrap().unwrap().email,
        "b@x.cn",
        "the token id it replaced still finds the subscriber"
    );
    assert_eq!(
        s.subscriber_by_token("new-b@x.cn").unwrap().unwrap().email,
        "b@x.cn"
    );
    assert!(s.unsubscribe("a@x.cn", &t(3)).unwrap());
    s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(4))
        .unwrap();
    assert_eq!(
        s.subscriber("a@x.cn").unwrap().unwrap().unsubscribed,
        Some(t(3))
    );
    s.upsert_subscriber(&sub("a@x.cn", "cli"), &t(0), true, &t(4))
        .unwrap();
    assert_eq!(s.subscriber("a@x.cn").unwrap().unwrap().unsubscribed, None);
    s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(4))
        .unwrap();
    assert_eq!(
        s.prune_config_subscribers(&[]).unwrap(),
        vec!["a@x.cn".to_string()]
    );
    let emails: Vec<String> = s
        .subscribers()
        .unwrap()
        .into_iter()
        .map(|s| s.chosen.email)
        .collect();
    assert_eq!(emails, ["b@x.cn"]);
    assert!(!s.remove_subscriber("nobody@x.cn").unwrap());
}

fn outbox_records_before_sending_and_marks_after(b: &Backend) {
    let mut s = b.open();
    s.upsert_subscriber(&sub("a@x.cn", "cli"), &t(0), true, &t(1))
        .unwrap();
    let ids = vec!["x1".to_string(), "x2".to_string()];
    let id = s
        .enqueue_digest(
            "a@x.cn",
            "<m1@x.cn>",
            "主题",
            b"bytes",
            &ids,
            &t(6),
            &t(7),
            &t(8),
        )
        .unwrap();
    assert!(s.has_pending_digest("a@x.cn").unwrap());
    let sub = s.subscriber("a@x.cn").unwrap().unwrap();
    assert_eq!((sub.digested_until, sub.last_slot), (t(6), Some(t(7))));
    assert_eq!(
        s.digested_articles("a@x.cn", &["x1".into(), "x3".into()])
            .unwrap(),
        HashSet::from(["x1".to_string()])
    );
    s.outbox_retry(id, "connection refused", &t(9)).unwrap();
    assert!(s.outbox_due(&t(8)).unwrap().is_empty());
    let due = s.outbox_due(&t(9)).unwrap();
    assert_eq!(
        (due.len(), due[0].attempts, due[0].message.as_slice()),
        (1, 1, &b"bytes"[..])
    );
    assert_eq!(due[0].last_error.as_deref(), Some("connection refused"));
    assert_eq!((due[0].next_attempt, due[0].created), (t(9), t(8)));
    s.outbox_sent(id, &t(10)).unwrap();
    assert_eq!(s.outbox_counts().unwrap(), (0, 1, 0));
    assert_eq!(
        s.outbox(Some(OutboxStatus::Sent)).unwrap()[0].finished,
        Some(t(10))
    );
    s.enqueue_digest(
        "a@x.cn",
        "<m2@x.cn>",
        "主题",
        b"b",
        &[],
        &t(2),
        &t(11),
        &t(11),
    )
    .unwrap();
    assert_eq!(
        s.subscriber("a@x.cn").unwrap().unwrap().digested_until,
        t(6),
        "a mark never moves backwards"
    );
    let id2 = s.outbox(Some(OutboxStatus::Pending)).unwrap()[0].id;
    s.outbox_failed(id2, "550 no such user", &t(12)).unwrap();
    assert_eq!(s.outbox_counts().unwrap(), (0, 1, 1));
    assert_eq!(s.outbox(None).unwrap().len(), 2);
    s.enqueue_digest(
        "a@x.cn",
        "<m3@x.cn>",
        "主题",
        b"c",
        &[],
        &t(2),
        &t(12),
        &t(12),
    )
    .unwrap();
    s.mark_slot("a@x.cn", &t(13)).unwrap();
    assert_eq!(
        s.subscriber("a@x.cn").unwrap().unwrap().last_slot,
        Some(t(13))
    );
    assert!(s.remove_subscriber("a@x.cn").unwrap());
    assert_eq!(
        s.outbox(Some(OutboxStatus::Cancelled)).unwrap().len(),
        1,
        "an unsent digest is dropped with its subscriber"
    );
    assert!(s.digested_articles("a@x.cn", &ids).unwrap().is_empty());
}

fn an_address_that_keeps_bouncing_is_suspended(b: &Backend) {
    let mut s = b.open();
    s.upsert_subscriber(&sub("a@x.cn", "web"), &t(0), true, &t(1))
        .unwrap();
    let enqueue = |s: &mut Store, n: u32| {
        s.enqueue_digest(
            "a@x.cn",
            &format!("<m{n}@x.cn>"),
            "主题",
            b"b",
            &[format!("a{n}")],
            &t(n),
            &t(n),
            &t(n),
        )
        .unwrap()
    };
    for (n, ok) in [(2, true), (3, false), (4, true), (5, false)] {
        let id = enqueue(&mut s, n);
        if ok {
            s.outbox_sent(id, &t(n)).unwrap();
        } else {
            s.outbox_failed(id, "550 no such user", &t(n)).unwrap();
        }
        assert!(!s.suspend_if_bouncing("a@x.cn", 2, "550", &t(n)).unwrap());
    }
    let id = enqueue(&mut s, 6);
    s.outbox_failed(id, "550 no such user", &t(6)).unwrap();
    assert!(!s.suspend_if_bouncing("a@x.cn", 0, "550", &t(6)).unwrap());
    assert!(s.suspend_if_bouncing("a@x.cn", 2, "550", &t(6)).unwrap());
    assert_eq!(
        s.subscriber("a@x.cn").unwrap().unwrap().suspended,
        Some((t(6), "550".to_string()))
    );
    s.upsert_subscriber(&sub("a@x.cn", "web"), &t(0), true, &t(7))
        .unwrap();
    assert_eq!(s.subscriber("a@x.cn").unwrap().unwrap().suspended, None);
}

fn fetch_records_and_pages_round_trip(b: &Backend) {
    let mut s = b.open();
    let r = FetchRecord {
        url: "http://x.example/feed".into(),
        source: "f".into(),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        last_fetch: "2026-01-02T08:00:00+08:00".into(),
        status: "ok".into(),
        http_status: Some(200),
        error: None,
        failures: 0,
        next_fetch: None,
        ttl_mins: Some(60),
        skip_hours: Some("0,1".into()),
    };
    s.record_fetch(&r).unwrap();
    assert_eq!(s.fetch_record(&r.url).unwrap(), Some(r.clone()));
    let failed = FetchRecord {
        status: "failed".into(),
        failures: 1,
        ..r.clone()
    };
    s.record_fetch(&failed).unwrap();
    let other = FetchRecord {
        url: "http://a.example/feed".into(),
        source: "e".into(),
        ..r.clone()
    };
    s.record_fetch(&other).unwrap();
    assert_eq!(s.fetch_records().unwrap(), [other, failed]);
    s.cache_page("http://x.example/1", b"<p>a</p>", Some("gbk"), &t(1))
        .unwrap();
    s.cache_page("http://x.example/1", b"<p>b</p>", None, &t(2))
        .unwrap();
    assert_eq!(
        s.cached_page("http://x.example/1").unwrap(),
        Some((b"<p>b</p>".to_vec(), None))
    );
    assert_eq!(s.cached_page("http://x.example/2").unwrap(), None);
}

fn pending(nonce: &str, expires: i64) -> PendingSubscription {
    PendingSubscription {
        nonce: nonce.into(),
        email: "reader@example.net".into(),
        localities: vec!["370800".into(), "370811".into()],
        schedule: "daily 07:30".into(),
        timezone: "Asia/Shanghai".into(),
        created: 100,
        expires,
    }
}

fn pending_subscriptions_round_trip_and_expire(b: &Backend) {
    let mut s = b.open();
    s.add_pending_subscription(&pending("n1", 1_000)).unwrap();
    s.add_pending_subscription(&pending("n2", 5_000)).unwrap();
    assert_eq!(
        s.pending_subscription("n1").unwrap(),
        Some(pending("n1", 1_000))
    );
    assert_eq!(s.pending_subscription("nx").unwrap(), None);
    assert_eq!(
        s.pending_subscriptions(2_000).unwrap(),
        vec![pending("n2", 5_000)]
    );
    assert_eq!(s.prune_subscriptions(2_000, 0).unwrap(), 1);
    assert_eq!(s.pending_subscription("n1").unwrap(), None);
    assert!(s.remove_pending_subscription("n2").unwrap());
    assert!(!s.remove_pending_subscription("n2").unwrap());
}

fn attempts_are_limited_per_key_and_window(b: &Backend) {
    let mut s = b.open();
    for t in 0..3 {
        assert!(s.count_attempt("ip:1", 0, 3, 10 + t).unwrap());
    }
    assert!(!s.count_attempt("ip:1", 0, 3, 20).unwrap());
    assert!(s.count_attempt("ip:2", 0, 3, 20).unwrap());
    assert!(s.count_attempt("ip:1", 12, 3, 30).unwrap());
}

fn the_index_follows_every_change_and_ranks_headlines_first(b: &Backend) {
    let mut s = b.open();
    s.ingest(
        "src",
        "a.txt",
        "h1",
        1,
        &[
            new_article("a", "防汛演练", "全县开展演练。", &["41", "4103", "410328"]),
            new_article(
                "b",
                "春耕",
                "各乡镇做好防汛准备，也有广告。",
                &["41", "4103"],
            ),
            new_article("c", "集市", "赶集的人很多。", &["41", "4103", "410328"]),
        ],
        &t(1),
    )
    .unwrap();
    let ids = |p: SearchPage| p.articles.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(ids(s.search("防汛", 10, 0).unwrap()), ["a", "b"]);
    assert_eq!(s.search("防汛", 10, 0).unwrap().total, 2);
    assert_eq!(ids(s.search("防汛", 1, 1).unwrap()), ["b"]);
    assert_eq!(ids(s.search("集", 10, 0).unwrap()), ["c"]);
    assert_eq!(ids(s.search("演练 全县", 10, 0).unwrap()), ["a"]);
    assert!(s.search("洪水", 10, 0).unwrap().articles.is_empty());
    let codes = ["410328".to_string(), "4103".to_string()];
    let got_in = |s: &Store, inc: &[&str], exc: &[&str]| {
        let w = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let v = s.articles_matching(&codes, &w(inc), &w(exc), 20).unwrap();
        let mut v: Vec<String> = v.into_iter().map(|a| a.id).collect();
        v.sort();
        v
    };
    assert_eq!(got_in(&s, &[], &[]), ["a", "b", "c"]);
    assert_eq!(got_in(&s, &["防汛"], &[]), ["a", "b"]);
    assert_eq!(got_in(&s, &["防汛"], &["广告"]), ["a"]);
    s.set_stories(&[("c".to_string(), "a".to_string())])
        .unwrap();
    assert_eq!(got_in(&s, &[], &[]), ["a", "b"]);
    let all: Vec<String> = s
        .articles_matching(&[], &[], &[], 20)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(ids(s.search("集", 10, 0).unwrap()).is_empty());
    s.set_stories(&[]).unwrap();
    let hide = Override {
        hide: true,
        ..Default::default()
    };
    s.set_override("b", &hide, None, &t(1)).unwrap();
    assert_eq!(ids(s.search("防汛", 10, 0).unwrap()), ["a"]);
    assert_eq!(s.search("防汛", 10, 0).unwrap().total, 1);
    s.remove_override("b").unwrap();
    s.ingest(
        "src",
        "a.txt",
        "h2",
        1,
        &[new_article("a", "演练", "全县开展演练。", &["41"])],
        &t(2),
    )
    .unwrap();
    assert!(s.search("防汛", 10, 0).unwrap().articles.is_empty());
    assert_eq!(ids(s.search("演练", 10, 0).unwrap()), ["a"]);
}

fn stories_sketches_and_overrides_are_kept(b: &Backend) {
    let mut s = b.open();
    s.ingest(
        "src",
        "a.txt",
        "h1",
        1,
        &[
            new_article("a", "一", "正文一", &["37"]),
            new_article("b", "二", "正文二", &["37"]),
        ],
        &t(1),
    )
    .unwrap();
    s.ingest(
        "src2",
        "c.txt",
        "h1",
        1,
        &[new_article("c", "一", "正文一", &["44"])],
        &t(2),
    )
    .unwrap();
    let after = vec![("c".to_string(), "a".to_string())];
    s.record_stories(&["a", "b", "c", "gone"], |k| vec![k as u8; 3], &[], &after)
        .unwrap();
    assert_eq!(s.story_members().unwrap(), after);
    assert_eq!(s.story_of("c").unwrap().as_deref(), Some("a"));
    assert_eq!(s.story_of("a").unwrap(), None);
    assert_eq!(s.printings_of("a").unwrap(), ["c"]);
    let printings = s.printings("a").unwrap();
    assert_eq!(printings.len(), 1);
    assert_eq!(
        (printings[0].id.as_str(), printings[0].source.as_str()),
        ("c", "src2")
    );
    let mut sketches = Vec::new();
    s.each_sketch(|id, bytes| sketches.push((id.to_string(), bytes.to_vec())))
        .unwrap();
    assert_eq!(
        sketches,
        [
            ("a".to_string(), vec![0; 3]),
            ("b".to_string(), vec![1; 3]),
            ("c".to_string(), vec![2; 3])
        ]
    );
    // what a pass of the stories stage signs: no sketch kept, or one of another version
    assert_eq!(s.unsigned_articles(1).unwrap(), ["a", "c"]);
    assert_eq!(s.unsigned_articles(9).unwrap(), ["a", "b", "c"]);
    assert_eq!(
        s.sketches_of(&["c", "zzz", "a"]).unwrap(),
        [("a".to_string(), vec![0; 3]), ("c".to_string(), vec![2; 3])]
    );
    // the story comes once into a place that holds both printings' codes
    let in_both = s.articles_in(&["37".into(), "44".into()], None).unwrap();
    assert_eq!(ids(&in_both), ["a", "b"]);
    assert_eq!(in_both[0].printings.len(), 1);
    // a changed article's sketch goes
    s.ingest(
        "src",
        "a.txt",
        "h2",
        1,
        &[
            new_article("a", "一", "正文一改", &["37"]),
            new_article("b", "二", "正文二", &["37"]),
        ],
        &t(3),
    )
    .unwrap();
    let mut kept = BTreeSet::new();
    s.each_sketch(|id, _| {
        kept.insert(id.to_string());
    })
    .unwrap();
    assert_eq!(kept, BTreeSet::from(["b".to_string(), "c".to_string()]));
    assert_eq!(s.unsigned_articles(2).unwrap(), ["a", "b"]);
    s.record_stories(&[], |_| vec![], &after, &[]).unwrap();
    assert!(s.story_members().unwrap().is_empty());
    s.forget_stories().unwrap();
    let mut n = 0;
    s.each_sketch(|_, _| n += 1).unwrap();
    assert_eq!(n, 0);
    // overrides: a title, a place set by hand, a hidden article
    let retitle = Override {
        title: Some("新标题".into()),
        ..Default::default()
    };
    assert!(s.set_override("zzz", &retitle, None, &t(4)).is_err());
    s.set_override("b", &retitle, Some(&["44".to_string()]), &t(4))
        .unwrap();
    let o = s.override_of("b").unwrap().unwrap();
    assert_eq!(o.codes, Some(vec!["44".to_string()]));
    assert_eq!(o.set_at, t(4));
    assert_eq!(s.overrides().unwrap().len(), 1);
    let in44 = s.articles_in(&["44".into()], None).unwrap();
    assert_eq!(
        ids(&in44),
        ["c", "b"]
            .map(String::from)
            .iter()
            .filter(|i| in44.iter().any(|a| &a.id == *i))
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(
        in44.iter()
            .any(|a| a.id == "b" && a.article.title.as_deref() == Some("新标题"))
    );
    assert!(!ids(&s.articles_in(&["37".into()], None).unwrap()).contains(&"b".to_string()));
    s.set_override(
        "a",
        &Override {
            hide: true,
            ..Default::default()
        },
        None,
        &t(5),
    )
    .unwrap();
    assert_eq!(ids(&s.articles().unwrap()), ["b", "c"]);
    assert!(s.remove_override("a").unwrap());
    assert!(!s.remove_override("a").unwrap());
    assert_eq!(ids(&s.articles().unwrap()), ["a", "b", "c"]);
}

fn runs_are_recorded(b: &Backend) {
    let mut s = b.open();
    assert_eq!(s.last_run().unwrap(), None);
    let first = s.start_run(&t(1)).unwrap();
    let id = s.start_run(&t(2)).unwrap();
    assert!(id > first);
    let totals = RunTotals {
        files_read: 3,
        files_new: 2,
        files_failed: 1,
        articles_changed: 9,
        feeds_written: 4,
        digests_sent: 5,
    };
    s.finish_run(id, &totals, false, &t(3)).unwrap();
    let r = s.last_run().unwrap().unwrap();
    assert_eq!(r.id, id);
    assert_eq!(r.status, "failed");
    assert_eq!(
        (
            r.files_read,
            r.files_new,
            r.files_failed,
            r.articles_changed,
            r.feeds_written,
            r.digests_sent
        ),
        (3, 2, 1, 9, 4, 5)
    );
    assert_eq!(r.finished.as_deref(), Some("2026-01-02T03:00:00+08:00"));
}

fn claims_hand_each_due_entry_to_one_worker(b: &Backend) {
    let mut s = b.open();
    for n in 0..50 {
        let email = format!("r{n:02}@x.cn");
        s.upsert_subscriber(&sub(&email, "cli"), &t(0), true, &t(1))
            .unwrap();
        s.enqueue_digest(
            &email,
            &format!("<m{n}@x.cn>"),
            "主题",
            b"b",
            &[],
            &t(1),
            &t(1),
            &t(1),
        )
        .unwrap();
    }
    let mut other = b.open();
    let mine = s.outbox_claim(&t(2)).unwrap();
    if !b.is_postgres() {
        // one sender: every due entry at once
        assert_eq!(mine.len(), 50);
        assert!(!s.claims_in_batches());
        return;
    }
    assert!(s.claims_in_batches());
    assert!(!mine.is_empty() && mine.len() < 50, "a batch at a time");
    let theirs = other.outbox_claim(&t(2)).unwrap();
    let a: BTreeSet<i64> = mine.iter().map(|e| e.id).collect();
    let b2: BTreeSet<i64> = theirs.iter().map(|e| e.id).collect();
    assert!(a.is_disjoint(&b2), "two workers never hold the same entry");
    // an entry marked sent or retried later is no longer claimed; the rest go in batches
    for e in &mine {
        s.outbox_sent(e.id, &t(2)).unwrap();
    }
    let mut seen: BTreeSet<i64> = a.union(&b2).copied().collect();
    loop {
        let next = s.outbox_claim(&t(2)).unwrap();
        if next.is_empty() {
            break;
        }
        for e in next {
            assert!(seen.insert(e.id), "entry {} handed out twice", e.id);
            s.outbox_sent(e.id, &t(2)).unwrap();
        }
    }
    assert_eq!(seen.len(), 50, "every entry handed out once");
    // the other worker died holding its batch: its lease runs out and the rows come back
    assert!(s.outbox_claim(&t(2)).unwrap().is_empty());
    let later = DateTime::parse_from_rfc3339("2026-01-02T05:00:00+08:00").unwrap();
    let back: BTreeSet<i64> = s
        .outbox_claim(&later)
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(back, b2);
    drop(other.outbox_counts());
}

/// Articles made from the paragraphs of the held-out fixture pages: real-looking Chinese
/// text, with dates, numbers and Latin letters, in many lengths.
fn fixture_articles() -> Vec<NewArticle> {
    let mut files: Vec<PathBuf> = Vec::new();
    for set in ["heldout", "heldout2", "heldout3", "heldout5", "heldout6"] {
        let dir = common::repo()
            .join("tests/fixtures")
            .join(set)
            .join("pages");
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for (f, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
        };
        for (k, para) in text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| p.chars().count() >= 20)
            .enumerate()
        {
            let title: String = para.chars().take(14).collect();
            let code = ["33", "3305", "330523", "41", "4103"][(f + k) % 5];
            out.push(new_article(
                &format!("f{f:03}p{k:03}"),
                &title,
                para,
                &[code],
            ));
        }
    }
    out
}

/// Search gives the same articles, totals and order on both engines, for words taken
/// from the stored text: one, two, three and four characters, two words, Latin and
/// digits, words no article holds. (Letters outside Chinese, Latin and digits may differ:
/// FTS5's `unicode61` folds diacritics and splits on combining marks, the PostgreSQL
/// index compares the Rust tokenizer's terms exactly; see docs/scale.md.)
#[test]
fn search_ranks_alike_on_both_engines() {
    let Some(pg) = postgres("search_alike") else {
        return;
    };
    let lite = sqlite("search_alike").unwrap();
    let (mut a, mut b) = (lite.open(), pg.open());
    let articles = fixture_articles();
    assert!(articles.len() > 200, "{} articles", articles.len());
    for (i, chunk) in articles.chunks(25).enumerate() {
        let name = format!("page{i}.txt");
        a.ingest("src", &name, "h", 1, chunk, &t(1)).unwrap();
        b.ingest("src", &name, "h", 1, chunk, &t(1)).unwrap();
    }
    let mut queries: Vec<String> = vec![
        "县".into(),
        "2024".into(),
        "记者".into(),
        "乡村 振兴".into(),
        "没有这样的词语".into(),
        "a".into(),
    ];
    for (i, art) in articles.iter().enumerate().step_by(7) {
        let chars: Vec<char> = art.article.body.chars().collect();
        let at = (i * 13) % chars.len().saturating_sub(4).max(1);
        for len in 1..=4 {
            queries.push(chars[at..(at + len).min(chars.len())].iter().collect());
        }
        let other = &articles[(i * 31) % articles.len()].article.body;
        let o: Vec<char> = other.chars().collect();
        queries.push(format!(
            "{} {}",
            chars[at..(at + 2).min(chars.len())]
                .iter()
                .collect::<String>(),
            o[..2.min(o.len())].iter().collect::<String>()
        ));
    }
    let mut compared = 0;
    for q in &queries {
        for (limit, offset) in [(20, 0), (5, 3)] {
            let x = a.search(q, limit, offset).unwrap();
            let y = b.search(q, limit, offset).unwrap();
            assert_eq!(x.total, y.total, "total for {q:?}");
            assert_eq!(ids(&x.articles), ids(&y.articles), "order for {q:?}");
            compared += usize::from(x.total > 0);
        }
    }
    eprintln!(
        "{} articles, {} queries, {compared} searches with results",
        articles.len(),
        queries.len()
    );
    assert!(compared > 100, "only {compared} searches found anything");
}

/// The reads a run with a few new articles makes by place: a place's last arrivals
/// through the index on `(code, n)`, the counts of every place by a `GROUP BY`, heads by
/// id; arrival numbers follow the order of ingest and survive a correction.
fn places_are_read_in_arrival_order_and_counted(b: &Backend) {
    let mut s = b.open();
    for (k, file) in ["c.txt", "a.txt", "b.txt"].iter().enumerate() {
        let arts: Vec<NewArticle> = (0..3)
            .map(|i| {
                let id = format!("{file}-{i}");
                let codes: &[&str] = if i == 2 { &["37", "3702"] } else { &["37"] };
                new_article(&id, &format!("标题{k}{i}"), &format!("正文{k}{i}"), codes)
            })
            .collect();
        s.ingest("src", file, &format!("h{k}"), 1, &arts, &t(1))
            .unwrap();
    }
    let arrivals = |v: &[localfeed::model::StoredArticle]| -> Vec<(String, u64)> {
        v.iter().map(|a| (a.id.clone(), a.arrival)).collect()
    };
    let newest = s.place_heads("37", None, 4).unwrap();
    assert_eq!(
        ids(&newest),
        ["b.txt-2", "b.txt-1", "b.txt-0", "a.txt-2"],
        "newest arrival first"
    );
    assert!(newest.iter().all(|a| a.is_head() && a.arrival > 0));
    assert!(newest.windows(2).all(|w| w[0].arrival > w[1].arrival));
    let before = s.place_heads("37", Some(newest[3].arrival), 10).unwrap();
    assert_eq!(
        ids(&before),
        ["a.txt-1", "a.txt-0", "c.txt-2", "c.txt-1", "c.txt-0"]
    );
    assert_eq!(
        ids(&s.place_heads("3702", None, 10).unwrap()),
        ["b.txt-2", "a.txt-2", "c.txt-2"]
    );
    assert!(s.place_heads("99", None, 10).unwrap().is_empty());
    assert_eq!(
        s.place_counts().unwrap(),
        [("37".to_string(), 9), ("3702".to_string(), 3)]
    );
    // by id, sorted; an unknown id is left out
    let some = s.heads_of(&["c.txt-1", "zz", "a.txt-0"]).unwrap();
    assert_eq!(ids(&some), ["a.txt-0", "c.txt-1"]);
    let all = s.article_heads().unwrap();
    let first = arrivals(&all);
    for a in &some {
        assert!(first.contains(&(a.id.clone(), a.arrival)));
    }
    // a corrected article keeps its number (its place in every feed)
    let fixed: Vec<NewArticle> = (0..3)
        .map(|i| {
            let codes: &[&str] = if i == 2 { &["37", "3702"] } else { &["37"] };
            let body = if i == 0 {
                "改正后的正文".to_string()
            } else {
                format!("正文1{i}")
            };
            new_article(&format!("a.txt-{i}"), &format!("标题1{i}"), &body, codes)
        })
        .collect();
    s.ingest("src", "a.txt", "h1b", 1, &fixed, &t(2)).unwrap();
    let again = arrivals(&s.article_heads().unwrap());
    assert_eq!(again, first);
}
