//! Text hygiene for everything the publish stage writes: dropping characters that break
//! XML or show as junk, XML escaping, plain text to HTML paragraphs, summaries, dates,
//! and safe path segments.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat};

// What may reach an output file, and the decoding garbage dropped from it, are the
// model's (`crate::model::keep_char`): digests clean their text by the same rules.
use crate::model::GARBAGE;
pub(crate) use crate::model::keep_char;

/// The hasher of the manifest's fingerprints (articles, documents, settings and templates).
/// XXH3 rather than the standard library's default hasher: its output is specified, so a
/// new Rust release does not change every fingerprint (which would make the next run render
/// every document again), and it reads long article bodies several times faster.
pub(crate) fn fingerprinter() -> xxhash_rust::xxh3::Xxh3Default {
    xxhash_rust::xxh3::Xxh3Default::new()
}

/// The text with every character [`keep_char`] refuses removed, and known decoding
/// garbage dropped.
pub(crate) fn clean(s: &str) -> String {
    if !needs_cleaning(s) {
        return s.to_string();
    }
    let mut out: String = s.chars().filter(|c| keep_char(*c)).collect();
    if has_garbage(&out) {
        for g in GARBAGE {
            out = out.replace(g, "");
        }
    }
    out
}

/// [`clean`] and trim, with runs of white space (including newlines) folded to one space:
/// for titles, names and other one-line fields.
pub(crate) fn one_line(s: &str) -> String {
    if has_garbage_char(s.as_bytes()) {
        // Rare: garbage is removed after refused characters, which can join its pieces.
        return fold(&clean(s));
    }
    // Without garbage, cleaning only drops refused characters: drop them and fold white
    // space in one pass, looking only at the bytes that may start either.
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut start, mut i, mut space) = (0, 0, false);
    let push = |out: &mut String, piece: &str, space: &mut bool| {
        if !piece.is_empty() {
            if *space && !out.is_empty() {
                out.push(' ');
            }
            *space = false;
            out.push_str(piece);
        }
    };
    while let Some(j) = next_special(b, i) {
        let Some(ch) = s.get(j..).and_then(|t| t.chars().next()) else {
            break;
        };
        let len = ch.len_utf8();
        if !keep_char(ch) || ch.is_whitespace() {
            push(&mut out, s.get(start..j).unwrap_or_default(), &mut space);
            space |= keep_char(ch);
            start = j + len;
        }
        i = j + len;
    }
    push(&mut out, s.get(start..).unwrap_or_default(), &mut space);
    out
}

/// Runs of white space folded to one space, trimmed.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Classes for [`next_special`]: 1 for ASCII controls, space and DEL; 2 for the lead bytes
/// of the non-ASCII white space and refused characters (decided by the next bytes).
static SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i <= 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[0x7F] = 1;
    t[0xC2] = 2;
    t[0xE1] = 2;
    t[0xE2] = 2;
    t[0xE3] = 2;
    t[0xEF] = 2;
    t
};

/// The position, at or after `i`, of the next byte that may start white space or a
/// character [`keep_char`] refuses: ASCII controls and space, C2 80–A0 (C1 controls,
/// U+00A0), E1 9A (U+1680), E2 80/81 (U+2000–U+206F), E3 80 80 (U+3000), EF BB/BF (U+FEFF,
/// U+FFFx). Everything else (CJK text, full-width punctuation) is skipped by a table look.
/// Hand-written: no crate searches for such a set of byte sequences; `str::split_whitespace`
/// decodes every character and was the largest single cost of a publish after escaping.
fn next_special(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += b
            .get(i..)?
            .iter()
            .position(|&c| SPECIAL[usize::from(c)] != 0)?;
        let c = *b.get(i)?;
        let n1 = b.get(i + 1).copied().unwrap_or(0);
        let hit = match c {
            0xC2 => n1 <= 0xA0,
            0xE1 => n1 == 0x9A,
            0xE2 => n1 == 0x80 || n1 == 0x81,
            0xE3 => n1 == 0x80 && b.get(i + 2) == Some(&0x80),
            0xEF => n1 == 0xBB || n1 == 0xBF,
            _ => true,
        };
        if hit {
            return Some(i);
        }
        i += 1;
    }
}

