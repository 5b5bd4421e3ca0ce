//! JSON input for `jq`: values parsed one at a time from the input buffers into jaq's `Val`.
//!
//! The same grammar as `jaq_json::Val::parse` (on hifijson's lexer), with fewer allocations,
//! which dominate a JSONL run: object keys and short strings that repeat from one value to
//! the next are shared (`Rc`, immutable, so sharing cannot change a result), and objects and
//! arrays are built at their final size from a scratch stack.

use std::collections::HashMap;
use std::rc::Rc;

use hifijson::token::{Expect, Lex};
use hifijson::{Error, SliceLexer, Token};
use hifijson::{num::LexWrite, str::LexAlloc};
use jaq_json::Val;

/// jaq's object map (`jaq_json::Val::Obj` holds one).
type Map = indexmap::IndexMap<Rc<String>, Val, foldhash::fast::RandomState>;

/// Strings up to this many bytes are shared between values.
const SHARE_MAX_LEN: usize = 32;
/// At most this many distinct strings are kept for sharing (the rest are allocated).
const SHARE_MAX_COUNT: usize = 4096;

/// Parser state kept across values: shared strings and the scratch stacks.
#[derive(Default)]
pub(super) struct Parser {
    shared: HashMap<Box<str>, Rc<String>, foldhash::fast::RandomState>,
    entries: Vec<(Rc<String>, Val)>,
    items: Vec<Val>,
}

impl Parser {
    /// A string value: shared when short and seen before (or room is left to remember it).
    fn string(&mut self, s: &str) -> Rc<String> {
        if s.len() > SHARE_MAX_LEN {
            return Rc::new(s.to_string());
        }
        if let Some(rc) = self.shared.get(s) {
            return rc.clone();
        }
        let rc = Rc::new(s.to_string());
        if self.shared.len() < SHARE_MAX_COUNT {
            self.shared.insert(s.into(), rc.clone());
        }
        rc
    }

    /// Parses the value that starts with `token`.
    pub(super) fn value(&mut self, token: Token, lexer: &mut SliceLexer) -> Result<Val, Error> {
        match token {
            Token::Null => Ok(Val::Null),
            Token::True => Ok(Val::Bool(true)),
            Token::False => Ok(Val::Bool(false)),
            Token::DigitOrMinus => {
                let (num, parts) = lexer.num_string()?;
                if parts.dot.is_none()
                    && parts.exp.is_none()
                    && let Ok(i) = num.parse()
                {
                    return Ok(Val::Int(i));
                }
                Ok(Val::Num(Rc::new(num.to_string())))
            }
            Token::Quote => {
                let s = lexer.str_string()?;
                Ok(Val::Str(self.string(&s)))
            }
            Token::LSquare => {
                let start = self.items.len();
                let r = lexer.seq(Token::RSquare, |token, lexer| {
                    let v = self.value(token, lexer)?;
                    self.items.push(v);
                    Ok::<_, Error>(())
                });
                let items: Vec<Val> = self.items.drain(start..).collect();
                r?;
                Ok(Val::Arr(Rc::new(items)))
            }
            Token::LCurly => {
                let start = self.entries.len();
                let r = lexer.seq(Token::RCurly, |token, lexer| {
                    let key =
                        lexer.str_colon(token, |lexer| lexer.str_string().map_err(Error::Str))?;
                    let key = self.string(&key);
                    let token = lexer.ws_token().ok_or(Expect::Value)?;
                    let v = self.value(token, lexer)?;
                    self.entries.push((key, v));
                    Ok::<_, Error>(())
                });
                let n = self.entries.len() - start;
                let mut map = Map::with_capacity_and_hasher(n, Default::default());
                map.extend(self.entries.drain(start..));
                r?;
                Ok(Val::obj(map))
            }
            _ => Err(Expect::Value)?,
        }
    }
}

/// JSON values parsed one at a time from the input buffers.
pub(super) struct JsonStream {
    bufs: Vec<(String, bytes::Bytes)>,
    idx: usize,
    pos: usize,
    parser: Parser,
}

impl JsonStream {
    /// A stream over `bufs` (name, contents) in order.
    pub(super) fn new(bufs: Vec<(String, bytes::Bytes)>) -> Self {
        JsonStream {
            bufs,
            idx: 0,
            pos: 0,
            parser: Parser::default(),
        }
    }
}

impl JsonStream {
    /// A stream over `data` from byte `start`.
    pub(super) fn at(data: bytes::Bytes, start: usize) -> Self {
        JsonStream {
            pos: start,
            ..JsonStream::new(vec![(String::new(), data)])
        }
    }

    /// Where the next value starts in the current buffer; `None` at its end.
    pub(super) fn next_start(&self) -> Option<usize> {
        let (_, data) = self.bufs.get(self.idx)?;
        let rest = data.get(self.pos..)?;
        let ws = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        (ws < rest.len()).then_some(self.pos + ws)
    }
}

impl Iterator for JsonStream {
    type Item = Result<Val, String>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (_, data) = self.bufs.get(self.idx)?;
            let rest = &data[self.pos.min(data.len())..];
            let mut lexer = SliceLexer::new(rest);
            match lexer.ws_token() {
                None => {
                    self.idx += 1;
                    self.pos = 0;
                }
                Some(tok) => {
                    let r = self
                        .parser
                        .value(tok, &mut lexer)
                        .map_err(|e| format!("{e}"));
                    if r.is_err() {
                        // Stop after a parse error, as jq does.
                        self.idx = self.bufs.len();
                    } else {
                        self.pos += rest.len() - lexer.as_slice().len();
                    }
                    return Some(r);
                }
            }
        }
    }
}

/// Parses every JSON value in `data`.
pub(super) fn parse_all(data: &[u8]) -> Result<Vec<Val>, String> {
    let mut lexer = SliceLexer::new(data);
    let mut parser = Parser::default();
    let mut out = Vec::new();
    while let Some(tok) = lexer.ws_token() {
        out.push(parser.value(tok, &mut lexer).map_err(|e| format!("{e}"))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Val {
        let mut v = parse_all(s.as_bytes()).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn parses_like_jaq() {
        for s in [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e\u00e9\n"},"a":2}"#,
            r#"[1.5, -2, 1e400, 123456789012345678901234567890, "", [], {}]"#,
            r#""x""#,
        ] {
            let mut lexer = SliceLexer::new(s.as_bytes());
            let tok = lexer.ws_token().unwrap();
            let theirs = Val::parse(tok, &mut lexer).unwrap();
            assert_eq!(one(s), theirs, "{s}");
            assert_eq!(one(s).to_string(), theirs.to_string(), "{s}");
        }
    }

    #[test]
    fn errors_and_streams() {
        assert!(parse_all(br#"{"a":}"#).is_err());
        assert!(parse_all(br#"[1,2"#).is_err());
        assert!(parse_all(br#"{"a" 1}"#).is_err());
        let vals = parse_all(b"1 {\"k\":\"v\"}\n{\"k\":\"v\"} [\"v\"]").unwrap();
        assert_eq!(vals.len(), 4);
        assert_eq!(vals[1], vals[2]);
    }
}
