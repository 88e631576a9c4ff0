//! LegalServer's rate limit: a number of requests per minute per site (200
//! by default), announced on every answer by `x-rate-limit-limit`,
//! `x-rate-limit-remaining` and `x-rate-limit-reset` (the epoch second the
//! window ends), with 429 over the limit.

use chrono::{DateTime, Utc};

/// A fixed one-minute window.
pub struct PerMinute {
    limit: u32,
    window_start: i64,
    used: u32,
    /// Requests answered and refused with 429 since the start, so a test
    /// can tell a client that kept the limit from one that hit it.
    totals: Totals,
}

/// What the limit has let through and refused since the sandbox started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub admitted: u64,
    pub refused: u64,
}

/// What the headers say after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds when the window ends.
    pub reset: i64,
    /// Whether this request was over the limit.
    pub refused: bool,
}

impl PerMinute {
    /// `limit` requests a minute; 0 turns the limit off (the headers still
    /// say 200).
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            window_start: 0,
            used: 0,
            totals: Totals::default(),
        }
    }

    pub fn set_limit(&mut self, limit: u32) {
        self.limit = limit;
        self.used = 0;
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Counts a request at `now`.
    pub fn take(&mut self, now: DateTime<Utc>) -> Window {
        let minute = now.timestamp() - now.timestamp().rem_euclid(60);
        if minute != self.window_start {
            self.window_start = minute;
            self.used = 0;
        }
        let reset = minute + 60;
        if self.limit == 0 {
            self.totals.admitted += 1;
            return Window {
                limit: 200,
                remaining: 200,
                reset,
                refused: false,
            };
        }
        let refused = self.used >= self.limit;
        if refused {
            self.totals.refused += 1;
        } else {
            self.used += 1;
            self.totals.admitted += 1;
        }
        Window {
            limit: self.limit,
            remaining: self.limit - self.used,
            reset,
            refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_window_counts_down_refuses_over_the_limit_and_resets_each_minute() {
        let mut w = PerMinute::new(2);
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 5).unwrap();
        let reset = Utc
            .with_ymd_and_hms(2026, 12, 2, 10, 1, 0)
            .unwrap()
            .timestamp();
        assert_eq!(
            w.take(t),
            Window {
                limit: 2,
                remaining: 1,
                reset,
                refused: false
            }
        );
        assert_eq!(w.take(t).remaining, 0);
        assert!(w.take(t).refused);
        assert_eq!(
            w.totals(),
            Totals {
                admitted: 2,
                refused: 1
            }
        );
        let next = t + chrono::Duration::seconds(60);
        assert_eq!(w.take(next).remaining, 1);
    }
}
