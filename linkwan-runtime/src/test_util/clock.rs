//! Civil time for the mock server: parse `Timestamp`, format `Date`.

use crate::time::{self, civil_from_days, days_from_civil};

/// Seconds since the epoch of `now + offset_secs`.
pub(crate) fn now_secs(offset_secs: i64) -> i64 {
    time::unix_now().saturating_add(offset_secs)
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into seconds since the epoch.
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // No `2016-02-31` read as 2 March: a day the month does not have is malformed.
    if d < 1 || d > i64::from(time::days_in_month(y, mo as u32)) {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Formats seconds since the epoch as an HTTP `Date` (IMF-fixdate).
pub(crate) fn http_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m as usize).clamp(1, 12) - 1],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_known_dates() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2016-02-23T12:46:24Z"), Some(1_456_231_584));
        assert_eq!(parse_timestamp("2016-02-29T00:00:00Z"), Some(1_456_704_000));
        assert_eq!(http_date(1_456_231_584), "Tue, 23 Feb 2016 12:46:24 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        for bad in [
            "",
            "2016-02-23 12:46:24Z",
            "2016-13-23T12:46:24Z",
            "2016-02-23T12:46:24",
            "2016-02-23T12:46:24+08:00",
            "２０16-02-23T12:46:24Z",
            "+016-02-23T12:46:24Z",
            "é16-02-23T12:46:24Z",
            "2016-02-31T12:46:24Z",
            "2015-02-29T12:46:24Z",
            "2016-04-31T12:46:24Z",
            "2016-02-00T12:46:24Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
