//! Which headline-like lines above a page's first text are its story's headline, and
//! which are the site around it (a welcome line, a menu, a slogan, a teaser repeating the
//! lead, a share button)? A linear model decides, the way document-structure tools that
//! meet layouts they have never seen do: each candidate line is described by shallow
//! features of its shape and its neighbours ([`FEATURES`]), and weights fitted to the
//! gold of our development pages (`scripts/fit-header-model.py`, shipped as
//! `data/header-model.json`) weigh them. A candidate whose score falls below the model's
//! threshold is furniture (`header-score` in `--explain`), and so is a doubtful one far
//! below the page's best line (the model's margin), unless it stands inside a headline
//! block between two lines the model takes for headlines; `extract --features` prints
//! the features the model sees and the score.
//!
//! Owns: the candidate lines, their features and the model's decision.
//! Must not touch: any line below the page's first text, or any role but a headline-like
//! line's.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::extract::line::{Line, Role};
use crate::extract::text::clean::{chars, chars_upto, is_han, is_sentence_end, squeeze_cow, trim};
use crate::extract::text::shape;
use crate::extract::text::words::META_WORDS;

/// The features of a candidate line, in the order of the model's weights. Each is a
/// number between 0 and 1.
pub(crate) const FEATURES: [&str; 31] = [
    "length",
    "very-short",
    "over-forty",
    "words-in-text",
    "most-words-in-text",
    "opens-the-text",
    "spaced-short-words",
    "separators",
    "digit-share",
    "latin-share",
    "han-share",
    "holds-a-date",
    "closes-a-sentence",
    "holds-a-comma",
    "colon-inside",
    "bracketed",
    "distance-to-text",
    "nearest-to-text",
    "under-a-time-line",
    "over-a-time-line",
    "printed-twice",
    "first-of-page",
    "block-of-the-nearest",
    "headline-above",
    "headline-below",
    "set-as-text",
    "ends-in-a-dash",
    "most-words-of-the-lines",
    "words-short-of-the-most",
    "many-spaced-words",
    "names-a-page",
];

/// Where `words-in-text` and `most-words-of-the-lines` stand in [`FEATURES`].
const WORDS_IN_TEXT: usize = 3;
const MOST_WORDS: usize = 27;

/// The model: a weight per feature, a bias, and the score under which a line is not a
/// headline.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Model {
    /// The feature names, in the order of `weights` (checked against [`FEATURES`]).
    pub(crate) features: Vec<String>,
    /// A weight per feature.
    pub(crate) weights: Vec<f64>,
    /// The bias.
    pub(crate) bias: f64,
    /// Scores below it make a line furniture.
    pub(crate) threshold: f64,
    /// A doubtful line (a score under 0) this far below the best line of its page (a
    /// score of at least [`CONFIDENT`]) is furniture too.
    pub(crate) margin: f64,
}

/// The score of a line the model is sure is a headline.
const CONFIDENT: f64 = 1.5;

/// The shipped model's text.
const MODEL_JSON: &str = include_str!("../../../data/header-model.json");

/// The shipped model, read once. A model whose feature names differ from
/// [`FEATURES`] is not used (a test checks the shipped one).
static MODEL: LazyLock<Option<Model>> = LazyLock::new(|| {
    serde_json::from_str::<Model>(MODEL_JSON).ok().filter(|m| {
        m.features.len() == FEATURES.len()
            && m.weights.len() == FEATURES.len()
            && m.features.iter().zip(FEATURES).all(|(a, b)| a == b)
    })
});

/// The shipped model, when it is usable.
pub(crate) fn model() -> Option<&'static Model> {
    MODEL.as_ref()
}

/// The index of the page's first text: the first line that opens an article, or the
/// first paragraph of at least forty characters that holds a sentence's punctuation.
fn text_start(lines: &[Line]) -> Option<usize> {
    lines.iter().position(|u| {
        u.role.opens()
            || (u.role == Role::Para
                && u.shape.chars().min(40) >= 40
                && u.key().contains(['，', ',', '。']))
    })
}

