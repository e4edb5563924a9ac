//! Web subscription state: confirmations waiting for their link to be followed, and the
//! attempts counted by the subscribe form's rate limits.
//!
//! Owns: the SQL of the `pending_subscriptions` and `subscribe_attempts` tables. Times are
//! whole seconds since the Unix epoch, passed in by the caller. Must not touch: tokens,
//! email, HTTP, or the clock.

use anyhow::Result;
use rusqlite::{OptionalExtension, params};

use super::SqliteStore as Store;

/// A subscription asked for on the web and not yet confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSubscription {
    /// The random id carried by the confirmation link.
    pub nonce: String,
    /// The normalised address.
    pub email: String,
    /// The places asked for (division codes).
    pub localities: Vec<String>,
    /// The schedule asked for.
    pub schedule: String,
    /// The schedule's time zone.
    pub timezone: String,
    /// When it was asked for (seconds since the epoch).
    pub created: i64,
    /// When the confirmation link stops working (seconds since the epoch).
    pub expires: i64,
}

const PENDING_COLUMNS: &str = "nonce, email, localities, schedule, timezone, created, expires";

/// A row of `pending_subscriptions` as read, its localities still JSON.
type PendingRow = (String, String, String, String, String, i64, i64);

fn pending_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

trait IntoPending {
    fn into_pending(self) -> Result<PendingSubscription>;
}

impl IntoPending for PendingRow {
    fn into_pending(self) -> Result<PendingSubscription> {
        Ok(PendingSubscription {
            nonce: self.0,
            email: self.1,
            localities: serde_json::from_str(&self.2)?,
            schedule: self.3,
            timezone: self.4,
            created: self.5,
            expires: self.6,
        })
    }
}

impl Store {
    /// Records a pending subscription (replacing one with the same nonce).
    pub fn add_pending_subscription(&mut self, p: &PendingSubscription) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_subscriptions
             (nonce, email, localities, schedule, timezone, created, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.nonce,
                p.email,
                serde_json::to_string(&p.localities)?,
                p.schedule,
                p.timezone,
                p.created,
                p.expires
            ],
        )?;
        Ok(())
    }

    /// One pending subscription by its nonce.
    pub fn pending_subscription(&self, nonce: &str) -> Result<Option<PendingSubscription>> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {PENDING_COLUMNS} FROM pending_subscriptions WHERE nonce = ?1"),
                params![nonce],
                pending_row,
            )
            .optional()?;
        raw.map(IntoPending::into_pending).transpose()
    }

    /// The pending subscriptions whose link still works at `now`, by address and age.
    pub fn pending_subscriptions(&self, now: i64) -> Result<Vec<PendingSubscription>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {PENDING_COLUMNS} FROM pending_subscriptions WHERE expires >= ?1
             ORDER BY email, created, nonce"
        ))?;
        let rows = st.query_map(params![now], pending_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.into_pending()?);
        }
        Ok(out)
    }

    /// Removes a pending subscription (it was confirmed or replaced). Returns false when
    /// it was not there.
    pub fn remove_pending_subscription(&mut self, nonce: &str) -> Result<bool> {
        let n = self.conn.execute(
            "DELETE FROM pending_subscriptions WHERE nonce = ?1",
            params![nonce],
        )?;
        Ok(n > 0)
    }

    /// Removes the pending subscriptions whose link expired before `before`, and the
    /// counted attempts older than `attempts_before`. Returns how many rows went.
    pub fn prune_subscriptions(&mut self, before: i64, attempts_before: i64) -> Result<usize> {
        let a = self.conn.execute(
            "DELETE FROM pending_subscriptions WHERE expires < ?1",
            params![before],
        )?;
        let b = self.conn.execute(
            "DELETE FROM subscribe_attempts WHERE at < ?1",
            params![attempts_before],
        )?;
        Ok(a + b)
    }

    /// Counts one attempt under `key` (e.g. `ip:…` or `email:…`) at `now` when fewer than
    /// `limit` were counted since `since`. Returns false, counting nothing, when the limit
    /// is reached. Check and count happen in one transaction.
    pub fn count_attempt(&mut self, key: &str, since: i64, limit: u32, now: i64) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let n: i64 = tx.query_row(
            "SELECT COUNT(*) FROM subscribe_attempts WHERE key = ?1 AND at >= ?2",
            params![key, since],
            |r| r.get(0),
        )?;
        if n >= i64::from(limit) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO subscribe_attempts (key, at) VALUES (?1, ?2)",
            params![key, now],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(nonce: &str, expires: i64) -> PendingSubscription {
        PendingSubscription {
            nonce: nonce.into(),
            email: "reader@example.net".into(),
            localities: vec!["370800".into(), "370811".into()],
            schedule: "daily 07:30".into(),
            timezone: "Asia/Shanghai".into(),
            created: 100,
            expires,
        }
    }

    #[test]
    fn pending_subscriptions_round_trip_and_expire() {
        let mut s = Store::open_in_memory().unwrap();
        s.add_pending_subscription(&pending("n1", 1_000)).unwrap();
        s.add_pending_subscription(&pending("n2", 5_000)).unwrap();
        assert_eq!(
            s.pending_subscription("n1").unwrap(),
            Some(pending("n1", 1_000))
        );
        assert_eq!(s.pending_subscription("nx").unwrap(), None);
        assert_eq!(
            s.pending_subscriptions(2_000).unwrap(),
            vec![pending("n2", 5_000)],
            "an expired link is not pending"
        );
        assert_eq!(s.prune_subscriptions(2_000, 0).unwrap(), 1);
        assert_eq!(s.pending_subscription("n1").unwrap(), None);
        assert!(s.remove_pending_subscription("n2").unwrap());
        assert!(!s.remove_pending_subscription("n2").unwrap());
    }

    #[test]
    fn attempts_are_limited_per_key_and_window() {
        let mut s = Store::open_in_memory().unwrap();
        for t in 0..3 {
            assert!(s.count_attempt("ip:1", 0, 3, 10 + t).unwrap());
        }
        assert!(
            !s.count_attempt("ip:1", 0, 3, 20).unwrap(),
            "fourth in the window"
        );
        assert!(
            s.count_attempt("ip:2", 0, 3, 20).unwrap(),
            "another key has its own count"
        );
        assert!(
            s.count_attempt("ip:1", 12, 3, 30).unwrap(),
            "older attempts leave the window"
        );
    }
}
