//! `fuser::Filesystem` for [`MirageFs`]: one short method per kernel request (file requests
//! live in `files`, directory handles in `dirs`).

use std::ffi::OsStr;
use std::path::Path;
use std::time::SystemTime;

use fuser::{
    AccessFlags, Errno, FileHandle, Generation, INodeNo, InitFlags, KernelConfig, LockOwner,
    OpenFlags as FuseOpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory,
    ReplyDirectoryPlus, ReplyEmpty, ReplyEntry, ReplyLseek, ReplyOpen, ReplyStatfs, ReplyWrite,
    ReplyXattr, Request, TimeOrNow, WriteFlags,
};

use super::attr::to_attr;
use super::files::AttrChange;
use super::implicit::Opens;
use super::{IntoErrno, MirageFs, errno};
use crate::vfs::{MetaChange, Metadata, Mode, OpenFlags, Special, VfsError};

impl MirageFs {
    /// Gives a node just made the permission bits asked for and, when another user made it
    /// (`--allow-other`), that user as owner. Best effort: backends without permissions or
    /// owners keep their defaults.
    pub(super) fn apply_perm(
        &self,
        path: &crate::vfs::VPath,
        mode: u32,
        umask: u32,
        default: u16,
        owner: (u32, u32),
    ) {
        let perm = (mode & !umask & 0o7777) as u16;
        if perm != default {
            let _ = self.rt.block_on(self.vfs.set_perm(path, perm));
        }
        self.apply_owner(path, owner);
    }

    /// Makes `owner` (uid, gid) the owner of a node just made, when it is not mirage's user;
    /// in a set-group-ID directory the node keeps the group the backend gave it.
    pub(super) fn apply_owner(&self, path: &crate::vfs::VPath, (uid, gid): (u32, u32)) {
        if uid != self.uid || gid != self.gid {
            let sgid_parent = self
                .rt
                .block_on(self.vfs.stat(&path.parent()))
                .is_ok_and(|m| m.perm & 0o2000 != 0);
            let change = MetaChange {
                uid: Some(uid),
                gid: (!sgid_parent).then_some(gid),
                atime: None,
            };
            let _ = self.rt.block_on(self.vfs.set_attrs(path, change));
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
        let change = AttrChange {
            mode,
            uid,
            gid,
            size,
            atime,
            mtime,
            fh,
        };
        self.set_attr(ino, change, reply)
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let path = tryr!(reply, self.path(ino));
        let target = tryr!(reply, self.rt.block_on(self.vfs.readlink(&path)));
        reply.data(target.as_bytes());
    }

    fn mknod(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        rdev: u32,
        reply: ReplyEntry,
    ) {
        let path = tryr!(reply, self.child(parent, name));
        if let Some(special) = Special::from_mode(mode, rdev as u64) {
            // FIFOs, sockets and devices: backends that cannot keep them answer EPERM, as
            // filesystems without them do.
            let perm = (mode & !umask & 0o7777) as u16;
            match self.rt.block_on(self.vfs.mknod(&path, special, perm)) {
                Ok(()) => {}
                Err(VfsError::Unsupported) => return reply.error(Errno::EPERM),
                Err(e) => return reply.error(errno(&e)),
            }
            self.apply_owner(&path, (req.uid(), req.gid()));
            let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
            return self.reply_entry(&path, &meta, reply);
        }
        if mode & libc::S_IFMT != libc::S_IFREG && mode & libc::S_IFMT != 0 {
            return reply.error(Errno::EINVAL);
        }
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
        self.apply_perm(&path, mode, umask, 0o644, (req.uid(), req.gid()));
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&path)));
        self.reply_entry(&path, &meta, reply);
    }

    fn mkdir(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        reply: ReplyEntry,
    ) {
        let path = tryr!(reply, self.child(parent, name));
        tryr!(reply, self.rt.block_on(self.vfs.mkdir(&path)));
        // A directory made in a set-group-ID directory keeps the bit it inherited when other
        // bits are set below (with the default bits nothing is set, so nothing is asked).
        let inherited = if (mode & !umask & 0o7777) != 0o755 {
            self.rt
                .block_on(self.vfs.stat(&path))
                .map_or(0, |m| u32::from(m.perm & 0o2000))
        } else {
            0
        };
        self.apply_perm(
            &path,
            mode | inherited,
            umask,
            0o755,
            (req.uid(), req.gid()),
        );
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
        req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let path = tryr!(reply, self.child(parent, link_name));
        let target = tryr!(reply, target.to_str().ok_or(Errno::EINVAL));
        tryr!(reply, self.rt.block_on(self.vfs.symlink(&path, target)));
        self.apply_owner(&path, (req.uid(), req.gid()));
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
        ino: INodeNo,
        newparent: INodeNo,
        newname: &OsStr,
        reply: ReplyEntry,
    ) {
        let from = tryr!(reply, self.path(ino));
        let to = tryr!(reply, self.child(newparent, newname));
        match self.rt.block_on(self.vfs.link(&from, &to)) {
            Ok(()) => {}
            // link(2): EPERM when the filesystem does not support hard links.
            Err(VfsError::Unsupported) => return reply.error(Errno::EPERM),
            Err(e) => return reply.error(errno(&e)),
        }
        let meta = tryr!(reply, self.rt.block_on(self.vfs.stat(&to)));
        // The new name is the same inode (one page cache, one st_ino).
        self.inodes.linked(ino.0, &to, meta.posix.file_id);
        self.reply_entry(&to, &meta, reply);
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: FuseOpenFlags, reply: ReplyOpen) {
        self.file_open(ino, flags, reply)
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
        self.file_read(ino, fh, offset, size, reply)
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
        self.file_write(ino, fh, offset, data, reply)
    }

    fn flush(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        self.file_flush(ino, fh, reply)
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
        self.file_release(ino, fh, reply)
    }

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        self.file_fsync(ino, fh, reply)
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: FuseOpenFlags, reply: ReplyOpen) {
        self.open_dir(ino, reply)
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        reply: ReplyDirectory,
    ) {
        self.read_dir(ino, fh, offset, reply)
    }

    fn readdirplus(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        reply: ReplyDirectoryPlus,
    ) {
        self.read_dir_plus(ino, fh, offset, reply)
    }

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: FuseOpenFlags,
        reply: ReplyEmpty,
    ) {
        self.release_dir(fh, reply)
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
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let owner = (req.uid(), req.gid());
        self.file_create(parent, name, (mode, umask, owner), flags, reply)
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
        self.file_fallocate(ino, fh, offset, length, mode, reply)
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
        self.file_lseek(ino, fh, offset, whence, reply)
    }
}
