//! The configuration file, `config.toml`.
//!
//! Owns: parsing the file into a checked [`Config`] (unknown keys, wrong types and missing
//! keys rejected with the key and the line), resolving relative paths against the file's
//! folder, and applying command-line overrides. Must not touch: global state (the config
//! is passed by reference), the pipeline, or secret values (only where to find them).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A configuration error: what is wrong, where. Its `Display` names the file, the line and
/// the key.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: String,
    /// What is wrong, with the line and key.
    pub message: String,
}

/// One folder of input files.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A short stable name; it is part of every article id, so do not rename it.
    pub id: String,
    /// The folder to read, relative to the config file.
    pub path: PathBuf,
    /// The publication's name, when the pages do not print it (wins over the page).
    #[serde(default)]
    pub publication: Option<String>,
    /// The publication's home place, a name or division code (wins over the page).
    #[serde(default)]
    pub home: Option<String>,
    /// Largest file read, in megabytes; larger files are reported and skipped.
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u64,
    /// Longest time spent reading and placing one file, in seconds; a file that takes
    /// longer is reported as failed (and tried again when its bytes change) and the run
    /// goes on with the next file.
    #[serde(default = "default_max_file_secs")]
    pub max_file_secs: f64,
}

fn default_max_file_mb() -> u64 {
    64
}

fn default_max_file_secs() -> f64 {
    60.0
}

/// The range `max_file_secs` must lie in.
pub const MAX_FILE_SECS_RANGE: std::ops::RangeInclusive<f64> = 0.001..=3600.0;

fn default_state() -> PathBuf {
    PathBuf::from("state/localfeed.db")
}

fn default_out() -> PathBuf {
    PathBuf::from("feeds")
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The SQLite state file.
    #[serde(default = "default_state")]
    pub state: PathBuf,
    /// The output folder for feeds and pages.
    #[serde(default = "default_out")]
    pub out: PathBuf,
    /// A folder of user templates that replace the built-in ones file by file.
    #[serde(default)]
    pub templates: Option<PathBuf>,
    /// The input folders.
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
    /// Feed publishing.
    #[serde(default)]
    pub publish: crate::publish::Settings,
    /// Email digests; none are sent when the table is absent.
    #[serde(default)]
    pub digest: Option<crate::digest::Settings>,
    /// `localfeed serve`'s subscription pages.
    #[serde(default)]
    pub serve: crate::serve::Settings,
    /// Subscribers kept in the config (more can be added with `localfeed subscribers`).
    #[serde(default, rename = "subscriber")]
    pub subscribers: Vec<crate::digest::SubscriberConfig>,
    /// The folder the config was read from; relative paths are resolved against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// Overrides given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--inbox DIR`: read this folder instead of the configured sources.
    pub inbox: Option<PathBuf>,
    /// `--out DIR`.
    pub out: Option<PathBuf>,
    /// `--state FILE`.
    pub state: Option<PathBuf>,
}

impl Config {
    /// Parses configuration text. `path` is only used in messages and to resolve relative
    /// paths.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let mut cfg: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: shown.clone(),
            message: describe_toml_error(text, &e),
        })?;
        cfg.base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        cfg.check().map_err(|message| ConfigError {
            path: shown,
            message,
        })?;
        Ok(cfg)
    }

    /// Reads and parses the configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            message: format!("cannot read the configuration file: {e}"),
        })?;
        Self::parse(&text, path)
    }

    fn check(&self) -> Result<(), String> {
        if self.sources.is_empty() {
            return Err("no [[source]] is configured: add one with `id` and `path`".into());
        }
        let mut ids = std::collections::BTreeSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            let valid = !s.id.is_empty()
                && s.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(format!(
                    "source #{}: key `id` = {:?} must be letters, digits, `-` or `_`",
                    i + 1,
                    s.id
                ));
            }
            if !ids.insert(s.id.as_str()) {
                return Err(format!(
                    "source #{}: key `id` = {:?} is used twice",
                    i + 1,
                    s.id
                ));
            }
            if s.max_file_mb == 0 {
                return Err(format!(
                    "source {:?}: key `max_file_mb` must be at least 1",
                    s.id
                ));
            }
            if !MAX_FILE_SECS_RANGE.contains(&s.max_file_secs) {
                return Err(format!(
                    "source {:?}: key `max_file_secs` = {} must be from {} to {} (seconds)",
                    s.id,
                    s.max_file_secs,
                    MAX_FILE_SECS_RANGE.start(),
                    MAX_FILE_SECS_RANGE.end()
                ));
            }
        }
        if let Some(d) = &self.digest {
            d.validate().map_err(|e| format!("{e:#}"))?;
        } else if !self.subscribers.is_empty() {
            return Err(
                "[[subscriber]] entries need a [digest] table (sender, links, delivery)".into(),
            );
        }
        self.serve.validate().map_err(|e| format!("{e:#}"))?;
        for (i, sub) in self.subscribers.iter().enumerate() {
            sub.validate()
                .map_err(|e| format!("[[subscriber]] #{}: {e:#}", i + 1))?;
        }
        Ok(())
    }

    /// Applies command-line overrides. `--inbox` replaces the configured sources with one
    /// source named `inbox` reading that folder (the publication hints of the configured
    /// sources do not apply to it).
    pub fn apply(&mut self, o: &Overrides) {
        if let Some(dir) = &o.inbox {
            self.sources = vec![Source {
                id: "inbox".into(),
                path: absolute(dir),
                publication: None,
                home: None,
                max_file_mb: default_max_file_mb(),
                max_file_secs: default_max_file_secs(),
            }];
        }
        if let Some(out) = &o.out {
            self.out = absolute(out);
        }
        if let Some(state) = &o.state {
            self.state = absolute(state);
        }
    }

    /// A configured path resolved against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// The state file.
    pub fn state_path(&self) -> PathBuf {
        self.resolve(&self.state)
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.resolve(&self.out)
    }

    /// The user templates folder, when configured.
    pub fn templates_dir(&self) -> Option<PathBuf> {
        self.templates.as_deref().map(|p| self.resolve(p))
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Turns a TOML/serde error into one line naming the line, column and what is wrong.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            let src = text.lines().nth(line - 1).unwrap_or("").trim();
            format!("line {line}, column {col}: {msg} (`{src}`)")
        }
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("conf/config.toml"))
    }

    #[test]
    fn minimal_config_resolves_paths_against_its_folder() {
        let c = parse("[[source]]\nid = \"a\"\npath = \"pages\"\n").unwrap();
        assert_eq!(c.resolve(&c.sources[0].path), PathBuf::from("conf/pages"));
        assert_eq!(c.state_path(), PathBuf::from("conf/state/localfeed.db"));
        assert_eq!(c.out_dir(), PathBuf::from("conf/feeds"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("out = \"x\"\n\n[[source]]\nid = \"a\"\npath = \"p\"\nhoem = \"安吉\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("conf/config.toml: line 6, column 1: unknown field `hoem`"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\nmax_file_mb = \"big\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4"), "{e}");
        assert!(e.contains("max_file_mb"), "{e}");
    }

    #[test]
    fn missing_required_key_is_named() {
        let e = parse("[[source]]\nid = \"a\"\n").unwrap_err().to_string();
        assert!(e.contains("missing field `path`"), "{e}");
        let e = parse("out = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("missing field `source`"), "{e}");
    }

    #[test]
    fn duplicate_source_ids_are_rejected() {
        let e =
            parse("[[source]]\nid = \"a\"\npath = \"p\"\n[[source]]\nid = \"a\"\npath = \"q\"\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("used twice"), "{e}");
    }
}
