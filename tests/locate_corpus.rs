//! Placement accuracy on the sample corpus (`../shared/corpus`): articles are rebuilt from
//! the gold (headline lines, body cut from the page text between one gold lead and the
//! next), placed with the page's home as context, and compared with the gold locality.

use std::path::Path;

use localfeed::locate::{Context, Gazetteer, locate};
use localfeed::model::{Article, Kind};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

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
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
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
    chain.iter().take(if flat { 2 } else { 3 }).cloned().collect()
}

#[test]
fn corpus_placement_meets_the_bar() {
    let Some(dir) = corpus() else { return };
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
        let page = std::fs::read_to_string(dir.join("pages").join(page_name)).unwrap();
        let home_names = names(&gold["publication"]["home"]);
        let home = (!home_names.is_empty()).then(|| gaz.resolve(&home_names.concat())).flatten();
        let ctx = Context { home: home.as_ref(), publication: None };
        let arts = gold["articles"].as_array().unwrap();
        let mut starts: Vec<usize> = arts
            .iter()
            .map(|a| page.find(a["lead"].as_str().unwrap()).expect("lead on page"))
            .collect();
        starts.push(page.len());
        let mut sorted = starts.clone();
        sorted.sort();
        for (i, a) in arts.iter().enumerate() {
            let start = starts[i];
            let end = sorted.iter().copied().find(|&s| s > start).unwrap_or(page.len());
            let art = Article {
                title: opt(a, "title"),
                kicker: opt(a, "kicker"),
                subtitle: opt(a, "subtitle"),
                body: page[start..end].to_string(),
                reporters: vec![],
                contributors: vec![],
                date: None,
                kind: Kind::News,
                url: None,
                place_hint: None,
            };
            let want = names(&a["locality"]);
            let got = locate(&art, &ctx, gaz).primary.names();
            n += 1;
            let c = county_prefix(&want) == county_prefix(&got);
            let e = want == got;
            county += c as usize;
            exact += e as usize;
            if !e {
                eprintln!("MISS {page_name} #{i}: want {want:?} got {got:?}");
            }
        }
    }
    let (c, e) = (county as f64 / n as f64, exact as f64 / n as f64);
    eprintln!("corpus placement: {n} articles, county {c:.3}, exact {e:.3}");
    assert!(c >= 0.96, "county accuracy {c:.3} < 0.96");
    assert!(e >= 0.92, "exact accuracy {e:.3} < 0.92");
}
