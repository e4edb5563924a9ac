//! Whether two printings tell the same story: one ordered table of named rules over what
//! two texts share; the first rule that decides, decides.
//!
//! Short items (briefs, photo captions) share most of their few shingles with any item
//! written from the same template (`X镇举行Y活动`), so they need a far closer match than
//! long reports, whose reprints differ in a dateline, a byline, a headline or a few
//! edited sentences, or are cut to their first paragraphs.

/// The thresholds of the rules, chosen on the labelled set of `benches/stories.rs`
/// (figures in BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Texts shorter than this (folded characters) are one story only when identical and
    /// under the same headline.
    pub min_chars: usize,
    /// Texts shorter than this are short items.
    pub short_chars: usize,
    /// Least Jaccard similarity of shingles for two short items.
    pub short_jaccard: f64,
    /// Least Jaccard similarity of shingles for two long items.
    pub long_jaccard: f64,
    /// Least share of the shorter text's shingles found in the longer one for a cut
    /// reprint (the longer one a long item).
    pub containment: f64,
    /// Least length of the shorter text as a share of the longer one's for a cut reprint.
    pub cut_ratio: f64,
    /// Least folded length of a shorter text found whole in a longer one (see
    /// `whole_containment`) for the two to be one story whatever their lengths.
    pub contained_chars: usize,
    /// Least share of the shorter text's shingles found in the longer one for it to be
    /// found whole: a brief or teaser cut from the report, or the report's first part.
    pub whole_containment: f64,
    /// Two printings dated further apart than this many days, and first seen further
    /// apart too, are different stories.
    pub max_days_apart: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_chars: 24,
            short_chars: 160,
            short_jaccard: 0.9,
            long_jaccard: 0.5,
            containment: 0.9,
            cut_ratio: 0.3,
            contained_chars: 40,
            whole_containment: 0.95,
            max_days_apart: 7,
        }
    }
}

/// What is known of two printings when the rules look at them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Folded length of the shorter story text.
    pub shorter: usize,
    /// Folded length of the longer one.
    pub longer: usize,
    /// Jaccard similarity of their shingle sets.
    pub jaccard: f64,
    /// Share of the smaller shingle set found in the larger.
    pub containment: f64,
    /// Days between their dates when both are dated, or between the days they were first
    /// seen when that is fewer (a misread date does not part two printings seen together)
    /// or when one is undated.
    pub days_apart: Option<i64>,
    /// Their folded headlines are the same (and not empty).
    pub same_title: bool,
    /// Their texts place them in different divisions, neither inside the other (each
    /// placement decided by what its own text names, not by its paper's home): two
    /// towns' stories written from one template.
    pub places_apart: bool,
}

/// One rule: its name and what it says of a pair (`None`: not its case).
pub struct Rule {
    /// The rule's name, as tests and messages call it.
    pub name: &'static str,
    /// Same story (`Some(true)`), different (`Some(false)`), or not this rule's case.
    pub decide: fn(&Pair, &Thresholds) -> Option<bool>,
}

/// The rules, in the order they are asked.
pub const RULES: &[Rule] = &[
    Rule {
        name: "far-apart-in-time",
        decide: |p, t| {
            p.days_apart
                .filter(|d| *d > t.max_days_apart)
                .map(|_| false)
        },
    },
    Rule {
        name: "placed-apart",
        decide: |p, _| p.places_apart.then_some(false),
    },
    Rule {
        name: "too-short-to-tell",
        decide: |p, t| (p.shorter < t.min_chars).then_some(p.jaccard >= 1.0 && p.same_title),
    },
    Rule {
        name: "long-near-copy",
        decide: |p, t| (p.shorter >= t.short_chars && p.jaccard >= t.long_jaccard).then_some(true),
    },
    Rule {
        name: "cut-reprint",
        decide: |p, t| {
            let ratio = p.shorter as f64 / p.longer.max(1) as f64;
            (p.longer >= t.short_chars && p.containment >= t.containment && ratio >= t.cut_ratio)
                .then_some(true)
        },
    },
    Rule {
        name: "found-whole",
        decide: |p, t| {
            (p.shorter >= t.contained_chars && p.containment >= t.whole_containment).then_some(true)
        },
    },
    Rule {
        name: "short-item",
        decide: |p, t| (p.shorter < t.short_chars).then_some(p.jaccard >= t.short_jaccard),
    },
    Rule {
        name: "different",
        decide: |_, _| Some(false),
    },
];

