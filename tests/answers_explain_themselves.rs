//! Small answers an operator meets in the first hour say what they mean: `locate --help`,
//! a value of the wrong type in the config, an address with a domain in Chinese. (Pending
//! confirmations in `subscribers list` are pinned in `tests/serve_subscribe.rs`.)

mod common;

use common::{Sandbox, stderr, stdout};

#[test]
fn locate_help_speaks_of_one_text() {
    let s = Sandbox::empty();
    let o = s.run(&["locate", "--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    assert!(
        help.contains("The text to place (a headline, a sentence or an article; quote it)"),
        "{help}"
    );
    assert!(
        help.contains("Output format: `text` (the chain, `also:` places and the mentions) or `json` (the placement as one JSON object)"),
        "{help}"
    );
    assert!(
        !help.contains("several files") && !help.contains("JSON Lines"),
        "{help}"
    );
    assert!(!help.contains("a page for `extract`"), "{help}");
}

#[test]
fn a_value_of_the_wrong_type_is_named_in_plain_words() {
    let s = Sandbox::examples();
    let cfg = s.read("config.toml");
    // the line the message names: where the example config keeps the key
    let line = cfg
        .lines()
        .position(|l| l.starts_with("items_per_feed = 50"))
        .expect("the example config sets items_per_feed")
        + 1;
    let at_line = format!(
        "line {line}, column 18: invalid type: text \"50\", expected a whole number ≥ 0 (`items_per_feed = \"50\"`)"
    );
    for (from, to, says) in [
        (
            "items_per_feed = 50",
            "items_per_feed = \"50\"",
            at_line.as_str(),
        ),
        (
            "items_per_feed = 50",
            "items_per_feed = -1",
            "invalid value: integer `-1`, expected a whole number ≥ 0",
        ),
        (
            "send_rate = 10.0",
            "send_rate = \"fast\"",
            "invalid type: text \"fast\", expected a number",
        ),
        ("archives = true", "archives = 1", "expected true or false"),
    ] {
        s.write("config.toml", cfg.replacen(from, to, 1));
        let o = s.run(&["check"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(says), "{to}: {}", stderr(&o));
        assert!(!stderr(&o).contains("usize") && !stderr(&o).contains("f64"));
    }
}

#[test]
fn an_address_with_a_chinese_domain_is_taken_and_mailed_in_ascii() {
    let s = Sandbox::examples();
    let add = || {
        s.run(&[
            "subscribers",
            "add",
            "li@例子.中国",
            "-l",
            "安吉县",
            "--schedule",
            "immediate",
        ])
    };
    let o = add();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("added li@xn--fsqu00a.xn--fiqs8s ("),
        "{}",
        stdout(&o)
    );
    let list = stdout(&s.run(&["subscribers", "list"]));
    assert!(list.contains("li@xn--fsqu00a.xn--fiqs8s\t安吉县"), "{list}");
    // The same address typed again is the same subscriber; removing works either way.
    let o = add();
    assert!(stdout(&o).starts_with("updated "), "{}", stdout(&o));
    // The digest goes to the ASCII form.
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mails: Vec<String> = common::emls(&s.path().join("outbox"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        mails
            .iter()
            .any(|m| m.contains("\r\nTo: li@xn--fsqu00a.xn--fiqs8s\r\n")),
        "{mails:?}"
    );
    let o = s.run(&["subscribers", "remove", "li@例子.中国"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A local part in Chinese still cannot be mailed without SMTPUTF8: refused, named.
    let o = s.run(&["subscribers", "add", "李@例子.中国", "-l", "安吉县"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid email address \"李@例子.中国\""),
        "{}",
        stderr(&o)
    );
}
