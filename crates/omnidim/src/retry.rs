//! When the client repeats a request, and when it never does.
//!
//! A retried `dispatchCall` can ring a real person twice, so the rule is strict:
//!
//! - **Read-only operations** (GET, HEAD) are retried on `429`, `502`, `503`, `504`, on connection
//!   failures (refused, reset, closed before an answer) and on timeouts.
//! - **Everything else** (every POST, PUT, PATCH, DELETE: dispatching a call, creating or starting a
//!   campaign, adding contacts, retrying a campaign, ...) is **never** retried automatically, unless
//!   the operation accepts an `Idempotency-Key` header and the caller set one, in which case the
//!   server deduplicates and a retry is safe.
//! - Waits grow exponentially from [`RetryPolicy::initial_backoff`] up to
//!   [`RetryPolicy::max_backoff`], with full jitter so that many clients do not retry in step.
//!   A `Retry-After` header (seconds) replaces the computed wait.
//! - At most [`RetryPolicy::max_attempts`] attempts in all, and no wait that would end after
//!   [`RetryPolicy::max_elapsed`] from the first attempt: then the last answer is returned as is.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How the client retries read-only requests. See the [module docs](self) for the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Upper bound of the first wait.
    pub initial_backoff: Duration,
    /// Upper bound of any computed wait.
    pub max_backoff: Duration,
    /// No retry starts later than this after the first attempt; a `Retry-After` longer than
    /// what is left ends the retries.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry anything.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether a response with this status may be retried (for a request that may be retried).
    pub fn is_retryable_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 429 | 502 | 503 | 504)
    }

    /// Whether a retry that waits `wait` after `elapsed` since the first attempt still starts
    /// within [`RetryPolicy::max_elapsed`]. `wait` may come from the server (`Retry-After` can say
    /// 18446744073709551615 seconds), so the sum saturates instead of overflowing.
    pub fn allows_wait(&self, elapsed: Duration, wait: Duration) -> bool {
        elapsed.saturating_add(wait) <= self.max_elapsed
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1), without `Retry-After`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let cap = exp.min(self.max_backoff);
        // Full jitter: uniform in [0, cap].
        cap.mul_f64(jitter_fraction())
    }
}

/// A number in [0, 1) that differs between calls and processes; good enough to spread retries.
fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay a `Retry-After` header asks for (delta-seconds form; an HTTP date is read too).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        for attempt in 1..20 {
            let d = p.backoff(attempt);
            assert!(d <= p.max_backoff, "{d:?}");
        }
        assert!(p.backoff(1) <= p.initial_backoff);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn a_huge_retry_after_never_overflows_the_budget_check() {
        let p = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("18446744073709551615"),
        );
        let wait = retry_after(&h).unwrap();
        assert!(!p.allows_wait(Duration::from_secs(1), wait));
        assert!(!p.allows_wait(Duration::MAX, Duration::MAX));
        assert!(p.allows_wait(Duration::from_secs(1), Duration::from_secs(2)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Fri, 31 Dec 9999 23:59:59 GMT"),
        );
        assert!(!p.allows_wait(Duration::from_secs(1), retry_after(&h).unwrap()));
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(RetryPolicy::is_retryable_status(
                StatusCode::from_u16(s).unwrap()
            ));
        }
        for s in [200, 400, 401, 404, 409, 500, 501] {
            assert!(!RetryPolicy::is_retryable_status(
                StatusCode::from_u16(s).unwrap()
            ));
        }
    }
}
