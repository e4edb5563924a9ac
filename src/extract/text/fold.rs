//! The matching key of a line, and full-width digits read as ASCII ones.
//!
//! **The key** ([`key`]): a line with every traditional character replaced by its
//! simplified one, character for character (`本報記者` → `本报记者`), computed once where
//! a page's lines are made (`roles::units_before`; single-article files fold their own
//! lines), so a rule that matches words reads the key and every word list holds
//! simplified forms only. Every pair maps a character of three UTF-8 bytes to one of
//! three, so a byte offset in the key is the same offset in the text: a rule finds a word
//! in the key and cuts the text at the same place, and what an article prints (names,
//! headlines, places) keeps the page's own characters. For that reason pairs whose
//! simplified character lies outside the Basic Multilingual Plane (four bytes) are left
//! out, and full-width digits (three bytes, an ASCII digit one) are not folded in the key:
//! [`digits_value`], [`is_digit`] and [`fold_wide_digits`] read them where a rule needs a
//! number.
//!
//! **The pairs** are data, not code: `data/t2s-chars.tsv`, the single-character pairs of
//! OpenCC's `TSCharacters.txt` (Apache-2.0, see NOTICE), first simplified value, kept
//! when it differs from the traditional character and has its UTF-8 length (2,966 pairs).
//! The OpenCC crates were considered (`opencc-rust`, a binding to the C++ library, and
//! `ferrous-opencc`, OpenCC in Rust): they convert with OpenCC's phrase tables as well as
//! its characters, and may give a character of four bytes for one of three, so the
//! converted text need not keep the offsets the key must keep; a table read here is a
//! few lines and keeps them by construction (checked when it is loaded).
//! `locate` keeps its own, narrower table (`data/gazetteer/t2s.tsv`, the characters of
//! division names): stages share no code.

use std::cell::Cell;
use std::sync::LazyLock;

/// The pairs, `traditional<TAB>simplified` a line, `#` lines are comments.
const PAIRS: &str = include_str!("../../../data/t2s-chars.tsv");

/// The first code point the table covers (CJK Extension A starts here).
const BASE: u32 = 0x3400;
/// One past the last code point the table covers (the end of the unified ideographs).
const END: u32 = 0xA000;

/// The folding table: a bit a character of the Basic Multilingual Plane saying whether it
/// folds (one word of the bitmap covers the 64 characters that share their first two
/// UTF-8 bytes, so the test of a simplified page's characters stays in the cache and
/// needs no decoding), and the simplified character of each that does over `BASE..END`.
struct Table {
    words: Box<[u64; 1024]>,
    to: Vec<char>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table {
        words: Box::new([0; 1024]),
        to: vec!['\0'; (END - BASE) as usize],
    };
    for line in PAIRS.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t').map(|c| c.chars());
        let (Some(mut a), Some(mut b)) = (cols.next(), cols.next()) else {
            continue;
        };
        let (Some(from), Some(to)) = (a.next(), b.next()) else {
            continue;
        };
        // a pair that would move the offsets after it is no pair of the key
        if from.len_utf8() != to.len_utf8() || !(BASE..END).contains(&u32::from(from)) {
            continue;
        }
        let u = u32::from(from) as usize;
        if let (Some(w), Some(slot)) = (t.words.get_mut(u >> 6), t.to.get_mut(u - BASE as usize)) {
            *w |= 1 << (u & 63);
            *slot = to;
        }
    }
    t
});

impl Table {
    /// Whether the code point `u` folds.
    fn folds(&self, u: u32) -> bool {
        self.words
            .get((u >> 6) as usize)
            .is_some_and(|w| (w >> (u & 63)) & 1 != 0)
    }

    /// The simplified character of `c`, when `c` folds.
    fn fold(&self, c: char) -> Option<char> {
        if !self.folds(u32::from(c)) {
            return None;
        }
        self.to
            .get(u32::from(c).wrapping_sub(BASE) as usize)
            .copied()
    }

    /// The byte offset of the first character of `b` (UTF-8) that folds. Every folding
    /// character has three bytes and a first byte from E3 to E9 (U+3000 to U+9FFF), and
    /// no other byte of UTF-8 lies in that range, so the bytes are walked one by one and
    /// only such a first byte is read with the two after it: the low four bits of the
    /// first and the low six of the second are the character's word of the bitmap, the
    /// low six of the third its bit, and no character is decoded on the way.
    fn first_folding(&self, b: &[u8]) -> Option<usize> {
        let mut rest = b;
        while let [x, tail @ ..] = rest {
            if x.wrapping_sub(0xE3) > 0xE9 - 0xE3 {
                rest = tail;
                continue;
            }
            let [y, z, tail @ ..] = tail else {
                return None;
            };
            // at most 15 << 6 | 63 = 1023: always within the bitmap
            let word = self.words[(usize::from(x & 0x0F) << 6) | usize::from(y & 0x3F)];
            if (word >> (z & 0x3F)) & 1 != 0 {
                return Some(b.len() - rest.len());
            }
            rest = tail;
        }
        None
    }
}

thread_local! {
    /// Set while a text known to hold no traditional character is read (see
    /// [`SimplifiedText`]): then every key is the text itself and no key walks its bytes.
    static SIMPLIFIED_TEXT: Cell<bool> = const { Cell::new(false) };
}

