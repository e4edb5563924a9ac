//! Installing like a service: the man pages and the shell completions come out of the
//! binary, made from the clap definitions the command line itself uses, so every command
//! and option is in them (they cannot drift); the package's config is the repository's
//! with the package's paths. (The units are checked in `tests/systemd_units.rs`; CI builds
//! the .deb, unpacks it and runs it.)

mod common;

use clap::CommandFactory as _;
use common::{Sandbox, stdout};
use localfeed::cli::Cli;

/// Every command path (`run`, `subscribers add` …) with its long options.
fn commands() -> Vec<(Vec<String>, Vec<String>)> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<String>)>) {
        let longs = cmd
            .get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .filter(|l| l != "help" && l != "version")
            .collect();
        out.push((path.clone(), longs));
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn a_man_page_for_every_command_with_every_option() {
    let s = Sandbox::empty();
    let o = s.run(&["manpage", "--dir", "man"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let main = s.read("man/localfeed.1");
    assert_eq!(
        stdout(&s.run(&["manpage"])),
        main,
        "stdout and --dir differ"
    );
    assert!(main.contains(".SH SUBCOMMANDS") && main.contains("Exit status: 0 done"));
    for (path, longs) in commands() {
        let page = if path.is_empty() {
            "localfeed.1".to_string()
        } else {
            format!("localfeed-{}.1", path.join("-"))
        };
        let text = s.read(&format!("man/{page}"));
        for long in longs {
            // roff escapes the dashes
            let opt = format!("\\-\\-{}", long.replace('-', "\\-"));
            assert!(text.contains(&opt), "{page} lacks --{long}");
        }
    }
    assert!(s.read("man/localfeed-run.1").contains("allow\\-shrink"));
}

#[test]
fn completions_for_bash_zsh_and_fish_know_every_command_and_option() {
    let s = Sandbox::empty();
    for shell in ["bash", "zsh", "fish"] {
        let o = s.run(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let text = stdout(&o);
        for (path, longs) in commands() {
            if let Some(last) = path.last() {
                assert!(text.contains(last.as_str()), "{shell}: no {last}");
            }
            for long in longs {
                assert!(text.contains(&long), "{shell}: no --{long}");
            }
        }
    }
    let o = s.run(&["completions", "tcsh"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_packaged_config_is_the_repositorys_with_the_packages_paths() {
    let o = std::process::Command::new("python3")
        .arg(common::repo().join("scripts/packaged-config.py"))
        .arg(common::repo().join("config.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = stdout(&o);
    for line in [
        "state = \"/var/lib/localfeed/localfeed.db\"",
        "out = \"/var/lib/localfeed/feeds\"",
        "path = \"/srv/localfeed/inbox\"",
        "outbox_dir = \"/var/lib/localfeed/outbox\"",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}");
    }
    assert!(!text.contains("examples/"), "a path of the repository");
    assert!(
        !text.contains("reader@example.net"),
        "an example subscriber"
    );
    assert_eq!(text.lines().filter(|l| *l == "[[source]]").count(), 1);
    // Valid once its folders exist.
    let s = Sandbox::empty();
    std::fs::create_dir_all(s.path().join("inbox")).unwrap();
    let local = text
        .replace(
            "/srv/localfeed/inbox",
            &s.path().join("inbox").display().to_string(),
        )
        .replace(
            "/var/lib/localfeed",
            &s.path().join("state").display().to_string(),
        );
    s.write("config.toml", local);
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
}
