//! The AWK runtime: values (numbers, strings, numeric strings), fields and records, arrays
//! (by reference into functions), the special variables, builtins, `printf`, and output to
//! stdout or to files (collected and written by the command when the program ends).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::Regex;

use super::parse::{Expr, Pattern, Program, Redir, Stmt};

mod funcs;

/// An AWK value.
#[derive(Debug, Clone)]
pub enum Val {
    Num(f64),
    Str(String),
    /// Input data that looks numeric compares as a number.
    StrNum(String),
}

fn looks_numeric(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let t2 = t.strip_prefix(['+', '-']).unwrap_or(t);
    if t2.eq_ignore_ascii_case("inf") || t2.eq_ignore_ascii_case("nan") || t2.starts_with("0x") {
        return None;
    }
    t.parse::<f64>().ok()
}

/// The numeric prefix of a string, as awk converts it.
pub fn str_to_num(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    if end < b.len() && (b[end] == b'+' || b[end] == b'-') {
        end += 1;
    }
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut j = end + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            end = j;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

/// Number to string with `%.6g` (integers print as integers).
pub fn num_to_str(n: f64, fmt: &str) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        return format!("{}", n as i64);
    }
    if n.is_nan() {
        return if n.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf".into() } else { "inf".into() };
    }
    crate::shell::commands::printf::format(fmt, &[n.to_string()]).0
}

impl Val {
    pub fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => str_to_num(s),
        }
    }
    pub fn str_fmt(&self, fmt: &str) -> String {
        match self {
            Val::Num(n) => num_to_str(*n, fmt),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }
    fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => match looks_numeric(s) {
                Some(n) => n != 0.0,
                None => !s.is_empty(),
            },
        }
    }
    fn numeric_for_compare(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::StrNum(s) => looks_numeric(s),
            Val::Str(_) => None,
        }
    }
}

type Array = Rc<RefCell<HashMap<String, Val>>>;

#[derive(Clone)]
enum Var {
    Scalar(Val),
    Array(Array),
}

/// Control flow out of statements.
pub enum Flow {
    Next,
    NextFile,
    Exit(i32),
    Return(Val),
    Break,
    Continue,
    Error(String),
}

type R<T> = Result<T, Flow>;

/// Everything a running program holds.
pub struct Runtime {
    prog: Rc<Program>,
    globals: HashMap<String, Var>,
    frames: Vec<HashMap<String, Var>>,
    record: String,
    fields: Option<Vec<String>>,
    nf: usize,
    /// Text for stdout.
    pub out: Vec<u8>,
    /// Files written by `print > f` (name → (contents, append)).
    pub files: Vec<(String, Vec<u8>, bool)>,
    /// Files readable by `getline < f` (name → lines and position).
    pub readable: HashMap<String, (Vec<String>, usize)>,
    /// Files requested by `getline` that were not preloaded.
    pub missing: Vec<String>,
    regexes: HashMap<String, Regex>,
    range_on: Vec<bool>,
    rand_state: u64,
    /// Remaining main input for plain `getline`.
    pub pending: std::collections::VecDeque<String>,
    depth: u32,
    /// Upper bound on loop iterations (the shell's limit).
    pub loop_budget: u64,
}

impl Runtime {
    pub fn new(prog: Program) -> Self {
        let n = prog.items.len();
        let mut rt = Runtime {
            prog: Rc::new(prog),
            globals: HashMap::new(),
            frames: Vec::new(),
            record: String::new(),
            fields: Some(Vec::new()),
            nf: 0,
            out: Vec::new(),
            files: Vec::new(),
            readable: HashMap::new(),
            missing: Vec::new(),
            regexes: HashMap::new(),
            range_on: vec![false; n],
            rand_state: 0x2545F4914F6CDD1D,
            pending: Default::default(),
            depth: 0,
            loop_budget: u64::MAX,
        };
        for (k, v) in [
            ("FS", " "),
            ("OFS", " "),
            ("ORS", "\n"),
            ("RS", "\n"),
            ("SUBSEP", "\x1c"),
            ("CONVFMT", "%.6g"),
            ("OFMT", "%.6g"),
            ("FILENAME", ""),
        ] {
            rt.set_var(k, Val::Str(v.into()));
        }
        for k in ["NR", "FNR", "RSTART", "RLENGTH"] {
            rt.set_var(k, Val::Num(0.0));
        }
        rt
    }

