//! Placement accuracy on the sample corpus (`../shared/corpus`) and on our own held-out
//! pages (`tests/fixtures/heldout`): articles are rebuilt from the gold (headline lines,
//! body cut from the page text between one gold lead and the next), placed with the home
//! the page itself prints (masthead sponsor line, paper name, dateline city, read by
//! `resolve_home`; never the gold's home), and compared with the gold locality.

use std::collections::HashMap;
use std::path::Path;

use localfeed::locate::{Context, Gazetteer, locate, resolve_home};
use localfeed::model::{Article, Chain, Kind};
use regex::Regex;
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
const HELDOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/heldout");

fn corpus() -> Option<&'static Path> {
    let p = Path::new(CORPUS);
    if p.join("gold").is_dir() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{CORPUS} is missing, and CI is set");
    }
    eprintln!("SKIP: {CORPUS} is absent; the corpus placement test did not run");
    None
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The chain down to the county level, as the scorer counts it.
fn county_prefix(chain: &[String]) -> Vec<String> {
    let flat = chain
        .first()
        .is_some_and(|p| ["北京市", "天津市", "上海市", "重庆市"].contains(&p.as_str()))
        || chain
            .get(1)
            .is_some_and(|c| ["东莞市", "中山市", "儋州市", "嘉峪关市"].contains(&c.as_str()));
    chain
        .iter()
        .take(if flat { 2 } else { 3 })
        .cloned()
        .collect()
}

/// A page's text: UTF-8, or GB18030 when it is not.
fn read_page(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
    }
}

/// The home a page prints: the sponsor on a masthead line (主办/主管), else the paper's
/// name (a short line near the top, or the name before 记者 in a byline), else the city
/// most datelines name. Each candidate string goes through `resolve_home`.
fn printed_home(page: &str, gaz: &Gazetteer) -> Option<Chain> {
    let sponsor = Regex::new(r"(?:主办|主辦|主管)").unwrap();
    for line in page.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() <= 60
            && sponsor.is_match(line)
            && !line.contains('讯')
            && !line.contains('訊')
            && let Some(h) = resolve_home(line, gaz)
        {
            return Some(h);
        }
    }
    let paper = Regex::new(r"^\p{Han}{2,8}(?:报|報)$").unwrap();
    let byline_paper = Regex::new(
        r"[(（](\p{Han}{2,8}?(?:日报|日報|晚报|晚報|时报|時報|新报|都市报|报|報))(?:全媒体)?记者",
    )
    .unwrap();
    let name = page
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(6)
        .find(|l| paper.is_match(l))
        .map(str::to_string)
        .or_else(|| {
            byline_paper
                .captures(page)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string())
        });
    let dateline =
        Regex::new(r"本[报報](\p{Han}{2,6}?)\d{0,2}月?\d{0,2}日?(?:讯|訊|电|電)").unwrap();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in dateline.captures_iter(page) {
        if let Some(m) = c.get(1) {
            *counts.entry(m.as_str()).or_default() += 1;
        }
    }
    let mut places: Vec<(&str, usize)> = counts.into_iter().collect();
    places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    name.and_then(|n| resolve_home(&n, gaz))
        .or_else(|| places.first().and_then(|(p, _)| resolve_home(p, gaz)))
}

/// Places every gold article of a set; returns (articles, county right, exact right).
fn score(dir: &Path, label: &str) -> (usize, usize, usize) {
    let gaz = Gazetteer::embedded();
    let mut golds: Vec<_> = std::fs::read_dir(dir.join("gold"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    golds.sort();
    let (mut n, mut county, mut exact) = (0usize, 0usize, 0usize);
    for g in golds {
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(&g).unwrap()).unwrap();
        let page_name = gold["source"].as_str().unwrap();
        let page = read_page(&dir.join("pages").join(page_name));
        let home = printed_home(&page, gaz);
        eprintln!(
            "{label} {page_name}: printed home {:?}",
            home.as_ref().map(Chain::names)
        );
        let ctx = Context {
            home: home.as_ref(),
            publication: None,
        };
        let arts = gold["articles"].as_array().unwrap();
        let mut starts: Vec<usize> = arts
            .iter()
            .map(|a| {
                page.find(a["lead"].as_str().unwrap())
                    .expect("lead on page")
            })
            .collect();
        starts.push(page.len());
        let mut sorted = starts.clone();
        sorted.sort();
        for (i, a) in arts.iter().enumerate() {
            let start = starts[i];
            let end = sorted
                .iter()
                .copied()
                .find(|&s| s > start)
                .unwrap_or(page.len());
            let art = Article {
                title: opt(a, "title"),
                kicker: opt(a, "kicker"),
                subtitle: opt(a, "subtitle"),
                body: page[start..end].to_string(),
                reporters: vec![],
                contributors: vec![],
                photographers: vec![],
                date: None,
                kind: Kind::News,
                url: None,
                place_hint: None,
                opener: localfeed::extract::opener(&page[start..end]),
            };
            let want = names(&a["locality"]);
            let got = locate(&art, &ctx, gaz).primary.names();
            n += 1;
            let c = county_prefix(&want) == county_prefix(&got);
            let e = want == got;
            county += c as usize;
            exact += e as usize;
            if !e {
                eprintln!("MISS {label} {page_name} #{i}: want {want:?} got {got:?}");
            }
        }
    }
    (n, county, exact)
}

fn check(dir: &Path, label: &str) {
    let (n, county, exact) = score(dir, label);
    let (c, e) = (county as f64 / n as f64, exact as f64 / n as f64);
    eprintln!("{label} placement: {n} articles, county {c:.3}, exact {e:.3}");
    assert!(c >= 0.96, "{label}: county accuracy {c:.3} < 0.96");
    assert!(e >= 0.92, "{label}: exact accuracy {e:.3} < 0.92");
}

#[test]
fn corpus_placement_meets_the_bar() {
    let Some(dir) = corpus() else { return };
    check(dir, "corpus");
}

#[test]
fn heldout_placement_meets_the_bar() {
    check(Path::new(HELDOUT), "heldout");
}
