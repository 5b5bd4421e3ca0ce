//! `GitHubApi`: the exact GitHub REST calls the backend makes, and [`OctocrabApi`], their
//! implementation on octocrab (pointed at `api_url`, so tests run the real client against a
//! local server). Blobs are fetched with the raw media type — bytes as stored, never a lossy
//! UTF-8 decode. Rate limits (403/429 with `retry-after` or `x-ratelimit-reset`) are waited
//! out when the wait is short, otherwise reported as EIO saying "rate-limited".

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{ACCEPT, HeaderMap, HeaderValue};
use http_body_util::BodyExt;
use serde::Deserialize;

use crate::vfs::{VfsError, VfsResult};

/// Longest rate-limit wait before giving up with EIO.
const MAX_WAIT: Duration = Duration::from_secs(30);
/// Attempts per request when rate-limited.
const ATTEMPTS: u32 = 3;

/// One entry of a git tree.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct TreeItem {
    /// Path relative to the tree.
    pub path: String,
    /// File mode as git writes it (`100644`, `100755`, `120000`, `040000`, `160000`).
    pub mode: String,
    /// `blob`, `tree` or `commit` (a submodule).
    #[serde(rename = "type")]
    pub kind: String,
    /// Object id.
    pub sha: String,
    /// Blob size (absent for trees and submodules).
    pub size: Option<u64>,
}

/// A git tree as the trees API returns it.
#[derive(Clone, Debug, Deserialize)]
pub struct Tree {
    /// The tree's sha.
    pub sha: String,
    /// Its entries (all levels with `recursive=1`).
    pub tree: Vec<TreeItem>,
    /// GitHub cut the recursive answer short.
    #[serde(default)]
    pub truncated: bool,
}

/// What a ref resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// Commit sha.
    pub sha: String,
    /// Root tree sha.
    pub tree: String,
    /// Committer date.
    pub date: SystemTime,
}

/// The GitHub calls the backend uses.
#[async_trait]
pub trait GitHubApi: Send + Sync {
    /// The repository's default branch (`GET /repos/{owner}/{repo}`).
    async fn default_branch(&self) -> VfsResult<String>;
    /// A branch, tag or sha resolved to its commit (`GET /repos/{o}/{r}/commits/{ref}`).
    async fn commit(&self, reference: &str) -> VfsResult<Commit>;
    /// A tree, recursively or one level (`GET /repos/{o}/{r}/git/trees/{sha}`).
    async fn tree(&self, sha: &str, recursive: bool) -> VfsResult<Tree>;
    /// A blob's bytes (`GET /repos/{o}/{r}/git/blobs/{sha}`, raw media type).
    async fn blob(&self, sha: &str) -> VfsResult<Bytes>;
    /// One page of issues or pulls (`kind` = `issues` | `pulls`, state=all, 100 per page),
    /// and whether a next page exists (Link header).
    async fn page(&self, kind: &str, page: u32) -> VfsResult<(Vec<serde_json::Value>, bool)>;
}

/// [`GitHubApi`] on octocrab.
pub struct OctocrabApi {
    client: octocrab::Octocrab,
    base: String,
    owner: String,
    repo: String,
}

impl OctocrabApi {
    /// A client for `owner/repo` at `api_url`, authenticated with `token` when given.
    pub fn new(api_url: &str, token: Option<String>, owner: &str, repo: &str) -> VfsResult<Self> {
        crate::init_tls();
        let mut b = octocrab::Octocrab::builder()
            .base_uri(api_url)
            .map_err(|e| VfsError::Io(format!("GitHub api_url {api_url:?}: {e}")))?;
        if let Some(t) = token {
            b = b.personal_token(t);
        }
        let client = b
            .build()
            .map_err(|e| VfsError::Io(format!("GitHub client: {e}")))?;
        Ok(OctocrabApi {
            client,
            base: api_url.trim_end_matches('/').to_string(),
            owner: owner.to_string(),
            repo: repo.to_string(),
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/repos/{}/{}/{rest}", self.base, self.owner, self.repo)
    }

    /// GET with rate-limit handling; returns status, headers and body of a 2xx answer.
    async fn get(&self, url: &str, accept: &'static str) -> VfsResult<(HeaderMap, Bytes)> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        for attempt in 1..=ATTEMPTS {
            let resp = self
                .client
                ._get_with_headers(url, Some(headers.clone()))
                .await
                .map_err(|e| VfsError::Io(format!("GitHub GET {url}: {e}")))?;
            let status = resp.status().as_u16();
            let (parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| VfsError::Io(format!("GitHub GET {url}: body: {e}")))?
                .to_bytes();
            match status {
                200..=299 => return Ok((parts.headers, bytes)),
                404 => return Err(VfsError::NotFound),
                401 => {
                    tracing::warn!("GitHub GET {url}: 401, the token is missing, wrong or revoked");
                    return Err(VfsError::PermissionDenied);
                }
                403 | 429 => match rate_limit_wait(&parts.headers) {
                    Some(wait) if wait <= MAX_WAIT && attempt < ATTEMPTS => {
                        tracing::warn!("GitHub rate limit: waiting {wait:?} before retrying {url}");
                        tokio::time::sleep(wait).await;
                    }
                    Some(wait) => {
                        return Err(VfsError::Io(format!(
                            "GitHub API rate-limited for another {}s ({url})",
                            wait.as_secs()
                        )));
                    }
                    None => return Err(VfsError::PermissionDenied),
                },
                s => {
                    return Err(VfsError::Io(format!(
                        "GitHub GET {url}: HTTP {s}: {}",
                        String::from_utf8_lossy(&bytes)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    )));
                }
            }
        }
        Err(VfsError::Io(format!("GitHub API rate-limited ({url})")))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
    ) -> VfsResult<(HeaderMap, T)> {
        let (headers, body) = self.get(url, "application/vnd.github+json").await?;
        let value = serde_json::from_slice(&body)
            .map_err(|e| VfsError::Io(format!("GitHub GET {url}: unexpected answer: {e}")))?;
        Ok((headers, value))
    }
}

/// How long a rate-limited answer asks us to wait; `None` for a plain 403 (no access).
fn rate_limit_wait(h: &HeaderMap) -> Option<Duration> {
    let num = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(secs) = num("retry-after") {
        return Some(Duration::from_secs(secs));
    }
    if num("x-ratelimit-remaining") == Some(0) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        return Some(Duration::from_secs(
            num("x-ratelimit-reset")
                .unwrap_or(now + 60)
                .saturating_sub(now),
        ));
    }
    None
}

