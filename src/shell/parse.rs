//! Script text → [`Node`]s. The only module that knows tree-sitter: it walks tree-sitter-bash's
//! concrete tree for structure (lists, pipelines, compound commands, redirections) and keeps
//! every word as its raw source text for [`super::lex`].

use std::rc::Rc;

use tree_sitter::{Node as TsNode, Parser};

use super::ast::*;
use super::lex::{parse_assignment, split_words};

mod fallback;
mod heredoc;
mod joined;
mod redirs;
mod test;
mod timed;

use redirs::with_redirs;
use timed::{time_keyword, timed};

use fallback::*;

/// A syntax error, with the construct or text it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// Parses a whole script.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .map_err(|e| ParseError(format!("cannot load the bash grammar: {e}")))?;
    let tree = parser
        .parse(src, None)
        .ok_or_else(|| ParseError("parser gave up".into()))?;
    let root = tree.root_node();
    if heredoc::continues_after_body(src)
        && let Some((text, bodies)) = heredoc::stash(src)
        && let Some(r) = parse_with_stand_ins(&mut parser, &text, bodies)
    {
        return r;
    }
    if !root.has_error() {
        let joined = joined::joined_lines(root, src);
        if !joined.is_empty() {
            let fixed = joined::with_semicolons(src, &joined);
            if let Some(t2) = parser.parse(&fixed, None)
                && !t2.root_node().has_error()
                && joined::joined_lines(t2.root_node(), &fixed).is_empty()
            {
                return Lower::new(&fixed, false).program(t2.root_node());
            }
        }
        return Lower::new(src, false).program(root);
    }
    // tree-sitter-bash rejects some valid `[ … ]` tests (`[ a '>' b ]`); retry with `[` at
    // command positions spelled as a one-byte stand-in that it parses as a plain command.
    let alias = bracket_alias(src);
    if alias != src
        && let Some(t2) = parser.parse(&alias, None)
        && !t2.root_node().has_error()
    {
        return Lower::new(&alias, true).program(t2.root_node());
    }
    if let Some(r) = parse_with_stand_ins(&mut parser, src, Vec::new()) {
        return r;
    }
    // Nor a statement after a here-document's command on its line (`cat <<EOF; echo
    // x`): the rest of the line is moved after the body, where it runs the same.
    if let Some(moved) = heredoc_tails(src)
        && let Some(r) = parse_with_stand_ins(&mut parser, &moved, Vec::new())
    {
        return r;
    }
    // Nor two here-documents on one line, nor one before its command: each becomes a
    // here-string of a stand-in word that lowering turns back into the body.
    if let Some((text, bodies)) = heredoc::stash(src)
        && let Some(r) = parse_with_stand_ins(&mut parser, &text, bodies)
    {
        return r;
    }
    // Nor `for x in;` / `for x in⏎do` (an empty list with nothing after `in`): a marker
    // word that the lowering drops stands in the list.
    if let Some(text) = empty_list_alias(src)
        && let Some(t2) = parser.parse(&text, None)
        && !t2.root_node().has_error()
    {
        return Lower::new(&text, false).program(t2.root_node());
    }
    Err(ParseError(describe_error(root, src)))
}

/// Parses `src` as it is, then with same-length stand-ins for what tree-sitter-bash rejects
/// (extended patterns as words, `$((10#$x))`, `x=$(cmd) 2>/dev/null`, `echo ==;` …),
/// lowering the words of `src` itself; `None` when no spelling parses.
fn parse_with_stand_ins(
    parser: &mut Parser,
    src: &str,
    stashed: Vec<(String, bool)>,
) -> Option<Result<Node, ParseError>> {
    let ext = extglob_alias(src);
    let based = base_alias(ext.as_deref().unwrap_or(src));
    // One assignment with a redirection is parsed as the assignment, then the redirection
    // alone, which bash does the same way.
    let assigned = assign_redirect_alias(based.as_deref().or(ext.as_deref()).unwrap_or(src));
    let split_assignments = assigned.is_some();
    let last = assigned.as_deref().or(based.as_deref()).or(ext.as_deref());
    let arith = arith_alias(last.unwrap_or(src));
    let empty_for = empty_for_alias(arith.as_deref().or(last).unwrap_or(src));
    let rw = rw_alias(
        empty_for
            .as_deref()
            .or(arith.as_deref())
            .or(last)
            .unwrap_or(src),
    );
    let candidates = [
        Some(src.to_string()),
        ext,
        based,
        assigned,
        arith,
        empty_for,
        rw,
    ];
    for (i, text) in candidates.into_iter().enumerate() {
        let Some(text) = text else { continue };
        let Some(tree) = parser.parse(&text, None) else {
            continue;
        };
        if tree.root_node().has_error() {
            continue;
        }
        let mut l = Lower::new(src, false);
        l.stashed = stashed;
        return Some(l.program(tree.root_node()).map(|node| {
            if i >= 3 && split_assignments {
                join_assign_redirects(node)
            } else {
                node
            }
        }));
    }
    None
}

