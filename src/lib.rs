//! mirage: a unified virtual filesystem for AI agents.
//!
//! Backends ([`backends`]) implement one small path-based contract ([`vfs::Backend`]); the core
//! ([`vfs`]) owns mounts, inodes, handles, caches and the errno model; the FUSE frontend
//! ([`fuse`]) is a thin adapter over it. [`config`] and [`workspace`] turn a `config.toml` into
//! a running [`vfs::Vfs`].

pub mod backends;
pub mod config;
pub mod fuse;
pub mod vfs;
pub mod workspace;
