//! FUSE passthrough (Linux ≥ 6.9) for read-only opens of host files (`local`).
//!
//! The kernel then reads the host file directly, so a local mount reads at native speed. One
//! backing id per inode is shared by all its read-only opens (the kernel requires a single
//! backing file per inode) and dropped with the last of them. Registering a backing file needs
//! `CAP_SYS_ADMIN`; on the first failure passthrough is switched off and opens go through the
//! core as usual.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use fuser::BackingId;

use crate::vfs::lock;

/// Backing ids by open handle (strong) and by inode (weak, for sharing).
#[derive(Default)]
pub struct Passthrough {
    enabled: AtomicBool,
    by_handle: Mutex<HashMap<u64, Arc<BackingId>>>,
    by_inode: Mutex<HashMap<u64, Weak<BackingId>>>,
}

impl Passthrough {
    /// Turns passthrough on (after the kernel accepted the capability).
    pub fn enable(&self) {
        self.enabled.store(true, Ordering::Relaxed);
    }

    /// Whether opens may try passthrough.
    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// The backing id for `ino`, registering `fd` with `register` when there is none; `None`
    /// (and passthrough off for good) when registering fails.
    pub fn attach(
        &self,
        ino: u64,
        fh: u64,
        fd: OwnedFd,
        register: impl FnOnce(OwnedFd) -> std::io::Result<BackingId>,
    ) -> Option<Arc<BackingId>> {
        let mut by_inode = lock(&self.by_inode);
        let id = match by_inode.get(&ino).and_then(Weak::upgrade) {
            Some(id) => id,
            None => match register(fd) {
                Ok(id) => {
                    let id = Arc::new(id);
                    by_inode.insert(ino, Arc::downgrade(&id));
                    id
                }
                Err(e) => {
                    tracing::info!("FUSE passthrough unavailable ({e}); reads go through mirage");
                    self.enabled.store(false, Ordering::Relaxed);
                    return None;
                }
            },
        };
        lock(&self.by_handle).insert(fh, id.clone());
        Some(id)
    }

    /// Drops the handle's reference (the kernel closes the backing file with the last one).
    pub fn release(&self, ino: u64, fh: u64) {
        if lock(&self.by_handle).remove(&fh).is_some() {
            let mut by_inode = lock(&self.by_inode);
            if by_inode.get(&ino).is_some_and(|w| w.strong_count() == 0) {
                by_inode.remove(&ino);
            }
        }
    }
}
