//! The FUSE frontend: a thin adapter from kernel requests to [`Vfs`] calls.
//!
//! No semantics live here: each operation maps inode numbers to paths (the [`InodeTable`]),
//! calls the core on the tokio runtime, and replies with attributes or the errno of the
//! [`VfsError`]. Kernel caching follows the mount's TTL: entries (also negative ones) and
//! attributes for the TTL, file pages kept across opens while the file's fingerprint is
//! unchanged, directory pages cached likewise.

/// Unwraps a result in a request handler, or replies with its errno and returns.
macro_rules! tryr {
    ($reply:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $reply.error(e.into_errno()),
        }
    };
}

mod attr;
mod dirs;
mod files;
mod implicit;
mod ops;
mod passthrough;
mod tuning;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fuser::{Errno, MountOption, ReplyEntry, SessionACL};

use crate::vfs::inode::InodeTable;
use crate::vfs::{DirEntry, VPath, Vfs, VfsError, lock};

/// Options of `mirage mount`.
#[derive(Clone, Debug)]
pub struct MountOptions {
    /// Let other users (and root) see the mount (needs `user_allow_other` in /etc/fuse.conf
    /// for non-root users).
    pub allow_other: bool,
    /// FUSE worker threads; `None`: one per CPU when every mount is local (ram, local: a
    /// request never waits, and more threads than CPUs only contend), else 8 (requests wait on
    /// the network).
    pub threads: Option<usize>,
    /// Let the kernel read and write host files of `local` mounts directly (Linux ≥ 6.9, root)
    /// — only when every open reaches mirage (`kernel_opens` off or not possible).
    pub passthrough: bool,
    /// Let the kernel open files itself (see `implicit`): no round trip per open (nor per
    /// close when no mount commits at close), at the cost of passthrough.
    pub kernel_opens: bool,
    /// Turn on the fuse module's `wake_here` parameter before mounting (see `tuning`).
    pub wake_here: bool,
    /// Whether requests come over io_uring (Linux ≥ 6.14) or /dev/fuse.
    pub io_uring: IoUring,
}

impl Default for MountOptions {
    fn default() -> Self {
        MountOptions {
            allow_other: false,
            threads: None,
            passthrough: true,
            kernel_opens: true,
            wake_here: false,
            io_uring: IoUring::Auto,
        }
    }
}

/// How requests reach mirage: over io_uring (one system call per request, queued per CPU)
/// or by `read`/`writev` on /dev/fuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoUring {
    /// io_uring where the kernel offers it: the fuse module's `enable_uring` is on, or mirage
    /// (as root) turns it on — it only lets FUSE servers that ask use io_uring. Otherwise
    /// /dev/fuse, without a word.
    Auto,
    /// As `Auto`, but say why when the kernel offers no io_uring.
    On,
    /// /dev/fuse only.
    Off,
}

/// A directory listing snapshot taken at `opendir`, so offsets stay valid while it changes.
struct DirSnapshot {
    path: VPath,
    entries: Option<Arc<Vec<DirEntry>>>,
}

/// The filesystem handed to fuser.
pub struct MirageFs {
    vfs: Arc<Vfs>,
    rt: tokio::runtime::Handle,
    inodes: InodeTable,
    dirs: Mutex<HashMap<u64, DirSnapshot>>,
    next_dir: AtomicU64,
    /// Fingerprint of each inode's content at its last open (for FOPEN_KEEP_CACHE).
    seen: Mutex<HashMap<u64, String>>,
    passthrough: passthrough::Passthrough,
    passthrough_wanted: bool,
    implicit: implicit::Implicit,
    /// Set once the session runs: tells the kernel to drop cached pages.
    notifier: Arc<std::sync::OnceLock<fuser::Notifier>>,
    uid: u32,
    gid: u32,
}

