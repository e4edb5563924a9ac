//! What does a line copied from a news site say? The shapes of the lines a web page
//! carries around its story and a PDF page does not, read from the line alone and never
//! from the words of one site: markup left by the copier, figures without words,
//! breadcrumb trails, CMS `label:value` metadata, time stamps, weather boxes, dash- and
//! bracket-wrapped labels, teasers cut short; and in a web story's headline block, a line
//! of names alone, a caption closed by its credit, a short title quoting its key word.
//! (Which of them are furniture on a page is the business of `roles::web`.)

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::read::byline;
use crate::extract::read::labels::{bracketed_names, comment_label, is_box_label};
use crate::extract::text::clean::{chars, chars_upto, has_ascii_digit, is_han, trim};
use crate::extract::text::fold::is_digit;
use crate::extract::text::words::SENTENCE_MARKS;

/// Markup a page copier left in the text: an HTML comment's ends (`-->`, `<!--`) or an
/// attribute closing its tag (`class="x">`). No sentence of news holds either.
pub(crate) fn markup_debris(t: &str) -> bool {
    // every form holds an angle bracket; most lines hold none
    if memchr::memchr2(b'<', b'>', t.as_bytes()).is_none() {
        return false;
    }
    t.contains("-->") || t.contains("<!--") || (t.trim_end().ends_with('>') && t.contains("=\""))
}

/// A line of figures without words: no Han character and at least six digits (a phone
/// number alone, an archive's run of dates and issue numbers `2025-01-02,1234| …`).
pub(crate) fn figures_only(t: &str) -> bool {
    let mut digits = 0usize;
    for c in t.chars() {
        if is_han(c) {
            return false;
        }
        digits += usize::from(is_digit(c));
    }
    digits >= 6
}

/// The separators of a breadcrumb trail.
const STEP_MARKS: [char; 4] = ['>', '＞', '»', '›'];

/// A breadcrumb trail: three or more short steps (at most fourteen characters each)
/// joined by `>` (`首页 > 某栏目 > 正文`), with nothing of a sentence in it. On a line
/// holding `<`, an ASCII `>` closes a tag (`某镇<b>某事</b>`) and separates nothing.
pub(crate) fn breadcrumb(t: &str) -> bool {
    // running text shows a comma within its first characters: asked first
    if t.contains(SENTENCE_MARKS) {
        return false;
    }
    let marks: &[char] = if t.contains('<') {
        &STEP_MARKS[1..]
    } else {
        &STEP_MARKS
    };
    if !t.contains(marks) {
        return false;
    }
    let steps: Vec<&str> = t.split(marks).map(str::trim).collect();
    steps.len() >= 3 && steps.iter().all(|s| (1..=14).contains(&chars(s)))
}

/// The labels of a `label:value` line: where a colon stands right after two to six Han
/// characters that open the line or follow white space or a bar. Each label's byte
/// offset and the byte offset after its colon.
fn labels(t: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = Some(0);
    let mut han_run = 0usize;
    for (i, c) in t.char_indices() {
        if matches!(c, ':' | '：') {
            if let Some(s) = start
                && (2..=6).contains(&han_run)
            {
                out.push((s, i + c.len_utf8()));
            }
            start = None;
            han_run = 0;
        } else if c.is_whitespace() || matches!(c, '|' | '｜') {
            start = Some(i + c.len_utf8());
            han_run = 0;
        } else if is_han(c) {
            han_run += 1;
        } else {
            start = None;
            han_run = 0;
        }
    }
    out
}

/// A menu under its label (`频道：甲地 乙地 丙地 丁地 戊地`): a label of two to six Han
/// characters opening the line, its colon, then five or more short entries (at most six
/// characters each) parted by white space or bars, and no sentence's punctuation. A
/// sentence lists places with 、 and words around them.
pub(crate) fn labelled_menu(t: &str) -> bool {
    if t.contains(SENTENCE_MARKS) {
        return false;
    }
    let Some(&(0, after)) = labels(t).first() else {
        return false;
    };
    let entries: Vec<&str> = t
        .get(after..)
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜'))
        .filter(|e| !e.is_empty())
        .collect();
    entries.len() >= 5 && entries.iter().all(|e| chars_upto(e, 7) <= 6)
}

