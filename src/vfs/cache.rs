//! The metadata cache layer: attributes (with negative entries) and directory listings.
//!
//! Entries live in `lru` maps for at most the mount's TTL — the same TTL the FUSE adapter hands
//! the kernel as entry/attribute timeout. A fresh listing also answers `stat` of its entries
//! (and "not found" for names it lacks), so `ls -l` and `find` cost one `list` per directory;
//! once it expires, a stat of an entry lists the directory again (`relist`).
//! Every successful or failed mutation invalidates the path and its parent's listing; renames
//! and directory removals drop everything, which is simpler than tracking subtrees and rare.
//! Reads go through the shared [`DataCache`] in blocks keyed by the file's version, with
//! read-ahead that doubles while a reader stays sequential; the first read of a file starts
//! fetching its small siblings in the background, so `rg` finds them cached while `ls` and
//! `find` cost listings only.
//! Locks are `std` mutexes held only between awaits, never across one.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use lru::LruCache;

use super::data_cache::{BLOCK, DataCache};

#[cfg(test)]
mod counted;
#[cfg(test)]
mod data_tests;
mod lister;
mod readahead;
mod relist;
use super::backend::{
    Backend, BackendFile, BackendInfo, DirEntry, FileKind, FsStats, MetaChange, Metadata,
    OpenOptions, PutData, Special,
};
use super::error::{VfsError, VfsResult};
use super::lock;
use super::path::VPath;
use super::sink::{ReadSink, join};
use lister::Lister;

const ATTR_ENTRIES: usize = 200_000;
const LIST_ENTRIES: usize = 8_192;
/// Files up to this size are fetched in the background when their directory is listed.
const PREFETCH_MAX_FILE: u64 = 256 << 10;
/// At most this many files per listing are prefetched…
const PREFETCH_MAX_FILES: usize = 4096;
/// …with this many requests in flight.
const PREFETCH_CONCURRENCY: usize = 16;
/// Read-ahead window bounds, in blocks.
const READAHEAD_MIN: u64 = 2;
const READAHEAD_MAX: u64 = 64;
/// Blocks fetched by one backend read while read-ahead streams: every request costs CPU on
/// both sides (signing, parsing) and, on real S3, a round trip.
const RUN_BLOCKS: u64 = 8;

type Attr = (Instant, Result<Metadata, VfsError>);
type Listing = (Instant, Arc<Vec<DirEntry>>);

/// A TTL-bounded cache of `stat` and `list` answers in front of a backend.
pub struct CacheLayer {
    inner: Arc<dyn Backend>,
    ttl: Duration,
    /// The attribute and listing caches, and listing through them: one request per
    /// directory at a time, and ahead of a walker.
    lister: Lister,
    data: Arc<DataCache>,
    mount: u64,
    /// Per file: the block a sequential reader will ask for next, and its read-ahead window.
    streams: Mutex<LruCache<VPath, (u64, u64)>>,
    /// Directories whose small files were already fetched in the background.
    prefetched: Mutex<LruCache<VPath, ()>>,
}

impl CacheLayer {
    /// Caches `inner`'s metadata for `ttl` (a zero TTL caches nothing) and its data in `data`.
    pub fn new(inner: Arc<dyn Backend>, ttl: Duration, data: Arc<DataCache>) -> Self {
        static MOUNTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let attrs = NonZeroUsize::new(ATTR_ENTRIES).unwrap_or(NonZeroUsize::MIN);
        let lists = NonZeroUsize::new(LIST_ENTRIES).unwrap_or(NonZeroUsize::MIN);
        let streams = NonZeroUsize::new(1024).unwrap_or(NonZeroUsize::MIN);
        CacheLayer {
            lister: Lister::new(inner.clone(), ttl, attrs, lists),
            inner,
            ttl,
            data,
            mount: MOUNTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            streams: Mutex::new(LruCache::new(streams)),
            prefetched: Mutex::new(LruCache::new(lists)),
        }
    }

    fn fresh(&self, at: Instant) -> bool {
        at.elapsed() < self.ttl
    }

    fn cached_stat(&self, path: &VPath) -> Option<VfsResult<Metadata>> {
        if let Some((at, r)) = lock(&self.lister.attrs).get(path)
            && self.fresh(*at)
        {
            return Some(r.clone());
        }
        if path.is_root() {
            return None;
        }
        let mut lists = lock(&self.lister.lists);
        let (at, list) = lists.get(&path.parent())?;
        if !self.fresh(*at) {
            return None;
        }
        Some(
            match list.binary_search_by(|e| e.name.as_str().cmp(path.name())) {
                Ok(i) => Ok(list[i].meta.clone()),
                Err(_) => Err(VfsError::NotFound),
            },
        )
    }

