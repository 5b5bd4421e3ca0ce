//! `sort [-nrufbhVgsz] [-k KEY]... [-t SEP] [-o FILE] [FILE]...`: GNU semantics in the C
//! locale — keys `F[.C][opts][,F[.C][opts]]`, blank-separated fields keep their leading blanks,
//! ties broken by the whole line unless `-s`.

use std::cmp::Ordering;

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "nrufbhVgsk:t:o:czdMRS:T:",
    long: &[
        ("numeric-sort", 'n', false),
        ("reverse", 'r', false),
        ("unique", 'u', false),
        ("ignore-case", 'f', false),
        ("ignore-leading-blanks", 'b', false),
        ("human-numeric-sort", 'h', false),
        ("version-sort", 'V', false),
        ("general-numeric-sort", 'g', false),
        ("stable", 's', false),
        ("key", 'k', true),
        ("field-separator", 't', true),
        ("output", 'o', true),
        ("check", 'c', false),
        ("zero-terminated", 'z', false),
        ("dictionary-order", 'd', false),
        ("buffer-size", 'S', true),
        ("parallel", 'P', true),
        ("temporary-directory", 'T', true),
    ],
    bad_status: 2,
    numeric: false,
};

#[derive(Clone, Copy, Default)]
struct Flags {
    n: bool,
    r: bool,
    f: bool,
    b: bool,
    h: bool,
    v: bool,
    g: bool,
    d: bool,
    m: bool,
}

impl Flags {
    fn apply(&mut self, s: &str) {
        for ch in s.chars() {
            match ch {
                'n' => self.n = true,
                'r' => self.r = true,
                'f' => self.f = true,
                'b' => self.b = true,
                'h' => self.h = true,
                'V' => self.v = true,
                'g' => self.g = true,
                'd' => self.d = true,
                'M' => self.m = true,
                _ => {}
            }
        }
    }
    fn any(&self) -> bool {
        self.n || self.r || self.f || self.b || self.h || self.v || self.g || self.d || self.m
    }
}

struct Key {
    f1: usize,
    c1: usize,
    f2: Option<usize>,
    c2: usize,
    flags: Flags,
    own: bool,
}

fn parse_key(s: &str, global: Flags) -> Option<Key> {
    let (a, b) = match s.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let split = |p: &str| -> Option<(usize, usize, String)> {
        let digits_end = p
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(p.len());
        let (pos, opts) = p.split_at(digits_end);
        let (f, c) = match pos.split_once('.') {
            Some((f, c)) => (f.parse().ok()?, c.parse().ok()?),
            None => (pos.parse().ok()?, 0),
        };
        Some((f, c, opts.to_string()))
    };
    let (f1, c1, o1) = split(a)?;
    if f1 == 0 {
        return None;
    }
    let mut flags = Flags::default();
    flags.apply(&o1);
    let (f2, c2) = match b {
        Some(b) => {
            let (f, c, o) = split(b)?;
            flags.apply(&o);
            (Some(f), c)
        }
        None => (None, 0),
    };
    let own = flags.any();
    Some(Key {
        f1,
        c1: c1.max(1),
        f2,
        c2,
        flags: if own { flags } else { global },
        own,
    })
}

/// Byte ranges of the fields of `line`.
fn fields(line: &[u8], sep: Option<u8>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    match sep {
        Some(s) => {
            let mut start = 0;
            for (i, &b) in line.iter().enumerate() {
                if b == s {
                    out.push((start, i));
                    start = i + 1;
                }
            }
            out.push((start, line.len()));
        }
        None => {
            let mut i = 0;
            while i < line.len() {
                let start = i;
                while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
                    i += 1;
                }
                while i < line.len() && line[i] != b' ' && line[i] != b'\t' {
                    i += 1;
                }
                out.push((start, i));
            }
        }
    }
    out
}

