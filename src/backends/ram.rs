//! `ram`: an in-memory tree with full POSIX-style write support.
//!
//! The tree sits under one `RwLock`; each file's bytes sit in their own `Arc<RwLock<..>>`, so
//! an open handle keeps working after the file is renamed or unlinked (like a file descriptor)
//! and reads never hold the tree lock. Nothing persists past the process.

use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;

use crate::vfs::{
    Backend, BackendFile, BackendInfo, Capability, DirEntry, FsStats, MetaChange, Metadata,
    OpenOptions, PutData, Special, VPath, VfsError, VfsResult,
};

mod attrs;
mod content;
mod file;
mod tree;

use attrs::Attrs;
use content::{Budget, Content};
use file::RamFile;
use tree::{Dir, FileData, FileRef, Node, dir_mut, dir_ref, find, read_lock, write_lock};

/// The in-memory backend.
pub struct RamBackend {
    root: RwLock<Dir>,
    info: BackendInfo,
    /// What the files may hold, and hold.
    budget: Arc<Budget>,
}

impl Default for RamBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl RamBackend {
    /// An empty tree whose files may hold half of the machine's memory (tmpfs's default).
    pub fn new() -> Self {
        Self::with_limit(default_limit())
    }

    /// An empty tree whose files may hold `limit` bytes in all; past it writes fail with
    /// `ENOSPC`.
    pub fn with_limit(limit: u64) -> Self {
        RamBackend {
            budget: Budget::new(limit),
            root: RwLock::new(Dir::new()),
            info: BackendInfo {
                kind: "ram",
                capability: Capability {
                    read: true,
                    list: true,
                    write: true,
                    random_io: true,
                    create_dir: true,
                    delete: true,
                    rename: true,
                    symlink: true,
                    set_times: true,
                    set_perm: true,
                    cacheable: false,
                    prefetch: false,
                },
                description: "An in-memory scratch tree: any files and directories; \
                              contents vanish when mirage exits."
                    .to_string(),
            },
        }
    }

    /// Like [`RamBackend::new`] but without random-access handles, so the core stages whole
    /// files and commits them with `put` — the path object stores take. Used by tests.
    pub fn without_random_io() -> Self {
        let mut b = Self::new();
        b.info.capability.random_io = false;
        b
    }
}

/// Half of physical memory (as tmpfs sizes itself), or 1 GiB where that cannot be read.
fn default_limit() -> u64 {
    // SAFETY: sysconf only reads configuration values.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    match (u64::try_from(pages), u64::try_from(page)) {
        (Ok(n), Ok(size)) if n > 0 && size > 0 => n.saturating_mul(size) / 2,
        _ => 1 << 30,
    }
}

impl RamBackend {
    fn file_ref(&self, path: &VPath) -> VfsResult<FileRef> {
        let root = read_lock(&self.root);
        if path.is_root() {
            return Err(VfsError::IsADirectory);
        }
        match find(&root, path)? {
            // The kernel serves FIFOs and devices itself; they hold no bytes here.
            Node::File(f) if read_lock(f).special.is_some() => Err(VfsError::InvalidArgument),
            Node::File(f) => Ok(f.clone()),
            Node::Dir(_) => Err(VfsError::IsADirectory),
            Node::Symlink { .. } => Err(VfsError::SymlinkLoop),
        }
    }

    /// Applies `f` to the mtime, permission bits (symlinks have none) and attributes of `path`.
    fn update(
        &self,
        path: &VPath,
        f: impl FnOnce(&mut SystemTime, Option<&mut u16>, &mut Attrs),
    ) -> VfsResult<()> {
        let mut root = write_lock(&self.root);
        if path.is_root() {
            let r = &mut *root;
            f(&mut r.mtime, Some(&mut r.perm), &mut r.attrs);
            return Ok(());
        }
        let parent = dir_mut(&mut root, &path.parent())?;
        match parent
            .entries
            .get_mut(path.name())
            .ok_or(VfsError::NotFound)?
        {
            Node::File(file) => {
                let mut g = write_lock(file);
                let g = &mut *g;
                f(&mut g.mtime, Some(&mut g.perm), &mut g.attrs);
            }
            Node::Dir(d) => f(&mut d.mtime, Some(&mut d.perm), &mut d.attrs),
            Node::Symlink { mtime, attrs, .. } => f(mtime, None, attrs),
        }
        Ok(())
    }

    /// Inserts a new node under the parent of `path`; `AlreadyExists` if the name is taken.
    /// A node made in a set-group-ID directory takes the directory's group (a directory also
    /// its set-group-ID bit), as on Linux.
    fn insert_new(&self, path: &VPath, node: Node) -> VfsResult<()> {
        self.insert(path, node, true)
    }

