//! `local`: a host directory, confined to its root.
//!
//! Every path is resolved with `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)` from a
//! directory descriptor of the root, so neither `..` nor a symlink — one we made or one someone
//! else put there — can lead outside the root: the kernel refuses such a walk and we answer
//! `EACCES`. The last component is never followed (`O_NOFOLLOW`, `*at` calls with the parent's
//! descriptor), so a symlink is only ever reported or read, never opened through.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use bytes::Bytes;
use nix::fcntl::{AtFlags, OFlag, OpenHow, ResolveFlag, openat2};
use nix::sys::stat::{
    FchmodatFlags, Mode, UtimensatFlags, fchmod, fstat, fstatat, mkdirat, utimensat,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{UnlinkatFlags, symlinkat, unlinkat};

use crate::vfs::sink::{ReadSink, lend};
use crate::vfs::{
    Backend, BackendFile, BackendInfo, Capability, DirEntry, FileKind, FsStats, MetaChange,
    Metadata, OpenOptions, Posix, PutData, Special, VPath, VfsError, VfsResult,
};

mod attrs;

/// A host directory exposed below a mount point.
pub struct LocalBackend {
    root: OwnedFd,
    root_path: PathBuf,
    info: BackendInfo,
}

impl LocalBackend {
    /// Opens `root`, which must be an existing directory.
    pub fn new(root: &Path) -> VfsResult<Self> {
        let fd = nix::fcntl::open(
            root,
            OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| VfsError::Io(format!("cannot open local root {}: {e}", root.display())))?;
        Ok(LocalBackend {
            root: fd,
            root_path: root.to_path_buf(),
            info: BackendInfo {
                kind: "local",
                capability: Capability {
                    read: true,
                    list: true,
                    write: true,
                    random_io: true,
                    create_dir: true,
                    delete: true,
                    rename: true,
                    symlink: true,
                    set_times: true,
                    set_perm: true,
                    // Always fresh from disk: stat is one syscall, and with FUSE passthrough
                    // writes reach the host file without passing through mirage.
                    cacheable: false,
                    prefetch: false,
                },
                description: format!(
                    "The host directory `{}`: files and directories exactly as on disk.",
                    root.display()
                ),
            },
        })
    }

    /// The host directory this backend serves.
    pub fn root_path(&self) -> &Path {
        &self.root_path
    }

    /// Opens `path` below the root without ever leaving it.
    fn open_beneath(&self, path: &VPath, flags: OFlag, mode: Mode) -> VfsResult<OwnedFd> {
        let rel = rel(path);
        // openat2 insists on a zero mode unless it may create.
        let mode = if flags.contains(OFlag::O_CREAT) {
            mode
        } else {
            Mode::empty()
        };
        let how = OpenHow::new()
            .flags(flags | OFlag::O_CLOEXEC)
            .mode(mode)
            .resolve(ResolveFlag::RESOLVE_BENEATH | ResolveFlag::RESOLVE_NO_MAGICLINKS);
        loop {
            match openat2(self.root.as_fd(), rel.as_str(), how) {
                Ok(fd) => return Ok(fd),
                Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => continue,
                // The walk tried to leave the root: refuse like a permission check would.
                Err(nix::errno::Errno::EXDEV) => return Err(VfsError::PermissionDenied),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The parent directory of `path` as a descriptor, plus the final name.
    fn parent(&self, path: &VPath) -> VfsResult<(OwnedFd, CString)> {
        if path.is_root() {
            return Err(VfsError::NotPermitted);
        }
        let dir = self.open_beneath(
            &path.parent(),
            OFlag::O_PATH | OFlag::O_DIRECTORY,
            Mode::empty(),
        )?;
        let name = CString::new(path.name()).map_err(|_| VfsError::InvalidArgument)?;
        Ok((dir, name))
    }
}

fn rel(path: &VPath) -> String {
    if path.is_root() {
        ".".to_string()
    } else {
        path.as_str()[1..].to_string()
    }
}

fn to_time(sec: i64, nsec: i64) -> SystemTime {
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec as u32)
    } else {
        UNIX_EPOCH - Duration::from_secs(sec.unsigned_abs()) + Duration::from_nanos(nsec as u64)
    }
}

fn meta_of(st: &libc::stat) -> Metadata {
    let special = Special::from_mode(st.st_mode, st.st_rdev);
    let kind = match st.st_mode & libc::S_IFMT {
        libc::S_IFDIR => FileKind::Dir,
        libc::S_IFLNK => FileKind::Symlink,
        _ if special.is_some() => FileKind::Special,
        _ => FileKind::File,
    };
    Metadata {
        kind,
        size: st.st_size as u64,
        mtime: to_time(st.st_mtime, st.st_mtime_nsec),
        perm: (st.st_mode & 0o7777) as u16,
        version: Some(format!(
            "{}.{}-{}-{}",
            st.st_mtime, st.st_mtime_nsec, st.st_size, st.st_ino
        )),
        posix: Posix {
            uid: Some(st.st_uid),
            gid: Some(st.st_gid),
            atime: Some(to_time(st.st_atime, st.st_atime_nsec)),
            ctime: Some(to_time(st.st_ctime, st.st_ctime_nsec)),
            nlink: u32::try_from(st.st_nlink).ok(),
            special,
            file_id: Some(st.st_ino ^ (st.st_dev << 48)),
            blocks: u64::try_from(st.st_blocks).ok(),
        },
    }
}

#[async_trait]
impl Backend for LocalBackend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        if path.is_root() {
            return Ok(meta_of(&fstat(self.root.as_fd())?));
        }
        let (dir, name) = self.parent(path)?;
        Ok(meta_of(&fstatat(
            dir.as_fd(),
            name.as_c_str(),
            AtFlags::AT_SYMLINK_NOFOLLOW,
        )?))
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let fd = self.open_beneath(path, OFlag::O_RDONLY | OFlag::O_DIRECTORY, Mode::empty())?;
        let mut dir = nix::dir::Dir::from_fd(fd)?;
        let dfd = dir.as_raw_fd();
        let mut out = Vec::new();
        for entry in dir.iter() {
            let entry = entry?;
            let Ok(name) = entry.file_name().to_str() else {
                tracing::warn!(dir = %path, "skipping a file name that is not UTF-8");
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            // SAFETY: dfd stays open while `dir` lives; fstatat only borrows it.
            let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(dfd) };
            match fstatat(borrowed, entry.file_name(), AtFlags::AT_SYMLINK_NOFOLLOW) {
                Ok(st) => out.push(DirEntry {
                    name: name.to_string(),
                    meta: meta_of(&st),
                }),
                Err(nix::errno::Errno::ENOENT) => {} // removed while we listed
                Err(e) => return Err(e.into()),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        let file = self.open_file(path, OpenOptions::default()).await?;
        let end = offset.saturating_add(len);
        let want = (end - offset).min(1 << 24);
        let first = file.read_at(offset, want as u32).await?;
        let mut pos = offset + first.len() as u64;
        if (first.len() as u64) < want || pos >= end {
            return Ok(first); // all of it, or up to end of file: no copy
        }
        let mut out = first.to_vec();
        while pos < end {
            let chunk = file.read_at(pos, (end - pos).min(1 << 24) as u32).await?;
            if chunk.is_empty() {
                break;
            }
            pos += chunk.len() as u64;
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }

    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        let (dir, name) = self.parent(path)?;
        if let Ok(st) = fstatat(dir.as_fd(), name.as_c_str(), AtFlags::AT_SYMLINK_NOFOLLOW)
            && st.st_mode & libc::S_IFMT == libc::S_IFDIR
        {
            return Err(VfsError::IsADirectory);
        }
        // Stage beside the target and rename over it: the old content stays until the new is whole.
        let tmp = CString::new(format!(".{}.mirage-{}", path.name(), std::process::id()))
            .map_err(|_| VfsError::InvalidArgument)?;
        let fd = nix::fcntl::openat(
            dir.as_fd(),
            tmp.as_c_str(),
            OFlag::O_WRONLY
                | OFlag::O_CREAT
                | OFlag::O_TRUNC
                | OFlag::O_NOFOLLOW
                | OFlag::O_CLOEXEC,
            Mode::from_bits_truncate(0o644),
        )?;
        let file = File::from(fd);
        let written = match data.plain() {
            PutData::File { file: src, len } => copy_file(&src, &file, len),
            other => other
                .into_bytes()
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|b| file.write_all_at(&b, 0)),
        };
        if let Err(e) = written.and_then(|_| file.sync_data()) {
            let _ = unlinkat(dir.as_fd(), tmp.as_c_str(), UnlinkatFlags::NoRemoveDir);
            return Err(e.into());
        }
        nix::fcntl::renameat(dir.as_fd(), tmp.as_c_str(), dir.as_fd(), name.as_c_str())?;
        Ok(meta_of(&fstat(file.as_fd())?))
    }

    async fn open_file(&self, path: &VPath, opts: OpenOptions) -> VfsResult<Box<dyn BackendFile>> {
        let mut flags = OFlag::O_NOFOLLOW;
        flags |= if opts.write {
            OFlag::O_RDWR
        } else {
            OFlag::O_RDONLY
        };
        if opts.create {
            flags |= OFlag::O_CREAT;
        }
        if opts.create && opts.exclusive {
            flags |= OFlag::O_EXCL;
        }
        if opts.truncate {
            flags |= OFlag::O_TRUNC;
        }
        let fd = self.open_beneath(path, flags, Mode::from_bits_truncate(0o644));
        let fd = match fd {
            // O_NOFOLLOW on a final symlink.
            Err(VfsError::SymlinkLoop) => return Err(VfsError::SymlinkLoop),
            other => other?,
        };
        let st = fstat(fd.as_fd())?;
        if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            return Err(VfsError::IsADirectory);
        }
        Ok(Box::new(LocalFile(File::from(fd))))
    }

    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        let (dir, name) = self.parent(path)?;
        Ok(mkdirat(
            dir.as_fd(),
            name.as_c_str(),
            Mode::from_bits_truncate(0o755),
        )?)
    }

    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        let (dir, name) = self.parent(path)?;
        Ok(unlinkat(
            dir.as_fd(),
            name.as_c_str(),
            UnlinkatFlags::NoRemoveDir,
        )?)
    }

    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        let (dir, name) = self.parent(path)?;
        Ok(unlinkat(
            dir.as_fd(),
            name.as_c_str(),
            UnlinkatFlags::RemoveDir,
        )?)
    }

    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        let (fdir, fname) = self.parent(from)?;
        let (tdir, tname) = self.parent(to)?;
        Ok(nix::fcntl::renameat(
            fdir.as_fd(),
            fname.as_c_str(),
            tdir.as_fd(),
            tname.as_c_str(),
        )?)
    }

    async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        let (dir, name) = self.parent(path)?;
        Ok(symlinkat(target, dir.as_fd(), name.as_c_str())?)
    }

    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        let (dir, name) = self.parent(path)?;
        let target = nix::fcntl::readlinkat(dir.as_fd(), name.as_c_str())?;
        target
            .into_string()
            .map_err(|_| VfsError::Io("symlink target is not UTF-8".into()))
    }

    async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        let d = mtime.duration_since(UNIX_EPOCH).unwrap_or_default();
        let ts = TimeSpec::new(d.as_secs() as i64, d.subsec_nanos() as i64);
        if path.is_root() {
            let fd =
                self.open_beneath(path, OFlag::O_RDONLY | OFlag::O_DIRECTORY, Mode::empty())?;
            return Ok(nix::sys::stat::futimens(fd.as_fd(), &ts, &ts)?);
        }
        let (dir, name) = self.parent(path)?;
        Ok(utimensat(
            dir.as_fd(),
            name.as_c_str(),
            &ts,
            &ts,
            UtimensatFlags::NoFollowSymlink,
        )?)
    }

    async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        self.make_node(path, special, perm)
    }

    async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        self.make_link(from, to)
    }

    async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        self.change_attrs(path, change)
    }

    async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        let mode = Mode::from_bits_truncate(perm as libc::mode_t);
        // Open without following so a symlink's target (maybe outside the root) is never touched.
        match self.open_beneath(
            path,
            OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK,
            Mode::empty(),
        ) {
            Ok(fd) => Ok(fchmod(fd.as_fd(), mode)?),
            Err(VfsError::SymlinkLoop) => Ok(()), // symlinks carry no permissions of their own
            Err(VfsError::PermissionDenied) if path.is_root() => Err(VfsError::PermissionDenied),
            Err(VfsError::PermissionDenied) => {
                let (dir, name) = self.parent(path)?;
                Ok(nix::sys::stat::fchmodat(
                    dir.as_fd(),
                    name.as_c_str(),
                    mode,
                    FchmodatFlags::FollowSymlink,
                )?)
            }
            Err(e) => Err(e),
        }
    }

    async fn statfs(&self) -> VfsResult<FsStats> {
        let st = nix::sys::statvfs::fstatvfs(self.root.as_fd())?;
        Ok(FsStats {
            block_size: st.fragment_size() as u32,
            blocks: st.blocks(),
            blocks_free: st.blocks_available(),
            files: st.files(),
            files_free: st.files_available(),
        })
    }
}

