//! The backend contract: a handful of async, path-based operations every service implements.
//!
//! Paths are [`VPath`]s relative to the mount root (`/` is the mount root). A backend only
//! implements what it can; every optional method defaults to [`VfsError::Unsupported`] and the
//! flat [`Capability`] struct declares which ones are real, so the core can pick a strategy
//! (random-access handles vs. staged whole-file uploads) and the conformance suite can gate its
//! cases. No method names one service's types: a file's version is a generic fingerprint string.

use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;

use super::error::{VfsError, VfsResult};
use super::path::VPath;
use super::sink::{ReadSink, lend};

/// A backend read's bytes in the pieces they arrive in, as they arrive.
pub type ByteStream = futures::stream::BoxStream<'static, VfsResult<Bytes>>;

/// What kind of object a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link; its target is read with [`Backend::readlink`].
    Symlink,
    /// A FIFO, socket or device node: which one, and its device number, in
    /// [`Posix::special`]. The kernel gives it its semantics; backends only keep the node.
    Special,
}

/// The kind of a [`FileKind::Special`] node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecialKind {
    /// A named pipe (`mkfifo`).
    Fifo,
    /// A Unix socket's name.
    Socket,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
}

/// A special node: its kind and device number (`rdev`, 0 but for devices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Special {
    /// FIFO, socket or device.
    pub kind: SpecialKind,
    /// The device number of a device node.
    pub rdev: u64,
}

impl Special {
    /// The `S_IF*` bits of `mode` as a special node, if they name one.
    pub fn from_mode(mode: u32, rdev: u64) -> Option<Self> {
        let kind = match mode & libc::S_IFMT {
            libc::S_IFIFO => SpecialKind::Fifo,
            libc::S_IFSOCK => SpecialKind::Socket,
            libc::S_IFCHR => SpecialKind::CharDevice,
            libc::S_IFBLK => SpecialKind::BlockDevice,
            _ => return None,
        };
        Some(Special { kind, rdev })
    }

    /// The `S_IF*` bits.
    pub fn mode_bits(&self) -> u32 {
        match self.kind {
            SpecialKind::Fifo => libc::S_IFIFO,
            SpecialKind::Socket => libc::S_IFSOCK,
            SpecialKind::CharDevice => libc::S_IFCHR,
            SpecialKind::BlockDevice => libc::S_IFBLK,
        }
    }
}

/// Attributes of one object, as `stat` reports them (symlinks are not followed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// File, directory or symlink.
    pub kind: FileKind,
    /// Size in bytes (for symlinks: the target's length; for directories: 0 or the host's).
    pub size: u64,
    /// Last modification time.
    pub mtime: SystemTime,
    /// Permission bits (`0o644` …), without the file-type bits.
    pub perm: u16,
    /// An opaque fingerprint of the content (ETag, blob sha, size+mtime …); equal versions mean
    /// equal bytes, so caches may keep data while it is unchanged.
    pub version: Option<String>,
    /// Owner, access and change times, link count — for backends that keep them.
    pub posix: Posix,
}

/// The attributes only POSIX-like backends keep; `None` means the default the frontends
/// show: the user running mirage as owner, the mtime as atime and ctime, one link (two for
/// a directory).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Posix {
    /// Owner's user id.
    pub uid: Option<u32>,
    /// Owner's group id.
    pub gid: Option<u32>,
    /// Last access time (set by `utimensat`; reads do not update it: mounts are `noatime`).
    pub atime: Option<SystemTime>,
    /// Last status change (content, permissions, owner, times, name).
    pub ctime: Option<SystemTime>,
    /// Hard links (for a directory: 2 + its subdirectories).
    pub nlink: Option<u32>,
    /// What a [`FileKind::Special`] node is.
    pub special: Option<Special>,
    /// Identifies the file behind a name among the mount's files, so names that are hard
    /// links of one file can be told apart from copies (the FUSE adapter gives them one inode).
    pub file_id: Option<u64>,
    /// 512-byte blocks allocated (a host file's own count, holes excluded); when absent the
    /// size is counted in whole 4 KiB blocks, as tmpfs does.
    pub blocks: Option<u64>,
}