fn key_slice<'a>(line: &'a [u8], k: &Key, sep: Option<u8>) -> &'a [u8] {
    let fs = fields(line, sep);
    let Some(&(s1, e1)) = fs.get(k.f1 - 1) else {
        return &[];
    };
    let mut start = s1;
    if k.flags.b {
        while start < e1 && (line[start] == b' ' || line[start] == b'\t') {
            start += 1;
        }
    }
    start = (start + k.c1 - 1).min(e1.max(start));
    let end = match k.f2 {
        None => line.len(),
        Some(f2) => match fs.get(f2.saturating_sub(1)) {
            None => line.len(),
            Some(&(s2, e2)) => {
                if k.c2 == 0 {
                    e2
                } else {
                    let mut st = s2;
                    if k.flags.b {
                        while st < e2 && (line[st] == b' ' || line[st] == b'\t') {
                            st += 1;
                        }
                    }
                    (st + k.c2).min(e2)
                }
            }
        },
    };
    if end <= start { &[] } else { &line[start..end] }
}

fn num_prefix(s: &[u8]) -> f64 {
    let t = String::from_utf8_lossy(s);
    let t = t.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    if end < b.len() && (b[end] == b'-' || b[end] == b'+') {
        end += 1;
    }
    while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
        end += 1;
    }
    t[..end].parse().unwrap_or(0.0)
}

fn human(s: &[u8]) -> f64 {
    let t = String::from_utf8_lossy(s);
    let t = t.trim();
    let n = num_prefix(t.as_bytes());
    let digits_end = t
        .find(|c: char| !c.is_ascii_digit() && c != '.' && c != '-')
        .unwrap_or(t.len());
    let mult = match t[digits_end..].chars().next() {
        Some('K') | Some('k') => 1e3,
        Some('M') => 1e6,
        Some('G') => 1e9,
        Some('T') => 1e12,
        Some('P') => 1e15,
        _ => 1.0,
    };
    n * mult
}

