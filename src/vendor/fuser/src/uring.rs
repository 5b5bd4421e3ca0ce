//! mirage patch: FUSE over io_uring (Linux ≥ 6.14 with the fuse module's `enable_uring` on).
//!
//! Once FUSE_INIT has negotiated FUSE_OVER_IO_URING, the kernel hands requests to ring entries
//! registered per queue — one queue per possible CPU; a request goes to the queue of the CPU
//! it was made on — instead of to `/dev/fuse` reads (FORGET and INTERRUPT still come that
//! way). An entry is a header buffer (`struct fuse_uring_req_header`: the in/out header, the
//! operation's own header, the entry's commit id and payload size) and a payload buffer. The
//! reply is written into the same buffers and committed by the command that also fetches the
//! entry's next request: one `io_uring_enter` per request instead of a `read` and a `writev`,
//! and fewer cross-CPU wake-ups.
//!
//! Each serving thread owns one ring holding one entry, so a thread busy with a slow request
//! never holds back a request another thread could serve; a queue gets several threads.
//! Threads run on their queue's CPU except while they serve a stream's read-ahead (see
//! `placement`).
//! The kernel holds all requests until every queue has an entry; a registration the kernel
//! refuses turns io_uring off for the connection, and requests come through `/dev/fuse`.

use std::cell::UnsafeCell;
use std::io;
use std::io::IoSlice;
use std::os::fd::AsFd;
use std::os::fd::AsRawFd;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::thread::ThreadId;

use io_uring::IoUring;
use io_uring::cqueue;
use io_uring::opcode;
use io_uring::squeue;
use io_uring::types;
use log::debug;
use parking_lot::Mutex;

use crate::Filesystem;
use crate::channel::Channel;
use crate::channel::ChannelSender;
use crate::reply::ReplySender;
use crate::request::RequestWithSender;
use crate::session::FilesystemHolder;
use crate::session::SessionACL;
use crate::session::SessionEventLoop;

mod placement;

/// `sizeof(struct fuse_uring_req_header)`: in/out header, op header, `fuse_uring_ent_in_out`.
const HEADER_LEN: usize = 288;
/// Offset of the operation's own header in the header buffer.
const OP_IN: usize = 128;
/// Room for the operation's own header.
const OP_IN_LEN: usize = 128;
/// Offset of `fuse_uring_ent_in_out.payload_sz` in the header buffer.
const PAYLOAD_SZ: usize = 256 + 16;
/// `sizeof(struct fuse_in_header)` and `sizeof(struct fuse_out_header)`.
const IN_HEADER_LEN: usize = 40;
const OUT_HEADER_LEN: usize = 16;
/// `FUSE_IO_URING_CMD_REGISTER` and `FUSE_IO_URING_CMD_COMMIT_AND_FETCH`.
const CMD_REGISTER: u32 = 1;
const CMD_COMMIT_AND_FETCH: u32 = 2;

/// Set when the first request came over a ring (logged once per process).
static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The rings of a session, made before FUSE_INIT asks for io_uring: once the kernel agreed,
/// it holds every request until each queue has an entry, so a host where rings cannot be
/// made (io_uring disabled, a seccomp filter) must never get that far.
#[derive(Debug)]
pub(crate) struct UringPlan {
    /// The rings' entries, `per_queue` for each queue in turn.
    entries: Vec<RingEntry>,
}

impl UringPlan {
    /// One ring per serving thread, `per_queue` threads for each queue, with payload buffers
    /// of `payload` bytes (at least the kernel's largest request or reply payload).
    pub(crate) fn new(dev: &Channel, per_queue: usize, payload: usize) -> io::Result<UringPlan> {
        let mut entries = Vec::new();
        for qid in 0..queues()? {
            for _ in 0..per_queue.max(1) {
                entries.push(RingEntry::new(dev, qid, payload)?);
            }
        }
        Ok(UringPlan { entries })
    }
}

/// One ring with one registered entry, and the entry's buffers.
struct RingEntry {
    ring: IoUring<squeue::Entry128, cqueue::Entry>,
    /// Serialises pushes to the submission queue (the serving thread and a late replier).
    sq: Mutex<()>,
    /// The header buffer, as u64s for the alignment of `fuse_in_header`.
    header: UnsafeCell<Box<[u64]>>,
    payload: UnsafeCell<Box<[u8]>>,
    /// The two iovecs of the registration, read by the kernel when it issues the command.
    iov: Box<[libc::iovec; 2]>,
    dev: ChannelSender,
    fd: RawFd,
    qid: u16,
    owner: ThreadId,
}

