//! Conversions between the core's types and fuser's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fuser::{FileAttr, FileType, INodeNo};

use crate::vfs::{FileKind, Metadata, SpecialKind};

/// The kernel-facing attributes of `meta` as inode `ino`; owned by `uid:gid` unless the
/// backend keeps owners.
pub fn to_attr(ino: u64, meta: &Metadata, uid: u32, gid: u32) -> FileAttr {
    let kind = file_type(meta);
    FileAttr {
        ino: INodeNo(ino),
        size: meta.size,
        blocks: meta.posix.blocks.unwrap_or(match meta.kind {
            FileKind::File => meta.size.div_ceil(4096) * 8,
            _ => 0,
        }),
        atime: meta.posix.atime.unwrap_or(meta.mtime),
        mtime: meta.mtime,
        ctime: meta.posix.ctime.unwrap_or(meta.mtime),
        crtime: meta.mtime,
        kind,
        perm: meta.perm,
        nlink: meta
            .posix
            .nlink
            .unwrap_or(if meta.kind == FileKind::Dir { 2 } else { 1 }),
        uid: meta.posix.uid.unwrap_or(uid),
        gid: meta.posix.gid.unwrap_or(gid),
        rdev: meta.posix.special.map_or(0, |s| s.rdev as u32),
        blksize: 4096,
        flags: 0,
    }
}

/// The fuser file type of an object.
pub fn file_type(meta: &Metadata) -> FileType {
    match meta.kind {
        FileKind::File => FileType::RegularFile,
        FileKind::Dir => FileType::Directory,
        FileKind::Symlink => FileType::Symlink,
        FileKind::Special => match meta.posix.special.map(|s| s.kind) {
            Some(SpecialKind::Fifo) => FileType::NamedPipe,
            Some(SpecialKind::Socket) => FileType::Socket,
            Some(SpecialKind::CharDevice) => FileType::CharDevice,
            Some(SpecialKind::BlockDevice) => FileType::BlockDevice,
            None => FileType::RegularFile,
        },
    }
}

/// A fingerprint of a file's content for keeping the kernel page cache across opens.
pub fn fingerprint(meta: &Metadata) -> String {
    match &meta.version {
        Some(v) => v.clone(),
        None => {
            let t = meta
                .mtime
                .duration_since(UNIX_EPOCH)
                .unwrap_or(Duration::ZERO);
            format!("{}.{}-{}", t.as_secs(), t.subsec_nanos(), meta.size)
        }
    }
}

/// The time a `setattr` asks for.
pub fn time_of(t: fuser::TimeOrNow) -> SystemTime {
    match t {
        fuser::TimeOrNow::SpecificTime(t) => t,
        fuser::TimeOrNow::Now => crate::vfs::now(),
    }
}

/// A stable non-zero `d_ino` for an entry the kernel has not looked up yet.
pub fn synthetic_ino(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish() | (1 << 63)
}
