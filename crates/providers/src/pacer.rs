//! Client-side pacing: requests are spaced to the provider's rate limit, and
//! a server's "wait" (429/503 with Retry-After) holds EVERY request of the
//! account until it has passed, so a storm is never answered with more
//! requests. The hold is reported as "throttled until".

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

#[derive(Debug)]
struct State {
    next: Instant,
    hold: Option<(Instant, DateTime<Utc>)>,
}

#[derive(Debug)]
pub struct Pacer {
    interval: Option<Duration>,
    state: Mutex<State>,
}

impl Pacer {
    /// A pacer for `per_second` requests a second; 0 paces nothing (holds still apply).
    pub fn new(per_second: u32) -> Self {
        Self {
            interval: (per_second > 0).then(|| Duration::from_secs(1) / per_second),
            state: Mutex::new(State {
                next: Instant::now(),
                hold: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for this request's slot.
    pub async fn wait(&self) {
        loop {
            let at = {
                let mut s = self.lock();
                let now = Instant::now();
                let mut at = now.max(s.next);
                if let Some((hold, _)) = s.hold {
                    at = at.max(hold);
                }
                if let Some(interval) = self.interval {
                    s.next = at + interval;
                }
                at
            };
            tokio::time::sleep_until(at).await;
            // A hold set while we slept (another request met a 429) also applies.
            let held = self.lock().hold.is_some_and(|(h, _)| h > Instant::now());
            if !held {
                return;
            }
        }
    }

    /// The server asked us to wait `wait`: no request goes out before then.
    pub fn hold_for(&self, wait: Duration) {
        let mut s = self.lock();
        let until = Instant::now() + wait;
        if s.hold.is_none_or(|(h, _)| h < until) {
            let wall = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            s.hold = Some((until, wall));
        }
    }

    /// When requests may go out again, while a hold is in force.
    pub fn throttled_until(&self) -> Option<DateTime<Utc>> {
        let s = self.lock();
        s.hold
            .filter(|(h, _)| *h > Instant::now())
            .map(|(_, wall)| wall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_and_holds_delay_everyone() {
        let pacer = Pacer::new(10);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(400));
        pacer.hold_for(Duration::from_secs(2));
        assert!(pacer.throttled_until().is_some());
        let before = Instant::now();
        pacer.wait().await;
        assert!(before.elapsed() >= Duration::from_secs(2));
        assert!(pacer.throttled_until().is_none());
    }
}
