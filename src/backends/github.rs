//! `github`: one repository at one ref, as a read-only tree that looks like a checkout.
//!
//! The ref is resolved once to a commit at mount (and again every `refresh`, if set); the whole
//! tree comes from the git trees API (recursive; when GitHub marks the answer truncated, from
//! one request per sub-tree), so `ls -R`, `find` and sizes need no per-file request. Blobs are
//! fetched lazily by sha and cached by sha (content-addressed, never stale): the blob sha is
//! each file's version, so the core's data cache serves repeats. Symlinks appear as symlinks,
//! submodules as empty directories. With `issues = true`, issues and pull requests appear as
//! read-only JSON under `.github/issues/<number>__<title>.json` and `.github/pulls/…`.

pub mod api;
pub mod index;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use lru::LruCache;

use crate::vfs::{
    Backend, BackendInfo, Capability, DirEntry, FileKind, Metadata, VPath, VfsError, VfsResult,
    lock,
};
use api::{Commit, GitHubApi};
use index::{Index, Records};

/// Bytes of whole blobs kept by the backend (the core's block cache sits above).
const BLOB_CACHE: u64 = 64 << 20;

/// What `mirage` mounts.
#[derive(Clone, Debug)]
pub struct GitHubOptions {
    /// Owner (user or organisation).
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// Branch, tag or commit; `None`: the default branch.
    pub reference: Option<String>,
    /// Re-resolve the ref this often (branches move); `None`: never.
    pub refresh: Option<Duration>,
    /// Show issues and pull requests under `.github/`.
    pub issues: bool,
}

struct State {
    commit: Commit,
    index: Arc<Index>,
    resolved_at: Instant,
}

/// A repository at a ref.
pub struct GitHubBackend {
    api: Arc<dyn GitHubApi>,
    opts: GitHubOptions,
    reference: String,
    state: tokio::sync::Mutex<State>,
    blobs: Mutex<(LruCache<String, Bytes>, u64)>,
    records: tokio::sync::Mutex<Option<Arc<Records>>>,
    info: BackendInfo,
}

impl GitHubBackend {
    /// Resolves the ref and loads the tree; a missing repository or ref is an error naming it.
    pub async fn connect(api: Arc<dyn GitHubApi>, opts: GitHubOptions) -> VfsResult<Self> {
        let name = format!("{}/{}", opts.owner, opts.repo);
        let not_found = |what: &str| {
            VfsError::Io(format!(
                "GitHub {what} not found (or no access with this token)"
            ))
        };
        let reference = match &opts.reference {
            Some(r) => r.clone(),
            None => api.default_branch().await.map_err(|e| match e {
                VfsError::NotFound => not_found(&format!("repository {name}")),
                other => other,
            })?,
        };
        let commit = api.commit(&reference).await.map_err(|e| match e {
            VfsError::NotFound => not_found(&format!("ref {reference:?} of {name}")),
            other => other,
        })?;
        let index = Arc::new(Index::load(api.as_ref(), &commit).await?);
        let description = format!(
            "GitHub repository `{name}` at `{reference}` (commit {}): the repository's files as in a \
             checkout, read-only.{}",
            &commit.sha[..commit.sha.len().min(12)],
            if opts.issues {
                " Issues and pull requests as JSON: `.github/issues/<number>__<title>.json`, \
                 `.github/pulls/<number>__<title>.json`."
            } else {
                ""
            }
        );
        let blobs = LruCache::unbounded();
        Ok(GitHubBackend {
            api,
            reference,
            state: tokio::sync::Mutex::new(State {
                commit,
                index,
                resolved_at: Instant::now(),
            }),
            blobs: Mutex::new((blobs, 0)),
            records: tokio::sync::Mutex::new(None),
            info: BackendInfo {
                kind: "github",
                capability: Capability {
                    read: true,
                    list: true,
                    symlink: true,
                    cacheable: true,
                    ..Capability::default()
                },
                description,
            },
            opts,
        })
    }

    /// The commit the mount shows.
    pub async fn commit(&self) -> Commit {
        self.state.lock().await.commit.clone()
    }

    /// The current tree, re-resolving the ref first when `refresh` says so.
    async fn index(&self) -> VfsResult<Arc<Index>> {
        let mut st = self.state.lock().await;
        if let Some(every) = self.opts.refresh
            && st.resolved_at.elapsed() >= every
        {
            st.resolved_at = Instant::now();
            match self.api.commit(&self.reference).await {
                Ok(c) if c.sha != st.commit.sha => {
                    tracing::info!(commit = %c.sha, "GitHub ref {} moved; reloading the tree", self.reference);
                    st.index = Arc::new(Index::load(self.api.as_ref(), &c).await?);
                    st.commit = c;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("GitHub refresh of {}: {e}", self.reference),
            }
        }
        Ok(st.index.clone())
    }

    async fn records(&self) -> VfsResult<Option<Arc<Records>>> {
        if !self.opts.issues {
            return Ok(None);
        }
        let mut r = self.records.lock().await;
        if r.is_none() {
            *r = Some(Arc::new(Records::load(self.api.as_ref()).await?));
        }
        Ok(r.clone())
    }

    async fn blob(&self, sha: &str) -> VfsResult<Bytes> {
        if let Some(b) = lock(&self.blobs).0.get(sha) {
            return Ok(b.clone());
        }
        let b = self.api.blob(sha).await?;
        let mut cache = lock(&self.blobs);
        if (b.len() as u64) < BLOB_CACHE / 4 {
            cache.1 += b.len() as u64;
            cache.0.put(sha.to_string(), b.clone());
            while cache.1 > BLOB_CACHE {
                match cache.0.pop_lru() {
                    Some((_, old)) => cache.1 -= old.len() as u64,
                    None => break,
                }
            }
        }
        Ok(b)
    }
}

#[async_trait]
impl Backend for GitHubBackend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        let index = self.index().await?;
        if let Some(records) = self.records().await?
            && let Some(m) = records.stat(path, index.date)
        {
            return Ok(m);
        }
        index.stat(path)
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let index = self.index().await?;
        let records = self.records().await?;
        if let Some(r) = &records
            && let Some(list) = r.list(path, index.date)
        {
            return Ok(list);
        }
        let mut list = match index.list(path) {
            // `.github` may exist only for the issue and pull request files.
            Err(VfsError::NotFound) if records.is_some() && path.as_str() == "/.github" => {
                Vec::new()
            }
            other => other?,
        };
        if let Some(r) = &records {
            r.merge_into(path, &mut list, index.date);
        }
        Ok(list)
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        let index = self.index().await?;
        let data = match self.records().await? {
            Some(r) if r.is_record(path) => r.content(path)?,
            _ => {
                let e = index.entry(path)?;
                match e.kind {
                    FileKind::Dir => return Err(VfsError::IsADirectory),
                    FileKind::Symlink => return Err(VfsError::SymlinkLoop),
                    FileKind::Special => return Err(VfsError::InvalidArgument),
                    FileKind::File => self.blob(&e.sha).await?,
                }
            }
        };
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(len as usize).min(data.len());
        Ok(data.slice(start..end))
    }

    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        let e = self.index().await?.entry(path)?;
        if e.kind != FileKind::Symlink {
            return Err(VfsError::InvalidArgument);
        }
        let target = self.blob(&e.sha).await?;
        String::from_utf8(target.to_vec())
            .map_err(|_| VfsError::Io("symlink target is not UTF-8".into()))
    }
}
