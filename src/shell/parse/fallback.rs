//! Stand-in spellings for what tree-sitter-bash rejects but bash takes: the parser retries
//! with one of these (same length, so byte ranges still point into the original text, except
//! [`heredoc_tails`], which moves text) and lowers the original words.

use std::rc::Rc;

use super::super::ast::{Node, Simple};

/// The stand-in for `[` used by [`bracket_alias`].
pub(super) const BRACKET_STAND_IN: &str = "\u{1}";

/// `src` with the blank after an empty `for NAME in ;` list spelled as a one-letter word
/// (tree-sitter-bash wants a word there; the original blank lowers to no words at all), or
/// `None` when it has none.
pub(super) fn empty_for_alias(src: &str) -> Option<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::Regex::new(
                r"\b(?:for|select)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+in([ \t])[ \t]*(;|\n)",
            )
            .ok()
        })
        .as_ref()?;
    let mut out = src.as_bytes().to_vec();
    let mut changed = false;
    for c in re.captures_iter(src) {
        if let Some(blank) = c.get(1) {
            out[blank.start()] = b'_';
            changed = true;
        }
    }
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// `src` with each `<>` (open for reading and writing, which tree-sitter-bash rejects) spelled
/// `>|`, which it parses as a redirection of the same shape; the lowering reads the original
/// operator. `None` when there is none.
pub(super) fn rw_alias(src: &str) -> Option<String> {
    src.contains("<>").then(|| src.replace("<>", ">|"))
}

/// The word [`empty_list_alias`] puts in an empty `for`/`select` list; lowering drops it.
pub(super) const EMPTY_LIST: &str = "\u{2}";

/// `src` with [`EMPTY_LIST`] after each `in` that ends a `for`/`select` head with nothing
/// after it (`for x in;`, `for x in⏎do`), which tree-sitter-bash rejects; `None` when there
/// is none. The text is longer: it is lowered as it is.
pub(super) fn empty_list_alias(src: &str) -> Option<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            // Where a command starts: a line's start, after `;`, `&`, `|`, `(`, `{` or a keyword.
            regex::Regex::new(
                r"(?m)((?:^|[;&|({]|\bdo|\bthen|\belse)[ \t]*(?:for|select)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+in)[ \t]*(;|\n)",
            )
            .ok()
        })
        .as_ref()?;
    let out = re.replace_all(src, format!("${{1}} {EMPTY_LIST}${{2}}"));
    (out != src).then(|| out.into_owned())
}

