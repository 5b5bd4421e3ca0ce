//! The core: one [`Vfs`] that both frontends (FUSE and the shell) sit on.
//!
//! It owns the mount table, the open-file handles and the errno model; each mount is a stack of
//! layers (mode → cache → logging → backend) built in one place, [`Vfs::new`]. The path-level API here is
//! what the shell uses; FUSE adds inodes on top (see [`inode`]). Paths are workspace-absolute
//! [`VPath`]s; symlinks are never followed by these calls (they behave like `lstat`).

pub mod backend;
pub mod cache;
mod clock;
pub mod data_cache;
pub mod error;
mod handle;
pub mod inode;
pub mod logging;
pub mod mode;
pub mod mount_table;
pub mod parts;
pub mod path;
pub mod segments;
pub mod sink;
pub mod stage;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

pub use backend::{
    Backend, BackendFile, BackendInfo, Capability, DirEntry, FileKind, FsStats, MetaChange,
    Metadata, OpenOptions, Posix, PutData, Special, SpecialKind,
};
pub use clock::now;
pub use error::{VfsError, VfsResult};
pub use handle::OpenFlags;
pub use mode::Mode;
pub use mount_table::{Mount, MountTable};
pub use path::VPath;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What one mount is made of, before layering.
pub struct MountSpec {
    /// Where it appears in the workspace.
    pub path: VPath,
    /// The bare backend.
    pub backend: Arc<dyn Backend>,
    /// Read or write.
    pub mode: Mode,
    /// Metadata TTL for the cache layer and the kernel.
    pub ttl: Duration,
}

/// A workspace: mounts, handles, caches.
pub struct Vfs {
    table: MountTable,
    handles: handle::HandleTable,
    spill_at: u64,
    host_fds_read_write: std::sync::atomic::AtomicBool,
}

impl Vfs {
    /// Builds the layer stack of every mount (mode → cache → logging → backend) and the mount table,
    /// with the default data cache budget (512 MiB).
    pub fn new(specs: Vec<MountSpec>) -> VfsResult<Self> {
        Self::with_cache_size(specs, 512 << 20)
    }

