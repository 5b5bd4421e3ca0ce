//! `truncate [-c] [-o] -s [+-<>/%]SIZE FILE...` (or `-r REF`): set file sizes, creating
//! missing files unless `-c`, as GNU truncate does.

use super::Spec;
use super::text::parse_size;

const SPEC: Spec = Spec {
    short: "cos:r:",
    long: &[
        ("no-create", 'c', false),
        ("size", 's', true),
        ("reference", 'r', true),
    ],
    bad_status: 1,
    numeric: false,
};

/// The new size from `spec` (`N`, `+N`, `-N`, `<N`, `>N`, `/N`, `%N`) and the current one.
fn new_size(spec: &str, cur: u64) -> Option<u64> {
    let (op, num) = match spec.chars().next()? {
        c @ ('+' | '-' | '<' | '>' | '/' | '%') => (Some(c), &spec[1..]),
        _ => (None, spec),
    };
    let n = parse_size(num)?;
    Some(match op {
        None => n,
        Some('+') => cur.checked_add(n)?,
        Some('-') => cur.saturating_sub(n),
        Some('<') => cur.min(n),
        Some('>') => cur.max(n),
        Some('/') if n > 0 => cur / n * n,
        Some('%') if n > 0 => cur.div_ceil(n) * n,
        _ => return None,
    })
}

fn cannot_open(f: &str, why: &str) -> String {
    format!("cannot open '{f}' for writing: {why}")
}

command!(|c| {
    let a = opts!(c, SPEC);
    let size = a.value('s').map(str::to_string);
    let reference = match a.value('r') {
        Some(r) => match c.path(r) {
            Ok(p) => match c.stat(&p).await {
                Ok((_, m)) => Some(m.size),
                Err(e) => {
                    c.err(&format!("cannot stat '{r}': {}", e.user_message()))
                        .await?;
                    return Ok(1);
                }
            },
            Err(e) => {
                c.fail(r, &e).await?;
                return Ok(1);
            }
        },
        None => None,
    };
    if size.is_none() && reference.is_none() {
        c.err("you must specify either '--size' or '--reference'")
            .await?;
        c.err("Try 'truncate --help' for more information.").await?;
        return Ok(1);
    }
    if a.operands.is_empty() {
        c.err("missing file operand").await?;
        return Ok(1);
    }
    if let Some(s) = &size
        && new_size(s, 0).is_none()
    {
        c.err(&format!("Invalid number: '{s}'")).await?;
        return Ok(1);
    }
    let mut st = 0;
    for f in &a.operands {
        let path = match c.path(f) {
            Ok(p) => p,
            Err(e) => {
                c.err(&cannot_open(f, &e.user_message())).await?;
                st = 1;
                continue;
            }
        };
        let cur = match c.stat(&path).await {
            Ok((_, m)) if m.is_dir() => {
                c.err(&cannot_open(f, "Is a directory")).await?;
                st = 1;
                continue;
            }
            Ok((_, m)) => Some(m.size),
            Err(_) if a.has('c') => continue,
            Err(_) => None,
        };
        let base = reference.unwrap_or(cur.unwrap_or(0));
        let target = match &size {
            Some(s) => new_size(s, base).unwrap_or(base),
            None => base,
        };
        if cur.is_none()
            && let Err(e) = c.vfs().write_all(&path, &[], false).await
        {
            c.err(&cannot_open(f, &e.user_message())).await?;
            st = 1;
            continue;
        }
        if let Err(e) = c.vfs().truncate(&path, target).await {
            c.err(&format!("failed to truncate '{f}': {}", e.user_message()))
                .await?;
            st = 1;
        }
    }
    Ok(st)
});

#[cfg(test)]
mod tests {
    use super::new_size;

    #[test]
    fn sizes_relative_and_rounded() {
        assert_eq!(new_size("10", 3), Some(10));
        assert_eq!(new_size("+5", 3), Some(8));
        assert_eq!(new_size("-5", 3), Some(0));
        assert_eq!(new_size("<2", 3), Some(2));
        assert_eq!(new_size(">2", 3), Some(3));
        assert_eq!(new_size("/4", 10), Some(8));
        assert_eq!(new_size("%4", 10), Some(12));
        assert_eq!(new_size("1K", 0), Some(1024));
        assert_eq!(new_size("x", 0), None);
    }
}
