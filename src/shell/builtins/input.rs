//! Input builtins: `read` (flags, IFS splitting, backslashes) and `mapfile`/`readarray`.

use super::fail;
use crate::shell::io::Io;
use crate::shell::state::Value;

builtin!(read, |sh, argv, io| {
    let mut raw = false;
    let mut names = Vec::new();
    let mut array: Option<String> = None;
    let mut delim = b'\n';
    let mut nchars: Option<usize> = None;
    let mut fd: Option<String> = None;
    let mut exact = false;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        if a.len() < 2 || !a.starts_with('-') || !names.is_empty() {
            names.push(a);
            i += 1;
            continue;
        }
        // A cluster like `-ra NAME` or `-rp PROMPT`: flags taking a value take the rest of the
        // cluster or the next argument.
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let f = chars[k];
            let takes = matches!(f, 'a' | 'd' | 'n' | 'N' | 'p' | 't' | 'u' | 'i');
            let value = if takes {
                let rest: String = chars[k + 1..].iter().collect();
                k = chars.len();
                if rest.is_empty() {
                    i += 1;
                    argv.get(i).cloned()
                } else {
                    Some(rest)
                }
            } else {
                k += 1;
                None
            };
            match f {
                'r' => raw = true,
                'a' => array = value,
                'd' => delim = value.and_then(|d| d.bytes().next()).unwrap_or(0),
                'n' | 'N' => {
                    nchars = value.and_then(|n| n.parse().ok());
                    exact = f == 'N';
                }
                'u' => fd = value,
                _ => {}
            }
        }
        i += 1;
    }
    let from_fd = match from_descriptor(io, fd.as_deref()) {
        Ok(x) => x,
        Err(m) => return fail(io, format!("read: {m}"), 1).await,
    };
    let io = from_fd.as_ref().unwrap_or(io);
    // Read one record.
    let mut line = Vec::new();
    let mut got_delim = false;
    loop {
        if nchars.is_some_and(|n| line.len() >= n) {
            got_delim = true;
            break;
        }
        let rec = if delim == b'\n' && nchars.is_none() {
            io.stdin.read_line().await
        } else {
            // Byte at a time through lines; `-N` reads through delimiters.
            let stop = (!exact).then_some(delim);
            read_until(io, stop, nchars.map(|n| n - line.len())).await
        };
        let Some(mut rec) = rec else { break };
        if !exact && rec.last() == Some(&delim) {
            rec.pop();
            got_delim = true;
        }
        if !raw && rec.last() == Some(&b'\\') && got_delim {
            rec.pop();
            line.extend_from_slice(&rec);
            got_delim = false;
            continue;
        }
        line.extend_from_slice(&rec);
        if nchars.is_none() || got_delim {
            break;
        }
    }
    let eof = !got_delim;
    // Each character with whether a backslash escaped it (then it never separates).
    let mut marked: Vec<Marked> = Vec::new();
    let mut it = crate::shell::raw::decode(&line)
        .chars()
        .collect::<Vec<_>>()
        .into_iter();
    while let Some(c) = it.next() {
        if c == '\\' && !raw {
            if let Some(n) = it.next() {
                marked.push((n, true));
            }
        } else {
            marked.push((c, false));
        }
    }
    let text: String = marked.iter().map(|&(c, _)| c).collect();
    let ifs = sh.st.get_str("IFS").unwrap_or_else(|| " \t\n".into());
    if let Some(arr) = array {
        let items: Vec<String> = split_marked(&marked, &ifs, usize::MAX);
        let map = items
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as i64, s))
            .collect();
        let _ = sh.st.set(&arr, Value::Array(map));
        return Ok(eof as i32);
    }
    if names.is_empty() {
        names.push("REPLY".into());
        let _ = sh.st.set_str("REPLY", text);
        return Ok(if eof && line.is_empty() {
            1
        } else {
            eof as i32
        });
    }
    // `read -N`: the characters as they are, no splitting.
    let fields = if exact {
        vec![text]
    } else {
        split_marked(&marked, &ifs, names.len())
    };
    for (i, n) in names.iter().enumerate() {
        let v = fields.get(i).cloned().unwrap_or_default();
        if let Err(m) = sh.st.set_str(n, v) {
            return fail(io, m, 1).await;
        }
    }
    Ok(if eof { 1 } else { 0 })
});

/// `io` reading from descriptor `n` (`read -u N`, `mapfile -u N`; `None` without `-u`), or
/// bash's message.
fn from_descriptor(io: &Io, n: Option<&str>) -> Result<Option<Io>, String> {
    let Some(n) = n else { return Ok(None) };
    let input = n
        .parse::<u32>()
        .map_err(|_| format!("{n}: invalid file descriptor specification"))
        .and_then(|k| {
            io.input(k)
                .map_err(|_| format!("{n}: invalid file descriptor: Bad file descriptor"))
        })?;
    let mut io = io.clone();
    io.stdin = input;
    Ok(Some(io))
}

