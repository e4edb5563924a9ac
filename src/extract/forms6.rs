//! Item forms of the sixth unseen set: shapes the earlier rounds misread.
//!
//! Owns, by shape alone (position, length, punctuation, marker words): full-width digits
//! read as ASCII ones in datelines and page furniture (`本报６月２５日讯`, `第２版  要闻`);
//! a correspondent's role word (`本报通讯员 X`) that is no `本报…讯` dateline; a dated
//! `消息` dateline of a news organisation (`某某客户端8月5日消息`, `据某某社8月5日消息，`);
//! and a page-top fragment continued from another page (`（上接第1版）` above it) kept as
//! an article however short.
//! Each rule is called from one place and sits behind a byte-level test (a word's bytes,
//! a line's length), so running text pays almost nothing. The matchers are hand-written,
//! not regexes: each reads a few characters at a fixed place (a line's start), which
//! costs tens of instructions where a regex search costs thousands (see BENCHMARKS.md).
//! Must not touch: the rules of `segment`, `dateline` and `boilerplate` (it is called from
//! them), names inside bylines (`byline` reads them).

use std::sync::LazyLock;

use super::dateline::Dateline;
use super::normalize::is_han;
use super::segment::{Class, Unit, chars};

/// The value of a run of digits, ASCII or full-width (`６` is 6); `None` when the run is
/// empty, holds anything else, or overflows.
pub(crate) fn digits_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            '０'..='９' => u32::from(c) - u32::from('０'),
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

/// True when the text from `at` (where a `本报` dateline's place would start) is a
/// correspondent's role word (`本报通讯员 X`): its `讯` is that of `通讯员`, no dateline.
pub(crate) fn role_not_dateline(head: &str, at: usize) -> bool {
    head.get(at..)
        .is_some_and(|r| r.starts_with("通讯员") || r.starts_with("通訊員"))
}

/// True when `b` holds a full-width digit (`０`..`９`: the bytes EF BC 90 to EF BC 99).
fn has_wide_digit(b: &[u8]) -> bool {
    memchr::memchr_iter(0xEF, b).any(|i| {
        b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|x| (0x90..=0x99).contains(x))
    })
}

/// Furniture printed with full-width digits (`第２版  综合新闻`, `０２  要闻`): the line
/// with its digits read as ASCII ones is furniture. Only short lines (page headers,
/// hotlines, mastheads) are read again, and only when they hold such a digit.
pub(crate) fn wide_digit_furniture(t: &str) -> bool {
    fold_wide_digits(t).is_some_and(|f| super::boilerplate::is_furniture(&f))
}

/// A short line (at most 100 bytes) that holds a full-width digit, with its full-width
/// digits read as ASCII ones; `None` for any other line (the test is a byte search).
pub(crate) fn fold_wide_digits(t: &str) -> Option<String> {
    if t.len() > 100 || !has_wide_digit(t.as_bytes()) {
        return None;
    }
    Some(
        t.chars()
            .map(|c| match c {
                '０'..='９' => {
                    char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
                }
                _ => c,
            })
            .collect(),
    )
}

/// Endings of a news organisation's name before a `消息` dateline.
const ORG_ENDS: [&str; 13] = [
    "客户端",
    "客戶端",
    "新闻",
    "新聞",
    "传媒",
    "傳媒",
    "社",
    "网",
    "網",
    "台",
    "报",
    "報",
    "号",
];

static MESSAGE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("消息".as_bytes()));

/// `某某客户端8月5日消息`, `据某某社北京8月5日消息，`: a news organisation's dated report
/// opening a paragraph, read as its dateline (organisation, place, date) so that the
/// paragraph opens an item dated by it. The words before the date are Han characters
/// only (at most 20) and hold an organisation's ending; at least ten characters of text
/// follow.
pub(crate) fn message_dateline(text: &str) -> Option<Dateline> {
    // `消息` within the first thirty-odd characters (a searcher built once: building one
    // a line cost more than the search)
    let b = text.as_bytes();
    let head = b.get(..b.len().min(100)).unwrap_or(b);
    let at = MESSAGE.find(head)?;
    let before = text.get(..at)?;
    let t = before.trim_start();
    let t = t
        .strip_prefix('据')
        .or_else(|| t.strip_prefix('據'))
        .unwrap_or(t);
    // the date right before `消息`
    let date_end = t.trim_end().strip_suffix('日')?;
    let day_start =
        date_end.trim_end_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let day = digits_value(date_end.get(day_start.len()..)?)?;
    let month_end = day_start.strip_suffix('月')?;
    let month_start =
        month_end.trim_end_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let month = digits_value(month_end.get(month_start.len()..)?)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let words = month_start.trim_end();
    let n = words.chars().count();
    if !(3..=20).contains(&n) || !words.chars().all(is_han) {
        return None;
    }
    // the organisation ends at the last ending found; what follows is its place
    let (org_end, _) = ORG_ENDS
        .iter()
        .filter_map(|e| words.rfind(e).map(|p| (p + e.len(), *e)))
        .max_by_key(|&(p, _)| p)?;
    let org = words.get(..org_end)?;
    let place = words.get(org_end..).unwrap_or("");
    if chars(org) < 2 || chars(place) > 6 {
        return None;
    }
    let len = at + "消息".len();
    let follows = text
        .get(len..)?
        .trim_start_matches(['，', ',', ' ', '\u{3000}', '：', ':']);
    if chars(follows) < 10 {
        return None;
    }
    Some(Dateline {
        len,
        place: (!place.is_empty()).then(|| place.to_string()),
        month_day: Some((month, day)),
        byline: None,
        org: Some(org.to_string()),
    })
}

