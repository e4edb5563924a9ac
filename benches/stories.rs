//! How well `stories::find` tells reprints from different stories, on a labelled set:
//! generated pages with planted reprints (`benches/stories/make_pages.py --reprints`,
//! whose truth file names every article's story), the real pages of the corpora (each
//! article its own story), and our own rewrites of those real articles (another dateline,
//! a sentence cut, the closing paragraph dropped: the same story). Prints the set's size
//! and the pairwise precision and recall at the shipped thresholds, or over a grid
//! (`--sweep`), and the time `find` took. Each generated file is read as a run reading
//! pages as they are issued would: first seen at its mtime (its issue date), which also
//! gives a dateline's 月日 its year.
//!
//! ```text
//! python3 benches/stories/make_pages.py --pages 2000 --seed 7 --reprints 0.3 \
//!     --out /tmp/sb/inbox --truth /tmp/sb/truth.tsv
//! cargo bench --bench stories -- --inbox /tmp/sb/inbox --truth /tmp/sb/truth.tsv \
//!     --corpus ../shared/corpus/pages --corpus ../shared/corpus-web/pages \
//!     --corpus tests/fixtures/real --corpus tests/fixtures/real-test [--sweep]
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use localfeed::locate::Gazetteer;
use localfeed::model::{
    Article, InputForm, PageText, Placement, SourceHints, StoredArticle, fold_for_id,
};
use localfeed::schedule::read_and_place;
use localfeed::stories::{Thresholds, find};

/// One labelled article: the stored form `find` is given, its story, and its length.
struct Labelled {
    art: StoredArticle,
    story: String,
    short: bool,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut v: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "txt" || x == "html" || x == "htm" || x == "md")
        {
            out.push(p);
        }
    }
}

/// The articles of a file, placed, as a run that first saw the file at `seen` reads them.
fn read(
    path: &Path,
    source: &str,
    name: &str,
    gaz: &Gazetteer,
    seen: DateTime<FixedOffset>,
) -> Vec<(Article, Placement, Option<String>)> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(text) = localfeed::extract::decode(&bytes) else {
        return Vec::new();
    };
    let page = PageText {
        source: source.into(),
        name: name.into(),
        text: text.text,
        form: InputForm::from_file_name(name),
        hints: SourceHints::default(),
        seen: Some(seen.date_naive()),
    };
    let placed = read_and_place(&page, gaz);
    placed
        .articles
        .into_iter()
        .map(|(a, p)| (a, p, placed.publication.clone()))
        .collect()
}

fn stored(
    id: String,
    source: &str,
    a: Article,
    p: Placement,
    publication: Option<String>,
    seen: DateTime<FixedOffset>,
) -> StoredArticle {
    StoredArticle {
        id,
        source: source.into(),
        input: String::new(),
        publication,
        article: a,
        placement: p,
        first_seen: seen,
        updated: seen,
        printings: vec![],
        body_digest: None,
        arrival: 0,
    }
}

/// When a run reading pages as they are issued first sees a file: its mtime (the
/// generator sets it to the issue date, 18:00 +08:00).
fn mtime(path: &Path) -> DateTime<FixedOffset> {
    let t = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    DateTime::<chrono::Utc>::from(t).with_timezone(&localfeed::model::shanghai())
}

fn is_short(a: &Article) -> bool {
    fold_for_id(&a.body).chars().count() < Thresholds::default().short_chars
}