async fn read_until(io: &Io, delim: Option<u8>, max: Option<usize>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let chunk = io.stdin.chunk().await;
        let Some(chunk) = chunk else {
            return (!out.is_empty()).then_some(out);
        };
        let limit = max.map_or(chunk.len(), |m| (m - out.len()).min(chunk.len()));
        let end = chunk[..limit]
            .iter()
            .position(|&b| Some(b) == delim)
            .map_or(limit, |p| p + 1);
        out.extend_from_slice(&chunk[..end]);
        if end < chunk.len() {
            io.stdin.unread(chunk.slice(end..)).await;
        }
        if (delim.is_some() && out.last().copied() == delim) || max.is_some_and(|m| out.len() >= m)
        {
            return Some(out);
        }
    }
}

/// A character of a `read` record and whether a backslash escaped it.
type Marked = (char, bool);

/// Splits a record on `ifs` into at most `max` fields as `read` does: escaped characters
/// never separate; the last field takes the rest of the line, trailing IFS blanks removed,
/// or just the next word when only its delimiter follows it (`x:y:` gives `y`).
fn split_marked(text: &[Marked], ifs: &str, max: usize) -> Vec<String> {
    let is_ws = |m: &Marked| !m.1 && ifs.contains(m.0) && m.0.is_whitespace();
    let is_sep = |m: &Marked| !m.1 && ifs.contains(m.0);
    let word = |s: &[Marked]| s.iter().map(|&(c, _)| c).collect::<String>();
    // Index after the separator at `i` (one non-blank separator and the blanks around it).
    let skip_sep = |mut i: usize| {
        let first = text[i];
        i += 1;
        while i < text.len() && is_ws(&text[i]) {
            i += 1;
        }
        if is_ws(&first) && i < text.len() && is_sep(&text[i]) && !is_ws(&text[i]) {
            i += 1;
            while i < text.len() && is_ws(&text[i]) {
                i += 1;
            }
        }
        i
    };
    let n = text.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n && is_ws(&text[i]) {
        i += 1;
    }
    while i < n {
        let start = i;
        while i < n && !is_sep(&text[i]) {
            i += 1;
        }
        if out.len() + 1 == max {
            if i >= n || skip_sep(i) >= n {
                out.push(word(&text[start..i]));
            } else {
                let mut end = n;
                while end > start && is_ws(&text[end - 1]) {
                    end -= 1;
                }
                out.push(word(&text[start..end]));
            }
            return out;
        }
        out.push(word(&text[start..i]));
        if i < n {
            i = skip_sep(i);
        }
    }
    out
}

builtin!(mapfile, |sh, argv, io| {
    let mut strip = false;
    let mut count: Option<usize> = None;
    let mut skip = 0usize;
    let mut fd: Option<String> = None;
    let mut name = "MAPFILE".to_string();
    let mut delim = b'\n';
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "-t" => strip = true,
            "-n" => {
                i += 1;
                count = argv.get(i).and_then(|v| v.parse().ok()).filter(|n| *n > 0);
            }
            "-s" => {
                i += 1;
                skip = argv.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            }
            "-u" => {
                i += 1;
                fd = argv.get(i).cloned();
            }
            "-d" => {
                i += 1;
                delim = argv.get(i).and_then(|d| d.bytes().next()).unwrap_or(0);
            }
            "-C" | "-c" => i += 1,
            n => name = n.to_string(),
        }
        i += 1;
    }
    let from_fd = match from_descriptor(io, fd.as_deref()) {
        Ok(x) => x,
        Err(m) => return fail(io, format!("mapfile: {m}"), 1).await,
    };
    let io = from_fd.as_ref().unwrap_or(io);
    let mut arr = std::collections::BTreeMap::new();
    let mut n = 0i64;
    let mut seen = 0usize;
    while count.is_none_or(|c| (n as usize) < c) {
        let Some(mut line) = io.stdin.read_record(delim).await else {
            break;
        };
        seen += 1;
        if seen <= skip {
            continue;
        }
        if strip && line.last() == Some(&delim) {
            line.pop();
        }
        arr.insert(n, crate::shell::raw::decode(&line));
        n += 1;
    }
    match sh.st.set(&name, Value::Array(arr)) {
        Ok(()) => Ok(0),
        Err(m) => fail(io, format!("mapfile: {m}"), 1).await,
    }
});
