//! Where settings and secrets come from: the environment, then a config
//! file. Never the command line, whose arguments every user of the machine
//! can read (`ps`, `/proc/<pid>/cmdline`); a secret parameter can also be
//! read from a file named on the command line (`--rtkn-file`).
//!
//! The config file is TOML: settings at the top are every profile's, and
//! a `[profiles.NAME]` table holds what profile `NAME` (`--profile`,
//! `$RAILGUN_PROFILE`) sets instead:
//!
//! ```toml
//! base_url = "http://127.0.0.1:8080/api/v2/railgun/"
//! host_key = "e111dff66d1fddfda6a888c9992d4366"
//!
//! [profiles.eu]
//! host_key = "0f0e0d0c0b0a09080706050403020100"
//! ```
//!
//! A key it does not know is an error naming the file and line, and a file
//! that holds a secret must be readable by its owner alone, as ssh wants
//! of a private key. No message quotes a line of the file: any may hold a
//! secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use railgun_api::Secret;

use crate::failure::Failure;

/// Every setting the file may hold, and whether it is a secret.
pub const SETTINGS: [(&str, bool); 9] = [
    ("base_url", false),
    ("v4_base_url", false),
    ("host_key", true),
    ("email", false),
    ("tkn", true),
    ("rtkn", true),
    ("api_email", false),
    ("api_key", true),
    ("api_token", true),
];

/// Other names a v4 setting goes by in the environment, as Cloudflare's own
/// tools (wrangler, cloudflare-go's flarectl, cli4) read them: after
/// `RAILGUN_…`, before the config file.
const ALIASES: [(&str, [&str; 2]); 3] = [
    ("api_token", ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"]),
    ("api_email", ["CLOUDFLARE_EMAIL", "CF_API_EMAIL"]),
    ("api_key", ["CLOUDFLARE_API_KEY", "CF_API_KEY"]),
];

/// Set to `1`, a config file readable by others is used all the same (for
/// file systems without Unix permissions).
pub const ANY_MODE: &str = "RAILGUN_CONFIG_ANY_MODE";

/// The settings of the config file's chosen profile.
#[derive(Default)]
pub struct Config {
    values: BTreeMap<String, String>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .field("path", &self.path)
            .finish()
    }
}

impl Config {
    /// Reads `path`, or else `$RAILGUN_CONFIG`, or else
    /// `$XDG_CONFIG_HOME/railgun/config.toml` (`~/.config/…`) when it
    /// exists; the settings of `profile` (else `$RAILGUN_PROFILE`) over the
    /// top-level ones.
    pub fn load(path: Option<&Path>, profile: Option<&str>) -> Result<Config, Failure> {
        let profile = profile.map(str::to_owned).or_else(|| std::env::var("RAILGUN_PROFILE").ok());
        let profile = profile.filter(|p| !p.is_empty());
        let explicit = path.map(Path::to_path_buf).or_else(|| std::env::var_os("RAILGUN_CONFIG").map(PathBuf::from));
        let path = match explicit {
            Some(path) => path,
            None => match default_path() {
                Some(path) if path.exists() => path,
                Some(path) if path.with_extension("yaml").exists() => {
                    return Err(Failure::Usage(format!(
                        "{} is no longer read: the config file is now TOML, {} (`host_key = \"…\"` for \
                         `host_key: …`)",
                        path.with_extension("yaml").display(),
                        path.display()
                    )));
                }
                _ if profile.is_some() => {
                    return Err(Failure::Usage("--profile needs a config file, and there is none".to_owned()));
                }
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("cannot read config file {}: {e}", path.display())))?;
        let file = parse(&text).map_err(|(line, why)| Failure::Usage(format!("{}:{line}: {why}", path.display())))?;
        if file.holds_secret() {
            check_private(&path)?;
        }
        let mut values = file.top;
        if let Some(name) = &profile {
            let chosen = file.profiles.into_iter().find(|(n, _)| n == name).map(|(_, values)| values);
            let chosen = chosen.ok_or_else(|| {
                Failure::Usage(format!("config file {} has no profile `{name}` ([profiles.{name}])", path.display()))
            })?;
            values.extend(chosen);
        }
        Ok(Config { values, path: Some(path) })
    }

    /// A setting by name: `$RAILGUN_<NAME>` (then, for a v4 credential,
    /// `$CLOUDFLARE_…` and `$CF_API_…`), else the config file's `name`.
    pub fn value(&self, name: &str) -> Option<String> {
        let aliases = ALIASES.iter().filter(|(setting, _)| *setting == name).flat_map(|(_, names)| names);
        let from_env = std::iter::once(env_name(name))
            .chain(aliases.map(|alias| (*alias).to_owned()))
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()));
        from_env.or_else(|| self.values.get(name).cloned())
    }

    /// A secret by wire name: from the file `file` names (`-`: stdin) when
    /// given, else `$RAILGUN_<NAME>`, else the config file.
    pub fn secret(&self, name: &str, file: Option<&Path>) -> Result<Secret, Failure> {
        if let Some(file) = file {
            let text = if file == Path::new("-") {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(file)
            }
            .map_err(|e| Failure::Usage(format!("cannot read {name} from {}: {e}", file.display())))?;
            let value = text.trim_end_matches(['\n', '\r']);
            if value.is_empty() {
                return Err(Failure::Usage(format!("{} holds no {name}", file.display())));
            }
            return Ok(Secret::new(value));
        }
        self.value(name).map(Secret::new).ok_or_else(|| {
            let file_hint = if self.path.is_some() { "the config file's" } else { "a config file's" };
            Failure::Usage(format!(
                "{name} is needed: set {} or {file_hint} `{name}` (never on the command line, where every user of \
                 this machine can read it)",
                env_name(name)
            ))
        })
    }
}

