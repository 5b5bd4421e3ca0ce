//! `tr [-cds] SET1 [SET2]`: ranges, `[:class:]`, `[c*n]`, escapes.

use super::Spec;

const SPEC: Spec = Spec {
    short: "cdsCt",
    long: &[
        ("complement", 'c', false),
        ("delete", 'd', false),
        ("squeeze-repeats", 's', false),
        ("truncate-set1", 't', false),
    ],
    bad_status: 1,
    numeric: false,
};

fn class(name: &str) -> Option<Vec<char>> {
    let all = (0u8..=127).map(|b| b as char);
    Some(match name {
        "alpha" => all.filter(|c| c.is_ascii_alphabetic()).collect(),
        "digit" => all.filter(|c| c.is_ascii_digit()).collect(),
        "alnum" => all.filter(|c| c.is_ascii_alphanumeric()).collect(),
        "upper" => all.filter(|c| c.is_ascii_uppercase()).collect(),
        "lower" => all.filter(|c| c.is_ascii_lowercase()).collect(),
        "space" => all
            .filter(|c| c.is_ascii_whitespace() || *c == '\x0b')
            .collect(),
        "blank" => vec![' ', '\t'],
        "punct" => all.filter(|c| c.is_ascii_punctuation()).collect(),
        "xdigit" => all.filter(|c| c.is_ascii_hexdigit()).collect(),
        "cntrl" => all.filter(|c| c.is_ascii_control()).collect(),
        "print" => all.filter(|c| !c.is_ascii_control()).collect(),
        "graph" => all.filter(|c| c.is_ascii_graphic()).collect(),
        _ => return None,
    })
}

fn unesc(it: &mut std::iter::Peekable<std::str::Chars>) -> char {
    match it.next() {
        Some('n') => '\n',
        Some('t') => '\t',
        Some('r') => '\r',
        Some('\\') => '\\',
        Some('a') => '\x07',
        Some('b') => '\x08',
        Some('f') => '\x0c',
        Some('v') => '\x0b',
        Some(d @ '0'..='7') => {
            let mut v = d.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match it.peek().and_then(|c| c.to_digit(8)) {
                    Some(x) => {
                        v = v * 8 + x;
                        it.next();
                    }
                    None => break,
                }
            }
            char::from_u32(v).unwrap_or('?')
        }
        Some(c) => c,
        None => '\\',
    }
}

/// Expands a tr set; `[c*]` repeats (filled in later against SET1's length).
fn expand(s: &str, fill_to: Option<usize>) -> Result<Vec<char>, String> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    let mut fill: Option<(usize, char)> = None;
    while let Some(ch) = it.next() {
        let c = if ch == '\\' { unesc(&mut it) } else { ch };
        if ch == '[' && it.peek() == Some(&':') {
            let rest: String = it.clone().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[1..end];
                let cl = class(name).ok_or_else(|| format!("invalid character class '{name}'"))?;
                out.extend(cl);
                for _ in 0..end + 2 {
                    it.next();
                }
                continue;
            }
        }
        if ch == '[' && it.clone().nth(1) == Some('*') {
            let rest: String = it.clone().collect();
            if let Some(end) = rest.find(']') {
                let rc = rest.chars().next().unwrap_or(' ');
                let count: usize = rest[2..end].parse().unwrap_or(0);
                if count == 0 {
                    fill = Some((out.len(), rc));
                } else {
                    out.extend(std::iter::repeat_n(rc, count));
                }
                for _ in 0..end + 1 {
                    it.next();
                }
                continue;
            }
        }
        if it.peek() == Some(&'-') {
            let mut look = it.clone();
            look.next();
            if let Some(&hi) = look.peek() {
                it.next();
                it.next();
                let hi = if hi == '\\' { unesc(&mut it) } else { hi };
                if hi < c {
                    return Err(format!(
                        "range-endpoints of '{c}-{hi}' are in reverse collating sequence order"
                    ));
                }
                out.extend(c..=hi);
                continue;
            }
        }
        out.push(c);
    }
    if let (Some((pos, rc)), Some(n)) = (fill, fill_to)
        && n > out.len()
    {
        let extra = n - out.len();
        out.splice(pos..pos, std::iter::repeat_n(rc, extra));
    }
    Ok(out)
}

command!(|c| {
    let a = opts!(c, SPEC);
    let comp = a.has('c') || a.has('C');
    let (del, squeeze) = (a.has('d'), a.has('s'));
    // -d or -s alone need SET1; translating and -d with -s need two.
    let need = if del != squeeze { 1 } else { 2 };
    if a.operands.len() < need {
        c.err(&format!(
            "missing operand{}",
            if a.operands.is_empty() { "" } else { &" after" }
        ))
        .await?;
        c.io.stderr
            .print("Try 'tr --help' for more information.\n")
            .await?;
        return Ok(1);
    }
    let set1 = match expand(&a.operands[0], None) {
        Ok(s) => s,
        Err(m) => {
            c.err(&m).await?;
            return Ok(1);
        }
    };
    let set2 = match a.operands.get(1).map(|s| expand(s, Some(set1.len()))) {
        Some(Ok(s)) => Some(s),
        Some(Err(m)) => {
            c.err(&m).await?;
            return Ok(1);
        }
        None => None,
    };
    // Streams: each chunk is translated as it comes (`yes | tr y n | head -1` ends), a
    // character split between chunks is completed by the next one.
    let in1 = |ch: char| set1.contains(&ch) != comp;
    let mut last: Option<char> = None;
    let translate = !del && set2.is_some();
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = c.io.stdin.chunk().await;
        let eof = chunk.is_none();
        carry.extend_from_slice(chunk.as_deref().unwrap_or_default());
        // Keep an incomplete UTF-8 sequence at the end for the next chunk.
        let cut = if eof {
            carry.len()
        } else {
            complete_prefix(&carry)
        };
        let text = crate::shell::raw::decode(&carry[..cut]);
        carry.drain(..cut);
        let mut out = String::with_capacity(text.len());
        for ch in text.chars() {
            if del && in1(ch) {
                continue;
            }
            let mapped = if translate {
                let s2 = set2.as_deref().unwrap_or(&[]);
                if comp {
                    if in1(ch) {
                        s2.last().copied().unwrap_or(ch)
                    } else {
                        ch
                    }
                } else {
                    match set1.iter().rposition(|&x| x == ch) {
                        Some(i) => s2.get(i).or(s2.last()).copied().unwrap_or(ch),
                        None => ch,
                    }
                }
            } else {
                ch
            };
            if squeeze {
                let sq_set: &[char] = if del || translate {
                    set2.as_deref().unwrap_or(&[])
                } else {
                    &set1
                };
                let in_sq = if !del && !translate {
                    in1(mapped)
                } else {
                    sq_set.contains(&mapped)
                };
                if in_sq && last == Some(mapped) {
                    continue;
                }
            }
            last = Some(mapped);
            out.push(mapped);
        }
        c.print(&out).await?;
        if eof {
            return Ok(0);
        }
    }
});

/// Length of `b` without a UTF-8 sequence cut off at its end.
fn complete_prefix(b: &[u8]) -> usize {
    let n = b.len();
    for back in 1..=3.min(n) {
        let byte = b[n - back];
        if byte & 0xC0 != 0x80 {
            // A lead byte: is its sequence complete?
            let need = match byte {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if need > back { n - back } else { n };
        }
    }
    n
}
