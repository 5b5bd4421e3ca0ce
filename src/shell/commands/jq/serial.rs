//! `jq` on one thread of its own: every input in order, `input`/`inputs`, `-n`, `-s`, `-R`.
//!
//! jaq evaluates recursive filters on the machine stack, so the run gets a thread with a
//! stack of [`WORKER_STACK`] instead of whatever is left of the shell's (a few hundred KiB
//! inside a deep script, 2 MiB on a tokio worker of the MCP server), and the shell's
//! executor stays free while it runs. Output comes back in parts, as from the parallel run.

use std::thread;

use jaq_core::RcIter;
use jaq_json::Val;
use tokio::sync::mpsc;

use super::format::Sink;
use super::parallel::{Job, Msg, QUEUE, WORKER_STACK, run_input, send_end};
use super::parse::JsonStream;
use super::{emit, globals, parse_error, raw_inputs};
use crate::shell::ShellError;

/// How the inputs are read.
#[derive(Clone, Copy, Default)]
pub(super) struct Mode {
    /// `-n`: one run on `null`.
    pub(super) null_input: bool,
    /// `-s`: all inputs as one array (or, with `-R`, one string).
    pub(super) slurp: bool,
    /// `-R`: lines as strings.
    pub(super) raw_input: bool,
}

/// Runs `job` over all of `inputs` on a thread of its own, printing through `c`; `sink`
/// gathers the exit status. False after a parse error (its message printed).
pub(super) async fn run(
    c: &crate::shell::commands::Ctx<'_>,
    job: Job,
    inputs: Vec<(String, bytes::Bytes)>,
    mode: Mode,
    sink: &mut Sink,
) -> Result<bool, ShellError> {
    let (tx, mut rx) = mpsc::channel(QUEUE);
    let spawned = thread::Builder::new()
        .name("mirage-jq".into())
        .stack_size(WORKER_STACK)
        .spawn(move || work(&job, inputs, mode, &tx));
    if let Err(e) = spawned {
        return Err(ShellError::Io(format!("jq: cannot start: {e}")));
    }
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Start(_) => {}
            Msg::Part(pieces) => emit(c, pieces).await?,
            Msg::End {
                parse_error: error,
                failed,
                last_falsy,
                ..
            } => {
                sink.failed = failed.unwrap_or(sink.failed);
                sink.last_falsy = last_falsy.or(sink.last_falsy);
                if let Some(e) = error {
                    parse_error(c, &e).await?;
                    return Ok(false);
                }
                return Ok(true);
            }
        }
    }
    // The thread ended without a word (its `--argjson` values were checked here).
    Err(ShellError::Io("jq: the filter stopped unexpectedly".into()))
}

/// The thread: runs the filter on each input (or once on `null`), reporting parts of the
/// output as they fill, then the end.
fn work(job: &Job, inputs: Vec<(String, bytes::Bytes)>, mode: Mode, tx: &mpsc::Sender<Msg>) {
    let Ok(vars) = globals(&job.env, &job.named) else {
        return;
    };
    let stream: Box<dyn Iterator<Item = Result<Val, String>>> = if mode.raw_input {
        raw_inputs(&inputs, mode.slurp)
    } else if mode.slurp {
        match JsonStream::new(inputs).collect::<Result<Vec<Val>, String>>() {
            Ok(all) => Box::new(std::iter::once(Ok(Val::from_iter(all)))),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    } else {
        Box::new(JsonStream::new(inputs))
    };
    let shared = RcIter::new(stream);
    let mut sink = Sink::default();
    let mut ran = false;
    let mut parse_error = None;
    loop {
        let input = if mode.null_input {
            if ran {
                break;
            }
            Val::Null
        } else {
            match (&shared).next() {
                None => break,
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    parse_error = Some(e);
                    break;
                }
            }
        };
        ran = true;
        if !run_input(job, &vars, &shared, input, &mut sink, tx) {
            return;
        }
    }
    send_end(&mut sink, 0, parse_error, ran, tx);
}
