//! Brace expansion on raw words: `a{b,c}d`, `{1..5}`, `{a..e}`, `{01..10..2}`, nested.
//! Quoted and `${…}` braces are left alone.

/// Expands the first unquoted brace group of `w` and recurses; a word without one is returned
/// as is.
pub fn expand(w: &str) -> Vec<String> {
    if !w.contains('{') {
        return vec![w.to_string()];
    }
    let b = w.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    i = skip_group(b, i + 1).unwrap_or(b.len());
                    continue;
                }
                b'{' => {
                    if let Some(end) = skip_group(b, i)
                        && let Some(alts) = alternatives(&w[i + 1..end - 1])
                    {
                        let (pre, post) = (&w[..i], &w[end..]);
                        let mut out = Vec::new();
                        for a in alts {
                            out.extend(expand(&format!("{pre}{a}{post}")));
                        }
                        return out;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    vec![w.to_string()]
}

/// Index past the `}` matching the `{` at `start`.
fn skip_group(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = start;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else {
            match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// The alternatives of a group body: comma-separated parts or a sequence; `None` when it is
/// neither (then the braces are literal).
fn alternatives(body: &str) -> Option<Vec<String>> {
    let b = body.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0, 0, 0);
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else {
            match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'{' => depth += 1,
                b'}' => depth -= 1,
                b',' if depth == 0 => {
                    parts.push(body[start..i].to_string());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if !parts.is_empty() {
        parts.push(body[start..].to_string());
        return Some(parts);
    }
    sequence(body)
}

fn sequence(body: &str) -> Option<Vec<String>> {
    let f: Vec<&str> = body.split("..").collect();
    if f.len() != 2 && f.len() != 3 {
        return None;
    }
    let step: i64 = match f.get(2) {
        Some(s) => s.parse().ok()?,
        None => 1,
    };
    let step = step.unsigned_abs().max(1) as i64;
    if let (Ok(a), Ok(b)) = (f[0].parse::<i64>(), f[1].parse::<i64>()) {
        let width = if (f[0].starts_with('0') && f[0].len() > 1)
            || (f[1].starts_with('0') && f[1].len() > 1)
            || f[0].starts_with("-0")
        {
            f[0].len().max(f[1].len())
        } else {
            0
        };
        let mut out = Vec::new();
        let mut x = a;
        while (a <= b && x <= b) || (a > b && x >= b) {
            out.push(format!("{x:0width$}"));
            x = if a <= b { x + step } else { x - step };
            if out.len() > 1_000_000 {
                break;
            }
        }
        return Some(out);
    }
    let (ca, cb) = (single_char(f[0])?, single_char(f[1])?);
    let (a, b) = (ca as i64, cb as i64);
    let mut out = Vec::new();
    let mut x = a;
    while (a <= b && x <= b) || (a > b && x >= b) {
        out.push(char::from_u32(x as u32)?.to_string());
        x = if a <= b { x + step } else { x - step };
    }
    Some(out)
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    (it.next().is_none() && c.is_ascii_alphabetic()).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn expands() {
        assert_eq!(expand("a{b,c}d"), vec!["abd", "acd"]);
        assert_eq!(expand("{1..3}"), vec!["1", "2", "3"]);
        assert_eq!(expand("{3..1}"), vec!["3", "2", "1"]);
        assert_eq!(expand("{01..03}"), vec!["01", "02", "03"]);
        assert_eq!(expand("{a..c}"), vec!["a", "b", "c"]);
        assert_eq!(expand("{1..10..4}"), vec!["1", "5", "9"]);
        assert_eq!(expand("x{a,{b,c}}"), vec!["xa", "xb", "xc"]);
        assert_eq!(expand("{a}"), vec!["{a}"]);
        assert_eq!(expand("'{a,b}'"), vec!["'{a,b}'"]);
        assert_eq!(expand("${x}{1,2}"), vec!["${x}1", "${x}2"]);
    }
}
