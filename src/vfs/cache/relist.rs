//! Revalidating by listing: once a directory's cached listing has expired, the next `stat`
//! of one of its entries lists the directory again (one request for up to
//! [`RELIST_MAX`] entries) instead of asking about the one name, and the fresh listing
//! answers its siblings' stats as well. A tree walked again after the TTL (`rg`, `find`,
//! an editor's project scan) then costs one listing per directory rather than one request
//! per file (on S3, a HEAD each). Stats of one directory's entries wait for one listing.
//! Larger directories, whose listing takes several requests, are still asked per name.

use std::sync::Arc;

use super::{CacheLayer, lock};
use crate::vfs::backend::{Backend, Metadata};
use crate::vfs::error::VfsResult;
use crate::vfs::path::VPath;

/// Directories of at most this many entries (one listing request on S3) are listed again
/// to revalidate a stat of one of their entries.
pub(super) const RELIST_MAX: usize = 1000;

impl CacheLayer {
    /// `stat` of `path` from a fresh listing of its parent, if the parent was listed before
    /// and is small; `None` when the backend should be asked about `path` itself.
    pub(super) async fn stat_by_relisting(&self, path: &VPath) -> Option<VfsResult<Metadata>> {
        if path.is_root() || self.ttl.is_zero() {
            return None;
        }
        let parent = path.parent();
        let small = lock(&self.lists)
            .peek(&parent)
            .is_some_and(|(_, list)| list.len() <= RELIST_MAX);
        if !small {
            return None;
        }
        let gate = lock(&self.relisting)
            .entry(parent.clone())
            .or_default()
            .clone();
        let answer = {
            let _turn = gate.lock().await;
            match self.cached_stat(path) {
                // A sibling's stat listed the directory while this one waited.
                Some(r) => Some(r),
                None => match self.list(&parent).await {
                    Ok(_) => self.cached_stat(path),
                    // The directory is gone or the backend failed: ask about the name.
                    Err(_) => None,
                },
            }
        };
        let mut relisting = lock(&self.relisting);
        if Arc::strong_count(&gate) <= 2 {
            relisting.remove(&parent);
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use async_trait::async_trait;
    use bytes::Bytes;

    use super::*;
    use crate::backends::ram::RamBackend;
    use crate::vfs::data_cache::DataCache;
    use crate::vfs::{BackendInfo, DirEntry, PutData, VfsError};

    /// RAM counting `stat` and `list` calls.
    #[derive(Default)]
    struct Counted {
        ram: RamBackend,
        stats: AtomicU64,
        lists: AtomicU64,
    }

    #[async_trait]
    impl Backend for Counted {
        fn info(&self) -> &BackendInfo {
            self.ram.info()
        }
        async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
            self.stats.fetch_add(1, Ordering::SeqCst);
            self.ram.stat(path).await
        }
        async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
            self.lists.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(5)).await; // a round trip
            self.ram.list(path).await
        }
        async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
            self.ram.read(path, offset, len).await
        }
    }

    const TTL: Duration = Duration::from_millis(100);

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    async fn setup(files: usize) -> (Arc<Counted>, CacheLayer) {
        let counted = Arc::new(Counted::default());
        counted.ram.mkdir(&p("/d")).await.unwrap();
        for i in 0..files {
            let path = p(&format!("/d/f{i}"));
            counted
                .ram
                .put(&path, PutData::Bytes(Bytes::from_static(b"x")))
                .await
                .unwrap();
        }
        let layer = CacheLayer::new(counted.clone(), TTL, Arc::new(DataCache::new(1 << 20)));
        (counted, layer)
    }

    fn counts(c: &Counted) -> (u64, u64) {
        (
            c.stats.load(Ordering::SeqCst),
            c.lists.load(Ordering::SeqCst),
        )
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn stats_after_the_ttl_cost_one_listing_of_the_directory() {
        let (counted, layer) = setup(20).await;
        layer.list(&p("/d")).await.unwrap();
        tokio::time::sleep(TTL).await;
        // Changed behind the cache's back meanwhile: the new listing shows it.
        counted.ram.remove_file(&p("/d/f0")).await.unwrap();
        counted
            .ram
            .put(&p("/d/new"), PutData::Bytes(Bytes::from_static(b"yz")))
            .await
            .unwrap();
        let before = counts(&counted);
        let stats = (1..20).map(|i| {
            let layer = &layer;
            async move { layer.stat(&p(&format!("/d/f{i}"))).await }
        });
        for r in futures::future::join_all(stats).await {
            assert_eq!(r.unwrap().size, 1);
        }
        assert_eq!(layer.stat(&p("/d/f0")).await, Err(VfsError::NotFound));
        assert_eq!(layer.stat(&p("/d/new")).await.unwrap().size, 2);
        let after = counts(&counted);
        assert_eq!((after.0 - before.0, after.1 - before.1), (0, 1));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn large_or_unlisted_directories_are_asked_per_name() {
        let (counted, layer) = setup(RELIST_MAX + 1).await;
        layer.list(&p("/d")).await.unwrap();
        tokio::time::sleep(TTL).await;
        let before = counts(&counted);
        layer.stat(&p("/d/f1")).await.unwrap();
        let after = counts(&counted);
        assert_eq!((after.0 - before.0, after.1 - before.1), (1, 0));

        let (counted, layer) = setup(3).await;
        layer.stat(&p("/d/f1")).await.unwrap();
        assert_eq!(
            counts(&counted),
            (1, 0),
            "never listed: no listing to renew"
        );
    }
}
