//! Builtins: the commands that change the session itself (cd, variables, options, control
//! flow, `read`, `source`, `eval`) plus `test`/`[` and `type`.

use futures::future::LocalBoxFuture;

use super::io::Io;
use super::lex::{is_name, parse_assignment};
use super::state::Value;
use super::{Shell, ShellError};

type Res = Result<i32, ShellError>;
/// A builtin: the session, argv (with its name) and the streams.
pub type Builtin = for<'a> fn(&'a mut Shell, Vec<String>, &'a Io) -> LocalBoxFuture<'a, Res>;

macro_rules! builtin {
    ($name:ident, |$sh:ident, $argv:ident, $io:ident| $body:block) => {
        fn $name<'a>($sh: &'a mut Shell, $argv: Vec<String>, $io: &'a Io) -> LocalBoxFuture<'a, Res> {
            #[allow(unused_mut)]
            let mut $argv = $argv;
            Box::pin(async move $body)
        }
    };
}

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
        "shopt" => shopt,
        "mapfile" | "readarray" => mapfile,
        "pushd" => pushd,
        "popd" => popd,
        "dirs" => dirs,
        "getopts" => getopts,
        "time" => time,
        "wait" | "umask" | "hash" | "disown" | "ulimit" => truth,
        "exec" => exec,
        _ => return None,
    })
}

/// Names of all builtins (for `help` and `type`).
pub const NAMES: &[&str] = &[
    "cd",
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
    "trap",
    "shopt",
    "umask",
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

builtin!(cd, |sh, argv, io| {
    let target = match argv.get(1).map(String::as_str) {
        None => sh.st.get_str("HOME").unwrap_or_else(|| "/".into()),
        Some("-") => match sh.st.get_str("OLDPWD") {
            Some(o) => {
                io.stdout.print(&format!("{o}\n")).await?;
                o
            }
            None => return fail(io, "cd: OLDPWD not set".into(), 1).await,
        },
        Some(t) => t.to_string(),
    };
    if argv.len() > 2 {
        return fail(io, "cd: too many arguments".into(), 1).await;
    }
    let path = match sh.resolve(&target) {
        Ok(p) => p,
        Err(e) => return fail(io, format!("cd: {target}: {}", e.user_message()), 1).await,
    };
    match sh.stat_follow(&path).await {
        Some((_, m)) if m.is_dir() => {}
        Some(_) => return fail(io, format!("cd: {target}: Not a directory"), 1).await,
        None => return fail(io, format!("cd: {target}: No such file or directory"), 1).await,
    }
    let old = sh.st.cwd.as_str().to_string();
    let _ = sh.st.set_str("OLDPWD", old);
    let _ = sh.st.set_str("PWD", path.as_str());
    sh.st.cwd = path;
    Ok(0)
});

builtin!(pwd, |sh, _argv, io| {
    io.stdout.print(&format!("{}\n", sh.st.cwd)).await?;
    Ok(0)
});

/// Applies `NAME=value` / `NAME` arguments of declaration builtins.
async fn declare_args(sh: &mut Shell, args: &[String], io: &Io, flags: &str, local: bool) -> Res {
    let mut st = 0;
    for a in args {
        let (name, assign) = match parse_assignment(a) {
            Some(asg) => (asg.name.clone(), Some(asg)),
            None => {
                let n = sh.expand_one(a, io).await?;
                (n, None)
            }
        };
        if !is_name(&name) {
            io.stderr
                .print(&format!(
                    "mirage: {}: `{a}': not a valid identifier\n",
                    flags_cmd(flags)
                ))
                .await?;
            st = 1;
            continue;
        }
        if local {
            sh.st.make_local(&name);
            if assign.is_none() {
                if flags.contains('a') {
                    let _ = sh.st.set(&name, Value::Array(Default::default()));
                } else {
                    sh.st.vars.remove(&name);
                }
            }
        }
        if flags.contains('A') && !sh.st.is_assoc(&name) {
            let _ = sh.st.set(&name, Value::Assoc(Default::default()));
        }
        if let Some(asg) = assign {
            if let Err(msg) = sh.assign(&asg, io, false).await? {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
                st = 1;
                continue;
            }
        } else if flags.contains('a') && sh.st.get(&name).is_none() {
            let _ = sh.st.set(&name, Value::Array(Default::default()));
        }
        if let Some(v) = sh.st.vars.get_mut(&name) {
            if flags.contains('x') {
                v.exported = true;
            }
            if flags.contains('r') {
                v.readonly = true;
            }
        } else if flags.contains('x') || flags.contains('r') {
            let _ = sh.st.set_str(&name, "");
            sh.st.vars.remove(&name);
            sh.st.vars.insert(
                name.clone(),
                super::state::Var {
                    value: Value::Str(String::new()),
                    exported: flags.contains('x'),
                    readonly: flags.contains('r'),
                },
            );
            if flags.contains('x') && !flags.contains('r') {
                // `export NAME` of an unset variable marks it without setting it.
                sh.st.vars.remove(&name);
            }
        }
    }
    Ok(st)
}

fn flags_cmd(flags: &str) -> &'static str {
    if flags.contains('x') {
        "export"
    } else if flags.contains('r') {
        "readonly"
    } else {
        "declare"
    }
}

