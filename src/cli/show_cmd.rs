//! `localfeed show ARTICLE-ID`: what was read of one stored article and where it was
//! placed and why, from the store alone (nothing is read again, nothing is written).

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use chrono::SecondsFormat;
use serde::Serialize;

use crate::config::{Config, Origin};
use crate::model::{Article, Placement, StoredArticle, shown_path};
use crate::store::Store;

use super::{EXIT_PARTIAL, Format, JsonArticle, chain_text, write_article_lines};

/// The JSON form: the stored article as it is, with where it came from and its times.
#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    source: &'a str,
    input: &'a str,
    /// The input file, when its source is a configured folder.
    file: Option<String>,
    url: Option<&'a str>,
    publication: Option<&'a str>,
    published: String,
    first_seen: String,
    updated: String,
    article: &'a Article,
    placement: &'a Placement,
    /// The story this article is a printing of, when another article leads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    story: Option<String>,
    /// The other printings of the story this article leads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    printings: Vec<String>,
    /// The editor's override (`localfeed fix`), applied over what was read.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    fix: Option<crate::model::Override>,
}

/// Prints the stored article `id` in `format`; exit status 1, and a message naming the id
/// and the state file, when no stored article has that id.
pub(super) fn show(cfg: &Config, id: &str, format: Format) -> Result<ExitCode> {
    let state = cfg.state_path();
    let store = if crate::store::state_exists(&state) {
        Some(Store::open(&state)?)
    } else {
        None
    };
    let found = match &store {
        Some(s) => s.article(id)?,
        None => None,
    };
    let Some(a) = found else {
        eprintln!(
            "localfeed: show: no stored article has the id {id:?} (state {}{})",
            shown_path(&state),
            if state.exists() {
                ""
            } else {
                ": not created yet, no run so far"
            }
        );
        return Ok(ExitCode::from(EXIT_PARTIAL));
    };
    let file = cfg
        .sources
        .iter()
        .find(|s| s.id == a.source)
        .and_then(|s| match s.origin() {
            Origin::Folder(p) => Some(shown_path(&cfg.resolve(p).join(&a.input))),
            _ => None,
        });
    let (story, printings, fix) = match &store {
        Some(s) => (
            s.story_of(id)?,
            s.printings_of(id)?,
            s.override_of(id)?.map(|o| o.fix),
        ),
        None => (None, Vec::new(), None),
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let time = |t: &chrono::DateTime<chrono::FixedOffset>| {
                t.to_rfc3339_opts(SecondsFormat::Secs, false)
            };
            let shown = Shown {
                id: &a.id,
                source: &a.source,
                input: &a.input,
                file,
                url: a.article.url.as_deref(),
                publication: a.publication.as_deref(),
                published: time(&a.published()),
                first_seen: time(&a.first_seen),
                updated: time(&a.updated),
                article: &a.article,
                placement: &a.placement,
                story,
                printings,
                fix,
            };
            writeln!(out, "{}", serde_json::to_string(&shown)?)?;
        }
        Format::Text => {
            write_text(&mut out, &a, file.as_deref())?;
            if let Some(s) = story {
                writeln!(
                    out,
                    "story: a printing of {s} (published as that article's item)"
                )?;
            }
            if !printings.is_empty() {
                writeln!(out, "also printed as: {}", printings.join(", "))?;
            }
            if let Some(f) = fix {
                writeln!(
                    out,
                    "override: {} (set {}; localfeed fix {} --undo restores what was read)",
                    super::fix_cmd::describe(&f),
                    f.set.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    a.id
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_text(
    out: &mut impl std::io::Write,
    a: &StoredArticle,
    file: Option<&str>,
) -> std::io::Result<()> {
    let art = &a.article;
    writeln!(out, "article {}", a.id)?;
    writeln!(out, "source: {} · input: {}", a.source, a.input)?;
    if let Some(f) = file {
        writeln!(out, "file: {f}")?;
    }
    if let Some(u) = &art.url {
        writeln!(out, "url: {u}")?;
    }
    writeln!(
        out,
        "publication: {}",
        a.publication.as_deref().unwrap_or("?")
    )?;
    writeln!(
        out,
        "published: {} · first seen: {} · updated: {}",
        a.published().to_rfc3339(),
        a.first_seen.to_rfc3339(),
        a.updated.to_rfc3339()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "[{}] {}",
        art.kind.as_str(),
        art.title.as_deref().unwrap_or("(no title)")
    )?;
    write_article_lines(out, &JsonArticle::of(a.id.clone(), art, &a.placement))?;
    writeln!(out, "   placed in: {}", chain_text(&a.placement.primary))?;
    let lead: String = art.body.chars().take(80).collect();
    writeln!(out, "   {lead}…")?;
    Ok(())
}
