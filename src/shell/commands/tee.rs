//! `tee [-a] [FILE]...`: stdin to stdout and to every file, chunk by chunk as it comes (so
//! `yes | tee f | head -1` ends; like GNU tee, a closed stdout stops the copy).

use super::Spec;
use crate::shell::io::{FileSink, Out};

const SPEC: Spec = Spec {
    short: "ai",
    long: &[("append", 'a', false)],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let mut st = 0;
    let mut sinks = Vec::new();
    for f in &a.operands {
        // A `>(…)` word: its script reads what is written.
        if let Some(out) = c.sh.out_subst_sink(f) {
            sinks.push((f.clone(), Some(out)));
            continue;
        }
        let r = match c.path(f) {
            Ok(p) => FileSink::open(c.vfs().clone(), p, a.has('a')).await,
            Err(e) => Err(e),
        };
        match r {
            Ok(s) => sinks.push((f.clone(), Some(Out::File(s)))),
            Err(e) => {
                c.fail(f, &e).await?;
                st = 1;
            }
        }
    }
    while let Some(chunk) = c.io.stdin.chunk().await {
        for (name, sink) in &mut sinks {
            if let Some(s) = sink
                && let Err(e) = s.write(&chunk).await
            {
                c.err(&format!("{name}: {}", short(&e))).await?;
                *sink = None;
                st = 1;
            }
        }
        if let Err(e) = c.out(&chunk).await {
            // Stdout closed: what was copied so far stays in the files.
            for (_, s) in &sinks {
                if let Some(Out::File(s)) = s {
                    let _ = s.flush().await;
                }
            }
            return Err(e);
        }
    }
    for (name, sink) in &sinks {
        if let Some(Out::File(s)) = sink
            && let Err(e) = s.flush().await
        {
            c.fail(name, &e).await?;
            st = 1;
        }
    }
    Ok(st)
});

/// The message of a write error.
fn short(e: &crate::shell::ShellError) -> String {
    match e {
        crate::shell::ShellError::Io(m) => m.rsplit(": ").next().unwrap_or(m).to_string(),
        other => format!("{other:?}"),
    }
}
