//! Orchestration of the stages.

pub mod digests;
