//! [`Timestamp`]: the Postgres-style timestamps the service sends.

use std::fmt;
use std::str::FromStr;

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A point in time with the UTC offset the service gave it.
///
/// Reads what Postgres prints (`2012-10-27 16:34:37.718746-07`): a space or
/// `T` between date and time, any number of fractional digits, and an offset
/// written `Z`, `±HH`, `±HHMM` or `±HH:MM`. A missing offset is read as UTC.
/// Displays as RFC 3339.
///
/// ```
/// let t: railgun_runtime::Timestamp = "2012-10-27 16:34:37.718746-07".parse().unwrap();
/// assert_eq!(t.to_string(), "2012-10-27T16:34:37.718746-07:00");
/// assert_eq!(t.as_offset_date_time().unix_timestamp(), 1_351_380_877);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The timestamp as a [`time::OffsetDateTime`].
    pub fn as_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Timestamp {
        Timestamp(value)
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(value: Timestamp) -> OffsetDateTime {
        value.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

/// Written as RFC 3339, which it reads back.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a text is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp: {0}")]
pub struct ParseTimestampError(&'static str);

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(text: &str) -> Result<Timestamp, ParseTimestampError> {
        let mut c = Cursor(text.trim().as_bytes());
        let year = c.digits(4).ok_or(ParseTimestampError("expected a four-digit year"))?;
        c.expect(b'-')?;
        let month = c.digits(2).ok_or(ParseTimestampError("expected a two-digit month"))?;
        c.expect(b'-')?;
        let day = c.digits(2).ok_or(ParseTimestampError("expected a two-digit day"))?;
        if !(c.eat(b' ') || c.eat(b'T') || c.eat(b't')) {
            return Err(ParseTimestampError("expected a space or 'T' between date and time"));
        }
        let hour = c.digits(2).ok_or(ParseTimestampError("expected a two-digit hour"))?;
        c.expect(b':')?;
        let minute = c.digits(2).ok_or(ParseTimestampError("expected two-digit minutes"))?;
        c.expect(b':')?;
        let second = c.digits(2).ok_or(ParseTimestampError("expected two-digit seconds"))?;
        let mut nanos = 0u32;
        if c.eat(b'.') {
            let mut scale = 100_000_000;
            let mut count = 0;
            while let Some(d) = c.digit() {
                nanos += d * scale;
                scale /= 10;
                count += 1;
            }
            if count == 0 {
                return Err(ParseTimestampError("expected digits after the decimal point"));
            }
        }
        let offset_seconds = c.offset()?;
        if !c.0.is_empty() {
            return Err(ParseTimestampError("unexpected text after the offset"));
        }

        let month = Month::try_from(month as u8).map_err(|_| ParseTimestampError("month out of range"))?;
        let date = Date::from_calendar_date(year as i32, month, day as u8)
            .map_err(|_| ParseTimestampError("day out of range"))?;
        let time = Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos)
            .map_err(|_| ParseTimestampError("time out of range"))?;
        let offset =
            UtcOffset::from_whole_seconds(offset_seconds).map_err(|_| ParseTimestampError("offset out of range"))?;
        Ok(Timestamp(PrimitiveDateTime::new(date, time).assume_offset(offset)))
    }
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((&b, rest)) if b == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseTimestampError> {
        if self.eat(byte) { Ok(()) } else { Err(ParseTimestampError("unexpected separator")) }
    }

    fn digit(&mut self) -> Option<u32> {
        match self.0.split_first() {
            Some((&b, rest)) if b.is_ascii_digit() => {
                self.0 = rest;
                Some(u32::from(b - b'0'))
            }
            _ => None,
        }
    }

    fn digits(&mut self, count: usize) -> Option<u32> {
        (0..count).try_fold(0, |acc, _| Some(acc * 10 + self.digit()?))
    }

    /// `Z`, `±HH`, `±HHMM`, `±HH:MM`, or nothing (UTC), in seconds.
    fn offset(&mut self) -> Result<i32, ParseTimestampError> {
        if self.0.is_empty() || self.eat(b'Z') || self.eat(b'z') {
            return Ok(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return Err(ParseTimestampError("expected an offset such as -07 or +05:30"));
        };
        let hours = self.digits(2).ok_or(ParseTimestampError("expected a two-digit offset hour"))?;
        self.eat(b':');
        let minutes = if self.0.is_empty() {
            0
        } else {
            self.digits(2).ok_or(ParseTimestampError("expected two-digit offset minutes"))?
        };
        Ok(sign * (hours * 3600 + minutes * 60) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, ParseTimestampError> {
        text.parse::<Timestamp>().map(|t| t.to_string())
    }

    #[test]
    fn reads_postgres_and_rfc3339_forms() {
        assert_eq!(parse("2012-10-27 16:34:37.718746-07").unwrap(), "2012-10-27T16:34:37.718746-07:00");
        assert_eq!(parse("2012-11-02 00:03:33.17205-07").unwrap(), "2012-11-02T00:03:33.17205-07:00");
        assert_eq!(parse("2012-11-06T13:02:16Z").unwrap(), "2012-11-06T13:02:16Z");
        assert_eq!(parse("2012-11-06 13:02:16+05:30").unwrap(), "2012-11-06T13:02:16+05:30");
        assert_eq!(parse("2012-11-06 13:02:16+0530").unwrap(), "2012-11-06T13:02:16+05:30");
        assert_eq!(parse("2012-11-06 13:02:16").unwrap(), "2012-11-06T13:02:16Z");
    }

    #[test]
    fn same_instant_in_other_offsets_compares_equal() {
        let a: Timestamp = "2012-10-27 16:34:37-07".parse().unwrap();
        let b: Timestamp = "2012-10-27 23:34:37Z".parse().unwrap();
        assert_eq!(a.as_offset_date_time(), b.as_offset_date_time());
    }

    #[test]
    fn rejects_malformed_text_with_a_reason() {
        assert_eq!(parse("2012-13-01 00:00:00Z").unwrap_err().to_string(), "invalid timestamp: month out of range");
        assert_eq!(parse("2012-02-30 00:00:00Z").unwrap_err().to_string(), "invalid timestamp: day out of range");
        assert_eq!(
            parse("2012-10-27/16:34:37").unwrap_err().to_string(),
            "invalid timestamp: expected a space or 'T' between date and time"
        );
        assert!(parse("2012-10-27 16:34:37.-07").is_err());
        assert!(parse("2012-10-27 16:34:37-07 junk").is_err());
        assert!(parse("").is_err());
    }
}
