//! The backends: one module per service, each implementing [`crate::vfs::Backend`].
//!
//! [`build`] is the one registry that turns a `[[mount]]` table of the config into a backend.

pub mod local;
pub mod ram;
pub mod s3;

use std::sync::Arc;

use crate::config::{ConfigError, MountConfig};
use crate::vfs::Backend;

/// The backend names the config accepts.
pub const KINDS: &[&str] = &["ram", "local", "s3", "r2", "gcs"];

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
