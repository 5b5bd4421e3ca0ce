//! The `ram` tree: directories own their entries, files are shared `Arc<RwLock<FileData>>`
//! (one per file, whatever its number of names), and path walks over it.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use super::attrs::Attrs;
use super::content::Content;
use crate::vfs::{FileKind, Metadata, Posix, Special, VPath, VfsError, VfsResult};

/// The bytes and attributes of one file.
pub(super) struct FileData {
    pub(super) content: Content,
    pub(super) mtime: SystemTime,
    pub(super) perm: u16,
    pub(super) attrs: Attrs,
    /// Names in the tree (hard links); 0 once the last is gone.
    pub(super) links: u32,
    /// A FIFO, socket or device node: no bytes, the kernel serves it.
    pub(super) special: Option<Special>,
}

impl FileData {
    pub(super) fn new(content: Content) -> Self {
        FileData {
            content,
            mtime: crate::vfs::now(),
            perm: 0o644,
            attrs: Attrs::default(),
            links: 1,
            special: None,
        }
    }
}

pub(super) type FileRef = Arc<RwLock<FileData>>;

pub(super) enum Node {
    File(FileRef),
    Dir(Dir),
    Symlink {
        target: String,
        mtime: SystemTime,
        attrs: Attrs,
    },
}

pub(super) struct Dir {
    pub(super) entries: BTreeMap<String, Node>,
    pub(super) mtime: SystemTime,
    pub(super) perm: u16,
    pub(super) attrs: Attrs,
}

impl Dir {
    /// Its attributes; the link count is 2 plus its subdirectories, as on disk.
    pub(super) fn metadata(&self) -> Metadata {
        let subdirs = self
            .entries
            .values()
            .filter(|n| matches!(n, Node::Dir(_)))
            .count();
        Metadata {
            perm: self.perm,
            posix: self.attrs.posix(self.mtime, 2 + subdirs as u32),
            ..Metadata::dir(self.mtime)
        }
    }

    pub(super) fn new() -> Self {
        Dir {
            entries: BTreeMap::new(),
            mtime: crate::vfs::now(),
            perm: 0o755,
            attrs: Attrs::default(),
        }
    }
}

pub(super) fn read_lock<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn write_lock<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

impl Node {
    /// This name of the node is gone: a file has one link less.
    pub(super) fn unlinked(&self) {
        if let Node::File(f) = self {
            let mut f = write_lock(f);
            f.links = f.links.saturating_sub(1);
            f.attrs.changed();
        }
    }

    pub(super) fn metadata(&self) -> Metadata {
        match self {
            Node::File(file) => {
                let f = read_lock(file);
                Metadata {
                    kind: if f.special.is_some() {
                        FileKind::Special
                    } else {
                        FileKind::File
                    },
                    size: f.content.len(),
                    mtime: f.mtime,
                    perm: f.perm,
                    version: None,
                    posix: Posix {
                        special: f.special,
                        // The file's address: stable while any name or handle holds it.
                        file_id: Some(Arc::as_ptr(file) as u64),
                        // Whole 4 KiB pages of what the file holds, holes excluded (as tmpfs).
                        blocks: Some(f.content.allocated().div_ceil(4096) * 8),
                        ..f.attrs.posix(f.mtime, f.links)
                    },
                }
            }
            Node::Dir(d) => d.metadata(),
            Node::Symlink {
                target,
                mtime,
                attrs,
            } => Metadata {
                kind: FileKind::Symlink,
                size: target.len() as u64,
                mtime: *mtime,
                perm: 0o777,
                version: None,
                posix: attrs.posix(*mtime, 1),
            },
        }
    }
}

pub(super) fn find<'a>(root: &'a Dir, path: &VPath) -> VfsResult<&'a Node> {
    let mut dir = root;
    let mut comps = path.components().peekable();
    while let Some(c) = comps.next() {
        let node = dir.entries.get(c).ok_or(VfsError::NotFound)?;
        if comps.peek().is_none() {
            return Ok(node);
        }
        match node {
            Node::Dir(d) => dir = d,
            _ => return Err(VfsError::NotADirectory),
        }
    }
    Err(VfsError::InvalidArgument) // the root itself is handled by callers
}

pub(super) fn dir_ref<'a>(root: &'a Dir, path: &VPath) -> VfsResult<&'a Dir> {
    let mut dir = root;
    for c in path.components() {
        match dir.entries.get(c) {
            Some(Node::Dir(d)) => dir = d,
            Some(_) => return Err(VfsError::NotADirectory),
            None => return Err(VfsError::NotFound),
        }
    }
    Ok(dir)
}

pub(super) fn dir_mut<'a>(root: &'a mut Dir, path: &VPath) -> VfsResult<&'a mut Dir> {
    let mut dir = root;
    for c in path.components() {
        match dir.entries.get_mut(c) {
            Some(Node::Dir(d)) => dir = d,
            Some(_) => return Err(VfsError::NotADirectory),
            None => return Err(VfsError::NotFound),
        }
    }
    Ok(dir)
}
