//! The shell's own syntax tree. The parser lowers tree-sitter's concrete tree into this; words
//! stay raw source text (quotes included) and are lexed and expanded at run time by
//! [`super::expand`], so quoting rules live in one place.

use std::rc::Rc;

/// A word as written in the script, e.g. `"$x"*.txt`.
pub type Word = String;

/// One executable construct.
#[derive(Debug, Clone, Default)]
pub enum Node {
    /// `a=1 cmd arg… <redirects`
    Simple(Simple),
    /// `a | b | c`; `bang` for `! a | b`.
    Pipeline(Vec<Node>, bool),
    /// `a && b`
    And(Box<Node>, Box<Node>),
    /// `a || b`
    Or(Box<Node>, Box<Node>),
    /// `! cmd`
    Not(Box<Node>),
    /// Statements in order.
    Seq(Vec<Node>),
    /// `cmd &`: run to completion, `$!` set.
    Background(Box<Node>),
    /// `( … )`: state changes do not leak out.
    Subshell(Box<Node>),
    /// `{ …; }`
    Group(Box<Node>),
    /// A compound command with redirections.
    Redirected(Box<Node>, Vec<Redir>),
    /// `if c1; then b1; elif c2; then b2; else e; fi`
    If(Vec<(Node, Node)>, Option<Box<Node>>),
    /// `while`/`until` (`until` = true).
    While(Box<Node>, Box<Node>, bool),
    /// `for v in words; do …; done` (`None` words: `"$@"`).
    For(String, Option<Vec<Word>>, Box<Node>),
    /// `select v in words; do …; done` (`None` words: `"$@"`): a numbered menu on stderr,
    /// one choice per line of stdin.
    Select(String, Option<Vec<Word>>, Box<Node>),
    /// `for ((init; cond; update))`
    CFor(String, String, String, Box<Node>),
    /// `case word in pat|pat) body ;; esac`
    Case(Word, Vec<CaseItem>),
    /// `name() { … }`
    Function(String, Rc<Node>),
    /// `[[ … ]]` on its line (`$LINENO`).
    Test(TestExpr, usize),
    /// `(( … ))` on its line (`$LINENO`).
    Arith(String, usize),
    /// `time [-p] pipeline`: the report (`-p`: POSIX format) goes to stderr after it.
    Timed(Box<Node>, bool),
    /// Nothing (an empty program).
    #[default]
    Empty,
}

/// `a=1`, `a+=x`, `a[i]=v`, `a=(x y)`.
#[derive(Debug, Clone)]
pub struct Assign {
    /// Variable name.
    pub name: String,
    /// Raw index text for `a[i]=v`.
    pub index: Option<String>,
    /// `+=`
    pub append: bool,
    /// The value.
    pub value: AssignValue,
}

/// Scalar or array right-hand side.
#[derive(Debug, Clone)]
pub enum AssignValue {
    /// `a=word`
    Scalar(Word),
    /// `a=(w1 w2)`
    Array(Vec<Word>),
}

/// A simple command.
#[derive(Debug, Clone, Default)]
pub struct Simple {
    /// Leading assignments.
    pub assigns: Vec<Assign>,
    /// Command name and arguments (raw).
    pub words: Vec<Word>,
    /// Redirections attached to the command.
    pub redirs: Vec<Redir>,
    /// Its line in the script (1-based; 0 when unknown), for `$LINENO`.
    pub line: usize,
}

/// Where a redirection goes.
#[derive(Debug, Clone)]
pub enum RedirKind {
    /// `< file`
    In(Word),
    /// `> file`
    Out(Word),
    /// `>| file`: overwrites even under `set -C`.
    Clobber(Word),
    /// `>> file`
    Append(Word),
    /// `n<> file`: open for reading and writing (created when missing, not truncated).
    ReadWrite(Word),
    /// `&> file` (`true` for `&>>`)
    Both(Word, bool),
    /// `n>&m` / `n<&m` (word may be `-` to close)
    Dup(Word),
    /// `<< tag` body; `true` when the body is expanded.
    Heredoc(String, bool),
    /// `<<< word`
    Herestring(Word),
}

/// A redirection of file descriptor `fd`.
#[derive(Debug, Clone)]
pub struct Redir {
    /// The descriptor redirected (0, 1, 2 …).
    pub fd: u32,
    /// `{name}>file`: the shell picks a free descriptor (10 or more) and stores its number in
    /// `name`; `{name}>&-` closes the one `name` holds.
    pub var: Option<String>,
    /// What it points at.
    pub kind: RedirKind,
}

/// One `pattern) body ;;` arm.
#[derive(Debug, Clone)]
pub struct CaseItem {
    /// Alternative patterns.
    pub patterns: Vec<Word>,
    /// The body.
    pub body: Node,
    /// `;&` falls through to the next body, `;;&` tests the next pattern.
    pub term: CaseTerm,
}

/// How a case arm ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseTerm {
    /// `;;`
    Break,
    /// `;&`
    FallThrough,
    /// `;;&`
    Continue,
}

/// A `[[ … ]]` expression.
#[derive(Debug, Clone)]
pub enum TestExpr {
    /// `-f word`
    Unary(String, Word),
    /// `a == b`, `a =~ re`, `a -lt b`
    Binary(Word, String, Word),
    /// A lone word (true when non-empty).
    Word(Word),
    /// `! e`
    Not(Box<TestExpr>),
    /// `a && b`
    And(Box<TestExpr>, Box<TestExpr>),
    /// `a || b`
    Or(Box<TestExpr>, Box<TestExpr>),
}
