//! Variables (scalars and indexed arrays), their export flags, `local` scopes, positional
//! parameters and shell options: everything a subshell copies.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::ast::Node;
use crate::vfs::VPath;

/// A variable's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An indexed array (sparse).
    Array(BTreeMap<i64, String>),
    /// An associative array (`declare -A`), in insertion order.
    Assoc(indexmap::IndexMap<String, String>),
}

impl Value {
    /// `$v`: the string, or element 0 of an array.
    pub fn scalar(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Array(a) => a.get(&0).cloned().unwrap_or_default(),
            Value::Assoc(m) => m.get("0").cloned().unwrap_or_default(),
        }
    }

    /// `$v` when set: the string, or element 0 of an array — an array without one is unset
    /// as `$v` (`${v-x}` gives `x`, `[[ -v v ]]` is false), as in bash.
    pub fn first(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Array(a) => a.get(&0).cloned(),
            Value::Assoc(m) => m.get("0").cloned(),
        }
    }

    /// `${v[@]}`: all elements (a string is a one-element array).
    pub fn elements(&self) -> Vec<String> {
        match self {
            Value::Str(s) => vec![s.clone()],
            Value::Array(a) => a.values().cloned().collect(),
            Value::Assoc(m) => bash_order(m).into_iter().map(|(_, v)| v.clone()).collect(),
        }
    }
}

/// The entries of an associative array in the order bash lists them: by bucket of bash's
/// hash table (FNV-1 of the key, 1024 buckets, growing 4× past two entries per bucket), the
/// newest first within a bucket — so `for k in "${!h[@]}"` runs in bash's order.
pub fn bash_order(m: &indexmap::IndexMap<String, String>) -> Vec<(&String, &String)> {
    let mut buckets = 1024u64;
    while m.len() as u64 >= buckets * 2 {
        buckets *= 4;
    }
    let fnv = |k: &str| {
        k.bytes().fold(2_166_136_261u32, |h, c| {
            h.wrapping_mul(16_777_619) ^ u32::from(c)
        })
    };
    let mut v: Vec<(u64, usize, (&String, &String))> = m
        .iter()
        .enumerate()
        .map(|(i, kv)| (u64::from(fnv(kv.0)) & (buckets - 1), i, kv))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    v.into_iter().map(|(_, _, kv)| kv).collect()
}

/// A variable.
#[derive(Debug, Clone)]
pub struct Var {
    /// Its value.
    pub value: Value,
    /// `export`ed.
    pub exported: bool,
    /// `readonly`.
    pub readonly: bool,
    /// `declare -n`/`local -n`: the value is the name of the variable this one stands for.
    pub nameref: bool,
}

/// `set -e`, `set -u`, `set -o pipefail`, `set -x`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `-e`
    pub errexit: bool,
    /// `-u`
    pub nounset: bool,
    /// `-o pipefail`
    pub pipefail: bool,
    /// `-x`
    pub xtrace: bool,
    /// `-f`
    pub noglob: bool,
    /// `-C`: `>` and `&>` refuse to overwrite an existing regular file (`>|` still does).
    pub noclobber: bool,
    /// `shopt -s nullglob`
    pub nullglob: bool,
    /// `shopt -s lastpipe`: a pipeline's last command runs in the current shell.
    pub lastpipe: bool,
    /// `set -n`: commands are read but not run (so nothing turns it off again).
    pub noexec: bool,
    /// `shopt -s extglob` (extended patterns outside `[[ ]]`, where they always apply)
    pub extglob: bool,
    /// `shopt -s dotglob`: globs match names starting with `.`
    pub dotglob: bool,
    /// `shopt -s nocaseglob`: globs ignore case
    pub nocaseglob: bool,
    /// `shopt -s nocasematch`: `case` and `[[ == ]]` ignore case
    pub nocasematch: bool,
    /// `shopt -s failglob`
    pub failglob: bool,
    /// `shopt -s globstar`: `**` matches any depth.
    pub globstar: bool,
    /// `shopt -u patsub_replacement` (on by default, as in bash 5.2): `&` in a `${v/p/r}`
    /// replacement stays literal.
    pub no_patsub: bool,
    /// Where the script came from.
    pub source: Source,
}

/// Where a script came from; bash tells them apart in small ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    /// Handed over by an embedding program or MCP (behaves as `-c`).
    #[default]
    Embedded,
    /// `-c STRING`: `c` in `$-`.
    CommandString,
    /// A script file: `FUNCNAME` ends with `main`.
    File,
    /// The script on stdin.
    Stdin,
}

