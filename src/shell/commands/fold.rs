//! `fold [-w N] [-s] [FILE]...`

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "w:sb",
    long: &[
        ("width", 'w', true),
        ("spaces", 's', false),
        ("bytes", 'b', false),
    ],
    bad_status: 1,
    numeric: true,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let w: usize = a
        .value('w')
        .or(a.value('#'))
        .and_then(|v| v.parse().ok())
        .unwrap_or(80)
        .max(1);
    let (data, failed) = input_all(&c, &a.operands).await?;
    let text = String::from_utf8_lossy(&data);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut chars: Vec<char> = body.chars().collect();
        while chars.len() > w {
            let mut cut = w;
            if a.has('s')
                && let Some(p) = chars[..w].iter().rposition(|c| *c == ' ')
            {
                cut = p + 1;
            }
            out.extend(chars[..cut].iter());
            out.push('\n');
            chars.drain(..cut);
        }
        out.extend(chars.iter());
        out.push_str(nl);
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
