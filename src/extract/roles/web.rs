//! The rules that read the lines of a page copied from a news site, with their
//! neighbours: each line shape of `read::web` makes a headline-like line, a paragraph or
//! a marked line furniture; digest lists, the block of teasers after the story and the
//! rights notice closing the page are furniture as blocks; the headline printed twice
//! is furniture at its first copy, and a line of names alone under a headline is its
//! byline. The table in `rules` names each of them.

use crate::extract::line::{Line, Role};
use crate::extract::read::furniture::{holds_phone, marker_count};
use crate::extract::read::web;
use crate::extract::text::clean::{chars_upto, trim};
use crate::extract::text::shape::{self, Shape};
use crate::extract::text::words::BRIEF_MARKS;

/// The trimmed text of a headline-like line, a paragraph or a marked line: the lines a
/// news site's furniture may have been read as.
fn web_line(lines: &[Line], i: usize) -> Option<&str> {
    let u = lines.get(i)?;
    matches!(u.role, Role::Head | Role::Para | Role::Marker).then(|| trim(u.key()))
}

/// Furniture when the line's text has the shape `test` reads.
fn furniture_if(lines: &[Line], i: usize, test: fn(&str) -> bool) -> Option<Role> {
    web_line(lines, i)
        .is_some_and(test)
        .then_some(Role::Furniture)
}

/// [`furniture_if`] for a shape that cannot be read without the marks `needs` asks of the
/// line (read when the line was made): a line without them is not read at all.
fn furniture_if_marked(
    lines: &[Line],
    i: usize,
    needs: fn(Shape) -> bool,
    test: fn(&str) -> bool,
) -> Option<Role> {
    if !needs(lines.get(i)?.shape) {
        return None;
    }
    furniture_if(lines, i, test)
}

/// The shape of a line that holds a `needed` mark and no sentence's punctuation.
fn without_sentence(s: Shape, needed: u16) -> bool {
    s.has(needed) && s.lacks(shape::SENTENCE)
}

/// `-->`, `class="x">`: markup the page copier left.
pub(crate) fn markup_debris(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(lines, i, |s| s.has(shape::ANGLE), web::markup_debris)
}

/// A phone number or an archive's run of dates alone.
pub(crate) fn figures_only(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if(lines, i, web::figures_only)
}

/// `首页 > 某栏目 > 正文`.
pub(crate) fn breadcrumb(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(
        lines,
        i,
        |s| without_sentence(s, shape::STEP),
        web::breadcrumb,
    )
}

/// `发布日期:2025-01-02 点击数:`: CMS metadata.
pub(crate) fn label_values(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(
        lines,
        i,
        |s| without_sentence(s, shape::COLON),
        web::label_values,
    )
}

/// `频道：甲地 乙地 丙地 丁地 戊地`: a site's menu under its label.
pub(crate) fn labelled_menu(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(
        lines,
        i,
        |s| without_sentence(s, shape::COLON),
        web::labelled_menu,
    )
}

/// `提要：…，…。` right under a headline, above the story's first text: the site's summary
/// of the story, which the text then tells in full.
pub(crate) fn summary_under_headline(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines.get(i)?;
    if !(u.shape.has(shape::COLON) && u.shape.has(shape::SENTENCE)) {
        return None;
    }
    let text = web_line(lines, i)?;
    if !web::labelled_summary(text) {
        return None;
    }
    let above = lines[..i]
        .iter()
        .rev()
        .find(|l| l.role != Role::Furniture)?;
    let below = lines
        .get(i + 1..)?
        .iter()
        .find(|l| l.role != Role::Furniture)?;
    (above.role == Role::Head && matches!(below.role, Role::Para | Role::Opens(_)))
        .then_some(Role::Furniture)
}

/// `2025-01-02 08:30 来源:某某网`.
pub(crate) fn time_stamp(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(
        lines,
        i,
        |s| without_sentence(s, shape::DIGIT),
        web::time_stamp,
    )
}

/// Today's and tomorrow's temperatures.
pub(crate) fn weather_box(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(lines, i, |s| s.has(shape::DEGREE), web::weather)
}

/// `放大 缩小 默认`: a text-size switch.
pub(crate) fn text_size_switch(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if(lines, i, web::text_size_switch)
}

/// `前一版 2025年07月27日`, `下一篇：…`.
pub(crate) fn neighbour_link(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(lines, i, |s| s.chars() <= 40, web::neighbour_link)
}

