//! The last parse fallback, for here-documents tree-sitter-bash cannot place: two on one
//! line (`cat <<A && cat <<B`), one before its command (`<<EOF cat`), one whose pipeline
//! continues after the body (`cat <<EOF |` … `EOF` `tac`). Each `<<TAG` is rewritten as a
//! here-string of a stand-in word and its body taken out of the text; lowering turns the
//! stand-in back into the here-document (see `Lower::herestring`).

use std::collections::VecDeque;

/// The stand-in word for body `n` is this prefix followed by `n`.
pub(super) const STAND_IN: &str = "__mirage_heredoc_";

/// One `<<TAG` / `<<-TAG` operator on a line.
struct Op {
    /// Byte range of the operator and its tag.
    start: usize,
    end: usize,
    /// The delimiter, quotes removed.
    tag: String,
    /// `<<-`: leading tabs are stripped from the body and the delimiter line.
    strip: bool,
    /// The tag was quoted: the body is not expanded.
    quoted: bool,
}

/// The here-document operators of `line`, outside quotes and arithmetic (`$((1 << 2))`);
/// with `top_level`, none inside a substitution (whose text is parsed again when it runs,
/// without the stash).
fn ops(line: &str, top_level: bool) -> Vec<Op> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut single, mut double) = (0, false, false);
    // Open parentheses: `true` for arithmetic `((`, where `<<` is a shift.
    let mut parens: Vec<bool> = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'(' if !single && !double => {
                let arith = b.get(i + 1) == Some(&b'(');
                parens.push(arith);
                if arith {
                    i += 1;
                }
            }
            // `))` closes an arithmetic `((`.
            b')' if !single && !double && parens.pop() == Some(true) => i += 1,
            b'<' if !single && !double && b[i..].starts_with(b"<<<") => i += 2,
            b'`' if !single && top_level => return Vec::new(),
            b'<' if !single
                && !double
                && b.get(i + 1) == Some(&b'<')
                && parens.last() != Some(&true)
                && (parens.is_empty() || !top_level) =>
            {
                let start = i;
                i += 2;
                let strip = b.get(i) == Some(&b'-');
                if strip {
                    i += 1;
                }
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
                let tag_start = i;
                let (mut sq, mut dq) = (false, false);
                while i < b.len() && (sq || dq || !b" \t;&|<>()".contains(&b[i])) {
                    match b[i] {
                        b'\'' if !dq => sq = !sq,
                        b'"' if !sq => dq = !dq,
                        b'\\' if !sq => i += 1,
                        _ => {}
                    }
                    i += 1;
                }
                let i_end = i.min(b.len());
                let raw = &line[tag_start..i_end];
                let tag: String = raw
                    .chars()
                    .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                    .collect();
                if !tag.is_empty() {
                    out.push(Op {
                        start,
                        end: i_end,
                        tag,
                        strip,
                        quoted: raw.contains(['\'', '"', '\\']),
                    });
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether a line holding a here-document ends with `|`, `&&` or `||`, its command going on
/// after the body (`cat <<EOF |` … `EOF` `tac`): tree-sitter-bash then takes the body's first
/// line for the next command, so such scripts are parsed with the stash first.
pub(super) fn continues_after_body(src: &str) -> bool {
    src.lines().any(|line| {
        let t = line.trim_end();
        (t.ends_with('|') || t.ends_with("&&")) && !ops(line, true).is_empty()
    })
}

/// Byte offset of the first here-document operator of `line`.
pub(super) fn first_op(line: &str) -> Option<usize> {
    ops(line, false).first().map(|o| o.start)
}

/// The here-document delimiters started on `line`: (tag, `<<-`).
pub(super) fn tags(line: &str) -> Vec<(String, bool)> {
    ops(line, false)
        .into_iter()
        .map(|o| (o.tag, o.strip))
        .collect()
}

/// `src` with every here-document replaced by a stand-in here-string, and the bodies (tabs
/// stripped for `<<-`) with whether each is expanded; `None` when `src` has none.
pub(super) fn stash(src: &str) -> Option<(String, Vec<(String, bool)>)> {
    let mut lines: VecDeque<&str> = src.split('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut bodies = Vec::new();
    while let Some(line) = lines.pop_front() {
        let found = ops(line, true);
        if found.is_empty() {
            out.push(line.to_string());
            continue;
        }
        let mut rewritten = String::new();
        let mut last = 0;
        for op in &found {
            rewritten.push_str(&line[last..op.start]);
            rewritten.push_str(&format!("<<<{STAND_IN}{}", bodies.len()));
            last = op.end;
            let mut body = String::new();
            while let Some(l) = lines.pop_front() {
                let l = if op.strip {
                    l.trim_start_matches('\t')
                } else {
                    l
                };
                if l == op.tag {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            bodies.push((body, !op.quoted));
        }
        rewritten.push_str(&line[last..]);
        out.push(rewritten);
    }
    (!bodies.is_empty()).then(|| (out.join("\n"), bodies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_bodies_on_one_line_are_taken_in_order() {
        let (text, bodies) = stash("cat <<A && cat <<-'B'\n1\nA\n\t2\n\tB\necho x").unwrap();
        assert_eq!(
            text,
            format!("cat <<<{STAND_IN}0 && cat <<<{STAND_IN}1\necho x")
        );
        assert_eq!(
            bodies,
            vec![("1\n".to_string(), true), ("2\n".to_string(), false)]
        );
    }

    #[test]
    fn shifts_and_here_strings_are_not_here_documents() {
        assert!(stash("echo $((1 << 2)) <<< x").is_none());
        assert!(stash("echo '<<A'").is_none());
    }
}
