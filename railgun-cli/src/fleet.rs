//! `railgun <family> fleet <op>`: a desired-state operation over the zones
//! of a file or stdin, through `railgun_api::fleet`, with a progress bar, a
//! JSON line per zone, a summary, dry runs and a journal to resume from.
//!
//! v2 families name a Railgun by its id and token and zones by their names;
//! v4 (`cloudflare`) names a Railgun by its account and tag and zones by
//! their ids ([`Named`]).

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use railgun_api::Pauses;
use railgun_api::fleet::{AccountRailgun, Connections, Desired, Fleet, Railgun, RailgunId, Stop, Target, ZoneReport};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::failure::Failure;

/// How a family's fleet commands name the Railgun and the zones.
pub trait Named: Railgun {
    /// What a line of the zones file is, for help and errors.
    const ZONE: &'static str;
    /// The options that name the Railgun.
    fn args() -> Vec<Arg>;
    /// The Railgun the options name.
    fn from_args(matches: &ArgMatches, config: &Config) -> Result<Self, Failure>;
    /// Whether `zone` (trimmed, lowercase) is one.
    fn is_zone(zone: &str) -> bool;
    /// Why a run was refused when the Railgun `given` names is not the
    /// one its credentials name (`named`).
    fn mismatch(&self, given: &RailgunId, named: Option<&RailgunId>) -> String;
}

/// Where a Railgun's token is read from, for messages.
const TOKEN_SOURCES: &str = "$RAILGUN_RTKN, the config file's `rtkn` or --rtkn-file";

impl Named for Target {
    const ZONE: &'static str = "a domain name";

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("railgun")
                .long("railgun")
                .value_name("ID")
                .value_parser(clap::value_parser!(u64))
                .required(true)
                .help(
                    "Id of the Railgun; its token comes from $RAILGUN_RTKN, the config file's `rtkn` or --rtkn-file, \
                     and must be this Railgun's (checked before anything is changed)",
                ),
            Arg::new("rtkn-file")
                .long("rtkn-file")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Read the Railgun's token from this file instead of $RAILGUN_RTKN"),
        ]
    }

    fn from_args(matches: &ArgMatches, config: &Config) -> Result<Target, Failure> {
        let railgun_id = *matches.get_one::<u64>("railgun").expect("required");
        let rtkn = config.secret("rtkn", matches.get_one::<PathBuf>("rtkn-file").map(PathBuf::as_path))?;
        Ok(Target::new(railgun_id, rtkn))
    }

    fn is_zone(zone: &str) -> bool {
        railgun_api::fleet::is_domain_name(zone)
    }

    fn mismatch(&self, given: &RailgunId, named: Option<&RailgunId>) -> String {
        match named {
            Some(named) => format!(
                "the Railgun token ({TOKEN_SOURCES}) is Railgun {named}'s, not Railgun {given}'s (--railgun \
                 {given}); nothing was changed. Give --railgun {named}, or Railgun {given}'s token"
            ),
            None => format!(
                "the Railgun token ({TOKEN_SOURCES}) is not the token of any Railgun this account lists, so it is \
                 not Railgun {given}'s (--railgun {given}); nothing was changed"
            ),
        }
    }
}

