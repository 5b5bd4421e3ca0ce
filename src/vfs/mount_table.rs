//! The mount table: which backend stack serves which part of the workspace.
//!
//! Routing is by longest prefix. Directories above mount points that no mount serves (`/`
//! when nothing is mounted there, `/a` for a mount at `/a/b`) are synthetic: they list their
//! child mounts, answer `stat` as directories and, being served by an empty backend behind a
//! read-mode layer, refuse writes with "Read-only file system".

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;

use super::backend::{Backend, BackendInfo, Capability, DirEntry, Metadata};
use super::error::{VfsError, VfsResult};
use super::mode::{Mode, ModeLayer};
use super::path::VPath;

/// One mounted backend stack.
pub struct Mount {
    /// Where it appears in the workspace.
    pub path: VPath,
    /// The composed layers (mode → cache → backend).
    pub stack: Arc<dyn Backend>,
    /// Read or write.
    pub mode: Mode,
    /// Metadata TTL, also handed to the kernel.
    pub ttl: Duration,
}

/// All mounts of a workspace, routed by longest prefix.
pub struct MountTable {
    /// Mounts sorted by decreasing depth, so the first match is the longest prefix.
    mounts: Vec<Mount>,
    /// Strict ancestors of mount points: shown as directories even where no backend has them.
    ancestors: BTreeSet<VPath>,
    started: SystemTime,
}

impl MountTable {
    /// Builds the table; fails on duplicate mount paths. Adds the synthetic root when no
    /// mount serves `/`.
    pub fn new(mut mounts: Vec<Mount>) -> VfsResult<Self> {
        let mut seen = BTreeSet::new();
        for m in &mounts {
            if !seen.insert(m.path.clone()) {
                return Err(VfsError::InvalidPath(format!(
                    "mount path {} is used twice",
                    m.path
                )));
            }
        }
        let mut ancestors = BTreeSet::new();
        for m in &mounts {
            let mut p = m.path.clone();
            while !p.is_root() {
                p = p.parent();
                ancestors.insert(p.clone());
            }
        }
        if !seen.contains(&VPath::root()) {
            let ttl = mounts
                .iter()
                .map(|m| m.ttl)
                .min()
                .unwrap_or(Duration::from_secs(1));
            mounts.push(Mount {
                path: VPath::root(),
                stack: Arc::new(ModeLayer::new(Arc::new(EmptyBackend::new()), Mode::Read)),
                mode: Mode::Read,
                ttl,
            });
        }
        mounts.sort_by_key(|m| std::cmp::Reverse(m.path.depth()));
        Ok(MountTable {
            mounts,
            ancestors,
            started: SystemTime::now(),
        })
    }

    /// The mount serving `path` and the path relative to its root.
    pub fn route(&self, path: &VPath) -> (&Mount, VPath) {
        for m in &self.mounts {
            if let Some(rel) = path.strip_prefix(&m.path) {
                return (m, rel);
            }
        }
        // Unreachable: the table always has a mount at `/`; answer with the last one anyway.
        let m = &self.mounts[self.mounts.len() - 1];
        (m, path.clone())
    }

    /// The index of the mount serving `path` (stable for the table's life).
    pub fn mount_index(&self, path: &VPath) -> usize {
        self.mounts
            .iter()
            .position(|m| path.starts_with(&m.path))
            .unwrap_or(self.mounts.len() - 1)
    }

    /// All mounts, deepest first (the synthetic root, if any, included).
    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }

    /// True for directories that exist only because a mount lies below them.
    pub fn is_ancestor(&self, path: &VPath) -> bool {
        self.ancestors.contains(path)
    }

    /// Attributes of a synthetic directory.
    pub fn synthetic_dir(&self) -> Metadata {
        Metadata {
            perm: 0o555,
            ..Metadata::dir(self.started)
        }
    }

    /// Names directly below `dir` that are mount points or their ancestors.
    pub fn child_mount_names(&self, dir: &VPath) -> Vec<String> {
        let mut names = BTreeSet::new();
        for p in self
            .mounts
            .iter()
            .map(|m| &m.path)
            .chain(self.ancestors.iter())
        {
            if !p.is_root() && &p.parent() == dir {
                names.insert(p.name().to_string());
            }
        }
        names.into_iter().collect()
    }
}

/// The backend behind synthetic directories: an empty root and nothing else.
struct EmptyBackend {
    info: BackendInfo,
    started: SystemTime,
}

impl EmptyBackend {
    fn new() -> Self {
        EmptyBackend {
            info: BackendInfo {
                kind: "synthetic",
                capability: Capability {
                    read: true,
                    list: true,
                    ..Capability::default()
                },
                description: "Directories above mount points.".to_string(),
            },
            started: SystemTime::now(),
        }
    }
}

#[async_trait]
impl Backend for EmptyBackend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }
    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        if path.is_root() {
            Ok(Metadata {
                perm: 0o555,
                ..Metadata::dir(self.started)
            })
        } else {
            Err(VfsError::NotFound)
        }
    }
    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        if path.is_root() {
            Ok(Vec::new())
        } else {
            Err(VfsError::NotFound)
        }
    }
    async fn read(&self, _path: &VPath, _offset: u64, _len: u64) -> VfsResult<Bytes> {
        Err(VfsError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ram::RamBackend;

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    fn mount(path: &str) -> Mount {
        Mount {
            path: p(path),
            stack: Arc::new(RamBackend::new()),
            mode: Mode::Write,
            ttl: Duration::from_secs(1),
        }
    }

    #[test]
    fn routes_by_longest_prefix() {
        let t = MountTable::new(vec![mount("/a"), mount("/a/b"), mount("/c")]).unwrap();
        let (m, rel) = t.route(&p("/a/b/x"));
        assert_eq!((m.path.as_str(), rel.as_str()), ("/a/b", "/x"));
        let (m, rel) = t.route(&p("/a/bx"));
        assert_eq!((m.path.as_str(), rel.as_str()), ("/a", "/bx"));
        let (m, rel) = t.route(&p("/zzz"));
        assert_eq!((m.path.as_str(), rel.as_str()), ("/", "/zzz"));
    }

    #[test]
    fn duplicate_mount_paths_are_refused() {
        assert!(MountTable::new(vec![mount("/a"), mount("/a")]).is_err());
    }

    #[test]
    fn synthetic_parents_list_child_mounts() {
        let t = MountTable::new(vec![mount("/x/y"), mount("/x/z"), mount("/w")]).unwrap();
        assert_eq!(t.child_mount_names(&VPath::root()), vec!["w", "x"]);
        assert_eq!(t.child_mount_names(&p("/x")), vec!["y", "z"]);
        assert!(t.is_ancestor(&p("/x")));
        assert!(!t.is_ancestor(&p("/w")));
    }
}
