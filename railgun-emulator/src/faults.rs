//! Fault injection for reliability tests, off by default.
//!
//! Two kinds of fault, drawn from one seeded, reproducible sequence:
//!
//! - faults *before* processing (dropped, server error, HTML page,
//!   truncated, rate limited) replace the request's processing: the
//!   request is not applied;
//! - faults *after* processing (`applied_dropped`, `applied_truncated`)
//!   apply the request, then lose its answer: the connection is cut before
//!   the body, or the body is cut in half. This is the case a client must
//!   not answer by sending a call that is not safe to repeat again.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// What can go wrong, and how often. Shares are between 0 and 1, add up to
/// at most 1, and are drawn in the order of the fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Added to every answer, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests whose connection is cut after the headers (not applied).
    pub dropped: f64,
    /// Share of requests answered 503 (not applied).
    pub server_error: f64,
    /// Share of requests answered with an HTML error page and status 200 (not applied).
    pub html_page: f64,
    /// Share of requests answered with the first half of a JSON envelope (not applied).
    pub truncated: f64,
    /// Share of requests answered 429 with `Retry-After` (not applied).
    pub rate_limited: f64,
    /// Share of requests applied, whose connection is then cut after the headers.
    pub applied_dropped: f64,
    /// Share of requests applied, whose answer is then cut in half.
    pub applied_truncated: f64,
    /// The `Retry-After` of 429 answers, in seconds (1 by default).
    pub retry_after_s: u64,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            latency_ms: 0,
            dropped: 0.0,
            server_error: 0.0,
            html_page: 0.0,
            truncated: 0.0,
            rate_limited: 0.0,
            applied_dropped: 0.0,
            applied_truncated: 0.0,
            retry_after_s: 1,
        }
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The connection is cut after the headers; the request is not applied.
    Dropped,
    /// A 503 answer.
    ServerError,
    /// A 200 answer with an HTML page.
    HtmlPage,
    /// A 200 answer with half a JSON envelope.
    Truncated,
    /// A 429 answer with `Retry-After`.
    RateLimited,
    /// The request is applied, then the connection is cut after the headers.
    AppliedDropped,
    /// The request is applied, then its answer is cut in half.
    AppliedTruncated,
}

impl Fault {
    /// Whether the request is applied before the answer goes wrong.
    pub fn applies(self) -> bool {
        matches!(self, Fault::AppliedDropped | Fault::AppliedTruncated)
    }
}

/// Draws faults from a reproducible sequence: the workspace's one PRNG
/// (fastrand's), seeded.
#[derive(Debug)]
pub struct Dice {
    rng: std::sync::Mutex<fastrand::Rng>,
}

impl Dice {
    /// A sequence that starts from `seed`.
    pub fn new(seed: u64) -> Dice {
        Dice { rng: std::sync::Mutex::new(fastrand::Rng::with_seed(seed)) }
    }

    /// A number in [0, 1).
    fn roll(&self) -> f64 {
        self.rng.lock().unwrap_or_else(|e| e.into_inner()).f64()
    }
}

impl Faults {
    /// Every fault at `share / 7`: all seven kinds, equally often.
    pub fn every_kind(share: f64) -> Faults {
        let each = share / 7.0;
        Faults {
            dropped: each,
            server_error: each,
            html_page: each,
            truncated: each,
            rate_limited: each,
            applied_dropped: each,
            applied_truncated: each,
            ..Faults::default()
        }
    }

    fn shares(&self) -> [(&'static str, f64, Fault); 7] {
        [
            ("dropped", self.dropped, Fault::Dropped),
            ("server_error", self.server_error, Fault::ServerError),
            ("html_page", self.html_page, Fault::HtmlPage),
            ("truncated", self.truncated, Fault::Truncated),
            ("rate_limited", self.rate_limited, Fault::RateLimited),
            ("applied_dropped", self.applied_dropped, Fault::AppliedDropped),
            ("applied_truncated", self.applied_truncated, Fault::AppliedTruncated),
        ]
    }

    /// Whether any fault or latency is configured.
    pub fn any(&self) -> bool {
        self.latency_ms > 0 || self.shares().iter().any(|(_, share, _)| *share > 0.0)
    }

    /// The latency to add.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }

    /// Checks that every share lies between 0 and 1 and they add up to at most 1.
    pub fn validate(&self) -> Result<(), String> {
        for (name, share, _) in self.shares() {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!("fault share {name} must be between 0 and 1, not {share}"));
            }
        }
        // A little slack for shares such as 7 × (0.2 / 7).
        if self.shares().iter().map(|(_, s, _)| s).sum::<f64>() > 1.0 + 1e-9 {
            return Err("fault shares add up to more than 1".to_owned());
        }
        Ok(())
    }

    /// The fault for the next request, if any.
    pub fn draw(&self, dice: &Dice) -> Option<Fault> {
        if !self.shares().iter().any(|(_, share, _)| *share > 0.0) {
            return None;
        }
        let mut roll = dice.roll();
        for (_, share, fault) in self.shares() {
            if roll < share {
                return Some(fault);
            }
            roll -= share;
        }
        None
    }
}

