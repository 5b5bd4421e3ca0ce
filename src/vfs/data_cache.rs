//! The data cache: file blocks of remote backends, bounded by the workspace's `cache_size`.
//!
//! Blocks are keyed by mount, path, content version (ETag …) and block number, so a changed
//! file can never be served from old blocks: its version differs. Concurrent readers of a block
//! share one fetch (the in-flight map), and read-ahead tasks fill the same cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use lru::LruCache;
use tokio::sync::OnceCell;

use super::error::{VfsError, VfsResult};
use super::lock;
use super::path::VPath;
pub use super::segments::Segments;

/// Size of one cached block.
pub const BLOCK: u64 = 1 << 20;

/// Identifies one block of one version of one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlockKey {
    /// The cache layer (mount) it belongs to.
    pub mount: u64,
    /// Path within the mount.
    pub path: VPath,
    /// The file's content version.
    pub version: String,
    /// Block number (offset / BLOCK).
    pub block: u64,
}

struct Store {
    lru: LruCache<BlockKey, Segments>,
    bytes: u64,
    /// Bytes of cached blocks read so far, for blocks that go once read ([`DataCache::consume`]).
    consumed: HashMap<BlockKey, u64>,
}

/// Blocks claimed for one fetch ([`DataCache::claim_run`]); dropped unfetched, it gives
/// them back.
pub struct RunClaim {
    cache: Arc<DataCache>,
    first: u64,
    cells: Vec<(BlockKey, Arc<OnceCell<Segments>>)>,
}

impl Drop for RunClaim {
    fn drop(&mut self) {
        for (k, cell) in &self.cells {
            self.cache.finish(k, cell);
        }
    }
}

/// A byte-bounded LRU of blocks with shared in-flight fetches.
pub struct DataCache {
    store: Mutex<Store>,
    budget: u64,
    inflight: Mutex<HashMap<BlockKey, Arc<OnceCell<Segments>>>>,
}

impl DataCache {
    /// A cache holding at most `budget` bytes (0 disables it).
    pub fn new(budget: u64) -> Self {
        DataCache {
            store: Mutex::new(Store {
                lru: LruCache::unbounded(),
                bytes: 0,
                consumed: HashMap::new(),
            }),
            budget,
            inflight: Mutex::default(),
        }
    }

    /// The block, if cached.
    pub fn get(&self, key: &BlockKey) -> Option<Segments> {
        lock(&self.store).lru.get(key).cloned()
    }

    /// True when the block is cached or being fetched.
    pub fn has(&self, key: &BlockKey) -> bool {
        lock(&self.store).lru.contains(key) || lock(&self.inflight).contains_key(key)
    }

    /// Stores a block, evicting the least recently used ones past the budget.
    pub fn insert(&self, key: BlockKey, data: Segments) {
        let len = data.len() as u64;
        if self.budget == 0 || len > self.budget / 4 {
            return;
        }
        let mut store = lock(&self.store);
        store.consumed.remove(&key);
        if let Some(old) = store.lru.put(key, data) {
            store.bytes -= old.len() as u64;
        }
        store.bytes += len;
        while store.bytes > self.budget {
            match store.lru.pop_lru() {
                Some((k, b)) => {
                    store.bytes -= b.len() as u64;
                    store.consumed.remove(&k);
                }
                None => break,
            }
        }
    }

    /// Counts `bytes` of a cached block as read and drops the block once all of it has been
    /// — for files not kept ([`DataCache::too_big_to_keep`]). Counting bytes rather than
    /// dropping at the read that reaches the block's end keeps a block for a read of its
    /// start that arrives later (concurrent READs are served out of order), which would
    /// otherwise fetch it again.
    pub fn consume(&self, key: &BlockKey, bytes: u64) {
        let mut store = lock(&self.store);
        let Some(len) = store.lru.peek(key).map(|b| b.len() as u64) else {
            return;
        };
        let read = store.consumed.entry(key.clone()).or_default();
        *read += bytes;
        if *read >= len {
            store.consumed.remove(key);
            store.lru.pop(key);
            store.bytes -= len;
        }
    }

