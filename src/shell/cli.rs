//! `mirage exec` and `mirage sh`: the shell on a workspace from the command line. Scripts come
//! from `-c`, a host file, or stdin; the script itself sees only the VFS.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::Shell;
use crate::backends::ram::RamBackend;
use crate::vfs::{Mode, MountSpec, VPath, Vfs};

/// Where the script comes from.
pub enum Source {
    /// `-c SCRIPT`
    Inline(String),
    /// A script file on the host.
    File(std::path::PathBuf),
    /// Standard input.
    Stdin,
}

/// A writable RAM workspace at `/` (`mirage exec --ram`).
pub fn ram_workspace() -> anyhow::Result<Arc<Vfs>> {
    Ok(Arc::new(Vfs::new(vec![MountSpec {
        path: VPath::root(),
        backend: Arc::new(RamBackend::new()),
        mode: Mode::Write,
        ttl: Duration::from_secs(1),
    }])?))
}

/// Opens the workspace of `config` (or a RAM scratch workspace).
pub async fn workspace(config: Option<&Path>, ram: bool) -> anyhow::Result<Arc<Vfs>> {
    if ram || config.is_none() {
        return ram_workspace();
    }
    Ok(crate::workspace::open(config).await?.0)
}

/// Runs one script; writes its stdout/stderr to ours and returns its exit status.
pub fn exec(
    rt: &tokio::runtime::Runtime,
    vfs: Arc<Vfs>,
    source: Source,
    args: Vec<String>,
) -> anyhow::Result<i32> {
    let mut args = args;
    let origin = match source {
        Source::Inline(_) => super::state::Source::CommandString,
        Source::File(_) => super::state::Source::File,
        Source::Stdin => super::state::Source::Stdin,
    };
    let (script, name) = match source {
        // As `bash -c`: the first argument after the script is `$0`.
        Source::Inline(s) => {
            let name = if args.is_empty() {
                "mirage".to_string()
            } else {
                args.remove(0)
            };
            (s, name)
        }
        Source::File(p) => (
            std::fs::read_to_string(&p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
            p.display().to_string(),
        ),
        Source::Stdin => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            (s, "mirage".to_string())
        }
    };
    let mut input = Vec::new();
    if !std::io::stdin().is_terminal() && !script.is_empty() {
        // stdin was not the script: hand it to the script.
        let _ = std::io::stdin().read_to_end(&mut input);
    }
    let mut sh = Shell::new(vfs);
    sh.set_args(&name, args);
    sh.st.opts.source = origin;
    // Output goes out as the script produces it, so long scripts show progress.
    let stdout: Box<dyn Write> = Box::new(std::io::LineWriter::new(std::io::stdout()));
    let stderr: Box<dyn Write> = Box::new(std::io::stderr());
    let status = rt.block_on(sh.execute_streaming(&script, input, stdout, stderr));
    std::io::stdout().flush()?;
    Ok(status)
}

/// The interactive prompt: reads lines (continuing incomplete constructs), runs them in one
/// session, keeps history for the `history` command.
pub fn interactive(rt: &tokio::runtime::Runtime, vfs: Arc<Vfs>) -> anyhow::Result<i32> {
    let mut sh = Shell::new(vfs);
    let stdin = std::io::stdin();
    let mut pending = String::new();
    let mut status = 0;
    loop {
        let prompt = if pending.is_empty() {
            format!("mirage:{}$ ", sh.cwd())
        } else {
            "> ".to_string()
        };
        eprint!("{prompt}");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            eprintln!();
            return Ok(status);
        }
        pending.push_str(&line);
        if super::parse::parse(&pending).is_err() && needs_more(&pending) {
            continue;
        }
        let script = std::mem::take(&mut pending);
        if script.trim().is_empty() {
            continue;
        }
        sh.history.push(one_line(&script));
        let r = rt.block_on(sh.execute(&script));
        std::io::stdout().write_all(&r.stdout)?;
        std::io::stdout().flush()?;
        std::io::stderr().write_all(&r.stderr)?;
        status = r.status;
        if sh.exited {
            return Ok(status);
        }
    }
}

/// A multi-line command as one history line, the way bash's `cmdhist` shows it.
fn one_line(script: &str) -> String {
    let mut out = String::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            let joins_plain = ["do", "then", "else", "{", "|", "&&", "||", "in"]
                .iter()
                .any(|t| out.ends_with(t))
                || out.ends_with(';');
            out.push_str(if joins_plain { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

/// True when `text` fails to parse only because it ends early (an open quote or block).
fn needs_more(text: &str) -> bool {
    matches!(super::parse::parse(text), Err(e) if e.0.contains("end of file"))
        || text.trim_end().ends_with('\\')
        || text.trim_end().ends_with('|')
        || text.trim_end().ends_with("&&")
}
