//! `readlink [-f|-e|-m] [-n] FILE...` and `realpath [-e|-m] [-s] FILE...`

use super::Spec;
use crate::vfs::{FileKind, VPath};

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

/// Resolves every symlink along `p`; `None` when a component (other than the last, unless
/// `missing_ok`) does not exist.
async fn canonical(
    c: &super::Ctx<'_>,
    p: &VPath,
    last_missing_ok: bool,
    all_missing_ok: bool,
) -> Option<VPath> {
    let mut cur = VPath::root();
    let comps: Vec<String> = p.components().map(String::from).collect();
    let mut hops = 0;
    let mut queue: std::collections::VecDeque<String> = comps.into();
    while let Some(comp) = queue.pop_front() {
        let next = cur.join(&comp).ok()?;
        match c.lstat(&next).await {
            Ok(m) if m.kind == FileKind::Symlink => {
                hops += 1;
                if hops > 40 {
                    return None;
                }
                let t = c.vfs().readlink(&next).await.ok()?;
                let resolved = cur.resolve(&t).ok()?;
                let mut rest: Vec<String> = resolved.components().map(String::from).collect();
                rest.extend(queue.drain(..));
                queue = rest.into();
                cur = VPath::root();
            }
            Ok(_) => cur = next,
            Err(_) => {
                if all_missing_ok || (last_missing_ok && queue.is_empty()) {
                    cur = next;
                } else {
                    return None;
                }
            }
        }
    }
    Some(cur)
}

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
            canonical(&c, &path, !a.has('e'), a.has('m')).await
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
