//! What a string says with no page context: datelines, bylines, dates, furniture, the
//! openers of articles, the labels of short lines, run-on numbered lists and the shapes
//! of lines copied from news sites.

pub(crate) mod byline;
pub(crate) mod dateline;
pub(crate) mod dates;
pub(crate) mod furniture;
pub(crate) mod labels;
pub(crate) mod opener;
pub(crate) mod run_on;
pub(crate) mod web;
