//! `localfeed show ARTICLE-ID`: what was read of a stored article, where it was placed and
//! why, in text and JSON; an unknown id is an error that names it.

mod common;

use common::{published_examples, stderr, stdout};

/// The id, title and place codes of the items of the `all` JSON feed.
fn items(s: &common::Sandbox) -> Vec<serde_json::Value> {
    let feed: serde_json::Value = serde_json::from_str(&s.read("feeds/all/feed.json")).unwrap();
    feed["items"].as_array().unwrap().clone()
}

/// The stored article id of a feed item: the name of its article page.
fn id_of(item: &serde_json::Value) -> String {
    let url = item["url"].as_str().unwrap();
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".html")
        .to_string()
}

#[test]
fn show_prints_what_was_read_and_why_it_was_placed_there() {
    let s = published_examples();
    let items = items(&s);
    let item = items
        .iter()
        .find(|i| i["url"].as_str().is_some_and(|u| u.contains("/articles/")))
        .expect("an item with an article page");
    let id = id_of(item);
    let title = item["title"].as_str().unwrap();

    let o = s.run(&["show", &id]);
    assert!(o.status.success(), "show failed: {}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with(&format!("article {id}\n")), "{text}");
    assert!(text.contains(title), "no title {title:?} in:\n{text}");
    assert!(text.contains("\nfile: "), "no source file in:\n{text}");
    assert!(
        text.contains("examples/"),
        "file not under examples/:\n{text}"
    );
    assert!(text.contains("\npublication: "), "{text}");
    assert!(text.contains("   date: "), "{text}");
    assert!(
        text.contains("   why: "),
        "no locate explanation in:\n{text}"
    );
    assert!(text.contains("   placed in: "), "{text}");

    let o = s.run(&["show", &id, "--format", "json"]);
    assert!(
        o.status.success(),
        "show --format json failed: {}",
        stderr(&o)
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["article"]["title"], title);
    assert_eq!(json["published"], item["date_published"]);
    let file = json["file"].as_str().expect("a file for a folder source");
    assert!(
        std::path::Path::new(file).is_file(),
        "{file} is not the input file"
    );
    let evidence = json["placement"]["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty(), "{json}");
    let leaf = json["placement"]["primary"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["code"]
        .clone();
    assert!(
        evidence
            .iter()
            .any(|e| e["code"] == leaf || e["field"] == "home"),
        "no evidence for the place {leaf}: {evidence:?}"
    );
    // the text form prints the same mentions
    for e in evidence {
        assert!(
            text.contains(&format!(
                "why: {} [{}]",
                e["text"].as_str().unwrap(),
                e["field"].as_str().unwrap()
            )),
            "{e} missing from:\n{text}"
        );
    }
}

#[test]
fn an_unknown_id_is_an_error_naming_it() {
    let s = published_examples();
    for format in ["text", "json"] {
        let o = s.run(&["show", "0123456789abcdef0123", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        assert!(
            stderr(&o).contains("no stored article has the id \"0123456789abcdef0123\""),
            "{}",
            stderr(&o)
        );
    }
    // before any run: the same answer, and no state file made
    let s = common::Sandbox::examples();
    let o = s.run(&["show", "0123456789abcdef0123"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not created yet"), "{}", stderr(&o));
    assert!(!s.path().join("state").exists());
}
