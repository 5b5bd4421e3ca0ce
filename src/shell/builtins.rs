//! Builtins: the commands that change the session itself. This module has the registry and
//! cd, control flow, `source`, `eval`, `test`/`[`, `type`, `command`, `time`; [`vars`] has the
//! variable builtins, [`input`] `read`/`mapfile`, [`session`] traps, options, the directory
//! stack and `getopts`.

use futures::future::LocalBoxFuture;

use super::io::Io;
use super::{Shell, ShellError};

type Res = Result<i32, ShellError>;
/// A builtin: the session, argv (with its name) and the streams.
pub type Builtin = for<'a> fn(&'a mut Shell, Vec<String>, &'a Io) -> LocalBoxFuture<'a, Res>;

macro_rules! builtin {
    ($name:ident, |$sh:ident, $argv:ident, $io:ident| $body:block) => {
        pub(super) fn $name<'a>(
            $sh: &'a mut $crate::shell::Shell,
            $argv: Vec<String>,
            $io: &'a $crate::shell::io::Io,
        ) -> futures::future::LocalBoxFuture<'a, Result<i32, $crate::shell::ShellError>> {
            #[allow(unused_mut)]
            let mut $argv = $argv;
            Box::pin(async move $body)
        }
    };
}

mod dirs;
mod input;
mod session;
pub(crate) mod shopt;
mod signals;
pub(crate) mod vars;

use dirs::{cd, pwd};
use input::{mapfile, read};
use session::{dirs, getopts, popd, pushd, trap};
use shopt::shopt;
use vars::{declare, export, readonly, set, shift, unset};

/// The builtin called `name`, if any.
pub fn lookup(name: &str) -> Option<Builtin> {
    Some(match name {
        "cd" => cd,
        "pwd" => pwd,
        "export" => export,
        "readonly" => readonly,
        "local" | "declare" | "typeset" => declare,
        "unset" => unset,
        "set" => set,
        "shift" => shift,
        "read" => read,
        "source" | "." => source,
        "eval" => eval,
        "exit" => exit,
        "return" => ret,
        "break" => brk,
        "continue" => cont,
        "true" | ":" => truth,
        "false" => falsity,
        "test" | "[" => test,
        "let" => let_,
        "type" => type_,
        "command" => command,
        "trap" => trap,
        "kill" => signals::kill,
        "shopt" => shopt,
        "mapfile" | "readarray" => mapfile,
        "pushd" => pushd,
        "popd" => popd,
        "dirs" => dirs,
        "getopts" => getopts,
        "time" => time,
        "alias" => session::alias,
        "unalias" => session::unalias,
        "umask" => session::umask,
        "wait" => session::wait,
        "builtin" => builtin_,
        "hash" | "ulimit" | "enable" => truth,
        "jobs" => session::jobs,
        "caller" => caller,
        "times" => times,
        "disown" => session::disown,
        "exec" => exec,
        _ => return None,
    })
}

/// Names of all builtins (for `help` and `type`).
pub const NAMES: &[&str] = &[
    "cd",
    "kill",
    "pwd",
    "export",
    "readonly",
    "local",
    "declare",
    "typeset",
    "unset",
    "set",
    "shift",
    "read",
    "source",
    ".",
    "eval",
    "exit",
    "return",
    "break",
    "continue",
    "true",
    ":",
    "false",
    "test",
    "[",
    "let",
    "type",
    "command",
    "wait",
    "jobs",
    "caller",
    "times",
    "trap",
    "shopt",
    "umask",
    "alias",
    "unalias",
    "builtin",
    "enable",
    "hash",
    "exec",
    "mapfile",
    "readarray",
    "pushd",
    "popd",
    "dirs",
    "getopts",
    "time",
    "disown",
    "ulimit",
];

async fn fail(io: &Io, msg: String, st: i32) -> Res {
    io.stderr.print(&format!("mirage: {msg}\n")).await?;
    Ok(st)
}

