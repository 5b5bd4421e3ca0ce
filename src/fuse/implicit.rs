//! Kernel-side opens: files the kernel opens without asking mirage.
//!
//! The adapter answers the first OPEN with ENOSYS; the kernel then opens existing files
//! itself — no OPEN or RELEASE round trip, pages cached across opens and dropped when the
//! attributes show a new size or mtime — and sends READ/WRITE with handle 0. (Files made by
//! CREATE still get a real handle.)
//!
//! - When no mount commits at close (every writable mount writes through: `ram`, `local`),
//!   FLUSH is answered with ENOSYS too, so `close(2)` costs nothing. A request with handle 0 is
//!   served by a core handle opened for it and closed after it, so a host file replaced behind
//!   mirage's back is read afresh.
//! - Otherwise FLUSH still comes at every `close(2)`. A write with handle 0 to a mount that
//!   commits at close (object stores) goes to a *writing* handle kept for the inode; the
//!   inode's next FLUSH after a write commits it and returns the upload's error to
//!   `close(2)`. `ftruncate` and a truncation to 0 by path — what `open(O_TRUNC)` sends — are
//!   staged there as well, so a failed upload still leaves the previous object intact. A file
//!   only created or truncated (nothing written: `touch`, `truncate(2)` by path, or a shell's
//!   `>` before its first write) is committed when no write follows within [`LONE_TRUNCATE`].
//!
//! Once the kernel opens files itself, it sends no RELEASE for files made by CREATE either, so
//! those are answered with handle 0 too: their core handle is closed at once (write-through
//! mounts) or becomes the inode's writing handle.
//!
//! An inode unlinked while the kernel may hold it open (in every mode) gets a handle opened
//! just before the unlink and kept until the kernel forgets the inode — so a file opened, unlinked and then
//! read still reads, as on a local filesystem.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::MirageFs;
use crate::vfs::{OpenFlags, VPath, VfsError, VfsResult, lock};

/// How long a file only created or truncated through a writing handle waits for a write
/// before it is committed as it is.
pub const LONE_TRUNCATE: Duration = Duration::from_secs(2);

/// A writing handle: the core handle and the number of writes through it.
#[derive(Clone, Copy)]
struct Writing {
    fh: u64,
    writes: u64,
}

type WritingMap = Arc<Mutex<HashMap<u64, Writing>>>;

/// How opens reach mirage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Opens {
    /// Every open and close is a request (per-open handles; passthrough possible).
    Requested,
    /// The kernel opens files; FLUSH is still sent (some mount commits at close).
    KernelWithFlush,
    /// The kernel opens and closes files without a word.
    Kernel,
}

/// Core handles the adapter keeps for inodes the kernel opened itself.
pub(super) struct Implicit {
    opens: Opens,
    /// Unlinked inodes.
    pinned: Mutex<HashMap<u64, u64>>,
    /// Inodes with uncommitted writes on a mount that commits at close.
    writing: WritingMap,
}

