//! The in-memory view of one commit: the git tree as paths, and (optionally) the issues and
//! pull requests as JSON files under `.github/`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::SystemTime;

use bytes::Bytes;

use super::api::{Commit, GitHubApi, TreeItem, json_time};
use crate::vfs::path::{NAME_MAX, validate_name};
use crate::vfs::{DirEntry, FileKind, Metadata, VPath, VfsError, VfsResult};

/// One path of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// File, directory (trees and submodules) or symlink.
    pub kind: FileKind,
    /// Blob size (0 for directories).
    pub size: u64,
    /// Object sha (the blob's for files and symlinks).
    pub sha: String,
    /// Permission bits from the git mode.
    pub perm: u16,
}

/// All paths of one commit's tree.
pub struct Index {
    entries: HashMap<VPath, Entry>,
    children: HashMap<VPath, Vec<String>>,
    /// The commit's date, used as every file's mtime.
    pub date: SystemTime,
}

impl Index {
    /// Loads the tree of `commit`: one recursive request, or a walk of sub-trees when GitHub
    /// truncates the recursive answer.
    pub async fn load(api: &dyn GitHubApi, commit: &Commit) -> VfsResult<Index> {
        let mut index = Index {
            entries: HashMap::new(),
            children: HashMap::new(),
            date: commit.date,
        };
        let mut kids: HashMap<VPath, BTreeSet<String>> = HashMap::new();
        let tree = api.tree(&commit.tree, true).await?;
        if !tree.truncated {
            for item in &tree.tree {
                index.add("", item, &mut kids);
            }
        } else {
            tracing::info!(
                "GitHub tree {} is truncated; loading it one sub-tree at a time",
                commit.tree
            );
            let mut queue = vec![(String::new(), commit.tree.clone())];
            while let Some((prefix, sha)) = queue.pop() {
                for item in api.tree(&sha, false).await?.tree {
                    if item.kind == "tree" {
                        queue.push((format!("{prefix}{}/", item.path), item.sha.clone()));
                    }
                    index.add(&prefix, &item, &mut kids);
                }
            }
        }
        index.children = kids
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect();
        Ok(index)
    }

    fn add(&mut self, prefix: &str, item: &TreeItem, kids: &mut HashMap<VPath, BTreeSet<String>>) {
        let Ok(path) = VPath::parse(&format!("/{prefix}{}", item.path)) else {
            tracing::warn!(path = %item.path, "skipping a tree entry that is not a valid path");
            return;
        };
        if path.is_root() {
            return;
        }
        let (kind, perm) = match (item.kind.as_str(), item.mode.as_str()) {
            ("blob", "120000") => (FileKind::Symlink, 0o777),
            ("blob", "100755") => (FileKind::File, 0o755),
            ("blob", _) => (FileKind::File, 0o644),
            _ => (FileKind::Dir, 0o755), // trees, and submodules as empty directories
        };
        let size = if kind == FileKind::Dir {
            0
        } else {
            item.size.unwrap_or(0)
        };
        // Parents exist in every GitHub answer; add them anyway so a partial one stays walkable.
        let mut child = path.clone();
        while !child.is_root() {
            let parent = child.parent();
            kids.entry(parent.clone())
                .or_default()
                .insert(child.name().to_string());
            if !parent.is_root() && !self.entries.contains_key(&parent) {
                let dir = Entry {
                    kind: FileKind::Dir,
                    size: 0,
                    sha: String::new(),
                    perm: 0o755,
                };
                self.entries.insert(parent.clone(), dir);
            }
            child = parent;
        }
        self.entries.insert(
            path,
            Entry {
                kind,
                size,
                sha: item.sha.clone(),
                perm,
            },
        );
    }

    /// The entry at `path` (the root is a directory).
    pub fn entry(&self, path: &VPath) -> VfsResult<Entry> {
        if path.is_root() {
            return Ok(Entry {
                kind: FileKind::Dir,
                size: 0,
                sha: String::new(),
                perm: 0o755,
            });
        }
        if let Some(e) = self.entries.get(path) {
            return Ok(e.clone());
        }
        // Below a file: ENOTDIR, like a real checkout.
        let mut p = path.parent();
        while !p.is_root() {
            if self
                .entries
                .get(&p)
                .is_some_and(|e| e.kind != FileKind::Dir)
            {
                return Err(VfsError::NotADirectory);
            }
            p = p.parent();
        }
        Err(VfsError::NotFound)
    }

    fn meta(&self, e: &Entry) -> Metadata {
        Metadata {
            kind: e.kind,
            size: e.size,
            mtime: self.date,
            perm: e.perm,
            version: (e.kind != FileKind::Dir).then(|| e.sha.clone()),
            posix: Default::default(),
        }
    }

