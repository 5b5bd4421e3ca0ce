//! The bytes of one `ram` file, kept sparse as tmpfs keeps them: fixed-size chunks, where a
//! missing chunk (or the part of a chunk past what was written) reads as zeros. So
//! `truncate -s 10G` costs no memory, a write far past the end costs only its own chunk, and
//! shrinking a file gives its memory back. What a mount's files hold is counted against its
//! [`Budget`]: past it, writes fail with `ENOSPC` (as on a full tmpfs) instead of the process
//! running out of memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use crate::vfs::{VfsError, VfsResult};

/// Bytes per chunk: one maximal FUSE read, so a read usually touches one or two chunks.
pub(super) const CHUNK: usize = 1 << 20;

/// What holes read as.
static ZEROS: [u8; CHUNK] = [0; CHUNK];

/// The largest file size (as on Linux filesystems: offsets are signed 64-bit).
const MAX_LEN: u64 = i64::MAX as u64;

/// Memory is counted, and a chunk's first written byte rounded down to, in pages of this size.
const PAGE: usize = 4096;

/// The written span of one chunk: `bytes` from offset `start` within the chunk (a multiple of
/// [`PAGE`]); the rest of the chunk reads as zeros.
#[derive(Default)]
struct Chunk {
    start: usize,
    bytes: Vec<u8>,
}

/// The bytes all files of one `ram` mount may hold, and what they hold now.
#[derive(Debug)]
pub(super) struct Budget {
    limit: u64,
    used: AtomicU64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub(super) fn new(limit: u64) -> Arc<Self> {
        Arc::new(Budget {
            limit,
            used: AtomicU64::new(0),
        })
    }

    /// The limit and the bytes held.
    pub(super) fn usage(&self) -> (u64, u64) {
        (self.limit, self.used.load(Ordering::Relaxed))
    }

    /// Takes `n` more bytes, or fails with `NoSpace` (taking nothing) past the limit.
    fn take(&self, n: u64) -> VfsResult<()> {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(n).filter(|&u| u <= self.limit)
            })
            .map(|_| ())
            .map_err(|_| VfsError::NoSpace)
    }

    fn give_back(&self, n: u64) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }
}

/// A file's contents. Invariant: no chunk holds bytes at or past `len`.
pub(super) struct Content {
    len: u64,
    /// Chunk index → its written span.
    chunks: BTreeMap<u64, Chunk>,
    /// Bytes held by all chunks (taken from `budget`).
    allocated: u64,
    budget: Arc<Budget>,
}

impl Drop for Content {
    fn drop(&mut self) {
        self.budget.give_back(self.allocated);
    }
}

impl Content {
    /// An empty file.
    pub(super) fn new(budget: &Arc<Budget>) -> Self {
        Content {
            len: 0,
            chunks: BTreeMap::new(),
            allocated: 0,
            budget: budget.clone(),
        }
    }

    /// Contents equal to `bytes` (a file up to one chunk keeps the vector as it is), or
    /// `NoSpace` when the budget cannot hold them.
    pub(super) fn from_vec(bytes: Vec<u8>, budget: &Arc<Budget>) -> VfsResult<Self> {
        budget.take(bytes.len() as u64)?;
        let len = bytes.len() as u64;
        let whole = |bytes| Chunk { start: 0, bytes };
        let chunks: BTreeMap<u64, Chunk> = if bytes.len() <= CHUNK {
            (!bytes.is_empty())
                .then(|| (0, whole(bytes)))
                .into_iter()
                .collect()
        } else {
            (0u64..)
                .zip(bytes.chunks(CHUNK).map(|c| whole(c.to_vec())))
                .collect()
        };
        Ok(Content {
            len,
            chunks,
            allocated: len,
            budget: budget.clone(),
        })
    }

    /// The file's size.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// Bytes of memory the contents hold (holes excluded).
    pub(super) fn allocated(&self) -> u64 {
        self.allocated
    }

