//! Open-file handles: how reads and writes of an open file reach the backend.
//!
//! Backends with random-access handles (`random_io`) get their own handle and see every write
//! at once. For the others (object stores) the core stages the whole file in a [`StageBuf`]
//! (read-modify-write for in-place edits, nothing fetched for `O_TRUNC`) and commits it with one
//! `put` on flush/fsync/release, so the error of a failed upload reaches `close(2)` and the
//! previous object stays intact. Handles follow renames and stop committing once unlinked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use super::backend::{BackendFile, FileKind, Metadata, OpenOptions, PutData};
use super::error::{VfsError, VfsResult};
use super::parts::{STREAM_AFTER, Stream};
use super::path::VPath;
use super::sink::{ReadSink, lend};
use super::stage::StageBuf;
use super::{Vfs, lock};

/// How a file is opened (the subset of `open(2)` flags the core acts on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenFlags {
    /// Opened for writing (`O_WRONLY` or `O_RDWR`).
    pub write: bool,
    /// Every write goes to the end (`O_APPEND`).
    pub append: bool,
    /// Create when missing (`O_CREAT`).
    pub create: bool,
    /// With `create`: fail if it exists (`O_EXCL`).
    pub exclusive: bool,
    /// Cut to zero length on open (`O_TRUNC`).
    pub truncate: bool,
}

impl OpenFlags {
    /// Read only.
    pub fn read() -> Self {
        OpenFlags::default()
    }

    /// `O_WRONLY|O_CREAT|O_TRUNC`, as the shell's `>` does.
    pub fn create_truncate() -> Self {
        OpenFlags {
            write: true,
            create: true,
            truncate: true,
            ..OpenFlags::default()
        }
    }

    /// Decodes `open(2)` flags.
    pub fn from_libc(flags: i32) -> Self {
        let acc = flags & libc::O_ACCMODE;
        OpenFlags {
            write: acc == libc::O_WRONLY || acc == libc::O_RDWR,
            append: flags & libc::O_APPEND != 0,
            create: flags & libc::O_CREAT != 0,
            exclusive: flags & libc::O_EXCL != 0,
            truncate: flags & libc::O_TRUNC != 0 && acc != libc::O_RDONLY,
        }
    }
}

pub(super) struct Staged {
    pub(super) buf: StageBuf,
    /// The buffer holds the whole file (fetched, or known empty).
    pub(super) loaded: bool,
    /// The buffer differs from the backend's object.
    pub(super) dirty: bool,
    /// Data was written (or the length set) since the last commit — not just created/truncated.
    pub(super) written: bool,
    /// The upload that began while the file was written (see `parts`).
    pub(super) stream: Option<Stream>,
    /// Streaming was given up (or the backend has no part uploads): the commit puts it whole.
    pub(super) no_stream: bool,
}

impl Staged {
    fn new(spill_at: u64) -> Self {
        Staged {
            buf: StageBuf::new(spill_at),
            loaded: false,
            dirty: false,
            written: false,
            stream: None,
            no_stream: false,
        }
    }

    /// Gives up the streamed upload, if any (dropping it aborts it).
    fn give_up_stream(&mut self) {
        if self.stream.take().is_some() {
            tracing::debug!("streamed upload given up: the file changed below what was sent");
        }
        self.no_stream = true;
    }

    /// Whether a change at `offset` touches bytes already handed to the upload.
    fn touches_sent(&self, offset: u64) -> bool {
        self.stream
            .as_ref()
            .is_some_and(|st| offset < st.sent_bytes())
    }
}

pub(super) enum HandleIo {
    /// The backend's own random-access handle.
    Direct(Box<dyn BackendFile>),
    /// A staged whole-file buffer, committed with `put`.
    Staged(tokio::sync::Mutex<Staged>),
    /// Read-only on a backend without handles: ranged reads by path.
    Ranged,
}

/// One open file.
pub(super) struct OpenFile {
    pub(super) path: Mutex<VPath>,
    pub(super) flags: OpenFlags,
    pub(super) io: HandleIo,
    pub(super) unlinked: AtomicBool,
    /// Length of a loaded staged buffer, for `stat` while the file is open.
    pub(super) staged_len: AtomicU64,
    pub(super) staged_loaded: AtomicBool,
    /// A new file not uploaded yet: it exists for this workspace only until its first commit.
    pub(super) pending: AtomicBool,
}

