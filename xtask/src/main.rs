//! Maintainer tasks for the Railgun SDK, run as `cargo xtask <task>`.
//!
//! - `codegen`: writes every file generated from the specs (the client
//!   expansions in `railgun-api/expanded/`, the command line's commands in
//!   `railgun-cli/src/generated/`); a test fails, naming this command, when
//!   one is stale.
//! - `check [--docs DIR] [--spec FILE] [--verbose]`: compares the spec with
//!   what the upstream pages say, printing the findings first and a summary
//!   line. Exit 0 when they agree, 1 when they drift (or a page could not be
//!   read), 2 when the docs or the spec cannot be opened.
//! - `check-v4 [--description FILE] [--spec FILE] [--verbose]`: compares
//!   the v4 spec with the vendored OpenAPI description the same way
//!   (operations, methods, paths, parameters and their locations, answer
//!   fields and their JSON types).
//! - `packaged`: packages the crates users depend on, then builds and runs
//!   two crates of someone else's against the packaged sources alone.
//! - `regen [--docs DIR] [--spec FILE] [--dry-run]`: rewrites the spec from
//!   the docs, keeping comments, Rust names, types, deviations and the
//!   endpoints marked `undocumented`, until `check` passes; `--dry-run`
//!   prints the change as a diff and writes nothing.
//! - `regen-v4 [--description FILE] [--spec FILE] [--dry-run]`: the same
//!   for the v4 spec, from the vendored OpenAPI description.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::codegen;
use xtask::{docs, openapi, packaged, settle, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen                          write every file generated from the specs (client
                                   expansions, the command line's commands)
  check [--docs DIR] [--spec FILE] [--verbose]
                                   compare the spec with the upstream docs
                                   (default: spec/docs and
                                   spec/railgun.yaml): findings,
                                   then a summary; --verbose adds the accepted
                                   deviations, notes and doc warnings;
                                   exit 0 when they agree, 1 on drift, 2 on error
  check-v4 [--description FILE] [--spec FILE] [--verbose]
                                   compare the v4 spec with the OpenAPI description
                                   (default: spec/docs-v4/railgun-v4.openapi.json
                                   and spec/railgun-v4.yaml); same output
                                   and exit codes as check
  regen [--docs DIR] [--spec FILE] [--dry-run]
                                   rewrite the spec from the docs, keeping what
                                   they cannot say and the endpoints marked
                                   `undocumented`; --dry-run prints the change
                                   as a diff and writes nothing; exit 0 when
                                   check then passes, 1 when findings remain,
                                   2 on error
  regen-v4 [--description FILE] [--spec FILE] [--dry-run]
                                   rewrite the v4 spec from the OpenAPI description
                                   (defaults as check-v4) until check-v4 passes;
                                   same output and exit codes as regen
  packaged                         package the crates users depend on, then build and
                                   run two outside crates against the packages alone
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => report(write_generated()),
        ["check", options @ ..] => match options_of(options, "--verbose") {
            Ok(o) => run_check(&o.docs, &o.spec, o.flag),
            Err(message) => usage_error(&message),
        },
        ["check-v4", options @ ..] => match v4_options_of(options, "--verbose") {
            Ok(o) => run_check_v4(&o.docs, &o.spec, o.flag),
            Err(message) => usage_error(&message),
        },
        ["regen-v4", options @ ..] => match v4_options_of(options, "--dry-run") {
            Ok(o) => run_regen_v4(&o.docs, &o.spec, o.flag),
            Err(message) => usage_error(&message),
        },
        ["regen", options @ ..] => match options_of(options, "--dry-run") {
            Ok(o) => run_regen(&o.docs, &o.spec, o.flag),
            Err(message) => usage_error(&message),
        },
        ["packaged"] => report(packaged::run(&workspace_root(), &std::env::temp_dir().join("railgun-packaged"))),
        [] | ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage_error(&format!("unknown arguments: {}", args.join(" "))),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprint!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The options of `check`, `regen` and their v4 twins.
struct Options {
    docs: PathBuf,
    spec: PathBuf,
    /// The task's one flag (`--verbose` or `--dry-run`) was given.
    flag: bool,
}

/// `--docs DIR` and `--spec FILE` (relative to the current directory), and
/// the task's `flag`, which takes no value.
fn options_of(options: &[&str], flag: &str) -> Result<Options, String> {
    let root = workspace_root();
    let defaults = Options { docs: root.join("spec/docs"), spec: root.join("spec/railgun.yaml"), flag: false };
    parse_options(options, "--docs", flag, defaults)
}

/// `--description FILE` and `--spec FILE` of `check-v4` and `regen-v4`,
/// and the task's `flag`.
fn v4_options_of(options: &[&str], flag: &str) -> Result<Options, String> {
    let root = workspace_root();
    let defaults = Options {
        docs: root.join("spec/docs-v4/railgun-v4.openapi.json"),
        spec: root.join("spec/railgun-v4.yaml"),
        flag: false,
    };
    parse_options(options, "--description", flag, defaults)
}

/// `docs_option` (the docs' path), `--spec FILE` and `flag` over `parsed`.
fn parse_options(options: &[&str], docs_option: &str, flag: &str, mut parsed: Options) -> Result<Options, String> {
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        if *option == flag {
            parsed.flag = true;
            continue;
        }
        let target = match *option {
            o if o == docs_option => &mut parsed.docs,
            "--spec" => &mut parsed.spec,
            other => return Err(format!("unknown option {other}")),
        };
        *target = PathBuf::from(rest.next().ok_or_else(|| format!("{option} needs a value"))?);
    }
    Ok(parsed)
}

fn read_inputs(docs_dir: &Path, spec_path: &Path) -> Result<(docs::facts::DocFacts, String), String> {
    let facts = docs::facts::read_dir(docs_dir)?;
    let source = std::fs::read_to_string(spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    Ok((facts, source))
}

fn run_check(docs_dir: &Path, spec_path: &Path, verbose: bool) -> ExitCode {
    let parsed = read_inputs(docs_dir, spec_path).and_then(|(facts, source)| {
        let spec = railgun_spec::parse(&source, &spec_path.display().to_string()).map_err(|e| e.to_string())?;
        Ok((facts, spec))
    });
    let (facts, spec) = match parsed {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let report = docs::check::check(&spec, &facts);
    print!("{}", report.render(verbose));
    if report.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run_check_v4(description: &Path, spec_path: &Path, verbose: bool) -> ExitCode {
    let inputs = openapi::facts::read(description).and_then(|description| {
        let source =
            std::fs::read_to_string(spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
        let spec = railgun_spec::parse(&source, &spec_path.display().to_string()).map_err(|e| e.to_string())?;
        Ok((description, spec))
    });
    match inputs {
        Ok((description, spec)) => {
            let report = openapi::check::check(&spec, &description);
            print!("{}", report.render(verbose));
            if report.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_regen(docs_dir: &Path, spec_path: &Path, dry_run: bool) -> ExitCode {
    let inputs = read_inputs(docs_dir, spec_path);
    rewrite(
        spec_path,
        dry_run,
        inputs.and_then(|(facts, source)| {
            docs::fix::regen(&source, &spec_path.display().to_string(), &facts).map(|outcome| (source, outcome))
        }),
    )
}

fn run_regen_v4(description: &Path, spec_path: &Path, dry_run: bool) -> ExitCode {
    let outcome = openapi::facts::read(description).and_then(|description| {
        let source =
            std::fs::read_to_string(spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
        openapi::fix::regen_v4(&source, &spec_path.display().to_string(), &description).map(|outcome| (source, outcome))
    });
    rewrite(spec_path, dry_run, outcome)
}

/// Writes (or with `dry_run` prints as a diff) a regen's new spec, then
/// its report; exit 0 when the check passes, 1 when findings remain, 2 on
/// error.
fn rewrite(spec_path: &Path, dry_run: bool, outcome: Result<(String, settle::Outcome), String>) -> ExitCode {
    let outcome = outcome.and_then(|(source, outcome)| {
        if dry_run {
            print!("{}", settle::diff(&source, &outcome.text, &spec_path.display().to_string()));
        } else if outcome.text != source {
            std::fs::write(spec_path, &outcome.text)
                .map_err(|e| format!("cannot write {}: {e}", spec_path.display()))?;
        }
        Ok(outcome)
    });
    match outcome {
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Ok(outcome) => {
            print!("{}", outcome.render(&spec_path.display().to_string(), dry_run));
            if outcome.remaining.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}

fn write_generated() -> Result<(), String> {
    let root = workspace_root();
    for file in codegen::ALL {
        let rendered = file.render(&root)?;
        let target = root.join(file.path);
        if std::fs::read_to_string(&target).is_ok_and(|committed| committed == rendered) {
            continue;
        }
        std::fs::create_dir_all(target.parent().unwrap_or(&root))
            .and_then(|()| std::fs::write(&target, rendered))
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        eprintln!("wrote {}", file.path);
    }
    Ok(())
}
