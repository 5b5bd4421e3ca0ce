//! Variable builtins: `export`, `readonly`, `declare`/`local`/`typeset`, `unset`, `set`,
//! `shift`.

use super::{Res, fail};
use crate::shell::Shell;
use crate::shell::ast::{Assign, AssignValue};
use crate::shell::io::Io;
use crate::shell::lex::{is_name, parse_assignment};
use crate::shell::state::Value;

/// Builtins whose `NAME=value` arguments are assignments, not ordinary words.
pub(crate) const DECLARATIONS: &[&str] = &["local", "declare", "typeset", "export", "readonly"];

/// First character of the stand-in for an unexpanded assignment argument.
const DECL_MARK: char = '\u{10FE00}';

/// The argv stand-in for the `i`th entry of `Shell::decl_raw`.
pub(crate) fn decl_marker(i: usize) -> String {
    format!("{DECL_MARK}{i}")
}

/// The assignment an argument stands for: the unexpanded one the command was written with
/// (`local x=$1`, expanded once here), or an expanded word such as `declare "$kv"` whose
/// value is taken literally, as bash does (arrays, `declare "a=(1 2)"`, are still parsed).
fn decl_assign(raw: &[Assign], a: &str) -> Option<Assign> {
    if let Some(i) = a.strip_prefix(DECL_MARK) {
        return i.parse::<usize>().ok().and_then(|i| raw.get(i).cloned());
    }
    let mut asg = parse_assignment(a)?;
    if let AssignValue::Scalar(v) = &asg.value {
        asg.value = AssignValue::Scalar(format!("'{}'", v.replace('\'', "'\\''")));
    }
    Some(asg)
}

/// The variable name an argument of a declaration builtin names.
fn decl_name(raw: &[Assign], a: &str) -> String {
    match decl_assign(raw, a) {
        Some(asg) => asg.name,
        None => a.to_string(),
    }
}

