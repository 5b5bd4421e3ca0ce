//! `jq` over one large input on several threads.
//!
//! The input is cut after newlines into segments of [`SEGMENT`] bytes; worker threads (one per
//! CPU, at most [`MAX_WORKERS`]) take every k-th segment, each with its own compiled filter,
//! and run the filter on every value that *starts* in their segment. The cut is speculative:
//! a segment's results are used only if its first value starts exactly where the previous
//! segment's last value ended — always so for JSON Lines, where values never span a newline
//! boundary unnoticed. Otherwise (a pretty-printed value across the cut) the rest of the input
//! is run on one thread from where the last valid segment ended, so the output is the serial
//! output either way. Output, runtime errors and a parse error come out in input order.
//!
//! Only filters that do not read further inputs (`input`, `inputs`) are split, and only plain
//! value-per-input runs (no `-n`, `-s`, `-R`).

use std::thread;

use bytes::Bytes;
use jaq_core::RcIter;
use jaq_json::Val;
use tokio::sync::mpsc;

use super::format::{Fmt, Piece, Sink};
use super::parse::JsonStream;
use super::{JqFilter, emit, globals};
use crate::shell::ShellError;

/// Bytes per segment.
pub(super) const SEGMENT: usize = 1 << 20;
/// Most worker threads.
const MAX_WORKERS: usize = 4;
/// Output held by a worker before it hands it over.
pub(super) const PART: usize = 1 << 16;
/// Parts a worker may have waiting before it pauses.
pub(super) const QUEUE: usize = 4;
/// A worker's stack: jaq evaluates recursive filters on the stack, so a worker gets more
/// than the main thread's 8 MiB (a filter that recurses deep enough for the serial run must
/// not overflow here); only the pages used are backed.
pub(super) const WORKER_STACK: usize = 64 << 20;

/// What a run on other threads needs, owned so it can move to them.
#[derive(Clone)]
pub(super) struct Job {
    /// The compiled filter.
    pub(super) filter: JqFilter,
    /// Exported variables (`$ENV`) and `--arg`/`--argjson` values.
    pub(super) env: Vec<(String, String)>,
    pub(super) named: Vec<(bool, String, String)>,
    pub(super) fmt: Fmt,
    pub(super) data: Bytes,
}

/// How a run with several threads ended.
pub(super) enum Outcome {
    /// Every value was run; the output is printed.
    Finished,
    /// A value did not parse; the output before it and the error are printed.
    ParseError,
    /// The rest of the input, from this byte, is to be run on one thread.
    Serial(usize),
}

/// Whether a run of `text` over `data` is worth splitting and safe to split.
pub(super) fn fits(text: &str, data: &[u8]) -> bool {
    data.len() >= 2 * SEGMENT && !text.contains("input") && workers() > 1
}

fn workers() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS))
}

/// A worker's report on one segment, in order: `Start`, any `Part`s, `End`.
pub(super) enum Msg {
    /// Where the segment's first value starts (the segment's end if it holds none).
    Start(usize),
    /// Output and runtime errors, in order.
    Part(Vec<Piece>),
    /// Where the next value after the segment's last one starts (or the input's end), and
    /// how the segment's values ran (`failed`: whether its last value's run failed; `None`
    /// without values).
    End {
        stop: usize,
        parse_error: Option<String>,
        failed: Option<bool>,
        last_falsy: Option<bool>,
    },
}

/// Segment starts: 0 and the byte after the first newline past each multiple of [`SEGMENT`].
fn cuts(data: &[u8]) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut at = SEGMENT;
    while at < data.len() {
        match memchr::memchr(b'\n', &data[at..]) {
            Some(i) if at + i + 1 < data.len() => {
                let cut = at + i + 1;
                cuts.push(cut);
                at = cut + SEGMENT;
            }
            _ => break,
        }
    }
    cuts
}

