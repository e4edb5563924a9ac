//! Shape rules of the second generality round: lines whose role the first rules misread.
//!
//! Owns, by shape alone (position, length, punctuation, marker words): page navigation
//! lines (`A12 | 大湾区`, `今日4版 第1版 要闻`) as furniture; a headline opened by a
//! place and a colon as the main headline under its kicker; the column labels of briefs
//! (`短讯`) and of commentary (`【某某时评】`, `评论`); a brief whose headline and text share
//! one line (`▲标题␣␣正文`); a paragraph opened by a byline without `讯` (`（记者 X）…`,
//! `本报记者 X 报道 …`); a notice's salutation (`各村（居）委会：`) as body text; an
//! author's note (`（作者系…）`) and a justified bare name under a commentary's headline;
//! a photo item whose caption runs to two sentences; years that are not the page's own
//! (inside a background box, or opening a sentence about the past).
//! Must not touch: the first-round rules of `segment`, `headline`, `dateline` (it is called
//! from them as a second opinion), names and dates inside bylines.

use super::byline;
use super::dateline::{self, Dateline};
use super::headline::TIME_OPENERS;
use super::normalize::{is_han, is_sentence_end, squeeze};
use super::segment::{Class, NOTICE_WORDS, Piece, Start, Unit, chars};

/// Markers that open a brief or a marked headline, the first rules' set and arrows.
pub(crate) const BRIEF_MARKS: [char; 11] = ['■', '▲', '●', '◆', '※', '□', '★', '▶', '►', '◇', '▷'];

/// Words that end a commentary column's label (`灵山时评`, `评论`, `乡村观察`).
const COMMENT_LABEL_ENDS: &[&str] = &[
    "时评", "時評", "评论", "評論", "短评", "短評", "快评", "快評", "观察", "觀察", "杂谈", "雜談",
    "随笔", "隨筆", "论坛", "論壇", "漫谈", "漫談", "评", "評",
];

/// Labels of boxes that belong to the article before them (a year in one is background).
const BOX_OPENERS: &[&str] = &[
    "相关链接",
    "相關鏈接",
    "延伸阅读",
    "延伸閱讀",
    "背景资料",
    "背景資料",
    "链接",
    "鏈接",
    "名词解释",
    "名詞解釋",
];

/// How a byline that opens a paragraph begins.
const BYLINE_OPENERS: &[&str] = &[
    "本报",
    "本報",
    "记者",
    "記者",
    "通讯员",
    "通訊員",
    "特约",
    "特約",
    "全媒体",
    "全媒體",
    "融媒体",
    "融媒體",
    "见习",
    "見習",
    "实习",
    "實習",
    "首席",
];

/// A page-navigation line: page numbers (`第1版`, `A12`, `01`, `今日4版`), separators
/// (`|`, `·`, `/`) and at most two short section names (`要闻`, `大湾区`), nothing else.
/// Every token is checked, so a headline that opens with a number (`2 名游客…`) is not one.
pub(crate) fn page_navigation(line: &str) -> bool {
    let t = line.trim();
    let n = chars(t);
    if !(2..=24).contains(&n) {
        return false;
    }
    let separated = t.contains(['|', '｜', '·', '•', '/', '／']);
    let mut pages = 0;
    let mut names = 0;
    for tok in t
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '·' | '•' | '/' | '／'))
        .filter(|s| !s.is_empty())
    {
        if page_token(tok, separated) {
            pages += 1;
        } else if (2..=6).contains(&tok.chars().count()) && tok.chars().all(is_han) {
            names += 1;
        } else {
            return false;
        }
    }
    pages >= 1 && names <= 2
}

