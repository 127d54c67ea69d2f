//! What the emitters write for a spec of their own (`tests/specs/`), read
//! as the token text a macro expands to.

fn expanded() -> String {
    let source = include_str!("specs/widgets.yaml");
    let spec = railgun_spec::parse(source, "widgets.yaml").unwrap();
    railgun_codegen::expand(spec.api()).to_string()
}

#[test]
fn a_deprecated_operation_keeps_its_note() {
    let expanded = expanded();
    assert!(
        expanded.contains(r#"# [deprecated (note = "Use the shelf endpoints.")] pub async fn move_widget"#),
        "{expanded}"
    );
}

#[test]
fn fields_take_signed_integers_and_lists_of_strings() {
    let expanded = expanded();
    assert!(expanded.contains("pub drift : i64"), "{expanded}");
    assert!(
        expanded
            .contains("pub tags : :: std :: option :: Option < :: std :: vec :: Vec < :: std :: string :: String > >"),
        "{expanded}"
    );
}

#[test]
fn a_paginated_list_gets_a_stream_method() {
    let expanded = expanded();
    assert!(expanded.contains("pub fn list_widgets_stream < 'a >"), "{expanded}");
}

#[test]
fn an_undocumented_operation_says_why_in_its_rustdoc() {
    let expanded = expanded();
    let note = "Not in the upstream reference: Seen in the shop's own scripts; never documented.";
    assert_eq!(expanded.matches(note).count(), 1, "{expanded}");
    let polish = expanded.find("pub async fn polish_widget").unwrap();
    let moved = expanded.find("pub async fn move_widget").unwrap();
    let at = expanded.find(note).unwrap();
    assert!(moved < at && at < polish, "the note belongs to polish_widget's rustdoc");
}
