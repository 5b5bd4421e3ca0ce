//! Lines tree-sitter-bash joins into one command.
//!
//! After a pipeline of three or more commands, tree-sitter-bash reads a following line that
//! ends in a redirection as more words of the pipeline's last command, and files that
//! redirection as the whole pipeline's (`a | b | c⏎d >x` becomes `a | (b | c d) >x`). In bash
//! an unescaped newline always ends a simple command, so the parser retries with a `;` put
//! where each such line ends.

use tree_sitter::Node as TsNode;

use super::newline_in_gap;

/// Byte offsets in `src` where a `;` ends a command that tree-sitter-bash continued onto the
/// next line (right after its last word, before any comment); empty when none.
pub(super) fn joined_lines(root: TsNode, src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        // Only a node that spans lines can hold a command continued onto the next one.
        if n.start_position().row == n.end_position().row {
            continue;
        }
        if n.kind() == "command" {
            // The end of the last child that is not a comment: the `;` goes right after it.
            let mut last_end = None;
            for (i, c) in n.children(&mut n.walk()).enumerate() {
                if c.kind() == "comment" {
                    continue;
                }
                let field = n.field_name_for_child(i as u32);
                let wordlike = c.kind() == "variable_assignment"
                    || matches!(field, Some("name") | Some("argument"));
                if let Some(end) = last_end
                    && wordlike
                    && newline_in_gap(&src[end..c.start_byte().max(end)])
                {
                    out.push(end);
                }
                last_end = Some(c.end_byte());
            }
        }
        stack.extend(n.children(&mut n.walk()));
    }
    out.sort_unstable();
    out
}

/// `src` with `;` inserted at each of `at` (ascending offsets).
pub(super) fn with_semicolons(src: &str, at: &[usize]) -> String {
    let mut out = String::with_capacity(src.len() + at.len());
    let mut from = 0;
    for &i in at {
        out.push_str(&src[from..i]);
        out.push(';');
        from = i;
    }
    out.push_str(&src[from..]);
    out
}
