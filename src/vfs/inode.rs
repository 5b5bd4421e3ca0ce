//! The inode table: stable numbers for paths, as the kernel needs them.
//!
//! Only the FUSE frontend uses inodes; the shell works on paths. Each inode counts the kernel's
//! lookups and is dropped when `forget` brings the count to zero. A rename rewrites the paths
//! of the whole subtree (a range scan of the ordered path index); an unlink or a rename over
//! an existing target detaches the old inode so it can never answer for the new file.
//!
//! Hard links: one inode may have several names. A file with more than one link is known by
//! its backend's file id, so every name of it is looked up as the same inode (one page cache,
//! one `st_ino`); removing one name leaves the inode to the others.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::lock;
use super::path::VPath;

/// The inode number of the workspace root (`FUSE_ROOT_ID`).
pub const ROOT_INO: u64 = 1;

struct Node {
    /// `None` once unlinked (the kernel may still hold it for open files).
    path: Option<VPath>,
    /// Further names (hard links) of the same file.
    links: Vec<VPath>,
    lookups: u64,
    /// The backend's file id, for files with several links.
    file_id: Option<u64>,
}

impl Node {
    fn new(path: VPath, file_id: Option<u64>) -> Self {
        Node {
            path: Some(path),
            links: Vec::new(),
            lookups: 1,
            file_id,
        }
    }

    /// Drops the name `name`; another link takes over as the path.
    fn drop_name(&mut self, name: &VPath) {
        if self.path.as_ref() == Some(name) {
            self.path = self.links.pop();
        } else {
            self.links.retain(|l| l != name);
        }
    }

    /// Renames the name `old` to `new`.
    fn rename_name(&mut self, old: &VPath, new: VPath) {
        if self.path.as_ref() == Some(old) {
            self.path = Some(new);
        } else if let Some(l) = self.links.iter_mut().find(|l| *l == old) {
            *l = new;
        }
    }
}

struct Inner {
    nodes: HashMap<u64, Node>,
    by_path: BTreeMap<VPath, u64>,
    /// File id → inode, for files with several links.
    by_file: HashMap<u64, u64>,
    next: u64,
}

/// Maps inode numbers to paths and back.
pub struct InodeTable {
    inner: Mutex<Inner>,
}

impl Default for InodeTable {
    fn default() -> Self {
        Self::new()
    }
}

impl InodeTable {
    /// A table holding only the root.
    pub fn new() -> Self {
        let mut nodes = HashMap::new();
        nodes.insert(ROOT_INO, Node::new(VPath::root(), None));
        let mut by_path = BTreeMap::new();
        by_path.insert(VPath::root(), ROOT_INO);
        InodeTable {
            inner: Mutex::new(Inner {
                nodes,
                by_path,
                by_file: HashMap::new(),
                next: ROOT_INO + 1,
            }),
        }
    }

    /// The path of `ino`, if it is known and not unlinked.
    pub fn path(&self, ino: u64) -> Option<VPath> {
        lock(&self.inner)
            .nodes
            .get(&ino)
            .and_then(|n| n.path.clone())
    }

    /// The inode of `path`, counting one kernel lookup (created on first sight).
    pub fn lookup(&self, path: &VPath) -> u64 {
        self.lookup_file(path, None)
    }

    /// [`InodeTable::lookup`] for a file with several links, known by the backend's
    /// `file_id`: a name not seen yet joins the inode of another name of the same file.
    pub fn lookup_file(&self, path: &VPath, file_id: Option<u64>) -> u64 {
        let mut inner = lock(&self.inner);
        let known = inner.by_path.get(path).copied().or_else(|| {
            let ino = *inner.by_file.get(&file_id?)?;
            inner.nodes.get(&ino)?.path.as_ref()?;
            Some(ino)
        });
        if let Some(ino) = known {
            inner.by_path.insert(path.clone(), ino);
            if let Some(n) = inner.nodes.get_mut(&ino) {
                if n.path.as_ref() != Some(path) && !n.links.contains(path) {
                    n.links.push(path.clone());
                }
                n.lookups += 1;
            }
            return ino;
        }
        let ino = inner.next;
        inner.next += 1;
        inner.nodes.insert(ino, Node::new(path.clone(), file_id));
        inner.by_path.insert(path.clone(), ino);
        if let Some(id) = file_id {
            inner.by_file.insert(id, ino);
        }
        ino
    }

    /// `path` became a new name of `ino` (a hard link made through the mount); `file_id`
    /// lets later lookups of other names find it.
    pub fn linked(&self, ino: u64, path: &VPath, file_id: Option<u64>) {
        let mut inner = lock(&self.inner);
        let Some(n) = inner.nodes.get_mut(&ino) else {
            return;
        };
        if n.path.as_ref() != Some(path) && !n.links.contains(path) {
            n.links.push(path.clone());
        }
        if n.file_id.is_none() {
            n.file_id = file_id;
        }
        inner.by_path.insert(path.clone(), ino);
        if let Some(id) = file_id {
            inner.by_file.insert(id, ino);
        }
    }

    /// The inode of `path` without counting a lookup (0 when unknown).
    pub fn peek(&self, path: &VPath) -> u64 {
        lock(&self.inner).by_path.get(path).copied().unwrap_or(0)
    }

