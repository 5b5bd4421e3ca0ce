//! The backends: one module per service, each implementing [`crate::vfs::Backend`].
//!
//! [`build`] is the one registry that turns a `[[mount]]` table of the config into a backend.

pub mod github;
pub mod local;
pub mod ram;
pub mod s3;
pub mod slack;

use std::sync::Arc;

use crate::config::{ConfigError, MountConfig};
use crate::vfs::Backend;

/// The backend names the config accepts.
pub const KINDS: &[&str] = &["ram", "local", "s3", "r2", "gcs", "github", "slack"];

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
        "ram" => {
            let backend = match m.take_str("size")? {
                Some(size) => ram::RamBackend::with_limit(
                    crate::config::units::parse_size(&size)
                        .map_err(|e| m.error_at("size", &format!("size: {e}")))?,
                ),
                None => ram::RamBackend::new(),
            };
            Ok(Arc::new(backend))
        }
        "github" => github_from_config(m).await,
        "slack" => slack_from_config(m).await,
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

async fn slack_from_config(m: &mut MountConfig) -> Result<Arc<dyn Backend>, ConfigError> {
    let token = m
        .take_str("token")?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| m.error_missing("token"))?;
    let api_url = m
        .take_str("api_url")?
        .unwrap_or_else(|| "https://slack.com/api".to_string());
    let (mut oldest, mut latest) = slack::default_window();
    if let Some(s) = m.take_str("start")? {
        oldest = slack::parse_day(&s)
            .ok_or_else(|| m.error_at("start", "start must be a date like 2026-01-31"))?;
    }
    if let Some(s) = m.take_str("end")? {
        latest = slack::parse_day(&s)
            .ok_or_else(|| m.error_at("end", "end must be a date like 2026-01-31"))?
            + 86400.0
            - 1e-6;
    }
    if latest < oldest {
        return Err(m.error_at("end", "end is before start"));
    }
    let types = m
        .take_str("types")?
        .unwrap_or_else(|| "public,private,dm".into());
    let types = slack::types_of(&types).map_err(|e| m.error_at("types", &e))?;
    m.finish()?;
    let api = slack::api::MorphismApi::new(&api_url, &token)
        .map_err(|e| m.error_at("api_url", &e.to_string()))?;
    let opts = slack::SlackOptions {
        oldest,
        latest,
        types,
        writable: m.mode == crate::vfs::Mode::Write,
        ttl: m.ttl,
    };
    let b = slack::SlackBackend::connect(Arc::new(api), opts)
        .await
        .map_err(|e| {
            m.error_at(
                "token",
                &format!("cannot reach Slack at {api_url}: {}", e.user_message()),
            )
        })?;
    Ok(Arc::new(b))
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
