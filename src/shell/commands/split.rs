//! `split [-l N | -b SIZE] [-d] [-a LEN] [FILE [PREFIX]]` and `expand [-t N] [FILE]...`.

use super::Spec;
use super::text::{input_all, parse_size};

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
    if c.name() == "expand" {
        let mut tab = 8usize;
        let mut files = Vec::new();
        let args = c.argv[1..].to_vec();
        let mut i = 0;
        while i < args.len() {
            if args[i] == "-t" {
                tab = args
                    .get(i + 1)
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(8)
                    .max(1);
                i += 2;
                continue;
            }
            if let Some(t) = args[i].strip_prefix("-t") {
                tab = t.parse().unwrap_or(8).max(1);
            } else {
                files.push(args[i].clone());
            }
            i += 1;
        }
        let (data, failed) = input_all(&c, &files).await?;
        let mut out = String::new();
        let mut col = 0;
        for ch in String::from_utf8_lossy(&data).chars() {
            match ch {
                '\t' => {
                    let n = tab - col % tab;
                    out.push_str(&" ".repeat(n));
                    col += n;
                }
                '\n' => {
                    out.push('\n');
                    col = 0;
                }
                o => {
                    out.push(o);
                    col += 1;
                }
            }
        }
        c.print(&out).await?;
        return Ok(failed as i32);
    }
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
