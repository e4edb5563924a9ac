//! What does a short line say it is, with no page around it? Column and box labels,
//! salutations, signatures, notice titles, captions, interview turns, tags and link lines.
//! Each test reads a line's matching key (`text::fold`), so every word here is simplified.

use crate::extract::read::byline;
use crate::extract::text::clean;
use crate::extract::text::clean::{chars, chars_upto, is_han, is_sentence_end, squeeze};
use crate::extract::text::fold;
use crate::extract::text::words::{BOX_LABELS, BRIEF_MARKS, NOTICE_WORDS};

/// Words that end a commentary column's label (`灵山时评`, `评论`, `乡村观察`).
pub(crate) const COMMENT_LABEL_ENDS: &[&str] = &[
    "时评", "评论", "短评", "快评", "观察", "杂谈", "随笔", "论坛", "漫谈", "评",
];

/// The last character of a division's name (`县`, `镇`, `街道` ends in `道`).
pub(crate) const PLACE_LEVELS: [char; 12] = [
    '省', '市', '县', '区', '镇', '乡', '村', '旗', '州', '盟', '道', '岛',
];

/// Verbs of saying: `某某说：` opens a quotation, not a place's headline.
pub(crate) const SAYING: &[&str] = &["说", "称", "问", "答", "表示", "指出", "认为", "强调"];

/// A headline opened by a place and a colon (`某某镇：一片茶叶带富一方百姓`): the place is
/// two to eight Han characters, the clause after the colon at least four characters.
pub(crate) fn place_colon_headline(line: &str) -> bool {
    let t = squeeze(line);
    let Some((place, rest)) = t.split_once(['：', ':']) else {
        return false;
    };
    let n = place.chars().count();
    // a two-character place carries its level (`某镇`); a verb of saying ends a speaker
    let level = place.ends_with(PLACE_LEVELS);
    let speaker = SAYING.iter().any(|w| place.ends_with(w));
    (2..=8).contains(&n)
        && (n >= 3 || level)
        && !speaker
        && place.chars().all(is_han)
        && chars_upto(rest, 4) >= 4
        && !rest.contains(['：', ':'])
}

/// A headline line opened by a year (`2025年春季…`): the frame of the story, a kicker
/// over the headline rather than a title.
pub(crate) fn year_led(line: &str) -> bool {
    let t = line.trim();
    t.len() > 4
        && t.as_bytes().iter().take(4).all(u8::is_ascii_digit)
        && t.get(4..).is_some_and(|r| r.trim_start().starts_with('年'))
}

/// A commentary column's label: `【灵山时评】`, `评论`, `乡村观察` (brackets and spaces
/// aside, at most eight characters, ending in a word of commentary).
pub(crate) fn comment_label(text: &str) -> bool {
    let t = squeeze(text);
    let bracketed = t.starts_with(['【', '[', '〔']) && t.ends_with(['】', ']', '〕']);
    let inner = t.trim_matches(['【', '】', '[', ']', '〔', '〕']);
    let n = inner.chars().count();
    (2..=8).contains(&n)
        && inner.chars().all(is_han)
        && COMMENT_LABEL_ENDS.iter().any(|w| inner.ends_with(w))
        && (bracketed || n <= 6)
}

/// A justified name alone on its line (`韦 明`, `张 小 红`): two or three single Han
/// characters set apart by spaces.
pub(crate) fn spaced_name(text: &str) -> bool {
    let toks: Vec<&str> = text.split_whitespace().collect();
    (2..=3).contains(&toks.len())
        && toks
            .iter()
            .all(|t| t.chars().count() == 1 && t.chars().all(is_han))
}

/// A notice's salutation: a line ending in a colon, at most twenty characters, without a
/// sentence in it (`辖区各位家长：`, `各村（居）委会、镇属各单位：`).
pub(crate) fn salutation(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['：', ':'])
        && (2..=20).contains(&chars(t))
        && !t.contains(['。', '；', ';', '！', '？'])
}

pub(crate) fn notice_title(text: &str) -> bool {
    let t = squeeze(text);
    let t = t.trim_end_matches(['！', '!']);
    t.chars().count() >= 4 && NOTICE_WORDS.iter().any(|w| t.ends_with(w))
}

/// An author's note closing a commentary: `（作者系…）`, `(作者单位：…)`.
pub(crate) fn author_note(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['(', '（']);
    t.starts_with("作者") && text.trim().ends_with([')', '）'])
}

