//! localfeed publishes local news by place.
//!
//! A run reads new input files ([`sources`]), splits them into articles ([`extract`]),
//! places each article in the division hierarchy ([`locate`]), keeps them ([`store`]), finds the articles that tell the same story ([`stories`]),
//! writes per-locality feeds ([`publish`]) and sends digests ([`digest`]); [`schedule`]
//! orders the stages, and [`cli`] turns the command line into calls. Stages pass plain
//! values from [`model`] and never import each other; [`config`], [`clock`] and
//! [`templates`] are the shared edges.

pub mod cli;
pub mod clock;
pub mod config;
pub mod digest;
pub mod extract;
pub mod locate;
pub mod model;
pub mod publish;
pub mod schedule;
pub mod serve;
pub mod sources;
pub mod store;
pub mod stories;
pub mod templates;
