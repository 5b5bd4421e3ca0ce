//! The mode layer: the one place that answers "Read-only file system".
//!
//! Every mount's backend stack is wrapped by a [`ModeLayer`]; on a `read` mount every
//! mutating operation (put, open for writing, mkdir, remove, rename, symlink, times,
//! permissions) fails with [`VfsError::ReadOnly`] before it reaches the backend. The core's
//! staged handles ask [`require_write`] instead of duplicating the rule.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;

use super::backend::{
    Backend, BackendFile, BackendInfo, DirEntry, FsStats, MetaChange, Metadata, OpenOptions,
    PutData, Special,
};
use super::error::{VfsError, VfsResult};
use super::path::VPath;
use super::sink::ReadSink;

/// A mount's mode from the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reads only (the default).
    #[default]
    Read,
    /// Reads and writes.
    Write,
}

/// `Ok` on a write mount, `ReadOnly` otherwise.
pub fn require_write(mode: Mode) -> VfsResult<()> {
    match mode {
        Mode::Write => Ok(()),
        Mode::Read => Err(VfsError::ReadOnly),
    }
}

/// Enforces a mount's mode in front of its backend stack.
pub struct ModeLayer {
    inner: Arc<dyn Backend>,
    mode: Mode,
}

impl ModeLayer {
    /// Wraps `inner`, refusing writes unless `mode` is `Write`.
    pub fn new(inner: Arc<dyn Backend>, mode: Mode) -> Self {
        ModeLayer { inner, mode }
    }
}

#[async_trait]
impl Backend for ModeLayer {
    fn info(&self) -> &BackendInfo {
        self.inner.info()
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        self.inner.stat(path).await
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        self.inner.list(path).await
    }
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        self.inner.read(path, offset, len).await
    }
    async fn read_into(
        &self,
        path: &VPath,
        offset: u64,
        len: u64,
        sink: &mut dyn ReadSink,
    ) -> VfsResult<()> {
        self.inner.read_into(path, offset, len, sink).await
    }
    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        require_write(self.mode)?;
        self.inner.put(path, data).await
    }
    async fn begin_upload(
        &self,
        path: &VPath,
    ) -> VfsResult<Option<std::sync::Arc<dyn crate::vfs::parts::PartUpload>>> {
        require_write(self.mode)?;
        self.inner.begin_upload(path).await
    }
    async fn open_file(&self, path: &VPath, opts: OpenOptions) -> VfsResult<Box<dyn BackendFile>> {
        if opts.write || opts.create || opts.truncate {
            require_write(self.mode)?;
        }
        self.inner.open_file(path, opts).await
    }
    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.mkdir(path).await
    }
    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.remove_file(path).await
    }
    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.remove_dir(path).await
    }
    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.rename(from, to).await
    }
    async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.symlink(path, target).await
    }
    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        self.inner.readlink(path).await
    }
    async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.set_times(path, mtime).await
    }
    async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.set_perm(path, perm).await
    }
    async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.link(from, to).await
    }
    async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.mknod(path, special, perm).await
    }
    async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        require_write(self.mode)?;
        self.inner.set_attrs(path, change).await
    }
    async fn statfs(&self) -> VfsResult<FsStats> {
        self.inner.statfs().await
    }
    fn invalidate(&self, path: &VPath) {
        self.inner.invalidate(path)
    }
}