/// A change of owner or access time (`chown`, `utimensat`'s atime); `None` keeps a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetaChange {
    /// New owner's user id.
    pub uid: Option<u32>,
    /// New owner's group id.
    pub gid: Option<u32>,
    /// New access time.
    pub atime: Option<SystemTime>,
}

impl Metadata {
    /// A directory with default permissions and a size of one 4 KiB block, modified at `mtime`.
    pub fn dir(mtime: SystemTime) -> Self {
        Metadata {
            kind: FileKind::Dir,
            // One block, as a directory on a disk shows (`ls -l`, `[ -s dir ]`).
            size: 4096,
            mtime,
            perm: 0o755,
            version: None,
            posix: Posix::default(),
        }
    }

    /// A regular file of `size` bytes with default permissions.
    pub fn file(size: u64, mtime: SystemTime) -> Self {
        Metadata {
            kind: FileKind::File,
            size,
            mtime,
            perm: 0o644,
            version: None,
            posix: Posix::default(),
        }
    }

    /// True for directories.
    pub fn is_dir(&self) -> bool {
        self.kind == FileKind::Dir
    }
}

/// One entry of a directory listing, with the attributes the listing already knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The file name (one component).
    pub name: String,
    /// Its attributes; listings must be complete so `ls -l` needs no per-entry `stat`.
    pub meta: Metadata,
}

/// Which operations a backend really implements (the rest answer `Unsupported`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capability {
    /// `read` of byte ranges.
    pub read: bool,
    /// `list` of directories.
    pub list: bool,
    /// `put` of whole files (create or replace).
    pub write: bool,
    /// `open_file` gives random-access handles (`write_at`, `set_len`), used instead of staging.
    pub random_io: bool,
    /// `mkdir`.
    pub create_dir: bool,
    /// `remove_file` and `remove_dir`.
    pub delete: bool,
    /// `rename` of files and directories.
    pub rename: bool,
    /// `symlink` and `readlink`.
    pub symlink: bool,
    /// `set_times`.
    pub set_times: bool,
    /// `set_perm`.
    pub set_perm: bool,
    /// Whether the core should put a metadata cache in front (false for in-memory backends).
    pub cacheable: bool,
    /// Whether listing a directory may fetch its small files in the background (off for
    /// rate-limited APIs, where `find` must cost only the listing requests).
    pub prefetch: bool,
}

/// Static facts about a backend instance.
#[derive(Clone, Debug)]
pub struct BackendInfo {
    /// The backend's config name (`ram`, `local`, `s3` …).
    pub kind: &'static str,
    /// What it can do.
    pub capability: Capability,
    /// A one-paragraph Markdown description of the layout, for `mirage prompt` and `check`.
    pub description: String,
}

/// Filesystem-wide numbers for `statfs`/`df`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FsStats {
    /// Block size in bytes.
    pub block_size: u32,
    /// Total blocks.
    pub blocks: u64,
    /// Free blocks.
    pub blocks_free: u64,
    /// Total file slots.
    pub files: u64,
    /// Free file slots.
    pub files_free: u64,
}

impl Default for FsStats {
    fn default() -> Self {
        FsStats {
            block_size: 4096,
            blocks: 1 << 32,
            blocks_free: 1 << 32,
            files: 1 << 32,
            files_free: 1 << 32,
        }
    }
}

/// How to open a random-access handle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// The handle will be written to.
    pub write: bool,
    /// Create the file if it is missing (the parent must exist).
    pub create: bool,
    /// With `create`: fail with `AlreadyExists` if it exists.
    pub exclusive: bool,
    /// Cut the file to zero length on open.
    pub truncate: bool,
    /// For a read-only open: open read-write anyway when the backend allows it (never required),
    /// so a host descriptor can also serve later writers through kernel passthrough.
    pub prefer_read_write: bool,
}

