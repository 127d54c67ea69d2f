//! `railgun`: the command line for Cloudflare Railgun's v2 and v4 APIs.
//!
//! One command per family and endpoint of the specs `railgun-api` is
//! generated from (`railgun partner conn-set --zone example.com --mode
//! active`, `railgun cloudflare list-railguns --all`), generated from the
//! same model as the client (`generated/`, written by `cargo xtask
//! codegen`): each calls the typed client method and prints its typed
//! answer. By hand, only what is not an endpoint: credentials and settings
//! (`context`, `config`), output (`output`), fleet operations over
//! thousands of zones (`fleet`), completions and the emulator's
//! `activate`. Credentials and tokens come from the environment or a
//! config file, never from the command line. Exit status: 0 done, 1 failed
//! (or some zones failed), 2 usage error.

#![forbid(unsafe_code)]

mod config;
mod context;
mod failure;
mod fleet;
mod output;

/// The commands generated from the specs: `cargo xtask codegen` writes them.
// Written as `cargo xtask codegen` lays it out, which the freshness test
// compares byte for byte: not rustfmt's.
#[rustfmt::skip]
mod generated {
    pub mod railgun;
    pub mod railgun_v4;
}

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use railgun_api::HttpMethod;
use railgun_api::fleet::{AccountRailgun, ByConnection, Stop, Target};

use config::Config;
use context::Context;
use failure::Failure;
use generated::railgun::Family as V2Family;
use generated::railgun_v4::Family as V4Family;

/// A family of either API: a command with one subcommand per endpoint,
/// and a `fleet` subcommand.
#[derive(Debug, Clone, Copy)]
enum Family {
    V2(V2Family),
    V4(V4Family),
}

impl Family {
    fn all() -> impl Iterator<Item = Family> {
        V2Family::ALL.into_iter().map(Family::V2).chain(V4Family::ALL.into_iter().map(Family::V4))
    }

    fn named(name: &str) -> Option<Family> {
        Family::all().find(|family| family.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Family::V2(family) => family.name(),
            Family::V4(family) => family.name(),
        }
    }

    /// The family's command: its endpoints' and its fleet's. A v2 family
    /// names a Railgun by id and token, a v4 one by account and tag.
    fn command(self) -> Command {
        match self {
            Family::V2(family @ (V2Family::Client | V2Family::Partner)) => {
                family.command().subcommand(fleet::command::<Target>())
            }
            Family::V4(family @ V4Family::Cloudflare) => {
                family.command().subcommand(fleet::command::<AccountRailgun>())
            }
        }
    }

    /// Runs `railgun <family> fleet <op>` through the family's client.
    async fn run_fleet(self, op: &str, args: &ArgMatches, context: &Context) -> Result<fleet::Summary, Failure> {
        // Credentials are read only for a run: `--help` needs none.
        match self {
            Family::V2(V2Family::Client) => {
                let api = generated::railgun::client::api(context)?;
                let shared = api.clone();
                let service = service(context, "client", "base_url");
                fleet::run(api, Arc::new(move || shared.pauses()), op, args, &context.config, &service).await
            }
            Family::V2(V2Family::Partner) => {
                let api = generated::railgun::partner::api(context)?;
                let shared = api.clone();
                let service = service(context, "partner", "base_url");
                fleet::run(api, Arc::new(move || shared.pauses()), op, args, &context.config, &service).await
            }
            Family::V4(V4Family::Cloudflare) => {
                let api = generated::railgun_v4::cloudflare::api(context)?;
                let shared = api.clone();
                let service = service(context, "cloudflare", "v4_base_url");
                let pauses = Arc::new(move || shared.pauses());
                fleet::run(ByConnection::new(api), pauses, op, args, &context.config, &service).await
            }
        }
    }

    /// Runs an endpoint's subcommand.
    async fn run(self, matches: &ArgMatches, context: &Context) -> Result<(), Failure> {
        match self {
            Family::V2(family) => family.run(matches, context).await,
            Family::V4(family) => family.run(matches, context).await,
        }
    }
}

/// Which service a fleet run works on, for its journal: the family and
/// the base URL given (a journal is not shared by two services).
fn service(context: &Context, family: &str, setting: &str) -> String {
    let url = context.given_base_url(setting).unwrap_or_else(|| "the default base URL".to_owned());
    format!("{family} at {url}")
}

