//! Standard streams of shell commands: inputs (nothing, bytes, a pipe) and outputs (a capture
//! buffer, a pipe, a file in the VFS, nothing). Pipes are bounded channels, so `yes | head -1`
//! ends: when the reader is gone, the writer gets [`ShellError::BrokenPipe`] and stops quietly.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{Mutex, mpsc};

use super::ShellError;
use super::limits::Budget;
use super::rwfile::RwFile;
use crate::vfs::{VPath, Vfs};

/// Chunks a pipe holds before the writer waits.
const PIPE_DEPTH: usize = 16;
/// The most one chunk on a pipe carries: with [`PIPE_DEPTH`], a Linux pipe's 64 KiB.
const PIPE_PIECE: usize = 4096;
/// Most a command reads from a stream as a whole (commands that stream have no bound).
pub const READ_ALL_MAX: usize = 1 << 30;
/// A file redirection is written through to the VFS once this much is buffered.
const FILE_FLUSH: usize = 1 << 20;

/// A readable stream.
#[derive(Clone)]
pub struct In(Rc<Mutex<Reader>>);

struct Reader {
    rx: Option<mpsc::Receiver<Bytes>>,
    buf: Bytes,
    /// A read-write file (`n<>file`): read at its shared offset instead of `rx`/`buf`.
    file: Option<Rc<RwFile>>,
    /// An endless device (`/dev/zero`, `/dev/urandom`): chunks made on demand once `buf`
    /// is used up.
    device: Option<Device>,
}

/// The endless devices a script can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// `/dev/zero`: zero bytes.
    Zero,
    /// `/dev/urandom`, `/dev/random`: pseudo-random bytes (xorshift state).
    Random(u64),
}

impl Device {
    /// The device a path names, if any.
    pub fn at(path: &str) -> Option<Device> {
        match path {
            "/dev/zero" => Some(Device::Zero),
            "/dev/urandom" | "/dev/random" => {
                use std::hash::{BuildHasher, Hasher};
                let mut h = std::collections::hash_map::RandomState::new().build_hasher();
                h.write_u128(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_nanos(),
                );
                Some(Device::Random(h.finish() | 1))
            }
            _ => None,
        }
    }

    /// The next 64 KiB.
    fn chunk(&mut self) -> Bytes {
        const N: usize = 64 << 10;
        match self {
            Device::Zero => Bytes::from(vec![0u8; N]),
            Device::Random(state) => {
                let mut v = Vec::with_capacity(N);
                while v.len() < N {
                    *state ^= *state << 13;
                    *state ^= *state >> 7;
                    *state ^= *state << 17;
                    v.extend_from_slice(&state.to_le_bytes());
                }
                Bytes::from(v)
            }
        }
    }
}

impl In {
    /// True when both read the same stream.
    pub fn same(&self, other: &In) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// An empty input (`/dev/null`).
    pub fn null() -> Self {
        Self::bytes(Bytes::new())
    }

