//! Bylines: who wrote, filed or photographed an article.
//!
//! Owns: reading names and roles out of a dateline's parenthesis (`记者 王甲 通讯员 李乙`),
//! standalone byline lines (`本报记者 X`, `文/图 X`, `■记者 X 摄`, `X 摄`), unlabelled pen
//! names, and a commentary's author line (`某县委常委、宣传部部长 X`). Staff (记者, 全媒体记者,
//! 见习记者, 实习生 …) are reporters; correspondents, photographers and unlabelled or signed
//! authors are contributors. Each reader finds its words in the byline's matching key
//! (`text::fold`: a byline is a few dozen characters, folded where it is read) and cuts
//! the names from the byline itself, at the same offsets, so every word list here is
//! simplified only. Must not touch: where a byline sits on the page (that is
//! `segment`'s business).

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::text::clean;
use crate::extract::text::clean::{chars_upto, is_han};
use crate::extract::text::fold;

/// Names read from a byline, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct People {
    /// Staff reporters.
    pub(crate) reporters: Vec<String>,
    /// Correspondents, photographers, pen names, signed authors.
    pub(crate) contributors: Vec<String>,
    /// A publication named in front of a role (`青山晚报` of `青山晚报全媒体记者`).
    pub(crate) org: Option<String>,
    /// True when the byline credits a photograph (`摄`, `图/`).
    pub(crate) photo: bool,
    /// Names (among the reporters and contributors) credited for the photograph alone:
    /// `记者 X 摄`, `摄影 X`, `摄影记者 X`.
    pub(crate) photographers: Vec<String>,
}

impl People {
    /// True when no name was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.reporters.is_empty() && self.contributors.is_empty()
    }

    /// Adds another byline's names, keeping each name once (a reporter stays a reporter).
    pub(crate) fn merge(&mut self, other: People) {
        for r in other.reporters {
            self.contributors.retain(|c| *c != r);
            if !self.reporters.contains(&r) {
                self.reporters.push(r);
            }
        }
        for c in other.contributors {
            if !self.reporters.contains(&c) && !self.contributors.contains(&c) {
                self.contributors.push(c);
            }
        }
        for n in other.photographers {
            if !self.photographers.contains(&n) {
                self.photographers.push(n);
            }
        }
        if self.org.is_none() {
            self.org = other.org;
        }
        self.photo |= other.photo;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Staff,
    Other,
    /// `摄` after the names: keeps their role, marks a photo credit.
    PhotoSuffix,
}

static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<staff>(?:本报|本台|本刊|总台)?(?:全媒体|融媒体|融媒|见习|特约|首席|摄影|实习|驻[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}]{1,4})?记者|实习生|见习生)",
        r"|(?P<other>(?:特约)?通讯员|摄影|作者|撰文|文字|文/图|文／图|图/文|文图|文/|文／|图/|图片)",
        r"|(?P<photo>摄|拍摄)",
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// Which alternative of `ROLE` a match took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoleKind {
    Staff,
    Other,
    Photo,
}

/// The alternative of `ROLE` that matched `m`, told by its text: staff matches end in
/// 记者 or are a trainee word, photo matches are the bare verb, the rest are other roles.
fn role_kind(m: &str) -> RoleKind {
    if m.ends_with("记者") || matches!(m, "实习生" | "见习生") {
        RoleKind::Staff
    } else if matches!(m, "摄" | "拍摄") {
        RoleKind::Photo
    } else {
        RoleKind::Other
    }
}

/// Words that follow 记者 in column labels and running text, never names.
const NOT_NAMES: &[&str] = &[
    "手记",
    "观察",
    "调查",
    "走访",
    "探访",
    "采访",
    "获悉",
    // `图片新闻`, `摄影作品`: a column label after a photo role word
    "新闻",
    "作品",
    "了解",
    "现场",
    "连线",
    "直击",
    "视线",
    "节日",
    "提问",
    "说",
    "表示",
    "看到",
    "发现",
    "注意到",
];

