//! `fuser::Filesystem` for [`MirageFs`]: one short method per kernel request.

use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use fuser::{
    AccessFlags, Errno, FileHandle, FopenFlags, Generation, INodeNo, InitFlags, KernelConfig,
    LockOwner, OpenFlags as FuseOpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData,
    ReplyDirectory, ReplyDirectoryPlus, ReplyEmpty, ReplyEntry, ReplyLseek, ReplyOpen, ReplyStatfs,
    ReplyWrite, ReplyXattr, Request, TimeOrNow, WriteFlags,
};

use super::attr::{file_type, synthetic_ino, time_of, to_attr};
use super::implicit::Opens;
use super::{DirSnapshot, MirageFs, errno};
use crate::vfs::{Metadata, Mode, OpenFlags, VfsError, lock};

macro_rules! tryr {
    ($reply:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $reply.error(e.into_errno()),
        }
    };
}

trait IntoErrno {
    fn into_errno(self) -> Errno;
}
impl IntoErrno for Errno {
    fn into_errno(self) -> Errno {
        self
    }
}
impl IntoErrno for VfsError {
    fn into_errno(self) -> Errno {
        errno(&self)
    }
}

impl MirageFs {
    fn apply_perm(&self, path: &crate::vfs::VPath, mode: u32, umask: u32, default: u16) {
        let perm = (mode & !umask & 0o7777) as u16;
        if perm != default {
            // Best effort: backends without permissions keep their defaults.
            let _ = self.rt.block_on(self.vfs.set_perm(path, perm));
        }
    }
}