/// A signature for the text alone (`文/X`, `文／X`), naming no staff role and no picture:
/// the way a commentary or a contributed piece is signed.
pub(crate) fn signed_text_only(line: &str) -> bool {
    let t = squeeze(line);
    let t = t.trim_start_matches(BRIEF_MARKS);
    (t.starts_with("文/") || t.starts_with("文／"))
        && !t.contains(['图', '摄'])
        && !t.contains("记者")
}

/// A notice word alone, letter-spaced as a designed title is (`讣  告`, `公 告`): two Han
/// characters with white space between them, together a notice word.
pub(crate) fn spaced_notice(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 24 || !t.contains(char::is_whitespace) {
        return false;
    }
    let mut word = [0u8; 8];
    let mut n = 0;
    for c in t.chars().filter(|c| !c.is_whitespace()) {
        let l = c.len_utf8();
        match word.get_mut(n..n + l) {
            Some(dst) if is_han(c) => {
                c.encode_utf8(dst);
                n += l;
            }
            _ => return false,
        }
    }
    let word = word.get(..n).unwrap_or_default();
    NOTICE_WORDS.iter().any(|w| w.as_bytes() == word)
}

/// Whose turn opens an interview's question (`记者：`, `问：`, `主持人：`).
pub(crate) const ASKERS: [&str; 5] = ["记者", "本报记者", "问", "主持人", "主持人问"];

/// An interviewer's question: a line opened by the asker and a colon, with a question of
/// four characters or more after it, ending in a question mark. It is the text of a Q&A
/// interview, never a headline.
pub(crate) fn question_turn(text: &str) -> bool {
    let t = text.trim();
    if !t.ends_with(['？', '?']) {
        return false;
    }
    ASKERS.iter().any(|a| {
        t.strip_prefix(a)
            .and_then(|r| r.strip_prefix(['：', ':']))
            .is_some_and(|q| chars_upto(q, 4) >= 4)
    })
}

/// A page number alone in brackets (`（第2版）`, `(A5版)`), left where a story continues:
/// page furniture, never text.
pub(crate) fn bracketed_page_number(text: &str) -> bool {
    let t = text.trim();
    let Some(inner) = t
        .strip_prefix(['（', '('])
        .and_then(|r| r.strip_suffix(['）', ')']))
    else {
        return false;
    };
    let inner = inner.trim();
    let inner = inner.strip_prefix('第').unwrap_or(inner).trim();
    let Some(num) = inner.strip_suffix('版').map(str::trim) else {
        return false;
    };
    let digits = num
        .strip_prefix(|c: char| c.is_ascii_uppercase())
        .unwrap_or(num);
    (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A photo caption as a strip prints it: one or two sentences, at most 120 characters.
pub(crate) fn caption_shape(text: &str) -> bool {
    let t = text.trim();
    t.len() <= 480
        && t.chars().last().is_some_and(is_sentence_end)
        && chars_upto(t, 121) <= 120
        && (1..=2).contains(&t.matches(['。', '！', '？']).count())
}

/// Labels of a tags or keywords line (`标签：甲 乙`), set under a web article.
pub(crate) const TAG_LABELS: [&str; 4] = ["标签", "关键词", "关键字", "Tags"];

/// A tags line after a web article's text: a label, a colon and at most thirty characters
/// of words, without sentence punctuation.
pub(crate) fn tags_line(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 160 {
        return false;
    }
    TAG_LABELS.iter().any(|l| {
        t.strip_prefix(l)
            .and_then(|r| r.trim_start().strip_prefix(['：', ':']))
            .is_some_and(|r| chars_upto(r, 31) <= 30 && !r.contains(['。', '，', '；', '！', '？']))
    })
}

/// A Markdown line that is a short label and links only (`> 相关阅读：[标题](url)`,
/// `延伸阅读: [甲](u1) [乙](u2)`): navigation after the text, never part of it.
pub(crate) fn link_label_line(line: &str) -> bool {
    let t = line.trim().trim_start_matches(['>', '*', '-', '+']).trim();
    if !t.contains("](") {
        return false;
    }
    let Some((label, links)) = t.split_once(['：', ':']) else {
        return false;
    };
    let label = label.trim().trim_matches(['*', '_']);
    if !(2..=6).contains(&label.chars().count()) || !label.chars().all(is_han) {
        return false;
    }
    // the rest is links (`[text](url)`) and the separators between them
    let mut rest = links.trim();
    let mut n = 0;
    while !rest.is_empty() {
        let Some(r) = rest.strip_prefix('[') else {
            return false;
        };
        let Some(mid) = r.find("](") else {
            return false;
        };
        let Some(close) = r.get(mid..).and_then(|x| x.find(')')) else {
            return false;
        };
        rest = r
            .get(mid + close + 1..)
            .unwrap_or("")
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '、' | '，' | ',' | '|' | '；')
            });
        n += 1;
    }
    n >= 1
}