impl Named for AccountRailgun {
    const ZONE: &'static str = "a zone identifier tag (1 to 32 letters and digits)";

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("account")
                .long("account")
                .value_name("ID")
                .required(true)
                .value_parser(|s: &str| tag(s, "an account"))
                .help("Identifier tag of the account that owns the Railgun"),
            Arg::new("railgun")
                .long("railgun")
                .value_name("ID")
                .required(true)
                .value_parser(|s: &str| tag(s, "a Railgun"))
                .help(
                    "Identifier tag of the Railgun; when its activation key is set too ($RAILGUN_RTKN, the config \
                     file's `rtkn` or --rtkn-file), the key must be this Railgun's (checked before anything is \
                     changed)",
                ),
            Arg::new("rtkn-file")
                .long("rtkn-file")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Read the Railgun's activation key from this file instead of $RAILGUN_RTKN"),
        ]
    }

    fn from_args(matches: &ArgMatches, config: &Config) -> Result<AccountRailgun, Failure> {
        let value = |name: &str| matches.get_one::<String>(name).expect("required").clone();
        let railgun = AccountRailgun::new(value("account"), value("railgun"));
        let file = matches.get_one::<PathBuf>("rtkn-file").map(PathBuf::as_path);
        // The key only names the Railgun here: without one, the tag alone does.
        if file.is_none() && config.value("rtkn").is_none() {
            return Ok(railgun);
        }
        Ok(railgun.with_activation_key(config.secret("rtkn", file)?))
    }

    fn is_zone(zone: &str) -> bool {
        is_tag(zone)
    }

    fn mismatch(&self, given: &RailgunId, named: Option<&RailgunId>) -> String {
        let account = &self.account;
        match (named, &self.activation_key) {
            (Some(named), _) => format!(
                "the activation key ({TOKEN_SOURCES}) is Railgun {named}'s, not Railgun {given}'s (--railgun \
                 {given}); nothing was changed. Give --railgun {named}, or Railgun {given}'s key"
            ),
            (None, Some(_)) => format!(
                "the activation key ({TOKEN_SOURCES}) is not the key of any Railgun of account {account}, so it is \
                 not Railgun {given}'s (--railgun {given}); nothing was changed"
            ),
            (None, None) => {
                format!("account {account} has no Railgun {given} (--account, --railgun); nothing was changed")
            }
        }
    }
}

/// Cloudflare's identifier tags: up to 32 characters, letters and digits.
fn is_tag(text: &str) -> bool {
    (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn tag(text: &str, what: &str) -> Result<String, String> {
    if is_tag(text) {
        Ok(text.to_owned())
    } else {
        Err(format!("not an identifier tag of {what} (1 to 32 letters and digits)"))
    }
}

/// The `fleet` subcommand and its operations, the Railgun named as `T`
/// names it.
pub fn command<T: Named>() -> Command {
    let zones = Arg::new("zones")
        .long("zones")
        .value_name("PATH")
        .value_parser(clap::value_parser!(PathBuf))
        .default_value("-")
        .help(format!("File with one zone per line, each {} ('#' starts a comment); '-' reads stdin", T::ZONE));
    let common = [
        zones,
        Arg::new("concurrency")
            .long("concurrency")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..=1024))
            .default_value("16")
            .help("Zones reconciled at once"),
        Arg::new("rounds")
            .long("rounds")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..=10))
            .default_value("3")
            .help("Rounds of read, change and verify per zone before it is reported as failed"),
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Read every zone and print the change it needs; change nothing"),
        Arg::new("journal")
            .long("journal")
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Append each zone that ends as desired to this file, and skip the zones it already holds"),
    ];
    let with_target = |c: Command| c.args(common.clone()).args(T::args());
    let mode = Arg::new("mode")
        .long("mode")
        .value_parser(["active", "inactive"])
        .default_value("active")
        .help("Connect with Railgun enabled (active) or not (inactive)");
    Command::new("fleet")
        .about("Desired-state operations over many zones: each zone read, changed once, and read again")
        .long_about(
            "Desired-state operations over many zones. Each zone is read, the one change that brings it to the \
             desired state is made (none if it is already there), and it is read again to verify; a change that \
             failed is followed by a read, so nothing is sent twice blindly. One JSON line per zone on stdout, a \
             progress bar and a summary on stderr. Exit status: 0 when every zone ended as desired, 1 when some \
             did not, 2 for a usage error.",
        )
        .subcommand_required(true)
        .subcommand(with_target(Command::new("connect").about("Connect every zone to the Railgun").arg(mode)))
        .subcommand(with_target(Command::new("disconnect").about("Remove every zone's connection to the Railgun")))
        .subcommand(with_target(Command::new("enable").about("Enable Railgun on every zone connected to it")))
        .subcommand(with_target(Command::new("disable").about("Disable Railgun on every zone connected to it")))
        .subcommand(Command::new("audit").about("Report every zone's active connection").args(common))
}

/// One line of the journal: a zone that ended as desired, for one job.
#[derive(Serialize, Deserialize)]
struct Done {
    job: String,
    zone: String,
}

/// What a run ended with.
pub struct Summary {
    /// Zones that did not end as desired.
    pub failed: u64,
    /// Why the run stopped before every zone was done, if it did.
    pub stopped: Option<Stop>,
}

/// The pauses 429 answers imposed on the run's client so far.
pub type PausesFn = Arc<dyn Fn() -> Pauses + Send + Sync>;

