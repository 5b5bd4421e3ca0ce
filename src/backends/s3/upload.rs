//! Multipart uploads: [`PartUpload`] on S3's CreateMultipartUpload / UploadPart /
//! CompleteMultipartUpload. Used for every file past the multipart threshold — whole at close,
//! or streamed while it is written (see `vfs::parts`). An upload dropped before it completed
//! is aborted, so no parts are left behind (nor is an object made).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;

use super::api::S3Api;
use super::{CONCURRENCY, PART_SIZE};
use crate::vfs::parts::PartUpload;
use crate::vfs::{PutData, VfsError, VfsResult, lock};

/// S3 allows at most this many parts in one upload.
const MAX_PARTS: u64 = 10_000;

/// One multipart upload of `key`.
pub struct S3Upload {
    api: Arc<dyn S3Api>,
    key: String,
    id: String,
    /// ETags of the parts sent, by part number (1-based).
    parts: Mutex<Vec<(i32, String)>>,
    /// Completed or aborted: nothing to clean up on drop.
    settled: AtomicBool,
}

impl S3Upload {
    /// Begins an upload of `key`.
    pub async fn begin(api: Arc<dyn S3Api>, key: &str) -> VfsResult<Self> {
        let id = api.create_multipart(key).await?;
        Ok(S3Upload {
            api,
            key: key.to_string(),
            id,
            parts: Mutex::new(Vec::new()),
            settled: AtomicBool::new(false),
        })
    }

    async fn abort(&self) {
        if !self.settled.swap(true, Ordering::Relaxed) {
            self.api.abort_multipart(&self.key, &self.id).await;
        }
    }

    async fn send_rest(&self, data: &PutData, sent: u64) -> VfsResult<()> {
        let len = data.len();
        let parts = len.div_ceil(PART_SIZE).max(1);
        if parts > MAX_PARTS {
            return Err(VfsError::FileTooLarge);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for index in sent..parts {
            while tasks.len() >= CONCURRENCY {
                self.join(&mut tasks).await?;
            }
            let start = index * PART_SIZE;
            let body = read_part(data, start, PART_SIZE.min(len - start))?;
            let (api, key, id) = (self.api.clone(), self.key.clone(), self.id.clone());
            tasks.spawn(async move {
                let n = part_number(index)?;
                Ok((n, api.upload_part(&key, &id, n, body).await?))
            });
        }
        while !tasks.is_empty() {
            self.join(&mut tasks).await?;
        }
        Ok(())
    }

    /// Waits for one part of `tasks` and records its ETag.
    async fn join(
        &self,
        tasks: &mut tokio::task::JoinSet<VfsResult<(i32, String)>>,
    ) -> VfsResult<()> {
        match tasks.join_next().await {
            Some(Ok(Ok(part))) => {
                lock(&self.parts).push(part);
                Ok(())
            }
            None => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(e)) => Err(VfsError::Io(format!("part upload: {e}"))),
        }
    }
}

fn part_number(index: u64) -> VfsResult<i32> {
    if index >= MAX_PARTS {
        return Err(VfsError::FileTooLarge);
    }
    Ok(index as i32 + 1)
}

/// Bytes `start..start + size` of `data`.
pub(super) fn read_part(data: &PutData, start: u64, size: u64) -> VfsResult<Bytes> {
    match data {
        PutData::Bytes(b) => Ok(b.slice(start as usize..(start + size) as usize)),
        PutData::File { file, .. } => {
            let mut buf = vec![0u8; size as usize];
            std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, start)?;
            Ok(Bytes::from(buf))
        }
        PutData::Parts(_, whole) => read_part(whole, start, size),
    }
}

#[async_trait]
impl PartUpload for S3Upload {
    fn part_size(&self) -> u64 {
        PART_SIZE
    }

    async fn send(&self, index: u64, data: Bytes) -> VfsResult<()> {
        let n = part_number(index)?;
        let etag = self.api.upload_part(&self.key, &self.id, n, data).await?;
        lock(&self.parts).push((n, etag));
        Ok(())
    }

    async fn complete(&self, data: &PutData, sent: u64) -> VfsResult<Option<String>> {
        let r = async {
            self.send_rest(data, sent).await?;
            let mut parts = std::mem::take(&mut *lock(&self.parts));
            parts.sort();
            parts.dedup_by_key(|p| p.0);
            self.api
                .complete_multipart(&self.key, &self.id, parts)
                .await
        }
        .await;
        match r {
            Ok(etag) => {
                self.settled.store(true, Ordering::Relaxed);
                Ok(etag)
            }
            Err(e) => {
                self.abort().await;
                Err(e)
            }
        }
    }
}

impl Drop for S3Upload {
    fn drop(&mut self) {
        if self.settled.load(Ordering::Relaxed) {
            return;
        }
        let (api, key, id) = (self.api.clone(), self.key.clone(), self.id.clone());
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move { api.abort_multipart(&key, &id).await });
            }
            Err(_) => tracing::warn!("S3 multipart upload of {key} left unfinished ({id})"),
        }
    }
}
