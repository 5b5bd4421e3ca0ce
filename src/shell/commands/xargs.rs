//! `xargs [-0] [-n N] [-I STR] [-d DELIM] [-r] [-t] [COMMAND [ARG]...]`: runs the command
//! (default `echo`) in this shell, with arguments read from stdin.

use super::{Args, Spec};

const SPEC: Spec = Spec {
    short: "0n:I:d:rtL:P:s:x",
    long: &[
        ("null", '0', false),
        ("max-args", 'n', true),
        ("replace", 'I', true),
        ("delimiter", 'd', true),
        ("no-run-if-empty", 'r', false),
        ("verbose", 't', false),
        ("max-lines", 'L', true),
        ("max-procs", 'P', true),
    ],
    bad_status: 1,
    numeric: false,
};

/// Splits xargs input: blanks and newlines separate, quotes and backslashes group.
fn split(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut it = text.chars();
    while let Some(ch) = it.next() {
        match ch {
            ' ' | '\t' | '\n' => {
                if have {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            '\'' | '"' => {
                have = true;
                loop {
                    match it.next() {
                        Some(c) if c == ch => break,
                        Some('\n') | None => {
                            return Err(format!(
                                "unmatched {} quote; by default quotes are special to xargs unless you use the -0 option",
                                if ch == '"' { "double" } else { "single" }
                            ));
                        }
                        Some(c) => cur.push(c),
                    }
                }
            }
            '\\' => {
                have = true;
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            c => {
                have = true;
                cur.push(c);
            }
        }
    }
    if have {
        out.push(cur);
    }
    Ok(out)
}

command!(|c| {
    // Options end at the first operand (the command).
    let argv = c.argv[1..].to_vec();
    let mut split_at = 0;
    while split_at < argv.len() && argv[split_at].starts_with('-') && argv[split_at] != "-" {
        let a = &argv[split_at];
        split_at += 1;
        if matches!(a.as_str(), "-n" | "-I" | "-d" | "-L" | "-P" | "-s") {
            split_at += 1;
        }
    }
    let split_at = split_at.min(argv.len());
    let a = match Args::parse(&argv[..split_at], &SPEC) {
        Ok(a) => a,
        Err(m) => {
            c.err(&m).await?;
            return Ok(1);
        }
    };
    let mut cmd: Vec<String> = argv[split_at..].to_vec();
    if cmd.is_empty() {
        cmd.push("echo".into());
    }
    let input = String::from_utf8_lossy(&c.stdin().await?).into_owned();
    let items: Vec<String> = if a.has('0') {
        input
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    } else if let Some(d) = a.value('d') {
        let d = super::echo::unescape(d).0;
        let mut v: Vec<String> = input.split(d.as_str()).map(String::from).collect();
        if v.last().is_some_and(|l| l.is_empty() || l == "\n") {
            v.pop();
        }
        v
    } else if a.has('I') || a.has('L') {
        input
            .lines()
            .map(|l| l.trim_start().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        match split(&input) {
            Ok(v) => v,
            Err(m) => {
                c.err(&m).await?;
                return Ok(1);
            }
        }
    };
    if items.is_empty() && (a.has('r') || a.has('I')) {
        return Ok(0);
    }
    let mut runs: Vec<Vec<String>> = Vec::new();
    if let Some(rep) = a.value('I') {
        for it in &items {
            runs.push(cmd.iter().map(|x| x.replace(rep, it)).collect());
        }
    } else {
        let n: usize = a
            .value('n')
            .or(a.value('L'))
            .and_then(|v| v.parse().ok())
            .unwrap_or(5000)
            .max(1);
        if items.is_empty() {
            runs.push(cmd.clone());
        }
        for chunk in items.chunks(n) {
            let mut argv = cmd.clone();
            argv.extend(chunk.iter().cloned());
            runs.push(argv);
        }
    }
    let mut st = 0;
    for argv in runs {
        if a.has('t') {
            c.io.stderr.print(&format!("{}\n", argv.join(" "))).await?;
        }
        let r = c.sh.dispatch(argv.clone(), &c.io).await?;
        if r == 127 {
            return Ok(127);
        }
        if r == 255 {
            c.err(&format!("{}: exited with status 255; aborting", argv[0]))
                .await?;
            return Ok(124);
        }
        if r != 0 {
            st = 123;
        }
    }
    Ok(st)
});
