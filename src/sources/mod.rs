//! Where input comes from: source folders, upstream feeds and article pages on the web.
//!
//! Owns: listing and reading the files of a source folder (no path leaves its folder),
//! fetching over HTTP(S) politely (`http`: one client, timeouts, size limit, conditional
//! requests, one request at a time per host), reading a feed's envelope into entries,
//! each made a document for `extract` (`feed`, with feed-rs), URL lists and OPML files
//! (`lists`). Must not touch: decoding bytes into text or reading articles out of a page
//! (extract: a feed is handed here already decoded), the store (the caller passes what is
//! known of a URL in and records what came back), or the clock (times come in as values).

mod feed;
mod folder;
pub mod http;
mod lists;

pub use feed::{Entry, Feed, FeedError, claims_to_be_feed, first_unskipped, parse_feed};
pub use folder::{InputFile, SourceError, may_be_feed, mtime_ns, read, scan, select};
pub use lists::{OpmlFeed, parse_opml, parse_url_list};