async fn print_vars(
    sh: &Shell,
    io: &Io,
    filter: impl Fn(&super::state::Var) -> bool,
    prefix: &str,
) -> Res {
    let mut names: Vec<_> = sh.st.vars.iter().filter(|(_, v)| filter(v)).collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (k, v) in names {
        match &v.value {
            Value::Str(s) => out.push_str(&format!(
                "{prefix}{k}=\"{}\"\n",
                s.replace('\\', "\\\\").replace('"', "\\\"")
            )),
            Value::Array(a) => {
                let items: Vec<String> = a.iter().map(|(i, s)| format!("[{i}]=\"{s}\"")).collect();
                out.push_str(&format!("declare -a {k}=({})\n", items.join(" ")));
            }
            Value::Assoc(m) => {
                let items: Vec<String> = m.iter().map(|(i, s)| format!("[{i}]=\"{s}\"")).collect();
                out.push_str(&format!("declare -A {k}=({} )\n", items.join(" ")));
            }
        }
    }
    io.stdout.print(&out).await?;
    Ok(0)
}

builtin!(export, |sh, argv, io| {
    let args: Vec<String> = argv[1..]
        .iter()
        .filter(|a| *a != "-n" && *a != "-p")
        .cloned()
        .collect();
    if args.is_empty() {
        return print_vars(sh, io, |v| v.exported, "declare -x ").await;
    }
    declare_args(sh, &args, io, "x", false).await
});

builtin!(readonly, |sh, argv, io| {
    let args: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    if args.is_empty() {
        return print_vars(sh, io, |v| v.readonly, "declare -r ").await;
    }
    declare_args(sh, &args, io, "r", false).await
});

builtin!(declare, |sh, argv, io| {
    let local = argv[0] == "local" || (!sh.st.frames.is_empty() && !argv.iter().any(|a| a == "-g"));
    if argv[0] == "local" && sh.st.frames.is_empty() {
        return fail(io, "local: can only be used in a function".into(), 1).await;
    }
    let mut flags = String::new();
    let mut args = Vec::new();
    for a in &argv[1..] {
        if a.starts_with('-') && args.is_empty() && a.len() > 1 {
            flags.push_str(&a[1..]);
        } else if a.starts_with('+') && args.is_empty() {
        } else {
            args.push(a.clone());
        }
    }
    if args.is_empty() {
        return print_vars(sh, io, |_| true, "declare -- ").await;
    }
    if flags.contains('f') {
        let mut st = 0;
        for a in &args {
            if !sh.st.funcs.contains_key(a) {
                st = 1;
            }
        }
        return Ok(st);
    }
    declare_args(sh, &args, io, &flags, local).await
});

