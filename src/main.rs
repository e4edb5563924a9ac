//! The `localfeed` command.
fn main() {}
