//! `split [-l N | -b SIZE] [-d] [-a LEN] [FILE [PREFIX]]`.

use super::Spec;
use super::text::parse_size;

const SPEC: Spec = Spec {
    short: "l:b:da:n:",
    long: &[
        ("lines", 'l', true),
        ("bytes", 'b', true),
        ("numeric-suffixes", 'd', false),
        ("suffix-length", 'a', true),
    ],
    bad_status: 1,
    numeric: false,
};

fn suffix(mut i: usize, len: usize, numeric: bool) -> String {
    let base = if numeric { 10 } else { 26 };
    let mut s = Vec::new();
    for _ in 0..len {
        let d = i % base;
        s.push(if numeric {
            (b'0' + d as u8) as char
        } else {
            (b'a' + d as u8) as char
        });
        i /= base;
    }
    s.iter().rev().collect()
}

command!(|c| {
    let a = opts!(c, SPEC);
    let input = a.operands.first().cloned().unwrap_or_else(|| "-".into());
    let prefix = a.operands.get(1).cloned().unwrap_or_else(|| "x".into());
    let data = match c.read_arg(&input).await {
        Ok(d) => d,
        Err(e) => {
            c.fail(&input, &e).await?;
            return Ok(1);
        }
    };
    let len: usize = a.value('a').and_then(|v| v.parse().ok()).unwrap_or(2);
    let mut pieces: Vec<&[u8]> = Vec::new();
    if let Some(b) = a.value('b') {
        let Some(n) = parse_size(b).filter(|n| *n > 0) else {
            c.err(&format!("invalid number of bytes: '{b}'")).await?;
            return Ok(1);
        };
        pieces.extend(data.chunks(n as usize));
    } else {
        let n: usize = a
            .value('l')
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000)
            .max(1);
        let mut start = 0;
        let mut count = 0;
        for (i, &b) in data.iter().enumerate() {
            if b == b'\n' {
                count += 1;
                if count == n {
                    pieces.push(&data[start..=i]);
                    start = i + 1;
                    count = 0;
                }
            }
        }
        if start < data.len() {
            pieces.push(&data[start..]);
        }
    }
    for (i, p) in pieces.iter().enumerate() {
        let name = format!("{prefix}{}", suffix(i, len, a.has('d')));
        let r = match c.path(&name) {
            Ok(path) => c.vfs().write_all(&path, p, false).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.fail(&name, &e).await?;
            return Ok(1);
        }
    }
    Ok(0)
});