/// `第1版`, `4版`, `今日4版`, `本期12版`, `A12`, `B3`, a zero-padded `01`; a bare number
/// only when the line has separators (`12 | 要闻`).
fn page_token(tok: &str, separated: bool) -> bool {
    let t = tok
        .strip_prefix("今日")
        .or_else(|| tok.strip_prefix("本期"))
        .or_else(|| tok.strip_prefix('共'))
        .unwrap_or(tok);
    let (t, ban) = match t.strip_suffix('版') {
        Some(r) => (r.strip_prefix('第').unwrap_or(r), true),
        None => (t, false),
    };
    let (letter, digits) = match t.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => (true, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let nd = digits.len();
    if !(1..=3).contains(&nd) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    ban || (letter && nd <= 2) || (nd == 2 && digits.starts_with('0')) || (separated && nd <= 2)
}

/// The last character of a division's name (`县`, `镇`, `街道` ends in `道`).
const PLACE_LEVELS: [char; 17] = [
    '省', '市', '县', '縣', '区', '區', '镇', '鎮', '乡', '鄉', '村', '旗', '州', '盟', '道', '岛',
    '島',
];

/// Verbs of saying: `某某说：` opens a quotation, not a place's headline.
const SAYING: &[&str] = &[
    "说", "說", "称", "稱", "问", "問", "答", "表示", "指出", "认为", "認為", "强调", "強調",
];

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
        && chars(rest) >= 4
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

/// A brief column's label (`短讯`, `新闻速览`): at most six characters without
/// punctuation, right above a marked item.
fn brief_label(units: &[Unit], i: usize) -> bool {
    let Some(u) = units.get(i) else { return false };
    if u.class != Class::Head || chars(&u.text) > 6 {
        return false;
    }
    let t = squeeze(&u.text);
    (2..=6).contains(&t.chars().count())
        && t.chars().all(is_han)
        && units.get(i + 1).is_some_and(|x| {
            let marked =
                x.text.starts_with(BRIEF_MARKS) && matches!(x.class, Class::Head | Class::Marker);
            // `简讯` over an unmarked brief headline: the word says what the label is
            marked || (x.class == Class::Head && BRIEF_WORDS.iter().any(|w| t.ends_with(w)))
        })
}

/// Words that end a brief column's label.
const BRIEF_WORDS: &[&str] = &[
    "短讯", "简讯", "快讯", "速览", "速读", "短訊", "簡訊", "快訊", "速覽", "速讀",
];

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
fn spaced_name(text: &str) -> bool {
    let toks: Vec<&str> = text.split_whitespace().collect();
    (2..=3).contains(&toks.len())
        && toks
            .iter()
            .all(|t| t.chars().count() == 1 && t.chars().all(is_han))
}

/// A notice's salutation: a line ending in a colon, at most twenty characters, without a
/// sentence in it (`辖区各位家长：`, `各村（居）委会、镇属各单位：`).
fn salutation(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['：', ':'])
        && (2..=20).contains(&chars(t))
        && !t.contains(['。', '；', ';', '！', '？'])
}

fn notice_title(text: &str) -> bool {
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
        && !t.contains(['图', '圖', '摄', '攝'])
        && !t.contains("记者")
        && !t.contains("記者")
}

/// Second-opinion roles for the lines of a page, after the first rules have classed them
/// and joined broken headlines. Only short headline-like lines and paragraphs are looked
/// at, each test behind a cheap one (a digit, a colon, a bracket, a marker below).
pub(crate) fn refine(mut units: Vec<Unit>) -> Vec<Unit> {
    for i in 0..units.len() {
        if let Some(c) = second_role(&units, i)
            && let Some(u) = units.get_mut(i)
        {
            u.class = c;
        }
    }
    units
}

fn second_role(units: &[Unit], i: usize) -> Option<Class> {
    let u = units.get(i)?;
    // every rule here is about a line of at most forty characters
    if !matches!(u.class, Class::Head | Class::Para) || u.text.len() > 240 {
        return None;
    }
    let text = super::normalize::trim(&u.text);
    let prev = i.checked_sub(1).and_then(|j| units.get(j));
    let next = units.get(i + 1);
    // page navigation (`A12 | 大湾区`): every form holds a page number
    if super::normalize::has_ascii_digit(text) && page_navigation(text) {
        return Some(Class::Furniture);
    }
    // a brief column's label (`短讯`) right above a marked item
    if u.class == Class::Head
        && next.is_some_and(|x| x.class == Class::Head || x.text.starts_with(BRIEF_MARKS))
        && brief_label(units, i)
    {
        return Some(Class::Furniture);
    }
    // a notice's salutation under its title
    if text.ends_with(['：', ':'])
        && salutation(text)
        && prev.is_some_and(|p| p.class == Class::Head && notice_title(&p.text))
    {
        return Some(Class::Para);
    }
    // an author's note closing a commentary
    if u.class == Class::Head && text.starts_with(['(', '（']) && author_note(text) {
        return Some(Class::Para);
    }
    // a name without a role under a headline, over the text: read as a pen name (a
    // contributor); a commentary column's label above, if any, makes the piece an opinion
    if u.class == Class::Head
        && text.contains(char::is_whitespace)
        && prev.is_some_and(|p| p.class == Class::Head)
        && next.is_some_and(|x| x.class == Class::Para)
        && spaced_name(text)
    {
        return Some(Class::Byline);
    }
    None
}