fn describe_error(root: TsNode, src: &str) -> String {
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            let text: String = src[n.byte_range()].chars().take(30).collect();
            let tok = text.split_whitespace().next().unwrap_or("").to_string();
            return if n.is_missing() || tok.is_empty() {
                "syntax error: unexpected end of file".into()
            } else {
                format!("syntax error near unexpected token `{tok}'")
            };
        }
        for c in n.children(&mut cursor) {
            if c.has_error() || c.is_missing() {
                stack.push(c);
            }
        }
    }
    "syntax error".into()
}

struct Lower<'s> {
    src: &'s str,
    /// Where the last here-document body ended, so a second one on a line starts after it.
    heredoc_end: usize,
    /// The source spells `[` as the stand-in of [`bracket_alias`].
    bracket_alias: bool,
    /// Here-document bodies taken out by [`heredoc::stash`] (body, expanded).
    stashed: Vec<(String, bool)>,
    /// Words tree-sitter-bash put inside the last redirection that are the command's
    /// arguments (`echo >&2 a b` parses with `a` and `b` as more "destinations").
    spilled: Vec<String>,
}

fn unsupported(what: &str) -> ParseError {
    ParseError(format!("unsupported construct: {what}"))
}

impl<'s> Lower<'s> {
    fn new(src: &'s str, bracket_alias: bool) -> Self {
        Lower {
            src,
            heredoc_end: 0,
            bracket_alias,
            stashed: Vec::new(),
            spilled: Vec::new(),
        }
    }

