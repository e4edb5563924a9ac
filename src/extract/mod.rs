//! The `extract` stage: from the decoded text of one input file to articles.
//!
//! Owns: reading e-paper page text (several articles, mastheads, furniture) and
//! single-article files (plain text, Markdown with front matter, HTML) into an
//! [`Extraction`]: each article's headline parts, body, bylines, date and kind, the
//! publication's name, home and issue date, and the furniture left out.
//! Must not touch: files, the clock, the store, the gazetteer (places stay strings;
//! `locate` resolves them), or any other stage.
//!
//! # Parts, each named by the question it answers
//!
//! | part | question |
//! | --- | --- |
//! | `text` | bytes to text (`decode`), text repair (`clean`), each line's matching key and full-width digits (`fold`), the marks and length of a line read once (`shape`), shared word lists (`words`) |
//! | `read` | what does a string say with no page around it? datelines, bylines, dates, furniture, openers, labels |
//! | `line` | what a line is: `Line { text, key, gap, role, because, dateline, under_meta }`, `Role`, `Opener` |
//! | `roles` | what is each line of a page? the first look, the block passes, then the rule table |
//! | `articles` | which lines go together? anchors, headline blocks, photo items, bodies |
//! | `fields` | what is in one article? headline parts, people, date, kind, body |
//! | `masthead` | which publication is this? name, printed home, issue date, page year |
//! | `single` | single-article files: Markdown, HTML, plain text |
//!
//! **One matching key per line.** Every line gets a key when the page is cut into lines
//! (`roles::units_before`): its text with traditional characters folded to simplified
//! ones, each at the byte offset it has in the text (`text::fold`). Rules that match
//! words read the key, so every word list holds simplified forms only; what an article
//! prints (headline, names, places, body) is cut from the text at the offsets found in
//! the key. Text made outside a page's lines (a single-article file's paragraph, an
//! article's assembled title or a byline) is folded where it is read, with
//! `text::fold::key_of`.
//!
//! Parts import only parts above them in this table (`tests/extract_layers.rs` checks
//! that no two files of `extract` import each other, directly or round a loop).
//!
//! # Line roles and the rules that decide them
//!
//! `localfeed extract --explain FILE` prints every line with its role and the name of the
//! rule that decided it. In the order they run:
//!
//! 1. **First look** (`roles::first_look`, the line's text alone; first match wins):
//!    `dateline`, `opening-byline`, `compiled-item`, `wire-message`, `joined-outlets`
//!    (the `Opener`s read from the text, in that order), `furniture`,
//!    `photo-credit`, `byline`, `picture-column-label`, `author-line`, `bracketed-names`,
//!    `marked-headline`, `marked-brief`, `headline-shape`, `running-text`; a credit split
//!    off the end of a caption is `closing-credit`, and the text a picture's file name
//!    was glued to is `caption-after-file-name`.
//! 2. **Block passes** (`roles`, in this order): `furniture-neighbour` (two rounds),
//!    `masthead-name`, `table-row`, then `broken-headline` (two headline lines joined).
//! 3. **The rule table** (`roles::rules::PASSES`): passes in order, each walking the lines
//!    and giving a line the role of its first rule that applies; a later pass sees the
//!    roles the earlier ones gave.
//!    - neighbours: `page-navigation`, `brief-column-label`, `notice-salutation`,
//!      `author-note`, `pen-name`;
//!    - interviews and credits: `interview-subtitle`, `interview-question`,
//!      `bracketed-page-number`, `office-credit`;
//!    - letters: `service-box-line`, `letter-salutation` (a letter opens at its
//!      salutation), `letter-column-label`, `reader-signature`;
//!    - pages copied from news sites, line shapes (`read::web`): `markup-debris`,
//!      `figures-only`, `breadcrumb-trail`, `label-values`, `time-stamp`, `weather-box`,
//!      `dash-wrapped-label`, `bracket-label`, dated-labels (a byline or author
//!      line that is CMS metadata with a date; no fixture page reaches it yet),
//!      `text-size-switch`, `neighbour-link`, `share-widget`, `story-pager`,
//!      `image-file-name`;
//!    - news-site blocks, each a pass reading the whole page: `digest-list`,
//!      `teaser-block`, `dated-items` (a log of dated paragraphs, each an item),
//!      `closing-notice`, `footer-notices` (the rights, licence and phone lines of a
//!      site's footer under the story's closing furniture);
//!    - a web story's headline block: `page-title-repeated`, `roleless-byline`;
//!    - `header-score`: a linear model fitted to the gold of our development
//!      pages (`roles::header`, weights in `data/header-model.json`, fitted by
//!      `scripts/fit-header-model.py`) scores each headline-like line and short
//!      paragraph above the page's first text, and makes furniture those it scores
//!      under its threshold (a welcome line, a menu, a share button, a teaser);
//!      `extract --features` prints what it reads of each line and the score;
//!    - after the model, labelled header lines it is not fitted on (the passes before
//!      it give its training roles; these leave them be): `labelled-menu` (a menu under
//!      its label), `summary-under-headline` (the site's `提要：` summary of the story);
//!      then `digest-over-dated-items` (a newsletter's headlines and its column's label
//!      over a log of dated items) and `dated-items` again, for the log they hid.
//! 4. **Order** (`articles::web_header`): a picture between a web story's headline block
//!    and its opener moves under the opening paragraph, and furniture between them (or a
//!    story stamp between the title and its subtitle) above the block; `--explain` prints
//!    the lines in that order.
//! 5. **Pieces** (`articles::PASSES`): which lines go together, in named passes over one
//!    `Claims` value: anchors, photo strips, photo items, headlines over anchors, bare
//!    headline blocks, bodies, text above the first article.
//!
//! A new rule is one entry in the pass whose roles it needs, with a test of its name in
//! `tests/extract_roles.rs`.

