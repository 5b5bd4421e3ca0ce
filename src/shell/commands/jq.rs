//! `jq [-rcnsSejR] [--arg N V] [--argjson N J] [--tab] [--indent N] FILTER [FILE]...` on the
//! jaq crates. Builtins that would reach outside the shell (`env`, `halt`, `halt_error`,
//! `debug`, `stderr`, `input_filename`) are removed; `$ENV` is the shell's exported variables.

use std::fmt::Write as _;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, RcIter};
use jaq_json::Val;

use super::Spec;

mod parse;

use parse::{JsonStream, parse_all};

const SPEC: Spec = Spec {
    short: "rcnsSejRaMCr",
    long: &[
        ("raw-output", 'r', false),
        ("compact-output", 'c', false),
        ("null-input", 'n', false),
        ("slurp", 's', false),
        ("sort-keys", 'S', false),
        ("exit-status", 'e', false),
        ("join-output", 'j', false),
        ("raw-input", 'R', false),
        ("tab", 't', false),
        ("indent", 'i', true),
        ("ascii-output", 'a', false),
        ("monochrome-output", 'M', false),
        ("color-output", 'C', false),
    ],
    bad_status: 2,
    numeric: false,
};

/// Natives that would leave the shell (process environment, process exit, host stderr).
const BLOCKED: &[&str] = &[
    "env",
    "halt",
    "halt_error",
    "debug",
    "stderr",
    "input_filename",
];
/// Safe stand-ins, defined before the standard library so its definitions use them.
const SHIMS: &str = "def env: $ENV; def halt: [] | .[]; def halt_error($code): error; def debug: .; def stderr: .; def input_filename: {} | .a;";

/// Numbers as jq 1.6 prints them: integral values below 1e17 without a fraction, others in
/// shortest form with a signed exponent.
fn write_num(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "null"
        } else if x > 0.0 {
            "1.7976931348623157e+308"
        } else {
            "-1.7976931348623157e+308"
        });
    } else if x.fract() == 0.0 && x.abs() < 1e17 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        if (-5..17).contains(&e) {
            let _ = write!(out, "{x}");
        } else {
            let _ = write!(out, "{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
        }
    }
}

struct Fmt {
    indent: String,
    compact: bool,
    sort: bool,
}

fn write_str(out: &mut String, s: &str) {
    struct S<'a>(&'a str);
    impl std::fmt::Display for S<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            jaq_json::fmt_str(f, self.0)
        }
    }
    let _ = write!(out, "{}", S(s));
}

