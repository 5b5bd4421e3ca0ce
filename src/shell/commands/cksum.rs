//! `cksum [FILE]...`: the POSIX CRC (polynomial 0x04C11DB7 over the bytes, then the length)
//! and the byte count of each file, as `CRC SIZE NAME` (no name for standard input).

/// The CRC table, most significant bit first.
const TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u32) << 24;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x8000_0000 != 0 {
                (c << 1) ^ 0x04C1_1DB7
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// The POSIX `cksum` CRC of `data`.
fn crc(data: &[u8]) -> u32 {
    let step = |c: u32, b: u8| (c << 8) ^ TABLE[((c >> 24) as u8 ^ b) as usize];
    let mut c = data.iter().fold(0, |c, &b| step(c, b));
    let mut n = data.len() as u64;
    while n != 0 {
        c = step(c, n as u8);
        n >>= 8;
    }
    !c
}

command!(|c| {
    let files = c.argv[1..].to_vec();
    let stdin = files.is_empty();
    let files = if stdin { vec!["-".to_string()] } else { files };
    let mut st = 0;
    for f in &files {
        match c.read_arg(f).await {
            Ok(d) if stdin => c.print(&format!("{} {}\n", crc(&d), d.len())).await?,
            Ok(d) => c.print(&format!("{} {} {f}\n", crc(&d), d.len())).await?,
            Err(e) => {
                c.fail(f, &e).await?;
                st = 1;
            }
        }
    }
    Ok(st)
});

#[cfg(test)]
mod tests {
    #[test]
    fn crc_matches_posix_cksum() {
        // `printf '' | cksum` and `printf 'hello\n' | cksum` with GNU coreutils.
        assert_eq!(super::crc(b""), 4294967295);
        assert_eq!(super::crc(b"hello\n"), 3015617425);
    }
}
