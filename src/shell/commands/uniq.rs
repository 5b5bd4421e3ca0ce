//! `uniq [-cdui] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]`

use super::Spec;
use super::text::lines;

const SPEC: Spec = Spec {
    short: "cduif:s:w:D",
    long: &[
        ("count", 'c', false),
        ("repeated", 'd', false),
        ("unique", 'u', false),
        ("ignore-case", 'i', false),
        ("skip-fields", 'f', true),
        ("skip-chars", 's', true),
        ("check-chars", 'w', true),
        ("all-repeated", 'D', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let input = a.operands.first().cloned().unwrap_or_else(|| "-".into());
    let data = match c.read_arg(&input).await {
        Ok(d) => d,
        Err(e) => {
            c.fail(&input, &e).await?;
            return Ok(1);
        }
    };
    let skip_f: usize = a.value('f').and_then(|v| v.parse().ok()).unwrap_or(0);
    let skip_s: usize = a.value('s').and_then(|v| v.parse().ok()).unwrap_or(0);
    let width: Option<usize> = a.value('w').and_then(|v| v.parse().ok());
    let key = |l: &[u8]| -> Vec<u8> {
        let mut i = 0;
        for _ in 0..skip_f {
            while i < l.len() && (l[i] == b' ' || l[i] == b'\t') {
                i += 1;
            }
            while i < l.len() && l[i] != b' ' && l[i] != b'\t' {
                i += 1;
            }
        }
        i = (i + skip_s).min(l.len());
        let mut k = &l[i..];
        if let Some(w) = width {
            k = &k[..w.min(k.len())];
        }
        if a.has('i') {
            k.to_ascii_lowercase()
        } else {
            k.to_vec()
        }
    };
    let ls = lines(&data);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let k = key(ls[i]);
        let mut j = i + 1;
        while j < ls.len() && key(ls[j]) == k {
            j += 1;
        }
        let n = j - i;
        let show = (!a.has('d') || n > 1) && (!a.has('u') || n == 1) && (!a.has('D') || n > 1);
        if show {
            let group: Vec<&[u8]> = if a.has('D') {
                ls[i..j].to_vec()
            } else {
                vec![ls[i]]
            };
            for l in group {
                if a.has('c') {
                    out.extend_from_slice(format!("{n:>7} ").as_bytes());
                }
                out.extend_from_slice(l);
                out.push(b'\n');
            }
        }
        i = j;
    }
    if let Some(o) = a.operands.get(1) {
        let r = match c.path(o) {
            Ok(p) => c.vfs().write_all(&p, &out, false).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.fail(o, &e).await?;
            return Ok(1);
        }
        return Ok(0);
    }
    c.out(&out).await?;
    Ok(0)
});
