//! Does this paragraph open an article, and what does its opening read? A byline
//! without `讯` (`（记者 X）…`), a compiled item's source (`本报综合 据某某报道，`), a news
//! organisation's dated report (`某某客户端8月5日消息`), a news site's dateline over its
//! paper's (`某某网-某某晚报讯`). (Datelines proper are read by `dateline`.) Each reader
//! takes a line and its matching key (`text::fold`): the words are found in the key, so
//! they are simplified only, and what is read is cut from the line at the same offsets.

use std::sync::LazyLock;

use crate::extract::read::byline;
use crate::extract::read::dateline;
use crate::extract::read::dateline::Dateline;
use crate::extract::text::clean::{chars_upto, is_han};
use crate::extract::text::fold::digits_value;
use crate::extract::text::words::NEWS_ORG_ENDS;
use crate::extract::text::words::{BRIEF_MARKS, OUTLET_ENDS};

/// How a byline that opens a paragraph begins.
pub(crate) const BYLINE_OPENERS: &[&str] = &[
    "本报",
    "记者",
    "通讯员",
    "特约",
    "全媒体",
    "融媒体",
    "见习",
    "实习",
    "首席",
];

/// A paragraph opened by a byline and no `讯` or `电`: `（记者 X 通讯员 Y）近日，…` or
/// `本报记者 X 报道 眼下，…`. Read as a dateline without place or date, so the byline
/// names the article's people and the paragraph opens an article.
pub(crate) fn opening_byline(text: &str, key: &str) -> Option<Dateline> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let tk = key.get(lead..).unwrap_or(t);
    // the byline opens with its role (`记者`, `本报记者`, `通讯员`): tested first, as most
    // paragraphs fail here; `据本报记者 X 报道，` is a sentence that cites a report
    let opened = tk.trim_start_matches(['(', '（']);
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
        let pos = tk.get(..cut)?.find("报道")?;
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
    if !byline::has_role(inner) || chars_upto(rest, 10) < 10 || chars_upto(inner, 31) > 30 {
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

/// How a compiled item opens: the paper's own digest of others' reports.
pub(crate) const COMPILED: [&str; 2] = ["本报综合", "本刊综合"];

/// `本报综合 据某某日报报道，…` (or `本报综合消息`, `本报综合 …`): the paper's digest of
/// another's report, read as a dateline without place, date or byline, so that the
/// paragraph opens an item. The dateline runs through the cited report (`…报道`) when
/// one follows within twenty characters; some text must follow it. Read in the line's
/// key alone (the dateline carries nothing cut from the text).
pub(crate) fn compiled_dateline(_line: &str, key: &str) -> Option<Dateline> {
    let text = key;
    // most lines fail on their first character: 本, or a brief's marker or white space
    // before it
    let first = text.chars().next();
    if !first.is_some_and(|c| c == '本' || c.is_whitespace() || BRIEF_MARKS.contains(&c)) {
        return None;
    }
    let t = text
        .trim_start()
        .trim_start_matches(BRIEF_MARKS)
        .trim_start();
    if !t.starts_with('本') {
        return None;
    }
    let word = COMPILED.iter().find(|w| t.starts_with(*w))?;
    let lead = text.len() - t.len();
    let mut len = lead + word.len();
    let mut rest = t.get(word.len()..)?;
    if let Some(r) = rest.strip_prefix("消息") {
        len += "消息".len();
        rest = r;
    }
    let after = rest.trim_start();
    if let Some(end) = cited_report_end(after) {
        len += rest.len() - after.len() + end;
    }
    let follows = text
        .get(len..)?
        .trim_start_matches(['，', ',', ' ', '：', ':']);
    if chars_upto(follows, 10) < 10 {
        return None;
    }
    Some(Dateline {
        len,
        place: None,
        month_day: None,
        byline: None,
        org: None,
    })
}

/// The byte end of `据某某报道` opening `text` (a key), through the verb (`报道`, `报导`,
/// `消息`),
/// when the verb comes within twenty characters and a comma right after it; the words
/// between are the source, without clause punctuation.
pub(crate) fn cited_report_end(text: &str) -> Option<usize> {
    let src = text.strip_prefix('据')?;
    let start = text.len() - src.len();
    for (k, (i, c)) in src.char_indices().enumerate() {
        if k > 20 {
            return None;
        }
        if matches!(c, '，' | ',' | '。' | '、' | '：' | '；' | '“' | '”') {
            return None;
        }
        let here = src.get(i..).unwrap_or("");
        for verb in ["报道", "报导", "消息"] {
            if let Some(after) = here.strip_prefix(verb)
                && after.starts_with(['，', ','])
                && k >= 2
            {
                return Some(start + i + verb.len());
            }
        }
    }
    None
}

/// A lead that opens by citing another's report (`据某某日报报道，…`): a compiled story's
/// lead, as a new item's lead opens with its event's time.
pub(crate) fn cites_report(lead: &str) -> bool {
    let t = lead.trim_start();
    t.starts_with('据') && cited_report_end(t).is_some()
}

pub(crate) static MESSAGE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("消息".as_bytes()));