/// Runs `op` over the zones of `matches` through `api`; `pauses` reads the
/// client's pauses, shown on the progress bar and after the summary.
pub async fn run<A>(
    api: A,
    pauses: PausesFn,
    op: &str,
    matches: &ArgMatches,
    config: &Config,
    service: &str,
) -> Result<Summary, Failure>
where
    A: Connections,
    A::Railgun: Named,
{
    let zones = read_zones::<A::Railgun>(matches.get_one::<PathBuf>("zones").expect("has a default"))?;
    let desired = desired(op, matches, config)?;
    let dry_run = matches.get_flag("dry-run");
    let job = format!("{} on {service}", job_name(&desired));
    let journal_path = matches.get_one::<PathBuf>("journal");
    let done: HashSet<String> = match journal_path {
        Some(path) => read_journal(path, &job)?,
        None => HashSet::new(),
    };
    let todo: Vec<String> = zones.iter().filter(|z| !done.contains(*z)).cloned().collect();
    let skipped = zones.len() - todo.len();
    let mut journal = match journal_path.filter(|_| !dry_run) {
        Some(path) => Some(open_journal(path)?),
        None => None,
    };

    // With --verbose, stderr has the runtime's lines instead.
    let bar = if matches.get_count("verbose") > 0 {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar(todo.len() as u64, pauses.clone())
    };
    let progress_bar = bar.clone();
    let fleet = Fleet::new(api)
        .concurrency(*matches.get_one::<u32>("concurrency").expect("has a default") as usize)
        .rounds(*matches.get_one::<u32>("rounds").expect("has a default"))
        .dry_run(dry_run)
        .total(todo.len() as u64)
        .on_progress(move |p| {
            progress_bar.set_position(p.finished);
            if p.failed > 0 {
                progress_bar.set_message(format!("{} failed", p.failed));
            }
        });
    let cancel = fleet.cancel_handle();
    let on_signal = cancel.clone();
    let signals = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });

    let stdout = std::io::stdout();
    let (mut changed, mut unchanged, mut failed, mut finished) = (0u64, 0u64, 0u64, 0u64);
    let given = desired.railgun().cloned();
    let mut reports = fleet.run(todo.clone(), desired);
    while let Some(report) = reports.next().await {
        finished += 1;
        match (&report.error, report.applied || (dry_run && report.change != railgun_api::fleet::Change::None)) {
            (Some(_), _) => failed += 1,
            (None, true) => changed += 1,
            (None, false) => unchanged += 1,
        }
        // The journal first: every zone a printed line says is done is in
        // it, even when the run is killed between the two writes.
        if let Some(journal) = journal.as_mut().filter(|_| report.is_ok()) {
            record(journal, &job, &report)?;
        }
        let line = serde_json::to_string(&report).map_err(|e| Failure::Io(e.to_string()))?;
        bar.suspend(|| {
            let mut out = stdout.lock();
            writeln!(out, "{line}").and_then(|()| out.flush())
        })
        .map_err(|e| Failure::Io(format!("cannot write to stdout: {e}")))?;
    }
    signals.abort();
    bar.finish_and_clear();
    let stopped = reports.stopped().cloned();
    if let (Some(Stop::WrongRailgun { given, named }), Some(railgun)) = (&stopped, &given) {
        // Refused before any zone started: the arguments do not fit.
        return Err(Failure::Usage(railgun.mismatch(given, named.as_ref())));
    }
    let verb = if dry_run { "would change" } else { "changed" };
    let mut summary =
        format!("{op}: {} zones: {changed} {verb}, {unchanged} already as desired, {failed} failed", zones.len());
    if skipped > 0 {
        summary.push_str(&format!(", {skipped} skipped (done in the journal)"));
    }
    let not_started = todo.len() - finished as usize;
    if let Some(stop) = &stopped {
        summary.push_str(&format!(", {not_started} not started ({})", stop.cause()));
    }
    eprintln!("{summary}");
    let pauses = pauses();
    if pauses.count > 0 {
        eprintln!(
            "note: the service answered 429 (too many requests) {} time{}; the run paused as it asked, {:.1}s in \
             all (--rate-limit spaces calls out)",
            pauses.count,
            if pauses.count == 1 { "" } else { "s" },
            pauses.total.as_secs_f64()
        );
    }
    Ok(Summary { failed, stopped })
}

