//! Where does a run-on numbered list of news items split into items?
//!
//! Owns: a list a site printed as one line (`1 标题 正文…（记者 X） 2标题 正文…`): items
//! numbered 1, 2, 3 …, each after the first opening right after the closing bracket of
//! the previous item's byline, each a headline glued to its text (set apart by a space,
//! or by the date the text opens with). Must not touch: any other line (a paragraph
//! that counts `1.`, `2.` in its sentences has no byline closing before each number).

use crate::extract::text::clean::is_han;
use crate::extract::text::words::SENTENCE_MARKS;

/// The byte offsets where items numbered 2, 3 … open in `t`: each number right after a
/// closing bracket (white space between allowed) and right before a Han character or an
/// opening quote.
fn item_starts(t: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut want = 2u32;
    let mut from = 0usize;
    while let Some(rel) = t.get(from..).and_then(|r| r.find([')', '）'])) {
        let close = from + rel;
        let after = close
            + t.get(close..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        let rest = t.get(after..).unwrap_or("");
        let trimmed = rest.trim_start();
        let at = after + (rest.len() - trimmed.len());
        let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        let next = trimmed
            .get(digits.len()..)
            .and_then(|r| r.trim_start().chars().next());
        if digits.parse::<u32>().ok() == Some(want)
            && next.is_some_and(|c| is_han(c) || matches!(c, '“' | '"' | '《'))
        {
            out.push(at);
            want += 1;
        }
        from = after;
    }
    out
}

/// An item's headline and text: the headline runs to the first space within its first
/// forty-one characters, or else to the date its text opens with (`11月5日…`), and is
/// six to forty characters without sentence punctuation.
fn headline_and_text(item: &str) -> Option<(&str, &str)> {
    let head_end = item
        .char_indices()
        .take(41)
        .find(|&(k, c)| {
            c.is_whitespace()
                || (k > 0
                    && c.is_ascii_digit()
                    && item
                        .get(k..)
                        .map(|r| r.trim_start_matches(|d: char| d.is_ascii_digit()))
                        .is_some_and(|r| r.starts_with('月')))
        })
        .map(|(k, _)| k)?;
    let head = item.get(..head_end)?.trim();
    let text = item.get(head_end..)?.trim_start();
    let n = head.chars().count();
    ((6..=40).contains(&n) && !head.contains(SENTENCE_MARKS) && !text.is_empty())
        .then_some((head, text))
}

/// The pieces of a run-on numbered list line, headline and text in turn, or `None` for
/// any other line (most lines fail the first byte tests: over 200 bytes, opening with
/// `1`, a closing bracket followed by `2`).
pub(crate) fn split(t: &str) -> Option<Vec<&str>> {
    if t.len() < 200 || !t.starts_with('1') {
        return None;
    }
    let first = t.get(1..)?.trim_start();
    if !first
        .chars()
        .next()
        .is_some_and(|c| is_han(c) || matches!(c, '“' | '"' | '《'))
    {
        return None;
    }
    let starts = item_starts(t);
    if starts.is_empty() {
        return None;
    }
    let mut bounds = vec![0usize];
    bounds.extend(&starts);
    bounds.push(t.len());
    let mut out = Vec::with_capacity(2 * bounds.len());
    for w in bounds.windows(2) {
        let (a, b) = (*w.first()?, *w.get(1)?);
        let item = t.get(a..b)?.trim();
        let item = item
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start();
        match headline_and_text(item) {
            Some((h, x)) => {
                out.push(h);
                out.push(x);
            }
            None => out.push(item),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_run_on_list() {
        let line = "1 东镇新建文化广场启用 5月2日，东镇新建的文化广场正式启用，周边村民前来参加启用仪式，广场设有健身器材和阅读角，方便群众休闲。（记者王明） 2西镇举办农技培训会 5月3日，西镇邀请农技专家为种植户讲解春季管护技术，百余名种植户参加培训。（记者李华） 3“南湖杯”龙舟赛开赛5月4日，南湖龙舟赛开赛，十支队伍参赛。";
        let parts = split(line).expect("three items");
        assert_eq!(parts.first(), Some(&"东镇新建文化广场启用"));
        assert_eq!(parts.get(2), Some(&"西镇举办农技培训会"));
        assert_eq!(parts.get(4), Some(&"“南湖杯”龙舟赛开赛"));
        assert!(parts.get(5).is_some_and(|x| x.starts_with("5月4日")));
        assert!(split("1月2日，东镇召开会议，部署三项工作：一是（略）2是推进。").is_none());
    }
}