impl MirageFs {
    /// An adapter over `vfs` that runs core calls on `rt`; `kernel_opens` lets the kernel open
    /// files itself, which rules out passthrough.
    pub fn new(
        vfs: Arc<Vfs>,
        rt: tokio::runtime::Handle,
        passthrough: bool,
        kernel_opens: bool,
    ) -> Self {
        let opens = match (kernel_opens, vfs.commits_on_close()) {
            (false, _) => implicit::Opens::Requested,
            (true, true) => implicit::Opens::KernelWithFlush,
            (true, false) => implicit::Opens::Kernel,
        };
        tracing::info!(?opens, "open handling");
        MirageFs {
            vfs,
            rt,
            inodes: InodeTable::new(),
            dirs: Mutex::new(HashMap::new()),
            next_dir: AtomicU64::new(1),
            seen: Mutex::new(HashMap::new()),
            passthrough: passthrough::Passthrough::default(),
            passthrough_wanted: passthrough && opens == implicit::Opens::Requested,
            implicit: implicit::Implicit::new(opens),
            notifier: Arc::default(),
            uid: nix::unistd::geteuid().as_raw(),
            gid: nix::unistd::getegid().as_raw(),
        }
    }

    fn path(&self, ino: fuser::INodeNo) -> Result<VPath, Errno> {
        self.inodes.path(ino.0).ok_or(Errno::ENOENT)
    }

    fn child(&self, parent: fuser::INodeNo, name: &OsStr) -> Result<VPath, Errno> {
        let name = name.to_str().ok_or(Errno::EINVAL)?;
        self.path(parent)?.join(name).map_err(|e| errno(&e))
    }

    fn ttl(&self, path: &VPath) -> Duration {
        self.vfs.ttl(path)
    }

    /// Replies to a lookup-like request with the entry of `path` (counting a lookup).
    fn reply_entry(&self, path: &VPath, meta: &crate::vfs::Metadata, reply: ReplyEntry) {
        let ino = self.entry_ino(path, meta);
        let attr = attr::to_attr(ino, meta, self.uid, self.gid);
        reply.entry(&self.ttl(path), &attr, fuser::Generation(0));
    }

    /// The inode for a LOOKUP-like answer about `path`, counting the lookup: every name of a
    /// file with several hard links gets the same one.
    fn entry_ino(&self, path: &VPath, meta: &crate::vfs::Metadata) -> u64 {
        let linked = !meta.is_dir() && meta.posix.nlink.is_some_and(|n| n > 1);
        let id = meta.posix.file_id.filter(|_| linked);
        self.inodes.lookup_file(path, id)
    }

    fn remember(&self, ino: u64, meta: &crate::vfs::Metadata) -> bool {
        let fp = attr::fingerprint(meta);
        let mut seen = lock(&self.seen);
        let same = seen.get(&ino) == Some(&fp);
        seen.insert(ino, fp);
        same
    }
}

/// What `tryr!` turns an error into.
trait IntoErrno {
    fn into_errno(self) -> Errno;
}

impl IntoErrno for Errno {
    fn into_errno(self) -> Errno {
        self
    }
}

impl IntoErrno for VfsError {
    fn into_errno(self) -> Errno {
        errno(&self)
    }
}

/// The errno for a core error.
pub fn errno(e: &VfsError) -> Errno {
    Errno::from_i32(e.errno())
}