impl OpenFile {
    pub(super) fn path(&self) -> VPath {
        lock(&self.path).clone()
    }
}

/// All open handles of a workspace.
#[derive(Default)]
pub(super) struct HandleTable {
    pub(super) open: Mutex<HashMap<u64, Arc<OpenFile>>>,
    next: AtomicU64,
}

impl HandleTable {
    pub(super) fn insert(&self, f: OpenFile) -> u64 {
        let fh = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        lock(&self.open).insert(fh, Arc::new(f));
        fh
    }

    pub(super) fn get(&self, fh: u64) -> VfsResult<Arc<OpenFile>> {
        lock(&self.open)
            .get(&fh)
            .cloned()
            .ok_or(VfsError::BadHandle)
    }

    pub(super) fn remove(&self, fh: u64) -> VfsResult<Arc<OpenFile>> {
        lock(&self.open).remove(&fh).ok_or(VfsError::BadHandle)
    }

    /// Moves handles below `from` to `to` after a rename.
    pub(super) fn rebase(&self, from: &VPath, to: &VPath) {
        for f in lock(&self.open).values() {
            let mut p = lock(&f.path);
            if let Some(new) = p.rebase(from, to) {
                *p = new;
            }
        }
    }

    /// Marks handles on `path` as unlinked: they keep working but no longer commit.
    pub(super) fn unlinked(&self, path: &VPath) {
        for f in lock(&self.open).values() {
            if &*lock(&f.path) == path {
                f.unlinked.store(true, Ordering::Relaxed);
            }
        }
    }

    /// The size of `path` as an open staged handle sees it, if one has it loaded.
    pub(super) fn staged_size(&self, path: &VPath) -> Option<u64> {
        let open = lock(&self.open);
        open.values()
            .filter(|f| {
                f.staged_loaded.load(Ordering::Relaxed) && !f.unlinked.load(Ordering::Relaxed)
            })
            .filter(|f| &*lock(&f.path) == path)
            .map(|f| f.staged_len.load(Ordering::Relaxed))
            .max()
    }
}

impl HandleTable {
    /// Open handles of new files at `path` that were never uploaded.
    pub(super) fn pending(&self, path: &VPath) -> Vec<Arc<OpenFile>> {
        lock(&self.open)
            .values()
            .filter(|f| f.pending.load(Ordering::Relaxed) && !f.unlinked.load(Ordering::Relaxed))
            .filter(|f| &*lock(&f.path) == path)
            .cloned()
            .collect()
    }

    /// Names and sizes of not-yet-uploaded new files directly inside `dir`.
    pub(super) fn pending_in(&self, dir: &VPath) -> Vec<(String, u64)> {
        lock(&self.open)
            .values()
            .filter(|f| f.pending.load(Ordering::Relaxed) && !f.unlinked.load(Ordering::Relaxed))
            .filter_map(|f| {
                let p = lock(&f.path).clone();
                (!p.is_root() && &p.parent() == dir)
                    .then(|| (p.name().to_string(), f.staged_len.load(Ordering::Relaxed)))
            })
            .collect()
    }
}

impl Vfs {
    /// Marks every handle on `path` unlinked before the path is removed, waiting for commits in
    /// flight (the kernel sends RELEASE after close(2) returns, so an upload can race an
    /// unlink). Returns true if a new file there was never uploaded.
    pub(super) async fn detach(&self, path: &VPath) -> bool {
        let open: Vec<Arc<OpenFile>> = lock(&self.handles.open)
            .values()
            .filter(|f| &*lock(&f.path) == path)
            .cloned()
            .collect();
        let mut never_uploaded = false;
        for f in open {
            if let HandleIo::Staged(s) = &f.io {
                let _commit = s.lock().await;
                never_uploaded |= f.pending.load(Ordering::Relaxed);
            }
            f.unlinked.store(true, Ordering::Relaxed);
        }
        never_uploaded
    }

    /// Uploads new files at `path` that are still only staged, so path operations on the
    /// backend (open, rename, times …) find the object.
    pub(super) async fn settle(&self, path: &VPath) -> VfsResult<()> {
        for f in self.handles.pending(path) {
            self.commit(&f).await?;
        }
        Ok(())
    }