fn copy_file(src: &File, dst: &File, len: u64) -> std::io::Result<()> {
    let mut buf = vec![0u8; 1 << 20];
    let mut pos = 0u64;
    while pos < len {
        let n = ((len - pos) as usize).min(buf.len());
        src.read_exact_at(&mut buf[..n], pos)?;
        dst.write_all_at(&buf[..n], pos)?;
        pos += n as u64;
    }
    Ok(())
}

/// Up to `len` bytes at `offset` into a new buffer, short only at end of file.
fn pread_fresh(file: &File, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    pread_append(file, offset, len, &mut buf)?;
    Ok(buf)
}

/// Fills `buf` from `offset`; returns the bytes read, fewer only at end of file.
fn pread_into(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut done = 0usize;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Appends up to `len` bytes at `offset` to `buf`, short only at end of file. The space is
/// not zeroed first: `pread` fills it (a 1 MiB read would otherwise write it twice).
fn pread_append(file: &File, offset: u64, len: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.reserve(len);
    let base = buf.len();
    let mut done = 0usize;
    while done < len {
        let at = libc::off_t::try_from(offset + done as u64)
            .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: the destination is the buffer's spare capacity past `base + done` (at least
        // `len - done` bytes, reserved above); the kernel writes at most that many.
        let n = unsafe {
            libc::pread(
                file.as_raw_fd(),
                buf.as_mut_ptr().add(base + done).cast::<libc::c_void>(),
                len - done,
                at,
            )
        };
        match n {
            0 => break,
            n if n > 0 => done += n as usize,
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
    // SAFETY: `pread` initialised the `done` bytes past `base`.
    unsafe { buf.set_len(base + done) };
    Ok(())
}

/// Reads up to this much into a buffer kept per thread (a FUSE read is at most 1 MiB); larger
/// reads get a buffer of their own.
const REUSED_READ_BUF: usize = 4 << 20;

thread_local! {
    static READ_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An open host file.
struct LocalFile(File);

#[async_trait]
impl BackendFile for LocalFile {
    async fn read_at(&self, offset: u64, len: u32) -> VfsResult<Bytes> {
        Ok(Bytes::from(pread_fresh(&self.0, offset, len as usize)?))
    }

    /// Reads into this thread's reused buffer and lends it: no allocation, and no page faults
    /// on fresh memory, per read.
    /// Where the sink offers its own buffer (a FUSE reply over io_uring), reads straight into
    /// it instead.
    async fn read_at_into(&self, offset: u64, len: u32, sink: &mut dyn ReadSink) -> VfsResult<()> {
        let len = len as usize;
        if sink.fill(len, &mut |buf| pread_into(&self.0, offset, buf)) {
            return Ok(());
        }
        READ_BUF.with(|cell| {
            let mut reused = cell
                .try_borrow_mut()
                .ok()
                .filter(|_| len <= REUSED_READ_BUF);
            let mut own = Vec::new();
            let buf = reused.as_deref_mut().unwrap_or(&mut own);
            buf.clear();
            pread_append(&self.0, offset, len, buf)?;
            lend(buf, sink);
            Ok(())
        })
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> VfsResult<()> {
        Ok(self.0.write_all_at(data, offset)?)
    }

    async fn set_len(&self, size: u64) -> VfsResult<()> {
        Ok(self.0.set_len(size)?)
    }

    async fn metadata(&self) -> VfsResult<Metadata> {
        Ok(meta_of(&fstat(self.0.as_fd())?))
    }

    async fn sync(&self) -> VfsResult<()> {
        Ok(self.0.sync_data()?)
    }

    fn host_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        Some(self.0.as_fd())
    }
}