/// Tokens (their matching keys) that are organisations, not people.
fn is_org(token: &str) -> bool {
    let t = token.trim();
    t.is_empty()
        || matches!(
            t,
            "本报" | "本刊" | "本台" | "报道" | "综合" | "等" | "整理" | "发"
        )
        || ["报", "台", "社", "网", "中心", "频道", "杂志", "融媒"]
            .iter()
            .any(|s| t.ends_with(s) && t.chars().count() >= 3)
}

/// True for a token that can be a person's name: 2 to 4 Han characters, or a name with a
/// middle dot (minority names) of at most 10 characters.
pub(crate) fn is_name(token: &str) -> bool {
    // one walk: the characters counted, the dots of a transliterated name seen, anything
    // else than a Han character or a dot found
    let (mut n, mut dotted, mut other) = (0usize, false, false);
    for c in token.chars() {
        n += 1;
        if matches!(c, '·' | '・') {
            dotted = true;
        } else if !is_han(c) {
            other = true;
        }
    }
    let lengths = if dotted { 3..=10 } else { 2..=4 };
    !other && lengths.contains(&n)
}

/// Splits names set apart by spaces, mending names the extractor split (`王 安冉`): a
/// single Han character joins its neighbour.
fn split_names(s: &str) -> Vec<String> {
    // the tokens are read as the split gives them (no list of them first), and a token is
    // copied once, onto the single character pending before it when there is one
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    let tokens = s
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '、' | '，' | ',' | '；' | ';' | '|' | '｜' | '：' | ':' | '／' | '/'
                )
        })
        .filter(|t| !t.is_empty());
    for t in tokens {
        let t = match pending.take() {
            Some(mut p) => {
                p.push_str(t);
                p
            }
            None => t.to_string(),
        };
        let mut cs = t.chars();
        if matches!((cs.next(), cs.next()), (Some(c), None) if is_han(c)) {
            pending = Some(t);
            continue;
        }
        out.push(t);
    }
    if let Some(p) = pending {
        match out.last_mut() {
            Some(last) if last.chars().count() < 4 => last.push_str(&p),
            _ => out.push(p),
        }
    }
    out
}

