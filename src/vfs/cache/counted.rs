//! A test backend for the cache layer's metadata tests: RAM that counts `stat` and `list`
//! calls (per directory), takes a round trip's time to list, and fetches ahead like a remote
//! store when asked to.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use crate::backends::ram::RamBackend;
use crate::vfs::backend::{Backend, BackendInfo, DirEntry, Metadata};
use crate::vfs::error::VfsResult;
use crate::vfs::lock;
use crate::vfs::path::VPath;

pub(super) struct Counted {
    pub(super) ram: RamBackend,
    info: BackendInfo,
    stats: AtomicU64,
    lists: AtomicU64,
    per_dir: Mutex<HashMap<String, u64>>,
}

impl Counted {
    /// Empty; `remote`: the backend asks for fetching ahead (`capability.prefetch`).
    pub(super) fn new(remote: bool) -> Counted {
        let ram = RamBackend::new();
        let mut info = ram.info().clone();
        info.capability.prefetch = remote;
        Counted {
            ram,
            info,
            stats: AtomicU64::new(0),
            lists: AtomicU64::new(0),
            per_dir: Mutex::new(HashMap::new()),
        }
    }

    /// (`stat` calls, `list` calls) so far.
    pub(super) fn counts(&self) -> (u64, u64) {
        (
            self.stats.load(Ordering::SeqCst),
            self.lists.load(Ordering::SeqCst),
        )
    }

    /// How often `dir` was listed.
    pub(super) fn listed(&self, dir: &str) -> u64 {
        lock(&self.per_dir).get(dir).copied().unwrap_or(0)
    }

    /// Waits (up to 10 s, then panics) until `done` holds.
    pub(super) async fn eventually(&self, done: impl Fn(&Counted) -> bool) {
        for _ in 0..1000 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("not reached in 10 s");
    }

    /// Waits until no listing was added for 50 ms (background listings are done).
    pub(super) async fn settle(&self) {
        let mut last = u64::MAX;
        while self.counts().1 != last {
            last = self.counts().1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[async_trait]
impl Backend for Counted {
    fn info(&self) -> &BackendInfo {
        &self.info
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        self.stats.fetch_add(1, Ordering::SeqCst);
        self.ram.stat(path).await
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        self.lists.fetch_add(1, Ordering::SeqCst);
        *lock(&self.per_dir).entry(path.to_string()).or_default() += 1;
        tokio::time::sleep(Duration::from_millis(5)).await; // a round trip
        self.ram.list(path).await
    }
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        self.ram.read(path, offset, len).await
    }
}
