//! POSIX regular expressions (BRE and ERE, as grep and sed take them) translated to the
//! `regex` crate's syntax: `\(…\)`, `\{m,n\}`, `\|`, `\+`, `\?` in BRE, `\<`/`\>` word
//! boundaries, literal `{` where it cannot start a repetition.

/// Translates a BRE (`extended = false`) or ERE to `regex` syntax.
pub fn translate(re: &str, extended: bool) -> String {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut i = 0;
    let mut at_start = true;
    while i < chars.len() {
        let c = chars[i];
        let start_here = at_start;
        at_start = false;
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                i += 2;
                match n {
                    '(' | ')' | '{' | '}' | '|' | '+' | '?' if !extended => {
                        out.push(n);
                        if n == '(' || n == '|' {
                            at_start = true;
                        }
                    }
                    '<' | '>' => out.push_str("\\b"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    d if d.is_ascii_digit() => {
                        // Back-references are not supported by the engine; match literally.
                        out.push_str(&regex::escape(&d.to_string()));
                    }
                    other => out.push_str(&regex::escape(&other.to_string())),
                }
                continue;
            }
            '[' => {
                // Copy a bracket expression, escaping what `regex` treats specially inside.
                let mut j = i + 1;
                let mut class = String::from("[");
                if j < chars.len() && chars[j] == '^' {
                    class.push('^');
                    j += 1;
                }
                if j < chars.len() && chars[j] == ']' {
                    class.push_str("\\]");
                    j += 1;
                }
                let mut closed = false;
                while j < chars.len() {
                    let ch = chars[j];
                    if ch == '[' && j + 1 < chars.len() && matches!(chars[j + 1], ':' | '.' | '=') {
                        let end = (j + 2..chars.len().saturating_sub(1))
                            .find(|&k| chars[k] == chars[j + 1] && chars[k + 1] == ']');
                        if let Some(e) = end {
                            class.extend(&chars[j..e + 2]);
                            j = e + 2;
                            continue;
                        }
                    }
                    if ch == ']' {
                        closed = true;
                        j += 1;
                        break;
                    }
                    if matches!(ch, '\\' | '[' | '&' | '~' | '-')
                        && !(ch == '-'
                            && j + 1 < chars.len()
                            && chars[j + 1] != ']'
                            && !class.ends_with('[')
                            && !class.ends_with('^'))
                    {
                        class.push('\\');
                    }
                    class.push(ch);
                    j += 1;
                }
                if closed {
                    class.push(']');
                    out.push_str(&class);
                    i = j;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
                continue;
            }
            '(' | ')' | '|' | '+' | '?' if !extended => {
                out.push_str(&regex::escape(&c.to_string()))
            }
            '{' if !extended => out.push_str("\\{"),
            '}' if !extended => out.push_str("\\}"),
            '{' if extended => {
                // A repetition only when it looks like one.
                let rest: String = chars[i + 1..].iter().collect();
                let ok = rest.find('}').is_some_and(|e| {
                    let body = &rest[..e];
                    !body.is_empty()
                        && body.chars().all(|ch| ch.is_ascii_digit() || ch == ',')
                        && !out.is_empty()
                });
                out.push_str(if ok { "{" } else { "\\{" });
            }
            '*' if start_here => out.push_str("\\*"),
            '^' if !extended && !start_here => out.push_str("\\^"),
            '$' if !extended
                && i + 1 < chars.len()
                && !(chars[i + 1] == '\\'
                    && chars.get(i + 2).is_some_and(|c| *c == ')' || *c == '|')) =>
            {
                out.push_str("\\$")
            }
            '(' | '|' => {
                out.push(c);
                at_start = true;
            }
            '^' => {
                out.push(c);
                at_start = true;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn bre_and_ere() {
        assert_eq!(translate(r"a\(b\)*c", false), "a(b)*c");
        assert_eq!(translate("a(b)+", false), r"a\(b\)\+");
        assert_eq!(translate(r"x\{2\}", false), "x{2}");
        assert_eq!(translate("a|b", true), "a|b");
        assert_eq!(translate("*a", false), r"\*a");
        assert_eq!(translate(r"\<w", true), r"\bw");
        assert_eq!(translate("[[:digit:]]+", true), "[[:digit:]]+");
        assert_eq!(translate("a{", true), r"a\{");
        assert_eq!(translate("a$b", false), r"a\$b");
    }
}
