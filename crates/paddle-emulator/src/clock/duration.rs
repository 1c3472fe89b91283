//! ISO 8601 durations as `POST /_emulator/clock` takes them: `P1M`, `P35D`, `PT12H`, `P1Y2M3DT4H5M6S`.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::state::entities::add_months;

/// Longest advance accepted in one call: ten years, so a typo cannot loop for ever.
const MAX_MONTHS: u32 = 120;
const MAX_SECONDS: i64 = 10 * 366 * 86_400;

/// A forward span of calendar months plus exact seconds (weeks and days are 86 400 s
/// multiples: the emulator's clock is UTC, with no daylight saving).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDuration {
    months: u32,
    seconds: i64,
}

/// Why a duration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an ISO 8601 duration such as P1M, P35D or PT12H (positive, at most ten years)"
)]
pub struct InvalidDuration(String);

impl IsoDuration {
    /// `at` moved forward by this duration: months on the calendar (day clamped), then seconds.
    pub fn after(self, at: OffsetDateTime) -> OffsetDateTime {
        add_months(at, self.months) + time::Duration::seconds(self.seconds)
    }
}

impl FromStr for IsoDuration {
    type Err = InvalidDuration;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidDuration(text.chars().take(40).collect());
        let rest = text.trim().strip_prefix('P').ok_or_else(bad)?;
        let (date, time) = match rest.split_once('T') {
            Some((date, time)) if !time.is_empty() => (date, Some(time)),
            Some(_) => return Err(bad()),
            None => (rest, None),
        };
        // Sums that would overflow are refused, not wrapped: each part is in range alone.
        let (mut months, mut seconds) = (0u64, 0u64);
        for (value, unit) in fields(date).ok_or_else(bad)? {
            let (total, part) = match unit {
                'Y' => (&mut months, value.checked_mul(12)),
                'M' => (&mut months, Some(value)),
                'W' => (&mut seconds, value.checked_mul(7 * 86_400)),
                'D' => (&mut seconds, value.checked_mul(86_400)),
                _ => return Err(bad()),
            };
            *total = part.and_then(|p| total.checked_add(p)).ok_or_else(bad)?;
        }
        for (value, unit) in time.map_or(Some(Vec::new()), fields).ok_or_else(bad)? {
            let factor = match unit {
                'H' => 3_600,
                'M' => 60,
                'S' => 1,
                _ => return Err(bad()),
            };
            seconds = value
                .checked_mul(factor)
                .and_then(|part| seconds.checked_add(part))
                .ok_or_else(bad)?;
        }
        let months = u32::try_from(months).ok().filter(|m| *m <= MAX_MONTHS);
        let seconds = i64::try_from(seconds).ok().filter(|s| *s <= MAX_SECONDS);
        match (months, seconds) {
            (Some(months), Some(seconds)) if months > 0 || seconds > 0 => {
                Ok(Self { months, seconds })
            }
            _ => Err(bad()),
        }
    }
}

/// `12D3H` → `[(12, 'D'), (3, 'H')]`; `None` unless every unit has digits before it.
fn fields(text: &str) -> Option<Vec<(u64, char)>> {
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            out.push((digits.parse().ok()?, c));
            digits.clear();
        }
    }
    digits.is_empty().then_some(out)
}

impl fmt::Display for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.months, self.seconds) {
            (months, 0) => write!(f, "P{months}M"),
            (0, seconds) => write!(f, "PT{seconds}S"),
            (months, seconds) => write!(f, "P{months}MT{seconds}S"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;
    use time::macros::datetime;

    fn after(text: &str, at: OffsetDateTime) -> OffsetDateTime {
        text.parse::<IsoDuration>().unwrap().after(at)
    }

    #[test]
    fn months_are_calendar_months_and_days_are_days() {
        let jan31 = datetime!(2027-01-31 10:00 UTC);
        assert_eq!(after("P1M", jan31), datetime!(2027-02-28 10:00 UTC));
        assert_eq!(after("P35D", jan31), datetime!(2027-03-07 10:00 UTC));
        assert_eq!(after("P1Y", jan31), datetime!(2028-01-31 10:00 UTC));
        assert_eq!(after("P2W", jan31), datetime!(2027-02-14 10:00 UTC));
        assert_eq!(after("PT36H", jan31), datetime!(2027-02-01 22:00 UTC));
        assert_eq!(
            after("P1M2DT3H4M5S", jan31),
            datetime!(2027-03-02 13:04:05 UTC)
        );
    }

    #[test]
    fn display_round_trips() {
        for text in ["P1M", "P35D", "P1Y2DT3S"] {
            let parsed: IsoDuration = text.parse().unwrap();
            assert_eq!(parsed.to_string().parse::<IsoDuration>(), Ok(parsed));
        }
        assert_eq!("P1Y".parse::<IsoDuration>().unwrap().to_string(), "P12M");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "P",
            "PT",
            "1M",
            "P-1D",
            "P1.5D",
            "PD",
            "P1X",
            "P0D",
            "P1DT",
            "P121M",
            "P9999999999999999999D",
            "P18446744073709551615M1M",
            "P1DT18446744073709551615S",
            "PT18446744073709551615S1S",
        ] {
            assert!(bad.parse::<IsoDuration>().is_err(), "{bad:?}");
        }
    }
}
