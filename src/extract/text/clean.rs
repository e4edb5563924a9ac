//! Repairing the text a PDF extractor leaves.
//!
//! Owns: dropping characters XML forbids, folding odd spaces, removing the spaces an
//! extractor puts between CJK characters, the punctuation policy (full-width punctuation
//! next to CJK text, quotes kept as printed), rejoining paragraphs broken in mid-sentence,
//! and dropping repeated paragraphs. Must not touch: the structure of a page (which lines
//! are headlines or bylines); that is `segment`'s business.

/// True for Han characters (CJK unified ideographs and their extensions, compatibility).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F | 0x3007)
}

/// True for CJK punctuation and full-width forms that sit inside Chinese text.
pub(crate) fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·' | '・')
}

/// Han character or CJK punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Punctuation that closes a sentence (a paragraph ending in one is complete).
pub(crate) fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '”'
            | '’'
            | '…'
            | '」'
            | '』'
            | '）'
            | ')'
            | '.'
            | '；'
            | ';'
    )
}

/// A searcher for `年`: `contains('年')` stops at every byte 0xB4, which ends many other
/// characters too.
pub(crate) static YEAR_CHAR: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("年"));

/// `text.contains('年')`, by [`YEAR_CHAR`].
pub(crate) fn has_year_char(text: &str) -> bool {
    YEAR_CHAR.find(text.as_bytes()).is_some()
}

/// Whether the UTF-8 bytes `b` hold a white space character at their start (`at_end`
/// false) or their end: an ASCII one (0x09–0x0D, 0x20) or one of the few others (U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), told by their
/// bytes, so nothing is decoded.
#[inline]
fn space_at(b: &[u8], at_end: bool) -> bool {
    let wide = |c: &[u8]| {
        matches!(
            c,
            [0xC2, 0x85 | 0xA0]
                | [0xE1, 0x9A, 0x80]
                | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
                | [0xE2, 0x81, 0x9F]
                | [0xE3, 0x80, 0x80]
        )
    };
    if at_end {
        match b {
            [.., 0x09..=0x0D | 0x20] => true,
            [.., a, b2] if wide(&[*a, *b2]) => true,
            [.., a, b2, c] => wide(&[*a, *b2, *c]),
            _ => false,
        }
    } else {
        match b {
            [0x09..=0x0D | 0x20, ..] => true,
            [a, b2, c, ..] if wide(&[*a, *b2, *c]) => true,
            [a, b2, ..] => wide(&[*a, *b2]),
            _ => false,
        }
    }
}

/// `s.trim()`, answered from the bytes at either end when neither end is white space
/// (most lines begin and end on a character or a punctuation mark): a first byte no white
/// space character opens with and a last byte none ends with say so at once, and
/// [`space_at`] reads the ends closer otherwise.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return s;
    };
    if !SPACE_OPENS[usize::from(first)] && !SPACE_ENDS[usize::from(last)] {
        return s;
    }
    if !space_at(b, false) && !space_at(b, true) {
        return s;
    }
    s.trim()
}

/// The white space characters (those `char::is_whitespace` knows).
const SPACES: [char; 25] = [
    '\t', '\n', '\u{B}', '\u{C}', '\r', ' ', '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

/// The bytes a white space character opens with in UTF-8 (`first`) or ends with.
const fn space_edges(first: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < SPACES.len() {
        let mut buf = [0u8; 4];
        let len = SPACES[k].encode_utf8(&mut buf).len();
        t[buf[if first { 0 } else { len - 1 }] as usize] = true;
        k += 1;
    }
    t
}

/// The first bytes of white space characters.
static SPACE_OPENS: [bool; 256] = space_edges(true);
/// The last bytes of white space characters.
static SPACE_ENDS: [bool; 256] = space_edges(false);

/// `s.bytes().any(|b| b.is_ascii_digit())`, eight bytes at a time: a byte is a digit when
/// it is below 0x80, at least 0x30 and below 0x3A, told for the eight bytes of a word at
/// once (seven bits of each byte plus an offset cannot carry into the next byte, so the
/// test is exact).
pub(crate) fn has_ascii_digit(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let b = s.as_bytes();
    let mut words = b.chunks_exact(8);
    for c in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        let low7 = w & !HIGH;
        let from_0 = low7 + ONES * (0x80 - 0x30);
        let from_colon = low7 + ONES * (0x80 - 0x3A);
        if from_0 & !from_colon & !w & HIGH != 0 {
            return true;
        }
    }
    words.remainder().iter().any(u8::is_ascii_digit)
}