    /// Opens `path` (symlinks are not followed) and returns a handle number.
    pub async fn open(&self, path: &VPath, flags: OpenFlags) -> VfsResult<u64> {
        self.settle(path).await?;
        let (mount, rel) = self.table.route(path);
        let opts = OpenOptions {
            write: flags.write,
            create: flags.create,
            exclusive: flags.exclusive,
            truncate: flags.truncate,
            prefer_read_write: self.host_fds_read_write.load(Ordering::Relaxed)
                && mount.mode == super::Mode::Write,
        };
        let stack = &mount.stack;
        let mut loaded_len = None;
        let mut new_file = false;
        let io = if stack.info().capability.random_io {
            HandleIo::Direct(stack.open_file(&rel, opts).await?)
        } else if flags.write || flags.create {
            super::mode::require_write(mount.mode)?;
            let existing = match stack.stat(&rel).await {
                Ok(m) if m.kind == FileKind::Dir => return Err(VfsError::IsADirectory),
                Ok(_) if flags.create && flags.exclusive => return Err(VfsError::AlreadyExists),
                Ok(m) => Some(m),
                Err(VfsError::NotFound) if flags.create => None,
                Err(e) => return Err(e),
            };
            let mut staged = Staged::new(self.spill_at);
            let pending = existing.is_none();
            if pending {
                // A new file is uploaded once, when closed; until then this workspace shows it
                // (stat, listings) and path operations on it upload it first (`settle`).
                staged.loaded = true;
                staged.dirty = true;
            } else if flags.truncate {
                staged.loaded = true;
                staged.dirty = existing.as_ref().is_some_and(|m| m.size > 0);
            }
            if staged.loaded {
                loaded_len = Some(0);
            }
            new_file = pending;
            HandleIo::Staged(tokio::sync::Mutex::new(staged))
        } else {
            match stack.stat(&rel).await? {
                m if m.kind == FileKind::Symlink => return Err(VfsError::SymlinkLoop),
                m if m.kind == FileKind::Dir => return Err(VfsError::IsADirectory),
                _ => HandleIo::Ranged,
            }
        };
        let file = OpenFile {
            path: Mutex::new(path.clone()),
            flags,
            io,
            unlinked: AtomicBool::new(false),
            staged_len: AtomicU64::new(loaded_len.unwrap_or(0)),
            staged_loaded: AtomicBool::new(loaded_len.is_some()),
            pending: AtomicBool::new(new_file),
        };
        Ok(self.handles.insert(file))
    }

    /// Reads up to `len` bytes at `offset` through handle `fh`.
    pub async fn read(&self, fh: u64, offset: u64, len: u32) -> VfsResult<Bytes> {
        let f = self.handles.get(fh)?;
        match &f.io {
            HandleIo::Direct(file) => file.read_at(offset, len).await,
            HandleIo::Staged(s) => {
                let s = s.lock().await;
                if s.loaded {
                    return s.buf.read_at(offset, len as u64);
                }
                drop(s);
                self.read_ranged(&f, offset, len).await
            }
            HandleIo::Ranged => self.read_ranged(&f, offset, len).await,
        }
    }

    /// [`read`](Self::read), lending the data to `sink` where it is already in memory (RAM
    /// files, cached blocks) instead of copying it out.
    pub async fn read_into(
        &self,
        fh: u64,
        offset: u64,
        len: u32,
        sink: &mut dyn ReadSink,
    ) -> VfsResult<()> {
        let f = self.handles.get(fh)?;
        match &f.io {
            HandleIo::Direct(file) => file.read_at_into(offset, len, sink).await,
            HandleIo::Staged(s) => {
                let s = s.lock().await;
                if s.loaded {
                    lend(&s.buf.read_at(offset, len as u64)?, sink);
                    return Ok(());
                }
                drop(s);
                self.read_ranged_into(&f, offset, len, sink).await
            }
            HandleIo::Ranged => self.read_ranged_into(&f, offset, len, sink).await,
        }
    }

    async fn read_ranged_into(
        &self,
        f: &OpenFile,
        offset: u64,
        len: u32,
        sink: &mut dyn ReadSink,
    ) -> VfsResult<()> {
        let (mount, rel) = self.table.route(&f.path());
        mount.stack.read_into(&rel, offset, len as u64, sink).await
    }

