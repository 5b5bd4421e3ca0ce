//! `${…}`: lookup of plain, special, positional and array parameters, and the operators
//! (`:-`, `:=`, `:+`, `:?`, `#`, `##`, `%`, `%%`, `/`, `//`, `/#`, `/%`, `:off:len`, `^^`, `,,`,
//! `${#v}`, `${!v}`).

use super::expand::PVal;
use super::io::Io;
use super::lex::is_name;
use super::pattern::{match_prefix, match_suffix, matches};
use super::state::Value;
use super::{Shell, ShellError};

type R<T> = Result<T, ShellError>;

fn bad(inner: &str) -> ShellError {
    ShellError::Abort(format!("${{{inner}}}: bad substitution"), 1, true)
}

/// Splits `inner` into (name, index, rest): `a[1]:-x` → ("a", Some("1"), ":-x").
fn split_name(inner: &str) -> Option<(&str, Option<&str>, &str)> {
    let b = inner.as_bytes();
    let first = *b.first()?;
    let mut end = if first.is_ascii_digit() {
        b.iter().take_while(|c| c.is_ascii_digit()).count()
    } else if b"@*#?$!-".contains(&first) {
        1
    } else if first == b'_' || first.is_ascii_alphabetic() {
        b.iter()
            .take_while(|c| **c == b'_' || c.is_ascii_alphanumeric())
            .count()
    } else {
        return None;
    };
    let name = &inner[..end];
    let mut index = None;
    if b.get(end) == Some(&b'[') {
        let close = inner[end..].find(']')? + end;
        index = Some(&inner[end + 1..close]);
        end = close + 1;
    }
    Some((name, index, &inner[end..]))
}

