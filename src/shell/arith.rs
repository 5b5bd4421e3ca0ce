//! `$(( … ))`, `(( … ))`, `let` and C-style `for`: 64-bit integer arithmetic with bash's
//! operators, precedence, short-circuiting and assignment.

/// Variables as arithmetic sees them.
/// The end of the message for an unset variable read under `set -u` (fatal, status 127).
pub const UNBOUND: &str = "unbound variable";

/// The shell error for a failed arithmetic expansion: fatal for an unset variable under
/// `set -u`, otherwise the line is abandoned with status 1 (as bash does).
pub(crate) fn expansion_error(msg: String) -> super::ShellError {
    if msg.ends_with(UNBOUND) {
        super::ShellError::Fatal(msg, 127)
    } else {
        super::ShellError::Abort(msg, 1, false)
    }
}

pub trait Env {
    /// The value of `name` (or `name[index]`); unset is `None`.
    fn get(&mut self, name: &str, index: Option<i64>) -> Option<String>;
    /// Assigns.
    fn set(&mut self, name: &str, index: Option<i64>, value: i64) -> Result<(), String>;
    /// `set -u`: reading an unset variable is an error.
    fn nounset(&self) -> bool {
        false
    }
    /// True for an associative array (its subscripts are strings, not expressions).
    fn is_assoc(&self, _name: &str) -> bool {
        false
    }
    /// `name[key]` of an associative array.
    fn get_key(&mut self, _name: &str, _key: &str) -> Option<String> {
        None
    }
    /// Assigns `name[key]` of an associative array.
    fn set_key(&mut self, name: &str, _key: &str, _value: i64) -> Result<(), String> {
        Err(format!("{name}: not an associative array"))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Name(String),
    /// The raw text inside `name[…]`.
    Sub(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "++", "--", "<=", ">=", "==", "!=", "&&", "||", "<<", ">>", "+=", "-=",
    "*=", "/=", "%=", "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "^",
    "|", "?", ":", "(", ")", "[", "]", ",",
];

/// A constant as bash reads it: `N`, `0N` (octal), `0xN`, `BASE#N` (bases 2–64: digits, then
/// `a-z`, `A-Z`, `@`, `_`; letters of either case below base 37), wrapping past 64 bits.
fn parse_num(s: &str) -> Result<i64, String> {
    let err = || format!("{s}: value too great for base (error token is \"{s}\")");
    let (base, digits) = if let Some((base, digits)) = s.split_once('#') {
        match base.parse::<u32>() {
            Ok(b @ 2..=64) => (b, digits),
            _ => {
                return Err(format!(
                    "{s}: invalid arithmetic base (error token is \"{s}\")"
                ));
            }
        }
    } else if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() && base != 16 {
        return Err(err());
    }
    let mut v: i64 = 0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            '@' => 62,
            '_' => 63,
            _ => return Err(err()),
        };
        if d >= base {
            return Err(err());
        }
        v = v.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
    }
    Ok(v)
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    'outer: while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let st = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'#' | b'_' | b'@'))
            {
                i += 1;
            }
            out.push(Tok::Num(parse_num(&src[st..i])?));
            continue;
        }
        if c == b'_' || c.is_ascii_alphabetic() {
            let st = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push(Tok::Name(src[st..i].to_string()));
            if b.get(i) == Some(&b'[') {
                let mut depth = 0;
                let mut j = i;
                while j < b.len() {
                    match b[j] {
                        b'[' => depth += 1,
                        b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                out.push(Tok::Sub(src[i + 1..j.min(b.len())].to_string()));
                i = (j + 1).min(b.len());
            }
            continue;
        }
        for op in OPS {
            if src[i..].starts_with(op) {
                out.push(Tok::Op(op));
                i += op.len();
                continue 'outer;
            }
        }
        return Err(format!(
            "{src}: syntax error: invalid arithmetic operator (error token is \"{}\")",
            &src[i..]
        ));
    }
    Ok(out)
}

