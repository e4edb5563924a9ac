//! What a kill, a second writer or a reprinted article must not do to the data: the real
//! binary on generated inboxes, killed with SIGKILL at random moments (and inside the
//! step that removes withdrawn files), run beside other writers of the same state file,
//! and fed two pages that share an article.
//!
//! `LOCALFEED_LONG_TESTS=1` runs the long variant of the kill test (30 trials).

mod common;

use std::path::PathBuf;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Sandbox, snapshot, stderr};
use localfeed::store::Store;

/// Townships of 绵阳 (5107) from the gazetteer, with their county's name.
fn townships() -> Vec<(String, String)> {
    let tsv = std::fs::read_to_string(common::repo().join("data/gazetteer/nbs-2023.tsv")).unwrap();
    let rows: Vec<(&str, &str)> = tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let county = |code: &str| {
        rows.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.to_string())
            .unwrap()
    };
    rows.iter()
        .filter(|(c, _)| c.len() == 9 && c.starts_with("5107"))
        .map(|(c, n)| (county(&c[..6]), n.to_string()))
        .collect()
}

/// One generated page: `articles` articles, each in a township of its own, `edit`
/// changing the second paragraph of the first article.
fn page(i: usize, articles: usize, edit: bool, towns: &[(String, String)]) -> String {
    let mut s = String::from("绵州晚报\n\n2024年6月3日 星期一\n\n");
    for k in 0..articles {
        let (county, town) = &towns[(i * 4 + k) % towns.len()];
        let n = i * 4 + k;
        s.push_str(&format!(
            "{town}第{n}批便民服务点开放\n\n本报绵阳6月2日讯(记者 唐思远)记者从{county}{town}获悉,第{n}批便民服务点今天开放,为周边居民提供缴费、咨询和代办服务。\n\n"
        ));
        if edit && k == 0 {
            s.push_str("服务点还设置了老年人休息区、图书角和自助终端。\n\n");
        } else {
            s.push_str("服务点还设置了老年人休息区和图书角。\n\n");
        }
    }
    s.push_str("新闻热线:0816-2000000\n");
    s
}

/// A sandbox with the bundled config and an inbox in its first state (60 pages).
fn first_state(towns: &[(String, String)]) -> Sandbox {
    let s = Sandbox::examples();
    for i in 0..60 {
        s.write(&format!("inbox/p{i:03}.txt"), page(i, 4, false, towns));
    }
    s
}

/// The second state: pages edited, shortened (articles withdrawn, places left without
/// articles), deleted and added.
fn second_state(s: &Sandbox, towns: &[(String, String)]) {
    for i in 0..10 {
        s.write(&format!("inbox/p{i:03}.txt"), page(i, 4, true, towns));
    }
    for i in 10..50 {
        s.write(&format!("inbox/p{i:03}.txt"), page(i, 1, false, towns));
    }
    for i in 50..55 {
        std::fs::remove_file(s.path().join(format!("inbox/p{i:03}.txt"))).unwrap();
    }
    for i in 60..70 {
        s.write(&format!("inbox/p{i:03}.txt"), page(i, 4, false, towns));
    }
}

const RUN: [&str; 8] = [
    "run",
    "-q",
    "--inbox",
    "inbox",
    "--out",
    "feeds",
    "--state",
    "state/localfeed.db",
];

fn run(s: &Sandbox) -> Output {
    let o = s.run(&RUN);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// Everything the store holds about articles and inputs, in a comparable form.
fn store_state(s: &Sandbox) -> (Vec<localfeed::model::StoredArticle>, Vec<String>) {
    let store = Store::open(&s.path().join("state/localfeed.db")).unwrap();
    let mut articles = store.articles().unwrap();
    articles.sort_by(|a, b| a.id.cmp(&b.id));
    let inputs = store
        .inputs()
        .unwrap()
        .into_iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}",
                r.source, r.name, r.hash, r.status, r.articles
            )
        })
        .collect();
    (articles, inputs)
}