/// Pairs of Han characters of the characters `cs`.
///
/// Each pair is packed in one number (the first character in the high half), which sorts
/// and compares as the pair does, at the cost of one integer.
fn bigrams(cs: impl Iterator<Item = char>) -> Vec<u64> {
    let mut out = Vec::with_capacity(cs.size_hint().0 / 3);
    let mut prev: Option<char> = None;
    for c in cs.filter(|c| is_han(*c)) {
        if let Some(p) = prev {
            out.push(pair_of(p, c));
        }
        prev = Some(c);
    }
    out
}

/// A pair of characters in one number (the first in the high half).
fn pair_of(first: char, second: char) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// A sieve over the candidates' pairs: one bit of 256 for each, chosen by a hash of the
/// pair. A pair whose bit is clear is none of them, so most pairs of a text are passed
/// over without a look in the set.
struct PairSieve([u64; 4]);

impl PairSieve {
    fn of<'p>(pairs: impl Iterator<Item = &'p u64>) -> PairSieve {
        let mut bits = [0u64; 4];
        for &p in pairs {
            let k = Self::slot(p);
            if let Some(w) = bits.get_mut(k / 64) {
                *w |= 1 << (k % 64);
            }
        }
        PairSieve(bits)
    }

    /// The pair's bit: the top eight bits of a multiplicative hash.
    fn slot(pair: u64) -> usize {
        (pair.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
    }

    /// Whether `pair` may be one of the pairs (when not, it surely is not).
    fn may_hold(&self, pair: u64) -> bool {
        let k = Self::slot(pair);
        self.0.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0)
    }
}

/// Whether the line at `k` is headline-like.
fn headline_at(lines: &[Line], k: usize) -> bool {
    lines.get(k).is_some_and(|x| x.role == Role::Head)
}

/// A line that gives a time and a source or author (`2025-07-08 07:15 来源：…`).
fn time_line(u: &Line) -> bool {
    let t = u.key();
    u.shape.has(shape::DIGIT)
        && t.len() <= 300
        && t.bytes().filter(u8::is_ascii_digit).count() >= 4
        && (META_WORDS.iter().any(|w| t.contains(w))
            || t.contains("作者")
            || t.contains("日期")
            || holds_a_date(t))
}

/// `2025-07-08`, `2025年7月8日`, `2025/07/08`.
fn holds_a_date(t: &str) -> bool {
    let cs: Vec<char> = t.chars().collect();
    cs.windows(6).any(|w| {
        let digits = |r: std::ops::Range<usize>| {
            w.get(r)
                .is_some_and(|x| x.iter().all(|c| c.is_ascii_digit()))
        };
        digits(0..4) && matches!(w.get(4), Some('-' | '/' | '年' | '.')) && digits(5..6)
    })
}

/// A line that names a page of the paper: a page code (`A2`, `B03`) or `版` with a
/// number (`第3版`, `前一版`, `02版`).
fn names_a_page(t: &str) -> bool {
    let cs: Vec<char> = t.chars().collect();
    let code = cs
        .windows(2)
        .any(|w| matches!(w, [a, d] if a.is_ascii_uppercase() && d.is_ascii_digit()));
    let numbered = cs.iter().enumerate().any(|(k, &c)| {
        c == '版'
            && k > 0
            && cs
                .get(k - 1)
                .is_some_and(|p| p.is_ascii_digit() || "一二三四五六七八九十前后上下".contains(*p))
    });
    code || numbered
}

/// What the model reads of the page around the candidates.
struct Page<'a> {
    /// The first text's index.
    start: usize,
    /// Which of the candidates' Han pairs stand in the text's first 500 or so characters
    /// (the candidates' pairs are few, the text's many: the text is read once against
    /// them instead of being kept whole in a set).
    text_pairs: rustc_hash::FxHashSet<u64>,
    /// The opening of the first text, squeezed: at least the characters any candidate's
    /// `opens-the-text` reads.
    first_text: Cow<'a, str>,
    /// Every line above the text squeezed, for lines printed twice.
    squeezed: Vec<Cow<'a, str>>,
}

