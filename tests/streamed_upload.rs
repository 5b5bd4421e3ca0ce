//! Streamed uploads: a big staged file written front to back is handed to the backend in parts
//! while it is written, and the commit at close completes the upload. Whatever the writer
//! does (overwrites below what was sent, truncation, a failed part, a rename), the object
//! stored at close is exactly what was written.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use mirage::backends::ram::RamBackend;
use mirage::vfs::parts::PartUpload;
use mirage::vfs::{
    Backend, BackendInfo, DirEntry, Metadata, OpenFlags, PutData, VPath, Vfs, VfsError, VfsResult,
};

const PART: u64 = 1 << 20;
const LEN: usize = 40 << 20;

#[derive(Default)]
struct Log {
    begun: usize,
    sent: usize,
    completed: usize,
    aborted: usize,
}

/// A staged RAM store with part uploads that keep their parts apart until completed, so a
/// part sent with stale bytes would show in the object.
struct PartStore {
    inner: Arc<RamBackend>,
    log: Arc<Mutex<Log>>,
    /// This part index fails when sent.
    fail_part: Option<u64>,
}

struct FakeUpload {
    inner: Arc<RamBackend>,
    path: VPath,
    parts: Mutex<BTreeMap<u64, Bytes>>,
    log: Arc<Mutex<Log>>,
    fail_part: Option<u64>,
    done: AtomicBool,
}

#[async_trait]
impl PartUpload for FakeUpload {
    fn part_size(&self) -> u64 {
        PART
    }
    async fn send(&self, index: u64, data: Bytes) -> VfsResult<()> {
        if self.fail_part == Some(index) {
            return Err(VfsError::Io("part failed".into()));
        }
        assert_eq!(data.len() as u64, PART, "part {index} is not whole");
        self.parts.lock().unwrap().insert(index, data);
        self.log.lock().unwrap().sent += 1;
        Ok(())
    }
    async fn complete(&self, data: &PutData, sent: u64) -> VfsResult<Option<String>> {
        let whole = match data {
            PutData::Bytes(b) => b.to_vec(),
            PutData::File { file, len } => {
                let mut v = vec![0; *len as usize];
                std::os::unix::fs::FileExt::read_exact_at(file, &mut v, 0).unwrap();
                v
            }
            PutData::Parts(..) => panic!("nested parts"),
        };
        let mut object = Vec::new();
        {
            let parts = self.parts.lock().unwrap();
            for i in 0..sent {
                object.extend_from_slice(&parts[&i]);
            }
        }
        object.extend_from_slice(&whole[(sent * PART) as usize..]);
        self.inner
            .put(&self.path, PutData::Bytes(object.into()))
            .await?;
        self.done.store(true, Ordering::Relaxed);
        self.log.lock().unwrap().completed += 1;
        Ok(None)
    }
}

impl Drop for FakeUpload {
    fn drop(&mut self) {
        if !self.done.load(Ordering::Relaxed) {
            self.log.lock().unwrap().aborted += 1;
        }
    }
}

#[async_trait]
impl Backend for PartStore {
    fn info(&self) -> &BackendInfo {
        self.inner.info()
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        self.inner.stat(path).await
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        self.inner.list(path).await
    }
    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        self.inner.read(path, offset, len).await
    }
    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        match data {
            PutData::Parts(begun, whole) => {
                begun.upload.complete(&whole, begun.sent).await?;
                self.inner.stat(path).await
            }
            data => self.inner.put(path, data).await,
        }
    }
    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        self.inner.rename(from, to).await
    }
    async fn begin_upload(&self, path: &VPath) -> VfsResult<Option<Arc<dyn PartUpload>>> {
        self.log.lock().unwrap().begun += 1;
        Ok(Some(Arc::new(FakeUpload {
            inner: self.inner.clone(),
            path: path.clone(),
            parts: Mutex::new(BTreeMap::new()),
            log: self.log.clone(),
            fail_part: self.fail_part,
            done: AtomicBool::new(false),
        })))
    }
}

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 7 + i / 4096) % 251) as u8).collect()
}

fn store(fail_part: Option<u64>) -> (Vfs, Arc<Mutex<Log>>) {
    let log = Arc::new(Mutex::new(Log::default()));
    let backend = Arc::new(PartStore {
        inner: Arc::new(RamBackend::without_random_io()),
        log: log.clone(),
        fail_part,
    });
    (common::conformance::uncached_at("/s3", backend), log)
}

