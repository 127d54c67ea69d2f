//! `cargo xtask regen`: rewrites the spec from the docs, keeps what they
//! cannot say, settles (a second run changes nothing), and leaves a spec
//! that `check` passes and that expands into working methods.

use std::path::Path;

use xtask::docs::facts::{DocFacts, read_dir};
use xtask::docs::fix::regen;
use xtask::settle::Outcome;

use crate::support::{copy_docs, root, xtask};

fn spec_text() -> String {
    std::fs::read_to_string(root().join("spec/railgun.yaml")).unwrap()
}

fn vendored() -> DocFacts {
    read_dir(&root().join("spec/docs")).unwrap()
}

/// Runs regen, then checks that it settled and that check passes.
fn settle(source: &str, docs: &DocFacts) -> Outcome {
    let outcome = regen(source, "spec.yaml", docs).unwrap();
    assert!(outcome.remaining.is_empty(), "{:#?}", outcome.remaining);
    let again = regen(&outcome.text, "spec.yaml", docs).unwrap();
    assert!(again.changes.is_empty(), "a second regen changed: {:#?}", again.changes);
    assert_eq!(again.text, outcome.text);
    let spec = railgun_spec::parse(&outcome.text, "spec.yaml").unwrap();
    let report = xtask::docs::check::check(&spec, docs);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    outcome
}

/// The expansion of a spec text, rendered (which parses it as Rust).
fn expansion(text: &str) -> String {
    let spec = railgun_spec::parse(text, "spec.yaml").unwrap();
    xtask::codegen::render(&railgun_codegen::expand(spec.api()), "spec.yaml").unwrap()
}

/// The text of the method `action` inside `pub mod family`.
fn method_in(expanded: &str, family: &str, action: &str) -> Option<String> {
    let module = &expanded[expanded.find(&format!("pub mod {family} {{"))?..];
    let start = module.find(&format!("pub async fn {action}("))?;
    Some(module[start..module[start..].find('{').map_or(module.len(), |e| start + e)].to_owned())
}

/// The signature and body of the method `action` inside `pub mod family`:
/// up to the next item.
fn method_with_body(expanded: &str, family: &str, action: &str) -> Option<String> {
    let module = &expanded[expanded.find(&format!("pub mod {family} {{"))?..];
    let start = module.find(&format!("pub async fn {action}("))?;
    let rest = &module[start + 1..];
    let end = ["pub async fn ", "#[doc", "impl "].iter().filter_map(|next| rest.find(next)).min().unwrap_or(rest.len());
    Some(module[start..start + 1 + end].to_owned())
}

fn without_endpoint(text: &str, family: &str, action: &str) -> String {
    let start = text.find(&format!("  - action: {action}\n    family: {family}\n")).unwrap();
    let end = text[start + 1..].find("\n  - action: ").map_or(text.len(), |e| start + 1 + e + 1);
    format!("{}{}", &text[..start], &text[end..])
}

fn comments(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.trim_start().starts_with('#')).collect()
}

#[test]
fn the_committed_spec_needs_no_change() {
    let outcome = settle(&spec_text(), &vendored());
    assert!(outcome.changes.is_empty(), "{:#?}", outcome.changes);
    assert_eq!(outcome.text, spec_text());
}

#[test]
fn a_missing_endpoint_comes_back_as_a_working_method() {
    let lacking = without_endpoint(&spec_text(), "partner", "conn_delete");
    let endpoints = railgun_spec::parse(&lacking, "spec.yaml").unwrap();
    assert_eq!(endpoints.api().endpoints.iter().filter(|e| e.action == "conn_delete").count(), 1, "the client's");
    let outcome = settle(&lacking, &vendored());
    assert_eq!(outcome.changes, ["partner conn_delete: added the endpoint"]);
    // Borrowed from the other endpoints: zone, a domain name, for z;
    // Secret for rtkn.
    let method = method_in(&expansion(&outcome.text), "partner", "conn_delete").unwrap();
    assert!(method.contains("zone: &str"), "{method}");
    let body = method_with_body(&expansion(&outcome.text), "partner", "conn_delete").unwrap();
    assert!(body.contains("::railgun_runtime::__private::DomainName(zone)"), "{body}");
    assert!(method.contains("rtkn: &::railgun_runtime::Secret"), "{method}");
    assert!(method.contains("super::types::RailgunIdResponse"), "{method}");
    assert!(outcome.text.contains("    idempotent: false  # as in the other family\n"), "{}", outcome.text);
    assert_eq!(comments(&outcome.text), comments(&lacking), "comments are kept");
}

