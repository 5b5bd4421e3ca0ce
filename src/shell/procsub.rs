//! `>(script)`: a process substitution written to.
//!
//! The word becomes a `/dev/fd/N` path; what commands write to it (`tee >(wc -l)`,
//! `cmd > >(sort)`, `exec > >(tee log)`) is gathered, and `script` runs with it as its
//! standard input — on the standard output and error the command had where the word was
//! expanded — once nothing can write to it any more: after the command that expanded it, or,
//! when an `exec` redirection keeps it open, when the script ends. (bash runs it alongside
//! the writer; the output is the same, and it never comes before what the writer printed.)

use std::cell::RefCell;
use std::rc::Rc;

use super::io::{In, Io, Out};
use super::{Shell, ShellError};

/// One `>(…)` waiting for its input.
pub(crate) struct OutSubst {
    path: String,
    script: String,
    data: Rc<RefCell<Vec<u8>>>,
    stdout: Out,
    stderr: Out,
}

/// The `>(…)` words expanded and not run yet.
pub(crate) type OutSubsts = Rc<RefCell<Vec<OutSubst>>>;

impl Shell {
    /// `>(script)`: a `/dev/fd/N` path whose writes become `script`'s input.
    pub(crate) fn out_subst(&mut self, script: &str, io: &Io) -> String {
        let n = self.free_fd_path();
        let path = format!("/dev/fd/{n}");
        self.out_substs.borrow_mut().push(OutSubst {
            path: path.clone(),
            script: script.to_string(),
            data: Rc::new(RefCell::new(Vec::new())),
            stdout: io.stdout.clone(),
            stderr: io.stderr.clone(),
        });
        path
    }

    /// The output a write to `path` goes to when it names a `>(…)`.
    pub(crate) fn out_subst_sink(&self, path: &str) -> Option<Out> {
        let substs = self.out_substs.borrow();
        let s = substs.iter().find(|s| s.path == path)?;
        Some(Out::Buffer(s.data.clone(), None))
    }

    /// Runs the `>(…)` scripts nothing writes to any more (all of them with `all`).
    pub(crate) async fn run_out_substs(&mut self, all: bool) -> Result<(), ShellError> {
        loop {
            let next = {
                let mut substs = self.out_substs.borrow_mut();
                // Only the list holds the buffer: every writer is gone.
                match substs
                    .iter()
                    .position(|s| all || Rc::strong_count(&s.data) == 1)
                {
                    Some(i) => substs.remove(i),
                    None => return Ok(()),
                }
            };
            let input = std::mem::take(&mut *next.data.borrow_mut());
            let io = Io::new(In::bytes(input), next.stdout, next.stderr);
            let mut sub = self.subshell_copy();
            match super::parse::parse(&next.script) {
                Ok(node) => {
                    sub.subshell(&node, &io).await?;
                }
                Err(e) => io.stderr.print(&format!("mirage: {}\n", e.0)).await?,
            }
        }
    }
}
