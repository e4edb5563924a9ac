//! When a subscriber's digest is due.
//!
//! Owns: the schedule syntax (`immediate`, `daily 07:30`, `weekly mon 07:30`) and the
//! catch-up rule: a digest is due when a scheduled instant has passed since the last one
//! handled, so a run that missed 07:30 sends that digest once, and several missed instants
//! give one digest. Must not touch: the clock (the caller passes `now`), the store.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// How often a subscriber gets a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// On every run that finds something new.
    Immediate,
    /// Once a day at this local time.
    Daily(NaiveTime),
    /// Once a week on this day at this local time.
    Weekly(Weekday, NaiveTime),
}

/// Parses an IANA time zone name such as `Asia/Shanghai`.
pub fn parse_tz(name: &str) -> anyhow::Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        anyhow::anyhow!(
            "unknown time zone {:?} (use an IANA name such as Asia/Shanghai)",
            name.trim()
        )
    })
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    match s.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Some(Weekday::Mon),
        "tue" | "tues" | "tuesday" => Some(Weekday::Tue),
        "wed" | "wednesday" => Some(Weekday::Wed),
        "thu" | "thur" | "thurs" | "thursday" => Some(Weekday::Thu),
        "fri" | "friday" => Some(Weekday::Fri),
        "sat" | "saturday" => Some(Weekday::Sat),
        "sun" | "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

impl FromStr for Schedule {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let bad = || {
            anyhow::anyhow!(
                "schedule {:?} not understood: use `immediate`, `daily HH:MM` or `weekly mon HH:MM`",
                s.trim()
            )
        };
        match words.as_slice() {
            [w] if w.eq_ignore_ascii_case("immediate") => Ok(Self::Immediate),
            [w, t] if w.eq_ignore_ascii_case("daily") => {
                parse_time(t).map(Self::Daily).ok_or_else(bad)
            }
            [w, d, t] if w.eq_ignore_ascii_case("weekly") => {
                match (parse_weekday(d), parse_time(t)) {
                    (Some(d), Some(t)) => Ok(Self::Weekly(d, t)),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Immediate => write!(f, "immediate"),
            Self::Daily(t) => write!(f, "daily {}", t.format("%H:%M")),
            Self::Weekly(d, t) => {
                write!(
                    f,
                    "weekly {} {}",
                    d.to_string().to_ascii_lowercase(),
                    t.format("%H:%M")
                )
            }
        }
    }
}

/// The instant `time` on local `date` in `tz`; a time skipped by a clock change moves to
/// the first valid minute after it.
fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<FixedOffset>> {
    let mut naive = date.and_time(time);
    for _ in 0..180 {
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return Some(t.fixed_offset());
        }
        naive += Duration::minutes(1);
    }
    None
}

impl Schedule {
    /// The latest scheduled instant at or before `now`; `now` itself for `Immediate`.
    pub fn latest_slot(&self, tz: Tz, now: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        let today = now.with_timezone(&tz).date_naive();
        match *self {
            Self::Immediate => Some(now),
            Self::Daily(t) => (0..3)
                .filter_map(|back| local_instant(tz, today - Duration::days(back), t))
                .find(|slot| *slot <= now),
            Self::Weekly(day, t) => (0..15)
                .map(|back| today - Duration::days(back))
                .filter(|d| d.weekday() == day)
                .filter_map(|d| local_instant(tz, d, t))
                .find(|slot| *slot <= now),
        }
    }

    /// The slot a digest is due for at `now`, if one is: the latest scheduled instant, when
    /// it is later than `handled` (the last slot handled, or the subscription time for a
    /// subscriber never handled). Missed slots collapse into one.
    pub fn due(
        &self,
        tz: Tz,
        handled: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        match self {
            Self::Immediate => Some(now),
            _ => self.latest_slot(tz, now).filter(|slot| *slot > handled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn parses_and_prints_schedules() {
        for (text, shown) in [
            ("immediate", "immediate"),
            ("daily 07:30", "daily 07:30"),
            ("Daily 7:05", "daily 07:05"),
            ("weekly mon 07:30", "weekly mon 07:30"),
            ("weekly Friday 18:00", "weekly fri 18:00"),
        ] {
            assert_eq!(Schedule::from_str(text).unwrap().to_string(), shown);
        }
        for bad in [
            "",
            "hourly",
            "daily",
            "daily 25:00",
            "weekly 07:30",
            "weekly xyz 07:30",
        ] {
            assert!(Schedule::from_str(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn daily_catch_up_sends_a_missed_slot_once() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let s = Schedule::from_str("daily 07:30").unwrap();
        let handled = t("2026-08-21T07:30:00+08:00");
        // Before today's slot: nothing due.
        assert_eq!(s.due(tz, handled, t("2026-08-22T07:29:00+08:00")), None);
        // The timer did not fire at 07:30; the 09:10 run sends it.
        let slot = s.due(tz, handled, t("2026-08-22T09:10:00+08:00")).unwrap();
        assert_eq!(slot, t("2026-08-22T07:30:00+08:00"));
        // Once handled, a later run the same day sends nothing.
        assert_eq!(s.due(tz, slot, t("2026-08-22T15:00:00+08:00")), None);
        // Three days missed: one digest for the latest slot.
        let slot = s.due(tz, handled, t("2026-08-24T23:00:00+08:00")).unwrap();
        assert_eq!(slot, t("2026-08-24T07:30:00+08:00"));
    }

    #[test]
    fn weekly_and_time_zones() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let s = Schedule::from_str("weekly mon 07:30").unwrap();
        // 2026-08-24 is a Monday.
        let handled = t("2026-08-17T07:30:00+08:00");
        assert_eq!(s.due(tz, handled, t("2026-08-23T12:00:00+08:00")), None);
        assert_eq!(
            s.due(tz, handled, t("2026-08-26T12:00:00+08:00")),
            Some(t("2026-08-24T07:30:00+08:00"))
        );
        let berlin = parse_tz("Europe/Berlin").unwrap();
        let d = Schedule::from_str("daily 07:30").unwrap();
        // 07:30 in Berlin (summer, +02:00) is 13:30 in Shanghai.
        assert_eq!(
            d.latest_slot(berlin, t("2026-08-22T14:00:00+08:00")),
            Some(t("2026-08-22T07:30:00+02:00"))
        );
        // Spring-forward gap: 02:30 does not exist on 2026-03-29 in Berlin.
        let gap = Schedule::from_str("daily 02:30").unwrap();
        assert_eq!(
            gap.latest_slot(berlin, t("2026-03-29T12:00:00+02:00")),
            Some(t("2026-03-29T03:00:00+02:00"))
        );
    }

    #[test]
    fn new_subscriber_waits_for_the_next_slot() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let s = Schedule::from_str("daily 07:30").unwrap();
        let created = t("2026-08-22T08:00:00+08:00");
        assert_eq!(s.due(tz, created, t("2026-08-22T20:00:00+08:00")), None);
        assert!(s.due(tz, created, t("2026-08-23T07:31:00+08:00")).is_some());
        assert!(Schedule::Immediate.due(tz, created, created).is_some());
    }
}
