//! Raw bytes inside the shell's strings. Values are Rust `String`s, but bash values are bytes:
//! `printf '\377'`, `$'\xff'` or `$(cat binary)` hold bytes that are not UTF-8. Each such byte
//! is kept as one character of a private-use range (U+10FF80–U+10FFFF) and written back as the
//! byte on output, so it survives variables, expansions and pipes unchanged.

use std::borrow::Cow;

/// First code point of the range standing for bytes 0x80–0xFF.
const BASE: u32 = 0x10FF00;

/// The character standing for byte `b` (ASCII stays itself).
pub fn byte_char(b: u8) -> char {
    if b < 0x80 {
        b as char
    } else {
        char::from_u32(BASE + u32::from(b)).unwrap_or('\u{FFFD}')
    }
}

/// `bytes` as a string: valid UTF-8 as is, every other byte as its stand-in.
pub fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| byte_char(b)));
    }
    out
}

/// `s` as bytes, stand-ins turned back into the bytes they stand for.
pub fn encode(s: &str) -> Cow<'_, [u8]> {
    // Every stand-in is encoded as F4 8F BE xx or F4 8F BF xx.
    if !s.as_bytes().contains(&0xF4) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u32::from(c).checked_sub(BASE) {
            Some(b @ 0x80..=0xFF) => out.push(b as u8),
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let data = b"ok \xff\xfe caf\xc3\xa9 \xc3";
        let s = decode(data);
        assert_eq!(s.chars().filter(|c| u32::from(*c) > BASE).count(), 3);
        assert_eq!(&*encode(&s), data);
        assert!(matches!(encode("plain é"), Cow::Borrowed(_)));
        assert_eq!(&*encode(&byte_char(0x80).to_string()), b"\x80");
    }
}
