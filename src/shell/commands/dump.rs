//! `xxd [-p] [-r] [FILE]`: a hex dump, or (`-r`) bytes back from one.

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

command!(|c| {
    let args = c.argv[1..].to_vec();
    let flags: Vec<&String> = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .collect();
    let files: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .cloned()
        .collect();
    let (data, failed) = input_all(&c, &files).await?;
    {
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
        Ok(failed as i32)
    }
});