/// The bytes of a whole-file upload.
pub enum PutData {
    /// In memory.
    Bytes(Bytes),
    /// Staged in a temporary file of `len` bytes, read from offset 0.
    File {
        /// The open temp file.
        file: std::fs::File,
        /// Its length.
        len: u64,
    },
    /// A file whose upload began while it was being written (see `parts`): the parts sent,
    /// and the whole content. Only backends that begin uploads receive it.
    Parts(super::parts::Begun, Box<PutData>),
}

impl PutData {
    /// The number of bytes to store.
    pub fn len(&self) -> u64 {
        match self {
            PutData::Bytes(b) => b.len() as u64,
            PutData::File { len, .. } => *len,
            PutData::Parts(_, whole) => whole.len(),
        }
    }

    /// The whole content, any upload begun for it given up.
    pub fn plain(self) -> PutData {
        match self {
            PutData::Parts(_, whole) => whole.plain(),
            other => other,
        }
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the whole content into memory (for backends that need one buffer).
    pub fn into_bytes(self) -> VfsResult<Bytes> {
        match self {
            PutData::Bytes(b) => Ok(b),
            PutData::File { file, len } => {
                let mut buf = vec![0u8; len as usize];
                std::os::unix::fs::FileExt::read_exact_at(&file, &mut buf, 0)?;
                Ok(Bytes::from(buf))
            }
            PutData::Parts(_, whole) => whole.into_bytes(),
        }
    }
}

/// A random-access open file of a backend that has `random_io`. It stays valid after the
/// path is renamed or unlinked, like a POSIX file descriptor.
#[async_trait]
pub trait BackendFile: Send + Sync {
    /// Reads up to `len` bytes at `offset`; fewer (or none) at end of file.
    async fn read_at(&self, offset: u64, len: u32) -> VfsResult<Bytes>;
    /// [`read_at`](Self::read_at), lending the bytes to `sink` (from the backend's own memory
    /// where it has them) instead of returning a copy.
    async fn read_at_into(&self, offset: u64, len: u32, sink: &mut dyn ReadSink) -> VfsResult<()> {
        lend(&self.read_at(offset, len).await?, sink);
        Ok(())
    }
    /// Writes all of `data` at `offset`, extending the file with zeros if it lies past the end.
    async fn write_at(&self, offset: u64, data: &[u8]) -> VfsResult<()>;
    /// Truncates or extends (with zeros) to `size` bytes.
    async fn set_len(&self, size: u64) -> VfsResult<()>;
    /// The current attributes of the open file.
    async fn metadata(&self) -> VfsResult<Metadata>;
    /// Makes written data durable on the backend.
    async fn sync(&self) -> VfsResult<()>;

    /// The host file behind this handle, if there is one (lets FUSE pass reads through to it).
    fn host_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        None
    }
}

/// One service, seen as a tree. Every method documents its behaviour on edge cases; optional
/// ones default to `Unsupported` and must be declared in [`Capability`] when implemented.
#[async_trait]
pub trait Backend: Send + Sync {
    /// Static facts: name, capabilities, layout description.
    fn info(&self) -> &BackendInfo;

    /// Attributes of `path` without following a final symlink. Missing → `NotFound`; a
    /// component that is a file → `NotADirectory` or `NotFound`.
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata>;

    /// All entries of the directory `path` (no `.`/`..`), sorted by name. Missing →
    /// `NotFound`; a file → `NotADirectory`.
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>>;

    /// Up to `len` bytes of the file at `offset`; fewer at end of file, none past it.
    /// A directory → `IsADirectory`.
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes>;

