//! A big state store made quickly: N synthetic articles written straight into a state
//! file through the store's own API (`Store::ingest`, batched as a run batches them), so
//! the schema, packing, full-text index and ids are the real ones, without reading,
//! extracting or placing a page. What a run on a store of a million articles costs
//! (issue 18) is measured on it: publish it once, then run again with a few new pages.
//!
//! The articles look like a year of county papers: one paper for each county of the
//! gazetteer (`data/gazetteer/nbs-2023.tsv`), pages of four to six articles, each
//! article dated on its page's day (the year before `--end`, pages in day order, each
//! page first seen on its day), placed in a township of its paper's county (60 %), the
//! county itself (25 %) or a township elsewhere in the prefecture (15 %), with a dateline
//! naming the place, a reporter and 200 to 1,600 characters of text drawn from a list of
//! news words; `--reprints` of them (8 % by default) are another paper's earlier article
//! of the same prefecture printed again under a dateline of their own, which the stories
//! stage finds. The same arguments give the same store.
//!
//! ```text
//! cargo bench --bench big_store -- --articles 1000000 --state /work/tmp-million/state.db
//! LOCALFEED_NOW=2026-12-01T09:00:00+08:00 target/release/localfeed -q \
//!     --config benches/e2e/config.toml run --inbox EMPTY_DIR --out OUT --state STATE
//! ```
//!
//! Source `bench` (the source of `benches/e2e/config.toml`), inputs `gen/DAY/PAPER-PAGE.txt`
//! that are not in any folder: a run keeps their articles (a store is an archive).

use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use localfeed::locate::Gazetteer;
use localfeed::model::{Article, Evidence, Kind, Placement, article_id, content_hash};
use localfeed::store::{NewArticle, Store};

/// Words the bodies are drawn from.
const WORDS: &[&str] = &[
    "乡村振兴",
    "基层治理",
    "人居环境",
    "高质量发展",
    "产业园区",
    "农业合作社",
    "种植基地",
    "党员干部",
    "志愿服务",
    "安全生产",
    "防汛抗旱",
    "森林防火",
    "文明城市",
    "营商环境",
    "项目建设",
    "招商引资",
    "民生实事",
    "医疗保障",
    "养老服务",
    "义务教育",
    "职业技能",
    "培训班",
    "座谈会",
    "调研",
    "检查",
    "推进",
    "落实",
    "部署",
    "开展",
    "组织",
    "举办",
    "群众",
    "村民",
    "企业",
    "社区",
    "街道",
    "镇政府",
    "县委",
    "工作",
    "活动",
    "会议",
    "现场",
    "要求",
    "强调",
    "指出",
    "今年以来",
    "近日",
    "目前",
    "据了解",
    "下一步",
    "全面",
    "持续",
    "积极",
    "扎实",
    "有效",
    "切实",
    "进一步",
    "不断",
    "深入",
    "稳步",
    "提升",
    "加强",
    "完善",
    "优化",
    "推动",
    "促进",
    "保障",
    "服务",
    "建设",
    "发展",
    "道路",
    "桥梁",
    "水利",
    "电网",
    "通信",
    "物流",
    "电商",
    "直播",
    "特色产品",
    "茶叶",
    "水果",
    "蔬菜",
    "大棚",
    "养殖",
    "畜牧",
    "渔业",
    "旅游",
    "民宿",
    "景区",
    "文化",
    "非遗",
    "传统",
    "节庆",
    "比赛",
    "演出",
    "图书馆",
    "学校",
    "医院",
    "卫生院",
    "派出所",
    "消防",
    "交通",
    "环保",
    "河道",
    "垃圾分类",
    "污水处理",
    "绿化",
    "植树",
    "春耕",
    "秋收",
    "就业",
    "增收",
    "补贴",
    "资金",
    "万元",
    "亿元",
    "户",
    "人次",
    "公里",
    "亩",
];

/// Surnames and given names of reporters.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
];

/// splitmix64: a small fixed generator, so the same seed gives the same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

/// A county of the gazetteer with its townships and the counties of its prefecture.
struct County {
    code: String,
    name: String,
    townships: Vec<(String, String)>,
}

struct Args {
    articles: usize,
    state: PathBuf,
    seed: u64,
    end: NaiveDate,
    days: i64,
    reprints: f64,
}

fn args() -> Args {
    let mut a = Args {
        articles: 100_000,
        state: PathBuf::from("big-store.db"),
        seed: 1,
        end: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        days: 365,
        reprints: 0.08,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--articles" => a.articles = v().parse().expect("--articles N"),
            "--state" => a.state = PathBuf::from(v()),
            "--seed" => a.seed = v().parse().expect("--seed N"),
            "--end" => a.end = v().parse().expect("--end YYYY-MM-DD"),
            "--days" => a.days = v().parse().expect("--days N"),
            "--reprints" => a.reprints = v().parse().expect("--reprints SHARE"),
            "--bench" => {}
            other => panic!("unknown argument {other:?}"),
        }
    }
    a
}

fn counties() -> Vec<County> {
    let tsv = include_str!("../data/gazetteer/nbs-2023.tsv");
    let mut out: Vec<County> = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let Some((code, name)) = line.split_once('\t') else {
            continue;
        };
        match code.len() {
            6 if !name.contains("市辖区") => out.push(County {
                code: code.to_string(),
                name: name.to_string(),
                townships: Vec::new(),
            }),
            9 => {
                if let Some(c) = out.last_mut().filter(|c| code.starts_with(&c.code)) {
                    c.townships.push((code.to_string(), name.to_string()));
                }
            }
            _ => {}
        }
    }
    out.retain(|c| !c.townships.is_empty());
    out
}

