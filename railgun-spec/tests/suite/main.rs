//! The front end: what specs resolve to, and how their errors read.

mod resolve;
mod validation;
