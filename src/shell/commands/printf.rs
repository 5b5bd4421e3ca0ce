//! `printf FORMAT [ARG]...` (also `-v VAR`): bash's printf — `%s %b %q %d %i %u %o %x %X %c
//! %e %f %g %%`, flags, width and precision (also `*`), the format reused until the arguments
//! are used up.

use super::echo::unescape;
use crate::shell::lex::{Escapes, decode_escapes};

command!(|c| {
    let mut args = c.argv[1..].to_vec();
    let mut var = None;
    if args.first().is_some_and(|a| a == "-v") && args.len() > 1 {
        var = Some(args[1].clone());
        args.drain(..2);
    }
    if args.first().is_some_and(|a| a == "--") {
        args.remove(0);
    }
    let Some(fmt) = args.first().cloned() else {
        c.io.stderr
            .print("printf: usage: printf [-v var] format [arguments]\n")
            .await?;
        return Ok(2);
    };
    let (out, bad) = format(&fmt, &args[1..]);
    for b in &bad {
        c.err(b).await?;
    }
    match var {
        Some(v) => {
            // `-v name[index]` sets one element of an array.
            let r = match v.strip_suffix(']').and_then(|x| x.split_once('[')) {
                Some((name, ix)) if c.sh.st.is_assoc(name) => c.sh.st.set_key(name, ix, out),
                Some((name, ix)) => match c.sh.arith(ix, &c.io).await {
                    Ok(i) => c.sh.st.set_index(name, i, out),
                    Err(m) => Err(m),
                },
                None => c.sh.st.set_str(&v, out),
            };
            if let Err(m) = r {
                c.err(&m).await?;
                return Ok(1);
            }
        }
        None => c.print(&out).await?,
    }
    Ok(if bad.is_empty() { 0 } else { 1 })
});

fn num_arg(s: &str, bad: &mut Vec<String>) -> i64 {
    let t = s.trim_start();
    if t.is_empty() {
        return 0;
    }
    if let Some(ch) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return ch.chars().next().map_or(0, |c| c as i64);
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    match v {
        Some(v) => {
            if neg {
                -v
            } else {
                v
            }
        }
        None => {
            bad.push(format!("{s}: invalid number"));
            // Leading digits still count, with their sign, as in bash.
            let v: i64 = body
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            if neg { -v } else { v }
        }
    }
}

fn float_arg(s: &str, bad: &mut Vec<String>) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    t.parse().unwrap_or_else(|_| {
        bad.push(format!("{s}: invalid number"));
        0.0
    })
}

/// Shell-quotes `s` as bash's `%q` does: `$'…'` when it holds control characters, else a
/// backslash before each character the shell would treat specially (`#` only first, `~` only
/// first or after `:`/`=`).
pub fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    if needs_ansi_c(s) {
        return ansi_c_quote(s);
    }
    let mut out = String::new();
    let mut prev = None;
    for (i, ch) in s.chars().enumerate() {
        let special = " \t\n!\"$&'()*,;<>?[\\]^`{|}".contains(ch)
            || (ch == '#' && i == 0)
            || (ch == '~' && (i == 0 || matches!(prev, Some(':' | '='))));
        if special {
            out.push('\\');
        }
        out.push(ch);
        prev = Some(ch);
    }
    out
}

