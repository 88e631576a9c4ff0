//! Retries with backon: exponential backoff with FULL jitter (a uniform wait
//! in 0..=delay, which spreads a crowd of clients best) and a cap, with a
//! server's Retry-After as a floor. Only errors classified retryable are
//! retried; the caller decides which requests are safe to repeat.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use crate::error::ProviderError;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub max_times: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
            max_times: 6,
        }
    }
}

/// Full jitter: a uniform wait between zero and `delay`.
fn full_jitter(delay: Duration) -> Duration {
    delay.mul_f64(fastrand::f64())
}

/// Runs `op` until it succeeds, fails for good, or `policy` is spent.
/// `retry_if` narrows which retryable errors are retried.
pub async fn retry<T, F, Fut>(
    policy: RetryPolicy,
    op: F,
    retry_if: impl Fn(&ProviderError) -> bool,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.max_times);
    op.retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|e| e.is_retryable() && retry_if(e))
        .adjust(|e, delay| {
            let delay = delay.map(full_jitter)?;
            Some(match e {
                ProviderError::Throttled {
                    retry_after: Some(floor),
                    ..
                } => delay.max(*floor),
                _ => delay,
            })
        })
        .notify(|e, wait| tracing::debug!(error = %e, ?wait, "retrying"))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_a_floor_and_fatal_errors_stop_at_once() {
        let calls = AtomicU32::new(0);
        let start = tokio::time::Instant::now();
        let out = retry(
            RetryPolicy::default(),
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    Err(ProviderError::Throttled {
                        status: 429,
                        retry_after: Some(Duration::from_secs(5)),
                    })
                } else {
                    Ok(7)
                }
            },
            |_| true,
        )
        .await
        .unwrap();
        assert_eq!(out, 7);
        assert!(start.elapsed() >= Duration::from_secs(5));

        let calls = AtomicU32::new(0);
        let err = retry(
            RetryPolicy::default(),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(ProviderError::NotFound)
            },
            |_| true,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ProviderError::NotFound));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