/// Endings of a local government's news account (`某某发布`, `某某融媒`).
pub(crate) const ACCOUNT_ENDS: [&str; 4] = ["发布", "融媒", "之声", "在线"];

/// The home of a news account named after its place (`某某发布` is the account of 某某):
/// the name without its ending, two to four Han characters, for the place reader to
/// resolve.
pub(crate) fn account_home(name: &str) -> Option<String> {
    let name = name.trim();
    // the ending is looked for in the name's matching key, and cut at the same offset
    let key = fold::key_of(name);
    let end = ACCOUNT_ENDS.iter().find(|e| key.ends_with(*e))?;
    let stem = name.get(..name.len() - end.len())?;
    let n = stem.chars().count();
    ((2..=4).contains(&n) && stem.chars().all(is_han)).then(|| stem.to_string())
}

/// Words that end a brief's opening time clause (`入夏以来，`, `汛期期间，`).
pub(crate) const TIME_CLAUSE_ENDS: [&str; 5] = ["以来", "期间", "前夕", "之际", "时节"];

/// Text that opens with a short time clause (`入夏以来，…`): at most eight characters
/// ending in a word of time, then a comma; or with a full-width digit (`３月２日，`). A
/// brief's text opens so after its headline.
pub(crate) fn opens_with_time_clause(text: &str) -> bool {
    // the comma within the first forty bytes (a cut there may fall inside a character)
    let Some(comma) = text.find(['，', ',']).filter(|&c| c <= 40) else {
        return false;
    };
    let clause = text.get(..comma).unwrap_or("");
    if text.starts_with(|c: char| ('０'..='９').contains(&c)) {
        return true;
    }
    (2..=8).contains(&chars(clause))
        && clause.chars().all(is_han)
        && TIME_CLAUSE_ENDS.iter().any(|w| clause.ends_with(w))
}

/// A labelled line of a service box (`便民提示：…`, `温馨提示：…`) in a block of furniture:
/// at most sixty characters, opened by a label of two to six Han characters ending in
/// 提示 and a colon.
pub(crate) fn box_line(text: &str) -> bool {
    if text.len() > 180 {
        return false;
    }
    let Some((label, _)) = text.split_once(['：', ':']) else {
        return false;
    };
    let n = chars(label);
    (2..=6).contains(&n)
        && label.chars().all(is_han)
        && (label.ends_with("提示") || label.ends_with("提醒"))
        && chars_upto(text, 61) <= 60
}

/// A letter's salutation (`编辑同志：`, `尊敬的编辑：`): a line of at most twelve
/// characters ending in a colon and in a word of address.
pub(crate) fn letter_salutation(text: &str) -> bool {
    let t = text.trim();
    let Some(core) = t.strip_suffix(['：', ':']) else {
        return false;
    };
    (2..=11).contains(&chars(core))
        && core.chars().all(is_han)
        && ["同志", "编辑", "编辑部", "记者"]
            .iter()
            .any(|w| core.ends_with(w))
}

/// A letter column's label (`读者来信`, `群众来信`): at most six Han characters ending in
/// 来信 or 来稿.
pub(crate) fn letter_label(text: &str) -> bool {
    let t = text.trim();
    (2..=6).contains(&chars(t))
        && t.chars().all(is_han)
        && ["来信", "来稿"].iter().any(|w| t.ends_with(w))
}

/// A reader's signature closing a letter (`某某镇 读者 某某`): at most twenty characters,
/// the word 读者 standing alone before a name at the end.
pub(crate) fn reader_signature(text: &str) -> Option<&str> {
    if text.len() > 80 {
        return None;
    }
    let mut toks = text.split_whitespace().rev();
    let name = toks.next()?;
    let role = toks.next()?;
    (role == "读者"
        && byline::is_name(name)
        && toks.all(|t| t.chars().all(is_han) && chars_upto(t, 11) <= 10))
    .then_some(name)
}