/// A text being read, looked at once for traditional characters. Most pages hold none,
/// and every string a rule keys while reading such a page is cut from it or made of it
/// and the simplified words of our lists, so it holds none either: while the value lives,
/// [`key`] answers at once instead of walking each line, piece and paragraph again (on
/// generated pages those walks were 7 % of extraction's instructions). A page with a
/// traditional character keys every string as before. The mark belongs to the thread and
/// is put back as it was when the value is dropped, so a nested read and a panic leave no
/// trace.
pub(crate) struct SimplifiedText {
    was: bool,
}

impl SimplifiedText {
    /// Looks at `text` once; while the value lives, keys skip their walk when `text` holds
    /// no traditional character.
    pub(crate) fn enter(text: &str) -> Self {
        let simplified = TABLE.first_folding(text.as_bytes()).is_none();
        let was = SIMPLIFIED_TEXT.with(|m| m.replace(simplified));
        SimplifiedText { was }
    }
}

impl Drop for SimplifiedText {
    fn drop(&mut self) {
        SIMPLIFIED_TEXT.with(|m| m.set(self.was));
    }
}

/// The simplified character of a traditional one; `None` for any other character.
pub(crate) fn simplified(c: char) -> Option<char> {
    TABLE.fold(c)
}

/// The matching key of `text`: its traditional characters folded to simplified ones, of
/// the same byte length as `text` and with every character at the same offset; `None`
/// when `text` holds no traditional character (then the key is `text` itself).
pub(crate) fn key(text: &str) -> Option<String> {
    if SIMPLIFIED_TEXT.with(Cell::get) {
        return None;
    }
    let t = &*TABLE;
    let at = t.first_folding(text.as_bytes())?;
    // `at` starts a character: the text up to it is copied as it is
    let (head, rest) = text.split_at_checked(at)?;
    let mut out = String::with_capacity(text.len());
    out.push_str(head);
    out.extend(rest.chars().map(|c| t.fold(c).unwrap_or(c)));
    Some(out)
}

/// The value of a run of digits, ASCII or full-width (`６` is 6); `None` when the run is
/// empty, holds anything else, or overflows.
pub(crate) fn digits_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            '０'..='９' => u32::from(c) - u32::from('０'),
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

/// True when `b` holds a full-width digit (`０`..`９`: the bytes EF BC 90 to EF BC 99).
pub(crate) fn has_wide_digit(b: &[u8]) -> bool {
    memchr::memchr_iter(0xEF, b).any(|i| {
        b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|x| (0x90..=0x99).contains(x))
    })
}

/// A short line (at most 100 bytes) that holds a full-width digit, with its full-width
/// digits read as ASCII ones; `None` for any other line (the test is a byte search).
pub(crate) fn fold_wide_digits(t: &str) -> Option<String> {
    if t.len() > 100 || !has_wide_digit(t.as_bytes()) {
        return None;
    }
    Some(
        t.chars()
            .map(|c| match c {
                '０'..='９' => {
                    char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
                }
                _ => c,
            })
            .collect(),
    )
}

/// [`key`] for a text made outside a page's lines (a single-article file's paragraph):
/// borrowed when the text is its own key.
pub(crate) fn key_of(text: &str) -> std::borrow::Cow<'_, str> {
    key(text).map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
}

/// [`key_of`] of the first `max` bytes of `text` or so (cut back to a character
/// boundary): for a test that reads only the opening of a long paragraph.
pub(crate) fn key_of_opening(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let mut cut = text.len().min(max);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    key_of(text.get(..cut).unwrap_or(text))
}

/// An ASCII or a full-width digit.
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_folds_traditional_characters_in_place() {
        assert_eq!(
            key("本報記者 陳大明／臺南報導").as_deref(),
            Some("本报记者 陈大明／台南报导")
        );
        assert_eq!(key("相關鏈接：網").as_deref(), Some("相关链接：网"));
        // nothing to fold: no key of its own
        assert_eq!(key("本报记者 王英 2025年８月"), None);
        assert_eq!(key(""), None);
    }

    #[test]
    fn the_key_keeps_every_offset_of_the_text() {
        let text = "【記者林芳／基隆報導】港口物流園區擴建工程日前完工。ＡＢ１２ abc";
        let k = key(text).unwrap();
        assert_eq!(k.len(), text.len());
        let offsets = |s: &str| s.char_indices().map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(offsets(&k), offsets(text));
        // full-width digits stay as they are (an ASCII digit is one byte, not three)
        assert!(k.contains("ＡＢ１２"));
    }

    #[test]
    fn every_pair_of_the_table_keeps_its_length() {
        let mut n = 0;
        for line in PAIRS.lines().filter(|l| !l.starts_with('#')) {
            let mut cs = line.chars();
            let (Some(t), Some('\t'), Some(s)) = (cs.next(), cs.next(), cs.next()) else {
                panic!("bad pair line: {line}");
            };
            assert_eq!(simplified(t), Some(s), "{line}");
            assert_eq!(t.len_utf8(), s.len_utf8(), "{line}");
            n += 1;
        }
        assert_eq!(n, 2966);
        // simplified and ASCII characters are their own key
        for c in ['报', '记', 'a', '１', '。'] {
            assert_eq!(simplified(c), None);
        }
    }
}