/// True when a jump line (`（上接第1版）`, `上接一版`) stands among the furniture above the
/// first article: the text under it is the rest of an article begun on another page, an
/// article of this page however short.
pub(crate) fn continued_above(units: &[Unit], first_start: usize) -> bool {
    units.iter().take(first_start).any(|u| {
        u.class == Class::Furniture
            && u.text.len() <= 60
            && memchr::memmem::find(u.text.as_bytes(), "上接".as_bytes()).is_some()
    })
}

/// Endings of a local government's news account (`某某发布`, `某某融媒`).
const ACCOUNT_ENDS: [&str; 6] = ["发布", "發布", "融媒", "之声", "之聲", "在线"];

/// The home of a news account named after its place (`某某发布` is the account of 某某):
/// the name without its ending, two to four Han characters, for the place reader to
/// resolve.
pub(crate) fn account_home(name: &str) -> Option<String> {
    let name = name.trim();
    let stem = ACCOUNT_ENDS.iter().find_map(|e| name.strip_suffix(e))?;
    let n = stem.chars().count();
    ((2..=4).contains(&n) && stem.chars().all(is_han)).then(|| stem.to_string())
}

/// Words that end a brief's opening time clause (`入夏以来，`, `汛期期间，`).
const TIME_CLAUSE_ENDS: [&str; 8] = [
    "以来", "期间", "期間", "前夕", "之际", "之際", "时节", "時節",
];

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
fn box_line(text: &str) -> bool {
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
        && chars(text) <= 60
}

/// A letter's salutation (`编辑同志：`, `尊敬的编辑：`): a line of at most twelve
/// characters ending in a colon and in a word of address.
fn letter_salutation(text: &str) -> bool {
    let t = text.trim();
    let Some(core) = t.strip_suffix(['：', ':']) else {
        return false;
    };
    (2..=11).contains(&chars(core))
        && core.chars().all(is_han)
        && ["同志", "编辑", "編輯", "编辑部", "編輯部", "记者", "記者"]
            .iter()
            .any(|w| core.ends_with(w))
}

/// A letter column's label (`读者来信`, `群众来信`): at most six Han characters ending in
/// 来信 or 来稿.
fn letter_label(text: &str) -> bool {
    let t = text.trim();
    (2..=6).contains(&chars(t))
        && t.chars().all(is_han)
        && ["来信", "來信", "来稿", "來稿"]
            .iter()
            .any(|w| t.ends_with(w))
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
    (matches!(role, "读者" | "讀者")
        && super::byline::is_name(name)
        && toks.all(|t| t.chars().all(is_han) && chars(t) <= 10))
    .then_some(name)
}

