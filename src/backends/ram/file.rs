//! Open `ram` files: a handle holds the file itself, so it keeps reading and writing after
//! the name is renamed or unlinked, like a file descriptor.

use async_trait::async_trait;
use bytes::Bytes;

use super::tree::{FileRef, Node, read_lock, write_lock};
use crate::vfs::sink::{ReadSink, lend};
use crate::vfs::{BackendFile, Metadata, VfsError, VfsResult};

pub(super) fn slice_at(bytes: &[u8], offset: u64, len: u64) -> Bytes {
    let start = (offset as usize).min(bytes.len());
    let end = start.saturating_add(len as usize).min(bytes.len());
    Bytes::copy_from_slice(&bytes[start..end])
}

/// An open RAM file: a shared reference to the bytes, valid after unlink.
pub(super) struct RamFile(pub(super) FileRef);

#[async_trait]
impl BackendFile for RamFile {
    async fn read_at(&self, offset: u64, len: u32) -> VfsResult<Bytes> {
        Ok(slice_at(&read_lock(&self.0).bytes, offset, len as u64))
    }

    async fn read_at_into(&self, offset: u64, len: u32, sink: &mut dyn ReadSink) -> VfsResult<()> {
        // Lent under the read lock: a writer waits for the one copy the sink makes.
        let f = read_lock(&self.0);
        let start = (offset as usize).min(f.bytes.len());
        let end = start.saturating_add(len as usize).min(f.bytes.len());
        lend(&f.bytes[start..end], sink);
        Ok(())
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> VfsResult<()> {
        if data.is_empty() {
            return Ok(()); // like pwrite(2): a zero-length write never extends the file
        }
        let mut f = write_lock(&self.0);
        let start = usize::try_from(offset).map_err(|_| VfsError::FileTooLarge)?;
        let end = start
            .checked_add(data.len())
            .ok_or(VfsError::FileTooLarge)?;
        if f.bytes.len() < end {
            f.bytes.resize(end, 0);
        }
        f.bytes[start..end].copy_from_slice(data);
        f.mtime = crate::vfs::now();
        Ok(())
    }

    async fn set_len(&self, size: u64) -> VfsResult<()> {
        let mut f = write_lock(&self.0);
        let size = usize::try_from(size).map_err(|_| VfsError::FileTooLarge)?;
        f.bytes.resize(size, 0);
        f.mtime = crate::vfs::now();
        Ok(())
    }

    async fn metadata(&self) -> VfsResult<Metadata> {
        Ok(Node::File(self.0.clone()).metadata())
    }

    async fn sync(&self) -> VfsResult<()> {
        Ok(())
    }
}
