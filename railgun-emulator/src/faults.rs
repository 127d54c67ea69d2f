//! Fault injection for reliability tests, off by default.
//!
//! A faulty answer replaces the request's processing: the request is not
//! applied. So after a run under faults, the state is exactly what the
//! requests that got a real answer did.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// What can go wrong, and how often. Shares are between 0 and 1 and are
/// drawn in this order: dropped, server error, HTML page, truncated.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Added to every answer, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests whose connection is cut after the headers.
    pub dropped: f64,
    /// Share of requests answered 502 or 503.
    pub server_error: f64,
    /// Share of requests answered with an HTML error page and status 200.
    pub html_page: f64,
    /// Share of requests answered with the first half of a JSON envelope.
    pub truncated: f64,
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection is cut after the headers.
    Dropped,
    /// A 502 or 503 answer.
    ServerError,
    /// A 200 answer with an HTML page.
    HtmlPage,
    /// A 200 answer with half a JSON envelope.
    Truncated,
}

/// Draws faults from a reproducible sequence.
#[derive(Debug)]
pub struct Dice {
    state: AtomicU64,
}

impl Dice {
    /// A sequence that starts from `seed`.
    pub fn new(seed: u64) -> Dice {
        Dice { state: AtomicU64::new(seed) }
    }

    /// A number in [0, 1).
    fn roll(&self) -> f64 {
        let mut z = self.state.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Faults {
    /// Whether any fault or latency is configured.
    pub fn any(&self) -> bool {
        self.latency_ms > 0 || self.dropped + self.server_error + self.html_page + self.truncated > 0.0
    }

    /// The latency to add.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }

    /// Checks that every share lies between 0 and 1 and they add up to at most 1.
    pub fn validate(&self) -> Result<(), String> {
        let shares = [
            ("dropped", self.dropped),
            ("server_error", self.server_error),
            ("html_page", self.html_page),
            ("truncated", self.truncated),
        ];
        for (name, share) in shares {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!("fault share {name} must be between 0 and 1, not {share}"));
            }
        }
        if shares.iter().map(|(_, s)| s).sum::<f64>() > 1.0 {
            return Err("fault shares add up to more than 1".to_owned());
        }
        Ok(())
    }

    /// The fault for the next request, if any.
    pub fn draw(&self, dice: &Dice) -> Option<Fault> {
        if self.dropped + self.server_error + self.html_page + self.truncated <= 0.0 {
            return None;
        }
        let mut roll = dice.roll();
        for (share, fault) in [
            (self.dropped, Fault::Dropped),
            (self.server_error, Fault::ServerError),
            (self.html_page, Fault::HtmlPage),
            (self.truncated, Fault::Truncated),
        ] {
            if roll < share {
                return Some(fault);
            }
            roll -= share;
        }
        None
    }
}

/// The answer a fault gives in place of the real one.
pub fn render(fault: Fault, act: &str) -> Response {
    match fault {
        Fault::Dropped => {
            let cut = futures_util::stream::once(async {
                Err::<axum::body::Bytes, _>(std::io::Error::other("fault injection: connection dropped"))
            });
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::from_stream(cut)).into_response()
        }
        Fault::ServerError => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"msg": "Service temporarily unavailable", "response": null, "result": "error"}"#,
        )
            .into_response(),
        Fault::HtmlPage => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<!DOCTYPE html>\n<html><head><title>Error 520: Web server is returning an unknown error</title></head>\n\
             <body><h1>Error 520</h1><p>Web server is returning an unknown error</p></body></html>\n",
        )
            .into_response(),
        Fault::Truncated => {
            let whole =
                format!(r#"{{"msg": null, "response": {{"act": "{act}", "railgun_id": "0"}}, "result": "success"}}"#);
            let half = whole[..whole.len() / 2].to_owned();
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], half).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_drawn_in_proportion() {
        let faults = Faults { dropped: 0.1, server_error: 0.2, html_page: 0.1, truncated: 0.1, ..Faults::default() };
        let dice = Dice::new(42);
        let mut counts = [0usize; 5];
        for _ in 0..100_000 {
            let i = match faults.draw(&dice) {
                Some(Fault::Dropped) => 0,
                Some(Fault::ServerError) => 1,
                Some(Fault::HtmlPage) => 2,
                Some(Fault::Truncated) => 3,
                None => 4,
            };
            counts[i] += 1;
        }
        let shares = counts.map(|c| c as f64 / 100_000.0);
        for (got, want) in shares.iter().zip([0.1, 0.2, 0.1, 0.1, 0.5]) {
            assert!((got - want).abs() < 0.01, "{shares:?}");
        }
    }

    #[test]
    fn no_faults_by_default() {
        let dice = Dice::new(1);
        assert!((0..1000).all(|_| Faults::default().draw(&dice).is_none()));
        assert!(!Faults::default().any());
    }

    #[test]
    fn bad_shares_are_refused() {
        let f = Faults { server_error: 1.5, ..Faults::default() };
        assert_eq!(f.validate().unwrap_err(), "fault share server_error must be between 0 and 1, not 1.5");
        let f = Faults { server_error: 0.6, html_page: 0.6, ..Faults::default() };
        assert_eq!(f.validate().unwrap_err(), "fault shares add up to more than 1");
    }
}
