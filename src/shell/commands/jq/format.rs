//! Output of `jq`: values printed as jq 1.6 prints them (number forms, indentation, key
//! order), and the pieces of output and error text one run leaves, in order.

use std::fmt::Write as _;

use jaq_json::Val;

/// Numbers as jq 1.6 prints them: integral values below 1e17 without a fraction, others in
/// shortest form with a signed exponent.
fn write_num(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "null"
        } else if x > 0.0 {
            "1.7976931348623157e+308"
        } else {
            "-1.7976931348623157e+308"
        });
    } else if x.fract() == 0.0 && x.abs() < 1e17 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        if (-5..17).contains(&e) {
            let _ = write!(out, "{x}");
        } else {
            let _ = write!(out, "{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
        }
    }
}

/// How values are printed.
#[derive(Clone)]
pub(super) struct Fmt {
    /// One level of indentation.
    pub(super) indent: String,
    /// `-c`: one line per value.
    pub(super) compact: bool,
    /// `-S`: object keys sorted.
    pub(super) sort: bool,
    /// `-r`/`-j`: strings printed raw.
    pub(super) raw: bool,
    /// `-j`: no newline after each value.
    pub(super) join: bool,
}

fn write_str(out: &mut String, s: &str) {
    struct S<'a>(&'a str);
    impl std::fmt::Display for S<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            jaq_json::fmt_str(f, self.0)
        }
    }
    let _ = write!(out, "{}", S(s));
}

/// Appends `v` as JSON text at nesting `level`.
pub(super) fn write_val(out: &mut String, v: &Val, f: &Fmt, level: usize) {
    let nl = |out: &mut String, level: usize| {
        if !f.compact {
            out.push('\n');
            for _ in 0..level {
                out.push_str(&f.indent);
            }
        }
    };
    match v {
        Val::Str(s) => write_str(out, s),
        Val::Float(x) => write_num(out, *x),
        Val::Num(n) => match n.parse::<f64>() {
            Ok(x) => write_num(out, x),
            Err(_) => out.push_str(n),
        },
        Val::Arr(a) if a.is_empty() => out.push_str("[]"),
        Val::Arr(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_val(out, x, f, level + 1);
            }
            nl(out, level);
            out.push(']');
        }
        Val::Obj(o) if o.is_empty() => out.push_str("{}"),
        Val::Obj(o) => {
            out.push('{');
            let mut items: Vec<_> = o.iter().collect();
            if f.sort {
                items.sort_by(|a, b| a.0.cmp(b.0));
            }
            for (i, (k, x)) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_str(out, k);
                out.push(':');
                if !f.compact {
                    out.push(' ');
                }
                write_val(out, x, f, level + 1);
            }
            nl(out, level);
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// One piece of a run's output, in order: text for stdout or a runtime error for stderr.
pub(super) enum Piece {
    /// Printed values.
    Out(String),
    /// A runtime error message (without the `jq: error` prefix).
    Err(String),
}

/// What running the filter leaves: output in order with its runtime errors, whether any
/// error happened, and whether the last value printed was `null` or `false` (for `-e`).
#[derive(Default)]
pub(super) struct Sink {
    pieces: Vec<Piece>,
    cur: String,
    /// The run on the latest input ended in a runtime error (exit status 5, as jq 1.6 sets
    /// it: from the last input only).
    pub(super) failed: bool,
    /// Whether the last value printed was `null` or `false`; `None` before any value.
    pub(super) last_falsy: Option<bool>,
}

impl Sink {
    /// Records one result of the filter; false after an error, which ends the run on this
    /// input (as in jq: `error(x), 1` prints nothing).
    pub(super) fn result<E: std::fmt::Display>(&mut self, r: Result<Val, E>, f: &Fmt) -> bool {
        match r {
            Ok(v) => {
                match (&v, f.raw) {
                    (Val::Str(s), true) => self.cur.push_str(s),
                    _ => write_val(&mut self.cur, &v, f, 0),
                }
                if !f.join {
                    self.cur.push('\n');
                }
                self.last_falsy = Some(matches!(v, Val::Null | Val::Bool(false)));
                true
            }
            Err(e) => {
                self.flush();
                self.pieces.push(Piece::Err(e.to_string()));
                self.failed = true;
                false
            }
        }
    }

    /// Starts the run on a new input.
    pub(super) fn begin_input(&mut self) {
        self.failed = false;
    }

    /// Bytes of output held.
    pub(super) fn held(&self) -> usize {
        let piece = |p: &Piece| match p {
            Piece::Out(s) | Piece::Err(s) => s.len(),
        };
        self.cur.len() + self.pieces.iter().map(piece).sum::<usize>()
    }

    /// The pieces so far, in order; the sink keeps its status.
    pub(super) fn take(&mut self) -> Vec<Piece> {
        self.flush();
        std::mem::take(&mut self.pieces)
    }

    fn flush(&mut self) {
        if !self.cur.is_empty() {
            self.pieces.push(Piece::Out(std::mem::take(&mut self.cur)));
        }
    }
}
