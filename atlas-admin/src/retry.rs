//! When a request is tried again. Written by hand; the generator never touches this file.
//!
//! Atlas answers 429 when a rate limit is hit and 503 (or a gateway's 502/504) when it is
//! briefly unavailable. Those are retried, as are connections that fail before a byte was
//! sent, with the server's `Retry-After` when it gives one, else exponential backoff with
//! full jitter (a random wait between zero and the exponential ceiling, so that many
//! clients refused together do not come back together). Only idempotent methods are
//! retried unless a call opts in: a POST that reached Atlas may have created something.
//!
//! The loop is ours rather than `backon`'s or `reqwest-retry`'s: their jitter adds to the
//! delay instead of drawing it (no full jitter), and the server's `Retry-After` must take
//! precedence over the computed delay and count against the same total budget.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// How failed requests are retried: set per client ([`ClientBuilder::retry`](crate::ClientBuilder::retry))
/// and per call (the builders' `retry`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included: 1 means never retry.
    pub max_attempts: u32,
    /// The ceiling of the first backoff; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest a call may take, waits included: a retry that would end after it is not
    /// made (the last error is returned instead).
    pub max_elapsed: Duration,
    /// Whether POST and PATCH are retried too (off: they may have changed something).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Four attempts, backoff from 500 ms up to 30 s, two minutes in all, idempotent only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    pub fn max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// Retry POST and PATCH as well: for calls the caller knows are safe to repeat.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Whether a request with `method` may be sent again.
    pub(crate) fn allows(&self, method: &Method) -> bool {
        let idempotent = matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS);
        self.max_attempts > 1 && (idempotent || self.retry_non_idempotent)
    }

    /// The wait before retry number `retry` (1 for the first): full jitter under
    /// `min(max_backoff, initial_backoff * 2^(retry-1))`.
    pub(crate) fn backoff_delay(&self, retry: u32) -> Duration {
        let ceiling = self.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(20)).min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Statuses worth another try: rate limited, or briefly unavailable.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a date past is no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, past.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_ceiling() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(1000));
        for retry in 1..=8u32 {
            let ceiling = Duration::from_millis((100u64 << (retry - 1)).min(1000));
            let delays: Vec<Duration> = (0..2000).map(|_| policy.backoff_delay(retry)).collect();
            assert!(delays.iter().all(|d| *d <= ceiling), "retry {retry}: over {ceiling:?}");
            // Uniform over [0, ceiling]: each quarter holds about a quarter of the draws and
            // the mean is about half the ceiling (margins many standard deviations wide), so
            // a backoff that is always zero, always the ceiling, or bunched, fails.
            let fractions: Vec<f64> = delays.iter().map(|d| d.as_secs_f64() / ceiling.as_secs_f64()).collect();
            let mean = fractions.iter().sum::<f64>() / fractions.len() as f64;
            assert!((0.4..0.6).contains(&mean), "retry {retry}: mean {mean} of the ceiling");
            for quarter in 0..4 {
                let range = f64::from(quarter) / 4.0..f64::from(quarter + 1) / 4.0;
                let share = fractions.iter().filter(|f| range.contains(f)).count() as f64 / fractions.len() as f64;
                assert!((0.15..0.35).contains(&share), "retry {retry}: {share} of the draws in quarter {quarter}");
            }
        }
    }

    #[test]
    fn only_idempotent_methods_unless_opted_in() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET) && policy.allows(&Method::PUT) && policy.allows(&Method::DELETE));
        assert!(!policy.allows(&Method::POST) && !policy.allows(&Method::PATCH));
        assert!(policy.clone().retry_non_idempotent(true).allows(&Method::POST));
        assert!(!RetryPolicy::none().allows(&Method::GET));
    }
}
