//! Session builtins: `trap`, `shopt`, the directory stack (`pushd`, `popd`, `dirs`) and
//! `getopts`.

use super::{Res, cd, fail};
use crate::shell::Shell;
use crate::shell::io::Io;

/// What `trap` can set: the shell's own conditions and the signals a script sends itself.
enum TrapSpec {
    Exit,
    Err,
    Signal(&'static str),
    /// DEBUG and RETURN: accepted, not run.
    Ignored,
}

fn trap_spec(s: &str) -> Option<TrapSpec> {
    match s.to_ascii_uppercase().as_str() {
        "EXIT" | "0" | "SIGEXIT" => Some(TrapSpec::Exit),
        "ERR" => Some(TrapSpec::Err),
        "DEBUG" | "RETURN" => Some(TrapSpec::Ignored),
        _ => super::signals::signal(s).map(|(n, _)| TrapSpec::Signal(n)),
    }
}

/// `trap -- 'action' NAME` lines for the traps in `specs` (all when empty).
fn print_traps(sh: &Shell, specs: &[String]) -> String {
    let line = |t: &str, name: &str| {
        format!(
            "trap -- {} {name}\n",
            crate::shell::commands::quote_reusable(t)
        )
    };
    let mut out = String::new();
    let all = specs.is_empty();
    let wanted = |n: &str| {
        all || specs.iter().any(|s| match trap_spec(s) {
            Some(TrapSpec::Exit) => n == "EXIT",
            Some(TrapSpec::Err) => n == "ERR",
            Some(TrapSpec::Signal(sig)) => n == format!("SIG{sig}"),
            _ => false,
        })
    };
    if let Some(t) = &sh.st.exit_trap
        && wanted("EXIT")
    {
        out.push_str(&line(t, "EXIT"));
    }
    for (sig, t) in &sh.st.signal_traps {
        let name = format!("SIG{sig}");
        if wanted(&name) {
            out.push_str(&line(t, &name));
        }
    }
    if let Some(t) = &sh.st.err_trap
        && wanted("ERR")
    {
        out.push_str(&line(t, "ERR"));
    }
    out
}

builtin!(trap, |sh, argv, io| {
    let mut args: Vec<String> = argv[1..].to_vec();
    match args.first().map(String::as_str) {
        None | Some("-p") => {
            let out = print_traps(sh, args.get(1..).unwrap_or_default());
            io.stdout.print(&out).await?;
            return Ok(0);
        }
        Some("-l") => {
            io.stdout.print(&super::signals::signal_table()).await?;
            return Ok(0);
        }
        Some("--") => {
            args.remove(0);
        }
        _ => {}
    }
    // `trap SIG…` with one operand that names a signal resets it, as `trap - SIG` does.
    let (action, sigs) = match args.split_first() {
        Some((a, rest)) if !rest.is_empty() => (a.clone(), rest.to_vec()),
        Some((a, _)) if trap_spec(a).is_some() => ("-".to_string(), vec![a.clone()]),
        _ => return Ok(0),
    };
    let reset = action == "-";
    let mut st = 0;
    for sig in &sigs {
        let slot = if reset { None } else { Some(action.clone()) };
        match trap_spec(sig) {
            Some(TrapSpec::Exit) => sh.st.exit_trap = slot,
            Some(TrapSpec::Err) => sh.st.err_trap = slot,
            Some(TrapSpec::Signal(name)) => match slot {
                None => {
                    sh.st.signal_traps.remove(name);
                }
                Some(a) => {
                    sh.st.signal_traps.insert(name.to_string(), a);
                }
            },
            Some(TrapSpec::Ignored) => {}
            None => {
                io.stderr
                    .print(&format!(
                        "mirage: trap: {sig}: invalid signal specification\n"
                    ))
                    .await?;
                st = 1;
            }
        }
    }
    Ok(st)
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
                    let _ = sh.st.unset("OPTARG");
                    io.stderr
                        .print(&format!("mirage: option requires an argument -- {c}\n"))
                        .await?;
                    set(sh, &var, "?".into());
                }
            }
        }
        pos = chars.len();
    } else {
        // An option without an argument leaves OPTARG unset, as bash does.
        let _ = sh.st.unset("OPTARG");
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

builtin!(alias, |sh, argv, io| {
    let line =
        |n: &str, v: &str| format!("alias {n}={}\n", crate::shell::commands::quote_reusable(v));
    let args: Vec<&String> = argv[1..].iter().filter(|a| *a != "-p").collect();
    if args.is_empty() {
        let all: String = sh.st.aliases.iter().map(|(n, v)| line(n, v)).collect();
        io.stdout.print(&all).await?;
        return Ok(0);
    }
    let mut st = 0;
    for a in args {
        match a.split_once('=') {
            Some((n, v)) => {
                sh.st.aliases.insert(n.to_string(), v.to_string());
            }
            None => match sh.st.aliases.get(a.as_str()) {
                Some(v) => io.stdout.print(&line(a, v)).await?,
                None => {
                    io.stderr
                        .print(&format!("mirage: alias: {a}: not found\n"))
                        .await?;
                    st = 1;
                }
            },
        }
    }
    Ok(st)
});

builtin!(unalias, |sh, argv, io| {
    let mut st = 0;
    for a in &argv[1..] {
        if a == "-a" {
            sh.st.aliases.clear();
        } else if sh.st.aliases.remove(a.as_str()).is_none() {
            io.stderr
                .print(&format!("mirage: unalias: {a}: not found\n"))
                .await?;
            st = 1;
        }
    }
    Ok(st)
});

builtin!(umask, |sh, argv, io| {
    let symbolic = argv.iter().any(|a| a == "-S");
    match argv[1..].iter().find(|a| !a.starts_with('-')) {
        None if symbolic => {
            let allowed = !sh.st.umask & 0o777;
            let part = |shift: u32| {
                let p = (allowed >> shift) & 7;
                [(4, 'r'), (2, 'w'), (1, 'x')]
                    .iter()
                    .filter(|(b, _)| p & b != 0)
                    .map(|(_, c)| *c)
                    .collect::<String>()
            };
            let text = format!("u={},g={},o={}\n", part(6), part(3), part(0));
            io.stdout.print(&text).await?;
            Ok(0)
        }
        None => {
            io.stdout.print(&format!("{:04o}\n", sh.st.umask)).await?;
            Ok(0)
        }
        Some(m) => match u32::from_str_radix(m, 8) {
            Ok(v) if v <= 0o777 => {
                sh.st.umask = v;
                Ok(0)
            }
            _ => fail(io, format!("umask: {m}: octal number out of range"), 1).await,
        },
    }
});

builtin!(wait, |sh, argv, io| {
    let any = argv[1..].iter().any(|a| a == "-n");
    let specs: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    if specs.is_empty() {
        let next = sh.jobs.clone().wait_all(sh.job_owner, any).await;
        return Ok(if any {
            next.map_or(127, |(_, st)| st)
        } else {
            0
        });
    }
    let mut st = 0;
    for a in specs {
        let status = match sh.jobs.resolve(a) {
            Some(pid) => sh.jobs.clone().wait_for(pid).await,
            None => None,
        };
        match status {
            Some(s) => st = s,
            None if a.starts_with('%') => {
                io.stderr
                    .print(&format!("mirage: wait: {a}: no such job\n"))
                    .await?;
                st = 127;
            }
            None => {
                io.stderr
                    .print(&format!(
                        "mirage: wait: pid {a} is not a child of this shell\n"
                    ))
                    .await?;
                st = 127;
            }
        }
    }
    Ok(st)
});

// `jobs`: the background jobs, bash's way. Jobs that ended are reported once (and listed by
// `-p`) by a script file or stdin script, never by a `-c` string (as bash); `-r` running
// ones only, `-s` stopped ones (none here), `-p` pids.
builtin!(jobs, |sh, argv, io| {
    let flags: String = argv[1..]
        .iter()
        .filter(|a| a.starts_with('-'))
        .flat_map(|a| a[1..].chars())
        .collect();
    if flags.contains('s') {
        return Ok(0);
    }
    use crate::shell::state::Source;
    let file = matches!(sh.st.opts.source, Source::File | Source::Stdin);
    let text = if flags.contains('p') {
        sh.jobs
            .listed(file)
            .iter()
            .map(|pid| format!("{pid}\n"))
            .collect()
    } else {
        sh.jobs.report(file && !flags.contains('r'))
    };
    io.stdout.print(&text).await?;
    Ok(0)
});

// `disown [-a] [ID…]`: the jobs run on, unseen by `jobs` and `wait`.
builtin!(disown, |sh, argv, _io| {
    let mut pids: Vec<u32> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| sh.jobs.resolve(a))
        .collect();
    if argv[1..].iter().any(|a| a == "-a") {
        pids = sh.jobs.running(None);
    } else if argv.len() == 1 && sh.st.last_bg > 0 {
        pids.push(sh.st.last_bg);
    }
    for pid in pids {
        sh.jobs.disown(pid);
    }
    Ok(0)
});