impl Shell {
    /// The value of `name` / `name[index]`.
    async fn lookup(&mut self, name: &str, index: Option<&str>, io: &Io) -> R<PVal> {
        let st = &self.st;
        let v = match name {
            "@" => return Ok(PVal::Many(st.positional.clone())),
            "*" => return Ok(PVal::Star(st.positional.clone())),
            "#" => Some(st.positional.len().to_string()),
            "?" => Some(st.status.to_string()),
            "$" => Some(std::process::id().to_string()),
            "!" => (st.last_bg > 0).then(|| st.last_bg.to_string()),
            // In bash's order; `h` (hashing) and `B` (brace expansion) are always on.
            "-" => Some(
                [
                    (st.opts.errexit, 'e'),
                    (st.opts.noglob, 'f'),
                    (true, 'h'),
                    (st.opts.nounset, 'u'),
                    (st.opts.xtrace, 'x'),
                    (true, 'B'),
                    (st.opts.noclobber, 'C'),
                    (st.opts.source == super::state::Source::CommandString, 'c'),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, c)| *c)
                .collect(),
            ),
            "0" => Some(st.arg0.clone()),
            "RANDOM" if st.get("RANDOM").is_none() => {
                let mut r = self.st.random;
                r ^= r << 13;
                r ^= r >> 17;
                r ^= r << 5;
                self.st.random = r;
                return Ok(PVal::One(Some((r % 32768).to_string())));
            }
            "SECONDS" if st.get("SECONDS").is_none() => {
                Some(st.started.elapsed().as_secs().to_string())
            }
            "SHELLOPTS" if st.get(name).is_none() => Some(
                crate::shell::builtins::vars::set_options(self)
                    .into_iter()
                    .filter(|(_, on)| *on)
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>()
                    .join(":"),
            ),
            "BASHOPTS" if st.get(name).is_none() => {
                Some(crate::shell::builtins::shopt::bashopts(self))
            }
            "PPID" if st.get("PPID").is_none() => Some(std::process::id().to_string()),
            "EPOCHSECONDS" | "EPOCHREALTIME" if st.get(name).is_none() => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                Some(if name == "EPOCHSECONDS" {
                    now.as_secs().to_string()
                } else {
                    format!("{}.{:06}", now.as_secs(), now.subsec_micros())
                })
            }
            "BASH_VERSINFO" | "PIPESTATUS" if st.get(name).is_none() => {
                let v: Vec<String> = if name == "PIPESTATUS" {
                    st.pipestatus.iter().map(|s| s.to_string()).collect()
                } else {
                    ["5", "2", "0", "1", "release", "x86_64-pc-linux-gnu"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect()
                };
                return Ok(match index {
                    Some("@") => PVal::Many(v),
                    Some("*") => PVal::Star(v),
                    Some(ix) => {
                        let i = self
                            .arith(ix, io)
                            .await
                            .map_err(|m| ShellError::Fatal(m, 1))?;
                        PVal::One(usize::try_from(i).ok().and_then(|i| v.get(i)).cloned())
                    }
                    None => PVal::One(v.first().cloned()),
                });
            }
            "LINENO" if st.get("LINENO").is_none() => Some(st.lineno.to_string()),
            "_" if st.get("_").is_none() => Some(st.last_arg.clone()),
            n if n.bytes().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().unwrap_or(0);
                st.positional.get(i.wrapping_sub(1)).cloned()
            }
            n => match (st.get(n), index) {
                (None, Some("@")) => return Ok(PVal::Many(vec![])),
                (None, Some("*")) => return Ok(PVal::Star(vec![])),
                (None, _) => None,
                (Some(v), Some("@")) => return Ok(PVal::Many(v.elements())),
                (Some(v), Some("*")) => return Ok(PVal::Star(v.elements())),
                (Some(v), None) => v.first(),
                (Some(Value::Assoc(m)), Some(ix)) => {
                    let m = m.clone();
                    let key = self.expand_one(ix, io).await?;
                    m.get(&key).cloned()
                }
                (Some(v), Some(ix)) => {
                    let v = v.clone();
                    let i = self
                        .arith(ix, io)
                        .await
                        .map_err(|m| ShellError::Fatal(m, 1))?;
                    match v {
                        Value::Str(s) => (i == 0).then_some(s),
                        Value::Array(a) => {
                            let i = if i < 0 {
                                a.keys().next_back().map_or(0, |k| k + 1) + i
                            } else {
                                i
                            };
                            a.get(&i).cloned()
                        }
                        Value::Assoc(m) => m.get(&i.to_string()).cloned(),
                    }
                }
            },
        };
        Ok(PVal::One(v))
    }

    /// Expands the inside of `${…}` (or a bare `$name`).
    pub(crate) async fn param(&mut self, inner: &str, io: &Io) -> R<PVal> {
        self.param_with(inner, false, io).await
    }

    /// As `param`, but the word of a `${v:-word}`/`${v:+word}` that applies comes back
    /// unexpanded as `PVal::Word`, for an unquoted expansion to split field by field.
    pub(crate) async fn param_deferred(&mut self, inner: &str, io: &Io) -> R<PVal> {
        self.param_with(inner, true, io).await
    }

    async fn param_with(&mut self, inner: &str, defer: bool, io: &Io) -> R<PVal> {
        if inner == "#" {
            return Ok(PVal::One(Some(self.st.positional.len().to_string())));
        }
        if let Some(rest) = inner.strip_prefix('#')
            && let Some((name, index, "")) = split_name(rest)
        {
            let n = match self.lookup(name, index, io).await? {
                PVal::One(s) => s.unwrap_or_default().chars().count(),
                PVal::Word(s) => s.chars().count(),
                PVal::Many(v) | PVal::Star(v) => v.len(),
            };
            return Ok(PVal::One(Some(n.to_string())));
        }
        // `${!name}` is indirection; `$!` alone is the last background job.
        if let Some(rest) = inner.strip_prefix('!').filter(|r| !r.is_empty()) {
            if let Some((name, Some("@" | "*"), "")) = split_name(rest) {
                let keys = match self.st.get(name) {
                    Some(Value::Array(a)) => a.keys().map(|k| k.to_string()).collect(),
                    Some(Value::Assoc(m)) => crate::shell::state::bash_order(m)
                        .into_iter()
                        .map(|(k, _)| k.clone())
                        .collect(),
                    Some(_) => vec!["0".to_string()],
                    None => vec![],
                };
                return Ok(if rest.ends_with("[*]") {
                    PVal::Star(keys)
                } else {
                    PVal::Many(keys)
                });
            }
            // `${!prefix*}`: the names of the variables starting with `prefix`.
            if let Some(prefix) = rest
                .strip_suffix('*')
                .or_else(|| rest.strip_suffix('@'))
                .filter(|p| is_name(p))
            {
                let mut names: Vec<String> = self
                    .st
                    .vars
                    .keys()
                    .filter(|k| k.starts_with(prefix))
                    .cloned()
                    .collect();
                names.sort();
                return Ok(if rest.ends_with('*') {
                    PVal::Star(names)
                } else {
                    PVal::Many(names)
                });
            }
            // `${!name}` or `${!a[i]}`: the value names the variable to expand, then any
            // operator applies to that (`${!ref:-default}`, `${!x#prefix}`).
            let Some((name, index, tail)) = split_name(rest) else {
                return Err(bad(inner));
            };
            let target = match self.lookup(name, index, io).await? {
                PVal::One(Some(s)) => s,
                PVal::One(None) => {
                    return Err(ShellError::Abort(
                        format!("{name}: invalid indirect expansion"),
                        1,
                        true,
                    ));
                }
                _ => return Err(bad(inner)),
            };
            if target.is_empty() {
                if tail.is_empty() {
                    return Ok(PVal::One(None));
                }
                return Err(ShellError::Abort(
                    format!("{name}: invalid indirect expansion"),
                    1,
                    true,
                ));
            }
            return Box::pin(self.param_with(&format!("{target}{tail}"), defer, io)).await;
        }
        let (name, index, rest) = split_name(inner).ok_or_else(|| bad(inner))?;
        let val = self.lookup(name, index, io).await?;
        if rest.is_empty() {
            if let PVal::One(None) = val
                && self.st.opts.nounset
            {
                return Err(ShellError::Fatal(format!("{name}: unbound variable"), 127));
            }
            return Ok(val);
        }
        self.operator(inner, (name, index), val, rest, defer, io)
            .await
    }

    async fn operator(
        &mut self,
        inner: &str,
        (name, index): (&str, Option<&str>),
        val: PVal,
        rest: &str,
        defer: bool,
        io: &Io,
    ) -> R<PVal> {
        if rest.starts_with('@') && matches!(val, PVal::One(None)) && self.st.opts.nounset {
            return Err(ShellError::Fatal(format!("{name}: unbound variable"), 127));
        }
        match rest {
            // `${a[@]@a}`: the attributes once per element.
            "@a" => {
                let attrs = self.st.attributes(name);
                return Ok(match val {
                    PVal::Many(v) => PVal::Many(vec![attrs; v.len()]),
                    PVal::Star(v) => PVal::Star(vec![attrs; v.len()]),
                    _ => PVal::One(Some(attrs)),
                });
            }
            // `${x@A}`: the assignment (or `declare`) that recreates the variable.
            "@A" => {
                let real = self.st.resolve(name).to_string();
                let array = !matches!(
                    self.st.get(&real),
                    Some(crate::shell::state::Value::Str(_)) | None
                );
                let attrs = self.st.attributes(&real);
                return Ok(match val {
                    PVal::One(None) => PVal::One(None),
                    _ if array => PVal::One(super::builtins::vars::declaration(self, &real)),
                    PVal::One(Some(s)) | PVal::Word(s) => {
                        let q = crate::shell::commands::quote_reusable(&s);
                        PVal::One(Some(if attrs.is_empty() {
                            format!("{real}={q}")
                        } else {
                            format!("declare -{attrs} {real}={q}")
                        }))
                    }
                    other => other,
                });
            }
            _ => {}
        }
        let (is_set, is_null) = match &val {
            PVal::One(None) => (false, true),
            PVal::One(Some(s)) | PVal::Word(s) => (true, s.is_empty()),
            PVal::Many(v) | PVal::Star(v) => (!v.is_empty(), v.iter().all(|s| s.is_empty())),
        };
        for (op, colon) in [
            (":-", true),
            ("-", false),
            (":=", true),
            ("=", false),
            (":+", true),
            ("+", false),
            (":?", true),
            ("?", false),
        ] {
            let Some(word) = rest.strip_prefix(op) else {
                continue;
            };
            let missing = !is_set || (colon && is_null);
            let kind = op.trim_start_matches(':');
            return match kind {
                "-" | "+" if defer && (missing == (kind == "-")) => Ok(PVal::Word(word.into())),
                "-" if missing => Ok(PVal::One(Some(self.expand_one(word, io).await?))),
                "=" if missing => {
                    let v = self.expand_one(word, io).await?;
                    if !is_name(name) {
                        return Err(ShellError::Fatal(
                            format!("${name}: cannot assign in this way"),
                            1,
                        ));
                    }
                    let r = match index {
                        Some(ix) => {
                            let i = self
                                .arith(ix, io)
                                .await
                                .map_err(super::arith::expansion_error)?;
                            self.st.set_index(name, i, v.clone())
                        }
                        None => self.st.set_str(name, v.clone()),
                    };
                    r.map_err(super::arith::expansion_error)?;
                    Ok(PVal::One(Some(v)))
                }
                "+" if !missing => Ok(PVal::One(Some(self.expand_one(word, io).await?))),
                // `"${arr[@]+…}"` of an unset array is no word at all, like an empty "$@".
                "+" if index == Some("@") || name == "@" => Ok(PVal::Many(Vec::new())),
                "+" => Ok(PVal::One(Some(String::new()))),
                "?" if missing => {
                    let msg = if word.is_empty() {
                        "parameter null or not set".to_string()
                    } else {
                        self.expand_one(word, io).await?
                    };
                    Err(ShellError::Fatal(format!("{name}: {msg}"), 127))
                }
                _ => Ok(val),
            };
        }
        if !is_set && self.st.opts.nounset {
            return Err(ShellError::Fatal(format!("{name}: unbound variable"), 127));
        }
        let op = Op::parse(self, rest, io).await?.ok_or_else(|| bad(inner))?;
        let val = match val {
            // `${@:N}` counts from `$0`, as bash does: `${@:1}` is all of `"$@"`.
            PVal::Many(v) | PVal::Star(v)
                if matches!(op, Op::Substr(..)) && index.is_none() && matches!(name, "@" | "*") =>
            {
                let zero = match self.lookup("0", None, io).await? {
                    PVal::One(s) => s.unwrap_or_default(),
                    _ => String::new(),
                };
                let all = std::iter::once(zero).chain(v).collect();
                if name == "@" {
                    PVal::Many(all)
                } else {
                    PVal::Star(all)
                }
            }
            // `${a[@]:N:L}` of a sparse array: the elements whose index is at least N.
            PVal::Many(_) | PVal::Star(_)
                if matches!(index, Some("@" | "*"))
                    && let Op::Substr(off, len) = op
                    && off >= 0
                    && let Some(Value::Array(arr)) = self.st.get(name) =>
            {
                let items: Vec<String> = arr
                    .range(off..)
                    .map(|(_, v)| v.clone())
                    .take(len.map_or(usize::MAX, |l| l.max(0) as usize))
                    .collect();
                return Ok(if index == Some("@") {
                    PVal::Many(items)
                } else {
                    PVal::Star(items)
                });
            }
            other => other,
        };
        Ok(match val {
            // `${undef@Q}` is nothing, not `''`.
            PVal::One(None) if matches!(op, Op::Transform('Q' | 'K')) => PVal::One(None),
            PVal::One(s) => PVal::One(Some(op.apply(&s.unwrap_or_default()))),
            PVal::Word(s) => PVal::One(Some(op.apply(&s))),
            PVal::Many(v) => PVal::Many(op.apply_all(v)),
            PVal::Star(v) => PVal::Star(op.apply_all(v)),
        })
    }
}