    /// Drops `path`, its parent's listing and the parent's attributes.
    fn forget(&self, path: &VPath) {
        let parent = path.parent();
        {
            let mut attrs = lock(&self.lister.attrs);
            attrs.pop(path);
            attrs.pop(&parent);
        }
        let mut lists = lock(&self.lister.lists);
        lists.pop(path);
        lists.pop(&parent);
    }

    /// Applies our own successful write to the cache instead of dropping it: `path` now has
    /// `meta` (or is gone), and a fresh parent listing is patched to match, so lookups of other
    /// new names in that directory still need no request.
    fn learned(&self, path: &VPath, meta: Option<Metadata>) {
        if self.ttl.is_zero() {
            return;
        }
        let parent = path.parent();
        let now = Instant::now();
        lock(&self.lister.attrs).put(path.clone(), (now, meta.clone().ok_or(VfsError::NotFound)));
        let mut lists = lock(&self.lister.lists);
        let Some((at, list)) = lists.get_mut(&parent) else {
            return;
        };
        if !self.fresh(*at) {
            lists.pop(&parent);
            return;
        }
        let list = Arc::make_mut(list);
        let name = path.name();
        match (list.binary_search_by(|e| e.name.as_str().cmp(name)), meta) {
            (Ok(i), Some(m)) => list[i].meta = m,
            (Ok(i), None) => {
                list.remove(i);
            }
            (Err(i), Some(m)) => list.insert(
                i,
                DirEntry {
                    name: name.to_string(),
                    meta: m,
                },
            ),
            (Err(_), None) => {}
        }
    }

    fn forget_all(&self) {
        lock(&self.lister.attrs).clear();
        lock(&self.lister.lists).clear();
    }

    /// The cached blocks' slices covering `offset..offset + len` (fetched as needed, with
    /// read-ahead), or `Uncached` for files without a version (read from the backend).
    async fn pieces(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Pieces> {
        let meta = self.stat(path).await?;
        let version = match (&meta.kind, &meta.version) {
            (FileKind::File, Some(v)) => v.clone(),
            _ => return Ok(Pieces::Uncached),
        };
        let end = offset.saturating_add(len).min(meta.size);
        if offset >= end {
            return Ok(Pieces::Blocks(Vec::new()));
        }
        let (first, last) = (offset / BLOCK, (end - 1) / BLOCK);
        self.read_ahead(path, &meta, &version, first, last);
        if first == 0 {
            self.prefetch_siblings(path);
        }
        let mut parts = Vec::new();
        for b in first..=last {
            let block = self.block(path, &version, b).await?;
            let start = if b == first {
                (offset - b * BLOCK) as usize
            } else {
                0
            };
            let stop = if b == last {
                (end - b * BLOCK) as usize
            } else {
                block.len()
            };
            if start >= block.len() {
                break; // the object is shorter than its listing said (changed meanwhile)
            }
            block.slice_into(start, stop, &mut parts);
            if self.data.too_big_to_keep(meta.size) {
                // A file this large would only flush the cache (an LRU scan never hits):
                // its blocks go once read, and their memory serves the next ones.
                let key = self.block_key(path, &version, b);
                self.data.consume(&key, (stop - start) as u64);
            }
        }
        Ok(Pieces::Blocks(parts))
    }

    fn after<T>(&self, path: &VPath, r: VfsResult<T>) -> VfsResult<T> {
        self.forget(path);
        r
    }
}

/// What a read of a cached file consists of.
enum Pieces {
    /// The file has no version to key blocks by: the backend answers.
    Uncached,
    /// Slices of consecutive cached blocks (empty at or past the end).
    Blocks(Vec<Bytes>),
}

#[async_trait]
impl Backend for CacheLayer {
    fn info(&self) -> &BackendInfo {
        self.inner.info()
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        if let Some(r) = self.cached_stat(path) {
            return r;
        }
        if let Some(r) = self.stat_by_relisting(path).await {
            return r;
        }
        let r = self.inner.stat(path).await;
        // Cache answers and "not found"; other errors (EIO, timeouts) are retried next time.
        if matches!(r, Ok(_) | Err(VfsError::NotFound)) && !self.ttl.is_zero() {
            lock(&self.lister.attrs).put(path.clone(), (Instant::now(), r.clone()));
        }
        r
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let list = self.lister.list(path).await?;
        self.lister.list_ahead(path, &list);
        Ok(list.as_ref().clone())
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        match self.pieces(path, offset, len).await? {
            Pieces::Uncached => self.inner.read(path, offset, len).await,
            Pieces::Blocks(parts) => Ok(join(parts)),
        }
    }