impl Source {
    /// An unset variable under `set -u` or `${v?}` ends a file or stdin script with status 1
    /// instead of `-c`'s 127, as in bash.
    pub fn unset_is_status_1(self) -> bool {
        matches!(self, Source::File | Source::Stdin)
    }
}

/// The copyable part of a shell session.
#[derive(Clone)]
pub struct State {
    /// Variables by name.
    pub vars: HashMap<String, Var>,
    /// Names given to `export` while unset: exported once they are assigned.
    pub export_pending: std::collections::HashSet<String>,
    /// Names given to `declare`/`typeset` without a value while unset (`declare -p` shows
    /// them as `declare -- name`).
    pub declared: std::collections::HashSet<String>,
    /// Functions by name.
    pub funcs: HashMap<String, Rc<Node>>,
    /// Working directory.
    pub cwd: VPath,
    /// `$1`…
    pub positional: Vec<String>,
    /// `$0`
    pub arg0: String,
    /// `$?`
    pub status: i32,
    /// Options.
    pub opts: Options,
    /// Saved values of variables made `local`, one frame per function call.
    pub frames: Vec<Vec<(String, Option<Var>)>>,
    /// The line each function on the call stack was called from, outermost first (`caller`).
    pub call_lines: Vec<u32>,
    /// Depth of conditions being evaluated (where `set -e` does not apply).
    pub in_condition: u32,
    /// Nesting of functions, `source`, `eval` and subshells.
    pub depth: u32,
    /// Loop nesting (for `break`/`continue` validation).
    pub loops: u32,
    /// `$!`
    pub last_bg: u32,
    /// Status of the last command substitution of the command being expanded.
    pub status_from_subst: Option<i32>,
    /// `trap 'cmd' EXIT`
    pub exit_trap: Option<String>,
    /// `trap HANDLER SIG` for signals, by name (`TERM`); an empty handler ignores it.
    pub signal_traps: std::collections::BTreeMap<String, String>,
    /// `trap 'cmd' ERR`
    pub err_trap: Option<String>,
    /// When the session started (`$SECONDS`).
    pub started: std::time::Instant,
    /// State of `$RANDOM`.
    pub random: u32,
    /// `pushd` stack (below the cwd).
    pub dir_stack: Vec<String>,
    /// `alias` definitions (kept and listed; scripts do not expand them, as bash does not
    /// unless `expand_aliases`).
    pub aliases: BTreeMap<String, String>,
    /// The `umask` value reported and set by `umask`.
    pub umask: u32,
    /// Position inside the current word of `getopts`.
    pub getopts_pos: usize,
    /// Names declared `declare -i`: assignments to them are arithmetic.
    pub integers: std::collections::HashSet<String>,
    /// `declare -u` (true) and `declare -l` (false): values change case when assigned.
    pub case_attrs: HashMap<String, bool>,
    /// The line of the simple command running (`$LINENO`).
    pub lineno: usize,
    /// `$_`: the last argument of the previous simple command.
    pub last_arg: String,
    /// `${PIPESTATUS[@]}`: the statuses of the last pipeline (or simple command).
    pub pipestatus: Vec<i32>,
    /// Lines before the text being run (a command substitution starts on its line).
    pub line_offset: usize,
}

