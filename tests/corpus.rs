//! The shared sample corpus (`../shared/corpus`), used by path: `extract` prints the JSON
//! contract of `score-extract` for every page, and a run over the pages publishes them.
//! Skips with a visible message when `../shared` is absent; fails when `CI` is set.

mod common;

use common::{Sandbox, shared, stderr, stdout};

fn pages() -> Option<Vec<std::path::PathBuf>> {
    let shared = shared()?;
    let mut v: Vec<_> = std::fs::read_dir(shared.join("corpus/pages"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no pages in ../shared/corpus/pages");
    Some(v)
}

#[test]
fn extract_prints_the_scorer_contract_for_every_corpus_page() {
    let Some(pages) = pages() else { return };
    let s = Sandbox::empty();
    let mut args = vec!["extract".to_string(), "--format".into(), "json".into()];
    args.extend(pages.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = s.run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), pages.len(), "one JSON line per page");
    for (line, page) in lines.iter().zip(&pages) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["source"], page.file_name().unwrap().to_str().unwrap());
        for key in ["name", "home", "date"] {
            assert!(
                v["publication"].get(key).is_some(),
                "publication.{key} missing"
            );
        }
        let articles = v["articles"].as_array().unwrap();
        assert!(!articles.is_empty(), "{}: no article", page.display());
        for a in articles {
            for key in [
                "title",
                "kicker",
                "subtitle",
                "body",
                "reporters",
                "contributors",
                "date",
                "locality",
                "also",
                "kind",
            ] {
                assert!(
                    a.get(key).is_some(),
                    "{}: article without {key}",
                    page.display()
                );
            }
            assert!(["news", "photo", "opinion", "notice"].contains(&a["kind"].as_str().unwrap()));
            assert!(a["locality"].is_array() && a["also"].is_array());
            assert!(!a["body"].as_str().unwrap().trim().is_empty());
        }
    }
}

#[test]
fn a_run_over_the_corpus_publishes_every_page() {
    let Some(pages) = pages() else { return };
    let s = Sandbox::examples();
    for p in &pages {
        std::fs::create_dir_all(s.path().join("corpus")).unwrap();
        std::fs::copy(p, s.path().join("corpus").join(p.file_name().unwrap())).unwrap();
    }
    let o = s.run(&["run", "--inbox", "corpus", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "{} file(s) read, {} new or changed, 0 failed",
            pages.len(),
            pages.len()
        )),
        "{}",
        stderr(&o)
    );
    let all = s.read("out/all/atom.xml");
    assert!(
        all.matches("<entry>").count() >= 10,
        "too few entries in the all feed"
    );
    // Every corpus page is from Shandong or Anhui: their province feeds exist.
    assert!(s.path().join("out/37/rss.xml").is_file());
}