/// A summary a news site prints under the headline with its label (`提要：…`): a label of
/// two to four Han characters opening the line, its colon, and a sentence of at least
/// twenty-eight characters with a comma or a full stop. A headline that quotes a speaker
/// (`某某：…，…`) is shorter after its colon.
pub(crate) fn labelled_summary(t: &str) -> bool {
    let Some(&(0, after)) = labels(t).first() else {
        return false;
    };
    let label = t.get(..after).unwrap_or("");
    if !(3..=5).contains(&chars(label)) {
        return false;
    }
    let rest = t.get(after..).unwrap_or("").trim();
    chars_upto(rest, 28) >= 28 && rest.contains(SENTENCE_MARKS)
}

/// CMS metadata as `label:value` (`刊发日期:2025-01-02 阅读次数: 作者:某某`, `当前版:03版`):
/// a short line (at most forty characters) without sentence punctuation that holds two
/// or more labels, or opens with one whose value is mostly figures (a date, a count, a
/// page number). A headline opened by a place and a colon has words after it.
pub(crate) fn label_values(t: &str) -> bool {
    if t.len() > 160
        || !t.contains([':', '：'])
        || t.contains(SENTENCE_MARKS)
        || chars_upto(t, 41) > 40
    {
        return false;
    }
    let found = labels(t);
    if found.len() >= 2 {
        return true;
    }
    let Some(&(0, after)) = found.first() else {
        return false;
    };
    let value = t.get(after..).unwrap_or("").trim();
    let n = chars(value);
    let figures = value.chars().filter(char::is_ascii_digit).count();
    // an empty value is a kicker's place (`某县:`) or a notice's salutation as often
    n <= 20 && figures > 0 && figures * 2 >= n
}

/// A byline-like line that is CMS metadata all the same: two or more `label:value`
/// pairs, one of whose values holds a figure (`发布日期:2025-01-02 作者:某某`). A byline
/// (`记者:甲 通讯员:乙`) has no figure.
pub(crate) fn dated_labels(t: &str) -> bool {
    if !label_values(t) {
        return false;
    }
    let found = labels(t);
    found.len() >= 2
        && found.iter().any(|&(_, after)| {
            t.get(after..)
                .and_then(|r| r.split_whitespace().next())
                .is_some_and(has_ascii_digit)
        })
}

/// A date with a clock time: `2025-06-03 07:16`, `2025/6/3 7:16:05`, `2025年6月3日 07:16`.
static TIME_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}")
        .unwrap_or_else(|_| unreachable!())
});

/// A time stamp line: a date with a clock time and at most twenty-four more characters
/// (the source, the author, a font-size button), no sentence: the moment a CMS printed
/// its story, never text.
pub(crate) fn time_stamp(t: &str) -> bool {
    if t.len() > 200 || t.contains(SENTENCE_MARKS) || !has_ascii_digit(t) {
        return false;
    }
    let Some(m) = TIME_STAMP.find(t) else {
        return false;
    };
    chars(t) <= chars(m.as_str()) + 24
}

/// A temperature range (`19~24℃`, `-3～5°C`).
static TEMPERATURE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-?\d{1,2}\s*(?:℃|°C)?\s*[~～]\s*-?\d{1,2}\s*(?:℃|°C)")
        .unwrap_or_else(|_| unreachable!())
});

/// A weather box: a line of at most sixty characters holding two temperature ranges
/// (today's and tomorrow's).
pub(crate) fn weather(t: &str) -> bool {
    // sixty characters take at most 240 bytes
    t.len() <= 240
        && t.contains(['℃', '°'])
        && chars_upto(t, 61) <= 60
        && TEMPERATURE_RANGE.find_iter(t).count() >= 2
}

/// A time of day in the line (`07:15`, `14:39:21`): two digits, a colon and two digits,
/// as a site's story stamp prints it and a paper's issue date does not.
pub(crate) fn tells_time_of_day(t: &str) -> bool {
    let c: Vec<char> = t.chars().collect();
    c.windows(5).any(|w| {
        w.get(2) == Some(&':')
            && [0, 1, 3, 4]
                .iter()
                .all(|&k| w.get(k).is_some_and(char::is_ascii_digit))
    })
}

