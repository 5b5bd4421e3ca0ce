//! Revalidating by listing: once a directory's cached listing has expired, the next `stat`
//! of one of its entries lists the directory again (one request for up to
//! [`RELIST_MAX`] entries) instead of asking about the one name, and the fresh listing
//! answers its siblings' stats as well. A tree walked again after the TTL (`rg`, `find`,
//! an editor's project scan) then costs one listing per directory rather than one request
//! per file (on S3, a HEAD each). Stats of one directory's entries wait for one listing
//! (the `lister`'s).
//! Larger directories, whose listing takes several requests, are still asked per name.

use super::{CacheLayer, lock};
use crate::vfs::backend::Metadata;
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
        let small = lock(&self.lister.lists)
            .peek(&parent)
            .is_some_and(|(_, list)| list.len() <= RELIST_MAX);
        if !small {
            return None;
        }
        // One listing for all the directory's entries asked about meanwhile (`lister`).
        match self.lister.list(&parent).await {
            Ok(_) => self.cached_stat(path),
            // The directory is gone or the backend failed: ask about the name.
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;
    use crate::vfs::backend::Backend;
    use crate::vfs::cache::counted::Counted;
    use crate::vfs::data_cache::DataCache;
    use crate::vfs::{PutData, VfsError};

    const TTL: Duration = Duration::from_millis(100);

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    async fn setup(files: usize) -> (Arc<Counted>, CacheLayer) {
        let counted = Arc::new(Counted::new(false));
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
        let before = counted.counts();
        let stats = (1..20).map(|i| {
            let layer = &layer;
            async move { layer.stat(&p(&format!("/d/f{i}"))).await }
        });
        for r in futures::future::join_all(stats).await {
            assert_eq!(r.unwrap().size, 1);
        }
        assert_eq!(layer.stat(&p("/d/f0")).await, Err(VfsError::NotFound));
        assert_eq!(layer.stat(&p("/d/new")).await.unwrap().size, 2);
        let after = counted.counts();
        assert_eq!((after.0 - before.0, after.1 - before.1), (0, 1));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn large_or_unlisted_directories_are_asked_per_name() {
        let (counted, layer) = setup(RELIST_MAX + 1).await;
        layer.list(&p("/d")).await.unwrap();
        tokio::time::sleep(TTL).await;
        let before = counted.counts();
        layer.stat(&p("/d/f1")).await.unwrap();
        let after = counted.counts();
        assert_eq!((after.0 - before.0, after.1 - before.1), (1, 0));

        let (counted, layer) = setup(3).await;
        layer.stat(&p("/d/f1")).await.unwrap();
        assert_eq!(
            counted.counts(),
            (1, 0),
            "never listed: no listing to renew"
        );
    }
}
