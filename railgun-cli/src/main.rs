//! `railgun`: the command line for Cloudflare Railgun's v2 and v4 APIs.
//!
//! One command per family and action of the specs `railgun-api` is
//! generated from (`railgun partner conn-set --zone example.com --mode
//! active`, `railgun cloudflare list-railguns --all`), and
//! fleet operations over thousands of zones (`railgun partner fleet connect
//! --railgun 42 --zones zones.txt`). Credentials and tokens come from the
//! environment or a config file, never from the command line. Exit status:
//! 0 done, 1 failed (or some zones failed), 2 usage error.

#![forbid(unsafe_code)]

mod calls;
mod config;
mod fleet;
mod output;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use railgun_api::fleet::{AccountRailgun, ByConnection, Stop, Target};
use railgun_api::v4::cloudflare::V4Api;
use railgun_api::{ApiBuilder, ClientApi, HttpMethod, PartnerApi, RetryPolicy};
use railgun_spec::ir::Api;

use config::Config;

/// Why the command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or settings: exit status 2.
    Usage(String),
    /// A call failed: exit status 1. The runtime's errors hold no secret.
    Call(railgun_api::Error),
    /// A call not safe to repeat failed after it may have taken effect
    /// (its answer was lost or unreadable): exit status 1, and a note that
    /// it was not sent again and the state should be read before sending
    /// it again.
    MayHaveBeenApplied {
        /// How it was called: `railgun partner init`.
        command: String,
        /// Why it failed.
        error: railgun_api::Error,
    },
    /// Output could not be written: exit status 1.
    Io(String),
    /// A fleet run stopped early on an error every zone would meet (its
    /// credentials refused, the service unreachable): exit status 1.
    Stopped(Stop),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Io(message) => f.write_str(message),
            Failure::Stopped(stop) => write!(f, "stopped: {stop}"),
            Failure::Call(error) => write!(f, "{error}"),
            Failure::MayHaveBeenApplied { command, error } => write!(
                f,
                "{error}\nnote: {command} is not safe to repeat and may have taken effect before it failed, so it \
                 was not sent again. Check the state before running it again."
            ),
        }
    }
}

impl Failure {
    /// This failure of `command`, a call that is not safe to repeat when
    /// `idempotent` is false, with the note that it may have taken effect
    /// when its error says so.
    fn of_call(self, command: impl FnOnce() -> String, idempotent: bool) -> Failure {
        match self {
            Failure::Call(error) if !idempotent && error.may_have_been_applied() => {
                Failure::MayHaveBeenApplied { command: command(), error }
            }
            other => other,
        }
    }
}

impl From<railgun_api::Error> for Failure {
    fn from(error: railgun_api::Error) -> Failure {
        match error {
            // Refused before anything was sent: the arguments were wrong.
            railgun_api::Error::InvalidInput { .. } => Failure::Usage(error.to_string()),
            other => Failure::Call(other),
        }
    }
}

/// The options every command takes.
pub struct Globals {
    base_url: Option<String>,
    method: HttpMethod,
    output: output::Format,
    timeout: Option<Duration>,
    attempts: u32,
    rate_limit: Option<u32>,
    show_secrets: bool,
}

impl Globals {
    fn from(matches: &ArgMatches) -> Globals {
        Globals {
            base_url: matches.get_one::<String>("base-url").cloned(),
            method: match matches.get_one::<String>("method").map(String::as_str) {
                Some("get") => HttpMethod::Get,
                _ => HttpMethod::Post,
            },
            output: match matches.get_one::<String>("output").map(String::as_str) {
                Some("table") => output::Format::Table,
                _ => output::Format::Json,
            },
            timeout: matches.get_one::<u64>("timeout").map(|s| Duration::from_secs(*s)),
            attempts: *matches.get_one::<u32>("attempts").expect("has a default"),
            rate_limit: matches.get_one::<u32>("rate-limit").copied(),
            show_secrets: matches.get_flag("show-secrets"),
        }
    }

