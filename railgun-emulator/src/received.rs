//! The requests the emulator read, typed: what a test checks to see that a
//! client sent what it meant to, argument by argument.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::requests;

/// A request the emulator read and checked (credentials included, secrets
/// hidden from `Debug`), whatever its answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// A v2 request.
    V2(requests::v2::Request),
    /// A v4 request.
    V4(requests::v4::Request),
    /// One of the emulator's own actions.
    Emulator(requests::emulator::Request),
}

impl Received {
    /// Its action (v2) or operation (v4) name.
    pub fn action(&self) -> &'static str {
        match self {
            Received::V2(request) => request.action(),
            Received::V4(request) => request.action(),
            Received::Emulator(request) => request.action(),
        }
    }
}

/// The last [`Log::KEPT`] requests read.
#[derive(Default)]
pub(crate) struct Log(Mutex<VecDeque<Received>>);

impl Log {
    /// How many requests are kept: a long run forgets the oldest rather
    /// than grow without end.
    pub const KEPT: usize = 4096;

    pub fn push(&self, request: Received) {
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() == Self::KEPT {
            log.pop_front();
        }
        log.push_back(request);
    }

    pub fn all(&self) -> Vec<Received> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
}
