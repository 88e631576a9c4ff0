//! The time reminders go by: this laptop's clock, corrected by the server's
//! as its answers last showed it. A laptop whose clock is a day fast would
//! otherwise remind of tomorrow's hearing today; the server's clock is the
//! one the events were made by. The skew is kept in the cache, so the
//! correction holds offline and across restarts. Within a minute the
//! laptop's own clock is used: the `Date` header's resolution and latency
//! make a smaller skew noise.

use casefile_store::Store;
use chrono::{DateTime, Duration, Utc};

use crate::CoreError;

/// The store meta key of the last skew seen, in milliseconds.
pub const SKEW_KEY: &str = "clock.server_skew_ms";

/// A skew smaller than this is taken for none.
pub const TRUST_WITHIN: Duration = Duration::minutes(1);

/// Keeps the server's clock minus this laptop's, as last seen.
pub fn remember_skew(store: &Store, skew: Duration) -> Result<(), CoreError> {
    store.set_meta_value(SKEW_KEY.to_owned(), skew.num_milliseconds().to_string())?;
    Ok(())
}

/// The skew last kept, if any.
pub fn saved_skew(store: &Store) -> Result<Option<Duration>, CoreError> {
    Ok(store
        .meta_value(SKEW_KEY)?
        .and_then(|v| v.parse::<i64>().ok())
        .map(Duration::milliseconds))
}

/// What time it is by the server's clock, given the laptop's: the laptop's
/// corrected by the kept skew when it is a minute or more; the laptop's
/// own when none is kept or it cannot be read.
pub fn server_now(store: &Store, laptop_now: DateTime<Utc>) -> DateTime<Utc> {
    match saved_skew(store) {
        Ok(Some(skew)) if skew.abs() >= TRUST_WITHIN => laptop_now + skew,
        Ok(_) => laptop_now,
        Err(e) => {
            tracing::info!(code = %e.class(), "the server's clock is not known; reminders go by the laptop's");
            laptop_now
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casefile_domain::ids::AccountId;

    #[test]
    fn the_laptops_clock_is_corrected_by_a_skew_of_a_minute_or_more() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &AccountId("t".into())).unwrap();
        let laptop: DateTime<Utc> = "2026-12-04T15:00:00Z".parse().unwrap();
        assert_eq!(server_now(&store, laptop), laptop, "no skew known");
        remember_skew(&store, Duration::seconds(20)).unwrap();
        assert_eq!(server_now(&store, laptop), laptop, "noise is ignored");
        remember_skew(&store, Duration::days(-1)).unwrap();
        assert_eq!(
            server_now(&store, laptop),
            laptop - Duration::days(1),
            "a laptop a day fast"
        );
        assert_eq!(saved_skew(&store).unwrap(), Some(Duration::days(-1)));
    }
}
