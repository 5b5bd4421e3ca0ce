//! Listings: one backend listing per directory at a time, and listing ahead of a walker.
//!
//! Every listing the cache layer makes goes through a [`Lister`]: concurrent lists of one
//! directory (a walker, a stat revalidating by listing, a background listing) wait for one
//! request and share its answer.
//!
//! On backends where fetching ahead pays (`capability.prefetch`: remote object stores), the
//! first time a client lists a directory within the TTL its subdirectories (at most
//! [`AHEAD_MAX`]) are listed in the background, [`AHEAD_CONCURRENCY`] at a time. A tree
//! walker (`find`, `ls -R`, `rg`, an agent's project scan) then finds each directory it
//! enters already listed, while the bucket is never crawled further than one level below
//! what a client actually listed.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lru::LruCache;

use super::{Attr, Listing};
use crate::vfs::backend::{Backend, DirEntry, FileKind};
use crate::vfs::error::VfsResult;
use crate::vfs::lock;
use crate::vfs::path::VPath;

/// Subdirectories of one listing listed ahead, at most.
pub(super) const AHEAD_MAX: usize = 64;
/// Background listings in flight per mount.
pub(super) const AHEAD_CONCURRENCY: usize = 8;

type Gates = Mutex<HashMap<VPath, Arc<tokio::sync::Mutex<()>>>>;

