//! Compile-time tests of `generate_api!` (`tests/ui.rs`, with trybuild):
//! each class of spec error fails the build with its location and no
//! second error, a minimal spec compiles without warnings, and the
//! compiler refuses a partner-only action on `ClientApi`. A crate of its
//! own, with only what the cases use, because trybuild builds them again
//! with every dependency of the crate they live in.