#[test]
fn an_endpoint_the_docs_give_no_credential_gets_a_deviation_to_review() {
    let lacking = without_endpoint(&spec_text(), "partner", "ipr_set");
    let outcome = settle(&lacking, &vendored());
    assert_eq!(
        outcome.changes,
        ["partner ipr_set: added the endpoint", "partner ipr_set: recorded the credentials as a deviation"]
    );
    assert!(outcome.text.contains(
        "      - item: auth\n        reason: the docs list credentials none, the spec's family sends host_key"
    ));
    assert!(outcome.text.contains("(recorded by cargo xtask regen; review)"));
    let method = method_in(&expansion(&outcome.text), "partner", "ipr_set").unwrap();
    assert!(method.contains("rtkn: &::railgun_runtime::Secret,") && method.contains("ipr: &str,"), "{method}");
}

/// The spec without partner `conn_set`'s `mode` parameter, and its lines.
fn without_partner_mode(text: &str) -> (String, String) {
    let conn_set = text.find("  - action: conn_set\n    family: partner").unwrap();
    let mode = conn_set + text[conn_set..].find("      - name: mode\n").unwrap();
    let end = mode + text[mode..].find("    response:").unwrap();
    (format!("{}{}", &text[..mode], &text[end..]), text[mode..end].to_owned())
}

#[test]
fn a_missing_parameter_comes_back_with_its_type() {
    let text = spec_text();
    let (lacking, _) = without_partner_mode(&text);
    let outcome = settle(&lacking, &vendored());
    assert_eq!(outcome.changes, ["partner conn_set: added parameter mode"]);
    let method = method_in(&expansion(&outcome.text), "partner", "conn_set").unwrap();
    assert!(method.contains("mode: super::types::Mode"), "{method}");
}

/// A copy of the vendored docs with `from` replaced by `to` in `page`, or
/// `to` appended when `from` is empty.
fn docs_with(edits: &[(&str, &str, &str)]) -> DocFacts {
    let dir = tempfile::tempdir().unwrap();
    copy_docs(dir.path());
    for (page, from, to) in edits {
        let path = dir.path().join(page);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if from.is_empty() {
            format!("{text}{to}")
        } else {
            assert!(text.contains(from), "{from:?} not in {page}");
            text.replace(from, to)
        };
        std::fs::write(&path, text).unwrap();
    }
    read_dir(dir.path()).unwrap()
}

const PARTNER_CONNECTIONS: &str = "optimized-partner-api/enable-and-disable-connections.md";

#[test]
fn a_new_field_of_a_shared_answer_goes_to_a_copy_of_its_own() {
    let docs = docs_with(&[(
        PARTNER_CONNECTIONS,
        "         \"act\": \"railgun_conn_setmode_enabled\",\n         \"railgun_id\": \"1\"",
        "         \"act\": \"railgun_conn_setmode_enabled\",\n         \"railgun_id\": \"1\",\n         \"railgun_enabled_on\": \"2012-11-06 13:02:16.122355-08\"",
    )]);
    let outcome = settle(&spec_text(), &docs);
    assert_eq!(
        outcome.changes,
        [
            "partner conn_setmode_enabled: gave the answer its own type PartnerConnSetmodeEnabledResponse, copied from RailgunIdResponse",
            "partner conn_setmode_enabled: added response field railgun_enabled_on to PartnerConnSetmodeEnabledResponse",
        ]
    );
    let expanded = expansion(&outcome.text);
    assert!(expanded.contains("pub railgun_enabled_on: ::railgun_runtime::Timestamp,"), "the field is a timestamp");
    let others = method_in(&expanded, "partner", "conn_setmode_disabled").unwrap();
    assert!(others.contains("super::types::RailgunIdResponse"), "other endpoints keep the shared type: {others}");
}

