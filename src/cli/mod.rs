//! Command-line handlers.

pub mod digest_cmds;