/// The listing cache and what fetching into it needs; cheap to clone into a task.
#[derive(Clone)]
pub(super) struct Lister {
    inner: Arc<dyn Backend>,
    ttl: Duration,
    pub(super) lists: Arc<Mutex<LruCache<VPath, Listing>>>,
    pub(super) attrs: Arc<Mutex<LruCache<VPath, Attr>>>,
    /// Directories being listed.
    gates: Arc<Gates>,
    /// Directories whose subdirectories were listed ahead, and when.
    ahead: Arc<Mutex<LruCache<VPath, Instant>>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Lister {
    /// Caches of `attrs` attributes and `lists` listings of `inner`, fresh for `ttl`.
    pub(super) fn new(
        inner: Arc<dyn Backend>,
        ttl: Duration,
        attrs: NonZeroUsize,
        lists: NonZeroUsize,
    ) -> Self {
        let cap = NonZeroUsize::new(4096).unwrap_or(NonZeroUsize::MIN);
        Lister {
            inner,
            ttl,
            lists: Arc::new(Mutex::new(LruCache::new(lists))),
            attrs: Arc::new(Mutex::new(LruCache::new(attrs))),
            gates: Arc::new(Mutex::new(HashMap::new())),
            ahead: Arc::new(Mutex::new(LruCache::new(cap))),
            slots: Arc::new(tokio::sync::Semaphore::new(AHEAD_CONCURRENCY)),
        }
    }

    /// The cached listing of `dir` if it is fresh.
    pub(super) fn fresh(&self, dir: &VPath) -> Option<Arc<Vec<DirEntry>>> {
        let mut lists = lock(&self.lists);
        let (at, list) = lists.get(dir)?;
        (at.elapsed() < self.ttl).then(|| list.clone())
    }

    /// `dir`'s entries sorted by name: the fresh cached listing, or one listing of the
    /// backend shared by everyone asking meanwhile (cached unless the TTL is zero).
    pub(super) async fn list(&self, dir: &VPath) -> VfsResult<Arc<Vec<DirEntry>>> {
        if let Some(list) = self.fresh(dir) {
            return Ok(list);
        }
        let gate = lock(&self.gates).entry(dir.clone()).or_default().clone();
        let r = {
            let _turn = gate.lock().await;
            match self.fresh(dir) {
                Some(list) => Ok(list),
                None => self.fetch(dir).await,
            }
        };
        let mut gates = lock(&self.gates);
        if Arc::strong_count(&gate) <= 2 {
            gates.remove(dir);
        }
        r
    }

    async fn fetch(&self, dir: &VPath) -> VfsResult<Arc<Vec<DirEntry>>> {
        let mut list = self.inner.list(dir).await?;
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let list = Arc::new(list);
        if !self.ttl.is_zero() {
            lock(&self.lists).put(dir.clone(), (Instant::now(), list.clone()));
            lock(&self.attrs).pop(dir);
        }
        Ok(list)
    }

    /// A client listed `dir` (its entries `list`): lists its subdirectories in the background,
    /// once per TTL, where the backend asks for fetching ahead.
    pub(super) fn list_ahead(&self, dir: &VPath, list: &[DirEntry]) {
        if !self.inner.info().capability.prefetch || self.ttl.is_zero() {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        {
            let mut ahead = lock(&self.ahead);
            if ahead.get(dir).is_some_and(|at| at.elapsed() < self.ttl) {
                return;
            }
            ahead.put(dir.clone(), Instant::now());
        }
        let subdirs = list
            .iter()
            .filter(|e| e.meta.kind == FileKind::Dir)
            .filter_map(|e| dir.join(&e.name).ok())
            .filter(|sub| self.fresh(sub).is_none())
            .take(AHEAD_MAX);
        for sub in subdirs {
            let lister = self.clone();
            rt.spawn(async move {
                let Ok(_slot) = lister.slots.clone().acquire_owned().await else {
                    return;
                };
                if let Err(e) = lister.list(&sub).await {
                    tracing::debug!(dir = %sub, "listing ahead: {e}");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::vfs::backend::PutData;
    use crate::vfs::cache::CacheLayer;
    use crate::vfs::cache::counted::Counted;
    use crate::vfs::data_cache::DataCache;

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    /// /a/{x,y}/deep/, /b/, /f — on a backend that fetches ahead if `remote`.
    async fn setup(remote: bool) -> (Arc<Counted>, CacheLayer) {
        let counted = Arc::new(Counted::new(remote));
        for d in ["/a", "/a/x", "/a/y", "/a/x/deep", "/b"] {
            counted.ram.mkdir(&p(d)).await.unwrap();
        }
        counted
            .ram
            .put(&p("/f"), PutData::Bytes(Bytes::from_static(b"f")))
            .await
            .unwrap();
        let layer = CacheLayer::new(
            counted.clone(),
            Duration::from_secs(60),
            Arc::new(DataCache::new(1 << 20)),
        );
        (counted, layer)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn concurrent_lists_of_a_directory_share_one_request() {
        let (counted, layer) = setup(false).await;
        let a = p("/a");
        let lists = (0..8).map(|_| layer.list(&a));
        for r in futures::future::join_all(lists).await {
            assert_eq!(r.unwrap().len(), 2);
        }
        assert_eq!(counted.listed("/a"), 1);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn subdirectories_are_listed_one_level_ahead_of_the_client() {
        let (counted, layer) = setup(true).await;
        let root = layer.list(&VPath::root()).await.unwrap();
        assert_eq!(root.len(), 3);
        counted
            .eventually(|c| c.listed("/a") == 1 && c.listed("/b") == 1)
            .await;
        counted.settle().await;
        assert_eq!(
            counted.listed("/a/x"),
            0,
            "only one level below what was listed"
        );
        // The walker enters /a: already listed; its own subdirectories go ahead now.
        assert_eq!(layer.list(&p("/a")).await.unwrap().len(), 2);
        assert_eq!(counted.listed("/a"), 1);
        counted
            .eventually(|c| c.listed("/a/x") == 1 && c.listed("/a/y") == 1)
            .await;
        counted.settle().await;
        assert_eq!(counted.listed("/a/x/deep"), 0);
        // Listed again within the TTL: nothing more.
        layer.list(&VPath::root()).await.unwrap();
        counted.settle().await;
        assert_eq!(counted.listed("/a"), 1);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn local_backends_are_not_listed_ahead() {
        let (counted, layer) = setup(false).await;
        layer.list(&VPath::root()).await.unwrap();
        counted.settle().await;
        assert_eq!(counted.counts().1, 1);
    }
}
