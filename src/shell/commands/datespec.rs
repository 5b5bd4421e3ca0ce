//! Date strings as GNU `date -d` and `touch -d` read them (in UTC): `@EPOCH`; a calendar date
//! (`2024-03-05`, `2024/03/05`, `03/05/2024`, `Mar 5 2024`, `5 Mar 2024`) with an optional
//! time (`10:20[:30][.frac]`, `T` between, `Z`/`UTC` after); RFC 2822 and 3339 stamps; the
//! words `now`, `today`, `tomorrow`, `yesterday`; and relative items after or instead of a
//! date — `+1 day`, `-2 weeks`, `3 months ago`, `next year`, `last monday` is not supported.
//! Months are added as GNU adds them: 2024-01-31 + 1 month is 2024-03-02.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

/// The instant `s` names, relative to `now`.
pub fn parse(s: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(e) = s.strip_prefix('@') {
        let (secs, frac) = e.split_once('.').unwrap_or((e, "0"));
        let nanos = format!("{frac:0<9}").get(..9)?.parse::<u32>().ok()?;
        return DateTime::from_timestamp(secs.parse().ok()?, nanos);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    // The longest leading run of words that reads as a date (and time).
    let (mut t, rest) = (1..=words.len().min(4))
        .rev()
        .find_map(|n| absolute(&words[..n].join(" ")).map(|t| (t, &words[n..])))
        .unwrap_or((now, &words[..]));
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i].to_ascii_lowercase();
        match w.as_str() {
            "now" | "today" => {}
            "tomorrow" => t += Duration::days(1),
            "yesterday" => t -= Duration::days(1),
            "ago" => return None,
            _ => {
                // `[+-]N unit`, `+N unit`, `N unit ago`, `next unit`, `last unit`, `unit`.
                let (n, unit_at) = match w.as_str() {
                    "next" => (1, i + 1),
                    "last" => (-1, i + 1),
                    _ => match w.parse::<i64>() {
                        Ok(n) => (n, i + 1),
                        Err(_) if w == "+" || w == "-" => {
                            let n = rest.get(i + 1)?.parse::<i64>().ok()?;
                            (if w == "-" { -n } else { n }, i + 2)
                        }
                        Err(_) => (1, i),
                    },
                };
                let unit = rest.get(unit_at)?.to_ascii_lowercase();
                let ago = rest
                    .get(unit_at + 1)
                    .is_some_and(|a| a.eq_ignore_ascii_case("ago"));
                let n = if ago { -n } else { n };
                t = shift(t, n, unit.trim_end_matches('s'))?;
                i = unit_at + usize::from(ago);
            }
        }
        i += 1;
    }
    Some(t)
}

/// `t` moved by `n` of `unit` (singular).
fn shift(t: DateTime<Utc>, n: i64, unit: &str) -> Option<DateTime<Utc>> {
    Some(match unit {
        "sec" | "second" => t + Duration::seconds(n),
        "min" | "minute" => t + Duration::minutes(n),
        "hour" => t + Duration::hours(n),
        "day" => t + Duration::days(n),
        "week" => t + Duration::weeks(n),
        "fortnight" => t + Duration::weeks(2 * n),
        "month" => add_months(t, n)?,
        "year" => add_months(t, 12 * n)?,
        _ => return None,
    })
}

/// Months added to the calendar fields, an overflowing day carried into the next month.
fn add_months(t: DateTime<Utc>, n: i64) -> Option<DateTime<Utc>> {
    let months = i64::from(t.year()) * 12 + i64::from(t.month0()) + n;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let first = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m as u32, 1)?;
    let day = first + Duration::days(i64::from(t.day()) - 1);
    Some(day.and_time(t.time()).and_utc())
}

/// A calendar date with an optional time of day.
fn absolute(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim_end_matches(" UTC").trim_end_matches('Z');
    // `2024-03-05T10:20`: the `T` between a date and a time.
    let s = match s.find('T') {
        Some(i) if i > 0 && s[..i].ends_with(|c: char| c.is_ascii_digit()) => {
            format!("{} {}", &s[..i], &s[i + 1..])
        }
        _ => s.to_string(),
    };
    if let Some((d, t)) = s.rsplit_once(' ')
        && t.contains(':')
    {
        return Some(date(d)?.and_time(time(t)?).and_utc());
    }
    Some(date(&s)?.and_time(NaiveTime::MIN).and_utc())
}

fn date(s: &str) -> Option<NaiveDate> {
    [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%m/%d/%Y",
        "%b %d %Y",
        "%d %b %Y",
        "%B %d %Y",
        "%d %B %Y",
        "%b %d, %Y",
        "%B %d, %Y",
        "%Y%m%d",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

fn time(s: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        parse(s, now).map_or("-".into(), |t| t.format("%F %T").to_string())
    }

    #[test]
    fn reads_dates_times_and_relative_items() {
        assert_eq!(at("2024-02-28 + 1 day"), "2024-02-29 00:00:00");
        assert_eq!(at("2024-01-31 + 1 month"), "2024-03-02 00:00:00");
        assert_eq!(at("2024-03-05 10:20:30"), "2024-03-05 10:20:30");
        assert_eq!(at("2024-03-05T10:20:30Z"), "2024-03-05 10:20:30");
        assert_eq!(at("2024/03/05"), "2024-03-05 00:00:00");
        assert_eq!(at("Mar 5 2024"), "2024-03-05 00:00:00");
        assert_eq!(at("@86400"), "1970-01-02 00:00:00");
        assert_eq!(at("1 day ago"), "2023-11-13 22:13:20");
        assert_eq!(at("tomorrow"), "2023-11-15 22:13:20");
        assert_eq!(at("next year"), "2024-11-14 22:13:20");
        assert_eq!(at("-2 hours"), "2023-11-14 20:13:20");
        assert_eq!(at("2024-01-01 3 weeks"), "2024-01-22 00:00:00");
        assert_eq!(at("garbage"), "-");
        assert_eq!(at("2024-13-01"), "-");
    }
}