    /// Like [`Vfs::new`], with a data cache of `cache_size` bytes shared by all mounts.
    pub fn with_cache_size(specs: Vec<MountSpec>, cache_size: u64) -> VfsResult<Self> {
        let data = Arc::new(data_cache::DataCache::new(cache_size));
        let mounts = specs
            .into_iter()
            .map(|s| {
                let mut stack: Arc<dyn Backend> =
                    Arc::new(logging::LoggingLayer::new(s.backend, s.path.clone()));
                if stack.info().capability.cacheable && !s.ttl.is_zero() {
                    stack = Arc::new(cache::CacheLayer::new(stack, s.ttl, data.clone()));
                }
                let stack: Arc<dyn Backend> = Arc::new(mode::ModeLayer::new(stack, s.mode));
                Mount {
                    path: s.path,
                    stack,
                    mode: s.mode,
                    ttl: s.ttl,
                }
            })
            .collect();
        Ok(Vfs {
            table: MountTable::new(mounts)?,
            handles: handle::HandleTable::default(),
            spill_at: stage::DEFAULT_SPILL_THRESHOLD,
            host_fds_read_write: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Opens host files read-write where allowed even for readers on write mounts, so one
    /// descriptor can back every open of a file (what FUSE passthrough needs).
    pub fn set_read_write_host_fds(&self, on: bool) {
        self.host_fds_read_write
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Sets the size past which staged writes move to a temp file.
    pub fn with_spill_threshold(mut self, bytes: u64) -> Self {
        self.spill_at = bytes;
        self
    }

    /// The mount table.
    pub fn table(&self) -> &MountTable {
        &self.table
    }

    /// True when some writable mount stages files and commits them at close (object stores),
    /// so the FUSE frontend must see every open, flush and release.
    pub fn commits_on_close(&self) -> bool {
        self.table
            .mounts()
            .iter()
            .any(|m| m.mode == Mode::Write && !m.stack.info().capability.random_io)
    }

    /// True when the mount serving `path` stages files and commits them at close.
    pub fn commits_on_close_at(&self, path: &VPath) -> bool {
        let m = self.table.route(path).0;
        m.mode == Mode::Write && !m.stack.info().capability.random_io
    }

    /// The TTL of the mount serving `path` (handed to the kernel).
    pub fn ttl(&self, path: &VPath) -> Duration {
        self.table.route(path).0.ttl
    }

    /// Attributes of `path` (a final symlink is not followed).
    pub async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        let (mount, rel) = self.table.route(path);
        match mount.stack.stat(&rel).await {
            Err(VfsError::NotFound) if self.table.is_ancestor(path) => {
                Ok(self.table.synthetic_dir())
            }
            Err(VfsError::NotFound) if !self.handles.pending(path).is_empty() => {
                Ok(Metadata::file(
                    self.handles.staged_size(path).unwrap_or(0),
                    crate::vfs::now(),
                ))
            }
            Ok(mut m) => {
                if m.kind == FileKind::File
                    && let Some(size) = self.handles.staged_size(path)
                {
                    m.size = size;
                }
                Ok(m)
            }
            Err(e) => Err(e),
        }
    }

    /// The entries of directory `path`, sorted by name, with mount points merged in.
    pub async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let (mount, rel) = self.table.route(path);
        let mut entries = match mount.stack.list(&rel).await {
            Err(VfsError::NotFound) if self.table.is_ancestor(path) => Vec::new(),
            other => other?,
        };
        for (name, size) in self.handles.pending_in(path) {
            if !entries.iter().any(|e| e.name == name) {
                let meta = Metadata::file(size, crate::vfs::now());
                entries.push(DirEntry { name, meta });
            }
        }
        let below = self.table.child_mount_names(path);
        if !below.is_empty() {
            entries.retain(|e| !below.contains(&e.name));
            for name in below {
                let meta = self.stat(&path.join(&name)?).await?;
                entries.push(DirEntry { name, meta });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// The target of the symlink at `path`.
    pub async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        let (mount, rel) = self.table.route(path);
        mount.stack.readlink(&rel).await
    }

    /// Creates a directory. Mount points and their parents exist already.
    pub async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        if self.is_mount_point(path) {
            return Err(VfsError::AlreadyExists);
        }
        let (mount, rel) = self.table.route(path);
        mount.stack.mkdir(&rel).await
    }

    /// Removes a file or symlink.
    pub async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        if self.is_mount_point(path) {
            return Err(VfsError::IsADirectory);
        }
        let (mount, rel) = self.table.route(path);
        let pending = self.detach(path).await;
        match mount.stack.remove_file(&rel).await {
            Ok(()) => Ok(()),
            Err(VfsError::NotFound) if pending => Ok(()), // never uploaded: nothing to delete
            Err(e) => Err(e),
        }
    }

    /// Removes an empty directory. Mount points cannot be removed.
    pub async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        if self.is_mount_point(path) {
            return Err(VfsError::NotPermitted);
        }
        let (mount, rel) = self.table.route(path);
        mount.stack.remove_dir(&rel).await
    }

    /// Renames within one mount (`CrossDevice` across mounts; callers copy instead).
    pub async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        if self.is_mount_point(from) || self.is_mount_point(to) {
            return Err(VfsError::NotPermitted);
        }
        let (stack, r1, r2) = self.same_mount(from, to).await?;
        stack.rename(&r1, &r2).await?;
        if from != to {
            self.handles.unlinked(to);
            self.handles.rebase(from, to);
        }
        Ok(())
    }