fn assert_converged(s: &Sandbox, reference: &Sandbox, what: &str) {
    let (a, b) = (s.path().join("feeds"), reference.path().join("feeds"));
    common::assert_same_files(&snapshot(&a), &a, &snapshot(&b), &b, false);
    assert!(
        store_state(s) == store_state(reference),
        "{what}: the store differs from the uninterrupted run's"
    );
}

/// A copy of a sandbox (config, inbox, state and output).
fn clone(s: &Sandbox) -> Sandbox {
    let c = Sandbox::empty();
    common::copy_dir(s.path(), c.path());
    c
}

/// A small deterministic generator for the kill moments (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn kill(mut child: Child) -> bool {
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Runs `trials` kill trials: from the first state, published, the inbox moves to the
/// second state; a run is killed at a random moment; the next run must leave the output
/// folder and the store exactly as one uninterrupted run does.
fn kill_trials(trials: u64) {
    let towns = townships();
    let base = first_state(&towns);
    run(&base);
    second_state(&base, &towns);
    let reference = clone(&base);
    let start = Instant::now();
    run(&reference);
    let span = start.elapsed().as_micros() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut killed = 0;
    for trial in 0..trials {
        let s = clone(&base);
        let child = s.command(&RUN).stderr(Stdio::null()).spawn().unwrap();
        // Stratified: trial k of n dies somewhere in the k-th n-th of an uninterrupted
        // run's time (a little past its end for the last ones).
        let slot = (span + span / 4) / trials;
        std::thread::sleep(Duration::from_micros(trial * slot + rng.below(slot)));
        killed += usize::from(kill(child));
        run(&s);
        eprintln!("trial {trial}: comparing with the uninterrupted run");
        assert_converged(&s, &reference, &format!("trial {trial}"));
    }
    eprintln!("{killed} of {trials} runs were killed before they finished");
    assert!(killed > 0, "no run was killed before it finished");
}

#[test]
fn runs_killed_at_random_moments_converge_to_an_uninterrupted_run() {
    let long = std::env::var_os("LOCALFEED_LONG_TESTS").is_some_and(|v| v == "1");
    kill_trials(if long { 30 } else { 5 });
}

#[test]
fn a_run_killed_while_removing_withdrawn_files_is_finished_by_the_next() {
    let towns = townships();
    let base = first_state(&towns);
    run(&base);
    let before: Vec<PathBuf> = snapshot(&base.path().join("feeds"))
        .into_iter()
        .map(|(p, _, _)| p)
        .collect();
    second_state(&base, &towns);
    let reference = clone(&base);
    run(&reference);
    // The files the uninterrupted run removed, in the order it removes them.
    let after: std::collections::BTreeSet<PathBuf> = snapshot(&reference.path().join("feeds"))
        .into_iter()
        .map(|(p, _, _)| p.strip_prefix(reference.path()).unwrap().to_path_buf())
        .collect();
    let mut gone: Vec<PathBuf> = before
        .iter()
        .map(|p| p.strip_prefix(base.path()).unwrap().to_path_buf())
        .filter(|p| !after.contains(p))
        .collect();
    gone.sort();
    assert!(gone.len() > 40, "too few withdrawn files to test: {gone:?}");
    // The kill must land after the first removal and before the last. The run gets the
    // lowest priority, so that on a busy machine this watch sees the first removal at
    // once; a kill that still comes too late is tried again.
    for _attempt in 0..8 {
        let s = clone(&base);
        let first = s.path().join(&gone[0]);
        let last = s.path().join(gone.last().unwrap());
        let child = s
            .command_via(&["nice", "-n", "19"], &RUN)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while first.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "nothing was removed"
            );
            std::hint::spin_loop();
        }
        let killed = kill(child);
        if !killed || !last.exists() {
            continue;
        }
        run(&s);
        assert_converged(&s, &reference, "killed while removing");
        return;
    }
    panic!("no kill landed while the run was removing files");
}