async fn substr_num(sh: &mut Shell, e: &str, io: &Io) -> R<i64> {
    let e = e.trim();
    if e.is_empty() {
        return Ok(0);
    }
    sh.arith(e, io).await.map_err(super::arith::expansion_error)
}

/// A string operator with its expanded operands.
enum Op {
    Prefix(String, bool),
    Suffix(String, bool),
    Replace(String, String, ReplaceKind),
    Substr(i64, Option<i64>),
    Upper(bool),
    Lower(bool),
    /// `${v~~}` / `${v~}`: every character's (or the first one's) case swapped.
    Toggle(bool),
    /// `${v^^pat}` and friends: pattern, all (or the first character only), to upper.
    CaseMatching(String, bool, bool),
    /// `${v@Q}`, `${v@E}`, `${v@U}`, `${v@u}`, `${v@L}`.
    Transform(char),
}

#[derive(Clone, Copy)]
enum ReplaceKind {
    First,
    All,
    Start,
    End,
}

/// Index of the first unescaped `/` in a raw operand.
fn split_slash(s: &str) -> (&str, Option<&str>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'/' => return (&s[..i], Some(&s[i + 1..])),
            _ => {}
        }
        i += 1;
    }
    (s, None)
}

impl Op {
    async fn parse(sh: &mut Shell, rest: &str, io: &Io) -> R<Option<Op>> {
        Ok(Some(if let Some(p) = rest.strip_prefix("##") {
            Op::Prefix(sh.expand_pattern(p, io).await?, true)
        } else if let Some(p) = rest.strip_prefix('#') {
            Op::Prefix(sh.expand_pattern(p, io).await?, false)
        } else if let Some(p) = rest.strip_prefix("%%") {
            Op::Suffix(sh.expand_pattern(p, io).await?, true)
        } else if let Some(p) = rest.strip_prefix('%') {
            Op::Suffix(sh.expand_pattern(p, io).await?, false)
        } else if let Some(r) = rest.strip_prefix('/') {
            let (kind, r) = match r.as_bytes().first() {
                Some(b'/') => (ReplaceKind::All, &r[1..]),
                Some(b'#') => (ReplaceKind::Start, &r[1..]),
                Some(b'%') => (ReplaceKind::End, &r[1..]),
                _ => (ReplaceKind::First, r),
            };
            let (pat, rep) = split_slash(r);
            let pat = sh.expand_pattern(pat, io).await?;
            let rep = match rep {
                Some(r) if sh.st.opts.no_patsub => sh.expand_one(r, io).await?,
                Some(r) => sh.expand_one(&mark_amp(r), io).await?,
                None => String::new(),
            };
            Op::Replace(pat, rep, kind)
        } else if let Some(r) = rest.strip_prefix(':') {
            let (off, len) = match r.find(':') {
                Some(i) => (&r[..i], Some(&r[i + 1..])),
                None => (r, None),
            };
            let off = substr_num(sh, off, io).await?;
            let len = match len {
                Some(l) => Some(substr_num(sh, l, io).await?),
                None => None,
            };
            Op::Substr(off, len)
        } else if rest == "~~" {
            Op::Toggle(true)
        } else if rest == "~" {
            Op::Toggle(false)
        } else if rest == "^^" {
            Op::Upper(true)
        } else if rest == "^" {
            Op::Upper(false)
        } else if rest == ",," {
            Op::Lower(true)
        } else if rest == "," {
            Op::Lower(false)
        } else if let Some((op, p)) = ["^^", "^", ",,", ","]
            .iter()
            .find_map(|op| rest.strip_prefix(op).map(|p| (*op, p)))
        {
            // `${v^^p}`: only characters matching the pattern change case.
            let pat = sh.expand_pattern(p, io).await?;
            Op::CaseMatching(pat, op.len() == 2, op.starts_with('^'))
        } else if let Some(c) = rest
            .strip_prefix('@')
            .filter(|t| matches!(*t, "Q" | "K" | "E" | "U" | "u" | "L"))
            .and_then(|t| t.chars().next())
        {
            Op::Transform(c)
        } else {
            return Ok(None);
        }))
    }