/// The bar on stderr (hidden when stderr is not a terminal): zones done,
/// their rate, and while the service holds the client back, for how long.
fn progress_bar(zones: u64, pauses: PausesFn) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(zones), indicatif::ProgressDrawTarget::stderr());
    let rate = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0}/s", state.per_sec());
    };
    let paused = move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let pauses = pauses();
        if !pauses.remaining.is_zero() {
            let _ = write!(w, "429: waiting {:.1}s ", pauses.remaining.as_secs_f64());
        }
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} zones [{bar:30}] {rate} eta {eta} {paused}{msg}",
    )
    .map(|style| style.with_key("rate", rate).with_key("paused", paused))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    // Redrawn while no zone finishes, as during a pause.
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

fn desired<T: Named>(op: &str, matches: &ArgMatches, config: &Config) -> Result<Desired<T>, Failure> {
    if op == "audit" {
        return Ok(Desired::Audit);
    }
    let railgun = T::from_args(matches, config)?;
    Ok(match op {
        "connect" => {
            let enabled = matches.get_one::<String>("mode").map(String::as_str) != Some("inactive");
            Desired::Connected { railgun, enabled }
        }
        "disconnect" => Desired::Disconnected { railgun },
        "enable" => Desired::Enabled { railgun },
        "disable" => Desired::Disabled { railgun },
        other => return Err(Failure::Usage(format!("unknown fleet operation '{other}'"))),
    })
}

/// The journal key of an operation: a zone done for one job is not done for
/// another (`connect:42:active` is not `connect:42:inactive`).
fn job_name<T: Railgun>(desired: &Desired<T>) -> String {
    match desired {
        Desired::Connected { railgun, enabled } => {
            format!("connect:{}:{}", railgun.id(), if *enabled { "active" } else { "inactive" })
        }
        Desired::Disconnected { railgun } => format!("disconnect:{}", railgun.id()),
        Desired::Enabled { railgun } => format!("enable:{}", railgun.id()),
        Desired::Disabled { railgun } => format!("disable:{}", railgun.id()),
        other => other.name().to_owned(),
    }
}

/// Zones, one per line: trimmed, `#` comments and blank lines skipped,
/// duplicates dropped (two reconciles of one zone at once would race), each
/// checked to be what `T`'s API names a zone by.
fn read_zones<T: Named>(path: &Path) -> Result<Vec<String>, Failure> {
    let source = if path == Path::new("-") { "stdin".to_owned() } else { path.display().to_string() };
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| Failure::Usage(format!("cannot read zones from {source}: {e}")))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut seen = HashSet::new();
    let mut zones = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Failure::Usage(format!("cannot read zones from {source}: {e}")))?;
        let zone = line.split('#').next().unwrap_or_default().trim().to_ascii_lowercase();
        if zone.is_empty() {
            continue;
        }
        if !T::is_zone(&zone) {
            // The line is not quoted: a file given here by mistake (the
            // config file, say) may hold a secret on it.
            return Err(Failure::Usage(format!(
                "{source}:{}: not {} (the zones file holds one per line; `#` starts a comment)",
                n + 1,
                T::ZONE
            )));
        }
        if seen.insert(zone.clone()) {
            zones.push(zone);
        }
    }
    Ok(zones)
}

/// The zones the journal holds for `job`. A last line without its end
/// (a crash while it was written) does not count: its zone is done again,
/// which is safe, since every fleet step reads a zone before it changes
/// it. Any other line that does not parse, or that another job wrote (other
/// operation, Railgun, desired state or service), is an error: not a zone
/// silently done again, nor a journal shared by two jobs.
fn read_journal(path: &Path, job: &str) -> Result<HashSet<String>, Failure> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(Failure::Usage(format!("cannot read journal {}: {e}", path.display()))),
    };
    // Whole lines only: up to the last line end.
    let whole = text.iter().rposition(|&b| b == b'\n').map_or(&text[..0], |end| &text[..=end]);
    let mut done = HashSet::new();
    for (n, line) in whole.split(|&b| b == b'\n').filter(|line| !line.is_empty()).enumerate() {
        let not_a_line = || Failure::Usage(format!("journal {}:{} is not a journal line", path.display(), n + 1));
        let entry = serde_json::from_slice::<Done>(line).map_err(|_| not_a_line())?;
        if entry.job != job {
            return Err(Failure::Usage(format!(
                "journal {} is another job's (line {}: {}), not this run's ({job}): give this run a journal of its \
                 own",
                path.display(),
                n + 1,
                entry.job
            )));
        }
        done.insert(entry.zone);
    }
    Ok(done)
}