#[derive(Debug, Clone)]
enum Expr {
    Num(i64),
    /// A variable, with its subscript as raw text and parsed.
    Var(String, Option<(String, Box<Expr>)>),
    Unary(&'static str, Box<Expr>),
    Pre(&'static str, Box<Expr>),
    Post(&'static str, Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
}

struct P {
    t: Vec<Tok>,
    i: usize,
    src: String,
}

fn prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }
    fn err(&self) -> String {
        let rest = self.t.get(self.i).map_or(String::new(), |t| match t {
            Tok::Num(n) => n.to_string(),
            Tok::Name(n) => n.clone(),
            Tok::Sub(r) => format!("[{r}]"),
            Tok::Op(o) => o.to_string(),
        });
        format!(
            "{}: syntax error in expression (error token is \"{rest}\")",
            self.src.trim()
        )
    }
    fn comma(&mut self) -> Result<Expr, String> {
        let mut l = self.assign()?;
        while self.is_op(",") {
            self.i += 1;
            l = Expr::Comma(Box::new(l), Box::new(self.assign()?));
        }
        Ok(l)
    }
    fn assign(&mut self) -> Result<Expr, String> {
        let l = self.cond()?;
        if let Some(Tok::Op(op)) = self.peek().cloned()
            && matches!(
                op,
                "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "<<=" | ">>=" | "&=" | "^=" | "|="
            )
        {
            if !matches!(l, Expr::Var(..)) {
                return Err(format!(
                    "{}: attempted assignment to non-variable",
                    self.src.trim()
                ));
            }
            self.i += 1;
            let r = self.assign()?;
            return Ok(Expr::Assign(op, Box::new(l), Box::new(r)));
        }
        Ok(l)
    }
    fn cond(&mut self) -> Result<Expr, String> {
        let c = self.binary(1)?;
        if self.is_op("?") {
            self.i += 1;
            let a = self.assign()?;
            if !self.is_op(":") {
                return Err(self.err());
            }
            self.i += 1;
            let b = self.cond()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }
    fn binary(&mut self, min: u8) -> Result<Expr, String> {
        let mut l = self.unary()?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            let Some(p) = prec(op) else { break };
            if p < min {
                break;
            }
            self.i += 1;
            // `**` is right-associative.
            let r = if op == "**" {
                self.binary(p)?
            } else {
                self.binary(p + 1)?
            };
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Tok::Op(op @ ("-" | "+" | "!" | "~"))) => {
                self.i += 1;
                Ok(Expr::Unary(op, Box::new(self.unary()?)))
            }
            Some(Tok::Op(op @ ("++" | "--"))) => {
                self.i += 1;
                Ok(Expr::Pre(op, Box::new(self.unary()?)))
            }
            _ => self.postfix(),
        }
    }
    fn postfix(&mut self) -> Result<Expr, String> {
        let e = self.primary()?;
        if let Some(Tok::Op(op @ ("++" | "--"))) = self.peek().cloned()
            && matches!(e, Expr::Var(..))
        {
            self.i += 1;
            return Ok(Expr::Post(op, Box::new(e)));
        }
        Ok(e)
    }
    fn primary(&mut self) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.i += 1;
                Ok(Expr::Num(n))
            }
            Some(Tok::Name(n)) => {
                self.i += 1;
                let idx = if let Some(Tok::Sub(raw)) = self.peek().cloned() {
                    self.i += 1;
                    let toks = lex(&raw)?;
                    let mut p = P {
                        t: toks,
                        i: 0,
                        src: raw.clone(),
                    };
                    let e = if p.t.is_empty() {
                        Expr::Num(0)
                    } else {
                        p.comma().unwrap_or(Expr::Num(0))
                    };
                    Some((raw, Box::new(e)))
                } else {
                    None
                };
                Ok(Expr::Var(n, idx))
            }
            Some(Tok::Op("(")) => {
                self.i += 1;
                let e = self.comma()?;
                if !self.is_op(")") {
                    return Err(self.err());
                }
                self.i += 1;
                Ok(e)
            }
            _ => Err(self.err()),
        }
    }
}

fn var_value(env: &mut dyn Env, name: &str, idx: Option<i64>, depth: u32) -> Result<i64, String> {
    let Some(v) = env.get(name, idx) else {
        if env.nounset() {
            return Err(format!("{name}: {UNBOUND}"));
        }
        return Ok(0);
    };
    let v = v.trim();
    if v.is_empty() {
        return Ok(0);
    }
    if let Ok(n) = parse_num(v) {
        return Ok(n);
    }
    if depth > 64 {
        return Err(format!("{name}: expression recursion level exceeded"));
    }
    eval_depth(v, env, depth + 1)
}

fn binop(op: &str, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err("division by 0 (error token is \"0\")".into()),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "**" if b < 0 => return Err("exponent less than 0".into()),
        "**" => a.wrapping_pow(b.min(u32::MAX as i64) as u32),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "&" => a & b,
        "|" => a | b,
        "^" => a ^ b,
        "==" => (a == b) as i64,
        "!=" => (a != b) as i64,
        "<" => (a < b) as i64,
        ">" => (a > b) as i64,
        "<=" => (a <= b) as i64,
        ">=" => (a >= b) as i64,
        _ => return Err(format!("unknown operator {op}")),
    })
}

/// The key of an associative subscript: the raw text without surrounding quotes.
fn assoc_key(raw: &str) -> String {
    let t = raw.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    t.to_string()
}

fn var_get(
    env: &mut dyn Env,
    name: &str,
    idx: &Option<(String, Box<Expr>)>,
    depth: u32,
) -> Result<i64, String> {
    match idx {
        Some((raw, _)) if env.is_assoc(name) => {
            let v = env.get_key(name, &assoc_key(raw)).unwrap_or_default();
            let v = v.trim();
            if v.is_empty() {
                Ok(0)
            } else {
                parse_num(v).or_else(|_| eval_depth(v, env, depth + 1))
            }
        }
        Some((_, e)) => {
            let i = run(e, env, depth)?;
            var_value(env, name, Some(i), depth)
        }
        None => var_value(env, name, None, depth),
    }
}

