//! Uploads that start while a file is still being written.
//!
//! An object store keeps a file as one object written whole, so the core stages an open file
//! and uploads it at close (see `handle`). For a big file written front to back that would
//! leave all of the upload to `close(2)`. A backend that can take a file in parts (S3's
//! multipart upload) offers a [`PartUpload`]: once a staged file written by appending passes
//! [`STREAM_AFTER`], the core hands it each part as soon as the writer is a part past it
//! ([`Stream`]), at most [`IN_FLIGHT`] at a time (the writer waits for the slowest). The
//! commit at close sends what is left and completes the upload through the backend's `put`
//! ([`PutData::Parts`](super::backend::PutData::Parts)), so its error still reaches
//! `close(2)` and, until then, the previous object stays as it was.
//!
//! A write or truncation below what was sent, a part that failed, or a rename of the open
//! file gives the upload up (dropping it aborts it) and the commit uploads the whole file as
//! before: the staged buffer always holds every byte.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use super::error::VfsResult;
use super::path::VPath;
use super::stage::StageBuf;

/// A staged file is streamed once it is this long (smaller files go in one request).
pub const STREAM_AFTER: u64 = 32 << 20;

/// Parts of one file being uploaded at once.
pub const IN_FLIGHT: usize = 4;

/// A backend's upload in parts, begun before the file's content is complete. Dropping it
/// without completing it gives it up.
#[async_trait]
pub trait PartUpload: Send + Sync {
    /// The size of every part but the last.
    fn part_size(&self) -> u64;

    /// Uploads part `index` (bytes `index * part_size()` onwards). Parts may be sent in any
    /// order and concurrently.
    async fn send(&self, index: u64, data: Bytes) -> VfsResult<()>;

    /// Sends the parts of `data` (the whole file) from part `sent` on and completes the
    /// upload; returns the new version (ETag) when the store reports one. On failure the
    /// upload is given up and the previous object is unchanged.
    async fn complete(
        &self,
        data: &super::backend::PutData,
        sent: u64,
    ) -> VfsResult<Option<String>>;
}

/// The part of a staged file's upload that already happened.
pub struct Begun {
    /// The upload the first `sent` parts went to.
    pub upload: Arc<dyn PartUpload>,
    /// Parts sent.
    pub sent: u64,
}

/// A staged file's upload in progress.
pub(super) struct Stream {
    upload: Arc<dyn PartUpload>,
    /// The workspace path the upload is for.
    path: VPath,
    /// Parts handed to the upload.
    sent: u64,
    tasks: tokio::task::JoinSet<VfsResult<()>>,
}

impl Stream {
    pub(super) fn new(upload: Arc<dyn PartUpload>, path: VPath) -> Self {
        Stream {
            upload,
            path,
            sent: 0,
            tasks: tokio::task::JoinSet::new(),
        }
    }

    /// Bytes handed to the upload so far (the staged file must not change below this).
    pub(super) fn sent_bytes(&self) -> u64 {
        self.sent * self.upload.part_size()
    }

    /// Sends every part of `buf` the writer is a whole part past; `Err` when a part failed
    /// (the stream is then of no use).
    pub(super) async fn advance(&mut self, buf: &StageBuf) -> VfsResult<()> {
        let part = self.upload.part_size();
        while (self.sent + 2) * part <= buf.len() {
            while self.tasks.len() >= IN_FLIGHT {
                self.join_one().await?;
            }
            let data = buf.read_at(self.sent * part, part)?;
            let (upload, index) = (self.upload.clone(), self.sent);
            self.tasks
                .spawn(async move { upload.send(index, data).await });
            self.sent += 1;
        }
        Ok(())
    }

    async fn join_one(&mut self) -> VfsResult<()> {
        match self.tasks.join_next().await {
            Some(Ok(r)) => r,
            Some(Err(e)) => Err(super::VfsError::Io(format!("part upload: {e}"))),
            None => Ok(()),
        }
    }

    /// Waits for the parts in flight; what the commit completes, if the upload is still
    /// good for `path`.
    pub(super) async fn finish(mut self, path: &VPath) -> Option<Begun> {
        while !self.tasks.is_empty() {
            if let Err(e) = self.join_one().await {
                tracing::debug!(path = %self.path, "streamed upload given up: {e}");
                return None;
            }
        }
        (self.path == *path).then(|| Begun {
            upload: self.upload,
            sent: self.sent,
        })
    }
}
