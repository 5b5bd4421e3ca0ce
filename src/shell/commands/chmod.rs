//! `chmod [-R] [-v] [-c] [-f] MODE[,MODE]... FILE...`: octal (`755`) or symbolic (`u+x`,
//! `go-w`, `a=rX`, `+t`) modes, as GNU chmod reads them. A mode like `-w` is a mode, not an
//! option. In recursion, symlinks are not followed.

use crate::vfs::{FileKind, VPath};

/// The umask a symbolic mode without `ugoa` respects (`chmod +w` adds `u+w` only).
const UMASK: u16 = 0o022;

/// `old` permission bits changed by `mode`, or `None` when `mode` is not a valid mode.
pub fn apply_mode(mode: &str, old: u16, is_dir: bool) -> Option<u16> {
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let v = u16::from_str_radix(mode, 8).ok()?;
        return (v <= 0o7777).then_some(v);
    }
    let mut cur = old;
    for clause in mode.split(',') {
        let who_len = clause
            .find(|ch: char| !matches!(ch, 'u' | 'g' | 'o' | 'a'))
            .unwrap_or(clause.len());
        let (who, mut rest) = clause.split_at(who_len);
        let (mask, masked) = who_mask(who);
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next().filter(|c| matches!(c, '+' | '-' | '=')) {
            rest = &rest[1..];
            let end = rest.find(['+', '-', '=']).unwrap_or(rest.len());
            let (perms, next) = rest.split_at(end);
            rest = next;
            let bits = perm_bits(perms, cur, is_dir)? & mask & !masked;
            cur = match op {
                '+' => cur | bits,
                '-' => cur & !bits,
                _ => {
                    // `=` clears what `who` covers (set-id bits of directories stay, as in
                    // GNU chmod), then sets.
                    let keep = if is_dir { cur & 0o6000 & mask } else { 0 };
                    (cur & !(mask & !masked)) | bits | keep
                }
            };
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(cur)
}

/// Bits a `who` part covers, and those the umask protects when `who` is empty.
fn who_mask(who: &str) -> (u16, u16) {
    if who.is_empty() {
        return (0o7777, UMASK);
    }
    let mut m = 0;
    for ch in who.chars() {
        m |= match ch {
            'u' => 0o4700,
            'g' => 0o2070,
            'o' => 0o1007,
            _ => 0o7777,
        };
    }
    (m, 0)
}

/// The bits `rwxXst` (or a copy of `u`, `g`, `o`) stand for, for every class.
fn perm_bits(perms: &str, cur: u16, is_dir: bool) -> Option<u16> {
    let mut b = 0;
    for ch in perms.chars() {
        b |= match ch {
            'r' => 0o444,
            'w' => 0o222,
            'x' => 0o111,
            'X' if is_dir || cur & 0o111 != 0 => 0o111,
            'X' => 0,
            's' => 0o6000,
            't' => 0o1000,
            'u' => spread((cur >> 6) & 7),
            'g' => spread((cur >> 3) & 7),
            'o' => spread(cur & 7),
            _ => return None,
        };
    }
    Some(b)
}

fn spread(rwx: u16) -> u16 {
    rwx << 6 | rwx << 3 | rwx
}

/// The `-m MODE` option of `mkdir` and `mkfifo`, applied to `base`: `Ok(Ok(None))` when it
/// is absent, `Ok(Err(1))` after printing "invalid mode" for a bad one.
pub async fn mode_option(
    c: &super::Ctx<'_>,
    a: &super::Args,
    base: u16,
    is_dir: bool,
) -> Result<Result<Option<u16>, i32>, crate::shell::ShellError> {
    let Some(m) = a.value('m') else {
        return Ok(Ok(None));
    };
    match apply_mode(m, base, is_dir) {
        Some(p) => Ok(Ok(Some(p))),
        None => {
            c.err(&format!("invalid mode '{m}'")).await?;
            Ok(Err(1))
        }
    }
}

/// `rwxr-xr-x` for permission bits (`s`/`S`, `t`/`T` for set-ID and sticky bits).
pub fn rwx(p: u16) -> String {
    let mut s = String::new();
    for (shift, special, ch) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let v = (p >> shift) & 7;
        s.push(if v & 4 != 0 { 'r' } else { '-' });
        s.push(if v & 2 != 0 { 'w' } else { '-' });
        s.push(match (v & 1 != 0, p & special != 0) {
            (true, true) => ch,
            (false, true) => ch.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

command!(|c| {
    let mut recursive = false;
    let mut verbose = false;
    let mut changes = false;
    let mut quiet = false;
    let mut mode: Option<String> = None;
    let mut files = Vec::new();
    let mut only_operands = false;
    for arg in c.argv[1..].iter().cloned() {
        let symbolic_minus = arg.len() > 1
            && arg.starts_with('-')
            && arg[1..].chars().all(|ch| "rwxXst".contains(ch));
        match arg.as_str() {
            "--" if !only_operands => only_operands = true,
            "-R" | "--recursive" if !only_operands => recursive = true,
            "-v" | "--verbose" if !only_operands => verbose = true,
            "-c" | "--changes" if !only_operands => changes = true,
            "-f" | "--silent" | "--quiet" if !only_operands => quiet = true,
            a if a.starts_with('-') && a.len() > 1 && !only_operands && !symbolic_minus => {
                c.err(&format!(
                    "invalid option -- '{}'",
                    a.trim_start_matches('-')
                ))
                .await?;
                c.err("Try 'chmod --help' for more information.").await?;
                return Ok(1);
            }
            _ if mode.is_none() => mode = Some(arg),
            _ => files.push(arg),
        }
    }
    let Some(mode) = mode else {
        c.err("missing operand").await?;
        return Ok(1);
    };
    if files.is_empty() {
        c.err(&format!("missing operand after '{mode}'")).await?;
        return Ok(1);
    }
    if apply_mode(&mode, 0o644, false).is_none() {
        c.err(&format!("invalid mode: '{mode}'")).await?;
        c.err("Try 'chmod --help' for more information.").await?;
        return Ok(1);
    }
    let mut st = 0;
    for f in &files {
        let path = match c.path(f) {
            Ok(p) => p,
            Err(e) => {
                c.fail(f, &e).await?;
                st = 1;
                continue;
            }
        };
        let (real, meta) = match c.stat(&path).await {
            Ok(x) => x,
            Err(e) => {
                if !quiet {
                    c.err(&format!("cannot access '{f}': {}", e.user_message()))
                        .await?;
                }
                st = 1;
                continue;
            }
        };
        let mut todo: Vec<(VPath, String, u16, bool)> =
            vec![(real, f.clone(), meta.perm, meta.is_dir())];
        while let Some((p, shown, old, is_dir)) = todo.pop() {
            let new = apply_mode(&mode, old, is_dir).unwrap_or(old);
            if let Err(e) = c.vfs().set_perm(&p, new).await {
                if !quiet {
                    c.err(&format!(
                        "changing permissions of '{shown}': {}",
                        e.user_message()
                    ))
                    .await?;
                }
                st = 1;
            } else if verbose || (changes && new != old) {
                let what = if new == old {
                    "retained as"
                } else {
                    "changed from"
                };
                let msg = if new == old {
                    format!("mode of '{shown}' {what} {new:04o} ({})\n", rwx(new))
                } else {
                    format!(
                        "mode of '{shown}' {what} {old:04o} ({}) to {new:04o} ({})\n",
                        rwx(old),
                        rwx(new)
                    )
                };
                c.print(&msg).await?;
            }
            if recursive
                && is_dir
                && let Ok(mut entries) = c.vfs().list(&p).await
            {
                entries.sort_by(|a, b| b.name.cmp(&a.name));
                for e in entries {
                    if e.meta.kind == FileKind::Symlink {
                        continue;
                    }
                    if let Ok(child) = p.join(&e.name) {
                        let shown = format!("{}/{}", shown.trim_end_matches('/'), e.name);
                        todo.push((child, shown, e.meta.perm, e.meta.is_dir()));
                    }
                }
            }
        }
    }
    Ok(st)
});

#[cfg(test)]
mod tests {
    use super::apply_mode;

    #[test]
    fn octal_and_symbolic_modes() {
        assert_eq!(apply_mode("755", 0o644, false), Some(0o755));
        assert_eq!(apply_mode("u+x", 0o644, false), Some(0o744));
        assert_eq!(apply_mode("+x", 0o644, false), Some(0o755));
        assert_eq!(
            apply_mode("+w", 0o444, false),
            Some(0o644),
            "umask 022 keeps go-w"
        );
        assert_eq!(apply_mode("go-r", 0o644, false), Some(0o600));
        assert_eq!(apply_mode("a=rX", 0o750, true), Some(0o555));
        assert_eq!(apply_mode("a=rX", 0o640, false), Some(0o444));
        assert_eq!(apply_mode("u=rw,g=r,o=", 0o777, false), Some(0o640));
        assert_eq!(apply_mode("+t", 0o777, true), Some(0o1777));
        assert_eq!(apply_mode("u+s", 0o755, false), Some(0o4755));
        assert_eq!(apply_mode("g=u", 0o740, false), Some(0o770));
        assert_eq!(apply_mode("-w", 0o644, false), Some(0o444));
        assert_eq!(apply_mode("z+x", 0o644, false), None);
        assert_eq!(apply_mode("u+q", 0o644, false), None);
        assert_eq!(apply_mode("8", 0o644, false), None);
    }
}
