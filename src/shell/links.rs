//! Symlink resolution for the shell. The VFS path API never follows symlinks (it behaves like
//! `lstat`), so tools that follow them (cat, cd, `test -f`, redirections) resolve paths here.

use super::Shell;
use crate::vfs::{FileKind, Metadata, VPath};

/// Which components of a path may be missing when it is canonicalized.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Every component must exist (`readlink -e`).
    None,
    /// The last one may be missing (`readlink -f`, a file about to be created).
    Last,
    /// Any may be missing (`readlink -m`).
    Any,
}

impl Shell {
    /// Resolves every symlink along `p` (at most 40); `None` when a component is missing that
    /// `missing` does not allow.
    pub(crate) async fn canonical(&self, p: &VPath, missing: Missing) -> Option<VPath> {
        let mut cur = VPath::root();
        let mut queue: std::collections::VecDeque<String> =
            p.components().map(String::from).collect();
        let mut hops = 0;
        while let Some(comp) = queue.pop_front() {
            let next = cur.join(&comp).ok()?;
            match self.vfs.stat(&next).await {
                Ok(m) if m.kind == FileKind::Symlink => {
                    hops += 1;
                    if hops > 40 {
                        return None;
                    }
                    let target = self.vfs.readlink(&next).await.ok()?;
                    let resolved = cur.resolve(&target).ok()?;
                    let mut rest: std::collections::VecDeque<String> =
                        resolved.components().map(String::from).collect();
                    rest.extend(queue.drain(..));
                    queue = rest;
                    cur = VPath::root();
                }
                Ok(_) => cur = next,
                Err(_)
                    if missing == Missing::Any
                        || (missing == Missing::Last && queue.is_empty()) =>
                {
                    cur = next
                }
                Err(_) => return None,
            }
        }
        Some(cur)
    }

    /// `stat` following symlinks anywhere in the path: the real path and its attributes.
    pub(crate) async fn stat_follow(&self, path: &VPath) -> Option<(VPath, Metadata)> {
        if let Ok(m) = self.vfs.stat(path).await
            && m.kind != FileKind::Symlink
        {
            return Some((path.clone(), m));
        }
        let real = self.canonical(path, Missing::None).await?;
        let m = self.vfs.stat(&real).await.ok()?;
        Some((real, m))
    }

    /// Where a write to `path` lands: symlinked parents (and a symlink at the end) resolved.
    pub(crate) async fn write_target(&self, path: &VPath) -> VPath {
        match self.vfs.stat(path).await {
            Ok(m) if m.kind != FileKind::Symlink => path.clone(),
            _ => self
                .canonical(path, Missing::Last)
                .await
                .unwrap_or_else(|| path.clone()),
        }
    }
}
