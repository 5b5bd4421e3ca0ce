//! A whole-file staging buffer for backends without random-access writes.
//!
//! Bytes live in memory until the file grows past a threshold, then move to an anonymous
//! temporary file, so writing a 2 GiB file does not need 2 GiB of RAM. The buffer supports
//! reads, writes at any offset (holes fill with zeros) and resizing, and hands its content to
//! `put` without copying a spilled file.

use std::fs::File;
use std::os::unix::fs::FileExt;

use bytes::Bytes;

use super::backend::PutData;
use super::error::{VfsError, VfsResult};

/// Default size past which a staged file moves from memory to a temp file.
pub const DEFAULT_SPILL_THRESHOLD: u64 = 64 << 20;

enum Store {
    Mem(Vec<u8>),
    Spilled(File),
}

/// The staged content of one open file.
pub struct StageBuf {
    store: Store,
    len: u64,
    spill_at: u64,
}

impl StageBuf {
    /// An empty buffer that spills past `spill_at` bytes.
    pub fn new(spill_at: u64) -> Self {
        StageBuf {
            store: Store::Mem(Vec::new()),
            len: 0,
            spill_at,
        }
    }

    /// Current length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True once the content lives in a temp file.
    pub fn is_spilled(&self) -> bool {
        matches!(self.store, Store::Spilled(_))
    }

    fn spill(&mut self) -> VfsResult<()> {
        if let Store::Mem(v) = &self.store {
            let file = tempfile::tempfile()?;
            file.write_all_at(v, 0)?;
            self.store = Store::Spilled(file);
        }
        Ok(())
    }

    /// Writes `data` at `offset`, zero-filling any hole.
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> VfsResult<()> {
        if data.is_empty() {
            return Ok(()); // like pwrite(2): a zero-length write never extends the file
        }
        let end = offset
            .checked_add(data.len() as u64)
            .ok_or(VfsError::FileTooLarge)?;
        if end > self.spill_at {
            self.spill()?;
        }
        match &mut self.store {
            Store::Mem(v) => {
                let (start, end) = (offset as usize, end as usize);
                if v.len() < end {
                    v.resize(end, 0);
                }
                v[start..end].copy_from_slice(data);
            }
            Store::Spilled(f) => {
                if offset > self.len {
                    f.set_len(offset)?; // the hole reads as zeros
                }
                f.write_all_at(data, offset)?;
            }
        }
        self.len = self.len.max(end);
        Ok(())
    }

    /// Up to `len` bytes at `offset`.
    pub fn read_at(&self, offset: u64, len: u64) -> VfsResult<Bytes> {
        let start = offset.min(self.len);
        let end = offset.saturating_add(len).min(self.len);
        match &self.store {
            Store::Mem(v) => Ok(Bytes::copy_from_slice(&v[start as usize..end as usize])),
            Store::Spilled(f) => {
                let mut buf = vec![0u8; (end - start) as usize];
                f.read_exact_at(&mut buf, start)?;
                Ok(Bytes::from(buf))
            }
        }
    }

    /// Truncates or zero-extends to `size`.
    pub fn set_len(&mut self, size: u64) -> VfsResult<()> {
        if size > self.spill_at {
            self.spill()?;
        }
        match &mut self.store {
            Store::Mem(v) => v.resize(size as usize, 0),
            Store::Spilled(f) => f.set_len(size)?,
        }
        self.len = size;
        Ok(())
    }

    /// The content as upload data (a copy in memory, or a second handle on the temp file).
    pub fn to_put_data(&self) -> VfsResult<PutData> {
        match &self.store {
            Store::Mem(v) => Ok(PutData::Bytes(Bytes::copy_from_slice(v))),
            Store::Spilled(f) => Ok(PutData::File {
                file: f.try_clone()?,
                len: self.len,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_past_the_end_leave_zero_holes() {
        let mut b = StageBuf::new(1 << 20);
        b.write_at(4, b"xy").unwrap();
        assert_eq!(&b.read_at(0, 10).unwrap()[..], b"\0\0\0\0xy");
    }

    #[test]
    fn spills_past_threshold_and_keeps_content() {
        let mut b = StageBuf::new(8);
        b.write_at(0, b"hello").unwrap();
        assert!(!b.is_spilled());
        b.write_at(10, b"world").unwrap();
        assert!(b.is_spilled());
        assert_eq!(&b.read_at(0, 100).unwrap()[..], b"hello\0\0\0\0\0world");
        b.set_len(3).unwrap();
        assert_eq!(&b.read_at(0, 100).unwrap()[..], b"hel");
        let data = b.to_put_data().unwrap().into_bytes().unwrap();
        assert_eq!(&data[..], b"hel");
    }
}