/// True when `b` holds the first character of one of [`GARBAGE`] (锟 E9 94 9F, 烫 E7 83 AB,
/// 屯 E5 B1 AF), found by their rarer middle bytes.
fn has_garbage_char(b: &[u8]) -> bool {
    memchr::memchr3_iter(0x94, 0x83, 0xB1, b).any(|j| {
        let tri = (
            j.checked_sub(1).and_then(|k| b.get(k)).copied(),
            b.get(j).copied(),
            b.get(j + 1).copied(),
        );
        matches!(
            tri,
            (Some(0xE9), Some(0x94), Some(0x9F))
                | (Some(0xE7), Some(0x83), Some(0xAB))
                | (Some(0xE5), Some(0xB1), Some(0xAF))
        )
    })
}

/// Appends `s` escaped for XML character data (`&`, `<`, `>`), dropping refused characters.
pub(crate) fn push_xml(out: &mut String, s: &str) {
    push_escaped(out, s, false);
}

/// Appends `s` escaped for a double-quoted XML attribute, dropping refused characters.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    push_escaped(out, s, true);
}

/// Which bytes the escaper must look at: 0 for bytes copied as they are (most ASCII, all
/// UTF-8 continuation bytes and the lead bytes of CJK text), 1 for markup and control
/// bytes, 2 for the lead bytes of the few refused non-ASCII characters (C1 controls,
/// U+2xxx invisibles, U+FEFF, U+FFFx).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'"' as usize] = 1;
    t[0x7F] = 1;
    t[0xC2] = 2;
    t[0xE2] = 2;
    t[0xEF] = 2;
    t
};