/// Mounts `vfs` at `dir` and serves it until SIGINT/SIGTERM or an external unmount; then
/// commits any still-open staged files.
pub fn mount_and_serve(
    vfs: Arc<Vfs>,
    dir: &Path,
    opts: &MountOptions,
    rt: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    // Asked for, but not needed to serve: a kernel without them still mounts.
    if opts.wake_here {
        match tuning::enable(tuning::WAKE_HERE) {
            Ok(done) => tracing::info!("{}", done.as_deref().unwrap_or("fuse wake_here was on")),
            Err(why) => eprintln!("mirage: {why}; mounting without it"),
        }
    }
    let io_uring = match opts.io_uring {
        IoUring::Off => false,
        wanted => match tuning::enable(tuning::ENABLE_URING) {
            Ok(done) => {
                if let Some(done) = done {
                    eprintln!("mirage: {done}; `--no-io-uring` mounts without it");
                }
                true
            }
            Err(why) if wanted == IoUring::On => {
                eprintln!("mirage: {why}; mounting without io_uring");
                false
            }
            Err(why) => {
                tracing::debug!("requests over /dev/fuse: {why}");
                false
            }
        },
    };
    let fs = MirageFs::new(
        vfs.clone(),
        rt.handle().clone(),
        opts.passthrough,
        opts.kernel_opens,
    );
    let notifier = fs.notifier.clone();
    let mut cfg = fuser::Config::default();
    cfg.mount_options = vec![
        MountOption::FSName("mirage".into()),
        MountOption::Subtype("mirage".into()),
        MountOption::NoAtime,
        // The kernel checks permission bits itself (no ACCESS round trip per path walk).
        MountOption::DefaultPermissions,
    ];
    if opts.allow_other {
        cfg.acl = SessionACL::All;
    }
    cfg.n_threads = Some(opts.threads.unwrap_or_else(|| default_threads(&vfs)).max(1));
    cfg.clone_fd = true;
    if io_uring {
        // Threads per queue (one queue per CPU), as many in all as there would be readers.
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        cfg.io_uring = Some(cfg.n_threads.unwrap_or(1).div_ceil(cpus).max(1));
    }
    let session = fuser::spawn_mount(fs, dir, &cfg)
        .map_err(|e| anyhow::anyhow!("cannot mount at {}: {e}", dir.display()))?;
    let _ = notifier.set(session.notifier());
    tracing::info!(dir = %dir.display(), "mounted");
    raise_readahead(dir);
    eprintln!(
        "mirage: mounted at {} (Ctrl-C or `mirage umount {}` to stop)",
        dir.display(),
        dir.display()
    );
    let (tx, rx) = std::sync::mpsc::channel::<&'static str>();
    rt.spawn(async move {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return,
            };
        let name = tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        let _ = tx.send(name);
    });
    let mut session = session;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(sig) => {
                eprintln!("mirage: {sig}: unmounting {}", dir.display());
                if let Err(e) = session.umount() {
                    // The kernel refuses while files are busy: detach lazily instead of
                    // hanging, serve what is still open for a moment, then stop anyway (the
                    // caller lets the process end under any request still in flight).
                    tracing::warn!("unmount: {e}; detaching lazily");
                    let _ = std::process::Command::new("fusermount3")
                        .arg("-uz")
                        .arg(dir)
                        .status();
                    let until = std::time::Instant::now() + BUSY_GRACE;
                    while !session.guard.is_finished() && std::time::Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    if !session.guard.is_finished() {
                        eprintln!(
                            "mirage: files under {} are still open; they fail from now on",
                            dir.display()
                        );
                        break;
                    }
                }
                let _ = session.join();
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if session.guard.is_finished() => {
                let _ = session.join();
                break;
            }
            Err(_) => {}
        }
    }
    let failed = rt.block_on(vfs.release_all());
    if failed > 0 {
        anyhow::bail!("{failed} open file(s) could not be committed at unmount (see the log)");
    }
    eprintln!("mirage: unmounted {}", dir.display());
    Ok(())
}

/// Worker threads when not given: see [`MountOptions::threads`].
fn default_threads(vfs: &Vfs) -> usize {
    let remote = vfs
        .table()
        .mounts()
        .iter()
        .any(|m| m.stack.info().capability.cacheable);
    if remote {
        8
    } else {
        std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
    }
}

/// How long a mount that was busy at SIGINT/SIGTERM keeps serving its open files after it
/// was detached.
const BUSY_GRACE: Duration = Duration::from_secs(2);

/// Read-ahead of the mount, in KiB: one maximal FUSE read (`max_pages`), against the kernel's
/// 128 KiB default for FUSE — a quarter of the requests for sequential reads.
const READ_AHEAD_KB: u32 = 1024;

/// Raises the kernel read-ahead of the mount at `dir` (its bdi in sysfs; needs root, best
/// effort: without it reads are just smaller).
fn raise_readahead(dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    let dev = meta.dev();
    let bdi = format!(
        "/sys/class/bdi/{}:{}/read_ahead_kb",
        nix::sys::stat::major(dev),
        nix::sys::stat::minor(dev)
    );
    if let Err(e) = std::fs::write(&bdi, READ_AHEAD_KB.to_string()) {
        tracing::debug!("read-ahead stays at the kernel default ({bdi}: {e})");
    }
}

/// Unmounts a mirage mount at `dir` (`fusermount3 -u`, falling back to `umount`).
pub fn unmount(dir: &Path) -> anyhow::Result<()> {
    let status = std::process::Command::new("fusermount3")
        .arg("-u")
        .arg(dir)
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        _ => nix::mount::umount(dir)
            .map_err(|e| anyhow::anyhow!("cannot unmount {}: {e}", dir.display())),
    }
}