    fn text(&self, n: TsNode) -> &'s str {
        self.src[n.byte_range()].trim_start()
    }

    /// The statements under `n` with the rows they start and end on (`cmd &` becoming a
    /// background job).
    fn statements(&mut self, n: TsNode) -> Result<Vec<(Node, usize, usize)>, ParseError> {
        let mut out: Vec<(Node, usize, usize)> = Vec::new();
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            if c.kind() == "&" {
                if let Some((last, start, end)) = out.pop() {
                    out.push((Node::Background(Box::new(last)), start, end));
                }
                continue;
            }
            if !c.is_named() || matches!(c.kind(), "comment" | "heredoc_body") {
                continue;
            }
            let rows = (c.start_position().row, c.end_position().row);
            out.push((self.stmt(c)?, rows.0, rows.1));
        }
        Ok(out)
    }

    /// A sequence of statements (body of a group, do-group …).
    fn block(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let stmts = self.statements(n)?;
        Ok(seq(stmts.into_iter().map(|(node, _, _)| node).collect()))
    }

    /// A whole script: one item per source line (statements sharing a line grouped), so
    /// that an expansion error can abandon just its line (see `Shell::run_lines`).
    fn program(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut lines: Vec<Node> = Vec::new();
        let mut cur: Vec<Node> = Vec::new();
        let mut last_row = None;
        for (node, start, end) in self.statements(n)? {
            if last_row.is_some_and(|r| start > r) && !cur.is_empty() {
                lines.push(line_unit(std::mem::take(&mut cur)));
            }
            last_row = Some(end);
            cur.push(node);
        }
        if !cur.is_empty() {
            lines.push(line_unit(cur));
        }
        Ok(seq(lines))
    }

    /// One statement; a simple command remembers its line (`$LINENO`).
    fn stmt(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut node = self.stmt_kind(n)?;
        if let Node::Simple(s) = &mut node
            && s.line == 0
        {
            s.line = n.start_position().row + 1;
        }
        Ok(node)
    }

    fn stmt_kind(&mut self, n: TsNode) -> Result<Node, ParseError> {
        Ok(match n.kind() {
            "command" => self.command(n)?,
            "list" => self.list(n)?,
            "pipeline" => self.pipeline(n)?,
            "redirected_statement" => self.redirected(n)?,
            "negated_command" => Node::Not(Box::new(self.first_named(n)?)),
            "subshell" => Node::Subshell(Box::new(self.block(n)?)),
            "compound_statement" => {
                if n.child(0).is_some_and(|c| c.kind() == "((") {
                    let t = self.text(n);
                    Node::Arith(
                        t[2..t.len().saturating_sub(2)].to_string(),
                        n.start_position().row + 1,
                    )
                } else {
                    Node::Group(Box::new(self.block(n)?))
                }
            }
            "do_group" => self.block(n)?,
            "if_statement" => self.if_stmt(n)?,
            "while_statement" => {
                let until = n.child(0).is_some_and(|c| c.kind() == "until");
                let cond = self.field_block(n, "condition")?;
                let body = self.field_node(n, "body")?;
                Node::While(Box::new(cond), Box::new(self.stmt(body)?), until)
            }
            "for_statement" => self.for_stmt(n)?,
            "c_style_for_statement" => self.c_for(n)?,
            "case_statement" => self.case_stmt(n)?,
            "function_definition" => {
                let name = self.text(self.field_node(n, "name")?).to_string();
                let mut body = self.stmt(self.field_node(n, "body")?)?;
                // `f() { …; } >log`: the redirections apply each time the function runs.
                let mut redirs = Vec::new();
                let mut cursor = n.walk();
                for (i, c) in n.children(&mut cursor).enumerate() {
                    if n.field_name_for_child(i as u32) == Some("redirect") {
                        let (r, tail) = self.redirect(c)?;
                        if !tail.is_empty() {
                            return Err(unsupported("a pipeline after a function definition"));
                        }
                        if let Some(word) = self.spilled.drain(..).next() {
                            return Err(ParseError(format!(
                                "syntax error near unexpected token `{word}'"
                            )));
                        }
                        redirs.extend(r);
                    }
                }
                body = with_redirs(body, redirs);
                Node::Function(name, Rc::new(body))
            }
            "test_command" => self.test_cmd(n)?,
            "variable_assignment" => Node::Simple(Simple {
                assigns: vec![self.assign(n)?],
                ..Simple::default()
            }),
            "variable_assignments" => {
                let mut assigns = Vec::new();
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    assigns.push(self.assign(c)?);
                }
                Node::Simple(Simple {
                    assigns,
                    ..Simple::default()
                })
            }
            "declaration_command" | "unset_command" => Node::Simple(Simple {
                words: split_words(self.text(n)),
                ..Simple::default()
            }),
            other => return Err(unsupported(other)),
        })
    }

    fn first_named(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let c = n
            .named_child(0)
            .ok_or_else(|| ParseError("syntax error: empty command".into()))?;
        self.stmt(c)
    }

    fn field_node(&self, n: TsNode<'s>, field: &str) -> Result<TsNode<'s>, ParseError> {
        n.child_by_field_name(field)
            .ok_or_else(|| ParseError(format!("syntax error: missing {field} in {}", n.kind())))
    }

    /// All statements under `field` (e.g. a `while` condition of several commands).
    fn field_block(&mut self, n: TsNode, field: &str) -> Result<Node, ParseError> {
        let mut out = Vec::new();
        let mut cursor = n.walk();
        for c in n.children_by_field_name(field, &mut cursor) {
            if c.is_named() && c.kind() != "comment" {
                out.push(self.stmt(c)?);
            }
        }
        Ok(seq(out))
    }

    /// The texts of `nodes` as words, pieces that touch (no blank between them) joined:
    /// tree-sitter-bash splits some words (`$x/$y/` as `$x/$` and `y/`).
    fn joined_words(&self, nodes: &[TsNode]) -> Vec<String> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for c in nodes {
            match out.last_mut() {
                Some((_, end)) if *end == c.start_byte() => *end = c.end_byte(),
                _ => out.push((c.start_byte(), c.end_byte())),
            }
        }
        out.into_iter()
            .map(|(s, e)| self.src[s..e].trim_start().to_string())
            .collect()
    }

    fn assign(&self, n: TsNode) -> Result<Assign, ParseError> {
        let t = self.text(n);
        parse_assignment(t).ok_or_else(|| ParseError(format!("bad assignment `{t}'")))
    }

    /// A simple command. tree-sitter-bash sometimes joins lines of assignments and the next
    /// line's command into one (`x=1 y=2⏎echo $x`); a newline between two parts splits
    /// them again, each part remembering its line.
    fn command(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut cmd = Simple {
            line: n.start_position().row + 1,
            ..Simple::default()
        };
        let mut before: Vec<Node> = Vec::new();
        let mut prev_end = n.start_byte();
        // The last word or assignment: whether it is an assignment, where it starts and ends.
        let mut last: Option<(bool, usize, usize)> = None;
        let mut redir_end = usize::MAX;
        // `time ( … )`: tree-sitter-bash has no `time` keyword and files the subshell here.
        let mut timed_subshell = None;
        let mut cursor = n.walk();
        for (i, c) in n.children(&mut cursor).enumerate() {
            let field = n.field_name_for_child(i as u32);
            let gap = &self.src[prev_end.min(c.start_byte())..c.start_byte()];
            prev_end = c.end_byte();
            let wordlike = c.kind() == "variable_assignment"
                || matches!(field, Some("name") | Some("argument"));
            // tree-sitter-bash splits some words in two (`$x/$y/` as `$x/$` and `y/`); a
            // piece that touches the previous word belongs to it.
            if wordlike
                && let Some((assign, start, end)) = last
                && end == c.start_byte()
            {
                let text = &self.src[start..c.end_byte()];
                if assign {
                    cmd.assigns.pop();
                    cmd.assigns.push(
                        parse_assignment(text)
                            .ok_or_else(|| ParseError(format!("bad assignment `{text}'")))?,
                    );
                } else {
                    cmd.words.pop();
                    cmd.words.push(text.to_string());
                }
                last = Some((assign, start, c.end_byte()));
                continue;
            }
            let prev_was_word = last.is_some_and(|(assign, _, _)| !assign);
            last = wordlike.then(|| {
                (
                    c.kind() == "variable_assignment",
                    c.start_byte(),
                    c.end_byte(),
                )
            });
            let started =
                !(cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty());
            if started && c.is_named() && c.kind() != "comment" && newline_in_gap(gap) {
                let next = Simple {
                    line: c.start_position().row + 1,
                    ..Simple::default()
                };
                before.push(Node::Simple(std::mem::replace(&mut cmd, next)));
            }
            match (field, c.kind()) {
                (_, "variable_assignment") => cmd.assigns.push(self.assign(c)?),
                (Some("name"), _) | (Some("argument"), _) => {
                    let w = self.text(c);
                    // A here-string word split in two (`<<< $x/$y/`).
                    if c.start_byte() == redir_end
                        && let Some(Redir {
                            kind: RedirKind::Herestring(h),
                            ..
                        }) = cmd.redirs.last_mut()
                    {
                        h.push_str(w);
                        last = None;
                        continue;
                    }
                    // `a=$x/$y/ b=1`: after a split assignment, the next one is an argument.
                    if cmd.words.is_empty()
                        && !cmd.assigns.is_empty()
                        && let Some(a) = parse_assignment(w)
                    {
                        cmd.assigns.push(a);
                        last = Some((true, c.start_byte(), c.end_byte()));
                        continue;
                    }
                    if self.bracket_alias && w == BRACKET_STAND_IN {
                        cmd.words.push("[".to_string());
                    } else if w.starts_with(']') && w.contains([' ', '\t']) {
                        // tree-sitter-bash reads `] ]` as one word (`[ ] ]`): split at unquoted
                        // blanks, as bash does.
                        cmd.words.extend(split_words(w));
                    } else {
                        cmd.words.push(w.to_string());
                    }
                }
                (Some("redirect"), _) => {
                    let mut new = self.redirect(c)?.0;
                    if gap.is_empty() && prev_was_word {
                        redirs::claim_descriptor(&mut cmd.words, &mut new);
                    }
                    cmd.redirs.extend(new);
                    cmd.words.append(&mut self.spilled);
                    redir_end = c.end_byte();
                }
                (_, "comment") => {}
                (_, "subshell")
                    if timed_subshell.is_none()
                        && cmd.assigns.is_empty()
                        && time_keyword(&cmd.words).is_some_and(|n| n == cmd.words.len()) =>
                {
                    timed_subshell = Some(Node::Subshell(Box::new(self.block(c)?)));
                }
                (_, "subshell") => return Err(unsupported("subshell inside a command")),
                _ if !c.is_named() => {}
                (_, other) => return Err(unsupported(other)),
            }
        }
        // `{` where a command starts is bash's group; tree-sitter-bash reads it as a command
        // name after `!` or `time` (`! { …; }`): refused rather than run as `{`.
        let first = time_keyword(&cmd.words).unwrap_or(0);
        if cmd.words.get(first).is_some_and(|w| w == "{") {
            return Err(unsupported("{ … } after ! or time"));
        }
        if cmd.words.first().is_some_and(|w| w == "coproc") {
            return Err(unsupported("coproc"));
        }
        let node = match timed_subshell {
            // bash applies `time ( … ) 2>x`'s redirections to the report as well.
            Some(sub) => {
                let timed = Node::Timed(Box::new(sub), cmd.words.len() > 1);
                match std::mem::take(&mut cmd.redirs) {
                    r if r.is_empty() => timed,
                    r => Node::Redirected(Box::new(timed), r),
                }
            }
            None => timed(cmd),
        };
        Ok(if before.is_empty() {
            node
        } else {
            before.push(node);
            Node::Seq(before)
        })
    }

    fn list(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut cursor = n.walk();
        let kids: Vec<TsNode> = n.children(&mut cursor).collect();
        let mut acc: Option<Node> = None;
        let mut op = "";
        for c in kids {
            if !c.is_named() {
                op = c.kind();
                continue;
            }
            if c.kind() == "comment" {
                continue;
            }
            let node = self.stmt(c)?;
            acc = Some(match (acc, op) {
                (None, _) => node,
                (Some(a), "||") => Node::Or(Box::new(a), Box::new(node)),
                (Some(a), _) => Node::And(Box::new(a), Box::new(node)),
            });
        }
        acc.ok_or_else(|| ParseError("syntax error: empty list".into()))
    }

    fn pipeline(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut stages = Vec::new();
        let mut cursor = n.walk();
        let kids: Vec<TsNode> = n.children(&mut cursor).collect();
        for c in kids {
            if c.kind() == "|&" {
                if let Some(last) = stages.pop() {
                    stages.push(with_redirs(
                        last,
                        vec![Redir {
                            fd: 2,
                            var: None,
                            kind: RedirKind::Dup("1".into()),
                        }],
                    ));
                }
            } else if c.is_named() && c.kind() != "comment" {
                stages.push(self.stmt(c)?);
            }
        }
        // `time a | b` times the whole pipeline; tree-sitter-bash sees a command `time a`.
        if stages.len() > 1 {
            let timed = match stages.first_mut() {
                Some(Node::Timed(first, posix)) => Some((std::mem::take(&mut **first), *posix)),
                Some(Node::Redirected(inner, r)) => match &mut **inner {
                    Node::Timed(first, posix) => Some((
                        Node::Redirected(Box::new(std::mem::take(&mut **first)), std::mem::take(r)),
                        *posix,
                    )),
                    _ => None,
                },
                _ => None,
            };
            if let Some((first, posix)) = timed {
                stages[0] = first;
                return Ok(Node::Timed(Box::new(self.pipeline_of(stages)), posix));
            }
        }
        Ok(self.pipeline_of(stages))
    }

    /// A pipeline of `stages`; `! a | b` negates the whole pipeline, where tree-sitter-bash
    /// binds the `!` to `a`.
    fn pipeline_of(&self, mut stages: Vec<Node>) -> Node {
        let bang = stages.len() > 1 && matches!(stages.first(), Some(Node::Not(_)));
        if bang && let Node::Not(inner) = stages.remove(0) {
            stages.insert(0, *inner);
        }
        Node::Pipeline(stages, bang)
    }

    fn if_stmt(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut arms = Vec::new();
        let mut else_body = None;
        let (mut cond, mut body) = (Vec::new(), Vec::new());
        let mut in_body = false;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            match c.kind() {
                "then" => in_body = true,
                "elif_clause" => {
                    let (c2, b2) = self.clause(c)?;
                    arms.push((c2, b2));
                }
                "else_clause" => else_body = Some(Box::new(self.block(c)?)),
                _ if c.is_named() && c.kind() != "comment" => {
                    let s = self.stmt(c)?;
                    if in_body { body.push(s) } else { cond.push(s) }
                }
                _ => {}
            }
        }
        arms.insert(0, (seq(cond), seq(body)));
        Ok(Node::If(arms, else_body))
    }

    fn clause(&mut self, n: TsNode) -> Result<(Node, Node), ParseError> {
        let (mut cond, mut body) = (Vec::new(), Vec::new());
        let mut in_body = false;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            if c.kind() == "then" {
                in_body = true;
            } else if c.is_named() && c.kind() != "comment" {
                let s = self.stmt(c)?;
                if in_body { body.push(s) } else { cond.push(s) }
            }
        }
        Ok((seq(cond), seq(body)))
    }

    fn for_stmt(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let select = n.child(0).is_some_and(|c| c.kind() == "select");
        let var = self.text(self.field_node(n, "variable")?).to_string();
        let has_in = n.children(&mut n.walk()).any(|c| c.kind() == "in");
        let words = has_in.then(|| {
            let values: Vec<TsNode> = n.children_by_field_name("value", &mut n.walk()).collect();
            let mut words = self.joined_words(&values);
            words.retain(|w| w != EMPTY_LIST);
            words
        });
        let body = Box::new(self.stmt(self.field_node(n, "body")?)?);
        Ok(if select {
            Node::Select(var, words, body)
        } else {
            Node::For(var, words, body)
        })
    }

    fn c_for(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let t = self.text(n);
        let open = t
            .find("((")
            .ok_or_else(|| unsupported("for (( without (("))?;
        let body_node = self.field_node(n, "body")?;
        let head_end = body_node.start_byte() - n.start_byte();
        let head = &t[open + 2..head_end.min(t.len())];
        let close = head.rfind("))").unwrap_or(head.len());
        let parts: Vec<&str> = head[..close].splitn(3, ';').collect();
        let get = |i: usize| parts.get(i).map_or(String::new(), |s| s.trim().to_string());
        let body = self.stmt(body_node)?;
        Ok(Node::CFor(get(0), get(1), get(2), Box::new(body)))
    }

    fn case_stmt(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let word = self.text(self.field_node(n, "value")?).to_string();
        let mut items = Vec::new();
        let mut cursor = n.walk();
        for item in n.named_children(&mut cursor) {
            if item.kind() != "case_item" {
                continue;
            }
            let mut patterns = Vec::new();
            let mut body = Vec::new();
            let mut term = CaseTerm::Break;
            let mut ic = item.walk();
            for (i, c) in item.children(&mut ic).enumerate() {
                match (item.field_name_for_child(i as u32), c.kind()) {
                    (Some("value"), _) => patterns.push(self.text(c).to_string()),
                    (_, ";&") => term = CaseTerm::FallThrough,
                    (_, ";;&") => term = CaseTerm::Continue,
                    _ if c.is_named() && c.kind() != "comment" => body.push(self.stmt(c)?),
                    _ => {}
                }
            }
            items.push(CaseItem {
                patterns,
                body: seq(body),
                term,
            });
        }
        Ok(Node::Case(word, items))
    }
}

