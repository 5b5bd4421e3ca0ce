//! The one error type of the workspace and its errno mapping.
//!
//! Every layer returns [`VfsError`]; the FUSE adapter turns it into an errno with
//! [`VfsError::errno`], an exhaustive `match` without a wildcard arm so that a new variant
//! forces a decision. Backend failures the core does not understand become `EIO` (timeouts
//! `ETIMEDOUT`), never `ENOENT`; "this backend cannot" is `EOPNOTSUPP`, never `ENOSYS`
//! (the kernel disables some operations for good after one `ENOSYS`).

use std::io;

/// Result alias used across the VFS.
pub type VfsResult<T> = Result<T, VfsError>;

/// Everything that can go wrong in a workspace operation.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum VfsError {
    /// The path does not exist.
    #[error("No such file or directory")]
    NotFound,
    /// The target exists already (exclusive create, mkdir).
    #[error("File exists")]
    AlreadyExists,
    /// A directory was expected.
    #[error("Not a directory")]
    NotADirectory,
    /// A non-directory was expected.
    #[error("Is a directory")]
    IsADirectory,
    /// rmdir or rename over a directory that still has entries.
    #[error("Directory not empty")]
    DirectoryNotEmpty,
    /// A write on a read-only mount or a synthetic directory. Only the mode layer and the
    /// mount table's synthetic directories produce it.
    #[error("Read-only file system")]
    ReadOnly,
    /// The backend refuses the caller (credentials, ACL).
    #[error("Permission denied")]
    PermissionDenied,
    /// The operation is not permitted on this object (e.g. hard links, chown).
    #[error("Operation not permitted")]
    NotPermitted,
    /// The backend cannot do this operation at all.
    #[error("Operation not supported")]
    Unsupported,
    /// A rename across two mounts; callers copy instead.
    #[error("Invalid cross-device link")]
    CrossDevice,
    /// A malformed path or name.
    #[error("Invalid argument: {0}")]
    InvalidPath(String),
    /// An invalid argument that is not a path (offset, flag combination).
    #[error("Invalid argument")]
    InvalidArgument,
    /// A component longer than NAME_MAX or a path longer than PATH_MAX.
    #[error("File name too long")]
    NameTooLong,
    /// Too many symbolic links, or a symlink where none may be followed.
    #[error("Too many levels of symbolic links")]
    SymlinkLoop,
    /// An unknown open-file handle.
    #[error("Bad file descriptor")]
    BadHandle,
    /// The backend ran out of space or a configured quota.
    #[error("No space left on device")]
    NoSpace,
    /// A file would exceed the largest size the backend stores.
    #[error("File too large")]
    FileTooLarge,
    /// The backend did not answer in time.
    #[error("Connection timed out: {0}")]
    TimedOut(String),
    /// A temporary failure (throttling, unavailable); the retry layer may try again.
    #[error("Resource temporarily unavailable: {0}")]
    Busy(String),
    /// Any other backend failure; reported as EIO.
    #[error("Input/output error: {0}")]
    Io(String),
}

impl VfsError {
    /// The errno the FUSE adapter replies with.
    pub fn errno(&self) -> i32 {
        match self {
            VfsError::NotFound => libc::ENOENT,
            VfsError::AlreadyExists => libc::EEXIST,
            VfsError::NotADirectory => libc::ENOTDIR,
            VfsError::IsADirectory => libc::EISDIR,
            VfsError::DirectoryNotEmpty => libc::ENOTEMPTY,
            VfsError::ReadOnly => libc::EROFS,
            VfsError::PermissionDenied => libc::EACCES,
            VfsError::NotPermitted => libc::EPERM,
            VfsError::Unsupported => libc::EOPNOTSUPP,
            VfsError::CrossDevice => libc::EXDEV,
            VfsError::InvalidPath(_) => libc::EINVAL,
            VfsError::InvalidArgument => libc::EINVAL,
            VfsError::NameTooLong => libc::ENAMETOOLONG,
            VfsError::SymlinkLoop => libc::ELOOP,
            VfsError::BadHandle => libc::EBADF,
            VfsError::NoSpace => libc::ENOSPC,
            VfsError::FileTooLarge => libc::EFBIG,
            VfsError::TimedOut(_) => libc::ETIMEDOUT,
            VfsError::Busy(_) => libc::EAGAIN,
            VfsError::Io(_) => libc::EIO,
        }
    }

