//! AWK tokens. `/` starts a regex literal where an operand is expected and divides elsewhere;
//! newlines are tokens (statement terminators) and the parser skips them where awk allows.

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Name(String),
    /// A name directly followed by `(`: a function call.
    Func(String),
    Builtin(String),
    Kw(&'static str),
    Op(&'static str),
    Newline,
    Eof,
}

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
];
const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower", "toupper",
    "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand", "system", "close",
    "fflush", "systime", "strftime",
];
const OPS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "^=", "**=", "==", "<=", ">=", "!=", "++", "--", "&&", "||",
    ">>", "!~", "**", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!",
    ">", "<", "|", "?", ":", "~", "$", "=",
];

fn operand_end(t: Option<&Tok>) -> bool {
    matches!(
        t,
        Some(Tok::Num(_))
            | Some(Tok::Str(_))
            | Some(Tok::Name(_))
            | Some(Tok::Builtin(_))
            | Some(Tok::Op(")"))
            | Some(Tok::Op("]"))
            | Some(Tok::Op("$"))
            | Some(Tok::Op("++"))
            | Some(Tok::Op("--"))
    )
}

/// Tokenizes an AWK program.
pub fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = src.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        match ch {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if c.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && i + 1 < c.len() {
                        i += 1;
                        match c[i] {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            '\\' => s.push('\\'),
                            '"' => s.push('"'),
                            '/' => s.push('/'),
                            'a' => s.push('\x07'),
                            'b' => s.push('\x08'),
                            'f' => s.push('\x0c'),
                            'v' => s.push('\x0b'),
                            '\n' => {}
                            d @ '0'..='7' => {
                                let mut v = d.to_digit(8).unwrap_or(0);
                                let mut n = 1;
                                while n < 3 && i + 1 < c.len() && c[i + 1].is_digit(8) {
                                    i += 1;
                                    v = v * 8 + c[i].to_digit(8).unwrap_or(0);
                                    n += 1;
                                }
                                s.push(char::from_u32(v).unwrap_or('?'));
                            }
                            o => {
                                s.push('\\');
                                s.push(o);
                            }
                        }
                    } else {
                        s.push(c[i]);
                    }
                    i += 1;
                }
                if i >= c.len() {
                    return Err("non-terminated string".into());
                }
                i += 1;
                out.push(Tok::Str(s));
            }
            '/' if !operand_end(out.last()) => {
                let mut s = String::new();
                i += 1;
                let mut in_class = false;
                while i < c.len() && (c[i] != '/' || in_class) {
                    if c[i] == '\n' {
                        return Err("newline in regex".into());
                    }
                    if c[i] == '\\' && i + 1 < c.len() {
                        if c[i + 1] == '/' {
                            s.push('/');
                        } else {
                            s.push('\\');
                            s.push(c[i + 1]);
                        }
                        i += 2;
                        continue;
                    }
                    if c[i] == '[' {
                        in_class = true;
                    } else if c[i] == ']' {
                        in_class = false;
                    }
                    s.push(c[i]);
                    i += 1;
                }
                if i >= c.len() {
                    return Err("non-terminated regular expression".into());
                }
                i += 1;
                out.push(Tok::Regex(s));
            }
            d if d.is_ascii_digit()
                || (d == '.' && c.get(i + 1).is_some_and(|x| x.is_ascii_digit())) =>
            {
                let st = i;
                if d == '0' && matches!(c.get(i + 1), Some('x') | Some('X')) {
                    i += 2;
                    while i < c.len() && c[i].is_ascii_hexdigit() {
                        i += 1;
                    }
                    let h: String = c[st + 2..i].iter().collect();
                    out.push(Tok::Num(i64::from_str_radix(&h, 16).unwrap_or(0) as f64));
                    continue;
                }
                while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                    i += 1;
                }
                if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
                    let mut j = i + 1;
                    if j < c.len() && (c[j] == '+' || c[j] == '-') {
                        j += 1;
                    }
                    if j < c.len() && c[j].is_ascii_digit() {
                        i = j;
                        while i < c.len() && c[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                let t: String = c[st..i].iter().collect();
                out.push(Tok::Num(t.parse().map_err(|_| format!("bad number {t}"))?));
            }
            a if a == '_' || a.is_ascii_alphabetic() => {
                let st = i;
                while i < c.len() && (c[i] == '_' || c[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let w: String = c[st..i].iter().collect();
                if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
                    out.push(Tok::Kw(if *k == "func" { "function" } else { k }));
                } else if BUILTINS.contains(&w.as_str()) {
                    out.push(Tok::Builtin(w));
                } else if c.get(i) == Some(&'(') {
                    out.push(Tok::Func(w));
                } else {
                    out.push(Tok::Name(w));
                }
            }
            _ => {
                let rest: String = c[i..c.len().min(i + 3)].iter().collect();
                let op = OPS.iter().find(|o| rest.starts_with(**o)).ok_or_else(|| {
                    format!("syntax error at source line: unexpected character '{ch}'")
                })?;
                out.push(Tok::Op(op));
                i += op.chars().count();
            }
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}