/// A candidate line, squeezed, and its Han pairs.
struct Candidate<'a> {
    /// The line's index.
    at: usize,
    /// Its trimmed key.
    text: &'a str,
    /// The key squeezed.
    squeezed: Cow<'a, str>,
    /// The Han pairs of `squeezed`.
    pairs: Vec<u64>,
}

impl<'a> Candidate<'a> {
    fn of(lines: &'a [Line], at: usize) -> Candidate<'a> {
        let text = lines.get(at).map_or("", |u| trim(u.key()));
        // the trimmed key squeezes as the key does
        let squeezed = lines.get(at).map_or(Cow::Borrowed(""), Line::squeezed);
        let pairs = bigrams(squeezed.chars());
        Candidate {
            at,
            text,
            squeezed,
            pairs,
        }
    }

    /// The characters of the first text `opens-the-text` compares this line with.
    fn opening_chars(&self) -> usize {
        let n = chars(&self.squeezed).max(1);
        n * 3 / 2 + 4
    }
}

impl<'a> Page<'a> {
    fn read(lines: &'a [Line], start: usize, found: &[Candidate<'_>]) -> Option<Page<'a>> {
        // sized once: the candidates' pairs are counted before they are put in
        let mut wanted = rustc_hash::FxHashSet::with_capacity_and_hasher(
            found.iter().map(|c| c.pairs.len()).sum(),
            Default::default(),
        );
        wanted.extend(found.iter().flat_map(|c| c.pairs.iter().copied()));
        let sieve = PairSieve::of(wanted.iter());
        // the text's pairs, as the keys of its lines run on one after another (a pair
        // may join the last Han character of a line to the first of the next), up to the
        // line that takes the text past 1,500 bytes
        let mut text_pairs = rustc_hash::FxHashSet::default();
        let mut prev: Option<char> = None;
        let mut read = 0usize;
        for u in lines.iter().skip(start) {
            if matches!(u.role, Role::Para | Role::Opens(_) | Role::Head) {
                for c in u.key().chars().filter(|c| is_han(*c)) {
                    if let Some(p) = prev {
                        let pair = pair_of(p, c);
                        if sieve.may_hold(pair) && wanted.contains(&pair) {
                            text_pairs.insert(pair);
                        }
                    }
                    prev = Some(c);
                }
                read += u.key().len();
            }
            if read > 1_500 {
                break;
            }
        }
        let first_key = lines.get(start)?.key();
        let opening = found
            .iter()
            .map(Candidate::opening_chars)
            .max()
            .unwrap_or(0);
        Some(Page {
            start,
            text_pairs,
            first_text: squeezed_opening(first_key, opening),
            // a headline printed twice is printed above the text (a page title over the
            // headline)
            squeezed: lines
                .iter()
                .take(start)
                .map(|u| {
                    if u.key().len() <= 400 {
                        u.squeezed()
                    } else {
                        Cow::Borrowed("")
                    }
                })
                .collect(),
        })
    }
}

/// The first `n` characters (at least) of `text` squeezed, squeezing no more of a long
/// text than they need: a prefix squeezed gives the same first characters as the whole
/// when it gives more of them than are asked for.
fn squeezed_opening(text: &str, n: usize) -> Cow<'_, str> {
    let cut = text
        .char_indices()
        .nth(2 * n + 16)
        .map_or(text.len(), |(k, _)| k);
    if cut < text.len() {
        let head = squeeze_cow(text.get(..cut).unwrap_or(text));
        if chars_upto(&head, n + 1) > n {
            return head;
        }
    }
    squeeze_cow(text)
}

/// The candidates: headline-like lines and short paragraphs that close no sentence
/// (a caption or a short lead does) above the first text, nearest first, at most twelve.
fn candidates(lines: &[Line], start: usize) -> Vec<usize> {
    (0..start)
        .rev()
        .filter(|&i| {
            lines.get(i).is_some_and(|u| {
                u.role == Role::Head
                    || (u.role == Role::Para
                        && u.key().len() <= 360
                        && !u.key().trim_end().ends_with(is_sentence_end))
            })
        })
        .take(12)
        .collect()
}

