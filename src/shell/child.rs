//! Child shells: `bash FILE [ARG]...`, `bash -c STRING [NAME [ARG]...]`, `sh …`, and a
//! script run by its path (`./build.sh`). Scripts come from the workspace like every other
//! file; the child runs in this process with what a child process would get — the exported
//! variables, the working directory, fresh options, no functions or traps — and its `exit`
//! ends only the child.

use super::io::Io;
use super::{Shell, ShellError};
use crate::vfs::FileKind;

type Res = Result<i32, ShellError>;

/// Interpreters a `#!` line may name for a script this shell runs itself.
const SHELLS: &[&str] = &["sh", "bash", "dash"];

impl Shell {
    /// `bash`/`sh` with their common options: `-c STRING`, a script file, or the script on
    /// standard input; `-e`, `-u`, `-x`, `-o NAME` as `set` takes them.
    pub(crate) async fn shell_command(&mut self, argv: Vec<String>, io: &Io) -> Res {
        let name = argv[0].clone();
        let mut sets: Vec<String> = Vec::new();
        let mut command: Option<String> = None;
        let mut i = 1;
        while let Some(a) = argv.get(i) {
            match a.as_str() {
                "--" => {
                    i += 1;
                    break;
                }
                "-c" if command.is_none() => {
                    let Some(s) = argv.get(i + 1) else {
                        return self
                            .child_fail(io, &format!("{name}: -c: option requires an argument"), 2)
                            .await;
                    };
                    command = Some(s.clone());
                    i += 2;
                }
                "-o" | "+o" => {
                    sets.push(a.clone());
                    sets.extend(argv.get(i + 1).cloned());
                    i += 2;
                }
                "--norc" | "--noprofile" | "--posix" | "-l" | "--login" | "-s" | "-i" => i += 1,
                s if (s.starts_with('-') || s.starts_with('+')) && s.len() > 1 => {
                    let (sign, flags) = s.split_at(1);
                    for f in flags.chars() {
                        if f == 'c' && command.is_none() {
                            let Some(s) = argv.get(i + 1) else {
                                return self
                                    .child_fail(
                                        io,
                                        &format!("{name}: -c: option requires an argument"),
                                        2,
                                    )
                                    .await;
                            };
                            command = Some(s.clone());
                            i += 1;
                        } else if "euxfC".contains(f) {
                            sets.push(format!("{sign}{f}"));
                        }
                    }
                    i += 1;
                }
                _ => break,
            }
        }
        let rest = argv[i.min(argv.len())..].to_vec();
        let (script, arg0, args) = match command {
            // `bash -c STRING NAME ARG…`: NAME is `$0`.
            Some(text) => {
                let mut rest = rest.into_iter();
                let arg0 = rest.next().unwrap_or_else(|| name.clone());
                (text, arg0, rest.collect())
            }
            None => match rest.split_first() {
                Some((file, args)) => match self.script_text(file).await {
                    Ok(text) => (text, file.clone(), args.to_vec()),
                    Err(msg) => return self.child_fail(io, &format!("{file}: {msg}"), 127).await,
                },
                None => {
                    // The script on standard input.
                    let data = io.stdin.read_all().await.unwrap_or_default();
                    (super::raw::decode(&data), name.clone(), Vec::new())
                }
            },
        };
        self.run_child(&script, arg0, args, &sets, io).await
    }

    /// A command named by a path (`./run.sh`, `/ram/tool`): a shell script is run as a child
    /// shell; anything else cannot run here (126, as bash says for a file it cannot execute).
    pub(crate) async fn path_command(&mut self, argv: Vec<String>, io: &Io) -> Res {
        let target = argv[0].clone();
        let path = match self.resolve(&target) {
            Ok(p) => p,
            Err(e) => {
                return self
                    .child_fail(io, &format!("{target}: {}", e.user_message()), 127)
                    .await;
            }
        };
        let Some((real, meta)) = self.stat_follow(&path).await else {
            return self
                .child_fail(io, &format!("{target}: No such file or directory"), 127)
                .await;
        };
        if meta.kind == FileKind::Dir {
            return self
                .child_fail(io, &format!("{target}: Is a directory"), 126)
                .await;
        }
        if meta.perm & 0o111 == 0 {
            return self
                .child_fail(io, &format!("{target}: Permission denied"), 126)
                .await;
        }
        let data = match self.vfs.read_all(&real).await {
            Ok(d) => d,
            Err(e) => {
                return self
                    .child_fail(io, &format!("{target}: {}", e.user_message()), 126)
                    .await;
            }
        };
        let text = super::raw::decode(&data);
        if let Some(line) = text.strip_prefix("#!") {
            let line = line.lines().next().unwrap_or("");
            let mut words = line.split_whitespace();
            let interp = words.next().unwrap_or("");
            let base = interp.rsplit('/').next().unwrap_or(interp);
            // `#!/usr/bin/env bash` names the shell in its first argument.
            let shell = if base == "env" {
                words.next().unwrap_or("")
            } else {
                base
            };
            if !SHELLS.contains(&shell) {
                return self
                    .child_fail(
                        io,
                        &format!("{target}: {interp}: bad interpreter: this shell runs only sh and bash scripts"),
                        126,
                    )
                    .await;
            }
        }
        self.run_child(&text, target, argv[1..].to_vec(), &[], io)
            .await
    }

    /// The text of the script file `file` (relative to the working directory).
    async fn script_text(&mut self, file: &str) -> Result<String, String> {
        let path = self.resolve(file).map_err(|e| e.user_message())?;
        match self.stat_follow(&path).await {
            None => Err("No such file or directory".into()),
            Some((_, m)) if m.kind == FileKind::Dir => Err("Is a directory".into()),
            Some((real, _)) => self
                .vfs
                .read_all(&real)
                .await
                .map(|d| super::raw::decode(&d))
                .map_err(|e| e.user_message()),
        }
    }

    /// Runs `script` as a child shell on `io` and returns its exit status.
    async fn run_child(
        &mut self,
        script: &str,
        arg0: String,
        args: Vec<String>,
        sets: &[String],
        io: &Io,
    ) -> Res {
        let mut child = self.subshell_copy();
        child.st = self.st.for_child();
        child.st.arg0 = arg0;
        child.st.positional = args;
        child.st.depth = self.st.depth + 1;
        child.budget.depth(child.st.depth)?;
        child.exited = false;
        child.exec_fds = Default::default();
        if !sets.is_empty() {
            let mut set = vec!["set".to_string()];
            set.extend(sets.iter().cloned());
            let st = Box::pin(child.dispatch(set, io)).await?;
            if st != 0 {
                return Ok(2);
            }
        }
        Ok(Box::pin(child.run_script(script, io)).await)
    }

    async fn child_fail(&mut self, io: &Io, msg: &str, status: i32) -> Res {
        io.stderr.print(&format!("mirage: {msg}\n")).await?;
        Ok(status)
    }
}
