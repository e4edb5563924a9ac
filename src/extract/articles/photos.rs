//! Which lines make a photo item? A short caption closed by its credit, a titled caption
//! of a few paragraphs closed by its credit, and a row of photos whose credits stand
//! above their captions.

use crate::extract::articles::{Piece, Start};
use crate::extract::line::{Line, Role};
use crate::extract::read::labels::{caption_shape, is_box_label};
use crate::extract::text::clean::{chars, chars_upto, is_han, is_sentence_end};

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
    let text = caption.key().trim();
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
                && u.shape.chars().min(17) <= 16
                && !u.key().contains(['：', ':'])
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
                && chars_upto(text, 20) >= 20
                && u.role == Role::Para
                && u.key().trim().chars().last().is_some_and(is_sentence_end) => {}
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
            && units.get(j + 1).is_some_and(|u| caption_shape(u.key()))
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
                    Role::Para | Role::Marker | Role::Opens(_) => !caption_shape(u.key()),
                    Role::Credit => false,
                    _ => true,
                });
        if row {
            if let Some(k) = i.checked_sub(1)
                && class(k) == Some(Role::Head)
                && free(k)
                && units.get(k).is_some_and(|u| {
                    (2..=8).contains(&u.shape.chars()) && u.key().chars().all(is_han)
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

/// A photo item as article pages and picture columns print it: a short title, one to
/// three caption paragraphs (at most 400 characters in all), then the photographer's
/// credit at `i` on its own line, with no text after it (the page ends, or furniture or
/// the next title follows). Every line is free (`claimed` false), the title is no box's
/// label, and it is set apart from any text above (the page top, furniture, a headline,
/// a credit, a byline, or a paragraph that ends a sentence).
pub(crate) fn titled_caption_run(units: &[Line], i: usize, claimed: &[bool]) -> Option<Piece> {
    let free = |k: usize| !claimed.get(k).copied().unwrap_or(true);
    let credit = units.get(i)?;
    if credit.role != Role::Credit || !free(i) {
        return None;
    }
    if units
        .get(i + 1)
        .is_some_and(|u| u.role.opens() || matches!(u.role, Role::Para | Role::Marker))
    {
        return None;
    }
    let mut k = i;
    let mut len = 0usize;
    while k > 0 && i - k < 3 {
        let Some(u) = units.get(k - 1) else { break };
        if u.role != Role::Para || !free(k - 1) || u.gap > 1 {
            break;
        }
        len += u.shape.chars().min(401);
        k -= 1;
    }
    if k == i || len > 400 || k == 0 {
        return None;
    }
    let title = k - 1;
    let t = units.get(title)?;
    // a box's label (`相关链接`) heads the box's text, not a picture
    if t.role != Role::Head || !free(title) || is_box_label(t.key()) {
        return None;
    }
    let set_apart = title == 0
        || units.get(title - 1).is_some_and(|p| match p.role {
            Role::Furniture | Role::Head | Role::Credit | Role::Byline => true,
            Role::Para => is_sentence_end(p.key().trim_end().chars().last().unwrap_or(' ')),
            _ => false,
        });
    set_apart.then(|| Piece {
        start: Start::Credit,
        headline: vec![title],
        body: vec![],
        captions: (k..i).collect(),
        bylines: vec![],
        anchor: i,
    })
}