/// The buttons of a text-size switch: a line of these words alone (`放大 缩小 默认`).
const TEXT_SIZE_WORDS: [&str; 10] = [
    "放大", "缩小", "默认", "大", "中", "小", "字体", "字号", "大字", "小字",
];

/// A text-size switch: two or more words, every one a button's ([`TEXT_SIZE_WORDS`]),
/// with `放大` or `缩小` among them (`大 中 小` alone may be anything's).
pub(crate) fn text_size_switch(t: &str) -> bool {
    // one of the two buttons is always there: looked for before the words are cut
    if t.len() > 60 || !(t.contains("放大") || t.contains("缩小")) {
        return false;
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '/' | '：' | ':'))
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 2
        && words.iter().all(|w| TEXT_SIZE_WORDS.contains(w))
        && words.iter().any(|w| matches!(*w, "放大" | "缩小"))
}

/// The words that link to the story or page before or after this one.
const NEIGHBOUR_LINKS: [&str; 10] = [
    "上一篇",
    "下一篇",
    "上一版",
    "下一版",
    "前一版",
    "后一版",
    "上一页",
    "下一页",
    "上一条",
    "下一条",
];

/// A link to the neighbouring story or page (`前一版 2025年07月27日`, `下一篇：某某`):
/// the line opens with the link's words, and a date or a headline at most may follow (no
/// clause of a sentence).
pub(crate) fn neighbour_link(t: &str) -> bool {
    NEIGHBOUR_LINKS.iter().any(|w| t.starts_with(w))
        && chars_upto(t, 41) <= 40
        && !t.contains(['，', ',', '。'])
}

/// A share widget's label alone (`分享至`, `分享到：`), its buttons' names after it at
/// most (`分享到 微信 微博`: two to four characters each).
pub(crate) fn share_widget(t: &str) -> bool {
    let Some(rest) = t
        .strip_prefix("分享至")
        .or_else(|| t.strip_prefix("分享到"))
    else {
        return false;
    };
    rest.trim_start_matches([':', '：'])
        .split_whitespace()
        .all(|w| (2..=4).contains(&w.chars().count()))
}

/// A story's pager (`本新闻共2页，当前在第1页 1 2`): how many pages the story has and
/// which one this is, then page numbers at most (no words: `…第3页讲的是…` is text).
pub(crate) fn story_pager(t: &str) -> bool {
    t.contains('页')
        && chars_upto(t, 41) <= 40
        && PAGER
            .find(t)
            .is_some_and(|m| !t.get(m.end()..).unwrap_or("").chars().any(is_han))
}

static PAGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"共\s*\d{1,3}\s*页.{0,8}第\s*\d{1,3}\s*页").expect("pager pattern compiles")
});

/// An image's file name alone (`demo.jpg`, `IMG_0012.JPG`, `3-某某.jpg`): what a page
/// copier leaves where the picture was. A stem of Han characters only (`某镇.jpg`) is not
/// taken for one: a file is numbered or spelled in letters somewhere in its name.
pub(crate) fn image_file_name(t: &str) -> bool {
    let Some((stem, ext)) = t.rsplit_once('.') else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "bmp"
    ) && (1..=60).contains(&stem.len())
        && (stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            || (chars_upto(stem, 21) <= 20
                && stem.chars().any(|c| c.is_ascii_alphanumeric())
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || is_han(c))))
}

/// A line that opens with an image's file name glued to the text after it
/// (`3-某某.jpg某某 某村文化活动室管理员`): the byte length of the file name, when the
/// text after it is more than a file name's end.
pub(crate) fn leading_image_file_name(t: &str) -> Option<usize> {
    let head = t.get(..t.len().min(90)).unwrap_or(t);
    let lower = head.to_ascii_lowercase();
    [".jpeg", ".jpg", ".png", ".gif", ".webp", ".bmp"]
        .iter()
        .filter_map(|ext| lower.find(ext).map(|at| at + ext.len()))
        .min()
        .filter(|&end| end < t.len() && t.get(..end).is_some_and(image_file_name))
}