builtin!(unset, |sh, argv, io| {
    let mut funcs = false;
    let mut st = 0;
    for a in &argv[1..] {
        match a.as_str() {
            "-f" => funcs = true,
            "-v" => funcs = false,
            name if funcs => {
                sh.st.funcs.remove(name);
            }
            name => {
                let expanded = sh.expand_one(name, io).await?;
                if let Some(open) = expanded.find('[')
                    && expanded.ends_with(']')
                {
                    let (n, ix) = (&expanded[..open], &expanded[open + 1..expanded.len() - 1]);
                    if let Some(Value::Assoc(m)) = sh.st.vars.get_mut(n).map(|v| &mut v.value) {
                        m.shift_remove(ix);
                        continue;
                    }
                    let i = sh.arith(ix, io).await.unwrap_or(0);
                    if let Some(Value::Array(arr)) = sh.st.vars.get_mut(n).map(|v| &mut v.value) {
                        arr.remove(&i);
                    }
                    continue;
                }
                if let Err(msg) = sh.st.unset(&expanded) {
                    io.stderr.print(&format!("mirage: unset: {msg}\n")).await?;
                    st = 1;
                }
            }
        }
    }
    Ok(st)
});

builtin!(set, |sh, argv, io| {
    let mut i = 1;
    if argv.len() == 1 {
        return print_vars(sh, io, |_| true, "").await;
    }
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "--" {
            sh.st.positional = argv[i + 1..].to_vec();
            return Ok(0);
        }
        let (on, body) = match a.as_bytes().first() {
            Some(b'-') => (true, &a[1..]),
            Some(b'+') => (false, &a[1..]),
            _ => {
                sh.st.positional = argv[i..].to_vec();
                return Ok(0);
            }
        };
        if body == "o" {
            i += 1;
            let Some(name) = argv.get(i) else {
                let o = sh.st.opts;
                let mut out = String::new();
                for (n, v) in [
                    ("errexit", o.errexit),
                    ("noglob", o.noglob),
                    ("nounset", o.nounset),
                    ("pipefail", o.pipefail),
                    ("xtrace", o.xtrace),
                ] {
                    out.push_str(&format!("{n:<15}\t{}\n", if v { "on" } else { "off" }));
                }
                io.stdout.print(&out).await?;
                return Ok(0);
            };
            match name.as_str() {
                "errexit" => sh.st.opts.errexit = on,
                "nounset" => sh.st.opts.nounset = on,
                "pipefail" => sh.st.opts.pipefail = on,
                "xtrace" => sh.st.opts.xtrace = on,
                "noglob" => sh.st.opts.noglob = on,
                "posix"
                | "noclobber"
                | "braceexpand"
                | "interactive-comments"
                | "monitor"
                | "vi"
                | "emacs" => {}
                other => return fail(io, format!("set: {other}: invalid option name"), 2).await,
            }
        } else {
            for c in body.chars() {
                match c {
                    'e' => sh.st.opts.errexit = on,
                    'u' => sh.st.opts.nounset = on,
                    'x' => sh.st.opts.xtrace = on,
                    'f' => sh.st.opts.noglob = on,
                    'v' | 'h' | 'B' | 'H' | 'm' | 'C' => {}
                    other => return fail(io, format!("set: -{other}: invalid option"), 2).await,
                }
            }
        }
        i += 1;
    }
    Ok(0)
});

builtin!(shift, |sh, argv, io| {
    let n: usize = match argv.get(1).map(|s| s.parse()) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return fail(
                io,
                format!("shift: {}: numeric argument required", argv[1]),
                1,
            )
            .await;
        }
    };
    if n > sh.st.positional.len() {
        return Ok(1);
    }
    sh.st.positional.drain(..n);
    Ok(0)
});

