//! Temporary scorer driver for the extract stage (removed before merge).
use localfeed::extract::{decode::decode, extract};
use localfeed::model::{InputForm, PageText, SourceHints};

fn main() {
    let path = std::env::args().nth(1).expect("path");
    let bytes = std::fs::read(&path).expect("read");
    let text = decode(&bytes).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let name = std::path::Path::new(&path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let page = PageText {
        source: "dev".into(),
        name: name.clone(),
        text,
        form: InputForm::from_file_name(&name),
        hints: SourceHints::default(),
    };
    let ex = extract(&page);
    let arts: Vec<serde_json::Value> = ex
        .articles
        .iter()
        .map(|a| {
            serde_json::json!({
                "title": a.title, "kicker": a.kicker, "subtitle": a.subtitle, "body": a.body,
                "reporters": a.reporters, "contributors": a.contributors, "date": a.date,
                "locality": [], "also": [], "kind": a.kind.as_str()
            })
        })
        .collect();
    let out = serde_json::json!({"source": name, "publication": {"name": ex.publication.name, "home": null, "date": ex.publication.date, "home_text": ex.publication.home}, "articles": arts, "boilerplate": ex.boilerplate});
    println!("{}", serde_json::to_string(&out).unwrap());
}