/// `src` with `[ ` at command positions replaced by a one-byte stand-in (offsets unchanged).
pub(super) fn bracket_alias(src: &str) -> String {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(^|[;&|!({\n]\s*|\b(?:then|do|else|if|elif|while|until)\s+)\[(\s)").ok()
    });
    let Some(re) = re else { return src.to_string() };
    re.replace_all(src, format!("${{1}}{BRACKET_STAND_IN}${{2}}"))
        .into_owned()
}

/// `src` with the `(`, `|` and `)` of extended patterns (`@(a|b)` after one of `?*+@!`)
/// replaced by one-byte stand-ins (offsets unchanged), or `None` when it has none.
pub(super) fn extglob_alias(src: &str) -> Option<String> {
    let mut b = src.as_bytes().to_vec();
    let mut changed = false;
    let mut i = 1;
    while i < b.len() {
        let op = b[i - 1];
        let before = if i >= 2 { b[i - 2] } else { b' ' };
        if b[i] == b'(' && matches!(op, b'?' | b'*' | b'+' | b'@' | b'!') && before != b'$' {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\n' => break,
                    _ => {}
                }
                j += 1;
            }
            if j < b.len() && b[j] == b')' {
                for c in &mut b[i..=j] {
                    *c = match *c {
                        b'(' => 2,
                        b')' => 3,
                        b'|' => 4,
                        other => other,
                    };
                }
                changed = true;
                i = j;
            }
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    String::from_utf8(b).ok()
}

/// `src` with the `#` of `N#$name` spelled `+`, the `~` of `${name~}` (case toggle) spelled
/// `^`, `<<<` spelled `<& `, a `;;&` before `esac` spelled `;;` and a bare `==` argument
/// ending a command spelled `_=` (offsets unchanged), or `None` when it has none.
pub(super) fn base_alias(src: &str) -> Option<String> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut changed = false;
    for i in 1..b.len().saturating_sub(1) {
        if b[i] == b'#' && b[i - 1].is_ascii_alphanumeric() && b[i + 1] == b'$' {
            out[i] = b'+';
            changed = true;
        }
        if b[i] == b'~' && (b[i - 1] == b'~' || is_name_end_in_braces(b, i)) {
            out[i] = b'^';
            changed = true;
        }
        // `cmd >f <<<word`: tree-sitter-bash takes a here-string only as a statement's one
        // redirection; spelled `<& word` it parses, and the lowering reads `<<` back.
        if b[i] == b'<' && b[i - 1] == b'<' && i >= 2 && b[i - 2] == b'<' {
            out[i - 1] = b'&';
            out[i] = b' ';
            changed = true;
        }
        // `;;&` ending the last arm of a `case` (tree-sitter-bash wants `;;` there).
        if b[i] == b'&'
            && b[i - 1] == b';'
            && i >= 2
            && b[i - 2] == b';'
            && src[i + 1..].trim_start().starts_with("esac")
        {
            out[i] = b' ';
            changed = true;
        }
    }
    // A bare `==` or `=~` argument just before `;`, `|`, `&` or `)` (`echo ==; …`), which
    // tree-sitter-bash takes for a test operator: spelled `_=` / `_~`.
    for i in 1..b.len().saturating_sub(1) {
        if b[i] == b'='
            && matches!(b[i + 1], b'=' | b'~')
            && matches!(b[i - 1], b' ' | b'\t')
            && src[i + 2..]
                .trim_start_matches([' ', '\t'])
                .chars()
                .next()
                .is_none_or(|c| matches!(c, ';' | '|' | '&' | ')' | '\n'))
        {
            out[i] = b'_';
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

/// `src` with the inside of each `$((…))` blanked and the expansion spelled as a command
/// substitution of the same length (`$((0x$h))` → `$( ____)_`), for arithmetic that
/// tree-sitter-bash's expression grammar rejects (`${zero}11`, `f$x`, `1 + 2.3`); the
/// lowering lexes the original text. `None` when there is no `$((`.
pub(super) fn arith_alias(src: &str) -> Option<String> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i + 2 < b.len() {
        if !b[i..].starts_with(b"$((") {
            i += 1;
            continue;
        }
        // The `))` that closes it: parentheses balanced, quotes skipped.
        let (mut j, mut depth, mut single, mut double) = (i + 3, 2usize, false, false);
        while j < b.len() {
            match b[j] {
                b'\\' if !single => j += 1,
                b'\'' if !double => single = !single,
                b'"' if !single => double = !double,
                b'(' if !single && !double => depth += 1,
                b')' if !single && !double => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        if depth != 0 || b[j - 1] != b')' {
            i += 3;
            continue;
        }
        out[i + 2] = b' ';
        for o in &mut out[i + 3..j - 1] {
            if *o != b'\n' {
                *o = b'_';
            }
        }
        out[j] = b'_';
        changed = true;
        i = j + 1;
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

/// Whether `b[..i]` ends with `${` and a name (or `@`, `*`, a digit, a subscript).
pub(super) fn is_name_end_in_braces(b: &[u8], i: usize) -> bool {
    let mut j = i;
    if j > 0 && b[j - 1] == b']' {
        while j > 0 && b[j - 1] != b'[' {
            j -= 1;
        }
        j = j.saturating_sub(1);
    }
    let end = j;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_') {
        j -= 1;
    }
    if j == end && j > 0 && matches!(b[j - 1], b'@' | b'*') {
        j -= 1;
    }
    j < end && j >= 2 && b[j - 1] == b'{' && b[j - 2] == b'$'
}

/// `src` with each `cmd <<TAG; rest` line split: `cmd <<TAG`, the body, then `rest` on a line
/// of its own (so its own here-documents read the lines after); `None` when no line has that
/// shape.
pub(super) fn heredoc_tails(src: &str) -> Option<String> {
    let mut lines: std::collections::VecDeque<String> = src.split('\n').map(String::from).collect();
    let mut out: Vec<String> = Vec::new();
    let mut changed = false;
    while let Some(line) = lines.pop_front() {
        let tags = super::heredoc::tags(&line);
        let split = if tags.is_empty() {
            None
        } else {
            // The `;` that ends the here-document's own command, not one before it
            // (`while read l; do …; done <<EOF; echo`).
            let first_op = super::heredoc::first_op(&line).unwrap_or(0);
            top_level_semicolon(&line)
                .filter(|&at| at > first_op)
                .or_else(|| top_level_semicolon(&line[first_op..]).map(|at| at + first_op))
        };
        let Some(at) = split else {
            // Bodies of this line's here-documents pass through untouched.
            out.push(line);
            take_bodies(&tags, &mut lines, &mut out);
            continue;
        };
        changed = true;
        let (head, tail) = (line[..at].to_string(), line[at + 1..].to_string());
        let head_tags = super::heredoc::tags(&head);
        out.push(head);
        take_bodies(&head_tags, &mut lines, &mut out);
        lines.push_front(tail);
    }
    changed.then(|| out.join("\n"))
}

/// `src` with the blank after a command-position assignment that a redirection follows
/// (`x=1 >f`) spelled `;` (offsets unchanged), or `None` when there is none.
pub(super) fn assign_redirect_alias(src: &str) -> Option<String> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        // A command position: start, after a separator, or after a keyword that opens one.
        let at_start = {
            let before = src[..i].trim_end_matches([' ', '\t']);
            before.is_empty()
                || before.ends_with([';', '&', '|', '(', '{', '\n', '!'])
                || ["then", "do", "else"].iter().any(|k| {
                    before.ends_with(k)
                        && !before[..before.len() - k.len()]
                            .ends_with(|c: char| c.is_alphanumeric() || c == '_')
                })
        };
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let is_assign = at_start
            && name_len > 0
            && !b[i].is_ascii_digit()
            && (b.get(i + name_len) == Some(&b'=')
                || (b.get(i + name_len) == Some(&b'+') && b.get(i + name_len + 1) == Some(&b'=')));
        if !is_assign {
            i += 1;
            continue;
        }
        // The end of the word: quotes and substitutions kept whole.
        let mut j = i + name_len;
        let (mut single, mut double, mut depth) = (false, false, 0usize);
        while j < b.len() {
            match b[j] {
                b'\\' if !single => j += 1,
                b'\'' if !double => single = !single,
                b'"' if !single => double = !double,
                b'(' | b'{' if !single => depth += 1,
                b')' | b'}' if !single && depth > 0 => depth -= 1,
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' if !single && !double && depth == 0 => {
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let rest = &src[j.min(src.len())..];
        let after = rest.trim_start_matches([' ', '\t']);
        let redirect = after
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['<', '>'])
            || after.starts_with("&>");
        if j < b.len() && matches!(b[j], b' ' | b'\t') && redirect && !after.starts_with("<<") {
            out[j] = b';';
            changed = true;
        }
        i = j.max(i + 1);
    }
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// Undoes [`assign_redirect_alias`] in the lowered tree: an assignment-only command followed
/// by a redirection-only one (first in its `&&`/`||`/pipeline) become one command again, so
/// `x=$(cmd) 2>/dev/null` keeps `cmd`'s status and `x=1 2>/dev/null || …` its meaning.
pub(super) fn join_assign_redirects(node: Node) -> Node {
    /// The first simple command of `n` when it has redirections and nothing else.
    fn lead_redirect(n: &mut Node) -> Option<&mut Simple> {
        match n {
            Node::Simple(s)
                if s.words.is_empty() && s.assigns.is_empty() && !s.redirs.is_empty() =>
            {
                Some(s)
            }
            Node::And(a, _) | Node::Or(a, _) => lead_redirect(a),
            Node::Pipeline(parts, _) => parts.first_mut().and_then(lead_redirect),
            _ => None,
        }
    }
    match node {
        Node::Seq(items) => {
            let mut out: Vec<Node> = Vec::new();
            for item in items.into_iter().map(join_assign_redirects) {
                let mut item = item;
                let joins = matches!(out.last(), Some(Node::Simple(prev))
                    if prev.words.is_empty() && prev.redirs.is_empty() && !prev.assigns.is_empty());
                if joins
                    && let Some(target) = lead_redirect(&mut item)
                    && let Some(Node::Simple(prev)) = out.pop()
                {
                    target.assigns = prev.assigns;
                    target.line = prev.line;
                }
                out.push(item);
            }
            Node::Seq(out)
        }
        Node::Function(name, body) => Node::Function(
            name,
            Rc::new(join_assign_redirects(Rc::unwrap_or_clone(body))),
        ),
        Node::Group(b) => Node::Group(Box::new(join_assign_redirects(*b))),
        Node::Subshell(b) => Node::Subshell(Box::new(join_assign_redirects(*b))),
        Node::If(arms, els) => Node::If(
            arms.into_iter()
                .map(|(c, b)| (join_assign_redirects(c), join_assign_redirects(b)))
                .collect(),
            els.map(|e| Box::new(join_assign_redirects(*e))),
        ),
        Node::While(c, b, u) => Node::While(
            Box::new(join_assign_redirects(*c)),
            Box::new(join_assign_redirects(*b)),
            u,
        ),
        Node::For(v, w, b) => Node::For(v, w, Box::new(join_assign_redirects(*b))),
        Node::Select(v, w, b) => Node::Select(v, w, Box::new(join_assign_redirects(*b))),
        Node::CFor(a, b, c, body) => Node::CFor(a, b, c, Box::new(join_assign_redirects(*body))),
        Node::Redirected(b, r) => Node::Redirected(Box::new(join_assign_redirects(*b)), r),
        other => other,
    }
}

/// Moves the bodies of here-documents `tags` (each up to its delimiter line) from `lines`
/// to `out`.
pub(super) fn take_bodies(
    tags: &[(String, bool)],
    lines: &mut std::collections::VecDeque<String>,
    out: &mut Vec<String>,
) {
    for (tag, strip) in tags {
        while let Some(l) = lines.pop_front() {
            let done = (if *strip {
                l.trim_start_matches('\t')
            } else {
                &l
            }) == tag;
            out.push(l);
            if done {
                break;
            }
        }
    }
}

/// Byte offset of the first `;` of `line` outside quotes, substitutions and `;;`.
pub(super) fn top_level_semicolon(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let (mut i, mut single, mut double, mut depth) = (0, false, false, 0usize);
    while i < b.len() {
        match b[i] {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'(' | b'{' if !single => depth += 1,
            b')' | b'}' if !single => depth = depth.saturating_sub(1),
            b';' if !single && !double && depth == 0 => {
                if b.get(i + 1) == Some(&b';') {
                    return None;
                }
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}
