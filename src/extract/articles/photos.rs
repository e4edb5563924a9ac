//! Which lines make a photo item? A short caption closed by its credit, and a row of
//! photos whose credits stand above their captions.

use crate::extract::articles::{Piece, Start};
use crate::extract::line::{Line, Role};
use crate::extract::read::labels::caption_shape;
use crate::extract::text::clean::{chars, is_han, is_sentence_end};

/// A photo item the first rules leave to the article above: a caption of at most two
/// sentences (at most 90 characters) closed by the credit at `i`, under a short title of
/// its own or right after a paragraph that ends a sentence, with no text after the credit.
pub(crate) fn short_photo(units: &[Line], i: usize, claimed: &[bool]) -> Option<Piece> {
    let free = |k: usize| !claimed.get(k).copied().unwrap_or(true);
    let cap = i.checked_sub(1)?;
    let caption = units.get(cap)?;
    if caption.role != Role::Para || !free(cap) {
        return None;
    }
    let text = caption.text.trim();
    let sentences = text.matches(['。', '！', '？']).count();
    let ends = text.chars().last().is_some_and(is_sentence_end);
    if !ends || !(1..=2).contains(&sentences) || !(12..=90).contains(&chars(text)) {
        return None;
    }
    // the credit ends the run of text: the page ends, or no free paragraph follows
    let after_ok = units
        .get(i + 1)
        .is_none_or(|u| u.role != Role::Para || !free(i + 1));
    if !after_ok {
        return None;
    }
    let above = cap
        .checked_sub(1)
        .and_then(|k| units.get(k).map(|u| (k, u)));
    let mut headline = vec![];
    match above {
        // a short title of its own, set off from the text above it
        Some((k, u))
            if u.role == Role::Head
                && free(k)
                && chars(&u.text) <= 16
                && !u.text.contains(['：', ':'])
                && k.checked_sub(1)
                    .and_then(|j| units.get(j))
                    .is_none_or(|p| p.role != Role::Head) =>
        {
            headline.push(k);
        }
        // no title: two whole sentences (a one-line label such as `会议现场。` is a picture
        // inside the article), and the paragraph above closes its own article
        Some((_, u))
            if sentences == 2
                && chars(text) >= 20
                && u.role == Role::Para
                && u.text.trim().chars().last().is_some_and(is_sentence_end) => {}
        _ => return None,
    }
    Some(Piece {
        start: Start::Credit,
        headline,
        body: vec![],
        captions: vec![cap],
        bylines: vec![],
        anchor: i,
    })
}

/// A row of photos whose credits stand above their captions (`通讯员 X 摄` / caption /
/// `记者 Y 摄` / caption …): two or more credit-and-caption pairs in a row, the first credit
/// closing no caption of its own (a label, a headline or a long paragraph stands above
/// it), and no more text after the last caption. Each pair is a photo item, its credit the
/// anchor. Read before credits are taken as closing the caption above them. The credits,
/// the captions and a short column label right above the row (`镜头`, `光影`) are marked
/// taken; the label belongs to no item.
pub(crate) fn credit_first_strip(units: &[Line], claimed: &mut [bool]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let taken: &[bool] = claimed;
    let free = |k: usize| !taken.get(k).copied().unwrap_or(true);
    let class = |k: usize| units.get(k).map(|u| u.role);
    let mut i = 0;
    while i < units.len() {
        if class(i) != Some(Role::Credit) || !free(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut pairs = Vec::new();
        while class(j) == Some(Role::Credit)
            && free(j)
            && class(j + 1) == Some(Role::Para)
            && free(j + 1)
            && units.get(j + 1).is_some_and(|u| caption_shape(&u.text))
        {
            pairs.push((j, j + 1));
            j += 2;
        }
        // read only for a row: no text after it, and the line above closes no caption
        let row = pairs.len() >= 2
            && units
                .get(j)
                .is_none_or(|u| !matches!(u.role, Role::Para | Role::Marker) || !free(j))
            && i.checked_sub(1)
                .and_then(|k| units.get(k))
                .is_none_or(|u| match u.role {
                    Role::Para | Role::Marker | Role::Opens(_) => !caption_shape(&u.text),
                    Role::Credit => false,
                    _ => true,
                });
        if row {
            if let Some(k) = i.checked_sub(1)
                && class(k) == Some(Role::Head)
                && free(k)
                && units.get(k).is_some_and(|u| {
                    (2..=8).contains(&chars(&u.text)) && u.text.chars().all(is_han)
                })
            {
                labels.push(k);
            }
            for (credit, caption) in pairs {
                out.push(Piece {
                    start: Start::Credit,
                    headline: vec![],
                    body: vec![],
                    captions: vec![caption],
                    bylines: vec![],
                    anchor: credit,
                });
            }
            i = j;
        } else {
            i += 1;
        }
    }
    for k in out
        .iter()
        .flat_map(|p| p.captions.iter().chain(std::iter::once(&p.anchor)))
        .chain(&labels)
    {
        if let Some(c) = claimed.get_mut(*k) {
            *c = true;
        }
    }
    out
}
