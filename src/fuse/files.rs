//! File requests: open, read, write, flush, release, fsync, create, setattr, fallocate, lseek.
//!
//! Each maps the kernel's handle to a core handle — its own, or for handle 0 one chosen by
//! [`super::implicit`] — and replies with the core's answer or errno.

use std::ffi::OsStr;
use std::io::IoSlice;

use fuser::{
    Errno, FileHandle, FopenFlags, Generation, INodeNo, OpenFlags as FuseOpenFlags, ReplyAttr,
    ReplyCreate, ReplyData, ReplyEmpty, ReplyLseek, ReplyOpen, ReplyWrite, TimeOrNow,
};

use super::attr::{time_of, to_attr};
use super::implicit::Opens;
use super::{IntoErrno, MirageFs, errno};
use crate::vfs::sink::ReadSink;
use crate::vfs::{MetaChange, OpenFlags, VfsError, lock};

/// Answers a READ with the data lent by the core: one `writev` of all its pieces, so a read
/// spanning two cached blocks or served from a RAM file is not copied in user space.
struct ReplySink(Option<ReplyData>);

impl ReadSink for ReplySink {
    fn accept(&mut self, parts: &[&[u8]]) {
        if let Some(reply) = self.0.take() {
            match parts {
                [] => reply.data(&[]),
                [one] => reply.data(one),
                // Never near the kernel's 1,024-entry writev limit (blocks keep at most
                // `MAX_PARTS` pieces); joined rather than fail if a backend lends more.
                many if many.len() > 256 => reply.data(&many.concat()),
                many => {
                    let iov: Vec<IoSlice<'_>> = many.iter().map(|p| IoSlice::new(p)).collect();
                    reply.data_vectored(&iov);
                }
            }
        }
    }

    /// Over io_uring the read lands in the ring entry's buffer, where the kernel copies it
    /// from: one copy fewer than reading into a buffer of ours first.
    fn fill(
        &mut self,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> std::io::Result<usize>,
    ) -> bool {
        match self.0.take() {
            Some(reply) if reply.fills_in_place() => {
                reply.data_with(len, fill);
                true
            }
            other => {
                self.0 = other;
                false
            }
        }
    }
}

/// What a SETATTR asks to change (the attributes mirage acts on).
pub(super) struct AttrChange {
    pub(super) mode: Option<u32>,
    pub(super) uid: Option<u32>,
    pub(super) gid: Option<u32>,
    pub(super) size: Option<u64>,
    pub(super) atime: Option<TimeOrNow>,
    pub(super) mtime: Option<TimeOrNow>,
    pub(super) fh: Option<FileHandle>,
}

impl MirageFs {
    pub(super) fn set_attr(&self, ino: INodeNo, change: AttrChange, reply: ReplyAttr) {
        let AttrChange { mode, size, .. } = change;
        // An unlinked file the kernel still has open has no path, only a kept handle.
        let path = self.path(ino);
        let handle = self.existing_handle(ino.0, change.fh.map(|f| f.0));
        if path.is_err() && handle.is_none() {
            return reply.error(Errno::ENOENT);
        }
        let fh = change.fh.map(|f| f.0);
        tracing::debug!(ino = ino.0, ?size, mtime = ?change.mtime, ?fh, "setattr");
        // A truncation that must wait for close(2) on an object store is staged, and the
        // upload at close sets the mtime.
        let staged = match size {
            Some(size) => tryr!(reply, self.stage_truncate(ino.0, fh, size)),
            None => false,
        };
        let r = self.rt.block_on(async {
            let path = || path.clone().map_err(|_| VfsError::NotFound);
            if let Some(size) = size.filter(|_| !staged) {
                match self.existing_handle(ino.0, fh) {
                    Some(h) => self.vfs.set_len(h, size).await?,
                    None => self.vfs.truncate(&path()?, size).await?,
                }
            }
            if let Some(mode) = mode {
                self.vfs.set_perm(&path()?, (mode & 0o7777) as u16).await?;
            }
            if let Some(t) = change.mtime.filter(|_| !staged) {
                self.vfs.set_times(&path()?, time_of(t)).await?;
            }
            self.change_owner_or_atime(&change, path).await?;
            match self.existing_handle(ino.0, fh) {
                Some(fh) => self.vfs.fstat(fh).await,
                None => self.vfs.stat(&path()?).await,
            }
        });
        let meta = tryr!(reply, r);
        let ttl = path.map(|p| self.ttl(&p)).unwrap_or_default();
        reply.attr(&ttl, &to_attr(ino.0, &meta, self.uid, self.gid));
    }

