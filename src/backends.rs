//! The backends: one module per service, each implementing [`crate::vfs::Backend`].
//!
//! [`build`] is the one registry that turns a `[[mount]]` table of the config into a backend.

pub mod github;
pub mod local;
pub mod ram;
pub mod s3;

use std::sync::Arc;

use crate::config::{ConfigError, MountConfig};
use crate::vfs::Backend;

/// The backend names the config accepts.
pub const KINDS: &[&str] = &["ram", "local", "s3", "r2", "gcs", "github"];

/// Builds the backend a mount names, consuming its backend-specific options; remote backends
/// are contacted here, so a bad bucket or credentials fail before anything is mounted.
pub async fn build(m: &mut MountConfig) -> Result<Arc<dyn Backend>, ConfigError> {
    match m.backend.as_str() {
        kind @ ("s3" | "r2" | "gcs") => {
            let kind = match kind {
                "r2" => "r2",
                "gcs" => "gcs",
                _ => "s3",
            };
            let opts = s3::options::S3Options::from_config(m, kind)?;
            m.finish()?;
            let b = opts
                .connect()
                .await
                .map_err(|e| m.error_at("bucket", &e.to_string()))?;
            Ok(Arc::new(b))
        }
        "ram" => Ok(Arc::new(ram::RamBackend::new())),
        "github" => github_from_config(m).await,
        "local" => {
            let root = m
                .take_path("root")?
                .ok_or_else(|| m.error_missing("root"))?;
            if !root.is_dir() {
                return Err(m.error_at(
                    "root",
                    &format!("local root {} is not an existing directory", root.display()),
                ));
            }
            let b =
                local::LocalBackend::new(&root).map_err(|e| m.error_at("root", &e.to_string()))?;
            Ok(Arc::new(b))
        }
        other => Err(m.error_at(
            "backend",
            &format!("unknown backend {other:?} (known: {})", KINDS.join(", ")),
        )),
    }
}

async fn github_from_config(m: &mut MountConfig) -> Result<Arc<dyn Backend>, ConfigError> {
    if m.mode == crate::vfs::Mode::Write {
        return Err(m.error_at(
            "mode",
            "github mounts are read-only: remove `mode = \"write\"`",
        ));
    }
    let owner = m
        .take_str("owner")?
        .ok_or_else(|| m.error_missing("owner"))?;
    let repo = m.take_str("repo")?.ok_or_else(|| m.error_missing("repo"))?;
    let reference = m.take_str("ref")?;
    let token = m.take_str("token")?.filter(|t| !t.is_empty());
    let api_url = m
        .take_str("api_url")?
        .unwrap_or_else(|| "https://api.github.com".to_string());
    let refresh = match m.take_str("refresh")? {
        None => None,
        Some(s) => {
            Some(crate::config::units::parse_duration(&s).map_err(|e| m.error_at("refresh", &e))?)
        }
    };
    let issues = m.take_bool("issues")?.unwrap_or(false);
    m.finish()?;
    let api = github::api::OctocrabApi::new(&api_url, token, &owner, &repo)
        .map_err(|e| m.error_at("api_url", &e.to_string()))?;
    let opts = github::GitHubOptions {
        owner,
        repo,
        reference,
        refresh,
        issues,
    };
    let b = github::GitHubBackend::connect(Arc::new(api), opts)
        .await
        .map_err(|e| m.error_at("repo", &e.to_string()))?;
    Ok(Arc::new(b))
}