/// Our own rewrite of a real article, as a desk reprints it: the dateline made another
/// paper's, one clause cut from a sentence, the closing paragraph dropped when there are
/// three or more. Deterministic in `n`.
fn rewrite(a: &Article, n: usize) -> Article {
    let mut paras: Vec<String> = a.body.split("\n\n").map(str::to_string).collect();
    if paras.len() >= 3 && n.is_multiple_of(2) {
        paras.pop();
    }
    if let Some(first) = paras.first_mut() {
        let head: String = first.chars().take(40).collect();
        if let Some(i) = head.find('讯') {
            *first = format!("据县融媒体中心消息{}", &first[i..]);
        } else {
            *first = format!("本报讯 {first}");
        }
    }
    let k = n % paras.len().max(1);
    if let Some(p) = paras.get_mut(k)
        && let Some(i) = p.find('，')
        && let Some(j) = p[i + 3..].find('，')
    {
        p.replace_range(i..i + 3 + j, "");
    }
    let mut out = a.clone();
    out.body = paras.join("\n\n");
    out.title = a.title.as_ref().map(|t| format!("{t}（转载）"));
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut inbox, mut truth, mut corpora, mut sweep) = (None, None, Vec::new(), false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--inbox" => inbox = args.next().map(PathBuf::from),
            "--truth" => truth = args.next().map(PathBuf::from),
            "--corpus" => corpora.extend(args.next().map(PathBuf::from)),
            "--sweep" => sweep = true,
            _ => {}
        }
    }
    let gaz = Gazetteer::embedded();
    let t0 = DateTime::parse_from_rfc3339("2026-07-01T09:00:00+08:00").unwrap();
    let mut set: Vec<Labelled> = Vec::new();
    let (mut generated, mut matched) = (0usize, 0usize);
    if let (Some(inbox), Some(truth)) = (&inbox, &truth) {
        // (folder, file) → [(folded headline, story)]
        let mut want: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
        let text = std::fs::read_to_string(truth).expect("truth file");
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 6 {
                continue;
            }
            generated += 1;
            want.entry((f[0].into(), f[1].into()))
                .or_default()
                .push((fold_for_id(f[5]), f[4].into()));
        }
        for folder in ["pages", "reprints"] {
            let mut fs = Vec::new();
            files(&inbox.join(folder), &mut fs);
            for path in fs {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let Some(list) = want.get_mut(&(folder.to_string(), name.clone())) else {
                    continue;
                };
                let seen = mtime(&path);
                for (k, (a, p, publication)) in read(&path, folder, &name, gaz, seen)
                    .into_iter()
                    .enumerate()
                {
                    let head = fold_for_id(&format!(
                        "{}{}{}{}",
                        a.kicker.as_deref().unwrap_or(""),
                        a.title.as_deref().unwrap_or(""),
                        a.subtitle.as_deref().unwrap_or(""),
                        a.body.chars().take(40).collect::<String>()
                    ));
                    let Some(i) = list
                        .iter()
                        .position(|(t, _)| !t.is_empty() && head.contains(t.as_str()))
                    else {
                        continue;
                    };
                    let (_, story) = list.remove(i);
                    matched += 1;
                    set.push(Labelled {
                        short: is_short(&a),
                        art: stored(
                            format!("{folder}/{name}#{k}"),
                            folder,
                            a,
                            p,
                            publication,
                            seen,
                        ),
                        story,
                    });
                }
            }
        }
    }
    let (mut real, mut rewrites) = (0usize, 0usize);
    for dir in &corpora {
        let mut fs = Vec::new();
        files(dir, &mut fs);
        for path in fs {
            let name = path.to_string_lossy().into_owned();
            for (k, (a, p, publication)) in read(&path, "corpus", &name, gaz, t0)
                .into_iter()
                .enumerate()
            {
                let story = format!("{name}#{k}");
                real += 1;
                if fold_for_id(&a.body).chars().count() >= 40 {
                    rewrites += 1;
                    let r = rewrite(&a, real);
                    set.push(Labelled {
                        short: is_short(&r),
                        art: stored(
                            format!("rewrite:{story}"),
                            "rewrites",
                            r,
                            p.clone(),
                            Some("转载报".into()),
                            t0 + Duration::days(1),
                        ),
                        story: story.clone(),
                    });
                }
                set.push(Labelled {
                    short: is_short(&a),
                    art: stored(story.clone(), "corpus", a, p, publication, t0),
                    story,
                });
            }
        }
    }
    let arts: Vec<StoredArticle> = set.iter().map(|l| l.art.clone()).collect();
    let index: HashMap<&str, usize> = set
        .iter()
        .enumerate()
        .map(|(i, l)| (l.art.id.as_str(), i))
        .collect();
    let n = set.len();
    let mut by_story: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &set {
        *by_story.entry(&l.story).or_default() += 1;
    }
    let positives: usize = by_story.values().map(|c| c * (c - 1) / 2).sum();
    println!(
        "labelled set: {n} articles ({} short, under {} folded characters): {matched} of {generated} generated articles found again after extraction ({} pages and reprints), {real} real articles from {} corpus folder(s) and {rewrites} rewrites of them; {} stories; {positives} same-story pairs, {} different-story pairs",
        set.iter().filter(|l| l.short).count(),
        Thresholds::default().short_chars,
        inbox
            .as_ref()
            .map_or("no".into(), |p| p.display().to_string()),
        corpora.len(),
        by_story.len(),
        n * n.saturating_sub(1) / 2 - positives
    );
    let grid: Vec<Thresholds> = if sweep {
        let mut g = Vec::new();
        for long in [0.3, 0.35, 0.4, 0.45, 0.5, 0.6] {
            for short in [0.5, 0.6, 0.7, 0.8, 0.9] {
                for containment in [0.8, 0.85, 0.9] {
                    g.push(Thresholds {
                        long_jaccard: long,
                        short_jaccard: short,
                        containment,
                        ..Thresholds::default()
                    });
                }
            }
        }
        g
    } else {
        vec![Thresholds::default()]
    };
    println!(
        "| long J | short J | containment | precision | recall | short P | short R | TP | FP | FP of one text | FN | find s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for t in grid {
        let start = Instant::now();
        let members = find(&arts, &t);
        let secs = start.elapsed().as_secs_f64();
        // groups: story id → member indices
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (m, s) in &members {
            groups
                .entry(s.as_str())
                .or_insert_with(|| vec![index[s.as_str()]])
                .push(index[m.as_str()]);
        }
        let (mut tp, mut fp, mut stp, mut sfp) = (0usize, 0usize, 0usize, 0usize);
        let mut wrong: Vec<(usize, usize)> = Vec::new();
        for g in groups.values() {
            for (x, &a) in g.iter().enumerate() {
                for &b in &g[x + 1..] {
                    let short = set[a].short || set[b].short;
                    if set[a].story == set[b].story {
                        tp += 1;
                        stp += usize::from(short);
                    } else {
                        fp += 1;
                        sfp += usize::from(short);
                        wrong.push((a, b));
                    }
                }
            }
        }
        let short_pos: usize = {
            let mut c: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for l in &set {
                let e = c.entry(&l.story).or_default();
                e.0 += 1;
                e.1 += usize::from(l.short);
            }
            // pairs with at least one short member
            c.values()
                .map(|(all, short)| {
                    all * (all - 1) / 2 - (all - short) * (all - short).saturating_sub(1) / 2
                })
                .sum()
        };
        let fneg = positives - tp;
        // false pairs whose texts are one text (Jaccard 0.95 or more) with nothing that
        // could part them: no dates days apart, no places apart (the generator draws every
        // story from 20 templates and can write one template twice for one township)
        let twins = wrong
            .iter()
            .filter(|&&(a, b)| {
                let (p, _, _) = localfeed::stories::compare(&set[a].art, &set[b].art, &t);
                p.jaccard >= 0.95 && p.days_apart.unwrap_or(0) <= 1 && !p.places_apart
            })
            .count();
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / positives.max(1) as f64;
        let sp = stp as f64 / (stp + sfp).max(1) as f64;
        let sr = stp as f64 / short_pos.max(1) as f64;
        println!(
            "| {} | {} | {} | {p:.4} | {r:.4} | {sp:.3} | {sr:.3} | {tp} | {fp} | {twins} | {fneg} | {secs:.3} |",
            t.long_jaccard, t.short_jaccard, t.containment
        );
        if !sweep && std::env::var_os("STORIES_SHOW_WRONG").is_some() {
            let show = |i: usize| {
                let l = &set[i];
                format!(
                    "{} [{}] {:?} {}",
                    l.art.id,
                    l.story,
                    l.art.article.date,
                    l.art.article.body.chars().take(70).collect::<String>()
                )
            };
            for (a, b) in wrong.iter().take(20) {
                let (pair, _, rule) = localfeed::stories::compare(&set[*a].art, &set[*b].art, &t);
                println!("FP {rule} {pair:?}\n  {}\n  {}", show(*a), show(*b));
            }
            // missed pairs: same story, not grouped together
            let mut group_of: HashMap<usize, usize> = HashMap::new();
            for (n, g) in groups.values().enumerate() {
                for &i in g {
                    group_of.insert(i, n);
                }
            }
            let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, l) in set.iter().enumerate() {
                by.entry(&l.story).or_default().push(i);
            }
            let mut shown = 0;
            for g in by.values().filter(|g| g.len() > 1) {
                let (a, b) = (g[0], g[1]);
                if group_of.contains_key(&a) && group_of.get(&a) == group_of.get(&b) {
                    continue;
                }
                let (pair, _, rule) = localfeed::stories::compare(&set[a].art, &set[b].art, &t);
                println!("FN {rule} {pair:?}\n  {}\n  {}", show(a), show(b));
                shown += 1;
                if shown == 20 {
                    break;
                }
            }
        }
    }
}