builtin!(source, |sh, argv, io| {
    let Some(file) = argv.get(1) else {
        return fail(io, format!("{}: filename argument required", argv[0]), 2).await;
    };
    let path = match sh.resolve(file) {
        Ok(p) => p,
        Err(e) => return fail(io, format!("{file}: {}", e.user_message()), 1).await,
    };
    // `source /dev/stdin <<<…`, `source <(cmd)`: the script is the input or the output.
    let special = match file.as_str() {
        "/dev/null" => Some(Vec::new()),
        "/dev/stdin" => io.stdin.read_all().await,
        f => sh.fd_content(f).map(|b| b.to_vec()),
    };
    let text = match special {
        Some(t) => String::from_utf8_lossy(&t).into_owned(),
        None => match sh.vfs.read_all(&path).await {
            Ok(t) => String::from_utf8_lossy(&t).into_owned(),
            Err(e) => return fail(io, format!("{file}: {}", e.user_message()), 1).await,
        },
    };
    let node = match super::parse::parse(&text) {
        Ok(n) => n,
        Err(e) => return fail(io, format!("{file}: {}", e.0), 2).await,
    };
    let saved =
        (argv.len() > 2).then(|| std::mem::replace(&mut sh.st.positional, argv[2..].to_vec()));
    sh.st.depth += 1;
    sh.budget.depth(sh.st.depth)?;
    let r = sh.run_lines(&node, io).await;
    sh.st.depth -= 1;
    if let Some(p) = saved {
        sh.st.positional = p;
    }
    match r {
        Err(ShellError::Return(n)) => Ok(n),
        other => other,
    }
});

builtin!(eval, |sh, argv, io| {
    let text = argv[1..].join(" ");
    let node = match super::parse::parse(&text) {
        Ok(n) => n,
        Err(e) => return fail(io, format!("eval: {}", e.0), 2).await,
    };
    sh.st.depth += 1;
    sh.budget.depth(sh.st.depth)?;
    // Line by line: an expansion error abandons a line of the string, not the caller's.
    let r = sh.run_lines(&node, io).await;
    sh.st.depth -= 1;
    r
});

async fn status_arg(sh: &Shell, argv: &[String], io: &Io) -> Result<i32, Res> {
    match argv.get(1) {
        None => Ok(sh.st.status),
        Some(s) => match s.parse::<i64>() {
            Ok(n) => Ok((n & 0xff) as i32),
            Err(_) => Err(fail(
                io,
                format!("{}: {s}: numeric argument required", argv[0]),
                2,
            )
            .await),
        },
    }
}

builtin!(exit, |sh, argv, io| {
    match status_arg(sh, &argv, io).await {
        Ok(n) => Err(ShellError::Exit(n)),
        Err(r) => {
            r?;
            Err(ShellError::Exit(2))
        }
    }
});

builtin!(ret, |sh, argv, io| {
    if sh.st.frames.is_empty() && sh.st.depth == 0 {
        return fail(
            io,
            "return: can only `return' from a function or sourced script".into(),
            2,
        )
        .await;
    }
    match status_arg(sh, &argv, io).await {
        Ok(n) => Err(ShellError::Return(n)),
        Err(r) => r,
    }
});

async fn loop_ctl(sh: &Shell, argv: &[String], io: &Io, brk: bool) -> Res {
    let n: u32 = match argv.get(1).map(|s| s.parse::<u32>()) {
        None => 1,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            return fail(
                io,
                format!("{}: {}: loop count out of range", argv[0], argv[1]),
                1,
            )
            .await;
        }
    };
    if sh.st.loops == 0 {
        io.stderr
            .print(&format!(
                "mirage: {}: only meaningful in a `for', `while', or `until' loop\n",
                argv[0]
            ))
            .await?;
        return Ok(0);
    }
    let n = n.min(sh.st.loops);
    Err(if brk {
        ShellError::Break(n)
    } else {
        ShellError::Continue(n)
    })
}

