//! Conditionals: `[[ … ]]` (parsed into [`TestExpr`]) and the `test` / `[` builtin (argument
//! lists, POSIX rules by argument count), sharing file tests and comparisons.

use super::ast::TestExpr;
use super::io::Io;
use super::state::Value;
use super::{Shell, ShellError};
use crate::vfs::{FileKind, Mode, SpecialKind};

type R<T> = Result<T, ShellError>;

/// A test failed to evaluate (bad integer, bad operator): message for stderr, status 2.
struct Bad(String);

fn int(s: &str) -> Result<i64, Bad> {
    s.trim()
        .parse()
        .map_err(|_| Bad(format!("{s}: integer expression expected")))
}

/// The shell's own devices (they are not in the workspace): `/dev/null`, `/dev/zero`,
/// `/dev/random`, `/dev/urandom` are readable and writable character devices, `/dev/stdin`,
/// `/dev/stdout` and `/dev/stderr` exist — so `[ -e /dev/null ]` holds as on a host.
fn device_test(op: &str, path: &str) -> bool {
    let char_device = path == "/dev/null" || super::io::Device::at(path).is_some();
    let stream = matches!(path, "/dev/stdin" | "/dev/stdout" | "/dev/stderr");
    match op {
        "-e" | "-a" | "-r" | "-w" => char_device || stream,
        "-c" => char_device,
        _ => false,
    }
}

impl Shell {
    async fn file_test(&self, op: &str, arg: &str) -> Result<bool, Bad> {
        let Ok(path) = self.resolve(arg) else {
            return Ok(false);
        };
        if arg.is_empty() {
            return Ok(false);
        }
        if op == "-L" || op == "-h" {
            return Ok(self
                .vfs
                .stat(&path)
                .await
                .is_ok_and(|m| m.kind == FileKind::Symlink));
        }
        let Some((real, m)) = self.stat_follow(&path).await else {
            return Ok(device_test(op, path.as_str()));
        };
        Ok(match op {
            "-e" | "-a" => true,
            "-f" => m.kind == FileKind::File,
            "-d" => m.kind == FileKind::Dir,
            "-s" => m.size > 0,
            "-r" => m.perm & 0o444 != 0,
            "-w" => {
                let (mount, _) = self.vfs.table().route(&real);
                mount.mode == Mode::Write && m.perm & 0o222 != 0
            }
            "-x" => m.perm & 0o111 != 0,
            "-p" | "-S" | "-b" | "-c" => {
                let want = match op {
                    "-p" => SpecialKind::Fifo,
                    "-S" => SpecialKind::Socket,
                    "-b" => SpecialKind::BlockDevice,
                    _ => SpecialKind::CharDevice,
                };
                m.posix.special.is_some_and(|s| s.kind == want)
            }
            "-u" => m.perm & 0o4000 != 0,
            "-g" => m.perm & 0o2000 != 0,
            "-k" => m.perm & 0o1000 != 0,
            "-t" => false,
            "-O" | "-G" => true,
            "-N" => false,
            _ => return Err(Bad(format!("{op}: unary operator expected"))),
        })
    }

    async fn unary(&mut self, op: &str, arg: &str) -> Result<bool, Bad> {
        match op {
            "-z" => Ok(arg.is_empty()),
            "-n" => Ok(!arg.is_empty()),
            "-v" => Ok(is_set(&self.st, arg)),
            "-o" => Ok(match arg {
                "errexit" => self.st.opts.errexit,
                "nounset" => self.st.opts.nounset,
                "pipefail" => self.st.opts.pipefail,
                _ => false,
            }),
            "-R" => Ok(false),
            _ => self.file_test(op, arg).await,
        }
    }

