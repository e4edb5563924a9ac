//! The ordered table of named rules that give a line its role in the light of its
//! neighbours, after the first look (see the table in `extract`'s module doc).
//!
//! The table is a list of passes; a pass walks the page's lines in order and gives each
//! line the role of the first of its rules that decides one, so a line sees the roles its
//! predecessors got in the same pass. A new rule is one [`RoleRule`] in the pass whose
//! roles it needs to see, named by what it recognises, with a test of that name in
//! `tests/extract_roles.rs`.

use crate::extract::line::{Line, Opener, Role};
use crate::extract::read::byline::office_credit;
use crate::extract::read::dates::lead_month_day;
use crate::extract::read::furniture::page_navigation;
use crate::extract::read::labels::{
    author_note, box_line, bracketed_page_number, letter_label, letter_salutation, notice_title,
    question_turn, reader_signature, salutation, spaced_name,
};
use crate::extract::roles::header;
use crate::extract::roles::web;
use crate::extract::text::clean::{has_ascii_digit, is_han, squeeze, trim};
use crate::extract::text::shape;
use crate::extract::text::words::BRIEF_MARKS;

/// A named rule: the role of line `i` among `lines`, or `None` when it does not apply.
pub(crate) struct RoleRule {
    /// The rule's name, printed by `--explain`.
    pub(crate) name: &'static str,
    /// The test.
    pub(crate) rule: fn(&[Line], usize) -> Option<Role>,
}

/// A named rule that reads the page whole: the lines it gives `role`.
pub(crate) struct BlockRule {
    /// The rule's name, printed by `--explain`.
    pub(crate) name: &'static str,
    /// The role it gives.
    pub(crate) role: Role,
    /// The lines it finds, by index.
    pub(crate) rule: fn(&[Line]) -> Vec<usize>,
}

