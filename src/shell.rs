//! The in-process shell: a bash interpreter over the [`Vfs`] path API, for hosts without FUSE.
//!
//! Scripts are parsed once ([`parse`], the only tree-sitter user) into an [`ast`], words are
//! expanded at run time ([`expand`]), and commands ([`commands`]) read and write through the
//! same mount table, modes and caches as the FUSE mount. Nothing here touches the host
//! filesystem or starts a process. A [`Shell`] is one session: cwd, variables, functions and
//! `$?` persist across [`Shell::execute`] calls.

pub mod arith;
pub mod ast;
mod brace;
pub(crate) mod builtins;
mod child;
pub mod cli;
pub mod commands;
mod exec;
mod expand;
mod extglob;
mod fds;
pub mod io;
pub mod jobs;
pub mod lex;
pub mod limits;
pub(crate) mod links;
mod param;
pub mod parse;
pub mod pattern;
mod print;
mod procsub;
pub mod raw;
mod redirect;
pub mod rwfile;
pub mod state;
mod test_expr;
mod timing;

use std::io::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use crate::vfs::{VPath, Vfs};
use io::{In, Io, Out};
use limits::Budget;
pub use limits::Limits;
use state::State;

/// Why execution stopped early. Control flow (`exit`, `return`, `break`, `continue`) travels
/// as an error up to the construct that handles it.
#[derive(Debug, Clone, PartialEq)]
pub enum ShellError {
    /// The reader of a pipe is gone; the writer stops quietly (status 141).
    BrokenPipe,
    /// A [`Limits`] bound was hit: status and message.
    Limit(i32, String),
    /// An I/O error writing a redirection.
    Io(String),
    /// `exit n` (also `set -e`).
    Exit(i32),
    /// `break n`
    Break(u32),
    /// `continue n`
    Continue(u32),
    /// `return n`
    Return(i32),
    /// A fatal shell error (unbound variable, `${v:?}` …): message, status.
    Fatal(String, i32),
    /// An expansion error (bad substitution, division by 0, no match under `failglob` …):
    /// as in bash, the rest of the script line is abandoned and the script goes on with the
    /// next line; `true` when `set -e` then ends the script (bash does so for `failglob`
    /// but not for arithmetic errors).
    Abort(String, i32, bool),
}

/// Words and arithmetic parsed once per distinct text.
#[derive(Default)]
pub(crate) struct Caches {
    words: std::cell::RefCell<std::collections::HashMap<String, Rc<Vec<lex::Part>>>>,
    arith: std::cell::RefCell<std::collections::HashMap<String, Rc<arith::Compiled>>>,
}

/// What a script produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
    /// The exit status.
    pub status: i32,
}

/// One shell session over a workspace.
#[derive(Clone)]
pub struct Shell {
    pub(crate) vfs: Arc<Vfs>,
    pub(crate) st: State,
    pub(crate) budget: Rc<Budget>,
    limits: Limits,
    /// Scripts run so far in this session (the `history` command).
    pub history: Vec<String>,
    /// True once a script ran `exit`.
    pub exited: bool,
    /// Parse caches shared by the session and its subshells.
    pub(crate) caches: Rc<Caches>,
    /// Outputs of `<(…)` by their `/dev/fd/N` path (cleared by each `execute`).
    pub(crate) fds: Rc<std::cell::RefCell<std::collections::HashMap<String, bytes::Bytes>>>,
    /// Descriptors changed by `exec` without a command, by [`Io::scope`] (see `fds.rs`).
    pub(crate) exec_fds: fds::ExecFds,
    /// `>(…)` words expanded whose scripts have not run yet (see `procsub.rs`).
    pub(crate) out_substs: procsub::OutSubsts,
    /// The unexpanded `NAME=value` arguments of the declaration builtin about to run
    /// (`local x=$1`): expanded once, as assignments, by the builtin (see `builtins/vars.rs`).
    pub(crate) decl_raw: Vec<ast::Assign>,
    /// The session's background jobs (shared with every copy of the shell).
    pub(crate) jobs: jobs::Jobs,
    /// Which copy of the shell this is, for the jobs it starts (`wait`).
    pub(crate) job_owner: u64,
    /// The running script's own standard input: a background job reads `/dev/null` instead
    /// (bash without job control), unless a pipe or redirection around it gave it another.
    pub(crate) script_stdin: Option<io::In>,
}

