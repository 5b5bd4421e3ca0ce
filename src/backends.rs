//! The backends: one module per service, each implementing [`crate::vfs::Backend`].
//!
//! [`build`] is the one registry that turns a `[[mount]]` table of the config into a backend.

pub mod local;
pub mod ram;

use std::sync::Arc;

use crate::config::{ConfigError, MountConfig};
use crate::vfs::Backend;

/// The backend names the config accepts.
pub const KINDS: &[&str] = &["ram", "local"];

/// Builds the backend a mount names, consuming its backend-specific options.
pub fn build(m: &mut MountConfig) -> Result<Arc<dyn Backend>, ConfigError> {
    match m.backend.as_str() {
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
