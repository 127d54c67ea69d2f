//! The reader on every layout the upstream pages have used: real older
//! revisions (kept byte for byte in `tests/fixtures/upstream/`, see its
//! SOURCES.txt) give the facts today's pages give, a true difference in one
//! is still reported by name, and a page the reader cannot make sense of is
//! a "could not read" finding with its file and line.

use std::collections::BTreeMap;
use std::path::Path;

use xtask::docs::facts::{DocFacts, EndpointFacts, add_source};

use crate::support::{Run, copy_docs, root, spec};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("xtask/tests/fixtures/upstream").join(name)).unwrap()
}

fn vendored(page: &str) -> String {
    std::fs::read_to_string(root().join("spec/docs").join(page)).unwrap()
}

/// The facts of one page, read as `file` (its extension picks the form).
fn facts_of(family: &str, file: &str, page: &str) -> DocFacts {
    let mut facts = DocFacts::default();
    add_source(&mut facts, family, file, page);
    facts
}

/// An endpoint's facts without what depends on the layout: line numbers.
#[derive(Debug, PartialEq)]
struct Content {
    description: String,
    methods: Vec<String>,
    params: Vec<(String, String)>,
    example_params: Vec<String>,
    template_params: Vec<String>,
    response: Option<serde_json::Value>,
    act: Option<String>,
}

fn content(facts: &DocFacts) -> BTreeMap<String, Content> {
    let of = |e: &EndpointFacts| Content {
        description: e.description.clone(),
        methods: e.methods.keys().cloned().collect(),
        params: e.params.iter().map(|p| (p.name.clone(), p.description.clone())).collect(),
        example_params: e.example_params.iter().cloned().collect(),
        template_params: e.template_params.iter().cloned().collect(),
        response: e.response.clone(),
        act: e.act.clone(),
    };
    facts.endpoints.iter().map(|((family, action), e)| (format!("{family} {action}"), of(e))).collect()
}

const OLDEST: &str = "client-conections-enabling-disabling.fea68a81.md";
const HEADED: &str = "client-conections-enabling-disabling.1cf0365c.md";
const CLIENT_PAGE: &str = "client-api/enable-and-disable-connections.md";

#[test]
fn the_oldest_layout_is_read_endpoint_by_endpoint() {
    // Path paragraphs instead of headings, `## Form Parameters:`.
    let facts = facts_of("client", CLIENT_PAGE, &fixture(OLDEST));
    assert_eq!(facts.unreadable, []);
    let read = content(&facts);
    assert_eq!(
        read.keys().collect::<Vec<_>>(),
        ["client conn_delete", "client conn_set", "client conn_setmode_disabled", "client conn_setmode_enabled"]
    );
    let conn_set = &read["client conn_set"];
    assert_eq!(conn_set.description, "Establish a connection between a domain and a Railgun");
    assert_eq!(conn_set.methods, ["GET", "POST"]);
    // `* rtkn** –` (broken markup upstream) still names rtkn.
    let names: Vec<&str> = conn_set.params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["email", "tkn", "z", "rtkn", "mode"]);
    assert_eq!(conn_set.template_params, ["email", "mode", "rtkn", "tkn", "z"]);
    assert_eq!(conn_set.act.as_deref(), Some("railgun_conn_set"));
    let endpoint = &facts.endpoints[&("client".to_owned(), "conn_set".to_owned())];
    assert_eq!(endpoint.methods.iter().collect::<Vec<_>>(), [(&"GET".to_owned(), &53), (&"POST".to_owned(), &10)]);
}

#[test]
fn two_layouts_of_the_same_content_give_equal_facts() {
    let oldest = facts_of("client", CLIENT_PAGE, &fixture(OLDEST));
    let headed = facts_of("client", CLIENT_PAGE, &fixture(HEADED));
    assert_eq!(headed.unreadable, []);
    assert_eq!(content(&oldest), content(&headed));
    assert_eq!(oldest.warnings.len(), headed.warnings.len());

    // Today's page, with pre-rendered blocks: the same examples and answers.
    let today = content(&facts_of("client", CLIENT_PAGE, &vendored(CLIENT_PAGE)));
    for (key, old) in content(&oldest) {
        let now = &today[&key];
        assert_eq!((&old.methods, &old.act, &old.response), (&now.methods, &now.act, &now.response), "{key}");
        assert_eq!(old.example_params, now.example_params, "{key}");
    }
}

#[test]
fn the_old_partner_page_gives_todays_facts() {
    let old = facts_of(
        "partner",
        "optimized-partner-api/manage-railguns.md",
        &fixture("partner-creation-activation-deletion.fea68a81.md"),
    );
    assert_eq!(old.unreadable, []);
    let today = content(&facts_of(
        "partner",
        "optimized-partner-api/manage-railguns.md",
        &vendored("optimized-partner-api/manage-railguns.md"),
    ));
    let old = content(&old);
    assert_eq!(old.keys().collect::<Vec<_>>(), ["partner delete", "partner init"]);
    for (key, old) in old {
        let now = &today[&key];
        assert_eq!((&old.methods, &old.params, &old.act), (&now.methods, &now.params, &now.act), "{key}");
        assert_eq!(old.response, now.response, "{key}");
    }
}

fn xtask(args: &[&str], docs: &Path) -> Run {
    let mut all: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
    let spec = spec();
    all.extend::<[&dyn AsRef<std::ffi::OsStr>; 4]>([&"--docs", &docs, &"--spec", &spec]);
    crate::support::xtask(&all)
}

