//! Seeded, deterministic fault injection. One ChaCha stream decides, request by
//! request, whether to add latency, answer 500, start a 429 storm or a 503 maintenance
//! window, expire the caller's token or page link, or drop the connection after a write
//! commits. Every request draws the same number of values, so the fault sequence for
//! a given seed depends only on the order of requests. "Late writes" are counted down
//! instead, outside the stream.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::config::FaultConfig;

/// What happens to one request.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Decision {
    pub latency: Duration,
    pub maintenance: bool,
    pub storm: bool,
    pub error: bool,
    pub drop_after_commit: bool,
    pub expire_token: bool,
    pub expire_page: bool,
}

/// How often each fault fired since the configuration was last set.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct FaultCounters {
    pub requests: u64,
    pub delayed: u64,
    pub maintenance: u64,
    pub storm: u64,
    pub errors: u64,
    pub drops: u64,
    pub token_expiries: u64,
    pub page_expiries: u64,
    /// Requests that arrived while an earlier 429/503's Retry-After had not
    /// yet elapsed: a well-behaved client keeps this at zero.
    pub early: u64,
    /// Writes whose connection was closed to be applied late, and how many of
    /// them have since been applied.
    pub late_writes: u64,
    pub late_applied: u64,
}

/// The fault engine.
pub struct Faults {
    cfg: FaultConfig,
    rng: ChaCha8Rng,
    storm_left: u32,
    maintenance_left: u32,
    late_left: u32,
    /// Until when the last Retry-After asked clients to wait.
    wait_until: Option<std::time::Instant>,
    pub counters: FaultCounters,
}

impl Faults {
    pub fn new(cfg: FaultConfig) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(cfg.seed),
            late_left: cfg.late_writes,
            cfg,
            storm_left: 0,
            maintenance_left: 0,
            wait_until: None,
            counters: FaultCounters::default(),
        }
    }

    pub fn config(&self) -> &FaultConfig {
        &self.cfg
    }

    /// Counts a request that arrives before the last Retry-After elapsed.
    pub fn note_arrival(&mut self) {
        if self
            .wait_until
            .is_some_and(|t| std::time::Instant::now() < t)
        {
            self.counters.early += 1;
        }
    }

    /// Remembers that clients were just told to wait `seconds`.
    pub fn note_retry_after(&mut self, seconds: u64) {
        let until = std::time::Instant::now() + Duration::from_secs(seconds);
        if self.wait_until.is_none_or(|t| t < until) {
            self.wait_until = Some(until);
        }
    }

    /// Whether this write is one of the next `late_writes`: if so, how late
    /// it is applied.
    pub fn take_late_write(&mut self) -> Option<Duration> {
        if self.late_left == 0 {
            return None;
        }
        self.late_left -= 1;
        self.counters.late_writes += 1;
        Some(Duration::from_millis(self.cfg.late_write_ms))
    }

    /// Decides the fate of the next request. `is_write` marks POST/PUT/DELETE.
    pub fn decide(&mut self, is_write: bool) -> Decision {
        let draws: [f64; 7] = self.rng.gen();
        let jitter = if self.cfg.latency_jitter_ms > 0 {
            self.rng.gen_range(0..=self.cfg.latency_jitter_ms)
        } else {
            0
        };
        let c = &self.cfg;
        let mut d = Decision {
            latency: Duration::from_millis(c.latency_ms + jitter),
            ..Decision::default()
        };
        self.counters.requests += 1;
        if !d.latency.is_zero() {
            self.counters.delayed += 1;
        }
        if self.maintenance_left == 0 && draws[0] < c.maintenance_rate {
            self.maintenance_left = c.maintenance_length.max(1);
        }
        if self.maintenance_left > 0 {
            self.maintenance_left -= 1;
            d.maintenance = true;
            self.counters.maintenance += 1;
            return d;
        }
        if self.storm_left == 0 && draws[1] < c.storm_rate {
            self.storm_left = c.storm_length.max(1);
        }
        if self.storm_left > 0 {
            self.storm_left -= 1;
            d.storm = true;
            self.counters.storm += 1;
            return d;
        }
        if draws[2] < c.error_rate {
            d.error = true;
            self.counters.errors += 1;
            return d;
        }
        d.expire_token = draws[3] < c.token_expiry_rate;
        d.expire_page = draws[4] < c.page_expiry_rate;
        d.drop_after_commit = is_write && draws[5] < c.drop_after_commit_rate;
        d
    }
}
