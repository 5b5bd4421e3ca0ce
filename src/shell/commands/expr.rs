//! `expr EXPR`: arithmetic, comparison, `:` regex match, `length`, `substr`, `index`, `match`.
//! Exit 1 when the result is 0 or empty, 2 on a bad expression.

struct P<'a> {
    t: &'a [String],
    i: usize,
}

fn int(s: &str) -> Result<i64, String> {
    s.trim()
        .parse()
        .map_err(|_| "non-integer argument".to_string())
}

impl P<'_> {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(|s| s.as_str())
    }
    fn next(&mut self) -> Result<String, String> {
        let v = self
            .t
            .get(self.i)
            .cloned()
            .ok_or("syntax error: missing argument")?;
        self.i += 1;
        Ok(v)
    }
    fn or(&mut self) -> Result<String, String> {
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.i += 1;
            let r = self.and()?;
            if l.is_empty() || l == "0" {
                l = if r.is_empty() || r == "0" {
                    "0".into()
                } else {
                    r
                };
            }
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<String, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.i += 1;
            let r = self.cmp()?;
            l = if l.is_empty() || l == "0" || r.is_empty() || r == "0" {
                "0".into()
            } else {
                l
            };
        }
        Ok(l)
    }
    fn cmp(&mut self) -> Result<String, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| ["<", "<=", "=", "==", "!=", ">=", ">"].contains(o))
            .map(String::from)
        {
            self.i += 1;
            let r = self.add()?;
            let ord = match (l.parse::<i64>(), r.parse::<i64>()) {
                (Ok(a), Ok(b)) => a.cmp(&b),
                _ => l.cmp(&r),
            };
            use std::cmp::Ordering::*;
            let t = match op.as_str() {
                "<" => ord == Less,
                "<=" => ord != Greater,
                "=" | "==" => ord == Equal,
                "!=" => ord != Equal,
                ">=" => ord != Less,
                _ => ord == Greater,
            };
            l = (t as i32).to_string();
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<String, String> {
        let mut l = self.mul()?;
        while let Some(op) = self
            .peek()
            .filter(|o| *o == "+" || *o == "-")
            .map(String::from)
        {
            self.i += 1;
            let r = self.mul()?;
            let (a, b) = (int(&l)?, int(&r)?);
            l = if op == "+" { a + b } else { a - b }.to_string();
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<String, String> {
        let mut l = self.colon()?;
        while let Some(op) = self
            .peek()
            .filter(|o| ["*", "/", "%"].contains(o))
            .map(String::from)
        {
            self.i += 1;
            let r = self.colon()?;
            let (a, b) = (int(&l)?, int(&r)?);
            if b == 0 && op != "*" {
                return Err("division by zero".into());
            }
            l = match op.as_str() {
                "*" => a * b,
                "/" => a / b,
                _ => a % b,
            }
            .to_string();
        }
        Ok(l)
    }
    fn colon(&mut self) -> Result<String, String> {
        let mut l = self.primary()?;
        while self.peek() == Some(":") {
            self.i += 1;
            let r = self.primary()?;
            l = regex_match(&l, &r)?;
        }
        Ok(l)
    }
    fn primary(&mut self) -> Result<String, String> {
        let t = self.next()?;
        match t.as_str() {
            "(" => {
                let v = self.or()?;
                if self.next()? != ")" {
                    return Err("syntax error: expecting ')'".into());
                }
                Ok(v)
            }
            "length" => Ok(self.primary()?.chars().count().to_string()),
            "match" => {
                let s = self.primary()?;
                let r = self.primary()?;
                regex_match(&s, &r)
            }
            "substr" => {
                let s: Vec<char> = self.primary()?.chars().collect();
                let p = int(&self.primary()?)?;
                let n = int(&self.primary()?)?;
                if p < 1 || n < 1 {
                    return Ok(String::new());
                }
                Ok(s.iter().skip(p as usize - 1).take(n as usize).collect())
            }
            "index" => {
                let s = self.primary()?;
                let chars = self.primary()?;
                Ok(s.chars()
                    .position(|c| chars.contains(c))
                    .map_or(0, |p| p + 1)
                    .to_string())
            }
            "+" => self.next(),
            _ => Ok(t),
        }
    }
}

fn regex_match(s: &str, re: &str) -> Result<String, String> {
    let tr = super::regex_syntax::translate(re, false);
    let r = regex::Regex::new(&format!("^(?:{tr})"))
        .map_err(|_| "Invalid regular expression".to_string())?;
    Ok(match r.captures(s) {
        Some(c) if c.len() > 1 => c.get(1).map_or(String::new(), |m| m.as_str().to_string()),
        Some(c) => c
            .get(0)
            .map_or(0, |m| m.as_str().chars().count())
            .to_string(),
        None if r.captures_len() > 1 => String::new(),
        None => "0".into(),
    })
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    if args.is_empty() {
        c.err("missing operand").await?;
        return Ok(2);
    }
    let mut p = P { t: &args, i: 0 };
    match p.or() {
        Ok(v) if p.i == args.len() => {
            let st = if v.is_empty() || v == "0" || v == "-0" {
                1
            } else {
                0
            };
            c.print(&format!("{v}\n")).await?;
            Ok(st)
        }
        Ok(_) => {
            c.err(&format!(
                "syntax error: unexpected argument '{}'",
                args[p.i]
            ))
            .await?;
            Ok(2)
        }
        Err(m) => {
            c.err(&m).await?;
            Ok(2)
        }
    }
});
