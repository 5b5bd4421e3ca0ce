//! Tests of the data path: blocks, read-ahead, listing prefetch, versions.

use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use super::CacheLayer;
use crate::backends::ram::RamBackend;
use crate::vfs::data_cache::{BLOCK, DataCache};
use crate::vfs::sink::ReadSink;
use crate::vfs::{Backend, BackendInfo, DirEntry, Metadata, PutData, VPath, VfsResult};

/// RAM with content versions (like ETags) and a count of ranged reads.
struct Counted {
    ram: RamBackend,
    reads: AtomicU64,
    info: BackendInfo,
}

#[async_trait]
impl Backend for Counted {
    fn info(&self) -> &BackendInfo {
        &self.info
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        let m = self.ram.stat(path).await?;
        Ok(Metadata {
            version: Some(format!("{:?}-{}", m.mtime, m.size)),
            ..m
        })
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let mut l = self.ram.list(path).await?;
        for e in &mut l {
            e.meta.version = Some(format!("{:?}-{}", e.meta.mtime, e.meta.size));
        }
        Ok(l)
    }
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.ram.read(path, offset, len).await
    }
    /// Arrives in three chunks, as a network body does.
    async fn read_segments(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Vec<Bytes>> {
        let b = self.read(path, offset, len).await?;
        let (a, c) = (b.len() / 3, b.len() * 2 / 3);
        Ok(vec![b.slice(..a), b.slice(a..c), b.slice(c..)])
    }
    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        tokio::time::sleep(Duration::from_millis(2)).await; // a new mtime, so a new version
        self.ram.put(path, data).await
    }
}

/// RAM's info, but cached and prefetched like a remote store.
fn remote_like() -> BackendInfo {
    let mut info = RamBackend::new().info().clone();
    info.capability.cacheable = true;
    info.capability.prefetch = true;
    info
}

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

async fn setup(files: &[(&str, Vec<u8>)]) -> (Arc<Counted>, CacheLayer) {
    let counted = Arc::new(Counted {
        info: remote_like(),
        ram: RamBackend::new(),
        reads: AtomicU64::new(0),
    });
    for (name, data) in files {
        counted
            .ram
            .put(&p(name), PutData::Bytes(Bytes::from(data.clone())))
            .await
            .unwrap();
    }
    let layer = CacheLayer::new(
        counted.clone(),
        Duration::from_secs(60),
        Arc::new(DataCache::new(64 << 20)),
    );
    (counted, layer)
}

#[tokio::test(flavor = "multi_thread")]
async fn sequential_reads_are_served_in_blocks_and_read_ahead() {
    let data: Vec<u8> = (0..5 * BLOCK as u32 + 123)
        .map(|i| (i % 241) as u8)
        .collect();
    let (counted, layer) = setup(&[("/big", data.clone())]).await;
    let mut got = Vec::new();
    while (got.len() as u64) < data.len() as u64 {
        got.extend_from_slice(
            &layer
                .read(&p("/big"), got.len() as u64, 256 << 10)
                .await
                .unwrap(),
        );
    }
    assert_eq!(got, data);
    // 6 blocks, each fetched once however the reads and read-ahead interleaved (read-ahead
    // usually takes blocks 1-5 in runs, 3 GETs in all, but a reader that gets ahead of it
    // fetches its block alone — timing, not asserted here; see `data_cache` for runs).
    assert!(
        counted.reads.load(Ordering::SeqCst) <= 6,
        "{}",
        counted.reads.load(Ordering::SeqCst)
    );
    let again = layer.read(&p("/big"), 3 * BLOCK - 10, 20).await.unwrap();
    assert_eq!(
        again.to_vec(),
        data[(3 * BLOCK - 10) as usize..(3 * BLOCK + 10) as usize]
    );
    assert!(counted.reads.load(Ordering::SeqCst) <= 6);
}

