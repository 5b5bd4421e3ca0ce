//! `s3` (and the `r2`, `gcs` presets): a bucket, or a prefix of one, as a tree.
//!
//! Keys map to paths with `/` as separator; common prefixes are directories. A directory made
//! through mirage is a zero-byte marker object `dir/`; markers made by other tools are honoured,
//! and so are directories that exist only because keys lie below them. Listings are
//! ListObjectsV2 with a delimiter, paginated, and carry sizes, mtimes and ETags (no HEAD per
//! entry). Files are written whole (the core stages them) with PutObject, or a multipart upload
//! with concurrent parts past a threshold — begun while the file is written when it is written
//! front to back (`upload`, `vfs::parts`). rename is copy + delete (per object for directories,
//! so not atomic; multipart UploadPartCopy past 5 GiB). The ETag is the file's version. S3 keeps no permissions, times or symlinks:
//! chmod and utimes are accepted and ignored, symlinks are refused with EOPNOTSUPP.

pub mod api;
pub mod options;
pub mod upload;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;
use futures::TryStreamExt;

use crate::vfs::backend::ByteStream;
use crate::vfs::parts::PartUpload;
use crate::vfs::path::validate_name;
use crate::vfs::sink::join;
use crate::vfs::{
    Backend, BackendInfo, Capability, DirEntry, FileKind, Metadata, PutData, VPath, VfsError,
    VfsResult,
};
use api::{ObjectMeta, S3Api};

/// Part size of multipart uploads.
pub const PART_SIZE: u64 = 8 << 20;
/// Files larger than this are uploaded in parts.
pub const MULTIPART_THRESHOLD: u64 = 16 << 20;
/// CopyObject's limit: larger objects are copied with UploadPartCopy.
pub const COPY_LIMIT: u64 = 5 << 30;
/// Part size of multipart copies.
pub const COPY_PART: u64 = 512 << 20;
/// Parts (and per-object copies) in flight at once.
const CONCURRENCY: usize = 4;

/// A bucket (below an optional key prefix) as a tree.
pub struct S3Backend {
    api: Arc<dyn S3Api>,
    prefix: String,
    info: BackendInfo,
    started: SystemTime,
    copy_limit: u64,
    copy_part: u64,
}

impl S3Backend {
    /// A backend over `api`, rooted at `prefix` (empty, or ending in `/`).
    pub fn new(api: Arc<dyn S3Api>, prefix: &str, kind: &'static str, description: String) -> Self {
        let mut prefix = prefix.trim_start_matches('/').to_string();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        S3Backend {
            api,
            prefix,
            info: BackendInfo {
                kind,
                capability: Capability {
                    read: true,
                    list: true,
                    write: true,
                    random_io: false,
                    create_dir: true,
                    delete: true,
                    rename: true,
                    symlink: false,
                    set_times: false,
                    set_perm: false,
                    cacheable: true,
                    prefetch: true,
                },
                description,
            },
            started: SystemTime::now(),
            copy_limit: COPY_LIMIT,
            copy_part: COPY_PART,
        }
    }

    /// Copies objects larger than `limit` in parts of `part` bytes (tests use small values).
    pub fn with_copy_limits(mut self, limit: u64, part: u64) -> Self {
        self.copy_limit = limit;
        self.copy_part = part.max(1);
        self
    }

    fn key(&self, path: &VPath) -> String {
        format!("{}{}", self.prefix, path.as_str().trim_start_matches('/'))
    }

    /// The prefix listing a directory's children (`p/dir/`, or the mount prefix for `/`).
    fn dir_prefix(&self, path: &VPath) -> String {
        if path.is_root() {
            self.prefix.clone()
        } else {
            format!("{}/", self.key(path))
        }
    }

    fn file_meta(o: &ObjectMeta) -> Metadata {
        Metadata {
            version: o.etag.clone(),
            ..Metadata::file(o.size, o.mtime)
        }
    }

    fn dir_meta(&self) -> Metadata {
        Metadata::dir(self.started)
    }

    /// Whether anything (a marker or a key) lies below `path/`.
    async fn has_children_or_marker(&self, path: &VPath) -> VfsResult<bool> {
        let page = self
            .api
            .list(&self.dir_prefix(path), false, None, Some(1))
            .await?;
        Ok(!page.objects.is_empty() || !page.prefixes.is_empty())
    }

    /// After removing something from `dir`: keep `dir` alive with a marker if it would vanish
    /// (a directory that existed only through its keys), so POSIX users still see it.
    async fn keep_dir(&self, dir: &VPath) -> VfsResult<()> {
        if dir.is_root() || self.has_children_or_marker(dir).await? {
            return Ok(());
        }
        self.api
            .put(&self.dir_prefix(dir), Bytes::new())
            .await
            .map(|_| ())
    }

    async fn require_dir(&self, path: &VPath) -> VfsResult<()> {
        match self.stat(path).await? {
            m if m.is_dir() => Ok(()),
            _ => Err(VfsError::NotADirectory),
        }
    }