    async fn read_into(
        &self,
        path: &VPath,
        offset: u64,
        len: u64,
        sink: &mut dyn ReadSink,
    ) -> VfsResult<()> {
        match self.pieces(path, offset, len).await? {
            Pieces::Uncached => self.inner.read_into(path, offset, len, sink).await,
            Pieces::Blocks(parts) => {
                let parts: Vec<&[u8]> = parts.iter().map(|b| &b[..]).collect();
                sink.accept(&parts);
                Ok(())
            }
        }
    }

    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        match self.inner.put(path, data).await {
            Ok(meta) => {
                self.learned(path, Some(meta.clone()));
                Ok(meta)
            }
            Err(e) => self.after(path, Err(e)),
        }
    }

    async fn begin_upload(
        &self,
        path: &VPath,
    ) -> VfsResult<Option<Arc<dyn crate::vfs::parts::PartUpload>>> {
        self.inner.begin_upload(path).await
    }

    async fn open_file(&self, path: &VPath, opts: OpenOptions) -> VfsResult<Box<dyn BackendFile>> {
        let r = self.inner.open_file(path, opts).await;
        if opts.create || opts.truncate {
            self.forget(path);
        }
        r
    }

    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        let r = self.inner.mkdir(path).await;
        let r = self.after(path, r);
        if r.is_ok() && !self.ttl.is_zero() {
            // We just made it, so we know it is empty: lookups inside it need no request.
            lock(&self.lister.lists).put(path.clone(), (Instant::now(), Arc::new(Vec::new())));
        }
        r
    }

    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        match self.inner.remove_file(path).await {
            Ok(()) => {
                self.learned(path, None);
                Ok(())
            }
            Err(e) => self.after(path, Err(e)),
        }
    }

    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        let r = self.inner.remove_dir(path).await;
        self.forget_all();
        r
    }

    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        let r = self.inner.rename(from, to).await;
        self.forget_all();
        r
    }

    async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        let r = self.inner.symlink(path, target).await;
        self.after(path, r)
    }

    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        self.inner.readlink(path).await
    }

    async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        let r = self.inner.set_times(path, mtime).await;
        self.after(path, r)
    }

    async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        let r = self.inner.set_perm(path, perm).await;
        self.after(path, r)
    }

    async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        let r = self.inner.link(from, to).await;
        // The source's link count changed too.
        self.forget(from);
        self.after(to, r)
    }

    async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        let r = self.inner.mknod(path, special, perm).await;
        self.after(path, r)
    }

    async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        let r = self.inner.set_attrs(path, change).await;
        self.after(path, r)
    }

    async fn statfs(&self) -> VfsResult<FsStats> {
        self.inner.statfs().await
    }

    fn invalidate(&self, path: &VPath) {
        self.forget(path);
        self.inner.invalidate(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ram::RamBackend;

    fn cache(inner: Arc<dyn Backend>, ttl: Duration) -> CacheLayer {
        CacheLayer::new(inner, ttl, Arc::new(DataCache::new(1 << 20)))
    }

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    #[tokio::test]
    async fn negative_entries_are_cached_until_our_own_write() {
        let ram: Arc<dyn Backend> = Arc::new(RamBackend::new());
        let cache = cache(ram.clone(), Duration::from_secs(60));
        assert_eq!(cache.stat(&p("/a")).await, Err(VfsError::NotFound));
        // Created behind the cache's back: still "not found" within the TTL.
        ram.put(&p("/a"), PutData::Bytes(Bytes::from_static(b"x")))
            .await
            .unwrap();
        assert_eq!(cache.stat(&p("/a")).await, Err(VfsError::NotFound));
        // Written through the cache: visible at once.
        cache
            .put(&p("/a"), PutData::Bytes(Bytes::from_static(b"xy")))
            .await
            .unwrap();
        assert_eq!(cache.stat(&p("/a")).await.unwrap().size, 2);
    }

    #[tokio::test]
    async fn a_listing_answers_stat_of_its_entries() {
        let ram: Arc<dyn Backend> = Arc::new(RamBackend::new());
        ram.put(&p("/f"), PutData::Bytes(Bytes::from_static(b"abc")))
            .await
            .unwrap();
        let cache = cache(ram.clone(), Duration::from_secs(60));
        assert_eq!(cache.list(&VPath::root()).await.unwrap().len(), 1);
        ram.remove_file(&p("/f")).await.unwrap();
        assert_eq!(cache.stat(&p("/f")).await.unwrap().size, 3);
        assert_eq!(cache.stat(&p("/g")).await, Err(VfsError::NotFound));
    }

    #[tokio::test]
    async fn zero_ttl_caches_nothing() {
        let ram: Arc<dyn Backend> = Arc::new(RamBackend::new());
        let cache = cache(ram.clone(), Duration::ZERO);
        assert_eq!(cache.stat(&p("/a")).await, Err(VfsError::NotFound));
        ram.put(&p("/a"), PutData::Bytes(Bytes::new()))
            .await
            .unwrap();
        assert!(cache.stat(&p("/a")).await.is_ok());
    }
}