    /// `chown` and the atime of `utimensat`: backends that keep no owners accept only the
    /// owner every file already has (mirage's user), and keep no atime.
    async fn change_owner_or_atime(
        &self,
        change: &AttrChange,
        path: impl Fn() -> Result<crate::vfs::VPath, VfsError>,
    ) -> Result<(), VfsError> {
        let owner = change.uid.is_some() || change.gid.is_some();
        if !owner && change.atime.is_none() {
            return Ok(());
        }
        let meta = MetaChange {
            uid: change.uid,
            gid: change.gid,
            atime: change.atime.map(time_of),
        };
        match self.vfs.set_attrs(&path()?, meta).await {
            Err(VfsError::Unsupported) => {
                let same = change.uid.is_none_or(|u| u == self.uid)
                    && change.gid.is_none_or(|g| g == self.gid);
                if owner && !same {
                    return Err(VfsError::NotPermitted);
                }
                Ok(())
            }
            other => other,
        }
    }

    pub(super) fn file_open(&self, ino: INodeNo, flags: FuseOpenFlags, reply: ReplyOpen) {
        if self.implicit.opens() != Opens::Requested {
            // The kernel opens files itself from now on (see `implicit`).
            return reply.error(Errno::ENOSYS);
        }
        let path = tryr!(reply, self.path(ino));
        let flags = OpenFlags::from_libc(flags.0);
        let r = self.rt.block_on(async {
            let fh = self.vfs.open(&path, flags).await?;
            match self.vfs.fstat(fh).await {
                Ok(m) => Ok((fh, m)),
                Err(e) => {
                    let _ = self.vfs.release(fh).await;
                    Err(e)
                }
            }
        });
        let (fh, meta) = tryr!(reply, r);
        let mut fopen = FopenFlags::empty();
        if self.remember(ino.0, &meta) && !flags.truncate {
            fopen |= FopenFlags::FOPEN_KEEP_CACHE;
        }
        if !flags.write {
            fopen |= FopenFlags::FOPEN_NOFLUSH;
        }
        if self.passthrough.enabled()
            && let Some(fd) = self.vfs.host_fd(fh)
            && let Some(id) = self
                .passthrough
                .attach(ino.0, fh, fd, |fd| reply.open_backing(fd))
        {
            return reply.opened_passthrough(
                FileHandle(fh),
                fopen - FopenFlags::FOPEN_KEEP_CACHE,
                &id,
            );
        }
        reply.opened(FileHandle(fh), fopen);
    }

