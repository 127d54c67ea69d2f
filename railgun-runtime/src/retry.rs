//! [`RetryPolicy`]: when a failed call is sent again, and after how long.
//!
//! The decision is a pure function of the attempt, the error, the time
//! spent and a random draw, so every case is table-tested below; the
//! session only sleeps and sends.

use std::time::Duration;

use crate::Error;

/// When a failed call is sent again. On by default
/// ([`RetryPolicy::default`]); [`RetryPolicy::never`] turns it off.
///
/// A call is sent again only if all of these hold:
///
/// - the error may pass ([`Error::is_retryable`]): it could not connect,
///   no complete answer, an answer that is plainly not the service's (an HTML
///   page, a body cut short), or an HTTP status the client retries: the
///   API's own list (its spec's `retry_statuses`; 429, 502, 503 and 504
///   unless it says otherwise), or the one set with
///   [`statuses`](RetryPolicy::statuses);
/// - the endpoint is safe to repeat (`idempotent: true` in its spec), or
///   the failed attempt certainly had no effect
///   (`!`[`Error::may_have_been_applied`]: it could not connect, or the
///   service answered 429);
/// - fewer than [`max_attempts`](RetryPolicy::max_attempts) were made, and
///   the next one would start within
///   [`max_elapsed`](RetryPolicy::max_elapsed) of the first.
///
/// The wait before attempt *n* + 1 is what the answer's `Retry-After` asked
/// for, or else a random time between zero and
/// `min(max_delay, initial_delay × 2^(n-1))` ("full jitter": clients that
/// failed together do not come back together).
///
/// ```
/// use std::time::Duration;
/// use railgun_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(6)
///     .initial_delay(Duration::from_millis(500))
///     .max_delay(Duration::from_secs(20))
///     .max_elapsed(Duration::from_secs(120));
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
    /// `None`: the API's own.
    statuses: Option<StatusSet>,
}

/// A set of HTTP statuses (100 to 599): the ones a client sends a call
/// again after.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StatusSet([u64; 8]);

impl StatusSet {
    /// 429, 502, 503 and 504: what a spec that names no statuses retries.
    #[cfg(test)]
    pub(crate) const DEFAULT: StatusSet = StatusSet::of(&[429, 502, 503, 504]);

    /// The statuses of `codes` that lie between 100 and 599.
    pub(crate) const fn of(codes: &[u16]) -> StatusSet {
        let mut bits = [0u64; 8];
        let mut i = 0;
        while i < codes.len() {
            let code = codes[i];
            if code >= 100 && code <= 599 {
                let n = (code - 100) as usize;
                bits[n / 64] |= 1 << (n % 64);
            }
            i += 1;
        }
        StatusSet(bits)
    }

    /// Whether `status` is in the set.
    pub(crate) fn contains(&self, status: reqwest::StatusCode) -> bool {
        match status.as_u16().checked_sub(100) {
            Some(n) if n < 500 => self.0[usize::from(n) / 64] & (1 << (n % 64)) != 0,
            _ => false,
        }
    }

    fn codes(&self) -> impl Iterator<Item = u16> + '_ {
        (100..600).filter(|code| self.0[usize::from(code - 100) / 64] & (1 << ((code - 100) % 64)) != 0)
    }
}

impl std::fmt::Debug for StatusSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.codes()).finish()
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Send the call again after this long.
    Retry {
        /// The wait before the next attempt.
        delay: Duration,
    },
    /// Return the error to the caller.
    Stop(StopReason),
}

/// Why a failed call is not sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// Trying again would fail the same way.
    NotRetryable,
    /// The endpoint is not safe to repeat and the attempt may have been
    /// applied.
    MayHaveBeenApplied,
    /// The last attempt allowed was made.
    OutOfAttempts,
    /// The next attempt would start after the time allowed.
    OutOfTime,
}

impl Default for RetryPolicy {
    /// Four attempts in all, waits from 250 ms growing to at most 10 s, no
    /// attempt started more than 30 s after the first.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(30),
            statuses: None,
        }
    }
}

