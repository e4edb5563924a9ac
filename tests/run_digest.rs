//! `localfeed run` delivering digests to a real SMTP server (`../shared/tools/smtp-sink`)
//! on 127.0.0.1, every message checked by `../shared/tools/check-mail`; a second run with
//! nothing new sends nothing. Skips with a message without `../shared`; fails under CI.

mod common;

use std::process::Command;

use common::{Sandbox, shared, stderr};

fn messages(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    common::emls(&dir.join("mail"))
}

#[test]
fn run_sends_digests_over_smtp_that_pass_check_mail_and_only_once() {
    let Some(shared) = shared() else { return };
    let tools = shared.join("tools");
    let s = Sandbox::examples();
    let (_sink, port) = common::start_smtp_sink(&tools, s.path());
    let cfg = s
        .read("config.toml")
        .replace("smtp_url = \"\"", &format!("smtp_url = \"smtp://127.0.0.1:{port}\""))
        .replace(
            "[[subscriber]]",
            "[[subscriber]]\nemail = \"second@example.net\"\nlocalities = [\"河南省\"]\nschedule = \"immediate\"\n\n[[subscriber]]",
        );
    s.write("config.toml", cfg);
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 sent"), "{}", stderr(&o));
    let mail = messages(s.path());
    assert_eq!(mail.len(), 2, "one digest per subscriber");
    let check = Command::new(tools.join("check-mail"))
        .args(&mail)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "check-mail found problems:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let all: String = mail
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(all.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    // Nothing new: a second run sends nothing.
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        messages(s.path()).len(),
        2,
        "a run with nothing new sent mail"
    );
    // The status shows the deliveries.
    let st = common::stdout(&s.run(&["status"]));
    assert!(st.contains("digests: 2 sent, 0 pending, 0 failed"), "{st}");
}