/// The features of candidate `i` (see [`FEATURES`]).
fn features(lines: &[Line], c: &Candidate<'_>, page: &Page<'_>, nearest: usize) -> [f64; 31] {
    let (i, u, sq, pairs) = (c.at, c.text, c.squeezed.as_ref(), &c.pairs);
    let n = chars(sq).max(1);
    let nf = n as f64;
    let found = pairs.iter().filter(|p| page.text_pairs.contains(p)).count();
    let share = if pairs.is_empty() {
        0.0
    } else {
        found as f64 / pairs.len() as f64
    };
    let words = u.split_whitespace().count();
    let spaced_short = words >= 3 && u.split_whitespace().all(|w| w.chars().count() <= 5);
    let separators = u
        .chars()
        .filter(|c| matches!(c, '|' | '｜' | '>' | '＞' | '·' | '/' | '»' | '-'))
        .count();
    let count = |f: fn(&char) -> bool| sq.chars().filter(f).count() as f64 / nf;
    // a teaser repeating the lead: most of its pairs stand in the lead's opening
    let opening_pairs = bigrams(page.first_text.chars().take(n * 3 / 2 + 4));
    let in_opening = pairs.iter().filter(|p| opening_pairs.contains(p)).count();
    let opens_text = n >= 8 && !pairs.is_empty() && in_opening * 4 >= pairs.len() * 3;
    let last = u.chars().last().unwrap_or(' ');
    let colon_inside = u
        .char_indices()
        .any(|(k, c)| matches!(c, '：' | ':') && k > 0 && k + c.len_utf8() < u.len());
    let next_time = (i + 1..page.start)
        .find_map(|k| lines.get(k))
        .is_some_and(time_line);
    let under_time = (i.saturating_sub(3)..i)
        .filter_map(|k| lines.get(k))
        .any(time_line);
    let twice = sq.chars().count() >= 6
        && page
            .squeezed
            .iter()
            .enumerate()
            .any(|(k, s)| k != i && s.len() >= sq.len() && s.contains(sq));
    let first = lines.iter().take(i).all(|x| x.role == Role::Furniture);
    // a date and a page code need ASCII digits
    let digits = lines.get(i).is_some_and(|x| x.shape.has(shape::DIGIT));
    let b = |x: bool| f64::from(u8::from(x));
    let head_at = |k: usize| headline_at(lines, k);
    // every line from this one down to the nearest candidate is headline-like
    let block_of_nearest = (i..=nearest).all(head_at);
    [
        (nf.min(40.0)) / 40.0,
        b(n <= 5),
        b(n > 40),
        share,
        b(share >= 0.5),
        b(opens_text),
        b(spaced_short),
        (separators.min(3) as f64) / 3.0,
        count(char::is_ascii_digit),
        count(char::is_ascii_alphabetic),
        count(|c| is_han(*c)),
        b(digits && holds_a_date(u)),
        b(last == '。' || (is_sentence_end(last) && u.contains(['，', ',']))),
        b(u.contains(['，', ','])),
        b(colon_inside),
        b(u.starts_with(['【', '[', '（', '(', '〔'])),
        ((page.start - i).min(10) as f64) / 10.0,
        b(i == nearest),
        b(under_time),
        b(next_time),
        b(twice),
        b(first),
        b(block_of_nearest),
        b(i > 0 && head_at(i - 1)),
        b(head_at(i + 1) && i + 1 < page.start),
        b(lines.get(i).is_some_and(|x| x.role == Role::Para)),
        b(u.ends_with(['—', '-', '－'])),
        // filled in by `described`, which sees every candidate of the page
        0.0,
        0.0,
        (words.min(8) as f64) / 8.0,
        b((digits || u.contains('版')) && names_a_page(u)),
    ]
}

