//! Open `ram` files: a handle holds the file itself, so it keeps reading and writing after
//! the name is renamed or unlinked, like a file descriptor.

use async_trait::async_trait;
use bytes::Bytes;

use super::tree::{FileRef, Node, read_lock, write_lock};
use crate::vfs::sink::ReadSink;
use crate::vfs::{BackendFile, Metadata, VfsResult};

/// An open RAM file: a shared reference to the bytes, valid after unlink.
pub(super) struct RamFile(pub(super) FileRef);

#[async_trait]
impl BackendFile for RamFile {
    async fn read_at(&self, offset: u64, len: u32) -> VfsResult<Bytes> {
        Ok(read_lock(&self.0).content.to_bytes(offset, len as u64))
    }

    async fn read_at_into(&self, offset: u64, len: u32, sink: &mut dyn ReadSink) -> VfsResult<()> {
        // Lent under the read lock: a writer waits for the one copy the sink makes.
        let f = read_lock(&self.0);
        sink.accept(&f.content.parts(offset, len as u64));
        Ok(())
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> VfsResult<()> {
        if data.is_empty() {
            return Ok(()); // like pwrite(2): a zero-length write never extends the file
        }
        let mut f = write_lock(&self.0);
        f.content.write(offset, data)?;
        f.mtime = crate::vfs::now();
        Ok(())
    }

    async fn set_len(&self, size: u64) -> VfsResult<()> {
        let mut f = write_lock(&self.0);
        f.content.set_len(size)?;
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
