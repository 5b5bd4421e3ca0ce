//! Directory handles: a listing snapshot per `opendir`, served by `readdir`/`readdirplus`.
//! When the kernel opens files itself it opens directories itself too (OPENDIR answered with
//! ENOSYS): READDIR then comes with handle 0 and reads a listing kept per inode.
//!
//! The listing is taken at the first read of a handle (the kernel skips reading altogether
//! while its cached copy of the directory is valid), so offsets stay valid while the directory
//! changes; `readdirplus` hands out entries with attributes and a lookup count each.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use fuser::{
    Errno, FileHandle, FopenFlags, Generation, INodeNo, ReplyDirectory, ReplyDirectoryPlus,
    ReplyEmpty, ReplyOpen,
};

use super::attr::{file_type, synthetic_ino, to_attr};
use super::implicit::Opens;
use super::{DirSnapshot, IntoErrno, MirageFs, errno};
use crate::vfs::lock;

/// Directory handles carry this bit so `getattr(fh)` can tell them from file handles.
const DIR_HANDLE_BIT: u64 = 1 << 62;

/// Listings of directories the kernel opened itself (handle 0) are kept under their inode
/// with this bit, from a read at offset 0 until a read reaches the end.
const KERNEL_OPENED_BIT: u64 = 1 << 61;

/// At most this many such listings are kept (readers that stop halfway leave theirs).
const KERNEL_OPENED_MAX: usize = 1024;

impl MirageFs {
    pub(super) fn open_dir(&self, ino: INodeNo, reply: ReplyOpen) {
        if self.implicit.opens() != Opens::Requested {
            // As for files: the kernel then opens directories itself — no OPENDIR and
            // RELEASEDIR round trip per directory (a `find` or `rg` over a tree) — and keeps
            // its cached listing while the directory's mtime is unchanged.
            return reply.error(Errno::ENOSYS);
        }
        let path = tryr!(reply, self.path(ino));
        // Only a stat here: the listing is taken at the first readdir, which the kernel skips
        // altogether while its cached copy of the directory is valid.
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        if !meta.is_dir() {
            return reply.error(Errno::ENOTDIR);
        }
        let fh = self.next_dir.fetch_add(1, Ordering::Relaxed) | DIR_HANDLE_BIT;
        lock(&self.dirs).insert(
            fh,
            DirSnapshot {
                path,
                entries: None,
            },
        );
        let mut fopen = FopenFlags::FOPEN_CACHE_DIR;
        if self.remember(ino.0, &meta) {
            fopen |= FopenFlags::FOPEN_KEEP_CACHE;
        }
        reply.opened(FileHandle(fh), fopen);
    }

    pub(super) fn read_dir(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let (path, entries) = tryr!(reply, self.snapshot(fh.0, ino.0, offset));
        let parent_ino = self.inodes.peek(&path.parent()).max(1);
        let mut i = offset as usize;
        loop {
            let full = match i {
                0 => reply.add(ino, 1, fuser::FileType::Directory, "."),
                1 => reply.add(INodeNo(parent_ino), 2, fuser::FileType::Directory, ".."),
                n if n - 2 < entries.len() => {
                    let e = &entries[n - 2];
                    let child = path.join(&e.name).unwrap_or_default();
                    let cino = match self.inodes.peek(&child) {
                        0 => synthetic_ino(child.as_str()),
                        x => x,
                    };
                    reply.add(INodeNo(cino), (n + 1) as u64, file_type(&e.meta), &e.name)
                }
                _ => break,
            };
            if full {
                break;
            }
            i += 1;
        }
        reply.ok();
    }