/// A paragraph opened by a byline and no `讯` or `电`: `（记者 X 通讯员 Y）近日，…` or
/// `本报记者 X 报道 眼下，…`. Read as a dateline without place or date, so the byline
/// names the article's people and the paragraph opens an article.
pub(crate) fn opening_byline(text: &str) -> Option<Dateline> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    // the byline opens with its role (`记者`, `本报记者`, `通讯员`): tested first, as most
    // paragraphs fail here; `据本报记者 X 报道，` is a sentence that cites a report
    let opened = t.trim_start_matches(['(', '（']);
    if !BYLINE_OPENERS.iter().any(|w| opened.starts_with(w)) {
        return None;
    }
    // the first forty characters or so (a byte cut moved back to a character boundary)
    let mut cut = t.len().min(120);
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = t.get(..cut)?;
    let (inner, len) = if let Some(rest) = head.strip_prefix(['(', '（']) {
        let close = rest.find([')', '）'])?;
        let inner = rest.get(..close)?;
        let open_len = head.len() - rest.len();
        let close_len = rest.get(close..)?.chars().next()?.len_utf8();
        (inner, lead + open_len + close + close_len)
    } else {
        // `本报记者 X 报道`: the names end at 报道, within a few characters
        let pos = head.find("报道").or_else(|| head.find("報道"))?;
        let inner = head.get(..pos)?;
        // `报道：` — the colon goes with the byline
        let after = head.get(pos + "报道".len()..).unwrap_or("");
        let colon = after
            .chars()
            .next()
            .filter(|c| matches!(c, '：' | ':'))
            .map_or(0, char::len_utf8);
        (inner, lead + pos + "报道".len() + colon)
    };
    let rest = text.get(len..)?;
    if rest.trim_start().starts_with(['，', ',']) {
        return None;
    }
    // a byline names roles, and running text follows it
    if !byline::has_role(inner) || chars(rest) < 10 || chars(inner) > 30 {
        return None;
    }
    if inner.contains(['，', ',', '。', '：', ':', '“', '”']) {
        return None;
    }
    byline::parse(inner)?;
    Some(Dateline {
        len,
        place: None,
        month_day: None,
        byline: Some(inner.trim().to_string()),
        org: None,
    })
}

/// A brief whose headline and text share one line, set apart by two or more spaces or an
/// ideographic space (`▲某镇开展演练␣␣13日上午，…`): the headline without its marker, and
/// the text. The headline is at most thirty characters without sentence punctuation.
pub(crate) fn split_inline_brief(para: &str) -> Option<(String, String)> {
    let t = para.trim().trim_start_matches(BRIEF_MARKS).trim_start();
    if t.len() == para.trim().len() {
        return None;
    }
    let wide = t
        .find("  ")
        .map(|p| (p, 2))
        .into_iter()
        .chain(t.find('\u{3000}').map(|p| (p, '\u{3000}'.len_utf8())))
        .min_by_key(|(p, _)| *p);
    // page cleaning may have narrowed the gap to one space: then the text after it must
    // open as a brief's text does, with a date or a time word (`5日上午，`, `日前，`)
    let (pos, gap_len) = match wide {
        Some(w) => w,
        None => {
            let p = t.find(' ')?;
            let after = t.get(p + 1..)?.trim_start();
            let timed = after.starts_with(|c: char| c.is_ascii_digit())
                || TIME_OPENERS.iter().any(|w| after.starts_with(w))
                || super::forms6::opens_with_time_clause(after);
            if !timed {
                return None;
            }
            (p, 1)
        }
    };
    let head = t.get(..pos)?.trim();
    let body = t.get(pos + gap_len..)?.trim();
    let hn = chars(head);
    // a colon only as a place's (`白水镇：…`)
    let colon_ok = !head.contains(['：', ':']) || place_colon_headline(head);
    if !(4..=30).contains(&hn)
        || head.contains(['。', '，', ',', '；', ';', '！', '？'])
        || !colon_ok
        || chars(body) < 10
    {
        return None;
    }
    Some((squeeze(head), body.to_string()))
}

