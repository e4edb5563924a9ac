//! What a line's key looks like before any of its words are read: which marks it holds
//! (a colon, a digit, a sentence's punctuation …) and how many characters it has. The key
//! is walked once, when the line is made, so that a rule needing a colon or a short line
//! asks its [`Shape`] instead of scanning the line again (each line meets some thirty
//! rules).
//!
//! Owns [`Shape`] and the walk. Knows nothing of roles or rules: the rules decide which
//! marks and lengths they need.

/// The marks a line's key holds, one bit each, and its number of characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    bits: u16,
    chars: u32,
}

/// A sentence's punctuation: one of [`crate::extract::text::words::SENTENCE_MARKS`].
pub(crate) const SENTENCE: u16 = 1;
/// A colon, `:` or `：`.
pub(crate) const COLON: u16 = 1 << 1;
/// An ASCII digit.
pub(crate) const DIGIT: u16 = 1 << 2;
/// An angle bracket, `<` or `>`.
pub(crate) const ANGLE: u16 = 1 << 3;
/// A breadcrumb's step: `>`, `＞`, `»` or `›`.
pub(crate) const STEP: u16 = 1 << 4;
/// A temperature's degree: `℃` or `°`.
pub(crate) const DEGREE: u16 = 1 << 5;
/// A full stop of Latin text, `.`.
pub(crate) const DOT: u16 = 1 << 6;
/// White space (an ASCII one or one of the few others `char::is_whitespace` knows).
pub(crate) const SPACE: u16 = 1 << 7;
/// A full-width digit, `０` to `９`.
pub(crate) const WIDE_DIGIT: u16 = 1 << 8;
/// The Han zero of a date written in characters, `〇`.
pub(crate) const HAN_ZERO: u16 = 1 << 9;
/// An opening bracket of an aside: `(`, `（`, `【` or `〔`.
pub(crate) const OPEN_BRACKET: u16 = 1 << 10;

impl Shape {
    /// The shape of `key`: the walk steps from the first byte of a character to the next;
    /// an ASCII character is told by its byte, and only a character whose first byte some
    /// wide mark shares ([`LEAD`]) is decoded, so most characters of Chinese text are
    /// passed over in one step.
    pub(crate) fn of(key: &str) -> Shape {
        let b = key.as_bytes();
        let mut bits = 0u16;
        let mut chars = 0u32;
        let mut spaces = 0u32;
        let mut i = 0usize;
        while let Some(&x) = b.get(i) {
            let class = CLASS[usize::from(x)];
            let start = i;
            i += usize::from(WIDTH[usize::from(x)]);
            chars += 1;
            if class == 0 {
                continue;
            }
            let found = if class == LEAD {
                key.get(start..i)
                    .and_then(|c| c.chars().next())
                    .map_or(0, wide_mark)
            } else {
                class
            };
            spaces += u32::from(found & SPACE != 0);
            bits |= found;
        }
        Shape {
            bits,
            chars: chars - spaces,
        }
    }

    /// Whether the key holds every mark of `bits`.
    pub(crate) fn has(self, bits: u16) -> bool {
        self.bits & bits == bits
    }

    /// Whether the key holds none of the marks of `bits`.
    pub(crate) fn lacks(self, bits: u16) -> bool {
        self.bits & bits == 0
    }

    /// Its characters, white space not counted (as `text::clean::chars` counts them).
    pub(crate) fn chars(self) -> usize {
        self.chars as usize
    }

    /// The shape of two keys joined into one (with white space between when `space`).
    pub(crate) fn joined(self, other: Shape, space: bool) -> Shape {
        Shape {
            bits: self.bits | other.bits | if space { SPACE } else { 0 },
            chars: self.chars + other.chars,
        }
    }
}

/// The characters outside ASCII that are marks (white space aside, which
/// `char::is_whitespace` tells).
const WIDE_MARKS: [(char, u16); 16] = [
    ('。', SENTENCE),
    ('，', SENTENCE),
    ('！', SENTENCE),
    ('？', SENTENCE),
    ('；', SENTENCE),
    ('：', COLON),
    ('＞', STEP),
    ('»', STEP),
    ('›', STEP),
    ('℃', DEGREE),
    ('°', DEGREE),
    ('〇', HAN_ZERO),
    ('０', WIDE_DIGIT),
    ('（', OPEN_BRACKET),
    ('【', OPEN_BRACKET),
    ('〔', OPEN_BRACKET),
];

/// White space outside ASCII (the characters `char::is_whitespace` knows there).
const WIDE_SPACES: [char; 6] = [
    '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{205f}', '\u{3000}',
];

/// The mark of a character outside ASCII: the marks first (the sentence's punctuation,
/// the most frequent, heads the table), then the digits and the white space.
fn wide_mark(c: char) -> u16 {
    if let Some(&(_, mark)) = WIDE_MARKS.iter().find(|(m, _)| *m == c) {
        return mark;
    }
    if ('０'..='９').contains(&c) {
        return WIDE_DIGIT;
    }
    if c.is_whitespace() {
        return SPACE;
    }
    0
}

