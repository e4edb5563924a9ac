//! localfeed publishes local news by place.
//!
//! A run reads new input files (`sources`), splits them into articles (`extract`),
//! places each article in the division hierarchy (`locate`), keeps them (`store`),
//! writes per-locality feeds (`publish`) and sends digests (`digest`); `schedule`
//! orders the stages, and `cli` turns the command line into calls. Stages pass plain
//! values from `model` and never import each other.

pub mod clock;
pub mod locate;
pub mod model;
pub mod templates;
