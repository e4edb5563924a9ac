//! The one place that reads the current time.
//!
//! Owns: the [`Clock`] trait, the system clock, and a fixed clock for tests and for
//! `LOCALFEED_NOW`. Must not touch: anything else. No other module calls `now()`.

use chrono::{DateTime, FixedOffset, Utc};

/// A source of the current time, injected into every stage that needs one.
pub trait Clock: Send + Sync {
    /// The current time, in Asia/Shanghai (+08:00).
    fn now(&self) -> DateTime<FixedOffset>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<FixedOffset> {
        Utc::now().with_timezone(&crate::model::shanghai())
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }
}

/// The clock a command should use: fixed when `LOCALFEED_NOW` holds an RFC 3339 time
/// (tests and reproducible runs), else the system clock.
pub fn from_env() -> Result<Box<dyn Clock>, String> {
    match std::env::var("LOCALFEED_NOW") {
        Ok(v) if !v.trim().is_empty() => DateTime::parse_from_rfc3339(v.trim())
            .map(|t| {
                Box::new(FixedClock(t.with_timezone(&crate::model::shanghai()))) as Box<dyn Clock>
            })
            .map_err(|e| format!("LOCALFEED_NOW={v:?} is not an RFC 3339 time: {e}")),
        _ => Ok(Box::new(SystemClock)),
    }
}
