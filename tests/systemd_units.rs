//! The systemd units in `packaging/systemd/`: the sandbox directives the audit asked for
//! are there, every directive is explained by a comment, a failed run is not hidden, and
//! (when `systemd-analyze` is installed) systemd itself accepts the files.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

fn units_dir() -> PathBuf {
    common::repo().join("packaging/systemd")
}

/// A unit file's directives, section by section: `(section, key)` → values in order.
/// Also checks that every directive line has a comment above it or above the block of
/// directives it belongs to (a blank line ends a block).
fn parse(name: &str) -> BTreeMap<(String, String), Vec<String>> {
    let text = std::fs::read_to_string(units_dir().join(name)).unwrap();
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    let mut commented = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            commented = false;
        } else if t.starts_with('#') {
            commented = true;
        } else if t.starts_with('[') {
            section = t.trim_matches(|c| c == '[' || c == ']').to_string();
            commented = false;
        } else {
            let (k, v) = t
                .split_once('=')
                .unwrap_or_else(|| panic!("{name}:{}: not a directive: {t}", n + 1));
            if section == "Service" {
                assert!(
                    commented,
                    "{name}:{}: {k}= has no comment saying why",
                    n + 1
                );
            }
            out.entry((section.clone(), k.trim().to_string()))
                .or_default()
                .push(v.trim().to_string());
        }
    }
    out
}

fn get<'a>(
    unit: &'a BTreeMap<(String, String), Vec<String>>,
    section: &str,
    key: &str,
) -> &'a [String] {
    unit.get(&(section.to_string(), key.to_string()))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[test]
fn the_run_is_sandboxed_as_the_audit_asked() {
    let u = parse("localfeed.service");
    for (key, value) in [
        ("PrivateNetwork", "yes"),
        ("IPAddressDeny", "any"),
        ("ProtectProc", "invisible"),
        ("PrivateUsers", "yes"),
        ("UMask", "0027"),
        ("RestrictAddressFamilies", "AF_UNIX"),
        ("SystemCallErrorNumber", "EPERM"),
    ] {
        assert_eq!(get(&u, "Service", key), [value], "{key}");
    }
    assert!(!get(&u, "Service", "MemoryMax").is_empty(), "MemoryMax=");
    let filters = get(&u, "Service", "SystemCallFilter");
    assert!(
        filters.iter().any(|f| f == "@system-service"),
        "{filters:?}"
    );
    assert!(
        filters
            .iter()
            .any(|f| f.starts_with('~') && f.contains("@privileged") && f.contains("@resources")),
        "the filter is not narrowed: {filters:?}"
    );
    // A run whose inputs failed (exit 1) is a failed unit, and the failure is reported.
    let ok = get(&u, "Service", "SuccessExitStatus").join(" ");
    assert!(
        !ok.split_whitespace().any(|s| s == "1"),
        "SuccessExitStatus hides failed inputs: {ok}"
    );
    let on_failure = get(&u, "Unit", "OnFailure");
    assert_eq!(on_failure, ["localfeed-failure@%n.service"]);
    assert!(units_dir().join("localfeed-failure@.service").is_file());
}

#[test]
fn the_server_has_limits_and_the_drop_in_opens_only_the_relay() {
    let s = parse("localfeed-serve.service");
    assert!(
        !get(&s, "Service", "LimitNOFILE").is_empty(),
        "LimitNOFILE="
    );
    assert!(!get(&s, "Service", "MemoryMax").is_empty(), "MemoryMax=");
    assert_eq!(get(&s, "Service", "Type"), ["notify"]);
    assert_eq!(get(&s, "Service", "ProtectProc"), ["invisible"]);
    let d = parse("smtp-relay.conf");
    assert_eq!(get(&d, "Service", "PrivateNetwork"), ["no"]);
    assert!(!get(&d, "Service", "IPAddressAllow").is_empty());
    assert!(
        get(&d, "Service", "IPAddressDeny").is_empty(),
        "the drop-in must keep the unit's IPAddressDeny=any"
    );
    let w = parse("web-sources.conf");
    assert_eq!(get(&w, "Service", "PrivateNetwork"), ["no"]);
    assert!(!get(&w, "Service", "IPAddressAllow").is_empty());
    assert!(
        get(&w, "Service", "IPAddressDeny").is_empty(),
        "the drop-in must keep the unit's IPAddressDeny=any"
    );
    parse("localfeed-failure@.service");
}

