//! Which date does a line print, in the forms `dateline` does not read: a Minguo year
//! (`中華民國114年3月8日`) and a bare date near a single file's title.

use chrono::NaiveDate;

use crate::extract::text::fold;

/// An issue date in the Minguo calendar (`中華民國114年3月8日`, `民國114年3月8日`, `民国…`):
/// year + 1911. Only a line that names the era is read; `line` is a line's matching key
/// (`text::fold`), so `民國` reads as `民国`.
pub(crate) fn minguo_date(line: &str) -> Option<NaiveDate> {
    // a masthead line, not running text; a char search is a fast byte search
    if line.len() > 180 || !line.contains('民') {
        return None;
    }
    let era = line.find("民国")? + "民国".len();
    let rest = line.get(era..)?;
    let mut nums = [0u32; 3];
    let mut pos = 0;
    for (slot, unit) in nums.iter_mut().zip(['年', '月', '日']) {
        let r = rest.get(pos..)?;
        let lead = r.len() - r.trim_start().len();
        let r = r.trim_start();
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=3).contains(&digits) {
            return None;
        }
        *slot = r.get(..digits)?.parse().ok()?;
        let after = r.get(digits..)?.trim_start();
        let skipped = r.len() - digits - after.len();
        if !after.starts_with(unit) {
            return None;
        }
        pos += lead + digits + skipped + unit.len_utf8();
    }
    let [y, m, d] = nums;
    let year = i32::try_from(y).ok()? + 1911;
    NaiveDate::from_ymd_opt(year, m, d)
}

/// A date alone, maybe with a time (`2025-09-24 10:18`, `2025/9/24`, `2025年9月24日 10:18`):
/// what a web page prints in an unlabelled element by its title.
pub(crate) fn bare_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if !(8..=40).contains(&t.len()) || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut parts = t.split(['-', '/', '.', '年', '月', '日']);
    let y: i32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let rest = parts.next()?.trim_start();
    let day_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let d: u32 = rest.get(..day_digits)?.parse().ok()?;
    // what may follow the day: the rest of a 日, a time, white space
    let tail = rest.get(day_digits..)?;
    let time_only = tail
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, ':' | '：' | '日'));
    let rest_parts: Vec<&str> = parts.collect();
    if !time_only
        || !rest_parts
            .iter()
            .all(|p| p.trim().chars().all(|c| c.is_ascii_digit() || c == ':'))
        || !(1990..=2100).contains(&y)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The month and day a story's first sentence opens with (`7月23日，…`, `7月23日上午，…`),
/// read after its dateline: what an article without a dated dateline says of its day.
pub(crate) fn lead_month_day(text: &str) -> Option<(u32, u32)> {
    let t = text.trim_start();
    let number = |s: &str, unit: char| -> Option<(u32, usize)> {
        let digits: usize = s
            .chars()
            .take_while(|c| fold::is_digit(*c))
            .map(char::len_utf8)
            .sum();
        let v = fold::digits_value(s.get(..digits)?)?;
        s.get(digits..)?
            .starts_with(unit)
            .then_some((v, digits + unit.len_utf8()))
    };
    let (m, used) = number(t, '月')?;
    let rest = t.get(used..)?;
    let (d, used) = number(rest, '日')?;
    // a clause follows, or the time of day: `7月23日，` `7月23日上午` `7月23日至25日`
    let next = rest.get(used..)?.chars().next()?;
    let opens_clause = matches!(
        next,
        '，' | ','
            | ' '
            | '\u{3000}'
            | '上'
            | '下'
            | '中'
            | '晚'
            | '早'
            | '凌'
            | '夜'
            | '至'
            | '起'
    );
    ((1..=12).contains(&m) && (1..=31).contains(&d) && opens_clause).then_some((m, d))
}

#[cfg(test)]
mod tests {
    use super::lead_month_day;

    #[test]
    fn a_lead_opens_with_its_day() {
        assert_eq!(lead_month_day("7月23日，安吉县召开会议"), Some((7, 23)));
        assert_eq!(lead_month_day("７月２３日上午，会议召开"), Some((7, 23)));
        assert_eq!(lead_month_day("7月23日至25日，展会举行"), Some((7, 23)));
        // a date inside the sentence, a month alone, a date that is a name
        assert_eq!(lead_month_day("安吉县7月23日召开会议"), None);
        assert_eq!(lead_month_day("7月份，全县"), None);
        assert_eq!(lead_month_day("7月23日是"), None);
        assert_eq!(lead_month_day("13月2日，"), None);
    }
}
