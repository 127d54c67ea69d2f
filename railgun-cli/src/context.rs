//! What the generated commands (`generated/`) call back into: credentials
//! and settings, the client's configuration, how a failure is reported,
//! and how an answer is printed. Everything here is the command line's
//! own; nothing is an endpoint.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::pin::pin;
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::{ApiBuilder, HttpMethod, RetryPolicy, Secret, Stream};
use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, env_name};
pub use crate::failure::Failure;
use crate::output::{self, Format};

/// The options every command takes, and the config file: what the
/// generated commands read their credentials and settings from.
pub struct Context {
    pub config: Config,
    pub base_url: Option<String>,
    pub method: HttpMethod,
    pub output: Format,
    pub timeout: Option<Duration>,
    pub attempts: u32,
    pub rate_limit: Option<u32>,
    pub show_secrets: bool,
}

impl Context {
    /// A secret by name (`rtkn`): from the file `file` names (`-`: stdin)
    /// when given, else `$RAILGUN_<NAME>`, else the config file.
    pub fn secret(&self, name: &str, file: Option<&PathBuf>) -> Result<Secret, Failure> {
        self.config.secret(name, file.map(PathBuf::as_path))
    }

    /// A credential that may be shown (`email`), by its setting's name.
    pub fn credential(&self, setting: &str) -> Result<String, Failure> {
        self.config.value(setting).ok_or_else(|| {
            Failure::Usage(format!("{setting} is needed: set {} or the config file's `{setting}`", env_name(setting)))
        })
    }

    /// A secret credential (`host_key`), by its setting's name.
    pub fn secret_credential(&self, setting: &str) -> Result<Secret, Failure> {
        self.config.secret(setting, None)
    }

    /// Whether every one of `settings` is set.
    pub fn has(&self, settings: &[&str]) -> bool {
        settings.iter().all(|setting| self.config.value(setting).is_some())
    }

    /// The failure of a family none of whose ways to authenticate (`ways`,
    /// each its settings) is complete.
    pub fn missing_credentials(&self, family: &str, ways: &[&[&str]]) -> Failure {
        let choices: Vec<String> = ways
            .iter()
            .map(|settings| settings.iter().map(|s| env_name(s)).collect::<Vec<_>>().join(" and "))
            .collect();
        let names: Vec<String> = ways.iter().flat_map(|settings| settings.iter().map(|s| format!("`{s}`"))).collect();
        Failure::Usage(format!(
            "{family} needs credentials: set {}, or the config file's {} (never on the command line, where every \
             user of this machine can read them)",
            choices.join(", or "),
            names.join(", ")
        ))
    }

    /// The base URL given: the option's, else the setting `setting`
    /// (`$RAILGUN_BASE_URL` or the config file's `base_url`, say).
    pub fn given_base_url(&self, setting: &str) -> Option<String> {
        self.base_url.clone().or_else(|| self.config.value(setting))
    }