/// Quotes `s` for reuse as bash's `${var@Q}` does: single quotes, or `$'…'` for control
/// characters.
pub fn reusable_quote(s: &str) -> String {
    if needs_ansi_c(s) {
        ansi_c_quote(s)
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Whether `s` has characters only `$'…'` can show (controls).
pub fn needs_ansi_c(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// `$'…'` with C escapes, as bash writes it.
pub fn ansi_c_quote(s: &str) -> String {
    let mut out = String::from("$'");
    for ch in s.chars() {
        match ch {
            '\u{1b}' => out.push_str("\\E"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' | '\'' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\{:03o}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Pads `body` to `width` (left-aligned with `-`; zeros after a sign with `0`).
fn pad(body: String, width: usize, left: bool, zero: bool) -> String {
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if left {
        return body + &" ".repeat(fill);
    }
    if zero {
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body[1..].to_string()),
            _ => (String::new(), body.clone()),
        };
        return sign + &"0".repeat(fill) + &digits;
    }
    " ".repeat(fill) + &body
}

/// Formats a float like C's `%e`.
pub fn exp_format(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{v:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let r = format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper { r.to_uppercase() } else { r }
}

/// Formats a float like C's `%g`.
pub fn g_format(v: f64, prec: usize, alt: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    if exp < -4 || exp >= p as i32 {
        let e = exp_format(v, p - 1, false);
        if alt {
            e
        } else {
            let (m, x) = e.split_once('e').unwrap_or((&e, ""));
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{x}")
        }
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let f = format!("{v:.decimals$}");
        if alt || !f.contains('.') {
            f
        } else {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// Applies one conversion; returns the text.
#[allow(clippy::too_many_arguments)]
pub fn convert(
    conv: char,
    arg: Option<&str>,
    flags: &str,
    width: usize,
    prec: Option<usize>,
    bad: &mut Vec<String>,
) -> String {
    let left = flags.contains('-');
    let zero = flags.contains('0') && !left;
    let plus = flags.contains('+');
    let space = flags.contains(' ');
    let alt = flags.contains('#');
    let a = arg.unwrap_or("");
    let sign = |s: String, neg: bool| -> String {
        if neg {
            s
        } else if plus {
            format!("+{s}")
        } else if space {
            format!(" {s}")
        } else {
            s
        }
    };
    match conv {
        's' | 'b' | 'q' => {
            let mut s = match conv {
                'b' => unescape(a).0,
                'q' => shell_quote(a),
                _ => a.to_string(),
            };
            if let Some(p) = prec {
                s = s.chars().take(p).collect();
            }
            pad(s, width, left, false)
        }
        // The first byte (NUL for an empty argument), as bash writes it.
        'c' => pad(
            crate::shell::raw::byte_char(
                crate::shell::raw::encode(a).first().copied().unwrap_or(0),
            )
            .to_string(),
            width,
            left,
            false,
        ),
        'd' | 'i' => {
            let v = if arg.is_some() { num_arg(a, bad) } else { 0 };
            let mut digits = v.unsigned_abs().to_string();
            if let Some(p) = prec {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            let s = if v < 0 { format!("-{digits}") } else { digits };
            pad(sign(s, v < 0), width, left, zero && prec.is_none())
        }
        'u' | 'o' | 'x' | 'X' => {
            let v = if arg.is_some() { num_arg(a, bad) } else { 0 } as u64;
            let mut s = match conv {
                'o' => format!("{v:o}"),
                'x' => format!("{v:x}"),
                'X' => format!("{v:X}"),
                _ => v.to_string(),
            };
            if let Some(p) = prec {
                while s.len() < p {
                    s.insert(0, '0');
                }
            }
            if alt && v != 0 {
                s = match conv {
                    'o' => format!("0{s}"),
                    'x' => format!("0x{s}"),
                    'X' => format!("0X{s}"),
                    _ => s,
                };
            }
            pad(s, width, left, zero)
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let v = if arg.is_some() {
                float_arg(a, bad)
            } else {
                0.0
            };
            let p = prec.unwrap_or(6);
            let s = match conv {
                'f' | 'F' => format!("{:.p$}", v.abs()),
                'e' | 'E' => exp_format(v.abs(), p, conv == 'E'),
                _ => {
                    let g = g_format(v.abs(), p, alt);
                    if conv == 'G' { g.to_uppercase() } else { g }
                }
            };
            let neg = v.is_sign_negative() && v != 0.0;
            let s = if neg { format!("-{s}") } else { s };
            pad(sign(s, neg), width, left, zero)
        }
        other => format!("%{other}"),
    }
}

/// `%b`'s argument with `\\NNN` octal escapes spelled `\\0NNN` (printf takes both; the
/// shared echo decoder only the second).
fn octal_without_zero(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\\') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        out.push(c);
        if c == '\\' {
            match it.peek() {
                Some('1'..='7') => out.push('0'),
                Some(_) => out.extend(it.next()),
                None => {}
            }
        }
    }
    out.into()
}

/// `%(fmt)T`: `arg` seconds since the epoch (-1 or empty: now) formatted in UTC.
fn strftime(fmt: &str, arg: Option<&str>, bad: &mut Vec<String>) -> String {
    let secs = match arg.map(str::trim) {
        None | Some("") | Some("-1") | Some("-2") => chrono::Utc::now().timestamp(),
        Some(a) => num_arg(a, bad),
    };
    let Some(t) = chrono::DateTime::<chrono::Utc>::from_timestamp(secs, 0) else {
        return String::new();
    };
    let fmt = if fmt.is_empty() { "%X" } else { fmt };
    let mut out = String::new();
    use std::fmt::Write as _;
    if write!(out, "{}", t.format(fmt)).is_err() {
        return String::new();
    }
    out
}

/// Formats `fmt` with `args`, reusing the format while arguments remain. Returns the text and
/// the arguments that were not valid numbers.
pub fn format(fmt: &str, args: &[String]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut bad = Vec::new();
    let mut ai = 0;
    let chars: Vec<char> = fmt.chars().collect();
    loop {
        let start_ai = ai;
        let mut i = 0;
        let mut stop = false;
        while i < chars.len() {
            let ch = chars[i];
            if ch == '\\' {
                // Escapes in the format.
                let mut j = i + 1;
                let mut esc = String::from("\\");
                if j < chars.len() {
                    esc.push(chars[j]);
                    j += 1;
                    let digits = match chars[j - 1] {
                        '0'..='7' | 'x' => 3,
                        'u' => 4,
                        'U' => 8,
                        _ => 0,
                    };
                    if digits > 0 {
                        while j < chars.len() && j < i + 2 + digits && chars[j].is_ascii_hexdigit()
                        {
                            esc.push(chars[j]);
                            j += 1;
                        }
                    }
                }
                // As bash: `\NNN` octal from the first digit, `\c` is no stop here (only in %b).
                let (s, _) = decode_escapes(&esc, Escapes::AnsiC);
                out.push_str(&s);
                i = j;
                continue;
            }
            if ch != '%' {
                out.push(ch);
                i += 1;
                continue;
            }
            let pct = i;
            i += 1;
            if chars.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut flags = String::new();
            while let Some(&f) = chars.get(i).filter(|c| "-+ #0".contains(**c)) {
                flags.push(f);
                i += 1;
            }
            let mut width = 0usize;
            if chars.get(i) == Some(&'*') {
                let w = num_arg(args.get(ai).map_or("", |s| s.as_str()), &mut bad);
                ai += 1;
                if w < 0 {
                    flags.push('-');
                }
                width = w.unsigned_abs() as usize;
                i += 1;
            }
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                width = width * 10 + d as usize;
                i += 1;
            }
            let mut prec = None;
            if chars.get(i) == Some(&'.') {
                i += 1;
                let mut p = 0usize;
                if chars.get(i) == Some(&'*') {
                    p = num_arg(args.get(ai).map_or("", |s| s.as_str()), &mut bad).max(0) as usize;
                    ai += 1;
                    i += 1;
                }
                while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                    p = p * 10 + d as usize;
                    i += 1;
                }
                prec = Some(p);
            }
            // bash's length modifiers (`q` is the %q conversion, not a modifier).
            while chars.get(i).is_some_and(|c| "hjlLtz".contains(*c)) {
                i += 1;
            }
            // `%(fmt)T`: the time (seconds since the epoch; -1 or none is now) in UTC.
            if chars.get(i) == Some(&'(')
                && let Some(close) = chars[i..].iter().position(|&c| c == ')')
                && chars.get(i + close + 1) == Some(&'T')
            {
                let tfmt: String = chars[i + 1..i + close].iter().collect();
                i += close + 2;
                let arg = args.get(ai).map(|s| s.as_str());
                ai += 1;
                let s = strftime(&tfmt, arg, &mut bad);
                let s = match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                out.push_str(&pad(s, width, flags.contains('-'), false));
                continue;
            }
            let conv = match chars.get(i) {
                Some(&c) if "sbqdiuoxXcfFeEgG".contains(c) => c,
                Some(&c) => {
                    bad.push(format!("`{c}': invalid format character"));
                    stop = true;
                    break;
                }
                None => {
                    let spec: String = chars[pct..].iter().collect();
                    bad.push(format!("`{spec}': missing format character"));
                    stop = true;
                    break;
                }
            };
            i += 1;
            let arg = args.get(ai).map(|s| s.as_str());
            ai += 1;
            if conv == 'b' {
                let (s, c) = unescape(&octal_without_zero(arg.unwrap_or("")));
                let s = match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                out.push_str(&pad(s, width, flags.contains('-'), false));
                if c {
                    stop = true;
                    break;
                }
                continue;
            }
            out.push_str(&convert(conv, arg, &flags, width, prec, &mut bad));
        }
        if stop || ai >= args.len() || ai == start_ai {
            break;
        }
    }
    (out, bad)
}

#[cfg(test)]
mod tests {
    use super::format;

    fn f(fmt: &str, args: &[&str]) -> String {
        format(fmt, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).0
    }

    #[test]
    fn formats() {
        assert_eq!(
            f(
                "%s-%d-%5.2f|%-4s|%04d\n",
                &["a", "42", "3.14159", "ab", "7"]
            ),
            "a-42- 3.14|ab  |0007\n"
        );
        assert_eq!(f("%s\n", &["a", "b"]), "a\nb\n");
        assert_eq!(
            f("%x %o %X %e\n", &["255", "8", "255", "1234.5"]),
            "ff 10 FF 1.234500e+03\n"
        );
        assert_eq!(
            f("%g %g %g\n", &["0.0001", "123456789", "2.5"]),
            "0.0001 1.23457e+08 2.5\n"
        );
        assert_eq!(f("%5s|%.2s|%c\n", &["ab", "xyz", "q"]), "   ab|xy|q\n");
        assert_eq!(f("%d\n", &[]), "0\n");
    }
}