/// Drops characters XML 1.0 forbids and invisible ones; vertical tab and form feed become
/// line breaks, tabs and odd spaces become plain spaces.
pub(crate) fn clean_chars(text: &str) -> String {
    clean_cow(text).into_owned()
}

/// [`clean_chars`] that borrows the text when it is clean already (most text is).
pub(crate) fn clean_cow(text: &str) -> std::borrow::Cow<'_, str> {
    if !needs_cleaning(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(clean_owned(text))
}

fn clean_owned(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut clean_from = 0;
    for (i, c) in text.char_indices() {
        // characters kept as they are are copied in runs
        let keep = match c {
            '\n' => true,
            c if (c as u32) < 0x20 => false,
            c if (c as u32) < 0x7F => true,
            '\u{4E00}'..='\u{9FFF}'
            | '\u{3001}'..='\u{303F}'
            | '\u{FF01}'..='\u{FF5E}'
            | '\u{2010}'..='\u{2027}'
            | '\u{A1}'..='\u{FF}'
            | '\u{3400}'..='\u{4DBF}' => c != '\u{AD}',
            _ => false,
        };
        if keep {
            continue;
        }
        out.push_str(text.get(clean_from..i).unwrap_or(""));
        clean_from = i + c.len_utf8();
        match c {
            '\n' => out.push('\n'),
            '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' | '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => out.push(' '),
            '\u{3000}' => out.push(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => {}
            '\u{FFFE}' | '\u{FFFF}' | '\u{FFFD}' => {}
            c if (c as u32) < 0x20 || (0x7F..=0x9F).contains(&(c as u32)) => {}
            c => out.push(c),
        }
    }
    out.push_str(text.get(clean_from..).unwrap_or(""));
    out
}

/// A byte scan for anything `clean_chars` would change: control bytes, C1 controls, odd
/// spaces, invisible characters, noncharacters and the replacement character.
fn needs_cleaning(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // control bytes other than the line feed, and DEL: eight bytes at a time, looked at
    // one by one only in a word holding a byte below 0x20 or a DEL (the yes or no of each
    // test is exact: a borrow starts only at such a byte)
    let control = |x: u8| (x < 0x20 && x != b'\n') || x == 0x7F;
    let mut words = b.chunks_exact(8);
    for c in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        let del = w ^ (ONES * 0x7F);
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let dels = del.wrapping_sub(ONES) & !del & HIGH;
        if (low | dels) != 0 && c.iter().any(|&x| control(x)) {
            return true;
        }
    }
    if words.remainder().iter().any(|&x| control(x)) {
        return true;
    }
    // the characters to clean above U+007F begin with 0xC2, 0xE2, 0xE3 or 0xEF: each
    // such byte is looked at with the two after it
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let suspect = |i: usize| match at(i) {
        0xC2 => matches!(at(i + 1), 0x80..=0xA0 | 0xAD),
        0xE2 => {
            (at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF))
                || (at(i + 1) == 0x81 && matches!(at(i + 2), 0x9F | 0xA0))
        }
        0xE3 => at(i + 1) == 0x80 && at(i + 2) == 0x80,
        0xEF => {
            (at(i + 1) == 0xBB && at(i + 2) == 0xBF) || (at(i + 1) == 0xBF && at(i + 2) >= 0xBD)
        }
        _ => false,
    };
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b).any(suspect)
        || memchr::memchr_iter(0xEF, b).any(suspect)
}

