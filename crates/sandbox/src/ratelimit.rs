//! Per-client token-bucket rate limit (MyCase: 25 requests per second per client).

use std::collections::HashMap;
use std::time::Instant;

/// Token buckets keyed by client id.
pub struct RateLimiter {
    per_second: u32,
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second,
            buckets: HashMap::new(),
        }
    }

    pub fn set_per_second(&mut self, per_second: u32) {
        self.per_second = per_second;
        self.buckets.clear();
    }

    /// Takes one token for `client`; `Err(seconds)` says when to retry.
    pub fn check(&mut self, client: &str) -> Result<(), u64> {
        if self.per_second == 0 {
            return Ok(());
        }
        let rate = f64::from(self.per_second);
        let now = Instant::now();
        let (tokens, last) = self.buckets.entry(client.to_owned()).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / rate;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}
