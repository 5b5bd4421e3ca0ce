//! `echo [-neE] [ARG]...`: bash's builtin echo.

use super::Ctx;

/// Runs `echo`.
pub fn run(c: Ctx<'_>) -> super::LocalBoxFuture<'_, super::Res> {
    Box::pin(async move {
        let mut newline = true;
        let mut escapes = false;
        let mut i = 1;
        while let Some(a) = c.argv.get(i) {
            if a.len() < 2 || !a.starts_with('-') || !a[1..].chars().all(|ch| "neE".contains(ch)) {
                break;
            }
            for ch in a[1..].chars() {
                match ch {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        }
        let mut out = c.argv[i..].join(" ");
        if escapes {
            let (s, stop) = unescape(&out);
            out = s;
            if stop {
                return c.print(&out).await.map(|_| 0);
            }
        }
        if newline {
            out.push('\n');
        }
        c.print(&out).await?;
        Ok(0)
    })
}

/// Interprets backslash escapes as `echo -e` and `printf %b` do; `true` when `\c` stopped output.
pub fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut v = 0u32;
                for _ in 0..3 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('?'));
            }
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 {
                    match it.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            it.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('?'));
                }
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}
