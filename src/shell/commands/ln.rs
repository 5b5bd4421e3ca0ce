//! `ln [-s] [-f] [-n] [-v] TARGET LINK`: symlinks, and hard links where the mount keeps them
//! (`ram`, `local`; elsewhere "Operation not permitted", as coreutils says it).

use super::Spec;
use super::basename::base;

const SPEC: Spec = Spec {
    short: "sfnvrT",
    long: &[
        ("symbolic", 's', false),
        ("force", 'f', false),
        ("verbose", 'v', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing file operand").await?;
        return Ok(1);
    }
    let target = a.operands[0].clone();
    let link = a.operands.get(1).cloned().unwrap_or_else(|| base(&target));
    let mut path = match c.path(&link) {
        Ok(p) => p,
        Err(e) => {
            c.fail(&link, &e).await?;
            return Ok(1);
        }
    };
    if !a.has('n')
        && c.stat(&path).await.is_ok_and(|(_, m)| m.is_dir())
        && let Ok(p) = path.join(&base(&target))
    {
        path = p;
    }
    if a.has('f') && c.lstat(&path).await.is_ok() {
        let _ = c.vfs().remove_file(&path).await;
    }
    if !a.has('s') {
        let from = match c.path(&target) {
            Ok(p) => p,
            Err(e) => {
                c.fail(&target, &e).await?;
                return Ok(1);
            }
        };
        return match c.vfs().link(&from, &path).await {
            Ok(()) => {
                if a.has('v') {
                    c.print(&format!("'{link}' => '{target}'\n")).await?;
                }
                Ok(0)
            }
            Err(e) => {
                use crate::vfs::VfsError;
                let msg = match e {
                    VfsError::NotPermitted
                        if c.stat(&from).await.is_ok_and(|(_, m)| m.is_dir()) =>
                    {
                        format!("{target}: hard link not allowed for directory")
                    }
                    VfsError::AlreadyExists => {
                        format!("failed to create hard link '{link}': File exists")
                    }
                    VfsError::NotFound => {
                        format!("failed to access '{target}': No such file or directory")
                    }
                    VfsError::Unsupported => format!(
                        "failed to create hard link '{link}' => '{target}': Operation not permitted"
                    ),
                    e => format!(
                        "failed to create hard link '{link}' => '{target}': {}",
                        e.user_message()
                    ),
                };
                c.err(&msg).await?;
                Ok(1)
            }
        };
    }
    match c.vfs().symlink(&path, &target).await {
        Ok(()) => {
            if a.has('v') {
                c.print(&format!("'{link}' -> '{target}'\n")).await?;
            }
            Ok(0)
        }
        Err(e) => {
            c.err(&format!(
                "failed to create symbolic link '{link}': {}",
                e.user_message()
            ))
            .await?;
            Ok(1)
        }
    }
});