mod articles;
mod fields;
mod line;
mod masthead;
mod read;
mod roles;
mod single;
#[cfg(test)]
mod tests;
mod text;

pub use self::text::decode::{DecodeError, DecodeWarning, Decoded, decode, decode_declared};

use crate::model::{Extraction, InputForm, PageText};

use self::line::Role;

/// Reads the articles out of one input file: what the input itself says (a source's
/// configured hints are applied by `schedule`). Pure; never panics on any text.
pub fn extract(page: &PageText) -> Extraction {
    let text = text::clean::clean_cow(&page.text);
    let _simplified = text::fold::SimplifiedText::enter(&text);
    let mut ex = match page.form {
        InputForm::Markdown => single::markdown(&text),
        InputForm::Html => single::html(&text),
        InputForm::Page | InputForm::Text => {
            let ex = page_of_clean_text(&text);
            if ex.articles.is_empty() {
                single::plain(&text, ex)
            } else {
                ex
            }
        }
    };
    // the source's configured publication and home are the orchestrator's to apply: the
    // publication here is what the input itself says
    if let Some(seen) = page.seen {
        date_by_seen(&mut ex, seen);
    }
    ex
}

/// An article still undated (its page prints no issue date and no year) whose text opens
/// with a month and day, in its dateline (`本报青山7月23日讯`) or as the first words after
/// it (`本报讯（记者 王英）7月23日，…`): the date that day names on or before the day the
/// input was first seen.
fn date_by_seen(ex: &mut Extraction, seen: chrono::NaiveDate) {
    for a in ex.articles.iter_mut().filter(|a| a.date.is_none()) {
        let first = a.body.split("\n\n").next().unwrap_or("");
        let month_day = match read::dateline::parse(first) {
            Some(d) => d
                .month_day
                .or_else(|| first.get(d.len..).and_then(read::dates::lead_month_day)),
            None => read::dates::lead_month_day(first),
        };
        a.date = month_day.and_then(|md| read::dateline::seen_date(md, seen));
    }
}

/// The dateline opening a text (`本报青山讯（记者 甲乙）`), read as `extract` reads an
/// article's first paragraph, for callers placing a text that did not come through
/// extraction (`localfeed locate TEXT`, placement over gold bodies). Its length counts
/// bytes of `text`.
pub fn opener(text: &str) -> Option<crate::model::Opener> {
    read::dateline::parse(text).map(|d| d.opener())
}

/// Reads a page of text into articles (no source hints applied).
pub fn extract_page(text: &str) -> Extraction {
    let clean = text::clean::clean_cow(text);
    let _simplified = text::fold::SimplifiedText::enter(&clean);
    page_of_clean_text(&clean)
}

