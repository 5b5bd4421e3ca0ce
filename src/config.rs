//! `config.toml`: the workspace's public interface.
//!
//! ```toml
//! [workspace]            # optional
//! cache_size = "512MiB"  # data cache budget (used by remote backends' block caches)
//! ttl = "30s"            # default metadata TTL, also handed to the kernel
//!
//! [[mount]]
//! path = "/data"         # absolute, unique
//! backend = "local"      # ram | local
//! mode = "write"         # read (default) | write
//! root = "./data"        # backend options sit beside; relative to this file
//! ```
//!
//! Every error is one line naming the file, the line and the key. Strings may reference
//! environment variables as `${NAME}` (how secrets get in); a missing variable is an error.

pub mod units;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::{Spanned, Value};

use crate::vfs::{Mode, VPath};

/// A config problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, naming the key.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

type RawTable = BTreeMap<Spanned<String>, Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    workspace: Option<RawTable>,
    #[serde(default)]
    mount: Vec<Spanned<RawTable>>,
}

/// The parsed workspace.
#[derive(Debug)]
pub struct Config {
    /// Data cache budget in bytes.
    pub cache_size: u64,
    /// Default metadata TTL.
    pub ttl: Duration,
    /// The mounts, in file order.
    pub mounts: Vec<MountConfig>,
}

/// One `[[mount]]` table; backend options stay in `options` until the backend takes them.
#[derive(Debug)]
pub struct MountConfig {
    /// Where it appears.
    pub path: VPath,
    /// The backend name.
    pub backend: String,
    /// Read or write.
    pub mode: Mode,
    /// Metadata TTL for this mount.
    pub ttl: Duration,
    options: BTreeMap<String, (Value, usize)>,
    /// The line of every key, kept after the option is taken (for later errors).
    lines: BTreeMap<String, usize>,
    file: String,
    line: usize,
    base: PathBuf,
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Expands `${NAME}` references from the environment.
pub fn expand_env(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in {s:?}"))?;
        let name = &after[..end];
        let value =
            std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            line: None,
            message: format!("cannot read config: {e}"),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::parse(&src, &file, &base)
    }

    /// Parses config text; relative paths resolve against `base`.
    pub fn parse(src: &str, file: &str, base: &Path) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            file: file.to_string(),
            line,
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| line_of(src, s.start));
            err(line, e.message().trim().replace('\n', " "))
        })?;
        let mut cfg = Config {
            cache_size: 512 << 20,
            ttl: Duration::from_secs(30),
            mounts: Vec::new(),
        };
        for (key, value) in raw.workspace.unwrap_or_default() {
            let line = Some(line_of(src, key.span().start));
            let text = value.get_ref().as_str().map(str::to_string);
            let text = |k: &str| {
                text.clone()
                    .ok_or_else(|| err(line, format!("workspace.{k} must be a string")))
            };
            match key.get_ref().as_str() {
                "cache_size" => {
                    cfg.cache_size = units::parse_size(&text("cache_size")?)
                        .map_err(|m| err(line, format!("workspace.cache_size: {m}")))?
                }
                "ttl" => {
                    cfg.ttl = units::parse_duration(&text("ttl")?)
                        .map_err(|m| err(line, format!("workspace.ttl: {m}")))?
                }
                other => {
                    return Err(err(
                        line,
                        format!("unknown key workspace.{other} (known: cache_size, ttl)"),
                    ));
                }
            }
        }
        if raw.mount.is_empty() {
            return Err(err(
                None,
                "no [[mount]] tables: a workspace needs at least one mount".into(),
            ));
        }
        for table in raw.mount {
            let line = line_of(src, table.span().start);
            let lines: BTreeMap<String, usize> = table
                .get_ref()
                .keys()
                .map(|k| (k.get_ref().clone(), line_of(src, k.span().start)))
                .collect();
            let mut options: BTreeMap<String, (Value, usize)> = table
                .into_inner()
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.get_ref().clone(),
                        (v.get_ref().clone(), line_of(src, k.span().start)),
                    )
                })
                .collect();
            let mut take_str = |k: &str| -> Result<Option<(String, usize)>, ConfigError> {
                match options.remove(k) {
                    None => Ok(None),
                    Some((Value::String(s), l)) => Ok(Some((s, l))),
                    Some((_, l)) => Err(err(Some(l), format!("mount key `{k}` must be a string"))),
                }
            };
            let (path_s, pl) =
                take_str("path")?.ok_or_else(|| err(Some(line), "mount without `path`".into()))?;
            if !path_s.starts_with('/') {
                return Err(err(
                    Some(pl),
                    format!("mount path {path_s:?} must be absolute (start with /)"),
                ));
            }
            let path = VPath::parse(&path_s)
                .map_err(|e| err(Some(pl), format!("mount path {path_s:?}: {e}")))?;
            if let Some(prev) = cfg.mounts.iter().find(|m| m.path == path) {
                return Err(err(
                    Some(pl),
                    format!(
                        "mount path {path} is used twice (first at line {})",
                        prev.line
                    ),
                ));
            }
            let (backend, _) = take_str("backend")?
                .ok_or_else(|| err(Some(line), format!("mount {path} has no `backend`")))?;
            let mode = match take_str("mode")? {
                None => Mode::Read,
                Some((m, _)) if m == "read" => Mode::Read,
                Some((m, _)) if m == "write" => Mode::Write,
                Some((m, l)) => {
                    return Err(err(
                        Some(l),
                        format!("mount {path}: mode {m:?} must be \"read\" or \"write\""),
                    ));
                }
            };
            let ttl = match take_str("ttl")? {
                None => cfg.ttl,
                Some((t, l)) => units::parse_duration(&t)
                    .map_err(|m| err(Some(l), format!("mount {path}: ttl: {m}")))?,
            };
            cfg.mounts.push(MountConfig {
                path,
                backend,
                mode,
                ttl,
                options,
                lines,
                file: file.to_string(),
                line,
                base: base.to_path_buf(),
            });
        }
        Ok(cfg)
    }
}