fn parse_date(s: &str) -> Option<SystemTime> {
    // RFC 3339 as GitHub writes it: 2026-04-28T12:34:56Z
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    let (y, mo, d, h, mi, se) = (
        n(0..4)?,
        n(5..7)?,
        n(8..10)?,
        n(11..13)?,
        n(14..16)?,
        n(17..19)?,
    );
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
    let yoe = y2 - era * 400;
    let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + h * 3600 + mi * 60 + se;
    (secs >= 0).then(|| UNIX_EPOCH + Duration::from_secs(secs as u64))
}

/// The `updated_at`/`date` of a JSON record as a time (epoch if absent).
pub fn json_time(v: &serde_json::Value, key: &str) -> SystemTime {
    v.get(key)
        .and_then(|d| d.as_str())
        .and_then(parse_date)
        .unwrap_or(UNIX_EPOCH)
}

#[async_trait]
impl GitHubApi for OctocrabApi {
    async fn default_branch(&self) -> VfsResult<String> {
        let url = format!("{}/repos/{}/{}", self.base, self.owner, self.repo);
        let (_, v): (_, serde_json::Value) = self.get_json(&url).await?;
        v.get("default_branch")
            .and_then(|b| b.as_str())
            .map(str::to_string)
            .ok_or_else(|| VfsError::Io("GitHub repository answer has no default_branch".into()))
    }

    async fn commit(&self, reference: &str) -> VfsResult<Commit> {
        let (_, v): (_, serde_json::Value) = self
            .get_json(&self.url(&format!("commits/{reference}")))
            .await?;
        let sha = v.get("sha").and_then(|s| s.as_str());
        let tree = v.pointer("/commit/tree/sha").and_then(|s| s.as_str());
        match (sha, tree) {
            (Some(sha), Some(tree)) => Ok(Commit {
                sha: sha.to_string(),
                tree: tree.to_string(),
                date: v
                    .pointer("/commit/committer")
                    .map(|c| json_time(c, "date"))
                    .unwrap_or(UNIX_EPOCH),
            }),
            _ => Err(VfsError::Io(format!(
                "GitHub commit {reference}: answer without sha/tree"
            ))),
        }
    }

    async fn tree(&self, sha: &str, recursive: bool) -> VfsResult<Tree> {
        let q = if recursive { "?recursive=1" } else { "" };
        Ok(self
            .get_json(&self.url(&format!("git/trees/{sha}{q}")))
            .await?
            .1)
    }

    async fn blob(&self, sha: &str) -> VfsResult<Bytes> {
        Ok(self
            .get(
                &self.url(&format!("git/blobs/{sha}")),
                "application/vnd.github.raw+json",
            )
            .await?
            .1)
    }

    async fn page(&self, kind: &str, page: u32) -> VfsResult<(Vec<serde_json::Value>, bool)> {
        let url = self.url(&format!("{kind}?state=all&per_page=100&page={page}"));
        let (headers, items): (_, Vec<serde_json::Value>) = self.get_json(&url).await?;
        let next = headers
            .get_all(http::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|l| l.contains("rel=\"next\""));
        Ok((items, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_github_writes_them() {
        let t = parse_date("2026-04-28T12:34:56Z").unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_777_379_696
        );
        assert!(parse_date("garbage").is_none());
    }

    #[test]
    fn rate_limit_headers_give_the_wait() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(rate_limit_wait(&h), Some(Duration::from_secs(7)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("5"));
        assert_eq!(rate_limit_wait(&h), None);
    }
}