/// Removes the spaces an extractor put inside Chinese text: between two CJK characters,
/// and between a CJK character and a digit. Spaces in Latin text, between numbers, and
/// runs of spaces next to Latin letters stay (as one space). A lone `and` or `&` set
/// between Han text by a mixed-font extraction becomes `和`.
pub(crate) fn remove_cjk_spaces(text: &str) -> String {
    if !text.contains(' ') {
        return text.to_string();
    }
    // one pass over the text's bytes: the runs between spaces are copied whole
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = text.get(i..).unwrap_or("");
        let Some(sp) = rest.find(' ') else {
            out.push_str(rest);
            break;
        };
        out.push_str(rest.get(..sp).unwrap_or(""));
        let after_run = rest.get(sp..).unwrap_or("").trim_start_matches(' ');
        let j = text.len() - after_run.len();
        let prev = out.chars().next_back();
        let next = after_run.chars().next();
        if let (Some(p), Some(n)) = (prev, next) {
            let joinable = (is_cjk(p) && is_cjk(n))
                || (is_cjk(p) && n.is_ascii_digit())
                || (p.is_ascii_digit() && is_han(n));
            // stray mixed-font conjunction: "<Han> and <Han>" or "<Han> & <Han>"
            let word = if after_run.starts_with("and ") {
                3
            } else if after_run.starts_with("& ") {
                1
            } else {
                0
            };
            let conj = !joinable
                && word > 0
                && is_han(p)
                && after_run
                    .get(word + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(is_han);
            if conj {
                out.push('和');
                i = j + word + 1;
                continue;
            }
            if !joinable {
                out.push(' ');
            }
        }
        i = j;
    }
    let t = out.trim();
    if t.len() == out.len() {
        out
    } else {
        t.to_string()
    }
}

/// The ASCII punctuation the width policy looks at, as a byte table.
const PUNCT_TARGET: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b';' as usize] = true;
    t[b':' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'(' as usize] = true;
    t[b')' as usize] = true;
    t
};

/// The next byte at or after `from` that `table` marks. The marked bytes are ASCII, and
/// Chinese text is mostly bytes of 0x80 and above: eight bytes whose top bits are all set
/// are skipped at once.
fn find_ascii_in(bytes: &[u8], from: usize, table: &[bool; 256]) -> Option<usize> {
    let mut i = from;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    for c in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if u64::from_le_bytes(w) & 0x8080_8080_8080_8080 != 0x8080_8080_8080_8080
            && let Some(k) = c.iter().position(|&b| table[usize::from(b)])
        {
            return Some(i + k);
        }
        i += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| table[usize::from(b)])
        .map(|k| i + k)
}

/// The punctuation policy: ASCII `, ; : ? ! ( )` next to CJK text become their full-width
/// forms, so a page that mixes widths (`,` after Han, `(` closed by `）`) reads one way.
/// Quotes, dashes and punctuation inside Latin text and numbers (`3.49`, `8:30`) stay.
#[cfg(test)]
pub(crate) fn fullwidth_punct(text: &str) -> String {
    fullwidth_changed(text).unwrap_or_else(|| text.to_string())
}

