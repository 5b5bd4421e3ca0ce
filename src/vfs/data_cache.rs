//! The data cache: file blocks of remote backends, bounded by the workspace's `cache_size`.
//!
//! Blocks are keyed by mount, path, content version (ETag …) and block number, so a changed
//! file can never be served from old blocks: its version differs. Concurrent readers of a block
//! share one fetch (the in-flight map), and read-ahead tasks fill the same cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::FutureExt;
use lru::LruCache;
use tokio::sync::OnceCell;

use super::error::VfsResult;
use super::lock;
use super::path::VPath;

/// Size of one cached block.
pub const BLOCK: u64 = 1 << 20;

/// One cached block as it arrived: its pieces in order, never joined into one buffer (a FUSE
/// read hands them to the kernel with one `writev`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segments {
    parts: Arc<[Bytes]>,
    len: usize,
}

impl Segments {
    /// The block made of `parts` (empty pieces dropped).
    pub fn new(parts: Vec<Bytes>) -> Self {
        let parts: Vec<Bytes> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let len = parts.iter().map(Bytes::len).sum();
        Segments {
            parts: parts.into(),
            len,
        }
    }

    /// Bytes in the block.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the block holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends to `out` the pieces covering bytes `start..stop` of the block (clamped to its
    /// length), sharing memory with it.
    pub fn slice_into(&self, start: usize, stop: usize, out: &mut Vec<Bytes>) {
        let stop = stop.min(self.len);
        let mut at = 0;
        for p in self.parts.iter() {
            let (from, to) = (at, at + p.len());
            at = to;
            if to <= start {
                continue;
            }
            if from >= stop {
                break;
            }
            out.push(p.slice(start.saturating_sub(from)..stop.min(to) - from));
        }
    }
}

impl Segments {
    /// Cuts the chunks of one ranged read into blocks of `block` bytes (the last may be
    /// shorter), sharing their memory.
    pub fn split(chunks: Vec<Bytes>, block: usize) -> Vec<Segments> {
        let (mut out, mut cur, mut cur_len) = (Vec::new(), Vec::new(), 0);
        for mut c in chunks {
            while !c.is_empty() {
                let take = (block - cur_len).min(c.len());
                cur.push(c.split_to(take));
                cur_len += take;
                if cur_len == block {
                    out.push(Segments::new(std::mem::take(&mut cur)));
                    cur_len = 0;
                }
            }
        }
        if cur_len > 0 {
            out.push(Segments::new(cur));
        }
        out
    }
}

impl From<Bytes> for Segments {
    fn from(b: Bytes) -> Self {
        Segments::new(vec![b])
    }
}

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
        if let Some(old) = store.lru.put(key, data) {
            store.bytes -= old.len() as u64;
        }
        store.bytes += len;
        while store.bytes > self.budget {
            match store.lru.pop_lru() {
                Some((_, b)) => store.bytes -= b.len() as u64,
                None => break,
            }
        }
    }

    /// Drops a block (readers holding it keep their copy).
    pub fn remove(&self, key: &BlockKey) {
        let mut store = lock(&self.store);
        if let Some(b) = store.lru.pop(key) {
            store.bytes -= b.len() as u64;
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
        let result = cell.get_or_try_init(fetch).await.cloned();
        self.finish(&key, &cell, &result);
        result
    }

    /// Fetches the consecutive blocks `first..first + count` of one file (`key` names the
    /// first) with a single call of `fetch`, which returns them in order (fewer at the end of
    /// the file). Blocks cached or in flight are fetched again but not replaced; readers of
    /// the others wait for this fetch instead of starting their own.
    pub async fn fetch_run<Fut>(&self, key: &BlockKey, count: u64, fetch: Fut)
    where
        Fut: std::future::Future<Output = VfsResult<Vec<Segments>>> + Send + 'static,
    {
        let mut cells: Vec<(BlockKey, Arc<OnceCell<Segments>>)> = Vec::new();
        {
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
        }
        if cells.is_empty() {
            return;
        }
        let run = fetch.map(|r| r.map(Arc::new)).boxed().shared();
        // Every cell's initialisation is started before the fetch completes, so a reader of
        // any block waits for it.
        let inits = cells.iter().map(|(k, cell)| {
            let (run, i) = (run.clone(), (k.block - key.block) as usize);
            async move {
                let r = cell
                    .get_or_try_init(|| async move {
                        run.await
                            .map(|blocks| blocks.get(i).cloned().unwrap_or_default())
                    })
                    .await
                    .cloned();
                (k, cell, r)
            }
        });
        for (k, cell, r) in futures::future::join_all(inits).await {
            self.finish(k, cell, &r);
        }
    }

    /// Stores a fetched block before its in-flight entry goes, so no reader in between misses
    /// both and fetches it again.
    fn finish(&self, key: &BlockKey, cell: &Arc<OnceCell<Segments>>, result: &VfsResult<Segments>) {
        if let Ok(b) = result {
            self.insert(key.clone(), b.clone());
        }
        let mut inflight = lock(&self.inflight);
        if inflight.get(key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            inflight.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(block: u64) -> BlockKey {
        BlockKey {
            mount: 1,
            path: VPath::parse("/f").unwrap(),
            version: "v1".into(),
            block,
        }
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

    #[test]
    fn segments_slice_across_pieces() {
        let s = Segments::new(vec![
            Bytes::from_static(b"abc"),
            Bytes::new(),
            Bytes::from_static(b"defg"),
            Bytes::from_static(b"h"),
        ]);
        assert_eq!(s.len(), 8);
        let joined = |start, stop| {
            let mut out = Vec::new();
            s.slice_into(start, stop, &mut out);
            (out.len(), out.concat())
        };
        assert_eq!(joined(0, 8), (3, b"abcdefgh".to_vec()));
        assert_eq!(joined(2, 4), (2, b"cd".to_vec()));
        assert_eq!(joined(3, 7), (1, b"defg".to_vec()));
        assert_eq!(joined(5, 100), (2, b"fgh".to_vec()));
        assert_eq!(joined(8, 9), (0, Vec::new()));
        assert!(Segments::new(vec![Bytes::new()]).is_empty());
    }

    #[test]
    fn split_cuts_chunks_at_block_bounds() {
        let chunks = vec![
            Bytes::from_static(b"abcde"),
            Bytes::from_static(b"fg"),
            Bytes::from_static(b"hijklmn"),
        ];
        let blocks = Segments::split(chunks, 4);
        let joined: Vec<Vec<u8>> = blocks
            .iter()
            .map(|s| {
                let mut out = Vec::new();
                s.slice_into(0, s.len(), &mut out);
                out.concat()
            })
            .collect();
        assert_eq!(joined, [&b"abcd"[..], b"efgh", b"ijkl", b"mn"]);
        assert!(Segments::split(Vec::new(), 4).is_empty());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn readers_wait_for_a_run_fetch_instead_of_fetching() {
        let c = Arc::new(DataCache::new(1 << 20));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let run = {
            let c = c.clone();
            tokio::spawn(async move {
                c.fetch_run(&key(0), 3, async move {
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
