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
    crate::shell::lex::decode_escapes(s, crate::shell::lex::Escapes::Echo)
}