/// A photo item the first rules leave to the article above: a caption of at most two
/// sentences (at most 90 characters) closed by the credit at `i`, under a short title of
/// its own or right after a paragraph that ends a sentence, with no text after the credit.
pub(crate) fn short_photo(units: &[Unit], i: usize, claimed: &[bool]) -> Option<Piece> {
    let free = |k: usize| !claimed.get(k).copied().unwrap_or(true);
    let cap = i.checked_sub(1)?;
    let caption = units.get(cap)?;
    if caption.class != Class::Para || !free(cap) {
        return None;
    }
    let text = caption.text.trim();
    let sentences = text.matches(['。', '！', '？']).count();
    let ends = text.chars().last().is_some_and(is_sentence_end);
    if !ends || !(1..=2).contains(&sentences) || !(12..=90).contains(&chars(text)) {
        return None;
    }
    // the credit ends the run of text: the page ends, or no free paragraph follows
    let after_ok = units
        .get(i + 1)
        .is_none_or(|u| u.class != Class::Para || !free(i + 1));
    if !after_ok {
        return None;
    }
    let above = cap
        .checked_sub(1)
        .and_then(|k| units.get(k).map(|u| (k, u)));
    let mut headline = vec![];
    match above {
        // a short title of its own, set off from the text above it
        Some((k, u))
            if u.class == Class::Head
                && free(k)
                && chars(&u.text) <= 16
                && !u.text.contains(['：', ':'])
                && k.checked_sub(1)
                    .and_then(|j| units.get(j))
                    .is_none_or(|p| p.class != Class::Head) =>
        {
            headline.push(k);
        }
        // no title: two whole sentences (a one-line label such as `会议现场。` is a picture
        // inside the article), and the paragraph above closes its own article
        Some((_, u))
            if sentences == 2
                && chars(text) >= 20
                && u.class == Class::Para
                && u.text.trim().chars().last().is_some_and(is_sentence_end) => {}
        _ => return None,
    }
    Some(Piece {
        start: Start::Credit,
        headline,
        body: vec![],
        captions: vec![cap],
        bylines: vec![],
        anchor: i,
    })
}

/// The year the page is written in, from its lines outside background boxes
/// (`相关链接` … up to the next headline or dateline), leaving out sentences that open with
/// a year and a comma (`2008年，…被列入…`: a past event narrated). A page with neither
/// is read whole, as `dateline::page_year` reads it.
pub(crate) fn page_year(clean: &str, units: &[Unit]) -> Option<i32> {
    if !super::normalize::has_year_char(clean) {
        return None;
    }
    let boxed = units.iter().any(box_opener);
    if !boxed && !has_year_comma(clean) {
        return dateline::page_year(clean);
    }
    let mut kept = String::with_capacity(clean.len());
    let mut in_box = false;
    for u in units {
        if box_opener(u) {
            in_box = true;
            continue;
        }
        if in_box {
            if matches!(u.class, Class::Para | Class::Marker) {
                continue;
            }
            in_box = false;
        }
        // only lines with a year count
        if !super::normalize::has_year_char(&u.text) {
            continue;
        }
        for sentence in u.text.split_inclusive(['。', '！', '？']) {
            if !past_opener(sentence.trim_start()) {
                kept.push_str(sentence);
            }
        }
        kept.push('\n');
    }
    dateline::page_year(&kept)
}

fn box_opener(u: &Unit) -> bool {
    // a label of at most eight characters: 24 bytes and a few spaces
    if u.class != Class::Head || u.text.len() > 40 || chars(&u.text) > 8 {
        return false;
    }
    if u.text.contains(char::is_whitespace) {
        let t = squeeze(&u.text);
        BOX_OPENERS.iter().any(|w| t.starts_with(w))
    } else {
        BOX_OPENERS.iter().any(|w| u.text.starts_with(w))
    }
}

/// True when some `年` has four digits before it and a comma after it.
fn has_year_comma(text: &str) -> bool {
    super::normalize::YEAR_CHAR
        .find_iter(text.as_bytes())
        .any(|i| {
            let after = text.get(i + '年'.len_utf8()..).unwrap_or("");
            (after.starts_with('，') || after.starts_with(','))
                && i >= 4
                && text
                    .as_bytes()
                    .get(i - 4..i)
                    .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        })
}

