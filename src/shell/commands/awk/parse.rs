//! AWK grammar → syntax tree: pattern-action items, functions, statements and expressions with
//! awk's precedence (assignment, `?:`, `||`, `&&`, `in`, `~`, comparison, concatenation,
//! additive, multiplicative, unary, `^`, `++`/`--`, `$`).

use super::lex::Tok;

#[derive(Debug, Clone)]
pub enum Expr {
    Num(f64),
    Str(String),
    Regex(String),
    Var(String),
    Index(String, Vec<Expr>),
    Field(Box<Expr>),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    In(Vec<Expr>, String),
    Match(bool, Box<Expr>, Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Unary(&'static str, Box<Expr>),
    Incr(bool, i8, Box<Expr>),
    Call(String, Vec<Expr>),
    Builtin(String, Vec<Expr>),
    /// getline [var] [< file]
    Getline(Option<Box<Expr>>, Option<Box<Expr>>),
    /// cmd | getline [var]
    PipeGetline(Box<Expr>),
    Group(Box<Expr>),
}

#[derive(Debug, Clone)]
pub enum Redir {
    File(Expr),
    Append(Expr),
    Pipe(Expr),
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<Redir>),
    Printf(Vec<Expr>, Option<Redir>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Break,
    Continue,
    Next,
    NextFile,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Delete(String, Option<Vec<Expr>>),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

#[derive(Debug, Clone)]
pub struct Func {
    pub params: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Default)]
pub struct Program {
    pub items: Vec<(Pattern, Option<Vec<Stmt>>)>,
    pub funcs: std::collections::HashMap<String, Func>,
}

struct P {
    t: Vec<Tok>,
    i: usize,
    /// Inside `print` arguments, `>` is a redirection, not a comparison.
    no_gt: bool,
    no_in: bool,
}

type R<T> = Result<T, String>;

impl P {
    fn peek(&self) -> &Tok {
        &self.t[self.i.min(self.t.len() - 1)]
    }
    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.i += 1;
        t
    }
    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Tok::Op(x) if *x == o)
    }
    fn is_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Kw(x) if *x == k)
    }
    fn eat_op(&mut self, o: &str) -> bool {
        if self.is_op(o) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect_op(&mut self, o: &str) -> R<()> {
        if self.eat_op(o) {
            Ok(())
        } else {
            Err(self.err())
        }
    }
    fn err(&self) -> String {
        format!(
            "syntax error at source line 1: unexpected {}",
            match self.peek() {
                Tok::Eof => "end of program".to_string(),
                Tok::Newline => "newline".into(),
                t => format!("{t:?}"),
            }
        )
    }
    fn nl(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.i += 1;
        }
    }
    fn terms(&mut self) {
        while matches!(self.peek(), Tok::Newline) || self.is_op(";") {
            self.i += 1;
        }
    }

    fn program(&mut self) -> R<Program> {
        let mut prog = Program::default();
        loop {
            self.terms();
            match self.peek().clone() {
                Tok::Eof => break,
                Tok::Kw("function") => {
                    self.i += 1;
                    let name = match self.next() {
                        Tok::Name(n) | Tok::Func(n) => n,
                        _ => return Err(self.err()),
                    };
                    self.expect_op("(")?;
                    let mut params = Vec::new();
                    while !self.is_op(")") {
                        match self.next() {
                            Tok::Name(n) => params.push(n),
                            _ => return Err(self.err()),
                        }
                        self.nl();
                        if !self.eat_op(",") {
                            break;
                        }
                        self.nl();
                    }
                    self.expect_op(")")?;
                    self.nl();
                    let body = self.block()?;
                    prog.funcs.insert(name, Func { params, body });
                }
                Tok::Kw("BEGIN") => {
                    self.i += 1;
                    self.nl();
                    let b = self.block()?;
                    prog.items.push((Pattern::Begin, Some(b)));
                }
                Tok::Kw("END") => {
                    self.i += 1;
                    self.nl();
                    let b = self.block()?;
                    prog.items.push((Pattern::End, Some(b)));
                }
                Tok::Op("{") => {
                    let b = self.block()?;
                    prog.items.push((Pattern::All, Some(b)));
                }
                _ => {
                    let e = self.expr()?;
                    let pat = if self.eat_op(",") {
                        self.nl();
                        Pattern::Range(e, self.expr()?)
                    } else {
                        Pattern::Expr(e)
                    };
                    let action = if self.is_op("{") {
                        Some(self.block()?)
                    } else {
                        None
                    };
                    prog.items.push((pat, action));
                }
            }
        }
        Ok(prog)
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.expect_op("{")?;
        let mut out = Vec::new();
        loop {
            self.terms();
            if self.eat_op("}") {
                return Ok(out);
            }
            if matches!(self.peek(), Tok::Eof) {
                return Err("unexpected end of program: missing }".into());
            }
            out.push(self.stmt()?);
        }
    }

    fn simple_end(&mut self) -> R<()> {
        if self.is_op(";") || matches!(self.peek(), Tok::Newline) {
            self.i += 1;
            Ok(())
        } else if self.is_op("}") || matches!(self.peek(), Tok::Eof) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn body(&mut self) -> R<Stmt> {
        self.nl();
        if self.is_op(";") {
            self.i += 1;
            return Ok(Stmt::Block(vec![]));
        }
        self.stmt()
    }

    fn stmt(&mut self) -> R<Stmt> {
        let s = match self.peek().clone() {
            Tok::Op("{") => return Ok(Stmt::Block(self.block()?)),
            Tok::Kw("if") => {
                self.i += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                let then = self.body()?;
                let save = self.i;
                self.terms();
                if self.is_kw("else") {
                    self.i += 1;
                    let e = self.body()?;
                    return Ok(Stmt::If(c, Box::new(then), Some(Box::new(e))));
                }
                self.i = save;
                return Ok(Stmt::If(c, Box::new(then), None));
            }
            Tok::Kw("while") => {
                self.i += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                if self.is_op(";") {
                    self.i += 1;
                    return Ok(Stmt::While(c, Box::new(Stmt::Block(vec![]))));
                }
                return Ok(Stmt::While(c, Box::new(self.body()?)));
            }
            Tok::Kw("do") => {
                self.i += 1;
                let b = self.body()?;
                self.terms();
                if !self.is_kw("while") {
                    return Err(self.err());
                }
                self.i += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                Stmt::Do(Box::new(b), c)
            }
            Tok::Kw("for") => {
                self.i += 1;
                self.expect_op("(")?;
                if let (Tok::Name(k), Tok::Kw("in"), Tok::Name(arr), Tok::Op(")")) = (
                    self.peek().clone(),
                    self.t[self.i + 1].clone(),
                    self.t.get(self.i + 2).cloned().unwrap_or(Tok::Eof),
                    self.t.get(self.i + 3).cloned().unwrap_or(Tok::Eof),
                ) {
                    self.i += 4;
                    return Ok(Stmt::ForIn(k, arr, Box::new(self.body()?)));
                }
                let init = if self.is_op(";") {
                    None
                } else {
                    Some(Box::new(self.simple_stmt()?))
                };
                self.expect_op(";")?;
                self.nl();
                let cond = if self.is_op(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect_op(";")?;
                self.nl();
                let step = if self.is_op(")") {
                    None
                } else {
                    Some(Box::new(self.simple_stmt()?))
                };
                self.expect_op(")")?;
                if self.is_op(";") {
                    self.i += 1;
                    return Ok(Stmt::For(init, cond, step, Box::new(Stmt::Block(vec![]))));
                }
                return Ok(Stmt::For(init, cond, step, Box::new(self.body()?)));
            }
            Tok::Op(";") => {
                self.i += 1;
                return Ok(Stmt::Block(vec![]));
            }
            _ => self.simple_stmt()?,
        };
        self.simple_end()?;
        Ok(s)
    }

    fn simple_stmt(&mut self) -> R<Stmt> {
        Ok(match self.peek().clone() {
            Tok::Kw("break") => {
                self.i += 1;
                Stmt::Break
            }
            Tok::Kw("continue") => {
                self.i += 1;
                Stmt::Continue
            }
            Tok::Kw("next") => {
                self.i += 1;
                Stmt::Next
            }
            Tok::Kw("nextfile") => {
                self.i += 1;
                Stmt::NextFile
            }
            Tok::Kw("exit") => {
                self.i += 1;
                let e = if self.ends_simple() {
                    None
                } else {
                    Some(self.expr()?)
                };
                Stmt::Exit(e)
            }
            Tok::Kw("return") => {
                self.i += 1;
                let e = if self.ends_simple() {
                    None
                } else {
                    Some(self.expr()?)
                };
                Stmt::Return(e)
            }
            Tok::Kw("delete") => {
                self.i += 1;
                let name = match self.next() {
                    Tok::Name(n) => n,
                    _ => return Err(self.err()),
                };
                if self.eat_op("[") {
                    let idx = self.expr_list()?;
                    self.expect_op("]")?;
                    Stmt::Delete(name, Some(idx))
                } else {
                    Stmt::Delete(name, None)
                }
            }
            Tok::Kw(k @ ("print" | "printf")) => {
                self.i += 1;
                let save = self.no_gt;
                self.no_gt = true;
                let args =
                    if self.ends_simple() || self.is_op(">") || self.is_op(">>") || self.is_op("|")
                    {
                        vec![]
                    } else if self.is_op("(") {
                        // `print (a, b) > f` or `print (a) b`
                        let st = self.i;
                        self.i += 1;
                        self.no_gt = false;
                        let list = self.expr_list();
                        self.no_gt = true;
                        match list {
                            Ok(l)
                                if self.eat_op(")")
                                    && (self.ends_simple()
                                        || self.is_op(">")
                                        || self.is_op(">>")
                                        || self.is_op("|")) =>
                            {
                                l
                            }
                            _ => {
                                self.i = st;
                                self.expr_list()?
                            }
                        }
                    } else {
                        self.expr_list()?
                    };
                self.no_gt = save;
                let redir = if self.eat_op(">") {
                    Some(Redir::File(self.concat_expr()?))
                } else if self.eat_op(">>") {
                    Some(Redir::Append(self.concat_expr()?))
                } else if self.eat_op("|") {
                    Some(Redir::Pipe(self.concat_expr()?))
                } else {
                    None
                };
                if k == "print" {
                    Stmt::Print(args, redir)
                } else {
                    Stmt::Printf(args, redir)
                }
            }
            _ => Stmt::Expr(self.expr()?),
        })
    }

    fn ends_simple(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Eof) || self.is_op(";") || self.is_op("}")
    }

    fn expr_list(&mut self) -> R<Vec<Expr>> {
        let mut v = vec![self.expr()?];
        while self.eat_op(",") {
            self.nl();
            v.push(self.expr()?);
        }
        Ok(v)
    }

    pub fn expr(&mut self) -> R<Expr> {
        let lhs = self.ternary()?;
        if let Tok::Op(op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=" | "**=")) =
            self.peek().clone()
            && matches!(lhs, Expr::Var(_) | Expr::Index(..) | Expr::Field(_))
        {
            self.i += 1;
            self.nl();
            let rhs = self.expr()?;
            let op = if op == "**=" { "^=" } else { op };
            return Ok(Expr::Assign(op, Box::new(lhs), Box::new(rhs)));
        }
        Ok(lhs)
    }

    fn ternary(&mut self) -> R<Expr> {
        let c = self.or()?;
        if self.eat_op("?") {
            self.nl();
            let a = self.expr()?;
            self.nl();
            self.expect_op(":")?;
            self.nl();
            let b = self.expr()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }

    fn or(&mut self) -> R<Expr> {
        let mut l = self.and()?;
        while self.eat_op("||") {
            self.nl();
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> R<Expr> {
        let mut l = self.in_expr()?;
        while self.eat_op("&&") {
            self.nl();
            l = Expr::And(Box::new(l), Box::new(self.in_expr()?));
        }
        Ok(l)
    }

    fn in_expr(&mut self) -> R<Expr> {
        let mut l = self.matching()?;
        while !self.no_in && self.is_kw("in") {
            self.i += 1;
            let arr = match self.next() {
                Tok::Name(n) => n,
                _ => return Err(self.err()),
            };
            let keys = match l {
                Expr::Group(g) => vec![*g],
                Expr::Call(ref n, ref a) if n == "\0list" => a.clone(),
                other => vec![other],
            };
            l = Expr::In(keys, arr);
        }
        Ok(l)
    }

    fn matching(&mut self) -> R<Expr> {
        let mut l = self.comparison()?;
        loop {
            let neg = if self.eat_op("~") {
                false
            } else if self.eat_op("!~") {
                true
            } else {
                return Ok(l);
            };
            let r = self.comparison()?;
            l = Expr::Match(neg, Box::new(l), Box::new(r));
        }
    }

    fn comparison(&mut self) -> R<Expr> {
        let l = self.concat_expr()?;
        let op = match self.peek() {
            Tok::Op(o @ ("<" | "<=" | "==" | "!=" | ">=")) => *o,
            Tok::Op(">") if !self.no_gt => ">",
            _ => return Ok(l),
        };
        self.i += 1;
        let r = self.concat_expr()?;
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Tok::Num(_)
            | Tok::Str(_)
            | Tok::Regex(_)
            | Tok::Name(_)
            | Tok::Func(_)
            | Tok::Builtin(_) => true,
            Tok::Op(o) => matches!(*o, "$" | "(" | "!" | "++" | "--" | "-" | "+"),
            Tok::Kw("getline") => false,
            _ => false,
        }
    }

    fn concat_expr(&mut self) -> R<Expr> {
        let mut l = self.additive()?;
        while self.starts_operand() && !self.is_op("-") && !self.is_op("+") && !self.is_op("!") {
            let r = self.additive()?;
            l = Expr::Concat(Box::new(l), Box::new(r));
        }
        // `cmd | getline [var]`
        while self.is_op("|") && matches!(self.t.get(self.i + 1), Some(Tok::Kw("getline"))) {
            self.i += 2;
            let _var = self.opt_lvalue()?;
            l = Expr::PipeGetline(Box::new(l));
        }
        Ok(l)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut l = self.mult()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o @ ("+" | "-")) => *o,
                _ => return Ok(l),
            };
            self.i += 1;
            l = Expr::Bin(op, Box::new(l), Box::new(self.mult()?));
        }
    }

    fn mult(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o @ ("*" | "/" | "%")) => *o,
                _ => return Ok(l),
            };
            self.i += 1;
            l = Expr::Bin(op, Box::new(l), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> R<Expr> {
        match self.peek() {
            Tok::Op(o @ ("!" | "-" | "+")) => {
                let o = *o;
                self.i += 1;
                Ok(Expr::Unary(o, Box::new(self.unary()?)))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> R<Expr> {
        let base = self.postfix()?;
        if self.eat_op("^") || self.eat_op("**") {
            let e = self.unary_power()?;
            return Ok(Expr::Bin("^", Box::new(base), Box::new(e)));
        }
        Ok(base)
    }

    fn unary_power(&mut self) -> R<Expr> {
        if let Tok::Op(o @ ("-" | "+" | "!")) = self.peek() {
            let o = *o;
            self.i += 1;
            return Ok(Expr::Unary(o, Box::new(self.unary_power()?)));
        }
        self.power()
    }

    fn postfix(&mut self) -> R<Expr> {
        if let Tok::Op(o @ ("++" | "--")) = self.peek() {
            let d = if *o == "++" { 1 } else { -1 };
            self.i += 1;
            let e = self.postfix()?;
            return Ok(Expr::Incr(true, d, Box::new(e)));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Index(..) | Expr::Field(_))
            && let Tok::Op(o @ ("++" | "--")) = self.peek()
        {
            let d = if *o == "++" { 1 } else { -1 };
            self.i += 1;
            return Ok(Expr::Incr(false, d, Box::new(e)));
        }
        Ok(e)
    }

    fn opt_lvalue(&mut self) -> R<Option<Box<Expr>>> {
        Ok(match self.peek().clone() {
            Tok::Name(_) => Some(Box::new(self.primary()?)),
            Tok::Op("$") => Some(Box::new(self.primary()?)),
            _ => None,
        })
    }

    fn primary(&mut self) -> R<Expr> {
        match self.next() {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Regex(r) => Ok(Expr::Regex(r)),
            Tok::Op("$") => {
                let e = if let Tok::Op(o @ ("++" | "--")) = self.peek() {
                    let d = if *o == "++" { 1 } else { -1 };
                    self.i += 1;
                    Expr::Incr(true, d, Box::new(self.primary()?))
                } else if self.is_op("-") {
                    self.i += 1;
                    Expr::Unary("-", Box::new(self.primary()?))
                } else {
                    self.primary()?
                };
                Ok(Expr::Field(Box::new(e)))
            }
            Tok::Op("(") => {
                let save = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let first = self.expr()?;
                if self.is_op(",") {
                    let mut list = vec![first];
                    while self.eat_op(",") {
                        self.nl();
                        list.push(self.expr()?);
                    }
                    self.expect_op(")")?;
                    (self.no_gt, self.no_in) = save;
                    if !self.is_kw("in") {
                        return Err(self.err());
                    }
                    return Ok(Expr::Call("\0list".into(), list));
                }
                self.expect_op(")")?;
                (self.no_gt, self.no_in) = save;
                Ok(Expr::Group(Box::new(first)))
            }
            Tok::Op("-") => Ok(Expr::Unary("-", Box::new(self.unary()?))),
            Tok::Op("!") => Ok(Expr::Unary("!", Box::new(self.unary()?))),
            Tok::Name(n) => {
                if self.eat_op("[") {
                    let idx = self.expr_list()?;
                    self.expect_op("]")?;
                    return Ok(Expr::Index(n, idx));
                }
                Ok(Expr::Var(n))
            }
            Tok::Func(n) => {
                self.expect_op("(")?;
                let args = if self.is_op(")") {
                    vec![]
                } else {
                    self.expr_list()?
                };
                self.expect_op(")")?;
                Ok(Expr::Call(n, args))
            }
            Tok::Builtin(n) => {
                if self.eat_op("(") {
                    let save = (self.no_gt, self.no_in);
                    self.no_gt = false;
                    self.no_in = false;
                    let args = if self.is_op(")") {
                        vec![]
                    } else {
                        self.expr_list()?
                    };
                    (self.no_gt, self.no_in) = save;
                    self.expect_op(")")?;
                    return Ok(Expr::Builtin(n, args));
                }
                if n == "length" {
                    return Ok(Expr::Builtin(n, vec![]));
                }
                Err(self.err())
            }
            Tok::Kw("getline") => {
                let var = self.opt_lvalue()?;
                let file = if self.eat_op("<") {
                    Some(Box::new(self.primary()?))
                } else {
                    None
                };
                Ok(Expr::Getline(var, file))
            }
            _ => {
                self.i -= 1;
                Err(self.err())
            }
        }
    }
}

/// Parses a whole program.
pub fn parse(toks: Vec<Tok>) -> Result<Program, String> {
    let mut p = P {
        t: toks,
        i: 0,
        no_gt: false,
        no_in: false,
    };
    p.program()
}