impl RetryPolicy {
    /// One attempt per call: every error goes straight to the caller.
    pub fn never() -> RetryPolicy {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The longest random wait after the first failure; it doubles after
    /// each further one, up to [`max_delay`](RetryPolicy::max_delay).
    pub fn initial_delay(mut self, delay: Duration) -> RetryPolicy {
        self.initial_delay = delay;
        self
    }

    /// The longest random wait between two attempts. A `Retry-After` longer
    /// than this is still honoured, within
    /// [`max_elapsed`](RetryPolicy::max_elapsed).
    pub fn max_delay(mut self, delay: Duration) -> RetryPolicy {
        self.max_delay = delay;
        self
    }

    /// No attempt starts later than this after the first one.
    pub fn max_elapsed(mut self, elapsed: Duration) -> RetryPolicy {
        self.max_elapsed = elapsed;
        self
    }

    /// The HTTP statuses after which a call is sent again, instead of the
    /// API's own list (its spec's `retry_statuses`). Codes outside 100 to
    /// 599 are ignored.
    ///
    /// ```
    /// // Also when a load balancer answers 500.
    /// let policy = railgun_runtime::RetryPolicy::default().statuses([429, 500, 502, 503, 504]);
    /// # let _ = policy;
    /// ```
    pub fn statuses(mut self, codes: impl IntoIterator<Item = u16>) -> RetryPolicy {
        let codes: Vec<u16> = codes.into_iter().collect();
        self.statuses = Some(StatusSet::of(&codes));
        self
    }

    /// Whether an answer with `status` may pass, for a client whose API
    /// retries `api`: the policy's own statuses when it has some.
    pub(crate) fn retries_status(&self, status: reqwest::StatusCode, api: &StatusSet) -> bool {
        self.statuses.as_ref().unwrap_or(api).contains(status)
    }

    /// The attempts allowed, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// What to do after attempt number `attempt` (1 for the first) failed
    /// with `error`, `elapsed` after the first attempt started, for an
    /// endpoint that is safe to repeat or not (`idempotent`). `jitter`, in
    /// [0, 1), picks the wait within the backoff window.
    pub fn decide(
        &self,
        attempt: u32,
        error: &Error,
        elapsed: Duration,
        idempotent: bool,
        jitter: f64,
    ) -> RetryDecision {
        if !error.is_retryable() {
            return RetryDecision::Stop(StopReason::NotRetryable);
        }
        if !idempotent && error.may_have_been_applied() {
            return RetryDecision::Stop(StopReason::MayHaveBeenApplied);
        }
        if attempt >= self.max_attempts {
            return RetryDecision::Stop(StopReason::OutOfAttempts);
        }
        let delay = match error.retry_after() {
            Some(asked) => asked,
            None => self.backoff(attempt).mul_f64(jitter.clamp(0.0, 1.0)),
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return RetryDecision::Stop(StopReason::OutOfTime);
        }
        RetryDecision::Retry { delay }
    }

    /// How long a 429 holds every call of the client back: what its
    /// `Retry-After` asked for (the first backoff without one), but no
    /// longer than a call may take in all, whatever a server asks.
    pub(crate) fn pause_after_429(&self, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or(self.initial_delay).min(self.max_elapsed)
    }

    /// The longest wait after failed attempt `attempt`.
    fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.initial_delay.saturating_mul(1 << doublings).min(self.max_delay)
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::NotRetryable => "not retryable",
            StopReason::MayHaveBeenApplied => "not safe to repeat and may have been applied",
            StopReason::OutOfAttempts => "out of attempts",
            StopReason::OutOfTime => "out of time",
        })
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::*;
    use crate::error::MalformedKind;

    const S: fn(u64) -> Duration = Duration::from_secs;
    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// The statuses of an API whose spec adds 520 and 524 to the default.
    const API: StatusSet = StatusSet::of(&[429, 502, 503, 504, 520, 524]);

    /// An HTTP error, classified as a client of [`API`] would.
    fn http(status: u16, retry_after: Option<Duration>) -> Error {
        let status = StatusCode::from_u16(status).unwrap();
        let retryable = RetryPolicy::default().retries_status(status, &API);
        Error::Http { action: "conn_set", status, excerpt: String::new(), retry_after, retryable }
    }

    fn malformed(kind: MalformedKind) -> Error {
        Error::Malformed { action: "conn_set", status: StatusCode::OK, kind, excerpt: String::new() }
    }

    fn api_error() -> Error {
        Error::Api { action: "conn_set", status: StatusCode::OK, msg: "no".into(), err_code: None }
    }

    fn invalid() -> Error {
        Error::InvalidInput { action: Some("conn_set"), param: "z", reason: "must not be empty".into() }
    }

    fn timeout() -> Error {
        Error::Timeout { action: "conn_set", timeout: Some(S(30)) }
    }

    #[test]
    fn decisions() {
        use RetryDecision::{Retry, Stop};
        use StopReason::*;
        let policy = RetryPolicy::default();
        #[rustfmt::skip]
        let table: Vec<(u32, Error, Duration, bool, f64, RetryDecision)> = vec![
            // attempt, error, elapsed, idempotent, jitter => decision
            (1, http(503, None), S(0), true, 0.5, Retry { delay: MS(125) }),
            (2, http(502, None), S(1), true, 0.5, Retry { delay: MS(250) }),
            (3, http(504, None), S(1), true, 1.0, Retry { delay: MS(1000) }),
            (1, http(520, None), S(0), true, 0.0, Retry { delay: MS(0) }),
            (1, http(524, None), S(0), true, 1.0, Retry { delay: MS(250) }),
            (1, timeout(), S(0), true, 1.0, Retry { delay: MS(250) }),
            (1, malformed(MalformedKind::Html), S(0), true, 1.0, Retry { delay: MS(250) }),
            (1, malformed(MalformedKind::Truncated), S(0), true, 1.0, Retry { delay: MS(250) }),
            // Retry-After wins over the backoff, even beyond max_delay.
            (1, http(429, Some(S(7))), S(0), true, 0.9, Retry { delay: S(7) }),
            (1, http(503, Some(S(12))), S(0), true, 0.1, Retry { delay: S(12) }),
            // A 429 was not applied: unsafe calls are retried too.
            (1, http(429, Some(S(2))), S(0), false, 0.5, Retry { delay: S(2) }),
            (1, http(429, None), S(0), false, 1.0, Retry { delay: MS(250) }),
            // Unsafe calls are not repeated once they may have been applied.
            (1, http(503, None), S(0), false, 0.5, Stop(MayHaveBeenApplied)),
            (1, timeout(), S(0), false, 0.5, Stop(MayHaveBeenApplied)),
            (1, malformed(MalformedKind::Truncated), S(0), false, 0.5, Stop(MayHaveBeenApplied)),
            // What the service refused, or could not be sent, is final.
            (1, api_error(), S(0), true, 0.5, Stop(NotRetryable)),
            (1, invalid(), S(0), true, 0.5, Stop(NotRetryable)),
            (1, http(500, None), S(0), true, 0.5, Stop(NotRetryable)),
            (1, http(404, None), S(0), true, 0.5, Stop(NotRetryable)),
            // Limits.
            (4, http(503, None), S(1), true, 0.5, Stop(OutOfAttempts)),
            (2, http(503, None), MS(29_600), true, 1.0, Stop(OutOfTime)),
            (1, http(429, Some(S(31))), S(0), true, 0.5, Stop(OutOfTime)),
        ];
        for (attempt, error, elapsed, idempotent, jitter, expected) in table {
            assert_eq!(
                policy.decide(attempt, &error, elapsed, idempotent, jitter),
                expected,
                "attempt {attempt}, {error}, {elapsed:?}, idempotent {idempotent}, jitter {jitter}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default().max_attempts(100).max_elapsed(Duration::MAX);
        let waits: Vec<_> = (1..=8)
            .map(|n| match policy.decide(n, &http(503, None), S(0), true, 1.0) {
                RetryDecision::Retry { delay } => delay,
                stop => panic!("{stop:?}"),
            })
            .collect();
        assert_eq!(waits, [MS(250), MS(500), S(1), S(2), S(4), S(8), S(10), S(10)]);
        assert_eq!(policy.backoff(u32::MAX), S(10));
    }

    #[test]
    fn a_429_pause_is_bounded_by_the_time_allowed() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.pause_after_429(Some(S(7))), S(7));
        assert_eq!(policy.pause_after_429(None), MS(250));
        assert_eq!(policy.pause_after_429(Some(Duration::MAX)), S(30));
    }

    #[test]
    fn the_statuses_are_the_api_s_unless_the_policy_says_otherwise() {
        let status = |code| StatusCode::from_u16(code).unwrap();
        let default = RetryPolicy::default();
        let listed: Vec<u16> = [429, 500, 502, 503, 504, 520, 524, 525]
            .into_iter()
            .filter(|code| default.retries_status(status(*code), &API))
            .collect();
        assert_eq!(listed, [429, 502, 503, 504, 520, 524]);
        let generic: Vec<u16> =
            [429, 502, 503, 504, 520].into_iter().filter(|c| StatusSet::DEFAULT.contains(status(*c))).collect();
        assert_eq!(generic, [429, 502, 503, 504]);
        // The policy's own list replaces the API's.
        let own = RetryPolicy::default().statuses([500, 599, 600, 99]);
        let listed: Vec<u16> =
            [100, 429, 500, 520, 599].into_iter().filter(|code| own.retries_status(status(*code), &API)).collect();
        assert_eq!(listed, [500, 599]);
        assert_eq!(format!("{:?}", StatusSet::of(&[503, 100, 599])), "{100, 503, 599}");
    }

    #[test]
    fn never_stops_after_the_first_attempt() {
        let never = RetryPolicy::never();
        assert_eq!(never.decide(1, &http(503, None), S(0), true, 0.5), RetryDecision::Stop(StopReason::OutOfAttempts));
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }
}
