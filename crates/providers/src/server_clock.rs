//! The server's clock, as the `Date` header of its answers tells it, so
//! what depends on "now" can use a clock that is right when the laptop's
//! is not: a rate-limit reset the server names in its own time, and the
//! reminders of events that start at the server's (the real) time. The
//! header has one-second resolution and arrives after the answer's
//! latency, so the skew it gives is good to a few seconds, which is what
//! those uses need.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};
use reqwest::header::{HeaderMap, DATE};

/// The server's `Date`, when an answer carries one that reads.
pub fn server_date(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let value = headers.get(DATE)?.to_str().ok()?;
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The last skew seen: the server's clock minus this laptop's.
#[derive(Debug, Default)]
pub struct ServerClock {
    skew_ms: AtomicI64,
    seen: AtomicBool,
}

impl ServerClock {
    /// Notes the skew an answer's headers show, received now.
    pub fn observe(&self, headers: &HeaderMap) {
        self.observe_at(headers, Utc::now());
    }

    fn observe_at(&self, headers: &HeaderMap, received: DateTime<Utc>) {
        if let Some(date) = server_date(headers) {
            self.skew_ms
                .store((date - received).num_milliseconds(), Ordering::Relaxed);
            self.seen.store(true, Ordering::Relaxed);
        }
    }

    /// The server's clock minus this laptop's, once an answer said.
    pub fn skew(&self) -> Option<Duration> {
        self.seen
            .load(Ordering::Relaxed)
            .then(|| Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn dated(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(DATE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_skew_is_the_servers_date_minus_the_laptops_clock() {
        let clock = ServerClock::default();
        assert_eq!(clock.skew(), None, "nothing seen yet");
        let laptop: DateTime<Utc> = "2026-12-04T15:00:00Z".parse().unwrap();
        clock.observe_at(&dated("Thu, 03 Dec 2026 15:00:00 GMT"), laptop);
        assert_eq!(
            clock.skew(),
            Some(Duration::days(-1)),
            "a laptop a day fast"
        );
        clock.observe_at(&dated("Sat, 05 Dec 2026 15:00:30 GMT"), laptop);
        assert_eq!(clock.skew(), Some(Duration::seconds(86_430)));
        // An answer without a readable date leaves the last skew.
        clock.observe_at(&dated("yesterday"), laptop);
        clock.observe_at(&HeaderMap::new(), laptop);
        assert_eq!(clock.skew(), Some(Duration::seconds(86_430)));
    }
}
