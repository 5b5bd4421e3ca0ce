//! A cached block as it arrived from the network: its chunks in order, never joined.
//!
//! A FUSE read hands the pieces it covers to the kernel with one `writev`, so the bytes a GET
//! received are copied once more only by the kernel.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::error::VfsResult;

/// Most pieces a block keeps (see [`Segments::new`]).
pub const MAX_PARTS: usize = 64;

/// One cached block as it arrived: its pieces in order, never joined into one buffer (a FUSE
/// read hands them to the kernel with one `writev`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segments {
    parts: Arc<[Bytes]>,
    len: usize,
}

impl Segments {
    /// The block made of `parts` (empty pieces dropped).
    /// More than [`MAX_PARTS`] pieces (a body that trickled in, one TCP segment per read)
    /// are joined into one: a read spanning two blocks must stay far below the kernel's
    /// 1,024-entry `writev` limit, and a few copies of a slow body cost nothing.
    pub fn new(parts: Vec<Bytes>) -> Self {
        let mut parts: Vec<Bytes> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let len = parts.iter().map(Bytes::len).sum();
        if parts.len() > MAX_PARTS {
            parts = vec![Bytes::from(parts.concat())];
        }
        Segments {
            parts: parts.into(),
            len,
        }
    }

    /// Bytes in the block.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the block holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends to `out` the pieces covering bytes `start..stop` of the block (clamped to its
    /// length), sharing memory with it.
    pub fn slice_into(&self, start: usize, stop: usize, out: &mut Vec<Bytes>) {
        let stop = stop.min(self.len);
        let mut at = 0;
        for p in self.parts.iter() {
            let (from, to) = (at, at + p.len());
            at = to;
            if to <= start {
                continue;
            }
            if from >= stop {
                break;
            }
            out.push(p.slice(start.saturating_sub(from)..stop.min(to) - from));
        }
    }
}

impl Segments {
    /// Cuts a ranged read's body into blocks of `block` bytes, sharing their memory: each
    /// block as soon as its last byte has arrived, the last (shorter) one when the stream
    /// ends; an error ends it.
    pub fn blocks<S>(chunks: S, block: usize) -> impl Stream<Item = VfsResult<Segments>> + Send
    where
        S: Stream<Item = VfsResult<Bytes>> + Send + 'static,
    {
        let state = (Box::pin(chunks), Cutter::new(block), VecDeque::new(), false);
        futures::stream::unfold(
            state,
            |(mut chunks, mut cutter, mut ready, mut done)| async move {
                loop {
                    if let Some(b) = ready.pop_front() {
                        return Some((Ok(b), (chunks, cutter, ready, done)));
                    }
                    if done {
                        return None;
                    }
                    match chunks.next().await {
                        Some(Ok(c)) => ready.extend(cutter.push(c)),
                        Some(Err(e)) => return Some((Err(e), (chunks, cutter, ready, true))),
                        None => {
                            done = true;
                            ready.extend(cutter.finish());
                        }
                    }
                }
            },
        )
    }
}

/// Cuts a sequence of chunks into blocks of a fixed size, sharing their memory.
struct Cutter {
    block: usize,
    cur: Vec<Bytes>,
    len: usize,
}

impl Cutter {
    fn new(block: usize) -> Self {
        Cutter {
            block,
            cur: Vec::new(),
            len: 0,
        }
    }

    /// Takes the next chunk; returns the blocks it completed.
    fn push(&mut self, mut chunk: Bytes) -> Vec<Segments> {
        let mut out = Vec::new();
        while !chunk.is_empty() {
            let take = (self.block - self.len).min(chunk.len());
            self.cur.push(chunk.split_to(take));
            self.len += take;
            if self.len == self.block {
                out.push(Segments::new(std::mem::take(&mut self.cur)));
                self.len = 0;
            }
        }
        out
    }

    /// The last, shorter block, if any bytes are left.
    fn finish(&mut self) -> Option<Segments> {
        let len = std::mem::take(&mut self.len);
        (len > 0).then(|| Segments::new(std::mem::take(&mut self.cur)))
    }
}

impl From<Bytes> for Segments {
    fn from(b: Bytes) -> Self {
        Segments::new(vec![b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trickled_body_is_joined() {
        let parts: Vec<Bytes> = (0..1000u32)
            .map(|i| Bytes::from(vec![(i % 251) as u8; 3]))
            .collect();
        let want = parts.concat();
        let s = Segments::new(parts);
        assert_eq!(s.parts.len(), 1);
        let mut out = Vec::new();
        s.slice_into(0, s.len(), &mut out);
        assert_eq!(out.concat(), want);
        let few = Segments::new(vec![Bytes::from_static(b"ab"); MAX_PARTS]);
        assert_eq!(few.parts.len(), MAX_PARTS);
    }

    #[test]
    fn segments_slice_across_pieces() {
        let s = Segments::new(vec![
            Bytes::from_static(b"abc"),
            Bytes::new(),
            Bytes::from_static(b"defg"),
            Bytes::from_static(b"h"),
        ]);
        assert_eq!(s.len(), 8);
        let joined = |start, stop| {
            let mut out = Vec::new();
            s.slice_into(start, stop, &mut out);
            (out.len(), out.concat())
        };
        assert_eq!(joined(0, 8), (3, b"abcdefgh".to_vec()));
        assert_eq!(joined(2, 4), (2, b"cd".to_vec()));
        assert_eq!(joined(3, 7), (1, b"defg".to_vec()));
        assert_eq!(joined(5, 100), (2, b"fgh".to_vec()));
        assert_eq!(joined(8, 9), (0, Vec::new()));
        assert!(Segments::new(vec![Bytes::new()]).is_empty());
    }

    /// [`Segments::blocks`] of chunks already at hand.
    fn split(chunks: Vec<Bytes>, block: usize) -> Vec<Segments> {
        let blocks = Segments::blocks(futures::stream::iter(chunks.into_iter().map(Ok)), block);
        futures::executor::block_on(blocks.map(|b| b.unwrap()).collect())
    }

    #[test]
    fn split_cuts_chunks_at_block_bounds() {
        let chunks = vec![
            Bytes::from_static(b"abcde"),
            Bytes::from_static(b"fg"),
            Bytes::from_static(b"hijklmn"),
        ];
        let blocks = split(chunks, 4);
        let joined: Vec<Vec<u8>> = blocks
            .iter()
            .map(|s| {
                let mut out = Vec::new();
                s.slice_into(0, s.len(), &mut out);
                out.concat()
            })
            .collect();
        assert_eq!(joined, [&b"abcd"[..], b"efgh", b"ijkl", b"mn"]);
        assert!(split(Vec::new(), 4).is_empty());
    }
}
