//! Helpers for the extract tests: a fixture page of `tests/fixtures/extract` read, decoded
//! and extracted as the program does, and ways to look at the result.

use chrono::NaiveDate;
use localfeed::extract::{decode, extract};
use localfeed::model::{Article, Extraction, InputForm, PageText, SourceHints};

/// The bytes of a fixture file.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = super::repo().join("tests/fixtures/extract").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Extracts a fixture file with the given source hints.
pub fn run_named(name: &str, hints: SourceHints) -> Extraction {
    let text = decode(&fixture(name)).unwrap().text;
    extract(&PageText {
        source: "test".into(),
        name: name.into(),
        text,
        form: InputForm::from_file_name(name),
        hints,
        seen: None,
    })
}

/// Extracts a fixture file without hints.
pub fn run(name: &str) -> Extraction {
    run_named(name, SourceHints::default())
}

/// The titles of the articles, in order (empty for none).
pub fn titles(ex: &Extraction) -> Vec<String> {
    ex.articles
        .iter()
        .map(|a| a.title.clone().unwrap_or_default())
        .collect()
}

/// The article with this title.
pub fn find<'a>(ex: &'a Extraction, title: &str) -> &'a Article {
    ex.articles
        .iter()
        .find(|a| a.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no article {title:?} in {:?}", titles(ex)))
}

/// A date, `None` when it does not exist.
pub fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}
