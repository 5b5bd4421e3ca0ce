//! The data cache: file blocks of remote backends, bounded by the workspace's `cache_size`.
//!
//! Blocks are keyed by mount, path, content version (ETag …) and block number, so a changed
//! file can never be served from old blocks: its version differs. Concurrent readers of a block
//! share one fetch (the in-flight map), and read-ahead tasks fill the same cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use lru::LruCache;
use tokio::sync::{OnceCell, oneshot};

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

    /// Fills a claimed run from `blocks`, the blocks from the claim's first on, in order:
    /// each as soon as it comes, so a reader of the run's first block need not wait for its
    /// last. Blocks after the stream's end are empty (end of file; blocks not claimed are
    /// dropped). An error leaves the blocks not yet filled to the readers' own fetches.
    pub async fn fetch_run<S>(&self, mut claim: RunClaim, blocks: S)
    where
        S: Stream<Item = VfsResult<Segments>> + Send,
    {
        let cells = std::mem::take(&mut claim.cells);
        let span = cells.last().map_or(0, |(k, _)| k.block - claim.first + 1) as usize;
        let mut senders: Vec<Option<oneshot::Sender<Segments>>> = (0..span).map(|_| None).collect();
        // Every cell's initialisation is started before the first block comes, so a reader
        // of any block waits for it.
        let inits = futures::future::join_all(cells.iter().map(|(k, cell)| {
            let (tx, rx) = oneshot::channel();
            senders[(k.block - claim.first) as usize] = Some(tx);
            async move {
                let _ = cell
                    .get_or_try_init(|| async move {
                        let block = rx.await.map_err(|_| {
                            VfsError::Io("read-ahead ended before this block".into())
                        })?;
                        self.insert(k.clone(), block.clone());
                        Ok::<_, VfsError>(block)
                    })
                    .await;
                self.finish(k, cell);
            }
        }));
        let feed = async move {
            let mut blocks = std::pin::pin!(blocks);
            let mut next = senders.iter_mut();
            while let Some(slot) = next.next() {
                match blocks.next().await {
                    Some(Ok(block)) => {
                        if let Some(tx) = slot.take() {
                            let _ = tx.send(block);
                        }
                    }
                    Some(Err(_)) => return, // the senders left go unused: readers fetch
                    None => {
                        for tx in std::iter::once(slot).chain(next).filter_map(Option::take) {
                            let _ = tx.send(Segments::default());
                        }
                        return;
                    }
                }
            }
        };
        futures::future::join(inits, feed).await;
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
                let blocks = futures::stream::once(async move {
                    let _ = rx.await; // held until the readers below are waiting
                    Ok(Bytes::from_static(b"aabbc"))
                });
                c.fetch_run(claim, Segments::blocks(blocks, 2)).await
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

    #[tokio::test(flavor = "multi_thread")]
    async fn a_run_hands_out_each_block_as_it_comes_and_fails_only_the_rest() {
        let c = Arc::new(DataCache::new(1 << 20));
        let (tx, rx) = futures::channel::mpsc::unbounded::<VfsResult<Segments>>();
        let run = tokio::spawn({
            let c = c.clone();
            async move {
                let claim = c.claim_run(&key(0), 3).unwrap();
                c.fetch_run(claim, rx).await
            }
        });
        while !c.has(&key(2)) {
            tokio::task::yield_now().await;
        }
        let never = || async { Err::<Segments, _>(VfsError::Io("fetched again".into())) };
        let first = tokio::spawn({
            let c = c.clone();
            async move { c.get_or_fetch(key(0), never).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        tx.unbounded_send(Ok(Bytes::from_static(b"first").into()))
            .unwrap();
        // Block 0 is served while the run is still open.
        let first = tokio::time::timeout(std::time::Duration::from_secs(30), first)
            .await
            .expect("block 0 waited for the whole run")
            .unwrap()
            .unwrap();
        assert_eq!(first.len(), 5);
        assert!(!run.is_finished());
        tx.unbounded_send(Err(VfsError::Io("cut".into()))).unwrap();
        run.await.unwrap();
        // The blocks the failed run did not fill are left to their readers.
        let own = c
            .get_or_fetch(key(1), || async { Ok(Bytes::from_static(b"own").into()) })
            .await
            .unwrap();
        assert_eq!(own.len(), 3);
        assert!(!c.has(&key(2)));
    }

    #[tokio::test]
    async fn blocks_past_the_end_of_a_run_are_empty() {
        let c = Arc::new(DataCache::new(1 << 20));
        let claim = c.claim_run(&key(0), 4).unwrap();
        let blocks = Segments::blocks(futures::stream::iter([Ok(Bytes::from_static(b"abc"))]), 2);
        c.fetch_run(claim, blocks).await;
        let lens: Vec<usize> = (0..4).map(|b| c.get(&key(b)).unwrap().len()).collect();
        assert_eq!(lens, [2, 1, 0, 0]);
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