/// The first byte of `c` in UTF-8 (for a character outside ASCII).
const fn lead_byte(c: char) -> usize {
    let mut buf = [0u8; 4];
    let _ = c.encode_utf8(&mut buf);
    buf[0] as usize
}

/// The class of a first byte that a character outside ASCII which is a mark opens with:
/// the character itself tells (the first byte is shared with many others).
const LEAD: u16 = 1 << 15;

/// Each byte's class: the mark an ASCII character is, [`LEAD`] for the first byte of a
/// wide mark or a wide white space, 0 for every other byte.
const CLASS: [u16; 256] = {
    let mut t = [0u16; 256];
    t[',' as usize] = SENTENCE;
    t[';' as usize] = SENTENCE;
    t['!' as usize] = SENTENCE;
    t[':' as usize] = COLON;
    t['<' as usize] = ANGLE;
    t['>' as usize] = ANGLE | STEP;
    t['.' as usize] = DOT;
    t['(' as usize] = OPEN_BRACKET;
    let mut d = '0' as usize;
    while d <= '9' as usize {
        t[d] = DIGIT;
        d += 1;
    }
    // the ASCII white space: tab, line feed, vertical tab, form feed, carriage return
    let mut w = '\t' as usize;
    while w <= '\r' as usize {
        t[w] = SPACE;
        w += 1;
    }
    t[' ' as usize] = SPACE;
    let mut k = 0;
    while k < WIDE_MARKS.len() {
        t[lead_byte(WIDE_MARKS[k].0)] = LEAD;
        k += 1;
    }
    t[lead_byte('９')] = LEAD;
    let mut k = 0;
    while k < WIDE_SPACES.len() {
        t[lead_byte(WIDE_SPACES[k])] = LEAD;
        k += 1;
    }
    t
};

/// The length of the character a UTF-8 byte starts (1 for a byte inside a character,
/// which a walk from character to character never meets): the count of its high bits
/// set.
const WIDTH: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut x = 0;
    while x < 256 {
        let ones = (x as u8).leading_ones();
        if ones >= 2 {
            t[x] = ones as u8;
        }
        x += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::clean::chars;
    use crate::extract::text::words::SENTENCE_MARKS;

    /// The walk over bytes agrees with asking the characters, on every mark and on
    /// characters that share bytes with them, and counts characters as `chars` does.
    #[test]
    fn the_byte_walk_agrees_with_the_characters() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let wide: Vec<char> = ('０'..='９').collect();
        let asked: [(u16, &[char]); 11] = [
            (SENTENCE, &SENTENCE_MARKS),
            (COLON, &[':', '：']),
            (DIGIT, &['0', '1', '5', '9']),
            (ANGLE, &['<', '>']),
            (STEP, &['>', '＞', '»', '›']),
            (DEGREE, &['℃', '°']),
            (DOT, &['.']),
            (SPACE, &spaces),
            (WIDE_DIGIT, &wide),
            (HAN_ZERO, &['〇']),
            (OPEN_BRACKET, &['(', '（', '【', '〔']),
        ];
        // characters near the marks' bytes: U+00BA, U+00B1, U+0080, U+00A1, U+1681,
        // U+2039, U+2010, U+2060, U+2103's neighbours, U+3001, U+3003, U+FF0B, U+FF1C,
        // U+FF1D, a full-width digit, U+4E00 (ends in 0x80), a four-byte character
        let near = [
            'º', '±', '\u{80}', '¡', 'ᚁ', '‹', '‐', '\u{2060}', '℄', '℅', '、', '〃', '＋', '＜',
            '＝', '／', '：', '〆', '〈', '一', '𠀀',
        ];
        let mut all: Vec<char> = asked
            .iter()
            .flat_map(|(_, cs)| cs.iter().copied())
            .collect();
        all.extend(near);
        all.extend(['中', '文', 'a']);
        for c in all {
            for s in [format!("甲{c}乙"), format!("{c}"), format!("{c}{c} x")] {
                let m = Shape::of(&s);
                for (bit, cs) in &asked {
                    assert_eq!(
                        m.has(*bit),
                        cs.contains(&c) || (*bit == SPACE && s.contains(' ')),
                        "{c:?} {bit} in {s:?}"
                    );
                    assert_eq!(m.lacks(*bit), !m.has(*bit));
                }
                assert_eq!(m.chars(), chars(&s), "{s:?}");
            }
        }
        assert_eq!(Shape::of(""), Shape::default());
        let joined = Shape::of("甲：").joined(Shape::of("3℃"), true);
        assert!(joined.has(COLON | DIGIT | DEGREE | SPACE));
        assert!(!joined.has(SENTENCE));
        assert_eq!(joined.chars(), 4);
        assert_eq!(
            Shape::of("甲：").joined(Shape::of("3"), false),
            Shape::of("甲：3")
        );
    }
}
