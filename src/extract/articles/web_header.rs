//! Which lines of a web story's headline block meet its text? A news site sets a
//! picture (caption and credit) between the headline block and the dateline, and
//! furniture (a time stamp, the source, buttons) between the block's last line and the
//! text. Before the lines are grouped, the picture is moved under the opening paragraph
//! and the furniture above the headline block, so that the headline meets its text.
//! Must not touch: any line's text or role.

use crate::extract::line::{Line, Role};
use crate::extract::read::web;
use crate::extract::roles::web::picture_before_opener;

/// Furniture inside a web story's headline block (headline-like lines and bylines) over
/// the story's opener at `o`: a time line right above the opener, perhaps with the
/// story's byline among it, or between the title and a subtitle (`标题 / 2025-07-08 来源…
/// / 副题`). The index of the block's first headline-like line and the furniture's
/// indices below it, in page order. The opener opens an article; or is a paragraph, when
/// the block holds a byline or stands before any text of the page. The walk up from the
/// opener takes at most twelve lines, four of them furniture.
fn furniture_in_header(lines: &[Line], o: usize) -> Option<(usize, Vec<usize>)> {
    let opener = lines.get(o)?;
    let mut k = o;
    let mut furniture: Vec<usize> = Vec::new();
    let mut bylined = false;
    while k > 0 && o - k < 12 {
        let Some(u) = lines.get(k - 1) else { break };
        match u.role {
            Role::Furniture if furniture.len() < 4 => furniture.push(k - 1),
            Role::Head => {}
            Role::Byline => bylined = true,
            _ => break,
        }
        k -= 1;
    }
    // the block opens with its first headline-like line: furniture above it stays
    let first = (k..o).find(|&j| lines.get(j).is_some_and(|u| u.role == Role::Head))?;
    furniture.retain(|&j| j > first);
    furniture.reverse();
    if furniture.is_empty() {
        return None;
    }
    let text_before = lines
        .get(..first)?
        .iter()
        .any(|u| u.role.opens() || matches!(u.role, Role::Para | Role::Marker));
    // furniture between two headline-like lines (not right over the opener) is a web
    // story's time line only at the top of the page's text: lower down, a line such as a
    // notice's date closes the item above
    let span_top = (0..o)
        .rev()
        .take_while(|&j| {
            lines
                .get(j)
                .is_some_and(|u| matches!(u.role, Role::Furniture | Role::Byline))
        })
        .last()
        .unwrap_or(o);
    // and only a line that tells the time of day (`2025-07-08 07:15 来源：…`), as a site's
    // story stamp does and a paper's issue date (`2025年6月10日 星期二`) does not
    let story_stamp = |j: usize| {
        lines
            .get(j)
            .is_some_and(|u| web::tells_time_of_day(&u.text))
    };
    let mut first = first;
    if let Some(&last_kept_out) = furniture
        .iter()
        .filter(|&&j| j < span_top && (text_before || !story_stamp(j)))
        .max()
    {
        // the block is what stands below that line
        furniture.retain(|&j| j >= span_top);
        first =
            (last_kept_out + 1..o).find(|&j| lines.get(j).is_some_and(|u| u.role == Role::Head))?;
        if furniture.is_empty() {
            return None;
        }
    }
    let ok = if opener.role.opens() {
        true
    } else {
        opener.role == Role::Para && (bylined || !text_before)
    };
    ok.then_some((first, furniture))
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
    // furniture inside the block: above it (a byline among it stays under the block,
    // over the opener); a headline-like line that stood under it is a subtitle
    let mut o = 0;
    while o < lines.len() {
        if let Some((first, furniture)) = furniture_in_header(&lines, o) {
            let top = furniture.first().copied().unwrap_or(o);
            for u in lines.get_mut(top..o).unwrap_or_default() {
                if u.role == Role::Head {
                    u.under_meta = true;
                }
            }
            // taken out from the bottom up, so the indices above stay good
            let mut moved: Vec<Line> = Vec::with_capacity(furniture.len());
            for &j in furniture.iter().rev() {
                if j < lines.len() {
                    moved.push(lines.remove(j));
                }
            }
            moved.reverse();
            for (n, u) in moved.into_iter().enumerate() {
                lines.insert(first + n, u);
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

    /// A site's title, its time line, then a subtitle over the dateline: the title stays
    /// the title and the line under the time line is its subtitle.
    #[test]
    fn a_line_under_the_time_line_is_the_subtitle() {
        let page = "首页 > 乡镇 > 正文\n\n西湖镇：老街焕新迎客来\n\n2025-05-02 08:30:15  作者：林小溪  来源：西湖融媒\n\n修缮铺面、开放夜市、请回老手艺\n\n本报讯（记者 林小溪）5月1日，西湖镇老街修缮后重新开街，十二间老铺面迎来首批租户。\n";
        let ex = extract_page(page);
        assert_eq!(ex.articles.len(), 1, "{:#?}", ex.articles);
        let a = ex.articles.first().expect("one article");
        assert_eq!(a.title.as_deref(), Some("西湖镇：老街焕新迎客来"));
        assert_eq!(
            a.subtitle.as_deref(),
            Some("修缮铺面、开放夜市、请回老手艺")
        );
        // a paper's issue date between its masthead lines and the headline is no story
        // stamp: the masthead's lines stay out of the headline
        let paper = "青山报\n\n中共青山县委主管主办\n\n2025年6月10日  星期二\n\n东岭镇5G基站实现村村通\n\n本报讯（记者 谭雅）6月8日，东岭镇最后一座5G基站开通，全镇实现5G信号村村通。\n";
        let ex = extract_page(paper);
        let a = ex.articles.first().expect("one article");
        assert_eq!(a.title.as_deref(), Some("东岭镇5G基站实现村村通"));
        assert_eq!(a.subtitle, None);
    }
}
