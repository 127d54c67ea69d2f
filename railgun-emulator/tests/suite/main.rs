//! The emulator as clients and users meet it, in one binary.

mod binary;
mod misbehaving;
mod robustness;