    /// The base URL given: the option's, else the setting `base_url_name`
    /// (`$RAILGUN_BASE_URL` or the config file's `base_url`, say).
    pub fn given_base_url(&self, config: &Config, base_url_name: &str) -> Option<String> {
        self.base_url.clone().or_else(|| config.value(base_url_name))
    }

    /// The builder with these settings and the base URL given. The
    /// service's own, `retired_url`, answers no Railgun call since Railgun
    /// was retired, so it is refused, given or not, instead of waiting on
    /// it.
    pub fn apply<T>(
        &self,
        builder: ApiBuilder<T>,
        config: &Config,
        base_url_name: &str,
        retired_url: &str,
    ) -> Result<ApiBuilder<T>, Failure>
    where
        T: railgun_runtime::__private::FromSession,
    {
        let same = |url: &str| url.trim_end_matches('/').eq_ignore_ascii_case(retired_url.trim_end_matches('/'));
        let Some(url) = self.given_base_url(config, base_url_name).filter(|url| !same(url)) else {
            return Err(Failure::Usage(format!(
                "{retired_url} was retired with Railgun in January 2024 and answers no Railgun call: point \
                 --base-url, ${} or the config file's {base_url_name} at railgun-emulator, its local stand-in \
                 (`railgun-emulator` prints its base URLs)",
                config::env_name(base_url_name)
            )));
        };
        let mut builder = builder.base_url(url);
        builder = builder.method(self.method).retry(RetryPolicy::default().max_attempts(self.attempts));
        builder = match self.timeout {
            Some(timeout) => builder.timeout(timeout),
            None => builder,
        };
        if let Some(rate) = self.rate_limit {
            builder = builder.rate_limit(rate, rate.max(1));
        }
        Ok(builder.user_agent(concat!("railgun-cli/", env!("CARGO_PKG_VERSION"))))
    }
}

