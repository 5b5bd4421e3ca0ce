//! Raw word text → parts. Quoting rules live here: single quotes, double quotes, `$'…'`,
//! backslashes, `$…`, `${…}`, `$(…)`, `` `…` ``, `$((…))` and a leading `~`. Also splits raw text
//! into words (array literals, `[ … ]`) and recognises assignments.

use super::ast::{Assign, AssignValue};

/// A piece of a word, before expansion.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Unquoted literal text (subject to globbing).
    Lit(String),
    /// Quoted literal text (never split or globbed).
    Quoted(String),
    /// `"…"`: its parts are expanded but not split or globbed.
    Double(Vec<Part>),
    /// `$name` or `${…}`: the text inside the braces.
    Param(String),
    /// `$(…)` or backticks: the script.
    Command(String),
    /// `$((…))`: the expression.
    Arith(String),
    /// `~` or `~user` at the start of a word.
    Tilde(String),
    /// `<(…)`: the script whose output is read as a file.
    ProcSub(String),
    /// `>(script)`: a process substitution written to.
    ProcSubOut(String),
}

/// Index just past the construct that starts at `i` with `open` (for `$(`: after the `(`),
/// honouring nesting and quotes. Returns `s.len()` when unterminated.
fn skip_nested(s: &[u8], mut i: usize, open: u8, close: u8) -> usize {
    let mut depth = 1;
    // Depths at which a `case` is open: there an unmatched `)` ends a pattern
    // (`$(case $x in a) echo;; esac)`), not the substitution.
    let mut cases: Vec<usize> = Vec::new();
    while i < s.len() {
        if open == b'(' && (i == 0 || b" \t\n;(|&".contains(&s[i - 1])) {
            let word_end = |w: &[u8]| {
                s[i..].starts_with(w) && s.get(i + w.len()).is_none_or(|c| b" \t\n;)|&".contains(c))
            };
            if word_end(b"case") {
                cases.push(depth);
            } else if word_end(b"esac") && cases.last() == Some(&depth) {
                cases.pop();
            }
        }
        match s[i] {
            b'\\' => i += 1,
            b'\'' if open != b'{' || depth > 0 => {
                i += 1;
                while i < s.len() && s[i] != b'\'' {
                    i += 1;
                }
            }
            b'"' => i = skip_double(s, i + 1),
            b'`' => {
                i += 1;
                while i < s.len() && s[i] != b'`' {
                    if s[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            c if c == open => depth += 1,
            c if c == close && cases.last() == Some(&depth) => {}
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// Index of the closing `"` of a double-quoted string whose body starts at `i`.
fn skip_double(s: &[u8], mut i: usize) -> usize {
    while i < s.len() {
        match s[i] {
            b'\\' => i += 1,
            b'"' => return i,
            b'$' if s.get(i + 1) == Some(&b'(') => {
                i = skip_nested(s, i + 2, b'(', b')');
                continue;
            }
            b'$' if s.get(i + 1) == Some(&b'{') => {
                i = skip_nested(s, i + 2, b'{', b'}');
                continue;
            }
            b'`' => {
                i += 1;
                while i < s.len() && s[i] != b'`' {
                    if s[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// Splits raw text into words at unquoted blanks and newlines.
pub fn split_words(text: &str) -> Vec<String> {
    let s = text.as_bytes();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if matches!(c, b' ' | b'\t' | b'\n') {
            if let Some(st) = start.take() {
                words.push(text[st..i].to_string());
            }
            i += 1;
            continue;
        }
        if c == b'#' && start.is_none() {
            while i < s.len() && s[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        start.get_or_insert(i);
        i = match c {
            b'\\' => i + 2,
            b'\'' => {
                let mut j = i + 1;
                while j < s.len() && s[j] != b'\'' {
                    j += 1;
                }
                j + 1
            }
            b'"' => skip_double(s, i + 1) + 1,
            b'$' if s.get(i + 1) == Some(&b'(') => skip_nested(s, i + 2, b'(', b')'),
            b'$' if s.get(i + 1) == Some(&b'{') => skip_nested(s, i + 2, b'{', b'}'),
            b'$' if s.get(i + 1) == Some(&b'[') => skip_nested(s, i + 2, b'[', b']'),
            b'`' => {
                let mut j = i + 1;
                while j < s.len() && s[j] != b'`' {
                    if s[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                j + 1
            }
            // `name=(a b)`: an array literal is one word; so is `<(…)`.
            b'(' if i > 0 && (s[i - 1] == b'=' || s[i - 1] == b'<') => {
                skip_nested(s, i + 1, b'(', b')')
            }
            _ => i + 1,
        }
        .min(s.len());
    }
    if let Some(st) = start {
        words.push(text[st..].to_string());
    }
    words
}

/// True for a valid shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Recognises `name=v`, `name+=v`, `name[i]=v`, `name=(a b)`.
pub fn parse_assignment(text: &str) -> Option<Assign> {
    // The first `=` outside a subscript (`a[x=1]=v`).
    let mut depth = 0usize;
    let eq = text.bytes().position(|b| {
        match b {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        b == b'=' && depth == 0
    })?;
    let (mut lhs, value) = (&text[..eq], &text[eq + 1..]);
    let append = lhs.ends_with('+');
    if append {
        lhs = &lhs[..lhs.len() - 1];
    }
    let (name, index) = match lhs.find('[') {
        Some(b) if lhs.ends_with(']') => (&lhs[..b], Some(lhs[b + 1..lhs.len() - 1].to_string())),
        _ => (lhs, None),
    };
    if !is_name(name) {
        return None;
    }
    let value = if index.is_none() && value.starts_with('(') && value.ends_with(')') {
        AssignValue::Array(split_words(&value[1..value.len() - 1]))
    } else {
        AssignValue::Scalar(value.to_string())
    };
    Some(Assign {
        name: name.to_string(),
        index,
        append,
        value,
    })
}

/// Which backslash escapes a decoder accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// `$'…'`: `\NNN` octal, `\'`, `\"`; `\x` without digits is NUL.
    AnsiC,
    /// `echo -e` and `printf %b`: `\0NNN` octal, `\c` stops output; `\x` without digits stays.
    Echo,
}

/// Decodes backslash escapes; `true` when `\c` stopped the output (echo dialect only).
pub fn decode_escapes(s: &str, dialect: Escapes) -> (String, bool) {
    let echo = dialect == Escapes::Echo;
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let next = it.next();
        match next {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some(q @ ('\'' | '"')) if !echo => out.push(q),
            Some('c') if echo => return (out, true),
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && it.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    v = v * 16 + it.next().and_then(|c| c.to_digit(16)).unwrap_or(0);
                    n += 1;
                }
                if n == 0 && echo {
                    out.push_str("\\x");
                } else {
                    out.push(super::raw::byte_char(v as u8));
                }
            }
            // `\uHHHH`, `\UHHHHHHHH`: a Unicode character.
            Some(u @ ('u' | 'U')) => {
                let max = if u == 'u' { 4 } else { 8 };
                let mut v = 0u32;
                let mut n = 0;
                while n < max && it.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    v = v * 16 + it.next().and_then(|c| c.to_digit(16)).unwrap_or(0);
                    n += 1;
                }
                match char::from_u32(v).filter(|_| n > 0) {
                    Some(c) => out.push(c),
                    None => {
                        out.push('\\');
                        out.push(u);
                    }
                }
            }
            // Octal: `\0NNN` for echo, `\N`, `\NN`, `\NNN` for `$'…'`.
            Some(d @ '0'..='7') if !echo || d == '0' => {
                let (mut v, mut n, max) = if echo {
                    (0, 0, 3)
                } else {
                    (d.to_digit(8).unwrap_or(0), 1, 3)
                };
                while n < max && it.peek().is_some_and(|c| ('0'..='7').contains(c)) {
                    v = v * 8 + it.next().and_then(|c| c.to_digit(8)).unwrap_or(0);
                    n += 1;
                }
                out.push(super::raw::byte_char((v & 0xff) as u8));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

/// Decodes the body of `$'…'`.
pub fn ansi_c(body: &str) -> String {
    decode_escapes(body, Escapes::AnsiC).0
}

/// Length of a `$…` construct starting at `s[i] == '$'`, and its part; `None` for a lone `$`.
fn dollar(text: &str, i: usize) -> Option<(usize, Part)> {
    let s = text.as_bytes();
    match s.get(i + 1)? {
        b'(' if s.get(i + 2) == Some(&b'(') => {
            let end = skip_nested(s, i + 3, b'(', b')');
            if s.get(end) == Some(&b')') {
                Some((end + 1 - i, Part::Arith(text[i + 3..end - 1].to_string())))
            } else {
                let end = skip_nested(s, i + 2, b'(', b')');
                let inner = text[i + 2..end.saturating_sub(1).max(i + 2)].to_string();
                Some((end - i, Part::Command(inner)))
            }
        }
        b'(' => {
            let end = skip_nested(s, i + 2, b'(', b')');
            Some((
                end - i,
                Part::Command(text[i + 2..end.saturating_sub(1).max(i + 2)].to_string()),
            ))
        }
        // `$[expr]`: bash's old spelling of `$((expr))`.
        b'[' => {
            let end = skip_nested(s, i + 2, b'[', b']');
            (s.get(end - 1) == Some(&b']'))
                .then(|| (end - i, Part::Arith(text[i + 2..end - 1].to_string())))
        }
        b'{' => {
            let end = skip_nested(s, i + 2, b'{', b'}');
            Some((
                end - i,
                Part::Param(text[i + 2..end.saturating_sub(1).max(i + 2)].to_string()),
            ))
        }
        b'\'' => {
            let mut j = i + 2;
            while j < s.len() && s[j] != b'\'' {
                if s[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            let body = &text[i + 2..j.min(s.len())];
            Some(((j + 1).min(s.len()) - i, Part::Quoted(ansi_c(body))))
        }
        c if c.is_ascii_digit() || b"@*#?$!-".contains(c) => {
            Some((2, Part::Param(text[i + 1..i + 2].to_string())))
        }
        c if *c == b'_' || c.is_ascii_alphabetic() => {
            let mut j = i + 1;
            while j < s.len() && (s[j] == b'_' || s[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            Some((j - i, Part::Param(text[i + 1..j].to_string())))
        }
        _ => None,
    }
}

/// A `` `…` `` substitution at `i`: its length and the command, with the backslashes that
/// quote `$`, `` ` `` and `\` removed (and `"` inside double quotes, `in_double`).
fn backtick(text: &str, i: usize, in_double: bool) -> (usize, Part) {
    let s = text.as_bytes();
    let mut j = i + 1;
    let mut body = String::new();
    while j < s.len() && s[j] != b'`' {
        if s[j] == b'\\'
            && j + 1 < s.len()
            && (b"$`\\".contains(&s[j + 1]) || in_double && s[j + 1] == b'"')
        {
            j += 1;
        }
        let ch = text[j..].chars().next().unwrap_or(' ');
        body.push(ch);
        j += ch.len_utf8();
    }
    ((j + 1).min(s.len()) - i, Part::Command(body))
}

fn push_char(parts: &mut Vec<Part>, c: char, quoted: bool) {
    match (parts.last_mut(), quoted) {
        (Some(Part::Lit(s)), false) | (Some(Part::Quoted(s)), true) => s.push(c),
        _ if quoted => parts.push(Part::Quoted(c.to_string())),
        _ => parts.push(Part::Lit(c.to_string())),
    }
}

/// Lexes the inside of double quotes.
fn lex_double(text: &str) -> Vec<Part> {
    lex_double_with(text, false)
}

/// Lexes the word of `"${v:-word}"`: as inside double quotes (single quotes are literal),
/// except that inner double quotes are removed, as bash does.
pub fn lex_quoted_word(text: &str) -> Vec<Part> {
    lex_double_with(text, true)
}

fn lex_double_with(text: &str, drop_quotes: bool) -> Vec<Part> {
    let s = text.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'"' if drop_quotes => i += 1,
            b'\\' if i + 1 < s.len() && b"$`\"\\\n".contains(&s[i + 1]) => {
                if s[i + 1] != b'\n' {
                    push_char(&mut parts, s[i + 1] as char, true);
                }
                i += 2;
            }
            b'$' if !matches!(s.get(i + 1), Some(b'\'')) => match dollar(text, i) {
                Some((n, p)) => {
                    parts.push(p);
                    i += n;
                }
                None => {
                    push_char(&mut parts, '$', true);
                    i += 1;
                }
            },
            b'`' => {
                let (n, p) = backtick(text, i, true);
                parts.push(p);
                i += n;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                push_char(&mut parts, c, true);
                i += c.len_utf8();
            }
        }
    }
    parts
}

/// Lexes one raw word into parts.
pub fn lex_word(text: &str) -> Vec<Part> {
    let s = text.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    if s.first() == Some(&b'~') {
        let end = text.find('/').unwrap_or(text.len());
        let user = &text[1..end];
        if user == "+"
            || user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            parts.push(Part::Tilde(user.to_string()));
            i = end;
        }
    }
    while i < s.len() {
        match s[i] {
            b'\\' => {
                if let Some(c) = text[i + 1..].chars().next() {
                    if c != '\n' {
                        push_char(&mut parts, c, true);
                    }
                    i += 1 + c.len_utf8();
                } else {
                    push_char(&mut parts, '\\', false);
                    i += 1;
                }
            }
            b'\'' => {
                let end = text[i + 1..].find('\'').map_or(s.len(), |e| i + 1 + e);
                parts.push(Part::Quoted(text[i + 1..end].to_string()));
                i = (end + 1).min(s.len().max(end + 1));
            }
            b'"' => {
                let end = skip_double(s, i + 1);
                parts.push(Part::Double(lex_double(&text[i + 1..end.min(s.len())])));
                i = end + 1;
            }
            b'$' if s.get(i + 1) == Some(&b'"') => {
                let end = skip_double(s, i + 2);
                parts.push(Part::Double(lex_double(&text[i + 2..end.min(s.len())])));
                i = end + 1;
            }
            b'$' => match dollar(text, i) {
                Some((n, p)) => {
                    parts.push(p);
                    i += n;
                }
                None => {
                    push_char(&mut parts, '$', false);
                    i += 1;
                }
            },
            b'`' => {
                let (n, p) = backtick(text, i, false);
                parts.push(p);
                i += n;
            }
            b'<' | b'>' if s.get(i + 1) == Some(&b'(') => {
                let end = skip_nested(s, i + 2, b'(', b')');
                let script = text[i + 2..end.saturating_sub(1).max(i + 2)].to_string();
                parts.push(if s[i] == b'<' {
                    Part::ProcSub(script)
                } else {
                    Part::ProcSubOut(script)
                });
                i = end;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                push_char(&mut parts, c, false);
                i += c.len_utf8();
            }
        }
    }
    parts
}

/// The parts of `word` when it looks like an assignment with a tilde after its `=` or a
/// colon (`PREFIX=~/x`, `P=a:~/b`), those tildes as tilde parts; `None` otherwise.
pub fn assignment_word_tildes(word: &str) -> Option<Vec<Part>> {
    let eq = word.find('=')?;
    let name = word[..eq].strip_suffix('+').unwrap_or(&word[..eq]);
    if !is_name(name) || !(word[eq + 1..].starts_with('~') || word.contains(":~")) {
        return None;
    }
    let mut parts = lex_word(&word[..eq + 1]);
    let mut value = lex_word(&word[eq + 1..]);
    // The value's leading `~user` was lexed as a tilde part already; the rest after colons.
    if let Some(Part::Lit(_)) = value.first() {
        value = tilde_after_colons(value);
    } else {
        let first = value.remove(0);
        value = std::iter::once(first)
            .chain(tilde_after_colons(value))
            .collect();
    }
    parts.extend(value);
    Some(parts)
}

/// `parts` of an assignment value with each unquoted `:~` or `:~user` (up to `/`, `:` or the
/// end of the literal) turned into a tilde part, as bash expands them in assignments.
pub fn tilde_after_colons(parts: Vec<Part>) -> Vec<Part> {
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        let Part::Lit(s) = p else {
            out.push(p);
            continue;
        };
        let mut rest = s.as_str();
        while let Some(at) = rest.find(":~") {
            let after = &rest[at + 2..];
            let user_len = after.find(['/', ':']).unwrap_or(after.len());
            let user = &after[..user_len];
            if !user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                push_lit(&mut out, &rest[..at + 2]);
                rest = after;
                continue;
            }
            push_lit(&mut out, &rest[..at + 1]);
            out.push(Part::Tilde(user.to_string()));
            rest = &after[user_len..];
        }
        push_lit(&mut out, rest);
    }
    out
}

fn push_lit(parts: &mut Vec<Part>, s: &str) {
    if s.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(Part::Lit(l)) => l.push_str(s),
        _ => parts.push(Part::Lit(s.to_string())),
    }
}

/// Lexes a here-document body that is expanded (`$`, backticks, `\$` escapes; quotes are literal).
pub fn lex_heredoc(text: &str) -> Vec<Part> {
    lex_double(text)
        .into_iter()
        .map(|p| match p {
            Part::Quoted(s) => Part::Quoted(s),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_escapes_decode_to_utf8() {
        assert_eq!(ansi_c(r"\u00e9\U0001F600\uzz"), "é😀\\uzz");
        assert_eq!(decode_escapes(r"\u263a", Escapes::Echo).0, "☺");
    }

    #[test]
    fn splits_words_with_quotes_and_substitutions() {
        assert_eq!(
            split_words(r#"a "b c" 'd e' $(f g) ${h i} `j k` l\ m"#),
            vec![
                "a", "\"b c\"", "'d e'", "$(f g)", "${h i}", "`j k`", "l\\ m"
            ]
        );
    }

    #[test]
    fn lexes_parts() {
        assert_eq!(
            lex_word(r#"a"$b c"'$d'\e$((1+2))"#),
            vec![
                Part::Lit("a".into()),
                Part::Double(vec![Part::Param("b".into()), Part::Quoted(" c".into())]),
                Part::Quoted("$de".into()),
                Part::Arith("1+2".into()),
            ]
        );
        assert_eq!(lex_word("$'a\\tb'"), vec![Part::Quoted("a\tb".into())]);
        assert_eq!(
            lex_word("~/x"),
            vec![Part::Tilde(String::new()), Part::Lit("/x".into())]
        );
    }

    #[test]
    fn assignments() {
        let a = parse_assignment("x+=(1 2)").unwrap();
        assert!(a.append);
        assert!(matches!(a.value, AssignValue::Array(v) if v == vec!["1", "2"]));
        assert!(parse_assignment("1x=2").is_none());
        assert_eq!(
            parse_assignment("a[3]=v").unwrap().index.as_deref(),
            Some("3")
        );
    }
}