    fn apply_all(&self, v: Vec<String>) -> Vec<String> {
        if let Op::Substr(off, len) = self {
            // On arrays, offsets select elements.
            let n = v.len() as i64;
            if *off < 0 && n + off < 0 {
                return Vec::new();
            }
            let start = if *off < 0 { n + off } else { (*off).min(n) } as usize;
            let end = match len {
                Some(l) if *l < 0 => (n + l).max(start as i64) as usize,
                Some(l) => (start + *l as usize).min(v.len()),
                None => v.len(),
            };
            return v[start..end.max(start)].to_vec();
        }
        v.iter().map(|s| self.apply(s)).collect()
    }

    fn apply(&self, s: &str) -> String {
        match self {
            Op::Prefix(p, longest) => match match_prefix(p, s, *longest) {
                Some(n) => s[n..].to_string(),
                None => s.to_string(),
            },
            Op::Suffix(p, longest) => match match_suffix(p, s, *longest) {
                Some(n) => s[..n].to_string(),
                None => s.to_string(),
            },
            Op::Replace(p, r, kind) => replace(s, p, r, *kind),
            Op::Substr(off, len) => {
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                if *off < 0 && n + off < 0 {
                    // A negative offset before the start selects nothing, as in bash.
                    return String::new();
                }
                let start = if *off < 0 { n + off } else { (*off).min(n) };
                let end = match len {
                    Some(l) if *l < 0 => n + l,
                    Some(l) => (start + l).min(n),
                    None => n,
                };
                if end <= start {
                    return String::new();
                }
                chars[start as usize..end as usize].iter().collect()
            }
            Op::Toggle(all) => toggle_case(s, *all),
            Op::Upper(all) => case_map(s, *all, true),
            Op::Lower(all) => case_map(s, *all, false),
            Op::CaseMatching(pat, all, upper) => case_map_matching(s, pat, *all, *upper),
            Op::Transform('Q' | 'K') => crate::shell::commands::quote_reusable(s),
            Op::Transform('E') => crate::shell::lex::ansi_c(s),
            Op::Transform('U') => case_map(s, true, true),
            Op::Transform('u') => case_map(s, false, true),
            Op::Transform(_) => case_map(s, true, false),
        }
    }
}

