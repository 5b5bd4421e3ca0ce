//! Kernel-side opens: files the kernel opens without asking mirage.
//!
//! When no mount has to commit anything at `close(2)` (every writable mount writes through:
//! `ram`, `local`), the adapter answers the first OPEN and FLUSH with ENOSYS. The kernel then
//! opens existing files itself — no OPEN, FLUSH or RELEASE round trip, page cache kept across
//! opens and dropped when the attributes show a new size or mtime — and sends READ/WRITE with
//! handle 0. Those requests are served through a core handle opened for the request and closed
//! after it (writes went through at once), so a host file replaced behind mirage's back is read
//! afresh.
//!
//! An inode unlinked while the kernel may hold it open gets a handle opened just before the
//! unlink and kept until the kernel forgets the inode — so a file opened, unlinked and
//! then read still reads, as on a local filesystem.

use std::collections::HashMap;
use std::sync::Mutex;

use super::MirageFs;
use crate::vfs::{OpenFlags, VPath, VfsError, lock};

/// Handles of unlinked inodes the kernel may still have open, by inode.
pub(super) struct Implicit {
    enabled: bool,
    pinned: Mutex<HashMap<u64, u64>>,
}

impl Implicit {
    pub(super) fn new(enabled: bool) -> Self {
        Implicit {
            enabled,
            pinned: Mutex::new(HashMap::new()),
        }
    }

    /// True when the kernel opens files itself (OPEN and FLUSH are answered with ENOSYS).
    pub(super) fn enabled(&self) -> bool {
        self.enabled
    }
}

/// A core handle lent to one request; a temporary one is closed when dropped.
pub(super) struct Lent<'a> {
    fs: &'a MirageFs,
    /// The core handle number.
    pub(super) fh: u64,
    temporary: bool,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if self.temporary {
            self.fs.release_quietly(self.fh);
        }
    }
}

impl MirageFs {
    /// The core handle serving a request on `ino`: the kernel's `fh`; for handle 0 (a file the
    /// kernel opened itself) the handle kept for an unlinked inode, or one opened (for writing
    /// if `write`) for this request alone.
    pub(super) fn handle_for(&self, ino: u64, fh: u64, write: bool) -> Result<Lent<'_>, VfsError> {
        let lent = |fh, temporary| Lent {
            fs: self,
            fh,
            temporary,
        };
        if fh != 0 {
            return Ok(lent(fh, false));
        }
        if let Some(&fh) = lock(&self.implicit.pinned).get(&ino) {
            return Ok(lent(fh, false));
        }
        let path = self.inodes.path(ino).ok_or(VfsError::NotFound)?;
        Ok(lent(self.open_implicit(&path, write)?, true))
    }

    /// The handle to `fstat` for a request on `ino`, if there is one (never opens).
    pub(super) fn existing_handle(&self, ino: u64, fh: Option<u64>) -> Option<u64> {
        match fh {
            Some(fh) if fh != 0 && !self.is_dir_handle(fh) => Some(fh),
            _ => lock(&self.implicit.pinned).get(&ino).copied(),
        }
    }

    fn open_implicit(&self, path: &VPath, write: bool) -> Result<u64, VfsError> {
        let flags = OpenFlags {
            write,
            ..OpenFlags::default()
        };
        self.rt.block_on(self.vfs.open(path, flags))
    }

    fn release_quietly(&self, fh: u64) {
        if let Err(e) = self.rt.block_on(self.vfs.release(fh)) {
            tracing::warn!(fh, "closing an implicit handle: {e}");
        }
    }

    /// Before `path` is unlinked or replaced: opens a handle on its inode (if the kernel knows
    /// it) so descriptors the kernel opened on it keep reading and writing the old file.
    pub(super) fn keep_unlinked(&self, path: &VPath) {
        if !self.implicit.enabled() {
            return;
        }
        let ino = self.inodes.peek(path);
        if ino == 0 || lock(&self.implicit.pinned).contains_key(&ino) {
            return;
        }
        // Not a regular file, or not openable: nothing the kernel could read either.
        if let Ok(fh) = self.open_implicit(path, true) {
            let mut pinned = lock(&self.implicit.pinned);
            pinned.insert(ino, fh);
            tracing::debug!(
                ino,
                kept = pinned.len(),
                "handle kept for an unlinked inode"
            );
        }
    }

    /// The kernel forgot `ino`: a handle kept for it goes too.
    pub(super) fn drop_implicit(&self, ino: u64) {
        let kept = lock(&self.implicit.pinned).remove(&ino);
        if let Some(fh) = kept {
            self.release_quietly(fh);
        }
    }
}
