//! Facts read from each vendored page, in each of its three forms.

use std::collections::BTreeSet;
use std::path::PathBuf;

use xtask::docs::facts::{DocFacts, EndpointFacts, add_page, read_dir};
use xtask::docs::{markdown, text};

fn docs() -> PathBuf {
    xtask::workspace_root().join("spec/docs")
}

fn page(path: &str) -> String {
    std::fs::read_to_string(docs().join(path)).unwrap()
}

fn facts_of(family: &str, path: &str) -> DocFacts {
    let source = page(path);
    let sections = if path.ends_with(".txt") { text::sections(&source) } else { markdown::sections(&source) };
    let mut facts = DocFacts::default();
    add_page(&mut facts, family, path, &sections);
    facts
}

fn endpoint<'f>(facts: &'f DocFacts, family: &str, action: &str) -> &'f EndpointFacts {
    facts.endpoints.get(&(family.to_owned(), action.to_owned())).unwrap_or_else(|| panic!("no {family} {action}"))
}

fn params(e: &EndpointFacts) -> Vec<(&str, &str)> {
    e.params.iter().map(|p| (p.name.as_str(), p.description.as_str())).collect()
}

fn names(set: &BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

fn response_keys(e: &EndpointFacts) -> Vec<String> {
    let response = e.response.as_ref().unwrap()["response"].as_object().unwrap();
    response.keys().cloned().collect()
}

#[test]
fn markdown_with_fenced_blocks() {
    // optimized-partner-api/enable-and-disable-connections.md
    let facts = facts_of("partner", "optimized-partner-api/enable-and-disable-connections.md");
    let actions: Vec<&str> = facts.endpoints.keys().map(|(_, a)| a.as_str()).collect();
    assert_eq!(actions, ["conn_delete", "conn_set", "conn_setmode_disabled", "conn_setmode_enabled", "suggestion_set"]);
    let suggestion = endpoint(&facts, "partner", "suggestion_set");
    assert_eq!(suggestion.methods.keys().collect::<Vec<_>>(), ["GET", "POST"]);
    assert_eq!(
        params(suggestion),
        [
            ("host_key", "Host API key"),
            ("z", "Domain name"),
            ("rtkn", "Railgun token"),
            ("auto_enabled", "Railgun operation mode, 1 for active 0 for inactive")
        ]
    );
    assert_eq!(names(&suggestion.example_params), ["auto_enabled", "host_key", "rtkn", "z"]);
    assert_eq!(names(&suggestion.template_params), ["host_key", "mode", "rtkn", "z"]);
    assert_eq!(suggestion.act.as_deref(), Some("railgun_suggest"));
    assert_eq!(response_keys(suggestion), ["act", "railgun_id"]);
    let conn_set = endpoint(&facts, "partner", "conn_set");
    assert_eq!(response_keys(conn_set), ["act", "railgun_conn_id", "railgun_rec_name"]);
}

#[test]
fn markdown_with_html_rendered_blocks() {
    // optimized-partner-api/manage-railguns.md
    let facts = facts_of("partner", "optimized-partner-api/manage-railguns.md");
    let init = endpoint(&facts, "partner", "init");
    assert_eq!(
        params(init),
        [
            ("host_key", "Host API key"),
            ("name", "Name of Railgun (optional)"),
            ("pubname", "Name of Railgun shown to users (optional)")
        ]
    );
    assert_eq!(names(&init.example_params), ["host_key", "name", "pubname"]);
    assert_eq!(names(&init.template_params), ["host_key", "name", "pubname"], "&amp; in the template is decoded");
    assert_eq!(init.act.as_deref(), Some("railgun_init"));
    assert_eq!(response_keys(init), ["act", "railgun_id", "railgun_name", "railgun_status", "rtkn"]);
    let delete = endpoint(&facts, "partner", "delete");
    assert_eq!(delete.act.as_deref(), Some("railgun_delete"));
    assert_eq!(response_keys(delete), ["act", "railgun_id"]);
    let repaired: Vec<String> =
        facts.warnings.iter().filter(|w| w.message.contains("not valid JSON")).map(|w| w.to_string()).collect();
    assert_eq!(repaired.len(), 2, "{repaired:#?}");
    assert!(
        repaired[0].starts_with(
            "optimized-partner-api/manage-railguns.md:103: POST delete: example response is not valid JSON"
        )
    );

    // optimized-partner-api/railguns-via-ip-ranges.md: the IP array, decoded.
    let facts = facts_of("partner", "optimized-partner-api/railguns-via-ip-ranges.md");
    let ipr = endpoint(&facts, "partner", "ipr_set");
    assert_eq!(ipr.methods.keys().collect::<Vec<_>>(), ["POST"]);
    assert_eq!(names(&ipr.example_params), ["ipr", "rtkn"]);
    assert_eq!(ipr.response.as_ref().unwrap()["response"]["railgun_id"], "1079");
}

#[test]
fn rendered_plain_text() {
    let facts = facts_of("client", "client-api/enable-and-disable-connections.txt");
    let delete = endpoint(&facts, "client", "conn_delete");
    // The GET section's list writes "z Domain name", without the dash.
    assert_eq!(
        params(delete),
        [("email", "User account email"), ("tkn", "User API token"), ("z", "Domain name"), ("rtkn", "Railgun token")]
    );
    let conn_set = endpoint(&facts, "client", "conn_set");
    assert_eq!(names(&conn_set.template_params), ["email", "mode", "rtkn", "tkn", "z"]);
    assert_eq!(response_keys(conn_set), ["act", "railgun_id"]);
}

#[test]
fn the_markdown_and_text_forms_of_a_page_give_the_same_facts() {
    // Everything but where things stand in the page, and the wording of the
    // `mode` description, which the rendered page rephrases.
    let comparable = |path: &str| -> (Vec<EndpointFacts>, BTreeSet<String>) {
        let mut modes = BTreeSet::new();
        let endpoints = facts_of("client", path)
            .endpoints
            .into_values()
            .map(|mut e| {
                e.file.clear();
                e.methods.values_mut().for_each(|line| *line = 0);
                for p in &mut e.params {
                    p.line = 0;
                    if p.name == "mode" {
                        modes.insert(std::mem::take(&mut p.description));
                    }
                }
                e
            })
            .collect();
        (endpoints, modes)
    };
    let (md, md_modes) = comparable("client-api/enable-and-disable-connections.md");
    let (txt, txt_modes) = comparable("client-api/enable-and-disable-connections.txt");
    assert_eq!(md.len(), 4);
    assert_eq!(md, txt);
    assert_eq!(names(&md_modes), ["Railgun operation mode, 1 for active 0 for inactive"]);
    assert_eq!(names(&txt_modes), ["Railgun operation mode. 1 for active, 0 for inactive"]);
}

#[test]
fn the_whole_folder() {
    let facts = read_dir(&docs()).unwrap();
    let keys: Vec<String> = facts.endpoints.keys().map(|(f, a)| format!("{f} {a}")).collect();
    assert_eq!(keys.len(), 18, "{keys:#?}");
    let pairs: usize = facts.endpoints.values().map(|e| e.methods.len()).sum();
    assert_eq!(pairs, 35);
    assert_eq!(facts.warnings.len(), 23, "{:#?}", facts.warnings);
}

#[test]
fn descriptions_are_read_in_every_form() {
    let md = facts_of("partner", "optimized-partner-api/manage-railguns.md");
    assert_eq!(
        endpoint(&md, "partner", "init").description,
        "Create a Railgun. If request is successful, a new Railgun is added to a host account and placed in initializing status (INI)."
    );
    let fenced = facts_of("partner", "optimized-partner-api/enable-and-disable-connections.md");
    assert!(
        endpoint(&fenced, "partner", "conn_set")
            .description
            .starts_with("Establish a connection between a domain and a Railgun without")
    );
    let txt = facts_of("client", "client-api/enable-and-disable-connections.txt");
    assert_eq!(
        endpoint(&txt, "client", "conn_set").description,
        "Establish a connection between a domain and a Railgun."
    );
}