fn case_map(s: &str, all: bool, upper: bool) -> String {
    let conv = |c: char| -> String {
        if upper {
            c.to_uppercase().collect()
        } else {
            c.to_lowercase().collect()
        }
    };
    if all {
        return s.chars().map(conv).collect();
    }
    let mut it = s.chars();
    match it.next() {
        Some(c) => conv(c) + it.as_str(),
        None => String::new(),
    }
}

/// `s` with the case of every character (or of the first one) swapped.
fn toggle_case(s: &str, all: bool) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if !all && i > 0 {
                c.to_string()
            } else if c.is_uppercase() {
                c.to_lowercase().collect()
            } else {
                c.to_uppercase().collect()
            }
        })
        .collect()
}

/// [`case_map`] of the characters matching `pat` (of the first character only, unless `all`).
fn case_map_matching(s: &str, pat: &str, all: bool, upper: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let mut buf = [0u8; 4];
        let one = c.encode_utf8(&mut buf);
        if (all || i == 0) && crate::shell::pattern::matches(pat, one) {
            out.push_str(&case_map(one, true, upper));
        } else {
            out.push(c);
        }
    }
    out
}

/// Stands for a quoted or escaped `&` in a replacement, which stays literal; every other `&`
/// (written or produced by an expansion) is the matched text (bash's `patsub_replacement`, on
/// by default).
const LITERAL_AMP: char = '\u{10FF7F}';