// SAFETY: the buffers are touched by one party at a time — the kernel from a commit until
// the next completion, then the serving thread while it parses the request, then whoever
// replies (once, before the commit). The ring itself is Sync; pushes are serialised by `sq`.
unsafe impl Sync for RingEntry {}
unsafe impl Send for RingEntry {}

impl std::fmt::Debug for RingEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingEntry").field("qid", &self.qid).finish()
    }
}

impl RingEntry {
    fn new(dev: &Channel, qid: u16, payload_len: usize) -> io::Result<RingEntry> {
        let ring = IoUring::<squeue::Entry128, cqueue::Entry>::builder()
            .setup_coop_taskrun()
            .build(4)?;
        let header: Box<[u64]> = vec![0u64; HEADER_LEN / 8].into_boxed_slice();
        let payload: Box<[u8]> = vec![0u8; payload_len].into_boxed_slice();
        let mut entry = RingEntry {
            ring,
            sq: Mutex::new(()),
            header: UnsafeCell::new(header),
            payload: UnsafeCell::new(payload),
            iov: Box::new([libc::iovec {
                iov_base: std::ptr::null_mut(),
                iov_len: 0,
            }; 2]),
            dev: dev.sender(),
            fd: dev.as_fd().as_raw_fd(),
            qid,
            owner: std::thread::current().id(),
        };
        let header_ptr = entry.header.get_mut().as_mut_ptr().cast::<libc::c_void>();
        let payload_buf = entry.payload.get_mut();
        entry.iov[0] = libc::iovec {
            iov_base: header_ptr,
            iov_len: HEADER_LEN,
        };
        entry.iov[1] = libc::iovec {
            iov_base: payload_buf.as_mut_ptr().cast(),
            iov_len: payload_buf.len(),
        };
        Ok(entry)
    }

    /// The command SQE for `cmd_op` with `struct fuse_uring_cmd_req { flags, commit_id, qid }`.
    fn command(&self, cmd_op: u32, commit_id: u64) -> squeue::Entry128 {
        self.command_for(self.qid, cmd_op, commit_id)
    }

    /// [`RingEntry::command`] for queue `qid`.
    fn command_for(&self, qid: u16, cmd_op: u32, commit_id: u64) -> squeue::Entry128 {
        let mut cmd = [0u8; 80];
        cmd[8..16].copy_from_slice(&commit_id.to_ne_bytes());
        cmd[16..18].copy_from_slice(&qid.to_ne_bytes());
        let mut op = opcode::UringCmd80::new(types::Fd(self.fd), cmd_op).cmd(cmd);
        if cmd_op == CMD_REGISTER {
            op = op.addr(Some(self.iov.as_ptr() as u64));
        }
        let sqe = op.build();
        if cmd_op != CMD_REGISTER {
            return sqe;
        }
        // SAFETY: `Entry128` is `repr(C)` over the kernel's 128-byte SQE; `len` (the number of
        // iovecs, which the builder has no setter for) is the u32 at byte 24.
        let mut raw: [u8; 128] = unsafe { std::mem::transmute(sqe) };
        raw[24..28].copy_from_slice(&2u32.to_ne_bytes());
        unsafe { std::mem::transmute::<[u8; 128], squeue::Entry128>(raw) }
    }

    /// Tells the kernel to give up io_uring for the connection (a registration it refuses —
    /// here for a queue that does not exist — does that, and wakes the requests it held) when
    /// a queue cannot be served after all.
    fn refuse(&self) {
        if self.push(self.command_for(u16::MAX, CMD_REGISTER, 0)).is_ok() {
            let _ = self.ring.submitter().submit_and_wait(1);
        }
    }

    /// Queues `sqe`; submits it at once unless the serving thread will (it submits and waits
    /// in one call after each request).
    fn push(&self, sqe: squeue::Entry128) -> io::Result<()> {
        {
            let _guard = self.sq.lock();
            // SAFETY: pushes are serialised by `sq`; the entry owns no buffer the SQE outlives.
            let mut sq = unsafe { self.ring.submission_shared() };
            // SAFETY: the SQE's buffers (header, payload, iovecs) live as long as `self`.
            unsafe { sq.push(&sqe) }.map_err(|_| io::Error::other("io_uring queue full"))?;
            sq.sync();
        }
        if std::thread::current().id() != self.owner {
            self.ring.submitter().submit()?;
        }
        Ok(())
    }