    /// An input that yields `data`, then end of file.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        In(Rc::new(Mutex::new(Reader {
            rx: None,
            buf: data.into(),
            file: None,
            device: None,
        })))
    }

    /// Reading side of a read-write file.
    pub fn file(f: Rc<RwFile>) -> Self {
        In(Rc::new(Mutex::new(Reader {
            rx: None,
            buf: Bytes::new(),
            file: Some(f),
            device: None,
        })))
    }

    /// An endless device's stream.
    pub fn device(d: Device) -> Self {
        In(Rc::new(Mutex::new(Reader {
            rx: None,
            buf: Bytes::new(),
            file: None,
            device: Some(d),
        })))
    }

    async fn file_of(&self) -> Option<Rc<RwFile>> {
        self.0.lock().await.file.clone()
    }

    /// The next chunk, or `None` at end of file.
    pub async fn chunk(&self) -> Option<Bytes> {
        if let Some(f) = self.file_of().await {
            return f.chunk().await.ok().flatten();
        }
        let mut r = self.0.lock().await;
        if !r.buf.is_empty() {
            return Some(std::mem::take(&mut r.buf));
        }
        if let Some(d) = r.device.as_mut() {
            return Some(d.chunk());
        }
        match r.rx.as_mut() {
            Some(rx) => rx.recv().await,
            None => None,
        }
    }

    /// Puts `data` back in front of what is still unread.
    pub async fn unread(&self, data: Bytes) {
        let mut r = self.0.lock().await;
        if let Some(f) = &r.file {
            return f.unread(data);
        }
        let mut v = data.to_vec();
        v.extend_from_slice(&r.buf);
        r.buf = v.into();
    }

    /// Everything up to end of file, or `None` past [`READ_ALL_MAX`] bytes (an endless
    /// producer such as `yes` must not take all memory: the command fails instead).
    pub async fn read_all(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(c) = self.chunk().await {
            if out.len() + c.len() > READ_ALL_MAX {
                return None;
            }
            out.extend_from_slice(&c);
        }
        Some(out)
    }

    /// The next run of whole lines as they arrive (the last may lack its `\n` at end of
    /// file), or `None` at end of file: line filters stream with it.
    pub async fn read_lines_block(&self) -> Option<Vec<u8>> {
        let mut acc: Vec<u8> = Vec::new();
        while let Some(c) = self.chunk().await {
            acc.extend_from_slice(&c);
            if let Some(p) = memchr::memrchr(b'\n', &acc) {
                let rest = acc.split_off(p + 1);
                if !rest.is_empty() {
                    self.unread(rest.into()).await;
                }
                return Some(acc);
            }
        }
        (!acc.is_empty()).then_some(acc)
    }

    /// One line including its `\n` (the last may lack it), or `None` at end of file.
    pub async fn read_line(&self) -> Option<Vec<u8>> {
        self.read_record(b'\n').await
    }

    /// One record up to and including `delim` (the last may lack it), or `None` at end of
    /// file.
    pub async fn read_record(&self, delim: u8) -> Option<Vec<u8>> {
        if let Some(f) = self.file_of().await {
            // Only the record is consumed: the offset stays right after it.
            let mut line = Vec::new();
            while let Some(c) = f.chunk().await.ok().flatten() {
                if let Some(p) = memchr::memchr(delim, &c) {
                    line.extend_from_slice(&c[..=p]);
                    f.unread(c.slice(p + 1..));
                    return Some(line);
                }
                line.extend_from_slice(&c);
            }
            return (!line.is_empty()).then_some(line);
        }
        let mut r = self.0.lock().await;
        let mut line = Vec::new();
        loop {
            if let Some(p) = memchr::memchr(delim, &r.buf) {
                line.extend_from_slice(&r.buf[..=p]);
                let rest = r.buf.slice(p + 1..);
                r.buf = rest;
                return Some(line);
            }
            line.extend_from_slice(&r.buf);
            r.buf = Bytes::new();
            if line.len() > READ_ALL_MAX {
                return Some(line); // a record with no end (`read < /dev/zero`)
            }
            let next = if let Some(d) = r.device.as_mut() {
                Some(d.chunk())
            } else {
                match r.rx.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => None,
                }
            };
            match next {
                Some(c) => r.buf = c,
                None => return (!line.is_empty()).then_some(line),
            }
        }
    }
}

/// A writable stream.
#[derive(Clone)]
pub enum Out {
    /// Discards everything (`/dev/null`).
    Null,
    /// A capture buffer (top level, command substitution), counted against the output budget
    /// when `budget` is set.
    Buffer(Rc<RefCell<Vec<u8>>>, Option<Rc<Budget>>),
    /// The write end of a pipe.
    Pipe(mpsc::Sender<Bytes>),
    /// A file redirection.
    File(Rc<FileSink>),
    /// The writing side of a read-write file (`n<>file`), written through at once.
    Rw(Rc<RwFile>),
    /// A host stream (`mirage exec` writes the script's stdout and stderr as they come),
    /// counted against the output budget.
    Host(Rc<std::cell::RefCell<Box<dyn std::io::Write>>>, Rc<Budget>),
}

