//! `localfeed sources`: importing feed sources from OPML, and what is known of each
//! source's fetches.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Subcommand;

use crate::config::{Config, Origin};
use crate::model::shown_path;
use crate::sources::http::shown_url;
use crate::sources::{OpmlFeed, parse_opml};
use crate::store::{FetchRecord, Store};

/// `localfeed sources …`.
#[derive(Debug, Clone, Subcommand)]
pub enum SourcesCmd {
    /// Add the feeds of an OPML file (an RSSHub or feed reader export) as `feed` sources.
    /// They are appended to the configuration file (checked first, comments kept; feeds
    /// already configured are skipped), or written to `--to FILE` (`-` for standard
    /// output) to be reviewed and pasted in.
    Import {
        /// The OPML file.
        file: PathBuf,
        /// Write the new `[[source]]` entries here instead of appending them to the config.
        #[arg(long, value_name = "FILE")]
        to: Option<PathBuf>,
    },
    /// Each source with its last fetch, status, ETag, next fetch and last error.
    List,
}

/// Runs a `sources` command against the configuration at `config_path`.
pub fn run(cmd: &SourcesCmd, cfg: &Config, config_path: &Path) -> Result<()> {
    match cmd {
        SourcesCmd::Import { file, to } => import(cfg, config_path, file, to.as_deref()),
        SourcesCmd::List => list(cfg),
    }
}

/// A source id made from a feed URL: the letters and digits of its path (an RSSHub
/// route `/hunan/epaper` gives `hunan-epaper`), else of its host; `-2`, `-3` … when taken.
fn id_for(url: &str, taken: &mut Vec<String>) -> String {
    let parsed = url::Url::parse(url).ok();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let mut parts = parsed.as_ref().map(|u| words(u.path())).unwrap_or_default();
    parts.retain(|w| !matches!(w.as_str(), "rss" | "xml" | "feed" | "atom" | "index"));
    if parts.is_empty() {
        parts = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(words))
            .unwrap_or_default();
    }
    let mut base: String = parts.join("-").chars().take(48).collect();
    if base.is_empty() {
        base = "feed".into();
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn entry(id: &str, f: &OpmlFeed) -> String {
    let mut e = format!(
        "\n[[source]]\nid = {}\nfeed = {}\n",
        toml_str(id),
        toml_str(&f.xml_url)
    );
    if let Some(t) = &f.title {
        e.push_str(&format!("publication = {}\n", toml_str(t)));
    }
    e
}

fn import(cfg: &Config, config_path: &Path, file: &Path, to: Option<&Path>) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {}", shown_path(file)))?;
    let feeds = parse_opml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", shown_path(file)))?;
    let mut taken: Vec<String> = cfg.sources.iter().map(|s| s.id.clone()).collect();
    let configured: Vec<&str> = cfg
        .sources
        .iter()
        .filter_map(|s| match s.origin() {
            Origin::Feed(u) => Some(u),
            _ => None,
        })
        .collect();
    let mut added = String::new();
    let (mut n, mut skipped, mut refused) = (0, 0, 0);
    for f in &feeds {
        if configured.contains(&f.xml_url.as_str()) {
            skipped += 1;
            continue;
        }
        let ok = url::Url::parse(&f.xml_url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            eprintln!(
                "localfeed: {}: {:?} is not an http(s) URL, left out",
                shown_path(file),
                f.xml_url
            );
            refused += 1;
            continue;
        }
        added.push_str(&entry(&id_for(&f.xml_url, &mut taken), f));
        n += 1;
    }
    match to {
        Some(p) if p == Path::new("-") => print!("{added}"),
        Some(p) => {
            std::fs::write(p, &added).with_context(|| format!("cannot write {}", shown_path(p)))?
        }
        None if n > 0 => {
            let old = std::fs::read_to_string(config_path)
                .with_context(|| format!("cannot read {}", shown_path(config_path)))?;
            let new = format!(
                "{}\n# imported from {}{added}",
                old.trim_end(),
                shown_path(file)
            );
            Config::parse(&new, config_path).map_err(|e| {
                anyhow::anyhow!("the imported sources would not check, nothing written: {e}")
            })?;
            let tmp = config_path.with_extension("toml.tmp");
            std::fs::write(&tmp, &new)
                .with_context(|| format!("cannot write {}", shown_path(&tmp)))?;
            std::fs::rename(&tmp, config_path)
                .with_context(|| format!("cannot replace {}", shown_path(config_path)))?;
        }
        None => {}
    }
    let whereto = match to {
        Some(p) if p == Path::new("-") => "standard output".to_string(),
        Some(p) => shown_path(p),
        None => shown_path(config_path),
    };
    eprintln!(
        "localfeed: {n} feed source(s) added to {whereto}; {skipped} already configured, {refused} left out"
    );
    Ok(())
}