/// `某某客户端8月5日消息`, `据某某社北京8月5日消息，`: a news organisation's dated report
/// opening a paragraph, read as its dateline (organisation, place, date) so that the
/// paragraph opens an item dated by it. The words before the date are Han characters
/// only (at most 20) and hold an organisation's ending; at least ten characters of text
/// follow.
pub(crate) fn message_dateline(text: &str, key: &str) -> Option<Dateline> {
    // `消息` within the first thirty-odd characters (a searcher built once: building one
    // a line cost more than the search)
    let b = key.as_bytes();
    let head = b.get(..b.len().min(100)).unwrap_or(b);
    let at = MESSAGE.find(head)?;
    let before = key.get(..at)?;
    let t = before.trim_start();
    let t = t.strip_prefix('据').unwrap_or(t);
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
    let (org_end, _) = NEWS_ORG_ENDS
        .iter()
        .filter_map(|e| words.rfind(e).map(|p| (p + e.len(), *e)))
        .max_by_key(|&(p, _)| p)?;
    // cut from the text at the offsets found in the key
    let words_at = words.as_ptr() as usize - key.as_ptr() as usize;
    let words = text.get(words_at..words_at + words.len())?;
    let org = words.get(..org_end)?;
    let place = words.get(org_end..).unwrap_or("");
    if chars_upto(org, 2) < 2 || chars_upto(place, 7) > 6 {
        return None;
    }
    let len = at + "消息".len();
    let follows = text
        .get(len..)?
        .trim_start_matches(['，', ',', ' ', '\u{3000}', '：', ':']);
    if chars_upto(follows, 10) < 10 {
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

/// Hyphens that join a site's name to its paper's.
const JOINERS: [char; 4] = ['-', '－', '—', '–'];

/// `某某网-某某晚报讯 …`: two outlets joined by a hyphen before the keyword (the site and
/// the paper it reposts): a site's name (two to ten Han characters ending like an
/// outlet's, the hyphen within the first eleven characters), a hyphen, and a dateline
/// [`dateline::parse`] takes that names an organisation. Read as that dateline, its
/// organisation the second outlet, its length over both.
pub(crate) fn joined_outlets(text: &str, key: &str) -> Option<Dateline> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let tk = key.get(lead..).unwrap_or(t);
    let (cut, joiner) = t
        .char_indices()
        .take(11)
        .find(|(_, c)| JOINERS.contains(c))?;
    let site = t.get(..cut)?;
    let n = site.chars().count();
    let site_key = tk.get(..cut).unwrap_or(site);
    if !(2..=10).contains(&n) || !site.chars().all(is_han) || !site_key.ends_with(OUTLET_ENDS) {
        return None;
    }
    let rest_at = cut + joiner.len_utf8();
    let d = dateline::parse_keyed(t.get(rest_at..)?, tk.get(rest_at..)?)?;
    d.org.as_ref()?;
    Some(Dateline {
        len: lead + rest_at + d.len,
        ..d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_and_its_paper() {
        let t = "青山在线网-青山晚报讯 5月2日，东镇召开会议。";
        let d = joined_outlets(t, t).expect("a dateline");
        assert_eq!(d.org.as_deref(), Some("青山晚报"));
        assert_eq!(
            t.get(..d.len).map(str::trim_end),
            Some("青山在线网-青山晚报讯")
        );
        assert!(
            joined_outlets(
                "东镇-西镇公路通车，村民出行更方便。",
                "东镇-西镇公路通车，村民出行更方便。"
            )
            .is_none()
        );
        assert!(
            joined_outlets(
                "本报讯 5月2日，东镇召开会议。",
                "本报讯 5月2日，东镇召开会议。"
            )
            .is_none()
        );
    }
}
