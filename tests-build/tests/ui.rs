//! Compile-time behaviour: each class of spec error fails the build with its
//! location and nothing else (`spec_error_alone.rs`: code that uses what a
//! broken spec names meets no second error), a minimal spec compiles
//! without warnings, and the compiler refuses a partner-only action on
//! `ClientApi`. `TRYBUILD=overwrite cargo test -p tests-build --test ui`
//! rewrites the `.stderr` files after a deliberate change of message;
//! review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/spec_*.rs");
    t.compile_fail("tests/ui/client_has_no_suggestion_set.rs");
    t.pass("tests/ui/pass_*.rs");
}
