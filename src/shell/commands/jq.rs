//! `jq [-rcnsSejR] [--arg N V] [--argjson N J] [--tab] [--indent N] FILTER [FILE]...` on the
//! jaq crates. Builtins that would reach outside the shell (`env`, `halt`, `halt_error`,
//! `debug`, `stderr`, `input_filename`) are removed; `$ENV` is the shell's exported variables.

use jaq_core::Compiler;
use jaq_core::load::{Arena, File, Loader};
use jaq_json::Val;

use super::Spec;
use crate::shell::ShellError;

mod format;
mod parallel;
mod parse;
mod serial;

use format::{Fmt, Piece, Sink};
use parse::parse_all;

/// A compiled filter.
type JqFilter = jaq_core::Filter<jaq_core::Native<Val>>;

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
    let exported = c.sh.st.exported();
    // Checked here, built again on the thread that runs the filter (values are not `Send`).
    match globals(&exported, &named) {
        Ok(_) => {}
        Err(name) => {
            c.err(&format!(
                "--argjson {name}: invalid JSON text passed to --argjson"
            ))
            .await?;
            return Ok(2);
        }
    };
    let names: Vec<String> = std::iter::once("$ENV".to_string())
        .chain(named.iter().map(|(_, n, _)| format!("${n}")))
        .collect();
    // Compiled before any input is read (a bad filter is exit 3); it runs on other threads.
    let filter = match compile(&filter_text, &names) {
        Ok(f) => f,
        Err(msg) => {
            c.io.stderr.print(&msg).await?;
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
    let fmt = Fmt {
        indent: if a.has('t') {
            "\t".into()
        } else {
            " ".repeat(a.value('i').and_then(|v| v.parse().ok()).unwrap_or(2))
        },
        compact: a.has('c') || a.value('i') == Some("0"),
        sort: a.has('S'),
        raw: a.has('r') || a.has('j'),
        join: a.has('j'),
    };
    let mut sink = Sink::default();
    let job = parallel::Job {
        filter,
        env: exported,
        named,
        fmt,
        data: bytes::Bytes::new(),
    };
    let mode = serial::Mode {
        null_input: a.has('n'),
        slurp: a.has('s'),
        raw_input: a.has('R'),
    };
    let plain = !mode.null_input && !mode.slurp && !mode.raw_input;
    let mut inputs = raw;
    if plain && inputs.len() == 1 && parallel::fits(&filter_text, &inputs[0].1) {
        let data = inputs[0].1.clone();
        match parallel::run(
            &c,
            parallel::Job {
                data: data.clone(),
                ..job.clone()
            },
            &mut sink,
        )
        .await?
        {
            parallel::Outcome::Finished => return Ok(status(&sink, a.has('e'))),
            parallel::Outcome::ParseError => return Ok(2),
            // The rest, from where the last whole segment ended, on one thread.
            parallel::Outcome::Serial(pos) => inputs = vec![(String::new(), data.slice(pos..))],
        }
    }
    // Inputs are parsed lazily, one value at a time, so a large JSONL file is never held as
    // values all at once; `input`/`inputs` inside the filter draw from the same stream.
    if !serial::run(&c, job, inputs, mode, &mut sink).await? {
        return Ok(2);
    }
    Ok(status(&sink, a.has('e')))
});

/// The exit status after a run: 5 after a runtime error; with `-e`, 4 when nothing was
/// printed and 1 when the last value was `null` or `false`.
fn status(sink: &Sink, exit_status: bool) -> i32 {
    match (sink.failed, exit_status, sink.last_falsy) {
        (true, _, _) => 5,
        (false, true, None) => 4,
        (false, true, Some(true)) => 1,
        _ => 0,
    }
}

/// Prints a run's pieces: values to stdout, runtime errors to stderr.
async fn emit(c: &super::Ctx<'_>, pieces: Vec<Piece>) -> Result<(), ShellError> {
    for p in pieces {
        match p {
            Piece::Out(s) => c.print(&s).await?,
            Piece::Err(e) => {
                c.io.stderr
                    .print(&format!("jq: error (at <unknown>): {e}\n"))
                    .await?
            }
        }
    }
    Ok(())
}

/// Prints jq's message for input that does not parse.
async fn parse_error(c: &super::Ctx<'_>, e: &str) -> Result<(), ShellError> {
    c.io.stderr
        .print(&format!(
            "jq: error (at <stdin>): Cannot parse input: {e}\n"
        ))
        .await
}

/// `-R` inputs: each line a string, or with `-s` all the text as one.
fn raw_inputs(
    raw: &[(String, bytes::Bytes)],
    slurp: bool,
) -> Box<dyn Iterator<Item = Result<Val, String>>> {
    let mut vals = Vec::new();
    for (_, d) in raw {
        let text = String::from_utf8_lossy(d);
        if slurp {
            vals.push(Val::from(text.into_owned()));
        } else {
            vals.extend(
                text.split_terminator('\n')
                    .map(|l| Val::from(l.to_string())),
            );
        }
    }
    if slurp && vals.len() > 1 {
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
}

/// The global variables' values: `$ENV` from `env`, then each `--arg`/`--argjson` value;
/// `Err(name)` for an `--argjson` value that is not one JSON value.
fn globals(env: &[(String, String)], named: &[(bool, String, String)]) -> Result<Vec<Val>, String> {
    let env = <Val as jaq_core::ValT>::from_map(
        env.iter()
            .map(|(k, v)| (Val::from(k.clone()), Val::from(v.clone()))),
    )
    .unwrap_or(Val::Null);
    let mut values = vec![env];
    for (is_str, name, raw) in named {
        values.push(if *is_str {
            Val::from(raw.clone())
        } else {
            match parse_all(raw.as_bytes()) {
                Ok(mut v) if v.len() == 1 => v.remove(0),
                _ => return Err(name.clone()),
            }
        });
    }
    Ok(values)
}

/// Compiles `text` (with the shims, jaq's standard library and `names` as global
/// variables); the error is jq's message for it.
fn compile(text: &str, names: &[String]) -> Result<JqFilter, String> {
    let arena = Arena::default();
    let shims = jaq_core::load::parse(SHIMS, |p| p.defs()).unwrap_or_default();
    let defs = shims
        .into_iter()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let loader = Loader::new(defs);
    let modules = loader
        .load(
            &arena,
            File {
                code: text,
                path: (),
            },
        )
        .map_err(|errs| {
            format!(
                "jq: error: syntax error in filter: {}\njq: 1 compile error\n",
                describe(&errs)
            )
        })?;
    let funs = jaq_std::funs()
        .chain(jaq_json::funs())
        .filter(|(name, _, _)| !BLOCKED.contains(name));
    Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(|s| s.as_str()))
        .compile(modules)
        .map_err(|errs| format!("jq: error: {}\njq: 1 compile error\n", describe(&errs)))
}

fn describe<E: std::fmt::Debug>(errs: &E) -> String {
    let s = format!("{errs:?}");
    s.chars().take(300).collect()
}
