//! `localfeed fix`: an editor's override of a stored article's place, headline and date
//! (or hiding it) is published on the next run, survives the page being read again, is
//! listed, shown by `show`, and undone back to what was extracted.

mod common;

use common::{Sandbox, published_examples, stderr, stdout};

fn all_items(s: &Sandbox) -> Vec<serde_json::Value> {
    let feed: serde_json::Value = serde_json::from_str(&s.read("feeds/all/feed.json")).unwrap();
    feed["items"].as_array().unwrap().clone()
}

fn id_of(item: &serde_json::Value) -> String {
    let url = item["url"].as_str().unwrap();
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".html")
        .to_string()
}

fn item(s: &Sandbox, id: &str) -> Option<serde_json::Value> {
    all_items(s).into_iter().find(|i| id_of(i) == id)
}

fn run_at(s: &Sandbox, now: &str) {
    let o = s
        .command(&["run"])
        .env("LOCALFEED_NOW", now)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn feed_has(s: &Sandbox, code: &str, id: &str) -> bool {
    std::fs::read_to_string(s.path().join(format!("feeds/{code}/feed.json")))
        .is_ok_and(|f| f.contains(&format!("/articles/{id}.html")))
}

#[test]
fn an_override_is_published_survives_rereading_and_undo_restores_what_was_read() {
    let s = published_examples();
    // an article of the Anji page, placed somewhere in 安吉县
    let it = all_items(&s)
        .into_iter()
        .find(|i| {
            i["content_html"]
                .as_str()
                .unwrap_or("")
                .contains("天子湖镇")
        })
        .expect("the 天子湖镇 story");
    let id = id_of(&it);
    let title = it["title"].as_str().unwrap().to_string();
    let published = it["date_published"].as_str().unwrap().to_string();
    assert!(!feed_has(&s, "510703", &id));

    let o = s
        .command(&[
            "fix",
            &id,
            "--title",
            "茶园采摘忙（更正）",
            "--place",
            "510703",
            "--date",
            "2024-05-13",
        ])
        .env("LOCALFEED_NOW", "2024-06-10T20:00:00+08:00")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("title \"茶园采摘忙（更正）\""),
        "{}",
        stdout(&o)
    );
    run_at(&s, "2024-06-11T09:00:00+08:00");
    let fixed = item(&s, &id).expect("still published under its id");
    assert_eq!(fixed["title"], "茶园采摘忙（更正）");
    assert!(
        fixed["date_published"]
            .as_str()
            .unwrap()
            .starts_with("2024-05-13T12:00:00")
    );
    assert!(
        fixed["date_modified"]
            .as_str()
            .unwrap()
            .starts_with("2024-06-10T20:00:00")
    );
    assert!(feed_has(&s, "510703", &id), "not moved to 510703");
    assert!(!feed_has(&s, "330523", &id), "still in 安吉县");
    let shown = stdout(&s.run(&["show", &id]));
    assert!(
        shown.contains("override: title \"茶园采摘忙（更正）\", date 2024-05-13, place "),
        "{shown}"
    );
    // show prints what was read, too
    assert!(shown.contains(&title), "{shown}");

    // The page is read again (its bytes changed): the override holds.
    let page = s.path().join("examples/anji/anji-daily-2024-05-14.txt");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\n\n（本版编辑 钱多多）\n");
    std::fs::write(&page, text).unwrap();
    run_at(&s, "2024-06-12T09:00:00+08:00");
    assert_eq!(item(&s, &id).unwrap()["title"], "茶园采摘忙（更正）");
    assert!(feed_has(&s, "510703", &id));

    let list = stdout(&s.run(&["fix", "--list"]));
    assert!(list.contains(&id) && list.contains(&title), "{list}");

    let o = s.run(&["fix", &id, "--undo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    run_at(&s, "2024-06-13T09:00:00+08:00");
    let back = item(&s, &id).unwrap();
    assert_eq!(back["title"], title.as_str());
    assert_eq!(back["date_published"], published.as_str());
    assert!(!feed_has(&s, "510703", &id));
    assert!(feed_has(&s, "330523", &id));
    assert!(stdout(&s.run(&["fix", "--list"])).contains("no overrides"));
    assert!(!stdout(&s.run(&["show", &id])).contains("override:"));
}

#[test]
fn a_hidden_article_leaves_every_feed_and_comes_back_when_undone() {
    let s = published_examples();
    let id = id_of(&all_items(&s)[0]);
    let n = all_items(&s).len();
    let o = s.run(&["fix", &id, "--hide"]);
    assert!(o.status.success(), "{}", stderr(&o));
    run_at(&s, "2024-06-11T09:00:00+08:00");
    assert_eq!(all_items(&s).len(), n - 1);
    assert!(item(&s, &id).is_none());
    assert!(!s.path().join(format!("feeds/articles/{id}.html")).exists());
    assert!(s.run(&["fix", &id, "--undo"]).status.success());
    run_at(&s, "2024-06-12T09:00:00+08:00");
    assert_eq!(all_items(&s).len(), n);
}

#[test]
fn fix_refuses_what_it_cannot_do_and_names_it() {
    let s = published_examples();
    let id = id_of(&all_items(&s)[0]);
    let o = s.run(&["fix", "0000000000nosuchid", "--hide"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no stored article has the id \"0000000000nosuchid\""),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["fix", &id, "--date", "23 July"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--date \"23 July\" is not a date"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["fix", &id, "--place", "不存在的地方"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--place"), "{}", stderr(&o));
    let o = s.run(&["fix", &id]);
    assert_eq!(o.status.code(), Some(2));
    let o = s.run(&["fix", &id, "--undo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no override to undo"));
    assert!(stdout(&s.run(&["fix", "--list"])).contains("no overrides"));
}
