//! The logging layer: one `tracing` event per backend call, with mount, operation, path,
//! latency and errno — what reaches the service after the caches (`RUST_LOG=mirage=debug`).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;

use super::backend::{
    Backend, BackendFile, BackendInfo, ByteStream, DirEntry, FsStats, MetaChange, Metadata,
    OpenOptions, PutData, Special,
};
use super::error::VfsResult;
use super::path::VPath;

/// Logs every call into the wrapped backend.
pub struct LoggingLayer {
    inner: Arc<dyn Backend>,
    mount: VPath,
}

impl LoggingLayer {
    /// Wraps `inner`, naming it by its mount point in the log.
    pub fn new(inner: Arc<dyn Backend>, mount: VPath) -> Self {
        LoggingLayer { inner, mount }
    }

    fn log<T>(&self, op: &str, path: &VPath, start: Instant, r: &VfsResult<T>) {
        let us = start.elapsed().as_micros() as u64;
        match r {
            Ok(_) => tracing::debug!(mount = %self.mount, op, %path, us, "ok"),
            Err(e) => tracing::debug!(mount = %self.mount, op, %path, us, errno = e.errno(), "{e}"),
        }
    }
}

macro_rules! logged {
    ($self:ident, $op:literal, $path:expr, $call:expr) => {{
        let start = Instant::now();
        let r = $call.await;
        $self.log($op, $path, start, &r);
        r
    }};
}

#[async_trait]
impl Backend for LoggingLayer {
    fn info(&self) -> &BackendInfo {
        self.inner.info()
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        logged!(self, "stat", path, self.inner.stat(path))
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        logged!(self, "list", path, self.inner.list(path))
    }
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        logged!(self, "read", path, self.inner.read(path, offset, len))
    }
    async fn read_segments(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Vec<Bytes>> {
        logged!(
            self,
            "read",
            path,
            self.inner.read_segments(path, offset, len)
        )
    }
    /// Logged when the stream starts (the request's answer), not when it ends.
    async fn read_stream(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<ByteStream> {
        logged!(
            self,
            "read",
            path,
            self.inner.read_stream(path, offset, len)
        )
    }
    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        logged!(self, "put", path, self.inner.put(path, data))
    }
    async fn begin_upload(
        &self,
        path: &VPath,
    ) -> VfsResult<Option<std::sync::Arc<dyn crate::vfs::parts::PartUpload>>> {
        logged!(self, "begin_upload", path, self.inner.begin_upload(path))
    }
    async fn open_file(&self, path: &VPath, opts: OpenOptions) -> VfsResult<Box<dyn BackendFile>> {
        logged!(self, "open", path, self.inner.open_file(path, opts))
    }
    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        logged!(self, "mkdir", path, self.inner.mkdir(path))
    }
    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        logged!(self, "remove_file", path, self.inner.remove_file(path))
    }
    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        logged!(self, "remove_dir", path, self.inner.remove_dir(path))
    }
    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        logged!(self, "rename", from, self.inner.rename(from, to))
    }
    async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        logged!(self, "symlink", path, self.inner.symlink(path, target))
    }
    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        logged!(self, "readlink", path, self.inner.readlink(path))
    }
    async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        logged!(self, "set_times", path, self.inner.set_times(path, mtime))
    }
    async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        logged!(self, "set_perm", path, self.inner.set_perm(path, perm))
    }
    async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        logged!(self, "link", to, self.inner.link(from, to))
    }
    async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        logged!(self, "mknod", path, self.inner.mknod(path, special, perm))
    }
    async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        logged!(self, "set_attrs", path, self.inner.set_attrs(path, change))
    }
    async fn statfs(&self) -> VfsResult<FsStats> {
        self.inner.statfs().await
    }
    fn invalidate(&self, path: &VPath) {
        self.inner.invalidate(path)
    }
}