/// `raw` (a replacement as written) with its quoted and escaped `&`s as [`LITERAL_AMP`] and a
/// leading marker, or `raw` itself when it has no `&` to protect.
fn mark_amp(raw: &str) -> String {
    if !raw.contains('&') {
        return format!("{LITERAL_AMP}{raw}");
    }
    let mut out = String::with_capacity(raw.len() + 4);
    out.push(LITERAL_AMP);
    let (mut single, mut double) = (false, false);
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        // A substitution's text is copied as is: its quotes are its own.
        if !single && (c == '`' || (c == '$' && matches!(it.peek(), Some('(' | '{')))) {
            out.push(c);
            let (open, close) = match c {
                '`' => ('`', '`'),
                _ => {
                    let o = it.next().unwrap_or('(');
                    out.push(o);
                    (o, if o == '(' { ')' } else { '}' })
                }
            };
            let mut depth = 1;
            for n in it.by_ref() {
                out.push(n);
                if n == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                } else if n == open {
                    depth += 1;
                }
            }
            continue;
        }
        match c {
            '\\' if !single => match it.next() {
                Some('&') => out.push(LITERAL_AMP),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            },
            '\'' if !double => {
                single = !single;
                out.push(c);
            }
            '"' if !single => {
                double = !double;
                out.push(c);
            }
            '&' if single || double => out.push(LITERAL_AMP),
            _ => out.push(c),
        }
    }
    out
}

