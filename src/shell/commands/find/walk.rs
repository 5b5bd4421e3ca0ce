//! The walk of `find`: depth first, entries in name order, each directory listed once.
//!
//! Directories being walked sit on a stack with their sorted entries and a cursor, so a
//! file entry is evaluated where it lies in its parent's listing — its shown path is built
//! in one reused buffer and its `VPath` only when `-delete` needs it. Output is gathered
//! and written in large pieces, and before anything else that writes (`-exec`, errors).

use std::time::SystemTime;

use super::{Effects, Expr, Hit, eval};
use crate::shell::ShellError;
use crate::shell::commands::Ctx;
use crate::vfs::{DirEntry, FileKind, Metadata, VPath};

/// Output gathered before it is written.
const PENDING: usize = 1 << 15;

/// What the walk applies at each entry.
pub(super) struct Walk<'a> {
    pub(super) expr: &'a Expr,
    pub(super) maxdepth: Option<usize>,
    pub(super) mindepth: usize,
    /// `-depth` (or `-delete`): a directory is evaluated after its entries.
    pub(super) depth_first: bool,
    pub(super) now: SystemTime,
    /// The start as given (for `%P`).
    pub(super) start: &'a str,
}

/// A directory being walked.
struct Level {
    shown: String,
    path: VPath,
    meta: Metadata,
    depth: usize,
    entries: Vec<DirEntry>,
    next: usize,
}

/// The walk's state: directories being walked, output not yet written, `-exec … +`
/// arguments, and whether everything succeeded.
struct State<'b> {
    levels: Vec<Level>,
    pending: Vec<u8>,
    batches: &'b mut Vec<(usize, Vec<String>)>,
    ok: bool,
}

impl Walk<'_> {
    fn evaluate(
        &self,
        shown: &str,
        name: &str,
        meta: &Metadata,
        depth: usize,
        empty: bool,
    ) -> Effects {
        let mut fx = Effects::default();
        if depth >= self.mindepth {
            let h = Hit {
                shown,
                name,
                meta,
                depth,
                empty_dir: empty,
                start: self.start,
            };
            eval(self.expr, &h, &mut fx, self.now);
        }
        fx
    }
}

/// Walks from the start `path` (shown as `w.start`), adding `-exec … +` arguments to
/// `batches`; false if anything failed (find's exit status 1).
pub(super) async fn walk(
    c: &mut Ctx<'_>,
    w: &Walk<'_>,
    path: VPath,
    meta: Metadata,
    batches: &mut Vec<(usize, Vec<String>)>,
) -> Result<bool, ShellError> {
    let mut s = State {
        levels: Vec::new(),
        pending: Vec::new(),
        batches,
        ok: true,
    };
    enter(c, w, &mut s, w.start.to_string(), "", path, meta, 0).await?;
    let mut shown = String::new();
    while let Some(top) = s.levels.last_mut() {
        let i = top.next;
        if i == top.entries.len() {
            // Every entry visited: with -depth the directory itself comes now.
            let Some(done) = s.levels.pop() else { break };
            if w.depth_first {
                let empty = c.vfs().list(&done.path).await.is_ok_and(|v| v.is_empty());
                let fx = w.evaluate(&done.shown, done.path.name(), &done.meta, done.depth, empty);
                apply(c, &mut s, fx, true, &done.shown, || Some(done.path.clone())).await?;
            }
            continue;
        }
        top.next += 1;
        let e = &top.entries[i];
        let depth = top.depth + 1;
        if e.meta.kind == FileKind::Dir {
            let (name, meta) = (e.name.clone(), e.meta.clone());
            let Ok(path) = top.path.join(&name) else {
                continue;
            };
            let child = joined(&top.shown, &name);
            enter(c, w, &mut s, child, &name, path, meta, depth).await?;
            continue;
        }
        shown.clear();
        shown.push_str(&top.shown);
        if !shown.ends_with('/') {
            shown.push('/');
        }
        shown.push_str(&e.name);
        let fx = w.evaluate(&shown, &e.name, &e.meta, depth, false);
        if fx.exec.is_empty() && fx.batch.is_empty() && !fx.delete {
            s.pending.extend_from_slice(&fx.out);
            if s.pending.len() > PENDING {
                c.out(&std::mem::take(&mut s.pending)).await?;
            }
            continue;
        }
        let path = top.path.join(&e.name).ok();
        apply(c, &mut s, fx, false, &shown, || path).await?;
    }
    if !s.pending.is_empty() {
        c.out(&s.pending).await?;
    }
    Ok(s.ok)
}