    /// Attributes of `path`.
    pub fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        self.entry(path).map(|e| self.meta(&e))
    }

    /// The entries of directory `path`, sorted.
    pub fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let e = self.entry(path)?;
        if e.kind != FileKind::Dir {
            return Err(VfsError::NotADirectory);
        }
        let names = self.children.get(path).cloned().unwrap_or_default();
        Ok(names
            .into_iter()
            .filter_map(|name| {
                let child = path.join(&name).ok()?;
                Some(DirEntry {
                    meta: self.meta(self.entries.get(&child)?),
                    name,
                })
            })
            .collect())
    }

    /// Number of paths (for logs and tests).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True for an empty repository.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Issues and pull requests as files: `/.github/{issues,pulls}/<number>__<title>.json`.
pub struct Records {
    files: BTreeMap<VPath, (Bytes, SystemTime)>,
}

const DIRS: [&str; 2] = ["issues", "pulls"];

/// `<number>__<title>.json`, with `/` as `∕`, no NUL, cut to NAME_MAX bytes.
pub fn record_name(number: u64, title: &str) -> String {
    let mut title: String = title
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if c == '/' { '∕' } else { c })
        .collect();
    let fixed = format!("{number}__.json").len();
    while title.len() + fixed > NAME_MAX {
        title.pop();
    }
    let name = format!("{number}__{title}.json");
    if validate_name(&name).is_ok() {
        name
    } else {
        format!("{number}__.json")
    }
}

impl Records {
    /// Fetches every issue and pull request (all pages).
    pub async fn load(api: &dyn GitHubApi) -> VfsResult<Records> {
        let mut files = BTreeMap::new();
        for kind in DIRS {
            let mut page = 1;
            loop {
                let (items, next) = api.page(kind, page).await?;
                for item in items {
                    if kind == "issues" && item.get("pull_request").is_some() {
                        continue; // the issues API lists pull requests too
                    }
                    let Some(number) = item.get("number").and_then(|n| n.as_u64()) else {
                        continue;
                    };
                    let title = item.get("title").and_then(|t| t.as_str()).unwrap_or("");
                    let path =
                        VPath::parse(&format!("/.github/{kind}/{}", record_name(number, title)))?;
                    let mut body = serde_json::to_vec_pretty(&item)
                        .map_err(|e| VfsError::Io(e.to_string()))?;
                    body.push(b'\n');
                    files.insert(path, (Bytes::from(body), json_time(&item, "updated_at")));
                }
                if !next {
                    break;
                }
                page += 1;
            }
        }
        Ok(Records { files })
    }

    /// True for paths of record files.
    pub fn is_record(&self, path: &VPath) -> bool {
        self.files.contains_key(path)
    }

    /// The JSON of a record file.
    pub fn content(&self, path: &VPath) -> VfsResult<Bytes> {
        self.files
            .get(path)
            .map(|(b, _)| b.clone())
            .ok_or(VfsError::NotFound)
    }

    fn is_dir(path: &VPath) -> bool {
        path.as_str() == "/.github"
            || DIRS
                .iter()
                .any(|d| path.as_str() == format!("/.github/{d}"))
    }

    /// Attributes of a record file or directory (`None`: not ours).
    pub fn stat(&self, path: &VPath, date: SystemTime) -> Option<Metadata> {
        if Self::is_dir(path) {
            return Some(Metadata {
                perm: 0o755,
                ..Metadata::dir(date)
            });
        }
        self.files
            .get(path)
            .map(|(b, t)| Metadata::file(b.len() as u64, *t))
    }

    /// The listing of `.github/issues` or `.github/pulls` (`None` for other directories).
    pub fn list(&self, path: &VPath, _date: SystemTime) -> Option<Vec<DirEntry>> {
        if !DIRS
            .iter()
            .any(|d| path.as_str() == format!("/.github/{d}"))
        {
            return None;
        }
        Some(
            self.files
                .iter()
                .filter(|(p, _)| &p.parent() == path)
                .map(|(p, (b, t))| DirEntry {
                    name: p.name().to_string(),
                    meta: Metadata::file(b.len() as u64, *t),
                })
                .collect(),
        )
    }

    /// Adds `.github` to the root and `issues`/`pulls` to `.github` when the tree lacks them.
    pub fn merge_into(&self, path: &VPath, list: &mut Vec<DirEntry>, date: SystemTime) {
        let add: &[&str] = match path.as_str() {
            "/" => &[".github"],
            "/.github" => &DIRS,
            _ => &[],
        };
        for name in add {
            if !list.iter().any(|e| e.name == *name) {
                list.push(DirEntry {
                    name: name.to_string(),
                    meta: Metadata::dir(date),
                });
            }
        }
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names_replace_slashes_and_fit_name_max() {
        assert_eq!(record_name(7, "Fix a/b parsing"), "7__Fix a∕b parsing.json");
        let long = record_name(12345, &"é".repeat(300));
        assert!(long.len() <= NAME_MAX && long.starts_with("12345__") && long.ends_with(".json"));
    }
}
