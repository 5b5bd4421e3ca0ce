//! AWK's built-in functions (`length`, `substr`, `split`, `sub`/`gsub`, `match`, `sprintf`,
//! math, `rand` …) and `printf` formatting.

use regex::Regex;

use super::super::parse::Expr;
use super::{Flow, R, Runtime, Val, Var};

impl Runtime {
    pub(super) fn builtin(&mut self, name: &str, args: &[Expr]) -> R<Val> {
        let arg = |rt: &mut Runtime, i: usize| -> R<Val> {
            match args.get(i) {
                Some(e) => rt.eval(e),
                None => Ok(Val::Str(String::new())),
            }
        };
        Ok(match name {
            "length" => match args.first() {
                None => Val::Num(self.record.chars().count() as f64),
                Some(Expr::Var(n)) if matches!(self.lookup(n), Some(Var::Array(_))) => {
                    Val::Num(self.array(n).borrow().len() as f64)
                }
                Some(e) => {
                    let v = self.eval(e)?;
                    Val::Num(self.to_s(&v).chars().count() as f64)
                }
            },
            "substr" => {
                let s: Vec<char> = {
                    let v = arg(self, 0)?;
                    self.to_s(&v).chars().collect()
                };
                let m = arg(self, 1)?.num();
                let m = if m.is_nan() { 1.0 } else { (m + 0.5).floor() };
                let n = if args.len() > 2 {
                    (arg(self, 2)?.num() + 0.5).floor()
                } else {
                    f64::INFINITY
                };
                let start = m.max(1.0);
                let end = (m + n).min(s.len() as f64 + 1.0);
                if end <= start {
                    Val::Str(String::new())
                } else {
                    Val::Str(s[(start as usize - 1)..(end as usize - 1)].iter().collect())
                }
            }
            "index" => {
                let s = {
                    let v = arg(self, 0)?;
                    self.to_s(&v)
                };
                let t = {
                    let v = arg(self, 1)?;
                    self.to_s(&v)
                };
                Val::Num(s.find(&t).map_or(0, |p| s[..p].chars().count() + 1) as f64)
            }
            "split" => {
                let s = {
                    let v = arg(self, 0)?;
                    self.to_s(&v)
                };
                let Some(Expr::Var(arr)) = args.get(1) else {
                    return Err(Flow::Error(
                        "split: second argument must be an array".into(),
                    ));
                };
                let parts = match args.get(2) {
                    Some(Expr::Regex(r)) => {
                        let re = self.regex(r)?;
                        if s.is_empty() {
                            vec![]
                        } else {
                            re.split(&s).map(String::from).collect()
                        }
                    }
                    Some(e) => {
                        let v = self.eval(e)?;
                        let fs = self.to_s(&v);
                        self.split_with(&s, &fs)
                    }
                    None => {
                        let fs = self.get_str("FS");
                        self.split_with(&s, &fs)
                    }
                };
                let a = self.array(arr);
                let mut a = a.borrow_mut();
                a.clear();
                for (i, p) in parts.iter().enumerate() {
                    a.insert((i + 1).to_string(), Val::StrNum(p.clone()));
                }
                Val::Num(parts.len() as f64)
            }
            "sub" | "gsub" => {
                let re = match args.first() {
                    Some(Expr::Regex(r)) => self.regex(r)?,
                    Some(e) => {
                        let v = self.eval(e)?;
                        let p = self.to_s(&v);
                        self.regex(&p)?
                    }
                    None => return Err(Flow::Error(format!("{name}: missing regex"))),
                };
                let rep = {
                    let v = arg(self, 1)?;
                    self.to_s(&v)
                };
                let target = args
                    .get(2)
                    .cloned()
                    .unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let cur = {
                    let v = self.eval(&target)?;
                    self.to_s(&v)
                };
                let (new, n) = substitute(&re, &cur, &rep, name == "gsub");
                if n > 0 {
                    self.assign(&target, Val::Str(new))?;
                }
                Val::Num(n as f64)
            }
            "match" => {
                let s = {
                    let v = arg(self, 0)?;
                    self.to_s(&v)
                };
                let re = match args.get(1) {
                    Some(Expr::Regex(r)) => self.regex(r)?,
                    Some(e) => {
                        let v = self.eval(e)?;
                        let p = self.to_s(&v);
                        self.regex(&p)?
                    }
                    None => return Err(Flow::Error("match: missing regex".into())),
                };
                let (start, len) = match re.find(&s) {
                    Some(m) => (
                        s[..m.start()].chars().count() as f64 + 1.0,
                        m.as_str().chars().count() as f64,
                    ),
                    None => (0.0, -1.0),
                };
                self.assign_var("RSTART", Val::Num(start));
                self.assign_var("RLENGTH", Val::Num(len));
                Val::Num(start)
            }
            "sprintf" => {
                let mut vals = Vec::new();
                for i in 0..args.len() {
                    vals.push(arg(self, i)?);
                }
                Val::Str(self.sprintf(&vals))
            }
            "tolower" => {
                let v = arg(self, 0)?;
                Val::Str(self.to_s(&v).to_lowercase())
            }
            "toupper" => {
                let v = arg(self, 0)?;
                Val::Str(self.to_s(&v).to_uppercase())
            }
            "int" => Val::Num(arg(self, 0)?.num().trunc()),
            "sqrt" => Val::Num(arg(self, 0)?.num().sqrt()),
            "exp" => Val::Num(arg(self, 0)?.num().exp()),
            "log" => Val::Num(arg(self, 0)?.num().ln()),
            "sin" => Val::Num(arg(self, 0)?.num().sin()),
            "cos" => Val::Num(arg(self, 0)?.num().cos()),
            "atan2" => {
                let y = arg(self, 0)?.num();
                Val::Num(y.atan2(arg(self, 1)?.num()))
            }
            "rand" => {
                self.rand_state ^= self.rand_state << 13;
                self.rand_state ^= self.rand_state >> 7;
                self.rand_state ^= self.rand_state << 17;
                Val::Num((self.rand_state >> 11) as f64 / (1u64 << 53) as f64)
            }
            "srand" => {
                let seed = if args.is_empty() {
                    0
                } else {
                    arg(self, 0)?.num() as u64
                };
                self.rand_state = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407)
                    | 1;
                Val::Num(0.0)
            }
            "close" | "fflush" => Val::Num(0.0),
            "systime" => Val::Num(chrono::Utc::now().timestamp() as f64),
            // strftime([format [, seconds [, utc]]]): times are UTC, as in `date`.
            "strftime" => {
                let fmt = match args.first() {
                    Some(_) => {
                        let v = arg(self, 0)?;
                        self.to_s(&v)
                    }
                    None => "%c".to_string(),
                };
                let secs = match args.get(1) {
                    Some(_) => arg(self, 1)?.num() as i64,
                    None => chrono::Utc::now().timestamp(),
                };
                let when = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
                let mut out = String::new();
                use std::fmt::Write as _;
                if write!(out, "{}", when.format(&fmt)).is_err() {
                    out.clear();
                }
                Val::Str(out)
            }
            "system" => {
                return Err(Flow::Error(
                    "system() is not supported in mirage's awk".into(),
                ));
            }
            other => return Err(Flow::Error(format!("function {other} never defined"))),
        })
    }

    /// awk's sprintf.
    pub fn sprintf(&mut self, vals: &[Val]) -> String {
        let Some(fmt) = vals.first() else {
            return String::new();
        };
        let fmt: Vec<char> = self.to_s(fmt).chars().collect();
        let mut out = String::new();
        let mut ai = 1;
        let mut i = 0;
        let mut bad = Vec::new();
        while i < fmt.len() {
            let c = fmt[i];
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            if fmt.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut flags = String::new();
            while let Some(&f) = fmt.get(i).filter(|c| "-+ #0".contains(**c)) {
                flags.push(f);
                i += 1;
            }
            let mut width = 0usize;
            if fmt.get(i) == Some(&'*') {
                let w = vals.get(ai).map_or(0.0, |v| v.num()) as i64;
                ai += 1;
                if w < 0 {
                    flags.push('-');
                }
                width = w.unsigned_abs() as usize;
                i += 1;
            }
            while let Some(d) = fmt.get(i).and_then(|c| c.to_digit(10)) {
                width = width * 10 + d as usize;
                i += 1;
            }
            let mut prec = None;
            if fmt.get(i) == Some(&'.') {
                i += 1;
                let mut p = 0;
                if fmt.get(i) == Some(&'*') {
                    p = vals.get(ai).map_or(0.0, |v| v.num()).max(0.0) as usize;
                    ai += 1;
                    i += 1;
                }
                while let Some(d) = fmt.get(i).and_then(|c| c.to_digit(10)) {
                    p = p * 10 + d as usize;
                    i += 1;
                }
                prec = Some(p);
            }
            while fmt.get(i).is_some_and(|c| "hlLqjzt".contains(*c)) {
                i += 1;
            }
            let Some(&conv) = fmt.get(i) else {
                out.push('%');
                break;
            };
            i += 1;
            let v = vals.get(ai).cloned();
            ai += 1;
            let text = match conv {
                'd' | 'i' | 'o' | 'x' | 'X' | 'u' => {
                    v.as_ref().map(|v| format!("{}", v.num().trunc() as i64))
                }
                'c' => v.as_ref().map(|v| match v {
                    Val::Num(n) => char::from_u32(*n as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                    other => self
                        .to_s(other)
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default(),
                }),
                'e' | 'E' | 'f' | 'F' | 'g' | 'G' => v.as_ref().map(|v| format!("{}", v.num())),
                _ => v.as_ref().map(|v| self.to_s(v)),
            };
            // awk's `%c` is one character (already taken above), not printf's one byte.
            out.push_str(&crate::shell::commands::printf::convert(
                if conv == 'c' { 's' } else { conv },
                text.as_deref(),
                &flags,
                width,
                prec,
                &mut bad,
            ));
        }
        out
    }
}

/// sub/gsub: `&` is the match, `\&` a literal `&`.
fn substitute(re: &Regex, s: &str, rep: &str, global: bool) -> (String, usize) {
    let mut out = String::new();
    let mut last = 0;
    let mut n = 0;
    for m in re.find_iter(s) {
        out.push_str(&s[last..m.start()]);
        let mut it = rep.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '\\' if it.peek() == Some(&'&') => {
                    it.next();
                    out.push('&');
                }
                '\\' if it.peek() == Some(&'\\') => {
                    it.next();
                    out.push('\\');
                }
                '&' => out.push_str(m.as_str()),
                o => out.push(o),
            }
        }
        last = m.end();
        n += 1;
        if !global {
            break;
        }
    }
    out.push_str(&s[last..]);
    (out, n)
}
