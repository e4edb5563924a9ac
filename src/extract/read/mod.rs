//! What a string says with no page context: datelines, bylines, dates, furniture, the
//! openers of articles and the labels of short lines.

pub(crate) mod byline;
pub(crate) mod dateline;
pub(crate) mod dates;
pub(crate) mod furniture;
pub(crate) mod labels;
pub(crate) mod opener;