/// Opens the journal to append to, first cutting a last line a crash left
/// without its end: what is appended then starts a line of its own.
fn open_journal(path: &Path) -> Result<std::fs::File, Failure> {
    let failed = |e: std::io::Error| Failure::Usage(format!("cannot open journal {}: {e}", path.display()));
    let file = std::fs::OpenOptions::new().create(true).read(true).append(true).open(path).map_err(failed)?;
    let text = std::fs::read(path).map_err(failed)?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |end| end + 1);
        file.set_len(whole as u64).map_err(failed)?;
    }
    Ok(file)
}

fn record(journal: &mut std::fs::File, job: &str, report: &ZoneReport) -> Result<(), Failure> {
    let mut line = serde_json::to_string(&Done { job: job.to_owned(), zone: report.zone.clone() })
        .map_err(|e| Failure::Io(e.to_string()))?;
    line.push('\n');
    // One write per line: a process killed between two lines leaves whole
    // lines, and a line cut short by a crash is ignored when read back.
    journal.write_all(line.as_bytes()).map_err(|e| Failure::Io(format!("cannot write the journal: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_drop_a_torn_last_line_and_refuse_another_jobs() {
        let dir = std::env::temp_dir().join(format!("railgun-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal");
        let a = "{\"job\":\"connect:1:active\",\"zone\":\"a.com\"}\n";
        let b = "{\"job\":\"connect:1:active\",\"zone\":\"b.com\"}\n";
        // Cut anywhere in its last line, b.com counts as not done; once
        // opened to append to, the fragment is gone.
        for cut in 0..b.len() {
            std::fs::write(&path, format!("{a}{}", &b[..cut])).unwrap();
            let done = read_journal(&path, "connect:1:active").unwrap();
            assert_eq!(done, HashSet::from(["a.com".to_owned()]), "cut at {cut}");
            let mut journal = open_journal(&path).unwrap();
            journal.write_all(b.as_bytes()).unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{a}{b}"), "cut at {cut}");
        }
        std::fs::write(&path, format!("{a}{{\"job\":\"disconnect:1\",\"zone\":\"b.com\"}}\n")).unwrap();
        let err = read_journal(&path, "connect:1:active").err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "journal {} is another job's (line 2: disconnect:1), not this run's (connect:1:active): give this run \
                 a journal of its own",
                path.display()
            )
        );
        std::fs::write(&path, format!("garbage\n{a}")).unwrap();
        let err = read_journal(&path, "connect:1:active").err().unwrap();
        assert_eq!(err.to_string(), format!("journal {}:1 is not a journal line", path.display()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn zones_are_checked_and_deduplicated() {
        let dir = std::env::temp_dir().join(format!("railgun-zones-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("zones");
        std::fs::write(&path, "# mine\nexample.com\n  Example.COM  \n\nb.example.org # second\n").unwrap();
        assert_eq!(read_zones::<Target>(&path).unwrap(), ["example.com", "b.example.org"]);
        std::fs::write(&path, "example.com\nnot a zone\n").unwrap();
        let err = read_zones::<Target>(&path).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{}:2: not a domain name (the zones file holds one per line; `#` starts a comment)",
                path.display()
            )
        );
        std::fs::write(&path, "0123456789ABCDEF0123456789abcdef\nexample.com\n").unwrap();
        let err = read_zones::<AccountRailgun>(&path).err().unwrap().to_string();
        let what = "a zone identifier tag (1 to 32 letters and digits)";
        let hint = "(the zones file holds one per line; `#` starts a comment)";
        assert_eq!(err, format!("{}:2: not {what} {hint}", path.display()));
        std::fs::write(&path, "0123456789ABCDEF0123456789abcdef\n").unwrap();
        assert_eq!(read_zones::<AccountRailgun>(&path).unwrap(), ["0123456789abcdef0123456789abcdef"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