fn var_set(
    env: &mut dyn Env,
    name: &str,
    idx: &Option<(String, Box<Expr>)>,
    v: i64,
    depth: u32,
) -> Result<(), String> {
    match idx {
        Some((raw, _)) if env.is_assoc(name) => env.set_key(name, &assoc_key(raw), v),
        Some((_, e)) => {
            let i = run(e, env, depth)?;
            env.set(name, Some(i), v)
        }
        None => env.set(name, None, v),
    }
}

fn run(e: &Expr, env: &mut dyn Env, depth: u32) -> Result<i64, String> {
    Ok(match e {
        Expr::Num(n) => *n,
        Expr::Var(name, idx) => var_get(env, name, idx, depth)?,
        Expr::Unary(op, x) => {
            let v = run(x, env, depth)?;
            match *op {
                "-" => v.wrapping_neg(),
                "!" => (v == 0) as i64,
                "~" => !v,
                _ => v,
            }
        }
        Expr::Pre(op, x) | Expr::Post(op, x) => {
            let Expr::Var(name, idx) = &**x else {
                return Err("invalid increment".into());
            };
            let old = var_get(env, name, idx, depth)?;
            let new = if *op == "++" {
                old.wrapping_add(1)
            } else {
                old.wrapping_sub(1)
            };
            var_set(env, name, idx, new, depth)?;
            if matches!(e, Expr::Pre(..)) { new } else { old }
        }
        Expr::Bin("&&", a, b) => (run(a, env, depth)? != 0 && run(b, env, depth)? != 0) as i64,
        Expr::Bin("||", a, b) => (run(a, env, depth)? != 0 || run(b, env, depth)? != 0) as i64,
        Expr::Bin(op, a, b) => {
            let a = run(a, env, depth)?;
            binop(op, a, run(b, env, depth)?)?
        }
        Expr::Assign(op, l, r) => {
            let Expr::Var(name, idx) = &**l else {
                return Err("attempted assignment to non-variable".into());
            };
            let rv = run(r, env, depth)?;
            let v = if *op == "=" {
                rv
            } else {
                let cur = var_get(env, name, idx, depth)?;
                binop(&op[..op.len() - 1], cur, rv)?
            };
            var_set(env, name, idx, v, depth)?;
            v
        }
        Expr::Cond(c, a, b) => {
            if run(c, env, depth)? != 0 {
                run(a, env, depth)?
            } else {
                run(b, env, depth)?
            }
        }
        Expr::Comma(a, b) => {
            run(a, env, depth)?;
            run(b, env, depth)?
        }
    })
}

/// A parsed expression, reusable (loops evaluate the same text many times).
#[derive(Debug)]
pub struct Compiled(Option<Expr>);

/// Parses `src` once.
pub fn compile(src: &str) -> Result<Compiled, String> {
    let t = lex(src)?;
    if t.is_empty() {
        return Ok(Compiled(None));
    }
    let mut p = P {
        t,
        i: 0,
        src: src.to_string(),
    };
    let e = p.comma()?;
    if p.i != p.t.len() {
        return Err(p.err());
    }
    Ok(Compiled(Some(e)))
}

impl Compiled {
    /// Evaluates against `env`.
    pub fn eval(&self, env: &mut dyn Env) -> Result<i64, String> {
        match &self.0 {
            Some(e) => run(e, env, 0),
            None => Ok(0),
        }
    }
}

fn eval_depth(src: &str, env: &mut dyn Env, depth: u32) -> Result<i64, String> {
    match compile(src)?.0 {
        Some(e) => run(&e, env, depth),
        None => Ok(0),
    }
}

/// Evaluates `src` (already parameter-expanded) against `env`.
pub fn eval(src: &str, env: &mut dyn Env) -> Result<i64, String> {
    eval_depth(src, env, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct M(HashMap<String, String>);
    impl Env for M {
        fn get(&mut self, n: &str, _: Option<i64>) -> Option<String> {
            self.0.get(n).cloned()
        }
        fn set(&mut self, n: &str, _: Option<i64>, v: i64) -> Result<(), String> {
            self.0.insert(n.into(), v.to_string());
            Ok(())
        }
    }

    #[test]
    fn evaluates() {
        let mut m = M(HashMap::new());
        assert_eq!(eval("1 + 2 * 3", &mut m), Ok(7));
        assert_eq!(eval("2 ** 3 ** 2", &mut m), Ok(512));
        assert_eq!(eval("x = 5, x++ , x", &mut m), Ok(6));
        assert_eq!(eval("x > 3 ? 10 : 20", &mut m), Ok(10));
        assert_eq!(eval("0x10 + 010 + 2#101", &mut m), Ok(16 + 8 + 5));
        assert_eq!(eval("-7 / 2", &mut m), Ok(-3));
        assert_eq!(eval("0 && y++", &mut m), Ok(0));
        assert_eq!(m.0.get("y"), None);
        assert!(eval("1 / 0", &mut m).is_err());
        assert!(eval("1 +", &mut m).is_err());
    }
}