/// Where the Debian package installs the binary and the units (`[package.metadata.deb]`).
fn deb_assets() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::repo().join("Cargo.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_array().unwrap();
            (
                a[0].as_str().unwrap().to_string(),
                a[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_units_run_the_packaged_binary_and_point_at_the_installed_man_page() {
    let assets = deb_assets();
    let bin_dest = assets
        .iter()
        .find(|(from, _)| from == "target/release/localfeed")
        .map(|(_, to)| format!("/{to}localfeed"))
        .unwrap();
    assert_eq!(bin_dest, "/usr/bin/localfeed");
    for name in [
        "localfeed.service",
        "localfeed.timer",
        "localfeed-serve.service",
        "localfeed-failure@.service",
    ] {
        let u = parse(name);
        let docs = get(&u, "Unit", "Documentation").join(" ");
        assert!(docs.starts_with("man:localfeed(1)"), "{name}: {docs}");
        assert!(!docs.contains("file://"), "{name}: {docs}");
        for exec in get(&u, "Service", "ExecStart") {
            if exec.contains("localfeed ") && !exec.contains("systemd-cat") {
                assert!(exec.starts_with(&format!("{bin_dest} ")), "{name}: {exec}");
            }
        }
        // shipped by the package, next to the other units
        assert!(
            assets
                .iter()
                .any(|(from, to)| from == &format!("packaging/systemd/{name}")
                    && to == "usr/lib/systemd/system/"),
            "{name} is not in the package"
        );
    }
    // Every man page a unit names is one the binary makes.
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_localfeed"))
        .args(["manpage", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    for name in ["localfeed.1", "localfeed-run.1", "localfeed-serve.1"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
}

#[test]
fn the_server_is_sandboxed_like_the_run_and_only_reads_the_feeds() {
    let run = parse("localfeed.service");
    let serve = parse("localfeed-serve.service");
    assert_eq!(get(&serve, "Service", "Type"), ["notify"]);
    assert_eq!(
        get(&serve, "Service", "ReadOnlyPaths"),
        ["-/var/lib/localfeed/feeds"]
    );
    // The run's sandbox, less what a server needs: the network (and the address families
    // for it), and reading its inbox.
    let network = [
        "PrivateNetwork",
        "IPAddressDeny",
        "RestrictAddressFamilies",
        "ReadOnlyPaths",
        "Type",
        "ExecStart",
        "SuccessExitStatus",
        "TimeoutStartSec",
        "MemoryMax",
    ];
    for ((section, key), values) in &run {
        if section != "Service" || network.contains(&key.as_str()) {
            continue;
        }
        assert_eq!(
            get(&serve, "Service", key),
            values.as_slice(),
            "localfeed-serve.service {key}= differs from the run's"
        );
    }
}

/// `systemd-analyze verify` on the units, with ExecStart= pointing at the binary just
/// built (verify checks that it exists). Skipped where systemd-analyze is missing.
#[test]
fn systemd_accepts_the_units() {
    let Ok(probe) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        eprintln!("SKIPPED: systemd-analyze is not installed (apt-get install systemd)");
        return;
    };
    assert!(probe.status.success());
    let d = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_localfeed");
    let mut names = Vec::new();
    for name in [
        "localfeed.service",
        "localfeed.timer",
        "localfeed-serve.service",
        "localfeed-failure@.service",
    ] {
        let text = std::fs::read_to_string(units_dir().join(name))
            .unwrap()
            .replace("/usr/bin/localfeed", bin);
        std::fs::write(d.path().join(name), text).unwrap();
        names.push(d.path().join(name.replace("@.", "@localfeed.service.")));
    }
    // verify looks the Documentation= man pages up: the ones the binary makes.
    let man = d.path().join("man");
    let made = std::process::Command::new(bin)
        .args(["manpage", "--dir"])
        .arg(man.join("man1"))
        .status()
        .unwrap();
    assert!(made.success());
    let has_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let o = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(if has_man { "--man=yes" } else { "--man=no" })
        .args(&names)
        .env("SYSTEMD_UNIT_PATH", format!("{}:", d.path().display()))
        .env("MANPATH", &man)
        .output()
        .unwrap();
    let err = common::stderr(&o);
    // verify exits 0 on an unknown key or a bad value, and says so on stderr.
    let complaints: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        o.status.success() && complaints.is_empty(),
        "systemd-analyze verify: {err}"
    );
    // The exposure systemd rates the run's sandbox at (1.8 before the audit's fixes).
    let o = std::process::Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(d.path().join("localfeed.service"))
        .output()
        .unwrap();
    let out = common::stdout(&o);
    let level: f64 = out
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for localfeed.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{out}{}", common::stderr(&o)));
    assert!(level <= 0.5, "exposure {level}:\n{out}");
}
