//! `base64 [-d] [-w COLS] [FILE]`

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "dw:i",
    long: &[
        ("decode", 'd', false),
        ("wrap", 'w', true),
        ("ignore-garbage", 'i', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let (data, failed) = input_all(&c, &a.operands).await?;
    if failed {
        return Ok(1);
    }
    if a.has('d') {
        let clean: Vec<u8> = data
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        match STANDARD.decode(&clean) {
            Ok(d) => {
                c.out(&d).await?;
                Ok(0)
            }
            Err(_) => {
                c.err("invalid input").await?;
                Ok(1)
            }
        }
    } else {
        let enc = STANDARD.encode(&data);
        let w: usize = a.value('w').and_then(|v| v.parse().ok()).unwrap_or(76);
        let mut out = String::with_capacity(enc.len() + enc.len() / 76 + 1);
        if w == 0 {
            out.push_str(&enc);
        } else {
            for (i, ch) in enc.chars().enumerate() {
                if i > 0 && i % w == 0 {
                    out.push('\n');
                }
                out.push(ch);
            }
        }
        // `-w 0` writes one line without its newline, as GNU base64 does.
        if !enc.is_empty() && w != 0 {
            out.push('\n');
        }
        c.print(&out).await?;
        Ok(0)
    }
});