/// Sentences of news words, in paragraphs, about `chars` characters in all.
fn text(rng: &mut Rng, place: &str, chars: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    while n < chars {
        let mut para = String::new();
        for _ in 0..(2 + rng.below(4)) {
            if rng.chance(0.3) {
                para.push_str(place);
            }
            for k in 0..(4 + rng.below(8)) {
                let word: &&str = rng.pick(WORDS);
                para.push_str(word);
                if k % 3 == 2 {
                    para.push('，');
                }
            }
            para.push('。');
        }
        n += para.chars().count();
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&para);
    }
    out
}

fn main() -> anyhow::Result<()> {
    let a = args();
    let gaz = Gazetteer::embedded();
    let counties = counties();
    let mut rng = Rng(a.seed);
    if let Some(dir) = a.state.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut store = Store::open(&a.state)?;
    let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
    let first_day = a.end - Duration::days(a.days - 1);
    let pages = a.articles.div_ceil(5);
    // recent articles of each prefecture a reprint is taken from: (county index, title,
    // text, placement)
    let mut recent: std::collections::HashMap<String, Vec<(usize, String, String, Placement)>> =
        Default::default();
    let started = Instant::now();
    let (mut stored, mut files) = (0usize, 0usize);
    store.begin_batch()?;
    for page in 0..pages {
        if stored >= a.articles {
            break;
        }
        let day = first_day + Duration::days((page as i64 * a.days) / pages as i64);
        let seen: DateTime<FixedOffset> = shanghai
            .from_local_datetime(&day.and_hms_opt(6, 0, 0).unwrap())
            .unwrap();
        let ci = rng.below(counties.len());
        let county = &counties[ci];
        let paper = format!("{}报", county.name);
        let mut new = Vec::new();
        for _ in 0..(4 + rng.below(3)).min(a.articles - stored) {
            let reporter = format!(
                "{}{}{}",
                rng.pick(SURNAMES),
                rng.pick(GIVEN),
                rng.pick(GIVEN)
            );
            let prefecture = &county.code[..4];
            let reprint = match recent.get(prefecture) {
                Some(r) if rng.chance(a.reprints) => {
                    let r = rng.pick(r);
                    (r.0 != ci).then(|| r.clone())
                }
                _ => None,
            };
            let (title, body, placement) = if let Some((_, title, story, placement)) = reprint {
                let place = placement.primary.leaf().map_or("", |d| d.name.as_str());
                let body = format!(
                    "本报{place}{}月{}日讯（记者 {reporter}）{story}",
                    day.month(),
                    day.day()
                );
                (title, body, placement)
            } else {
                let roll = rng.below(100);
                let (code, name) = if roll < 60 {
                    rng.pick(&county.townships).clone()
                } else if roll < 85 {
                    (county.code.clone(), county.name.clone())
                } else {
                    let same: Vec<&County> = counties
                        .iter()
                        .filter(|c| c.code[..4] == county.code[..4])
                        .collect();
                    let other = *rng.pick(&same);
                    rng.pick(&other.townships).clone()
                };
                let Some(chain) = gaz.chain(&code) else {
                    continue;
                };
                let placement = Placement {
                    primary: chain,
                    also: Vec::new(),
                    evidence: vec![Evidence {
                        text: name.clone(),
                        field: "dateline".into(),
                        code: code.clone(),
                        note: "the dateline names it".into(),
                    }],
                };
                let title = format!(
                    "{name}{}{}{}",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                );
                let chars = 200 + rng.below(1400);
                let story = text(&mut rng, &name, chars);
                let mine = recent.entry(prefecture.to_string()).or_default();
                mine.push((ci, title.clone(), story.clone(), placement.clone()));
                if mine.len() > 40 {
                    let k = rng.below(40);
                    mine.swap_remove(k);
                }
                let body = format!(
                    "本报{name}{}月{}日讯（记者 {reporter}）{story}",
                    day.month(),
                    day.day()
                );
                (title, body, placement)
            };
            let article = Article {
                title: Some(title),
                kicker: None,
                subtitle: None,
                body,
                reporters: vec![reporter],
                contributors: Vec::new(),
                photographers: Vec::new(),
                date: Some(day),
                kind: Kind::News,
                url: None,
                place_hint: None,
                opener: None,
            };
            new.push(NewArticle {
                id: article_id("bench", &article),
                publication: Some(paper.clone()),
                codes: placement.feed_codes(false),
                placement,
                article,
            });
        }
        let name = format!("gen/{day}/{}-{page}.txt", county.code);
        let size: usize = new.iter().map(|n| n.article.body.len()).sum();
        let hash = content_hash(name.as_bytes());
        stored += new.len();
        store.ingest("bench", &name, &hash, size as u64, &new, &seen)?;
        files += 1;
        store.commit_batch_if_full(64)?;
        if page % 20_000 == 0 && page > 0 {
            eprintln!(
                "{stored} articles, {page} pages, {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    store.end_batch()?;
    println!(
        "{stored} articles in {} pages written to {} in {:.1} s",
        files,
        a.state.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