// Hand-written rather than a crate's escaper: the XML escapers at hand (quick-xml's, the
// one inside `rss`) neither drop the characters [`keep_char`] refuses nor skip runs with a
// table, and escaping was 18 % of a full publish (perf, 100,000 articles) with the former
// match-per-byte loop. Runs of plain bytes are skipped through the [`CLASS`] table; a
// refused character is recognised from its lead byte and the byte after it.
fn push_escaped(out: &mut String, s: &str, attr: bool) {
    let b = s.as_bytes();
    out.reserve(b.len());
    let mut start = 0;
    let mut i = 0;
    // Skip runs of plain bytes, then look at the byte that ends the run.
    while let Some(n) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| CLASS[usize::from(c)] != 0))
    {
        i += n;
        let Some(&c) = b.get(i) else { break };
        let (rep, len): (Option<&str>, usize) = match c {
            b'&' => (Some("&amp;"), 1),
            b'<' => (Some("&lt;"), 1),
            b'>' => (Some("&gt;"), 1),
            b'"' if attr => (Some("&quot;"), 1),
            b'\n' if attr => (Some("&#10;"), 1),
            b'\t' if attr => (Some("&#9;"), 1),
            b'"' | b'\t' | b'\n' => (None, 1),
            0..=0x1F | 0x7F => (Some(""), 1),
            // Lead bytes of two- and three-byte characters; only some second bytes can
            // start a refused one (C2 80–9F: C1 controls; E2 80/81: U+200x/U+206x; EF BB/BF:
            // U+FEFF, U+FFFx), so the others are skipped without decoding.
            _ => match (c, b.get(i + 1)) {
                (0xC2, Some(0x80..=0x9F))
                | (0xE2, Some(0x80 | 0x81))
                | (0xEF, Some(0xBB | 0xBF)) => match s.get(i..).and_then(|t| t.chars().next()) {
                    Some(ch) if !keep_char(ch) => (Some(""), ch.len_utf8()),
                    Some(ch) => (None, ch.len_utf8()),
                    None => (None, 1),
                },
                (0xC2, _) => (None, 2),
                _ => (None, 3),
            },
        };
        if let Some(r) = rep {
            out.push_str(s.get(start..i).unwrap_or_default());
            out.push_str(r);
            start = i + len;
        }
        i += len;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// One element around text that is already clean: `open`, the text escaped, `close`.
pub(crate) fn push_clean_in(out: &mut String, open: &str, text: &str, close: &str) {
    out.push_str(open);
    push_clean(out, text);
    out.push_str(close);
}

/// Appends text that is already clean (it went through [`clean`] or [`one_line`], or is
/// markup built from such text, and holds no `\r`) escaped for XML character data: only
/// `&`, `<` and `>` need replacing, found with a vectorised search. Same bytes as
/// [`push_xml`] for such text.
pub(crate) fn push_clean(out: &mut String, s: &str) {
    debug_assert!(!needs_cleaning(s) && !s.contains('\r'), "not clean: {s:?}");
    push_replacing(out, s, ["&amp;", "&lt;", "&gt;"]);
}

/// Appends clean plain text for an element whose content readers take as HTML (RSS
/// `<description>`): escaped for HTML, then that HTML escaped for XML character data, so a
/// reader that unescapes the XML and renders the HTML shows the text, never markup from it
/// (`<b>` in the text arrives as `&amp;lt;b&amp;gt;`, `&amp;` as `&amp;amp;amp;`).
pub(crate) fn push_text_as_html(out: &mut String, s: &str) {
    debug_assert!(!needs_cleaning(s) && !s.contains('\r'), "not clean: {s:?}");
    push_replacing(out, s, ["&amp;amp;", "&amp;lt;", "&amp;gt;"]);
}

/// Appends `s` with each `&`, `<` and `>` replaced by `with[0]`, `with[1]`, `with[2]`,
/// found with a vectorised search.
fn push_replacing(out: &mut String, s: &str, with: [&str; 3]) {
    out.reserve(s.len() + s.len() / 8);
    let mut start = 0;
    for i in memchr::memchr3_iter(b'&', b'<', b'>', s.as_bytes()) {
        let rep = match s.as_bytes().get(i) {
            Some(b'&') => with[0],
            Some(b'<') => with[1],
            _ => with[2],
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// True when [`clean`] would change `s`.
fn needs_cleaning(s: &str) -> bool {
    if !has_garbage_char(s.as_bytes()) {
        let mut i = 0;
        while let Some(j) = next_special(s.as_bytes(), i) {
            match s.get(j..).and_then(|t| t.chars().next()) {
                Some(ch) if !keep_char(ch) => return true,
                Some(ch) => i = j + ch.len_utf8(),
                None => return false,
            }
        }
        return false;
    }
    needs_cleaning_slow(s)
}

/// [`needs_cleaning`] one byte at a time.
fn needs_cleaning_slow(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\t' | b'\n' | b'\r' => i += 1,
            0..=0x1F | 0x7F => return true,
            0xC2 | 0xE2 | 0xEF => match s.get(i..).and_then(|t| t.chars().next()) {
                Some(ch) if !keep_char(ch) => return true,
                Some(ch) => i += ch.len_utf8(),
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    has_garbage(s)
}

/// True when `s` holds one of [`GARBAGE`] (a quick search for their first characters
/// first, as they are rare).
fn has_garbage(s: &str) -> bool {
    ['锟', '烫', '屯'].iter().any(|c| s.contains(*c)) && GARBAGE.iter().any(|g| s.contains(g))
}

/// Escapes `s` for XML, returning a new string.
#[cfg(test)]
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_xml(&mut out, s);
    out
}

/// The paragraphs of a plain body: split on blank lines, each folded to one line, empty
/// ones dropped.
pub(crate) fn paragraphs(body: &str) -> Vec<String> {
    blocks(body)
        .map(one_line)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The pieces of `body` between blank lines: the same as `body.split("\n\n")`, found with
/// `memchr` rather than the general substring searcher.
pub(crate) fn blocks(body: &str) -> impl Iterator<Item = &str> {
    let b = body.as_bytes();
    let mut lines = memchr::memchr_iter(b'\n', b);
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        for j in lines.by_ref() {
            if j >= start && b.get(j + 1) == Some(&b'\n') {
                let piece = body.get(start..j).unwrap_or_default();
                start = j + 2;
                return Some(piece);
            }
        }
        done = true;
        Some(body.get(start..).unwrap_or_default())
    })
}

/// A plain-text teaser: the body's opening text, at most `max` characters, ending in `…`
/// when cut.
pub(crate) fn summary(paras: &[String], max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for p in paras {
        if n > 0 {
            out.push(' ');
            n += 1;
        }
        let count = p.chars().count();
        if n + count <= max {
            out.push_str(p);
            n += count;
        } else {
            let keep = max.saturating_sub(n);
            let cut = p.char_indices().nth(keep).map_or(p.len(), |(i, _)| i);
            out.push_str(p.get(..cut).unwrap_or_default());
            out.push('…');
            return out;
        }
        if n >= max {
            break;
        }
    }
    out
}

/// RFC 822 date-time with a four-digit year and numeric zone, e.g.
/// `Tue, 22 Aug 2023 08:00:00 +0800`.
pub(crate) fn rfc822(t: &DateTime<FixedOffset>) -> String {
    use chrono::{Datelike, Timelike};
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return t.format("%a, %d %b %Y %H:%M:%S %z").to_string();
    }
    let day = DAYS
        .get(t.weekday().num_days_from_monday() as usize)
        .unwrap_or(&"Mon");
    let month = MONTHS.get(t.month0() as usize).unwrap_or(&"Jan");
    let off = t.offset().local_minus_utc();
    let (sign, off) = if off < 0 { ('-', -off) } else { ('+', off) };
    let mut s = String::with_capacity(31);
    let _ = write!(
        s,
        "{day}, {:02} {month} {year:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        off / 3600,
        off % 3600 / 60
    );
    s
}

/// RFC 3339 date-time in seconds with the offset, e.g. `2023-08-22T08:00:00+08:00`.
pub(crate) fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A string usable as one path segment and URL segment: kept when it is made of ASCII
/// letters, digits, `-` and `_` (and not empty or too long), else replaced by `x` and a
/// hash of it, so no input can climb out of the output folder.
pub(crate) fn safe_segment(s: &str) -> String {
    segment(s).into_owned()
}

/// [`safe_segment`], borrowing `s` when it is kept as it is.
pub(crate) fn segment(s: &str) -> std::borrow::Cow<'_, str> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        std::borrow::Cow::Borrowed(s)
    } else {
        let h = crate::model::content_hash(s.as_bytes());
        std::borrow::Cow::Owned(format!("x{}", h.get(..24).unwrap_or(&h)))
    }
}