/// Dashes that wrap a widget's label.
const DASHES: [char; 5] = ['—', '-', '─', '－', '–'];

/// A widget's label wrapped in dashes (`—分享—`): one to six Han characters between a
/// dash at each end.
pub(crate) fn dash_wrapped(t: &str) -> bool {
    let Some(inner) = t
        .strip_prefix(DASHES)
        .and_then(|r| r.strip_suffix(DASHES))
        .map(|r| r.trim_matches(DASHES).trim())
    else {
        return false;
    };
    (1..=6).contains(&inner.chars().count()) && inner.chars().all(is_han)
}

/// A section or placeholder label alone in brackets (`【导读】`, `[资料图]`): one to six Han
/// characters. A commentary column's label (it makes its piece an opinion) and the label
/// of a box that belongs to the article above are not.
pub(crate) fn bracket_label(t: &str) -> bool {
    let Some(inner) = t
        .strip_prefix(['【', '[', '〔'])
        .and_then(|r| r.strip_suffix(['】', ']', '〕']))
    else {
        return false;
    };
    let inner = inner.trim();
    (1..=6).contains(&inner.chars().count())
        && inner.chars().all(is_han)
        && !comment_label(t)
        && !is_box_label(inner)
}

/// A teaser the site cut short: a paragraph of at most 150 characters that ends in an
/// ellipsis of dots (`...`) or a single `…` right after a word, where a story's own text
/// ends a sentence (or quotes a pause with a double `……`).
pub(crate) fn cut_teaser(t: &str) -> bool {
    let t = t.trim_end();
    let Some(body) = t.strip_suffix("...").or_else(|| t.strip_suffix('…')) else {
        return false;
    };
    let Some(last) = body.chars().last() else {
        return false;
    };
    (is_han(last) || last.is_ascii_alphanumeric()) && chars_upto(t, 151) <= 150
}

/// A line of people's names and nothing else: two or three tokens of two or three Han
/// characters that read as names (`甲乙丙 丁戊`), or names alone in brackets (`（甲乙丙）`).
pub(crate) fn names_only(t: &str) -> bool {
    let t = trim(t);
    if bracketed_names(t).is_some() {
        return true;
    }
    let toks: Vec<&str> = t.split_whitespace().collect();
    !byline::has_role(t)
        && (2..=3).contains(&toks.len())
        && toks.iter().all(|w| {
            (2..=3).contains(&w.chars().count()) && w.chars().all(is_han) && byline::is_name(w)
        })
}

/// A photographer's credit closing a caption on its own line, without brackets
/// (`…焕然一新。某某 摄`): the words after the caption's last full stop, at most ten
/// characters, ending in `摄` and read as a photo credit. `t` is a line's matching key.
pub(crate) fn trailing_credit(t: &str) -> bool {
    let Some(stop) = t.rfind(['。', '！']) else {
        return false;
    };
    let credit = t
        .get(stop..)
        .unwrap_or("")
        .trim_start_matches(['。', '！'])
        .trim();
    credit.ends_with('摄')
        && (2..=10).contains(&chars(credit))
        && byline::parse(credit).is_some_and(|p| p.photo)
}

