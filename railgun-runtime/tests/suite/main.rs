//! The runtime against real servers, in one binary.

mod retry_statuses;
mod tls;