/// Concurrent READs arrive out of order: a read that starts near the stream's front, behind
/// or ahead of it, is part of the stream: it neither moves the front back nor resets the window.
#[tokio::test(flavor = "multi_thread")]
async fn a_late_read_keeps_the_read_ahead_stream() {
    let data = vec![7u8; 40 * BLOCK as usize];
    let (_counted, layer) = setup(&[("/big", data)]).await;
    let path = p("/big");
    let meta = Metadata::file(40 * BLOCK, std::time::SystemTime::UNIX_EPOCH);
    let stream = |layer: &CacheLayer| *crate::vfs::lock(&layer.streams).get(&path).unwrap();
    for (first, last) in [(0, 1), (1, 2), (2, 3), (4, 5)] {
        layer.read_ahead(&path, &meta, "v", first, last);
    }
    let before = stream(&layer);
    assert_eq!(before.0, 6);
    layer.read_ahead(&path, &meta, "v", 3, 4);
    assert_eq!(stream(&layer), before, "a late read changed the stream");
    // One that arrived early (6 is still to come) continues it.
    layer.read_ahead(&path, &meta, "v", 7, 8);
    assert_eq!(
        stream(&layer),
        (9, (before.1 * 2).min(super::READAHEAD_MAX))
    );
    // A read far behind (a new reader, or a seek) starts over.
    layer.read_ahead(&path, &meta, "v", 30, 31);
    layer.read_ahead(&path, &meta, "v", 2, 3);
    assert_eq!(stream(&layer).0, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn reading_one_file_prefetches_its_small_siblings() {
    let files: Vec<(String, Vec<u8>)> = (0..50)
        .map(|i| (format!("/f{i}"), vec![i as u8; 100 + i]))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    let (counted, layer) = setup(&refs).await;
    layer.list(&VPath::root()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        counted.reads.load(Ordering::SeqCst),
        0,
        "a listing alone fetches nothing"
    );
    assert_eq!(
        &layer.read(&p("/f0"), 0, 1 << 20).await.unwrap()[..],
        &files[0].1[..]
    );
    // Wait (bounded) for the background prefetch of the siblings to land.
    for _ in 0..200 {
        if counted.reads.load(Ordering::SeqCst) >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(counted.reads.load(Ordering::SeqCst), 50);
    // The counter moves when a backend read starts; give the last blocks time to be cached.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for (name, data) in &files {
        assert_eq!(
            &layer.read(&p(name), 0, 1 << 20).await.unwrap()[..],
            &data[..]
        );
    }
    assert_eq!(
        counted.reads.load(Ordering::SeqCst),
        50,
        "the siblings were read from the cache"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_is_never_served_from_old_blocks() {
    let (_, layer) = setup(&[("/f", b"old content".to_vec())]).await;
    assert_eq!(
        &layer.read(&p("/f"), 0, 100).await.unwrap()[..],
        b"old content"
    );
    layer
        .put(&p("/f"), PutData::Bytes(Bytes::from_static(b"new!")))
        .await
        .unwrap();
    assert_eq!(&layer.read(&p("/f"), 0, 100).await.unwrap()[..], b"new!");
}

/// Records the pieces a read lends.
#[derive(Default)]
struct Pieces(Vec<Vec<u8>>);

impl ReadSink for Pieces {
    fn accept(&mut self, parts: &[&[u8]]) {
        self.0 = parts.iter().map(|p| p.to_vec()).collect();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_across_blocks_lends_the_cached_pieces() {
    let data: Vec<u8> = (0..2 * BLOCK as u32 + 7).map(|i| (i % 251) as u8).collect();
    let (_, layer) = setup(&[("/big", data.clone())]).await;
    let (offset, len) = (BLOCK - 1000, 5000u64);
    let mut sink = Pieces::default();
    layer
        .read_into(&p("/big"), offset, len, &mut sink)
        .await
        .unwrap();
    // The end of block 0's last chunk and the start of block 1's first: not joined.
    assert_eq!(
        sink.0.len(),
        2,
        "{:?}",
        sink.0.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let want = &data[offset as usize..(offset + len) as usize];
    assert_eq!(sink.0.concat(), want);
    assert_eq!(
        &layer.read(&p("/big"), offset, len).await.unwrap()[..],
        want
    );
    // Spanning chunks inside one block, the tail, and past the end.
    layer
        .read_into(&p("/big"), 0, BLOCK, &mut sink)
        .await
        .unwrap();
    assert_eq!(sink.0.len(), 3);
    assert_eq!(sink.0.concat(), &data[..BLOCK as usize]);
    layer
        .read_into(&p("/big"), 2 * BLOCK, 100, &mut sink)
        .await
        .unwrap();
    assert_eq!(sink.0.concat(), &data[2 * BLOCK as usize..]);
    layer
        .read_into(&p("/big"), 3 * BLOCK, 100, &mut sink)
        .await
        .unwrap();
    assert!(sink.0.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_larger_than_half_the_cache_does_not_flush_it() {
    let big: Vec<u8> = (0..40 * BLOCK as u32).map(|i| (i % 239) as u8).collect();
    let (counted, _) = setup(&[("/small", b"keep me".to_vec()), ("/big", big.clone())]).await;
    let data = Arc::new(DataCache::new(64 << 20)); // above the read-ahead window
    let layer = CacheLayer::new(counted.clone(), Duration::from_secs(60), data.clone());
    assert_eq!(
        &layer.read(&p("/small"), 0, 100).await.unwrap()[..],
        b"keep me"
    );
    let mut got = Vec::new();
    while got.len() < big.len() {
        let b = layer
            .read(&p("/big"), got.len() as u64, 1 << 20)
            .await
            .unwrap();
        got.extend_from_slice(&b);
    }
    assert_eq!(got, big);
    let reads = counted.reads.load(Ordering::SeqCst);
    assert_eq!(
        &layer.read(&p("/small"), 0, 100).await.unwrap()[..],
        b"keep me"
    );
    assert_eq!(
        counted.reads.load(Ordering::SeqCst),
        reads,
        "the small file stayed cached"
    );
    // Its blocks went as they were read (none put back by the fetch that brought them).
    assert!(data.bytes() <= 2 << 20, "{}", data.bytes());
}