/// Output going to a file in the VFS: buffered, written through in 1 MiB steps and at close.
pub struct FileSink {
    vfs: Arc<Vfs>,
    path: VPath,
    buf: RefCell<Vec<u8>>,
}

impl FileSink {
    /// Opens `path` for writing: truncates it now unless `append` (so `cat f > f` empties
    /// `f`, as in bash) and reports errors (read-only mount, missing directory) up front.
    pub async fn open(
        vfs: Arc<Vfs>,
        path: VPath,
        append: bool,
    ) -> Result<Rc<Self>, crate::vfs::VfsError> {
        if let Ok(m) = vfs.stat(&path).await
            && m.is_dir()
        {
            return Err(crate::vfs::VfsError::IsADirectory);
        }
        vfs.write_all(&path, &[], append).await?;
        Ok(Rc::new(FileSink {
            vfs,
            path,
            buf: RefCell::new(Vec::new()),
        }))
    }

    /// Writes what is buffered.
    pub async fn flush(&self) -> Result<(), crate::vfs::VfsError> {
        let data = std::mem::take(&mut *self.buf.borrow_mut());
        if data.is_empty() {
            return Ok(());
        }
        self.vfs.write_all(&self.path, &data, true).await
    }
}

impl Out {
    /// Writes all of `data`.
    pub async fn write(&self, data: &[u8]) -> Result<(), ShellError> {
        if data.is_empty() {
            return Ok(());
        }
        match self {
            Out::Null => Ok(()),
            Out::Buffer(b, budget) => {
                if let Some(budget) = budget {
                    budget.output(data.len())?;
                }
                let mut b = b.borrow_mut();
                if b.len() + data.len() > READ_ALL_MAX {
                    // `x=$(yes)`: stop the writer instead of taking all memory.
                    return Err(ShellError::Fatal(
                        format!(
                            "command substitution: more than {} MiB of output",
                            READ_ALL_MAX >> 20
                        ),
                        1,
                    ));
                }
                b.extend_from_slice(data);
                Ok(())
            }
            Out::Host(w, budget) => {
                budget.output(data.len())?;
                let mut w = w.borrow_mut();
                // A closed host stdout ends the script as a broken pipe would.
                w.write_all(data).map_err(|_| ShellError::BrokenPipe)?;
                w.flush().map_err(|_| ShellError::BrokenPipe)
            }
            Out::Pipe(tx) => {
                // In pieces, so a pipe holds what a Linux pipe holds (64 KiB) and a writer far
                // ahead of a reader that quits gets a broken pipe (status 141), as there.
                for piece in data.chunks(PIPE_PIECE) {
                    tx.send(Bytes::copy_from_slice(piece))
                        .await
                        .map_err(|_| ShellError::BrokenPipe)?;
                }
                Ok(())
            }
            Out::Rw(f) => f
                .write(data)
                .await
                .map_err(|e| ShellError::Io(format!("{}: {}", f.path(), e.user_message()))),
            Out::File(f) => {
                let full = {
                    let mut b = f.buf.borrow_mut();
                    b.extend_from_slice(data);
                    b.len() >= FILE_FLUSH
                };
                if full {
                    f.flush()
                        .await
                        .map_err(|e| ShellError::Io(format!("{}: {}", f.path, e.user_message())))?;
                }
                Ok(())
            }
        }
    }

    /// Writes a string (raw-byte stand-ins as the bytes, see [`super::raw`]).
    pub async fn print(&self, s: &str) -> Result<(), ShellError> {
        self.write(&super::raw::encode(s)).await
    }
}

/// A pipe: the writer's end and the reader's end.
pub fn pipe() -> (Out, In) {
    let (tx, rx) = mpsc::channel(PIPE_DEPTH);
    (
        Out::Pipe(tx),
        In(Rc::new(Mutex::new(Reader {
            rx: Some(rx),
            buf: Bytes::new(),
            file: None,
            device: None,
        }))),
    )
}

