//! mirage patch: where a serving thread of FUSE over io_uring runs.
//!
//! The kernel queues a request on the ring of the CPU its caller runs on. A caller that waits
//! for its answer (a `close(2)`'s FLUSH, a LOOKUP, a small READ) is best served on that same
//! CPU: the caller sleeps, the serving thread runs in its place and wakes it, with no
//! cross-CPU wake-up either way. Unpinned, the scheduler often wakes the serving thread on
//! the other CPU (it looks idler), and each such round trip costs two inter-processor
//! interrupts — on a 2-CPU VM a warm `rg` over 10,000 files on S3 took 78–363 ms unpinned and
//! 72–101 ms pinned, its FLUSH round trips p90 35 µs against 5 µs.
//!
//! A streaming reader is the opposite case: its read-ahead READs are asynchronous, and a
//! serving thread pinned beside it would take turns with it on one CPU instead of filling
//! the next pages on another (1 GiB `cat` through a RAM mount: 513–608 ms pinned, 360–434
//! unpinned). So a thread is pinned to its queue's CPU, lets itself run anywhere while it
//! serves large READs (read-ahead sizes), and goes back home once none came for
//! [`STREAM_GAP`]. Pinning is skipped where the process may not run on the queue's CPU.

use std::time::Duration;
use std::time::Instant;

use nix::sched::sched_getaffinity;
use nix::sched::sched_setaffinity;
use nix::sched::CpuSet;
use nix::unistd::Pid;

/// A READ of at least this many bytes is read-ahead of a stream (small files come in one
/// READ of their size, rounded to pages).
pub(super) const STREAM_READ: u32 = 256 << 10;

/// A thread that served no large READ for this long goes back to its queue's CPU.
pub(super) const STREAM_GAP: Duration = Duration::from_millis(100);

/// `FUSE_READ`.
const OP_READ: u32 = 15;

/// One serving thread's placement.
pub(super) struct Placement {
    /// Its queue's CPU alone; `None` if the thread may not (or could not) be pinned there.
    home: Option<CpuSet>,
    /// Where the process may run.
    anywhere: CpuSet,
    pinned: bool,
    last_stream: Option<Instant>,
}

impl Placement {
    /// Pins the calling thread to `cpu` if the process may run there.
    pub(super) fn new(cpu: usize) -> Placement {
        let this = Pid::from_raw(0);
        let anywhere = sched_getaffinity(this).unwrap_or_else(|_| CpuSet::new());
        let home = match anywhere.is_set(cpu) {
            Ok(true) => {
                let mut set = CpuSet::new();
                set.set(cpu).ok().map(|()| set)
            }
            _ => None,
        };
        let mut placement = Placement {
            home,
            anywhere,
            pinned: false,
            last_stream: None,
        };
        placement.pin();
        placement
    }

    /// Called with each request (its raw bytes as the kernel laid them out) before it is
    /// served.
    pub(super) fn before(&mut self, request: &[u8]) {
        if is_stream_read(request) {
            self.last_stream = Some(Instant::now());
            self.unpin();
        } else if !self.pinned
            && self.home.is_some()
            && self.last_stream.is_none_or(|t| t.elapsed() >= STREAM_GAP)
        {
            self.pin();
        }
    }

    /// Whether the thread is on its queue's CPU alone.
    #[cfg(test)]
    pub(super) fn pinned(&self) -> bool {
        self.pinned
    }

    fn pin(&mut self) {
        let Some(home) = &self.home else { return };
        self.pinned = sched_setaffinity(Pid::from_raw(0), home).is_ok();
        if !self.pinned {
            self.home = None; // refused (a cpuset changed meanwhile): stop trying
        }
    }

    fn unpin(&mut self) {
        if self.pinned && sched_setaffinity(Pid::from_raw(0), &self.anywhere).is_ok() {
            self.pinned = false;
        }
    }
}

/// Whether `request` (in header, then `fuse_read_in`) is a READ of at least [`STREAM_READ`].
fn is_stream_read(request: &[u8]) -> bool {
    let field = |at: usize| {
        request
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_ne_bytes)
    };
    // fuse_in_header: len u32, opcode u32, …(40 bytes); fuse_read_in: fh u64, offset u64, size u32.
    field(4) == Some(OP_READ) && field(40 + 16).is_some_and(|size| size >= STREAM_READ)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(size: u32) -> Vec<u8> {
        let mut r = vec![0u8; 80];
        r[4..8].copy_from_slice(&OP_READ.to_ne_bytes());
        r[56..60].copy_from_slice(&size.to_ne_bytes());
        r
    }

    #[test]
    fn large_reads_unpin_and_the_thread_goes_home_after_a_gap() {
        let before = sched_getaffinity(Pid::from_raw(0)).unwrap();
        let cpu = (0..CpuSet::count()).find(|&c| before.is_set(c).unwrap_or(false));
        let mut p = Placement::new(cpu.unwrap());
        assert!(p.pinned());
        p.before(&read(4096));
        assert!(p.pinned(), "a small read stays home");
        p.before(&read(STREAM_READ));
        assert!(!p.pinned(), "read-ahead of a stream may run anywhere");
        p.before(&[0u8; 64]);
        assert!(!p.pinned(), "not within the gap");
        std::thread::sleep(STREAM_GAP);
        p.before(&[0u8; 64]);
        assert!(p.pinned());
        let now = sched_getaffinity(Pid::from_raw(0)).unwrap();
        assert!(now.is_set(cpu.unwrap()).unwrap());
    }

    #[test]
    fn a_cpu_the_process_may_not_use_is_never_pinned() {
        let mut p = Placement::new(CpuSet::count() + 1);
        assert!(!p.pinned());
        p.before(&[0u8; 64]);
        assert!(!p.pinned());
    }

    #[test]
    fn only_reads_of_stream_size_count() {
        assert!(is_stream_read(&read(STREAM_READ)));
        assert!(!is_stream_read(&read(STREAM_READ - 1)));
        let mut write = read(1 << 20);
        write[4..8].copy_from_slice(&16u32.to_ne_bytes());
        assert!(!is_stream_read(&write));
        assert!(!is_stream_read(&[0u8; 8]));
    }
}