    /// Drops `n` lookups; the inode is forgotten at zero (the root never is). Returns true
    /// when it was.
    pub fn forget(&self, ino: u64, n: u64) -> bool {
        if ino == ROOT_INO {
            return false;
        }
        let mut inner = lock(&self.inner);
        let Some(node) = inner.nodes.get_mut(&ino) else {
            return false;
        };
        node.lookups = node.lookups.saturating_sub(n);
        if node.lookups == 0 {
            let names: Vec<VPath> = node
                .path
                .take()
                .into_iter()
                .chain(node.links.drain(..))
                .collect();
            let file_id = node.file_id;
            inner.nodes.remove(&ino);
            for p in names {
                if inner.by_path.get(&p) == Some(&ino) {
                    inner.by_path.remove(&p);
                }
            }
            if let Some(id) = file_id
                && inner.by_file.get(&id) == Some(&ino)
            {
                inner.by_file.remove(&id);
            }
            return true;
        }
        false
    }

    /// Detaches the inode at `path` (after unlink/rmdir or when a rename replaces it).
    pub fn unlinked(&self, path: &VPath) {
        let mut inner = lock(&self.inner);
        if let Some(ino) = inner.by_path.remove(path)
            && let Some(n) = inner.nodes.get_mut(&ino)
        {
            n.drop_name(path);
        }
    }

    /// Rewrites `from` and everything below it to live under `to`.
    pub fn rename(&self, from: &VPath, to: &VPath) {
        if from == to {
            return;
        }
        let mut inner = lock(&self.inner);
        if let Some(old) = inner.by_path.remove(to)
            && let Some(n) = inner.nodes.get_mut(&old)
        {
            n.drop_name(to);
        }
        let mut moved: Vec<(VPath, u64)> = Vec::new();
        if let Some(&ino) = inner.by_path.get(from) {
            moved.push((from.clone(), ino));
        }
        // Descendants sort contiguously between "from/" and "from0" ('0' follows '/').
        let lo = format!("{}/", from.as_str().trim_end_matches('/'));
        let hi = format!("{}0", from.as_str().trim_end_matches('/'));
        let range = inner
            .by_path
            .range(VPath::range_bound(lo)..VPath::range_bound(hi));
        moved.extend(range.map(|(p, &i)| (p.clone(), i)));
        for (old, ino) in moved {
            inner.by_path.remove(&old);
            if let Some(new) = old.rebase(from, to) {
                // A target subtree (necessarily an empty dir) was detached above.
                inner.by_path.insert(new.clone(), ino);
                if let Some(n) = inner.nodes.get_mut(&ino) {
                    n.rename_name(&old, new);
                }
            }
        }
    }

    /// The number of inodes held (root included).
    pub fn len(&self) -> usize {
        lock(&self.inner).nodes.len()
    }

    /// Never true: the root is always held.
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    #[test]
    fn lookup_is_stable_and_forget_drops_at_zero() {
        let t = InodeTable::new();
        let a = t.lookup(&p("/a"));
        assert_eq!(t.lookup(&p("/a")), a);
        t.forget(a, 1);
        assert_eq!(t.path(a), Some(p("/a")));
        t.forget(a, 1);
        assert_eq!(t.path(a), None);
        assert_ne!(t.lookup(&p("/a")), a);
    }

    #[test]
    fn rename_moves_the_subtree_but_not_siblings() {
        let t = InodeTable::new();
        let d = t.lookup(&p("/d"));
        let f = t.lookup(&p("/d/x/f"));
        let sib = t.lookup(&p("/d!"));
        let sib2 = t.lookup(&p("/d0"));
        t.rename(&p("/d"), &p("/e/d"));
        assert_eq!(t.path(d), Some(p("/e/d")));
        assert_eq!(t.path(f), Some(p("/e/d/x/f")));
        assert_eq!(t.path(sib), Some(p("/d!")));
        assert_eq!(t.path(sib2), Some(p("/d0")));
    }

    #[test]
    fn hard_links_share_an_inode_until_the_last_name_goes() {
        let t = InodeTable::new();
        let a = t.lookup(&p("/a"));
        t.linked(a, &p("/d/b"), Some(42));
        assert_eq!(t.peek(&p("/d/b")), a);
        // A third name found by lookup joins through the file id.
        assert_eq!(t.lookup_file(&p("/c"), Some(42)), a);
        t.unlinked(&p("/a"));
        let left = t.path(a).unwrap();
        assert!(left == p("/d/b") || left == p("/c"), "{left:?}");
        t.rename(&p("/d"), &p("/e"));
        t.unlinked(&p("/c"));
        assert_eq!(t.path(a), Some(p("/e/b")));
        t.unlinked(&p("/e/b"));
        assert_eq!(t.path(a), None);
        // Forgetting drops the id, so a new file with a reused id is a new inode.
        t.forget(a, 2);
        assert_ne!(t.lookup_file(&p("/x"), Some(42)), a);
    }

    #[test]
    fn rename_over_target_detaches_it() {
        let t = InodeTable::new();
        let a = t.lookup(&p("/a"));
        let b = t.lookup(&p("/b"));
        t.rename(&p("/a"), &p("/b"));
        assert_eq!(t.path(a), Some(p("/b")));
        assert_eq!(t.path(b), None);
        assert_eq!(t.peek(&p("/b")), a);
    }
}