/// `shown` + `/` + `name` (one slash).
fn joined(shown: &str, name: &str) -> String {
    if shown.ends_with('/') {
        format!("{shown}{name}")
    } else {
        format!("{shown}/{name}")
    }
}

/// Visits the start or a directory: lists a directory, evaluates the entry (now, or after
/// its entries with -depth) and queues the directory's entries unless pruned or too deep.
#[allow(clippy::too_many_arguments)]
async fn enter(
    c: &mut Ctx<'_>,
    w: &Walk<'_>,
    s: &mut State<'_>,
    shown: String,
    name: &str,
    path: VPath,
    meta: Metadata,
    depth: usize,
) -> Result<(), ShellError> {
    let is_dir = meta.kind == FileKind::Dir;
    let mut entries = Vec::new();
    let mut empty = false;
    if is_dir {
        match c.vfs().list(&path).await {
            Ok(mut es) => {
                es.sort_by(|a, b| a.name.cmp(&b.name));
                empty = es.is_empty();
                entries = es;
            }
            Err(e) => {
                flush(c, s).await?;
                c.err(&format!("'{shown}': {}", e.user_message())).await?;
                s.ok = false;
            }
        }
    }
    let descend = is_dir && w.maxdepth.is_none_or(|m| depth < m);
    let mut prune = false;
    if !w.depth_first || !descend {
        let fx = w.evaluate(&shown, name, &meta, depth, empty);
        prune = fx.prune;
        let p = path.clone();
        apply(c, s, fx, is_dir, &shown, || Some(p)).await?;
    }
    if descend && !prune {
        s.levels.push(Level {
            shown,
            path,
            meta,
            depth,
            entries,
            next: 0,
        });
    }
    Ok(())
}

/// Writes the gathered output.
async fn flush(c: &Ctx<'_>, s: &mut State<'_>) -> Result<(), ShellError> {
    if !s.pending.is_empty() {
        c.out(&std::mem::take(&mut s.pending)).await?;
    }
    Ok(())
}

/// Carries out what evaluating one entry asked for: output, `-exec`, `-exec … +`
/// arguments, `-delete` (of the path `path` gives).
async fn apply(
    c: &mut Ctx<'_>,
    s: &mut State<'_>,
    fx: Effects,
    is_dir: bool,
    shown: &str,
    path: impl FnOnce() -> Option<VPath>,
) -> Result<(), ShellError> {
    s.pending.extend_from_slice(&fx.out);
    if !fx.exec.is_empty() || fx.delete || s.pending.len() > PENDING {
        flush(c, s).await?;
    }
    for cmd in fx.exec {
        if c.sh.dispatch(cmd, &c.io).await? != 0 {
            s.ok = false;
        }
    }
    s.batches
        .extend(fx.batch.into_iter().map(|(id, arg)| (id, vec![arg])));
    if fx.delete
        && let Some(path) = path()
    {
        let r = if is_dir {
            c.vfs().remove_dir(&path).await
        } else {
            c.vfs().remove_file(&path).await
        };
        if let Err(e) = r {
            c.err(&format!("cannot delete '{shown}': {}", e.user_message()))
                .await?;
            s.ok = false;
        }
    }
    Ok(())
}