/// Writes `data` to `path` in 128 KiB writes, front to back; returns the open handle.
async fn write_seq(v: &Vfs, path: &str, data: &[u8]) -> u64 {
    let fh = v
        .open(&p(path), OpenFlags::create_truncate())
        .await
        .unwrap();
    for (i, chunk) in data.chunks(128 << 10).enumerate() {
        v.write(fh, (i * (128 << 10)) as u64, chunk).await.unwrap();
    }
    fh
}

/// The log's (begun, completed, aborted) once `want` is reached or things settle: an upload
/// given up is aborted when the last part task holding it is dropped, which the runtime does
/// after the stream is.
async fn counts(log: &Mutex<Log>, want: (usize, usize, usize)) -> (usize, usize, usize) {
    let get = || {
        let l = log.lock().unwrap();
        (l.begun, l.completed, l.aborted)
    };
    for _ in 0..500 {
        if get() == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    get()
}

async fn stored(v: &Vfs, path: &str) -> Vec<u8> {
    v.read_all(&p(path)).await.unwrap().to_vec()
}

#[tokio::test]
async fn a_file_written_front_to_back_is_uploaded_while_it_is_written() {
    for spill in [u64::MAX, 1 << 20] {
        let (v, log) = store(None);
        let v = v.with_spill_threshold(spill);
        let data = content(LEN);
        let fh = write_seq(&v, "/s3/big.bin", &data).await;
        let sent_before_close = log.lock().unwrap().sent;
        assert!(
            sent_before_close >= 30,
            "{sent_before_close} parts before close"
        );
        v.release(fh).await.unwrap();
        assert!(stored(&v, "/s3/big.bin").await == data, "spill at {spill}");
        assert_eq!(counts(&log, (1, 1, 0)).await, (1, 1, 0));
    }
}

#[tokio::test]
async fn changes_below_what_was_sent_give_the_stream_up_and_lose_nothing() {
    // An overwrite near the start, and a truncation below what was sent.
    let (v, log) = store(None);
    let mut data = content(LEN);
    let fh = write_seq(&v, "/s3/a.bin", &data).await;
    v.write(fh, 100, b"rewritten").await.unwrap();
    data[100..109].copy_from_slice(b"rewritten");
    v.release(fh).await.unwrap();
    assert!(stored(&v, "/s3/a.bin").await == data);

    let fh = write_seq(&v, "/s3/b.bin", &data).await;
    v.set_len(fh, 5 << 20).await.unwrap();
    v.write(fh, 5 << 20, b"tail").await.unwrap();
    v.release(fh).await.unwrap();
    let mut want = data[..5 << 20].to_vec();
    want.extend_from_slice(b"tail");
    assert!(stored(&v, "/s3/b.bin").await == want);
    assert_eq!(counts(&log, (2, 0, 2)).await, (2, 0, 2));
}

#[tokio::test]
async fn writes_past_what_was_sent_keep_the_stream() {
    // Out of order above the sent parts (a hole filled later) is still one upload.
    let (v, log) = store(None);
    let mut data = content(LEN);
    let fh = write_seq(&v, "/s3/c.bin", &data).await;
    let end = LEN as u64;
    v.write(fh, end + 4096, b"after a hole").await.unwrap();
    v.write(fh, end - 10, b"0123456789").await.unwrap();
    data[LEN - 10..].copy_from_slice(b"0123456789");
    data.extend_from_slice(&[0; 4096]);
    data.extend_from_slice(b"after a hole");
    v.release(fh).await.unwrap();
    assert!(stored(&v, "/s3/c.bin").await == data);
    assert_eq!(counts(&log, (1, 1, 0)).await, (1, 1, 0));
}

#[tokio::test]
async fn a_failed_part_falls_back_to_a_whole_upload() {
    let (v, log) = store(Some(3));
    let data = content(LEN);
    let fh = write_seq(&v, "/s3/d.bin", &data).await;
    v.release(fh).await.unwrap();
    assert!(stored(&v, "/s3/d.bin").await == data);
    assert_eq!(counts(&log, (1, 0, 1)).await, (1, 0, 1));
}

#[tokio::test]
async fn a_small_file_is_never_streamed() {
    let (v, log) = store(None);
    let data = content(8 << 20);
    let fh = write_seq(&v, "/s3/small.bin", &data).await;
    v.release(fh).await.unwrap();
    assert!(stored(&v, "/s3/small.bin").await == data);
    assert_eq!(log.lock().unwrap().begun, 0);
}
