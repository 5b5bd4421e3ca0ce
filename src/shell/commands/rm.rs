//! `rm [-rRfdiv] FILE...` and `rmdir [-p] DIR...`

use super::Spec;
use super::fsops::remove_tree;
use crate::vfs::{FileKind, VfsError};

const SPEC: Spec = Spec {
    short: "rRfdivI",
    long: &[
        ("recursive", 'r', false),
        ("force", 'f', false),
        ("dir", 'd', false),
        ("verbose", 'v', false),
    ],
    bad_status: 1,
    numeric: false,
};
const RMDIR: Spec = Spec {
    short: "pv",
    long: &[
        ("parents", 'p', false),
        ("verbose", 'v', false),
        ("ignore-fail-on-non-empty", 'i', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    if c.name() == "rmdir" {
        let a = opts!(c, RMDIR);
        if a.operands.is_empty() {
            c.err("missing operand").await?;
            return Ok(1);
        }
        let mut st = 0;
        for d in &a.operands {
            let mut path = match c.path(d) {
                Ok(p) => p,
                Err(e) => {
                    c.err(&format!("failed to remove '{d}': {}", e.user_message()))
                        .await?;
                    st = 1;
                    continue;
                }
            };
            loop {
                let r = match c.lstat(&path).await {
                    Ok(m) if m.kind != FileKind::Dir => Err(VfsError::NotADirectory),
                    Ok(_) => c.vfs().remove_dir(&path).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = r {
                    if !(a.has('i') && e == VfsError::DirectoryNotEmpty) {
                        c.err(&format!("failed to remove '{d}': {}", e.user_message()))
                            .await?;
                        st = 1;
                    }
                    break;
                }
                if !a.has('p') || !d.contains('/') {
                    break;
                }
                path = path.parent();
                if path.is_root() || path == c.sh.st.cwd {
                    break;
                }
            }
        }
        return Ok(st);
    }
    let a = opts!(c, SPEC);
    let force = a.has('f');
    let recursive = a.has('r') || a.has('R');
    if a.operands.is_empty() && !force {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let mut st = 0;
    for f in &a.operands {
        let base = f.trim_end_matches('/');
        if base.ends_with("/.") || base.ends_with("/..") || base == "." || base == ".." {
            c.err(&format!(
                "refusing to remove '.' or '..' directory: skipping '{f}'"
            ))
            .await?;
            st = 1;
            continue;
        }
        let path = match c.path(f) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("cannot remove '{f}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        let meta = match c.lstat(&path).await {
            Ok(m) => m,
            Err(e) => {
                if !(force && e == VfsError::NotFound) {
                    c.err(&format!("cannot remove '{f}': {}", e.user_message()))
                        .await?;
                    st = 1;
                }
                continue;
            }
        };
        let r = if meta.kind == FileKind::Dir {
            if recursive {
                remove_tree(c.vfs(), &path).await
            } else if a.has('d') {
                c.vfs().remove_dir(&path).await
            } else {
                c.err(&format!("cannot remove '{f}': Is a directory"))
                    .await?;
                st = 1;
                continue;
            }
        } else {
            c.vfs().remove_file(&path).await
        };
        match r {
            Ok(()) => {
                if a.has('v') {
                    let what = if meta.kind == FileKind::Dir {
                        "removed directory"
                    } else {
                        "removed"
                    };
                    c.print(&format!("{what} '{f}'\n")).await?;
                }
            }
            Err(e) => {
                c.err(&format!("cannot remove '{f}': {}", e.user_message()))
                    .await?;
                st = 1;
            }
        }
    }
    Ok(st)
});