impl MountConfig {
    /// An error at `key`'s line (or the table's line when the key is absent).
    pub fn error_at(&self, key: &str, msg: &str) -> ConfigError {
        let line = self.lines.get(key).copied().unwrap_or(self.line);
        ConfigError {
            file: self.file.clone(),
            line: Some(line),
            message: format!("mount {}: {key}: {msg}", self.path),
        }
    }

    /// The error for a required key that is missing.
    pub fn error_missing(&self, key: &str) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            line: Some(self.line),
            message: format!(
                "mount {} ({}): missing required key `{key}`",
                self.path, self.backend
            ),
        }
    }

    /// Takes a string option, expanding `${ENV}` references.
    pub fn take_str(&mut self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.options.remove(key) {
            None => Ok(None),
            Some((Value::String(s), l)) => expand_env(&s).map(Some).map_err(|m| ConfigError {
                file: self.file.clone(),
                line: Some(l),
                message: format!("mount {}: {key}: {m}", self.path),
            }),
            Some((_, l)) => Err(ConfigError {
                file: self.file.clone(),
                line: Some(l),
                message: format!("mount {}: {key} must be a string", self.path),
            }),
        }
    }

    /// Takes a boolean option.
    pub fn take_bool(&mut self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.options.remove(key) {
            None => Ok(None),
            Some((Value::Boolean(b), _)) => Ok(Some(b)),
            Some(_) => Err(self.error_at(key, "must be true or false")),
        }
    }

    /// Takes an integer option.
    pub fn take_int(&mut self, key: &str) -> Result<Option<i64>, ConfigError> {
        match self.options.remove(key) {
            None => Ok(None),
            Some((Value::Integer(i), _)) => Ok(Some(i)),
            Some(_) => Err(self.error_at(key, "must be an integer")),
        }
    }

    /// Takes a path option; relative paths resolve against the config file's directory.
    pub fn take_path(&mut self, key: &str) -> Result<Option<PathBuf>, ConfigError> {
        Ok(self.take_str(key)?.map(|s| {
            let p = PathBuf::from(s);
            if p.is_absolute() {
                p
            } else {
                self.base.join(p)
            }
        }))
    }

    /// Fails on the first option no one took: an unknown key for this backend.
    pub fn finish(&self) -> Result<(), ConfigError> {
        match self.options.iter().next() {
            None => Ok(()),
            Some((k, (_, l))) => Err(ConfigError {
                file: self.file.clone(),
                line: Some(*l),
                message: format!(
                    "mount {}: unknown key `{k}` for backend {:?}",
                    self.path, self.backend
                ),
            }),
        }
    }
}