fn write_val(out: &mut String, v: &Val, f: &Fmt, level: usize) {
    let nl = |out: &mut String, level: usize| {
        if !f.compact {
            out.push('\n');
            for _ in 0..level {
                out.push_str(&f.indent);
            }
        }
    };
    match v {
        Val::Str(s) => write_str(out, s),
        Val::Float(x) => write_num(out, *x),
        Val::Num(n) => match n.parse::<f64>() {
            Ok(x) => write_num(out, x),
            Err(_) => out.push_str(n),
        },
        Val::Arr(a) if a.is_empty() => out.push_str("[]"),
        Val::Arr(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_val(out, x, f, level + 1);
            }
            nl(out, level);
            out.push(']');
        }
        Val::Obj(o) if o.is_empty() => out.push_str("{}"),
        Val::Obj(o) => {
            out.push('{');
            let mut items: Vec<_> = o.iter().collect();
            if f.sort {
                items.sort_by(|a, b| a.0.cmp(b.0));
            }
            for (i, (k, x)) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_str(out, k);
                out.push(':');
                if !f.compact {
                    out.push(' ');
                }
                write_val(out, x, f, level + 1);
            }
            nl(out, level);
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

command!(|c| {
    // `--arg NAME VALUE` / `--argjson NAME JSON` take two values: pull them out first.
    let mut named: Vec<(bool, String, String)> = Vec::new();
    let mut rest = vec![c.argv[0].clone()];
    let mut i = 1;
    while i < c.argv.len() {
        let x = c.argv[i].as_str();
        if (x == "--arg" || x == "--argjson") && i + 2 < c.argv.len() {
            named.push((x == "--arg", c.argv[i + 1].clone(), c.argv[i + 2].clone()));
            i += 3;
            continue;
        }
        if x == "--arg" || x == "--argjson" {
            c.err(&format!(
                "{x} takes two parameters (e.g. {x} varname value)"
            ))
            .await?;
            return Ok(2);
        }
        rest.push(c.argv[i].clone());
        i += 1;
    }
    c.argv = rest;
    let a = opts!(c, SPEC);
    let mut ops = a.operands.clone();
    if ops.is_empty() {
        c.io.stderr
            .print("Usage:\tjq [OPTIONS] FILTER [FILES...]\n")
            .await?;
        return Ok(2);
    }
    let filter_text = ops.remove(0);
    // --arg/--argjson take two values: the name was parsed as the option value, the value is
    // the next operand.
    let mut names = vec!["$ENV".to_string()];
    let env = <Val as jaq_core::ValT>::from_map(
        c.sh.st
            .exported()
            .into_iter()
            .map(|(k, v)| (Val::from(k), Val::from(v))),
    )
    .unwrap_or(Val::Null);
    let mut values = vec![env];
    for (is_str, name, raw) in named {
        let val = if is_str {
            Val::from(raw)
        } else {
            match parse_all(raw.as_bytes()) {
                Ok(mut v) if v.len() == 1 => v.remove(0),
                _ => {
                    c.err(&format!(
                        "--argjson {name}: invalid JSON text passed to --argjson"
                    ))
                    .await?;
                    return Ok(2);
                }
            }
        };
        names.push(format!("${name}"));
        values.push(val);
    }
    let arena = Arena::default();
    let shims = jaq_core::load::parse(SHIMS, |p| p.defs()).unwrap_or_default();
    let defs = shims
        .into_iter()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let loader = Loader::new(defs);
    let modules = match loader.load(
        &arena,
        File {
            code: filter_text.as_str(),
            path: (),
        },
    ) {
        Ok(m) => m,
        Err(errs) => {
            c.io.stderr
                .print(&format!(
                    "jq: error: syntax error in filter: {}\njq: 1 compile error\n",
                    describe(&errs)
                ))
                .await?;
            return Ok(3);
        }
    };
    let funs = jaq_std::funs()
        .chain(jaq_json::funs())
        .filter(|(name, _, _)| !BLOCKED.contains(name));
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(|s| s.as_str()))
        .compile(modules)
    {
        Ok(f) => f,
        Err(errs) => {
            c.io.stderr
                .print(&format!(
                    "jq: error: {}\njq: 1 compile error\n",
                    describe(&errs)
                ))
                .await?;
            return Ok(3);
        }
    };
    // Inputs.
    let mut raw = Vec::new();
    if ops.is_empty() {
        raw.push(("<stdin>".to_string(), bytes::Bytes::from(c.stdin().await?)));
    }
    for f in &ops {
        match c.read_arg(f).await {
            Ok(d) => raw.push((f.clone(), d)),
            Err(e) => {
                c.err(&format!("error: Could not open {f}: {}", e.user_message()))
                    .await?;
                return Ok(2);
            }
        }
    }
    // Inputs are parsed lazily, one value at a time, so a large JSONL file is never held as
    // values all at once; `input`/`inputs` inside the filter draw from the same stream.
    let stream: Box<dyn Iterator<Item = Result<Val, String>>> = if a.has('R') {
        let mut vals = Vec::new();
        for (_, d) in &raw {
            let text = String::from_utf8_lossy(d);
            if a.has('s') {
                vals.push(Val::from(text.into_owned()));
            } else {
                vals.extend(
                    text.split_terminator('\n')
                        .map(|l| Val::from(l.to_string())),
                );
            }
        }
        if a.has('s') && vals.len() > 1 {
            let joined: String = vals
                .iter()
                .filter_map(|v| {
                    if let Val::Str(s) = v {
                        Some(s.to_string())
                    } else {
                        None
                    }
                })
                .collect();
            vals = vec![Val::from(joined)];
        }
        Box::new(vals.into_iter().map(Ok))
    } else {
        Box::new(JsonStream::new(raw.clone()))
    };
    let stream: Box<dyn Iterator<Item = Result<Val, String>>> = if a.has('s') && !a.has('R') {
        match stream.collect::<Result<Vec<Val>, String>>() {
            Ok(all) => Box::new(std::iter::once(Ok(Val::from_iter(all)))),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    } else {
        stream
    };
    let fmt = Fmt {
        indent: if a.has('t') {
            "\t".into()
        } else {
            " ".repeat(a.value('i').and_then(|v| v.parse().ok()).unwrap_or(2))
        },
        compact: a.has('c') || a.value('i') == Some("0"),
        sort: a.has('S'),
    };
    let shared = RcIter::new(stream);
    let mut status = 0;
    let mut last: Option<Val> = None;
    let mut out = String::new();
    let null_input = a.has('n');
    let mut first = true;
    loop {
        let input = if null_input {
            if !first {
                break;
            }
            Val::Null
        } else {
            match (&shared).next() {
                None => break,
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    c.print(&std::mem::take(&mut out)).await?;
                    c.io.stderr
                        .print(&format!(
                            "jq: error (at <stdin>): Cannot parse input: {e}\n"
                        ))
                        .await?;
                    return Ok(2);
                }
            }
        };
        first = false;
        for r in filter.run((Ctx::new(values.clone(), &shared), input)) {
            match r {
                Ok(v) => {
                    match (&v, a.has('r') || a.has('j')) {
                        (Val::Str(s), true) => out.push_str(s),
                        _ => write_val(&mut out, &v, &fmt, 0),
                    }
                    if !a.has('j') {
                        out.push('\n');
                    }
                    last = Some(v);
                }
                Err(e) => {
                    c.print(&std::mem::take(&mut out)).await?;
                    c.io.stderr
                        .print(&format!("jq: error (at <unknown>): {e}\n"))
                        .await?;
                    status = 5;
                }
            }
            if out.len() > 1 << 16 {
                c.print(&std::mem::take(&mut out)).await?;
            }
        }
    }
    c.print(&out).await?;
    if a.has('e') && status == 0 {
        status = match last {
            None => 4,
            Some(Val::Null) | Some(Val::Bool(false)) => 1,
            _ => 0,
        };
    }
    Ok(status)
});

fn describe<E: std::fmt::Debug>(errs: &E) -> String {
    let s = format!("{errs:?}");
    s.chars().take(300).collect()
}
