//! Staged handles: a failed upload is reported by flush/close and leaves the previous object.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use mirage::backends::ram::RamBackend;
use mirage::vfs::{
    Backend, BackendInfo, DirEntry, Metadata, OpenFlags, PutData, VPath, VfsError, VfsResult,
};

/// A staged RAM backend whose uploads fail while `fail` is set (an object store going down).
struct FlakyPut {
    inner: RamBackend,
    fail: AtomicBool,
}

#[async_trait]
impl Backend for FlakyPut {
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
        if self.fail.load(Ordering::Relaxed) {
            return Err(VfsError::Io("upload failed: server unreachable".into()));
        }
        self.inner.put(path, data).await
    }
}

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

#[tokio::test]
async fn failed_upload_surfaces_at_close_and_keeps_the_old_object() {
    let backend = Arc::new(FlakyPut {
        inner: RamBackend::without_random_io(),
        fail: AtomicBool::new(false),
    });
    let v = common::conformance::uncached_at("/s3", backend.clone());
    v.write_all(&p("/s3/report.txt"), b"version 1", false)
        .await
        .unwrap();
    backend.fail.store(true, Ordering::Relaxed);
    let fh = v
        .open(&p("/s3/report.txt"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"version 2").await.unwrap();
    let flushed = v.flush(fh).await;
    assert!(matches!(flushed, Err(VfsError::Io(_))), "{flushed:?}");
    assert_eq!(flushed.unwrap_err().errno(), libc::EIO);
    // close(2) reported the failure: the staged data is dropped, not retried behind the
    // application's back at release, and the handle reads the object as it is.
    backend.fail.store(false, Ordering::Relaxed);
    assert_eq!(v.read(fh, 0, 100).await.unwrap().as_ref(), b"version 1");
    v.release(fh).await.unwrap();
    assert_eq!(
        v.read_all(&p("/s3/report.txt")).await.unwrap().as_ref(),
        b"version 1"
    );
    // A new file keeps its data for a retry.
    backend.fail.store(true, Ordering::Relaxed);
    let fresh = v
        .open(&p("/s3/new.txt"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fresh, 0, b"new").await.unwrap();
    assert!(v.flush(fresh).await.is_err());
    backend.fail.store(false, Ordering::Relaxed);
    v.release(fresh).await.unwrap();
    assert_eq!(
        v.read_all(&p("/s3/new.txt")).await.unwrap().as_ref(),
        b"new"
    );
}

#[tokio::test]
async fn release_reports_a_failed_final_commit() {
    let backend = Arc::new(FlakyPut {
        inner: RamBackend::without_random_io(),
        fail: AtomicBool::new(false),
    });
    let v = common::conformance::uncached_at("/s3", backend.clone());
    v.write_all(&p("/s3/a"), b"old", false).await.unwrap();
    let fh = v
        .open(
            &p("/s3/a"),
            OpenFlags {
                write: true,
                append: true,
                ..OpenFlags::default()
            },
        )
        .await
        .unwrap();
    v.write(fh, 0, b"+new").await.unwrap();
    backend.fail.store(true, Ordering::Relaxed);
    assert!(v.release(fh).await.is_err());
    backend.fail.store(false, Ordering::Relaxed);
    assert_eq!(v.read_all(&p("/s3/a")).await.unwrap().as_ref(), b"old");
}

#[tokio::test]
async fn release_all_commits_open_files_at_unmount() {
    let v = common::conformance::uncached_at("/s", Arc::new(RamBackend::without_random_io()));
    let fh = v
        .open(&p("/s/pending"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"not closed yet").await.unwrap();
    assert_eq!(v.release_all().await, 0);
    assert_eq!(
        v.read_all(&p("/s/pending")).await.unwrap().as_ref(),
        b"not closed yet"
    );
}