/// Reads a byline: the text of a dateline's parenthesis or a standalone byline line with
/// its brackets and markers removed. `None` when something in it is neither a role, an
/// organisation nor a name (then it is not a byline).
pub(crate) fn parse(text: &str) -> Option<People> {
    let text = text
        .trim()
        .trim_start_matches([
            '■', '▲', '●', '◆', '※', '□', '★', '(', '（', '[', '【', '〔', ' ',
        ])
        .trim_end_matches([')', '）', ']', '】', '〕', ' ']);
    if text.is_empty() || text.chars().count() > 60 {
        return None;
    }
    let key = fold::key_of(text);
    let key = key.as_ref();
    let mut people = People::default();
    let mut role: Option<Role> = None;
    let mut last_names: Vec<(String, Option<Role>)> = Vec::new();
    // `摄影 X`, `摄影记者 X`: the names after the role took the photograph
    let mut photo_role = false;
    // indexes into `last_names` of the names credited for the photograph
    let mut photo_names: Vec<usize> = Vec::new();
    let mut pos = 0;
    let mut saw_any = false;
    // a segment of the text and the same segment of the key: split alike (the splitting
    // characters are never folded), the tokens are read in the key and kept from the text
    let handle_segment = |seg: &str,
                          seg_key: &str,
                          role: Option<Role>,
                          people: &mut People,
                          last: &mut Vec<(String, Option<Role>)>|
     -> Option<()> {
        // the key splits as the text does: split again only when it differs
        let keys = (seg_key != seg).then(|| split_names(seg_key));
        for (j, t) in split_names(seg).into_iter().enumerate() {
            let k: &str = match &keys {
                Some(ks) => match ks.get(j) {
                    Some(k) => k,
                    None => break,
                },
                None => &t,
            };
            // `台北報導`: where the report was filed, not a person
            if k.ends_with("报道") || k.ends_with("报导") {
                continue;
            }
            if is_org(k) {
                if t.chars().count() >= 3 && people.org.is_none() && !t.starts_with('本') {
                    people.org = Some(t.clone());
                }
                continue;
            }
            // `记者手记`, `记者观察`: a column label, not a byline
            if NOT_NAMES.contains(&k) {
                return None;
            }
            // after a role, a longer Han token is still a name (transliterated names of
            // five or six characters; a longer run of Han characters is a phrase)
            let labelled_long =
                role.is_some() && (5..=6).contains(&t.chars().count()) && t.chars().all(is_han);
            if !is_name(&t) && !labelled_long {
                return None;
            }
            last.push((t, role));
        }
        Some(())
    };
    // the spans alone (no capture groups: the group a match took is told by its text)
    for whole in ROLE.find_iter(key) {
        let kind = role_kind(whole.as_str());
        let seg = text.get(pos..whole.start()).unwrap_or("");
        let seg_key = key.get(pos..whole.start()).unwrap_or("");
        let named_before = last_names.len();
        // text glued to the front of a role (`青山晚报全媒体记者`) is an organisation
        let glued = !seg.ends_with(char::is_whitespace) && !seg.is_empty();
        if glued && kind != RoleKind::Photo {
            let tail = seg.split_whitespace().last().unwrap_or("");
            let cut = seg.len() - tail.len();
            let head = seg.get(..cut).unwrap_or("");
            let (head_key, tail_key) = seg_key.split_at_checked(cut).unwrap_or(("", ""));
            handle_segment(head, head_key, role, &mut people, &mut last_names)?;
            if is_org(tail_key) || tail.chars().count() >= 3 {
                if people.org.is_none() && !tail.starts_with('本') {
                    people.org = Some(tail.to_string());
                }
            } else {
                handle_segment(tail, tail_key, role, &mut people, &mut last_names)?;
            }
        } else {
            handle_segment(seg, seg_key, role, &mut people, &mut last_names)?;
        }
        saw_any = true;
        if photo_role {
            photo_names.extend(named_before..last_names.len());
        }
        let w = whole.as_str();
        photo_role = w.starts_with("摄影");
        if kind == RoleKind::Staff {
            role = Some(Role::Staff);
        } else if kind == RoleKind::Other {
            if w.contains(['图', '摄']) {
                people.photo = true;
            }
            role = Some(Role::Other);
        } else {
            // `摄` before names is a role; after them it credits a photo
            let rest = text.get(whole.end()..).unwrap_or("").trim();
            people.photo = true;
            if rest.is_empty() || rest.starts_with([')', '）']) {
                // `X 摄`: the names right before the verb took the photograph
                photo_names.extend(named_before..last_names.len());
                role = Some(Role::PhotoSuffix);
            } else {
                role = Some(Role::Other);
            }
        }
        pos = whole.end();
    }
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_end_matches(['/', '／']);
    let rest_key = key.get(pos..pos + rest.len()).unwrap_or(rest);
    // `记者 X 报道`: the verb goes; `记者 X 某地报道`, the verb glued to a token after the
    // names, keeps that token whole for `handle_segment` to drop as the filing place
    let trimmed = rest.trim();
    let filed = trimmed.split_whitespace().count() > 1
        && trimmed
            .split_whitespace()
            .last()
            .is_some_and(|t| t.chars().count() > 2);
    let (rest, rest_key) = if filed || !rest_key.trim().ends_with("报道") {
        (rest, rest_key)
    } else {
        // the trimmed rest without its verb, in the text and in the key
        let lead = rest.len() - rest.trim_start().len();
        let end = lead + trimmed.len() - "报道".len();
        (
            rest.get(lead..end).unwrap_or(""),
            rest_key.get(lead..end).unwrap_or(""),
        )
    };
    let named_before = last_names.len();
    handle_segment(rest, rest_key, role, &mut people, &mut last_names)?;
    if photo_role {
        photo_names.extend(named_before..last_names.len());
    }
    let _ = saw_any;
    for &i in &photo_names {
        if let Some((name, _)) = last_names.get(i)
            && !people.photographers.contains(name)
        {
            people.photographers.push(name.clone());
        }
    }
    // each name added as `People::merge` adds a byline of that one name (no byline of
    // one name built for it)
    for (name, r) in last_names {
        if matches!(r, Some(Role::Staff)) {
            people.contributors.retain(|c| *c != name);
            if !people.reporters.contains(&name) {
                people.reporters.push(name);
            }
        } else if !people.reporters.contains(&name) && !people.contributors.contains(&name) {
            people.contributors.push(name);
        }
    }
    if people.is_empty() {
        return None;
    }
    Some(people)
}

