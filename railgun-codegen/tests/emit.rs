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

/// The section of the expansion from `start` to the next `pub async fn`.
fn method(expanded: &str, name: &str) -> String {
    let start = expanded.find(&format!("pub async fn {name}")).unwrap();
    let end = expanded[start + 1..].find("pub async fn").map_or(expanded.len(), |i| start + 1 + i);
    expanded[start..end].to_owned()
}

#[test]
fn path_parameters_come_in_the_template_s_order_and_the_body_as_laid_out() {
    let expanded = expanded();
    let moved = method(&expanded, "move_widget");
    // Written `widget`, then `shop`; the template says shops/{shop}/widgets/{widget}.
    let shop = moved.find(r#"request . path ("shop""#).expect(&moved);
    let widget = moved.find(r#"request . path ("widget""#).expect(&moved);
    assert!(shop < widget, "{moved}");
    // `shelf.id` and `shelf.row` in one object, where `shelf.id` stands;
    // each value by its slot.
    let layout = "body : & [:: railgun_runtime :: __private :: BodyMember { name : \"shelf\" , value : \
                  :: railgun_runtime :: __private :: BodyValue :: Object (& [:: railgun_runtime :: __private :: \
                  BodyMember { name : \"id\" , value : :: railgun_runtime :: __private :: BodyValue :: Arg (0) } , \
                  :: railgun_runtime :: __private :: BodyMember { name : \"row\" , value : :: railgun_runtime :: \
                  __private :: BodyValue :: Arg (1) }]) } , :: railgun_runtime :: __private :: BodyMember { name : \
                  \"visible\" , value : :: railgun_runtime :: __private :: BodyValue :: Arg (2) }]";
    assert!(moved.contains(layout), "{moved}");
    for push in
        [r#"request . body (0 , "shelf.id""#, r#"request . body (2 , "visible""#, r#"request . body (1 , "shelf.row""#]
    {
        assert!(moved.contains(push), "{push} in {moved}");
    }
}

#[test]
fn a_paginated_list_names_its_page_as_such() {
    let expanded = expanded();
    let list = method(&expanded, "list_widgets");
    assert!(list.contains(r#"request . page ("page" , value)"#), "{list}");
    assert!(list.contains(r#"request . query ("per_page" , value)"#), "{list}");
    assert!(list.contains("list_widgets (shop , :: std :: option :: Option :: Some (page) , per_page)"), "{list}");
}