impl Shell {
    /// A session at `/` with default limits.
    pub fn new(vfs: Arc<Vfs>) -> Self {
        Self::with_limits(vfs, VPath::root(), Limits::default())
    }

    /// A session in `cwd` with explicit limits.
    pub fn with_limits(vfs: Arc<Vfs>, cwd: VPath, limits: Limits) -> Self {
        Shell {
            vfs,
            st: State::new(cwd),
            budget: Rc::new(Budget::new(limits.clone())),
            limits,
            history: Vec::new(),
            exited: false,
            fds: Default::default(),
            exec_fds: Default::default(),
            out_substs: Default::default(),
            decl_raw: Vec::new(),
            caches: Default::default(),
            jobs: Default::default(),
            job_owner: 0,
            script_stdin: None,
        }
    }

    /// The working directory.
    pub fn cwd(&self) -> &VPath {
        &self.st.cwd
    }

    /// The workspace.
    pub fn vfs(&self) -> &Arc<Vfs> {
        &self.vfs
    }

    /// Sets `$0` and the positional parameters.
    pub fn set_args(&mut self, arg0: &str, args: Vec<String>) {
        self.st.arg0 = arg0.to_string();
        self.st.positional = args;
    }

    /// Runs `script` with empty stdin; returns its output and exit status.
    pub async fn execute(&mut self, script: &str) -> ExecResult {
        self.execute_with_input(script, Vec::new()).await
    }

    /// Runs `script` with `stdin` as its standard input.
    pub async fn execute_with_input(&mut self, script: &str, stdin: Vec<u8>) -> ExecResult {
        self.budget = Rc::new(Budget::new(self.limits.clone()));
        self.fds.borrow_mut().clear();
        let out = Rc::new(std::cell::RefCell::new(Vec::new()));
        let err = Rc::new(std::cell::RefCell::new(Vec::new()));
        let io = Io::new(
            In::bytes(stdin),
            Out::Buffer(out.clone(), Some(self.budget.clone())),
            Out::Buffer(err.clone(), Some(self.budget.clone())),
        );
        let status = self.run_script(script, &io).await;
        drop(io);
        let stdout = std::mem::take(&mut *out.borrow_mut());
        let stderr = std::mem::take(&mut *err.borrow_mut());
        ExecResult {
            stdout,
            stderr,
            status,
        }
    }

    /// Ends the session: runs the `trap … EXIT` handler if one is set (as bash does when a
    /// script ends); returns what it printed.
    pub async fn finish(&mut self) -> ExecResult {
        match self.st.exit_trap.take() {
            Some(trap) => {
                let status = self.st.status;
                let exited = std::mem::take(&mut self.exited);
                let mut r = self.execute(&trap).await;
                // The handler's own `exit N` sets the status; otherwise the script's stays.
                if !self.exited {
                    r.status = status;
                }
                self.exited |= exited;
                r
            }
            None => ExecResult {
                status: self.st.status,
                ..ExecResult::default()
            },
        }
    }

    /// Runs `script` writing its stdout and stderr to `stdout`/`stderr` as it produces them
    /// (so long scripts show progress); returns the exit status.
    pub async fn execute_streaming(
        &mut self,
        script: &str,
        stdin: Vec<u8>,
        stdout: Box<dyn std::io::Write>,
        stderr: Box<dyn std::io::Write>,
    ) -> i32 {
        self.budget = Rc::new(Budget::new(self.limits.clone()));
        self.fds.borrow_mut().clear();
        let io = Io::new(
            In::bytes(stdin),
            Out::Host(
                Rc::new(std::cell::RefCell::new(stdout)),
                self.budget.clone(),
            ),
            Out::Host(
                Rc::new(std::cell::RefCell::new(stderr)),
                self.budget.clone(),
            ),
        );
        let status = self.run_script(script, &io).await;
        self.run_exit_trap(status, &io).await
    }

