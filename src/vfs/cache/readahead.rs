//! The data path of the cache layer: blocks through the shared data cache, read-ahead that
//! grows while a reader stays sequential, and background fetches of a directory's small files
//! once one of them is read.

use super::{
    CacheLayer, PREFETCH_CONCURRENCY, PREFETCH_MAX_FILE, PREFETCH_MAX_FILES, READAHEAD_MAX,
    READAHEAD_MIN, RUN_BLOCKS,
};
use futures::TryStreamExt;

use crate::vfs::backend::{DirEntry, FileKind, Metadata};
use crate::vfs::data_cache::{BLOCK, BlockKey, Segments};
use crate::vfs::error::VfsResult;
use crate::vfs::lock;
use crate::vfs::path::VPath;

/// How far from a stream's front a read may start and still count as part of the stream
/// (arrived early or late), in blocks: more than the kernel keeps in flight for one reader.
const LATE_BLOCKS: u64 = 16;

impl CacheLayer {
    pub(super) fn block_key(&self, path: &VPath, version: &str, block: u64) -> BlockKey {
        BlockKey {
            mount: self.mount,
            path: path.clone(),
            version: version.to_string(),
            block,
        }
    }

    /// Fetches one block through the shared cache.
    pub(super) async fn block(
        &self,
        path: &VPath,
        version: &str,
        block: u64,
    ) -> VfsResult<Segments> {
        let inner = self.inner.clone();
        let p = path.clone();
        self.data
            .get_or_fetch(self.block_key(path, version, block), || async move {
                inner
                    .read_segments(&p, block * BLOCK, BLOCK)
                    .await
                    .map(Segments::new)
            })
            .await
    }

    /// Starts background fetches of the blocks in `window` that are neither cached nor in
    /// flight, [`RUN_BLOCKS`] consecutive ones per backend read. A shorter run waits for the
    /// reader to come closer (the next read adds blocks to it) unless it starts with `next`,
    /// the block the reader needs next, or ends at the file's last block (`blocks`).
    pub(super) fn prefetch(
        &self,
        path: &VPath,
        version: &str,
        window: std::ops::Range<u64>,
        next: u64,
        blocks: u64,
    ) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let end = window.end.min(blocks);
        let missing = |b: u64| !self.data.has(&self.block_key(path, version, b));
        let mut b = window.start;
        while b < end {
            if !missing(b) {
                b += 1;
                continue;
            }
            let mut stop = b + 1;
            while stop < end && stop - b < RUN_BLOCKS && missing(stop) {
                stop += 1;
            }
            if stop - b == RUN_BLOCKS || b == next || stop == blocks {
                let key = self.block_key(path, version, b);
                if let Some(claim) = self.data.claim_run(&key, stop - b) {
                    let (inner, data, p) = (self.inner.clone(), self.data.clone(), path.clone());
                    let (offset, len) = (b * BLOCK, (stop - b) * BLOCK);
                    rt.spawn(async move {
                        let chunks = futures::stream::once(async move {
                            inner.read_stream(&p, offset, len).await
                        })
                        .try_flatten();
                        data.fetch_run(claim, Segments::blocks(chunks, BLOCK as usize))
                            .await;
                    });
                }
            }
            b = stop;
        }
    }

    /// Read-ahead: when reads continue where the last one ended, fetch a growing window ahead.
    pub(super) fn read_ahead(
        &self,
        path: &VPath,
        meta: &Metadata,
        version: &str,
        first: u64,
        last: u64,
    ) {
        let (front, window) = {
            let mut streams = lock(&self.streams);
            let (front, window) = match streams.get(path) {
                // Near the stream's front: requests served concurrently arrive out of order.
                // One that continues the stream (a read that is not block-aligned starts in
                // the block the last one ended in) or runs ahead of it doubles the window; one
                // that arrives late leaves the stream as it is.
                Some(&(next, w))
                    if first <= next + LATE_BLOCKS && next <= first + 1 + LATE_BLOCKS =>
                {
                    let window = if first + 1 >= next {
                        (w * 2).min(READAHEAD_MAX)
                    } else {
                        w
                    };
                    ((last + 1).max(next), window)
                }
                _ if first == 0 => (last + 1, READAHEAD_MIN),
                _ => (last + 1, 0),
            };
            streams.put(path.clone(), (front, window.max(READAHEAD_MIN)));
            (front, window)
        };
        let blocks = meta.size.div_ceil(BLOCK);
        self.prefetch(path, version, front..front + window, front, blocks);
    }

    /// Fetches the small files of a fresh listing in the background (bounded).
    /// On the first read in a directory: fetch its other small files (once per listing).
    pub(super) fn prefetch_siblings(&self, path: &VPath) {
        if !self.inner.info().capability.prefetch || path.is_root() {
            return;
        }
        let dir = path.parent();
        if lock(&self.prefetched).put(dir.clone(), ()).is_some() {
            return;
        }
        let list = match lock(&self.lister.lists).get(&dir) {
            Some((at, list)) if self.fresh(*at) => list.clone(),
            _ => return,
        };
        self.prefetch_listing(&dir, &list);
    }

    /// Fetches the small files of a listing in the background (bounded).
    pub(super) fn prefetch_listing(&self, dir: &VPath, list: &[DirEntry]) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let files: Vec<(BlockKey, VPath)> = list
            .iter()
            .filter(|e| {
                e.meta.kind == FileKind::File && e.meta.size > 0 && e.meta.size <= PREFETCH_MAX_FILE
            })
            .filter_map(|e| Some((e.meta.version.clone()?, dir.join(&e.name).ok()?)))
            .map(|(v, p)| (self.block_key(&p, &v, 0), p))
            .filter(|(k, _)| !self.data.has(k))
            .take(PREFETCH_MAX_FILES)
            .collect();
        if files.is_empty() {
            return;
        }
        let (inner, data) = (self.inner.clone(), self.data.clone());
        rt.spawn(async move {
            let mut tasks = tokio::task::JoinSet::new();
            for (key, path) in files {
                while tasks.len() >= PREFETCH_CONCURRENCY {
                    tasks.join_next().await;
                }
                let (inner, data) = (inner.clone(), data.clone());
                tasks.spawn(async move {
                    let _ = data
                        .get_or_fetch(key, || async move {
                            inner
                                .read_segments(&path, 0, BLOCK)
                                .await
                                .map(Segments::new)
                        })
                        .await;
                });
            }
            while tasks.join_next().await.is_some() {}
        });
    }
}