/// The candidates of a page with their features, nearest to the text first.
pub(crate) fn described(lines: &[Line]) -> Vec<(usize, [f64; 31])> {
    let Some(start) = text_start(lines) else {
        return Vec::new();
    };
    let found = candidates(lines, start);
    // most pages of a paper open with their masthead's furniture and a headline block
    // the table has read: nothing to weigh, nothing to build
    if found.is_empty() {
        return Vec::new();
    }
    let nearest = found.first().copied().unwrap_or(0);
    let found: Vec<Candidate<'_>> = found.into_iter().map(|i| Candidate::of(lines, i)).collect();
    let Some(page) = Page::read(lines, start, &found) else {
        return Vec::new();
    };
    let mut rows: Vec<(usize, [f64; 31])> = found
        .iter()
        .map(|c| (c.at, features(lines, c, &page, nearest)))
        .collect();
    // how the line's share of pairs found in the text compares with the best line's: a
    // page's headline is the line whose words its text repeats most
    let share = |f: &[f64; 31]| f.get(WORDS_IN_TEXT).copied().unwrap_or(0.0);
    let best = rows.iter().map(|(_, f)| share(f)).fold(0.0, f64::max);
    for (_, f) in &mut rows {
        let own = share(f);
        if let Some(x) = f.get_mut(MOST_WORDS) {
            *x = f64::from(u8::from(own >= best && best >= 0.5));
        }
        if let Some(x) = f.get_mut(MOST_WORDS + 1) {
            *x = best - own;
        }
    }
    rows
}

/// The model's score of a feature vector.
pub(crate) fn score(model: &Model, f: &[f64; 31]) -> f64 {
    model.bias + model.weights.iter().zip(f).map(|(w, x)| w * x).sum::<f64>()
}

/// The rule: the candidates the model scores below its threshold.
pub(crate) fn not_headlines(lines: &[Line]) -> Vec<usize> {
    let Some(m) = model() else {
        return Vec::new();
    };
    let scored: Vec<(usize, f64)> = described(lines)
        .into_iter()
        .map(|(i, f)| (i, score(m, &f)))
        .collect();
    let head_at = |k: usize| headline_at(lines, k);
    // a headline block is whole: a line between two lines of one block that the model
    // takes for headlines (a score of at least 0) stays
    let inside_kept = |i: usize| {
        let kept_run = |k: usize| scored.iter().any(|&(j, s)| j == k && s >= 0.0);
        let above = (0..i).rev().take_while(|&k| head_at(k)).any(kept_run);
        let below = (i + 1..lines.len())
            .take_while(|&k| head_at(k))
            .any(kept_run);
        above && below
    };
    let best = scored.iter().map(|&(_, s)| s).fold(f64::MIN, f64::max);
    let far_below = |s: f64| s < 0.0 && best >= CONFIDENT && best - s >= m.margin;
    scored
        .iter()
        .filter(|&&(i, s)| (s < m.threshold || far_below(s)) && !inside_kept(i))
        .map(|&(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relative_features_stand_where_their_names_say() {
        assert_eq!(FEATURES.get(WORDS_IN_TEXT), Some(&"words-in-text"));
        assert_eq!(FEATURES.get(MOST_WORDS), Some(&"most-words-of-the-lines"));
        assert_eq!(
            FEATURES.get(MOST_WORDS + 1),
            Some(&"words-short-of-the-most")
        );
    }

    #[test]
    fn the_shipped_model_reads_the_features_this_code_computes() {
        let m: Model = serde_json::from_str(MODEL_JSON).unwrap();
        assert_eq!(m.features, FEATURES);
        assert_eq!(m.weights.len(), FEATURES.len());
        assert!(model().is_some());
    }

    #[test]
    fn the_opening_of_a_long_text_is_squeezed_as_the_whole_text_begins() {
        let text =
            "本报讯 （记者 甲乙） 5 月 1 日，东湖镇 A B 村新修三座便民桥，方便 2000 多名群众出行。"
                .repeat(20);
        let whole = squeeze_cow(&text);
        for n in [1, 5, 20, 60, 200, 2_000] {
            let opening = squeezed_opening(&text, n);
            let want: String = whole.chars().take(n).collect();
            let got: String = opening.chars().take(n).collect();
            assert_eq!(got, want, "{n}");
        }
    }

    #[test]
    fn a_page_without_text_has_no_candidates() {
        let lines = crate::extract::roles::units("青山日报\n\n东湖镇新修三座便民桥\n");
        assert!(described(&lines).is_empty());
    }
}