/// True when `text` names roles (a byline rather than pen names alone).
pub(crate) fn has_role(text: &str) -> bool {
    key_names_role(&fold::key_of(text))
}

/// [`has_role`] of a line's matching key (`text::fold`), which needs no folding.
pub(crate) fn key_names_role(key: &str) -> bool {
    key.chars().any(|c| ROLE_CHARS.contains(&c)) && ROLE.is_match(key)
}

/// A character every word [`ROLE`] matches holds (`记者`, `实习生`, `通讯员`, `摄影`,
/// `作者`, `撰文`, `文字`, `图片` …): a line without one of them names no role, and the
/// pattern is not run on it.
const ROLE_CHARS: [char; 8] = ['记', '生', '员', '摄', '作', '撰', '文', '图'];

static POST_WORDS: &[&str] = &[
    "书记",
    "部长",
    "主任",
    "局长",
    "县长",
    "市长",
    "区长",
    "镇长",
    "乡长",
    "常委",
    "委员",
    "主席",
    "院长",
    "校长",
    "教授",
    "研究员",
    "主编",
    "评论员",
    "经理",
    "董事长",
    "秘书长",
    "处长",
    "科长",
    "所长",
    "馆长",
    "会长",
    "社长",
    "总编辑",
    "负责人",
    "干部",
    "教师",
    "代表",
    "学者",
];

/// Last characters of column labels (`简讯`, `新闻速览`, `本版导读`), never of a name.
const LABEL_ENDS: &[char] = &[
    '讯', '闻', '览', '读', '事', '谈', '语', '录', '报', '版', '栏',
];

/// Endings of an organisation that signs a commentary (`某县应急管理局`, `某区委党校`).
const ORG_ENDS: &[&str] = &[
    "局",
    "委",
    "办",
    "校",
    "院",
    "所",
    "中心",
    "部",
    "站",
    "厅",
    "会",
    "队",
    "馆",
    "政府",
    "公司",
    "街道",
    "办事处",
];

/// A signed commentary's author line: a post or an organisation, then the author's name
/// after a space (`某县委常委、宣传部部长 张三`, `■ 某县应急管理局 李 四`). A name the
/// extractor split after its first character is mended. Returns the name.
pub(crate) fn author_line(text: &str) -> Option<String> {
    let whole = clean::trim(text);
    let t =
        clean::trim(whole.trim_start_matches(['■', '▲', '●', '◆', '※', '□', '★', ' ', '\u{3000}']));
    if t.chars().count() > 40 || t.contains(['。', '，', ',', '：', ':']) {
        return None;
    }
    // `■ 张 三`: a marked name alone signs a commentary too (not a column label such
    // as `■ 简讯`)
    let marked = t.len() < whole.len();
    // an unmarked line is a post and a name in two or more tokens: one without white
    // space (most lines) is no author line, and is not split and joined to find that out
    if !marked && !t.contains(char::is_whitespace) {
        return None;
    }
    let toks: Vec<&str> = t.split_whitespace().collect();
    let joined: String = toks.concat();
    if marked
        && (toks.len() == 2 || (2..=3).contains(&joined.chars().count()))
        && (2..=4).contains(&joined.chars().count())
        && is_name(&joined)
        && !fold::key_of(&joined).ends_with(LABEL_ENDS)
    {
        return Some(joined);
    }
    let (post_toks, name) = match toks.as_slice() {
        [rest @ .., a, b]
            if !rest.is_empty()
                && a.chars().count() == 1
                && (1..=2).contains(&b.chars().count()) =>
        {
            (rest, format!("{a}{b}"))
        }
        [rest @ .., a, b]
            if !rest.is_empty()
                && b.chars().count() == 1
                && (1..=2).contains(&a.chars().count()) =>
        {
            (rest, format!("{a}{b}"))
        }
        [rest @ .., last] if !rest.is_empty() => (rest, (*last).to_string()),
        _ => return None,
    };
    let post: String = post_toks.concat();
    if !is_name(&name) || post.chars().count() < 2 {
        return None;
    }
    let post = fold::key_of(&post);
    let post_ok = POST_WORDS.iter().any(|w| post.ends_with(w))
        || (post.chars().count() >= 4 && ORG_ENDS.iter().any(|w| post.ends_with(w)));
    post_ok.then_some(name)
}

