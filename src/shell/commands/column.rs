//! `column -t [-s SEP] [-o SEP] [FILE]...`: aligns columns (without `-t`, lines pass through).

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "ts:o:c:xn",
    long: &[
        ("table", 't', false),
        ("separator", 's', true),
        ("output-separator", 'o', true),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let (data, failed) = input_all(&c, &a.operands).await?;
    let text = String::from_utf8_lossy(&data);
    if !a.has('t') {
        let lines: Vec<&str> = text
            .split_terminator('\n')
            .filter(|l| !l.is_empty())
            .collect();
        c.print(&lines.iter().map(|l| format!("{l}\n")).collect::<String>())
            .await?;
        return Ok(failed as i32);
    }
    let seps = a.value('s').map(String::from);
    let osep = a.value('o').unwrap_or("  ").to_string();
    let rows: Vec<Vec<String>> = text
        .split_terminator('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|l| match &seps {
            Some(s) => l.split(|ch| s.contains(ch)).map(String::from).collect(),
            None => l
                .split([' ', '\t'])
                .filter(|f| !f.is_empty())
                .map(String::from)
                .collect(),
        })
        .collect();
    let ncol = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncol)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let n = r.len();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == n {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count()));
                out.push_str(&osep);
            }
        }
        out.push('\n');
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