#[test]
fn a_changed_act_and_a_removed_method_are_followed() {
    let page = "optimized-partner-api/list-railgun-details.md";
    let text = std::fs::read_to_string(root().join("spec/docs").join(page)).unwrap();
    let get =
        &text[text.find("## GET host\\_get\\_all").unwrap()..text.find("## POST zone\\_conn\\_get\\_active").unwrap()];
    let docs =
        docs_with(&[(page, get, ""), (page, "\"act\": \"railgun_host_get_all\"", "\"act\": \"railgun_host_list\"")]);
    let outcome = settle(&spec_text(), &docs);
    assert_eq!(
        outcome.changes,
        ["partner host_get_all: methods set to [POST]", "partner host_get_all: act set to railgun_host_list"]
    );
    assert!(outcome.text.contains(
        "    methods: [POST]\n    act: railgun_host_list\n    summary: List the Railguns of the host account."
    ));
}

#[test]
fn a_new_documented_action_is_added_with_types_for_its_answer() {
    let section = "\n\n## POST conn_get_stats\n\n`POST /api/v2/railgun/conn_get_stats`\n\nShow traffic statistics of a connection.\n\n\
        ### Form parameters\n\n* **host_key** – Host API key\n* **z** – Domain name\n* **window** – Hours to cover (optional)\n\n\
        <details>\n<summary>Example request</summary>\n<div>\n\n```txt\nPOST /api/v2/railgun/conn_get_stats HTTP/1.1\n\n\
        host_key=e111dff66d1fddfda6a888c9992d4366\nz=example.com\nwindow=24\n```\n\n</div>\n</details>\n\n\
        <details>\n<summary>Example response</summary>\n<div>\n\n```json\n{\"msg\": null, \"result\": \"success\", \"response\": \
        {\"act\": \"railgun_conn_stats\", \"stats\": {\"bytes_saved\": 1024, \"enabled\": true}, \
        \"samples\": [{\"hour_id\": \"1\", \"at\": \"2012-11-06 13:00:00-08\"}]}}\n```\n\n</div>\n</details>\n";
    let docs = docs_with(&[(PARTNER_CONNECTIONS, "", section)]);
    let outcome = settle(&spec_text(), &docs);
    assert_eq!(outcome.changes, ["partner conn_get_stats: added the endpoint"]);
    let expanded = expansion(&outcome.text);
    let method = method_in(&expanded, "partner", "conn_get_stats").unwrap();
    assert!(method.contains("zone: &str,") && method.contains("window: ::std::option::Option<&str>,"), "{method}");
    let body = method_with_body(&expanded, "partner", "conn_get_stats").unwrap();
    assert!(body.contains("::railgun_runtime::__private::DomainName(zone)"), "{body}");
    assert!(method.contains("super::types::PartnerConnGetStatsResponse"), "{method}");
    assert!(expanded.contains("pub samples: ::std::vec::Vec<Samples>,"));
    assert!(expanded.contains("pub bytes_saved: u64,") && expanded.contains("pub hour_id: u64,"));
    // Whether it is safe to repeat is for a person to say; until then it is not.
    assert!(
        outcome.text.contains(
            "    idempotent: false  # not known to be safe to repeat (recorded by cargo xtask regen; review)\n"
        ),
        "{}",
        outcome.text
    );
}