/// A copy of the vendored docs with `page` replaced by `text`.
fn docs_with_page(page: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_docs(dir.path());
    std::fs::write(dir.path().join(page), text).unwrap();
    dir
}

fn lines_before_summary(run: &Run) -> Vec<&str> {
    run.stdout.lines().take_while(|l| !l.starts_with("check: ")).collect()
}

#[test]
fn old_revisions_pass_check_but_for_their_misspelt_credential() {
    // Both revisions list `emai` for POST conn_delete: a real difference,
    // reported by name; nothing else differs from the spec.
    for revision in [OLDEST, HEADED] {
        let docs = docs_with_page(CLIENT_PAGE, &fixture(revision));
        let run = xtask(&["check"], docs.path());
        assert_eq!(run.code, 1, "{revision}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            lines_before_summary(&run),
            [
                "client conn_delete: the docs list credentials tkn, the spec's family sends email, tkn",
                "client conn_delete: parameter emai documented but missing from spec",
            ],
            "{revision}"
        );
    }
    let fixed = fixture(OLDEST).replace("* **emai** –", "* **email** –");
    let run = xtask(&["check"], docs_with_page(CLIENT_PAGE, &fixed).path());
    assert_eq!(run.code, 0, "{}", run.stdout);

    let partner = "optimized-partner-api/manage-railguns.md";
    let run =
        xtask(&["check"], docs_with_page(partner, &fixture("partner-creation-activation-deletion.fea68a81.md")).path());
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_pre_rendered_block_after_text_in_its_paragraph_is_read() {
    // Today's page with the status lines written before the block, in one
    // paragraph with it (no upstream revision of this layout is reachable
    // here; it is made from the vendored page).
    let page = "optimized-partner-api/railguns-via-ip-ranges.md";
    let today = vendored(page);
    let marker = "<summary>Example response</summary>\n<div>\n{{<raw>}}";
    assert!(today.contains(marker));
    let moved = today.replacen(
        marker,
        "<summary>Example response</summary>\n<div>\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n{{<raw>}}",
        1,
    );
    let before = content(&facts_of("partner", page, &today));
    let after = facts_of("partner", page, &moved);
    assert_eq!(after.unreadable, []);
    assert_eq!(content(&after), before);
    assert_eq!(before["partner ipr_set"].act.as_deref(), Some("railgun_ipr_set"));
    let run = xtask(&["check"], docs_with_page(page, &moved).path());
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn headings_of_any_level_case_and_colon_in_the_plain_text_form() {
    let page = "client-api/enable-and-disable-connections.txt";
    let today = vendored(page);
    let relabelled = today
        .replace(" Form parameters\n", " Form Parameters:\n")
        .replace(" Query parameters\n", "Query Parameters:\n")
        .replace("Example response\n", "Example response:\n");
    assert_ne!(relabelled, today);
    // The oldest layout: no heading, the path line alone starts the section.
    let unheaded: String = relabelled
        .lines()
        .filter(|l| !(l.starts_with(" POST ") || l.starts_with(" GET ")))
        .map(|l| format!("{l}\n"))
        .collect();
    let before = facts_of("client", page, &today);
    for variant in [&relabelled, &unheaded] {
        let after = facts_of("client", page, variant);
        assert_eq!(after.unreadable, []);
        assert_eq!(content(&after), content(&before));
    }
}

#[test]
fn a_page_the_reader_cannot_follow_is_a_could_not_read_finding() {
    let page = "optimized-partner-api/enable-and-disable-connections.md";
    let today = vendored(page);
    // A heading and a path line the reader does not know: the section is
    // gone, but its example request still names it.
    let intro = "## POST conn_set\n\n`POST /api/v2/railgun/conn_set`\n";
    let mangled = today.replacen(intro, "## POST → conn_set\n\n`POST → /api/v2/railgun/conn_set`\n", 1);
    let line = mangled.lines().position(|l| l == "POST /api/v2/railgun/conn_set HTTP/1.1").unwrap() + 1;
    let docs = docs_with_page(page, &mangled);
    let run = xtask(&["check"], docs.path());
    assert_eq!(run.code, 1);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "could not read {page}:{line}: the page names POST conn_set, but no section documenting it could be read"
        )
    );

    // A parameter list under a heading it cannot place.
    let fields = today.replacen("### Form parameters\n", "### Fields\n", 1);
    let facts = facts_of("partner", page, &fields);
    let found: Vec<String> = facts.unreadable.iter().map(|w| w.to_string()).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!("{page}:")) && found[0].ends_with(": no parameter list could be read"),
        "{found:?}"
    );

    // A page whose every section is lost says so, with a line each.
    let flattened = today
        .replace("## POST ", "## Post ")
        .replace("## GET ", "## Get ")
        .replace("`POST /", "`Post /")
        .replace("`GET /", "`Get /");
    let facts = facts_of("partner", page, &flattened);
    assert!(facts.endpoints.is_empty());
    assert_eq!(facts.unreadable.len(), 10, "{:#?}", facts.unreadable);
    assert!(facts.unreadable.iter().all(|w| w.file == page && w.line > 0));

    // regen refuses to rewrite the spec from such docs.
    let run = xtask(&["regen", "--dry-run"], docs.path());
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .starts_with("error: the docs could not be read in full, so the spec is left as it is:\ncould not read "),
        "{}",
        run.stderr
    );
}