    async fn binary(&mut self, a: &str, op: &str, b: &str) -> Result<bool, Bad> {
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            "-nt" | "-ot" => {
                let ma = match self.resolve(a) {
                    Ok(p) => self.stat_follow(&p).await.map(|(_, m)| m.mtime),
                    Err(_) => None,
                };
                let mb = match self.resolve(b) {
                    Ok(p) => self.stat_follow(&p).await.map(|(_, m)| m.mtime),
                    Err(_) => None,
                };
                match (ma, mb, op) {
                    (Some(x), Some(y), "-nt") => x > y,
                    (Some(_), None, "-nt") => true,
                    (Some(x), Some(y), _) => x < y,
                    (None, Some(_), _) => true,
                    _ => false,
                }
            }
            "-ef" => match (self.resolve(a), self.resolve(b)) {
                // One file: the same file identity (hard links too), else the same path.
                (Ok(x), Ok(y)) => match (self.stat_follow(&x).await, self.stat_follow(&y).await) {
                    (Some((px, mx)), Some((py, my))) => {
                        match (mx.posix.file_id, my.posix.file_id) {
                            (Some(a), Some(b)) => a == b,
                            _ => px == py,
                        }
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => return Err(Bad(format!("{op}: binary operator expected"))),
        })
    }

    /// Evaluates `[[ … ]]`: 0 true, 1 false, 2 error.
    pub(crate) async fn test_expr(&mut self, e: &TestExpr, io: &Io) -> R<i32> {
        match Box::pin(self.eval_test(e, io)).await? {
            Ok(b) => Ok((!b) as i32),
            Err(Bad(msg)) => {
                io.stderr.print(&format!("mirage: {msg}\n")).await?;
                Ok(2)
            }
        }
    }

    fn eval_test<'a>(
        &'a mut self,
        e: &'a TestExpr,
        io: &'a Io,
    ) -> futures::future::LocalBoxFuture<'a, R<Result<bool, Bad>>> {
        Box::pin(async move {
            Ok(match e {
                TestExpr::Word(w) => Ok(!self.expand_one(w, io).await?.is_empty()),
                TestExpr::Not(x) => self.eval_test(x, io).await?.map(|b| !b),
                TestExpr::And(a, b) => match self.eval_test(a, io).await? {
                    Ok(true) => self.eval_test(b, io).await?,
                    other => other,
                },
                TestExpr::Or(a, b) => match self.eval_test(a, io).await? {
                    Ok(false) => self.eval_test(b, io).await?,
                    other => other,
                },
                TestExpr::Unary(op, w) => {
                    let v = self.expand_one(w, io).await?;
                    self.unary(op, &v).await
                }
                TestExpr::Binary(a, op, b) => {
                    let av = self.expand_one(a, io).await?;
                    match op.as_str() {
                        "==" | "=" | "!=" => {
                            let pat = self.expand_pattern(b, io).await?;
                            let m = if self.st.opts.nocasematch {
                                super::pattern::matches_ci(&pat, &av)
                            } else {
                                super::pattern::matches(&pat, &av)
                            };
                            Ok(if op == "!=" { !m } else { m })
                        }
                        "=~" => {
                            let re = self.expand_regex(b, io).await?;
                            self.regex_match(&av, &re)
                        }
                        "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                            let bv = self.expand_one(b, io).await?;
                            let x = self.arith(&av, io).await;
                            let y = self.arith(&bv, io).await;
                            match (x, y) {
                                (Ok(x), Ok(y)) => {
                                    self.binary(&x.to_string(), op, &y.to_string()).await
                                }
                                (Err(m), _) | (_, Err(m)) => Err(Bad(m)),
                            }
                        }
                        _ => {
                            let bv = self.expand_one(b, io).await?;
                            self.binary(&av, op, &bv).await
                        }
                    }
                }
            })
        })
    }

    fn regex_match(&mut self, text: &str, re: &str) -> Result<bool, Bad> {
        let re =
            regex::Regex::new(re).map_err(|_| Bad(format!("{re}: invalid regular expression")))?;
        match re.captures(text) {
            Some(c) => {
                let arr = c
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        (
                            i as i64,
                            m.map_or(String::new(), |m| m.as_str().to_string()),
                        )
                    })
                    .collect();
                let _ = self.st.set("BASH_REMATCH", Value::Array(arr));
                Ok(true)
            }
            None => {
                let _ = self
                    .st
                    .set("BASH_REMATCH", Value::Array(Default::default()));
                Ok(false)
            }
        }
    }

    /// The `test` / `[` builtin on its arguments (without the closing `]`).
    pub(crate) async fn test_args(&mut self, args: &[String], io: &Io, name: &str) -> R<i32> {
        let r = self.test_list(args).await;
        match r {
            Ok(b) => Ok((!b) as i32),
            Err(Bad(msg)) => {
                io.stderr.print(&format!("mirage: {name}: {msg}\n")).await?;
                Ok(2)
            }
        }
    }

    fn test_list<'a>(
        &'a mut self,
        a: &'a [String],
    ) -> futures::future::LocalBoxFuture<'a, Result<bool, Bad>> {
        Box::pin(async move {
            let s = |i: usize| a[i].as_str();
            match a.len() {
                0 => return Ok(false),
                1 => return Ok(!a[0].is_empty()),
                2 => {
                    if s(0) == "!" {
                        return Ok(a[1].is_empty());
                    }
                    if s(0).starts_with('-') && s(0).len() == 2 {
                        return self.unary(s(0), s(1)).await;
                    }
                    return Err(Bad(format!("{}: unary operator expected", s(0))));
                }
                3 => {
                    if is_binary(s(1)) {
                        return self.binary(s(0), s(1), s(2)).await;
                    }
                    if s(1) == "-a" {
                        return Ok(!a[0].is_empty() && !a[2].is_empty());
                    }
                    if s(1) == "-o" {
                        return Ok(!a[0].is_empty() || !a[2].is_empty());
                    }
                    if s(0) == "!" {
                        return Ok(!self.test_list(&a[1..]).await?);
                    }
                    if s(0) == "(" && s(2) == ")" {
                        return Ok(!a[1].is_empty());
                    }
                    return Err(Bad(format!("{}: binary operator expected", s(1))));
                }
                4 if s(0) == "!" => return Ok(!self.test_list(&a[1..]).await?),
                4 if s(0) == "(" && s(3) == ")" => return self.test_list(&a[1..3]).await,
                _ => {}
            }
            // General case: split at the last -o, then -a.
            for sep in ["-o", "-a"] {
                if let Some(i) = (1..a.len().saturating_sub(1))
                    .rev()
                    .find(|&i| a[i] == sep && !is_operand_pos(a, i))
                {
                    let l = self.test_list(&a[..i]).await?;
                    return if sep == "-o" {
                        Ok(l || self.test_list(&a[i + 1..]).await?)
                    } else {
                        Ok(l && self.test_list(&a[i + 1..]).await?)
                    };
                }
            }
            if s(0) == "!" {
                return Ok(!self.test_list(&a[1..]).await?);
            }
            if s(0) == "(" && a.last().is_some_and(|l| l == ")") {
                return self.test_list(&a[1..a.len() - 1]).await;
            }
            Err(Bad("too many arguments".into()))
        })
    }
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "=="
            | "!="
            | "<"
            | ">"
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

/// True when `a[i]` is the operand of a binary operator (so `-a` there is a string).
fn is_operand_pos(a: &[String], i: usize) -> bool {
    i >= 1 && is_binary(&a[i - 1])
}

/// `-v NAME` or `-v NAME[SUBSCRIPT]`: whether the variable (or that element) is set.
fn is_set(st: &crate::shell::state::State, arg: &str) -> bool {
    use crate::shell::state::Value;
    let Some((name, sub)) = arg.strip_suffix(']').and_then(|a| a.split_once('[')) else {
        return st.get(arg).is_some_and(|v| v.first().is_some());
    };
    match (st.get(name), sub) {
        (None, _) => false,
        (Some(v), "@" | "*") => !v.elements().is_empty(),
        (Some(Value::Assoc(m)), key) => m.contains_key(key),
        (Some(Value::Array(a)), idx) => match idx.trim().parse::<i64>() {
            Ok(i) if i < 0 => a
                .keys()
                .next_back()
                .is_some_and(|last| a.contains_key(&(last + 1 + i))),
            Ok(i) => a.contains_key(&i),
            Err(_) => false,
        },
        (Some(Value::Str(_)), idx) => idx.trim() == "0",
    }
}