builtin!(brk, |sh, argv, io| { loop_ctl(sh, &argv, io, true).await });
builtin!(cont, |sh, argv, io| {
    loop_ctl(sh, &argv, io, false).await
});
builtin!(truth, |_sh, _argv, _io| { Ok(0) });
builtin!(falsity, |_sh, _argv, _io| { Ok(1) });

builtin!(test, |sh, argv, io| {
    let name = argv[0].clone();
    let mut args = argv[1..].to_vec();
    if name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            return fail(io, "[: missing `]'".into(), 2).await;
        }
        args.pop();
    }
    sh.test_args(&args, io, &name).await
});

builtin!(let_, |sh, argv, io| {
    let mut last = 0;
    for e in &argv[1..] {
        match sh.arith(e, io).await {
            Ok(v) => last = v,
            Err(m) => return fail(io, format!("let: {m}"), 1).await,
        }
    }
    Ok((last == 0) as i32)
});

/// Reserved words, as `type` names them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
];

/// What `name` runs as, bash's way: its kind for `type -t`, its description for `type` and
/// `command -V`, and the path a command has. `None` when it is nothing.
fn describe(sh: &Shell, name: &str) -> Option<(&'static str, String)> {
    if KEYWORDS.contains(&name) {
        Some(("keyword", format!("{name} is a shell keyword")))
    } else if let Some(body) = sh.st.funcs.get(name) {
        let text = super::print::function_text(name, body);
        Some(("function", format!("{name} is a function\n{text}")))
    } else if NAMES.contains(&name) || name == "echo" || name == "printf" {
        Some(("builtin", format!("{name} is a shell builtin")))
    } else {
        command_path(name).map(|p| ("file", format!("{name} is {p}")))
    }
}

/// Where a command (not a builtin) is found on the path.
fn command_path(name: &str) -> Option<String> {
    super::commands::lookup(name).map(|_| format!("/usr/bin/{name}"))
}

builtin!(type_, |sh, argv, io| {
    let mut st = 0;
    let flags: String = argv[1..]
        .iter()
        .take_while(|a| a.starts_with('-') && a.len() > 1)
        .flat_map(|a| a[1..].chars())
        .collect();
    let (short, path_only, path_search) = (
        flags.contains('t'),
        flags.contains('p'),
        flags.contains('P'),
    );
    let names = argv[1..]
        .iter()
        .skip_while(|a| a.starts_with('-') && a.len() > 1);
    for name in names {
        let found = describe(sh, name);
        let out = match &found {
            _ if path_search => command_path(name),
            Some(("file", _)) if path_only => command_path(name),
            Some(_) if path_only => Some(String::new()),
            Some((kind, _)) if short => Some(kind.to_string()),
            Some((_, long)) => Some(long.clone()),
            None => None,
        };
        match out {
            Some(text) if text.is_empty() => {}
            Some(text) => io.stdout.print(&format!("{text}\n")).await?,
            None => {
                if !(short || path_only || path_search) {
                    io.stderr
                        .print(&format!("mirage: type: {name}: not found\n"))
                        .await?;
                }
                st = 1;
            }
        }
    }
    Ok(st)
});

builtin!(times, |_sh, _argv, io| {
    io.stdout.print(&super::timing::times()).await?;
    Ok(0)
});