/// `分享至`.
pub(crate) fn share_widget(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if(lines, i, web::share_widget)
}

/// `本新闻共2页，当前在第1页`.
pub(crate) fn story_pager(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(lines, i, |s| s.chars() <= 40, web::story_pager)
}

/// `demo.jpg`: a picture's file name where the picture was.
pub(crate) fn image_file_name(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if_marked(lines, i, |s| s.has(shape::DOT), web::image_file_name)
}

/// `—分享—`.
pub(crate) fn dash_wrapped_label(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if(lines, i, web::dash_wrapped)
}

/// `【导读】`, `[资料图]`.
pub(crate) fn bracket_label(lines: &[Line], i: usize) -> Option<Role> {
    furniture_if(lines, i, web::bracket_label)
}

/// A byline or author line that is CMS metadata with a date (`发布日期:… 作者:某某`).
pub(crate) fn dated_labels(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines.get(i)?;
    (matches!(u.role, Role::Byline | Role::Author) && web::dated_labels(trim(u.key())))
        .then_some(Role::Furniture)
}

/// A digest list (`导读`, a column of teasers): three or more tight lines in a row that
/// each open with the same marker and hold a headline's words only (at most thirty-one
/// characters, no full stop). The headlines it lists follow below with their text; the
/// list itself is furniture.
pub(crate) fn digest_list(lines: &[Line]) -> Vec<usize> {
    let mark_of = |u: &Line| {
        let t = trim(u.key());
        let first = t.chars().next()?;
        (BRIEF_MARKS.contains(&first) && chars_upto(t, 32) <= 31 && !t.contains(['。', '！', '？']))
            .then_some(first)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(m) = lines.get(i).and_then(mark_of) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while lines
            .get(j)
            .is_some_and(|u| u.gap <= 1 && mark_of(u) == Some(m))
        {
            j += 1;
        }
        if j - i >= 3 {
            out.extend(i..j);
        }
        i = j;
    }
    out
}

/// Text: a line that opens an article or a paragraph.
fn is_text(u: &Line) -> bool {
    u.role.opens() || u.role == Role::Para
}

/// The block of teasers for other stories after a story's text (`相关推荐`): from the
/// label and teaser title right above the first teaser the site cut short
/// ([`web::cut_teaser`]) to the end of the page, when no paragraph after that teaser is
/// long enough to be a story's text (over a hundred characters).
pub(crate) fn teaser_block(lines: &[Line]) -> Vec<usize> {
    // a teaser follows some text of the page's own story
    let Some(first_text) = lines.iter().position(is_text) else {
        return Vec::new();
    };
    let Some(t) = (first_text + 1..lines.len()).find(|&k| {
        lines
            .get(k)
            .is_some_and(|u| is_text(u) && web::cut_teaser(u.key()))
    }) else {
        return Vec::new();
    };
    let story_after = lines.iter().skip(t + 1).any(|u| {
        (is_text(u) || u.role == Role::Marker)
            && !web::cut_teaser(u.key())
            && u.shape.chars().min(101) > 100
    });
    if story_after {
        return Vec::new();
    }
    let mut start = t;
    while start > first_text + 1
        && t - start < 3
        && lines
            .get(start - 1)
            .is_some_and(|u| matches!(u.role, Role::Head | Role::Furniture))
    {
        start -= 1;
    }
    (start..lines.len()).collect()
}

/// A notice closing the page (rights, reprint terms, the source to name): the last line
/// that is not furniture, a paragraph of any length holding two furniture markers.
pub(crate) fn closing_notice(lines: &[Line]) -> Vec<usize> {
    lines
        .iter()
        .rposition(|u| u.role != Role::Furniture)
        .filter(|&k| {
            lines
                .get(k)
                .is_some_and(|u| u.role == Role::Para && marker_count(u.key()) >= 2)
        })
        .into_iter()
        .collect()
}

