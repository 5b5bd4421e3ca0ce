//! Signals inside the in-process shell: `trap` handlers for signals and `kill`. No signal
//! reaches the session from outside (it has no process of its own), but a script may signal
//! itself (`kill -TERM $$`): the trap runs, or the default action ends the script with
//! 128 + the signal number, as bash reports a shell killed by a signal.

use super::fail;

/// Signal names and numbers (Linux x86-64) the shell knows.
const SIGNALS: &[(&str, i32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("STKFLT", 16),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("PWR", 30),
    ("SYS", 31),
];

/// bash's `kill -l` / `trap -l` table: `N) SIGNAME`, five to a line, real-time signals included.
pub(super) fn signal_table() -> String {
    let mut names: Vec<(i32, String)> = SIGNALS
        .iter()
        .map(|(s, n)| (*n, format!("SIG{s}")))
        .collect();
    names.extend((34..=64).map(|n| {
        let name = match n {
            34 => "SIGRTMIN".to_string(),
            35..=49 => format!("SIGRTMIN+{}", n - 34),
            64 => "SIGRTMAX".to_string(),
            _ => format!("SIGRTMAX-{}", 64 - n),
        };
        (n, name)
    }));
    names.sort();
    let mut out = String::new();
    for (i, (n, name)) in names.iter().enumerate() {
        out.push_str(&format!("{n:2}) {name}"));
        out.push(if (i + 1) % 5 == 0 { '\n' } else { '\t' });
    }
    if !names.len().is_multiple_of(5) {
        out.push('\n');
    }
    out
}

/// The canonical name (`TERM`) and number of a signal given as `TERM`, `SIGTERM`, `term`
/// or `15`.
pub(super) fn signal(spec: &str) -> Option<(&'static str, i32)> {
    if let Ok(n) = spec.parse::<i32>() {
        return SIGNALS.iter().find(|(_, k)| *k == n).copied();
    }
    let up = spec.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    SIGNALS.iter().find(|(s, _)| *s == name).copied()
}

/// Signals whose default action does not end a process.
fn ignored_by_default(name: &str) -> bool {
    matches!(name, "CHLD" | "CONT" | "URG" | "WINCH")
}

builtin!(kill, |sh, argv, io| {
    let mut sig = ("TERM", 15);
    let mut pids = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "-s" || a == "-n" {
            i += 1;
            let Some(s) = argv.get(i).and_then(|s| signal(s)) else {
                let bad = argv.get(i).cloned().unwrap_or_default();
                return fail(io, format!("kill: {bad}: invalid signal specification"), 1).await;
            };
            sig = s;
        } else if a == "-l" || a == "-L" {
            // `kill -l N`: the name of signal N (or of the signal that ended status N).
            let mut out = String::new();
            for n in &argv[i + 1..] {
                let k = n.parse::<i32>().map(|k| if k > 128 { k - 128 } else { k });
                match k.ok().and_then(|k| signal(&k.to_string())) {
                    Some((name, _)) => out.push_str(&format!("{name}\n")),
                    None => {
                        return fail(io, format!("kill: {n}: invalid signal specification"), 1)
                            .await;
                    }
                }
            }
            if argv.len() == i + 1 {
                out = signal_table();
            }
            io.stdout.print(&out).await?;
            return Ok(0);
        } else if a == "-0" {
            sig = ("0", 0);
        } else if let Some(s) = a
            .strip_prefix('-')
            .filter(|s| !s.is_empty() && pids.is_empty())
        {
            match signal(s) {
                Some(s) => sig = s,
                None => {
                    return fail(io, format!("kill: {s}: invalid signal specification"), 1).await;
                }
            }
        } else {
            pids.push(a.to_string());
        }
        i += 1;
    }
    if pids.is_empty() {
        return fail(
            io,
            "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid ...".into(),
            2,
        )
        .await;
    }
    let me = std::process::id().to_string();
    let mut st = 0;
    let mut deliver = false;
    for p in &pids {
        let job = sh.jobs.resolve(p).filter(|pid| sh.jobs.is_running(*pid));
        if *p == me || p == "0" {
            deliver = true;
        } else if let Some(pid) = job {
            if sig.1 != 0 {
                sh.jobs.kill(pid, sig.1);
            }
        } else if p.starts_with('%') {
            io.stderr
                .print(&format!("mirage: kill: {p}: no such job\n"))
                .await?;
            st = 1;
        } else {
            io.stderr
                .print(&format!("mirage: kill: ({p}) - No such process\n"))
                .await?;
            st = 1;
        }
    }
    if !deliver || sig.1 == 0 {
        return Ok(st);
    }
    let (name, num) = sig;
    match sh.st.signal_traps.get(name).cloned() {
        Some(handler) if handler.is_empty() => {}
        Some(handler) => {
            let saved = sh.st.status;
            if let Ok(node) = crate::shell::parse::parse(&handler) {
                sh.run(&node, io).await?;
            }
            sh.st.status = saved;
        }
        None if ignored_by_default(name) => {}
        None => return Err(crate::shell::ShellError::Exit(128 + num)),
    }
    Ok(st)
});
