//! `railgun` as a process against the emulator: single calls of both
//! families, exit statuses, secrets kept off the command line and out of
//! errors, and fleet runs (10,000 zones under faults, dry runs, a run killed
//! halfway and resumed from its journal).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use railgun_emulator::{Config, Emulator, Fault, Faults};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const EMAIL: &str = "user@cloudflare.com";
const TKN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";

/// `railgun ARGS` against `emu`, with the docs' credentials in the
/// environment and nothing from the user's own (no `HOME`: no config file).
fn railgun(emu: &Emulator, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
    command
        .args(args)
        .env_clear()
        .env("RAILGUN_BASE_URL", emu.base_url())
        .env("RAILGUN_HOST_KEY", HOST_KEY)
        .env("RAILGUN_EMAIL", EMAIL)
        .env("RAILGUN_TKN", TKN)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn run(mut command: Command) -> Output {
    command.output().await.unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn emulator(faults: Faults) -> Emulator {
    let config = Config::docs_examples().seed(2028).faults(faults);
    Emulator::start(config, "127.0.0.1:0").await.unwrap()
}

/// A Railgun made and activated through the command line: its id and token.
async fn make_railgun(emu: &Emulator) -> (u64, String) {
    let made = stdout_json(&run(railgun(emu, &["partner", "init", "--name", "fleet"])).await);
    let rtkn = made["rtkn"].as_str().unwrap().to_owned();
    let mut activate = railgun(emu, &["activate"]);
    activate.env("RAILGUN_RTKN", &rtkn);
    let activated = stdout_json(&run(activate).await);
    assert_eq!(
        (&activated["railgun_id"], &activated["railgun_status"]),
        (&made["railgun_id"], &Value::from("verified"))
    );
    (made["railgun_id"].as_u64().unwrap(), rtkn)
}

#[tokio::test]
async fn single_calls_of_both_families_print_typed_answers() {
    let emu = emulator(Faults::default()).await;
    let made = stdout_json(&run(railgun(&emu, &["partner", "init", "--name", "cli", "--pubname", "My Railgun"])).await);
    assert_eq!(made["railgun_id"], 1, "ids are numbers: {made}");
    assert_eq!((made["railgun_name"].as_str(), made["railgun_status"].as_str()), (Some("cli"), Some("initializing")));
    let rtkn = made["rtkn"].as_str().unwrap().to_owned();
    assert_eq!(rtkn.len(), 30, "init prints the token it was called for");

    let mut activate = railgun(&emu, &["activate"]);
    activate.env("RAILGUN_RTKN", &rtkn);
    stdout_json(&run(activate).await);

    let mut conn_set = railgun(&emu, &["partner", "conn-set", "--zone", "example.com", "--mode", "active"]);
    conn_set.env("RAILGUN_RTKN", &rtkn);
    let conn = stdout_json(&run(conn_set).await);
    assert_eq!(conn["railgun_conn_id"], 1);
    assert!(conn["railgun_rec_name"].as_str().unwrap().ends_with(".port2408.net"), "{conn}");
    assert_eq!(emu.snapshot().connections["example.com"], (1, true));

    // The wire name works as an alias, GET as well as POST, and flags come back as booleans.
    let active = stdout_json(
        &run(railgun(&emu, &["partner", "zone-conn-get-active", "--z", "example.com", "--method", "get"])).await,
    );
    assert_eq!(
        active,
        serde_json::json!({"railgun_conn": {"obj": {
            "railgun_conn_id": 1, "railgun_id": 1, "railgun_conn_status": "verified",
            "railgun_conn_mode": "active", "railgun_enabled": true,
        }}})
    );

    let table = run(railgun(&emu, &["partner", "host-get-all", "--output", "table"])).await;
    let text = String::from_utf8(table.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("railguns.count  1"));
    assert_eq!(lines.next(), Some("railguns.objs: 1 row"));
    // Columns in name order, one row per Railgun; a nested object's
    // members are columns of their own.
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header.len(), 21, "{text}");
    assert_eq!(header[2..5], ["props.build", "props.number", "props.revision"], "{text}");
    let row: Vec<&str> = lines.next().unwrap().split("  ").filter(|c| !c.is_empty()).map(str::trim).collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (cell("railgun_id"), cell("railgun_name"), cell("railgun_pubname")),
        ("1", "cli", "My Railgun"),
        "{text}"
    );
    assert_eq!((cell("railgun_status"), cell("railgun_mode"), cell("railgun_deleted_on")), ("verified", "active", "-"));
    assert_eq!(cell("props.number"), "2.6.0", "{text}");
    assert_eq!(lines.next(), None);

    // The Client API, with its own credentials.
    let mine = stdout_json(&run(railgun(&emu, &["client", "init", "--name", "mine", "--pubname", "Mine"])).await);
    assert_eq!(mine["railgun_id"], 2);
    let listed = stdout_json(&run(railgun(&emu, &["client", "user-get-all"])).await);
    let names: Vec<&str> =
        listed["railguns"]["objs"].as_array().unwrap().iter().map(|r| r["railgun_name"].as_str().unwrap()).collect();
    assert_eq!((names, &listed["railguns"]["count"]), (vec!["mine"], &Value::from(1)));

    // IP ranges are checked against the spec's bounds before anything is sent.
    let mut ipr = railgun(&emu, &["partner", "ipr-set", "--ipr", "203.0.0.0/8,be81::2c3:b44f:fe1e:8329/112"]);
    ipr.env("RAILGUN_RTKN", &rtkn);
    stdout_json(&run(ipr).await);
    assert_eq!(emu.snapshot().ranges[&1], ["203.0.0.0/8", "be81::2c3:b44f:fe1e:8329/112"]);
    let hits = emu.hits("ipr_set");
    let mut ipr = railgun(&emu, &["partner", "ipr-set", "--ipr", "10.0.0.0/7"]);
    ipr.env("RAILGUN_RTKN", &rtkn);
    let refused = run(ipr).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("invalid IP range '10.0.0.0/7': IPv4 netmasks must be between 8 and 32 bits"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(emu.hits("ipr_set"), hits);
}

#[tokio::test]
async fn exit_statuses_and_messages() {
    let emu = emulator(Faults::default()).await;
    // Usage errors: 2, before anything is sent.
    let missing = run(railgun(&emu, &["partner", "conn-set", "--mode", "active"])).await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("the following required arguments were not provided:\n  --zone <DOMAIN>"));
    let mut bad_zone = railgun(&emu, &["partner", "conn-set", "--zone", "bad zone", "--mode", "active"]);
    bad_zone.env("RAILGUN_RTKN", "0123456789abcdef0123456789abcd");
    let bad_zone = run(bad_zone).await;
    assert_eq!(bad_zone.status.code(), Some(2));
    assert!(
        stderr(&bad_zone).starts_with(
            "error: invalid value 'bad zone' for '--zone <DOMAIN>': must be a domain name: two or more \
             dot-separated labels of letters, digits and inner hyphens\n"
        ),
        "{}",
        stderr(&bad_zone)
    );
    let no_token = run(railgun(&emu, &["partner", "conn-set", "--zone", "example.com", "--mode", "1"])).await;
    assert_eq!(no_token.status.code(), Some(2));
    assert_eq!(
        stderr(&no_token),
        "error: rtkn is needed: set RAILGUN_RTKN or a config file's `rtkn` (never on the command line, where every \
         user of this machine can read it)\n"
    );
    let mut no_key = railgun(&emu, &["partner", "host-get-all"]);
    no_key.env_remove("RAILGUN_HOST_KEY");
    let no_key = run(no_key).await;
    assert_eq!(no_key.status.code(), Some(2));
    assert!(stderr(&no_key).starts_with("error: host_key is needed: set RAILGUN_HOST_KEY"));
    assert_eq!(emu.hits("conn_set") + emu.hits("host_get_all"), 0);
    // The emulator's own action is not sent to the real service.
    let mut nowhere = railgun(&emu, &["activate"]);
    nowhere.env_remove("RAILGUN_BASE_URL").env("RAILGUN_RTKN", "0123456789abcdef0123456789abcd");
    let nowhere = run(nowhere).await;
    assert_eq!(nowhere.status.code(), Some(2));
    assert_eq!(
        stderr(&nowhere),
        "error: activate is an action of railgun-emulator only: point --base-url, $RAILGUN_BASE_URL or the config \
         file's base_url at the emulator's v2 URL (it prints it: `railgun-emulator listening on …`)\n"
    );

    // A refusal by the service: 1, with its message.
    let mut unknown = railgun(&emu, &["partner", "conn-delete", "--zone", "example.com"]);
    unknown.env("RAILGUN_RTKN", "0123456789abcdef0123456789abcd");
    let unknown = run(unknown).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        stderr(&unknown),
        "error: conn_delete: the service refused the call (err_code E_UNKNOWN_RTKN): no Railgun has this rtkn\n"
    );
}