/// A short first headline line that quotes its key word (`老街“焕颜”`: a noun and a
/// quoted figure of speech): the punchy main title over a longer factual subtitle, not a
/// label over the title (a kicker that labels names a place or a frame, without quotes).
pub(crate) fn quoted_short_title(line: &str) -> bool {
    let t = trim(line);
    let open = t.find(['“', '「', '"']);
    let close = t.rfind(['”', '」', '"']);
    matches!((open, close), (Some(a), Some(b)) if a > 0 && b > a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        assert!(markup_debris(
            "--> 2025-01-02 某某 1 1 content_1.html /prop-->"
        ));
        assert!(markup_debris("Photo\" style=\"display:none\">"));
        assert!(!markup_debris("他说：“好。”"));
        assert!(figures_only("0571-88886666"));
        assert!(figures_only("2025-01-02,101| 2025-01-01,99|"));
        assert!(!figures_only("2025年1月2日"));
        assert!(breadcrumb("首页 > 本地新闻 > 正文"));
        assert!(!breadcrumb("气温>30度"));
        assert!(!breadcrumb("某镇<b>运动会</b>开幕"), "tags are not steps");
        assert!(breadcrumb("首页 ＞ 本地 ＞ <正文>"));
        assert!(label_values("发布日期:2025-01-02 点击数: 作者:某某"));
        assert!(label_values("当前版:05版"));
        assert!(!label_values("辖区各位家长："));
        assert!(dated_labels("刊发日期:2025-06-20 作者:某某"));
        assert!(!dated_labels("记者:王明 通讯员:李华"));
        assert!(!label_values("青山县："));
        assert!(!label_values("柳溪镇：3万亩油菜花开"));
        assert!(time_stamp("某某日报 2025-01-02 08:30 大字"));
        assert!(time_stamp("2025-01-02 08:30:15 来源: 某某网"));
        assert!(!time_stamp("1月2日8:30，会议召开。"));
        assert!(weather("天气:今天,阴,气温5~9℃;明天,晴,气温3~11℃。"));
        assert!(!weather("今天最高气温30℃。"));
        assert!(dash_wrapped("—转发—"));
        assert!(!dash_wrapped("——访某局局长"));
        assert!(bracket_label("【本期提要】"));
        assert!(!bracket_label("【相关链接】"));
        assert!(!bracket_label("【青山时评】"));
        assert!(tells_time_of_day("2025-07-08 07:15:23 来源：某某网"));
        assert!(!tells_time_of_day("2025年6月10日 星期二 第1128期"));
        assert!(text_size_switch("放大 缩小 默认"));
        assert!(text_size_switch("字号：大 中 小 放大"));
        assert!(!text_size_switch("大 中 小"));
        assert!(!text_size_switch("放大招"));
        assert!(neighbour_link("前一版 2025年07月27日"));
        assert!(neighbour_link("下一篇：某镇召开春耕会议"));
        assert!(!neighbour_link(
            "上一篇文章里说过，某镇今年种了三千亩油菜，全村人都来帮忙收割晾晒。"
        ));
        assert!(share_widget("分享至"));
        assert!(share_widget("分享到： 微信 微博 QQ空间"));
        assert!(!share_widget("分享到朋友圈的照片里，老街的样子全变了"));
        assert!(story_pager("本新闻共2页,当前在第01页  0102"));
        assert!(!story_pager("全书共12页，第3页讲的是老街的来历"));
        assert!(image_file_name("demo.jpg"));
        assert!(image_file_name("IMG_20250102-1.JPEG"));
        assert!(!image_file_name("某镇.jpg"));
        assert!(image_file_name("3-某某.jpg"));
        assert!(!image_file_name("某镇召开会议，3人.jpg"));
        assert_eq!(
            leading_image_file_name("3-某某.jpg某某 某村文化活动室管理员"),
            Some(12)
        );
        assert_eq!(leading_image_file_name("demo.jpg"), None);
        assert_eq!(
            leading_image_file_name("村民在广场上跳舞。某某 摄.jpg"),
            None
        );
        assert!(!image_file_name("www.example.com"));
        assert!(cut_teaser(
            "某村本报讯(记者 某某)1月2日,村民在广场散步。只见..."
        ));
        assert!(!cut_teaser("他说：“再等等……”"));
    }

    #[test]
    fn headline_block_shapes() {
        assert!(names_only("王小明 李华"));
        assert!(names_only("（王小明）"));
        assert!(!names_only("春风又绿 江南岸"));
        assert!(!names_only("记者 王小明"));
        assert!(trailing_credit("新修的步道干净整洁。王小明 摄"));
        assert!(!trailing_credit("新修的步道干净整洁。"));
        assert!(quoted_short_title("老街“焕颜”"));
        assert!(!quoted_short_title("青山县"));
        assert!(!quoted_short_title("“三夏”"));
    }
}