/// A pass of the table.
pub(crate) enum Pass {
    /// Walks the lines, giving each the role of the first rule that applies.
    Lines(&'static [RoleRule]),
    /// Gives the lines one rule finds on the whole page its role.
    Block(BlockRule),
}

/// The passes, in order.
pub(crate) const PASSES: [Pass; 14] = [
    Pass::Lines(&NEIGHBOURS),
    Pass::Lines(&INTERVIEWS_AND_CREDITS),
    Pass::Lines(&LETTERS),
    Pass::Lines(&WEB_LINES),
    Pass::Block(BlockRule {
        name: "digest-list",
        role: Role::Furniture,
        rule: web::digest_list,
    }),
    Pass::Block(BlockRule {
        name: "teaser-block",
        role: Role::Furniture,
        rule: web::teaser_block,
    }),
    Pass::Block(BlockRule {
        name: "dated-items",
        role: Role::Opens(Opener::Dated),
        rule: dated_items,
    }),
    Pass::Block(BlockRule {
        name: "closing-notice",
        role: Role::Furniture,
        rule: web::closing_notice,
    }),
    Pass::Block(BlockRule {
        name: "footer-notices",
        role: Role::Furniture,
        rule: web::footer_notices,
    }),
    Pass::Lines(&WEB_HEADLINE_BLOCK),
    Pass::Block(BlockRule {
        name: HEADER_SCORE,
        role: Role::Furniture,
        rule: header::not_headlines,
    }),
    Pass::Lines(&AFTER_HEADER_SCORE),
    Pass::Block(BlockRule {
        name: "digest-over-dated-items",
        role: Role::Furniture,
        rule: digest_over_dated_items,
    }),
    // again, for a log the digest above it hid
    Pass::Block(BlockRule {
        name: "dated-items",
        role: Role::Opens(Opener::Dated),
        rule: dated_items,
    }),
];

/// The name of the last pass: the header model (`roles::header`).
pub(crate) const HEADER_SCORE: &str = "header-score";

/// The name of the rule that makes an image's file name furniture.
pub(crate) const IMAGE_FILE_NAME: &str = "image-file-name";

/// Applies the passes to the lines of a page, up to the block pass named `stop` (all of
/// them when `None`).
pub(crate) fn apply_before(lines: &mut [Line], stop: Option<&str>) {
    for pass in &PASSES {
        if let (Pass::Block(b), Some(name)) = (pass, stop)
            && b.name == name
        {
            return;
        }
        match pass {
            Pass::Lines(rules) => {
                for i in 0..lines.len() {
                    if let Some((role, name)) = rules
                        .iter()
                        .find_map(|r| (r.rule)(lines, i).map(|role| (role, r.name)))
                        && let Some(l) = lines.get_mut(i)
                    {
                        l.set(role, name);
                    }
                }
            }
            Pass::Block(b) => {
                for k in (b.rule)(lines) {
                    if let Some(l) = lines.get_mut(k) {
                        l.set(b.role, b.name);
                    }
                }
            }
        }
    }
}

/// A log of dated items (a township's or a department's work log, a 大事记): a run of at
/// least three paragraphs in a row, each opening with a month and day (`9月12日，…`) or
/// naming them right after a short first clause (`为…，9月12日，…`), with nothing above
/// the run but furniture, and no two opening alike (the captions of a picture story
/// repeat one opening: `10月10日，在某县某场，…` under each picture). Each paragraph is
/// an item of its own. A chronology inside a story stands under its headline or its
/// opening text, so it is never such a run.
fn dated_items(lines: &[Line]) -> Vec<usize> {
    let Some(first) = lines.iter().position(|u| u.role != Role::Furniture) else {
        return Vec::new();
    };
    dated_run(lines, first)
}

/// The log of dated items that starts at line `first`: at least three dated lines in a
/// row, none opening like another (see [`dated_items`]). A dated line is a paragraph, or
/// the line the text ends on when a cut left it without its full stop (it reads as a
/// headline then).
fn dated_run(lines: &[Line], first: usize) -> Vec<usize> {
    let last_text = lines.iter().rposition(|u| u.role != Role::Furniture);
    let dated = |k: usize| {
        lines.get(k).is_some_and(|u| {
            let cut_last = u.role == Role::Head && Some(k) == last_text && u.shape.chars() >= 20;
            (u.role == Role::Para || cut_last) && opens_with_month_day(u.key())
        })
    };
    let run: Vec<usize> = (first..lines.len()).take_while(|&k| dated(k)).collect();
    if run.len() < 3 {
        return Vec::new();
    }
    let mut openings: Vec<String> = run
        .iter()
        .filter_map(|&k| lines.get(k))
        .map(|u| squeeze(u.key()).chars().take(16).collect())
        .collect();
    openings.sort_unstable();
    openings.dedup();
    if openings.len() == run.len() {
        run
    } else {
        Vec::new()
    }
}

/// A digest over a log of dated items (a daily newsletter: the day's headlines, then its
/// column's label, then the items, each a dated paragraph without a headline): three or
/// more headline-like lines under the page's furniture, the last a label of at most six
/// characters, right above a log as [`dated_items`] reads it. The headlines repeat what
/// the items tell; they and the label are furniture. A story's chronology has one
/// headline block of at most three lines, the last its title.
fn digest_over_dated_items(lines: &[Line]) -> Vec<usize> {
    let Some(first) = lines.iter().position(|u| u.role != Role::Furniture) else {
        return Vec::new();
    };
    let Some(text) = (first..lines.len()).find(|&k| {
        lines
            .get(k)
            .is_some_and(|u| !matches!(u.role, Role::Head | Role::Furniture))
    }) else {
        return Vec::new();
    };
    let heads: Vec<usize> = (first..text)
        .filter(|&k| lines.get(k).is_some_and(|u| u.role == Role::Head))
        .collect();
    let label_short = heads
        .last()
        .and_then(|&k| lines.get(k))
        .is_some_and(|u| u.shape.chars() <= 6);
    if heads.len() < 4 || !label_short || heads.last() != Some(&(text - 1)) {
        return Vec::new();
    }
    if dated_run(lines, text).is_empty() {
        return Vec::new();
    }
    heads
}

/// Whether a paragraph opens with a month and day, or names them right after a first
/// clause of at most 20 characters (`为扎实推进…，9月12日，…`).
fn opens_with_month_day(t: &str) -> bool {
    if lead_month_day(t).is_some() {
        return true;
    }
    t.char_indices()
        .take(21)
        .find(|&(_, c)| matches!(c, '，' | ','))
        .and_then(|(k, c)| t.get(k + c.len_utf8()..))
        .is_some_and(|rest| lead_month_day(rest).is_some())
}

/// Short headline-like lines and paragraphs read with the lines around them.
const NEIGHBOURS: [RoleRule; 5] = [
    RoleRule {
        name: "page-navigation",
        rule: page_navigation_line,
    },
    RoleRule {
        name: "brief-column-label",
        rule: brief_column_label,
    },
    RoleRule {
        name: "notice-salutation",
        rule: notice_salutation,
    },
    RoleRule {
        name: "author-note",
        rule: closing_author_note,
    },
    RoleRule {
        name: "pen-name",
        rule: pen_name,
    },
];

/// Lines of interviews, page numbers and office photo credits, each read alone.
const INTERVIEWS_AND_CREDITS: [RoleRule; 4] = [
    RoleRule {
        name: "interview-subtitle",
        rule: interview_subtitle,
    },
    RoleRule {
        name: "interview-question",
        rule: interview_question,
    },
    RoleRule {
        name: "bracketed-page-number",
        rule: page_number,
    },
    RoleRule {
        name: "office-credit",
        rule: office_photo_credit,
    },
];

/// Service boxes and readers' letters.
const LETTERS: [RoleRule; 4] = [
    RoleRule {
        name: "service-box-line",
        rule: service_box_line,
    },
    RoleRule {
        name: "letter-salutation",
        rule: letter_opening,
    },
    RoleRule {
        name: "letter-column-label",
        rule: letter_column_label,
    },
    RoleRule {
        name: "reader-signature",
        rule: letter_signature,
    },
];

/// Lines of pages copied from news sites, each read by its shape (`read::web`).
const WEB_LINES: [RoleRule; 14] = [
    RoleRule {
        name: "markup-debris",
        rule: web::markup_debris,
    },
    RoleRule {
        name: "figures-only",
        rule: web::figures_only,
    },
    RoleRule {
        name: "breadcrumb-trail",
        rule: web::breadcrumb,
    },
    RoleRule {
        name: "label-values",
        rule: web::label_values,
    },
    RoleRule {
        name: "time-stamp",
        rule: web::time_stamp,
    },
    RoleRule {
        name: "weather-box",
        rule: web::weather_box,
    },
    RoleRule {
        name: "dash-wrapped-label",
        rule: web::dash_wrapped_label,
    },
    RoleRule {
        name: "bracket-label",
        rule: web::bracket_label,
    },
    RoleRule {
        name: "dated-labels",
        rule: web::dated_labels,
    },
    RoleRule {
        name: "text-size-switch",
        rule: web::text_size_switch,
    },
    RoleRule {
        name: "neighbour-link",
        rule: web::neighbour_link,
    },
    RoleRule {
        name: "share-widget",
        rule: web::share_widget,
    },
    RoleRule {
        name: "story-pager",
        rule: web::story_pager,
    },
    RoleRule {
        name: IMAGE_FILE_NAME,
        rule: web::image_file_name,
    },
];

/// Labelled lines of a news site's header the header model cannot see for what they are
/// (a menu under its label, the site's summary of the story), read after it: the model is
/// fitted on the roles the passes before it give, and these leave them as they were.
const AFTER_HEADER_SCORE: [RoleRule; 2] = [
    RoleRule {
        name: "labelled-menu",
        rule: web::labelled_menu,
    },
    RoleRule {
        name: "summary-under-headline",
        rule: web::summary_under_headline,
    },
];

/// A web story's headline block, after its furniture is known.
const WEB_HEADLINE_BLOCK: [RoleRule; 2] = [
    RoleRule {
        name: "page-title-repeated",
        rule: web::page_title_repeated,
    },
    RoleRule {
        name: "roleless-byline",
        rule: web::roleless_byline,
    },
];

/// A short headline-like line or paragraph (at most 240 bytes) and its trimmed text.
fn short_head_or_para(lines: &[Line], i: usize) -> Option<(&Line, &str)> {
    let u = lines.get(i)?;
    (matches!(u.role, Role::Head | Role::Para) && u.key().len() <= 240).then(|| (u, trim(u.key())))
}

/// `A12 | 大湾区`: every form holds a page number.
fn page_navigation_line(lines: &[Line], i: usize) -> Option<Role> {
    // two to twenty-four characters with a page number's digits
    let s = lines.get(i)?.shape;
    if !(2..=24).contains(&s.chars()) || s.lacks(shape::DIGIT) {
        return None;
    }
    let (_, text) = short_head_or_para(lines, i)?;
    (has_ascii_digit(text) && page_navigation(text)).then_some(Role::Furniture)
}

/// A brief column's label (`短讯`) right above a marked item.
fn brief_column_label(lines: &[Line], i: usize) -> Option<Role> {
    // the label has at most six characters
    if lines.get(i)?.shape.chars() > 6 {
        return None;
    }
    let (u, _) = short_head_or_para(lines, i)?;
    let next = lines.get(i + 1);
    (u.role == Role::Head
        && next.is_some_and(|x| x.role == Role::Head || x.key().starts_with(BRIEF_MARKS))
        && brief_label(lines, i))
    .then_some(Role::Furniture)
}

/// A notice's salutation under its title is its text.
fn notice_salutation(lines: &[Line], i: usize) -> Option<Role> {
    // it ends in a colon
    if lines.get(i)?.shape.lacks(shape::COLON) {
        return None;
    }
    let (_, text) = short_head_or_para(lines, i)?;
    let prev = i.checked_sub(1).and_then(|j| lines.get(j));
    (text.ends_with(['：', ':'])
        && salutation(text)
        && prev.is_some_and(|p| p.role == Role::Head && notice_title(p.key())))
    .then_some(Role::Para)
}

/// An author's note closing a commentary (`（作者系…）`) is text.
fn closing_author_note(lines: &[Line], i: usize) -> Option<Role> {
    let (u, text) = short_head_or_para(lines, i)?;
    (u.role == Role::Head && text.starts_with(['(', '（']) && author_note(text))
        .then_some(Role::Para)
}

/// A name without a role under a headline, over the text: a pen name (a contributor).
fn pen_name(lines: &[Line], i: usize) -> Option<Role> {
    // two or three characters spaced apart
    let s = lines.get(i)?.shape;
    if s.lacks(shape::SPACE) || !(2..=3).contains(&s.chars()) {
        return None;
    }
    let (u, text) = short_head_or_para(lines, i)?;
    let prev = i.checked_sub(1).and_then(|j| lines.get(j));
    let next = lines.get(i + 1);
    (u.role == Role::Head
        && text.contains(char::is_whitespace)
        && prev.is_some_and(|p| p.role == Role::Head)
        && next.is_some_and(|x| x.role == Role::Para)
        && spaced_name(text))
    .then_some(Role::Byline)
}

/// A line of at most 240 bytes.
fn short(lines: &[Line], i: usize) -> Option<&Line> {
    lines.get(i).filter(|u| u.key().len() <= 240)
}

/// `——访某局局长 X`: the interview's subtitle, not a commentary's author line.
fn interview_subtitle(lines: &[Line], i: usize) -> Option<Role> {
    let u = short(lines, i)?;
    (matches!(u.role, Role::Author | Role::Byline) && u.key().starts_with('—'))
        .then_some(Role::Head)
}

/// `记者：…？`: an interviewer's question is text.
fn interview_question(lines: &[Line], i: usize) -> Option<Role> {
    let u = short(lines, i)?;
    (u.role == Role::Head && u.key().ends_with(['？', '?']) && question_turn(u.key()))
        .then_some(Role::Para)
}

/// `（第2版）`: a page number in brackets is furniture.
fn page_number(lines: &[Line], i: usize) -> Option<Role> {
    let u = short(lines, i)?;
    (matches!(u.role, Role::Head | Role::Para)
        && u.key().len() <= 24
        && u.key().starts_with(['（', '('])
        && bracketed_page_number(u.key()))
    .then_some(Role::Furniture)
}

/// `某镇融媒体工作站 X 摄`: an office and a photographer credit a photo.
fn office_photo_credit(lines: &[Line], i: usize) -> Option<Role> {
    let u = short(lines, i)?;
    (u.role == Role::Head && u.key().ends_with('摄') && office_credit(u.key()).is_some())
        .then_some(Role::Credit)
}

/// A line of at most 180 bytes and the line before it.
fn letter_line(lines: &[Line], i: usize) -> Option<(&Line, Option<&Line>)> {
    let u = lines.get(i).filter(|u| u.key().len() <= 180)?;
    Some((u, i.checked_sub(1).and_then(|j| lines.get(j))))
}

/// A service box's labelled line (`温馨提示：…`) set tight under furniture is furniture.
fn service_box_line(lines: &[Line], i: usize) -> Option<Role> {
    let (u, prev) = letter_line(lines, i)?;
    (u.role == Role::Para
        && u.gap == 0
        && prev.is_some_and(|p| p.role == Role::Furniture && p.gap == 0)
        && box_line(u.key()))
    .then_some(Role::Furniture)
}

/// Whether line `i` is a letter's salutation (`编辑同志：`) under its title, over its
/// text. (An address to the editor may read as an editor's credit: furniture.)
fn is_letter_salutation(lines: &[Line], i: usize) -> bool {
    letter_line(lines, i).is_some_and(|(u, prev)| {
        matches!(u.role, Role::Head | Role::Furniture)
            && u.key().ends_with(['：', ':'])
            && prev.is_some_and(|p| p.role == Role::Head)
            && lines.get(i + 1).is_some_and(|x| x.role == Role::Para)
            && letter_salutation(u.key())
    })
}

/// A letter opens at its salutation.
fn letter_opening(lines: &[Line], i: usize) -> Option<Role> {
    is_letter_salutation(lines, i).then_some(Role::Opens(Opener::Salutation))
}

/// A letter column's label (`读者来信`) two lines above a salutation is furniture.
fn letter_column_label(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines.get(i)?;
    // two to six characters
    if !(2..=6).contains(&u.shape.chars()) {
        return None;
    }
    (u.role == Role::Head && letter_label(u.key()) && is_letter_salutation(lines, i + 2))
        .then_some(Role::Furniture)
}

/// A reader's signature right after the paragraphs under a salutation stays with the
/// letter's text (it names the writer's place).
fn letter_signature(lines: &[Line], i: usize) -> Option<Role> {
    let u = lines
        .get(i)
        .filter(|u| u.key().len() <= 80 && u.role != Role::Para)?;
    let mut k = i.checked_sub(1)?;
    let mut paras = 0;
    while lines.get(k)?.role == Role::Para {
        k = k.checked_sub(1)?;
        paras += 1;
    }
    (paras > 0
        && lines.get(k)?.role == Role::Opens(Opener::Salutation)
        && reader_signature(u.key()).is_some())
    .then_some(Role::Para)
}

/// A brief column's label (`短讯`, `新闻速览`): at most six characters without
/// punctuation, right above a marked item.
fn brief_label(units: &[Line], i: usize) -> bool {
    let Some(u) = units.get(i) else { return false };
    if u.role != Role::Head || u.shape.chars().min(7) > 6 {
        return false;
    }
    let t = squeeze(u.key());
    (2..=6).contains(&t.chars().count())
        && t.chars().all(is_han)
        && units.get(i + 1).is_some_and(|x| {
            let marked =
                x.key().starts_with(BRIEF_MARKS) && matches!(x.role, Role::Head | Role::Marker);
            // `简讯` over an unmarked brief headline: the word says what the label is
            marked || (x.role == Role::Head && BRIEF_WORDS.iter().any(|w| t.ends_with(w)))
        })
}

/// Words that end a brief column's label.
const BRIEF_WORDS: &[&str] = &["短讯", "简讯", "快讯", "速览", "速读"];