#[tokio::test]
async fn a_call_not_safe_to_repeat_that_may_have_taken_effect_says_so() {
    // Every answer is lost after the call took effect.
    let emu = emulator(Faults { applied_truncated: 1.0, ..Faults::default() }).await;
    let init = run(railgun(&emu, &["partner", "init", "--name", "edge-9", "--attempts", "3"])).await;
    assert_eq!(init.status.code(), Some(1));
    let text = stderr(&init);
    assert!(text.starts_with("error: init: the answer (HTTP 200 OK) is cut short: "), "{text}");
    assert!(
        text.ends_with(
            "\nnote: railgun partner init is not safe to repeat and may have taken effect before it failed, so it \
             was not sent again. Check the state before running it again.\n"
        ),
        "{text}"
    );
    // Sent once, and it did take effect: one Railgun of that name.
    assert_eq!(emu.hits("init"), 1);
    assert_eq!(emu.snapshot().names.values().filter(|name| *name == "edge-9").count(), 1);

    // A call safe to repeat is tried again, and needs no note.
    let list = run(railgun(&emu, &["partner", "host-get-all", "--attempts", "3"])).await;
    assert_eq!(list.status.code(), Some(1));
    assert!(stderr(&list).starts_with("error: host_get_all: the answer (HTTP 200 OK) is cut short: "));
    assert!(!stderr(&list).contains("note:"), "{}", stderr(&list));
    assert_eq!(emu.hits("host_get_all"), 3);

    // A call that certainly did not take effect (429) is tried again too.
    let emu = emulator(Faults { rate_limited: 1.0, retry_after_s: 0, ..Faults::default() }).await;
    let init = run(railgun(&emu, &["partner", "init", "--name", "edge-9", "--attempts", "3"])).await;
    assert_eq!(init.status.code(), Some(1));
    assert!(stderr(&init).starts_with("error: init: HTTP 429 Too Many Requests"), "{}", stderr(&init));
    assert!(!stderr(&init).contains("note:"), "{}", stderr(&init));
    assert_eq!(emu.hits("init"), 3);
    assert!(emu.snapshot().names.is_empty());
}

/// `railgun` with v4 credentials only (`email` and `key`, or a token when
/// `token` is given), its v4 base URL pointed at `emu`.
fn railgun_v4(emu: &Emulator, token: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
    command.args(args).env_clear().env("RAILGUN_V4_BASE_URL", emu.base_url_v4()).stdin(Stdio::null());
    match token {
        Some(token) => command.env("RAILGUN_API_TOKEN", token),
        None => command.env("RAILGUN_API_EMAIL", EMAIL).env("RAILGUN_API_KEY", V4_KEY),
    };
    command.kill_on_drop(true);
    command
}

/// The v4 key of the docs' user: its v2 `tkn`, with characters a careless
/// header writer mangles.
const V4_KEY: &str = "k3y/with+plus=and%25~";
const V4_TOKEN: &str = "t0ken.with-dots_and~tilde/slash+plus";

#[tokio::test]
async fn v4_operations_are_commands_too_on_the_same_railguns() {
    let config = Config::new().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN).zones(["example.com", "example.org"]);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let account = railgun_emulator::account_id(EMAIL);
    let (com, org) = (railgun_emulator::zone_id("example.com"), railgun_emulator::zone_id("example.org"));

    let made = stdout_json(&run(railgun_v4(&emu, None, &["cloudflare", "create-railgun", "--name", "edge"])).await);
    assert_eq!(
        (made["name"].as_str(), made["status"].as_str(), &made["enabled"]),
        (Some("edge"), Some("initializing"), &Value::Bool(false))
    );
    let id = made["id"].as_str().unwrap().to_owned();
    // The emulator's activation is a v2 action; the activation key is the rtkn.
    let mut activate = Command::new(env!("CARGO_BIN_EXE_railgun"));
    activate
        .args(["activate"])
        .env_clear()
        .env("RAILGUN_BASE_URL", emu.base_url())
        .env("RAILGUN_RTKN", made["activation_key"].as_str().unwrap());
    stdout_json(&run(activate).await);

    // Body flags go as JSON booleans, nested members as objects.
    let connected = stdout_json(
        &run(railgun_v4(
            &emu,
            None,
            &[
                "cloudflare",
                "connect-or-disconnect-zone-railgun",
                "--zone",
                &com,
                "--railgun",
                &id,
                "--connected",
                "true",
            ],
        ))
        .await,
    );
    assert_eq!(connected, serde_json::json!({"id": id, "name": "edge", "enabled": true, "connected": true}));
    let args = [
        "cloudflare",
        "create-connection",
        "--account",
        &account,
        "--railgun",
        &id,
        "--zone",
        &org,
        "--enabled",
        "false",
    ];
    let made_conn = stdout_json(&run(railgun_v4(&emu, Some(V4_TOKEN), &args)).await);
    assert_eq!((made_conn["zone"]["name"].as_str(), &made_conn["enabled"]), (Some("example.org"), &Value::Bool(false)));
    let snapshot = emu.snapshot();
    assert_eq!((snapshot.connections["example.com"], snapshot.connections["example.org"]), ((1, true), (1, false)));

    // One page, with its result_info; or every page as one list.
    let args =
        ["cloudflare", "list-connections", "--account", &account, "--railgun", &id, "--per-page", "1", "--page", "2"];
    let page = stdout_json(&run(railgun_v4(&emu, None, &args)).await);
    assert_eq!(page["info"], serde_json::json!({"page": 2, "per_page": 1, "count": 1, "total_count": 2}));
    assert_eq!(page["items"][0]["zone"]["name"], "example.org");
    let mut table = railgun_v4(&emu, None, &args);
    table.arg("--output=table");
    let table = String::from_utf8(run(table).await.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[..5],
        ["info.count        1", "info.page         2", "info.per_page     1", "info.total_count  2", "items: 1 row"],
        "{table}"
    );
    assert_eq!(lines.len(), 7, "{table}");
    let header: Vec<&str> = lines[5].split_whitespace().collect();
    let zone = header.iter().position(|h| *h == "zone.name").expect(&table);
    assert_eq!(lines[6].split_whitespace().nth(zone), Some("example.org"), "{table}");
    let args = ["cloudflare", "list-connections", "--account", &account, "--railgun", &id, "--per-page", "1", "--all"];
    let all = stdout_json(&run(railgun_v4(&emu, Some(V4_TOKEN), &args)).await);
    let zones: Vec<&str> = all.as_array().unwrap().iter().map(|c| c["zone"]["name"].as_str().unwrap()).collect();
    assert_eq!(zones, ["example.com", "example.org"]);
    assert_eq!(emu.hits("list_connections"), 2 + 2);

    // Outside the spec's bounds: 2, nothing sent.
    let args = ["cloudflare", "list-account-railguns", "--account", &account, "--per-page", "2"];
    let small = run(railgun_v4(&emu, None, &args)).await;
    assert_eq!(small.status.code(), Some(2));
    assert!(
        stderr(&small).starts_with("error: invalid value '2' for '--per-page <NUMBER>': must be between 5 and 50\n"),
        "{}",
        stderr(&small)
    );
    assert_eq!(emu.hits("list_account_railguns"), 0);
    let long = "\u{e9}".repeat(161);
    let long = run(railgun_v4(&emu, None, &["cloudflare", "create-railgun", "--name", &long])).await;
    assert_eq!(long.status.code(), Some(2));
    assert!(stderr(&long).contains("for '--name <TEXT>': must be at most 160 characters\n"), "{}", stderr(&long));
    assert_eq!(emu.snapshot().names.len(), 1, "only edge, made above");

    // Refusals: 1 with the typed error; no credentials: 2, nothing sent.
    let mut wrong = railgun_v4(&emu, None, &["cloudflare", "railgun-details", "--railgun", &id]);
    wrong.env("RAILGUN_API_KEY", "wrong-key-sentinel");
    let wrong = run(wrong).await;
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        stderr(&wrong),
        "error: railgun_details: the service refused the call (HTTP 403 Forbidden): 9103: Unknown X-Auth-Key or X-Auth-Email\n"
    );
    let mut none = railgun_v4(&emu, None, &["cloudflare", "railgun-details", "--railgun", &id]);
    none.env_remove("RAILGUN_API_KEY");
    let none = run(none).await;
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).starts_with(
            "error: cloudflare needs credentials: set RAILGUN_API_EMAIL and RAILGUN_API_KEY, or RAILGUN_API_TOKEN"
        ),
        "{}",
        stderr(&none)
    );
    assert_eq!(emu.hits("railgun_details"), 1);
}