/// `rep` with `&` as the matched text when it was marked by [`mark_amp`] (else as is).
fn fill<'a>(rep: &'a str, matched: &str) -> std::borrow::Cow<'a, str> {
    let Some(body) = rep.strip_prefix(LITERAL_AMP) else {
        return rep.into();
    };
    if !body.contains(['&', LITERAL_AMP]) {
        return body.into();
    }
    body.chars()
        .fold(String::with_capacity(body.len()), |mut out, c| {
            match c {
                '&' => out.push_str(matched),
                LITERAL_AMP => out.push('&'),
                c => out.push(c),
            }
            out
        })
        .into()
}

fn replace(s: &str, pat: &str, rep: &str, kind: ReplaceKind) -> String {
    if pat.is_empty() {
        // An empty anchored pattern matches at the start or end: `${v/#/x}` prefixes.
        let rep = fill(rep, "");
        return match kind {
            ReplaceKind::Start => format!("{rep}{s}"),
            ReplaceKind::End => format!("{s}{rep}"),
            _ => s.to_string(),
        };
    }
    match kind {
        ReplaceKind::Start => match match_prefix(pat, s, true) {
            Some(n) => format!("{}{}", fill(rep, &s[..n]), &s[n..]),
            None => s.to_string(),
        },
        ReplaceKind::End => match match_suffix(pat, s, true) {
            Some(n) => format!("{}{}", &s[..n], fill(rep, &s[n..])),
            None => s.to_string(),
        },
        ReplaceKind::First | ReplaceKind::All => {
            let mut out = String::new();
            let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            let mut i = 0;
            let mut done = false;
            while i < idx.len() - 1 {
                let st = idx[i];
                // Longest match starting here.
                let hit = if done {
                    None
                } else {
                    idx[i + 1..]
                        .iter()
                        .rev()
                        .find(|&&e| matches(pat, &s[st..e]))
                        .copied()
                };
                match hit {
                    Some(e) => {
                        out.push_str(&fill(rep, &s[st..e]));
                        i = idx.iter().position(|&x| x == e).unwrap_or(idx.len() - 1);
                        if matches!(kind, ReplaceKind::First) {
                            done = true;
                        }
                    }
                    None => {
                        out.push_str(&s[st..idx[i + 1]]);
                        i += 1;
                    }
                }
            }
            out
        }
    }
}
