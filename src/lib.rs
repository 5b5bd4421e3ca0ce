//! mirage: a unified virtual filesystem for AI agents.
//!
//! Backends ([`backends`]) implement one small path-based contract ([`vfs::Backend`]); the core
//! ([`vfs`]) owns mounts, inodes, handles, caches and the errno model; the FUSE frontend
//! ([`fuse`]) is a thin adapter over it. [`config`] and [`workspace`] turn a `config.toml` into
//! a running [`vfs::Vfs`].

pub mod backends;
pub mod config;
pub mod fuse;
pub mod log;
pub mod mcp;
pub mod prompt;
pub mod shell;
pub mod vfs;
pub mod workspace;

/// Installs aws-lc-rs as the process-wide rustls crypto provider, once. Two providers are
/// compiled in (ring through octocrab, aws-lc through the AWS SDK), and rustls refuses to pick
/// one by itself; every client constructor calls this.
pub fn init_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}