/// The longest start of `text` of at most half its bytes that ends on a
/// character boundary.
fn first_half(text: &str) -> &str {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// A 200 answer whose connection is cut after the headers.
fn cut_connection() -> Response {
    let cut = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::other("fault injection: connection dropped"))
    });
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::from_stream(cut)).into_response()
}

/// Which API a faulty answer imitates.
#[derive(Debug, Clone, Copy)]
pub enum Dialect<'a> {
    /// v2: `{result, msg, response}`, with the action's `act`.
    V2 {
        /// The `act` of the action's answer.
        act: &'a str,
    },
    /// v4: `{success, errors, messages, result}`.
    V4,
}

impl Dialect<'_> {
    /// A refusal's body.
    fn refusal(self, code: u32, message: &str) -> String {
        match self {
            Dialect::V2 { .. } => serde_json::json!({"msg": message, "response": null, "result": "error"}),
            Dialect::V4 => serde_json::json!({
                "success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null
            }),
        }
        .to_string()
    }

    /// A success's body.
    fn success(self) -> String {
        match self {
            Dialect::V2 { act } => {
                serde_json::json!({"msg": null, "response": {"act": act, "railgun_id": "0"}, "result": "success"})
            }
            Dialect::V4 => serde_json::json!({"success": true, "errors": [], "messages": [], "result": {"id": "0"}}),
        }
        .to_string()
    }
}

/// The answer a fault before processing gives in place of the real one.
pub fn render(fault: Fault, dialect: Dialect<'_>, retry_after_s: u64) -> Response {
    let json = (header::CONTENT_TYPE, "application/json".to_owned());
    match fault {
        Fault::Dropped | Fault::AppliedDropped => cut_connection(),
        Fault::ServerError => {
            (StatusCode::SERVICE_UNAVAILABLE, [json], dialect.refusal(1503, "Service temporarily unavailable"))
                .into_response()
        }
        Fault::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            [json, (header::RETRY_AFTER, retry_after_s.to_string())],
            dialect.refusal(10429, "Too many requests"),
        )
            .into_response(),
        Fault::HtmlPage => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<!DOCTYPE html>\n<html><head><title>Error 520: Web server is returning an unknown error</title></head>\n\
             <body><h1>Error 520</h1><p>Web server is returning an unknown error</p></body></html>\n",
        )
            .into_response(),
        Fault::Truncated | Fault::AppliedTruncated => truncated(&dialect.success()),
    }
}

/// A 200 answer with the first half of `envelope`.
pub fn truncated(envelope: &str) -> Response {
    let half = first_half(envelope).to_owned();
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], half).into_response()
}

/// The answer a fault after processing gives in place of `envelope`.
pub fn lose(fault: Fault, envelope: &str) -> Response {
    match fault {
        Fault::AppliedTruncated => truncated(envelope),
        _ => cut_connection(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_drawn_in_proportion() {
        let faults = Faults {
            dropped: 0.1,
            server_error: 0.2,
            html_page: 0.1,
            truncated: 0.1,
            rate_limited: 0.05,
            applied_dropped: 0.05,
            applied_truncated: 0.1,
            ..Faults::default()
        };
        let dice = Dice::new(42);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..100_000 {
            *counts.entry(faults.draw(&dice)).or_insert(0usize) += 1;
        }
        let share = |fault| counts.get(&fault).copied().unwrap_or(0) as f64 / 100_000.0;
        let expected = [
            (Some(Fault::Dropped), 0.1),
            (Some(Fault::ServerError), 0.2),
            (Some(Fault::HtmlPage), 0.1),
            (Some(Fault::Truncated), 0.1),
            (Some(Fault::RateLimited), 0.05),
            (Some(Fault::AppliedDropped), 0.05),
            (Some(Fault::AppliedTruncated), 0.1),
            (None, 0.3),
        ];
        for (fault, want) in expected {
            assert!((share(fault) - want).abs() < 0.01, "{fault:?}: {} against {want}", share(fault));
        }
        // The same seed draws the same sequence.
        let draws = |seed| {
            let dice = Dice::new(seed);
            (0..50).map(|_| faults.draw(&dice)).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
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
        assert_eq!(Faults::every_kind(1.0).validate(), Ok(()));
    }

    #[test]
    fn truncation_cuts_at_a_character_boundary() {
        assert_eq!(first_half("aé"), "a");
        assert_eq!(first_half("ééé"), "é");
        assert_eq!(first_half("€"), "");
        for text in ["railgun_€€€", "😀😀😀", r#"{"act": "railgun_ünïcödé"}"#] {
            let half = first_half(text);
            assert!(text.starts_with(half) && half.len() <= text.len() / 2 && half.len() + 4 > text.len() / 2);
        }
    }
}
