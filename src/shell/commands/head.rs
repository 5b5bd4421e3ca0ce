//! `head [-n N|-N] [-c N] [FILE]...`: reads stdin line by line, so `yes | head` ends.

use super::Spec;
use super::text::parse_size;

const SPEC: Spec = Spec {
    short: "n:c:qv",
    long: &[
        ("lines", 'n', true),
        ("bytes", 'c', true),
        ("quiet", 'q', false),
        ("silent", 'q', false),
        ("verbose", 'v', false),
    ],
    bad_status: 1,
    numeric: true,
};

enum Count {
    First(u64),
    AllBut(u64),
}

fn count(v: &str) -> Option<Count> {
    match v.strip_prefix('-') {
        Some(rest) => parse_size(rest).map(Count::AllBut),
        None => parse_size(v.strip_prefix('+').unwrap_or(v)).map(Count::First),
    }
}

command!(|c| {
    let a = opts!(c, SPEC);
    let bytes = a
        .opts
        .iter()
        .rev()
        .find(|(o, _)| matches!(o, 'n' | 'c' | '#'))
        .is_some_and(|(o, _)| *o == 'c');
    let spec = a
        .opts
        .iter()
        .rev()
        .find(|(o, _)| matches!(o, 'n' | 'c' | '#'))
        .and_then(|(_, v)| v.clone())
        .unwrap_or_else(|| "10".into());
    let Some(n) = count(&spec) else {
        c.err(&format!(
            "invalid number of {}: '{spec}'",
            if bytes { "bytes" } else { "lines" }
        ))
        .await?;
        return Ok(1);
    };
    let files = if a.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        a.operands.clone()
    };
    let headers = (files.len() > 1 && !a.has('q')) || a.has('v');
    let mut st = 0;
    for (i, f) in files.iter().enumerate() {
        if headers {
            let name = if f == "-" { "standard input" } else { f };
            c.print(&format!(
                "{}==> {name} <==\n",
                if i > 0 { "\n" } else { "" }
            ))
            .await?;
        }
        // Standard input and endless devices are read only as far as needed.
        let src = match c.device(f) {
            Some(d) => Some(d),
            None => (f == "-").then(|| c.io.stdin.clone()),
        };
        if let Some(src) = &src
            && !bytes
            && let Count::First(n) = n
        {
            for _ in 0..n {
                match src.read_line().await {
                    Some(l) => c.out(&l).await?,
                    None => break,
                }
            }
            continue;
        }
        if let Some(src) = &src
            && bytes
            && let Count::First(n) = n
        {
            // Streams: stops reading once `n` bytes are out, the rest stays unread.
            let mut left = n as usize;
            while left > 0 {
                let Some(chunk) = src.chunk().await else {
                    break;
                };
                let take = left.min(chunk.len());
                c.out(&chunk[..take]).await?;
                if take < chunk.len() {
                    src.unread(chunk.slice(take..)).await;
                }
                left -= take;
            }
            continue;
        }
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
        let out: &[u8] = if bytes {
            match n {
                Count::First(n) => &data[..(n as usize).min(data.len())],
                Count::AllBut(n) => &data[..data.len().saturating_sub(n as usize)],
            }
        } else {
            let ends: Vec<usize> = data
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1)
                .collect();
            let total = ends.len() + usize::from(!data.is_empty() && !data.ends_with(b"\n"));
            let keep = match n {
                Count::First(n) => (n as usize).min(total),
                Count::AllBut(n) => total.saturating_sub(n as usize),
            };
            let end = if keep == 0 {
                0
            } else {
                ends.get(keep - 1).copied().unwrap_or(data.len())
            };
            &data[..end]
        };
        c.out(out).await?;
    }
    Ok(st)
});
