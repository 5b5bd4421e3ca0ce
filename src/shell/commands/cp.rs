//! `cp [-rRapfnv] SRC... DEST` and `mv [-fnvT] SRC... DEST` (across mounts: copy, then remove).

use super::Spec;
use super::basename::base;
use super::fsops::{copy_tree, remove_tree};
use crate::vfs::{FileKind, VfsError};

const CP: Spec = Spec {
    short: "rRapfnvdLPTu",
    long: &[
        ("recursive", 'r', false),
        ("archive", 'a', false),
        ("force", 'f', false),
        ("no-clobber", 'n', false),
        ("verbose", 'v', false),
        ("preserve", 'p', false),
        ("no-target-directory", 'T', false),
    ],
    bad_status: 1,
    numeric: false,
};
const MV: Spec = Spec {
    short: "fnviTu",
    long: &[
        ("force", 'f', false),
        ("no-clobber", 'n', false),
        ("verbose", 'v', false),
        ("no-target-directory", 'T', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let mv = c.name() == "mv";
    let a = if mv { opts!(c, MV) } else { opts!(c, CP) };
    let name = c.name().to_string();
    if a.operands.len() < 2 {
        if a.operands.is_empty() {
            c.err("missing file operand").await?;
        } else {
            c.err(&format!(
                "missing destination file operand after '{}'",
                a.operands[0]
            ))
            .await?;
        }
        c.io.stderr
            .print(&format!("Try '{name} --help' for more information.\n"))
            .await?;
        return Ok(1);
    }
    let (srcs, dest) = a.operands.split_at(a.operands.len() - 1);
    let dest = &dest[0];
    let dest_path = match c.path(dest) {
        Ok(p) => p,
        Err(e) => {
            c.fail(dest, &e).await?;
            return Ok(1);
        }
    };
    let dest_is_dir = !a.has('T') && c.stat(&dest_path).await.is_ok_and(|(_, m)| m.is_dir());
    if srcs.len() > 1 && !dest_is_dir {
        c.err(&format!("target '{dest}': Not a directory")).await?;
        return Ok(1);
    }
    let recursive = a.has('r') || a.has('R') || a.has('a');
    let mut st = 0;
    for s in srcs {
        let src = match c.path(s) {
            Ok(p) => p,
            Err(e) => {
                c.fail(s, &e).await?;
                st = 1;
                continue;
            }
        };
        let meta = match c.lstat(&src).await {
            Ok(m) => m,
            Err(e) => {
                c.err(&format!("cannot stat '{s}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        // `cp -r dir/. dest`: the contents of dir go into dest.
        let contents_only = s == "." || s.ends_with("/.");
        let target = if dest_is_dir && contents_only {
            dest_path.clone()
        } else if dest_is_dir {
            match dest_path.join(&base(s)) {
                Ok(t) => t,
                Err(e) => {
                    c.fail(dest, &e).await?;
                    st = 1;
                    continue;
                }
            }
        } else {
            dest_path.clone()
        };
        if target == src {
            c.err(&format!(
                "'{s}' and '{}' are the same file",
                if dest_is_dir {
                    format!("{}/{}", dest.trim_end_matches('/'), base(s))
                } else {
                    dest.clone()
                }
            ))
            .await?;
            st = 1;
            continue;
        }
        let exists = c.lstat(&target).await.ok();
        if a.has('n') && exists.is_some() {
            continue;
        }
        if let Some(tm) = &exists
            && tm.is_dir()
            && meta.kind != FileKind::Dir
        {
            c.err(&format!(
                "cannot overwrite directory '{target}' with non-directory"
            ))
            .await?;
            st = 1;
            continue;
        }
        let r = if mv {
            match c.vfs().rename(&src, &target).await {
                Err(VfsError::CrossDevice) | Err(VfsError::Unsupported) => {
                    match copy_tree(c.vfs(), &src, &target, true, true).await {
                        Ok(()) => remove_tree(c.vfs(), &src).await,
                        Err(e) => Err(e),
                    }
                }
                other => other,
            }
        } else if meta.kind == FileKind::Dir && !recursive {
            c.err(&format!("-r not specified; omitting directory '{s}'"))
                .await?;
            st = 1;
            continue;
        } else if meta.kind == FileKind::Symlink && !(a.has('a') || a.has('d') || a.has('P')) {
            match c.stat(&src).await {
                Ok((real, _)) => {
                    copy_tree(c.vfs(), &real, &target, recursive, a.has('p') || a.has('a')).await
                }
                Err(e) => Err(e),
            }
        } else {
            copy_tree(c.vfs(), &src, &target, recursive, a.has('p') || a.has('a')).await
        };
        match r {
            Ok(()) => {
                if a.has('v') {
                    let shown = if dest_is_dir {
                        format!("{}/{}", dest.trim_end_matches('/'), base(s))
                    } else {
                        dest.clone()
                    };
                    c.print(&format!(
                        "{}'{s}' -> '{shown}'\n",
                        if mv { "renamed " } else { "" }
                    ))
                    .await?;
                }
            }
            Err(VfsError::InvalidArgument) if meta.is_dir() => {
                c.err(&format!(
                    "cannot {} a directory, '{s}', into itself, '{dest}'",
                    if mv { "move" } else { "copy" }
                ))
                .await?;
                st = 1;
            }
            Err(e) => {
                if mv {
                    c.err(&format!(
                        "cannot move '{s}' to '{dest}': {}",
                        e.user_message()
                    ))
                    .await?;
                } else {
                    c.err(&format!(
                        "cannot create regular file '{dest}': {}",
                        e.user_message()
                    ))
                    .await?;
                }
                st = 1;
            }
        }
    }
    Ok(st)
});
