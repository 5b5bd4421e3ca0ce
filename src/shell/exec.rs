//! Running the syntax tree: lists, pipelines (stages run concurrently over bounded pipes, each
//! in a copy of the session as bash runs them in subshells), compound commands, functions and
//! simple commands, with `set -e` and the limits applied here.

use futures::future::{LocalBoxFuture, join_all};

use super::ast::*;
use super::io::{Io, pipe};
use super::state::Value;
use super::{Shell, ShellError, builtins, commands};

type Res = Result<i32, ShellError>;

/// Polls the inner future on a stack grown on demand: deep recursion (functions calling
/// functions, nested substitutions) must end at the recursion limit, not in a stack overflow.
struct GrowStack<'a>(LocalBoxFuture<'a, Res>);

/// Stack the interpreter uses on a thread's own stack (threads have at least 2 MiB), and on
/// each segment it grows, before it moves to a new segment.
const OWN_STACK: usize = 1 << 20;
const SEGMENT: usize = 4 << 20;
const RED_ZONE: usize = 256 << 10;

thread_local! {
    /// The current stack segment: (address near its top, bytes usable below it). Tracked
    /// here rather than asked of `stacker`, whose first question reads /proc/self/maps on
    /// the main thread (a tenth of `mirage exec`'s start-up).
    static STACK: std::cell::Cell<Option<(usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// An address in the current stack frame.
#[inline(always)]
fn stack_here() -> usize {
    let probe = 0u8;
    std::hint::black_box(&probe) as *const u8 as usize
}

impl std::future::Future for GrowStack<'_> {
    type Output = Res;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Res> {
        let sp = stack_here();
        let (top, room) = STACK.with(|s| {
            s.get().unwrap_or_else(|| {
                s.set(Some((sp, OWN_STACK)));
                (sp, OWN_STACK)
            })
        });
        if top.saturating_sub(sp) + RED_ZONE < room {
            return self.0.as_mut().poll(cx);
        }
        stacker::grow(SEGMENT, || {
            let prev = STACK.with(|s| s.replace(Some((stack_here(), SEGMENT - RED_ZONE))));
            let r = self.0.as_mut().poll(cx);
            STACK.with(|s| s.set(prev));
            r
        })
    }
}

impl Shell {
    /// Runs one node on `io`; returns its status or the control flow that ends it.
    pub(crate) fn run<'a>(&'a mut self, node: &'a Node, io: &'a Io) -> LocalBoxFuture<'a, Res> {
        Box::pin(GrowStack(Box::pin(async move {
            // Descriptors `exec` changed earlier in this scope.
            let resolved = self.resolve_io(io);
            let io = resolved.as_ref().unwrap_or(io);
            let status = match node {
                Node::Empty => 0,
                Node::Simple(s) => {
                    let st = self.simple(s, io).await?;
                    if !self.out_substs.borrow().is_empty() {
                        self.run_out_substs(false).await?;
                    }
                    st
                }
                Node::Seq(v) => {
                    let mut st = self.st.status;
                    for n in v {
                        st = self.run(n, io).await?;
                        self.st.status = st;
                    }
                    st
                }
                Node::And(a, b) => {
                    let st = self.condition(a, io).await?;
                    if st == 0 { self.run(b, io).await? } else { st }
                }
                Node::Or(a, b) => {
                    let st = self.condition(a, io).await?;
                    if st != 0 { self.run(b, io).await? } else { st }
                }
                Node::Not(n) => (self.condition(n, io).await? == 0) as i32,
                Node::Pipeline(stages, bang) => {
                    let st = self.pipeline(stages, io).await?;
                    if *bang {
                        (st == 0) as i32
                    } else {
                        self.failed(st, io).await?
                    }
                }
                Node::Background(n) => {
                    let mut sub = self.subshell_copy();
                    let node = (**n).clone();
                    let text = super::print::command_text(&node);
                    let mut job_io = io.derived();
                    if self
                        .script_stdin
                        .as_ref()
                        .is_some_and(|s| s.same(&io.stdin))
                    {
                        job_io.stdin = super::io::In::null();
                    }
                    let job = Box::pin(async move {
                        match sub.subshell(&node, &job_io).await {
                            Ok(st) => st,
                            Err(e) => sub.report(e, &job_io).await,
                        }
                    });
                    self.st.last_bg = self.jobs.start(self.job_owner, text, job);
                    0
                }
                Node::Subshell(n) => {
                    let mut sub = self.subshell_copy();
                    let st = sub.subshell(n, io).await?;
                    self.failed(st, io).await?
                }
                Node::Group(n) => self.run(n, io).await?,
                Node::Redirected(n, redirs) => {
                    let o = match self.open_redirs(redirs, io).await {
                        Ok(x) => x,
                        Err(msg) => {
                            io.stderr.print(&format!("mirage: {msg}\n")).await?;
                            return self.check_errexit(1);
                        }
                    };
                    let r = self.run(n, &o.io).await;
                    self.end_scope(o.io.scope, io.scope, &o.touched);
                    let closed = self.close_redirs(o.files, io).await;
                    let st = r?;
                    if closed != 0 { closed } else { st }
                }
                Node::If(arms, els) => {
                    let mut ran = None;
                    for (cond, body) in arms {
                        if self.condition(cond, io).await? == 0 {
                            ran = Some(self.run(body, io).await?);
                            break;
                        }
                    }
                    match (ran, els) {
                        (Some(st), _) => st,
                        (None, Some(e)) => self.run(e, io).await?,
                        (None, None) => 0,
                    }
                }
                Node::While(cond, body, until) => self.while_loop(cond, body, *until, io).await?,
                Node::For(var, words, body) => {
                    self.for_loop(var, words.as_deref(), body, io).await?
                }
                Node::Select(var, words, body) => {
                    self.select_loop(var, words.as_deref(), body, io).await?
                }
                Node::CFor(init, cond, update, body) => {
                    self.c_for(init, cond, update, body, io).await?
                }
                Node::Case(word, items) => self.case(word, items, io).await?,
                Node::Function(name, body) => {
                    self.st.funcs.insert(name.clone(), body.clone());
                    0
                }
                Node::Test(e, line) => {
                    self.st.lineno = line + self.st.line_offset;
                    // `[[ x == @(a|b) ]]` takes extended patterns without `shopt -s extglob`.
                    let prev = super::pattern::set_extglob(true);
                    let st = self.test_expr(e, io).await;
                    super::pattern::set_extglob(prev);
                    let st = st?;
                    self.failed(st, io).await?
                }
                Node::Timed(n, posix) => {
                    let start = super::timing::Clock::now();
                    let st = self.run(n, io).await;
                    io.stderr.print(&start.report(*posix)).await?;
                    st?
                }
                Node::Arith(src, line) => {
                    self.st.lineno = line + self.st.line_offset;
                    let st = match self.arith(src, io).await {
                        Ok(v) => (v == 0) as i32,
                        Err(msg) if msg.ends_with(super::arith::UNBOUND) => {
                            return Err(super::arith::expansion_error(msg));
                        }
                        Err(msg) => {
                            io.stderr.print(&format!("mirage: {msg}\n")).await?;
                            1
                        }
                    };
                    self.failed(st, io).await?
                }
            };
            // A subshell, `[[ ]]` or `(( ))` is a pipeline of one for `${PIPESTATUS[@]}`
            // (other compound commands leave the last pipeline they ran).
            if matches!(node, Node::Subshell(_) | Node::Test(..) | Node::Arith(..)) {
                self.st.pipestatus.clear();
                self.st.pipestatus.push(status);
            }
            self.st.status = status;
            Ok(status)
        })))
    }

    /// Runs `n` where a failure is a test, not an error (`set -e` does not apply).
    pub(crate) async fn condition(&mut self, n: &Node, io: &Io) -> Res {
        self.st.in_condition += 1;
        let r = self.run(n, io).await;
        self.st.in_condition -= 1;
        r
    }

    /// A copy of the session for a subshell, pipeline stage or substitution: as in bash
    /// without `set -E`, the `trap … ERR` handler is not inherited, nor is `trap … EXIT`
    /// (a subshell runs only the one it sets itself, when it ends).
    pub(crate) fn subshell_copy(&self) -> Shell {
        static OWNERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut sub = self.clone();
        sub.job_owner = OWNERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sub.st.err_trap = None;
        sub.st.exit_trap = None;
        sub
    }

    /// A command failed: outside a condition and outside functions (bash without `set -E`),
    /// the `trap … ERR` handler runs with `$?` set (its own failures do not trigger it again);
    /// then `set -e` applies.
    pub(crate) async fn failed(&mut self, st: i32, io: &Io) -> Res {
        if st != 0
            && self.st.in_condition == 0
            && self.st.frames.is_empty()
            && let Some(trap) = self.st.err_trap.clone()
            && let Ok(node) = super::parse::parse(&trap)
        {
            self.st.status = st;
            self.st.in_condition += 1;
            // `$LINENO` in the handler is the failed command's line, as in bash.
            let (lineno, offset) = (self.st.lineno, self.st.line_offset);
            self.st.line_offset = lineno.saturating_sub(1);
            let r = self.run(&node, io).await;
            self.st.line_offset = offset;
            self.st.lineno = lineno;
            self.st.in_condition -= 1;
            r?;
            self.st.status = st;
        }
        self.check_errexit(st)
    }

    /// `set -e`: a failing command outside a condition ends the script.
    pub(crate) fn check_errexit(&self, st: i32) -> Res {
        if st != 0 && self.st.opts.errexit && self.st.in_condition == 0 {
            return Err(ShellError::Exit(st));
        }
        Ok(st)
    }

    /// Runs a parsed script line by line (the parser makes each top-level item one source
    /// line's commands): an expansion error abandons its line only, as in bash.
    pub(crate) async fn run_lines(&mut self, node: &Node, io: &Io) -> Res {
        let lines = match node {
            Node::Seq(v) => v.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut st = self.st.status;
        for line in lines {
            st = match self.run(line, io).await {
                Err(ShellError::Abort(msg, s, errexit)) => {
                    io.stderr.print(&format!("mirage: {msg}\n")).await?;
                    if errexit {
                        // The abandoned line failed: the ERR trap and `set -e` apply.
                        self.failed(s, io).await?
                    } else {
                        s
                    }
                }
                other => other?,
            };
            self.st.status = st;
        }
        Ok(st)
    }

    /// Runs `n` as a subshell of `self` (already a copy): exit and returns end it.
    pub(crate) async fn subshell(&mut self, n: &Node, io: &Io) -> Res {
        self.st.depth += 1;
        self.budget.depth(self.st.depth)?;
        let r = self.run(n, io).await;
        let r = match self.st.exit_trap.take() {
            Some(trap) => {
                let status = match &r {
                    Ok(st) | Err(ShellError::Exit(st)) => *st,
                    _ => 1,
                };
                self.st.status = status;
                match super::parse::parse(&trap) {
                    Ok(node) => match self.run(&node, io).await {
                        Err(ShellError::Exit(st)) => Ok(st),
                        _ => r,
                    },
                    Err(_) => r,
                }
            }
            None => r,
        };
        match r {
            Ok(st) => Ok(st),
            Err(ShellError::Exit(st)) | Err(ShellError::Return(st)) => Ok(st),
            Err(ShellError::Break(_)) | Err(ShellError::Continue(_)) => Ok(0),
            Err(ShellError::BrokenPipe) => Ok(141),
            Err(ShellError::Fatal(msg, st)) | Err(ShellError::Abort(msg, st, _)) => {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
                // An unset variable under `set -u` or `${v:?}` ends a script with 127 but a
                // subshell with 1, as bash does.
                Ok(if st == 127 { 1 } else { st })
            }
            Err(e) => Err(e),
        }
    }

    async fn pipeline(&mut self, stages: &[Node], io: &Io) -> Res {
        if stages.len() == 1 {
            return self.run(&stages[0], io).await;
        }
        let mut futs: Vec<LocalBoxFuture<'_, Res>> = Vec::new();
        let mut next_in = io.stdin.clone();
        // `shopt -s lastpipe`: the last command runs in this shell (`… | read v` sets `v`).
        let lastpipe = self.st.opts.lastpipe;
        let mut last_io = None;
        for (i, stage) in stages.iter().enumerate() {
            let (stdout, reader) = if i + 1 == stages.len() {
                (io.stdout.clone(), None)
            } else {
                let (w, r) = pipe();
                (w, Some(r))
            };
            let mut stage_io = io.derived();
            stage_io.stdin = next_in.clone();
            stage_io.stdout = stdout;
            if let Some(r) = reader {
                next_in = r;
            }
            if lastpipe && i + 1 == stages.len() {
                last_io = Some(stage_io);
                break;
            }
            let mut sub = self.subshell_copy();
            futs.push(Box::pin(async move {
                let r = sub.subshell(stage, &stage_io).await;
                drop(stage_io);
                r
            }));
        }
        drop(next_in);
        if let (Some(stage_io), Some(last)) = (last_io, stages.last()) {
            let me = &mut *self;
            futs.push(Box::pin(async move {
                let r = me.run(last, &stage_io).await;
                drop(stage_io);
                r
            }));
        }
        let results = join_all(futs).await;
        let mut statuses = Vec::with_capacity(results.len());
        for r in results {
            statuses.push(r?);
        }
        self.st.pipestatus.clone_from(&statuses);
        let last = *statuses.last().unwrap_or(&0);
        if self.st.opts.pipefail {
            return Ok(statuses
                .iter()
                .rev()
                .find(|&&s| s != 0)
                .copied()
                .unwrap_or(0));
        }
        Ok(last)
    }

    /// Runs a loop body: `Ok(None)` to go on, `Ok(Some(st))` to leave the loop.
    async fn body(&mut self, body: &Node, io: &Io, st: &mut i32) -> Result<bool, ShellError> {
        self.budget.iteration()?;
        self.st.loops += 1;
        let r = self.run(body, io).await;
        self.st.loops -= 1;
        match r {
            Ok(s) => {
                *st = s;
                Ok(true)
            }
            Err(ShellError::Break(n)) => {
                if n > 1 {
                    return Err(ShellError::Break(n - 1));
                }
                Ok(false)
            }
            Err(ShellError::Continue(n)) => {
                if n > 1 {
                    return Err(ShellError::Continue(n - 1));
                }
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    async fn while_loop(&mut self, cond: &Node, body: &Node, until: bool, io: &Io) -> Res {
        let mut st = 0;
        loop {
            let c = self.condition(cond, io).await?;
            if (c == 0) == until {
                break;
            }
            if !self.body(body, io, &mut st).await? {
                break;
            }
        }
        Ok(st)
    }

    async fn for_loop(&mut self, var: &str, words: Option<&[Word]>, body: &Node, io: &Io) -> Res {
        let items = match words {
            Some(w) => self.expand_words(w, io).await?,
            None => self.st.positional.clone(),
        };
        let mut st = 0;
        for item in items {
            if let Err(msg) = self.st.set_str(var, item) {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
                return Ok(1);
            }
            if !self.body(body, io, &mut st).await? {
                break;
            }
        }
        Ok(st)
    }

    /// `select`: the menu and `$PS3` on stderr, then one line of stdin per round — empty
    /// shows the menu again, a number in range sets `var` to that word (else to empty);
    /// `$REPLY` holds the line. Ends at `break` or at end of input (status 1).
    async fn select_loop(
        &mut self,
        var: &str,
        words: Option<&[Word]>,
        body: &Node,
        io: &Io,
    ) -> Res {
        let items = match words {
            Some(w) => self.expand_words(w, io).await?,
            None => self.st.positional.clone(),
        };
        if items.is_empty() {
            return Ok(0);
        }
        let columns = self
            .st
            .get_str("COLUMNS")
            .and_then(|c| c.parse().ok())
            .unwrap_or(80);
        let menu = super::print::select_menu(&items, columns);
        let mut st = 0;
        let mut show = true;
        loop {
            if show {
                io.stderr.print(&menu).await?;
            }
            let ps3 = self.st.get_str("PS3").unwrap_or_else(|| "#? ".into());
            io.stderr.print(&ps3).await?;
            let Some(line) = io.stdin.read_line().await else {
                io.stdout.print("\n").await?; // bash ends the prompt's line on stdout
                return Ok(1);
            };
            let line = String::from_utf8_lossy(&line);
            let reply = line.strip_suffix('\n').unwrap_or(&line).to_string();
            let _ = self.st.set_str("REPLY", reply.clone());
            show = reply.is_empty();
            if show {
                continue;
            }
            let choice = reply
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| items.get(i))
                .cloned()
                .unwrap_or_default();
            if let Err(msg) = self.st.set_str(var, choice) {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
                return Ok(1);
            }
            if !self.body(body, io, &mut st).await? {
                return Ok(st);
            }
        }
    }

    async fn c_for(&mut self, init: &str, cond: &str, update: &str, body: &Node, io: &Io) -> Res {
        let fail = |msg: String| async move {
            let _ = io.stderr.print(&format!("mirage: {msg}\n")).await;
            Ok(1)
        };
        if !init.is_empty()
            && let Err(m) = self.arith(init, io).await
        {
            return fail(m).await;
        }
        let mut st = 0;
        loop {
            if !cond.is_empty() {
                match self.arith(cond, io).await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(m) => return fail(m).await,
                }
            }
            if !self.body(body, io, &mut st).await? {
                break;
            }
            if !update.is_empty()
                && let Err(m) = self.arith(update, io).await
            {
                return fail(m).await;
            }
        }
        Ok(st)
    }

    async fn case(&mut self, word: &str, items: &[CaseItem], io: &Io) -> Res {
        let value = self.expand_one(word, io).await?;
        let mut st = 0;
        let mut falling = false;
        for item in items {
            let mut hit = falling;
            if !hit {
                for p in &item.patterns {
                    let pat = self.expand_pattern(p, io).await?;
                    let hit_now = if self.st.opts.nocasematch {
                        super::pattern::matches_ci(&pat, &value)
                    } else {
                        super::pattern::matches(&pat, &value)
                    };
                    if hit_now {
                        hit = true;
                        break;
                    }
                }
            }
            if !hit {
                continue;
            }
            st = self.run(&item.body, io).await?;
            match item.term {
                CaseTerm::Break => return Ok(st),
                CaseTerm::FallThrough => falling = true,
                CaseTerm::Continue => falling = false,
            }
        }
        Ok(st)
    }

    /// A simple command: expansion, assignments, redirections, then a function, builtin or
    /// command.
    async fn simple(&mut self, s: &Simple, io: &Io) -> Res {
        self.budget.command()?;
        if self.st.opts.noexec {
            return Ok(0);
        }
        if s.line > 0 {
            self.st.lineno = s.line + self.st.line_offset;
        }
        self.st.status_from_subst = None;
        let argv = self.expand_command_words(&s.words, io).await?;
        // `$_` is the last argument of the command before (empty after an assignment).
        match argv.last() {
            Some(a) => self.st.last_arg.clone_from(a),
            None => self.st.last_arg.clear(),
        }
        if argv.is_empty() {
            for a in &s.assigns {
                if let Err(msg) = self.assign(a, io, false).await? {
                    // Assigning to a readonly variable abandons the line (status 1).
                    return Err(ShellError::Abort(msg, 1, true));
                }
                if self.st.opts.xtrace && a.index.is_none() {
                    let v = self.st.get_str(&a.name).unwrap_or_default();
                    let op = if a.append { "+=" } else { "=" };
                    let shown = format!("+ {}{op}{}\n", a.name, commands::quote_if_needed(&v));
                    io.stderr.print(&shown).await?;
                }
            }
            let st = self.st.status_from_subst.take().unwrap_or(0);
            if !s.redirs.is_empty() {
                return match self.open_redirs(&s.redirs, io).await {
                    // `x=$(cmd) 2>/dev/null`: the status is `cmd`'s unless a file failed.
                    Ok(o) => match self.close_redirs(o.files, io).await {
                        0 => self.failed(st, io).await,
                        c => Ok(c),
                    },
                    Err(msg) => {
                        io.stderr.print(&format!("mirage: {msg}\n")).await?;
                        self.failed(1, io).await
                    }
                };
            }
            return self.failed(st, io).await;
        }
        if self.st.opts.xtrace {
            let words: Vec<_> = argv.iter().map(|w| commands::quote_if_needed(w)).collect();
            io.stderr.print(&format!("+ {}\n", words.join(" "))).await?;
        }
        let (io2, files, touched) = if s.redirs.is_empty() {
            (io.clone(), Vec::new(), Vec::new())
        } else {
            match self.open_redirs(&s.redirs, io).await {
                Ok(o) => (o.io, o.files, o.touched),
                Err(msg) => {
                    io.stderr.print(&format!("mirage: {msg}\n")).await?;
                    return self.failed(1, io).await;
                }
            }
        };
        if argv.len() == 1 && argv[0] == "exec" {
            // `exec` with redirections only: they stay for the rest of the scope.
            self.exec_redirect(io.scope, &io2, &touched, files);
            self.flush_exec_files(io).await;
            return Ok(0);
        }
        // Prefix assignments hold for this command only.
        let mut saved = Vec::new();
        for a in &s.assigns {
            saved.push((a.name.clone(), self.st.vars.get(&a.name).cloned()));
            if let Err(msg) = self.assign(a, io, true).await? {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
            }
        }
        let r = self.dispatch(argv, &io2).await;
        for (name, old) in saved.into_iter().rev() {
            match old {
                Some(v) => {
                    self.st.vars.insert(name, v);
                }
                None => {
                    self.st.vars.remove(&name);
                }
            }
        }
        if !touched.is_empty() {
            self.end_scope(io2.scope, io.scope, &touched);
        }
        let closed = self.close_redirs(files, io).await;
        self.flush_exec_files(io).await;
        let st = match r {
            Err(ShellError::BrokenPipe) => 141,
            other => other?,
        };
        let st = if closed != 0 { closed } else { st };
        self.st.pipestatus.clear();
        self.st.pipestatus.push(st);
        self.failed(st, io).await
    }

    /// The words of a simple command. For a declaration builtin written literally
    /// (`local`, `declare`, `typeset`, `export`, `readonly`), `NAME=value` arguments are
    /// not split or globbed: they are kept whole for the builtin to assign, as bash does.
    async fn expand_command_words(
        &mut self,
        words: &[String],
        io: &Io,
    ) -> Result<Vec<String>, ShellError> {
        let decl = words.first().is_some_and(|w| {
            builtins::vars::DECLARATIONS.contains(&w.as_str()) && !self.st.funcs.contains_key(w)
        });
        if !decl {
            return self.expand_words(words, io).await;
        }
        let mut raw = Vec::new();
        let mut argv = Vec::new();
        for w in words {
            match super::lex::parse_assignment(w) {
                Some(a) if !argv.is_empty() => {
                    argv.push(builtins::vars::decl_marker(raw.len()));
                    raw.push(a);
                }
                _ => argv.extend(self.expand_words(std::slice::from_ref(w), io).await?),
            }
        }
        self.decl_raw = raw;
        Ok(argv)
    }

    /// Runs argv[0]: function, builtin, command, or "command not found" (127).
    pub(crate) async fn dispatch(&mut self, argv: Vec<String>, io: &Io) -> Res {
        let name = argv[0].as_str();
        if let Some(body) = self.st.funcs.get(name).cloned() {
            return self.call_function(&body, argv, io).await;
        }
        if let Some(b) = builtins::lookup(name) {
            return b(self, argv, io).await;
        }
        if let Some(c) = commands::lookup(name) {
            if argv.get(1).is_some_and(|a| a == "--help")
                && let Some(u) = commands::usage(name)
            {
                let (synopsis, what) = u.split_once(" -- ").unwrap_or((u, ""));
                io.stdout
                    .print(&format!("Usage: {synopsis}\n{what}\n"))
                    .await?;
                return Ok(0);
            }
            let name = name.to_string();
            let ctx = commands::Ctx::new(self, argv, io.clone());
            // A bug in one command must not take the session (or the MCP server) down.
            use futures::FutureExt;
            return match std::panic::AssertUnwindSafe(c(ctx)).catch_unwind().await {
                Ok(r) => r,
                Err(_) => {
                    io.stderr
                        .print(&format!("mirage: {name}: internal error (please report it); the command was stopped\n"))
                        .await?;
                    Ok(70)
                }
            };
        }
        if matches!(name, "bash" | "sh" | "dash") {
            return self.shell_command(argv, io).await;
        }
        if name.contains('/') {
            return self.path_command(argv, io).await;
        }
        io.stderr
            .print(&format!("mirage: {name}: command not found\n"))
            .await?;
        Ok(127)
    }

    /// Calls a shell function with `argv[1..]` as its positional parameters.
    pub(crate) async fn call_function(&mut self, body: &Node, argv: Vec<String>, io: &Io) -> Res {
        self.st.depth += 1;
        if let Err(e) = self.budget.depth(self.st.depth) {
            self.st.depth -= 1;
            return Err(e);
        }
        let saved = std::mem::replace(&mut self.st.positional, argv[1..].to_vec());
        let saved_loops = std::mem::replace(&mut self.st.loops, 0);
        // Back in the caller, `$LINENO` is the call's line again (for `trap … ERR`).
        let lineno = self.st.lineno;
        self.st.frames.push(Vec::new());
        self.st.call_lines.push(lineno as u32);
        let caller = self.st.vars.remove("FUNCNAME");
        self.set_funcname(&argv[0], caller.as_ref());
        let r = self.run(body, io).await;
        self.st.call_lines.pop();
        self.st.pop_frame();
        match caller {
            Some(v) => {
                self.st.vars.insert("FUNCNAME".into(), v);
            }
            None => {
                self.st.vars.remove("FUNCNAME");
            }
        }
        self.st.positional = saved;
        self.st.loops = saved_loops;
        self.st.lineno = lineno;
        self.st.depth -= 1;
        match r {
            Err(ShellError::Return(n)) => Ok(n),
            other => other,
        }
    }

    /// `FUNCNAME` inside a call of `name`: the call stack, innermost first, ending in `main`
    /// for a script file (`bash -c` and stdin scripts have no `main` entry).
    fn set_funcname(&mut self, name: &str, caller: Option<&super::state::Var>) {
        let mut stack = vec![name.to_string()];
        match caller.map(|v| v.value.elements()) {
            Some(outer) => stack.extend(outer),
            None if self.st.opts.source == super::state::Source::File => {
                stack.push("main".to_string())
            }
            None => {}
        }
        let arr = stack
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as i64, s))
            .collect();
        let _ = self.st.set("FUNCNAME", Value::Array(arr));
    }

    /// Evaluates an arithmetic expression after expanding `$…` in it.
    pub(crate) async fn arith(&mut self, src: &str, io: &Io) -> Result<i64, String> {
        let text = if src.contains(['$', '`']) {
            self.expand_arith_text(src, io)
                .await
                .map_err(|e| format!("{e:?}"))?
        } else {
            src.to_string()
        };
        let cached = self.caches.arith.borrow().get(&text).cloned();
        let compiled = match cached {
            Some(c) => c,
            None => {
                let c = std::rc::Rc::new(super::arith::compile(&text)?);
                let mut cache = self.caches.arith.borrow_mut();
                if cache.len() > 4096 {
                    cache.clear();
                }
                cache.insert(text, c.clone());
                c
            }
        };
        compiled.eval(&mut ArithVars(self)).map_err(|m| {
            // bash names the expression: `1/0: division by 0 (error token is "0")`.
            if m.starts_with("division by 0") {
                format!("{}: {m}", src.trim_start())
            } else {
                m
            }
        })
    }
}