impl State {
    /// A fresh state in `cwd`.
    pub fn new(cwd: VPath) -> Self {
        let mut s = State {
            vars: HashMap::new(),
            export_pending: Default::default(),
            declared: Default::default(),
            funcs: HashMap::new(),
            cwd: cwd.clone(),
            positional: Vec::new(),
            arg0: "mirage".into(),
            status: 0,
            opts: Options::default(),
            frames: Vec::new(),
            call_lines: Vec::new(),
            in_condition: 0,
            depth: 0,
            loops: 0,
            last_bg: 0,
            status_from_subst: None,
            exit_trap: None,
            signal_traps: Default::default(),
            err_trap: None,
            started: std::time::Instant::now(),
            random: std::process::id().wrapping_mul(2654435761) | 1,
            dir_stack: Vec::new(),
            aliases: BTreeMap::new(),
            umask: 0o022,
            getopts_pos: 0,
            integers: Default::default(),
            case_attrs: Default::default(),
            lineno: 0,
            last_arg: String::new(),
            pipestatus: Vec::new(),
            line_offset: 0,
        };
        // What `hostname`, `id -u` and `uname -m` report, so the variables agree with them.
        let host = nix::unistd::gethostname()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "mirage".into());
        let uid = nix::unistd::getuid().to_string();
        let euid = nix::unistd::geteuid().to_string();
        let arch = std::env::consts::ARCH;
        let machtype = format!("{arch}-pc-linux-gnu");
        for (k, v) in [
            ("PWD", cwd.as_str()),
            ("HOME", "/"),
            ("IFS", " \t\n"),
            ("PATH", "/usr/bin:/bin"),
            ("SHELL", "/bin/mirage"),
            ("USER", "agent"),
            ("HOSTNAME", host.as_str()),
            ("HOSTTYPE", arch),
            ("MACHTYPE", machtype.as_str()),
            ("OSTYPE", "linux-gnu"),
            ("BASH_VERSION", "5.2.0(1)-mirage"),
            ("SHLVL", "1"),
            ("UID", uid.as_str()),
            ("OPTIND", "1"),
            ("EUID", euid.as_str()),
        ] {
            s.vars.insert(
                k.into(),
                Var {
                    value: Value::Str(v.into()),
                    exported: !matches!(k, "IFS" | "UID" | "EUID" | "HOSTTYPE" | "MACHTYPE"),
                    readonly: false,
                    nameref: false,
                },
            );
        }
        s
    }

    /// The variable `name` stands for: itself, or the end of its chain of namerefs
    /// (`declare -n r=x`: `r` means `x`). A nameref without a target, or a chain longer
    /// than bash allows, stands for itself.
    pub fn resolve<'a>(&'a self, name: &'a str) -> &'a str {
        let mut cur = name;
        for _ in 0..8 {
            match self.vars.get(cur) {
                Some(Var {
                    nameref: true,
                    value: Value::Str(t),
                    ..
                }) if !t.is_empty() && t != cur => cur = t,
                _ => return cur,
            }
        }
        cur
    }

    /// Makes `name` a nameref to `target` (`declare -n name=target`).
    pub fn set_nameref(&mut self, name: &str, target: String) -> Result<(), String> {
        if target == name {
            return Err(format!(
                "{name}: nameref variable self references not allowed"
            ));
        }
        match self.vars.get_mut(name) {
            Some(v) if v.readonly => Err(format!("{name}: readonly variable")),
            Some(v) => {
                v.value = Value::Str(target);
                v.nameref = true;
                Ok(())
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value: Value::Str(target),
                        exported: false,
                        readonly: false,
                        nameref: true,
                    },
                );
                Ok(())
            }
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(self.resolve(name)).map(|v| &v.value)
    }

    /// `$name` as a string (`None` when unset).
    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name).map(Value::scalar)
    }

    /// Sets `name`; fails with the bash message for a readonly variable.
    pub fn set(&mut self, name: &str, value: Value) -> Result<(), String> {
        let target = self.resolve(name).to_string();
        if let Some(v) = self.vars.get_mut(&target)
            && v.nameref
        {
            // A nameref without a target: assigning names the target, as in bash.
            if let Value::Str(t) = value {
                v.value = Value::Str(t);
                return Ok(());
            }
            v.nameref = false;
        }
        let name = target.as_str();
        match self.vars.get_mut(name) {
            Some(v) if v.readonly => Err(format!("{name}: readonly variable")),
            Some(v) => {
                v.value = value;
                Ok(())
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value,
                        exported: self.export_pending.remove(name),
                        readonly: false,
                        nameref: false,
                    },
                );
                Ok(())
            }
        }
    }

    /// Sets a string variable.
    pub fn set_str(&mut self, name: &str, value: impl Into<String>) -> Result<(), String> {
        self.set(name, Value::Str(value.into()))
    }

    /// `${name@a}`: the variable's attributes as `declare` letters, in bash's order.
    pub fn attributes(&self, name: &str) -> String {
        let mut out = String::new();
        let real = self.resolve(name);
        let var = self.vars.get(real);
        let value = var.map(|v| &v.value);
        if matches!(value, Some(Value::Array(_))) {
            out.push('a');
        }
        if matches!(value, Some(Value::Assoc(_))) {
            out.push('A');
        }
        if self.integers.contains(real) {
            out.push('i');
        }
        if self.vars.get(name).is_some_and(|v| v.nameref) {
            out.push('n');
        }
        if var.is_some_and(|v| v.readonly) {
            out.push('r');
        }
        if var.is_some_and(|v| v.exported) {
            out.push('x');
        }
        match self.case_attrs.get(real) {
            Some(false) => out.push('l'),
            Some(true) => out.push('u'),
            None => {}
        }
        out
    }

    /// Applies `declare -u`/`-l` of `name` to its value (every element of an array).
    pub fn apply_case_attr(&mut self, name: &str) {
        let Some(&upper) = self.case_attrs.get(name) else {
            return;
        };
        let conv = |s: &mut String| {
            *s = if upper {
                s.to_uppercase()
            } else {
                s.to_lowercase()
            }
        };
        let name = self.resolve(name).to_string();
        if let Some(v) = self.vars.get_mut(&name) {
            match &mut v.value {
                Value::Str(s) => conv(s),
                Value::Array(a) => a.values_mut().for_each(conv),
                Value::Assoc(m) => m.values_mut().for_each(conv),
            }
        }
    }

    /// True when `name` is an associative array.
    pub fn is_assoc(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Value::Assoc(_)))
    }

    /// Sets `name[key]` of an associative array.
    pub fn set_key(&mut self, name: &str, key: &str, value: String) -> Result<(), String> {
        let name = &self.resolve(name).to_string();
        match self.vars.get_mut(name) {
            Some(v) if v.readonly => Err(format!("{name}: readonly variable")),
            Some(Var {
                value: Value::Assoc(m),
                ..
            }) => {
                m.insert(key.to_string(), value);
                Ok(())
            }
            _ => {
                let mut m = indexmap::IndexMap::new();
                m.insert(key.to_string(), value);
                self.set(name, Value::Assoc(m))
            }
        }
    }

    /// Sets element `index` of array `name` (a string becomes element 0).
    pub fn set_index(&mut self, name: &str, index: i64, value: String) -> Result<(), String> {
        let name = &self.resolve(name).to_string();
        if self.is_assoc(name) {
            return self.set_key(name, &index.to_string(), value);
        }
        let mut arr = match self.get(name) {
            Some(Value::Array(a)) => a.clone(),
            Some(Value::Str(s)) => BTreeMap::from([(0, s.clone())]),
            Some(Value::Assoc(_)) | None => BTreeMap::new(),
        };
        let index = if index < 0 {
            arr.keys().next_back().map_or(0, |k| k + 1) + index
        } else {
            index
        };
        arr.insert(index, value);
        self.set(name, Value::Array(arr))
    }

    /// `unset name`.
    pub fn unset(&mut self, name: &str) -> Result<(), String> {
        let name = &self.resolve(name).to_string();
        if self.vars.get(name).is_some_and(|v| v.readonly) {
            return Err(format!("{name}: cannot unset: readonly variable"));
        }
        self.vars.remove(name);
        self.export_pending.remove(name);
        self.declared.remove(name);
        Ok(())
    }

    /// Whether `name` is already local to the function running.
    pub fn is_local_here(&self, name: &str) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.iter().any(|(n, _)| n == name))
    }

    /// Whether `name` is local to a function running (this one or a caller).
    pub fn is_local(&self, name: &str) -> bool {
        self.frames.iter().any(|f| f.iter().any(|(n, _)| n == name))
    }

    /// `local name`: remembers the current value for restoring when the function returns.
    pub fn make_local(&mut self, name: &str) {
        let saved = self.vars.get(name).cloned();
        if let Some(frame) = self.frames.last_mut()
            && !frame.iter().any(|(n, _)| n == name)
        {
            frame.push((name.to_string(), saved));
        }
    }

    /// Ends a function call's scope, restoring the variables it made local.
    pub fn pop_frame(&mut self) {
        if let Some(frame) = self.frames.pop() {
            for (name, saved) in frame.into_iter().rev() {
                match saved {
                    Some(v) => {
                        self.vars.insert(name, v);
                    }
                    None => {
                        self.vars.remove(&name);
                    }
                }
            }
        }
    }

    /// The state a child shell starts with (`bash script`): the exported variables (still
    /// exported), the working directory and umask; default options, no functions, traps or
    /// locals, `SHLVL` one more.
    pub fn for_child(&self) -> State {
        let mut s = State::new(self.cwd.clone());
        for (k, v) in &self.vars {
            if let (true, Value::Str(x)) = (v.exported, &v.value) {
                s.vars.insert(
                    k.clone(),
                    Var {
                        value: Value::Str(x.clone()),
                        exported: true,
                        readonly: false,
                        nameref: false,
                    },
                );
            }
        }
        let level = self
            .get_str("SHLVL")
            .and_then(|l| l.parse::<i64>().ok())
            .unwrap_or(1);
        let _ = s.set_str("SHLVL", (level + 1).to_string());
        s.umask = self.umask;
        s
    }

    /// Exported variables, sorted by name (for `env`).
    pub fn exported(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self
            .vars
            .iter()
            // Arrays are never passed in the environment, as in bash.
            .filter(|(_, v)| v.exported && matches!(v.value, Value::Str(_)))
            .map(|(k, v)| (k.clone(), v.value.scalar()))
            .collect();
        v.sort();
        v
    }
}
