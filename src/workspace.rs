//! From a parsed config to a running [`Vfs`]: the one place mounts are built.

use std::path::Path;
use std::sync::Arc;

use crate::backends;
use crate::config::{Config, ConfigError};
use crate::vfs::{MountSpec, Vfs};

/// The config used when none is given: a writable RAM scratch area and the current directory
/// read-only under `/data`.
pub const DEFAULT_CONFIG: &str = r#"# mirage's built-in default workspace
[[mount]]
path = "/scratch"
backend = "ram"
mode = "write"

[[mount]]
path = "/data"
backend = "local"
mode = "read"
root = "."
"#;

/// A mount as `mirage check` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountRow {
    /// Workspace path.
    pub path: String,
    /// Backend name.
    pub backend: String,
    /// `read` or `write`.
    pub mode: String,
    /// Metadata TTL.
    pub ttl: String,
    /// The backend's layout description.
    pub description: String,
}

/// Builds every backend of `cfg` and the workspace over them.
pub async fn build(mut cfg: Config) -> Result<(Arc<Vfs>, Vec<MountRow>), ConfigError> {
    let mut specs = Vec::new();
    let mut rows = Vec::new();
    for m in &mut cfg.mounts {
        let backend = backends::build(m).await?;
        m.finish()?;
        rows.push(MountRow {
            path: m.path.to_string(),
            backend: m.backend.clone(),
            mode: match m.mode {
                crate::vfs::Mode::Read => "read".into(),
                crate::vfs::Mode::Write => "write".into(),
            },
            ttl: format!("{:?}", m.ttl),
            description: backend.info().description.clone(),
        });
        specs.push(MountSpec {
            path: m.path.clone(),
            backend,
            mode: m.mode,
            ttl: m.ttl,
        });
    }
    let vfs = Vfs::with_cache_size(specs, cfg.cache_size).map_err(|e| ConfigError {
        file: String::new(),
        line: None,
        message: e.to_string(),
    })?;
    Ok((Arc::new(vfs), rows))
}

/// Loads `path` (or the built-in default, resolved against the current directory) and builds it.
pub async fn open(path: Option<&Path>) -> Result<(Arc<Vfs>, Vec<MountRow>), ConfigError> {
    let cfg = match path {
        Some(p) => Config::load(p)?,
        None => {
            let cwd = std::env::current_dir().unwrap_or_default();
            Config::parse(DEFAULT_CONFIG, "<built-in default>", &cwd)?
        }
    };
    build(cfg).await
}