impl fuser::Filesystem for MirageFs {
    fn init(&mut self, _req: &Request, config: &mut KernelConfig) -> std::io::Result<()> {
        for flag in [
            InitFlags::FUSE_DO_READDIRPLUS,
            InitFlags::FUSE_READDIRPLUS_AUTO,
            InitFlags::FUSE_PARALLEL_DIROPS,
            InitFlags::FUSE_CACHE_SYMLINKS,
        ] {
            let _ = config.add_capabilities(flag);
        }
        if self.implicit.opens() != Opens::Requested {
            // Pages stay cached across the kernel's own opens: drop them when the attributes
            // show a new mtime. O_TRUNC then reaches us as a truncating setattr.
            let _ = config.add_capabilities(InitFlags::FUSE_AUTO_INVAL_DATA);
        } else {
            let _ = config.add_capabilities(InitFlags::FUSE_ATOMIC_O_TRUNC);
        }
        if self.passthrough_wanted
            && config.add_capabilities(InitFlags::FUSE_PASSTHROUGH).is_ok()
            && config.set_max_stack_depth(1).is_ok()
        {
            self.passthrough.enable();
            self.vfs.set_read_write_host_fds(true);
        }
        let _ = config.set_max_write(1 << 20);
        let _ = config.set_max_readahead(1 << 20);
        Ok(())
    }

    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let path = tryr!(reply, self.child(parent, name));
        match self.rt.block_on(self.vfs.stat(&path)) {
            Ok(meta) => self.reply_entry(&path, &meta, reply),
            Err(VfsError::NotFound) => {
                // A negative entry: the kernel remembers the absence for the TTL.
                let attr = to_attr(
                    0,
                    &Metadata::file(0, SystemTime::UNIX_EPOCH),
                    self.uid,
                    self.gid,
                );
                reply.entry(&self.ttl(&path), &attr, Generation(0));
            }
            Err(e) => reply.error(errno(&e)),
        }
    }

    fn forget(&self, _req: &Request, ino: INodeNo, nlookup: u64) {
        if self.inodes.forget(ino.0, nlookup) {
            self.drop_implicit(ino.0);
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        let meta = match self.existing_handle(ino.0, fh.map(|f| f.0)) {
            Some(fh) => self.rt.block_on(self.vfs.fstat(fh)),
            None => {
                let path = tryr!(reply, self.path(ino));
                self.rt.block_on(self.vfs.stat(&path))
            }
        };
        let meta = tryr!(reply, meta);
        let path = self.inodes.path(ino.0).unwrap_or_default();
        reply.attr(&self.ttl(&path), &to_attr(ino.0, &meta, self.uid, self.gid));
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        // An unlinked file the kernel still has open has no path, only a kept handle.
        let path = self.path(ino);
        let handle = self.existing_handle(ino.0, fh.map(|f| f.0));
        if path.is_err() && handle.is_none() {
            return reply.error(Errno::ENOENT);
        }
        if uid.is_some_and(|u| u != self.uid) || gid.is_some_and(|g| g != self.gid) {
            return reply.error(Errno::EPERM);
        }
        let fh = fh.map(|f| f.0);
        tracing::debug!(ino = ino.0, ?size, ?mtime, ?fh, "setattr");
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
            if let Some(t) = mtime.or(atime).filter(|_| !staged) {
                match self.vfs.set_times(&path()?, time_of(t)).await {
                    // Backends without times keep theirs; `touch` must still succeed.
                    Err(VfsError::Unsupported) if mtime.is_none() => {}
                    other => other?,
                }
            }
            match self.existing_handle(ino.0, fh) {
                Some(fh) => self.vfs.fstat(fh).await,
                None => self.vfs.stat(&path()?).await,
            }
        });
        let meta = tryr!(reply, r);
        let ttl = path.map(|p| self.ttl(&p)).unwrap_or_default();
        reply.attr(&ttl, &to_attr(ino.0, &meta, self.uid, self.gid));
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let path = tryr!(reply, self.path(ino));
        let target = tryr!(reply, self.rt.block_on(self.vfs.readlink(&path)));
        reply.data(target.as_bytes());
    }

    fn mknod(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        _rdev: u32,
        reply: ReplyEntry,
    ) {
        if mode & libc::S_IFMT != libc::S_IFREG && mode & libc::S_IFMT != 0 {
            return reply.error(Errno::EPERM);
        }
        let path = tryr!(reply, self.child(parent, name));
        let flags = OpenFlags {
            write: true,
            create: true,
            exclusive: true,
            ..OpenFlags::default()
        };
        let r = self.rt.block_on(async {
            let fh = self.vfs.open(&path, flags).await?;
            self.vfs.release(fh).await
        });
        tryr!(reply, r);
        self.apply_perm(&path, mode, umask, 0o644);
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        self.reply_entry(&path, &meta, reply);
    }

    fn mkdir(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        reply: ReplyEntry,
    ) {
        let path = tryr!(reply, self.child(parent, name));
        tryr!(reply, self.rt.block_on(self.vfs.mkdir(&path)));
        self.apply_perm(&path, mode, umask, 0o755);
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        self.reply_entry(&path, &meta, reply);
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let path = tryr!(reply, self.child(parent, name));
        self.keep_unlinked(&path);
        tryr!(reply, self.rt.block_on(self.vfs.remove_file(&path)));
        self.inodes.unlinked(&path);
        reply.ok();
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let path = tryr!(reply, self.child(parent, name));
        tryr!(reply, self.rt.block_on(self.vfs.remove_dir(&path)));
        self.inodes.unlinked(&path);
        reply.ok();
    }

    fn symlink(
        &self,
        _req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let path = tryr!(reply, self.child(parent, link_name));
        let target = tryr!(reply, target.to_str().ok_or(Errno::EINVAL));
        tryr!(reply, self.rt.block_on(self.vfs.symlink(&path, target)));
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        self.reply_entry(&path, &meta, reply);
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let from = tryr!(reply, self.child(parent, name));
        let to = tryr!(reply, self.child(newparent, newname));
        if flags.contains(RenameFlags::RENAME_EXCHANGE)
            || flags.contains(RenameFlags::RENAME_WHITEOUT)
        {
            return reply.error(Errno::EINVAL);
        }
        self.keep_unlinked(&to);
        let r = self.rt.block_on(async {
            if flags.contains(RenameFlags::RENAME_NOREPLACE) && self.vfs.stat(&to).await.is_ok() {
                return Err(VfsError::AlreadyExists);
            }
            self.vfs.rename(&from, &to).await
        });
        tryr!(reply, r);
        self.inodes.rename(&from, &to);
        reply.ok();
    }

    fn link(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _newparent: INodeNo,
        _newname: &OsStr,
        reply: ReplyEntry,
    ) {
        // link(2): EPERM when the filesystem does not support hard links.
        reply.error(Errno::EPERM);
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: FuseOpenFlags, reply: ReplyOpen) {
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

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: FuseOpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, false));
        let data = tryr!(reply, self.rt.block_on(self.vfs.read(h.fh, offset, size)));
        reply.data(&data);
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: FuseOpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, true));
        let n = tryr!(reply, self.rt.block_on(self.vfs.write(h.fh, offset, data)));
        lock(&self.seen).remove(&ino.0);
        reply.written(n as u32);
    }

    fn flush(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        match self.implicit.opens() {
            // Nothing to commit at close: every writable mount writes through (see `implicit`).
            Opens::Kernel => return reply.error(Errno::ENOSYS),
            Opens::KernelWithFlush if fh.0 == 0 => tryr!(reply, self.flush_implicit(ino.0)),
            _ => tryr!(reply, self.rt.block_on(self.vfs.flush(fh.0))),
        }
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        _flags: FuseOpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
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

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        let h = tryr!(reply, self.handle_for(ino.0, fh.0, false));
        tryr!(reply, self.rt.block_on(self.vfs.fsync(h.fh)));
        reply.ok();
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: FuseOpenFlags, reply: ReplyOpen) {
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

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let (path, entries) = tryr!(reply, self.snapshot(fh.0));
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
                    reply.add(
                        INodeNo(cino),
                        (n + 1) as u64,
                        file_type(e.meta.kind),
                        &e.name,
                    )
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

    fn readdirplus(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectoryPlus,
    ) {
        let (path, entries) = tryr!(reply, self.snapshot(fh.0));
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
                let cino = self.inodes.lookup(&child);
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

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: FuseOpenFlags,
        reply: ReplyEmpty,
    ) {
        lock(&self.dirs).remove(&fh.0);
        reply.ok();
    }

    fn fsyncdir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn statfs(&self, _req: &Request, ino: INodeNo, reply: ReplyStatfs) {
        let path = self.inodes.path(ino.0).unwrap_or_default();
        let s = tryr!(reply, self.rt.block_on(self.vfs.statfs(&path)));
        reply.statfs(
            s.blocks,
            s.blocks_free,
            s.blocks_free,
            s.files,
            s.files_free,
            s.block_size,
            255,
            s.block_size,
        );
    }

    fn access(&self, _req: &Request, ino: INodeNo, mask: AccessFlags, reply: ReplyEmpty) {
        let path = tryr!(reply, self.path(ino));
        tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        if mask.contains(AccessFlags::W_OK) && self.vfs.table().route(&path).0.mode == Mode::Read {
            return reply.error(Errno::EROFS);
        }
        reply.ok();
    }

    fn create(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let path = tryr!(reply, self.child(parent, name));
        let flags = OpenFlags {
            create: true,
            ..OpenFlags::from_libc(flags)
        };
        let fh = tryr!(reply, self.rt.block_on(self.vfs.open(&path, flags)));
        self.apply_perm(&path, mode, umask, 0o644);
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

    // Extended attributes are not supported. ENOSYS here is deliberate and the one place the
    // adapter uses it: the kernel then stops asking (it checks `security.capability` before
    // every write) and answers EOPNOTSUPP to applications itself, exactly what we would say.
    fn getxattr(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _name: &OsStr,
        _size: u32,
        reply: ReplyXattr,
    ) {
        reply.error(Errno::ENOSYS);
    }

    fn listxattr(&self, _req: &Request, _ino: INodeNo, _size: u32, reply: ReplyXattr) {
        reply.error(Errno::ENOSYS); // see getxattr
    }

    fn setxattr(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _name: &OsStr,
        _value: &[u8],
        _flags: i32,
        _position: u32,
        reply: ReplyEmpty,
    ) {
        reply.error(Errno::EOPNOTSUPP);
    }

    fn removexattr(&self, _req: &Request, _ino: INodeNo, _name: &OsStr, reply: ReplyEmpty) {
        reply.error(Errno::EOPNOTSUPP);
    }

    fn fallocate(
        &self,
        _req: &Request,
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

    fn copy_file_range(
        &self,
        _req: &Request,
        _ino_in: INodeNo,
        _fh_in: FileHandle,
        _offset_in: u64,
        _ino_out: INodeNo,
        _fh_out: FileHandle,
        _offset_out: u64,
        _len: u64,
        _flags: fuser::CopyFileRangeFlags,
        reply: ReplyWrite,
    ) {
        // The kernel and coreutils fall back to read/write copies.
        reply.error(Errno::EOPNOTSUPP);
    }

    fn lseek(
        &self,
        _req: &Request,
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

/// Directory handles carry this bit so `getattr(fh)` can tell them from file handles.
const DIR_HANDLE_BIT: u64 = 1 << 62;

impl MirageFs {
    pub(super) fn is_dir_handle(&self, fh: u64) -> bool {
        fh & DIR_HANDLE_BIT != 0
    }

    fn snapshot(
        &self,
        fh: u64,
    ) -> Result<(crate::vfs::VPath, Arc<Vec<crate::vfs::DirEntry>>), Errno> {
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
}
