//! `cargo xtask check` as a maintainer runs it: passes on the vendored docs,
//! fails with a line naming exactly what changed when a copy of the docs is
//! altered, and refuses a docs folder it cannot read.

use std::path::Path;

use crate::support::{Run, copy_docs, root, spec, xtask};

fn check(docs: &Path, spec: &Path) -> Run {
    xtask(&[&"check", &"--docs", &docs, &"--spec", &spec])
}

/// The lines that fail the check: neither accepted, note, warning nor summary.
fn findings(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| !["accepted: ", "note: ", "warning: ", "check: "].iter().any(|p| l.starts_with(p)))
        .collect()
}

/// A copy of the vendored docs with `from` replaced by `to` (once, and it
/// must be there) in `page`.
fn docs_with(page: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_docs(dir.path());
    let path = dir.path().join(page);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} is not in {page}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

/// The counts of a summary line: findings, accepted deviations, notes,
/// doc warnings.
fn counts(summary: &str) -> [usize; 4] {
    let numbers: Vec<usize> =
        summary.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| n.parse().unwrap()).collect();
    numbers[..4].try_into().unwrap_or_else(|_| panic!("not a summary line: {summary}"))
}

#[test]
fn the_vendored_docs_agree_with_the_spec() {
    let run = check(&root().join("spec/docs"), &spec());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let summary = run.stdout.trim_end();
    assert!(summary.starts_with("check: 0 finding(s); ") && summary.ends_with(" (--verbose lists them)"), "{summary}");
    // Every endpoint the spec marks undocumented is a note.
    let text = std::fs::read_to_string(spec()).unwrap();
    let parsed = railgun_spec::parse(&text, "railgun.yaml").unwrap();
    let undocumented = parsed.api().endpoints.iter().filter(|e| e.undocumented.is_some()).count();
    assert!(counts(summary)[2] >= undocumented, "{summary}");
}

#[test]
fn a_renamed_parameter_is_found() {
    let docs = docs_with(
        "optimized-partner-api/enable-and-disable-connections.md",
        "* **auto_enabled** – Railgun operation mode",
        "* **auto_enable** – Railgun operation mode",
    );
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [
            "partner suggestion_set: parameter auto_enable documented but missing from spec",
            "partner suggestion_set: parameter auto_enabled in spec but not in the docs' parameter list",
        ]
    );
}

#[test]
fn a_dropped_section_is_found() {
    let page = "client-api/manage-railguns.md";
    let text = std::fs::read_to_string(root().join("spec/docs").join(page)).unwrap();
    let start = text.find("## POST delete").unwrap();
    let docs = docs_with(page, &text[start..], "");
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        ["client delete: action in spec but not documented (mark it `undocumented: <why>` if that is deliberate)"]
    );
}

#[test]
fn an_added_response_field_is_found() {
    let docs = docs_with(
        "optimized-partner-api/enable-and-disable-connections.md",
        r#""railgun_conn_id": "1","#,
        r#""railgun_conn_id": "1", "railgun_conn_status": "V","#,
    );
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        ["partner conn_set: response field railgun_conn_status documented but missing from spec"]
    );
}

#[test]
fn a_field_of_another_json_type_is_found() {
    let docs = docs_with("client-api/list-railgun-details.md", r#""count": 5,"#, r#""count": [5],"#);
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [
            "client user_get_all: response field railguns.count is a array in the docs but integer (string or number) in the spec"
        ]
    );
}

#[test]
fn a_changed_act_is_found() {
    // The HTML-rendered page: the act is inside entity-encoded spans.
    let docs = docs_with(
        "optimized-partner-api/railguns-via-ip-ranges.md",
        "&quot;railgun_ipr_set&quot;",
        "&quot;railgun_ipr_update&quot;",
    );
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        ["partner ipr_set: act railgun_ipr_update documented, the spec expects railgun_ipr_set"]
    );
}

#[test]
fn a_removed_method_is_found() {
    let page = "optimized-partner-api/list-railgun-details.md";
    let text = std::fs::read_to_string(root().join("spec/docs").join(page)).unwrap();
    let start = text.find("## GET host\\_get\\_all").unwrap();
    let end = text.find("## POST zone\\_conn\\_get\\_active").unwrap();
    let docs = docs_with(page, &text[start..end], "");
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(findings(&run), ["partner host_get_all: method GET in spec but not documented"]);
}

#[test]
fn the_plain_text_form_is_checked_too() {
    // Without its Markdown twin, the .txt page is read.
    let docs = docs_with(
        "client-api/enable-and-disable-connections.txt",
        "\"act\": \"railgun_conn_delete\"",
        "\"act\": \"railgun_conn_remove\"",
    );
    std::fs::remove_file(docs.path().join("client-api/enable-and-disable-connections.md")).unwrap();
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        ["client conn_delete: act railgun_conn_remove documented, the spec expects railgun_conn_delete"]
    );
}

#[test]
fn a_missing_docs_folder_is_an_error_with_exit_2() {
    let run = check(Path::new("/nonexistent/docs"), &spec());
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: docs directory /nonexistent/docs does not exist or is not a directory\n");
    let empty = tempfile::tempdir().unwrap();
    let run = check(empty.path(), &spec());
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot read ") && run.stderr.contains("client-api"), "{}", run.stderr);
}

#[test]
fn an_unreadable_spec_is_an_error_with_exit_2() {
    let run = check(&root().join("spec/docs"), Path::new("/nonexistent/railgun.yaml"));
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot read /nonexistent/railgun.yaml"), "{}", run.stderr);
}

#[test]
fn findings_come_first_then_a_summary_and_the_rest_behind_verbose() {
    let docs = docs_with(
        "optimized-partner-api/list-railgun-details.md",
        "\"act\": \"railgun_host_get_all\"",
        "\"act\": \"railgun_host_list\"",
    );
    let run = check(docs.path(), &spec());
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(
        lines[0],
        "partner host_get_all: act railgun_host_list documented, the spec expects railgun_host_get_all"
    );
    let [findings, accepted, notes, warnings] = counts(lines[1]);
    assert_eq!(findings, 1);
    assert!(lines[1].starts_with("check: 1 finding(s); ") && lines[1].ends_with(" (--verbose lists them)"));
    // --verbose: the same two lines, then every accepted deviation, note
    // and doc warning the summary counted, in that order.
    let verbose = xtask(&[&"check", &"--verbose", &"--docs", &docs.path(), &"--spec", &spec()]).stdout;
    let lines: Vec<&str> = verbose.lines().collect();
    assert_eq!(lines[0], run.stdout.lines().next().unwrap());
    assert_eq!(lines[1], run.stdout.lines().nth(1).unwrap().trim_end_matches(" (--verbose lists them)"));
    assert_eq!(lines.len(), 2 + accepted + notes + warnings, "{verbose}");
    assert!(verbose.contains(
        "\naccepted: partner ipr_set: the docs list credentials none, the spec's family sends host_key (deviation: "
    ));
    let kinds: Vec<&str> = lines[2..].iter().map(|l| l.split(':').next().unwrap()).collect();
    let expected: Vec<&str> = [("accepted", accepted), ("note", notes), ("warning", warnings)]
        .iter()
        .flat_map(|(kind, n)| std::iter::repeat_n(*kind, *n))
        .collect();
    assert_eq!(kinds, expected, "{verbose}");
}
