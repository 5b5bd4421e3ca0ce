//! `readlink [-f|-e|-m] [-n] FILE...` and `realpath [-e|-m] [-s] FILE...`

use super::Spec;
use crate::shell::links::Missing;

const SPEC: Spec = Spec {
    short: "femnqsvz",
    long: &[
        ("canonicalize", 'f', false),
        ("canonicalize-existing", 'e', false),
        ("canonicalize-missing", 'm', false),
        ("no-newline", 'n', false),
        ("strip", 's', false),
        ("relative-to", 'R', true),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let realpath = c.name() == "realpath";
    let mut st = 0;
    let mut out = String::new();
    for f in &a.operands {
        let Ok(path) = c.path(f) else {
            st = 1;
            continue;
        };
        let canon = a.has('f') || a.has('e') || a.has('m') || realpath;
        if !canon {
            match c.vfs().readlink(&path).await {
                Ok(t) => {
                    out.push_str(&t);
                    if !a.has('n') {
                        out.push('\n');
                    }
                }
                Err(_) => st = 1,
            }
            continue;
        }
        let r = if realpath && a.has('s') {
            Some(path.clone())
        } else {
            c.sh.canonical(
                &path,
                if a.has('m') {
                    Missing::Any
                } else if a.has('e') {
                    Missing::None
                } else {
                    Missing::Last
                },
            )
            .await
        };
        match r {
            Some(p) => {
                out.push_str(p.as_str());
                if !a.has('n') || a.operands.len() > 1 {
                    out.push('\n');
                }
            }
            None => {
                if realpath {
                    c.err(&format!("{f}: No such file or directory")).await?;
                }
                st = 1;
            }
        }
    }
    c.print(&out).await?;
    Ok(st)
});