/// `2008年，…`: a sentence opened by a year and a comma.
fn past_opener(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b.iter().take(4).all(u8::is_ascii_digit)
        && s.get(4..)
            .is_some_and(|r| r.starts_with("年，") || r.starts_with("年,") || r.starts_with("年, "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_navigation_lines() {
        for l in [
            "A12 | 大湾区",
            "今日4版  第1版  要闻",
            "01 要闻",
            "第1版",
            "B3｜综合新闻",
        ] {
            assert!(page_navigation(l), "{l}");
        }
        for l in [
            "2 名游客获救",
            "第一书记 带富一方",
            "12个村通上自来水",
            "要闻 综合",
        ] {
            assert!(!page_navigation(l), "{l}");
        }
    }

    #[test]
    fn place_colon_headlines() {
        assert!(place_colon_headline("白水镇：一片茶叶带富一方百姓"));
        assert!(place_colon_headline("青山县: 牧民家门口学技能"));
        assert!(!place_colon_headline("青山县："));
        assert!(!place_colon_headline("他说：“好”"));
        assert!(!place_colon_headline("他说：演练很好"));
        assert!(!place_colon_headline("镇长表示：演练很好"));
        assert!(place_colon_headline("东门街道：老旧小区加装电梯"));
        assert!(place_colon_headline("新疆某某：戈壁滩上建起光伏基地"));
    }

    #[test]
    fn labels() {
        assert!(comment_label("【青山时评】"));
        assert!(comment_label("评论"));
        assert!(comment_label("乡村观察"));
        assert!(!comment_label("青山县召开评论员会议动员部署"));
        assert!(!comment_label("相关链接"));
    }

    #[test]
    fn opening_bylines() {
        let d = opening_byline("（记者 石 兰 通讯员 孔 伟）近日，白水镇的改造工程进入收尾阶段。")
            .expect("bracket");
        assert_eq!(d.byline.as_deref(), Some("记者 石 兰 通讯员 孔 伟"));
        let d = opening_byline("本报记者 阿木古 报道 眼下，白水乡的滩涂上玉米长势喜人。")
            .expect("报道");
        assert_eq!(d.byline.as_deref(), Some("本报记者 阿木古"));
        assert!(opening_byline("（下转第2版）").is_none());
        assert!(opening_byline("（图为记者在现场采访，村民热情介绍情况）群众说好。").is_none());
        assert!(opening_byline("记者从县里了解到，全县共有报道员三十人。").is_none());
        assert!(opening_byline("据本报记者 王 五 报道，白水镇近日迎来大批候鸟。").is_none());
        let d =
            opening_byline("本报记者 李 乙 报道：近日，东坪乡通村公路全线通车。").expect("colon");
        assert_eq!(
            &"本报记者 李 乙 报道：近日，东坪乡通村公路全线通车。"[d.len..],
            "近日，东坪乡通村公路全线通车。"
        );
    }

    #[test]
    fn inline_briefs() {
        let (h, b) = split_inline_brief("▲白水镇开展消防演练  13日上午，白水镇组织渔民开展演练。")
            .expect("split");
        assert_eq!(h, "白水镇开展消防演练");
        assert!(b.starts_with("13日上午"));
        let (h, _) = split_inline_brief("◆东坪乡修路\u{3000}日前，东坪乡新修道路三公里。")
            .expect("ideographic");
        assert_eq!(h, "东坪乡修路");
        assert!(split_inline_brief("▲日前，白水镇开展演练。  群众参与。").is_none());
        assert!(split_inline_brief("白水镇开展消防演练  13日上午，白水镇组织演练。").is_none());
        let (h, _) =
            split_inline_brief("▶东坪乡修路 日前，东坪乡新修道路三公里。").expect("narrowed");
        assert_eq!(h, "东坪乡修路");
        assert!(split_inline_brief("▲青山县白水镇 开展消防演练，提升群众自救能力。").is_none());
        let (h, _) = split_inline_brief("●白水镇：渔船消防演练  13日上午，白水镇组织演练。")
            .expect("place colon");
        assert_eq!(h, "白水镇：渔船消防演练");
        assert!(split_inline_brief("●他说：演练很好  大家都说好，演练很成功。").is_none());
    }

    #[test]
    fn past_openers() {
        assert!(past_opener("2008年，某技艺被列入名录。"));
        assert!(!past_opener("2024年冬季培训——"));
        assert!(!past_opener("今年以来，"));
    }
}