/// The options every command takes, and the config file.
fn context(matches: &ArgMatches) -> Result<Context, Failure> {
    Ok(Context {
        config: Config::load(
            matches.get_one::<PathBuf>("config").map(PathBuf::as_path),
            matches.get_one::<String>("profile").map(String::as_str),
        )?,
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
    })
}

fn command() -> Command {
    let root = Command::new("railgun")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The command line for Cloudflare Railgun's v2 API (Client API and Optimized Partner API) and v4 API")
        .long_about(
            "The command line for Cloudflare Railgun's APIs: one command per family and action of the specs \
             railgun-api is generated from (v2: client and partner; v4: cloudflare), and fleet operations over \
             many zones.\n\n\
             Credentials come from the environment (v2: RAILGUN_HOST_KEY, or RAILGUN_EMAIL and RAILGUN_TKN; \
             RAILGUN_RTKN for a Railgun's token; v4: RAILGUN_API_EMAIL and RAILGUN_API_KEY, or RAILGUN_API_TOKEN, \
             also read as CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY, CLOUDFLARE_API_TOKEN or CF_API_*) or a TOML \
             config file (--config, $RAILGUN_CONFIG or ~/.config/railgun/config.toml; readable by its owner \
             alone) with the same names in lowercase (host_key, email, tkn, rtkn, api_email, api_key, api_token, \
             base_url, v4_base_url), at its top or in a [profiles.NAME] table (--profile, $RAILGUN_PROFILE); \
             never from the command line, where every user of the machine can read them.\n\n\
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
                .help("TOML config file with credentials and base URLs (readable by its owner alone)"),
        )
        .arg(
            Arg::new("profile")
                .help_heading("Global options")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("The config file's [profiles.NAME] settings over its top-level ones (default: $RAILGUN_PROFILE)"),
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
    root.subcommands(Family::all().map(Family::command))
        .subcommand(
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
                    "Activate a Railgun on railgun-emulator, as its daemon would on the real service. Its token \
                     comes from $RAILGUN_RTKN, the config file's rtkn or --rtkn-file.",
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

async fn run(matches: &ArgMatches) -> Result<ExitCode, Failure> {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    if name == "completions" {
        let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command(), "railgun", &mut script);
        let mut out = std::io::stdout().lock();
        out.write_all(&script)
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Io(format!("cannot write to stdout: {e}")))?;
        return Ok(ExitCode::SUCCESS);
    }
    let context = context(matches)?;
    if name == "activate" {
        activate(sub, &context).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let family = Family::named(name).ok_or_else(|| context.unknown_command(name))?;
    if let Some(("fleet", args)) = sub.subcommand() {
        let (op, args) = args.subcommand().expect("a subcommand is required");
        let summary = family.run_fleet(op, args, &context).await?;
        return match summary.stopped {
            // The summary said so.
            Some(Stop::Cancelled) => Ok(ExitCode::FAILURE),
            Some(stop) => Err(Failure::Stopped(stop)),
            None => Ok(if summary.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }),
        };
    }
    family.run(sub, &context).await?;
    Ok(ExitCode::SUCCESS)
}

/// `railgun activate`: the emulator's activation of the Railgun whose
/// token is given. The service has no such action, so the base URL must
/// be given: the emulator's.
async fn activate(args: &ArgMatches, context: &Context) -> Result<(), Failure> {
    let setting = "base_url";
    if context.given_base_url(setting).is_none() {
        return Err(Failure::Usage(format!(
            "activate is an action of railgun-emulator only: point --base-url, ${} or the config file's {setting} \
             at the emulator's v2 URL (it prints it: `railgun-emulator listening on …`)",
            config::env_name(setting)
        )));
    }
    let rtkn = context.secret("rtkn", args.get_one::<PathBuf>("rtkn-file"))?;
    let builder = railgun_api::emulator::EmulatorApi::builder();
    let api = context.configure(builder, setting, "https://www.cloudflare.com/api/v2/railgun/")?.build()?;
    let answer = api.activate(&rtkn).await.map_err(|error| context.failed(error, "railgun activate", true))?;
    context.print(&answer, true)
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
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
    match runtime.block_on(run(&matches)) {
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
        let command = command();
        command.clone().debug_assert();
        let families: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(families, ["client", "partner", "cloudflare", "completions", "activate"]);
    }
}