/// Words that make a short line a picture caption rather than a headline.
pub(crate) const CAPTION_WORDS: &[&str] = &[
    "现场",
    "一角",
    "合影",
    "掠影",
    "剪影",
    "图为",
    "资料图",
    "图片",
];

/// A notice's title: a headline-shaped line ending in a notice word (`关于…的通知`).
pub(crate) fn is_notice_title(text: &str) -> bool {
    // the last two characters that are not white space or an exclamation mark, read
    // from the end without copying the line (`关于…的通 知` counts as `通知`)
    let mut tail = text
        .chars()
        .rev()
        .filter(|c| !c.is_whitespace())
        .skip_while(|c| matches!(c, '！' | '!'));
    let (Some(b), Some(a)) = (tail.next(), tail.next()) else {
        return false;
    };
    let mut word = [0u8; 8];
    let mut n = 0;
    for c in [a, b] {
        let l = c.len_utf8();
        if let Some(dst) = word.get_mut(n..n + l) {
            c.encode_utf8(dst);
        }
        n += l;
    }
    let word = word.get(..n).unwrap_or_default();
    NOTICE_WORDS.iter().any(|w| w.as_bytes() == word) && (tail.count() >= 2 || spaced_notice(text))
}

/// True for a short line of Han characters only that can be a paper's name.
pub(crate) fn is_name_line(text: &str) -> bool {
    let n = text.chars().count();
    (3..=8).contains(&n) && text.chars().all(clean::is_han)
}

pub(crate) fn is_caption_like(text: &str) -> bool {
    // every caption word holds one of these characters: a line without them is no caption,
    // and is not squeezed to find that out
    if !text.contains(['场', '角', '影', '图']) {
        return false;
    }
    let t = squeeze(text);
    let t = t.trim_end_matches(['。', '.', '！']);
    CAPTION_WORDS
        .iter()
        .any(|w| t.ends_with(w) || t.starts_with(w))
        && chars_upto(t, 21) <= 20
}

pub(crate) fn is_box_label(text: &str) -> bool {
    // squeezing keeps the count of characters that are not white space
    if chars_upto(text, 9) > 8 {
        return false;
    }
    let t = squeeze(text);
    BOX_LABELS.iter().any(|(w, _)| t.starts_with(w)) && chars_upto(&t, 9) <= 8
}

pub(crate) fn pen_name_line(text: &str) -> bool {
    let toks: Vec<&str> = text.split_whitespace().collect();
    !toks.is_empty()
        && toks.len() <= 3
        && toks
            .iter()
            .all(|t| (2..=3).contains(&t.chars().count()) && byline::is_name(t))
}

/// The byline in brackets that closes a paragraph (`…三百余份。(通讯员 王丽)`), brackets
/// included; or a line that is only names in brackets (`（甲 乙 丙 丁）`).
pub(crate) fn closing_byline(text: &str) -> Option<&str> {
    let t = text.trim_end();
    if let Some(b) = bracketed_names(t) {
        return Some(b);
    }
    let inner = t.strip_suffix(['）', ')'])?;
    let open = inner.rfind(['（', '('])?;
    let b = t.get(open..)?;
    (byline::has_role(b) && byline::parse(b).is_some()).then_some(b)
}

/// A line that is only people's names in brackets, without roles (`（甲 乙 丙 丁）`): the
/// signature closing an item, as papers print it for contributors. Each name is a token of
/// two or three characters, or two one-character tokens (`曾 琳`: a spaced name), read by
/// [`crate::extract::read::byline::parse`]; at most four names.
pub(crate) fn bracketed_names(text: &str) -> Option<&str> {
    let t = clean::trim(text);
    let inner = t
        .strip_prefix(['（', '('])?
        .strip_suffix(['）', ')'])?
        .trim();
    if inner.contains(['（', '(', '）', ')']) || byline::has_role(inner) {
        return None;
    }
    let toks: Vec<&str> = inner
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ','))
        .filter(|s| !s.is_empty())
        .collect();
    let all_han = toks
        .iter()
        .all(|s| s.chars().all(clean::is_han) && (1..=3).contains(&s.chars().count()));
    let letters: usize = toks.iter().map(|s| s.chars().count()).sum();
    if toks.is_empty() || !all_han || !(2..=12).contains(&letters) {
        return None;
    }
    let people = byline::parse(inner)?;
    let names = people.reporters.len() + people.contributors.len();
    ((1..=4).contains(&names) && people.org.is_none()).then_some(t)
}