/// An open descriptor: a stream to read or one to write.
#[derive(Clone)]
pub enum Fd {
    /// Opened for reading (`3< file`, `3<&0`).
    In(In),
    /// Opened for writing (`3> file`, `3>&1`).
    Out(Out),
    /// Opened for both with one offset (`3<> file`): the same file as a stream of each kind.
    Rw(In, Out),
}

thread_local! {
    static NEXT_SCOPE: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// A fresh redirection scope (see [`Io::scope`]).
fn next_scope() -> u64 {
    NEXT_SCOPE.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    })
}

/// The descriptors of a command: the three standard streams and any others (`3>f`).
#[derive(Clone)]
pub struct Io {
    /// fd 0
    pub stdin: In,
    /// fd 1
    pub stdout: Out,
    /// fd 2
    pub stderr: Out,
    /// Descriptors 3 and up (shared until one is changed).
    pub extra: Rc<std::collections::BTreeMap<u32, Fd>>,
    /// Where `exec` redirections made by commands running on this `Io` are kept: a new
    /// scope per redirected command, pipeline stage and substitution, so that what a
    /// redirection changed is restored after its command, as in bash.
    pub scope: u64,
}

impl Io {
    /// Standard streams and no other descriptor, in a scope of their own.
    pub fn new(stdin: In, stdout: Out, stderr: Out) -> Self {
        Io {
            stdin,
            stdout,
            stderr,
            extra: Rc::default(),
            scope: next_scope(),
        }
    }

    /// The same descriptors in a new scope (a command's own redirections).
    pub fn derived(&self) -> Self {
        Io {
            scope: next_scope(),
            ..self.clone()
        }
    }

    /// Descriptor `n`, if open.
    pub fn get(&self, n: u32) -> Option<Fd> {
        match n {
            0 => Some(Fd::In(self.stdin.clone())),
            1 => Some(Fd::Out(self.stdout.clone())),
            2 => Some(Fd::Out(self.stderr.clone())),
            n => self.extra.get(&n).cloned(),
        }
    }

    /// Points descriptor `n` at `fd` (`None` closes it). The standard streams cannot be
    /// closed: a closed one reads nothing and discards what is written.
    pub fn set(&mut self, n: u32, fd: Option<Fd>) {
        match (n, fd) {
            (0, Some(Fd::In(i) | Fd::Rw(i, _))) => self.stdin = i,
            (0, _) => self.stdin = In::null(),
            (1, Some(Fd::Out(o) | Fd::Rw(_, o))) => self.stdout = o,
            (2, Some(Fd::Out(o) | Fd::Rw(_, o))) => self.stderr = o,
            (1 | 2, _) => {
                let o = Out::Null;
                if n == 1 {
                    self.stdout = o
                } else {
                    self.stderr = o
                }
            }
            (n, Some(fd)) => {
                Rc::make_mut(&mut self.extra).insert(n, fd);
            }
            (n, None) => {
                if self.extra.contains_key(&n) {
                    Rc::make_mut(&mut self.extra).remove(&n);
                }
            }
        }
    }

    /// The output descriptor `n` (`>&n`, `echo x >&3`), or the shell's message when it is
    /// not open for writing.
    pub fn out(&self, n: u32) -> Result<Out, String> {
        match self.get(n) {
            Some(Fd::Out(o) | Fd::Rw(_, o)) => Ok(o),
            _ => Err(format!("{n}: Bad file descriptor")),
        }
    }

    /// The input descriptor `n` (`<&n`, `read -u n`), or the shell's message when it is not
    /// open for reading.
    pub fn input(&self, n: u32) -> Result<In, String> {
        match self.get(n) {
            Some(Fd::In(i) | Fd::Rw(i, _)) => Ok(i),
            _ => Err(format!("{n}: Bad file descriptor")),
        }
    }
}