/// The session's variables as arithmetic sees them.
pub(crate) struct ArithVars<'a>(pub &'a mut Shell);

impl super::arith::Env for ArithVars<'_> {
    fn get(&mut self, name: &str, index: Option<i64>) -> Option<String> {
        if name == "LINENO" && self.0.st.get(name).is_none() {
            return Some(self.0.st.lineno.to_string());
        }
        match (self.0.st.get(name)?, index) {
            (Value::Array(a), Some(i)) if i < 0 => {
                let last = *a.keys().next_back()?;
                a.get(&(last + 1 + i)).cloned()
            }
            (Value::Array(a), Some(i)) => a.get(&i).cloned(),
            (v, None) | (v @ Value::Str(_), Some(0)) => Some(v.scalar()),
            (Value::Str(_), Some(_)) => None,
            (Value::Assoc(m), Some(i)) => m.get(&i.to_string()).cloned(),
        }
    }
    fn is_assoc(&self, name: &str) -> bool {
        self.0.st.is_assoc(name)
    }
    fn nounset(&self) -> bool {
        self.0.st.opts.nounset
    }
    fn get_key(&mut self, name: &str, key: &str) -> Option<String> {
        match self.0.st.get(name)? {
            Value::Assoc(m) => m.get(key).cloned(),
            _ => None,
        }
    }
    fn set_key(&mut self, name: &str, key: &str, value: i64) -> Result<(), String> {
        self.0.st.set_key(name, key, value.to_string())
    }
    fn set(&mut self, name: &str, index: Option<i64>, value: i64) -> Result<(), String> {
        match index {
            Some(i) => self.0.st.set_index(name, i, value.to_string()),
            None => self.0.st.set_str(name, value.to_string()),
        }
    }
}
