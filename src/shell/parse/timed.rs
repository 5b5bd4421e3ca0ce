//! The `time` keyword, which tree-sitter-bash reads as a command named `time`: `time [-p]
//! [!] command` becomes a timed node (the parser hoists it over a whole pipeline).

use crate::shell::ast::{Node, Simple};

/// How many leading words make the `time` keyword (`time`, `time -p`), if they do.
pub(super) fn time_keyword(words: &[String]) -> Option<usize> {
    match words {
        [t, p, ..] if t == "time" && p == "-p" => Some(2),
        [t, ..] if t == "time" => Some(1),
        _ => None,
    }
}

/// A simple command, or `time [-p] command` as a timed one.
pub(super) fn timed(mut cmd: Simple) -> Node {
    match time_keyword(&cmd.words) {
        Some(n) if cmd.assigns.is_empty() => {
            cmd.words.drain(..n);
            let posix = n == 2;
            let bang = cmd.words.first().is_some_and(|w| w == "!");
            if bang {
                cmd.words.remove(0);
            }
            let inner = if cmd.words.is_empty() && cmd.redirs.is_empty() {
                Node::Empty
            } else {
                Node::Simple(cmd)
            };
            let inner = if bang {
                Node::Not(Box::new(inner))
            } else {
                inner
            };
            Node::Timed(Box::new(inner), posix)
        }
        _ => Node::Simple(cmd),
    }
}
