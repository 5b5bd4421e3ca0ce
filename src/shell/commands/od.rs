//! `od [-A d|o|x|n] [-t TYPE]... [-j SKIP] [-N COUNT] [-w[N]] [-v] [-abcdilosx] [FILE]...`:
//! GNU od's layout — one row per output type, columns of several types aligned, repeated
//! lines shown as `*` unless `-v`, the final offset on a line of its own.

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "A:t:j:N:w:vabcdfhiloOsxX",
    long: &[
        ("address-radix", 'A', true),
        ("format", 't', true),
        ("skip-bytes", 'j', true),
        ("read-bytes", 'N', true),
        ("width", 'w', true),
        ("output-duplicates", 'v', false),
    ],
    bad_status: 1,
    numeric: false,
};

/// One output type: `kind` is one of `a c d o u x f`, `size` in bytes, `z` adds the text.
#[derive(Clone, Copy)]
struct Fmt {
    kind: char,
    size: usize,
    z: bool,
}

impl Fmt {
    /// Characters per field (GNU od's table).
    fn width(&self) -> usize {
        let s = self.size.min(8);
        match self.kind {
            'a' | 'c' => 3,
            'o' => [0, 3, 6, 8, 11, 14, 16, 19, 22][s],
            'd' => [1, 4, 6, 8, 11, 13, 16, 18, 20][s],
            'u' => [0, 3, 5, 8, 10, 13, 15, 17, 20][s],
            'x' => [0, 2, 4, 6, 8, 10, 12, 14, 16][s],
            _ => {
                if s == 4 {
                    14
                } else {
                    24
                }
            }
        }
    }

    fn field(&self, b: &[u8]) -> String {
        let mut raw = [0u8; 8];
        raw[..b.len()].copy_from_slice(b);
        let v = u64::from_le_bytes(raw);
        let w = self.width();
        match self.kind {
            'a' => named(b[0]).to_string(),
            'c' => escaped(b[0]),
            'o' => format!("{v:0w$o}"),
            'x' => format!("{v:0w$x}"),
            'u' => v.to_string(),
            'd' => {
                let shift = 64 - 8 * self.size as u32;
                (((v << shift) as i64) >> shift).to_string()
            }
            _ => {
                if self.size == 4 {
                    format!("{:e}", f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                } else {
                    format!("{:e}", f64::from_bits(v))
                }
            }
        }
    }
}

fn named(b: u8) -> &'static str {
    const NAMES: [&str; 33] = [
        "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr",
        "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub",
        "esc", "fs", "gs", "rs", "us", "sp",
    ];
    const PRINTABLE: &str = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    let b = b & 0x7f;
    match b {
        0..=32 => NAMES[b as usize],
        127 => "del",
        _ => &PRINTABLE[(b - 33) as usize..(b - 32) as usize],
    }
}

fn escaped(b: u8) -> String {
    match b {
        0 => "\\0".into(),
        7 => "\\a".into(),
        8 => "\\b".into(),
        9 => "\\t".into(),
        10 => "\\n".into(),
        11 => "\\v".into(),
        12 => "\\f".into(),
        13 => "\\r".into(),
        0x20..=0x7e => (b as char).to_string(),
        _ => format!("{b:03o}"),
    }
}

/// Parses a `-t` argument (`x1`, `d4`, `c`, `u2z`, `xC`, `fD` …) into its types.
fn parse_types(s: &str) -> Option<Vec<Fmt>> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(kind) = it.next() {
        let kind = match kind {
            'a' | 'c' | 'd' | 'o' | 'u' | 'x' | 'f' => kind,
            _ => return None,
        };
        let mut size = match kind {
            'a' | 'c' => 1,
            'f' => 8,
            _ => 4,
        };
        if !matches!(kind, 'a' | 'c') {
            let mut digits = String::new();
            while let Some(d) = it.next_if(|c| c.is_ascii_digit()) {
                digits.push(d);
            }
            if !digits.is_empty() {
                size = digits.parse().ok()?;
            } else if let Some(l) = it.next_if(|c| "CSILFDL".contains(*c)) {
                size = match (kind, l) {
                    ('f', 'F') => 4,
                    ('f', _) => 8,
                    (_, 'C') => 1,
                    (_, 'S') => 2,
                    (_, 'I') => 4,
                    _ => 8,
                };
            }
            let ok = if kind == 'f' {
                matches!(size, 4 | 8)
            } else {
                matches!(size, 1 | 2 | 4 | 8)
            };
            if !ok {
                return None;
            }
        }
        let z = it.next_if_eq(&'z').is_some();
        out.push(Fmt { kind, size, z });
    }
    Some(out)
}

/// A number with an optional multiplier suffix (`0x10`, `1k`, `2b`).
fn count(s: &str) -> Option<usize> {
    let (num, mult) = match s.char_indices().last()? {
        (i, 'b') if !s.starts_with("0x") => (&s[..i], 512),
        (i, 'k' | 'K') => (&s[..i], 1024),
        (i, 'm' | 'M') => (&s[..i], 1 << 20),
        _ => (s, 1),
    };
    let n = if let Some(h) = num.strip_prefix("0x").or_else(|| num.strip_prefix("0X")) {
        usize::from_str_radix(h, 16).ok()?
    } else if num.len() > 1 && num.starts_with('0') {
        usize::from_str_radix(&num[1..], 8).ok()?
    } else {
        num.parse().ok()?
    };
    n.checked_mul(mult)
}