/// Whether the space between two words holds a newline that ends a command (one not
/// escaped by a backslash).
fn newline_in_gap(gap: &str) -> bool {
    let b = gap.as_bytes();
    (0..b.len()).any(|i| b[i] == b'\n' && (i == 0 || b[i - 1] != b'\\'))
}

/// The statements of one line as one item: a group when there are several, so that a
/// script's top-level `Seq` holds exactly one item per line.
fn line_unit(mut v: Vec<Node>) -> Node {
    if v.len() == 1 {
        v.remove(0)
    } else {
        Node::Group(Box::new(Node::Seq(v)))
    }
}

fn seq(mut v: Vec<Node>) -> Node {
    match v.len() {
        0 => Node::Empty,
        1 => v.remove(0),
        _ => Node::Seq(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_shapes() {
        for s in [
            "echo hi | wc -l && echo ok || echo no",
            "for i in 1 2; do echo $i; done > out",
            "cat <<EOF | wc -l\na\nb\nEOF\necho after",
            "f() { local x=1; echo $x; }; f",
            "case $x in a|b) echo 1;; *) echo 2;; esac",
            "[[ -f x && $a == b* ]] || [ -d y ]",
            "for ((i=0; i<3; i++)); do :; done",
            "(( x += 2 )); echo $((x*2))",
        ] {
            parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        }
    }

    #[test]
    fn heredoc_bodies() {
        let n = parse("cat <<EOF\nhi $x\nEOF\ncat <<-'E'\n\tq\n\tE\n").unwrap();
        let Node::Seq(v) = n else { panic!() };
        let Node::Simple(s) = &v[0] else { panic!() };
        assert!(matches!(&s.redirs[0].kind, RedirKind::Heredoc(b, true) if b == "hi $x\n"));
        let Node::Simple(s) = &v[1] else { panic!() };
        assert!(matches!(&s.redirs[0].kind, RedirKind::Heredoc(b, false) if b == "q\n"));
    }

    #[test]
    fn syntax_errors_are_errors() {
        assert!(parse("if true; then").is_err());
        assert!(parse("echo (").is_err());
    }
}