    pub(super) fn file_read(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        reply: ReplyData,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, false));
        let mut sink = ReplySink(Some(reply));
        let r = self
            .rt
            .block_on(self.vfs.read_into(h.fh, offset, size, &mut sink));
        if let Some(reply) = sink.0.take() {
            match r {
                Ok(()) => reply.data(&[]),
                Err(e) => reply.error(errno(&e)),
            }
        }
    }

    pub(super) fn file_write(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        reply: ReplyWrite,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, true));
        let n = tryr!(reply, self.rt.block_on(self.vfs.write(h.fh, offset, data)));
        lock(&self.seen).remove(&ino.0);
        reply.written(n as u32);
    }

    pub(super) fn file_flush(&self, ino: INodeNo, fh: FileHandle, reply: ReplyEmpty) {
        match self.implicit.opens() {
            // Nothing to commit at close: every writable mount writes through (see `implicit`).
            Opens::Kernel => return reply.error(Errno::ENOSYS),
            Opens::KernelWithFlush if fh.0 == 0 => tryr!(reply, self.flush_implicit(ino.0)),
            _ => tryr!(reply, self.rt.block_on(self.vfs.flush(fh.0))),
        }
        reply.ok();
    }

    pub(super) fn file_release(&self, ino: INodeNo, fh: FileHandle, reply: ReplyEmpty) {
        if fh.0 == 0 {
            return reply.ok(); // a file the kernel opened (see `implicit`)
        }
        self.passthrough.release(ino.0, fh.0);
        if let Err(e) = self.rt.block_on(self.vfs.release(fh.0)) {
            tracing::error!(ino = ino.0, "commit on release failed: {e}");
            return reply.error(errno(&e));
        }
        reply.ok();
    }

    pub(super) fn file_fsync(&self, ino: INodeNo, fh: FileHandle, reply: ReplyEmpty) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, false));
        tryr!(reply, self.rt.block_on(self.vfs.fsync(h.fh)));
        reply.ok();
    }

    /// CREATE: `new` is the mode asked for, the umask and the creating user (uid, gid).
    pub(super) fn file_create(
        &self,
        parent: INodeNo,
        name: &OsStr,
        (mode, umask, owner): (u32, u32, (u32, u32)),
        flags: i32,
        reply: ReplyCreate,
    ) {
        let path = tryr!(reply, self.child(parent, name));
        let flags = OpenFlags {
            create: true,
            ..OpenFlags::from_libc(flags)
        };
        let fh = tryr!(reply, self.rt.block_on(self.vfs.open(&path, flags)));
        self.apply_perm(&path, mode, umask, 0o644, owner);
        let meta = match self.rt.block_on(self.vfs.fstat(fh)) {
            Ok(m) => m,
            Err(e) => {
                let _ = self.rt.block_on(self.vfs.release(fh));
                return reply.error(errno(&e));
            }
        };
        let ino = self.inodes.lookup(&path);
        lock(&self.seen).remove(&ino);
        let attr = to_attr(ino, &meta, self.uid, self.gid);
        let fopen = if flags.write {
            FopenFlags::empty()
        } else {
            FopenFlags::FOPEN_NOFLUSH
        };
        // Once the kernel opens files itself it sends no RELEASE for created files either:
        // they are served like kernel-opened ones (handle 0).
        let fh = self.adopt_created(ino, &path, fh);
        reply.created(
            &self.ttl(&path),
            &attr,
            Generation(0),
            FileHandle(fh),
            fopen,
        );
    }

    pub(super) fn file_fallocate(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        length: u64,
        mode: i32,
        reply: ReplyEmpty,
    ) {
        if mode != 0 {
            return reply.error(Errno::EOPNOTSUPP);
        }
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, true));
        let r = self.rt.block_on(async {
            let size = self.vfs.fstat(h.fh).await?.size;
            let end = offset.saturating_add(length);
            if end > size {
                self.vfs.set_len(h.fh, end).await
            } else {
                Ok(())
            }
        });
        tryr!(reply, r);
        reply.ok();
    }

    pub(super) fn file_lseek(
        &self,
        ino: INodeNo,
        fh: FileHandle,
        offset: i64,
        whence: i32,
        reply: ReplyLseek,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, false));
        let size = tryr!(reply, self.rt.block_on(self.vfs.fstat(h.fh))).size as i64;
        match whence {
            libc::SEEK_DATA if offset < size => reply.offset(offset),
            libc::SEEK_HOLE if offset < size => reply.offset(size),
            libc::SEEK_DATA | libc::SEEK_HOLE => reply.error(Errno::ENXIO),
            _ => reply.error(Errno::EINVAL),
        }
    }
}
