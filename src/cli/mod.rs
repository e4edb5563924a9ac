//! The command line: turns argv into a typed [`Command`] and carries it out by calling the
//! library, printing results on stdout and problems on stderr.
//!
//! Owns: argument parsing, output formats, and the exit status of each command. Must not
//! touch: pipeline logic (schedule and the stages do the work).

pub mod digest_cmds;
mod fix_cmd;
mod show_cmd;
pub mod source_cmds;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::clock;
use crate::config::{Config, Origin, Overrides};
use crate::extract;
use crate::locate::{self, Gazetteer};
use crate::model::{Chain, InputForm, PageText, SourceHints, shown, shown_path};
use crate::schedule::{self, RunError, RunOptions};
use crate::store::Store;
use crate::templates::Templates;

/// Exit status: a run finished, but some inputs failed.
pub const EXIT_PARTIAL: u8 = 1;
/// Exit status: bad configuration, usage or a fatal error.
pub const EXIT_ERROR: u8 = 2;
/// Exit status: another run holds the lock.
pub const EXIT_LOCKED: u8 = 3;

/// localfeed: local news by place, from newspaper pages to per-locality feeds and digests.
#[derive(Debug, Parser)]
#[command(
    name = "localfeed",
    version,
    about,
    long_about = None,
    after_long_help = "Exit status: 0 done; 1 done, but some inputs failed (named, recorded, \
retried on the next run); 2 bad configuration, usage, a missing source folder, a run that would \
take more than [publish] max_retire_percent of the site off (see run --allow-shrink), or a fatal \
error; 3 another run holds the lock.\n\n\
Files: /etc/localfeed/config.toml (the package's configuration; `config.toml` in the current \
folder otherwise, or $LOCALFEED_CONFIG), /var/lib/localfeed (state, feeds and outbox of the \
packaged service), /etc/localfeed/secrets.env (secrets for the systemd units).\n\n\
Environment: LOCALFEED_CONFIG, LOCALFEED_LOG (a log filter), LOCALFEED_NOW (a fixed clock, for \
tests)."
)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short = 'c',
        global = true,
        default_value = "config.toml",
        env = "LOCALFEED_CONFIG"
    )]
    pub config: PathBuf,
    /// More log output (-v: debug, -vv: trace).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors in the log.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `extract` and `locate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON: one object a line (a page for `extract`, the text for `locate`).
    Json,
    /// Text for a person.
    Text,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline once: new input → articles → places → store → feeds → digests.
    Run {
        /// Read this folder instead of the configured sources.
        #[arg(long)]
        inbox: Option<PathBuf>,
        /// Write feeds here instead of the configured output folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Use this state file instead of the configured one.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Send the digests that are due even with --inbox (a trial run sends none).
        #[arg(long, conflicts_with = "no_digests")]
        digests: bool,
        /// Send no digests in this run (they stay due for the next one).
        #[arg(long)]
        no_digests: bool,
        /// Publish even when this run takes more than `[publish] max_retire_percent` of the
        /// published articles off the site (they are really gone).
        #[arg(long)]
        allow_shrink: bool,
    },
    /// Check the configuration and the templates without running anything.
    Check,
    /// Show sources, counts, failed inputs and the last run.
    Status {
        /// Use this state file instead of the configured one.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Read articles out of page files and print them (no store, no feeds).
    Extract {
        /// Page or article files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// The publication's name, when the pages do not print it.
        #[arg(long)]
        publication: Option<String>,
        /// The publication's home place (name or division code).
        #[arg(long)]
        home: Option<String>,
        /// Read the files as this configured source would be read: its `publication` and
        /// `home` apply (unless given above) and article ids are the ones `run` stores.
        #[arg(long, value_name = "ID")]
        source: Option<String>,
        /// Print every line of each file with its role and the name of the rule that
        /// decided it, instead of the articles.
        #[arg(long)]
        explain: bool,
        /// Print, for each headline-like line above each file's first text, the features
        /// the header model reads and its score, as JSON lines (what
        /// `scripts/fit-header-model.py` fits the model to), instead of the articles.
        #[arg(long, conflicts_with = "explain")]
        features: bool,
    },
    /// Place a text in the division hierarchy and show the evidence.
    ///
    /// Prints the place chain the text is placed in, the other places it covers, and each
    /// mention that decided it. Exit status 1 when the text names no place.
    Locate {
        /// The text to place (a headline, a sentence or an article; quote it).
        text: String,
        /// The publication's home place (name or division code), as a source's `home`.
        #[arg(long)]
        home: Option<String>,
        /// Output format: `text` (the chain, `also:` places and the mentions) or `json`
        /// (the placement as one JSON object).
        #[arg(long, value_enum, default_value = "text", hide_possible_values = true)]
        format: Format,
    },
    /// Show one stored article: what was read, where it was placed and why.
    ///
    /// Prints the article's headline parts, date, people, source file or URL and
    /// publication, its place chain and each mention that decided it (as `extract` and
    /// `locate` do), and its published, first-seen and updated times. Reads the store
    /// only. Exit status 1 when no stored article has the id.
    Show {
        /// The article's id (a feed item's guid, an article page's name, `extract`'s `id`).
        id: String,
        /// Output format: `text` or `json` (the stored article and placement as one JSON
        /// object).
        #[arg(long, value_enum, default_value = "text", hide_possible_values = true)]
        format: Format,
        /// Use this state file instead of the configured one.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Correct a stored article by hand: its place, headline or date, or hide it. Kept in
    /// the store apart from what was extracted, applied on every later run (re-reading
    /// the page keeps it); `--undo` restores the extracted values, `--list` shows all.
    Fix {
        /// The article's id (a feed item's page name, `show`'s id); not with `--list`.
        id: Option<String>,
        /// Place it here: a division code or name (e.g. 330523 or 安吉县).
        #[arg(long)]
        place: Option<String>,
        /// Publish it under this headline.
        #[arg(long)]
        title: Option<String>,
        /// Publish it under this date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        /// Keep it out of every feed, page and digest.
        #[arg(long)]
        hide: bool,
        /// Remove the article's override.
        #[arg(long)]
        undo: bool,
        /// List every override.
        #[arg(long, conflicts_with = "id")]
        list: bool,
        /// Use this state file instead of the configured one.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Find divisions by name, short name or code.
    Places {
        /// A name, short name or code.
        query: String,
    },
    /// Manage digest subscribers kept in the store.
    Subscribers {
        /// What to do.
        #[command(subcommand)]
        cmd: digest_cmds::SubscribersCmd,
    },
    /// Feed sources: import them from OPML, list what is known of their fetches.
    Sources {
        /// What to do.
        #[command(subcommand)]
        cmd: source_cmds::SourcesCmd,
    },
    /// Preview or send digests.
    Digest {
        /// What to do.
        #[command(subcommand)]
        cmd: digest_cmds::DigestCmd,
    },
    /// Print the manual page (roff, `man -l -` reads it), or write every page
    /// (`localfeed.1` and one per command) into a folder.
    ///
    /// Made from the same definitions as the command line itself, so it cannot drift.
    Manpage {
        /// Write `localfeed.1` and `localfeed-COMMAND.1` pages into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the completion script for a shell (made from the command line's
    /// definitions).
    ///
    /// bash: save as `/usr/share/bash-completion/completions/localfeed`; zsh: as
    /// `_localfeed` in a folder of `$fpath`; fish: as
    /// `~/.config/fish/completions/localfeed.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Serve the output folder over HTTP (and run the pipeline on a timer with --run-every).
    Serve {
        /// Address to listen on (port 0 picks a free port; the log says which).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Run the pipeline at start and then this often, e.g. `15m` (for hosts without
        /// the systemd timer).
        #[arg(long, value_parser = humantime::parse_duration)]
        run_every: Option<std::time::Duration>,
        /// Serve this folder instead of the configured output folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Carries out a parsed command and returns the exit status.
pub fn execute(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("localfeed: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The configuration at `path` with `--state FILE` applied, or the exit status of a
/// configuration that cannot be used (the reason already printed).
fn config_with_state(path: &Path, state: Option<PathBuf>) -> Result<Config, ExitCode> {
    let mut cfg = load_config(path)?;
    cfg.apply(&Overrides {
        state,
        ..Overrides::default()
    });
    Ok(cfg)
}

fn load_config(path: &Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|e| {
        eprintln!("localfeed: invalid configuration {e}");
        ExitCode::from(EXIT_ERROR)
    })
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run {
            inbox,
            out,
            state,
            digests,
            no_digests,
            allow_shrink,
        } => {
            let mut cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let trial = inbox.is_some();
            let send_digests = !no_digests && (digests || !trial);
            if cfg.digest.is_some() && !send_digests && !cli.quiet {
                eprintln!(
                    "localfeed: digests are not sent in this run ({}); they stay due",
                    if no_digests {
                        "--no-digests"
                    } else {
                        "a trial run with --inbox: add --digests to send them"
                    }
                );
            }
            cfg.apply(&Overrides { inbox, out, state });
            let clock = clock::from_env().map_err(anyhow::Error::msg)?;
            match schedule::run_once(
                &cfg,
                clock.as_ref(),
                RunOptions {
                    progress: !cli.quiet,
                    digests: send_digests,
                    allow_shrink,
                },
            ) {
                Ok(report) if report.failures.is_empty() => Ok(ExitCode::SUCCESS),
                Ok(report) => {
                    eprintln!(
                        "localfeed: {} input(s) failed; everything else was published (they are retried on the next run):",
                        report.failures.len()
                    );
                    for f in &report.failures {
                        eprintln!("  {}: {}", f.path, f.reason);
                    }
                    Ok(ExitCode::from(EXIT_PARTIAL))
                }
                Err(RunError::Locked(path)) => {
                    eprintln!(
                        "localfeed: another run is in progress (lock {path} is held); nothing done"
                    );
                    Ok(ExitCode::from(EXIT_LOCKED))
                }
                Err(RunError::Fatal(e)) => Err(e),
            }
        }
        Command::Check => {
            let cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            if let Err(e) = Templates::load(cfg.templates_dir().as_deref()) {
                eprintln!("localfeed: {e:#}");
                return Ok(ExitCode::from(EXIT_ERROR));
            }
            let mut problems = 0;
            for s in &cfg.sources {
                if let Origin::Urls(crate::config::UrlList::File(f)) = s.origin() {
                    let f = cfg.resolve(f);
                    if !f.is_file() {
                        eprintln!(
                            "localfeed: source {:?}: URL list {} does not exist",
                            s.id,
                            shown_path(&f)
                        );
                        problems += 1;
                    }
                }
                let Origin::Folder(p) = s.origin() else {
                    continue;
                };
                let p = cfg.resolve(p);
                if !p.is_dir() {
                    eprintln!(
                        "localfeed: source {:?}: folder {} does not exist",
                        s.id,
                        shown_path(&p)
                    );
                    problems += 1;
                }
                if let Some(h) = &s.home
                    && schedule::home_chain(Some(h), None, Gazetteer::embedded()).is_none()
                {
                    eprintln!(
                        "localfeed: source {:?}: key `home` = {h:?} names no single place",
                        s.id
                    );
                    problems += 1;
                }
            }
            for sub in &cfg.subscribers {
                for place in &sub.localities {
                    if let Err(e) = Gazetteer::embedded().lookup(place) {
                        eprintln!("localfeed: subscriber {}: {e}", sub.email);
                        problems += 1;
                    }
                }
            }
            if cfg
                .digest
                .as_ref()
                .is_some_and(|d| d.base_url_is_local_http())
            {
                eprintln!(
                    "localfeed: warning: [digest] base_url is plain http on this machine: fine for trying subscriptions locally, but one-click unsubscribe needs https in production"
                );
            }
            // Key files are loaded as a run would load them (their contents never printed).
            if cfg.digest.is_some() {
                match schedule::digest_settings(&cfg)
                    .and_then(|s| crate::digest::dkim::DkimSigner::from_settings(&s))
                {
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("localfeed: [digest]: {e:#}");
                        problems += 1;
                    }
                }
            }
            if problems > 0 {
                return Ok(ExitCode::from(EXIT_ERROR));
            }
            println!(
                "{}: configuration and templates are valid",
                shown_path(&cli.config)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { state } => match config_with_state(&cli.config, state) {
            Ok(cfg) => status(&cfg, &cli.config),
            Err(code) => Ok(code),
        },
        Command::Fix {
            id,
            place,
            title,
            date,
            hide,
            undo,
            list,
            state,
        } => match config_with_state(&cli.config, state) {
            Ok(cfg) => fix_cmd::fix(
                &cfg,
                fix_cmd::FixRequest {
                    id,
                    place,
                    title,
                    date,
                    hide,
                    undo,
                    list,
                },
            ),
            Err(code) => Ok(code),
        },
        Command::Show { id, format, state } => match config_with_state(&cli.config, state) {
            Ok(cfg) => show_cmd::show(&cfg, &id, format),
            Err(code) => Ok(code),
        },
        Command::Extract {
            files,
            explain: true,
            ..
        } => explain_files(&files, extract::explain),
        Command::Extract {
            files,
            features: true,
            ..
        } => explain_files(&files, extract::header_features),
        Command::Extract {
            files,
            format,
            publication,
            home,
            explain: false,
            features: false,
            source,
        } => {
            let mut hints = SourceHints { publication, home };
            let mut source_id = "cli".to_string();
            if let Some(id) = source {
                let cfg = match load_config(&cli.config) {
                    Ok(c) => c,
                    Err(code) => return Ok(code),
                };
                let Some(src) = cfg.sources.iter().find(|s| s.id == id) else {
                    let ids: Vec<&str> = cfg.sources.iter().map(|s| s.id.as_str()).collect();
                    eprintln!(
                        "localfeed: --source {id:?}: no such source in {} (sources: {})",
                        cli.config.display(),
                        ids.join(", ")
                    );
                    return Ok(ExitCode::from(EXIT_ERROR));
                };
                hints.publication = hints.publication.or_else(|| src.publication.clone());
                hints.home = hints.home.or_else(|| src.home.clone());
                source_id = id;
            }
            extract_files(&files, format, &hints, &source_id)
        }
        Command::Locate { text, home, format } => {
            let gaz = Gazetteer::embedded();
            let home = schedule::home_chain(home.as_deref(), None, gaz);
            let ctx = locate::Context {
                home: home.as_ref(),
                publication: None,
            };
            let opener = extract::opener(&text);
            let p = locate::locate_text(&text, opener.as_ref(), &ctx, gaz);
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string(&p)?)?,
                Format::Text => {
                    writeln!(out, "{}", chain_text(&p.primary))?;
                    for c in &p.also {
                        writeln!(out, "also: {}", chain_text(c))?;
                    }
                    for e in &p.evidence {
                        writeln!(out, "  {} [{}] → {}: {}", e.text, e.field, e.code, e.note)?;
                    }
                }
            }
            Ok(if p.primary.is_empty() {
                ExitCode::from(EXIT_PARTIAL)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Sources { cmd } => {
            let cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            source_cmds::run(&cmd, &cfg, &cli.config)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Subscribers { cmd } => {
            let cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let settings = schedule::digest_settings(&cfg)?;
            let clock = clock::from_env().map_err(anyhow::Error::msg)?;
            let mut store = Store::open(&cfg.state_path())?;
            let gaz = Gazetteer::embedded();
            let resolve = |s: &str| gaz.lookup(s).map_err(|e| e.to_string());
            let mut out = std::io::stdout().lock();
            digest_cmds::run_subscribers(
                &mut store,
                &settings,
                &cmd,
                &resolve,
                clock.now(),
                &mut out,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Digest { cmd } => {
            let cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let settings = schedule::digest_settings(&cfg)?;
            let templates = Templates::load(cfg.templates_dir().as_deref())?;
            let clock = clock::from_env().map_err(anyhow::Error::msg)?;
            // Delivering from a shared (PostgreSQL) outbox needs no run lock: each worker
            // claims its own digests.
            let shared_outbox = matches!(cmd, digest_cmds::DigestCmd::Deliver)
                && crate::store::is_database_url(&cfg.state_path());
            let _lock = match shared_outbox {
                true => None,
                false => match schedule::lock(&cfg.state_path()) {
                    Ok(l) => Some(l),
                    Err(RunError::Locked(path)) => {
                        eprintln!(
                            "localfeed: another run is in progress (lock {path} is held); nothing done"
                        );
                        return Ok(ExitCode::from(EXIT_LOCKED));
                    }
                    Err(RunError::Fatal(e)) => return Err(e),
                },
            };
            let mut store = Store::open(&cfg.state_path())?;
            let gaz = Gazetteer::embedded();
            let resolve = |s: &str| gaz.lookup(s).map_err(|e| e.to_string());
            let mut out = std::io::stdout().lock();
            digest_cmds::run_digest(
                &mut store,
                &settings,
                &cmd,
                &cfg.subscribers,
                &resolve,
                &templates,
                clock.now(),
                &mut out,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            listen,
            run_every,
            out,
        } => {
            let mut cfg = match load_config(&cli.config) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            cfg.apply(&Overrides {
                out,
                ..Overrides::default()
            });
            let clock = clock::from_env().map_err(anyhow::Error::msg)?;
            let opts = crate::serve::ServeOptions {
                listen,
                root: cfg.out_dir(),
                cache_seconds: u64::from(cfg.publish.ttl_minutes) * 60,
                run_every,
            };
            crate::serve::serve(opts, cfg, clock)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Manpage { dir } => {
            // `help` is clap's own command, with no page of its own.
            let cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
            match dir {
                Some(dir) => {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot create {}", shown_path(&dir)))?;
                    clap_mangen::generate_to(cmd, &dir).with_context(|| {
                        format!("cannot write the pages into {}", shown_path(&dir))
                    })?;
                }
                None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "localfeed", &mut std::io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
        Command::Places { query } => {
            let found = Gazetteer::embedded().search(&query);
            let mut out = std::io::stdout().lock();
            for c in &found {
                let code = c.leaf().map(|d| d.code.as_str()).unwrap_or("");
                writeln!(out, "{code}\t{}", c.names().join(" / "))?;
            }
            if found.is_empty() {
                eprintln!("localfeed: no division matches {query:?}");
                return Ok(ExitCode::from(EXIT_PARTIAL));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn chain_text(c: &Chain) -> String {
    if c.is_empty() {
        return "(no place)".into();
    }
    let code = c.leaf().map(|d| d.code.as_str()).unwrap_or("");
    format!("{} ({code})", c.names().join(" / "))
}

#[derive(Serialize)]
struct JsonPublication {
    name: Option<String>,
    home: Option<Vec<String>>,
    date: Option<String>,
}

#[derive(Serialize)]
struct JsonArticle {
    id: String,
    title: Option<String>,
    kicker: Option<String>,
    subtitle: Option<String>,
    body: String,
    reporters: Vec<String>,
    contributors: Vec<String>,
    date: Option<String>,
    locality: Vec<String>,
    also: Vec<Vec<String>>,
    kind: &'static str,
    /// Why the article was placed where it is (text output only).
    #[serde(skip)]
    evidence: Vec<crate::model::Evidence>,
}

impl JsonArticle {
    /// What `extract` prints of an article placed by `p`.
    fn of(id: String, a: &crate::model::Article, p: &crate::model::Placement) -> Self {
        Self {
            id,
            title: a.title.clone(),
            kicker: a.kicker.clone(),
            subtitle: a.subtitle.clone(),
            body: a.body.clone(),
            reporters: a.reporters.clone(),
            contributors: a.contributors.clone(),
            date: a.date.map(|d| d.to_string()),
            locality: p.primary.names(),
            also: p.also.iter().map(Chain::names).collect(),
            kind: a.kind.as_str(),
            evidence: p.evidence.clone(),
        }
    }
}

#[derive(Serialize)]
struct JsonPage {
    source: String,
    publication: JsonPublication,
    articles: Vec<JsonArticle>,
    boilerplate: Vec<String>,
    /// How the home was read from the page itself, when it was (text output only).
    #[serde(skip)]
    home_found: Option<String>,
}

fn extract_files(
    files: &[PathBuf],
    format: Format,
    hints: &SourceHints,
    source_id: &str,
) -> Result<ExitCode> {
    let gaz = Gazetteer::embedded();
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        let page = match read_page(path, hints, source_id) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("localfeed: {}: {e:#}", shown_path(path));
                failed = true;
                continue;
            }
        };
        let placed = schedule::read_and_place(&page, gaz);
        let json = JsonPage {
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            publication: JsonPublication {
                name: placed.publication.clone(),
                home: placed.home.as_ref().map(Chain::names),
                date: placed.date.map(|d| d.to_string()),
            },
            articles: placed
                .articles
                .iter()
                .map(|(a, p)| JsonArticle::of(crate::model::article_id(&page.source, a), a, p))
                .collect(),
            boilerplate: placed.boilerplate.clone(),
            home_found: placed
                .home_found
                .as_ref()
                .map(|h| format!("{}: {}", h.text, h.note)),
        };
        match format {
            Format::Json => writeln!(out, "{}", serde_json::to_string(&json)?)?,
            Format::Text => write_page_text(&mut out, &json)?,
        }
    }
    Ok(if failed {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

/// `extract --explain` and `--features`: what `show` prints of each file's text (every
/// line with its role and the rule that decided it; the header model's features).
fn explain_files(files: &[PathBuf], show: fn(&str) -> String) -> Result<ExitCode> {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        match read_page(path, &SourceHints::default(), "cli") {
            Ok(page) => {
                writeln!(out, "== {}", path.display())?;
                write!(out, "{}", show(&page.text))?;
            }
            Err(e) => {
                eprintln!("localfeed: {}: {e:#}", path.display());
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_page(path: &Path, hints: &SourceHints, source_id: &str) -> Result<PageText> {
    let bytes = std::fs::read(path).context("cannot read")?;
    let decoded = extract::decode(&bytes)?;
    for w in &decoded.warnings {
        eprintln!("localfeed: {}: warning: {w}", path.display());
    }
    let text = decoded.text;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(PageText {
        source: source_id.to_string(),
        form: InputForm::from_file_name(&name),
        name,
        text,
        hints: hints.clone(),
        seen: None,
    })
}

fn write_page_text(out: &mut impl std::io::Write, page: &JsonPage) -> std::io::Result<()> {
    writeln!(out, "== {}", page.source)?;
    let p = &page.publication;
    writeln!(
        out,
        "publication: {} · home: {} · date: {}",
        p.name.as_deref().unwrap_or("?"),
        p.home
            .as_ref()
            .map(|h| h.join("/"))
            .unwrap_or_else(|| "?".into()),
        p.date.as_deref().unwrap_or("?")
    )?;
    if let Some(h) = &page.home_found {
        writeln!(out, "home read from the page: {h}")?;
    }
    for (i, a) in page.articles.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "#{} [{}] {}",
            i + 1,
            a.kind,
            a.title.as_deref().unwrap_or("(no title)")
        )?;
        write_article_lines(out, a)?;
        let lead: String = a.body.chars().take(80).collect();
        writeln!(out, "   {lead}…")?;
    }
    Ok(())
}

/// An article's headline parts, people, date, place and the reasons for it, one
/// indented line each: what `extract --format text` and `show` print.
fn write_article_lines(out: &mut impl std::io::Write, a: &JsonArticle) -> std::io::Result<()> {
    if let Some(k) = &a.kicker {
        writeln!(out, "   kicker: {k}")?;
    }
    if let Some(s) = &a.subtitle {
        writeln!(out, "   subtitle: {s}")?;
    }
    writeln!(
        out,
        "   date: {} · reporters: {} · contributors: {}",
        a.date.as_deref().unwrap_or("-"),
        a.reporters.join("、"),
        a.contributors.join("、")
    )?;
    writeln!(
        out,
        "   place: {}",
        if a.locality.is_empty() {
            "-".into()
        } else {
            a.locality.join("/")
        }
    )?;
    for c in &a.also {
        writeln!(out, "   also: {}", c.join("/"))?;
    }
    for e in &a.evidence {
        writeln!(
            out,
            "   why: {} [{}] → {}: {}",
            e.text, e.field, e.code, e.note
        )?;
    }
    Ok(())
}

/// A stored time for a person: to the second, in its own offset, with its age.
pub(crate) fn when(t: &DateTime<FixedOffset>, now: &DateTime<FixedOffset>) -> String {
    let secs = (*now - *t).num_seconds();
    let age = match secs.unsigned_abs() {
        0..=59 => format!("{} s", secs.unsigned_abs()),
        60..=5_999 => format!("{} min", secs.unsigned_abs() / 60),
        6_000..=172_799 => format!("{} h", secs.unsigned_abs() / 3_600),
        n => format!("{} days", n / 86_400),
    };
    let rel = if secs >= 0 {
        format!("{age} ago")
    } else {
        format!("in {age}")
    };
    format!("{} ({rel})", t.format("%Y-%m-%d %H:%M:%S %:z"))
}

/// A stored RFC 3339 time for a person (as [`when`]), or the text as stored.
fn when_str(t: &str, now: &DateTime<FixedOffset>) -> String {
    DateTime::parse_from_rfc3339(t).map_or_else(|_| t.to_string(), |t| when(&t, now))
}

fn status(cfg: &Config, config_path: &Path) -> Result<ExitCode> {
    let now = clock::from_env().map_err(anyhow::Error::msg)?.now();
    let state = cfg.state_path();
    let mut out = std::io::stdout().lock();
    writeln!(out, "config: {}", shown_path(config_path))?;
    for s in &cfg.sources {
        let from = match s.origin() {
            Origin::Folder(p) => shown_path(&cfg.resolve(p)),
            Origin::Feed(url) => format!("feed {}", crate::sources::http::shown_url(url)),
            Origin::Urls(_) => "article pages by URL".to_string(),
        };
        writeln!(out, "source {}: {from}", s.id)?;
    }
    writeln!(out, "output: {}", shown_path(&cfg.out_dir()))?;
    if !crate::store::state_exists(&state) {
        writeln!(
            out,
            "state: {} (not created yet: no run so far)",
            shown_path(&state)
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&state)?;
    let c = store.counts()?;
    writeln!(out, "state: {}", crate::store::shown_state(&state))?;
    writeln!(out, "articles: {} in {} places", c.articles, c.places)?;
    let feeds = count_feeds(&cfg.out_dir());
    writeln!(out, "feeds: {feeds} feed folders")?;
    writeln!(
        out,
        "inputs: {} read, {} failed",
        c.inputs_ok, c.inputs_failed
    )?;
    for i in store.inputs()?.iter().filter(|i| i.status == "failed") {
        writeln!(
            out,
            "  failed: {} ({} attempt(s)): {}",
            shown(&format!("{}/{}", i.source, i.name)),
            i.attempts,
            i.error.as_deref().unwrap_or("")
        )?;
    }
    for line in source_cmds::failing_lines(&store)? {
        writeln!(out, "{line}")?;
    }
    for line in digest_cmds::status_lines(&store, &now)? {
        writeln!(out, "{line}")?;
    }
    match store.last_run()? {
        Some(r) => writeln!(
            out,
            "last run: #{} {} started {}, finished {}: {} file(s) read, {} new, {} failed, {} article(s) changed, {} file(s) written, {} digest(s)",
            r.id,
            r.status,
            when_str(&r.started, &now),
            r.finished
                .as_deref()
                .map_or_else(|| "-".to_string(), |f| when_str(f, &now)),
            r.files_read,
            r.files_new,
            r.files_failed,
            r.articles_changed,
            r.feeds_written,
            r.digests_sent
        )?,
        None => writeln!(out, "last run: none")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn count_feeds(out: &Path) -> usize {
    std::fs::read_dir(out)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().join("atom.xml").is_file())
                .count()
        })
        .unwrap_or(0)
}
