//! [`Gate`]: what every call of a client waits for before it is sent: the
//! client's rate limit, and the pause a 429 answer asked for.
//!
//! The limit is the generic cell rate algorithm (a token bucket without a
//! refill task): each call reserves the next slot under a lock and sleeps
//! until it comes, so waiting calls are served in order. Time is tokio's,
//! so tests with paused time see the waits exactly. (`governor`, the usual
//! crate for this, keeps its own clock and timer thread, which paused time
//! cannot drive; the algorithm is a dozen lines.)

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A rate limit: `per_second` calls a second on average, up to `burst` at
/// once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimit {
    pub(crate) per_second: u32,
    pub(crate) burst: u32,
}

/// Shared by the clones of a client.
#[derive(Debug)]
pub(crate) struct Gate {
    /// Time between two calls, and how far ahead of it a burst may run.
    limit: Option<(Duration, Duration)>,
    state: Mutex<GateState>,
}

#[derive(Debug, Default)]
struct GateState {
    /// When the next call would be sent if calls came at the limit's pace.
    theoretical_arrival: Option<Instant>,
    /// No call is sent before this (set by 429 answers).
    paused_until: Option<Instant>,
    /// The 429 answers so far.
    pauses: u64,
    /// How long the pauses held calls back, overlaps counted once.
    paused_for: Duration,
}

/// How the service's 429 answers have held a client back: the pauses of
/// the client and its clones so far ([`crate::ApiBuilder::rate_limit`]
/// explains them). Generated clients return it from their `pauses` method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Pauses {
    /// The 429 answers received; each holds every call of the client back.
    pub count: u64,
    /// How long calls were held back in all, what is left of the current
    /// pause included (pauses that overlap count once).
    pub total: Duration,
    /// What is left of the current pause: zero when calls may go.
    pub remaining: Duration,
}

impl Gate {
    pub(crate) fn new(limit: Option<RateLimit>) -> Gate {
        let limit = limit.map(|l| {
            let interval = Duration::from_secs(1) / l.per_second.max(1);
            (interval, interval * l.burst.max(1).saturating_sub(1))
        });
        Gate { limit, state: Mutex::new(GateState::default()) }
    }

    /// Waits until the next call may be sent, and takes its slot.
    pub(crate) async fn pass(&self) {
        let now = Instant::now();
        let at = {
            let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let earliest = state.paused_until.map_or(now, |until| until.max(now));
            match self.limit {
                None => earliest,
                Some((interval, tolerance)) => {
                    let arrival = state.theoretical_arrival.unwrap_or(earliest).max(earliest);
                    let at = arrival.checked_sub(tolerance).map_or(earliest, |t| t.max(earliest));
                    state.theoretical_arrival = Some(arrival + interval);
                    at
                }
            }
        };
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }

    /// Holds every call of the client back for `delay` from now.
    pub(crate) fn pause(&self, delay: Duration) {
        // A pause past the end of tokio's clock is a pause of a day.
        let now = Instant::now();
        let until = now.checked_add(delay).unwrap_or(now + Duration::from_secs(86_400));
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = state.paused_until.map_or(now, |current| current.max(now));
        state.paused_for += until.saturating_duration_since(current);
        state.paused_until = Some(current.max(until));
        state.pauses += 1;
    }

    /// The pauses so far.
    pub(crate) fn pauses(&self) -> Pauses {
        let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let remaining =
            state.paused_until.map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()));
        Pauses { count: state.pauses, total: state.paused_for, remaining }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pass_times(gate: &Gate, calls: usize) -> Vec<Duration> {
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..calls {
            gate.pass().await;
            times.push(start.elapsed());
        }
        times
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_rate() {
        let gate = Gate::new(Some(RateLimit { per_second: 10, burst: 3 }));
        let ms = Duration::from_millis;
        assert_eq!(pass_times(&gate, 6).await, [ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]);
        // Idle time refills the burst, and no more than it.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(pass_times(&gate, 4).await, [ms(0), ms(0), ms(0), ms(100)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_call_back() {
        let gate = Gate::new(None);
        gate.pause(Duration::from_secs(2));
        gate.pause(Duration::from_secs(1));
        assert_eq!(pass_times(&gate, 2).await, [Duration::from_secs(2); 2]);
        assert_eq!(pass_times(&gate, 1).await, [Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_beyond_the_clock_does_not_panic() {
        let gate = Gate::new(None);
        gate.pause(Duration::MAX);
        assert_eq!(pass_times(&gate, 1).await, [Duration::from_secs(86_400)]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_no_wait() {
        let gate = Gate::new(None);
        assert_eq!(pass_times(&gate, 100).await, vec![Duration::ZERO; 100]);
    }
}
