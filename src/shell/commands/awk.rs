//! `awk [-F FS] [-v VAR=VAL]... [-f PROGFILE | 'PROGRAM'] [FILE | VAR=VAL]...`: a POSIX awk
//! with common gawk extensions (see [`interp`]). Input files and files named by string literals
//! in the program (for `getline < "file"`) are read from the VFS before the program starts;
//! `print > "file"` output is written when it ends.

mod interp;
mod lex;
mod parse;

use interp::{Flow, Runtime, Val};

fn unescape_fs(s: &str) -> String {
    if s == "t" || s == "\\t" {
        return "\t".into();
    }
    super::echo::unescape(s).0
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    let mut fs: Option<String> = None;
    let mut assigns: Vec<(String, String)> = Vec::new();
    let mut prog_text: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if let Some(v) = a.strip_prefix("-F") {
            fs = Some(if v.is_empty() {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            } else {
                v.to_string()
            });
        } else if let Some(v) = a.strip_prefix("-v") {
            let v = if v.is_empty() {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            } else {
                v.to_string()
            };
            match v.split_once('=') {
                Some((k, val)) => assigns.push((k.to_string(), super::echo::unescape(val).0)),
                None => {
                    c.err(&format!("`{v}' argument to `-v' not in `var=value' form"))
                        .await?;
                    return Ok(2);
                }
            }
        } else if let Some(v) = a.strip_prefix("-f") {
            let f = if v.is_empty() {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            } else {
                v.to_string()
            };
            match c.read_arg(&f).await {
                Ok(d) => {
                    prog_text =
                        Some(prog_text.unwrap_or_default() + &String::from_utf8_lossy(&d) + "\n")
                }
                Err(e) => {
                    c.err(&format!(
                        "fatal: can't open source file `{f}' for reading: {}",
                        e.user_message()
                    ))
                    .await?;
                    return Ok(2);
                }
            }
        } else if a.starts_with('-') && a.len() > 1 && prog_text.is_none() {
            c.err(&format!("unknown option {a}")).await?;
            return Ok(2);
        } else {
            break;
        }
        i += 1;
    }
    let prog_text = match prog_text {
        Some(p) => p,
        None => match args.get(i) {
            Some(p) => {
                i += 1;
                p.clone()
            }
            None => {
                c.io.stderr
                    .print("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n")
                    .await?;
                return Ok(2);
            }
        },
    };
    let operands: Vec<String> = args[i.min(args.len())..].to_vec();
    let toks = match lex::lex(&prog_text) {
        Ok(t) => t,
        Err(m) => {
            c.err(&m).await?;
            return Ok(2);
        }
    };
    let literals: Vec<String> = toks
        .iter()
        .filter_map(|t| {
            if let lex::Tok::Str(s) = t {
                Some(s.clone())
            } else {
                None
            }
        })
        .collect();
    let prog = match parse::parse(toks) {
        Ok(p) => p,
        Err(m) => {
            c.err(&m).await?;
            c.io.stderr
                .print(&format!(
                    " source line number 1\n context is\n\t{}\n",
                    prog_text.lines().next().unwrap_or("")
                ))
                .await?;
            return Ok(2);
        }
    };
    let mut rt = Runtime::new(prog);
    rt.loop_budget = c.sh.budget.limits().loop_iterations;
    if let Some(f) = fs {
        rt.set_var("FS", Val::Str(unescape_fs(&f)));
    }
    for (k, v) in c.sh.st.exported() {
        rt.set_elem("ENVIRON", &k, Val::StrNum(v));
    }
    rt.set_elem("ARGV", "0", Val::Str("awk".into()));
    for (n, o) in operands.iter().enumerate() {
        rt.set_elem("ARGV", &(n + 1).to_string(), Val::Str(o.clone()));
    }
    rt.set_var("ARGC", Val::Num(operands.len() as f64 + 1.0));
    for (k, v) in &assigns {
        rt.set_var(k, Val::StrNum(v.clone()));
    }
    for lit in literals.iter().chain(operands.iter()) {
        if lit.is_empty() || lit.contains('\n') || lit.len() > 4096 || rt.readable.contains_key(lit)
        {
            continue;
        }
        if let Ok(p) = c.path(lit)
            && let Ok((_, m)) = c.stat(&p).await
            && !m.is_dir()
            && let Ok(d) = c.read_path(&p).await
        {
            let lines = String::from_utf8_lossy(&d)
                .lines()
                .map(String::from)
                .collect();
            rt.readable.insert(lit.clone(), (lines, 0));
        }
    }
    let mut status = 0;
    let mut exited = false;
    let finish = |r: Result<(), Flow>, status: &mut i32, exited: &mut bool| -> Option<String> {
        match r {
            Ok(()) | Err(Flow::Next) | Err(Flow::NextFile) | Err(Flow::Break)
            | Err(Flow::Continue) | Err(Flow::Return(_)) => None,
            Err(Flow::Exit(n)) => {
                *status = n;
                *exited = true;
                None
            }
            Err(Flow::Error(m)) => {
                *status = 2;
                *exited = true;
                Some(m)
            }
        }
    };
    if let Some(m) = finish(rt.begin(), &mut status, &mut exited) {
        c.err(&format!("fatal: {m}")).await?;
        c.out(&rt.out).await?;
        return Ok(2);
    }
    if !exited && !rt.begin_only() {
        let mut inputs: Vec<(String, Option<String>)> = Vec::new();
        let files: Vec<&String> = operands
            .iter()
            .filter(|o| {
                !(o.contains('=') && super::super::lex::is_name(o.split('=').next().unwrap_or("")))
            })
            .collect();
        let mut failed = false;
        for o in &operands {
            if let Some((k, v)) = o.split_once('=')
                && super::super::lex::is_name(k)
            {
                inputs.push((k.to_string(), Some(v.to_string())));
                continue;
            }
            inputs.push((o.clone(), None));
        }
        // With no file operands stdin is read once every assignment has been made.
        if files.is_empty() {
            inputs.push(("".into(), None));
        }
        'files: for (name, assign) in inputs {
            if let Some(v) = assign {
                rt.set_var(&name, Val::StrNum(super::echo::unescape(&v).0));
                continue;
            }
            let data = if name.is_empty() || name == "-" {
                c.stdin().await?
            } else {
                match c.read_arg(&name).await {
                    Ok(d) => d.to_vec(),
                    Err(e) => {
                        c.err(&format!(
                            "fatal: cannot open file `{name}' for reading: {}",
                            e.user_message()
                        ))
                        .await?;
                        failed = true;
                        break;
                    }
                }
            };
            // Standard input is `-`, as mawk (Debian's awk) names it.
            let shown = if name.is_empty() { "-" } else { name.as_str() };
            rt.set_var("FILENAME", Val::Str(shown.to_string()));
            rt.set_var("FNR", Val::Num(0.0));
            let text = String::from_utf8_lossy(&data).into_owned();
            let recs = rt.records(&text);
            rt.pending = recs.into();
            while let Some(rec) = rt.pending.pop_front() {
                let r = rt.record(rec);
                if matches!(r, Err(Flow::NextFile)) {
                    continue 'files;
                }
                if let Some(m) = finish(r, &mut status, &mut exited) {
                    c.print(&String::from_utf8_lossy(&std::mem::take(&mut rt.out)))
                        .await?;
                    c.err(&format!("fatal: {m}")).await?;
                    return Ok(2);
                }
                if exited {
                    break 'files;
                }
                if rt.out.len() > 1 << 16 {
                    c.out(&std::mem::take(&mut rt.out)).await?;
                }
            }
        }
        if failed {
            status = 2;
        }
    }
    if status != 2 || !exited {
        let was_exit = exited;
        exited = false;
        if let Some(m) = finish(rt.end(), &mut status, &mut exited) {
            c.out(&std::mem::take(&mut rt.out)).await?;
            c.err(&format!("fatal: {m}")).await?;
            return Ok(2);
        }
        let _ = was_exit;
    }
    c.out(&std::mem::take(&mut rt.out)).await?;
    for (name, data, append) in std::mem::take(&mut rt.files) {
        let r = match c.path(&name) {
            Ok(p) => c.vfs().write_all(&p, &data, append).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.err(&format!(
                "fatal: can't redirect to `{name}': {}",
                e.user_message()
            ))
            .await?;
            status = 2;
        }
    }
    if let Some(m) = rt.missing.first() {
        c.err(&format!("warning: getline: cannot open `{m}'"))
            .await?;
    }
    Ok(status)
});
