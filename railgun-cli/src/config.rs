//! Where settings and secrets come from: the environment, then a config
//! file. Never the command line, whose arguments every user of the machine
//! can read (`ps`, `/proc/<pid>/cmdline`); a secret parameter can also be
//! read from a file named on the command line (`--rtkn-file`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use railgun_api::Secret;

use crate::failure::Failure;

/// The config file: `base_url` and credentials or tokens by wire name
/// (`host_key`, `email`, `tkn`, `rtkn`), all optional.
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
    /// `$XDG_CONFIG_HOME/railgun/config.yaml` (`~/.config/…`) when it exists.
    pub fn load(path: Option<&Path>) -> Result<Config, Failure> {
        let explicit = path.map(Path::to_path_buf).or_else(|| std::env::var_os("RAILGUN_CONFIG").map(PathBuf::from));
        let path = match explicit {
            Some(path) => path,
            None => match default_path() {
                Some(path) if path.exists() => path,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("cannot read config file {}: {e}", path.display())))?;
        let values: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(&text).map_err(|e| {
            // serde_yaml quotes the offending text, which may be a secret:
            // say where, not what.
            let at = e.location().map(|l| format!(" at line {}, column {}", l.line(), l.column())).unwrap_or_default();
            Failure::Usage(format!("config file {} is not a YAML mapping of names to values{at}", path.display()))
        })?;
        let mut config = Config { values: BTreeMap::new(), path: Some(path.clone()) };
        for (key, value) in values {
            let text = match value {
                serde_yaml::Value::String(s) => s,
                serde_yaml::Value::Number(n) => n.to_string(),
                _ => {
                    return Err(Failure::Usage(format!("config file {}: `{key}` must be a string", path.display())));
                }
            };
            config.values.insert(key, text);
        }
        Ok(config)
    }

    /// A setting by name: `$RAILGUN_<NAME>`, else the config file's `name`.
    pub fn value(&self, name: &str) -> Option<String> {
        std::env::var(env_name(name)).ok().filter(|v| !v.is_empty()).or_else(|| self.values.get(name).cloned())
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

/// `RAILGUN_HOST_KEY` for `host_key`.
pub fn env_name(name: &str) -> String {
    format!("RAILGUN_{}", name.to_ascii_uppercase().replace('-', "_"))
}

fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("railgun").join("config.yaml"))
}