/// The notices of a page's footer under its story (the rights and reprint terms, the
/// site's licence and phone lines, a slogan between them). From the bottom up the footer
/// is a run of furniture, headline-like lines and paragraphs that hold a furniture
/// marker or a phone number or are short (at most 24 characters); it stops at the first
/// other line (the story's text, an opener). A paragraph of the run holding a marker or
/// a phone number is furniture when a furniture line stands above it in the run (the
/// story closed there: an editor's credit, a share widget, the tags); a short one, when
/// such a line or furniture stands right above and right below it.
pub(crate) fn footer_notices(lines: &[Line]) -> Vec<usize> {
    let notice =
        |u: &Line| u.role == Role::Para && (marker_count(u.key()) >= 1 || holds_phone(u.key()));
    let short = |u: &Line| u.role == Role::Para && u.shape.chars().min(25) <= 24;
    let top = lines
        .iter()
        .rposition(|u| !(matches!(u.role, Role::Furniture | Role::Head) || notice(u) || short(u)))
        .map_or(0, |k| k + 1);
    // a furniture line above a line of the run: the first of the run stands above it
    let first_furniture =
        (top..lines.len()).find(|&k| lines.get(k).is_some_and(|u| u.role == Role::Furniture));
    let closing =
        |k: usize| first_furniture.is_some_and(|f| f < k) && lines.get(k).is_some_and(&notice);
    let footer_line = |k: usize| {
        k >= top && (lines.get(k).is_some_and(|u| u.role == Role::Furniture) || closing(k))
    };
    if !(top..lines.len()).any(closing) {
        return Vec::new();
    }
    (top..lines.len())
        .filter(|&k| {
            closing(k)
                || (lines.get(k).is_some_and(|u| short(u) && !notice(u))
                    && k > top
                    && footer_line(k - 1)
                    && footer_line(k + 1))
        })
        .collect()
}

/// The headline printed twice (the page's title, then the story's headline): a
/// headline-like line whose words come again in a headline-like line at most four lines
/// further down, with only furniture between. The first copy is the page title.
pub(crate) fn page_title_repeated(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines.get(i)?;
    if u.role != Role::Head {
        return None;
    }
    let next = lines
        .iter()
        .take(i + 5)
        .skip(i + 1)
        .find(|x| x.role != Role::Furniture)?;
    // two lines that squeeze alike have as many characters (white space aside): the
    // counts read when the lines were made are compared first
    (next.role == Role::Head
        && next.shape.chars() == u.shape.chars()
        && next.squeezed() == u.squeezed())
    .then_some(Role::Furniture)
}

/// A byline without a role ([`web::names_only`]): the line right under a headline-like
/// line, with the story's opener (a dateline), a picture's caption and credit over it,
/// or a paragraph of running text right below.
pub(crate) fn roleless_byline(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines.get(i)?;
    if !matches!(u.role, Role::Head | Role::Para) {
        return None;
    }
    // the neighbours first: reading the line's names costs more than looking around it
    // the headline may stand above a time line or other furniture (moved above it later)
    let under_head = lines
        .get(i.saturating_sub(4)..i)
        .and_then(|above| above.iter().rev().find(|p| p.role != Role::Furniture))
        .is_some_and(|p| p.role == Role::Head);
    // the story's opener, a picture over it, or a paragraph of running text (a story
    // with no dateline)
    let opener_below = || match lines.get(i + 1).map(|x| x.role) {
        Some(r) if r.opens() => true,
        Some(Role::Para) => {
            picture_before_opener(lines, i + 1).is_some()
                || lines.get(i + 1).is_some_and(|x| running_text(x.key()))
        }
        _ => false,
    };
    (under_head && opener_below() && web::names_only(u.key())).then_some(Role::Byline)
}

/// A paragraph of running text: forty characters or more, with a sentence's comma or
/// full stop.
fn running_text(t: &str) -> bool {
    chars_upto(t, 40) >= 40 && t.contains(['，', ',', '。'])
}

/// A picture between a headline block and the story's opener: a caption of one
/// sentence (at most sixty characters) at `k`, its credit right under it (or closing its
/// line, [`web::trailing_credit`]), and the opener right under that. The index of the
/// opener.
pub(crate) fn picture_before_opener(lines: &[Line], k: usize) -> Option<usize> {
    let cap = lines.get(k)?;
    if cap.role != Role::Para {
        return None;
    }
    let t = trim(cap.key());
    let n = cap.shape.chars();
    if n <= 72 && web::trailing_credit(t) {
        return lines.get(k + 1)?.role.opens().then_some(k + 1);
    }
    let credit = lines.get(k + 1)?;
    let opener = lines.get(k + 2)?;
    let one_sentence =
        || n <= 60 && t.ends_with(['。', '.', '！']) && t.matches(['。', '！', '？']).count() <= 1;
    (credit.role == Role::Credit && opener.role.opens() && one_sentence()).then_some(k + 2)
}