fn list(cfg: &Config) -> Result<()> {
    let state = cfg.state_path();
    let records: Vec<FetchRecord> = if crate::store::state_exists(&state) {
        Store::open(&state)?.fetch_records()?
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    for s in &cfg.sources {
        let mine: Vec<&FetchRecord> = records.iter().filter(|r| r.source == s.id).collect();
        match s.origin() {
            Origin::Folder(p) => writeln!(out, "{}\tfolder {}", s.id, shown_path(&cfg.resolve(p)))?,
            Origin::Feed(url) => match mine.iter().find(|r| r.url == url) {
                Some(r) => writeln!(out, "{}\tfeed {}\t{}", s.id, shown_url(url), describe(r))?,
                None => writeln!(out, "{}\tfeed {}\tnever fetched", s.id, shown_url(url))?,
            },
            Origin::Urls(_) => {
                let failing: Vec<&&FetchRecord> = mine
                    .iter()
                    .filter(|r| r.status == "failed" || r.status == "later")
                    .collect();
                let status = if failing.is_empty() { "ok" } else { "failed" };
                writeln!(
                    out,
                    "{}\tpages: {} fetched, {} failing\t{status}",
                    s.id,
                    mine.len() - failing.len(),
                    failing.len()
                )?;
                for r in failing {
                    writeln!(out, "  {}\t{}", shown_url(&r.url), describe(r))?;
                }
            }
        }
    }
    Ok(())
}

/// One fetch record in words.
fn describe(r: &FetchRecord) -> String {
    let mut s = r.status.clone();
    if let Some(code) = r.http_status {
        s.push_str(&format!(" (HTTP {code})"));
    }
    s.push_str(&format!("\tlast fetch {}", r.last_fetch));
    if let Some(e) = &r.etag {
        s.push_str(&format!("\tETag {e}"));
    }
    if let Some(n) = &r.next_fetch {
        s.push_str(&format!("\tnext {n}"));
    }
    if let Some(e) = &r.error {
        s.push_str(&format!("\terror ({} in a row): {e}", r.failures));
    }
    s
}

/// The lines `localfeed status` prints for sources whose last fetch failed.
pub fn failing_lines(store: &Store) -> Result<Vec<String>> {
    let recs = store.fetch_records()?;
    let failing: Vec<&FetchRecord> = recs
        .iter()
        .filter(|r| r.status == "failed" || r.status == "later")
        .collect();
    let mut out = vec![format!("failing sources: {}", failing.len())];
    for r in failing {
        out.push(format!(
            "  failing source {}: {} ({} in a row, next try {}): {}",
            r.source,
            shown_url(&r.url),
            r.failures,
            r.next_fetch.as_deref().unwrap_or("next run"),
            r.error.as_deref().unwrap_or("")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_routes_and_never_repeat() {
        let mut taken = vec!["anji".to_string()];
        assert_eq!(
            id_for("https://rsshub.example.org/hunan/epaper", &mut taken),
            "hunan-epaper"
        );
        assert_eq!(
            id_for("https://rsshub.example.org/hunan/epaper?x=1", &mut taken),
            "hunan-epaper-2"
        );
        assert_eq!(
            id_for("http://news.anji.example/rss.xml", &mut taken),
            "news-anji-example"
        );
        let tricky = "a\"b'c\n[[source]]";
        let back: toml::Table = toml::from_str(&format!("x = {}", toml_str(tricky))).unwrap();
        assert_eq!(back["x"].as_str(), Some(tricky));
    }
}
