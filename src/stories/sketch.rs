//! What of an article's text says which story it is, and a short sketch of it: the body
//! without the parts papers change when they reprint (the dateline and byline opening,
//! credit lines at the end, spacing and punctuation), cut into overlapping runs of
//! characters (shingles), and a MinHash signature of those shingles made by one
//! permutation hashing.
//!
//! Our own code rather than the `gaoya` crate: gaoya 0.2.2 builds on Rust 1.95, but its
//! MinHash evaluates every one of the k hash functions on every shingle (k × shingles
//! operations: 2.0 s for k = 64 and 3.4 s for k = 128 over 50,000 bodies of 600
//! characters on this machine, more than the whole budget of the stage on a 10,000-page
//! run), and it brings rayon, rand, a pre-release smallvec and the deprecated sha-1 crate.
//! One permutation hashing (Li, Owen, Zhang 2012) hashes each shingle once and keeps the
//! least value per bin; empty bins of short texts borrow from the next filled bin
//! (densification, Shrivastava and Li 2014), so the fraction of equal bins still estimates
//! the Jaccard similarity.

use crate::model::fold_for_id;

/// Characters per shingle. Four characters are about two Chinese words: shorter runs are
/// shared by unrelated stories (every story about 乡村振兴 shares 乡村振兴's bigrams),
/// longer ones let a changed character cost too many shingles.
pub(crate) const SHINGLE: usize = 4;

/// Bins of a signature (a power of two).
pub(crate) const BINS: usize = 128;
const BIN_BITS: u32 = BINS.trailing_zeros();

/// Words that make a short closing paragraph a credit line (editor, reporter, source),
/// which papers rewrite when they reprint.
const CREDIT_WORDS: &[&str] = &[
    "编辑",
    "责编",
    "校对",
    "审核",
    "记者",
    "通讯员",
    "来源",
    "摄",
    "供稿",
    "签发",
];

/// The longest closing paragraph taken for a credit line, in characters.
const CREDIT_MAX: usize = 30;

/// How far into the text a dateline's `讯` may stand (`本报青山7月23日讯`).
const DATELINE_MAX: usize = 40;

/// The folded text that says which story an article tells: its body without the dateline
/// opening (`本报讯（记者 王英）`, `湖州日报讯（记者 …）`) and without credit lines at the
/// end, white space and punctuation dropped, full-width forms folded.
pub(crate) fn story_text(body: &str) -> Vec<char> {
    let mut paras: Vec<&str> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    while paras.len() > 1 {
        let Some(last) = paras.last() else { break };
        let credit =
            last.chars().count() <= CREDIT_MAX && CREDIT_WORDS.iter().any(|w| last.contains(w));
        if !credit {
            break;
        }
        paras.pop();
    }
    let mut out = Vec::with_capacity(body.len() / 3);
    for (n, p) in paras.iter().enumerate() {
        let p = if n == 0 { without_dateline(p) } else { p };
        out.extend(fold_for_id(p).chars());
    }
    out
}

/// A paragraph without its opening dateline and the bracketed byline after it.
fn without_dateline(p: &str) -> &str {
    let mut rest = p;
    if let Some((i, _)) = p
        .char_indices()
        .take(DATELINE_MAX)
        .find(|&(_, c)| c == '讯')
    {
        rest = &p[i + '讯'.len_utf8()..];
    }
    let trimmed = rest.trim_start_matches([' ', '\u{3000}', ':', '：', '　']);
    let mut chars = trimmed.char_indices();
    if let Some((_, open @ ('(' | '（'))) = chars.next() {
        let close = if open == '(' { ')' } else { '）' };
        if let Some((i, c)) = chars
            .take(DATELINE_MAX)
            .find(|&(_, c)| c == close || c == ')' || c == '）')
        {
            return &trimmed[i + c.len_utf8()..];
        }
    }
    rest
}

/// A 64-bit mix (splitmix64's finaliser): fixed, so sketches are the same on every run.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hashes of the text's shingles, in text order (with repeats). A text shorter than a
/// shingle is one shingle. Each character is mixed once; a shingle's hash mixes its
/// characters' hashes, each rotated by its place in the shingle.
pub(crate) fn shingles(text: &[char]) -> impl Iterator<Item = u64> + '_ {
    let n = if text.len() < SHINGLE {
        text.len().min(1)
    } else {
        text.len() - SHINGLE + 1
    };
    let hashes: Vec<u64> = text
        .iter()
        .map(|&c| mix(u64::from(c as u32) ^ 0x9E37_79B9_7F4A_7C15))
        .collect();
    (0..n).map(move |i| {
        let w = &hashes[i..(i + SHINGLE).min(hashes.len())];
        let mut h = 0u64;
        for (k, x) in w.iter().enumerate() {
            h ^= x.rotate_left(16 * k as u32);
        }
        mix(h)
    })
}