    /// True for files of more than half the budget: reading one through would evict
    /// everything else and, read again, hit nothing (LRU), so its blocks are not kept.
    pub fn too_big_to_keep(&self, size: u64) -> bool {
        size > self.budget / 2
    }

    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        lock(&self.store).bytes
    }

    /// The cached block, or the result of `fetch` — run once however many ask at the same time.
    pub async fn get_or_fetch<F, Fut>(&self, key: BlockKey, fetch: F) -> VfsResult<Segments>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = VfsResult<Segments>>,
    {
        if let Some(b) = self.get(&key) {
            return Ok(b);
        }
        let cell = {
            let mut inflight = lock(&self.inflight);
            // Checked again under the lock: a fetch may have finished since.
            if let Some(b) = self.get(&key) {
                return Ok(b);
            }
            inflight.entry(key.clone()).or_default().clone()
        };
        let result = cell
            .get_or_try_init(|| async {
                let block = fetch().await?;
                self.insert(key.clone(), block.clone());
                Ok(block)
            })
            .await
            .cloned();
        self.finish(&key, &cell);
        result
    }

    /// Claims the blocks `key.block..key.block + count` of one file that are neither cached
    /// nor in flight, for one fetch by [`fetch_run`](Self::fetch_run); from now on readers
    /// of them wait for that fetch. Claimed at once (not in the task that fetches), so a
    /// reader that gets past them meanwhile does not see them fetched again behind it.
    /// `None` when every block is cached or in flight already.
    pub fn claim_run(self: &Arc<Self>, key: &BlockKey, count: u64) -> Option<RunClaim> {
        let mut cells = Vec::new();
        let mut inflight = lock(&self.inflight);
        let store = lock(&self.store);
        for block in key.block..key.block + count {
            let k = BlockKey {
                block,
                ..key.clone()
            };
            if !store.lru.contains(&k) && !inflight.contains_key(&k) {
                let cell = Arc::<OnceCell<Segments>>::default();
                inflight.insert(k.clone(), cell.clone());
                cells.push((k, cell));
            }
        }
        (!cells.is_empty()).then(|| RunClaim {
            cache: self.clone(),
            first: key.block,
            cells,
        })
    }

    /// Fills a claimed run with one call of `fetch`, which returns the blocks from the
    /// claim's first on, in order (fewer at the end of the file; blocks not claimed are
    /// dropped). A failed fetch leaves the blocks to the readers' own fetches.
    pub async fn fetch_run<Fut>(&self, mut claim: RunClaim, fetch: Fut)
    where
        Fut: std::future::Future<Output = VfsResult<Vec<Segments>>> + Send + 'static,
    {
        let cells = std::mem::take(&mut claim.cells);
        let run = fetch.map(|r| r.map(Arc::new)).boxed().shared();
        // Every cell's initialisation is started before the fetch completes, so a reader of
        // any block waits for it.
        let inits = cells.iter().map(|(k, cell)| {
            let (run, i) = (run.clone(), (k.block - claim.first) as usize);
            async move {
                let _ = cell
                    .get_or_try_init(|| async move {
                        let block = run.await?.get(i).cloned().unwrap_or_default();
                        self.insert(k.clone(), block.clone());
                        Ok::<_, VfsError>(block)
                    })
                    .await;
                (k, cell)
            }
        });
        for (k, cell) in futures::future::join_all(inits).await {
            self.finish(k, cell);
        }
    }

    /// Ends a fetch's in-flight entry. The block was stored when the fetch completed, before
    /// any waiter woke: a reader that drops it once read (a streamed file) never sees it put
    /// back, and no reader between the two misses both and fetches it again.
    fn finish(&self, key: &BlockKey, cell: &Arc<OnceCell<Segments>>) {
        let mut inflight = lock(&self.inflight);
        if inflight.get(key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            inflight.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn key(block: u64) -> BlockKey {
        BlockKey {
            mount: 1,
            path: VPath::parse("/f").unwrap(),
            version: "v1".into(),
            block,
        }
    }

    #[test]
    fn a_consumed_block_goes_once_every_byte_was_read_in_any_order() {
        let c = DataCache::new(1 << 20);
        c.insert(key(0), Segments::new(vec![Bytes::from(vec![1u8; 100])]));
        // The read of the block's end comes first, that of its start later.
        c.consume(&key(0), 70);
        assert!(
            c.get(&key(0)).is_some(),
            "dropped before its start was read"
        );
        c.consume(&key(0), 30);
        assert!(c.get(&key(0)).is_none());
        assert_eq!(c.bytes(), 0);
        // Counts go with their block: a block evicted and stored again starts from zero.
        let c = DataCache::new(400);
        let block = || Segments::new(vec![Bytes::from(vec![1u8; 100])]);
        c.insert(key(0), block());
        c.consume(&key(0), 70);
        for i in 1..=4 {
            c.insert(key(i), block());
        }
        assert!(c.get(&key(0)).is_none(), "not evicted");
        c.insert(key(0), block());
        c.consume(&key(0), 70);
        assert!(c.get(&key(0)).is_some());
    }

    #[test]
    fn evicts_least_recently_used_past_the_budget() {
        let c = DataCache::new(40);
        for i in 0..5 {
            c.insert(key(i), Bytes::from(vec![0u8; 10]).into());
        }
        assert_eq!(c.bytes(), 40);
        assert!(c.get(&key(0)).is_none());
        assert!(c.get(&key(4)).is_some());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn readers_wait_for_a_run_fetch_instead_of_fetching() {
        let c = Arc::new(DataCache::new(1 << 20));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let run = {
            let c = c.clone();
            tokio::spawn(async move {
                let claim = c.claim_run(&key(0), 3).unwrap();
                c.fetch_run(claim, async move {
                    let _ = rx.await; // held until the readers below are waiting
                    Ok(Segments::split(vec![Bytes::from_static(b"aabbc")], 2))
                })
                .await
            })
        };
        while !c.has(&key(2)) {
            tokio::task::yield_now().await;
        }
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let readers: Vec<_> = (0..3)
            .map(|b| {
                let (c, calls) = (c.clone(), calls.clone());
                tokio::spawn(async move {
                    c.get_or_fetch(key(b), || async move {
                        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        Ok(Segments::default())
                    })
                    .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        tx.send(()).unwrap();
        run.await.unwrap();
        let want = [&b"aa"[..], b"bb", b"c"];
        for (r, want) in readers.into_iter().zip(want) {
            let s = r.await.unwrap().unwrap();
            let mut out = Vec::new();
            s.slice_into(0, s.len(), &mut out);
            assert_eq!(out.concat(), want);
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!(c.bytes(), 5);
        assert!(c.get(&key(1)).is_some());
    }

    #[test]
    fn a_claim_covers_only_missing_blocks_and_is_given_back_when_dropped() {
        let c = Arc::new(DataCache::new(1 << 20));
        c.insert(key(1), Bytes::from_static(b"x").into());
        let claim = c.claim_run(&key(0), 3).unwrap();
        assert_eq!(claim.cells.len(), 2, "block 1 is cached");
        assert!(c.has(&key(0)) && c.has(&key(2)));
        assert!(c.claim_run(&key(0), 3).is_none(), "all cached or in flight");
        drop(claim);
        assert!(!c.has(&key(0)) && !c.has(&key(2)));
    }

    #[tokio::test]
    async fn concurrent_readers_share_one_fetch() {
        let c = Arc::new(DataCache::new(1 << 20));
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (c, calls) = (c.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                c.get_or_fetch(key(0), || async {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok(Bytes::from_static(b"data").into())
                })
                .await
            }));
        }
        for t in tasks {
            assert_eq!(
                t.await.unwrap().unwrap(),
                Bytes::from_static(b"data").into()
            );
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