fn command(apis: &[&Api]) -> Command {
    let mut root = Command::new("railgun")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The command line for Cloudflare Railgun's v2 API (Client API and Optimized Partner API) and v4 API")
        .long_about(
            "The command line for Cloudflare Railgun's APIs: one command per family and action of the specs \
             railgun-api is generated from (v2: client and partner; v4: cloudflare), and fleet operations over \
             many zones.\n\n\
             Credentials come from the environment (v2: RAILGUN_HOST_KEY, or RAILGUN_EMAIL and RAILGUN_TKN; \
             RAILGUN_RTKN for a Railgun's token; v4: RAILGUN_API_EMAIL and RAILGUN_API_KEY, or RAILGUN_API_TOKEN) \
             or a YAML config file (--config, $RAILGUN_CONFIG or ~/.config/railgun/config.yaml) with the same \
             names in lowercase (host_key, email, tkn, rtkn, api_email, api_key, api_token, base_url, \
             v4_base_url); never from the command line, where every user of the machine can read them.\n\n\
             Exit status: 0 done, 1 a call failed (or some zones did), 2 usage error.",
        )
        .subcommand_required(true)
        .arg(Arg::new("base-url").help_heading("Global options").long("base-url").global(true).value_name("URL").help(
            "Where calls go (default: $RAILGUN_BASE_URL or the config file's base_url for v2, \
                     $RAILGUN_V4_BASE_URL or v4_base_url for v4, else the service's)",
        ))
        .arg(
            Arg::new("method")
                .help_heading("Global options")
                .long("method")
                .global(true)
                .value_parser(["post", "get"])
                .default_value("post")
                .help("How v2 actions are sent; POST keeps credentials out of URLs"),
        )
        .arg(
            Arg::new("output")
                .help_heading("Global options")
                .long("output")
                .short('o')
                .global(true)
                .value_parser(["json", "table"])
                .default_value("json")
                .help("How single calls print their answer"),
        )
        .arg(
            Arg::new("show-secrets")
                .help_heading("Global options")
                .long("show-secrets")
                .global(true)
                .action(ArgAction::SetTrue)
                .help(
                    "Print the secrets an answer holds (railgun_api_key, activation_key); by default only a call \
                     that creates a Railgun prints its token",
                ),
        )
        .arg(
            Arg::new("config")
                .help_heading("Global options")
                .long("config")
                .global(true)
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("YAML config file with credentials and base_url"),
        )
        .arg(
            Arg::new("timeout")
                .help_heading("Global options")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Longest wait for one call, retries included (default 30)"),
        )
        .arg(
            Arg::new("attempts")
                .help_heading("Global options")
                .long("attempts")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..=20))
                .default_value("4")
                .help(
                    "Attempts of a call; one that is not safe to repeat (init, create-railgun, …) is sent again \
                     only when it certainly had no effect",
                ),
        )
        .arg(
            Arg::new("verbose")
                .help_heading("Global options")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::Count)
                .help(
                    "Say on stderr what calls do: -v each retry and why, -vv each request, answer and call with \
                     its time (never a secret); a fleet run shows no progress bar then",
                ),
        )
        .arg(
            Arg::new("rate-limit")
                .help_heading("Global options")
                .long("rate-limit")
                .global(true)
                .value_name("PER_SECOND")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Most calls per second (default: no limit)"),
        );
    for api in apis {
        for (id, family) in api.families() {
            let mut sub = Command::new(family.name.clone())
                .about(format!("The {}", family.title))
                .long_about(format!("{}\nUpstream: {}", family.doc.trim(), family.docs_url))
                .subcommand_required(true)
                .subcommands(calls::endpoint_commands(api, id));
            match fleet_client(&family.client) {
                Some(FleetClient::V2) => sub = sub.subcommand(fleet::command::<Target>()),
                Some(FleetClient::V4) => sub = sub.subcommand(fleet::command::<AccountRailgun>()),
                None => {}
            }
            root = root.subcommand(sub);
        }
    }
    root.subcommand(
        Command::new("completions")
            .about("Print a completion script for a shell")
            .long_about(
                "Print a completion script for a shell, for every command and option: for instance \
                 `railgun completions bash > ~/.local/share/bash-completion/completions/railgun`, or \
                 `railgun completions zsh > \"${fpath[1]}/_railgun\"`.",
            )
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("bash, zsh, fish, elvish or powershell"),
            ),
    )
    .subcommand(
        Command::new("activate")
            .about("Activate a Railgun on the local emulator, as its daemon would (emulator only)")
            .long_about(
                "Activate a Railgun on railgun-emulator, as its daemon would on the real service. Its token comes \
                 from $RAILGUN_RTKN, the config file's rtkn or --rtkn-file.",
            )
            .arg(
                Arg::new("rtkn-file")
                    .long("rtkn-file")
                    .value_name("PATH")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Read the token from this file ('-': stdin)"),
            ),
    )
}

/// How a family's client takes part in fleet runs.
enum FleetClient {
    /// `railgun_api::fleet::Connections` itself, naming a Railgun by
    /// [`Target`].
    V2,
    /// Through `railgun_api::fleet::ByConnection`, naming a Railgun by
    /// [`AccountRailgun`].
    V4,
}

/// The fleet of the client type `client` names, if it has one.
fn fleet_client(client: &str) -> Option<FleetClient> {
    match client {
        "ClientApi" | "PartnerApi" => Some(FleetClient::V2),
        "V4Api" => Some(FleetClient::V4),
        _ => None,
    }
}

