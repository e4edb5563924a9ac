//! From bytes to text: decoding, cleaning, folding, each line's shape, and the shared word lists.

pub(crate) mod clean;
pub(crate) mod decode;
pub(crate) mod fold;
pub(crate) mod shape;
pub(crate) mod words;
