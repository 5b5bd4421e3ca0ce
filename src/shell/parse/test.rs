//! Lowering of `[[ … ]]`: its words split on blanks and parentheses, then parsed with
//! bash's precedence (`!`, `&&`, `||`, parentheses, unary and binary operators).

use tree_sitter::Node as TsNode;

use super::super::ast::*;
use super::super::lex::split_words;
use super::{Lower, ParseError};

impl Lower<'_> {
    pub(super) fn test_cmd(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let t = self.text(n);
        if t.starts_with("[[") {
            let inner = t.strip_prefix("[[").unwrap_or(t).trim_end();
            let inner = inner.strip_suffix("]]").unwrap_or(inner);
            let words = split_test_words(inner);
            let mut p = TestParser { w: &words, i: 0 };
            let e = p.or()?;
            if p.i != words.len() {
                return Err(ParseError(format!(
                    "syntax error in conditional expression near `{}'",
                    words[p.i]
                )));
            }
            Ok(Node::Test(e, n.start_position().row + 1))
        } else {
            Ok(Node::Simple(Simple {
                words: split_words(t),
                ..Simple::default()
            }))
        }
    }
}

/// Words of a `[[ … ]]` body; parentheses become their own tokens (except in a regex).
fn split_test_words(inner: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut words = Vec::new();
    for w in split_words(inner) {
        split_operators(&w, &mut words);
    }
    for w in words {
        let regex_operand = out.last().is_some_and(|p: &String| p == "=~");
        if regex_operand {
            out.push(w);
            continue;
        }
        // Only unbalanced parentheses are grouping: `(a == b)` yes, `@(x|y)` and `$(f)` no.
        let count = |w: &str, c: char| w.chars().filter(|&x| x == c).count();
        let mut w = w.as_str();
        while w.len() > 1 && w.starts_with('(') && count(w, '(') > count(w, ')') {
            out.push("(".to_string());
            w = &w[1..];
        }
        let mut closing = 0;
        while w.len() > 1 && w.ends_with(')') && count(w, ')') > count(w, '(') {
            closing += 1;
            w = &w[..w.len() - 1];
        }
        out.push(w.to_string());
        out.extend(std::iter::repeat_n(")".to_string(), closing));
    }
    out
}

/// Splits the operators bash reads without blanks around them (`<`, `>`, `&&`, `||`) off a
/// word of `[[ … ]]` — outside quotes, escapes and `$(…)`/`${…}` — into `out`.
fn split_operators(w: &str, out: &mut Vec<String>) {
    let b = w.as_bytes();
    let (mut start, mut i, mut depth) = (0, 0, 0usize);
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match (quote, c) {
            (Some(b'\''), b'\'') => quote = None,
            (Some(b'\''), _) => {}
            (_, b'\\') => i += 1,
            (Some(b'"'), b'"') => quote = None,
            (None, b'\'' | b'"') => quote = Some(c),
            (_, b'$') if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                depth += 1;
                i += 1;
            }
            (_, b')' | b'}') if depth > 0 => depth -= 1,
            (None, b'<' | b'>' | b'&' | b'|') if depth == 0 => {
                let len = if matches!(c, b'&' | b'|') {
                    if b.get(i + 1) != Some(&c) {
                        i += 1;
                        continue;
                    }
                    2
                } else {
                    1
                };
                if start < i {
                    out.push(w[start..i].to_string());
                }
                out.push(w[i..i + len].to_string());
                i += len;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if start < b.len() || out.is_empty() && w.is_empty() {
        out.push(w[start..].to_string());
    }
}

struct TestParser<'a> {
    w: &'a [String],
    i: usize,
}

const UNARY: &[&str] = &[
    "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-p", "-r", "-s", "-t", "-u", "-w", "-x",
    "-G", "-L", "-N", "-O", "-S", "-z", "-n", "-v", "-o", "-R",
];
const BINARY: &[&str] = &[
    "==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef",
];

impl TestParser<'_> {
    fn peek(&self) -> Option<&str> {
        self.w.get(self.i).map(|s| s.as_str())
    }
    fn or(&mut self) -> Result<TestExpr, ParseError> {
        let mut l = self.and()?;
        while self.peek() == Some("||") {
            self.i += 1;
            l = TestExpr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<TestExpr, ParseError> {
        let mut l = self.not()?;
        while self.peek() == Some("&&") {
            self.i += 1;
            l = TestExpr::And(Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<TestExpr, ParseError> {
        if self.peek() == Some("!") {
            self.i += 1;
            return Ok(TestExpr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<TestExpr, ParseError> {
        let eof = || ParseError("syntax error: unexpected end of conditional expression".into());
        let t = self.peek().ok_or_else(eof)?.to_string();
        if t == "(" {
            self.i += 1;
            let e = self.or()?;
            if self.peek() != Some(")") {
                return Err(ParseError(
                    "syntax error: expected `)' in conditional".into(),
                ));
            }
            self.i += 1;
            return Ok(e);
        }
        if UNARY.contains(&t.as_str())
            && self
                .w
                .get(self.i + 1)
                .is_some_and(|n| !BINARY.contains(&n.as_str()) && n != "&&" && n != "||")
        {
            self.i += 2;
            return Ok(TestExpr::Unary(t, self.w[self.i - 1].clone()));
        }
        self.i += 1;
        if let Some(op) = self
            .peek()
            .filter(|op| BINARY.contains(op))
            .map(str::to_string)
        {
            self.i += 1;
            let r = self.peek().ok_or_else(eof)?.to_string();
            self.i += 1;
            return Ok(TestExpr::Binary(t, op, r));
        }
        Ok(TestExpr::Word(t))
    }
}