async fn run(apis: &[&Api], matches: &ArgMatches) -> Result<ExitCode, Failure> {
    let (family_name, sub) = matches.subcommand().expect("a subcommand is required");
    if family_name == "completions" {
        let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command(apis), "railgun", &mut script);
        let mut out = std::io::stdout().lock();
        out.write_all(&script)
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Io(format!("cannot write to stdout: {e}")))?;
        return Ok(ExitCode::SUCCESS);
    }
    let globals = Globals::from(matches);
    let config = Config::load(matches.get_one::<PathBuf>("config").map(PathBuf::as_path))?;
    if family_name == "activate" {
        // The emulator's `activate` is a v2 action.
        let session = calls::anonymous(apis[0], &globals, &config)?;
        let rtkn = config.secret("rtkn", sub.get_one::<PathBuf>("rtkn-file").map(PathBuf::as_path))?;
        let answer = calls::activate(&session, &rtkn).await?;
        output::print(&answer, globals.output)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (api, id, family) = apis
        .iter()
        .find_map(|api| api.families().find(|(_, f)| f.name == family_name).map(|(id, f)| (*api, id, f)))
        .expect("clap knows the families");
    let (action, args) = sub.subcommand().expect("a subcommand is required");
    if action == "fleet" {
        let (op, args) = args.subcommand().expect("a subcommand is required");
        // Credentials are read only for a fleet run: `--help` needs none.
        let summary = match family.client.as_str() {
            "PartnerApi" => {
                let client: PartnerApi = calls::client(api, family, &globals, &config)?;
                let shared = client.clone();
                fleet::run(client, Arc::new(move || shared.pauses()), op, args, &config).await?
            }
            "ClientApi" => {
                let client: ClientApi = calls::client(api, family, &globals, &config)?;
                let shared = client.clone();
                fleet::run(client, Arc::new(move || shared.pauses()), op, args, &config).await?
            }
            "V4Api" => {
                let client: V4Api = calls::client(api, family, &globals, &config)?;
                let shared = client.clone();
                fleet::run(ByConnection::new(client), Arc::new(move || shared.pauses()), op, args, &config).await?
            }
            other => return Err(Failure::Usage(format!("no fleet client for {other}"))),
        };
        return match summary.stopped {
            // The summary said so.
            Some(Stop::Cancelled) => Ok(ExitCode::FAILURE),
            Some(stop) => Err(Failure::Stopped(stop)),
            None => Ok(if summary.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }),
        };
    }
    let endpoint = api.endpoints_of(id).find(|e| calls::kebab(&e.action) == action).expect("clap knows the actions");
    let session = calls::session(api, family, &globals, &config)?;
    let printed = calls::call(api, endpoint, &session, args, &config, globals.show_secrets)
        .await
        .map_err(|failure| failure.of_call(|| format!("railgun {family_name} {action}"), endpoint.idempotent))?;
    output::print(&printed.answer, globals.output)?;
    let hidden = printed.secrets.hidden();
    if !hidden.is_empty() {
        let names: Vec<&str> = hidden.iter().map(String::as_str).collect();
        eprintln!("note: secrets not printed: {} (--show-secrets prints them)", names.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// The specs `railgun-api` was built from: v2's, then v4's.
fn specs() -> Result<Vec<railgun_spec::ValidSpec>, String> {
    [(railgun_api::SPEC, "spec/railgun.yaml"), (railgun_api::SPEC_V4, "spec/railgun-v4.yaml")]
        .into_iter()
        .map(|(text, file)| {
            railgun_spec::parse(text, file)
                .map_err(|errors| format!("the spec railgun-api was built from does not read:\n{errors}"))
        })
        .collect()
}

fn main() -> ExitCode {
    let specs = match specs() {
        Ok(specs) => specs,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let apis: Vec<&Api> = specs.iter().map(|spec| spec.api()).collect();
    let matches = match command(&apis).try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    log_to_stderr(matches.get_count("verbose"));
    match runtime.block_on(run(&apis, &matches)) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {failure}");
            match failure {
                Failure::Usage(_) => ExitCode::from(2),
                Failure::Call(_) | Failure::MayHaveBeenApplied { .. } | Failure::Io(_) | Failure::Stopped(_) => {
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `--verbose`: the runtime's events on stderr, its retries (`-v`) or
/// everything (`-vv`: requests, answers, and each call's span as it closes,
/// with its time). The runtime's events hold no secret, and only the
/// runtime's are shown.
fn log_to_stderr(verbose: u8) {
    use tracing_subscriber::layer::SubscriberExt;

    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish()
        .with(tracing_subscriber::filter::Targets::new().with_target("railgun_runtime", level));
    // Only fails when a subscriber is set already, which nothing else does.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_valid() {
        let specs = specs().unwrap();
        let apis: Vec<&Api> = specs.iter().map(|spec| spec.api()).collect();
        let command = command(&apis);
        command.clone().debug_assert();
        let families: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(families, ["client", "partner", "cloudflare", "completions", "activate"]);
    }
}