/// Runs `job` on worker threads, printing through `c` in input order; `sink` gathers the
/// exit status.
pub(super) async fn run(
    c: &crate::shell::commands::Ctx<'_>,
    job: Job,
    sink: &mut Sink,
) -> Result<Outcome, ShellError> {
    let cuts = cuts(&job.data);
    let n = cuts.len();
    if n < 2 {
        return Ok(Outcome::Serial(0));
    }
    let k = workers().min(n);
    let mut rxs = Vec::with_capacity(k);
    for w in 0..k {
        let (tx, rx) = mpsc::channel(QUEUE);
        rxs.push(rx);
        let mine: Vec<(usize, usize)> = (w..n)
            .step_by(k)
            .map(|i| (cuts[i], cuts.get(i + 1).copied().unwrap_or(job.data.len())))
            .collect();
        let job = job.clone();
        let spawned = thread::Builder::new()
            .name("mirage-jq".into())
            .stack_size(WORKER_STACK)
            .spawn(move || work(&job, &mine, &tx));
        if spawned.is_err() {
            return Ok(Outcome::Serial(0));
        }
    }
    let mut expected = 0;
    for i in 0..n {
        let rx = &mut rxs[i % k];
        match rx.recv().await {
            Some(Msg::Start(first)) if i == 0 || first == expected => {}
            _ => return Ok(Outcome::Serial(expected)),
        }
        loop {
            match rx.recv().await {
                Some(Msg::Part(pieces)) => emit(c, pieces).await?,
                Some(Msg::End {
                    stop,
                    parse_error,
                    failed,
                    last_falsy,
                }) => {
                    sink.failed = failed.unwrap_or(sink.failed);
                    sink.last_falsy = last_falsy.or(sink.last_falsy);
                    if let Some(e) = parse_error {
                        super::parse_error(c, &e).await?;
                        return Ok(Outcome::ParseError);
                    }
                    expected = stop;
                    break;
                }
                _ => return Ok(Outcome::Serial(expected)),
            }
        }
    }
    Ok(Outcome::Finished)
}

/// A worker: runs the filter on the values starting in each of its segments, reporting each
/// segment in turn; stops when the reader hangs up.
fn work(job: &Job, segments: &[(usize, usize)], tx: &mpsc::Sender<Msg>) {
    let Ok(vars) = globals(&job.env, &job.named) else {
        return;
    };
    let none: Box<dyn Iterator<Item = Result<Val, String>>> = Box::new(std::iter::empty());
    let inputs = RcIter::new(none);
    for &(start, end) in segments {
        let mut stream = JsonStream::at(job.data.clone(), start);
        let first = stream.next_start().unwrap_or(end);
        if tx.blocking_send(Msg::Start(first)).is_err() {
            return;
        }
        let mut sink = Sink::default();
        let mut parse_error = None;
        let mut ran = false;
        while stream.next_start().is_some_and(|p| p < end) {
            match stream.next() {
                Some(Ok(v)) => {
                    ran = true;
                    if !run_input(job, &vars, &inputs, v, &mut sink, tx) {
                        return;
                    }
                }
                Some(Err(e)) => {
                    parse_error = Some(e);
                    break;
                }
                None => break,
            }
        }
        let stop = stream.next_start().unwrap_or(job.data.len());
        if !send_end(&mut sink, stop, parse_error, ran, tx) {
            return;
        }
    }
}

/// Runs the filter on one input, handing output over as it fills; false when the reader
/// has hung up.
pub(super) fn run_input(
    job: &Job,
    vars: &[Val],
    inputs: &RcIter<dyn Iterator<Item = Result<Val, String>> + '_>,
    input: Val,
    sink: &mut Sink,
    tx: &mpsc::Sender<Msg>,
) -> bool {
    sink.begin_input();
    for r in job
        .filter
        .run((jaq_core::Ctx::new(vars.iter().cloned(), inputs), input))
    {
        let ok = sink.result(r, &job.fmt);
        if sink.held() > PART && tx.blocking_send(Msg::Part(sink.take())).is_err() {
            return false;
        }
        if !ok {
            break;
        }
    }
    true
}

/// Hands over the rest of the output, then the end of a run (`stop`: see [`Msg::End`];
/// `ran`: whether any input ran); false when the reader has hung up.
pub(super) fn send_end(
    sink: &mut Sink,
    stop: usize,
    parse_error: Option<String>,
    ran: bool,
    tx: &mpsc::Sender<Msg>,
) -> bool {
    let end = Msg::End {
        stop,
        parse_error,
        failed: ran.then_some(sink.failed),
        last_falsy: sink.last_falsy,
    };
    let part = sink.take();
    (part.is_empty() || tx.blocking_send(Msg::Part(part)).is_ok()) && tx.blocking_send(end).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_after_newlines() {
        let line = b"{\"a\":1}\n";
        let data: Vec<u8> = line.iter().copied().cycle().take(3 * SEGMENT + 5).collect();
        let c = cuts(&data);
        assert_eq!(c[0], 0);
        assert!(c.len() >= 3);
        for w in c.windows(2) {
            assert!(w[1] > w[0] + SEGMENT - 1);
            assert_eq!(data[w[1] - 1], b'\n');
        }
        assert_eq!(cuts(b"no newline at all"), vec![0]);
    }
}
