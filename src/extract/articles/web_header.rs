//! Which lines of a web story's headline block meet its text? A news site sets a
//! picture (caption and credit) between the headline block and the dateline, and
//! furniture (a time stamp, the source, buttons) between the block's last line and the
//! text. Before the lines are grouped, the picture is moved under the opening paragraph
//! and the furniture above the headline block, so that the headline meets its text.
//! Must not touch: any line's text or role.

use crate::extract::line::{Line, Role};
use crate::extract::roles::web::picture_before_opener;

/// Furniture between the last line of a headline block (headline-like lines and
/// bylines) and the story's opener at `o` right under it, perhaps with the story's byline
/// among it: the first and the last index (past the end) of that span, and the index of
/// the block's first line. The
/// opener opens an article; or is a paragraph, when the block holds a byline or stands
/// before any text of the page. The block is at most eight lines, the furniture at most
/// four.
fn furniture_in_header(lines: &[Line], o: usize) -> Option<(usize, usize, usize)> {
    let opener = lines.get(o)?;
    let mut f = o;
    // the furniture may hold the story's byline (`作者：某某` under the time line)
    while f > 0
        && o - f < 5
        && lines
            .get(f - 1)
            .is_some_and(|u| matches!(u.role, Role::Furniture | Role::Byline))
    {
        f -= 1;
    }
    let span = lines.get(f..o)?;
    if !span.iter().any(|u| u.role == Role::Furniture) {
        return None;
    }
    let mut first = f;
    let mut bylined = span.iter().any(|u| u.role == Role::Byline);
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
    // furniture between the block and the opener: above the block (a byline among it
    // stays under the block, over the opener)
    let mut o = 0;
    while o < lines.len() {
        if let Some((f, end, first)) = furniture_in_header(&lines, o) {
            let span: Vec<Line> = lines.drain(f..end).collect();
            let (moved, kept): (Vec<Line>, Vec<Line>) =
                span.into_iter().partition(|u| u.role == Role::Furniture);
            let n_moved = moved.len();
            for (n, u) in moved.into_iter().enumerate() {
                lines.insert(first + n, u);
            }
            for (n, u) in kept.into_iter().enumerate() {
                lines.insert(f + n_moved + n, u);
            }
        }
        o += 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use crate::extract::extract_page;

    /// A web story's headline, its time line, its author line, then the text: the time
    /// line goes above the headline and the author line stays over the text, so the
    /// headline meets its text and the authors are credited.
    #[test]
    fn a_byline_under_the_time_line_stays_with_the_story() {
        let page = "东湖镇新修三座便民桥\n\n2025-05-02 08:30  来源：东湖融媒\n\n作者：郑和平 林小溪\n\n近日，东湖镇新修的三座便民桥同时通行，两岸村民赶集不再绕行十里。三座桥由镇里统一设计，历时半年建成。\n";
        let ex = extract_page(page);
        let a = ex.articles.first().expect("one article");
        assert_eq!(ex.articles.len(), 1);
        assert_eq!(a.title.as_deref(), Some("东湖镇新修三座便民桥"));
        assert!(a.body.starts_with("近日，东湖镇"), "{}", a.body);
        // an author line names contributors (a reporter is named as one)
        assert_eq!(a.contributors, vec!["郑和平", "林小溪"]);
    }
}