    pub fn set_var(&mut self, k: &str, v: Val) {
        self.globals.insert(k.to_string(), Var::Scalar(v));
    }

    /// Sets an array element (ENVIRON, ARGV).
    pub fn set_elem(&mut self, arr: &str, k: &str, v: Val) {
        let a = self.array(arr);
        a.borrow_mut().insert(k.to_string(), v);
    }

    fn get_str(&self, k: &str) -> String {
        match self.globals.get(k) {
            Some(Var::Scalar(v)) => v.str_fmt("%.6g"),
            _ => String::new(),
        }
    }

    fn convfmt(&self) -> String {
        self.get_str("CONVFMT")
    }

    fn to_s(&self, v: &Val) -> String {
        match v {
            Val::Num(n) => num_to_str(*n, &self.convfmt()),
            other => other.str_fmt("%.6g"),
        }
    }

    fn out_s(&self, v: &Val) -> String {
        match v {
            Val::Num(n) => num_to_str(*n, &self.get_str("OFMT")),
            other => other.str_fmt("%.6g"),
        }
    }

    fn regex(&mut self, re: &str) -> R<Regex> {
        if let Some(r) = self.regexes.get(re) {
            return Ok(r.clone());
        }
        let tr = crate::shell::commands::regex_syntax::translate(re, true);
        let r = Regex::new(&tr).map_err(|e| {
            Flow::Error(format!(
                "regular expression /{re}/: {}",
                e.to_string().lines().last().unwrap_or("")
            ))
        })?;
        self.regexes.insert(re.to_string(), r.clone());
        Ok(r)
    }

    // ----- records and fields -----

    /// Sets `$0` (splitting lazily).
    pub fn set_record(&mut self, rec: String) {
        self.record = rec;
        self.fields = None;
    }

    fn split_fields(&mut self) {
        if self.fields.is_some() {
            return;
        }
        let fs = self.get_str("FS");
        let f = self.split_with(&self.record.clone(), &fs);
        self.nf = f.len();
        self.fields = Some(f);
        self.globals
            .insert("NF".into(), Var::Scalar(Val::Num(self.nf as f64)));
    }

    fn split_with(&mut self, s: &str, fs: &str) -> Vec<String> {
        if fs == " " {
            return s.split_whitespace().map(String::from).collect();
        }
        if s.is_empty() {
            return vec![];
        }
        if fs.is_empty() {
            return s.chars().map(String::from).collect();
        }
        if fs.chars().count() == 1 && fs != "\\" {
            return s.split(fs).map(String::from).collect();
        }
        match self.regex(fs) {
            Ok(r) => r.split(s).map(String::from).collect(),
            Err(_) => vec![s.to_string()],
        }
    }

    fn field(&mut self, i: usize) -> Val {
        if i == 0 {
            return Val::StrNum(self.record.clone());
        }
        self.split_fields();
        match self.fields.as_ref().and_then(|f| f.get(i - 1)) {
            Some(s) => Val::StrNum(s.clone()),
            None => Val::StrNum(String::new()),
        }
    }

    fn set_field(&mut self, i: usize, v: String) {
        if i == 0 {
            self.set_record(v);
            return;
        }
        self.split_fields();
        let f = self.fields.get_or_insert_with(Vec::new);
        if f.len() < i {
            f.resize(i, String::new());
        }
        f[i - 1] = v;
        self.nf = f.len();
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let ofs = self.get_str("OFS");
        self.record = self
            .fields
            .as_ref()
            .map(|f| f.join(&ofs))
            .unwrap_or_default();
        self.globals
            .insert("NF".into(), Var::Scalar(Val::Num(self.nf as f64)));
    }

