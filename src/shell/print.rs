//! Functions printed back as bash prints them (`declare -f`, `type`): bash's layout of a
//! parsed command — one statement per line, four-space indentation, `;` after each statement
//! of a compound body — rebuilt from our syntax tree (words are kept as written).

use super::ast::{CaseTerm, Node, Redir, RedirKind, Simple, TestExpr};

/// The text of function `name` with body `body`, as `declare -f name` prints it (no final
/// newline).
pub fn function_text(name: &str, body: &Node) -> String {
    let mut p = Printer::default();
    p.out.push_str(name);
    p.out.push_str(" () \n{ \n");
    p.function_body(body, 4);
    p.out
}

/// The text of one command as bash prints it in `jobs` (on one line where bash does).
pub fn command_text(n: &Node) -> String {
    let mut p = Printer::default();
    p.skip_indent += 1;
    p.cmd(n);
    let mut line = String::new();
    for l in p.out.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !line.is_empty() {
            line.push_str(if line.ends_with([';', '{', '&']) || l.starts_with('}') {
                " "
            } else {
                "; "
            });
        }
        line.push_str(l);
    }
    line
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
    /// The next command is not indented (it continues a line).
    skip_indent: usize,
    /// Here-document bodies (tag, text) to print after the current line.
    deferred: Vec<(String, String)>,
}

impl Printer {
    fn newline(&mut self, s: &str) {
        self.out.push('\n');
        self.pad();
        self.out.push_str(s);
    }

    fn pad(&mut self) {
        self.out.extend(std::iter::repeat_n(' ', self.indent));
    }

    /// `;` unless the line already ends a statement.
    fn semicolon(&mut self) {
        if !self.out.ends_with(['&', '\n']) {
            self.out.push(';');
        }
    }

    fn flush_heredocs(&mut self) -> bool {
        if self.deferred.is_empty() {
            return false;
        }
        self.out.push('\n');
        for (tag, body) in std::mem::take(&mut self.deferred) {
            self.out.push_str(&body);
            self.out.push_str(&tag);
            self.out.push('\n');
        }
        true
    }

    /// The statements of a function body at `indent` (a group's contents, else the command),
    /// then its closing brace and the function's redirections.
    fn function_body(&mut self, body: &Node, indent: usize) {
        let saved = self.indent;
        self.indent = indent;
        let (inner, redirs) = match body {
            Node::Redirected(n, r) => (&**n, Some(r)),
            n => (n, None),
        };
        match inner {
            Node::Group(g) => self.cmd(g),
            other => self.cmd(other),
        }
        self.flush_heredocs();
        self.indent = saved;
        match redirs {
            Some(r) => {
                self.newline("} ");
                self.redirs(r);
            }
            None => self.newline("}"),
        }
    }

