//! Owner and access-time changes on the host (`chown`, `utimensat`'s atime), special nodes
//! (`mknod`, `mkfifo`) and hard links, confined like every other `local` operation: the parent is
//! resolved beneath the root and the last component is made or changed without following a
//! symlink.

use std::os::fd::{AsFd, AsRawFd};
use std::time::UNIX_EPOCH;

use nix::sys::stat::{UtimensatFlags, utimensat};
use nix::sys::time::TimeSpec;

use super::LocalBackend;
use crate::vfs::{MetaChange, Special, VPath, VfsError, VfsResult};

impl LocalBackend {
    /// Makes `to` a hard link of `from` on the host (a symlink `from` is linked itself).
    pub(super) fn make_link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        let (src_dir, src) = self.parent(from)?;
        let (dst_dir, dst) = match self.parent(to) {
            Err(VfsError::NotPermitted) => return Err(VfsError::AlreadyExists),
            other => other?,
        };
        // SAFETY: valid directory descriptors and NUL-terminated names.
        let r = unsafe {
            libc::linkat(
                src_dir.as_raw_fd(),
                src.as_ptr(),
                dst_dir.as_raw_fd(),
                dst.as_ptr(),
                0,
            )
        };
        if r != 0 {
            return Err(nix::errno::Errno::last().into());
        }
        Ok(())
    }

    /// Makes the FIFO, socket or device node `special` at `path` on the host.
    pub(super) fn make_node(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        let (dir, name) = self.parent(path)?;
        let mode = special.mode_bits() | (perm as u32 & 0o7777);
        // SAFETY: a valid directory descriptor and a NUL-terminated name.
        let r = unsafe {
            libc::mknodat(
                dir.as_raw_fd(),
                name.as_ptr(),
                mode,
                special.rdev as libc::dev_t,
            )
        };
        if r != 0 {
            return Err(nix::errno::Errno::last().into());
        }
        // The bits asked for, not what mirage's own umask left of them.
        // SAFETY: as above.
        let r = unsafe {
            libc::fchmodat(
                dir.as_raw_fd(),
                name.as_ptr(),
                perm as libc::mode_t & 0o7777,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if r != 0 {
            return Err(nix::errno::Errno::last().into());
        }
        Ok(())
    }

    /// Applies `change` to the host file at `path`.
    pub(super) fn change_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        let (dir, name, flags) = if path.is_root() {
            let fd = self.open_beneath(
                path,
                nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_DIRECTORY,
                nix::sys::stat::Mode::empty(),
            )?;
            (fd, c"".to_owned(), libc::AT_EMPTY_PATH)
        } else {
            let (dir, name) = self.parent(path)?;
            (dir, name, libc::AT_SYMLINK_NOFOLLOW)
        };
        if change.uid.is_some() || change.gid.is_some() {
            // `-1` (all bits set) keeps an id, as chown(2) takes it.
            let uid = change.uid.unwrap_or(u32::MAX);
            let gid = change.gid.unwrap_or(u32::MAX);
            // SAFETY: a valid directory descriptor and a NUL-terminated name.
            let r = unsafe { libc::fchownat(dir.as_raw_fd(), name.as_ptr(), uid, gid, flags) };
            if r != 0 {
                return Err(nix::errno::Errno::last().into());
            }
        }
        if let Some(atime) = change.atime {
            if path.is_root() {
                return Err(VfsError::NotPermitted);
            }
            let d = atime.duration_since(UNIX_EPOCH).unwrap_or_default();
            let ts = TimeSpec::new(d.as_secs() as i64, d.subsec_nanos() as i64);
            utimensat(
                dir.as_fd(),
                name.as_c_str(),
                &ts,
                &TimeSpec::UTIME_OMIT,
                UtimensatFlags::NoFollowSymlink,
            )?;
        }
        Ok(())
    }
}