    fn set_nf(&mut self, n: usize) {
        self.split_fields();
        let f = self.fields.get_or_insert_with(Vec::new);
        f.resize(n, String::new());
        self.nf = n;
        self.rebuild();
    }

    // ----- variables -----

    fn lookup(&self, name: &str) -> Option<&Var> {
        if let Some(f) = self.frames.last()
            && let Some(v) = f.get(name)
        {
            return Some(v);
        }
        self.globals.get(name)
    }

    fn var(&mut self, name: &str) -> Val {
        if name == "NF" {
            self.split_fields();
            return Val::Num(self.nf as f64);
        }
        match self.lookup(name) {
            Some(Var::Scalar(v)) => v.clone(),
            _ => Val::Str(String::new()),
        }
    }

    fn assign_var(&mut self, name: &str, v: Val) {
        if name == "NF" {
            self.set_nf(v.num().max(0.0) as usize);
            return;
        }
        if let Some(f) = self.frames.last_mut()
            && let Some(slot) = f.get_mut(name)
        {
            *slot = Var::Scalar(v);
            return;
        }
        self.globals.insert(name.to_string(), Var::Scalar(v));
    }

    fn array(&mut self, name: &str) -> Array {
        if let Some(f) = self.frames.last_mut()
            && let Some(slot) = f.get_mut(name)
        {
            if let Var::Array(a) = slot {
                return a.clone();
            }
            let a: Array = Default::default();
            *slot = Var::Array(a.clone());
            return a;
        }
        match self.globals.get(name) {
            Some(Var::Array(a)) => a.clone(),
            _ => {
                let a: Array = Default::default();
                self.globals.insert(name.to_string(), Var::Array(a.clone()));
                a
            }
        }
    }

    fn key(&mut self, idx: &[Expr]) -> R<String> {
        let mut parts = Vec::new();
        for e in idx {
            let v = self.eval(e)?;
            parts.push(self.to_s(&v));
        }
        Ok(parts.join(&self.get_str("SUBSEP")))
    }

    fn assign(&mut self, target: &Expr, v: Val) -> R<()> {
        match target {
            Expr::Var(n) => self.assign_var(n, v),
            Expr::Index(n, idx) => {
                let k = self.key(idx)?;
                self.array(n).borrow_mut().insert(k, v);
            }
            Expr::Field(e) => {
                let i = self.eval(e)?.num();
                if i < 0.0 {
                    return Err(Flow::Error(format!(
                        "trying to access out of range field {}",
                        i as i64
                    )));
                }
                let s = self.to_s(&v);
                self.set_field(i as usize, s);
            }
            Expr::Group(g) => return self.assign(g, v),
            _ => return Err(Flow::Error("assignment to non-variable".into())),
        }
        Ok(())
    }

    // ----- expressions -----