    /// Runs the `trap … EXIT` handler, if any, with `$?` = `status`; returns the exit
    /// status: the handler's own `exit N`, else `status`.
    async fn run_exit_trap(&mut self, status: i32, io: &Io) -> i32 {
        let Some(trap) = self.st.exit_trap.take() else {
            return status;
        };
        let Ok(node) = parse::parse(&trap) else {
            return status;
        };
        self.st.status = status;
        let r = self.run(&node, io).await;
        self.st.status = status;
        match r {
            Err(ShellError::Exit(n)) => {
                self.st.status = n;
                n
            }
            _ => status,
        }
    }

    /// Parses and runs `script` on `io`, reporting syntax errors and limits on its stderr;
    /// returns the exit status (`exit` included).
    pub(crate) async fn run_script(&mut self, script: &str, io: &Io) -> i32 {
        let jobs = self.jobs.clone();
        let outer = self.script_stdin.replace(io.stdin.clone());
        let status = jobs.drive(self.run_script_now(script, io)).await;
        self.script_stdin = outer;
        status
    }

    async fn run_script_now(&mut self, script: &str, io: &Io) -> i32 {
        pattern::set_extglob(self.st.opts.extglob);
        let node = match parse::parse(script) {
            Ok(n) => n,
            Err(e) => {
                let _ = io.stderr.print(&format!("mirage: {}\n", e.0)).await;
                self.st.status = 2;
                return 2;
            }
        };
        let status = match self.run_lines(&node, io).await {
            Ok(s) => s,
            Err(e) => {
                self.exited |= matches!(e, ShellError::Exit(_));
                self.report(e, io).await
            }
        };
        self.st.status = status;
        // The EXIT trap runs when the session ends (`exit`), with `$?` the exit status.
        let status = if self.exited {
            self.run_exit_trap(status, io).await
        } else {
            status
        };
        // What `exec >file` sent to files is written out; descriptors do not outlive a script.
        self.flush_exec_files(io).await;
        self.exec_fds = Default::default();
        // `>(…)` kept open by `exec` get their input now.
        if let Err(e) = self.run_out_substs(true).await {
            self.report(e, io).await;
        }
        status
    }

    /// Turns an error that reached the top into an exit status, printing its message.
    pub(crate) async fn report(&mut self, e: ShellError, io: &Io) -> i32 {
        match e {
            ShellError::Exit(n) | ShellError::Return(n) => n,
            ShellError::BrokenPipe => 141,
            ShellError::Break(_) | ShellError::Continue(_) => 0,
            ShellError::Limit(n, msg) => {
                // The budget is spent, so this line goes around it.
                if let Out::Buffer(b, _) = &io.stderr {
                    b.borrow_mut()
                        .extend_from_slice(format!("{msg}\n").as_bytes());
                } else if let Out::Host(w, _) = &io.stderr {
                    let _ = w.borrow_mut().write_all(format!("{msg}\n").as_bytes());
                } else {
                    let _ = io.stderr.print(&format!("{msg}\n")).await;
                }
                n
            }
            ShellError::Io(msg) => {
                let _ = io.stderr.print(&format!("mirage: {msg}\n")).await;
                1
            }
            ShellError::Fatal(msg, n) | ShellError::Abort(msg, n, _) => {
                let _ = io.stderr.print(&format!("mirage: {msg}\n")).await;
                // An unset variable (`set -u`, `${v:?}`) ends a `-c` script with 127, or with
                // 1 under `set -e` or from a script file, as bash does.
                if n == 127 && (self.st.opts.errexit || self.st.opts.source.unset_is_status_1()) {
                    1
                } else {
                    n
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