    /// Every key below `prefix` (no delimiter), all pages, with sizes.
    async fn all_keys(&self, prefix: &str) -> VfsResult<Vec<(String, u64)>> {
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let page = self.api.list(prefix, false, token, None).await?;
            keys.extend(page.objects.into_iter().map(|o| (o.key, o.size)));
            match page.next {
                Some(t) => token = Some(t),
                None => return Ok(keys),
            }
        }
    }

    /// Uploads `data` in parts (completing the upload begun while it was written, if any).
    async fn multipart(&self, key: &str, data: PutData) -> VfsResult<Option<String>> {
        match data {
            PutData::Parts(begun, whole) => begun.upload.complete(&whole, begun.sent).await,
            data => {
                let upload = upload::S3Upload::begin(self.api.clone(), key).await?;
                upload.complete(&data, 0).await
            }
        }
    }

    /// Copies every object below `from` to `to` (both directory prefixes), then deletes the sources.
    async fn move_tree(&self, from: &str, to: &str) -> VfsResult<()> {
        let keys = self.all_keys(from).await?;
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in keys.chunks(keys.len().div_ceil(CONCURRENCY).max(1)) {
            let (api, chunk, from, to) = (
                self.api.clone(),
                chunk.to_vec(),
                from.to_string(),
                to.to_string(),
            );
            let limits = (self.copy_limit, self.copy_part);
            tasks.spawn(async move {
                for (k, size) in &chunk {
                    copy_object(&api, k, &format!("{to}{}", &k[from.len()..]), *size, limits)
                        .await?;
                }
                for (k, _) in &chunk {
                    api.delete(k).await?;
                }
                Ok::<_, VfsError>(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.map_err(|e| VfsError::Io(e.to_string()))??;
        }
        Ok(())
    }
}

/// CopyObject, or for objects over `limit` a multipart upload of UploadPartCopy parts of
/// `part` bytes (4 in flight), aborted if any part fails.
async fn copy_object(
    api: &Arc<dyn S3Api>,
    from: &str,
    to: &str,
    size: u64,
    (limit, part): (u64, u64),
) -> VfsResult<()> {
    if size == 0 && from.ends_with('/') {
        // A directory marker: written anew. Servers that keep markers as directories
        // (s3s-fs, MinIO-like) can fail to copy one (500), and its content is empty anyway.
        return api.put(to, Bytes::new()).await.map(|_| ());
    }
    if size <= limit {
        return api.copy(from, to).await;
    }
    let upload = api.create_multipart(to).await?;
    let mut tasks = tokio::task::JoinSet::new();
    let mut parts = Vec::new();
    let result: VfsResult<()> = async {
        for (i, start) in (0..size).step_by(part as usize).enumerate() {
            while tasks.len() >= CONCURRENCY {
                if let Some(done) = tasks.join_next().await {
                    parts.push(done.map_err(|e| VfsError::Io(e.to_string()))??);
                }
            }
            let (api, from, to, upload) = (
                api.clone(),
                from.to_string(),
                to.to_string(),
                upload.clone(),
            );
            let end = (start + part).min(size) - 1;
            let n = i as i32 + 1;
            tasks.spawn(async move {
                Ok::<_, VfsError>((n, api.copy_part(&from, &to, &upload, n, start, end).await?))
            });
        }
        while let Some(done) = tasks.join_next().await {
            parts.push(done.map_err(|e| VfsError::Io(e.to_string()))??);
        }
        parts.sort();
        api.complete_multipart(to, &upload, parts).await.map(|_| ())
    }
    .await;
    if result.is_err() {
        tasks.abort_all();
        api.abort_multipart(to, &upload).await;
    }
    result
}

#[async_trait]
impl Backend for S3Backend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        if path.is_root() {
            return Ok(self.dir_meta());
        }
        let key = self.key(path);
        let (head, below) = tokio::join!(self.api.head(&key), self.has_children_or_marker(path));
        if below? {
            return Ok(self.dir_meta()); // a directory wins over a same-named object
        }
        head.map(|o| Self::file_meta(&o))
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let prefix = self.dir_prefix(path);
        let mut entries: BTreeMap<String, Metadata> = BTreeMap::new();
        let mut marker = false;
        let mut token = None;
        loop {
            let page = self.api.list(&prefix, true, token, None).await?;
            for o in &page.objects {
                let name = &o.key[prefix.len().min(o.key.len())..];
                if name.is_empty() {
                    marker = true;
                } else if validate_name(name).is_ok() {
                    entries
                        .entry(name.to_string())
                        .or_insert_with(|| Self::file_meta(o));
                } else {
                    tracing::warn!(key = %o.key, "skipping a key that is not a valid file name");
                }
            }
            for p in &page.prefixes {
                let name = p[prefix.len().min(p.len())..].trim_end_matches('/');
                if validate_name(name).is_ok() {
                    entries.insert(name.to_string(), self.dir_meta());
                }
            }
            match page.next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        if entries.is_empty() && !marker && !path.is_root() {
            return match self.api.head(&self.key(path)).await {
                Ok(_) => Err(VfsError::NotADirectory),
                Err(VfsError::NotFound) => Err(VfsError::NotFound),
                Err(e) => Err(e),
            };
        }
        Ok(entries
            .into_iter()
            .map(|(name, meta)| DirEntry { name, meta })
            .collect())
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        Ok(join(self.read_segments(path, offset, len).await?))
    }

    async fn read_segments(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Vec<Bytes>> {
        self.read_stream(path, offset, len)
            .await?
            .try_collect()
            .await
    }

    async fn read_stream(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<ByteStream> {
        match self.api.get_stream(&self.key(path), offset, len).await {
            Err(VfsError::NotFound)
                if !path.is_root() && self.has_children_or_marker(path).await? =>
            {
                Err(VfsError::IsADirectory)
            }
            other => other,
        }
    }

    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        if path.is_root() {
            return Err(VfsError::IsADirectory);
        }
        let key = self.key(path);
        let len = data.len();
        let etag = if len > MULTIPART_THRESHOLD || matches!(data, PutData::Parts(..)) {
            self.multipart(&key, data).await?
        } else {
            self.api.put(&key, data.into_bytes()?).await?
        };
        Ok(Metadata {
            version: etag,
            // The server's Last-Modified is not in the answer; this second is its best guess.
            ..Metadata::file(len, api::whole_seconds(SystemTime::now()))
        })
    }

    async fn begin_upload(&self, path: &VPath) -> VfsResult<Option<Arc<dyn PartUpload>>> {
        if path.is_root() {
            return Err(VfsError::IsADirectory);
        }
        let upload = upload::S3Upload::begin(self.api.clone(), &self.key(path)).await?;
        Ok(Some(Arc::new(upload)))
    }

    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::AlreadyExists);
        }
        self.require_dir(&path.parent()).await?;
        match self.stat(path).await {
            Ok(_) => return Err(VfsError::AlreadyExists),
            Err(VfsError::NotFound) => {}
            Err(e) => return Err(e),
        }
        self.api
            .put(&self.dir_prefix(path), Bytes::new())
            .await
            .map(|_| ())
    }

    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::IsADirectory);
        }
        let key = self.key(path);
        match self.api.head(&key).await {
            Ok(_) => {}
            Err(VfsError::NotFound) if self.has_children_or_marker(path).await? => {
                return Err(VfsError::IsADirectory);
            }
            Err(e) => return Err(e),
        }
        self.api.delete(&key).await?;
        self.keep_dir(&path.parent()).await
    }

    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::NotPermitted);
        }
        let prefix = self.dir_prefix(path);
        let page = self.api.list(&prefix, false, None, Some(2)).await?;
        if page.objects.iter().any(|o| o.key != prefix) || !page.prefixes.is_empty() {
            return Err(VfsError::DirectoryNotEmpty);
        }
        if page.objects.is_empty() {
            return match self.api.head(&self.key(path)).await {
                Ok(_) => Err(VfsError::NotADirectory),
                Err(e) => Err(e),
            };
        }
        self.api.delete(&prefix).await?;
        self.keep_dir(&path.parent()).await
    }

    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        if from.is_root() || to.is_root() {
            return Err(VfsError::NotPermitted);
        }
        self.require_dir(&from.parent()).await?;
        self.require_dir(&to.parent()).await?;
        let src = self.stat(from).await?;
        if from == to {
            return Ok(());
        }
        if src.is_dir() && to.starts_with(from) {
            return Err(VfsError::InvalidArgument);
        }
        if from.starts_with(to) {
            return Err(VfsError::DirectoryNotEmpty);
        }
        match self.stat(to).await {
            Ok(dst) if dst.is_dir() => {
                if !src.is_dir() {
                    return Err(VfsError::IsADirectory);
                }
                let target = self.dir_prefix(to);
                let page = self.api.list(&target, false, None, Some(2)).await?;
                if page.objects.iter().any(|o| o.key != target) || !page.prefixes.is_empty() {
                    return Err(VfsError::DirectoryNotEmpty);
                }
                // Its marker stays: the moved directory's own marker (if any) replaces it, and
                // if the move fails the target is still there.
            }
            Ok(_) if src.is_dir() => return Err(VfsError::NotADirectory),
            Ok(_) | Err(VfsError::NotFound) => {}
            Err(e) => return Err(e),
        }
        if src.kind == FileKind::Dir {
            self.move_tree(&self.dir_prefix(from), &self.dir_prefix(to))
                .await?;
        } else {
            let limits = (self.copy_limit, self.copy_part);
            copy_object(&self.api, &self.key(from), &self.key(to), src.size, limits).await?;
            self.api.delete(&self.key(from)).await?;
        }
        self.keep_dir(&from.parent()).await
    }

    async fn set_times(&self, path: &VPath, _mtime: SystemTime) -> VfsResult<()> {
        self.stat(path).await.map(|_| ()) // accepted and ignored: S3 keeps its own Last-Modified
    }

    async fn set_perm(&self, path: &VPath, _perm: u16) -> VfsResult<()> {
        self.stat(path).await.map(|_| ()) // accepted and ignored: S3 keeps no permissions
    }
}