    /// Writes the reply `data` (out header, then payload) into the buffers and commits it.
    fn reply(&self, commit_id: u64, data: &[IoSlice<'_>]) -> io::Result<()> {
        // SAFETY: the request is ours until this commit (see the Sync impl).
        let header = unsafe { &mut *self.header.get() };
        let payload = unsafe { &mut *self.payload.get() };
        let header = bytes_mut(header);
        let mut at = 0usize;
        let mut written = 0usize;
        for slice in data {
            let mut s: &[u8] = slice;
            if at < OUT_HEADER_LEN {
                let n = s.len().min(OUT_HEADER_LEN - at);
                header[at..at + n].copy_from_slice(&s[..n]);
                at += n;
                s = &s[n..];
            }
            if s.is_empty() {
                continue;
            }
            let end = written + s.len();
            if end > payload.len() {
                // Larger than any request allows: answer EIO, but commit, or the entry
                // would be lost to its queue.
                header[4..8].copy_from_slice(&(-libc::EIO).to_ne_bytes());
                written = 0;
                break;
            }
            payload[written..end].copy_from_slice(s);
            written = end;
        }
        header[PAYLOAD_SZ..PAYLOAD_SZ + 4].copy_from_slice(&(written as u32).to_ne_bytes());
        self.push(self.command(CMD_COMMIT_AND_FETCH, commit_id))
    }
}

impl RingEntry {
    /// [`RingEntry::reply`] with the payload written in place by `fill`.
    fn reply_filled(
        &self,
        commit_id: u64,
        unique: u64,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> io::Result<usize>,
    ) -> io::Result<()> {
        // SAFETY: the request is ours until this commit (see the Sync impl).
        let header = unsafe { &mut *self.header.get() };
        let payload = unsafe { &mut *self.payload.get() };
        let len = len.min(payload.len());
        let (error, n) = match fill(&mut payload[..len]) {
            Ok(n) => (0i32, n.min(len)),
            Err(e) => (-e.raw_os_error().unwrap_or(libc::EIO), 0),
        };
        let header = bytes_mut(header);
        header[..OUT_HEADER_LEN].copy_from_slice(&crate::reply::out_header(unique, error, n));
        header[PAYLOAD_SZ..PAYLOAD_SZ + 4].copy_from_slice(&(n as u32).to_ne_bytes());
        self.push(self.command(CMD_COMMIT_AND_FETCH, commit_id))
    }
}

fn bytes_mut(words: &mut [u64]) -> &mut [u8] {
    // SAFETY: u8 has no alignment or validity requirements; the length covers the same memory.
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) }
}

/// The sender of one request's reply: writes it into the entry and commits it.
#[derive(Debug, Clone)]
pub(crate) struct UringReply {
    entry: Arc<RingEntry>,
    commit_id: u64,
}

impl UringReply {
    pub(crate) fn send(&self, data: &[IoSlice<'_>]) -> io::Result<()> {
        self.entry.reply(self.commit_id, data)
    }

    /// Writes the reply's data in place with `fill` (at most `len` bytes, capped by the
    /// payload buffer), then its header, and commits it.
    pub(crate) fn send_filled(
        &self,
        unique: u64,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> io::Result<usize>,
    ) -> io::Result<()> {
        self.entry.reply_filled(self.commit_id, unique, len, fill)
    }

    /// `/dev/fuse`, for what only goes there (backing files).
    pub(crate) fn dev(&self) -> &ChannelSender {
        &self.entry.dev
    }
}

/// Queues of this machine: the kernel makes one per possible CPU.
fn queues() -> io::Result<u16> {
    let possible = std::fs::read_to_string("/sys/devices/system/cpu/possible")?;
    let last = possible
        .trim()
        .split([',', '-'])
        .filter_map(|n| n.parse::<u16>().ok())
        .max()
        .ok_or_else(|| io::Error::other("cannot read the possible CPUs"))?;
    Ok(last + 1)
}

/// Starts the serving threads; each registers its entry and serves until the connection ends.
/// If a thread cannot be started, io_uring is given up (requests come over `/dev/fuse`).
pub(crate) fn spawn<FS: Filesystem + Send + Sync + 'static>(
    plan: UringPlan,
    ch: &Channel,
    filesystem: &Arc<FilesystemHolder<FS>>,
    allowed: SessionACL,
    session_owner: nix::unistd::Uid,
) -> Vec<JoinHandle<io::Result<()>>> {
    let mut threads = Vec::new();
    for entry in plan.entries {
        let thread_name = format!("fuser-uring-{}-{}", entry.qid, threads.len());
        let event_loop = SessionEventLoop {
            thread_name: thread_name.clone(),
            filesystem: filesystem.clone(),
            ch: ch.clone(),
            allowed,
            session_owner,
        };
        // The entry comes back if the thread cannot be made.
        let (tx, rx) = std::sync::mpsc::channel::<RingEntry>();
        let started = std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || match rx.recv() {
                Ok(entry) => serve(event_loop, entry),
                Err(_) => Ok(()),
            });
        match started {
            Ok(thread) => {
                let _ = tx.send(entry);
                threads.push(thread);
            }
            Err(e) => {
                log::error!("FUSE over io_uring: cannot start a thread ({e}); giving it up");
                entry.refuse();
                break;
            }
        }
    }
    threads
}