    /// Up to `len` bytes at `offset` (fewer at the end of the file, none past it), as
    /// borrowed pieces in order; holes are pieces of zeros.
    pub(super) fn parts(&self, offset: u64, len: u64) -> Vec<&[u8]> {
        let start = offset.min(self.len);
        let end = start.saturating_add(len).min(self.len);
        let mut out = Vec::new();
        let mut pos = start;
        while pos < end {
            let within = (pos % CHUNK as u64) as usize;
            let n = ((end - pos) as usize).min(CHUNK - within);
            // Zeros before the chunk's span, its bytes, zeros after.
            let (start, bytes) = match self.chunks.get(&(pos / CHUNK as u64)) {
                Some(c) => (c.start, &c.bytes[..]),
                None => (CHUNK, &[][..]),
            };
            let lead = start.saturating_sub(within).min(n);
            if lead > 0 {
                out.push(&ZEROS[..lead]);
            }
            let from = within + lead - start.min(within + lead);
            let have = bytes.len().saturating_sub(from).min(n - lead);
            if have > 0 {
                out.push(&bytes[from..from + have]);
            }
            if lead + have < n {
                out.push(&ZEROS[..n - lead - have]);
            }
            pos += n as u64;
        }
        out
    }

    /// [`Content::parts`] joined into one buffer.
    pub(super) fn to_bytes(&self, offset: u64, len: u64) -> Bytes {
        match self.parts(offset, len).as_slice() {
            [] => Bytes::new(),
            [one] => Bytes::copy_from_slice(one),
            many => Bytes::from(many.concat()),
        }
    }

    /// Writes `data` at `offset`, extending the file (the gap reads as zeros).
    pub(super) fn write(&mut self, offset: u64, data: &[u8]) -> VfsResult<()> {
        let end = offset
            .checked_add(data.len() as u64)
            .filter(|&e| e <= MAX_LEN)
            .ok_or(VfsError::FileTooLarge)?;
        self.budget.take(self.growth(offset, data.len()))?;
        let (mut pos, mut rest) = (offset, data);
        while !rest.is_empty() {
            let within = (pos % CHUNK as u64) as usize;
            let n = rest.len().min(CHUNK - within);
            let first = within / PAGE * PAGE;
            let chunk = self.chunks.entry(pos / CHUNK as u64).or_insert(Chunk {
                start: first,
                bytes: Vec::new(),
            });
            if first < chunk.start {
                // Written below the span: it starts lower (rare: a backward writer).
                let mut bytes = vec![0; chunk.start - first];
                bytes.extend_from_slice(&chunk.bytes);
                self.allocated += (chunk.start - first) as u64;
                *chunk = Chunk {
                    start: first,
                    bytes,
                };
            }
            let (at, end) = (within - chunk.start, within + n - chunk.start);
            if chunk.bytes.len() < end {
                self.allocated += (end - chunk.bytes.len()) as u64;
                grow(&mut chunk.bytes, end, CHUNK - chunk.start);
            }
            chunk.bytes[at..end].copy_from_slice(&rest[..n]);
            pos += n as u64;
            rest = &rest[n..];
        }
        self.len = self.len.max(end);
        Ok(())
    }

    /// The bytes a write of `n` at `offset` would add to what the chunks hold.
    fn growth(&self, offset: u64, n: usize) -> u64 {
        let (mut pos, mut rest, mut more) = (offset, n, 0u64);
        while rest > 0 {
            let within = (pos % CHUNK as u64) as usize;
            let n = rest.min(CHUNK - within);
            let first = within / PAGE * PAGE;
            more += match self.chunks.get(&(pos / CHUNK as u64)) {
                None => (within + n - first) as u64,
                Some(c) => {
                    let start = c.start.min(first);
                    let end = (c.start + c.bytes.len()).max(within + n);
                    (end - start - c.bytes.len()) as u64
                }
            };
            pos += n as u64;
            rest -= n;
        }
        more
    }

