//! `railgun-emulator`: serves the emulated Railgun v2 API until stopped.

use std::process::ExitCode;

use railgun_emulator::{Config, Emulator, Faults};

const USAGE: &str = "\
usage: railgun-emulator [options]

Serves Cloudflare Railgun's v2 API at http://ADDR/api/v2/railgun/<action>,
and its v4 API over the same Railguns at http://ADDR/client/v4/.

accounts (repeatable; with none, the upstream docs' example credentials:
user user@cloudflare.com / a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp and host key
e111dff66d1fddfda6a888c9992d4366):
  --user EMAIL:TKN       a Client API account; in v4, X-Auth-Email and X-Auth-Key
  --host-key KEY         an Optimized Partner API host key (v2 only)
  --zone NAME            a zone the v4 API knows by its id from the start
                         (a zone linked to a Railgun by v2 is known too);
                         the ids of accounts and of these zones are printed

  --listen ADDR          address to listen on (default 127.0.0.1:0: a free port)
  --config FILE          YAML with users (email, tkn, api_token: a v4 bearer
                         token), host_keys, zones, faults, seed, listen, limits
  --seed N               seed of generated tokens and of fault draws
  --header-timeout-ms N  close a connection whose request head takes longer (default 30000)
  --max-connections N    connections served at once; more are answered 503 (default 512)

faults (off by default; shares between 0 and 1, drawn from --seed):
  --latency-ms N              added to every answer
  not applied:
  --dropped SHARE             connection cut after the headers
  --server-error SHARE        503 answers
  --html-page SHARE           HTML error pages with status 200
  --truncated SHARE           half a JSON envelope
  --rate-limited SHARE        429 answers with Retry-After
  --retry-after SECONDS       their Retry-After (default 1)
  applied, then the answer is lost:
  --applied-dropped SHARE     connection cut after the headers
  --applied-truncated SHARE   half the real answer

The emulator-only action `activate` (parameter rtkn) activates a Railgun as
its daemon would.
";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok(None) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(config)) => serve(config),
        Err(message) => {
            eprintln!("railgun-emulator: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: Vec<String>) -> Result<Option<Config>, String> {
    // Fresh tokens on every run unless --seed (or a config file) fixes them.
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut config = Config::new().seed(clock);
    let mut faults = Faults::default();
    let mut faults_given = false;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let share = |v: String| v.parse::<f64>().map_err(|_| format!("{flag}: '{v}' is not a number"));
        match flag.as_str() {
            "--user" => {
                let v = value()?;
                let (email, tkn) = v.split_once(':').ok_or("--user takes EMAIL:TKN")?;
                config = config.user(email, tkn);
            }
            "--host-key" => config = config.host_key(value()?),
            "--zone" => config.zones.push(value()?),
            "--listen" => config.listen = Some(value()?),
            "--config" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
                let file = Config::from_yaml(&text).map_err(|e| format!("{path}: {e}"))?;
                config.users.extend(file.users);
                config.host_keys.extend(file.host_keys);
                config.zones.extend(file.zones);
                config.listen = config.listen.or(file.listen);
                if file.seed != 0 {
                    config.seed = file.seed;
                }
                if file.faults.any() {
                    faults = file.faults;
                    faults_given = true;
                }
            }
            "--seed" => config.seed = value()?.parse().map_err(|_| "--seed takes a number")?,
            "--latency-ms" => {
                faults.latency_ms = value()?.parse().map_err(|_| "--latency-ms takes a number")?;
                faults_given = true;
            }
            "--dropped" => (faults.dropped, faults_given) = (share(value()?)?, true),
            "--server-error" => (faults.server_error, faults_given) = (share(value()?)?, true),
            "--html-page" => (faults.html_page, faults_given) = (share(value()?)?, true),
            "--truncated" => (faults.truncated, faults_given) = (share(value()?)?, true),
            "--rate-limited" => (faults.rate_limited, faults_given) = (share(value()?)?, true),
            "--applied-dropped" => (faults.applied_dropped, faults_given) = (share(value()?)?, true),
            "--applied-truncated" => (faults.applied_truncated, faults_given) = (share(value()?)?, true),
            "--retry-after" => {
                faults.retry_after_s = value()?.parse().map_err(|_| "--retry-after takes a number of seconds")?;
                faults_given = true;
            }
            "--header-timeout-ms" => {
                config.limits.header_timeout_ms =
                    value()?.parse().map_err(|_| "--header-timeout-ms takes a number of milliseconds")?;
            }
            "--max-connections" => {
                config.limits.max_connections = match value()?.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err("--max-connections takes a number of at least 1".to_owned()),
                };
            }
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if faults_given {
        faults.validate()?;
        config.faults = faults;
    }
    if config.users.is_empty() && config.host_keys.is_empty() {
        let examples = Config::docs_examples();
        config.users = examples.users;
        config.host_keys = examples.host_keys;
    }
    Ok(Some(config))
}

fn serve(config: Config) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("railgun-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listen = config.listen.clone().unwrap_or_else(|| "127.0.0.1:0".to_owned());
        let (users, hosts, faults) = (config.users.len(), config.host_keys.len(), config.faults.any());
        // What a v4 caller must name: accounts and zones by id.
        let emails: Vec<String> = config.users.iter().map(|u| u.email.clone()).collect();
        let zones = config.zones.clone();
        let emulator = match Emulator::start(config, &listen).await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("railgun-emulator: cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        // Accounts are counted and named by email, never by token: tokens
        // are secrets.
        println!("railgun-emulator listening on {}", emulator.base_url());
        // Without the trailing slash: python-cloudflare and cli4 append
        // `/railguns` to it; the SDK and the CLI take it either way.
        println!("v4 API at {}", emulator.base_url_v4().trim_end_matches('/'));
        println!("{users} Client API account(s), {hosts} host key(s), faults {}", if faults { "on" } else { "off" });
        for email in &emails {
            println!("v4 account of {email}: {}", railgun_emulator::account_id(email));
        }
        for zone in &zones {
            println!("v4 zone {}: {}", zone.to_ascii_lowercase(), railgun_emulator::zone_id(zone));
        }
        tokio::select! {
            () = emulator.run() => ExitCode::FAILURE,
            _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
        }
    })
}