/// The set of a text's shingle hashes (their upper 32 bits: half the memory, and two
/// shingles of two texts share them by chance about once in 4,000 pairs of 1,000-shingle
/// texts, which moves no similarity measurably), sorted, no repeats.
pub(crate) fn shingle_set(text: &[char]) -> Vec<u32> {
    let mut v: Vec<u32> = shingles(text).map(|h| (h >> 32) as u32).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Jaccard similarity and containment (shared over the smaller set) of two sorted sets.
pub(crate) fn overlap(a: &[u32], b: &[u32]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    (
        both as f64 / union as f64,
        both as f64 / a.len().min(b.len()) as f64,
    )
}

/// The signature of a text (tests).
#[cfg(test)]
pub(crate) fn signature(text: &[char]) -> [u32; BINS] {
    signature_of(shingles(text))
}

/// A MinHash signature of a text's shingle hashes by one permutation hashing: the top bits of
/// each shingle's hash pick its bin, the bin keeps the least of the low 32 bits. Empty
/// bins (short texts) take the value of the next filled bin to the right, offset by the
/// distance, so two texts agree on a borrowed bin about as often as on a filled one.
/// An empty text gives all bins `u32::MAX`.
fn signature_of(hashes: impl Iterator<Item = u64>) -> [u32; BINS] {
    let mut sig = [u32::MAX; BINS];
    let mut filled = [false; BINS];
    for h in hashes {
        let bin = (h >> (64 - BIN_BITS)) as usize;
        let v = h as u32;
        if v < sig[bin] || !filled[bin] {
            sig[bin] = sig[bin].min(v);
            filled[bin] = true;
        }
    }
    if !filled.iter().any(|f| *f) {
        return sig;
    }
    let mut out = sig;
    for i in 0..BINS {
        if filled[i] {
            continue;
        }
        let mut d = 1;
        while !filled[(i + d) % BINS] {
            d += 1;
        }
        out[i] = sig[(i + d) % BINS].wrapping_add((d as u32).wrapping_mul(0x9E37_79B9));
    }
    out
}

/// Characters of the story text that make its opening (about its first two sentences).
pub(crate) const OPENING: usize = 60;

/// What the index keeps of one printing: its story text's folded length and the MinHash
/// signatures of the whole text and of its opening. It depends on the body alone, so the
/// store keeps it beside the article and a later run signs only what is new or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    /// Folded characters of the story text.
    pub len: u32,
    /// The signature of the whole story text.
    pub whole: [u32; BINS],
    /// The signature of its first 60 characters (its opening).
    pub opening: [u32; BINS],
    /// Those characters (the store keeps them rather than their signature: fewer bytes,
    /// and the signature is made again from them in a moment).
    opening_text: String,
}

/// Which way of sketching a stored sketch was made by, and how it is kept; a sketch of
/// another version is made again. Version 1 kept the opening's signature, version 2
/// keeps the opening's characters.
const SKETCH_VERSION: u8 = 2;

impl Sketch {
    /// The sketch of a body (as stored): its story text cut into shingles once, the
    /// opening's signature made from the first of the same shingles.
    pub fn of(body: &str) -> Self {
        let text = story_text(body);
        let hashes: Vec<u64> = shingles(&text).collect();
        let open = text.len().min(OPENING);
        let opening_text: String = text[..open].iter().collect();
        let open = if open < SHINGLE {
            open.min(1)
        } else {
            open - SHINGLE + 1
        };
        Self {
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            whole: signature_of(hashes.iter().copied()),
            opening: signature_of(hashes[..open.min(hashes.len())].iter().copied()),
            opening_text,
        }
    }

    /// The first byte of [`Sketch::to_bytes`]: the version of the form sketches are kept
    /// in (one kept by another version is made again).
    pub const VERSION: u8 = SKETCH_VERSION;