command!(|c| {
    // A bare `-w` means 32 bytes per line (its value is optional, so never the next word).
    for arg in c.argv.iter_mut().skip(1) {
        if arg == "-w" || arg == "--width" {
            *arg = "-w32".into();
        }
    }
    let a = opts!(c, SPEC);
    let mut fmts = Vec::new();
    for (flag, val) in &a.opts {
        let t = match flag {
            't' => {
                let v = val.as_deref().unwrap_or("");
                match parse_types(v) {
                    Some(t) => t,
                    None => {
                        c.err(&format!("invalid type string '{v}'")).await?;
                        return Ok(1);
                    }
                }
            }
            'a' => parse_types("a").unwrap_or_default(),
            'b' => parse_types("o1").unwrap_or_default(),
            'c' => parse_types("c").unwrap_or_default(),
            'd' => parse_types("u2").unwrap_or_default(),
            'f' => parse_types("fF").unwrap_or_default(),
            'i' => parse_types("dI").unwrap_or_default(),
            'l' => parse_types("dL").unwrap_or_default(),
            'o' => parse_types("o2").unwrap_or_default(),
            'O' => parse_types("o4").unwrap_or_default(),
            's' => parse_types("d2").unwrap_or_default(),
            'x' | 'h' => parse_types("x2").unwrap_or_default(),
            'X' => parse_types("x4").unwrap_or_default(),
            _ => Vec::new(),
        };
        fmts.extend(t);
    }
    if fmts.is_empty() {
        fmts = parse_types("o2").unwrap_or_default();
    }
    let radix = a.value('A').unwrap_or("o");
    if !matches!(radix, "o" | "d" | "x" | "n") {
        c.err(&format!(
            "invalid output address radix '{radix}'; it must be one character from [doxn]"
        ))
        .await?;
        return Ok(1);
    }
    let width = match a.opts.iter().rev().find(|(f, _)| *f == 'w') {
        None | Some((_, None)) => 16,
        Some((_, Some(v))) => match v.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                c.err(&format!("invalid -w argument '{v}'")).await?;
                return Ok(1);
            }
        },
    };
    let width = fmts.iter().fold(width, |w, f| {
        if w % f.size == 0 {
            w
        } else {
            w + f.size - w % f.size
        }
    });
    let mut nums = [0usize; 2];
    for (i, flag) in ['j', 'N'].iter().enumerate() {
        if let Some(v) = a.value(*flag) {
            match count(v) {
                Some(n) => nums[i] = n,
                None => {
                    c.err(&format!("invalid argument '{v}'")).await?;
                    return Ok(1);
                }
            }
        }
    }
    let device = match a.operands.as_slice() {
        [one] if a.value('N').is_some() => c.device(one),
        _ => None,
    };
    let (data, failed) = match device {
        // `od -N 4 /dev/urandom`: only what is shown is read.
        Some(src) => {
            let mut v = Vec::new();
            while v.len() < nums[0] + nums[1]
                && let Some(chunk) = src.chunk().await
            {
                v.extend_from_slice(&chunk);
            }
            v.truncate(nums[0] + nums[1]);
            (v, false)
        }
        None => input_all(&c, &a.operands).await?,
    };
    let start = nums[0].min(data.len());
    let end = if a.value('N').is_some() {
        (start + nums[1]).min(data.len())
    } else {
        data.len()
    };
    let data = &data[start..end];
    let addr = |n: usize| match radix {
        "x" => format!("{n:06x}"),
        "d" => format!("{n:07}"),
        "n" => String::new(),
        _ => format!("{n:07o}"),
    };
    // Columns of every type line up: each field is padded to the widest type's block.
    let block = fmts
        .iter()
        .map(|f| (f.width() + 1) * (width / f.size))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut prev: Option<&[u8]> = None;
    let mut starred = false;
    for (i, chunk) in data.chunks(width).enumerate() {
        let off = start + i * width;
        if !a.has('v') && chunk.len() == width && prev == Some(chunk) {
            if !starred {
                out.push_str("*\n");
                starred = true;
            }
            continue;
        }
        prev = Some(chunk);
        starred = false;
        for (k, f) in fmts.iter().enumerate() {
            let label = addr(off);
            if k == 0 {
                out.push_str(&label);
            } else {
                out.extend(std::iter::repeat_n(' ', label.len()));
            }
            let fields = width / f.size;
            let pad = block - f.width() * fields;
            let mut pad_left = pad;
            let fields_start = out.len();
            for (j, bytes) in chunk.chunks(f.size).enumerate() {
                let next = pad * (fields - j - 1) / fields;
                let w = pad_left - next + f.width();
                out.push_str(&format!("{:>w$}", f.field(bytes)));
                pad_left = next;
            }
            if f.z {
                let used = out.len() - fields_start;
                out.extend(std::iter::repeat_n(' ', block.saturating_sub(used)));
                out.push_str("  >");
                out.extend(chunk.iter().map(|&b| {
                    if (0x20..0x7f).contains(&b) {
                        b as char
                    } else {
                        '.'
                    }
                }));
                out.push('<');
            }
            out.push('\n');
        }
    }
    if radix != "n" {
        out.push_str(&addr(start + data.len()));
        out.push('\n');
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