    pub fn eval(&mut self, e: &Expr) -> R<Val> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Regex(r) => {
                let re = self.regex(r)?;
                Val::Num(re.is_match(&self.record) as i64 as f64)
            }
            Expr::Var(n) => self.var(n),
            Expr::Group(g) => self.eval(g)?,
            Expr::Index(n, idx) => {
                let k = self.key(idx)?;
                let a = self.array(n);
                let v = a.borrow().get(&k).cloned();
                match v {
                    Some(v) => v,
                    None => {
                        a.borrow_mut().insert(k, Val::Str(String::new()));
                        Val::Str(String::new())
                    }
                }
            }
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err(Flow::Error(format!(
                        "trying to access out of range field {}",
                        i as i64
                    )));
                }
                self.field(i as usize)
            }
            Expr::Assign(op, t, r) => {
                let rv = self.eval(r)?;
                let v = if *op == "=" {
                    rv
                } else {
                    let cur = self.eval(t)?.num();
                    Val::Num(arith(&op[..op.len() - 1], cur, rv.num())?)
                };
                self.assign(t, v.clone())?;
                v
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::And(a, b) => {
                Val::Num((self.eval(a)?.truthy() && self.eval(b)?.truthy()) as i64 as f64)
            }
            Expr::Or(a, b) => {
                Val::Num((self.eval(a)?.truthy() || self.eval(b)?.truthy()) as i64 as f64)
            }
            Expr::In(keys, arr) => {
                let k = self.key(keys)?;
                Val::Num(self.array(arr).borrow().contains_key(&k) as i64 as f64)
            }
            Expr::Match(neg, l, r) => {
                let s = self.eval(l)?;
                let s = self.to_s(&s);
                let re = match &**r {
                    Expr::Regex(p) => self.regex(p)?,
                    other => {
                        let v = self.eval(other)?;
                        let p = self.to_s(&v);
                        self.regex(&p)?
                    }
                };
                Val::Num((re.is_match(&s) != *neg) as i64 as f64)
            }
            Expr::Bin(op, l, r) => {
                let a = self.eval(l)?;
                let b = self.eval(r)?;
                match *op {
                    "<" | "<=" | "==" | "!=" | ">" | ">=" => {
                        let ord = match (a.numeric_for_compare(), b.numeric_for_compare()) {
                            (Some(x), Some(y)) => {
                                x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                            }
                            _ => self.to_s(&a).cmp(&self.to_s(&b)),
                        };
                        use std::cmp::Ordering::*;
                        let t = match *op {
                            "<" => ord == Less,
                            "<=" => ord != Greater,
                            "==" => ord == Equal,
                            "!=" => ord != Equal,
                            ">" => ord == Greater,
                            _ => ord != Less,
                        };
                        Val::Num(t as i64 as f64)
                    }
                    _ => Val::Num(arith(op, a.num(), b.num())?),
                }
            }
            Expr::Concat(a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                Val::Str(self.to_s(&x) + &self.to_s(&y))
            }
            Expr::Unary(op, x) => {
                let v = self.eval(x)?;
                match *op {
                    "!" => Val::Num((!v.truthy()) as i64 as f64),
                    "-" => Val::Num(-v.num()),
                    _ => Val::Num(v.num()),
                }
            }
            Expr::Incr(pre, d, t) => {
                let old = self.eval(t)?.num();
                let new = old + *d as f64;
                self.assign(t, Val::Num(new))?;
                Val::Num(if *pre { new } else { old })
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Builtin(name, args) => self.builtin(name, args)?,
            Expr::Getline(var, file) => {
                let line = match file {
                    Some(f) => {
                        let v = self.eval(f)?;
                        let name = self.to_s(&v);
                        match self.readable.get_mut(&name) {
                            Some((lines, pos)) => {
                                let l = lines.get(*pos).cloned();
                                if l.is_some() {
                                    *pos += 1;
                                }
                                l
                            }
                            None => {
                                self.missing.push(name);
                                return Ok(Val::Num(-1.0));
                            }
                        }
                    }
                    None => {
                        let l = self.pending.pop_front();
                        if l.is_some() {
                            self.bump("NR");
                            self.bump("FNR");
                        }
                        l
                    }
                };
                match line {
                    Some(l) => {
                        match var {
                            Some(v) => self.assign(v, Val::StrNum(l))?,
                            None => {
                                self.set_record(l);
                                if file.is_some() {
                                    self.bump("NR");
                                }
                            }
                        }
                        Val::Num(1.0)
                    }
                    None => Val::Num(0.0),
                }
            }
            Expr::PipeGetline(cmd) => {
                let v = self.eval(cmd)?;
                return Err(Flow::Error(format!(
                    "\"{}\" | getline: commands are not supported in mirage's awk",
                    self.to_s(&v)
                )));
            }
        })
    }

    fn bump(&mut self, name: &str) {
        let v = self.var(name).num() + 1.0;
        self.assign_var(name, Val::Num(v));
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> R<Val> {
        let prog = self.prog.clone();
        let Some(f) = prog.funcs.get(name) else {
            return Err(Flow::Error(format!("calling undefined function {name}")));
        };
        if self.depth > 500 {
            return Err(Flow::Error("function call nesting too deep".into()));
        }
        let mut frame = HashMap::new();
        for (i, p) in f.params.iter().enumerate() {
            let v = match args.get(i) {
                Some(Expr::Var(n))
                    if matches!(self.lookup(n), Some(Var::Array(_)))
                        || (!matches!(self.lookup(n), Some(Var::Scalar(_)))
                            && self.is_array_param(f, i)) =>
                {
                    Var::Array(self.array(n))
                }
                Some(e) => Var::Scalar(self.eval(e)?),
                None => Var::Scalar(Val::Str(String::new())),
            };
            frame.insert(p.clone(), v);
        }
        self.frames.push(frame);
        self.depth += 1;
        let r = self.stmts(&f.body);
        self.depth -= 1;
        self.frames.pop();
        match r {
            Ok(()) => Ok(Val::Str(String::new())),
            Err(Flow::Return(v)) => Ok(v),
            Err(e) => Err(e),
        }
    }

    /// True when function `f` uses parameter `i` as an array.
    fn is_array_param(&self, f: &super::parse::Func, i: usize) -> bool {
        let name = &f.params[i];
        let text = format!("{:?}", f.body);
        text.contains(&format!("Index(\"{name}\""))
            || text.contains(&format!("In([{name}"))
            || text.contains(&format!(", \"{name}\""))
    }

    // ----- statements -----

    fn write_out(&mut self, redir: &Option<Redir>, text: String) -> R<()> {
        match redir {
            None => self.out.extend_from_slice(text.as_bytes()),
            Some(Redir::File(e)) | Some(Redir::Append(e)) => {
                let v = self.eval(e)?;
                let name = self.to_s(&v);
                let append = matches!(redir, Some(Redir::Append(_)));
                if name == "/dev/stdout" || name == "-" {
                    self.out.extend_from_slice(text.as_bytes());
                } else if let Some(f) = self.files.iter_mut().find(|f| f.0 == name) {
                    f.1.extend_from_slice(text.as_bytes());
                } else {
                    self.files.push((name, text.into_bytes(), append));
                }
            }
            Some(Redir::Pipe(cmd)) => {
                let v = self.eval(cmd)?;
                return Err(Flow::Error(format!(
                    "print | \"{}\": commands are not supported in mirage's awk",
                    self.to_s(&v)
                )));
            }
        }
        Ok(())
    }

    fn stmts(&mut self, body: &[Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn tick(&mut self) -> R<()> {
        if self.loop_budget == 0 {
            return Err(Flow::Error("loop limit reached".into()));
        }
        self.loop_budget -= 1;
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, redir) => {
                let mut parts = Vec::new();
                if args.is_empty() {
                    parts.push(self.record.clone());
                }
                for a in args {
                    let v = self.eval(a)?;
                    parts.push(self.out_s(&v));
                }
                let text = parts.join(&self.get_str("OFS")) + &self.get_str("ORS");
                self.write_out(redir, text)?;
            }
            Stmt::Printf(args, redir) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let text = self.sprintf(&vals);
                self.write_out(redir, text)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.stmt(a)?;
                } else if let Some(b) = b {
                    self.stmt(b)?;
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    self.tick()?;
                    match self.stmt(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                self.tick()?;
                match self.stmt(body) {
                    Err(Flow::Break) => break,
                    Err(Flow::Continue) | Ok(()) => {}
                    Err(e) => return Err(e),
                }
                if !self.eval(c)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                loop {
                    if let Some(c) = cond
                        && !self.eval(c)?.truthy()
                    {
                        break;
                    }
                    self.tick()?;
                    match self.stmt(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                    if let Some(s) = step {
                        self.stmt(s)?;
                    }
                }
            }
            Stmt::ForIn(k, arr, body) => {
                let mut keys: Vec<String> = self.array(arr).borrow().keys().cloned().collect();
                keys.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                    _ => a.cmp(b),
                });
                for key in keys {
                    self.tick()?;
                    self.assign_var(k, Val::StrNum(key));
                    match self.stmt(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Stmt::Block(b) => self.stmts(b)?,
            Stmt::Break => return Err(Flow::Break),
            Stmt::Continue => return Err(Flow::Continue),
            Stmt::Next => return Err(Flow::Next),
            Stmt::NextFile => return Err(Flow::NextFile),
            Stmt::Exit(e) => {
                let code = match e {
                    Some(e) => self.eval(e)?.num() as i32,
                    None => 0,
                };
                return Err(Flow::Exit(code));
            }
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Val::Str(String::new()),
                };
                return Err(Flow::Return(v));
            }
            Stmt::Delete(n, idx) => match idx {
                Some(idx) => {
                    let k = self.key(idx)?;
                    self.array(n).borrow_mut().remove(&k);
                }
                None => self.array(n).borrow_mut().clear(),
            },
        }
        Ok(())
    }

    /// Runs BEGIN actions; `Err` for exit/errors.
    pub fn begin(&mut self) -> R<()> {
        let prog = self.prog.clone();
        for (p, a) in &prog.items {
            if matches!(p, Pattern::Begin)
                && let Some(a) = a
            {
                self.stmts(a)?;
            }
        }
        Ok(())
    }

    /// True when the program has only BEGIN items (no input is read).
    pub fn begin_only(&self) -> bool {
        self.prog
            .items
            .iter()
            .all(|(p, _)| matches!(p, Pattern::Begin))
    }

    /// Processes one record.
    pub fn record(&mut self, rec: String) -> R<()> {
        self.set_record(rec);
        self.bump("NR");
        self.bump("FNR");
        let prog = self.prog.clone();
        for (idx, (p, a)) in prog.items.iter().enumerate() {
            let hit = match p {
                Pattern::Begin | Pattern::End => continue,
                Pattern::All => true,
                Pattern::Expr(e) => self.eval(e)?.truthy(),
                Pattern::Range(s, e) => {
                    if self.range_on[idx] {
                        if self.eval(e)?.truthy() {
                            self.range_on[idx] = false;
                        }
                        true
                    } else if self.eval(s)?.truthy() {
                        self.range_on[idx] = !self.eval(e)?.truthy();
                        true
                    } else {
                        false
                    }
                }
            };
            if !hit {
                continue;
            }
            match a {
                Some(a) => match self.stmts(a) {
                    Err(Flow::Next) => return Ok(()),
                    other => other?,
                },
                None => {
                    let text = self.record.clone() + &self.get_str("ORS");
                    self.out.extend_from_slice(text.as_bytes());
                }
            }
        }
        Ok(())
    }

    /// Runs END actions.
    pub fn end(&mut self) -> R<()> {
        let prog = self.prog.clone();
        for (p, a) in &prog.items {
            if matches!(p, Pattern::End)
                && let Some(a) = a
            {
                self.stmts(a)?;
            }
        }
        Ok(())
    }

    /// Splits input text into records by `RS`.
    pub fn records(&self, text: &str) -> Vec<String> {
        let rs = self.get_str("RS");
        if rs == "\n" {
            let body = text.strip_suffix('\n').unwrap_or(text);
            if text.is_empty() {
                return vec![];
            }
            return body.split('\n').map(String::from).collect();
        }
        if rs.is_empty() {
            return text
                .split("\n\n")
                .map(|s| s.trim_matches('\n').to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        let mut v: Vec<String> = text.split(rs.as_str()).map(String::from).collect();
        if v.last().is_some_and(|l| l.is_empty() || l == "\n") {
            v.pop();
        }
        v
    }
}

fn arith(op: &str, a: f64, b: f64) -> R<f64> {
    Ok(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => {
            if b == 0.0 {
                return Err(Flow::Error("division by zero".into()));
            }
            a / b
        }
        "%" => {
            if b == 0.0 {
                return Err(Flow::Error("division by zero in %".into()));
            }
            a % b
        }
        "^" => a.powf(b),
        _ => return Err(Flow::Error(format!("unknown operator {op}"))),
    })
}