#[test]
fn errors_exit_2_and_leave_the_spec_alone() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("railgun.yaml");
    std::fs::write(&spec, spec_text()).unwrap();
    let run = xtask(&[&"regen", &"--docs", &"/nonexistent/docs", &"--spec", &spec]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: docs directory /nonexistent/docs does not exist or is not a directory\n");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), spec_text());

    // And through the binary, a successful run writes the file.
    std::fs::write(&spec, without_endpoint(&spec_text(), "client", "conn_delete")).unwrap();
    let run = xtask(&[&"regen", &"--spec", &spec]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.starts_with("changed: client conn_delete: added the endpoint\n"));
    assert!(std::fs::read_to_string(&spec).unwrap().contains("  - action: conn_delete\n    family: client\n"));
}

const REASON: &str = "Seen in the wild (partners' scripts call it); Cloudflare's pages never listed it.";

/// The spec with a local partner action, marked `undocumented` or not.
fn with_local_endpoint(marked: bool) -> String {
    let text = spec_text();
    let at = text.find("  - action: ipr_set\n    family: partner\n").unwrap();
    let marker = if marked { format!("    undocumented: {REASON}\n") } else { String::new() };
    let block = format!(
        "  - action: conn_local_cleanup\n    family: partner\n    methods: [POST]\n    act: railgun_conn_local_cleanup\n    \
         summary: Remove the connections of several domains at once.\n    \
         docs: optimized-partner-api/enable-and-disable-connections/#post-conn_delete\n{marker}    params:\n      \
         - name: z\n        rust: zones\n        type: string\n        doc: Domain names, comma-separated.\n    \
         response: RailgunIdResponse\n    idempotent: false\n\n"
    );
    format!("{}{block}{}", &text[..at], &text[at..])
}

/// How many endpoints of the spec `text` are marked `undocumented`.
fn undocumented_in(text: &str) -> usize {
    let spec = railgun_spec::parse(text, "spec.yaml").unwrap();
    spec.api().endpoints.iter().filter(|e| e.undocumented.is_some()).count()
}

fn xtask_on(args: &[&str], spec: &Path) -> (i32, String, String) {
    let mut all: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
    all.extend::<[&dyn AsRef<std::ffi::OsStr>; 2]>([&"--spec", &spec]);
    let run = xtask(&all);
    (run.code, run.stdout, run.stderr)
}

#[test]
fn an_endpoint_marked_undocumented_is_kept_and_listed() {
    let local = with_local_endpoint(true);
    let outcome = settle(&local, &vendored());
    assert_eq!(outcome.changes, Vec::<String>::new());
    assert_eq!(outcome.text, local);
    // The spec's own undocumented endpoints are kept too.
    let local_kept: Vec<_> = outcome.kept.iter().filter(|(_, action, _)| action == "conn_local_cleanup").collect();
    assert_eq!(local_kept, [&("partner".to_owned(), "conn_local_cleanup".to_owned(), REASON.to_owned())]);
    assert_eq!(outcome.kept.len(), undocumented_in(&spec_text()) + 1);
    assert!(method_in(&expansion(&local), "partner", "conn_local_cleanup").unwrap().contains("zones: &str"));

    // Through the binary: regen says it kept it and writes nothing; check
    // passes and lists it as a note.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("railgun.yaml");
    std::fs::write(&spec, &local).unwrap();
    let (code, stdout, _) = xtask_on(&["regen"], &spec);
    assert_eq!(code, 0, "{stdout}");
    let kept = format!("kept: partner conn_local_cleanup: not in the docs, marked undocumented: {REASON}\n");
    assert!(stdout.contains(&kept), "{stdout}");
    let count = undocumented_in(&spec_text()) + 1;
    assert!(stdout.ends_with(&format!("kept {count} undocumented endpoint(s), 0 finding(s) left\n")), "{stdout}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), local);
    let (code, stdout, _) = xtask_on(&["check"], &spec);
    assert_eq!((code, stdout.lines().count()), (0, 1), "{stdout}");
    let (_, verbose, _) = xtask_on(&["check", "--verbose"], &spec);
    assert!(
        verbose.contains(&format!(
            "\nnote: partner conn_local_cleanup: not in the docs on purpose (undocumented): {REASON}\n"
        )),
        "{verbose}"
    );

    // Unmarked, the same endpoint is a finding that says how to keep it,
    // and regen removes it, saying so.
    let (code, stdout, _) = {
        std::fs::write(&spec, with_local_endpoint(false)).unwrap();
        xtask_on(&["check"], &spec)
    };
    assert_eq!(code, 1);
    assert_eq!(
        stdout.lines().next().unwrap(),
        "partner conn_local_cleanup: action in spec but not documented (mark it `undocumented: <why>` if that is deliberate)"
    );
    let outcome = settle(&with_local_endpoint(false), &vendored());
    assert_eq!(outcome.changes, ["partner conn_local_cleanup: removed the endpoint the docs no longer have"]);
    assert_eq!(outcome.text, spec_text());
}

#[test]
fn a_marker_on_a_documented_endpoint_is_a_finding_regen_removes() {
    let text = spec_text();
    let at = text.find("    docs: optimized-partner-api/enable-and-disable-connections/#post-conn_delete\n").unwrap();
    let marked = format!("{}    undocumented: >\n      Thought to be gone.\n{}", &text[..at], &text[at..]);
    let spec = railgun_spec::parse(&marked, "spec.yaml").unwrap();
    let report = xtask::docs::check::check(&spec, &vendored());
    let found: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "partner conn_delete: marked `undocumented`, but optimized-partner-api/enable-and-disable-connections.md documents it now"
        ]
    );
    let outcome = settle(&marked, &vendored());
    assert_eq!(
        outcome.changes,
        ["partner conn_delete: removed the `undocumented` marker: the docs have the endpoint now"]
    );
    assert_eq!(outcome.text, text);
}