    pub(super) fn read_dir_plus(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectoryPlus,
    ) {
        let (path, entries) = tryr!(reply, self.snapshot(fh.0, ino.0, offset));
        let ttl = self.ttl(&path);
        let dir_meta = crate::vfs::Metadata::dir(SystemTime::UNIX_EPOCH);
        let mut i = offset as usize;
        while i < entries.len() + 2 {
            let full = if i < 2 {
                // "." and ".." carry no lookup count.
                let (name, dino) = if i == 0 {
                    (".", ino.0)
                } else {
                    ("..", self.inodes.peek(&path.parent()).max(1))
                };
                let attr = to_attr(dino, &dir_meta, self.uid, self.gid);
                reply.add(
                    INodeNo(dino),
                    (i + 1) as u64,
                    name,
                    &std::time::Duration::ZERO,
                    &attr,
                    Generation(0),
                )
            } else {
                let e = &entries[i - 2];
                let Ok(child) = path.join(&e.name) else {
                    i += 1;
                    continue;
                };
                let cino = self.entry_ino(&child, &e.meta);
                let attr = to_attr(cino, &e.meta, self.uid, self.gid);
                let full = reply.add(
                    INodeNo(cino),
                    (i + 1) as u64,
                    &e.name,
                    &ttl,
                    &attr,
                    Generation(0),
                );
                if full {
                    self.inodes.forget(cino, 1);
                }
                full
            };
            if full {
                break;
            }
            i += 1;
        }
        reply.ok();
    }

    pub(super) fn release_dir(&self, fh: FileHandle, reply: ReplyEmpty) {
        lock(&self.dirs).remove(&fh.0);
        reply.ok();
    }

    pub(super) fn is_dir_handle(&self, fh: u64) -> bool {
        fh & DIR_HANDLE_BIT != 0
    }

    /// The listing a READDIR at `offset` reads: the handle's snapshot, or for a directory
    /// the kernel opened itself (handle 0) a fresh one at offset 0, kept for the reads after.
    fn snapshot(
        &self,
        fh: u64,
        ino: u64,
        offset: u64,
    ) -> Result<(crate::vfs::VPath, Arc<Vec<crate::vfs::DirEntry>>), Errno> {
        if fh == 0 {
            let (path, list) = self.kernel_opened_listing(ino, offset)?;
            if offset as usize >= list.len() + 2 {
                // The reader is at the end: the kept listing is let go.
                lock(&self.dirs).remove(&(ino | KERNEL_OPENED_BIT));
            }
            return Ok((path, list));
        }
        let (path, entries) = {
            let dirs = lock(&self.dirs);
            let d = dirs.get(&fh).ok_or(Errno::EBADF)?;
            (d.path.clone(), d.entries.clone())
        };
        if let Some(e) = entries {
            return Ok((path, e));
        }
        let list = Arc::new(
            self.rt
                .block_on(self.vfs.list(&path))
                .map_err(|e| errno(&e))?,
        );
        if let Some(d) = lock(&self.dirs).get_mut(&fh) {
            d.entries = Some(list.clone());
        }
        Ok((path, list))
    }

    fn kernel_opened_listing(
        &self,
        ino: u64,
        offset: u64,
    ) -> Result<(crate::vfs::VPath, Arc<Vec<crate::vfs::DirEntry>>), Errno> {
        let key = ino | KERNEL_OPENED_BIT;
        if offset > 0
            && let Some(DirSnapshot {
                path,
                entries: Some(e),
            }) = lock(&self.dirs).get(&key)
        {
            return Ok((path.clone(), e.clone()));
        }
        let path = self.path(INodeNo(ino))?;
        let list = Arc::new(
            self.rt
                .block_on(self.vfs.list(&path))
                .map_err(|e| errno(&e))?,
        );
        let mut dirs = lock(&self.dirs);
        if dirs.len() >= KERNEL_OPENED_MAX {
            dirs.retain(|k, _| k & KERNEL_OPENED_BIT == 0);
        }
        dirs.insert(
            key,
            DirSnapshot {
                path: path.clone(),
                entries: Some(list.clone()),
            },
        );
        Ok((path, list))
    }
}
