//! `bc [-l]`: a basic calculator — numbers with `scale` decimals, + - * / % ^, parentheses,
//! comparisons, variables, `sqrt()`, `length()`, `scale()`; one result per expression line.

struct P<'a> {
    s: &'a [u8],
    i: usize,
    vars: &'a mut std::collections::HashMap<String, f64>,
    scale: u32,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] == b' ' || self.s[self.i] == b'\t') {
            self.i += 1;
        }
    }
    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(t.as_bytes()) {
            self.i += t.len();
            true
        } else {
            false
        }
    }
    fn cmp(&mut self) -> Result<f64, String> {
        let l = self.add()?;
        for op in ["<=", ">=", "==", "!=", "<", ">"] {
            if self.eat(op) {
                let r = self.add()?;
                let t = match op {
                    "<=" => l <= r,
                    ">=" => l >= r,
                    "==" => l == r,
                    "!=" => l != r,
                    "<" => l < r,
                    _ => l > r,
                };
                return Ok(t as i64 as f64);
            }
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<f64, String> {
        let mut l = self.mul()?;
        loop {
            if self.eat("+") {
                l += self.mul()?;
            } else if self.eat("-") {
                l -= self.mul()?;
            } else {
                return Ok(l);
            }
        }
    }
    fn trunc(&self, v: f64) -> f64 {
        let f = 10f64.powi(self.scale as i32);
        (v * f).trunc() / f
    }
    fn mul(&mut self) -> Result<f64, String> {
        let mut l = self.pow()?;
        loop {
            if self.eat("*") {
                l *= self.pow()?;
            } else if self.eat("/") {
                let r = self.pow()?;
                if r == 0.0 {
                    return Err("Runtime error (func=(main), adr=0): Divide by zero".into());
                }
                l = self.trunc(l / r);
            } else if self.eat("%") {
                let r = self.pow()?;
                if r == 0.0 {
                    return Err("Runtime error (func=(main), adr=0): Modulo by zero".into());
                }
                l -= self.trunc(l / r) * r;
            } else {
                return Ok(l);
            }
        }
    }
    fn pow(&mut self) -> Result<f64, String> {
        let b = self.unary()?;
        if self.eat("^") {
            let e = self.pow()?;
            return Ok(b.powi(e as i32));
        }
        Ok(b)
    }
    fn unary(&mut self) -> Result<f64, String> {
        if self.eat("-") {
            return Ok(-self.unary()?);
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<f64, String> {
        self.ws();
        if self.eat("(") {
            let v = self.cmp()?;
            if !self.eat(")") {
                return Err("syntax error".into());
            }
            return Ok(v);
        }
        let st = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.') {
            self.i += 1;
        }
        if self.i > st {
            return std::str::from_utf8(&self.s[st..self.i])
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| "syntax error".into());
        }
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_lowercase()
                || self.s[self.i] == b'_'
                || self.s[self.i].is_ascii_digit())
        {
            self.i += 1;
        }
        let name = String::from_utf8_lossy(&self.s[st..self.i]).to_string();
        if name.is_empty() {
            return Err("syntax error".into());
        }
        if self.eat("(") {
            let v = self.cmp()?;
            if !self.eat(")") {
                return Err("syntax error".into());
            }
            return Ok(match name.as_str() {
                "sqrt" => self.trunc(v.sqrt()),
                "length" => v
                    .abs()
                    .to_string()
                    .replace(['.', '-'], "")
                    .trim_start_matches('0')
                    .len()
                    .max(1) as f64,
                "scale" => v.to_string().split_once('.').map_or(0, |(_, d)| d.len()) as f64,
                "s" => v.sin(),
                "c" => v.cos(),
                "a" => v.atan(),
                "l" => v.ln(),
                "e" => v.exp(),
                _ => return Err(format!("Function {name} not defined")),
            });
        }
        if name == "scale" {
            return Ok(self.scale as f64);
        }
        Ok(*self.vars.get(&name).unwrap_or(&0.0))
    }
}

fn fmt(v: f64, scale: u32) -> String {
    let s = format!("{:.*}", scale as usize, v);
    let s = if s.starts_with("0.") {
        s[1..].to_string()
    } else if s.starts_with("-0.") {
        format!("-{}", &s[2..])
    } else {
        s
    };
    // Zero prints as `0` whatever the scale, as bc prints it.
    if s.chars().all(|c| matches!(c, '-' | '.' | '0')) {
        "0".into()
    } else {
        s
    }
}

command!(|c| {
    let mut scale = if c.argv.iter().any(|a| a == "-l") {
        20
    } else {
        0
    };
    let input = String::from_utf8_lossy(&c.stdin().await?).into_owned();
    let mut vars = std::collections::HashMap::new();
    let mut out = String::new();
    let mut st = 0;
    for stmt in input.split(['\n', ';']) {
        let stmt = stmt.trim();
        if stmt.is_empty() || stmt.starts_with('#') || stmt == "quit" {
            continue;
        }
        // Assignment?
        if let Some((lhs, rhs)) = stmt.split_once('=')
            && !rhs.starts_with('=')
            && !lhs.ends_with(['<', '>', '!'])
            && lhs
                .trim()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
        {
            let mut p = P {
                s: rhs.as_bytes(),
                i: 0,
                vars: &mut vars,
                scale,
            };
            match p.cmp() {
                Ok(v) => {
                    if lhs.trim() == "scale" {
                        scale = v as u32;
                    } else {
                        vars.insert(lhs.trim().to_string(), v);
                    }
                }
                Err(m) => {
                    c.io.stderr
                        .print(&format!("(standard_in) 1: {m}\n"))
                        .await?;
                    st = 1;
                }
            }
            continue;
        }
        let mut p = P {
            s: stmt.as_bytes(),
            i: 0,
            vars: &mut vars,
            scale,
        };
        match p.cmp() {
            Ok(v) if p.i >= stmt.len() || stmt[p.i..].trim().is_empty() => {
                out.push_str(&format!("{}\n", fmt(v, scale)))
            }
            Ok(_) => {
                c.io.stderr.print("(standard_in) 1: syntax error\n").await?;
                st = 1;
            }
            Err(m) => {
                c.io.stderr
                    .print(&format!("(standard_in) 1: {m}\n"))
                    .await?;
                st = 1;
            }
        }
    }
    c.print(&out).await?;
    Ok(st)
});