    fn insert(&self, path: &VPath, mut node: Node, created: bool) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::AlreadyExists);
        }
        let mut root = write_lock(&self.root);
        let parent = dir_mut(&mut root, &path.parent())?;
        if parent.entries.contains_key(path.name()) {
            return Err(VfsError::AlreadyExists);
        }
        if created && parent.perm & 0o2000 != 0 {
            let gid = parent.attrs.gid();
            match &mut node {
                Node::File(f) => write_lock(f).attrs.set_gid(gid),
                Node::Dir(d) => {
                    d.attrs.set_gid(gid);
                    d.perm |= 0o2000;
                }
                Node::Symlink { attrs, .. } => attrs.set_gid(gid),
            }
        }
        // A new node and its directory change at one instant, as on a disk (so the new file
        // is not older than its directory: `find -newer` agrees).
        parent.mtime = match (&node, created) {
            (Node::File(f), true) => read_lock(f).mtime,
            (Node::Dir(d), true) => d.mtime,
            (Node::Symlink { mtime, .. }, true) => *mtime,
            _ => crate::vfs::now(),
        };
        parent.entries.insert(path.name().to_string(), node);
        Ok(())
    }

    /// Checks a rename in the order Linux does: both parents, the source, then the target.
    fn check_rename(root: &Dir, from: &VPath, to: &VPath) -> VfsResult<bool> {
        dir_ref(root, &from.parent())?;
        dir_ref(root, &to.parent())?;
        let src_is_dir = matches!(find(root, from)?, Node::Dir(_));
        if from == to {
            return Ok(src_is_dir);
        }
        if src_is_dir && to.starts_with(from) {
            return Err(VfsError::InvalidArgument);
        }
        if from.starts_with(to) {
            return Err(VfsError::DirectoryNotEmpty); // the target is an ancestor, as Linux says
        }
        match find(root, to) {
            Ok(Node::Dir(d)) => {
                if !src_is_dir {
                    return Err(VfsError::IsADirectory);
                }
                if !d.entries.is_empty() {
                    return Err(VfsError::DirectoryNotEmpty);
                }
            }
            Ok(_) if src_is_dir => return Err(VfsError::NotADirectory),
            Ok(_) | Err(VfsError::NotFound) => {}
            Err(e) => return Err(e),
        }
        Ok(src_is_dir)
    }
}