/// Applies `NAME=value` / `NAME` arguments of declaration builtins.
async fn declare_args(sh: &mut Shell, args: &[String], io: &Io, flags: &str, local: bool) -> Res {
    let raw = std::mem::take(&mut sh.decl_raw);
    let mut st = 0;
    for a in args {
        let (name, assign) = match decl_assign(&raw, a) {
            Some(asg) => (asg.name.clone(), Some(asg)),
            None => (a.clone(), None),
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
            // `local x` again in the same function keeps its value.
            let again = sh.st.is_local_here(&name);
            sh.st.make_local(&name);
            if assign.is_none() && !again {
                if flags.contains('a') {
                    let _ = sh.st.set(&name, Value::Array(Default::default()));
                } else {
                    sh.st.vars.remove(&name);
                }
            }
        }
        if flags.contains('n') {
            // `declare -n ref=NAME`: `ref` stands for the variable NAME from now on.
            let target = match &assign {
                Some(asg) => match &asg.value {
                    AssignValue::Scalar(w) => sh.expand_one(w, io).await?,
                    AssignValue::Array(_) => String::new(),
                },
                None => String::new(),
            };
            // A target with a subscript (`declare -n r=a[1]`) is not supported: refused
            // rather than standing for a variable named `a[1]`.
            let valid = target.is_empty() || is_name(&target);
            let r = if valid {
                sh.st.set_nameref(&name, target.clone())
            } else {
                Err(format!(
                    "`{target}': invalid variable name for name reference"
                ))
            };
            if let Err(msg) = r {
                io.stderr
                    .print(&format!("mirage: declare: {msg}\n"))
                    .await?;
                st = 1;
            }
            continue;
        }
        if flags.contains('i') {
            sh.st.integers.insert(name.clone());
        }
        if flags.contains('u') || flags.contains('l') {
            // Applies from the next assignment on (an existing value keeps its case).
            sh.st.case_attrs.insert(name.clone(), flags.contains('u'));
        }
        if flags.contains('A') && !sh.st.is_assoc(&name) {
            let _ = sh.st.set(&name, Value::Assoc(Default::default()));
        }
        if assign.is_none() && !local && sh.st.get(&name).is_none() {
            sh.st.declared.insert(name.clone());
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
                crate::shell::state::Var {
                    value: Value::Str(String::new()),
                    exported: flags.contains('x'),
                    readonly: flags.contains('r'),
                    nameref: false,
                },
            );
            if flags.contains('x') && !flags.contains('r') {
                // `export NAME` of an unset variable marks it without setting it: it is
                // exported once assigned.
                sh.st.vars.remove(&name);
                sh.st.export_pending.insert(name.clone());
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

/// `"…"` with `\`, `"`, `$` and `` ` `` escaped, as `declare -p` writes values.
/// A value as `declare -p` shows it: `"…"`, or `$'…'` when it holds control characters.
/// An associative array key as `declare -p` shows it: double-quoted when it holds a blank
/// or a shell metacharacter.
fn assoc_key(k: &str) -> String {
    if k.chars().any(|c| " \t\n'\"\\`$|&;()<>!{}*[]?^".contains(c)) || k.starts_with(['~', '#']) {
        dq(k)
    } else {
        k.to_string()
    }
}

fn dq(s: &str) -> String {
    if crate::shell::commands::needs_ansi_c(s) {
        return crate::shell::commands::ansi_c_quote(s);
    }
    let mut out = String::from('"');
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `declare -p NAME…`: each variable as the `declare` command that recreates it.
async fn print_declarations(sh: &Shell, names: &[String], io: &Io) -> Res {
    let mut st = 0;
    let mut out = String::new();
    for name in names {
        match declaration(sh, name).or_else(|| declared_unset(sh, name)) {
            Some(d) => {
                out.push_str(&d);
                out.push('\n');
            }
            None => {
                io.stderr
                    .print(&format!("mirage: declare: {name}: not found\n"))
                    .await?;
                st = 1;
            }
        }
    }
    io.stdout.print(&out).await?;
    Ok(st)
}

/// `declare -… NAME` for a variable declared (or given attributes) but never assigned.
fn declared_unset(sh: &Shell, name: &str) -> Option<String> {
    let st = &sh.st;
    let exported = st.export_pending.contains(name);
    let case = st.case_attrs.get(name);
    if !(st.declared.contains(name)
        || st.is_local(name)
        || exported
        || st.integers.contains(name)
        || case.is_some())
    {
        return None;
    }
    let mut attrs = String::new();
    if st.integers.contains(name) {
        attrs.push('i');
    }
    if exported {
        attrs.push('x');
    }
    match case {
        Some(true) => attrs.push('u'),
        Some(false) => attrs.push('l'),
        None => {}
    }
    if attrs.is_empty() {
        attrs.push('-');
    }
    Some(format!("declare -{attrs} {name}"))
}

/// The `declare -… NAME=VALUE` command that recreates variable `name` (`declare -p`, and
/// `${a@A}` for arrays); `None` when it is not set.
pub(crate) fn declaration(sh: &Shell, name: &str) -> Option<String> {
    let v = sh.st.vars.get(name)?;
    let mut attrs = String::new();
    match &v.value {
        Value::Array(_) => attrs.push('a'),
        Value::Assoc(_) => attrs.push('A'),
        Value::Str(_) => {}
    }
    if sh.st.integers.contains(name) {
        attrs.push('i');
    }
    if v.readonly {
        attrs.push('r');
    }
    if v.exported {
        attrs.push('x');
    }
    match sh.st.case_attrs.get(name) {
        Some(true) => attrs.push('u'),
        Some(false) => attrs.push('l'),
        None => {}
    }
    if attrs.is_empty() {
        attrs.push('-');
    }
    let value = match &v.value {
        Value::Str(s) => dq(s),
        other => array_literal(other),
    };
    Some(format!("declare -{attrs} {name}={value}"))
}

/// An array's value as `declare -p` and `set` show it: `([0]="a" [1]="b")`, and for an
/// associative array `([k]="v" )` in bash's order (a scalar gives its quoted value).
fn array_literal(v: &Value) -> String {
    match v {
        Value::Str(s) => dq(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|(i, s)| format!("[{i}]={}", dq(s))).collect();
            format!("({})", items.join(" "))
        }
        Value::Assoc(m) => {
            let items: Vec<String> = crate::shell::state::bash_order(m)
                .into_iter()
                .map(|(k, s)| format!("[{}]={}", assoc_key(k), dq(s)))
                .collect();
            format!("({} )", items.join(" "))
        }
    }
}

/// `set` without arguments: every variable as bash lists them (`name=value`, quoted only
/// when needed; arrays as `name=([0]="a" …)`), then the functions.
async fn list_variables(sh: &Shell, io: &Io) -> Res {
    let mut names: Vec<_> = sh.st.vars.iter().collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (k, v) in names {
        let value = match &v.value {
            Value::Str(s) => crate::shell::commands::quote_if_needed(s).into_owned(),
            other => array_literal(other),
        };
        out.push_str(&format!("{k}={value}\n"));
    }
    let mut funcs: Vec<_> = sh.st.funcs.keys().cloned().collect();
    funcs.sort();
    for f in funcs {
        if let Some(body) = sh.st.funcs.get(&f) {
            out.push_str(&crate::shell::print::function_text(&f, body));
            out.push('\n');
        }
    }
    io.stdout.print(&out).await?;
    Ok(0)
}

async fn print_vars(
    sh: &Shell,
    io: &Io,
    filter: impl Fn(&crate::shell::state::Var) -> bool,
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
            Value::Array(_) => {
                out.push_str(&format!("declare -a {k}={}\n", array_literal(&v.value)));
            }
            Value::Assoc(_) => {
                out.push_str(&format!("declare -A {k}={}\n", array_literal(&v.value)));
            }
        }
    }
    io.stdout.print(&out).await?;
    Ok(0)
}

builtin!(export, |sh, argv, io| {
    let unexport = argv[1..].iter().any(|a| a == "-n");
    let args: Vec<String> = argv[1..]
        .iter()
        .filter(|a| *a != "-n" && *a != "-p")
        .cloned()
        .collect();
    if args.is_empty() {
        return print_vars(sh, io, |v| v.exported, "declare -x ").await;
    }
    if unexport {
        // `export -n NAME`: the variable stays, no longer exported.
        for a in &args {
            let name = decl_name(&sh.decl_raw, a);
            if let Some(v) = sh.st.vars.get_mut(&name) {
                v.exported = false;
            }
        }
        return Ok(0);
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
    let mut off = String::new();
    let mut args = Vec::new();
    for a in &argv[1..] {
        if a.starts_with('-') && args.is_empty() && a.len() > 1 {
            flags.push_str(&a[1..]);
        } else if a.starts_with('+') && args.is_empty() {
            off.push_str(&a[1..]);
        } else {
            args.push(a.clone());
        }
    }
    // `declare +i/+x/+l/+u NAME`: those attributes come off.
    let names: Vec<String> = args.iter().map(|a| decl_name(&sh.decl_raw, a)).collect();
    for name in names.iter().map(String::as_str) {
        for f in off.chars() {
            match f {
                'i' => {
                    sh.st.integers.remove(name);
                }
                'x' => {
                    if let Some(v) = sh.st.vars.get_mut(name) {
                        v.exported = false;
                    }
                }
                'l' | 'u' => {
                    sh.st.case_attrs.remove(name);
                }
                _ => {}
            }
        }
    }
    if flags.contains('f') || flags.contains('F') {
        return print_functions(sh, &args, io, flags.contains('F')).await;
    }
    if args.is_empty() {
        return print_vars(sh, io, |_| true, "declare -- ").await;
    }
    if flags.contains('p') {
        return print_declarations(sh, &args, io).await;
    }
    declare_args(sh, &args, io, &flags, local).await
});

builtin!(unset, |sh, argv, io| {
    let mut funcs = false;
    let mut refs = false;
    let mut st = 0;
    for a in &argv[1..] {
        match a.as_str() {
            "-f" => funcs = true,
            "-v" => funcs = false,
            "-n" => refs = true,
            name if funcs => {
                sh.st.funcs.remove(name);
            }
            name if refs && sh.st.vars.get(name).is_some_and(|v| v.nameref) => {
                sh.st.vars.remove(name);
            }
            name => {
                let expanded = sh.expand_one(name, io).await?;
                if let Some(open) = expanded.find('[')
                    && expanded.ends_with(']')
                {
                    let n = sh.st.resolve(&expanded[..open]).to_string();
                    let (n, ix) = (n.as_str(), &expanded[open + 1..expanded.len() - 1]);
                    if let Some(Value::Assoc(m)) = sh.st.vars.get_mut(n).map(|v| &mut v.value) {
                        m.shift_remove(ix);
                        continue;
                    }
                    let i = sh.arith(ix, io).await.unwrap_or(0);
                    if let Some(Value::Array(arr)) = sh.st.vars.get_mut(n).map(|v| &mut v.value) {
                        // A negative index counts back from the end (`unset 'a[-1]'`).
                        let i = if i < 0 {
                            arr.keys().next_back().map_or(i, |last| last + 1 + i)
                        } else {
                            i
                        };
                        arr.remove(&i);
                    }
                    continue;
                }
                // `unset f` with no variable `f` removes the function `f`, as bash does.
                if !sh.st.vars.contains_key(sh.st.resolve(&expanded))
                    && sh.st.funcs.remove(&expanded).is_some()
                {
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

/// The `set -o` options and whether each is on, in bash's order; the ones mirage does not
/// have keep bash's defaults for a script.
pub(crate) fn set_options(sh: &Shell) -> Vec<(&'static str, bool)> {
    let o = sh.st.opts;
    vec![
        ("allexport", false),
        ("braceexpand", true),
        ("emacs", false),
        ("errexit", o.errexit),
        ("errtrace", false),
        ("functrace", false),
        ("hashall", true),
        ("histexpand", false),
        ("history", false),
        ("ignoreeof", false),
        ("interactive-comments", true),
        ("keyword", false),
        ("monitor", false),
        ("noclobber", o.noclobber),
        ("noexec", o.noexec),
        ("noglob", o.noglob),
        ("nolog", false),
        ("notify", false),
        ("nounset", o.nounset),
        ("onecmd", false),
        ("physical", false),
        ("pipefail", o.pipefail),
        ("posix", false),
        ("privileged", false),
        ("verbose", false),
        ("vi", false),
        ("xtrace", o.xtrace),
    ]
}

/// Turns `set -o NAME` on or off.
fn set_named(sh: &mut Shell, name: &str, on: bool) -> Result<(), String> {
    match name {
        "errexit" => sh.st.opts.errexit = on,
        "nounset" => sh.st.opts.nounset = on,
        "pipefail" => sh.st.opts.pipefail = on,
        "xtrace" => sh.st.opts.xtrace = on,
        "noglob" => sh.st.opts.noglob = on,
        "noclobber" => sh.st.opts.noclobber = on,
        "noexec" => sh.st.opts.noexec = on,
        "posix"
        | "braceexpand"
        | "interactive-comments"
        | "monitor"
        | "vi"
        | "emacs"
        | "hashall"
        | "errtrace"
        | "functrace"
        | "ignoreeof"
        | "notify" => {}
        other => return Err(format!("set: {other}: invalid option name")),
    }
    Ok(())
}

builtin!(set, |sh, argv, io| {
    let mut i = 1;
    if argv.len() == 1 {
        return list_variables(sh, io).await;
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
        if body == "o" && argv.get(i + 1).is_none() {
            let mut out = String::new();
            for (n, v) in set_options(sh) {
                out.push_str(&format!("{n:<15}\t{}\n", if v { "on" } else { "off" }));
            }
            io.stdout.print(&out).await?;
            return Ok(0);
        }
        // A cluster such as `-euo pipefail`: each `o` takes the next word as its name.
        for c in body.chars() {
            let r = match c {
                'o' => {
                    i += 1;
                    match argv.get(i) {
                        Some(name) => set_named(sh, name, on),
                        None => Err("set: -o: option name required".to_string()),
                    }
                }
                'e' => set_named(sh, "errexit", on),
                'u' => set_named(sh, "nounset", on),
                'x' => set_named(sh, "xtrace", on),
                'f' => set_named(sh, "noglob", on),
                'C' => set_named(sh, "noclobber", on),
                'n' => set_named(sh, "noexec", on),
                'v' | 'h' | 'B' | 'H' | 'm' => Ok(()),
                other => Err(format!("set: -{other}: invalid option")),
            };
            if let Err(m) = r {
                return fail(io, m, 2).await;
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

/// `declare -f [NAME…]`: the functions as bash prints them (all, sorted, without names);
/// `declare -F`: their names only. Status 1 when a name is not a function.
async fn print_functions(sh: &mut Shell, names: &[String], io: &Io, only_names: bool) -> Res {
    let mut all: Vec<&String> = sh.st.funcs.keys().collect();
    all.sort();
    let wanted: Vec<&String> = if names.is_empty() {
        all
    } else {
        names.iter().collect()
    };
    let mut out = String::new();
    let mut st = 0;
    for name in wanted {
        let Some(body) = sh.st.funcs.get(name) else {
            st = 1;
            continue;
        };
        if only_names {
            if names.is_empty() {
                out.push_str("declare -f ");
            }
            out.push_str(name);
        } else {
            out.push_str(&crate::shell::print::function_text(name, body));
        }
        out.push('\n');
    }
    io.stdout.print(&out).await?;
    Ok(st)
}
