//! Full-width digits read as ASCII ones.

/// The value of a run of digits, ASCII or full-width (`６` is 6); `None` when the run is
/// empty, holds anything else, or overflows.
pub(crate) fn digits_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            '０'..='９' => u32::from(c) - u32::from('０'),
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

/// True when `b` holds a full-width digit (`０`..`９`: the bytes EF BC 90 to EF BC 99).
pub(crate) fn has_wide_digit(b: &[u8]) -> bool {
    memchr::memchr_iter(0xEF, b).any(|i| {
        b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|x| (0x90..=0x99).contains(x))
    })
}

/// A short line (at most 100 bytes) that holds a full-width digit, with its full-width
/// digits read as ASCII ones; `None` for any other line (the test is a byte search).
pub(crate) fn fold_wide_digits(t: &str) -> Option<String> {
    if t.len() > 100 || !has_wide_digit(t.as_bytes()) {
        return None;
    }
    Some(
        t.chars()
            .map(|c| match c {
                '０'..='９' => {
                    char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
                }
                _ => c,
            })
            .collect(),
    )
}

/// An ASCII or a full-width digit.
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}