/// A photo credit that names an office before the photographer and no staff role
/// (`某镇融媒体工作站 甲 乙 摄`): the photographer, a contributor. The office is one token
/// ending in an organisation word; the name after it is two to four Han characters, maybe
/// spaced out.
pub(crate) fn office_credit(text: &str) -> Option<People> {
    let t = text
        .trim()
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim_end();
    let body = t
        .strip_suffix('摄')
        .or_else(|| t.strip_suffix(|c| fold::simplified(c) == Some('摄')))?;
    if chars_upto(body, 31) > 30 {
        return None;
    }
    let mut toks = body.split_whitespace();
    let office = toks.next()?;
    let name: String = toks.collect();
    let office_key = fold::key_of(office);
    let office_word = ["站", "中心", "社", "台", "部", "办", "局", "所", "队"]
        .iter()
        .any(|w| office_key.ends_with(w));
    if !office_word || chars_upto(office, 4) < 4 || !is_name(&name) {
        return None;
    }
    Some(People {
        contributors: vec![name.clone()],
        photographers: vec![name],
        photo: true,
        ..People::default()
    })
}

#[cfg(test)]
mod tests {
    /// Every alternative of the role pattern holds one of the characters the line is
    /// looked at for first.
    #[test]
    fn every_role_word_holds_a_role_character() {
        let words = [
            "记者",
            "本报记者",
            "驻京记者",
            "实习生",
            "见习生",
            "通讯员",
            "特约通讯员",
            "摄影",
            "作者",
            "撰文",
            "文字",
            "文/图",
            "文／图",
            "图/文",
            "文图",
            "文/",
            "文／",
            "图/",
            "图片",
            "摄",
            "拍摄",
        ];
        for w in words {
            assert!(super::ROLE.is_match(w), "{w}");
            assert!(w.chars().any(|c| super::ROLE_CHARS.contains(&c)), "{w}");
            assert!(super::key_names_role(w), "{w}");
        }
        assert!(!super::key_names_role("东湖镇新修三座便民桥"));
    }

    use super::*;

    fn p(text: &str) -> (Vec<String>, Vec<String>) {
        let x = parse(text).unwrap();
        (x.reporters, x.contributors)
    }

    #[test]
    fn roles_in_a_dateline() {
        assert_eq!(
            p("记者 张明远 通讯员 李 晓燕"),
            (vec!["张明远".into()], vec!["李晓燕".into()])
        );
        assert_eq!(
            p("通讯员 周红 记者 吴天"),
            (vec!["吴天".into()], vec!["周红".into()])
        );
        assert_eq!(
            p("记者赵一 钱二"),
            (vec!["赵一".into(), "钱二".into()], vec![])
        );
        let x = parse("清江晚报全媒体记者 孙可 通讯员 陈路").unwrap();
        assert_eq!(x.org.as_deref(), Some("清江晚报"));
        assert_eq!(x.reporters, vec!["孙可".to_string()]);
        assert_eq!(
            p("見習記者 林芳 實習生 何青"),
            (vec!["林芳".into(), "何青".into()], vec![])
        );
        assert_eq!(p("云帆"), (vec![], vec!["云帆".into()]));
        assert_eq!(p("作者：林海"), (vec![], vec!["林海".into()]));
        assert_eq!(p("記者林芳／台北報導"), (vec!["林芳".into()], vec![]));
        assert_eq!(
            p("〔記者陳大明／台南報導〕"),
            (vec!["陳大明".into()], vec![])
        );
        assert_eq!(
            p("记者 阿依古丽艾力"),
            (vec!["阿依古丽艾力".into()], vec![])
        );
        assert!(parse("阿依古丽艾力").is_none());
        assert!(parse("记者手记").is_none());
        assert!(parse("记者观察").is_none());
        assert_eq!(
            p("记者:林海 吴江"),
            (vec!["林海".into(), "吴江".into()], vec![])
        );
    }

