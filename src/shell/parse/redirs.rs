//! Lowering of redirections: file targets (one word, even when tree-sitter-bash splits it;
//! further words are the command's arguments), descriptors (`{name}>`), here-strings and
//! here-documents (bodies read from the source after the operator's line), and the pipeline
//! or list that may follow a here-document's tag on its line.

use std::rc::Rc;

use tree_sitter::Node as TsNode;

use super::super::ast::*;
use super::{Lower, ParseError, heredoc, unsupported};

impl Lower<'_> {
    pub(super) fn redirected(&mut self, n: TsNode) -> Result<Node, ParseError> {
        let mut redirs = Vec::new();
        let mut tail = Vec::new();
        let mut body = None;
        // Where the body ends, and whether the first redirection touches it (`exec {fd}>f`).
        let mut body_end = None;
        let mut named_fd = false;
        let mut prev_end = None;
        let mut cursor = n.walk();
        for (i, c) in n.children(&mut cursor).enumerate() {
            match n.field_name_for_child(i as u32) {
                Some("body") => {
                    body = Some(self.stmt(c)?);
                    body_end = Some(c.end_byte());
                }
                _ if c.kind().ends_with("redirect") => {
                    if let Some(from) = prev_end {
                        self.recover_dropped_words(from, c.start_byte());
                    }
                    named_fd |= redirs.is_empty() && body_end == Some(c.start_byte());
                    let (r, t) = self.redirect(c)?;
                    redirs.extend(r);
                    tail.extend(t);
                }
                _ => {}
            }
            prev_end = Some(c.end_byte());
        }
        let mut body = body.unwrap_or(Node::Simple(Simple::default()));
        // tree-sitter-bash files the redirections after the last command of a pipeline or an
        // `&&`/`||` list as the whole statement's (`mkdir d && echo x >d/f`); in bash they
        // are that command's.
        let leaf = last_command(&mut body);
        if named_fd && let Node::Simple(s) = leaf {
            claim_descriptor(&mut s.words, &mut redirs);
        }
        if !self.spilled.is_empty() {
            match &mut *leaf {
                Node::Simple(s) => s.words.append(&mut self.spilled),
                _ => {
                    let word = self.spilled.remove(0);
                    self.spilled.clear();
                    return Err(ParseError(format!(
                        "syntax error near unexpected token `{word}'"
                    )));
                }
            }
        }
        *leaf = with_redirs(std::mem::take(leaf), redirs);
        let mut node = body;
        for t in tail {
            node = match t {
                Tail::Pipe(stages) => {
                    let mut all = vec![node];
                    all.extend(stages);
                    Node::Pipeline(all, false)
                }
                Tail::And(r) => Node::And(Box::new(node), Box::new(r)),
                Tail::Or(r) => Node::Or(Box::new(r), Box::new(node)),
            };
        }
        Ok(node)
    }

    /// Words between a command and its redirection that tree-sitter-bash leaves out of every
    /// node: a lone `-` before `2>f` (`tar tf - 2>/dev/null`) parses as nothing at all. They
    /// are the command's arguments, as in bash.
    fn recover_dropped_words(&mut self, from: usize, to: usize) {
        let Some(gap) = self.src.get(from..to) else {
            return;
        };
        let gap = gap.replace("\\\n", " ");
        self.spilled
            .extend(gap.split_whitespace().map(str::to_string));
    }

    pub(super) fn redirect(&mut self, n: TsNode) -> Result<(Vec<Redir>, Vec<Tail>), ParseError> {
        let fd = n
            .child_by_field_name("descriptor")
            .and_then(|d| self.text(d).parse::<u32>().ok());
        match n.kind() {
            "file_redirect" => {
                let mut op = "";
                let mut start = 0;
                let mut dests = Vec::new();
                let mut cursor = n.walk();
                for (i, c) in n.children(&mut cursor).enumerate() {
                    if n.field_name_for_child(i as u32) == Some("destination") {
                        dests.push(c);
                    } else if !c.is_named() {
                        op = c.kind();
                        start = c.start_byte();
                    }
                }
                // The target is the first word (joined when tree-sitter-bash splits it,
                // `>$d/$f/x`); any further ones are the command's arguments.
                let mut words = self.joined_words(&dests).into_iter();
                let dest = words.next().unwrap_or_default();
                self.spilled.extend(words);
                let (fd0, kind) = match op {
                    "<" => (0, RedirKind::In(dest)),
                    ">" => (1, RedirKind::Out(dest)),
                    // `<>` reaches tree-sitter-bash spelled `>|` (see `rw_alias`).
                    ">|" if self.src.get(start..start + 2) == Some("<>") => {
                        (0, RedirKind::ReadWrite(dest))
                    }
                    ">|" => (1, RedirKind::Clobber(dest)),
                    ">>" => (1, RedirKind::Append(dest)),
                    "&>" => (1, RedirKind::Both(dest, false)),
                    "&>>" => (1, RedirKind::Both(dest, true)),
                    ">&" => (1, RedirKind::Dup(dest)),
                    // A here-string parsed through `base_alias`.
                    "<&" if self.src.get(start..start + 3) == Some("<<<") => {
                        (0, self.herestring(dest))
                    }
                    "<&" => (0, RedirKind::Dup(dest)),
                    ">&-" => (1, RedirKind::Dup("-".into())),
                    "<&-" => (0, RedirKind::Dup("-".into())),
                    "<>" => (0, RedirKind::ReadWrite(dest)),
                    other => return Err(unsupported(&format!("redirection {other}"))),
                };
                // `>&file` with a non-numeric target means `&>file`.
                let kind = match kind {
                    RedirKind::Dup(d)
                        if fd.is_none()
                            && op == ">&"
                            && d != "-"
                            && d.parse::<u32>().is_err()
                            && !d.contains(['$', '`']) =>
                    {
                        RedirKind::Both(d, false)
                    }
                    k => k,
                };
                Ok((
                    vec![Redir {
                        fd: fd.unwrap_or(fd0),
                        var: None,
                        kind,
                    }],
                    vec![],
                ))
            }
            "herestring_redirect" => {
                let word = n
                    .named_children(&mut n.walk())
                    .find(|c| c.kind() != "file_descriptor")
                    .map(|c| self.text(c).to_string())
                    .unwrap_or_default();
                let kind = self.herestring(word);
                Ok((
                    vec![Redir {
                        fd: fd.unwrap_or(0),
                        var: None,
                        kind,
                    }],
                    vec![],
                ))
            }
            "heredoc_redirect" => self.heredoc(n, fd),
            other => Err(unsupported(other)),
        }
    }

    /// `<<< word`, or the here-document a stand-in word of [`heredoc::stash`] stands for.
    fn herestring(&self, word: String) -> RedirKind {
        match word
            .strip_prefix(heredoc::STAND_IN)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.stashed.get(n))
        {
            Some((body, expand)) => RedirKind::Heredoc(body.clone(), *expand),
            None => RedirKind::Herestring(word),
        }
    }

    fn heredoc(
        &mut self,
        n: TsNode,
        fd: Option<u32>,
    ) -> Result<(Vec<Redir>, Vec<Tail>), ParseError> {
        let mut strip = false;
        let mut start = None;
        let mut end = None;
        let mut tail = Vec::new();
        let mut redirs = Vec::new();
        let mut op_and = true;
        let mut cursor = n.walk();
        for (i, c) in n.children(&mut cursor).enumerate() {
            match (n.field_name_for_child(i as u32), c.kind()) {
                (_, "<<-") => strip = true,
                (_, "heredoc_start") => start = Some(c),
                (_, "heredoc_end") => end = Some(c),
                (Some("operator"), k) => op_and = k == "&&",
                (Some("right"), _) => {
                    let r = self.stmt(c)?;
                    tail.push(if op_and { Tail::And(r) } else { Tail::Or(r) });
                }
                (Some("redirect"), _) => redirs.extend(self.redirect(c)?.0),
                // `cat <<EOF file`: words after the tag are the command's arguments.
                (Some("argument"), _) => self.spilled.push(self.text(c).to_string()),
                (_, "pipeline") => {
                    let mut stages = Vec::new();
                    let mut cc = c.walk();
                    for s in c.named_children(&mut cc) {
                        stages.push(self.stmt(s)?);
                    }
                    tail.push(Tail::Pipe(stages));
                }
                _ => {}
            }
        }
        let start =
            start.ok_or_else(|| ParseError("syntax error: here-document without a tag".into()))?;
        let tag_raw = self.text(start);
        let expand = !tag_raw.contains(['\'', '"', '\\']);
        let src = self.src;
        let line_end = src[start.end_byte()..]
            .find('\n')
            .map_or(src.len(), |p| start.end_byte() + p + 1);
        let body_start = line_end.max(self.heredoc_end).min(src.len());
        let body_end = match end {
            Some(e) => src[..e.start_byte()]
                .rfind('\n')
                .map_or(e.start_byte(), |p| p + 1),
            None => src.len(),
        }
        .max(body_start);
        self.heredoc_end = end.map_or(src.len(), |e| {
            src[e.end_byte()..]
                .find('\n')
                .map_or(src.len(), |p| e.end_byte() + p + 1)
        });
        let mut body = src[body_start..body_end].to_string();
        if strip {
            body = body
                .split_inclusive('\n')
                .map(|l| l.trim_start_matches('\t'))
                .collect();
        }
        let mut all = vec![Redir {
            fd: fd.unwrap_or(0),
            var: None,
            kind: RedirKind::Heredoc(body, expand),
        }];
        all.extend(redirs);
        Ok((all, tail))
    }
}