/// A `urn:uuid:` IRI (RFC 9562 version 8, name-based on SHA-256) for a name: the same name
/// always gives the same IRI.
pub(crate) fn urn_uuid(namespace: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(namespace.as_bytes());
    h.update([0]);
    h.update(name.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    for (dst, src) in b.iter_mut().zip(d.iter()) {
        *dst = *src;
    }
    b[6] = (b[6] & 0x0F) | 0x80;
    b[8] = (b[8] & 0x3F) | 0x80;
    let mut out = String::with_capacity(45);
    out.push_str("urn:uuid:");
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_dropped_and_markup_escaped() {
        let s = "a\u{1}b\u{B}c\u{C}d\u{FFFE}e\u{FFFF}\u{FFFD}\u{200B}f<g>&\"h\u{85}";
        assert_eq!(xml(s), "abcdef&lt;g&gt;&amp;\"h");
        let mut a = String::new();
        push_attr(&mut a, "x\"y\nz");
        assert_eq!(a, "x&quot;y&#10;z");
        assert_eq!(clean("好锟斤拷消息"), "好消息");
    }

    #[test]
    fn fast_paths_agree_with_the_character_rule() {
        let samples = [
            "普通中文文本，没有问题。",
            "a\u{85}b\u{9F}c\u{A0}d",
            "零\u{200B}宽\u{2060}字\u{2066}符\u{FEFF}尾\u{FFFD}\u{FFFE}",
            "\u{E000}私用区与¥€…—",
            "tab\tnl\ncr\r",
        ];
        for s in samples {
            let slow: String = s.chars().filter(|c| keep_char(*c)).collect();
            assert_eq!(clean(s), slow, "{s:?}");
            let mut fast = String::new();
            push_xml(&mut fast, s);
            assert_eq!(fast, slow.replace('\r', ""), "{s:?}");
        }
    }

    /// The escaper's rule, one character at a time.
    fn reference(s: &str, attr: bool) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' if attr => out.push_str("&quot;"),
                '\n' if attr => out.push_str("&#10;"),
                '\t' if attr => out.push_str("&#9;"),
                '\r' => {}
                c if keep_char(c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// The teaser rule, one character at a time.
    fn summary_by_char(paras: &[String], max: usize) -> String {
        let mut out = String::new();
        let mut n = 0;
        for p in paras {
            if n > 0 {
                out.push(' ');
                n += 1;
            }
            for c in p.chars() {
                if n >= max {
                    out.push('…');
                    return out;
                }
                out.push(c);
                n += 1;
            }
            if n >= max {
                break;
            }
        }
        out
    }

    #[test]
    fn table_escaper_agrees_with_the_character_rule() {
        let alphabet: Vec<char> = "a&<>\"\n\t\r\u{1}\u{1F}\u{7F}\u{80}\u{9F}\u{A0}é\u{200A}\u{200B}\u{200F}\u{2010}\u{201C}\u{2029}\u{202A}\u{202E}\u{202F}\u{205F}\u{2060}\u{2064}\u{2065}\u{2066}\u{2069}\u{206A}\u{20AC}\u{FEFE}\u{FEFF}\u{FF0C}\u{FFFC}\u{FFFD}\u{FFFE}\u{FFFF}中文😀 \u{B}\u{C}\u{85}\u{1680}\u{1681}\u{2000}\u{2028}\u{205F}\u{3000}\u{3001}锟斤拷烫屯、，"
            .chars()
            .collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for len in 0..3000usize {
            let s: String = (0..len % 60)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            let (mut x, mut a) = (String::new(), String::new());
            push_xml(&mut x, &s);
            push_attr(&mut a, &s);
            assert_eq!(x, reference(&s, false), "{s:?}");
            assert_eq!(a, reference(&s, true), "{s:?}");
            let c = one_line(&s);
            assert_eq!(c, fold(&clean(&s)), "{s:?}");
            assert_eq!(needs_cleaning(&s), needs_cleaning_slow(&s), "{s:?}");
            assert_eq!(
                blocks(&s).collect::<Vec<_>>(),
                s.split("\n\n").collect::<Vec<_>>()
            );
            let paras = paragraphs(&s);
            for max in [0usize, 1, 3, 7, 20] {
                assert_eq!(summary(&paras, max), summary_by_char(&paras, max), "{s:?}");
            }
            let mut fast = String::new();
            push_clean(&mut fast, &c);
            assert_eq!(fast, xml(&c), "{c:?}");
        }
    }

    #[test]
    fn paragraphs_and_summary() {
        let p = paragraphs("第一段\n文字。\n\n\n\n 第二段。 \n\n");
        assert_eq!(p, vec!["第一段 文字。".to_string(), "第二段。".to_string()]);
        assert_eq!(summary(&p, 4), "第一段 …");
        assert_eq!(summary(&p, 100), "第一段 文字。 第二段。");
    }

    #[test]
    fn dates_keep_the_offset() {
        let t = DateTime::parse_from_rfc3339("2023-08-22T08:05:00+08:00").unwrap();
        assert_eq!(rfc822(&t), "Tue, 22 Aug 2023 08:05:00 +0800");
        assert_eq!(rfc3339(&t), "2023-08-22T08:05:00+08:00");
        let t = DateTime::parse_from_rfc3339("2023-08-02T08:05:00+08:00").unwrap();
        assert_eq!(rfc822(&t), "Wed, 02 Aug 2023 08:05:00 +0800");
    }

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(safe_segment("370871"), "370871");
        assert!(safe_segment("../etc").starts_with('x'));
        assert!(safe_segment("").starts_with('x'));
        let u = urn_uuid("a", "b");
        assert_eq!(u.len(), 45);
        assert_eq!(u, urn_uuid("a", "b"));
        assert_ne!(u, urn_uuid("a", "c"));
        assert_eq!(u.as_bytes()[23], b'8');
    }
}
