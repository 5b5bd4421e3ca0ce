//! `mkdir [-p] [-v] [-m MODE] DIR...`

use super::Spec;
use crate::vfs::VfsError;

const SPEC: Spec = Spec {
    short: "pvm:",
    long: &[
        ("parents", 'p', false),
        ("verbose", 'v', false),
        ("mode", 'm', true),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing operand").await?;
        return Ok(1);
    }
    // `-m MODE`: the mode of each directory made (symbolic modes apply to a=rwx).
    let perm = match super::chmod::mode_option(&c, &a, 0o777, true).await? {
        Ok(p) => p,
        Err(st) => return Ok(st),
    };
    let mut st = 0;
    for d in &a.operands {
        let path = match c.path(d) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!(
                    "cannot create directory '{d}': {}",
                    e.user_message()
                ))
                .await?;
                st = 1;
                continue;
            }
        };
        if a.has('p') {
            let mut cur = crate::vfs::VPath::root();
            let mut failed = false;
            for comp in path.components() {
                let Ok(next) = cur.join(comp) else { break };
                cur = next;
                match c.stat(&cur).await {
                    Ok((_, m)) if m.is_dir() => continue,
                    Ok(_) => {
                        c.err(&format!("cannot create directory '{d}': File exists"))
                            .await?;
                        failed = true;
                        break;
                    }
                    Err(_) => {}
                }
                match c.vfs().mkdir(&cur).await {
                    Ok(()) => {
                        if let Some(p) = perm.filter(|_| cur == path)
                            && let Err(e) = c.vfs().set_perm(&cur, p).await
                        {
                            c.err(&format!(
                                "cannot set permissions of '{d}': {}",
                                e.user_message()
                            ))
                            .await?;
                            failed = true;
                            break;
                        }
                        if a.has('v') {
                            c.print(&format!("mkdir: created directory '{cur}'\n"))
                                .await?;
                        }
                    }
                    Err(VfsError::AlreadyExists) => {}
                    Err(e) => {
                        c.err(&format!(
                            "cannot create directory '{d}': {}",
                            e.user_message()
                        ))
                        .await?;
                        failed = true;
                        break;
                    }
                }
            }
            if failed {
                st = 1;
            }
            continue;
        }
        match c.vfs().mkdir(&path).await {
            Ok(()) => {
                if let Some(p) = perm
                    && let Err(e) = c.vfs().set_perm(&path, p).await
                {
                    c.err(&format!(
                        "cannot set permissions of '{d}': {}",
                        e.user_message()
                    ))
                    .await?;
                    st = 1;
                }
                if a.has('v') {
                    c.print(&format!("mkdir: created directory '{d}'\n"))
                        .await?;
                }
            }
            Err(e) => {
                c.err(&format!(
                    "cannot create directory '{d}': {}",
                    e.user_message()
                ))
                .await?;
                st = 1;
            }
        }
    }
    Ok(st)
});
