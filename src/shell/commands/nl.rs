//! `nl [-b a|t|n] [-w N] [-s SEP] [-v N] [-i N] [FILE]...`

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "b:w:s:v:i:n:",
    long: &[
        ("body-numbering", 'b', true),
        ("number-width", 'w', true),
        ("number-separator", 's', true),
        ("starting-line-number", 'v', true),
        ("line-increment", 'i', true),
        ("number-format", 'n', true),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let style = a.value('b').unwrap_or("t").to_string();
    let width: usize = a.value('w').and_then(|v| v.parse().ok()).unwrap_or(6);
    let sep = a.value('s').unwrap_or("\t").to_string();
    let mut n: i64 = a.value('v').and_then(|v| v.parse().ok()).unwrap_or(1);
    let inc: i64 = a.value('i').and_then(|v| v.parse().ok()).unwrap_or(1);
    let fmt = a.value('n').unwrap_or("rn").to_string();
    let (data, failed) = input_all(&c, &a.operands).await?;
    let text = String::from_utf8_lossy(&data);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let number = match style.as_str() {
            "a" => true,
            "n" => false,
            _ => !body.is_empty(),
        };
        if number {
            let num = match fmt.as_str() {
                "ln" => format!("{n:<width$}"),
                "rz" => format!("{n:0width$}"),
                _ => format!("{n:>width$}"),
            };
            out.push_str(&num);
            out.push_str(&sep);
            n += inc;
        } else {
            out.push_str(&" ".repeat(width + sep.len()));
        }
        out.push_str(line);
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