    fn cmd(&mut self, n: &Node) {
        if self.skip_indent > 0 {
            self.skip_indent -= 1;
        } else {
            self.pad();
        }
        match n {
            Node::Simple(s) => self.simple(s),
            Node::Pipeline(parts, bang) => {
                if *bang {
                    self.out.push_str("! ");
                }
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(" | ");
                        self.skip_indent += 1;
                    } else {
                        self.skip_indent += 1;
                    }
                    self.cmd(p);
                }
            }
            Node::And(a, b) | Node::Or(a, b) => {
                self.skip_indent += 1;
                self.cmd(a);
                self.out.push_str(if matches!(n, Node::And(..)) {
                    " && "
                } else {
                    " || "
                });
                self.skip_indent += 1;
                self.cmd(b);
            }
            Node::Not(x) => {
                self.out.push_str("! ");
                self.skip_indent += 1;
                self.cmd(x);
            }
            Node::Seq(items) => self.seq(items),
            Node::Background(x) => {
                self.skip_indent += 1;
                self.cmd(x);
                self.out.push_str(" &");
            }
            Node::Subshell(x) => {
                self.out.push_str("( ");
                self.skip_indent += 1;
                self.cmd(x);
                self.out.push_str(" )");
            }
            Node::Group(x) => {
                self.out.push_str("{ \n");
                self.indent += 4;
                self.cmd(x);
                self.flush_heredocs();
                self.out.push('\n');
                self.indent -= 4;
                self.pad();
                self.out.push('}');
            }
            Node::Redirected(x, r) => {
                self.skip_indent += 1;
                self.cmd(x);
                self.out.push(' ');
                self.redirs(r);
            }
            Node::If(arms, els) => self.if_(arms, els.as_deref()),
            Node::While(cond, body, until) => {
                self.out.push_str(if *until { "until " } else { "while " });
                self.skip_indent += 1;
                self.cmd(cond);
                self.semicolon();
                self.out.push_str(" do\n");
                self.body(body);
                self.semicolon();
                self.newline("done");
            }
            Node::For(var, words, body) | Node::Select(var, words, body) => {
                let select = matches!(n, Node::Select(..));
                self.out.push_str(if select { "select " } else { "for " });
                self.out.push_str(var);
                self.out.push_str(" in ");
                match words {
                    Some(w) => self.out.push_str(&w.join(" ")),
                    None => self.out.push_str("\"$@\""),
                }
                self.out.push(';');
                self.newline("do\n");
                self.body(body);
                self.semicolon();
                self.newline("done");
            }
            Node::CFor(init, cond, step, body) => {
                self.out.push_str(&format!(
                    "for (({}; {}; {}))",
                    init.trim(),
                    cond.trim(),
                    step.trim()
                ));
                self.newline("do\n");
                self.body(body);
                self.semicolon();
                self.newline("done");
            }
            Node::Case(word, items) => {
                self.out.push_str(&format!("case {word} in "));
                self.indent += 4;
                for item in items {
                    self.newline(&item.patterns.join(" | "));
                    self.out.push_str(")\n");
                    self.indent += 4;
                    if !matches!(item.body, Node::Empty) {
                        self.cmd(&item.body);
                    }
                    self.indent -= 4;
                    self.flush_heredocs();
                    self.newline(match item.term {
                        CaseTerm::Break => ";;",
                        CaseTerm::FallThrough => ";&",
                        CaseTerm::Continue => ";;&",
                    });
                }
                self.indent -= 4;
                self.newline("esac");
            }
            Node::Function(name, body) => {
                self.out.push_str(&format!("function {name} () \n"));
                self.pad();
                self.out.push_str("{ \n");
                let indent = self.indent + 4;
                self.function_body(body, indent);
            }
            Node::Test(t, _) => {
                self.out.push_str("[[ ");
                test(&mut self.out, t);
                self.out.push_str(" ]]");
            }
            Node::Arith(e, _) => {
                self.out.push_str("((");
                self.out.push_str(e);
                self.out.push_str("))");
            }
            Node::Timed(n, posix) => {
                self.out.push_str(if *posix { "time -p " } else { "time " });
                self.skip_indent += 1;
                self.cmd(n);
            }
            Node::Empty => {}
        }
    }

    /// A compound command's body, one level deeper.
    fn body(&mut self, n: &Node) {
        self.indent += 4;
        self.cmd(n);
        self.flush_heredocs();
        self.indent -= 4;
    }

    /// Statements joined as bash joins them in a function: `;` and a new line (after any
    /// here-document bodies), or ` & ` after a background job.
    fn seq(&mut self, items: &[Node]) {
        let items: Vec<&Node> = items.iter().filter(|n| !matches!(n, Node::Empty)).collect();
        for (i, item) in items.iter().enumerate() {
            if i == 0 {
                // The sequence itself was indented (or continues a line).
                self.skip_indent += 1;
            }
            self.cmd(item);
            if i + 1 == items.len() {
                break;
            }
            if matches!(item, Node::Background(_)) {
                self.out.push(' ');
                self.skip_indent += 1;
            } else {
                if !self.flush_heredocs() {
                    self.out.push(';');
                }
                self.out.push('\n');
            }
        }
    }

    fn if_(&mut self, arms: &[(Node, Node)], els: Option<&Node>) {
        let Some(((cond, body), rest)) = arms.split_first() else {
            return;
        };
        self.out.push_str("if ");
        self.skip_indent += 1;
        self.cmd(cond);
        self.semicolon();
        self.out.push_str(" then\n");
        self.body(body);
        if !rest.is_empty() || els.is_some() {
            self.semicolon();
            self.newline("else\n");
            self.indent += 4;
            if rest.is_empty() {
                if let Some(e) = els {
                    self.cmd(e);
                }
            } else {
                // `elif` prints as an `if` inside the `else`, as bash prints it.
                self.pad();
                self.if_(rest, els);
            }
            self.flush_heredocs();
            self.indent -= 4;
        }
        self.semicolon();
        self.newline("fi");
    }

    fn simple(&mut self, s: &Simple) {
        let mut parts: Vec<String> = s
            .assigns
            .iter()
            .map(|a| {
                let index = a
                    .index
                    .as_ref()
                    .map(|i| format!("[{i}]"))
                    .unwrap_or_default();
                let op = if a.append { "+=" } else { "=" };
                let value = match &a.value {
                    super::ast::AssignValue::Scalar(w) => w.clone(),
                    super::ast::AssignValue::Array(ws) => format!("({})", ws.join(" ")),
                };
                format!("{}{index}{op}{value}", a.name)
            })
            .collect();
        parts.extend(s.words.iter().cloned());
        self.out.push_str(&parts.join(" "));
        if !s.redirs.is_empty() {
            if !parts.is_empty() {
                self.out.push(' ');
            }
            self.redirs(&s.redirs);
        }
    }

    fn redirs(&mut self, rs: &[Redir]) {
        for (i, r) in rs.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            let fd = |default: u32| {
                if r.fd == default {
                    String::new()
                } else {
                    r.fd.to_string()
                }
            };
            let text = match &r.kind {
                RedirKind::In(w) => format!("{}< {w}", fd(0)),
                RedirKind::Out(w) => format!("{}> {w}", fd(1)),
                RedirKind::Clobber(w) => format!("{}>| {w}", fd(1)),
                RedirKind::Append(w) => format!("{}>> {w}", fd(1)),
                RedirKind::ReadWrite(w) => format!("{}<> {w}", fd(0)),
                RedirKind::Both(w, false) => format!("&> {w}"),
                RedirKind::Both(w, true) => format!("&>> {w}"),
                RedirKind::Dup(w) => format!("{}>&{w}", r.fd),
                RedirKind::Herestring(w) => format!("{}<<< {w}", fd(0)),
                RedirKind::Heredoc(body, expand) => {
                    let mut tag = "EOF".to_string();
                    while body.lines().any(|l| l == tag) {
                        tag.push('_');
                    }
                    let shown = if *expand {
                        tag.clone()
                    } else {
                        format!("'{tag}'")
                    };
                    self.deferred.push((tag, body.clone()));
                    format!("{}<<{shown}", fd(0))
                }
            };
            self.out.push_str(&text);
        }
    }
}