#[test]
fn writers_beside_a_run_never_find_the_database_locked() {
    let towns = townships();
    let s = Sandbox::examples();
    for i in 0..300 {
        s.write(
            &format!("inbox/p{i:03}.txt"),
            page(i, 4, i % 2 == 0, &towns),
        );
    }
    // The state file exists (and is migrated) before the writers start.
    assert!(
        s.run(&["subscribers", "add", "first@example.net", "-l", "510703"])
            .status
            .success()
    );
    let db = s.path().join("state/localfeed.db");
    assert!(db.exists());
    let runner = s
        // --digests: a trial run over a folder sends none by default; this one syncs the
        // config's subscribers and composes digests, writing beside the adders.
        .command(&["run", "--inbox", "inbox", "--out", "feeds", "--digests"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut failures = Vec::new();
    let mut adds = 0;
    for wave in 0..6 {
        let children: Vec<Child> = (0..6)
            .map(|k| {
                s.command(&[
                    "subscribers",
                    "add",
                    &format!("w{wave}k{k}@example.net"),
                    "-l",
                    "510703",
                    "--schedule",
                    "immediate",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            adds += 1;
            if !o.status.success() {
                failures.push(stderr(&o));
            }
        }
    }
    let o = runner.wait_with_output().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {adds} subscriber additions failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(o.status.success(), "the run failed: {}", stderr(&o));
    let store = Store::open(&db).unwrap();
    // The first one, the 36 added beside the run and the config's own.
    assert_eq!(store.subscribers().unwrap().len(), 38);
    assert_eq!(store.counts().unwrap().inputs_failed, 0);
}

/// Two pages of one source carrying the same article (same headline and opening, as a
/// reprinting paper does) with different endings.
#[test]
fn a_reprinted_article_on_another_page_is_kept_not_overwritten() {
    let s = Sandbox::examples();
    let towns = townships();
    let shared_head = "城厢街道第九批便民服务点开放\n\n本报绵阳6月2日讯(记者 唐思远)记者从涪城区城厢街道获悉,第九批便民服务点今天开放,为周边居民提供缴费、咨询和代办服务。\n\n";
    let a = format!(
        "绵州晚报\n\n2024年6月3日 星期一\n\n{shared_head}甲版的结尾说服务点每天早八点开门。\n\n{}",
        page(1, 1, false, &towns)
            .split_once("星期一\n\n")
            .unwrap()
            .1
    );
    let b = format!(
        "绵州晚报\n\n2024年6月4日 星期二\n\n{shared_head}乙版的结尾说服务点周末也开门。\n\n{}",
        page(2, 1, false, &towns)
            .split_once("星期一\n\n")
            .unwrap()
            .1
    );
    s.write("inbox/a.txt", &a);
    s.write("inbox/b.txt", &b);
    // Without -q: the warning is part of what is checked.
    let o = s.run(
        &RUN[..1]
            .iter()
            .chain(&RUN[2..])
            .copied()
            .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (articles, _) = store_state(&s);
    let bodies: Vec<&str> = articles.iter().map(|x| x.article.body.as_str()).collect();
    assert_eq!(articles.len(), 4, "{bodies:#?}");
    assert!(
        bodies.iter().any(|b| b.contains("甲版的结尾")),
        "{bodies:#?}"
    );
    assert!(
        bodies.iter().any(|b| b.contains("乙版的结尾")),
        "{bodies:#?}"
    );
    let all = s.read("feeds/all/atom.xml");
    assert!(all.contains("甲版的结尾") && all.contains("乙版的结尾"));
    // Recorded: the log names both pages.
    let warned = stderr(&o)
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("b.txt\"") && l.contains("\"a.txt\""))
        .count();
    assert_eq!(warned, 1, "{}", stderr(&o));
    // Stable: a run of a fresh state gives the same ids, and an edit of the second page
    // keeps its article's id.
    let ids = |s: &Sandbox| -> Vec<(String, String)> {
        store_state(s)
            .0
            .into_iter()
            .map(|a| (a.input, a.id))
            .collect()
    };
    let first = ids(&s);
    let fresh = Sandbox::examples();
    common::copy_dir(&s.path().join("inbox"), &fresh.path().join("inbox"));
    run(&fresh);
    assert_eq!(ids(&fresh), first);
    s.write("inbox/b.txt", b.replace("乙版的结尾", "乙版改过的结尾"));
    run(&s);
    assert_eq!(ids(&s), first);
    assert!(s.read("feeds/all/atom.xml").contains("乙版改过的结尾"));
}