fn far_apart(days_apart: Option<i64>, t: &Thresholds) -> bool {
    days_apart.is_some_and(|d| d > t.max_days_apart)
}

/// True when the first rules part the pair whatever their texts share: printings far
/// apart in time, or placed apart by their own texts. Two stories so parted are never
/// put in one story through a third printing either.
pub(crate) fn parted(days_apart: Option<i64>, places_apart: bool, t: &Thresholds) -> bool {
    far_apart(days_apart, t) || places_apart
}

/// Whether a pair is one story, and the name of the rule that said so.
pub fn decide(p: &Pair, t: &Thresholds) -> (bool, &'static str) {
    for r in RULES {
        if let Some(v) = (r.decide)(p, t) {
            return (v, r.name);
        }
    }
    (false, "different")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(shorter: usize, longer: usize, jaccard: f64, containment: f64) -> Pair {
        Pair {
            shorter,
            longer,
            jaccard,
            containment,
            days_apart: Some(0),
            same_title: false,
            places_apart: false,
        }
    }

    fn rule(p: &Pair) -> (bool, &'static str) {
        decide(p, &Thresholds::default())
    }

    #[test]
    fn far_apart_in_time() {
        let mut p = pair(500, 500, 1.0, 1.0);
        p.days_apart = Some(30);
        assert_eq!(rule(&p), (false, "far-apart-in-time"));
        p.days_apart = None;
        assert_eq!(rule(&p), (true, "long-near-copy"));
    }

    #[test]
    fn placed_apart() {
        let mut p = pair(500, 500, 0.9, 0.9);
        p.places_apart = true;
        assert_eq!(rule(&p), (false, "placed-apart"));
    }

    #[test]
    fn too_short_to_tell() {
        let mut p = pair(12, 12, 1.0, 1.0);
        assert_eq!(rule(&p), (false, "too-short-to-tell"));
        p.same_title = true;
        assert_eq!(rule(&p), (true, "too-short-to-tell"));
    }

    #[test]
    fn short_item() {
        assert_eq!(rule(&pair(80, 90, 0.6, 0.8)), (false, "short-item"));
        assert_eq!(rule(&pair(80, 90, 0.8, 0.9)), (false, "short-item"));
        assert_eq!(rule(&pair(80, 90, 0.92, 0.94)), (true, "short-item"));
    }

    #[test]
    fn long_near_copy() {
        assert_eq!(rule(&pair(600, 650, 0.5, 0.7)), (true, "long-near-copy"));
    }

    #[test]
    fn cut_reprint() {
        assert_eq!(rule(&pair(300, 900, 0.33, 0.95)), (true, "cut-reprint"));
        // the first paragraph of a long report, reprinted alone
        assert_eq!(rule(&pair(120, 300, 0.4, 0.98)), (true, "cut-reprint"));
        // a brief that shares a tenth of a long report's length is not its reprint
        assert_eq!(rule(&pair(170, 1800, 0.09, 0.93)), (false, "different"));
    }

    #[test]
    fn found_whole() {
        // a 42-character teaser whose every run of words stands in a 273-character report
        assert_eq!(rule(&pair(42, 273, 0.15, 0.97)), (true, "found-whole"));
        assert_eq!(rule(&pair(30, 273, 0.11, 1.0)), (false, "short-item"));
    }

    #[test]
    fn different() {
        assert_eq!(rule(&pair(600, 650, 0.2, 0.3)), (false, "different"));
    }
}
