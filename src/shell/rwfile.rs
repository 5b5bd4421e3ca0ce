//! `n<>file`: a descriptor open for reading and writing, with one offset for both, as in
//! bash. The file is created when missing and never truncated; reads fetch from the offset,
//! writes go through at once at the offset (overwriting, extending at the end).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;

use crate::vfs::{OpenFlags, VPath, Vfs, VfsError, VfsResult};

/// Bytes fetched per read.
const CHUNK: u32 = 64 << 10;

/// A file open for reading and writing.
pub struct RwFile {
    vfs: Arc<Vfs>,
    path: VPath,
    /// The offset: bytes before it were read or written through this descriptor.
    pos: Cell<u64>,
    /// Bytes at `pos` already fetched (or put back) and not consumed.
    ahead: RefCell<Bytes>,
}

impl RwFile {
    /// Opens `path`, creating it empty when missing.
    pub async fn open(vfs: Arc<Vfs>, path: VPath) -> VfsResult<Rc<Self>> {
        if vfs.stat(&path).await.is_ok_and(|m| m.is_dir()) {
            return Err(VfsError::IsADirectory);
        }
        vfs.write_all(&path, &[], true).await?;
        Ok(Rc::new(RwFile {
            vfs,
            path,
            pos: Cell::new(0),
            ahead: RefCell::new(Bytes::new()),
        }))
    }

    /// The next bytes from the offset (which moves past them), or `None` at end of file.
    pub async fn chunk(&self) -> VfsResult<Option<Bytes>> {
        let ahead = self.ahead.take();
        let data = if ahead.is_empty() {
            let fh = self.vfs.open(&self.path, OpenFlags::read()).await?;
            let r = self.vfs.read(fh, self.pos.get(), CHUNK).await;
            self.vfs.release(fh).await?;
            r?
        } else {
            ahead
        };
        if data.is_empty() {
            return Ok(None);
        }
        self.pos.set(self.pos.get() + data.len() as u64);
        Ok(Some(data))
    }

    /// Puts `data` (the end of what [`chunk`](Self::chunk) gave) back: the offset moves back.
    pub fn unread(&self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        self.pos
            .set(self.pos.get().saturating_sub(data.len() as u64));
        let mut ahead = self.ahead.borrow_mut();
        let mut v = data.to_vec();
        v.extend_from_slice(&ahead);
        *ahead = v.into();
    }

    /// Writes `data` at the offset, which moves past it.
    pub async fn write(&self, data: &[u8]) -> VfsResult<()> {
        self.ahead.take();
        let flags = OpenFlags {
            write: true,
            ..OpenFlags::default()
        };
        let fh = self.vfs.open(&self.path, flags).await?;
        let r = self.vfs.write(fh, self.pos.get(), data).await;
        let closed = self.vfs.release(fh).await;
        r?;
        closed?;
        self.pos.set(self.pos.get() + data.len() as u64);
        Ok(())
    }

    /// The file's path (for messages).
    pub fn path(&self) -> &VPath {
        &self.path
    }
}
