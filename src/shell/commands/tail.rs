//! `tail [-n N|-n +N|-N] [-c N] [FILE]...`

use super::Spec;
use super::text::parse_size;

const SPEC: Spec = Spec {
    short: "n:c:qvf",
    long: &[
        ("lines", 'n', true),
        ("bytes", 'c', true),
        ("quiet", 'q', false),
        ("verbose", 'v', false),
        ("follow", 'f', false),
    ],
    bad_status: 1,
    numeric: true,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let last = a
        .opts
        .iter()
        .rev()
        .find(|(o, _)| matches!(o, 'n' | 'c' | '#'));
    let bytes = last.is_some_and(|(o, _)| *o == 'c');
    let spec = last
        .and_then(|(_, v)| v.clone())
        .unwrap_or_else(|| "10".into());
    let from_start = spec.starts_with('+');
    let Some(n) = parse_size(spec.trim_start_matches(['+', '-'])) else {
        c.err(&format!(
            "invalid number of {}: '{spec}'",
            if bytes { "bytes" } else { "lines" }
        ))
        .await?;
        return Ok(1);
    };
    let n = n as usize;
    let files = if a.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        a.operands.clone()
    };
    let headers = (files.len() > 1 && !a.has('q')) || a.has('v');
    let mut st = 0;
    for (i, f) in files.iter().enumerate() {
        let data = match c.read_arg(f).await {
            Ok(d) => d,
            Err(e) => {
                c.err(&format!(
                    "cannot open '{f}' for reading: {}",
                    e.user_message()
                ))
                .await?;
                st = 1;
                continue;
            }
        };
        if headers {
            let name = if f == "-" { "standard input" } else { f };
            c.print(&format!(
                "{}==> {name} <==\n",
                if i > 0 { "\n" } else { "" }
            ))
            .await?;
        }
        let out: &[u8] = if bytes {
            if from_start {
                &data[n.saturating_sub(1).min(data.len())..]
            } else {
                &data[data.len().saturating_sub(n)..]
            }
        } else {
            let mut starts = vec![0usize];
            starts.extend(
                data.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            if starts.last() == Some(&data.len()) {
                starts.pop();
            }
            let total = starts.len();
            let first = if from_start {
                n.saturating_sub(1)
            } else {
                total.saturating_sub(n)
            };
            match starts.get(first) {
                Some(&s) => &data[s..],
                None => &[],
            }
        };
        c.out(out).await?;
    }
    Ok(st)
});