    async fn read_ranged(&self, f: &OpenFile, offset: u64, len: u32) -> VfsResult<Bytes> {
        let (mount, rel) = self.table.route(&f.path());
        mount.stack.read(&rel, offset, len as u64).await
    }

    /// Writes all of `data` at `offset` (at the end for `O_APPEND` handles); returns its length.
    pub async fn write(&self, fh: u64, offset: u64, data: &[u8]) -> VfsResult<usize> {
        let f = self.handles.get(fh)?;
        if !f.flags.write {
            return Err(VfsError::BadHandle);
        }
        match &f.io {
            HandleIo::Direct(file) => {
                let at = if f.flags.append {
                    file.metadata().await?.size
                } else {
                    offset
                };
                file.write_at(at, data).await?;
                self.invalidate(&f);
            }
            HandleIo::Staged(s) => {
                let mut s = s.lock().await;
                self.load(&f, &mut s).await?;
                let at = if f.flags.append { s.buf.len() } else { offset };
                if s.touches_sent(at) {
                    s.give_up_stream();
                }
                let appended = at == s.buf.len();
                s.buf.write_at(at, data)?;
                s.dirty = true;
                s.written = true;
                f.staged_len.store(s.buf.len(), Ordering::Relaxed);
                self.stream_parts(&f, &mut s, appended).await;
            }
            HandleIo::Ranged => return Err(VfsError::BadHandle),
        }
        Ok(data.len())
    }

    /// After a write to a staged file: begins its upload once it is long enough and was
    /// just appended to, and hands the upload the parts the writer is past. Never fails the
    /// write: a stream that cannot go on is given up and the commit uploads the whole file.
    async fn stream_parts(&self, f: &OpenFile, s: &mut Staged, appended: bool) {
        if s.stream.is_none() {
            if s.no_stream || !appended || !s.loaded || s.buf.len() < STREAM_AFTER {
                return;
            }
            let path = f.path();
            let (mount, rel) = self.table.route(&path);
            match mount.stack.begin_upload(&rel).await {
                Ok(Some(upload)) => s.stream = Some(Stream::new(upload, path)),
                Ok(None) => s.no_stream = true,
                Err(e) => {
                    tracing::debug!(%path, "upload not begun before close: {e}");
                    s.no_stream = true;
                }
            }
        }
        let Staged { stream, buf, .. } = s;
        if let Some(st) = stream
            && let Err(e) = st.advance(buf).await
        {
            tracing::debug!(path = %f.path(), "streamed upload given up: {e}");
            s.give_up_stream();
        }
    }