#[tokio::test]
async fn tokens_from_files_and_never_in_errors() {
    let emu = emulator(Faults { html_page: 1.0, ..Faults::default() }).await;
    // A token of awkward characters, read from a file; the answer is an HTML page.
    let dir = temp_dir("token");
    let token = "tök\"en&=+ %2F<script>\\'\u{1F600}";
    std::fs::write(dir.join("rtkn"), format!("{token}\n")).unwrap();
    let file = dir.join("rtkn");
    let output = run(railgun(&emu, &["activate", "--rtkn-file", file.to_str().unwrap(), "--attempts", "1"])).await;
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.starts_with("error: activate: the answer (HTTP 200 OK) is an HTML page: <!DOCTYPE html>"), "{text}");
    for form in [token, "tök", "%2F<script>"] {
        assert!(!text.contains(form), "{form:?} in {text}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A server that answers every request `result: error`, with `status`,
/// with the request's body in its message, as sent and decoded: what a
/// hostile or buggy service could do with the credentials it receives.
async fn echo_server(status: u16) -> (String, tokio::task::JoinHandle<()>) {
    let status = axum::http::StatusCode::from_u16(status).unwrap();
    let echo = move |body: String| async move {
        let decoded: Vec<String> =
            url::form_urlencoded::parse(body.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect();
        let msg = format!("you sent {body} | {}", decoded.join(" "));
        (status, serde_json::json!({"result": "error", "msg": msg, "err_code": "E_ECHO", "response": null}).to_string())
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v2/railgun/", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(echo);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

#[tokio::test]
async fn secrets_echoed_by_the_server_reach_neither_stderr_nor_the_json_lines() {
    let emu = emulator(Faults::default()).await;
    let (url, server) = echo_server(200).await;
    let (host_key, rtkn) = (HOST_KEY_SENTINEL, RTKN_SENTINEL);
    let dir = temp_dir("echo");
    std::fs::write(dir.join("zones"), "example.com\nexample.org\n").unwrap();
    let zones = dir.join("zones");
    let commands: [&[&str]; 3] = [
        &["partner", "conn-delete", "--zone", "example.com"],
        &["partner", "conn-delete", "--zone", "example.com", "--method", "get"],
        &["partner", "fleet", "disconnect", "--railgun", "1", "--zones", zones.to_str().unwrap()],
    ];
    for args in commands {
        let mut command = railgun(&emu, args);
        command.env("RAILGUN_BASE_URL", &url).env("RAILGUN_HOST_KEY", host_key).env("RAILGUN_RTKN", rtkn);
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let shown = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
        assert!(shown.contains("E_ECHO"), "{args:?}: {shown}");
        for form in forms(host_key).iter().chain(&forms(rtkn)) {
            assert!(!shown.contains(form.as_str()), "{args:?} shows {form:?}: {shown}");
        }
    }
    server.abort();
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn completion_scripts_complete_commands_options_and_their_values() {
    let completions = |shell: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
        command.args(["completions", shell]).env_clear();
        run(command)
    };
    let zsh = completions("zsh").await;
    assert!(String::from_utf8(zsh.stdout).unwrap().starts_with("#compdef railgun"));
    let bash = completions("bash").await;
    assert_eq!(bash.status.code(), Some(0));
    let dir = temp_dir("completions");
    let script = dir.join("railgun.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    // What bash offers after each line, as its completion would ask.
    let offered = |words: &[&str]| {
        let mut command = Command::new("bash");
        let words_list: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let (current, previous) = (words[words.len() - 1], words[words.len() - 2]);
        command.arg("-c").arg(format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _railgun railgun '{current}' '{previous}'; \
             echo \"${{COMPREPLY[@]}}\"",
            script.display(),
            words_list.join(" "),
            words.len() - 1
        ));
        async move { String::from_utf8(run(command).await.stdout).unwrap().trim().to_owned() }
    };
    assert_eq!(
        offered(&["railgun", "partner", "conn-se"]).await,
        "conn-set conn-setmode-enabled conn-setmode-disabled"
    );
    assert_eq!(offered(&["railgun", "partner", "conn-set", "--mo"]).await, "--mode");
    assert_eq!(offered(&["railgun", "partner", "conn-set", "--mode", ""]).await, "active inactive");
    assert_eq!(offered(&["railgun", "cloudflare", "fleet", "dis"]).await, "disconnect disable");
    let unknown = completions("tcsh").await;
    assert_eq!(unknown.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Secrets of awkward characters, and the forms they could be shown in.
const HOST_KEY_SENTINEL: &str = "hk\"&=+ %2F<é>\\😀";
const RTKN_SENTINEL: &str = "rt'k n&x=1%41\u{2028}";

fn forms(secret: &str) -> [String; 3] {
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    [secret.to_owned(), encoded, serde_json::to_string(secret).unwrap().trim_matches('"').to_owned()]
}

#[tokio::test]
async fn verbose_runs_say_what_each_attempt_did_and_never_show_a_secret() {
    let emu = emulator(Faults::default()).await;
    // 503s carrying the request's secrets: retried, each retry logged with
    // its reason, which quotes the answer.
    let (url, server) = echo_server(503).await;
    let call = ["--attempts", "3", "partner", "conn-setmode-enabled", "--zone", "example.com"];
    for (verbose, requests) in [(None, 0), (Some("-v"), 0), (Some("-vv"), 3)] {
        let mut command = railgun(&emu, &[verbose.as_slice(), &call].concat());
        command
            .env("RAILGUN_BASE_URL", &url)
            .env("RAILGUN_HOST_KEY", HOST_KEY_SENTINEL)
            .env("RAILGUN_RTKN", RTKN_SENTINEL);
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(1));
        let text = stderr(&output);
        let lines: Vec<&str> = text.lines().collect();
        let count = |what: &str| lines.iter().filter(|l| l.contains(what)).count();
        let retries = if verbose.is_some() { 2 } else { 0 };
        assert_eq!(count(": retry attempt="), retries, "{text}");
        for attempt in 1..=retries {
            let retry = lines.iter().find(|l| l.contains(&format!(": retry attempt={attempt} "))).unwrap();
            assert!(
                retry.contains("reason=conn_setmode_enabled: HTTP 503 Service Unavailable: {\"err_code\":\"E_ECHO\""),
                "{retry}"
            );
        }
        assert_eq!(count(": request method=\"POST\""), requests, "{text}");
        assert_eq!(count(": answer status=503"), requests, "{text}");
        assert!(lines.last().unwrap().starts_with("error: conn_setmode_enabled: HTTP 503"), "{text}");
        for form in forms(HOST_KEY_SENTINEL).iter().chain(&forms(RTKN_SENTINEL)) {
            assert!(!text.contains(form.as_str()), "{verbose:?} shows {form:?}: {text}");
        }
    }
    server.abort();
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("railgun-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn zones_file(dir: &Path, n: usize) -> (PathBuf, Vec<String>) {
    let zones: Vec<String> = (0..n).map(|i| format!("zone-{i:05}.example.com")).collect();
    let path = dir.join("zones.txt");
    std::fs::write(&path, zones.join("\n") + "\n").unwrap();
    (path, zones)
}

/// Each stdout line as JSON, by zone.
fn lines_by_zone(stdout: &[u8]) -> BTreeMap<String, Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (v["zone"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

#[tokio::test]
async fn ten_thousand_zones_under_a_fifth_of_faults_end_exactly_as_desired() {
    // A 429 pauses the whole client for its Retry-After: 0 s keeps the run short.
    let emu = emulator(Faults { retry_after_s: 0, ..Faults::every_kind(0.2) }).await;
    // init is not safe to repeat: a lost answer may leave an extra Railgun,
    // which does not matter here.
    let mut made = None;
    for _ in 0..20 {
        let output = run(railgun(&emu, &["partner", "init", "--name", "fleet"])).await;
        if output.status.success() {
            made = Some(serde_json::from_slice::<Value>(&output.stdout).unwrap());
            break;
        }
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    }
    let made = made.expect("init failed 20 times");
    let (id, rtkn) = (made["railgun_id"].as_u64().unwrap(), made["rtkn"].as_str().unwrap().to_owned());
    emu.activate(&rtkn).unwrap();
    let dir = temp_dir("ten-thousand");
    let (zones_path, zones) = zones_file(&dir, 10_000);
    let id_arg = id.to_string();
    let args = [
        "partner",
        "fleet",
        "connect",
        "--railgun",
        &id_arg,
        "--zones",
        zones_path.to_str().unwrap(),
        "--concurrency",
        "64",
    ];
    let mut first = railgun(&emu, &args);
    first.env("RAILGUN_RTKN", &rtkn);
    let rate_limited = emu.total_hits_with(Some(Fault::RateLimited));
    let output = run(first).await;
    let rate_limited = emu.total_hits_with(Some(Fault::RateLimited)) - rate_limited;
    let reports = lines_by_zone(&output.stdout);
    assert_eq!(reports.len(), 10_000);
    let failed: Vec<&String> = reports.iter().filter(|(_, r)| r["ok"] != true).map(|(z, _)| z).collect();
    assert_eq!(output.status.code(), Some(if failed.is_empty() { 0 } else { 1 }), "{}", stderr(&output));
    let printed = stderr(&output);
    let [summary, note] = printed.lines().collect::<Vec<_>>()[..] else { panic!("two lines: {printed}") };
    assert!(summary.starts_with(&format!("connect: 10000 zones: {} changed", 10_000 - failed.len())), "{summary}");
    assert!(summary.ends_with(&format!("{} failed", failed.len())), "{summary}");
    // Every 429 the emulator sent is counted; their Retry-After was 0 s.
    assert!(rate_limited > 1_000, "{rate_limited}");
    assert_eq!(
        note,
        format!(
            "note: the service answered 429 (too many requests) {rate_limited} times; the run paused as it asked, \
             0.0s in all (--rate-limit spaces calls out)"
        )
    );
    // Fewer than one zone in a thousand is left for a second run, which ends it.
    assert!(failed.len() <= 10, "{failed:?}");
    if !failed.is_empty() {
        let mut second = railgun(&emu, &args);
        second.env("RAILGUN_RTKN", &rtkn);
        let output = run(second).await;
        let again = lines_by_zone(&output.stdout);
        let changed: BTreeSet<&String> = again.iter().filter(|(_, r)| r["applied"] == true).map(|(z, _)| z).collect();
        assert!(changed.iter().all(|z| failed.contains(z)), "only the failed zones change: {changed:?}");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let connections = emu.snapshot().connections;
    let expected: BTreeMap<String, (u64, bool)> = zones.iter().map(|z| (z.clone(), (id, true))).collect();
    assert_eq!(connections, expected);
    assert_eq!(emu.refused("conn_set", "E_ZONE_CONNECTED"), 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let emu = emulator(Faults::default()).await;
    let (id, rtkn) = make_railgun(&emu).await;
    let dir = temp_dir("dry-run");
    let (zones_path, zones) = zones_file(&dir, 30);
    let mut conn_set = railgun(&emu, &["partner", "conn-set", "--zone", &zones[0], "--mode", "inactive"]);
    conn_set.env("RAILGUN_RTKN", &rtkn);
    stdout_json(&run(conn_set).await);
    let before = (emu.snapshot(), emu.hits("conn_set"), emu.hits("conn_setmode_enabled"));

    let id_arg = id.to_string();
    let mut dry = railgun(
        &emu,
        &["partner", "fleet", "connect", "--railgun", &id_arg, "--dry-run", "--zones", zones_path.to_str().unwrap()],
    );
    dry.env("RAILGUN_RTKN", &rtkn);
    let output = run(dry).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan = lines_by_zone(&output.stdout);
    assert_eq!(plan[&zones[0]]["change"], "enable");
    assert_eq!(plan[&zones[0]]["found"], serde_json::json!({"railgun_id": id, "enabled": false}));
    assert!(zones[1..].iter().all(|z| plan[z]["change"] == "connect_enabled" && plan[z]["found"].is_null()));
    assert!(plan.values().all(|r| r["applied"] == false && r["ok"] == true));
    assert_eq!(stderr(&output), "connect: 30 zones: 30 would change, 0 already as desired, 0 failed\n");
    assert_eq!((emu.snapshot(), emu.hits("conn_set"), emu.hits("conn_setmode_enabled")), before);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_killed_run_resumes_from_its_journal_without_redoing_a_zone() {
    let emu = emulator(Faults { latency_ms: 2, ..Faults::default() }).await;
    let (id, rtkn) = make_railgun(&emu).await;
    let dir = temp_dir("resume");
    let (zones_path, zones) = zones_file(&dir, 1500);
    let journal = dir.join("journal");
    let id_arg = id.to_string();
    let args = [
        "partner",
        "fleet",
        "connect",
        "--railgun",
        &id_arg,
        "--zones",
        zones_path.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "8",
    ];
    let mut first = railgun(&emu, &args);
    first.env("RAILGUN_RTKN", &rtkn).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = first.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = 0;
    while seen < 500 {
        lines.next_line().await.unwrap().expect("the run ended before it was killed");
        seen += 1;
    }
    child.start_kill().unwrap();
    assert!(!child.wait().await.unwrap().success());
    let journaled: BTreeSet<String> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["zone"].as_str().unwrap().to_owned())
        .collect();
    assert!(journaled.len() >= 500 && journaled.len() < 1500, "{}", journaled.len());
    let sets_before = emu.hits("conn_set");

    let mut second = railgun(&emu, &args);
    second.env("RAILGUN_RTKN", &rtkn);
    let output = run(second).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let resumed = lines_by_zone(&output.stdout);
    assert!(resumed.keys().all(|z| !journaled.contains(z)), "a journaled zone was done again");
    assert_eq!(resumed.len() + journaled.len(), 1500);
    assert!(
        stderr(&output).contains(&format!(", {} skipped (done in the journal)", journaled.len())),
        "{}",
        stderr(&output)
    );
    // Zones under way when the first run was killed were connected then:
    // the second run reads them and changes nothing. Each zone was connected
    // exactly once in all.
    assert_eq!(emu.hits("conn_set"), 1500);
    assert!(emu.hits("conn_set") - sets_before <= resumed.len() as u64);
    let connections = emu.snapshot().connections;
    assert!(zones.iter().all(|z| connections[z] == (id, true)));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs `command` until it exits 0 (at most `times`), each failed run
/// exiting 1 (some zones failed); the first run's output.
async fn until_done(mut command: impl FnMut() -> Command, times: usize) -> Output {
    let first = run(command()).await;
    let mut last = first.status.code();
    for _ in 1..times {
        if last == Some(0) {
            return first;
        }
        assert_eq!(last, Some(1), "{}", stderr(&first));
        last = run(command()).await.status.code();
    }
    assert_eq!(last, Some(0), "still failing after {times} runs");
    first
}

#[tokio::test]
async fn v4_fleet_runs_name_the_railgun_by_account_and_tag_and_zones_by_id() {
    let names: Vec<String> = (0..500).map(|i| format!("zone-{i:04}.example.com")).collect();
    let faults = Faults { retry_after_s: 0, ..Faults::every_kind(0.2) };
    let config = Config::new().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN).zones(names.clone()).seed(7).faults(faults);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let account = railgun_emulator::account_id(EMAIL);
    // Not safe to repeat: a lost answer may leave an extra Railgun, which
    // does not matter here.
    let made = loop {
        let output = run(railgun_v4(&emu, None, &["cloudflare", "create-railgun", "--name", "fleet"])).await;
        if output.status.success() {
            break serde_json::from_slice::<Value>(&output.stdout).unwrap();
        }
    };
    let tag = made["id"].as_str().unwrap().to_owned();
    emu.activate(made["activation_key"].as_str().unwrap()).unwrap();
    let id = *emu.snapshot().names.iter().find(|(_, name)| *name == "fleet").unwrap().0;
    let dir = temp_dir("v4-fleet");
    let ids: Vec<String> = names.iter().map(|n| railgun_emulator::zone_id(n)).collect();
    let zones_path = dir.join("zones.txt");
    std::fs::write(&zones_path, ids.join("\n") + "\n").unwrap();
    let zones_arg = zones_path.to_str().unwrap();
    let fleet = |op: &str, extra: &[&str]| {
        let mut args = vec!["cloudflare", "fleet", op, "--account", &account, "--railgun", &tag, "--zones", zones_arg];
        args.extend_from_slice(extra);
        args.iter().map(|a| (*a).to_owned()).collect::<Vec<String>>()
    };
    let command = |args: &[String], token: Option<&str>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        railgun_v4(&emu, token, &args)
    };

    let connect = fleet("connect", &["--concurrency", "32"]);
    let output = until_done(|| command(&connect, None), 4).await;
    let reports = lines_by_zone(&output.stdout);
    assert_eq!(reports.len(), 500);
    let ok: Vec<&Value> = reports.values().filter(|r| r["ok"] == true).collect();
    assert!(ok.len() >= 490, "{}", stderr(&output));
    for report in ok {
        assert_eq!(report["after"], serde_json::json!({"railgun_id": tag, "enabled": true}), "{report}");
    }
    let summary = stderr(&output);
    assert!(summary.starts_with("connect: 500 zones: "), "{summary}");
    let expected: BTreeMap<String, (u64, bool)> = names.iter().map(|z| (z.clone(), (id, true))).collect();
    assert_eq!(emu.snapshot().connections, expected);

    // A dry run reads every zone and plans; nothing is sent.
    let before = (emu.snapshot().connections, emu.hits("update_connection"));
    let output = until_done(|| command(&fleet("disable", &["--dry-run"]), Some(V4_TOKEN)), 4).await;
    let plan = lines_by_zone(&output.stdout);
    let planned = plan.values().filter(|r| r["ok"] == true);
    for report in planned {
        assert_eq!(
            (&report["found"], &report["change"], &report["applied"]),
            (&serde_json::json!({"railgun_id": tag, "enabled": true}), &Value::from("disable"), &Value::Bool(false))
        );
    }
    assert_eq!((emu.snapshot().connections, emu.hits("update_connection")), before);

    // Under a token, every zone disconnected.
    until_done(|| command(&fleet("disconnect", &[]), Some(V4_TOKEN)), 4).await;
    assert_eq!(emu.snapshot().connections, BTreeMap::new());
    assert_eq!(emu.refused("delete_connection", "1001"), 0);

    // Usage errors, before anything is sent: a zone named by its domain,
    // an account that is no identifier tag, no credentials.
    std::fs::write(&zones_path, format!("{}\nexample.com\n", ids[0])).unwrap();
    let output = run(command(&fleet("connect", &[]), None)).await;
    assert_eq!(output.status.code(), Some(2));
    let what = "a zone identifier tag (1 to 32 letters and digits)";
    let hint = "(the zones file holds one per line; `#` starts a comment)";
    assert_eq!(stderr(&output), format!("error: {zones_arg}:2: not {what} {hint}\n"));
    let bad = ["cloudflare", "fleet", "enable", "--account", "not/a/tag", "--railgun", &tag, "--zones", zones_arg];
    let output = run(railgun_v4(&emu, None, &bad)).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not an identifier tag of an account"), "{}", stderr(&output));
    let mut bare = command(&fleet("enable", &[]), None);
    bare.env_remove("RAILGUN_API_KEY");
    let output = run(bare).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: cloudflare needs credentials: set RAILGUN_API_EMAIL"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Secrets an answer holds are not printed, but for the token a call that
/// creates a Railgun hands out, or with `--show-secrets`; stderr says which
/// were left out.
#[tokio::test]
async fn answers_print_secrets_only_when_the_call_made_them_or_when_asked() {
    let config = Config::docs_examples().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let made = run(railgun(&emu, &["partner", "init", "--name", "edge"])).await;
    assert_eq!(stderr(&made), "");
    let rtkn = stdout_json(&made)["rtkn"].as_str().unwrap().to_owned();
    assert_eq!(rtkn.len(), 30);
    // The key the service holds, read through the library.
    let api = railgun_api::PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).build().unwrap();
    let listed = api.host_get_all().await.unwrap().railguns.railguns;
    let key = listed[0].api_key.as_ref().unwrap().expose_secret().to_owned();

    let note = "note: secrets not printed: railgun_api_key (--show-secrets prints them)\n";
    for format in ["json", "table"] {
        let listed = run(railgun(&emu, &["partner", "host-get-all", "--output", format])).await;
        let text = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert!(!text.contains(&key) && text.contains("** redacted **"), "{text}");
        assert_eq!(stderr(&listed), note);
    }
    let shown = run(railgun(&emu, &["partner", "host-get-all", "--show-secrets"])).await;
    assert_eq!(stderr(&shown), "");
    assert_eq!(stdout_json(&shown)["railguns"]["objs"][0]["railgun_api_key"], key.as_str());

    // v4: a new Railgun's activation key, then its details without it.
    let made = stdout_json(&run(railgun_v4(&emu, None, &["cloudflare", "create-railgun", "--name", "v4"])).await);
    let (tag, activation_key) = (made["id"].as_str().unwrap(), made["activation_key"].as_str().unwrap());
    assert_eq!(activation_key.len(), 30, "{made}");
    let details = run(railgun_v4(&emu, None, &["cloudflare", "railgun-details", "--railgun", tag])).await;
    assert_eq!(stderr(&details), "note: secrets not printed: activation_key (--show-secrets prints them)\n");
    assert_eq!(stdout_json(&details)["activation_key"], "** redacted **");
    let listed = run(railgun_v4(&emu, None, &["cloudflare", "list-railguns", "--all", "--show-secrets"])).await;
    let listed = stdout_json(&listed);
    let v4 = listed.as_array().unwrap().iter().find(|r| r["id"] == tag).unwrap();
    assert_eq!(v4["activation_key"], activation_key);
}

/// How often the emulator was asked to read or change a zone, v2 and v4.
fn zone_calls(emu: &Emulator) -> Vec<u64> {
    [
        "zone_conn_get_active",
        "conn_set",
        "conn_setmode_enabled",
        "conn_setmode_disabled",
        "conn_delete",
        "list_zone_railguns",
        "create_connection",
        "update_connection",
        "delete_connection",
    ]
    .iter()
    .map(|action| emu.hits(action))
    .collect()
}

#[tokio::test]
async fn a_railgun_and_a_token_that_do_not_match_are_refused_before_anything_changes() {
    let config = Config::docs_examples().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN).zones(["example.com"]);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let (one, _) = make_railgun(&emu).await;
    let (two, rtkn_two) = make_railgun(&emu).await;
    let dir = temp_dir("mismatch");
    let (zones_path, _) = zones_file(&dir, 3);
    let zones_arg = zones_path.to_str().unwrap();
    // The README's line, with Railgun two's token: the zones connect to two.
    let two_arg = two.to_string();
    let mut connect = railgun(&emu, &["partner", "fleet", "connect", "--railgun", &two_arg, "--zones", zones_arg]);
    connect.env("RAILGUN_RTKN", &rtkn_two);
    let done = run(connect).await;
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let before = (emu.snapshot(), zone_calls(&emu));

    let one_arg = one.to_string();
    let given_one = format!("Railgun {one}'s (--railgun {one})");
    let cases = [
        (
            rtkn_two.as_str(),
            format!(
                "is Railgun {two}'s, not {given_one}; nothing was changed. Give --railgun {two}, or Railgun {one}'s token"
            ),
        ),
        (
            "0123456789abcdef0123456789abcd",
            format!(
                "is not the token of any Railgun this account lists, so it is not {given_one}; nothing was changed"
            ),
        ),
    ];
    for (token, why) in &cases {
        for op in ["connect", "enable", "disable", "disconnect"] {
            for dry_run in [false, true] {
                let mut args = vec!["partner", "fleet", op, "--railgun", &one_arg, "--zones", zones_arg];
                args.extend(dry_run.then_some("--dry-run"));
                let mut command = railgun(&emu, &args);
                command.env("RAILGUN_RTKN", token);
                let output = run(command).await;
                assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
                assert_eq!(
                    stderr(&output),
                    format!(
                        "error: the Railgun token ($RAILGUN_RTKN, the config file's `rtkn` or --rtkn-file) {why}\n"
                    ),
                    "{args:?}"
                );
                assert!(output.stdout.is_empty(), "{args:?}");
            }
        }
    }
    assert_eq!((emu.snapshot(), zone_calls(&emu)), before, "nothing was read or changed");

    // The Client API lists the user's own Railguns: a host's token is none of them.
    let mut client = railgun(&emu, &["client", "fleet", "connect", "--railgun", &two_arg, "--zones", zones_arg]);
    client.env("RAILGUN_RTKN", &rtkn_two);
    let output = run(client).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is not the token of any Railgun this account lists"), "{}", stderr(&output));

    // v4: a Railgun named by its tag, and by the key its daemon activates with.
    let account = railgun_emulator::account_id(EMAIL);
    let made = |name: &str| {
        let command = railgun_v4(&emu, None, &["cloudflare", "create-railgun", "--name", name]);
        async move { stdout_json(&run(command).await) }
    };
    let (v4_one, v4_two) = (made("v4-one").await, made("v4-two").await);
    let tag = |made: &Value| made["id"].as_str().unwrap().to_owned();
    let (tag_one, tag_two) = (tag(&v4_one), tag(&v4_two));
    let zone_ids = dir.join("zone-ids.txt");
    std::fs::write(&zone_ids, railgun_emulator::zone_id("example.com") + "\n").unwrap();
    let before = (emu.snapshot(), zone_calls(&emu));
    let other_tag = "0123456789abcdef0123456789abcdef";
    let cases = [
        (
            tag_one.as_str(),
            Some(v4_two["activation_key"].as_str().unwrap()),
            format!(
                "error: the activation key ($RAILGUN_RTKN, the config file's `rtkn` or --rtkn-file) is Railgun {tag_two}'s, not Railgun {tag_one}'s (--railgun {tag_one}); nothing was changed. Give --railgun {tag_two}, or Railgun {tag_one}'s key\n"
            ),
        ),
        (
            other_tag,
            None,
            format!(
                "error: account {account} has no Railgun {other_tag} (--account, --railgun); nothing was changed\n"
            ),
        ),
    ];
    for (railgun_tag, key, expected) in &cases {
        for op in ["connect", "enable", "disable", "disconnect"] {
            for dry_run in [false, true] {
                let mut args = vec!["cloudflare", "fleet", op, "--account", &account, "--railgun", railgun_tag];
                args.extend(["--zones", zone_ids.to_str().unwrap()]);
                args.extend(dry_run.then_some("--dry-run"));
                let mut command = railgun_v4(&emu, Some(V4_TOKEN), &args);
                if let Some(key) = key {
                    command.env("RAILGUN_RTKN", key);
                }
                let output = run(command).await;
                assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
                assert_eq!(&stderr(&output), expected, "{args:?}");
            }
        }
    }
    assert_eq!((emu.snapshot(), zone_calls(&emu)), before, "nothing was read or changed");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A server that accepts connections and closes them at once, counting
/// them: a service that cannot be reached.
async fn dead_end() -> (String, std::sync::Arc<std::sync::atomic::AtomicU64>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v2/railgun/", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = count.clone();
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, count, task)
}

#[tokio::test]
async fn a_wrong_key_an_unreachable_service_or_no_base_url_end_a_fleet_at_once() {
    let emu = emulator(Faults::default()).await;
    let (id, rtkn) = make_railgun(&emu).await;
    let dir = temp_dir("global");
    let (zones_path, _) = zones_file(&dir, 5000);
    let id_arg = id.to_string();
    let connect = ["partner", "fleet", "connect", "--railgun", &id_arg, "--zones", zones_path.to_str().unwrap()];
    let audit = ["partner", "fleet", "audit", "--zones", zones_path.to_str().unwrap()];

    // A wrong host key: one refused call, one line naming it, exit 1.
    let hits = emu.total_hits();
    let mut wrong = railgun(&emu, &connect);
    wrong.env("RAILGUN_RTKN", &rtkn).env("RAILGUN_HOST_KEY", "not-the-host-key");
    let output = run(wrong).await;
    assert_eq!(output.status.code(), Some(1));
    let refused = "the service refused the credentials: host_get_all: the service refused the call (err_code \
                   E_UNAUTH): invalid host_key";
    assert_eq!(
        stderr(&output),
        format!(
            "connect: 5000 zones: 0 changed, 0 already as desired, 0 failed, 5000 not started (the service \
             refused the credentials)\nerror: stopped: {refused}\n"
        )
    );
    assert!(output.stdout.is_empty());
    assert_eq!(emu.total_hits() - hits, 1);
    // An audit checks no Railgun: its first refused read stops it.
    let hits = emu.total_hits();
    let mut wrong = railgun(&emu, &audit);
    wrong.env("RAILGUN_HOST_KEY", "not-the-host-key");
    let output = run(wrong).await;
    assert_eq!(output.status.code(), Some(1));
    let lines = lines_by_zone(&output.stdout);
    assert!((1..=16).contains(&lines.len()), "{}", lines.len());
    assert_eq!(emu.total_hits() - hits, lines.len() as u64);
    let text = stderr(&output);
    assert!(text.ends_with("error: stopped: the service refused the credentials: zone_conn_get_active: the service refused the call (err_code E_UNAUTH): invalid host_key\n"), "{text}");

    // A service that cannot be reached: the identity check's attempts, then one line.
    let (url, connections, server) = dead_end().await;
    let mut nowhere = railgun(&emu, &connect);
    nowhere.env("RAILGUN_RTKN", &rtkn).env("RAILGUN_BASE_URL", &url);
    let output = run(nowhere).await;
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(
            "error: stopped: 1 call in a row reached no service; the last: host_get_all: request failed: "
        ),
        "{text}"
    );
    assert_eq!(
        text.lines().next(),
        Some(
            "connect: 5000 zones: 0 changed, 0 already as desired, 0 failed, 5000 not started (the service could \
             not be reached)"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 4, "the client's four attempts");
    // An audit: eight zone reads in a row reached nothing.
    let mut nowhere = railgun(&emu, &audit);
    nowhere.env("RAILGUN_BASE_URL", &url);
    let output = run(nowhere).await;
    assert_eq!(output.status.code(), Some(1));
    let lines = lines_by_zone(&output.stdout);
    assert!((1..=16).contains(&lines.len()), "{}", lines.len());
    assert!(
        stderr(&output).contains(
            "error: stopped: 8 calls in a row reached no service; the last: zone_conn_get_active: request failed: "
        ),
        "{}",
        stderr(&output)
    );
    assert!(connections.load(std::sync::atomic::Ordering::SeqCst) <= 4 + 4 * 16 * 3);
    server.abort();

    // No base URL: the retired service is named, and nothing is sent.
    let hits = emu.total_hits();
    let mut unset = railgun(&emu, &connect);
    unset.env("RAILGUN_RTKN", &rtkn).env_remove("RAILGUN_BASE_URL");
    let output = run(unset).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: https://www.cloudflare.com/api/v2/railgun/ was retired with Railgun in January 2024 and answers no \
         Railgun call: point --base-url, $RAILGUN_BASE_URL or the config file's base_url at railgun-emulator, its \
         local stand-in (`railgun-emulator` prints its base URLs)\n"
    );
    let mut v4 = railgun_v4(&emu, Some(V4_TOKEN), &["cloudflare", "list-railguns"]);
    v4.env_remove("RAILGUN_V4_BASE_URL");
    let v4 = run(v4).await;
    assert_eq!(v4.status.code(), Some(2));
    assert!(stderr(&v4).starts_with("error: https://api.cloudflare.com/client/v4/ was retired"), "{}", stderr(&v4));
    assert_eq!(emu.total_hits(), hits);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Every command of the generated CLI, sent once: the emulator reads each
/// into the typed request of its spec, which must be the request the
/// command names, argument by argument (the answer does not matter: most
/// are "not found"). A command or an endpoint missing from the table fails.
#[tokio::test]
async fn every_command_sends_the_request_it_names() {
    use railgun_api::{IpRange, Secret};
    use railgun_emulator::Received;
    use railgun_emulator::requests::{emulator as own, v2, v4};

    let config = Config::docs_examples().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    // A token, ids and names with characters that need encoding.
    let rtkn = "r+t&k=n%20 \u{fc}/?#";
    let account = railgun_emulator::account_id(EMAIL);
    let (railgun_id, zone_id, connection) = ("rg 1+\u{e9}", "zone?1", "c&1");
    let secret = || Secret::new(rtkn);
    let text = |s: &str| s.to_owned();
    let range = |s: &str| s.parse::<IpRange>().unwrap();

    let v2_calls: Vec<(Vec<&str>, Received)> = vec![
        (
            vec!["client", "init", "--name", "n 1", "--pubname", "P&1"],
            Received::V2(v2::Request::ClientInit { name: text("n 1"), pubname: text("P&1") }),
        ),
        (vec!["client", "delete"], Received::V2(v2::Request::ClientDelete { rtkn: secret() })),
        (vec!["client", "user-get-all"], Received::V2(v2::Request::ClientUserGetAll {})),
        (
            vec!["client", "zone-conn-get-active", "--zone", "example.com"],
            Received::V2(v2::Request::ClientZoneConnGetActive { zone: text("example.com") }),
        ),
        (
            vec!["client", "conn-set", "--zone", "example.com", "--mode", "active"],
            Received::V2(v2::Request::ClientConnSet {
                zone: text("example.com"),
                rtkn: secret(),
                mode: v2::Mode::Active,
            }),
        ),
        (
            vec!["client", "conn-setmode-enabled", "--zone", "example.com"],
            Received::V2(v2::Request::ClientConnSetmodeEnabled { zone: text("example.com"), rtkn: secret() }),
        ),
        (
            vec!["client", "conn-setmode-disabled", "--zone", "example.com"],
            Received::V2(v2::Request::ClientConnSetmodeDisabled { zone: text("example.com"), rtkn: secret() }),
        ),
        (
            vec!["client", "conn-delete", "--zone", "example.com"],
            Received::V2(v2::Request::ClientConnDelete { zone: text("example.com"), rtkn: secret() }),
        ),
        (
            vec!["partner", "init", "--name", "n 2"],
            Received::V2(v2::Request::PartnerInit { name: Some(text("n 2")), pubname: None }),
        ),
        (vec!["partner", "delete"], Received::V2(v2::Request::PartnerDelete { rtkn: secret() })),
        (vec!["partner", "host-get-all"], Received::V2(v2::Request::PartnerHostGetAll {})),
        (
            vec!["partner", "zone-conn-get-active", "--zone", "example.org"],
            Received::V2(v2::Request::PartnerZoneConnGetActive { zone: text("example.org") }),
        ),
        (
            vec!["partner", "suggestion-set", "--zone", "example.org", "--auto-enabled", "inactive"],
            Received::V2(v2::Request::PartnerSuggestionSet {
                zone: text("example.org"),
                rtkn: secret(),
                auto_enabled: v2::Mode::Inactive,
            }),
        ),
        (
            vec!["partner", "conn-set", "--zone", "example.org", "--mode", "inactive"],
            Received::V2(v2::Request::PartnerConnSet {
                zone: text("example.org"),
                rtkn: secret(),
                mode: v2::Mode::Inactive,
            }),
        ),
        (
            vec!["partner", "conn-setmode-enabled", "--zone", "example.org"],
            Received::V2(v2::Request::PartnerConnSetmodeEnabled { zone: text("example.org"), rtkn: secret() }),
        ),
        (
            vec!["partner", "conn-setmode-disabled", "--zone", "example.org"],
            Received::V2(v2::Request::PartnerConnSetmodeDisabled { zone: text("example.org"), rtkn: secret() }),
        ),
        (
            vec!["partner", "conn-delete", "--zone", "example.org"],
            Received::V2(v2::Request::PartnerConnDelete { zone: text("example.org"), rtkn: secret() }),
        ),
        (
            vec!["partner", "ipr-set", "--ranges", "10.0.0.0/8", "--ranges", "2001:db8::/112"],
            Received::V2(v2::Request::PartnerIprSet {
                rtkn: secret(),
                ranges: vec![range("10.0.0.0/8"), range("2001:db8::/112")],
            }),
        ),
        (vec!["activate"], Received::Emulator(own::Request::Activate { rtkn: secret() })),
    ];
    let (a, r, z, c) = (account.as_str(), railgun_id, zone_id, connection);
    let v4_calls: Vec<(Vec<&str>, v4::Request)> = vec![
        (
            vec!["list-railguns", "--page", "2", "--per-page", "5", "--direction", "desc"],
            v4::Request::ListRailguns { page: Some(2), per_page: Some(5), direction: Some(v4::Direction::Desc) },
        ),
        (vec!["create-railgun", "--name", "n&3"], v4::Request::CreateRailgun { name: text("n&3") }),
        (vec!["railgun-details", "--railgun", r], v4::Request::RailgunDetails { railgun: text(r) }),
        (
            vec!["enable-or-disable-railgun", "--railgun", r, "--enabled", "false"],
            v4::Request::EnableOrDisableRailgun { railgun: text(r), enabled: false },
        ),
        (vec!["delete-railgun", "--railgun", r], v4::Request::DeleteRailgun { railgun: text(r) }),
        (vec!["list-railgun-zones", "--railgun", r], v4::Request::ListRailgunZones { railgun: text(r) }),
        (vec!["list-zone-railguns", "--zone", z], v4::Request::ListZoneRailguns { zone: text(z) }),
        (
            vec!["zone-railgun-details", "--zone", z, "--railgun", r],
            v4::Request::ZoneRailgunDetails { zone: text(z), railgun: text(r) },
        ),
        (
            vec!["connect-or-disconnect-zone-railgun", "--zone", z, "--railgun", r, "--connected", "true"],
            v4::Request::ConnectOrDisconnectZoneRailgun { zone: text(z), railgun: text(r), connected: true },
        ),
        (
            vec!["test-zone-railgun-connection", "--zone", z, "--railgun", r],
            v4::Request::TestZoneRailgunConnection { zone: text(z), railgun: text(r) },
        ),
        (
            vec!["list-account-railguns", "--account", a],
            v4::Request::ListAccountRailguns { account: text(a), page: None, per_page: None, direction: None },
        ),
        (
            vec!["create-account-railgun", "--account", a, "--name", "n4"],
            v4::Request::CreateAccountRailgun { account: text(a), name: text("n4") },
        ),
        (
            vec!["account-railgun-details", "--account", a, "--railgun", r],
            v4::Request::AccountRailgunDetails { account: text(a), railgun: text(r) },
        ),
        (
            vec!["update-account-railgun", "--account", a, "--railgun", r, "--name", "n5", "--enabled", "true"],
            v4::Request::UpdateAccountRailgun { account: text(a), railgun: text(r), name: text("n5"), enabled: true },
        ),
        (
            vec!["delete-account-railgun", "--account", a, "--railgun", r],
            v4::Request::DeleteAccountRailgun { account: text(a), railgun: text(r) },
        ),
        (
            vec!["list-connections", "--account", a, "--railgun", r, "--enabled", "true", "--per-page", "7"],
            v4::Request::ListConnections {
                account: text(a),
                railgun: text(r),
                enabled: Some(true),
                page: None,
                per_page: Some(7),
            },
        ),
        (
            vec!["create-connection", "--account", a, "--railgun", r, "--zone", z],
            v4::Request::CreateConnection { account: text(a), railgun: text(r), zone: text(z), enabled: None },
        ),
        (
            vec!["connection-details", "--account", a, "--railgun", r, "--connection", c],
            v4::Request::ConnectionDetails { account: text(a), railgun: text(r), connection: text(c) },
        ),
        (
            vec!["update-connection", "--account", a, "--railgun", r, "--connection", c, "--enabled", "false"],
            v4::Request::UpdateConnection { account: text(a), railgun: text(r), connection: text(c), enabled: false },
        ),
        (
            vec!["delete-connection", "--account", a, "--railgun", r, "--connection", c],
            v4::Request::DeleteConnection { account: text(a), railgun: text(r), connection: text(c) },
        ),
        (
            vec!["list-organization-railguns", "--organization", a, "--direction", "asc"],
            v4::Request::ListOrganizationRailguns {
                organization: text(a),
                page: None,
                per_page: None,
                direction: Some(v4::Direction::Asc),
            },
        ),
        (
            vec!["create-organization-railgun", "--organization", a, "--name", "n6"],
            v4::Request::CreateOrganizationRailgun { organization: text(a), name: text("n6") },
        ),
        (
            vec!["organization-railgun-details", "--organization", a, "--railgun", r],
            v4::Request::OrganizationRailgunDetails { organization: text(a), railgun: text(r) },
        ),
        (
            vec!["enable-or-disable-organization-railgun", "--organization", a, "--railgun", r, "--enabled", "true"],
            v4::Request::EnableOrDisableOrganizationRailgun { organization: text(a), railgun: text(r), enabled: true },
        ),
        (
            vec!["delete-organization-railgun", "--organization", a, "--railgun", r],
            v4::Request::DeleteOrganizationRailgun { organization: text(a), railgun: text(r) },
        ),
        (
            vec!["list-organization-railgun-zones", "--organization", a, "--railgun", r],
            v4::Request::ListOrganizationRailgunZones { organization: text(a), railgun: text(r) },
        ),
    ];

    // The tables name every endpoint of the specs.
    let named: BTreeSet<(&str, &str)> =
        v2_calls.iter().filter(|(args, _)| args.len() > 1).map(|(args, _)| (args[0], args[1])).collect();
    for (family, action) in v2::ENDPOINTS {
        let command = action.replace('_', "-");
        assert!(named.iter().any(|&(f, c)| f == family.name() && c == command), "no call of {action} ({family:?})");
    }
    let named: BTreeSet<String> = v4_calls.iter().map(|(args, _)| args[0].replace('-', "_")).collect();
    for operation in v4::Operation::ALL {
        assert!(named.contains(operation.name()), "no call of {}", operation.name());
    }
    assert_eq!(own::ENDPOINTS, [(own::Family::Emulator, "activate")]);

    for (args, expected) in v2_calls {
        let mut command = railgun(&emu, &args);
        command.env("RAILGUN_RTKN", rtkn);
        let output = run(command).await;
        assert_eq!(emu.requests().last(), Some(&expected), "railgun {args:?}: {}", stderr(&output));
    }
    for (args, expected) in v4_calls {
        let args: Vec<&str> = ["cloudflare"].into_iter().chain(args).collect();
        let output = run(railgun_v4(&emu, None, &args)).await;
        assert_eq!(emu.requests().last(), Some(&Received::V4(expected)), "railgun {args:?}: {}", stderr(&output));
    }
    // A typed request keeps its token out of `Debug`.
    let shown = format!("{:?}", emu.requests());
    assert!(!shown.contains("r+t&k") && shown.contains("redacted"), "{shown}");
}

/// The config file: TOML, profiles over top-level settings, refused when
/// others may read the secrets it holds (with the `chmod` that fixes it),
/// a mistyped key named by file and line, and never a line quoted: not
/// when it is refused, not when it is given as a zones file by mistake.
#[tokio::test]
async fn config_files_are_toml_private_and_never_quoted() {
    use std::os::unix::fs::PermissionsExt;

    let emu = emulator(Faults::default()).await;
    let dir = std::env::temp_dir().join(format!("railgun-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    let shown = path.display().to_string();
    let write = |text: &str, mode: u32| {
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let config = format!(
        "# the emulator\nbase_url = \"{}\"\nhost_key = \"{HOST_KEY}\"\n\n[profiles.stale]\nhost_key = \"an-old-key\"\n",
        emu.base_url()
    );
    // Only the config file: no RAILGUN_* in the environment.
    let railgun = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
        command.arg("--config").arg(&path).args(args).env_clear().stdin(Stdio::null()).kill_on_drop(true);
        command
    };

    write(&config, 0o600);
    let listed = stdout_json(&run(railgun(&["partner", "host-get-all"])).await);
    assert_eq!(listed["railguns"]["count"], 0, "{listed}");
    let stale = run(railgun(&["--profile", "stale", "partner", "host-get-all"])).await;
    assert_eq!(stale.status.code(), Some(1));
    assert!(stderr(&stale).contains("E_UNAUTH"), "{}", stderr(&stale));
    let mut missing = railgun(&["partner", "host-get-all"]);
    missing.env("RAILGUN_PROFILE", "eu");
    let missing = run(missing).await;
    assert_eq!(
        (missing.status.code(), stderr(&missing)),
        (Some(2), format!("error: config file {shown} has no profile `eu` ([profiles.eu])\n"))
    );
    let sent = emu.total_hits();
    assert_eq!(sent, 2);

    for mode in [0o640, 0o604, 0o644, 0o666] {
        write(&config, mode);
        let refused = run(railgun(&["partner", "host-get-all"])).await;
        assert_eq!(
            (refused.status.code(), stderr(&refused)),
            (
                Some(2),
                format!(
                    "error: config file {shown} holds secrets but others than its owner may read it (mode {mode:04o}): \
                     run `chmod 600 {shown}` (or set RAILGUN_CONFIG_ANY_MODE=1 where the file system has no such \
                     permissions)\n"
                )
            )
        );
    }
    assert_eq!(emu.total_hits(), sent, "nothing is sent with a readable config file");
    let mut anyway = railgun(&["partner", "host-get-all"]);
    anyway.env("RAILGUN_CONFIG_ANY_MODE", "1");
    stdout_json(&run(anyway).await);

    write(&config.replace("base_url", "base_ur"), 0o600);
    let typo = run(railgun(&["partner", "host-get-all"])).await;
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).starts_with(&format!("error: {shown}:2: unknown setting `base_ur` (known: base_url,")));
    write(&config.replace(&format!("\"{HOST_KEY}\""), HOST_KEY), 0o600);
    let unquoted = run(railgun(&["partner", "host-get-all"])).await;
    assert_eq!(unquoted.status.code(), Some(2));
    assert!(stderr(&unquoted).starts_with(&format!("error: {shown}:3: not valid TOML")), "{}", stderr(&unquoted));

    // The config file given as the zones file: the line is named, not shown.
    write(&config, 0o600);
    let mistaken = run(railgun(&["partner", "fleet", "audit", "--zones", &shown])).await;
    assert_eq!(
        (mistaken.status.code(), stderr(&mistaken)),
        (
            Some(2),
            format!("error: {shown}:2: not a domain name (the zones file holds one per line; `#` starts a comment)\n")
        )
    );
    for output in [&typo, &unquoted, &mistaken] {
        assert!(!stderr(output).contains(HOST_KEY) && !stderr(output).contains("an-old-key"), "{}", stderr(output));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// v4 credentials are also read as Cloudflare's own tools name them.
#[tokio::test]
async fn v4_credentials_are_read_as_cloudflare_tools_name_them() {
    let config = Config::new().user_with_api_token(EMAIL, V4_KEY, V4_TOKEN);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    for (names, values) in [
        (&["CLOUDFLARE_API_TOKEN"][..], &[V4_TOKEN][..]),
        (&["CF_API_TOKEN"], &[V4_TOKEN]),
        (&["CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"], &[EMAIL, V4_KEY]),
        (&["CF_API_EMAIL", "CF_API_KEY"], &[EMAIL, V4_KEY]),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
        command.args(["cloudflare", "list-railguns"]).env_clear().env("RAILGUN_V4_BASE_URL", emu.base_url_v4());
        for (name, value) in names.iter().zip(values) {
            command.env(name, value);
        }
        let listed = stdout_json(&run(command).await);
        assert_eq!(
            (&listed["items"], &listed["info"]["total_count"]),
            (&serde_json::json!([]), &serde_json::json!(0)),
            "{names:?}"
        );
    }
}

/// A journal whose last line a crash cut short, at any byte: the next run
/// does that zone again (it reads before it writes, so it changes nothing)
/// and finishes, and so does the run after it; every zone is connected
/// exactly once in all, counted at the emulator. A journal another job
/// wrote is refused.
#[tokio::test]
async fn a_journal_torn_at_any_byte_of_its_last_line_resumes() {
    let dir = temp_dir("torn");
    let (zones_path, zones) = zones_file(&dir, 3);
    let journal = dir.join("journal");
    let emu = emulator(Faults::default()).await;
    let (id, rtkn) = make_railgun(&emu).await;
    let id_arg = id.to_string();
    let fleet = |op: &'static str| {
        let args = [
            "partner",
            "fleet",
            op,
            "--railgun",
            &id_arg,
            "--zones",
            zones_path.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
        ];
        let mut command = railgun(&emu, &args);
        command.env("RAILGUN_RTKN", &rtkn);
        command
    };
    let first = run(fleet("connect")).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let whole = std::fs::read_to_string(&journal).unwrap();
    let last = whole.trim_end_matches('\n').rsplit('\n').next().unwrap().len() + 1;
    assert_eq!(emu.hits("conn_set"), 3);

    for cut in 1..last {
        std::fs::write(&journal, &whole[..whole.len() - cut]).unwrap();
        let output = run(fleet("connect")).await;
        assert_eq!(output.status.code(), Some(0), "cut {cut}: {}", stderr(&output));
        assert!(stderr(&output).contains(", 2 skipped (done in the journal)"), "cut {cut}: {}", stderr(&output));
        // Whole again, so the run after it reads it as any other.
        assert_eq!(std::fs::read_to_string(&journal).unwrap(), whole, "cut {cut}");
    }
    let again = run(fleet("connect")).await;
    assert!(stderr(&again).contains(", 3 skipped (done in the journal)"), "{}", stderr(&again));
    assert_eq!(emu.hits("conn_set"), 3, "each zone connected exactly once");
    let connections = emu.snapshot().connections;
    assert!(zones.iter().all(|z| connections[z] == (id, true)));

    let other = run(fleet("disconnect")).await;
    assert_eq!(other.status.code(), Some(2));
    assert!(stderr(&other).contains("is another job's (line 1: connect:"), "{}", stderr(&other));
    assert_eq!(emu.hits("conn_delete"), 0);
    std::fs::remove_dir_all(dir).unwrap();
}

/// `--all` against a service whose pages never end: the JSON array is
/// streamed as pages arrive, and the walk stops at the client's page limit
/// with the typed error, exit 1, after a bounded number of requests.
#[tokio::test]
async fn all_pages_of_an_endless_list_stop_at_the_page_limit() {
    use std::sync::atomic::{AtomicU64, Ordering};

    let asked = std::sync::Arc::new(AtomicU64::new(0));
    let counter = asked.clone();
    let endless = move |uri: axum::http::Uri| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::Relaxed);
            let page: u64 = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .find(|(k, _)| k == "page")
                .map_or(1, |(_, v)| v.parse().unwrap());
            let items: Vec<Value> = (0..5)
                .map(|i| {
                    serde_json::json!({"id": format!("r{page}-{i}"), "name": "edge", "status": "active",
                        "enabled": true, "zones_connected": 0, "activation_key": "k",
                        "created_on": "2014-01-01T05:20:00Z", "modified_on": "2014-01-01T05:20:00Z"})
                })
                .collect();
            let info =
                serde_json::json!({"page": page, "per_page": 5, "count": 5, "total_count": 1_000_000_000_000u64});
            serde_json::json!({"success": true, "errors": [], "messages": [], "result": items, "result_info": info})
                .to_string()
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/client/v4/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, axum::Router::new().fallback(endless)).await;
    });
    let mut command = Command::new(env!("CARGO_BIN_EXE_railgun"));
    command
        .args(["cloudflare", "list-railguns", "--all", "--per-page", "5"])
        .env_clear()
        .env("RAILGUN_V4_BASE_URL", &url)
        .env("RAILGUN_API_TOKEN", V4_TOKEN);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "note: secrets not printed: activation_key (--show-secrets prints them)\n\
         error: list_railguns: the list goes on past the limit of 1000 pages\n",
        "the typed error, in words"
    );
    assert_eq!(asked.load(Ordering::Relaxed), 1_000);
    // What was printed is the 5,000 items, a whole JSON array.
    let printed: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed.len(), 5_000);
    server.abort();
}