    #[test]
    fn role_kinds_agree_with_the_pattern_groups() {
        for text in [
            "本报记者 甲乙",
            "駐京記者 甲乙",
            "实习生 甲乙",
            "特约通讯员 甲乙",
            "摄影 甲乙",
            "摄影记者 甲乙",
            "文/图 甲乙",
            "甲乙 摄",
            "拍攝 甲乙",
            "作者 甲乙",
        ] {
            for c in ROLE.captures_iter(text) {
                let whole = c.get(0).unwrap().as_str();
                let want = if c.name("staff").is_some() {
                    RoleKind::Staff
                } else if c.name("photo").is_some() {
                    RoleKind::Photo
                } else {
                    RoleKind::Other
                };
                assert_eq!(role_kind(whole), want, "{text}: {whole}");
            }
        }
    }

    #[test]
    fn standalone_bylines_and_credits() {
        assert_eq!(p("本报记者 郑和平"), (vec!["郑和平".into()], vec![]));
        let x = parse("■记者 高远 摄").unwrap();
        assert!(x.photo);
        assert_eq!(x.reporters, vec!["高远".to_string()]);
        let y = parse("丁一 马二 摄").unwrap();
        assert_eq!(y.contributors, vec!["丁一".to_string(), "马二".to_string()]);
        assert!(parse("文/图 刘洋").unwrap().photo);
        // who took the photograph, by name
        assert_eq!(x.photographers, vec!["高远".to_string()]);
        assert_eq!(y.photographers, y.contributors);
        assert_eq!(
            parse("摄影 甲乙").unwrap().photographers,
            vec!["甲乙".to_string()]
        );
        assert_eq!(
            parse("摄影记者 甲乙").unwrap().photographers,
            vec!["甲乙".to_string()]
        );
        let mixed = parse("本报记者 张三 通讯员 李四 摄").unwrap();
        assert_eq!(mixed.photographers, vec!["李四".to_string()]);
        assert!(parse("本报记者 张三").unwrap().photographers.is_empty());
        assert!(parse("文/图 刘洋").unwrap().photographers.is_empty());
        assert_eq!(p("(本报记者 郑和平)"), (vec!["郑和平".into()], vec![]));
        assert!(parse("全县召开安全生产工作会议").is_none());
        // the verb after the names goes; a place glued to it is where the report was filed
        assert_eq!(p("记者 郑和平 报道"), (vec!["郑和平".into()], vec![]));
        assert_eq!(p("記者 郑和平 東莞報道"), (vec!["郑和平".into()], vec![]));
    }

    #[test]
    fn a_long_name_after_a_role_is_at_most_six_characters() {
        // a transliterated name without its dot
        assert_eq!(
            p("记者 阿不都热合曼"),
            (vec!["阿不都热合曼".into()], vec![])
        );
        // a headline with a role's word in it: the run after it is a phrase
        assert!(parse("媒体记者走进一线 探访乡村振兴实效").is_none());
        assert!(parse("记者 走访乡村新成效").is_none());
    }

    #[test]
    fn commentary_author() {
        assert_eq!(
            author_line("青山县委常委、宣传部部长 方立"),
            Some("方立".into())
        );
        assert_eq!(author_line("抓项目强产业 提升镇域实力"), None);
        assert_eq!(
            author_line("■ 青山县交通运输局 林 小川"),
            Some("林小川".into())
        );
        assert_eq!(author_line("□ 白水區委黨校 趙 青"), Some("趙青".into()));
        assert_eq!(author_line("白水镇 赵青"), None);
        assert_eq!(author_line("■ 全县开展安全检查"), None);
        assert_eq!(author_line("■ 柳 青"), Some("柳青".into()));
        assert_eq!(author_line("■ 简讯"), None);
        assert_eq!(author_line("■ 乡村振兴"), None);
        assert_eq!(author_line("柳青"), None);
    }
}