    /// The bytes the store keeps: a version byte, the length and the whole text's
    /// signature, little-endian, then the opening's characters (UTF-16, little-endian:
    /// two bytes for a Chinese character). The opening's signature is the signature of
    /// those characters' shingles, which are the first shingles of the whole text.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + 4 * BINS + 2 * OPENING);
        out.push(SKETCH_VERSION);
        out.extend_from_slice(&self.len.to_le_bytes());
        for v in &self.whole {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for u in self.opening_text.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    /// A sketch from the store's bytes; `None` when they are not one of this version.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let fixed = 5 + 4 * BINS;
        if b.len() < fixed || b[0] != SKETCH_VERSION || !(b.len() - fixed).is_multiple_of(2) {
            return None;
        }
        let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut whole = [0; BINS];
        for (k, v) in whole.iter_mut().enumerate() {
            *v = word(5 + 4 * k);
        }
        let units = b[fixed..]
            .chunks_exact(2)
            .map(|u| u16::from_le_bytes([u[0], u[1]]));
        let opening_text: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
        let chars: Vec<char> = opening_text.chars().collect();
        Some(Self {
            len: word(1),
            whole,
            opening: signature_of(shingles(&chars)),
            opening_text,
        })
    }
}

/// The share of bins on which two signatures agree: an estimate of the Jaccard
/// similarity of their shingle sets.
pub(crate) fn estimate(a: &[u32; BINS], b: &[u32; BINS]) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / BINS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        story_text(s)
    }

    #[test]
    fn dateline_byline_and_credits_do_not_count() {
        let a = chars(
            "本报讯（记者 王英 通讯员 李明）7月23日，安吉县递铺街道举行活动。\n\n群众踊跃参加。\n\n（编辑 张三）",
        );
        let b = chars("湖州日报讯(记者 王英)7月23日,安吉县递铺街道举行活动。\n\n群众踊跃参加。");
        assert_eq!(a, b);
        let c = chars("本报青山7月23日讯 安吉县递铺街道举行活动。");
        assert_eq!(c.iter().collect::<String>(), "安吉县递铺街道举行活动");
    }

    #[test]
    fn a_text_without_dateline_is_kept_whole() {
        let t = chars("群众在广场观看演出，现场气氛热烈。");
        assert_eq!(
            t.iter().collect::<String>(),
            "群众在广场观看演出现场气氛热烈"
        );
    }

    #[test]
    fn signatures_estimate_jaccard() {
        let base: String = "今年以来安吉县坚持生态优先绿色发展全面推进乡村振兴各项工作取得明显成效全县农村居民人均可支配收入同比增长百分之七点五".repeat(3);
        let a = story_text(&base);
        let mut edited = base.clone();
        edited.push_str("记者从县农业农村局了解到相关情况");
        let b = story_text(&edited);
        let (j, c) = overlap(&shingle_set(&a), &shingle_set(&b));
        assert!(j > 0.6 && c > 0.99, "{j} {c}");
        let est = estimate(&signature(&a), &signature(&b));
        assert!((est - j).abs() < 0.2, "estimate {est} against {j}");
        let other = story_text("青山镇举办农民丰收节活动吸引周边群众前来参观选购特色农产品");
        assert!(estimate(&signature(&a), &signature(&other)) < 0.2);
        assert_eq!(signature(&a), signature(&a.clone()));
    }

    #[test]
    fn a_sketch_is_both_signatures_and_keeps_in_bytes() {
        let body = format!(
            "本报讯（记者 王英）{}",
            "安吉县递铺街道举办共富工坊现场推进会。".repeat(9)
        );
        let s = Sketch::of(&body);
        let text = story_text(&body);
        assert_eq!(s.len as usize, text.len());
        assert_eq!(s.whole, signature(&text));
        assert_eq!(s.opening, signature(&text[..OPENING]));
        assert_eq!(Sketch::from_bytes(&s.to_bytes()), Some(s.clone()));
        let mut old = s.to_bytes();
        old[0] = 1;
        assert_eq!(Sketch::from_bytes(&old), None);
        assert_eq!(Sketch::from_bytes(&old[1..]), None);
        let tiny = Sketch::of("好的");
        assert_eq!(tiny.opening, tiny.whole);
        // the opening is kept as its characters, two bytes each, and signed again
        assert_eq!(s.to_bytes().len(), 5 + 4 * BINS + 2 * OPENING);
        for t in [tiny, Sketch::of(""), Sketch::of("好的𠀀汉字abc")] {
            assert_eq!(Sketch::from_bytes(&t.to_bytes()), Some(t.clone()));
        }
    }

    #[test]
    fn empty_and_tiny_texts_have_a_signature() {
        assert_eq!(signature(&[]), [u32::MAX; BINS]);
        let s = signature(&['好']);
        assert!(s.iter().all(|v| *v != u32::MAX || s[0] == u32::MAX));
        assert_eq!(shingle_set(&['好', '的']).len(), 1);
    }
}