#[test]
fn a_dry_run_prints_the_change_as_a_diff_and_writes_nothing() {
    let text = spec_text();
    let (lacking, restored) = without_partner_mode(&text);
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("railgun.yaml");
    std::fs::write(&spec, &lacking).unwrap();
    let (code, stdout, stderr) = xtask_on(&["regen", "--dry-run"], &spec);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(std::fs::read(&spec).unwrap(), lacking.as_bytes(), "the spec is left byte for byte");
    let name = spec.display().to_string();
    assert!(stdout.starts_with(&format!("--- a/{name}\n+++ b/{name}\n@@ ")), "{stdout}");
    let added: Vec<&str> = stdout.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    assert_eq!(added, restored.lines().map(|l| format!("+{l}")).collect::<Vec<_>>());
    assert!(stdout.lines().all(|l| !l.starts_with('-') || l.starts_with("---")), "nothing removed: {stdout}");
    let kept = undocumented_in(&text);
    let tail: Vec<&str> = stdout.lines().skip_while(|l| !l.starts_with("changed: ")).collect();
    assert_eq!(tail[0], "changed: partner conn_set: added parameter mode", "{stdout}");
    assert!(tail[1..tail.len() - 1].iter().all(|l| l.starts_with("kept: ")), "{stdout}");
    assert_eq!(
        tail[tail.len() - 1],
        format!(
            "regen: would make 1 change(s) to {name} (dry run: nothing written), kept {kept} undocumented \
             endpoint(s), 0 finding(s) left"
        )
    );

    // Without --dry-run the same run writes what the diff showed.
    let (code, _, _) = xtask_on(&["regen"], &spec);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), text);
    let (code, stdout, _) = xtask_on(&["regen", "--dry-run"], &spec);
    assert_eq!(code, 0);
    // No diff when nothing changes: the kept endpoints, then the summary.
    let (last, before) =
        stdout.trim_end().lines().collect::<Vec<_>>().split_last().map(|(l, b)| (*l, b.to_vec())).unwrap();
    assert!(last.starts_with("regen: would make 0 change(s)"), "{stdout}");
    assert!(before.iter().all(|l| l.starts_with("kept: ")), "{stdout}");
}