impl Implicit {
    pub(super) fn new(opens: Opens) -> Self {
        Implicit {
            opens,
            pinned: Mutex::new(HashMap::new()),
            writing: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// How opens reach mirage.
    pub(super) fn opens(&self) -> Opens {
        self.opens
    }

    /// The handle kept for `ino`, counting a write if `write`.
    fn kept(&self, ino: u64, write: bool) -> Option<u64> {
        let writing = lock(&self.writing).get_mut(&ino).map(|w| {
            w.writes += u64::from(write);
            w.fh
        });
        writing.or_else(|| lock(&self.pinned).get(&ino).copied())
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
    /// kernel opened itself) the handle kept for the inode, a new writing handle (a write to a
    /// mount that commits at close), or one opened for this request alone.
    pub(super) fn handle_for(&self, ino: u64, fh: u64, write: bool) -> VfsResult<Lent<'_>> {
        let lent = |fh, temporary| Lent {
            fs: self,
            fh,
            temporary,
        };
        if fh != 0 {
            return Ok(lent(fh, false));
        }
        if let Some(fh) = self.implicit.kept(ino, write) {
            return Ok(lent(fh, false));
        }
        let path = self.inodes.path(ino).ok_or(VfsError::NotFound)?;
        if write && self.vfs.commits_on_close_at(&path) {
            return Ok(lent(self.writing_handle(ino, &path)?, false));
        }
        Ok(lent(self.open_implicit(&path, write)?, true))
    }

    fn writing_handle(&self, ino: u64, path: &VPath) -> VfsResult<u64> {
        let fh = self.open_implicit(path, true)?;
        Ok(self.keep_writing(ino, fh, 1))
    }

    /// For a truncation of `ino` to `size` on a mount that commits at close: true (and staged
    /// in the inode's writing handle, committed at its next FLUSH) for `ftruncate` on a
    /// descriptor the kernel opened (`fh` 0) and for a truncation to 0 by path, which is what
    /// `open(O_TRUNC)` sends (see the module header for a lone `truncate(2)`).
    pub(super) fn stage_truncate(&self, ino: u64, fh: Option<u64>, size: u64) -> VfsResult<bool> {
        if self.implicit.opens != Opens::KernelWithFlush {
            return Ok(false);
        }
        let by_path = fh.is_none() && size == 0;
        if fh != Some(0) && !by_path {
            return Ok(false);
        }
        let Some(path) = self.inodes.path(ino) else {
            return Ok(false);
        };
        if !self.vfs.commits_on_close_at(&path) {
            return Ok(false);
        }
        if by_path && self.implicit.kept(ino, false).is_none() {
            // The truncation of open(O_TRUNC), or truncate(2): nothing written yet.
            let flags = OpenFlags {
                write: true,
                truncate: true,
                ..OpenFlags::default()
            };
            let fh = self.rt.block_on(self.vfs.open(&path, flags))?;
            let fh = self.keep_writing(ino, fh, 0);
            self.commit_if_alone(ino, fh);
            return Ok(true);
        }
        let h = self.handle_for(ino, 0, true)?;
        self.rt.block_on(self.vfs.set_len(h.fh, size))?;
        Ok(true)
    }

    /// A file made by CREATE: the handle number to give the kernel. With per-open handling
    /// the core handle itself; else 0, and the core handle becomes the inode's writing handle
    /// (mounts that commit at close) or is closed (it wrote nothing yet).
    pub(super) fn adopt_created(&self, ino: u64, path: &VPath, fh: u64) -> u64 {
        if self.implicit.opens == Opens::Requested {
            return fh;
        }
        if self.vfs.commits_on_close_at(path) {
            let fh = self.keep_writing(ino, fh, 0);
            self.commit_if_alone(ino, fh);
        } else {
            self.release_quietly(fh);
        }
        0
    }

    /// Makes `fh` the writing handle of `ino` unless it has one; returns the one in use.
    fn keep_writing(&self, ino: u64, fh: u64, writes: u64) -> u64 {
        let mut writing = lock(&self.implicit.writing);
        if let Some(other) = writing.get(&ino).map(|w| w.fh) {
            drop(writing);
            self.release_quietly(fh);
            return other;
        }
        writing.insert(ino, Writing { fh, writes });
        fh
    }

    /// Commits the writing handle `fh` of `ino` after [`LONE_TRUNCATE`] unless it was written
    /// to or flushed meanwhile.
    fn commit_if_alone(&self, ino: u64, fh: u64) {
        let writing = self.implicit.writing.clone();
        let Some(writes) = lock(&writing).get(&ino).map(|w| w.writes) else {
            return;
        };
        let vfs = self.vfs.clone();
        self.rt.spawn(async move {
            tokio::time::sleep(LONE_TRUNCATE).await;
            let alone = {
                let mut map = lock(&writing);
                let same = map
                    .get(&ino)
                    .is_some_and(|w| w.fh == fh && w.writes == writes);
                same && map.remove(&ino).is_some()
            };
            if alone && let Err(e) = vfs.release(fh).await {
                tracing::error!(ino, "committing a truncation: {e}");
            }
        });
    }

    /// FLUSH with handle 0 (a `close(2)` of a descriptor the kernel opened): commits what was
    /// written through the inode's writing handle, if any; the upload's error is the error of
    /// `close(2)` (and the handle stays, so a later FLUSH or the unmount retries).
    pub(super) fn flush_implicit(&self, ino: u64) -> VfsResult<()> {
        let Some(fh) = lock(&self.implicit.writing).get(&ino).map(|w| w.fh) else {
            return Ok(());
        };
        if let Err(e) = self.rt.block_on(self.vfs.flush(fh)) {
            // close(2) reports it; the staged data goes (as with per-open handles) and the
            // kernel's pages of it too, so the file shows the object as it is.
            if self.take_writing(ino, fh) {
                let _ = self.rt.block_on(self.vfs.discard(fh));
            }
            self.drop_pages(ino);
            return Err(e);
        }
        if self.rt.block_on(self.vfs.is_dirty(fh)) {
            // Only created or truncated: a write may follow (a shell closes its first
            // descriptor before writing through the duplicate).
            self.commit_if_alone(ino, fh);
            return Ok(());
        }
        if self.take_writing(ino, fh) {
            self.release_quietly(fh);
        }
        Ok(())
    }

    /// Removes `fh` as the writing handle of `ino`; false if it no longer is.
    fn take_writing(&self, ino: u64, fh: u64) -> bool {
        let mut writing = lock(&self.implicit.writing);
        let same = writing.get(&ino).is_some_and(|w| w.fh == fh);
        same && writing.remove(&ino).is_some()
    }

    /// Asks the kernel to drop its cached pages and attributes of `ino` — before the FLUSH is
    /// answered, so the closing process reads the object afterwards (FLUSH holds no page or
    /// inode lock while it waits for us).
    fn drop_pages(&self, ino: u64) {
        if let Some(n) = self.notifier.get()
            && let Err(e) = n.inval_inode(fuser::INodeNo(ino), 0, 0)
        {
            tracing::debug!(ino, "page invalidation: {e}");
        }
    }

    /// The handle to `fstat` for a request on `ino`, if there is one (never opens).
    pub(super) fn existing_handle(&self, ino: u64, fh: Option<u64>) -> Option<u64> {
        match fh {
            Some(fh) if fh != 0 && !self.is_dir_handle(fh) => Some(fh),
            _ => self.implicit.kept(ino, false),
        }
    }

    fn open_implicit(&self, path: &VPath, write: bool) -> VfsResult<u64> {
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
    /// it) so descriptors open on it keep reading, writing and `fstat`-ing the old file (the
    /// kernel's `fstat` of an inode comes without a handle).
    pub(super) fn keep_unlinked(&self, path: &VPath) {
        // Object stores cannot read an unlinked object anyway.
        if self.vfs.commits_on_close_at(path) {
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

    /// The kernel forgot `ino`: handles kept for it go too (a writing one is committed).
    pub(super) fn drop_implicit(&self, ino: u64) {
        let kept = [
            lock(&self.implicit.writing).remove(&ino).map(|w| w.fh),
            lock(&self.implicit.pinned).remove(&ino),
        ];
        for fh in kept.into_iter().flatten() {
            self.release_quietly(fh);
        }
    }
}
