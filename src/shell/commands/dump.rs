//! `od [-c|-x|-b] [-A x|d|o|n] [FILE]` (default: octal 2-byte words) and `xxd [-p] [-r] [FILE]`.

use super::text::input_all;

fn xxd(data: &[u8], plain: bool) -> String {
    let mut out = String::new();
    if plain {
        for chunk in data.chunks(30) {
            for b in chunk {
                out.push_str(&format!("{b:02x}"));
            }
            out.push('\n');
        }
        return out;
    }
    for (i, chunk) in data.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}: ", i * 16));
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => out.push_str(&format!("{b:02x}")),
                None => out.push_str("  "),
            }
            if j % 2 == 1 {
                out.push(' ');
            }
        }
        out.push(' ');
        out.extend(chunk.iter().map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

fn od(data: &[u8], mode: char, radix: char) -> String {
    let addr = |n: usize| match radix {
        'x' => format!("{n:06x}"),
        'd' => format!("{n:07}"),
        'n' => String::new(),
        _ => format!("{n:07o}"),
    };
    let mut out = String::new();
    for (i, chunk) in data.chunks(16).enumerate() {
        out.push_str(&addr(i * 16));
        match mode {
            'c' => {
                for &b in chunk {
                    let s = match b {
                        0 => "\\0".to_string(),
                        7 => "\\a".into(),
                        8 => "\\b".into(),
                        9 => "\\t".into(),
                        10 => "\\n".into(),
                        11 => "\\v".into(),
                        12 => "\\f".into(),
                        13 => "\\r".into(),
                        0x20..=0x7e => (b as char).to_string(),
                        _ => format!("{b:03o}"),
                    };
                    out.push_str(&format!("{s:>4}"));
                }
            }
            'b' => chunk
                .iter()
                .for_each(|b| out.push_str(&format!(" {b:03o}"))),
            'x' => chunk.chunks(2).for_each(|w| {
                let v = w[0] as u16 | (*w.get(1).unwrap_or(&0) as u16) << 8;
                out.push_str(&format!(" {v:04x}"));
            }),
            _ => chunk.chunks(2).for_each(|w| {
                let v = w[0] as u16 | (*w.get(1).unwrap_or(&0) as u16) << 8;
                out.push_str(&format!(" {v:06o}"));
            }),
        }
        out.push('\n');
    }
    out.push_str(&addr(data.len()));
    if radix != 'n' {
        out.push('\n');
    }
    out
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    let flags: Vec<&String> = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .collect();
    let mut files: Vec<String> = Vec::new();
    let mut radix = 'o';
    let mut i = 0;
    while i < args.len() {
        if args[i] == "-A" {
            radix = args
                .get(i + 1)
                .and_then(|r| r.chars().next())
                .unwrap_or('o');
            i += 2;
            continue;
        }
        if let Some(r) = args[i].strip_prefix("-A") {
            radix = r.chars().next().unwrap_or('o');
        } else if !args[i].starts_with('-') || args[i] == "-" {
            files.push(args[i].clone());
        }
        i += 1;
    }
    let (data, failed) = input_all(&c, &files).await?;
    if c.name() == "xxd" {
        if flags.iter().any(|f| f.as_str() == "-r") {
            let text = String::from_utf8_lossy(&data);
            let plain = flags.iter().any(|f| f.contains('p'));
            let mut bytes = Vec::new();
            for line in text.lines() {
                let hex: String = if plain {
                    line.chars().filter(|c| c.is_ascii_hexdigit()).collect()
                } else {
                    let body = line.split_once(": ").map_or("", |x| x.1);
                    body.get(..40.min(body.len()))
                        .unwrap_or(body)
                        .chars()
                        .filter(|c| c.is_ascii_hexdigit())
                        .collect()
                };
                let h = hex.as_bytes();
                for pair in h.chunks(2).filter(|p| p.len() == 2) {
                    if let Ok(b) = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16)
                    {
                        bytes.push(b);
                    }
                }
            }
            c.out(&bytes).await?;
            return Ok(0);
        }
        let plain = flags
            .iter()
            .any(|f| f.as_str() == "-p" || f.as_str() == "-ps");
        c.print(&xxd(&data, plain)).await?;
        return Ok(failed as i32);
    }
    let mode = if flags.iter().any(|f| f.contains('c')) {
        'c'
    } else if flags.iter().any(|f| f.contains('x')) {
        'x'
    } else if flags.iter().any(|f| f.contains('b')) {
        'b'
    } else {
        'o'
    };
    c.print(&od(&data, mode, radix)).await?;
    Ok(failed as i32)
});