    /// Sets the size: shrinking drops the bytes past it (and their memory), growing adds a
    /// hole.
    pub(super) fn set_len(&mut self, size: u64) -> VfsResult<()> {
        if size > MAX_LEN {
            return Err(VfsError::FileTooLarge);
        }
        if size < self.len {
            let chunk = CHUNK as u64;
            let held = self.allocated;
            for (_, c) in self.chunks.split_off(&size.div_ceil(chunk)) {
                self.allocated -= c.bytes.len() as u64;
            }
            let (index, within) = (size / chunk, (size % chunk) as usize);
            if let Some(c) = self.chunks.get_mut(&index) {
                let keep = within.saturating_sub(c.start);
                if c.bytes.len() > keep {
                    self.allocated -= (c.bytes.len() - keep) as u64;
                    c.bytes.truncate(keep);
                    if c.bytes.capacity() > 2 * c.bytes.len().max(PAGE) {
                        c.bytes.shrink_to_fit();
                    }
                }
                if c.bytes.is_empty() {
                    self.chunks.remove(&index);
                }
            }
            self.budget.give_back(held - self.allocated);
        }
        self.len = size;
        Ok(())
    }
}

/// Lengthens `bytes` to `want` (zero-filled), doubling its capacity up to `most` (the rest of
/// its chunk) so appends stay cheap without reserving past the chunk.
fn grow(bytes: &mut Vec<u8>, want: usize, most: usize) {
    if bytes.capacity() < want {
        let target = want.max((bytes.capacity() * 2).min(most));
        bytes.reserve_exact(target - bytes.len());
    }
    bytes.resize(want, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlimited() -> Arc<Budget> {
        Budget::new(u64::MAX)
    }

    fn read(c: &Content, offset: u64, len: u64) -> Vec<u8> {
        c.to_bytes(offset, len).to_vec()
    }

    #[test]
    fn growing_by_truncate_costs_no_memory_and_reads_zeros() {
        let mut c = Content::from_vec(b"abc".to_vec(), &unlimited()).unwrap();
        c.set_len(10 << 30).unwrap();
        assert_eq!(c.len(), 10 << 30);
        assert_eq!(c.allocated(), 3);
        assert_eq!(read(&c, 0, 5), b"abc\0\0");
        assert_eq!(read(&c, (10 << 30) - 2, 10), [0, 0]);
        assert!(c.parts(5 << 30, 3 * CHUNK as u64).len() >= 3);
    }

    #[test]
    fn a_write_far_past_the_end_holds_only_its_chunk() {
        let mut c = Content::new(&unlimited());
        c.write((5 << 30) + 7, b"far").unwrap();
        assert_eq!(c.len(), (5 << 30) + 10);
        assert_eq!(c.allocated(), 10);
        // Near a chunk's end, only the page written to is held (as tmpfs).
        c.write((6 << 30) - 3, b"end").unwrap();
        assert_eq!(c.allocated(), 10 + PAGE as u64);
        assert_eq!(read(&c, (6 << 30) - 5, 10), b"\0\0end");
        // Then below it in the same chunk: the span grows down, the bytes stay.
        c.write((6 << 30) - 2 * CHUNK as u64 / 3, b"mid").unwrap();
        assert_eq!(read(&c, (6 << 30) - 5, 10), b"\0\0end");
        assert_eq!(
            read(&c, (6 << 30) - 2 * CHUNK as u64 / 3 - 1, 5),
            b"\0mid\0"
        );
        c.set_len((6 << 30) - 1).unwrap();
        assert_eq!(read(&c, (6 << 30) - 4, 10), b"\0en");
        c.set_len((6 << 30) - CHUNK as u64 / 2).unwrap();
        let span_start = (CHUNK - 2 * CHUNK / 3) / PAGE * PAGE;
        assert_eq!(c.allocated(), 10 + (CHUNK / 2 - span_start) as u64);
        c.set_len((6 << 30) - CHUNK as u64 + 5).unwrap();
        assert_eq!(c.allocated(), 10, "a chunk cut below its span is gone");
        assert_eq!(read(&c, (6 << 30) - CHUNK as u64, 5), [0; 5]);
        assert_eq!(read(&c, 5 << 30, 10), b"\0\0\0\0\0\0\0far");
        assert_eq!(read(&c, 0, 4), [0; 4]);
    }

    #[test]
    fn shrinking_drops_bytes_so_growing_again_reads_zeros() {
        let mut c = Content::new(&unlimited());
        let data: Vec<u8> = (0..3 * CHUNK + 100).map(|i| (i % 251) as u8 + 1).collect();
        c.write(0, &data).unwrap();
        assert_eq!(c.allocated(), data.len() as u64);
        c.set_len(CHUNK as u64 + 5).unwrap();
        assert_eq!(c.allocated(), CHUNK as u64 + 5);
        c.set_len(3 * CHUNK as u64).unwrap();
        let back = read(&c, 0, 3 * CHUNK as u64);
        assert_eq!(back[..CHUNK + 5], data[..CHUNK + 5]);
        assert!(back[CHUNK + 5..].iter().all(|&b| b == 0));
        c.set_len(0).unwrap();
        assert_eq!((c.len(), c.allocated()), (0, 0));
    }

    #[test]
    fn writes_across_chunks_read_back_whole() {
        let mut c = Content::from_vec(vec![1; 2 * CHUNK + 3], &unlimited()).unwrap();
        let data: Vec<u8> = (0..CHUNK + 10).map(|i| (i % 7) as u8 + 2).collect();
        c.write(CHUNK as u64 - 5, &data).unwrap();
        let mut want = vec![1; 2 * CHUNK + 5]; // the write ran 2 bytes past the end
        want[CHUNK - 5..].copy_from_slice(&data);
        assert_eq!(read(&c, 0, u64::MAX), want);
        assert_eq!(read(&c, 2 * CHUNK as u64 + 5, 10), b"");
        assert!(c.write(u64::MAX - 1, b"xy").is_err());
        assert!(c.set_len(u64::MAX).is_err());
    }

    #[test]
    fn the_budget_refuses_what_it_cannot_hold_and_gets_memory_back() {
        let budget = Budget::new(3 * PAGE as u64);
        let mut a = Content::new(&budget);
        a.write(0, &[1; 2 * PAGE]).unwrap();
        assert_eq!(budget.usage(), (3 * PAGE as u64, 2 * PAGE as u64));
        // A sparse extension costs nothing; a write that does not fit changes nothing.
        a.set_len(1 << 40).unwrap();
        assert!(matches!(a.write(0, &[2; 4 * PAGE]), Err(VfsError::NoSpace)));
        assert_eq!(read(&a, 0, 2), [1, 1]);
        assert!(matches!(
            Content::from_vec(vec![0; 2 * PAGE], &budget),
            Err(VfsError::NoSpace)
        ));
        let b = Content::from_vec(vec![3; PAGE], &budget).unwrap();
        assert_eq!(budget.usage().1, 3 * PAGE as u64);
        a.set_len(PAGE as u64).unwrap();
        assert_eq!(budget.usage().1, 2 * PAGE as u64);
        drop(a);
        drop(b);
        assert_eq!(budget.usage().1, 0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
        /// Random writes, truncations and reads agree with a plain vector.
        #[test]
        fn agrees_with_a_plain_vector(ops in proptest::collection::vec(
            (0u8..3, 0u64..(3 * CHUNK as u64 + 9000), 1usize..9000, proptest::prelude::any::<u8>()),
            1..40,
        )) {
            let budget = unlimited();
            let (mut c, mut model) = (Content::new(&budget), Vec::<u8>::new());
            for (op, at, n, byte) in ops {
                match op {
                    0 => {
                        let data = vec![byte | 1; n];
                        c.write(at, &data).unwrap();
                        let end = at as usize + n;
                        if model.len() < end {
                            model.resize(end, 0);
                        }
                        model[at as usize..end].copy_from_slice(&data);
                    }
                    1 => {
                        c.set_len(at).unwrap();
                        model.resize(at as usize, 0);
                    }
                    _ => {
                        let start = (at as usize).min(model.len());
                        let end = (start + n * 50).min(model.len());
                        proptest::prop_assert_eq!(read(&c, at, n as u64 * 50), &model[start..end]);
                    }
                }
                proptest::prop_assert_eq!(c.len(), model.len() as u64);
                proptest::prop_assert_eq!(budget.usage().1, c.allocated());
                proptest::prop_assert!(c.allocated() <= model.len() as u64 + PAGE as u64 * 8);
            }
            proptest::prop_assert_eq!(read(&c, 0, u64::MAX), model);
        }
    }
}