/// `fullwidth_punct` that gives `None` when nothing changes (no copy is made then).
fn fullwidth_changed(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    // the targets are ASCII, so a byte position is a character position
    while let Some(i) = find_ascii_in(bytes, from, &PUNCT_TARGET) {
        from = i + 1;
        let b = bytes.get(i).copied().unwrap_or(b' ');
        let prev = text.get(..i).and_then(|s| s.chars().next_back());
        let next = text.get(i + 1..).and_then(|s| s.chars().next());
        let near_cjk = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
        let digits_around =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        let mapped = match b {
            b',' if near_cjk && !digits_around => '，',
            b';' if near_cjk => '；',
            b':' if near_cjk && !digits_around => '：',
            b'?' if near_cjk => '？',
            b'!' if near_cjk => '！',
            b'(' if near_cjk || next.is_some_and(|n| n.is_ascii_digit() || is_han(n)) => '（',
            b')' if near_cjk || prev.is_some_and(is_han) => '）',
            _ => continue,
        };
        let o = out.get_or_insert_with(|| String::with_capacity(text.len() + text.len() / 8));
        o.push_str(text.get(copied..i).unwrap_or(""));
        o.push(mapped);
        copied = i + 1;
    }
    if let Some(o) = out.as_mut() {
        o.push_str(text.get(copied..).unwrap_or(""));
    }
    // a half-width bracket closed by a full-width one (or the reverse) next to Latin text
    let now = out.as_deref().unwrap_or(text);
    if memchr::memchr2(b'(', b')', now.as_bytes()).is_some()
        && (now.contains('（') || now.contains('）'))
    {
        let balanced = balance_brackets(now);
        if balanced != now {
            return Some(balanced);
        }
    }
    out
}