fn test(out: &mut String, t: &TestExpr) {
    match t {
        TestExpr::Unary(op, w) => out.push_str(&format!("{op} {w}")),
        TestExpr::Binary(a, op, b) => out.push_str(&format!("{a} {op} {b}")),
        TestExpr::Word(w) => out.push_str(w),
        TestExpr::Not(x) => {
            out.push_str("! ");
            test(out, x);
        }
        TestExpr::And(a, b) | TestExpr::Or(a, b) => {
            test(out, a);
            out.push_str(if matches!(t, TestExpr::And(..)) {
                " && "
            } else {
                " || "
            });
            test(out, b);
        }
    }
}

/// The menu `select` prints: `N) word` entries in as many columns as fit in `columns`,
/// filled down each column first, laid out as bash lays them out.
pub(super) fn select_menu(items: &[String], columns: usize) -> String {
    let n = items.len();
    let digits = |x: usize| x.to_string().len();
    let indices = digits(n);
    let widest = items.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    let max_elem = widest + indices + 2 + 2;
    let mut cols = (columns / max_elem).max(1);
    let mut rows = n.div_ceil(cols);
    cols = n.div_ceil(rows);
    if rows == 1 {
        rows = cols;
    }
    let first_indices = digits(rows);
    let mut out = String::new();
    for row in 0..rows {
        let (mut ind, mut pos) = (row, 0);
        loop {
            let width = if pos == 0 { first_indices } else { indices };
            let entry = format!("{:>width$}) {}", ind + 1, items[ind]);
            let len = entry.chars().count();
            out.push_str(&entry);
            ind += rows;
            if ind >= n {
                break;
            }
            // Pad to the next column with tabs and spaces, as bash's `indent` does.
            let (mut from, to) = (pos + len, pos + max_elem);
            while from < to {
                if to / 8 > from / 8 {
                    out.push('\t');
                    from += 8 - from % 8;
                } else {
                    out.push(' ');
                    from += 1;
                }
            }
            pos += max_elem;
        }
        out.push('\n');
    }
    out
}