#[async_trait]
impl Backend for RamBackend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        let root = read_lock(&self.root);
        if path.is_root() {
            return Ok(Metadata {
                posix: root.metadata().posix,
                perm: root.perm,
                ..Metadata::dir(root.mtime)
            });
        }
        Ok(find(&root, path)?.metadata())
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let root = read_lock(&self.root);
        let dir = dir_ref(&root, path)?;
        Ok(dir
            .entries
            .iter()
            .map(|(name, node)| DirEntry {
                name: name.clone(),
                meta: node.metadata(),
            })
            .collect())
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        let f = self.file_ref(path)?;
        let f = read_lock(&f);
        Ok(f.content.to_bytes(offset, len))
    }

    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        let bytes = data.into_bytes()?.to_vec();
        match self.file_ref(path) {
            Ok(f) => {
                let mut f = write_lock(&f);
                f.content = Content::from_vec(bytes, &self.budget)?;
                f.mtime = crate::vfs::now();
            }
            Err(VfsError::NotFound) => {
                let file = FileData::new(Content::from_vec(bytes, &self.budget)?);
                self.insert_new(path, Node::File(Arc::new(RwLock::new(file))))?;
            }
            Err(e) => return Err(e),
        }
        self.stat(path).await
    }

    async fn open_file(&self, path: &VPath, opts: OpenOptions) -> VfsResult<Box<dyn BackendFile>> {
        let file = match self.file_ref(path) {
            Ok(_) if opts.create && opts.exclusive => return Err(VfsError::AlreadyExists),
            Ok(f) => f,
            Err(VfsError::NotFound) if opts.create => {
                let f = Arc::new(RwLock::new(FileData::new(Content::new(&self.budget))));
                self.insert_new(path, Node::File(f.clone()))?;
                f
            }
            Err(e) => return Err(e),
        };
        if opts.truncate {
            let mut f = write_lock(&file);
            f.content.set_len(0)?;
            f.mtime = crate::vfs::now();
        }
        Ok(Box::new(RamFile(file)))
    }

    async fn mkdir(&self, path: &VPath) -> VfsResult<()> {
        self.insert_new(path, Node::Dir(Dir::new()))
    }

    async fn remove_file(&self, path: &VPath) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::IsADirectory);
        }
        let mut root = write_lock(&self.root);
        let parent = dir_mut(&mut root, &path.parent())?;
        match parent.entries.get(path.name()) {
            None => Err(VfsError::NotFound),
            Some(Node::Dir(_)) => Err(VfsError::IsADirectory),
            Some(_) => {
                if let Some(node) = parent.entries.remove(path.name()) {
                    node.unlinked();
                }
                parent.mtime = crate::vfs::now();
                Ok(())
            }
        }
    }

    async fn remove_dir(&self, path: &VPath) -> VfsResult<()> {
        if path.is_root() {
            return Err(VfsError::NotPermitted);
        }
        let mut root = write_lock(&self.root);
        let parent = dir_mut(&mut root, &path.parent())?;
        match parent.entries.get(path.name()) {
            None => Err(VfsError::NotFound),
            Some(Node::Dir(d)) if !d.entries.is_empty() => Err(VfsError::DirectoryNotEmpty),
            Some(Node::Dir(_)) => {
                parent.entries.remove(path.name());
                parent.mtime = crate::vfs::now();
                Ok(())
            }
            Some(_) => Err(VfsError::NotADirectory),
        }
    }

    async fn rename(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        if from.is_root() || to.is_root() {
            return Err(VfsError::NotPermitted);
        }
        let mut root = write_lock(&self.root);
        Self::check_rename(&root, from, to)?;
        if from == to {
            return Ok(());
        }
        let now = crate::vfs::now();
        let src_parent = dir_mut(&mut root, &from.parent())?;
        let node = src_parent
            .entries
            .remove(from.name())
            .ok_or(VfsError::NotFound)?;
        src_parent.mtime = now;
        let mut node = node;
        match &mut node {
            Node::File(f) => write_lock(f).attrs.changed(),
            Node::Dir(d) => d.attrs.changed(),
            Node::Symlink { attrs, .. } => attrs.changed(),
        }
        let dst_parent = dir_mut(&mut root, &to.parent())?;
        if let Some(replaced) = dst_parent.entries.insert(to.name().to_string(), node) {
            replaced.unlinked();
        }
        dst_parent.mtime = now;
        Ok(())
    }

    async fn symlink(&self, path: &VPath, target: &str) -> VfsResult<()> {
        let node = Node::Symlink {
            target: target.to_string(),
            mtime: crate::vfs::now(),
            attrs: Attrs::default(),
        };
        self.insert_new(path, node)
    }

    async fn mknod(&self, path: &VPath, special: Special, perm: u16) -> VfsResult<()> {
        let mut data = FileData::new(Content::new(&self.budget));
        data.special = Some(special);
        data.perm = perm;
        self.insert_new(path, Node::File(Arc::new(RwLock::new(data))))
    }

    async fn link(&self, from: &VPath, to: &VPath) -> VfsResult<()> {
        if to.is_root() {
            return Err(VfsError::AlreadyExists);
        }
        let node = {
            let root = read_lock(&self.root);
            if from.is_root() {
                return Err(VfsError::NotPermitted);
            }
            match find(&root, from)? {
                Node::File(f) => Node::File(f.clone()),
                Node::Symlink { target, mtime, .. } => Node::Symlink {
                    // A link to a symlink: a second symlink with the same target.
                    target: target.clone(),
                    mtime: *mtime,
                    attrs: Attrs::default(),
                },
                Node::Dir(_) => return Err(VfsError::NotPermitted),
            }
        };
        let file = match &node {
            Node::File(f) => Some(f.clone()),
            _ => None,
        };
        self.insert(to, node, false)?;
        if let Some(f) = file {
            let mut f = write_lock(&f);
            f.links += 1;
            f.attrs.changed();
        }
        Ok(())
    }

    async fn readlink(&self, path: &VPath) -> VfsResult<String> {
        let root = read_lock(&self.root);
        if path.is_root() {
            return Err(VfsError::InvalidArgument);
        }
        match find(&root, path)? {
            Node::Symlink { target, .. } => Ok(target.clone()),
            _ => Err(VfsError::InvalidArgument),
        }
    }

    /// The budget as the mount's size, what the files hold as used (what `df` shows).
    async fn statfs(&self) -> VfsResult<FsStats> {
        let (limit, used) = self.budget.usage();
        let page = 4096;
        Ok(FsStats {
            block_size: page as u32,
            blocks: limit / page,
            blocks_free: limit.saturating_sub(used) / page,
            ..FsStats::default()
        })
    }

    async fn set_times(&self, path: &VPath, mtime: SystemTime) -> VfsResult<()> {
        self.update(path, |m, _, a| {
            *m = mtime;
            a.changed();
        })
    }

    async fn set_perm(&self, path: &VPath, perm: u16) -> VfsResult<()> {
        self.update(path, |_, p, a| {
            if let Some(p) = p {
                *p = perm;
            }
            a.changed();
        })
    }

    async fn set_attrs(&self, path: &VPath, change: MetaChange) -> VfsResult<()> {
        self.update(path, |_, _, a| a.apply(change))
    }
}