builtin!(read, |sh, argv, io| {
    let mut raw = false;
    let mut names = Vec::new();
    let mut array: Option<String> = None;
    let mut delim = b'\n';
    let mut nchars: Option<usize> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        if a.len() < 2 || !a.starts_with('-') || !names.is_empty() {
            names.push(a);
            i += 1;
            continue;
        }
        // A cluster like `-ra NAME` or `-rp PROMPT`: flags taking a value take the rest of the
        // cluster or the next argument.
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let f = chars[k];
            let takes = matches!(f, 'a' | 'd' | 'n' | 'N' | 'p' | 't' | 'u' | 'i');
            let value = if takes {
                let rest: String = chars[k + 1..].iter().collect();
                k = chars.len();
                if rest.is_empty() {
                    i += 1;
                    argv.get(i).cloned()
                } else {
                    Some(rest)
                }
            } else {
                k += 1;
                None
            };
            match f {
                'r' => raw = true,
                'a' => array = value,
                'd' => delim = value.and_then(|d| d.bytes().next()).unwrap_or(0),
                'n' | 'N' => nchars = value.and_then(|n| n.parse().ok()),
                _ => {}
            }
        }
        i += 1;
    }
    // Read one record.
    let mut line = Vec::new();
    let mut got_delim = false;
    loop {
        if nchars.is_some_and(|n| line.len() >= n) {
            got_delim = true;
            break;
        }
        let rec = if delim == b'\n' && nchars.is_none() {
            io.stdin.read_line().await
        } else {
            // Byte at a time through lines.
            read_until(io, delim, nchars.map(|n| n - line.len())).await
        };
        let Some(mut rec) = rec else { break };
        if rec.last() == Some(&delim) {
            rec.pop();
            got_delim = true;
        }
        if !raw && rec.last() == Some(&b'\\') && got_delim {
            rec.pop();
            line.extend_from_slice(&rec);
            got_delim = false;
            continue;
        }
        line.extend_from_slice(&rec);
        if nchars.is_none() || got_delim {
            break;
        }
    }
    let eof = !got_delim;
    let mut text = String::from_utf8_lossy(&line).into_owned();
    if !raw {
        let mut out = String::new();
        let mut it = text.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        text = out;
    }
    let ifs = sh.st.get_str("IFS").unwrap_or_else(|| " \t\n".into());
    let ws: Vec<char> = ifs.chars().filter(|c| c.is_whitespace()).collect();
    if let Some(arr) = array {
        let items: Vec<String> = split_ifs(&text, &ifs, usize::MAX);
        let map = items
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as i64, s))
            .collect();
        let _ = sh.st.set(&arr, Value::Array(map));
        return Ok(eof as i32);
    }
    if names.is_empty() {
        names.push("REPLY".into());
        let _ = sh.st.set_str("REPLY", text);
        return Ok(if eof && line.is_empty() {
            1
        } else {
            eof as i32
        });
    }
    let fields = split_ifs(&text, &ifs, names.len());
    for (i, n) in names.iter().enumerate() {
        let v = fields.get(i).cloned().unwrap_or_default();
        let v = if i + 1 == names.len() {
            v.trim_end_matches(|c| ws.contains(&c)).to_string()
        } else {
            v
        };
        if let Err(m) = sh.st.set_str(n, v) {
            return fail(io, m, 1).await;
        }
    }
    Ok(if eof { 1 } else { 0 })
});

async fn read_until(io: &Io, delim: u8, max: Option<usize>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let chunk = io.stdin.chunk().await;
        let Some(chunk) = chunk else {
            return (!out.is_empty()).then_some(out);
        };
        let limit = max.map_or(chunk.len(), |m| (m - out.len()).min(chunk.len()));
        let end = chunk[..limit]
            .iter()
            .position(|&b| b == delim)
            .map_or(limit, |p| p + 1);
        out.extend_from_slice(&chunk[..end]);
        if end < chunk.len() {
            io.stdin.unread(chunk.slice(end..)).await;
        }
        if out.last() == Some(&delim) || max.is_some_and(|m| out.len() >= m) {
            return Some(out);
        }
    }
}