    /// [`read`](Self::read) as the pieces the data arrived in (a network body's chunks),
    /// for caches that keep them without joining. Layers below a cache must forward it.
    async fn read_segments(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Vec<Bytes>> {
        Ok(vec![self.read(path, offset, len).await?])
    }

    /// [`read_segments`](Self::read_segments) as a stream: the pieces as they arrive, so a
    /// cache can serve the start of a long read before its end has come. Errors of the
    /// request itself come first (`NotFound` …); one in the stream ends it. Layers below a
    /// cache must forward it.
    async fn read_stream(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<ByteStream> {
        use futures::StreamExt;
        let pieces = self.read_segments(path, offset, len).await?;
        Ok(futures::stream::iter(pieces.into_iter().map(Ok)).boxed())
    }

    /// [`read`](Self::read), lending the bytes to `sink` in as many pieces as they are held
    /// (cached blocks) instead of joining them. Layers above a cache must forward it.
    async fn read_into(
        &self,
        path: &VPath,
        offset: u64,
        len: u64,
        sink: &mut dyn ReadSink,
    ) -> VfsResult<()> {
        lend(&self.read(path, offset, len).await?, sink);
        Ok(())
    }

    /// Creates or replaces the whole file. The parent must exist (`NotFound`); an existing
    /// directory → `IsADirectory`. On failure the previous content stays intact.
    async fn put(&self, _path: &VPath, _data: PutData) -> VfsResult<Metadata> {
        Err(VfsError::Unsupported)
    }

    /// Begins an upload of `path` in parts, completed by a `put` of
    /// [`PutData::Parts`]; `None` when the backend has no such uploads (the default).
    async fn begin_upload(
        &self,
        _path: &VPath,
    ) -> VfsResult<Option<std::sync::Arc<dyn super::parts::PartUpload>>> {
        Ok(None)
    }

    /// Opens a random-access handle (only with `random_io`). A directory → `IsADirectory`;
    /// a symlink as last component → `SymlinkLoop`.
    async fn open_file(
        &self,
        _path: &VPath,
        _opts: OpenOptions,
    ) -> VfsResult<Box<dyn BackendFile>> {
        Err(VfsError::Unsupported)
    }

    /// Creates one directory; the parent must exist (`NotFound`), the name must be free
    /// (`AlreadyExists`).
    async fn mkdir(&self, _path: &VPath) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Removes a file or symlink. A directory → `IsADirectory`.
    async fn remove_file(&self, _path: &VPath) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Removes an empty directory. Entries left → `DirectoryNotEmpty`; a file → `NotADirectory`.
    async fn remove_dir(&self, _path: &VPath) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Renames with POSIX `rename(2)` semantics: an existing target file is replaced, an
    /// existing target directory must be empty (`DirectoryNotEmpty`), a directory cannot
    /// replace a file (`NotADirectory`) nor a file a directory (`IsADirectory`), a directory
    /// cannot move below itself (`InvalidArgument`); renaming a path onto itself does nothing.
    async fn rename(&self, _from: &VPath, _to: &VPath) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Creates a symlink at `path` holding `target` (stored as given, never resolved).
    async fn symlink(&self, _path: &VPath, _target: &str) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// The target of the symlink at `path`; not a symlink → `InvalidArgument`.
    async fn readlink(&self, _path: &VPath) -> VfsResult<String> {
        Err(VfsError::Unsupported)
    }

    /// Sets the modification time (and access time where kept).
    async fn set_times(&self, _path: &VPath, _mtime: SystemTime) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Sets the permission bits.
    async fn set_perm(&self, _path: &VPath, _perm: u16) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Makes `to` a new name (hard link) of the file at `from`: both then name one file,
    /// whose link count grows. Directories cannot be linked (`NotPermitted`); an existing
    /// `to` is `AlreadyExists`. Backends without hard links answer `Unsupported`.
    async fn link(&self, _from: &VPath, _to: &VPath) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Makes the special node `special` at `path` with permission bits `perm` (`mknod`,
    /// `mkfifo`); an existing name is `AlreadyExists`.
    async fn mknod(&self, _path: &VPath, _special: Special, _perm: u16) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Changes the owner and/or the access time (`chown`, `utimensat`). Backends without
    /// owners answer `Unsupported`; the FUSE adapter then accepts only the current owner.
    async fn set_attrs(&self, _path: &VPath, _change: MetaChange) -> VfsResult<()> {
        Err(VfsError::Unsupported)
    }

    /// Space numbers for `df`.
    async fn statfs(&self) -> VfsResult<FsStats> {
        Ok(FsStats::default())
    }

    /// Forgets anything cached about `path` and its parent's listing (called by the core after
    /// writes through open handles). Layers forward it; backends without caches ignore it.
    fn invalidate(&self, _path: &VPath) {}
}