/// Natural ("version") comparison: digit runs compare numerically.
pub fn version_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let na = String::from_utf8_lossy(&a[si..i])
                .trim_start_matches('0')
                .to_string();
            let nb = String::from_utf8_lossy(&b[sj..j])
                .trim_start_matches('0')
                .to_string();
            let o = na.len().cmp(&nb.len()).then(na.cmp(&nb));
            if o != Ordering::Equal {
                return o;
            }
        } else {
            let o = a[i].cmp(&b[j]);
            if o != Ordering::Equal {
                return o;
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn cmp_with(a: &[u8], b: &[u8], f: &Flags) -> Ordering {
    let (a, b) = if f.b {
        (trim_blank(a), trim_blank(b))
    } else {
        (a, b)
    };
    let o = if f.n {
        num_prefix(a)
            .partial_cmp(&num_prefix(b))
            .unwrap_or(Ordering::Equal)
    } else if f.g {
        let p = |s: &[u8]| {
            String::from_utf8_lossy(s)
                .trim()
                .parse::<f64>()
                .unwrap_or(f64::NEG_INFINITY)
        };
        p(a).partial_cmp(&p(b)).unwrap_or(Ordering::Equal)
    } else if f.h {
        human(a).partial_cmp(&human(b)).unwrap_or(Ordering::Equal)
    } else if f.v {
        version_cmp(a, b)
    } else if f.m {
        month(a).cmp(&month(b))
    } else if f.f || f.d {
        let norm = |s: &[u8]| -> Vec<u8> {
            s.iter()
                .filter(|c| !f.d || c.is_ascii_alphanumeric() || **c == b' ' || **c == b'\t')
                .map(|c| if f.f { c.to_ascii_uppercase() } else { *c })
                .collect()
        };
        norm(a).cmp(&norm(b))
    } else {
        a.cmp(b)
    };
    if f.r { o.reverse() } else { o }
}

/// `-M`: 1–12 for a leading month abbreviation (any case, after blanks), 0 otherwise.
fn month(s: &[u8]) -> u8 {
    const MONTHS: [&[u8]; 12] = [
        b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV",
        b"DEC",
    ];
    let s = trim_blank(s);
    let head: Vec<u8> = s.iter().take(3).map(u8::to_ascii_uppercase).collect();
    MONTHS
        .iter()
        .position(|m| *m == head.as_slice())
        .map_or(0, |i| i as u8 + 1)
}

fn trim_blank(s: &[u8]) -> &[u8] {
    let i = s
        .iter()
        .position(|c| *c != b' ' && *c != b'\t')
        .unwrap_or(s.len());
    &s[i..]
}

command!(|c| {
    let a = opts!(c, SPEC);
    let mut global = Flags::default();
    for (o, _) in &a.opts {
        global.apply(&o.to_string());
    }
    let sep = match a.value('t') {
        Some(t) if t.len() == 1 => Some(t.as_bytes()[0]),
        Some("\\t") => Some(b'\t'),
        Some("\\0") => Some(0),
        Some(t) => {
            c.err(&format!("multi-character tab '{t}'")).await?;
            return Ok(2);
        }
        None => None,
    };
    let mut keys = Vec::new();
    for k in a.values('k') {
        match parse_key(k, global) {
            Some(mut key) => {
                if !key.own {
                    key.flags = global;
                }
                keys.push(key);
            }
            None => {
                c.err(&format!(
                    "invalid number at field start: invalid count at start of '{k}'"
                ))
                .await?;
                return Ok(2);
            }
        }
    }
    let (data, failed) = input_all(&c, &a.operands).await?;
    if failed {
        return Ok(2);
    }
    let delim = if a.has('z') { 0u8 } else { b'\n' };
    let body = data.strip_suffix(&[delim]).unwrap_or(&data);
    let mut lines: Vec<&[u8]> = if data.is_empty() {
        vec![]
    } else {
        body.split(|&b| b == delim).collect()
    };
    let stable = a.has('s') || a.has('u');
    let compare = |x: &&[u8], y: &&[u8]| -> Ordering {
        for k in &keys {
            let o = cmp_with(key_slice(x, k, sep), key_slice(y, k, sep), &k.flags);
            if o != Ordering::Equal {
                return o;
            }
        }
        if keys.is_empty() {
            let o = cmp_with(x, y, &global);
            if o != Ordering::Equal || stable {
                return o;
            }
        } else if stable {
            return Ordering::Equal;
        }
        let o = x.cmp(y);
        if global.r { o.reverse() } else { o }
    };
    if a.has('c') {
        for (i, w) in lines.windows(2).enumerate() {
            if compare(&w[0], &w[1]) == Ordering::Greater {
                c.err(&format!(
                    "-:{}: disorder: {}",
                    i + 2,
                    String::from_utf8_lossy(w[1])
                ))
                .await?;
                return Ok(1);
            }
        }
        return Ok(0);
    }
    lines.sort_by(compare);
    if a.has('u') {
        let uniq_cmp = |x: &&[u8], y: &&[u8]| -> Ordering {
            for k in &keys {
                let o = cmp_with(key_slice(x, k, sep), key_slice(y, k, sep), &k.flags);
                if o != Ordering::Equal {
                    return o;
                }
            }
            if keys.is_empty() {
                cmp_with(x, y, &global)
            } else {
                Ordering::Equal
            }
        };
        lines.dedup_by(|x, y| uniq_cmp(&&**x, &&**y) == Ordering::Equal);
    }
    let mut out = Vec::with_capacity(data.len() + 1);
    for l in lines {
        out.extend_from_slice(l);
        out.push(delim);
    }
    if let Some(o) = a.value('o') {
        let r = match c.path(o) {
            Ok(p) => c.vfs().write_all(&p, &out, false).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.err(&format!("open failed: {o}: {}", e.user_message()))
                .await?;
            return Ok(2);
        }
        return Ok(0);
    }
    c.out(&out).await?;
    Ok(0)
});