/// What follows a here-document's tag on its line (`cat <<EOF | wc -l`).
pub(super) enum Tail {
    Pipe(Vec<Node>),
    And(Node),
    Or(Node),
}

/// The word just before a redirection's operator, touching it, names its descriptor:
/// a number (`cat 0<<EOF`) or `{name}` (`exec {fd}>f`: a free descriptor from 10, stored in
/// `name`). tree-sitter-bash files that word as the command's last argument.
pub(super) fn claim_descriptor(words: &mut Vec<String>, redirs: &mut [Redir]) {
    let (Some(word), Some(first)) = (words.last(), redirs.first_mut()) else {
        return;
    };
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(fd) = word.parse::<u32>() {
            first.fd = fd;
            words.pop();
        }
    } else if let Some(name) = word
        .strip_prefix('{')
        .and_then(|w| w.strip_suffix('}'))
        .filter(|v| super::super::lex::is_name(v))
    {
        first.var = Some(name.to_string());
        words.pop();
    }
}

/// The last command of a pipeline or an `&&`/`||` list (through `!` and `time`), or the
/// node itself.
fn last_command(node: &mut Node) -> &mut Node {
    let descend = match &*node {
        Node::Pipeline(stages, _) => !stages.is_empty(),
        Node::And(..) | Node::Or(..) | Node::Not(_) => true,
        Node::Timed(x, _) => !matches!(**x, Node::Subshell(_)),
        _ => false,
    };
    if !descend {
        return node;
    }
    match node {
        Node::Pipeline(stages, _) => {
            let last = stages.len() - 1;
            last_command(&mut stages[last])
        }
        Node::And(_, r) | Node::Or(_, r) => last_command(r),
        Node::Not(x) | Node::Timed(x, _) => last_command(x),
        other => other,
    }
}

pub(super) fn with_redirs(node: Node, redirs: Vec<Redir>) -> Node {
    if redirs.is_empty() {
        return node;
    }
    match node {
        Node::Simple(mut s) => {
            s.redirs.extend(redirs);
            Node::Simple(s)
        }
        Node::Redirected(inner, mut first) => {
            first.extend(redirs);
            Node::Redirected(inner, first)
        }
        // `f() { …; } 2>&1 >log`: tree-sitter keeps the first redirection in the definition
        // and wraps it for the others; all of them apply each time the function runs.
        Node::Function(name, body) => {
            let body = Rc::unwrap_or_clone(body);
            Node::Function(name, Rc::new(with_redirs(body, redirs)))
        }
        // `time cmd 2>x`: the redirections are the command's, the report goes to the shell's
        // stderr; bash applies those of `time ( … ) 2>x` to the report as well.
        Node::Timed(inner, posix) if !matches!(*inner, Node::Subshell(_)) => {
            Node::Timed(Box::new(with_redirs(*inner, redirs)), posix)
        }
        other => Node::Redirected(Box::new(other), redirs),
    }
}
