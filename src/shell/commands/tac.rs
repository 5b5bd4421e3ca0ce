//! `tac [FILE]...`: lines in reverse order.

use super::text::input_all;

command!(|c| {
    let ops = c.argv[1..].to_vec();
    let (data, failed) = input_all(&c, &ops).await?;
    let mut parts: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    parts.reverse();
    let mut out = Vec::with_capacity(data.len());
    for p in parts {
        out.extend_from_slice(p);
    }
    c.out(&out).await?;
    Ok(failed as i32)
});