/// Third-opinion roles for the lines of a page: a service box's labelled line in a block
/// of furniture is furniture; a letter (label, title, salutation, text, signature) opens
/// at its salutation, read as an opening without place or date, its column label is
/// furniture and its signature stays with its text (it names the writer's place). Each
/// test stands behind a byte test (a colon, a length).
pub(crate) fn refine(mut units: Vec<Unit>) -> Vec<Unit> {
    for i in 0..units.len() {
        let Some(u) = units.get(i) else { continue };
        if u.text.len() > 180 {
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| units.get(j));
        let glued_box = u.class == Class::Para
            && u.gap == 0
            && prev.is_some_and(|p| p.class == Class::Furniture && p.gap == 0)
            && box_line(&u.text);
        // (an address to the editor may read as an editor's credit: furniture)
        let salutation = matches!(u.class, Class::Head | Class::Furniture)
            && u.text.ends_with(['：', ':'])
            && prev.is_some_and(|p| p.class == Class::Head)
            && units.get(i + 1).is_some_and(|x| x.class == Class::Para)
            && letter_salutation(&u.text);
        if glued_box && let Some(u) = units.get_mut(i) {
            u.class = Class::Furniture;
        }
        if salutation {
            if let Some(u) = units.get_mut(i) {
                u.class = Class::Dateline;
                u.dateline = Some(Dateline {
                    len: 0,
                    place: None,
                    month_day: None,
                    byline: None,
                    org: None,
                });
            }
            if let Some(l) = i.checked_sub(2).and_then(|j| units.get_mut(j))
                && l.class == Class::Head
                && letter_label(&l.text)
            {
                l.class = Class::Furniture;
            }
            // the signature after the letter's paragraphs
            let mut k = i + 1;
            while units.get(k).is_some_and(|x| x.class == Class::Para) {
                k += 1;
            }
            if let Some(s) = units.get_mut(k)
                && s.text.len() <= 80
                && reader_signature(&s.text).is_some()
            {
                s.class = Class::Para;
            }
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_digits_read_as_ascii() {
        assert_eq!(digits_value("０７"), Some(7));
        assert_eq!(digits_value("12"), Some(12));
        assert_eq!(digits_value("1２"), Some(12));
        assert_eq!(digits_value(""), None);
        assert_eq!(digits_value("1a"), None);
        assert!(wide_digit_furniture("第３版  地方新闻"));
        assert!(wide_digit_furniture("新闻热线：０５５１－１２３４５６７"));
        assert!(
            !wide_digit_furniture("第3版  地方新闻"),
            "ASCII lines are tested elsewhere"
        );
        assert!(!wide_digit_furniture(
            "全镇新建大棚１２０座，带动农户增收。"
        ));
    }

    #[test]
    fn accounts_named_after_their_place() {
        assert_eq!(account_home("青山发布").as_deref(), Some("青山"));
        assert_eq!(account_home("白水融媒").as_deref(), Some("白水"));
        assert_eq!(account_home("青山日报"), None);
        assert_eq!(account_home("发布"), None);
    }

    #[test]
    fn brief_openings_boxes_and_letters() {
        assert!(opens_with_time_clause("入春以来，全镇新修水渠三条。"));
        assert!(opens_with_time_clause("秋收期间，农机手忙个不停。"));
        assert!(!opens_with_time_clause("开展消防演练，提升群众自救能力。"));
        assert!(
            !opens_with_time_clause("自从去年秋天村里修路以来，"),
            "too long"
        );
        assert!(box_line("温馨提示：近期降温，请注意保暖。"));
        assert!(!box_line("镇长说：我们要抓紧时间，争取早日完成。"));
        assert!(!box_line("今天：晴"));
        assert!(letter_salutation("编辑同志："));
        assert!(letter_salutation("尊敬的编辑："));
        assert!(!letter_salutation("各位村民："));
        assert!(!letter_salutation("编辑同志"));
        assert!(letter_label("群众来信"));
        assert!(!letter_label("来信收到后我们很重视"));
        assert_eq!(reader_signature("白水乡 读者 韦春林"), Some("韦春林"));
        assert_eq!(reader_signature("读者 韦春林"), Some("韦春林"));
        assert_eq!(reader_signature("本版编辑 周 岩"), None);
        assert_eq!(reader_signature("欢迎广大读者 来信"), None);
    }

    #[test]
    fn a_correspondent_is_no_dateline() {
        assert!(role_not_dateline("本报通讯员 甲乙", "本报".len()));
        assert!(role_not_dateline("本報通訊員 甲乙", "本報".len()));
        assert!(!role_not_dateline("本报通州讯 近日", "本报".len()));
    }

    #[test]
    fn dated_message_datelines() {
        let d = message_dateline("东江新闻客户端3月9日消息  在白水县青石镇，农户正忙着春耕备播。")
            .expect("app");
        assert_eq!(d.month_day, Some((3, 9)));
        assert_eq!(d.org.as_deref(), Some("东江新闻客户端"));
        assert_eq!(d.place, None);
        let d = message_dateline("据南山通讯社青州１１月２日消息，当地新建的物流园正式投入运营。")
            .expect("cited");
        assert_eq!(d.month_day, Some((11, 2)));
        assert_eq!(d.org.as_deref(), Some("南山通讯社"));
        assert_eq!(d.place.as_deref(), Some("青州"));
        assert!(message_dateline("记者3月9日从县里获悉消息，全县新建公路二十公里。").is_none());
        assert!(message_dateline("据了解，这一消息传开后，村民们纷纷前来报名参加。").is_none());
        assert!(
            message_dateline("东江新闻客户端3月9日消息").is_none(),
            "no text follows"
        );
        assert!(
            message_dateline("东江新闻客户端13月9日消息 在白水县青石镇，农户正忙着春耕。")
                .is_none()
        );
    }
}
