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

impl Shape {
    /// The shape of `key`, told from its bytes (nothing is decoded): the walk steps from
    /// the first byte of a character to the next, and a character the table gives no
    /// class is passed over in one step, as most characters of Chinese text are.
    pub(crate) fn of(key: &str) -> Shape {
        let b = key.as_bytes();
        let mut bits = 0u16;
        let mut chars = 0u32;
        let mut spaces = 0u32;
        let mut i = 0usize;
        while let Some(&x) = b.get(i) {
            let class = CLASS[usize::from(x)];
            i += usize::from(WIDTH[usize::from(x)]);
            chars += 1;
            if class == 0 {
                continue;
            }
            let found = if class == LEAD {
                // `i` is past the character: its second and third bytes are behind it
                let tail = |k: usize| b.get(i.wrapping_sub(k)).copied().unwrap_or(0);
                let (second, third) = if x == 0xC2 {
                    (tail(1), 0)
                } else {
                    (tail(2), tail(1))
                };
                wide_mark(x, second, third)
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

/// The mark of a character of two or three bytes that opens with `lead`.
fn wide_mark(lead: u8, second: u8, third: u8) -> u16 {
    match (lead, second, third) {
        // `»` C2 BB, `°` C2 B0, U+0085 and U+00A0 (white space)
        (0xC2, 0xBB, _) => STEP,
        (0xC2, 0xB0, _) => DEGREE,
        (0xC2, 0x85 | 0xA0, _) => SPACE,
        // U+1680 (white space)
        (0xE1, 0x9A, 0x80) => SPACE,
        // `›` E2 80 BA, `℃` E2 84 83; U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
        (0xE2, 0x80, 0xBA) => STEP,
        (0xE2, 0x84, 0x83) => DEGREE,
        (0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0xE2, 0x81, 0x9F) => SPACE,
        // `。` E3 80 82, U+3000 (white space), `〇` E3 80 87
        (0xE3, 0x80, 0x82) => SENTENCE,
        (0xE3, 0x80, 0x80) => SPACE,
        (0xE3, 0x80, 0x87) => HAN_ZERO,
        // `！` EF BC 81, `，` 8C, `；` 9B, `？` 9F, `：` 9A, `＞` 9E
        (0xEF, 0xBC, 0x81 | 0x8C | 0x9B | 0x9F) => SENTENCE,
        (0xEF, 0xBC, 0x9A) => COLON,
        (0xEF, 0xBC, 0x9E) => STEP,
        // `０`–`９` EF BC 90–99
        (0xEF, 0xBC, 0x90..=0x99) => WIDE_DIGIT,
        _ => 0,
    }
}

/// The class of a lead byte whose character may be a mark: the bytes after it tell.
const LEAD: u16 = 1 << 15;

/// Each byte's class: the mark an ASCII byte is, [`LEAD`] for the first byte of the wide
/// marks (`C2`, `E1`, `E2`, `E3`, `EF`), 0 for every other byte.
const CLASS: [u16; 256] = {
    let mut t = [0u16; 256];
    t[b',' as usize] = SENTENCE;
    t[b';' as usize] = SENTENCE;
    t[b'!' as usize] = SENTENCE;
    t[b':' as usize] = COLON;
    t[b'<' as usize] = ANGLE;
    t[b'>' as usize] = ANGLE | STEP;
    t[b'.' as usize] = DOT;
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = DIGIT;
        d += 1;
    }
    let mut w = 0x09;
    while w <= 0x0D {
        t[w] = SPACE;
        w += 1;
    }
    t[b' ' as usize] = SPACE;
    t[0xC2] = LEAD;
    t[0xE1] = LEAD;
    t[0xE2] = LEAD;
    t[0xE3] = LEAD;
    t[0xEF] = LEAD;
    t
};

/// The length of the character a UTF-8 byte starts (1 for a byte inside a character,
/// which a walk from character to character never meets).
const WIDTH: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut x = 0xC0;
    while x < 256 {
        t[x] = if x < 0xE0 {
            2
        } else if x < 0xF0 {
            3
        } else {
            4
        };
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
        let asked: [(u16, &[char]); 10] = [
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