    /// True for failures worth retrying (throttling, timeouts).
    pub fn is_temporary(&self) -> bool {
        matches!(self, VfsError::Busy(_) | VfsError::TimedOut(_))
    }

    /// The message a coreutils-style tool prints after `cmd: path: `.
    pub fn user_message(&self) -> String {
        match self {
            VfsError::InvalidPath(_) => "Invalid argument".to_string(),
            other => other.to_string(),
        }
    }
}

impl From<io::Error> for VfsError {
    /// Maps host I/O errors by errno; anything unrecognised is `Io` (EIO), never `NotFound`.
    fn from(e: io::Error) -> Self {
        match e.raw_os_error() {
            Some(code) => from_errno(code, &e),
            None => match e.kind() {
                io::ErrorKind::NotFound => VfsError::NotFound,
                io::ErrorKind::AlreadyExists => VfsError::AlreadyExists,
                io::ErrorKind::PermissionDenied => VfsError::PermissionDenied,
                io::ErrorKind::TimedOut => VfsError::TimedOut(e.to_string()),
                _ => VfsError::Io(e.to_string()),
            },
        }
    }
}

impl From<nix::errno::Errno> for VfsError {
    fn from(e: nix::errno::Errno) -> Self {
        from_errno(e as i32, &e)
    }
}

fn from_errno(code: i32, e: &dyn std::fmt::Display) -> VfsError {
    match code {
        libc::ENOENT => VfsError::NotFound,
        libc::EEXIST => VfsError::AlreadyExists,
        libc::ENOTDIR => VfsError::NotADirectory,
        libc::EISDIR => VfsError::IsADirectory,
        libc::ENOTEMPTY => VfsError::DirectoryNotEmpty,
        libc::EROFS => VfsError::ReadOnly,
        libc::EACCES => VfsError::PermissionDenied,
        libc::EPERM => VfsError::NotPermitted,
        libc::EOPNOTSUPP => VfsError::Unsupported,
        libc::EXDEV => VfsError::CrossDevice,
        libc::EINVAL => VfsError::InvalidArgument,
        libc::ENAMETOOLONG => VfsError::NameTooLong,
        libc::ELOOP => VfsError::SymlinkLoop,
        libc::EBADF => VfsError::BadHandle,
        libc::ENOSPC | libc::EDQUOT => VfsError::NoSpace,
        libc::EFBIG => VfsError::FileTooLarge,
        libc::ETIMEDOUT => VfsError::TimedOut(e.to_string()),
        libc::EAGAIN | libc::EBUSY => VfsError::Busy(e.to_string()),
        _ => VfsError::Io(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_host_errors_become_eio_not_enoent() {
        let e: VfsError = io::Error::from_raw_os_error(libc::EPROTO).into();
        assert_eq!(e.errno(), libc::EIO);
        let e: VfsError = io::Error::other("weird").into();
        assert_eq!(e.errno(), libc::EIO);
    }

    #[test]
    fn unsupported_is_eopnotsupp_never_enosys() {
        assert_eq!(VfsError::Unsupported.errno(), libc::EOPNOTSUPP);
        assert_eq!(VfsError::ReadOnly.errno(), libc::EROFS);
    }

    #[test]
    fn host_errno_round_trips() {
        for code in [
            libc::ENOENT,
            libc::EEXIST,
            libc::ENOTEMPTY,
            libc::EXDEV,
            libc::ELOOP,
        ] {
            let e: VfsError = io::Error::from_raw_os_error(code).into();
            assert_eq!(e.errno(), code);
        }
    }
}
