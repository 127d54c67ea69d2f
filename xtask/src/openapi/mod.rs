//! The v4 source: Cloudflare's OpenAPI description (`spec/docs-v4/`).
//!
//! [`facts`] reads what the description says of an operation, [`check`]
//! compares a `rest_json` spec with it (`cargo xtask check-v4`), and
//! [`fix`] rewrites the spec until they agree (`cargo xtask regen-v4`).

pub mod check;
pub mod facts;
pub mod fix;