fn balance_brackets(text: &str) -> String {
    let mut out: Vec<char> = text.chars().collect();
    let mut open: Vec<(usize, char)> = Vec::new();
    for i in 0..out.len() {
        let c = out.get(i).copied().unwrap_or(' ');
        match c {
            '(' | '（' => open.push((i, c)),
            ')' | '）' => {
                if let Some((j, o)) = open.pop()
                    && ((o == '(') != (c == ')'))
                {
                    if let Some(x) = out.get_mut(j) {
                        *x = '（';
                    }
                    if let Some(x) = out.get_mut(i) {
                        *x = '）';
                    }
                }
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// The whole repair of one line of article text: spaces, then punctuation.
pub(crate) fn repair_line(text: &str) -> String {
    let spaced = remove_cjk_spaces(text);
    fullwidth_changed(&spaced).unwrap_or(spaced)
}

/// [`repair_line`] of a paragraph the caller owns: a paragraph that needs no repair (most
/// do not) is handed back without a copy.
pub(crate) fn repair_owned(text: String) -> String {
    // `remove_cjk_spaces` copies a text without spaces unchanged
    let spaced = if text.contains(' ') {
        remove_cjk_spaces(&text)
    } else {
        text
    };
    fullwidth_changed(&spaced).unwrap_or(spaced)
}

/// Removes every white space character (for headlines, which the page sets with spaces).
pub(crate) fn squeeze(text: &str) -> String {
    squeeze_cow(text).into_owned()
}

/// [`squeeze`], borrowing the trimmed text when there is nothing to squeeze: no white
/// space inside and no ASCII punctuation to widen (most headline-like lines).
pub(crate) fn squeeze_cow(text: &str) -> std::borrow::Cow<'_, str> {
    let t = trim(text);
    if !has_space(t) {
        return squeeze_spaceless(t);
    }
    std::borrow::Cow::Owned(squeezed(t))
}

/// [`squeeze_cow`] of a text known to hold no white space (a line whose shape has none):
/// only its punctuation is widened.
pub(crate) fn squeeze_spaceless(text: &str) -> std::borrow::Cow<'_, str> {
    match fullwidth_changed(text) {
        Some(wide) => std::borrow::Cow::Owned(wide),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Whether `t` holds a white space character, told from the bytes as [`space_at`] tells
/// them: only the lead bytes of the few wide spaces are looked at closer.
fn has_space(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().enumerate().any(|(k, &x)| match x {
        0x09..=0x0D | 0x20 => true,
        0xC2 | 0xE1 | 0xE2 | 0xE3 => b.get(k..).is_some_and(|rest| space_at(rest, false)),
        _ => false,
    })
}

/// The squeeze of a trimmed text that holds white space.
fn squeezed(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    // the characters between white space are copied a run at a time
    let mut run = 0;
    let mut prev: Option<char> = None;
    let mut it = t.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            out.push_str(t.get(run..i).unwrap_or(""));
            run = i + c.len_utf8();
            // keep one space between two Latin words or numbers
            let n = it.peek().map(|&(_, n)| n);
            if prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && n.is_some_and(|n| n.is_ascii_alphanumeric())
                && !out.ends_with(' ')
            {
                out.push(' ');
            }
        }
        prev = Some(c);
    }
    out.push_str(t.get(run..).unwrap_or(""));
    fullwidth_changed(&out).unwrap_or(out)
}

fn first_clause_len(text: &str) -> usize {
    text.chars()
        .take_while(|c| {
            !matches!(
                c,
                '，' | ',' | '。' | '、' | '；' | ';' | '：' | ':' | '！' | '？'
            )
        })
        .count()
}

/// Rejoins paragraphs broken by column ends: a paragraph that does not end a sentence is
/// joined with the next when it is long, holds clause punctuation, or the next one opens
/// with a clause too short to start a thought (`机制。…`, `生,…`). Short unpunctuated lines
/// followed by a full paragraph are subheads and stay.
pub(crate) fn join_broken(paras: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paras.len());
    for p in paras {
        let join = match out.last() {
            Some(prev) => is_broken(prev, &p),
            None => false,
        };
        if join {
            if let Some(last) = out.last_mut() {
                let glue_space = last
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
                    && p.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if glue_space {
                    last.push(' ');
                }
                last.push_str(&p);
            }
        } else {
            out.push(p);
        }
    }
    out
}

fn is_broken(prev: &str, next: &str) -> bool {
    let Some(end) = prev.trim_end().chars().last() else {
        return false;
    };
    if is_sentence_end(end) || matches!(end, '：' | ':') {
        return false;
    }
    let Some(first) = next.chars().next() else {
        return false;
    };
    if matches!(
        first,
        '■' | '▲' | '●' | '◆' | '※' | '□' | '★' | '（' | '(' | '【' | '〔'
    ) {
        return false;
    }
    let len = prev.chars().count();
    if matches!(end, '，' | ',' | '、' | '—' | '“' | '‘' | '《') {
        return true;
    }
    let has_clause_punct = prev
        .chars()
        .any(|c| matches!(c, '，' | ',' | '、' | '；' | '。'));
    if len >= 24 || has_clause_punct {
        return true;
    }
    // `机制。出台…`, `生,在…`: the next paragraph opens with the end of a word
    let head = first_clause_len(next);
    let closes = next
        .chars()
        .nth(head)
        .is_some_and(|c| matches!(c, '。' | '！' | '？' | '；'));
    head <= 2 || (head <= 4 && closes)
}

/// Drops paragraphs already seen (the extractor repeats text where boxes overlap); only
/// paragraphs long enough to be unlikely to repeat by chance are compared.
pub(crate) fn dedup_paragraphs(
    paras: Vec<String>,
    seen: &mut rustc_hash::FxHashSet<u64>,
) -> Vec<String> {
    paras
        .into_iter()
        .filter(|p| {
            // count characters: bytes that are not white space and do not continue a
            // UTF-8 sequence (a loop the compiler turns into vector code)
            // the count stops at 20: a long paragraph is not read to its end twice
            let b = p.as_bytes();
            let n = b
                .iter()
                .filter(|&&x| x & 0xC0 != 0x80 && !x.is_ascii_whitespace())
                .take(20)
                .count();
            if n < 20 {
                return true;
            }
            seen.insert(hash_without_spaces(b))
        })
        .collect()
}

/// A hash of the bytes that are not ASCII white space, eight at a time (a multiply and
/// rotate per word, as in rustc's FxHash; the keys live only while one page is read): the
/// bytes left when white space is taken out are cut into words of eight, the last one
/// padded with zeros, and their count is mixed in last. Eight bytes of the text without a
/// byte below 0x21 (every ASCII white space byte is one) make a word at once when no word
/// is partly filled; other bytes go one at a time.
fn hash_without_spaces(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h: u64 = 0;
    let mut len = 0usize;
    let mut word = [0u8; 8];
    let mut fill = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        if fill == 0
            && let Some(chunk) = b.get(i..i + 8)
        {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let w = u64::from_le_bytes(w);
            // is some byte below 0x21? (exact as a yes or no: a borrow starts only there)
            if w.wrapping_sub(ONES * 0x21) & !w & (ONES * 0x80) == 0 {
                h = mix(h, w);
                len += 8;
                i += 8;
                continue;
            }
        }
        let x = b.get(i).copied().unwrap_or(b' ');
        i += 1;
        if x.is_ascii_whitespace() {
            continue;
        }
        if let Some(dst) = word.get_mut(fill) {
            *dst = x;
        }
        fill += 1;
        len += 1;
        if fill == 8 {
            h = mix(h, u64::from_le_bytes(word));
            fill = 0;
        }
    }
    if fill > 0 {
        for x in word.iter_mut().skip(fill) {
            *x = 0;
        }
        h = mix(h, u64::from_le_bytes(word));
    }
    mix(h, len as u64)
}