    /// Fetches the whole object into a staged buffer before the first in-place change.
    async fn load(&self, f: &OpenFile, s: &mut Staged) -> VfsResult<()> {
        if s.loaded {
            return Ok(());
        }
        let (mount, rel) = self.table.route(&f.path());
        const CHUNK: u64 = 8 << 20;
        let mut pos = 0;
        loop {
            let chunk = mount.stack.read(&rel, pos, CHUNK).await?;
            s.buf.write_at(pos, &chunk)?;
            pos += chunk.len() as u64;
            if (chunk.len() as u64) < CHUNK {
                break;
            }
        }
        s.loaded = true;
        f.staged_len.store(s.buf.len(), Ordering::Relaxed);
        f.staged_loaded.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Truncates or extends the open file to `size`.
    pub async fn set_len(&self, fh: u64, size: u64) -> VfsResult<()> {
        let f = self.handles.get(fh)?;
        match &f.io {
            HandleIo::Direct(file) => {
                file.set_len(size).await?;
                self.invalidate(&f);
            }
            HandleIo::Staged(s) => {
                let mut s = s.lock().await;
                if size == 0 {
                    s.loaded = true;
                    f.staged_loaded.store(true, Ordering::Relaxed);
                }
                self.load(&f, &mut s).await?;
                if s.touches_sent(size) {
                    s.give_up_stream();
                }
                s.buf.set_len(size)?;
                s.dirty = true;
                s.written = true;
                f.staged_len.store(size, Ordering::Relaxed);
            }
            HandleIo::Ranged => return Err(VfsError::BadHandle),
        }
        Ok(())
    }

    /// Attributes of the open file (valid after unlink for random-access backends).
    pub async fn fstat(&self, fh: u64) -> VfsResult<Metadata> {
        let f = self.handles.get(fh)?;
        match &f.io {
            HandleIo::Direct(file) => file.metadata().await,
            _ => self.stat(&f.path()).await,
        }
    }

    /// A duplicate of the host descriptor behind a handle, for kernel passthrough.
    pub fn host_fd(&self, fh: u64) -> Option<std::os::fd::OwnedFd> {
        let f = self.handles.get(fh).ok()?;
        match &f.io {
            HandleIo::Direct(file) => file.host_fd()?.try_clone_to_owned().ok(),
            _ => None,
        }
    }

    /// Commits written data; the upload's error is returned here (and so from `close(2)`).
    /// A file only created or truncated, with nothing written yet, is committed at release:
    /// shells close a duplicate descriptor right after `open` (`>` redirection), and uploading
    /// the empty object then would double the requests of every new file.
    ///
    /// A failed upload of an existing object drops what was staged: `close(2)` reported it, so
    /// it is not retried behind the application's back (at release), and the handle reads and
    /// edits the object as it is from then on. A new file keeps its data for a retry.
    pub async fn flush(&self, fh: u64) -> VfsResult<()> {
        let f = self.handles.get(fh)?;
        if let HandleIo::Staged(s) = &f.io
            && !s.lock().await.written
        {
            return Ok(());
        }
        let r = self.commit(&f).await;
        if r.is_err()
            && !f.pending.load(Ordering::Relaxed)
            && let HandleIo::Staged(s) = &f.io
        {
            let mut s = s.lock().await;
            *s = Staged::new(self.spill_at);
            f.staged_loaded.store(false, Ordering::Relaxed);
            self.invalidate(&f);
        }
        r
    }

    /// Forgets the handle without committing what it staged.
    pub async fn discard(&self, fh: u64) -> VfsResult<()> {
        let f = self.handles.remove(fh)?;
        f.unlinked.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// True while the handle holds staged changes not yet committed.
    pub async fn is_dirty(&self, fh: u64) -> bool {
        match self.handles.get(fh).as_deref().map(|f| &f.io) {
            Ok(HandleIo::Staged(s)) => s.lock().await.dirty,
            _ => false,
        }
    }

    /// Makes the file durable: commit, then the backend's sync.
    pub async fn fsync(&self, fh: u64) -> VfsResult<()> {
        let f = self.handles.get(fh)?;
        self.commit(&f).await?;
        if let HandleIo::Direct(file) = &f.io {
            file.sync().await?;
        }
        Ok(())
    }

    /// Commits and forgets the handle.
    pub async fn release(&self, fh: u64) -> VfsResult<()> {
        // Commit while still in the table, so an unlink racing the release waits for it.
        let f = self.handles.get(fh)?;
        let r = self.commit(&f).await;
        self.handles.remove(fh)?;
        r
    }

    async fn commit(&self, f: &OpenFile) -> VfsResult<()> {
        let HandleIo::Staged(s) = &f.io else {
            return Ok(());
        };
        let mut s = s.lock().await;
        if !s.dirty || f.unlinked.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = f.path();
        let (mount, rel) = self.table.route(&path);
        let mut data = s.buf.to_put_data()?;
        if let Some(stream) = s.stream.take()
            && let Some(begun) = stream.finish(&path).await
        {
            data = PutData::Parts(begun, Box::new(data));
        }
        mount.stack.put(&rel, data).await?;
        s.dirty = false;
        s.written = false;
        f.pending.store(false, Ordering::Relaxed);
        Ok(())
    }

    fn invalidate(&self, f: &OpenFile) {
        let path = f.path();
        let (mount, rel) = self.table.route(&path);
        mount.stack.invalidate(&rel);
    }
}

impl Vfs {
    /// Commits and closes every open handle (at unmount); returns how many failed to commit.
    pub async fn release_all(&self) -> usize {
        let all: Vec<u64> = lock(&self.handles.open).keys().copied().collect();
        let mut failed = 0;
        for fh in all {
            if let Err(e) = self.release(fh).await {
                tracing::error!(fh, "commit at unmount failed: {e}");
                failed += 1;
            }
        }
        failed
    }
}
