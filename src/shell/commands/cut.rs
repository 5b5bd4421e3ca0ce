//! `cut -f LIST [-d DELIM] [-s] | -c LIST | -b LIST [--complement] [--output-delimiter S]`

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "f:d:c:b:sn",
    long: &[
        ("fields", 'f', true),
        ("delimiter", 'd', true),
        ("characters", 'c', true),
        ("bytes", 'b', true),
        ("only-delimited", 's', false),
        ("complement", 'C', false),
        ("output-delimiter", 'O', true),
    ],
    bad_status: 1,
    numeric: false,
};

/// Parses `1,3-5,7-` into inclusive 1-based ranges.
fn ranges(list: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in list.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

fn selected(r: &[(usize, usize)], i: usize, complement: bool) -> bool {
    r.iter().any(|&(a, b)| i >= a && i <= b) != complement
}

command!(|c| {
    let a = opts!(c, SPEC);
    let (mode, list) = match (a.value('f'), a.value('c').or(a.value('b'))) {
        (Some(f), None) => ('f', f),
        (None, Some(l)) => ('c', l),
        (None, None) => {
            c.err("you must specify a list of bytes, characters, or fields")
                .await?;
            c.io.stderr
                .print("Try 'cut --help' for more information.\n")
                .await?;
            return Ok(1);
        }
        _ => {
            c.err("only one type of list may be specified").await?;
            return Ok(1);
        }
    };
    let Some(r) = ranges(list) else {
        c.err(&format!("invalid field value '{list}'")).await?;
        return Ok(1);
    };
    let delim = a.value('d').unwrap_or("\t").to_string();
    if delim.chars().count() != 1 {
        c.err("the delimiter must be a single character").await?;
        return Ok(1);
    }
    let comp = a.has('C');
    let out_delim = a
        .value('O')
        .map(String::from)
        .unwrap_or_else(|| delim.clone());
    let sep = a.has('s');
    let cut_line = |line: &str, out: &mut String| {
        if mode == 'c' {
            out.extend(
                line.chars()
                    .enumerate()
                    .filter(|(i, _)| selected(&r, i + 1, comp))
                    .map(|(_, ch)| ch),
            );
            out.push('\n');
            return;
        }
        if !line.contains(delim.as_str()) {
            if !sep {
                out.push_str(line);
                out.push('\n');
            }
            return;
        }
        let fs: Vec<&str> = line
            .split(delim.as_str())
            .enumerate()
            .filter(|(i, _)| selected(&r, i + 1, comp))
            .map(|(_, f)| f)
            .collect();
        out.push_str(&fs.join(&out_delim));
        out.push('\n');
    };
    if a.operands.is_empty() {
        // Stdin is cut line by line as it comes (`yes | cut -c1 | head -1` ends).
        while let Some(block) = c.io.stdin.read_lines_block().await {
            let text = crate::shell::raw::decode(&block);
            let mut out = String::with_capacity(text.len());
            for line in text.split_terminator('\n') {
                cut_line(line, &mut out);
            }
            c.print(&out).await?;
        }
        return Ok(0);
    }
    let (data, failed) = input_all(&c, &a.operands).await?;
    let text = crate::shell::raw::decode(&data);
    let mut out = String::with_capacity(text.len());
    for line in text.split_terminator('\n') {
        cut_line(line, &mut out);
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
