//! `wc [-lwcm] [FILE]...`: GNU column widths (all counts right-aligned to the widest).

use super::Spec;
use super::text::inputs;

const SPEC: Spec = Spec {
    short: "lwcmL",
    long: &[
        ("lines", 'l', false),
        ("words", 'w', false),
        ("bytes", 'c', false),
        ("chars", 'm', false),
        ("max-line-length", 'L', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let (ins, failed) = inputs(&c, &a.operands).await?;
    let mut sel: Vec<char> = ['l', 'w', 'm', 'c', 'L']
        .into_iter()
        .filter(|f| a.has(*f))
        .collect();
    if sel.is_empty() {
        sel = vec!['l', 'w', 'c'];
    }
    let mut rows: Vec<(Vec<u64>, String)> = Vec::new();
    let mut total = vec![0u64; sel.len()];
    for (name, d) in &ins {
        let text = String::from_utf8_lossy(d);
        let counts: Vec<u64> = sel
            .iter()
            .map(|f| match f {
                'l' => d.iter().filter(|&&b| b == b'\n').count() as u64,
                'w' => text.split_whitespace().count() as u64,
                'm' => text.chars().count() as u64,
                'c' => d.len() as u64,
                _ => text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as u64,
            })
            .collect();
        for (t, v) in total.iter_mut().zip(&counts) {
            *t += v;
        }
        rows.push((
            counts,
            if name == "-" && a.operands.is_empty() {
                String::new()
            } else {
                name.clone()
            },
        ));
    }
    if ins.len() > 1 {
        rows.push((total, "total".into()));
    }
    // GNU's rule: one number for one input is not padded; otherwise the width of the total
    // input size, at least 7 when stdin is among the inputs.
    let has_stdin = a.operands.is_empty() || a.operands.iter().any(|o| o == "-");
    let total_size: usize = ins.iter().map(|(_, d)| d.len()).sum();
    let width = if sel.len() == 1 && rows.len() == 1 {
        0
    } else if has_stdin {
        7
    } else {
        total_size.to_string().len().max(1)
    };
    let mut out = String::new();
    for (counts, name) in rows {
        let cols: Vec<String> = counts.iter().map(|v| format!("{v:>width$}")).collect();
        out.push_str(&cols.join(" "));
        if !name.is_empty() {
            out.push(' ');
            out.push_str(&name);
        }
        out.push('\n');
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