/// A config file, read: the top-level settings and each profile's.
#[derive(Debug, Default, PartialEq)]
struct File {
    top: BTreeMap<String, String>,
    profiles: Vec<(String, BTreeMap<String, String>)>,
}

impl File {
    fn holds_secret(&self) -> bool {
        let secret = |key: &String| SETTINGS.iter().any(|(name, secret)| *secret && name == key);
        self.top.keys().any(secret) || self.profiles.iter().flat_map(|(_, values)| values.keys()).any(secret)
    }
}

/// Reads a config file's text, or says at which line (1-based) it is
/// wrong and why, in words that quote nothing of it but key names.
fn parse(text: &str) -> Result<File, (usize, String)> {
    use toml::de::{DeTable, DeValue};

    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let table = DeTable::parse(text).map_err(|e| {
        (
            e.span().map_or(1, |span| line(span.start)),
            "not valid TOML (settings are `name = \"value\"` lines, profiles `[profiles.NAME]` tables)".to_owned(),
        )
    })?;
    let settings = |table: &DeTable<'_>, within: &str| -> Result<BTreeMap<String, String>, (usize, String)> {
        let mut values = BTreeMap::new();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let at = line(key.span().start);
            if !SETTINGS.iter().any(|(known, _)| *known == name) {
                let known: Vec<&str> = SETTINGS.iter().map(|(known, _)| *known).collect();
                return Err((
                    at,
                    format!("unknown setting `{within}{name}` (known: {}, and [profiles.NAME])", known.join(", ")),
                ));
            }
            let DeValue::String(text) = value.get_ref() else {
                return Err((at, format!("`{within}{name}` must be a string: {name} = \"…\"")));
            };
            values.insert(name.to_owned(), text.as_ref().to_owned());
        }
        Ok(values)
    };
    let mut top = toml::de::DeTable::new();
    let mut profiles = Vec::new();
    for (key, value) in table.get_ref().iter() {
        if key.get_ref().as_ref() != "profiles" {
            top.insert(key.clone(), value.clone());
            continue;
        }
        let DeValue::Table(named) = value.get_ref() else {
            return Err((line(key.span().start), "`profiles` must hold tables: [profiles.NAME]".to_owned()));
        };
        for (name, values) in named.iter() {
            let DeValue::Table(values) = values.get_ref() else {
                let at = line(name.span().start);
                return Err((at, format!("`profiles.{}` must be a table: [profiles.NAME]", name.get_ref().as_ref())));
            };
            let within = format!("profiles.{}.", name.get_ref().as_ref());
            profiles.push((name.get_ref().as_ref().to_owned(), settings(values, &within)?));
        }
    }
    Ok(File { top: settings(&top, "")?, profiles })
}

/// Refuses a file that others than its owner may read or write, saying
/// which `chmod` fixes it ([`ANY_MODE`] allows it).
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;

    if std::env::var(ANY_MODE).is_ok_and(|v| v == "1") {
        return Ok(());
    }
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::Usage(format!("cannot read config file {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "config file {} holds secrets but others than its owner may read it (mode {:04o}): run `chmod 600 {}` \
         (or set {ANY_MODE}=1 where the file system has no such permissions)",
        path.display(),
        mode & 0o7777,
        path.display()
    )))
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), Failure> {
    Ok(())
}

/// `RAILGUN_HOST_KEY` for `host_key`.
pub fn env_name(name: &str) -> String {
    format!("RAILGUN_{}", name.to_ascii_uppercase().replace('-', "_"))
}

fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("railgun").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn files_hold_settings_and_profiles() {
        let file = parse(
            "# the emulator\nbase_url = \"http://127.0.0.1:8080/api/v2/railgun/\"\nhost_key = 'k1'\n\n\
             [profiles.eu]\nhost_key = \"k2\"\n\n[profiles.v4]\napi_token = \"t\"\n",
        )
        .unwrap();
        assert_eq!(file.top, values(&[("base_url", "http://127.0.0.1:8080/api/v2/railgun/"), ("host_key", "k1")]));
        assert_eq!(
            file.profiles,
            [("eu".to_owned(), values(&[("host_key", "k2")])), ("v4".to_owned(), values(&[("api_token", "t")]))]
        );
        assert!(file.holds_secret());
        assert!(!parse("base_url = \"http://x/\"\n").unwrap().holds_secret());
    }

    #[test]
    fn mistakes_name_their_line_and_never_a_value() {
        let secret = "s3cr3t-VALUE";
        let cases = [
            (format!("host_key = \"{secret}\"\nhostkey = \"{secret}\"\n"), 2, "unknown setting `hostkey`"),
            (format!("host_key = {secret}\n"), 1, "not valid TOML"),
            (format!("host_key: {secret}\n"), 1, "not valid TOML"),
            (format!("\n\nhost_key = 7\ntkn = \"{secret}\"\n"), 3, "`host_key` must be a string"),
            (
                format!("[profiles.eu]\nhost_key = \"{secret}\"\nemial = \"{secret}\"\n"),
                3,
                "unknown setting `profiles.eu.emial`",
            ),
            (format!("profiles = \"{secret}\"\n"), 1, "`profiles` must hold tables"),
        ];
        for (text, line, start) in cases {
            let (at, why) = parse(&text).unwrap_err();
            assert_eq!(at, line, "{text}: {why}");
            assert!(why.starts_with(start), "{text}: {why}");
            assert!(!why.contains(secret), "{why}");
        }
    }
}
