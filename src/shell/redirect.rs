//! Redirections (`<`, `>`, `>>`, `&>`, `n>&m`, here-documents, here-strings) and assignments:
//! the parts of a simple command that are not its words.

use std::rc::Rc;

use super::ast::{Assign, AssignValue, Redir, RedirKind};
use super::io::{Device, Fd, FileSink, In, Io, Out};
use super::rwfile::RwFile;

/// What [`Shell::open_redirs`] made: the command's descriptors (in a scope of their own), the
/// files to close after it, and the descriptors its redirections named.
pub(crate) struct Opened {
    pub io: Io,
    pub files: Vec<Rc<FileSink>>,
    pub touched: Vec<u32>,
}
use super::state::Value;
use super::{Shell, ShellError};
use crate::vfs::VPath;

impl Shell {
    /// Resolves a path argument against the working directory.
    pub fn resolve(&self, p: &str) -> Result<VPath, crate::vfs::VfsError> {
        self.st.cwd.resolve(p)
    }

    /// Applies `redirs` to `io` in a new scope: the new descriptors, the files to close
    /// afterwards and the descriptors named — or the message of the first failure
    /// (`x: No such file or directory`).
    pub(crate) async fn open_redirs(
        &mut self,
        redirs: &[Redir],
        io: &Io,
    ) -> Result<Opened, String> {
        let mut io = io.derived();
        let mut files = Vec::new();
        let mut touched = Vec::new();
        for r in redirs {
            let word = match &r.kind {
                RedirKind::In(w)
                | RedirKind::Out(w)
                | RedirKind::Clobber(w)
                | RedirKind::Append(w)
                | RedirKind::ReadWrite(w)
                | RedirKind::Both(w, _)
                | RedirKind::Dup(w)
                | RedirKind::Herestring(w) => {
                    Some(self.expand_one(w, &io).await.map_err(err_text)?)
                }
                RedirKind::Heredoc(..) => None,
            };
            let target = word.clone().unwrap_or_default();
            let fd = match &r.var {
                Some(name) => self.named_fd(name, &r.kind, &target, &io)?,
                None => r.fd,
            };
            touched.push(fd);
            // `>&$x` whose value is not a descriptor means `&>file`, as for a literal word.
            let as_file;
            let kind = match &r.kind {
                RedirKind::Dup(w)
                    if fd == 1
                        && r.var.is_none()
                        && target != "-"
                        && target.parse::<u32>().is_err() =>
                {
                    as_file = RedirKind::Both(w.clone(), false);
                    &as_file
                }
                k => k,
            };
            match kind {
                RedirKind::In(_) => {
                    let input = match target.as_str() {
                        "/dev/null" => In::null(),
                        t if let Some(d) = Device::at(t) => In::device(d),
                        "/dev/stdin" | "-" => io.stdin.clone(),
                        t if self.fd_content(t).is_some() => {
                            In::bytes(self.fd_content(t).unwrap_or_default())
                        }
                        t if dev_fd(t).is_some() => {
                            let n = dev_fd(t).unwrap_or_default();
                            io.input(n).map_err(|m| format!("{target}: {m}"))?
                        }
                        _ => {
                            let path = self
                                .resolve(&target)
                                .map_err(|e| format!("{target}: {}", e.user_message()))?;
                            let path = match self.stat_follow(&path).await {
                                Some((_, m)) if m.is_dir() => {
                                    return Err(format!("{target}: Is a directory"));
                                }
                                Some((real, _)) => real,
                                None => path,
                            };
                            let data = self
                                .vfs
                                .read_all(&path)
                                .await
                                .map_err(|e| format!("{target}: {}", e.user_message()))?;
                            In::bytes(data)
                        }
                    };
                    io.set(fd, Some(Fd::In(input)));
                }
                RedirKind::Out(_)
                | RedirKind::Clobber(_)
                | RedirKind::Append(_)
                | RedirKind::Both(..) => {
                    let append = matches!(kind, RedirKind::Append(_) | RedirKind::Both(_, true));
                    let out = match target.as_str() {
                        // A `>(…)`: its script reads what is written.
                        t if let Some(sink) = self.out_subst_sink(t) => sink,
                        "/dev/null" => Out::Null,
                        "/dev/stdout" => io.stdout.clone(),
                        "/dev/stderr" => io.stderr.clone(),
                        "" => return Err("ambiguous redirect".into()),
                        t if dev_fd(t).is_some() => {
                            let n = dev_fd(t).unwrap_or_default();
                            io.out(n).map_err(|m| format!("{target}: {m}"))?
                        }
                        _ => {
                            let path = self
                                .resolve(&target)
                                .map_err(|e| format!("{target}: {}", e.user_message()))?;
                            let path = self.write_target(&path).await;
                            if self.st.opts.noclobber
                                && matches!(kind, RedirKind::Out(_) | RedirKind::Both(_, false))
                                && self
                                    .vfs
                                    .stat(&path)
                                    .await
                                    .is_ok_and(|m| m.kind == crate::vfs::FileKind::File)
                            {
                                return Err(format!("{target}: cannot overwrite existing file"));
                            }
                            let sink = FileSink::open(self.vfs.clone(), path, append)
                                .await
                                .map_err(|e| format!("{target}: {}", e.user_message()))?;
                            files.push(sink.clone());
                            Out::File(sink)
                        }
                    };
                    if matches!(kind, RedirKind::Both(..)) {
                        io.stdout = out.clone();
                        io.stderr = out;
                        touched.extend([1, 2]);
                    } else {
                        io.set(fd, Some(Fd::Out(out)));
                    }
                }
                RedirKind::ReadWrite(_) => {
                    if target.is_empty() {
                        return Err("ambiguous redirect".into());
                    }
                    let path = self
                        .resolve(&target)
                        .map_err(|e| format!("{target}: {}", e.user_message()))?;
                    let path = self.write_target(&path).await;
                    let file = RwFile::open(self.vfs.clone(), path)
                        .await
                        .map_err(|e| format!("{target}: {}", e.user_message()))?;
                    io.set(fd, Some(Fd::Rw(In::file(file.clone()), Out::Rw(file))));
                }
                RedirKind::Dup(_) => {
                    if target == "-" {
                        io.set(fd, None);
                        continue;
                    }
                    let source = target
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| io.get(n))
                        .ok_or_else(|| format!("{target}: Bad file descriptor"))?;
                    io.set(fd, Some(source));
                }
                RedirKind::Heredoc(body, expand) => {
                    let text = if *expand {
                        self.expand_heredoc(body, &io).await.map_err(err_text)?
                    } else {
                        body.clone()
                    };
                    io.set(fd, Some(Fd::In(In::bytes(text.into_bytes()))));
                }
                RedirKind::Herestring(_) => {
                    let text = format!("{target}\n").into_bytes();
                    io.set(fd, Some(Fd::In(In::bytes(text))));
                }
            }
        }
        Ok(Opened { io, files, touched })
    }

    /// Writes out redirected files; a failure is reported on `io`'s stderr and gives status 1.
    pub(crate) async fn close_redirs(&mut self, files: Vec<Rc<FileSink>>, io: &Io) -> i32 {
        let mut st = 0;
        for f in files {
            if let Err(e) = f.flush().await {
                let _ = io
                    .stderr
                    .print(&format!("mirage: write error: {}\n", e.user_message()))
                    .await;
                st = 1;
            }
        }
        st
    }

    /// Performs one assignment; the inner error is a user-facing message (readonly variable).
    /// The value to store in `name`: for a `declare -i` variable the arithmetic value of `v`
    /// (of `old + v` with `+=`), else `v` itself.
    async fn integer_value(
        &mut self,
        name: &str,
        append: bool,
        old: &str,
        v: String,
        io: &Io,
    ) -> Result<String, String> {
        if !self.st.integers.contains(name) {
            return Ok(v);
        }
        let expr = if append {
            format!("({}) + ({v})", if old.is_empty() { "0" } else { old })
        } else {
            v
        };
        Ok(self.arith(&expr, io).await?.to_string())
    }

    /// The descriptor of a `{name}` redirection: for `{name}>&-` the one `name` holds,
    /// otherwise the lowest free one from 10 up, stored in `name`.
    fn named_fd(
        &mut self,
        name: &str,
        kind: &RedirKind,
        target: &str,
        io: &Io,
    ) -> Result<u32, String> {
        if matches!(kind, RedirKind::Dup(_)) && target == "-" {
            let v = self.st.get_str(name).unwrap_or_default();
            return v
                .parse::<u32>()
                .map_err(|_| format!("{v}: Bad file descriptor"));
        }
        let fd = (10..).find(|&n| io.get(n).is_none()).unwrap_or(10);
        self.st.set_str(name, fd.to_string())?;
        Ok(fd)
    }

    pub(crate) async fn assign(
        &mut self,
        a: &Assign,
        io: &Io,
        export: bool,
    ) -> Result<Result<(), String>, ShellError> {
        let r = match (&a.value, &a.index) {
            (AssignValue::Scalar(w), Some(ix)) if self.st.is_assoc(&a.name) => {
                let key = self.expand_one(ix, io).await?;
                let v = self.expand_assigned(w, io).await?;
                let v = match (a.append, self.st.get(&a.name)) {
                    (true, Some(Value::Assoc(m))) => m.get(&key).cloned().unwrap_or_default() + &v,
                    _ => v,
                };
                self.st.set_key(&a.name, &key, v)
            }
            (AssignValue::Array(words), _) if self.st.is_assoc(&a.name) => {
                let mut m = match (a.append, self.st.get(&a.name)) {
                    (true, Some(Value::Assoc(m))) => m.clone(),
                    _ => Default::default(),
                };
                for w in words {
                    let Some(rest) = w.strip_prefix('[') else {
                        continue;
                    };
                    let Some(close) = rest.find("]=") else {
                        continue;
                    };
                    let key = self.expand_one(&rest[..close], io).await?;
                    let v = self.expand_one(&rest[close + 2..], io).await?;
                    m.insert(key, v);
                }
                self.st.set(&a.name, Value::Assoc(m))
            }
            (AssignValue::Scalar(w), Some(ix)) => {
                let v = self.expand_assigned(w, io).await?;
                let i = match self.arith(ix, io).await {
                    Ok(i) => i,
                    Err(m) => return Ok(Err(m)),
                };
                let old = match self.st.get(&a.name) {
                    // A negative index counts back from the end (`a[-1]+=x`).
                    Some(Value::Array(arr)) => {
                        let i = if i < 0 {
                            arr.keys().next_back().map_or(0, |k| k + 1) + i
                        } else {
                            i
                        };
                        arr.get(&i).cloned().unwrap_or_default()
                    }
                    Some(Value::Str(s)) if i == 0 => s.clone(),
                    _ => String::new(),
                };
                let v = match self.integer_value(&a.name, a.append, &old, v, io).await {
                    Ok(v) => v,
                    Err(m) => return Ok(Err(m)),
                };
                let v = if a.append && !self.st.integers.contains(&a.name) {
                    old + &v
                } else {
                    v
                };
                self.st.set_index(&a.name, i, v)
            }
            (AssignValue::Scalar(w), None) if self.st.integers.contains(&a.name) => {
                let v = self.expand_assigned(w, io).await?;
                let old = self.st.get_str(&a.name).unwrap_or_default();
                match self.integer_value(&a.name, a.append, &old, v, io).await {
                    Ok(v) => self.st.set_str(&a.name, v),
                    Err(m) => return Ok(Err(m)),
                }
            }
            (AssignValue::Scalar(w), None) => {
                let v = self.expand_assigned(w, io).await?;
                match (a.append, self.st.get(&a.name).cloned()) {
                    (true, Some(Value::Array(mut arr))) => {
                        let old = arr.get(&0).cloned().unwrap_or_default();
                        arr.insert(0, old + &v);
                        self.st.set(&a.name, Value::Array(arr))
                    }
                    (true, old) => {
                        let old = old.map(|o| o.scalar()).unwrap_or_default();
                        self.st.set_str(&a.name, old + &v)
                    }
                    // `arr=x` sets element 0 (key "0") and keeps the others, as bash does.
                    (false, Some(Value::Array(_))) => self.st.set_index(&a.name, 0, v),
                    (false, Some(Value::Assoc(_))) => self.st.set_key(&a.name, "0", v),
                    (false, _) => self.st.set_str(&a.name, v),
                }
            }
            (AssignValue::Array(words), _) => {
                let mut arr = match (a.append, self.st.get(&a.name)) {
                    (true, Some(Value::Array(arr))) => arr.clone(),
                    (true, Some(Value::Str(s))) => [(0, s.clone())].into(),
                    _ => Default::default(),
                };
                let mut next = arr.keys().next_back().map_or(0, |k| k + 1);
                for w in words {
                    // `[k]=v` elements.
                    if let Some(rest) = w.strip_prefix('[')
                        && let Some(close) = rest.find("]=")
                    {
                        let i = match self.arith(&rest[..close], io).await {
                            Ok(i) => i,
                            Err(m) => return Ok(Err(m)),
                        };
                        let v = self.expand_one(&rest[close + 2..], io).await?;
                        arr.insert(i, v);
                        next = i + 1;
                        continue;
                    }
                    for v in self.expand_words(std::slice::from_ref(w), io).await? {
                        arr.insert(next, v);
                        next += 1;
                    }
                }
                self.st.set(&a.name, Value::Array(arr))
            }
        };
        if r.is_ok() {
            self.st.apply_case_attr(&a.name);
        }
        if export
            && r.is_ok()
            && let Some(v) = self.st.vars.get_mut(&a.name)
        {
            v.exported = true;
        }
        Ok(r)
    }
}

/// `N` of a `/dev/fd/N` path.
fn dev_fd(path: &str) -> Option<u32> {
    path.strip_prefix("/dev/fd/")?.parse().ok()
}

fn err_text(e: ShellError) -> String {
    match e {
        ShellError::Fatal(m, _)
        | ShellError::Abort(m, _, _)
        | ShellError::Io(m)
        | ShellError::Limit(_, m) => m,
        other => format!("{other:?}"),
    }
}
