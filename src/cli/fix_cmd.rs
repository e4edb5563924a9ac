//! `localfeed fix ARTICLE-ID --place CODE|--title …|--date …|--hide`, `fix --list`,
//! `fix ARTICLE-ID --undo`: an editor's corrections of stored articles, kept in the store
//! apart from what was extracted (see `model::Override`); the next run publishes them.

use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;

use crate::clock;
use crate::config::Config;
use crate::locate::Gazetteer;
use crate::model::{Override, Placement, shown_path};
use crate::store::{OverrideRecord, Store};

use super::{EXIT_ERROR, EXIT_PARTIAL, chain_text};

/// What `fix` was asked to do.
#[derive(Debug, Default)]
pub(super) struct FixRequest {
    /// The article (not needed with `--list`).
    pub(super) id: Option<String>,
    /// `--place`: a division code or name.
    pub(super) place: Option<String>,
    /// `--title`.
    pub(super) title: Option<String>,
    /// `--date`, `YYYY-MM-DD`.
    pub(super) date: Option<String>,
    /// `--hide`.
    pub(super) hide: bool,
    /// `--undo`.
    pub(super) undo: bool,
    /// `--list`.
    pub(super) list: bool,
}

fn usage(msg: &str) -> Result<ExitCode> {
    eprintln!("localfeed: fix: {msg}");
    Ok(ExitCode::from(EXIT_ERROR))
}

/// Runs `fix`: exit 0 when done, 1 when the article is not stored (or has no override to
/// undo), 2 for a request that cannot be carried out (an unknown place, a bad date).
pub(super) fn fix(cfg: &Config, req: FixRequest) -> Result<ExitCode> {
    let state = cfg.state_path();
    if req.list {
        if !crate::store::state_exists(&state) {
            println!("no overrides (no run so far: {})", shown_path(&state));
            return Ok(ExitCode::SUCCESS);
        }
        return list(&Store::open(&state)?);
    }
    let Some(id) = req.id.as_deref() else {
        return usage(
            "name the article: localfeed fix ARTICLE-ID --place …|--title …|--date …|--hide|--undo, or fix --list",
        );
    };
    let changes = req.place.is_some() || req.title.is_some() || req.date.is_some() || req.hide;
    if req.undo && changes {
        return usage("--undo removes the whole override; give it alone");
    }
    if !req.undo && !changes {
        return usage(
            "say what to fix: --place CODE, --title TEXT, --date YYYY-MM-DD or --hide (or --undo)",
        );
    }
    let not_stored = || {
        eprintln!(
            "localfeed: fix: no stored article has the id {id:?} (state {})",
            shown_path(&state)
        );
        Ok(ExitCode::from(EXIT_PARTIAL))
    };
    if !state.exists() {
        return not_stored();
    }
    let mut store = Store::open(&state)?;
    if store.article(id)?.is_none() {
        return not_stored();
    }
    if req.undo {
        if store.remove_override(id)? {
            println!("override of {id} removed: the next run publishes what was extracted");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("localfeed: fix: article {id} has no override to undo");
        return Ok(ExitCode::from(EXIT_PARTIAL));
    }
    let old = store.override_of(id)?;
    let mut fix = old.as_ref().map(|o| o.fix.clone()).unwrap_or_default();
    let mut codes = old.and_then(|o| o.codes);
    if let Some(t) = &req.title {
        let t = t.trim();
        if t.is_empty() || t.chars().any(char::is_control) {
            return usage("--title needs a headline on one line");
        }
        fix.title = Some(t.to_string());
    }
    if let Some(d) = &req.date {
        match NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
            Ok(d) => fix.date = Some(d),
            Err(_) => return usage(&format!("--date {d:?} is not a date like 2024-07-23")),
        }
    }
    if let Some(p) = &req.place {
        match Gazetteer::embedded().lookup(p) {
            Ok(chain) => {
                codes = Some(
                    Placement {
                        primary: chain.clone(),
                        ..Placement::default()
                    }
                    .feed_codes(false),
                );
                fix.place = Some(chain);
            }
            Err(e) => return usage(&format!("--place: {e}")),
        }
    }
    fix.hide |= req.hide;
    let now = clock::from_env().map_err(anyhow::Error::msg)?.now();
    store.set_override(id, &fix, codes.as_deref(), &now)?;
    println!("{id}: {} (published on the next run)", describe(&fix));
    Ok(ExitCode::SUCCESS)
}

/// The override in words, as `fix`, `fix --list` and `show` print it.
pub(super) fn describe(fix: &Override) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &fix.title {
        parts.push(format!("title {t:?}"));
    }
    if let Some(d) = fix.date {
        parts.push(format!("date {d}"));
    }
    if let Some(c) = &fix.place {
        parts.push(format!("place {}", chain_text(c)));
    }
    if fix.hide {
        parts.push("hidden".to_string());
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join(", ")
    }
}

fn list(store: &Store) -> Result<ExitCode> {
    let mut all: Vec<OverrideRecord> = store.overrides()?.into_values().collect();
    all.sort_by(|a, b| a.article_id.cmp(&b.article_id));
    if all.is_empty() {
        println!("no overrides");
    }
    for o in all {
        let read = store
            .article(&o.article_id)?
            .map(|a| a.article.display_title())
            .unwrap_or_else(|| "(no longer stored)".into());
        println!(
            "{}  {}  (set {}; extracted headline {read:?})",
            o.article_id,
            describe(&o.fix),
            o.set_at.to_rfc3339()
        );
    }
    Ok(ExitCode::SUCCESS)
}