/// The number of characters of `s` that are not white space. A byte loop: a character is
/// counted at its first byte, and the few non-ASCII white space characters (U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) are told by
/// their bytes, so the text is not decoded.
pub(crate) fn chars(s: &str) -> usize {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut n = 0usize;
    for (i, &x) in b.iter().enumerate() {
        let counted = match x {
            0x80..=0xBF => false,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => false,
            0xC2 => !matches!(at(i + 1), 0x85 | 0xA0),
            0xE1 => !(at(i + 1) == 0x9A && at(i + 2) == 0x80),
            0xE2 => match at(i + 1) {
                0x80 => !matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
                0x81 => at(i + 2) != 0x9F,
                _ => true,
            },
            0xE3 => !(at(i + 1) == 0x80 && at(i + 2) == 0x80),
            _ => true,
        };
        n += usize::from(counted);
    }
    n
}

/// [`chars`] of `s`, or `cap` when that is less: the text is counted a block of about
/// 96 bytes at a time (each block ends on a character boundary), and no further than the
/// cap, so a test such as `at least 40 characters` does not read a long paragraph to its
/// end.
pub(crate) fn chars_upto(s: &str, cap: usize) -> usize {
    let mut n = 0usize;
    let mut rest = s;
    while !rest.is_empty() && n < cap {
        let mut cut = rest.len().min(96);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let Some((block, tail)) = rest.split_at_checked(cut) else {
            break;
        };
        n += chars(block);
        rest = tail;
    }
    n.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every white space character of Unicode, and characters sharing bytes with white
    /// space: U+0080, U+1681, U+2010, U+2060, U+3001, U+3400, and a character ending in
    /// 0x80 (U+4E00).
    fn spaces_and_near() -> (Vec<char>, [char; 8]) {
        let spaces = (0u32..0x11000)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let near = [
            '\u{80}', '\u{1681}', '\u{2010}', '\u{2060}', '、', '\u{3400}', '一', 'a',
        ];
        (spaces, near)
    }

    #[test]
    fn trims_as_the_standard_library_does() {
        let (spaces, near) = spaces_and_near();
        let mut texts = vec![String::new()];
        for &a in spaces.iter().chain(&near) {
            for &b in spaces.iter().chain(&near) {
                texts.push(format!("{a}"));
                texts.push(format!("{a}甲{b}"));
                texts.push(format!("{a}{b}"));
            }
        }
        for t in &texts {
            assert_eq!(trim(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn finds_white_space_as_the_standard_library_does() {
        let (spaces, near) = spaces_and_near();
        for &a in spaces.iter().chain(&near) {
            for &b in &near {
                for t in [format!("甲{a}{b}"), format!("{b}{a}"), format!("{a}")] {
                    let want = t.chars().any(char::is_whitespace);
                    assert_eq!(has_space(&t), want, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn squeezes_without_a_copy_only_what_has_nothing_to_squeeze() {
        for t in [
            "东湖镇新修三座便民桥",
            " 东湖镇 新修 三座桥 ",
            "GDP 增长 5 %",
            "甲,乙",
            "甲\u{3000}乙",
        ] {
            let cow = squeeze_cow(t);
            assert_eq!(cow, squeezed(trim(t)), "{t:?}");
            let borrowed = matches!(cow, std::borrow::Cow::Borrowed(_));
            assert_eq!(borrowed, !has_space(trim(t)) && !t.contains(','), "{t:?}");
        }
        assert_eq!(squeeze(" 甲 乙 "), "甲乙");
    }

    #[test]
    fn counts_every_character_but_white_space() {
        // every white space character of Unicode, beside the characters that share their
        // first byte or first two bytes (U+0080, U+1681, U+2010, U+2060, U+3001, U+3400)
        let spaces: String = (0u32..0x11000)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut texts = vec![
            String::new(),
            spaces.clone(),
            format!("甲{spaces}乙\u{80}\u{1681}\u{2010}\u{2060}、\u{3400}丙。"),
            "本报讯（记者 甲乙）　某地 举行\t活动。\r\n".to_string(),
        ];
        // the same texts cut at every character boundary, so runs end in any byte
        let cuts: Vec<String> = texts
            .iter()
            .flat_map(|t| {
                t.char_indices()
                    .map(|(i, _)| t.get(..i).unwrap_or("").to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        texts.extend(cuts);
        for t in &texts {
            let want = t.chars().filter(|c| !c.is_whitespace()).count();
            assert_eq!(chars(t), want, "{t:?}");
        }
    }

    #[test]
    fn drops_forbidden_characters() {
        assert_eq!(
            clean_chars("甲\u{0}乙\u{0B}丙\u{FEFF}丁\u{3000}戊"),
            "甲乙\n丙丁 戊"
        );
    }

    #[test]
    fn byte_scan_agrees_with_cleaning() {
        for odd in [
            "\u{A0}", "\u{AD}", "\u{85}", "\u{200B}", "\u{2028}", "\u{202F}", "\u{2060}",
            "\u{FFFD}", "\u{FFFF}", "\t", "\u{7F}", "\u{3000}", "\u{FEFF}",
        ] {
            assert!(needs_cleaning(odd.as_bytes()), "{odd:?}");
            assert!(!clean_chars(&format!("甲{odd}乙")).contains(odd), "{odd:?}");
        }
        for fine in ["“引号”，正文。", "abc 123\n", "—…·"] {
            assert!(!needs_cleaning(fine.as_bytes()), "{fine:?}");
            assert_eq!(clean_chars(fine), fine);
        }
    }

    #[test]
    fn removes_only_artefact_spaces() {
        assert_eq!(remove_cjk_spaces("服 务管理 与 建设"), "服务管理与建设");
        assert_eq!(remove_cjk_spaces("帮扶村中243 名学生"), "帮扶村中243名学生");
        assert_eq!(
            remove_cjk_spaces("使用 PPT 演示 New York"),
            "使用 PPT 演示 New York"
        );
        assert_eq!(remove_cjk_spaces("编号 3 000 台"), "编号3 000台");
        assert_eq!(
            remove_cjk_spaces("生态建设 and 党的建设"),
            "生态建设和党的建设"
        );
    }

    #[test]
    fn ascii_scan_finds_every_target() {
        let text = "甲乙丙丁戊己庚辛,壬癸子丑寅卯辰巳午未申酉戌亥(a)";
        let found: Vec<usize> =
            std::iter::successors(find_ascii_in(text.as_bytes(), 0, &PUNCT_TARGET), |&i| {
                find_ascii_in(text.as_bytes(), i + 1, &PUNCT_TARGET)
            })
            .collect();
        let want: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| PUNCT_TARGET[usize::from(*b)])
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, want);
        assert_eq!(find_ascii_in(b"abc", 5, &PUNCT_TARGET), None);
        // every byte value at every place of a word, among ASCII and other bytes
        for b in 0..=255u8 {
            for at in 0..8 {
                for fill in [0x20u8, 0x40, 0x80, 0xFF, b'a'] {
                    let mut w = [fill; 11];
                    w[at] = b;
                    let want = w.iter().position(|&x| PUNCT_TARGET[usize::from(x)]);
                    assert_eq!(find_ascii_in(&w, 0, &PUNCT_TARGET), want, "{b:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn one_punctuation_width() {
        assert_eq!(
            fullwidth_punct("近日,全县召开会议(扩大)。"),
            "近日，全县召开会议（扩大）。"
        );
        assert_eq!(
            fullwidth_punct("资金3.49亿元,时间8:30"),
            "资金3.49亿元，时间8:30"
        );
        assert_eq!(fullwidth_punct("会议(扩大）举行"), "会议（扩大）举行");
        assert_eq!(fullwidth_punct("see (Fig. 2)"), "see (Fig. 2)");
    }

    #[test]
    fn rejoins_broken_paragraphs_but_keeps_subheads() {
        let paras = vec![
            "会议要求,要扎实做好秸秆禁烧、基".to_string(),
            "层网格巡查工作。".to_string(),
            "抓项目强产业 提升实力".to_string(),
            "全县坚持项目为先不放松,带动各乡发展。".to_string(),
            "“结对”即组织一户带一户互助".to_string(),
            "种植。先定计划,再分任务。".to_string(),
            "实践中心设六个功能区".to_string(),
            "据了解,实践中心于今年建成。".to_string(),
        ];
        let out = join_broken(paras);
        assert_eq!(
            out,
            vec![
                "会议要求,要扎实做好秸秆禁烧、基层网格巡查工作。",
                "抓项目强产业 提升实力",
                "全县坚持项目为先不放松,带动各乡发展。",
                "“结对”即组织一户带一户互助种植。先定计划,再分任务。",
                "实践中心设六个功能区",
                "据了解,实践中心于今年建成。",
            ]
        );
    }

    #[test]
    fn the_space_table_holds_every_white_space_character() {
        let spaces: Vec<char> = (0..=0x11_0000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(spaces, SPACES);
        for c in spaces {
            for s in [format!("{c}甲"), format!("甲{c}"), format!("{c}")] {
                assert_eq!(trim(&s), s.trim(), "{c:?}");
            }
        }
        for s in ["甲。", "“甲”", "（甲）", "", "a", "甲\u{3001}"] {
            assert_eq!(trim(s), s.trim());
        }
    }

    #[test]
    fn the_paragraph_hash_ignores_only_white_space() {
        let a = "镇里还请来农技专家驻村指导,手把手教菜农科学施肥。";
        let spaced = "镇里 还请来农技专家驻村 指导,手把手教\t菜农科学施肥。";
        assert_eq!(
            hash_without_spaces(a.as_bytes()),
            hash_without_spaces(spaced.as_bytes())
        );
        assert_ne!(
            hash_without_spaces(a.as_bytes()),
            hash_without_spaces("镇里还请来农技专家驻村指导,手把手教菜农科学施肥！".as_bytes())
        );
        assert_ne!(
            hash_without_spaces(b"abcdefgh"),
            hash_without_spaces(b"abcdefg")
        );
    }

    #[test]
    fn drops_repeated_paragraphs() {
        let mut seen = Default::default();
        let p = "镇里还请来农技专家驻村指导,手把手教菜农科学施肥。".to_string();
        let a = dedup_paragraphs(vec![p.clone(), "短句。".into()], &mut seen);
        let b = dedup_paragraphs(vec![p, "短句。".into()], &mut seen);
        assert_eq!(a.len(), 2);
        assert_eq!(b, vec!["短句。".to_string()]);
    }
}