// `caller [N]`: where the current function (or the Nth above it) was called from —
// `LINE FILE`, or with N `LINE FUNCTION FILE`; 1 past the outermost call.
builtin!(caller, |sh, argv, io| {
    let lines = &sh.st.call_lines;
    let names = sh
        .st
        .get("FUNCNAME")
        .map(|v| v.elements())
        .unwrap_or_default();
    let file = |i: usize| {
        (i < names.len() && sh.st.opts.source == super::state::Source::File)
            .then(|| sh.st.arg0.clone())
    };
    let Some(arg) = argv.get(1) else {
        // Outside any function only a script file has a caller to show ("0 NULL").
        if lines.is_empty() && sh.st.opts.source != super::state::Source::File {
            return Ok(1);
        }
        let line = lines.last().copied().unwrap_or(0);
        let file = file(1).unwrap_or_else(|| "NULL".into());
        io.stdout.print(&format!("{line} {file}\n")).await?;
        return Ok(0);
    };
    let Ok(n) = arg.parse::<usize>() else {
        return fail(io, format!("caller: {arg}: invalid number"), 2).await;
    };
    match (
        lines.len().checked_sub(n + 1).map(|i| lines[i]),
        names.get(n + 1),
    ) {
        (Some(line), Some(name)) => {
            let file = file(n + 1).unwrap_or_else(|| "NULL".into());
            io.stdout.print(&format!("{line} {name} {file}\n")).await?;
            Ok(0)
        }
        _ => Ok(1),
    }
});

builtin!(command, |sh, argv, io| {
    let mut args: Vec<String> = argv[1..].to_vec();
    if let Some(verbose) = args.first().and_then(|a| match a.as_str() {
        "-v" => Some(false),
        "-V" => Some(true),
        _ => None,
    }) {
        let mut st = 0;
        for name in &args[1..] {
            match describe(sh, name) {
                Some((_, long)) if verbose => io.stdout.print(&format!("{long}\n")).await?,
                Some(("file", _)) => {
                    let path = command_path(name).unwrap_or_default();
                    io.stdout.print(&format!("{path}\n")).await?
                }
                Some(_) => io.stdout.print(&format!("{name}\n")).await?,
                None => {
                    if verbose {
                        io.stderr
                            .print(&format!("mirage: command: {name}: not found\n"))
                            .await?;
                    }
                    st = 1;
                }
            }
        }
        return Ok(st);
    }
    if args.first().is_some_and(|a| a == "-p") {
        args.remove(0);
    }
    if args.is_empty() {
        return Ok(0);
    }
    // Skips functions.
    if let Some(b) = lookup(&args[0]) {
        return b(sh, args, io).await;
    }
    if let Some(c) = super::commands::lookup(&args[0]) {
        return c(super::commands::Ctx::new(sh, args, io.clone())).await;
    }
    fail(io, format!("{}: command not found", args[0]), 127).await
});

builtin!(builtin_, |sh, argv, io| {
    // `builtin NAME ARG…`: the builtin itself, never a function of that name.
    let Some(name) = argv.get(1) else {
        return Ok(0);
    };
    if let Some(b) = lookup(name) {
        return b(sh, argv[1..].to_vec(), io).await;
    }
    if matches!(name.as_str(), "echo" | "printf")
        && let Some(c) = super::commands::lookup(name)
    {
        return c(super::commands::Ctx::new(
            sh,
            argv[1..].to_vec(),
            io.clone(),
        ))
        .await;
    }
    fail(io, format!("builtin: {name}: not a shell builtin"), 1).await
});

builtin!(exec, |sh, argv, io| {
    if argv.len() == 1 {
        return Ok(0);
    }
    let st = sh.dispatch(argv[1..].to_vec(), io).await?;
    Err(ShellError::Exit(st))
});

builtin!(time, |sh, argv, io| {
    // `time` reached as a command (`command time …`, `"time" …`): the command in argv is
    // timed; bash's report on stderr.
    let posix = argv.get(1).is_some_and(|a| a == "-p");
    let args: Vec<String> = argv[1..].iter().skip(usize::from(posix)).cloned().collect();
    let start = super::timing::Clock::now();
    let st = if args.is_empty() {
        0
    } else {
        sh.dispatch(args, io).await?
    };
    io.stderr.print(&start.report(posix)).await?;
    Ok(st)
});
