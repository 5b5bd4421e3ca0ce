//! Shared file-tree helpers: recursive copy and removal through the VFS (used by cp, mv, rm).

use crate::vfs::{FileKind, VPath, Vfs, VfsError};

/// Removes `p` and everything under it.
pub async fn remove_tree(vfs: &Vfs, p: &VPath) -> Result<(), VfsError> {
    let m = vfs.stat(p).await?;
    if m.kind != FileKind::Dir {
        return vfs.remove_file(p).await;
    }
    let mut stack = vec![(p.clone(), false)];
    while let Some((dir, visited)) = stack.pop() {
        if visited {
            vfs.remove_dir(&dir).await?;
            continue;
        }
        stack.push((dir.clone(), true));
        for e in vfs.list(&dir).await? {
            let child = dir.join(&e.name)?;
            if e.meta.kind == FileKind::Dir {
                stack.push((child, false));
            } else {
                vfs.remove_file(&child).await?;
            }
        }
    }
    Ok(())
}

/// Copies `from` to `to` (a directory recursively when `recursive`); symlinks are copied as
/// links when `links` is set, else followed.
pub async fn copy_tree(
    vfs: &Vfs,
    from: &VPath,
    to: &VPath,
    recursive: bool,
    preserve: bool,
) -> Result<(), VfsError> {
    let m = vfs.stat(from).await?;
    match m.kind {
        FileKind::Symlink => {
            let target = vfs.readlink(from).await?;
            let _ = vfs.remove_file(to).await;
            vfs.symlink(to, &target).await
        }
        FileKind::File => {
            let data = vfs.read_all(from).await?;
            vfs.write_all(to, &data, false).await?;
            if preserve {
                let _ = vfs.set_times(to, m.mtime).await;
                let _ = vfs.set_perm(to, m.perm).await;
            }
            Ok(())
        }
        FileKind::Special => {
            // `cp` of a FIFO or device copies the node, as `cp -R` does.
            let special = m.posix.special.ok_or(VfsError::InvalidArgument)?;
            vfs.mknod(to, special, m.perm).await
        }
        FileKind::Dir => {
            if !recursive {
                return Err(VfsError::IsADirectory);
            }
            if to.starts_with(from) && to != from {
                return Err(VfsError::InvalidArgument);
            }
            if to == from {
                return Ok(());
            }
            match vfs.mkdir(to).await {
                Ok(()) | Err(VfsError::AlreadyExists) => {}
                Err(e) => return Err(e),
            }
            for e in vfs.list(from).await? {
                Box::pin(copy_tree(
                    vfs,
                    &from.join(&e.name)?,
                    &to.join(&e.name)?,
                    true,
                    preserve,
                ))
                .await?;
            }
            if preserve {
                let _ = vfs.set_times(to, m.mtime).await;
            }
            Ok(())
        }
    }
}
