//! `S3Api`: the exact S3 calls the backend makes, behind a small trait, and [`SdkApi`], their
//! implementation on `aws-sdk-s3`. Errors are mapped to [`VfsError`] here and nowhere else:
//! NoSuchKey/404 → `NotFound`, AccessDenied/403 → `PermissionDenied`, throttling (SlowDown,
//! 429, 503) → `Io` once the SDK's retries with backoff are exhausted, timeouts → `TimedOut`,
//! an unreachable endpoint → `Io`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;
use futures::StreamExt;

use crate::vfs::{VfsError, VfsResult};

/// One object's attributes as HEAD or LIST report them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Full key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last-Modified.
    pub mtime: SystemTime,
    /// ETag (quotes kept as sent).
    pub etag: Option<String>,
}

/// One page of ListObjectsV2.
#[derive(Clone, Debug, Default)]
pub struct ListPage {
    /// Objects under the prefix (keys in full).
    pub objects: Vec<ObjectMeta>,
    /// Common prefixes (full, ending in the delimiter).
    pub prefixes: Vec<String>,
    /// Token for the next page, if truncated.
    pub next: Option<String>,
}

/// The S3 operations the backend uses.
#[async_trait]
pub trait S3Api: Send + Sync {
    /// HeadBucket: fails when the bucket is missing, credentials are bad or the endpoint is down.
    async fn head_bucket(&self) -> VfsResult<()>;
    /// HeadObject; `NotFound` for a missing key.
    async fn head(&self, key: &str) -> VfsResult<ObjectMeta>;
    /// ListObjectsV2 of one page.
    async fn list(
        &self,
        prefix: &str,
        delimiter: bool,
        token: Option<String>,
        max_keys: Option<i32>,
    ) -> VfsResult<ListPage>;
    /// GetObject of `len` bytes at `offset` (fewer at the end, none past it), as the chunks
    /// the body arrives in (not joined: the data cache keeps them as they are). A body that
    /// stops arriving ends the stream with `TimedOut`.
    async fn get_stream(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> VfsResult<crate::vfs::backend::ByteStream>;
    /// PutObject; returns the new ETag.
    async fn put(&self, key: &str, body: Bytes) -> VfsResult<Option<String>>;
    /// CreateMultipartUpload; returns the upload id.
    async fn create_multipart(&self, key: &str) -> VfsResult<String>;
    /// UploadPart; returns the part's ETag.
    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Bytes,
    ) -> VfsResult<String>;
    /// CompleteMultipartUpload with (part number, ETag) pairs; returns the object's ETag.
    async fn complete_multipart(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<(i32, String)>,
    ) -> VfsResult<Option<String>>;
    /// AbortMultipartUpload (best effort).
    async fn abort_multipart(&self, key: &str, upload_id: &str);
    /// CopyObject within the bucket (objects up to 5 GiB).
    async fn copy(&self, from: &str, to: &str) -> VfsResult<()>;
    /// UploadPartCopy: bytes `start..=end` of `from` as part `part` of a multipart upload.
    async fn copy_part(
        &self,
        from: &str,
        to: &str,
        upload_id: &str,
        part: i32,
        start: u64,
        end: u64,
    ) -> VfsResult<String>;
    /// DeleteObject (no error for a missing key, as in S3).
    async fn delete(&self, key: &str) -> VfsResult<()>;
}

/// [`S3Api`] on the AWS SDK.
pub struct SdkApi {
    client: Client,
    bucket: String,
    /// Longest wait for the next piece of a GET's body.
    idle: Duration,
}

impl SdkApi {
    /// Calls go to `bucket` through `client`; a GET whose body sends nothing for `idle` fails.
    pub fn new(client: Client, bucket: String, idle: Duration) -> Self {
        SdkApi {
            client,
            bucket,
            idle,
        }
    }
}

/// An object's Last-Modified in whole seconds: HEAD and GET carry it as an HTTP date
/// (seconds), while some servers (MinIO, s3s) list it with milliseconds. One object must have
/// one mtime whichever answer it came from, or the kernel would drop its cached pages each
/// time the source changes.
fn to_time(dt: Option<&aws_sdk_s3::primitives::DateTime>) -> SystemTime {
    match dt {
        Some(dt) if dt.secs() >= 0 => UNIX_EPOCH + Duration::from_secs(dt.secs() as u64),
        _ => UNIX_EPOCH,
    }
}

