//! The committed expansion matches what the spec expands to today, so a
//! reviewer reading `tests/expanded/railgun.rs` reads the real client.

use std::path::Path;

use railgun_codegen::snapshot::{ALL, REFRESH};

#[test]
fn committed_expansions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for snapshot in ALL {
        let expected = snapshot.render(root).unwrap();
        let committed = std::fs::read_to_string(root.join(snapshot.expansion)).unwrap_or_default();
        if committed != expected {
            let line = committed
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "the end".to_owned(), |i| format!("line {}", i + 1));
            panic!(
                "{} is stale (first difference at {line}); run `{REFRESH}` and commit the result",
                snapshot.expansion
            );
        }
    }
}

#[test]
fn expansion_covers_every_documented_action() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let source = std::fs::read_to_string(root.join("spec/railgun.yaml")).unwrap();
    let spec = railgun_codegen::parse(&source, "spec/railgun.yaml").unwrap();
    let pairs: Vec<String> = spec
        .endpoints
        .iter()
        .flat_map(|e| e.methods.iter().map(move |m| format!("{} {} {}", e.family, e.action, m.as_str())))
        .collect();
    assert_eq!(pairs.len(), 35, "{pairs:#?}");
    let client: Vec<&str> = spec.endpoints_of("client").map(|e| e.action.as_str()).collect();
    let partner: Vec<&str> = spec.endpoints_of("partner").map(|e| e.action.as_str()).collect();
    assert_eq!(
        client,
        [
            "init",
            "delete",
            "user_get_all",
            "zone_conn_get_active",
            "conn_set",
            "conn_setmode_enabled",
            "conn_setmode_disabled",
            "conn_delete"
        ]
    );
    assert_eq!(
        partner,
        [
            "init",
            "delete",
            "host_get_all",
            "zone_conn_get_active",
            "suggestion_set",
            "conn_set",
            "conn_setmode_enabled",
            "conn_setmode_disabled",
            "conn_delete",
            "ipr_set"
        ]
    );
    let suggestion = spec.endpoints.iter().find(|e| e.action == "suggestion_set").unwrap();
    assert_eq!(suggestion.act.as_deref(), Some("railgun_suggest"));
    let ipr = spec.endpoints.iter().find(|e| e.action == "ipr_set").unwrap();
    assert_eq!(ipr.methods, [railgun_codegen::model::Method::Post]);
}
