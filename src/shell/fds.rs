//! Descriptors beyond a command's own redirections: what `exec` without a command changes
//! (`exec >log`, `exec 3<file`, `exec 3>&-`) for the rest of the enclosing scope, as bash does.
//!
//! Every [`Io`] carries a scope: a redirected command, a pipeline stage or a substitution
//! runs in a scope of its own. `exec` records its descriptors under the scope it runs in, and
//! [`Shell::resolve_io`] applies them whenever a node runs on an `Io` of that scope. When a
//! redirected command ends, the descriptors its redirections named are restored (dropped) and
//! the others `exec` changed inside it carry over to the enclosing scope.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::Shell;
use super::io::{Fd, FileSink, Io};

/// Descriptors set by `exec`, by scope (`None`: closed), and the files it opened.
#[derive(Clone, Default)]
pub(crate) struct ExecFds {
    by_scope: HashMap<u64, BTreeMap<u32, Option<Fd>>>,
    files: Vec<Rc<FileSink>>,
}

impl Shell {
    /// `io` with what `exec` changed in its scope, or `None` when nothing was.
    pub(crate) fn resolve_io(&self, io: &Io) -> Option<Io> {
        if self.exec_fds.by_scope.is_empty() {
            return None;
        }
        let fds = self.exec_fds.by_scope.get(&io.scope)?;
        let mut io = io.clone();
        for (n, fd) in fds {
            io.set(*n, fd.clone());
        }
        Some(io)
    }

    /// `exec` with redirections only: descriptors `touched` of `opened` (made from an `Io`
    /// of `scope`) stay for the rest of that scope; its files are written as commands go.
    pub(crate) fn exec_redirect(
        &mut self,
        scope: u64,
        opened: &Io,
        touched: &[u32],
        files: Vec<Rc<FileSink>>,
    ) {
        let fds = self.exec_fds.by_scope.entry(scope).or_default();
        for &n in touched {
            fds.insert(n, opened.get(n));
        }
        self.exec_fds.files.extend(files);
    }

    /// A redirected command of scope `inner` ended inside `outer`: the descriptors its
    /// redirections named (`touched`) are restored, other `exec` changes move out.
    pub(crate) fn end_scope(&mut self, inner: u64, outer: u64, touched: &[u32]) {
        let Some(mut fds) = self.exec_fds.by_scope.remove(&inner) else {
            return;
        };
        fds.retain(|n, _| !touched.contains(n));
        if !fds.is_empty() {
            self.exec_fds.by_scope.entry(outer).or_default().extend(fds);
        }
    }

    /// Writes out what commands sent to files opened by `exec`, so the next command sees
    /// it; a failure is reported on `io`'s stderr.
    pub(crate) async fn flush_exec_files(&mut self, io: &Io) {
        if self.exec_fds.files.is_empty() {
            return;
        }
        for f in self.exec_fds.files.clone() {
            if let Err(e) = f.flush().await {
                let _ = io
                    .stderr
                    .print(&format!("mirage: write error: {}\n", e.user_message()))
                    .await;
            }
        }
    }
}
