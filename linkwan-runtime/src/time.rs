//! Calendar arithmetic for the `Timestamp` param and the HTTP `Date` header, by hand (no
//! chrono): Howard Hinnant's `days_from_civil` / `civil_from_days` on the proleptic
//! Gregorian calendar, UTC only.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch now, by the local clock (negative before 1970).
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `(year, month 1..=12, day 1..=31)` of the day `z` days after 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days from 1970-01-01 to `year-month-day` (month 1..=12, day 1..=31).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // [0, 11]
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The number of days in `month` (1..=12) of `year` (proleptic Gregorian).
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

thread_local! {
    /// The second last formatted on this thread, and its text: every call within the same
    /// second (the usual case under load) copies it instead of redoing the arithmetic.
    static LAST_TIMESTAMP: Cell<(i64, [u8; 20])> =
        const { Cell::new((i64::MIN, *b"0000-01-01T00:00:00Z")) };
}

/// Formats `unix` seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC) into `buf`, for years 0..=9999
/// (clamped), without allocating.
pub(crate) fn format_timestamp(unix: i64, buf: &mut [u8; 20]) -> &str {
    // 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z (so never the cache's initial i64::MIN)
    let unix = unix.clamp(-62_167_219_200, 253_402_300_799);
    let cached = LAST_TIMESTAMP
        .try_with(|last| {
            let (secs, text) = last.get();
            (secs == unix).then_some(text)
        })
        .ok()
        .flatten();
    match cached {
        Some(text) => *buf = text,
        None => {
            write_timestamp(unix, buf);
            // Gone only while the thread shuts down: then nothing is cached.
            let _ = LAST_TIMESTAMP.try_with(|last| last.set((unix, *buf)));
        }
    }
    // Only ASCII was written.
    std::str::from_utf8(buf).unwrap_or("1970-01-01T00:00:00Z")
}

/// [`format_timestamp`]'s arithmetic, for `unix` already clamped to years 0..=9999.
fn write_timestamp(unix: i64, buf: &mut [u8; 20]) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let put2 = |b: &mut [u8], v: i64| {
        b[0] = b'0' + (v / 10 % 10) as u8;
        b[1] = b'0' + (v % 10) as u8;
    };
    put2(&mut buf[0..2], y / 100);
    put2(&mut buf[2..4], y % 100);
    buf[4] = b'-';
    put2(&mut buf[5..7], i64::from(mo));
    buf[7] = b'-';
    put2(&mut buf[8..10], i64::from(d));
    buf[10] = b'T';
    put2(&mut buf[11..13], secs / 3600);
    buf[13] = b':';
    put2(&mut buf[14..16], secs / 60 % 60);
    buf[16] = b':';
    put2(&mut buf[17..19], secs % 60);
    buf[19] = b'Z';
}

/// Parses an RFC 7231 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds.
/// Returns `None` for anything else (the obsolete RFC 850 and asctime forms included).
pub(crate) fn parse_http_date(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    // "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes.
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let day = num(5..7)?;
    let month = match &b[8..11] {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    let year = num(12..16)?;
    let (hh, mm, ss) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    if day < 1 || day > i64::from(days_in_month(year, month)) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day as u32);
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(unix: i64) -> String {
        format_timestamp(unix, &mut [0; 20]).to_owned()
    }

    #[test]
    fn timestamps() {
        assert_eq!(ts(0), "1970-01-01T00:00:00Z");
        // The documented DescribeRegions example.
        assert_eq!(ts(1_456_231_584), "2016-02-23T12:46:24Z");
        assert_eq!(ts(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(ts(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(ts(-1), "1969-12-31T23:59:59Z");
        assert_eq!(ts(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(ts(i64::MIN), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn cached_timestamps_match_the_arithmetic() {
        // Repeats (served from the cache) and changes (recomputed), interleaved, with
        // values that clamp to the same second as the one before.
        let seconds = [
            1_456_231_584,
            1_456_231_584,
            1_456_231_585,
            1_456_231_584,
            0,
            0,
            i64::MAX,
            253_402_300_799,
            i64::MIN,
            -62_167_219_200,
            -1,
            -1,
            4_107_542_399,
        ];
        for unix in seconds {
            let mut fresh = [0; 20];
            write_timestamp(unix.clamp(-62_167_219_200, 253_402_300_799), &mut fresh);
            let mut buf = [b'x'; 20];
            assert_eq!(format_timestamp(unix, &mut buf).as_bytes(), fresh, "{unix}");
            assert_eq!(buf, fresh, "{unix}");
        }
        // Another thread starts with an empty cache and gets the same answers.
        let other = std::thread::spawn(|| ts(1_456_231_584)).join().unwrap();
        assert_eq!(other, "2016-02-23T12:46:24Z");
    }

    #[test]
    fn civil_round_trips_over_four_centuries() {
        for z in (-146_097 * 2..146_097 * 2).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Tue, 23 Feb 2016 12:46:24 GMT"),
            Some(1_456_231_584)
        );
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Xyz 1994 08:49:37 GMT",
            "Sun, 0a Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTé",
            // No such days.
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2026 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
    }

    #[test]
    fn month_lengths_agree_with_the_day_count() {
        for year in [1900, 1970, 1999, 2000, 2024, 2026, 2100] {
            for month in 1..=12 {
                let next = if month == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, month + 1, 1)
                };
                let len = next - days_from_civil(year, month, 1);
                assert_eq!(i64::from(days_in_month(year, month)), len, "{year}-{month}");
            }
        }
    }
}