    /// Creates a symlink at `path` pointing to `target` (stored verbatim).
    pub async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        if self.is_mount_point(path) {
            return Err(VfsError::AlreadyExists);
        }
        let (mount, rel) = self.table.route(path);
        mount.stack.symlink(&rel, target).await
    }

    /// Sets the modification time.
    pub async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        self.settle(path).await?;
        let (mount, rel) = self.table.route(path);
        mount.stack.set_times(&rel, mtime).await
    }

    /// Sets the permission bits.
    pub async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        self.settle(path).await?;
        let (mount, rel) = self.table.route(path);
        mount.stack.set_perm(&rel, perm).await
    }

    /// Makes `to` a hard link of `from` (see [`Backend::link`]); across mounts `CrossDevice`.
    pub async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        if self.is_mount_point(to) {
            return Err(VfsError::AlreadyExists);
        }
        if self.is_mount_point(from) {
            return Err(VfsError::NotPermitted);
        }
        let (stack, r1, r2) = self.same_mount(from, to).await?;
        stack.link(&r1, &r2).await
    }

    /// The backend stack both paths are on and their paths inside it (`from` settled
    /// first); `CrossDevice` when they are on different mounts.
    async fn same_mount(
        &self,
        from: &VPath,
        to: &VPath,
    ) -> VfsResult<(Arc<dyn Backend>, VPath, VPath)> {
        self.settle(from).await?;
        let (m1, r1) = self.table.route(from);
        let (m2, r2) = self.table.route(to);
        if m1.path != m2.path {
            return Err(VfsError::CrossDevice);
        }
        Ok((m1.stack.clone(), r1, r2))
    }

    /// Makes a FIFO, socket or device node (see [`Backend::mknod`]).
    pub async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        if self.is_mount_point(path) {
            return Err(VfsError::AlreadyExists);
        }
        let (mount, rel) = self.table.route(path);
        mount.stack.mknod(&rel, special, perm).await
    }

    /// Changes the owner and/or access time (see [`Backend::set_attrs`]).
    pub async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        self.settle(path).await?;
        let (mount, rel) = self.table.route(path);
        mount.stack.set_attrs(&rel, change).await
    }

    /// Truncates or extends the file at `path` to `size` bytes.
    pub async fn truncate(&self, path: &VPath, size: u64) -> VfsResult<()> {
        let flags = OpenFlags {
            write: true,
            truncate: size == 0,
            ..OpenFlags::default()
        };
        let fh = self.open(path, flags).await?;
        let r = self.set_len(fh, size).await;
        let closed = self.release(fh).await;
        r.and(closed)
    }

    /// Space numbers of the mount serving `path`.
    pub async fn statfs(&self, path: &VPath) -> VfsResult<FsStats> {
        let (mount, _) = self.table.route(path);
        mount.stack.statfs().await
    }

    /// The whole content of the file at `path`.
    pub async fn read_all(&self, path: &VPath) -> VfsResult<Bytes> {
        let fh = self.open(path, OpenFlags::read()).await?;
        let mut out = Vec::new();
        let r = async {
            loop {
                let chunk = self.read(fh, out.len() as u64, 1 << 20).await?;
                if chunk.is_empty() {
                    return Ok(());
                }
                out.extend_from_slice(&chunk);
            }
        }
        .await;
        let closed = self.release(fh).await;
        r.and(closed).map(|()| Bytes::from(out))
    }

    /// Creates or replaces the file at `path` with `data` (append adds at the end instead).
    pub async fn write_all(&self, path: &VPath, data: &[u8], append: bool) -> VfsResult<()> {
        let flags = OpenFlags {
            append,
            truncate: !append,
            ..OpenFlags::create_truncate()
        };
        let fh = self.open(path, flags).await?;
        let r = self.write(fh, 0, data).await;
        let closed = self.release(fh).await;
        r.and(closed).map(|_| ())
    }

    fn is_mount_point(&self, path: &VPath) -> bool {
        self.table.mounts().iter().any(|m| &m.path == path) || self.table.is_ancestor(path)
    }
}
