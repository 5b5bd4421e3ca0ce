//! Handing read data to its consumer without copying it first.
//!
//! A read that spans two cached blocks, or one served from a RAM file, already has its bytes
//! in memory; the FUSE adapter can write them to the kernel straight from there (one `writev`)
//! instead of joining them into a fresh buffer. [`ReadSink`] is that consumer; every read path
//! has a `read_into` form that lends its data to one, and a default that reads and lends the
//! result, so backends without borrowed data need nothing new.

use bytes::Bytes;

/// The pieces of one read as one buffer: the piece itself when there is one, a copy when
/// there are several (for callers that need contiguous bytes).
pub fn join(mut parts: Vec<Bytes>) -> Bytes {
    match parts.len() {
        0 => Bytes::new(),
        1 => parts.swap_remove(0),
        _ => Bytes::from(parts.concat()),
    }
}

/// Receives the data of one read as consecutive pieces whose concatenation is the data.
pub trait ReadSink: Send {
    /// Called once per successful read; `parts` is empty at end of file.
    fn accept(&mut self, parts: &[&[u8]]);

    /// For data not in memory yet (a host file): lets `fill` read up to `len` bytes straight
    /// into the consumer's own buffer, returning how many it wrote (fewer at end of file), and
    /// consumes the read as [`accept`](Self::accept) would — or an error, which the consumer
    /// reports in its place. False (nothing called) if the consumer has no buffer to offer;
    /// the caller then reads and calls `accept`.
    fn fill(
        &mut self,
        _len: usize,
        _fill: &mut dyn FnMut(&mut [u8]) -> std::io::Result<usize>,
    ) -> bool {
        false
    }
}

/// Lends `data` to `sink` in one piece (none when empty).
pub fn lend(data: &[u8], sink: &mut dyn ReadSink) {
    if data.is_empty() {
        sink.accept(&[]);
    } else {
        sink.accept(&[data]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seen(Vec<Vec<u8>>);

    impl ReadSink for Seen {
        fn accept(&mut self, parts: &[&[u8]]) {
            self.0 = parts.iter().map(|p| p.to_vec()).collect();
        }
    }

    #[test]
    fn lend_gives_one_piece_or_none() {
        let mut s = Seen(Vec::new());
        lend(&Bytes::from_static(b"xy"), &mut s);
        assert_eq!(s.0, vec![b"xy".to_vec()]);
        lend(&Bytes::new(), &mut s);
        assert!(s.0.is_empty());
        assert_eq!(join(Vec::new()), Bytes::new());
        assert_eq!(
            join(vec![Bytes::from_static(b"ab")]),
            Bytes::from_static(b"ab")
        );
        let parts = vec![Bytes::from_static(b"ab"), Bytes::from_static(b"c")];
        assert_eq!(join(parts), Bytes::from_static(b"abc"));
    }
}