/// Every line of a page as `extract` reads it, one per line: its number, its role, the
/// name of the rule that decided the role, and its text (`--explain`).
pub fn explain(text: &str) -> String {
    let clean = text::clean::clean_cow(text);
    let _simplified = text::fold::SimplifiedText::enter(&clean);
    let mut out = String::new();
    for (i, l) in lines_of(&clean).iter().enumerate() {
        out.push_str(&format!(
            "{:>4}  {:<17} {:<22} {}\n",
            i + 1,
            l.role.name(),
            l.because,
            l.text
        ));
    }
    out
}

/// For each headline-like line above the first text of a page, what the header model
/// reads of it (`extract --features`): one JSON object a line with the line's number, its
/// text and its features by name, computed before the model's own pass.
pub fn header_features(text: &str) -> String {
    let clean = text::clean::clean_cow(text);
    let _simplified = text::fold::SimplifiedText::enter(&clean);
    let lines = roles::units_before(&clean, Some(roles::rules::HEADER_SCORE));
    let mut out = String::new();
    for (i, f) in roles::header::described(&lines) {
        let features: serde_json::Map<String, serde_json::Value> = roles::header::FEATURES
            .iter()
            .zip(f)
            .map(|(name, x)| ((*name).to_string(), serde_json::json!(x)))
            .collect();
        let score = roles::header::model().map(|m| roles::header::score(m, &f));
        let row = serde_json::json!({
            "line": i + 1,
            "text": lines.get(i).map_or("", |u| u.text.as_str()),
            "features": features,
            "score": score,
        });
        out.push_str(&row.to_string());
        out.push('\n');
    }
    out
}

/// The lines of a page with their roles, in the order articles are read from (a web
/// story's headline block set next to its text).
fn lines_of(clean: &str) -> Vec<line::Line> {
    articles::web_header::reorder(roles::units(clean))
}

/// [`extract_page`] on text `crate::extract::text::clean::clean_chars` has already cleaned.
fn page_of_clean_text(clean: &str) -> Extraction {
    let units = lines_of(clean);
    let pieces = articles::pieces(&units);

    let mut publication = masthead::printed(&units);
    let mut boiler: Vec<String> = Vec::new();
    let page_year = masthead::page_year(clean, &units);

    let mut claimed = vec![false; units.len()];
    // the hashes of the paragraphs read so far (`text::clean::dedup_paragraphs`): the
    // keys are hashes already, kept in a set that does not hash them again at length
    let mut seen = rustc_hash::FxHashSet::default();
    let mut articles = Vec::with_capacity(pieces.len());
    let mut found = fields::Found::default();
    for p in &pieces {
        for &k in p
            .headline
            .iter()
            .chain(&p.body)
            .chain(&p.captions)
            .chain(&p.bylines)
            .chain(std::iter::once(&p.anchor))
        {
            if let Some(c) = claimed.get_mut(k) {
                *c = true;
            }
        }
        if let Some(a) = fields::build(
            &units,
            p,
            publication.date,
            page_year,
            &mut seen,
            &mut found,
        ) {
            articles.push(a);
        }
    }
    if publication.name.is_none() {
        publication.name = found.papers.into_iter().next();
    }
    masthead::complete(&mut publication, &units, &claimed, &found.places);
    for (i, u) in units.iter().enumerate() {
        if !claimed.get(i).copied().unwrap_or(false) || u.role == Role::Furniture {
            boiler.push(u.text.clone());
        }
    }
    Extraction {
        publication,
        articles,
        boilerplate: boiler,
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    /// Issue 14.6: a page of 100,000 dateline lines is read in one pass (it took 200 s);
    /// every line is an article and the home is the place most datelines print.
    #[test]
    fn a_page_of_a_hundred_thousand_datelines_is_read() {
        let places = ["青山", "白河", "石门", "青山", "东湖"];
        let mut page = String::from("青山日报\n\n");
        for i in 0..100_000 {
            let place = places[i % places.len()];
            page.push_str(&format!(
                "本报{place}{}月{}日讯 第{i}号工地今天完工,工人们陆续撤场。\n",
                i % 12 + 1,
                i % 28 + 1
            ));
        }
        let ex = extract_page(&page);
        assert_eq!(ex.articles.len(), 100_000);
        assert_eq!(ex.publication.home.as_deref(), Some("青山"));
    }
}
