//! The docs' own client: `optimized-partner-api/using-curl-with-the-api.md`
//! walks through the API with curl. This runs those command lines, as the
//! page writes them, with the real `curl`, against the emulator (only the
//! host and the placeholders swapped), and checks that each answer has the
//! shape of the page's example answer: the same keys, the same JSON types,
//! the same `act` and `result`.

use std::process::Command;

use railgun_emulator::{Config, Emulator};
use serde_json::Value;

const PAGE: &str = include_str!("../../../spec/docs/optimized-partner-api/using-curl-with-the-api.md");
const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

/// One `$ curl …` line of the page and the answer printed under it.
struct Step {
    command: String,
    answer: Value,
}

fn steps() -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = PAGE.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.trim().strip_prefix("$ curl ") else {
            continue;
        };
        // The answer is the JSON that follows, up to the closing fence.
        let mut json = String::new();
        for body in lines.by_ref() {
            if body.trim_start().starts_with("```") {
                break;
            }
            json.push_str(body);
            json.push('\n');
        }
        steps.push(Step { command: command.to_owned(), answer: lenient_json(&json) });
    }
    steps
}

/// The page's JSON, with its trailing commas removed.
fn lenient_json(text: &str) -> Value {
    let (repaired, _) = xtask::docs::facts::drop_trailing_commas(text);
    serde_json::from_str(&repaired).unwrap_or_else(|e| panic!("the page's answer does not parse ({e}):\n{repaired}"))
}

/// Splits a shell command line the way the page writes them: words, and
/// single-quoted words.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Where `answer` differs in shape from `documented`.
fn shape_differences(documented: &Value, answer: &Value, path: &str, out: &mut Vec<String>) {
    match (documented, answer) {
        (Value::Object(doc), Value::Object(got)) => {
            for (key, doc_value) in doc {
                match got.get(key) {
                    Some(value) => shape_differences(doc_value, value, &format!("{path}.{key}"), out),
                    None => out.push(format!("{path}.{key}: missing")),
                }
            }
            for key in got.keys().filter(|k| !doc.contains_key(*k)) {
                out.push(format!("{path}.{key}: not in the documented answer"));
            }
        }
        (Value::Array(doc), Value::Array(got)) => {
            if let (Some(d), Some(g)) = (doc.first(), got.first()) {
                shape_differences(d, g, &format!("{path}[0]"), out);
            }
        }
        (doc, got) => {
            let kind = xtask::docs::check::json_type;
            if kind(doc) != kind(got) {
                out.push(format!("{path}: documented as {}, answered {}", kind(doc), kind(got)));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_curl_walkthrough_runs_against_the_emulator() {
    let steps = steps();
    assert_eq!(steps.len(), 4, "the page has four curl steps: user_lookup, init, suggestion_set, conn_set");

    let config = Config::new().host_key(HOST_KEY).user("user@example.com", "0123456789abcdef0123456789abcdef");
    let emulator = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let host = format!("http://{}/", emulator.addr());
    let mut rtkn = String::new();

    for (i, step) in steps.iter().enumerate() {
        let command = step
            .command
            .replace("https://api.cloudflare.com/", &host)
            .replace("https://www.cloudflare.com/", &host)
            .replace("YOUR_HOST_API_KEY", HOST_KEY)
            .replace("30_CHARACTER_RTKN", &rtkn);
        let mut args = shell_words(&command);
        args.extend(["--silent".to_owned(), "--show-error".to_owned(), "--max-time".to_owned(), "10".to_owned()]);
        let output = tokio::task::spawn_blocking(move || Command::new("curl").args(&args).output())
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("cannot run curl ({e}); install it (apt-get install curl)"));
        assert!(output.status.success(), "step {i}: curl {command}: {}", String::from_utf8_lossy(&output.stderr));
        let answer: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("step {i}: not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)));

        let mut differences = Vec::new();
        shape_differences(&step.answer, &answer, "", &mut differences);
        assert!(differences.is_empty(), "step {i}: curl {command}\nanswer: {answer}\n{}", differences.join("\n"));
        assert_eq!(answer["result"], "success", "step {i}: {answer}");
        let act = |v: &Value| v.get("response").and_then(|r| r.get("act")).cloned();
        assert_eq!(act(&answer), act(&step.answer), "step {i}");

        if answer["response"]["act"] == "railgun_init" {
            rtkn = answer["response"]["rtkn"].as_str().unwrap().to_owned();
            assert_eq!(rtkn.len(), 30, "the page calls it 30_CHARACTER_RTKN");
            // Step 3 of the page: the daemon starts and activates the Railgun.
            emulator.activate(&rtkn).unwrap();
        }
    }
    let snapshot = emulator.snapshot();
    assert_eq!(snapshot.suggestions.get("example.com"), Some(&1));
    assert_eq!(snapshot.connections.get("example.com"), Some(&(1, false)), "conn_set with mode=0");
}