fn serve<FS: Filesystem>(event_loop: SessionEventLoop<FS>, mut entry: RingEntry) -> io::Result<()> {
    entry.owner = std::thread::current().id();
    let qid = entry.qid;
    let payload = entry.payload.get_mut().len();
    let entry = Arc::new(entry);
    entry.push(entry.command(CMD_REGISTER, 0))?;
    // The request as one buffer (in header, op header, payload), as u64s for alignment.
    let mut request: Vec<u64> = vec![0; (IN_HEADER_LEN + OP_IN_LEN + payload).div_ceil(8)];
    let mut placement = placement::Placement::new(usize::from(qid));
    loop {
        match entry.ring.submitter().submit_and_wait(1) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
            Err(e) => return Err(e),
        }
        // SAFETY: only this thread consumes completions.
        let Some(cqe) = (unsafe { entry.ring.completion_shared() }).next() else {
            continue;
        };
        let res = cqe.result();
        if res < 0 {
            let err = io::Error::from_raw_os_error(-res);
            return match -res {
                libc::ENOTCONN | libc::ECONNABORTED | libc::ENODEV | libc::ECANCELED => {
                    debug!("{}: connection ended ({err})", event_loop.thread_name);
                    Ok(())
                }
                _ => {
                    // Logged as an error: mirage shows fuser's warnings only from errors up.
                    log::error!(
                        "FUSE over io_uring: queue {qid}: {err}; requests go through /dev/fuse"
                    );
                    Err(err)
                }
            };
        }
        if !SERVING.swap(true, std::sync::atomic::Ordering::Relaxed) {
            log::info!("FUSE requests come over io_uring");
        }
        let len = take_request(&entry, &mut request);
        let data = &bytes_mut(&mut request)[..len];
        placement.before(data);
        let unique = u64::from_ne_bytes(data[8..16].try_into().unwrap_or_default());
        let sender = ReplySender::Uring(UringReply {
            entry: entry.clone(),
            commit_id: unique,
        });
        // A panicking handler has replied EIO (the reply's drop) and the entry was committed;
        // the thread goes on, or its queue would lose the entry for good.
        let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            match RequestWithSender::new(sender.clone(), data) {
                Some(req) => {
                    req.dispatch(&event_loop);
                    Ok(())
                }
                None => {
                    // Still commit, or the entry would be lost to its queue.
                    let mut out = [0u8; OUT_HEADER_LEN];
                    out[0..4].copy_from_slice(&(OUT_HEADER_LEN as u32).to_ne_bytes());
                    out[4..8].copy_from_slice(&(-libc::EIO).to_ne_bytes());
                    out[8..16].copy_from_slice(&unique.to_ne_bytes());
                    sender.send(&[IoSlice::new(&out)])
                }
            }
        }));
        match served {
            Ok(sent) => sent?,
            Err(_) => log::error!("{}: a request handler panicked", event_loop.thread_name),
        }
    }
}

/// Copies the entry's request into `request` as the kernel would have sent it over
/// `/dev/fuse`: in header, op header, rest; returns its length.
fn take_request(entry: &RingEntry, request: &mut [u64]) -> usize {
    // SAFETY: the request is ours from its completion until its reply (see the Sync impl).
    let header = unsafe { &mut *entry.header.get() };
    let payload = unsafe { &*entry.payload.get() };
    let header = bytes_mut(header);
    let out = bytes_mut(request);
    let field = |at: usize| u32::from_ne_bytes(header[at..at + 4].try_into().unwrap_or_default());
    let len = field(0) as usize;
    let payload_len = (field(PAYLOAD_SZ) as usize).min(payload.len());
    let op_len = len
        .saturating_sub(IN_HEADER_LEN + payload_len)
        .min(OP_IN_LEN);
    out[..IN_HEADER_LEN].copy_from_slice(&header[..IN_HEADER_LEN]);
    out[IN_HEADER_LEN..IN_HEADER_LEN + op_len].copy_from_slice(&header[OP_IN..OP_IN + op_len]);
    let at = IN_HEADER_LEN + op_len;
    out[at..at + payload_len].copy_from_slice(&payload[..payload_len]);
    let total = at + payload_len;
    // The header's length as it is now laid out.
    out[0..4].copy_from_slice(&(total as u32).to_ne_bytes());
    total
}