/// Splits `text` on `ifs` into at most `max` fields, the last taking the rest (as `read`).
fn split_ifs(text: &str, ifs: &str, max: usize) -> Vec<String> {
    let is_ws = |c: char| ifs.contains(c) && c.is_whitespace();
    let is_sep = |c: char| ifs.contains(c);
    let mut out = Vec::new();
    let t = text.trim_start_matches(is_ws);
    let mut rest = t;
    while !rest.is_empty() {
        if out.len() + 1 == max {
            out.push(rest.to_string());
            return out;
        }
        match rest.find(is_sep) {
            Some(p) => {
                out.push(rest[..p].to_string());
                let mut r = &rest[p..];
                let first = r.chars().next().unwrap_or(' ');
                r = &r[first.len_utf8()..];
                r = r.trim_start_matches(is_ws);
                if !is_ws(first) {
                    // Non-blank separator: only blanks after it are absorbed.
                } else if let Some(c) = r.chars().next()
                    && is_sep(c)
                    && !is_ws(c)
                {
                    r = r[c.len_utf8()..].trim_start_matches(is_ws);
                }
                rest = r;
            }
            None => {
                out.push(rest.to_string());
                rest = "";
            }
        }
    }
    out
}

builtin!(source, |sh, argv, io| {
    let Some(file) = argv.get(1) else {
        return fail(io, format!("{}: filename argument required", argv[0]), 2).await;
    };
    let path = match sh.resolve(file) {
        Ok(p) => p,
        Err(e) => return fail(io, format!("{file}: {}", e.user_message()), 1).await,
    };
    let text = match sh.vfs.read_all(&path).await {
        Ok(t) => String::from_utf8_lossy(&t).into_owned(),
        Err(e) => return fail(io, format!("{file}: {}", e.user_message()), 1).await,
    };
    let node = match super::parse::parse(&text) {
        Ok(n) => n,
        Err(e) => return fail(io, format!("{file}: {}", e.0), 2).await,
    };
    let saved =
        (argv.len() > 2).then(|| std::mem::replace(&mut sh.st.positional, argv[2..].to_vec()));
    sh.st.depth += 1;
    sh.budget.depth(sh.st.depth)?;
    let r = sh.run(&node, io).await;
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
    let r = sh.run(&node, io).await;
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
            1,
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

builtin!(type_, |sh, argv, io| {
    let mut st = 0;
    let short = argv.iter().any(|a| a == "-t");
    for name in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        let kind = if sh.st.funcs.contains_key(name) {
            Some(("function", format!("{name} is a function")))
        } else if NAMES.contains(&name.as_str()) || name == "echo" || name == "printf" {
            Some(("builtin", format!("{name} is a shell builtin")))
        } else if super::commands::lookup(name).is_some() {
            Some(("file", format!("{name} is /usr/bin/{name}")))
        } else {
            None
        };
        match kind {
            Some((k, long)) => {
                io.stdout
                    .print(&format!("{}\n", if short { k.to_string() } else { long }))
                    .await?
            }
            None => {
                if !short {
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

builtin!(command, |sh, argv, io| {
    let mut args: Vec<String> = argv[1..].to_vec();
    if args.first().is_some_and(|a| a == "-v" || a == "-V") {
        let mut st = 0;
        for name in &args[1..] {
            if sh.st.funcs.contains_key(name)
                || NAMES.contains(&name.as_str())
                || name == "echo"
                || name == "printf"
            {
                io.stdout.print(&format!("{name}\n")).await?;
            } else if super::commands::lookup(name).is_some() {
                io.stdout.print(&format!("/usr/bin/{name}\n")).await?;
            } else {
                st = 1;
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

builtin!(exec, |sh, argv, io| {
    if argv.len() == 1 {
        return Ok(0);
    }
    let st = sh.dispatch(argv[1..].to_vec(), io).await?;
    Err(ShellError::Exit(st))
});

builtin!(trap, |sh, argv, io| {
    match argv.len() {
        1 => {
            if let Some(t) = &sh.st.exit_trap {
                io.stdout
                    .print(&format!("trap -- {} EXIT\n", super::commands::quote(t)))
                    .await?;
            }
            Ok(0)
        }
        _ => {
            let action = argv[1].clone();
            for sig in &argv[2..] {
                match sig.as_str() {
                    "EXIT" | "0" => {
                        sh.st.exit_trap = if action == "-" || action.is_empty() {
                            None
                        } else {
                            Some(action.clone())
                        }
                    }
                    // Other signals never reach an in-process shell; ERR/DEBUG/RETURN are not run.
                    _ => {}
                }
            }
            Ok(0)
        }
    }
});

builtin!(shopt, |sh, argv, io| {
    let mut set = None;
    let mut quiet = false;
    let mut names = Vec::new();
    for a in &argv[1..] {
        match a.as_str() {
            "-s" => set = Some(true),
            "-u" => set = Some(false),
            "-q" => quiet = true,
            "-o" | "-p" => {}
            n => names.push(n.to_string()),
        }
    }
    let mut st = 0;
    for n in &names {
        let slot = match n.as_str() {
            "nullglob" => Some(&mut sh.st.opts.nullglob),
            "failglob" => Some(&mut sh.st.opts.failglob),
            "globstar" => Some(&mut sh.st.opts.globstar),
            "extglob" | "dotglob" | "nocaseglob" | "expand_aliases" | "lastpipe"
            | "inherit_errexit" | "checkwinsize" | "histappend" => None,
            other => {
                io.stderr
                    .print(&format!(
                        "mirage: shopt: {other}: invalid shell option name\n"
                    ))
                    .await?;
                st = 1;
                continue;
            }
        };
        match (set, slot) {
            (Some(v), Some(s)) => *s = v,
            (None, Some(s)) => {
                if !*s {
                    st = 1;
                }
                if !quiet {
                    io.stdout
                        .print(&format!("{n:<15}\t{}\n", if *s { "on" } else { "off" }))
                        .await?;
                }
            }
            (None, None) => {
                st = 1;
                if !quiet {
                    io.stdout.print(&format!("{n:<15}\toff\n")).await?;
                }
            }
            (Some(_), None) => {}
        }
    }
    Ok(st)
});

builtin!(mapfile, |sh, argv, io| {
    let mut strip = false;
    let mut count: Option<usize> = None;
    let mut skip = 0usize;
    let mut name = "MAPFILE".to_string();
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "-t" => strip = true,
            "-n" => {
                i += 1;
                count = argv.get(i).and_then(|v| v.parse().ok()).filter(|n| *n > 0);
            }
            "-s" => {
                i += 1;
                skip = argv.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            }
            "-d" | "-u" | "-C" | "-c" => i += 1,
            n => name = n.to_string(),
        }
        i += 1;
    }
    let mut arr = std::collections::BTreeMap::new();
    let mut n = 0i64;
    let mut seen = 0usize;
    while count.is_none_or(|c| (n as usize) < c) {
        let Some(mut line) = io.stdin.read_line().await else {
            break;
        };
        seen += 1;
        if seen <= skip {
            continue;
        }
        if strip && line.last() == Some(&b'\n') {
            line.pop();
        }
        arr.insert(n, String::from_utf8_lossy(&line).into_owned());
        n += 1;
    }
    match sh.st.set(&name, Value::Array(arr)) {
        Ok(()) => Ok(0),
        Err(m) => fail(io, format!("mapfile: {m}"), 1).await,
    }
});

builtin!(pushd, |sh, argv, io| {
    let cur = sh.st.cwd.as_str().to_string();
    let Some(target) = argv.get(1).cloned() else {
        return fail(io, "pushd: no other directory".into(), 1).await;
    };
    let st = cd(sh, vec!["cd".into(), target], io).await?;
    if st != 0 {
        return Ok(st);
    }
    sh.st.dir_stack.insert(0, cur);
    print_dirs(sh, io).await
});

builtin!(popd, |sh, _argv, io| {
    if sh.st.dir_stack.is_empty() {
        return fail(io, "popd: directory stack empty".into(), 1).await;
    }
    let top = sh.st.dir_stack.remove(0);
    let st = cd(sh, vec!["cd".into(), top], io).await?;
    if st != 0 {
        return Ok(st);
    }
    print_dirs(sh, io).await
});

builtin!(dirs, |sh, _argv, io| { print_dirs(sh, io).await });

async fn print_dirs(sh: &Shell, io: &Io) -> Res {
    let mut all = vec![sh.st.cwd.as_str().to_string()];
    all.extend(sh.st.dir_stack.iter().cloned());
    let home = sh.st.get_str("HOME").unwrap_or_default();
    let shown: Vec<String> = all
        .into_iter()
        .map(|d| {
            if !home.is_empty() && home != "/" && d.starts_with(&home) {
                format!("~{}", &d[home.len()..])
            } else {
                d
            }
        })
        .collect();
    io.stdout.print(&format!("{}\n", shown.join(" "))).await?;
    Ok(0)
}

builtin!(getopts, |sh, argv, io| {
    let (Some(spec), Some(var)) = (argv.get(1).cloned(), argv.get(2).cloned()) else {
        return fail(
            io,
            "getopts: usage: getopts optstring name [arg ...]".into(),
            2,
        )
        .await;
    };
    let args: Vec<String> = if argv.len() > 3 {
        argv[3..].to_vec()
    } else {
        sh.st.positional.clone()
    };
    let silent = spec.starts_with(':');
    let spec_chars = spec.trim_start_matches(':').to_string();
    let mut optind: usize = sh
        .st
        .get_str("OPTIND")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut pos = sh.st.getopts_pos;
    let set = |sh: &mut Shell, k: &str, v: String| {
        let _ = sh.st.set_str(k, v);
    };
    let Some(word) = args.get(optind - 1).cloned() else {
        set(sh, &var, "?".into());
        return Ok(1);
    };
    if pos == 0 {
        if word == "--" {
            set(sh, "OPTIND", (optind + 1).to_string());
            set(sh, &var, "?".into());
            return Ok(1);
        }
        if !word.starts_with('-') || word == "-" {
            set(sh, &var, "?".into());
            return Ok(1);
        }
        pos = 1;
    }
    let chars: Vec<char> = word.chars().collect();
    let c = chars[pos];
    pos += 1;
    let done_word = pos >= chars.len();
    let takes = spec_chars
        .find(c)
        .is_some_and(|i| spec_chars[i + c.len_utf8()..].starts_with(':'));
    if !spec_chars.contains(c) || c == ':' {
        if silent {
            set(sh, "OPTARG", c.to_string());
        } else {
            sh.st.vars.remove("OPTARG");
            io.stderr
                .print(&format!("mirage: illegal option -- {c}\n"))
                .await?;
        }
        set(sh, &var, "?".into());
    } else if takes {
        let arg = if !done_word {
            Some(chars[pos..].iter().collect::<String>())
        } else {
            optind += 1;
            args.get(optind - 1).cloned()
        };
        match arg {
            Some(a) => {
                set(sh, "OPTARG", a);
                set(sh, &var, c.to_string());
            }
            None => {
                if silent {
                    set(sh, "OPTARG", c.to_string());
                    set(sh, &var, ":".into());
                } else {
                    io.stderr
                        .print(&format!("mirage: option requires an argument -- {c}\n"))
                        .await?;
                    set(sh, &var, "?".into());
                }
            }
        }
        pos = chars.len();
    } else {
        set(sh, &var, c.to_string());
    }
    if pos >= chars.len() {
        optind += 1;
        pos = 0;
    }
    sh.st.getopts_pos = pos;
    set(sh, "OPTIND", optind.to_string());
    Ok(0)
});

builtin!(time, |sh, argv, io| {
    // `time CMD …` (the keyword form for a simple command): bash's report on stderr.
    let start = std::time::Instant::now();
    let args: Vec<String> = argv[1..]
        .iter()
        .skip_while(|a| *a == "-p")
        .cloned()
        .collect();
    let st = if args.is_empty() {
        0
    } else {
        sh.dispatch(args, io).await?
    };
    let t = start.elapsed().as_secs_f64();
    let fmt = |s: f64| format!("{}m{:.3}s", (s / 60.0) as u64, s % 60.0);
    io.stderr
        .print(&format!(
            "\nreal\t{}\nuser\t{}\nsys\t{}\n",
            fmt(t),
            fmt(0.0),
            fmt(0.0)
        ))
        .await?;
    Ok(st)
});