/// `t` in whole seconds, as S3 reports times (see [`to_time`]).
pub fn whole_seconds(t: SystemTime) -> SystemTime {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Maps an SDK failure to the VFS error model.
fn map_err<E: ProvideErrorMetadata + std::fmt::Debug, R: HttpStatus + std::fmt::Debug>(
    op: &str,
    key: &str,
    e: SdkError<E, R>,
) -> VfsError {
    match &e {
        SdkError::TimeoutError(_) => VfsError::TimedOut(format!("S3 {op} {key}: timed out")),
        SdkError::DispatchFailure(d) => {
            if d.is_timeout() {
                VfsError::TimedOut(format!("S3 {op} {key}: timed out"))
            } else {
                VfsError::Io(format!("S3 {op} {key}: endpoint unreachable ({d:?})"))
            }
        }
        SdkError::ServiceError(s) => {
            let status = s.raw().status();
            let code = s.err().code().unwrap_or("");
            match (code, status) {
                ("NoSuchKey" | "NotFound" | "NoSuchUpload", _) | (_, 404) => VfsError::NotFound,
                ("AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch", _)
                | (_, 401 | 403) => {
                    tracing::warn!("S3 {op} {key}: access denied ({code})");
                    VfsError::PermissionDenied
                }
                ("SlowDown" | "Throttling" | "ThrottlingException" | "RequestLimitExceeded", _)
                | (_, 429 | 503) => {
                    // The SDK has retried with backoff by now: EIO, saying why.
                    VfsError::Io(format!(
                        "S3 {op} {key}: throttled ({code}, HTTP {status}), retries exhausted"
                    ))
                }
                _ => VfsError::Io(format!(
                    "S3 {op} {key}: {code} (HTTP {status}) {}",
                    s.err().message().unwrap_or(""),
                )),
            }
        }
        other => VfsError::Io(format!("S3 {op} {key}: {other:?}")),
    }
}

/// A GET's body being read: at most `left` more bytes (a server that ignores the range sends
/// more), each piece within `idle` of the last.
struct Body {
    body: ByteStream,
    left: usize,
    key: String,
    idle: Duration,
}

impl Body {
    async fn next(mut self) -> VfsResult<Option<(Bytes, Body)>> {
        while self.left > 0 {
            let piece = tokio::time::timeout(self.idle, self.body.next())
                .await
                .map_err(|_| {
                    VfsError::TimedOut(format!(
                        "S3 GET {}: body: nothing for {:?}",
                        self.key, self.idle
                    ))
                })?;
            let Some(piece) = piece else { break };
            let mut piece =
                piece.map_err(|e| VfsError::Io(format!("S3 GET {}: body: {e}", self.key)))?;
            piece.truncate(self.left);
            self.left -= piece.len();
            if !piece.is_empty() {
                return Ok(Some((piece, self)));
            }
        }
        Ok(None)
    }
}

/// The HTTP status of a raw response (kept generic so `map_err` serves every operation).
pub trait HttpStatus {
    /// The status code.
    fn status(&self) -> u16;
}

impl HttpStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

#[async_trait]
impl S3Api for SdkApi {
    async fn head_bucket(&self) -> VfsResult<()> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| map_err("HeadBucket", &self.bucket, e))?;
        Ok(())
    }

    async fn head(&self, key: &str) -> VfsResult<ObjectMeta> {
        let out = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map_err("HEAD", key, e))?;
        Ok(ObjectMeta {
            key: key.to_string(),
            size: out.content_length().unwrap_or(0).max(0) as u64,
            mtime: to_time(out.last_modified()),
            etag: out.e_tag().map(str::to_string),
        })
    }

    async fn list(
        &self,
        prefix: &str,
        delimiter: bool,
        token: Option<String>,
        max_keys: Option<i32>,
    ) -> VfsResult<ListPage> {
        let mut req = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .set_max_keys(max_keys);
        if delimiter {
            req = req.delimiter("/");
        }
        let out = req.send().await.map_err(|e| map_err("LIST", prefix, e))?;
        let objects = out
            .contents()
            .iter()
            .map(|o| ObjectMeta {
                key: o.key().unwrap_or_default().to_string(),
                size: o.size().unwrap_or(0).max(0) as u64,
                mtime: to_time(o.last_modified()),
                etag: o.e_tag().map(str::to_string),
            })
            .collect();
        let prefixes = out
            .common_prefixes()
            .iter()
            .filter_map(|p| p.prefix().map(str::to_string))
            .collect();
        let next = if out.is_truncated().unwrap_or(false) {
            out.next_continuation_token().map(str::to_string)
        } else {
            None
        };
        Ok(ListPage {
            objects,
            prefixes,
            next,
        })
    }

    async fn get_stream(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> VfsResult<crate::vfs::backend::ByteStream> {
        if len == 0 {
            return Ok(futures::stream::empty().boxed());
        }
        let range = format!("bytes={}-{}", offset, offset.saturating_add(len) - 1);
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(range)
            .send()
            .await
        {
            Ok(out) => out,
            Err(SdkError::ServiceError(s))
                if s.raw().status().as_u16() == 416 || s.err().code() == Some("InvalidRange") =>
            {
                return Ok(futures::stream::empty().boxed()); // offset at or past the end
            }
            Err(e) => return Err(map_err("GET", key, e)),
        };
        let state = Body {
            body: out.body,
            left: len as usize,
            key: key.to_string(),
            idle: self.idle,
        };
        Ok(futures::stream::try_unfold(state, Body::next).boxed())
    }

    async fn put(&self, key: &str, body: Bytes) -> VfsResult<Option<String>> {
        let out = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| map_err("PUT", key, e))?;
        Ok(out.e_tag().map(str::to_string))
    }

    async fn create_multipart(&self, key: &str) -> VfsResult<String> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map_err("CreateMultipartUpload", key, e))?;
        out.upload_id()
            .map(str::to_string)
            .ok_or_else(|| VfsError::Io(format!("S3 multipart {key}: no upload id")))
    }

    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Bytes,
    ) -> VfsResult<String> {
        let out = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(part)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| map_err("UploadPart", key, e))?;
        out.e_tag()
            .map(str::to_string)
            .ok_or_else(|| VfsError::Io(format!("S3 part {part} of {key}: no ETag")))
    }

    async fn complete_multipart(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<(i32, String)>,
    ) -> VfsResult<Option<String>> {
        let parts = parts
            .into_iter()
            .map(|(n, etag)| CompletedPart::builder().part_number(n).e_tag(etag).build())
            .collect();
        let r = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await;
        match r {
            Ok(out) => Ok(out.e_tag().map(str::to_string)),
            // A 200 whose body the SDK cannot read (moto names the root element differently)
            // is not an <Error>: believe it if the object is there now.
            Err(SdkError::ServiceError(s))
                if s.raw().status().as_u16() == 200 && s.err().code().is_none() =>
            {
                self.head(key).await.map(|m| m.etag)
            }
            Err(e) => Err(map_err("CompleteMultipartUpload", key, e)),
        }
    }

    async fn abort_multipart(&self, key: &str, upload_id: &str) {
        let r = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await;
        if let Err(e) = r {
            tracing::warn!(
                "S3 abort multipart {key}: {}",
                map_err("AbortMultipartUpload", key, e)
            );
        }
    }

    async fn copy(&self, from: &str, to: &str) -> VfsResult<()> {
        let source = format!("{}/{}", self.bucket, encode_key(from));
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(to)
            .copy_source(source)
            .send()
            .await
            .map_err(|e| map_err("COPY", from, e))?;
        Ok(())
    }

    async fn copy_part(
        &self,
        from: &str,
        to: &str,
        upload_id: &str,
        part: i32,
        start: u64,
        end: u64,
    ) -> VfsResult<String> {
        let out = self
            .client
            .upload_part_copy()
            .bucket(&self.bucket)
            .key(to)
            .upload_id(upload_id)
            .part_number(part)
            .copy_source(format!("{}/{}", self.bucket, encode_key(from)))
            .copy_source_range(format!("bytes={start}-{end}"))
            .send()
            .await
            .map_err(|e| map_err("UploadPartCopy", from, e))?;
        out.copy_part_result()
            .and_then(|r| r.e_tag())
            .map(str::to_string)
            .ok_or_else(|| VfsError::Io(format!("S3 part copy {part} of {from}: no ETag")))
    }

    async fn delete(&self, key: &str) -> VfsResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map_err("DELETE", key, e))?;
        Ok(())
    }
}

/// Percent-encodes a key for `x-amz-copy-source` (everything but unreserved characters and `/`).
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_seconds_whatever_their_source() {
        use aws_sdk_s3::primitives::DateTime;
        let listed = DateTime::from_secs_and_nanos(1_700_000_000, 531_000_000);
        let headed = DateTime::from_secs(1_700_000_000);
        assert_eq!(to_time(Some(&listed)), to_time(Some(&headed)));
        let now = UNIX_EPOCH + Duration::new(1_700_000_000, 999_999_999);
        assert_eq!(whole_seconds(now), to_time(Some(&headed)));
        assert_eq!(to_time(None), UNIX_EPOCH);
    }

    #[test]
    fn copy_source_keys_are_percent_encoded() {
        assert_eq!(encode_key("a b/c+d%=☃"), "a%20b/c%2Bd%25%3D%E2%98%83");
    }
}
