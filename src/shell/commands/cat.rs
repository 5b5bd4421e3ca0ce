//! `cat [-nbsAE] [FILE]...`

use super::{Ctx, Spec};

const SPEC: Spec = Spec {
    short: "nbsAEvteT",
    long: &[
        ("number", 'n', false),
        ("number-nonblank", 'b', false),
        ("squeeze-blank", 's', false),
        ("show-all", 'A', false),
        ("show-ends", 'E', false),
        ("show-tabs", 'T', false),
    ],
    bad_status: 1,
    numeric: false,
};

/// Runs `cat`.
pub fn run(c: Ctx<'_>) -> super::LocalBoxFuture<'_, super::Res> {
    Box::pin(async move {
        let a = match c.args(&SPEC).await {
            Ok(a) => a,
            Err(r) => return r,
        };
        let mut files = a.operands.clone();
        if files.is_empty() {
            files.push("-".into());
        }
        let plain = a.opts.is_empty();
        let mut st = 0;
        let mut line_no = 0usize;
        let mut prev_blank = false;
        for f in &files {
            let stream = match c.device(f) {
                Some(d) => Some(d),
                None => (f == "-").then(|| c.io.stdin.clone()),
            };
            if plain && let Some(src) = stream {
                while let Some(chunk) = src.chunk().await {
                    c.out(&chunk).await?;
                }
                continue;
            }
            let data = match c.read_arg(f).await {
                Ok(d) => d,
                Err(e) => {
                    c.fail(f, &e).await?;
                    st = 1;
                    continue;
                }
            };
            if plain {
                c.out(&data).await?;
                continue;
            }
            let mut out = Vec::with_capacity(data.len() + data.len() / 8);
            for line in data.split_inclusive(|&b| b == b'\n') {
                let body = line.strip_suffix(b"\n").unwrap_or(line);
                let blank = body.is_empty();
                if a.has('s') && blank && prev_blank {
                    continue;
                }
                prev_blank = blank;
                if a.has('b') && !blank || a.has('n') && !a.has('b') {
                    line_no += 1;
                    out.extend_from_slice(format!("{line_no:>6}\t").as_bytes());
                }
                let nonprinting = a.has('A') || a.has('v') || a.has('t') || a.has('e');
                if nonprinting || a.has('T') {
                    for &b in body {
                        match b {
                            b'\t' if a.has('A') || a.has('t') || a.has('T') => {
                                out.extend_from_slice(b"^I")
                            }
                            0..=8 | 10..=31 if nonprinting => {
                                out.extend_from_slice(&[b'^', b + 64])
                            }
                            127 if nonprinting => out.extend_from_slice(b"^?"),
                            _ => out.push(b),
                        }
                    }
                } else {
                    out.extend_from_slice(body);
                }
                if line.ends_with(b"\n") {
                    if a.has('E') || a.has('A') || a.has('e') {
                        out.push(b'$');
                    }
                    out.push(b'\n');
                }
            }
            c.out(&out).await?;
        }
        Ok(st)
    })
}
