//! Which lines of a web story's headline block meet its text? A news site sets a
//! picture (caption and credit) between the headline block and the dateline, and
//! furniture (a time stamp, the source, buttons) between the block's last line and the
//! text. Before the lines are grouped, the picture is moved under the opening paragraph
//! and the furniture above the headline block, so that the headline meets its text.
//! Must not touch: any line's text or role.

use crate::extract::line::{Line, Role};
use crate::extract::roles::web::picture_before_opener;

/// Furniture between the last line of a headline block (headline-like lines and
/// bylines) and the story's opener at `o` right under it: the first and the last index
/// (past the end) of that furniture, and the index of the block's first line. The
/// opener opens an article; or is a paragraph, when the block holds a byline or stands
/// before any text of the page. The block is at most eight lines, the furniture at most
/// four.
fn furniture_in_header(lines: &[Line], o: usize) -> Option<(usize, usize, usize)> {
    let opener = lines.get(o)?;
    let mut f = o;
    while f > 0 && o - f < 4 && lines.get(f - 1).is_some_and(|u| u.role == Role::Furniture) {
        f -= 1;
    }
    if f == o {
        return None;
    }
    let mut first = f;
    let mut bylined = false;
    while first > 0 && f - first < 8 {
        let Some(u) = lines.get(first - 1) else { break };
        match u.role {
            Role::Head => {}
            Role::Byline => bylined = true,
            _ => break,
        }
        first -= 1;
    }
    if first == f || !lines.get(first..f)?.iter().any(|u| u.role == Role::Head) {
        return None;
    }
    let text_before = lines
        .get(..first)?
        .iter()
        .any(|u| u.role.opens() || matches!(u.role, Role::Para | Role::Marker));
    let ok = if opener.role.opens() {
        true
    } else {
        opener.role == Role::Para && (bylined || !text_before)
    };
    ok.then_some((f, o, first))
}

/// The lines in the order the articles are read from (see the module doc).
pub(crate) fn reorder(mut lines: Vec<Line>) -> Vec<Line> {
    // a picture between the block and the opener: under the opener's paragraph
    let mut i = 0;
    while i < lines.len() {
        let after_header = i > 0
            && lines
                .get(i - 1)
                .is_some_and(|u| matches!(u.role, Role::Head | Role::Byline));
        if after_header && let Some(o) = picture_before_opener(&lines, i) {
            let moved: Vec<Line> = lines.drain(i..o).collect();
            let n_moved = moved.len();
            let at = (i + 1).min(lines.len());
            for (n, u) in moved.into_iter().enumerate() {
                lines.insert(at + n, u);
            }
            i += n_moved + 1;
            continue;
        }
        i += 1;
    }
    // furniture between the block and the opener: above the block
    let mut o = 0;
    while o < lines.len() {
        if let Some((f, end, first)) = furniture_in_header(&lines, o) {
            let moved: Vec<Line> = lines.drain(f..end).collect();
            for (n, u) in moved.into_iter().enumerate() {
                lines.insert(first + n, u);
            }
        }
        o += 1;
    }
    lines
}