    /// `builder` with these settings and the base URL given. The service's
    /// own, `service_url`, answers no Railgun call since Railgun was
    /// retired, so it is refused, given or not, instead of waiting on it.
    pub fn configure<T>(
        &self,
        builder: ApiBuilder<T>,
        setting: &str,
        service_url: &str,
    ) -> Result<ApiBuilder<T>, Failure> {
        let same = |url: &str| url.trim_end_matches('/').eq_ignore_ascii_case(service_url.trim_end_matches('/'));
        let Some(url) = self.given_base_url(setting).filter(|url| !same(url)) else {
            return Err(Failure::Usage(format!(
                "{service_url} was retired with Railgun in January 2024 and answers no Railgun call: point \
                 --base-url, ${} or the config file's {setting} at railgun-emulator, its local stand-in \
                 (`railgun-emulator` prints its base URLs)",
                env_name(setting)
            )));
        };
        let mut builder = builder
            .base_url(url)
            .method(self.method)
            .retry(RetryPolicy::default().max_attempts(self.attempts))
            .user_agent(concat!("railgun-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(rate) = self.rate_limit {
            builder = builder.rate_limit(rate, rate.max(1));
        }
        Ok(builder)
    }

    /// The failure of `command`, with the note that it may have taken
    /// effect when it is not safe to repeat (`idempotent` false) and its
    /// error says so.
    pub fn failed(&self, error: railgun_api::Error, command: &str, idempotent: bool) -> Failure {
        if !idempotent && error.may_have_been_applied() {
            return Failure::MayHaveBeenApplied { command: command.to_owned(), error };
        }
        Failure::from(error)
    }

    /// A subcommand none of the generated commands knows.
    pub fn unknown_command(&self, name: &str) -> Failure {
        Failure::Usage(format!("unknown command '{name}'"))
    }

    /// Whether an answer's secrets are printed: with `--show-secrets`, or
    /// when the call is not safe to repeat: such a call creates something
    /// (`init`, `create-railgun`), and its answer is the one place that
    /// hands out the new Railgun's token.
    fn shows_secrets(&self, idempotent: bool) -> bool {
        self.show_secrets || !idempotent
    }

    /// Prints a typed answer, as the client decoded it; stderr names the
    /// secrets left out.
    pub fn print<T: Serialize>(&self, answer: &T, idempotent: bool) -> Result<(), Failure> {
        let value = self.to_value(answer, idempotent)?;
        output::print(&value, self.output)?;
        let mut hidden = BTreeSet::new();
        redacted_keys(&value, "", &mut hidden);
        note_hidden(&hidden);
        Ok(())
    }

    /// Prints every item of a list as its pages arrive: a JSON array
    /// written item by item, so memory holds a page, not the list. A table
    /// needs every row for its columns' widths, and is printed at the end.
    /// An error ends the list where it happened.
    pub async fn print_stream<T: Serialize>(
        &self,
        items: impl Stream<Item = Result<T, railgun_api::Error>>,
        command: &str,
        idempotent: bool,
    ) -> Result<(), Failure> {
        let mut items = pin!(items);
        let mut hidden = BTreeSet::new();
        let mut rows = Vec::new();
        let mut json = output::JsonArray::new();
        let mut failure = None;
        while let Some(item) = items.next().await {
            let value = match item {
                Ok(item) => self.to_value(&item, idempotent)?,
                Err(error) => {
                    failure = Some(self.failed(error, command, idempotent));
                    break;
                }
            };
            redacted_keys(&value, "", &mut hidden);
            match self.output {
                Format::Json => json.push(&value)?,
                Format::Table => rows.push(value),
            }
        }
        match self.output {
            Format::Json => json.finish()?,
            Format::Table => output::print(&Value::Array(rows), self.output)?,
        }
        note_hidden(&hidden);
        failure.map_or(Ok(()), Err)
    }

    /// The answer as JSON, its secrets written out only when they are to
    /// be printed.
    fn to_value<T: Serialize>(&self, answer: &T, idempotent: bool) -> Result<Value, Failure> {
        let value = if self.shows_secrets(idempotent) {
            Secret::exposed_in(|| serde_json::to_value(answer))
        } else {
            serde_json::to_value(answer)
        };
        value.map_err(|e| Failure::Io(format!("cannot write the answer: {e}")))
    }
}

/// The keys whose values `Secret` wrote as `** redacted **`.
fn redacted_keys(value: &Value, key: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::String(text) if text == railgun_api::Secret::new("").to_string().as_str() => {
            out.insert(key.to_owned());
        }
        Value::Object(map) => map.iter().for_each(|(k, v)| redacted_keys(v, k, out)),
        Value::Array(items) => items.iter().for_each(|v| redacted_keys(v, key, out)),
        _ => {}
    }
}

fn note_hidden(hidden: &BTreeSet<String>) {
    if !hidden.is_empty() {
        let names: Vec<&str> = hidden.iter().map(String::as_str).collect();
        eprintln!("note: secrets not printed: {} (--show-secrets prints them)", names.join(", "));
    }
}
